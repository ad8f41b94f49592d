package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dcrc-go/dcrc/examples/internal/app"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// runCmd runs dcrc with args and returns its exit status and outputs.
func runCmd(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// goldenCases are the evaluations pinned in testdata: the network on a busy
// day, the care touches of an early-November day with a holiday, a weather
// event and the first-owner programme, and one dealer's view.
var goldenCases = []struct {
	name string
	args []string
}{
	{"network", []string{"evaluate", "--data", "testdata/golden.json", "--as-of", "2026-11-22"}},
	{"care", []string{"evaluate", "--data", "testdata/golden.json", "--as-of", "2026-11-03", "--holidays", "2026-11-02",
		"--weather", "320500:2026-11-03:typhoon", "--first-owner-programme"}},
	{"dealer-d1", []string{"evaluate", "--data", "testdata/golden.json", "--as-of", "2026-11-22", "--dealer", "D1"}},
}

func TestEvaluateGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCmd(tc.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			path := filepath.Join("testdata", tc.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), out); diff != "" {
				t.Errorf("output differs from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}

func evaluation(t *testing.T, args ...string) app.Evaluation {
	t.Helper()
	code, out, errOut := runCmd(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var ev app.Evaluation
	if err := json.Unmarshal([]byte(out), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

// TestEvaluateHandChecked pins, vehicle by vehicle, what the golden dataset
// was built to show as of 2026-11-22 (see the comments for the arithmetic).
func TestEvaluateHandChecked(t *testing.T) {
	ev := evaluation(t, goldenCases[0].args...)
	type vehicle struct{ Status, Stage, Flags string }
	got := map[string]vehicle{}
	for _, v := range ev.Vehicles {
		got[v.VIN] = vehicle{v.Status, v.Stage, strings.Join(v.Flags, ",")}
	}
	want := map[string]vehicle{
		"V01": {"new", "new-car", ""},                                // delivered 2026-11-15
		"V02": {"new", "new-car", ""},                                // delivered 2026-11-01
		"V03": {"new", "new-car", ""},                                // delivered 2026-10-22
		"V04": {"new", "new-car", ""},                                // long first service model
		"V05": {"active", "out-of-warranty", ""},                     // 4 visits in 12 months, last 2026-09-10; warranty ended 2026-06-10
		"V06": {"regular", "out-of-warranty", ""},                    // 3 visits in 12 months
		"V07": {"swing", "in-warranty", "churn-risk"},                // 2 visits; maintenances due 07-01 and 10-01 missed
		"V08": {"lost", "in-warranty", ""},                           // last visit 2026-05-10 ≤ 2026-05-22
		"V09": {"swing", "in-warranty", ""},                          // warranty ends 2026-12-20
		"V10": {"dormant", "in-warranty", ""},                        // last visit 2025-10-01, delivered 2025-01-10: nothing in 12 months
		"V11": {"dormant", "replacement", ""},                        // delivered 2020-03-01 + 72 months
		"V12": {"scrapped", "scrapped", ""},                          // marked scrapped
		"V13": {"lost", "in-warranty", "churn-risk"},                 // never visited, delivered 2026-05-06
		"V14": {"new", "new-car", ""},                                // lost-contact is a customer flag
		"V15": {"new", "new-car", ""},                                // first service 2026-11-18
		"V16": {"active", "in-warranty", ""},                         // transient only for dealer D1
		"V17": {"new", "new-car", ""},                                // do-not-contact
		"V18": {"new", "new-car", ""},                                // delivered 2026-11-17
		"V19": {"lost", "in-warranty", "maybe-low-usage,churn-risk"}, // ~6.8 km/day: 1,800 km since 2026-03-01; missed 06-01 and 09-01
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("vehicles (-want +got):\n%s", diff)
	}
	var keys []string
	for _, task := range ev.Tasks {
		keys = append(keys, task.Key)
	}
	slices.Sort(keys)
	wantKeys := []string{
		"birthday/C01/2026-11-28",            // 1990-11-28 − 7 days = 11-21
		"churn-risk-recall/V07/2026-11-01",   // raised the day after the grace of 10-01's miss
		"first-service-call/V02/2026-11-01",  // N+21 = 11-22
		"first-service-sms/V02/2026-11-01",   // N+14 = 11-15, open until 11-22
		"first-service-sms/V04/2026-10-13",   // long first service: N+35 = 11-17
		"inspection-due/V06/2026-12-15",      // 30 days ahead: 11-15
		"insurance-renewal/V05/2026-12-20",   // 30 days ahead: 11-20
		"lost-contact-card/C14/2026-10-06",   // third failed call on 10-06
		"lost-recall/V08/2026-11-10",         // lost from 2026-05-10 + 6 months
		"lost-recall/V10/2026-10-01",         // dormant from 2025-10-01 + 12 months
		"lost-recall/V13/2026-09-06",         // never visited: lost from delivery + 4 months
		"lost-recall/V19/2026-09-01",         // little driven: a confirming call
		"maintenance-due/V06/2026-08-20",     // 2026-08-20 + 3 months = 11-20 (35 km/day: time first)
		"sale-followup-1m/V03/2026-10-22",    // + 1 month = 11-22
		"sale-followup-3d/V18/2026-11-17",    // V01's was closed by a reached call; V17 is do-not-contact
		"sale-followup-7d/V01/2026-11-15",    // + 7 days = 11-22
		"service-followup-2d/V07/2026-11-20", // repair picked up 11-20
		"service-followup-2d/V15/2026-11-18", // first service picked up 11-18
		"service-followup-4d/V15/2026-11-18", // + 4 days = 11-22
		"warranty-expiry/V09/2023-12-20",     // warranty ends 2026-12-20: 30 days ahead
	}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("tasks (-want +got):\n%s", diff)
	}
	// Behind the lost recalls: V19's churn-risk recall (raised 10-02) and
	// V13's 30,000 km milestone (150 km/day × 200 days).
	var deferred []string
	for _, d := range ev.Deferred {
		deferred = append(deferred, d.Task.Key)
	}
	if diff := cmp.Diff([]string{"churn-risk-recall/V19/2026-10-02", "mileage-milestone/V13@30000km/2026-05-06"}, deferred); diff != "" {
		t.Errorf("deferred (-want +got):\n%s", diff)
	}
	var findings []string
	for _, f := range ev.Findings {
		findings = append(findings, f.Record+" "+f.Field)
	}
	if diff := cmp.Diff([]string{"contacts/birthday/NOBODY/2026-01-01@2026-01-01T01:00:00Z task", "visits/R05b odometerKm"}, findings); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"new": 8, "active": 2, "regular": 1, "swing": 2, "lost": 3, "dormant": 2, "scrapped": 1},
		ev.StatusCounts); diff != "" {
		t.Errorf("status counts (-want +got):\n%s", diff)
	}
}

// TestEveryTouchIsCovered: the golden evaluations together show every touch.
func TestEveryTouchIsCovered(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range goldenCases {
		ev := evaluation(t, tc.args...)
		for _, task := range ev.Tasks {
			seen[task.Touch] = true
		}
		for _, d := range ev.Deferred {
			seen[d.Task.Touch] = true
		}
	}
	var missing []string
	for _, touch := range retention.Touches() {
		if !seen[touch.String()] {
			missing = append(missing, touch.String())
		}
	}
	if len(missing) > 0 {
		t.Errorf("touches no golden case shows: %v", missing)
	}
	dealer := evaluation(t, goldenCases[2].args...)
	for _, v := range dealer.Vehicles {
		if v.VIN == "V16" && (v.HomeDealer != "D2" || !slices.Contains(v.Flags, "transient")) {
			t.Errorf("V16 for dealer D1: home %s flags %v, want D2 and transient", v.HomeDealer, v.Flags)
		}
	}
}

// TestEvaluateIsDeterministic: byte-identical output across runs and across
// orderings of the input records.
func TestEvaluateIsDeterministic(t *testing.T) {
	_, first, _ := runCmd(goldenCases[0].args...)
	_, second, _ := runCmd(goldenCases[0].args...)
	if first != second {
		t.Fatal("two runs differ")
	}
	for _, w := range []string{"1", "3"} {
		if _, out, _ := runCmd(append(slices.Clone(goldenCases[0].args), "--workers", w)...); out != first {
			t.Errorf("--workers %s changes the output", w)
		}
	}
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := retention.DecodeDataset(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for seed := range uint64(3) {
		r := rand.New(rand.NewPCG(seed, 42))
		shuffle := func(n int, swap func(i, j int)) { r.Shuffle(n, swap) }
		shuffle(len(ds.Dealers), func(i, j int) { ds.Dealers[i], ds.Dealers[j] = ds.Dealers[j], ds.Dealers[i] })
		shuffle(len(ds.Models), func(i, j int) { ds.Models[i], ds.Models[j] = ds.Models[j], ds.Models[i] })
		shuffle(len(ds.Customers), func(i, j int) { ds.Customers[i], ds.Customers[j] = ds.Customers[j], ds.Customers[i] })
		shuffle(len(ds.Vehicles), func(i, j int) { ds.Vehicles[i], ds.Vehicles[j] = ds.Vehicles[j], ds.Vehicles[i] })
		shuffle(len(ds.Visits), func(i, j int) { ds.Visits[i], ds.Visits[j] = ds.Visits[j], ds.Visits[i] })
		shuffle(len(ds.Contacts), func(i, j int) { ds.Contacts[i], ds.Contacts[j] = ds.Contacts[j], ds.Contacts[i] })
		var buf bytes.Buffer
		if err := ds.EncodeJSON(&buf); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "shuffled.json")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		_, got, _ := runCmd("evaluate", "--data", path, "--as-of", "2026-11-22")
		if got != first {
			t.Errorf("seed %d: shuffled input gives other output:\n%s", seed, cmp.Diff(first, got))
		}
	}
}

// TestEvaluateRejectsBadInput: every bad input of DATASET.md exits 2 with
// the record and field on standard error and nothing on standard output.
func TestEvaluateRejectsBadInput(t *testing.T) {
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	base := string(raw)
	tests := []struct {
		name, old, new, stderr string
	}{
		{"malformed date", `"deliveredOn": "2026-11-15"`, `"deliveredOn": "2026-02-30"`, `vehicles/V01: deliveredOn: no such date "2026-02-30"`},
		{"unknown reference", `"vin": "V08", "customer": "C08"`, `"vin": "V08", "customer": "C99"`, `vehicles/V08: customer: unknown customer "C99"`},
		{"malformed amount", `"amount": "480.00"`, `"amount": "480,00"`, `visits/R05a: amount: malformed amount`},
		{"unknown enumeration", `"kind": "repair"`, `"kind": "repare"`, `visits/R07b: kind: unknown visit kind "repare"`},
		{"negative odometer", `"odometerKm": 38000`, `"odometerKm": -38000`, `visits/R08a: odometerKm: must not be negative`},
		{"duplicate id", `"id": "R06b"`, `"id": "R06a"`, `visits/R06a: id: duplicate id`},
		{"wrong JSON type", `"odometerKm": 38000`, `"odometerKm": "38000"`, `visits/R08a: odometerKm: wrong JSON type`},
		{"not JSON", `{`, `[`, `malformed dataset JSON`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(base, tt.old) {
				t.Fatalf("golden.json has no %q", tt.old)
			}
			path := filepath.Join(t.TempDir(), "bad.json")
			if err := os.WriteFile(path, []byte(strings.Replace(base, tt.old, tt.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := runCmd("evaluate", "--data", path, "--as-of", "2026-11-22")
			if code != 2 || out != "" || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, and %q", code, out, errOut, tt.stderr)
			}
		})
	}
	for _, args := range [][]string{
		{"evaluate", "--data", "testdata/golden.json"},
		{"evaluate", "--data", "testdata/golden.json", "--as-of", "2026-13-01"},
		{"evaluate", "--data", "testdata/golden.json", "--as-of", "2026-11-22", "--dealer", "D9"},
		{"evaluate", "--data", "testdata/missing.json", "--as-of", "2026-11-22"},
		{"evaluate", "--data", "testdata/golden.json", "--as-of", "2026-11-22", "--weather", "nowhere"},
		{"evaluate", "--bogus"},
		{"frobnicate"},
		{},
	} {
		if code, out, _ := runCmd(args...); code != 2 || out != "" {
			t.Errorf("dcrc %v: exit %d, stdout %q; want 2 and nothing", args, code, out)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"evaluate", "import", "plan", "report"} {
		code, out, _ := runCmd(cmd, "--help")
		if code != 0 || !strings.HasPrefix(out, "Usage: dcrc "+cmd) || !strings.Contains(out, "-as-of") && cmd != "import" {
			t.Errorf("dcrc %s --help: exit %d, output %q", cmd, code, out)
		}
	}
	if code, out, _ := runCmd("--help"); code != 0 || !strings.Contains(out, "dcrc evaluate") {
		t.Errorf("dcrc --help: exit %d, output %q", code, out)
	}
}

// TestImportPlanReport runs the database commands on an SQLite file.
func TestImportPlanReport(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dcrc.sqlite")
	code, out, errOut := runCmd("import", "--data", "testdata/golden.json", "--sqlite", db)
	if code != 0 || !strings.HasPrefix(out, "imported 2 dealers, 3 models, 19 customers, 19 vehicles") {
		t.Fatalf("import: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := runCmd("import", "--data", "testdata/golden.json", "--sqlite", db); code != 2 ||
		!strings.Contains(errOut, "dealers/D1: id: already exists") {
		t.Errorf("re-import: exit %d, %q; want 2 naming dealers/D1", code, errOut)
	}
	code, csvOut, errOut := runCmd("plan", "--sqlite", db, "--as-of", "2026-11-22", "--format", "csv")
	if code != 0 {
		t.Fatalf("plan: exit %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(csvOut), "\n")
	if lines[0] != "key,touch,customer,vin,dealer,owner,channel,window,due_on,expires_on,priority,attempts,reason" || len(lines) != 21 {
		t.Errorf("plan csv: %d lines, header %q", len(lines), lines[0])
	}
	// The plan streamed from the store, on any number of workers, is the
	// evaluation's plan of the same data.
	_, evalOut, _ := runCmd("evaluate", "--data", "testdata/golden.json", "--as-of", "2026-11-22")
	var ev app.Evaluation
	if err := json.Unmarshal([]byte(evalOut), &ev); err != nil || len(ev.Tasks) != 20 {
		t.Fatalf("evaluate: %v, %d tasks", err, len(ev.Tasks))
	}
	for _, workers := range []string{"1", "3"} {
		code, js, errOut := runCmd("plan", "--sqlite", db, "--as-of", "2026-11-22", "--format", "json", "--workers", workers)
		var got []app.TaskOut
		if code != 0 || json.Unmarshal([]byte(js), &got) != nil {
			t.Fatalf("plan json, %s workers: exit %d %s", workers, code, errOut)
		}
		if diff := cmp.Diff(ev.Tasks, got); diff != "" {
			t.Errorf("plan, %s workers (-evaluate +plan):\n%s", workers, diff)
		}
	}
	code, table, _ := runCmd("plan", "--sqlite", db, "--as-of", "2026-11-22")
	if code != 0 || !strings.HasPrefix(table, "Plan of 2026-11-22: 20 tasks (0 new in the store)") {
		t.Errorf("second plan: exit %d, %q", code, strings.SplitN(table, "\n", 2)[0])
	}
	code, js, errOut := runCmd("report", "--sqlite", db, "--as-of", "2026-11-22", "--format", "json")
	var k app.KPIs
	if code != 0 || json.Unmarshal([]byte(js), &k) != nil || k.Status.Vehicles != 19 {
		t.Errorf("report json: exit %d %s; vehicles %d", code, errOut, k.Status.Vehicles)
	}
	code, text, _ := runCmd("report", "--data", "testdata/golden.json", "--as-of", "2026-11-22", "--return-days", "10")
	if code != 0 || !strings.Contains(text, "First-time fix (FFV)") {
		t.Errorf("report text: exit %d %q", code, text)
	}
	code, page, _ := runCmd("report", "--sqlite", db, "--as-of", "2026-11-22", "--format", "html")
	if code != 0 || strings.Count(page, `<svg class="chart"`) != 5 {
		t.Errorf("report html: exit %d, %d charts", code, strings.Count(page, `<svg class="chart"`))
	}
}

// TestWriteJSONArray: the plan's JSON, written one task at a time, is what
// a json.Encoder indenting by two spaces writes for the slice of them,
// byte for byte, for no task, one and several (with characters the encoder
// escapes).
func TestWriteJSONArray(t *testing.T) {
	d := retention.MustParseDate
	task := func(key, reason string) retention.Task {
		return retention.Task{Key: key, Touch: retention.MaintenanceDue, Customer: "C1", VIN: "LFV1", Dealer: "D1",
			Owner: retention.DealerDCRC, Channel: retention.Phone, Anchor: d("2026-01-01"), DueOn: d("2026-11-22"),
			ExpiresOn: d("2026-11-29"), Priority: 2, Reason: reason}
	}
	for _, ts := range [][]retention.Task{
		nil,
		{task("maintenance-due/LFV1/2026-01-01", "due")},
		{task("a", "<&> \u2028 \"quoted\""), task("b", "保养到期"), task("c", "")},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		outs := make([]app.TaskOut, 0, len(ts))
		for _, x := range ts {
			outs = append(outs, app.TaskOf(x))
		}
		if err := enc.Encode(outs); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		err := writeJSONArray(&got, func(yield func(retention.Task, error) bool) {
			for _, x := range ts {
				if !yield(x, nil) {
					return
				}
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("%d tasks (-json.Encoder +writeJSONArray):\n%s", len(ts), diff)
		}
	}
}
