package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/ingest/parse"
	"github.com/iq-search/iq/record"
)

// levelGold is the part of a gold question of ../shared/labelled (format
// in its README) that levels are checked against.
type levelGold struct {
	File       string `json:"file"`
	Line       int    `json:"line"`
	Question   string `json:"question"`
	Level      string `json:"level"`
	LevelLabel string `json:"level_label"`
	// AnswerStart is the first ~60 characters of the answer.
	AnswerStart string `json:"answer_start"`
}

func readLevelGold(t *testing.T, path string) []levelGold {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []levelGold
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var g levelGold
		if err := json.Unmarshal(line, &g); err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		out = append(out, g)
	}
	return out
}

// TestLabelledLevels gives the level rules the questions of the labelled
// sources that mark levels (../shared/labelled, gold format in its README)
// as segments, whatever segmentation finds today, and checks the level
// each gets: level headings and their series (trimstray's "Junior
// Sysadmin", Asabeneh's "Exercises: Level 2"), difficulty lines in the
// item (sgdevmane), page labels (devopspilot's "Level: Basics") and a
// table's level column (khangich).
func TestLabelledLevels(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "labelled")
	files, err := filepath.Glob(filepath.Join(dir, "gold", "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Skipf("no labelled gold under %s", dir)
	}
	for _, f := range files {
		src := strings.TrimSuffix(filepath.Base(f), ".jsonl")
		items := readLevelGold(t, f)
		t.Run(src, func(t *testing.T) {
			byFile := map[string][]levelGold{}
			for _, g := range items {
				byFile[g.File] = append(byFile[g.File], g)
			}
			// marked counts the level-marked gold questions and
			// placed those found as blocks; every question found, marked
			// or not, must get the gold level (none where the source
			// marks none).
			var marked, placed, found, right int
			for file, gs := range byFile {
				path := filepath.Join(dir, src, file)
				if _, err := os.Stat(path); err != nil {
					path = filepath.Join(dir, "html-pages", file)
				}
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				doc := document{name: file, rel: src + "/" + file, format: detectFormat(file, data)}
				doc.blocks, err = parseFormat(doc.format, data)
				if err != nil {
					t.Fatal(err)
				}
				kept, _, _ := filterNoise(file, doc.blocks)
				segs, golds := goldSegments(kept, gs)
				dl := documentLevels(doc, kept, segs)
				for i, s := range segs {
					g := golds[i]
					got, _ := dl.of(kept, s)
					found++
					if g.Level != "" {
						placed++
					}
					if got.level == g.Level {
						right++
					} else if right+10 > found {
						t.Logf("%s:%d %q: level %q (%q); want %q (%q)", file, g.Line, g.Question, got.level, got.label, g.Level, g.LevelLabel)
					}
				}
				for _, g := range gs {
					if g.Level != "" {
						marked++
					}
				}
			}
			t.Logf("%d gold questions found as blocks, %d with the right level; %d of %d level-marked ones found", found, right, placed, marked)
			if placed*10 < marked*9 {
				t.Errorf("only %d of %d level-marked gold questions found as blocks", placed, marked)
			}
			if right*100 < found*95 {
				t.Errorf("level accuracy %d/%d = %.3f; want >= 0.95", right, found, float64(right)/float64(found))
			}
		})
	}
}

// goldSegments turns the gold questions of one file into segments over its
// kept blocks: the block at each gold line is the question, the blocks up
// to the next question its answer.
func goldSegments(kept []parse.Block, gs []levelGold) ([]segment, []levelGold) {
	type at struct {
		idx int
		g   levelGold
	}
	var qs []at
	for _, g := range gs {
		i := slices.IndexFunc(kept, func(b parse.Block) bool {
			// A table's rows are lines below its header and delimiter.
			return b.Line == g.Line || b.Kind == parse.Table && g.Line > b.Line+1 && g.Line <= b.Line+len(b.Rows)
		})
		if i < 0 {
			continue
		}
		qs = append(qs, at{i, g})
	}
	slices.SortStableFunc(qs, func(a, b at) int { return a.idx - b.idx })
	segs := make([]segment, len(qs))
	golds := make([]levelGold, len(qs))
	for k, q := range qs {
		end := len(kept)
		if k+1 < len(qs) {
			end = qs[k+1].idx
		}
		segs[k] = segment{line: q.g.Line, block: q.idx, question: q.g.Question, answer: kept[min(q.idx+1, end):end]}
		golds[k] = q.g
	}
	return segs, golds
}

