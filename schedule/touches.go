package schedule

import (
	"hash/fnv"

	"github.com/dcrc-go/dcrc/retention"
)

// category sorts touches for the do-not-contact rule and the frequency cap
// (POLICY.md §10).
type category uint8

const (
	service   category = iota // follow-ups and reminders: allowed for do-not-contact customers who allowed them
	marketing                 // offers: never for do-not-contact customers; capped
	care                      // care messages: never for do-not-contact customers; capped
)

// spec is a row of the touch table of POLICY.md §10.
type spec struct {
	owner     retention.Role
	channel   retention.Channel // the channel, or the one used outside the sample
	sampled   bool              // phone for a deterministic sample, the channel above for the rest
	preferred bool              // the customer's preferred channel when known
	cat       category
	rank      int  // among capped touches of one customer, the lower rank goes first
	episode   bool // open for RecallExpiryDays instead of ExpiryDays
}

// specOf returns the row of POLICY.md §10 for a touch.
func specOf(t retention.Touch) spec {
	const (
		sales   = retention.DealerSales
		consult = retention.SalesConsultant
		dcrc    = retention.DealerDCRC
		oem     = retention.OEMCallCentre
		phone   = retention.Phone
		sms     = retention.SMS
	)
	switch t {
	case retention.SaleFollowup3D:
		return spec{owner: sales, channel: phone}
	case retention.SaleFollowup7D:
		return spec{owner: oem, channel: sms, sampled: true}
	case retention.SaleFollowup1M:
		return spec{owner: consult, channel: phone}
	case retention.FirstServiceSMS:
		return spec{owner: oem, channel: sms}
	case retention.FirstServiceCall:
		return spec{owner: dcrc, channel: phone, preferred: true}
	case retention.MaintenanceDue:
		return spec{owner: dcrc, channel: phone, preferred: true}
	case retention.InspectionDue:
		return spec{owner: dcrc, channel: sms}
	case retention.ServiceFollowup2D:
		return spec{owner: dcrc, channel: phone}
	case retention.ServiceFollowup4D:
		return spec{owner: oem, channel: sms, sampled: true}
	case retention.LostContactCard:
		return spec{owner: dcrc, channel: retention.Mail, episode: true}
	case retention.LostRecall:
		return spec{owner: dcrc, channel: phone, cat: marketing, rank: 1, episode: true}
	case retention.ChurnRiskRecall:
		return spec{owner: dcrc, channel: phone, cat: marketing, rank: 2, episode: true}
	case retention.WarrantyExpiry:
		return spec{owner: dcrc, channel: phone, cat: marketing, rank: 3}
	case retention.InsuranceRenewal:
		return spec{owner: dcrc, channel: phone, cat: marketing, rank: 4}
	case retention.MileageMilestone:
		return spec{owner: dcrc, channel: sms, cat: marketing, rank: 5}
	case retention.WeatherAlert:
		return spec{owner: dcrc, channel: sms, cat: care, rank: 6}
	case retention.Birthday:
		return spec{owner: dcrc, channel: sms, cat: care, rank: 7}
	case retention.Holiday:
		return spec{owner: dcrc, channel: sms, cat: care, rank: 8}
	case retention.WinterCare:
		return spec{owner: dcrc, channel: sms, cat: care, rank: 9}
	case retention.SwingCare:
		return spec{owner: dcrc, channel: sms, cat: care, rank: 10}
	case retention.FirstOwnerKnowledge:
		return spec{owner: dcrc, channel: sms, cat: care, rank: 11}
	}
	return spec{owner: dcrc, channel: phone}
}

// basisPoints is a sample rate in 1/10,000.
const basisPoints = 10_000

// InSample reports whether a subject is in the phone sample of a touch at a
// rate given in basis points (1,000 = 10%). The choice is a hash of the
// subject and the touch (FNV-1a), so the same subject and touch always land
// on the same side, on every run and every machine (POLICY.md §5).
func InSample(subject string, t retention.Touch, rateBP int) bool {
	h := fnv.New64a()
	h.Write([]byte(subject))
	h.Write([]byte{0})
	h.Write([]byte(t.String()))
	return h.Sum64()%basisPoints < uint64(rateBP)
}

// Subject returns what a task key is about; it is retention.TaskSubject.
//
// Deprecated: use retention.TaskSubject, which stores share.
func Subject(key string) (string, bool) { return retention.TaskSubject(key) }
