// Command bench measures dcrc against honest floors and prints ratios.
//
//	go run ./examples/bench [--vehicles 1000000] [--repeats 6] [--postgres DSN] [--heap-only | --day-over-day]
//
// It generates a deterministic network (examples/demo: about 9 repair
// orders per vehicle), then measures, interleaved and repeated (median and
// range; the measurements in memory at least 10 times):
//
//  1. the full evaluation in memory (status, stage, mileage, next service,
//     tiers and the day's plan) against a loop that reads every visit once;
//     and the same on 2 workers against 1; and, against the same floor,
//     parts of it by themselves (the status, the mileage estimate, the
//     classification without the plan);
//  2. the same evaluation streamed from SQLite (one pass; the tiers set the
//     tasks' priorities at the end) against a bare SELECT of the rows, on 1
//     worker and on 2 (two partitions, two connections);
//  3. statuses by dcrc from SQLite (the store aggregates the facts,
//     Classifier.StatusOf classifies, on 1 worker and on 2: two ranges of
//     VINs, two connections; and, for comparison, from the full histories)
//     against one hand-written SQL query (GROUP BY over the visits),
//     checking that all agree on every vehicle;
//  4. 2 and 3 on PostgreSQL when --postgres (or DCRC_POSTGRES_DSN) is set,
//     where the store reads its streams through pgx natively, so 2 is
//     also measured against the store's own query read bare that way;
//
// and the peak heap of the streamed evaluation at a tenth of the size and at
// the full size (handing the plan out as it goes, and saving it in the store
// as dcrc plan does; both also on a network of the full size with ten times
// the dealers), in use and live, with the collector's goal and the number
// of collections beside them (storetest.HeapPeaks says how they relate),
// medians of 3 runs, and the allocations per vehicle of the evaluation.
//
// Under its first line it prints the host (the system, the processor's
// model, the logical CPUs, the Go release), and each database's version
// with its import: a run's absolute times compare only with runs on the
// same kind of processor, which a virtual machine does not always keep.
//
// --heap-only measures the peak heaps alone, without the timings (1–4): at
// the default size, where the time goes to the timings, it is the quick
// way to see the heap at 100,000 and 1,000,000 vehicles.
//
// --day-over-day evaluates the network on 8 consecutive days around the
// as-of day and prints the share of the customers whose evaluation
// (classification, tier or plan) differs from the day before's; then it
// times the evaluation of only those that changed on the as-of day against
// ratio 1's floor and the full evaluation: what a nightly run that knew
// which customers to evaluate would take, before finding them.
package main

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/adapters/sqlstore/postgres"
	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/adapters/storetest"
	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/examples/internal/app"
	"github.com/dcrc-go/dcrc/examples/internal/heapfloor"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type config struct {
	vehicles, repeats int
	dir, pgDSN        string
	asOf              date.Date
	heapOnly          bool
	dayOverDay        bool
	heapFloor         uint64 // bytes
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var c config
	fs.IntVar(&c.vehicles, "vehicles", 1_000_000, "vehicles in the network (about 9 repair orders each)")
	fs.IntVar(&c.repeats, "repeats", 6, "runs of each measurement (interleaved with its floor, the rounds forwards and backwards by turns: an even number balances them)")
	fs.StringVar(&c.dir, "dir", "", "directory for the SQLite files (default: a temporary one)")
	fs.StringVar(&c.pgDSN, "postgres", os.Getenv("DCRC_POSTGRES_DSN"), "PostgreSQL DSN for the PostgreSQL measurements")
	asOf := fs.String("as-of", "2026-11-22", "the day evaluated")
	fs.BoolVar(&c.heapOnly, "heap-only", false, "measure the peak heaps alone, not the timings")
	floorMiB := fs.Uint64("heap-floor", heapfloor.Default>>20, "MiB under the collector's heap goal for the timings, as dcrc sets it (heapfloor); 0 for Go's default")
	fs.BoolVar(&c.dayOverDay, "day-over-day", false, "print the share of customers whose evaluation changes from day to day, time planning only those, and measure nothing else")
	if err := fs.Parse(args); err != nil {
		return err
	}
	c.heapFloor = *floorMiB << 20
	if c.heapOnly && c.dayOverDay {
		return errors.New("--heap-only and --day-over-day exclude each other")
	}
	var err error
	if c.asOf, err = retention.ParseDate(*asOf); err != nil {
		return err
	}
	if c.dir == "" {
		if c.dir, err = os.MkdirTemp("", "dcrc-bench"); err != nil {
			return err
		}
		defer os.RemoveAll(c.dir)
	}
	return bench(c, out)
}

