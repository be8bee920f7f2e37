package dedup

import (
	"bytes"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/record"
)

var update = flag.Bool("update", false, "rewrite testdata files")

// clusterOf assigns clusters to a copy of recs and returns a function from
// question text to cluster ID ("" for an unknown question).
func clusterOf(t *testing.T, recs []record.Record, cs []Cluster) func(question string) string {
	t.Helper()
	recs = slices.Clone(recs)
	Assign(recs, cs)
	return func(question string) string {
		for _, r := range recs {
			if r.Question == question {
				return r.Cluster
			}
		}
		t.Fatalf("no record with question %q", question)
		return ""
	}
}

func TestClustersSeeds(t *testing.T) {
	recs := seedRecords(t)
	cs := Find(recs, Options{})
	of := clusterOf(t, recs, cs)
	for _, tc := range []struct {
		name string
		a, b string
		same bool
	}{
		{"FastAPI vs other frameworks", "What is FastAPI, and how does it differ from other Python web frameworks?",
			"What is FastAPI, and how does it differ from other Python web frameworks like Flask or Django?", true},
		{"WebSocket", "What is FastAPI's support for WebSocket communication?",
			"How do you implement WebSocket endpoints in FastAPI?", true},
		{"middleware", "What is middleware in FastAPI, and how can you use it?",
			"What is middleware in FastAPI and how do you add custom middleware?", true},
		{"API versioning", "What is API versioning, and how can you implement it in FastAPI?",
			"How would you implement an API with versioning in FastAPI?", true},
		{"advantages and benefits (issue 12)", "What are the key advantages of using FastAPI?",
			"What are the benefits of using FastAPI for building web APIs?", true},
		{"Pydantic vs Pydantic v1/v2", "What is Pydantic, and how is it used in FastAPI?",
			"What are the key differences between Pydantic v1 and v2, and how does FastAPI use Pydantic v2?", false},
		{"dependency injection vs middleware", "What is dependency injection in FastAPI, and why is it important?",
			"What is middleware in FastAPI, and how can you use it?", false},
	} {
		if got := of(tc.a) == of(tc.b); got != tc.same {
			t.Errorf("%s: same cluster(%q, %q) = %v; want %v", tc.name, tc.a, tc.b, got, tc.same)
		}
	}
	checkGolden(t, "seeds.clusters.json", cs)
}

// checkGolden compares clusters with testdata/name, rewritten by -update,
// so that a scoring change shows up in review as a diff of clusters.
func checkGolden(t *testing.T, name string, cs []Cluster) {
	t.Helper()
	type member struct {
		Question string  `json:"question"`
		Score    float64 `json:"score"`
	}
	var view [][]member
	for _, c := range cs {
		var ms []member
		for _, m := range c.Members {
			ms = append(ms, member{m.Question, float64(int(m.Score*100+0.5)) / 100})
		}
		view = append(view, ms)
	}
	got, err := json.MarshalIndent(view, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./dedup -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("clusters differ from %s; run go test ./dedup -update and review the diff", path)
	}
}

// TestClustersNoFarPair: a cluster never holds two questions the scorer
// tells apart outright, however close each is to a third: migrations in
// MongoDB and in PostgreSQL both match migrations in general, not each
// other.
func TestClustersNoFarPair(t *testing.T) {
	general := "Describe database migrations and how you handle them in a team environment."
	mongo := "How would you handle database migrations in MongoDB?"
	pg := "How do you manage database migrations in PostgreSQL?"
	recs := append(seedRecords(t), q(general), q(mongo), q(pg))
	ix := NewIndex(recs, Options{})
	n := len(recs)
	if s := ix.score(n-2, n-1); s >= linkFloor*DefaultMinScore {
		t.Fatalf("Score(%q, %q) = %.2f; the test needs a pair under %.2f", mongo, pg, s, linkFloor*DefaultMinScore)
	}
	of := clusterOf(t, recs, ix.Clusters())
	if of(mongo) == of(pg) {
		t.Errorf("%q and %q are in one cluster", mongo, pg)
	}
}

func TestClustersCorpora(t *testing.T) {
	recs := append(seedRecords(t), corporaRecords(t)...)
	cs := Find(recs, Options{})
	of := clusterOf(t, recs, cs)

	// lydiahallie's "What's the output?" questions are a hundred different
	// questions: none may share a cluster with another.
	var outputs []string
	for _, r := range recs {
		if strings.HasPrefix(r.Question, "What's the output?") && strings.Contains(r.Sources[0].File, "lydiahallie") {
			outputs = append(outputs, r.Question)
		}
	}
	if len(outputs) < 100 {
		t.Fatalf("found %d lydiahallie \"What's the output?\" questions; want over 100 (has ingest changed?)", len(outputs))
	}
	seen := map[string]string{}
	for _, o := range outputs {
		c := of(o)
		if prev, ok := seen[c]; ok {
			t.Errorf("cluster %s holds two different \"What's the output?\" questions:\n%s\n---\n%s", c, prev, o)
		}
		seen[c] = o
	}

	// The same question in two banks: one record (ingest merged the exact
	// repeat) or one cluster.
	for _, tc := range []struct {
		name   string
		a, b   string // substrings of the question, lower case
		fa, fb string // substrings of the source file
	}{
		{"lifting state up", "lifting state up", "lifting state up", "Devinterview-io__react", "sudheerj__reactjs"},
		{"== vs ===", "== and ===", "== and ===", "h5bp__", "Devinterview-io__javascript"},
	} {
		ra, rb := findRecord(recs, tc.a, tc.fa), findRecord(recs, tc.b, tc.fb)
		if ra == nil || rb == nil {
			t.Errorf("%s: no record for %q in %s or %q in %s", tc.name, tc.a, tc.fa, tc.b, tc.fb)
			continue
		}
		if ra.ID != rb.ID && of(ra.Question) != of(rb.Question) {
			t.Errorf("%s: %q and %q are in clusters %s and %s; want one", tc.name, ra.Question, rb.Question, of(ra.Question), of(rb.Question))
		}
	}
}

