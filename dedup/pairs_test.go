package dedup

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/iq-search/iq/ingest"
	"github.com/iq-search/iq/record"
)

// The labelled pair set (issue 12, item 4): candidate pairs of questions
// from ../shared/corpora, ../shared/labelled and the embedded corpus,
// each labelled by reading as same, related or different by the rule "an
// answer to one fully answers the other". testdata/pairs.md says how the
// pairs were chosen and labelled; the records themselves are read from
// ../shared at test time and found by file and line.

// pairLabel is a pair's label: only "same" is a duplicate.
const (
	labelSame      = "same"
	labelRelated   = "related"
	labelDifferent = "different"
)

// pairSide names one question of a labelled pair: the file relative to
// ../shared (or corpus/ for the embedded corpus), the line of its first
// source and its text when it was labelled.
type pairSide struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Question string `json:"question"`
}

type labelledPair struct {
	A       pairSide `json:"a"`
	B       pairSide `json:"b"`
	Label   string   `json:"label"`
	Stratum string   `json:"stratum"`
}

func loadPairs(t testing.TB) []labelledPair {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "pairs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ps []labelledPair
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var p labelledPair
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("testdata/pairs.jsonl:%d: %v", n, err)
		}
		if p.Label != labelSame && p.Label != labelRelated && p.Label != labelDifferent {
			t.Fatalf("testdata/pairs.jsonl:%d: label %q, want same, related or different", n, p.Label)
		}
		ps = append(ps, p)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ps
}

// sharedCollection ingests all of ../shared/corpora and ../shared/labelled
// with the embedded corpus's files, once per test binary: the collection
// the pair set and the cluster sample are measured on.
var sharedCollection = sync.OnceValues(func() ([]record.Record, error) {
	_, file, _, _ := runtimeCaller()
	root := filepath.Join(filepath.Dir(file), "..")
	shared := filepath.Join(root, "..", "shared")
	recs, _, err := ingest.Paths(context.Background(), []string{
		filepath.Join(shared, "corpora"), filepath.Join(shared, "labelled"), filepath.Join(root, "corpus"),
	}, ingest.Options{})
	return recs, err
})

func sharedRecords(t testing.TB) []record.Record {
	t.Helper()
	sharedDir(t)
	recs, err := sharedCollection()
	if err != nil {
		t.Fatalf("ingest ../shared: %v", err)
	}
	return recs
}

// relSource names a source as the pair set does: relative to ../shared, or
// corpus/NAME for the embedded corpus's files.
func relSource(file string) string {
	file = filepath.ToSlash(file)
	for _, dir := range []string{"/shared/", "/corpus/"} {
		if i := strings.LastIndex(file, dir); i >= 0 {
			if dir == "/corpus/" {
				return "corpus/" + file[i+len(dir):]
			}
			return file[i+len(dir):]
		}
	}
	return file
}

// locator finds the record a pair side names: by file and line when the
// question there is still the same (ingest may have trimmed decorations
// such as "[src]" since), else by file and normalised question.
type locator struct {
	byLine map[string]int
	byText map[string]int
}

func newLocator(recs []record.Record) *locator {
	l := &locator{byLine: map[string]int{}, byText: map[string]int{}}
	for i, r := range recs {
		norm := record.NormalizeQuestion(r.Question)
		for _, s := range r.Sources {
			f := relSource(s.File)
			l.byLine[fmt.Sprintf("%s:%d", f, s.Line)] = i
			l.byText[f+"\x00"+norm] = i
		}
	}
	return l
}

func (l *locator) find(s pairSide, recs []record.Record) (int, bool) {
	norm := record.NormalizeQuestion(s.Question)
	if i, ok := l.byLine[fmt.Sprintf("%s:%d", s.File, s.Line)]; ok && sameText(record.NormalizeQuestion(recs[i].Question), norm) {
		return i, true
	}
	i, ok := l.byText[s.File+"\x00"+norm]
	return i, ok
}

// sameText reports whether two normalised questions are one question read
// twice: one starts the other, or they share most of their words.
func sameText(a, b string) bool {
	if strings.HasPrefix(a, b) || strings.HasPrefix(b, a) {
		return true
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	common := 0
	for _, w := range wa {
		if slices.Contains(wb, w) {
			common++
		}
	}
	return common*5 >= 4*max(len(wa), len(wb))
}

// pairMeasure is precision and recall of "same" over labelled pairs.
type pairMeasure struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
	// Related counts pairs labelled related that were called duplicates
	// (they are among FP).
	Related int `json:"related_as_same"`
}

func (m *pairMeasure) add(label string, predicted bool) {
	switch {
	case predicted && label == labelSame:
		m.TP++
	case predicted:
		m.FP++
		if label == labelRelated {
			m.Related++
		}
	case label == labelSame:
		m.FN++
	}
}

func (m *pairMeasure) finish() {
	m.Precision = ratio(m.TP, m.TP+m.FP)
	m.Recall = ratio(m.TP, m.TP+m.FN)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(int(float64(a)/float64(b)*10000+0.5)) / 10000
}

