package classify_test

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/shopspring/decimal"
)

// rankByParts ranks the customers the way Classifier.ScoreParts documents
// for a caller that ranks a dealer itself, as when its customers do not fit
// in memory and each sort below is an external sort: every part of the
// score sorted, each tie given the sum of its first and last positions
// times the part's weight, the sums sorted best first and cut into tiers;
// then fleet and VIP customers raised. Here the sorts are in memory.
func rankByParts(c *classify.Classifier, ins []classify.TierInput) []classify.Tier {
	tiers := make([]classify.Tier, len(ins))
	dealers := map[string][]int{} // the effective customers of each dealer
	for i := range ins {
		tiers[i] = classify.Basic
		if ins[i].Effective {
			dealers[ins[i].Dealer] = append(dealers[ins[i].Dealer], i)
		}
	}
	for _, idx := range dealers {
		parts := make([][]classify.ScorePart, len(idx))
		for j, i := range idx {
			parts[j] = c.ScoreParts(nil, &ins[i])
		}
		scores := make([]int64, len(idx))
		order := make([]int, len(idx))
		for k := range parts[0] {
			for j := range order {
				order[j] = j
			}
			slices.SortFunc(order, func(a, b int) int { return parts[a][k].Compare(&parts[b][k]) })
			for i := 0; i < len(order); { // a tie over positions i+1…j+1
				j := i
				for j+1 < len(order) && parts[order[j+1]][k].Compare(&parts[order[i]][k]) == 0 {
					j++
				}
				for _, o := range order[i : j+1] {
					scores[o] += parts[o][k].Weight * int64(i+1+j+1)
				}
				i = j + 1
			}
		}
		for j := range order {
			order[j] = j
		}
		slices.SortFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
		cut := c.NewTierCut(len(idx))
		for _, o := range order {
			tiers[idx[o]] = cut.Next(scores[o])
		}
	}
	for i := range ins {
		tiers[i] = c.RaiseTier(&ins[i], tiers[i])
	}
	return tiers
}

// A dealer ranked by the caller (rankByParts), with the same tiers as
// Classifier.Tiers gives.
func ExampleClassifier_ScoreParts() {
	policy := retention.DefaultPolicy()
	c, err := classify.New(&policy, nil, nil)
	if err != nil {
		panic(err)
	}
	var ins []classify.TierInput
	for i := range 5 {
		ins = append(ins, classify.TierInput{ID: fmt.Sprintf("C%d", i), Dealer: "D1", Effective: true,
			Kind: retention.Individual, Purchase: decimal.NewFromInt(int64(100_000 + 10_000*i)), Vehicles: 1,
			Spend: decimal.NewFromInt(int64(500 * (i % 3))), Visits: i % 2})
	}
	fmt.Println(rankByParts(c, ins))
	fmt.Println(c.Tiers(ins))
	// Output:
	// [basic potential potential basic core]
	// [basic potential potential basic core]
}
