package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"
)

// usage is what the process spent, as the system counts it: processor
// time in the program and in the kernel on its behalf, and minor page
// faults (a page mapped in without reading the disk).
type usage struct {
	user, system time.Duration
	faults       int64
}

// minus returns what was spent from earlier to u.
func (u usage) minus(earlier usage) usage {
	return usage{user: u.user - earlier.user, system: u.system - earlier.system, faults: u.faults - earlier.faults}
}

// printUsage prints, for each measurement once, in the order of rows,
// what its runs spent: the medians of their wall, user and system time and
// of their minor page faults, with the ranges of all but the user time
// (which follows the wall time). A run slowed by the kernel shows there.
// Every run starts with the free memory given back to the system
// (interleave), so a measurement that allocates takes about the same
// faults in every run; on the machine of BENCHMARKS.md storms of faults
// of 40-54 µs each took seconds from some runs (BENCHMARKS-HISTORY.md,
// round thirty-seven). It prints nothing when the system does not report
// usage.
func printUsage(out io.Writer, rows []row) {
	var samples []*sample
	for _, r := range rows {
		for _, s := range []*sample{r.s, r.floor} {
			if s.spent != nil && !slices.Contains(samples, s) {
				samples = append(samples, s)
			}
		}
	}
	if len(samples) == 0 {
		return
	}
	fmt.Fprintf(out, "\nwhat each measurement's runs spent in this process (medians, ranges; PostgreSQL's server is another process):\n")
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "measurement\twall\tuser\tsystem\tminor page faults\n")
	for _, s := range samples {
		var user, system []time.Duration
		var faults []int64
		for _, u := range s.spent {
			user, system, faults = append(user, u.user), append(system, u.system), append(faults, u.faults)
		}
		fmt.Fprintf(tw, "%s\t%s (%s)\t%s\t%s (%s..%s)\t%s (%s..%s)\n", s.name, round(s.median()), s.spread(), round(median(user)),
			round(median(system)), round(slices.Min(system)), round(slices.Max(system)),
			count(median(faults)), count(slices.Min(faults)), count(slices.Max(faults)))
	}
	tw.Flush()
}

// count prints n in thousands or millions, to a tenth under ten of them
// and to a whole one above: 950, 1.3k, 12k, 280k, 1.3M.
func count(n int64) string {
	x, unit := float64(n), ""
	switch {
	case n >= 1e6:
		x, unit = x/1e6, "M"
	case n >= 1e3:
		x, unit = x/1e3, "k"
	default:
		return fmt.Sprint(n)
	}
	if x < 9.95 {
		return fmt.Sprintf("%.1f%s", x, unit)
	}
	return fmt.Sprintf("%.0f%s", x, unit)
}