// halfMeasure is pair and cluster precision and recall of one half of the
// set.
type halfMeasure struct {
	Pair    pairMeasure `json:"pair"`
	Cluster pairMeasure `json:"cluster"`
}

// pairResults is testdata/pairs.results.json.
type pairResults struct {
	Pairs   int            `json:"pairs"`
	Labels  map[string]int `json:"labels"`
	Located int            `json:"located"`
	Missing []string       `json:"missing,omitempty"`
	// Repeated are pairs whose two records an earlier line of the set
	// names already (ingest has since merged a side with another record,
	// or the pair was drawn twice): counted once, at their first line.
	Repeated  []string `json:"repeated,omitempty"`
	Records   int      `json:"records"`
	Threshold float64  `json:"threshold"`
	// Pair: a pair is called a duplicate when its Score reaches the
	// threshold. Cluster: when both questions land in one cluster of the
	// whole collection.
	Pair    pairMeasure            `json:"pair"`
	Cluster pairMeasure            `json:"cluster"`
	Strata  map[string]pairMeasure `json:"cluster_by_stratum"`
	// Halves are the cluster measures of the pairs on odd and on even
	// lines of pairs.jsonl: changes to the scorer made after the set was
	// labelled were checked on the odd half ("tuning") first; the even
	// half ("held_out") says whether they carry over to pairs they were
	// not looked at with.
	Halves map[string]halfMeasure `json:"halves"`
	// Errors of the clusters, for review: pairs clustered but labelled
	// otherwise, and same pairs left apart, with their score.
	ClusteredNotSame []string `json:"clustered_not_same"`
	SameNotClustered []string `json:"same_not_clustered"`
}

// TestPairSet measures duplicate detection on the labelled pair set and
// writes testdata/pairs.results.json, checked in so that every change to
// the scorer shows its effect in review.
func TestPairSet(t *testing.T) {
	recs := sharedRecords(t)
	ps := loadPairs(t)
	if len(ps) < 600 {
		t.Fatalf("%d labelled pairs; want at least 600", len(ps))
	}
	ix := NewIndex(recs, Options{Synonyms: indexSynonyms(t)})
	cs := ix.Clusters()
	cluster := make([]int, len(recs))
	for i := range cluster {
		cluster[i] = -1
	}
	for ci, c := range cs {
		for _, m := range c.Members {
			cluster[m.Index] = ci
		}
	}
	loc := newLocator(recs)
	measured := map[[2]int]int{} // a pair of records -> its line
	res := pairResults{Pairs: len(ps), Labels: map[string]int{}, Records: len(recs), Threshold: DefaultMinScore,
		Strata: map[string]pairMeasure{}, Halves: map[string]halfMeasure{}}
	short := func(s string) string {
		s = strings.Join(strings.Fields(s), " ")
		if r := []rune(s); len(r) > 90 {
			s = string(r[:90]) + "…"
		}
		return s
	}
	for n, p := range ps {
		res.Labels[p.Label]++
		a, okA := loc.find(p.A, recs)
		b, okB := loc.find(p.B, recs)
		if !okA || !okB {
			for _, s := range []struct {
				ok bool
				s  pairSide
			}{{okA, p.A}, {okB, p.B}} {
				if !s.ok {
					res.Missing = append(res.Missing, fmt.Sprintf("%s:%d %s", s.s.File, s.s.Line, short(s.s.Question)))
				}
			}
			continue
		}
		res.Located++
		key := [2]int{min(a, b), max(a, b)}
		if first, ok := measured[key]; ok {
			res.Repeated = append(res.Repeated, fmt.Sprintf("line %d repeats line %d: %s | %s", n+1, first, short(p.A.Question), short(p.B.Question)))
			continue
		}
		measured[key] = n + 1
		score := 1.0
		if a != b {
			score = ix.score(a, b)
		}
		res.Pair.add(p.Label, score >= DefaultMinScore)
		together := a == b || cluster[a] >= 0 && cluster[a] == cluster[b]
		res.Cluster.add(p.Label, together)
		st := res.Strata[p.Stratum]
		st.add(p.Label, together)
		res.Strata[p.Stratum] = st
		half := "tuning" // lines 1, 3, 5… of pairs.jsonl
		if n%2 == 1 {
			half = "held_out"
		}
		h := res.Halves[half]
		h.Pair.add(p.Label, score >= DefaultMinScore)
		h.Cluster.add(p.Label, together)
		res.Halves[half] = h
		line := fmt.Sprintf("%.2f %s | %s", score, short(p.A.Question), short(p.B.Question))
		switch {
		case together && p.Label != labelSame:
			res.ClusteredNotSame = append(res.ClusteredNotSame, p.Label+" "+line)
		case !together && p.Label == labelSame:
			res.SameNotClustered = append(res.SameNotClustered, line)
		}
	}
	res.Pair.finish()
	res.Cluster.finish()
	for k, m := range res.Strata {
		m.finish()
		res.Strata[k] = m
	}
	for k, h := range res.Halves {
		h.Pair.finish()
		h.Cluster.finish()
		res.Halves[k] = h
	}
	slices.SortFunc(res.ClusteredNotSame, func(x, y string) int { return cmp.Compare(y, x) })
	slices.SortFunc(res.SameNotClustered, func(x, y string) int { return cmp.Compare(y, x) })
	writeJSON(t, "pairs.results.json", res)
	t.Logf("pairs %d located %d: pair P %.3f R %.3f; cluster P %.3f R %.3f",
		res.Pairs, res.Located, res.Pair.Precision, res.Pair.Recall, res.Cluster.Precision, res.Cluster.Recall)
	for _, k := range []string{"tuning", "held_out"} {
		h := res.Halves[k]
		t.Logf("  %s half: pair P %.3f R %.3f; cluster P %.3f R %.3f", k,
			h.Pair.Precision, h.Pair.Recall, h.Cluster.Precision, h.Cluster.Recall)
	}

	// Ingest improves (issue 11): records that were TOC lines or cut
	// wrongly when a pair was labelled go away, and their pairs with them.
	// The missing sides are logged for relabelling; only a loss that
	// makes the figures meaningless (a fifth of the pairs) fails.
	if len(res.Missing) > len(ps)/5 {
		t.Errorf("%d pair sides not found in ../shared (ingest changed?); want at most %d:\n%s",
			len(res.Missing), len(ps)/5, strings.Join(res.Missing, "\n"))
	} else if len(res.Missing) > 0 {
		t.Logf("%d pair sides not found in ../shared (relabel them):\n%s", len(res.Missing), strings.Join(res.Missing, "\n"))
	}
	// Floors a little under today's figures, so that a regression fails;
	// the targets of issue 12 are cluster precision 0.90, pair recall 0.80.
	for _, f := range []struct {
		name       string
		got, floor float64
	}{
		{"cluster precision", res.Cluster.Precision, pairFloors.clusterPrecision},
		{"pair recall", res.Pair.Recall, pairFloors.pairRecall},
		{"cluster recall", res.Cluster.Recall, pairFloors.clusterRecall},
	} {
		if f.got < f.floor {
			t.Errorf("%s = %.3f; want at least %.2f", f.name, f.got, f.floor)
		}
	}
}

