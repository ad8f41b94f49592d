package satisfaction

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/shopspring/decimal"
)

// MeanPlaces is the number of decimal places of mean scores.
const MeanPlaces = 2

// Mean is a mean kept as an exact sum and count; undefined over no cases.
type Mean struct {
	Sum, N int64
}

// Decimal returns Sum/N rounded to places, and false over no cases.
func (m Mean) Decimal(places int32) (decimal.Decimal, bool) {
	return retention.Ratio{Num: m.Sum, Den: m.N}.Decimal(places)
}

// MarshalJSON writes {"n": …, "mean": "3.99"} with a null mean over no cases.
func (m Mean) MarshalJSON() ([]byte, error) {
	out := struct {
		N    int64            `json:"n"`
		Mean *decimal.Decimal `json:"mean"`
	}{N: m.N}
	if d, ok := m.Decimal(MeanPlaces); ok {
		out.Mean = &d
	}
	return json.Marshal(out)
}

// scores counts answers on the 1–5 scale.
type scores struct{ dist [6]int64 }

func (s *scores) add(score int) { s.dist[score]++ }
func (s *scores) merge(o *scores) {
	for i := range s.dist {
		s.dist[i] += o.dist[i]
	}
}
func (s *scores) mean() Mean {
	var m Mean
	for v := 1; v <= 5; v++ {
		m.Sum += int64(v) * s.dist[v]
		m.N += s.dist[v]
	}
	return m
}

// ScoreSummary describes answers on the 1–5 scale (POLICY.md §9): their
// mean S, their distribution (shares adding up to exactly 1) and the share
// of 5s (very satisfied).
type ScoreSummary struct {
	Mean         Mean              `json:"mean"`
	Distribution []decimal.Decimal `json:"distribution"` // shares of 1, 2, 3, 4, 5
	Counts       []int64           `json:"counts"`       // answers of 1, 2, 3, 4, 5
	Fives        retention.Ratio   `json:"fives"`
}

func (s *scores) summary() ScoreSummary {
	m := s.mean()
	counts := slices.Clone(s.dist[1:])
	return ScoreSummary{Mean: m, Counts: counts, Distribution: retention.Shares(counts, 4),
		Fives: retention.Ratio{Num: s.dist[5], Den: m.N}}
}

// ScoreGroup is the summary of the answers of one touch or question.
type ScoreGroup struct {
	Key     string       `json:"key"`
	Summary ScoreSummary `json:"summary"`
}

// NPS is the net promoter score from the 0–10 recommend answers: promoters
// answer 9–10, detractors 0–6.
type NPS struct {
	Promoters, Passives, Detractors int64
}

// Score returns 100 × (promoters − detractors) / answers, to one decimal
// place, and false with no answers.
func (n NPS) Score() (decimal.Decimal, bool) {
	total := n.Promoters + n.Passives + n.Detractors
	if total == 0 {
		return decimal.Zero, false
	}
	return decimal.NewFromInt(100*(n.Promoters-n.Detractors)).DivRound(decimal.NewFromInt(total), 1), true
}

// MarshalJSON writes the counts and the score (null with no answers).
func (n NPS) MarshalJSON() ([]byte, error) {
	out := struct {
		Promoters  int64            `json:"promoters"`
		Passives   int64            `json:"passives"`
		Detractors int64            `json:"detractors"`
		Score      *decimal.Decimal `json:"score"`
	}{n.Promoters, n.Passives, n.Detractors, nil}
	if s, ok := n.Score(); ok {
		out.Score = &s
	}
	return json.Marshal(out)
}

// SurveyStats accumulates survey answers: for the summaries of Report,
// the CSI (CSI) and the advisors' scores (AdvisorScores), so that a
// network's surveys can be read as a stream, each once, and none held.
// The zero value is ready to use.
type SurveyStats struct {
	all, followed, notFollowed scores
	byTouch, byQuestion        map[string]*scores
	byAdvisor                  map[string]map[string]*scores // by advisor, then question
	nps                        NPS
}

// Add counts one survey. followedUp says whether the customer received a
// follow-up call, for the comparison of 000 (S = 3.99 with
// calls, 3.73 without; see FollowedUpCustomers). Answers outside 1–5 are not counted: validate
// surveys first (retention.Survey.Validate).
func (s *SurveyStats) Add(sv *retention.Survey, followedUp bool) {
	s.makeMaps()
	var advisor map[string]*scores // an advisor with surveys counts, answered or not
	if sv.Advisor != "" {
		advisor = s.advisor(sv.Advisor)
	}
	for q, a := range sv.Answers {
		if a < 1 || a > 5 {
			continue
		}
		s.all.add(a)
		if followedUp {
			s.followed.add(a)
		} else {
			s.notFollowed.add(a)
		}
		group(s.byTouch, sv.Touch.String()).add(a)
		group(s.byQuestion, q).add(a)
		if advisor != nil {
			group(advisor, q).add(a)
		}
	}
	if r := sv.Recommend; r != nil && *r >= 0 && *r <= 10 {
		switch {
		case *r >= 9:
			s.nps.Promoters++
		case *r >= 7:
			s.nps.Passives++
		default:
			s.nps.Detractors++
		}
	}
}

