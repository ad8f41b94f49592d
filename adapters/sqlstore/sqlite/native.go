package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"unsafe"

	"modernc.org/libc"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// textRows is the dialect's TextRows. It reads the query on a connection
// of its own, opened read-only on the database file of conn through
// SQLite's C API (modernc.org/sqlite/lib, the library the driver is built
// on), and hands over each row's columns as SQLite's text of them, without
// copying a text out of SQLite's memory: integers in decimal (so booleans
// as 0 and 1), written into a buffer the reader reuses, and dates,
// instants, decimals and JSON as dcrc stores them, in TEXT. database/sql
// instead converts every column into an interface value through the driver,
// which copies every text and takes its connection's mutex for each column;
// read that way, the histories of a network take about 2.4 times as long.
//
// The connection reads what is committed when its query starts, as a
// pooled connection outside a transaction does. What it cannot read is left
// to database/sql (errors.ErrUnsupported, nothing read), which then runs
// the query or reports its error:
//   - another driver's connection: it has its own copy of SQLite, and two
//     copies in one process must not open the same file, as each releases
//     the other's locks (SQLite's "How To Corrupt An SQLite Database File",
//     §2.2.1);
//   - a database that is not a file named by its absolute path: one in
//     memory, or in a VFS of other names (an fs.FS through
//     modernc.org/sqlite/vfs), where a file of the same name on disk would
//     be another database;
//   - a file that cannot be opened read-only, a query SQLite cannot
//     prepare, an argument of a type other than string, int, int64 or nil.
func textRows(ctx context.Context, conn *sql.Conn, query string, args []any, row func(cols [][]byte) error) error {
	ours := false
	if err := conn.Raw(func(driverConn any) error {
		_, ours = driverConn.(interface { // modernc.org/sqlite's connection
			NewBackup(dstURI string) (*sqlite.Backup, error)
		})
		return nil
	}); err != nil {
		return err
	}
	if !ours {
		return errors.ErrUnsupported
	}
	var path string
	if err := conn.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		return err
	}
	if !filepath.IsAbs(path) { // in memory (""), or a VFS of names, not files (modernc.org/sqlite/vfs)
		return errors.ErrUnsupported
	}
	r, err := openReader(path, query, args)
	if err != nil {
		return errors.ErrUnsupported
	}
	defer r.close()
	return r.read(ctx, row)
}

// reader is a prepared statement on a read-only connection of its own. Its
// TLS (libc's stand-in for a C thread) is used by one goroutine at a time,
// as the connection, opened without SQLite's mutex, requires.
type reader struct {
	tls    *libc.TLS
	db     uintptr   // sqlite3*
	stmt   uintptr   // sqlite3_stmt*
	allocs []uintptr // the bound texts, freed after the statement
	ints   []byte    // the current row's integers in decimal, written by column
}

// openReader opens path read-only and prepares query with args bound.
func openReader(path, query string, args []any) (r *reader, err error) {
	r = &reader{tls: libc.NewTLS()}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	const size = int(unsafe.Sizeof(uintptr(0)))
	out := r.tls.Alloc(size) // the C API's out-parameter
	defer r.tls.Free(size)
	cpath, err := r.cString(path)
	if err != nil {
		return r, err
	}
	rc := sqlite3.Xsqlite3_open_v2(r.tls, cpath, out, sqlite3.SQLITE_OPEN_READONLY|sqlite3.SQLITE_OPEN_NOMUTEX, 0)
	if r.db = *(*uintptr)(at(out)); rc != sqlite3.SQLITE_OK { // a handle may come with the error
		return r, r.err(rc)
	}
	sqlite3.Xsqlite3_busy_timeout(r.tls, r.db, busyTimeoutMillis)
	cquery, err := r.cString(query)
	if err != nil {
		return r, err
	}
	if rc := sqlite3.Xsqlite3_prepare_v2(r.tls, r.db, cquery, -1, out, 0); rc != sqlite3.SQLITE_OK {
		return r, r.err(rc)
	}
	if r.stmt = *(*uintptr)(at(out)); r.stmt == 0 {
		return r, errors.New("sqlite: no statement in the query")
	}
	return r, r.bind(args)
}

