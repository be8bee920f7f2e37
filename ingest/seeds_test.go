package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/corpus"
	"github.com/iq-search/iq/record"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const (
	seedBlog    = "fastapi-24-questions-blog.txt"
	seedQAPage  = "fastapi-best-practices-qa-page.txt"
	seedByLevel = "fastapi-questions-by-level.md"
)

func TestSeeds(t *testing.T) {
	tests := []struct {
		file        string
		wantRecords int
		wantMerged  int
		check       func(t *testing.T, recs []record.Record, rep *Report)
	}{
		{
			// 24 numbered questions, question 8 repeats question 4.
			file: seedBlog, wantRecords: 23, wantMerged: 1,
			check: func(t *testing.T, recs []record.Record, rep *Report) {
				di, ok := find(recs, "What is dependency injection in FastAPI, and why is it important?")
				if !ok {
					t.Fatal("no dependency injection record")
				}
				if len(di.Answers) != 2 || len(di.Sources) != 2 {
					t.Errorf("DI record has %d answers, %d sources; want 2, 2", len(di.Answers), len(di.Sources))
				}
				if got := []int{di.Sources[0].Line, di.Sources[1].Line}; got[0] != 42 || got[1] != 74 {
					t.Errorf("DI sources at lines %v; want [42 74]", got)
				}
				if !strings.HasPrefix(di.Answers[1].Text, "Dependency injection is a key concept in FastAPI.") {
					t.Errorf("second DI answer = %q; want the answer under question 8", di.Answers[1].Text)
				}
				for _, r := range recs {
					for _, a := range r.Answers {
						if a.HowToAnswer == "" || a.ExampleAnswer == "" {
							t.Errorf("%q: how_to_answer %q, example_answer %q; want both", r.Question, a.HowToAnswer, a.ExampleAnswer)
						}
						if strings.Contains(a.Text, "How to answer") || strings.Contains(a.Text, "Example Answer") {
							t.Errorf("%q: labelled parts left in the answer text: %q", r.Question, a.Text)
						}
					}
					if len(r.Answers) == 0 {
						t.Errorf("%q has no answer", r.Question)
					}
					// The blog's topic, and what the question names itself
					// ("… Python web frameworks?" is python too).
					if !slices.Contains(r.Topics, "fastapi") {
						t.Errorf("%q topics = %v; want them to include fastapi", r.Question, r.Topics)
					}
					if r.Level != "" {
						t.Errorf("%q level = %q; want none (the blog marks no level)", r.Question, r.Level)
					}
				}
				adv, _ := find(recs, "What are the key advantages of using FastAPI?")
				if want := "FastAPI offers several advantages, including:\n\n- Automatic data validation and serialization\n- Interactive API documentation"; !strings.HasPrefix(firstAnswer(adv), want) {
					t.Errorf("advantages answer = %q; want it to start %q", firstAnswer(adv), want)
				}
				ex := recs[0].Answers[0].ExampleAnswer
				if !strings.HasPrefix(ex, "FastAPI is a Python web framework") || strings.HasPrefix(ex, `"`) {
					t.Errorf("example answer = %q; want it unquoted", ex)
				}
			},
		},
		{
			// The main question, the two that follow it, and the 38
			// questions of the run-on related list, the last of which is
			// the main question again.
			file: seedQAPage, wantRecords: 40, wantMerged: 1,
			check: func(t *testing.T, recs []record.Record, rep *Report) {
				main := recs[0]
				if want := "What are the most important FastAPI best practices for a production-ready API?"; main.Question != want {
					t.Fatalf("first record = %q; want %q", main.Question, want)
				}
				if len(main.Sources) != 2 || main.Sources[1].Line != 68 {
					t.Errorf("main question sources = %v; want its own line and line 68 of the related list", main.Sources)
				}
				ans := firstAnswer(main)
				for _, want := range []string{
					"Area | Best Practice",
					"Project structure | Separate concerns: routers/, models/",
					"Authentication | JWT with short expiry",
					"Testing | 100% route coverage",
					"Configuration | pydantic-settings + .env",
					"# ├── app/",
				} {
					if !strings.Contains(ans, want) {
						t.Errorf("main answer lacks %q:\n%s", want, ans)
					}
				}
				if len(main.Answers[0].Code) != 1 || !strings.Contains(main.Answers[0].Code[0].Text, "└── requirements.txt") {
					t.Errorf("main answer code = %+v; want the project layout verbatim", main.Answers[0].Code)
				}
				for i, want := range []string{
					"Why should you keep FastAPI route handlers 'thin' (minimal logic)?",
					"What is the recommended password hashing approach in a FastAPI authentication system?",
					"What is FastAPI and what are its key advantages over Flask or Django REST Framework?",
					"How do you create and run a minimal FastAPI application?",
				} {
					if recs[i+1].Question != want {
						t.Errorf("record %d = %q; want %q", i+1, recs[i+1].Question, want)
					}
				}
				last := recs[len(recs)-1]
				if want := "How do you read HTTP headers and cookies in FastAPI?"; last.Question != want {
					t.Errorf("last record = %q; want %q", last.Question, want)
				}
				for _, r := range recs {
					if !slices.Contains(r.Topics, "fastapi") || !slices.Contains(r.Topics, "python") {
						t.Errorf("%q topics = %v; want them to include fastapi and python", r.Question, r.Topics)
					}
				}
				// A question names its own topics beside the page's.
				if r, _ := find(recs, "How do you containerise and deploy a FastAPI application with Docker?"); strings.Join(r.Topics, ",") != "docker,fastapi,python" {
					t.Errorf("%q topics = %v; want docker,fastapi,python", r.Question, r.Topics)
				}
				ads := 0
				for _, d := range rep.Dropped {
					if d.Reason == DropAd {
						ads++
					}
				}
				if ads < 8 {
					t.Errorf("%d blocks dropped as ads; want the 8 or more promotion blocks", ads)
				}
			},
		},
		{
			// Beginner / Mid-Level / Senior-Level, ten bold numbered
			// questions each.
			file: seedByLevel, wantRecords: 30,
			check: func(t *testing.T, recs []record.Record, rep *Report) {
				got := levelCounts(recs)
				if got[record.LevelBeginner] != 10 || got[record.LevelIntermediate] != 10 || got[record.LevelAdvanced] != 10 {
					t.Errorf("levels = %v; want 10 each of beginner, intermediate, advanced", got)
				}
				labels := map[string]string{record.LevelBeginner: "Beginner", record.LevelIntermediate: "Mid-Level", record.LevelAdvanced: "Senior-Level"}
				for _, r := range recs {
					if r.LevelLabel != labels[r.Level] {
						t.Errorf("%q level_label = %q; want %q", r.Question, r.LevelLabel, labels[r.Level])
					}
				}
				get, _ := find(recs, "How do you create a simple GET and POST endpoint in FastAPI?")
				if len(get.Answers) != 1 || len(get.Answers[0].Code) != 1 || get.Answers[0].Code[0].Lang != "python" ||
					!strings.Contains(get.Answers[0].Code[0].Text, `@app.post("/items/")`) {
					t.Errorf("GET/POST answer = %+v; want one python code block", get.Answers)
				}
				dock, _ := find(recs, "How do you deploy a FastAPI application in a production environment using Docker or Kubernetes?")
				if len(dock.Answers) != 1 || len(dock.Answers[0].Code) != 1 || dock.Answers[0].Code[0].Lang != "dockerfile" {
					t.Errorf("Docker answer = %+v; want a dockerfile code block", dock.Answers)
				}
				first, _ := find(recs, "What is FastAPI, and how does it differ")
				if want := "FastAPI is a modern, high-performance web framework"; !strings.Contains(firstAnswer(first), want) {
					t.Errorf("first answer = %q; want it to contain %q", firstAnswer(first), want)
				}
				feat, _ := find(recs, "What are the key features of FastAPI")
				if want := "Fast: It's designed for speed"; !strings.Contains(firstAnswer(feat), want) {
					t.Errorf("features answer = %q; want the nested list, with %q", firstAnswer(feat), want)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs, rep := ingestSeed(t, tt.file)
			if len(recs) != tt.wantRecords || rep.Merged != tt.wantMerged {
				var qs []string
				for _, r := range recs {
					qs = append(qs, r.Question)
				}
				t.Fatalf("ingest %s = %d records, %d merged; want %d, %d\n%s", tt.file, len(recs), rep.Merged,
					tt.wantRecords, tt.wantMerged, strings.Join(qs, "\n"))
			}
			dups := 0
			for _, d := range rep.Dropped {
				if d.Reason == DropDuplicate {
					dups++
				}
			}
			if dups != tt.wantMerged {
				t.Errorf("%d duplicate drops; want one per merged repeat (%d)", dups, tt.wantMerged)
			}
			tt.check(t, recs, rep)
		})
	}
}

// noise are general terms of promotions and page chrome that no record of
// the seeds may contain.
var noise = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\binvest`),
	regexp.MustCompile(`(?i)\breferral`),
	regexp.MustCompile(`(?i)\bbonus`),
	regexp.MustCompile(`(?i)free (equity )?stock`),
	regexp.MustCompile(`\bComments\b`),
	regexp.MustCompile(`Contact Form`),
	regexp.MustCompile(`Show more`),
	regexp.MustCompile(`Prev Next`),
	regexp.MustCompile(`More Related questions`),
}

func TestSeedsHaveNoNoise(t *testing.T) {
	recs, rep, err := FS(context.Background(), corpus.Seeds(), Options{})
	if err != nil {
		t.Fatalf("FS(corpus): %v", err)
	}
	if rep.FilesRead != 3 || len(rep.Skipped) != 0 {
		t.Errorf("FS(corpus) read %d files, skipped %v; want 3 read, none skipped", rep.FilesRead, rep.Skipped)
	}
	if len(recs) != 23+40+30 {
		t.Errorf("FS(corpus) = %d records; want %d (no repeats across seeds)", len(recs), 23+40+30)
	}
	for _, r := range recs {
		for _, s := range recordTexts(r) {
			for _, re := range noise {
				if re.MatchString(s) {
					t.Errorf("record %q contains %q: %q", r.Question, re, excerpt(s))
				}
			}
		}
	}
}

// TestGolden compares each seed's records with testdata/golden/<file>.json;
// go test ./ingest -update rewrites them for review as a diff.
func TestGolden(t *testing.T) {
	names, err := fs.Glob(corpus.Seeds(), "*")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if name == "corpus.go" {
			continue
		}
		t.Run(name, func(t *testing.T) {
			recs, _ := ingestSeed(t, name)
			got, err := json.MarshalIndent(recs, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run go test ./ingest -update): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("records of %s differ from %s; run go test ./ingest -update and review the diff\n%s", name, golden, firstDiff(want, got))
			}
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + itoa(i+1) + ":\n-" + w + "\n+" + g
		}
	}
	return ""
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