func TestLevelPhrases(t *testing.T) {
	tests := []struct {
		fn         func(string) (string, string)
		in         string
		level, lbl string
	}{
		{headingLevel, "Exercises: Level 1", record.LevelBeginner, "Exercises: Level 1"},
		{headingLevel, "Exercises: Level 3", record.LevelAdvanced, "Exercises: Level 3"},
		{headingLevel, "Level: Basics", record.LevelBeginner, "Level: Basics"},
		{headingLevel, "Basics Questions", record.LevelBeginner, "Basics Questions"},
		{headingLevel, "Fundamental", record.LevelBeginner, "Fundamental"},
		{headingLevel, "Guru", record.LevelAdvanced, "Guru"},
		{headingLevel, "Hard Problems", record.LevelAdvanced, "Hard Problems"},
		{headingLevel, "Advanced Functions", "", ""},                                // a topic, alone
		{headingLevel, ":diamond_shape_with_a_dot_inside: Junior Sysadmin", "", ""}, // only in a series
		{headingLevel, "Easy vs Hard", "", ""},                                      // two levels
		{headingLevel, "Regular Expressions", "", ""},
		{nameLevel, "advanced-functions", "", ""},
		{nameLevel, "easy-questions", record.LevelBeginner, "easy-questions"},
		{nameLevel, "level-2", record.LevelIntermediate, "level-2"},
		{nameLevel, "14_Day_Higher_order_functions", "", ""},
		{labelLevel, "Difficulty: Intermediate", record.LevelIntermediate, "Intermediate"},
		{labelLevel, "Level: Basics", record.LevelBeginner, "Basics"},
		{labelLevel, "Duration: 90 minutes\nTarget Level: Senior developers (5+ years)", record.LevelAdvanced, "Senior"},
		{labelLevel, "difficulty = \"hard\"", record.LevelAdvanced, "hard"},
		{labelLevel, "Level: Level 2", record.LevelIntermediate, "Level 2"},
		{labelLevel, "Level of detail: high", "", ""},
		{labelLevel, "Difficulty: depends on the team", "", ""},
		{labelLevel, "The level: advanced readers may skip this", "", ""},
	}
	for _, tt := range tests {
		level, lbl := tt.fn(tt.in)
		if level != tt.level || lbl != tt.lbl {
			t.Errorf("level marker of %q = %q, %q; want %q, %q", tt.in, level, lbl, tt.level, tt.lbl)
		}
	}
}

func TestSplitLevelBadge(t *testing.T) {
	tests := []struct{ in, rest, level, label string }{
		{"How do you squash multiple commits into one? Intermediate", "How do you squash multiple commits into one?", record.LevelIntermediate, "Intermediate"},
		{"What is `git rebase --onto`? Expert", "What is `git rebase --onto`?", record.LevelAdvanced, "Expert"},
		{"What is X? - Easy", "What is X?", record.LevelBeginner, "Easy"},
		{"Is it hard? Very hard", "Is it hard? Very hard", "", ""},
		{"Why? Because it is basic", "Why? Because it is basic", "", ""},
		{"Reverse a list [Medium]", "Reverse a list", record.LevelIntermediate, "[Medium]"},
		{"(Easy) Reverse a list", "Reverse a list", record.LevelBeginner, "(Easy)"},
		{"[H]Design a cache", "[H]Design a cache", "", ""},
		{"What does foo(e)", "What does foo(e)", "", ""},
		{"Sort an array (in place)", "Sort an array (in place)", "", ""},
		{"Explain (senior)", "Explain", record.LevelAdvanced, "(senior)"},
	}
	for _, tt := range tests {
		rest, level, label := splitLevelMarker(tt.in)
		if rest != tt.rest || level != tt.level || label != tt.label {
			t.Errorf("splitLevelMarker(%q) = %q, %q, %q; want %q, %q, %q", tt.in, rest, level, label, tt.rest, tt.level, tt.label)
		}
	}
}

