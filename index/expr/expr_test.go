package expr

import "testing"

func TestString(t *testing.T) {
	tree := Bool{
		Must: []Node{
			Or{Min: 2, Clauses: []Node{
				Term{Field: "question", Term: "depend", Boost: 3},
				Term{Field: "answer", Term: "inject", Boost: 1},
				And{Clauses: []Node{Term{Field: "code", Term: "di", Boost: 0.5}, All{}}},
			}},
			Phrase{Field: "question", Terms: [][]string{{"oauth2", "oauth"}, {"password"}}, Boost: 1},
		},
		Should: []Node{None{}},
		Not:    []Node{Term{Field: "level", Term: "advanced", Boost: 0}},
	}
	want := `bool(must or≥2(question:"depend"^3 answer:"inject" and(code:"di"^0.5 all)) question:"oauth2|oauth password"; should none; not level:"advanced"^0)`
	if got := String(tree); got != want {
		t.Errorf("String() = %s\nwant %s", got, want)
	}
	n := 0
	Walk(tree, func(Node) bool { n++; return true })
	if n != 10 {
		t.Errorf("Walk visited %d nodes; want 10", n)
	}
	n = 0
	Walk(tree, func(x Node) bool { n++; _, ok := x.(Or); return !ok })
	if n != 2 {
		t.Errorf("Walk stopped after %d nodes; want 2 (the Bool, then the Or)", n)
	}
}
