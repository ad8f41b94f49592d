package sqlstore

import (
	"context"
	"database/sql"
	"iter"
	"strconv"
	"strings"

	"github.com/dcrc-go/dcrc/retention"
)

// rows describes the rows of one table to insert.
type rows struct {
	table  string
	cols   []string
	n      int
	row    func(i int, args []any) ([]any, error) // appends row i's arguments
	suffix string                                 // e.g. ON CONFLICT … DO NOTHING
}

func insertSQL(r *rows, n int, positional bool) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(r.table)
	b.WriteString(" (")
	b.WriteString(strings.Join(r.cols, ", "))
	b.WriteString(") VALUES ")
	p := 1
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for j := range r.cols {
			if j > 0 {
				b.WriteString(", ")
			}
			if positional {
				b.WriteByte('?')
			} else {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(p))
				p++
			}
		}
		b.WriteByte(')')
	}
	if r.suffix != "" {
		b.WriteByte(' ')
		b.WriteString(r.suffix)
	}
	return b.String()
}

// perInsert is how many rows of cols columns one INSERT statement carries.
func (s *Store) perInsert(cols int) int {
	return max(1, min(s.dialect.BatchRows, s.dialect.MaxParams/cols))
}

// insert writes the rows in statements of Dialect.BatchRows rows (fewer when
// the parameter limit requires), reusing one prepared statement for the full
// batches. It returns the rows affected.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, r *rows) (int64, error) {
	in := inserter{s: s, tx: tx}
	defer in.close()
	return in.insert(ctx, r)
}

// inserter writes rows of one table in a transaction, as Store.insert does,
// over any number of calls that share its prepared statement: a
// transaction holds every statement prepared on it until it ends, so that
// one statement per call would hold memory in proportion to the rows.
type inserter struct {
	s    *Store
	tx   *sql.Tx
	full *sql.Stmt // for perInsert rows; nil until needed
	args []any
}

// insert writes r's rows and returns how many were affected.
func (in *inserter) insert(ctx context.Context, r *rows) (int64, error) {
	per := in.s.perInsert(len(r.cols))
	var affected int64
	for start := 0; start < r.n; start += per {
		end := min(start+per, r.n)
		in.args = in.args[:0]
		for i := start; i < end; i++ {
			var err error
			if in.args, err = r.row(i, in.args); err != nil {
				return affected, err
			}
		}
		var res sql.Result
		var err error
		if end-start == per {
			if in.full == nil {
				if in.full, err = in.tx.PrepareContext(ctx, insertSQL(r, per, in.s.dialect.Positional)); err != nil {
					return affected, err
				}
			}
			res, err = in.full.ExecContext(ctx, in.args...)
		} else {
			res, err = in.tx.ExecContext(ctx, insertSQL(r, end-start, in.s.dialect.Positional), in.args...)
		}
		clear(in.args) // let the values go
		if err != nil {
			return affected, err
		}
		n, _ := res.RowsAffected()
		affected += n
	}
	return affected, nil
}

// close closes the prepared statement.
func (in *inserter) close() {
	if in.full != nil {
		in.full.Close()
	}
}

// existing returns which of ids exist in table's column.
func (s *Store) existing(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, table, col string, ids []string) (map[string]bool, error) {
	found := map[string]bool{}
	per := max(1, min(1000, s.dialect.MaxParams))
	for start := 0; start < len(ids); start += per {
		chunk := ids[start:min(start+per, len(ids))]
		var b strings.Builder
		args := make([]any, len(chunk))
		for i, id := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("$" + strconv.Itoa(i+1))
			args[i] = id
		}
		rs, err := q.QueryContext(ctx, "SELECT "+col+" FROM "+table+" WHERE "+col+" IN ("+b.String()+")", args...)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var id string
			if err := rs.Scan(&id); err != nil {
				rs.Close()
				return nil, err
			}
			found[id] = true
		}
		if err := rs.Close(); err != nil {
			return nil, err
		}
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	return found, nil
}

// keyed lists the records of a dataset that have ids, for naming conflicts.
type keyed struct {
	collection, table, col string
	ids                    []string
}

func keyedOf(ds *retention.Dataset) []keyed {
	ids := func(n int, id func(int) string) []string {
		out := make([]string, n)
		for i := range n {
			out[i] = id(i)
		}
		return out
	}
	return []keyed{
		{"dealers", "dealers", "id", ids(len(ds.Dealers), func(i int) string { return ds.Dealers[i].ID })},
		{"models", "models", "id", ids(len(ds.Models), func(i int) string { return ds.Models[i].ID })},
		{"customers", "customers", "id", ids(len(ds.Customers), func(i int) string { return ds.Customers[i].ID })},
		{"vehicles", "vehicles", "vin", ids(len(ds.Vehicles), func(i int) string { return ds.Vehicles[i].VIN })},
		{"visits", "visits", "id", ids(len(ds.Visits), func(i int) string { return ds.Visits[i].ID })},
		{"complaints", "complaints", "id", ids(len(ds.Complaints), func(i int) string { return ds.Complaints[i].ID })},
	}
}

// nameConflict finds the first record of ks that exists in the store and
// returns an ErrConflict naming it, wrapping cause; cause as it is if none.
func (s *Store) nameConflict(ctx context.Context, op string, ks []keyed, cause error) error {
	for _, k := range ks {
		found, err := s.existing(ctx, s.db, k.table, k.col, k.ids)
		if err != nil {
			return cause
		}
		for i, id := range k.ids {
			if found[id] {
				return &retention.Error{Kind: retention.ErrConflict, Op: op, Record: retention.RecordName(k.collection, id, i),
					Field: "id", Msg: "already exists", Err: cause}
			}
		}
	}
	return cause
}

