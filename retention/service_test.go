package retention

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

func TestNextService(t *testing.T) {
	p := DefaultPolicy()
	rules := p.ForModel(&Model{ID: "M1", Kind: Passenger})
	type due struct {
		First          bool
		Anchor, DueOn  string
		DecidedBy      Limit
		AnchorKm, OdKm int
	}
	tests := []struct {
		name   string
		visits []Visit
		asOf   string
		want   due
	}{
		// 40 km/day by default: 5,000 km take 125 days, 3 months 90 or so.
		{"first service by time", nil, "2026-01-15",
			due{true, "2026-01-10", "2026-04-10", ByTime, 0, 3600}},
		// The schedule issue's example: 9,000 km in 129 days since delivery
		// is ~69.8 km/day; 5,000 km after the 9,000 km maintenance are
		// reached 72 days later, before 3 months.
		{"periodic by mileage", []Visit{visit("A", "2026-05-19", 9000)}, "2026-05-20",
			due{false, "2026-05-19", "2026-07-30", ByMileage, 9000, 14023}},
		{"periodic by time", []Visit{visit("A", "2026-05-19", 2000)}, "2026-05-20",
			due{false, "2026-05-19", "2026-08-19", ByTime, 2000, 3426}}, // 2000 + ⌊2000×92/129⌋
		// Month-end anchor: 2026-11-30 + 3 months = 2027-02-28.
		{"month-end due date", []Visit{visit("A", "2026-05-31", 200), visit("B", "2026-11-30", 400)}, "2026-12-01",
			due{false, "2026-11-30", "2027-02-28", ByTime, 400, 511}}, // 400 + ⌊400×90/324⌋
		{"repairs do not count as maintenance", []Visit{{ID: "R", VIN: "V1", Dealer: "D1", OpenedOn: d("2026-02-01"),
			ClosedOn: d("2026-02-01"), OdometerKm: 900, Kind: Repair}}, "2026-02-02",
			due{true, "2026-01-10", "2026-04-10", ByTime, 0, 3681}}, // 900 + ⌊900×68/22⌋
		{"a maintenance after asOf is not seen", []Visit{visit("A", "2026-03-01", 2000)}, "2026-02-28",
			due{true, "2026-01-10", "2026-04-10", ByTime, 0, 3600}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := vehicle("2026-01-10")
			asOf := d(tt.asOf)
			m := p.EstimateMileage(&v, tt.visits, &rules, asOf)
			s := NextService(&v, tt.visits, &rules, &m, asOf)
			got := due{s.First, s.Anchor.String(), s.DueOn.String(), s.DecidedBy, s.AnchorKm, s.OdometerKm}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NextService (-want +got):\n%s", diff)
			}
			if s.DueOn.Before(s.Anchor) {
				t.Errorf("due %s before its anchor %s", s.DueOn, s.Anchor)
			}
		})
	}
}

// The mileage limit decides on the exact day: one km less due the day
// before, the interval reached on the day.
func TestServiceAfterMileageBoundary(t *testing.T) {
	m := Mileage{Rate: Rate{100, 1}, Basis: BasisAll, Readings: []Reading{{On: d("2026-01-01"), Km: 0}}}
	for _, tt := range []struct {
		km   int
		want string
	}{{4900, "2026-02-19"}, {5000, "2026-02-20"}, {5001, "2026-02-21"}} {
		s := ServiceAfter(d("2026-01-01"), 0, 3, tt.km, &m)
		if s.DueOn.String() != tt.want || s.DecidedBy != ByMileage {
			t.Errorf("ServiceAfter(%d km) = %s by %s, want %s by mileage", tt.km, s.DueOn, s.DecidedBy, tt.want)
		}
	}
}

func TestLastMaintenance(t *testing.T) {
	vs := []Visit{visit("B", "2026-03-01", 1), visit("A", "2026-03-01", 1), visit("C", "2026-01-01", 1)}
	vs = append(vs, Visit{ID: "Z", OpenedOn: d("2026-04-01"), Kind: Repair})
	if got := LastMaintenance(vs, d("2026-12-31")); got != 0 {
		t.Errorf("LastMaintenance = %d, want 0 (B: same day as A, greater id)", got)
	}
	if got := LastMaintenance(vs, d("2025-12-31")); got != -1 {
		t.Errorf("LastMaintenance before any = %d, want -1", got)
	}
}

