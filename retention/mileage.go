package retention

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/rickb777/date"
)

// Rate is an average daily mileage kept as the exact fraction Km / Days, so
// that "the date on which the odometer reaches X" is computed in integers and
// never lands a day late through floating-point rounding.
type Rate struct {
	Km   int64 // kilometres driven …
	Days int64 // … in this many days; always positive
}

// RateOf returns the rate of a daily mileage given as a number (to 1/1000 km).
func RateOf(dailyKm float64) Rate {
	return Rate{Km: int64(math.Round(dailyKm * 1000)), Days: 1000}
}

// DailyKm returns the rate in km per day.
func (r Rate) DailyKm() float64 {
	if r.Days == 0 {
		return 0
	}
	return float64(r.Km) / float64(r.Days)
}

// KmIn returns the whole kilometres driven in days at this rate, rounded
// down: a kilometre is not reached until it is completed.
func (r Rate) KmIn(days int) int {
	if r.Days == 0 || days <= 0 {
		return 0
	}
	return int(r.Km * int64(days) / r.Days)
}

// DaysFor returns the whole days needed to drive km at this rate, rounded up
// (POLICY.md §4: "rounded up to whole days"), and false when the rate is zero
// and km > 0 is never reached.
func (r Rate) DaysFor(km int) (int, bool) {
	if km <= 0 {
		return 0, true
	}
	if r.Km <= 0 || r.Days <= 0 {
		return 0, false
	}
	n := int64(km) * r.Days
	return int((n + r.Km - 1) / r.Km), true
}

// reachesWithin reports whether km kilometres are driven within days ≥ 0
// days at this rate, as DaysFor(km) ≤ days would, without a division:
// km·Days ≤ days·Km, compared in 128 bits.
func (r Rate) reachesWithin(km, days int) bool {
	if km <= 0 {
		return true
	}
	if r.Km <= 0 || r.Days <= 0 {
		return false
	}
	needHi, needLo := bits.Mul64(uint64(km), uint64(r.Days))
	haveHi, haveLo := bits.Mul64(uint64(days), uint64(r.Km))
	return needHi < haveHi || needHi == haveHi && needLo <= haveLo
}

// RateBasis says which rule of POLICY.md §3 gave a vehicle's rate.
type RateBasis uint8

// The rate bases, in the order the rules try them.
const (
	BasisRecent  RateBasis = iota + 1 // two readings of the last 365 days spanning ≥ 30 days
	BasisAll                          // two readings of any age spanning ≥ 14 days
	BasisDefault                      // the model's default daily mileage
)

var rateBasisNames = []string{"", "recent", "all", "model-default"}

// String returns "recent", "all" or "model-default".
func (b RateBasis) String() string { return enumString("rate basis", rateBasisNames, b) }

// MarshalText implements encoding.TextMarshaler.
func (b RateBasis) MarshalText() ([]byte, error) { return enumMarshal("rate basis", rateBasisNames, b) }

// Reading is one odometer reading.
type Reading struct {
	On    date.Date
	Km    int
	Visit string // the ID of the visit it was read at; "" for the delivery
}

// record names the reading's source for findings: "visits/RO1", or
// "vehicles/VIN" for the delivery reading.
func (r *Reading) record(vin string, index int) string {
	if r.Visit == "" {
		return RecordName("vehicles", vin, 0)
	}
	return RecordName("visits", r.Visit, index)
}

