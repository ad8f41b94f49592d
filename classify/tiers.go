package classify

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// Tier is a customer value tier (POLICY.md §8). It sets the priority of the
// customer's tasks.
type Tier uint8

// The tiers, best first.
const (
	Core      Tier = iota + 1 // the top CoreShare of a dealer's effective customers
	Potential                 // the next PotentialShare
	Basic                     // the rest
)

var tierNames = []string{"", "core", "potential", "basic"}

// String returns "core", "potential" or "basic".
func (t Tier) String() string {
	if int(t) < len(tierNames) {
		return tierNames[t]
	}
	return "tier?"
}

// MarshalText implements encoding.TextMarshaler.
func (t Tier) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Priority returns the task priority of the tier (PlanPolicy.Priorities).
func (t Tier) Priority(p *retention.Policy) int {
	if t < Core || t > Basic {
		return p.Plan.Priorities[Basic-1]
	}
	return p.Plan.Priorities[t-1]
}

// TierInput is what a customer's tier is computed from: a few numbers per
// customer, so that a streamed evaluation can rank a whole network without
// keeping its histories (CustomerResult.TierInput).
type TierInput struct {
	ID, Dealer string
	Effective  bool
	Kind       retention.CustomerKind
	VIP        bool
	Referrals  int
	Purchase   decimal.Decimal // the price of its vehicles
	Vehicles   int
	Spend      decimal.Decimal // service spend of the last 12 months
	Visits     int             // visits of the last 12 months
}

// TierInput returns what the customer's tier is computed from.
func (r *CustomerResult) TierInput() TierInput {
	purchase, spend, visits := r.sums()
	return TierInput{ID: r.ID, Dealer: r.Dealer, Effective: r.Effective, Kind: r.kind, VIP: r.vip, Referrals: r.referrals,
		Purchase: purchase.value(), Vehicles: len(r.Vehicles), Spend: spend.value(), Visits: visits}
}

// sums returns the sums over the customer's vehicles that its tier is
// computed from: purchase prices, service spend and visits of the last 12
// months.
func (r *CustomerResult) sums() (purchase, spend money, visits int) {
	for i := range r.Vehicles {
		v := &r.Vehicles[i]
		purchase.addMoney(v.price)
		spend.addMoney(v.spend12)
		visits += v.visits12
	}
	return purchase, spend, visits
}

// TierVisitsAfter returns the day after which TierInputOf needs a
// customer's visits as of asOf: EffectiveMonths or HomeDealerMonths back,
// whichever is longer. A store may leave the older visits out
// (retention.HistoryFilter.VisitsAfter), so that ranking a network's tiers
// reads only its recent repair orders.
func (c *Classifier) TierVisitsAfter(asOf date.Date) date.Date {
	st := &c.policy.Status
	return retention.AddMonths(asOf, -max(st.EffectiveMonths, st.HomeDealerMonths))
}

// TierInputOf returns what the customer's tier is computed from as of asOf,
// the same as c.Customer(in, asOf).TierInput(), without classifying the
// rest: no mileage, stage, next service or flags. The histories need only
// the visits opened after TierVisitsAfter(asOf); older ones may be left out.
func (c *Classifier) TierInputOf(in *CustomerInput, asOf date.Date) TierInput {
	res := CustomerResult{ID: in.Customer.ID, kind: in.Customer.Kind, vip: in.Customer.VIP,
		referrals: in.Customer.Referrals, Vehicles: make([]VehicleResult, 0, len(in.Vehicles))}
	recalls := c.recallContacts(in.Contacts, asOf)
	cut := &c.cutoffsAt(asOf).now
	w := cut.w
	for i := range in.Vehicles {
		h := &in.Vehicles[i]
		v := VehicleResult{VIN: h.Vehicle.VIN, price: moneyOf(h.Vehicle.Price), delivered: h.Vehicle.DeliveredOn,
			HomeDealer: c.homeDealer(h, cut)}
		v.Retained = !h.Vehicle.Scrapped && !lostByRecall(latestRecall(recalls[h.Vehicle.VIN], asOf))
		if v.Retained {
			f := w.Facts(h)
			v.Effective = effective(&f, cut)
		}
		v.spend12, v.visits12 = value(h, &w)
		res.Vehicles = append(res.Vehicles, v)
	}
	res.summarize()
	return res.TierInput()
}

