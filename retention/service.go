package retention

import (
	"cmp"
	"slices"

	"github.com/rickb777/date"
)

// ServiceDue is when a maintenance is due (POLICY.md §4): the earlier of the
// anchor + the interval in months and the day the estimated odometer has
// grown by the interval in km since the anchor.
type ServiceDue struct {
	First      bool      // the first service (anchored at the delivery)
	Anchor     date.Date // the delivery, the last maintenance, or a missed due date
	AnchorKm   int       // the odometer on the anchor date
	DueOn      date.Date
	DecidedBy  Limit // which limit came first
	OdometerKm int   // the estimated odometer on DueOn
}

// ServiceAfter returns the maintenance due after an anchor date with the
// odometer anchorKm, for an interval of months or km, whichever comes first.
func ServiceAfter(anchor date.Date, anchorKm, months, km int, m *Mileage) ServiceDue {
	byKm, ok := m.DateReaching(anchorKm+km, anchor)
	due, by := WhicheverFirst(AddMonths(anchor, months), byKm, ok)
	return ServiceDue{Anchor: anchor, AnchorKm: anchorKm, DueOn: due, DecidedBy: by, OdometerKm: m.OdometerOn(due)}
}

// CompareVisits orders visits as stores return them and the policy reads
// them: by opening date, then by id (of two visits opened the same day, the
// one with the greater id is the later).
func CompareVisits(a, b *Visit) int {
	if c := a.OpenedOn.Sub(b.OpenedOn); c != 0 {
		return int(c)
	}
	return cmp.Compare(a.ID, b.ID)
}

// SortVisits puts visits in CompareVisits order, in place. Visits that are
// in order already, as most stores hand them over, cost one pass.
func SortVisits(visits []Visit) {
	for i := 1; i < len(visits); i++ {
		if CompareVisits(&visits[i-1], &visits[i]) > 0 {
			slices.SortFunc(visits, func(a, b Visit) int { return CompareVisits(&a, &b) })
			return
		}
	}
}

// LastMaintenance returns the index in visits of the latest maintenance
// visit (first service or periodic maintenance, VisitKind.IsMaintenance)
// opened on or before asOf, or -1, the latest by CompareVisits. The order
// of visits does not matter.
func LastMaintenance(visits []Visit, asOf date.Date) int {
	last := -1
	for i := range visits {
		v := &visits[i]
		if !v.Kind.IsMaintenance() || v.OpenedOn.After(asOf) {
			continue
		}
		if last < 0 || CompareVisits(v, &visits[last]) > 0 {
			last = i
		}
	}
	return last
}

// NextService returns the next maintenance of a vehicle as of asOf
// (POLICY.md §4). Until a maintenance visit is recorded it is the first
// service, FirstServiceMonths or FirstServiceKm after the delivery;
// afterwards the periodic maintenance, ServiceIntervalMonths or
// ServiceIntervalKm after the last maintenance. m is the vehicle's mileage
// estimate as of asOf.
func NextService(v *Vehicle, visits []Visit, r *ModelRules, m *Mileage, asOf date.Date) ServiceDue {
	i := LastMaintenance(visits, asOf)
	if i < 0 {
		s := ServiceAfter(v.DeliveredOn, v.DeliveryOdometerKm, r.FirstServiceMonths, r.FirstServiceKm, m)
		s.First = true
		return s
	}
	on := visits[i].OpenedOn
	return ServiceAfter(on, m.OdometerOn(on), r.ServiceIntervalMonths, r.ServiceIntervalKm, m)
}
