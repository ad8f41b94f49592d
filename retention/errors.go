package retention

import (
	"errors"
	"strings"
)

// Kind classifies an error so that callers can react to it without parsing
// messages. A Kind is itself an error, so the kinds double as sentinels:
//
//	if errors.Is(err, retention.ErrNotFound) { … }
type Kind uint8

// The error kinds. Every error returned by this module and its adapters is, or
// wraps, an *Error carrying one of them.
const (
	// ErrInvalid: the input breaks a rule (a malformed date, an unknown
	// reference, a negative odometer, an invalid policy).
	ErrInvalid Kind = iota + 1
	// ErrNotFound: the record asked for does not exist.
	ErrNotFound
	// ErrConflict: the write collides with existing data (a duplicate id).
	ErrConflict
	// ErrInternal: the store or the program failed; not the caller's fault.
	ErrInternal
)

var kindNames = [...]string{"", "invalid", "not-found", "conflict", "internal"}

// Error returns the kind's name ("invalid", "not-found", …).
func (k Kind) Error() string {
	if int(k) < len(kindNames) && k != 0 {
		return kindNames[k]
	}
	return "unknown"
}

// Error is the error type of the module. Record and Field name the offending
// input ("vehicles/LFV123", "deliveredOn") so that a DMS screen can point at it.
type Error struct {
	Kind   Kind   // what went wrong, in general
	Op     string // the operation, e.g. "sqlstore.Import"; may be empty
	Record string // the record, as "collection/id"; may be empty
	Field  string // the field of the record, in its JSON spelling; may be empty
	Msg    string // what is wrong, for people
	Err    error  // the underlying error, if any
}

// Error formats the error as "op: record: field: message: cause", leaving out
// the empty parts.
func (e *Error) Error() string {
	var b strings.Builder
	add := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(s)
	}
	add(e.Op)
	add(e.Record)
	add(e.Field)
	add(e.Msg)
	if e.Err != nil {
		add(e.Err.Error())
	}
	if b.Len() == 0 {
		return e.Kind.Error()
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's Kind, so that errors.Is(err, ErrInvalid)
// holds for every invalid-input error.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// ErrorKind returns the Kind of the first *Error in err's chain, or
// ErrInternal when err is not nil and carries none, or 0 for a nil err.
func ErrorKind(err error) Kind {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ErrInternal
}

// invalid builds an ErrInvalid error about a record's field.
func invalid(record, field, msg string) *Error {
	return &Error{Kind: ErrInvalid, Record: record, Field: field, Msg: msg}
}

// Invalid returns an ErrInvalid *Error naming the record and field, for
// adapters and callers that validate input of their own.
func Invalid(record, field, msg string) error { return invalid(record, field, msg) }
