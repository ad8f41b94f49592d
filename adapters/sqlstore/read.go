package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/dcrc-go/dcrc/internal/ahead"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// stream runs a query and yields one value per row (or per group of rows:
// scan may return false to say "not complete yet"), stopping at the first
// error. Rows are closed when the caller stops early.
func stream[T any](ctx context.Context, s *Store, op, query string, args []any,
	scan func(rs *sql.Rows) (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		rs, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			yield(zero, s.wrap(ctx, op, err))
			return
		}
		defer rs.Close()
		for rs.Next() {
			v, err := scan(rs)
			if err != nil {
				yield(zero, s.wrap(ctx, op, err))
				return
			}
			if !yield(v, nil) {
				return
			}
		}
		if err := rs.Err(); err != nil {
			yield(zero, s.wrap(ctx, op, err))
		}
	}
}

// textStream is stream for a dialect with TextRows: the rows are read
// natively and scanned from their text (scan, which gets exactly width
// columns: a row of another width is an error), or, when TextRows cannot
// read them, through database/sql by sqlScan.
//
// The rows are read on a goroutine of their own and copied out of the
// database's memory in batches (textBatches, ahead.Read), and scanned on
// the caller's: the database's work and the decoding of its rows run on
// two cores (BENCHMARKS-HISTORY.md, round twenty-six).
func textStream[T any](ctx context.Context, s *Store, op, query string, args []any, width int,
	scan func(cols [][]byte) (T, error), sqlScan func(rs *sql.Rows) (T, error)) iter.Seq2[T, error] {
	if s.dialect.TextRows == nil {
		return stream(ctx, s, op, query, args, sqlScan)
	}
	return func(yield func(T, error) bool) {
		var zero T
		cols := make([][]byte, width)
		// The batches scanned go back to be filled again; free holds all
		// there can be.
		free := make(chan *rowBatch, batchesAhead+3)
		for b, err := range ahead.Read(s.textBatches(ctx, query, args, width, free), 1, batchesAhead) {
			if errors.Is(err, errors.ErrUnsupported) {
				stream(ctx, s, op, query, args, sqlScan)(yield)
				return
			}
			if err != nil {
				yield(zero, s.wrap(ctx, op, err))
				return
			}
			for i := range b.rows {
				b.row(i, cols)
				v, err := scan(cols)
				if err != nil {
					yield(zero, s.wrap(ctx, op, err))
					return
				}
				if !yield(v, nil) {
					return
				}
			}
			b.reset()
			select {
			case free <- b:
			default: // never full; were it, the batch would be the collector's
			}
		}
	}
}

// batchRows and batchesAhead bound what a stream's native read holds:
// batches of batchRows rows, at most batchesAhead+3 of them (the one being
// filled, and ahead.Read's batchesAhead+2).
const batchRows, batchesAhead = 256, 4

// rowBatch holds rows copied out of the database's memory: each row's
// columns end to end in text, and in ends where each column ends in it,
// bit-flipped (^end, negative) for NULL.
type rowBatch struct {
	text  []byte
	ends  []int
	width int
	rows  int
}

// newRowBatch returns an empty batch for batchRows rows of width columns,
// with room for size bytes of their text. Its text is not nil even when
// empty, so that an empty text read from it is not NULL.
func newRowBatch(width, size int) *rowBatch {
	return &rowBatch{text: make([]byte, 0, size), ends: make([]int, 0, width*batchRows), width: width}
}

// reset empties b, keeping its memory.
func (b *rowBatch) reset() { b.text, b.ends, b.rows = b.text[:0], b.ends[:0], 0 }

// add appends a row.
func (b *rowBatch) add(cols [][]byte) {
	for _, c := range cols {
		b.text = append(b.text, c...)
		if c == nil {
			b.ends = append(b.ends, ^len(b.text))
		} else {
			b.ends = append(b.ends, len(b.text))
		}
	}
	b.rows++
}

// row sets cols to the columns of row i, slices of b's text (nil for
// NULL, empty for an empty text).
func (b *rowBatch) row(i int, cols [][]byte) {
	start := 0
	if i > 0 {
		start = b.ends[i*b.width-1]
		if start < 0 {
			start = ^start
		}
	}
	for j, e := range b.ends[i*b.width : (i+1)*b.width] {
		if e < 0 {
			cols[j], start = nil, ^e
			continue
		}
		cols[j], start = b.text[start:e:e], e
	}
}

