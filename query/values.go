package query

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/iq-search/iq/record"
)

// CodeUnknownValue is the code of a filter value the index does not hold
// (issue 13.7): an error naming the closest known values, where a typo
// used to answer "no questions match".
const CodeUnknownValue = "unknown_value"

// maxSuggested is how many known values an unknown one's error names.
const maxSuggested = 5

// checkKnown returns an *Error for the first value of f in vs that names no
// value of the index (as resolve reads values: any case; for paths also a
// folder or a base name). Closed facets (levels) are checked when the
// request is parsed.
func (s *Searcher) checkKnown(f record.Facet, vs []string) error {
	if f.Closed != nil {
		return nil
	}
	for _, v := range vs {
		if len(s.resolve(f, v)) > 0 {
			continue
		}
		known := s.values[f.Name]
		if len(known) == 0 {
			return errorf(CodeUnknownValue, "unknown %s %q: the index has no %s values", f.Name, v, f.Name)
		}
		return errorf(CodeUnknownValue, "unknown %s %q, want one of the %d known, such as %s", f.Name, v, len(known), strings.Join(closest(v, s.names(f), maxSuggested), ", "))
	}
	return nil
}

// names lists what a user may type for a facet's values: the values, and
// for paths their base names and folders too.
func (s *Searcher) names(f record.Facet) []string {
	if !f.Paths {
		return s.values[f.Name]
	}
	seen := map[string]bool{}
	var out []string
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	for _, v := range s.values[f.Name] {
		add(v)
		add(baseName(v))
		for i := strings.IndexByte(v, '/'); i > 0; i = nextSlash(v, i) {
			add(v[:i])
		}
	}
	return out
}

func nextSlash(s string, i int) int {
	if j := strings.IndexByte(s[i+1:], '/'); j >= 0 {
		return i + 1 + j
	}
	return -1
}

// closest returns up to n of names nearest to v: names that start with v
// or contain it first, then by edit distance, then alphabetically.
func closest(v string, names []string, n int) []string {
	lv := strings.ToLower(v)
	type cand struct {
		name string
		rank int
	}
	cs := make([]cand, 0, len(names))
	for _, name := range names {
		ln := strings.ToLower(name)
		rank := 100 + levenshtein(lv, ln)
		switch {
		case strings.HasPrefix(ln, lv) || strings.HasPrefix(lv, ln):
			rank = 0
		case strings.Contains(ln, lv) || strings.Contains(lv, ln):
			rank = 1
		}
		cs = append(cs, cand{name, rank})
	}
	slices.SortFunc(cs, func(a, b cand) int { return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.name, b.name)) })
	out := make([]string, 0, n)
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, fmt.Sprintf("%q", c.name))
	}
	return out
}
