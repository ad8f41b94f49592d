// Package dcrc is the module overview of dcrc, an embeddable library that
// encodes how a car dealership keeps its customers after the sale: lifecycle
// stages, service reminders, follow-up calls, customer status (active, swing,
// lost, …), churn, first-time-fix rate, satisfaction and complaints.
//
// It is written for DMS (dealer management system) vendors: import it,
// hand it your data and an as-of date, and get every date, status and task of
// the retention policy, computed the same way every time. The policy is the
// one of the Chinese dealer and OEM handbooks it comes from, restated in
// POLICY.md; every number of it is a field of retention.Policy.
//
// # Packages
//
//   - retention: the vocabulary (Customer, Vehicle, Visit, Contact,
//     Complaint, Survey), the Policy, the calendar rules, the lifecycle
//     stage and mileage estimate of a vehicle, the error kinds and the store
//     interfaces. Everything else builds on it.
//   - classify: customer status, flags, value tiers and loss statistics.
//   - classify/churn: BG/NBD and Pareto/NBD models of whether a customer is
//     still coming back, validated on the published CDNOW results.
//   - schedule: reminders, follow-up calls, care touches and the daily plan,
//     on one worker or several with the same result.
//   - satisfaction: first-time fix rate, surveys, CSI and complaints.
//   - adapters: memstore (in memory), sqlstore with its sqlite (embedded,
//     the default) and postgres subpackages, and storetest, the conformance
//     suite every store passes.
//   - examples: quickstart (the main job), dcrc (the command), embed, demo
//     (a generator of dealership networks) and bench.
//
// The policy packages are pure: no I/O, no clock (the as-of date is a
// parameter), no global state, and results in a deterministic order. Storage
// sits behind the interfaces of package retention.
//
// # A first look
//
// The day's work for a set of customers, each with its vehicles, repair
// orders and the contacts recorded so far:
//
//	policy := retention.DefaultPolicy()
//	planner, err := schedule.New(&policy, models, nil)
//	if err != nil { … }                              // an invalid policy, field by field
//	plan := planner.Plan(customers, retention.MustParseDate("2026-11-22"))
//	for _, t := range plan.Tasks {
//		fmt.Println(t.Owner, t.Channel, t.Touch, t.DueOn, t.Reason)
//	}
//	for _, c := range plan.Customers {
//		fmt.Println(c.ID, c.Status, c.Tier, c.Flags) // e.g. C7 lost basic churn-risk
//	}
//
// The stage and mileage of one vehicle:
//
//	rules := policy.ForModel(&model)
//	m := policy.EstimateMileage(&vehicle, visits, &rules, asOf)
//	stage := policy.Stage(&vehicle, &rules, &m, asOf)
//
// go run ./examples/quickstart builds a demo network in SQLite and prints the
// day's work and the KPIs; examples/dcrc is the command DMS vendors run their
// datasets through.
//
// # Dates
//
// Calendar dates are github.com/rickb777/date values; month arithmetic
// clamps to the month end (2024-01-31 + 1 month = 2024-02-29), and every date
// the library produces goes through the one implementation in package
// retention. Money and rates are github.com/shopspring/decimal values.
package dcrc
