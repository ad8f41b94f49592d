package app

import (
	"os"
	"runtime/debug"
)

// StreamingGCPercent is the garbage collector's percentage (GOGC) that the
// programs set for a streamed plan (StreamPlanTo, SavePlan) when the
// environment sets none.
//
// A streamed plan holds a few MiB while it allocates for every row it reads
// (about 4.7 GB at 1,000,000 vehicles), so with Go's default of 100 the
// collector runs about every 5 MiB, over 2,000 times in a run at that
// size, and its marking, write barriers and sweeping take a fifth of the
// run's time. 400 lets the heap grow to five times what is live, which is
// still a few tens of MiB and still flat as the network grows, for a
// sixth as many collections (BENCHMARKS.md, round fifteen). It is not for
// a program that holds the network in memory (dcrc evaluate, report),
// whose heap it would let grow to five times the network.
const StreamingGCPercent = 400

// GCForStreaming sets the collector's percentage to StreamingGCPercent,
// unless the GOGC environment variable is set (a deployment's own choice,
// which it leaves alone), and returns a function that restores the
// previous setting. The setting is the process's: call it from a program
// about to stream a plan, not from a library.
func GCForStreaming() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	prev := debug.SetGCPercent(StreamingGCPercent)
	return func() { debug.SetGCPercent(prev) }
}
