package retention

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// The JSON interchange format of DATASET.md. Decoding is strict where the
// date library and encoding/json are lax: dates must be real YYYY-MM-DD
// dates, money a plain decimal string, enumerations their kebab-case names;
// every error names the record and the field. Unknown fields are ignored, as
// DATASET.md lets fields be added.

type wireDataset struct {
	Dealers    []json.RawMessage `json:"dealers"`
	Models     []json.RawMessage `json:"models"`
	Customers  []json.RawMessage `json:"customers"`
	Vehicles   []json.RawMessage `json:"vehicles"`
	Visits     []json.RawMessage `json:"visits"`
	Contacts   []json.RawMessage `json:"contacts"`
	Complaints []json.RawMessage `json:"complaints"`
	Surveys    []json.RawMessage `json:"surveys"`
}

type wireDealer struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Region string `json:"region,omitempty"`
}

type wireModel struct {
	ID                    string  `json:"id"`
	Series                string  `json:"series,omitempty"`
	Kind                  string  `json:"kind"`
	ServiceIntervalKm     int     `json:"serviceIntervalKm,omitempty"`
	ServiceIntervalMonths int     `json:"serviceIntervalMonths,omitempty"`
	WarrantyMonths        int     `json:"warrantyMonths,omitempty"`
	WarrantyKm            int     `json:"warrantyKm,omitempty"`
	LongFirstService      bool    `json:"longFirstService"`
	DefaultDailyKm        float64 `json:"defaultDailyKm,omitempty"`
}

type wireCustomer struct {
	ID           string  `json:"id"`
	Name         string  `json:"name,omitempty"`
	Phone        string  `json:"phone,omitempty"`
	Birthday     *string `json:"birthday"`
	Kind         string  `json:"kind"`
	VIP          bool    `json:"vip"`
	Region       string  `json:"region,omitempty"`
	DoNotContact bool    `json:"doNotContact"`
	Referrals    int     `json:"referrals,omitempty"`
	AllowService bool    `json:"allowServiceFollowups,omitempty"`
}

type wireVehicle struct {
	VIN                string  `json:"vin"`
	Customer           string  `json:"customer"`
	Model              string  `json:"model"`
	Dealer             string  `json:"dealer"`
	DeliveredOn        string  `json:"deliveredOn"`
	DeliveryOdometerKm int     `json:"deliveryOdometerKm"`
	SalesConsultant    string  `json:"salesConsultant,omitempty"`
	Price              string  `json:"price,omitempty"`
	Purchase           string  `json:"purchase"`
	Scrapped           bool    `json:"scrapped"`
	InsuranceExpiresOn *string `json:"insuranceExpiresOn"`
	InspectionDueOn    *string `json:"inspectionDueOn"`
}

type wireVisit struct {
	ID             string   `json:"id"`
	VIN            string   `json:"vin"`
	Dealer         string   `json:"dealer"`
	OpenedOn       string   `json:"openedOn"`
	ClosedOn       string   `json:"closedOn,omitempty"`
	OdometerKm     int      `json:"odometerKm"`
	Kind           string   `json:"kind"`
	Advisor        string   `json:"advisor,omitempty"`
	Technician     string   `json:"technician,omitempty"`
	ComplaintCodes []string `json:"complaintCodes"`
	Amount         string   `json:"amount,omitempty"`
}

type wireContact struct {
	Task       string  `json:"task"`
	At         string  `json:"at"`
	Channel    string  `json:"channel"`
	Outcome    string  `json:"outcome"`
	LossReason *string `json:"lossReason"`
	Preferred  string  `json:"preferredChannel,omitempty"`
	PrefTime   string  `json:"preferredTime,omitempty"`
}

type wireComplaint struct {
	ID             string  `json:"id"`
	Customer       string  `json:"customer"`
	VIN            string  `json:"vin,omitempty"`
	Severity       string  `json:"severity"`
	Category       string  `json:"category,omitempty"`
	Source         string  `json:"source,omitempty"`
	ReceivedAt     string  `json:"receivedAt"`
	AcknowledgedAt *string `json:"acknowledgedAt"`
	SolvedAt       *string `json:"solvedAt"`
	ClosedAt       *string `json:"closedAt"`
}

type wireSurvey struct {
	Customer  string         `json:"customer"`
	Touch     string         `json:"touch"`
	At        string         `json:"at"`
	Answers   map[string]int `json:"answers"`
	Recommend *int           `json:"recommend,omitempty"`
	Advisor   string         `json:"advisor,omitempty"`
}

// maxMoneyDigits bounds the length of a money string, so that untrusted
// input cannot build huge decimals.
const maxMoneyDigits = 40

// decoder converts wire values of one record, collecting problems.
type decoder struct{ problems }

