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
// without a visit are left out. visits may be in any order.
func (pl *Planner) ReturnRates(tasks []retention.Task, visits []retention.Visit, asOf date.Date) ReturnReport {
	byVIN := map[string][]date.Date{}
	for i := range visits {
		if !visits[i].OpenedOn.After(asOf) {
			byVIN[visits[i].VIN] = append(byVIN[visits[i].VIN], visits[i].OpenedOn)
		}
	}
	window := pl.p.Plan.ReturnWindowDays
	var rep ReturnReport
	touch, dealer, owner := map[string]retention.Ratio{}, map[string]retention.Ratio{}, map[string]retention.Ratio{}
	seen := map[string]bool{}
	for i := range tasks {
		t := &tasks[i]
		if !IsReminder(t.Touch) || t.VIN == "" || seen[t.Key] {
			continue
		}
		seen[t.Key] = true
		end := retention.AddDays(t.DueOn, window)
		returned := slices.ContainsFunc(byVIN[t.VIN], func(on date.Date) bool {
			return !on.Before(t.DueOn) && !on.After(end)
		})
		if !returned && !asOf.After(end) {
			continue // still open
		}
		r := retention.Ratio{Den: 1}
		if returned {
			r.Num = 1
		}
		rep.All = rep.All.Add(r)
		touch[t.Touch.String()] = touch[t.Touch.String()].Add(r)
		dealer[t.Dealer] = dealer[t.Dealer].Add(r)
		owner[t.Owner.String()] = owner[t.Owner.String()].Add(r)
	}
	groups := func(m map[string]retention.Ratio) []ReturnGroup {
		out := []ReturnGroup{}
		for _, k := range slices.SortedFunc(maps.Keys(m), cmp.Compare[string]) {
			out = append(out, ReturnGroup{Key: k, Returned: m[k]})
		}
		return out
	}
	rep.ByTouch, rep.ByDealer, rep.ByOwner = groups(touch), groups(dealer), groups(owner)
	return rep
}