// makeMaps makes the maps of the zero value.
func (s *SurveyStats) makeMaps() {
	if s.byTouch == nil {
		s.byTouch, s.byQuestion, s.byAdvisor = map[string]*scores{}, map[string]*scores{}, map[string]map[string]*scores{}
	}
}

// advisor returns the answers about an advisor, by question.
func (s *SurveyStats) advisor(name string) map[string]*scores {
	m := s.byAdvisor[name]
	if m == nil {
		m = map[string]*scores{}
		s.byAdvisor[name] = m
	}
	return m
}

func group(m map[string]*scores, key string) *scores {
	g := m[key]
	if g == nil {
		g = &scores{}
		m[key] = g
	}
	return g
}

// Merge adds the answers counted by o to s.
func (s *SurveyStats) Merge(o *SurveyStats) {
	s.all.merge(&o.all)
	s.followed.merge(&o.followed)
	s.notFollowed.merge(&o.notFollowed)
	s.makeMaps()
	for k, v := range o.byTouch {
		group(s.byTouch, k).merge(v)
	}
	for k, v := range o.byQuestion {
		group(s.byQuestion, k).merge(v)
	}
	for a, qs := range o.byAdvisor {
		m := s.advisor(a)
		for q, v := range qs {
			group(m, q).merge(v)
		}
	}
	s.nps.Promoters += o.nps.Promoters
	s.nps.Passives += o.nps.Passives
	s.nps.Detractors += o.nps.Detractors
}

// SurveyReport summarises the answers overall, by touch and by question
// (ordered by key), for customers with and without follow-up calls, and the
// NPS.
type SurveyReport struct {
	All           ScoreSummary `json:"all"`
	ByTouch       []ScoreGroup `json:"byTouch"`
	ByQuestion    []ScoreGroup `json:"byQuestion"`
	FollowedUp    ScoreSummary `json:"followedUp"`
	NotFollowedUp ScoreSummary `json:"notFollowedUp"`
	NPS           NPS          `json:"nps"`
}

// Report returns the summary of the answers counted so far.
func (s *SurveyStats) Report() SurveyReport {
	groups := func(m map[string]*scores) []ScoreGroup {
		out := []ScoreGroup{}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out = append(out, ScoreGroup{Key: k, Summary: m[k].summary()})
		}
		return out
	}
	return SurveyReport{All: s.all.summary(), ByTouch: groups(s.byTouch), ByQuestion: groups(s.byQuestion),
		FollowedUp: s.followed.summary(), NotFollowedUp: s.notFollowed.summary(), NPS: s.nps}
}

// FollowedUpCustomers returns the customers reached by a follow-up call (a reached
// contact on a sale or service follow-up task) among contacts; vehicles map
// the VINs of vehicle tasks to their customers.
func FollowedUpCustomers(contacts []retention.Contact, vehicles []retention.Vehicle) map[string]bool {
	owner := make(map[string]string, len(vehicles))
	for i := range vehicles {
		owner[vehicles[i].VIN] = vehicles[i].Customer
	}
	out := map[string]bool{}
	for i := range contacts {
		c := &contacts[i]
		if c.Outcome != retention.Reached {
			continue
		}
		touch, subject, _, err := retention.ParseTaskKey(c.Task)
		if err != nil || !strings.Contains(touch.String(), "followup") {
			continue
		}
		if cust, ok := owner[subject]; ok {
			out[cust] = true
		} else {
			out[subject] = true
		}
	}
	return out
}

// FactorScore is one factor of the CSI on the 0–1000 scale.
type FactorScore struct {
	Factor string           `json:"factor"`
	Weight decimal.Decimal  `json:"weight"`
	Mean   Mean             `json:"mean"`  // of its answers on 1–5
	Score  *decimal.Decimal `json:"score"` // 1000 × (mean − 1) / 4; nil without answers
}

// CSI is the customer satisfaction index of POLICY.md §9.
type CSI struct {
	Factors []FactorScore `json:"factors"`
	// Index is the weighted mean of the factor scores on the 0–1000 scale,
	// to one decimal place; nil when a factor with weight has no answers.
	Index *decimal.Decimal `json:"index"`
}

