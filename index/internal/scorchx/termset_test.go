package scorchx

import "testing"

// accepts walks the term set's automaton over word.
func accepts(s *termSet, word string) bool {
	st := s.Start()
	for i := 0; i < len(word) && s.CanMatch(st); i++ {
		st = s.Accept(st, word[i])
	}
	return s.IsMatch(st)
}

// TestTermSet checks the automaton spelling walks each dictionary with
// accepts exactly the terms it was made of, an empty list included (which
// indexed terms[0] before tidy1's review: latent, as both callers skipped
// an empty list).
func TestTermSet(t *testing.T) {
	tests := []struct {
		name  string
		terms []string
		other []string
	}{
		{"empty", nil, []string{"", "a", "dependency"}},
		{"one", []string{"fastapi"}, []string{"", "fast", "fastapis"}},
		{"prefixes and repeats", []string{"inject", "injection", "inject", "depend", "dependency", "d"},
			[]string{"", "inj", "injections", "de", "dependencies"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTermSet(tt.terms)
			for _, w := range tt.terms {
				if !accepts(s, w) {
					t.Errorf("newTermSet(%q) rejects %q; want it accepted", tt.terms, w)
				}
			}
			for _, w := range tt.other {
				if accepts(s, w) {
					t.Errorf("newTermSet(%q) accepts %q; want it rejected", tt.terms, w)
				}
			}
		})
	}
}
