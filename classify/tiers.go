package classify

import (
	"cmp"
	"slices"

	"github.com/dcrc-go/dcrc/retention"
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

// AssignTiers sets the Tier of every customer (POLICY.md §8). The effective
// customers of each dealer (CustomerResult.Dealer) are ranked by a value
// score; the top CoreShare of them (rounded half up) are core, the next
// PotentialShare potential, the rest and every non-effective customer
// basic. Customers whose score equals that of the last one in a tier join
// it, so equal customers never get different tiers. Fleet and VIP customers
// are raised to potential when the policy says so.
//
// The score weighs, by TierPolicy.ScoreWeights, the customer's rank among
// the dealer's effective customers in each part: purchase amount, number of
// vehicles, service spend and visits of the last 12 months, and referrals.
// Ranks make the parts comparable whatever their units; equal values share
// the mean rank. The result does not depend on the order of rs.
func (c *Classifier) AssignTiers(rs []CustomerResult) {
	tp := &c.policy.Tiers
	groups := map[string][]int{}
	for i := range rs {
		rs[i].Tier = Basic
		if rs[i].Effective {
			groups[rs[i].Dealer] = append(groups[rs[i].Dealer], i)
		}
	}
	for _, idx := range groups {
		c.tierGroup(rs, idx)
	}
	for i := range rs {
		r := &rs[i]
		if r.Tier == Basic && ((tp.FleetAtLeastPotential && r.kind == retention.Fleet) || (tp.VIPAtLeastPotential && r.vip)) {
			r.Tier = Potential
		}
	}
}

// tierGroup ranks and tiers the customers rs[idx...] of one dealer.
func (c *Classifier) tierGroup(rs []CustomerResult, idx []int) {
	tp := &c.policy.Tiers
	n := len(idx)
	scores := make([]decimal.Decimal, len(rs))
	for _, w := range tp.ScoreWeights {
		part := func(r *CustomerResult) decimal.Decimal { return decimal.Zero }
		switch w.Name {
		case retention.ScorePurchase:
			part = func(r *CustomerResult) decimal.Decimal { return r.purchase() }
		case retention.ScoreVehicles:
			part = func(r *CustomerResult) decimal.Decimal { return decimal.NewFromInt(int64(len(r.Vehicles))) }
		case retention.ScoreSpend:
			part = func(r *CustomerResult) decimal.Decimal { return r.spend12() }
		case retention.ScoreVisits:
			part = func(r *CustomerResult) decimal.Decimal { return decimal.NewFromInt(int64(r.visits12())) }
		case retention.ScoreReferrals:
			part = func(r *CustomerResult) decimal.Decimal { return decimal.NewFromInt(int64(r.referrals)) }
		}
		vals := make([]decimal.Decimal, len(rs))
		order := slices.Clone(idx)
		for _, i := range idx {
			vals[i] = part(&rs[i])
		}
		slices.SortFunc(order, func(a, b int) int { return vals[a].Cmp(vals[b]) })
		// Mean ranks, doubled to stay whole: a tie over positions i..j
		// (1-based) gets i+j.
		for i := 0; i < n; {
			j := i
			for j+1 < n && vals[order[j+1]].Equal(vals[order[i]]) {
				j++
			}
			rank2 := decimal.NewFromInt(int64(i + 1 + j + 1))
			for k := i; k <= j; k++ {
				scores[order[k]] = scores[order[k]].Add(w.Weight.Mul(rank2))
			}
			i = j + 1
		}
	}
	order := slices.Clone(idx)
	slices.SortFunc(order, func(a, b int) int {
		if c := scores[b].Cmp(scores[a]); c != 0 {
			return c
		}
		return cmp.Compare(rs[a].ID, rs[b].ID)
	})
	cut := func(share decimal.Decimal) int {
		return int(share.Mul(decimal.NewFromInt(int64(n))).Round(0).IntPart())
	}
	coreN := cut(tp.CoreShare)
	potN := cut(tp.CoreShare.Add(tp.PotentialShare))
	for pos, i := range order {
		switch {
		case pos < coreN || (pos > 0 && rs[order[pos-1]].Tier == Core && scores[i].Equal(scores[order[pos-1]])):
			rs[i].Tier = Core
		case pos < potN || (pos > 0 && rs[order[pos-1]].Tier == Potential && scores[i].Equal(scores[order[pos-1]])):
			rs[i].Tier = Potential
		default:
			rs[i].Tier = Basic
		}
	}
}

func (r *CustomerResult) purchase() decimal.Decimal {
	sum := decimal.Zero
	for i := range r.Vehicles {
		sum = sum.Add(r.Vehicles[i].price)
	}
	return sum
}

func (r *CustomerResult) spend12() decimal.Decimal {
	sum := decimal.Zero
	for i := range r.Vehicles {
		sum = sum.Add(r.Vehicles[i].spend12)
	}
	return sum
}

func (r *CustomerResult) visits12() int {
	n := 0
	for i := range r.Vehicles {
		n += r.Vehicles[i].visits12
	}
	return n
}
