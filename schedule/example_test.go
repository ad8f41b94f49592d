package schedule_test

import (
	"fmt"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/rickb777/date"
)

func Example() {
	d := retention.MustParseDate
	policy := retention.DefaultPolicy()
	models := []retention.Model{{ID: "M1", Series: "S1", Kind: retention.Passenger}}
	planner, err := schedule.New(&policy, models, nil)
	if err != nil {
		panic(err)
	}
	customers := []classify.CustomerInput{{
		Customer: retention.Customer{ID: "C1", Phone: "13800000000", Kind: retention.Individual},
		Vehicles: []retention.VehicleHistory{{
			Vehicle: retention.Vehicle{VIN: "LFV1", Customer: "C1", Model: "M1", Dealer: "D1",
				DeliveredOn: d("2026-01-10"), Purchase: retention.FirstPurchase},
			Visits: []retention.Visit{{ID: "RO1", VIN: "LFV1", Dealer: "D1", OpenedOn: d("2026-05-19"),
				ClosedOn: d("2026-05-19"), OdometerKm: 9000, Kind: retention.FirstService}},
		}},
	}}
	plan := planner.Plan(customers, d("2026-07-30"))
	for _, t := range plan.Tasks {
		fmt.Printf("%s %s %s due %s: %s\n", t.Owner, t.Channel, t.Touch, t.DueOn, t.Reason)
	}
	// Output:
	// dealer-dcrc phone maintenance-due due 2026-07-30: maintenance due 2026-07-30 by mileage (estimated 14023 km), last maintenance 2026-05-19
}

// ExampleReturnStats measures reminders as a DMS streams its vehicles: each
// vehicle's stored reminders with the days it came in, then the report.
func ExampleReturnStats() {
	d := retention.MustParseDate
	policy := retention.DefaultPolicy() // a return window of 30 days
	planner, err := schedule.New(&policy, []retention.Model{{ID: "M1", Series: "S1", Kind: retention.Passenger}}, nil)
	if err != nil {
		panic(err)
	}
	stats := planner.NewReturnStats(d("2026-11-22"))
	vehicles := []struct {
		reminder retention.Task
		visits   []date.Date
	}{
		{retention.Task{Key: "maintenance-due/V1/2026-10-01", Touch: retention.MaintenanceDue, VIN: "V1", Dealer: "D1",
			Owner: retention.DealerDCRC, DueOn: d("2026-10-01")}, []date.Date{d("2026-10-20")}}, // back within the window
		{retention.Task{Key: "maintenance-due/V2/2026-10-01", Touch: retention.MaintenanceDue, VIN: "V2", Dealer: "D1",
			Owner: retention.DealerDCRC, DueOn: d("2026-10-01")}, nil}, // window over, no visit
		{retention.Task{Key: "maintenance-due/V3/2026-11-10", Touch: retention.MaintenanceDue, VIN: "V3", Dealer: "D2",
			Owner: retention.DealerDCRC, DueOn: d("2026-11-10")}, nil}, // window still open: not counted yet
	}
	for _, v := range vehicles {
		stats.Add(&v.reminder, v.visits)
	}
	r := stats.Report()
	fmt.Println("all:", r.All)
	for _, g := range r.ByDealer {
		fmt.Println(g.Key+":", g.Returned)
	}
	// Output:
	// all: 1/2
	// D1: 1/2
}
