package postgres

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib"
)

// conn returns a connection of pgx's database/sql driver to the test
// server, with the session's DateStyle set (the server's default when
// ""), or skips the test.
func conn(t *testing.T, dateStyle string) *sql.Conn {
	t.Helper()
	return connWith(t, func(c *pgx.ConnConfig) {
		if dateStyle != "" {
			c.RuntimeParams["datestyle"] = dateStyle
		}
	})
}

// connWith returns a connection of pgx's database/sql driver to the test
// server, its configuration changed by set, or skips the test.
func connWith(t *testing.T, set func(*pgx.ConnConfig)) *sql.Conn {
	t.Helper()
	dsn := os.Getenv("DCRC_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("DCRC_POSTGRES_DSN is not set: skipping the PostgreSQL tests (.ci/run starts a server and sets it)")
	}
	config, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	set(config)
	db := stdlib.OpenDB(*config)
	t.Cleanup(func() { db.Close() })
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// texts collects the rows that textRows hands over, as strings ("<nil>"
// for NULL).
func texts(ctx context.Context, c *sql.Conn, query string, args ...any) ([][]string, error) {
	var out [][]string
	err := textRows(ctx, c, query, args, func(cols [][]byte) error {
		row := make([]string, len(cols))
		for i, col := range cols {
			row[i] = string(col)
			if col == nil {
				row[i] = "<nil>"
			}
		}
		out = append(out, row)
		return nil
	})
	return out, err
}

func TestTextRows(t *testing.T) {
	ctx := context.Background()
	const query = `SELECT n, DATE '2024-02-29' + n, CAST(NULL AS DATE), n * 1000000000000, n = 2, CAST(NULL AS BOOLEAN),
	CAST(12.50 AS NUMERIC) * n, 'A' || n, CAST(NULL AS TEXT), '["B12","E7"]'
FROM generate_series(1, $1::int) AS n WHERE n > $2`
	got, err := texts(ctx, conn(t, "ISO, DMY"), query, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"2", "2024-03-02", "<nil>", "2000000000000", "t", "<nil>", "25.00", "A2", "<nil>", `["B12","E7"]`},
		{"3", "2024-03-03", "<nil>", "3000000000000", "f", "<nil>", "37.50", "A3", "<nil>", `["B12","E7"]`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows in the text format (-want +got):\n%s", diff)
	}

	// Dates come in the binary format, so any DateStyle reads the same.
	for _, style := range []string{"SQL, DMY", "Postgres, MDY", "German", "ISO, MDY"} {
		rows, err := texts(ctx, conn(t, style), query, 3, 1)
		if err != nil {
			t.Fatalf("DateStyle %s: %v", style, err)
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("DateStyle %s (-want +got):\n%s", style, diff)
		}
	}

	// row's error ends the read and is returned; the connection is usable.
	c := conn(t, "")
	stop := errors.New("stop")
	n := 0
	err = textRows(ctx, c, query, []any{1000, 0}, func([][]byte) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("a row's error: %d rows, error %v; want 1 and the row's", n, err)
	}
	if rows, err := texts(ctx, c, "SELECT 1"); err != nil || len(rows) != 1 {
		t.Errorf("the connection after a stop: %v, %v", rows, err)
	}

	// A query's error is returned.
	if _, err := texts(ctx, c, "SELECT * FROM no_such_table"); err == nil || !strings.Contains(err.Error(), "no_such_table") {
		t.Errorf("a bad query: error %v, want the server's", err)
	}
}

// TestTextRowsTimes checks the dates and instants that textRows reads in
// the binary format against the server's own text of them, in DateStyle
// ISO and TimeZone UTC, as the streams' scanners read them: the same text
// in every DateStyle and time zone of the session, and in the query modes
// that read them in text (exec, simple_protocol) in an ISO session.
// Another DateStyle in those modes is left to database/sql.
func TestTextRowsTimes(t *testing.T) {
	ctx := context.Background()
	const values = `FROM (VALUES
	(DATE '2026-11-22', TIMESTAMPTZ '2026-11-22 09:30:00.25+00'),
	(DATE '2024-02-29', TIMESTAMPTZ '2024-02-29 23:59:59.999999+08'),
	(DATE '2000-01-01', TIMESTAMPTZ '2000-01-01 00:00:00+00'),
	(DATE '1999-12-31', TIMESTAMPTZ '1999-12-31 23:59:59.000001+00'),
	(DATE '1970-01-01', TIMESTAMPTZ '1969-12-31 23:59:59.5+00'),
	(DATE '0001-01-01', TIMESTAMPTZ '0001-01-01 00:00:00+00'),
	(DATE '9999-12-31', TIMESTAMPTZ '9999-12-31 23:59:59.123+00'),
	(DATE '0001-12-31 BC', TIMESTAMPTZ '0001-12-31 23:00:00+00 BC'),
	(DATE '0044-03-15 BC', TIMESTAMPTZ '0044-03-15 12:00:00.5+00 BC'),
	(DATE '4713-01-01 BC', TIMESTAMPTZ '4713-01-01 00:00:00+00 BC'),
	(DATE '10000-01-01', TIMESTAMPTZ '10000-01-01 00:00:00+00'),
	(DATE '5874897-12-31', TIMESTAMPTZ '294276-12-31 23:59:59.999999+00'),
	(DATE 'infinity', TIMESTAMPTZ '-infinity'),
	(DATE '-infinity', TIMESTAMPTZ 'infinity'),
	(NULL, NULL)
) AS v (d, i) ORDER BY v.d NULLS LAST, v.i`
	oracle := connWith(t, func(c *pgx.ConnConfig) {
		c.RuntimeParams["datestyle"] = "ISO, MDY"
		c.RuntimeParams["timezone"] = "UTC"
	})
	want, err := texts(ctx, oracle, "SELECT CAST(d AS TEXT), CAST(i AS TEXT) "+values)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 15 || want[0][0] != "-infinity" || want[1][0] != "4713-01-01 BC" || want[14][0] != "<nil>" {
		t.Fatalf("the server's text: %v", want)
	}
	for _, c := range []struct {
		mode                pgx.QueryExecMode // pgx's default when 0
		noDescriptionCache  bool
		dateStyle, timeZone string
	}{
		{0, false, "ISO, MDY", "UTC"},
		{0, false, "ISO, DMY", "Asia/Shanghai"},
		{0, false, "SQL, DMY", "America/St_Johns"},
		{0, false, "German", "Europe/Berlin"},
		{0, false, "Postgres, MDY", "Asia/Kathmandu"},
		{0, true, "SQL, MDY", "Asia/Shanghai"},
		{pgx.QueryExecModeDescribeExec, false, "German", "Asia/Shanghai"},
		// In text: the server's own, in UTC as the oracle's.
		{pgx.QueryExecModeExec, false, "ISO, DMY", "UTC"},
		{pgx.QueryExecModeSimpleProtocol, false, "ISO, MDY", "UTC"},
	} {
		name := fmt.Sprintf("mode %v, description cache off %t, DateStyle %s, TimeZone %s", c.mode, c.noDescriptionCache,
			c.dateStyle, c.timeZone)
		got, err := texts(ctx, connWith(t, func(config *pgx.ConnConfig) {
			if c.mode != 0 {
				config.DefaultQueryExecMode = c.mode
			}
			if c.noDescriptionCache {
				config.DescriptionCacheCapacity = 0
			}
			config.RuntimeParams["datestyle"] = c.dateStyle
			config.RuntimeParams["timezone"] = c.timeZone
		}), "SELECT d, i "+values)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-the server's text +textRows'):\n%s", name, diff)
		}
	}

	// In text, another DateStyle is left to database/sql, before any row.
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol} {
		rows, err := texts(ctx, connWith(t, func(config *pgx.ConnConfig) {
			config.DefaultQueryExecMode = mode
			config.RuntimeParams["datestyle"] = "SQL, DMY"
		}), "SELECT d, i "+values)
		if !errors.Is(err, errors.ErrUnsupported) || rows != nil {
			t.Errorf("mode %v, DateStyle SQL: %d rows, error %v; want none and errors.ErrUnsupported", mode, len(rows), err)
		}
	}
}

