package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/dcrc-go/dcrc/adapters/sqlstore"
	"github.com/dcrc-go/dcrc/adapters/sqlstore/postgres"
	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/classify/churn"
	"github.com/dcrc-go/dcrc/examples/internal/app"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

const (
	exitOK    = 0
	exitFail  = 1
	exitInput = 2
)

const usage = `dcrc applies the after-sales retention policy to a dealer's data.

Usage:
  dcrc evaluate --data dataset.json --as-of DATE [--dealer ID]
  dcrc import   --data dataset.json (--sqlite FILE | --postgres DSN)
  dcrc plan     (--sqlite FILE | --postgres DSN) --as-of DATE [--dealer ID] [--format table|csv|json] [--workers N]
  dcrc report   (--data FILE | --sqlite FILE | --postgres DSN) --as-of DATE [--dealer ID] [--format text|json|html] [--workers N]
  dcrc churn    --events events.csv --calibration-end DATE --unit week|day [--model bg-nbd|pareto-nbd] [--horizon N]

Run "dcrc COMMAND --help" for the flags of a command.
`

// inputError marks errors of the caller's input: exit status 2.
type inputError struct{ err error }

// Error returns the message of the wrapped error.
func (e inputError) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e inputError) Unwrap() error { return e.err }

func bad(format string, args ...any) error { return inputError{fmt.Errorf(format, args...)} }

// run is the command, for main and for tests.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitInput
	}
	var err error
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "evaluate":
		err = evaluate(args[1:], stdout)
	case "import":
		err = importCmd(args[1:], stdout)
	case "plan":
		err = plan(args[1:], stdout)
	case "report":
		err = report(args[1:], stdout)
	case "churn":
		err = churnCmd(args[1:], stdout)
	default:
		fmt.Fprintf(stderr, "dcrc: unknown command %q\n\n%s", args[0], usage)
		return exitInput
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, new(inputError)) || errors.Is(err, retention.ErrInvalid):
		fmt.Fprintf(stderr, "dcrc %s: %v\n", args[0], err)
		return exitInput
	default:
		fmt.Fprintf(stderr, "dcrc %s: %v\n", args[0], err)
		return exitFail
	}
}

// command is a subcommand's flag set: --help prints its usage to stdout;
// a bad flag is an input error, reported on stderr by run.
type command struct {
	fs       *flag.FlagSet
	synopsis string
	stdout   io.Writer
}

func newCommand(name, synopsis string, stdout io.Writer) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &command{fs: fs, synopsis: synopsis, stdout: stdout}
}

func (c *command) parse(args []string) error {
	if err := c.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(c.stdout, "Usage: dcrc %s\n\n", c.synopsis)
			c.fs.SetOutput(c.stdout)
			c.fs.PrintDefaults()
			return err
		}
		return bad("%v (see dcrc %s --help)", err, c.fs.Name())
	}
	if c.fs.NArg() > 0 {
		return bad("unexpected arguments %q", c.fs.Args())
	}
	return nil
}

// oneOf checks that a flag's value is one of the allowed ones.
func oneOf(name, value string, allowed ...string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	return bad("--%s: %q is not one of %s", name, value, strings.Join(allowed, ", "))
}

func asOfFlag(s string) (date.Date, error) {
	if s == "" {
		return date.Date{}, bad("--as-of is required")
	}
	d, err := retention.ParseDate(s)
	if err != nil {
		return date.Date{}, bad("--as-of: %v", err)
	}
	return d, nil
}

// openInput opens the file at path, or standard input for "-"; flag names
// the flag for the error when path is empty.
func openInput(path, flag string) (io.ReadCloser, error) {
	switch path {
	case "":
		return nil, bad("--%s is required", flag)
	case "-":
		return io.NopCloser(os.Stdin), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, inputError{err}
	}
	return f, nil
}

func readDataset(path string) (*retention.Dataset, error) {
	r, err := openInput(path, "data")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	ds, err := retention.DecodeDataset(bufio.NewReader(r))
	if err != nil {
		return nil, inputError{err}
	}
	return ds, nil
}

