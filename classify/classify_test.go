package classify

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

var d = retention.MustParseDate

func newClassifier(t testing.TB, opts *Options) *Classifier {
	t.Helper()
	p := retention.DefaultPolicy()
	c, err := New(&p, []retention.Model{{ID: "M1", Series: "S1", Kind: retention.Passenger},
		{ID: "M2", Series: "S2", Kind: retention.Commercial}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// history builds vehicle V1 of C1 (model M1, sold by D1) delivered on the
// date, with repair visits at D1 on the dates.
func history(delivered string, visits ...string) retention.VehicleHistory {
	h := retention.VehicleHistory{Vehicle: retention.Vehicle{VIN: "V1", Customer: "C1", Model: "M1", Dealer: "D1",
		DeliveredOn: d(delivered), Purchase: retention.FirstPurchase}}
	for i, on := range visits {
		h.Visits = append(h.Visits, retention.Visit{ID: fmt.Sprintf("RO%d", i+1), VIN: "V1", Dealer: "D1",
			OpenedOn: d(on), ClosedOn: d(on), Kind: retention.Repair})
	}
	return h
}

// TestStatusBoundaries has one case per boundary of POLICY.md §7: the day
// before, on and after, as of 2026-08-31 (a month end, so that every window
// start is clamped: 12 months back is 2025-08-31, 6 months 2026-02-28,
// 4 months 2026-04-30).
func TestStatusBoundaries(t *testing.T) {
	c := newClassifier(t, nil)
	asOf := d("2026-08-31")
	old := "2024-01-15" // delivered long ago: neither new nor effective by delivery
	tests := []struct {
		name string
		h    retention.VehicleHistory
		want retention.Status
		rule Rule
	}{
		// new: delivered less than 4 months ago (after 2026-04-30).
		{"new: delivered the day after asOf−4m", history("2026-05-01"), retention.StatusNew, RuleNew},
		{"new: delivered on asOf−4m is not new", history("2026-04-30"), retention.StatusLost, RuleLostNoVisit},
		{"new: delivered the day before asOf−4m", history("2026-04-29"), retention.StatusLost, RuleLostNoVisit},
		{"new: delivered on asOf", history("2026-08-31"), retention.StatusNew, RuleNew},
		{"new wins over few visits", history("2026-06-01", "2026-07-01"), retention.StatusNew, RuleNew},

		// effective by delivery within 12 months (after 2025-08-31).
		{"effective: delivered the day after asOf−12m", history("2025-09-01"), retention.StatusLost, RuleLostNoVisit},
		{"effective: delivered on asOf−12m is not", history("2025-08-31"), retention.StatusDormant, RuleNotEffective},
		{"effective: delivered the day before", history("2025-08-30"), retention.StatusDormant, RuleNotEffective},

		// effective by a visit within 12 months.
		{"effective: visit the day after asOf−12m", history(old, "2025-09-01"), retention.StatusLost, RuleLostLastVisit},
		{"effective: visit on asOf−12m is not", history(old, "2025-08-31"), retention.StatusDormant, RuleNotEffective},
		{"effective: visit the day before", history(old, "2025-08-30"), retention.StatusDormant, RuleNotEffective},

		// lost: last visit 6 months or more ago (on or before 2026-02-28).
		{"lost: last visit the day before asOf−6m", history(old, "2026-02-27"), retention.StatusLost, RuleLostLastVisit},
		{"lost: last visit on asOf−6m", history(old, "2026-02-28"), retention.StatusLost, RuleLostLastVisit},
		{"lost: a visit on 2026-03-01 is not six months old", history(old, "2026-03-01"), retention.StatusSwing, RuleSwing},

		// active: ≥ 4 visits within 12 months and the last within 4 months
		// (after 2026-04-30).
		{"active: last visit the day after asOf−4m", history(old, "2025-10-01", "2025-12-01", "2026-02-01", "2026-05-01"), retention.StatusActive, RuleActive},
		{"active: last visit on asOf−4m is regular", history(old, "2025-10-01", "2025-12-01", "2026-02-01", "2026-04-30"), retention.StatusRegular, RuleRegular},
		{"active: last visit the day before asOf−4m", history(old, "2025-10-01", "2025-12-01", "2026-02-01", "2026-04-29"), retention.StatusRegular, RuleRegular},
		{"active: first of 4 visits the day after asOf−12m", history(old, "2025-09-01", "2026-01-01", "2026-05-01", "2026-08-01"), retention.StatusActive, RuleActive},
		{"active: first of 4 visits on asOf−12m does not count", history(old, "2025-08-31", "2026-01-01", "2026-05-01", "2026-08-01"), retention.StatusRegular, RuleRegular},
		{"active: 5 visits", history(old, "2025-09-01", "2025-11-01", "2026-01-01", "2026-05-01", "2026-08-31"), retention.StatusActive, RuleActive},

		// swing: ≤ 2 visits within 12 months; 3 is regular.
		{"swing: 1 visit", history(old, "2026-08-01"), retention.StatusSwing, RuleSwing},
		{"swing: 2 visits", history(old, "2026-05-01", "2026-08-01"), retention.StatusSwing, RuleSwing},
		{"regular: 3 visits", history(old, "2026-03-01", "2026-05-01", "2026-08-01"), retention.StatusRegular, RuleRegular},
		{"swing: third visit on asOf−12m does not count", history(old, "2025-08-31", "2026-05-01", "2026-08-01"), retention.StatusSwing, RuleSwing},
		{"regular: third visit the day after asOf−12m", history(old, "2025-09-01", "2026-05-01", "2026-08-01"), retention.StatusRegular, RuleRegular},

		// Visits after asOf are not seen.
		{"visits after asOf are ignored", history(old, "2026-09-01"), retention.StatusDormant, RuleNotEffective},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Vehicle(&tt.h, nil, asOf)
			if got.Status != tt.want || got.Rule != tt.rule {
				t.Errorf("status = %s (%s: %s), want %s (%s)", got.Status, got.Rule, got.Reason(), tt.want, tt.rule)
			}
			// The same boundary, from the facts a store aggregates.
			w := c.StatusWindows(asOf)
			f := w.Facts(&tt.h)
			if s, rule := c.StatusOf(&f, asOf); s != tt.want || rule != tt.rule {
				t.Errorf("StatusOf(%+v) = %s (%s), want %s (%s)", f, s, rule, tt.want, tt.rule)
			}
		})
	}
}

// The forward and backward month arithmetic disagree at month ends: as of
// 2027-02-28 a vehicle delivered 2026-10-31 was delivered after
// 2027-02-28 − 4 months = 2026-10-28, so it is still new (POLICY.md §1
// measures windows back from D).
func TestNewIsMeasuredBackFromAsOf(t *testing.T) {
	c := newClassifier(t, nil)
	h := history("2026-10-31")
	if got := c.Vehicle(&h, nil, d("2027-02-28")); got.Status != retention.StatusNew {
		t.Errorf("status = %s (%s), want new", got.Status, got.Reason())
	}
}

func TestScrappedAndSold(t *testing.T) {
	c := newClassifier(t, nil)
	asOf := d("2026-08-31")
	h := history("2026-01-01", "2026-08-01")
	h.Vehicle.Scrapped = true
	if got := c.Vehicle(&h, nil, asOf); got.Status != retention.StatusScrapped || got.Rule != RuleScrapped || got.Retained {
		t.Errorf("scrapped: %s %s retained=%v", got.Status, got.Rule, got.Retained)
	}
	h = history("2024-01-01", "2025-12-01")
	key := retention.TaskKey(retention.LostRecall, "V1", d("2026-06-01"))
	at := func(s string) time.Time { return d(s).UTC().Add(10 * time.Hour) }
	sold := []retention.Contact{{Task: key, At: at("2026-06-02"), Channel: retention.Phone, Outcome: retention.Reached, LossReason: "sold"}}
	got := c.Vehicle(&h, sold, asOf)
	if got.Status != retention.StatusScrapped || got.Rule != RuleSold || got.RecallLossReason != "sold" {
		t.Errorf("sold: %s %s %q", got.Status, got.Rule, got.RecallLossReason)
	}
	// Before the call, the vehicle was lost.
	if got := c.Vehicle(&h, sold, d("2026-06-01")); got.Status != retention.StatusLost {
		t.Errorf("before the recall call: %s", got.Status)
	}
	moved := []retention.Contact{{Task: key, At: at("2026-06-02"), Channel: retention.Phone, Outcome: retention.Reached, LossReason: "moved"}}
	if got := c.Vehicle(&h, moved, asOf); got.Status != retention.StatusLost || got.RecallOutcome != retention.Reached {
		t.Errorf("moved: %s %s", got.Status, got.RecallOutcome)
	}
}

func TestReason(t *testing.T) {
	c := newClassifier(t, nil)
	asOf := d("2026-08-31")
	old := "2024-01-15"
	scrapped := history(old)
	scrapped.Vehicle.Scrapped = true
	tests := []struct {
		h    retention.VehicleHistory
		want string
	}{
		{scrapped, "marked scrapped"},
		{history("2025-08-30"), "delivered 2025-08-30 and no visit within 12 months of 2026-08-31"},
		{history("2026-05-01"), "delivered 2026-05-01, less than 4 months before 2026-08-31"},
		{history("2026-04-30"), "no visit since the delivery on 2026-04-30, 4 months or more before 2026-08-31"},
		{history(old, "2026-02-28"), "last visit 2026-02-28, 6 months or more before 2026-08-31"},
		{history(old, "2025-10-01", "2025-12-01", "2026-02-01", "2026-05-01"), "4 visits within 12 months, the last on 2026-05-01"},
		{history(old, "2026-08-01"), "1 visit within 12 months (at most 2)"},
		{history(old, "2026-03-01", "2026-05-01", "2026-08-01"), "3 visits within 12 months, the last on 2026-08-01"},
	}
	for _, tt := range tests {
		got := c.Vehicle(&tt.h, nil, asOf)
		if got.Reason() != tt.want {
			t.Errorf("%s: Reason = %q, want %q", got.Rule, got.Reason(), tt.want)
		}
	}
	sold := history(old, "2025-12-01")
	key := retention.TaskKey(retention.LostRecall, "V1", d("2026-06-01"))
	r := c.Vehicle(&sold, []retention.Contact{{Task: key, At: d("2026-06-02").UTC(), Channel: retention.Phone,
		Outcome: retention.Reached, LossReason: "sold"}}, asOf)
	if want := `lost-recall call on 2026-06-02 recorded "sold"`; r.Reason() != want {
		t.Errorf("sold: Reason = %q, want %q", r.Reason(), want)
	}
}

func TestCustomerStatusIsTheBestOfItsVehicles(t *testing.T) {
	c := newClassifier(t, nil)
	lost := history("2024-01-15", "2026-01-01")
	lost.Vehicle.VIN = "V2"
	active := history("2024-01-15", "2025-10-01", "2025-12-01", "2026-02-01", "2026-08-01")
	dormant := history("2020-01-01")
	dormant.Vehicle.VIN = "V0"
	in := CustomerInput{Customer: retention.Customer{ID: "C1", Kind: retention.Individual, Phone: "1"},
		Vehicles: []retention.VehicleHistory{lost, active, dormant}}
	got := c.Customer(&in, d("2026-08-31"))
	var vins []string
	var statuses []retention.Status
	for _, v := range got.Vehicles {
		vins = append(vins, v.VIN)
		statuses = append(statuses, v.Status)
	}
	if diff := cmp.Diff([]string{"V0", "V1", "V2"}, vins); diff != "" {
		t.Errorf("vehicles not by VIN (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]retention.Status{retention.StatusDormant, retention.StatusActive, retention.StatusLost}, statuses); diff != "" {
		t.Errorf("vehicle statuses (-want +got):\n%s", diff)
	}
	if got.Status != retention.StatusActive || !got.Effective {
		t.Errorf("customer status = %s effective=%v, want active", got.Status, got.Effective)
	}
}

func TestHomeDealerAndTransient(t *testing.T) {
	asOf := d("2026-08-31")
	visit := func(id, dealer, on string) retention.Visit {
		return retention.Visit{ID: id, VIN: "V1", Dealer: dealer, OpenedOn: d(on), ClosedOn: d(on), Kind: retention.Repair}
	}
	tests := []struct {
		name   string
		visits []retention.Visit
		home   string
	}{
		{"no visits: the selling dealer", nil, "D1"},
		{"no visits within 24 months: the selling dealer", []retention.Visit{visit("a", "D2", "2024-08-31")}, "D1"},
		{"a visit the day after asOf−24m counts", []retention.Visit{visit("a", "D2", "2024-09-01")}, "D2"},
		{"most visits", []retention.Visit{visit("a", "D2", "2025-01-01"), visit("b", "D2", "2025-02-01"), visit("c", "D1", "2026-08-01")}, "D2"},
		{"tie: the most recent", []retention.Visit{visit("a", "D2", "2025-01-01"), visit("b", "D3", "2025-02-01"), visit("c", "D2", "2026-03-01"), visit("d", "D3", "2026-02-01")}, "D2"},
		{"tie on the same last day: the smaller id", []retention.Visit{visit("a", "D3", "2026-03-01"), visit("b", "D2", "2026-03-01")}, "D2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := history("2024-01-01")
			h.Visits = tt.visits
			for _, dealer := range []string{"", "D1", "D2"} {
				c := newClassifier(t, &Options{Dealer: dealer})
				got := c.Vehicle(&h, nil, asOf)
				if got.HomeDealer != tt.home {
					t.Errorf("dealer %q: home dealer = %s, want %s", dealer, got.HomeDealer, tt.home)
				}
				if want := dealer != "" && dealer != tt.home; got.Flags.Has(Transient) != want {
					t.Errorf("dealer %q: transient = %v, want %v", dealer, got.Flags.Has(Transient), want)
				}
			}
		})
	}
}

func TestDealerScopeCountsOnlyItsVisits(t *testing.T) {
	h := history("2024-01-15", "2025-10-01", "2025-12-01", "2026-02-01", "2026-08-01")
	h.Visits[3].Dealer = "D2"
	h.Visits[2].Dealer = "D2"
	network := newClassifier(t, nil).Vehicle(&h, nil, d("2026-08-31"))
	d1 := newClassifier(t, &Options{Dealer: "D1"}).Vehicle(&h, nil, d("2026-08-31"))
	if network.Status != retention.StatusActive || d1.Status != retention.StatusLost {
		t.Errorf("network %s (want active), D1 %s (want lost: its last visit is 2025-12-01)", network.Status, d1.Status)
	}
}

func TestMaybeLowUsage(t *testing.T) {
	c := newClassifier(t, nil)
	asOf := d("2026-08-31")
	odo := func(h retention.VehicleHistory, kms ...int) retention.VehicleHistory {
		for i := range h.Visits {
			h.Visits[i].OdometerKm = kms[i]
		}
		return h
	}
	tests := []struct {
		name string
		h    retention.VehicleHistory
		want bool
	}{
		// 10 km/day measured: 184 days since 2026-02-28 is 1,840 km < 5,000.
		{"little used", odo(history("2025-09-01", "2025-12-01", "2026-02-28"), 910, 1800), true},
		// 40 km/day: 7,360 km since the last visit.
		{"driven", odo(history("2025-09-01", "2025-12-01", "2026-02-28"), 3640, 7200), false},
		// Not lost: the flag is only for lost vehicles.
		{"not lost", odo(history("2025-09-01", "2025-12-01", "2026-08-01"), 910, 3350), false},
	}
	for _, tt := range tests {
		got := c.Vehicle(&tt.h, nil, asOf)
		if got.Flags.Has(MaybeLowUsage) != tt.want {
			t.Errorf("%s: status %s, maybe-low-usage = %v, want %v (odometer %d since %d)", tt.name, got.Status,
				got.Flags.Has(MaybeLowUsage), tt.want, got.Mileage.OdometerOn(asOf), got.Mileage.OdometerOn(*got.LastVisit))
		}
	}
}

func TestLostContact(t *testing.T) {
	c := newClassifier(t, nil)
	asOf := d("2026-08-31")
	task1 := retention.TaskKey(retention.SaleFollowup3D, "V1", d("2026-08-01"))
	task2 := retention.TaskKey(retention.MaintenanceDue, "V1", d("2026-08-10"))
	n := 0
	attempt := func(task string, ch retention.Channel, o retention.Outcome) retention.Contact {
		n++
		return retention.Contact{Task: task, At: time.Date(2026, 8, 20, 9, n, 0, 0, time.UTC), Channel: ch, Outcome: o}
	}
	ph, na := retention.Phone, retention.NoAnswer
	tests := []struct {
		name     string
		contacts []retention.Contact
		want     bool
	}{
		{"two failures", []retention.Contact{attempt(task1, ph, na), attempt(task1, ph, retention.Busy)}, false},
		{"three failures", []retention.Contact{attempt(task1, ph, na), attempt(task1, ph, retention.Busy), attempt(task1, ph, retention.WrongNumber)}, true},
		{"three failures over two tasks", []retention.Contact{attempt(task1, ph, na), attempt(task1, ph, na), attempt(task2, ph, na)}, false},
		{"reached afterwards", []retention.Contact{attempt(task1, ph, na), attempt(task1, ph, na), attempt(task1, ph, na), attempt(task2, ph, retention.Reached)}, false},
		{"a reach starts the count again", []retention.Contact{attempt(task1, ph, na), attempt(task1, ph, na), attempt(task2, ph, retention.Reached), attempt(task1, ph, na)}, false},
		{"callback-later reached a person", []retention.Contact{attempt(task1, ph, na), attempt(task1, ph, retention.CallbackLater), attempt(task1, ph, na)}, false},
		{"SMS attempts do not count", []retention.Contact{attempt(task1, retention.SMS, na), attempt(task1, ph, na), attempt(task1, ph, na)}, false},
		{"attempts after asOf do not count", []retention.Contact{attempt(task1, ph, na), attempt(task1, ph, na),
			{Task: task1, At: time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC), Channel: ph, Outcome: na}}, false},
	}
	for _, tt := range tests {
		h := history("2026-08-01")
		// Any order of the contacts gives the same result.
		slices.Reverse(tt.contacts)
		in := CustomerInput{Customer: retention.Customer{ID: "C1"}, Vehicles: []retention.VehicleHistory{h}, Contacts: tt.contacts}
		res := c.Customer(&in, asOf)
		if got := res.Flags.Has(LostContact); got != tt.want {
			t.Errorf("%s: lost-contact = %v, want %v", tt.name, got, tt.want)
		}
		if tt.want && res.LostContactSince != d("2026-08-20") {
			t.Errorf("%s: lost-contact since %s, want 2026-08-20", tt.name, res.LostContactSince)
		}
	}
}

