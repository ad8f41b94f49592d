package app

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/memstore"
	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
)

// statusOf is what Statuses says of one vehicle.
type statusOf struct {
	Status retention.Status
	Rule   classify.Rule
	Share  int
}

// TestStatuses: the statuses from the store's aggregates, on 1, 2 and 3
// workers, for the network and for one dealer, are the classifier's on
// every vehicle's full history; each vehicle comes in its share, by VIN
// within it: the range of retention.SplitVINs holding its VIN on the
// memory store and on SQLite, and its customer's partition on a store that
// reads no VIN ranges.
func TestStatuses(t *testing.T) {
	ctx := context.Background()
	asOf := retention.MustParseDate("2026-11-22")
	ds := demo.Generate(&demo.Options{Vehicles: 300, AsOf: asOf})
	mem := memstore.New()
	if err := mem.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	stores := []struct {
		name string
		s    retention.StatusReader
	}{{"memory", mem}, {"sqlite", imported(t, ds)}, {"customer partitions", factsOnly{mem}}}
	inputs, _ := Group(ds)
	vins := make([]string, len(ds.Vehicles))
	for i := range ds.Vehicles {
		vins[i] = ds.Vehicles[i].VIN
	}
	slices.Sort(vins)
	// share returns the share of a vehicle on a store: its VIN's range or
	// its customer's partition.
	share := func(s retention.StatusReader, workers int, v *retention.Vehicle) int {
		if workers <= 1 {
			return 0
		}
		if _, ok := s.(retention.StatusRangeReader); !ok {
			return retention.PartitionOf(v.Customer, workers)
		}
		return slices.IndexFunc(retention.VINRangesAt(retention.SplitVINs(vins, workers)), func(r retention.VINRange) bool {
			return r.Contains(v.VIN)
		})
	}
	for _, dealer := range []string{"", ds.Dealers[1].ID} {
		e, err := NewEngine(retention.DefaultPolicy(), ds.Models, dealer, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := e.Planner.Classifier()
		seen := map[retention.Status]bool{}
		for _, workers := range []int{1, 2, 3} {
			for _, store := range stores {
				want := map[string]statusOf{}
				for i := range inputs {
					for j := range inputs[i].Vehicles {
						h := &inputs[i].Vehicles[j]
						st, rule := c.Status(h, asOf)
						want[h.Vehicle.VIN] = statusOf{st, rule, share(store.s, workers, &h.Vehicle)}
						seen[st] = true
					}
				}
				t.Run(fmt.Sprintf("%s/dealer=%q/workers=%d", store.name, dealer, workers), func(t *testing.T) {
					got := map[string]statusOf{}
					last := make([]string, max(workers, 1)) // the share's last VIN
					var mu sync.Mutex
					err := e.Statuses(ctx, store.s, asOf, workers,
						func(p int, f *retention.StatusFacts, st retention.Status, rule classify.Rule) error {
							mu.Lock()
							defer mu.Unlock()
							if f.VIN <= last[p] {
								return fmt.Errorf("share %d: %s after %s", p, f.VIN, last[p])
							}
							last[p] = f.VIN
							got[f.VIN] = statusOf{st, rule, p}
							return nil
						})
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("statuses (-classifier on histories +Statuses):\n%s", diff)
					}
				})
			}
		}
		// The network shows the statuses the comparison is worth making on.
		if dealer == "" {
			for _, st := range []retention.Status{retention.StatusNew, retention.StatusActive, retention.StatusRegular,
				retention.StatusSwing, retention.StatusLost, retention.StatusDormant} {
				if !seen[st] {
					t.Errorf("no %s vehicle in the network: the test compares too little", st)
				}
			}
		}
	}
}

