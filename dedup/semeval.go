package dedup

import (
	"bufio"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/iq-search/iq/record"
)

// SemEval-2016 Task 3 subtask B ("question–question similarity"): for
// each original question, rank its related questions. The official scorer
// (ev.py with --ignore_noanswer, which is what gives the search engine's
// MAP 0.855 and MRR 0.899 on subtaskB_pairs.tsv) counts PerfectMatch and
// Relevant as relevant, skips originals with no relevant candidate, looks
// at the top 10, and averages precision over the relevant candidates found
// there.
const (
	semevalCutoff = 10
	// semevalXML is the corpus the TSV was cut from; when it sits beside
	// the TSV, the comments of each related thread are read as its answers.
	semevalXML = "SemEval2016-Task3-CQA-QL-train-part1.xml"
)

// EvalResult is the evaluation of this package's scorer on SemEval-2016
// Task 3 subtask B.
type EvalResult struct {
	Originals int `json:"originals"`
	// Ranked is the number of originals with at least one relevant
	// candidate: the only ones MAP and MRR average over.
	Ranked int `json:"ranked"`
	Pairs  int `json:"pairs"`
	// Baseline is the search engine's order (column ir_rank).
	Baseline RankScores `json:"baseline"`
	// Runs are this package's rankings, one per configuration.
	Runs []Run `json:"runs"`
	// MinScore is the threshold the pairwise figures use (DefaultMinScore).
	MinScore float64 `json:"min_score"`
}

// Run is one ranking of the candidates.
type Run struct {
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Scores      RankScores `json:"scores"`
	// VsBaseline counts the ranked originals whose average precision is
	// better, worse or the same as the search engine's: with 80 originals,
	// one original moves MAP by up to 0.0125.
	VsBaseline struct {
		Better int `json:"better"`
		Worse  int `json:"worse"`
		Same   int `json:"same"`
	} `json:"vs_baseline"`
	// APDiffStdErr is the standard error of the mean difference in
	// average precision against the baseline, over the ranked originals:
	// a MAP gain smaller than about twice this is within chance.
	APDiffStdErr float64 `json:"ap_diff_stderr"`
	// PerfectMatch counts a pair as a duplicate when its score reaches
	// MinScore, against the PerfectMatch label alone.
	PerfectMatch *PairScores `json:"perfect_match,omitempty"`
	// BestPerfectMatch is the same at the threshold with the best F1 on
	// this file, chosen on the answers: a reference, not a result.
	BestPerfectMatch *PairScores `json:"best_perfect_match,omitempty"`
}

// RankScores are the official ranking measures.
type RankScores struct {
	MAP float64 `json:"map"`
	MRR float64 `json:"mrr"`
}