// TestChurnRisk: a passenger car delivered 2025-01-01 at the default 40
// km/day has its first service due 2025-04-01 (3 months; 5,000 km would
// take 125 days), missed after 2025-05-01; the next due 2025-07-01, missed
// after 2025-07-31.
func TestChurnRisk(t *testing.T) {
	c := newClassifier(t, nil)
	maint := func(h retention.VehicleHistory) retention.VehicleHistory {
		for i := range h.Visits {
			h.Visits[i].Kind = retention.Maintenance
		}
		return h
	}
	tests := []struct {
		name   string
		h      retention.VehicleHistory
		asOf   string
		missed int
	}{
		{"first service not yet missed on the last day of grace", history("2025-01-01"), "2025-05-01", 0},
		{"first service missed the day after", history("2025-01-01"), "2025-05-02", 1},
		{"second not yet missed", history("2025-01-01"), "2025-07-31", 1},
		{"two in a row", history("2025-01-01"), "2025-08-01", 2},
		{"a maintenance on the last day of grace", maint(history("2025-01-01", "2025-05-01")), "2025-08-01", 0},
		{"a late maintenance resets the count", maint(history("2025-01-01", "2025-06-15")), "2025-08-01", 0},
		{"a repair does not", history("2025-01-01", "2025-06-15"), "2025-08-01", 2},
	}
	for _, tt := range tests {
		got := c.Vehicle(&tt.h, nil, d(tt.asOf))
		if got.MissedServices != tt.missed || got.Flags.Has(ChurnRisk) != (tt.missed >= 2) {
			t.Errorf("%s: missed %d (churn-risk %v), want %d", tt.name, got.MissedServices, got.Flags.Has(ChurnRisk), tt.missed)
		}
		// The flag is raised the day after the second grace period ends.
		if tt.missed >= 2 && got.ChurnRiskSince != d("2025-08-01") {
			t.Errorf("%s: churn-risk since %s, want 2025-08-01", tt.name, got.ChurnRiskSince)
		}
	}
}

