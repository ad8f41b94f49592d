package main

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync/atomic"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/examples/internal/app"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/rickb777/date"
)

// --day-over-day evaluates dayOverDayDays consecutive days, the first
// dayOverDayFirst days from the as-of day.
const (
	dayOverDayDays  = 8
	dayOverDayFirst = -3
)

// customerDay is what one day's evaluation says of a customer, each part
// hashed so that two days compare in little memory at 1,000,000 vehicles.
type customerDay struct {
	result   [sha256.Size]byte // its classify.CustomerResult, less the tier
	tier     classify.Tier
	plan     [sha256.Size]byte // its tasks and deferrals, less the priority (the tier's)
	vehicles int
}

// customerDays returns what a day's plan says of each customer: its
// classification (classify.CustomerResult, every exported field, its
// vehicles' too), its tier, and its tasks and deferrals, each part as the
// hash of its JSON.
//
// The odometer estimate and the reasons of dcrc evaluate's output are not
// compared: they are not stored in a result but the date applied to one
// (retention.Mileage.OdometerOn, classify.VehicleResult.Reason). The
// priority of a task is its customer's tier's.
func customerDays(p *schedule.Plan) (map[string]*customerDay, error) {
	byID := make(map[string]*customerDay, len(p.Customers))
	for _, c := range p.Customers {
		d := &customerDay{tier: c.Tier, vehicles: len(c.Vehicles)}
		c.Tier = 0
		b, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		d.result = sha256.Sum256(b)
		byID[c.ID] = d
	}
	// A customer's tasks share a priority, so their order in the plan does
	// not follow the tier.
	plans := map[string][]byte{}
	for _, t := range p.Tasks {
		t.Priority = 0
		b, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		plans[t.Customer] = append(plans[t.Customer], b...)
	}
	for _, t := range p.Deferred {
		t.Task.Priority = 0
		b, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		plans[t.Task.Customer] = append(plans[t.Task.Customer], b...)
	}
	for id, b := range plans {
		d := byID[id]
		if d == nil { // a plan classifies every customer it has tasks for; one it did not would count as changed
			d = &customerDay{}
			byID[id] = d
		}
		d.plan = sha256.Sum256(b)
	}
	return byID, nil
}

// dayChange counts the customers whose evaluation differs between two
// days, and their vehicles.
type dayChange struct {
	customers, vehicles    int             // of either day
	changedVehicles        int             // of the changed customers
	result, plan, tierOnly int             // customers whose classification, plan or tier alone differs
	withRecord             int             // changed customers with a record of the day
	ids                    map[string]bool // the changed customers
}

// compareDays compares two days' customers; recorded holds the customers
// with a record of the second day. A customer of one day only has changed.
func compareDays(yesterday, today map[string]*customerDay, recorded map[string]bool) dayChange {
	ch := dayChange{ids: map[string]bool{}}
	none := &customerDay{}
	count := func(id string) {
		a, b := cmp.Or(yesterday[id], none), cmp.Or(today[id], none)
		vehicles := max(a.vehicles, b.vehicles)
		ch.customers++
		ch.vehicles += vehicles
		r, p, t := a.result != b.result, a.plan != b.plan, a.tier != b.tier
		if !r && !p && !t {
			return
		}
		ch.changedVehicles += vehicles
		ch.ids[id] = true
		if r {
			ch.result++
		}
		if p {
			ch.plan++
		}
		if !r && !p {
			ch.tierOnly++
		}
		if recorded[id] {
			ch.withRecord++
		}
	}
	for id := range today {
		count(id)
	}
	for id := range yesterday {
		if today[id] == nil {
			count(id)
		}
	}
	return ch
}

