package sqlstore

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
)

// sameDecimal reports whether decimalOf(s) is what decimal.NewFromString
// returns: the same coefficient and exponent (so the same String), or an
// error for both.
func sameDecimal(t *testing.T, s string) {
	t.Helper()
	got, gotErr := decimalOf([]byte(s))
	want, wantErr := decimal.NewFromString(s)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("decimalOf(%q) error %v, NewFromString error %v", s, gotErr, wantErr)
	}
	if gotErr == nil && (got.Exponent() != want.Exponent() || got.Coefficient().Cmp(want.Coefficient()) != 0) {
		t.Fatalf("decimalOf(%q) = %s (%s e%d), NewFromString = %s (%s e%d)", s, got, got.Coefficient(), got.Exponent(),
			want, want.Coefficient(), want.Exponent())
	}
}

func TestDecimalOf(t *testing.T) {
	for _, s := range []string{"0", "-0", "0.00", "-0.00", "12", "12.5", "12.50", "-12.50", "0012.50", ".5", "-.5",
		"999999999999999999", "-999999999999999999", "99999999999999999.9", // 18 digits: the fast path's longest
		"1000000000000000000", "9999999999999999999.99", "123456789012345678901234567890.1234", // longer
		"1e3", "1.5E-2", "+7", "+7.25", "", "-", ".", "1.", "-1.", "1..2", "1.2.3", "abc", "12a", " 1", "1 ", "--1"} {
		sameDecimal(t, s)
	}
}

func FuzzDecimalOf(f *testing.F) {
	for _, s := range []string{"12.50", "-0.01", "999999999999999999", "1e3", "+1", "."} {
		f.Add(s)
	}
	f.Fuzz(sameDecimal)
}

// sameJSON reports whether read(s) is what json.Unmarshal reads into a T:
// the same error or not, the same nil or not, the same value.
func sameJSON[T any](t *testing.T, name string, read func([]byte) (T, error), s string) {
	t.Helper()
	got, gotErr := read([]byte(s))
	var want T
	wantErr := json.Unmarshal([]byte(s), &want)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("%s(%q) error %v, json.Unmarshal error %v", name, s, gotErr, wantErr)
	}
	if gotErr != nil {
		return
	}
	if reflect.ValueOf(got).IsNil() != reflect.ValueOf(want).IsNil() {
		t.Fatalf("%s(%q) = %#v, json.Unmarshal reads %#v", name, s, got, want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s(%q) (-json.Unmarshal +%s):\n%s", name, s, name, diff)
	}
}

// sameCodes reports whether codesOf(s) is what json.Unmarshal reads.
func sameCodes(t *testing.T, s string) { t.Helper(); sameJSON(t, "codesOf", codesOf, s) }

func TestCodesOf(t *testing.T) {
	for _, s := range []string{"null", "[]", `["A1"]`, `["A1","B2"]`, `["A1","B2","C3"]`, `[""]`, `["",""]`, `["A1",""]`,
		`["A\"1"]`, `["A\\1"]`, `["A\u00e91"]`, `["é"]`, "[\"\xff\"]", "[\"a\tb\"]", `["A1", "B2"]`, `[ "A1"]`,
		`["A"",""B"]`, `["A1","B2`, `["A1"`, `[1]`, `[null]`, `{}`, ``, `"A1"`, `["A1"]x`, `[]  `} {
		sameCodes(t, s)
	}
}

func FuzzCodesOf(f *testing.F) {
	for _, s := range []string{`["A1","B2"]`, "null", "[]", `["A\"1"]`, `[""]`} {
		f.Add(s)
	}
	f.Fuzz(sameCodes)
}

// sameAnswers reports whether answersOf(s) is what json.Unmarshal reads.
func sameAnswers(t *testing.T, s string) { t.Helper(); sameJSON(t, "answersOf", answersOf, s) }

