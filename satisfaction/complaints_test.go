package satisfaction

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
	"github.com/rickb777/date"
)

func TestTransitions(t *testing.T) {
	legal := map[[2]State]bool{
		{Received, Acknowledged}: true, {Acknowledged, InProgress}: true, {InProgress, Answered}: true,
		{Answered, Escalated}: true, {Answered, FollowedUp}: true, {Escalated, InProgress}: true,
		{FollowedUp, Escalated}: true, {FollowedUp, Closed}: true,
	}
	for from := Received; from <= Closed; from++ {
		for to := Received; to <= Closed; to++ {
			err := Transition(from, to)
			if (err == nil) != legal[[2]State{from, to}] {
				t.Errorf("Transition(%s, %s) = %v, legal %v", from, to, err, legal[[2]State{from, to}])
			}
		}
	}
	if err := Transition(Closed, Received); err == nil || err.Error() != "state: illegal transition closed → received" {
		t.Errorf("error = %v", err)
	}
}

var cst = time.FixedZone("CST", 8*3600)

func complaint(id string, sev retention.Severity, received string, ack, solved time.Duration) retention.Complaint {
	at, _ := time.ParseInLocation("2006-01-02T15:04", received, cst)
	c := retention.Complaint{ID: id, Customer: "C1", Severity: sev, Category: "waiting-time",
		Source: retention.FromFollowupCall, ReceivedAt: at}
	if ack >= 0 {
		c.AcknowledgedAt = ptr(at.Add(ack))
	}
	if solved >= 0 {
		c.SolvedAt = ptr(at.Add(solved))
	}
	return c
}

// TestSLABoundaries checks each limit just inside and just outside.
func TestSLABoundaries(t *testing.T) {
	p := retention.DefaultPolicy()
	cs, err := NewComplaints(&p, nil)
	if err != nil {
		t.Fatal(err)
	}
	const none = -1
	s := time.Second
	now := func(c retention.Complaint) time.Time { return c.ReceivedAt.Add(100 * time.Hour) }
	tests := []struct {
		name           string
		c              retention.Complaint
		respond, solve ClockStatus
	}{
		{"normal: respond at 2 h", complaint("a", retention.Normal, "2026-03-04T09:00", 2*time.Hour, 24*time.Hour), Met, Met},
		{"normal: respond at 2 h 1 s", complaint("b", retention.Normal, "2026-03-04T09:00", 2*time.Hour+s, 24*time.Hour), Breached, Met},
		{"normal: solve at 24 h 1 s", complaint("c", retention.Normal, "2026-03-04T09:00", time.Hour, 24*time.Hour+s), Met, Breached},
		{"major: respond at 1 h", complaint("d", retention.Major, "2026-03-04T09:00", time.Hour, 48*time.Hour), Met, Met},
		{"major: respond at 1 h 1 s", complaint("e", retention.Major, "2026-03-04T09:00", time.Hour+s, 48*time.Hour), Breached, Met},
		{"major: solve at 48 h 1 s", complaint("f", retention.Major, "2026-03-04T09:00", time.Hour, 48*time.Hour+s), Met, Breached},
	}
	for _, tt := range tests {
		got := cs.Evaluate(&tt.c, now(tt.c))
		if got.Respond != tt.respond || got.Solve != tt.solve {
			t.Errorf("%s: respond %s solve %s, want %s %s", tt.name, got.Respond, got.Solve, tt.respond, tt.solve)
		}
	}
	// Open clocks: pending until the deadline, breached a second after.
	open := complaint("g", retention.Normal, "2026-03-04T09:00", none, none)
	for _, tc := range []struct {
		after   time.Duration
		respond ClockStatus
	}{{2 * time.Hour, Pending}, {2*time.Hour + s, Breached}} {
		got := cs.Evaluate(&open, open.ReceivedAt.Add(tc.after))
		if got.Respond != tc.respond || got.Solve != Pending || got.Overdue() != (tc.respond == Breached) {
			t.Errorf("open after %v: %+v", tc.after, got)
		}
	}
	// An acknowledgement recorded after now is not seen.
	late := complaint("h", retention.Normal, "2026-03-04T09:00", time.Hour, none)
	if got := cs.Evaluate(&late, late.ReceivedAt.Add(30*time.Minute)); got.Respond != Pending || got.State != Received {
		t.Errorf("future acknowledgement seen: %+v", got)
	}
}

func TestBusinessHours(t *testing.T) {
	bh, err := NewBusinessHours(BusinessHours{Location: cst, Open: 9 * time.Hour, Close: 18 * time.Hour,
		Closed: [7]bool{time.Sunday: true}, Holidays: []date.Date{d("2026-03-09")}})
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { v, _ := time.ParseInLocation("2006-01-02T15:04", s, cst); return v }
	tests := []struct {
		from  string
		limit time.Duration
		want  string
	}{
		{"2026-03-04T09:00", 2 * time.Hour, "2026-03-04T11:00"},  // Wednesday, inside
		{"2026-03-04T07:00", 2 * time.Hour, "2026-03-04T11:00"},  // before opening
		{"2026-03-04T17:00", 2 * time.Hour, "2026-03-05T10:00"},  // over the night
		{"2026-03-07T17:00", 2 * time.Hour, "2026-03-10T10:00"},  // Saturday → Sunday closed → Monday a holiday
		{"2026-03-04T09:00", 24 * time.Hour, "2026-03-06T15:00"}, // 9 + 9 + 6 hours
		{"2026-03-04T18:00", time.Hour, "2026-03-05T10:00"},      // at closing
	}
	for _, tt := range tests {
		if got := bh.Deadline(at(tt.from), tt.limit).Format("2006-01-02T15:04"); got != tt.want {
			t.Errorf("Deadline(%s, %v) = %s, want %s", tt.from, tt.limit, got, tt.want)
		}
	}
	if _, err := NewBusinessHours(BusinessHours{Open: 18 * time.Hour, Close: 9 * time.Hour}); err == nil {
		t.Error("closing before opening accepted")
	}
	if _, err := NewBusinessHours(BusinessHours{Open: 9 * time.Hour, Close: 18 * time.Hour, Closed: [7]bool{true, true, true, true, true, true, true}}); err == nil {
		t.Error("a week without working days accepted")
	}
}

