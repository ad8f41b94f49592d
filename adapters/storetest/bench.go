package storetest

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/shopspring/decimal"
)

// Fleet returns a dataset of n vehicles (one customer each) with 10 visits
// each, for benchmarks and for the conformance case ManyRows (manyRows).
func Fleet(n int) *retention.Dataset {
	ds := &retention.Dataset{
		Dealers: []retention.Dealer{{ID: "D1"}, {ID: "D2"}},
		Models:  []retention.Model{{ID: "M1", Kind: retention.Passenger}},
	}
	start := d("2020-01-01")
	for i := range n {
		c := fmt.Sprintf("C%08d", i)
		vin := fmt.Sprintf("V%08d", i)
		ds.Customers = append(ds.Customers, retention.Customer{ID: c, Kind: retention.Individual, Phone: "1"})
		ds.Vehicles = append(ds.Vehicles, retention.Vehicle{VIN: vin, Customer: c, Model: "M1", Dealer: "D1",
			DeliveredOn: retention.AddDays(start, i%1500), Purchase: retention.FirstPurchase, Price: decimal.New(15_800_000, -2)})
		for j := range 10 {
			on := retention.AddDays(start, i%1500+30*(j+1))
			ds.Visits = append(ds.Visits, retention.Visit{ID: fmt.Sprintf("%s-%d", vin, j), VIN: vin, Dealer: "D2",
				OpenedOn: on, ClosedOn: on, OdometerKm: 1500 * (j + 1), Kind: retention.Maintenance,
				Advisor: "A1", Technician: "T1", Amount: decimal.New(32050, -2)})
		}
	}
	return ds
}

// BenchmarkImport imports a fleet of vehicles (10 visits each) into a new
// store per iteration and reports rows/s (all rows: customers, vehicles,
// visits).
func BenchmarkImport(b *testing.B, newStore func(b *testing.B) retention.Store, vehicles int) {
	ds := Fleet(vehicles)
	rows := len(ds.Customers) + len(ds.Vehicles) + len(ds.Visits)
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		s := newStore(b)
		b.StartTimer()
		t0 := time.Now()
		if err := s.Import(context.Background(), ds); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(t0)
	}
	b.ReportMetric(float64(rows*b.N)/elapsed.Seconds(), "rows/s")
}

// BenchmarkStream imports a fleet once, then streams all histories per
// iteration; it reports rows/s and the peak heap in use while streaming,
// which must not grow with the number of vehicles.
func BenchmarkStream(b *testing.B, newStore func(b *testing.B) retention.Store, vehicles int) {
	s := newStore(b)
	ds := Fleet(vehicles)
	if err := s.Import(context.Background(), ds); err != nil {
		b.Fatal(err)
	}
	benchmarkStream(b, "rows/s", len(ds.Visits), func(n *int) error {
		for h, err := range s.Histories(context.Background(), retention.HistoryFilter{}) {
			if err != nil {
				return err
			}
			*n += len(h.Visits)
		}
		return nil
	})
}

// benchmarkStream runs stream per iteration under PeakHeap, checks that
// it counted want items, and reports items/s (as unit) and the peak heap.
func benchmarkStream(b *testing.B, unit string, want int, stream func(n *int) error) {
	runtime.GC()
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		n := 0
		p, err := PeakHeap(func() error { return stream(&n) })
		if err != nil {
			b.Fatal(err)
		}
		if n != want {
			b.Fatalf("streamed %d, want %d", n, want)
		}
		peak = max(peak, p)
	}
	b.ReportMetric(float64(want*b.N)/b.Elapsed().Seconds(), unit)
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// PeakHeap runs fn while sampling the heap in use every 5 ms, and returns
// the peak: how much memory a stream really holds.
func PeakHeap(fn func() error) (uint64, error) {
	p, err := PeakHeaps(fn)
	return p.InUse, err
}

