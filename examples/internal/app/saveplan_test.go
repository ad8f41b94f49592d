package app

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/memstore"
	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestSavePlan: SavePlan saves StreamPlan's tasks, each once, and reads
// them back from its files in the plan's order and by owner, on a store
// that saves a sequence (SQLite) and on one that takes a slice (memory);
// Close leaves no file.
func TestSavePlan(t *testing.T) {
	ctx := context.Background()
	s, e, asOf := network(t)
	ds := demo.Generate(&demo.Options{Vehicles: 200, AsOf: asOf})
	mem := memstore.New()
	if err := mem.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	want, customers, err := e.StreamPlan(ctx, s, asOf, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Tasks) < 20 {
		t.Fatalf("%d tasks; the test needs more", len(want.Tasks))
	}
	opts := cmpopts.EquateComparable(want.AsOf)
	for _, tc := range []struct {
		name  string
		store retention.Store
	}{{"SQLite", s}, {"memory", mem}} {
		e.SpillBytes, e.TempDir = 600, t.TempDir() // runs in files
		p, err := e.SavePlan(ctx, tc.store, asOf, 2)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if p.Len() != len(want.Tasks) || p.Added != len(want.Tasks) || p.Customers != customers {
			t.Errorf("%s: %d tasks, %d added, %d customers; want %d, %d, %d", tc.name, p.Len(), p.Added, p.Customers,
				len(want.Tasks), len(want.Tasks), customers)
		}
		if diff := cmp.Diff(want.Tasks, collect(t, p.Tasks()), opts); diff != "" {
			t.Errorf("%s: the saved plan's tasks (-StreamPlan +SavePlan):\n%s", tc.name, diff)
		}
		var owners []retention.Role
		for _, owner := range p.Owners() {
			owners = append(owners, owner)
			mine := slices.DeleteFunc(slices.Clone(want.Tasks), func(t retention.Task) bool { return t.Owner != owner })
			if diff := cmp.Diff(mine, collect(t, p.OwnerTasks(owner)), opts); diff != "" || p.OwnerLen(owner) != len(mine) {
				t.Errorf("%s: %s's %d tasks (-StreamPlan +SavePlan):\n%s", tc.name, owner, p.OwnerLen(owner), diff)
			}
		}
		var all []retention.Role
		for _, x := range want.Tasks {
			all = append(all, x.Owner)
		}
		slices.Sort(all)
		if diff := cmp.Diff(slices.Compact(all), owners); diff != "" {
			t.Errorf("%s: owners (-StreamPlan +SavePlan):\n%s", tc.name, diff)
		}
		var fromSlice, fromFiles strings.Builder
		WriteWorkList(&fromSlice, want.Tasks, 3)
		if err := p.WriteWorkList(&fromFiles, 3); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fromSlice.String(), fromFiles.String()); diff != "" {
			t.Errorf("%s: work list (-of the slice +of the saved plan):\n%s", tc.name, diff)
		}
		stored := collect(t, tc.store.Tasks(ctx, retention.TaskFilter{}))
		if diff := cmp.Diff(keys(want.Tasks), keys(stored)); diff != "" {
			t.Errorf("%s: the stored tasks' keys (-plan +store):\n%s", tc.name, diff)
		}
		if p.tasks.f == nil {
			t.Errorf("%s: no file before Close; the test needs runs in files", tc.name)
		}
		if err := p.Close(); err != nil {
			t.Error(err)
		}
		if left := filesLeft(t, e.TempDir); left > 0 {
			t.Errorf("%s: %d files left after Close", tc.name, left)
		}
		again, err := e.SavePlan(ctx, tc.store, asOf, 1)
		if err != nil || again.Added != 0 || again.Len() != len(want.Tasks) {
			t.Errorf("%s: the plan saved again: %v, %d added of %v; want 0 of %d", tc.name, err, again.Added, again.Len(), len(want.Tasks))
		}
		if err == nil {
			again.Close()
		}
	}
}

// TestSavePlanFails: when reading the store, planning or saving fails,
// SavePlan returns the error, saves nothing and leaves no file.
func TestSavePlanFails(t *testing.T) {
	s, e, asOf := network(t)
	e.SpillBytes = 600
	fail := errors.New("fail")
	for _, tc := range []struct {
		name  string
		store retention.Store
		want  error
	}{
		{"the histories fail", failingHistories{s, fail}, fail},
		{"the save fails at the 10th task", failingSave{s, 10, fail}, fail},
	} {
		e.TempDir = t.TempDir()
		p, err := e.SavePlan(context.Background(), tc.store, asOf, 2)
		if !errors.Is(err, tc.want) || p != nil {
			t.Errorf("%s: %v, %v; want no plan and %v", tc.name, p, err, tc.want)
		}
		if n := len(collect(t, s.Tasks(context.Background(), retention.TaskFilter{}))); n > 0 {
			t.Errorf("%s: %d tasks saved", tc.name, n)
		}
		if left := filesLeft(t, e.TempDir); left > 0 {
			t.Errorf("%s: %d files left", tc.name, left)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.SavePlan(ctx, s, asOf, 2); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want %v", err, context.Canceled)
	}
}

// failingHistories is a store whose history streams fail at once.
type failingHistories struct {
	retention.Store
	err error
}

func (s failingHistories) Histories(context.Context, retention.HistoryFilter) iter.Seq2[retention.VehicleHistory, error] {
	return func(yield func(retention.VehicleHistory, error) bool) { yield(retention.VehicleHistory{}, s.err) }
}

// failingSave is a store whose SaveTaskSeq fails after reading n tasks,
// without reading the rest.
type failingSave struct {
	retention.Store
	n   int
	err error
}

func (s failingSave) SaveTaskSeq(_ context.Context, seq iter.Seq2[retention.Task, error]) (int, error) {
	read := 0
	for _, err := range seq {
		if err != nil {
			return 0, err
		}
		if read++; read == s.n {
			return 0, s.err
		}
	}
	return 0, errors.New("fewer tasks than the test needs")
}

// collect returns what seq yields, failing the test on an error.
func collect[T any](t *testing.T, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// keys returns the tasks' keys, sorted.
func keys(ts []retention.Task) []string {
	out := make([]string, len(ts))
	for i := range ts {
		out[i] = ts[i].Key
	}
	slices.Sort(out)
	return out
}
