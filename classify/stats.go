package classify

import (
	"maps"
	"slices"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/shopspring/decimal"
)

// SharePlaces is the number of decimal places of the shares in a Report.
const SharePlaces = 4

// Stats accumulates the statistics of POLICY.md §7 ("Loss statistics") and
// the retention KPIs over classified customers. Stats of parts merge into
// the stats of the whole (Merge), so the work can be split by customer and
// the results combined in any order with the same Report. The zero value is
// ready to use; a Stats is not safe for concurrent use.
type Stats struct {
	customers, totalCustomers, retainedCustomers, effectiveCustomers int64
	vehicles                                                         int64
	vehicleStatus, customerStatus                                    [retention.StatusScrapped + 1]int64
	hold, winBack, firstYear                                         retention.Ratio
	lost                                                             int64
	bySeries, byModel, byAdvisor                                     map[string]retention.Ratio // lost / effective
	byMonth, byOutcome                                               map[string]int64
}

// Add counts one classified customer and its vehicles.
func (s *Stats) Add(r *CustomerResult) {
	if len(r.Vehicles) == 0 {
		return
	}
	s.customers++
	s.customerStatus[r.Status]++
	if r.hasPhone {
		s.totalCustomers++
	}
	if r.Status != retention.StatusScrapped {
		s.retainedCustomers++
	}
	if r.Effective {
		s.effectiveCustomers++
	}
	for i := range r.Vehicles {
		s.addVehicle(&r.Vehicles[i])
	}
}

func (s *Stats) addVehicle(v *VehicleResult) {
	s.vehicles++
	s.vehicleStatus[v.Status]++
	count := func(b bool) int64 {
		if b {
			return 1
		}
		return 0
	}
	s.hold = s.hold.Add(retention.Ratio{Num: count(v.kpi.held), Den: count(v.kpi.holdBase)})
	s.winBack = s.winBack.Add(retention.Ratio{Num: count(v.kpi.wonBack), Den: count(v.kpi.winBackBase)})
	s.firstYear = s.firstYear.Add(retention.Ratio{Num: count(v.kpi.firstYearIn), Den: count(v.kpi.firstYearBase)})
	if !v.Effective {
		return
	}
	lost := v.Status == retention.StatusLost
	r := retention.Ratio{Num: count(lost), Den: 1}
	addRatio(&s.bySeries, v.Series, r)
	addRatio(&s.byModel, v.Model, r)
	addRatio(&s.byAdvisor, v.LastAdvisor, r)
	if !lost {
		return
	}
	s.lost++
	month := v.delivered
	if v.LastVisit != nil {
		month = *v.LastVisit
	}
	addCount(&s.byMonth, month.Format("2006-01"), 1)
	outcome := "none"
	if v.RecallOutcome != 0 {
		outcome = v.RecallOutcome.String()
	}
	addCount(&s.byOutcome, outcome, 1)
}

func addRatio(m *map[string]retention.Ratio, key string, r retention.Ratio) {
	if *m == nil {
		*m = map[string]retention.Ratio{}
	}
	(*m)[key] = (*m)[key].Add(r)
}

func addCount(m *map[string]int64, key string, n int64) {
	if *m == nil {
		*m = map[string]int64{}
	}
	(*m)[key] += n
}

// Merge adds the counts of o to s.
func (s *Stats) Merge(o *Stats) {
	s.customers += o.customers
	s.totalCustomers += o.totalCustomers
	s.retainedCustomers += o.retainedCustomers
	s.effectiveCustomers += o.effectiveCustomers
	s.vehicles += o.vehicles
	for i := range s.vehicleStatus {
		s.vehicleStatus[i] += o.vehicleStatus[i]
		s.customerStatus[i] += o.customerStatus[i]
	}
	s.hold = s.hold.Add(o.hold)
	s.winBack = s.winBack.Add(o.winBack)
	s.firstYear = s.firstYear.Add(o.firstYear)
	s.lost += o.lost
	for _, p := range []struct{ dst, src *map[string]retention.Ratio }{
		{&s.bySeries, &o.bySeries}, {&s.byModel, &o.byModel}, {&s.byAdvisor, &o.byAdvisor}} {
		for k, v := range *p.src {
			addRatio(p.dst, k, v)
		}
	}
	for _, p := range []struct{ dst, src *map[string]int64 }{{&s.byMonth, &o.byMonth}, {&s.byOutcome, &o.byOutcome}} {
		for k, v := range *p.src {
			addCount(p.dst, k, v)
		}
	}
}