// HeapPeaks are the peaks of the heap while a function runs.
type HeapPeaks struct {
	// InUse is the heap in use (runtime.MemStats.HeapInuse): what the
	// program holds, with the garbage the collector has yet to free,
	// which the collector lets grow to about the live heap again (GOGC
	// 100) and a little past that while it marks.
	InUse uint64
	// Live is the heap found reachable by a collection
	// (runtime/metrics /gc/heap/live:bytes) at the end of each collection
	// while fn runs: what the program needs, as often as it is measured,
	// with what it allocated while the collection marked (allocated
	// marked), so that a collection that marks long on a busy machine
	// reports more than the program holds.
	Live uint64
	// Goal is the collector's heap goal (/gc/heap/goal:bytes): the heap
	// it lets grow before the next collection, about twice the live heap
	// at GOGC 100. The heap in use passes it while a collection marks, by
	// as much as is allocated meanwhile, so that the more collections a
	// run has, the higher its peak in use is likely to be, while the goal
	// and the live heap stay where they are.
	Goal uint64
	// Collections is the number of collections that ended while fn ran.
	Collections uint32
}

// PeakHeaps runs fn while sampling the heap every 5 ms, and returns the
// peaks of the heap in use, of the live heap and of the collector's goal,
// and the number of collections.
func PeakHeaps(fn func() error) (HeapPeaks, error) {
	runtime.GC()
	var inUse, live, goal atomic.Uint64
	var m0 runtime.MemStats
	runtime.ReadMemStats(&m0)
	var collections atomic.Uint32
	stop := make(chan struct{})
	var wg sync.WaitGroup
	sample := func() {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		inUse.Store(max(inUse.Load(), m.HeapInuse))
		collections.Store(m.NumGC - m0.NumGC)
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/heap/goal:bytes"}}
		metrics.Read(s)
		for i, peak := range []*atomic.Uint64{&live, &goal} {
			if s[i].Value.Kind() == metrics.KindUint64 {
				peak.Store(max(peak.Load(), s[i].Value.Uint64()))
			}
		}
	}
	wg.Go(func() {
		for {
			sample()
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	err := fn()
	close(stop)
	wg.Wait()
	sample()
	return HeapPeaks{InUse: inUse.Load(), Live: live.Load(), Goal: goal.Load(), Collections: collections.Load()}, err
}

// BenchmarkStatusFacts imports a fleet once, then streams the status facts
// of every vehicle per iteration (retention.StatusReader) and reports
// vehicles/s and the peak heap in use while streaming.
func BenchmarkStatusFacts(b *testing.B, newStore func(b *testing.B) retention.Store, vehicles int) {
	s := newStore(b)
	if err := s.Import(context.Background(), Fleet(vehicles)); err != nil {
		b.Fatal(err)
	}
	asOf := d("2024-06-30")
	w := retention.StatusWindows{AsOf: asOf, VisitFrom: retention.AddMonths(asOf, -12), EffectiveFrom: retention.AddMonths(asOf, -12)}
	benchmarkStream(b, "vehicles/s", vehicles, func(n *int) error {
		for _, err := range s.StatusFacts(context.Background(), retention.HistoryFilter{}, w) {
			if err != nil {
				return err
			}
			*n++
		}
		return nil
	})
}

// BenchmarkSurveys imports a fleet once with a survey after each visit
// (five answers, an advisor, a recommendation), then streams the surveys
// of its whole span per iteration (retention.SurveysBetween, as a report
// reads its 12 months) and reports surveys/s and the peak heap in use
// while streaming.
func BenchmarkSurveys(b *testing.B, newStore func(b *testing.B) retention.Store, vehicles int) {
	s := newStore(b)
	ds := Fleet(vehicles)
	for i, v := range ds.Visits {
		ds.Surveys = append(ds.Surveys, retention.Survey{Customer: ds.Vehicles[i/10].Customer, Touch: retention.ServiceFollowup2D,
			At: v.ClosedOn.UTC().Add(50 * time.Hour), Advisor: v.Advisor, Recommend: ptr(i % 11),
			Answers: map[string]int{"service-initiation": 1 + i%5, "service-advisor": 1 + (i+1)%5, "facility": 1 + (i+2)%5,
				"vehicle-pickup": 1 + (i+3)%5, "service-quality": 1 + (i+4)%5}})
	}
	if err := s.Import(context.Background(), ds); err != nil {
		b.Fatal(err)
	}
	from, to := d("2019-01-01").UTC(), d("2030-01-01").UTC()
	benchmarkStream(b, "surveys/s", len(ds.Surveys), func(n *int) error {
		for _, err := range retention.SurveysBetween(context.Background(), s, from, to) {
			if err != nil {
				return err
			}
			*n++
		}
		return nil
	})
}
