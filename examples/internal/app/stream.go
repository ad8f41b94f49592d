package app

import (
	"context"
	"errors"
	"iter"
	"strconv"
	"sync"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/internal/ahead"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/rickb777/date"
)

// StreamCustomers yields the customers of a store that f selects, with
// their vehicles, visits and contacts, by customer id. It merges three
// streams ordered by customer id: the customers of f's partition
// (retention.CustomersIn), their histories and their contacts
// (Logs.CustomerContacts). Each stream is read on a goroutine of
// its own, a few hundred values ahead (readAhead), so that the store's
// decoding runs beside the caller's work; besides those, it holds one
// customer at a time. The customers yielded share one array of vehicles:
// each is good until the next iteration.
func StreamCustomers(ctx context.Context, s retention.Store, f retention.HistoryFilter) iter.Seq2[classify.CustomerInput, error] {
	return func(yield func(classify.CustomerInput, error) bool) {
		nextCustomer, stopC := iter.Pull2(readAhead(retention.CustomersIn(ctx, s, f)))
		defer stopC()
		nextContacts, stopK := iter.Pull2(readAhead(s.CustomerContacts(ctx, f)))
		defer stopK()
		var contacts retention.CustomerContacts // the next customer's with attempts
		moreContacts := true
		var cur classify.CustomerInput // its Vehicles' array reused for the next customer
		have := false
		for h, err := range readAhead(s.Histories(ctx, f)) {
			if err != nil {
				yield(classify.CustomerInput{}, err)
				return
			}
			if have && cur.Customer.ID != h.Vehicle.Customer {
				if !yield(cur, nil) {
					return
				}
				have = false
			}
			if have {
				cur.Vehicles = append(cur.Vehicles, h)
				continue
			}
			// Customers come by id like the histories: skip those without
			// vehicles until this one.
			for {
				c, err, ok := nextCustomer()
				if !ok {
					err = &retention.Error{Kind: retention.ErrInternal, Op: "app.StreamCustomers",
						Record: retention.RecordName("vehicles", h.Vehicle.VIN, 0), Field: "customer",
						Msg: "unknown customer " + strconv.Quote(h.Vehicle.Customer)}
				}
				if err != nil {
					yield(classify.CustomerInput{}, err)
					return
				}
				if c.ID == h.Vehicle.Customer {
					clear(cur.Vehicles) // not to hold the last customer's visits
					cur, have = classify.CustomerInput{Customer: c, Vehicles: append(cur.Vehicles[:0], h)}, true
					break
				}
			}
			// Contacts come by customer id too, only for customers with
			// vehicles: those before this one belong to none streamed here.
			for moreContacts && contacts.Customer < cur.Customer.ID {
				var err error
				contacts, err, moreContacts = nextContacts()
				if err != nil {
					yield(classify.CustomerInput{}, err)
					return
				}
			}
			if moreContacts && contacts.Customer == cur.Customer.ID {
				cur.Contacts = contacts.Contacts
			}
		}
		if have {
			yield(cur, nil)
		}
	}
}

// readAhead yields what seq yields, in order, reading it on a goroutine of
// its own a few batches ahead of the consumer (ahead.Read): a store's
// decoding then overlaps the work done with what it has yielded, on
// another core.
func readAhead[T any](seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	const batch, depth = 64, 4 // at most (depth+2)×batch = 384 values held
	return ahead.Read(seq, batch, depth)
}

// partitioned runs fn for each of n partitions of the customers
// (retention.HistoryFilter), each on its own goroutine, and returns the
// first error; the others are then cancelled. With n ≤ 1 it runs fn once,
// on every customer.
func partitioned(ctx context.Context, n int, fn func(ctx context.Context, f retention.HistoryFilter) error) error {
	if n <= 1 {
		return fn(ctx, retention.HistoryFilter{})
	}
	return inParallel(ctx, n, func(ctx context.Context, p int) error {
		return fn(ctx, retention.HistoryFilter{Partition: p, Partitions: n})
	})
}

