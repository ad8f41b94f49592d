// Package memstore is an in-memory retention.Store: for tests, examples and
// small tools. It is safe for concurrent use; records are copied on the way
// in and on the way out, so callers never share memory with it. Reads return
// records in the orders retention.Store documents, and instants to
// retention.InstantPrecision, like every store.
package memstore

import (
	"cmp"
	"context"
	"iter"
	"maps"
	"slices"
	"sync"

	"github.com/dcrc-go/dcrc/retention"
)

// Store is an in-memory retention.Store. The zero value is not usable; call
// New.
type Store struct {
	mu         sync.RWMutex
	dealers    map[string]retention.Dealer
	models     map[string]retention.Model
	customers  map[string]retention.Customer
	vehicles   map[string]retention.Vehicle
	visits     map[string][]retention.Visit // by VIN, sorted by (OpenedOn, ID)
	visitIDs   map[string]bool
	contacts   []retention.Contact // in append order
	complaints map[string]retention.Complaint
	surveys    []retention.Survey // in append order
	tasks      map[string]retention.Task
}

var (
	_ retention.Store             = (*Store)(nil)
	_ retention.StatusRangeReader = (*Store)(nil)
)

// New returns an empty store.
func New() *Store {
	return &Store{
		dealers: map[string]retention.Dealer{}, models: map[string]retention.Model{},
		customers: map[string]retention.Customer{}, vehicles: map[string]retention.Vehicle{},
		visits: map[string][]retention.Visit{}, visitIDs: map[string]bool{},
		complaints: map[string]retention.Complaint{}, tasks: map[string]retention.Task{},
	}
}

func cancelled(op string, ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return &retention.Error{Kind: retention.ErrInternal, Op: op, Msg: "cancelled", Err: err}
	}
	return nil
}

func conflict(op, record string) error {
	return &retention.Error{Kind: retention.ErrConflict, Op: op, Record: record, Field: "id", Msg: "already exists"}
}

