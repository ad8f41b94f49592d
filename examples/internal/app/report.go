package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/satisfaction"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/rickb777/date"
)

// KPIs are the headline numbers of a network or dealer as of a date.
type KPIs struct {
	AsOf       string                        `json:"asOf"`
	Dealer     string                        `json:"dealer,omitempty"`
	Status     classify.Report               `json:"status"`
	FFV        satisfaction.FFVReport        `json:"ffv"`     // repairs picked up in the 12 months to asOf
	Surveys    satisfaction.SurveyReport     `json:"surveys"` // surveys of the 12 months to asOf
	CSI        satisfaction.CSI              `json:"csi"`
	Advisors   []satisfaction.AdvisorScore   `json:"advisors"`
	Complaints satisfaction.ComplaintSummary `json:"complaints"`
	Returns    schedule.ReturnReport         `json:"returns"`
	WorkList   []OwnerWork                   `json:"workList"`
	TaskCount  int                           `json:"-"` // the day's tasks
}

// OwnerWork is the day's work of one owner role.
type OwnerWork struct {
	Owner   string         `json:"owner"`
	Tasks   int            `json:"tasks"`
	ByTouch map[string]int `json:"byTouch"`
}

// Report computes the KPIs of a dataset as of a date. The reminder return
// rates need the tasks of past days: stored gives them when the plans were
// stored; otherwise the plans of the last returnDays days are recomputed
// from the dataset.
func (e *Engine) Report(ds *retention.Dataset, asOf date.Date, stored []retention.Task, returnDays int) (_ *KPIs, err error) {
	inputs, _ := Group(ds)
	inputs = e.Scope(inputs, asOf)
	tasks := stored
	if tasks == nil {
		tasks = e.pastTasks(inputs, asOf, returnDays)
	}
	b, err := e.newKPIs(asOf)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, b.close()) }()
	for i := range tasks {
		if err := b.past(&tasks[i]); err != nil {
			return nil, err
		}
	}
	plan := e.Planner.Plan(inputs, asOf)
	for i := range inputs { // plan.Customers are by id, as inputs are
		if err := b.customer(&inputs[i], &plan.Customers[i]); err != nil {
			return nil, err
		}
	}
	for i := range plan.Tasks {
		b.task(&plan.Tasks[i])
	}
	return b.finish(context.Background(), all(ds.Surveys), all(ds.Complaints))
}

// StreamReport computes the KPIs of a store as of a date, Report's KPIs of
// the same records, in one pass over its histories: the day's plan is
// StreamPlanTo's, and the reminder return rates are those of the tasks the
// store holds (the plans saved on past days).
//
// Its memory does not grow with the network or its history. It holds no
// vehicle, visit, survey or complaint beyond those StreamPlanTo holds: the
// customers in scope, their vehicles' visit days, the stored reminders,
// and the surveys and complaints go through external sorts
// (Engine.SpillBytes each, the rest in temporary files in Engine.TempDir)
// to be joined at the end. What grows is the KPIs' own lists: the ids of
// the open and overdue complaints.
func (e *Engine) StreamReport(ctx context.Context, s retention.Store, asOf date.Date, workers int) (_ *KPIs, err error) {
	b, err := e.newKPIs(asOf)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, b.close()) }()
	for t, err := range s.Tasks(ctx, retention.TaskFilter{}) {
		if err != nil {
			return nil, err
		}
		if err := b.past(&t); err != nil {
			return nil, err
		}
	}
	_, err = e.StreamPlanTo(ctx, s, asOf, workers, b.customer,
		PlanSink{Task: func(t *retention.Task) error { b.task(t); return nil }})
	if err != nil {
		return nil, err
	}
	// The surveys of the 12 months, read from a day early: finish keeps
	// those whose day, in the zone of their instant (UTC from the SQL
	// stores; any zone is less than a day from it), is from yearAgo on.
	return b.finish(ctx, retention.SurveysBetween(ctx, s, b.yearAgo.UTC().Add(-24*time.Hour), b.end), s.Complaints(ctx))
}

// kpis gathers the KPIs: first the tasks of past days whose return rates
// they measure (past), then one customer at a time (customer) and the
// day's tasks one at a time (task), then the surveys and complaints
// (finish). The customers may come in any order. Close it (close) when
// done.
type kpis struct {
	e       *Engine
	k       *KPIs
	yearAgo date.Date
	end     time.Time // the end of the as-of day

	stats   classify.Stats
	ffv     *satisfaction.FFVStats
	returns *schedule.ReturnStats
	owners  map[string]*OwnerWork
	sp      *reportSpills
}

