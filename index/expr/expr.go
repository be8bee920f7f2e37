package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// Node is a node of a query tree: one of Term, Phrase, And, Or, Bool, IDs,
// All and None.
type Node interface {
	node()
}

// Term matches the documents whose field holds the term, and the term's
// synonyms (at half the boost) when the index has a synonym list.
type Term struct {
	Field, Term string
	// Boost scales the term's score. 0 makes a clause that restricts hits
	// and scores nothing (filters).
	Boost float64
}

// Phrase matches the documents whose field holds the phrase's words at
// consecutive positions: Terms lists the alternatives at each position
// (an empty position matches any word). No synonym expansion. It scores
// as the And of its terms with Boost; a phrase of one position scores as
// its terms.
type Phrase struct {
	Field string
	Terms [][]string
	Boost float64
}

// And matches the documents every clause matches.
type And struct {
	Clauses []Node
}

// Or matches the documents at least Min clauses match (any one for Min 0
// or 1).
type Or struct {
	Clauses []Node
	Min     int
}

// Bool matches the documents Must matches (every clause) and no clause of
// Not matches; a matching clause of Should adds to the score. Must is
// required: a Bool without it matches nothing.
type Bool struct {
	Must, Should, Not []Node
}

// IDs matches the records with the given IDs, with equal scores (to
// restrict a tree to a page of hits already ranked).
type IDs struct {
	IDs []string
}

// All matches every record of the index, with equal scores.
type All struct{}

// None matches nothing.
type None struct{}

func (Term) node()   {}
func (Phrase) node() {}
func (And) node()    {}
func (Or) node()     {}
func (Bool) node()   {}
func (IDs) node()    {}
func (All) node()    {}
func (None) node()   {}

// Walk calls fn for n and then, in order, for every node below it, until
// fn returns false.
func Walk(n Node, fn func(Node) bool) bool {
	if !fn(n) {
		return false
	}
	var ch []Node
	switch n := n.(type) {
	case And:
		ch = n.Clauses
	case Or:
		ch = n.Clauses
	case Bool:
		ch = append(append(append(ch, n.Must...), n.Should...), n.Not...)
	}
	for _, c := range ch {
		if !Walk(c, fn) {
			return false
		}
	}
	return true
}

// String returns a compact, readable form of the tree, for test messages
// and --explain: field:term^boost, "a b"~field, and(…), or≥k(…),
// bool(must …; should …; not …).
func String(n Node) string {
	var b strings.Builder
	write(&b, n)
	return b.String()
}

func write(b *strings.Builder, n Node) {
	list := func(ns []Node) {
		for i, c := range ns {
			if i > 0 {
				b.WriteByte(' ')
			}
			write(b, c)
		}
	}
	switch n := n.(type) {
	case Term:
		fmt.Fprintf(b, "%s:%s", n.Field, strconv.Quote(n.Term))
		if n.Boost != 1 {
			fmt.Fprintf(b, "^%g", n.Boost)
		}
	case Phrase:
		ps := make([]string, len(n.Terms))
		for i, alts := range n.Terms {
			ps[i] = strings.Join(alts, "|")
		}
		fmt.Fprintf(b, "%s:%s", n.Field, strconv.Quote(strings.Join(ps, " ")))
		if n.Boost != 1 {
			fmt.Fprintf(b, "^%g", n.Boost)
		}
	case And:
		b.WriteString("and(")
		list(n.Clauses)
		b.WriteByte(')')
	case Or:
		b.WriteString("or")
		if n.Min > 1 {
			fmt.Fprintf(b, "≥%d", n.Min)
		}
		b.WriteByte('(')
		list(n.Clauses)
		b.WriteByte(')')
	case Bool:
		b.WriteString("bool(must ")
		list(n.Must)
		if len(n.Should) > 0 {
			b.WriteString("; should ")
			list(n.Should)
		}
		if len(n.Not) > 0 {
			b.WriteString("; not ")
			list(n.Not)
		}
		b.WriteByte(')')
	case IDs:
		fmt.Fprintf(b, "ids(%s)", strings.Join(n.IDs, " "))
	case All:
		b.WriteString("all")
	case None:
		b.WriteString("none")
	case nil:
		b.WriteString("<nil>")
	default:
		fmt.Fprintf(b, "%T", n)
	}
}
