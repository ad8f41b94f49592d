//go:build unix

package main

import (
	"bytes"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestInterleaveUsage: every run of every measurement has its usage, and
// the one that touches a fresh mapping shows the page faults it takes;
// the table prints each measurement once, in the order of the rows.
func TestInterleaveUsage(t *testing.T) {
	const size = 4 << 20
	ss, err := interleave(3,
		func() (string, error) { return "idle", nil },
		func() (string, error) {
			m, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
			if err != nil {
				return "", err
			}
			defer syscall.Munmap(m)
			touch(m)
			return "touching", nil
		})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if len(s.spent) != len(s.runs) || len(s.runs) != 3 {
			t.Fatalf("%s: %d runs, %d usages, want 3 of each", s.name, len(s.runs), len(s.spent))
		}
	}
	for i, u := range ss[1].spent {
		if u.faults < leastFaults(size) {
			t.Errorf("run %d touching %d MiB fresh: %d page faults, want at least %d", i, size>>20, u.faults, leastFaults(size))
		}
	}
	var out bytes.Buffer
	printUsage(&out, []row{{what: "a", s: ss[1], floor: ss[0]}, {what: "b", s: ss[0], floor: ss[1]}})
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var names []string
	for _, l := range lines[2:] {
		names = append(names, strings.Fields(l)[0])
	}
	if diff := cmp.Diff([]string{"touching", "idle"}, names); diff != "" {
		t.Errorf("measurements printed (-want +got):\n%s\n%s", diff, out.String())
	}
}

// TestInterleaveStartsCold: every run starts with the free memory given
// back to the system, so a run that allocates and touches a large buffer
// takes its page faults each time, not only the first (the runtime would
// otherwise hand it the same pages again, still mapped).
func TestInterleaveStartsCold(t *testing.T) {
	const size = 16 << 20
	ss, err := interleave(4, func() (string, error) {
		b := make([]byte, size)
		touch(b)
		runtime.KeepAlive(b)
		return "allocating", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ss[0].spent) != 4 {
		t.Fatalf("%d usages, want 4", len(ss[0].spent))
	}
	for i, u := range ss[0].spent {
		if u.faults < leastFaults(size) {
			t.Errorf("run %d allocating %d MiB: %d page faults, want at least %d: the run found its memory mapped", i, size>>20, u.faults, leastFaults(size))
		}
	}
}

// touch writes a byte of every 4 KiB page of b.
func touch(b []byte) {
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
}

// leastFaults is the fewest page faults that touching size fresh bytes
// takes: one a page, of at most 2 MiB (huge pages), usually of 4 KiB.
func leastFaults(size int) int64 { return int64(size / (2 << 20)) }
