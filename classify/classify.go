package classify

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// Options configure a Classifier. A nil *Options means the defaults.
type Options struct {
	// Dealer, when not empty, restricts the visits that count for status,
	// tiers and statistics to the visits at that dealer, and flags the
	// vehicles whose home dealer is another one as transient (POLICY.md §7).
	// Empty: every station of the network counts.
	Dealer string
	// PAlive, when set, gives a customer's probability of being alive
	// from a churn model (package churn); effective customers below
	// StatusPolicy.ChurnPAliveBelow are flagged ChurnRisk.
	PAlive func(customer string) (float64, bool)
}

// Classifier applies POLICY.md §7–§8 with one validated policy. It is
// immutable and safe for concurrent use.
type Classifier struct {
	policy retention.Policy
	dealer string
	pAlive func(string) (float64, bool)
	below  float64
	models map[string]model
	dflt   model
	// recallPrefix starts the key of every lost-recall task.
	recallPrefix string
	// weights are the parts of the value score with their weights.
	weights []partWeight
	// memo holds the cutoffs of the last as-of date asked for: a network
	// is classified as of one date, and each cutoff is a calendar
	// computation.
	memo atomic.Pointer[asOfCutoffs]
}

// cutoffs are the days that the rules of POLICY.md §7 compare a vehicle's
// dates with as of one day: the day moved back by each of the policy's
// month counts (retention.AddMonths).
type cutoffs struct {
	w          retention.StatusWindows // AsOf, and VisitWindowMonths and EffectiveMonths back
	newFrom    date.Date               // NewMonths back
	lostFrom   date.Date               // LostMonths back
	activeFrom date.Date               // ActiveRecentMonths back
	homeFrom   date.Date               // HomeDealerMonths back
	twoYears   date.Date               // 2 × EffectiveMonths back, for the KPIs
}

// asOfCutoffs are the cutoffs as of a day and as of EffectiveMonths before
// it (the KPIs' "a year ago").
type asOfCutoffs struct{ now, yearAgo cutoffs }

func (c *Classifier) cutoffs(asOf date.Date) cutoffs {
	st := &c.policy.Status
	return cutoffs{w: c.StatusWindows(asOf), newFrom: retention.AddMonths(asOf, -st.NewMonths),
		lostFrom: retention.AddMonths(asOf, -st.LostMonths), activeFrom: retention.AddMonths(asOf, -st.ActiveRecentMonths),
		homeFrom: retention.AddMonths(asOf, -st.HomeDealerMonths), twoYears: retention.AddMonths(asOf, -2*st.EffectiveMonths)}
}

// cutoffsAt returns the cutoffs as of asOf, computed once for as long as
// the classifier is asked about the same day. Safe for concurrent use: a
// race computes them twice, the same.
func (c *Classifier) cutoffsAt(asOf date.Date) *asOfCutoffs {
	if m := c.memo.Load(); m != nil && m.now.w.AsOf == asOf {
		return m
	}
	m := &asOfCutoffs{now: c.cutoffs(asOf)}
	m.yearAgo = c.cutoffs(m.now.w.EffectiveFrom)
	c.memo.Store(m)
	return m
}

type model struct {
	rules  retention.ModelRules
	series string
}

// New returns a Classifier for the policy and the models of the vehicles
// it will see. It returns an ErrInvalid error naming every bad field when
// the policy or a model is invalid.
func New(policy *retention.Policy, models []retention.Model, opts *Options) (*Classifier, error) {
	if err := policy.Validate(); err != nil {
		return nil, err
	}
	c := &Classifier{policy: *policy, models: make(map[string]model, len(models)), dflt: model{rules: policy.ForModel(nil)},
		recallPrefix: retention.LostRecall.String() + "/"}
	if opts != nil {
		c.dealer, c.pAlive = opts.Dealer, opts.PAlive
	}
	c.below = policy.Status.ChurnPAliveBelow.InexactFloat64()
	c.weights = partWeights(&c.policy.Tiers)
	for i := range models {
		m := &models[i]
		if err := m.Validate(); err != nil {
			return nil, err
		}
		c.models[m.ID] = model{rules: policy.ForModel(m), series: m.Series}
	}
	return c, nil
}