// at returns the address p, which the C API handed out or libc allocated,
// as a pointer. The memory is libc's, outside Go's heap, so that the
// collector neither moves nor frees it.
func at(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// cString returns s in C memory, freed with the reader.
func (r *reader) cString(s string) (uintptr, error) {
	p, err := libc.CString(s)
	if err == nil {
		r.allocs = append(r.allocs, p)
	}
	return p, err
}

// bind binds args to the statement's parameters: $N (or ?N) is args[N-1],
// as the driver binds them, and a bare ? the next one.
func (r *reader) bind(args []any) error {
	n := int(sqlite3.Xsqlite3_bind_parameter_count(r.tls, r.stmt))
	for i := 1; i <= n; i++ {
		k := i
		if name := libc.GoString(sqlite3.Xsqlite3_bind_parameter_name(r.tls, r.stmt, int32(i))); name != "" {
			var err error
			if k, err = strconv.Atoi(name[1:]); err != nil {
				return fmt.Errorf("sqlite: parameter %s is not numbered", name)
			}
		}
		if k < 1 || k > len(args) {
			return fmt.Errorf("sqlite: parameter %d of %d arguments", k, len(args))
		}
		var rc int32
		switch v := args[k-1].(type) {
		case nil:
			rc = sqlite3.Xsqlite3_bind_null(r.tls, r.stmt, int32(i))
		case int:
			rc = sqlite3.Xsqlite3_bind_int64(r.tls, r.stmt, int32(i), int64(v))
		case int64:
			rc = sqlite3.Xsqlite3_bind_int64(r.tls, r.stmt, int32(i), v)
		case string:
			p, err := r.cString(v)
			if err != nil {
				return err
			}
			rc = sqlite3.Xsqlite3_bind_text(r.tls, r.stmt, int32(i), p, int32(len(v)), 0) // SQLITE_STATIC: p outlives the statement
		default:
			return fmt.Errorf("sqlite: cannot bind %T natively", v)
		}
		if rc != sqlite3.SQLITE_OK {
			return r.err(rc)
		}
	}
	return nil
}

// read steps through the rows, handing each to row, until the last, an
// error, or the first error from row. Cancelling ctx interrupts the
// statement, even before its first row.
func (r *reader) read(ctx context.Context, row func(cols [][]byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var mu sync.Mutex // held while interrupting, so that r.db is not closed under it
	open := true
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		if open {
			tls := libc.NewTLS() // r.tls is the reading goroutine's
			sqlite3.Xsqlite3_interrupt(tls, r.db)
			tls.Close()
		}
	})
	defer func() {
		stop()
		mu.Lock()
		open = false
		mu.Unlock()
	}()
	cols := make([][]byte, sqlite3.Xsqlite3_column_count(r.tls, r.stmt))
	r.ints = make([]byte, 0, len(cols)*maxIntText)
	for {
		switch rc := sqlite3.Xsqlite3_step(r.tls, r.stmt); rc {
		case sqlite3.SQLITE_ROW:
			r.ints = r.ints[:0]
			for i := range cols {
				var ok bool
				if cols[i], ok = r.column(int32(i)); !ok {
					return r.err(sqlite3.SQLITE_NOMEM)
				}
			}
			if err := row(cols); err != nil {
				return err
			}
		case sqlite3.SQLITE_DONE:
			return nil
		default:
			if err := ctx.Err(); err != nil {
				return err
			}
			return r.err(rc)
		}
	}
}

// maxIntText is the length of the longest int64 in decimal.
const maxIntText = len("-9223372036854775808")

// column returns column i of the current row as text, valid until the next
// step; nil for NULL. An integer is written in decimal into r.ints, which
// has room for every column's; any other value is SQLite's text of it, in
// SQLite's memory. It reports false when SQLite ran out of memory
// converting the value.
//
// The column's value is taken once (sqlite3_column_value) and read as a
// value: each sqlite3_column_* call takes the statement's mutex and checks
// its state, and SQLite would write an integer out as text into memory it
// allocates for it. The value is unprotected, which only matters to a
// connection shared by threads; this one is used by one goroutine at a time.
func (r *reader) column(i int32) ([]byte, bool) {
	v := sqlite3.Xsqlite3_column_value(r.tls, r.stmt, i)
	switch sqlite3.Xsqlite3_value_type(r.tls, v) {
	case sqlite3.SQLITE_NULL:
		return nil, true
	case sqlite3.SQLITE_INTEGER:
		start := len(r.ints)
		r.ints = strconv.AppendInt(r.ints, sqlite3.Xsqlite3_value_int64(r.tls, v), 10) // never grows: a row's integers fit
		return r.ints[start:], true
	}
	p := sqlite3.Xsqlite3_value_text(r.tls, v) // before its length: it may convert the value
	if p == 0 {                                // not NULL: out of memory
		return nil, false
	}
	return unsafe.Slice((*byte)(at(p)), sqlite3.Xsqlite3_value_bytes(r.tls, v)), true
}

// err describes the result code rc with the connection's message.
func (r *reader) err(rc int32) error {
	msg := libc.GoString(sqlite3.Xsqlite3_errstr(r.tls, rc))
	if r.db != 0 {
		msg = libc.GoString(sqlite3.Xsqlite3_errmsg(r.tls, r.db))
	}
	return fmt.Errorf("sqlite: %s (%d)", msg, rc)
}

// close finalizes the statement, closes the connection and frees the C
// memory and the TLS.
func (r *reader) close() {
	if r.stmt != 0 {
		sqlite3.Xsqlite3_finalize(r.tls, r.stmt)
	}
	if r.db != 0 {
		sqlite3.Xsqlite3_close_v2(r.tls, r.db)
	}
	for _, p := range r.allocs {
		libc.Xfree(r.tls, p)
	}
	r.tls.Close()
}
