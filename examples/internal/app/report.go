package app

import (
	"cmp"
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
	AsOf       string                      `json:"asOf"`
	Dealer     string                      `json:"dealer,omitempty"`
	Status     classify.Report             `json:"status"`
	FFV        satisfaction.FFVReport      `json:"ffv"`     // repairs picked up in the 12 months to asOf
	Surveys    satisfaction.SurveyReport   `json:"surveys"` // surveys of the 12 months to asOf
	CSI        satisfaction.CSI            `json:"csi"`
	Advisors   []satisfaction.AdvisorScore `json:"advisors"`
	Complaints ComplaintSummary            `json:"complaints"`
	Returns    schedule.ReturnReport       `json:"returns"`
	WorkList   []OwnerWork                 `json:"workList"`
	Tasks      []retention.Task            `json:"-"`
}

// ComplaintSummary is the complaint handling as of the end of asOf.
type ComplaintSummary struct {
	Total      int                    `json:"total"`
	WithinSLA  retention.Ratio        `json:"withinSLA"`
	Breached   int                    `json:"breached"`
	Overdue    []string               `json:"overdue"`
	ByCategory []satisfaction.HotSpot `json:"byCategory"`
	BySource   []satisfaction.HotSpot `json:"bySource"`
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
	plan := e.Planner.Plan(inputs, asOf)
	k := &KPIs{AsOf: asOf.String(), Dealer: e.Dealer, Tasks: plan.Tasks}

	var stats classify.Stats
	for i := range plan.Customers {
		stats.Add(&plan.Customers[i])
	}
	k.Status = stats.Report()

	yearAgo := retention.AddDays(retention.AddMonths(asOf, -12), 1)
	ffv, err := satisfaction.NewFFVStats(&e.Policy, &satisfaction.FFVOptions{From: yearAgo, To: asOf})
	if err != nil {
		return nil, err
	}
	var vehicles []retention.Vehicle
	customers := map[string]bool{}
	var visits []retention.Visit
	for i := range inputs {
		customers[inputs[i].Customer.ID] = true
		for j := range inputs[i].Vehicles {
			h := &inputs[i].Vehicles[j]
			ffv.Add(h)
			vehicles = append(vehicles, h.Vehicle)
			visits = append(visits, h.Visits...)
		}
	}
	k.FFV = ffv.Report()

	end := asOf.UTC().Add(24*time.Hour - time.Nanosecond)
	var surveys []retention.Survey
	var contacts []retention.Contact
	for i := range inputs {
		contacts = append(contacts, inputs[i].Contacts...)
	}
	followed := satisfaction.FollowedUpCustomers(contacts, vehicles)
	var ss satisfaction.SurveyStats
	for _, s := range ds.Surveys {
		if customers[s.Customer] && !s.At.After(end) && !date.NewAt(s.At).Before(yearAgo) {
			surveys = append(surveys, s)
			ss.Add(&s, followed[s.Customer])
		}
	}
	k.Surveys = ss.Report()
	k.CSI = satisfaction.ComputeCSI(&e.Policy, surveys, nil)
	k.Advisors = satisfaction.AdvisorScores(&e.Policy, k.FFV, surveys)

	cs, err := satisfaction.NewComplaints(&e.Policy, nil)
	if err != nil {
		return nil, err
	}
	var complaints []retention.Complaint
	for _, c := range ds.Complaints {
		if customers[c.Customer] {
			complaints = append(complaints, c)
		}
	}
	cr := cs.Report(complaints, end)
	k.Complaints = ComplaintSummary{Total: len(cr.SLAs), WithinSLA: cr.WithinSLA, Breached: len(cr.Breached),
		Overdue: cr.Overdue, ByCategory: cr.ByCategory, BySource: cr.BySource}

	tasks := stored
	if tasks == nil {
		tasks = e.pastTasks(inputs, asOf, returnDays)
	}
	k.Returns = e.Planner.ReturnRates(tasks, visits, asOf)

	owners := map[string]*OwnerWork{}
	for _, t := range plan.Tasks {
		o := owners[t.Owner.String()]
		if o == nil {
			o = &OwnerWork{Owner: t.Owner.String(), ByTouch: map[string]int{}}
			owners[o.Owner] = o
		}
		o.Tasks++
		o.ByTouch[t.Touch.String()]++
	}
	for _, name := range slices.Sorted(maps.Keys(owners)) {
		k.WorkList = append(k.WorkList, *owners[name])
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

// WriteWorkList writes the tasks grouped by owner, at most limit per owner.
func WriteWorkList(w io.Writer, tasks []retention.Task, limit int) {
	byOwner := map[retention.Role][]retention.Task{}
	for _, t := range tasks {
		byOwner[t.Owner] = append(byOwner[t.Owner], t)
	}
	for _, owner := range slices.Sorted(maps.Keys(byOwner)) {
		ts := byOwner[owner]
		writeOwnerList(w, owner, len(ts), func(yield func(retention.Task, error) bool) {
			for _, t := range ts {
				if !yield(t, nil) {
					return
				}
			}
		}, limit) // a slice yields no error
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
