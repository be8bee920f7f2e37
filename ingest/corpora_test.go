package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/iq-search/iq/record"
)

// TestCorporaIngest ingests every file under ../shared/corpora in one run:
// no file fails to parse, the only skips are files without questions and
// the one empty file, and the run is deterministic.
func TestCorporaIngest(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "corpora")
	recs, rep, err := Paths(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatalf("Paths(%s): %v", dir, err)
	}
	for _, s := range rep.Skipped {
		switch {
		case s.Reason == SkipNoQuestion:
		case s.Reason == SkipEmpty && strings.HasSuffix(s.File, "javainuse.com/index.md"):
		default:
			t.Errorf("skipped %s: %s (%s)", s.File, s.Reason, s.Detail)
		}
	}
	if rep.FilesRead < 110 || len(recs) < 2000 {
		t.Errorf("read %d files, %d records; want at least 110 files and 2000 records", rep.FilesRead, len(recs))
	}
	// The files are processed in parallel: a second run must give the same
	// bytes.
	recs2, rep2, err := Paths(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal([]any{recs, rep})
	b, _ := json.Marshal([]any{recs2, rep2})
	if !bytes.Equal(a, b) {
		t.Errorf("two runs over %s gave different output", dir)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		if seen[r.ID] {
			t.Errorf("ID %s appears twice (%q)", r.ID, r.Question)
		}
		seen[r.ID] = true
		if r.ID != record.QuestionID(r.Question) || r.Question == "" {
			t.Errorf("record %q has ID %s; want QuestionID of its question", r.Question, r.ID)
		}
	}
}

// noiseOf are general terms of ads, menus, cookie banners and page chrome.
var pageNoise = regexp.MustCompile(`(?i)advertisement|adsbygoogle|cookies to improve|we make use of cookies|previous page|next page|print page|all rights reserved|privacy policy|javatpoint logo|back to top|download android app|subscribe us|explore all \d+ answers|devinterview\.io|👉`)

