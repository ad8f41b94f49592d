package storetest

import (
	"errors"
	"runtime"
	"testing"
)

// sinkBytes keeps the churn of TestPeakHeaps from being optimised away.
var sinkBytes []byte

// TestPeakHeaps: a function that holds 8 MiB while it allocates 64 MiB of
// garbage has peaks of at least 8 MiB live, in use and in the collector's
// goal, the goal at least the live heap, over at least one collection; and
// its error comes back.
func TestPeakHeaps(t *testing.T) {
	const held = 8 << 20
	p, err := PeakHeaps(func() error {
		keep := make([]byte, held)
		for i := range keep {
			keep[i] = byte(i)
		}
		for range 64 {
			sinkBytes = make([]byte, 1<<20)
		}
		runtime.GC() // at least one collection while keep is live
		runtime.KeepAlive(keep)
		return errTest
	})
	if !errors.Is(err, errTest) {
		t.Errorf("error %v, want %v", err, errTest)
	}
	for _, peak := range []struct {
		name string
		v    uint64
	}{{"live", p.Live}, {"in use", p.InUse}, {"goal", p.Goal}} {
		if peak.v < held {
			t.Errorf("peak %s %d bytes, want at least %d", peak.name, peak.v, held)
		}
	}
	if p.Goal < p.Live {
		t.Errorf("peak goal %d bytes under the peak live heap's %d", p.Goal, p.Live)
	}
	if p.Collections < 1 {
		t.Errorf("%d collections, want at least 1", p.Collections)
	}
}

var errTest = errors.New("the function's error")
