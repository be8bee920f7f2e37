package ingest

import "regexp"

// leading is a regular expression anchored at the start of a text (after
// optional \s) that can only match a text whose first other byte is one
// of first, in either case, or a byte outside ASCII ((?i) folds "s" with
// "ſ" and "k" with the Kelvin sign). It tests that byte before running the
// expression: the expressions below run on every block, and most blocks
// start with a letter none of them can (FuzzLeading checks that the test
// never refuses a match).
type leading struct {
	*regexp.Regexp
	first [256]bool
}

func newLeading(expr, first string) *leading {
	l := &leading{Regexp: regexp.MustCompile(expr)}
	for i := 0; i < len(first); i++ {
		c := first[i]
		l.first[c] = true
		if c >= 'a' && c <= 'z' {
			l.first[c-'a'+'A'] = true
		}
	}
	for c := 0x80; c < 256; c++ {
		l.first[c] = true
	}
	return l
}

// may reports whether the expression can match t.
func (l *leading) may(t string) bool {
	i := 0
	for i < len(t) && reSpace(t[i]) {
		i++
	}
	return i < len(t) && l.first[t[i]]
}

func (l *leading) MatchString(t string) bool {
	return l.may(t) && l.Regexp.MatchString(t)
}

func (l *leading) FindStringIndex(t string) []int {
	if !l.may(t) {
		return nil
	}
	return l.Regexp.FindStringIndex(t)
}
