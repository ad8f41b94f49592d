package retention_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dcrc-go/dcrc/adapters/memstore"
	"github.com/dcrc-go/dcrc/retention"
)

func ExampleAddMonths() {
	d := retention.MustParseDate
	fmt.Println(retention.AddMonths(d("2026-08-31"), -6))
	fmt.Println(retention.AddMonths(d("2024-01-31"), 1))
	// "Six months or more without a visit" as of 2026-08-31:
	fmt.Println(retention.MonthsOrMoreAgo(d("2026-02-28"), d("2026-08-31"), 6))
	fmt.Println(retention.MonthsOrMoreAgo(d("2026-03-01"), d("2026-08-31"), 6))
	// Output:
	// 2026-02-28
	// 2024-02-29
	// true
	// false
}

func ExampleParseDate() {
	_, err := retention.ParseDate("2025-02-30")
	fmt.Println(err)
	// Output:
	// no such date "2025-02-30"
}

func ExampleAppendDate() {
	// A line of a call list, written into one buffer without fmt.
	buf := make([]byte, 0, 64)
	buf = append(buf, "V0001,due "...)
	buf = retention.AppendDate(buf, retention.MustParseDate("2026-12-05"))
	fmt.Println(string(buf))
	// Output:
	// V0001,due 2026-12-05
}

func ExamplePolicy_EstimateMileage() {
	d := retention.MustParseDate
	policy := retention.DefaultPolicy()
	model := retention.Model{ID: "M1", Kind: retention.Passenger}
	rules := policy.ForModel(&model)
	car := retention.Vehicle{VIN: "LFV1", Model: "M1", DeliveredOn: d("2026-01-10")}
	visits := []retention.Visit{
		{ID: "RO1", VIN: "LFV1", OpenedOn: d("2026-03-01"), OdometerKm: 4800, Kind: retention.FirstService},
		{ID: "RO2", VIN: "LFV1", OpenedOn: d("2026-06-01"), OdometerKm: 4100, Kind: retention.Repair}, // typo
		{ID: "RO3", VIN: "LFV1", OpenedOn: d("2026-09-01"), OdometerKm: 14300, Kind: retention.Maintenance},
	}
	m := policy.EstimateMileage(&car, visits, &rules, d("2026-11-22"))
	fmt.Printf("%.1f km/day (%s)\n", m.Rate.DailyKm(), m.Basis)
	fmt.Println("odometer on 2026-11-22:", m.OdometerOn(d("2026-11-22")))
	on, _ := m.DateReaching(30_000, car.DeliveredOn)
	fmt.Println("30,000 km on", on)
	for _, f := range m.Findings {
		fmt.Println(f.Record, f.Field, f.Problem)
	}
	// Output:
	// 61.1 km/day (recent)
	// odometer on 2026-11-22: 19311
	// 30,000 km on 2027-05-16
	// visits/RO2 odometerKm odometer went backwards: 4100 km on 2026-06-01 after 4800 km on 2026-03-01
}

func ExamplePolicy_Stage() {
	d := retention.MustParseDate
	policy := retention.DefaultPolicy()
	rules := policy.ForModel(&retention.Model{ID: "T1", Kind: retention.Commercial})
	truck := retention.Vehicle{VIN: "LZZ1", Model: "T1", DeliveredOn: d("2023-01-31")}
	for _, asOf := range []string{"2023-04-29", "2024-11-27", "2024-11-28", "2026-09-26"} {
		m := policy.EstimateMileage(&truck, nil, &rules, d(asOf))
		fmt.Println(asOf, policy.Stage(&truck, &rules, &m, d(asOf)))
	}
	m := policy.EstimateMileage(&truck, nil, &rules, d("2024-01-01"))
	end, by := retention.WarrantyEnd(&truck, &rules, &m)
	fmt.Println("warranty ends", end, "by", by)
	// Output:
	// 2023-04-29 new-car
	// 2024-11-27 in-warranty
	// 2024-11-28 out-of-warranty
	// 2026-09-26 replacement
	// warranty ends 2024-11-28 by mileage
}

func ExampleDecodeDataset() {
	_, err := retention.DecodeDataset(strings.NewReader(`{
	  "dealers": [{"id": "D1"}],
	  "customers": [{"id": "C1"}],
	  "models": [{"id": "M1"}],
	  "vehicles": [{"vin": "LFV1", "customer": "C1", "model": "M1", "dealer": "D1",
	                "deliveredOn": "2025-02-30"}]
	}`))
	fmt.Println(err)
	fmt.Println(errors.Is(err, retention.ErrInvalid))
	// Output:
	// vehicles/LFV1: deliveredOn: no such date "2025-02-30"
	// true
}

