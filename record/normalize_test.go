package record

import (
	"strings"
	"testing"
	"unicode"
)

// normalizeLowered is NormalizeQuestion as it was written, over a
// strings.ToLower copy of the question.
func normalizeLowered(q string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(q) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("=<>!&|+-*/%@#$^~_.:", r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	s := strings.Trim(b.String(), " .:-")
	if i := strings.IndexByte(s, ' '); i > 0 {
		head := strings.TrimRight(s[:i], ".")
		if head != "" && strings.Trim(head, "0123456789") == "" {
			s = s[i+1:]
		}
	}
	return s
}

func TestNormalizeQuestion(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"12. What is Go?", "what is go"},
		{"  Q3 How do  you use C++?", "q3 how do you use c++"},
		{"Что такое GIL?", "что такое gil"},
		{"\xffX", "x"}, // U+FFFD is no letter
	} {
		if got := NormalizeQuestion(tt.in); got != tt.want {
			t.Errorf("NormalizeQuestion(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalizeQuestion(f *testing.F) {
	for _, s := range []string{"12. What is Go?", "İstanbul", "\xffAB", "A\u212a", "1) x", "Σ ς"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if got, want := NormalizeQuestion(q), normalizeLowered(q); got != want {
			t.Errorf("NormalizeQuestion(%q) = %q; over a lowered copy %q", q, got, want)
		}
	})
}
