package retention

import (
	"context"
	"iter"

	"github.com/rickb777/date"
)

// StatusWindows are the dates against which the status rules of POLICY.md
// §7 count a vehicle's visits, computed once from the policy
// (classify.Classifier.StatusWindows). A store given them counts in its own
// query and never does calendar arithmetic of its own: SQL's month
// arithmetic does not clamp month ends the way POLICY.md §1 does.
type StatusWindows struct {
	// AsOf is the day classified: visits opened after it do not count.
	AsOf date.Date
	// VisitFrom starts the visit-count window: StatusFacts.InWindow counts
	// the visits opened after it (AsOf − VisitWindowMonths).
	VisitFrom date.Date
	// EffectiveFrom starts the effective window: StatusFacts.InEffective
	// counts the visits opened after it (AsOf − EffectiveMonths).
	EffectiveFrom date.Date
	// Dealer, when not empty, makes only the visits at that dealer count
	// (classify.Options.Dealer).
	Dealer string
}

// Counts reports whether a visit counts under the windows: opened on or
// before AsOf, and at Dealer when one is set.
func (w *StatusWindows) Counts(v *Visit) bool {
	return !v.OpenedOn.After(w.AsOf) && (w.Dealer == "" || v.Dealer == w.Dealer)
}

// StatusFacts are what the status rules of POLICY.md §7 need to know of a
// vehicle: a few of its fields and three aggregates of the visits that
// count under a StatusWindows. A store computes them in one aggregate query
// (StatusReader), so that the statuses of a whole network are classified
// without moving its repair orders (classify.Classifier.StatusOf).
type StatusFacts struct {
	VIN, Customer string
	DeliveredOn   date.Date
	Scrapped      bool
	// LastVisit is the opening date of the latest visit that counts; nil
	// when none does.
	LastVisit *date.Date
	// InWindow and InEffective count the visits that count opened after
	// VisitFrom and after EffectiveFrom.
	InWindow, InEffective int
}

// Facts returns the status facts of a vehicle history: the reference that
// every StatusReader must agree with.
func (w *StatusWindows) Facts(h *VehicleHistory) StatusFacts {
	f := StatusFacts{VIN: h.Vehicle.VIN, Customer: h.Vehicle.Customer, DeliveredOn: h.Vehicle.DeliveredOn,
		Scrapped: h.Vehicle.Scrapped}
	var last date.Date
	seen := false
	for i := range h.Visits {
		v := &h.Visits[i]
		if !w.Counts(v) {
			continue
		}
		if v.OpenedOn.After(w.VisitFrom) {
			f.InWindow++
		}
		if v.OpenedOn.After(w.EffectiveFrom) {
			f.InEffective++
		}
		if !seen || v.OpenedOn.After(last) {
			last, seen = v.OpenedOn, true
		}
	}
	if seen {
		l := last // only then on the heap
		f.LastVisit = &l
	}
	return f
}

// StatusReader streams status facts computed by the store.
type StatusReader interface {
	// StatusFacts streams the status facts under w of the vehicles selected
	// by f, by VIN: what w.Facts returns for each history, aggregated
	// where the visits are kept. Memory use does not grow with the number
	// of vehicles.
	StatusFacts(ctx context.Context, f HistoryFilter, w StatusWindows) iter.Seq2[StatusFacts, error]
}
