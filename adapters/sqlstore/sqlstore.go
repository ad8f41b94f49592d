// Package sqlstore is the retention.Store of dcrc on a SQL database through
// database/sql: one implementation for SQLite and PostgreSQL. The driver
// imports live in the thin subpackages sqlite (embedded, pure Go, the
// default) and postgres, so a program that uses one database never compiles
// the other.
//
// The schema is created by migrations embedded per dialect, applied in
// order, each in one transaction, and recorded in the table
// dcrc_schema_versions; Migrations exposes them for users who run their own
// migration tool (then pass Options.SkipMigrations).
//
// Dates are stored as ISO dates, money as exact decimals (TEXT in SQLite,
// NUMERIC in PostgreSQL), instants in UTC. Every statement is
// parameterised. Driver errors are translated at the boundary by their
// numeric codes (Dialect.Kind) and kept wrapped.
//
// A dialect may read the rows of the streams a plan reads whole
// (customers, histories, contact attempts) and of the status facts past
// database/sql (Dialect.TextRows): PostgreSQL's does, through pgx on the
// same connections, and SQLite's through SQLite's C API on a read-only
// connection of its own. Such a stream reads its rows on a goroutine of
// its own, a few batches ahead of the caller, and decodes them on the
// caller's, so that the database's work and the decoding run on two cores.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dcrc-go/dcrc/retention"
)

//go:embed migrations
var migrations embed.FS

// Dialect describes a database to the store. The subpackages sqlite and
// postgres provide theirs.
type Dialect struct {
	// Name selects the migrations: "sqlite" or "postgres".
	Name string
	// Kind classifies a driver error by its numeric code: ErrConflict for a
	// unique violation, ErrInvalid for a foreign-key or check violation, 0
	// for anything else.
	Kind func(err error) retention.Kind
	// MaxParams is the most bind parameters one statement may carry.
	MaxParams int
	// BatchRows is how many rows one INSERT statement carries (at most
	// MaxParams / columns).
	BatchRows int
	// Positional makes bulk INSERTs use ? placeholders instead of $N:
	// SQLite's driver resolves each $N by name, which grows with the
	// number of parameters of a statement.
	Positional bool
	// SeekFacts makes StatusFacts seek each vehicle's visits in the
	// visits_by_vehicle index (correlated subqueries) instead of grouping
	// them: SQLite's planner has no hash aggregate, and the seeks read only
	// the visits inside the windows. PostgreSQL groups faster.
	SeekFacts bool
	// LateralHistories makes Histories read each vehicle's rows (the
	// vehicle's and its visits') in a LATERAL subquery, walking the
	// vehicles in index order: PostgreSQL then sends the first row at
	// once, where the UNION ALL form is sorted whole, on disk for a large
	// network, before its first row. The query orders by customer and VIN
	// only, and Histories puts each vehicle's rows in order itself: sorting
	// them on the server, one vehicle at a time, took about two fifths of
	// its time on the query. SQLite has no LATERAL; its planner walks the
	// UNION ALL form in index order (see RowID).
	LateralHistories bool
	// RowID, when not empty, names a column of the vehicles that is unique
	// and never NULL ("rowid" in SQLite). The UNION ALL form of Histories
	// orders a customer's vehicles by it after their VIN, which changes no
	// row's place (VINs are unique) but tells the planner that no two rows
	// of the vehicles' index tie. SQLite counts a primary key that may be
	// NULL (a TEXT PRIMARY KEY, unless declared NOT NULL) as not unique,
	// and without the rowid it sorts each vehicle's visits again, though
	// visits_by_vehicle hands them over in order (BENCHMARKS-HISTORY.md,
	// round twenty-five).
	RowID string
	// TextRows, when not nil, reads the rows of a query on conn natively,
	// bypassing database/sql: it calls row with each row's columns as the
	// database's text of them (nil for NULL), the slices valid only until
	// row returns, and returns row's first error. The text is PostgreSQL's
	// text format in DateStyle ISO (dates and instants in ISO form,
	// instants with an offset, +00 or the session's; booleans t and f) or
	// SQLite's text of the values as dcrc stores them (integers in decimal,
	// so booleans 0 and 1; instants in fixed-width UTC).
	// It returns errors.ErrUnsupported, having read nothing, when it cannot
	// (for instance another driver's connection, a database in memory); the
	// query then runs through database/sql. The streams a plan reads whole
	// (Customers, Histories, CustomerContacts) and StatusFacts use it:
	// database/sql converts every column into an interface value (an
	// allocation each) before it is scanned. They call it on a goroutine of
	// their own, which copies the rows and hands them to the stream's
	// consumer in batches.
	TextRows func(ctx context.Context, conn *sql.Conn, query string, args []any, row func(cols [][]byte) error) error
}

