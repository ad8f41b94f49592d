package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/examples/demo"
	"github.com/dcrc-go/dcrc/retention"
	"github.com/google/go-cmp/cmp"
)

// TestBench runs the benchmark program on a small network, with PostgreSQL
// when DCRC_POSTGRES_DSN is set, and checks its tables (the ratios and, where
// the system reports it, what each measurement spent) and that dcrc and the
// hand-written SQL agree on every vehicle.
func TestBench(t *testing.T) {
	var out bytes.Buffer
	args := []string{"--vehicles", "400", "--repeats", "1", "--dir", t.TempDir()}
	if err := run(args, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"1. memory: evaluation / scan floor", "2 workers", "part: the status alone", "part: the mileage estimate alone",
		"part: the classification, no plan", "2. SQLite: streamed evaluation / bare SELECT",
		"SQLite: streamed / bare read of the store's own query",
		"3. SQLite: statuses by dcrc / hand-written SQL", "SQLite: statuses by dcrc on 2 workers / hand-written SQL", "peak heap, the plan handed out as it goes", "peak heap, the plan saved (dcrc plan)", "the network grown by dealers", "saved, the network grown by dealers",
		"SQLite: KPIs streamed (dcrc report) / bare SELECT", "peak heap, the KPIs (dcrc report)"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, want := range []string{`(?m)^host: .+ logical CPUs, `, `(?m)^SQLite 3\.[0-9]+\.[0-9]+ import: `} {
		if !regexp.MustCompile(want).MatchString(got) {
			t.Errorf("output lacks a line matching %s:\n%s", want, got)
		}
	}
	if _, ok := processUsage(); ok {
		// The floors have no row of their own in the ratios' table.
		for _, want := range []string{"what each measurement's runs spent", "\nread every visit once ", "\nSQLite: bare SELECT of the rows "} {
			if !strings.Contains(got, want) {
				t.Errorf("output lacks %q:\n%s", want, got)
			}
		}
	}
	if os.Getenv("DCRC_POSTGRES_DSN") != "" {
		if !strings.Contains(got, "3. PostgreSQL") {
			t.Errorf("no PostgreSQL rows with DCRC_POSTGRES_DSN set:\n%s", got)
		}
		if re := regexp.MustCompile(`(?m)^PostgreSQL [0-9]+\.[0-9]+.* import: `); !re.MatchString(got) {
			t.Errorf("output lacks a line matching %s:\n%s", re, got)
		}
	}
	if strings.Contains(got, "disagrees") || strings.Count(got, " 0 disagreements") < 1 {
		t.Errorf("dcrc and SQL disagree:\n%s", got)
	}
}

// TestBenchHeapOnly: --heap-only prints the peak heaps, each with the
// collector's goal, and no timing.
func TestBenchHeapOnly(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"--vehicles", "400", "--repeats", "1", "--dir", t.TempDir(), "--heap-only"}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, each := range []string{"peak heap, ", "the collector's goal "} {
		if n := strings.Count(got, each); n != 5 {
			t.Errorf("%d lines with %q, want 5:\n%s", n, each, got)
		}
	}
	for _, timing := range []string{"measurement", "1. memory", "2. SQLite", "PostgreSQL"} {
		if strings.Contains(got, timing) {
			t.Errorf("output has %q with --heap-only:\n%s", timing, got)
		}
	}
}

// TestFloorsReadEveryRecord: both floors of ratio 2 read every vehicle and
// every repair order of the network: the join a row per visit (and one for
// a vehicle without any), the store's own query a row per record.
func TestFloorsReadEveryRecord(t *testing.T) {
	ctx := context.Background()
	asOf := retention.MustParseDate("2026-11-22")
	ds := demo.Generate(&demo.Options{Vehicles: 300, AsOf: asOf})
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "f.sqlite"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	visited := map[string]bool{}
	for _, v := range ds.Visits {
		visited[v.VIN] = true
	}
	count := func(q string, args []any) int {
		var n int
		if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+q+`) AS q`, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	type rows struct{ Bare, Own int }
	want := rows{Bare: len(ds.Visits) + len(ds.Vehicles) - len(visited), Own: len(ds.Visits) + len(ds.Vehicles)}
	if diff := cmp.Diff(want, rows{Bare: count(bareQuery, nil), Own: count(s.HistoryQuery(retention.HistoryFilter{}))}); diff != "" {
		t.Errorf("rows read (-want +got):\n%s", diff)
	}
}