// Import validates the dataset against itself and the store and writes all
// of it in one transaction, or nothing (retention.Importer).
func (s *Store) Import(ctx context.Context, ds *retention.Dataset) error {
	const op = "sqlstore.Import"
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		known := map[string]map[string]bool{}
		cols := map[string]string{"dealers": "id", "models": "id", "customers": "id", "vehicles": "vin"}
		for coll, ids := range ds.ExternalRefs() {
			found, err := s.existing(ctx, tx, coll, cols[coll], ids)
			if err != nil {
				return err
			}
			known[coll] = found
		}
		if err := ds.ValidateWith(known); err != nil {
			return &retention.Error{Kind: retention.ErrInvalid, Op: op, Msg: "invalid dataset", Err: err}
		}
		for _, r := range datasetRows(ds) {
			if _, err := s.insert(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if retention.ErrorKind(err) == retention.ErrConflict {
		return s.nameConflict(ctx, op, keyedOf(ds), err)
	}
	return err
}

// AppendContacts records contact attempts after validating each.
func (s *Store) AppendContacts(ctx context.Context, cs []retention.Contact) error {
	const op = "sqlstore.AppendContacts"
	for i := range cs {
		if err := cs[i].Validate(i); err != nil {
			return &retention.Error{Kind: retention.ErrInvalid, Op: op, Err: err}
		}
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		_, err := s.insert(ctx, tx, contactRows(cs))
		return err
	})
}

// AppendComplaints records complaints; ErrConflict naming the first whose id
// exists, and then none is recorded.
func (s *Store) AppendComplaints(ctx context.Context, cs []retention.Complaint) error {
	const op = "sqlstore.AppendComplaints"
	for i := range cs {
		if err := cs[i].Validate(); err != nil {
			return &retention.Error{Kind: retention.ErrInvalid, Op: op, Err: err}
		}
	}
	ds := &retention.Dataset{Complaints: cs}
	err := s.inTx(ctx, op, func(tx *sql.Tx) error {
		refs := ds.ExternalRefs()
		for coll, col := range map[string]string{"customers": "id", "vehicles": "vin"} {
			found, err := s.existing(ctx, tx, coll, col, refs[coll])
			if err != nil {
				return err
			}
			for i, c := range cs {
				if (coll == "customers" && !found[c.Customer]) || (coll == "vehicles" && c.VIN != "" && !found[c.VIN]) {
					field, value := "customer", c.Customer
					if coll == "vehicles" {
						field, value = "vin", c.VIN
					}
					return &retention.Error{Kind: retention.ErrInvalid, Op: op, Record: retention.RecordName("complaints", c.ID, i),
						Field: field, Msg: "unknown " + strings.TrimSuffix(coll, "s") + " " + strconv.Quote(value)}
				}
			}
		}
		_, err := s.insert(ctx, tx, complaintRows(cs))
		return err
	})
	if retention.ErrorKind(err) == retention.ErrConflict {
		return s.nameConflict(ctx, op, keyedOf(ds)[5:], err)
	}
	return err
}

// AppendSurveys records survey answers after validating each.
func (s *Store) AppendSurveys(ctx context.Context, ss []retention.Survey) error {
	const op = "sqlstore.AppendSurveys"
	for i := range ss {
		if err := ss[i].Validate(i); err != nil {
			return &retention.Error{Kind: retention.ErrInvalid, Op: op, Err: err}
		}
	}
	return s.inTx(ctx, op, func(tx *sql.Tx) error {
		_, err := s.insert(ctx, tx, surveyRows(ss))
		return err
	})
}

// SaveTasks stores the tasks whose keys are new (INSERT … ON CONFLICT DO
// NOTHING) and returns how many. It is SaveTaskSeq over ts.
func (s *Store) SaveTasks(ctx context.Context, ts []retention.Task) (int, error) {
	return s.SaveTaskSeq(ctx, func(yield func(retention.Task, error) bool) {
		for _, t := range ts {
			if !yield(t, nil) {
				return
			}
		}
	})
}

// SaveTaskSeq stores the tasks seq yields whose keys are new, in one
// transaction, and returns how many (retention.TaskSeqSaver). It holds one
// INSERT statement's tasks (Dialect.BatchRows) at a time, and begins the
// transaction when it has the first of them to write, so that seq may read
// the store at length before that without a write lock being held (SQLite
// takes it when the transaction begins).
func (s *Store) SaveTaskSeq(ctx context.Context, seq iter.Seq2[retention.Task, error]) (int, error) {
	const op = "sqlstore.SaveTasks"
	var added int64
	written := 0 // tasks before the batch
	err := s.inLazyTx(ctx, op, func(begin func() (*sql.Tx, error)) error {
		batch := make([]retention.Task, 0, s.perInsert(len(taskCols)))
		var in inserter // its tx nil until the first write
		defer in.close()
		write := func() error {
			if in.tx == nil {
				tx, err := begin()
				if err != nil {
					return err
				}
				in = inserter{s: s, tx: tx}
			}
			n, err := in.insert(ctx, taskRows(batch, written))
			added, written = added+n, written+len(batch)
			clear(batch) // let the strings go
			batch = batch[:0]
			return err
		}
		for t, err := range seq {
			if err != nil {
				return err
			}
			if batch = append(batch, t); len(batch) == cap(batch) {
				if err := write(); err != nil {
					return err
				}
			}
		}
		if len(batch) == 0 {
			return nil
		}
		return write()
	})
	if err != nil {
		return 0, err
	}
	return int(added), nil
}
