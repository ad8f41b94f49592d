package schedule

import "testing"

// BenchmarkCustomer plans one day for one customer (1–3 vehicles, up to 8
// visits each) per operation, classification included.
func BenchmarkCustomer(b *testing.B) {
	asOf := d("2026-11-22")
	pl := planner(b, nil, nil)
	in := population(10_000, 7, asOf)
	rs := pl.Plan(in, asOf).Customers
	byID := map[string]int{}
	for i := range rs {
		byID[rs[i].ID] = i
	}
	vehicles, tasks := 0, 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c := &in[i%len(in)]
		r := pl.c.Customer(c, asOf)
		r.Tier = rs[byID[c.Customer.ID]].Tier
		p := pl.Customer(c, &r, asOf)
		vehicles += len(c.Vehicles)
		tasks += len(p.Tasks)
	}
	b.ReportMetric(float64(vehicles)/b.Elapsed().Seconds(), "vehicles/s")
	b.ReportMetric(float64(tasks)/b.Elapsed().Seconds(), "tasks/s")
}
