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

func (m *money) add(d decimal.Decimal) { m.addMoney(moneyOf(d)) }

// toUnits returns d in units of 1e-4 when it is a whole number of them
// below 1e18 in magnitude: a term of at most 18 digits in those units
// cannot overflow. Positive exponents count too: decimal.Zero is 0e1.
func toUnits(d decimal.Decimal) (int64, bool) {
	if d.Sign() == 0 {
		// Zero at any exponent: an amount left unset (decimal.Decimal{}),
		// whose CoefficientInt64 would allocate a big.Int on every call,
		// and a zero past four decimals, which the rule below rejects.
		return 0, true
	}
	exp := d.Exponent()
	if exp < moneyExp || d.NumDigits()+int(exp-moneyExp) > 18 {
		return 0, false
	}
	v := d.CoefficientInt64()
	for range exp - moneyExp {
		v *= 10
	}
	return v, true
}

// moneyOf returns d as a sum of one term: in units when it is a whole
// number of them (toUnits), else as a decimal.
func moneyOf(d decimal.Decimal) money {
	if v, ok := toUnits(d); ok {
		return money{units: v}
	}
	return money{big: d, isBig: true}
}

// addMoney adds another sum, in units while both are and the total stays
// below 2^62 in magnitude, else as decimals from then on.
func (m *money) addMoney(o money) {
	if !o.isBig && !m.isBig {
		if s := m.units + o.units; s < 1<<62 && s > -(1<<62) {
			m.units = s
			return
		}
	}
	if !m.isBig {
		m.big, m.isBig = decimal.New(m.units, moneyExp), true
	}
	m.big = m.big.Add(o.value())
}

// value returns the sum.
func (m *money) value() decimal.Decimal {
	if m.isBig {
		return m.big
	}
	return decimal.New(m.units, moneyExp)
}
