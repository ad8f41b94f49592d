package churn

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/dcrc-go/dcrc/retention"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/optimize"
)

// MinRepeatCustomers is the fewest customers with repeat events a fit
// accepts: with fewer, the purchase and dropout processes cannot be told
// apart and the estimates mean nothing.
const MinRepeatCustomers = 10

// Fit is a model fitted to a cohort by maximum likelihood.
type Fit struct {
	Model         Model
	Params        [4]float64 // in the order of Model.ParamNames
	LogLikelihood float64
	Customers     int // the customers the fit was made on
}

// Named returns the parameters by name, for output.
func (f *Fit) Named() map[string]float64 {
	out := map[string]float64{}
	for i, n := range f.Model.ParamNames() {
		out[n] = f.Params[i]
	}
	return out
}

// group is a set of customers with the same summary.
type group struct {
	x, tx, T float64
	n        float64
}

// groups collapses identical summaries, which makes a likelihood evaluation
// proportional to the distinct histories rather than the customers.
func groups(ss []Summary) []group {
	type key struct{ x, tx, T float64 }
	counts := map[key]float64{}
	for _, s := range ss {
		counts[key{float64(s.Frequency), s.Recency, s.T}]++
	}
	out := make([]group, 0, len(counts))
	for k, n := range counts {
		out = append(out, group{k.x, k.tx, k.T, n})
	}
	slices.SortFunc(out, func(a, b group) int {
		return cmp.Or(cmp.Compare(a.x, b.x), cmp.Compare(a.tx, b.tx), cmp.Compare(a.T, b.T))
	})
	return out
}

// chunks is how many parts a likelihood sum is split into, whatever the
// number of processors, so that the sum is the same on every machine.
const chunks = 8

