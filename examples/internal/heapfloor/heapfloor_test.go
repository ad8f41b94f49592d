package heapfloor

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	type percentCase struct {
		Name        string
		Floor, Live uint64
		Base, GOGC  int
	}
	cases := []percentCase{
		{"nothing live yet: the heap minimum at the floor", 64 * mib, 0, 100, 1600},
		{"1 MiB live: the heap minimum at the floor", 64 * mib, 1 * mib, 100, 1600},
		{"live a seventeenth of the floor: both bounds meet", 64 * mib, 64 * mib / 17, 100, 1600},
		{"4 MiB live: 16 times that to go", 64 * mib, 4 * mib, 100, 1500},
		{"live a byte less than half the floor", 64 * mib, 32*mib - 1, 100, 100},
		{"live half the floor: GOGC 100 reaches it", 64 * mib, 32 * mib, 100, 100},
		{"live a byte more than half the floor", 64 * mib, 32*mib + 1, 100, 100},
		{"live a third of the floor", 63 * mib, 21 * mib, 100, 200},
		{"a base above what the floor asks", 63 * mib, 21 * mib, 300, 300},
		{"a base below it", 63 * mib, 21 * mib, 50, 200},
		{"live the floor less a byte", 64 * mib, 64*mib - 1, 100, 100},
		{"live at the floor", 64 * mib, 64 * mib, 100, 100},
		{"live above the floor", 64 * mib, 64*mib + 1, 100, 100},
		{"a floor under the heap minimum", 2 * mib, 0, 100, 100},
		{"a floor the largest there is", math.MaxUint64, 0, 100, math.MaxInt32},
		{"the largest floor and a live heap", math.MaxUint64, 1 << 30, 100, math.MaxInt32},
	}
	var got []percentCase
	for _, c := range cases {
		c.GOGC = percent(c.Floor, c.Live, c.Base)
		got = append(got, c)
	}
	if diff := cmp.Diff(cases, got); diff != "" {
		t.Errorf("percent (-want +got):\n%s", diff)
	}
}

// sink keeps what churn allocates on the heap.
var sink [][]byte

// churn allocates 256 MiB in blocks of 8 KiB, 1 MiB of them live at a
// time, and returns the number of collections it took.
func churn() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.NumGC
	sink = make([][]byte, 128)
	for i := range 256 << 20 / 8192 {
		sink[i%len(sink)] = make([]byte, 8192)
	}
	sink = nil
	runtime.ReadMemStats(&ms)
	return ms.NumGC - before
}

// gogc reads GOGC without setting it.
func gogc() int {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int(s[0].Value.Uint64())
}

// eventually polls cond, collecting between polls, for up to 10 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: not %s (GOGC %d)", what, gogc())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSet(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	runtime.GC()
	without := churn()
	runtime.GC() // a busy machine's last collection during churn may have marked much of it live
	restore := Set(128 << 20)
	raised := gogc() // set at once, for what runtime.GC found live
	with := churn()
	restore()
	// About 64 collections without the floor and 2 with it, on an idle
	// machine. Where other processes keep the cores busy, a collection
	// marks for longer while the allocations go on, so fewer collections
	// finish, and one that marks much of the churn live sets GOGC back
	// until the next (9 without the floor and 4 with it, once): what the
	// floor must do, however busy the machine, is halve them at least.
	if without < 4 || 2*with > without {
		t.Errorf("collections for 256 MiB allocated, 1 MiB live: %d without the floor (want ≥ 4), %d with a floor of 128 MiB (want at most half as many)", without, with)
	}
	if raised <= 100 {
		t.Errorf("GOGC with the floor: %d, want more than 100", raised)
	}
	if got := gogc(); got != 100 {
		t.Errorf("GOGC after restore: %d, want 100", got)
	}
	runtime.GC()
	runtime.GC()
	if got := gogc(); got != 100 { // no adjustment left armed
		t.Errorf("GOGC after restore and two collections: %d, want 100", got)
	}
	restore() // a second call changes nothing
	if got := gogc(); got != 100 {
		t.Errorf("GOGC after a second restore: %d, want 100", got)
	}
}

// TestSetFollowsLiveHeap checks that the floor is adjusted after each
// collection: left at GOGC while the live heap is above it, raised again
// once it is below.
func TestSetFollowsLiveHeap(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	restore := Set(32 << 20)
	defer restore()
	eventually(t, "raised above 150 with little live", func() bool { return gogc() > 150 })
	held := make([][]byte, 64)
	for i := range held {
		held[i] = make([]byte, 1<<20)
	}
	eventually(t, "back at 150 with 64 MiB live", func() bool { return gogc() == 150 })
	runtime.KeepAlive(held) // its last use: freed from here on
	eventually(t, "raised above 150 again once they are freed", func() bool { return gogc() > 150 })
}

func TestSetOff(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	restore := Set(64 << 20)
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GOGC with the collector off and a floor set: %d, want -1 (off)", got)
	}
	restore()
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("GOGC after restore: %d, want -1 (off)", got)
	}
}

func TestSetZero(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	restore := Set(0)
	defer restore()
	runtime.GC()
	time.Sleep(10 * time.Millisecond)
	if got := gogc(); got != 100 {
		t.Errorf("GOGC with a floor of 0: %d, want 100", got)
	}
}
