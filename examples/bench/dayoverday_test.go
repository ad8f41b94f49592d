package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dcrc-go/dcrc/classify"
	"github.com/dcrc-go/dcrc/examples/internal/app"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/dcrc-go/dcrc/schedule"
	"github.com/google/go-cmp/cmp"
)

// TestCustomerDays: a customer's day differs in the part that changed and
// in no other; a task's priority (its customer's tier's) is not its plan.
func TestCustomerDays(t *testing.T) {
	base := func() *app.Evaluation {
		return &app.Evaluation{
			Plan: schedule.Plan{Customers: []classify.CustomerResult{{ID: "C1", Tier: classify.Core, Status: retention.StatusActive,
				Vehicles: []classify.VehicleResult{{VIN: "V1", Customer: "C1", Status: retention.StatusActive, VisitsInWindow: 4}}}}},
			Tasks:    []app.TaskOut{{Key: "k1", Customer: "C1", VIN: "V1", DueOn: "2026-11-22", Priority: 1}},
			Deferred: []app.DeferredOut{{Task: app.TaskOut{Key: "k2", Customer: "C1", Priority: 1}, Reason: "cap"}},
		}
	}
	type changed struct{ Result, Tier, Plan bool }
	for _, tc := range []struct {
		name   string
		change func(*app.Evaluation)
		want   changed
	}{
		{"nothing", func(*app.Evaluation) {}, changed{}},
		{"a vehicle's visits in the window", func(ev *app.Evaluation) { ev.Plan.Customers[0].Vehicles[0].VisitsInWindow = 3 }, changed{Result: true}},
		{"the tier", func(ev *app.Evaluation) { ev.Plan.Customers[0].Tier = classify.Basic }, changed{Tier: true}},
		{"a task's priority", func(ev *app.Evaluation) { ev.Tasks[0].Priority = 2 }, changed{}},
		{"a deferral's priority", func(ev *app.Evaluation) { ev.Deferred[0].Task.Priority = 2 }, changed{}},
		{"a task's due date", func(ev *app.Evaluation) { ev.Tasks[0].DueOn = "2026-11-23" }, changed{Plan: true}},
		{"a task expired", func(ev *app.Evaluation) { ev.Tasks = nil }, changed{Plan: true}},
		{"a deferral's reason", func(ev *app.Evaluation) { ev.Deferred[0].Reason = "weather" }, changed{Plan: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := customerDays(base())
			if err != nil {
				t.Fatal(err)
			}
			ev := base()
			tc.change(ev)
			b, err := customerDays(ev)
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
	day := func(result, tier, plan string, vehicles int) *customerDay {
		return &customerDay{result: result, tier: tier, plan: plan, vehicles: vehicles}
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
	want := dayChange{customers: 6, vehicles: 12, changed: 5, changedVehicles: 11, result: 4, plan: 2, tierOnly: 1, withRecord: 1}
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