// logLikelihood sums the model's log-likelihood over the groups, the parts
// in parallel and added in a fixed order.
func logLikelihood(m Model, p *[4]float64, gs []group) float64 {
	sum := paretoSum
	if m == BGNBD {
		sum = bgnbdSum
	}
	var parts [chunks]float64
	var wg sync.WaitGroup
	per := (len(gs) + chunks - 1) / chunks
	for c := range chunks {
		lo, hi := min(c*per, len(gs)), min((c+1)*per, len(gs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[c] = sum(p, gs[lo:hi])
		}()
	}
	wg.Wait()
	total := 0.0
	for _, s := range parts {
		total += s
	}
	return total
}

// FitModel estimates a model from the summaries of a cohort by maximum
// likelihood: over the logarithms of the parameters (which keeps them
// positive), with Nelder–Mead to find the basin and BFGS (central-difference
// gradients) to settle in it. It returns an ErrInvalid error when the data
// cannot identify the model: no customers, fewer than MinRepeatCustomers
// with repeat events, or summaries that are not histories (negative,
// recency beyond age).
func FitModel(m Model, ss []Summary) (*Fit, error) {
	if m != BGNBD && m != ParetoNBD {
		return nil, retention.Invalid("", "model", fmt.Sprintf("unknown model %d", m))
	}
	repeat := 0
	for i, s := range ss {
		if s.Frequency < 0 || s.Recency < 0 || s.T < s.Recency || (s.Frequency == 0 && s.Recency != 0) {
			return nil, retention.Invalid(retention.RecordName("summaries", s.Customer, i), "recency",
				fmt.Sprintf("not a history: frequency %d, recency %v, T %v", s.Frequency, s.Recency, s.T))
		}
		if s.Frequency > 0 {
			repeat++
		}
	}
	if repeat < MinRepeatCustomers {
		return nil, &retention.Error{Kind: retention.ErrInvalid, Field: "frequency", Msg: fmt.Sprintf(
			"cannot identify the %s model: %d of %d customers have repeat events, at least %d are needed",
			m, repeat, len(ss), MinRepeatCustomers)}
	}
	gs := groups(ss)
	negLL := func(logp []float64) float64 {
		var p [4]float64
		for i := range p {
			p[i] = math.Exp(logp[i])
		}
		v := -logLikelihood(m, &p, gs)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return math.MaxFloat64
		}
		return v
	}
	start := []float64{0, 0, 0, 0}
	res, err := optimize.Minimize(optimize.Problem{Func: negLL}, start,
		&optimize.Settings{Converger: &optimize.FunctionConverge{Absolute: 1e-9, Iterations: 200}, MajorIterations: 5000},
		&optimize.NelderMead{})
	if err != nil && res == nil {
		return nil, &retention.Error{Kind: retention.ErrInternal, Msg: "fitting failed", Err: err}
	}
	grad := func(g, x []float64) {
		fd.Gradient(g, negLL, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
	}
	polished, err2 := optimize.Minimize(optimize.Problem{Func: negLL, Grad: grad}, res.X,
		&optimize.Settings{GradientThreshold: 1e-6, Converger: &optimize.FunctionConverge{Absolute: 1e-10, Iterations: 50}},
		&optimize.BFGS{})
	if err2 == nil && polished.F <= res.F {
		res = polished
	}
	f := &Fit{Model: m, Customers: len(ss), LogLikelihood: -res.F}
	for i := range f.Params {
		f.Params[i] = math.Exp(res.X[i])
	}
	if res.F == math.MaxFloat64 {
		return nil, &retention.Error{Kind: retention.ErrInvalid, Msg: "the likelihood is not finite anywhere the fit looked"}
	}
	return f, nil
}

// PAlive returns the probability that the customer is still alive at the
// end of the calibration period.
func (f *Fit) PAlive(s Summary) float64 {
	if f.Model == ParetoNBD {
		return paretoPAlive(&f.Params, float64(s.Frequency), s.Recency, s.T)
	}
	return bgnbdPAlive(&f.Params, float64(s.Frequency), s.Recency, s.T)
}

// Expected returns the events the customer is expected to have in the t
// units after the calibration end.
func (f *Fit) Expected(s Summary, t float64) float64 {
	if f.Model == ParetoNBD {
		return paretoExpected(&f.Params, float64(s.Frequency), s.Recency, s.T, t)
	}
	return bgnbdExpected(&f.Params, float64(s.Frequency), s.Recency, s.T, t)
}

// Population returns the events a new customer is expected to have in its
// first t units after its first event (repeat events, the first excluded).
func (f *Fit) Population(t float64) float64 {
	if f.Model == ParetoNBD {
		return paretoPopulation(&f.Params, t)
	}
	return bgnbdPopulation(&f.Params, t)
}

// HoldoutComparison sets the events the fit predicts for the holdout period
// against those that happened.
type HoldoutComparison struct {
	Horizon   float64 `json:"horizon"`
	Predicted float64 `json:"predicted"`
	Actual    int     `json:"actual"`
}

// Holdout predicts, for the cohort, the events of the horizon after the
// calibration end and counts those recorded (Summary.Holdout).
func (f *Fit) Holdout(ss []Summary, horizon float64) HoldoutComparison {
	h := HoldoutComparison{Horizon: horizon}
	for _, s := range ss {
		h.Predicted += f.Expected(s, horizon)
		h.Actual += s.Holdout
	}
	return h
}

// paretoSum adds the Pareto/NBD log-likelihoods of groups.
func paretoSum(p *[4]float64, gs []group) float64 {
	sum := 0.0
	for _, g := range gs {
		sum += g.n * paretoLL(p, g.x, g.tx, g.T)
	}
	return sum
}

// bgnbdSum adds the BG/NBD log-likelihoods of groups sorted by frequency:
// the terms that depend on x alone (four log-gammas) are computed once per
// distinct x, which makes a large cohort several times cheaper to fit. It
// computes exactly what bgnbdLL computes.
func bgnbdSum(p *[4]float64, gs []group) float64 {
	r, alpha, a, b := p[0], p[1], p[2], p[3]
	base := -lgamma(r) + r*math.Log(alpha) + lgamma(a+b) - lgamma(b)
	logA := math.Log(a)
	sum := 0.0
	x := -1.0
	var cx, dx float64
	for _, g := range gs {
		if g.x != x {
			x = g.x
			cx = base + lgamma(r+x) + lgamma(b+x) - lgamma(a+b+x)
			dx = logA - math.Log(b+x-1)
		}
		a3 := -(r + x) * math.Log(alpha+g.T)
		ll := cx + a3
		if x > 0 {
			ll = cx + logAddExp(a3, dx-(r+x)*math.Log(alpha+g.tx))
		}
		sum += g.n * ll
	}
	return sum
}
