package retention

import (
	"fmt"
	"strings"
	"time"

	"github.com/rickb777/date"
)

// The calendar rules of POLICY.md §1, written once. Every date the module
// computes goes through these functions.
//
// They work on the day count inside date.Date with the civil-calendar
// algorithms of Howard Hinnant ("chrono-compatible low-level date
// algorithms"), which are exact for the proleptic Gregorian calendar and
// avoid a round trip through time.Time on hot paths.

// civil returns the year, month and day of d.
func civil(d date.Date) (year int, month time.Month, day int) {
	z := int64(d.DaysSinceEpoch()) + 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return int(y), time.Month(m), int(dd)
}

// fromCivil returns the date of a valid year, month and day.
func fromCivil(year int, month time.Month, day int) date.Date {
	y := int64(year)
	m := int64(month)
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := m + 9
	if m > 2 {
		mp = m - 3
	}
	doy := (153*mp+2)/5 + int64(day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return date.NewOfDays(date.PeriodOfDays(era*146097 + doe - 719468))
}

// daysIn returns the number of days of the month.
func daysIn(year int, month time.Month) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// AddMonths returns d moved by n calendar months (n may be negative),
// clamped to the last day of the target month (POLICY.md §1):
//
//	AddMonths(2026-08-31, -6) = 2026-02-28
//	AddMonths(2024-01-31, 1)  = 2024-02-29
//
// Unlike date.Date.AddDate and time.Time.AddDate, it never spills into the
// following month.
func AddMonths(d date.Date, n int) date.Date {
	if n == 0 {
		return d
	}
	y, m, day := civil(d)
	total := y*12 + int(m) - 1 + n
	ty, tm := total/12, total%12
	if tm < 0 {
		tm += 12
		ty--
	}
	month := time.Month(tm + 1)
	if last := daysIn(ty, month); day > last {
		day = last
	}
	return fromCivil(ty, month, day)
}

// AddDays returns d moved by n days (POLICY.md §1: plain day arithmetic).
func AddDays(d date.Date, n int) date.Date { return d.Add(date.PeriodOfDays(n)) }

// DaysBetween returns the number of days from a to b (negative when b is
// before a).
func DaysBetween(a, b date.Date) int { return int(b.Sub(a)) }

// WithinMonths reports whether d lies in the half-open window
// (asOf − months, asOf]: "within the last k months as of D" (POLICY.md §1).
func WithinMonths(d, asOf date.Date, months int) bool {
	return d.After(AddMonths(asOf, -months)) && !d.After(asOf)
}

// MonthsOrMoreAgo reports whether d ≤ asOf − months: "k months or more ago
// as of D" (POLICY.md §1). It is the complement of WithinMonths for dates on
// or before asOf.
func MonthsOrMoreAgo(d, asOf date.Date, months int) bool {
	return !d.After(AddMonths(asOf, -months))
}

// WhicheverFirst returns the earlier of a time limit and a mileage limit and
// which one it was (POLICY.md §1). When the mileage limit is never reached
// (ok false: the vehicle is not being driven) the time limit decides; on a
// tie the time limit is named, as it was known without an estimate.
func WhicheverFirst(byTime, byMileage date.Date, ok bool) (date.Date, Limit) {
	if ok && byMileage.Before(byTime) {
		return byMileage, ByMileage
	}
	return byTime, ByTime
}

// AnniversaryIn returns the anniversary of d in year: the same month and
// day, with February 29 falling on February 28 in common years (POLICY.md §6).
func AnniversaryIn(d date.Date, year int) date.Date {
	_, m, day := civil(d)
	if last := daysIn(year, m); day > last {
		day = last
	}
	return fromCivil(year, m, day)
}

// ParseDate parses a calendar date written exactly as YYYY-MM-DD with a
// four-digit year. Unlike date.ParseISO it rejects dates that do not exist
// (2025-02-30, 2025-13-01) instead of normalising them, and never panics.
//
// s does not escape: only an error keeps a copy of it. So a caller that
// parses bytes, ParseDate(string(b)), allocates nothing for the
// conversion, which the SQL stores do for each date of each row.
func ParseDate(s string) (date.Date, error) {
	// The errors quote a copy of s, so that s itself does not escape.
	malformed := func() error { return fmt.Errorf("malformed date %q (want YYYY-MM-DD)", strings.Clone(s)) }
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return date.Date{}, malformed()
	}
	num := func(part string) (int, bool) {
		n := 0
		for i := 0; i < len(part); i++ {
			c := part[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(s[:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:])
	if !ok1 || !ok2 || !ok3 {
		return date.Date{}, malformed()
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return date.Date{}, fmt.Errorf("no such date %q", strings.Clone(s))
	}
	return fromCivil(y, time.Month(m), d), nil
}

// MustParseDate is ParseDate for literals in tests and examples; it panics on
// a malformed date.
func MustParseDate(s string) date.Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// AppendDate appends d to b as date.Date.String writes it, YYYY-MM-DD (the
// dates of DATASET.md), without the allocations of its formatting machinery;
// years outside 0..9999 are left to String. Task keys, the plan's
// reasons and the mileage findings are written with it.
func AppendDate(b []byte, d date.Date) []byte {
	y, m, dd := civil(d)
	if y < 0 || y > 9999 {
		return append(b, d.String()...)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(m)/10), byte('0'+int(m)%10), '-', byte('0'+dd/10), byte('0'+dd%10))
}

// day formats a date for fmt's %s and %v as date.Date.String does, through
// AppendDate: one small allocation where String makes three.
type day date.Date

// Format implements fmt.Formatter.
func (d day) Format(f fmt.State, _ rune) {
	var b [16]byte
	f.Write(AppendDate(b[:0], date.Date(d)))
}
