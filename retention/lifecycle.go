package retention

import "github.com/rickb777/date"

// WarrantyEnd returns the day the warranty ends (POLICY.md §2): delivery +
// WarrantyMonths or the day the estimated odometer reaches WarrantyKm,
// whichever comes first, and which limit decided it. The vehicle is in
// warranty on the days before it.
func WarrantyEnd(v *Vehicle, r *ModelRules, m *Mileage) (date.Date, Limit) {
	return limitDate(v, m, r.WarrantyMonths, r.WarrantyKm)
}

// ReplacementFrom returns the first day of the replacement stage (POLICY.md
// §2, 置换期): delivery + ReplacementMonths or the day the estimated odometer
// reaches ReplacementKm, whichever comes first, and which limit decided it.
func ReplacementFrom(v *Vehicle, r *ModelRules, m *Mileage) (date.Date, Limit) {
	return limitDate(v, m, r.ReplacementMonths, r.ReplacementKm)
}

func limitDate(v *Vehicle, m *Mileage, months, km int) (date.Date, Limit) {
	byKm, ok := m.DateReaching(km, v.DeliveredOn)
	return WhicheverFirst(AddMonths(v.DeliveredOn, months), byKm, ok)
}

// Lifecycle is where a vehicle is in its life as of a date (POLICY.md §2).
type Lifecycle struct {
	Stage         Stage
	WarrantyEnd   date.Date // the first day out of warranty
	WarrantyEndBy Limit     // which limit ends it
}

// LifecycleOf returns the lifecycle of a vehicle as of asOf: its warranty end
// (WarrantyEnd) and its stage, the first that matches of:
//
//   - scrapped: the vehicle is marked scrapped;
//   - new-car: asOf < delivery + NewCarMonths;
//   - in-warranty: asOf < WarrantyEnd;
//   - replacement: asOf ≥ ReplacementFrom;
//   - out-of-warranty: otherwise.
//
// m is the vehicle's mileage estimate as of asOf.
func (p *Policy) LifecycleOf(v *Vehicle, r *ModelRules, m *Mileage, asOf date.Date) Lifecycle {
	var l Lifecycle
	l.WarrantyEnd, l.WarrantyEndBy = WarrantyEnd(v, r, m)
	switch {
	case v.Scrapped:
		l.Stage = StageScrapped
	case asOf.Before(AddMonths(v.DeliveredOn, p.Lifecycle.NewCarMonths)):
		l.Stage = StageNewCar
	case asOf.Before(l.WarrantyEnd):
		l.Stage = StageInWarranty
	default:
		l.Stage = StageOutOfWarranty
		if from, _ := ReplacementFrom(v, r, m); !asOf.Before(from) {
			l.Stage = StageReplacement
		}
	}
	return l
}

// Stage returns the lifecycle stage of a vehicle as of asOf (see LifecycleOf).
func (p *Policy) Stage(v *Vehicle, r *ModelRules, m *Mileage, asOf date.Date) Stage {
	return p.LifecycleOf(v, r, m, asOf).Stage
}
