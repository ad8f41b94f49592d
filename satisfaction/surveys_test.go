package satisfaction

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

var decOpt = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

func ptr[T any](v T) *T { return &v }

func TestSurveyStats(t *testing.T) {
	surveys := []retention.Survey{
		{Customer: "C1", Touch: retention.SaleFollowup3D, Answers: map[string]int{"q1": 5, "q2": 4}, Recommend: ptr(9)},
		{Customer: "C2", Touch: retention.ServiceFollowup2D, Answers: map[string]int{"q1": 3, "q2": 5}, Recommend: ptr(6)},
		{Customer: "C1", Touch: retention.ServiceFollowup2D, Answers: map[string]int{"q1": 1}, Recommend: ptr(8)},
	}
	contacts := []retention.Contact{
		{Task: "sale-followup-3d/V1/2026-01-10", Outcome: retention.Reached},
		{Task: "sale-followup-3d/V2/2026-01-10", Outcome: retention.NoAnswer},
		{Task: "birthday/C2/2026-03-01", Outcome: retention.Reached},
	}
	followed := FollowedUpCustomers(contacts, []retention.Vehicle{{VIN: "V1", Customer: "C1"}, {VIN: "V2", Customer: "C2"}})
	if diff := cmp.Diff(map[string]bool{"C1": true}, followed); diff != "" {
		t.Errorf("FollowedUpCustomers (-want +got):\n%s", diff)
	}
	var s SurveyStats
	for i := range surveys {
		s.Add(&surveys[i], followed[surveys[i].Customer])
	}
	dec := decimal.RequireFromString
	sum := func(counts []int64, shares ...string) ScoreSummary {
		var n, total, fives int64
		for i, c := range counts {
			n += c
			total += int64(i+1) * c
		}
		fives = counts[4]
		var ds []decimal.Decimal
		for _, sh := range shares {
			ds = append(ds, dec(sh))
		}
		return ScoreSummary{Mean: Mean{Sum: total, N: n}, Counts: counts, Distribution: ds, Fives: retention.Ratio{Num: fives, Den: n}}
	}
	want := SurveyReport{
		All: sum([]int64{1, 0, 1, 1, 2}, "0.2", "0", "0.2", "0.2", "0.4"), // 5 answers, S = 18/5 = 3.60
		ByTouch: []ScoreGroup{
			{"sale-followup-3d", sum([]int64{0, 0, 0, 1, 1}, "0", "0", "0", "0.5", "0.5")},
			{"service-followup-2d", sum([]int64{1, 0, 1, 0, 1}, "0.3334", "0", "0.3333", "0", "0.3333")},
		},
		ByQuestion: []ScoreGroup{
			{"q1", sum([]int64{1, 0, 1, 0, 1}, "0.3334", "0", "0.3333", "0", "0.3333")},
			{"q2", sum([]int64{0, 0, 0, 1, 1}, "0", "0", "0", "0.5", "0.5")},
		},
		FollowedUp:    sum([]int64{1, 0, 0, 1, 1}, "0.3334", "0", "0", "0.3333", "0.3333"), // C1: 5, 4, 1
		NotFollowedUp: sum([]int64{0, 0, 1, 0, 1}, "0", "0", "0.5", "0", "0.5"),            // C2: 3, 5
		NPS:           NPS{Promoters: 1, Passives: 1, Detractors: 1},
	}
	got := s.Report()
	if diff := cmp.Diff(want, got, decOpt); diff != "" {
		t.Errorf("Report (-want +got):\n%s", diff)
	}
	// The stats of parts merge into those of the whole, in either order.
	for _, order := range [][2]int{{0, 1}, {1, 0}} {
		var parts [2]SurveyStats
		for i := range surveys {
			parts[i%2].Add(&surveys[i], followed[surveys[i].Customer])
		}
		var merged SurveyStats
		merged.Merge(&parts[order[0]])
		merged.Merge(&parts[order[1]])
		if diff := cmp.Diff(want, merged.Report(), decOpt); diff != "" {
			t.Errorf("merged %v (-want +got):\n%s", order, diff)
		}
	}
	means := []string{}
	for _, m := range []Mean{got.All.Mean, got.FollowedUp.Mean, got.NotFollowedUp.Mean} {
		v, _ := m.Decimal(MeanPlaces)
		means = append(means, v.StringFixed(2))
	}
	if diff := cmp.Diff([]string{"3.60", "3.33", "4.00"}, means); diff != "" {
		t.Errorf("means (-want +got):\n%s", diff)
	}
	if score, ok := got.NPS.Score(); !ok || !score.IsZero() {
		t.Errorf("NPS = %s, %v; want 0", score, ok)
	}
	if _, ok := (NPS{}).Score(); ok {
		t.Error("NPS over no answers is defined")
	}
	b, _ := (Mean{}).MarshalJSON()
	if string(b) != `{"n":0,"mean":null}` {
		t.Errorf("JSON of an empty mean = %s", b)
	}
}

