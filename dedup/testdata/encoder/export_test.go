//go:build encoderexport

// Exports what the encoder measurement needs (see README.md beside this
// file): copy this file into dedup/ and run
//
//	go test ./dedup -tags encoderexport -run TestEncoderExport -v -args -export DIR
//
// It is kept here, not in dedup/, because the encoder was not adopted.
package dedup

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

var exportDir = flag.String("export", "", "directory to write pairs.export.jsonl, records.export.jsonl and semeval.export.jsonl to")

func TestEncoderExport(t *testing.T) {
	if *exportDir == "" {
		t.Skip("run with -args -export DIR")
	}
	write := func(name string, rows []any) {
		f, err := os.Create(filepath.Join(*exportDir, name))
		if err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(f)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}

	// The pair set: each located pair with iq's score (Index.score, the
	// pair-level figure of TestPairSet) and whether the whole collection's
	// clustering puts both in one cluster.
	recs := sharedRecords(t)
	ix := NewIndex(recs, Options{Synonyms: indexSynonyms(t)})
	cluster := make([]int, len(recs))
	for i := range cluster {
		cluster[i] = -1
	}
	for ci, c := range ix.Clusters() {
		for _, m := range c.Members {
			cluster[m.Index] = ci
		}
	}
	loc := newLocator(recs)
	var rows, recRows []any
	for n, p := range loadPairs(t) {
		a, okA := loc.find(p.A, recs)
		b, okB := loc.find(p.B, recs)
		if !okA || !okB {
			continue
		}
		score := 1.0
		if a != b {
			score = ix.score(a, b)
		}
		rows = append(rows, map[string]any{
			"line": n + 1, "label": p.Label, "stratum": p.Stratum, "a": a, "b": b,
			"score": score, "together": a == b || cluster[a] >= 0 && cluster[a] == cluster[b],
		})
	}
	for i, r := range recs {
		recRows = append(recRows, map[string]any{"i": i, "question": r.Question})
	}
	write("pairs.export.jsonl", rows)
	write("records.export.jsonl", recRows)
	t.Logf("%d located pairs, %d records, threshold %v", len(rows), len(recs), DefaultMinScore)

	// SemEval-2016 subtask B: iq's Score and the TF-IDF cosine per pair,
	// with the texts they were computed on and the tie-break key of
	// rankScores.
	pairs, srecs, err := readSemEval(filepath.Join(sharedDir(t), "dupdata", "semeval2016", "subtaskB_pairs.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	six := NewIndex(srecs, Options{})
	var srows []any
	for _, p := range pairs {
		fa, fb := &six.feats[p.orgRecord], &six.feats[p.relRecord]
		srows = append(srows, map[string]any{
			"org": p.org, "rel": p.rel, "ir_rank": p.irRank, "label": p.label,
			"relevant": p.relevant, "perfect": p.perfect,
			"org_text": srecs[p.orgRecord].Question, "rel_text": srecs[p.relRecord].Question,
			"score": score(fa, fb, false).Score, "cosine": cosine(fa.q, fb.q),
			"tiebreak": strconv.FormatUint(hashToken(p.rel), 10),
		})
	}
	write("semeval.export.jsonl", srows)
}
