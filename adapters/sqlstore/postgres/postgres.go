// Package postgres opens a dcrc store in a PostgreSQL database through
// github.com/jackc/pgx/v5 (its database/sql driver, "pgx").
package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Dialect returns the PostgreSQL dialect of sqlstore: errors classified by
// SQLSTATE, unique_violation (23505) as a conflict, foreign_key_violation
// (23503), not_null_violation (23502) and check_violation (23514) as
// invalid input.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{Name: "postgres", MaxParams: 65535, BatchRows: 500, LateralHistories: true, Kind: func(err error) retention.Kind {
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
