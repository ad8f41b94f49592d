package app

import (
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"iter"
	"math"
	"slices"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/shopspring/decimal"
)

// planSpills are the external sorts of a streamed plan (StreamPlanTo), in
// the order it fills them.
type planSpills struct {
	limit    int                    // the bytes each spill holds (Engine.SpillBytes)
	dir      string                 // for their files (Engine.TempDir)
	parts    []partSpills           // filled as the partitions stream, one each
	tiers    []*spill[customerTier] // the tiers of the customers with work, by customer: one for each dealer finishing at once
	tasks    *spill[retention.Task] // by schedule.CompareTasks
	recalls  *spill[recallTask]     // the lost recalls, by priority and P(alive)
	deferred *spill[schedule.Deferral]
}

// partSpills are what one partition adds as it streams, without a lock:
// its customers' tier inputs and their waiting work.
type partSpills struct {
	inputs  *spill[tierEntry]   // what the tiers are ranked from, by dealer and customer
	waiting *spill[waitingTask] // the tasks and deferrals, by customer, without priorities
	dealers map[string]int      // customers in inputs by dealer, to size each dealer's ranking
}

// tierEntry is a customer's TierInput on its way to be ranked.
type tierEntry struct {
	in   classify.TierInput
	work bool // the customer has tasks or deferrals
	hasP bool // p is the customer's P(alive)
	p    float64
}

// waitingTask is a task, or a deferral, waiting for its customer's tier.
type waitingTask struct {
	d        schedule.Deferral
	deferred bool
}

// recallTask is a lost-recall task with its customer's P(alive).
type recallTask struct {
	t    retention.Task
	hasP bool
	p    float64
}

// newPlanSpills returns the spills of a plan streamed on n partitions,
// each of e.SpillBytes.
func (e *Engine) newPlanSpills(n int) *planSpills {
	limit, dir := e.spillBytes(), e.TempDir
	sp := &planSpills{limit: limit, dir: dir,
		tasks: newSpill(limit, dir, schedule.CompareTasks, putTask, getTask),
		recalls: newSpill(limit, dir, func(a, b *recallTask) int {
			if c := cmp.Compare(a.t.Priority, b.t.Priority); c != 0 {
				return c
			}
			if c := schedule.ComparePAlive(a.p, a.hasP, b.p, b.hasP); c != 0 {
				return c
			}
			return schedule.CompareTasks(&a.t, &b.t)
		},
			func(b []byte, r *recallTask) []byte { return putFloat(putBool(putTask(b, &r.t), r.hasP), r.p) },
			func(d *decoder) recallTask { t := getTask(d); hasP := d.bool(); return recallTask{t, hasP, d.float()} }),
		deferred: newSpill(limit, dir, schedule.CompareDeferrals,
			func(b []byte, x *schedule.Deferral) []byte { return putString(putTask(b, &x.Task), x.Reason) },
			func(d *decoder) schedule.Deferral {
				t := getTask(d)
				return schedule.Deferral{Task: t, Reason: d.string()}
			}),
	}
	for range rankFinishers {
		sp.tiers = append(sp.tiers, newSpill(limit, dir, byCustomer, putTier, getTier))
	}
	for range max(n, 1) {
		sp.parts = append(sp.parts, partSpills{
			dealers: map[string]int{},
			inputs: newSpill(limit, dir, func(a, b *tierEntry) int {
				return cmp.Or(cmp.Compare(a.in.Dealer, b.in.Dealer), cmp.Compare(a.in.ID, b.in.ID))
			}, putTierEntry, getTierEntry),
			waiting: newSpill(limit, dir, func(a, b *waitingTask) int { return cmp.Compare(a.d.Task.Customer, b.d.Task.Customer) },
				func(b []byte, w *waitingTask) []byte {
					return putBool(putString(putTask(b, &w.d.Task), w.d.Reason), w.deferred)
				},
				func(d *decoder) waitingTask {
					var w waitingTask
					w.d.Task = getTask(d)
					w.d.Reason, w.deferred = d.string(), d.bool()
					return w
				}),
		})
	}
	return sp
}

// spillBytes is e.SpillBytes, or spillLimit when it is not set.
func (e *Engine) spillBytes() int {
	if e.SpillBytes <= 0 {
		return spillLimit
	}
	return e.SpillBytes
}

