package postgres

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
)

// conn returns a connection of pgx's database/sql driver to the test
// server, with the session's DateStyle set (the server's default when
// ""), or skips the test.
func conn(t *testing.T, dateStyle string) *sql.Conn {
	t.Helper()
	dsn := os.Getenv("DCRC_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("DCRC_POSTGRES_DSN is not set: skipping the PostgreSQL tests (.ci/run starts a server and sets it)")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if dateStyle != "" {
		if _, err := c.ExecContext(context.Background(), "SET DateStyle TO "+dateStyle); err != nil {
			t.Fatal(err)
		}
	}
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

	// Dates in another style are left to database/sql, before any row.
	for _, style := range []string{"SQL, DMY", "Postgres, MDY", "German"} {
		rows, err := texts(ctx, conn(t, style), query, 3, 1)
		if !errors.Is(err, errors.ErrUnsupported) || rows != nil {
			t.Errorf("DateStyle %s: %d rows, error %v; want none and errors.ErrUnsupported", style, len(rows), err)
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
