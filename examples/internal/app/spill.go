package app

import (
	"bufio"
	"context"
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
// (one per partition, each filled without a lock). A merge reads at most
// fan runs of a spill at once, so that its read buffers share the limit;
// a spill with more first merges them into longer runs (compact). A spill
// whose values came in order (each comparing no less than the one added
// before it, as a stream's do when the spill orders them as the stream
// does) sorts nothing, and its runs, which then follow one another in
// order, are read as one. A spill that never outgrows its limit touches no
// file. Where the system lets an open file lose its name (Unix), a spill's
// file has none (runFile): a process killed while it sorts leaves nothing
// in the directory.
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
	last  T        // the last value of the last run written, while the values come in order
	mixed bool     // a value was added after one that follows it: the values are not in order
	recs  []byte   // their encodings, one after another
	offs  []int    // where each one's encoding starts in recs
	order []int32  // held's indices, sorted
	f     *runFile // the runs, one after another; nil until the first
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
	v1 := &s.held[len(s.held)-1] // not &v, which would move v to the heap
	if !s.mixed && s.n > 1 {
		v0 := &s.last
		if len(s.held) > 1 {
			v0 = &s.held[len(s.held)-2]
		}
		s.mixed = s.compare(v0, v1) > 0
	}
	s.recs = s.put(s.recs, v1)
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
// copy them, however large, at every swap), unless they came in order.
func (s *spill[T]) sort() {
	s.order = s.order[:0]
	for i := range s.held {
		s.order = append(s.order, int32(i))
	}
	if s.mixed {
		slices.SortFunc(s.order, func(i, j int32) int { return s.compare(&s.held[i], &s.held[j]) })
	}
}

// flush sorts what the spill holds and writes it as a run.
func (s *spill[T]) flush() error {
	if len(s.held) == 0 {
		return nil
	}
	if s.f == nil {
		var err error
		if s.f, s.w, err = s.create(); err != nil {
			return err
		}
	}
	s.sort()
	end := int64(0)
	if len(s.ends) > 0 {
		end = s.ends[len(s.ends)-1]
	}
	s.offs = append(s.offs, len(s.recs))
	for _, i := range s.order {
		end += writeRecord(s.w, s.recs[s.offs[i]:s.offs[i+1]])
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	s.ends = append(s.ends, end)
	if !s.mixed {
		s.last = s.held[len(s.held)-1]
	}
	clear(s.held) // let the strings go
	s.held, s.recs, s.offs = s.held[:0], s.recs[:0], s.offs[:0]
	return nil
}

// minRead is the smallest read buffer a merge gives a run: the runs' buffers
// share the spill's limit, so a spill merges at most limit/minRead runs at
// once (fan).
const minRead = 512

// fan is the most runs the spill merges at once.
func (s *spill[T]) fan() int { return max(s.limit/minRead, 2) }

// readSize is the read buffer of each of n runs merged at once: their share
// of the limit, from minRead to 64 KiB.
func (s *spill[T]) readSize(n int) int { return min(max(s.limit/max(n, 1), minRead), 64<<10) }

// writeSize is the buffer of the spill's file writer: a quarter of the
// limit, from 4 KiB to 64 KiB.
func (s *spill[T]) writeSize() int { return min(64<<10, max(s.limit/4, 4<<10)) }

// writeRecord writes rec with its length before it and returns the bytes
// written. A write error sticks in w, and its Flush returns it.
func writeRecord(w *bufio.Writer, rec []byte) int64 {
	n := binary.AppendUvarint(w.AvailableBuffer(), uint64(len(rec)))
	w.Write(n)
	w.Write(rec)
	return int64(len(n) + len(rec))
}

// create creates a file for the spill's runs, with its writer.
func (s *spill[T]) create() (*runFile, *bufio.Writer, error) {
	f, err := createRunFile(s.dir)
	if err != nil {
		return nil, nil, err
	}
	return f, bufio.NewWriterSize(f, s.writeSize()), nil
}

// runFile is a temporary file of a spill's runs. Where the system lets an
// open file lose its name (Unix), createRunFile removes the name at once:
// the file is then read and written through its descriptor alone, a
// process that dies or is killed while it sorts leaves nothing behind in
// the directory, and the system takes the space back when the file is
// closed. Elsewhere (Windows) the name stays until remove.
type runFile struct {
	*os.File
	name string // to remove with the file; "" once removed
}

// createRunFile creates a runFile in dir ("" is os.TempDir).
func createRunFile(dir string) (*runFile, error) {
	f, err := os.CreateTemp(dir, "dcrc-spill-*")
	if err != nil {
		return nil, err
	}
	rf := &runFile{File: f, name: f.Name()}
	if os.Remove(rf.name) == nil {
		rf.name = ""
	}
	return rf, nil
}

// remove closes f and removes its name if it still has one.
func (f *runFile) remove() error {
	err := f.Close()
	if f.name != "" {
		err = errors.Join(err, os.Remove(f.name))
	}
	return err
}

// runs readies the spill's runs to be merged and returns where each ends
// in its file: one run when its values came in order, else at most fan
// runs (compact).
func (s *spill[T]) runs() ([]int64, error) {
	if !s.mixed {
		return s.ends[max(len(s.ends)-1, 0):], nil // the runs follow one another in order
	}
	if err := s.compact(); err != nil {
		return nil, err
	}
	return s.ends, nil
}

// compact merges the spill's runs, fan at a time, into longer runs, until
// it has at most fan of them: then a merge of the spill holds about its
// limit, however many values it has.
func (s *spill[T]) compact() error {
	for fan := s.fan(); len(s.ends) > fan; {
		f, w, err := s.create()
		if err != nil {
			return err
		}
		var ends []int64
		end := int64(0)
		for g := 0; g < len(s.ends) && err == nil; g += fan {
			start := int64(0)
			if g > 0 {
				start = s.ends[g-1]
			}
			var n int64
			n, err = s.mergeRuns(w, start, s.ends[g:min(g+fan, len(s.ends))])
			end += n
			ends = append(ends, end)
		}
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			return errors.Join(err, f.remove())
		}
		old := s.f
		s.f, s.w, s.ends = f, w, ends
		if err := old.remove(); err != nil {
			return err
		}
	}
	return nil
}

// mergeRuns writes to w the merge of the spill's runs that follow one
// another from start and end at ends, copying the records as written, and
// returns the bytes it wrote.
func (s *spill[T]) mergeRuns(w *bufio.Writer, start int64, ends []int64) (int64, error) {
	h := &heads[T]{compare: s.compare}
	if err := h.addRuns(s.f, start, ends, s.readSize(len(ends)), s.get); err != nil {
		return 0, err
	}
	h.init()
	n := int64(0)
	for h.more() {
		n += writeRecord(w, h.least().run.rec)
		if err := h.advance(s.get); err != nil {
			return n, err
		}
	}
	return n, nil
}

// merged yields the values added to spills, which share their compare and
// get, in order, once every value has been added. Values that compare
// equal come in no set order. It sorts what each spill holds and reads each
// spill's runs (spill.runs): one, or at most its fan. It ends with ctx's error
// once ctx is done, noticed within 4096 values: every loop over a spill
// stops on a cancellation without asking itself.
func merged[T any](ctx context.Context, spills ...*spill[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if len(spills) == 0 {
			return
		}
		h := &heads[T]{compare: spills[0].compare}
		for _, s := range spills {
			ends, err := s.runs()
			if err != nil {
				yield(zero, err)
				return
			}
			if err := h.addRuns(s.f, 0, ends, s.readSize(len(ends)), s.get); err != nil {
				yield(zero, err)
				return
			}
			s.sort()
			if len(s.order) > 0 {
				h.hs = append(h.hs, head[T]{v: s.held[s.order[0]], s: s, held: s.order[1:]})
			}
		}
		h.init()
		for k := 1; h.more(); k++ {
			if k%4096 == 0 && ctx.Err() != nil { // not at every value
				yield(zero, ctx.Err())
				return
			}
			if !yield(h.least().v, nil) {
				return
			}
			if err := h.advance(spills[0].get); err != nil {
				yield(zero, err)
				return
			}
		}
	}
}

// All yields the values added, in order (merged).
func (s *spill[T]) All(ctx context.Context) iter.Seq2[T, error] { return merged(ctx, s) }

// head is the next value of a run, or of what a spill holds, in a merge.
type head[T any] struct {
	v T
	// The source: a run, or, when run.r is nil, the rest of what spill s
	// holds, by index.
	run   runReader
	s     *spill[T]
	held  []int32
	ended bool // past its source's last value
}

// runReader reads a run's records.
type runReader struct {
	r   *bufio.Reader
	rec []byte  // the record read last, as written; reused
	d   decoder // reused: a new one for each record would go to the heap
}

// next moves the head to its source's next value; it reports false at the
// end of the source.
func (h *head[T]) next(get func(*decoder) T) (bool, error) {
	if h.run.r != nil {
		return readRecord(&h.run, get, &h.v)
	}
	if len(h.held) == 0 {
		return false, nil
	}
	h.v, h.held = h.s.held[h.held[0]], h.held[1:]
	return true, nil
}

// heads is a merge's heads in a tree of losers (a tournament): each inner
// node n of a complete binary tree, whose leaves are the heads, holds the
// head that lost the match there (t[n]), and t[0] the head that won every
// match on its way up, the least. The least head advanced plays its way up
// again, one comparison a level, where a binary heap takes about two, and
// no head moves. Equal values come by their heads' places in hs.
type heads[T any] struct {
	hs      []head[T]
	compare func(a, b *T) int
	t       []int32 // t[0] the least head, t[n] the loser at node n (0 < n < len(hs)); nil until init
}

// addRuns adds a head for each run of f that is not empty; the runs follow
// one another from start, and end at ends. Each is read through a buffer of
// size bytes. It comes before init.
func (h *heads[T]) addRuns(f *runFile, start int64, ends []int64, size int, get func(*decoder) T) error {
	for _, end := range ends {
		h.hs = append(h.hs, head[T]{run: runReader{r: bufio.NewReaderSize(io.NewSectionReader(f, start, end-start), size)}})
		start = end
		ok, err := h.hs[len(h.hs)-1].next(get)
		if err != nil {
			return err
		}
		if !ok {
			h.hs = h.hs[:len(h.hs)-1]
		}
	}
	return nil
}

// beats reports whether head i's value comes before head j's: a head at
// its end comes after every other.
func (h *heads[T]) beats(i, j int32) bool {
	a, b := &h.hs[i], &h.hs[j]
	if a.ended || b.ended {
		return !a.ended
	}
	c := h.compare(&a.v, &b.v)
	return c < 0 || c == 0 && i < j
}

// init plays the matches, once every head is added. The heads are the
// leaves len(hs)…2·len(hs)-1 of the tree, whose node n has the children 2n
// and 2n+1.
func (h *heads[T]) init() {
	k := len(h.hs)
	if k == 0 {
		return
	}
	winners := make([]int32, 2*k) // at each node
	for i := range k {
		winners[k+i] = int32(i)
	}
	h.t = make([]int32, k)
	for n := k - 1; n > 0; n-- {
		a, b := winners[2*n], winners[2*n+1]
		if h.beats(b, a) {
			a, b = b, a
		}
		winners[n], h.t[n] = a, b
	}
	h.t[0] = winners[1]
}

// more reports whether a head has a value.
func (h *heads[T]) more() bool { return len(h.t) > 0 && !h.hs[h.t[0]].ended }

// least returns the head with the least value, while more.
func (h *heads[T]) least() *head[T] { return &h.hs[h.t[0]] }

// advance moves the least head to its next value, or to its end, and
// plays its matches up the tree again.
func (h *heads[T]) advance(get func(*decoder) T) error {
	i := h.t[0]
	more, err := h.hs[i].next(get)
	if err != nil {
		return err
	}
	if !more {
		h.hs[i] = head[T]{ended: true} // let its buffer and value go
	}
	for n := (int(i) + len(h.hs)) / 2; n > 0; n /= 2 {
		if h.beats(h.t[n], i) {
			h.t[n], i = i, h.t[n]
		}
	}
	h.t[0] = i
	return nil
}

// Close removes the spill's file and lets go of what it holds. A spill may
// be closed more than once.
func (s *spill[T]) Close() error {
	var zero T
	s.held, s.recs, s.offs, s.order, s.last = nil, nil, nil, nil, zero
	if s.f == nil {
		return nil
	}
	f := s.f
	s.f = nil
	return f.remove()
}

// closeAll closes spills (Close), each whatever the others return.
func closeAll[T any](spills ...*spill[T]) error {
	errs := make([]error, len(spills))
	for i, s := range spills {
		errs[i] = s.Close()
	}
	return errors.Join(errs...)
}

// readRecord reads r's next record into v; it reports false at the end of
// the run.
func readRecord[T any](r *runReader, get func(*decoder) T, v *T) (bool, error) {
	n, err := binary.ReadUvarint(r.r)
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("spill: reading a record's length: %w", err)
	}
	if n > 1<<30 {
		return false, fmt.Errorf("spill: a record of %d bytes", n)
	}
	r.rec = slices.Grow(r.rec[:0], int(n))[:n]
	if _, err := io.ReadFull(r.r, r.rec); err != nil {
		return false, fmt.Errorf("spill: reading a record: %w", err)
	}
	r.d = decoder{b: r.rec}
	*v = get(&r.d)
	if r.d.err != nil || len(r.d.b) > 0 {
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
