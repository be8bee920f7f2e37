//go:build !unix

package cputime

import "time"

// Used is unknown off Unix: 0, and benchmarks then report no CPU figure.
func Used() time.Duration { return 0 }