func TestFlagsNames(t *testing.T) {
	f := ChurnRisk | MaybeLowUsage
	if diff := cmp.Diff([]string{"maybe-low-usage", "churn-risk"}, f.Names()); diff != "" {
		t.Errorf("Names (-want +got):\n%s", diff)
	}
	if got := Flags(0).Names(); got == nil || len(got) != 0 {
		t.Errorf("no flags: %#v, want an empty list", got)
	}
}

func TestNewRejectsAnInvalidPolicy(t *testing.T) {
	p := retention.DefaultPolicy()
	p.Status.ActiveRecentMonths = 9
	if _, err := New(&p, nil, nil); err == nil {
		t.Error("New accepted an active window longer than the lost window")
	}
	p = retention.DefaultPolicy()
	if _, err := New(&p, []retention.Model{{ID: "M1"}}, nil); err == nil {
		t.Error("New accepted a model without a kind")
	}
}

// randomHistory returns a vehicle with random visits around asOf.
func randomHistory(r *rand.Rand, asOf date.Date) retention.VehicleHistory {
	delivered := retention.AddDays(asOf, -r.IntN(2000))
	h := retention.VehicleHistory{Vehicle: retention.Vehicle{VIN: "V", Customer: "C", Model: "M1", Dealer: "D1",
		DeliveredOn: delivered, Scrapped: r.IntN(20) == 0}}
	km := 0
	for i := range r.IntN(12) {
		on := retention.AddDays(delivered, r.IntN(max(1, retention.DaysBetween(delivered, asOf)+60)))
		km += r.IntN(4000)
		h.Visits = append(h.Visits, retention.Visit{ID: fmt.Sprint(i), VIN: "V", Dealer: []string{"D1", "D2"}[r.IntN(2)],
			OpenedOn: on, ClosedOn: on, OdometerKm: km, Kind: retention.VisitKind(1 + r.IntN(8))})
	}
	return h
}

