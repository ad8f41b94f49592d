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

// ExampleSurveyStats counts surveys as they stream past, one at a time,
// and gives the summary, the CSI and the advisors' scores without holding
// them.
func ExampleSurveyStats() {
	policy := retention.DefaultPolicy()
	var stats satisfaction.SurveyStats
	for _, s := range []retention.Survey{ // a store's stream, say
		{Customer: "C1", Touch: retention.ServiceFollowup2D, Advisor: "A1", Answers: map[string]int{
			"service-initiation": 4, "service-advisor": 5, "facility": 4, "vehicle-pickup": 5, "service-quality": 4}},
		{Customer: "C2", Touch: retention.ServiceFollowup2D, Advisor: "A1", Answers: map[string]int{
			"service-initiation": 3, "service-advisor": 4, "facility": 5, "vehicle-pickup": 4, "service-quality": 5}},
	} {
		stats.Add(&s, false)
	}
	mean, _ := stats.Report().All.Mean.Decimal(2)
	fmt.Println("S", mean)
	fmt.Println("CSI", stats.CSI(&policy, nil).Index)
	for _, a := range stats.AdvisorScores(&policy, satisfaction.FFVReport{}) {
		fmt.Println(a.Advisor, "missing", a.Missing)
	}
	// Output:
	// S 4.3
	// CSI 825
	// A1 missing [comeback-rate explanation understanding-needs correct-work contact-index]
}

// ExampleComplaintStats counts complaints as they stream past, one at a
// time, and summarises their handling without holding them.
func ExampleComplaintStats() {
	policy := retention.DefaultPolicy()
	cs, err := satisfaction.NewComplaints(&policy, nil)
	if err != nil {
		panic(err)
	}
	received := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := received.Add(d); return &t }
	stats := cs.NewStats(received.Add(30 * time.Hour))
	for _, c := range []retention.Complaint{ // a store's stream, say
		{ID: "K1", Category: "waiting-time", Source: retention.FromOnSite, ReceivedAt: received,
			AcknowledgedAt: at(time.Hour), SolvedAt: at(20 * time.Hour), ClosedAt: at(22 * time.Hour)}, // within SLA
		{ID: "K2", Category: "parts", Source: retention.FromFollowupCall, ReceivedAt: received,
			AcknowledgedAt: at(time.Hour)}, // open: not solved within 24 h
		{ID: "K3", Category: "parts", Source: retention.FromOnSite, ReceivedAt: received.Add(31 * time.Hour)}, // after the instant
	} {
		stats.Add(&c)
	}
	s := stats.Report()
	fmt.Println("complaints", s.Total, "within SLA", s.WithinSLA, "breached", s.Breached, "overdue", s.Overdue)
	for _, h := range s.ByCategory {
		fmt.Println(h.Key, h.Count)
	}
	// Output:
	// complaints 2 within SLA 1/2 breached 1 overdue [K2]
	// parts 1/2
	// waiting-time 1/2
}