// Options configure a Store. A nil *Options means the defaults.
type Options struct {
	// SkipMigrations leaves the schema to the caller (see Migrations), who
	// then calls FileContacts once after applying migration 0003 and
	// FileCustomers once after 0004.
	SkipMigrations bool
	// Logger receives the migrations applied; nil discards.
	Logger *slog.Logger
}

// Store is a retention.Store on a SQL database. It is safe for concurrent
// use.
type Store struct {
	db      *sql.DB
	dialect Dialect
	log     *slog.Logger
	owned   bool
}

var (
	_ retention.Store                = (*Store)(nil)
	_ retention.PartitionedCustomers = (*Store)(nil)
	_ retention.TaskSeqSaver         = (*Store)(nil)
	_ retention.StatusRangeReader    = (*Store)(nil)
	_ retention.SurveysInSpan        = (*Store)(nil)
)

// Migrations returns the schema migrations of a dialect ("sqlite" or
// "postgres") as files named NNNN_name.sql, applied in name order.
func Migrations(dialect string) (fs.FS, error) {
	sub, err := fs.Sub(migrations, "migrations/"+dialect)
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(sub, "0001_init.sql"); err != nil {
		return nil, fmt.Errorf("sqlstore: no migrations for dialect %q", dialect)
	}
	return sub, nil
}

