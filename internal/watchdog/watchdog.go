// Package watchdog keeps a test that feeds damaged data to a decoder from
// taking the machine down with it (issue 16): a call that runs past its
// deadline, or a process whose resident memory passes a limit, ends the test
// binary at once with every goroutine's stack, instead of looping or
// allocating until the OOM killer comes (once 24 GB, on a CI machine shared
// by every package's tests). Go cannot stop a goroutine from outside, so
// ending the process is the only bound there is. It also measures the peak
// resident memory, for the figures in RELIABILITY.md.
//
// Only tests import it.
package watchdog

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Watch samples the process's resident memory until Stop.
type Watch struct {
	limit uint64
	peak  atomic.Uint64
	stop  chan struct{}
	done  sync.WaitGroup
}

// Start samples resident memory every 10 ms and ends the process, with
// every goroutine's stack on stderr, when it passes limit bytes.
func Start(limit uint64) *Watch {
	w := &Watch{limit: limit, stop: make(chan struct{})}
	w.peak.Store(Resident())
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
			rss := Resident()
			if rss > w.peak.Load() {
				w.peak.Store(rss)
			}
			if rss > w.limit {
				Fail(fmt.Sprintf("resident memory %d MiB passed the limit of %d MiB", rss>>20, w.limit>>20))
			}
		}
	}()
	return w
}

// Peak returns the highest resident memory seen so far, in bytes.
func (w *Watch) Peak() uint64 {
	if rss := Resident(); rss > w.peak.Load() {
		w.peak.Store(rss)
	}
	return w.peak.Load()
}

// Stop ends the sampling.
func (w *Watch) Stop() {
	close(w.stop)
	w.done.Wait()
}

// Call runs fn and returns when it does; when fn is still running after
// deadline, it ends the process with every goroutine's stack, naming what.
func Call(deadline time.Duration, what string, fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	t := time.NewTimer(deadline)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		Fail(fmt.Sprintf("%s still running after %v", what, deadline))
	}
}

// Fail writes why and every goroutine's stack to stderr and ends the
// process with status 2.
func Fail(why string) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "\nwatchdog: %s; goroutines:\n", why)
	pprof.Lookup("goroutine").WriteTo(&b, 2)
	fmt.Fprintf(&b, "\nwatchdog: %s\n", why)
	os.Stderr.Write(b.Bytes())
	os.Exit(2)
}

// Resident returns the process's resident memory in bytes: from
// /proc/self/statm on Linux, elsewhere the memory the Go runtime has mapped
// (an upper bound).
func Resident() uint64 {
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		f := bytes.Fields(b)
		if len(f) > 1 {
			if pages, err := strconv.ParseUint(string(f[1]), 10, 64); err == nil {
				return pages * uint64(os.Getpagesize())
			}
		}
	}
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 {
		return s[0].Value.Uint64()
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Sys
}
