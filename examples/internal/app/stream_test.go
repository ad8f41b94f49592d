package app

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// TestStreamPlanMatchesPlan: planning from the store in one streamed pass
// gives the plan of planning in memory, byte for byte, on any number of
// workers, for the network and for one dealer.
func TestStreamPlanMatchesPlan(t *testing.T) {
	ctx := context.Background()
	asOf := retention.MustParseDate("2026-11-22")
	ds := demo.Generate(&demo.Options{Vehicles: 300, AsOf: asOf})
	// Customers whose only tie to the scoped dealer is a visit of long ago,
	// older than the tiers' window.
	scoped, old := ds.Dealers[1].ID, retention.AddMonths(asOf, -30)
	for i := 0; i < len(ds.Vehicles); i += 10 {
		if v := ds.Vehicles[i]; v.Dealer != scoped && v.DeliveredOn.Before(old) {
			ds.Visits = append(ds.Visits, retention.Visit{ID: "OLD-" + v.VIN, VIN: v.VIN, Dealer: scoped, OpenedOn: old,
				ClosedOn: old, Kind: retention.Repair, Amount: decimal.NewFromInt(100)})
		}
	}
	// And one whose tie is such a visit of an old vehicle, while a new
	// vehicle, sold by another dealer, makes it effective: it is ranked.
	other := ds.Dealers[0].ID
	ds.Customers = append(ds.Customers, retention.Customer{ID: "ZZ-EDGE", Phone: "13900000000", Kind: retention.Individual})
	ds.Vehicles = append(ds.Vehicles,
		retention.Vehicle{VIN: "ZZ-EDGE-A", Customer: "ZZ-EDGE", Model: ds.Models[0].ID, Dealer: other,
			DeliveredOn: retention.AddMonths(asOf, -60), Price: decimal.NewFromInt(250000), Purchase: retention.FirstPurchase},
		retention.Vehicle{VIN: "ZZ-EDGE-B", Customer: "ZZ-EDGE", Model: ds.Models[0].ID, Dealer: other,
			DeliveredOn: retention.AddMonths(asOf, -2), Price: decimal.NewFromInt(300000), Purchase: retention.AddOnPurchase})
	ds.Visits = append(ds.Visits, retention.Visit{ID: "OLD-ZZ", VIN: "ZZ-EDGE-A", Dealer: scoped, OpenedOn: old, ClosedOn: old,
		Kind: retention.Maintenance, Amount: decimal.NewFromInt(800)})
	s := imported(t, ds)
	all, _ := Group(ds)
	// The network, and one dealer's scope: there a customer tied to the
	// dealer by a visit of long ago only is in scope.
	// And P(alive) from a churn model, which orders the lost recalls.
	pAlive := map[string]float64{}
	for _, c := range ds.Customers {
		pAlive[c.ID] = float64(retention.CustomerHash(c.ID)%1000) / 1000
	}
	for _, tc := range []struct {
		dealer string
		pAlive map[string]float64
	}{{"", nil}, {scoped, nil}, {"", pAlive}} {
		dealer := tc.dealer
		e, err := NewEngine(retention.DefaultPolicy(), ds.Models, dealer, nil, tc.pAlive)
		if err != nil {
			t.Fatal(err)
		}
		inputs := e.Scope(all, asOf)
		want := e.Planner.Plan(inputs, asOf)
		want.Customers = nil
		recalls := 0
		for _, t := range want.Tasks {
			if t.Touch == retention.LostRecall {
				recalls++
			}
		}
		if recalls < 2 {
			t.Fatalf("%d lost-recall tasks: their order is not tested", recalls)
		}
		// Spills of the default size hold the whole plan; of 600 bytes, they write
		// runs of a few values each, which are merged.
		for _, run := range []struct{ workers, spill int }{{1, 0}, {2, 0}, {3, 0}, {1, 600}, {2, 600}} {
			workers := run.workers
			e.SpillBytes, e.TempDir = run.spill, t.TempDir()
			var ids []string
			got, n, err := e.StreamPlan(ctx, s, asOf, workers, func(_ *classify.CustomerInput, cr *classify.CustomerResult) error {
				ids = append(ids, cr.ID)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if n != len(inputs) || len(ids) != n {
				t.Errorf("dealer %q, %d workers: %d customers planned, %d handed out, want %d", dealer, workers, n, len(ids), len(inputs))
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateComparable(date.Date{})); diff != "" {
				t.Errorf("dealer %q, %d workers, spills of %d bytes: the streamed plan differs (-in memory +streamed):\n%s",
					dealer, workers, run.spill, diff)
			}
			if left := filesLeft(t, e.TempDir); left > 0 {
				t.Errorf("dealer %q, %d workers, spills of %d bytes: %d files left in the temporary directory",
					dealer, workers, run.spill, left)
			}
		}
		if dealer != "" && len(inputs) == len(all) {
			t.Errorf("dealer %s: every customer in scope; the test would not see a scope", dealer)
		}
	}
}

// TestStreamPlanStopsOnError: an error of each stops every partition and
// is returned.
func TestStreamPlanStopsOnError(t *testing.T) {
	ctx := context.Background()
	s, e, asOf := network(t)
	stop := errors.New("stop")
	for _, workers := range []int{1, 2} {
		calls := 0
		_, n, err := e.StreamPlan(ctx, s, asOf, workers, func(*classify.CustomerInput, *classify.CustomerResult) error {
			calls++
			if calls == 10 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) {
			t.Errorf("%d workers: err = %v, want %v", workers, err, stop)
		}
		if n != 9 || calls != 10 {
			t.Errorf("%d workers: %d customers planned, %d handed out; want 9 and 10 (none after the error)", workers, n, calls)
		}
	}
}

// TestStreamPlanToSinkStops: an error of the sink, or a cancelled
// context, stops the plan and is returned, and no temporary file is left.
func TestStreamPlanToSinkStops(t *testing.T) {
	s, e, asOf := network(t)
	e.SpillBytes = 600 // runs in files
	stop := errors.New("stop")
	for _, tc := range []struct {
		name     string
		sink     func(cancel func()) PlanSink
		want     error
		tasks    int // handed to the sink
		deferred int
	}{
		{"the sink's error on the 5th task", func(func()) PlanSink {
			n := 0
			return PlanSink{Task: func(*retention.Task) error {
				if n++; n == 5 {
					return stop
				}
				return nil
			}}
		}, stop, 5, 0},
		{"the sink's error on the first deferral", func(func()) PlanSink {
			return PlanSink{Deferral: func(*schedule.Deferral) error { return stop }}
		}, stop, -1, 1},
		{"cancelled while streaming", func(cancel func()) PlanSink { cancel(); return PlanSink{} }, context.Canceled, 0, 0},
	} {
		e.TempDir = t.TempDir()
		ctx, cancel := context.WithCancel(context.Background())
		sink := tc.sink(cancel)
		tasks, deferred := 0, 0
		_, err := e.StreamPlanTo(ctx, s, asOf, 2, nil, PlanSink{
			Task: func(x *retention.Task) error {
				tasks++
				if sink.Task == nil {
					return nil
				}
				return sink.Task(x)
			},
			Deferral: func(d *schedule.Deferral) error {
				deferred++
				if sink.Deferral == nil {
					return nil
				}
				return sink.Deferral(d)
			},
		})
		cancel()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
		if (tc.tasks >= 0 && tasks != tc.tasks) || deferred != tc.deferred {
			t.Errorf("%s: %d tasks and %d deferrals handed out, want %d and %d", tc.name, tasks, deferred, tc.tasks, tc.deferred)
		}
		if tc.tasks < 0 && tasks == 0 {
			t.Errorf("%s: no task before the deferrals; the test needs some", tc.name)
		}
		if left := filesLeft(t, e.TempDir); left > 0 {
			t.Errorf("%s: %d files left in the temporary directory", tc.name, left)
		}
	}
}

// network returns an SQLite store holding a demo network of 200 vehicles,
// an engine for the network, and the network's as-of date.
func network(t *testing.T) (*sqlstore.Store, *Engine, date.Date) {
	t.Helper()
	asOf := retention.MustParseDate("2026-11-22")
	ds := demo.Generate(&demo.Options{Vehicles: 200, AsOf: asOf})
	e, err := NewEngine(retention.DefaultPolicy(), ds.Models, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return imported(t, ds), e, asOf
}

// imported returns an SQLite store holding ds, closed with the test.
func imported(t *testing.T, ds *retention.Dataset) *sqlstore.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.sqlite"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Import(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return s
}
