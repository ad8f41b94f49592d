package app

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"unsafe"

	"github.com/rickb777/date"
)

// spill sorts values that need not fit in memory (an external merge sort).
// It holds up to limit bytes of them; when it has more, it sorts what it
// holds and writes it to a temporary file as a run. All merges the runs
// with what it holds. A spill that never outgrows its limit touches no file.
//
// The values are written with put and read back with get, which must give
// back a value that compares (compare) as the one written. compare must be a
// total order when the result has to be deterministic: values that compare
// equal may come in any order.
type spill[T any] struct {
	compare func(a, b *T) int
	put     func(b []byte, v *T) []byte
	get     func(d *decoder) T
	limit   int    // bytes held before a run is written
	dir     string // for the temporary file; "" is os.TempDir

	held  []T
	recs  []byte   // their encodings, one after another
	offs  []int    // where each one's encoding starts in recs
	order []int32  // held's indices, sorted
	f     *os.File // the runs, one after another; nil until the first
	w     *bufio.Writer
	ends  []int64 // where each run ends in f
}

// spillLimit is the memory a spill holds when Engine.SpillBytes is 0.
const spillLimit = 256 << 10

// newSpill returns an empty spill of limit bytes (at least 1).
func newSpill[T any](limit int, dir string, compare func(a, b *T) int, put func([]byte, *T) []byte, get func(*decoder) T) *spill[T] {
	return &spill[T]{compare: compare, put: put, get: get, limit: max(limit, 1), dir: dir}
}

// Add adds v; it writes a run when the spill holds more than its limit:
// the values and their encodings.
func (s *spill[T]) Add(v T) error {
	s.offs = append(s.offs, len(s.recs))
	s.held, s.recs = append(s.held, v), s.put(s.recs, &v)
	if s.size() > s.limit {
		return s.flush()
	}
	return nil
}

// size estimates the memory of what the spill holds: the values, the
// strings they point to (about as long as their encodings) and their
// encodings.
func (s *spill[T]) size() int {
	var zero T
	return len(s.held)*int(unsafe.Sizeof(zero)) + 2*len(s.recs)
}

// sort sorts the indices of what the spill holds (sorting the values would
// copy them, however large, at every swap).
func (s *spill[T]) sort() {
	s.order = s.order[:0]
	for i := range s.held {
		s.order = append(s.order, int32(i))
	}
	slices.SortFunc(s.order, func(i, j int32) int { return s.compare(&s.held[i], &s.held[j]) })
}

// flush sorts what the spill holds and writes it as a run.
func (s *spill[T]) flush() error {
	if len(s.held) == 0 {
		return nil
	}
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, "dcrc-spill-*")
		if err != nil {
			return err
		}
		s.f, s.w = f, bufio.NewWriterSize(f, 64<<10)
	}
	s.sort()
	end := int64(0)
	if len(s.ends) > 0 {
		end = s.ends[len(s.ends)-1]
	}
	s.offs = append(s.offs, len(s.recs))
	for _, i := range s.order {
		rec := s.recs[s.offs[i]:s.offs[i+1]]
		var n [binary.MaxVarintLen64]byte
		k := binary.PutUvarint(n[:], uint64(len(rec)))
		s.w.Write(n[:k])
		s.w.Write(rec)
		end += int64(k + len(rec))
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	s.ends = append(s.ends, end)
	clear(s.held) // let the strings go
	s.held, s.recs, s.offs = s.held[:0], s.recs[:0], s.offs[:0]
	return nil
}