// New returns a store on db, applying the migrations that are not applied
// yet unless opts.SkipMigrations. The caller keeps db; Close does not close
// it.
func New(ctx context.Context, db *sql.DB, dialect Dialect, opts *Options) (*Store, error) {
	s := &Store{db: db, dialect: dialect, log: slog.New(slog.DiscardHandler)}
	if opts != nil && opts.Logger != nil {
		s.log = opts.Logger
	}
	if opts == nil || !opts.SkipMigrations {
		if err := s.migrate(ctx); err != nil {
			return nil, err
		}
		if _, err := s.FileContacts(ctx); err != nil {
			return nil, err
		}
		if _, err := s.FileCustomers(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// FileContacts sets the subject (retention.TaskSubject) of the contact
// attempts recorded before migration 0003 added the column, in one
// transaction, and returns how many it filed. New calls it after migrating;
// once the attempts are filed it costs one index probe. Callers who apply
// the migrations themselves (Options.SkipMigrations) call it once after
// 0003.
func (s *Store) FileContacts(ctx context.Context) (int, error) {
	return s.file(ctx, filing{op: "sqlstore.FileContacts", table: "contacts", key: "seq", from: "task", col: "subject",
		value: func(task string) any {
			subject, _ := retention.TaskSubject(task) // "" for a key about nothing
			return subject
		}, done: "dcrc: filed contact attempts by subject"})
}

// FileCustomers sets the partition hash (retention.CustomerHash) of the
// customers written before migration 0004 added the column, in one
// transaction, and returns how many it filed: until then CustomersIn
// leaves them out of every partition. New calls it after migrating; once
// the customers are filed it costs one index probe. Callers who apply the
// migrations themselves (Options.SkipMigrations) call it once after 0004.
func (s *Store) FileCustomers(ctx context.Context) (int, error) {
	return s.file(ctx, filing{op: "sqlstore.FileCustomers", table: "customers", key: "id", from: "id", col: "part",
		value: func(id string) any { return partOf(id) }, done: "dcrc: filed customers by partition hash"})
}

// filing is a column that the store computes in Go (file), for the rows
// written before the migration that added it.
type filing struct {
	op, table string
	key       string // the column that identifies a row
	from      string // the column the value is computed from, as text
	col       string // the column filed, NULL until it is
	value     func(from string) any
	done      string // the message logged when rows were filed
}

// file sets f.col of the rows of f.table where it is NULL to f.value of
// their f.from, in one transaction, and returns how many rows it filed.
func (s *Store) file(ctx context.Context, f filing) (int, error) {
	filed := 0
	err := s.inTx(ctx, f.op, func(tx *sql.Tx) error {
		rs, err := tx.QueryContext(ctx, `SELECT `+f.key+`, `+f.from+` FROM `+f.table+` WHERE `+f.col+` IS NULL`)
		if err != nil {
			return err
		}
		type row struct {
			key  any
			from string
		}
		var todo []row
		for rs.Next() {
			var r row
			if err := rs.Scan(&r.key, &r.from); err != nil {
				rs.Close()
				return err
			}
			todo = append(todo, r)
		}
		if err := rs.Close(); err != nil {
			return err
		}
		if err := rs.Err(); err != nil {
			return err
		}
		if len(todo) == 0 {
			return nil
		}
		// The values go into a temporary table (of the key's and the
		// column's types) in batches and into the table in one UPDATE: one
		// statement per row took 40 µs each.
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE dcrc_filed AS SELECT `+f.key+` AS k, `+f.col+` AS v FROM `+
			f.table+` WHERE 1 = 0`); err != nil {
			return err
		}
		if _, err := s.insert(ctx, tx, &rows{table: "dcrc_filed", cols: []string{"k", "v"}, n: len(todo),
			row: func(i int, a []any) ([]any, error) { return append(a, todo[i].key, f.value(todo[i].from)), nil }}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+f.table+` SET `+f.col+` = dcrc_filed.v FROM dcrc_filed
			WHERE dcrc_filed.k = `+f.table+`.`+f.key+` AND `+f.table+`.`+f.col+` IS NULL`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DROP TABLE dcrc_filed`); err != nil {
			return err
		}
		filed = len(todo)
		s.log.Info(f.done, f.table, filed)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return filed, nil
}

// Own makes Close close the database too; for the subpackages that open it.
func (s *Store) Own() *Store { s.owned = true; return s }

// DB returns the database, for callers who query it directly.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database if the store opened it.
func (s *Store) Close() error {
	if s.owned {
		return s.db.Close()
	}
	return nil
}

// migrate applies the missing migrations, each in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	const op = "sqlstore.migrate"
	fsys, err := Migrations(s.dialect.Name)
	if err != nil {
		return &retention.Error{Kind: retention.ErrInternal, Op: op, Err: err}
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS dcrc_schema_versions (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return s.wrap(ctx, op, err)
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return &retention.Error{Kind: retention.ErrInternal, Op: op, Err: err}
	}
	slices.Sort(names)
	for _, name := range names {
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return &retention.Error{Kind: retention.ErrInternal, Op: op, Msg: "migration " + name + " has no version number"}
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return &retention.Error{Kind: retention.ErrInternal, Op: op, Err: err}
		}
		err = s.inTx(ctx, op, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM dcrc_schema_versions WHERE version = $1`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO dcrc_schema_versions (version, name, applied_at) VALUES ($1, $2, $3)`,
				version, name, time.Now().UTC().Format(time.RFC3339)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			s.log.Info("dcrc: applied migration", "name", name, "dialect", s.dialect.Name)
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// wrap translates a driver error into a *retention.Error of the right kind,
// keeping it wrapped. When ctx is done, the error wraps ctx.Err() too: a
// driver may report a cancelled query as a broken connection.
func (s *Store) wrap(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w (%w)", cerr, err)
	}
	var re *retention.Error
	if errors.As(err, &re) {
		return err
	}
	kind := retention.ErrInternal
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return &retention.Error{Kind: retention.ErrInternal, Op: op, Msg: "cancelled", Err: err}
	case errors.Is(err, sql.ErrNoRows):
		kind = retention.ErrNotFound
	case s.dialect.Kind != nil:
		if k := s.dialect.Kind(err); k != 0 {
			kind = k
		}
	}
	return &retention.Error{Kind: kind, Op: op, Err: err}
}

// inTx runs fn in a transaction, committing on nil and rolling back
// otherwise; a cancelled ctx rolls back.
func (s *Store) inTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	return s.inLazyTx(ctx, op, func(begin func() (*sql.Tx, error)) error {
		tx, err := begin()
		if err != nil {
			return err
		}
		return fn(tx)
	})
}

// inLazyTx is inTx for work that may have nothing to write, or much to do
// before its first write: the transaction begins when fn first calls begin
// (later calls return the same one), so that no lock is held before then.
// When fn never calls begin, only ctx is checked.
func (s *Store) inLazyTx(ctx context.Context, op string, fn func(begin func() (*sql.Tx, error)) error) error {
	var tx *sql.Tx
	begin := func() (*sql.Tx, error) {
		if tx == nil {
			var err error
			if tx, err = s.db.BeginTx(ctx, nil); err != nil {
				return nil, err
			}
		}
		return tx, nil
	}
	err := fn(begin)
	if err == nil {
		err = ctx.Err()
	}
	if tx == nil {
		return s.wrap(ctx, op, err)
	}
	if err != nil {
		_ = tx.Rollback()
		return s.wrap(ctx, op, err)
	}
	return s.wrap(ctx, op, tx.Commit())
}
