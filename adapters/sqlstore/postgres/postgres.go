// Package postgres opens a dcrc store in a PostgreSQL database through
// github.com/jackc/pgx/v5 (its database/sql driver, "pgx").
package postgres

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/rickb777/date"
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
// format but dates and instants. Those come in the binary format, which
// no session setting changes, and are handed over as the text a session
// in DateStyle ISO and TimeZone UTC would have sent (isoText), so that the
// rows read the same in any DateStyle. Where the DSN's query mode cannot
// ask for the binary format (exec and simple_protocol), a session whose
// DateStyle does not write dates in ISO form is left to database/sql.
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
		mode := execMode(pc.Config())
		described := mode == pgx.QueryExecModeCacheDescribe || mode == pgx.QueryExecModeDescribeExec
		if !described && !strings.HasPrefix(pc.PgConn().ParameterStatus("DateStyle"), "ISO") {
			return errors.ErrUnsupported
		}
		formats := pgx.QueryResultFormatsByOID{pgtype.DateOID: pgx.BinaryFormatCode, pgtype.TimestamptzOID: pgx.BinaryFormatCode}
		rows, err := pc.Query(ctx, query, append([]any{mode, formats}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		// The columns that came in the binary format, and their text.
		var inBinary []int
		fields := rows.FieldDescriptions()
		for i, f := range fields {
			if f.Format == pgx.BinaryFormatCode {
				inBinary = append(inBinary, i)
			}
		}
		cols := make([][]byte, len(fields))
		var text []byte
		for rows.Next() {
			vals := rows.RawValues()
			if len(inBinary) == 0 {
				if err := row(vals); err != nil {
					return err
				}
				continue
			}
			copy(cols, vals)
			text = text[:0]
			for _, i := range inBinary {
				if vals[i] == nil {
					continue
				}
				start := len(text)
				if text, err = isoText(text, fields[i].DataTypeOID, vals[i]); err != nil {
					return fmt.Errorf("postgres: column %s: %w", fields[i].Name, err)
				}
				cols[i] = text[start:len(text):len(text)]
			}
			if err := row(cols); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// The binary format counts dates in days and instants in microseconds
// from 2000-01-01 (00:00 UTC): pgEpochDays days after the Unix epoch's.
const (
	pgEpochDays    = 10957
	pgEpochSeconds = pgEpochDays * 24 * 60 * 60
)

// The days since the Unix epoch of 0001-01-01 and 9999-12-31: the dates
// whose ISO text is YYYY-MM-DD, as retention.AppendDate writes it.
const fourDigitFrom, fourDigitTo = -719162, 2932896

// isoText appends the text of a value of type oid (a DATE or a
// TIMESTAMPTZ) in the binary format, v, as PostgreSQL writes it in
// DateStyle ISO and TimeZone UTC: 2026-11-22 and 2026-11-22 09:30:00.25+00,
// years past 9999 in more digits, years before 1 as 0044-03-15 BC, and
// infinity and -infinity.
func isoText(b []byte, oid uint32, v []byte) ([]byte, error) {
	switch {
	case oid == pgtype.DateOID && len(v) == 4:
		n := int64(int32(binary.BigEndian.Uint32(v)))
		if inf, ok := infinity(n, math.MinInt32, math.MaxInt32); ok {
			return append(b, inf...), nil
		}
		days := n + pgEpochDays
		if days >= fourDigitFrom && days <= fourDigitTo {
			return retention.AppendDate(b, date.NewOfDays(date.PeriodOfDays(days))), nil
		}
		return appendEra(b, time.Unix(days*24*60*60, 0).UTC(), "-01-02"), nil
	case oid == pgtype.TimestamptzOID && len(v) == 8:
		n := int64(binary.BigEndian.Uint64(v))
		if inf, ok := infinity(n, math.MinInt64, math.MaxInt64); ok {
			return append(b, inf...), nil
		}
		day, micros := n/microsPerDay, n%microsPerDay
		if micros < 0 {
			day, micros = day-1, micros+microsPerDay
		}
		if days := day + pgEpochDays; days >= fourDigitFrom && days <= fourDigitTo {
			return appendClock(retention.AppendDate(b, date.NewOfDays(date.PeriodOfDays(days))), micros), nil
		}
		t := time.Unix(n/1e6+pgEpochSeconds, n%1e6*1e3).UTC() // a negative remainder counts back
		return appendEra(b, t, "-01-02 15:04:05.999999-07"), nil
	}
	return b, fmt.Errorf("cannot read %d bytes of type %d as a date or an instant", len(v), oid)
}

// microsPerDay is the count of microseconds in a day.
const microsPerDay = 24 * 60 * 60 * 1e6

// appendClock appends the time of day of an instant in UTC, micros
// microseconds after midnight, as time.Time.AppendFormat writes it in the
// layout " 15:04:05.999999-07" (the fraction's trailing zeros left out,
// its point too when it is zero), in about a quarter of its time
// (BenchmarkISOText): an instant is in each row of the plan's stream of
// contact attempts.
func appendClock(b []byte, micros int64) []byte {
	sec, frac := micros/1e6, micros%1e6
	b = append(b, ' ', byte('0'+sec/36000), byte('0'+sec/3600%10), ':', byte('0'+sec/600%6), byte('0'+sec/60%10), ':',
		byte('0'+sec%60/10), byte('0'+sec%10))
	if frac != 0 {
		var d [6]byte
		for i := len(d) - 1; i >= 0; i-- {
			d[i], frac = byte('0'+frac%10), frac/10
		}
		n := len(d)
		for d[n-1] == '0' {
			n--
		}
		b = append(append(b, '.'), d[:n]...)
	}
	return append(b, "+00"...)
}

// infinity returns the text of -infinity and infinity, which the binary
// format writes as the least and the greatest value of its width.
func infinity(n, least, greatest int64) (string, bool) {
	switch n {
	case least:
		return "-infinity", true
	case greatest:
		return "infinity", true
	}
	return "", false
}

// appendEra appends t as PostgreSQL writes a year outside 1..9999: the
// year in as many digits as it takes, at least four, then the rest of
// layout; a year before 1 as the year before Christ it is (0 is 1 BC),
// with " BC" after the rest.
func appendEra(b []byte, t time.Time, layout string) []byte {
	y, era := t.Year(), ""
	if y < 1 {
		y, era = 1-y, " BC"
	}
	b = fmt.Appendf(b, "%04d", y)
	return append(t.AppendFormat(b, layout), era...)
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
// vehicles (BENCHMARKS-HISTORY.md, round twenty-eight). Planning a stream's
// query takes a few milliseconds.
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