func evaluate(args []string, stdout io.Writer) error {
	c := newCommand("evaluate", "evaluate --data dataset.json --as-of DATE [--dealer ID] [--holidays DATE,…] [--weather REGION:DATE:WHAT]… [--first-owner-programme] [--churn bg-nbd|pareto-nbd [--churn-below P]]", stdout)
	fs := c.fs
	data := fs.String("data", "", "the dataset, in the JSON format of DATASET.md (- for standard input)")
	asOf := fs.String("as-of", "", "the date to evaluate as of, YYYY-MM-DD")
	dealer := fs.String("dealer", "", "evaluate for one dealer: its vehicles and customers, visits counted at it only")
	pf := addPolicyFlags(fs)
	churnModel := fs.String("churn", "", "fit a churn model (bg-nbd or pareto-nbd) on the deliveries and visits up to --as-of: customers get pAlive, recalls are ordered by it")
	churnBelow := fs.String("churn-below", "0", "with --churn: flag effective customers whose pAlive is below this churn-risk")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "workers to plan with (the output is the same for any number)")
	if err := c.parse(args); err != nil {
		return err
	}
	day, err := asOfFlag(*asOf)
	if err != nil {
		return err
	}
	policy, weather, err := pf.policy()
	if err != nil {
		return err
	}
	if policy.Status.ChurnPAliveBelow, err = decimal.NewFromString(*churnBelow); err != nil {
		return bad("--churn-below: %v", err)
	}
	ds, err := readDataset(*data)
	if err != nil {
		return err
	}
	if *dealer != "" && !hasDealer(ds, *dealer) {
		return bad("--dealer: no dealer %q in the dataset", *dealer)
	}
	var pAlive map[string]float64
	if *churnModel != "" {
		m, err := churn.ParseModel(*churnModel)
		if err != nil {
			return inputError{err}
		}
		if pAlive, _, err = app.FitChurn(ds, day, m); err != nil {
			return err
		}
	}
	e, err := app.NewEngine(policy, ds.Models, *dealer, weather, pAlive)
	if err != nil {
		return err
	}
	e.Workers = *workers
	w := bufio.NewWriter(stdout)
	if err := e.Evaluate(ds, day).WriteJSON(w); err != nil {
		return err
	}
	return w.Flush()
}

// policyFlags are the parts of the policy the caller supplies (POLICY.md §6).
type policyFlags struct {
	holidays  *string
	weather   *weatherFlag
	knowledge *bool
}

// weatherFlag collects --weather REGION:DATE:WHAT events.
type weatherFlag []schedule.WeatherEvent

// String implements flag.Value.
func (w *weatherFlag) String() string { return fmt.Sprint(len(*w), " events") }

// Set implements flag.Value: it adds one event.
func (w *weatherFlag) Set(v string) error {
	parts := strings.SplitN(v, ":", 3)
	if len(parts) < 2 || parts[0] == "" {
		return fmt.Errorf("want REGION:DATE[:WHAT], got %q", v)
	}
	on, err := retention.ParseDate(parts[1])
	if err != nil {
		return err
	}
	ev := schedule.WeatherEvent{Region: parts[0], On: on}
	if len(parts) == 3 {
		ev.What = parts[2]
	}
	*w = append(*w, ev)
	return nil
}

func addPolicyFlags(fs *flag.FlagSet) policyFlags {
	pf := policyFlags{holidays: fs.String("holidays", "", "the holiday calendar: dates YYYY-MM-DD separated by commas"),
		weather:   &weatherFlag{},
		knowledge: fs.Bool("first-owner-programme", false, "run the optional weekly first-owner knowledge programme")}
	fs.Var(pf.weather, "weather", "a weather event REGION:DATE[:WHAT] (repeatable)")
	return pf
}

func (pf policyFlags) policy() (retention.Policy, []schedule.WeatherEvent, error) {
	p := retention.DefaultPolicy()
	p.Care.FirstOwnerKnowledge = *pf.knowledge
	if *pf.holidays != "" {
		for _, s := range strings.Split(*pf.holidays, ",") {
			d, err := retention.ParseDate(strings.TrimSpace(s))
			if err != nil {
				return p, nil, bad("--holidays: %v", err)
			}
			p.Care.Holidays = append(p.Care.Holidays, d)
		}
	}
	return p, *pf.weather, nil
}

