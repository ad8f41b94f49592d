package main

import (
	"bytes"
	"crypto/sha256"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/google/go-cmp/cmp"
)

// TestCustomerDays: a customer's day differs in the part that changed and
// in no other; a task's priority (its customer's tier's) is not its plan.
func TestCustomerDays(t *testing.T) {
	base := func() *schedule.Plan {
		return &schedule.Plan{
			Customers: []classify.CustomerResult{{ID: "C1", Tier: classify.Core, Status: retention.StatusActive,
				Vehicles: []classify.VehicleResult{{VIN: "V1", Customer: "C1", Status: retention.StatusActive, VisitsInWindow: 4}}}},
			Tasks:    []retention.Task{{Key: "k1", Customer: "C1", VIN: "V1", DueOn: retention.MustParseDate("2026-11-22"), Priority: 1}},
			Deferred: []schedule.Deferral{{Task: retention.Task{Key: "k2", Customer: "C1", Priority: 1}, Reason: "cap"}},
		}
	}
	type changed struct{ Result, Tier, Plan bool }
	for _, tc := range []struct {
		name   string
		change func(*schedule.Plan)
		want   changed
	}{
		{"nothing", func(*schedule.Plan) {}, changed{}},
		{"a vehicle's visits in the window", func(p *schedule.Plan) { p.Customers[0].Vehicles[0].VisitsInWindow = 3 }, changed{Result: true}},
		{"the tier", func(p *schedule.Plan) { p.Customers[0].Tier = classify.Basic }, changed{Tier: true}},
		{"a task's priority", func(p *schedule.Plan) { p.Tasks[0].Priority = 2 }, changed{}},
		{"a deferral's priority", func(p *schedule.Plan) { p.Deferred[0].Task.Priority = 2 }, changed{}},
		{"a task's due date", func(p *schedule.Plan) { p.Tasks[0].DueOn = retention.MustParseDate("2026-11-23") }, changed{Plan: true}},
		{"a task expired", func(p *schedule.Plan) { p.Tasks = nil }, changed{Plan: true}},
		{"a deferral's reason", func(p *schedule.Plan) { p.Deferred[0].Reason = "weather" }, changed{Plan: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := customerDays(base())
			if err != nil {
				t.Fatal(err)
			}
			p := base()
			tc.change(p)
			b, err := customerDays(p)
			if err != nil {
				t.Fatal(err)
			}
			x, y := a["C1"], b["C1"]
			got := changed{Result: x.result != y.result, Tier: x.tier != y.tier, Plan: x.plan != y.plan}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("changed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCompareDays: each part of a change is counted, a customer of one day
// only has changed, and a customer's vehicles count as many as it has on
// either day.
func TestCompareDays(t *testing.T) {
	hash := func(s string) [sha256.Size]byte { // "": none, as customerDays leaves a customer without tasks
		if s == "" {
			return [sha256.Size]byte{}
		}
		return sha256.Sum256([]byte(s))
	}
	tiers := map[string]classify.Tier{"core": classify.Core, "basic": classify.Basic}
	day := func(result, tier, plan string, vehicles int) *customerDay {
		return &customerDay{result: hash(result), tier: tiers[tier], plan: hash(plan), vehicles: vehicles}
	}
	yesterday := map[string]*customerDay{
		"same":   day("r", "core", "p", 1),
		"result": day("r", "core", "p", 2),
		"both":   day("r", "core", "p", 1),
		"tier":   day("r", "core", "p", 1),
		"gone":   day("r", "basic", "", 3),
	}
	today := map[string]*customerDay{
		"same":   day("r", "core", "p", 1),
		"result": day("r2", "core", "p", 2),
		"both":   day("r2", "basic", "p2", 1),
		"tier":   day("r", "basic", "p", 1),
		"new":    day("r", "basic", "p", 4),
	}
	got := compareDays(yesterday, today, map[string]bool{"both": true, "same": true})
	want := dayChange{customers: 6, vehicles: 12, changedVehicles: 11, result: 4, plan: 2, tierOnly: 1, withRecord: 1,
		ids: map[string]bool{"result": true, "both": true, "tier": true, "new": true, "gone": true}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(dayChange{})); diff != "" {
		t.Errorf("compareDays (-want +got):\n%s", diff)
	}
}

// TestBenchDayOverDay: --day-over-day prints a line per day after the
// first, each over the same customers, and no timing.
func TestBenchDayOverDay(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"--vehicles", "400", "--day-over-day"}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	line := regexp.MustCompile(`(?m)^  (\d{4}-\d\d-\d\d): (\d+\.\d\d)% of (\d+) customers`)
	var days []string
	customers := map[string]bool{}
	for _, m := range line.FindAllStringSubmatch(got, -1) {
		days = append(days, m[1])
		customers[m[3]] = true
		if share, _ := strconv.ParseFloat(m[2], 64); share <= 0 || share > 100 {
			t.Errorf("%s: share %s%%, want in (0, 100]", m[1], m[2])
		}
	}
	want := []string{"2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"}
	if diff := cmp.Diff(want, days); diff != "" {
		t.Errorf("days (-want +got):\n%s\n%s", diff, got)
	}
	if len(customers) != 1 {
		t.Errorf("customer counts %v, want one for every day:\n%s", customers, got)
	}
	for _, timing := range []string{"measurement", "1. memory", "peak heap"} {
		if strings.Contains(got, timing) {
			t.Errorf("output has %q with --day-over-day:\n%s", timing, got)
		}
	}
	if !strings.Contains(got, "median ") {
		t.Errorf("no median:\n%s", got)
	}
	// The timing of the as-of day's changed customers: as many as its line
	// above counts, against the floor and the full evaluation.
	asOfLine := regexp.MustCompile(`(?m)^  2026-11-22: (\d+\.\d\d)% of (\d+) customers`).FindStringSubmatch(got)
	timing := regexp.MustCompile(`(?m)^evaluating only the (\d+) customers changed on 2026-11-22, .* the scan floor's .*; the full evaluation .*×$`).FindStringSubmatch(got)
	if asOfLine == nil || timing == nil {
		t.Fatalf("no as-of line or no timing:\n%s", got)
	}
	share, _ := strconv.ParseFloat(asOfLine[1], 64)
	total, _ := strconv.Atoi(asOfLine[2])
	if n, _ := strconv.Atoi(timing[1]); n == 0 || n != int(math.Round(share*float64(total)/100)) {
		t.Errorf("%d customers timed, want the %s%% of %d that changed on the as-of day:\n%s", n, asOfLine[1], total, got)
	}
}

// TestBenchFlagsExclusive: --heap-only and --day-over-day measure different
// things; asking for both is an error.
func TestBenchFlagsExclusive(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"--vehicles", "400", "--heap-only", "--day-over-day"}, &out)
	if err == nil || !strings.Contains(err.Error(), "exclude each other") {
		t.Errorf("err = %v, want the flags excluding each other", err)
	}
}
