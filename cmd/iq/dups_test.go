package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/internal/corpustest"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// TestDupsCLI: iq dups lists the seeds' cross-source pairs in one cluster,
// as JSON and as tab-separated lines, and rejects bad flags with the
// allowed values.
func TestDupsCLI(t *testing.T) {
	dir := sharedIndex(t)
	code, out, stderr := iq(t, "dups", "--index", dir, "--json")
	if code != 0 {
		t.Fatalf("iq dups --json: exit %d: %s", code, stderr)
	}
	var res query.DupsResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("iq dups --json: %v\n%s", err, out)
	}
	const ws1, ws2 = "What is FastAPI's support for WebSocket communication?", "How do you implement WebSocket endpoints in FastAPI?"
	found := false
	for _, c := range res.Clusters {
		var qs []string
		for _, m := range c.Members {
			qs = append(qs, m.Question)
		}
		j := strings.Join(qs, "\n")
		if strings.Contains(j, ws1) && strings.Contains(j, ws2) {
			found = true
		}
	}
	if !found {
		t.Errorf("iq dups --json: the WebSocket pair is not in one cluster: %s", out)
	}

	code, out, _ = iq(t, "dups", "--index", dir, "--limit", "1")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != res.Clusters[0].Size {
		t.Fatalf("iq dups --limit 1: exit %d, %d lines; want %d members of the largest cluster:\n%s", code, len(lines), res.Clusters[0].Size, out)
	}
	if f := strings.Split(lines[0], "\t"); len(f) != 5 || f[0] != res.Clusters[0].ID || f[1] != res.Clusters[0].ID || f[2] != "1.000" {
		t.Errorf("iq dups plain line = %q; want cluster id, canonical id, 1.000, source, question", lines[0])
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--min-score", "2"}, "iq: query: min_score 2 is out of range, want one in (0, 1]"},
		{[]string{"--level", "expert"}, `iq: query: unknown level "expert", want one of beginner, intermediate, advanced`},
		{[]string{"--limit", "-3"}, "iq: query: limit -3 is out of range, want 1 to 1000"},
		{[]string{"--format", "xml"}, `iq: unknown format "xml", want one of text, csv, json`},
	} {
		code, _, stderr := iq(t, append([]string{"dups", "--index", dir}, tc.args...)...)
		if code != 2 || !strings.HasPrefix(stderr, tc.want+"\n") {
			t.Errorf("iq dups %v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestDupsCSVAndExport: iq dups --format csv has a header row and a row per
// member; iq dups export writes one record per cluster and the other
// questions, every answer and source kept.
func TestDupsCSVAndExport(t *testing.T) {
	dir := sharedIndex(t)
	code, out, stderr := iq(t, "dups", "--index", dir, "--format", "csv", "--limit", "1000")
	if code != 0 {
		t.Fatalf("iq dups --format csv: exit %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("iq dups --format csv: %v\n%s", err, out)
	}
	want := []string{"cluster", "size", "canonical", "id", "score", "question", "level", "topics", "sources", "reason"}
	if len(rows) < 3 || !slices.Equal(rows[0], want) {
		t.Fatalf("iq dups --format csv: header %q and %d rows; want %q and a row per member", rows[0], len(rows)-1, want)
	}
	clustered := map[string]bool{}
	for _, r := range rows[1:] {
		clustered[r[3]] = true
		if r[2] == "false" && r[9] == "" {
			t.Errorf("iq dups --format csv: member %s has no reason", r[3])
		}
	}

	code, out, stderr = iq(t, "dups", "export", "--index", dir)
	if code != 0 {
		t.Fatalf("iq dups export: exit %d: %s", code, stderr)
	}
	var exported []record.Record
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var r record.Record
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("iq dups export: %v", err)
		}
		exported = append(exported, r)
	}
	code, out, _ = iq(t, "stats", "--index", dir, "--json")
	var stats struct {
		Records int `json:"records"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &stats) != nil || stats.Records == 0 {
		t.Fatalf("iq stats --json: exit %d: %s", code, out)
	}
	clusters := map[string]bool{}
	for _, r := range rows[1:] {
		clusters[r[0]] = true
	}
	if want := stats.Records - len(clustered) + len(clusters); len(exported) != want {
		t.Errorf("iq dups export: %d records; want %d (%d questions, %d in %d clusters)", len(exported), want, stats.Records, len(clustered), len(clusters))
	}

	// iq index reads the exported bank back: every question, every source.
	bank := filepath.Join(t.TempDir(), "bank.jsonl")
	if code, _, stderr := iq(t, "dups", "export", "--index", dir, "-o", bank); code != 0 {
		t.Fatalf("iq dups export -o: exit %d: %s", code, stderr)
	}
	again := filepath.Join(t.TempDir(), "again")
	if code, _, stderr := iq(t, "index", bank, "--index", again); code != 0 {
		t.Fatalf("iq index %s: exit %d: %s", bank, code, stderr)
	}
	code, out, _ = iq(t, "stats", "--index", again, "--json")
	if code != 0 || json.Unmarshal([]byte(out), &stats) != nil || stats.Records != len(exported) {
		t.Errorf("iq index of the exported bank: %d questions (exit %d); want %d", stats.Records, code, len(exported))
	}
	for _, r := range exported {
		if len(r.Sources) < 2 {
			continue
		}
		code, out, _ := iq(t, "show", "--index", again, r.ID, "--json")
		var got record.Record
		if code != 0 || json.Unmarshal([]byte(out), &got) != nil || len(got.Sources) != len(r.Sources) || len(got.Answers) != len(r.Answers) {
			t.Errorf("iq show %s in the re-indexed bank: %d sources, %d answers (exit %d); want %d and %d", r.ID, len(got.Sources), len(got.Answers), code, len(r.Sources), len(r.Answers))
		}
		break
	}
}

// TestSimilarCLI: iq similar takes an id or a text, and ranks the known
// duplicate first.
func TestSimilarCLI(t *testing.T) {
	dir := sharedIndex(t)
	code, out, stderr := iq(t, "search", "--index", dir, "--all", "--limit", "1", twiceAsked)
	if code != 0 {
		t.Fatalf("iq search: exit %d: %s", code, stderr)
	}
	id := strings.Split(out, "\t")[0]
	code, out, stderr = iq(t, "similar", "--index", dir, id, "--json")
	if code != 0 {
		t.Fatalf("iq similar %s: exit %d: %s", id, code, stderr)
	}
	var res query.SimilarResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.ID != id || res.Question != twiceAsked || len(res.Matches) == 0 || !corpustest.IsDIQuestion(res.Matches[0].Question) {
		t.Errorf("iq similar %s --json = %s; want another dependency-injection question first", id, out)
	}

	code, out, _ = iq(t, "similar", "--index", dir, "--limit", "2", "How", "can", "I", "implement", "WebSocket", "endpoints", "with", "FastAPI?")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasSuffix(lines[0], "\tHow do you implement WebSocket endpoints in FastAPI?") || !strings.Contains(lines[0], "\tdup\t") {
		t.Errorf("iq similar TEXT = exit %d:\n%s\nwant 2 lines, the WebSocket endpoints question first marked dup", code, out)
	}

	code, _, stderr = iq(t, "similar", "--index", dir, "0000000000000000")
	if code != 1 || stderr == "" || !strings.Contains(stderr, `no question with id "0000000000000000"`) {
		t.Errorf("iq similar unknown-id: exit %d, stderr %q; want exit 1 naming the id", code, stderr)
	}
}

// TestDupsEvalCLI runs the SemEval evaluation command on the real
// labelled file and checks it prints the baseline of the file (MAP 0.855,
// MRR 0.899, from the official scorer) and iq's own run.
func TestDupsEvalCLI(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "dupdata", "semeval2016", "subtaskB_pairs.tsv")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no SemEval data: %v", err)
	}
	code, out, stderr := iq(t, "dups", "eval", path)
	if code != 0 {
		t.Fatalf("iq dups eval: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "search engine (ir_rank)") || !strings.Contains(out, "MAP 0.855\tMRR 0.899") || !strings.Contains(out, "\nscore ") {
		t.Errorf("iq dups eval printed:\n%s\nwant the ir_rank baseline MAP 0.855 MRR 0.899 and the score run", out)
	}
	if code, _, stderr := iq(t, "dups", "eval", filepath.Join(t.TempDir(), "missing.tsv")); code != 1 || !strings.Contains(stderr, "missing.tsv") {
		t.Errorf("iq dups eval missing.tsv: exit %d, stderr %q; want exit 1 naming the file", code, stderr)
	}
}

// TestDecisionsLines: on a terminal iq dups lists a maintainer's decisions
// one a line under how many were applied, naming what it could not find,
// the first ten of them.
func TestDecisionsLines(t *testing.T) {
	const a, b = "How does FastAPI handle exceptions, and how can you create custom exception handlers?", "How can you handle errors and exceptions in FastAPI?"
	many := make([]dedup.Decision, 12)
	for i := range many {
		many[i] = dedup.Decision{Kind: "alone", Questions: []string{a}}
	}
	for _, tc := range []struct {
		name string
		ds   []dedup.Decision
		want []string
	}{
		{"none", nil, nil},
		{"each kind", []dedup.Decision{
			{Kind: "duplicates", Questions: []string{a, b}},
			{Kind: "not_duplicates", Questions: []string{a, `"What is a goroutine?"`}, Missing: []string{`"What is a goroutine?"`}},
			{Kind: "canonical", Questions: []string{b}},
		}, []string{
			"2 of 3 decisions applied",
			"the same: “" + a + "” · “" + b + "”",
			"not duplicates: “" + a + `” · not found: "What is a goroutine?"`,
			"canonical: “" + b + "”",
		}},
		{"more than ten", many, append(append([]string{"12 of 12 decisions applied"}, slices.Repeat([]string{"alone: “" + a + "”"}, 10)...), "… and 2 more (iq dups --json lists them all)")},
	} {
		if got := decisionsLines(tc.ds); !slices.Equal(got, tc.want) {
			t.Errorf("%s: decisionsLines = %q; want %q", tc.name, got, tc.want)
		}
	}
}
