//go:build !unix

package main

import "time"

// cpuTime is not measured off Unix; the load test then reports no CPU
// figures.
func cpuTime() time.Duration { return 0 }
