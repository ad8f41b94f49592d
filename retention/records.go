package retention

import (
	"time"

	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// The records of DATASET.md. Field comments give the JSON name where it is
// not the obvious one. Optional dates and instants are pointers: nil means
// "not known" (the zero date.Date is 1970-01-01, a real date).

// Dealer is a dealership (a service station of the network).
type Dealer struct {
	ID     string
	Name   string
	Region string // administrative region code, e.g. "320100"
}

// Model is a vehicle model. Its numeric fields override the policy defaults
// for vehicles of the model when they are non-zero (see Policy.ForModel).
type Model struct {
	ID     string
	Series string
	Kind   ModelKind

	ServiceIntervalKm     int     // 0: the policy default (5,000 km)
	ServiceIntervalMonths int     // 0: the policy default (3 months)
	WarrantyMonths        int     // 0: the policy default (36 months)
	WarrantyKm            int     // 0: the policy default (100,000 km)
	LongFirstService      bool    // first-service reminders at N+35/N+42 (POLICY.md §4)
	DefaultDailyKm        float64 // 0: the policy default for the model's kind
}

// Customer is a buyer of one or more vehicles.
type Customer struct {
	ID           string
	Name         string
	Phone        string
	Birthday     *date.Date // nil when not known
	Kind         CustomerKind
	VIP          bool
	Region       string
	DoNotContact bool // no marketing or care touch (POLICY.md §10)
	Referrals    int  // customers this one brought in; part of the value score (POLICY.md §8)
	// AllowServiceFollowups lets a do-not-contact customer still get the
	// service follow-ups and reminders (POLICY.md §10).
	AllowServiceFollowups bool
}

// HasContactData reports whether the customer can be reached at all: the
// "valid contact data" of the customer total (POLICY.md §7).
func (c *Customer) HasContactData() bool { return c.Phone != "" }

// Vehicle is a vehicle sold to a customer.
type Vehicle struct {
	VIN                string
	Customer           string // the owner's Customer.ID
	Model              string // Model.ID
	Dealer             string // the selling Dealer.ID
	DeliveredOn        date.Date
	DeliveryOdometerKm int
	SalesConsultant    string
	Price              decimal.Decimal
	Purchase           Purchase
	Scrapped           bool       // no longer in use
	InsuranceExpiresOn *date.Date // nil when not known
	InspectionDueOn    *date.Date // nil when not known
}

// Visit is a repair order: one entry of a vehicle into a service station.
type Visit struct {
	ID             string
	VIN            string
	Dealer         string // the Dealer.ID of the station
	OpenedOn       date.Date
	ClosedOn       date.Date // the pick-up date
	OdometerKm     int       // read when the order was opened; 0 when not recorded
	Kind           VisitKind
	Advisor        string
	Technician     string
	ComplaintCodes []string
	Amount         decimal.Decimal
}

// Contact is one attempt to reach a customer for a task, and its outcome.
// Contacts are append-only: a later attempt never overwrites an earlier one.
type Contact struct {
	Task       string // the Task.Key it was made for
	At         time.Time
	Channel    Channel
	Outcome    Outcome
	LossReason string // for lost-recall tasks: a code of Policy.LossReasons; "" if none

	// What the sale follow-up learned (POLICY.md §5): how and when the
	// customer wants to be contacted. Zero and "" when not asked.
	PreferredChannel Channel
	PreferredTime    string // free text, e.g. "18:00-20:00"
}

// Complaint is a customer complaint and the instants of its handling.
type Complaint struct {
	ID             string
	Customer       string
	VIN            string // "" when the complaint is about no particular vehicle
	Severity       Severity
	Category       string // free text, e.g. "waiting-time"
	Source         ComplaintSource
	ReceivedAt     time.Time
	AcknowledgedAt *time.Time
	SolvedAt       *time.Time
	ClosedAt       *time.Time
}

// Survey is a customer's answers to the questions of one touch, each on the
// 1–5 scale (1 very dissatisfied … 5 very satisfied).
type Survey struct {
	Customer string
	Touch    Touch
	At       time.Time
	Answers  map[string]int // question id → score
	// Recommend is the answer to "would you recommend us?" on the 0–10 NPS
	// scale; nil when not asked.
	Recommend *int
	// Advisor is the service advisor the survey is about, when it follows a
	// repair order; "" otherwise.
	Advisor string
}