// Import validates the dataset against itself and the store and writes all
// of it, or nothing (retention.Importer).
func (s *Store) Import(ctx context.Context, ds *retention.Dataset) error {
	const op = "memstore.Import"
	if err := cancelled(op, ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	known := map[string]map[string]bool{}
	for coll, ids := range ds.ExternalRefs() {
		known[coll] = map[string]bool{}
		for _, id := range ids {
			var ok bool
			switch coll {
			case "dealers":
				_, ok = s.dealers[id]
			case "models":
				_, ok = s.models[id]
			case "customers":
				_, ok = s.customers[id]
			case "vehicles":
				_, ok = s.vehicles[id]
			}
			known[coll][id] = ok
		}
	}
	if err := ds.ValidateWith(known); err != nil {
		return &retention.Error{Kind: retention.ErrInvalid, Op: op, Msg: "invalid dataset", Err: err}
	}
	for i, x := range ds.Dealers {
		if _, ok := s.dealers[x.ID]; ok {
			return conflict(op, retention.RecordName("dealers", x.ID, i))
		}
	}
	for i, x := range ds.Models {
		if _, ok := s.models[x.ID]; ok {
			return conflict(op, retention.RecordName("models", x.ID, i))
		}
	}
	for i, x := range ds.Customers {
		if _, ok := s.customers[x.ID]; ok {
			return conflict(op, retention.RecordName("customers", x.ID, i))
		}
	}
	for i, x := range ds.Vehicles {
		if _, ok := s.vehicles[x.VIN]; ok {
			return conflict(op, retention.RecordName("vehicles", x.VIN, i))
		}
	}
	for i, x := range ds.Visits {
		if s.visitIDs[x.ID] {
			return conflict(op, retention.RecordName("visits", x.ID, i))
		}
	}
	for i, x := range ds.Complaints {
		if _, ok := s.complaints[x.ID]; ok {
			return conflict(op, retention.RecordName("complaints", x.ID, i))
		}
	}
	if err := cancelled(op, ctx); err != nil {
		return err
	}
	// Nothing can fail from here on: the import is all or nothing.
	for _, x := range ds.Dealers {
		s.dealers[x.ID] = x
	}
	for _, x := range ds.Models {
		s.models[x.ID] = x
	}
	for _, x := range ds.Customers {
		s.customers[x.ID] = x.Clone()
	}
	for _, x := range ds.Vehicles {
		s.vehicles[x.VIN] = x.Clone()
	}
	touched := map[string]bool{}
	for _, x := range ds.Visits {
		s.visits[x.VIN] = append(s.visits[x.VIN], x.Clone())
		s.visitIDs[x.ID] = true
		touched[x.VIN] = true
	}
	for vin := range touched {
		retention.SortVisits(s.visits[vin])
	}
	s.appendContacts(ds.Contacts)
	for _, x := range ds.Complaints {
		s.complaints[x.ID] = x.Stored()
	}
	for _, x := range ds.Surveys {
		s.surveys = append(s.surveys, x.Stored())
	}
	return nil
}

// Dealers returns every dealer, by id.
func (s *Store) Dealers(ctx context.Context) ([]retention.Dealer, error) {
	if err := cancelled("memstore.Dealers", ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return sortedValues(s.dealers, func(x retention.Dealer) retention.Dealer { return x }), nil
}

// Models returns every model, by id.
func (s *Store) Models(ctx context.Context) ([]retention.Model, error) {
	if err := cancelled("memstore.Models", ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return sortedValues(s.models, func(x retention.Model) retention.Model { return x }), nil
}

// sortedValues returns copies of the values of m by key.
func sortedValues[V any](m map[string]V, clone func(V) V) []V {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]V, 0, len(keys))
	for _, k := range keys {
		out = append(out, clone(m[k]))
	}
	return out
}

// Customer returns one customer, or ErrNotFound.
func (s *Store) Customer(ctx context.Context, id string) (retention.Customer, error) {
	const op = "memstore.Customer"
	if err := cancelled(op, ctx); err != nil {
		return retention.Customer{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.customers[id]
	if !ok {
		return retention.Customer{}, &retention.Error{Kind: retention.ErrNotFound, Op: op,
			Record: retention.RecordName("customers", id, 0), Msg: "no such customer"}
	}
	return c.Clone(), nil
}

// stream yields the values of a snapshot one at a time, checking ctx
// between them; the lock is not held while the caller works.
func stream[V any](ctx context.Context, op string, snapshot func() []V) iter.Seq2[V, error] {
	return func(yield func(V, error) bool) {
		var zero V
		for _, v := range snapshot() {
			if err := cancelled(op, ctx); err != nil {
				yield(zero, err)
				return
			}
			if !yield(v, nil) {
				return
			}
		}
	}
}

// Customers streams every customer, by id.
func (s *Store) Customers(ctx context.Context) iter.Seq2[retention.Customer, error] {
	return stream(ctx, "memstore.Customers", func() []retention.Customer {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return sortedValues(s.customers, retention.Customer.Clone)
	})
}

// perVehicle returns fn of every vehicle that keep keeps, with all its
// visits, under the read lock.
func perVehicle[T any](s *Store, keep func(v *retention.Vehicle) bool, fn func(h *retention.VehicleHistory) T) []T {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []T
	for _, v := range s.vehicles {
		if keep(&v) {
			out = append(out, fn(&retention.VehicleHistory{Vehicle: v, Visits: s.visits[v.VIN]}))
		}
	}
	return out
}

// Histories streams the vehicles with their visits, by customer then VIN.
func (s *Store) Histories(ctx context.Context, f retention.HistoryFilter) iter.Seq2[retention.VehicleHistory, error] {
	return stream(ctx, "memstore.Histories", func() []retention.VehicleHistory {
		out := perVehicle(s, selected(f), func(h *retention.VehicleHistory) retention.VehicleHistory {
			kept := retention.VehicleHistory{Vehicle: h.Vehicle}
			for i := range h.Visits {
				if f.Keeps(&h.Visits[i]) {
					kept.Visits = append(kept.Visits, h.Visits[i])
				}
			}
			return kept.Clone()
		})
		slices.SortFunc(out, func(a, b retention.VehicleHistory) int {
			if c := cmp.Compare(a.Vehicle.Customer, b.Vehicle.Customer); c != 0 {
				return c
			}
			return cmp.Compare(a.Vehicle.VIN, b.Vehicle.VIN)
		})
		return out
	})
}

// StatusFacts streams the status facts under w of the vehicles selected by
// f, by VIN (retention.StatusReader).
func (s *Store) StatusFacts(ctx context.Context, f retention.HistoryFilter, w retention.StatusWindows) iter.Seq2[retention.StatusFacts, error] {
	return statusFacts(ctx, s, "memstore.StatusFacts", selected(f), w)
}

// selected returns whether f selects a vehicle, for perVehicle.
func selected(f retention.HistoryFilter) func(v *retention.Vehicle) bool {
	return func(v *retention.Vehicle) bool { return f.Selects(v.Customer) }
}

// StatusFactsIn streams the status facts under w of the vehicles whose VIN
// lies in r, by VIN (retention.StatusRangeReader).
func (s *Store) StatusFactsIn(ctx context.Context, r retention.VINRange, w retention.StatusWindows) iter.Seq2[retention.StatusFacts, error] {
	return statusFacts(ctx, s, "memstore.StatusFactsIn", func(v *retention.Vehicle) bool { return r.Contains(v.VIN) }, w)
}

// statusFacts streams w.Facts of the vehicles keep keeps, by VIN.
func statusFacts(ctx context.Context, s *Store, op string, keep func(v *retention.Vehicle) bool,
	w retention.StatusWindows) iter.Seq2[retention.StatusFacts, error] {
	return stream(ctx, op, func() []retention.StatusFacts {
		out := perVehicle(s, keep, w.Facts)
		slices.SortFunc(out, func(a, b retention.StatusFacts) int { return cmp.Compare(a.VIN, b.VIN) })
		return out
	})
}

// SplitVINs returns where to split the stored vehicles into at most n
// ranges of about equal count (retention.StatusRangeReader).
func (s *Store) SplitVINs(ctx context.Context, n int) ([]string, error) {
	if err := cancelled("memstore.SplitVINs", ctx); err != nil {
		return nil, err
	}
	s.mu.RLock()
	vins := slices.Sorted(maps.Keys(s.vehicles))
	s.mu.RUnlock()
	return retention.SplitVINs(vins, n), nil
}

func (s *Store) appendContacts(cs []retention.Contact) {
	for _, c := range cs {
		s.contacts = append(s.contacts, c.Stored())
	}
}

// AppendContacts records contact attempts after validating each.
func (s *Store) AppendContacts(ctx context.Context, cs []retention.Contact) error {
	const op = "memstore.AppendContacts"
	if err := cancelled(op, ctx); err != nil {
		return err
	}
	for i := range cs {
		if err := cs[i].Validate(i); err != nil {
			return &retention.Error{Kind: retention.ErrInvalid, Op: op, Err: err}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appendContacts(cs)
	return nil
}

// Contacts streams every contact attempt, by At and then in append order.
func (s *Store) Contacts(ctx context.Context) iter.Seq2[retention.Contact, error] {
	return stream(ctx, "memstore.Contacts", func() []retention.Contact {
		s.mu.RLock()
		out := slices.Clone(s.contacts)
		s.mu.RUnlock()
		slices.SortStableFunc(out, func(a, b retention.Contact) int { return a.At.Compare(b.At) })
		return out
	})
}

// CustomerContacts streams the contact attempts of the customers that f
// selects, by customer id (retention.Logs).
func (s *Store) CustomerContacts(ctx context.Context, f retention.HistoryFilter) iter.Seq2[retention.CustomerContacts, error] {
	return stream(ctx, "memstore.CustomerContacts", func() []retention.CustomerContacts {
		s.mu.RLock()
		defer s.mu.RUnlock()
		owners := map[string]bool{} // the customers with vehicles
		for _, v := range s.vehicles {
			owners[v.Customer] = true
		}
		byCustomer := map[string][]retention.Contact{}
		for _, c := range s.contacts { // in append order
			subject, ok := retention.TaskSubject(c.Task)
			customer := subject
			if v, isVehicle := s.vehicles[subject]; isVehicle {
				customer = v.Customer
			} else if !owners[subject] {
				ok = false
			}
			if ok && f.Selects(customer) {
				byCustomer[customer] = append(byCustomer[customer], c)
			}
		}
		out := make([]retention.CustomerContacts, 0, len(byCustomer))
		for customer, cs := range byCustomer {
			slices.SortStableFunc(cs, func(a, b retention.Contact) int { return a.At.Compare(b.At) })
			out = append(out, retention.CustomerContacts{Customer: customer, Contacts: cs})
		}
		slices.SortFunc(out, func(a, b retention.CustomerContacts) int { return cmp.Compare(a.Customer, b.Customer) })
		return out
	})
}

// AppendComplaints records complaints; ErrConflict if an id exists, and
// then none is recorded.
func (s *Store) AppendComplaints(ctx context.Context, cs []retention.Complaint) error {
	const op = "memstore.AppendComplaints"
	if err := cancelled(op, ctx); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for i := range cs {
		if err := cs[i].Validate(); err != nil {
			return &retention.Error{Kind: retention.ErrInvalid, Op: op, Err: err}
		}
		if _, ok := s.customers[cs[i].Customer]; !ok {
			return &retention.Error{Kind: retention.ErrInvalid, Op: op, Record: retention.RecordName("complaints", cs[i].ID, i),
				Field: "customer", Msg: "unknown customer " + cs[i].Customer}
		}
		if _, ok := s.complaints[cs[i].ID]; ok || seen[cs[i].ID] {
			return conflict(op, retention.RecordName("complaints", cs[i].ID, i))
		}
		seen[cs[i].ID] = true
	}
	for _, c := range cs {
		s.complaints[c.ID] = c.Stored()
	}
	return nil
}

// Complaints streams every complaint, by id.
func (s *Store) Complaints(ctx context.Context) iter.Seq2[retention.Complaint, error] {
	return stream(ctx, "memstore.Complaints", func() []retention.Complaint {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return sortedValues(s.complaints, retention.Complaint.Clone)
	})
}

// AppendSurveys records survey answers after validating each.
func (s *Store) AppendSurveys(ctx context.Context, ss []retention.Survey) error {
	const op = "memstore.AppendSurveys"
	if err := cancelled(op, ctx); err != nil {
		return err
	}
	for i := range ss {
		if err := ss[i].Validate(i); err != nil {
			return &retention.Error{Kind: retention.ErrInvalid, Op: op, Err: err}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range ss {
		s.surveys = append(s.surveys, x.Stored())
	}
	return nil
}

// Surveys streams every survey, by At and then in append order.
func (s *Store) Surveys(ctx context.Context) iter.Seq2[retention.Survey, error] {
	return stream(ctx, "memstore.Surveys", func() []retention.Survey {
		s.mu.RLock()
		out := make([]retention.Survey, len(s.surveys))
		for i := range s.surveys {
			out[i] = s.surveys[i].Clone()
		}
		s.mu.RUnlock()
		slices.SortStableFunc(out, func(a, b retention.Survey) int { return a.At.Compare(b.At) })
		return out
	})
}

// SaveTasks stores the tasks whose keys are new and returns how many.
func (s *Store) SaveTasks(ctx context.Context, ts []retention.Task) (int, error) {
	if err := cancelled("memstore.SaveTasks", ctx); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	added := 0
	for _, t := range ts {
		if _, ok := s.tasks[t.Key]; !ok {
			s.tasks[t.Key] = t
			added++
		}
	}
	return added, nil
}

// Tasks streams the stored tasks due within f, by due date and key.
func (s *Store) Tasks(ctx context.Context, f retention.TaskFilter) iter.Seq2[retention.Task, error] {
	return stream(ctx, "memstore.Tasks", func() []retention.Task {
		s.mu.RLock()
		defer s.mu.RUnlock()
		var out []retention.Task
		for _, t := range s.tasks {
			if (f.From != nil && t.DueOn.Before(*f.From)) || (f.To != nil && t.DueOn.After(*f.To)) {
				continue
			}
			out = append(out, t)
		}
		slices.SortFunc(out, func(a, b retention.Task) int {
			if c := int(a.DueOn.Sub(b.DueOn)); c != 0 {
				return c
			}
			return cmp.Compare(a.Key, b.Key)
		})
		return out
	})
}
