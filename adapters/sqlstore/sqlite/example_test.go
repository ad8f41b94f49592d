package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/retention"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "dcrc")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "dealer.sqlite"), nil)
	if err != nil {
		panic(err)
	}
	defer store.Close()

	d := retention.MustParseDate
	err = store.Import(ctx, &retention.Dataset{
		Dealers:   []retention.Dealer{{ID: "D1"}},
		Models:    []retention.Model{{ID: "M1", Kind: retention.Passenger}},
		Customers: []retention.Customer{{ID: "C1", Kind: retention.Individual}},
		Vehicles: []retention.Vehicle{{VIN: "LFV1", Customer: "C1", Model: "M1", Dealer: "D1",
			DeliveredOn: d("2024-02-29"), Purchase: retention.FirstPurchase}},
		Visits: []retention.Visit{{ID: "RO1", VIN: "LFV1", Dealer: "D1", OpenedOn: d("2024-05-31"),
			ClosedOn: d("2024-05-31"), OdometerKm: 4800, Kind: retention.FirstService}},
	})
	if err != nil {
		panic(err)
	}
	// Importing the same repair order again names the record that collides.
	err = store.Import(ctx, &retention.Dataset{Visits: []retention.Visit{{ID: "RO1", VIN: "LFV1", Dealer: "D1",
		OpenedOn: d("2024-06-01"), ClosedOn: d("2024-06-01"), Kind: retention.Repair}}})
	fmt.Println(retention.ErrorKind(err), err.(*retention.Error).Record)

	for h, err := range store.Histories(ctx, retention.HistoryFilter{}) {
		if err != nil {
			panic(err)
		}
		fmt.Println(h.Vehicle.VIN, h.Vehicle.DeliveredOn, len(h.Visits), h.Visits[0].OpenedOn)
	}
	// Output:
	// conflict visits/RO1
	// LFV1 2024-02-29 1 2024-05-31
}
