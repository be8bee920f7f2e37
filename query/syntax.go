package query

import (
	"strings"
	"unicode"

	"github.com/iq-search/iq/record"
)

// The query syntax, parsed here and never by Bleve's query-string parser
// (whose syntax trips on ordinary code text: hyphens, colons, ~, /; bleve
// #103, #606):
//
//	dependency injection   plain words; the hits contain most of them
//	"path parameters"      a phrase: the words next to each other, in order
//	-flask  -"django rest" exclude hits containing the word or phrase
//	level:beginner         filter, like --level (any facet of record.Facets:
//	topic:"react native"   topic:, tag:, source:; a quoted value may
//	                       contain spaces)
//
// Everything else is a plain word, taken literally: std::move, @app.get,
// c++, a/b, ~/.bashrc, key:value with an unknown key. A lone "-" or a word
// starting "--" is a plain word too.

// maxWords bounds the plain words of one query that become term searches:
// a pasted paragraph should not turn into hundreds of searchers.
const maxWords = 32

// textQuery is the parsed form of Request.Text.
type textQuery struct {
	Words      []string // plain words, in the order typed, without repeats
	Phrases    []string
	NotWords   []string
	NotPhrases []string
	Filters    Filters // inline filters (topic:x), by facet name
	// Prefix is set when the last word typed ends the text (no space
	// after it): the word being typed, matched as the start of a word
	// too (Words holds it as typed, last).
	Prefix bool
}

// empty reports whether the text asks for no words or phrases (it may
// still carry filters).
func (t textQuery) empty() bool {
	return len(t.Words) == 0 && len(t.Phrases) == 0
}

// parseText splits user text into words, phrases, exclusions and inline
// filters. Its only error is an unknown inline level.
func parseText(s string) (textQuery, error) {
	var t textQuery
	rs := []rune(s)
	i := 0
	for i < len(rs) {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		switch {
		case rs[i] == '"':
			var p string
			p, i = quoted(rs, i)
			t.Phrases = appendNew(t.Phrases, p)
			continue
		case rs[i] == '-' && i+1 < len(rs) && rs[i+1] == '"':
			var p string
			p, i = quoted(rs, i+1)
			t.NotPhrases = appendNew(t.NotPhrases, p)
			continue
		}
		start := i
		for i < len(rs) && !unicode.IsSpace(rs[i]) {
			i++
		}
		tok := string(rs[start:i])
		if key, ok := filterKey(tok); ok {
			val := tok[len(key)+1:]
			if val == "" && i < len(rs) && rs[i] == '"' {
				// topic:"react native": the value is the quoted text
				// that the space-delimited scan stopped before.
				val, i = quoted(rs, i)
			} else if strings.HasPrefix(val, `"`) {
				// topic:"react native" split at the space: re-read
				// the quote from its start.
				val, i = quoted(rs, start+len([]rune(key))+1)
			}
			val = strings.TrimSpace(val)
			if val == "" {
				t.Words = appendNew(t.Words, tok)
				continue
			}
			f, _ := record.FacetNamed(strings.ToLower(key))
			if f.Closed != nil {
				var err error
				if val, err = checkClosedValue(f, val); err != nil {
					return textQuery{}, err
				}
			}
			t.Filters.add(f.Name, val)
			continue
		}
		if len(tok) > 1 && tok[0] == '-' && tok[1] != '-' {
			t.NotWords = appendNew(t.NotWords, tok[1:])
			continue
		}
		if len(t.Words) < maxWords {
			n := len(t.Words)
			t.Words = appendNew(t.Words, tok)
			t.Prefix = len(t.Words) > n && i == len(rs)
		}
	}
	return t, nil
}

// filterKey reports whether tok starts with a facet's name (record.Facets)
// and a colon, and returns the name as typed.
func filterKey(tok string) (string, bool) {
	k, _, ok := strings.Cut(tok, ":")
	if !ok {
		return "", false
	}
	if _, ok := record.FacetNamed(strings.ToLower(k)); ok {
		return k, true
	}
	return "", false
}

// quoted reads a quoted string starting at rs[i] == '"' and returns its
// trimmed content and the index after the closing quote. An unclosed quote
// runs to the end of the text: a user who forgot it still gets the phrase.
func quoted(rs []rune, i int) (string, int) {
	j := i + 1
	for j < len(rs) && rs[j] != '"' {
		j++
	}
	s := strings.TrimSpace(string(rs[i+1 : j]))
	if j < len(rs) {
		j++
	}
	return s, j
}

// appendNew appends s unless it is empty or already present (ignoring
// case), so "di DI" searches once.
func appendNew(list []string, s string) []string {
	if s == "" {
		return list
	}
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return list
		}
	}
	return append(list, s)
}