// TestStatusesStop: an error of each, or of the store, is returned and
// stops every share: the others call each no more, even with rows their
// store read before it saw the cancellation; a cancelled context stops
// them too.
func TestStatusesStop(t *testing.T) {
	ctx := context.Background()
	s, e, asOf := network(t)
	stop := errors.New("stop")
	for _, workers := range []int{1, 2} {
		// The store, by VIN range and by customer partition, and readers
		// whose shares after the first have their rows only once the
		// first has failed, by partition and by range. On the store, 2
		// shares call each at the same time, so some calls may come while
		// the failure is on its way: the count is exact on 1 worker, and
		// on the late rows, which are all after it.
		for _, r := range []retention.StatusReader{s, factsOnly{s}, lateRows{1000}, lateRanges{lateRows{1000}}} {
			_, late := r.(lateRows)
			_, lateRange := r.(lateRanges)
			late = late || lateRange
			var mu sync.Mutex
			calls := 0
			err := e.Statuses(ctx, r, asOf, workers, func(int, *retention.StatusFacts, retention.Status, classify.Rule) error {
				mu.Lock()
				defer mu.Unlock()
				calls++
				if calls == 10 {
					return stop
				}
				return nil
			})
			if !errors.Is(err, stop) {
				t.Errorf("%T, %d workers: each's error: Statuses = %v, want %v", r, workers, err, stop)
			}
			if (workers == 1 || late) && calls != 10 {
				t.Errorf("%T, %d workers: %d calls, want 10: calls after each failed", r, workers, calls)
			}
		}

		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		for _, r := range []retention.StatusReader{s, factsOnly{s}} {
			err := e.Statuses(cancelled, r, asOf, workers, func(int, *retention.StatusFacts, retention.Status, classify.Rule) error {
				return nil
			})
			if !errors.Is(err, context.Canceled) {
				t.Errorf("%T, %d workers: cancelled: Statuses = %v, want %v", r, workers, err, context.Canceled)
			}
		}
	}
	// A store's error comes back as it is: from the facts of a partition
	// or a range, or from the split.
	broken := errors.New("disk on fire")
	for _, r := range []retention.StatusReader{failingFacts{broken}, failingRanges{failingFacts{broken}, false},
		failingRanges{failingFacts{broken}, true}} {
		err := e.Statuses(ctx, r, asOf, 2, func(int, *retention.StatusFacts, retention.Status, classify.Rule) error {
			return nil
		})
		if !errors.Is(err, broken) || !strings.Contains(err.Error(), "disk on fire") {
			t.Errorf("%+v: store's error: Statuses = %v, want %v", r, err, broken)
		}
	}
}

// factsOnly hides all but the StatusFacts of a StatusReader, VIN ranges
// included: Statuses partitions it by customer.
type factsOnly struct{ r retention.StatusReader }

func (r factsOnly) StatusFacts(ctx context.Context, f retention.HistoryFilter, w retention.StatusWindows) iter.Seq2[retention.StatusFacts, error] {
	return r.r.StatusFacts(ctx, f, w)
}

// failingRanges is a StatusRangeReader whose split fails, when split is
// set, or else every stream.
type failingRanges struct {
	failingFacts
	split bool
}

func (r failingRanges) SplitVINs(_ context.Context, n int) ([]string, error) {
	if r.split {
		return nil, r.err
	}
	return []string{"M"}, nil
}

func (r failingRanges) StatusFactsIn(context.Context, retention.VINRange, retention.StatusWindows) iter.Seq2[retention.StatusFacts, error] {
	return r.StatusFacts(context.Background(), retention.HistoryFilter{}, retention.StatusWindows{})
}

// failingFacts is a StatusReader whose every stream fails.
type failingFacts struct{ err error }

func (r failingFacts) StatusFacts(context.Context, retention.HistoryFilter, retention.StatusWindows) iter.Seq2[retention.StatusFacts, error] {
	return func(yield func(retention.StatusFacts, error) bool) { yield(retention.StatusFacts{}, r.err) }
}

// lateRows is a StatusReader that yields n vehicles in each partition: the
// first partition's at once, the others' only once their context is done,
// and then without looking at it, as a store whose rows were read before
// it saw the cancellation.
type lateRows struct{ n int }

func (r lateRows) StatusFacts(ctx context.Context, f retention.HistoryFilter, w retention.StatusWindows) iter.Seq2[retention.StatusFacts, error] {
	return func(yield func(retention.StatusFacts, error) bool) {
		if f.Partition > 0 {
			<-ctx.Done()
		}
		for i := range r.n {
			x := retention.StatusFacts{VIN: fmt.Sprintf("P%d-V%04d", f.Partition, i), Customer: "C", DeliveredOn: w.AsOf}
			if !yield(x, nil) {
				return
			}
		}
	}
}

// lateRanges is lateRows split by VIN (a StatusRangeReader): range p holds
// the VINs of partition p, "P<p>-V…", and yields them as lateRows does.
type lateRanges struct{ lateRows }

func (r lateRanges) SplitVINs(_ context.Context, n int) ([]string, error) {
	var out []string
	for p := 1; p < n; p++ {
		out = append(out, fmt.Sprintf("P%d", p))
	}
	return out, nil
}

func (r lateRanges) StatusFactsIn(ctx context.Context, vins retention.VINRange, w retention.StatusWindows) iter.Seq2[retention.StatusFacts, error] {
	p := 0
	if vins.From != "" {
		p = int(vins.From[1] - '0')
	}
	return r.StatusFacts(ctx, retention.HistoryFilter{Partition: p, Partitions: 2}, w)
}
