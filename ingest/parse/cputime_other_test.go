//go:build !unix

package parse

import "time"

// cpuTime is not measured here; BenchmarkParse then reports no cpu-MB/s.
func cpuTime() time.Duration { return 0 }