// Rules returns the resolved rules of a model (the defaults of a passenger
// model for an unknown one).
func (c *Classifier) Rules(modelID string) *retention.ModelRules {
	if m, ok := c.models[modelID]; ok {
		return &m.rules
	}
	return &c.dflt.rules
}

// Policy returns the classifier's policy. The slices and maps in it are
// shared: do not change them.
func (c *Classifier) Policy() *retention.Policy { return &c.policy }

// Rule names the rule of POLICY.md §7 that decided a status, so that a DMS
// screen can say why a vehicle is lost.
type Rule uint8

// The status rules, in the order they are tried.
const (
	RuleScrapped      Rule = iota + 1 // the vehicle is marked scrapped
	RuleSold                          // a lost-recall call recorded it sold or scrapped
	RuleNotEffective                  // neither delivered nor visited within 12 months
	RuleNew                           // delivered less than 4 months ago
	RuleLostLastVisit                 // last visit 6 months ago or more
	RuleLostNoVisit                   // never visited, delivered 4 months ago or more
	RuleActive                        // ≥ 4 visits in 12 months, the last within 4 months
	RuleSwing                         // ≤ 2 visits in 12 months
	RuleRegular                       // none of the above
)

var ruleNames = []string{"", "scrapped", "sold", "not-effective", "new", "lost-last-visit",
	"lost-no-visit", "active", "swing", "regular"}

// String returns the kebab-case name of the rule.
func (r Rule) String() string {
	if int(r) < len(ruleNames) {
		return ruleNames[r]
	}
	return fmt.Sprintf("rule(%d)", uint8(r))
}

// MarshalText implements encoding.TextMarshaler.
func (r Rule) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// Flags are the markers of POLICY.md §7 beside a status.
type Flags uint8

// The flags.
const (
	// MaybeLowUsage: a lost vehicle that was driven less than one service
	// interval since its last visit; confirm by phone, do not send a
	// win-back offer (003).
	MaybeLowUsage Flags = 1 << iota
	// Transient: for a dealer, a vehicle whose home dealer is another one (过路车).
	Transient
	// LostContact: three phone attempts of one task failed and nobody was
	// reached since (失联, 002).
	LostContact
	// ChurnRisk: two consecutive maintenances due and missed (004); for a
	// customer also a churn model's P(alive) below
	// StatusPolicy.ChurnPAliveBelow.
	ChurnRisk
)

var flagNames = []string{"maybe-low-usage", "transient", "lost-contact", "churn-risk"}

