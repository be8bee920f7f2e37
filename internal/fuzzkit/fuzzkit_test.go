package fuzzkit

import (
	"slices"
	"testing"
)

func TestPieces(t *testing.T) {
	tests := []struct {
		name string
		src  string
		size int
		want []string
	}{
		{"short file whole", "ab\ncd\n", 6, []string{"ab\ncd\n"}},
		{"empty file", "", 4, []string{""}},
		// The middle piece starts at 4, moved past "bbb\n" to 8; the end
		// piece starts at 8, moved past "cccc\n" to the file's end.
		{"start, middle and end at line starts", "aa\nbbbb\ncccc\n", 5, []string{"aa\nbb", "cccc\n", ""}},
		{"no line end to move to", "abcdefghij", 4, []string{"abcd", "defg", "ghij"}},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range Pieces([]byte(tt.src), tt.size) {
			got = append(got, string(p))
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: Pieces(%q, %d) = %q; want %q", tt.name, tt.src, tt.size, got, tt.want)
		}
	}
}