func TestRatio(t *testing.T) {
	r := Ratio{1, 3}
	got, ok := r.Decimal(4)
	if !ok || got.String() != "0.3333" {
		t.Errorf("1/3 = %s, %v", got, ok)
	}
	if _, ok := (Ratio{0, 0}).Decimal(4); ok {
		t.Error("0/0 is defined")
	}
	b, _ := Ratio{2, 0}.MarshalJSON()
	if string(b) != `{"num":2,"den":0,"rate":null}` {
		t.Errorf("JSON of an undefined ratio = %s", b)
	}
	b, _ = Ratio{1, 8}.MarshalJSON()
	if string(b) != `{"num":1,"den":8,"rate":"0.125"}` {
		t.Errorf("JSON = %s", b)
	}
	if got := (Ratio{1, 2}).Add(Ratio{2, 3}); got != (Ratio{3, 5}) {
		t.Errorf("Add = %v", got)
	}
}

func TestShares(t *testing.T) {
	tests := []struct {
		counts []int64
		want   []string
	}{
		{[]int64{1, 1, 1}, []string{"0.3334", "0.3333", "0.3333"}},
		{[]int64{2, 1}, []string{"0.6667", "0.3333"}},
		{[]int64{0, 0}, []string{"0", "0"}},
		{[]int64{5}, []string{"1"}},
		{[]int64{1, 2, 3, 4, 5, 6}, []string{"0.0476", "0.0952", "0.1429", "0.1905", "0.2381", "0.2857"}},
	}
	for _, tt := range tests {
		got := Shares(tt.counts, 4)
		var s []string
		sum := decimal.Zero
		for _, g := range got {
			s = append(s, g.String())
			sum = sum.Add(g)
		}
		if diff := cmp.Diff(tt.want, s); diff != "" {
			t.Errorf("Shares(%v) (-want +got):\n%s", tt.counts, diff)
		}
		if total := int64(0); len(tt.counts) > 0 {
			for _, c := range tt.counts {
				total += c
			}
			if total > 0 && !sum.Equal(decimal.NewFromInt(1)) {
				t.Errorf("Shares(%v) sum to %s", tt.counts, sum)
			}
		}
	}
}

func TestTaskKey(t *testing.T) {
	key := TaskKey(LostRecall, "LFV/1", d("2026-02-28"))
	if key != "lost-recall/LFV/1/2026-02-28" {
		t.Errorf("TaskKey = %q", key)
	}
	touch, subject, anchor, err := ParseTaskKey(key)
	if err != nil || touch != LostRecall || subject != "LFV/1" || anchor != d("2026-02-28") {
		t.Errorf("ParseTaskKey = %v %q %v %v", touch, subject, anchor, err)
	}
	for _, bad := range []string{"", "lost-recall", "lost-recall/2026-01-01", "nope/V/2026-01-01", "birthday/C1/2026-02-30"} {
		if _, _, _, err := ParseTaskKey(bad); err == nil {
			t.Errorf("ParseTaskKey(%q) accepted", bad)
		}
	}
}

func TestTaskSubject(t *testing.T) {
	for key, want := range map[string]string{
		"maintenance-due/V1/2026-08-20":           "V1",
		"mileage-milestone/V1@30000km/2026-05-06": "V1",
		"birthday/C1/2026-11-28":                  "C1",
		"birthday/C/1/2026-11-28":                 "C/1",
		"nonsense":                                "",
		"no-such-touch/V1/2026-08-20":             "",
		"maintenance-due/V1/2026-02-30":           "",
	} {
		if got, ok := TaskSubject(key); got != want || ok != (want != "") {
			t.Errorf("TaskSubject(%q) = %q, %v; want %q", key, got, ok, want)
		}
	}
}

// TestSortVisits: visits end in CompareVisits order (date, then id),
// whatever order they come in.
func TestSortVisits(t *testing.T) {
	v := func(id string, day int) Visit { return Visit{ID: id, OpenedOn: date.New(2026, 3, day)} }
	sorted := []Visit{v("b", 1), v("a", 2), v("b", 2), v("a", 9)}
	for _, tc := range []struct {
		name string
		in   []Visit
		want []Visit
	}{
		{"none", nil, nil},
		{"one", []Visit{v("a", 1)}, []Visit{v("a", 1)}},
		{"in order", []Visit{v("b", 1), v("a", 2), v("b", 2), v("a", 9)}, sorted},
		{"reversed", []Visit{v("a", 9), v("b", 2), v("a", 2), v("b", 1)}, sorted},
		{"a day's visits out of id order", []Visit{v("b", 1), v("b", 2), v("a", 2), v("a", 9)}, sorted},
	} {
		SortVisits(tc.in)
		if diff := cmp.Diff(tc.want, tc.in); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}
