// Package fuzzkit holds what iq's fuzz targets share: the default budget
// for minimising a new input, set from the packages' TestMain, and the
// cutting of real files into seeds.
package fuzzkit

import (
	"bytes"
	"flag"
	"testing"
)

// MinimizeBudget is the default -fuzzminimizetime of iq's fuzz targets: at
// most this many runs to minimise an input the fuzzer found interesting.
// Go's default is 60 s per input, and its minimiser tries up to the square
// of the input's length in runs: on a 1 KB input of a target that costs a
// millisecond a run (ingest), it stood still for a minute, so a 30 s run
// tried 8 to 45 inputs (issue 16). A budget of runs keeps minimising to a
// second or so whatever the machine; a crasher is still reported and kept
// (unminimised when the budget runs out).
const MinimizeBudget = "2000x"

// Init parses the test flags and sets -test.fuzzminimizetime to
// MinimizeBudget unless the command line gave it. Call it first in
// TestMain.
func Init() {
	if !flag.Parsed() {
		testing.Init()
		flag.Parse()
	}
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.fuzzminimizetime" })
	if !set {
		// The flag exists in every test binary (testing registers it).
		_ = flag.Set("test.fuzzminimizetime", MinimizeBudget)
	}
}

// Pieces cuts a file into fuzz seeds of at most size bytes: the file
// itself when it is no longer, else three pieces, its start, middle and
// end, each but the first moved on to the start of a line. Whole files
// would make every run of a target slow.
func Pieces(src []byte, size int) [][]byte {
	if len(src) <= size {
		return [][]byte{src}
	}
	var out [][]byte
	for _, at := range []int{0, len(src)/2 - size/2, len(src) - size} {
		if i := bytes.IndexByte(src[at:], '\n'); at > 0 && i >= 0 {
			at += i + 1
		}
		out = append(out, src[at:min(at+size, len(src))])
	}
	return out
}
