package retention

import (
	"fmt"
	"math"
	"time"

	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// Policy holds every number of POLICY.md. The seeds call their thresholds
// provisional ("客户的分类方法为试行"), so none is a constant: start from
// DefaultPolicy, change what the dealer group decided, and let the consumer
// (classify, schedule, satisfaction) validate it when it is built.
//
// Durations are whole days or whole calendar months, named by their unit;
// months are added with AddMonths (clamped to the month end).
type Policy struct {
	Lifecycle    LifecyclePolicy
	Mileage      MileagePolicy
	Service      ServicePolicy
	Followups    FollowupPolicy
	Care         CarePolicy
	Status       StatusPolicy
	Tiers        TierPolicy
	Satisfaction SatisfactionPolicy
	Plan         PlanPolicy

	// Models overrides the numbers above, and those of the Model records, for
	// single models, keyed by Model.ID.
	Models map[string]ModelOverride
}

// LifecyclePolicy is POLICY.md §2.
type LifecyclePolicy struct {
	NewCarMonths      int // new-car stage while D < delivery + 3 months
	WarrantyMonths    int // 36: warranty ends at delivery + 36 months …
	WarrantyKm        int // … or 100,000 km, whichever first
	ReplacementMonths int // 72: replacement stage from delivery + 72 months …
	ReplacementKm     int // … or 200,000 km, whichever first
}

// MileagePolicy is POLICY.md §3.
type MileagePolicy struct {
	LookbackDays        int     // 365: readings of the last 365 days are preferred …
	LookbackMinSpanDays int     // … when at least two of them span ≥ 30 days;
	AllMinSpanDays      int     // 14: else all readings when they span ≥ 14 days;
	PassengerDailyKm    float64 // 40: else the model default, passenger …
	CommercialDailyKm   float64 // 150: … or commercial.
	MaxDailyKm          int     // 1,500: a reading implying more is dropped
}

// ServicePolicy is POLICY.md §4 (maintenance reminders).
type ServicePolicy struct {
	IntervalKm               int   // 5,000 km …
	IntervalMonths           int   // … or 3 months, whichever first
	FirstServiceKm           int   // 5,000 km …
	FirstServiceMonths       int   // … or 3 months after delivery
	FirstServiceSMSDays      int   // 14: OEM SMS at N+14
	FirstServiceCallDays     int   // 21: dealer call at N+21
	LongFirstServiceSMSDays  int   // 35: N+35 for long-first-service models
	LongFirstServiceCallDays int   // 42: N+42
	MaintenanceLeadDays      int   // 0: the reminder is due this many days before the due date
	MilestonesKm             []int // 30,000: one task when the odometer reaches each
	InsuranceLeadDays        int   // 30 days before the insurance expiry
	InspectionLeadDays       int   // 30 days before the inspection due date
	WarrantyExpiryLeadDays   int   // 30 days before the warranty end
	DueSoonDays              int   // 14: urgency "due-soon" this many days before the due date
	OverdueDays              int   // 30: urgency "overdue" more than this many days after it
}

// FollowupPolicy is POLICY.md §5.
type FollowupPolicy struct {
	Sale3Days        int             // 3: sale-followup-3d at delivery + 3 days
	Sale7Days        int             // 7: sale-followup-7d at delivery + 7 days
	Sale1Months      int             // 1: sale-followup-1m at delivery + 1 month
	Service2Days     int             // 2: service-followup-2d at pick-up + 2 days
	Service4Days     int             // 4: service-followup-4d at pick-up + 4 days
	SalePhoneRate    decimal.Decimal // 0.10: share of sale-followup-7d made by phone
	ServicePhoneRate decimal.Decimal // 0.10: share of service-followup-4d made by phone
	MaxAttempts      int             // 3: phone attempts before lost-contact
}

// CarePolicy is POLICY.md §6.
type CarePolicy struct {
	BirthdayBuyerMonths int         // 24: buyers of the last 2 years get a birthday touch …
	BirthdayLeadDays    int         // … 7 days before the birthday
	Holidays            []date.Date // the holiday calendar; empty by default
	WinterCareMonth     time.Month  // 11 …
	WinterCareDay       int         // … 01: the winter-care date each year
	FirstOwnerKnowledge bool        // false: the optional 100-day programme is off
	KnowledgeDays       int         // 100: its length …
	KnowledgeEveryDays  int         // … 7: one touch a week
	SwingCareMonths     int         // 1: swing customers monthly
}

// StatusPolicy is POLICY.md §7.
type StatusPolicy struct {
	EffectiveMonths    int      // 12: delivered or visited within 12 months
	NewMonths          int      // 4: new while delivered less than 4 months ago
	LostMonths         int      // 6: lost when the last visit is 6 months old or more
	VisitWindowMonths  int      // 12: visits are counted within 12 months
	ActiveMinVisits    int      // 4: active with ≥ 4 visits …
	ActiveRecentMonths int      // 4: … and the last within 4 months
	SwingMaxVisits     int      // 2: swing with ≤ 2 visits
	HomeDealerMonths   int      // 24: home dealer = most visits in 24 months
	ChurnGraceDays     int      // 30: a maintenance is missed with no visit within 30 days after due …
	ChurnMissedInRow   int      // 2: … and churn-risk after 2 in a row
	LossReasons        []string // the loss-reason codes of lost-recall results
	// ChurnPAliveBelow: 0 (off): when a churn model gives customers a
	// probability of being alive (classify.Options.PAlive), effective
	// customers below this are flagged churn-risk (004).
	ChurnPAliveBelow decimal.Decimal
}

// TierPolicy is POLICY.md §8.
type TierPolicy struct {
	CoreShare             decimal.Decimal // 0.20: top 20% of a dealer's effective customers
	PotentialShare        decimal.Decimal // 0.30: the next 30%
	FleetAtLeastPotential bool            // true: fleet (group) customers are at least potential
	VIPAtLeastPotential   bool            // true: VIP customers are at least potential

	// ScoreWeights weigh the parts of the value score; they must sum to 1.
	// The parts are "purchase" (the price of the customer's vehicles),
	// "vehicles" (how many), "spend" and "visits" (service of the last 12
	// months) and "referrals". A part left out weighs nothing. Weights count
	// to nine decimal places.
	ScoreWeights []Weight
}

// The parts of the value score (POLICY.md §8), the names of
// TierPolicy.ScoreWeights.
const (
	ScorePurchase  = "purchase"
	ScoreVehicles  = "vehicles"
	ScoreSpend     = "spend"
	ScoreVisits    = "visits"
	ScoreReferrals = "referrals"
)

// SatisfactionPolicy is POLICY.md §9.
type SatisfactionPolicy struct {
	ComebackDays int // 30: a repeat repair within 30 days of pick-up is a comeback

	// CSIWeights are the factor weights of the CSI; they must sum to 1.
	CSIWeights []Weight
	// AdvisorWeights are the weights of the service-advisor score (001); they
	// must sum to 1.
	AdvisorWeights []Weight

	NormalRespond time.Duration // 2 h: first response to a normal complaint
	NormalSolve   time.Duration // 24 h: its solution
	MajorRespond  time.Duration // 1 h: special team on a major complaint
	MajorSolve    time.Duration // 48 h: solution and compensation
}

// Weight is a named weight of a weighted score.
type Weight struct {
	Name   string
	Weight decimal.Decimal
}

// PlanPolicy is POLICY.md §10.
type PlanPolicy struct {
	ExpiryDays int // 7: an open task expires 7 days after it was due
	// RecallExpiryDays: 90: how long the tasks of a loss episode (lost-recall,
	// churn-risk-recall, lost-contact-card) stay open; they are worked
	// until the episode is answered, not for a week.
	RecallExpiryDays int
	// ReturnWindowDays: 30: a reminder counts as effective when the vehicle
	// visits within this many days of its due date.
	ReturnWindowDays int
	CareCapDays      int    // 7: at most one marketing or care touch per customer per 7 days
	Priorities       [3]int // 1, 2, 3: the priority of core, potential and basic customers
}

// ModelOverride overrides policy numbers for one model. A zero field keeps
// the value from the Model record or, failing that, the policy.
type ModelOverride struct {
	ServiceIntervalKm     int
	ServiceIntervalMonths int
	FirstServiceSMSDays   int
	FirstServiceCallDays  int
	WarrantyMonths        int
	WarrantyKm            int
	DefaultDailyKm        float64
	DueSoonDays           int
	OverdueDays           int
}

// DefaultPolicy returns the policy of POLICY.md. Every call returns a new
// value that the caller may change freely.
func DefaultPolicy() Policy {
	d := decimal.RequireFromString
	return Policy{
		Lifecycle: LifecyclePolicy{NewCarMonths: 3, WarrantyMonths: 36, WarrantyKm: 100_000,
			ReplacementMonths: 72, ReplacementKm: 200_000},
		Mileage: MileagePolicy{LookbackDays: 365, LookbackMinSpanDays: 30, AllMinSpanDays: 14,
			PassengerDailyKm: 40, CommercialDailyKm: 150, MaxDailyKm: 1_500},
		Service: ServicePolicy{IntervalKm: 5_000, IntervalMonths: 3, FirstServiceKm: 5_000,
			FirstServiceMonths: 3, FirstServiceSMSDays: 14, FirstServiceCallDays: 21,
			LongFirstServiceSMSDays: 35, LongFirstServiceCallDays: 42, MaintenanceLeadDays: 0,
			MilestonesKm: []int{30_000}, InsuranceLeadDays: 30, InspectionLeadDays: 30,
			WarrantyExpiryLeadDays: 30, DueSoonDays: 14, OverdueDays: 30},
		Followups: FollowupPolicy{Sale3Days: 3, Sale7Days: 7, Sale1Months: 1, Service2Days: 2,
			Service4Days: 4, SalePhoneRate: d("0.10"), ServicePhoneRate: d("0.10"), MaxAttempts: 3},
		Care: CarePolicy{BirthdayBuyerMonths: 24, BirthdayLeadDays: 7, WinterCareMonth: time.November,
			WinterCareDay: 1, KnowledgeDays: 100, KnowledgeEveryDays: 7, SwingCareMonths: 1},
		Status: StatusPolicy{EffectiveMonths: 12, NewMonths: 4, LostMonths: 6, VisitWindowMonths: 12,
			ActiveMinVisits: 4, ActiveRecentMonths: 4, SwingMaxVisits: 2, HomeDealerMonths: 24,
			ChurnGraceDays: 30, ChurnMissedInRow: 2,
			LossReasons: []string{"price", "distance", "service-quality", "moved", "sold",
				"repaired-elsewhere", "low-usage", "other"}},
		Tiers: TierPolicy{CoreShare: d("0.20"), PotentialShare: d("0.30"),
			FleetAtLeastPotential: true, VIPAtLeastPotential: true,
			ScoreWeights: []Weight{{ScorePurchase, d("0.25")}, {ScoreVehicles, d("0.15")},
				{ScoreSpend, d("0.30")}, {ScoreVisits, d("0.20")}, {ScoreReferrals, d("0.10")}}},
		Satisfaction: SatisfactionPolicy{ComebackDays: 30,
			CSIWeights: []Weight{{"service-initiation", d("0.2")}, {"service-advisor", d("0.2")},
				{"facility", d("0.2")}, {"vehicle-pickup", d("0.2")}, {"service-quality", d("0.2")}},
			AdvisorWeights: []Weight{{"comeback-rate", d("0.5")}, {"explanation", d("0.1")},
				{"understanding-needs", d("0.1")}, {"correct-work", d("0.1")}, {"contact-index", d("0.2")}},
			NormalRespond: 2 * time.Hour, NormalSolve: 24 * time.Hour,
			MajorRespond: time.Hour, MajorSolve: 48 * time.Hour},
		Plan: PlanPolicy{ExpiryDays: 7, RecallExpiryDays: 90, ReturnWindowDays: 30, CareCapDays: 7,
			Priorities: [3]int{1, 2, 3}},
	}
}

// Validate reports every invalid field of the policy, named by its path
// ("status.lostMonths"), and every pair of thresholds that contradict each
// other. The errors are ErrInvalid and joined with errors.Join.
func (p *Policy) Validate() error {
	v := problems{record: "policy"}
	l := &p.Lifecycle
	v.positive("lifecycle.newCarMonths", l.NewCarMonths)
	v.positive("lifecycle.warrantyMonths", l.WarrantyMonths)
	v.positive("lifecycle.warrantyKm", l.WarrantyKm)
	v.positive("lifecycle.replacementMonths", l.ReplacementMonths)
	v.positive("lifecycle.replacementKm", l.ReplacementKm)
	if l.ReplacementMonths <= l.WarrantyMonths {
		v.add("lifecycle.replacementMonths", "%d must be more than warrantyMonths %d", l.ReplacementMonths, l.WarrantyMonths)
	}
	if l.ReplacementKm <= l.WarrantyKm {
		v.add("lifecycle.replacementKm", "%d must be more than warrantyKm %d", l.ReplacementKm, l.WarrantyKm)
	}

	m := &p.Mileage
	v.positive("mileage.lookbackDays", m.LookbackDays)
	v.positive("mileage.lookbackMinSpanDays", m.LookbackMinSpanDays)
	v.positive("mileage.allMinSpanDays", m.AllMinSpanDays)
	v.positive("mileage.maxDailyKm", m.MaxDailyKm)
	if m.LookbackMinSpanDays > m.LookbackDays {
		v.add("mileage.lookbackMinSpanDays", "%d is longer than lookbackDays %d", m.LookbackMinSpanDays, m.LookbackDays)
	}
	v.dailyKm("mileage.passengerDailyKm", m.PassengerDailyKm, m.MaxDailyKm)
	v.dailyKm("mileage.commercialDailyKm", m.CommercialDailyKm, m.MaxDailyKm)

	s := &p.Service
	v.positive("service.intervalKm", s.IntervalKm)
	v.positive("service.intervalMonths", s.IntervalMonths)
	v.positive("service.firstServiceKm", s.FirstServiceKm)
	v.positive("service.firstServiceMonths", s.FirstServiceMonths)
	v.positive("service.firstServiceSMSDays", s.FirstServiceSMSDays)
	v.positive("service.firstServiceCallDays", s.FirstServiceCallDays)
	v.positive("service.longFirstServiceSMSDays", s.LongFirstServiceSMSDays)
	v.positive("service.longFirstServiceCallDays", s.LongFirstServiceCallDays)
	v.nonNegative("service.maintenanceLeadDays", s.MaintenanceLeadDays)
	v.nonNegative("service.insuranceLeadDays", s.InsuranceLeadDays)
	v.nonNegative("service.inspectionLeadDays", s.InspectionLeadDays)
	v.nonNegative("service.warrantyExpiryLeadDays", s.WarrantyExpiryLeadDays)
	v.nonNegative("service.dueSoonDays", s.DueSoonDays)
	v.nonNegative("service.overdueDays", s.OverdueDays)
	for i, km := range s.MilestonesKm {
		if km <= 0 || (i > 0 && km <= s.MilestonesKm[i-1]) {
			v.add(fmt.Sprintf("service.milestonesKm[%d]", i), "milestones must be positive and ascending, got %d", km)
		}
	}

	f := &p.Followups
	v.positive("followups.sale3Days", f.Sale3Days)
	v.positive("followups.sale7Days", f.Sale7Days)
	v.positive("followups.sale1Months", f.Sale1Months)
	v.positive("followups.service2Days", f.Service2Days)
	v.positive("followups.service4Days", f.Service4Days)
	v.share("followups.salePhoneRate", f.SalePhoneRate)
	v.share("followups.servicePhoneRate", f.ServicePhoneRate)
	v.positive("followups.maxAttempts", f.MaxAttempts)

	c := &p.Care
	v.positive("care.birthdayBuyerMonths", c.BirthdayBuyerMonths)
	v.nonNegative("care.birthdayLeadDays", c.BirthdayLeadDays)
	if c.WinterCareMonth < time.January || c.WinterCareMonth > time.December ||
		c.WinterCareDay < 1 || c.WinterCareDay > daysIn(2023, c.WinterCareMonth) {
		v.add("care.winterCareDay", "%v %d is not a day of every year", c.WinterCareMonth, c.WinterCareDay)
	}
	v.positive("care.knowledgeDays", c.KnowledgeDays)
	v.positive("care.knowledgeEveryDays", c.KnowledgeEveryDays)
	v.positive("care.swingCareMonths", c.SwingCareMonths)

	st := &p.Status
	v.positive("status.effectiveMonths", st.EffectiveMonths)
	v.positive("status.newMonths", st.NewMonths)
	v.positive("status.lostMonths", st.LostMonths)
	v.positive("status.visitWindowMonths", st.VisitWindowMonths)
	v.positive("status.activeMinVisits", st.ActiveMinVisits)
	v.positive("status.activeRecentMonths", st.ActiveRecentMonths)
	v.nonNegative("status.swingMaxVisits", st.SwingMaxVisits)
	v.positive("status.homeDealerMonths", st.HomeDealerMonths)
	v.nonNegative("status.churnGraceDays", st.ChurnGraceDays)
	v.positive("status.churnMissedInRow", st.ChurnMissedInRow)
	if st.ActiveRecentMonths > st.LostMonths {
		v.add("status.activeRecentMonths", "%d is longer than lostMonths %d: an active vehicle could be lost", st.ActiveRecentMonths, st.LostMonths)
	}
	if st.LostMonths >= st.EffectiveMonths {
		v.add("status.lostMonths", "%d is not shorter than effectiveMonths %d: no visited vehicle could be lost", st.LostMonths, st.EffectiveMonths)
	}
	if st.NewMonths > st.EffectiveMonths {
		v.add("status.newMonths", "%d is longer than effectiveMonths %d: a new vehicle would not be effective", st.NewMonths, st.EffectiveMonths)
	}
	if st.SwingMaxVisits >= st.ActiveMinVisits {
		v.add("status.swingMaxVisits", "%d is not below activeMinVisits %d: a vehicle could be both swing and active", st.SwingMaxVisits, st.ActiveMinVisits)
	}
	v.share("status.churnPAliveBelow", st.ChurnPAliveBelow)
	seen := map[string]bool{}
	for i, r := range st.LossReasons {
		if r == "" || seen[r] {
			v.add(fmt.Sprintf("status.lossReasons[%d]", i), "loss reasons must be distinct and non-empty, got %q", r)
		}
		seen[r] = true
	}

	t := &p.Tiers
	v.share("tiers.coreShare", t.CoreShare)
	v.share("tiers.potentialShare", t.PotentialShare)
	if t.CoreShare.Add(t.PotentialShare).GreaterThan(decimal.NewFromInt(1)) {
		v.add("tiers.potentialShare", "coreShare %s + potentialShare %s exceed 1", t.CoreShare, t.PotentialShare)
	}
	v.weights("tiers.scoreWeights", t.ScoreWeights)
	for i, w := range t.ScoreWeights {
		switch w.Name {
		case ScorePurchase, ScoreVehicles, ScoreSpend, ScoreVisits, ScoreReferrals:
		default:
			v.add(fmt.Sprintf("tiers.scoreWeights[%d]", i), "unknown part %q of the value score", w.Name)
		}
	}

	sa := &p.Satisfaction
	v.positive("satisfaction.comebackDays", sa.ComebackDays)
	v.weights("satisfaction.csiWeights", sa.CSIWeights)
	v.weights("satisfaction.advisorWeights", sa.AdvisorWeights)
	for _, d := range []struct {
		name string
		d    time.Duration
	}{{"satisfaction.normalRespond", sa.NormalRespond}, {"satisfaction.normalSolve", sa.NormalSolve},
		{"satisfaction.majorRespond", sa.MajorRespond}, {"satisfaction.majorSolve", sa.MajorSolve}} {
		if d.d <= 0 {
			v.add(d.name, "must be positive, got %v", d.d)
		}
	}
	if sa.NormalSolve < sa.NormalRespond {
		v.add("satisfaction.normalSolve", "%v is shorter than normalRespond %v", sa.NormalSolve, sa.NormalRespond)
	}
	if sa.MajorSolve < sa.MajorRespond {
		v.add("satisfaction.majorSolve", "%v is shorter than majorRespond %v", sa.MajorSolve, sa.MajorRespond)
	}

	pl := &p.Plan
	v.nonNegative("plan.expiryDays", pl.ExpiryDays)
	v.nonNegative("plan.recallExpiryDays", pl.RecallExpiryDays)
	v.positive("plan.returnWindowDays", pl.ReturnWindowDays)
	v.nonNegative("plan.careCapDays", pl.CareCapDays)
	for i, pr := range pl.Priorities {
		v.positive(fmt.Sprintf("plan.priorities[%d]", i), pr)
	}

	for _, id := range sortedKeys(p.Models) {
		o := p.Models[id]
		pre := "models." + id + "."
		v.nonNegative(pre+"serviceIntervalKm", o.ServiceIntervalKm)
		v.nonNegative(pre+"serviceIntervalMonths", o.ServiceIntervalMonths)
		v.nonNegative(pre+"firstServiceSMSDays", o.FirstServiceSMSDays)
		v.nonNegative(pre+"firstServiceCallDays", o.FirstServiceCallDays)
		v.nonNegative(pre+"warrantyMonths", o.WarrantyMonths)
		v.nonNegative(pre+"warrantyKm", o.WarrantyKm)
		v.nonNegative(pre+"dueSoonDays", o.DueSoonDays)
		v.nonNegative(pre+"overdueDays", o.OverdueDays)
		if o.DefaultDailyKm != 0 {
			v.dailyKm(pre+"defaultDailyKm", o.DefaultDailyKm, m.MaxDailyKm)
		}
	}
	return v.err()
}

func (p *problems) dailyKm(field string, km float64, max int) {
	if !(km > 0) || math.IsInf(km, 0) || km > float64(max) {
		p.add(field, "must be more than 0 and at most maxDailyKm %d, got %v", max, km)
	}
}

func (p *problems) share(field string, d decimal.Decimal) {
	if d.IsNegative() || d.GreaterThan(decimal.NewFromInt(1)) {
		p.add(field, "must be within 0..1, got %s", d)
	}
}

func (p *problems) weights(field string, ws []Weight) {
	if len(ws) == 0 {
		p.add(field, "required")
		return
	}
	sum := decimal.Zero
	seen := map[string]bool{}
	for i, w := range ws {
		if w.Name == "" || seen[w.Name] {
			p.add(fmt.Sprintf("%s[%d]", field, i), "names must be distinct and non-empty, got %q", w.Name)
		}
		seen[w.Name] = true
		if w.Weight.IsNegative() {
			p.add(fmt.Sprintf("%s[%d]", field, i), "weight %s is negative", w.Weight)
		}
		sum = sum.Add(w.Weight)
	}
	if !sum.Equal(decimal.NewFromInt(1)) {
		p.add(field, "weights sum to %s, not 1", sum)
	}
}

// ModelRules are the numbers that apply to the vehicles of one model: the
// policy defaults, overridden by the Model record, overridden by
// Policy.Models. Build them with Policy.ForModel.
type ModelRules struct {
	Kind                  ModelKind
	ServiceIntervalKm     int
	ServiceIntervalMonths int
	FirstServiceKm        int
	FirstServiceMonths    int
	FirstServiceSMSDays   int
	FirstServiceCallDays  int
	WarrantyMonths        int
	WarrantyKm            int
	ReplacementMonths     int
	ReplacementKm         int
	DefaultRate           Rate
	DueSoonDays           int
	OverdueDays           int
}

// ForModel resolves the rules of a model. A nil model (unknown to the
// caller) gets the policy defaults of a passenger model.
func (p *Policy) ForModel(m *Model) ModelRules {
	r := ModelRules{
		Kind:                  Passenger,
		ServiceIntervalKm:     p.Service.IntervalKm,
		ServiceIntervalMonths: p.Service.IntervalMonths,
		FirstServiceKm:        p.Service.FirstServiceKm,
		FirstServiceMonths:    p.Service.FirstServiceMonths,
		FirstServiceSMSDays:   p.Service.FirstServiceSMSDays,
		FirstServiceCallDays:  p.Service.FirstServiceCallDays,
		WarrantyMonths:        p.Lifecycle.WarrantyMonths,
		WarrantyKm:            p.Lifecycle.WarrantyKm,
		ReplacementMonths:     p.Lifecycle.ReplacementMonths,
		ReplacementKm:         p.Lifecycle.ReplacementKm,
		DueSoonDays:           p.Service.DueSoonDays,
		OverdueDays:           p.Service.OverdueDays,
	}
	daily := p.Mileage.PassengerDailyKm
	if m == nil {
		r.DefaultRate = RateOf(daily)
		return r
	}
	if m.Kind == Commercial {
		r.Kind = Commercial
		daily = p.Mileage.CommercialDailyKm
	}
	if m.LongFirstService {
		r.FirstServiceSMSDays = p.Service.LongFirstServiceSMSDays
		r.FirstServiceCallDays = p.Service.LongFirstServiceCallDays
	}
	override(&r.ServiceIntervalKm, m.ServiceIntervalKm)
	override(&r.ServiceIntervalMonths, m.ServiceIntervalMonths)
	override(&r.WarrantyMonths, m.WarrantyMonths)
	override(&r.WarrantyKm, m.WarrantyKm)
	override(&daily, m.DefaultDailyKm)
	if o, ok := p.Models[m.ID]; ok {
		override(&r.ServiceIntervalKm, o.ServiceIntervalKm)
		override(&r.ServiceIntervalMonths, o.ServiceIntervalMonths)
		override(&r.FirstServiceSMSDays, o.FirstServiceSMSDays)
		override(&r.FirstServiceCallDays, o.FirstServiceCallDays)
		override(&r.WarrantyMonths, o.WarrantyMonths)
		override(&r.WarrantyKm, o.WarrantyKm)
		override(&r.DueSoonDays, o.DueSoonDays)
		override(&r.OverdueDays, o.OverdueDays)
		override(&daily, o.DefaultDailyKm)
	}
	r.DefaultRate = RateOf(daily)
	return r
}

// override sets *dst to v when v is not zero.
func override[T int | float64](dst *T, v T) {
	if v != 0 {
		*dst = v
	}
}
