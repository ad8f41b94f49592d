package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
)

// TestStreamPlanMatchesPlan: planning from the store in two streamed passes
// gives the tasks of planning in memory.
func TestStreamPlanMatchesPlan(t *testing.T) {
	ctx := context.Background()
	asOf := retention.MustParseDate("2026-11-22")
	ds := demo.Generate(&demo.Options{Vehicles: 300, AsOf: asOf})
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "s.sqlite"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(retention.DefaultPolicy(), ds.Models, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	inputs, _ := Group(ds)
	var want []string
	for _, task := range e.Planner.Plan(inputs, asOf).Tasks {
		want = append(want, fmt.Sprintf("%+v", task))
	}
	var got []string
	var tasks []retention.Task
	n, err := e.StreamPlan(ctx, s, asOf, func(cr *classify.CustomerResult, cp *schedule.CustomerPlan) error {
		tasks = append(tasks, cp.Tasks...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(inputs) {
		t.Errorf("%d customers planned, want %d", n, len(inputs))
	}
	schedule.SortTasks(tasks)
	for _, task := range tasks {
		got = append(got, fmt.Sprintf("%+v", task))
	}
	slices.Sort(want)
	slices.Sort(got)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("streamed plan differs: %d tasks, want %d", len(got), len(want))
	}
}
