// Package heapfloor keeps Go's garbage collector from running while a
// program's heap is small, as the Go compiler does at its start
// (cmd/compile's AdjustStartingHeap).
//
// The collector starts a cycle when the heap has grown by GOGC percent of
// what the last one found live, and not before 4 MiB (at GOGC 100). A
// streamed plan (dcrc plan, dcrc report) keeps a few MiB live however
// large the network, and allocates about 5 KB per customer it reads (its
// records, their classification and plan: values that the stores' and the
// classifier's APIs hand out), so with GOGC at 100 it collects every few MiB:
// about 200 cycles per 100,000 vehicles, each stopping the goroutines,
// scanning their stacks and slowing every pointer write while it marks.
// A floor under the heap's goal makes those cycles a handful, for a few
// tens of MiB more memory, and changes nothing once the live heap is
// large (dcrc evaluate, which holds a whole dataset).
package heapfloor

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Default is the floor the dcrc command sets: 64 MiB, some ten times the
// streamed plan's live heap, at which its collections are a few per
// 100,000 vehicles (BENCHMARKS-HISTORY.md, round twenty-seven).
const Default = 64 << 20

// Set raises the collector's heap goal to at least floor bytes, until the
// function it returns is called, which restores GOGC. After each
// collection it sets GOGC (debug.SetGCPercent) to the percentage that puts
// the next goal at floor while what the collection found live is less than
// that (percent), and to the GOGC in effect when Set was called otherwise.
// A memory limit (GOMEMLIMIT, debug.SetMemoryLimit) still holds. With GOGC
// off, or floor 0, Set does nothing. GOGC is the process's: one floor at a
// time, and nothing else setting GOGC while it holds.
func Set(floor uint64) (restore func()) {
	base := debug.SetGCPercent(100) // what it was: there is no other way to read "off"
	debug.SetGCPercent(base)
	if floor == 0 || base < 0 {
		return func() {}
	}
	f := &state{floor: floor, base: base}
	f.adjust()
	return f.restore
}

// percent returns the GOGC that puts the collector's next heap goal at
// floor bytes when live bytes were live after the last collection, if that
// is more than base, else base. Go sets the goal at live×(1+GOGC/100),
// plus what it adds for the goroutines' stacks and the globals, and never
// below its heap minimum, 4 MiB×GOGC/100; so the GOGC returned is at most
// floor/4 MiB×100, and a floor under 4 MiB changes nothing.
func percent(floor, live uint64, base int) int {
	const heapMinimum = 4 << 20 // the runtime's at GOGC 100 (defaultHeapMinimum)
	p := floor / (heapMinimum / 100)
	if floor <= live {
		p = 0
	} else if live > 0 && floor-live <= math.MaxUint64/100 {
		p = min(p, (floor-live)*100/live)
	}
	return max(base, int(min(p, math.MaxInt32))) // GOGC is an int32
}

// state is a floor set, re-armed after each collection.
type state struct {
	mu      sync.Mutex
	floor   uint64
	base    int
	stopped bool
}

// sentinel is what a collection frees to tell state it has run: a pointer
// field keeps it out of the tiny allocator, whose blocks are freed
// together.
type sentinel struct{ _ *byte }

// adjust sets GOGC for what the last collection found live and arms the
// next adjustment, to run after the next collection.
func (f *state) adjust() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	live := s[0].Value.Uint64()
	if live == 0 { // no collection yet: what is allocated, at most what will be found live
		live = s[1].Value.Uint64()
	}
	debug.SetGCPercent(percent(f.floor, live, f.base))
	runtime.AddCleanup(new(sentinel), (*state).adjust, f)
}

// restore stops the adjustments and sets GOGC back.
func (f *state) restore() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.stopped {
		f.stopped = true
		debug.SetGCPercent(f.base)
	}
}