func (d *decoder) date(field, s string) date.Date {
	t, err := ParseDate(s)
	if err != nil {
		d.add(field, "%v", err)
	}
	return t
}

func (d *decoder) optDate(field string, s *string) *date.Date {
	if s == nil {
		return nil
	}
	t := d.date(field, *s)
	return &t
}

func (d *decoder) instant(field, s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		d.add(field, "malformed instant %q (want RFC 3339)", s)
	}
	return t
}

func (d *decoder) optInstant(field string, s *string) *time.Time {
	if s == nil {
		return nil
	}
	t := d.instant(field, *s)
	return &t
}

func (d *decoder) money(field, s string) decimal.Decimal {
	if s == "" {
		return decimal.Zero
	}
	if !isPlainDecimal(s) {
		d.add(field, "malformed amount %q (want a decimal string such as \"320.50\")", s)
		return decimal.Zero
	}
	m, err := decimal.NewFromString(s)
	if err != nil {
		d.add(field, "malformed amount %q: %v", s, err)
	}
	return m
}

// isPlainDecimal accepts [-]digits[.digits] of bounded length: no exponent,
// no spaces, no signs elsewhere.
func isPlainDecimal(s string) bool {
	if len(s) == 0 || len(s) > maxMoneyDigits {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	digits := func(p string) bool {
		if p == "" {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
		return true
	}
	return digits(intPart) && (!hasDot || digits(frac))
}

// enum parses an enumeration; an empty string gives def.
func enum[E any, P interface {
	*E
	encoding.TextUnmarshaler
}](d *decoder, field, s string, def E) E {
	if s == "" {
		return def
	}
	var e E
	if err := P(&e).UnmarshalText([]byte(s)); err != nil {
		var re *Error
		if errors.As(err, &re) {
			d.add(field, "%s", re.Msg)
		} else {
			d.add(field, "%v", err)
		}
	}
	return e
}

// unmarshalRecord decodes one record, turning encoding/json's errors into
// errors naming the record and field.
func unmarshalRecord(raw json.RawMessage, collection string, index int, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		var id struct {
			ID  string `json:"id"`
			VIN string `json:"vin"`
		}
		_ = json.Unmarshal(raw, &id) // best effort, to name the record
		key := id.ID
		if collection == "vehicles" {
			key = id.VIN
		}
		rec := RecordName(collection, key, index)
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return invalid(rec, te.Field, fmt.Sprintf("wrong JSON type: got %s, want %s", te.Value, te.Type))
		}
		return invalid(rec, "", err.Error())
	}
	return nil
}

