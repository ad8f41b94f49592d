package app

import (
	"testing"

	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/retention"
)

// BenchmarkEvaluate runs the full evaluation of a 2,000-vehicle network
// (classification, tiers, the day's plan) per operation.
func BenchmarkEvaluate(b *testing.B) {
	asOf := retention.MustParseDate("2026-11-22")
	ds := demo.Generate(&demo.Options{Vehicles: 2000, AsOf: asOf})
	e, err := NewEngine(retention.DefaultPolicy(), ds.Models, "", nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	inputs, _ := Group(ds)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e.Planner.Plan(inputs, asOf)
	}
	b.ReportMetric(float64(len(ds.Vehicles)*b.N)/b.Elapsed().Seconds(), "vehicles/s")
}