// TestLevelScopes ingests small documents and checks each question's
// level: a level heading applies until the next heading of the same or a
// higher level, a tag on the question or a difficulty line in its answer
// overrides it, a label before the questions or a file name that is a
// level applies to the page, and a name that merely contains a level word
// says nothing.
func TestLevelScopes(t *testing.T) {
	tests := []struct {
		name, file, doc string
		want            []string // "question=level (label)"
	}{
		{
			name: "series of level headings, scoped",
			file: "sysadmin.md",
			doc: `# Sysadmin questions

## Junior Sysadmin

### System

- What is a process?
- What is an inode?

## Senior Sysadmin

- How does the kernel schedule threads?

# Appendix

- What is the answer to everything?
`,
			want: []string{
				"What is a process?=beginner (Junior Sysadmin)",
				"What is an inode?=beginner (Junior Sysadmin)",
				"How does the kernel schedule threads?=advanced (Senior Sysadmin)",
				"What is the answer to everything?= ()",
			},
		},
		{
			name: "numbered levels, item tag and difficulty line override",
			file: "day5.md",
			doc: `## Exercises: Level 1

1. What is a list?
2. What is a tuple? [Hard]

## Exercises: Level 2

1. How do you slice a list?

   Difficulty: Easy

   You use brackets.
`,
			want: []string{
				"What is a list?=beginner (Exercises: Level 1)",
				"What is a tuple?=advanced ([Hard])",
				"How do you slice a list?=beginner (Easy)",
			},
		},
		{
			name: "a label before the questions is the page's",
			file: "git.md",
			doc: `# Git

Level: Basics

### Which command initialises a repository?

git init

### Which command stages a file?

git add
`,
			want: []string{
				"Which command initialises a repository?=beginner (Basics)",
				"Which command stages a file?=beginner (Basics)",
			},
		},
		{
			name: "a file name that is a level",
			file: "golang/hard.md",
			doc:  "### What is the Go memory model?\n\nIt says when writes are seen.\n",
			want: []string{"What is the Go memory model?=advanced (hard)"},
		},
		{
			name: "a name and a heading that merely contain a level word",
			file: "advanced-functions/basics-of-python.md",
			doc:  "## Advanced Functions\n\n### What is a closure?\n\nA function with its scope.\n",
			want: []string{"What is a closure?= ()"},
		},
		{
			name: "level column of a table",
			file: "ml.md",
			doc: `| Question | Level |
| --- | --- |
| What is the bias-variance trade-off? | Fundamental |
| Why is L1 sparse? | Advance |
`,
			want: []string{"What is the bias-variance trade-off?=beginner (Fundamental)", "Why is L1 sparse?=advanced (Advance)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, _, err := Bytes(context.Background(), tt.file, []byte(tt.doc), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range recs {
				got = append(got, r.Question+"="+r.Level+" ("+r.LevelLabel+")")
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("levels:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestTableRowLevel(t *testing.T) {
	b := &parse.Block{Kind: parse.Table, Line: 10, Rows: [][]string{{"Question", "Level"}, {"What is the bias-variance trade-off?", "Fundamental"}, {"Why is L1 sparse?", "Advance"}}}
	for _, tt := range []struct {
		line int
		q    string
		want levelMark
	}{
		{13, "Why is L1 sparse?", levelMark{record.LevelAdvanced, "Advance"}},
		{12, "What is the bias-variance trade-off?", levelMark{record.LevelBeginner, "Fundamental"}},
		{1, "Why is L1 sparse?", levelMark{record.LevelAdvanced, "Advance"}}, // found by its text
		{12, "What is dropout?", levelMark{}},
	} {
		if got := tableRowLevel(b, tt.line, tt.q); got != tt.want {
			t.Errorf("tableRowLevel(line %d, %q) = %v; want %v", tt.line, tt.q, got, tt.want)
		}
	}
	noLevel := &parse.Block{Kind: parse.Table, Line: 1, Rows: [][]string{{"Question", "Answer"}, {"Why is L1 sparse?", "Advance"}}}
	if got := tableRowLevel(noLevel, 3, "Why is L1 sparse?"); got != (levelMark{}) {
		t.Errorf("tableRowLevel without a level column = %v; want none", got)
	}
}
