package dedup

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/iq-search/iq/record"
)

// TestNewIndexStream: the Index made from a stream is the one made from
// the records in memory (same weights, features, clusters and stored
// features), and a stream that fails or changes between passes is an
// error.
func TestNewIndexStream(t *testing.T) {
	t.Run("seeds", func(t *testing.T) { testNewIndexStream(t, seedRecords(t)) })
	t.Run("corpora", func(t *testing.T) { testNewIndexStream(t, corporaRecords(t)) })
	// Pairs whose score reads the other's answer words (placedByAnswer,
	// the siblings its answers name): a streamed Index reads them from
	// its stored answer terms.
	t.Run("answer words", func(t *testing.T) {
		resolver := "Write a function that returns the field's value and pass it as the resolver: strawberry.field(resolver=get_books)."
		// (With topics: a card's topics are nil when computed and
		// empty when streamed, which the comparison below would tell.)
		recs := append(seedRecords(t),
			withTopics(q("Explain the ACID properties of transactions."), "sql"),
			withTopics(withAnswer(q("What are ACID properties in a database?"), "Atomicity, consistency, isolation and durability: the guarantees a database gives its transactions."), "sql"),
			withTopics(withAnswer(q("How do you create a resolver function in Strawberry?"), resolver), "python"),
			withTopics(withAnswer(q("How do you implement field resolvers in Strawberry?"), "A resolver is a function that returns the field's value, passed with strawberry.field(resolver=get_books)."), "python"))
		testNewIndexStream(t, recs)
		ix, err := NewIndexStream(context.Background(), stream(recs), Options{})
		if err != nil {
			t.Fatal(err)
		}
		n := len(recs)
		for _, p := range [][2]int{{n - 4, n - 3}, {n - 2, n - 1}} {
			found := false
			for _, c := range ix.Clusters() {
				in := 0
				for _, m := range c.Members {
					if m.Index == p[0] || m.Index == p[1] {
						in++
					}
				}
				found = found || in == 2
			}
			if !found {
				t.Errorf("streamed Index: %q and %q apart; want them in one cluster", recs[p[0]].Question, recs[p[1]].Question)
			}
		}
	})
	// All of ../shared holds pairs whose score reads the other's answer
	// ("the ACID properties of transactions" / "…in a database").
	t.Run("shared", func(t *testing.T) { testNewIndexStream(t, sharedRecords(t)) })
	// A term counted 128 times or more in the answers compared has a
	// weight of its own, not a code (answerTerms.raw).
	t.Run("repeated answer terms", func(t *testing.T) {
		word := strings.Repeat("goroutine ", answerTextTokens)
		code := strings.Repeat("go ", answerCodeTokens)
		answers := []record.Answer{{Text: word, Code: []record.Code{{Text: code}}}, {Text: word}, {Text: word + "channels"}}
		recs := []record.Record{
			{ID: "a", Question: "How are goroutines scheduled?", Answers: answers},
			{ID: "b", Question: "How does the Go scheduler run goroutines?", Answers: answers},
			{ID: "c", Question: "What is a channel?", Answers: []record.Answer{{Text: "A typed pipe between goroutines."}}},
		}
		testNewIndexStream(t, recs)
		ix, err := NewIndexStream(context.Background(), stream(recs), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ix.answers.raw) == 0 {
			t.Errorf("no answer term weighed apart; want the one counted %d times", 3*answerTextTokens)
		}
	})
}

