package sqlstore

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
	"github.com/shopspring/decimal"
)

// The conversions between records and columns, written once for both
// dialects. Arguments are plain strings and numbers that SQLite stores as
// is and PostgreSQL casts to DATE, NUMERIC and TIMESTAMPTZ; scanners accept
// what either driver returns.

// instantLayout is fixed-width UTC, so that SQLite's text order is time
// order.
// Instants are kept to the microsecond (retention.InstantPrecision).
const instantLayout = "2006-01-02T15:04:05.000000Z"

func dateArg(d date.Date) string { return d.String() }

func optDateArg(d *date.Date) any {
	if d == nil {
		return nil
	}
	return d.String()
}

func instantArg(t time.Time) string {
	return t.UTC().Truncate(retention.InstantPrecision).Format(instantLayout)
}

func optInstantArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return instantArg(*t)
}

func jsonArg(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func textArg(t encoding.TextMarshaler) (string, error) {
	b, err := t.MarshalText()
	return string(b), err
}

// dateCol scans a DATE (time.Time from PostgreSQL) or ISO TEXT (SQLite);
// NULL leaves Valid false.
type dateCol struct {
	D     date.Date
	Valid bool
}

// Scan implements sql.Scanner.
func (c *dateCol) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		c.Valid = false
		return nil
	case time.Time:
		c.D, c.Valid = date.New(x.Date()), true
		return nil
	case string:
		return c.parse(x)
	case []byte:
		return c.parse(string(x))
	}
	return fmt.Errorf("sqlstore: cannot scan %T into a date", v)
}

func (c *dateCol) parse(s string) error {
	d, err := retention.ParseDate(s)
	c.D, c.Valid = d, err == nil
	return err
}

// text reads a DATE in PostgreSQL's ISO text format, nil for NULL.
func (c *dateCol) text(b []byte) error {
	if b == nil {
		c.Valid = false
		return nil
	}
	return c.parse(string(b))
}

func (c *dateCol) ptr() *date.Date {
	if !c.Valid {
		return nil
	}
	d := c.D
	return &d
}

// instantCol scans a TIMESTAMPTZ or fixed-width TEXT.
type instantCol struct {
	T     time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (c *instantCol) Scan(v any) error {
	var s string
	switch x := v.(type) {
	case nil:
		c.Valid = false
		return nil
	case time.Time:
		c.T, c.Valid = x.UTC(), true
		return nil
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return fmt.Errorf("sqlstore: cannot scan %T into an instant", v)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	c.T, c.Valid = t, err == nil
	return err
}

// text reads an instant in the text format (Dialect.TextRows), nil for
// NULL: a TIMESTAMPTZ in PostgreSQL's ISO form ("2026-11-22
// 09:30:00.25+00", the offset the session's time zone's: ±hh, ±hh:mm or
// ±hh:mm:ss), or SQLite's TEXT as dcrc writes it (instantLayout, UTC) and
// Scan reads it.
func (c *instantCol) text(b []byte) error {
	if b == nil {
		c.Valid = false
		return nil
	}
	layout := ""
	if len(b) > 0 && b[len(b)-1] == 'Z' {
		layout = time.RFC3339Nano // as Scan reads it
	} else if i := bytes.LastIndexAny(b, "+-"); i >= len("2006-01-02 15:04:05") {
		switch len(b) - i {
		case len("+07"):
			layout = "2006-01-02 15:04:05.999999-07"
		case len("+07:00"):
			layout = "2006-01-02 15:04:05.999999-07:00"
		case len("+07:00:00"):
			layout = "2006-01-02 15:04:05.999999-07:00:00"
		}
	}
	if layout == "" {
		c.Valid = false
		return fmt.Errorf("sqlstore: cannot read %q as an instant", b)
	}
	t, err := time.Parse(layout, string(b))
	c.T, c.Valid = t.UTC(), err == nil
	return err
}

func (c *instantCol) ptr() *time.Time {
	if !c.Valid {
		return nil
	}
	t := c.T
	return &t
}

// enumCol scans TEXT into an enumeration.
type enumCol struct{ into encoding.TextUnmarshaler }

// Scan implements sql.Scanner.
func (c enumCol) Scan(v any) error {
	switch x := v.(type) {
	case string:
		return c.into.UnmarshalText([]byte(x))
	case []byte:
		return c.into.UnmarshalText(x)
	}
	return fmt.Errorf("sqlstore: cannot scan %T into an enumeration", v)
}

// answersCol scans a survey's answers, JSON TEXT (answersOf).
type answersCol struct{ into *map[string]int }

// Scan implements sql.Scanner.
func (c answersCol) Scan(v any) error {
	var err error
	switch x := v.(type) {
	case string:
		*c.into, err = answersOf([]byte(x))
	case []byte:
		*c.into, err = answersOf(x)
	default:
		err = fmt.Errorf("sqlstore: cannot scan %T as JSON", v)
	}
	return err
}

// decimalOf converts a NUMERIC read as text ("-12.50") into the decimal
// that decimal.NewFromString returns for it, with the same coefficient and
// exponent, without its string handling and big-integer parsing for the
// common case: an optional minus sign, at most 18 digits and an optional
// fraction. Anything else (an exponent, more digits) goes through
// NewFromString.
func decimalOf(b []byte) (decimal.Decimal, error) {
	i, neg := 0, false
	if len(b) > 0 && b[0] == '-' {
		neg, i = true, 1
	}
	var v int64
	digits, frac, dot := 0, 0, false
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c >= '0' && c <= '9':
			v = v*10 + int64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			digits = 19 // not the common case
		}
		if digits > 18 {
			return decimal.NewFromString(string(b))
		}
	}
	if digits == 0 || (dot && frac == 0) {
		return decimal.NewFromString(string(b)) // "", "-", "1.": its error or its reading
	}
	if neg {
		v = -v
	}
	return decimal.New(v, int32(-frac)), nil
}

