package app

import (
	"github.com/dcrc-go/dcrc/classify/churn"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// ChurnEvents returns a dataset's customer events up to asOf: each delivery
// (the customer's birth, the first purchase) and each repair order's opening.
func ChurnEvents(ds *retention.Dataset, asOf date.Date) []churn.Event {
	owner := map[string]string{}
	var out []churn.Event
	for _, v := range ds.Vehicles {
		owner[v.VIN] = v.Customer
		if !v.DeliveredOn.After(asOf) {
			out = append(out, churn.Event{Customer: v.Customer, On: v.DeliveredOn})
		}
	}
	for _, v := range ds.Visits {
		if c, ok := owner[v.VIN]; ok && !v.OpenedOn.After(asOf) {
			out = append(out, churn.Event{Customer: c, On: v.OpenedOn})
		}
	}
	return out
}

// FitChurn fits a churn model in weeks to a dataset's events up to asOf and
// returns every customer's P(alive) as of then.
func FitChurn(ds *retention.Dataset, asOf date.Date, model churn.Model) (map[string]float64, *churn.Fit, error) {
	ss := churn.Summarize(ChurnEvents(ds, asOf), asOf, churn.Week)
	f, err := churn.FitModel(model, ss)
	if err != nil {
		return nil, nil, err
	}
	p := make(map[string]float64, len(ss))
	for _, s := range ss {
		p[s.Customer] = f.PAlive(s)
	}
	return p, f, nil
}
