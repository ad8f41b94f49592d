package app

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/adapters/memstore"
	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/satisfaction"
	"github.com/google/go-cmp/cmp"
	"github.com/rickb777/date"
)

// TestStreamReportMatchesReport: the KPIs of a store in one streamed pass
// are Report's KPIs of the same records, with the plans of past days
// stored, on SQLite and in memory, on 1 and 2 workers, for the network and
// for one dealer.
func TestStreamReportMatchesReport(t *testing.T) {
	ctx := context.Background()
	asOf := retention.MustParseDate("2026-11-22")
	ds := demo.Generate(&demo.Options{Vehicles: 400, AsOf: asOf})
	// Surveys about the first day of the 12 months, in UTC and at UTC+8:
	// 02:00 there is the day before in UTC, which the SQL stores keep.
	yearAgo := retention.AddDays(retention.AddMonths(asOf, -12), 1)
	cst := time.FixedZone("CST", 8*3600)
	for i, at := range []time.Time{
		yearAgo.UTC().Add(-time.Microsecond), yearAgo.UTC(), // the day before, and the day, in UTC
		yearAgo.In(cst).Add(2 * time.Hour), yearAgo.In(cst).Add(-time.Hour), // the day, and the day before, at UTC+8
	} {
		ds.Surveys = append(ds.Surveys, retention.Survey{Customer: ds.Customers[i].ID, Touch: retention.ServiceFollowup2D,
			At: at, Answers: map[string]int{"service-quality": 1 + i}})
	}
	mem := memstore.New()
	if err := mem.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	stores := []struct {
		name string
		s    retention.Store
	}{{"sqlite", imported(t, ds)}, {"memstore", mem}}
	// The plans of past days, saved as a DMS running the plan daily would.
	all, _ := Group(ds)
	e, err := NewEngine(retention.DefaultPolicy(), ds.Models, "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for day := retention.AddDays(asOf, -60); day.Before(asOf); day = retention.AddDays(day, 1) {
		tasks := e.Planner.Plan(all, day).Tasks
		for _, st := range stores {
			if _, err := st.s.SaveTasks(ctx, tasks); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, dealer := range []string{"", ds.Dealers[1].ID} {
		e, err := NewEngine(retention.DefaultPolicy(), ds.Models, dealer, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range stores {
			stored, err := StoredTasks(ctx, st.s)
			if err != nil {
				t.Fatal(err)
			}
			// Report's KPIs of the records as the store returns them: the SQL
			// stores return instants in UTC.
			records := *ds
			records.Surveys, records.Complaints = collect(t, st.s.Surveys(ctx)), collect(t, st.s.Complaints(ctx))
			want, err := e.Report(&records, asOf, stored, 0)
			if err != nil {
				t.Fatal(err)
			}
			// What the comparison rests on.
			if r, s := want.Returns.All, want.Surveys; r.Den < 20 || r.Num == 0 || want.TaskCount < 20 ||
				s.FollowedUp.Mean.N == 0 || s.NotFollowedUp.Mean.N == 0 || want.Complaints.Total == 0 ||
				want.CSI.Index == nil || len(want.Advisors) == 0 || want.FFV.All.FFV.Den == 0 {
				t.Fatalf("%s, dealer %q: the KPIs leave parts untested: returns %s, %d tasks, surveys %+v, %d complaints",
					st.name, dealer, r, want.TaskCount, s, want.Complaints.Total)
			}
			// The return rates are the library's of the tasks and of the
			// visits of the customers in scope.
			var visits []retention.Visit
			inputs, _ := Group(&records)
			for _, in := range e.Scope(inputs, asOf) {
				for _, h := range in.Vehicles {
					visits = append(visits, h.Visits...)
				}
			}
			if diff := cmp.Diff(e.Planner.ReturnRates(stored, visits, asOf), want.Returns); diff != "" {
				t.Errorf("%s, dealer %q: return rates (-Planner.ReturnRates +Report):\n%s", st.name, dealer, diff)
			}
			// The plans of past days given twice count once.
			twice, err := e.Report(&records, asOf, append(slices.Clone(stored), stored...), 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.Returns, twice.Returns); diff != "" {
				t.Errorf("%s, dealer %q: return rates of the past plans given twice (-once +twice):\n%s", st.name, dealer, diff)
			}
			// The surveys and complaints are those of the customers in
			// scope, counted straight.
			scope := map[string]bool{}
			for _, in := range e.Scope(inputs, asOf) {
				scope[in.Customer.ID] = satisfaction.FollowedUpCustomers(in.Contacts, vehiclesOf(&in))[in.Customer.ID]
			}
			var ss satisfaction.SurveyStats
			end := asOf.UTC().Add(24*time.Hour - time.Nanosecond) // the end of the as-of day
			for _, s := range records.Surveys {
				if followed, ok := scope[s.Customer]; ok && !s.At.After(end) && !date.NewAt(s.At).Before(yearAgo) {
					ss.Add(&s, followed)
				}
			}
			cs, _ := satisfaction.NewComplaints(&e.Policy, nil)
			complaints := cs.NewStats(end)
			for _, c := range records.Complaints {
				if _, ok := scope[c.Customer]; ok {
					complaints.Add(&c)
				}
			}
			if diff := cmp.Diff(ss.Report(), want.Surveys); diff != "" {
				t.Errorf("%s, dealer %q: surveys (-counted straight +Report):\n%s", st.name, dealer, diff)
			}
			if diff := cmp.Diff(complaints.Report(), want.Complaints); diff != "" {
				t.Errorf("%s, dealer %q: complaints (-counted straight +Report):\n%s", st.name, dealer, diff)
			}
			// Streamed, on 1 and 2 workers; and with external sorts of
			// 2 KiB, whose joins then read many runs from files, which
			// are gone once the KPIs are.
			small := *e
			small.SpillBytes, small.TempDir = 2<<10, t.TempDir()
			for _, run := range []struct {
				e       *Engine
				workers int
			}{{e, 1}, {e, 2}, {&small, 1}, {&small, 2}} {
				got, err := run.e.StreamReport(ctx, st.s, asOf, run.workers)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s, dealer %q, %d workers, spill limit %d: StreamReport (-Report +got):\n%s",
						st.name, dealer, run.workers, run.e.SpillBytes, diff)
				}
			}
			// Cancelled, it stops with the context's error, and leaves no
			// file either.
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := small.StreamReport(cancelled, st.s, asOf, 2); !errors.Is(err, context.Canceled) {
				t.Errorf("%s, dealer %q: StreamReport cancelled: %v", st.name, dealer, err)
			}
			if left := filesLeft(t, small.TempDir); left > 0 {
				t.Errorf("%s, dealer %q: the external sorts left %d files", st.name, dealer, left)
			}
		}
	}
}