// FuzzStatusInvariants: every vehicle gets exactly one defined status
// (scrapped exactly when not retained), and the status, flags and next
// service never depend on the order of the visits.
func FuzzStatusInvariants(f *testing.F) {
	for i := range 20 {
		f.Add(uint64(i))
	}
	c := newClassifier(f, nil)
	asOf := d("2026-08-31")
	f.Fuzz(func(t *testing.T, seed uint64) {
		r := rand.New(rand.NewPCG(seed, 7))
		h := randomHistory(r, asOf)
		got := c.Vehicle(&h, nil, asOf)
		if got.Status < retention.StatusNew || got.Status > retention.StatusScrapped {
			t.Fatalf("undefined status %d", got.Status)
		}
		if (got.Status == retention.StatusScrapped) == got.Retained {
			t.Fatalf("status %s with retained=%v", got.Status, got.Retained)
		}
		if got.NextService.DueOn.Before(got.NextService.Anchor) {
			t.Fatalf("next service %s before its anchor %s", got.NextService.DueOn, got.NextService.Anchor)
		}
		r.Shuffle(len(h.Visits), func(i, j int) { h.Visits[i], h.Visits[j] = h.Visits[j], h.Visits[i] })
		again := c.Vehicle(&h, nil, asOf)
		type key struct {
			S retention.Status
			R Rule
			F Flags
			N string
			M int
		}
		if a, b := (key{got.Status, got.Rule, got.Flags, got.NextService.DueOn.String(), got.MissedServices}),
			(key{again.Status, again.Rule, again.Flags, again.NextService.DueOn.String(), again.MissedServices}); a != b {
			t.Fatalf("depends on visit order: %+v vs %+v", a, b)
		}
	})
}

