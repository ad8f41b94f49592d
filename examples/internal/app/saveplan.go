package app

import (
	"cmp"
	"context"
	"errors"
	"iter"
	"maps"
	"slices"

	"github.com/dcrc-go/dcrc/retention"
	"github.com/rickb777/date"
)

// SavedPlan is a day's plan saved in a store by Engine.SavePlan. Its
// tasks are kept in a temporary file, not in memory, to be read back in the
// plan's order, all of them or one owner's. Close removes the file.
type SavedPlan struct {
	// AsOf is the day planned.
	AsOf date.Date
	// Customers is the number of customers planned and Added the number of
	// tasks that were new in the store (retention.Tasks.SaveTasks).
	Customers, Added int

	tasks  *spill[savedTask]      // in the plan's order
	owners map[retention.Role]int // tasks per owner
}

// savedTask is a task and its place in the plan.
type savedTask struct {
	n int64
	t retention.Task
}

// SavePlan plans the day asOf from s as StreamPlanTo does, on workers
// partitions, and saves the tasks in s as they come, in one transaction
// (retention.SaveTaskSeq): when planning or saving fails, nothing is saved.
// Its memory does not grow with the network when s is a
// retention.TaskSeqSaver (the SQL stores are): the tasks go to the store
// and to the returned plan's file (through Engine.SpillBytes of memory).
// The deferrals are not kept.
func (e *Engine) SavePlan(ctx context.Context, s retention.Store, asOf date.Date, workers int) (p *SavedPlan, err error) {
	p = &SavedPlan{AsOf: asOf, owners: map[retention.Role]int{},
		tasks: newSpill(e.spillBytes(), e.TempDir, func(a, b *savedTask) int { return cmp.Compare(a.n, b.n) },
			func(b []byte, x *savedTask) []byte { return putTask(putInt(b, x.n), &x.t) },
			func(d *decoder) savedTask { n := d.int(); return savedTask{n, getTask(d)} })}
	defer func() {
		if err != nil {
			err = errors.Join(err, p.Close())
			p = nil
		}
	}()
	errStopped := errors.New("the save stopped reading the plan")
	p.Added, err = retention.SaveTaskSeq(ctx, s, func(yield func(retention.Task, error) bool) {
		n, err := e.StreamPlanTo(ctx, s, asOf, workers, nil, PlanSink{Task: func(t *retention.Task) error {
			p.owners[t.Owner]++
			if err := p.tasks.Add(savedTask{int64(p.tasks.Len()), *t}); err != nil {
				return err
			}
			if !yield(*t, nil) {
				return errStopped
			}
			return nil
		}})
		p.Customers = n
		if err != nil && !errors.Is(err, errStopped) {
			yield(retention.Task{}, err)
		}
	})
	return p, err
}

// Len returns the number of tasks in the plan.
func (p *SavedPlan) Len() int { return p.tasks.Len() }

// Owners returns the owners with tasks in the plan, in the order of their
// values (retention.Role).
func (p *SavedPlan) Owners() []retention.Role { return slices.Sorted(maps.Keys(p.owners)) }

// OwnerLen returns the number of the plan's tasks that owner has.
func (p *SavedPlan) OwnerLen(owner retention.Role) int { return p.owners[owner] }

// Tasks yields the plan's tasks in the plan's order (Planner.Plan's). It
// may be read more than once, until Close.
func (p *SavedPlan) Tasks() iter.Seq2[retention.Task, error] {
	return p.tasksOf(func(*retention.Task) bool { return true })
}

// OwnerTasks yields owner's tasks in the plan's order. It reads the whole
// plan's file, as Tasks does, and may be read more than once, until Close.
func (p *SavedPlan) OwnerTasks(owner retention.Role) iter.Seq2[retention.Task, error] {
	return p.tasksOf(func(t *retention.Task) bool { return t.Owner == owner })
}

// tasksOf yields the plan's tasks that keep reports true for.
func (p *SavedPlan) tasksOf(keep func(*retention.Task) bool) iter.Seq2[retention.Task, error] {
	return func(yield func(retention.Task, error) bool) {
		var x savedTask // one for all: &x.t of a loop variable would move each to the heap
		// No context: the reader stops the plan's reading by stopping.
		for v, err := range p.tasks.All(context.Background()) {
			if err != nil {
				yield(retention.Task{}, err)
				return
			}
			x = v
			if keep(&x.t) && !yield(x.t, nil) {
				return
			}
		}
	}
}

// Close removes the plan's file. A plan may be closed more than once.
func (p *SavedPlan) Close() error { return p.tasks.Close() }
