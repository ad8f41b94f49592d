package retention

import (
	"context"
	"hash/fnv"
	"iter"
	"time"

	"github.com/rickb777/date"
)

// The store interfaces. Adapters (package adapters/…) implement them; the
// policy packages never see a store. Every method takes a context first and
// stops, returning ctx.Err() wrapped in an *Error of kind ErrInternal, when
// it is cancelled; writes are then rolled back. Streams yield their records
// in the documented order; when an error is yielded, the stream ends.

// VehicleHistory is a vehicle with its repair orders, oldest first (by
// OpenedOn, then ID).
type VehicleHistory struct {
	Vehicle Vehicle
	Visits  []Visit
}

// CustomerContacts is one customer's contact attempts
// (Logs.CustomerContacts).
type CustomerContacts struct {
	Customer string
	Contacts []Contact
}

// HistoryFilter selects the histories a stream yields.
type HistoryFilter struct {
	// Partition and Partitions select the customers whose
	// PartitionOf(customer, Partitions) is Partition: those whose
	// CustomerHash lies in PartitionRange(Partition, Partitions).
	// Partitions 0 or 1 selects all. All vehicles of a customer fall in one
	// partition.
	Partition, Partitions int
	// VisitsAfter, when set, leaves out the visits opened on or before it:
	// the vehicles are all there, with their recent visits only (for
	// classify.Classifier.TierInputOf).
	VisitsAfter *date.Date
}

// Keeps reports whether the filter keeps a visit (VisitsAfter).
func (f HistoryFilter) Keeps(v *Visit) bool {
	return f.VisitsAfter == nil || v.OpenedOn.After(*f.VisitsAfter)
}

// Selects reports whether the filter selects the vehicles of a customer.
func (f HistoryFilter) Selects(customer string) bool {
	return f.Partitions <= 1 || PartitionOf(customer, f.Partitions) == f.Partition
}

// PartitionOf returns the partition, in 0..n-1, of a customer: the one of n
// equal ranges of CustomerHash its hash falls in (PartitionRange). It is
// stable across processes and machines, so that workers on different hosts
// can split the same network between them, each reading one range of the
// hashes. n <= 1 gives 0; n above 1<<32 is taken as 1<<32, a partition
// per hash.
func PartitionOf(customer string, n int) int {
	return partitionOfHash(CustomerHash(customer), n)
}

// partitionOfHash is PartitionOf for a customer's hash: h*n / 2^32, which
// is p exactly when h is in PartitionRange(p, n).
func partitionOfHash(h uint32, n int) int {
	if n <= 1 {
		return 0
	}
	return int(uint64(h) * partitions(n) >> 32)
}

// PartitionRange returns the customer hashes of partition p of n, from lo
// up to but not including hi: the n ranges split 0..2^32 into runs whose
// lengths differ by at most one, in order. A store that keeps CustomerHash
// in a column selects a partition with hash >= lo AND hash < hi, which an
// index on that column, or a database sharded by it, reads as one range.
// For p outside 0..n-1 the range holds no hash. n <= 1 gives the whole
// range, 0 to 1<<32, whatever p, as a HistoryFilter of one partition
// selects all; n above 1<<32 is taken as 1<<32.
func PartitionRange(p, n int) (lo, hi int64) {
	if n <= 1 {
		return 0, 1 << 32
	}
	return rangeStart(p, n), rangeStart(p+1, n)
}

// rangeStart is the first hash of partition p of n, the least h with
// h*n >= p*2^32, and 0 or 1<<32 for p before or past the partitions.
func rangeStart(p, n int) int64 {
	m := partitions(n)
	switch {
	case p <= 0:
		return 0
	case uint64(p) >= m:
		return 1 << 32
	}
	return int64((uint64(p)<<32 + m - 1) / m)
}

// partitions is n, for n > 1, capped at 1<<32 so that the arithmetic of
// the ranges stays within 64 bits.
func partitions(n int) uint64 { return min(uint64(n), 1<<32) }

