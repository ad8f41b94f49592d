package app

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// rec is a record for the spill tests: many equal keys, a total order.
type rec struct {
	k int
	s string
}

func newRecSpill(limit int, dir string) *spill[rec] {
	return newSpill(limit, dir, func(a, b *rec) int { return cmp.Or(cmp.Compare(a.k, b.k), cmp.Compare(a.s, b.s)) },
		func(b []byte, r *rec) []byte { return putString(putInt(b, int64(r.k)), r.s) },
		func(d *decoder) rec { k := d.int(); return rec{int(k), d.string()} })
}

// TestSpill: whatever its limit, a spill yields what was added in order;
// it writes runs only past its limit, and leaves no file once closed. A
// spill whose values came in order (ties included) reads its runs as one,
// without merging them; one value out of order, even the last, and it
// sorts and merges them.
func TestSpill(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	random := func(i int) rec { return rec{r.IntN(50) - 25, fmt.Sprint(r.IntN(1000), "-", i%7)} }
	ascending := func(i int) rec { return rec{i / 3, "x"} } // each value three times
	lastBelow := func(n int) func(int) rec {
		return func(i int) rec {
			if i == n-1 {
				return rec{-1, "x"}
			}
			return ascending(i)
		}
	}
	for _, tc := range []struct {
		name     string
		n, limit int
		value    func(i int) rec
		runs     bool // whether it must write runs
		inOrder  bool // whether the values came in order
	}{
		{"none", 0, 1, random, false, true},
		{"one", 1, 1, random, true, true}, // one value is past a limit of 1 byte
		{"random", 1000, 1, random, true, false},
		{"random", 1000, 2000, random, true, false}, // 3 runs merged at once
		{"random", 1000, 1 << 20, random, false, false},
		{"random", 3000, 5000, random, true, false}, // 9 runs at once: 22 written, merged into 3
		{"ascending", 1000, 1, ascending, true, true},
		{"ascending", 3000, 5000, ascending, true, true},
		{"ascending", 1000, 1 << 20, ascending, false, true},
		{"ascending but the last", 1000, 1, lastBelow(1000), true, false},
		{"ascending but the last", 3000, 5000, lastBelow(3000), true, false},
		{"ascending but the last", 1000, 1 << 20, lastBelow(1000), false, false},
	} {
		name := fmt.Sprintf("%s, %d values, limit %d", tc.name, tc.n, tc.limit)
		dir := t.TempDir()
		s := newRecSpill(tc.limit, dir)
		var want []rec
		for i := range tc.n {
			v := tc.value(i)
			want = append(want, v)
			if err := s.Add(v); err != nil {
				t.Fatal(err)
			}
		}
		slices.SortFunc(want, func(a, b rec) int { return s.compare(&a, &b) })
		written := len(s.ends)
		var got []rec
		for v, err := range s.All(t.Context()) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if diff := gocmp.Diff(want, got, gocmp.AllowUnexported(rec{})); diff != "" {
			t.Errorf("%s: (-sorted +spilled):\n%s", name, diff)
		}
		if wrote := written > 0; wrote != tc.runs {
			t.Errorf("%s: %d runs written, want runs: %v", name, written, tc.runs)
		}
		if s.mixed == tc.inOrder {
			t.Errorf("%s: values out of order: %v, want %v", name, s.mixed, !tc.inOrder)
		}
		read, err := s.runs()
		if err != nil {
			t.Fatal(err)
		}
		if len(read) > s.fan() || tc.inOrder && (len(read) > 1 || len(s.ends) != written) {
			t.Errorf("%s: merged %d runs at once, of %d (%d written); want at most %d, or 1 in order, not merged",
				name, len(read), len(s.ends), written, s.fan())
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if left := filesLeft(t, dir); left > 0 {
			t.Errorf("%s: %d files left after Close", name, left)
		}
	}
}

// filesLeft returns how many files dir holds by name and, where the system
// shows a process's descriptors (/proc/self/fd, on Linux), how many files
// created in dir this process still has open: a spill's file loses its
// name once created (runFile), so a spill left open shows only there.
// Elsewhere it counts the names alone.
func filesLeft(t testing.TB, dir string) int {
	t.Helper()
	names, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := len(names)
	real, err := filepath.EvalSymlinks(dir) // as the descriptors name it
	if err != nil {
		t.Fatal(err)
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return n // no such view of the descriptors
	}
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err == nil && strings.HasPrefix(target, real+string(filepath.Separator)) {
			n++
		}
	}
	return n
}

