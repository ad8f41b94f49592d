package app

import (
	"context"
	"iter"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/rickb777/date"
)

// StreamCustomers yields a store's customers with their vehicles, visits
// and contacts, by customer id, holding one customer at a time (and the
// contact log, which is small). It merges the customer stream and the
// history stream, both ordered by customer id.
func StreamCustomers(ctx context.Context, s retention.Store) iter.Seq2[classify.CustomerInput, error] {
	return func(yield func(classify.CustomerInput, error) bool) {
		bySubject := map[string][]retention.Contact{}
		for c, err := range s.Contacts(ctx) {
			if err != nil {
				yield(classify.CustomerInput{}, err)
				return
			}
			if subject, ok := schedule.Subject(c.Task); ok {
				bySubject[subject] = append(bySubject[subject], c)
			}
		}
		nextCustomer, stopC := iter.Pull2(s.Customers(ctx))
		defer stopC()
		var cur classify.CustomerInput
		have := false
		for h, err := range s.Histories(ctx, retention.HistoryFilter{}) {
			if err != nil {
				yield(classify.CustomerInput{}, err)
				return
			}
			if have && cur.Customer.ID != h.Vehicle.Customer {
				if !yield(cur, nil) {
					return
				}
				have = false
			}
			if !have {
				// Customers come by id like the histories: skip those without
				// vehicles until this one.
				for {
					c, err, ok := nextCustomer()
					if !ok {
						yield(classify.CustomerInput{}, &retention.Error{Kind: retention.ErrInternal,
							Msg: "vehicle " + h.Vehicle.VIN + " of an unknown customer " + h.Vehicle.Customer})
						return
					}
					if err != nil {
						yield(classify.CustomerInput{}, err)
						return
					}
					if c.ID == h.Vehicle.Customer {
						cur, have = classify.CustomerInput{Customer: c, Contacts: bySubject[c.ID]}, true
						break
					}
				}
			}
			cur.Vehicles = append(cur.Vehicles, h)
			cur.Contacts = append(cur.Contacts, bySubject[h.Vehicle.VIN]...)
		}
		if have {
			yield(cur, nil)
		}
	}
}

// StreamPlan plans the day asOf from a store without holding its
// histories: a first pass classifies every customer and keeps only what its
// tier is computed from (classify.TierInput); the tiers, which rank all the
// customers of a dealer, are assigned; a second pass classifies and plans
// each customer again and hands the result to each. It returns how many
// customers were planned.
func (e *Engine) StreamPlan(ctx context.Context, s retention.Store, asOf date.Date,
	each func(cr *classify.CustomerResult, cp *schedule.CustomerPlan) error) (int, error) {
	c := e.Planner.Classifier()
	var tiers []classify.TierInput
	for in, err := range StreamCustomers(ctx, s) {
		if err != nil {
			return 0, err
		}
		if e.inScope(&in, asOf) {
			r := c.Customer(&in, asOf)
			tiers = append(tiers, r.TierInput())
		}
	}
	assigned := c.Tiers(tiers)
	tierOf := make(map[string]classify.Tier, len(tiers))
	for i, t := range tiers {
		tierOf[t.ID] = assigned[i]
	}
	n := 0
	for in, err := range StreamCustomers(ctx, s) {
		if err != nil {
			return n, err
		}
		if !e.inScope(&in, asOf) {
			continue
		}
		r := c.Customer(&in, asOf)
		r.Tier = tierOf[r.ID]
		cp := e.Planner.Customer(&in, &r, asOf)
		if err := each(&r, &cp); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
