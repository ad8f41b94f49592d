package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/dcrc-go/dcrc/examples/internal/app"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// --day-over-day evaluates dayOverDayDays consecutive days, the first
// dayOverDayFirst days from the as-of day.
const (
	dayOverDayDays  = 8
	dayOverDayFirst = -3
)

// customerDay is what one day's evaluation says of a customer, each part
// encoded so that two days compare as strings.
type customerDay struct {
	result   string // its classify.CustomerResult, less the tier
	tier     string
	plan     string // its tasks and deferrals, less the priority (the tier's)
	vehicles int
}

// customerDays returns what the evaluation says of each customer: its
// classification (classify.CustomerResult, every exported field, its
// vehicles' too), its tier, and its tasks and deferrals.
//
// The odometer estimate and the reasons of dcrc evaluate's output are not
// compared: they are not stored in a result but the date applied to one
// (retention.Mileage.OdometerOn, classify.VehicleResult.Reason). The
// priority of a task is its customer's tier's.
func customerDays(ev *app.Evaluation) (map[string]*customerDay, error) {
	byID := make(map[string]*customerDay, len(ev.Customers))
	of := func(id string) *customerDay {
		d := byID[id]
		if d == nil {
			d = &customerDay{}
			byID[id] = d
		}
		return d
	}
	for _, c := range ev.Plan.Customers { // what the library returns, not only what dcrc evaluate prints
		d := of(c.ID)
		d.tier, d.vehicles = c.Tier.String(), len(c.Vehicles)
		c.Tier = 0
		b, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		d.result = string(b)
	}
	for _, t := range ev.Tasks { // a customer's tasks share a priority, so their order does not follow the tier
		t.Priority = 0
		b, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		of(t.Customer).plan += string(b)
	}
	for _, t := range ev.Deferred {
		t.Task.Priority = 0
		b, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		of(t.Task.Customer).plan += string(b)
	}
	return byID, nil
}

// dayChange counts the customers whose evaluation differs between two
// days, and their vehicles.
type dayChange struct {
	customers, vehicles      int // of either day
	changed, changedVehicles int
	result, plan, tierOnly   int // customers whose classification, plan or tier alone differs
	withRecord               int // changed customers with a record of the day
}

// compareDays compares two days' customers; recorded holds the customers
// with a record of the second day. A customer of one day only has changed.
func compareDays(yesterday, today map[string]*customerDay, recorded map[string]bool) dayChange {
	var ch dayChange
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
		ch.changed++
		ch.changedVehicles += vehicles
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

// dayOverDay evaluates the network on consecutive days around the as-of day
// and prints, for each day, the share of the customers whose evaluation
// differs from the day before's, and why: their classification, their tier
// alone, their plan; and how many of them have a record of that day (a
// repair order opened, a vehicle delivered), without which only the passing
// of time changed them. A nightly run that evaluated only those customers
// would do this share of the full evaluation's work.
func dayOverDay(ds *retention.Dataset, e *app.Engine, c config, out io.Writer) error {
	recordOn := map[date.Date]map[string]bool{} // day → customers with a record of it
	mark := func(d date.Date, customer string) {
		if recordOn[d] == nil {
			recordOn[d] = map[string]bool{}
		}
		recordOn[d][customer] = true
	}
	customerOf := make(map[string]string, len(ds.Vehicles))
	for i := range ds.Vehicles {
		v := &ds.Vehicles[i]
		customerOf[v.VIN] = v.Customer
		mark(v.DeliveredOn, v.Customer)
	}
	for i := range ds.Visits {
		mark(ds.Visits[i].OpenedOn, customerOf[ds.Visits[i].VIN])
	}

	first := retention.AddDays(c.asOf, dayOverDayFirst)
	fmt.Fprintf(out, "day over day: the customers whose evaluation differs from the day before's\n")
	var yesterday map[string]*customerDay
	var shares, vehicleShares []float64
	for k := range dayOverDayDays {
		day := retention.AddDays(first, k)
		today, err := customerDays(e.Evaluate(ds, day))
		if err != nil {
			return err
		}
		if yesterday != nil {
			ch := compareDays(yesterday, today, recordOn[day])
			pct := func(k int) string { return fmt.Sprintf("%.2f%%", 100*float64(k)/float64(ch.customers)) }
			vehicles := float64(ch.changedVehicles) / float64(ch.vehicles)
			fmt.Fprintf(out, "  %s: %s of %d customers (classification %s, plan %s, tier alone %s; %s with a record of the day), with %.2f%% of the vehicles\n",
				day, pct(ch.changed), ch.customers, pct(ch.result), pct(ch.plan), pct(ch.tierOnly), pct(ch.withRecord), 100*vehicles)
			shares = append(shares, float64(ch.changed)/float64(ch.customers))
			vehicleShares = append(vehicleShares, vehicles)
		}
		yesterday = today
	}
	fmt.Fprintf(out, "  median %.2f%% of the customers (%.2f–%.2f%%), with %.2f%% of the vehicles (%.2f–%.2f%%), over %d days\n",
		100*median(shares), 100*slices.Min(shares), 100*slices.Max(shares),
		100*median(vehicleShares), 100*slices.Min(vehicleShares), 100*slices.Max(vehicleShares), len(shares))
	return nil
}