// AssignTiers sets the Tier of every customer (POLICY.md §8); see Tiers.
func (c *Classifier) AssignTiers(rs []CustomerResult) {
	r := c.newTierRanking(len(rs))
	for i := range rs {
		r.AddResult(&rs[i])
	}
	for i, t := range r.Tiers() {
		rs[i].Tier = t
	}
}

// Tiers returns the tier of every customer (POLICY.md §8), in the order of
// ts. The effective customers of each dealer (TierInput.Dealer) are ranked
// by a value score; the top CoreShare of them (rounded half up) are core,
// the next PotentialShare potential, the rest and every non-effective
// customer basic. Customers whose score equals that of the last one in a
// tier join it, so equal customers never get different tiers. Fleet and VIP
// customers are raised to potential when the policy says so.
//
// The score weighs, by TierPolicy.ScoreWeights, the customer's rank among
// the dealer's effective customers in each part: purchase amount, number of
// vehicles, service spend and visits of the last 12 months, and referrals.
// Ranks make the parts comparable whatever their units; equal values share
// the mean rank. The result does not depend on the order of ts.
func (c *Classifier) Tiers(ts []TierInput) []Tier {
	r := c.newTierRanking(len(ts))
	for i := range ts {
		r.Add(&ts[i])
	}
	return r.Tiers()
}

// The parts of a value score, in a tierRow.
const (
	partPurchase = iota
	partVehicles
	partSpend
	partVisits
	partReferrals
	nParts
)

// TierRanking ranks the tiers of a network whose customers arrive one at a
// time, as a streamed evaluation sees them (Classifier.Tiers ranks a
// slice). It keeps 48 bytes per customer, without pointers: a whole
// network's ranking costs the garbage collector nothing to scan. Rankings
// of partitions of a network merge (Append) into the ranking of the whole;
// Classifier.TiersOfParts ranks them so and gives each part its tiers.
type TierRanking struct {
	c       *Classifier
	dealers map[string]int32
	rows    []tierRow
	big     map[int]*TierInput // the rare customers whose amounts do not fit in units
}

// tierRow is a customer's TierInput in integers: amounts in units of 1e-4
// (money.go), counts as they are.
type tierRow struct {
	parts     [nParts]int64
	dealer    int32
	effective bool
	floor     bool // raised to potential (fleet or VIP, as the policy says)
	big       bool // an amount is in TierRanking.big
}

// NewTierRanking returns an empty ranking under c's policy.
func (c *Classifier) NewTierRanking() *TierRanking { return c.newTierRanking(0) }

// newTierRanking is NewTierRanking with room for n customers.
func (c *Classifier) newTierRanking(n int) *TierRanking {
	r := &TierRanking{c: c, dealers: map[string]int32{}}
	r.Grow(n)
	return r
}

// Add adds a customer and returns its handle: its index in Tiers.
func (r *TierRanking) Add(in *TierInput) int {
	var purchase, spend money
	purchase.add(in.Purchase)
	spend.add(in.Spend)
	return r.add(in, purchase, spend)
}

// AddResult adds a classified customer and returns its handle, as
// Add(&cr.TierInput()) does, without building the TierInput's decimals.
func (r *TierRanking) AddResult(cr *CustomerResult) int {
	purchase, spend, visits := cr.sums()
	// Only the fields add reads: the amounts come as sums.
	in := TierInput{Dealer: cr.Dealer, Effective: cr.Effective, Kind: cr.kind, VIP: cr.vip, Referrals: cr.referrals,
		Vehicles: len(cr.Vehicles), Visits: visits}
	return r.add(&in, purchase, spend)
}

// add adds in with its amounts as sums (in.Purchase and in.Spend are not
// read).
func (r *TierRanking) add(in *TierInput, purchase, spend money) int {
	h := len(r.rows)
	row := tierRow{effective: in.Effective, floor: r.c.raised(in)}
	if in.Effective {
		d, ok := r.dealers[in.Dealer]
		if !ok {
			d = int32(len(r.dealers))
			r.dealers[in.Dealer] = d
		}
		row.dealer = d
		row.parts = partsOf(in, purchase, spend)
		if purchase.isBig || spend.isBig {
			if r.big == nil {
				r.big = map[int]*TierInput{}
			}
			row.big, r.big[h] = true, &TierInput{Purchase: purchase.value(), Spend: spend.value()}
		}
	}
	r.rows = append(r.rows, row)
	return h
}

