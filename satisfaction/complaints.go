package satisfaction

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// State is a state of complaint handling (POLICY.md §9, seed 001).
type State uint8

// The states, in the order of the normal flow.
const (
	Received State = iota + 1
	Acknowledged
	InProgress
	Answered
	Escalated
	FollowedUp
	Closed
)

var stateNames = []string{"", "received", "acknowledged", "in-progress", "answered", "escalated", "followed-up", "closed"}

// String returns the kebab-case name of the state.
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// MarshalText implements encoding.TextMarshaler.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// next lists the legal transitions: received → acknowledged → in progress →
// answered → followed-up → closed; an answer the customer does not accept is
// escalated and worked again (escalated → in progress), as is a follow-up
// that finds the customer still unhappy (followed-up → escalated).
func next(s State) []State {
	switch s {
	case Received:
		return []State{Acknowledged}
	case Acknowledged:
		return []State{InProgress}
	case InProgress:
		return []State{Answered}
	case Answered:
		return []State{Escalated, FollowedUp}
	case Escalated:
		return []State{InProgress}
	case FollowedUp:
		return []State{Escalated, Closed}
	}
	return nil
}

// Transition checks a move from one state to another and returns an
// ErrInvalid error for an illegal one.
func Transition(from, to State) error {
	if slices.Contains(next(from), to) {
		return nil
	}
	return &retention.Error{Kind: retention.ErrInvalid, Field: "state",
		Msg: fmt.Sprintf("illegal transition %s → %s", from, to)}
}

// StateOf returns the state a complaint record shows by its instants as of
// now: closed, answered (solved), acknowledged or received.
func StateOf(c *retention.Complaint, now time.Time) State {
	at := func(t *time.Time) bool { return t != nil && !t.After(now) }
	switch {
	case at(c.ClosedAt):
		return Closed
	case at(c.SolvedAt):
		return Answered
	case at(c.AcknowledgedAt):
		return Acknowledged
	}
	return Received
}

// Clock turns an SLA limit into a deadline: the instant when d of counted
// time has passed after from.
type Clock interface {
	Deadline(from time.Time, d time.Duration) time.Time
}

// WallClock counts every hour of every day.
type WallClock struct{}

// Deadline returns from + d.
func (WallClock) Deadline(from time.Time, d time.Duration) time.Time { return from.Add(d) }

// BusinessHours counts only the opening hours of working days.
type BusinessHours struct {
	Location    *time.Location // the dealer's time zone; nil: UTC
	Open, Close time.Duration  // opening hours as offsets from midnight, e.g. 8h30m and 17h30m
	Closed      [7]bool        // by time.Weekday: days without opening hours
	Holidays    []date.Date    // closed days
	holidays    map[date.Date]bool
}

// NewBusinessHours validates business hours: Close after Open, within a
// day, and at least one working weekday.
func NewBusinessHours(b BusinessHours) (*BusinessHours, error) {
	if b.Open < 0 || b.Close <= b.Open || b.Close > 24*time.Hour {
		return nil, retention.Invalid("businessHours", "close", fmt.Sprintf("opening hours %v–%v are not within a day", b.Open, b.Close))
	}
	if !slices.Contains(b.Closed[:], false) {
		return nil, retention.Invalid("businessHours", "closed", "no working weekday")
	}
	if b.Location == nil {
		b.Location = time.UTC
	}
	b.holidays = map[date.Date]bool{}
	for _, h := range b.Holidays {
		b.holidays[h] = true
	}
	return &b, nil
}

// Deadline returns the instant when d of opening hours have passed after
// from.
func (b *BusinessHours) Deadline(from time.Time, d time.Duration) time.Time {
	t := from.In(b.Location)
	for {
		y, m, day := t.Date()
		midnight := time.Date(y, m, day, 0, 0, 0, 0, b.Location)
		if !b.Closed[t.Weekday()] && !b.holidays[date.New(y, m, day)] {
			open, close := midnight.Add(b.Open), midnight.Add(b.Close)
			if t.Before(open) {
				t = open
			}
			if t.Before(close) {
				left := close.Sub(t)
				if d <= left {
					return t.Add(d)
				}
				d -= left
			}
		}
		t = time.Date(y, m, day+1, 0, 0, 0, 0, b.Location)
	}
}

// ClockStatus is the state of one SLA clock.
type ClockStatus uint8

