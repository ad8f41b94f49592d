package retention

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// problems collects the ErrInvalid errors of one validation so that a caller
// sees every bad field at once, not just the first.
type problems struct {
	record string
	errs   []error
}

func (p *problems) add(field, format string, args ...any) {
	p.errs = append(p.errs, invalid(p.record, field, fmt.Sprintf(format, args...)))
}

func (p *problems) required(field, value string) {
	if value == "" {
		p.add(field, "required")
	}
}

func (p *problems) nonNegative(field string, v int) {
	if v < 0 {
		p.add(field, "must not be negative, got %d", v)
	}
}

func (p *problems) positive(field string, v int) {
	if v <= 0 {
		p.add(field, "must be positive, got %d", v)
	}
}

func (p *problems) money(field string, d decimal.Decimal) {
	if d.IsNegative() {
		p.add(field, "must not be negative, got %s", d)
	}
}

func (p *problems) instant(field string, t time.Time) {
	if t.IsZero() {
		p.add(field, "required")
	}
}

// enum checks that e is one of names (and set, when required).
func enumCheck[E ~uint8](p *problems, field string, names []string, e E, required bool) {
	switch {
	case e == 0 && required:
		p.add(field, "required")
	case int(e) >= len(names):
		p.add(field, "unknown value %d", uint8(e))
	}
}

func (p *problems) err() error { return errors.Join(p.errs...) }

// RecordName returns the name by which errors and findings refer to a record:
// "collection/id", or "collection[index]" for records without an id.
func RecordName(collection, id string, index int) string {
	if id != "" {
		return collection + "/" + id
	}
	return collection + "[" + strconv.Itoa(index) + "]"
}

// Validate reports every invalid field of the dealer.
func (d *Dealer) Validate() error {
	p := problems{record: RecordName("dealers", d.ID, 0)}
	p.required("id", d.ID)
	return p.err()
}

// Validate reports every invalid field of the model. Zero numbers are valid:
// they mean "the policy default".
func (m *Model) Validate() error {
	p := problems{record: RecordName("models", m.ID, 0)}
	p.required("id", m.ID)
	enumCheck(&p, "kind", modelKindNames, m.Kind, true)
	p.nonNegative("serviceIntervalKm", m.ServiceIntervalKm)
	p.nonNegative("serviceIntervalMonths", m.ServiceIntervalMonths)
	p.nonNegative("warrantyMonths", m.WarrantyMonths)
	p.nonNegative("warrantyKm", m.WarrantyKm)
	if m.DefaultDailyKm < 0 || math.IsNaN(m.DefaultDailyKm) || math.IsInf(m.DefaultDailyKm, 0) {
		p.add("defaultDailyKm", "must be a non-negative number, got %v", m.DefaultDailyKm)
	}
	return p.err()
}

// Validate reports every invalid field of the customer.
func (c *Customer) Validate() error {
	p := problems{record: RecordName("customers", c.ID, 0)}
	p.required("id", c.ID)
	enumCheck(&p, "kind", customerKindNames, c.Kind, true)
	p.nonNegative("referrals", c.Referrals)
	return p.err()
}

// Validate reports every invalid field of the vehicle. References to the
// customer, model and dealer are checked by Dataset.Validate.
func (v *Vehicle) Validate() error {
	p := problems{record: RecordName("vehicles", v.VIN, 0)}
	p.required("vin", v.VIN)
	p.required("customer", v.Customer)
	p.required("model", v.Model)
	p.required("dealer", v.Dealer)
	p.nonNegative("deliveryOdometerKm", v.DeliveryOdometerKm)
	p.money("price", v.Price)
	enumCheck(&p, "purchase", purchaseNames, v.Purchase, true)
	return p.err()
}

// Validate reports every invalid field of the visit.
func (v *Visit) Validate() error {
	p := problems{record: RecordName("visits", v.ID, 0)}
	p.required("id", v.ID)
	p.required("vin", v.VIN)
	p.required("dealer", v.Dealer)
	if v.ClosedOn.Before(v.OpenedOn) {
		p.add("closedOn", "%s is before openedOn %s", v.ClosedOn, v.OpenedOn)
	}
	p.nonNegative("odometerKm", v.OdometerKm)
	enumCheck(&p, "kind", visitKindNames, v.Kind, true)
	p.money("amount", v.Amount)
	for i, code := range v.ComplaintCodes {
		if code == "" {
			p.add("complaintCodes", "code %d is empty", i)
		}
	}
	return p.err()
}

// Validate reports every invalid field of the contact; index names it in
// errors, as contacts have no id.
func (c *Contact) Validate(index int) error {
	p := problems{record: RecordName("contacts", "", index)}
	p.required("task", c.Task)
	p.instant("at", c.At)
	enumCheck(&p, "channel", channelNames, c.Channel, true)
	enumCheck(&p, "outcome", outcomeNames, c.Outcome, true)
	enumCheck(&p, "preferredChannel", channelNames, c.PreferredChannel, false)
	return p.err()
}

// Validate reports every invalid field of the complaint: the handling
// instants may not come before the instant it was received.
func (c *Complaint) Validate() error {
	p := problems{record: RecordName("complaints", c.ID, 0)}
	p.required("id", c.ID)
	p.required("customer", c.Customer)
	enumCheck(&p, "severity", severityNames, c.Severity, true)
	enumCheck(&p, "source", complaintSourceNames, c.Source, false)
	p.instant("receivedAt", c.ReceivedAt)
	for _, f := range []struct {
		name string
		at   *time.Time
	}{{"acknowledgedAt", c.AcknowledgedAt}, {"solvedAt", c.SolvedAt}, {"closedAt", c.ClosedAt}} {
		if f.at != nil && f.at.Before(c.ReceivedAt) {
			p.add(f.name, "%s is before receivedAt %s", f.at.Format(time.RFC3339), c.ReceivedAt.Format(time.RFC3339))
		}
	}
	return p.err()
}

// Validate reports every invalid field of the survey: every answer must be on
// the 1–5 scale. index names it in errors, as surveys have no id.
func (s *Survey) Validate(index int) error {
	p := problems{record: RecordName("surveys", "", index)}
	p.required("customer", s.Customer)
	enumCheck(&p, "touch", touchNames, s.Touch, true)
	p.instant("at", s.At)
	for _, q := range sortedKeys(s.Answers) {
		if a := s.Answers[q]; a < 1 || a > 5 {
			p.add("answers."+q, "score %d is outside 1–5", a)
		}
	}
	if r := s.Recommend; r != nil && (*r < 0 || *r > 10) {
		p.add("recommend", "score %d is outside 0–10", *r)
	}
	return p.err()
}
