package app

import (
	"context"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// Statuses classifies every vehicle of a store as of asOf from the store's
// own aggregates (retention.StatusReader, then
// classify.Classifier.StatusOf), without a repair order leaving the
// database, on workers partitions of the customers
// (retention.HistoryFilter), each read on a goroutine and a connection of
// its own. Whether more workers pay is the database's: SQLite's status
// facts seek each vehicle's visits, so a partition reads its own, and two
// took three fifths of one's time at 100,000 vehicles (BENCHMARKS.md,
// round nineteen); PostgreSQL aggregates a partition in a join that reads
// every visit, so there one worker is best.
//
// each receives every vehicle's facts, status and rule, by VIN within its
// partition p (0 ≤ p < max(workers, 1)); the facts are good until each
// returns (the next vehicle's are read into the same variable). The calls
// of different partitions run at the same time, so each keeps what it needs
// by partition and the caller merges it afterwards: a vehicle's status is
// its own, and a distribution of statuses adds up. The statuses are the
// same for any number of workers. The first error, of the store or of
// each, is returned, and cancels the other partitions: from then on they
// call each no more, whatever their store has already read.
func (e *Engine) Statuses(ctx context.Context, s retention.StatusReader, asOf date.Date, workers int,
	each func(p int, f *retention.StatusFacts, st retention.Status, rule classify.Rule) error) error {
	c := e.Planner.Classifier()
	w := c.StatusWindows(asOf)
	return partitioned(ctx, workers, func(ctx context.Context, f retention.HistoryFilter) error {
		var x retention.StatusFacts // one per partition: each sees a pointer
		for facts, err := range s.StatusFacts(ctx, f, w) {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil { // another partition failed
				return err
			}
			x = facts
			st, rule := c.StatusOf(&x, asOf)
			if err := each(f.Partition, &x, st, rule); err != nil {
				return err
			}
		}
		return nil
	})
}
