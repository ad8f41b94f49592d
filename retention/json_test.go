package retention

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

func readDataset(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/dataset.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeDataset(t *testing.T) {
	ds, err := DecodeDataset(bytes.NewReader(readDataset(t)))
	if err != nil {
		t.Fatalf("DecodeDataset: %v", err)
	}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ptr := func(s string) *date.Date { v := d(s); return &v }
	ack := at("2026-03-04T09:30:00+08:00")
	want := &Dataset{
		Dealers: []Dealer{{"D1", "Nanjing North", "320100"}, {"D2", "Nanjing South", "320100"}},
		Models: []Model{{ID: "M1", Series: "S1", Kind: Passenger, ServiceIntervalKm: 5000, ServiceIntervalMonths: 3,
			WarrantyMonths: 36, WarrantyKm: 100000, DefaultDailyKm: 40},
			{ID: "M2", Series: "S2", Kind: Passenger}},
		Customers: []Customer{{ID: "C1", Name: "Wang", Phone: "13800000000", Birthday: ptr("1984-02-29"),
			Kind: Individual, Region: "320100"}, {ID: "C2", Kind: Fleet, VIP: true}},
		Vehicles: []Vehicle{{VIN: "LFV1", Customer: "C1", Model: "M1", Dealer: "D1", DeliveredOn: d("2026-01-10"),
			SalesConsultant: "S9", Price: decimal.RequireFromString("158000.00"), Purchase: FirstPurchase,
			InsuranceExpiresOn: ptr("2027-01-09")},
			{VIN: "LFV2", Customer: "C2", Model: "M2", Dealer: "D2", DeliveredOn: d("2024-02-29"),
				Price: decimal.RequireFromString("1234567890.1234567"), Purchase: FirstPurchase}},
		Visits: []Visit{{ID: "RO1", VIN: "LFV1", Dealer: "D1", OpenedOn: d("2026-03-01"), ClosedOn: d("2026-03-02"),
			OdometerKm: 4800, Kind: FirstService, Advisor: "A1", Technician: "T1", ComplaintCodes: []string{},
			Amount: decimal.RequireFromString("0.00")},
			{ID: "RO2", VIN: "LFV2", Dealer: "D1", OpenedOn: d("2026-05-31"), ClosedOn: d("2026-05-31"),
				OdometerKm: 41000, Kind: Repair, ComplaintCodes: []string{"B12"}, Amount: decimal.RequireFromString("320.50")}},
		Contacts: []Contact{{Task: "sale-followup-3d/LFV1/2026-01-10", At: at("2026-01-13T10:00:00+08:00"),
			Channel: Phone, Outcome: NoAnswer}},
		Complaints: []Complaint{{ID: "K1", Customer: "C1", VIN: "LFV1", Severity: Normal, Category: "waiting-time",
			Source: FromFollowupCall, ReceivedAt: at("2026-03-04T09:00:00+08:00"), AcknowledgedAt: &ack}},
		Surveys: []Survey{{Customer: "C1", Touch: SaleFollowup3D, At: at("2026-01-13T10:05:00+08:00"),
			Answers: map[string]int{"q1": 5, "q2": 4}}},
	}
	opts := cmp.Options{cmpopts.EquateComparable(date.Date{}), cmp.Comparer(func(a, b decimal.Decimal) bool {
		return a.Equal(b) && a.String() == b.String()
	}), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })}
	if diff := cmp.Diff(want, ds, opts); diff != "" {
		t.Errorf("DecodeDataset (-want +got):\n%s", diff)
	}

	// Round trip: what EncodeJSON writes, DecodeDataset reads back equal,
	// and a second encoding is byte-identical.
	var buf bytes.Buffer
	if err := ds.EncodeJSON(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := DecodeDataset(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("decoding the encoding: %v\n%s", err, buf.String())
	}
	if diff := cmp.Diff(ds, back, opts); diff != "" {
		t.Errorf("round trip (-first +second):\n%s", diff)
	}
	var again bytes.Buffer
	if err := back.EncodeJSON(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("encoding is not stable across a round trip")
	}
}

