package satisfaction_test

import (
	"fmt"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/satisfaction"
)

func ExampleFFVStats() {
	d := retention.MustParseDate
	policy := retention.DefaultPolicy()
	ffv, err := satisfaction.NewFFVStats(&policy, nil)
	if err != nil {
		panic(err)
	}
	ro := func(id, opened, closed string, codes ...string) retention.Visit {
		return retention.Visit{ID: id, VIN: "LFV1", Dealer: "D1", OpenedOn: d(opened), ClosedOn: d(closed),
			Kind: retention.Repair, Advisor: "A1", ComplaintCodes: codes}
	}
	ffv.Add(&retention.VehicleHistory{
		Vehicle: retention.Vehicle{VIN: "LFV1", Model: "M1"},
		Visits: []retention.Visit{
			ro("RO1", "2026-01-30", "2026-01-31", "brake-noise"),
			ro("RO2", "2026-03-02", "2026-03-02", "brake-noise"), // day 30 after pick-up: a comeback
			ro("RO3", "2026-04-02", "2026-04-02", "brake-noise"), // day 31: not
		},
	})
	r := ffv.Report().All
	rate, _ := r.FFV.Decimal(4)
	fmt.Println("FFV", r.FFV, "=", rate)
	// Output:
	// FFV 2/3 = 0.6667
}

func ExampleComplaints_Evaluate() {
	policy := retention.DefaultPolicy()
	cs, err := satisfaction.NewComplaints(&policy, nil)
	if err != nil {
		panic(err)
	}
	received := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	ack := received.Add(2*time.Hour + time.Second)
	c := retention.Complaint{ID: "K1", Customer: "C1", Severity: retention.Normal, ReceivedAt: received, AcknowledgedAt: &ack}
	sla := cs.Evaluate(&c, received.Add(25*time.Hour))
	fmt.Println("respond:", sla.Respond, "solve:", sla.Solve, "overdue:", sla.Overdue())
	// Output:
	// respond: breached solve: breached overdue: true
}
