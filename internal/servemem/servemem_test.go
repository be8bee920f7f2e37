package servemem

import (
	"runtime"
	"testing"
)

func TestResidentFileBytes(t *testing.T) {
	n, ok := ResidentFileBytes()
	if runtime.GOOS != "linux" {
		if ok {
			t.Errorf("ResidentFileBytes() = %d, true off Linux; want false", n)
		}
		return
	}
	// The executable's own pages are file-backed and resident.
	if !ok || n <= 0 {
		t.Errorf("ResidentFileBytes() = %d, %v; want a positive size", n, ok)
	}
}
