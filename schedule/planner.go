package schedule

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// Options configure a Planner. A nil *Options means the defaults.
type Options struct {
	// Dealer, when not empty, plans the work of one dealer: the sale
	// follow-ups of the vehicles it sold, the service follow-ups of its
	// repair orders, and every other touch of the vehicles and customers
	// whose home dealer it is. Visits count only at that dealer (see
	// classify.Options).
	Dealer string
	// Weather lists the weather events the caller reports; each gives the
	// effective customers of its region a weather-alert touch.
	Weather []WeatherEvent
	// PAlive, when set, gives customers' probabilities of being alive from
	// a churn model (see classify.Options.PAlive): the lost-recall tasks of
	// a priority are then ordered by it, the likeliest to come back first.
	PAlive func(customer string) (float64, bool)
}

// WeatherEvent is a weather event reported for a region (POLICY.md §6).
type WeatherEvent struct {
	Region string
	On     date.Date
	What   string // e.g. "snow storm", for the reason
}

// Planner computes the daily work plan of POLICY.md §4–§6 and §10 with one
// validated policy. It is immutable and safe for concurrent use.
type Planner struct {
	c                    *classify.Classifier
	p                    *retention.Policy
	dealer               string
	weather              []WeatherEvent
	saleBP, serviceBP    int
	holidays             []date.Date
	expiry, recallExpiry int
}

// New returns a Planner for the policy and the models of the vehicles it
// will see, or an ErrInvalid error naming every bad field of the policy.
func New(policy *retention.Policy, models []retention.Model, opts *Options) (*Planner, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	c, err := classify.New(policy, models, &classify.Options{Dealer: o.Dealer, PAlive: o.PAlive})
	if err != nil {
		return nil, err
	}
	p := c.Policy()
	bp := func(rate decimal.Decimal) int {
		return int(rate.Mul(decimal.NewFromInt(basisPoints)).Round(0).IntPart())
	}
	pl := &Planner{c: c, p: p, dealer: o.Dealer, weather: slices.Clone(o.Weather),
		saleBP: bp(p.Followups.SalePhoneRate), serviceBP: bp(p.Followups.ServicePhoneRate),
		holidays: slices.Clone(p.Care.Holidays), expiry: p.Plan.ExpiryDays, recallExpiry: p.Plan.RecallExpiryDays}
	slices.SortFunc(pl.holidays, func(a, b date.Date) int { return int(a.Sub(b)) })
	pl.holidays = slices.Compact(pl.holidays)
	return pl, nil
}

// Classifier returns the classifier the planner uses for statuses and tiers.
func (pl *Planner) Classifier() *classify.Classifier { return pl.c }

// Deferral is a task held back by the frequency cap: it stays open and comes
// up again on a later day until it expires.
type Deferral struct {
	Task   retention.Task
	Reason string
}

// CustomerPlan is the work of one customer on one day.
type CustomerPlan struct {
	Tasks    []retention.Task // by priority, due date and key (SortTasks)
	Deferred []Deferral       // by key
}

// candidate is a touch that a rule fired for a subject.
type candidate struct {
	touch   retention.Touch
	subject string // VIN or customer id, part of the key
	vin     string
	anchor  date.Date
	due     date.Date
	dealer  string
	reason  string
	expires date.Date // the last day it is open
}

// contactLog is what the contacts of one customer say as of a date, but for
// the tasks they name (taskLogs).
type contactLog struct {
	prefCh   retention.Channel
	prefTime string
	prefAt   time.Time
	// lastCapped is the last day a capped touch reached the customer, or
	// the zero date.
	lastCapped date.Date
}

// contacts indexes the contacts cs as of asOf: the customer's log and its
// tasks', the latter in buf's memory when they fit (the caller's, on its
// stack; the two are returned apart so that the log's strings do not take
// the buffer to the heap with them).
func (pl *Planner) contacts(cs []retention.Contact, asOf date.Date, buf []taskLog) (contactLog, taskLogs) {
	var l contactLog
	if len(cs) == 0 {
		return l, nil
	}
	tasks := slices.Grow(buf[:0], len(cs))
	for i := range cs {
		ct := &cs[i]
		on := date.NewAt(ct.At)
		if on.After(asOf) {
			continue
		}
		if ct.PreferredChannel != 0 && (l.prefCh == 0 || ct.At.After(l.prefAt)) {
			l.prefCh, l.prefTime, l.prefAt = ct.PreferredChannel, ct.PreferredTime, ct.At
		}
		tl := taskLog{key: ct.Task}
		switch {
		case ct.Outcome.Closes():
			tl.closed = true
			if t, _, _, err := retention.ParseTaskKey(ct.Task); err == nil && specOf(t).cat != service && on.After(l.lastCapped) {
				l.lastCapped = on
			}
		case ct.Channel == retention.Phone && ct.Outcome.Failed():
			tl.failed = 1
		}
		tasks = append(tasks, tl)
	}
	// One entry per task: a customer has a few contacts, so a sorted slice
	// is cheaper than a map to build.
	slices.SortFunc(tasks, func(a, b taskLog) int { return strings.Compare(a.key, b.key) })
	n := 0
	for _, tl := range tasks {
		if n > 0 && tasks[n-1].key == tl.key {
			tasks[n-1].closed = tasks[n-1].closed || tl.closed
			tasks[n-1].failed += tl.failed
			continue
		}
		tasks[n] = tl
		n++
	}
	return l, tasks[:n]
}

