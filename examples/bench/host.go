package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strings"
)

// host describes the machine a run measures: the system and architecture,
// the processor's model as /proc/cpuinfo gives it (on Linux; "processor
// model not reported" elsewhere), the logical CPUs and the Go release. A
// virtual machine can be moved to a host of another kind between runs; the
// ratios of one run compare with each other, its absolute times only with
// runs on the same kind of processor.
func host() string {
	cpu := "processor model not reported"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := processorModel(string(b)); m != "" {
			cpu = m
		}
	}
	return fmt.Sprintf("%s/%s, %s, %d logical CPUs, %s", runtime.GOOS, runtime.GOARCH, cpu, runtime.NumCPU(), runtime.Version())
}

// processorModel returns the first processor's model name in the text of a
// /proc/cpuinfo, with its family and model numbers when the file gives them
// (a virtual machine's model name can be as generic as "Intel(R) Xeon(R)
// Processor"), or "" when it names none.
func processorModel(cpuinfo string) string {
	fields := map[string]string{}
	for line := range strings.Lines(cpuinfo) {
		if strings.TrimSpace(line) == "" {
			if len(fields) > 0 {
				break // the end of the first processor's block
			}
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fields[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	name := fields["model name"]
	if name == "" {
		return ""
	}
	family, model := fields["cpu family"], fields["model"]
	if family == "" || model == "" {
		return name
	}
	return fmt.Sprintf("%s (family %s, model %s)", name, family, model)
}

// databaseVersion returns what query, which gives one text column,
// answers on db: the version of the database the measurements run on.
func databaseVersion(ctx context.Context, db *sql.DB, query string) (string, error) {
	var v string
	if err := db.QueryRowContext(ctx, query).Scan(&v); err != nil {
		return "", fmt.Errorf("the database's version: %w", err)
	}
	return v, nil
}