func TestCSI(t *testing.T) {
	p := retention.DefaultPolicy()
	sv := func(answers map[string]int) retention.Survey {
		return retention.Survey{Customer: "C1", Touch: retention.ServiceFollowup2D, At: time.Unix(0, 0), Answers: answers}
	}
	surveys := []retention.Survey{
		sv(map[string]int{"initiation": 4, "advisor": 3, "facility": 5, "pickup": 2, "quality": 4}),
		sv(map[string]int{"initiation": 4, "quality": 5}),
	}
	factors := map[string]string{"initiation": "service-initiation", "advisor": "service-advisor", "facility": "facility",
		"pickup": "vehicle-pickup", "quality": "service-quality"}
	got := ComputeCSI(&p, surveys, factors)
	var scores []string
	for _, f := range got.Factors {
		scores = append(scores, f.Factor+" "+f.Score.String())
	}
	// Means 4, 3, 5, 2, 4.5 → 750, 500, 1000, 250, 875; CSI = 0.2 × 3375.
	if diff := cmp.Diff([]string{"service-initiation 750", "service-advisor 500", "facility 1000",
		"vehicle-pickup 250", "service-quality 875"}, scores); diff != "" {
		t.Errorf("factor scores (-want +got):\n%s", diff)
	}
	if got.Index == nil || !got.Index.Equal(decimal.RequireFromString("675")) {
		t.Errorf("CSI = %v, want 675", got.Index)
	}
	missing := ComputeCSI(&p, surveys[1:], factors)
	if missing.Index != nil {
		t.Errorf("CSI with unanswered factors = %s, want undefined", missing.Index)
	}
	// Weights that do not sum to 1 are rejected by the policy.
	p.Satisfaction.CSIWeights[0].Weight = decimal.RequireFromString("0.25")
	if _, err := NewComplaints(&p, nil); err == nil {
		t.Error("CSI weights summing to 1.05 were accepted")
	}
}

func TestAdvisorScores(t *testing.T) {
	p := retention.DefaultPolicy()
	ffv := FFVReport{ByAdvisor: []FFVRow{{Key: "A1", FFV: retention.Ratio{Num: 2, Den: 4}}, {Key: "A2", FFV: retention.Ratio{Num: 4, Den: 4}}}}
	surveys := []retention.Survey{{Customer: "C1", Advisor: "A1", Answers: map[string]int{
		"explanation": 5, "understanding-needs": 3, "correct-work": 4, "contact-index": 5}}}
	got := AdvisorScores(&p, ffv, surveys)
	dec := decimal.RequireFromString
	// 100 × (0.5×0.5 + 0.1×1 + 0.1×0.5 + 0.1×0.75 + 0.2×1) = 67.5
	want := []AdvisorScore{
		{Advisor: "A1", Components: map[string]decimal.Decimal{"comeback-rate": dec("0.5"), "explanation": dec("1"),
			"understanding-needs": dec("0.5"), "correct-work": dec("0.75"), "contact-index": dec("1")},
			Missing: []string{}, Score: ptr(dec("67.5"))},
		{Advisor: "A2", Components: map[string]decimal.Decimal{"comeback-rate": dec("1")},
			Missing: []string{"explanation", "understanding-needs", "correct-work", "contact-index"}},
	}
	if diff := cmp.Diff(want, got, decOpt); diff != "" {
		t.Errorf("AdvisorScores (-want +got):\n%s", diff)
	}
}

// answersOf returns the answers on 1–5 of surveys straight from them, by
// question and by advisor and question: the reference for
// TestSurveyStatsScores.
func answersOf(surveys []retention.Survey) (byQuestion map[string][6]int64, byAdvisor map[string]map[string][6]int64) {
	byQuestion, byAdvisor = map[string][6]int64{}, map[string]map[string][6]int64{}
	for _, s := range surveys {
		if s.Advisor != "" && byAdvisor[s.Advisor] == nil {
			byAdvisor[s.Advisor] = map[string][6]int64{} // an advisor with surveys, answered or not
		}
		for q, a := range s.Answers {
			if a < 1 || a > 5 {
				continue
			}
			c := byQuestion[q]
			c[a]++
			byQuestion[q] = c
			if s.Advisor != "" {
				c := byAdvisor[s.Advisor][q]
				c[a]++
				byAdvisor[s.Advisor][q] = c
			}
		}
	}
	return byQuestion, byAdvisor
}

