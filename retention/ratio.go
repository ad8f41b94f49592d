package retention

import (
	"encoding/json"
	"slices"
	"strconv"

	"github.com/shopspring/decimal"
)

// Ratio is a rate kept as exact counts: Num cases out of Den. Rates are
// computed from the counts once, as decimals, so they never drift, and
// ratios of parts merge exactly (Add). A ratio over zero cases is undefined,
// not 0 and not NaN.
type Ratio struct {
	Num, Den int64
}

// Defined reports whether the ratio has any cases.
func (r Ratio) Defined() bool { return r.Den != 0 }

// Decimal returns Num/Den rounded half away from zero to places decimal
// places, and false when the ratio is undefined.
func (r Ratio) Decimal(places int32) (decimal.Decimal, bool) {
	if r.Den == 0 {
		return decimal.Zero, false
	}
	return decimal.NewFromInt(r.Num).DivRound(decimal.NewFromInt(r.Den), places), true
}

// Add returns the ratio of the two populations together.
func (r Ratio) Add(o Ratio) Ratio { return Ratio{r.Num + o.Num, r.Den + o.Den} }

// String returns "num/den".
func (r Ratio) String() string {
	return strconv.FormatInt(r.Num, 10) + "/" + strconv.FormatInt(r.Den, 10)
}

// RatePlaces is the number of decimal places of rates in JSON.
const RatePlaces = 4

// MarshalJSON writes {"num": …, "den": …, "rate": "0.2500"}, with a null
// rate when the ratio is undefined.
func (r Ratio) MarshalJSON() ([]byte, error) {
	out := struct {
		Num  int64            `json:"num"`
		Den  int64            `json:"den"`
		Rate *decimal.Decimal `json:"rate"`
	}{Num: r.Num, Den: r.Den}
	if d, ok := r.Decimal(RatePlaces); ok {
		out.Rate = &d
	}
	return json.Marshal(out)
}

// Shares returns counts[i] / Σ counts rounded to places decimal places so
// that the shares add up to exactly 1 (the largest-remainder method: the
// units lost to rounding go to the largest remainders, ties to the earlier
// entry). With no cases at all every share is zero.
func Shares(counts []int64, places int32) []decimal.Decimal {
	out := make([]decimal.Decimal, len(counts))
	var total int64
	for _, c := range counts {
		total += c
	}
	if total == 0 {
		for i := range out {
			out[i] = decimal.Zero
		}
		return out
	}
	unit := int64(1)
	for range places {
		unit *= 10
	}
	// Work in units of 10^-places: floor each share, then hand out the rest.
	type rem struct {
		i   int
		rem int64
	}
	floors := make([]int64, len(counts))
	rems := make([]rem, len(counts))
	var given int64
	for i, c := range counts {
		scaled := c * unit
		floors[i] = scaled / total
		rems[i] = rem{i, scaled % total}
		given += floors[i]
	}
	slices.SortStableFunc(rems, func(a, b rem) int {
		switch {
		case a.rem > b.rem:
			return -1
		case a.rem < b.rem:
			return 1
		}
		return 0
	})
	for k := int64(0); k < unit-given; k++ {
		floors[rems[k].i]++
	}
	for i, f := range floors {
		out[i] = decimal.New(f, -places)
	}
	return out
}