func TestAnswersOf(t *testing.T) {
	for _, s := range []string{"null", "{}", `{"q1":5}`, `{"q1":5,"q2":4}`, `{"facility":4,"service-advisor":5,"vehicle-pickup":3}`,
		`{"q1":-1}`, `{"q1":0}`, `{"q1":-0}`, `{"q1":05}`, `{"q1":00}`, `{"q1":999999999}`, `{"q1":-999999999}`, // 9 digits: the fast path's longest
		`{"q1":9999999999}`, `{"q1":99999999999999999999}`, `{"q1":1.0}`, `{"q1":1e2}`, `{"q1":+1}`, `{"q1":"5"}`, `{"q1":null}`,
		`{"q1":5,"q1":4}`, `{"":5}`, `{"a:b":1}`, `{"a,b":1,"c":2}`, `{"q\"1":5}`, `{"q\u00e91":5}`, `{"é":5}`, "{\"\xff\":5}",
		"{\"a\tb\":5}", `{ "q1":5}`, `{"q1": 5}`, `{"q1":5 }`, `{"q1":5,}`, `{,"q1":5}`, `{"q1":5,,"q2":4}`, `{"q1"5}`, `{"q1":}`,
		`{"q1":5`, `"q1":5}`, `{"q1`, `{"q1"}`, `{q1:5}`, `[]`, ``, `{}x`, `{"q1":5}  `, `{"q1":5}{}`} {
		sameAnswers(t, s)
	}
	// What the store writes takes the fast path.
	for _, m := range []map[string]int{{}, {"q1": 5}, {"facility": 4, "service-advisor": 5, "service-quality": -1, "x": 0}} {
		js, err := jsonArg(m)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := plainAnswers([]byte(js)); !ok || !cmp.Equal(m, got) {
			t.Errorf("plainAnswers(%s) = %v, %v", js, got, ok)
		}
	}
}

func FuzzAnswersOf(f *testing.F) {
	for _, s := range []string{`{"q1":5,"q2":4}`, "null", "{}", `{"q\"1":5}`, `{"q1":05}`, `{"q1": 5}`} {
		f.Add(s)
	}
	f.Fuzz(sameAnswers)
}

// sameInt reports whether intOf(s) is what strconv.ParseInt reads.
func sameInt(t *testing.T, s string) {
	t.Helper()
	got, gotErr := intOf([]byte(s))
	want, wantErr := strconv.ParseInt(s, 10, 64)
	if (gotErr != nil) != (wantErr != nil) || got != want {
		t.Fatalf("intOf(%q) = %d, %v; strconv.ParseInt: %d, %v", s, got, gotErr, want, wantErr)
	}
}

func TestIntOf(t *testing.T) {
	for _, s := range []string{"0", "-0", "7", "-7", "0042", "999999999999999999", "-999999999999999999",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "", "-", "+7", "1.0", "1e3", " 1", "x"} {
		sameInt(t, s)
	}
}

func FuzzIntOf(f *testing.F) {
	for _, s := range []string{"12", "-3", "9223372036854775807", "+1", ""} {
		f.Add(s)
	}
	f.Fuzz(sameInt)
}

func TestInstantText(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	for _, c := range []struct {
		text string
		want time.Time // zero: an error
	}{
		{"2026-11-22 09:30:00+00", at("2026-11-22T09:30:00Z")},
		{"2026-11-22 09:30:00.25+00", at("2026-11-22T09:30:00.25Z")},
		{"2026-11-22 09:30:00.123456+00", at("2026-11-22T09:30:00.123456Z")},
		{"2026-11-22 15:00:00.5+05:30", at("2026-11-22T09:30:00.5Z")},
		{"2026-11-22 06:30:00-03", at("2026-11-22T09:30:00Z")},
		{"1890-01-01 05:53:28+05:53:28", at("1890-01-01T00:00:00Z")},
		{"2026-11-22T09:30:00.250000Z", at("2026-11-22T09:30:00.25Z")}, // SQLite's, as dcrc writes it
		{"2026-11-22T09:30:00Z", at("2026-11-22T09:30:00Z")},
		{"2026-11-22", time.Time{}},
		{"2026-11-22 09:30:00Z", time.Time{}},
		{"Z", time.Time{}},
		{"", time.Time{}},
		{"infinity", time.Time{}},
		{"2026-11-22 09:30:00+0", time.Time{}},
	} {
		var c2 instantCol
		err := c2.text([]byte(c.text))
		if c.want.IsZero() {
			if err == nil || c2.Valid {
				t.Errorf("%q: read as %v, want an error", c.text, c2.T)
			}
			continue
		}
		if err != nil || !c2.Valid || !c2.T.Equal(c.want) || c2.T.Location() != time.UTC {
			t.Errorf("%q: %v (valid %v, %v), want %v in UTC", c.text, c2.T, c2.Valid, err, c.want)
		}
	}
	var null instantCol
	if err := null.text(nil); err != nil || null.Valid {
		t.Errorf("NULL: valid %v, %v", null.Valid, err)
	}
}

// TestIsTrue: a boolean reads as true in PostgreSQL's text format and as
// SQLite's INTEGER, and as nothing else.
func TestIsTrue(t *testing.T) {
	for _, c := range []struct {
		text []byte
		want bool
	}{
		{[]byte("t"), true}, {[]byte("1"), true},
		{[]byte("f"), false}, {[]byte("0"), false}, {[]byte(""), false}, {nil, false},
		{[]byte("true"), false}, {[]byte("10"), false}, {[]byte("T"), false},
	} {
		if got := isTrue(c.text); got != c.want {
			t.Errorf("isTrue(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