// Grow makes room for n more customers, so that adding them does not
// reallocate the ranking: a caller that knows how many will come saves the
// copies of a growing slice. n < 0 is taken as 0.
func (r *TierRanking) Grow(n int) { r.rows = slices.Grow(r.rows, max(n, 0)) }

// Len returns the number of customers added.
func (r *TierRanking) Len() int { return len(r.rows) }

// Append adds every customer of o, a ranking under the same policy, after
// r's: a customer's handle in o becomes offset + its handle in r.
func (r *TierRanking) Append(o *TierRanking) (offset int) {
	offset = len(r.rows)
	dealer := make([]int32, len(o.dealers)) // o's dealer number → r's
	for id, od := range o.dealers {
		d, ok := r.dealers[id]
		if !ok {
			d = int32(len(r.dealers))
			r.dealers[id] = d
		}
		dealer[od] = d
	}
	for _, row := range o.rows {
		if row.effective {
			row.dealer = dealer[row.dealer]
		}
		r.rows = append(r.rows, row)
	}
	for h, in := range o.big {
		if r.big == nil {
			r.big = map[int]*TierInput{}
		}
		r.big[offset+h] = in
	}
	return offset
}

// TiersOfParts ranks together the customers of the rankings of a
// network's partitions (each under c's policy, each customer in one of
// them) and returns their tiers by partition and handle:
// TiersOfParts(parts)[i][h] is the tier of parts[i]'s customer h. It is
// Append and Tiers with the offsets kept for the caller. It empties each
// part once appended, so that the network's rows are not held twice.
func (c *Classifier) TiersOfParts(parts []*TierRanking) [][]Tier {
	whole := c.NewTierRanking()
	n := 0
	for _, p := range parts {
		n += p.Len()
	}
	offsets := make([]int, len(parts)+1)
	for i, p := range parts {
		if i == 0 { // the first part's rows become the whole's, uncopied
			whole.dealers, whole.rows, whole.big = p.dealers, p.rows, p.big
			whole.Grow(n - len(p.rows))
		} else {
			offsets[i] = whole.Append(p)
		}
		*p = TierRanking{c: p.c, dealers: map[string]int32{}}
	}
	offsets[len(parts)] = whole.Len()
	tiers := whole.Tiers()
	out := make([][]Tier, len(parts))
	for i := range parts {
		out[i] = tiers[offsets[i]:offsets[i+1]:offsets[i+1]]
	}
	return out
}

// Tiers returns the tier of every customer added, by handle (see
// Classifier.Tiers for the rule).
func (r *TierRanking) Tiers() []Tier {
	tiers := make([]Tier, len(r.rows))
	groups := make([][]int, len(r.dealers))
	for h := range r.rows {
		tiers[h] = Basic
		if row := &r.rows[h]; row.effective {
			groups[row.dealer] = append(groups[row.dealer], h)
		}
	}
	// Dealers are ranked apart, so in parallel; each writes its own
	// customers' tiers.
	var wg sync.WaitGroup
	for _, idx := range groups {
		if len(idx) > 0 {
			wg.Go(func() { r.tierGroup(tiers, idx) })
		}
	}
	wg.Wait()
	for h := range r.rows {
		tiers[h] = raise(tiers[h], r.rows[h].floor)
	}
	return tiers
}

