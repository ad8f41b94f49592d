// Package demo generates a synthetic dealership network: deterministic for a
// seed, sized from a few hundred to millions of vehicles, and realistic
// enough to exercise every rule of the policy — several dealers and regions,
// passenger and commercial models (one with a long first service),
// individual, company and fleet customers, a spread of daily mileages,
// seasonal visits, loyal customers and customers who drift away, repairs
// that come back, complaints, survey answers and contact outcomes, and the
// odd mistyped odometer.
//
// The dates are laid out around an as-of date, so that the plan of that day
// always has work in it.
package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// Options size and seed a network. A nil *Options means the defaults.
type Options struct {
	Vehicles int       // about this many vehicles; default 600
	Dealers  int       // default 3
	Seed     uint64    // default 1
	AsOf     date.Date // the day the network is built around; required
}

// profile is how a customer keeps a vehicle serviced.
type profile uint8

const (
	loyal      profile = iota // every maintenance, on time
	occasional                // most maintenances, late
	drifting                  // loyal, then gone
	neverBack                 // no visit after the sale
)

// Generate returns the dataset of a synthetic network.
func Generate(opts *Options) *retention.Dataset {
	o := Options{Vehicles: 600, Dealers: 3, Seed: 1}
	if opts != nil {
		o.AsOf = opts.AsOf
		if opts.Vehicles > 0 {
			o.Vehicles = opts.Vehicles
		}
		if opts.Dealers > 0 {
			o.Dealers = opts.Dealers
		}
		if opts.Seed != 0 {
			o.Seed = opts.Seed
		}
	}
	g := &gen{r: rand.New(rand.NewPCG(o.Seed, 0xdc2c)), asOf: o.AsOf, ds: &retention.Dataset{},
		cst: time.FixedZone("CST", 8*3600)}
	g.network(o.Dealers)
	for len(g.ds.Vehicles) < o.Vehicles {
		g.customer()
	}
	return g.ds
}

type gen struct {
	r        *rand.Rand
	asOf     date.Date
	ds       *retention.Dataset
	regions  []string
	advisors map[string][]string
	visitSeq int
	cst      *time.Location // the dealers' time zone, one for every contact
}

type modelSpec struct {
	m       retention.Model
	dailyKm float64 // median daily km of its drivers
	price   int64
}

func (g *gen) models() []modelSpec {
	return []modelSpec{
		{retention.Model{ID: "SEDAN", Series: "Aurora", Kind: retention.Passenger}, 38, 128_000},
		{retention.Model{ID: "SUV", Series: "Aurora", Kind: retention.Passenger, WarrantyMonths: 60, WarrantyKm: 150_000}, 45, 189_000},
		{retention.Model{ID: "MPV", Series: "Mengpaike", Kind: retention.Passenger, LongFirstService: true}, 50, 158_000},
		{retention.Model{ID: "VAN", Series: "Cargo", Kind: retention.Commercial, ServiceIntervalKm: 10_000}, 140, 99_000},
		{retention.Model{ID: "TRUCK", Series: "Cargo", Kind: retention.Commercial, ServiceIntervalKm: 15_000,
			ServiceIntervalMonths: 4, DefaultDailyKm: 220}, 230, 265_000},
	}
}

func (g *gen) network(dealers int) {
	g.regions = []string{"320100", "320500", "330100"}
	g.advisors = map[string][]string{}
	for i := range dealers {
		id := fmt.Sprintf("D%d", i+1)
		g.ds.Dealers = append(g.ds.Dealers, retention.Dealer{ID: id, Name: fmt.Sprintf("Dealer %d", i+1),
			Region: g.regions[i%len(g.regions)]})
		for a := range 4 {
			g.advisors[id] = append(g.advisors[id], fmt.Sprintf("%s-SA%d", id, a+1))
		}
	}
	for _, m := range g.models() {
		g.ds.Models = append(g.ds.Models, m.m)
	}
}