// TestDecodeDatasetRejects checks every bad input of DATASET.md: the error
// names the record and field, and no dataset is returned.
func TestDecodeDatasetRejects(t *testing.T) {
	base := string(readDataset(t))
	tests := []struct {
		name     string
		old, new string
		want     []string
	}{
		{"malformed date", `"deliveredOn": "2026-01-10"`, `"deliveredOn": "2025-02-30"`, []string{"vehicles/LFV1: deliveredOn"}},
		{"month 13", `"openedOn": "2026-03-01"`, `"openedOn": "2025-13-01"`, []string{"visits/RO1: openedOn"}},
		{"malformed optional date", `"birthday": "1984-02-29"`, `"birthday": "1985-02-29"`, []string{"customers/C1: birthday"}},
		{"malformed amount", `"amount": "320.50"`, `"amount": "320,50"`, []string{"visits/RO2: amount"}},
		{"amount with exponent", `"price": "158000.00"`, `"price": "1e400000"`, []string{"vehicles/LFV1: price"}},
		{"money as a number", `"amount": "320.50"`, `"amount": 320.5`, []string{"visits/RO2: amount"}},
		{"unknown enumeration", `"kind": "first-service"`, `"kind": "first-servce"`, []string{"visits/RO1: kind"}},
		{"unknown channel", `"channel": "phone"`, `"channel": "fax"`, []string{"contacts[0]: channel"}},
		{"negative odometer", `"odometerKm": 4800`, `"odometerKm": -1`, []string{"visits/RO1: odometerKm"}},
		{"odometer as a string", `"odometerKm": 4800`, `"odometerKm": "4800"`, []string{"visits/RO1: odometerKm"}},
		{"duplicate id", `"id": "RO2"`, `"id": "RO1"`, []string{"visits/RO1: id"}},
		{"unknown reference", `"customer": "C2", "model": "M2"`, `"customer": "C3", "model": "M2"`, []string{"vehicles/LFV2: customer"}},
		{"unknown visit vehicle", `"vin": "LFV2", "dealer": "D1"`, `"vin": "LFV9", "dealer": "D1"`, []string{"visits/RO2: vin"}},
		{"missing visit kind", `"kind": "repair", `, ``, []string{"visits/RO2: kind"}},
		{"closed before opened", `"closedOn": "2026-03-02"`, `"closedOn": "2026-02-28"`, []string{"visits/RO1: closedOn"}},
		{"survey answer outside 1-5", `"q2": 4`, `"q2": 6`, []string{"surveys[0]: answers.q2"}},
		{"recommend outside 0-10", `"answers": {"q1": 5, "q2": 4}`, `"answers": {"q1": 5, "q2": 4}, "recommend": 11`, []string{"surveys[0]: recommend"}},
		{"malformed instant", `"at": "2026-01-13T10:00:00+08:00"`, `"at": "2026-01-13 10:00"`, []string{"contacts[0]: at"}},
		{"acknowledged before received", `"acknowledgedAt": "2026-03-04T09:30:00+08:00"`, `"acknowledgedAt": "2026-03-04T08:30:00+08:00"`, []string{"complaints/K1: acknowledgedAt"}},
		{"two problems at once", `"odometerKm": 4800`, `"odometerKm": -1, "vin": "LFV9"`, []string{"visits/RO1: odometerKm", "visits/RO1: vin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("testdata has no %q", tt.old)
			}
			in := strings.Replace(base, tt.old, tt.new, 1)
			ds, err := DecodeDataset(strings.NewReader(in))
			if ds != nil {
				t.Error("a dataset was returned with the error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			if diff := cmp.Diff(tt.want, problemsOf(err)); diff != "" {
				t.Errorf("problems (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
}

func TestDecodeDatasetMalformedJSON(t *testing.T) {
	for _, in := range []string{``, `{`, `[]`, `{"dealers": 3}`, `{} {}`} {
		if _, err := DecodeDataset(strings.NewReader(in)); !errors.Is(err, ErrInvalid) {
			t.Errorf("DecodeDataset(%q) error = %v, want ErrInvalid", in, err)
		}
	}
}

func TestValidateWithKnownRecords(t *testing.T) {
	ds := &Dataset{Visits: []Visit{{ID: "RO9", VIN: "LFV1", Dealer: "D1", OpenedOn: d("2026-01-01"),
		ClosedOn: d("2026-01-01"), Kind: Repair}}}
	if diff := cmp.Diff(map[string][]string{"vehicles": {"LFV1"}, "dealers": {"D1"}}, ds.ExternalRefs()); diff != "" {
		t.Errorf("ExternalRefs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"visits/RO9: vin", "visits/RO9: dealer"}, problemsOf(ds.Validate())); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
	known := map[string]map[string]bool{"vehicles": {"LFV1": true}, "dealers": {"D1": true}}
	if err := ds.ValidateWith(known); err != nil {
		t.Errorf("ValidateWith(known) = %v", err)
	}
}
