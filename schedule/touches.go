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

// touchSpecs are the rows of POLICY.md §10, by touch: a table, so that
// the planner's look-ups, several per candidate task, are one load each.
var touchSpecs = [...]spec{
	retention.SaleFollowup3D:      {owner: retention.DealerSales, channel: retention.Phone},
	retention.SaleFollowup7D:      {owner: retention.OEMCallCentre, channel: retention.SMS, sampled: true},
	retention.SaleFollowup1M:      {owner: retention.SalesConsultant, channel: retention.Phone},
	retention.FirstServiceSMS:     {owner: retention.OEMCallCentre, channel: retention.SMS},
	retention.FirstServiceCall:    {owner: retention.DealerDCRC, channel: retention.Phone, preferred: true},
	retention.MaintenanceDue:      {owner: retention.DealerDCRC, channel: retention.Phone, preferred: true},
	retention.InspectionDue:       {owner: retention.DealerDCRC, channel: retention.SMS},
	retention.ServiceFollowup2D:   {owner: retention.DealerDCRC, channel: retention.Phone},
	retention.ServiceFollowup4D:   {owner: retention.OEMCallCentre, channel: retention.SMS, sampled: true},
	retention.LostContactCard:     {owner: retention.DealerDCRC, channel: retention.Mail, episode: true},
	retention.LostRecall:          {owner: retention.DealerDCRC, channel: retention.Phone, cat: marketing, rank: 1, episode: true},
	retention.ChurnRiskRecall:     {owner: retention.DealerDCRC, channel: retention.Phone, cat: marketing, rank: 2, episode: true},
	retention.WarrantyExpiry:      {owner: retention.DealerDCRC, channel: retention.Phone, cat: marketing, rank: 3},
	retention.InsuranceRenewal:    {owner: retention.DealerDCRC, channel: retention.Phone, cat: marketing, rank: 4},
	retention.MileageMilestone:    {owner: retention.DealerDCRC, channel: retention.SMS, cat: marketing, rank: 5},
	retention.WeatherAlert:        {owner: retention.DealerDCRC, channel: retention.SMS, cat: care, rank: 6},
	retention.Birthday:            {owner: retention.DealerDCRC, channel: retention.SMS, cat: care, rank: 7},
	retention.Holiday:             {owner: retention.DealerDCRC, channel: retention.SMS, cat: care, rank: 8},
	retention.WinterCare:          {owner: retention.DealerDCRC, channel: retention.SMS, cat: care, rank: 9},
	retention.SwingCare:           {owner: retention.DealerDCRC, channel: retention.SMS, cat: care, rank: 10},
	retention.FirstOwnerKnowledge: {owner: retention.DealerDCRC, channel: retention.SMS, cat: care, rank: 11},
}

// specOf returns the row of POLICY.md §10 for a touch, and for a touch
// outside the table a phone call by the dealer's DCRC.
func specOf(t retention.Touch) spec {
	if int(t) < len(touchSpecs) && touchSpecs[t].owner != 0 {
		return touchSpecs[t]
	}
	return spec{owner: retention.DealerDCRC, channel: retention.Phone}
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
