package dedup

import (
	"slices"
	"testing"
)

// TestLexiconKeepsSubject: a light word named as one more thing asked
// about ("…globbing and parameter expansion", "…and tools like
// Terraform") is still asked about once the lexicon has put its term in
// the group's form; apply used to drop the flag. The light words of a
// several-word form ("create", "app" in "create react app") name the
// thing too. The questions are from
// ../shared; the groups stand for ones a user's synonym list may give.
func TestLexiconKeepsSubject(t *testing.T) {
	for _, tc := range []struct {
		name     string
		question string
		group    []string
		want     []string // the words, as written, flagged as subjects
	}{
		{"single word", "Explain Infrastructure as Code (IaC) and tools like Terraform.",
			[]string{"toolchain", "tools"}, []string{"tools"}},
		{"phrase", "By combining extended globbing and parameter expansion, what would be the value of VAR?",
			[]string{"variable substitution", "parameter expansion"}, []string{"parameter expansion"}},
		{"the words of an expansion name one thing", "What is CRA, and what are its benefits?",
			[]string{"CRA", "create react app"}, []string{"CRA"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lx := newLexicon([][]string{tc.group})
			before := questionTokens(tc.question)
			after := lx.apply(before)
			if slices.Equal(after, before) {
				t.Fatalf("lexicon %q changes nothing in %q; the case tests nothing", tc.group, tc.question)
			}
			if got := subjectRaws(after); !slices.Equal(got, tc.want) {
				t.Errorf("apply(%q) flags %q as subjects; want %q", tc.question, got, tc.want)
			}
		})
	}
}

// subjectRaws returns the written words of ts flagged as subjects, once
// each.
func subjectRaws(ts []token) []string {
	var out []string
	for _, t := range ts {
		if t.subject && !slices.Contains(out, t.raw) {
			out = append(out, t.raw)
		}
	}
	return out
}
