package classify_test

import (
	"math/rand/v2"
	"testing"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// TestScorePartsAgainstReference: the rule that ScoreParts, TierCut and
// RaiseTier document for a caller that ranks itself (rankByParts) gives the
// tiers of the plain reading of POLICY.md §8: on networks of three dealers
// with many ties and with few, and amounts past four decimals.
func TestScorePartsAgainstReference(t *testing.T) {
	p := retention.DefaultPolicy()
	c, err := classify.New(&p, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 78))
		ts := classify.RandomTierInputs(rng, 20+rng.IntN(120), 3)
		for i := range ts {
			if seed%2 == 0 { // narrow ranges: many ties
				ts[i].Purchase = decimal.NewFromInt(int64(rng.IntN(6)) * 50_000)
				ts[i].Spend = decimal.New(int64(rng.IntN(5)), 0)
			}
			if seed%5 == 1 && rng.IntN(10) == 0 {
				ts[i].Spend = decimal.RequireFromString("0.00005")
			}
		}
		if diff := cmp.Diff(classify.ReferenceTiers(&p, ts), rankByParts(c, ts)); diff != "" {
			t.Fatalf("seed %d (-reference +by parts):\n%s", seed, diff)
		}
	}
}