// TestPAliveThreshold: with a churn model, effective customers whose
// P(alive) is below the threshold are flagged churn-risk; at the threshold
// they are not.
func TestPAliveThreshold(t *testing.T) {
	p := retention.DefaultPolicy()
	p.Status.ChurnPAliveBelow = decimal.RequireFromString("0.3")
	probs := map[string]float64{"below": 0.29, "at": 0.3, "above": 0.31, "gone": 0.01}
	c, err := New(&p, nil, &Options{PAlive: func(id string) (float64, bool) { v, ok := probs[id]; return v, ok }})
	if err != nil {
		t.Fatal(err)
	}
	asOf := d("2026-08-31")
	for _, tt := range []struct {
		id        string
		delivered string
		churn     bool
	}{
		{"below", "2026-06-01", true},
		{"at", "2026-06-01", false},
		{"above", "2026-06-01", false},
		{"gone", "2019-01-01", false}, // dormant: not effective, no flag
		{"unknown", "2026-06-01", false},
	} {
		h := history(tt.delivered)
		h.Vehicle.Customer = tt.id
		r := c.Customer(&CustomerInput{Customer: retention.Customer{ID: tt.id}, Vehicles: []retention.VehicleHistory{h}}, asOf)
		if r.Flags.Has(ChurnRisk) != tt.churn {
			t.Errorf("%s: churn-risk %v, want %v", tt.id, r.Flags.Has(ChurnRisk), tt.churn)
		}
		if _, known := probs[tt.id]; known != (r.PAlive != nil) {
			t.Errorf("%s: PAlive %v", tt.id, r.PAlive)
		}
	}
}