// PairScores are pairwise classification measures.
type PairScores struct {
	Threshold float64 `json:"threshold"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	TP        int     `json:"tp"`
	FP        int     `json:"fp"`
	FN        int     `json:"fn"`
}

type semevalPair struct {
	org, rel  string // record IDs
	irRank    int
	label     string
	relevant  bool
	perfect   bool
	orgRecord int
	relRecord int
}

// EvalSemEval reads subtaskB_pairs.tsv (columns orgq_id, relq_id, ir_rank,
// label, orgq_subject, orgq_body, relq_subject, relq_body), ranks each
// original's candidates by Score over subject and body, and returns the
// official measures for this ranking and for the search engine's.
func EvalSemEval(path string) (EvalResult, error) {
	pairs, recs, err := readSemEval(path)
	if err != nil {
		return EvalResult{}, err
	}
	comments, err := readSemEvalComments(filepath.Join(filepath.Dir(path), semevalXML))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return EvalResult{}, err
	}
	res := EvalResult{Pairs: len(pairs), MinScore: DefaultMinScore}
	orgs := map[string]bool{}
	for _, p := range pairs {
		orgs[p.org] = true
	}
	res.Originals = len(orgs)
	base := make([]float64, len(pairs))
	for i, p := range pairs {
		base[i] = -float64(p.irRank)
	}
	var baseAP map[string]float64
	res.Ranked, res.Baseline, baseAP = rankScores(pairs, base)

	add := func(r Run, s []float64, pairwise bool) {
		var ap map[string]float64
		_, r.Scores, ap = rankScores(pairs, s)
		var sum, sumSq float64
		for org, b := range baseAP {
			d := ap[org] - b
			sum += d
			sumSq += d * d
			switch a := ap[org]; {
			case a > b+1e-9:
				r.VsBaseline.Better++
			case a < b-1e-9:
				r.VsBaseline.Worse++
			default:
				r.VsBaseline.Same++
			}
		}
		if n := float64(len(baseAP)); n > 1 {
			mean := sum / n
			r.APDiffStdErr = math.Sqrt((sumSq/n - mean*mean) * n / (n - 1) / n)
		}
		if pairwise {
			r.PerfectMatch = pairScores(pairs, s, DefaultMinScore)
			r.BestPerfectMatch = bestPairScores(pairs, s)
		}
		res.Runs = append(res.Runs, r)
	}
	scoreWith := func(recs []record.Record, f func(fa, fb *features) float64) []float64 {
		ix := NewIndex(recs, Options{})
		feats := ix.feats
		s := make([]float64, len(pairs))
		for i, p := range pairs {
			s[i] = f(&feats[p.orgRecord], &feats[p.relRecord])
		}
		return s
	}
	full := func(fa, fb *features) float64 { return score(fa, fb, false).Score }
	cos := func(fa, fb *features) float64 { return cosine(fa.q, fb.q) }

	mine := scoreWith(recs, full)
	add(Run{Name: "score", Description: "Score over subject and body; weights from the TSV's distinct questions"}, mine, true)
	add(Run{Name: "cosine", Description: "TF-IDF cosine of subject and body alone: Score without the meaning guards"}, scoreWith(recs, cos), false)
	if comments != nil {
		withComments := slices.Clone(recs)
		for i := range withComments {
			for _, c := range comments[withComments[i].ID] {
				withComments[i].Answers = append(withComments[i].Answers, record.Answer{Text: c})
			}
		}
		add(Run{Name: "score+comments", Description: "Score with each related thread's comments as its answers, so weights also learn from them (comment labels unused; originals have no answers, so answers are never compared)"}, scoreWith(withComments, full), true)
	}
	subjects := make([]record.Record, len(recs))
	for i, r := range recs {
		subject, _, _ := strings.Cut(r.Question, "\n")
		subjects[i] = record.Record{ID: r.ID, Question: subject}
	}
	add(Run{Name: "score-subject", Description: "Score over the subjects alone: short texts like interview questions, to see how the threshold fares on them"}, scoreWith(subjects, full), true)
	add(Run{Name: "bm25", Description: "BM25 (k1 1.2, b 0.75) of the original's tokens in the related question; IDF over the distinct questions and, when the XML is there, every comment: the classic retrieval score, for reference"}, bm25(pairs, recs, comments), false)
	add(Run{Name: "fusion-with-ir (not ours)", Description: "reciprocal rank fusion (k=60) of Score's order and the search engine's ir_rank; uses the baseline, reported apart"}, fuse(pairs, mine), false)
	return res, nil
}

// BM25 parameters (Robertson and Zaragoza, 2009), the usual defaults.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// bm25 scores each pair by BM25 of the original's tokens against the
// related question. Document frequencies come from the distinct questions
// and from the comments, each comment a document: a larger sample of the
// forum's language than the questions alone. Asymmetric and unbounded,
// so it can rank candidates but not decide duplicates.
func bm25(pairs []semevalPair, recs []record.Record, comments map[string][]string) []float64 {
	df := map[uint64]float64{}
	n := 0.0
	count := func(ts []token) {
		seen := map[uint64]bool{}
		for _, t := range ts {
			if !seen[t.h] {
				seen[t.h] = true
				df[t.h]++
			}
		}
		n++
	}
	toks := make([][]token, len(recs))
	avgdl := 0.0
	for i, r := range recs {
		toks[i] = tokenize(r.Question)
		count(toks[i])
		avgdl += float64(len(toks[i]))
		for _, c := range comments[r.ID] {
			count(tokenize(c))
		}
	}
	avgdl /= float64(max(1, len(recs)))
	out := make([]float64, len(pairs))
	for i, p := range pairs {
		tf := map[uint64]float64{}
		for _, t := range toks[p.relRecord] {
			tf[t.h]++
		}
		dl := float64(len(toks[p.relRecord]))
		seen := map[uint64]bool{}
		for _, t := range toks[p.orgRecord] {
			f := tf[t.h]
			if seen[t.h] || f == 0 {
				continue
			}
			seen[t.h] = true
			idf := math.Log(1 + (n-df[t.h]+0.5)/(df[t.h]+0.5))
			out[i] += idf * f * (bm25K1 + 1) / (f + bm25K1*(1-bm25B+bm25B*dl/avgdl))
		}
	}
	return out
}

// fuse combines this package's order with the search engine's by
// reciprocal rank fusion (Cormack et al., 2009), k = 60.
func fuse(pairs []semevalPair, s []float64) []float64 {
	byOrg := map[string][]int{}
	for i, p := range pairs {
		byOrg[p.org] = append(byOrg[p.org], i)
	}
	out := make([]float64, len(pairs))
	for _, idx := range byOrg {
		mine := slices.Clone(idx)
		slices.SortStableFunc(mine, func(a, b int) int { return cmp.Compare(s[b], s[a]) })
		for r, i := range mine {
			out[i] += 1 / float64(60+r+1)
		}
		ir := slices.Clone(idx)
		slices.SortStableFunc(ir, func(a, b int) int { return cmp.Compare(pairs[a].irRank, pairs[b].irRank) })
		for r, i := range ir {
			out[i] += 1 / float64(60+r+1)
		}
	}
	return out
}

// pairScores classifies each pair as a duplicate when its score reaches
// min, against the PerfectMatch label.
func pairScores(pairs []semevalPair, s []float64, min float64) *PairScores {
	ps := &PairScores{Threshold: min}
	for i, p := range pairs {
		switch hit := s[i] >= min; {
		case hit && p.perfect:
			ps.TP++
		case hit:
			ps.FP++
		case p.perfect:
			ps.FN++
		}
	}
	ps.fill()
	return ps
}

// bestPairScores is pairScores at the threshold with the best F1 on this
// very file: an upper bound for reference, not a result.
func bestPairScores(pairs []semevalPair, s []float64) *PairScores {
	var best *PairScores
	for _, t := range s {
		if ps := pairScores(pairs, s, t); best == nil || ps.F1 > best.F1 {
			best = ps
		}
	}
	return best
}

func (ps *PairScores) fill() {
	if ps.TP+ps.FP > 0 {
		ps.Precision = float64(ps.TP) / float64(ps.TP+ps.FP)
	}
	if ps.TP+ps.FN > 0 {
		ps.Recall = float64(ps.TP) / float64(ps.TP+ps.FN)
	}
	if ps.Precision+ps.Recall > 0 {
		ps.F1 = 2 * ps.Precision * ps.Recall / (ps.Precision + ps.Recall)
	}
}

// rankScores orders each original's candidates by score (highest first)
// and computes MAP and MRR as the official scorer does. Ties are broken by
// a hash of the related question's ID, never by the file's order, which is
// the search engine's.
func rankScores(pairs []semevalPair, scores []float64) (int, RankScores, map[string]float64) {
	aps := map[string]float64{}
	byOrg := map[string][]int{}
	var order []string
	for i, p := range pairs {
		if _, ok := byOrg[p.org]; !ok {
			order = append(order, p.org)
		}
		byOrg[p.org] = append(byOrg[p.org], i)
	}
	var sumAP, sumRR float64
	n := 0
	for _, org := range order {
		cands := byOrg[org]
		if !slices.ContainsFunc(cands, func(i int) bool { return pairs[i].relevant }) {
			continue
		}
		n++
		slices.SortFunc(cands, func(a, b int) int {
			if sa, sb := scores[a], scores[b]; sa != sb {
				if sa > sb {
					return -1
				}
				return 1
			}
			return cmp.Compare(hashToken(pairs[a].rel), hashToken(pairs[b].rel))
		})
		correct, ap, rr := 0, 0.0, 0.0
		for i, c := range cands[:min(len(cands), semevalCutoff)] {
			if !pairs[c].relevant {
				continue
			}
			correct++
			ap += float64(correct) / float64(i+1)
			if rr == 0 {
				rr = 1 / float64(i+1)
			}
		}
		if correct > 0 {
			ap /= float64(correct)
		}
		aps[org] = ap
		sumAP += ap
		sumRR += rr
	}
	if n == 0 {
		return 0, RankScores{}, aps
	}
	return n, RankScores{MAP: sumAP / float64(n), MRR: sumRR / float64(n)}, aps
}

// readSemEval parses the TSV into pairs and one record per distinct
// question text (originals and related), whose question is subject and
// body.
func readSemEval(path string) ([]semevalPair, []record.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open semeval pairs: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	if !sc.Scan() {
		return nil, nil, fmt.Errorf("read semeval pairs %s: empty file", path)
	}
	col := map[string]int{}
	for i, name := range strings.Split(sc.Text(), "\t") {
		col[name] = i
	}
	want := []string{"orgq_id", "relq_id", "ir_rank", "label", "orgq_subject", "orgq_body", "relq_subject", "relq_body"}
	for _, name := range want {
		if _, ok := col[name]; !ok {
			return nil, nil, fmt.Errorf("read semeval pairs %s: no column %q, want %s", path, name, strings.Join(want, ", "))
		}
	}
	var pairs []semevalPair
	var recs []record.Record
	at := map[string]int{}
	// One record per distinct text: the search engine returned some
	// threads for several originals, and the file repeats them under each
	// original's ID (Q2_R27 and Q3_R62 are one thread). Ingest merges
	// exact repeats, so the scorer must see them once too; kept apart,
	// the same text three times looks like a generic title ("What's the
	// output?") and its IDF counts it thrice.
	byText := map[string]int{}
	record := func(id, subject, body string) int {
		if i, ok := at[id]; ok {
			return i
		}
		q := strings.TrimSpace(subject + "\n" + body)
		if i, ok := byText[q]; ok {
			at[id] = i
			return i
		}
		at[id], byText[q] = len(recs), len(recs)
		recs = append(recs, record.Record{ID: id, Question: q})
		return at[id]
	}
	line := 1
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if len(f) < len(col) {
			return nil, nil, fmt.Errorf("read semeval pairs %s:%d: %d columns, want %d", path, line, len(f), len(col))
		}
		rank, err := strconv.Atoi(f[col["ir_rank"]])
		if err != nil {
			return nil, nil, fmt.Errorf("read semeval pairs %s:%d: ir_rank: %w", path, line, err)
		}
		p := semevalPair{org: f[col["orgq_id"]], rel: f[col["relq_id"]], irRank: rank, label: f[col["label"]]}
		switch p.label {
		case "PerfectMatch":
			p.perfect, p.relevant = true, true
		case "Relevant":
			p.relevant = true
		case "Irrelevant":
		default:
			return nil, nil, fmt.Errorf("read semeval pairs %s:%d: unknown label %q, want one of PerfectMatch, Relevant, Irrelevant", path, line, p.label)
		}
		p.orgRecord = record(p.org, f[col["orgq_subject"]], f[col["orgq_body"]])
		p.relRecord = record(p.rel, f[col["relq_subject"]], f[col["relq_body"]])
		pairs = append(pairs, p)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read semeval pairs %s: %w", path, err)
	}
	return pairs, recs, nil
}

// readSemEvalComments returns the comment texts of each related thread of
// the SemEval XML, by related question ID. Only text is read: the
// comments' relevance labels are about the original question and would
// leak the answer.
func readSemEvalComments(path string) (map[string][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open semeval corpus: %w", err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	out := map[string][]string{}
	thread := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read semeval corpus %s: %w", path, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "Thread":
			for _, a := range se.Attr {
				if a.Name.Local == "THREAD_SEQUENCE" {
					thread = a.Value
				}
			}
		case "RelCText":
			var text string
			if err := dec.DecodeElement(&text, &se); err != nil {
				return nil, fmt.Errorf("read semeval corpus %s: %w", path, err)
			}
			out[thread] = append(out[thread], text)
		}
	}
}
