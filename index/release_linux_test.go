package index

import "testing"

// TestMappedRange: the lines of /proc/self/maps that name a shared,
// read-only mapping of a file under the index (release_linux.go).
func TestMappedRange(t *testing.T) {
	const prefix = "/idx/"
	for _, tc := range []struct {
		name, line string
		lo, hi     uintptr
		ok         bool
	}{
		{"segment", "7f10a0000000-7f10a0200000 r--s 00000000 fd:01 1234    /idx/g1/store/00000000000a.zap", 0x7f10a0000000, 0x7f10a0200000, true},
		{"deleted file", "7f10a0000000-7f10a0001000 r--s 00000000 fd:01 1234 /idx/g1/store/0b.zap (deleted)", 0x7f10a0000000, 0x7f10a0001000, true},
		{"path with a space", "1000-3000 r--s 00000000 fd:01 9 /idx/my dir/x.zap", 0x1000, 0x3000, true},
		{"another directory", "1000-3000 r--s 00000000 fd:01 9 /idx2/x.zap", 0, 0, false},
		{"private mapping", "1000-3000 r--p 00000000 fd:01 9 /idx/x.zap", 0, 0, false},
		{"writable", "1000-3000 rw-s 00000000 fd:01 9 /idx/x.zap", 0, 0, false},
		{"anonymous", "1000-3000 rw-p 00000000 00:00 0", 0, 0, false},
		{"heap", "1000-3000 rw-p 00000000 00:00 0 [heap]", 0, 0, false},
		{"empty range", "3000-3000 r--s 00000000 fd:01 9 /idx/x.zap", 0, 0, false},
		{"bad address", "zz-3000 r--s 00000000 fd:01 9 /idx/x.zap", 0, 0, false},
	} {
		lo, hi, ok := mappedRange([]byte(tc.line), prefix)
		if lo != tc.lo || hi != tc.hi || ok != tc.ok {
			t.Errorf("%s: mappedRange(%q) = %#x, %#x, %v; want %#x, %#x, %v", tc.name, tc.line, lo, hi, ok, tc.lo, tc.hi, tc.ok)
		}
	}
}