// close removes the spills' files.
func (sp *planSpills) close() error {
	return errors.Join(closeAll(sp.tiers...), sp.tasks.Close(), sp.recalls.Close(), sp.deferred.Close(),
		closeAll(sp.inputs()...), closeAll(sp.waiting()...))
}

// inputs returns each partition's tier inputs.
func (sp *planSpills) inputs() []*spill[tierEntry] {
	return ofParts(sp.parts, func(p *partSpills) *spill[tierEntry] { return p.inputs })
}

// waiting returns each partition's waiting tasks.
func (sp *planSpills) waiting() []*spill[waitingTask] {
	return ofParts(sp.parts, func(p *partSpills) *spill[waitingTask] { return p.waiting })
}

// ofParts returns the spill of each partition that of picks.
func ofParts[T any](parts []partSpills, of func(*partSpills) *spill[T]) []*spill[T] {
	out := make([]*spill[T], len(parts))
	for i := range parts {
		out[i] = of(&parts[i])
	}
	return out
}

// addCustomer adds a planned customer: its tier input, when it counts in
// the ranking (effective) or needs a tier (it has work), and its work.
func (sp *partSpills) addCustomer(r *classify.CustomerResult, cp *schedule.CustomerPlan) error {
	work := len(cp.Tasks) > 0 || len(cp.Deferred) > 0
	if !r.Effective && !work {
		return nil
	}
	e := tierEntry{in: r.TierInput(), work: work}
	if r.PAlive != nil {
		e.hasP, e.p = true, *r.PAlive
	}
	if err := sp.inputs.Add(e); err != nil {
		return err
	}
	sp.dealers[e.in.Dealer]++
	for _, t := range cp.Tasks {
		if err := sp.waiting.Add(waitingTask{d: schedule.Deferral{Task: t}}); err != nil {
			return err
		}
	}
	for _, d := range cp.Deferred {
		if err := sp.waiting.Add(waitingTask{d: d, deferred: true}); err != nil {
			return err
		}
	}
	return nil
}

// rankFinishers is how many dealers' rankings may finish at once.
const rankFinishers = 2

// finishingRank is a dealer's ranking finishing on a goroutine of its own.
type finishingRank struct {
	done chan error
	held int // the bytes it holds, about
	slot int // its sort of tiers, in planSpills.tiers
}

