package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/adapters/sqlstore/postgres"
	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rickb777/date"
)

// dsn returns the test server's DSN, or skips the test: PostgreSQL tests run
// when DCRC_POSTGRES_DSN names a server (.ci/run starts one).
func dsn(t testing.TB) string {
	t.Helper()
	v := os.Getenv("DCRC_POSTGRES_DSN")
	if v == "" {
		t.Skip("DCRC_POSTGRES_DSN is not set: skipping the PostgreSQL tests (.ci/run starts a server and sets it)")
	}
	return v
}

var schemas atomic.Int64

// withParam returns the DSN with a run-time parameter of the session set,
// in either form of DSN.
func withParam(t testing.TB, dsn, name, value string) string {
	t.Helper()
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set(name, value)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " " + name + "='" + value + "'"
}

// withSchema returns the DSN with search_path set to a new, empty schema
// that is dropped when the test ends.
func withSchema(t testing.TB, base string) string {
	t.Helper()
	name := fmt.Sprintf("dcrc_test_%d_%d", time.Now().UnixNano(), schemas.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + name); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			admin.Exec("DROP SCHEMA " + name + " CASCADE")
			admin.Close()
		}
	})
	return withParam(t, base, "search_path", name)
}

// TestConformance runs the suite on sessions in a time zone 5:30 ahead of
// UTC: no day or instant may move with the session's zone.
func TestConformance(t *testing.T) {
	conformance(t, withParam(t, dsn(t), "TimeZone", "Asia/Kolkata"), postgres.Open)
}

// TestConformanceInText runs the suite in a query mode that reads every
// column in text (exec), on sessions 5:30 ahead of UTC: the streams read
// natively then get the instants with that offset.
func TestConformanceInText(t *testing.T) {
	conformance(t, withParam(t, withParam(t, dsn(t), "TimeZone", "Asia/Kolkata"), "default_query_exec_mode", "exec"),
		postgres.Open)
}

// TestConformanceDateStyle runs the suite on sessions whose DateStyle is
// not ISO: the dialect's TextRows reads their dates and instants in the
// binary format, and the streams must read the same.
func TestConformanceDateStyle(t *testing.T) {
	conformance(t, withParam(t, dsn(t), "DateStyle", "SQL,DMY"), postgres.Open)
}

// TestConformanceThroughDatabaseSQL runs the suite on a dialect without
// TextRows, as on a connection of another driver: every stream goes
// through database/sql, and that path must keep the same contract.
func TestConformanceThroughDatabaseSQL(t *testing.T) {
	d := postgres.Dialect()
	d.TextRows = nil
	conformance(t, withParam(t, dsn(t), "DateStyle", "SQL,DMY"),
		func(ctx context.Context, dsn string, opts *sqlstore.Options) (*sqlstore.Store, error) {
			db, err := sql.Open("pgx", dsn)
			if err != nil {
				return nil, err
			}
			s, err := sqlstore.New(ctx, db, d, opts)
			if err != nil {
				db.Close()
				return nil, err
			}
			return s.Own(), nil
		})
}

