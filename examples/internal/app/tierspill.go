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
// share one, and its histograms hold a quarter of one more; while it
// ranks, the sort it merges and the one it fills hold one each, and their
// read buffers up to one more.
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
//  1. each effective customer's value in each amount of the score (the
//     purchase, the spend) goes to the part's sort, with the customer's
//     number among the effective ones (its seq); its counts (vehicles,
//     visits, referrals) go, by seq as they come, to a stream of their
//     own, and each to its part's histogram;
//  2. each amount, sorted, is read twice: once to write where each tie
//     ends, and once to give each customer of a tie over positions i…j the
//     weight times i+j, to a sort by seq; the counts' stream is read once,
//     each count's positions i…j taken from its histogram, without a sort;
//  3. the sums come by seq: they go, in that order, to a stream, and to a
//     sort best first, which is read until the cut (classify.TierCut)
//     gives basic, for the least score of each tier above it (the cut
//     gives equal scores one tier, so a tier is the score's);
//  4. the customers with work, which came by ID as their seqs did, get
//     the tiers of their sums from the stream (raised by the policy's
//     floor, classify.RaiseTier).
//
// A count whose values spread too far for its histogram's share of the
// limit is sorted like an amount, from the counts' stream.
type outsideRank struct {
	c       *classify.Classifier
	limit   int
	dir     string
	sorted  []sortedPart         // the parts ranked by sorting their values
	counted []countedPart        // the parts ranked from histograms, at most maxCounted
	counts  *spill[seqCounts]    // the counted parts' values, by seq; nil when none is counted
	work    *spill[customerTier] // the customers with work, by ID; handle is the seq, or -1
	n       int                  // effective customers
	buf     []classify.ScorePart
}

// maxCounted is the most parts of the score that are counts: vehicles,
// visits and referrals (the policy names each part once).
const maxCounted = 3

// sortedPart is a part of the score ranked by sorting its values.
type sortedPart struct {
	k      int   // its place in ScoreParts
	w      int64 // its weight
	values *spill[partValue]
}

