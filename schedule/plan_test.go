package schedule

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// population returns n customers with 1–3 vehicles each and random
// histories around asOf, contacts included.
func population(n int, seed uint64, asOf date.Date) []classify.CustomerInput {
	r := rand.New(rand.NewPCG(seed, 9))
	kinds := []retention.VisitKind{retention.FirstService, retention.Maintenance, retention.Repair,
		retention.WarrantyRepair, retention.BodyPaint, retention.Inspection}
	var out []classify.CustomerInput
	for c := range n {
		id := fmt.Sprintf("C%05d", c)
		in := classify.CustomerInput{Customer: retention.Customer{ID: id, Phone: "1", Kind: retention.CustomerKind(1 + r.IntN(3)),
			VIP: r.IntN(10) == 0, Region: fmt.Sprintf("R%d", r.IntN(3)), DoNotContact: r.IntN(20) == 0}}
		if r.IntN(2) == 0 {
			b := retention.AddDays(d("1970-01-01"), r.IntN(15000))
			in.Customer.Birthday = &b
		}
		for v := range 1 + r.IntN(3) {
			vin := fmt.Sprintf("%s-V%d", id, v)
			delivered := retention.AddDays(asOf, -r.IntN(1500))
			h := retention.VehicleHistory{Vehicle: retention.Vehicle{VIN: vin, Customer: id, Model: models[r.IntN(3)].ID,
				Dealer: fmt.Sprintf("D%d", 1+r.IntN(2)), DeliveredOn: delivered, Purchase: retention.Purchase(1 + r.IntN(3)),
				Price: decimal.NewFromInt(int64(80_000 + r.IntN(200_000)))}}
			if r.IntN(2) == 0 {
				e := retention.AddDays(asOf, r.IntN(60)-10)
				h.Vehicle.InsuranceExpiresOn = &e
			}
			km := 0
			for i := range r.IntN(8) {
				on := retention.AddDays(delivered, r.IntN(max(1, retention.DaysBetween(delivered, asOf))))
				km += r.IntN(5000)
				h.Visits = append(h.Visits, retention.Visit{ID: fmt.Sprintf("%s-R%d", vin, i), VIN: vin,
					Dealer: fmt.Sprintf("D%d", 1+r.IntN(2)), OpenedOn: on, ClosedOn: on, OdometerKm: km,
					Kind: kinds[r.IntN(len(kinds))], Amount: decimal.NewFromInt(int64(r.IntN(3000)))})
			}
			for range r.IntN(3) {
				in.Contacts = append(in.Contacts, retention.Contact{
					Task:    retention.TaskKey(retention.SaleFollowup3D, vin, delivered),
					At:      retention.AddDays(delivered, 3+r.IntN(3)).UTC().Add(time.Duration(r.IntN(10)) * time.Hour),
					Channel: retention.Phone, Outcome: retention.Outcome(1 + r.IntN(7))})
			}
			in.Vehicles = append(in.Vehicles, h)
		}
		out = append(out, in)
	}
	return out
}

func shuffled(in []classify.CustomerInput, seed uint64) []classify.CustomerInput {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([]classify.CustomerInput, len(in))
	copy(out, in)
	for i := range out {
		out[i].Vehicles = append([]retention.VehicleHistory(nil), out[i].Vehicles...)
		for j := range out[i].Vehicles {
			vs := append([]retention.Visit(nil), out[i].Vehicles[j].Visits...)
			r.Shuffle(len(vs), func(a, b int) { vs[a], vs[b] = vs[b], vs[a] })
			out[i].Vehicles[j].Visits = vs
		}
		r.Shuffle(len(out[i].Vehicles), func(a, b int) { out[i].Vehicles[a], out[i].Vehicles[b] = out[i].Vehicles[b], out[i].Vehicles[a] })
		cs := append([]retention.Contact(nil), out[i].Contacts...)
		r.Shuffle(len(cs), func(a, b int) { cs[a], cs[b] = cs[b], cs[a] })
		out[i].Contacts = cs
	}
	r.Shuffle(len(out), func(a, b int) { out[a], out[b] = out[b], out[a] })
	return out
}