// All yields the values added, in order, once every value has been added.
// Values that compare equal come in no set order. It reads the runs once;
// a spill is read at most once, then closed.
func (s *spill[T]) All() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		s.sort()
		// The heads: the next value of each run and of what is held, in a
		// binary heap by value. A head's source is a run's reader, or nil
		// for what is held.
		type head struct {
			v   T
			r   *bufio.Reader
			buf []byte
		}
		var heads []head
		start := int64(0)
		// The runs' read buffers share the spill's limit, so that merging
		// many runs holds no more than writing them did (down to 512 bytes
		// a run: a merge of more than limit/512 runs holds more).
		bufSize := min(max(s.limit/max(len(s.ends), 1), 512), 64<<10)
		for _, end := range s.ends {
			r := bufio.NewReaderSize(io.NewSectionReader(s.f, start, end-start), bufSize)
			start = end
			h := head{r: r}
			ok, err := next(r, &h.buf, s.get, &h.v)
			if err != nil {
				yield(zero, err)
				return
			}
			if ok {
				heads = append(heads, h)
			}
		}
		held := s.order
		if len(held) > 0 {
			heads = append(heads, head{v: s.held[held[0]]})
			held = held[1:]
		}
		less := func(i, j int) bool { return s.compare(&heads[i].v, &heads[j].v) < 0 }
		down := func(i int) {
			for {
				l := 2*i + 1
				if l >= len(heads) {
					return
				}
				m := l
				if r := l + 1; r < len(heads) && less(r, l) {
					m = r
				}
				if !less(m, i) {
					return
				}
				heads[i], heads[m] = heads[m], heads[i]
				i = m
			}
		}
		for i := len(heads)/2 - 1; i >= 0; i-- {
			down(i)
		}
		for len(heads) > 0 {
			h := &heads[0]
			if !yield(h.v, nil) {
				return
			}
			more := true
			if h.r == nil {
				if more = len(held) > 0; more {
					h.v, held = s.held[held[0]], held[1:]
				}
			} else {
				var err error
				if more, err = next(h.r, &h.buf, s.get, &h.v); err != nil {
					yield(zero, err)
					return
				}
			}
			if !more {
				heads[0] = heads[len(heads)-1]
				heads = heads[:len(heads)-1]
			}
			down(0)
		}
	}
}

// Close removes the spill's file and lets go of what it holds. A spill may
// be closed more than once.
func (s *spill[T]) Close() error {
	s.held, s.recs, s.offs, s.order = nil, nil, nil, nil
	if s.f == nil {
		return nil
	}
	name := s.f.Name()
	err := s.f.Close()
	s.f = nil
	return errors.Join(err, os.Remove(name))
}

// next reads the next record of a run into v; it reports false at the end
// of the run. buf is the record's buffer, reused.
func next[T any](r *bufio.Reader, buf *[]byte, get func(*decoder) T, v *T) (bool, error) {
	n, err := binary.ReadUvarint(r)
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("spill: reading a record's length: %w", err)
	}
	if n > 1<<30 {
		return false, fmt.Errorf("spill: a record of %d bytes", n)
	}
	*buf = slices.Grow((*buf)[:0], int(n))[:n]
	if _, err := io.ReadFull(r, *buf); err != nil {
		return false, fmt.Errorf("spill: reading a record: %w", err)
	}
	d := decoder{b: *buf}
	*v = get(&d)
	if d.err != nil || len(d.b) > 0 {
		return false, fmt.Errorf("spill: a record of %d bytes does not decode", n)
	}
	return true, nil
}

// The encodings of a record's fields: integers as varints, strings with
// their length before them, dates as days since 1970.

func putInt(b []byte, v int64) []byte { return binary.AppendVarint(b, v) }
func putString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}
func putDate(b []byte, d date.Date) []byte {
	return binary.AppendVarint(b, int64(d.DaysSinceEpoch()))
}

// decoder reads the fields of a record in the order they were put; after
// the first error (a short or malformed record) it reads zeros, and err
// says what went wrong.
type decoder struct {
	b   []byte
	err error
}

var errRecord = errors.New("spill: malformed record")

func (d *decoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || uint64(len(d.b)-k) < n {
		d.fail()
		return ""
	}
	s := string(d.b[k : k+int(n)])
	d.b = d.b[k+int(n):]
	return s
}

func (d *decoder) date() date.Date { return date.NewOfDays(date.PeriodOfDays(d.int())) }

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errRecord
	}
	d.b = nil
}