var pairFloors = struct{ clusterPrecision, pairRecall, clusterRecall float64 }{0.90, 0.78, 0.78}

// score is the default score of two records of the index.
func (ix *Index) score(a, b int) float64 {
	return score(&ix.feats[a], &ix.feats[b], false).Score
}

// writeJSON writes v to testdata/name, indented, with a final newline.
func writeJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", name), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// indexSynonyms reads the search's synonym list, index/synonyms.txt, as
// synonym groups: what iq passes as Options.Synonyms. ("a => b" groups are
// read as one group: to the scorer both sides mean one thing.)
func indexSynonyms(t testing.TB) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "index", "synonyms.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var groups [][]string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var g []string
		for _, term := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == '=' || r == '>' }) {
			if term = strings.TrimSpace(term); term != "" {
				g = append(g, term)
			}
		}
		groups = append(groups, g)
	}
	return groups
}

var (
	sampleFlag = flag.Bool("sample", false, "write a new random sample of 50 clusters of ../shared to testdata/cluster-sample.new.md, for judging")
	sampleSeed = flag.Uint64("sample-seed", 12, "the random seed of -sample's draw (12 is the draw of record; others give more draws of one scorer)")
)

// TestClusterSample draws the random sample of cluster-sample.md again
// (with -sample): 50 clusters of all of ../shared, for a person to judge.
func TestClusterSample(t *testing.T) {
	if !*sampleFlag {
		t.Skip("run with -sample")
	}
	recs := sharedRecords(t)
	ix := NewIndex(recs, Options{Synonyms: indexSynonyms(t)})
	cs := ix.Clusters()
	var b strings.Builder
	fmt.Fprintf(&b, "%d clusters of %d records, seed %d\n", len(cs), len(recs), *sampleSeed)
	for k, ci := range rand.New(rand.NewPCG(*sampleSeed, 50)).Perm(len(cs))[:min(50, len(cs))] {
		c := cs[ci]
		fmt.Fprintf(&b, "\n### %d. cluster %s (%d)\n", k+1, c.ID, len(c.Members))
		for _, m := range c.Members {
			src := ""
			if len(m.Sources) > 0 {
				src = fmt.Sprintf("%s:%d", relSource(m.Sources[0].File), m.Sources[0].Line)
			}
			fmt.Fprintf(&b, "- %.2f %s (`%s`)\n", m.Score, strings.Join(strings.Fields(m.Question), " "), src)
		}
	}
	if err := os.WriteFile(filepath.Join("testdata", "cluster-sample.new.md"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
