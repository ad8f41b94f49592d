package retention

import "errors"

// problemsOf flattens a joined validation error into "record: field"
// strings, in order.
func problemsOf(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, problemsOf(e)...)
		}
		return out
	}
	var e *Error
	if errors.As(err, &e) {
		return []string{e.Record + ": " + e.Field}
	}
	return []string{err.Error()}
}
