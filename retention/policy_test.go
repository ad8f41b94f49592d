package retention

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

func TestDefaultPolicyIsValid(t *testing.T) {
	p := DefaultPolicy()
	if err := p.Validate(); err != nil {
		t.Fatalf("DefaultPolicy().Validate() = %v", err)
	}
}

func TestDefaultPolicyIsFresh(t *testing.T) {
	a := DefaultPolicy()
	a.Service.MilestonesKm[0] = 1
	a.Status.LossReasons[0] = "changed"
	b := DefaultPolicy()
	if b.Service.MilestonesKm[0] != 30_000 || b.Status.LossReasons[0] != "price" {
		t.Error("DefaultPolicy shares slices between calls")
	}
}

func TestPolicyValidate(t *testing.T) {
	dec := decimal.RequireFromString
	tests := []struct {
		name   string
		change func(p *Policy)
		want   []string
	}{
		{"zero months", func(p *Policy) { p.Lifecycle.NewCarMonths = 0 }, []string{"policy: lifecycle.newCarMonths"}},
		{"negative interval", func(p *Policy) { p.Service.IntervalKm = -5000 }, []string{"policy: service.intervalKm"}},
		{"sample rate above 1", func(p *Policy) { p.Followups.SalePhoneRate = dec("1.1") }, []string{"policy: followups.salePhoneRate"}},
		{"sample rate below 0", func(p *Policy) { p.Followups.ServicePhoneRate = dec("-0.1") }, []string{"policy: followups.servicePhoneRate"}},
		{"sample rates 0 and 1 are valid", func(p *Policy) {
			p.Followups.SalePhoneRate = dec("0")
			p.Followups.ServicePhoneRate = dec("1")
		}, nil},
		{"active window longer than lost window", func(p *Policy) { p.Status.ActiveRecentMonths = 7 }, []string{"policy: status.activeRecentMonths"}},
		{"active window equal to lost window", func(p *Policy) { p.Status.ActiveRecentMonths = 6 }, nil},
		{"lost window not shorter than effective", func(p *Policy) { p.Status.LostMonths = 12 }, []string{"policy: status.lostMonths"}},
		{"new longer than effective", func(p *Policy) { p.Status.NewMonths = 13 }, []string{"policy: status.newMonths"}},
		{"swing overlaps active", func(p *Policy) { p.Status.SwingMaxVisits = 4 }, []string{"policy: status.swingMaxVisits"}},
		{"replacement before warranty", func(p *Policy) { p.Lifecycle.ReplacementMonths = 36 }, []string{"policy: lifecycle.replacementMonths"}},
		{"milestones not ascending", func(p *Policy) { p.Service.MilestonesKm = []int{30000, 30000} }, []string{"policy: service.milestonesKm[1]"}},
		{"tiers exceed 1", func(p *Policy) { p.Tiers.PotentialShare = dec("0.81") }, []string{"policy: tiers.potentialShare"}},
		{"CSI weights not summing to 1", func(p *Policy) { p.Satisfaction.CSIWeights[0].Weight = dec("0.3") }, []string{"policy: satisfaction.csiWeights"}},
		{"negative weight", func(p *Policy) {
			p.Satisfaction.AdvisorWeights[0].Weight = dec("-0.5")
			p.Satisfaction.AdvisorWeights[1].Weight = dec("1.1")
		}, []string{"policy: satisfaction.advisorWeights[0]"}},
		{"unknown part of the value score", func(p *Policy) {
			p.Tiers.ScoreWeights = []Weight{{"purchase", dec("0.5")}, {"loyalty", dec("0.5")}}
		}, []string{"policy: tiers.scoreWeights[1]"}},
		{"P(alive) threshold above 1", func(p *Policy) { p.Status.ChurnPAliveBelow = dec("1.5") }, []string{"policy: status.churnPAliveBelow"}},
		{"SLA solve before respond", func(p *Policy) { p.Satisfaction.MajorSolve = 30 * time.Minute }, []string{"policy: satisfaction.majorSolve"}},
		{"winter care on Feb 29", func(p *Policy) { p.Care.WinterCareMonth, p.Care.WinterCareDay = time.February, 29 }, []string{"policy: care.winterCareDay"}},
		{"duplicate loss reason", func(p *Policy) { p.Status.LossReasons = append(p.Status.LossReasons, "price") }, []string{"policy: status.lossReasons[8]"}},
		{"default daily km above the plausible maximum", func(p *Policy) { p.Mileage.CommercialDailyKm = 2000 }, []string{"policy: mileage.commercialDailyKm"}},
		{"model override", func(p *Policy) {
			p.Models = map[string]ModelOverride{"M2": {WarrantyKm: -1}, "M1": {DefaultDailyKm: -3}}
		}, []string{"policy: models.M1.defaultDailyKm", "policy: models.M2.warrantyKm"}},
		{"every problem at once", func(p *Policy) {
			p.Lifecycle.WarrantyKm = 0
			p.Plan.ExpiryDays = -1
			p.Satisfaction.ComebackDays = 0
		}, []string{"policy: lifecycle.warrantyKm", "policy: satisfaction.comebackDays", "policy: plan.expiryDays"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			tt.change(&p)
			err := p.Validate()
			if diff := cmp.Diff(tt.want, problemsOf(err)); diff != "" {
				t.Errorf("Validate problems (-want +got):\n%s\nerror: %v", diff, err)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
		})
	}
}

func TestForModel(t *testing.T) {
	p := DefaultPolicy()
	p.Models = map[string]ModelOverride{"M3": {ServiceIntervalKm: 10_000, DefaultDailyKm: 80, DueSoonDays: 21}}
	tests := []struct {
		name  string
		model *Model
		want  ModelRules
	}{
		{"unknown model: passenger defaults", nil, ModelRules{Kind: Passenger, ServiceIntervalKm: 5000,
			ServiceIntervalMonths: 3, FirstServiceKm: 5000, FirstServiceMonths: 3, FirstServiceSMSDays: 14,
			FirstServiceCallDays: 21, WarrantyMonths: 36, WarrantyKm: 100000, ReplacementMonths: 72,
			ReplacementKm: 200000, DefaultRate: Rate{40000, 1000}, DueSoonDays: 14, OverdueDays: 30}},
		{"commercial, long first service, record values", &Model{ID: "M2", Kind: Commercial, LongFirstService: true,
			WarrantyMonths: 24, WarrantyKm: 200_000},
			ModelRules{Kind: Commercial, ServiceIntervalKm: 5000, ServiceIntervalMonths: 3, FirstServiceKm: 5000,
				FirstServiceMonths: 3, FirstServiceSMSDays: 35, FirstServiceCallDays: 42, WarrantyMonths: 24,
				WarrantyKm: 200000, ReplacementMonths: 72, ReplacementKm: 200000, DefaultRate: Rate{150000, 1000},
				DueSoonDays: 14, OverdueDays: 30}},
		{"policy override beats the record", &Model{ID: "M3", Kind: Passenger, ServiceIntervalKm: 7500, DefaultDailyKm: 50},
			ModelRules{Kind: Passenger, ServiceIntervalKm: 10000, ServiceIntervalMonths: 3, FirstServiceKm: 5000,
				FirstServiceMonths: 3, FirstServiceSMSDays: 14, FirstServiceCallDays: 21, WarrantyMonths: 36,
				WarrantyKm: 100000, ReplacementMonths: 72, ReplacementKm: 200000, DefaultRate: Rate{80000, 1000},
				DueSoonDays: 21, OverdueDays: 30}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, p.ForModel(tt.model)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