// newKPIs starts the KPIs as of asOf.
func (e *Engine) newKPIs(asOf date.Date) (*kpis, error) {
	yearAgo := retention.AddDays(retention.AddMonths(asOf, -12), 1)
	ffv, err := satisfaction.NewFFVStats(&e.Policy, &satisfaction.FFVOptions{From: yearAgo, To: asOf})
	if err != nil {
		return nil, err
	}
	return &kpis{e: e, k: &KPIs{AsOf: asOf.String(), Dealer: e.Dealer}, yearAgo: yearAgo,
		end: asOf.UTC().Add(24*time.Hour - time.Nanosecond), ffv: ffv,
		returns: e.Planner.NewReturnStats(asOf), owners: map[string]*OwnerWork{}, sp: e.newReportSpills()}, nil
}

// close removes the files of the builder's external sorts.
func (b *kpis) close() error { return b.sp.close() }

// reminder is what the return rates need of a reminder of a past day
// (schedule.ReturnStats.Add).
type reminder struct {
	key    string
	dealer string
	due    date.Date
	touch  retention.Touch
	owner  retention.Role
}

// task returns r as a task about vin.
func (r *reminder) task(vin string) retention.Task {
	return retention.Task{Key: r.key, Touch: r.touch, VIN: vin, Dealer: r.dealer, Owner: r.owner, DueOn: r.due}
}

// past adds a task of a past day's plan. Only the reminders about a
// vehicle are kept (schedule.ReturnStats counts no other).
func (b *kpis) past(t *retention.Task) error {
	if !schedule.IsReminder(t.Touch) || t.VIN == "" {
		return nil
	}
	return b.sp.reminders.Add(pastReminder{vin: t.VIN, r: reminder{key: t.Key, dealer: t.Dealer, due: t.DueOn, touch: t.Touch, owner: t.Owner}})
}

// customer adds a customer in scope and its classification.
func (b *kpis) customer(in *classify.CustomerInput, r *classify.CustomerResult) error {
	b.stats.Add(r)
	for i := range in.Vehicles {
		h := &in.Vehicles[i]
		b.ffv.Add(h)
		if b.sp.reminders.Len() == 0 {
			continue // no reminder to join the vehicle to: past came first
		}
		v := vehicleDays{vin: h.Vehicle.VIN, days: make([]date.Date, len(h.Visits))}
		for j := range h.Visits {
			v.days[j] = h.Visits[j].OpenedOn
		}
		if err := b.sp.vehicles.Add(v); err != nil {
			return err
		}
	}
	// A customer's contacts are those about its vehicles or itself
	// (Group, retention.Logs.CustomerContacts), so with its own vehicles
	// they can reach no one else.
	return b.sp.customers.Add(scoped{id: in.Customer.ID, followed: satisfaction.FollowedUpCustomers(in.Contacts, vehiclesOf(in))[in.Customer.ID]})
}

// vehiclesOf returns the vehicles of a customer's histories.
func vehiclesOf(in *classify.CustomerInput) []retention.Vehicle {
	out := make([]retention.Vehicle, len(in.Vehicles))
	for i := range in.Vehicles {
		out[i] = in.Vehicles[i].Vehicle
	}
	return out
}

// task adds a task of the day's plan, in the plan's order.
func (b *kpis) task(t *retention.Task) {
	o := b.owners[t.Owner.String()]
	if o == nil {
		o = &OwnerWork{Owner: t.Owner.String(), ByTouch: map[string]int{}}
		b.owners[o.Owner] = o
	}
	o.Tasks++
	o.ByTouch[t.Touch.String()]++
	b.k.TaskCount++
}

