package retention

import "testing"

func BenchmarkAddMonths(b *testing.B) {
	d0 := d("2026-08-31")
	for i := 0; b.Loop(); i++ {
		AddMonths(d0, i%48-24)
	}
}

func BenchmarkParseDate(b *testing.B) {
	for b.Loop() {
		if _, err := ParseDate("2026-11-22"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEstimateMileage estimates a vehicle with 10 visits.
func BenchmarkEstimateMileage(b *testing.B) {
	p := DefaultPolicy()
	rules := p.ForModel(nil)
	v := vehicle("2024-01-01")
	var visits []Visit
	for i := range 10 {
		on := AddDays(d("2024-03-01"), 70*i)
		visits = append(visits, visit(string(rune('A'+i)), on.String(), 3000*(i+1)))
	}
	asOf := d("2026-11-22")
	b.ReportAllocs()
	for b.Loop() {
		m := p.EstimateMileage(&v, visits, &rules, asOf)
		m.DateReaching(100_000, v.DeliveredOn)
	}
}