// rank ranks the tiers one dealer at a time and sorts those of the
// customers with work by customer. A dealer whose ranking would hold more
// than rankSpills spills' limits is ranked with external sorts
// (outsideRank).
//
// A dealer's ranking is finished (dealerRank.tiers) on a goroutine of its
// own while the next dealer's customers are read and added, so that the
// reading and the ranking run on two cores. Up to rankFinishers dealers
// finish at once, each into a sort of tiers of its own (planSpills.tiers,
// merged when read), and the rankings finishing and the one being added
// hold at most rankSpills limits together: where they would hold more
// (two dealers of about 26,000 customers each, ranked in memory), the next
// dealer waits for the ones before.
func (sp *planSpills) rank(ctx context.Context, c *classify.Classifier) (err error) {
	customers := map[string]int{} // by dealer, in every partition
	for _, p := range sp.parts {
		for d, n := range p.dealers {
			customers[d] += n
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	var (
		r         dealerRank      // the dealer being added
		held      int             // the bytes r holds, about
		finishing []finishingRank // the dealers before, finishing, oldest first
	)
	waitOldest := func() error {
		f := finishing[0]
		finishing = finishing[1:]
		err := <-f.done
		if err == nil {
			err = ctx.Err() // a cancellation, noticed between dealers: a ranking in memory does not look
		}
		return err
	}
	waitAll := func() error { // and return the first error
		var first error
		for len(finishing) > 0 {
			if err := waitOldest(); first == nil {
				first = err
			}
		}
		return first
	}
	finishingHeld := func() int {
		n := 0
		for _, f := range finishing {
			n += f.held
		}
		return n
	}
	defer func() {
		cancel() // after an error, the dealers finishing stop
		if werr := waitAll(); err == nil {
			err = werr
		}
		if r != nil { // its files, after an error
			err = errors.Join(err, r.close())
		}
	}()
	finish := func() error { // r, on a goroutine of its own
		if r == nil {
			return nil
		}
		if len(finishing) == len(sp.tiers) {
			if err := waitOldest(); err != nil {
				return err
			}
		}
		slot := 0 // the sort of tiers no dealer finishing fills
		for slices.ContainsFunc(finishing, func(f finishingRank) bool { return f.slot == slot }) {
			slot++
		}
		done := make(chan error, 1)
		go func(r dealerRank, tiers *spill[customerTier]) {
			done <- errors.Join(r.tiers(ctx, tiers.Add), r.close())
		}(r, sp.tiers[slot])
		finishing, r = append(finishing, finishingRank{done: done, held: held, slot: slot}), nil
		return nil
	}
	var dealer string
	var e tierEntry // one for all: &e of a loop variable would move each to the heap
	for v, err := range merged(ctx, sp.inputs()...) {
		if err != nil {
			return err
		}
		e = v
		if r == nil || e.in.Dealer != dealer {
			if err := finish(); err != nil {
				return err
			}
			dealer = e.in.Dealer
			n := customers[dealer]
			outside := n*rankBytes > rankSpills*sp.limit
			if held = n * rankBytes; outside {
				held = outsideRankSpills * sp.limit
			}
			for len(finishing) > 0 && finishingHeld()+held > rankSpills*sp.limit {
				if err := waitOldest(); err != nil {
					return err
				}
			}
			if outside {
				r = newOutsideRank(c, sp.limit, sp.dir)
			} else {
				r = newMemoryRank(c, n)
			}
		}
		if err := r.add(&e); err != nil {
			return err
		}
	}
	if err := finish(); err != nil {
		return err
	}
	if err := waitAll(); err != nil {
		return err
	}
	return closeAll(sp.inputs()...) // let their memory go before the next phase
}

// prioritize gives the waiting tasks and deferrals their customers'
// priorities (merging them with the tiers, both by customer) and sorts
// them into the plan's order.
func (sp *planSpills) prioritize(ctx context.Context, p *retention.Policy) error {
	nextTier, stop := iter.Pull2(merged(ctx, sp.tiers...))
	defer stop()
	var ct customerTier
	have := false
	for w, err := range merged(ctx, sp.waiting()...) {
		if err != nil {
			return err
		}
		cust := w.d.Task.Customer
		for !have || ct.id < cust {
			var err error
			if ct, err, have = nextTier(); err != nil {
				return err
			}
			if !have {
				break
			}
		}
		if !have || ct.id != cust {
			return &retention.Error{Kind: retention.ErrInternal, Op: "app.StreamPlanTo",
				Record: retention.RecordName("customers", cust, 0), Field: "tier", Msg: "a customer with tasks was not ranked"}
		}
		w.d.Task.Priority = ct.tier.Priority(p)
		switch {
		case w.deferred:
			err = sp.deferred.Add(w.d)
		case w.d.Task.Touch == retention.LostRecall:
			if err = sp.tasks.Add(w.d.Task); err == nil {
				err = sp.recalls.Add(recallTask{t: w.d.Task, hasP: ct.hasP, p: ct.p})
			}
		default:
			err = sp.tasks.Add(w.d.Task)
		}
		if err != nil {
			return err
		}
	}
	stop()
	return errors.Join(closeAll(sp.tiers...), closeAll(sp.waiting()...))
}

// emit hands the plan to sink: the tasks, where each lost recall's place
// gets the next recall of its priority by P(alive), then the deferrals.
func (sp *planSpills) emit(ctx context.Context, sink PlanSink) error {
	nextRecall, stop := iter.Pull2(sp.recalls.All(ctx))
	defer stop()
	var t retention.Task // one for all, as the sink gets &t
	for v, err := range sp.tasks.All(ctx) {
		if err != nil {
			return err
		}
		t = v
		if t.Touch == retention.LostRecall {
			r, err, ok := nextRecall()
			if err != nil {
				return err
			}
			if !ok || r.t.Priority != t.Priority {
				return &retention.Error{Kind: retention.ErrInternal, Op: "app.StreamPlanTo",
					Record: retention.RecordName("tasks", t.Key, 0), Msg: "the lost recalls out of step with the tasks"}
			}
			t = r.t
		}
		if sink.Task != nil {
			if err := sink.Task(&t); err != nil {
				return err
			}
		}
	}
	stop()
	if err := errors.Join(sp.tasks.Close(), sp.recalls.Close()); err != nil {
		return err
	}
	var d schedule.Deferral
	for v, err := range sp.deferred.All(ctx) {
		if err != nil {
			return err
		}
		d = v
		if sink.Deferral != nil {
			if err := sink.Deferral(&d); err != nil {
				return err
			}
		}
	}
	return nil
}

// customerTier is the tier of a customer with work, and its P(alive).
type customerTier struct {
	id     string
	handle int // in its dealer's ranking, while rank ranks it (not written)
	tier   classify.Tier
	hasP   bool
	p      float64
}

// byCustomer orders customers' tiers by customer ID.
func byCustomer(a, b *customerTier) int { return cmp.Compare(a.id, b.id) }

// The encodings of the records.

func putTask(b []byte, t *retention.Task) []byte {
	b = putString(b, t.Key)
	b = putInt(b, int64(t.Touch))
	b = putString(b, t.Customer)
	b = putString(b, t.VIN)
	b = putDate(b, t.Anchor)
	b = putString(b, t.Dealer)
	b = putInt(b, int64(t.Owner))
	b = putInt(b, int64(t.Channel))
	b = putString(b, t.Window)
	b = putDate(b, t.DueOn)
	b = putDate(b, t.ExpiresOn)
	b = putInt(b, int64(t.Priority))
	b = putInt(b, int64(t.Attempts))
	return putString(b, t.Reason)
}

func getTask(d *decoder) retention.Task {
	var t retention.Task
	t.Key = d.string()
	t.Touch = retention.Touch(d.int())
	t.Customer = d.string()
	t.VIN = d.string()
	t.Anchor = d.date()
	t.Dealer = d.string()
	t.Owner = retention.Role(d.int())
	t.Channel = retention.Channel(d.int())
	t.Window = d.string()
	t.DueOn = d.date()
	t.ExpiresOn = d.date()
	t.Priority = int(d.int())
	t.Attempts = int(d.int())
	t.Reason = d.string()
	return t
}

func putTierEntry(b []byte, e *tierEntry) []byte {
	in := &e.in
	b = putString(b, in.ID)
	b = putString(b, in.Dealer)
	b = putBool(b, in.Effective)
	b = putInt(b, int64(in.Kind))
	b = putBool(b, in.VIP)
	b = putInt(b, int64(in.Referrals))
	b = putDecimal(b, in.Purchase)
	b = putInt(b, int64(in.Vehicles))
	b = putDecimal(b, in.Spend)
	b = putInt(b, int64(in.Visits))
	b = putBool(b, e.work)
	b = putBool(b, e.hasP)
	return putFloat(b, e.p)
}

func getTierEntry(d *decoder) tierEntry {
	var e tierEntry
	in := &e.in
	in.ID = d.string()
	in.Dealer = d.string()
	in.Effective = d.bool()
	in.Kind = retention.CustomerKind(d.int())
	in.VIP = d.bool()
	in.Referrals = int(d.int())
	in.Purchase = d.decimal()
	in.Vehicles = int(d.int())
	in.Spend = d.decimal()
	in.Visits = int(d.int())
	e.work = d.bool()
	e.hasP = d.bool()
	e.p = d.float()
	return e
}

func putTier(b []byte, t *customerTier) []byte {
	return putFloat(putBool(putInt(putString(b, t.id), int64(t.tier)), t.hasP), t.p)
}

func getTier(d *decoder) customerTier {
	var t customerTier
	t.id = d.string()
	t.tier = classify.Tier(d.int())
	t.hasP = d.bool()
	t.p = d.float()
	return t
}

func putBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func putFloat(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

// putDecimal writes a decimal as its coefficient and exponent when the
// coefficient has at most 15 digits (any amount of a DMS): writing them
// allocates nothing, and reading them back only the decimal itself
// (decimal.New). Any other decimal is written as its text, which
// decimal.NewFromString reads back. Either way it reads back to the same
// coefficient and exponent.
func putDecimal(b []byte, v decimal.Decimal) []byte {
	if v.NumDigits() <= 15 {
		return putInt(putInt(putBool(b, false), v.CoefficientInt64()), int64(v.Exponent()))
	}
	return putString(putBool(b, true), v.String())
}

func (d *decoder) bool() bool {
	if len(d.b) == 0 || d.b[0] > 1 {
		d.fail()
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}

func (d *decoder) decimal() decimal.Decimal {
	if d.bool() { // written as text
		v, err := decimal.NewFromString(d.string())
		if err != nil {
			d.fail()
		}
		return v
	}
	c, exp := d.int(), d.int()
	if exp < math.MinInt32 || exp > math.MaxInt32 {
		d.fail()
		return decimal.Decimal{}
	}
	return decimal.New(c, int32(exp))
}