func hasDealer(ds *retention.Dataset, id string) bool {
	for _, d := range ds.Dealers {
		if d.ID == id {
			return true
		}
	}
	return false
}

// storeFlags adds --sqlite and --postgres.
type storeFlags struct{ sqlite, postgres *string }

func addStoreFlags(fs *flag.FlagSet) storeFlags {
	return storeFlags{
		sqlite:   fs.String("sqlite", "", "an SQLite database file (created if missing)"),
		postgres: fs.String("postgres", "", "a PostgreSQL DSN, e.g. postgres://user@host:5432/db"),
	}
}

func (f storeFlags) set() bool { return *f.sqlite != "" || *f.postgres != "" }

// engine opens the store and makes an engine of the default policy for
// its models and dealer ("" for the network); the caller closes the store.
func (f storeFlags) engine(ctx context.Context, dealer string) (*sqlstore.Store, *app.Engine, error) {
	s, err := f.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	models, err := s.Models(ctx)
	if err == nil {
		var e *app.Engine
		if e, err = app.NewEngine(retention.DefaultPolicy(), models, dealer, nil, nil); err == nil {
			return s, e, nil
		}
	}
	s.Close()
	return nil, nil, err
}

func (f storeFlags) open(ctx context.Context) (*sqlstore.Store, error) {
	switch {
	case *f.sqlite != "" && *f.postgres != "":
		return nil, bad("give one of --sqlite and --postgres")
	case *f.sqlite != "":
		return sqlite.Open(ctx, *f.sqlite, nil)
	case *f.postgres != "":
		return postgres.Open(ctx, *f.postgres, nil)
	}
	return nil, bad("--sqlite FILE or --postgres DSN is required")
}

func importCmd(args []string, stdout io.Writer) error {
	c := newCommand("import", "import --data dataset.json (--sqlite FILE | --postgres DSN)", stdout)
	fs := c.fs
	data := fs.String("data", "", "the dataset, in the JSON format of DATASET.md (- for standard input)")
	sf := addStoreFlags(fs)
	if err := c.parse(args); err != nil {
		return err
	}
	ds, err := readDataset(*data)
	if err != nil {
		return err
	}
	ctx := context.Background()
	s, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Import(ctx, ds); err != nil {
		if retention.ErrorKind(err) == retention.ErrConflict {
			return inputError{err}
		}
		return err
	}
	fmt.Fprintf(stdout, "imported %d dealers, %d models, %d customers, %d vehicles, %d visits, %d contacts, %d complaints, %d surveys\n",
		len(ds.Dealers), len(ds.Models), len(ds.Customers), len(ds.Vehicles), len(ds.Visits), len(ds.Contacts),
		len(ds.Complaints), len(ds.Surveys))
	return nil
}

func plan(args []string, stdout io.Writer) error {
	c := newCommand("plan", "plan (--sqlite FILE | --postgres DSN) --as-of DATE [--dealer ID] [--format table|csv|json] [--workers N]", stdout)
	fs := c.fs
	sf := addStoreFlags(fs)
	asOf := fs.String("as-of", "", "the day to plan, YYYY-MM-DD")
	dealer := fs.String("dealer", "", "plan the work of one dealer")
	format := fs.String("format", "table", "table (for people), csv (for a call centre) or json")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "partitions of the customers streamed at once (the plan is the same for any number)")
	if err := c.parse(args); err != nil {
		return err
	}
	day, err := asOfFlag(*asOf)
	if err != nil {
		return err
	}
	if err := oneOf("format", *format, "table", "csv", "json"); err != nil {
		return err
	}
	ctx := context.Background()
	s, e, err := sf.engine(ctx, *dealer)
	if err != nil {
		return err
	}
	defer s.Close()
	// One streamed pass over the store on *workers partitions, saved as it
	// comes in one transaction: the memory holds the external sorts'
	// buffers, not the store, a dealer's ranking nor the day's tasks, which
	// wait in a temporary file to be printed once saved.
	p, err := e.SavePlan(ctx, s, day, *workers)
	if err != nil {
		return err
	}
	defer p.Close()
	w := bufio.NewWriter(stdout)
	switch *format {
	case "json":
		err = writeJSONArray(w, p.Tasks())
	case "csv":
		err = writeCSV(w, p.Tasks())
	default:
		fmt.Fprintf(w, "Plan of %s: %d tasks (%d new in the store)\n\n", day, p.Len(), p.Added)
		err = p.WriteWorkList(w, 1<<30)
	}
	if err != nil {
		return err
	}
	return errors.Join(w.Flush(), p.Close())
}

