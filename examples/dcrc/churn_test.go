package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/examples/internal/app"
	"github.com/dcrc-go/dcrc/retention"
)

const cdnow = "../../classify/churn/testdata/cdnow_events.csv"

func TestChurnCommand(t *testing.T) {
	for _, tc := range []struct {
		model  string
		params map[string]float64
		ll     float64
	}{
		{"bg-nbd", map[string]float64{"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, -9582.4},
		{"pareto-nbd", map[string]float64{"r": 0.553, "alpha": 10.578, "s": 0.606}, -9595.0},
	} {
		code, out, errOut := runCmd("churn", "--events", cdnow, "--calibration-end", "1997-09-30", "--unit", "week",
			"--model", tc.model, "--horizon", "39")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.model, code, errOut)
		}
		var got churnOut
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		for n, want := range tc.params {
			if math.Abs(got.Params[n]-want) > 0.005 {
				t.Errorf("%s: %s = %.4f, published %.3f", tc.model, n, got.Params[n], want)
			}
		}
		if math.Abs(got.LogLikelihood-tc.ll) > 0.1 || got.Model != tc.model || got.Unit != "week" || len(got.Customers) != 2357 {
			t.Errorf("%s: LL %.2f model %s unit %s customers %d", tc.model, got.LogLikelihood, got.Model, got.Unit, len(got.Customers))
		}
		if got.Holdout == nil || got.Holdout.Actual != 1882 {
			t.Errorf("%s: holdout %+v", tc.model, got.Holdout)
		}
		for _, c := range got.Customers {
			if c.PAlive < 0 || c.PAlive > 1 || c.Expected < 0 {
				t.Fatalf("%s: customer %+v", tc.model, c)
			}
		}
	}
}

func TestChurnRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, stderr string
		args         []string
	}{
		{"no date column", "needs the columns customer and date", []string{"--events", write("a.csv", "customer,day\nC1,2026-01-01\n"), "--calibration-end", "2026-06-30"}},
		{"bad date", "b.csv:3: date: no such date", []string{"--events", write("b.csv", "customer,date\nC1,2026-01-01\nC1,2026-02-30\n"), "--calibration-end", "2026-06-30"}},
		{"too few repeat customers", "cannot identify the bg-nbd model", []string{"--events", write("c.csv", "customer,date\nC1,2026-01-01\nC1,2026-02-01\nC2,2026-01-05\n"), "--calibration-end", "2026-06-30"}},
		{"unknown model", "unknown model", []string{"--events", cdnow, "--calibration-end", "1997-09-30", "--model", "cox"}},
		{"unknown unit", "unknown unit", []string{"--events", cdnow, "--calibration-end", "1997-09-30", "--unit", "month"}},
		{"bad calibration end", "--calibration-end", []string{"--events", cdnow, "--calibration-end", "1997-09-31"}},
	}
	for _, tt := range tests {
		code, out, errOut := runCmd(append([]string{"churn"}, tt.args...)...)
		if code != 2 || out != "" || !strings.Contains(errOut, tt.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 2 and %q", tt.name, code, out, errOut, tt.stderr)
		}
	}
}

// TestEvaluateWithChurn: with a churn model, customers carry P(alive) and
// those below the threshold are flagged churn-risk.
func TestEvaluateWithChurn(t *testing.T) {
	asOf := retention.MustParseDate("2026-11-22")
	path := filepath.Join(t.TempDir(), "demo.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Generate(&demo.Options{Vehicles: 300, AsOf: asOf}).EncodeJSON(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// On this network BG/NBD gives even rule-lost customers a high P(alive)
	// (regular servicing, low dropout); 0.95 separates some of them.
	args := []string{"evaluate", "--data", path, "--as-of", "2026-11-22", "--churn", "bg-nbd", "--churn-below", "0.95"}
	code, out, errOut := runCmd(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ev app.Evaluation
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatal(err)
	}
	flagged, low := 0, 0
	for _, c := range ev.Customers {
		if c.PAlive == nil {
			t.Fatalf("customer %s has no pAlive", c.ID)
		}
		if *c.PAlive < 0.95 && c.Status != "dormant" && c.Status != "scrapped" {
			low++
			if !strings.Contains(strings.Join(c.Flags, ","), "churn-risk") {
				t.Errorf("customer %s: pAlive %.3f, status %s, flags %v: not flagged", c.ID, *c.PAlive, c.Status, c.Flags)
			}
		}
		if strings.Contains(strings.Join(c.Flags, ","), "churn-risk") {
			flagged++
		}
	}
	if low == 0 || flagged < low {
		t.Errorf("%d effective customers below 0.95, %d flagged", low, flagged)
	}
	if _, again, _ := runCmd(args...); again != out {
		t.Error("evaluate --churn is not deterministic")
	}
}