// sample is one measurement's repeated durations and, where the system
// reports it, what the process spent in each run.
type sample struct {
	name  string
	runs  []time.Duration
	spent []usage
}

func (s *sample) median() time.Duration { return median(s.runs) }

// over returns the ratio of s's median to floor's.
func (s *sample) over(floor *sample) float64 { return float64(s.median()) / float64(floor.median()) }

// median returns the median of vs (the upper one of an even count),
// leaving vs as they are.
func median[T cmp.Ordered](vs []T) T {
	r := slices.Clone(vs)
	slices.Sort(r)
	return r[len(r)/2]
}

func (s *sample) spread() string {
	return fmt.Sprintf("%s..%s", round(slices.Min(s.runs)), round(slices.Max(s.runs)))
}

func round(d time.Duration) time.Duration {
	switch {
	case d > 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}

// interleave runs the functions in turn, repeats times, after one warm-up
// round, so that drift in the machine hits all of them alike. The measured
// rounds go forwards and backwards by turns (order), so that no function
// always runs in the same place of a round, or always right after the
// same other function, which may have warmed a database's cache for it or
// left work to the collector. Before each run it collects the garbage and
// returns the free memory to the system (debug.FreeOSMemory), so that
// every run starts from the same state, as a process that plans once a
// night does: its memory still to be taken from the system, page by page.
// Left to the runtime's scavenger, a plan in memory right after another
// found the other's pages still mapped and ran a fifth to a third faster
// than one after the small measurements (round thirty-nine). It records
// each run's wall time and, where the system reports it, what the process
// spent in the run.
func interleave(repeats int, fns ...func() (string, error)) ([]*sample, error) {
	samples := make([]*sample, len(fns))
	for round := -1; round < repeats; round++ {
		for _, i := range order(round, len(fns)) {
			fn := fns[i]
			debug.FreeOSMemory()
			before, measured := processUsage()
			start := time.Now()
			name, err := fn()
			if err != nil {
				return nil, err
			}
			wall := time.Since(start)
			after, ok := processUsage()
			measured = measured && ok
			if samples[i] == nil {
				samples[i] = &sample{name: name}
			}
			if round >= 0 {
				samples[i].runs = append(samples[i].runs, wall)
				if measured {
					samples[i].spent = append(samples[i].spent, after.minus(before))
				}
			}
		}
	}
	return samples, nil
}

// order returns the indexes of n functions in the order round runs them:
// forwards in the warm-up round (-1) and the even rounds, backwards in the
// odd ones. With an even number of repeats every function runs as often
// in each place from the round's end as from its start, which cancels a
// drift of the machine steady over a round.
func order(round, n int) []int {
	backwards := round >= 0 && round%2 == 1
	is := make([]int, n)
	for i := range is {
		is[i] = i
		if backwards {
			is[i] = n - 1 - i
		}
	}
	return is
}

// row is a line of the result table.
type row struct {
	what     string
	s, floor *sample
	target   string
	extra    string
}

// minMemRepeats is the least number of repeats of the measurements in
// memory: an even number, so that interleave runs each as often forwards
// as backwards.
const minMemRepeats = 10

// memRepeats returns the number of repeats of the measurements in memory:
// c.repeats, at least minMemRepeats. The runs in memory are short and
// their spread on a shared machine wide.
func (c config) memRepeats() int { return max(c.repeats, minMemRepeats) }

// heapRuns is the number of runs of each peak heap's measurement, at each
// size, whose medians are printed.
const heapRuns = 3

func bench(c config, out io.Writer) error {
	ctx := context.Background()
	fmt.Fprintf(out, "dcrc bench: %d vehicles, %d repeats, as of %s, GOMAXPROCS %d, heap floor %d MiB for the timings\n",
		c.vehicles, c.repeats, c.asOf, runtime.GOMAXPROCS(0), c.heapFloor>>20)
	fmt.Fprintf(out, "host: %s\n", host())
	// The timings run as dcrc runs, with a floor under the collector's
	// goal; the peak heaps, below, without it, as what the evaluation
	// holds, not what the floor lets wait for a collection.
	restoreGC := heapfloor.Set(c.heapFloor)
	defer restoreGC()
	t0 := time.Now()
	ds := demo.Generate(&demo.Options{Vehicles: c.vehicles, AsOf: c.asOf})
	inputs, _ := app.Group(ds)
	fmt.Fprintf(out, "generated %d customers, %d vehicles, %d repair orders in %s\n\n", len(inputs), len(ds.Vehicles),
		len(ds.Visits), round(time.Since(t0)))
	e, err := app.NewEngine(retention.DefaultPolicy(), ds.Models, "", nil, nil)
	if err != nil {
		return err
	}
	if c.dayOverDay {
		return dayOverDay(inputs, e, c, out)
	}
	var rows []row

	// 1. In memory.
	if !c.heapOnly {
		if rows, err = memoryRows(e, inputs, len(ds.Vehicles), c, out); err != nil {
			return err
		}
	}

	// The stores: every import first, so that the network in memory can
	// be let go before the streams are measured. Left live, its gigabytes
	// would be marked by every garbage collection of the streamed
	// evaluation, and not of the bare SELECT, which allocates little.
	sqlitePath := filepath.Join(c.dir, "bench.sqlite")
	s, err := sqlite.Open(ctx, sqlitePath, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := importTimed(ctx, out, s, ds, "SQLite", "SELECT sqlite_version()"); err != nil {
		return err
	}
	var pg *sqlstore.Store
	if c.pgDSN != "" && !c.heapOnly {
		var cleanup func()
		if pg, cleanup, err = openPostgres(ctx, c.pgDSN); err != nil {
			return err
		}
		defer cleanup()
		if err := importTimed(ctx, out, pg, ds, "PostgreSQL", "SHOW server_version"); err != nil {
			return err
		}
		// What a DBA runs after a bulk load (autovacuum would, later, in
		// the middle of the measurements): statistics for the planner and
		// the visibility map that lets index-only scans skip the table.
		if _, err := pg.DB().ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			return err
		}
	}
	// The network at a tenth of the size, for the peak heap below.
	ss10, err := sqliteOf(ctx, filepath.Join(c.dir, "small.sqlite"),
		&demo.Options{Vehicles: max(c.vehicles/10, 100), AsOf: c.asOf})
	if err != nil {
		return err
	}
	defer ss10.Close()
	// And the network grown the way an OEM's grows, by dealers: the full
	// size with ten times the demo's dealers (each about as large as the
	// small network's).
	sWide, err := sqliteOf(ctx, filepath.Join(c.dir, "dealers.sqlite"), &demo.Options{Vehicles: c.vehicles, Dealers: 30, AsOf: c.asOf})
	if err != nil {
		return err
	}
	defer sWide.Close()
	ds, inputs = nil, nil
	debug.FreeOSMemory() // collects the network, then gives its memory back

	// 2–4. The stores.
	if !c.heapOnly {
		// 2–3. SQLite.
		sqliteRows, err := storeRows(ctx, out, "SQLite", s, sqlite.Dialect(), e, c)
		if err != nil {
			return err
		}
		rows = append(rows, sqliteRows...)

		// 4. PostgreSQL.
		if pg != nil {
			pgRows, err := storeRows(ctx, out, "PostgreSQL", pg, postgres.Dialect(), e, c)
			if err != nil {
				return err
			}
			rows = append(rows, pgRows...)
		}
	}

	restoreGC()
	// Peak heap of the streamed evaluation at a tenth of the size and at
	// the full size: handing the plan out as it goes (StreamPlanTo), and
	// saving it in the store as dcrc plan does (SavePlan: the bench's
	// databases are its own); and handing it out on the network grown by
	// dealers, and saving it there.
	handedOut := func(st *sqlstore.Store) (storetest.HeapPeaks, error) {
		return storetest.PeakHeaps(func() error { _, err := e.StreamPlanTo(ctx, st, c.asOf, 1, nil, app.PlanSink{}); return err })
	}
	saved := func(st *sqlstore.Store) (storetest.HeapPeaks, error) {
		return storetest.PeakHeaps(func() error {
			p, err := e.SavePlan(ctx, st, c.asOf, 1)
			if err != nil {
				return err
			}
			return p.Close()
		})
	}
	// And the KPIs, as dcrc report reads them, once saved holds a plan.
	reported := func(st *sqlstore.Store) (storetest.HeapPeaks, error) {
		return storetest.PeakHeaps(func() error { _, err := e.StreamReport(ctx, st, c.asOf, 1); return err })
	}
	heaps := []struct {
		what        string
		small, full storetest.HeapPeaks
	}{{what: "the plan handed out as it goes"}, {what: "the plan saved (dcrc plan)"}, {what: "handed out, the network grown by dealers (30 at full size)"},
		{what: "saved, the network grown by dealers"}, {what: "the KPIs (dcrc report), no target"}}
	for i, m := range []struct {
		peak        func(*sqlstore.Store) (storetest.HeapPeaks, error)
		small, full *sqlstore.Store
	}{{handedOut, ss10, s}, {saved, ss10, s}, {handedOut, ss10, sWide}, {saved, ss10, sWide}, {reported, ss10, s}} {
		// The medians of 3 runs, whatever the repeats of the timings: a
		// peak depends on when the collector runs, and the median of two
		// would be the higher one.
		var small, full []storetest.HeapPeaks
		for range heapRuns {
			ps, err := m.peak(m.small)
			if err != nil {
				return err
			}
			pf, err := m.peak(m.full)
			if err != nil {
				return err
			}
			small, full = append(small, ps), append(full, pf)
		}
		heaps[i].small, heaps[i].full = medianPeaks(small), medianPeaks(full)
	}

	if len(rows) > 0 {
		fmt.Fprintln(out)
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "measurement\tmedian\trange\tfloor median\tratio\ttarget\tnote\n")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.2f×\t%s\t%s\n", r.what, round(r.s.median()), r.s.spread(), round(r.floor.median()),
				r.s.over(r.floor), r.target, r.extra)
		}
		tw.Flush()
		printUsage(out, rows)
	}
	for _, h := range heaps {
		fmt.Fprintf(out, "\nstreamed evaluation peak heap, %s: in use %.1f MiB at %d vehicles, %.1f MiB at %d (%.2f× for 10× the data); live %.1f MiB, %.1f MiB (%.2f×); the collector's goal %.1f MiB, %.1f MiB (%.2f×), over %d and %d collections",
			h.what, mib(h.small.InUse), max(c.vehicles/10, 100), mib(h.full.InUse), c.vehicles, float64(h.full.InUse)/float64(h.small.InUse),
			mib(h.small.Live), mib(h.full.Live), float64(h.full.Live)/float64(h.small.Live),
			mib(h.small.Goal), mib(h.full.Goal), float64(h.full.Goal)/float64(h.small.Goal), h.small.Collections, h.full.Collections)
	}
	fmt.Fprintln(out)
	return nil
}