// taskLog is what the contacts of one task say.
type taskLog struct {
	key    string
	closed bool // a contact closed it
	failed int  // failed phone attempts
}

// taskLogs are the taskLogs of a customer's contacts, by key, one per task.
type taskLogs []taskLog

// task returns what the contacts say of the task key.
func (ls taskLogs) task(key string) taskLog {
	if i, ok := slices.BinarySearchFunc(ls, key, func(t taskLog, key string) int { return strings.Compare(t.key, key) }); ok {
		return ls[i]
	}
	return taskLog{}
}

// Customer plans the day asOf of one customer: the tasks due that day and
// the earlier ones still open. cr is the customer's classification as of
// asOf, with its tier assigned (classify.Classifier.AssignTiers). The tier
// sets the tasks' priority and nothing else, so a caller that ranks the
// tiers later may plan with none and set the priorities then (Finish).
func (pl *Planner) Customer(in *classify.CustomerInput, cr *classify.CustomerResult, asOf date.Date) CustomerPlan {
	cands := pl.candidates(in, cr, asOf)
	// Candidates that make the same task (two repair orders closed the same
	// day) collapse into the first in this order, whatever the input order.
	slices.SortFunc(cands, func(a, b candidate) int {
		if c := cmp.Compare(a.touch, b.touch); c != 0 {
			return c
		}
		if c := cmp.Compare(a.subject, b.subject); c != 0 {
			return c
		}
		if c := int(a.anchor.Sub(b.anchor)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.dealer, b.dealer); c != 0 {
			return c
		}
		return cmp.Compare(a.reason, b.reason)
	})
	// A customer has a few contacts and a few capped touches: their
	// indexes live on the stack unless there are more.
	var logBuf [8]taskLog
	log, logs := pl.contacts(in.Contacts, asOf, logBuf[:0])
	priority := cr.Tier.Priority(pl.p)
	dnc := in.Customer.DoNotContact
	var plan CustomerPlan
	var cappedBuf [4]retention.Task
	capped := cappedBuf[:0]
	for i, cd := range cands {
		if i > 0 && cd.touch == cands[i-1].touch && cd.subject == cands[i-1].subject && cd.anchor == cands[i-1].anchor {
			// Two rules, or two visits of a day, fired the same task (the
			// same key); the sort puts them together.
			continue
		}
		sp := specOf(cd.touch)
		if dnc && (sp.cat != service || !in.Customer.AllowServiceFollowups) {
			continue // do-not-contact (POLICY.md §10)
		}
		key := retention.TaskKey(cd.touch, cd.subject, cd.anchor)
		tl := logs.task(key)
		if tl.closed {
			continue
		}
		t := retention.Task{Key: key, Touch: cd.touch, Customer: in.Customer.ID, VIN: cd.vin, Anchor: cd.anchor,
			Dealer: cd.dealer, Owner: sp.owner, Channel: sp.channel, DueOn: cd.due, ExpiresOn: cd.expires,
			Priority: priority, Attempts: tl.failed, Reason: cd.reason}
		switch {
		case sp.sampled:
			rate := pl.saleBP
			if cd.touch == retention.ServiceFollowup4D {
				rate = pl.serviceBP
			}
			if InSample(cd.subject, cd.touch, rate) {
				t.Channel = retention.Phone
			}
		case sp.preferred && log.prefCh != 0:
			t.Channel = log.prefCh
		}
		if t.Channel == retention.Phone {
			t.Window = log.prefTime
			if t.Attempts >= pl.p.Followups.MaxAttempts {
				continue // exhausted: the customer is lost-contact (card task)
			}
		}
		if sp.cat != service {
			capped = append(capped, t)
			continue
		}
		plan.Tasks = append(plan.Tasks, t)
	}
	pl.applyCap(&plan, capped, log, asOf)
	SortTasks(plan.Tasks)
	slices.SortFunc(plan.Deferred, func(a, b Deferral) int { return CompareDeferrals(&a, &b) })
	return plan
}