// The clock states.
const (
	Pending  ClockStatus = iota + 1 // not done, deadline not passed
	Met                             // done by the deadline
	Breached                        // done late, or not done and the deadline passed
)

var clockStatusNames = []string{"", "pending", "met", "breached"}

// String returns "pending", "met" or "breached".
func (s ClockStatus) String() string { return clockStatusNames[s] }

// MarshalText implements encoding.TextMarshaler.
func (s ClockStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// SLA is the state of a complaint's two clocks as of an instant: the first
// response (acknowledgedAt) and the solution (solvedAt), each against the
// limit of its severity (normal: 2 h and 24 h; major: 1 h and 48 h).
type SLA struct {
	Complaint string      `json:"complaint"`
	State     State       `json:"state"`
	RespondBy time.Time   `json:"respondBy"`
	Respond   ClockStatus `json:"respond"`
	SolveBy   time.Time   `json:"solveBy"`
	Solve     ClockStatus `json:"solve"`
	// Responded and Solved say whether the steps are done as of the instant.
	Responded bool `json:"responded"`
	Solved    bool `json:"solved"`
}

// Overdue reports whether the complaint is open with a step not done past
// its deadline: no first response after RespondBy, or no solution after
// SolveBy. A step done late is a breach, not overdue.
func (s *SLA) Overdue() bool {
	return s.State != Closed && ((!s.Responded && s.Respond == Breached) || (!s.Solved && s.Solve == Breached))
}

// Complaints evaluates complaints under one validated policy and clock.
type Complaints struct {
	p     *retention.Policy
	clock Clock
}

// NewComplaints returns an evaluator; a nil clock counts wall time.
func NewComplaints(policy *retention.Policy, clock Clock) (*Complaints, error) {
	if err := policy.Validate(); err != nil {
		return nil, err
	}
	if clock == nil {
		clock = WallClock{}
	}
	return &Complaints{p: policy, clock: clock}, nil
}

// Evaluate returns the SLA of one complaint as of now. A limit met exactly on
// its deadline is met; a second later it is breached.
func (cs *Complaints) Evaluate(c *retention.Complaint, now time.Time) SLA {
	sa := &cs.p.Satisfaction
	respond, solve := sa.NormalRespond, sa.NormalSolve
	if c.Severity == retention.Major {
		respond, solve = sa.MajorRespond, sa.MajorSolve
	}
	s := SLA{Complaint: c.ID, State: StateOf(c, now),
		RespondBy: cs.clock.Deadline(c.ReceivedAt, respond), SolveBy: cs.clock.Deadline(c.ReceivedAt, solve)}
	s.Respond = status(c.AcknowledgedAt, s.RespondBy, now)
	s.Solve = status(c.SolvedAt, s.SolveBy, now)
	s.Responded = c.AcknowledgedAt != nil && !c.AcknowledgedAt.After(now)
	s.Solved = c.SolvedAt != nil && !c.SolvedAt.After(now)
	return s
}

func status(done *time.Time, by, now time.Time) ClockStatus {
	switch {
	case done != nil && !done.After(now):
		if done.After(by) {
			return Breached
		}
		return Met
	case now.After(by):
		return Breached
	}
	return Pending
}

// HotSpot counts complaints of one category or source.
type HotSpot struct {
	Key   string          `json:"key"`
	Count retention.Ratio `json:"count"` // of all complaints
}

// ComplaintReport is the complaint handling of a set of complaints as of an
// instant.
type ComplaintReport struct {
	SLAs []SLA `json:"slas"` // by complaint id
	// Breached lists the complaints with a breached clock; Overdue those of
	// them still open (by id).
	Breached []string `json:"breached"`
	Overdue  []string `json:"overdue"`
	// WithinSLA: of the complaints whose two clocks are decided (met or
	// breached), those with both met.
	WithinSLA retention.Ratio `json:"withinSLA"`
	// Hot spots by category and by source, most complaints first.
	ByCategory []HotSpot `json:"byCategory"`
	BySource   []HotSpot `json:"bySource"`
}

// Report evaluates complaints (any order) as of now. Its counts are those
// of a ComplaintStats given the same complaints.
func (cs *Complaints) Report(complaints []retention.Complaint, now time.Time) ComplaintReport {
	rep := ComplaintReport{SLAs: []SLA{}, Breached: []string{}}
	st := cs.NewStats(now)
	for i := range complaints {
		c := &complaints[i]
		if s, ok := st.add(c); ok {
			rep.SLAs = append(rep.SLAs, s)
			if s.breached() {
				rep.Breached = append(rep.Breached, c.ID)
			}
		}
	}
	slices.SortFunc(rep.SLAs, func(a, b SLA) int { return cmp.Compare(a.Complaint, b.Complaint) })
	slices.Sort(rep.Breached)
	sum := st.Report()
	rep.Overdue, rep.WithinSLA, rep.ByCategory, rep.BySource = sum.Overdue, sum.WithinSLA, sum.ByCategory, sum.BySource
	return rep
}

// breached reports whether a clock of the SLA is breached.
func (s *SLA) breached() bool { return s.Respond == Breached || s.Solve == Breached }

// ComplaintSummary is the complaint handling of a set of complaints as of
// an instant, in counts: ComplaintReport's figures without an SLA per
// complaint.
type ComplaintSummary struct {
	Total     int             `json:"total"` // complaints received by the instant
	WithinSLA retention.Ratio `json:"withinSLA"`
	Breached  int             `json:"breached"` // complaints with a breached clock
	// Overdue lists the breached complaints still open, by id.
	Overdue    []string  `json:"overdue"`
	ByCategory []HotSpot `json:"byCategory"`
	BySource   []HotSpot `json:"bySource"`
}

// ComplaintStats accumulates the complaint handling of Complaints.Report
// one complaint at a time, so that a network's complaints can be read as a
// stream, each once: it holds counts and the ids of the overdue
// complaints, not the complaints or their SLAs. Stats of parts of the
// complaints merge (Merge) into the stats of all of them. The zero value
// is not ready for use; make one with Complaints.NewStats.
type ComplaintStats struct {
	cs                   *Complaints
	now                  time.Time
	total, breached      int
	within               retention.Ratio
	overdue              []string
	byCategory, bySource map[string]int64
}

// NewStats returns empty stats of the complaint handling as of now.
func (cs *Complaints) NewStats(now time.Time) *ComplaintStats {
	return &ComplaintStats{cs: cs, now: now, overdue: []string{}, byCategory: map[string]int64{}, bySource: map[string]int64{}}
}

// Add counts complaint c, unless it was received after the stats' instant,
// as Report leaves it out. Each complaint is to be added once.
func (s *ComplaintStats) Add(c *retention.Complaint) { s.add(c) }

// add counts c and returns its SLA, or reports false for a complaint
// received after the instant.
func (s *ComplaintStats) add(c *retention.Complaint) (SLA, bool) {
	if c.ReceivedAt.After(s.now) {
		return SLA{}, false
	}
	sla := s.cs.Evaluate(c, s.now)
	s.total++
	s.byCategory[c.Category]++
	s.bySource[c.Source.String()]++
	if sla.breached() {
		s.breached++
	}
	if sla.Overdue() {
		s.overdue = append(s.overdue, c.ID)
	}
	if sla.Respond != Pending && sla.Solve != Pending {
		s.within.Den++
		if sla.Respond == Met && sla.Solve == Met {
			s.within.Num++
		}
	}
	return sla, true
}

// Merge adds the complaints counted by o, stats of the same policy and
// instant, to s.
func (s *ComplaintStats) Merge(o *ComplaintStats) {
	s.total += o.total
	s.breached += o.breached
	s.within = s.within.Add(o.within)
	s.overdue = append(s.overdue, o.overdue...)
	for k, n := range o.byCategory {
		s.byCategory[k] += n
	}
	for k, n := range o.bySource {
		s.bySource[k] += n
	}
}

// Report returns the summary of the complaints counted so far: the
// overdue ones by id, the hot spots most complaints first (then by key).
func (s *ComplaintStats) Report() ComplaintSummary {
	total := int64(s.total)
	overdue := slices.Clone(s.overdue) // not nil: none is []
	slices.Sort(overdue)
	spots := func(m map[string]int64) []HotSpot {
		keys := slices.Sorted(maps.Keys(m))
		slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(m[b], m[a]) })
		out := make([]HotSpot, 0, len(keys))
		for _, k := range keys {
			out = append(out, HotSpot{Key: k, Count: retention.Ratio{Num: m[k], Den: total}})
		}
		return out
	}
	return ComplaintSummary{Total: s.total, WithinSLA: s.within, Breached: s.breached,
		Overdue: overdue, ByCategory: spots(s.byCategory), BySource: spots(s.bySource)}
}
