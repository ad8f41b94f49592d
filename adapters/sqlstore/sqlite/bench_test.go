package sqlite_test

import (
	"flag"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/retention"
)

var vehicles = flag.Int("vehicles", 2_000, "vehicles (10 visits each) in the import and stream benchmarks")

func open(b *testing.B) retention.Store { return openTemp(b) }

func BenchmarkImport(b *testing.B) { storetest.BenchmarkImport(b, open, *vehicles) }

func BenchmarkStream(b *testing.B) { storetest.BenchmarkStream(b, open, *vehicles) }

func BenchmarkStatusFacts(b *testing.B) { storetest.BenchmarkStatusFacts(b, open, *vehicles) }

func BenchmarkSurveys(b *testing.B) { storetest.BenchmarkSurveys(b, open, *vehicles) }
