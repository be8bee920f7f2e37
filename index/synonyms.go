package index

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
)

//go:embed synonyms.txt
var defaultSynonyms []byte

// Synonym is one group of the synonym list. With Input empty, every term of
// Terms is equivalent to every other; otherwise each Input term maps to the
// Terms and not back. A term may be several words.
//
// A Mined group was learnt from the collection's own text (an acronym it
// spells out, dedup.MineAcronyms): a term of it the index cannot hold (a
// multi-word term with an identifier such as "OpenID" among its words) is
// left out of the group, and the group with it if fewer than two terms
// remain, where the same term in a synonym file the user wrote is an error.
type Synonym struct {
	Input []string `json:"input,omitempty"`
	Terms []string `json:"terms"`
	Mined bool     `json:"mined,omitempty"`
}

// DefaultSynonyms returns the synonym list shipped in index/synonyms.txt.
func DefaultSynonyms() []Synonym {
	syn, err := ParseSynonyms(bytes.NewReader(defaultSynonyms))
	if err != nil {
		// The embedded file is checked by TestDefaultSynonyms.
		panic(fmt.Sprintf("index: embedded synonyms.txt: %v", err))
	}
	return syn
}

// LoadSynonyms reads a synonym list in the format of index/synonyms.txt from
// path.
func LoadSynonyms(path string) ([]Synonym, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open synonyms %s: %w", path, err)
	}
	defer f.Close()
	syn, err := ParseSynonyms(f)
	if err != nil {
		return nil, fmt.Errorf("parse synonyms %s: %w", path, err)
	}
	return syn, nil
}

// ParseSynonyms reads a synonym list: one group per line, terms separated by
// commas, "a, b => c, d" for a one-way group, '#' starting a comment line.
func ParseSynonyms(r io.Reader) ([]Synonym, error) {
	var rv []Synonym
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		var s Synonym
		lhs, rhs, oneWay := strings.Cut(text, "=>")
		if oneWay {
			s.Input = splitTerms(lhs)
			s.Terms = splitTerms(rhs)
			if len(s.Input) == 0 || len(s.Terms) == 0 {
				return nil, fmt.Errorf("line %d: %q: want terms on both sides of =>", line, text)
			}
		} else {
			s.Terms = splitTerms(text)
			if len(s.Terms) < 2 {
				return nil, fmt.Errorf("line %d: %q: want at least two terms separated by commas", line, text)
			}
		}
		rv = append(rv, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return rv, nil
}

func splitTerms(s string) []string {
	var rv []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.Join(strings.Fields(t), " "); t != "" {
			rv = append(rv, t)
		}
	}
	return rv
}