// A plan saved as it is made: the sequence could be a merge on disk, and
// a SQL store would hold one INSERT statement's tasks at a time. When the
// sequence fails, nothing is saved.
func ExampleSaveTaskSeq() {
	ctx := context.Background()
	store := memstore.New()
	plan := func(n int, err error) func(yield func(retention.Task, error) bool) {
		return func(yield func(retention.Task, error) bool) {
			for i := range n {
				due := retention.AddDays(retention.MustParseDate("2026-11-22"), i)
				key := fmt.Sprintf("maintenance-due/LFV%d/2026-05-22", i)
				if !yield(retention.Task{Key: key, Touch: retention.MaintenanceDue, Customer: "C1", DueOn: due, ExpiresOn: due}, nil) {
					return
				}
			}
			if err != nil {
				yield(retention.Task{}, err)
			}
		}
	}
	added, err := retention.SaveTaskSeq(ctx, store, plan(3, errors.New("the plan failed")))
	fmt.Println(added, err)
	added, err = retention.SaveTaskSeq(ctx, store, plan(3, nil))
	fmt.Println(added, err)
	added, err = retention.SaveTaskSeq(ctx, store, plan(5, nil))
	fmt.Println(added, err)
	// Output:
	// 0 the plan failed
	// 3 <nil>
	// 2 <nil>
}

func ExamplePartitionRange() {
	// Four workers, on as many machines, split a network: each streams the
	// customers whose hash, which the store keeps in a column, lies in its
	// range (retention.HistoryFilter{Partition: p, Partitions: 4}).
	for p := range 4 {
		lo, hi := retention.PartitionRange(p, 4)
		fmt.Printf("worker %d: part >= %d AND part < %d\n", p, lo, hi)
	}
	h := retention.CustomerHash("C0042")
	fmt.Printf("C0042: hash %d, worker %d\n", h, retention.PartitionOf("C0042", 4))
	// Output:
	// worker 0: part >= 0 AND part < 1073741824
	// worker 1: part >= 1073741824 AND part < 2147483648
	// worker 2: part >= 2147483648 AND part < 3221225472
	// worker 3: part >= 3221225472 AND part < 4294967296
	// C0042: hash 3725673968, worker 3
}

// Two workers each read their half of a store's customers, those with
// vehicles and those without: through the store's own CustomersIn when it
// has one (the SQL stores select the range in the database), else, as
// here on the memory store, by reading them all and keeping their own.
func ExampleCustomersIn() {
	ctx := context.Background()
	store := memstore.New()
	ds := &retention.Dataset{}
	for _, id := range []string{"C-EDGE-FPZRLSE", "C-EDGE-6QILCL", "C1", "C2", "C3"} {
		ds.Customers = append(ds.Customers, retention.Customer{ID: id, Kind: retention.Individual})
	}
	if err := store.Import(ctx, ds); err != nil {
		fmt.Println(err)
		return
	}
	for p := range 2 {
		fmt.Printf("worker %d:", p)
		for c, err := range retention.CustomersIn(ctx, store, retention.HistoryFilter{Partition: p, Partitions: 2}) {
			if err != nil {
				fmt.Println(err)
				return
			}
			fmt.Printf(" %s (hash %d)", c.ID, retention.CustomerHash(c.ID))
		}
		fmt.Println()
	}
	// Output:
	// worker 0: C-EDGE-FPZRLSE (hash 2147483647)
	// worker 1: C-EDGE-6QILCL (hash 2147483648) C1 (hash 2279222777) C2 (hash 2228889920) C3 (hash 2245667539)
}

// Three workers classify the vehicles of a store by VIN range: the store
// splits its vehicles into ranges of about equal count, and each worker
// streams the status facts of its own range, so that it reads only its part
// of the visits' index by vehicle.
func ExampleStatusRangeReader() {
	ctx := context.Background()
	store := memstore.New()
	ds := &retention.Dataset{
		Dealers:   []retention.Dealer{{ID: "D1"}},
		Models:    []retention.Model{{ID: "M1", Kind: retention.Passenger}},
		Customers: []retention.Customer{{ID: "C1", Kind: retention.Individual}},
	}
	for i := range 7 {
		ds.Vehicles = append(ds.Vehicles, retention.Vehicle{VIN: fmt.Sprintf("LFV%02d", i), Customer: "C1", Model: "M1",
			Dealer: "D1", DeliveredOn: retention.MustParseDate("2026-01-01"), Purchase: retention.FirstPurchase})
	}
	if err := store.Import(ctx, ds); err != nil {
		fmt.Println(err)
		return
	}
	var rr retention.StatusRangeReader = store
	splits, err := rr.SplitVINs(ctx, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	w := retention.StatusWindows{AsOf: retention.MustParseDate("2026-11-22")}
	for p, r := range retention.VINRangesAt(splits) {
		fmt.Printf("worker %d, VINs from %q before %q:", p, r.From, r.Before)
		for f, err := range rr.StatusFactsIn(ctx, r, w) {
			if err != nil {
				fmt.Println(err)
				return
			}
			fmt.Printf(" %s", f.VIN)
		}
		fmt.Println()
	}
	// Output:
	// worker 0, VINs from "" before "LFV03": LFV00 LFV01 LFV02
	// worker 1, VINs from "LFV03" before "LFV05": LFV03 LFV04
	// worker 2, VINs from "LFV05" before "": LFV05 LFV06
}
