package classify

import "github.com/shopspring/decimal"

// money sums amounts exactly in ten-thousandths in an int64, which is how
// DMS amounts (two decimals) always fit, and falls back to decimal
// arithmetic for any amount that does not: a sum without an allocation per
// term.
type money struct {
	units int64 // in 1e-4
	big   decimal.Decimal
	isBig bool
}

const moneyExp = -4

func (m *money) add(d decimal.Decimal) {
	if !m.isBig {
		// At most 14 digits at an exponent of -4..0 is below 1e18: no
		// overflow in the term; the sum stays below 2^62 or goes big.
		if exp := d.Exponent(); exp >= moneyExp && exp <= 0 && d.NumDigits() <= 14 {
			v := d.CoefficientInt64()
			for range exp - moneyExp {
				v *= 10
			}
			if s := m.units + v; s < 1<<62 && s > -(1<<62) {
				m.units = s
				return
			}
		}
		m.big, m.isBig = decimal.New(m.units, moneyExp), true
	}
	m.big = m.big.Add(d)
}

// value returns the sum.
func (m *money) value() decimal.Decimal {
	if m.isBig {
		return m.big
	}
	return decimal.New(m.units, moneyExp)
}