func (g *gen) pick(weights ...float64) int {
	x := g.r.Float64() * sum(weights)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func sum(ws []float64) float64 {
	t := 0.0
	for _, w := range ws {
		t += w
	}
	return t
}

func (g *gen) customer() {
	n := len(g.ds.Customers)
	id := fmt.Sprintf("C%07d", n+1)
	kind := []retention.CustomerKind{retention.Individual, retention.Company, retention.Fleet}[g.pick(85, 10, 5)]
	c := retention.Customer{ID: id, Name: fmt.Sprintf("Customer %d", n+1), Phone: fmt.Sprintf("138%08d", g.r.IntN(1e8)),
		Kind: kind, VIP: g.r.IntN(20) == 0, Region: g.regions[g.r.IntN(len(g.regions))],
		DoNotContact: g.r.IntN(33) == 0, Referrals: g.pick(80, 15, 5)}
	if c.DoNotContact {
		c.AllowServiceFollowups = g.r.IntN(2) == 0
	}
	if kind == retention.Individual {
		b := retention.AddDays(g.asOf, -(20*365 + g.r.IntN(40*365)))
		c.Birthday = &b
	}
	if g.r.IntN(25) == 0 {
		c.Phone = "" // no valid contact data
	}
	g.ds.Customers = append(g.ds.Customers, c)
	vehicles := 1
	switch {
	case kind == retention.Fleet:
		vehicles = 3 + g.r.IntN(6)
	case g.r.IntN(10) == 0:
		vehicles = 2
	}
	dealer := g.ds.Dealers[g.r.IntN(len(g.ds.Dealers))].ID
	for v := range vehicles {
		g.vehicle(&c, dealer, v)
	}
}

func (g *gen) vehicle(c *retention.Customer, dealer string, nth int) {
	specs := g.models()
	var spec modelSpec
	if c.Kind == retention.Fleet {
		spec = specs[3+g.r.IntN(2)]
	} else {
		spec = specs[g.pick(40, 30, 15, 10, 5)]
	}
	// Deliveries over six years, more of them recently.
	age := int(math.Pow(g.r.Float64(), 1.4) * 6 * 365)
	delivered := retention.AddDays(g.asOf, -age)
	purchase := retention.FirstPurchase
	if nth > 0 {
		purchase = retention.AddOnPurchase
	} else if g.r.IntN(8) == 0 {
		purchase = retention.ReplacementPurchase
	}
	v := retention.Vehicle{VIN: fmt.Sprintf("LDC%014d", len(g.ds.Vehicles)+1), Customer: c.ID, Model: spec.m.ID,
		Dealer: dealer, DeliveredOn: delivered, SalesConsultant: fmt.Sprintf("%s-SC%d", dealer, 1+g.r.IntN(5)),
		Price: decimal.New(spec.price*100+int64(g.r.IntN(2_000_000)), -2), Purchase: purchase}
	ins := retention.AnniversaryIn(delivered, g.asOf.Year())
	if ins.Before(g.asOf) {
		ins = retention.AnniversaryIn(delivered, g.asOf.Year()+1)
	}
	v.InsuranceExpiresOn = &ins
	if g.r.IntN(3) == 0 {
		insp := retention.AddDays(g.asOf, g.r.IntN(120)-20)
		v.InspectionDueOn = &insp
	}
	if age > 5*365 && g.r.IntN(6) == 0 {
		v.Scrapped = true
	}
	g.ds.Vehicles = append(g.ds.Vehicles, v)
	prof := profile(g.pick(45, 25, 20, 10))
	g.history(&v, spec, prof)
	g.saleContacts(&v, c)
}

// history lays out the vehicle's repair orders up to asOf.
func (g *gen) history(v *retention.Vehicle, spec modelSpec, prof profile) {
	dailyKm := spec.dailyKm * math.Exp(g.r.NormFloat64()*0.45)
	intervalKm, intervalMonths := 5000, 3
	if spec.m.ServiceIntervalKm > 0 {
		intervalKm = spec.m.ServiceIntervalKm
	}
	if spec.m.ServiceIntervalMonths > 0 {
		intervalMonths = spec.m.ServiceIntervalMonths
	}
	home := v.Dealer
	if g.r.IntN(8) == 0 { // serviced elsewhere: a transient vehicle for its seller
		home = g.ds.Dealers[g.r.IntN(len(g.ds.Dealers))].ID
	}
	stopAfter := g.asOf
	switch prof {
	case drifting:
		stopAfter = retention.AddDays(v.DeliveredOn, 120+g.r.IntN(max(1, retention.DaysBetween(v.DeliveredOn, g.asOf))))
	case neverBack:
		stopAfter = v.DeliveredOn
	}
	km := func(on date.Date) int {
		return int(dailyKm * float64(retention.DaysBetween(v.DeliveredOn, on)))
	}
	last := v.DeliveredOn
	first := true
	for {
		// The next maintenance: interval months or km, whichever first, late for
		// occasional customers.
		byTime := retention.AddMonths(last, intervalMonths)
		byKm := retention.AddDays(last, int(float64(intervalKm)/dailyKm))
		due := byTime
		if byKm.Before(due) {
			due = byKm
		}
		on := retention.AddDays(due, g.r.IntN(15)-7)
		if prof == occasional {
			on = retention.AddDays(due, g.r.IntN(120))
		}
		if on.After(g.asOf) || on.After(stopAfter) {
			break
		}
		kind := retention.Maintenance
		if first {
			kind = retention.FirstService
		}
		if prof == occasional && g.r.IntN(3) == 0 {
			last = on // skipped this one
			continue
		}
		g.visit(v, home, on, km(on), kind, nil)
		first = false
		last = on
		// Seasonal repairs: more in winter and summer.
		if m := on.Month(); (m == time.January || m == time.July || m == time.December) && g.r.IntN(3) == 0 ||
			g.r.IntN(9) == 0 {
			rep := retention.AddDays(on, 5+g.r.IntN(40))
			if !rep.After(g.asOf) && !rep.After(stopAfter) {
				g.repair(v, home, rep, km(rep))
			}
		}
	}
}

var complaintCodes = []string{"brake-noise", "ac-weak", "engine-light", "water-leak", "rattle", "battery", "paint"}

func (g *gen) repair(v *retention.Vehicle, dealer string, on date.Date, km int) {
	kind := []retention.VisitKind{retention.Repair, retention.WarrantyRepair, retention.BodyPaint}[g.pick(50, 35, 15)]
	code := complaintCodes[g.r.IntN(len(complaintCodes))]
	vi := g.visit(v, dealer, on, km, kind, []string{code})
	// About one repair in eight comes back for the same complaint.
	if g.r.IntN(8) == 0 {
		back := retention.AddDays(vi.ClosedOn, 1+g.r.IntN(35))
		if !back.After(g.asOf) {
			g.visit(v, dealer, back, km+200, retention.Repair, []string{code})
			if g.r.IntN(2) == 0 {
				g.complaint(v, back, retention.Major, "repair-quality", retention.FromOnSite)
			}
		}
	}
}

func (g *gen) visit(v *retention.Vehicle, dealer string, on date.Date, km int, kind retention.VisitKind, codes []string) retention.Visit {
	g.visitSeq++
	advisors := g.advisors[dealer]
	closed := on
	if kind != retention.Maintenance && kind != retention.FirstService {
		closed = retention.AddDays(on, g.r.IntN(3))
		if closed.After(g.asOf) {
			closed = g.asOf
		}
	}
	if g.r.IntN(150) == 0 {
		km = km / 10 // a mistyped odometer: reported as a finding
	}
	amount := decimal.Zero
	switch kind {
	case retention.Maintenance:
		amount = decimal.New(int64(300+g.r.IntN(900))*100+int64(g.r.IntN(100)), -2)
	case retention.Repair, retention.BodyPaint:
		amount = decimal.New(int64(200+g.r.IntN(6000))*100, -2)
	}
	vi := retention.Visit{ID: fmt.Sprintf("RO%08d", g.visitSeq), VIN: v.VIN, Dealer: dealer, OpenedOn: on, ClosedOn: closed,
		OdometerKm: max(km, 1), Kind: kind, Advisor: advisors[g.r.IntN(len(advisors))],
		Technician: fmt.Sprintf("%s-T%d", dealer, 1+g.r.IntN(8)), ComplaintCodes: codes, Amount: amount}
	if vi.ComplaintCodes == nil {
		vi.ComplaintCodes = []string{}
	}
	g.ds.Visits = append(g.ds.Visits, vi)
	// Service follow-up calls and their surveys; after a first service the
	// OEM also surveys by SMS, customers who got no call among them.
	if kind != retention.Maintenance && g.r.IntN(2) == 0 {
		g.followup(v, retention.ServiceFollowup2D, closed, 2, vi.Advisor)
	}
	if kind == retention.FirstService && g.r.IntN(3) == 0 {
		if on := retention.AddDays(closed, 4); on.Before(g.asOf) {
			g.survey(v, retention.ServiceFollowup4D, on, vi.Advisor, 3, 6, 18, 38, 35)
		}
	}
	return vi
}

func (g *gen) at(on date.Date, hour int) time.Time {
	return time.Date(on.Year(), on.Month(), on.Day(), hour, g.r.IntN(60), 0, 0, g.cst)
}

// followup records the call of a follow-up touch and, when the customer
// answered, a survey.
func (g *gen) followup(v *retention.Vehicle, t retention.Touch, anchor date.Date, days int, advisor string) {
	on := retention.AddDays(anchor, days)
	if !on.Before(g.asOf) {
		return
	}
	key := retention.TaskKey(t, v.VIN, anchor)
	outcome := []retention.Outcome{retention.Reached, retention.NoAnswer, retention.Busy, retention.CallbackLater}[g.pick(70, 18, 7, 5)]
	ct := retention.Contact{Task: key, At: g.at(on, 10), Channel: retention.Phone, Outcome: outcome}
	if t == retention.SaleFollowup3D && outcome == retention.Reached {
		ct.PreferredChannel = []retention.Channel{retention.Phone, retention.SMS, retention.App}[g.pick(60, 30, 10)]
		if ct.PreferredChannel == retention.Phone {
			ct.PreferredTime = []string{"09:00-12:00", "14:00-17:00", "18:00-20:00"}[g.r.IntN(3)]
		}
	}
	g.ds.Contacts = append(g.ds.Contacts, ct)
	if outcome != retention.Reached {
		return
	}
	if answers := g.survey(v, t, on, advisor, 2, 4, 14, 40, 40); answers["service-quality"] <= 2 {
		g.complaint(v, on, retention.Normal, "service-quality", retention.FromFollowupCall)
	}
}

// survey records answers drawn with the weights of the scores 1–5.
func (g *gen) survey(v *retention.Vehicle, t retention.Touch, on date.Date, advisor string, weights ...float64) map[string]int {
	answers := map[string]int{}
	for _, q := range []string{"service-initiation", "service-advisor", "facility", "vehicle-pickup", "service-quality",
		"explanation", "understanding-needs", "correct-work", "contact-index"} {
		answers[q] = 1 + g.pick(weights...)
	}
	rec := 4 + g.r.IntN(7)
	g.ds.Surveys = append(g.ds.Surveys, retention.Survey{Customer: v.Customer, Touch: t, At: g.at(on, 11),
		Answers: answers, Recommend: &rec, Advisor: advisor})
	return answers
}

func (g *gen) saleContacts(v *retention.Vehicle, c *retention.Customer) {
	g.followup(v, retention.SaleFollowup3D, v.DeliveredOn, 3, "")
	// A few customers never pick up: three failed calls make them lost-contact.
	if on := retention.AddDays(v.DeliveredOn, 3); g.r.IntN(40) == 0 && on.Before(g.asOf) {
		key := retention.TaskKey(retention.SaleFollowup1M, v.VIN, v.DeliveredOn)
		for i := range 3 {
			g.ds.Contacts = append(g.ds.Contacts, retention.Contact{Task: key, At: g.at(retention.AddDays(on, i), 15),
				Channel: retention.Phone, Outcome: retention.NoAnswer})
		}
	}
}

func (g *gen) complaint(v *retention.Vehicle, on date.Date, sev retention.Severity, category string, src retention.ComplaintSource) {
	received := g.at(on, 9+g.r.IntN(8))
	c := retention.Complaint{ID: fmt.Sprintf("K%07d", len(g.ds.Complaints)+1), Customer: v.Customer, VIN: v.VIN,
		Severity: sev, Category: category, Source: src, ReceivedAt: received}
	limit := 2 * time.Hour // mostly within SLA, sometimes not
	if sev == retention.Major {
		limit = time.Hour
	}
	ack := received.Add(time.Duration(float64(limit) * (0.1 + g.r.Float64()*1.05)))
	asOfEnd := g.asOf.UTC().Add(24 * time.Hour)
	if ack.Before(asOfEnd) {
		c.AcknowledgedAt = &ack
		solve := 24 * time.Hour
		if sev == retention.Major {
			solve = 48 * time.Hour
		}
		solved := received.Add(time.Duration(float64(solve) * (0.1 + g.r.Float64()*1.0)))
		if solved.Before(asOfEnd) && g.r.IntN(10) > 0 {
			c.SolvedAt = &solved
			closed := solved.Add(time.Duration(24+g.r.IntN(72)) * time.Hour)
			if closed.Before(asOfEnd) {
				c.ClosedAt = &closed
			}
		}
	}
	g.ds.Complaints = append(g.ds.Complaints, c)
}
