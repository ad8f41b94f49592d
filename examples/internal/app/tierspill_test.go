package app

import (
	stdcmp "cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/shopspring/decimal"
)

// TestDealerRanks: a dealer ranked with external sorts (outsideRank), on
// limits from one value per run to all in memory, gives every customer
// with work the tier that classify ranks in memory, and so does
// memoryRank: on dealers with many ties and with few, with customers that
// are not effective, fleet and VIP customers, amounts that do not fit in
// units (more than four decimals), and visits that spread too far for
// their histogram while the other counts do not. No file is left.
func TestDealerRanks(t *testing.T) {
	c := defaultClassifier(t)
	for seed := range uint64(12) {
		rng := rand.New(rand.NewPCG(seed, 91))
		ts := make([]classify.TierInput, rng.IntN(300))
		work := make([]bool, len(ts))
		ties := seed%2 == 0
		for i := range ts {
			purchase := decimal.New(int64(80_000+rng.IntN(400_000))*100, -2)
			spend := decimal.New(int64(rng.IntN(2_000_000)), -2)
			if ties {
				purchase, spend = decimal.NewFromInt(int64(rng.IntN(4))*50_000), decimal.NewFromInt(int64(rng.IntN(3)))
			}
			if seed%3 == 1 && rng.IntN(8) == 0 {
				spend = decimal.New(int64(rng.IntN(3)), -5)
			}
			ts[i] = classify.TierInput{ID: fmt.Sprintf("C%04d", i), Dealer: "D1", Effective: rng.IntN(5) > 0,
				Kind: retention.CustomerKind(1 + rng.IntN(3)), VIP: rng.IntN(10) == 0, Referrals: rng.IntN(3),
				Purchase: purchase, Vehicles: 1 + rng.IntN(2), Spend: spend, Visits: rng.IntN(6)}
			if seed%4 == 3 { // at every limit, more than a histogram's span
				ts[i].Visits = rng.IntN(100_000)
			}
			work[i] = rng.IntN(3) == 0 || !ts[i].Effective
		}
		all := c.Tiers(ts)
		var want []customerTier
		for i := range ts {
			if work[i] {
				want = append(want, customerTier{id: ts[i].ID, tier: all[i], hasP: i%2 == 0, p: float64(i)})
			}
		}
		for _, limit := range []int{1, 64, 600, 1 << 20} {
			dir := t.TempDir()
			for _, r := range []struct {
				name string
				r    dealerRank
			}{{"outside", newOutsideRank(c, limit, dir)}, {"memory", newMemoryRank(c, len(ts))}} {
				for i := range ts {
					if err := r.r.add(&tierEntry{in: ts[i], work: work[i], hasP: i%2 == 0, p: float64(i)}); err != nil {
						t.Fatal(err)
					}
				}
				var got []customerTier
				err := r.r.tiers(context.Background(), func(ct customerTier) error { ct.handle = 0; got = append(got, ct); return nil })
				if err != nil {
					t.Fatal(err)
				}
				if err := r.r.close(); err != nil {
					t.Fatal(err)
				}
				if diff := gocmp.Diff(want, got, gocmp.AllowUnexported(customerTier{})); diff != "" {
					t.Fatalf("seed %d, %s, limit %d (-classify +got):\n%s", seed, r.name, limit, diff)
				}
			}
			if left := filesLeft(t, dir); left > 0 {
				t.Errorf("seed %d, limit %d: %d files left", seed, limit, left)
			}
		}
	}
}

