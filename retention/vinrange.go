package retention

import (
	"context"
	"iter"
)

// VINRange is a range of VINs in byte order: those at least From and below
// Before. An empty From or Before leaves that end open, so the zero
// VINRange holds every VIN.
//
// A VIN range splits the vehicles, not the customers: a customer's
// vehicles may fall in different ranges. It is for work done vehicle by
// vehicle, such as the statuses (StatusRangeReader); the customer-level
// evaluation (schedule.Planner) partitions by customer (HistoryFilter).
type VINRange struct {
	From, Before string
}

// Contains reports whether vin lies in r.
func (r VINRange) Contains(vin string) bool {
	return vin >= r.From && (r.Before == "" || vin < r.Before)
}

// VINRangesAt returns the len(splits)+1 ranges that the ascending VINs
// splits cut every VIN into, in order: the first open below, the last open
// above, each split the From of the range it starts.
func VINRangesAt(splits []string) []VINRange {
	out := make([]VINRange, len(splits)+1)
	for i, s := range splits {
		out[i].Before, out[i+1].From = s, s
	}
	return out
}

// SplitVINs returns where to split sorted, VINs in ascending byte order
// without repeats, into min(n, len(sorted)) ranges (VINRangesAt) whose
// counts differ by at most one: the VINs at SplitPositions(len(sorted), n).
// It returns nil when n ≤ 1 or sorted is empty. A StatusRangeReader splits
// its vehicles so.
func SplitVINs(sorted []string, n int) []string {
	var out []string
	for _, i := range SplitPositions(len(sorted), n) {
		out = append(out, sorted[i])
	}
	return out
}

// SplitPositions returns the positions, 0-based and ascending, of the VINs
// that SplitVINs splits count VINs at for n: ⌈k·count/n'⌉ for k from 1 to
// n'−1, where n' is n taken as at most count, so that VIN i falls in range
// ⌊i·n'/count⌋. A store that reads its VINs in order finds each split
// from the one before it, as many VINs further on as their positions
// differ.
func SplitPositions(count, n int) []int {
	n = min(n, count)
	if n <= 1 {
		return nil
	}
	out := make([]int, n-1)
	for k := range out {
		out[k] = ((k+1)*count + n - 1) / n
	}
	return out
}

// StatusRangeReader is implemented by stores that read the status facts of
// a range of VINs. A vehicle's status is its own, so the statuses of a
// network may be split by VIN, the order in which a store keeps each
// vehicle's visits together (its index of visits by vehicle): each range
// then reads only its own visits, where a partition of the customers
// (HistoryFilter) has vehicles all over that index.
type StatusRangeReader interface {
	// SplitVINs returns where to split the stored vehicles into at most n
	// ranges of about equal count: SplitVINs of all their VINs.
	SplitVINs(ctx context.Context, n int) ([]string, error)
	// StatusFactsIn streams the status facts under w of the vehicles
	// whose VIN lies in r, by VIN, as StatusReader.StatusFacts does for
	// the vehicles a HistoryFilter selects. Memory use does not grow with
	// the number of vehicles.
	StatusFactsIn(ctx context.Context, r VINRange, w StatusWindows) iter.Seq2[StatusFacts, error]
}
