package classify

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dcrc-go/dcrc/retention"
)

// benchHistories returns n vehicles with 10 visits each, spread over the
// statuses.
func benchHistories(n int) []retention.VehicleHistory {
	r := rand.New(rand.NewPCG(1, 1))
	asOf := d("2026-08-31")
	hs := make([]retention.VehicleHistory, n)
	for i := range hs {
		delivered := retention.AddDays(asOf, -90-r.IntN(2500))
		h := retention.VehicleHistory{Vehicle: retention.Vehicle{VIN: fmt.Sprintf("V%07d", i), Customer: fmt.Sprintf("C%07d", i),
			Model: "M1", Dealer: "D1", DeliveredOn: delivered, Purchase: retention.FirstPurchase}}
		span := retention.DaysBetween(delivered, asOf)
		on, km := delivered, 0
		for j := range 10 {
			on = retention.AddDays(on, 1+r.IntN(max(1, span/10)))
			km += 500 + r.IntN(4000)
			h.Visits = append(h.Visits, retention.Visit{ID: fmt.Sprintf("R%07d-%d", i, j), VIN: h.Vehicle.VIN,
				Dealer: []string{"D1", "D2"}[r.IntN(2)], OpenedOn: on, ClosedOn: on, OdometerKm: km,
				Kind: []retention.VisitKind{retention.Maintenance, retention.Repair}[r.IntN(2)]})
		}
		hs[i] = h
	}
	return hs
}

// BenchmarkVehicle classifies one vehicle with 10 visits per operation:
// status, flags, stage, mileage, next service and KPI facts.
func BenchmarkVehicle(b *testing.B) {
	c := newClassifier(b, nil)
	hs := benchHistories(10_000)
	asOf := d("2026-08-31")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c.Vehicle(&hs[i%len(hs)], nil, asOf)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "vehicles/s")
}

// BenchmarkTiers ranks 100,000 customers of 20 dealers per operation (the
// TierInputs given), the serial step between classifying and planning.
func BenchmarkTiers(b *testing.B) {
	p := retention.DefaultPolicy()
	c, err := New(&p, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	ts := randomTierInputs(rand.New(rand.NewPCG(2, 2)), 100_000, 20)
	b.ReportAllocs()
	for b.Loop() {
		c.Tiers(ts)
	}
	b.ReportMetric(float64(len(ts)*b.N)/b.Elapsed().Seconds(), "customers/s")
}
