// Package sqlite opens a dcrc store in an embedded SQLite database file,
// through modernc.org/sqlite (pure Go, no cgo): the default store, with
// nothing to install.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/retention"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect returns the SQLite dialect of sqlstore: errors classified by the
// extended result codes SQLITE_CONSTRAINT_UNIQUE (2067) and
// SQLITE_CONSTRAINT_PRIMARYKEY (1555) as conflicts, SQLITE_CONSTRAINT_FOREIGNKEY
// (787) as invalid input; the streams a plan reads whole and the status
// facts read through SQLite's C API on a read-only connection of their own
// (sqlstore.Dialect.TextRows), not through database/sql.
func Dialect() sqlstore.Dialect {
	return sqlstore.Dialect{Name: "sqlite", MaxParams: 32766, BatchRows: 500, Positional: true, SeekFacts: true, RowID: "rowid", TextRows: textRows, Kind: func(err error) retention.Kind {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return 0
		}
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return retention.ErrConflict
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return retention.ErrInvalid
		}
		return 0
	}}
}

// DSN returns the data source name dcrc uses for a database file: WAL
// journal, a 5 s busy timeout, foreign keys on and immediate transactions
// (a writer takes the lock when it begins, so concurrent writers queue
// instead of failing).
func DSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMillis))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// busyTimeoutMillis is how long a connection waits for another's lock
// (DSN's busy_timeout, and the native reader's).
const busyTimeoutMillis = 5000

// Open opens (creating it if needed) the database file at path and returns
// a store on it with the schema migrated. Close the store to close the
// file. A path of ":memory:" is refused: every pooled connection would see
// its own empty database.
func Open(ctx context.Context, path string, opts *sqlstore.Options) (*sqlstore.Store, error) {
	if path == "" || path == ":memory:" {
		return nil, retention.Invalid("sqlite", "path", "a database file is required")
	}
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, &retention.Error{Kind: retention.ErrInternal, Op: "sqlite.Open", Err: err}
	}
	s, err := sqlstore.New(ctx, db, Dialect(), opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s.Own(), nil
}