// CustomerHash is the FNV-1a hash of a customer id behind PartitionOf: a
// store can keep it in a column and select a partition by its
// PartitionRange.
func CustomerHash(customer string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(customer))
	return h.Sum32()
}

// InstantPrecision is the precision to which stores keep instants (contact
// attempts, complaint timestamps, surveys): the microsecond of PostgreSQL's
// TIMESTAMPTZ. Every store truncates to it, so that all of them return the
// same values.
const InstantPrecision = time.Microsecond

// Importer loads a dataset.
type Importer interface {
	// Import validates ds (Dataset.Validate) and writes all of it in one
	// transaction: on any error nothing is written. It returns ErrInvalid
	// naming the record and field for invalid input, and ErrConflict when a
	// dealer, model, customer, vehicle, visit or complaint id already exists
	// in the store. References may point to records already in the store.
	Import(ctx context.Context, ds *Dataset) error
}

// Reader reads the master data and the vehicle histories.
type Reader interface {
	// Dealers returns every dealer, by id.
	Dealers(ctx context.Context) ([]Dealer, error)
	// Models returns every model, by id.
	Models(ctx context.Context) ([]Model, error)
	// Customer returns one customer; ErrNotFound if there is none with id.
	Customer(ctx context.Context, id string) (Customer, error)
	// Customers streams every customer, by id.
	Customers(ctx context.Context) iter.Seq2[Customer, error]
	// Histories streams the vehicles selected by f with their visits, by
	// customer id and then VIN, so that all vehicles of a customer come
	// together. Memory use does not grow with the number of vehicles.
	Histories(ctx context.Context, f HistoryFilter) iter.Seq2[VehicleHistory, error]
}

// PartitionedCustomers is implemented by stores that read one partition
// of the customers (HistoryFilter) without reading the others': the
// workers of a run across machines then each read their share of the
// customers, as they do of the histories and the contact attempts.
type PartitionedCustomers interface {
	// CustomersIn streams, by id, the customers f selects (Selects): those
	// whose CustomerHash lies in PartitionRange(f.Partition, f.Partitions),
	// all of them when f.Partitions is 0 or 1, with vehicles or not.
	// VisitsAfter plays no part.
	CustomersIn(ctx context.Context, f HistoryFilter) iter.Seq2[Customer, error]
}

// CustomersIn streams, by id, the customers f selects from r
// (PartitionedCustomers.CustomersIn): through r's own CustomersIn when r
// is a PartitionedCustomers, else by reading all of r.Customers and keeping
// those f selects.
func CustomersIn(ctx context.Context, r Reader, f HistoryFilter) iter.Seq2[Customer, error] {
	if p, ok := r.(PartitionedCustomers); ok {
		return p.CustomersIn(ctx, f)
	}
	return func(yield func(Customer, error) bool) {
		for c, err := range r.Customers(ctx) {
			if err == nil && !f.Selects(c.ID) {
				continue
			}
			if !yield(c, err) || err != nil {
				return
			}
		}
	}
}

// Logs are the append-only records of what happened: contact attempts,
// complaints and surveys. Nothing appended is ever overwritten.
type Logs interface {
	// AppendContacts records contact attempts.
	AppendContacts(ctx context.Context, cs []Contact) error
	// Contacts streams every contact attempt, by At and then in the order
	// they were appended.
	Contacts(ctx context.Context) iter.Seq2[Contact, error]
	// CustomerContacts streams the contact attempts of the customers with
	// vehicles that f selects (VisitsAfter plays no part), one
	// CustomerContacts per customer with attempts, by customer id, so that
	// they merge with Histories. An attempt belongs to the customer owning
	// the vehicle its task is about (TaskSubject), or else to the customer
	// its task is about; attempts of other tasks are left out. A
	// customer's attempts come by At and then in the order they were
	// appended. Memory use does not grow with the number of customers.
	CustomerContacts(ctx context.Context, f HistoryFilter) iter.Seq2[CustomerContacts, error]
	// AppendComplaints records complaints; ErrConflict if an id exists.
	AppendComplaints(ctx context.Context, cs []Complaint) error
	// Complaints streams every complaint, by id.
	Complaints(ctx context.Context) iter.Seq2[Complaint, error]
	// AppendSurveys records survey answers.
	AppendSurveys(ctx context.Context, ss []Survey) error
	// Surveys streams every survey, by At and then in the order appended.
	Surveys(ctx context.Context) iter.Seq2[Survey, error]
}

