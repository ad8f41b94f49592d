// Package churn estimates how likely a customer is still "alive" — still
// coming back — from the timing of their past visits, with the two standard
// buy-till-you-die models: BG/NBD (Fader, Hardie & Lee 2005, "Counting Your
// Customers the Easy Way") and Pareto/NBD (Schmittlein, Morrison & Colombo
// 1987). Rules call a vehicle lost after six months without a visit
// (POLICY.md §7); these models tell a slow but loyal customer from one who
// left, and give the expected visits of the coming weeks.
//
// Summarize turns an event log into per-customer summaries (frequency,
// recency, age), Fit estimates a model by maximum likelihood, and the fitted
// model gives PAlive and Expected per customer and Population for a new one.
// The package is pure: no I/O, no clock.
package churn

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// Unit is the time unit of summaries, fits and horizons.
type Unit uint8

// The units.
const (
	Day Unit = iota + 1
	Week
)

// Days returns the length of the unit in days.
func (u Unit) Days() float64 {
	if u == Week {
		return 7
	}
	return 1
}

// String returns "day" or "week".
func (u Unit) String() string {
	switch u {
	case Day:
		return "day"
	case Week:
		return "week"
	}
	return fmt.Sprintf("unit(%d)", uint8(u))
}

// ParseUnit parses "day" or "week".
func ParseUnit(s string) (Unit, error) {
	switch s {
	case "day":
		return Day, nil
	case "week":
		return Week, nil
	}
	return 0, retention.Invalid("", "unit", fmt.Sprintf("unknown unit %q (want day or week)", s))
}

// Event is one dated event of a customer: a visit, a purchase.
type Event struct {
	Customer string
	On       date.Date
}

// Summary is a customer's history in the conventions of the published work:
// the first event is the birth; events of one day count once; events after
// the calibration end are not used for fitting.
type Summary struct {
	Customer  string
	Frequency int     // repeat events on distinct days up to the calibration end
	Recency   float64 // time from the first to the last of them (0 without repeats)
	T         float64 // time from the first event to the calibration end
	Holdout   int     // events on distinct days after the calibration end
}

// Summarize returns the summaries of the customers whose first event is on
// or before calibrationEnd, by customer id. Customers born after it are not
// part of the calibration cohort and are left out.
func Summarize(events []Event, calibrationEnd date.Date, unit Unit) []Summary {
	days := map[string][]date.Date{}
	for _, e := range events {
		days[e.Customer] = append(days[e.Customer], e.On)
	}
	out := make([]Summary, 0, len(days))
	for c, ds := range days {
		slices.SortFunc(ds, func(a, b date.Date) int { return int(a.Sub(b)) })
		ds = slices.Compact(ds)
		first := ds[0]
		if first.After(calibrationEnd) {
			continue
		}
		s := Summary{Customer: c, T: float64(calibrationEnd.Sub(first)) / unit.Days()}
		for _, d := range ds[1:] {
			if d.After(calibrationEnd) {
				s.Holdout++
				continue
			}
			s.Frequency++
			s.Recency = float64(d.Sub(first)) / unit.Days()
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b Summary) int { return cmp.Compare(a.Customer, b.Customer) })
	return out
}

// Model is a buy-till-you-die model.
type Model uint8

// The models.
const (
	BGNBD     Model = iota + 1 // beta-geometric/NBD: parameters r, alpha, a, b
	ParetoNBD                  // Pareto/NBD: parameters r, alpha, s, beta
)

// String returns "bg-nbd" or "pareto-nbd".
func (m Model) String() string {
	switch m {
	case BGNBD:
		return "bg-nbd"
	case ParetoNBD:
		return "pareto-nbd"
	}
	return fmt.Sprintf("model(%d)", uint8(m))
}

// ParseModel parses "bg-nbd" or "pareto-nbd".
func ParseModel(s string) (Model, error) {
	switch strings.ToLower(s) {
	case "bg-nbd":
		return BGNBD, nil
	case "pareto-nbd":
		return ParetoNBD, nil
	}
	return 0, retention.Invalid("", "model", fmt.Sprintf("unknown model %q (want bg-nbd or pareto-nbd)", s))
}

// ParamNames returns the names of the model's parameters, in order.
func (m Model) ParamNames() [4]string {
	if m == ParetoNBD {
		return [4]string{"r", "alpha", "s", "beta"}
	}
	return [4]string{"r", "alpha", "a", "b"}
}
