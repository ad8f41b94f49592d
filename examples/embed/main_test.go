package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
	"github.com/dcrc-go/dcrc/retention"
)

func TestPlanDay(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dms.sqlite")
	raw, err := os.ReadFile("../dcrc/testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := retention.DecodeDataset(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Import(ctx, ds); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var out bytes.Buffer
	if err := planDay(ctx, path, "2026-11-22", &out); err != nil {
		t.Fatal(err)
	}
	// The same 20 tasks as `dcrc evaluate` on the same data (see
	// examples/dcrc), all new; a second run adds none.
	if first := strings.SplitN(out.String(), "\n", 2)[0]; first != "2026-11-22: 20 tasks, 20 new" {
		t.Errorf("first line %q", first)
	}
	if !strings.Contains(out.String(), "lost-contact-card/C14/2026-10-06") {
		t.Errorf("the customer's contacts were not found:\n%s", out.String())
	}
	out.Reset()
	if err := planDay(ctx, path, "2026-11-22", &out); err != nil {
		t.Fatal(err)
	}
	if first := strings.SplitN(out.String(), "\n", 2)[0]; first != "2026-11-22: 20 tasks, 0 new" {
		t.Errorf("second run: %q", first)
	}
}
