package ahead

import (
	"errors"
	"fmt"
	"iter"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// numbers yields 0, 1, …, n-1, then err if not nil, and records in closed
// whether its cleanup ran (as a store's rows are closed).
func numbers(n int, err error, closed *bool) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		defer func() { *closed = true }()
		for i := range n {
			if !yield(i, nil) {
				return
			}
		}
		if err != nil {
			yield(0, err)
		}
	}
}

// sizes are the batches and depths read with: the smallest, one out of
// range (counted as 1), and the app's streams'.
var sizes = []struct{ batch, depth int }{{1, 1}, {0, -1}, {3, 2}, {64, 4}}

// TestRead: reading ahead yields what the stream yields, in order, with
// its error last, whether the values fill their batches or not.
func TestRead(t *testing.T) {
	fail := errors.New("row 3 unreadable")
	for _, sz := range sizes {
		for _, n := range []int{0, 1, 2, 3, 4, 63, 64, 65, 1000} {
			for _, wantErr := range []error{nil, fail} {
				name := fmt.Sprintf("batch %d depth %d, %d values, error %v", sz.batch, sz.depth, n, wantErr)
				closed := false
				var got []int
				var gotErr error
				for v, err := range Read(numbers(n, wantErr, &closed), sz.batch, sz.depth) {
					if err != nil {
						gotErr = err
						continue // nothing may follow an error
					}
					if gotErr != nil {
						t.Fatalf("%s: %d yielded after the error", name, v)
					}
					got = append(got, v)
				}
				want := make([]int, n)
				for i := range want {
					want[i] = i
				}
				if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s: values (-want +got):\n%s", name, diff)
				}
				if gotErr != wantErr || !closed {
					t.Errorf("%s: err = %v, stream closed %v; want %v, true", name, gotErr, closed, wantErr)
				}
			}
		}
	}
}

// TestReadStops: a consumer that stops early stops the stream, whose
// cleanup has run by the time the loop is left.
func TestReadStops(t *testing.T) {
	for _, sz := range sizes {
		for _, stopAt := range []int{0, 1, 2, 64, 200} {
			closed := false
			var got []int
			for v, err := range Read(numbers(1000, nil, &closed), sz.batch, sz.depth) {
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, v)
				if v == stopAt {
					break
				}
			}
			if len(got) != stopAt+1 || !closed {
				t.Errorf("batch %d depth %d, stop at %d: %d values, stream closed %v; want %d, true",
					sz.batch, sz.depth, stopAt, len(got), closed, stopAt+1)
			}
		}
	}
}

// TestReadPanic: a panic in the stream is raised in the consumer.
func TestReadPanic(t *testing.T) {
	defer func() {
		if p := recover(); p != "broken row" {
			t.Errorf("recovered %v, want the stream's panic", p)
		}
	}()
	for range Read(func(yield func(int, error) bool) {
		yield(1, nil)
		panic("broken row")
	}, 1, 1) {
	}
	t.Error("no panic")
}

// TestReadRecycles: the batches are reused once their values are yielded,
// so that reading allocates as much for a long stream as for a short one.
func TestReadRecycles(t *testing.T) {
	allocs := func(n int) float64 {
		closed := false
		return testing.AllocsPerRun(20, func() {
			for _, err := range Read(numbers(n, nil, &closed), 3, 2) {
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	// 10 batches and 1,000, of which at most depth+2 = 4 made (how many
	// depends on how far ahead the reader gets), where each was made anew.
	short, long := allocs(30), allocs(3000)
	if long > short+4 {
		t.Errorf("allocations reading 3,000 values 3 at a time: %.0f, more than 4 over the %.0f reading 30", long, short)
	}
}
