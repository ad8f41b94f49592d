// Package postgres opens a dcrc store in a PostgreSQL database through
// github.com/jackc/pgx/v5 (its database/sql driver, "pgx").
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Dialect returns the PostgreSQL dialect of sqlstore: errors classified by
// SQLSTATE, unique_violation (23505) as a conflict, foreign_key_violation
// (23503), not_null_violation (23502) and check_violation (23514) as
// invalid input. The streams a plan reads whole go through pgx's own
// interface (TextRows) on connections of its database/sql driver.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{Name: "postgres", MaxParams: 65535, BatchRows: 500, LateralHistories: true, TextRows: textRows,
		Kind: func(err error) retention.Kind {
			var e *pgconn.PgError
			if !errors.As(err, &e) {
				return 0
			}
			switch e.Code {
			case "23505":
				return retention.ErrConflict
			case "23503", "23502", "23514":
				return retention.ErrInvalid
			}
			return 0
		}}
}

// textRows is the dialect's TextRows: on a connection of pgx's database/sql
// driver, it runs the query through pgx itself and hands over each row's
// columns as they came over the wire, every one asked for in the text
// format. A session whose DateStyle does not write dates in ISO form is
// left to database/sql, which reads them in the binary format.
//
// The query runs as the unnamed statement (execMode), so that PostgreSQL
// plans it for its arguments on every run.
func textRows(ctx context.Context, conn *sql.Conn, query string, args []any, row func(cols [][]byte) error) error {
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return errors.ErrUnsupported
		}
		pc := c.Conn()
		if !strings.HasPrefix(pc.PgConn().ParameterStatus("DateStyle"), "ISO") {
			return errors.ErrUnsupported
		}
		rows, err := pc.Query(ctx, query, append([]any{execMode(pc.Config()), pgx.QueryResultFormats{pgx.TextFormatCode}}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := row(rows.RawValues()); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// Open connects to the database of a DSN ("postgres://user@host:port/db" or
// "host=… dbname=…") and returns a store on it with the schema migrated.
// Close the store to close the connections.
func Open(ctx context.Context, dsn string, opts *sqlstore.Options) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, &retention.Error{Kind: retention.ErrInternal, Op: "postgres.Open", Err: err}
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, &retention.Error{Kind: retention.ErrInternal, Op: "postgres.Open", Msg: "cannot connect", Err: err}
	}
	s, err := sqlstore.New(ctx, db, Dialect(), opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s.Own(), nil
}

// execMode returns how textRows runs its queries on a connection of
// config: as the unnamed statement, which PostgreSQL plans for its
// arguments on every run. Left a named prepared statement, as pgx does by
// default (QueryExecModeCacheStatement), a query's sixth run on a
// connection may take the plan made for any arguments, which can be far
// worse than the plan for its own: for a first form of the grouped status
// facts it hashed and sorted the visits, twice as slow at 1,000,000
// vehicles (BENCHMARKS.md, round twenty-eight). Planning a stream's query
// takes a few milliseconds.
//
// In pgx's default mode the query's description is cached
// (QueryExecModeCacheDescribe, one round trip), or asked for on every run
// where the DSN turns that cache off (description_cache_capacity=0;
// QueryExecModeDescribeExec, two round trips). Any other mode the DSN sets
// (default_query_exec_mode) already runs the unnamed statement, and is
// kept: it is the deployment's choice, for a connection pooler, say.
func execMode(config *pgx.ConnConfig) pgx.QueryExecMode {
	switch {
	case config.DefaultQueryExecMode != pgx.QueryExecModeCacheStatement:
		return config.DefaultQueryExecMode
	case config.DescriptionCacheCapacity > 0:
		return pgx.QueryExecModeCacheDescribe
	default:
		return pgx.QueryExecModeDescribeExec
	}
}
