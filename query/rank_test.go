package query

import (
	"math"
	"strings"
	"testing"
)

// TestExplain checks that Request.Explain explains each hit's score
// without changing the hits: the same IDs and scores as without it (the
// explained page is ranked through Bleve's searchers, the other by the
// fast pass), and an explanation whose value is the score, made of term
// weights, without Bleve's binary document numbers.
func TestExplain(t *testing.T) {
	s, _ := embeddedSearcher(t)
	for _, text := range []string{"dependency injection", "OAuth2PasswordBearer", `"path parameters" fastapi`} {
		plain := mustSearch(t, s, Request{Text: text, Limit: 5})
		explained := mustSearch(t, s, Request{Text: text, Limit: 5, Explain: true})
		if len(plain.Hits) == 0 || len(plain.Hits) != len(explained.Hits) {
			t.Fatalf("Search(%q) = %d hits, explained %d; want the same, some", text, len(plain.Hits), len(explained.Hits))
		}
		for i, h := range explained.Hits {
			p := plain.Hits[i]
			if h.ID != p.ID || h.Score != p.Score {
				t.Errorf("Search(%q, Explain) hit %d = %s %v; without Explain %s %v", text, i, h.ID, h.Score, p.ID, p.Score)
			}
			if p.Explain != nil {
				t.Errorf("Search(%q) hit %d has an explanation without Explain", text, i)
			}
			if h.Explain == nil {
				t.Fatalf("Search(%q, Explain) hit %d has no explanation", text, i)
			}
			if math.Abs(h.Explain.Score-h.Score) > 1e-9*h.Score {
				t.Errorf("Search(%q, Explain) hit %d explains %v; score %v", text, i, h.Explain.Score, h.Score)
			}
			if all := flatten(h.Explain); !strings.Contains(all, "weight(") || strings.ContainsAny(all, "\x00\x01") {
				t.Errorf("Search(%q, Explain) hit %d explanation names no term weight or holds binary: %q", text, i, all)
			}
		}
	}
}

func flatten(e *Explanation) string {
	var b strings.Builder
	b.WriteString(e.Why + "\n")
	for _, p := range e.Parts {
		b.WriteString(flatten(p))
	}
	return b.String()
}