// conformance runs the suite on stores that open opens on new schemas of
// base.
func conformance(t *testing.T, base string, open func(context.Context, string, *sqlstore.Options) (*sqlstore.Store, error)) {
	storetest.Run(t, func(t *testing.T) retention.Store {
		s, err := open(context.Background(), withSchema(t, base), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestFileContacts: contact attempts without a subject (as written before
// migration 0003) are filed again, each under what its task is about, and
// stream with their customers as before; a second call files none.
func TestFileContacts(t *testing.T) {
	ctx := context.Background()
	s := openImported(t, storetest.Dataset())
	if err := s.AppendContacts(ctx, []retention.Contact{{Task: "nonsense", At: time.Now(), Channel: retention.Phone,
		Outcome: retention.NoAnswer}}); err != nil {
		t.Fatal(err)
	}
	collect := func() []retention.CustomerContacts {
		var out []retention.CustomerContacts
		for cc, err := range s.CustomerContacts(ctx, retention.HistoryFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, cc)
		}
		return out
	}
	want := collect()
	if len(want) == 0 {
		t.Fatal("no contacts to file")
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE contacts SET subject = NULL`); err != nil {
		t.Fatal(err)
	}
	if got := collect(); len(got) != 0 {
		t.Fatalf("unfiled contacts streamed: %v", got)
	}
	if n, err := s.FileContacts(ctx); n != 3 || err != nil {
		t.Fatalf("FileContacts = %d, %v; want 3", n, err)
	}
	if diff := cmp.Diff(want, collect(), cmpopts.EquateComparable(time.Time{})); diff != "" {
		t.Errorf("after filing (-before +after):\n%s", diff)
	}
	if n, err := s.FileContacts(ctx); n != 0 || err != nil {
		t.Errorf("FileContacts again = %d, %v; want 0", n, err)
	}
}

// TestFileCustomers: customers without their hash (as written before
// migration 0004) are in no partition until they are filed, and then in
// the same ones as before; a second call files none.
func TestFileCustomers(t *testing.T) {
	ctx := context.Background()
	ds := storetest.Dataset()
	// Hashes 2^31-1 and 2^31: the two sides of the halves' boundary (the
	// dataset's own customers all fall in the second half).
	for _, id := range []string{"C-EDGE-FPZRLSE", "C-EDGE-6QILCL"} {
		ds.Customers = append(ds.Customers, retention.Customer{ID: id, Kind: retention.Individual})
	}
	s := openImported(t, ds)
	partitions := func() (ids [2][]string, n int) {
		for p := range 2 {
			for c, err := range s.CustomersIn(ctx, retention.HistoryFilter{Partition: p, Partitions: 2}) {
				if err != nil {
					t.Fatal(err)
				}
				ids[p] = append(ids[p], c.ID)
				n++
			}
		}
		return ids, n
	}
	want, n := partitions()
	if n != len(ds.Customers) || len(want[0]) == 0 || len(want[1]) == 0 {
		t.Fatalf("partitions %v of %d customers before unfiling", want, len(ds.Customers))
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE customers SET part = NULL`); err != nil {
		t.Fatal(err)
	}
	if got, n := partitions(); n != 0 {
		t.Fatalf("unfiled customers streamed: %v", got)
	}
	if n, err := s.FileCustomers(ctx); n != len(ds.Customers) || err != nil {
		t.Fatalf("FileCustomers = %d, %v; want %d", n, err, len(ds.Customers))
	}
	if got, _ := partitions(); !cmp.Equal(want, got) {
		t.Errorf("after filing: %v, want %v", got, want)
	}
	if n, err := s.FileCustomers(ctx); n != 0 || err != nil {
		t.Errorf("FileCustomers again = %d, %v; want 0", n, err)
	}
}

// openImported opens a store in a schema of its own, closed when the test
// ends, with ds imported.
func openImported(t *testing.T, ds *retention.Dataset) *sqlstore.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), withSchema(t, dsn(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Import(context.Background(), ds); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStatusFactsPlanEachRun runs the status facts seven times on one
// connection, with pgx's defaults, with its description cache off and in
// the two modes of a DSN that never prepare a named statement, and checks
// that every run gives the same facts and that no prepared statement of
// the query is left on the connection: PostgreSQL plans each run for its
// arguments, never by the plan made for any arguments that a cached
// statement may take from its sixth run.
func TestStatusFactsPlanEachRun(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct{ name, param, value string }{
		{"pgx's defaults", "", ""},
		{"no description cache", "description_cache_capacity", "0"},
		{"exec mode", "default_query_exec_mode", "exec"},
		{"simple protocol", "default_query_exec_mode", "simple_protocol"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := withSchema(t, dsn(t))
			if c.param != "" {
				d = withParam(t, d, c.param, c.value)
			}
			s, err := postgres.Open(ctx, d, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.Import(ctx, storetest.Dataset()); err != nil {
				t.Fatal(err)
			}
			s.DB().SetMaxOpenConns(1)
			asOf := date.New(2026, 8, 31)
			w := retention.StatusWindows{AsOf: asOf, VisitFrom: retention.AddMonths(asOf, -12), EffectiveFrom: retention.AddMonths(asOf, -6)}
			var first []retention.StatusFacts
			for run := range 7 {
				var got []retention.StatusFacts
				for f, err := range s.StatusFacts(ctx, retention.HistoryFilter{}, w) {
					if err != nil {
						t.Fatalf("run %d: %v", run, err)
					}
					got = append(got, f)
				}
				if run == 0 {
					if len(got) == 0 {
						t.Fatal("no status facts")
					}
					first = got
				} else if diff := cmp.Diff(first, got); diff != "" {
					t.Errorf("run %d differs from the first (-first +run):\n%s", run, diff)
				}
			}
			var prepared int
			if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_prepared_statements WHERE strpos(statement, $1) > 0`,
				"in_effective").Scan(&prepared); err != nil {
				t.Fatal(err)
			}
			if prepared != 0 {
				t.Errorf("%d prepared statements of the status facts left on the connection, want 0", prepared)
			}
		})
	}
}
