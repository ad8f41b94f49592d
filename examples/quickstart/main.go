// Command quickstart is the main job of dcrc: it builds a demo dealership
// network in an embedded SQLite file, runs the daily plan (storing the
// plans of the last 90 days, as a DMS running dcrc every night would have),
// prints today's work list by owner and the headline KPIs, and writes
// report.html, a self-contained page with charts.
//
//	go run ./examples/quickstart [--vehicles 600] [--as-of YYYY-MM-DD] [--db FILE] [--html FILE]
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/examples/internal/app"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vehicles := fs.Int("vehicles", 600, "size of the demo network, in vehicles")
	seed := fs.Uint64("seed", 1, "seed of the demo network")
	asOf := fs.String("as-of", "", "the day to plan, YYYY-MM-DD (default: today)")
	dbPath := fs.String("db", "dcrc-demo.sqlite", "the SQLite file to build (replaced if it exists)")
	htmlPath := fs.String("html", "report.html", "the report page to write")
	history := fs.Int("history", 90, "days of past plans to store before today's")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	day := date.NewAt(time.Now())
	if *asOf != "" {
		var err error
		if day, err = retention.ParseDate(*asOf); err != nil {
			fmt.Fprintf(stderr, "quickstart: --as-of: %v\n", err)
			return 2
		}
	}
	if err := quickstart(stdout, day, *vehicles, *seed, *dbPath, *htmlPath, *history); err != nil {
		fmt.Fprintf(stderr, "quickstart: %v\n", err)
		return 1
	}
	return 0
}

func quickstart(out io.Writer, asOf date.Date, vehicles int, seed uint64, dbPath, htmlPath string, history int) error {
	ctx := context.Background()
	w := bufio.NewWriter(out)
	defer w.Flush()

	// 1. A demo network, imported into a fresh SQLite file.
	ds := demo.Generate(&demo.Options{Vehicles: vehicles, Seed: seed, AsOf: asOf})
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(dbPath + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	store, err := sqlite.Open(ctx, dbPath, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Import(ctx, ds); err != nil {
		return err
	}
	fmt.Fprintf(w, "dcrc quickstart — %d dealers, %d customers, %d vehicles, %d repair orders in %s\n\n",
		len(ds.Dealers), len(ds.Customers), len(ds.Vehicles), len(ds.Visits), dbPath)

	// 2. Read it back and plan: the past days (as if dcrc had run every
	// night), then today. Storing a plan twice stores each task once.
	if ds, err = app.Load(ctx, store); err != nil {
		return err
	}
	e, err := app.NewEngine(retention.DefaultPolicy(), ds.Models, "", nil, nil)
	if err != nil {
		return err
	}
	inputs, _ := app.Group(ds)
	for d := retention.AddDays(asOf, -history); d.Before(asOf); d = retention.AddDays(d, 1) {
		if _, err := store.SaveTasks(ctx, e.Planner.Plan(inputs, d).Tasks); err != nil {
			return err
		}
	}
	today := e.Planner.Plan(inputs, asOf)
	added, err := store.SaveTasks(ctx, today.Tasks)
	if err != nil {
		return err
	}

	// 3. Today's work list, by owner.
	fmt.Fprintf(w, "Today's work list (%s): %d tasks, %d new in the store, %d held back by the 7-day cap\n\n",
		asOf, len(today.Tasks), added, len(today.Deferred))
	app.WriteWorkList(w, today.Tasks, 6)

	// 4. The KPIs, and the page.
	stored, err := app.StoredTasks(ctx, store)
	if err != nil {
		return err
	}
	k, err := e.Report(ds, asOf, stored, history)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	if err := k.WriteText(w); err != nil {
		return err
	}
	f, err := os.Create(htmlPath)
	if err != nil {
		return err
	}
	if err := k.WriteHTML(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nWrote %s — open it in a browser.\n", htmlPath)
	return nil
}
