// Package ahead reads a stream on a goroutine of its own, ahead of its
// consumer, so that producing values (a store's reading and decoding)
// overlaps the work done with the values already yielded, on another core.
package ahead

import "iter"

// Read yields what seq yields, in order, reading it on a goroutine of its
// own: batch values at a time, at most depth batches ahead of the consumer
// (so (depth+2)×batch values held at most, in batches that are recycled
// once the consumer has had their values). It stops after the first
// error. When the consumer stops early, seq is stopped as by a break, and
// its goroutine has ended (so seq has run its cleanup, closed its rows)
// before Read's iteration returns. A panic in seq is raised again in the
// consumer's goroutine. batch and depth below 1 count as 1.
func Read[T any](seq iter.Seq2[T, error], batch, depth int) iter.Seq2[T, error] {
	batch, depth = max(batch, 1), max(depth, 1)
	type chunk struct {
		vs    []T
		err   error
		panic any
	}
	return func(yield func(T, error) bool) {
		ch, stop := make(chan chunk, depth), make(chan struct{})
		free := make(chan []T, depth+2) // the batches whose values were yielded
		next := func() []T {
			select {
			case vs := <-free:
				return vs
			default:
				return make([]T, 0, batch)
			}
		}
		go func() {
			defer close(ch)
			send := func(c chunk) bool {
				select {
				case ch <- c:
					return true
				case <-stop:
					return false
				}
			}
			defer func() {
				if p := recover(); p != nil {
					send(chunk{panic: p})
				}
			}()
			vs := next()
			for v, err := range seq {
				if err != nil {
					send(chunk{vs: vs, err: err})
					return
				}
				if vs = append(vs, v); len(vs) == batch {
					if !send(chunk{vs: vs}) {
						return
					}
					vs = next()
				}
			}
			send(chunk{vs: vs})
		}()
		defer func() {
			close(stop)
			for range ch { // until the goroutine has ended
			}
		}()
		for c := range ch {
			if c.panic != nil {
				panic(c.panic)
			}
			for _, v := range c.vs {
				if !yield(v, nil) {
					return
				}
			}
			if c.err != nil {
				var zero T
				yield(zero, c.err)
				return
			}
			clear(c.vs)      // not to hold what the consumer is done with
			free <- c.vs[:0] // never full: a batch is made only when free is empty, so at most depth+2 exist
		}
	}
}
