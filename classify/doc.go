// Package classify applies POLICY.md §7 and §8: the after-sales status of
// every vehicle and customer (new, active, regular, swing, lost, dormant,
// scrapped) with the rule that decided it, the flags beside it
// (maybe-low-usage, transient, lost-contact, churn-risk), the home dealer,
// customer value tiers, and the loss statistics and retention KPIs of a
// dealer or the whole network.
//
// It is pure: no I/O, no clock, no global state. The as-of date is an
// argument; results do not depend on the order of the input.
//
// Build a Classifier once with a validated policy and the models, classify
// each customer with Classifier.Customer, tier them with AssignTiers (or,
// for customers that stream past one at a time, a TierRanking; for a
// dealer too large to rank in memory, the pieces of the rule that external
// sorts need: ScoreParts, TierCut, RaiseTier) and accumulate Stats:
//
//	c, err := classify.New(&policy, models, nil)
//	…
//	var stats classify.Stats
//	for _, in := range customers {
//		r := c.Customer(&in, asOf)
//		stats.Add(&r)
//	}
//	report := stats.Report()
//
// # Windows
//
// All windows are measured back from the as-of date D with the clamped
// month arithmetic of package retention: "within the last 12 months" is
// (D − 12 months, D], "6 months or more ago" is on or before D − 6 months.
// As of 2026-08-31, a visit on 2026-02-28 is six months old and one on
// 2026-03-01 is not.
package classify
