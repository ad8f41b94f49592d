package retention

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVINRangeContains(t *testing.T) {
	for _, c := range []struct {
		r    VINRange
		vin  string
		want bool
	}{
		{VINRange{}, "", true},
		{VINRange{}, "LFV1", true},
		{VINRange{From: "LFV1"}, "LFV0", false}, // the day before, on and after, in VINs
		{VINRange{From: "LFV1"}, "LFV1", true},
		{VINRange{From: "LFV1"}, "LFV2", true},
		{VINRange{Before: "LFV1"}, "LFV0", true},
		{VINRange{Before: "LFV1"}, "LFV1", false},
		{VINRange{Before: "LFV1"}, "LFV2", false},
		{VINRange{From: "LFV1", Before: "LFV2"}, "LFV1", true},
		{VINRange{From: "LFV1", Before: "LFV2"}, "LFV10", true}, // byte order: a longer VIN after its prefix
		{VINRange{From: "LFV1", Before: "LFV2"}, "LFV2", false},
		{VINRange{From: "LFV2", Before: "LFV1"}, "LFV1", false}, // inverted: empty
		{VINRange{From: "LFV2", Before: "LFV1"}, "LFV2", false},
		{VINRange{From: "lfv1"}, "LFV2", false}, // byte order: lower case after upper
	} {
		if got := c.r.Contains(c.vin); got != c.want {
			t.Errorf("%+v.Contains(%q) = %t, want %t", c.r, c.vin, got, c.want)
		}
	}
}

func TestVINRangesAt(t *testing.T) {
	for _, c := range []struct {
		splits []string
		want   []VINRange
	}{
		{nil, []VINRange{{}}},
		{[]string{"B"}, []VINRange{{Before: "B"}, {From: "B"}}},
		{[]string{"B", "D", "F"}, []VINRange{{Before: "B"}, {From: "B", Before: "D"}, {From: "D", Before: "F"}, {From: "F"}}},
	} {
		if diff := cmp.Diff(c.want, VINRangesAt(c.splits)); diff != "" {
			t.Errorf("VINRangesAt(%q) (-want +got):\n%s", c.splits, diff)
		}
	}
}

func TestSplitVINs(t *testing.T) {
	seven := []string{"A", "B", "C", "D", "E", "F", "G"}
	for _, c := range []struct {
		sorted []string
		n      int
		want   []string
	}{
		{nil, 3, nil},
		{seven, -1, nil},
		{seven, 0, nil},
		{seven, 1, nil},
		{seven, 2, []string{"E"}},                     // A–D, E–G
		{seven, 3, []string{"D", "F"}},                // A–C, D–E, F–G
		{seven, 4, []string{"C", "E", "G"}},           // A–B, C–D, E–F, G
		{seven, 6, []string{"C", "D", "E", "F", "G"}}, // A–B, then one each
		{seven, 7, []string{"B", "C", "D", "E", "F", "G"}},
		{seven, 8, []string{"B", "C", "D", "E", "F", "G"}}, // more ranges than VINs: one each
		{seven, 1 << 62, []string{"B", "C", "D", "E", "F", "G"}},
		{[]string{"A"}, 2, nil},
		{[]string{"A", "B"}, 2, []string{"B"}},
	} {
		if diff := cmp.Diff(c.want, SplitVINs(c.sorted, c.n)); diff != "" {
			t.Errorf("SplitVINs(%q, %d) (-want +got):\n%s", c.sorted, c.n, diff)
		}
	}
}

func TestSplitPositions(t *testing.T) {
	for _, c := range []struct {
		count, n int
		want     []int
	}{
		{0, 2, nil},
		{7, 1, nil},
		{7, 2, []int{4}},
		{7, 3, []int{3, 5}},
		{7, 7, []int{1, 2, 3, 4, 5, 6}},
		{7, 1 << 62, []int{1, 2, 3, 4, 5, 6}},
		{1000000, 2, []int{500000}},
		{1000001, 2, []int{500001}},
		{1000001, 4, []int{250001, 500001, 750001}},
	} {
		if diff := cmp.Diff(c.want, SplitPositions(c.count, c.n)); diff != "" {
			t.Errorf("SplitPositions(%d, %d) (-want +got):\n%s", c.count, c.n, diff)
		}
	}
}

// TestSplitVINsTiles checks that the ranges of SplitVINs hold every VIN
// once, in order: min(n, count) of them, whose counts differ by at most one.
func TestSplitVINsTiles(t *testing.T) {
	for count := 1; count <= 40; count++ {
		sorted := make([]string, count)
		for i := range sorted {
			sorted[i] = fmt.Sprintf("LFV%03d", i)
		}
		for n := 1; n <= count+2; n++ {
			ranges := VINRangesAt(SplitVINs(sorted, n))
			if len(ranges) != min(n, count) {
				t.Fatalf("%d VINs, n=%d: %d ranges", count, n, len(ranges))
			}
			small := count / len(ranges)
			i := 0
			for p, r := range ranges {
				held := 0
				for i < count && r.Contains(sorted[i]) {
					i, held = i+1, held+1
				}
				if held != small && held != small+1 {
					t.Fatalf("%d VINs, n=%d: range %d %+v holds %d VINs, want %d or %d", count, n, p, r, held, small, small+1)
				}
			}
			if i != count {
				t.Fatalf("%d VINs, n=%d: the ranges hold %d of them", count, n, i)
			}
		}
	}
}