// TestStatusAgreesWithVehicle: the status-only paths, from a history and
// from its facts, give Vehicle's status, network-wide and for one dealer.
func TestStatusAgreesWithVehicle(t *testing.T) {
	asOf := d("2026-08-31")
	for _, opts := range []*Options{nil, {Dealer: "D2"}} {
		c := newClassifier(t, opts)
		w := c.StatusWindows(asOf)
		r := rand.New(rand.NewPCG(9, 9))
		for range 2000 {
			h := randomHistory(r, asOf)
			for i := range h.Visits {
				if r.IntN(3) == 0 {
					h.Visits[i].Dealer = "D2"
				}
			}
			s, rule := c.Status(&h, asOf)
			f := w.Facts(&h)
			fs, frule := c.StatusOf(&f, asOf)
			v := c.Vehicle(&h, nil, asOf)
			if s != v.Status || rule != v.Rule || fs != v.Status || frule != v.Rule {
				t.Fatalf("%+v: Status = %s (%s), StatusOf = %s (%s), Vehicle = %s (%s)", opts, s, rule, fs, frule, v.Status, v.Rule)
			}
		}
	}
}

// TestMaybeLowUsageBoundary: the flag marks a lost vehicle driven less than
// one service interval since its last visit (POLICY.md §7). At 10 km/day,
// 184 days after the last visit of 2026-02-28 is 1,840 km: an interval of
// 1,841 km flags it, 1,840 (equal) and 1,839 do not.
func TestMaybeLowUsageBoundary(t *testing.T) {
	h := history("2025-09-01", "2025-12-01", "2026-02-28")
	h.Visits[0].OdometerKm, h.Visits[1].OdometerKm = 910, 1800 // 1,800 km in 180 days
	for _, tt := range []struct {
		intervalKm int
		want       bool
	}{{1839, false}, {1840, false}, {1841, true}} {
		p := retention.DefaultPolicy()
		c, err := New(&p, []retention.Model{{ID: "M1", Kind: retention.Passenger, ServiceIntervalKm: tt.intervalKm}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := c.Vehicle(&h, nil, d("2026-08-31"))
		if got.Status != retention.StatusLost || got.Flags.Has(MaybeLowUsage) != tt.want {
			t.Errorf("interval %d km: %s, maybe-low-usage %v, want %v (%d km since the last visit)", tt.intervalKm,
				got.Status, got.Flags.Has(MaybeLowUsage), tt.want,
				got.Mileage.OdometerOn(d("2026-08-31"))-got.Mileage.OdometerOn(d("2026-02-28")))
		}
	}
}

// missedServicesWalk is missedServices as first written, walking the
// chain of due dates from the delivery through every maintenance visit: the
// reference for the shortcut. It counts the maintenances due and missed in a row up to
// asOf (POLICY.md §7 churn-risk): a maintenance is missed when no
// maintenance visit is opened after its anchor and at most ChurnGraceDays
// after its due date, and the grace period is over; the next one is then
// due an interval after the missed due date. A maintenance visit resets the
// count. It also returns the day after the grace period of the
// ChurnMissedInRow-th miss of the current streak (zero when fewer).
func (c *Classifier) missedServicesWalk(h *retention.VehicleHistory, rules *retention.ModelRules, m *retention.Mileage, w *retention.StatusWindows) (int, date.Date) {
	v, asOf := &h.Vehicle, w.AsOf
	grace := c.policy.Status.ChurnGraceDays
	maint := make([]date.Date, 0, len(h.Visits))
	for i := range h.Visits {
		if vi := &h.Visits[i]; vi.Kind.IsMaintenance() && w.Counts(vi) {
			maint = append(maint, vi.OpenedOn)
		}
	}
	slices.SortFunc(maint, func(a, b date.Date) int { return int(a.Sub(b)) })
	due := retention.ServiceAfter(v.DeliveredOn, v.DeliveryOdometerKm, rules.FirstServiceMonths, rules.FirstServiceKm, m)
	missed, next := 0, 0 // next: the first maintenance visit not yet used as an anchor
	var since date.Date
	for {
		deadline := retention.AddDays(due.DueOn, grace)
		for next < len(maint) && !maint[next].After(due.Anchor) {
			next++
		}
		if next < len(maint) && !maint[next].After(deadline) {
			on := maint[next]
			missed, since = 0, date.Date{}
			due = retention.ServiceAfter(on, m.OdometerOn(on), rules.ServiceIntervalMonths, rules.ServiceIntervalKm, m)
			continue
		}
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

// TestMissedServicesFromTheLastMaintenance: starting the chain at the last
// maintenance visit gives the walk from the delivery, on random histories
// (maintenance visits before and on the delivery day among them), as of
// random days, network-wide and for one dealer.
func TestMissedServicesFromTheLastMaintenance(t *testing.T) {
	for _, opts := range []*Options{nil, {Dealer: "D2"}} {
		c := newClassifier(t, opts)
		r := rand.New(rand.NewPCG(5, 5))
		streaks := 0
		for range 5000 {
			asOf := retention.AddDays(d("2026-08-31"), -r.IntN(400))
			h := randomHistory(r, asOf)
			if r.IntN(4) == 0 && len(h.Visits) > 0 { // a maintenance on or before the delivery day
				h.Visits[0].OpenedOn = retention.AddDays(h.Vehicle.DeliveredOn, -r.IntN(2))
				h.Visits[0].Kind = retention.Maintenance
			}
			m, ok := c.models[h.Vehicle.Model]
			if !ok {
				t.Fatalf("no model %s", h.Vehicle.Model)
			}
			mileage := c.policy.EstimateMileage(&h.Vehicle, h.Visits, &m.rules, asOf)
			w := c.StatusWindows(asOf)
			n, since := c.missedServices(&h, &m.rules, &mileage, &w)
			wantN, wantSince := c.missedServicesWalk(&h, &m.rules, &mileage, &w)
			if n != wantN || since != wantSince {
				t.Fatalf("%+v as of %s: %d missed since %s, want %d since %s\n%+v", opts, asOf, n, since, wantN, wantSince, h)
			}
			if n >= c.policy.Status.ChurnMissedInRow {
				streaks++
			}
		}
		if streaks == 0 {
			t.Fatal("no churn-risk streak among the histories: the test would not see one")
		}
	}
}