// findRecord returns the record whose question contains q (lower case)
// and one of whose sources contains file.
func findRecord(recs []record.Record, q, file string) *record.Record {
	for i, r := range recs {
		if !strings.Contains(strings.ToLower(r.Question), q) {
			continue
		}
		for _, s := range r.Sources {
			if strings.Contains(s.File, file) {
				return &recs[i]
			}
		}
	}
	return nil
}

func TestClustersDeterministic(t *testing.T) {
	recs := append(seedRecords(t), corporaRecords(t)...)
	want := Find(recs, Options{})
	shuffled := slices.Clone(recs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	got := Find(shuffled, Options{})
	if len(got) != len(want) {
		t.Fatalf("Find(shuffled) gave %d clusters; Find gave %d", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || len(got[i].Members) != len(want[i].Members) {
			t.Errorf("cluster %d: Find(shuffled) = %s (%d members); Find = %s (%d members)", i, got[i].ID, len(got[i].Members), want[i].ID, len(want[i].Members))
		}
	}
}

// TestLSHRecall checks that the candidate pairs of MinHash LSH miss
// almost none of the pairs an all-pairs comparison finds.
func TestLSHRecall(t *testing.T) {
	recs := append(seedRecords(t), corporaRecords(t)...)
	ix := NewIndex(recs, Options{})
	cand := map[uint64]bool{}
	for _, p := range ix.candidates() {
		cand[p] = true
	}
	total, found := 0, 0
	for i := range recs {
		for j := i + 1; j < len(recs); j++ {
			if score(&ix.feats[i], &ix.feats[j], false).Score >= DefaultMinScore {
				total++
				if cand[pairKey(int32(i), int32(j))] {
					found++
				}
			}
		}
	}
	if total < 20 {
		t.Fatalf("all-pairs found %d duplicate pairs; want at least 20 to measure recall", total)
	}
	recall := float64(found) / float64(total)
	t.Logf("LSH: %d candidate pairs of %d; recall %d/%d = %.3f", len(cand), len(recs)*(len(recs)-1)/2, found, total, recall)
	if recall < 0.95 {
		t.Errorf("LSH recall = %d/%d = %.3f; want at least 0.95", found, total, recall)
	}
	if n := len(recs) * (len(recs) - 1) / 2; len(cand)*10 > n {
		t.Errorf("LSH proposed %d of %d pairs; want under a tenth", len(cand), n)
	}
}

func TestAssign(t *testing.T) {
	recs := []record.Record{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	Assign(recs, []Cluster{{ID: "b", Members: []Member{{ID: "b"}, {ID: "a"}}}})
	var got []string
	for _, r := range recs {
		got = append(got, r.Cluster)
	}
	if want := []string{"b", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("Assign: clusters %q; want %q", got, want)
	}
}

// TestCanonical: a cluster stands for its most general, complete question,
// not a narrower one, whatever the order of the records or their sources
// (issue 12, item 3).
func TestCanonical(t *testing.T) {
	for _, tc := range []struct {
		name      string
		questions []string
		want      string
	}{
		{"the most complete form", []string{
			"How do closures work in JavaScript?",
			"What is a closure in JavaScript?",
			"What is a closure in JavaScript, and how does it work?",
		}, "What is a closure in JavaScript, and how does it work?"},
		{"the complete form", []string{
			"What is event delegation?",
			"What is event delegation, and why is it useful?",
		}, "What is event delegation, and why is it useful?"},
		{"a definition over how it works", []string{
			"How does React Fiber work? Explain in detail.",
			"What is React Fiber?",
		}, "What is React Fiber?"},
		{"an open question over a yes/no one", []string{
			"Can FastAPI handle WebSocket communication?",
			"How does FastAPI handle WebSocket communication?",
		}, "How does FastAPI handle WebSocket communication?"},
	} {
		recs := records(tc.questions...)
		// The narrower questions are found in more places: generality
		// comes first.
		for i := range recs {
			for range len(recs) - i {
				recs[i].Sources = append(recs[i].Sources, record.Source{File: "x.md", Line: len(recs[i].Sources) + 1})
			}
		}
		cs := Find(recs, Options{})
		if len(cs) != 1 || len(cs[0].Members) != len(recs) {
			t.Errorf("%s: Find = %d clusters; want the %d questions in one", tc.name, len(cs), len(recs))
			continue
		}
		if got := cs[0].Members[0].Question; got != tc.want {
			t.Errorf("%s: canonical = %q; want %q", tc.name, got, tc.want)
		}
	}
}

func records(questions ...string) []record.Record {
	var recs []record.Record
	for _, q := range questions {
		recs = append(recs, record.Record{ID: record.QuestionID(q), Question: q})
	}
	return recs
}