// flat renders a plan by content (no pointers): every task, deferral and
// customer classification.
func flat(p Plan) []string {
	var out []string
	for _, t := range p.Tasks {
		out = append(out, fmt.Sprintf("%+v", t))
	}
	for _, df := range p.Deferred {
		out = append(out, fmt.Sprintf("deferred %+v %s", df.Task, df.Reason))
	}
	for _, c := range p.Customers {
		out = append(out, fmt.Sprintf("%s %s %s %s", c.ID, c.Status, c.Tier, c.Flags))
		for _, v := range c.Vehicles {
			out = append(out, fmt.Sprintf("  %s %s %s %s %s %v", v.VIN, v.Status, v.Stage, v.Reason(), v.HomeDealer, v.NextService))
		}
	}
	return out
}

// TestPlanIsDeterministic: the plan is the same computed twice and with
// every input list shuffled.
func TestPlanIsDeterministic(t *testing.T) {
	asOf := d("2026-11-22")
	pl := planner(t, func(p *retention.Policy) { p.Care.Holidays = []date.Date{d("2026-11-20")} },
		&Options{Weather: []WeatherEvent{{Region: "R1", On: d("2026-11-21"), What: "snow"}}})
	in := population(400, 1, asOf)
	first := pl.Plan(in, asOf)
	if len(first.Tasks) < 100 || len(first.Deferred) == 0 {
		t.Fatalf("population too quiet to test: %d tasks, %d deferred", len(first.Tasks), len(first.Deferred))
	}
	if diff := cmp.Diff(flat(first), flat(pl.Plan(in, asOf))); diff != "" {
		t.Errorf("second run differs (-first +second):\n%s", diff)
	}
	for seed := range uint64(3) {
		if diff := cmp.Diff(flat(first), flat(pl.Plan(shuffled(in, seed), asOf))); diff != "" {
			t.Errorf("shuffled input (seed %d) differs (-sorted +shuffled):\n%s", seed, diff)
		}
	}
	// Every task is open on asOf and has a stable key of its touch.
	for _, task := range first.Tasks {
		touch, _, anchor, err := retention.ParseTaskKey(task.Key)
		if err != nil || touch != task.Touch || anchor != task.Anchor || task.DueOn.After(asOf) || asOf.After(task.ExpiresOn) {
			t.Errorf("bad task %+v (%v)", task, err)
		}
	}
}

