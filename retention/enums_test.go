package retention

import (
	"encoding"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// textEnum is what every enumeration implements.
type textEnum interface {
	fmt.Stringer
	encoding.TextMarshaler
}

// enumCases lists, per enumeration, a fresh zero value to decode into and
// the DATASET.md names in declaration order.
func enumCases() []struct {
	name  string
	names []string
	value func(i int) textEnum
	new   func() encoding.TextUnmarshaler
} {
	type c = struct {
		name  string
		names []string
		value func(i int) textEnum
		new   func() encoding.TextUnmarshaler
	}
	return []c{
		{"model kind", []string{"passenger", "commercial"}, func(i int) textEnum { return ModelKind(i) }, func() encoding.TextUnmarshaler { return new(ModelKind) }},
		{"customer kind", []string{"individual", "company", "fleet"}, func(i int) textEnum { return CustomerKind(i) }, func() encoding.TextUnmarshaler { return new(CustomerKind) }},
		{"purchase", []string{"first", "add-on", "replacement"}, func(i int) textEnum { return Purchase(i) }, func() encoding.TextUnmarshaler { return new(Purchase) }},
		{"visit kind", []string{"first-service", "maintenance", "warranty-repair", "repair", "body-paint", "recall", "inspection", "other"}, func(i int) textEnum { return VisitKind(i) }, func() encoding.TextUnmarshaler { return new(VisitKind) }},
		{"channel", []string{"phone", "sms", "mail", "visit", "app"}, func(i int) textEnum { return Channel(i) }, func() encoding.TextUnmarshaler { return new(Channel) }},
		{"outcome", []string{"reached", "no-answer", "busy", "wrong-number", "refused", "callback-later", "sms-sent"}, func(i int) textEnum { return Outcome(i) }, func() encoding.TextUnmarshaler { return new(Outcome) }},
		{"severity", []string{"normal", "major"}, func(i int) textEnum { return Severity(i) }, func() encoding.TextUnmarshaler { return new(Severity) }},
		{"status", []string{"new", "active", "regular", "swing", "lost", "dormant", "scrapped"}, func(i int) textEnum { return Status(i) }, func() encoding.TextUnmarshaler { return new(Status) }},
		{"stage", []string{"new-car", "in-warranty", "out-of-warranty", "replacement", "scrapped"}, func(i int) textEnum { return Stage(i) }, func() encoding.TextUnmarshaler { return new(Stage) }},
		{"limit", []string{"time", "mileage"}, func(i int) textEnum { return Limit(i) }, func() encoding.TextUnmarshaler { return new(Limit) }},
		{"role", []string{"dealer-sales", "sales-consultant", "dealer-dcrc", "oem-call-centre", "service-advisor"}, func(i int) textEnum { return Role(i) }, func() encoding.TextUnmarshaler { return new(Role) }},
		{"complaint source", []string{"followup-call", "on-site", "oem-forwarded"}, func(i int) textEnum { return ComplaintSource(i) }, func() encoding.TextUnmarshaler { return new(ComplaintSource) }},
		{"touch", []string{"sale-followup-3d", "sale-followup-7d", "sale-followup-1m", "first-service-sms",
			"first-service-call", "maintenance-due", "mileage-milestone", "insurance-renewal", "inspection-due",
			"warranty-expiry", "service-followup-2d", "service-followup-4d", "birthday", "holiday", "winter-care",
			"first-owner-knowledge", "weather-alert", "swing-care", "lost-recall", "churn-risk-recall",
			"lost-contact-card"}, func(i int) textEnum { return Touch(i) }, func() encoding.TextUnmarshaler { return new(Touch) }},
	}
}

func TestEnumNames(t *testing.T) {
	for _, ec := range enumCases() {
		var got []string
		for i := 1; i <= len(ec.names); i++ {
			v := ec.value(i)
			text, err := v.MarshalText()
			if err != nil {
				t.Fatalf("%s(%d).MarshalText: %v", ec.name, i, err)
			}
			if string(text) != v.String() {
				t.Errorf("%s(%d): MarshalText %q != String %q", ec.name, i, text, v.String())
			}
			back := ec.new()
			if err := back.UnmarshalText(text); err != nil {
				t.Fatalf("%s: UnmarshalText(%q): %v", ec.name, text, err)
			}
			if back.(fmt.Stringer).String() != string(text) {
				t.Errorf("%s: %q did not round-trip, got %q", ec.name, text, back)
			}
			got = append(got, string(text))
		}
		if diff := cmp.Diff(ec.names, got); diff != "" {
			t.Errorf("%s names (-DATASET.md +got):\n%s", ec.name, diff)
		}
		// Out of range values marshal to an error, not to garbage.
		if _, err := ec.value(len(ec.names) + 1).MarshalText(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s(%d).MarshalText error = %v, want ErrInvalid", ec.name, len(ec.names)+1, err)
		}
		if err := ec.new().UnmarshalText([]byte("Not-A-Name")); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: UnmarshalText of an unknown name: error = %v, want ErrInvalid", ec.name, err)
		}
	}
}

func TestEnumUnknownNameMessage(t *testing.T) {
	var k Severity
	err := k.UnmarshalText([]byte("minor"))
	want := `unknown severity "minor" (want one of normal, major)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

// FuzzEnumText checks that any text either fails to parse or parses to a value
// whose text is the same: no two names for one value.
func FuzzEnumText(f *testing.F) {
	for _, ec := range enumCases() {
		for _, n := range ec.names {
			f.Add(n)
		}
	}
	f.Add("")
	f.Add("PHONE")
	f.Fuzz(func(t *testing.T, s string) {
		for _, ec := range enumCases() {
			v := ec.new()
			if err := v.UnmarshalText([]byte(s)); err != nil {
				continue
			}
			text, err := v.(encoding.TextMarshaler).MarshalText()
			if err != nil || string(text) != s {
				t.Fatalf("%s: %q parsed but marshals to %q, %v", ec.name, s, text, err)
			}
		}
	})
}

func TestVisitKindPredicates(t *testing.T) {
	var maint, repair []string
	for k := FirstService; k <= OtherVisit; k++ {
		if k.IsMaintenance() {
			maint = append(maint, k.String())
		}
		if k.IsRepair() {
			repair = append(repair, k.String())
		}
	}
	if diff := cmp.Diff([]string{"first-service", "maintenance"}, maint); diff != "" {
		t.Errorf("IsMaintenance (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"warranty-repair", "repair", "body-paint"}, repair); diff != "" {
		t.Errorf("IsRepair (-want +got):\n%s", diff)
	}
	var closes []string
	for o := Reached; o <= SMSSent; o++ {
		if o.Closes() {
			closes = append(closes, o.String())
		}
	}
	if diff := cmp.Diff([]string{"reached", "refused", "sms-sent"}, closes); diff != "" {
		t.Errorf("Closes (-want +got):\n%s", diff)
	}
}

func TestStatusesBestFirst(t *testing.T) {
	got := fmt.Sprint(Statuses())
	if want := "[new active regular swing lost dormant scrapped]"; got != want {
		t.Errorf("Statuses() = %s, want %s", got, want)
	}
}
