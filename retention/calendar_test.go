package retention

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rickb777/date"
)

var d = MustParseDate

func TestAddMonths(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-08-31", -6, "2026-02-28"}, // POLICY.md §1
		{"2024-01-31", 1, "2024-02-29"},  // POLICY.md §1, leap year
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-02-29", 48, "2028-02-29"},
		{"2024-02-29", -12, "2023-02-28"},
		{"2026-03-31", 1, "2026-04-30"},
		{"2026-03-30", 1, "2026-04-30"},
		{"2026-03-29", -1, "2026-02-28"},
		{"2026-01-15", 0, "2026-01-15"},
		{"2026-12-31", 1, "2027-01-31"},
		{"2026-01-31", -1, "2025-12-31"},
		{"2026-05-31", -3, "2026-02-28"},
		{"2026-11-22", -12, "2025-11-22"},
		{"2026-11-22", 36, "2029-11-22"},
		{"0001-01-31", -1, "0000-12-31"},
		{"2000-02-29", 1200, "2100-02-28"}, // 2100 is not a leap year
	}
	for _, tt := range tests {
		got := AddMonths(d(tt.from), tt.n).String()
		if got != tt.want {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestWindows(t *testing.T) {
	// As of 2026-08-31, six months back is 2026-02-28 (clamped): a visit on
	// that day is six months old, one on 2026-03-01 is not.
	asOf := d("2026-08-31")
	tests := []struct {
		on     string
		months int
		within bool // (asOf − months, asOf]
		ago    bool // on ≤ asOf − months
	}{
		{"2026-02-27", 6, false, true},
		{"2026-02-28", 6, false, true}, // the boundary: exactly six months
		{"2026-03-01", 6, true, false}, // the day after
		{"2026-08-31", 6, true, false}, // asOf itself is within
		{"2026-09-01", 6, false, false},
		{"2025-08-30", 12, false, true},
		{"2025-08-31", 12, false, true},
		{"2025-09-01", 12, true, false},
	}
	for _, tt := range tests {
		if got := WithinMonths(d(tt.on), asOf, tt.months); got != tt.within {
			t.Errorf("WithinMonths(%s, %s, %d) = %v, want %v", tt.on, asOf, tt.months, got, tt.within)
		}
		if got := MonthsOrMoreAgo(d(tt.on), asOf, tt.months); got != tt.ago {
			t.Errorf("MonthsOrMoreAgo(%s, %s, %d) = %v, want %v", tt.on, asOf, tt.months, got, tt.ago)
		}
	}
}

func TestWhicheverFirst(t *testing.T) {
	tests := []struct {
		byTime, byKm string
		ok           bool
		want         string
		limit        Limit
	}{
		{"2026-05-01", "2026-04-30", true, "2026-04-30", ByMileage},
		{"2026-05-01", "2026-05-01", true, "2026-05-01", ByTime},
		{"2026-05-01", "2026-05-02", true, "2026-05-01", ByTime},
		{"2026-05-01", "2026-01-01", false, "2026-05-01", ByTime},
	}
	for _, tt := range tests {
		got, limit := WhicheverFirst(d(tt.byTime), d(tt.byKm), tt.ok)
		if got.String() != tt.want || limit != tt.limit {
			t.Errorf("WhicheverFirst(%s, %s, %v) = %s, %s; want %s, %s", tt.byTime, tt.byKm, tt.ok, got, limit, tt.want, tt.limit)
		}
	}
}

func TestAnniversaryIn(t *testing.T) {
	tests := []struct {
		born string
		year int
		want string
	}{
		{"1984-02-29", 2026, "2026-02-28"},
		{"1984-02-29", 2028, "2028-02-29"},
		{"1985-03-02", 2026, "2026-03-02"},
		{"1985-12-31", 2026, "2026-12-31"},
	}
	for _, tt := range tests {
		if got := AnniversaryIn(d(tt.born), tt.year).String(); got != tt.want {
			t.Errorf("AnniversaryIn(%s, %d) = %s, want %s", tt.born, tt.year, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    string // "" for an error
		problem string
	}{
		{in: "2026-11-22", want: "2026-11-22"},
		{in: "2024-02-29", want: "2024-02-29"},
		{in: "2000-02-29", want: "2000-02-29"},
		{in: "2025-02-30", problem: `no such date "2025-02-30"`},
		{in: "2025-02-29", problem: `no such date "2025-02-29"`},
		{in: "1900-02-29", problem: `no such date "1900-02-29"`},
		{in: "2025-13-01", problem: `no such date "2025-13-01"`},
		{in: "2025-00-10", problem: `no such date "2025-00-10"`},
		{in: "2025-04-31", problem: `no such date "2025-04-31"`},
		{in: "2025-01-00", problem: `no such date "2025-01-00"`},
		{in: "", problem: `malformed date "" (want YYYY-MM-DD)`},
		{in: "2025-1-01", problem: `malformed date "2025-1-01" (want YYYY-MM-DD)`},
		{in: "20250101", problem: `malformed date "20250101" (want YYYY-MM-DD)`},
		{in: "2025-01-0a", problem: `malformed date "2025-01-0a" (want YYYY-MM-DD)`},
		{in: "+025-01-01", problem: `malformed date "+025-01-01" (want YYYY-MM-DD)`},
		{in: "2025-01-01T00:00:00Z", problem: `malformed date "2025-01-01T00:00:00Z" (want YYYY-MM-DD)`},
	}
	for _, tt := range tests {
		got, err := ParseDate(tt.in)
		var problem string
		if err != nil {
			problem = err.Error()
		}
		if problem != tt.problem {
			t.Errorf("ParseDate(%q) error = %q, want %q", tt.in, problem, tt.problem)
		}
		if err == nil && got.String() != tt.want {
			t.Errorf("ParseDate(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestCivilAgreesWithDateLibrary checks the hand-written calendar against
// rickb777/date (which goes through time.Time) over four centuries.
func TestCivilAgreesWithDateLibrary(t *testing.T) {
	start := date.New(1800, time.January, 1)
	for i := 0; i < 146097; i++ {
		dt := start.Add(date.PeriodOfDays(i))
		y, m, dd := civil(dt)
		wy, wm, wd := dt.Date()
		if y != wy || m != wm || dd != wd {
			t.Fatalf("civil(%s) = %d-%d-%d, want %d-%d-%d", dt, y, m, dd, wy, wm, wd)
		}
		if back := fromCivil(y, m, dd); back != dt {
			t.Fatalf("fromCivil(%d, %d, %d) = %s, want %s", y, m, dd, back, dt)
		}
		if daysIn(y, m) != date.DaysIn(y, m) {
			t.Fatalf("daysIn(%d, %d) = %d, want %d", y, m, daysIn(y, m), date.DaysIn(y, m))
		}
		if got := string(AppendDate(nil, dt)); got != dt.String() {
			t.Fatalf("AppendDate(%s) = %q", dt, got)
		}
		if got := fmt.Sprintf("%s/%v", day(dt), day(dt)); got != dt.String()+"/"+dt.String() {
			t.Fatalf("day(%s) formats as %q", dt, got)
		}
	}
	// Outside four-digit years, String's own form.
	for _, dt := range []date.Date{date.New(-1, time.March, 1), date.New(10000, time.January, 1), date.New(0, time.January, 1), date.New(9999, time.December, 31)} {
		if got := string(AppendDate([]byte("x"), dt)); got != "x"+dt.String() {
			t.Errorf("AppendDate(%s) = %q", dt, got)
		}
		if got := fmt.Sprint(day(dt)); got != dt.String() {
			t.Errorf("day(%s) formats as %q", dt, got)
		}
	}
}

// FuzzAddMonths checks the invariants of month arithmetic: the result lies in
// the target month (clamping never spills into the next one), keeps the day
// unless the month is shorter, and is monotonic in the starting date.
func FuzzAddMonths(f *testing.F) {
	f.Add(int32(20696), int32(1), int16(-6))
	f.Add(int32(19753), int32(29), int16(1))
	f.Add(int32(-719000), int32(400), int16(1200))
	f.Fuzz(func(t *testing.T, day int32, gap int32, n int16) {
		a := date.NewOfDays(date.PeriodOfDays(day % 3_000_000))
		b := a.Add(date.PeriodOfDays(gap % 5_000))
		if b.Before(a) {
			a, b = b, a
		}
		ra, rb := AddMonths(a, int(n)), AddMonths(b, int(n))
		if rb.Before(ra) {
			t.Fatalf("not monotonic: AddMonths(%s, %d) = %s > AddMonths(%s, %d) = %s", a, n, ra, b, n, rb)
		}
		y, m, dd := civil(a)
		total := y*12 + int(m) - 1 + int(n)
		wy, wm := total/12, total%12
		if wm < 0 {
			wm += 12
			wy--
		}
		ry, rm, rd := civil(ra)
		if ry != wy || int(rm) != wm+1 {
			t.Fatalf("AddMonths(%s, %d) = %s, want a date in %04d-%02d", a, n, ra, wy, wm+1)
		}
		if want := min(dd, daysIn(ry, rm)); rd != want {
			t.Fatalf("AddMonths(%s, %d) = %s, want day %d", a, n, ra, want)
		}
	})
}

// FuzzParseDate checks that ParseDate never panics and accepts exactly the
// strings that are their own canonical form.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-02-30", "2025-13-01", "2024-02-29", "", "0000-01-01", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s)
		if err != nil {
			return
		}
		if got.String() != s {
			t.Fatalf("ParseDate(%q) = %s: accepted a non-canonical date", s, got)
		}
	})
}

func TestMustParseDatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustParseDate(\"2025-02-30\") did not panic")
		}
	}()
	MustParseDate("2025-02-30")
}

func TestDaysBetween(t *testing.T) {
	if diff := cmp.Diff([]int{1, -1, 366}, []int{
		DaysBetween(d("2024-02-28"), d("2024-02-29")),
		DaysBetween(d("2024-03-01"), d("2024-02-29")),
		DaysBetween(d("2024-01-01"), d("2025-01-01")),
	}); diff != "" {
		t.Errorf("DaysBetween (-want +got):\n%s", diff)
	}
}
