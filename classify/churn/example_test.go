package churn_test

import (
	"fmt"

	"github.com/dcrc-go/dcrc/classify/churn"
	"github.com/dcrc-go/dcrc/retention"
)

func ExampleFitModel() {
	d := retention.MustParseDate
	// Ten customers who come back every four weeks, five of them until the
	// end, five who stopped after three visits.
	var events []churn.Event
	for i := range 10 {
		id := fmt.Sprintf("C%d", i)
		visits := 13
		if i >= 5 {
			visits = 3
		}
		for k := range visits {
			events = append(events, churn.Event{Customer: id, On: retention.AddDays(d("2026-01-05"), 28*k+i)})
		}
	}
	ss := churn.Summarize(events, d("2026-12-31"), churn.Week)
	f, err := churn.FitModel(churn.BGNBD, ss)
	if err != nil {
		panic(err)
	}
	for _, s := range []churn.Summary{ss[0], ss[9]} {
		fmt.Printf("%s: %d repeat visits, the last %.0f weeks after the first, P(alive) %.2f\n",
			s.Customer, s.Frequency, s.Recency, f.PAlive(s))
	}
	// Output:
	// C0: 12 repeat visits, the last 48 weeks after the first, P(alive) 0.94
	// C9: 2 repeat visits, the last 8 weeks after the first, P(alive) 0.00
}
