// Package storetest is the conformance suite of retention.Store: every
// adapter runs the same tests (Run), so that a DMS can swap one store for
// another and keep every date, decimal and order.
package storetest

import (
	stdcmp "cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// Run runs the conformance suite. newStore returns a new, empty store for
// each subtest and arranges its cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) retention.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s retention.Store)
	}{
		{"ImportRoundTrip", testImportRoundTrip},
		{"ImportIsAtomic", testImportIsAtomic},
		{"ReimportConflicts", testReimportConflicts},
		{"IncrementalImport", testIncrementalImport},
		{"CancelledImport", testCancelledImport},
		{"Ordering", testOrdering},
		{"Partitions", testPartitions},
		{"StatusFacts", testStatusFacts},
		{"VINRanges", testVINRanges},
		{"VisitsAfter", testVisitsAfter},
		{"CustomerContacts", testCustomerContacts},
		{"SurveysBetween", testSurveysBetween},
		{"NotFound", testNotFound},
		{"AppendOnlyLogs", testAppendOnlyLogs},
		{"SaveTasksIdempotent", testSaveTasksIdempotent},
		{"SaveTaskSeq", testSaveTaskSeq},
		{"ConcurrentWriters", testConcurrentWriters},
		{"CancelledRead", testCancelledRead},
		{"StreamStopsEarly", testStreamStopsEarly},
		{"ManyRows", testManyRows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

var d = retention.MustParseDate

func ptr[T any](v T) *T { return &v }

// cmpOpts compare records as stored: decimals by value and text (no float
// rounding), instants by the moment they denote.
var cmpOpts = cmp.Options{
	cmpopts.EquateComparable(date.Date{}),
	cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) && a.String() == b.String() }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmpopts.EquateEmpty(),
}

// Dataset returns a small dataset that exercises every type: month ends,
// Feb 29, long decimals, every enumeration, nil and set optional fields.
func Dataset() *retention.Dataset {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return v
	}
	ds := &retention.Dataset{
		Dealers: []retention.Dealer{{ID: "D1", Name: "南京北", Region: "320100"}, {ID: "D2", Name: "Nanjing South", Region: "320100"}},
		Models: []retention.Model{
			{ID: "M1", Series: "S1", Kind: retention.Passenger, ServiceIntervalKm: 5000, ServiceIntervalMonths: 3,
				WarrantyMonths: 36, WarrantyKm: 100000, DefaultDailyKm: 41.5},
			{ID: "M2", Series: "S2", Kind: retention.Commercial, LongFirstService: true},
		},
		Customers: []retention.Customer{
			// Each flag set on its own set of customers, so that none can
			// be read from another's column.
			{ID: "C1", Name: "王", Phone: "13800000000", Birthday: ptr(d("1984-02-29")), Kind: retention.Individual, VIP: true,
				Region: "320100", Referrals: 2},
			{ID: "C2", Kind: retention.Fleet, VIP: true, DoNotContact: true, AllowServiceFollowups: true},
			{ID: "C3", Kind: retention.Company, DoNotContact: true},
		},
		Vehicles: []retention.Vehicle{
			{VIN: "LFV1", Customer: "C1", Model: "M1", Dealer: "D1", DeliveredOn: d("2024-02-29"), DeliveryOdometerKm: 12,
				SalesConsultant: "S9", Price: decimal.RequireFromString("1234567890.1234567"), Purchase: retention.FirstPurchase,
				InsuranceExpiresOn: ptr(d("2027-01-31"))},
			{VIN: "LFV2", Customer: "C2", Model: "M2", Dealer: "D2", DeliveredOn: d("2025-12-31"),
				Price: decimal.RequireFromString("158000.00"), Purchase: retention.AddOnPurchase, InspectionDueOn: ptr(d("2026-08-31"))},
			{VIN: "LFV0", Customer: "C2", Model: "M1", Dealer: "D1", DeliveredOn: d("2020-01-31"),
				Price: decimal.RequireFromString("0"), Purchase: retention.ReplacementPurchase, Scrapped: true},
		},
		Visits: []retention.Visit{
			{ID: "RO2", VIN: "LFV1", Dealer: "D2", OpenedOn: d("2026-08-31"), ClosedOn: d("2026-09-01"), OdometerKm: 30000,
				Kind: retention.Repair, Advisor: "A1", Technician: "T1", ComplaintCodes: []string{"B12", "E7"}, Amount: decimal.RequireFromString("320.50")},
			{ID: "RO1", VIN: "LFV1", Dealer: "D1", OpenedOn: d("2024-05-31"), ClosedOn: d("2024-05-31"), OdometerKm: 4800,
				Kind: retention.FirstService, Amount: decimal.RequireFromString("0.00")},
			{ID: "RO3", VIN: "LFV1", Dealer: "D1", OpenedOn: d("2026-08-31"), ClosedOn: d("2026-08-31"), OdometerKm: 30000,
				Kind: retention.BodyPaint, Amount: decimal.RequireFromString("0.0000001")},
		},
		Contacts: []retention.Contact{
			{Task: "sale-followup-3d/LFV1/2024-02-29", At: at("2024-03-03T10:00:00+08:00"), Channel: retention.Phone,
				Outcome: retention.Reached, PreferredChannel: retention.SMS, PreferredTime: "18:00-20:00"},
			{Task: "lost-recall/LFV0/2020-06-30", At: at("2020-07-01T09:30:00.123456789Z"), Channel: retention.Mail,
				Outcome: retention.CallbackLater, LossReason: "moved"},
		},
		Complaints: []retention.Complaint{
			{ID: "K1", Customer: "C1", VIN: "LFV1", Severity: retention.Major, Category: "part-quality", Source: retention.FromOEM,
				ReceivedAt: at("2026-09-01T09:00:00+08:00"), AcknowledgedAt: ptr(at("2026-09-01T09:30:00+08:00")),
				SolvedAt: ptr(at("2026-09-02T09:00:00+08:00")), ClosedAt: ptr(at("2026-09-03T09:00:00+08:00"))},
			{ID: "K0", Customer: "C2", Severity: retention.Normal, ReceivedAt: at("2026-01-01T00:00:00Z")},
		},
		Surveys: []retention.Survey{
			{Customer: "C1", Touch: retention.ServiceFollowup2D, At: at("2026-09-03T10:00:00+08:00"),
				Answers: map[string]int{"q1": 5, "q2": 1}, Recommend: ptr(10), Advisor: "A1"},
			{Customer: "C2", Touch: retention.SaleFollowup3D, At: at("2026-01-04T10:00:00Z"), Answers: map[string]int{}},
		},
	}
	return ds
}

