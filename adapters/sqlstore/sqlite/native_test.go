package sqlite_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"modernc.org/sqlite/vfs"
)

// null stands for NULL in the rows the tests compare.
const null = "<NULL>"

// textRowsOf reads query natively on a connection of db and returns its
// rows as strings, NULL as null.
func textRowsOf(ctx context.Context, t *testing.T, db *sql.DB, query string, args ...any) ([][]string, error) {
	t.Helper()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var rows [][]string
	err = sqlite.Dialect().TextRows(ctx, conn, query, args, func(cols [][]byte) error {
		rows = append(rows, texts(cols))
		return nil
	})
	return rows, err
}

func texts(cols [][]byte) []string {
	r := make([]string, len(cols))
	for i, c := range cols {
		r[i] = null
		if c != nil {
			r[i] = string(c)
		}
	}
	return r
}

// driverRowsOf reads query through database/sql, each column as the
// driver's text of it.
func driverRowsOf(ctx context.Context, t *testing.T, db *sql.DB, query string, args ...any) [][]string {
	t.Helper()
	rs, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	names, _ := rs.Columns()
	var rows [][]string
	for rs.Next() {
		vals := make([]sql.RawBytes, len(names))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		cols := make([][]byte, len(vals))
		for i, v := range vals {
			cols[i] = v
		}
		rows = append(rows, texts(cols))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestTextRows: the native read hands over each column as SQLite's text
// of it, NULL as nil and an empty text as empty, with the arguments bound
// by number.
func TestTextRows(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t).DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE x (id INTEGER, flag INTEGER, name TEXT, amount TEXT, note TEXT);
		INSERT INTO x VALUES (1, 1, 'Wáng Fāng', '12.50', NULL), (2, 0, '', '-0.01', 'n'), (3, 1, 'C', '7', 'o')`); err != nil {
		t.Fatal(err)
	}
	got, err := textRowsOf(ctx, t, db, `SELECT id, flag, name, amount, note, $2 FROM x WHERE id >= $3 AND name <> $1 ORDER BY id`,
		"C", int64(-9000000000), 1)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"1", "1", "Wáng Fāng", "12.50", null, "-9000000000"},
		{"2", "0", "", "-0.01", "n", "-9000000000"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	got, err = textRowsOf(ctx, t, db, `SELECT id FROM x WHERE note IS ? ORDER BY id`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{"1"}}, got); diff != "" {
		t.Errorf("rows with a NULL argument (-want +got):\n%s", diff)
	}
}

// TestTextRowsValues: each kind of value in SQLite's text of it, the
// integers at their longest and in every column of a row, so that no
// column's text overwrites another's.
func TestTextRowsValues(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t).DB()
	const (
		minInt = "-9223372036854775808"
		maxInt = "9223372036854775807"
	)
	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"integers", `SELECT 0, -1, 42, ` + minInt + `, ` + maxInt, []string{"0", "-1", "42", minInt, maxInt}},
		{"every column an integer at its longest", `SELECT ` + minInt + `, ` + maxInt + `, ` + minInt + `, ` + maxInt + `, ` + minInt + `, ` + maxInt,
			[]string{minInt, maxInt, minInt, maxInt, minInt, maxInt}},
		{"integers between texts and NULLs", `SELECT 'a', 7, NULL, '', -7, NULL, 'Wáng'`, []string{"a", "7", null, "", "-7", null, "Wáng"}},
		{"reals", `SELECT 1.5, -0.25, 100.0`, []string{"1.5", "-0.25", "100.0"}},
		{"a blob", `SELECT x'6869'`, []string{"hi"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := textRowsOf(ctx, t, db, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([][]string{tc.want}, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTextRowsReadsAsTheDriver: the store's own streams' queries read the
// same natively as through database/sql, row for row and column for
// column, whole and by partition.
func TestTextRowsReadsAsTheDriver(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if err := s.Import(ctx, storetest.Dataset()); err != nil {
		t.Fatal(err)
	}
	for _, f := range []retention.HistoryFilter{{}, {Partition: 1, Partitions: 3}} {
		q, args := s.HistoryQuery(f)
		want := driverRowsOf(ctx, t, s.DB(), q, args...)
		got, err := textRowsOf(ctx, t, s.DB(), q, args...)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 2 {
			t.Fatalf("%+v: %d rows, want more to compare", f, len(want))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%+v: native rows (-database/sql +native):\n%s", f, diff)
		}
	}
}

// TestTextRowsUnsupported: what the native read cannot do it leaves to
// database/sql, having read nothing.
func TestTextRowsUnsupported(t *testing.T) {
	ctx := context.Background()
	mem, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	other := sql.OpenDB(otherConnector{})
	defer other.Close()
	// A database file served by a VFS of names, with a different database
	// of the same name in the working directory: the name is not the file.
	dir := t.TempDir()
	if _, err := openTemp(t).DB().ExecContext(ctx, `VACUUM INTO '`+filepath.Join(dir, "dcrc.sqlite")+`'`); err != nil {
		t.Fatal(err)
	}
	vfsName, vfsFS, err := vfs.New(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer vfsFS.Close()
	served, err := sql.Open("sqlite", "file:dcrc.sqlite?vfs="+vfsName)
	if err != nil {
		t.Fatal(err)
	}
	defer served.Close()
	t.Chdir(t.TempDir())
	if _, err := openTemp(t).DB().ExecContext(ctx, `VACUUM INTO 'dcrc.sqlite'`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		db    *sql.DB
		query string
		args  []any
	}{
		{"another driver's connection", other, `SELECT 1`, nil},
		{"a database in memory", mem, `SELECT 1`, nil},
		{"a database in a VFS of names", served, `SELECT count(*) FROM vehicles`, nil},
		{"an argument of another type", openTemp(t).DB(), `SELECT $1`, []any{1.5}},
		{"a query SQLite cannot prepare", openTemp(t).DB(), `SELECT FROM nowhere`, nil},
	} {
		rows, err := textRowsOf(ctx, t, tc.db, tc.query, tc.args...)
		if !errors.Is(err, errors.ErrUnsupported) || len(rows) > 0 {
			t.Errorf("%s: %d rows, %v; want none and errors.ErrUnsupported", tc.name, len(rows), err)
		}
	}
}

// otherConnector stands for another SQLite driver: its connections can do
// nothing, and the native read must not ask them to.
type otherConnector struct{}

func (otherConnector) Connect(context.Context) (driver.Conn, error) { return otherConn{}, nil }
func (otherConnector) Driver() driver.Driver                        { return nil }

type otherConn struct{}

func (otherConn) Prepare(string) (driver.Stmt, error) {
	return nil, errors.New("another driver's connection asked")
}
func (otherConn) Close() error { return nil }
func (otherConn) Begin() (driver.Tx, error) {
	return nil, errors.New("another driver's connection asked")
}

// TestTextRowsStops: the native read ends with the first error of row,
// and when its context is cancelled: between rows, and inside a step that
// would not end by itself for hours.
func TestTextRowsStops(t *testing.T) {
	db := openTemp(t).DB()
	const endless = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) `
	stop := errors.New("stop")
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	read := 0
	err = sqlite.Dialect().TextRows(context.Background(), conn, endless+`SELECT i FROM n`, nil, func([][]byte) error {
		if read++; read == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || read != 3 {
		t.Errorf("row's error: %v after %d rows, want %v after 3", err, read, stop)
	}

	ctx, cancel := context.WithCancel(context.Background())
	err = sqlite.Dialect().TextRows(ctx, conn, endless+`SELECT i FROM n`, nil, func([][]byte) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled between rows: %v, want %v", err, context.Canceled)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err = sqlite.Dialect().TextRows(ctx, conn, endless+`SELECT max(i) FROM (SELECT i FROM n LIMIT 1e15)`, nil,
		func([][]byte) error { return errors.New("a row of a query that should not have ended") })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled before the first row: %v, want %v", err, context.DeadlineExceeded)
	}
}

// TestTextRowsOfAnotherWidth: a row read natively with a column too few is
// an error of the stream that read it, not an index out of range in its
// scan.
func TestTextRowsOfAnotherWidth(t *testing.T) {
	ctx := context.Background()
	dialect := sqlite.Dialect()
	textRows := dialect.TextRows
	dialect.TextRows = func(ctx context.Context, conn *sql.Conn, query string, args []any, row func(cols [][]byte) error) error {
		return textRows(ctx, conn, query, args, func(cols [][]byte) error { return row(cols[:len(cols)-1]) })
	}
	s := openWith(t, dialect)
	if err := s.Import(ctx, storetest.Dataset()); err != nil {
		t.Fatal(err)
	}
	asOf := retention.MustParseDate("2026-11-22")
	w := retention.StatusWindows{AsOf: asOf, VisitFrom: retention.AddMonths(asOf, -12), EffectiveFrom: retention.AddMonths(asOf, -6)}
	for _, tc := range []struct {
		name string
		err  func() error
	}{
		{"customers", func() error { return firstErr(s.Customers(ctx)) }},
		{"histories", func() error { return firstErr(s.Histories(ctx, retention.HistoryFilter{})) }},
		{"status facts", func() error { return firstErr(s.StatusFacts(ctx, retention.HistoryFilter{}, w)) }},
		{"contact attempts", func() error { return firstErr(s.CustomerContacts(ctx, retention.HistoryFilter{})) }},
	} {
		if err := tc.err(); !errors.Is(err, retention.ErrInternal) || err == nil || !strings.Contains(err.Error(), "columns in a row") {
			t.Errorf("%s: err = %v, want ErrInternal naming the columns", tc.name, err)
		}
	}
}

// firstErr returns the first error of seq, or nil.
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}
