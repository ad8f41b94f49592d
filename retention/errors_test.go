package retention

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestErrorKinds(t *testing.T) {
	cause := context.Canceled
	err := fmt.Errorf("import: %w", &Error{Kind: ErrInternal, Op: "sqlstore.Import", Msg: "cancelled", Err: cause})
	if !errors.Is(err, ErrInternal) || errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is by kind: got internal=%v invalid=%v", errors.Is(err, ErrInternal), errors.Is(err, ErrInvalid))
	}
	if !errors.Is(err, context.Canceled) {
		t.Error("the cause is not reachable through Unwrap")
	}
	if got := ErrorKind(err); got != ErrInternal {
		t.Errorf("ErrorKind = %v, want internal", got)
	}
	if got := ErrorKind(errors.New("plain")); got != ErrInternal {
		t.Errorf("ErrorKind(plain error) = %v, want internal", got)
	}
	if got := ErrorKind(nil); got != 0 {
		t.Errorf("ErrorKind(nil) = %v, want 0", got)
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Kind: ErrInvalid, Record: "vehicles/V1", Field: "deliveredOn", Msg: `no such date "2025-02-30"`},
			`vehicles/V1: deliveredOn: no such date "2025-02-30"`},
		{&Error{Kind: ErrNotFound, Op: "memstore.Customer", Record: "customers/C9", Msg: "no such customer"},
			"memstore.Customer: customers/C9: no such customer"},
		{&Error{Kind: ErrConflict}, "conflict"},
		{&Error{Kind: ErrInternal, Op: "sqlstore.Import", Err: errors.New("disk full")}, "sqlstore.Import: disk full"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	if got := Kind(99).Error(); got != "unknown" {
		t.Errorf("Kind(99) = %q", got)
	}
}
