package demo_test

import (
	"bytes"
	"testing"

	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/retention"
)

func TestGenerateIsValidAndDeterministic(t *testing.T) {
	asOf := retention.MustParseDate("2026-11-22")
	a := demo.Generate(&demo.Options{Vehicles: 400, AsOf: asOf})
	if err := a.Validate(); err != nil {
		t.Fatalf("generated dataset is invalid: %v", err)
	}
	if len(a.Vehicles) < 400 || len(a.Visits) < 1000 || len(a.Complaints) == 0 || len(a.Surveys) == 0 || len(a.Contacts) == 0 {
		t.Errorf("thin dataset: %d vehicles, %d visits, %d complaints, %d surveys, %d contacts",
			len(a.Vehicles), len(a.Visits), len(a.Complaints), len(a.Surveys), len(a.Contacts))
	}
	var x, y bytes.Buffer
	if err := a.EncodeJSON(&x); err != nil {
		t.Fatal(err)
	}
	if err := demo.Generate(&demo.Options{Vehicles: 400, AsOf: asOf}).EncodeJSON(&y); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x.Bytes(), y.Bytes()) {
		t.Error("the same seed generated different datasets")
	}
	var z bytes.Buffer
	demo.Generate(&demo.Options{Vehicles: 400, AsOf: asOf, Seed: 2}).EncodeJSON(&z)
	if bytes.Equal(x.Bytes(), z.Bytes()) {
		t.Error("another seed generated the same dataset")
	}
	// Nothing happens after asOf.
	for _, v := range a.Visits {
		if v.OpenedOn.After(asOf) || v.ClosedOn.After(asOf) {
			t.Fatalf("visit %s after asOf", v.ID)
		}
	}
}
