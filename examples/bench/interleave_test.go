package main

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestInterleaveOrder checks that the warm-up round and the even rounds
// run the functions forwards and the odd rounds backwards, that each
// sample keeps its own function's runs whatever the order (function i
// sleeps i times a step, so no run of its sample may be shorter), and
// that only the measured rounds are kept.
func TestInterleaveOrder(t *testing.T) {
	for _, c := range []struct {
		repeats, n int
		want       []int // the functions in the order they ran
	}{
		{0, 3, []int{0, 1, 2}},
		{1, 3, []int{0, 1, 2, 0, 1, 2}},
		{2, 3, []int{0, 1, 2, 0, 1, 2, 2, 1, 0}},
		{3, 2, []int{0, 1, 0, 1, 1, 0, 0, 1}},
		{4, 1, []int{0, 0, 0, 0, 0}},
	} {
		t.Run(fmt.Sprintf("%d repeats of %d", c.repeats, c.n), func(t *testing.T) {
			const step = 5 * time.Millisecond
			var ran []int
			runs := make([]int, c.n) // each function's runs so far, the warm-up's included
			fns := make([]func() (string, error), c.n)
			for i := range fns {
				fns[i] = func() (string, error) {
					ran = append(ran, i)
					runs[i]++
					time.Sleep(time.Duration(i) * step)
					return fmt.Sprint("f", i, " run ", runs[i]), nil
				}
			}
			ss, err := interleave(c.repeats, fns...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, ran); diff != "" {
				t.Errorf("order of the runs (-want +got):\n%s", diff)
			}
			for i, s := range ss {
				// A sample is named by its function's first run, the warm-up.
				if want := fmt.Sprint("f", i, " run 1"); s.name != want || len(s.runs) != c.repeats {
					t.Errorf("sample %d: %q with %d runs, want %q with %d", i, s.name, len(s.runs), want, c.repeats)
				}
				for r, d := range s.runs {
					if d < time.Duration(i)*step {
						t.Errorf("sample %d, run %d: %v, shorter than its function's sleep of %v", i, r, d, time.Duration(i)*step)
					}
				}
			}
		})
	}
}

// TestInterleaveError checks that a function's error stops the rounds at
// once and is returned.
func TestInterleaveError(t *testing.T) {
	boom := errors.New("boom")
	calls := 0
	ok := func() (string, error) { calls++; return "ok", nil }
	failing := func() (string, error) {
		calls++
		if calls > 3 {
			return "", boom
		}
		return "failing", nil
	}
	if _, err := interleave(5, ok, failing); !errors.Is(err, boom) {
		t.Fatalf("interleave = %v, want %v", err, boom)
	}
	// warm-up: ok, failing; round 0: ok, failing (the error, the fourth call).
	if calls != 4 {
		t.Errorf("%d calls, want 4: the rounds go on after the error", calls)
	}
}

// TestMemRepeats: the measurements in memory run --repeats times, at least
// minMemRepeats, in the plan's rows and the day-over-day ones alike.
func TestMemRepeats(t *testing.T) {
	for _, tc := range []struct{ repeats, want int }{
		{1, minMemRepeats},
		{minMemRepeats - 1, minMemRepeats},
		{minMemRepeats, minMemRepeats},
		{minMemRepeats + 1, minMemRepeats + 1},
		{minMemRepeats + 2, minMemRepeats + 2},
	} {
		if got := (config{repeats: tc.repeats}).memRepeats(); got != tc.want {
			t.Errorf("memRepeats with --repeats %d = %d, want %d", tc.repeats, got, tc.want)
		}
	}
}
