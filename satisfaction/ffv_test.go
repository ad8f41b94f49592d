package satisfaction

import (
	"math/rand/v2"
	"testing"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
)

var d = retention.MustParseDate

func repair(id string, kind retention.VisitKind, opened, closed, advisor string, codes ...string) retention.Visit {
	return retention.Visit{ID: id, Dealer: "D1", OpenedOn: d(opened), ClosedOn: d(closed), Kind: kind,
		Advisor: advisor, Technician: "T1", ComplaintCodes: codes}
}

// fleet is the hand-computed population of TestFFV.
func fleet() []retention.VehicleHistory {
	rp := retention.Repair
	h := func(vin string, vs ...retention.Visit) retention.VehicleHistory {
		for i := range vs {
			vs[i].VIN = vin
		}
		return retention.VehicleHistory{Vehicle: retention.Vehicle{VIN: vin, Model: "M1"}, Visits: vs}
	}
	return []retention.VehicleHistory{
		// R1 picked up 2026-01-31; R2 opened 30 days later (across February): a comeback.
		h("V1", repair("R1", rp, "2026-01-30", "2026-01-31", "A1", "A"), repair("R2", rp, "2026-03-02", "2026-03-02", "A2", "A")),
		// R3 picked up 2026-02-10; R4 opened 31 days later: not a comeback.
		h("V2", repair("R3", rp, "2026-02-10", "2026-02-10", "A1", "B"), repair("R4", rp, "2026-03-13", "2026-03-13", "A1", "B")),
		// Different codes are no comeback; a maintenance is not a repair.
		h("V3", repair("R5", retention.WarrantyRepair, "2026-02-14", "2026-02-15", "A2", "C"),
			repair("M1", retention.Maintenance, "2026-02-16", "2026-02-16", "A2", "C"),
			repair("R6", retention.BodyPaint, "2026-02-20", "2026-02-20", "A2", "D")),
		// Back the same day it was picked up, sharing one of two codes.
		h("V4", repair("R7", rp, "2026-02-19", "2026-02-20", "A1", "E"), repair("R8", rp, "2026-02-20", "2026-02-21", "A2", "E", "F")),
	}
}

func TestFFV(t *testing.T) {
	p := retention.DefaultPolicy()
	r := func(fixed, repairs int64) (retention.Ratio, retention.Ratio) {
		return retention.Ratio{Num: fixed, Den: repairs}, retention.Ratio{Num: repairs - fixed, Den: repairs}
	}
	rowOf := func(key string, fixed, repairs int64) FFVRow {
		ffv, fnv := r(fixed, repairs)
		return FFVRow{Key: key, FFV: ffv, FNV: fnv}
	}
	tests := []struct {
		name string
		opts *FFVOptions
		want FFVReport
	}{
		{"all repairs", nil, FFVReport{
			All:          rowOf("", 6, 8), // R1 and R7 came back
			ByDealer:     []FFVRow{rowOf("D1", 6, 8)},
			ByAdvisor:    []FFVRow{rowOf("A1", 2, 4), rowOf("A2", 4, 4)},
			ByTechnician: []FFVRow{rowOf("T1", 6, 8)},
			ByModel:      []FFVRow{rowOf("M1", 6, 8)},
			ByMonth:      []FFVRow{rowOf("2026-01", 0, 1), rowOf("2026-02", 4, 5), rowOf("2026-03", 2, 2)},
		}},
		{"February pick-ups; comebacks seen in March", &FFVOptions{From: d("2026-02-01"), To: d("2026-02-28")}, FFVReport{
			All:          rowOf("", 4, 5),
			ByDealer:     []FFVRow{rowOf("D1", 4, 5)},
			ByAdvisor:    []FFVRow{rowOf("A1", 1, 2), rowOf("A2", 3, 3)},
			ByTechnician: []FFVRow{rowOf("T1", 4, 5)},
			ByModel:      []FFVRow{rowOf("M1", 4, 5)},
			ByMonth:      []FFVRow{rowOf("2026-02", 4, 5)},
		}},
		{"a comparison that takes any repair as the same complaint",
			&FFVOptions{Same: func(a, b *retention.Visit) bool { return true }}, FFVReport{
				All:          rowOf("", 5, 8), // R5 now comes back as R6
				ByDealer:     []FFVRow{rowOf("D1", 5, 8)},
				ByAdvisor:    []FFVRow{rowOf("A1", 2, 4), rowOf("A2", 3, 4)},
				ByTechnician: []FFVRow{rowOf("T1", 5, 8)},
				ByModel:      []FFVRow{rowOf("M1", 5, 8)},
				ByMonth:      []FFVRow{rowOf("2026-01", 0, 1), rowOf("2026-02", 3, 5), rowOf("2026-03", 2, 2)},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewFFVStats(&p, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			parts := [2]*FFVStats{}
			for i := range parts {
				parts[i], _ = NewFFVStats(&p, tt.opts)
			}
			rnd := rand.New(rand.NewPCG(5, 6))
			for i, h := range fleet() {
				rnd.Shuffle(len(h.Visits), func(a, b int) { h.Visits[a], h.Visits[b] = h.Visits[b], h.Visits[a] })
				s.Add(&h)
				parts[i%2].Add(&h)
			}
			if diff := cmp.Diff(tt.want, s.Report()); diff != "" {
				t.Errorf("Report (-want +got):\n%s", diff)
			}
			parts[0].Merge(parts[1])
			if diff := cmp.Diff(tt.want, parts[0].Report()); diff != "" {
				t.Errorf("merged (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFFVUndefinedOverNoRepairs(t *testing.T) {
	p := retention.DefaultPolicy()
	s, _ := NewFFVStats(&p, nil)
	if _, ok := s.Report().All.FFV.Decimal(4); ok {
		t.Error("FFV over no repairs is defined")
	}
}

func TestComebackWindowIsConfigurable(t *testing.T) {
	p := retention.DefaultPolicy()
	p.Satisfaction.ComebackDays = 31
	s, _ := NewFFVStats(&p, nil)
	for _, h := range fleet() {
		s.Add(&h)
	}
	if got := s.Report().All.FFV; got != (retention.Ratio{Num: 5, Den: 8}) {
		t.Errorf("31-day window: FFV %v, want 5/8 (R3 now comes back on day 31)", got)
	}
	p.Satisfaction.ComebackDays = 0
	if _, err := NewFFVStats(&p, nil); err == nil {
		t.Error("a zero comeback window was accepted")
	}
}
