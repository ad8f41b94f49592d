package schedule

import (
	"fmt"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/rickb777/date"
)

var d = retention.MustParseDate

var models = []retention.Model{
	{ID: "P", Series: "S1", Kind: retention.Passenger},
	{ID: "L", Series: "S1", Kind: retention.Passenger, LongFirstService: true},
	{ID: "T", Series: "S2", Kind: retention.Commercial},
}

func planner(t testing.TB, change func(p *retention.Policy), opts *Options) *Planner {
	t.Helper()
	p := retention.DefaultPolicy()
	if change != nil {
		change(&p)
	}
	pl, err := New(&p, models, opts)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// customer returns C1 with one vehicle V1 of the model delivered on the date
// and the visits.
func customer(model, delivered string, visits ...retention.Visit) classify.CustomerInput {
	for i := range visits {
		visits[i].VIN = "V1"
		if visits[i].Dealer == "" {
			visits[i].Dealer = "D1"
		}
		if visits[i].ClosedOn.IsZero() {
			visits[i].ClosedOn = visits[i].OpenedOn
		}
	}
	return classify.CustomerInput{
		Customer: retention.Customer{ID: "C1", Phone: "138", Kind: retention.Individual, Region: "R1"},
		Vehicles: []retention.VehicleHistory{{Vehicle: retention.Vehicle{VIN: "V1", Customer: "C1", Model: model,
			Dealer: "D1", DeliveredOn: d(delivered), Purchase: retention.FirstPurchase}, Visits: visits}},
	}
}

func visit(id string, kind retention.VisitKind, on string, km int) retention.Visit {
	return retention.Visit{ID: id, Kind: kind, OpenedOn: d(on), OdometerKm: km}
}

// planned returns the tasks of the day, open or deferred, by key.
func planned(pl *Planner, in classify.CustomerInput, asOf date.Date) map[string]retention.Task {
	p := pl.Plan([]classify.CustomerInput{in}, asOf)
	out := map[string]retention.Task{}
	for _, t := range p.Tasks {
		out[t.Key] = t
	}
	for _, df := range p.Deferred {
		out[df.Task.Key] = df.Task
	}
	return out
}

func withTouch(ts map[string]retention.Task, touch retention.Touch) []retention.Task {
	var out []retention.Task
	for _, t := range ts {
		if t.Touch == touch {
			out = append(out, t)
		}
	}
	return out
}

// TestTouchBoundaries checks every touch the day before its due date, on it,
// the day after, on its expiry day and the day after that.
func TestTouchBoundaries(t *testing.T) {
	bday := func(in classify.CustomerInput, b string) classify.CustomerInput {
		v := d(b)
		in.Customer.Birthday = &v
		return in
	}
	withVehicle := func(in classify.CustomerInput, f func(v *retention.Vehicle)) classify.CustomerInput {
		f(&in.Vehicles[0].Vehicle)
		return in
	}
	failed := func(in classify.CustomerInput, task string, days ...string) classify.CustomerInput {
		for _, on := range days {
			in.Contacts = append(in.Contacts, retention.Contact{Task: task, At: d(on).UTC().Add(10 * time.Hour),
				Channel: retention.Phone, Outcome: retention.NoAnswer})
		}
		return in
	}
	tests := []struct {
		name    string
		change  func(p *retention.Policy)
		opts    *Options
		in      classify.CustomerInput
		touch   retention.Touch
		due     string
		expires string
		key     string
		owner   retention.Role
	}{
		{"sale follow-up 3 days", nil, nil, customer("P", "2026-01-31"), retention.SaleFollowup3D, "2026-02-03", "2026-02-10",
			"sale-followup-3d/V1/2026-01-31", retention.DealerSales},
		{"sale follow-up 7 days", nil, nil, customer("P", "2026-01-31"), retention.SaleFollowup7D, "2026-02-07", "2026-02-14",
			"sale-followup-7d/V1/2026-01-31", retention.OEMCallCentre},
		{"sale follow-up 1 month, clamped to Feb 28", nil, nil, customer("P", "2026-01-31"), retention.SaleFollowup1M, "2026-02-28", "2026-03-07",
			"sale-followup-1m/V1/2026-01-31", retention.SalesConsultant},
		{"first-service SMS N+14", nil, nil, customer("P", "2026-01-31"), retention.FirstServiceSMS, "2026-02-14", "2026-02-21",
			"first-service-sms/V1/2026-01-31", retention.OEMCallCentre},
		{"first-service call N+21", nil, nil, customer("P", "2026-01-31"), retention.FirstServiceCall, "2026-02-21", "2026-02-28",
			"first-service-call/V1/2026-01-31", retention.DealerDCRC},
		{"long first service SMS N+35", nil, nil, customer("L", "2026-01-31"), retention.FirstServiceSMS, "2026-03-07", "2026-03-14",
			"first-service-sms/V1/2026-01-31", retention.OEMCallCentre},
		{"long first service call N+42", nil, nil, customer("L", "2026-01-31"), retention.FirstServiceCall, "2026-03-14", "2026-03-21",
			"first-service-call/V1/2026-01-31", retention.DealerDCRC},
		// 9,000 km in 129 days: ~69.8 km/day; 5,000 km more in 72 days.
		{"maintenance due by mileage", nil, nil, customer("P", "2026-01-10", visit("A", retention.FirstService, "2026-05-19", 9000)),
			retention.MaintenanceDue, "2026-07-30", "2026-08-06", "maintenance-due/V1/2026-05-19", retention.DealerDCRC},
		{"maintenance due by time", nil, nil, customer("P", "2026-01-10", visit("A", retention.FirstService, "2026-05-19", 2000)),
			retention.MaintenanceDue, "2026-08-19", "2026-08-26", "maintenance-due/V1/2026-05-19", retention.DealerDCRC},
		{"maintenance due on a month end", nil, nil, customer("P", "2026-01-10", visit("A", retention.Maintenance, "2026-11-30", 400)),
			retention.MaintenanceDue, "2027-02-28", "2027-03-07", "maintenance-due/V1/2026-11-30", retention.DealerDCRC},
		{"maintenance lead of 10 days", func(p *retention.Policy) { p.Service.MaintenanceLeadDays = 10 }, nil,
			customer("P", "2026-01-10", visit("A", retention.FirstService, "2026-05-19", 2000)),
			retention.MaintenanceDue, "2026-08-09", "2026-08-16", "maintenance-due/V1/2026-05-19", retention.DealerDCRC},
		// Commercial at 150 km/day: 30,000 km after 200 days.
		{"mileage milestone", nil, nil, customer("T", "2026-01-31"), retention.MileageMilestone, "2026-08-19", "2026-08-26",
			"mileage-milestone/V1@30000km/2026-01-31", retention.DealerDCRC},
		{"insurance renewal 30 days ahead", nil, nil, withVehicle(customer("P", "2025-01-31"), func(v *retention.Vehicle) {
			e := d("2026-12-31")
			v.InsuranceExpiresOn = &e
		}), retention.InsuranceRenewal, "2026-12-01", "2026-12-08", "insurance-renewal/V1/2026-12-31", retention.DealerDCRC},
		{"inspection 30 days ahead", nil, nil, withVehicle(customer("P", "2025-01-31"), func(v *retention.Vehicle) {
			e := d("2027-03-31")
			v.InspectionDueOn = &e
		}), retention.InspectionDue, "2027-03-01", "2027-03-08", "inspection-due/V1/2027-03-31", retention.DealerDCRC},
		// Warranty ends 2026-01-31 (36 months; 40 km/day is far from 100,000 km).
		{"warranty expiry 30 days ahead", nil, nil, customer("P", "2023-01-31"), retention.WarrantyExpiry, "2026-01-01", "2026-01-08",
			"warranty-expiry/V1/2023-01-31", retention.DealerDCRC},
		{"service follow-up 2 days after a repair", nil, nil, customer("P", "2025-06-01", visit("R", retention.Repair, "2026-03-31", 0)),
			retention.ServiceFollowup2D, "2026-04-02", "2026-04-09", "service-followup-2d/V1/2026-03-31", retention.DealerDCRC},
		{"service follow-up 4 days after a first service", nil, nil, customer("P", "2026-01-31", visit("F", retention.FirstService, "2026-03-31", 4000)),
			retention.ServiceFollowup4D, "2026-04-04", "2026-04-11", "service-followup-4d/V1/2026-03-31", retention.OEMCallCentre},
		{"birthday 7 days ahead", nil, nil, bday(customer("P", "2025-06-01"), "1990-03-05"), retention.Birthday, "2026-02-26", "2026-03-05",
			"birthday/C1/2026-03-05", retention.DealerDCRC},
		{"Feb 29 birthday on Feb 28", nil, nil, bday(customer("P", "2025-06-01"), "1992-02-29"), retention.Birthday, "2026-02-21", "2026-02-28",
			"birthday/C1/2026-02-28", retention.DealerDCRC},
		{"holiday", func(p *retention.Policy) { p.Care.Holidays = []date.Date{d("2026-10-01")} }, nil,
			customer("P", "2026-01-31"), retention.Holiday, "2026-10-01", "2026-10-08", "holiday/C1/2026-10-01", retention.DealerDCRC},
		{"winter care", nil, nil, customer("P", "2026-01-31", visit("A", retention.Maintenance, "2026-09-15", 9000)),
			retention.WinterCare, "2026-11-01", "2026-11-08", "winter-care/C1/2026-11-01", retention.DealerDCRC},
		// Weekly: week 1 gives way to week 2 on 2026-02-14.
		{"first-owner knowledge, week 1", func(p *retention.Policy) { p.Care.FirstOwnerKnowledge = true }, nil,
			customer("P", "2026-01-31"), retention.FirstOwnerKnowledge, "2026-02-07", "2026-02-13",
			"first-owner-knowledge/V1/2026-02-07", retention.DealerDCRC},
		{"weather alert", nil, &Options{Weather: []WeatherEvent{{Region: "R1", On: d("2026-07-15"), What: "typhoon"}}},
			customer("P", "2026-01-31"), retention.WeatherAlert, "2026-07-15", "2026-07-22", "weather-alert/C1/2026-07-15", retention.DealerDCRC},
		// One visit in 12 months: swing; care on the 1st of each month.
		{"swing care", nil, nil, customer("P", "2024-01-01", visit("A", retention.Repair, "2026-06-15", 0)),
			retention.SwingCare, "2026-09-01", "2026-09-08", "swing-care/C1/2026-09-01", retention.DealerDCRC},
		// Last visit 2026-02-28: lost from 2026-08-28; open for 90 days.
		{"lost recall", nil, nil, customer("P", "2024-01-15", visit("A", retention.Repair, "2026-02-28", 0)),
			retention.LostRecall, "2026-08-28", "2026-11-26", "lost-recall/V1/2026-08-28", retention.DealerDCRC},
		// No maintenance since the delivery on 2025-01-01: two missed by 2025-07-31.
		{"churn-risk recall", nil, nil, customer("P", "2025-01-01"), retention.ChurnRiskRecall, "2025-08-01", "2025-10-30",
			"churn-risk-recall/V1/2025-08-01", retention.DealerDCRC},
		{"lost-contact card", nil, nil, failed(customer("P", "2026-01-31"), "sale-followup-3d/V1/2026-01-31", "2026-02-03", "2026-02-04", "2026-02-05"),
			retention.LostContactCard, "2026-02-05", "2026-05-06", "lost-contact-card/C1/2026-02-05", retention.DealerDCRC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := planner(t, tt.change, tt.opts)
			due, expires := d(tt.due), d(tt.expires)
			for _, day := range []struct {
				on   date.Date
				want bool
			}{{retention.AddDays(due, -1), false}, {due, true}, {retention.AddDays(due, 1), true},
				{expires, true}, {retention.AddDays(expires, 1), false}} {
				all := planned(pl, tt.in, day.on)
				if !day.want {
					if task, ok := all[tt.key]; ok {
						t.Errorf("%s: planned on %s (due %s): %+v", tt.touch, day.on, tt.due, task)
					}
					continue
				}
				got := withTouch(all, tt.touch)
				if len(got) != 1 {
					t.Fatalf("%s on %s: %d tasks, want 1: %+v", tt.touch, day.on, len(got), got)
				}
				g := got[0]
				if g.Key != tt.key || g.DueOn != due || g.ExpiresOn != expires || g.Owner != tt.owner {
					t.Errorf("%s on %s: key %s due %s expires %s owner %s; want %s, %s, %s, %s", tt.touch, day.on,
						g.Key, g.DueOn, g.ExpiresOn, g.Owner, tt.key, tt.due, tt.expires, tt.owner)
				}
				if g.Reason == "" {
					t.Errorf("%s: no reason", tt.touch)
				}
			}
		})
	}
}

