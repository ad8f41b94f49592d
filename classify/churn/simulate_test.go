package churn

import (
	"flag"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

var benchCustomers = flag.Int("customers", 100_000, "customers simulated for BenchmarkFit (the figure in BENCHMARKS.md uses 1,000,000)")

// simulateBGNBD draws n customers from the BG/NBD process with parameters
// p, each observed for an age T between 26 and 52 units: purchase rate λ ~
// Gamma(r, α), dropout probability q ~ Beta(a, b), exponential times between
// purchases, dropout after a repeat purchase with probability q.
func simulateBGNBD(n int, p [4]float64, seed uint64) []Summary {
	src := rand.NewPCG(seed, 1)
	r := rand.New(src)
	lambda := distuv.Gamma{Alpha: p[0], Beta: p[1], Src: src}
	drop := distuv.Beta{Alpha: p[2], Beta: p[3], Src: src}
	out := make([]Summary, n)
	for i := range out {
		s := Summary{Customer: strconv.Itoa(i), T: float64(26 + r.IntN(27))}
		l, q := lambda.Rand(), drop.Rand()
		t := 0.0
		for {
			t += r.ExpFloat64() / l
			if t > s.T {
				break
			}
			s.Frequency++
			s.Recency = t
			if r.Float64() < q {
				break
			}
		}
		out[i] = s
	}
	return out
}

// TestParameterRecovery fits customers simulated from known parameters and
// finds them again.
func TestParameterRecovery(t *testing.T) {
	truth := [4]float64{0.25, 4.5, 0.8, 2.5}
	f, err := FitModel(BGNBD, simulateBGNBD(40_000, truth, 7))
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range BGNBD.ParamNames() {
		if rel := abs(f.Params[i]-truth[i]) / truth[i]; rel > 0.12 {
			t.Errorf("%s = %.3f, true %.3f (%.0f%% off)", n, f.Params[i], truth[i], rel*100)
		}
	}
}

// BenchmarkFit fits BG/NBD to -customers simulated customers (default
// 100,000) per iteration and reports the seconds per fit.
func BenchmarkFit(b *testing.B) {
	ss := simulateBGNBD(*benchCustomers, [4]float64{0.25, 4.5, 0.8, 2.5}, 11)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := FitModel(BGNBD, ss); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "s/fit")
	b.ReportMetric(float64(len(ss)), "customers")
}
