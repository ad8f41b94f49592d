package retention

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FNV-1a is the contract between workers on different machines: the
// standard's published test vectors pin it.
func TestCustomerHash(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint32
	}{
		{"", 0x811c9dc5},
		{"a", 0xe40c292c},
		{"foobar", 0xbf9cf968},
	} {
		if got := CustomerHash(c.in); got != c.want {
			t.Errorf("CustomerHash(%q) = %#x, want %#x", c.in, got, c.want)
		}
	}
}

func TestPartitionRange(t *testing.T) {
	type span struct{ Lo, Hi int64 }
	for _, c := range []struct {
		p, n int
		want span
	}{
		{0, 0, span{0, 1 << 32}},
		{0, 1, span{0, 1 << 32}},
		{5, 1, span{0, 1 << 32}}, // one partition: all, as HistoryFilter
		{0, 2, span{0, 1 << 31}},
		{1, 2, span{1 << 31, 1 << 32}},
		// 2^32/3 = 1431655765.33…: each range starts at the first hash h
		// with 3h >= p*2^32.
		{0, 3, span{0, 1431655766}},
		{1, 3, span{1431655766, 2863311531}},
		{2, 3, span{2863311531, 1 << 32}},
		// Outside the partitions: no hash.
		{-1, 3, span{0, 0}},
		{3, 3, span{1 << 32, 1 << 32}},
		// A partition per hash, and more partitions than hashes.
		{7, 1 << 32, span{7, 8}},
		{7, 1 << 40, span{7, 8}},
		{1<<32 - 1, 1 << 40, span{1<<32 - 1, 1 << 32}},
		{1 << 32, 1 << 40, span{1 << 32, 1 << 32}},
	} {
		lo, hi := PartitionRange(c.p, c.n)
		if diff := cmp.Diff(c.want, span{lo, hi}); diff != "" {
			t.Errorf("PartitionRange(%d, %d) (-want +got):\n%s", c.p, c.n, diff)
		}
	}
}

// The ranges tile the hashes in order, their lengths differing by at most
// one.
func TestPartitionRangesTile(t *testing.T) {
	for n := 2; n <= 64; n++ {
		next := int64(0)
		short, long := int64(1<<32), int64(0)
		for p := range n {
			lo, hi := PartitionRange(p, n)
			if lo != next {
				t.Fatalf("n=%d: partition %d starts at %d, want %d", n, p, lo, next)
			}
			short, long, next = min(short, hi-lo), max(long, hi-lo), hi
		}
		if next != 1<<32 || long-short > 1 {
			t.Errorf("n=%d: the ranges end at %d with lengths %d..%d", n, next, short, long)
		}
	}
}

// At each end of each range, the hash before, on and after the boundary
// falls in the partition the range says.
func TestPartitionOfBoundaries(t *testing.T) {
	for _, n := range []int{2, 3, 7, 10, 1000, 1 << 20, 1<<31 + 1, 1 << 32, 1 << 40} {
		m := min(n, 1<<32) // the partitions that hold hashes
		for _, p := range []int{0, 1, m / 2, m - 1} {
			lo, hi := PartitionRange(p, n)
			for _, c := range []struct {
				h    int64
				want int
			}{{lo - 1, p - 1}, {lo, p}, {hi - 1, p}, {hi, p + 1}} {
				if c.h < 0 || c.h >= 1<<32 {
					continue // past the ends of the hashes
				}
				if got := partitionOfHash(uint32(c.h), n); got != c.want {
					t.Errorf("n=%d: hash %d is in partition %d, want %d (range %d..%d)", n, c.h, got, c.want, lo, hi)
				}
			}
		}
	}
	for _, n := range []int{-1, 0, 1} {
		if got := partitionOfHash(1<<32-1, n); got != 0 {
			t.Errorf("partitionOfHash(max, %d) = %d, want 0", n, got)
		}
	}
}

func TestHistoryFilterSelects(t *testing.T) {
	// CustomerHash("a") = 0xe40c292c, in the second half and the last
	// eighth but one.
	for _, c := range []struct {
		f    HistoryFilter
		want bool
	}{
		{HistoryFilter{}, true},
		{HistoryFilter{Partition: 0, Partitions: 1}, true},
		{HistoryFilter{Partition: 0, Partitions: 2}, false},
		{HistoryFilter{Partition: 1, Partitions: 2}, true},
		{HistoryFilter{Partition: 6, Partitions: 8}, false},
		{HistoryFilter{Partition: 7, Partitions: 8}, true},
		{HistoryFilter{Partition: 2, Partitions: 2}, false},
	} {
		if got := c.f.Selects("a"); got != c.want {
			t.Errorf("%+v selects %q: %v, want %v", c.f, "a", got, c.want)
		}
	}
}