// TestHistogram: a histogram gives each value added the positions i…j of
// its tie among all the values sorted (as i+j), whether the values come
// upwards, downwards or in no order; values spread one less than its span
// apart fit, and span apart do not.
func TestHistogram(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	spread := make([]int64, 500)
	for i := range spread {
		spread[i] = int64(rng.IntN(40)) - 20
	}
	tests := []struct {
		name   string
		span   int64
		values []int64
		over   bool
	}{
		{"one value", 4, []int64{3}, false},
		{"upwards, with ties", 8, []int64{0, 1, 1, 2, 5, 5, 5, 7}, false},
		{"downwards", 8, []int64{7, 5, 5, 2, 1, 1, 0}, false},
		{"both ways", 100, []int64{50, 60, 40, 70, 30, 80, 20, 50, 20}, false},
		{"in no order, below zero too", 40, spread, false},
		{"spread span − 1 apart", 10, []int64{3, 12, 5}, false},
		{"spread span apart", 10, []int64{3, 13, 5}, true},
		{"spread span apart downwards", 10, []int64{13, 3}, true},
		{"span 0", 0, []int64{1}, true},
		{"the widest spread", 10, []int64{math.MaxInt64, math.MinInt64}, true},
	}
	for _, tt := range tests {
		h := histogram{span: tt.span}
		for _, v := range tt.values {
			h.add(v)
		}
		if h.over != tt.over {
			t.Errorf("%s: over %v, want %v", tt.name, h.over, tt.over)
			continue
		}
		if h.over {
			continue
		}
		h.cumulate()
		sorted := slices.Sorted(slices.Values(tt.values))
		var got, want []int64
		for _, v := range tt.values {
			i, _ := slices.BinarySearch(sorted, v)
			j := i
			for j < len(sorted) && sorted[j] == v {
				j++
			}
			want = append(want, int64(i+1+j)) // positions i+1…j from 1
			got = append(got, h.positions(v))
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Errorf("%s: i+j by value (-sorted +histogram):\n%s", tt.name, diff)
		}
		if size := int64(len(h.counts)); size > tt.span {
			t.Errorf("%s: %d counts, more than its span %d", tt.name, size, tt.span)
		}
	}
}

// TestOutsideRankRecords: a part's value, an amount past four decimals
// included, and a number by customer read back as written.
func TestOutsideRankRecords(t *testing.T) {
	dir := t.TempDir()
	vs := newSpill(1, dir, comparePartValues, putPartValue, getPartValue)
	defer vs.Close()
	big := partValue{p: classify.ScorePart{Amount: decimal.RequireFromString("0.00005"), Big: true}, seq: 3}
	small := partValue{p: classify.ScorePart{Value: -7}, seq: 1 << 40}
	opts := []gocmp.Option{gocmp.AllowUnexported(partValue{}, seqValue{}), gocmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })}
	if diff := gocmp.Diff([]partValue{small, big}, roundTrip(t, vs, big, small), opts...); diff != "" {
		t.Errorf("part values (-written +read):\n%s", diff)
	}
	ss := newSpill(1, dir, func(a, b *seqValue) int { return a.seq - b.seq }, putSeqValue, getSeqValue)
	defer ss.Close()
	if diff := gocmp.Diff([]seqValue{{1, -5}, {2, 1 << 60}}, roundTrip(t, ss, seqValue{2, 1 << 60}, seqValue{1, -5}), opts...); diff != "" {
		t.Errorf("numbers by customer (-written +read):\n%s", diff)
	}
}

// TestOutsideRankStops: a ranking stopped by its consumer's error or by a
// cancellation returns that error, and leaves no file once closed, whether
// its counts are sorted or ranked from histograms.
func TestOutsideRankStops(t *testing.T) {
	c := defaultClassifier(t)
	errStop := errors.New("stop")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		add  func(customerTier) error
		want error
	}{
		{"the consumer's error", context.Background(), func(customerTier) error { return errStop }, errStop},
		{"a cancellation", cancelled, func(customerTier) error { return nil }, context.Canceled},
	} {
		// At 64 bytes the counts spread too far for their histograms and
		// are sorted; at 64 KiB they are ranked from them.
		for _, limit := range []int{64, 64 << 10} {
			dir := t.TempDir()
			r := newOutsideRank(c, limit, dir)
			for i := range 5000 {
				in := classify.TierInput{ID: fmt.Sprintf("C%04d", i), Dealer: "D1", Effective: true, Purchase: decimal.NewFromInt(int64(i)),
					Spend: decimal.NewFromInt(int64(i % 7)), Vehicles: 1, Visits: i % 5}
				if err := r.add(&tierEntry{in: in, work: true}); err != nil {
					t.Fatal(err)
				}
			}
			if err := r.tiers(tc.ctx, tc.add); !errors.Is(err, tc.want) {
				t.Errorf("%s, limit %d: tiers returned %v, want %v", tc.name, limit, err, tc.want)
			}
			if err := r.close(); err != nil {
				t.Fatal(err)
			}
			if left := filesLeft(t, dir); left > 0 {
				t.Errorf("%s, limit %d: %d files left", tc.name, limit, left)
			}
		}
	}
}

