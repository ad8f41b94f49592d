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
//   - schedule: reminders, follow-up calls, care touches and the daily plan.
//   - satisfaction: first-time fix rate, surveys, CSI and complaints.
//   - adapters: the in-memory and SQL stores and their conformance suite.
//   - examples: runnable programs, among them the dcrc command.
//
// The policy packages are pure: no I/O, no clock (the as-of date is a
// parameter), no global state, and results in a deterministic order. Storage
// sits behind the interfaces of package retention.
//
// # A first look
//
// The stage and mileage of one vehicle as of a date:
//
//	policy := retention.DefaultPolicy()
//	rules := policy.ForModel(&model)
//	asOf := retention.MustParseDate("2026-11-22")
//	m := policy.EstimateMileage(&vehicle, visits, &rules, asOf)
//	stage := policy.Stage(&vehicle, &rules, &m, asOf)
//	fmt.Println(stage, m.OdometerOn(asOf), m.Findings)
//
// # Dates
//
// Calendar dates are github.com/rickb777/date values; month arithmetic
// clamps to the month end (2024-01-31 + 1 month = 2024-02-29), and every date
// the library produces goes through the one implementation in package
// retention. Money and rates are github.com/shopspring/decimal values.
package dcrc
