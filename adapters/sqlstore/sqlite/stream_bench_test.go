package sqlite_test

import (
	"context"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/retention"
)

// BenchmarkHistories streams all histories of a fleet per operation.
func BenchmarkHistories(b *testing.B) {
	s := open(b)
	ds := storetest.Fleet(*vehicles)
	if err := s.Import(context.Background(), ds); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, err := range s.Histories(context.Background(), retention.HistoryFilter{}) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(ds.Visits)*b.N)/b.Elapsed().Seconds(), "visits/s")
}
