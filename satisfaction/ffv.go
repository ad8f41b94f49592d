package satisfaction

import (
	"maps"
	"slices"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// SameComplaint reports whether a later repair is about the same complaint
// as an earlier one. The default, SharedCode, holds when they share a
// complaint code.
type SameComplaint func(earlier, later *retention.Visit) bool

// SharedCode reports whether the two visits share a complaint code.
func SharedCode(earlier, later *retention.Visit) bool {
	for _, a := range earlier.ComplaintCodes {
		if slices.Contains(later.ComplaintCodes, a) {
			return true
		}
	}
	return false
}

// FFVOptions configure the first-time-fix count. A nil *FFVOptions means the
// defaults.
type FFVOptions struct {
	Same SameComplaint // nil: SharedCode
	// From and To bound the pick-up dates (ClosedOn) of the repairs counted,
	// inclusive.
	From, To date.Date
}

// FFVStats counts first-time fixes over vehicle histories (POLICY.md §9):
// of the repair visits (VisitKind.IsRepair; routine maintenance is not a
// repair) picked up in the period, those without a comeback. A comeback is a
// later repair visit of the same vehicle for the same complaint opened
// within ComebackDays of the pick-up (day 30 is a comeback, day 31 is not).
// Comebacks are looked for among all the visits given, also after the
// period. The zero value is not usable; build one with NewFFVStats.
type FFVStats struct {
	window   int
	same     SameComplaint
	from, to date.Date
	all      counts
	groups   [5]map[string]counts // dealer, advisor, technician, model, month
}

// counts are the repairs of a group and those fixed the first time.
type counts struct{ repairs, fixed int64 }

// NewFFVStats returns an empty FFV count under the policy's comeback window.
func NewFFVStats(policy *retention.Policy, opts *FFVOptions) (*FFVStats, error) {
	if err := policy.Validate(); err != nil {
		return nil, err
	}
	s := &FFVStats{window: policy.Satisfaction.ComebackDays, same: SharedCode, from: date.Min(), to: date.Max()}
	if opts != nil {
		if opts.Same != nil {
			s.same = opts.Same
		}
		if !opts.From.IsZero() || !opts.To.IsZero() {
			s.from, s.to = opts.From, opts.To
		}
	}
	for i := range s.groups {
		s.groups[i] = map[string]counts{}
	}
	return s, nil
}

// Add counts the repairs of one vehicle. Its visits may be in any order.
func (s *FFVStats) Add(h *retention.VehicleHistory) {
	vs := h.Visits
	// Repairs only, by opening date then id: a comeback is later in this order.
	idx := make([]int, 0, len(vs))
	for i := range vs {
		if vs[i].Kind.IsRepair() {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(a, b int) int { return retention.CompareVisits(&vs[a], &vs[b]) })
	for k, i := range idx {
		v := &vs[i]
		if v.ClosedOn.Before(s.from) || v.ClosedOn.After(s.to) {
			continue
		}
		limit := retention.AddDays(v.ClosedOn, s.window)
		fixed := true
		for _, j := range idx[k+1:] {
			later := &vs[j]
			if later.OpenedOn.After(limit) {
				break
			}
			if !later.OpenedOn.Before(v.ClosedOn) && s.same(v, later) {
				fixed = false
				break
			}
		}
		c := counts{repairs: 1}
		if fixed {
			c.fixed = 1
		}
		s.all.add(c)
		for g, key := range [5]string{v.Dealer, v.Advisor, v.Technician, h.Vehicle.Model, v.ClosedOn.Format("2006-01")} {
			m := s.groups[g]
			x := m[key]
			x.add(c)
			m[key] = x
		}
	}
}

func (c *counts) add(o counts) { c.repairs += o.repairs; c.fixed += o.fixed }

// Merge adds the counts of o, which must use the same options, to s.
func (s *FFVStats) Merge(o *FFVStats) {
	s.all.add(o.all)
	for g := range s.groups {
		for k, v := range o.groups[g] {
			x := s.groups[g][k]
			x.add(v)
			s.groups[g][k] = x
		}
	}
}

// FFVRow is the first-time-fix rate of a group of repairs.
type FFVRow struct {
	Key string          `json:"key"`
	FFV retention.Ratio `json:"ffv"` // fixed the first time / repairs
	FNV retention.Ratio `json:"fnv"` // comebacks / repairs = 1 − FFV
}

func row(key string, c counts) FFVRow {
	return FFVRow{Key: key, FFV: retention.Ratio{Num: c.fixed, Den: c.repairs},
		FNV: retention.Ratio{Num: c.repairs - c.fixed, Den: c.repairs}}
}

// FFVReport is the first-time-fix rate overall and by dealer, service
// advisor, technician, model and month of pick-up ("2006-01"). Rows are
// ordered by key.
type FFVReport struct {
	All          FFVRow   `json:"all"`
	ByDealer     []FFVRow `json:"byDealer"`
	ByAdvisor    []FFVRow `json:"byAdvisor"`
	ByTechnician []FFVRow `json:"byTechnician"`
	ByModel      []FFVRow `json:"byModel"`
	ByMonth      []FFVRow `json:"byMonth"`
}

// Report returns the rates counted so far.
func (s *FFVStats) Report() FFVReport {
	rows := func(m map[string]counts) []FFVRow {
		out := []FFVRow{}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out = append(out, row(k, m[k]))
		}
		return out
	}
	return FFVReport{All: row("", s.all), ByDealer: rows(s.groups[0]), ByAdvisor: rows(s.groups[1]),
		ByTechnician: rows(s.groups[2]), ByModel: rows(s.groups[3]), ByMonth: rows(s.groups[4])}
}
