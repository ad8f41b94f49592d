package satisfaction

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dcrc-go/dcrc/retention"
)

// BenchmarkFFV counts the repairs of one vehicle with 10 visits per
// operation; -benchtime=1000000x runs 10,000,000 visits.
func BenchmarkFFV(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	codes := []string{"brake", "engine", "electric", "body", "ac"}
	kinds := []retention.VisitKind{retention.Repair, retention.WarrantyRepair, retention.Maintenance, retention.BodyPaint}
	hs := make([]retention.VehicleHistory, 10_000)
	for i := range hs {
		on := d("2024-01-01")
		h := retention.VehicleHistory{Vehicle: retention.Vehicle{VIN: fmt.Sprint(i), Model: fmt.Sprintf("M%d", i%7)}}
		for j := range 10 {
			on = retention.AddDays(on, 1+r.IntN(60))
			h.Visits = append(h.Visits, retention.Visit{ID: fmt.Sprint(j), Dealer: fmt.Sprintf("D%d", i%20),
				OpenedOn: on, ClosedOn: on, Kind: kinds[r.IntN(len(kinds))], Advisor: fmt.Sprintf("A%d", r.IntN(200)),
				Technician: fmt.Sprintf("T%d", r.IntN(400)), ComplaintCodes: []string{codes[r.IntN(len(codes))]}})
		}
		hs[i] = h
	}
	p := retention.DefaultPolicy()
	s, _ := NewFFVStats(&p, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s.Add(&hs[i%len(hs)])
	}
	b.ReportMetric(float64(b.N*10)/b.Elapsed().Seconds(), "visits/s")
}