// Has reports whether all of g are set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// Names returns the names of the set flags in declaration order; never nil.
func (f Flags) Names() []string {
	out := []string{}
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// String returns the names joined by commas.
func (f Flags) String() string { return strings.Join(f.Names(), ",") }

// VehicleResult is the classification of one vehicle as of a date.
type VehicleResult struct {
	VIN, Customer, Model, Series string
	Dealer                       string // the selling dealer

	Stage retention.Stage
	// WarrantyEnd is the first day out of warranty, and which limit ends it
	// (POLICY.md §2).
	WarrantyEnd   date.Date
	WarrantyEndBy retention.Limit
	Status        retention.Status
	Rule          Rule // the rule that decided Status; Reason says it for people

	Retained, Effective bool
	VisitsInWindow      int        // counted visits within VisitWindowMonths
	LastVisit           *date.Date // the last counted visit; nil if none
	LastAdvisor         string     // its service advisor
	HomeDealer          string
	Flags               Flags

	Mileage        retention.Mileage
	NextService    retention.ServiceDue
	MissedServices int // consecutive maintenances missed up to asOf
	// ChurnRiskSince is the day the ChurnRisk flag was raised: the day after
	// the grace period of the ChurnMissedInRow-th missed maintenance.
	// Meaningful only with the flag.
	ChurnRiskSince date.Date

	// The last lost-recall contact of the vehicle, if any.
	RecallOutcome    retention.Outcome
	RecallLossReason string

	// Facts for the retention KPIs (Stats).
	kpi kpiFacts
	// What Reason needs.
	asOf     date.Date
	status   *retention.StatusPolicy
	recallOn date.Date
	// The value of the vehicle to its customer (POLICY.md §8).
	price     money // as a sum: converted once, on the vehicle's worker
	spend12   money
	visits12  int
	delivered date.Date
}

// kpiFacts are what a vehicle contributes to the KPIs of Stats.
type kpiFacts struct {
	holdBase, held             bool // visited 13–24 months ago; and again in the last 12
	winBackBase, wonBack       bool // lost or dormant a year ago; visited since
	firstYearBase, firstYearIn bool // delivered 13–24 months ago; visited within 12 months of it
}

// CustomerInput is one customer with its vehicles and the contacts recorded
// against its tasks (any order).
type CustomerInput struct {
	Customer retention.Customer
	Vehicles []retention.VehicleHistory
	Contacts []retention.Contact
}

// CustomerResult is the classification of one customer as of a date.
type CustomerResult struct {
	ID       string
	Status   retention.Status // the best of its vehicles' (0 when it has none)
	Flags    Flags            // LostContact, and the union of its vehicles' flags
	Tier     Tier             // set by AssignTiers
	Vehicles []VehicleResult  // by VIN

	// Dealer is the dealer whose customers it is ranked with for tiers: the
	// home dealer of its most recently delivered retained vehicle.
	Dealer    string
	Effective bool // at least one effective vehicle
	// LostContactSince is the day of the attempt that raised LostContact.
	// Meaningful only with the flag.
	LostContactSince date.Date
	// PAlive is the customer's probability of being alive from the churn
	// model of Options.PAlive; nil without one.
	PAlive *float64

	kind      retention.CustomerKind
	vip       bool
	referrals int
	hasPhone  bool
}

// Customer classifies a customer and its vehicles as of asOf.
func (c *Classifier) Customer(in *CustomerInput, asOf date.Date) CustomerResult {
	res := CustomerResult{ID: in.Customer.ID, kind: in.Customer.Kind, vip: in.Customer.VIP,
		referrals: in.Customer.Referrals, hasPhone: in.Customer.HasContactData(),
		Vehicles: make([]VehicleResult, 0, len(in.Vehicles))}
	recalls := c.recallContacts(in.Contacts, asOf)
	for i := range in.Vehicles {
		res.Vehicles = append(res.Vehicles, c.Vehicle(&in.Vehicles[i], recalls[in.Vehicles[i].Vehicle.VIN], asOf))
	}
	res.summarize()
	if lost, since := c.lostContact(in.Contacts, asOf); lost {
		res.Flags |= LostContact
		res.LostContactSince = since
	}
	if c.pAlive != nil {
		if p, ok := c.pAlive(res.ID); ok {
			res.PAlive = &p
			if res.Effective && p < c.below {
				res.Flags |= ChurnRisk
			}
		}
	}
	return res
}

// summarize sorts the vehicles by VIN and sets what the customer takes
// from them: the best status, the union of the flags, Effective, and the
// dealer it is ranked with (the home dealer of its most recently delivered
// retained vehicle, or of its first vehicle when none is retained).
func (res *CustomerResult) summarize() {
	slices.SortFunc(res.Vehicles, func(a, b VehicleResult) int { return cmp.Compare(a.VIN, b.VIN) })
	var newest *VehicleResult
	for i := range res.Vehicles {
		v := &res.Vehicles[i]
		if res.Status == 0 || v.Status < res.Status {
			res.Status = v.Status
		}
		res.Flags |= v.Flags
		res.Effective = res.Effective || v.Effective
		if v.Retained && (newest == nil || v.delivered.After(newest.delivered)) {
			newest = v
		}
	}
	if newest != nil {
		res.Dealer = newest.HomeDealer
	} else if len(res.Vehicles) > 0 {
		res.Dealer = res.Vehicles[0].HomeDealer
	}
}

// recallContacts returns the lost-recall contacts on or before asOf by VIN.
func (c *Classifier) recallContacts(cs []retention.Contact, asOf date.Date) map[string][]retention.Contact {
	var out map[string][]retention.Contact
	for _, ct := range cs {
		if date.NewAt(ct.At).After(asOf) {
			continue
		}
		if !strings.HasPrefix(ct.Task, c.recallPrefix) {
			continue // not a recall: no need to parse the key
		}
		touch, subject, _, err := retention.ParseTaskKey(ct.Task)
		if err != nil || touch != retention.LostRecall {
			continue
		}
		if out == nil {
			out = map[string][]retention.Contact{}
		}
		out[subject] = append(out[subject], ct)
	}
	return out
}

// lostContact applies POLICY.md §5: MaxAttempts failed phone attempts
// (Outcome.Failed) of one task, and nobody reached on any task after the
// last of them (a reached, refused or callback-later outcome clears it).
func (c *Classifier) lostContact(cs []retention.Contact, asOf date.Date) (bool, date.Date) {
	if len(cs) < c.policy.Followups.MaxAttempts {
		return false, date.Date{}
	}
	byTime := func(a, b retention.Contact) int { return a.At.Compare(b.At) }
	sorted := cs // stores hand them over in time order: no copy then
	if !slices.IsSortedFunc(cs, byTime) {
		sorted = slices.Clone(cs)
		slices.SortStableFunc(sorted, byTime)
	}
	// The failed attempts by task since the last reach. A customer has a
	// few contacts, so a slice searched in turn is cheaper than a map.
	type attempts struct {
		task string
		n    int
	}
	var buf [4]attempts
	failed := buf[:0]
	lost, since := false, date.Date{}
	for i := range sorted {
		ct := &sorted[i]
		if date.NewAt(ct.At).After(asOf) {
			break
		}
		switch {
		case ct.Outcome == retention.Reached || ct.Outcome == retention.Refused || ct.Outcome == retention.CallbackLater:
			lost = false
			failed = failed[:0]
		case ct.Channel == retention.Phone && ct.Outcome.Failed():
			k := slices.IndexFunc(failed, func(a attempts) bool { return a.task == ct.Task })
			if k < 0 {
				k, failed = len(failed), append(failed, attempts{task: ct.Task})
			}
			failed[k].n++
			if failed[k].n == c.policy.Followups.MaxAttempts && !lost {
				lost, since = true, date.NewAt(ct.At)
			}
		}
	}
	return lost, since
}

// StatusWindows returns the windows against which the status rules count
// visits as of asOf, under this classifier's policy and dealer: what a
// retention.StatusReader needs to compute the facts StatusOf classifies.
func (c *Classifier) StatusWindows(asOf date.Date) retention.StatusWindows {
	st := &c.policy.Status
	return retention.StatusWindows{AsOf: asOf, VisitFrom: retention.AddMonths(asOf, -st.VisitWindowMonths),
		EffectiveFrom: retention.AddMonths(asOf, -st.EffectiveMonths), Dealer: c.dealer}
}

// lastCounted returns the index of the latest visit that counts under w
// (by CompareVisits), or -1.
func lastCounted(visits []retention.Visit, w *retention.StatusWindows) int {
	last := -1
	for i := range visits {
		v := &visits[i]
		if w.Counts(v) && (last < 0 || retention.CompareVisits(v, &visits[last]) > 0) {
			last = i
		}
	}
	return last
}

// effective reports whether a retained vehicle is effective (POLICY.md §7):
// delivered, or visited, within EffectiveMonths of the cutoffs' day (after
// it counts: a delivery recorded ahead).
func effective(f *retention.StatusFacts, cut *cutoffs) bool {
	return f.InEffective > 0 || f.DeliveredOn.After(cut.w.EffectiveFrom) // retention.WithinMonths, or after asOf
}

// latestRecall returns the last lost-recall contact on or before asOf, or
// nil.
func latestRecall(recalls []retention.Contact, asOf date.Date) *retention.Contact {
	var last *retention.Contact
	for i := range recalls {
		ct := &recalls[i]
		if !date.NewAt(ct.At).After(asOf) && (last == nil || ct.At.After(last.At)) {
			last = ct
		}
	}
	return last
}

// lostByRecall reports whether a lost-recall contact recorded the vehicle
// as sold or scrapped (POLICY.md §7), which takes it out of retention.
func lostByRecall(ct *retention.Contact) bool {
	return ct != nil && (ct.LossReason == "sold" || ct.LossReason == "scrapped")
}

// value returns the service spend and the number of the visits that count
// under w opened after w.EffectiveFrom: the vehicle's part of its
// customer's value (POLICY.md §8).
func value(h *retention.VehicleHistory, w *retention.StatusWindows) (money, int) {
	var spend money
	n := 0
	for i := range h.Visits {
		if vi := &h.Visits[i]; w.Counts(vi) && vi.OpenedOn.After(w.EffectiveFrom) {
			spend.add(vi.Amount)
			n++
		}
	}
	return spend, n
}

// status applies the first-match rules of POLICY.md §7 to a retained
// vehicle.
func (c *Classifier) status(f *retention.StatusFacts, cut *cutoffs) (retention.Status, Rule) {
	st := &c.policy.Status
	switch {
	case !effective(f, cut):
		return retention.StatusDormant, RuleNotEffective
	// "Less than k months ago" is the complement of "k months or more ago"
	// (retention.MonthsOrMoreAgo), both measured back from asOf (POLICY.md
	// §1).
	case f.DeliveredOn.After(cut.newFrom):
		return retention.StatusNew, RuleNew
	case f.LastVisit == nil:
		return retention.StatusLost, RuleLostNoVisit
	}
	last := *f.LastVisit
	switch {
	case !last.After(cut.lostFrom): // retention.MonthsOrMoreAgo
		return retention.StatusLost, RuleLostLastVisit
	case f.InWindow >= st.ActiveMinVisits && last.After(cut.activeFrom) && !last.After(cut.w.AsOf): // retention.WithinMonths
		return retention.StatusActive, RuleActive
	case f.InWindow <= st.SwingMaxVisits:
		return retention.StatusSwing, RuleSwing
	}
	return retention.StatusRegular, RuleRegular
}

// Reason says, for people, why the vehicle has its status: the rule with
// the vehicle's dates and counts. It is composed when asked for, not for
// every vehicle classified.
func (r *VehicleResult) Reason() string {
	st := r.status
	switch r.Rule {
	case RuleScrapped:
		return "marked scrapped"
	case RuleSold:
		return fmt.Sprintf("lost-recall call on %s recorded %q", r.recallOn, r.RecallLossReason)
	case RuleNotEffective:
		return fmt.Sprintf("delivered %s and no visit within %d months of %s", r.delivered, st.EffectiveMonths, r.asOf)
	case RuleNew:
		return fmt.Sprintf("delivered %s, less than %d months before %s", r.delivered, st.NewMonths, r.asOf)
	case RuleLostNoVisit:
		return fmt.Sprintf("no visit since the delivery on %s, %d months or more before %s", r.delivered, st.NewMonths, r.asOf)
	case RuleLostLastVisit:
		return fmt.Sprintf("last visit %s, %d months or more before %s", *r.LastVisit, st.LostMonths, r.asOf)
	case RuleActive:
		return fmt.Sprintf("%s within %d months, the last on %s", visitsText(r.VisitsInWindow), st.VisitWindowMonths, *r.LastVisit)
	case RuleSwing:
		return fmt.Sprintf("%s within %d months (at most %d)", visitsText(r.VisitsInWindow), st.VisitWindowMonths, st.SwingMaxVisits)
	case RuleRegular:
		return fmt.Sprintf("%s within %d months, the last on %s", visitsText(r.VisitsInWindow), st.VisitWindowMonths, *r.LastVisit)
	}
	return ""
}

// Vehicle classifies one vehicle as of asOf. recalls are the contacts of
// its lost-recall tasks (any order; those after asOf are ignored).
func (c *Classifier) Vehicle(h *retention.VehicleHistory, recalls []retention.Contact, asOf date.Date) VehicleResult {
	v := &h.Vehicle
	m, ok := c.models[v.Model]
	if !ok {
		m = c.dflt
	}
	st := &c.policy.Status
	r := VehicleResult{VIN: v.VIN, Customer: v.Customer, Model: v.Model, Series: m.series, Dealer: v.Dealer,
		price: moneyOf(v.Price), delivered: v.DeliveredOn, asOf: asOf, status: st}
	r.Mileage = c.policy.EstimateMileage(v, h.Visits, &m.rules, asOf)
	lc := c.policy.LifecycleOf(v, &m.rules, &r.Mileage, asOf)
	r.Stage, r.WarrantyEnd, r.WarrantyEndBy = lc.Stage, lc.WarrantyEnd, lc.WarrantyEndBy
	r.NextService = retention.NextService(v, h.Visits, &m.rules, &r.Mileage, asOf)
	cut := c.cutoffsAt(asOf)
	r.HomeDealer = c.homeDealer(h, &cut.now)

	lastRecall := latestRecall(recalls, asOf)
	if lastRecall != nil {
		r.RecallOutcome, r.RecallLossReason = lastRecall.Outcome, lastRecall.LossReason
	}

	w := cut.now.w
	f := w.Facts(h)
	r.VisitsInWindow = f.InWindow
	if f.LastVisit != nil {
		r.LastVisit, r.LastAdvisor = f.LastVisit, h.Visits[lastCounted(h.Visits, &w)].Advisor
	}
	switch {
	case v.Scrapped:
		r.Status, r.Rule = retention.StatusScrapped, RuleScrapped
	case lostByRecall(lastRecall):
		r.Status, r.Rule, r.recallOn = retention.StatusScrapped, RuleSold, date.NewAt(lastRecall.At)
	default:
		r.Retained = true
		r.Status, r.Rule = c.status(&f, &cut.now)
		r.Effective = r.Status != retention.StatusDormant
	}

	if c.dealer != "" && r.HomeDealer != c.dealer {
		r.Flags |= Transient
	}
	if r.Status == retention.StatusLost {
		since := v.DeliveredOn
		if r.LastVisit != nil {
			since = *r.LastVisit
		}
		if r.Mileage.OdometerOn(asOf)-r.Mileage.OdometerOn(since) < m.rules.ServiceIntervalKm {
			r.Flags |= MaybeLowUsage
		}
	}
	if r.Effective {
		r.MissedServices, r.ChurnRiskSince = c.missedServices(h, &m.rules, &r.Mileage, &w)
		if r.MissedServices >= st.ChurnMissedInRow {
			r.Flags |= ChurnRisk
		}
	}

	// Value and KPI facts over the counted visits.
	yearAgo := w.EffectiveFrom
	twoYearsAgo := cut.now.twoYears
	r.spend12, r.visits12 = value(h, &w)
	r.kpi.held, r.kpi.wonBack = r.visits12 > 0, r.visits12 > 0
	firstYearEnd := retention.AddMonths(v.DeliveredOn, st.EffectiveMonths)
	for i := range h.Visits {
		vi := &h.Visits[i]
		if !w.Counts(vi) {
			continue
		}
		if vi.OpenedOn.After(twoYearsAgo) && !vi.OpenedOn.After(yearAgo) {
			r.kpi.holdBase = true
		}
		if vi.OpenedOn.After(v.DeliveredOn) && !vi.OpenedOn.After(firstYearEnd) {
			r.kpi.firstYearIn = true
		}
	}
	r.kpi.held = r.kpi.held && r.kpi.holdBase
	r.kpi.firstYearBase = v.DeliveredOn.After(twoYearsAgo) && !v.DeliveredOn.After(yearAgo)
	r.kpi.firstYearIn = r.kpi.firstYearIn && r.kpi.firstYearBase
	if r.Retained && !v.DeliveredOn.After(yearAgo) {
		f := cut.yearAgo.w.Facts(h)
		then, _ := c.status(&f, &cut.yearAgo) // as Status(h, yearAgo): not scrapped, it is retained
		r.kpi.winBackBase = then == retention.StatusLost || then == retention.StatusDormant
	}
	r.kpi.wonBack = r.kpi.wonBack && r.kpi.winBackBase
	return r
}

// Status returns the status of a vehicle as of asOf and the rule that
// decided it, as Vehicle does, without the flags, mileage and everything
// else: for bulk checks of statuses alone. Lost-recall results are not
// considered (Vehicle's RuleSold).
func (c *Classifier) Status(h *retention.VehicleHistory, asOf date.Date) (retention.Status, Rule) {
	f := c.cutoffsAt(asOf).now.w.Facts(h)
	return c.StatusOf(&f, asOf)
}

// StatusOf returns the status and deciding rule of a vehicle from its
// status facts, which must have been computed under c.StatusWindows(asOf)
// (by a retention.StatusReader, or StatusWindows.Facts): the same result as
// Status on the vehicle's history. It is how the statuses of a whole
// network are classified without reading its repair orders.
func (c *Classifier) StatusOf(f *retention.StatusFacts, asOf date.Date) (retention.Status, Rule) {
	if f.Scrapped {
		return retention.StatusScrapped, RuleScrapped
	}
	return c.status(f, &c.cutoffsAt(asOf).now)
}

// homeDealer returns the dealer with the most visits of the vehicle within
// HomeDealerMonths (ties: the most recent visit, then the smaller id), or
// the selling dealer when there are none (POLICY.md §7). All stations count.
func (c *Classifier) homeDealer(h *retention.VehicleHistory, cut *cutoffs) string {
	// A vehicle visits few dealers: a small slice beats a map.
	type tally struct {
		dealer string
		n      int
		last   date.Date
	}
	var counts [4]tally
	seen := counts[:0]
	asOf, from := cut.w.AsOf, cut.homeFrom
	for i := range h.Visits {
		vi := &h.Visits[i]
		if vi.OpenedOn.After(asOf) || !vi.OpenedOn.After(from) {
			continue
		}
		j := slices.IndexFunc(seen, func(t tally) bool { return t.dealer == vi.Dealer })
		if j < 0 {
			seen = append(seen, tally{dealer: vi.Dealer, last: vi.OpenedOn})
			j = len(seen) - 1
		}
		t := &seen[j]
		t.n++
		if vi.OpenedOn.After(t.last) {
			t.last = vi.OpenedOn
		}
	}
	best := h.Vehicle.Dealer
	var bestT *tally
	for i := range seen {
		t := &seen[i]
		if bestT == nil || t.n > bestT.n || (t.n == bestT.n && (t.last.After(bestT.last) || (t.last == bestT.last && t.dealer < bestT.dealer))) {
			best, bestT = t.dealer, t
		}
	}
	return best
}

// missedServices counts the maintenances due and missed in a row up to
// asOf (POLICY.md §7 churn-risk): a maintenance is missed when no
// maintenance visit is opened after its anchor and at most ChurnGraceDays
// after its due date, and the grace period is over; the next one is then
// due an interval after the missed due date. A maintenance visit resets the
// count. It also returns the day after the grace period of the
// ChurnMissedInRow-th miss of the current streak (zero when fewer).
//
// Every maintenance visit after the delivery resets the count when the
// chain of due dates reaches it, so the streak that counts starts at the
// last one (or at the delivery): the chain is walked from there, not from
// the delivery (TestMissedServicesFromTheLastMaintenance checks it against
// the walk from the delivery).
func (c *Classifier) missedServices(h *retention.VehicleHistory, rules *retention.ModelRules, m *retention.Mileage, w *retention.StatusWindows) (int, date.Date) {
	v, asOf := &h.Vehicle, w.AsOf
	grace := c.policy.Status.ChurnGraceDays
	var last date.Date
	found := false
	for i := range h.Visits {
		if vi := &h.Visits[i]; vi.Kind.IsMaintenance() && w.Counts(vi) && vi.OpenedOn.After(v.DeliveredOn) &&
			(!found || vi.OpenedOn.After(last)) {
			last, found = vi.OpenedOn, true
		}
	}
	var due retention.ServiceDue
	if found {
		due = retention.ServiceAfter(last, m.OdometerOn(last), rules.ServiceIntervalMonths, rules.ServiceIntervalKm, m)
	} else {
		due = retention.ServiceAfter(v.DeliveredOn, v.DeliveryOdometerKm, rules.FirstServiceMonths, rules.FirstServiceKm, m)
	}
	missed := 0
	var since date.Date
	for {
		deadline := retention.AddDays(due.DueOn, grace)
		if !asOf.After(deadline) {
			return missed, since
		}
		missed++
		if missed == c.policy.Status.ChurnMissedInRow {
			since = retention.AddDays(deadline, 1)
		}
		due = retention.ServiceAfter(due.DueOn, due.OdometerKm, rules.ServiceIntervalMonths, rules.ServiceIntervalKm, m)
	}
}

// visitsText returns "1 visit" or "n visits".
func visitsText(n int) string {
	if n == 1 {
		return "1 visit"
	}
	return fmt.Sprintf("%d visits", n)
}
