package app

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"runtime"
	"sync"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
)

// dealerRank ranks the tiers of one dealer's customers, which come by ID
// (add), and hands out those of the customers with work, by ID (tiers).
type dealerRank interface {
	add(e *tierEntry) error
	tiers(ctx context.Context, add func(customerTier) error) error
	close() error
}

// rankBytes is about what ranking one customer in memory holds: its row in
// a classify.TierRanking (48 bytes), its share of the ranking's work arrays
// (scores, orders, counts) and, when it has work, its customerTier.
const rankBytes = 160

// rankSpills is how many spills' limits a dealer's ranking may hold in
// memory: ranking in memory is a few times faster, and a dealership of up
// to about 26,000 customers (the default limit's) has it.
const rankSpills = 16

// outsideRankSpills is about how many spills' limits an outsideRank holds
// at most: while its customers come, its parts' and its work's spills
// share one; while it ranks, the sort it merges and the one it fills hold
// one each, and their read buffers up to one more.
const outsideRankSpills = 4

// memoryRank ranks a dealer in memory, with a classify.TierRanking.
type memoryRank struct {
	r    *classify.TierRanking
	work []customerTier // the customers with work, by ID
}

// newMemoryRank returns the ranking of a dealer of about n customers.
func newMemoryRank(c *classify.Classifier, n int) *memoryRank {
	r := c.NewTierRanking()
	r.Grow(n)
	return &memoryRank{r: r}
}

func (m *memoryRank) add(e *tierEntry) error {
	h := m.r.Add(&e.in)
	if e.work {
		m.work = append(m.work, customerTier{id: e.in.ID, handle: h, hasP: e.hasP, p: e.p})
	}
	return nil
}

func (m *memoryRank) tiers(ctx context.Context, add func(customerTier) error) error {
	tiers := m.r.Tiers()
	for i := range m.work {
		m.work[i].tier = tiers[m.work[i].handle]
		if err := add(m.work[i]); err != nil {
			return err
		}
	}
	return nil
}

func (m *memoryRank) close() error { return nil }

// outsideRank ranks a dealer with external sorts (spills), holding a few
// spills' limits whatever the dealer's size, by the rule that
// classify.ScoreParts documents:
//
//  1. each effective customer's value in each part of the score goes to
//     the part's sort, with the customer's number among the effective
//     ones (its seq);
//  2. each part, sorted, is read twice: once to write where each tie ends,
//     and once to give each customer of a tie over positions i…j the weight
//     times i+j, to a sort by seq;
//  3. the sums by seq, sorted best first, are cut into tiers
//     (classify.TierCut), which a sort puts back in seq order;
//  4. the customers with work, which came by ID as their seqs did, get
//     their tiers (raised by the policy's floor, classify.RaiseTier).
type outsideRank struct {
	c     *classify.Classifier
	limit int
	dir   string
	parts []*spill[partValue]  // one per part of the score, by value and seq
	work  *spill[customerTier] // the customers with work, by ID; handle is the seq, or -1
	n     int                  // effective customers
	buf   []classify.ScorePart
	w     []int64 // each part's weight
}

// partValue is a customer's value in a part of the score, with its seq.
type partValue struct {
	p   classify.ScorePart
	seq int
}

// seqValue is a number by customer: a part of its score, its score or its
// tier.
type seqValue struct {
	seq int
	v   int64
}

// newOutsideRank returns an empty ranking whose spills hold limit bytes
// together while customers come, and each limit bytes after.
func newOutsideRank(c *classify.Classifier, limit int, dir string) *outsideRank {
	return &outsideRank{c: c, limit: limit, dir: dir,
		work: newSpill(limit/2, dir, func(a, b *customerTier) int { return cmp.Compare(a.id, b.id) },
			func(b []byte, t *customerTier) []byte { return putInt(putTier(b, t), int64(t.handle)) },
			func(d *decoder) customerTier { t := getTier(d); t.handle = int(d.int()); return t })}
}

func (o *outsideRank) add(e *tierEntry) error {
	if e.in.Effective {
		o.buf = o.c.ScoreParts(o.buf[:0], &e.in)
		if o.parts == nil {
			for _, p := range o.buf {
				o.w = append(o.w, p.Weight)
				o.parts = append(o.parts, newSpill(o.limit/2/max(len(o.buf), 1), o.dir, comparePartValues, putPartValue, getPartValue))
			}
		}
		for k := range o.buf {
			if err := o.parts[k].Add(partValue{o.buf[k], o.n}); err != nil {
				return err
			}
		}
		o.n++
	}
	if !e.work {
		return nil
	}
	// The tier it has if not ranked higher, and its seq.
	t := customerTier{id: e.in.ID, tier: o.c.RaiseTier(&e.in, classify.Basic), hasP: e.hasP, p: e.p, handle: -1}
	if e.in.Effective {
		t.handle = o.n - 1
	}
	return o.work.Add(t)
}

