//go:build !unix

package main

// processUsage reports that this system gives no processor time and page
// faults of the process.
func processUsage() (usage, bool) { return usage{}, false }
