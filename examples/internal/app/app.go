// Package app is what the example programs share: grouping a dataset into
// customers, the evaluation document of DATASET.md, the KPI report and its
// HTML page, and loading a dataset from a store.
package app

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/rickb777/date"
)

// Group turns a dataset into one classify input per customer with vehicles,
// by customer id, with each customer's contacts in time order (the order
// the stores stream them in; equal times keep the dataset's order).
// Contacts whose task key names no vehicle or customer of the dataset are
// returned as findings.
func Group(ds *retention.Dataset) ([]classify.CustomerInput, []retention.Finding) {
	byCustomer := map[string]*classify.CustomerInput{}
	var order []string
	for i := range ds.Customers {
		c := ds.Customers[i]
		byCustomer[c.ID] = &classify.CustomerInput{Customer: c}
		order = append(order, c.ID)
	}
	index := map[string]int{} // VIN → position in its customer's Vehicles
	owner := map[string]string{}
	for _, v := range ds.Vehicles {
		in := byCustomer[v.Customer]
		if in == nil {
			continue
		}
		index[v.VIN] = len(in.Vehicles)
		owner[v.VIN] = v.Customer
		in.Vehicles = append(in.Vehicles, retention.VehicleHistory{Vehicle: v})
	}
	for _, vi := range ds.Visits {
		if c, ok := owner[vi.VIN]; ok {
			h := &byCustomer[c].Vehicles[index[vi.VIN]]
			h.Visits = append(h.Visits, vi)
		}
	}
	var findings []retention.Finding
	for _, ct := range ds.Contacts {
		subject, ok := retention.TaskSubject(ct.Task)
		cust := owner[subject]
		if cust == "" && byCustomer[subject] != nil {
			cust = subject
		}
		if !ok || cust == "" {
			// Named by content, not position, so that the output does not
			// depend on the order of the records.
			findings = append(findings, retention.Finding{Record: "contacts/" + ct.Task + "@" + ct.At.UTC().Format(time.RFC3339Nano),
				Field: "task", Problem: fmt.Sprintf("task %q names no vehicle or customer of the dataset", ct.Task)})
			continue
		}
		byCustomer[cust].Contacts = append(byCustomer[cust].Contacts, ct)
	}
	slices.Sort(order)
	out := make([]classify.CustomerInput, 0, len(order))
	for _, id := range order {
		if in := byCustomer[id]; len(in.Vehicles) > 0 {
			slices.SortStableFunc(in.Contacts, func(a, b retention.Contact) int { return a.At.Compare(b.At) })
			out = append(out, *in)
		}
	}
	return out, findings
}

// Engine evaluates datasets under one policy, for the whole network or one
// dealer.
type Engine struct {
	Policy  retention.Policy
	Dealer  string
	Planner *schedule.Planner
	Workers int // for the plan; the result is the same for any number

	// SpillBytes is the memory each of a streamed plan's external sorts
	// (StreamPlanTo), and of a report's (StreamReport, Report), holds
	// before it writes to a temporary file, and about what it holds while
	// it reads the file back; 0 means 256 KiB. A
	// dealer's tiers are ranked in memory while that takes at most 16
	// times as much (4 MiB, about 26,000 customers, by default), and with
	// external sorts beyond. TempDir is where those files go; "" means
	// os.TempDir. On Unix a file loses its name as soon as it is created,
	// so a process killed while it plans leaves none behind.
	SpillBytes int
	TempDir    string
}

// NewEngine validates the policy and builds the planner. pAlive, when not
// nil, gives customers' probabilities of being alive (FitChurn).
func NewEngine(policy retention.Policy, models []retention.Model, dealer string, weather []schedule.WeatherEvent,
	pAlive map[string]float64) (*Engine, error) {
	opts := &schedule.Options{Dealer: dealer, Weather: weather}
	if pAlive != nil {
		opts.PAlive = func(c string) (float64, bool) { p, ok := pAlive[c]; return p, ok }
	}
	pl, err := schedule.New(&policy, models, opts)
	if err != nil {
		return nil, err
	}
	return &Engine{Policy: policy, Dealer: dealer, Planner: pl}, nil
}

