package classify

import (
	"testing"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// population is a small network as of 2026-08-31, computed by hand in
// TestStats.
func population() []CustomerInput {
	veh := func(vin, cust, model, delivered string, visits ...[2]string) retention.VehicleHistory {
		h := retention.VehicleHistory{Vehicle: retention.Vehicle{VIN: vin, Customer: cust, Model: model, Dealer: "D1",
			DeliveredOn: d(delivered), Purchase: retention.FirstPurchase}}
		for i, v := range visits {
			h.Visits = append(h.Visits, retention.Visit{ID: vin + "-" + string(rune('a'+i)), VIN: vin, Dealer: "D1",
				OpenedOn: d(v[0]), ClosedOn: d(v[0]), Kind: retention.Repair, Advisor: v[1]})
		}
		return h
	}
	scrapped := veh("V5", "C4", "M1", "2020-01-01")
	scrapped.Vehicle.Scrapped = true
	return []CustomerInput{
		{Customer: retention.Customer{ID: "C1", Phone: "1"}, Vehicles: []retention.VehicleHistory{
			veh("V1", "C1", "M1", "2024-01-15", [2]string{"2025-10-01", "A1"}, [2]string{"2025-12-01", "A1"},
				[2]string{"2026-02-01", "A1"}, [2]string{"2026-08-01", "A1"}), // active; dormant a year ago, back
			veh("V6", "C1", "M2", "2025-01-15", [2]string{"2025-06-01", "A1"}), // dormant; returned in its first year
		}},
		{Customer: retention.Customer{ID: "C2", Phone: "2"}, Vehicles: []retention.VehicleHistory{
			veh("V2", "C2", "M1", "2023-05-01", [2]string{"2024-12-01", "A1"}, [2]string{"2026-01-10", "A2"}), // lost; held; won back
		}},
		{Customer: retention.Customer{ID: "C3", Phone: "3"}, Vehicles: []retention.VehicleHistory{
			veh("V3", "C3", "M2", "2022-01-01", [2]string{"2025-03-01", "A2"}), // dormant
			veh("V4", "C3", "M2", "2026-07-01"),                                // new
		}},
		{Customer: retention.Customer{ID: "C4"}, Vehicles: []retention.VehicleHistory{scrapped}},
		{Customer: retention.Customer{ID: "C5", Phone: "5"}}, // no vehicle: not counted
	}
}

func TestStats(t *testing.T) {
	c := newClassifier(t, nil)
	asOf := d("2026-08-31")
	var whole, part1, part2 Stats
	for i, in := range population() {
		r := c.Customer(&in, asOf)
		whole.Add(&r)
		if i%2 == 0 {
			part1.Add(&r)
		} else {
			part2.Add(&r)
		}
	}
	dec := decimal.RequireFromString
	sc := func(s retention.Status, n int64, share string) StatusCount {
		return StatusCount{Status: s, Count: n, Share: dec(share)}
	}
	r := func(num, den int64) retention.Ratio { return retention.Ratio{Num: num, Den: den} }
	want := Report{
		Customers: 4, TotalCustomers: 3, RetainedCustomers: 3, EffectiveCustomers: 3, Vehicles: 6,
		// Counts 1,1,0,0,1,2,1 of 6: 1/6 = 0.1666…; the three units lost to
		// rounding go to the largest remainders, the first three sixths.
		VehicleStatus: []StatusCount{sc(retention.StatusNew, 1, "0.1667"), sc(retention.StatusActive, 1, "0.1667"),
			sc(retention.StatusRegular, 0, "0"), sc(retention.StatusSwing, 0, "0"), sc(retention.StatusLost, 1, "0.1667"),
			sc(retention.StatusDormant, 2, "0.3333"), sc(retention.StatusScrapped, 1, "0.1666")},
		CustomerStatus: []StatusCount{sc(retention.StatusNew, 1, "0.25"), sc(retention.StatusActive, 1, "0.25"),
			sc(retention.StatusRegular, 0, "0"), sc(retention.StatusSwing, 0, "0"), sc(retention.StatusLost, 1, "0.25"),
			sc(retention.StatusDormant, 0, "0"), sc(retention.StatusScrapped, 1, "0.25")},
		HoldRate:            r(1, 3), // V2, V3, V6 visited 13–24 months ago; V2 came back
		WinBackRate:         r(2, 2), // V1 (dormant) and V2 (lost) a year ago; both visited since
		FirstYearReturnRate: r(1, 1), // V6 delivered 2025-01-15, visited 2025-06-01
		LostBySeries:        []Group{{"S1", r(1, 2)}, {"S2", r(0, 1)}},
		LostByModel:         []Group{{"M1", r(1, 2)}, {"M2", r(0, 1)}},
		LostByAdvisor:       []Group{{"", r(0, 1)}, {"A1", r(0, 1)}, {"A2", r(1, 1)}},
		LostByMonth:         []Group{{"2026-01", r(1, 1)}},
		LostByOutcome:       []Group{{"none", r(1, 1)}},
	}
	opt := cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })
	if diff := cmp.Diff(want, whole.Report(), opt); diff != "" {
		t.Errorf("Report (-want +got):\n%s", diff)
	}
	part1.Merge(&part2)
	if diff := cmp.Diff(whole.Report(), part1.Report(), opt); diff != "" {
		t.Errorf("merged parts differ from the whole (-whole +merged):\n%s", diff)
	}
	var empty Stats
	for _, s := range empty.Report().VehicleStatus {
		if !s.Share.IsZero() {
			t.Errorf("empty population: share of %s = %s", s.Status, s.Share)
		}
	}
}