func stream(recs []record.Record) func(yield func(record.Record, error) bool) {
	return func(yield func(record.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func testNewIndexStream(t *testing.T, recs []record.Record) {
	ctx := context.Background()
	opts := Options{Synonyms: [][]string{{"db", "database"}, {"GIL", "global interpreter lock"}}}
	want, err := NewIndexContext(ctx, recs, opts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := NewIndexStream(ctx, stream(recs), opts)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.st, want.st) {
		t.Errorf("NewIndexStream's weights differ from NewIndexContext's")
	}
	if got.Len() != want.Len() {
		t.Fatalf("NewIndexStream: %d records; want %d", got.Len(), want.Len())
	}
	for i := range want.Len() {
		if !reflect.DeepEqual(got.Card(i), want.Card(i)) || got.sourceCount(i) != want.sourceCount(i) || got.answerLen(i) != want.answerLen(i) {
			t.Fatalf("record %d: streamed card %+v (%d sources, answers %d); want %+v (%d, %d)", i,
				got.Card(i), got.sourceCount(i), got.answerLen(i), want.Card(i), want.sourceCount(i), want.answerLen(i))
		}
	}
	var sc featScratch
	for i := range recs {
		if g := got.feat(i, &sc); !reflect.DeepEqual(*g, want.feats[i]) {
			t.Fatalf("record %q: streamed features\n%+v\nwant\n%+v", recs[i].Question, *g, want.feats[i])
		}
	}
	// Members of a streamed Index's clusters carry no sources (it keeps
	// cards, as a loaded one does).
	members := func(cs []Cluster) [][]Member {
		var out [][]Member
		for _, c := range cs {
			var ms []Member
			for _, m := range c.Members {
				m.Sources = nil
				ms = append(ms, m)
			}
			out = append(out, ms)
		}
		return out
	}
	if g, w := got.Clusters(), want.Clusters(); !reflect.DeepEqual(members(g), members(w)) {
		t.Errorf("NewIndexStream: %d clusters, NewIndexContext %d; want the same", len(g), len(w))
	}
	// Every pair scored alike, those whose score reads the answers'
	// words too (placedByAnswer), not only the clusters they make.
	g, gerr := got.keptEdges()
	w, werr := want.keptEdges()
	if gerr != nil || werr != nil || !reflect.DeepEqual(g, w) {
		t.Errorf("NewIndexStream: %d edges, NewIndexContext %d; want the same", len(g.es), len(w.es))
	}
	gb, err := got.MarshalFeatures("k", nil)
	if err != nil {
		t.Fatal(err)
	}
	wb, _ := want.MarshalFeatures("k", nil)
	if string(gb) != string(wb) {
		t.Errorf("stored features differ (%d bytes, want %d)", len(gb), len(wb))
	}
	loaded, err := LoadIndex(ctx, gb, "k", opts)
	if err != nil {
		t.Fatal(err)
	}
	for name, ix := range map[string]*Index{"NewIndexStream": got, "NewIndexContext": want, "LoadIndex": loaded} {
		checkAligned(t, name, ix)
	}
	if g, w := got.Acronyms(), MineAcronyms(recs); (len(g) > 0 || len(w) > 0) && !reflect.DeepEqual(g, w) {
		t.Errorf("Acronyms() = %v; want MineAcronyms' %v", g, w)
	}

	bad := errors.New("read records.jsonl: line 3: unexpected EOF")
	failing := func(yield func(record.Record, error) bool) {
		yield(recs[0], nil)
		yield(record.Record{}, bad)
	}
	if _, err := NewIndexStream(ctx, failing, opts); !errors.Is(err, bad) {
		t.Errorf("NewIndexStream(failing stream) = %v; want %v", err, bad)
	}
	passes := 0
	shrinking := func(yield func(record.Record, error) bool) {
		passes++
		for _, r := range recs[:len(recs)-passes] {
			if !yield(r, nil) {
				return
			}
		}
	}
	if _, err := NewIndexStream(ctx, shrinking, opts); err == nil {
		t.Errorf("NewIndexStream(a stream shorter at each pass) = nil error; want one")
	}
}

// checkAligned checks what sharedUnmatched relies on: each record's
// question vector has an entry for each of its tokens, in their order.
func checkAligned(t *testing.T, name string, ix *Index) {
	t.Helper()
	for i := range ix.feats {
		f := &ix.feats[i]
		if !aligned(f) {
			t.Fatalf("%s: record %d: %d question vector entries, %d tokens; want one entry per token", name, i, len(f.q.e), len(f.toks))
		}
		for k, e := range f.q.e {
			if e.h != f.toks[k].h {
				t.Fatalf("%s: record %d: entry %d is token %x, token %d is %x; want the same order", name, i, k, e.h, k, f.toks[k].h)
			}
		}
	}
}