// scanning returns ratio 1's floor as a measurement: scanFloor of inputs,
// its sum added to sink.
func scanning(inputs []classify.CustomerInput, sink *atomic.Int64) func() (string, error) {
	return func() (string, error) {
		sink.Add(scanFloor(inputs))
		return "read every visit once", nil
	}
}

// evaluation returns the full evaluation of inputs as of asOf on workers
// as a measurement, the number of its tasks added to sink.
func evaluation(e *app.Engine, inputs []classify.CustomerInput, asOf date.Date, workers int, sink *atomic.Int64) func() (string, error) {
	return func() (string, error) {
		p := e.Planner.PlanParallel(inputs, asOf, workers)
		sink.Add(int64(len(p.Tasks)))
		return fmt.Sprintf("full evaluation, %d worker(s)", workers), nil
	}
}

// scanFloor is ratio 1's floor: a loop that reads every visit of the
// network once, four fields of each.
func scanFloor(inputs []classify.CustomerInput) int64 {
	var sum int64
	for i := range inputs {
		for j := range inputs[i].Vehicles {
			for k := range inputs[i].Vehicles[j].Visits {
				v := &inputs[i].Vehicles[j].Visits[k]
				sum += int64(v.OdometerKm) + int64(v.OpenedOn.DaysSinceEpoch()) + int64(len(v.Dealer)) + int64(v.Kind)
			}
		}
	}
	return sum
}

