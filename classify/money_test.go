package classify

import (
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
	}
}
