package dedup

import (
	"slices"
	"testing"

	"github.com/iq-search/iq/record"
)

func TestParseDecisions(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty object", `{}`, ""},
		{"all kinds", `{"not_duplicates": [[{"id": "a"}, {"question": "Q?"}]], "alone": [{"id": "b"}],
			"duplicates": [[{"id": "c"}, {"id": "d"}, {"question": "E?"}]], "canonical": [{"question": "F?"}]}`, ""},
		{"not JSON", `not_duplicates: []`, "decisions: invalid character 'o' in literal null (expecting 'u')"},
		{"unknown field", `{"same": []}`, `decisions: json: unknown field "same"`},
		{"pair of three", `{"not_duplicates": [[{"id": "a"}, {"id": "b"}, {"id": "c"}]]}`, "decisions: not_duplicates[0]: 3 questions, want two"},
		{"group of one", `{"duplicates": [[{"id": "a"}]]}`, "decisions: duplicates[0]: 1 questions, want two or more"},
		{"nameless question", `{"alone": [{"id": " "}]}`, "decisions: alone[0]: want an id or a question"},
		{"two values", `{} {}`, "decisions: more than one JSON value"},
	} {
		_, err := ParseDecisions([]byte(tc.in))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: ParseDecisions(%s) error = %q; want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// TestDecisionsApplied: a maintainer's decisions change the clusters as
// they say, and what they name but the collection lacks is listed.
func TestDecisionsApplied(t *testing.T) {
	recs := seedRecords(t)
	const (
		flask  = "What is FastAPI, and how does it differ from other Python web frameworks like Flask or Django?"
		other  = "What is FastAPI, and how does it differ from other Python web frameworks?"
		pyd    = "What is Pydantic, and how is it used in FastAPI?"
		valid  = "How does FastAPI handle request validation using Pydantic models?"
		wsSupp = "What is FastAPI's support for WebSocket communication?"
		wsImpl = "How do you implement WebSocket endpoints in FastAPI?"
		mw     = "What is middleware in FastAPI, and how can you use it?"
		mwAdd  = "What is middleware in FastAPI and how do you add custom middleware?"
	)
	before := clusterOf(t, recs, Find(recs, Options{}))
	for _, pair := range [][2]string{{flask, other}, {wsSupp, wsImpl}, {mw, mwAdd}} {
		if before(pair[0]) != before(pair[1]) {
			t.Fatalf("without decisions, %q and %q are apart; the test needs them together", pair[0], pair[1])
		}
	}
	if before(pyd) == before(valid) {
		t.Fatalf("without decisions, %q and %q are together; the test needs them apart", pyd, valid)
	}
	d := &Decisions{
		NotDuplicates: [][]Ref{{{Question: flask}, {Question: other}}},
		Alone:         []Ref{{Question: wsImpl}},
		Duplicates:    [][]Ref{{{Question: pyd}, {Question: valid}}},
		Canonical:     []Ref{{Question: mwAdd}},
	}
	d.Alone = append(d.Alone, Ref{Question: "A question no bank asks?"})
	ix := NewIndex(recs, Options{Decisions: d})
	cs := ix.Clusters()
	after := clusterOf(t, recs, cs)
	if after(flask) == after(other) {
		t.Errorf("not_duplicates: %q and %q still share a cluster", flask, other)
	}
	if after(wsImpl) != recordID(recs, wsImpl) {
		t.Errorf("alone: %q is in cluster %s; want none", wsImpl, after(wsImpl))
	}
	if after(pyd) != after(valid) {
		t.Errorf("duplicates: %q and %q are apart", pyd, valid)
	}
	if got := after(mw); got != recordID(recs, mwAdd) {
		t.Errorf("canonical: the middleware cluster is %s; want the id of %q", got, mwAdd)
	}
	list := ix.Decisions()
	if len(list) != 5 {
		t.Fatalf("Decisions() = %d; want 5", len(list))
	}
	var missing []string
	for _, dc := range list {
		missing = append(missing, dc.Missing...)
	}
	if want := []string{`"A question no bank asks?"`}; !slices.Equal(missing, want) {
		t.Errorf("Decisions() missing = %q; want %q", missing, want)
	}
}

func recordID(recs []record.Record, question string) string {
	for _, r := range recs {
		if r.Question == question {
			return r.ID
		}
	}
	return ""
}

// TestMerge: the deduplicated bank has one record per cluster with every
// answer and source of its members, and the other records as they were.
func TestMerge(t *testing.T) {
	recs := seedRecords(t)
	cs := Find(recs, Options{})
	merged := Merge(recs, cs)
	inClusters := 0
	for _, c := range cs {
		inClusters += len(c.Members)
	}
	if want := len(recs) - inClusters + len(cs); len(merged) != want {
		t.Fatalf("Merge: %d records; want %d (%d records, %d in %d clusters)", len(merged), want, len(recs), inClusters, len(cs))
	}
	count := func(rs []record.Record) (answers, sources int) {
		for _, r := range rs {
			answers += len(r.Answers)
			sources += len(r.Sources)
		}
		return
	}
	wa, ws := count(recs)
	if ga, gs := count(merged); ga != wa || gs != ws {
		t.Errorf("Merge kept %d answers and %d sources; want all %d and %d", ga, gs, wa, ws)
	}
	for _, c := range cs {
		i := slices.IndexFunc(merged, func(r record.Record) bool { return r.ID == c.ID })
		if i < 0 || merged[i].Question != c.Members[0].Question || merged[i].Cluster != "" {
			t.Errorf("Merge: no record %s with the canonical question %q", c.ID, c.Members[0].Question)
		}
	}
}
