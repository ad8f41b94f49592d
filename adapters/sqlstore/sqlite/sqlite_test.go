package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// TestConformanceGroupedFactsThroughDatabaseSQL runs the suite with the
// grouped StatusFacts query that PostgreSQL uses (Dialect.SeekFacts off),
// with the streams read through database/sql (Dialect.TextRows off) and
// with the history query of a dialect without a row id (Dialect.RowID
// empty), so that both forms of each query and both ways of reading the
// streams are checked on every run, with or without PostgreSQL.
func TestConformanceGroupedFactsThroughDatabaseSQL(t *testing.T) {
	dialect := sqlite.Dialect()
	dialect.SeekFacts, dialect.TextRows, dialect.RowID = false, nil, ""
	storetest.Run(t, func(t *testing.T) retention.Store { return openWith(t, dialect) })
}

// openWith opens a store of dialect (SQLite's, changed) on a new file in a
// temporary directory, closed when the test ends.
func openWith(t *testing.T, dialect sqlstore.Dialect) *sqlstore.Store {
	db, err := sql.Open("sqlite", sqlite.DSN(filepath.Join(t.TempDir(), "dcrc.sqlite")))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlstore.New(context.Background(), db, dialect, nil)
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	s.Own()
	t.Cleanup(func() { s.Close() })
	return s
}

// openTemp opens a store on a new file in a temporary directory, closed
// when the test or benchmark ends.
func openTemp(tb testing.TB) *sqlstore.Store {
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "dcrc.sqlite"), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) retention.Store { return openTemp(t) })
}

// TestUnreadableValuesAreNamed: a stored value that does not read back
// (written behind the store's back) fails the stream with an error naming
// its record and field.
func TestUnreadableValuesAreNamed(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ update, want string }{
		{`UPDATE visits SET kind = 'oil-bath' WHERE id = 'RO1'`, "visits/RO1: kind"},
		{`UPDATE visits SET complaint_codes = '{' WHERE id = 'RO1'`, "visits/RO1: complaintCodes"},
		{`UPDATE vehicles SET price = 'cheap' WHERE vin = 'LFV1'`, "vehicles/LFV1: price"},
		{`UPDATE vehicles SET purchase = 'stolen' WHERE vin = 'LFV1'`, "vehicles/LFV1: purchase"},
		{`UPDATE visits SET amount = 'lots' WHERE id = 'RO1'`, "visits/RO1: amount"},
	} {
		s := openTemp(t)
		if err := s.Import(ctx, storetest.Dataset()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, tc.update); err != nil {
			t.Fatal(err)
		}
		var got error
		for _, err := range s.Histories(ctx, retention.HistoryFilter{}) {
			if err != nil {
				got = err
			}
		}
		if !errors.Is(got, retention.ErrInternal) || got == nil || !strings.Contains(got.Error(), tc.want) {
			t.Errorf("%s: err = %v, want ErrInternal naming %q", tc.update, got, tc.want)
		}
	}
}

// TestUnwritableTaskIsNamed: a task the store cannot write (an enumeration
// out of range), past the first INSERT statement of a streamed save, is an
// ErrInvalid naming the task (by key, or by its place in the save) and the
// field, and nothing of the save is written.
func TestUnwritableTaskIsNamed(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	due := retention.MustParseDate("2026-11-22")
	for _, tc := range []struct {
		name  string
		spoil func(*retention.Task)
		want  string
	}{
		{"touch", func(x *retention.Task) { x.Touch = 200 }, "tasks/maintenance-due/V0550/2026-01-01: touch"},
		{"owner", func(x *retention.Task) { x.Owner = 200 }, "tasks/maintenance-due/V0550/2026-01-01: owner"},
		{"channel without a key", func(x *retention.Task) { x.Channel, x.Key = 200, "" }, "tasks[550]: channel"},
	} {
		ts := make([]retention.Task, 600)
		for i := range ts {
			ts[i] = retention.Task{Key: fmt.Sprintf("maintenance-due/V%04d/2026-01-01", i), Touch: retention.MaintenanceDue,
				Customer: "C1", Owner: retention.DealerDCRC, Channel: retention.Phone, DueOn: due, ExpiresOn: due}
		}
		tc.spoil(&ts[550])
		_, err := s.SaveTasks(ctx, ts)
		if !errors.Is(err, retention.ErrInvalid) || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want ErrInvalid naming %q", tc.name, err, tc.want)
		}
		n := 0
		for _, err := range s.Tasks(ctx, retention.TaskFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 0 {
			t.Errorf("%s: %d tasks saved, want none", tc.name, n)
		}
	}
}

// TestStreamQueriesSortNothing pins the plans of two streams, whole, by
// partition and (the histories) from a day on: SQLite walks each arm in the
// order asked for, reading through the index named, and merges the two
// arms, sorting nothing.
//
//   - The histories walk vehicles_by_customer and each vehicle's visits in
//     visits_by_vehicle. Without the vehicles' rowid among the sort keys
//     (Dialect.RowID) SQLite sorts each vehicle's visits again in a
//     temporary B-tree, which made the bare read of the stream a third
//     slower (BENCHMARKS-HISTORY.md, round twenty-five).
//   - The contact attempts walk each arm's customers and read their
//     attempts from contacts_by_subject. Ordered by time as well, SQLite
//     sorted each customer's attempts in a temporary B-tree, which took
//     about a third of the query's time; CustomerContacts puts them in
//     order instead (BENCHMARKS-HISTORY.md, round thirty-one).
func TestStreamQueriesSortNothing(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	after := date.New(2026, 1, 1)
	for _, tc := range []struct {
		name    string
		query   func(retention.HistoryFilter) (string, []any)
		filters []retention.HistoryFilter
		index   string
	}{
		{"histories", s.HistoryQuery, []retention.HistoryFilter{{}, {Partition: 1, Partitions: 3}, {VisitsAfter: &after},
			{Partition: 0, Partitions: 2, VisitsAfter: &after}}, "visits_by_vehicle"},
		{"contact attempts", s.CustomerContactsQuery, []retention.HistoryFilter{{}, {Partition: 1, Partitions: 3}}, "contacts_by_subject"},
	} {
		for _, f := range tc.filters {
			q, args := tc.query(f)
			var plan []string
			for _, row := range driverRowsOf(ctx, t, s.DB(), "EXPLAIN QUERY PLAN "+q, args...) {
				plan = append(plan, row[3]) // id, parent, notused, detail
			}
			text := strings.Join(plan, "\n")
			for _, want := range []string{"MERGE (UNION ALL)", tc.index} {
				if !strings.Contains(text, want) {
					t.Errorf("%s, %+v: the plan does not use %s:\n%s", tc.name, f, want, text)
				}
			}
			if strings.Contains(text, "TEMP B-TREE") {
				t.Errorf("%s, %+v: the plan sorts:\n%s", tc.name, f, text)
			}
		}
	}
}
