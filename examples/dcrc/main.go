// Command dcrc applies the retention policy of dcrc to a dealer's data.
//
//	dcrc evaluate --data dataset.json --as-of 2026-11-22 [--dealer D1]
//	dcrc import   --data dataset.json (--sqlite FILE | --postgres DSN)
//	dcrc plan     (--sqlite FILE | --postgres DSN) --as-of DATE [--dealer D1] [--format table|csv|json] [--workers N]
//	dcrc report   (--data FILE | --sqlite FILE | --postgres DSN) --as-of DATE [--dealer D1] [--format text|json|html] [--workers N]
//
// evaluate prints the JSON document of DATASET.md, the same bytes for the
// same input whatever the order of its records. Exit status: 0 on success,
// 2 on bad input or usage (the error, naming the record and field, on
// standard error, nothing on standard output), 1 on any other failure.
//
// plan and report read a store in one streamed pass on --workers partitions
// of the customers, never the whole store; report measures the reminders'
// return rates on the plans plan stored on past days.
//
// Such a pass keeps a few MiB live, so Go's garbage collector, left as it
// is, would run every few MiB allocated. Unless GOGC is set in the
// environment, dcrc keeps it from running before the heap reaches 64 MiB
// (heapfloor.Default): a streamed plan takes about a fifth less time on
// PostgreSQL and a few percent less on SQLite, in about 60 MB more memory
// (BENCHMARKS-HISTORY.md, round twenty-seven). A memory limit (GOMEMLIMIT)
// still holds.
package main

import (
	"os"

	"github.com/dcrc-go/dcrc/examples/internal/heapfloor"
)

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		heapfloor.Set(heapfloor.Default) // for the life of the process
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