// DecodeDataset reads a dataset in the JSON format of DATASET.md and
// validates it (Dataset.Validate). Omitted enumerations take their DATASET.md
// defaults (model passenger, customer individual, purchase first, severity
// normal); an omitted closedOn is the openedOn. On any error it returns no
// dataset and an ErrInvalid error naming every bad record and field.
func DecodeDataset(r io.Reader) (*Dataset, error) {
	dec := json.NewDecoder(r)
	var w wireDataset
	if err := dec.Decode(&w); err != nil {
		return nil, &Error{Kind: ErrInvalid, Msg: "malformed dataset JSON", Err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{Kind: ErrInvalid, Msg: "malformed dataset JSON: data after the document"}
	}
	ds := &Dataset{
		Dealers:    make([]Dealer, len(w.Dealers)),
		Models:     make([]Model, len(w.Models)),
		Customers:  make([]Customer, len(w.Customers)),
		Vehicles:   make([]Vehicle, len(w.Vehicles)),
		Visits:     make([]Visit, len(w.Visits)),
		Contacts:   make([]Contact, len(w.Contacts)),
		Complaints: make([]Complaint, len(w.Complaints)),
		Surveys:    make([]Survey, len(w.Surveys)),
	}
	var errs []error
	each := func(collection string, raws []json.RawMessage, into func(i int, d *decoder) error) {
		for i := range raws {
			d := &decoder{}
			if err := into(i, d); err != nil {
				errs = append(errs, err)
				continue
			}
			errs = append(errs, d.errs...)
		}
	}
	each("dealers", w.Dealers, func(i int, d *decoder) error {
		var x wireDealer
		if err := unmarshalRecord(w.Dealers[i], "dealers", i, &x); err != nil {
			return err
		}
		ds.Dealers[i] = Dealer(x)
		return nil
	})
	each("models", w.Models, func(i int, d *decoder) error {
		var x wireModel
		if err := unmarshalRecord(w.Models[i], "models", i, &x); err != nil {
			return err
		}
		d.record = RecordName("models", x.ID, i)
		ds.Models[i] = Model{ID: x.ID, Series: x.Series, Kind: enum(d, "kind", x.Kind, Passenger),
			ServiceIntervalKm: x.ServiceIntervalKm, ServiceIntervalMonths: x.ServiceIntervalMonths,
			WarrantyMonths: x.WarrantyMonths, WarrantyKm: x.WarrantyKm,
			LongFirstService: x.LongFirstService, DefaultDailyKm: x.DefaultDailyKm}
		return nil
	})
	each("customers", w.Customers, func(i int, d *decoder) error {
		var x wireCustomer
		if err := unmarshalRecord(w.Customers[i], "customers", i, &x); err != nil {
			return err
		}
		d.record = RecordName("customers", x.ID, i)
		ds.Customers[i] = Customer{ID: x.ID, Name: x.Name, Phone: x.Phone,
			Birthday: d.optDate("birthday", x.Birthday), Kind: enum(d, "kind", x.Kind, Individual),
			VIP: x.VIP, Region: x.Region, DoNotContact: x.DoNotContact, Referrals: x.Referrals,
			AllowServiceFollowups: x.AllowService}
		return nil
	})
	each("vehicles", w.Vehicles, func(i int, d *decoder) error {
		var x wireVehicle
		if err := unmarshalRecord(w.Vehicles[i], "vehicles", i, &x); err != nil {
			return err
		}
		d.record = RecordName("vehicles", x.VIN, i)
		ds.Vehicles[i] = Vehicle{VIN: x.VIN, Customer: x.Customer, Model: x.Model, Dealer: x.Dealer,
			DeliveredOn: d.date("deliveredOn", x.DeliveredOn), DeliveryOdometerKm: x.DeliveryOdometerKm,
			SalesConsultant: x.SalesConsultant, Price: d.money("price", x.Price),
			Purchase: enum(d, "purchase", x.Purchase, FirstPurchase), Scrapped: x.Scrapped,
			InsuranceExpiresOn: d.optDate("insuranceExpiresOn", x.InsuranceExpiresOn),
			InspectionDueOn:    d.optDate("inspectionDueOn", x.InspectionDueOn)}
		return nil
	})
	each("visits", w.Visits, func(i int, d *decoder) error {
		var x wireVisit
		if err := unmarshalRecord(w.Visits[i], "visits", i, &x); err != nil {
			return err
		}
		d.record = RecordName("visits", x.ID, i)
		opened := d.date("openedOn", x.OpenedOn)
		closed := opened
		if x.ClosedOn != "" {
			closed = d.date("closedOn", x.ClosedOn)
		}
		ds.Visits[i] = Visit{ID: x.ID, VIN: x.VIN, Dealer: x.Dealer, OpenedOn: opened, ClosedOn: closed,
			OdometerKm: x.OdometerKm, Kind: enum(d, "kind", x.Kind, VisitKind(0)), Advisor: x.Advisor,
			Technician: x.Technician, ComplaintCodes: x.ComplaintCodes, Amount: d.money("amount", x.Amount)}
		return nil
	})
	each("contacts", w.Contacts, func(i int, d *decoder) error {
		var x wireContact
		if err := unmarshalRecord(w.Contacts[i], "contacts", i, &x); err != nil {
			return err
		}
		d.record = RecordName("contacts", "", i)
		c := Contact{Task: x.Task, At: d.instant("at", x.At), Channel: enum(d, "channel", x.Channel, Channel(0)),
			Outcome: enum(d, "outcome", x.Outcome, Outcome(0)), PreferredChannel: enum(d, "preferredChannel", x.Preferred, Channel(0)),
			PreferredTime: x.PrefTime}
		if x.LossReason != nil {
			c.LossReason = *x.LossReason
		}
		ds.Contacts[i] = c
		return nil
	})
	each("complaints", w.Complaints, func(i int, d *decoder) error {
		var x wireComplaint
		if err := unmarshalRecord(w.Complaints[i], "complaints", i, &x); err != nil {
			return err
		}
		d.record = RecordName("complaints", x.ID, i)
		ds.Complaints[i] = Complaint{ID: x.ID, Customer: x.Customer, VIN: x.VIN,
			Severity: enum(d, "severity", x.Severity, Normal), Category: x.Category,
			Source: enum(d, "source", x.Source, ComplaintSource(0)), ReceivedAt: d.instant("receivedAt", x.ReceivedAt),
			AcknowledgedAt: d.optInstant("acknowledgedAt", x.AcknowledgedAt),
			SolvedAt:       d.optInstant("solvedAt", x.SolvedAt), ClosedAt: d.optInstant("closedAt", x.ClosedAt)}
		return nil
	})
	each("surveys", w.Surveys, func(i int, d *decoder) error {
		var x wireSurvey
		if err := unmarshalRecord(w.Surveys[i], "surveys", i, &x); err != nil {
			return err
		}
		d.record = RecordName("surveys", "", i)
		ds.Surveys[i] = Survey{Customer: x.Customer, Touch: enum(d, "touch", x.Touch, Touch(0)),
			At: d.instant("at", x.At), Answers: x.Answers, Recommend: x.Recommend, Advisor: x.Advisor}
		return nil
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	return ds, nil
}

// EncodeJSON writes the dataset in the JSON format of DATASET.md, indented,
// in the order of its slices. DecodeDataset reads it back to an equal value.
func (ds *Dataset) EncodeJSON(w io.Writer) error {
	str := func(d *date.Date) *string {
		if d == nil {
			return nil
		}
		s := d.String()
		return &s
	}
	inst := func(t *time.Time) *string {
		if t == nil {
			return nil
		}
		s := t.Format(time.RFC3339Nano)
		return &s
	}
	out := struct {
		Dealers    []wireDealer    `json:"dealers"`
		Models     []wireModel     `json:"models"`
		Customers  []wireCustomer  `json:"customers"`
		Vehicles   []wireVehicle   `json:"vehicles"`
		Visits     []wireVisit     `json:"visits"`
		Contacts   []wireContact   `json:"contacts"`
		Complaints []wireComplaint `json:"complaints"`
		Surveys    []wireSurvey    `json:"surveys"`
	}{}
	for _, x := range ds.Dealers {
		out.Dealers = append(out.Dealers, wireDealer(x))
	}
	for _, x := range ds.Models {
		out.Models = append(out.Models, wireModel{ID: x.ID, Series: x.Series, Kind: x.Kind.String(),
			ServiceIntervalKm: x.ServiceIntervalKm, ServiceIntervalMonths: x.ServiceIntervalMonths,
			WarrantyMonths: x.WarrantyMonths, WarrantyKm: x.WarrantyKm, LongFirstService: x.LongFirstService,
			DefaultDailyKm: x.DefaultDailyKm})
	}
	for _, x := range ds.Customers {
		out.Customers = append(out.Customers, wireCustomer{ID: x.ID, Name: x.Name, Phone: x.Phone,
			Birthday: str(x.Birthday), Kind: x.Kind.String(), VIP: x.VIP, Region: x.Region,
			DoNotContact: x.DoNotContact, Referrals: x.Referrals, AllowService: x.AllowServiceFollowups})
	}
	for _, x := range ds.Vehicles {
		out.Vehicles = append(out.Vehicles, wireVehicle{VIN: x.VIN, Customer: x.Customer, Model: x.Model,
			Dealer: x.Dealer, DeliveredOn: x.DeliveredOn.String(), DeliveryOdometerKm: x.DeliveryOdometerKm,
			SalesConsultant: x.SalesConsultant, Price: x.Price.String(), Purchase: x.Purchase.String(),
			Scrapped: x.Scrapped, InsuranceExpiresOn: str(x.InsuranceExpiresOn),
			InspectionDueOn: str(x.InspectionDueOn)})
	}
	for _, x := range ds.Visits {
		codes := x.ComplaintCodes
		if codes == nil {
			codes = []string{}
		}
		out.Visits = append(out.Visits, wireVisit{ID: x.ID, VIN: x.VIN, Dealer: x.Dealer,
			OpenedOn: x.OpenedOn.String(), ClosedOn: x.ClosedOn.String(), OdometerKm: x.OdometerKm,
			Kind: x.Kind.String(), Advisor: x.Advisor, Technician: x.Technician, ComplaintCodes: codes,
			Amount: x.Amount.String()})
	}
	for _, x := range ds.Contacts {
		c := wireContact{Task: x.Task, At: x.At.Format(time.RFC3339Nano), Channel: x.Channel.String(),
			Outcome: x.Outcome.String(), Preferred: x.PreferredChannel.String(), PrefTime: x.PreferredTime}
		if x.LossReason != "" {
			c.LossReason = &x.LossReason
		}
		out.Contacts = append(out.Contacts, c)
	}
	for _, x := range ds.Complaints {
		out.Complaints = append(out.Complaints, wireComplaint{ID: x.ID, Customer: x.Customer, VIN: x.VIN,
			Severity: x.Severity.String(), Category: x.Category, Source: x.Source.String(),
			ReceivedAt: x.ReceivedAt.Format(time.RFC3339Nano), AcknowledgedAt: inst(x.AcknowledgedAt),
			SolvedAt: inst(x.SolvedAt), ClosedAt: inst(x.ClosedAt)})
	}
	for _, x := range ds.Surveys {
		out.Surveys = append(out.Surveys, wireSurvey{Customer: x.Customer, Touch: x.Touch.String(),
			At: x.At.Format(time.RFC3339Nano), Answers: x.Answers, Recommend: x.Recommend, Advisor: x.Advisor})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return &Error{Kind: ErrInternal, Op: "retention.EncodeJSON", Err: err}
	}
	_, err := w.Write(buf.Bytes())
	return err
}