// tierGroup ranks and tiers the customers r.rows[idx...] of one dealer. Its
// work arrays are as long as the dealer's customers, not the network's.
func (r *TierRanking) tierGroup(tiers []Tier, idx []int) {
	n := len(idx)
	big := false
	for _, h := range idx {
		big = big || r.rows[h].big
	}
	// Scores in integers: weights in billionths (the policy's weights are
	// exact to nine decimals) times doubled mean ranks.
	scores := make([]int64, n)
	var vals []decimal.Decimal // only for an amount that does not fit in units
	var keyed []keyedPart
	var counts []int
	order := make([]int, n)
	for _, pw := range r.c.weights {
		part, wi := pw.part, pw.weight
		if big && (part == partPurchase || part == partSpend) {
			vals = slices.Grow(vals[:0], n)[:n]
			for j, h := range idx {
				vals[j] = r.amount(h, part)
			}
			for j := range order {
				order[j] = j
			}
			slices.SortFunc(order, func(a, b int) int { return vals[a].Cmp(vals[b]) })
			addRanks(scores, order, wi, func(p, q int) bool { return vals[order[p]].Equal(vals[order[q]]) })
			continue
		}
		lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
		for _, h := range idx {
			v := r.rows[h].parts[part]
			lo, hi = min(lo, v), max(hi, v)
		}
		if hi-lo < int64(4*n) { // counts, referrals, most amounts of a small dealer
			counts = countRanks(counts, r.rows, idx, part, lo, hi)
			for j, h := range idx {
				k := r.rows[h].parts[part] - lo
				scores[j] += wi * int64(counts[k]+1+counts[k+1]) // below + 1 + through
			}
			continue
		}
		// The values beside their positions, sorted together: no
		// indirection in the comparisons.
		keyed = slices.Grow(keyed[:0], n)[:n]
		for j, h := range idx {
			keyed[j] = keyedPart{r.rows[h].parts[part], j}
		}
		slices.SortFunc(keyed, func(a, b keyedPart) int { return cmp.Compare(a.v, b.v) })
		for j := range keyed {
			order[j] = keyed[j].j
		}
		addRanks(scores, order, wi, func(a, b int) bool { return keyed[a].v == keyed[b].v })
	}
	// By score, best first. Customers of equal score get the same tier
	// (below), so their order among themselves does not matter; by handle
	// keeps the sort deterministic.
	for j := range order {
		order[j] = j
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(scores[b], scores[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	cut := r.c.NewTierCut(n)
	for _, j := range order {
		tiers[idx[j]] = cut.Next(scores[j])
	}
}

// TierCut gives the tiers of a dealer's effective customers walked by
// score, best first: the first CoreShare of them (rounded half up) core,
// the next PotentialShare potential, the rest basic, where a customer whose
// score equals the one before it gets that one's tier. It is the last step
// of Classifier.Tiers, for a caller that ranks a dealer's customers itself,
// when they do not fit in memory: it sorts them by score (ScoreParts), and
// a TierCut tiers them in that order.
type TierCut struct {
	coreN, potN, pos int
	prev             Tier
	last             int64
}

// NewTierCut returns the cut of a dealer with n effective customers.
func (c *Classifier) NewTierCut(n int) TierCut {
	tp := &c.policy.Tiers
	share := func(s decimal.Decimal) int {
		return int(s.Mul(decimal.NewFromInt(int64(n))).Round(0).IntPart())
	}
	return TierCut{coreN: share(tp.CoreShare), potN: share(tp.CoreShare.Add(tp.PotentialShare))}
}

// Next returns the tier of the next customer, whose score is at most the
// one before it (at most n customers; after the n-th, basic).
func (t *TierCut) Next(score int64) Tier {
	tied := t.pos > 0 && score == t.last
	tier := Basic
	switch {
	case t.pos < t.coreN || (t.prev == Core && tied):
		tier = Core
	case t.pos < t.potN || (t.prev == Potential && tied):
		tier = Potential
	}
	t.pos++
	t.prev, t.last = tier, score
	return tier
}

// RaiseTier returns t raised to potential when in is a fleet or VIP
// customer that TierPolicy raises (FleetAtLeastPotential,
// VIPAtLeastPotential): the last step of Classifier.Tiers, for every
// customer, effective or not.
func (c *Classifier) RaiseTier(in *TierInput, t Tier) Tier { return raise(t, c.raised(in)) }

// raised reports whether the policy raises in's tier to at least potential.
func (c *Classifier) raised(in *TierInput) bool {
	tp := &c.policy.Tiers
	return (tp.FleetAtLeastPotential && in.Kind == retention.Fleet) || (tp.VIPAtLeastPotential && in.VIP)
}

// raise returns t, raised from basic to potential when floor.
func raise(t Tier, floor bool) Tier {
	if t == Basic && floor {
		return Potential
	}
	return t
}

// partWeight is a part of the value score (partPurchase…) with its weight
// in billionths: the policy's weights are exact to nine decimals.
type partWeight struct {
	part   int
	weight int64
}

// partWeights returns the parts of the value score with their weights, in
// the order of TierPolicy.ScoreWeights.
func partWeights(tp *retention.TierPolicy) []partWeight {
	ws := tp.ScoreWeights
	out := make([]partWeight, 0, len(ws))
	for _, w := range ws {
		part := -1
		switch w.Name {
		case retention.ScorePurchase:
			part = partPurchase
		case retention.ScoreVehicles:
			part = partVehicles
		case retention.ScoreSpend:
			part = partSpend
		case retention.ScoreVisits:
			part = partVisits
		case retention.ScoreReferrals:
			part = partReferrals
		}
		if part >= 0 { // Policy.Validate admits no other name
			out = append(out, partWeight{part, w.Weight.Shift(9).Round(0).IntPart()})
		}
	}
	return out
}

// ScorePart is a customer's value in one part of the value score, with the
// part's weight (Classifier.ScoreParts).
type ScorePart struct {
	Weight int64 // the part's TierPolicy.ScoreWeights weight, in billionths
	// Value is the count, or the amount in units of 1e-4, unless Big: an
	// amount that does not fit them (more than four decimals, or 1e14 and
	// more), which is then in Amount.
	Value  int64
	Amount decimal.Decimal
	Big    bool
}

// Compare orders two customers' values in the same part: -1, 0 or +1.
func (p *ScorePart) Compare(o *ScorePart) int {
	if !p.Big && !o.Big {
		return cmp.Compare(p.Value, o.Value)
	}
	return p.amount().Cmp(o.amount())
}

// amount returns the value of an amount as a decimal.
func (p *ScorePart) amount() decimal.Decimal {
	return (&money{units: p.Value, big: p.Amount, isBig: p.Big}).value()
}

// partsOf returns in's values in the parts of the score, the amounts as
// their sums in units (of no use when a sum isBig).
func partsOf(in *TierInput, purchase, spend money) [nParts]int64 {
	return [nParts]int64{partPurchase: purchase.units, partVehicles: int64(in.Vehicles), partSpend: spend.units,
		partVisits: int64(in.Visits), partReferrals: int64(in.Referrals)}
}

// ScoreParts appends to dst in's values in the parts of the value score,
// one per TierPolicy.ScoreWeights entry, in its order, for a caller that
// ranks a dealer's customers itself (Classifier.Tiers ranks them in
// memory; a dealer too large for it can be ranked with external sorts).
// The rule: in each part, the dealer's effective customers sorted by value
// (ScorePart.Compare) take the positions 1…n, and the customers of a tie
// over positions i…j each get i+j (twice their mean rank); a customer's
// score is the sum over the parts of the weight times that. By score, best
// first, a TierCut gives the tiers; RaiseTier raises fleet and VIP
// customers.
func (c *Classifier) ScoreParts(dst []ScorePart, in *TierInput) []ScorePart {
	var purchase, spend money
	purchase.add(in.Purchase)
	spend.add(in.Spend)
	values := partsOf(in, purchase, spend)
	amounts := [nParts]*money{partPurchase: &purchase, partSpend: &spend}
	for _, pw := range c.weights {
		p := ScorePart{Weight: pw.weight, Value: values[pw.part]}
		if m := amounts[pw.part]; m != nil && m.isBig {
			p.Value, p.Amount, p.Big = 0, m.big, true
		}
		dst = append(dst, p)
	}
	return dst
}

// keyedPart is a customer's value in one part of the score beside its
// position j in its dealer's group.
type keyedPart struct {
	v int64
	j int
}

// countRanks returns, for the part's values in lo..hi of the customers
// rows[idx...], counts[v-lo] = how many are below v and counts[v-lo+1] =
// how many are at most v: the positions a tie on v spans, without a sort.
// It reuses buf.
func countRanks(buf []int, rows []tierRow, idx []int, part int, lo, hi int64) []int {
	size := int(hi-lo) + 2
	buf = slices.Grow(buf[:0], size)[:size]
	clear(buf)
	for _, h := range idx {
		buf[rows[h].parts[part]-lo+1]++
	}
	for k := 1; k < size; k++ {
		buf[k] += buf[k-1]
	}
	return buf
}

// addRanks adds to each customer's score its weight wi times its mean rank
// in order (sorted ascending), doubled to stay whole: a tie over positions
// i..j (1-based) gets i+j. tied(i, k) reports whether the customers at
// sorted positions i and k are tied.
func addRanks(scores []int64, order []int, wi int64, tied func(i, k int) bool) {
	n := len(order)
	for i := 0; i < n; {
		j := i
		for j+1 < n && tied(j+1, i) {
			j++
		}
		rank2 := int64(i + 1 + j + 1)
		for k := i; k <= j; k++ {
			scores[order[k]] += wi * rank2
		}
		i = j + 1
	}
}

// amount returns the purchase or spend of the customer with handle h.
func (r *TierRanking) amount(h, part int) decimal.Decimal {
	if in, ok := r.big[h]; ok {
		if part == partPurchase {
			return in.Purchase
		}
		return in.Spend
	}
	return (&money{units: r.rows[h].parts[part]}).value()
}
