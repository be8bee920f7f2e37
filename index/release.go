package index

import (
	"sync"
	"time"
)

// PageOutEvery calls PageOutMapped(dir) every interval, beside a build of
// the index in dir, until the function it returns is called; that
// function waits for a call under way. The library's builds never start
// it on their own: the command does (cmd/iq's iq index), and the build
// benchmarks, to measure what users run. An error leaves the pages where
// they are.
func PageOutEvery(dir string, every time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				PageOutMapped(dir)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