// collect drains a stream, failing the test on an error.
func collect[T any](t *testing.T, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatalf("stream: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// contents reads everything back from a store, in the documented orders.
type contents struct {
	Dealers    []retention.Dealer
	Models     []retention.Model
	Customers  []retention.Customer
	Histories  []retention.VehicleHistory
	Contacts   []retention.Contact
	Complaints []retention.Complaint
	Surveys    []retention.Survey
}

func read(t *testing.T, s retention.Store) contents {
	t.Helper()
	ctx := context.Background()
	dealers, err := s.Dealers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	models, err := s.Models(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return contents{Dealers: dealers, Models: models,
		Customers:  collect(t, s.Customers(ctx)),
		Histories:  collect(t, s.Histories(ctx, retention.HistoryFilter{})),
		Contacts:   collect(t, s.Contacts(ctx)),
		Complaints: collect(t, s.Complaints(ctx)),
		Surveys:    collect(t, s.Surveys(ctx)),
	}
}

// expected returns what read must return after importing ds.
func expected(ds *retention.Dataset) contents {
	var c contents
	c.Dealers = slices.Clone(ds.Dealers)
	slices.SortFunc(c.Dealers, func(a, b retention.Dealer) int { return stdcmp.Compare(a.ID, b.ID) })
	c.Models = slices.Clone(ds.Models)
	slices.SortFunc(c.Models, func(a, b retention.Model) int { return stdcmp.Compare(a.ID, b.ID) })
	c.Customers = slices.Clone(ds.Customers)
	slices.SortFunc(c.Customers, func(a, b retention.Customer) int { return stdcmp.Compare(a.ID, b.ID) })
	for _, v := range ds.Vehicles {
		h := retention.VehicleHistory{Vehicle: v}
		for _, vi := range ds.Visits {
			if vi.VIN == v.VIN {
				h.Visits = append(h.Visits, vi)
			}
		}
		slices.SortFunc(h.Visits, func(a, b retention.Visit) int {
			if c := int(a.OpenedOn.Sub(b.OpenedOn)); c != 0 {
				return c
			}
			return stdcmp.Compare(a.ID, b.ID)
		})
		c.Histories = append(c.Histories, h)
	}
	slices.SortFunc(c.Histories, func(a, b retention.VehicleHistory) int {
		if c := stdcmp.Compare(a.Vehicle.Customer, b.Vehicle.Customer); c != 0 {
			return c
		}
		return stdcmp.Compare(a.Vehicle.VIN, b.Vehicle.VIN)
	})
	for _, x := range ds.Contacts {
		c.Contacts = append(c.Contacts, x.Stored())
	}
	slices.SortStableFunc(c.Contacts, func(a, b retention.Contact) int { return a.At.Compare(b.At) })
	for _, x := range ds.Complaints {
		c.Complaints = append(c.Complaints, x.Stored())
	}
	slices.SortFunc(c.Complaints, func(a, b retention.Complaint) int { return stdcmp.Compare(a.ID, b.ID) })
	for _, x := range ds.Surveys {
		c.Surveys = append(c.Surveys, x.Stored())
	}
	slices.SortStableFunc(c.Surveys, func(a, b retention.Survey) int { return a.At.Compare(b.At) })
	return c
}

func mustImport(t *testing.T, s retention.Store, ds *retention.Dataset) {
	t.Helper()
	if err := s.Import(context.Background(), ds); err != nil {
		t.Fatalf("Import: %v", err)
	}
}

func testImportRoundTrip(t *testing.T, s retention.Store) {
	ds := Dataset()
	mustImport(t, s, ds)
	if diff := cmp.Diff(expected(ds), read(t, s), cmpOpts); diff != "" {
		t.Errorf("read back (-imported +stored):\n%s", diff)
	}
	// The store keeps no reference to the caller's records.
	ds.Customers[0].Birthday = ptr(d("2000-01-01"))
	ds.Visits[0].ComplaintCodes[0] = "changed"
	if diff := cmp.Diff(expected(Dataset()), read(t, s), cmpOpts); diff != "" {
		t.Errorf("the store shares memory with the caller (-imported +stored):\n%s", diff)
	}
}

// errorNames checks that err is of kind and names the record and field.
func errorNames(t *testing.T, err error, kind retention.Kind, record, field string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v is not %v", err, kind)
	}
	var found bool
	for _, e := range flatten(err) {
		var re *retention.Error
		if errors.As(e, &re) && re.Record == record && re.Field == field {
			found = true
		}
	}
	if !found {
		t.Errorf("error %q does not name %s: %s", err, record, field)
	}
}

// flatten returns err and every error it wraps, joined ones included.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	out := []error{err}
	switch e := err.(type) {
	case interface{ Unwrap() []error }:
		for _, x := range e.Unwrap() {
			out = append(out, flatten(x)...)
		}
	case interface{ Unwrap() error }:
		out = append(out, flatten(e.Unwrap())...)
	}
	return out
}

func empty(t *testing.T, s retention.Store) {
	t.Helper()
	if diff := cmp.Diff(contents{}, read(t, s), cmpOpts); diff != "" {
		t.Errorf("store is not empty (-want +got):\n%s", diff)
	}
}

func testImportIsAtomic(t *testing.T, s retention.Store) {
	ds := Dataset()
	ds.Surveys[1].Answers["q9"] = 6 // the very last record is invalid
	err := s.Import(context.Background(), ds)
	errorNames(t, err, retention.ErrInvalid, "surveys[1]", "answers.q9")
	empty(t, s)
}

func testReimportConflicts(t *testing.T, s retention.Store) {
	mustImport(t, s, Dataset())
	before := read(t, s)
	again := Dataset()
	again.Dealers, again.Models, again.Customers, again.Vehicles = nil, nil, nil, nil
	again.Visits = again.Visits[1:2] // RO1 exists
	again.Contacts, again.Complaints, again.Surveys = nil, nil, nil
	err := s.Import(context.Background(), again)
	errorNames(t, err, retention.ErrConflict, "visits/RO1", "id")
	if diff := cmp.Diff(before, read(t, s), cmpOpts); diff != "" {
		t.Errorf("a failed import changed the store (-before +after):\n%s", diff)
	}
	err = s.Import(context.Background(), Dataset())
	if !errors.Is(err, retention.ErrConflict) {
		t.Errorf("re-import of everything: %v, want a conflict", err)
	}
}

func testIncrementalImport(t *testing.T, s retention.Store) {
	ds := Dataset()
	visits := ds.Visits
	ds.Visits = nil
	mustImport(t, s, ds)
	more := &retention.Dataset{Visits: visits}
	mustImport(t, s, more)
	if diff := cmp.Diff(expected(Dataset()), read(t, s), cmpOpts); diff != "" {
		t.Errorf("after two imports (-want +got):\n%s", diff)
	}
	bad := &retention.Dataset{Visits: []retention.Visit{{ID: "RO9", VIN: "NOPE", Dealer: "D1", OpenedOn: d("2026-01-01"),
		ClosedOn: d("2026-01-01"), Kind: retention.Repair}}}
	errorNames(t, s.Import(context.Background(), bad), retention.ErrInvalid, "visits/RO9", "vin")
}

// countdown is a context that is cancelled once it has been asked Done or
// Err n times: deterministic cancellation in the middle of an operation.
type countdown struct {
	context.Context
	n    atomic.Int64
	once sync.Once
	ch   chan struct{}
}

func newCountdown(n int64) *countdown {
	c := &countdown{Context: context.Background(), ch: make(chan struct{})}
	c.n.Store(n)
	return c
}

func (c *countdown) tick() {
	if c.n.Add(-1) <= 0 {
		c.once.Do(func() { close(c.ch) })
	}
}

// Done counts a question and returns the channel closed at zero.
func (c *countdown) Done() <-chan struct{} { c.tick(); return c.ch }

// Err counts a question and reports context.Canceled from zero on.
func (c *countdown) Err() error {
	c.tick()
	select {
	case <-c.ch:
		return context.Canceled
	default:
		return nil
	}
}

// bigDataset is Dataset with n more visits of LFV1.
func bigDataset(n int) *retention.Dataset {
	ds := Dataset()
	for i := range n {
		on := retention.AddDays(d("2024-06-01"), i%700)
		ds.Visits = append(ds.Visits, retention.Visit{ID: fmt.Sprintf("X%06d", i), VIN: "LFV1", Dealer: "D1",
			OpenedOn: on, ClosedOn: on, Kind: retention.Maintenance, Amount: decimal.New(int64(i), -2)})
	}
	return ds
}

func testCancelledImport(t *testing.T, s retention.Store) {
	ds := bigDataset(3000)
	cancelledOnce := false
	for _, n := range []int64{1, 3, 10, 30, 100, 300, 1000} {
		err := s.Import(newCountdown(n), ds)
		if err == nil {
			if !cancelledOnce {
				t.Fatalf("countdown %d: import finished before any cancellation", n)
			}
			if got := len(read(t, s).Histories); got != len(ds.Vehicles) {
				t.Errorf("after a complete import: %d vehicles", got)
			}
			return
		}
		cancelledOnce = true
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("countdown %d: error %v does not wrap context.Canceled", n, err)
		}
		empty(t, s)
	}
}

