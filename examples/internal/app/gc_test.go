package app

import (
	"os"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gcPercent returns the collector's percentage, leaving it as it is.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

func TestGCForStreaming(t *testing.T) {
	defer debug.SetGCPercent(gcPercent())
	tests := []struct {
		name        string
		env         string // "-" for GOGC unset
		start       int
		during, end int
	}{
		{name: "GOGC unset, the default", env: "-", start: 100, during: StreamingGCPercent, end: 100},
		{name: "GOGC unset, a program's own setting", env: "-", start: 150, during: StreamingGCPercent, end: 150},
		{name: "GOGC set: left alone", env: "200", start: 200, during: 200, end: 200},
		{name: "GOGC=off: left alone", env: "off", start: -1, during: -1, end: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOGC", tt.env) // restored after the case
			if tt.env == "-" {
				os.Unsetenv("GOGC")
			}
			debug.SetGCPercent(tt.start)
			restore := GCForStreaming()
			during := gcPercent()
			restore()
			got := []int{during, gcPercent()}
			if diff := cmp.Diff([]int{tt.during, tt.end}, got); diff != "" {
				t.Errorf("GC percent while streaming and after (-want +got):\n%s", diff)
			}
		})
	}
}
