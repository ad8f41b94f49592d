package app

import (
	"context"
	"iter"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// Statuses classifies every vehicle of a store as of asOf from the store's
// own aggregates (retention.StatusReader, then
// classify.Classifier.StatusOf), without a repair order leaving the
// database, on workers goroutines, each reading its share on a connection
// of its own. A vehicle's status is its own, so the share is a range of
// VINs when the store reads those (retention.StatusRangeReader, as both
// of dcrc's SQL stores and the memory store do): the ranges of
// SplitVINs(workers), each reading only its own part of the visits' index
// by vehicle, so that the workers divide the database's aggregation
// between them. Otherwise it is a partition of the customers
// (retention.HistoryFilter), whose aggregate on PostgreSQL reads every
// visit, on every worker (BENCHMARKS-HISTORY.md, rounds nineteen and
// twenty).
//
// each receives every vehicle's facts, status and rule, by VIN within its
// share p (0 ≤ p < max(workers, 1)): the range VINRangesAt(splits)[p], or
// the partition p. The facts are good until each returns (the next
// vehicle's are read into the same variable). The calls of different
// shares run at the same time, so each keeps what it needs by share and
// the caller merges it afterwards: a vehicle's status is its own, and a
// distribution of statuses adds up. The statuses are the same for any
// number of workers. The first error, of the store or of each, is
// returned, and cancels the other shares: from then on they call each no
// more, whatever their store has already read.
func (e *Engine) Statuses(ctx context.Context, s retention.StatusReader, asOf date.Date, workers int,
	each func(p int, f *retention.StatusFacts, st retention.Status, rule classify.Rule) error) error {
	c := e.Planner.Classifier()
	w := c.StatusWindows(asOf)
	// share classifies the facts of share p as they come.
	share := func(ctx context.Context, p int, facts iter.Seq2[retention.StatusFacts, error]) error {
		var x retention.StatusFacts // one per share: each sees a pointer
		for f, err := range facts {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil { // another share failed
				return err
			}
			x = f
			st, rule := c.StatusOf(&x, asOf)
			if err := each(p, &x, st, rule); err != nil {
				return err
			}
		}
		return nil
	}
	if rr, ok := s.(retention.StatusRangeReader); ok && workers > 1 {
		splits, err := rr.SplitVINs(ctx, workers)
		if err != nil {
			return err
		}
		ranges := retention.VINRangesAt(splits)
		return inParallel(ctx, len(ranges), func(ctx context.Context, p int) error {
			return share(ctx, p, rr.StatusFactsIn(ctx, ranges[p], w))
		})
	}
	return partitioned(ctx, workers, func(ctx context.Context, f retention.HistoryFilter) error {
		return share(ctx, f.Partition, s.StatusFacts(ctx, f, w))
	})
}
