package sqlstore

import (
	"encoding"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
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

// jsonCol scans JSON TEXT.
type jsonCol struct{ into any }

// Scan implements sql.Scanner.
func (c jsonCol) Scan(v any) error {
	switch x := v.(type) {
	case string:
		return json.Unmarshal([]byte(x), c.into)
	case []byte:
		return json.Unmarshal(x, c.into)
	}
	return fmt.Errorf("sqlstore: cannot scan %T as JSON", v)
}