// memoryRows measures the evaluation of the network in memory (ratio 1):
// the full evaluation on 1 and 2 workers, three parts of it by themselves,
// and the floor, a loop that reads every visit once.
func memoryRows(e *app.Engine, inputs []classify.CustomerInput, vehicles int, c config, out io.Writer) ([]row, error) {
	var sink atomic.Int64
	// Parts of the evaluation, each by itself over the whole network:
	// what share of ratio 1 each takes.
	cl := e.Planner.Classifier()
	byVehicle := func(what string, fn func(h *retention.VehicleHistory) int64) func() (string, error) {
		return func() (string, error) {
			var sum int64
			for i := range inputs {
				for j := range inputs[i].Vehicles {
					sum += fn(&inputs[i].Vehicles[j])
				}
			}
			sink.Add(sum)
			return what, nil
		}
	}
	status := byVehicle("the status", func(h *retention.VehicleHistory) int64 {
		st, _ := cl.Status(h, c.asOf)
		return int64(st)
	})
	mileage := byVehicle("the mileage estimate", func(h *retention.VehicleHistory) int64 {
		m := e.Policy.EstimateMileage(&h.Vehicle, h.Visits, cl.Rules(h.Vehicle.Model), c.asOf)
		return m.Rate.Km
	})
	classification := func() (string, error) {
		var n int64
		for i := range inputs {
			n += int64(len(cl.Customer(&inputs[i], c.asOf).Vehicles))
		}
		sink.Add(n)
		return "the classification", nil
	}
	inMemory := c.memRepeats()
	fmt.Fprintf(out, "in memory: %d repeats\n", inMemory)
	ss, err := interleave(inMemory, scanning(inputs, &sink), evaluation(e, inputs, c.asOf, 1, &sink),
		evaluation(e, inputs, c.asOf, 2, &sink), status, mileage, classification)
	if err != nil {
		return nil, err
	}
	floorS, eval1, eval2, statusS, mileageS, classifyS := ss[0], ss[1], ss[2], ss[3], ss[4], ss[5]
	perVehicle := func(s *sample) string {
		return fmt.Sprintf("%.2f µs per vehicle", float64(s.median().Nanoseconds())/1e3/float64(vehicles))
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	e.Planner.PlanParallel(inputs, c.asOf, 1)
	runtime.ReadMemStats(&m1)
	allocs := float64(m1.Mallocs-m0.Mallocs) / float64(vehicles)
	bytes := float64(m1.TotalAlloc-m0.TotalAlloc) / float64(vehicles)
	return []row{
		{"1. memory: evaluation / scan floor", eval1, floorS, "≤ 3×", fmt.Sprintf("%s (floor %s); %.0f allocs, %.0f B per vehicle",
			perVehicle(eval1), perVehicle(floorS), allocs, bytes)},
		{"   2 workers: evaluation / 1 worker", eval2, eval1, "≤ 0.59× (≥ 1.7× faster)", ""},
		{"   part: the status alone / scan floor", statusS, floorS, "", perVehicle(statusS) + "; Classifier.Status"},
		{"   part: the mileage estimate alone / scan floor", mileageS, floorS, "", perVehicle(mileageS) + "; Policy.EstimateMileage"},
		{"   part: the classification, no plan / scan floor", classifyS, floorS, "", perVehicle(classifyS) +
			"; Classifier.Customer: status, flags, stage, mileage, next service, value"},
	}, nil
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// importTimed imports ds into st and prints how long it took, naming the
// database and its version, which versionQuery gives (databaseVersion).
func importTimed(ctx context.Context, out io.Writer, st *sqlstore.Store, ds *retention.Dataset, database, versionQuery string) error {
	version, err := databaseVersion(ctx, st.DB(), versionQuery)
	if err != nil {
		return err
	}
	n := len(ds.Customers) + len(ds.Vehicles) + len(ds.Visits)
	t0 := time.Now()
	if err := st.Import(ctx, ds); err != nil {
		return err
	}
	d := time.Since(t0)
	fmt.Fprintf(out, "%s %s import: %d rows in %s (%.0f rows/s)\n", database, version, n, round(d), float64(n)/d.Seconds())
	return nil
}

// sqliteOf returns an SQLite store at path holding the network that opts
// generate.
func sqliteOf(ctx context.Context, path string, opts *demo.Options) (*sqlstore.Store, error) {
	s, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	if err := s.Import(ctx, demo.Generate(opts)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// medianPeaks returns the median of each peak over runs.
func medianPeaks(runs []storetest.HeapPeaks) storetest.HeapPeaks {
	var inUse, live, goal []uint64
	var collections []uint32
	for _, r := range runs {
		inUse, live, goal = append(inUse, r.InUse), append(live, r.Live), append(goal, r.Goal)
		collections = append(collections, r.Collections)
	}
	return storetest.HeapPeaks{InUse: median(inUse), Live: median(live), Goal: median(goal), Collections: median(collections)}
}

// storeRows measures the streamed evaluation and the statuses on one store
// of dialect d. When d reads rows natively (Dialect.TextRows), so does the
// store, and its own query is also read bare that way.
func storeRows(ctx context.Context, out io.Writer, name string, s *sqlstore.Store, d sqlstore.Dialect, e *app.Engine,
	c config) ([]row, error) {
	db := s.DB()
	bare := func(what, query string, args ...any) func() (string, error) {
		return func() (string, error) {
			rs, err := db.QueryContext(ctx, query, args...)
			if err != nil {
				return "", err
			}
			defer rs.Close()
			cols, _ := rs.Columns()
			vals := make([]sql.RawBytes, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rs.Next() {
				if err := rs.Scan(ptrs...); err != nil {
					return "", err
				}
			}
			return what, rs.Err()
		}
	}
	streamed := func(workers int) func() (string, error) {
		return func() (string, error) {
			_, _, err := e.StreamPlan(ctx, s, c.asOf, workers, nil)
			return fmt.Sprintf("evaluation streamed, %d worker(s)", workers), err
		}
	}
	// The KPIs on demand, as dcrc report reads them from a store.
	kpis := func() (string, error) {
		_, err := e.StreamReport(ctx, s, c.asOf, 1)
		return "KPIs streamed (dcrc report), 1 worker", err
	}
	cl := e.Planner.Classifier()
	// dcrc's statuses from the store's aggregates (Engine.Statuses) on
	// workers shares (ranges of VINs), each share's into a map of its own
	// (returned with the measurement), as the SQL's go into one.
	byFacts := func(workers int) (func() (string, error), []map[string]retention.Status) {
		parts := make([]map[string]retention.Status, workers)
		for p := range parts {
			parts[p] = map[string]retention.Status{}
		}
		return func() (string, error) {
			for _, m := range parts {
				clear(m)
			}
			err := e.Statuses(ctx, s, c.asOf, workers, func(p int, f *retention.StatusFacts, st retention.Status, _ classify.Rule) error {
				parts[p][f.VIN] = st
				return nil
			})
			return fmt.Sprintf("statuses by dcrc (store facts + classify), %d worker(s)", workers), err
		}, parts
	}
	byFacts1, facts1 := byFacts(1)
	byFacts2, facts2 := byFacts(2)
	historyStatus := map[string]retention.Status{}
	byHistories := func() (string, error) {
		clear(historyStatus)
		for h, err := range s.Histories(ctx, retention.HistoryFilter{}) {
			if err != nil {
				return "", err
			}
			st, _ := cl.Status(&h, c.asOf)
			historyStatus[h.Vehicle.VIN] = st
		}
		return "statuses by dcrc (history stream + classify)", nil
	}
	sqlStatus := map[string]string{}
	bySQL := func() (string, error) {
		clear(sqlStatus)
		rs, err := db.QueryContext(ctx, statusQuery, statusArgs(c.asOf)...)
		if err != nil {
			return "", err
		}
		defer rs.Close()
		for rs.Next() {
			var vin, st string
			if err := rs.Scan(&vin, &st); err != nil {
				return "", err
			}
			sqlStatus[vin] = st
		}
		return "statuses by hand-written SQL", rs.Err()
	}
	ownQuery, ownArgs := s.HistoryQuery(retention.HistoryFilter{})
	fns := []func() (string, error){bare("bare SELECT of the rows", bareQuery), streamed(1), bySQL, byFacts1, byHistories,
		streamed(2), byFacts2, bare("bare SELECT of the store's own history query", ownQuery, ownArgs...), kpis}
	if d.TextRows != nil {
		fns = append(fns, func() (string, error) {
			conn, err := db.Conn(ctx)
			if err != nil {
				return "", err
			}
			defer conn.Close()
			return "bare native read of the store's own history query",
				d.TextRows(ctx, conn, ownQuery, ownArgs, func([][]byte) error { return nil })
		})
	}
	ss, err := interleave(c.repeats, fns...)
	if err != nil {
		return nil, err
	}
	for _, m := range ss {
		m.name = name + ": " + m.name
	}
	bareS, stream1, sqlS, facts1S, historiesS, stream2, facts2S, ownS, kpisS := ss[0], ss[1], ss[2], ss[3], ss[4], ss[5], ss[6], ss[7], ss[8]
	disagree := disagreements(out, name+", store facts", sqlStatus, facts1...) +
		disagreements(out, name+", store facts on 2 workers", sqlStatus, facts2...) +
		disagreements(out, name+", histories", sqlStatus, historyStatus)
	rows := []row{
		{fmt.Sprintf("2. %s: streamed evaluation / bare SELECT", name), stream1, bareS, "≤ 1.3×", "1 worker"},
		{fmt.Sprintf("   %s: streamed on 2 workers / bare SELECT", name), stream2, bareS, "≤ 1.3×", "2 partitions, 2 connections"},
		{fmt.Sprintf("   %s: streamed / bare read of the store's own query", name), stream1, ownS, "≤ 1.3×",
			"1 worker; the store reads each vehicle's columns once, not once per visit"},
		{fmt.Sprintf("3. %s: statuses by dcrc / hand-written SQL", name), facts1S, sqlS, "≤ 1×",
			fmt.Sprintf("%d vehicles, %d disagreements (the three dcrc paths)", len(sqlStatus), disagree)},
		{fmt.Sprintf("   %s: statuses by dcrc on 2 workers / hand-written SQL", name), facts2S, sqlS, "≤ 1×",
			"2 ranges of VINs, 2 connections (Engine.Statuses)"},
		{fmt.Sprintf("   %s: statuses from full histories / SQL", name), historiesS, sqlS, "", "every repair order read"},
		{fmt.Sprintf("   %s: KPIs streamed (dcrc report) / bare SELECT", name), kpisS, bareS, "",
			fmt.Sprintf("1 worker; the plan's pass, the stats, the surveys and complaints; %.2f× the streamed evaluation", kpisS.over(stream1))},
	}
	if d.TextRows != nil {
		nativeS := ss[9]
		rows = slices.Insert(rows, 3, row{fmt.Sprintf("   %s: streamed / native bare read of the store's own query", name),
			stream1, nativeS, "≤ 1.3×", "1 worker; the store reads its streams natively (Dialect.TextRows), not through database/sql"})
	}
	return rows, nil
}

// disagreements counts the vehicles on which dcrc and the SQL disagree (or
// that one of them lacks), printing the first few. dcrc's statuses may come
// in several maps, a share's each.
func disagreements(out io.Writer, what string, sql map[string]string, dcrc ...map[string]retention.Status) int {
	n, vehicles := 0, 0
	for _, part := range dcrc {
		vehicles += len(part)
		for vin, st := range part {
			if sql[vin] != st.String() {
				if n < 5 {
					fmt.Fprintf(out, "  %s disagrees on the status of %s: dcrc %s, SQL %s\n", what, vin, st, sql[vin])
				}
				n++
			}
		}
	}
	return n + abs(len(sql)-vehicles)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// bareQuery reads the rows the streamed evaluation reads, the way a DMS
// reads vehicles with their visits: one join, a row per visit.
const bareQuery = `SELECT v.vin, v.customer, v.model, v.dealer, v.delivered_on, v.delivery_odometer_km,
	v.sales_consultant, v.price, v.purchase, v.scrapped, v.insurance_expires_on, v.inspection_due_on,
	i.id, i.dealer, i.opened_on, i.closed_on, i.odometer_km, i.kind, i.advisor, i.technician, i.complaint_codes, i.amount
FROM vehicles v LEFT JOIN visits i ON i.vin = v.vin ORDER BY v.customer, v.vin, i.opened_on, i.id`

// statusQuery is how a DMS computes POLICY.md §7 statuses in SQL today: one
// GROUP BY over the visits. The window boundaries come in as parameters,
// computed with dcrc's clamped month arithmetic; SQLite's own
// date(…, '-6 months') normalises 2026-08-31 − 6 months to 2026-03-03 and
// would disagree with the policy on month ends.
const statusQuery = `WITH agg AS (
	SELECT v.vin, v.delivered_on, v.scrapped, MAX(i.opened_on) AS last_visit,
	       COUNT(CASE WHEN i.opened_on > $2 THEN 1 END) AS n12
	FROM vehicles v LEFT JOIN visits i ON i.vin = v.vin AND i.opened_on <= $1
	GROUP BY v.vin, v.delivered_on, v.scrapped)
SELECT vin, CASE
	WHEN scrapped THEN 'scrapped'
	WHEN NOT (delivered_on > $2 OR delivered_on > $1 OR (last_visit IS NOT NULL AND last_visit > $2)) THEN 'dormant'
	WHEN delivered_on > $3 THEN 'new'
	WHEN last_visit IS NULL THEN 'lost'
	WHEN last_visit <= $4 THEN 'lost'
	WHEN n12 >= 4 AND last_visit > $3 THEN 'active'
	WHEN n12 <= 2 THEN 'swing'
	ELSE 'regular' END
FROM agg`

// statusArgs are the boundaries of the default policy as of asOf: asOf,
// 12 months back, 4 months back, 6 months back.
func statusArgs(asOf date.Date) []any {
	return []any{asOf.String(), retention.AddMonths(asOf, -12).String(), retention.AddMonths(asOf, -4).String(),
		retention.AddMonths(asOf, -6).String()}
}

// openPostgres opens a store in a new schema, dropped by cleanup.
func openPostgres(ctx context.Context, dsn string) (*sqlstore.Store, func(), error) {
	schema := fmt.Sprintf("dcrc_bench_%d", time.Now().UnixNano())
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, nil, err
	}
	cleanup := func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	scoped := dsn + " search_path=" + schema
	if strings.Contains(dsn, "://") {
		u, err := url.Parse(dsn)
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		scoped = u.String()
	}
	s, err := postgres.Open(ctx, scoped, nil)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return s, func() { s.Close(); cleanup() }, nil
}
