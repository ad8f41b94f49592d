package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestBench runs the benchmark program on a small network, with PostgreSQL
// when DCRC_POSTGRES_DSN is set, and checks its table and that dcrc and the
// hand-written SQL agree on every vehicle.
func TestBench(t *testing.T) {
	var out bytes.Buffer
	args := []string{"--vehicles", "400", "--repeats", "1", "--dir", t.TempDir()}
	if err := run(args, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"1. memory: evaluation / scan floor", "2 workers", "2. SQLite: streamed evaluation / bare SELECT",
		"3. SQLite: statuses by dcrc / hand-written SQL", "streamed evaluation peak heap"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if os.Getenv("DCRC_POSTGRES_DSN") != "" && !strings.Contains(got, "3. PostgreSQL") {
		t.Errorf("no PostgreSQL rows with DCRC_POSTGRES_DSN set:\n%s", got)
	}
	if strings.Contains(got, "disagrees") || strings.Count(got, " 0 disagreements") < 1 {
		t.Errorf("dcrc and SQL disagree:\n%s", got)
	}
}