// inScope reports whether a customer matters to the engine's dealer: one of
// its vehicles was sold by the dealer or visited it.
func (e *Engine) inScope(in *classify.CustomerInput, asOf date.Date) bool {
	if e.Dealer == "" {
		return true
	}
	for _, h := range in.Vehicles {
		if h.Vehicle.Dealer == e.Dealer {
			return true
		}
		for _, v := range h.Visits {
			if v.Dealer == e.Dealer && !v.OpenedOn.After(asOf) {
				return true
			}
		}
	}
	return false
}

// Scope returns the customers of the engine's dealer (all without one).
func (e *Engine) Scope(inputs []classify.CustomerInput, asOf date.Date) []classify.CustomerInput {
	out := inputs[:0:0]
	for i := range inputs {
		if e.inScope(&inputs[i], asOf) {
			out = append(out, inputs[i])
		}
	}
	return out
}

// The evaluation document of DATASET.md. Fields may be added, never renamed.

// Evaluation is what `dcrc evaluate` prints.
type Evaluation struct {
	AsOf         string              `json:"asOf"`
	Dealer       string              `json:"dealer,omitempty"`
	Vehicles     []VehicleOut        `json:"vehicles"`
	Customers    []CustomerOut       `json:"customers"`
	Tasks        []TaskOut           `json:"tasks"`
	Deferred     []DeferredOut       `json:"deferred"`
	StatusCounts map[string]int      `json:"statusCounts"`
	Findings     []retention.Finding `json:"findings"`

	// Plan is the day's plan the tasks come from.
	Plan schedule.Plan `json:"-"`
}

// VehicleOut is a vehicle of the evaluation.
type VehicleOut struct {
	VIN                 string     `json:"vin"`
	Customer            string     `json:"customer"`
	Stage               string     `json:"stage"`
	Status              string     `json:"status"`
	Rule                string     `json:"rule"`
	Reason              string     `json:"reason"`
	Flags               []string   `json:"flags"`
	HomeDealer          string     `json:"homeDealer"`
	DailyKm             float64    `json:"dailyKm"`
	DailyKmBasis        string     `json:"dailyKmBasis"`
	EstimatedOdometerKm int        `json:"estimatedOdometerKm"`
	NextService         ServiceOut `json:"nextService"`
}

// ServiceOut is a vehicle's next maintenance.
type ServiceOut struct {
	DueOn      string `json:"dueOn"`
	DecidedBy  string `json:"decidedBy"`
	OdometerKm int    `json:"odometerKm"`
	First      bool   `json:"first"`
}

// CustomerOut is a customer of the evaluation.
type CustomerOut struct {
	ID     string   `json:"id"`
	Status string   `json:"status"`
	Tier   string   `json:"tier"`
	Flags  []string `json:"flags"`
	PAlive *float64 `json:"pAlive,omitempty"` // with a churn model
}

// TaskOut is a task of the day's plan.
type TaskOut struct {
	Key       string `json:"key"`
	Touch     string `json:"touch"`
	Customer  string `json:"customer"`
	VIN       string `json:"vin"`
	Dealer    string `json:"dealer"`
	Owner     string `json:"owner"`
	Channel   string `json:"channel"`
	Window    string `json:"window,omitempty"`
	Anchor    string `json:"anchor"`
	DueOn     string `json:"dueOn"`
	ExpiresOn string `json:"expiresOn"`
	Priority  int    `json:"priority"`
	Attempts  int    `json:"attempts"`
	Reason    string `json:"reason"`
}

// DeferredOut is a task held back by the frequency cap.
type DeferredOut struct {
	Task   TaskOut `json:"task"`
	Reason string  `json:"reason"`
}

// TaskOf converts a task for output.
func TaskOf(t retention.Task) TaskOut {
	return TaskOut{Key: t.Key, Touch: t.Touch.String(), Customer: t.Customer, VIN: t.VIN, Dealer: t.Dealer,
		Owner: t.Owner.String(), Channel: t.Channel.String(), Window: t.Window, Anchor: t.Anchor.String(),
		DueOn: t.DueOn.String(), ExpiresOn: t.ExpiresOn.String(), Priority: t.Priority, Attempts: t.Attempts, Reason: t.Reason}
}