// applyCap lets at most one marketing or care touch through per customer per
// CareCapDays (POLICY.md §10): none if one reached the customer in the last
// CareCapDays days, else the one of the lowest rank (then the earliest due,
// then the key). The others are deferred.
func (pl *Planner) applyCap(plan *CustomerPlan, capped []retention.Task, log contactLog, asOf date.Date) {
	if len(capped) == 0 {
		return
	}
	slices.SortFunc(capped, func(a, b retention.Task) int {
		if c := cmp.Compare(specOf(a.Touch).rank, specOf(b.Touch).rank); c != 0 {
			return c
		}
		if c := int(a.DueOn.Sub(b.DueOn)); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	// A reach in the last CareCapDays days holds them all back.
	if last := log.lastCapped; pl.p.Plan.CareCapDays > 0 && !last.IsZero() &&
		last.After(retention.AddDays(asOf, -pl.p.Plan.CareCapDays)) {
		for _, t := range capped {
			plan.Deferred = append(plan.Deferred, Deferral{Task: t, Reason: fmt.Sprintf(
				"frequency cap: a marketing or care touch reached the customer on %s (one per %d days)", day(last), pl.p.Plan.CareCapDays)})
		}
		return
	}
	plan.Tasks = append(plan.Tasks, capped[0])
	for _, t := range capped[1:] {
		if pl.p.Plan.CareCapDays == 0 {
			plan.Tasks = append(plan.Tasks, t)
			continue
		}
		plan.Deferred = append(plan.Deferred, Deferral{Task: t, Reason: fmt.Sprintf(
			"frequency cap: %s goes first (one marketing or care touch per %d days)", capped[0].Touch, pl.p.Plan.CareCapDays)})
	}
}

// SortTasks orders tasks as a plan lists them: by priority, due date, key
// and customer (two customers share a key only when their records share a
// VIN).
func SortTasks(ts []retention.Task) {
	slices.SortFunc(ts, func(a, b retention.Task) int { return CompareTasks(&a, &b) })
}

// CompareTasks orders tasks as SortTasks does; a plan merged from several
// sorted streams of tasks (an external sort, say) merges by it.
func CompareTasks(a, b *retention.Task) int {
	return compareTasks(a.Priority, b.Priority, a.DueOn, b.DueOn, a.Key, b.Key, a.Customer, b.Customer)
}

// compareTasks is CompareTasks on the fields that order tasks.
func compareTasks(aPriority, bPriority int, aDue, bDue date.Date, aKey, bKey, aCustomer, bCustomer string) int {
	if c := cmp.Compare(aPriority, bPriority); c != 0 {
		return c
	}
	if c := int(aDue.Sub(bDue)); c != 0 {
		return c
	}
	if c := cmp.Compare(aKey, bKey); c != 0 {
		return c
	}
	return cmp.Compare(aCustomer, bCustomer)
}

// CompareDeferrals orders deferrals as a Plan lists them: by key and
// customer.
func CompareDeferrals(a, b *Deferral) int {
	if c := cmp.Compare(a.Task.Key, b.Task.Key); c != 0 {
		return c
	}
	return cmp.Compare(a.Task.Customer, b.Task.Customer)
}

// builder collects the candidates of one customer; reasons are formatted
// only for the candidates that can be open on asOf.
type builder struct {
	pl   *Planner
	asOf date.Date
	out  []candidate
}

// add keeps the candidate if it is open on asOf: due, and not past its
// expiry (POLICY.md §10: ExpiryDays after the due date, RecallExpiryDays for
// the tasks of a loss episode). reason is called only then; it does not
// escape, so the closures passed in cost nothing for the many candidates
// outside their window.
func (b *builder) add(t retention.Touch, subject, vin string, anchor, due date.Date, dealer string, reason func() string) {
	b.addUntil(t, subject, vin, anchor, due, date.Max(), dealer, reason)
}

// addUntil is add for a task that also expires no later than until: one of
// a series, superseded when the next is due.
func (b *builder) addUntil(t retention.Touch, subject, vin string, anchor, due, until date.Date, dealer string, reason func() string) {
	if expires, ok := b.open(t, due, until); ok {
		b.out = append(b.out, candidate{touch: t, subject: subject, vin: vin, anchor: anchor, due: due, expires: expires,
			dealer: dealer, reason: reason()})
	}
}

// open returns the last day a task of touch t due on due is open, and
// whether asOf is one of its days: due, and not past its expiry (nor
// until).
func (b *builder) open(t retention.Touch, due, until date.Date) (expires date.Date, ok bool) {
	if due.After(b.asOf) {
		return date.Date{}, false
	}
	days := b.pl.expiry
	if specOf(t).episode {
		days = b.pl.recallExpiry
	}
	expires = retention.AddDays(due, days).Min(until)
	return expires, !b.asOf.After(expires)
}

// candidates returns the touches that fire for the customer around asOf.
func (pl *Planner) candidates(in *classify.CustomerInput, cr *classify.CustomerResult, asOf date.Date) []candidate {
	b := &builder{pl: pl, asOf: asOf}
	var hist map[string]*retention.VehicleHistory // for customers of many vehicles
	if len(in.Vehicles) > 8 {
		hist = make(map[string]*retention.VehicleHistory, len(in.Vehicles))
		for i := range in.Vehicles {
			hist[in.Vehicles[i].Vehicle.VIN] = &in.Vehicles[i]
		}
	}
	for i := range cr.Vehicles {
		vr := &cr.Vehicles[i]
		if !vr.Retained {
			continue
		}
		var h *retention.VehicleHistory
		if hist != nil {
			h = hist[vr.VIN]
		} else {
			for j := len(in.Vehicles) - 1; j >= 0; j-- { // the last of a VIN, as the map keeps it
				if in.Vehicles[j].Vehicle.VIN == vr.VIN {
					h = &in.Vehicles[j]
					break
				}
			}
		}
		if h != nil {
			pl.vehicleCandidates(b, h, vr, asOf)
		}
	}
	if pl.dealer == "" || cr.Dealer == pl.dealer {
		pl.customerCandidates(b, in, cr, asOf)
	}
	return b.out
}

func (pl *Planner) vehicleCandidates(b *builder, h *retention.VehicleHistory, vr *classify.VehicleResult, asOf date.Date) {
	v := &h.Vehicle
	p := pl.p
	rules := pl.c.Rules(v.Model)
	add := func(t retention.Touch, subject string, anchor, due date.Date, dealer string, reason func() string) {
		b.add(t, subject, v.VIN, anchor, due, dealer, reason)
	}
	delivered := v.DeliveredOn

	// Sale follow-ups (§5), by the selling dealer.
	if pl.dealer == "" || v.Dealer == pl.dealer {
		f := &p.Followups
		add(retention.SaleFollowup3D, v.VIN, delivered, retention.AddDays(delivered, f.Sale3Days), v.Dealer,
			func() string {
				return fmt.Sprintf("sale follow-up: delivered %s + %d days", day(delivered), f.Sale3Days)
			})
		add(retention.SaleFollowup7D, v.VIN, delivered, retention.AddDays(delivered, f.Sale7Days), v.Dealer,
			func() string {
				return fmt.Sprintf("OEM sale follow-up: delivered %s + %d days", day(delivered), f.Sale7Days)
			})
		add(retention.SaleFollowup1M, v.VIN, delivered, retention.AddMonths(delivered, f.Sale1Months), v.Dealer,
			func() string {
				return fmt.Sprintf("sale follow-up: delivered %s + %d month", day(delivered), f.Sale1Months)
			})
	}
	// Service follow-ups (§5), by the dealer of the repair order.
	for i := range h.Visits {
		vi := &h.Visits[i]
		if vi.ClosedOn.After(asOf) || (pl.dealer != "" && vi.Dealer != pl.dealer) {
			continue
		}
		switch vi.Kind {
		case retention.FirstService, retention.WarrantyRepair, retention.Repair, retention.BodyPaint:
			add(retention.ServiceFollowup2D, v.VIN, vi.ClosedOn, retention.AddDays(vi.ClosedOn, p.Followups.Service2Days), vi.Dealer,
				func() string {
					return fmt.Sprintf("service follow-up: %s %s picked up %s + %d days", vi.Kind, vi.ID, day(vi.ClosedOn), p.Followups.Service2Days)
				})
		}
		if vi.Kind == retention.FirstService {
			add(retention.ServiceFollowup4D, v.VIN, vi.ClosedOn, retention.AddDays(vi.ClosedOn, p.Followups.Service4Days), vi.Dealer,
				func() string {
					return fmt.Sprintf("OEM first-service follow-up: %s picked up %s + %d days", vi.ID, day(vi.ClosedOn), p.Followups.Service4Days)
				})
		}
	}
	if pl.dealer != "" && vr.HomeDealer != pl.dealer {
		return
	}
	home := vr.HomeDealer
	next := &vr.NextService

	// Maintenance reminders (§4).
	if next.First {
		add(retention.FirstServiceSMS, v.VIN, delivered, retention.AddDays(delivered, rules.FirstServiceSMSDays), home,
			func() string {
				return fmt.Sprintf("first service not recorded: delivered %s + %d days", day(delivered), rules.FirstServiceSMSDays)
			})
		add(retention.FirstServiceCall, v.VIN, delivered, retention.AddDays(delivered, rules.FirstServiceCallDays), home,
			func() string {
				return fmt.Sprintf("first service not recorded: delivered %s + %d days", day(delivered), rules.FirstServiceCallDays)
			})
	} else {
		add(retention.MaintenanceDue, v.VIN, next.Anchor, retention.AddDays(next.DueOn, -p.Service.MaintenanceLeadDays), home,
			func() string {
				return fmt.Sprintf("maintenance due %s by %s (estimated %d km), last maintenance %s", day(next.DueOn), next.DecidedBy,
					next.OdometerKm, day(next.Anchor))
			})
	}
	for _, km := range p.Service.MilestonesKm {
		if v.DeliveryOdometerKm >= km {
			continue
		}
		on, ok := vr.Mileage.DateReaching(km, delivered)
		if _, open := b.open(retention.MileageMilestone, on, date.Max()); !ok || !open {
			continue // the subject below is made only for an open task
		}
		add(retention.MileageMilestone, v.VIN+"@"+strconv.Itoa(km)+"km", delivered, on, home,
			func() string { return fmt.Sprintf("estimated odometer reaches %d km on %s", km, day(on)) })
	}
	if e := v.InsuranceExpiresOn; e != nil {
		add(retention.InsuranceRenewal, v.VIN, *e, retention.AddDays(*e, -p.Service.InsuranceLeadDays), home,
			func() string { return fmt.Sprintf("insurance expires %s", day(*e)) })
	}
	if e := v.InspectionDueOn; e != nil {
		add(retention.InspectionDue, v.VIN, *e, retention.AddDays(*e, -p.Service.InspectionLeadDays), home,
			func() string { return fmt.Sprintf("annual inspection due %s", day(*e)) })
	}
	add(retention.WarrantyExpiry, v.VIN, delivered, retention.AddDays(vr.WarrantyEnd, -p.Service.WarrantyExpiryLeadDays), home,
		func() string {
			return fmt.Sprintf("warranty ends %s by %s: extended-warranty offer", day(vr.WarrantyEnd), vr.WarrantyEndBy)
		})

	// Care (§6): the first-owner knowledge programme.
	c := &p.Care
	if c.FirstOwnerKnowledge && v.Purchase == retention.FirstPurchase && vr.Stage == retention.StageNewCar {
		// Weekly messages: one not sent when the next is due is superseded.
		for k := 1; k*c.KnowledgeEveryDays <= c.KnowledgeDays; k++ {
			on := retention.AddDays(delivered, k*c.KnowledgeEveryDays)
			b.addUntil(retention.FirstOwnerKnowledge, v.VIN, v.VIN, on, on, retention.AddDays(on, c.KnowledgeEveryDays-1), home,
				func() string {
					return fmt.Sprintf("first-owner programme: week %d after the delivery on %s", k, day(delivered))
				})
		}
	}

	// Loss (§7).
	st := &p.Status
	switch vr.Status {
	case retention.StatusLost:
		since := retention.AddMonths(delivered, st.NewMonths)
		if vr.LastVisit != nil {
			since = retention.AddMonths(*vr.LastVisit, st.LostMonths)
		}
		add(retention.LostRecall, v.VIN, since, since, home, func() string {
			why := "no visit since the delivery"
			if vr.LastVisit != nil {
				why = fmt.Sprintf("last visit %s", day(*vr.LastVisit))
			}
			if vr.Flags.Has(classify.MaybeLowUsage) {
				return fmt.Sprintf("lost since %s (%s) but little driven: confirming call, no win-back offer", day(since), why)
			}
			return fmt.Sprintf("lost since %s (%s): return reminder", day(since), why)
		})
	case retention.StatusDormant:
		last := delivered
		if vr.LastVisit != nil && vr.LastVisit.After(last) {
			last = *vr.LastVisit
		}
		since := retention.AddMonths(last, st.EffectiveMonths)
		add(retention.LostRecall, v.VIN, since, since, home,
			func() string {
				return fmt.Sprintf("dormant since %s (no visit for %d months): consultation letter and loss reason", day(since), st.EffectiveMonths)
			})
	}
	if vr.Flags.Has(classify.ChurnRisk) {
		add(retention.ChurnRiskRecall, v.VIN, vr.ChurnRiskSince, vr.ChurnRiskSince, home,
			func() string { return fmt.Sprintf("%d maintenances in a row missed: recall offer", vr.MissedServices) })
	}
}

func (pl *Planner) customerCandidates(b *builder, in *classify.CustomerInput, cr *classify.CustomerResult, asOf date.Date) {
	cu := &in.Customer
	c := &pl.p.Care
	add := func(t retention.Touch, anchor, due date.Date, reason func() string) {
		b.add(t, cu.ID, "", anchor, due, cr.Dealer, reason)
	}
	year := asOf.Year()
	if cu.Birthday != nil {
		recent := false
		for i := range cr.Vehicles {
			v := &cr.Vehicles[i]
			if v.Retained && retention.WithinMonths(deliveredOf(in, v.VIN), asOf, c.BirthdayBuyerMonths) {
				recent = true
			}
		}
		if recent {
			for _, y := range []int{year, year + 1} {
				b := retention.AnniversaryIn(*cu.Birthday, y)
				add(retention.Birthday, b, retention.AddDays(b, -c.BirthdayLeadDays), func() string { return fmt.Sprintf("birthday on %s", day(b)) })
			}
		}
	}
	if cr.Effective {
		for _, h := range pl.holidays {
			add(retention.Holiday, h, h, func() string { return fmt.Sprintf("holiday on %s", day(h)) })
		}
		for _, y := range []int{year - 1, year} {
			if c.WinterCareDay <= date.DaysIn(y, c.WinterCareMonth) {
				on := date.New(y, c.WinterCareMonth, c.WinterCareDay)
				add(retention.WinterCare, on, on, func() string { return fmt.Sprintf("winter care on %s", day(on)) })
			}
		}
		for _, ev := range pl.weather {
			if ev.Region == cu.Region {
				add(retention.WeatherAlert, ev.On, ev.On, func() string {
					return fmt.Sprintf("weather alert for region %s on %s: %s", ev.Region, day(ev.On), ev.What)
				})
			}
		}
	}
	if cr.Status == retention.StatusSwing {
		// The first day of every SwingCareMonths-th month.
		first := date.New(year, asOf.Month(), 1)
		for _, on := range []date.Date{retention.AddMonths(first, -1), first} {
			if (on.Year()*12+int(on.Month())-1)%pl.p.Care.SwingCareMonths == 0 {
				add(retention.SwingCare, on, on, func() string { return fmt.Sprintf("swing customer: monthly care on %s", day(on)) })
			}
		}
	}
	if cr.Flags.Has(classify.LostContact) {
		on := cr.LostContactSince
		add(retention.LostContactCard, on, on, func() string {
			return fmt.Sprintf("%d phone attempts failed by %s: mail a card or visit the address",
				pl.p.Followups.MaxAttempts, day(on))
		})
	}
}

func deliveredOf(in *classify.CustomerInput, vin string) date.Date {
	for i := range in.Vehicles {
		if in.Vehicles[i].Vehicle.VIN == vin {
			return in.Vehicles[i].Vehicle.DeliveredOn
		}
	}
	return date.Date{}
}

// Plan is the work of many customers on one day.
type Plan struct {
	AsOf      date.Date
	Tasks     []retention.Task          // by priority, due date, key and customer (SortTasks)
	Deferred  []Deferral                // by key and customer
	Customers []classify.CustomerResult // by id, with tiers
}

// Plan classifies the customers, assigns their tiers and plans the day asOf
// for all of them. The result does not depend on the order of inputs or of
// the records inside them. It is PlanParallel with one worker.
func (pl *Planner) Plan(inputs []classify.CustomerInput, asOf date.Date) Plan {
	return pl.PlanParallel(inputs, asOf, 1)
}

// PlanParallel is Plan on several workers. They take the customers a
// chunk at a time (a customer goes whole, with all of its vehicles, to one
// worker), and each classifies and plans the customers it takes. The
// tiers, which rank all the customers of a dealer, are assigned once every
// customer is classified; a tier sets nothing but the priority of its
// customer's tasks, so the priorities are set then. Each worker orders its
// share of the tasks, and the shares are merged. The result is the same,
// byte for byte, for any number of workers.
func (pl *Planner) PlanParallel(inputs []classify.CustomerInput, asOf date.Date, workers int) Plan {
	workers = max(1, min(workers, (len(inputs)+planChunk-1)/planChunk))
	rs, plans, tierOf := pl.planAll(inputs, asOf, workers)
	return pl.gather(rs, plans, tierOf, asOf, workers)
}

// planAll classifies and plans every customer on the workers, before the
// tiers are known (the tasks' priorities are Basic's), and returns the
// results, the plans and the tiers, by customer.
func (pl *Planner) planAll(inputs []classify.CustomerInput, asOf date.Date, workers int) (
	rs []classify.CustomerResult, plans []CustomerPlan, tierOf []classify.Tier) {
	n := len(inputs)
	rs, plans = make([]classify.CustomerResult, n), make([]CustomerPlan, n)
	rankings := make([]*classify.TierRanking, workers)
	handles := make([][]int, workers) // the customer of each handle of a worker's ranking
	var next atomic.Int64
	parallel(workers, func(w int) {
		r := pl.c.NewTierRanking()
		r.Grow(n/workers + planChunk) // about its share
		for {
			lo := int(next.Add(planChunk)) - planChunk
			if lo >= n {
				break
			}
			for i := lo; i < min(lo+planChunk, n); i++ {
				rs[i] = pl.c.Customer(&inputs[i], asOf)
				plans[i] = pl.Customer(&inputs[i], &rs[i], asOf)
				r.AddResult(&rs[i])
				handles[w] = append(handles[w], i)
			}
		}
		rankings[w] = r
	})
	tierOf = make([]classify.Tier, n)
	for w, tiers := range pl.c.TiersOfParts(rankings) {
		for h, i := range handles[w] {
			tierOf[i] = tiers[h]
		}
	}
	return rs, plans, tierOf
}

// gather sets the tiers and the priorities they give, and gathers the plans
// into one: each worker sorts references to the tasks of a run of
// customers, each with a copy of what orders its task (orderedRef), and
// the runs are merged. Tasks that compare equal (a customer given twice)
// keep the order of inputs, so the order is the same whatever the number
// of runs.
func (pl *Planner) gather(rs []classify.CustomerResult, plans []CustomerPlan, tierOf []classify.Tier, asOf date.Date,
	workers int) Plan {
	byTask := func(a, b orderedRef) int { return a.compare(&b) }
	byDeferral := func(a, b taskRef) int {
		if c := CompareDeferrals(&plans[a.i].Deferred[a.j], &plans[b.i].Deferred[b.j]); c != 0 {
			return c
		}
		return a.compare(b)
	}
	type run struct {
		tasks    []orderedRef
		deferred []taskRef
		recalls  []int // customers with a lost recall and a P(alive)
		unsorted bool  // customers out of id order
	}
	n := len(rs)
	runs := make([]run, workers)
	parallel(workers, func(w int) {
		r := &runs[w]
		lo, hi := w*n/workers, (w+1)*n/workers
		for i := lo; i < hi; i++ {
			rs[i].Tier = tierOf[i]
			priority := tierOf[i].Priority(pl.p)
			p := &plans[i]
			for j := range p.Tasks {
				t := &p.Tasks[j]
				t.Priority = priority
				r.tasks = append(r.tasks, orderedRef{t.Priority, t.DueOn, t.Key, t.Customer, taskRef{i, j}})
				if t.Touch == retention.LostRecall && rs[i].PAlive != nil {
					r.recalls = append(r.recalls, i)
				}
			}
			for j := range p.Deferred {
				p.Deferred[j].Task.Priority = priority
				r.deferred = append(r.deferred, taskRef{i, j})
			}
		}
		slices.SortFunc(r.tasks, byTask)
		slices.SortFunc(r.deferred, byDeferral)
		for i := max(lo, 1); i < hi && !r.unsorted; i++ {
			r.unsorted = rs[i-1].ID > rs[i].ID // the ID only: another worker sets rs[lo-1].Tier
		}
	})
	var taskRuns [][]orderedRef
	var deferredRuns [][]taskRef
	pAlive := map[string]float64{}
	unsorted := false
	for _, r := range runs {
		taskRuns, deferredRuns = append(taskRuns, r.tasks), append(deferredRuns, r.deferred)
		for _, i := range r.recalls {
			pAlive[rs[i].ID] = *rs[i].PAlive
		}
		unsorted = unsorted || r.unsorted
	}
	plan := Plan{AsOf: asOf,
		Tasks:    pick(merge(taskRuns, byTask), func(r orderedRef) retention.Task { return plans[r.ref.i].Tasks[r.ref.j] }),
		Deferred: pick(merge(deferredRuns, byDeferral), func(r taskRef) Deferral { return plans[r.i].Deferred[r.j] })}
	orderRecalls(plan.Tasks, pAlive)
	if unsorted {
		slices.SortFunc(rs, func(a, b classify.CustomerResult) int { return cmp.Compare(a.ID, b.ID) })
	}
	plan.Customers = rs
	return plan
}

// planChunk is how many customers a worker of PlanParallel takes at a time.
const planChunk = 64

// parallel runs fn(0), …, fn(workers-1) at once and waits for them.
func parallel(workers int, fn func(w int)) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { fn(w) })
	}
	wg.Wait()
}