// finish reads the surveys and complaints, joins them to the customers in
// scope and the stored reminders to the vehicles in scope, and returns the
// KPIs.
func (b *kpis) finish(ctx context.Context, surveys iter.Seq2[retention.Survey, error], complaints iter.Seq2[retention.Complaint, error]) (*KPIs, error) {
	k, p := b.k, &b.e.Policy
	k.Status = b.stats.Report()
	k.FFV = b.ffv.Report()
	for s, err := range surveys {
		if err != nil {
			return nil, err
		}
		if !s.At.After(b.end) && !date.NewAt(s.At).Before(b.yearAgo) {
			if err := b.sp.surveys.Add(s); err != nil {
				return nil, err
			}
		}
	}
	for c, err := range complaints {
		if err != nil {
			return nil, err
		}
		if err := b.sp.complaints.Add(c); err != nil {
			return nil, err
		}
	}
	cs, err := satisfaction.NewComplaints(p, nil)
	if err != nil {
		return nil, err
	}

	// The surveys and complaints of the customers in scope.
	var ss satisfaction.SurveyStats
	st := cs.NewStats(b.end)
	svs := pull(b.sp.surveys.All(ctx), func(s *retention.Survey) string { return s.Customer })
	defer svs.stop()
	cps := pull(b.sp.complaints.All(ctx), func(c *retention.Complaint) string { return c.Customer })
	defer cps.stop()
	var followed bool
	survey, complaint := func(s *retention.Survey) { ss.Add(s, followed) }, st.Add
	for c, err := range b.sp.customers.All(ctx) {
		if err != nil {
			return nil, err
		}
		followed = c.followed
		if err := errors.Join(svs.to(c.id, nil, survey), cps.to(c.id, nil, complaint)); err != nil {
			return nil, err
		}
	}
	if err := errors.Join(svs.rest(nil), cps.rest(nil)); err != nil {
		return nil, err
	}
	k.Surveys = ss.Report()
	k.CSI = ss.CSI(p, nil)
	k.Advisors = ss.AdvisorScores(p, k.FFV)
	k.Complaints = st.Report()

	// The stored reminders, each once, with the visit days of their
	// vehicle; a vehicle that did not come has none.
	rms := pull(b.sp.reminders.All(ctx), func(r *pastReminder) string { return r.vin })
	defer rms.stop()
	var days []date.Date // of the vehicle at hand
	var vin, key string  // the reminder counted last
	remind := func(r *pastReminder, days []date.Date) {
		if r.vin == vin && r.r.key == key {
			return // given twice
		}
		vin, key = r.vin, r.r.key
		t := r.r.task(r.vin)
		b.returns.Add(&t, days)
	}
	notCome := func(r *pastReminder) { remind(r, nil) }
	came := func(r *pastReminder) { remind(r, days) }
	for v, err := range b.sp.vehicles.All(ctx) {
		if err != nil {
			return nil, err
		}
		days = v.days
		if err := rms.to(v.vin, notCome, came); err != nil {
			return nil, err
		}
	}
	if err := rms.rest(notCome); err != nil {
		return nil, err
	}
	k.Returns = b.returns.Report()
	for _, name := range slices.Sorted(maps.Keys(b.owners)) {
		k.WorkList = append(k.WorkList, *b.owners[name])
	}
	return k, nil
}

// pastTasks recomputes the reminder tasks of the days before asOf, as a DMS
// that ran the plan every day would have stored them.
func (e *Engine) pastTasks(inputs []classify.CustomerInput, asOf date.Date, days int) []retention.Task {
	seen := map[string]bool{}
	var out []retention.Task
	for d := retention.AddDays(asOf, -days); !d.After(asOf); d = retention.AddDays(d, 1) {
		for _, t := range e.Planner.Plan(inputs, d).Tasks {
			if schedule.IsReminder(t.Touch) && !seen[t.Key] {
				seen[t.Key] = true
				out = append(out, t)
			}
		}
	}
	return out
}

func pct(r retention.Ratio) string {
	d, ok := r.Decimal(3)
	if !ok {
		return "n/a"
	}
	return d.Shift(2).StringFixed(1) + "%"
}

