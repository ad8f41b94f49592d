package postgres_test

import (
	"context"
	"flag"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/sqlstore/postgres"
	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/retention"
)

var vehicles = flag.Int("vehicles", 2_000, "vehicles (10 visits each) in the import and stream benchmarks")

func open(b *testing.B) retention.Store {
	s, err := postgres.Open(context.Background(), withSchema(b, dsn(b)), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func BenchmarkImport(b *testing.B) { storetest.BenchmarkImport(b, open, *vehicles) }

func BenchmarkStream(b *testing.B) { storetest.BenchmarkStream(b, open, *vehicles) }

func BenchmarkStatusFacts(b *testing.B) { storetest.BenchmarkStatusFacts(b, open, *vehicles) }

func BenchmarkSurveys(b *testing.B) { storetest.BenchmarkSurveys(b, open, *vehicles) }