// dayOverDay evaluates the network (inputs, by customer) on
// consecutive days around the as-of day, as the engine's planner does for
// dcrc evaluate without a dealer, and prints, for each day, the share of
// the customers whose evaluation differs from the day before's, and why:
// their classification, their tier alone, their plan; and how many of them
// have a record of that day (a repair order opened, a vehicle delivered),
// without which only the passing of time changed them. A nightly run that
// evaluated only those customers would evaluate this share of them.
//
// Then it times, interleaved with ratio 1's floor and the full evaluation,
// the evaluation of only the customers whose evaluation changed on the
// as-of day: the least a run that re-evaluated only those would take, not
// counting how it found them or ranked the tiers of the rest.
func dayOverDay(inputs []classify.CustomerInput, e *app.Engine, c config, out io.Writer) error {
	first := retention.AddDays(c.asOf, dayOverDayFirst)
	last := retention.AddDays(first, dayOverDayDays-1)
	recordOn := map[date.Date]map[string]bool{} // day compared → customers with a record of it
	mark := func(d date.Date, customer string) {
		if d.Before(first) || d.After(last) {
			return
		}
		if recordOn[d] == nil {
			recordOn[d] = map[string]bool{}
		}
		recordOn[d][customer] = true
	}
	for i := range inputs {
		id := inputs[i].Customer.ID
		for _, h := range inputs[i].Vehicles {
			mark(h.Vehicle.DeliveredOn, id)
			for j := range h.Visits {
				mark(h.Visits[j].OpenedOn, id)
			}
		}
	}

	fmt.Fprintf(out, "day over day: the customers whose evaluation differs from the day before's\n")
	var yesterday map[string]*customerDay
	var changedOnAsOf map[string]bool
	var shares, vehicleShares []float64
	for k := range dayOverDayDays {
		day := retention.AddDays(first, k)
		plan := e.Planner.PlanParallel(inputs, day, runtime.GOMAXPROCS(0))
		today, err := customerDays(&plan)
		if err != nil {
			return err
		}
		if yesterday != nil {
			ch := compareDays(yesterday, today, recordOn[day])
			if day == c.asOf {
				changedOnAsOf = ch.ids
			}
			pct := func(k int) string { return fmt.Sprintf("%.2f%%", 100*float64(k)/float64(ch.customers)) }
			vehicles := float64(ch.changedVehicles) / float64(ch.vehicles)
			fmt.Fprintf(out, "  %s: %s of %d customers (classification %s, plan %s, tier alone %s; %s with a record of the day), with %.2f%% of the vehicles\n",
				day, pct(len(ch.ids)), ch.customers, pct(ch.result), pct(ch.plan), pct(ch.tierOnly), pct(ch.withRecord), 100*vehicles)
			shares = append(shares, float64(len(ch.ids))/float64(ch.customers))
			vehicleShares = append(vehicleShares, vehicles)
		}
		yesterday = today
	}
	fmt.Fprintf(out, "  median %.2f%% of the customers (%.2f–%.2f%%), with %.2f%% of the vehicles (%.2f–%.2f%%), over %d days\n",
		100*median(shares), 100*slices.Min(shares), 100*slices.Max(shares),
		100*median(vehicleShares), 100*slices.Min(vehicleShares), 100*slices.Max(vehicleShares), len(shares))

	var changed []classify.CustomerInput
	for i := range inputs {
		if changedOnAsOf[inputs[i].Customer.ID] {
			changed = append(changed, inputs[i])
		}
	}
	var sink atomic.Int64
	repeats := c.memRepeats()
	ss, err := interleave(repeats, scanning(inputs, &sink), evaluation(e, changed, c.asOf, 1, &sink), evaluation(e, inputs, c.asOf, 1, &sink))
	if err != nil {
		return err
	}
	floorS, changedS, fullS := ss[0], ss[1], ss[2]
	fmt.Fprintf(out, "evaluating only the %d customers changed on %s, 1 worker (%d repeats): %s (%s), %.2f× the scan floor's %s; the full evaluation %s, %.2f×\n",
		len(changed), c.asOf, repeats, round(changedS.median()), changedS.spread(), changedS.over(floorS), round(floorS.median()),
		round(fullS.median()), fullS.over(floorS))
	return nil
}