// taskRef is the place of a task (or deferral) of PlanParallel's customer
// plans: the j-th of customer i's.
type taskRef struct{ i, j int }

// compare orders references by customer, then place.
func (r taskRef) compare(o taskRef) int {
	if c := cmp.Compare(r.i, o.i); c != 0 {
		return c
	}
	return cmp.Compare(r.j, o.j)
}

// orderedRef is a task's reference with copies of the fields that order
// the task (CompareTasks), so that sorting references reads the copies,
// side by side, and no task.
type orderedRef struct {
	priority      int
	due           date.Date
	key, customer string
	ref           taskRef
}

// compare orders by the task (CompareTasks), then by place.
func (a *orderedRef) compare(b *orderedRef) int {
	if c := compareTasks(a.priority, b.priority, a.due, b.due, a.key, b.key, a.customer, b.customer); c != 0 {
		return c
	}
	return a.ref.compare(b.ref)
}

// pick returns the values the references refer to, in their order (nil for
// none).
func pick[R, T any](refs []R, at func(R) T) []T {
	if len(refs) == 0 {
		return nil
	}
	out := make([]T, len(refs))
	for k, r := range refs {
		out[k] = at(r)
	}
	return out
}

// merge merges sorted runs into one.
func merge[R any](runs [][]R, compare func(a, b R) int) []R {
	if len(runs) == 1 {
		return runs[0]
	}
	total := 0
	for _, r := range runs {
		total += len(r)
	}
	out := make([]R, 0, total)
	for len(out) < total { // few runs: the least head by a scan
		best := -1
		for k, r := range runs {
			if len(r) > 0 && (best < 0 || compare(r[0], runs[best][0]) < 0) {
				best = k
			}
		}
		out = append(out, runs[best][0])
		runs[best] = runs[best][1:]
	}
	return out
}

