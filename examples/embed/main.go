// Command embed is the smallest program that plans a day with dcrc from a
// DMS's own *sql.DB: dcrc's tables live beside the DMS's in the same
// database, the vehicles stream out by customer, and the plan goes back in,
// idempotently.
//
//	go run ./examples/embed --db dms.sqlite --as-of 2026-11-22
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
)

func main() {
	dbPath := flag.String("db", "dms.sqlite", "the DMS database (SQLite here; PostgreSQL works the same with postgres.Dialect())")
	asOf := flag.String("as-of", "", "the day to plan, YYYY-MM-DD")
	flag.Parse()
	if err := planDay(context.Background(), *dbPath, *asOf, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
}

func planDay(ctx context.Context, dbPath, asOf string, out io.Writer) error {
	day, err := retention.ParseDate(asOf)
	if err != nil {
		return err
	}
	// The vendor's own connection pool: dcrc only adds its tables to it.
	db, err := sql.Open("sqlite", sqlite.DSN(dbPath))
	if err != nil {
		return err
	}
	defer db.Close()
	store, err := sqlstore.New(ctx, db, sqlite.Dialect(), nil)
	if err != nil {
		return err
	}

	models, err := store.Models(ctx)
	if err != nil {
		return err
	}
	policy := retention.DefaultPolicy()
	planner, err := schedule.New(&policy, models, nil)
	if err != nil {
		return err
	}

	// Customers with their vehicles and their contact attempts, both
	// streamed by customer.
	contacts := map[string][]retention.Contact{} // customer → attempts
	for cc, err := range store.CustomerContacts(ctx, retention.HistoryFilter{}) {
		if err != nil {
			return err
		}
		contacts[cc.Customer] = cc.Contacts
	}
	var inputs []classify.CustomerInput
	for h, err := range store.Histories(ctx, retention.HistoryFilter{}) {
		if err != nil {
			return err
		}
		if n := len(inputs); n == 0 || inputs[n-1].Customer.ID != h.Vehicle.Customer {
			c, err := store.Customer(ctx, h.Vehicle.Customer)
			if err != nil {
				return err
			}
			inputs = append(inputs, classify.CustomerInput{Customer: c, Contacts: contacts[c.ID]})
		}
		in := &inputs[len(inputs)-1]
		in.Vehicles = append(in.Vehicles, h)
	}

	plan := planner.Plan(inputs, day)
	added, err := store.SaveTasks(ctx, plan.Tasks)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s: %d tasks, %d new\n", day, len(plan.Tasks), added)
	for _, t := range plan.Tasks {
		fmt.Fprintf(out, "%s\t%s\t%s\t%s\n", t.Owner, t.Channel, t.Key, t.Reason)
	}
	return nil
}
