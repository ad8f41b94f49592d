package sqlstore

import (
	"errors"
	"iter"
	"testing"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/rickb777/date"
)

// rowsOf streams rows, then err when not nil.
func rowsOf(err error, rows ...historyRow) iter.Seq2[historyRow, error] {
	return func(yield func(historyRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
		if err != nil {
			yield(historyRow{}, err)
		}
	}
}

func vehicleRow(vin string) historyRow {
	return historyRow{vin: vin, vehicle: &retention.Vehicle{VIN: vin, Customer: "C-" + vin}}
}

func visitRow(vin, id string, opened date.Date) historyRow {
	return historyRow{vin: vin, visit: retention.Visit{ID: id, VIN: vin, OpenedOn: opened}}
}

// TestHistoriesOf pins how the rows of the history query become
// histories when a vehicle's rows come in any order among themselves, as
// PostgreSQL's LATERAL form hands them over: the vehicle's row anywhere,
// the visits put in CompareVisits order (date, then id), each history with
// a slice of its own.
func TestHistoriesOf(t *testing.T) {
	d := func(day int) date.Date { return date.New(2026, 3, day) }
	got, err := all(historiesOf(rowsOf(nil,
		vehicleRow("A"), visitRow("A", "a1", d(1)), visitRow("A", "a2", d(2)), // in order
		visitRow("B", "b3", d(9)), visitRow("B", "b2", d(5)), vehicleRow("B"), // the vehicle last, the visits reversed
		visitRow("B", "b1b", d(5)), visitRow("B", "b1a", d(5)), // a day's visits by id
		vehicleRow("C"), // no visits
		visitRow("D", "d2", d(2)), vehicleRow("D"), visitRow("D", "d1", d(1)))))
	if err != nil {
		t.Fatal(err)
	}
	h := func(vin string, visits ...historyRow) retention.VehicleHistory {
		x := retention.VehicleHistory{Vehicle: *vehicleRow(vin).vehicle}
		for _, r := range visits {
			x.Visits = append(x.Visits, r.visit)
		}
		return x
	}
	want := []retention.VehicleHistory{
		h("A", visitRow("A", "a1", d(1)), visitRow("A", "a2", d(2))),
		h("B", visitRow("B", "b1a", d(5)), visitRow("B", "b1b", d(5)), visitRow("B", "b2", d(5)), visitRow("B", "b3", d(9))),
		h("C"),
		h("D", visitRow("D", "d1", d(1)), visitRow("D", "d2", d(2))),
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("histories (-want +got):\n%s", diff)
	}
	if got[2].Visits != nil {
		t.Errorf("a vehicle without visits has %#v, want nil", got[2].Visits)
	}
	// Each history's visits are its own: the stream's buffer is reused.
	got[0].Visits[0].ID = "changed"
	if got[1].Visits[0].ID != "b1a" || got[3].Visits[0].ID != "d1" {
		t.Errorf("histories share their visits: %+v", got)
	}
}

func TestHistoriesOfErrors(t *testing.T) {
	stored := errors.New("stored")
	for _, tc := range []struct {
		name   string
		rows   iter.Seq2[historyRow, error]
		want   int // histories before the error
		record string
	}{
		{"a visit without its vehicle", rowsOf(nil, vehicleRow("A"), visitRow("B", "b1", date.New(2026, 3, 1))), 1, "visits/b1"},
		{"a row's error", rowsOf(stored, vehicleRow("A"), vehicleRow("B")), 1, ""},
	} {
		var n int
		var err error
		for _, e := range historiesOf(tc.rows) {
			if e != nil {
				err = e
				break
			}
			n++
		}
		var re *retention.Error
		switch {
		case n != tc.want:
			t.Errorf("%s: %d histories before the error, want %d", tc.name, n, tc.want)
		case tc.record == "" && !errors.Is(err, stored):
			t.Errorf("%s: %v, want the row's error", tc.name, err)
		case tc.record != "" && (!errors.As(err, &re) || re.Record != tc.record || re.Field != "vin"):
			t.Errorf("%s: %v, want an error naming %s's vin", tc.name, err, tc.record)
		}
	}
}

// TestRowBatch: the rows copied into a batch read back as they were,
// NULL (nil) apart from an empty text, whatever comes before them: an
// empty text first in the batch, a row ending in NULL, a row of NULLs, a
// batch without a byte of text; and the same after the batch is emptied
// to be filled again.
func TestRowBatch(t *testing.T) {
	for _, rows := range [][][][]byte{
		{
			{{}, nil, []byte("王")},
			{[]byte("a"), []byte("bc"), nil},
			{nil, nil, nil},
			{[]byte(""), []byte("d"), []byte("")},
			{nil, []byte("ef"), []byte("g")},
		},
		{{{}, nil, {}}, {nil, {}, nil}},
	} {
		b := newRowBatch(3, 0)
		for round := range 2 {
			for _, r := range rows {
				b.add(r)
			}
			var got [][][]byte
			for i := range b.rows {
				cols := make([][]byte, 3)
				b.row(i, cols)
				got = append(got, cols)
			}
			if diff := cmp.Diff(rows, got); diff != "" {
				t.Errorf("round %d (-want +got):\n%s", round, diff)
			}
			b.reset()
		}
	}
}