// defaultClassifier returns a classifier under the default policy.
func defaultClassifier(t testing.TB) *classify.Classifier {
	t.Helper()
	p := retention.DefaultPolicy()
	c, err := classify.New(&p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rankInputs returns n tier inputs of dealer's customers, with and
// without work, by ID (as a ranking takes them), and which of them have
// work.
func rankInputs(rng *rand.Rand, dealer string, n int) ([]classify.TierInput, []bool) {
	ts := make([]classify.TierInput, n)
	work := make([]bool, n)
	for i := range ts {
		ts[i] = classify.TierInput{ID: fmt.Sprintf("%s-C%07d", dealer, i), Dealer: dealer, Effective: rng.IntN(5) > 0,
			Kind: retention.CustomerKind(1 + rng.IntN(3)), VIP: rng.IntN(10) == 0, Referrals: rng.IntN(3),
			Purchase: decimal.NewFromInt(int64(rng.IntN(6)) * 50_000), Vehicles: 1 + rng.IntN(2),
			Spend: decimal.New(int64(rng.IntN(400_000)), -2), Visits: rng.IntN(6)}
		work[i] = rng.IntN(3) == 0 || !ts[i].Effective
	}
	return ts, work
}

// rankedSpills returns the spills of a plan on two partitions, of limit
// bytes, holding the tier inputs of dealers of the sizes given (their
// customers dealt to the partitions in turn), and the tiers that
// classify gives their customers with work, by customer.
func rankedSpills(t *testing.T, limit int, sizes map[string]int) (*planSpills, []customerTier) {
	t.Helper()
	c := defaultClassifier(t)
	e := &Engine{SpillBytes: limit, TempDir: t.TempDir()}
	sp := e.newPlanSpills(2)
	t.Cleanup(func() { sp.close() })
	rng := rand.New(rand.NewPCG(uint64(len(sizes)), 7))
	var want []customerTier
	k := 0
	for _, dealer := range slices.Sorted(maps.Keys(sizes)) {
		ts, work := rankInputs(rng, dealer, sizes[dealer])
		tiers := c.Tiers(ts)
		for i := range ts {
			p := &sp.parts[k%2]
			k++
			if err := p.inputs.Add(tierEntry{in: ts[i], work: work[i], hasP: i%2 == 0, p: float64(i)}); err != nil {
				t.Fatal(err)
			}
			p.dealers[dealer]++
			if work[i] {
				want = append(want, customerTier{id: ts[i].ID, tier: tiers[i], hasP: i%2 == 0, p: float64(i)})
			}
		}
	}
	slices.SortFunc(want, func(a, b customerTier) int { return stdcmp.Compare(a.id, b.id) })
	return sp, want
}

// TestPlanRank: the plan's dealers, ranked one after another while the
// next one's customers are read, each in memory or with external sorts by
// its size, give each customer with work the tier that classify gives it:
// dealers in memory that finish beside the next one's reading, and one
// that the next waits for, as the two would hold more than the rankings'
// bound; dealers ranked with external sorts one after another, and beside
// dealers in memory. No file is left.
func TestPlanRank(t *testing.T) {
	const limit = 600 // in memory up to 60 customers (rankBytes, rankSpills)
	for _, sizes := range []map[string]int{
		{"D1": 5, "D2": 40, "D3": 50, "D4": 20, "D5": 1}, // D3 waits for D2
		{"D1": 200, "D2": 150, "D3": 61},                 // every one with external sorts
		{"D1": 60, "D2": 300, "D3": 3, "D4": 90, "D5": 59},
	} {
		sp, want := rankedSpills(t, limit, sizes)
		if err := sp.rank(t.Context(), defaultClassifier(t)); err != nil {
			t.Fatal(err)
		}
		var got []customerTier
		for v, err := range merged(t.Context(), sp.tiers...) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if diff := gocmp.Diff(want, got, gocmp.AllowUnexported(customerTier{}), cmpopts.IgnoreFields(customerTier{}, "handle")); diff != "" {
			t.Errorf("dealers %v (-classify +ranked):\n%s", sizes, diff)
		}
		closeClean(t, sp, fmt.Sprintf("dealers %v", sizes))
	}
}

// closeClean closes a plan's spills and checks that they left no file.
func closeClean(t *testing.T, sp *planSpills, what string) {
	t.Helper()
	if err := sp.close(); err != nil {
		t.Fatal(err)
	}
	if left := filesLeft(t, sp.dir); left > 0 {
		t.Errorf("%s: %d files left", what, left)
	}
}

// TestPlanRankErrors: an error of a dealer finishing beside the next
// one's reading, of the last dealer finishing once all are read, of the
// reading while a dealer finishes, or a cancellation, stops the ranking
// and is returned, the dealers finishing waited for; no file is left
// once the spills are closed.
func TestPlanRankErrors(t *testing.T) {
	sizes := map[string]int{"D1": 40, "D2": 200, "D3": 30, "D4": 250}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	unwritable := func(t *testing.T, sp *planSpills) {
		// The first tier a dealer hands over goes to a file, on the dealer's goroutine, and fails.
		for _, tiers := range sp.tiers {
			tiers.limit, tiers.dir = 1, filepath.Join(sp.dir, "gone")
		}
	}
	for _, tc := range []struct {
		name  string
		sizes map[string]int // nil: sizes
		ctx   context.Context
		spoil func(t *testing.T, sp *planSpills)
		want  error
	}{
		{"the tiers cannot be written", nil, context.Background(), unwritable, fs.ErrNotExist},
		// The only dealer's error comes once every dealer has been read.
		{"the last dealer's tiers cannot be written", map[string]int{"D1": 40}, context.Background(), unwritable, fs.ErrNotExist},
		{"a run of tier inputs cut short", nil, context.Background(), func(t *testing.T, sp *planSpills) {
			in := sp.parts[1].inputs
			if err := in.flush(); err != nil { // the last dealer's last input, last
				t.Fatal(err)
			}
			if err := in.f.Truncate(in.ends[len(in.ends)-1] - 1); err != nil {
				t.Fatal(err)
			}
		}, io.ErrUnexpectedEOF},
		{"a cancellation", nil, cancelled, func(*testing.T, *planSpills) {}, context.Canceled},
	} {
		if tc.sizes == nil {
			tc.sizes = sizes
		}
		sp, _ := rankedSpills(t, 600, tc.sizes)
		tc.spoil(t, sp)
		if err := sp.rank(tc.ctx, defaultClassifier(t)); !errors.Is(err, tc.want) {
			t.Errorf("%s: rank returned %v, want %v", tc.name, err, tc.want)
		}
		closeClean(t, sp, tc.name)
	}
}

// BenchmarkOutsideRank ranks a dealer of 200,000 customers with external
// sorts at the default limit, per operation: its customers added, then
// their tiers handed out.
func BenchmarkOutsideRank(b *testing.B) {
	c := defaultClassifier(b)
	ts, work := rankInputs(rand.New(rand.NewPCG(9, 10)), "D1", 200_000)
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		r := newOutsideRank(c, spillLimit, dir)
		for i := range ts {
			if err := r.add(&tierEntry{in: ts[i], work: work[i]}); err != nil {
				b.Fatal(err)
			}
		}
		if err := r.tiers(b.Context(), func(customerTier) error { return nil }); err != nil {
			b.Fatal(err)
		}
		if err := r.close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ts)*b.N)/b.Elapsed().Seconds(), "customers/s")
}
