package app

import (
	"cmp"
	"context"
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
func (e *Engine) Report(ds *retention.Dataset, asOf date.Date, stored []retention.Task, returnDays int) (*KPIs, error) {
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
	for i := range tasks {
		b.past(&tasks[i])
	}
	plan := e.Planner.Plan(inputs, asOf)
	for i := range inputs { // plan.Customers are by id, as inputs are
		b.customer(&inputs[i], &plan.Customers[i])
	}
	for i := range plan.Tasks {
		b.task(&plan.Tasks[i])
	}
	return b.finish(all(ds.Surveys), all(ds.Complaints))
}

// StreamReport computes the KPIs of a store as of a date, Report's KPIs of
// the same records, in one pass over its histories: the day's plan is
// StreamPlanTo's, and the reminder return rates are those of the tasks the
// store holds (the plans saved on past days).
//
// It holds no vehicle, visit, survey or complaint beyond those
// StreamPlanTo holds. What grows with the network is the ids of the
// customers in scope, each with whether a follow-up call reached it (to
// choose their surveys and complaints), the stored reminders until their
// vehicle has streamed, and the ids of the open and overdue complaints,
// which the KPIs list.
func (e *Engine) StreamReport(ctx context.Context, s retention.Store, asOf date.Date, workers int) (*KPIs, error) {
	b, err := e.newKPIs(asOf)
	if err != nil {
		return nil, err
	}
	for t, err := range s.Tasks(ctx, retention.TaskFilter{}) {
		if err != nil {
			return nil, err
		}
		b.past(&t)
	}
	_, err = e.StreamPlanTo(ctx, s, asOf, workers,
		func(in *classify.CustomerInput, cr *classify.CustomerResult) error { b.customer(in, cr); return nil },
		PlanSink{Task: func(t *retention.Task) error { b.task(t); return nil }})
	if err != nil {
		return nil, err
	}
	// The surveys of the 12 months, read from a day early: finish keeps
	// those whose day, in the zone of their instant (UTC from the SQL
	// stores; any zone is less than a day from it), is from yearAgo on.
	return b.finish(retention.SurveysBetween(ctx, s, b.yearAgo.UTC().Add(-24*time.Hour), b.end), s.Complaints(ctx))
}

// kpis gathers the KPIs: first the tasks of past days whose return rates
// they measure (past), then one customer at a time (customer) and the
// day's tasks one at a time (task), then the surveys and complaints
// (finish). The customers may come in any order.
type kpis struct {
	e       *Engine
	k       *KPIs
	yearAgo date.Date
	end     time.Time // the end of the as-of day

	stats     classify.Stats
	ffv       *satisfaction.FFVStats
	customers map[string]bool // in scope: whether reached by a follow-up call
	returns   *schedule.ReturnStats
	reminders map[string][]reminder // of past days, by VIN, until the vehicle comes
	dealers   map[string]string     // the reminders' dealers, each id held once
	days      []date.Date           // a vehicle's visit days, reused
	owners    map[string]*OwnerWork
}

// newKPIs starts the KPIs as of asOf.
func (e *Engine) newKPIs(asOf date.Date) (*kpis, error) {
	yearAgo := retention.AddDays(retention.AddMonths(asOf, -12), 1)
	ffv, err := satisfaction.NewFFVStats(&e.Policy, &satisfaction.FFVOptions{From: yearAgo, To: asOf})
	if err != nil {
		return nil, err
	}
	return &kpis{e: e, k: &KPIs{AsOf: asOf.String(), Dealer: e.Dealer}, yearAgo: yearAgo,
		end: asOf.UTC().Add(24*time.Hour - time.Nanosecond), ffv: ffv, customers: map[string]bool{},
		returns: e.Planner.NewReturnStats(asOf), reminders: map[string][]reminder{},
		dealers: map[string]string{}, owners: map[string]*OwnerWork{}}, nil
}

// reminder is what the return rates need of a reminder of a past day
// (schedule.ReturnStats.Add), kept by its VIN: a network's plans of many
// days hold many of them.
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
// vehicle are kept (schedule.ReturnStats counts no other), each once: a
// task's key names its vehicle, so a task given twice is among that
// vehicle's.
func (b *kpis) past(t *retention.Task) {
	if !schedule.IsReminder(t.Touch) || t.VIN == "" {
		return
	}
	rs := b.reminders[t.VIN]
	if slices.ContainsFunc(rs, func(r reminder) bool { return r.key == t.Key }) {
		return
	}
	dealer, ok := b.dealers[t.Dealer]
	if !ok {
		dealer = t.Dealer
		b.dealers[dealer] = dealer
	}
	b.reminders[t.VIN] = append(rs, reminder{key: t.Key, dealer: dealer, due: t.DueOn, touch: t.Touch, owner: t.Owner})
}

// remind adds rs, the reminders about vin, to the return rates, given the
// days its repair orders were opened, and forgets them.
func (b *kpis) remind(vin string, rs []reminder, days []date.Date) {
	for _, r := range rs {
		t := r.task(vin)
		b.returns.Add(&t, days)
	}
	delete(b.reminders, vin)
}

// customer adds a customer in scope and its classification.
func (b *kpis) customer(in *classify.CustomerInput, r *classify.CustomerResult) {
	b.stats.Add(r)
	vehicles := make([]retention.Vehicle, len(in.Vehicles))
	for i := range in.Vehicles {
		h := &in.Vehicles[i]
		vehicles[i] = h.Vehicle
		b.ffv.Add(h)
		if rs := b.reminders[h.Vehicle.VIN]; rs != nil {
			b.days = b.days[:0]
			for j := range h.Visits {
				b.days = append(b.days, h.Visits[j].OpenedOn)
			}
			b.remind(h.Vehicle.VIN, rs, b.days)
		}
	}
	// A customer's contacts are those about its vehicles or itself
	// (Group, retention.Logs.CustomerContacts), so with its own vehicles
	// they can reach no one else.
	b.customers[in.Customer.ID] = satisfaction.FollowedUpCustomers(in.Contacts, vehicles)[in.Customer.ID]
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

// finish reads the surveys and complaints, keeping those of the customers
// in scope, and returns the KPIs.
func (b *kpis) finish(surveys iter.Seq2[retention.Survey, error], complaints iter.Seq2[retention.Complaint, error]) (*KPIs, error) {
	k, p := b.k, &b.e.Policy
	k.Status = b.stats.Report()
	k.FFV = b.ffv.Report()
	var ss satisfaction.SurveyStats
	for s, err := range surveys {
		if err != nil {
			return nil, err
		}
		if followed, ok := b.customers[s.Customer]; ok && !s.At.After(b.end) && !date.NewAt(s.At).Before(b.yearAgo) {
			ss.Add(&s, followed)
		}
	}
	k.Surveys = ss.Report()
	k.CSI = ss.CSI(p, nil)
	k.Advisors = ss.AdvisorScores(p, k.FFV)

	cs, err := satisfaction.NewComplaints(p, nil)
	if err != nil {
		return nil, err
	}
	st := cs.NewStats(b.end)
	for c, err := range complaints {
		if err != nil {
			return nil, err
		}
		if _, ok := b.customers[c.Customer]; ok {
			st.Add(&c)
		}
	}
	k.Complaints = st.Report()

	for vin, rs := range b.reminders { // vehicles that did not come: no visits
		b.remind(vin, rs, nil)
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
