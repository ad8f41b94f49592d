package schedule_test

import (
	"fmt"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
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