// countedPart is a part of the score, a count, ranked from a histogram.
type countedPart struct {
	k int
	w int64
	h histogram
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

// seqCounts are a customer's values in the counted parts, by their place
// in outsideRank.counted.
type seqCounts struct {
	seq int
	v   [maxCounted]int64
}

// newOutsideRank returns an empty ranking whose spills hold limit bytes
// together while customers come, and each limit bytes after; its
// histograms hold a quarter of limit more.
func newOutsideRank(c *classify.Classifier, limit int, dir string) *outsideRank {
	return &outsideRank{c: c, limit: limit, dir: dir,
		work: newSpill(inOrderLimit(limit), dir, byCustomer,
			func(b []byte, t *customerTier) []byte { return putInt(putTier(b, t), int64(t.handle)) },
			func(d *decoder) customerTier { t := getTier(d); t.handle = int(d.int()); return t })}
}

// isCount reports whether the part of the score named name is a count.
func isCount(name string) bool {
	return name == retention.ScoreVehicles || name == retention.ScoreVisits || name == retention.ScoreReferrals
}

// inOrderLimit is the limit of an outside ranking's spill whose values come
// in order (the customers with work by ID; the counts, the sums and a
// part's tie ends by seq): such a spill sorts and merges nothing (spill),
// so its memory only batches its writes, and a sixteenth of the ranking's
// limit does.
func inOrderLimit(limit int) int { return limit / 16 }

// start sets up the parts, from the first effective customer's. The
// counts' stream and the customers with work come in order, so their
// spills take inOrderLimit each; the sorted parts share the rest equally,
// so that their runs are long and few: at 250,000 customers of two
// amounts, few enough to be merged at once, not first merged into longer
// runs (spill.compact). The histograms hold a quarter of the limit
// together.
func (o *outsideRank) start(parts []classify.ScorePart) {
	names := o.c.Policy().Tiers.ScoreWeights // ScoreParts gives a part per name, in this order
	for k, p := range parts {
		if len(o.counted) < maxCounted && isCount(names[k].Name) {
			o.counted = append(o.counted, countedPart{k: k, w: p.Weight})
			continue
		}
		o.sorted = append(o.sorted, sortedPart{k: k, w: p.Weight})
	}
	share := (o.limit - 2*inOrderLimit(o.limit)) / max(len(o.sorted), 1) // what the two in-order spills leave
	for i := range o.sorted {
		o.sorted[i].values = newPartSpill(share, o.dir)
	}
	if len(o.counted) > 0 {
		span := int64(o.limit / 4 / 8 / len(o.counted)) // 8 bytes a value
		for i := range o.counted {
			o.counted[i].h.span = span
		}
		o.counts = newSpill(inOrderLimit(o.limit), o.dir, func(a, b *seqCounts) int { return cmp.Compare(a.seq, b.seq) },
			putSeqCounts(len(o.counted)), getSeqCounts(len(o.counted)))
	}
}

// newPartSpill returns a sort of a part's values of limit bytes.
func newPartSpill(limit int, dir string) *spill[partValue] {
	return newSpill(limit, dir, comparePartValues, putPartValue, getPartValue)
}

func (o *outsideRank) add(e *tierEntry) error {
	if e.in.Effective {
		o.buf = o.c.ScoreParts(o.buf[:0], &e.in)
		if o.sorted == nil && o.counted == nil {
			o.start(o.buf)
		}
		for _, p := range o.sorted {
			if err := p.values.Add(partValue{o.buf[p.k], o.n}); err != nil {
				return err
			}
		}
		if o.counts != nil {
			c := seqCounts{seq: o.n}
			for i := range o.counted {
				p := &o.counted[i]
				c.v[i] = o.buf[p.k].Value // a count is never Big
				p.h.add(c.v[i])
			}
			if err := o.counts.Add(c); err != nil {
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

// sortSpread moves the counts whose values spread too far for their
// histograms to the sorted parts, their values read from the counts'
// stream. It reports whether a count is left to rank from its histogram.
func (o *outsideRank) sortSpread(ctx context.Context) (counted bool, err error) {
	var spread []int // in o.counted
	var values []*spill[partValue]
	for i := range o.counted {
		if p := &o.counted[i]; p.h.over {
			spread = append(spread, i)
			// An equal share of half the limit among the score's parts, while ranking.
			sp := sortedPart{k: p.k, w: p.w, values: newPartSpill(o.limit/2/max(len(o.buf), 1), o.dir)}
			o.sorted = append(o.sorted, sp)
			values = append(values, sp.values)
		} else {
			p.h.cumulate()
			counted = true
		}
	}
	if len(spread) == 0 {
		return counted, nil
	}
	for c, err := range o.counts.All(ctx) {
		if err != nil {
			return counted, err
		}
		for j, i := range spread {
			if err := values[j].Add(partValue{classify.ScorePart{Value: c.v[i]}, c.seq}); err != nil {
				return counted, err
			}
		}
	}
	return counted, nil
}

// rankCounts adds to terms, for each customer in the counts' stream, the
// sum over the counts ranked from histograms of the weight times i+j, where
// i…j are the positions (from 1) of its tie.
func (o *outsideRank) rankCounts(ctx context.Context, terms *spill[seqValue]) error {
	for c, err := range o.counts.All(ctx) {
		if err != nil {
			return err
		}
		t := seqValue{seq: c.seq}
		for i := range o.counted {
			if p := &o.counted[i]; !p.h.over {
				t.v += p.w * p.h.positions(c.v[i])
			}
		}
		if err := terms.Add(t); err != nil {
			return err
		}
	}
	return nil
}

func (o *outsideRank) tiers(ctx context.Context, add func(customerTier) error) error {
	bySeq := func(a, b *seqValue) int { return cmp.Compare(a.seq, b.seq) }
	counted, err := o.sortSpread(ctx)
	if err != nil {
		return err
	}
	// The sorted parts are ranked apart, and the counts together, so on the
	// machine's cores, each into its own sort by seq, merged when summed.
	n := len(o.sorted)
	if counted {
		n++
	}
	terms := make([]*spill[seqValue], n)
	for k := range terms {
		terms[k] = newSpill(o.limit/len(terms), o.dir, bySeq, putSeqValue, getSeqValue)
	}
	defer closeAll(terms...)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := range terms {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if k == len(o.sorted) {
				errs[k] = o.rankCounts(ctx, terms[k])
				return
			}
			p := o.sorted[k]
			errs[k] = errors.Join(o.rankPart(ctx, p.values, p.w, terms[k]), p.values.Close())
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if o.counts != nil {
		if err := o.counts.Close(); err != nil {
			return err
		}
	}
	scores := newSpill(o.limit, o.dir, func(a, b *seqValue) int { return cmp.Or(cmp.Compare(b.v, a.v), cmp.Compare(a.seq, b.seq)) },
		putSeqValue, getSeqValue)
	defer scores.Close()
	sums := newSpill(inOrderLimit(o.limit), o.dir, bySeq, putSeqValue, getSeqValue)
	defer sums.Close()
	sum := seqValue{seq: -1}
	addSum := func() error { // when there is one
		if sum.seq < 0 {
			return nil
		}
		if err := scores.Add(sum); err != nil {
			return err
		}
		return sums.Add(sum)
	}
	for t, err := range merged(ctx, terms...) {
		if err != nil {
			return err
		}
		if t.seq != sum.seq {
			if err := addSum(); err != nil {
				return err
			}
			sum = seqValue{seq: t.seq}
		}
		sum.v += t.v
	}
	if err := addSum(); err != nil {
		return err
	}
	if err := closeAll(terms...); err != nil {
		return err
	}
	// The least score of each tier above basic, read best first down to
	// the first basic one.
	var least [classify.Basic]int64 // by tier
	var have [classify.Basic]bool
	cut := o.c.NewTierCut(o.n)
	for s, err := range scores.All(ctx) {
		if err != nil {
			return err
		}
		t := cut.Next(s.v)
		if t == classify.Basic {
			break // as are the rest
		}
		least[t], have[t] = s.v, true
	}
	if err := scores.Close(); err != nil {
		return err
	}
	next, stop := iter.Pull2(sums.All(ctx))
	defer stop()
	sum = seqValue{seq: -1}
	for w, err := range o.work.All(ctx) {
		if err != nil {
			return err
		}
		if w.handle >= 0 {
			for sum.seq < w.handle {
				var ok bool
				if sum, err, ok = next(); err != nil {
					return err
				} else if !ok {
					break
				}
			}
			if sum.seq != w.handle {
				return &retention.Error{Kind: retention.ErrInternal, Op: "app.StreamPlanTo",
					Record: retention.RecordName("customers", w.id, 0), Field: "tier", Msg: "an effective customer was not ranked"}
			}
			for t := classify.Core; t < classify.Basic; t++ {
				if have[t] && sum.v >= least[t] {
					w.tier = t // above the floor
					break
				}
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
	ends := newSpill(inOrderLimit(o.limit), o.dir, func(a, b *int64) int { return cmp.Compare(*a, *b) },
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

func (o *outsideRank) close() error {
	errs := []error{o.work.Close()}
	for _, p := range o.sorted {
		errs = append(errs, p.values.Close())
	}
	if o.counts != nil {
		errs = append(errs, o.counts.Close())
	}
	return errors.Join(errs...)
}

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

// putSeqCounts returns the encoding of n counts by seq.
func putSeqCounts(n int) func(b []byte, c *seqCounts) []byte {
	return func(b []byte, c *seqCounts) []byte {
		b = putInt(b, int64(c.seq))
		for _, v := range c.v[:n] {
			b = putInt(b, v)
		}
		return b
	}
}

// getSeqCounts returns the decoding of n counts by seq.
func getSeqCounts(n int) func(d *decoder) seqCounts {
	return func(d *decoder) seqCounts {
		c := seqCounts{seq: int(d.int())}
		for i := range c.v[:n] {
			c.v[i] = d.int()
		}
		return c
	}
}

// histogram counts a part's values while they lie less than span apart,
// so that they rank without a sort: after cumulate, the customers of value
// v take the positions below(v)+1 … through(v). It holds 8 bytes per value
// between the least and the greatest, up to span.
type histogram struct {
	span     int64
	lo       int64   // the value counts[0] is of
	counts   []int64 // by value − lo, nil before the first; after cumulate, how many are at most that value
	min, max int64   // the values added
	over     bool    // the values spread span or more apart: the part is sorted instead
}

// add counts v, unless the values spread too far (over).
func (h *histogram) add(v int64) {
	if h.over {
		return
	}
	lo, hi := v, v
	if h.counts != nil {
		lo, hi = min(h.min, v), max(h.max, v)
	}
	if uint64(hi)-uint64(lo) >= uint64(h.span) { // hi − lo, exact even past MaxInt64
		h.over, h.counts = true, nil
		return
	}
	if h.counts == nil || v < h.lo || v-h.lo >= int64(len(h.counts)) {
		// Twice the room, up to span: above the values when they grow
		// upwards, below when downwards.
		size := min(max(2*int64(len(h.counts)), hi-lo+1), h.span)
		start := lo
		if h.counts != nil && v < h.min {
			start = hi - size + 1
		}
		counts := make([]int64, size)
		if h.counts != nil {
			copy(counts[h.min-start:], h.counts[h.min-h.lo:h.max-h.lo+1])
		}
		h.lo, h.counts = start, counts
	}
	h.counts[v-h.lo]++
	h.min, h.max = lo, hi
}

// cumulate turns the counts into how many are at most each value.
func (h *histogram) cumulate() {
	sum := int64(0)
	for i, c := range h.counts {
		sum += c
		h.counts[i] = sum
	}
}

// positions returns i+j for a value v added, whose tie spans the positions
// i…j (from 1) once cumulated.
func (h *histogram) positions(v int64) int64 {
	k := v - h.lo
	below := int64(0)
	if k > 0 {
		below = h.counts[k-1]
	}
	return below + 1 + h.counts[k]
}

func putSeqValue(b []byte, v *seqValue) []byte { return putInt(putInt(b, int64(v.seq)), v.v) }

func getSeqValue(d *decoder) seqValue { return seqValue{int(d.int()), d.int()} }
