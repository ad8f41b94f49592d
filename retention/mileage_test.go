package retention

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rickb777/date"
)

// vehicle returns a passenger vehicle delivered on the date with 0 km.
func vehicle(delivered string) Vehicle {
	return Vehicle{VIN: "V1", Customer: "C1", Model: "M1", Dealer: "D1", DeliveredOn: d(delivered), Purchase: FirstPurchase}
}

// visit returns a maintenance visit of V1 with the odometer.
func visit(id, on string, km int) Visit {
	return Visit{ID: id, VIN: "V1", Dealer: "D1", OpenedOn: d(on), ClosedOn: d(on), OdometerKm: km, Kind: Maintenance}
}

func TestEstimateMileage(t *testing.T) {
	p := DefaultPolicy()
	rules := p.ForModel(&Model{ID: "M1", Kind: Passenger})
	delivery := Reading{On: d("2025-01-01"), Km: 0}
	r := func(id, on string, km int) Reading { return Reading{On: d(on), Km: km, Visit: id} }
	tests := []struct {
		name   string
		visits []Visit
		asOf   string
		want   Mileage
	}{
		{"no visits: model default", nil, "2026-11-22",
			Mileage{Rate: Rate{40000, 1000}, Basis: BasisDefault, Readings: []Reading{delivery}}},
		{"recent readings spanning 153 days", []Visit{visit("A", "2026-05-01", 15000), visit("B", "2026-10-01", 21000)}, "2026-11-22",
			Mileage{Rate: Rate{6000, 153}, Basis: BasisRecent, Readings: []Reading{delivery, r("A", "2026-05-01", 15000), r("B", "2026-10-01", 21000)}}},
		// The lookback window is (asOf − 365 days, asOf]: 2025-11-22 is out, 2025-11-23 in.
		{"recent span 29 days: all readings", []Visit{visit("A", "2025-11-23", 10000), visit("B", "2025-12-22", 11000)}, "2026-11-22",
			Mileage{Rate: Rate{11000, 355}, Basis: BasisAll, Readings: []Reading{delivery, r("A", "2025-11-23", 10000), r("B", "2025-12-22", 11000)}}},
		{"recent span 30 days", []Visit{visit("A", "2025-11-23", 10000), visit("B", "2025-12-23", 11000)}, "2026-11-22",
			Mileage{Rate: Rate{1000, 30}, Basis: BasisRecent, Readings: []Reading{delivery, r("A", "2025-11-23", 10000), r("B", "2025-12-23", 11000)}}},
		{"recent span 31 days", []Visit{visit("A", "2025-11-23", 10000), visit("B", "2025-12-24", 11000)}, "2026-11-22",
			Mileage{Rate: Rate{1000, 31}, Basis: BasisRecent, Readings: []Reading{delivery, r("A", "2025-11-23", 10000), r("B", "2025-12-24", 11000)}}},
		{"reading on the lookback start is not recent", []Visit{visit("A", "2025-11-22", 10000), visit("B", "2026-11-22", 20000)}, "2026-11-22",
			Mileage{Rate: Rate{20000, 690}, Basis: BasisAll, Readings: []Reading{delivery, r("A", "2025-11-22", 10000), r("B", "2026-11-22", 20000)}}},
		{"all readings span 13 days: model default", []Visit{visit("A", "2025-01-14", 700)}, "2025-02-01",
			Mileage{Rate: Rate{40000, 1000}, Basis: BasisDefault, Readings: []Reading{delivery, r("A", "2025-01-14", 700)}}},
		{"all readings span 14 days", []Visit{visit("A", "2025-01-15", 700)}, "2025-02-01",
			Mileage{Rate: Rate{700, 14}, Basis: BasisAll, Readings: []Reading{delivery, r("A", "2025-01-15", 700)}}},
		{"all readings span 15 days", []Visit{visit("A", "2025-01-16", 750)}, "2025-02-01",
			Mileage{Rate: Rate{750, 15}, Basis: BasisAll, Readings: []Reading{delivery, r("A", "2025-01-16", 750)}}},
		{"visits after asOf and without odometer give no reading",
			[]Visit{visit("A", "2025-03-01", 0), visit("B", "2025-04-01", 3000), visit("C", "2025-06-01", 9000)}, "2025-05-01",
			Mileage{Rate: Rate{3000, 90}, Basis: BasisRecent, Readings: []Reading{delivery, r("B", "2025-04-01", 3000)}}},
		{"rollback dropped and reported",
			[]Visit{visit("A", "2025-04-01", 6000), visit("B", "2025-06-01", 5500), visit("C", "2025-08-01", 12000)}, "2025-09-01",
			Mileage{Rate: Rate{12000, 212}, Basis: BasisRecent,
				Readings: []Reading{delivery, r("A", "2025-04-01", 6000), r("C", "2025-08-01", 12000)},
				Findings: []Finding{{"visits/B", "odometerKm", "odometer went backwards: 5500 km on 2025-06-01 after 6000 km on 2025-04-01"}}}},
		{"implausible jump dropped and reported",
			[]Visit{visit("A", "2025-01-11", 15001), visit("B", "2025-02-01", 2000)}, "2025-03-01",
			Mileage{Rate: Rate{2000, 31}, Basis: BasisRecent, // delivery and B are both within 365 days
				Readings: []Reading{delivery, r("B", "2025-02-01", 2000)},
				Findings: []Finding{{"visits/A", "odometerKm", "odometer implies more than 1500 km/day: 15001 km on 2025-01-11 after 0 km on 2025-01-01"}}}},
		{"exactly 1500 km/day is plausible (kept; 10 days are too few for a rate)",
			[]Visit{visit("A", "2025-01-11", 15000)}, "2025-03-01",
			Mileage{Rate: Rate{40000, 1000}, Basis: BasisDefault, Readings: []Reading{delivery, r("A", "2025-01-11", 15000)}}},
		{"a mistyped odometer costs one reading, not the later ones",
			[]Visit{visit("A", "2025-03-01", 5000), visit("B", "2025-06-01", 95000), visit("C", "2025-09-01", 10000), visit("D", "2025-12-01", 15000)}, "2025-12-31",
			Mileage{Rate: Rate{15000, 334}, Basis: BasisRecent,
				Readings: []Reading{delivery, r("A", "2025-03-01", 5000), r("C", "2025-09-01", 10000), r("D", "2025-12-01", 15000)},
				Findings: []Finding{{"visits/B", "odometerKm", "odometer 95000 km on 2025-06-01 is inconsistent with the later readings"}}}},
		{"visit before delivery reported",
			[]Visit{visit("A", "2024-12-20", 10)}, "2025-03-01",
			Mileage{Rate: Rate{40000, 1000}, Basis: BasisDefault, Readings: []Reading{delivery},
				Findings: []Finding{{"visits/A", "openedOn", "visit on 2024-12-20 is before the delivery on 2025-01-01"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := vehicle("2025-01-01")
			got := p.EstimateMileage(&v, tt.visits, &rules, d(tt.asOf))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("EstimateMileage (-want +got):\n%s", diff)
			}
			// The order of the visits never matters.
			shuffled := append([]Visit(nil), tt.visits...)
			rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			if diff := cmp.Diff(got, p.EstimateMileage(&v, shuffled, &rules, d(tt.asOf))); diff != "" {
				t.Errorf("depends on visit order (-sorted +shuffled):\n%s", diff)
			}
		})
	}
}

// The example of the schedule issue: 9,000 km in 129 days is ~69.8 km/day,
// and a 5,000 km interval is reached in 72 days (71.67 rounded up).
func TestRateRoundsUpToWholeDays(t *testing.T) {
	r := Rate{Km: 9000, Days: 129}
	if got := r.DailyKm(); got < 69.76 || got > 69.77 {
		t.Errorf("DailyKm = %v, want ~69.77", got)
	}
	days, ok := r.DaysFor(5000)
	if !ok || days != 72 {
		t.Errorf("DaysFor(5000) = %d, %v, want 72", days, ok)
	}
	// Exact multiples are not rounded up a day by floating point:
	// 9,000 km at 9000/129 km/day take exactly 129 days.
	if days, _ := r.DaysFor(9000); days != 129 {
		t.Errorf("DaysFor(9000) = %d, want 129", days)
	}
	if km := r.KmIn(72); km != 5023 {
		t.Errorf("KmIn(72) = %d, want 5023 (rounded down)", km)
	}
	if _, ok := (Rate{0, 30}).DaysFor(1); ok {
		t.Error("a zero rate reaches a positive distance")
	}
	if days, ok := (Rate{0, 30}).DaysFor(0); !ok || days != 0 {
		t.Errorf("DaysFor(0) = %d, %v, want 0, true", days, ok)
	}
}

func TestOdometerOnAndDateReaching(t *testing.T) {
	p := DefaultPolicy()
	rules := p.ForModel(nil)
	v := vehicle("2025-01-01")
	m := p.EstimateMileage(&v, []Visit{visit("A", "2025-03-01", 2000), visit("B", "2025-05-01", 6000)}, &rules, d("2025-06-01"))
	// Rate: 6000 km in 120 days = 50 km/day.
	if m.Rate != (Rate{6000, 120}) {
		t.Fatalf("rate = %v", m.Rate)
	}
	odo := []struct {
		on   string
		want int
	}{
		{"2024-12-31", 0},     // before delivery
		{"2025-01-01", 0},     // delivery
		{"2025-01-11", 500},   // delivery + 10 days × 50
		{"2025-03-01", 2000},  // a reading
		{"2025-03-02", 2050},  // latest reading + 1 day
		{"2025-05-01", 6000},  // the last reading
		{"2025-07-01", 9050},  // 61 days after it
		{"2026-05-01", 24250}, // 365 days after it
	}
	for _, tt := range odo {
		if got := m.OdometerOn(d(tt.on)); got != tt.want {
			t.Errorf("OdometerOn(%s) = %d, want %d", tt.on, got, tt.want)
		}
	}
	reach := []struct {
		km   int
		want string
	}{
		{0, "2025-01-01"},
		{500, "2025-01-11"},
		{1999, "2025-02-10"},   // 1,999 / 50 = 39.98, rounded up to 40 days after delivery
		{2000, "2025-02-10"},   // the estimate reaches 2,000 before the reading of 2025-03-01 does
		{5000, "2025-04-30"},   // from the reading of 2025-03-01: 3,000 km / 50 = 60 days
		{6000, "2025-05-01"},   // 4,000 / 50 = 80 days after 2025-03-01 is after the reading of 6,000 on 2025-05-01
		{6001, "2025-05-02"},   // after the last reading: 1 km takes a day
		{100000, "2030-06-24"}, // 94,000 km / 50 = 1,880 days after 2025-05-01
	}
	for _, tt := range reach {
		got, ok := m.DateReaching(tt.km, v.DeliveredOn)
		if !ok || got.String() != tt.want {
			t.Errorf("DateReaching(%d) = %s, %v, want %s", tt.km, got, ok, tt.want)
		}
		if ok && m.OdometerOn(got) < tt.km {
			t.Errorf("OdometerOn(DateReaching(%d)) = %d, below the distance", tt.km, m.OdometerOn(got))
		}
		if prev := AddDays(got, -1); ok && !prev.Before(v.DeliveredOn) && m.OdometerOn(prev) >= tt.km && tt.km > 0 {
			t.Errorf("DateReaching(%d) = %s, but the day before already has %d km", tt.km, got, m.OdometerOn(prev))
		}
	}
	parked := Mileage{Rate: Rate{0, 60}, Basis: BasisAll, Readings: []Reading{{On: d("2025-01-01"), Km: 10}}}
	if on, ok := parked.DateReaching(11, d("2025-01-01")); ok {
		t.Errorf("a parked vehicle reaches 11 km on %s", on)
	}
	if on, ok := parked.DateReaching(10, d("2025-01-01")); !ok || on != d("2025-01-01") {
		t.Errorf("DateReaching(reading) = %s, %v", on, ok)
	}
}

// TestDateReachingByDefinition holds DateReaching to its definition on
// random estimates: the first day, from the later of from and the first
// reading, on which OdometerOn is km or more, found by asking every day in
// turn. The estimates have readings on the same day, stretches whose
// estimate overshoots the next reading, parked vehicles (rate 0) and starts
// before, on and inside the stretches.
func TestDateReachingByDefinition(t *testing.T) {
	rnd := rand.New(rand.NewPCG(8, 19))
	base := d("2025-01-01")
	for n := range 20_000 {
		m := Mileage{Rate: Rate{Km: int64(rnd.IntN(3) * rnd.IntN(2000)), Days: int64(1 + rnd.IntN(100))}}
		on, km := base, rnd.IntN(100)
		for range 1 + rnd.IntN(6) {
			m.Readings = append(m.Readings, Reading{On: on, Km: km})
			on, km = AddDays(on, rnd.IntN(3)*rnd.IntN(40)), km+rnd.IntN(3000)
		}
		lastR := m.Readings[len(m.Readings)-1]
		from := AddDays(base, rnd.IntN(DaysBetween(base, lastR.On)+60)-10)
		target := rnd.IntN(lastR.Km + 5000)

		first := from
		if first.Before(base) {
			first = base
		}
		horizon := lastR.On
		if first.After(horizon) {
			horizon = first
		}
		if days, ok := m.Rate.DaysFor(target - lastR.Km); ok {
			horizon = AddDays(horizon, days)
		}
		want, wantOK := date.Date{}, false
		for on := first; !on.After(horizon); on = AddDays(on, 1) {
			if m.OdometerOn(on) >= target {
				want, wantOK = on, true
				break
			}
		}
		got, ok := m.DateReaching(target, from)
		if ok != wantOK || got != want {
			t.Fatalf("case %d: %+v\nDateReaching(%d, %s) = %s, %v; by definition %s, %v", n, m, target, from, got, ok, want, wantOK)
		}
	}
}

// TestReachesWithin: reachesWithin(km, days) is DaysFor(km) ≤ days, without
// a division, whatever the rate.
func TestReachesWithin(t *testing.T) {
	rnd := rand.New(rand.NewPCG(8, 20))
	for range 100_000 {
		r := Rate{Km: int64(rnd.IntN(4000) - 500), Days: int64(rnd.IntN(400) - 20)}
		km, days := rnd.IntN(20_000)-100, rnd.IntN(2000)
		need, ok := r.DaysFor(km)
		if got, want := r.reachesWithin(km, days), ok && need <= days; got != want {
			t.Fatalf("%+v.reachesWithin(%d, %d) = %v; DaysFor = %d, %v", r, km, days, got, need, ok)
		}
	}
	// Products past 64 bits compare exactly.
	huge := Rate{Km: 1 << 62, Days: 1 << 40}
	if !huge.reachesWithin(1<<40, 1<<22) || huge.reachesWithin(1<<60, 1<<37) {
		t.Error("reachesWithin is wrong past 64 bits")
	}
}
