package retention

import (
	"fmt"
	"strings"
)

// The enumerations of DATASET.md. Each is a small integer type whose zero
// value means "unset" (Validate rejects it where the field is required); its
// text form is the kebab-case name of DATASET.md, used for JSON and SQL.

// enumString returns the name of e, or a diagnostic for an out-of-range value.
func enumString[E ~uint8](typ string, names []string, e E) string {
	if int(e) < len(names) && e != 0 {
		return names[e]
	}
	if e == 0 {
		return ""
	}
	return fmt.Sprintf("%s(%d)", typ, uint8(e))
}

// enumMarshal is MarshalText for enumerations: the zero value marshals to the
// empty string, an out-of-range value is an error.
func enumMarshal[E ~uint8](typ string, names []string, e E) ([]byte, error) {
	if int(e) >= len(names) {
		return nil, &Error{Kind: ErrInvalid, Msg: fmt.Sprintf("%s(%d) is not a valid %s", typ, uint8(e), typ)}
	}
	return []byte(names[e]), nil
}

// enumParse is UnmarshalText for enumerations. The empty string parses to the
// zero value ("unset"); an unknown name is an ErrInvalid error listing the
// accepted names.
func enumParse[E ~uint8](typ string, names []string, text string) (E, error) {
	i, err := enumIndex(typ, names, text)
	return E(i), err
}

// enumIndex is enumParse's index of text in names. It is not generic, and
// text does not escape (an error keeps a copy), so that UnmarshalText's
// conversion of its bytes, and a caller's conversion of a string to bytes
// for it, need not be copied to the heap: the SQL stores parse enumerations
// of each row so.
func enumIndex(typ string, names []string, text string) (uint8, error) {
	for i, n := range names {
		if n == text {
			return uint8(i), nil
		}
	}
	return 0, &Error{Kind: ErrInvalid, Msg: fmt.Sprintf("unknown %s %q (want one of %s)", typ, strings.Clone(text), strings.Join(names[1:], ", "))}
}

// ModelKind is the kind of a vehicle model; it sets the default daily mileage.
type ModelKind uint8

// The model kinds.
const (
	Passenger ModelKind = iota + 1
	Commercial
)

var modelKindNames = []string{"", "passenger", "commercial"}

// String returns the DATASET.md name of k.
func (k ModelKind) String() string { return enumString("model kind", modelKindNames, k) }

// MarshalText implements encoding.TextMarshaler.
func (k ModelKind) MarshalText() ([]byte, error) { return enumMarshal("model kind", modelKindNames, k) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *ModelKind) UnmarshalText(b []byte) (err error) {
	*k, err = enumParse[ModelKind]("model kind", modelKindNames, string(b))
	return err
}

// CustomerKind is the kind of a customer.
type CustomerKind uint8

// The customer kinds.
const (
	Individual CustomerKind = iota + 1
	Company
	Fleet
)

var customerKindNames = []string{"", "individual", "company", "fleet"}

// String returns the DATASET.md name of k.
func (k CustomerKind) String() string { return enumString("customer kind", customerKindNames, k) }

// MarshalText implements encoding.TextMarshaler.
func (k CustomerKind) MarshalText() ([]byte, error) {
	return enumMarshal("customer kind", customerKindNames, k)
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *CustomerKind) UnmarshalText(b []byte) (err error) {
	*k, err = enumParse[CustomerKind]("customer kind", customerKindNames, string(b))
	return err
}

// Purchase says how a vehicle purchase relates to the customer's earlier ones.
type Purchase uint8

// The purchase kinds.
const (
	FirstPurchase       Purchase = iota + 1 // the customer's first vehicle
	AddOnPurchase                           // an additional vehicle (增购)
	ReplacementPurchase                     // a trade-in replacement (置换)
)

var purchaseNames = []string{"", "first", "add-on", "replacement"}

// String returns the DATASET.md name of p.
func (p Purchase) String() string { return enumString("purchase", purchaseNames, p) }

// MarshalText implements encoding.TextMarshaler.
func (p Purchase) MarshalText() ([]byte, error) { return enumMarshal("purchase", purchaseNames, p) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Purchase) UnmarshalText(b []byte) (err error) {
	*p, err = enumParse[Purchase]("purchase", purchaseNames, string(b))
	return err
}

// VisitKind is the kind of work of a repair order.
type VisitKind uint8