// TestExecMode pins how textRows runs its queries for each setting of
// the DSN: as the unnamed statement, the description cached if pgx may.
func TestExecMode(t *testing.T) {
	for _, c := range []struct {
		params string
		want   pgx.QueryExecMode
	}{
		{"", pgx.QueryExecModeCacheDescribe},
		{"&default_query_exec_mode=cache_statement", pgx.QueryExecModeCacheDescribe},
		{"&description_cache_capacity=0", pgx.QueryExecModeDescribeExec},
		{"&statement_cache_capacity=0&description_cache_capacity=0", pgx.QueryExecModeDescribeExec},
		{"&default_query_exec_mode=cache_describe", pgx.QueryExecModeCacheDescribe},
		{"&default_query_exec_mode=describe_exec", pgx.QueryExecModeDescribeExec},
		{"&default_query_exec_mode=exec", pgx.QueryExecModeExec},
		{"&default_query_exec_mode=simple_protocol", pgx.QueryExecModeSimpleProtocol},
	} {
		config, err := pgx.ParseConfig("postgres://dcrc@localhost:5432/dms?sslmode=disable" + c.params)
		if err != nil {
			t.Fatal(err)
		}
		if got := execMode(config); got != c.want {
			t.Errorf("%q: %v, want %v", c.params, got, c.want)
		}
	}
}

