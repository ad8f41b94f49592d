package classify

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"
)

func TestMoneySumsExactly(t *testing.T) {
	dec := decimal.RequireFromString
	tests := []struct {
		terms []string
		want  string
	}{
		{[]string{"320.50", "0.05", "1000"}, "1320.55"},
		{[]string{"0.0001", "0.0002"}, "0.0003"},
		{[]string{"-12.5", "12.5"}, "0"},
		{[]string{"1234567890.1234567", "1"}, "1234567891.1234567"},       // 7 decimals: the decimal fallback
		{[]string{"99999999999999", "99999999999999"}, "199999999999998"}, // 14 digits each
		{[]string{"900000000000000", "900000000000000", "900000000000000"}, "2700000000000000"},
		{[]string{"461168601842738.7903", "461168601842738.7903"}, "922337203685477.5806"}, // past 2^62 units
		{slices.Repeat([]string{"99999999999999.9999"}, 10), "999999999999999.999"},        // 18 digits each, past 2^63 units summed
		{[]string{"0", "5e3", "12.5"}, "5012.5"},                                           // positive exponents
		{[]string{"1e14", "1"}, "100000000000001"},                                         // 1e14 is 1e18 units: the decimal fallback
	}
	for _, tt := range tests {
		var m money
		want := decimal.Zero
		for _, s := range tt.terms {
			m.add(dec(s))
			want = want.Add(dec(s))
		}
		if got := m.value(); !got.Equal(dec(tt.want)) || !got.Equal(want) {
			t.Errorf("sum of %v = %s, want %s", tt.terms, got, tt.want)
		}
		// The same sum of sums (addMoney), one sum per term.
		var sums money
		for _, s := range tt.terms {
			var term money
			term.add(dec(s))
			sums.addMoney(term)
		}
		if got := sums.value(); !got.Equal(dec(tt.want)) {
			t.Errorf("sum of the sums of %v = %s, want %s", tt.terms, got, tt.want)
		}
	}
}

// TestMoneyStaysSmall: the common terms, decimal.Zero (0e1), an amount
// left unset (decimal.Decimal{}) and a zero past four decimals among them,
// are summed in the int64, without the decimal fallback and without an
// allocation.
func TestMoneyStaysSmall(t *testing.T) {
	terms := []decimal.Decimal{decimal.Zero, {}, decimal.New(0, -7), decimal.New(32050, -2), decimal.NewFromInt(1000), decimal.New(5, 3)}
	var m money
	for _, d := range terms {
		m.add(d)
	}
	if m.isBig || !m.value().Equal(decimal.RequireFromString("6320.5")) {
		t.Errorf("sum %s, isBig %v; want 6320.5 in the int64", m.value(), m.isBig)
	}
	for _, d := range terms {
		var m money
		if allocs := testing.AllocsPerRun(100, func() { m.add(d) }); allocs != 0 {
			t.Errorf("adding %s (exponent %d) allocates %v times, want 0", d, d.Exponent(), allocs)
		}
	}
}