// Finish completes a plan gathered from customers planned one at a time
// before their tiers were known, as a plan streamed from a store is: a
// customer's tier sets nothing but the priority of its tasks, so Finish
// sets each task's and deferral's priority from tierOf (Basic's for a
// customer it lacks) and orders them as Plan does, the lost-recall tasks
// of a priority by their customers' P(alive) from pAlive. The result is
// Plan's, without Customers. Finish holds the plan; one too large for
// memory can be sorted outside it (an external merge sort) by CompareTasks,
// with the lost recalls of each priority taking the places of the recalls
// in ComparePAlive's order, and the deferrals by CompareDeferrals.
func (pl *Planner) Finish(p *Plan, tierOf map[string]classify.Tier, pAlive map[string]float64) {
	for i := range p.Tasks {
		p.Tasks[i].Priority = tierOf[p.Tasks[i].Customer].Priority(pl.p)
	}
	for i := range p.Deferred {
		p.Deferred[i].Task.Priority = tierOf[p.Deferred[i].Task.Customer].Priority(pl.p)
	}
	SortTasks(p.Tasks)
	orderRecalls(p.Tasks, pAlive)
	slices.SortFunc(p.Deferred, func(a, b Deferral) int { return CompareDeferrals(&a, &b) })
}

// orderRecalls reorders the lost-recall tasks of each priority by their
// customers' P(alive) (p), highest first, within the places those tasks
// hold in the sorted plan; without P(alive) nothing moves.
func orderRecalls(ts []retention.Task, p map[string]float64) {
	if len(p) == 0 {
		return
	}
	slots := map[int][]int{} // priority → indices of its lost-recall tasks
	for i, t := range ts {
		if t.Touch == retention.LostRecall {
			slots[t.Priority] = append(slots[t.Priority], i)
		}
	}
	for _, idx := range slots {
		recalls := make([]retention.Task, len(idx))
		for j, i := range idx {
			recalls[j] = ts[i]
		}
		slices.SortStableFunc(recalls, func(a, b retention.Task) int {
			pa, okA := p[a.Customer]
			pb, okB := p[b.Customer]
			return ComparePAlive(pa, okA, pb, okB)
		})
		for j, i := range idx {
			ts[i] = recalls[j]
		}
	}
}

// ComparePAlive orders the lost-recall tasks of one priority as a plan
// lists them, by their customers' P(alive) pa and pb: highest first, and
// those with a P(alive) (okA, okB) before those without. Recalls it finds
// equal keep their order by CompareTasks. A plan's recalls hold the places
// its recalls would hold by CompareTasks alone, reordered so among
// themselves.
func ComparePAlive(pa float64, okA bool, pb float64, okB bool) int {
	switch {
	case okA && okB:
		return cmp.Compare(pb, pa)
	case okA:
		return -1
	case okB:
		return 1
	}
	return 0
}

// day formats a date for fmt's %s as date.Date.String does, through
// retention.AppendDate: one small allocation where String makes three (a
// reason is written for every task of a plan).
type day date.Date

// Format implements fmt.Formatter.
func (d day) Format(f fmt.State, _ rune) {
	var b [16]byte
	f.Write(retention.AppendDate(b[:0], date.Date(d)))
}