// TestISOText pins isoText without a server (TestTextRowsTimes checks it
// against the server's text): days and microseconds from 2000-01-01, the
// eras, infinities, and a value of the wrong size or type.
func TestISOText(t *testing.T) {
	be32 := func(n int32) []byte { return binary.BigEndian.AppendUint32(nil, uint32(n)) }
	be64 := func(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }
	for _, c := range []struct {
		oid  uint32
		v    []byte
		want string // "error" for an error
	}{
		{pgtype.DateOID, be32(0), "2000-01-01"},
		{pgtype.DateOID, be32(-1), "1999-12-31"},
		{pgtype.DateOID, be32(9822), "2026-11-22"},
		{pgtype.DateOID, be32(-10957), "1970-01-01"},
		{pgtype.DateOID, be32(-730119), "0001-01-01"},    // the first day of four digits
		{pgtype.DateOID, be32(-730120), "0001-12-31 BC"}, // the day before
		{pgtype.DateOID, be32(2921939), "9999-12-31"},    // the last day of four digits
		{pgtype.DateOID, be32(2921940), "10000-01-01"},   // the day after
		{pgtype.DateOID, be32(math.MaxInt32), "infinity"},
		{pgtype.DateOID, be32(math.MinInt32), "-infinity"},
		{pgtype.TimestamptzOID, be64(0), "2000-01-01 00:00:00+00"},
		{pgtype.TimestamptzOID, be64(-1), "1999-12-31 23:59:59.999999+00"},
		{pgtype.TimestamptzOID, be64(848655000250000), "2026-11-22 09:30:00.25+00"},
		{pgtype.TimestamptzOID, be64(-63082281600000000), "0001-01-01 00:00:00+00"},
		{pgtype.TimestamptzOID, be64(-63082281600000001), "0001-12-31 23:59:59.999999+00 BC"},
		{pgtype.TimestamptzOID, be64(math.MaxInt64), "infinity"},
		{pgtype.TimestamptzOID, be64(math.MinInt64), "-infinity"},
		{pgtype.DateOID, be64(0), "error"},
		{pgtype.TimestamptzOID, be32(0), "error"},
		{pgtype.TimestampOID, be64(0), "error"},
	} {
		b, err := isoText([]byte("x"), c.oid, c.v)
		got := string(b)
		if err != nil {
			got = "error"
			if string(b) != "x" {
				t.Errorf("%d %x: appended %q with the error", c.oid, c.v, b)
			}
		} else if got = strings.TrimPrefix(got, "x"); len(got) == len(b) {
			t.Errorf("%d %x: %q does not keep what it was appended to", c.oid, c.v, b)
		}
		if got != c.want {
			t.Errorf("%d %x: %q, want %q", c.oid, c.v, got, c.want)
		}
	}
}

// TestISOTextInstants checks isoText's instants of four-digit years
// against time.Time.AppendFormat in the layout PostgreSQL's ISO text
// follows: midnight and the microsecond before and after it, whole
// seconds, fractions with and without trailing zeros, on days before and
// after 2000-01-01 (whose remainders count back), and a spread of
// instants from 0001 to 9999.
func TestISOTextInstants(t *testing.T) {
	const day = microsPerDay
	// The first and the last microsecond of four-digit years.
	const first, last = -63082281600000000, 252455615999999999
	instants := []int64{0, 1, -1, day - 1, day, day + 1, -day, -day - 1, -day + 1, 10, 100_000, 120_000, 999_999,
		1_000_000, 1_000_001, 59_999_999, 3_599_999_999, 12*3600e6 + 30*60e6 + 45e6 + 6e5, 848655000250000, first, last}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10_000 {
		instants = append(instants, first+r.Int64N(last-first+1))
	}
	for _, n := range instants {
		want := time.Unix(n/1e6+pgEpochSeconds, n%1e6*1e3).UTC().AppendFormat([]byte("x"), "2006-01-02 15:04:05.999999-07")
		got, err := isoText([]byte("x"), pgtype.TimestamptzOID, binary.BigEndian.AppendUint64(nil, uint64(n)))
		if err != nil || string(got) != string(want) {
			t.Fatalf("%d: %q, error %v; want %q", n, got, err, want)
		}
	}
}

// BenchmarkISOText writes the text of a date and of an instant, as the
// streams' rows carry them.
func BenchmarkISOText(b *testing.B) {
	for _, c := range []struct {
		name string
		oid  uint32
		v    []byte
	}{
		{"date", pgtype.DateOID, binary.BigEndian.AppendUint32(nil, 9822)},
		{"instant", pgtype.TimestamptzOID, binary.BigEndian.AppendUint64(nil, 848655000250000)},
	} {
		b.Run(c.name, func(b *testing.B) {
			var buf []byte
			for b.Loop() {
				buf, _ = isoText(buf[:0], c.oid, c.v)
			}
		})
	}
}