func TestComplaintReport(t *testing.T) {
	p := retention.DefaultPolicy()
	cs, _ := NewComplaints(&p, nil)
	h := time.Hour
	k := func(id, cat string, src retention.ComplaintSource, ack, solved time.Duration, closed bool) retention.Complaint {
		c := complaint(id, retention.Normal, "2026-03-04T09:00", ack, solved)
		c.Category, c.Source = cat, src
		if closed {
			c.ClosedAt = ptr(c.ReceivedAt.Add(30 * h))
		}
		return c
	}
	list := []retention.Complaint{
		k("K4", "parts", retention.FromOEM, -1, -1, false),                   // open: both clocks breached by now
		k("K1", "waiting-time", retention.FromOnSite, h, 10*h, true),         // within SLA
		k("K2", "waiting-time", retention.FromFollowupCall, 3*h, 10*h, true), // responded late, closed
		k("K3", "price", retention.FromFollowupCall, h, -1, false),           // solve pending
	}
	rep := cs.Report(list, list[0].ReceivedAt.Add(20*h))
	var spots []string
	for _, s := range rep.ByCategory {
		spots = append(spots, fmt.Sprintf("%s %v", s.Key, s.Count))
	}
	for _, s := range rep.BySource {
		spots = append(spots, fmt.Sprintf("%s %v", s.Key, s.Count))
	}
	got := struct {
		Breached, Overdue, Spots []string
		Within                   retention.Ratio
	}{rep.Breached, rep.Overdue, spots, rep.WithinSLA}
	want := struct {
		Breached, Overdue, Spots []string
		Within                   retention.Ratio
	}{[]string{"K2", "K4"}, []string{"K4"},
		[]string{"waiting-time 2/4", "parts 1/4", "price 1/4", "followup-call 2/4", "oem-forwarded 1/4", "on-site 1/4"},
		retention.Ratio{Num: 1, Den: 2}} // K1 met both, K2 breached; K3 and K4 still pending a clock
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Report (-want +got):\n%s", diff)
	}
}

// TestComplaintStatsMerge: random complaints of every state, added to three
// stats and merged, sum up to Report's figures of all of them; and stats of
// no complaint give empty lists, not null ones.
func TestComplaintStatsMerge(t *testing.T) {
	p := retention.DefaultPolicy()
	cs, _ := NewComplaints(&p, nil)
	now := time.Date(2026, 3, 20, 12, 0, 0, 0, cst)
	r := rand.New(rand.NewPCG(3, 4))
	after := func(at time.Time, hours int) *time.Time { // nil, or an instant up to hours on
		if r.IntN(3) == 0 {
			return nil
		}
		return ptr(at.Add(time.Duration(r.IntN(hours*60)) * time.Minute))
	}
	var list []retention.Complaint
	for i := range 600 {
		c := retention.Complaint{ID: fmt.Sprintf("K%03d", i), Customer: fmt.Sprintf("C%d", r.IntN(50)),
			Severity: []retention.Severity{retention.Normal, retention.Major}[r.IntN(2)],
			Category: []string{"waiting-time", "parts", "price", "attitude"}[r.IntN(4)],
			Source:   []retention.ComplaintSource{retention.FromOnSite, retention.FromFollowupCall, retention.FromOEM}[r.IntN(3)],
			// received from 20 days before now to a day after it
			ReceivedAt: now.Add(time.Duration(r.IntN(21*24*60)-20*24*60) * time.Minute)}
		c.AcknowledgedAt, c.SolvedAt, c.ClosedAt = after(c.ReceivedAt, 4), after(c.ReceivedAt, 96), after(c.ReceivedAt, 120)
		list = append(list, c)
	}
	rep := cs.Report(list, now)
	want := ComplaintSummary{Total: len(rep.SLAs), WithinSLA: rep.WithinSLA, Breached: len(rep.Breached),
		Overdue: rep.Overdue, ByCategory: rep.ByCategory, BySource: rep.BySource}
	if want.Total == len(list) || want.Breached == 0 || len(want.Overdue) == 0 || want.WithinSLA.Num == 0 || want.WithinSLA.Num == want.WithinSLA.Den {
		t.Fatalf("the complaints do not cover the cases: %+v", want)
	}
	parts := []*ComplaintStats{cs.NewStats(now), cs.NewStats(now), cs.NewStats(now)}
	for i := range list {
		parts[r.IntN(3)].Add(&list[i])
	}
	parts[0].Merge(parts[1])
	parts[0].Merge(parts[2])
	if diff := cmp.Diff(want, parts[0].Report()); diff != "" {
		t.Errorf("merged stats (-Report +stats):\n%s", diff)
	}

	got, err := json.Marshal(cs.NewStats(now).Report())
	if err != nil {
		t.Fatal(err)
	}
	if w := `{"total":0,"withinSLA":{"num":0,"den":0,"rate":null},"breached":0,"overdue":[],"byCategory":[],"bySource":[]}`; string(got) != w {
		t.Errorf("no complaints: got %s, want %s", got, w)
	}
}