// codesOf reads a visit's complaint codes, a JSON array of strings, as
// json.Unmarshal does: "null" is nil, "[]" empty. Arrays as jsonArg writes
// them (["A1","B2"]: no spaces, codes of printable ASCII without quotes or
// backslashes) are split without the JSON decoder; anything else goes
// through it.
func codesOf(b []byte) ([]string, error) {
	switch string(b) {
	case "null":
		return nil, nil
	case "[]":
		return []string{}, nil
	}
	if len(b) >= 4 && b[0] == '[' && b[1] == '"' && b[len(b)-2] == '"' && b[len(b)-1] == ']' {
		inner := b[2 : len(b)-2] // A1","B2
		codes := make([]string, 0, bytes.Count(inner, []byte(`","`))+1)
		for part := range bytes.SplitSeq(inner, []byte(`","`)) {
			if !plainCode(part) {
				codes = nil
				break
			}
			codes = append(codes, string(part))
		}
		if codes != nil {
			return codes, nil
		}
	}
	var codes []string
	err := json.Unmarshal(b, &codes)
	return codes, err
}

// plainCode reports whether a JSON string's contents need no decoding:
// printable ASCII without quotes or backslashes.
func plainCode(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// answersOf reads a survey's answers, a JSON object of question ids to
// integers, as json.Unmarshal reads it into a map[string]int: "null" is
// nil, "{}" empty. Objects as jsonArg writes them ({"q1":5,"q2":4}: no
// spaces, ids of printable ASCII without quotes or backslashes, integers
// of at most 9 digits without leading zeros, a fraction or an exponent)
// are read without the JSON decoder; anything else goes through it.
func answersOf(b []byte) (map[string]int, error) {
	if m, ok := plainAnswers(b); ok {
		return m, nil
	}
	var m map[string]int
	err := json.Unmarshal(b, &m)
	return m, err
}

// plainAnswers reads an object as jsonArg writes it, or reports false.
func plainAnswers(b []byte) (map[string]int, bool) {
	if len(b) < 2 || b[0] != '{' || b[len(b)-1] != '}' {
		return nil, false
	}
	inner := b[1 : len(b)-1] // "q1":5,"q2":4
	m := make(map[string]int, bytes.Count(inner, []byte{':'}))
	for len(inner) > 0 {
		if inner[0] != '"' {
			return nil, false
		}
		end := bytes.IndexByte(inner[1:], '"') + 1 // the id's closing quote
		if end == 0 || !plainCode(inner[1:end]) || end+1 >= len(inner) || inner[end+1] != ':' {
			return nil, false
		}
		id, rest := inner[1:end], inner[end+2:]
		num := rest
		if comma := bytes.IndexByte(rest, ','); comma >= 0 {
			num, rest = rest[:comma], rest[comma+1:]
			if len(rest) == 0 { // a comma before the closing brace
				return nil, false
			}
		} else {
			rest = nil
		}
		v, ok := plainJSONInt(num)
		if !ok {
			return nil, false
		}
		m[string(id)] = v
		inner = rest
	}
	return m, true
}

// plainJSONInt reads a JSON number that is an integer of at most 9 digits
// (an int on any platform) without a sign but a minus, leading zeros, a
// fraction or an exponent (intOf), or reports false.
func plainJSONInt(b []byte) (int, bool) {
	digits := bytes.TrimPrefix(b, []byte{'-'})
	if len(digits) == 0 || len(digits) > 9 || digits[0] < '0' || digits[0] > '9' || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	v, err := intOf(b)
	return int(v), err == nil
}

// intOf reads an integer in the text format: digits after an optional
// minus sign, as strconv.ParseInt reads them, without copying b for the
// common case (at most 18 digits).
func intOf(b []byte) (int64, error) {
	digits := b
	if len(b) > 0 && b[0] == '-' {
		digits = b[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		return strconv.ParseInt(string(b), 10, 64)
	}
	var v int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return strconv.ParseInt(string(b), 10, 64)
		}
		v = v*10 + int64(c-'0')
	}
	if len(digits) < len(b) {
		v = -v
	}
	return v, nil
}

// interner keeps one copy of each string it is given, up to a bound: the
// names that repeat across the rows of a stream (dealers, staff,
// enumerations) then cost one allocation each, not one per row. Past the
// bound (a column of distinct values) it copies without keeping.
type interner struct{ m map[string]string }

// internMax bounds an interner: staff and dealers of a large network.
const internMax = 1 << 14

// of returns b as a string, kept once.
func (in *interner) of(b []byte) string {
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if in.m == nil {
		in.m = map[string]string{}
	}
	if len(in.m) < internMax {
		in.m[s] = s
	}
	return s
}

// isTrue reads a boolean in the text format: PostgreSQL's BOOLEAN ("t")
// or SQLite's INTEGER ("1").
func isTrue(b []byte) bool { return string(b) == "t" || string(b) == "1" }