// ComputeCSI scores the factors of SatisfactionPolicy.CSIWeights from the
// survey answers: factorOf maps a question id to its factor; with a nil map
// a question counts for the factor of the same name. It is
// SurveyStats.CSI of stats of the surveys.
func ComputeCSI(policy *retention.Policy, surveys []retention.Survey, factorOf map[string]string) CSI {
	return statsOf(surveys).CSI(policy, factorOf)
}

// statsOf returns the stats of surveys, none of them followed up.
func statsOf(surveys []retention.Survey) *SurveyStats {
	var s SurveyStats
	for i := range surveys {
		s.Add(&surveys[i], false)
	}
	return &s
}

// CSI scores the factors of SatisfactionPolicy.CSIWeights from the answers
// counted, as ComputeCSI does from the surveys.
func (s *SurveyStats) CSI(policy *retention.Policy, factorOf map[string]string) CSI {
	per := map[string]*scores{}
	for q, g := range s.byQuestion {
		f := q
		if factorOf != nil {
			f = factorOf[q]
		}
		if f != "" {
			group(per, f).merge(g)
		}
	}
	var out CSI
	index, defined := decimal.Zero, true
	for _, w := range policy.Satisfaction.CSIWeights {
		fs := FactorScore{Factor: w.Name, Weight: w.Weight}
		if g := per[w.Name]; g != nil {
			fs.Mean = g.mean()
		}
		if fs.Mean.N > 0 {
			// 1000 × (S − N) / 4N, exact until the one rounding.
			sc := decimal.NewFromInt(1000 * (fs.Mean.Sum - fs.Mean.N)).Div(decimal.NewFromInt(4 * fs.Mean.N))
			index = index.Add(w.Weight.Mul(sc))
			r := sc.Round(1)
			fs.Score = &r
		} else if !w.Weight.IsZero() {
			defined = false
		}
		out.Factors = append(out.Factors, fs)
	}
	if defined {
		r := index.Round(1)
		out.Index = &r
	}
	return out
}

// AdvisorScore is the service-advisor score of seed 001 on a 0–100 scale.
type AdvisorScore struct {
	Advisor string `json:"advisor"`
	// Components are in 0..1: "comeback-rate" is the advisor's first-time
	// fix rate (1 − comeback rate); every other weight name is the mean
	// answer to the survey question of that name in surveys about the
	// advisor, scaled (mean − 1) / 4.
	Components map[string]decimal.Decimal `json:"components"`
	Missing    []string                   `json:"missing"` // weighted components without data
	Score      *decimal.Decimal           `json:"score"`   // nil when any is missing
}

// AdvisorScores scores every advisor found in the FFV report or the
// surveys, by SatisfactionPolicy.AdvisorWeights, ordered by advisor. It is
// SurveyStats.AdvisorScores of stats of the surveys.
func AdvisorScores(policy *retention.Policy, ffv FFVReport, surveys []retention.Survey) []AdvisorScore {
	return statsOf(surveys).AdvisorScores(policy, ffv)
}

// AdvisorScores scores every advisor found in the FFV report or the
// surveys counted, as the function AdvisorScores does from the surveys.
func (s *SurveyStats) AdvisorScores(policy *retention.Policy, ffv FFVReport) []AdvisorScore {
	answers := s.byAdvisor
	fixed := map[string]retention.Ratio{}
	for _, r := range ffv.ByAdvisor {
		if r.Key != "" {
			fixed[r.Key] = r.FFV
		}
	}
	names := slices.Sorted(maps.Keys(answers))
	for k := range fixed {
		if _, ok := answers[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	out := make([]AdvisorScore, 0, len(names))
	const places = 6
	for _, a := range names {
		as := AdvisorScore{Advisor: a, Components: map[string]decimal.Decimal{}, Missing: []string{}}
		total := decimal.Zero
		for _, w := range policy.Satisfaction.AdvisorWeights {
			var c decimal.Decimal
			var ok bool
			if w.Name == "comeback-rate" {
				c, ok = fixed[a].Decimal(places)
			} else if g := answers[a][w.Name]; g != nil {
				m := g.mean()
				c, ok = retention.Ratio{Num: m.Sum - m.N, Den: 4 * m.N}.Decimal(places)
			}
			if !ok {
				if !w.Weight.IsZero() {
					as.Missing = append(as.Missing, w.Name)
				}
				continue
			}
			as.Components[w.Name] = c
			total = total.Add(w.Weight.Mul(c))
		}
		if len(as.Missing) == 0 {
			s := total.Mul(decimal.NewFromInt(100)).Round(1)
			as.Score = &s
		}
		out = append(out, as)
	}
	return out
}