func TestSuppression(t *testing.T) {
	pl := planner(t, nil, nil)
	// The first service is recorded: no first-service reminders.
	in := customer("P", "2026-01-31", visit("F", retention.FirstService, "2026-02-10", 500))
	for _, on := range []string{"2026-02-14", "2026-02-21"} {
		got := planned(pl, in, d(on))
		if n := len(withTouch(got, retention.FirstServiceSMS)) + len(withTouch(got, retention.FirstServiceCall)); n != 0 {
			t.Errorf("%s: %d first-service reminders after the first service was recorded", on, n)
		}
	}
	// A later maintenance replaces the reminder of the earlier one.
	in = customer("P", "2026-01-10", visit("A", retention.FirstService, "2026-05-19", 2000),
		visit("B", retention.Maintenance, "2026-08-18", 3400))
	got := withTouch(planned(pl, in, d("2026-08-20")), retention.MaintenanceDue)
	if len(got) != 0 {
		t.Errorf("maintenance reminder after the maintenance was done: %+v", got)
	}
	// A repair is not a maintenance: the reminder stays.
	in = customer("P", "2026-01-10", visit("A", retention.FirstService, "2026-05-19", 2000),
		visit("B", retention.Repair, "2026-08-18", 3400))
	if got := withTouch(planned(pl, in, d("2026-08-20")), retention.MaintenanceDue); len(got) != 1 {
		t.Errorf("maintenance reminder after a repair: %d tasks, want 1", len(got))
	}
}