// inParallel runs fn(p) for each p in 0..n-1, each on its own goroutine
// (fn(0) alone, on this one, when n ≤ 1), and returns the first error; the
// others' contexts are then cancelled.
func inParallel(ctx context.Context, n int, fn func(ctx context.Context, p int) error) error {
	if n <= 1 {
		return fn(ctx, 0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var once sync.Once
	var first error // the first failure, not the cancellations it causes
	var wg sync.WaitGroup
	for p := range n {
		wg.Go(func() {
			if err := fn(ctx, p); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		})
	}
	wg.Wait()
	return first
}

// PlanSink receives a streamed plan (Engine.StreamPlanTo) in the order of
// schedule.Plan: every task, by schedule.CompareTasks with the lost recalls
// of each priority ordered by P(alive) (schedule.ComparePAlive), then every
// deferral, by schedule.CompareDeferrals. A pointer is good until the call
// returns (the next value is read into the same variable); the value it
// points to is the sink's to copy and keep. An error stops the plan and is
// returned.
type PlanSink struct {
	Task     func(*retention.Task) error
	Deferral func(*schedule.Deferral) error
}

// StreamPlan plans the day asOf from a store in one pass over its
// histories and returns Planner.Plan's plan, byte for byte, without its
// Customers, and the number of customers planned. It is StreamPlanTo with
// a sink that keeps what it receives, so it holds the day's tasks.
func (e *Engine) StreamPlan(ctx context.Context, s retention.Store, asOf date.Date, workers int,
	each func(in *classify.CustomerInput, cr *classify.CustomerResult) error) (schedule.Plan, int, error) {
	plan := schedule.Plan{AsOf: asOf}
	n, err := e.StreamPlanTo(ctx, s, asOf, workers, each, PlanSink{
		Task:     func(t *retention.Task) error { plan.Tasks = append(plan.Tasks, *t); return nil },
		Deferral: func(d *schedule.Deferral) error { plan.Deferred = append(plan.Deferred, *d); return nil },
	})
	if err != nil {
		return schedule.Plan{}, n, err
	}
	return plan, n, nil
}

// StreamPlanTo plans the day asOf from a store in one pass over its
// histories, on workers partitions of the customers streamed concurrently
// (retention.HistoryFilter), hands the plan to sink in the order of
// Planner.Plan's, and returns the number of customers planned.
//
// Its memory does not grow with the network. It holds one customer at a
// time per partition with its contacts (retention.Logs.CustomerContacts)
// and what StreamCustomers reads ahead; what the whole network contributes
// goes through external sorts (Engine.SpillBytes each, the rest in
// temporary files in Engine.TempDir; each partition fills two of its own,
// without a lock, merged when read):
//
//   - Tiers rank all the customers of a dealer, but a tier sets nothing
//     but the priority of its customer's tasks. So each customer is planned
//     as it streams; its tasks wait, by customer, and its tier input, by
//     dealer.
//   - Once every customer has streamed, the dealers are ranked one at a
//     time, in memory when the dealer's ranking fits in 16 spills' limits
//     (classify.TierRanking), else with external sorts of their own (by
//     the rule of classify.ScoreParts), each finishing on a goroutine of
//     its own while the next one's customers are read, and the tiers of
//     the customers with work are sorted by customer.
//   - The waiting tasks and those tiers are merged by customer; the tasks,
//     with their priorities, are sorted into the plan's order and handed
//     to sink.
//
// each, when not nil, receives every customer in scope with its
// classification as it streams, before the tiers are assigned (Tier is
// 0), through pointers that are good until the call returns (a partition
// reads each customer into the same variables, its vehicles into the same
// array, and classifies it into the same variable); calls never overlap,
// within a partition they come by customer id, and none comes after one
// has returned an error.
func (e *Engine) StreamPlanTo(ctx context.Context, s retention.Store, asOf date.Date, workers int,
	each func(in *classify.CustomerInput, cr *classify.CustomerResult) error, sink PlanSink) (n int, err error) {
	workers = max(workers, 1)
	c := e.Planner.Classifier()
	sp := e.newPlanSpills(workers)
	defer func() { err = errors.Join(err, sp.close()) }()
	var mu sync.Mutex // over n, failed and each
	failed := false
	err = partitioned(ctx, workers, func(ctx context.Context, f retention.HistoryFilter) error {
		var in classify.CustomerInput // one for all, as each gets &in and &r
		var r classify.CustomerResult
		for x, err := range StreamCustomers(ctx, s, f) {
			if err != nil {
				return err
			}
			in = x
			if !e.inScope(&in, asOf) {
				continue
			}
			r = c.Customer(&in, asOf)
			cp := e.Planner.Customer(&in, &r, asOf)
			if err := sp.parts[f.Partition].addCustomer(&r, &cp); err != nil {
				return err
			}
			mu.Lock()
			if failed { // in another partition: hand out nothing more
				mu.Unlock()
				return nil
			}
			var err error
			if each != nil {
				err = each(&in, &r)
			}
			if failed = err != nil; !failed {
				n++
			}
			mu.Unlock()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	if err := sp.rank(ctx, c); err != nil {
		return n, err
	}
	if err := sp.prioritize(ctx, &e.Policy); err != nil {
		return n, err
	}
	return n, sp.emit(ctx, sink)
}