// StatusCount is the number of vehicles or customers with a status and
// their share of all.
type StatusCount struct {
	Status retention.Status `json:"status"`
	Count  int64            `json:"count"`
	Share  decimal.Decimal  `json:"share"`
}

// Group is a breakdown row of lost vehicles: how many of the group are lost,
// as a ratio of the group (series, model, advisor: lost / effective
// vehicles) or of all lost vehicles (month, outcome).
type Group struct {
	Key  string          `json:"key"`
	Lost retention.Ratio `json:"lost"`
}

// Report is the statistics of a population as of a date.
type Report struct {
	Customers          int64 `json:"customers"`          // customers with at least one vehicle
	TotalCustomers     int64 `json:"totalCustomers"`     // … and valid contact data (客户总量)
	RetainedCustomers  int64 `json:"retainedCustomers"`  // … with a vehicle still in use (保有客户)
	EffectiveCustomers int64 `json:"effectiveCustomers"` // … with an effective vehicle (有效客户)
	Vehicles           int64 `json:"vehicles"`

	// The status distribution, every status best first; the shares add up
	// to exactly 1 (or are all 0 with no cases).
	VehicleStatus  []StatusCount `json:"vehicleStatus"`
	CustomerStatus []StatusCount `json:"customerStatus"`

	// HoldRate: of the vehicles that visited 13–24 months ago, those that
	// visited again in the last 12 months.
	HoldRate retention.Ratio `json:"holdRate"`
	// WinBackRate: of the retained vehicles that were lost or dormant 12
	// months ago, those that visited in the last 12 months.
	WinBackRate retention.Ratio `json:"winBackRate"`
	// FirstYearReturnRate: of the vehicles delivered 13–24 months ago, those
	// that came back for service within 12 months of the delivery.
	FirstYearReturnRate retention.Ratio `json:"firstYearReturnRate"`

	// Lost vehicles by series, model and the service advisor of the last
	// visit (ratios of the group's effective vehicles), and by the month of
	// the last visit (the delivery month if never visited) and the outcome
	// of the last lost-recall contact ("none" if none), as ratios of all lost
	// vehicles. Rows are ordered by key; the empty key collects the vehicles
	// without one.
	LostBySeries  []Group `json:"lostBySeries"`
	LostByModel   []Group `json:"lostByModel"`
	LostByAdvisor []Group `json:"lostByAdvisor"`
	LostByMonth   []Group `json:"lostByMonth"`
	LostByOutcome []Group `json:"lostByOutcome"`
}

// Report returns the statistics accumulated so far.
func (s *Stats) Report() Report {
	status := func(counts []int64) []StatusCount {
		shares := retention.Shares(counts[1:], SharePlaces)
		out := make([]StatusCount, 0, len(shares))
		for i, sh := range shares {
			out = append(out, StatusCount{Status: retention.Status(i + 1), Count: counts[i+1], Share: sh})
		}
		return out
	}
	ratios := func(m map[string]retention.Ratio) []Group {
		out := []Group{}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out = append(out, Group{Key: k, Lost: m[k]})
		}
		return out
	}
	counts := func(m map[string]int64) []Group {
		out := []Group{}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out = append(out, Group{Key: k, Lost: retention.Ratio{Num: m[k], Den: s.lost}})
		}
		return out
	}
	return Report{
		Customers: s.customers, TotalCustomers: s.totalCustomers, RetainedCustomers: s.retainedCustomers,
		EffectiveCustomers: s.effectiveCustomers, Vehicles: s.vehicles,
		VehicleStatus: status(s.vehicleStatus[:]), CustomerStatus: status(s.customerStatus[:]),
		HoldRate: s.hold, WinBackRate: s.winBack, FirstYearReturnRate: s.firstYear,
		LostBySeries: ratios(s.bySeries), LostByModel: ratios(s.byModel), LostByAdvisor: ratios(s.byAdvisor),
		LostByMonth: counts(s.byMonth), LostByOutcome: counts(s.byOutcome),
	}
}
