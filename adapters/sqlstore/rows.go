package sqlstore

import (
	"github.com/dcrc-go/dcrc/retention"
)

// The column lists and row arguments of every table, in one place.

func datasetRows(ds *retention.Dataset) []*rows {
	return []*rows{
		{table: "dealers", cols: []string{"id", "name", "region"}, n: len(ds.Dealers),
			row: func(i int, a []any) ([]any, error) {
				x := &ds.Dealers[i]
				return append(a, x.ID, x.Name, x.Region), nil
			}},
		{table: "models", cols: []string{"id", "series", "kind", "service_interval_km", "service_interval_months",
			"warranty_months", "warranty_km", "long_first_service", "default_daily_km"}, n: len(ds.Models),
			row: func(i int, a []any) ([]any, error) {
				x := &ds.Models[i]
				kind, err := textArg(x.Kind)
				return append(a, x.ID, x.Series, kind, x.ServiceIntervalKm, x.ServiceIntervalMonths, x.WarrantyMonths,
					x.WarrantyKm, x.LongFirstService, x.DefaultDailyKm), err
			}},
		{table: "customers", cols: []string{"id", "name", "phone", "birthday", "kind", "vip", "region", "do_not_contact",
			"referrals", "allow_service_followups", "part"}, n: len(ds.Customers),
			row: func(i int, a []any) ([]any, error) {
				x := &ds.Customers[i]
				kind, err := textArg(x.Kind)
				return append(a, x.ID, x.Name, x.Phone, optDateArg(x.Birthday), kind, x.VIP, x.Region, x.DoNotContact,
					x.Referrals, x.AllowServiceFollowups, partOf(x.ID)), err
			}},
		{table: "vehicles", cols: []string{"vin", "customer", "model", "dealer", "delivered_on", "delivery_odometer_km",
			"sales_consultant", "price", "purchase", "scrapped", "insurance_expires_on", "inspection_due_on", "part"},
			n: len(ds.Vehicles),
			row: func(i int, a []any) ([]any, error) {
				x := &ds.Vehicles[i]
				purchase, err := textArg(x.Purchase)
				return append(a, x.VIN, x.Customer, x.Model, x.Dealer, dateArg(x.DeliveredOn), x.DeliveryOdometerKm,
					x.SalesConsultant, x.Price.String(), purchase, x.Scrapped, optDateArg(x.InsuranceExpiresOn),
					optDateArg(x.InspectionDueOn), partOf(x.Customer)), err
			}},
		{table: "visits", cols: []string{"id", "vin", "dealer", "opened_on", "closed_on", "odometer_km", "kind", "advisor",
			"technician", "complaint_codes", "amount"}, n: len(ds.Visits),
			row: func(i int, a []any) ([]any, error) {
				x := &ds.Visits[i]
				kind, err := textArg(x.Kind)
				if err != nil {
					return a, err
				}
				codes := x.ComplaintCodes
				if codes == nil {
					codes = []string{}
				}
				js, err := jsonArg(codes)
				return append(a, x.ID, x.VIN, x.Dealer, dateArg(x.OpenedOn), dateArg(x.ClosedOn), x.OdometerKm, kind,
					x.Advisor, x.Technician, js, x.Amount.String()), err
			}},
		contactRows(ds.Contacts),
		complaintRows(ds.Complaints),
		surveyRows(ds.Surveys),
	}
}

// partOf is the partition hash of a customer, retention.CustomerHash: a
// partition is a range of it (retention.PartitionRange).
func partOf(customer string) int64 { return int64(retention.CustomerHash(customer)) }

func contactRows(cs []retention.Contact) *rows {
	return &rows{table: "contacts", cols: []string{"task", "at", "channel", "outcome", "loss_reason", "preferred_channel",
		"preferred_time", "subject"}, n: len(cs),
		row: func(i int, a []any) ([]any, error) {
			x := &cs[i]
			ch, err1 := textArg(x.Channel)
			out, err2 := textArg(x.Outcome)
			pref, err3 := textArg(x.PreferredChannel)
			subject, _ := retention.TaskSubject(x.Task) // "" for a key about nothing
			return append(a, x.Task, instantArg(x.At), ch, out, x.LossReason, pref, x.PreferredTime, subject),
				firstErr(err1, err2, err3)
		}}
}

func complaintRows(cs []retention.Complaint) *rows {
	return &rows{table: "complaints", cols: []string{"id", "customer", "vin", "severity", "category", "source",
		"received_at", "acknowledged_at", "solved_at", "closed_at"}, n: len(cs),
		row: func(i int, a []any) ([]any, error) {
			x := &cs[i]
			sev, err1 := textArg(x.Severity)
			src, err2 := textArg(x.Source)
			return append(a, x.ID, x.Customer, x.VIN, sev, x.Category, src, instantArg(x.ReceivedAt),
				optInstantArg(x.AcknowledgedAt), optInstantArg(x.SolvedAt), optInstantArg(x.ClosedAt)), firstErr(err1, err2)
		}}
}

func surveyRows(ss []retention.Survey) *rows {
	return &rows{table: "surveys", cols: []string{"customer", "touch", "at", "answers", "recommend", "advisor"}, n: len(ss),
		row: func(i int, a []any) ([]any, error) {
			x := &ss[i]
			touch, err1 := textArg(x.Touch)
			answers := x.Answers
			if answers == nil {
				answers = map[string]int{}
			}
			js, err2 := jsonArg(answers)
			var rec any
			if x.Recommend != nil {
				rec = *x.Recommend
			}
			return append(a, x.Customer, touch, instantArg(x.At), js, rec, x.Advisor), firstErr(err1, err2)
		}}
}

// taskCols are the columns taskRows writes.
var taskCols = []string{"key", "touch", "customer", "vin", "anchor", "dealer", "owner", "channel",
	"time_window", "due_on", "expires_on", "priority", "attempts", "reason"}

// taskRows writes tasks; ts[0] is the save's task number first, which
// names a task without a key in an error.
func taskRows(ts []retention.Task, first int) *rows {
	return &rows{table: "tasks", cols: taskCols, n: len(ts),
		suffix: "ON CONFLICT (key) DO NOTHING",
		row: func(i int, a []any) ([]any, error) {
			x := &ts[i]
			touch, err1 := textArg(x.Touch)
			owner, err2 := textArg(x.Owner)
			ch, err3 := textArg(x.Channel)
			if f := firstField(field{"touch", err1}, field{"owner", err2}, field{"channel", err3}); f != nil {
				return a, &retention.Error{Kind: retention.ErrInvalid, Op: "sqlstore.SaveTasks",
					Record: retention.RecordName("tasks", x.Key, first+i), Field: f.name, Err: f.err}
			}
			return append(a, x.Key, touch, x.Customer, x.VIN, dateArg(x.Anchor), x.Dealer, owner, ch, x.Window,
				dateArg(x.DueOn), dateArg(x.ExpiresOn), x.Priority, x.Attempts, x.Reason), nil
		}}
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// field is the outcome of reading one field of a record.
type field struct {
	name string
	err  error
}

// firstField returns the first of fs that failed, or nil.
func firstField(fs ...field) *field {
	for i := range fs {
		if fs[i].err != nil {
			return &fs[i]
		}
	}
	return nil
}
