package churn

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// The likelihoods and expectations of both models, in log space where they
// multiply or divide large numbers. p holds the model's four parameters in
// the order of Model.ParamNames; x, tx and T are a customer's frequency,
// recency and age.

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// logAddExp returns log(exp(a) + exp(b)) without overflow.
func logAddExp(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	m := math.Max(a, b)
	return m + math.Log(math.Exp(a-m)+math.Exp(b-m))
}

// logSubExp returns log(exp(a) − exp(b)) for a ≥ b (−Inf when equal).
func logSubExp(a, b float64) float64 {
	if b >= a {
		return math.Inf(-1)
	}
	return a + math.Log1p(-math.Exp(b-a))
}

// bgnbdLL is the BG/NBD log-likelihood of one customer (Fader, Hardie & Lee
// 2005, eq. 6): with A1 = ln Γ(r+x) − ln Γ(r) + r ln α and
// A2 = ln B(a, b+x) − ln B(a, b),
//
//	ln L = A1 + A2 + ln[(α+T)^−(r+x) + 1{x>0} a/(b+x−1) (α+tx)^−(r+x)].
func bgnbdLL(p *[4]float64, x, tx, T float64) float64 {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	a1 := lgamma(r+x) - lgamma(r) + r*math.Log(alpha)
	a2 := lgamma(a+b) + lgamma(b+x) - lgamma(b) - lgamma(a+b+x)
	a3 := -(r + x) * math.Log(alpha+T)
	if x == 0 {
		return a1 + a2 + a3
	}
	a4 := math.Log(a) - math.Log(b+x-1) - (r+x)*math.Log(alpha+tx)
	return a1 + a2 + logAddExp(a3, a4)
}

// bgnbdPAlive is P(alive | x, tx, T) (eq. 11 of the 2005 paper's technical
// note): 1 for x = 0, else 1 / (1 + a/(b+x−1) ((α+T)/(α+tx))^(r+x)).
func bgnbdPAlive(p *[4]float64, x, tx, T float64) float64 {
	if x == 0 {
		return 1
	}
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	logOdds := math.Log(a) - math.Log(b+x-1) + (r+x)*(math.Log(alpha+T)-math.Log(alpha+tx))
	return 1 / (1 + math.Exp(logOdds))
}

// bgnbdExpected is E[Y(t) | x, tx, T], the events expected in the next t
// (eq. 10 of the 2005 paper):
//
//	(a+b+x−1)/(a−1) [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
//	/ [1 + 1{x>0} a/(b+x−1) ((α+T)/(α+tx))^(r+x)],
//
// whose denominator is 1 / P(alive).
func bgnbdExpected(p *[4]float64, x, tx, T, t float64) float64 {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	z := t / (alpha + T + t)
	f := mathext.Hypergeo(r+x, b+x, a+b+x-1, z)
	lead := (a + b + x - 1) / (a - 1)
	inner := 1 - math.Exp((r+x)*(math.Log(alpha+T)-math.Log(alpha+T+t)))*f
	return lead * inner * bgnbdPAlive(p, x, tx, T)
}

// bgnbdPopulation is E[X(t)] for a customer born at 0 (eq. 7):
// (a+b−1)/(a−1) [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
func bgnbdPopulation(p *[4]float64, t float64) float64 {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	f := mathext.Hypergeo(r, b, a+b-1, t/(alpha+t))
	return (a + b - 1) / (a - 1) * (1 - math.Exp(r*(math.Log(alpha)-math.Log(alpha+t)))*f)
}

// paretoLogA0 is ln A0 of the Pareto/NBD likelihood (Fader & Hardie, "A
// Note on Deriving the Pareto/NBD Model and Related Expressions", 2005):
// with k = r+s+x, for α ≥ β
//
//	A0 = ₂F₁(k, s+1; k+1; (α−β)/(α+tx)) / (α+tx)^k − ₂F₁(k, s+1; k+1; (α−β)/(α+T)) / (α+T)^k
//
// and for α < β the same with (r+x, β) in place of (s+1, α).
func paretoLogA0(p *[4]float64, x, tx, T float64) float64 {
	r, alpha, s, beta := p[0], p[1], p[2], p[3]
	k := r + s + x
	var b2, base float64
	var z func(t float64) float64
	if alpha >= beta {
		b2, base = s+1, alpha
		z = func(t float64) float64 { return (alpha - beta) / (alpha + t) }
	} else {
		b2, base = r+x, beta
		z = func(t float64) float64 { return (beta - alpha) / (beta + t) }
	}
	logF := func(t float64) float64 {
		return math.Log(mathext.Hypergeo(k, b2, k+1, z(t))) - k*math.Log(base+t)
	}
	return logSubExp(logF(tx), logF(T))
}

// paretoLL is the Pareto/NBD log-likelihood of one customer:
//
//	ln L = ln Γ(r+x) − ln Γ(r) + r ln α + s ln β
//	       + ln[(α+T)^−(r+x) (β+T)^−s + s/(r+s+x) A0].
func paretoLL(p *[4]float64, x, tx, T float64) float64 {
	r, alpha, s, beta := p[0], p[1], p[2], p[3]
	head := lgamma(r+x) - lgamma(r) + r*math.Log(alpha) + s*math.Log(beta)
	l1 := -(r+x)*math.Log(alpha+T) - s*math.Log(beta+T)
	l2 := math.Log(s/(r+s+x)) + paretoLogA0(p, x, tx, T)
	return head + logAddExp(l1, l2)
}

// paretoPAlive is 1 / (1 + s/(r+s+x) (α+T)^(r+x) (β+T)^s A0).
func paretoPAlive(p *[4]float64, x, tx, T float64) float64 {
	r, alpha, s, beta := p[0], p[1], p[2], p[3]
	logOdds := math.Log(s/(r+s+x)) + (r+x)*math.Log(alpha+T) + s*math.Log(beta+T) + paretoLogA0(p, x, tx, T)
	return 1 / (1 + math.Exp(logOdds))
}

// paretoExpected is E[Y(t) | x, tx, T] = (r+x)(β+T) / ((α+T)(s−1))
// [1 − ((β+T)/(β+T+t))^(s−1)] P(alive), with its limit at s = 1.
func paretoExpected(p *[4]float64, x, tx, T, t float64) float64 {
	r, alpha, s, beta := p[0], p[1], p[2], p[3]
	var g float64
	if math.Abs(s-1) < 1e-9 {
		g = (beta + T) * math.Log((beta+T+t)/(beta+T))
	} else {
		g = (beta + T) / (s - 1) * (1 - math.Exp((s-1)*(math.Log(beta+T)-math.Log(beta+T+t))))
	}
	return (r + x) / (alpha + T) * g * paretoPAlive(p, x, tx, T)
}

// paretoPopulation is E[X(t)] = rβ/(α(s−1)) [1 − (β/(β+t))^(s−1)].
func paretoPopulation(p *[4]float64, t float64) float64 {
	r, alpha, s, beta := p[0], p[1], p[2], p[3]
	if math.Abs(s-1) < 1e-9 {
		return r * beta / alpha * math.Log((beta+t)/beta)
	}
	return r * beta / (alpha * (s - 1)) * (1 - math.Exp((s-1)*(math.Log(beta)-math.Log(beta+t))))
}
