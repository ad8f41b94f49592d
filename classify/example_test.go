package classify_test

import (
	"fmt"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/shopspring/decimal"
)

func Example() {
	d := retention.MustParseDate
	policy := retention.DefaultPolicy()
	models := []retention.Model{{ID: "M1", Series: "S1", Kind: retention.Passenger}}
	c, err := classify.New(&policy, models, nil)
	if err != nil {
		panic(err)
	}
	visit := func(id, on string) retention.Visit {
		return retention.Visit{ID: id, VIN: "LFV1", Dealer: "D1", OpenedOn: d(on), ClosedOn: d(on), Kind: retention.Maintenance}
	}
	in := classify.CustomerInput{
		Customer: retention.Customer{ID: "C1", Phone: "13800000000", Kind: retention.Individual},
		Vehicles: []retention.VehicleHistory{{
			Vehicle: retention.Vehicle{VIN: "LFV1", Customer: "C1", Model: "M1", Dealer: "D1",
				DeliveredOn: d("2025-01-10"), Purchase: retention.FirstPurchase},
			Visits: []retention.Visit{visit("RO1", "2025-04-02"), visit("RO2", "2026-02-28")},
		}},
	}
	// Six months before 2026-08-28 … 2026-08-31 is 2026-02-28 (clamped), so
	// the visit of 2026-02-28 turns six months old on 2026-08-28.
	for _, asOf := range []string{"2026-08-27", "2026-08-28"} {
		r := c.Customer(&in, d(asOf))
		v := r.Vehicles[0]
		fmt.Printf("%s: %s (%s) flags=%v\n", asOf, v.Status, v.Reason(), v.Flags.Names())
	}
	// Output:
	// 2026-08-27: swing (1 visit within 12 months (at most 2)) flags=[]
	// 2026-08-28: lost (last visit 2026-02-28, 6 months or more before 2026-08-28) flags=[]
}

func ExampleStats() {
	d := retention.MustParseDate
	policy := retention.DefaultPolicy()
	c, err := classify.New(&policy, nil, nil)
	if err != nil {
		panic(err)
	}
	var stats classify.Stats
	for i, delivered := range []string{"2026-07-01", "2025-10-01", "2019-05-01"} {
		vin := fmt.Sprintf("V%d", i)
		in := classify.CustomerInput{Customer: retention.Customer{ID: vin, Phone: "1"},
			Vehicles: []retention.VehicleHistory{{Vehicle: retention.Vehicle{VIN: vin, Customer: vin, Model: "M",
				Dealer: "D1", DeliveredOn: d(delivered)}}}}
		r := c.Customer(&in, d("2026-08-31"))
		stats.Add(&r)
	}
	for _, s := range stats.Report().VehicleStatus {
		if s.Count > 0 {
			fmt.Println(s.Status, s.Count, s.Share)
		}
	}
	// Output:
	// new 1 0.3334
	// lost 1 0.3333
	// dormant 1 0.3333
}

// The statuses of a whole network from facts a store aggregates
// (retention.StatusReader): the classifier supplies the windows, so the
// store's query needs no month arithmetic of its own.
func ExampleClassifier_StatusOf() {
	d := retention.MustParseDate
	policy := retention.DefaultPolicy()
	c, err := classify.New(&policy, nil, nil)
	if err != nil {
		panic(err)
	}
	asOf := d("2026-08-31")
	w := c.StatusWindows(asOf)
	fmt.Println("count visits opened after", w.VisitFrom, "and on or before", w.AsOf)
	// What a store's StatusFacts yields, here written by hand.
	facts := []retention.StatusFacts{
		{VIN: "LFV1", DeliveredOn: d("2024-01-15"), LastVisit: new(d("2026-02-28")), InWindow: 1, InEffective: 1},
		{VIN: "LFV2", DeliveredOn: d("2024-01-15"), LastVisit: new(d("2026-03-01")), InWindow: 1, InEffective: 1},
		{VIN: "LFV3", DeliveredOn: d("2026-06-01")},
	}
	for _, f := range facts {
		status, rule := c.StatusOf(&f, asOf)
		fmt.Println(f.VIN, status, rule)
	}
	// Output:
	// count visits opened after 2025-08-31 and on or before 2026-08-31
	// LFV1 lost lost-last-visit
	// LFV2 swing swing
	// LFV3 new new
}

// A network's tiers as its customers stream past, ranked in two partitions
// and merged: only the handles of the customers of interest are kept.
func ExampleTierRanking() {
	policy := retention.DefaultPolicy()
	c, err := classify.New(&policy, nil, nil)
	if err != nil {
		panic(err)
	}
	parts := []*classify.TierRanking{c.NewTierRanking(), c.NewTierRanking()}
	type kept struct {
		id           string
		part, handle int
	}
	var watch []kept
	for i := range 10 {
		in := classify.TierInput{ID: fmt.Sprintf("C%d", i), Dealer: "D1", Effective: true, Kind: retention.Individual,
			Purchase: decimal.NewFromInt(int64(100_000 + 10_000*i)), Vehicles: 1,
			Spend: decimal.NewFromInt(int64(500 * i)), Visits: i % 4}
		part := i % 2 // each worker streams its partition
		h := parts[part].Add(&in)
		if i == 0 || i == 5 || i == 9 {
			watch = append(watch, kept{in.ID, part, h})
		}
	}
	tiers := c.TiersOfParts(parts) // by part and handle
	for _, k := range watch {
		fmt.Println(k.id, tiers[k.part][k.handle])
	}
	// Output:
	// C0 basic
	// C5 potential
	// C9 core
}
