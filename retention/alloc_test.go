package retention_test

import (
	"testing"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// The SQL stores parse a date and enumerations in each row they read, from
// another package; these tests hold those parsers to allocating nothing
// there. Each parser keeps no reference to its argument but in an error,
// so a conversion between string and bytes for it need not be copied to
// the heap.

func TestParseDateOfBytesAllocatesNothing(t *testing.T) {
	b := []byte("2026-11-22")
	var got date.Date
	if allocs := testing.AllocsPerRun(100, func() { got, _ = retention.ParseDate(string(b)) }); allocs != 0 {
		t.Errorf("ParseDate(string(b)) allocates %v times, want 0", allocs)
	}
	if want := date.New(2026, time.November, 22); got != want {
		t.Errorf("ParseDate(%q) = %s, want %s", b, got, want)
	}
}

// kindName is a variable, so that the compiler cannot fold its conversion.
var kindName = "maintenance"

func TestUnmarshalTextOfStringAllocatesNothing(t *testing.T) {
	var k retention.VisitKind
	if allocs := testing.AllocsPerRun(100, func() { _ = k.UnmarshalText([]byte(kindName)) }); allocs != 0 {
		t.Errorf("VisitKind.UnmarshalText([]byte(s)) allocates %v times, want 0", allocs)
	}
	if k != retention.Maintenance {
		t.Errorf("VisitKind.UnmarshalText(%q) = %v, want %v", kindName, k, retention.Maintenance)
	}
}
