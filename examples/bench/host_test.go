package main

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/dcrc-go/dcrc/adapters/sqlstore/sqlite"
)

// TestProcessorModel reads the first processor's model out of the
// /proc/cpuinfo texts of an Intel machine (of which the second processor
// must not count), an AMD one, and an arm64 one, which names no model.
func TestProcessorModel(t *testing.T) {
	const intel = `processor	: 0
vendor_id	: GenuineIntel
cpu family	: 6
model		: 207
model name	: Intel(R) Xeon(R) Processor
stepping	: 2

processor	: 1
vendor_id	: GenuineIntel
cpu family	: 6
model		: 85
model name	: Intel(R) Xeon(R) Gold 6230
`
	const amd = `processor	: 0
vendor_id	: AuthenticAMD
cpu family	: 25
model		: 1
model name	: AMD EPYC 7R13 Processor
flags		: fpu vme de pse tsc msr pae mce cx8
`
	const arm = `processor	: 0
BogoMIPS	: 243.75
Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32
CPU implementer	: 0x41
CPU part	: 0xd0c
`
	for _, c := range []struct {
		name, cpuinfo, want string
	}{
		{"Intel, the first of two processors", intel, "Intel(R) Xeon(R) Processor (family 6, model 207)"},
		{"AMD", amd, "AMD EPYC 7R13 Processor (family 25, model 1)"},
		{"a blank line before the first block", "\n" + amd, "AMD EPYC 7R13 Processor (family 25, model 1)"},
		{"a model name without its numbers", "model name\t: Some CPU\n", "Some CPU"},
		{"no model name (arm64)", arm, ""},
		{"empty", "", ""},
	} {
		if got := processorModel(c.cpuinfo); got != c.want {
			t.Errorf("%s: processorModel = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestHost: the host line names the system, the logical CPUs and the Go
// release on any machine.
func TestHost(t *testing.T) {
	re := regexp.MustCompile(`^[a-z0-9]+/[a-z0-9]+, .+, [1-9][0-9]* logical CPUs, (go|devel).+$`)
	if got := host(); !re.MatchString(got) {
		t.Errorf("host() = %q, want it to match %s", got, re)
	}
}

// TestDatabaseVersion asks SQLite its version, as the bench prints it with
// the import, and reports a query that fails as the version's error.
func TestDatabaseVersion(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "v.sqlite"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	v, err := databaseVersion(ctx, s.DB(), "SELECT sqlite_version()")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^3\.[0-9]+\.[0-9]+$`).MatchString(v) {
		t.Errorf("SQLite's version = %q, want 3.x.y", v)
	}
	if _, err := databaseVersion(ctx, s.DB(), "SELECT no_such_function()"); err == nil {
		t.Error("a failing query gave no error")
	}
}