// Finding is a data-quality problem found while applying the policy: input
// that is valid on its own but was not used, such as an odometer reading that
// goes backwards. Findings are reported, never silently used or dropped.
type Finding struct {
	Record  string `json:"record"`
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// Mileage is the mileage estimate of a vehicle as of a date (POLICY.md §3).
type Mileage struct {
	Rate     Rate
	Basis    RateBasis
	Readings []Reading // the readings used, oldest first; the delivery reading first
	Findings []Finding // the readings that were dropped, and why
}

// EstimateMileage estimates the average daily mileage of a vehicle as of
// asOf from its delivery odometer and the odometers of its visits on or
// before asOf (POLICY.md §3):
//
//  1. readings of the last LookbackDays (365) days, if at least two span
//     LookbackMinSpanDays (30) days or more;
//  2. else all readings, if at least two span AllMinSpanDays (14) or more;
//  3. else the model's default rate.
//
// The rate is (last − first) / days between them. Visits without an odometer
// (0) give no reading. Readings that go backwards, or imply more than
// MaxDailyKm per day, are dropped and reported as findings: of all the
// visit readings, the largest set consistent with the delivery reading is
// kept (of two readings that contradict each other, the later is dropped),
// so one mistyped odometer costs one reading, not all those after it. The
// order of the visits does not matter.
func (p *Policy) EstimateMileage(v *Vehicle, visits []Visit, r *ModelRules, asOf date.Date) Mileage {
	rs := make([]Reading, 1, len(visits)+1)
	rs[0] = Reading{On: v.DeliveredOn, Km: v.DeliveryOdometerKm}
	var findings []Finding
	for i := range visits {
		vi := &visits[i]
		if vi.OdometerKm == 0 || vi.OpenedOn.After(asOf) {
			continue
		}
		if vi.OpenedOn.Before(v.DeliveredOn) {
			findings = append(findings, Finding{RecordName("visits", vi.ID, i), "openedOn",
				fmt.Sprintf("visit on %s is before the delivery on %s", day(vi.OpenedOn), day(v.DeliveredOn))})
			continue
		}
		rs = append(rs, Reading{On: vi.OpenedOn, Km: vi.OdometerKm, Visit: vi.ID})
	}
	slices.SortFunc(rs[1:], func(a, b Reading) int {
		if c := a.On.Sub(b.On); c != 0 {
			return int(c)
		}
		if a.Km != b.Km {
			return a.Km - b.Km
		}
		return cmp.Compare(a.Visit, b.Visit)
	})
	kept, dropped := p.consistentReadings(v.VIN, rs)
	findings = append(findings, dropped...)
	slices.SortFunc(findings, func(a, b Finding) int { return cmp.Compare(a.Record, b.Record) })

	m := Mileage{Readings: kept, Findings: findings, Basis: BasisDefault, Rate: r.DefaultRate}
	last := kept[len(kept)-1]
	from := AddDays(asOf, -p.Mileage.LookbackDays)
	first := 0
	for first < len(kept) && !kept[first].On.After(from) {
		first++
	}
	switch {
	case first < len(kept)-1 && DaysBetween(kept[first].On, last.On) >= p.Mileage.LookbackMinSpanDays:
		m.Basis = BasisRecent
		m.Rate = Rate{Km: int64(last.Km - kept[first].Km), Days: int64(DaysBetween(kept[first].On, last.On))}
	case len(kept) >= 2 && DaysBetween(kept[0].On, last.On) >= p.Mileage.AllMinSpanDays:
		m.Basis = BasisAll
		m.Rate = Rate{Km: int64(last.Km - kept[0].Km), Days: int64(DaysBetween(kept[0].On, last.On))}
	}
	return m
}

// plausible reports whether reading b may follow reading a: it does not go
// backwards and implies at most MaxDailyKm per day (readings of the same day
// may differ by one day's maximum).
func (p *Policy) plausible(a, b *Reading) bool {
	days := max(DaysBetween(a.On, b.On), 1)
	return b.Km >= a.Km && b.Km-a.Km <= p.Mileage.MaxDailyKm*days
}

// consistentReadings keeps the largest chain of readings, starting with the
// delivery reading rs[0], in which every reading plausibly follows the one
// before; it reports the others as findings. rs[1:] is sorted by date.
func (p *Policy) consistentReadings(vin string, rs []Reading) (kept []Reading, dropped []Finding) {
	ok := true
	for i := 1; i < len(rs) && ok; i++ {
		ok = p.plausible(&rs[i-1], &rs[i])
	}
	if ok {
		return rs, nil
	}
	// Longest chain by dynamic programming: length[i] is the length of the
	// best chain from rs[0] ending in rs[i] (0: none), prev[i] its
	// predecessor. Ties keep the earlier readings, so that of two readings
	// that contradict each other the one that goes backwards is dropped.
	n := len(rs)
	length := make([]int, n)
	prev := make([]int, n)
	length[0] = 1
	end := 0
	for i := 1; i < n; i++ {
		for j := 0; j < i; j++ {
			if length[j] > 0 && length[j]+1 > length[i] && p.plausible(&rs[j], &rs[i]) {
				length[i], prev[i] = length[j]+1, j
			}
		}
		if length[i] > length[end] {
			end = i
		}
	}
	in := make([]bool, n)
	for i := end; ; i = prev[i] {
		in[i] = true
		if i == 0 {
			break
		}
	}
	kept = make([]Reading, 0, length[end])
	lastKept := 0
	for i := range rs {
		if in[i] {
			kept = append(kept, rs[i])
			lastKept = i
			continue
		}
		before := &rs[lastKept]
		var problem string
		switch {
		case rs[i].Km < before.Km:
			problem = fmt.Sprintf("odometer went backwards: %d km on %s after %d km on %s", rs[i].Km, day(rs[i].On), before.Km, day(before.On))
		case !p.plausible(before, &rs[i]):
			problem = fmt.Sprintf("odometer implies more than %d km/day: %d km on %s after %d km on %s",
				p.Mileage.MaxDailyKm, rs[i].Km, day(rs[i].On), before.Km, day(before.On))
		default:
			problem = fmt.Sprintf("odometer %d km on %s is inconsistent with the later readings", rs[i].Km, day(rs[i].On))
		}
		dropped = append(dropped, Finding{Record: rs[i].record(vin, i), Field: "odometerKm", Problem: problem})
	}
	return kept, dropped
}

// latest returns the index of the last reading on or before d, or -1.
func (m *Mileage) latest(d date.Date) int {
	return sort.Search(len(m.Readings), func(i int) bool { return m.Readings[i].On.After(d) }) - 1
}

// OdometerOn returns the estimated odometer on d (POLICY.md §2–3): the latest
// reading on or before d plus the rate × the days since it, in whole km.
// Before the delivery it is the delivery odometer.
func (m *Mileage) OdometerOn(d date.Date) int {
	i := m.latest(d)
	if i < 0 {
		return m.Readings[0].Km
	}
	return m.estimateFrom(i, d)
}

// estimateFrom returns the odometer on d estimated from reading i: its km
// plus the rate × the days since it.
func (m *Mileage) estimateFrom(i int, d date.Date) int {
	r := &m.Readings[i]
	return r.Km + m.Rate.KmIn(DaysBetween(r.On, d))
}

// DateReaching returns the first date on or after from on which the
// estimated odometer (OdometerOn) is km or more, and false when that never
// happens because the vehicle is not driven. Pass the delivery date to ask
// "since delivery", or an anchor such as the last maintenance to ask "after
// it".
//
// The estimate runs from each reading at the rate until the next reading,
// which may be lower than the estimate had come to, so every stretch between
// readings is asked in turn; a stretch that cannot reach km is passed over
// with two multiplications, and the date is divided out only in the one that
// does.
func (m *Mileage) DateReaching(km int, from date.Date) (date.Date, bool) {
	rs := m.Readings
	for i := max(m.latest(from), 0); i < len(rs); i++ {
		r := &rs[i]
		last := i == len(rs)-1
		if !last && rs[i+1].On == r.On {
			continue // the day's last reading is the odometer of that day
		}
		start := r.On
		if from.After(start) {
			start = from
		}
		if m.estimateFrom(i, start) >= km { // r is the latest reading on or before start
			return start, true
		}
		left := km - r.Km
		if !last && !m.Rate.reachesWithin(left, DaysBetween(r.On, rs[i+1].On)-1) {
			continue
		}
		days, ok := m.Rate.DaysFor(left)
		if !ok {
			continue
		}
		return AddDays(r.On, days), true
	}
	return date.Date{}, false
}