// textBatches reads query natively (Dialect.TextRows) on a connection of
// its own, closed before it yields its last batch or its error, and
// yields its rows in batches of batchRows (the last one shorter), copied,
// then TextRows' error, if any: errors.ErrUnsupported when nothing was
// read and the query is left to database/sql.
func (s *Store) textBatches(ctx context.Context, query string, args []any, width int, free <-chan *rowBatch) iter.Seq2[*rowBatch, error] {
	return func(yield func(*rowBatch, error) bool) {
		conn, err := s.db.Conn(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		b := newRowBatch(width, 0)
		err = s.dialect.TextRows(ctx, conn, query, args, func(cols [][]byte) error {
			if len(cols) != width {
				return fmt.Errorf("sqlstore: %d columns in a row, want %d", len(cols), width)
			}
			if b.add(cols); b.rows == batchRows {
				size := len(b.text) // b is the consumer's once yielded
				if !yield(b, nil) {
					return errStopped
				}
				select {
				case b = <-free:
				default:
					b = newRowBatch(width, size)
				}
			}
			return nil
		})
		conn.Close()
		if errors.Is(err, errStopped) {
			return
		}
		if b.rows > 0 && !yield(b, nil) {
			return
		}
		if err != nil {
			yield(nil, err)
		}
	}
}

// errStopped ends a TextRows read whose consumer has stopped.
var errStopped = errors.New("sqlstore: stopped")

// all collects a stream.
func all[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Dealers returns every dealer, by id.
func (s *Store) Dealers(ctx context.Context) ([]retention.Dealer, error) {
	return all(stream(ctx, s, "sqlstore.Dealers", `SELECT id, name, region FROM dealers ORDER BY id`, nil,
		func(rs *sql.Rows) (retention.Dealer, error) {
			var x retention.Dealer
			return x, rs.Scan(&x.ID, &x.Name, &x.Region)
		}))
}

// Models returns every model, by id.
func (s *Store) Models(ctx context.Context) ([]retention.Model, error) {
	return all(stream(ctx, s, "sqlstore.Models", `SELECT id, series, kind, service_interval_km, service_interval_months,
		warranty_months, warranty_km, long_first_service, default_daily_km FROM models ORDER BY id`, nil,
		func(rs *sql.Rows) (retention.Model, error) {
			var x retention.Model
			return x, rs.Scan(&x.ID, &x.Series, enumCol{&x.Kind}, &x.ServiceIntervalKm, &x.ServiceIntervalMonths,
				&x.WarrantyMonths, &x.WarrantyKm, &x.LongFirstService, &x.DefaultDailyKm)
		}))
}

const customerCols = `id, name, phone, birthday, kind, vip, region, do_not_contact, referrals, allow_service_followups`

func scanCustomer(rs interface{ Scan(...any) error }) (retention.Customer, error) {
	var x retention.Customer
	var birthday dateCol
	err := rs.Scan(&x.ID, &x.Name, &x.Phone, &birthday, enumCol{&x.Kind}, &x.VIP, &x.Region, &x.DoNotContact,
		&x.Referrals, &x.AllowServiceFollowups)
	x.Birthday = birthday.ptr()
	return x, err
}

// Customer returns one customer, or ErrNotFound.
func (s *Store) Customer(ctx context.Context, id string) (retention.Customer, error) {
	const op = "sqlstore.Customer"
	c, err := scanCustomer(s.db.QueryRowContext(ctx, `SELECT `+customerCols+` FROM customers WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return c, &retention.Error{Kind: retention.ErrNotFound, Op: op, Record: retention.RecordName("customers", id, 0),
			Msg: "no such customer", Err: err}
	}
	return c, s.wrap(ctx, op, err)
}

// Customers streams every customer, by id.
func (s *Store) Customers(ctx context.Context) iter.Seq2[retention.Customer, error] {
	return s.customers(ctx, "sqlstore.Customers", retention.HistoryFilter{})
}

// CustomersIn streams, by id, the customers of f's partition
// (retention.PartitionedCustomers), selected in the database by the hash
// each customer's row keeps (migration 0004; FileCustomers).
func (s *Store) CustomersIn(ctx context.Context, f retention.HistoryFilter) iter.Seq2[retention.Customer, error] {
	return s.customers(ctx, "sqlstore.CustomersIn", f)
}

// customers streams, by id, the customers of f's partition, all of them
// for none: Customers and CustomersIn, under op.
func (s *Store) customers(ctx context.Context, op string, f retention.HistoryFilter) iter.Seq2[retention.Customer, error] {
	var args []any
	q := `SELECT ` + customerCols + ` FROM customers u` + partitionCond("WHERE", "u", f, &args) + ` ORDER BY id`
	return func(yield func(retention.Customer, error) bool) {
		var names interner // per iteration, like the stream's rows
		textStream(ctx, s, op, q, args, 10,
			func(cols [][]byte) (retention.Customer, error) { return scanCustomerText(cols, &names) },
			func(rs *sql.Rows) (retention.Customer, error) { return scanCustomer(rs) })(yield)
	}
}

// scanCustomerText reads a customer's row (customerCols) in the text
// format (Dialect.TextRows).
func scanCustomerText(cols [][]byte, names *interner) (retention.Customer, error) {
	x := retention.Customer{ID: string(cols[0]), Name: string(cols[1]), Phone: string(cols[2]), VIP: isTrue(cols[5]),
		Region: names.of(cols[6]), DoNotContact: isTrue(cols[7]), AllowServiceFollowups: isTrue(cols[9])}
	var birthday dateCol
	referrals, err := intOf(cols[8])
	if err := firstField(field{"birthday", birthday.text(cols[3])}, field{"kind", x.Kind.UnmarshalText(cols[4])},
		field{"referrals", err}); err != nil {
		return x, unreadable("customers", x.ID, err.name, err.err)
	}
	x.Birthday, x.Referrals = birthday.ptr(), int(referrals)
	return x, nil
}

// historyQuery reads the vehicles and their visits as two kinds of rows in
// one stream, by customer, VIN, kind (the vehicle's row first), visit date
// and id: a vehicle's columns come once, not with each of its visits. The
// two arms share the columns of one type; %[1]s and %[2]s are the WHERE
// clauses of the vehicles and of their visits, %[3]s the vehicles' row id
// (Dialect.RowID) or NULL, the last column, which the scan skips. CROSS
// JOIN makes SQLite read the visits of each vehicle from visits_by_vehicle
// in the order asked for; with the row id among the sort keys (and the
// VIN taken from the vehicle on both arms) it sorts nothing: both arms
// come in index order and are merged.
const historyQuery = `SELECT 0, v.customer, v.vin, v.model, v.dealer, v.delivered_on, v.insurance_expires_on,
	v.delivery_odometer_km, v.sales_consultant, v.purchase, v.price, v.inspection_due_on, v.scrapped, NULL, NULL, %[3]s
FROM vehicles v%[1]s
UNION ALL
SELECT 1, v.customer, v.vin, i.id, i.dealer, i.opened_on, i.closed_on, i.odometer_km, i.kind, i.advisor, i.amount,
	NULL, NULL, i.technician, i.complaint_codes, %[3]s
FROM vehicles v CROSS JOIN visits i WHERE i.vin = v.vin%[2]s
ORDER BY 2, 3, 16, 1, 6, 4`

// lateralHistoryQuery is historyQuery with the vehicle's row and its
// visits' in a LATERAL subquery per vehicle (Dialect.LateralHistories):
// the same columns (the last one NULL) and rows, by customer and VIN, but
// a vehicle's rows in any order among themselves (historiesOf orders
// them). %[1]s is the WHERE clause that selects the vehicles, %[2]s the
// conditions on their visits.
//
// A partition's range is tested on the vehicles' scan, where PostgreSQL
// estimates it from its statistics: for a few partitions it walks
// vehicles_by_customer and filters; for many, it reads its share of the
// vehicles (from an index on part, if there is one) and sorts only those.
const lateralHistoryQuery = `SELECT x.kind, v.customer, v.vin, x.id, x.dealer, x.on1, x.on2, x.km, x.text1, x.text2, x.amount,
	x.on3, x.scrapped, x.text3, x.text4, NULL
FROM vehicles v CROSS JOIN LATERAL (
	SELECT 0 AS kind, v.model AS id, v.dealer, v.delivered_on AS on1, v.insurance_expires_on AS on2,
		v.delivery_odometer_km AS km, v.sales_consultant AS text1, v.purchase AS text2, v.price AS amount,
		v.inspection_due_on AS on3, v.scrapped, NULL::text AS text3, NULL::text AS text4
	UNION ALL
	SELECT 1, i.id, i.dealer, i.opened_on, i.closed_on, i.odometer_km, i.kind, i.advisor, i.amount, NULL, NULL,
		i.technician, i.complaint_codes
	FROM visits i WHERE i.vin = v.vin%[2]s
) x%[1]s
ORDER BY 2, 3`

// partitionCond returns the condition, prefixed by " "+prefix, that
// selects f's partition of the vehicles or customers (the table named
// table in the query, whose column part holds the customer's hash),
// appending its parameters to args, or "" for all: the range of customer
// hashes retention.PartitionRange gives, which the database can estimate
// from its statistics and read from an index or a shard.
func partitionCond(prefix, table string, f retention.HistoryFilter, args *[]any) string {
	if f.Partitions <= 1 {
		return ""
	}
	lo, hi := retention.PartitionRange(f.Partition, f.Partitions)
	*args = append(*args, lo, hi)
	return fmt.Sprintf(` %[1]s %[2]s.part >= $%[3]d AND %[2]s.part < $%[4]d`, prefix, table, len(*args)-1, len(*args))
}

// HistoryQuery returns the SQL and the arguments that Histories runs for
// f, for tools that EXPLAIN it or measure reading it bare (examples/bench
// does). Its rows come by customer and VIN; a vehicle's rows among
// themselves may not be in order (Dialect.LateralHistories), which
// Histories sees to. The query's text, columns and order are not part of
// the compatibility promise.
func (s *Store) HistoryQuery(f retention.HistoryFilter) (query string, args []any) {
	lateral := s.dialect.LateralHistories
	vehicles := partitionCond("WHERE", "v", f, &args)
	var visits string
	if !lateral { // in the LATERAL form the vehicles' condition holds for their visits
		visits = partitionCond("AND", "v", f, &args)
	}
	if f.VisitsAfter != nil {
		args = append(args, dateArg(*f.VisitsAfter))
		visits += fmt.Sprintf(` AND i.opened_on > $%d`, len(args))
	}
	if lateral {
		return fmt.Sprintf(lateralHistoryQuery, vehicles, visits), args
	}
	rowID := "NULL"
	if s.dialect.RowID != "" {
		rowID = "v." + s.dialect.RowID
	}
	return fmt.Sprintf(historyQuery, vehicles, visits, rowID), args
}

// Histories streams the vehicles with their visits, by customer then VIN,
// in one query (HistoryQuery); only one vehicle's rows are in memory at a
// time.
func (s *Store) Histories(ctx context.Context, f retention.HistoryFilter) iter.Seq2[retention.VehicleHistory, error] {
	const op = "sqlstore.Histories"
	q, args := s.HistoryQuery(f)
	return func(yield func(retention.VehicleHistory, error) bool) {
		hs := newHistoryScan() // per iteration: two ranges of the stream share nothing
		rows := textStream(ctx, s, op, q, args, len(hs.dest), hs.scanText, hs.scan)
		for h, err := range historiesOf(rows) {
			if err != nil {
				yield(h, s.wrap(ctx, op, err))
				return
			}
			if !yield(h, nil) {
				return
			}
		}
	}
}

// historiesOf groups the rows of the history query into histories: the
// rows of a vehicle are consecutive, in any order among themselves. The
// UNION ALL form hands them over in order already (the vehicle's row, then
// its visits by CompareVisits); the LATERAL form is ordered by customer
// and VIN only, because PostgreSQL's sort of each vehicle's rows took
// about two fifths of the server's time on the query (BENCHMARKS-HISTORY.md,
// round twenty-five), so the visits are put in order here
// (retention.SortVisits).
func historiesOf(rows iter.Seq2[historyRow, error]) iter.Seq2[retention.VehicleHistory, error] {
	var buf []retention.Visit // the current vehicle's, until it is yielded
	return runs(rows, func(r *historyRow) string { return r.vin },
		func(cur *retention.VehicleHistory, r *historyRow, first bool) error {
			if first {
				*cur = retention.VehicleHistory{Visits: buf[:0]}
			}
			if r.vehicle != nil {
				cur.Vehicle = *r.vehicle
			} else {
				cur.Visits = append(cur.Visits, r.visit)
			}
			return nil
		}, func(cur *retention.VehicleHistory) error {
			buf = cur.Visits
			if cur.Vehicle.VIN == "" { // cannot happen: the query joins each visit to its vehicle
				return unreadable("visits", cur.Visits[0].ID, "vin", errors.New("a visit without its vehicle"))
			}
			retention.SortVisits(cur.Visits)
			cur.Visits = exact(cur.Visits)
			return nil
		})
}

// runs groups a stream of rows into runs of consecutive rows with the same
// key, folding each run into a G with add (first is true for its first
// row), and yields each G as soon as its run ends: only one run is in
// memory at a time. An error from the rows or from add ends the stream.
// Before each G is yielded, done (when not nil) finishes it; its error
// ends the stream.
func runs[R, G any](rows iter.Seq2[R, error], key func(*R) string, add func(g *G, r *R, first bool) error,
	done func(g *G) error) iter.Seq2[G, error] {
	return func(yield func(G, error) bool) {
		var cur G
		var curKey string
		have := false
		emit := func() bool {
			if done != nil {
				if err := done(&cur); err != nil {
					var zero G
					yield(zero, err)
					return false
				}
			}
			return yield(cur, nil)
		}
		for r, err := range rows {
			if err == nil && have && key(&r) != curKey {
				if !emit() {
					return
				}
				have = false
			}
			if err == nil {
				err = add(&cur, &r, !have)
			}
			if err != nil {
				var zero G
				yield(zero, err)
				return
			}
			if !have {
				curKey, have = key(&r), true
			}
		}
		if have {
			emit()
		}
	}
}

// exact returns a copy of s that holds no more than its elements (nil for
// none), so that s's array can take the next run: appending each run to a
// fresh slice would grow it several times over.
func exact[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// StatusFacts streams the status facts under w of the vehicles selected by
// f, by VIN (retention.StatusReader), in one aggregate query: no repair
// order leaves the database. Dialect.SeekFacts chooses between seeking each
// vehicle's visits in the index and grouping them.
func (s *Store) StatusFacts(ctx context.Context, f retention.HistoryFilter, w retention.StatusWindows) iter.Seq2[retention.StatusFacts, error] {
	return s.statusFacts(ctx, "sqlstore.StatusFacts", w, func(args *[]any) (vehicles, visits string, bounded bool) {
		return partitionCond("WHERE", "v", f, args), "", f.Partitions <= 1
	})
}

// StatusFactsIn streams the status facts under w of the vehicles whose VIN
// lies in r, by VIN (retention.StatusRangeReader), as StatusFacts does. In
// the grouped form the range bounds the visits too, so that the database
// reads only the range's part of their index by vehicle.
func (s *Store) StatusFactsIn(ctx context.Context, r retention.VINRange, w retention.StatusWindows) iter.Seq2[retention.StatusFacts, error] {
	return s.statusFacts(ctx, "sqlstore.StatusFactsIn", w, func(args *[]any) (vehicles, visits string, bounded bool) {
		var conds []string // on the vehicles' VIN
		for _, b := range []struct{ op, vin string }{{">=", r.From}, {"<", r.Before}} {
			if b.vin != "" {
				*args = append(*args, b.vin)
				conds = append(conds, fmt.Sprintf("vin %s $%d", b.op, len(*args)))
			}
		}
		if len(conds) == 0 {
			return "", "", true
		}
		return " WHERE v." + strings.Join(conds, " AND v."), " AND i." + strings.Join(conds, " AND i."), true
	})
}

// statusFacts runs the status facts' query with the conditions cond
// returns, after appending their parameters to args: vehicles, prefixed by
// " WHERE", on the vehicles v, and visits, prefixed by " AND", on the
// visits i. bounded reports whether visits selects the visits of the
// selected vehicles and no others (all of them, or a range of VINs); no
// condition can for a partition of the customers, as the visits carry no
// customer. The seeks of Dialect.SeekFacts need no condition on the visits.
//
// Where the visits are bounded, the grouped form aggregates them by VIN
// before it joins them to the vehicles: the join then matches a row per
// vehicle instead of one per visit, and PostgreSQL can aggregate the index
// in parallel workers. Grouping the joined rows instead, as a partition of
// the customers does so that only its own visits are aggregated, took two
// fifths longer on PostgreSQL at 1,000,000 vehicles (BENCHMARKS-HISTORY.md,
// round twenty-eight).
func (s *Store) statusFacts(ctx context.Context, op string, w retention.StatusWindows,
	cond func(args *[]any) (vehicles, visits string, bounded bool)) iter.Seq2[retention.StatusFacts, error] {
	args := []any{dateArg(w.AsOf), dateArg(w.VisitFrom), dateArg(w.EffectiveFrom)}
	var dealer string
	if w.Dealer != "" {
		args = append(args, w.Dealer)
		dealer = ` AND i.dealer = $4`
	}
	where, visits, bounded := cond(&args)
	var q string
	switch {
	case s.dialect.SeekFacts:
		counted := `i.vin = v.vin AND i.opened_on <= $1` + dealer
		q = `SELECT v.vin, v.customer, v.delivered_on, v.scrapped,
	(SELECT MAX(i.opened_on) FROM visits i WHERE ` + counted + `),
	(SELECT COUNT(*) FROM visits i WHERE ` + counted + ` AND i.opened_on > $2),
	(SELECT COUNT(*) FROM visits i WHERE ` + counted + ` AND i.opened_on > $3)
FROM vehicles v` + where + ` ORDER BY v.vin`
	case !bounded:
		q = `SELECT v.vin, v.customer, v.delivered_on, v.scrapped, MAX(i.opened_on),
	COUNT(CASE WHEN i.opened_on > $2 THEN 1 END), COUNT(CASE WHEN i.opened_on > $3 THEN 1 END)
FROM vehicles v LEFT JOIN visits i ON i.vin = v.vin AND i.opened_on <= $1` + dealer + where + `
GROUP BY v.vin ORDER BY v.vin`
	default:
		// The day bounds each aggregate rather than the rows grouped, so
		// that PostgreSQL's plan for any arguments (a prepared statement's,
		// from its sixth run) need not guess how many visits the day keeps:
		// with the day in the WHERE clause that plan hashed the visits and
		// sorted the groups, twice as slow as the plan for the day's
		// arguments (BENCHMARKS-HISTORY.md, round twenty-eight). Now it is
		// that plan.
		q = `SELECT v.vin, v.customer, v.delivered_on, v.scrapped, a.last, COALESCE(a.in_window, 0), COALESCE(a.in_effective, 0)
FROM vehicles v LEFT JOIN (SELECT i.vin, MAX(CASE WHEN i.opened_on <= $1 THEN i.opened_on END) AS last,
		COUNT(CASE WHEN i.opened_on > $2 AND i.opened_on <= $1 THEN 1 END) AS in_window,
		COUNT(CASE WHEN i.opened_on > $3 AND i.opened_on <= $1 THEN 1 END) AS in_effective
	FROM visits i WHERE TRUE` + dealer + visits + ` GROUP BY i.vin) a ON a.vin = v.vin` + where + `
ORDER BY v.vin`
	}
	return textStream(ctx, s, op, q, args, 7, func(cols [][]byte) (retention.StatusFacts, error) {
		x := retention.StatusFacts{VIN: string(cols[0]), Customer: string(cols[1]), Scrapped: isTrue(cols[3])}
		var delivered, last dateCol
		inWindow, errWindow := intOf(cols[5])
		inEffective, errEffective := intOf(cols[6])
		if err := firstField(field{"deliveredOn", delivered.text(cols[2])}, field{"lastVisit", last.text(cols[4])},
			field{"visitsInWindow", errWindow}, field{"visitsInEffective", errEffective}); err != nil {
			return x, unreadable("vehicles", x.VIN, err.name, err.err)
		}
		x.DeliveredOn, x.LastVisit, x.InWindow, x.InEffective = delivered.D, last.ptr(), int(inWindow), int(inEffective)
		return x, nil
	}, func(rs *sql.Rows) (retention.StatusFacts, error) {
		var x retention.StatusFacts
		var delivered, last dateCol
		err := rs.Scan(&x.VIN, &x.Customer, &delivered, &x.Scrapped, &last, &x.InWindow, &x.InEffective)
		x.DeliveredOn, x.LastVisit = delivered.D, last.ptr()
		return x, err
	})
}

// SplitVINs returns where to split the stored vehicles into at most n
// ranges of about equal count (retention.StatusRangeReader): it counts the
// vehicles, then seeks each split in the primary key from the one before
// it (retention.SplitPositions), so that it reads the key once at most.
// Vehicles imported meanwhile leave the ranges a little less equal, never
// a vehicle out of them.
func (s *Store) SplitVINs(ctx context.Context, n int) ([]string, error) {
	const op = "sqlstore.SplitVINs"
	if n <= 1 {
		return nil, s.wrap(ctx, op, ctx.Err())
	}
	var count int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM vehicles`).Scan(&count); err != nil {
		return nil, s.wrap(ctx, op, err)
	}
	var splits []string
	last, at := "", 0
	for _, i := range retention.SplitPositions(count, n) {
		err := s.db.QueryRowContext(ctx, `SELECT vin FROM vehicles WHERE vin >= $1 ORDER BY vin LIMIT 1 OFFSET $2`,
			last, i-at).Scan(&last)
		if err == sql.ErrNoRows { // vehicles deleted meanwhile: fewer ranges
			break
		}
		if err != nil {
			return nil, s.wrap(ctx, op, err)
		}
		splits, at = append(splits, last), i
	}
	return splits, nil
}

// historyRow is one row of the history query: a vehicle, or one of its
// visits.
type historyRow struct {
	vin     string
	vehicle *retention.Vehicle // nil on a visit's row
	visit   retention.Visit
}

// historyScan holds the scan targets of the history query, allocated once
// per stream rather than once per row: most of a row's conversions would
// otherwise allocate. The columns that the two kinds of row share are
// named by their vehicle and visit meanings.
type historyScan struct {
	kind                             int64 // 0 for a vehicle's row, 1 for a visit's
	customer, vin, modelID, dealer   string
	deliveredOpened, insuranceClosed dateCol
	odometer                         int64
	consultantKind, purchaseAdvisor  string
	priceAmount                      sql.RawBytes // NUMERIC, converted at once (decimalOf)
	inspection                       dateCol
	scrapped                         sql.NullBool
	technician                       sql.NullString
	codes                            sql.RawBytes // JSON (codesOf)
	rowID                            sql.RawBytes // the sort's tie-break, not read
	dest                             []any
	names                            interner // for scanText
}

func newHistoryScan() *historyScan {
	h := &historyScan{}
	h.dest = []any{&h.kind, &h.customer, &h.vin, &h.modelID, &h.dealer, &h.deliveredOpened, &h.insuranceClosed,
		&h.odometer, &h.consultantKind, &h.purchaseAdvisor, &h.priceAmount, &h.inspection, &h.scrapped,
		&h.technician, &h.codes, &h.rowID}
	return h
}

// scan reads a row through database/sql.
func (h *historyScan) scan(rs *sql.Rows) (historyRow, error) {
	if err := rs.Scan(h.dest...); err != nil {
		return historyRow{}, err
	}
	return h.build()
}

// scanText reads a row whose columns come in the text format (nil for
// NULL, dates as ISO: Dialect.TextRows). The strings that repeat from
// row to row (a vehicle's customer and VIN on each of its visits, dealers,
// advisors, technicians, enumerations) are kept once, not copied per row.
func (h *historyScan) scanText(cols [][]byte) (historyRow, error) {
	kind, err := intOf(cols[0])
	if err != nil {
		return historyRow{}, unreadable("vehicles", string(cols[2]), "history row kind", err)
	}
	h.kind, h.customer, h.vin = kind, reuse(h.customer, cols[1]), reuse(h.vin, cols[2])
	collection, id := "vehicles", h.vin
	if kind == 0 {
		h.modelID = h.names.of(cols[3])
	} else {
		h.modelID = string(cols[3]) // a visit's id: one per row
		collection, id = "visits", h.modelID
	}
	h.dealer, h.consultantKind, h.purchaseAdvisor = h.names.of(cols[4]), h.names.of(cols[8]), h.names.of(cols[9])
	odometer, err := intOf(cols[7])
	if err := firstField(field{fieldOf(kind, "deliveredOn", "openedOn"), h.deliveredOpened.text(cols[5])},
		field{fieldOf(kind, "insuranceExpiresOn", "closedOn"), h.insuranceClosed.text(cols[6])},
		field{"inspectionDueOn", h.inspection.text(cols[11])},
		field{fieldOf(kind, "deliveryOdometerKm", "odometerKm"), err}); err != nil {
		return historyRow{}, unreadable(collection, id, err.name, err.err)
	}
	h.odometer = odometer
	h.priceAmount = cols[10]
	h.scrapped = sql.NullBool{Bool: isTrue(cols[12]), Valid: cols[12] != nil}
	h.technician = sql.NullString{String: h.names.of(cols[13]), Valid: cols[13] != nil}
	h.codes = cols[14]
	return h.build()
}

// fieldOf names a column of the history query by the kind of its row.
func fieldOf(kind int64, vehicle, visit string) string {
	if kind == 0 {
		return vehicle
	}
	return visit
}

// reuse returns prev when b spells it, else b as a new string: a vehicle's
// customer and VIN come again on each of its visits' rows.
func reuse(prev string, b []byte) string {
	if string(b) == prev {
		return prev
	}
	return string(b)
}

// build converts the row scanned into h.
func (h *historyScan) build() (historyRow, error) {
	r := historyRow{vin: h.vin}
	if h.kind == 0 {
		v := &retention.Vehicle{VIN: h.vin, Customer: h.customer, Model: h.modelID, Dealer: h.dealer,
			DeliveredOn: h.deliveredOpened.D, DeliveryOdometerKm: int(h.odometer), SalesConsultant: h.consultantKind,
			Scrapped: h.scrapped.Bool, InsuranceExpiresOn: h.insuranceClosed.ptr(), InspectionDueOn: h.inspection.ptr()}
		var err error
		if v.Price, err = decimalOf(h.priceAmount); err != nil {
			return r, unreadable("vehicles", v.VIN, "price", err)
		}
		if err := v.Purchase.UnmarshalText([]byte(h.purchaseAdvisor)); err != nil {
			return r, unreadable("vehicles", v.VIN, "purchase", err)
		}
		r.vehicle = v
		return r, nil
	}
	vi := &r.visit
	vi.ID, vi.VIN, vi.Dealer, vi.OpenedOn, vi.ClosedOn = h.modelID, h.vin, h.dealer, h.deliveredOpened.D, h.insuranceClosed.D
	vi.OdometerKm, vi.Advisor, vi.Technician = int(h.odometer), h.purchaseAdvisor, h.technician.String
	var err error
	if vi.Amount, err = decimalOf(h.priceAmount); err != nil {
		return r, unreadable("visits", vi.ID, "amount", err)
	}
	if err := vi.Kind.UnmarshalText([]byte(h.consultantKind)); err != nil {
		return r, unreadable("visits", vi.ID, "kind", err)
	}
	if vi.ComplaintCodes, err = codesOf(h.codes); err != nil {
		return r, unreadable("visits", vi.ID, "complaintCodes", err)
	}
	return r, nil
}

// unreadable is the error of a stored value that does not convert back
// into its record's field, naming both.
func unreadable(collection, id, field string, err error) error {
	return &retention.Error{Kind: retention.ErrInternal, Op: "sqlstore", Record: retention.RecordName(collection, id, 0),
		Field: field, Msg: "the stored value does not read back", Err: err}
}

// Contacts streams every contact attempt, by At and then in append order.
func (s *Store) Contacts(ctx context.Context) iter.Seq2[retention.Contact, error] {
	return stream(ctx, s, "sqlstore.Contacts", `SELECT task, at, channel, outcome, loss_reason, preferred_channel,
		preferred_time FROM contacts ORDER BY at, seq`, nil,
		func(rs *sql.Rows) (retention.Contact, error) {
			var x retention.Contact
			return x, scanContact(rs, &x)
		})
}

// scanContact scans a contact row (task, at, channel, outcome, loss_reason,
// preferred_channel, preferred_time) into x, after the columns of lead.
func scanContact(rs *sql.Rows, x *retention.Contact, lead ...any) error {
	var at instantCol
	var pref string
	err := rs.Scan(append(lead, &x.Task, &at, enumCol{&x.Channel}, enumCol{&x.Outcome}, &x.LossReason, &pref,
		&x.PreferredTime)...)
	x.At = at.T
	if err == nil {
		err = x.PreferredChannel.UnmarshalText([]byte(pref))
	}
	return err
}

// customerContactsQuery files each contact attempt under the customer
// owning the vehicle its task is about, or else the customer it is about
// (retention.Logs.CustomerContacts), by customer. %[1]s and %[2]s select
// the partition of the vehicles (v) and of the customers with a vehicle
// (o).
//
// A customer's attempts come in no particular order among themselves:
// CustomerContacts puts them in order of time and append order (seq).
// SQLite walks each arm's customers in order and reads their attempts from
// contacts_by_subject, so the first row comes at once and the two arms
// merge without a sort. Ordered by time and seq as well, it sorted each
// customer's attempts in a temporary B-tree of its own, which took about
// a third of the query's time at 1,000,000 vehicles, where most customers
// have one vehicle and its attempts come in order from the index
// (BENCHMARKS-HISTORY.md, round thirty-one). PostgreSQL's planner
// hash-joins the log instead and sorts all of it before the first row (at
// 1,000,000 vehicles, 2.2 million attempts, 3.3 s and 250 MB of temporary
// files on the server). A LATERAL form that streams, as
// Dialect.LateralHistories does for the histories, costs the server a
// quarter to a third more and did not make the plan faster at either size
// measured (BENCHMARKS-HISTORY.md, round sixteen).
//
// The customers' arm asks its two conditions about c.subject, which
// equals u.id. SQLite tests a condition in the innermost loop that it
// names, so it looks for a customer's vehicles only when the customer has
// attempts about it (few do, or none), not for every customer before it
// looks for attempts. Asked about u.id, the arm took three times as long
// (BENCHMARKS-HISTORY.md, round thirty).
const customerContactsQuery = `SELECT v.customer, c.seq, c.task, c.at, c.channel, c.outcome, c.loss_reason,
	c.preferred_channel, c.preferred_time
FROM vehicles v CROSS JOIN contacts c WHERE c.subject = v.vin%[1]s
UNION ALL
SELECT u.id, c.seq, c.task, c.at, c.channel, c.outcome, c.loss_reason, c.preferred_channel, c.preferred_time
FROM customers u CROSS JOIN contacts c WHERE c.subject = u.id
	AND EXISTS (SELECT 1 FROM vehicles o WHERE o.customer = c.subject%[2]s)
	AND NOT EXISTS (SELECT 1 FROM vehicles w WHERE w.vin = c.subject)
ORDER BY 1`

// CustomerContactsQuery returns the SQL and the arguments that
// CustomerContacts runs for f, for tools that EXPLAIN it, as HistoryQuery
// does for Histories. Its rows come by customer, a customer's attempts in
// no particular order among themselves. The query's text, columns and
// order are not part of the compatibility promise.
func (s *Store) CustomerContactsQuery(f retention.HistoryFilter) (query string, args []any) {
	query = fmt.Sprintf(customerContactsQuery, partitionCond("AND", "v", f, &args), partitionCond("AND", "o", f, &args))
	return query, args
}

// CustomerContacts streams the contact attempts of the customers that f
// selects, by customer id (retention.Logs), in one query; only one
// customer's attempts are in memory at a time, and they are put in order
// of time and append order here (customerContactsQuery).
func (s *Store) CustomerContacts(ctx context.Context, f retention.HistoryFilter) iter.Seq2[retention.CustomerContacts, error] {
	q, args := s.CustomerContactsQuery(f)
	return func(yield func(retention.CustomerContacts, error) bool) {
		scan := func(rs *sql.Rows) (contactRow, error) {
			var r contactRow
			return r, scanContact(rs, &r.contact, &r.customer, &r.seq)
		}
		var prev contactRow
		var names interner
		scanText := func(cols [][]byte) (contactRow, error) {
			r := contactRow{customer: reuse(prev.customer, cols[0])}
			x := &r.contact
			x.Task, x.LossReason, x.PreferredTime = reuse(prev.contact.Task, cols[2]), names.of(cols[6]), names.of(cols[8])
			var at instantCol
			var seqErr error
			r.seq, seqErr = intOf(cols[1])
			if err := firstField(field{"seq", seqErr}, field{"at", at.text(cols[3])}, field{"channel", x.Channel.UnmarshalText(cols[4])},
				field{"outcome", x.Outcome.UnmarshalText(cols[5])},
				field{"preferredChannel", x.PreferredChannel.UnmarshalText(cols[7])}); err != nil {
				return r, unreadable("contacts", x.Task, err.name, err.err)
			}
			x.At, prev = at.T, r
			return r, nil
		}
		var rows []contactRow // the current customer's, until it is yielded
		contacts := runs(textStream(ctx, s, "sqlstore.CustomerContacts", q, args, 9, scanText, scan),
			func(r *contactRow) string { return r.customer },
			func(cur *retention.CustomerContacts, r *contactRow, first bool) error {
				if first {
					*cur, rows = retention.CustomerContacts{Customer: r.customer}, rows[:0]
				}
				rows = append(rows, *r)
				return nil
			}, func(cur *retention.CustomerContacts) error {
				cur.Contacts = inTimeOrder(rows)
				return nil
			})
		contacts(yield)
	}
}

// contactRow is a row of customerContactsQuery: an attempt, the customer
// it is filed under, and its place in the log.
type contactRow struct {
	customer string
	seq      int64
	contact  retention.Contact
}

// inTimeOrder returns the attempts of rows, one customer's, in order of
// time and then of seq (append order), in a slice of their own. On SQLite
// rows come in that order already where the customer's attempts are about
// one vehicle, as most customers' are; otherwise they are sorted first.
func inTimeOrder(rows []contactRow) []retention.Contact {
	byTime := func(a, b contactRow) int {
		return cmp.Or(a.contact.At.Compare(b.contact.At), cmp.Compare(a.seq, b.seq))
	}
	if !slices.IsSortedFunc(rows, byTime) {
		slices.SortFunc(rows, byTime)
	}
	out := make([]retention.Contact, len(rows))
	for i := range rows {
		out[i] = rows[i].contact
	}
	return out
}

// Complaints streams every complaint, by id.
func (s *Store) Complaints(ctx context.Context) iter.Seq2[retention.Complaint, error] {
	return stream(ctx, s, "sqlstore.Complaints", `SELECT id, customer, vin, severity, category, source, received_at,
		acknowledged_at, solved_at, closed_at FROM complaints ORDER BY id`, nil,
		func(rs *sql.Rows) (retention.Complaint, error) {
			var x retention.Complaint
			var received, ack, solved, closed instantCol
			var source string
			err := rs.Scan(&x.ID, &x.Customer, &x.VIN, enumCol{&x.Severity}, &x.Category, &source, &received, &ack, &solved, &closed)
			x.ReceivedAt, x.AcknowledgedAt, x.SolvedAt, x.ClosedAt = received.T, ack.ptr(), solved.ptr(), closed.ptr()
			if err == nil {
				err = x.Source.UnmarshalText([]byte(source))
			}
			return x, err
		})
}

// Surveys streams every survey, by At and then in append order.
func (s *Store) Surveys(ctx context.Context) iter.Seq2[retention.Survey, error] {
	return stream(ctx, s, "sqlstore.Surveys", `SELECT customer, touch, at, answers, recommend, advisor
		FROM surveys ORDER BY at, seq`, nil, scanSurvey)
}

// SurveysBetween streams the surveys with from ≤ At ≤ to, by At and then
// in the order appended (retention.SurveysInSpan), reading only those
// through the index on the time.
func (s *Store) SurveysBetween(ctx context.Context, from, to time.Time) iter.Seq2[retention.Survey, error] {
	// Instants are stored truncated to retention.InstantPrecision: one is
	// at or after from when it is at or after from rounded up to it.
	lo := from.Truncate(retention.InstantPrecision)
	if lo.Before(from) {
		lo = lo.Add(retention.InstantPrecision)
	}
	return stream(ctx, s, "sqlstore.SurveysBetween", `SELECT customer, touch, at, answers, recommend, advisor
		FROM surveys WHERE at >= $1 AND at <= $2 ORDER BY at, seq`, []any{instantArg(lo), instantArg(to)}, scanSurvey)
}

func scanSurvey(rs *sql.Rows) (retention.Survey, error) {
	var x retention.Survey
	var at instantCol
	var rec sql.NullInt64
	err := rs.Scan(&x.Customer, enumCol{&x.Touch}, &at, answersCol{&x.Answers}, &rec, &x.Advisor)
	x.At = at.T
	if rec.Valid {
		r := int(rec.Int64)
		x.Recommend = &r
	}
	return x, err
}

// Tasks streams the stored tasks due within f, by due date and key.
func (s *Store) Tasks(ctx context.Context, f retention.TaskFilter) iter.Seq2[retention.Task, error] {
	from, to := date.Min(), date.Max()
	if f.From != nil {
		from = *f.From
	}
	if f.To != nil {
		to = *f.To
	}
	// Bound the dates to what ISO text can hold, for SQLite's text compare.
	lo, hi := from.Max(retention.MustParseDate("0001-01-01")), to.Min(retention.MustParseDate("9999-12-31"))
	return stream(ctx, s, "sqlstore.Tasks", `SELECT key, touch, customer, vin, anchor, dealer, owner, channel, time_window,
		due_on, expires_on, priority, attempts, reason FROM tasks WHERE due_on >= $1 AND due_on <= $2 ORDER BY due_on, key`,
		[]any{dateArg(lo), dateArg(hi)},
		func(rs *sql.Rows) (retention.Task, error) {
			var x retention.Task
			var anchor, due, expires dateCol
			err := rs.Scan(&x.Key, enumCol{&x.Touch}, &x.Customer, &x.VIN, &anchor, &x.Dealer, enumCol{&x.Owner},
				enumCol{&x.Channel}, &x.Window, &due, &expires, &x.Priority, &x.Attempts, &x.Reason)
			x.Anchor, x.DueOn, x.ExpiresOn = anchor.D, due.D, expires.D
			return x, err
		})
}
