package app

import (
	"cmp"
	"errors"
	"iter"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// The report's joins. The report meets each customer in scope once, as
// the plan streams, but the other records its KPIs need come in streams of
// their own, in other orders: the stored reminders (about vehicles), the
// surveys and the complaints (of customers). Rather than hold one side of
// each join in memory by its key until the other comes, the report sorts
// both sides by the key they share in external sorts (spill) and walks
// them together at the end: what it holds is the sorts' limits, whatever
// the size of the network or of its history.

// scoped is a customer in scope, and whether a follow-up call reached it.
type scoped struct {
	id       string
	followed bool
}

// vehicleDays is a vehicle in scope and the days its repair orders were
// opened.
type vehicleDays struct {
	vin  string
	days []date.Date
}

// pastReminder is a reminder of a past day's plan about a vehicle.
type pastReminder struct {
	vin string
	r   reminder
}

// reportSpills are the two sides of the report's joins: the customers in
// scope with their surveys and complaints, by customer id; the vehicles in
// scope with the stored reminders about them, by VIN (the reminders then
// by key, so that one given twice is next to itself).
type reportSpills struct {
	customers  *spill[scoped]
	surveys    *spill[retention.Survey]
	complaints *spill[retention.Complaint]
	vehicles   *spill[vehicleDays]
	reminders  *spill[pastReminder]
}

// newReportSpills returns the report's empty spills, each of e's limit.
func (e *Engine) newReportSpills() *reportSpills {
	limit, dir := e.spillBytes(), e.TempDir
	return &reportSpills{
		customers: newSpill(limit, dir, func(a, b *scoped) int { return cmp.Compare(a.id, b.id) },
			func(b []byte, c *scoped) []byte { return putBool(putString(b, c.id), c.followed) },
			func(d *decoder) scoped { id := d.string(); return scoped{id, d.bool()} }),
		surveys: newSpill(limit, dir, func(a, b *retention.Survey) int { return cmp.Compare(a.Customer, b.Customer) },
			putSurvey, getSurvey),
		complaints: newSpill(limit, dir, func(a, b *retention.Complaint) int {
			return cmp.Or(cmp.Compare(a.Customer, b.Customer), cmp.Compare(a.ID, b.ID))
		}, putComplaint, getComplaint),
		vehicles: newSpill(limit, dir, func(a, b *vehicleDays) int { return cmp.Compare(a.vin, b.vin) },
			func(b []byte, v *vehicleDays) []byte {
				b = putInt(putString(b, v.vin), int64(len(v.days)))
				for _, d := range v.days {
					b = putDate(b, d)
				}
				return b
			},
			func(d *decoder) vehicleDays {
				v := vehicleDays{vin: d.string()}
				n := d.int()
				if n < 0 || n > int64(len(d.b)) { // a day takes a byte at least
					d.fail()
					return v
				}
				if n > 0 {
					v.days = make([]date.Date, n)
				}
				for i := range v.days {
					v.days[i] = d.date()
				}
				return v
			}),
		reminders: newSpill(limit, dir, func(a, b *pastReminder) int {
			return cmp.Or(cmp.Compare(a.vin, b.vin), cmp.Compare(a.r.key, b.r.key))
		},
			func(b []byte, p *pastReminder) []byte {
				b = putString(putString(putString(b, p.vin), p.r.key), p.r.dealer)
				return putInt(putInt(putDate(b, p.r.due), int64(p.r.touch)), int64(p.r.owner))
			},
			func(d *decoder) pastReminder {
				p := pastReminder{vin: d.string()}
				p.r.key, p.r.dealer, p.r.due = d.string(), d.string(), d.date()
				p.r.touch, p.r.owner = retention.Touch(d.int()), retention.Role(d.int())
				return p
			}),
	}
}

// close removes the spills' files.
func (r *reportSpills) close() error {
	return errors.Join(r.customers.Close(), r.surveys.Close(), r.complaints.Close(), r.vehicles.Close(), r.reminders.Close())
}

// putSurvey encodes a survey whole.
func putSurvey(b []byte, s *retention.Survey) []byte {
	b = putInt(putString(b, s.Customer), int64(s.Touch))
	b = putTime(putString(b, s.Advisor), s.At)
	b = putBool(b, s.Recommend != nil)
	if s.Recommend != nil {
		b = putInt(b, int64(*s.Recommend))
	}
	b = putInt(b, int64(len(s.Answers)))
	for q, a := range s.Answers { // in any order: they come back as a map
		b = putInt(putString(b, q), int64(a))
	}
	return b
}

func getSurvey(d *decoder) retention.Survey {
	s := retention.Survey{Customer: d.string(), Touch: retention.Touch(d.int()), Advisor: d.string()}
	s.At = d.time()
	if d.bool() {
		r := int(d.int())
		s.Recommend = &r
	}
	n := d.int()
	if n < 0 || n > int64(len(d.b)) { // an answer takes two bytes at least
		d.fail()
		return s
	}
	if n == 0 {
		return s // no answers: a nil map
	}
	s.Answers = make(map[string]int, n)
	for range n {
		q := d.string()
		s.Answers[q] = int(d.int())
	}
	return s
}

// putComplaint encodes a complaint whole.
func putComplaint(b []byte, c *retention.Complaint) []byte {
	b = putString(putString(putString(b, c.ID), c.Customer), c.VIN)
	b = putInt(putString(putInt(b, int64(c.Severity)), c.Category), int64(c.Source))
	b = putTime(b, c.ReceivedAt)
	for _, t := range []*time.Time{c.AcknowledgedAt, c.SolvedAt, c.ClosedAt} {
		b = putBool(b, t != nil)
		if t != nil {
			b = putTime(b, *t)
		}
	}
	return b
}

func getComplaint(d *decoder) retention.Complaint {
	c := retention.Complaint{ID: d.string(), Customer: d.string(), VIN: d.string(), Severity: retention.Severity(d.int()),
		Category: d.string(), Source: retention.ComplaintSource(d.int()), ReceivedAt: d.time()}
	for _, t := range []**time.Time{&c.AcknowledgedAt, &c.SolvedAt, &c.ClosedAt} {
		if d.bool() {
			at := d.time()
			*t = &at
		}
	}
	return c
}

// putTime encodes an instant with its offset from UTC (time.Time's binary
// encoding); the zone's name is not kept.
func putTime(b []byte, t time.Time) []byte {
	var buf [16]byte // the encoding's length: no allocation
	enc, err := t.AppendBinary(buf[:0])
	if err != nil { // an offset out of its range: keep the instant in UTC
		enc, _ = t.UTC().AppendBinary(buf[:0])
	}
	return append(putInt(b, int64(len(enc))), enc...)
}

func (d *decoder) time() time.Time {
	n := d.int()
	if n < 0 || n > int64(len(d.b)) {
		d.fail()
		return time.Time{}
	}
	var t time.Time
	if err := t.UnmarshalBinary(d.b[:n]); err != nil {
		d.fail()
		return time.Time{}
	}
	d.b = d.b[n:]
	return t
}

// cursor walks a stream sorted by a key alongside another sorted by the
// same key (a merge join).
type cursor[T any] struct {
	next func() (T, error, bool)
	stop func()
	key  func(*T) string
	v    T
	ok   bool
	err  error
}

// pull starts a cursor on seq, whose values are in the order of key.
// Stop it with stop.
func pull[T any](seq iter.Seq2[T, error], key func(*T) string) *cursor[T] {
	c := &cursor[T]{key: key}
	c.next, c.stop = iter.Pull2(seq)
	c.advance()
	return c
}

func (c *cursor[T]) advance() {
	c.v, c.err, c.ok = c.next()
	if c.err != nil {
		c.ok = false
	}
}

// to hands the values whose key comes before key to before (when not nil)
// and those of key to at, in order, and stops at the first after key; it
// returns the stream's error.
func (c *cursor[T]) to(key string, before, at func(*T)) error {
	for c.ok {
		switch k := c.key(&c.v); {
		case k > key:
			return nil
		case k < key:
			if before != nil {
				before(&c.v)
			}
		default:
			at(&c.v)
		}
		c.advance()
	}
	return c.err
}

// rest hands the values left to fn (when not nil) and returns the
// stream's error.
func (c *cursor[T]) rest(fn func(*T)) error {
	for c.ok {
		if fn != nil {
			fn(&c.v)
		}
		c.advance()
	}
	return c.err
}