// TestCorporaFamilies asserts real records from each layout family of the
// corpora: the question text, the start of its answer and the level where
// the source marks one.
func TestCorporaFamilies(t *testing.T) {
	type want struct {
		question, answerStart string
		level, levelLabel     string
	}
	tests := []struct {
		name        string
		file        string
		wantRecords int // exact when > 0
		minRecords  int
		levels      map[string]int // exact level counts when set
		topics      string         // comma-joined topics every record has
		records     []want
	}{
		{
			name: "numbered h2 headings with sub-headings in answers (Devinterview)",
			file: "corpora/Devinterview-io__python-interview-questions/README.md", wantRecords: 15,
			topics: "python",
			records: []want{
				{question: "What are the key features of Python?", answerStart: "Python is a versatile and popular programming language"},
				{question: "How is Python executed?", answerStart: "Python source code is processed through various steps"},
			},
		},
		{
			name: "numbered headings whose answers start with look-alike headings (Devinterview SQL)",
			file: "corpora/Devinterview-io__sql-interview-questions/README.md", wantRecords: 15,
			records: []want{
				{question: "What is the difference between WHERE and HAVING clauses?", answerStart: "WHERE vs. HAVING: Architectural Distinction"},
			},
		},
		{
			name: "TOC table then ### N. headings (AliRezaei)",
			file: "corpora/AliRezaei-Code__FastAPI-interview-questions/README.md", wantRecords: 234,
			topics: "fastapi",
			records: []want{
				{question: "What is FastAPI and what is it used for?", answerStart: "FastAPI is a modern Python web framework for building APIs."},
				{question: "How do you install FastAPI with pip?", answerStart: "Use pip to install FastAPI:\n\npip3 install fastapi"},
			},
		},
		{
			name: "heading inside a numbered list item, deep-dive details (sudheerj)",
			file: "corpora/sudheerj__reactjs-interview-questions/README.md", minRecords: 400,
			topics: "react",
			records: []want{
				{question: "What is React?", answerStart: "React (aka React.js or ReactJS) is an open-source front-end JavaScript library"},
				{question: "What is the history behind React evolution?", answerStart: "The history of ReactJS started in 2010 with the creation of XHP."},
				{question: "Why should we not update the state directly?", answerStart: "If you try to update the state directly then it won't re-render the component."},
			},
		},
		{
			name: "h6 question, code and options, answer in details (lydiahallie)",
			file: "corpora/lydiahallie__javascript-questions/README.md", wantRecords: 155,
			topics: "javascript",
			records: []want{
				{question: "What's the output?\n\nfunction sayHi() {", answerStart: "Answer: D\n\nWithin the function, we first declare the `name` variable"},
			},
		},
		{
			name: "question-only bullet list with follow-ups and front matter (h5bp)",
			file: "corpora/h5bp__Front-end-Developer-Interview-Questions/src/questions/javascript-questions.md", wantRecords: 57,
			topics: "javascript",
			records: []want{
				{question: "Explain event delegation."},
				{question: "Can you give an example of one of the ways that working with this has changed in ES6?"},
			},
		},
		{
			name: "question-only list with a statement item (h5bp general)",
			file: "corpora/h5bp__Front-end-Developer-Interview-Questions/src/questions/general-questions.md", wantRecords: 32,
			records: []want{
				{question: "Talk about your preferred development environment."},
				{question: "What are the exceptions?"},
			},
		},
		{
			name: "bold numbered list items under level headings (muhammadsufiyanbaig)",
			file: "corpora/muhammadsufiyanbaig__Interview-Questions/Docker/Readme.md", wantRecords: 30,
			levels: map[string]int{record.LevelBeginner: 10, record.LevelIntermediate: 10, record.LevelAdvanced: 10},
			topics: "docker",
			records: []want{
				{question: "What is Docker, and how does it differ from a virtual machine?", answerStart: "Docker is a platform for developing, shipping, and running applications in containers.", level: record.LevelBeginner, levelLabel: "Beginner"},
			},
		},
		{
			name: "bold numbered paragraphs, one with broken bold (muhammadsufiyanbaig Python)",
			file: "corpora/muhammadsufiyanbaig__Interview-Questions/Python/Readme.md", wantRecords: 30,
			levels: map[string]int{record.LevelBeginner: 10, record.LevelIntermediate: 10, record.LevelAdvanced: 10},
			records: []want{
				{question: "What are Python's *args and kwargs used for?", answerStart: "- `*args`: Pass a variable number", level: record.LevelBeginner, levelLabel: "Beginner"},
				{question: "What is a Python generator, and how does it work?", answerStart: "A generator is a function that uses `yield`", level: record.LevelIntermediate, levelLabel: "Mid-Level"},
			},
		},
		{
			name: "level from the file name (kwanpham golang/junior.md)",
			file: "corpora/kwanpham2195__interview-questions/golang/junior.md", wantRecords: 11,
			levels: map[string]int{record.LevelBeginner: 11},
			topics: "go",
			records: []want{
				{question: "What is Go and what are its main features?", answerStart: "Go, also known as Golang, is an open-source programming language", level: record.LevelBeginner, levelLabel: "junior"},
			},
		},
		{
			name: "numbering restarts inside an answer (kwanpham api.md)",
			file: "corpora/kwanpham2195__interview-questions/api/api.md", wantRecords: 10,
			records: []want{
				{question: "Describe different types of API streaming patterns supported by gRPC, providing a use case for each.", answerStart: "gRPC provides native, first-class support"},
			},
		},
		{
			name: "heading titles, bold quoted question, level from the header's Target Level line (kwanpham interviews)",
			file: "corpora/kwanpham2195__interview-questions/interviews/senior-go-developer.md", minRecords: 13,
			levels: map[string]int{record.LevelAdvanced: -1},
			records: []want{
				{question: "Explain Go's M:N threading model (Goroutines:OS Threads)", answerStart: "Expected Senior-Level Answer Points:\n\n- ", level: record.LevelAdvanced, levelLabel: "Senior"},
			},
		},
		{
			name: "quoted heading questions with 8-space indented answers (kwanpham general)",
			file: "corpora/kwanpham2195__interview-questions/general-questions.md", minRecords: 55,
			records: []want{
				{question: "Explain goroutines and channels in Go. How do they differ from threads and traditional inter-process communication?", answerStart: "- Goroutines: Lightweight, concurrently executing functions"},
			},
		},
		{
			name: "bold questions with level emoji (alexeygrigorev theory)",
			file: "corpora/alexeygrigorev__data-science-interviews/theory.md", wantRecords: 166,
			levels: map[string]int{record.LevelBeginner: 40, record.LevelIntermediate: 113, record.LevelAdvanced: 13},
			records: []want{
				{question: "What is supervised machine learning?", answerStart: "Supervised learning is a type of machine learning", level: record.LevelBeginner, levelLabel: "👶"},
				{question: "Precision-recall trade-off", level: record.LevelIntermediate, levelLabel: "⭐️"},
			},
		},
		{
			name: "bold-number task paragraphs with SQL answers (alexeygrigorev technical)",
			file: "corpora/alexeygrigorev__data-science-interviews/technical.md", minRecords: 11,
			records: []want{
				{question: "The number of active ads.", answerStart: "SELECT count(*) FROM Ads WHERE status = 'active';"},
				{question: "FizzBuzz. Print numbers from 1 to 100", answerStart: "- If it’s a multiplier of 3, print “Fizz”"},
			},
		},
		{
			name: "question only in the file name (under-script)",
			file: "corpora/under-script__FastAPI-Interview-Questions-and-Answers/docs/interviewprep.org/how-would-you-create-a-background-task-in-fastapi.md", wantRecords: 1,
			topics: "fastapi",
			records: []want{
				{question: "How would you create a background task in FastAPI?", answerStart: "FastAPI allows the creation of background tasks using BackgroundTasks class."},
			},
		},
		{
			name: "HTML h3 questions between hr, ads and menus (javatpoint)",
			file: "corpora/html-pages/javatpoint__corejava-interview-questions.html", wantRecords: 100,
			topics: "java",
			records: []want{
				{question: "What is Java?", answerStart: "Java is the high-level, object-oriented, robust, secure programming language"},
				{question: "What is the difference between JDK, JRE, and JVM?", answerStart: "JVM\n\nJVM is an acronym for Java Virtual Machine"},
			},
		},
		{
			name: "HTML toggle label questions (tutorialspoint 2022)",
			file: "corpora/html-pages/tutorialspoint__java_interview_questions.htm", wantRecords: 200,
			topics: "java",
			records: []want{
				{question: "What do you know about Java?", answerStart: "Java is a high-level programming language originally developed by Sun Microsystems"},
			},
		},
		{
			name: "HTML toggle label questions, CRLF (tutorialspoint 2018)",
			file: "corpora/html-pages/tutorialspoint-2018__hibernate_interview_questions.htm", wantRecords: 56,
			topics: "hibernate",
			records: []want{
				{question: "What is JDBC?", answerStart: "JDBC stands for Java Database Connectivity"},
			},
		},
		{
			name: "HTML article-question/answer paragraphs (mkblog)",
			file: "corpora/html-pages/mkblog__html-interview-questions.html", wantRecords: 51,
			topics: "html",
			records: []want{
				{question: "What is HTML?", answerStart: "HTML stands for Hyper Text Markup Language."},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, _ := ingestFile(t, tt.file)
			if tt.wantRecords > 0 && len(recs) != tt.wantRecords || len(recs) < tt.minRecords {
				t.Errorf("ingest %s = %d records; want %d (at least %d)", tt.file, len(recs), tt.wantRecords, tt.minRecords)
			}
			if tt.levels != nil {
				got := levelCounts(recs)
				for level, n := range tt.levels {
					if n < 0 {
						n = len(recs) // all of them
					}
					if got[level] != n {
						t.Errorf("level %s: %d records; want %d (all levels: %v)", level, got[level], n, got)
					}
				}
			}
			for _, r := range recs {
				if tt.topics != "" && !strings.Contains(","+strings.Join(r.Topics, ",")+",", ","+tt.topics+",") {
					t.Errorf("%q topics = %v; want them to include %s", r.Question, r.Topics, tt.topics)
				}
				for _, s := range recordTexts(r) {
					if m := pageNoise.FindString(s); m != "" {
						t.Errorf("record %q contains page noise %q", excerpt(r.Question), m)
					}
				}
			}
			for _, w := range tt.records {
				r, ok := find(recs, w.question)
				if !ok {
					t.Errorf("no record %q", w.question)
					continue
				}
				if !strings.HasPrefix(firstAnswer(r), w.answerStart) {
					t.Errorf("answer of %q = %q; want it to start %q", w.question, excerpt(firstAnswer(r)), w.answerStart)
				}
				if r.Level != w.level || r.LevelLabel != w.levelLabel {
					t.Errorf("level of %q = %q (%q); want %q (%q)", w.question, r.Level, r.LevelLabel, w.level, w.levelLabel)
				}
			}
		})
	}
}

// TestCorporaMerge checks merging across files: under-script's techwasti.com
// and techwasti.com/en hold the same slugs, so their questions become one
// record with both answers and both sources.
func TestCorporaMerge(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "corpora", "under-script__FastAPI-Interview-Questions-and-Answers")
	recs, rep, err := Paths(context.Background(), []string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r, ok := find(recs, "How does FastAPI handle asynchronous programming?")
	if !ok {
		t.Fatal("no record for the asynchronous programming slug")
	}
	if len(r.Answers) != 2 || len(r.Sources) != 2 {
		t.Errorf("%q has %d answers, %d sources; want 2 and 2", r.Question, len(r.Answers), len(r.Sources))
	}
	if rep.Merged < 5 {
		t.Errorf("merged %d repeats; want the 5 or more slugs shared by techwasti.com and techwasti.com/en", rep.Merged)
	}
}