// SurveysInSpan is implemented by stores that read the surveys of a span
// of time without reading the others (through an index on the time): a
// report of the last 12 months then reads those months' surveys, not a
// network's whole history of them.
type SurveysInSpan interface {
	// SurveysBetween streams the surveys with from ≤ At ≤ to, in the order
	// of Logs.Surveys: by At and then in the order appended.
	SurveysBetween(ctx context.Context, from, to time.Time) iter.Seq2[Survey, error]
}

// SurveysBetween streams the surveys of l with from ≤ At ≤ to, by At and
// then in the order appended: through l's own SurveysBetween when l is a
// SurveysInSpan, else by reading all of l.Surveys and keeping those within.
func SurveysBetween(ctx context.Context, l Logs, from, to time.Time) iter.Seq2[Survey, error] {
	if s, ok := l.(SurveysInSpan); ok {
		return s.SurveysBetween(ctx, from, to)
	}
	return func(yield func(Survey, error) bool) {
		for s, err := range l.Surveys(ctx) {
			if err == nil && (s.At.Before(from) || s.At.After(to)) {
				continue
			}
			if !yield(s, err) || err != nil {
				return
			}
		}
	}
}

// TaskFilter selects tasks.
type TaskFilter struct {
	// From and To bound the due date, inclusive; a nil bound is open.
	From, To *date.Date
}

// Tasks stores the plans.
type Tasks interface {
	// SaveTasks stores tasks idempotently by Key: a task whose key is stored
	// already is left as it is, so saving a plan twice stores each task once
	// and never touches the contacts recorded against it. It returns how
	// many tasks were new.
	SaveTasks(ctx context.Context, ts []Task) (added int, err error)
	// Tasks streams the stored tasks selected by f, by due date and key.
	Tasks(ctx context.Context, f TaskFilter) iter.Seq2[Task, error]
}

// TaskSeqSaver is implemented by stores that can save a plan as it is
// made, without holding it: the day's plan of a large network is streamed
// from a merge on disk (see SaveTaskSeq).
type TaskSeqSaver interface {
	// SaveTaskSeq saves the tasks seq yields as SaveTasks saves a slice, in
	// one transaction: when seq yields an error, when ctx is cancelled or
	// when a write fails, nothing is saved. An error seq yields ends the
	// save and is returned, wrapped or not (errors.Is finds it), with its
	// kind (ErrorKind) when it has one. Memory use does not grow with the
	// number of tasks. seq may read the store while it runs; it must not
	// write to it.
	SaveTaskSeq(ctx context.Context, seq iter.Seq2[Task, error]) (added int, err error)
}

// SaveTaskSeq saves the tasks seq yields in t, in one transaction: with
// t's own SaveTaskSeq when t is a TaskSeqSaver, or else by collecting them
// and calling SaveTasks (which then holds them all). When seq yields an
// error, nothing is saved and the error is returned as it is.
func SaveTaskSeq(ctx context.Context, t Tasks, seq iter.Seq2[Task, error]) (added int, err error) {
	if s, ok := t.(TaskSeqSaver); ok {
		return s.SaveTaskSeq(ctx, seq)
	}
	var ts []Task
	for x, err := range seq {
		if err != nil {
			return 0, err
		}
		ts = append(ts, x)
	}
	return t.SaveTasks(ctx, ts)
}

// Store is everything dcrc needs from storage.
type Store interface {
	Importer
	Reader
	StatusReader
	Logs
	Tasks
}