func TestDoNotContact(t *testing.T) {
	pl := planner(t, func(p *retention.Policy) { p.Care.Holidays = []date.Date{d("2026-02-01")} }, nil)
	in := customer("P", "2026-01-31")
	in.Customer.DoNotContact = true
	got := planned(pl, in, d("2026-02-03"))
	if len(got) != 0 {
		t.Errorf("do-not-contact customer got tasks: %v", keys(got))
	}
	in.Customer.AllowServiceFollowups = true
	got = planned(pl, in, d("2026-02-03"))
	if diff := cmp.Diff([]string{"sale-followup-3d/V1/2026-01-31"}, keys(got)); diff != "" {
		t.Errorf("allowed service follow-ups only (-want +got):\n%s", diff)
	}
}

func keys(ts map[string]retention.Task) []string {
	var out []string
	for k := range ts {
		out = append(out, k)
	}
	slicesSort(out)
	return out
}

func TestContactsCloseRetryAndExhaust(t *testing.T) {
	pl := planner(t, nil, nil)
	key := "sale-followup-3d/V1/2026-01-31"
	at := func(day string, h int) time.Time { return d(day).UTC().Add(time.Duration(h) * time.Hour) }
	contact := func(on string, h int, o retention.Outcome) retention.Contact {
		return retention.Contact{Task: key, At: at(on, h), Channel: retention.Phone, Outcome: o}
	}
	tests := []struct {
		name     string
		contacts []retention.Contact
		open     bool
		attempts int
		card     bool
	}{
		{"no attempt yet", nil, true, 0, false},
		{"one failure: retry", []retention.Contact{contact("2026-02-03", 9, retention.NoAnswer)}, true, 1, false},
		{"two failures: retry", []retention.Contact{contact("2026-02-03", 9, retention.NoAnswer), contact("2026-02-04", 9, retention.Busy)}, true, 2, false},
		{"three failures: exhausted, card", []retention.Contact{contact("2026-02-03", 9, retention.NoAnswer),
			contact("2026-02-04", 9, retention.Busy), contact("2026-02-05", 9, retention.WrongNumber)}, false, 3, true},
		{"reached closes", []retention.Contact{contact("2026-02-03", 9, retention.NoAnswer), contact("2026-02-04", 9, retention.Reached)}, false, 0, false},
		{"refused closes", []retention.Contact{contact("2026-02-03", 9, retention.Refused)}, false, 0, false},
		{"callback-later keeps it open", []retention.Contact{contact("2026-02-03", 9, retention.CallbackLater)}, true, 0, false},
		{"a contact after asOf is not seen", []retention.Contact{contact("2026-02-07", 9, retention.Reached)}, true, 0, false},
	}
	for _, tt := range tests {
		in := customer("P", "2026-01-31")
		in.Contacts = tt.contacts
		got := planned(pl, in, d("2026-02-06"))
		task, open := got[key]
		if open != tt.open || (open && task.Attempts != tt.attempts) {
			t.Errorf("%s: open=%v attempts=%d, want open=%v attempts=%d", tt.name, open, task.Attempts, tt.open, tt.attempts)
		}
		if card := len(withTouch(got, retention.LostContactCard)) == 1; card != tt.card {
			t.Errorf("%s: lost-contact card = %v, want %v", tt.name, card, tt.card)
		}
	}
}

