// Package schedule computes the daily work plan of POLICY.md §4–§6 and §10:
// maintenance and first-service reminders, mileage milestones, insurance,
// inspection and warranty reminders, sale and service follow-up calls, care
// touches (birthday, holiday, winter care, weather, swing care, the
// first-owner programme), loss recalls and lost-contact cards.
//
// A task is open on a day D from its due date until it expires
// (PlanPolicy.ExpiryDays after it, RecallExpiryDays for the tasks of a loss
// episode), unless a contact recorded against its key closed it (reached,
// refused, SMS sent) or its phone attempts are used up. Keys are stable
// (touch/subject/anchor date), so the plan of a day is the same however often
// it is computed, and storing it twice stores each task once.
//
// Do-not-contact customers get no marketing or care touch, and service
// touches only when they allowed them. Marketing and care touches are capped
// at one per customer per CareCapDays; the others are deferred with the
// reason, and come up again while they are open. Phone samples (the OEM's
// 10% follow-ups) are a hash of subject and touch: the same on every run.
//
// The reminders' effect is measured by their return rate: the share
// followed by a visit of the vehicle within PlanPolicy.ReturnWindowDays
// (Planner.ReturnRates, or ReturnStats a vehicle at a time, mergeable).
//
// The package is pure: no I/O, no clock; the as-of date is an argument.
package schedule
