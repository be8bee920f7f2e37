package query

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/record"
)

// The word being typed matches as the start of a word, below the word
// itself; a word followed by a space is complete.
func TestSearchAsYouType(t *testing.T) {
	s, _ := embeddedSearcher(t)
	for _, tc := range []struct {
		text, want string // want: a word of the top hit's question
	}{
		{"webso", "WebSocket"},
		{"dependency inj", "dependency injection"},
		{"pydantic vali", "validation"},
		{"middlew", "middleware"},
	} {
		res := mustSearch(t, s, Request{Text: tc.text, Limit: 3})
		if len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Question, tc.want) || res.Fuzzy || res.Suggestion != "" {
			t.Errorf("Search(%q) = %q (fuzzy %v, suggestion %q); want %q in the top hit, no spelling fix", tc.text, questions(res), res.Fuzzy, res.Suggestion, tc.want)
			continue
		}
		if !strings.Contains(res.Hits[0].QuestionHTML, "<mark>") {
			t.Errorf("Search(%q): the word started is not marked in %q", tc.text, res.Hits[0].QuestionHTML)
		}
	}
	// Complete (a space after it): no prefix, so "webso " is a misspelling.
	if res := mustSearch(t, s, Request{Text: "webso "}); len(res.Hits) > 0 && !res.Fuzzy && res.Suggestion == "" {
		t.Errorf("Search(%q) = %q; want no prefix match for a word followed by a space", "webso ", questions(res))
	}
	// A whole-word match ranks above a record that only has a longer word
	// starting with it.
	p := newPlan(mustParse(t, "rout"), s.analyze, s.positional, s.langs)
	if err := s.expandPrefix(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if terms := p.units[0].prefix[record.FieldQuestion]; !slices.Contains(terms, "router") || len(terms) > maxPrefixTerms {
		t.Errorf("expandPrefix(rout) = %v; want router among at most %d terms", terms, maxPrefixTerms)
	}
	// Every record with the word itself (what "route " finds: complete,
	// no prefix) ranks before every record with only a longer word, and
	// in the order it has without the prefix.
	for _, text := range []string{"route", "define a route"} {
		whole := mustSearch(t, s, Request{Text: text + " ", Limit: MaxLimit, All: true})
		typing := mustSearch(t, s, Request{Text: text, Limit: MaxLimit, All: true})
		if typing.Total <= whole.Total {
			t.Errorf("Search(%q) = %d hits, no more than %q (%d): the prefix added nothing", text, typing.Total, text+" ", whole.Total)
			continue
		}
		n := len(whole.Hits)
		if !slices.Equal(ids(typing.Hits[:n]), ids(whole.Hits)) {
			t.Errorf("Search(%q) first %d hits = %q;\nwant the whole-word hits in their order %q", text, n, questions(typing)[:n], questions(whole))
		}
	}
}

func mustParse(t *testing.T, text string) textQuery {
	t.Helper()
	tq, err := parseText(text)
	if err != nil {
		t.Fatal(err)
	}
	return tq
}