// Evaluate computes the evaluation of a dataset as of a date. The result
// does not depend on the order of the records.
func (e *Engine) Evaluate(ds *retention.Dataset, asOf date.Date) *Evaluation {
	inputs, findings := Group(ds)
	inputs = e.Scope(inputs, asOf)
	plan := e.Planner.PlanParallel(inputs, asOf, e.Workers)
	ev := &Evaluation{AsOf: asOf.String(), Dealer: e.Dealer, Vehicles: []VehicleOut{}, Customers: []CustomerOut{},
		Tasks: []TaskOut{}, Deferred: []DeferredOut{}, StatusCounts: map[string]int{}, Findings: []retention.Finding{}, Plan: plan}
	for _, s := range retention.Statuses() {
		ev.StatusCounts[s.String()] = 0
	}
	for _, cr := range plan.Customers {
		ev.Customers = append(ev.Customers, CustomerOut{ID: cr.ID, Status: cr.Status.String(), Tier: cr.Tier.String(),
			Flags: cr.Flags.Names(), PAlive: cr.PAlive})
		for _, v := range cr.Vehicles {
			ev.StatusCounts[v.Status.String()]++
			ns := v.NextService
			ev.Vehicles = append(ev.Vehicles, VehicleOut{VIN: v.VIN, Customer: v.Customer, Stage: v.Stage.String(),
				Status: v.Status.String(), Rule: v.Rule.String(), Reason: v.Reason(), Flags: v.Flags.Names(), HomeDealer: v.HomeDealer,
				DailyKm: math.Round(v.Mileage.Rate.DailyKm()*10) / 10, DailyKmBasis: v.Mileage.Basis.String(),
				EstimatedOdometerKm: v.Mileage.OdometerOn(asOf),
				NextService:         ServiceOut{DueOn: ns.DueOn.String(), DecidedBy: ns.DecidedBy.String(), OdometerKm: ns.OdometerKm, First: ns.First}})
			findings = append(findings, v.Mileage.Findings...)
		}
	}
	slices.SortFunc(ev.Vehicles, func(a, b VehicleOut) int { return cmp.Compare(a.VIN, b.VIN) })
	for _, t := range plan.Tasks {
		ev.Tasks = append(ev.Tasks, TaskOf(t))
	}
	for _, d := range plan.Deferred {
		ev.Deferred = append(ev.Deferred, DeferredOut{Task: TaskOf(d.Task), Reason: d.Reason})
	}
	slices.SortFunc(findings, func(a, b retention.Finding) int {
		return cmp.Or(cmp.Compare(a.Record, b.Record), cmp.Compare(a.Field, b.Field), cmp.Compare(a.Problem, b.Problem))
	})
	ev.Findings = append(ev.Findings, findings...)
	return ev
}

// WriteJSON writes the evaluation as indented JSON.
func (ev *Evaluation) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(ev)
}

// StoredTasks reads every task stored in a store (the plans of past days).
func StoredTasks(ctx context.Context, s retention.Store) ([]retention.Task, error) {
	out := []retention.Task{}
	for t, err := range s.Tasks(ctx, retention.TaskFilter{}) {
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Load reads everything from a store into a dataset.
func Load(ctx context.Context, s retention.Store) (*retention.Dataset, error) {
	ds := &retention.Dataset{}
	var err error
	if ds.Dealers, err = s.Dealers(ctx); err != nil {
		return nil, err
	}
	if ds.Models, err = s.Models(ctx); err != nil {
		return nil, err
	}
	for c, err := range s.Customers(ctx) {
		if err != nil {
			return nil, err
		}
		ds.Customers = append(ds.Customers, c)
	}
	for h, err := range s.Histories(ctx, retention.HistoryFilter{}) {
		if err != nil {
			return nil, err
		}
		ds.Vehicles = append(ds.Vehicles, h.Vehicle)
		ds.Visits = append(ds.Visits, h.Visits...)
	}
	for c, err := range s.Contacts(ctx) {
		if err != nil {
			return nil, err
		}
		ds.Contacts = append(ds.Contacts, c)
	}
	for c, err := range s.Complaints(ctx) {
		if err != nil {
			return nil, err
		}
		ds.Complaints = append(ds.Complaints, c)
	}
	for sv, err := range s.Surveys(ctx) {
		if err != nil {
			return nil, err
		}
		ds.Surveys = append(ds.Surveys, sv)
	}
	return ds, nil
}
