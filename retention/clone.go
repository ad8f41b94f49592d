package retention

import (
	"maps"
	"slices"
	"time"
)

// clonePtr returns a copy of *p in new memory, or nil.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Clone returns a deep copy: changing it never changes c.
func (c Customer) Clone() Customer {
	c.Birthday = clonePtr(c.Birthday)
	return c
}

// Clone returns a deep copy: changing it never changes v.
func (v Vehicle) Clone() Vehicle {
	v.InsuranceExpiresOn = clonePtr(v.InsuranceExpiresOn)
	v.InspectionDueOn = clonePtr(v.InspectionDueOn)
	return v
}

// Clone returns a deep copy: changing it never changes v.
func (v Visit) Clone() Visit {
	v.ComplaintCodes = slices.Clone(v.ComplaintCodes)
	return v
}

// Stored returns the contact as stores keep it: At truncated to
// InstantPrecision.
func (c Contact) Stored() Contact {
	c.At = c.At.Truncate(InstantPrecision)
	return c
}

// Stored returns a deep copy as stores keep it: instants truncated to
// InstantPrecision.
func (c Complaint) Stored() Complaint {
	c = c.Clone()
	c.ReceivedAt = c.ReceivedAt.Truncate(InstantPrecision)
	for _, p := range []**time.Time{&c.AcknowledgedAt, &c.SolvedAt, &c.ClosedAt} {
		if *p != nil {
			t := (*p).Truncate(InstantPrecision)
			*p = &t
		}
	}
	return c
}

// Stored returns a deep copy as stores keep it: At truncated to
// InstantPrecision.
func (s Survey) Stored() Survey {
	s = s.Clone()
	s.At = s.At.Truncate(InstantPrecision)
	return s
}

// Clone returns a deep copy: changing it never changes c.
func (c Complaint) Clone() Complaint {
	c.AcknowledgedAt = clonePtr(c.AcknowledgedAt)
	c.SolvedAt = clonePtr(c.SolvedAt)
	c.ClosedAt = clonePtr(c.ClosedAt)
	return c
}

// Clone returns a deep copy: changing it never changes s.
func (s Survey) Clone() Survey {
	s.Answers = maps.Clone(s.Answers)
	s.Recommend = clonePtr(s.Recommend)
	return s
}

// Clone returns a deep copy of the history.
func (h VehicleHistory) Clone() VehicleHistory {
	h.Vehicle = h.Vehicle.Clone()
	vs := make([]Visit, len(h.Visits))
	for i := range h.Visits {
		vs[i] = h.Visits[i].Clone()
	}
	h.Visits = vs
	return h
}