// writeJSONArray writes the tasks as an indented JSON array of
// app.TaskOut, as a json.Encoder indenting by two spaces writes a slice of
// them, one task at a time.
func writeJSONArray(w io.Writer, tasks iter.Seq2[retention.Task, error]) error {
	sep := "["
	for t, err := range tasks {
		if err != nil {
			return err
		}
		b, err := json.MarshalIndent(app.TaskOf(t), "  ", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%s\n  %s", sep, b); err != nil {
			return err
		}
		sep = ","
	}
	if sep == "[" {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	_, err := io.WriteString(w, "\n]\n")
	return err
}

// writeCSV writes the tasks as the rows of a CSV file for a call centre,
// under a header.
func writeCSV(w io.Writer, tasks iter.Seq2[retention.Task, error]) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"key", "touch", "customer", "vin", "dealer", "owner", "channel", "window", "due_on", "expires_on",
		"priority", "attempts", "reason"})
	for x, err := range tasks {
		if err != nil {
			return err
		}
		t := app.TaskOf(x)
		cw.Write([]string{t.Key, t.Touch, t.Customer, t.VIN, t.Dealer, t.Owner, t.Channel, t.Window, t.DueOn, t.ExpiresOn,
			strconv.Itoa(t.Priority), strconv.Itoa(t.Attempts), t.Reason})
	}
	cw.Flush()
	return cw.Error()
}

func report(args []string, stdout io.Writer) error {
	c := newCommand("report", "report (--data FILE | --sqlite FILE | --postgres DSN) --as-of DATE [--dealer ID] [--format text|json|html] [--workers N]", stdout)
	fs := c.fs
	data := fs.String("data", "", "a dataset in the JSON format of DATASET.md, instead of a database")
	sf := addStoreFlags(fs)
	asOf := fs.String("as-of", "", "the date of the report, YYYY-MM-DD")
	dealer := fs.String("dealer", "", "report on one dealer")
	format := fs.String("format", "text", "text, json or html (a page with charts)")
	returnDays := fs.Int("return-days", 90, "with --data: the days of past plans to measure reminder return rates on")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "with a database: partitions of the customers streamed at once (the report is the same for any number)")
	if err := c.parse(args); err != nil {
		return err
	}
	day, err := asOfFlag(*asOf)
	if err != nil {
		return err
	}
	if err := oneOf("format", *format, "text", "json", "html"); err != nil {
		return err
	}
	if (*data != "") == sf.set() {
		return bad("give one of --data, --sqlite and --postgres")
	}
	var k *app.KPIs
	if *data != "" {
		ds, err := readDataset(*data)
		if err != nil {
			return err
		}
		e, err := app.NewEngine(retention.DefaultPolicy(), ds.Models, *dealer, nil, nil)
		if err != nil {
			return err
		}
		if k, err = e.Report(ds, day, nil, *returnDays); err != nil {
			return err
		}
	} else {
		// One streamed pass over the store, as the plan's: the memory does
		// not hold the vehicles and their visits. The return rates are
		// those of the plans stored (dcrc plan saves each day's).
		ctx := context.Background()
		s, e, err := sf.engine(ctx, *dealer)
		if err != nil {
			return err
		}
		defer s.Close()
		if k, err = e.StreamReport(ctx, s, day, *workers); err != nil {
			return err
		}
	}
	w := bufio.NewWriter(stdout)
	switch *format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		err = enc.Encode(k)
	case "html":
		err = k.WriteHTML(w)
	default:
		err = k.WriteText(w)
	}
	if err != nil {
		return err
	}
	return w.Flush()
}
