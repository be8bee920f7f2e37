//go:build unix

package cputime

import "testing"

func TestUsedGrows(t *testing.T) {
	before := Used()
	x := 0
	for i := 0; Used()-before == 0 && i < 1e9; i++ {
		x += i
	}
	if Used() <= before {
		t.Fatalf("Used() did not grow after busy work (%d)", x)
	}
}
