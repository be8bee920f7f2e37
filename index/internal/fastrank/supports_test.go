package fastrank

import (
	"strings"
	"testing"

	"github.com/iq-search/iq/index/expr"
)

func TestSupports(t *testing.T) {
	term := expr.Term{Field: "question", Term: "closure", Boost: 1}
	terms := func(n int) []expr.Node {
		ns := make([]expr.Node, n)
		for i := range ns {
			ns[i] = expr.Term{Field: "answer", Term: strings.Repeat("x", i+1), Boost: 1}
		}
		return ns
	}
	alts := func(n int) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = strings.Repeat("y", i+1)
		}
		return s
	}
	tests := []struct {
		name string
		tree expr.Node
		want bool
	}{
		{"term", term, true},
		{"all", expr.All{}, true},
		{"none", expr.None{}, true},
		{"and of nothing", expr.And{}, true},
		{"or of ten", expr.Or{Clauses: terms(10)}, true},
		{"or of eleven", expr.Or{Clauses: terms(11)}, false},
		{"min-match of eleven", expr.Or{Clauses: terms(11), Min: 2}, false},
		{"eleven below", expr.And{Clauses: []expr.Node{term, expr.Or{Clauses: terms(11)}}}, false},
		{"bool", expr.Bool{Must: []expr.Node{term}, Should: terms(3), Not: terms(2)}, true},
		{"bool without must", expr.Bool{Should: terms(3)}, false},
		{"ids", expr.IDs{IDs: []string{"a"}}, false},
		{"ids below", expr.Bool{Must: []expr.Node{term, expr.IDs{IDs: []string{"a"}}}}, false},
		{"term without field", expr.Term{Term: "x", Boost: 1}, false},
		{"phrase", expr.Phrase{Field: "question", Terms: [][]string{{"a"}, {}, {"b", "c"}}, Boost: 1}, true},
		{"phrase of one word", expr.Phrase{Field: "question", Terms: [][]string{{"a"}}, Boost: 1}, true},
		{"phrase of one empty position", expr.Phrase{Field: "question", Terms: [][]string{{}}, Boost: 1}, false},
		{"phrase of empty positions", expr.Phrase{Field: "question", Terms: [][]string{{}, {}}, Boost: 1}, false},
		{"phrase of no positions", expr.Phrase{Field: "question", Boost: 1}, false},
		{"phrase word empty", expr.Phrase{Field: "question", Terms: [][]string{{"a"}, {""}}, Boost: 1}, false},
		{"phrase of ten alternatives", expr.Phrase{Field: "question", Terms: [][]string{{"a"}, alts(10)}, Boost: 1}, true},
		{"phrase of eleven alternatives", expr.Phrase{Field: "question", Terms: [][]string{{"a"}, alts(11)}, Boost: 1}, false},
		{"phrase without field", expr.Phrase{Terms: [][]string{{"a"}, {"b"}}, Boost: 1}, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		if got := Supports(tt.tree); got != tt.want {
			t.Errorf("Supports(%s) = %v; want %v (%s)", expr.String(tt.tree), got, tt.want, tt.name)
		}
	}
}