func TestFrequencyCap(t *testing.T) {
	pl := planner(t, func(p *retention.Policy) { p.Care.Holidays = []date.Date{d("2026-02-24")} }, nil)
	// Maintained on time: regular, no churn risk, no swing care.
	in := customer("P", "2025-06-01", visit("A", retention.FirstService, "2025-09-01", 0),
		visit("B", retention.Maintenance, "2025-12-01", 0), visit("C", retention.Maintenance, "2026-02-01", 0))
	b := d("1990-03-03") // birthday touch due 2026-02-24 too
	in.Customer.Birthday = &b
	plan := pl.Plan([]classify.CustomerInput{in}, d("2026-02-25"))
	var tasks, deferred []string
	for _, t := range plan.Tasks {
		tasks = append(tasks, t.Key)
	}
	for _, df := range plan.Deferred {
		deferred = append(deferred, df.Task.Key+": "+df.Reason)
	}
	if diff := cmp.Diff([]string{"birthday/C1/2026-03-03"}, tasks); diff != "" {
		t.Errorf("tasks (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"holiday/C1/2026-02-24: frequency cap: birthday goes first (one marketing or care touch per 7 days)"}, deferred); diff != "" {
		t.Errorf("deferred (-want +got):\n%s", diff)
	}
	// Once the birthday SMS went out, the holiday waits for 7 days; it
	// expires first (due 2026-02-24, open until 2026-03-03).
	in.Contacts = []retention.Contact{{Task: "birthday/C1/2026-03-03", At: d("2026-02-25").UTC().Add(9 * time.Hour),
		Channel: retention.SMS, Outcome: retention.SMSSent}}
	for _, on := range []string{"2026-02-25", "2026-03-03"} {
		plan = pl.Plan([]classify.CustomerInput{in}, d(on))
		if len(plan.Tasks) != 0 || len(plan.Deferred) != 1 || plan.Deferred[0].Task.Touch != retention.Holiday {
			t.Errorf("%s: tasks %v deferred %v, want only the holiday deferred", on, plan.Tasks, plan.Deferred)
		}
	}
	// The cap counts from the last reach, in whatever order the contacts
	// come: here a reach of a year before comes after it.
	in.Contacts = append(in.Contacts, retention.Contact{Task: "holiday/C1/2025-02-24", At: d("2025-02-24").UTC().Add(9 * time.Hour),
		Channel: retention.SMS, Outcome: retention.SMSSent})
	plan = pl.Plan([]classify.CustomerInput{in}, d("2026-02-25"))
	if len(plan.Tasks) != 0 || len(plan.Deferred) != 1 || plan.Deferred[0].Task.Touch != retention.Holiday {
		t.Errorf("contacts out of order: tasks %v deferred %v, want only the holiday deferred", plan.Tasks, plan.Deferred)
	}
}

func TestSamplingIsDeterministicAndFair(t *testing.T) {
	const n = 2000
	for _, rate := range []int{1000, 2500, 5000} {
		phone := 0
		for i := range n {
			vin := fmt.Sprintf("LFV%08d", i)
			a, b := InSample(vin, retention.SaleFollowup7D, rate), InSample(vin, retention.SaleFollowup7D, rate)
			if a != b {
				t.Fatalf("%s: sample differs between calls", vin)
			}
			if a {
				phone++
			}
		}
		share := float64(phone) / n * basisPoints
		if share < float64(rate-200) || share > float64(rate+200) {
			t.Errorf("rate %d bp: phone share %.0f bp over %d subjects, want within ±200", rate, share, n)
		}
	}
	if InSample("X", retention.SaleFollowup7D, 0) || !InSample("X", retention.SaleFollowup7D, basisPoints) {
		t.Error("rates 0 and 1 are not none and all")
	}
}

func TestPreferredChannelAndWindow(t *testing.T) {
	pl := planner(t, nil, nil)
	in := customer("P", "2026-01-31")
	in.Contacts = []retention.Contact{{Task: "sale-followup-3d/V1/2026-01-31", At: d("2026-02-03").UTC(),
		Channel: retention.Phone, Outcome: retention.Reached, PreferredChannel: retention.Phone, PreferredTime: "18:00-20:00"}}
	got := withTouch(planned(pl, in, d("2026-02-21")), retention.FirstServiceCall)
	if len(got) != 1 || got[0].Channel != retention.Phone || got[0].Window != "18:00-20:00" {
		t.Errorf("first-service call: %+v, want phone 18:00-20:00", got)
	}
	in.Contacts[0].PreferredChannel = retention.App
	got = withTouch(planned(pl, in, d("2026-02-21")), retention.FirstServiceCall)
	if len(got) != 1 || got[0].Channel != retention.App || got[0].Window != "" {
		t.Errorf("first-service call: %+v, want app", got)
	}
}

func TestDealerScope(t *testing.T) {
	in := customer("P", "2026-01-31", visit("R", retention.Repair, "2026-02-01", 100))
	in.Vehicles[0].Visits[0].Dealer = "D2"
	for _, tc := range []struct {
		dealer string
		want   []string
	}{
		{"", []string{"sale-followup-3d/V1/2026-01-31", "service-followup-2d/V1/2026-02-01"}},
		{"D1", []string{"sale-followup-3d/V1/2026-01-31"}},
		{"D2", []string{"service-followup-2d/V1/2026-02-01"}},
	} {
		pl := planner(t, nil, &Options{Dealer: tc.dealer})
		if diff := cmp.Diff(tc.want, keys(planned(pl, in, d("2026-02-03")))); diff != "" {
			t.Errorf("dealer %q (-want +got):\n%s", tc.dealer, diff)
		}
	}
}

// TestBirthdayBuyerWindow: the birthday touch goes to buyers of the last
// 24 months (POLICY.md §6), the window (asOf − 24 months, asOf]. The touch
// of 1990-03-05 is due 2026-02-26; 24 months before is 2024-02-26.
func TestBirthdayBuyerWindow(t *testing.T) {
	pl := planner(t, nil, nil)
	b := d("1990-03-05")
	for _, tt := range []struct {
		delivered string
		want      bool
	}{
		{"2024-02-25", false}, // the day before the window opens
		{"2024-02-26", false}, // on asOf − 24 months: 24 months or more ago
		{"2024-02-27", true},  // the day after
	} {
		in := customer("P", tt.delivered)
		in.Customer.Birthday = &b
		got := len(withTouch(planned(pl, in, d("2026-02-26")), retention.Birthday)) == 1
		if got != tt.want {
			t.Errorf("delivered %s: birthday touch %v, want %v", tt.delivered, got, tt.want)
		}
	}
}

// TestFrequencyCapWindow: a marketing or care touch that reached the
// customer within the last CareCapDays (the window (asOf − 7, asOf]) holds
// the next one back (POLICY.md §10).
func TestFrequencyCapWindow(t *testing.T) {
	pl := planner(t, func(p *retention.Policy) { p.Care.Holidays = []date.Date{d("2026-02-24")} }, nil)
	in := customer("P", "2025-06-01", visit("A", retention.FirstService, "2025-09-01", 0),
		visit("B", retention.Maintenance, "2025-12-01", 0), visit("C", retention.Maintenance, "2026-02-01", 0))
	asOf := d("2026-02-25")
	for _, tt := range []struct {
		sent     string
		deferred bool
	}{
		{"2026-02-17", false}, // 8 days before
		{"2026-02-18", false}, // on asOf − 7: outside the window
		{"2026-02-19", true},  // the day after: inside
		{"2026-02-25", true},  // asOf itself
	} {
		in.Contacts = []retention.Contact{{Task: "winter-care/C1/2025-11-01", At: d(tt.sent).UTC().Add(9 * time.Hour),
			Channel: retention.SMS, Outcome: retention.SMSSent}}
		plan := pl.Plan([]classify.CustomerInput{in}, asOf)
		got := len(plan.Deferred) == 1 && plan.Deferred[0].Task.Touch == retention.Holiday && len(plan.Tasks) == 0
		open := len(plan.Tasks) == 1 && plan.Tasks[0].Touch == retention.Holiday && len(plan.Deferred) == 0
		if got != tt.deferred || open == tt.deferred {
			t.Errorf("care touch sent %s: tasks %v deferred %v; want the holiday deferred %v", tt.sent, plan.Tasks, plan.Deferred, tt.deferred)
		}
	}
}

// TestDayFormat checks that a reason's dates read as date.Date.String
// writes them, in and outside four-digit years.
func TestDayFormat(t *testing.T) {
	for _, s := range []string{"2026-11-22", "2024-02-29", "0001-01-01", "9999-12-31"} {
		dt := d(s)
		if got := fmt.Sprintf("on %s, %v", day(dt), day(dt)); got != "on "+s+", "+s {
			t.Errorf("day(%s) formats as %q", s, got)
		}
	}
	for _, dt := range []date.Date{date.New(-1, time.March, 1), date.New(10000, time.January, 1)} {
		if got := fmt.Sprint(day(dt)); got != dt.String() {
			t.Errorf("day(%s) formats as %q", dt, got)
		}
	}
}

// TestTouchSpecs: every touch has its row of POLICY.md §10 in the table,
// and a touch outside it is a phone call by the dealer's DCRC.
func TestTouchSpecs(t *testing.T) {
	for _, touch := range retention.Touches() {
		if int(touch) >= len(touchSpecs) || touchSpecs[touch].owner == 0 {
			t.Errorf("%s: no row in touchSpecs", touch)
		}
	}
	if n := len(retention.Touches()) + 1; len(touchSpecs) != n {
		t.Errorf("touchSpecs has %d rows, want %d (one per touch, after the zero touch)", len(touchSpecs), n)
	}
	want := spec{owner: retention.DealerDCRC, channel: retention.Phone}
	for _, touch := range []retention.Touch{0, retention.Touch(len(touchSpecs)), 255} {
		if diff := cmp.Diff(want, specOf(touch), cmp.AllowUnexported(spec{})); diff != "" {
			t.Errorf("specOf(%d) (-want +got):\n%s", touch, diff)
		}
	}
}
