package benchkit

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Memory samples this process's resident memory while a build runs:
// VmHWM (the kernel's high-water mark, reset at the start: anonymous and
// file-backed pages together, so it counts the index's mapped segment
// files too) and the largest RssAnon and RssFile seen every 100 ms (what
// the heap and the rest of the process hold, and mapped file pages, which
// the kernel can drop). Linux only; elsewhere every figure is 0.
type Memory struct {
	stop chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	anon int64
	file int64
}

// StartMemory resets the high-water mark and starts sampling.
func StartMemory() *Memory {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // Linux ≥ 4.0: VmHWM := VmRSS
	m := &Memory{stop: make(chan struct{})}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-m.stop:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *Memory) sample() {
	st := status()
	m.mu.Lock()
	m.anon = max(m.anon, st["RssAnon"])
	m.file = max(m.file, st["RssFile"]+st["RssShmem"])
	m.mu.Unlock()
}

// Stop ends sampling and returns the peaks in bytes: VmHWM, and the
// largest RssAnon and RssFile sampled.
func (m *Memory) Stop() (hwm, anon, file int64) {
	close(m.stop)
	m.wg.Wait()
	m.sample()
	return status()["VmHWM"], m.anon, m.file
}

// status returns the memory lines of /proc/self/status in bytes.
func status() map[string]int64 {
	out := map[string]int64{}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, v, ok := strings.Cut(line, ":")
		f := strings.Fields(v)
		if !ok || len(f) != 2 || f[1] != "kB" {
			continue
		}
		if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			out[name] = kb << 10
		}
	}
	return out
}

// Resident returns the process's resident memory now, in bytes: VmRSS,
// RssAnon and RssFile of /proc/self/status (zero where there is none).
func Resident() (rss, anon, file int64) {
	st := status()
	return st["VmRSS"], st["RssAnon"], st["RssFile"]
}

// ReportMemory reports the figures of Stop on b as peak-RSS-MB,
// peak-anon-MB and peak-file-MB.
func ReportMemory(b interface{ ReportMetric(float64, string) }, hwm, anon, file int64) {
	b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MB")
	b.ReportMetric(float64(anon)/(1<<20), "peak-anon-MB")
	b.ReportMetric(float64(file)/(1<<20), "peak-file-MB")
}
