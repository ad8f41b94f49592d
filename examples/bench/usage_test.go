package main

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1.0k"}, {1349, "1.3k"}, {9949, "9.9k"}, {9950, "10k"}, {12_400, "12k"},
		{280_000, "280k"}, {1_000_000, "1.0M"}, {1_340_000, "1.3M"}, {12_000_000, "12M"}} {
		if got := count(c.n); got != c.want {
			t.Errorf("count(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