func testOrdering(t *testing.T, s retention.Store) {
	ds := bigDataset(50)
	mustImport(t, s, ds)
	got := read(t, s)
	if diff := cmp.Diff(expected(ds), got, cmpOpts); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// edgeCustomers have hashes on either side of the ends of partitions of 2
// and 3 (found by search; testPartitions checks the hashes), with their
// partitions worked out by hand: 2^31 starts the second half, and
// ceil(2^32/3) = 1431655766 the second third.
var edgeCustomers = []struct {
	id   string
	hash uint32
	of   map[int]int // its partition of n, by n
}{
	{"C-EDGE-FPZRLSE", 1<<31 - 1, map[int]int{2: 0, 3: 1}},
	{"C-EDGE-6QILCL", 1 << 31, map[int]int{2: 1, 3: 1}},
	{"C-EDGE-6WPEDV", 1431655765, map[int]int{2: 0, 3: 0}},
	{"C-EDGE-QNBTGQ", 1431655766, map[int]int{2: 0, 3: 1}},
}

// checkPartitions reads the partitions of 2 and of 3 of a stream (read,
// for a filter) and checks that each is in order (cmp) and not empty, that
// every record in it belongs there (its customer's PartitionOf), that the
// edge customers are where the ranges put them, and that together the
// partitions are all, the whole stream unfiltered, in order.
func checkPartitions[T any](t *testing.T, what string, read func(retention.HistoryFilter) []T,
	customer func(*T) string, order func(a, b T) int) {
	t.Helper()
	all := read(retention.HistoryFilter{})
	for _, n := range []int{2, 3} {
		var union []T
		inPart := map[string]int{}
		for p := range n {
			part := read(retention.HistoryFilter{Partition: p, Partitions: n})
			if len(part) == 0 {
				t.Errorf("%s: partition %d of %d is empty", what, p, n)
			}
			if !slices.IsSortedFunc(part, order) {
				t.Errorf("%s: partition %d of %d out of order", what, p, n)
			}
			for i := range part {
				c := customer(&part[i])
				if got := retention.PartitionOf(c, n); got != p {
					t.Errorf("%s: customer %s in partition %d of %d, want %d", what, c, p, n, got)
				}
				inPart[c] = p
			}
			union = append(union, part...)
		}
		for _, e := range edgeCustomers {
			if got, ok := inPart[e.id]; !ok || got != e.of[n] {
				t.Errorf("%s: customer %s (hash %d) in partition %d (%t) of %d, want %d", what, e.id, e.hash, got, ok, n, e.of[n])
			}
		}
		slices.SortFunc(union, order)
		if diff := cmp.Diff(all, union, cmpOpts); diff != "" {
			t.Errorf("%s: the partitions of %d are not the whole (-all +union):\n%s", what, n, diff)
		}
	}
}

// testPartitions: the partitions of 2 and of 3 of the histories and of
// the customers (checkPartitions) are disjoint, make up the whole, hold
// each customer where PartitionOf says, and put the customers whose hash
// is just before, on and after a partition's end where the ranges do.
func testPartitions(t *testing.T, s retention.Store) {
	ds := Dataset()
	ids := make([]string, 0, 40+len(edgeCustomers))
	for i := range 40 {
		ids = append(ids, fmt.Sprintf("P%02d", i))
	}
	for _, e := range edgeCustomers {
		if h := retention.CustomerHash(e.id); h != e.hash {
			t.Fatalf("CustomerHash(%q) = %d, want %d", e.id, h, e.hash)
		}
		ids = append(ids, e.id)
	}
	addCustomers(ds, ids)
	mustImport(t, s, ds)
	ctx := context.Background()
	checkPartitions(t, "Histories", func(f retention.HistoryFilter) []retention.VehicleHistory { return collect(t, s.Histories(ctx, f)) },
		func(h *retention.VehicleHistory) string { return h.Vehicle.Customer },
		func(a, b retention.VehicleHistory) int {
			return stdcmp.Or(stdcmp.Compare(a.Vehicle.Customer, b.Vehicle.Customer), stdcmp.Compare(a.Vehicle.VIN, b.Vehicle.VIN))
		})
	// retention.CustomersIn: the store's own, or Customers filtered; with
	// no partition, every customer, with vehicles or not.
	checkPartitions(t, "CustomersIn", func(f retention.HistoryFilter) []retention.Customer {
		return collect(t, retention.CustomersIn(ctx, s, f))
	}, func(c *retention.Customer) string { return c.ID },
		func(a, b retention.Customer) int { return stdcmp.Compare(a.ID, b.ID) })
	if diff := cmp.Diff(collect(t, s.Customers(ctx)), collect(t, retention.CustomersIn(ctx, s, retention.HistoryFilter{})), cmpOpts); diff != "" {
		t.Errorf("CustomersIn of no partition (-Customers +CustomersIn):\n%s", diff)
	}
}

// testVisitsAfter: a filter with VisitsAfter yields every vehicle, with
// the visits opened after the day only (on the day is out, the day before
// in), alone and with a partition.
func testVisitsAfter(t *testing.T, s retention.Store) {
	ctx := context.Background()
	mustImport(t, s, Dataset())
	all := collect(t, s.Histories(ctx, retention.HistoryFilter{}))
	for _, after := range []string{"2024-05-30", "2024-05-31", "2026-08-30", "2026-08-31"} {
		for _, f := range []retention.HistoryFilter{{VisitsAfter: ptr(d(after))}, {VisitsAfter: ptr(d(after)), Partition: 1, Partitions: 2}} {
			var want []retention.VehicleHistory
			for _, h := range all {
				if !f.Selects(h.Vehicle.Customer) {
					continue
				}
				kept := retention.VehicleHistory{Vehicle: h.Vehicle}
				for _, v := range h.Visits {
					if v.OpenedOn.After(d(after)) {
						kept.Visits = append(kept.Visits, v)
					}
				}
				want = append(want, kept)
			}
			if diff := cmp.Diff(want, collect(t, s.Histories(ctx, f)), cmpOpts); diff != "" {
				t.Errorf("visits after %s, partition %d of %d (-want +got):\n%s", after, f.Partition, f.Partitions, diff)
			}
		}
	}
	// By hand: after 2026-08-30, LFV1 keeps RO2 and RO3 (both 2026-08-31).
	got := collect(t, s.Histories(ctx, retention.HistoryFilter{VisitsAfter: ptr(d("2026-08-30"))}))
	var ids []string
	for _, h := range got {
		for _, v := range h.Visits {
			ids = append(ids, v.ID)
		}
	}
	if diff := cmp.Diff([]string{"RO2", "RO3"}, ids); len(got) != 3 || diff != "" {
		t.Errorf("after 2026-08-30: %d vehicles (want 3), visits (-want +got):\n%s", len(got), diff)
	}
}

// addCustomers adds to ds a customer of each id with two vehicles, VINs
// id-0 and id-1.
func addCustomers(ds *retention.Dataset, ids []string) {
	for _, id := range ids {
		ds.Customers = append(ds.Customers, retention.Customer{ID: id, Kind: retention.Individual})
		for j := range 2 {
			ds.Vehicles = append(ds.Vehicles, retention.Vehicle{VIN: fmt.Sprintf("%s-%d", id, j), Customer: id, Model: "M1",
				Dealer: "D1", DeliveredOn: d("2025-01-01"), Purchase: retention.FirstPurchase})
		}
	}
}

// testVINRanges checks a retention.StatusRangeReader: the status facts of
// a range of VINs are those of StatusFacts in it, for ranges bounded on,
// between, before and after the VINs, open and empty; SplitVINs splits as
// retention.SplitVINs does, into ranges that together hold every vehicle
// once; and a cancelled context is an error.
func testVINRanges(t *testing.T, s retention.Store) {
	rr, ok := s.(retention.StatusRangeReader)
	if !ok {
		t.Logf("%T is not a retention.StatusRangeReader: nothing to check", s)
		return
	}
	ds := Dataset()
	ids := make([]string, 30)
	for i := range ids {
		ids[i] = fmt.Sprintf("R%02d", i)
	}
	addCustomers(ds, ids)
	for i, v := range ds.Vehicles[3:] { // a visit to every third of them, in or out of the window
		if i%3 == 0 {
			on := retention.AddDays(d("2026-08-31"), -i)
			ds.Visits = append(ds.Visits, retention.Visit{ID: "RO-" + v.VIN, VIN: v.VIN, Dealer: "D2", OpenedOn: on, ClosedOn: on,
				Kind: retention.Repair, Amount: decimal.New(100, 0)})
		}
	}
	mustImport(t, s, ds)
	ctx := context.Background()
	w := retention.StatusWindows{AsOf: d("2026-08-31"), VisitFrom: d("2026-08-01"), EffectiveFrom: d("2024-05-31")}
	all := collect(t, s.StatusFacts(ctx, retention.HistoryFilter{}, w))
	if len(all) != len(ds.Vehicles) {
		t.Fatalf("StatusFacts: %d vehicles, want %d", len(all), len(ds.Vehicles))
	}
	in := func(r retention.VINRange) []retention.StatusFacts {
		var out []retention.StatusFacts
		for _, x := range all {
			if r.Contains(x.VIN) {
				out = append(out, x)
			}
		}
		return out
	}
	for _, r := range []retention.VINRange{{}, {From: "LFV1"}, {Before: "LFV1"}, {From: "LFV1", Before: "LFV2"},
		{From: "LFV0~", Before: "LFV1!"}, {From: "R05-1", Before: "R17-0"}, {From: "LFV2", Before: "LFV1"},
		{From: "~"}, {Before: "0"}} {
		if diff := cmp.Diff(in(r), collect(t, rr.StatusFactsIn(ctx, r, w)), cmpOpts); diff != "" {
			t.Errorf("StatusFactsIn(%+v) (-want +got):\n%s", r, diff)
		}
	}
	// By hand: LFV1's visits are RO1 2024-05-31, RO2 and RO3 2026-08-31.
	want := []retention.StatusFacts{{VIN: "LFV1", Customer: "C1", DeliveredOn: d("2024-02-29"), LastVisit: ptr(d("2026-08-31")),
		InWindow: 2, InEffective: 2}}
	if diff := cmp.Diff(want, collect(t, rr.StatusFactsIn(ctx, retention.VINRange{From: "LFV1", Before: "LFV2"}, w)), cmpOpts); diff != "" {
		t.Errorf("by hand (-want +got):\n%s", diff)
	}

	vins := make([]string, len(all))
	for i, x := range all {
		vins[i] = x.VIN
	}
	for _, n := range []int{-1, 0, 1, 2, 3, 7, len(vins) - 1, len(vins), len(vins) + 5} {
		splits, err := rr.SplitVINs(ctx, n)
		if err != nil {
			t.Fatalf("SplitVINs(%d): %v", n, err)
		}
		if diff := cmp.Diff(retention.SplitVINs(vins, n), splits, cmpOpts); diff != "" {
			t.Errorf("SplitVINs(%d) (-want +got):\n%s", n, diff)
		}
		var union []retention.StatusFacts
		for _, r := range retention.VINRangesAt(splits) {
			union = append(union, collect(t, rr.StatusFactsIn(ctx, r, w))...)
		}
		if diff := cmp.Diff(all, union, cmpOpts); diff != "" {
			t.Errorf("SplitVINs(%d): the ranges are not the whole (-want +union):\n%s", n, diff)
		}
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, n := range []int{1, 2} {
		if _, err := rr.SplitVINs(cancelled, n); !errors.Is(err, context.Canceled) {
			t.Errorf("SplitVINs(%d) with a cancelled context: %v, want context.Canceled", n, err)
		}
	}
	if err := firstErr(rr.StatusFactsIn(cancelled, retention.VINRange{}, w)); !errors.Is(err, context.Canceled) {
		t.Errorf("StatusFactsIn with a cancelled context: %v, want context.Canceled", err)
	}
}

// testStatusFacts checks the store's aggregates against
// StatusWindows.Facts over its own histories, with windows on, before and
// after the visit dates (month ends), per dealer and per partition, and
// pins one case by hand.
func testStatusFacts(t *testing.T, s retention.Store) {
	ctx := context.Background()
	mustImport(t, s, Dataset())
	histories := collect(t, s.Histories(ctx, retention.HistoryFilter{}))
	slices.SortFunc(histories, func(a, b retention.VehicleHistory) int { return stdcmp.Compare(a.Vehicle.VIN, b.Vehicle.VIN) })
	var cases []retention.StatusWindows
	for _, asOf := range []string{"2026-08-30", "2026-08-31", "2026-09-01"} {
		for _, from := range []string{"2024-05-30", "2024-05-31", "2026-08-30", "2026-08-31"} {
			for _, dealer := range []string{"", "D1", "D2"} {
				cases = append(cases, retention.StatusWindows{AsOf: d(asOf), VisitFrom: d(from), EffectiveFrom: d("2024-05-30"), Dealer: dealer},
					retention.StatusWindows{AsOf: d(asOf), VisitFrom: d("2024-05-30"), EffectiveFrom: d(from), Dealer: dealer})
			}
		}
	}
	for _, w := range cases {
		var want []retention.StatusFacts
		for i := range histories {
			want = append(want, w.Facts(&histories[i]))
		}
		got := collect(t, s.StatusFacts(ctx, retention.HistoryFilter{}, w))
		if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", w, diff)
		}
		var union []retention.StatusFacts
		for p := range 2 {
			f := retention.HistoryFilter{Partition: p, Partitions: 2}
			for _, x := range collect(t, s.StatusFacts(ctx, f, w)) {
				if !f.Selects(x.Customer) {
					t.Errorf("%+v: vehicle %s of customer %s in partition %d", w, x.VIN, x.Customer, p)
				}
				union = append(union, x)
			}
		}
		slices.SortFunc(union, func(a, b retention.StatusFacts) int { return stdcmp.Compare(a.VIN, b.VIN) })
		if diff := cmp.Diff(want, union, cmpOpts); diff != "" {
			t.Errorf("%+v: the partitions are not the whole (-want +union):\n%s", w, diff)
		}
	}
	// By hand: LFV1's visits are RO1 2024-05-31 (D1), RO2 2026-08-31 (D2)
	// and RO3 2026-08-31 (D1); windows start the day after their date.
	w := retention.StatusWindows{AsOf: d("2026-08-31"), VisitFrom: d("2026-08-30"), EffectiveFrom: d("2024-05-31"), Dealer: "D1"}
	want := []retention.StatusFacts{
		{VIN: "LFV0", Customer: "C2", DeliveredOn: d("2020-01-31"), Scrapped: true},
		{VIN: "LFV1", Customer: "C1", DeliveredOn: d("2024-02-29"), LastVisit: ptr(d("2026-08-31")), InWindow: 1, InEffective: 1},
		{VIN: "LFV2", Customer: "C2", DeliveredOn: d("2025-12-31")},
	}
	if diff := cmp.Diff(want, collect(t, s.StatusFacts(ctx, retention.HistoryFilter{}, w)), cmpOpts); diff != "" {
		t.Errorf("by hand (-want +got):\n%s", diff)
	}
}

func testNotFound(t *testing.T, s retention.Store) {
	mustImport(t, s, Dataset())
	_, err := s.Customer(context.Background(), "NOPE")
	errorNames(t, err, retention.ErrNotFound, "customers/NOPE", "")
	c, err := s.Customer(context.Background(), "C1")
	if err != nil || c.ID != "C1" || c.Birthday == nil || *c.Birthday != d("1984-02-29") {
		t.Errorf("Customer(C1) = %+v, %v", c, err)
	}
}

func testAppendOnlyLogs(t *testing.T, s retention.Store) {
	ctx := context.Background()
	mustImport(t, s, Dataset())
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	key := "maintenance-due/LFV1/2026-08-31"
	first := retention.Contact{Task: key, At: at, Channel: retention.Phone, Outcome: retention.NoAnswer}
	second := retention.Contact{Task: key, At: at, Channel: retention.Phone, Outcome: retention.Reached}
	if err := s.AppendContacts(ctx, []retention.Contact{first}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendContacts(ctx, []retention.Contact{second}); err != nil {
		t.Fatal(err)
	}
	var outcomes []retention.Outcome
	for _, c := range collect(t, s.Contacts(ctx)) {
		if c.Task == key {
			outcomes = append(outcomes, c.Outcome)
		}
	}
	// Same instant: the order of appending; the first outcome is kept.
	if diff := cmp.Diff([]retention.Outcome{retention.NoAnswer, retention.Reached}, outcomes); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	bad := retention.Contact{Task: key, At: at, Channel: retention.Phone}
	errorNames(t, s.AppendContacts(ctx, []retention.Contact{bad}), retention.ErrInvalid, "contacts[0]", "outcome")

	dup := Dataset().Complaints[0]
	fresh := retention.Complaint{ID: "K9", Customer: "C3", Severity: retention.Normal, ReceivedAt: at}
	errorNames(t, s.AppendComplaints(ctx, []retention.Complaint{fresh, dup}), retention.ErrConflict, "complaints/K1", "id")
	if n := len(collect(t, s.Complaints(ctx))); n != 2 {
		t.Errorf("a failed append wrote: %d complaints, want 2", n)
	}
	if err := s.AppendComplaints(ctx, []retention.Complaint{fresh}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendSurveys(ctx, []retention.Survey{{Customer: "C3", Touch: retention.Birthday, At: at, Answers: map[string]int{"q": 3}}}); err != nil {
		t.Fatal(err)
	}
	badSurvey := retention.Survey{Customer: "C3", Touch: retention.Birthday, At: at, Answers: map[string]int{"q": 0}}
	errorNames(t, s.AppendSurveys(ctx, []retention.Survey{badSurvey}), retention.ErrInvalid, "surveys[0]", "answers.q")
	if n := len(collect(t, s.Surveys(ctx))); n != 3 {
		t.Errorf("%d surveys, want 3", n)
	}
}

func task(key string, due string) retention.Task {
	touch, subject, anchor, err := retention.ParseTaskKey(key)
	if err != nil {
		panic(err)
	}
	return retention.Task{Key: key, Touch: touch, Customer: "C1", VIN: subject, Anchor: anchor, Dealer: "D1",
		Owner: retention.DealerDCRC, Channel: retention.Phone, Window: "18:00-20:00", DueOn: d(due),
		ExpiresOn: retention.AddDays(d(due), 7), Priority: 2, Attempts: 1, Reason: "maintenance due"}
}

func testSaveTasksIdempotent(t *testing.T, s retention.Store) {
	ctx := context.Background()
	mustImport(t, s, Dataset())
	plan := []retention.Task{task("maintenance-due/LFV1/2026-02-28", "2026-05-31"),
		task("first-service-call/LFV2/2025-12-31", "2026-01-21"), task("insurance-renewal/LFV1/2027-01-31", "2027-01-01")}
	added, err := s.SaveTasks(ctx, plan)
	if err != nil || added != 3 {
		t.Fatalf("first save: %d, %v", added, err)
	}
	if err := s.AppendContacts(ctx, []retention.Contact{{Task: plan[0].Key, At: time.Now(), Channel: retention.Phone, Outcome: retention.Reached}}); err != nil {
		t.Fatal(err)
	}
	changed := slices.Clone(plan)
	changed[0].Attempts, changed[0].Reason = 0, "recomputed"
	added, err = s.SaveTasks(ctx, changed)
	if err != nil || added != 0 {
		t.Fatalf("second save: %d, %v", added, err)
	}
	got := collect(t, s.Tasks(ctx, retention.TaskFilter{}))
	want := []retention.Task{plan[1], plan[0], plan[2]} // by due date
	if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
		t.Errorf("tasks (-want +got):\n%s", diff)
	}
	from, to := d("2026-01-21"), d("2026-05-31")
	got = collect(t, s.Tasks(ctx, retention.TaskFilter{From: &from, To: &to}))
	if diff := cmp.Diff(want[:2], got, cmpOpts); diff != "" {
		t.Errorf("tasks due in [%s, %s] (-want +got):\n%s", from, to, diff)
	}
	if n := len(collect(t, s.Contacts(ctx))); n != 3 {
		t.Errorf("contacts after saving the plan again: %d, want 3", n)
	}
}

// testSaveTaskSeq: retention.SaveTaskSeq (the store's own SaveTaskSeq
// or the fallback through SaveTasks) saves several statements' worth of
// tasks in one transaction: nothing when the sequence fails or the context
// is cancelled after some were written, nothing visible before the end,
// each key once; the sequence may read the store meanwhile.
func testSaveTaskSeq(t *testing.T, s retention.Store) {
	ctx := context.Background()
	mustImport(t, s, Dataset())
	const n = 1234 // more than two INSERT statements of 500
	plan := make([]retention.Task, n)
	for i := range plan {
		plan[i] = task(fmt.Sprintf("maintenance-due/V%04d/2026-01-01", i), "2026-01-01")
	}
	stored := func() int { return len(collect(t, s.Tasks(ctx, retention.TaskFilter{}))) }
	// seq yields plan, with a duplicate of its first task at the end; at
	// task i it calls at(i), which may stop it with an error.
	seq := func(at func(i int) error) iter.Seq2[retention.Task, error] {
		return func(yield func(retention.Task, error) bool) {
			for i, x := range append(slices.Clone(plan), plan[0]) {
				if err := at(i); err != nil {
					yield(retention.Task{}, err)
					return
				}
				if !yield(x, nil) {
					return
				}
			}
		}
	}
	if _, err := s.SaveTasks(ctx, plan[:3]); err != nil {
		t.Fatal(err)
	}

	errStop := errors.New("the plan failed")
	_, err := retention.SaveTaskSeq(ctx, s, seq(func(i int) error {
		if i == 1100 {
			return errStop
		}
		return nil
	}))
	if !errors.Is(err, errStop) {
		t.Errorf("a sequence failing at task 1,100: %v, want its error", err)
	}
	if got := stored(); got != 3 {
		t.Errorf("after the failed save: %d tasks stored, want the 3 saved before", got)
	}

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	_, err = retention.SaveTaskSeq(cctx, s, seq(func(i int) error {
		if i == 700 {
			cancel()
		}
		return nil
	}))
	if !errors.Is(err, context.Canceled) || retention.ErrorKind(err) != retention.ErrInternal {
		t.Errorf("a save cancelled at task 700: %v, want context.Canceled of kind internal", err)
	}
	if got := stored(); got != 3 {
		t.Errorf("after the cancelled save: %d tasks stored, want 3", got)
	}

	seen := -1
	added, err := retention.SaveTaskSeq(ctx, s, seq(func(i int) error {
		if i == 1100 { // reading the store, with two statements written
			if _, err := s.Customer(ctx, "C1"); err != nil {
				return err
			}
			seen = stored()
		}
		return nil
	}))
	if err != nil || added != n-3 {
		t.Fatalf("saving %d tasks, 3 of them stored and one twice: %d added, %v; want %d", n, added, err, n-3)
	}
	if seen != 3 {
		t.Errorf("during the save: %d tasks stored, want the 3 saved before", seen)
	}
	got := collect(t, s.Tasks(ctx, retention.TaskFilter{}))
	if diff := cmp.Diff(plan, got, cmpOpts); diff != "" { // by due date, then key
		t.Errorf("tasks (-want +got):\n%s", diff)
	}
}

func testConcurrentWriters(t *testing.T, s retention.Store) {
	ctx := context.Background()
	mustImport(t, s, Dataset())
	const writers, each = 6, 40
	var wg sync.WaitGroup
	var added atomic.Int64
	errs := make(chan error, writers*2)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cs []retention.Contact
			var ts []retention.Task
			for i := range each {
				key := fmt.Sprintf("maintenance-due/V%d/2026-01-01", i) // every writer saves the same tasks
				cs = append(cs, retention.Contact{Task: key, At: time.Date(2026, 1, 2, w, i, 0, 0, time.UTC),
					Channel: retention.SMS, Outcome: retention.SMSSent})
				ts = append(ts, task(key, "2026-01-01"))
			}
			for i := range cs {
				if err := s.AppendContacts(ctx, cs[i:i+1]); err != nil {
					errs <- err
					return
				}
			}
			n, err := s.SaveTasks(ctx, ts)
			if err != nil {
				errs <- err
				return
			}
			added.Add(int64(n))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := len(collect(t, s.Contacts(ctx))); n != 2+writers*each {
		t.Errorf("%d contacts, want %d", n, 2+writers*each)
	}
	if n := len(collect(t, s.Tasks(ctx, retention.TaskFilter{}))); n != each || added.Load() != each {
		t.Errorf("%d tasks stored, %d reported added, want %d", n, added.Load(), each)
	}
}

// testCustomerContacts: each attempt goes to the owner of the vehicle its
// task is about, or else to the customer it is about (a VIN wins over an
// equal customer id); customers without vehicles, unknown subjects and
// malformed keys are left out; a customer's attempts come by At, then in
// append order, whether imported or appended; partitions split them by
// customer.
func testCustomerContacts(t *testing.T, s retention.Store) {
	ctx := context.Background()
	ds := Dataset()
	mustImport(t, s, ds)
	mustImport(t, s, &retention.Dataset{ // a customer whose id is another's VIN
		Customers: []retention.Customer{{ID: "LFV2", Kind: retention.Individual}},
		Vehicles: []retention.Vehicle{{VIN: "LFV7", Customer: "LFV2", Model: "M1", Dealer: "D1", DeliveredOn: d("2025-01-31"),
			Price: decimal.RequireFromString("1"), Purchase: retention.FirstPurchase}},
	})
	t0 := time.Date(2026, 5, 6, 8, 0, 0, 0, time.UTC)
	t1 := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	contact := func(task string, at time.Time) retention.Contact {
		return retention.Contact{Task: task, At: at, Channel: retention.Phone, Outcome: retention.NoAnswer}
	}
	birthdayC1 := contact("birthday/C1/2026-11-28", t1)
	dueLFV1 := contact("maintenance-due/LFV1/2026-08-31", t1) // the same instant, appended after
	milestone := contact("mileage-milestone/LFV2@30000km/2026-05-06", t0)
	aboutVIN := contact("birthday/LFV2/2026-11-28", t1.Add(time.Hour))
	ofLFV2 := contact("maintenance-due/LFV7/2026-08-31", t0)
	// C2's vehicles LFV0 and LFV2: attempts whose order is neither by VIN
	// nor by vehicle. LFV0's at t0 ties with the milestone on LFV2,
	// appended after it; LFV0's last comes after all of LFV2's.
	tieLFV0 := contact("maintenance-due/LFV0/2026-05-06", t0)
	lastLFV0 := contact("maintenance-due/LFV0/2026-11-22", t1.Add(2*time.Hour))
	if err := s.AppendContacts(ctx, []retention.Contact{birthdayC1, dueLFV1, milestone,
		contact("birthday/C3/2026-11-28", t0),          // C3 has no vehicles
		contact("maintenance-due/NOPE/2026-08-31", t0), // no such vehicle or customer
		contact("nonsense", t0), aboutVIN, ofLFV2, tieLFV0, lastLFV0}); err != nil {
		t.Fatal(err)
	}
	imported := expected(ds).Contacts // [lost-recall/LFV0 (2020), sale-followup-3d/LFV1 (2024)]
	want := []retention.CustomerContacts{
		{Customer: "C1", Contacts: []retention.Contact{imported[1], birthdayC1, dueLFV1}},
		{Customer: "C2", Contacts: []retention.Contact{imported[0], milestone, tieLFV0, aboutVIN, lastLFV0}},
		{Customer: "LFV2", Contacts: []retention.Contact{ofLFV2}},
	}
	if diff := cmp.Diff(want, collect(t, s.CustomerContacts(ctx, retention.HistoryFilter{})), cmpOpts); diff != "" {
		t.Errorf("CustomerContacts (-want +got):\n%s", diff)
	}
	for n := 2; n <= 3; n++ {
		var got []retention.CustomerContacts
		for p := range n {
			f := retention.HistoryFilter{Partition: p, Partitions: n}
			for _, cc := range collect(t, s.CustomerContacts(ctx, f)) {
				if !f.Selects(cc.Customer) {
					t.Errorf("partition %d/%d yields customer %s", p, n, cc.Customer)
				}
				got = append(got, cc)
			}
		}
		slices.SortFunc(got, func(a, b retention.CustomerContacts) int { return stdcmp.Compare(a.Customer, b.Customer) })
		if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
			t.Errorf("CustomerContacts over %d partitions (-want +got):\n%s", n, diff)
		}
	}
}

func testCancelledRead(t *testing.T, s retention.Store) {
	mustImport(t, s, bigDataset(100))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := firstErr(s.Histories(ctx, retention.HistoryFilter{})); !errors.Is(err, context.Canceled) {
		t.Errorf("reading with a cancelled context: %v, want context.Canceled", err)
	}
	if err := firstErr(s.CustomerContacts(ctx, retention.HistoryFilter{})); !errors.Is(err, context.Canceled) {
		t.Errorf("CustomerContacts with a cancelled context: %v, want context.Canceled", err)
	}
	if err := firstErr(retention.CustomersIn(ctx, s, retention.HistoryFilter{Partition: 1, Partitions: 2})); !errors.Is(err, context.Canceled) {
		t.Errorf("CustomersIn with a cancelled context: %v, want context.Canceled", err)
	}
	if err := firstErr(retention.SurveysBetween(ctx, s, time.Time{}, time.Now())); !errors.Is(err, context.Canceled) {
		t.Errorf("SurveysBetween with a cancelled context: %v, want context.Canceled", err)
	}
	if _, err := s.Dealers(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Dealers with a cancelled context: %v", err)
	}
}

// testSurveysBetween: retention.SurveysBetween (the store's own, or
// Surveys filtered) yields the surveys from ≤ At ≤ to in the order of
// Surveys: one a microsecond before from is out, one on from and one on to
// are in, one a microsecond after to is out; bounds finer than the
// microsecond select as the instants stored to it compare; and the store's
// own method, when it has one, yields what filtering Surveys yields.
func testSurveysBetween(t *testing.T, s retention.Store) {
	ctx := context.Background()
	mustImport(t, s, Dataset())
	from, to := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 31, 23, 59, 59, 999999000, time.UTC)
	survey := func(customer string, at time.Time) retention.Survey {
		return retention.Survey{Customer: customer, Touch: retention.ServiceFollowup2D, At: at, Answers: map[string]int{"q1": 4}}
	}
	us := time.Microsecond
	// Appended out of time order, two at the same instant.
	if err := s.AppendSurveys(ctx, []retention.Survey{
		survey("C2", to), survey("C1", from.Add(-us)), survey("C1", from), survey("C2", to.Add(us)),
		survey("C1", from.Add(10*24*time.Hour)), survey("C2", from.Add(10*24*time.Hour)),
	}); err != nil {
		t.Fatal(err)
	}
	who := func(ss []retention.Survey) []string {
		var out []string
		for _, x := range ss {
			out = append(out, x.Customer+"@"+x.At.UTC().Format(time.RFC3339Nano))
		}
		return out
	}
	all := collect(t, s.Surveys(ctx))
	for _, tt := range []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"March", from, to, []string{"C1@2026-03-01T00:00:00Z", "C1@2026-03-11T00:00:00Z", "C2@2026-03-11T00:00:00Z",
			"C2@2026-03-31T23:59:59.999999Z"}},
		// Stored to the microsecond: after from+1ns means from the next
		// microsecond; up to to+999ns, to itself.
		{"bounds between microseconds", from.Add(-us + 1), to.Add(us - 1), []string{"C1@2026-03-01T00:00:00Z", "C1@2026-03-11T00:00:00Z",
			"C2@2026-03-11T00:00:00Z", "C2@2026-03-31T23:59:59.999999Z"}},
		{"one instant", from, from, []string{"C1@2026-03-01T00:00:00Z"}},
		{"none", to.Add(2 * us), to.Add(3 * us), nil},
	} {
		got := collect(t, retention.SurveysBetween(ctx, s, tt.from, tt.to))
		if diff := cmp.Diff(tt.want, who(got)); diff != "" {
			t.Errorf("SurveysBetween, %s (-want +got):\n%s", tt.name, diff)
		}
		var want []retention.Survey // Surveys, filtered
		for _, x := range all {
			if !x.At.Before(tt.from) && !x.At.After(tt.to) {
				want = append(want, x)
			}
		}
		if diff := cmp.Diff(want, got, cmpOpts); diff != "" {
			t.Errorf("SurveysBetween, %s (-Surveys filtered +got):\n%s", tt.name, diff)
		}
		if _, ok := s.(retention.SurveysInSpan); ok {
			// The generic path, as for a store without the method.
			generic := collect(t, retention.SurveysBetween(ctx, logsOnly{s}, tt.from, tt.to))
			if diff := cmp.Diff(generic, got, cmpOpts); diff != "" {
				t.Errorf("SurveysBetween, %s (-Surveys filtered by retention +the store's own):\n%s", tt.name, diff)
			}
		}
	}
}