// dists returns the distributions of m.
func dists(m map[string]*scores) map[string][6]int64 {
	out := map[string][6]int64{}
	for k, v := range m {
		out[k] = v.dist
	}
	return out
}

// TestSurveyStatsScores: surveys counted in three SurveyStats and merged
// hold the answers by question and by advisor that counting them all at
// once gives (counts), and give the CSI and the advisors' scores that
// ComputeCSI and AdvisorScores compute from all of them; on random surveys
// with answers out of range, advisors without a valid answer, and
// questions mapped to factors or not. TestCSI and TestAdvisorScores pin
// the scores themselves.
func TestSurveyStatsScores(t *testing.T) {
	p := retention.DefaultPolicy()
	r := rand.New(rand.NewPCG(1, 2))
	var questions []string
	for _, w := range p.Satisfaction.CSIWeights {
		questions = append(questions, w.Name)
	}
	for _, w := range p.Satisfaction.AdvisorWeights {
		questions = append(questions, w.Name)
	}
	questions = append(questions, "initiation", "other")
	factorOf := map[string]string{"initiation": "service-initiation", "other": "", "explanation": "service-advisor"}
	ffv := FFVReport{ByAdvisor: []FFVRow{{Key: "A1", FFV: retention.Ratio{Num: 2, Den: 4}}, {Key: "A9", FFV: retention.Ratio{Num: 1, Den: 1}},
		{Key: "", FFV: retention.Ratio{Num: 1, Den: 2}}}}
	defined, scored, unanswered := 0, 0, 0 // rounds with a CSI; advisors with a score, with surveys but no valid answer
	for round := range 20 {
		surveys := make([]retention.Survey, 1+r.IntN(60))
		for i := range surveys {
			answers := map[string]int{}
			for range r.IntN(6) {
				answers[questions[r.IntN(len(questions))]] = r.IntN(8) - 1 // -1..6: some out of range
			}
			advisor := []string{"", "A1", "A2", "A3"}[r.IntN(4)]
			if round%5 == 0 && advisor == "A3" {
				answers = map[string]int{"explanation": 9} // A3: surveys, no valid answer
			}
			surveys[i] = retention.Survey{Customer: fmt.Sprint("C", r.IntN(9)), Touch: retention.ServiceFollowup2D,
				Answers: answers, Advisor: advisor}
		}
		var parts [3]SurveyStats
		for i := range surveys {
			parts[r.IntN(3)].Add(&surveys[i], r.IntN(2) == 0)
		}
		parts[1].Merge(&parts[2])
		parts[0].Merge(&parts[1])
		merged := &parts[0]
		byQuestion, byAdvisor := answersOf(surveys)
		if diff := cmp.Diff(byQuestion, dists(merged.byQuestion)); diff != "" {
			t.Fatalf("round %d: answers by question (-counted at once +merged):\n%s", round, diff)
		}
		gotByAdvisor := map[string]map[string][6]int64{}
		for a, m := range merged.byAdvisor {
			gotByAdvisor[a] = dists(m)
		}
		if diff := cmp.Diff(byAdvisor, gotByAdvisor); diff != "" {
			t.Fatalf("round %d: answers by advisor (-counted at once +merged):\n%s", round, diff)
		}
		for _, f := range []map[string]string{nil, factorOf} {
			want := ComputeCSI(&p, surveys, f)
			if diff := cmp.Diff(want, merged.CSI(&p, f), decOpt); diff != "" {
				t.Fatalf("round %d: merged SurveyStats.CSI (-ComputeCSI +got):\n%s", round, diff)
			}
			if f == nil && want.Index != nil {
				defined++
			}
		}
		want := AdvisorScores(&p, ffv, surveys)
		if diff := cmp.Diff(want, merged.AdvisorScores(&p, ffv), decOpt); diff != "" {
			t.Fatalf("round %d: merged SurveyStats.AdvisorScores (-AdvisorScores +got):\n%s", round, diff)
		}
		for _, a := range want {
			if a.Score != nil {
				scored++
			}
			if a.Advisor == "A3" && len(byAdvisor["A3"]) == 0 {
				unanswered++
			}
		}
	}
	if defined == 0 || defined == 20 || scored == 0 || unanswered == 0 {
		t.Errorf("%d of 20 rounds with a CSI, %d advisors scored, %d without a valid answer: the cases are not covered",
			defined, scored, unanswered)
	}
}
