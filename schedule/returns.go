package schedule

import (
	"cmp"
	"maps"
	"slices"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// IsReminder reports whether a touch asks the customer to bring the vehicle
// in, so that its effect shows as a visit: the first-service and
// maintenance reminders, mileage milestones, inspections and the recalls.
func IsReminder(t retention.Touch) bool {
	switch t {
	case retention.FirstServiceSMS, retention.FirstServiceCall, retention.MaintenanceDue,
		retention.MileageMilestone, retention.InspectionDue, retention.LostRecall, retention.ChurnRiskRecall:
		return true
	}
	return false
}

// ReturnGroup is the return rate of one group of reminder tasks.
type ReturnGroup struct {
	Key      string          `json:"key"`
	Returned retention.Ratio `json:"returned"`
}

// ReturnReport is the effectiveness of reminders: of the reminder tasks, the
// share followed by a visit of the vehicle within ReturnWindowDays of the
// due date (the "return rate" of DMS managers), by touch, dealer and owner.
type ReturnReport struct {
	All      retention.Ratio `json:"all"`
	ByTouch  []ReturnGroup   `json:"byTouch"`
	ByDealer []ReturnGroup   `json:"byDealer"`
	ByOwner  []ReturnGroup   `json:"byOwner"`
}

// ReturnRates measures the reminders among tasks as of asOf. A task counts
// once its vehicle visited in [due, due + ReturnWindowDays], or once that
// window is over with no visit; tasks whose window is still open and
// without a visit are left out. A task given twice (by Key) counts once.
// visits may be in any order; those opened after asOf play no part.
//
// It holds every visit's date by VIN. A DMS that streams its vehicles
// measures the same with ReturnStats, one vehicle at a time.
func (pl *Planner) ReturnRates(tasks []retention.Task, visits []retention.Visit, asOf date.Date) ReturnReport {
	byVIN := map[string][]date.Date{}
	for i := range visits {
		if !visits[i].OpenedOn.After(asOf) {
			byVIN[visits[i].VIN] = append(byVIN[visits[i].VIN], visits[i].OpenedOn)
		}
	}
	s := pl.NewReturnStats(asOf)
	seen := map[string]bool{}
	for i := range tasks {
		if t := &tasks[i]; !seen[t.Key] {
			seen[t.Key] = true
			s.Add(t, byVIN[t.VIN])
		}
	}
	return s.Report()
}

// ReturnStats accumulates ReturnRates' report one task at a time, each
// with the visit dates of its vehicle, so that the tasks of a network can
// be measured as its vehicles stream past: it holds a count per touch,
// dealer and owner, not the tasks or the visits. Stats of parts of the
// tasks merge (Merge) into the stats of all of them. The zero value is not
// ready for use; make one with Planner.NewReturnStats.
type ReturnStats struct {
	window               int
	asOf                 date.Date
	all                  retention.Ratio
	touch, dealer, owner map[string]retention.Ratio
}

// NewReturnStats returns empty stats of the reminders as of asOf, with the
// planner's policy's Plan.ReturnWindowDays.
func (pl *Planner) NewReturnStats(asOf date.Date) *ReturnStats {
	return &ReturnStats{window: pl.p.Plan.ReturnWindowDays, asOf: asOf,
		touch: map[string]retention.Ratio{}, dealer: map[string]retention.Ratio{}, owner: map[string]retention.Ratio{}}
}

// Add counts task t given the days on which its vehicle's (t.VIN) repair
// orders were opened, in any order; days after the stats' as-of date play
// no part. A task that is not a reminder (IsReminder) or not about a
// vehicle is left out, and so is a reminder whose window is still open
// without a visit, as in ReturnRates. Each task is to be added once.
func (s *ReturnStats) Add(t *retention.Task, visits []date.Date) {
	if !IsReminder(t.Touch) || t.VIN == "" {
		return
	}
	end := retention.AddDays(t.DueOn, s.window)
	returned := slices.ContainsFunc(visits, func(on date.Date) bool {
		return !on.Before(t.DueOn) && !on.After(end) && !on.After(s.asOf)
	})
	if !returned && !s.asOf.After(end) {
		return // still open
	}
	r := retention.Ratio{Den: 1}
	if returned {
		r.Num = 1
	}
	s.all = s.all.Add(r)
	s.touch[t.Touch.String()] = s.touch[t.Touch.String()].Add(r)
	s.dealer[t.Dealer] = s.dealer[t.Dealer].Add(r)
	s.owner[t.Owner.String()] = s.owner[t.Owner.String()].Add(r)
}

// Merge adds the counts of o, stats of other tasks as of the same day, to
// s.
func (s *ReturnStats) Merge(o *ReturnStats) {
	s.all = s.all.Add(o.all)
	for _, m := range []struct{ to, from map[string]retention.Ratio }{{s.touch, o.touch}, {s.dealer, o.dealer}, {s.owner, o.owner}} {
		for k, r := range m.from {
			m.to[k] = m.to[k].Add(r)
		}
	}
}

// Report returns the return rates of the tasks added, the groups by key.
func (s *ReturnStats) Report() ReturnReport {
	groups := func(m map[string]retention.Ratio) []ReturnGroup {
		out := []ReturnGroup{}
		for _, k := range slices.SortedFunc(maps.Keys(m), cmp.Compare[string]) {
			out = append(out, ReturnGroup{Key: k, Returned: m[k]})
		}
		return out
	}
	return ReturnReport{All: s.all, ByTouch: groups(s.touch), ByDealer: groups(s.dealer), ByOwner: groups(s.owner)}
}