func TestReturnRates(t *testing.T) {
	pl := planner(t, nil, nil)
	task := func(key string, touch retention.Touch, vin, dealer, due string) retention.Task {
		return retention.Task{Key: key, Touch: touch, VIN: vin, Dealer: dealer, Owner: specOf(touch).owner, DueOn: d(due)}
	}
	tasks := []retention.Task{
		task("a", retention.MaintenanceDue, "V1", "D1", "2026-10-01"),  // visit on day 30: returned
		task("b", retention.MaintenanceDue, "V2", "D1", "2026-10-01"),  // visit on day 31: not
		task("c", retention.FirstServiceSMS, "V3", "D2", "2026-10-01"), // visit the day before: not
		task("d", retention.LostRecall, "V4", "D2", "2026-11-01"),      // window open, no visit: left out
		task("e", retention.LostRecall, "V5", "D2", "2026-11-01"),      // window open, returned
		task("f", retention.Birthday, "V1", "D1", "2026-10-01"),        // not a reminder
		task("a", retention.MaintenanceDue, "V1", "D1", "2026-10-01"),  // the same task twice counts once
	}
	visit := func(vin, on string) retention.Visit { return retention.Visit{VIN: vin, OpenedOn: d(on)} }
	visits := []retention.Visit{visit("V1", "2026-10-31"), visit("V2", "2026-11-01"), visit("V3", "2026-09-30"), visit("V5", "2026-11-10")}
	got := pl.ReturnRates(tasks, visits, d("2026-11-22"))
	r := func(n, m int64) retention.Ratio { return retention.Ratio{Num: n, Den: m} }
	want := ReturnReport{All: r(2, 4),
		ByTouch:  []ReturnGroup{{"first-service-sms", r(0, 1)}, {"lost-recall", r(1, 1)}, {"maintenance-due", r(1, 2)}},
		ByDealer: []ReturnGroup{{"D1", r(1, 2)}, {"D2", r(1, 2)}},
		ByOwner:  []ReturnGroup{{"dealer-dcrc", r(2, 3)}, {"oem-call-centre", r(0, 1)}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReturnRates (-want +got):\n%s", diff)
	}
}

// TestReturnRatesAsOf: a visit counts up to the as-of day, not after it,
// even inside the task's window (the day before, on and after asOf).
func TestReturnRatesAsOf(t *testing.T) {
	pl := planner(t, nil, nil)
	task := retention.Task{Key: "k", Touch: retention.MaintenanceDue, VIN: "V1", Dealer: "D1", Owner: retention.DealerDCRC,
		DueOn: d("2026-11-01")} // window to 2026-12-01
	r := func(n, m int64) retention.Ratio { return retention.Ratio{Num: n, Den: m} }
	for _, tt := range []struct {
		visit string
		want  retention.Ratio // as of 2026-11-22, the window open
	}{
		{"2026-11-21", r(1, 1)},
		{"2026-11-22", r(1, 1)},
		{"2026-11-23", r(0, 0)}, // after asOf: no visit yet, the window open, left out
	} {
		visits := []retention.Visit{{VIN: "V1", OpenedOn: d(tt.visit)}}
		if got := pl.ReturnRates([]retention.Task{task}, visits, d("2026-11-22")).All; got != tt.want {
			t.Errorf("ReturnRates, visit on %s: %s, want %s", tt.visit, got, tt.want)
		}
		s := pl.NewReturnStats(d("2026-11-22"))
		s.Add(&task, []date.Date{d(tt.visit)})
		if got := s.Report().All; got != tt.want {
			t.Errorf("ReturnStats.Add, visit on %s: %s, want %s", tt.visit, got, tt.want)
		}
	}
}

// TestReturnStatsMerge: the reminders of past plans, added a vehicle at a
// time to stats of parts of the vehicles and merged, give ReturnRates'
// report of all of them.
func TestReturnStatsMerge(t *testing.T) {
	asOf := d("2026-11-22")
	pl := planner(t, nil, nil)
	in := population(300, 7, asOf)
	var tasks []retention.Task
	for day := retention.AddDays(asOf, -90); !day.After(asOf); day = retention.AddDays(day, 3) {
		tasks = append(tasks, pl.Plan(in, day).Tasks...)
	}
	var visits []retention.Visit
	for i := range in {
		for _, h := range in[i].Vehicles {
			visits = append(visits, h.Visits...)
		}
	}
	want := pl.ReturnRates(tasks, visits, asOf)
	if want.All.Den < 20 || want.All.Num == 0 || want.All.Num == want.All.Den {
		t.Fatalf("ReturnRates: %s; the test needs returned and unreturned reminders", want.All)
	}
	seen := map[string]bool{}
	byVIN := map[string][]retention.Task{}
	for _, task := range tasks {
		if !seen[task.Key] {
			seen[task.Key] = true
			byVIN[task.VIN] = append(byVIN[task.VIN], task)
		}
	}
	parts := []*ReturnStats{pl.NewReturnStats(asOf), pl.NewReturnStats(asOf), pl.NewReturnStats(asOf)}
	for i := range in {
		for _, h := range in[i].Vehicles {
			var days []date.Date
			for _, v := range h.Visits {
				days = append(days, v.OpenedOn)
			}
			for _, task := range byVIN[h.Vehicle.VIN] {
				parts[i%len(parts)].Add(&task, days)
			}
			delete(byVIN, h.Vehicle.VIN)
		}
	}
	for _, ts := range byVIN { // customer tasks: no vehicle
		for _, task := range ts {
			parts[0].Add(&task, nil)
		}
	}
	parts[1].Merge(parts[2])
	parts[0].Merge(parts[1])
	if diff := cmp.Diff(want, parts[0].Report()); diff != "" {
		t.Errorf("merged ReturnStats (-ReturnRates +got):\n%s", diff)
	}
}

// TestRecallsOrderedByPAlive: with a churn model, the lost recalls of a
// priority come likeliest-to-return first, in the places they hold.
func TestRecallsOrderedByPAlive(t *testing.T) {
	probs := map[string]float64{"C1": 0.2, "C2": 0.9, "C3": 0.5}
	pl := planner(t, nil, &Options{PAlive: func(id string) (float64, bool) { v, ok := probs[id]; return v, ok }})
	var inputs []classify.CustomerInput
	for _, id := range []string{"C1", "C2", "C3", "C4"} {
		in := customer("P", "2024-01-15", visit("A", retention.Repair, "2026-05-20", 0)) // lost from 2026-11-20
		in.Customer.ID = id
		in.Vehicles[0].Vehicle.VIN = "V" + id
		in.Vehicles[0].Vehicle.Customer = id
		inputs = append(inputs, in)
	}
	inputs[3].Vehicles[0].Vehicle.DeliveredOn = d("2026-11-19") // C4: a sale follow-up among the recalls
	var order []string
	for _, task := range pl.Plan(inputs, d("2026-11-22")).Tasks {
		order = append(order, task.Key)
	}
	want := []string{"lost-recall/VC2/2026-11-20", "lost-recall/VC3/2026-11-20", "lost-recall/VC1/2026-11-20", "sale-followup-3d/VC4/2026-11-19"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// TestPlanParallelIsIdentical: any number of workers gives the same plan.
func TestPlanParallelIsIdentical(t *testing.T) {
	asOf := d("2026-11-22")
	pl := planner(t, nil, nil)
	in := population(300, 5, asOf)
	want := flat(pl.Plan(in, asOf))
	inputs := []struct {
		name string
		in   []classify.CustomerInput
	}{
		{"by id", in},
		// Two workers' runs each in id order, not the whole.
		{"halves swapped", append(slices.Clone(in[len(in)/2:]), in[:len(in)/2]...)},
		{"shuffled", shuffled(in, 7)},
	}
	for _, tc := range inputs {
		for _, workers := range []int{1, 2, 3, 8} {
			if diff := cmp.Diff(want, flat(pl.PlanParallel(tc.in, asOf, workers))); diff != "" {
				t.Errorf("%s, %d workers: the plan differs from 1 worker's on inputs by id (-want +got):\n%s", tc.name, workers, diff)
			}
		}
	}
}

// TestTasksOfASharedKeyByCustomer: when records give two customers the same
// VIN, their tasks share a key and are ordered by customer, whatever the
// order of inputs and the number of workers. More customers than a worker
// takes at a time, so that several workers share them.
func TestTasksOfASharedKeyByCustomer(t *testing.T) {
	pl := planner(t, nil, nil)
	asOf := d("2026-11-22")
	var in []classify.CustomerInput
	var want []string
	for i := range 3 * planChunk {
		c := customer("M1", "2026-11-19") // delivered three days before asOf
		c.Customer.ID = fmt.Sprintf("C%03d", i)
		c.Vehicles[0].Vehicle.Customer = c.Customer.ID
		in = append([]classify.CustomerInput{c}, in...) // last customer first
		want = append(want, c.Customer.ID)
	}
	for _, workers := range []int{1, 2, 3} {
		var got []string
		for _, task := range pl.PlanParallel(in, asOf, workers).Tasks {
			if task.Key != "sale-followup-3d/V1/2026-11-19" {
				t.Fatalf("%d workers: unexpected task %s", workers, task.Key)
			}
			got = append(got, task.Customer)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%d workers: customers of the shared key's tasks (-want +got):\n%s", workers, diff)
		}
	}
}

// TestEveryVehicleOfACustomerIsPlanned: a customer's vehicles are found
// again by VIN in any order, for a few vehicles and for a fleet's many.
func TestEveryVehicleOfACustomerIsPlanned(t *testing.T) {
	pl := planner(t, nil, nil)
	asOf := d("2026-11-22")
	for _, n := range []int{1, 3, 8, 9, 40} {
		t.Run(fmt.Sprint(n, " vehicles"), func(t *testing.T) {
			in := customer("M1", "2026-11-19") // delivered three days before asOf
			var want []string
			for i := range n {
				vin := fmt.Sprintf("V%02d", (i*7)%n) // out of VIN order
				in.Vehicles = append(in.Vehicles, retention.VehicleHistory{Vehicle: retention.Vehicle{VIN: vin, Customer: "C1",
					Model: "M1", Dealer: "D1", DeliveredOn: d("2026-11-19"), Purchase: retention.FirstPurchase}})
				want = append(want, vin)
			}
			in.Vehicles = in.Vehicles[1:] // not customer's V1
			var got []string
			for _, task := range withTouch(planned(pl, in, asOf), retention.SaleFollowup3D) {
				got = append(got, task.VIN)
			}
			slicesSort(want)
			slicesSort(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("VINs of the 3-day sale follow-ups (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFinishMatchesPlan: customers planned one at a time, before their
// tiers are known, then finished, give Plan's plan; and CompareTasks,
// ComparePAlive and CompareDeferrals order it as Plan does.
func TestFinishMatchesPlan(t *testing.T) {
	asOf := d("2026-11-22")
	probs := func(id string) (float64, bool) {
		h := retention.CustomerHash(id)
		return float64(h%1000) / 1000, h%3 != 0 // a third without P(alive)
	}
	pl := planner(t, nil, &Options{PAlive: probs})
	in := population(300, 5, asOf)
	want := pl.Plan(in, asOf)
	want.Customers = nil
	c := pl.Classifier()
	got := Plan{AsOf: asOf}
	rs := make([]classify.CustomerResult, len(in))
	pAlive := map[string]float64{}
	for i := range in {
		rs[i] = c.Customer(&in[i], asOf)
		cp := pl.Customer(&in[i], &rs[i], asOf)
		got.Tasks = append(got.Tasks, cp.Tasks...)
		got.Deferred = append(got.Deferred, cp.Deferred...)
		if rs[i].PAlive != nil {
			pAlive[rs[i].ID] = *rs[i].PAlive
		}
	}
	c.AssignTiers(rs)
	tierOf := map[string]classify.Tier{}
	for _, r := range rs {
		tierOf[r.ID] = r.Tier
	}
	pl.Finish(&got, tierOf, pAlive)
	if diff := cmp.Diff(flat(want), flat(got)); diff != "" {
		t.Errorf("finished plan (-Plan +Finish):\n%s", diff)
	}
	// The tasks other than lost recalls by CompareTasks; the recalls hold
	// their places, reordered among themselves.
	recalls, withP, prev := 0, 0, -1
	for i, task := range want.Tasks {
		if i > 0 && want.Tasks[i-1].Priority > task.Priority {
			t.Errorf("tasks %d and %d out of priority order", i-1, i)
		}
		if task.Touch != retention.LostRecall {
			if prev >= 0 && CompareTasks(&want.Tasks[prev], &task) >= 0 {
				t.Errorf("tasks %d and %d out of CompareTasks's order", prev, i)
			}
			prev = i
			continue
		}
		recalls++
		if _, ok := pAlive[task.Customer]; ok {
			withP++
		}
	}
	if recalls < 3 || withP == 0 || withP == recalls {
		t.Fatalf("%d lost recalls, %d with P(alive): the test needs some of each", recalls, withP)
	}
	for i := 1; i < len(want.Deferred); i++ {
		if CompareDeferrals(&want.Deferred[i-1], &want.Deferred[i]) >= 0 {
			t.Errorf("deferrals %d and %d out of CompareDeferrals's order", i-1, i)
		}
	}
}

// TestComparePAlive: higher P(alive) first, then those with one.
func TestComparePAlive(t *testing.T) {
	for _, tc := range []struct {
		pa   float64
		okA  bool
		pb   float64
		okB  bool
		want int
	}{
		{0.9, true, 0.2, true, -1},
		{0.2, true, 0.9, true, 1},
		{0.5, true, 0.5, true, 0},
		{0.1, true, 0, false, -1},
		{0, false, 0.1, true, 1},
		{0, false, 0, false, 0},
	} {
		if got := ComparePAlive(tc.pa, tc.okA, tc.pb, tc.okB); got != tc.want {
			t.Errorf("ComparePAlive(%v, %v, %v, %v) = %d, want %d", tc.pa, tc.okA, tc.pb, tc.okB, got, tc.want)
		}
	}
}
