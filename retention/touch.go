package retention

import (
	"fmt"
	"strings"

	"github.com/rickb777/date"
)

// Touch is a kind of contact with a customer: a follow-up call, a reminder or
// a care message (POLICY.md §10, "Touch names, owners and channels").
type Touch uint8

// The touches of POLICY.md §10.
const (
	SaleFollowup3D      Touch = iota + 1 // delivery + 3 days
	SaleFollowup7D                       // delivery + 7 days, OEM call centre
	SaleFollowup1M                       // delivery + 1 month
	FirstServiceSMS                      // N+14 (N+35 for long-first-service models)
	FirstServiceCall                     // N+21 (N+42)
	MaintenanceDue                       // periodic maintenance due
	MileageMilestone                     // odometer reached a milestone
	InsuranceRenewal                     // 30 days before insurance expiry
	InspectionDue                        // 30 days before the annual inspection
	WarrantyExpiry                       // 30 days before the warranty end
	ServiceFollowup2D                    // pick-up + 2 days
	ServiceFollowup4D                    // pick-up + 4 days after a first service
	Birthday                             // 7 days before the birthday
	Holiday                              // on a holiday of the calendar
	WinterCare                           // once a year
	FirstOwnerKnowledge                  // weekly for first-time buyers
	WeatherAlert                         // on a reported weather event
	SwingCare                            // monthly for swing customers
	LostRecall                           // once per loss episode
	ChurnRiskRecall                      // two missed maintenances
	LostContactCard                      // after three failed phone attempts
)

var touchNames = []string{"", "sale-followup-3d", "sale-followup-7d", "sale-followup-1m",
	"first-service-sms", "first-service-call", "maintenance-due", "mileage-milestone",
	"insurance-renewal", "inspection-due", "warranty-expiry", "service-followup-2d",
	"service-followup-4d", "birthday", "holiday", "winter-care", "first-owner-knowledge",
	"weather-alert", "swing-care", "lost-recall", "churn-risk-recall", "lost-contact-card"}

// String returns the POLICY.md name of t.
func (t Touch) String() string { return enumString("touch", touchNames, t) }

// MarshalText implements encoding.TextMarshaler.
func (t Touch) MarshalText() ([]byte, error) { return enumMarshal("touch", touchNames, t) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Touch) UnmarshalText(b []byte) (err error) {
	*t, err = enumParse[Touch]("touch", touchNames, string(b))
	return err
}

// Touches lists every touch in declaration order.
func Touches() []Touch {
	ts := make([]Touch, 0, len(touchNames)-1)
	for i := 1; i < len(touchNames); i++ {
		ts = append(ts, Touch(i))
	}
	return ts
}

// Task is one piece of work of a day's plan (POLICY.md §10). Its Key is
// stable: the same touch for the same subject and anchor date always has the
// same key, so storing a plan twice stores each task once.
type Task struct {
	Key       string
	Touch     Touch
	Customer  string
	VIN       string // "" for customer-level touches (birthday, holiday, …)
	Anchor    date.Date
	Dealer    string // the dealer whose staff owns it
	Owner     Role
	Channel   Channel
	Window    string // the customer's preferred time for phone tasks, if known
	DueOn     date.Date
	ExpiresOn date.Date
	Priority  int    // 1 highest … 3
	Attempts  int    // failed attempts recorded so far
	Reason    string // the rule that fired, for people
}

// TaskKey returns the idempotency key of a touch for a subject and anchor
// date: "touch/subject/YYYY-MM-DD". The subject is the VIN for vehicle
// touches and the customer id for customer touches.
func TaskKey(t Touch, subject string, anchor date.Date) string {
	var buf [80]byte // most keys fit: one allocation, the string's
	b := append(append(append(buf[:0], t.String()...), '/'), subject...)
	return string(AppendDate(append(b, '/'), anchor))
}

// ParseTaskKey splits a key made by TaskKey into its touch, subject and
// anchor date. The subject may itself contain slashes.
func ParseTaskKey(key string) (Touch, string, date.Date, error) {
	first := strings.IndexByte(key, '/')
	last := strings.LastIndexByte(key, '/')
	if first < 0 || last <= first {
		return 0, "", date.Date{}, invalid("", "task", fmt.Sprintf("malformed task key %q (want touch/subject/YYYY-MM-DD)", key))
	}
	t, err := enumParse[Touch]("touch", touchNames, key[:first])
	if err != nil || t == 0 {
		return 0, "", date.Date{}, invalid("", "task", fmt.Sprintf("task key %q has an unknown touch", key))
	}
	anchor, err := ParseDate(key[last+1:])
	if err != nil {
		return 0, "", date.Date{}, invalid("", "task", fmt.Sprintf("task key %q: %v", key, err))
	}
	return t, key[first+1 : last], anchor, nil
}

// TaskSubject returns what a task key is about: the VIN for vehicle
// touches (a mileage milestone's key names "VIN@30000km"), the customer id
// for customer touches; false for a key ParseTaskKey rejects. Stores file
// contact attempts by it (Logs.CustomerContacts).
func TaskSubject(key string) (string, bool) {
	_, subject, _, err := ParseTaskKey(key)
	if err != nil {
		return "", false
	}
	subject, _, _ = strings.Cut(subject, "@")
	return subject, true
}