// logsOnly hides every method of a store but those of retention.Logs.
type logsOnly struct{ retention.Logs }

// firstErr returns the first error a stream yields, or nil.
func firstErr[T any](seq iter.Seq2[T, error]) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

func testStreamStopsEarly(t *testing.T, s retention.Store) {
	mustImport(t, s, bigDataset(100))
	ctx := context.Background()
	for i := range 20 { // stopping early must release whatever the stream holds
		for _, err := range s.Histories(ctx, retention.HistoryFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		for _, err := range s.CustomerContacts(ctx, retention.HistoryFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
		if _, err := s.SaveTasks(ctx, []retention.Task{task(fmt.Sprintf("holiday/C%d/2026-10-01", i), "2026-10-01")}); err != nil {
			t.Fatalf("write after an abandoned stream: %v", err)
		}
	}
}

// manyRows is Fleet(n) with two contact attempts per vehicle, and values
// in every field that may be empty or absent except for every third
// customer's: with n in the hundreds, every stream is longer than what a
// store reads at a time (sqlstore: 256 rows), and empty texts and absent
// values come on either side of a batch's end.
func manyRows(n int) *retention.Dataset {
	ds := Fleet(n)
	for i := range ds.Customers {
		c, v, visits := &ds.Customers[i], &ds.Vehicles[i], ds.Visits[10*i:10*i+10] // Fleet's order
		if i%3 == 0 {
			for j := range visits {
				visits[j].Advisor, visits[j].Technician = "", ""
			}
		} else {
			c.Name, c.Birthday = "王", ptr(retention.AddDays(d("1980-01-01"), i))
			v.SalesConsultant, v.InsuranceExpiresOn = "S1", ptr(retention.AddDays(v.DeliveredOn, 365))
			for j := range visits {
				visits[j].ComplaintCodes = []string{"B12"}
			}
		}
		for j := range 2 {
			at := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(2*i+j) * time.Minute)
			ds.Contacts = append(ds.Contacts, retention.Contact{Task: fmt.Sprintf("maintenance-due/%s/2026-0%d-01", v.VIN, j+1),
				At: at, Channel: retention.Phone, Outcome: retention.NoAnswer})
		}
	}
	return ds
}

// testManyRows: streams longer than what a store reads at a time yield
// every record, in order, with empty texts and absent values where they
// were; and a consumer that stops anywhere in them leaves the store
// usable: in the first batch, on either side of its end (a history is 11
// rows, so the 24th spans rows 254 to 264), and far past it.
func testManyRows(t *testing.T, s retention.Store) {
	ctx := context.Background()
	ds := manyRows(700)
	mustImport(t, s, ds)
	want := expected(ds)
	if diff := cmp.Diff(want, read(t, s), cmpOpts); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	owner := map[string]string{} // by VIN
	for _, v := range ds.Vehicles {
		owner[v.VIN] = v.Customer
	}
	var contacts []retention.CustomerContacts // by customer (as by time here), each's by time
	for _, c := range want.Contacts {
		vin, _ := retention.TaskSubject(c.Task)
		if n := len(contacts); n == 0 || contacts[n-1].Customer != owner[vin] {
			contacts = append(contacts, retention.CustomerContacts{Customer: owner[vin]})
		}
		contacts[len(contacts)-1].Contacts = append(contacts[len(contacts)-1].Contacts, c)
	}
	if len(contacts) != len(ds.Customers) {
		t.Fatalf("%d customers with attempts, want %d", len(contacts), len(ds.Customers))
	}
	if diff := cmp.Diff(contacts, collect(t, s.CustomerContacts(ctx, retention.HistoryFilter{})), cmpOpts); diff != "" {
		t.Errorf("CustomerContacts (-want +got):\n%s", diff)
	}
	// The fleet's last visits are in 2021 and 2022: windows that count
	// some of them, not all.
	w := retention.StatusWindows{AsOf: d("2022-12-31"), VisitFrom: d("2021-12-31"), EffectiveFrom: d("2022-08-31")}
	var facts []retention.StatusFacts // the VINs' order is the customers'
	for i := range want.Histories {
		facts = append(facts, w.Facts(&want.Histories[i]))
	}
	if diff := cmp.Diff(facts, collect(t, s.StatusFacts(ctx, retention.HistoryFilter{}, w)), cmpOpts); diff != "" {
		t.Errorf("StatusFacts (-want +got):\n%s", diff)
	}
	for _, stopAt := range []int{1, 23, 24, 25, 600} {
		n := 0
		for _, err := range s.Histories(ctx, retention.HistoryFilter{}) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == stopAt {
				break
			}
		}
		if _, err := s.SaveTasks(ctx, []retention.Task{task(fmt.Sprintf("holiday/C%d/2026-10-01", stopAt), "2026-10-01")}); err != nil {
			t.Fatalf("write after a stream stopped at %d: %v", stopAt, err)
		}
	}
}