// TestSpillFileUnnamed: where an open file can lose its name, a spill's
// runs are in a file without one from the start, the file is open until
// Close, and a process that ends without closing its spills (killed, say)
// leaves nothing in the directory.
func TestSpillFileUnnamed(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps an open file's name: a spill removes it on Close")
	}
	dir := os.Getenv("DCRC_TEST_SPILL_DIR")
	child := dir != ""
	if !child {
		dir = t.TempDir()
	}
	s := newRecSpill(1, dir)
	for i := range 100 {
		if err := s.Add(rec{i % 7, strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if child { // ends without closing the spill
		fmt.Printf("runs %d\n", len(s.ends))
		os.Exit(0)
	}
	if len(s.ends) == 0 {
		t.Fatal("no run written; the test needs runs in a file")
	}
	if names, err := os.ReadDir(dir); err != nil || len(names) > 0 {
		t.Errorf("%d names in the directory (%v) while the spill has %d runs; want none", len(names), err, len(s.ends))
	}
	if _, err := os.Stat("/proc/self/fd"); err == nil { // where filesLeft sees the open files
		if open := filesLeft(t, dir); open != 1 {
			t.Errorf("%d files open in the directory while the spill has runs; want 1", open)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left := filesLeft(t, dir); left > 0 {
		t.Errorf("%d files left after Close", left)
	}

	// A process of its own (this test run again) writes runs and ends
	// without Close.
	dir = t.TempDir()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSpillFileUnnamed$")
	cmd.Env = append(os.Environ(), "DCRC_TEST_SPILL_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "runs ") || strings.HasPrefix(string(out), "runs 0\n") {
		t.Fatalf("the process that ends without Close: %v, output %q; want runs written", err, out)
	}
	if names, err := os.ReadDir(dir); err != nil || len(names) > 0 {
		t.Errorf("%d files left by a process that ended without Close (%v); want none", len(names), err)
	}
}

// TestMerged: the values of several spills (of different limits, one
// empty) come merged in order.
func TestMerged(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	dir := t.TempDir()
	spills := []*spill[rec]{newRecSpill(1, dir), newRecSpill(1<<20, dir), newRecSpill(300, dir), newRecSpill(1, dir)}
	var want []rec
	for i := range 500 {
		v := rec{r.IntN(40), fmt.Sprint(i)}
		want = append(want, v)
		if err := spills[i%3].Add(v); err != nil { // the last spill stays empty
			t.Fatal(err)
		}
	}
	mergeSorts(t, "4 spills", spills, want)
	for _, s := range spills {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if left := filesLeft(t, dir); left > 0 {
		t.Errorf("%d files left after Close", left)
	}
}

// TestMergedTree: a merge of any number of heads, some without a value,
// yields every value in order: the tree of losers whatever its shape.
func TestMergedTree(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for k := 1; k <= 17; k++ {
		spills := make([]*spill[rec], k)
		var want []rec
		for i := range spills {
			spills[i] = newRecSpill(1<<20, "") // in memory: a head each
			n := r.IntN(20)
			if i%4 == 1 {
				n = 0 // no head
			}
			for j := range n {
				v := rec{r.IntN(10), fmt.Sprint(j % 3)} // equal values in several spills
				want = append(want, v)
				if err := spills[i].Add(v); err != nil {
					t.Fatal(err)
				}
			}
		}
		mergeSorts(t, fmt.Sprint(k, " spills"), spills, want)
	}
}

// mergeSorts checks that the merge of spills yields want, sorted.
func mergeSorts(t *testing.T, name string, spills []*spill[rec], want []rec) {
	t.Helper()
	slices.SortFunc(want, func(a, b rec) int { return spills[0].compare(&a, &b) })
	var got []rec
	for v, err := range merged(t.Context(), spills...) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if diff := gocmp.Diff(want, got, gocmp.AllowUnexported(rec{}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("%s: (-sorted +merged):\n%s", name, diff)
	}
}

// TestSpillCompactFails: when a spill cannot write the file that merges
// its runs into longer ones, reading it is an error, not a short result.
func TestSpillCompactFails(t *testing.T) {
	dir := t.TempDir()
	s := newRecSpill(1, dir+"/gone")
	if err := os.Mkdir(dir+"/gone", 0o700); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := s.Add(rec{k: 10 - i}); err != nil { // out of order, so that its runs are merged
			t.Fatal(err)
		}
	}
	if err := os.RemoveAll(dir + "/gone"); err != nil { // the runs' file stays open
		t.Fatal(err)
	}
	n := 0
	var err error
	for _, err = range s.All(t.Context()) {
		if err != nil {
			break
		}
		n++
	}
	if err == nil {
		t.Errorf("read %d values, no error", n)
	}
	s.Close() // its file is gone: an error, which is not what this tests
}

// TestSpillStopsEarly: a consumer may stop reading a spill.
func TestSpillStopsEarly(t *testing.T) {
	s := newRecSpill(1, t.TempDir())
	defer s.Close()
	for i := range 10 {
		if err := s.Add(rec{k: 10 - i}); err != nil {
			t.Fatal(err)
		}
	}
	var got []int
	for v, err := range s.All(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		if got = append(got, v.k); len(got) == 3 {
			break
		}
	}
	if diff := gocmp.Diff([]int{1, 2, 3}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestSpillCancelled: a merge ends with the context's error within 4096
// values of a cancellation, whether the values come from runs or from
// memory.
func TestSpillCancelled(t *testing.T) {
	for _, limit := range []int{1, 1 << 20} { // runs on file; all in memory
		s := newRecSpill(limit, t.TempDir())
		defer s.Close()
		for i := range 10_000 {
			if err := s.Add(rec{k: i}); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		n := 0
		var last error
		for _, err := range s.All(ctx) {
			if last = err; err == nil {
				n++
			}
		}
		if !errors.Is(last, context.Canceled) || n != 4095 {
			t.Errorf("limit %d: %d values, then %v; want 4095, then %v", limit, n, last, context.Canceled)
		}
	}
}

// TestSpillRecordErrors: a short or malformed record is an error, not a
// value.
func TestSpillRecordErrors(t *testing.T) {
	get := func(d *decoder) rec { k := d.int(); return rec{int(k), d.string()} }
	good := putString(putInt(nil, 7), "abc")
	framed := func(rec []byte) []byte { return append([]byte{byte(len(rec))}, rec...) }
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"a length past the end", append([]byte{byte(len(good) + 5)}, good...)},
		{"a string past the record", framed(putString(putInt(nil, 7), "abc")[:len(good)-1])},
		{"bytes left over", framed(append(slices.Clone(good), 0))},
		{"a truncated length", []byte{0x80}},
	} {
		var v rec
		_, err := readRecord(&runReader{r: bufio.NewReader(bytes.NewReader(tc.in))}, get, &v)
		if err == nil {
			t.Errorf("%s: no error, read %+v", tc.name, v)
		}
	}
	var v rec
	ok, err := readRecord(&runReader{r: bufio.NewReader(bytes.NewReader(framed(good)))}, get, &v)
	if !ok || err != nil || v != (rec{7, "abc"}) {
		t.Errorf("a good record: %v, %v, %+v", ok, err, v)
	}
	d := decoder{b: []byte{2}}
	if d.bool(); !errors.Is(d.err, errRecord) {
		t.Errorf("a bool of 2: %v", d.err)
	}
	d = decoder{b: []byte{1, 2, 3}}
	if d.float(); !errors.Is(d.err, errRecord) {
		t.Errorf("a float of 3 bytes: %v", d.err)
	}
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"a decimal of 1.2.3", putString([]byte{1}, "1.2.3")},
		{"a decimal of kind 2", putInt(putInt([]byte{2}, 5), 0)},
		{"a decimal without its exponent", putInt([]byte{0}, 5)},
		{"a decimal whose exponent is past int32", putInt(putInt([]byte{0}, 5), 1<<31)},
		{"no decimal", nil},
	} {
		d := decoder{b: tc.in}
		if d.decimal(); !errors.Is(d.err, errRecord) { // not printed: 5e-2147483648 would take gigabytes
			t.Errorf("%s: error %v", tc.name, d.err)
		}
	}
}

// TestSpillDecimals: a decimal reads back with its coefficient and
// exponent, not only its value, whether written as the two (up to 15
// digits) or as text (16 and more).
func TestSpillDecimals(t *testing.T) {
	for _, v := range []decimal.Decimal{
		decimal.Zero, decimal.New(0, -2), decimal.New(1250, -2), decimal.New(-1, -4), decimal.New(5, 3),
		decimal.New(999_999_999_999_999, -2), decimal.New(-999_999_999_999_999, 0), // 15 digits
		decimal.New(1_234_567_890_123_456, -2), decimal.New(-123_456_789_012_345_678, 0), // 16 and 18
		decimal.RequireFromString("1234567890123456789012.5"), decimal.New(7, math.MinInt32), decimal.New(7, math.MaxInt32),
	} {
		b := putDecimal(nil, v)
		if text := b[0] == 1; text != (v.NumDigits() > 15) {
			t.Errorf("%v (%d digits): written as text %t", v, v.NumDigits(), text)
		}
		d := decoder{b: b}
		got := d.decimal()
		if d.err != nil || len(d.b) != 0 {
			t.Errorf("%v: %v, %d bytes left", v, d.err, len(d.b))
			continue
		}
		if got.Coefficient().Cmp(v.Coefficient()) != 0 || got.Exponent() != v.Exponent() {
			t.Errorf("%v (%ve%d): read %v (%ve%d)", v, v.Coefficient(), v.Exponent(), got, got.Coefficient(), got.Exponent())
		}
	}
}

// TestPlanRecords: every record of a streamed plan reads back as written,
// with every field set; a field added to a record and not to its encoding
// fails here.
func TestPlanRecords(t *testing.T) {
	task := retention.Task{Key: "service-reminder/VIN1/2026-11-01", Touch: retention.LostRecall, Customer: "C1", VIN: "VIN1",
		Anchor: date.New(2026, 11, 1), Dealer: "D1", Owner: retention.Role(2), Channel: retention.Channel(1), Window: "evening",
		DueOn: date.New(2026, 11, 20), ExpiresOn: date.New(2026, 12, 20), Priority: 2, Attempts: 1, Reason: "lost: 400 days"}
	old := task
	old.Anchor, old.DueOn, old.ExpiresOn = date.New(1960, 2, 29), date.New(1969, 12, 31), date.New(2400, 1, 1)
	in := classify.TierInput{ID: "C1", Dealer: "D1", Effective: true, Kind: retention.Fleet, VIP: true, Referrals: 3,
		Purchase: decimal.RequireFromString("1234567890123456789012.5"), Vehicles: 2, Spend: decimal.RequireFromString("-0.0001"),
		Visits: 4}
	for _, v := range []any{task, in} {
		rv := reflect.ValueOf(v)
		for i := range rv.NumField() {
			if rv.Field(i).IsZero() {
				t.Errorf("%T.%s is zero in the test: its encoding is not tested", v, rv.Type().Field(i).Name)
			}
		}
	}
	e := &Engine{SpillBytes: 1, TempDir: t.TempDir()} // every value goes to a file
	sp := e.newPlanSpills(1)
	defer sp.close()
	opts := []gocmp.Option{gocmp.AllowUnexported(tierEntry{}, customerTier{}, waitingTask{}, recallTask{}),
		cmpopts.EquateComparable(date.Date{}), gocmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })}
	check := func(name string, want, got any) {
		t.Helper()
		if diff := gocmp.Diff(want, got, opts...); diff != "" {
			t.Errorf("%s: (-written +read):\n%s", name, diff)
		}
	}
	check("tier inputs", []tierEntry{{in, true, true, 0.25}}, roundTrip(t, sp.parts[0].inputs, tierEntry{in, true, true, 0.25}))
	check("waiting", []waitingTask{{schedule.Deferral{Task: task, Reason: "cap"}, true}},
		roundTrip(t, sp.parts[0].waiting, waitingTask{schedule.Deferral{Task: task, Reason: "cap"}, true}))
	check("tiers", []customerTier{{id: "C1", tier: classify.Potential, hasP: true, p: 0.5}},
		roundTrip(t, sp.tiers[0], customerTier{id: "C1", handle: 9, tier: classify.Potential, hasP: true, p: 0.5}))
	check("tasks", []retention.Task{old, task}, roundTrip(t, sp.tasks, task, old))
	check("recalls", []recallTask{{task, true, 0.75}}, roundTrip(t, sp.recalls, recallTask{task, true, 0.75}))
	check("deferrals", []schedule.Deferral{{Task: task, Reason: "cap"}}, roundTrip(t, sp.deferred, schedule.Deferral{Task: task, Reason: "cap"}))
}

// roundTrip adds vs to s and reads them back.
func roundTrip[T any](t *testing.T, s *spill[T], vs ...T) []T {
	t.Helper()
	for _, v := range vs {
		if err := s.Add(v); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.ends) != len(vs) {
		t.Fatalf("%d runs written for %d values", len(s.ends), len(vs))
	}
	var got []T
	for v, err := range s.All(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	return got
}

// TestReportRecords: every record of the report's joins reads back as
// written, with every field set (and without the optional ones); a field
// added to a record and not to its encoding fails here.
func TestReportRecords(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	at := time.Date(2026, 11, 3, 9, 30, 15, 123456789, cst)
	survey := retention.Survey{Customer: "C1", Touch: retention.ServiceFollowup2D, At: at,
		Answers: map[string]int{"service-quality": 5, "facility": 0, "vehicle-pickup": -1}, Recommend: ptr(0), Advisor: "A1"}
	complaint := retention.Complaint{ID: "K1", Customer: "C1", VIN: "VIN1", Severity: retention.Major, Category: "parts",
		Source: retention.FromOEM, ReceivedAt: at, AcknowledgedAt: ptr(at.Add(time.Hour)), SolvedAt: ptr(at.UTC().Add(2 * time.Hour)),
		ClosedAt: ptr(at.Add(-time.Nanosecond))}
	rem := pastReminder{vin: "VIN1", r: reminder{key: "service-reminder/VIN1/2026-11-01", dealer: "D1", due: date.New(1969, 12, 31),
		touch: retention.MaintenanceDue, owner: retention.Role(2)}}
	for _, v := range []any{survey, complaint, rem.r} {
		rv := reflect.ValueOf(v)
		for i := range rv.NumField() {
			if rv.Field(i).IsZero() {
				t.Errorf("%T.%s is zero in the test: its encoding is not tested", v, rv.Type().Field(i).Name)
			}
		}
	}
	e := &Engine{SpillBytes: 1, TempDir: t.TempDir()} // every value goes to a file
	sp := e.newReportSpills()
	defer sp.close()
	opts := []gocmp.Option{gocmp.AllowUnexported(scoped{}, vehicleDays{}, pastReminder{}, reminder{}),
		cmpopts.EquateComparable(date.Date{}),
		// the instant and its offset from UTC, not the zone's name
		gocmp.Comparer(func(a, b time.Time) bool {
			_, ao := a.Zone()
			_, bo := b.Zone()
			return a.Equal(b) && ao == bo
		})}
	check := func(name string, want, got any) {
		t.Helper()
		if diff := gocmp.Diff(want, got, opts...); diff != "" {
			t.Errorf("%s: (-written +read):\n%s", name, diff)
		}
	}
	bare := retention.Survey{Customer: "C2", At: at.UTC()}
	check("surveys", []retention.Survey{survey, bare}, roundTrip(t, sp.surveys, survey, bare))
	open := retention.Complaint{ID: "K2", Customer: "C2", ReceivedAt: at}
	check("complaints", []retention.Complaint{complaint, open}, roundTrip(t, sp.complaints, open, complaint))
	check("customers", []scoped{{"C1", true}, {"C2", false}}, roundTrip(t, sp.customers, scoped{"C2", false}, scoped{"C1", true}))
	days := []date.Date{date.New(1960, 2, 29), date.New(2026, 11, 1)}
	check("vehicles", []vehicleDays{{"VIN1", days}, {"VIN2", nil}}, roundTrip(t, sp.vehicles, vehicleDays{"VIN2", nil}, vehicleDays{"VIN1", days}))
	check("reminders", []pastReminder{rem}, roundTrip(t, sp.reminders, rem))
}

func ptr[T any](v T) *T { return &v }

// BenchmarkSpill adds 200,000 values to a spill of the default limit and
// reads them back in order, per operation: values in no order (sorted in
// runs, merged), and values in order (read as one run).
func BenchmarkSpill(b *testing.B) {
	for _, bc := range []struct {
		name  string
		value func(r *rand.Rand, i int) rec
	}{
		{"random", func(r *rand.Rand, i int) rec { return rec{r.IntN(100_000), "c" + strconv.Itoa(r.IntN(1000))} }},
		{"in-order", func(r *rand.Rand, i int) rec { return rec{i / 2, "c"} }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			const n = 200_000
			r := rand.New(rand.NewPCG(7, 8))
			values := make([]rec, n)
			for i := range values {
				values[i] = bc.value(r, i)
			}
			dir := b.TempDir()
			b.ReportAllocs()
			for b.Loop() {
				s := newRecSpill(spillLimit, dir)
				for _, v := range values {
					if err := s.Add(v); err != nil {
						b.Fatal(err)
					}
				}
				for _, err := range s.All(b.Context()) {
					if err != nil {
						b.Fatal(err)
					}
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "values/s")
		})
	}
}