// WriteText prints the KPIs for people.
func (k *KPIs) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }
	scope := "the whole network"
	if k.Dealer != "" {
		scope = "dealer " + k.Dealer
	}
	p("KPIs of %s as of %s\n\n", scope, k.AsOf)
	s := &k.Status
	p("Customers\t%d (with contact data %d, retained %d, effective %d)\n", s.Customers, s.TotalCustomers, s.RetainedCustomers, s.EffectiveCustomers)
	p("Vehicles\t%d\n", s.Vehicles)
	var parts []string
	for _, sc := range s.VehicleStatus {
		parts = append(parts, fmt.Sprintf("%s %d (%s%%)", sc.Status, sc.Count, sc.Share.Shift(2).StringFixed(1)))
	}
	p("Status\t%s\n", strings.Join(parts, ", "))
	p("Hold rate\t%s\t(%s visited 13-24 months ago and again in the last 12)\n", pct(s.HoldRate), s.HoldRate)
	p("Win-back rate\t%s\t(%s lost a year ago and back since)\n", pct(s.WinBackRate), s.WinBackRate)
	p("First-year return\t%s\t(%s delivered 13-24 months ago, serviced in their first year)\n", pct(s.FirstYearReturnRate), s.FirstYearReturnRate)
	p("First-time fix (FFV)\t%s\t(%s repairs of the last 12 months without a comeback)\n", pct(k.FFV.All.FFV), k.FFV.All.FFV)
	mean := "n/a"
	if m, ok := k.Surveys.All.Mean.Decimal(2); ok {
		mean = m.StringFixed(2)
	}
	with, without := "n/a", "n/a"
	if m, ok := k.Surveys.FollowedUp.Mean.Decimal(2); ok {
		with = m.StringFixed(2)
	}
	if m, ok := k.Surveys.NotFollowedUp.Mean.Decimal(2); ok {
		without = m.StringFixed(2)
	}
	p("Satisfaction S\t%s\t(with follow-up calls %s, without %s; 5s %s)\n", mean, with, without, pct(k.Surveys.All.Fives))
	csi := "n/a"
	if k.CSI.Index != nil {
		csi = k.CSI.Index.StringFixed(1)
	}
	nps := "n/a"
	if n, ok := k.Surveys.NPS.Score(); ok {
		nps = n.StringFixed(1)
	}
	p("CSI / NPS\t%s / %s\n", csi, nps)
	p("Complaints within SLA\t%s\t(%s; %d breached, %d open and overdue)\n", pct(k.Complaints.WithinSLA), k.Complaints.WithinSLA,
		k.Complaints.Breached, len(k.Complaints.Overdue))
	p("Reminder return rate\t%s\t(%s reminders followed by a visit within the window)\n", pct(k.Returns.All), k.Returns.All)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nLoss by service advisor of the last visit (lost / effective vehicles):\n")
	rows := slices.Clone(k.Status.LostByAdvisor)
	slices.SortStableFunc(rows, func(a, b classify.Group) int { return cmp.Compare(b.Lost.Num, a.Lost.Num) })
	for i, g := range rows {
		if i == 8 {
			fmt.Fprintf(w, "  … %d more\n", len(rows)-8)
			break
		}
		name := g.Key
		if name == "" {
			name = "(never visited)"
		}
		fmt.Fprintf(w, "  %-16s %4d / %-4d %6s\n", name, g.Lost.Num, g.Lost.Den, pct(g.Lost))
	}
	return nil
}

// all yields the values of xs as a store's stream does, without an error.
func all[T any](xs []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, x := range xs {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// WriteWorkList writes the tasks grouped by owner, at most limit per owner.
func WriteWorkList(w io.Writer, tasks []retention.Task, limit int) {
	byOwner := map[retention.Role][]retention.Task{}
	for _, t := range tasks {
		byOwner[t.Owner] = append(byOwner[t.Owner], t)
	}
	for _, owner := range slices.Sorted(maps.Keys(byOwner)) {
		ts := byOwner[owner]
		writeOwnerList(w, owner, len(ts), all(ts), limit) // a slice yields no error
	}
}

// WriteWorkList writes the plan's tasks as the function WriteWorkList
// does, reading the plan's file once per owner.
func (p *SavedPlan) WriteWorkList(w io.Writer, limit int) error {
	for _, owner := range p.Owners() {
		if err := writeOwnerList(w, owner, p.OwnerLen(owner), p.OwnerTasks(owner), limit); err != nil {
			return err
		}
	}
	return nil
}

// writeOwnerList writes the n tasks of owner, at most limit of them.
func writeOwnerList(w io.Writer, owner retention.Role, n int, tasks iter.Seq2[retention.Task, error], limit int) error {
	fmt.Fprintf(w, "%s — %d tasks\n", owner, n)
	i := 0
	for t, err := range tasks {
		if err != nil {
			return err
		}
		if i == limit {
			fmt.Fprintf(w, "    … %d more\n", n-limit)
			break
		}
		i++
		subject := t.VIN
		if subject == "" {
			subject = t.Customer
		}
		fmt.Fprintf(w, "  P%d %-19s %-5s %-11s %-18s due %s  %s\n", t.Priority, t.Touch, t.Channel, t.Window, subject, t.DueOn, t.Reason)
	}
	return nil
}
