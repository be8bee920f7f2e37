package watchdog

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestResidentAndPeak(t *testing.T) {
	w := Start(1 << 40)
	defer w.Stop()
	before := w.Peak()
	if before == 0 {
		t.Fatal("Resident() = 0")
	}
	b := make([]byte, 64<<20)
	for i := range b {
		b[i] = 1
	}
	if p := w.Peak(); p < before+32<<20 {
		t.Errorf("Peak() = %d MiB after touching 64 MiB; want at least %d MiB", p>>20, (before+32<<20)>>20)
	}
	_ = b[len(b)-1]
}

func TestCallReturns(t *testing.T) {
	ran := false
	Call(time.Minute, "a quick call", func() { ran = true })
	if !ran {
		t.Error("Call returned before fn ran")
	}
}

// A call past its deadline ends the process with the goroutines' stacks
// (in a child process).
func TestCallPastDeadline(t *testing.T) {
	if os.Getenv("IQ_WATCHDOG_CHILD") != "" {
		Call(50*time.Millisecond, "a stuck call", func() { select {} })
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCallPastDeadline$")
	cmd.Env = append(os.Environ(), "IQ_WATCHDOG_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "watchdog: a stuck call still running after 50ms") || !strings.Contains(string(out), "TestCallPastDeadline") {
		t.Errorf("child: %v\n%s\nwant exit status 2, the reason and the stacks", err, out)
	}
}
