package classify

import (
	"cmp"
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
	return TierInput{ID: r.ID, Dealer: r.Dealer, Effective: r.Effective, Kind: r.kind, VIP: r.vip, Referrals: r.referrals,
		Purchase: r.purchase(), Vehicles: len(r.Vehicles), Spend: r.spend12(), Visits: r.visits12()}
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
	w := c.StatusWindows(asOf)
	for i := range in.Vehicles {
		h := &in.Vehicles[i]
		v := VehicleResult{VIN: h.Vehicle.VIN, price: h.Vehicle.Price, delivered: h.Vehicle.DeliveredOn,
			HomeDealer: c.homeDealer(h, asOf)}
		v.Retained = !h.Vehicle.Scrapped && !lostByRecall(latestRecall(recalls[h.Vehicle.VIN], asOf))
		if v.Retained {
			f := w.Facts(h)
			v.Effective = c.effective(&f, asOf)
		}
		v.spend12, v.visits12 = value(h, &w)
		res.Vehicles = append(res.Vehicles, v)
	}
	res.summarize()
	return res.TierInput()
}

// AssignTiers sets the Tier of every customer (POLICY.md §8); see Tiers.
func (c *Classifier) AssignTiers(rs []CustomerResult) {
	ts := make([]TierInput, len(rs))
	for i := range rs {
		ts[i] = rs[i].TierInput()
	}
	for i, t := range c.Tiers(ts) {
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
	tp := &c.policy.Tiers
	tiers := make([]Tier, len(ts))
	groups := map[string][]int{}
	for i := range ts {
		tiers[i] = Basic
		if ts[i].Effective {
			groups[ts[i].Dealer] = append(groups[ts[i].Dealer], i)
		}
	}
	// Dealers are ranked apart, so in parallel; each writes its own
	// customers' tiers.
	var wg sync.WaitGroup
	for _, idx := range groups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.tierGroup(ts, tiers, idx)
		}()
	}
	wg.Wait()
	for i := range ts {
		t := &ts[i]
		if tiers[i] == Basic && ((tp.FleetAtLeastPotential && t.Kind == retention.Fleet) || (tp.VIPAtLeastPotential && t.VIP)) {
			tiers[i] = Potential
		}
	}
	return tiers
}

// tierGroup ranks and tiers the customers ts[idx...] of one dealer. Its
// work arrays are as long as the dealer's customers, not the network's.
func (c *Classifier) tierGroup(ts []TierInput, tiers []Tier, idx []int) {
	tp := &c.policy.Tiers
	n := len(idx)
	// Scores in integers: weights in billionths (the policy's weights are
	// exact to nine decimals) times doubled mean ranks.
	scores := make([]int64, n)
	units := make([]int64, n)
	var vals []decimal.Decimal // only when a value does not fit in units
	order := make([]int, n)
	for _, w := range tp.ScoreWeights {
		wi := w.Weight.Shift(9).Round(0).IntPart()
		part := func(t *TierInput) decimal.Decimal { return decimal.Zero }
		switch w.Name {
		case retention.ScorePurchase:
			part = func(t *TierInput) decimal.Decimal { return t.Purchase }
		case retention.ScoreVehicles:
			part = func(t *TierInput) decimal.Decimal { return decimal.NewFromInt(int64(t.Vehicles)) }
		case retention.ScoreSpend:
			part = func(t *TierInput) decimal.Decimal { return t.Spend }
		case retention.ScoreVisits:
			part = func(t *TierInput) decimal.Decimal { return decimal.NewFromInt(int64(t.Visits)) }
		case retention.ScoreReferrals:
			part = func(t *TierInput) decimal.Decimal { return decimal.NewFromInt(int64(t.Referrals)) }
		}
		// Compare in exact integer units (money.go) when every value fits,
		// as DMS amounts do; else as decimals.
		exact := true
		for j, i := range idx {
			var ok bool
			if units[j], ok = toUnits(part(&ts[i])); !ok {
				exact = false
				break
			}
		}
		compare := func(a, b int) int { return cmp.Compare(units[a], units[b]) }
		if !exact {
			vals = slices.Grow(vals[:0], n)[:n]
			for j, i := range idx {
				vals[j] = part(&ts[i])
			}
			compare = func(a, b int) int { return vals[a].Cmp(vals[b]) }
		}
		for j := range order {
			order[j] = j
		}
		slices.SortFunc(order, compare)
		// Mean ranks, doubled to stay whole: a tie over positions i..j
		// (1-based) gets i+j.
		for i := 0; i < n; {
			j := i
			for j+1 < n && compare(order[j+1], order[i]) == 0 {
				j++
			}
			rank2 := int64(i + 1 + j + 1)
			for k := i; k <= j; k++ {
				scores[order[k]] += wi * rank2
			}
			i = j + 1
		}
	}
	for j := range order {
		order[j] = j
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(scores[b], scores[a]); c != 0 {
			return c
		}
		return cmp.Compare(ts[idx[a]].ID, ts[idx[b]].ID)
	})
	cut := func(share decimal.Decimal) int {
		return int(share.Mul(decimal.NewFromInt(int64(n))).Round(0).IntPart())
	}
	coreN := cut(tp.CoreShare)
	potN := cut(tp.CoreShare.Add(tp.PotentialShare))
	prev := Tier(0)
	for pos, j := range order {
		t := Basic
		switch {
		case pos < coreN || (prev == Core && scores[j] == scores[order[pos-1]]):
			t = Core
		case pos < potN || (prev == Potential && scores[j] == scores[order[pos-1]]):
			t = Potential
		}
		tiers[idx[j]], prev = t, t
	}
}

func (r *CustomerResult) purchase() decimal.Decimal {
	var sum money
	for i := range r.Vehicles {
		sum.add(r.Vehicles[i].price)
	}
	return sum.value()
}

func (r *CustomerResult) spend12() decimal.Decimal {
	var sum money
	for i := range r.Vehicles {
		sum.add(r.Vehicles[i].spend12)
	}
	return sum.value()
}

func (r *CustomerResult) visits12() int {
	n := 0
	for i := range r.Vehicles {
		n += r.Vehicles[i].visits12
	}
	return n
}
