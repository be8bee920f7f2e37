// Package benchenv reads the settings the benchmarks take from the
// environment (bench/run.sh sets them), so the index and bench packages
// read them alike.
package benchenv

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Sizes returns the record counts of IQ_BENCH_SIZES (comma-separated,
// default "10000,100000").
func Sizes() ([]int, error) {
	s := os.Getenv("IQ_BENCH_SIZES")
	if s == "" {
		s = "10000,100000"
	}
	var rv []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("IQ_BENCH_SIZES=%q: %q is not a record count", s, f)
		}
		rv = append(rv, n)
	}
	return rv, nil
}

// Int returns the integer in the environment variable name, or 0 when it
// is unset or not a number.
func Int(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}