// The visit kinds.
const (
	FirstService   VisitKind = iota + 1 // the first free service (首保/强保)
	Maintenance                         // periodic maintenance (保养)
	WarrantyRepair                      // repair paid by the warranty (索赔)
	Repair                              // paid repair
	BodyPaint                           // body and paint (钣喷)
	Recall                              // recall campaign
	Inspection                          // annual inspection
	OtherVisit                          // anything else
)

var visitKindNames = []string{"", "first-service", "maintenance", "warranty-repair", "repair",
	"body-paint", "recall", "inspection", "other"}

// String returns the DATASET.md name of k.
func (k VisitKind) String() string { return enumString("visit kind", visitKindNames, k) }

// MarshalText implements encoding.TextMarshaler.
func (k VisitKind) MarshalText() ([]byte, error) { return enumMarshal("visit kind", visitKindNames, k) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *VisitKind) UnmarshalText(b []byte) (err error) {
	*k, err = enumParse[VisitKind]("visit kind", visitKindNames, string(b))
	return err
}

// IsMaintenance reports whether the visit counts as a maintenance for the
// periodic-maintenance rule (POLICY.md §4): the first service or a
// periodic maintenance.
func (k VisitKind) IsMaintenance() bool { return k == FirstService || k == Maintenance }

// IsRepair reports whether the visit is a repair for the first-time-fix rate
// (POLICY.md §9): warranty repair, paid repair or body & paint; routine
// maintenance, recalls and inspections are not repairs.
func (k VisitKind) IsRepair() bool { return k == WarrantyRepair || k == Repair || k == BodyPaint }

// Channel is how a customer is contacted.
type Channel uint8

// The contact channels.
const (
	Phone Channel = iota + 1
	SMS
	Mail
	InPerson // DATASET.md "visit": a visit to the customer's address
	App
)

var channelNames = []string{"", "phone", "sms", "mail", "visit", "app"}

// String returns the DATASET.md name of c.
func (c Channel) String() string { return enumString("channel", channelNames, c) }

// MarshalText implements encoding.TextMarshaler.
func (c Channel) MarshalText() ([]byte, error) { return enumMarshal("channel", channelNames, c) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Channel) UnmarshalText(b []byte) (err error) {
	*c, err = enumParse[Channel]("channel", channelNames, string(b))
	return err
}

// Outcome is the result of one contact attempt.
type Outcome uint8

// The contact outcomes.
const (
	Reached Outcome = iota + 1
	NoAnswer
	Busy
	WrongNumber
	Refused
	CallbackLater
	SMSSent
)

var outcomeNames = []string{"", "reached", "no-answer", "busy", "wrong-number", "refused",
	"callback-later", "sms-sent"}

// String returns the DATASET.md name of o.
func (o Outcome) String() string { return enumString("outcome", outcomeNames, o) }

// MarshalText implements encoding.TextMarshaler.
func (o Outcome) MarshalText() ([]byte, error) { return enumMarshal("outcome", outcomeNames, o) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (o *Outcome) UnmarshalText(b []byte) (err error) {
	*o, err = enumParse[Outcome]("outcome", outcomeNames, string(b))
	return err
}

// Closes reports whether the outcome ends the task it was recorded against
// (POLICY.md §10): the customer was reached, refused, or the SMS went out.
// Every other outcome is a failed attempt.
func (o Outcome) Closes() bool { return o == Reached || o == Refused || o == SMSSent }

// Failed reports whether the attempt did not reach the customer at all (no
// answer, busy, wrong number): the attempts that count towards lost-contact
// (POLICY.md §5). Reached, refused and callback-later all reached a person.
func (o Outcome) Failed() bool { return o == NoAnswer || o == Busy || o == WrongNumber }

// Severity is the severity of a complaint; it selects the SLA (POLICY.md §9).
type Severity uint8

// The complaint severities.
const (
	Normal Severity = iota + 1
	Major           // repair error, part quality
)

var severityNames = []string{"", "normal", "major"}

// String returns the DATASET.md name of s.
func (s Severity) String() string { return enumString("severity", severityNames, s) }

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return enumMarshal("severity", severityNames, s) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) (err error) {
	*s, err = enumParse[Severity]("severity", severityNames, string(b))
	return err
}

// Status is the after-sales status of a vehicle or customer (POLICY.md §7).
// The constants are declared best first: a customer's status is the smallest
// of its vehicles' (new > active > regular > swing > lost > dormant > scrapped).
type Status uint8

