package app

import (
	"bufio"
	"container/heap"
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
// with what it holds, and merged the runs and holdings of several spills
// (one per partition, each filled without a lock). A spill that never
// outgrows its limit touches no file.
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

	n     int // values added
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
	s.n++
	s.offs = append(s.offs, len(s.recs))
	s.held = append(s.held, v)
	s.recs = s.put(s.recs, &s.held[len(s.held)-1]) // not &v, which would move v to the heap
	if s.size() > s.limit {
		return s.flush()
	}
	return nil
}

// Len returns the number of values added.
func (s *spill[T]) Len() int { return s.n }

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
		s.f, s.w = f, bufio.NewWriterSize(f, min(64<<10, max(s.limit/4, 4<<10))) // a quarter of the limit, at most 64 KiB
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
		s.w.Write(n[:k]) // a write error sticks: Flush returns it
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

// merged yields the values added to spills, which share their compare and
// get, in order, once every value has been added. Values that compare
// equal come in no set order. It reads each spill's runs once and sorts
// what each holds.
func merged[T any](spills ...*spill[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if len(spills) == 0 {
			return
		}
		h := &heads[T]{compare: spills[0].compare}
		for _, s := range spills {
			s.sort()
			if len(s.order) > 0 {
				h.hs = append(h.hs, head[T]{v: s.held[s.order[0]], s: s, held: s.order[1:]})
			}
			// The runs' read buffers share the spill's limit, so that
			// merging many runs holds no more than writing them did (down
			// to 512 bytes a run: a merge of more than limit/512 runs holds
			// more).
			size := min(max(s.limit/max(len(s.ends), 1), 512), 64<<10)
			start := int64(0)
			for _, end := range s.ends {
				r := head[T]{r: bufio.NewReaderSize(io.NewSectionReader(s.f, start, end-start), size)}
				start = end
				ok, err := next(r.r, &r.buf, s.get, &r.v)
				if err != nil {
					yield(zero, err)
					return
				}
				if ok {
					h.hs = append(h.hs, r)
				}
			}
		}
		heap.Init(h)
		for len(h.hs) > 0 {
			top := &h.hs[0]
			if !yield(top.v, nil) {
				return
			}
			more, err := top.next(spills[0].get)
			if err != nil {
				yield(zero, err)
				return
			}
			if more {
				heap.Fix(h, 0)
			} else {
				heap.Pop(h)
			}
		}
	}
}

// All yields the values added, in order (merged).
func (s *spill[T]) All() iter.Seq2[T, error] { return merged(s) }

// head is the next value of a run, or of what a spill holds, in a merge.
type head[T any] struct {
	v T
	// The source: a run's reader and its record's buffer, or, when r is
	// nil, the rest of what spill s holds, by index.
	r    *bufio.Reader
	buf  []byte
	s    *spill[T]
	held []int32
}

// next moves the head to its source's next value; it reports false at the
// end of the source.
func (h *head[T]) next(get func(*decoder) T) (bool, error) {
	if h.r != nil {
		return next(h.r, &h.buf, get, &h.v)
	}
	if len(h.held) == 0 {
		return false, nil
	}
	h.v, h.held = h.s.held[h.held[0]], h.held[1:]
	return true, nil
}

// heads is a merge's heads in a binary heap by value (container/heap).
type heads[T any] struct {
	hs      []head[T]
	compare func(a, b *T) int
}

// Len implements heap.Interface.
func (h *heads[T]) Len() int { return len(h.hs) }

// Less implements heap.Interface: by the heads' values.
func (h *heads[T]) Less(i, j int) bool { return h.compare(&h.hs[i].v, &h.hs[j].v) < 0 }

// Swap implements heap.Interface.
func (h *heads[T]) Swap(i, j int) { h.hs[i], h.hs[j] = h.hs[j], h.hs[i] }

// Push implements heap.Interface.
func (h *heads[T]) Push(x any) { h.hs = append(h.hs, x.(head[T])) }

// Pop implements heap.Interface.
func (h *heads[T]) Pop() any {
	last := h.hs[len(h.hs)-1]
	h.hs = h.hs[:len(h.hs)-1]
	return last
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

// closeAll closes spills (Close), each whatever the others return.
func closeAll[T any](spills ...*spill[T]) error {
	errs := make([]error, len(spills))
	for i, s := range spills {
		errs[i] = s.Close()
	}
	return errors.Join(errs...)
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