func (o *outsideRank) tiers(ctx context.Context, add func(customerTier) error) error {
	bySeq := func(a, b *seqValue) int { return cmp.Compare(a.seq, b.seq) }
	// The parts are ranked apart, so on the machine's cores, each into its
	// own sort by seq, merged when summed.
	terms := make([]*spill[seqValue], len(o.parts))
	for k := range terms {
		terms[k] = newSpill(o.limit/len(terms), o.dir, bySeq, putSeqValue, getSeqValue)
	}
	defer closeAll(terms...)
	errs := make([]error, len(o.parts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k, part := range o.parts {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[k] = errors.Join(o.rankPart(ctx, part, o.w[k], terms[k]), part.Close())
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	scores := newSpill(o.limit, o.dir, func(a, b *seqValue) int { return cmp.Or(cmp.Compare(b.v, a.v), cmp.Compare(a.seq, b.seq)) },
		putSeqValue, getSeqValue)
	defer scores.Close()
	sum := seqValue{seq: -1}
	for t, err := range merged(ctx, terms...) {
		if err != nil {
			return err
		}
		if t.seq != sum.seq {
			if sum.seq >= 0 {
				if err := scores.Add(sum); err != nil {
					return err
				}
			}
			sum = seqValue{seq: t.seq}
		}
		sum.v += t.v
	}
	if sum.seq >= 0 {
		if err := scores.Add(sum); err != nil {
			return err
		}
	}
	if err := closeAll(terms...); err != nil {
		return err
	}
	tierOf := newSpill(o.limit, o.dir, bySeq, putSeqValue, getSeqValue)
	defer tierOf.Close()
	cut := o.c.NewTierCut(o.n)
	for s, err := range scores.All(ctx) {
		if err != nil {
			return err
		}
		if err := tierOf.Add(seqValue{s.seq, int64(cut.Next(s.v))}); err != nil {
			return err
		}
	}
	if err := scores.Close(); err != nil {
		return err
	}
	next, stop := iter.Pull2(tierOf.All(ctx))
	defer stop()
	tier := seqValue{seq: -1}
	for w, err := range o.work.All(ctx) {
		if err != nil {
			return err
		}
		if w.handle >= 0 {
			for tier.seq < w.handle {
				var ok bool
				if tier, err, ok = next(); err != nil {
					return err
				} else if !ok {
					break
				}
			}
			if tier.seq != w.handle {
				return &retention.Error{Kind: retention.ErrInternal, Op: "app.StreamPlanTo",
					Record: retention.RecordName("customers", w.id, 0), Field: "tier", Msg: "an effective customer was not ranked"}
			}
			if t := classify.Tier(tier.v); t != classify.Basic {
				w.tier = t // above the floor
			}
		}
		if err := add(w); err != nil {
			return err
		}
	}
	return nil
}

// rankPart adds to terms, for each customer in the sorted part, the weight
// w times i+j, where i…j are the positions (from 1) of its tie.
func (o *outsideRank) rankPart(ctx context.Context, part *spill[partValue], w int64, terms *spill[seqValue]) error {
	ends := newSpill(o.limit/len(o.parts), o.dir, func(a, b *int64) int { return cmp.Compare(*a, *b) },
		func(b []byte, v *int64) []byte { return putInt(b, *v) }, func(d *decoder) int64 { return d.int() })
	defer ends.Close()
	var prev classify.ScorePart
	pos := int64(0)
	for v, err := range part.All(ctx) {
		if err != nil {
			return err
		}
		if pos > 0 && v.p.Compare(&prev) != 0 {
			if err := ends.Add(pos); err != nil {
				return err
			}
		}
		pos++
		prev = v.p
	}
	if pos > 0 {
		if err := ends.Add(pos); err != nil {
			return err
		}
	}
	nextEnd, stop := iter.Pull2(ends.All(ctx))
	defer stop()
	pos = 0
	var i, j int64
	for v, err := range part.All(ctx) {
		if err != nil {
			return err
		}
		if pos++; pos > j {
			var ok bool
			i = pos
			if j, err, ok = nextEnd(); err != nil {
				return err
			} else if !ok {
				return &retention.Error{Kind: retention.ErrInternal, Op: "app.StreamPlanTo", Field: "tier",
					Msg: "a part of the score ran past its last tie"}
			}
		}
		if err := terms.Add(seqValue{v.seq, w * (i + j)}); err != nil {
			return err
		}
	}
	return nil
}

func (o *outsideRank) close() error { return errors.Join(o.work.Close(), closeAll(o.parts...)) }

// comparePartValues orders a part's values, and equal values by seq.
func comparePartValues(a, b *partValue) int {
	return cmp.Or(a.p.Compare(&b.p), cmp.Compare(a.seq, b.seq))
}

func putPartValue(b []byte, v *partValue) []byte {
	b = putBool(b, v.p.Big)
	if v.p.Big {
		b = putDecimal(b, v.p.Amount)
	} else {
		b = putInt(b, v.p.Value)
	}
	return putInt(b, int64(v.seq))
}

func getPartValue(d *decoder) partValue {
	var v partValue
	if v.p.Big = d.bool(); v.p.Big {
		v.p.Amount = d.decimal()
	} else {
		v.p.Value = d.int()
	}
	v.seq = int(d.int())
	return v
}

func putSeqValue(b []byte, v *seqValue) []byte { return putInt(putInt(b, int64(v.seq)), v.v) }

func getSeqValue(d *decoder) seqValue { return seqValue{int(d.int()), d.int()} }