// The statuses, best first.
const (
	StatusNew      Status = iota + 1 // delivered less than 4 months ago
	StatusActive                     // ≥ 4 visits in 12 months, last within 4 months (售后活跃)
	StatusRegular                    // effective, neither active, swing nor lost
	StatusSwing                      // ≤ 2 visits in 12 months (售后摇摆)
	StatusLost                       // last visit 6 months ago or more (售后流失)
	StatusDormant                    // retained but not effective: long-term loss
	StatusScrapped                   // no longer retained
)

var statusNames = []string{"", "new", "active", "regular", "swing", "lost", "dormant", "scrapped"}

// String returns the DATASET.md name of s.
func (s Status) String() string { return enumString("status", statusNames, s) }

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) { return enumMarshal("status", statusNames, s) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Status) UnmarshalText(b []byte) (err error) {
	*s, err = enumParse[Status]("status", statusNames, string(b))
	return err
}

// Statuses lists every status, best first.
func Statuses() []Status {
	return []Status{StatusNew, StatusActive, StatusRegular, StatusSwing, StatusLost, StatusDormant, StatusScrapped}
}

// Stage is the lifecycle stage of a vehicle (POLICY.md §2).
type Stage uint8

// The lifecycle stages.
const (
	StageNewCar        Stage = iota + 1 // 新车期: the first 3 months
	StageInWarranty                     // before the warranty end
	StageOutOfWarranty                  // after the warranty, before replacement
	StageReplacement                    // 置换期: time for a trade-in offer
	StageScrapped                       // no longer in use
)

var stageNames = []string{"", "new-car", "in-warranty", "out-of-warranty", "replacement", "scrapped"}

// String returns the DATASET.md name of s.
func (s Stage) String() string { return enumString("stage", stageNames, s) }

// MarshalText implements encoding.TextMarshaler.
func (s Stage) MarshalText() ([]byte, error) { return enumMarshal("stage", stageNames, s) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Stage) UnmarshalText(b []byte) (err error) {
	*s, err = enumParse[Stage]("stage", stageNames, string(b))
	return err
}

// Limit says which of a time limit and a mileage limit came first
// ("whichever comes first", POLICY.md §1).
type Limit uint8

// The limits.
const (
	ByTime    Limit = iota + 1 // the time limit came first (or both on the same day)
	ByMileage                  // the mileage limit came first
)

var limitNames = []string{"", "time", "mileage"}

// String returns the DATASET.md name of l ("time" or "mileage").
func (l Limit) String() string { return enumString("limit", limitNames, l) }

// MarshalText implements encoding.TextMarshaler.
func (l Limit) MarshalText() ([]byte, error) { return enumMarshal("limit", limitNames, l) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Limit) UnmarshalText(b []byte) (err error) {
	*l, err = enumParse[Limit]("limit", limitNames, string(b))
	return err
}

// Role is the owner of a task (POLICY.md §10).
type Role uint8

// The owner roles.
const (
	DealerSales     Role = iota + 1 // the dealer's sales follow-up specialist
	SalesConsultant                 // the consultant who sold the vehicle
	DealerDCRC                      // the dealer's customer-relationship centre
	OEMCallCentre                   // the manufacturer's call centre
	ServiceAdvisor                  // the service advisor
)

var roleNames = []string{"", "dealer-sales", "sales-consultant", "dealer-dcrc", "oem-call-centre", "service-advisor"}

// String returns the DATASET.md name of r.
func (r Role) String() string { return enumString("role", roleNames, r) }

// MarshalText implements encoding.TextMarshaler.
func (r Role) MarshalText() ([]byte, error) { return enumMarshal("role", roleNames, r) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Role) UnmarshalText(b []byte) (err error) {
	*r, err = enumParse[Role]("role", roleNames, string(b))
	return err
}

// ComplaintSource is where a complaint came from (POLICY.md §9).
type ComplaintSource uint8

// The complaint sources.
const (
	FromFollowupCall ComplaintSource = iota + 1 // raised during a follow-up call
	FromOnSite                                  // raised at the dealership
	FromOEM                                     // forwarded by the OEM
)

var complaintSourceNames = []string{"", "followup-call", "on-site", "oem-forwarded"}

// String returns the DATASET.md name of s.
func (s ComplaintSource) String() string {
	return enumString("complaint source", complaintSourceNames, s)
}

// MarshalText implements encoding.TextMarshaler.
func (s ComplaintSource) MarshalText() ([]byte, error) {
	return enumMarshal("complaint source", complaintSourceNames, s)
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *ComplaintSource) UnmarshalText(b []byte) (err error) {
	*s, err = enumParse[ComplaintSource]("complaint source", complaintSourceNames, string(b))
	return err
}
