package parse

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// repoRoot walks up from the test's folder to the module root.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test folder")
		}
		dir = parent
	}
}

// corporaDir returns ../shared/corpora beside the repository, skipping the
// test when it is absent (a clone without the shared data).
func corporaDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "corpora")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpora not found: %v", err)
	}
	return dir
}

func readCorpus(t testing.TB, rel string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(corporaDir(t), rel))
	if err != nil {
		t.Skipf("corpus file absent: %v", err)
	}
	return src
}

// parseFile parses by extension, as the ingest pipeline does.
func parseFile(name string, src []byte) ([]Block, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".html", ".htm":
		return HTML(src)
	}
	return Markdown(src)
}

// want is one block a real file must yield. It is found by Kind, the
// start of its Text and ctx (an entry its Context must hold), after the
// block found for the previous want, so a case also checks document order.
// Every other field is compared exactly; Context must not hold notCtx.
type want struct {
	kind          Kind
	text          string
	line          int
	depth, number int
	strong        bool
	lang, role    string
	ctx, notCtx   string
}

func checkBlocks(t *testing.T, name string, got []Block, wants []want) {
	t.Helper()
	from := 0
	for _, w := range wants {
		i := slices.IndexFunc(got[from:], func(b Block) bool {
			return b.Kind == w.kind && strings.HasPrefix(b.Text, w.text) &&
				(w.ctx == "" || slices.Contains(b.Context, w.ctx))
		})
		if i < 0 {
			t.Errorf("%s: no %s block starting %q after block %d", name, w.kind, w.text, from)
			continue
		}
		b := got[from+i]
		from += i + 1
		if b.Line != w.line || b.Depth != w.depth || b.Number != w.number || b.Strong != w.strong ||
			b.Lang != w.lang || b.Role != w.role {
			t.Errorf("%s: %s %q = line %d depth %d number %d strong %v lang %q role %q; want line %d depth %d number %d strong %v lang %q role %q",
				name, b.Kind, w.text, b.Line, b.Depth, b.Number, b.Strong, b.Lang, b.Role,
				w.line, w.depth, w.number, w.strong, w.lang, w.role)
		}
		if w.ctx != "" && !slices.Contains(b.Context, w.ctx) {
			t.Errorf("%s: %s %q Context = %q; want it to hold %q", name, b.Kind, w.text, b.Context, w.ctx)
		}
		if w.notCtx != "" && slices.Contains(b.Context, w.notCtx) {
			t.Errorf("%s: %s %q Context = %q; want no %q", name, b.Kind, w.text, b.Context, w.notCtx)
		}
	}
}

// TestCorpora asserts real blocks from one file of every layout family in
// ../shared/corpora, Markdown and HTML.
func TestCorpora(t *testing.T) {
	tests := []struct {
		file  string
		wants []want
	}{
		{"sudheerj__reactjs-interview-questions/README.md", []want{
			{kind: Summary, text: "Hide/Show table of contents", line: 45, ctx: "html"},
			{kind: Heading, text: "What is React?", line: 495, depth: 3, number: 1},
			{kind: Paragraph, text: "React (aka React.js or ReactJS)", line: 497, depth: 1},
			{kind: Paragraph, text: "⬆ Back to Top", line: 501, depth: 1, strong: true},
			// "   2.  ### …" indented three spaces is still item 2.
			{kind: Heading, text: "What is the history behind React evolution?", line: 503, depth: 3, number: 2},
			{kind: Summary, text: "See deep-dive answer", line: 511, strong: true, ctx: "details"},
			{kind: Paragraph, text: "The evolution of React has a fascinating", line: 512, depth: 1, ctx: "details"},
			{kind: Paragraph, text: "2010-2011: The Origins", line: 514, depth: 1, strong: true, ctx: "details"},
			{kind: Paragraph, text: "Note: JSX, React's syntax extension", line: 546, depth: 1, notCtx: "details"},
			// The source skips 63: the written number is kept.
			{kind: Heading, text: "How to re-render the view when the browser is resized?", line: 2333, depth: 3, number: 65},
			{kind: Heading, text: "How to import and export components using React and ES6?", line: 2551, depth: 3, number: 72},
			{kind: Summary, text: "See Class", line: 2563, strong: true},
			// The stray ``` swallows "</details>": the details must end with
			// its list item, not run to the end of the file.
			{kind: Heading, text: "What are the exceptions on React component naming?", line: 2584, depth: 3, number: 73, notCtx: "details"},
			{kind: Code, text: "     render() {", line: 2589, depth: 1, lang: "jsx"},
		}},
		{"lydiahallie__javascript-questions/README.md", []want{
			{kind: Heading, text: "JavaScript Questions", line: 3, depth: 1, ctx: "html"},
			{kind: Heading, text: "1. What's the output?", line: 54, depth: 6},
			{kind: Code, text: "function sayHi() {", line: 56, lang: "javascript"},
			{kind: ListItem, text: "A: `Lydia` and `undefined`", line: 67, depth: 1},
			{kind: Summary, text: "Answer", line: 72, strong: true, ctx: "html"},
			{kind: Heading, text: "Answer: D", line: 75, depth: 4, ctx: "details"},
			{kind: Rule, line: 84, notCtx: "details"},
			{kind: Heading, text: "2. What's the output?", line: 86, depth: 6, notCtx: "details"},
		}},
		{"h5bp__Front-end-Developer-Interview-Questions/src/questions/javascript-questions.md", []want{
			{kind: Paragraph, text: "title: JavaScript Questions\nlayout: layouts/page.njk", line: 1, ctx: "front-matter"},
			{kind: ListItem, text: "Explain event delegation.", line: 7, depth: 1},
			{kind: ListItem, text: "Can you give an example of one of the ways", line: 9, depth: 2},
			{kind: ListItem, text: "\u0421an you describe other popular methods", line: 16, depth: 2},
		}},
		{"kwanpham2195__interview-questions/general-questions.md", []want{
			{kind: Heading, text: "I. Core Programming Language", line: 13, depth: 2},
			{kind: Heading, text: `"Explain goroutines and channels in Go.`, line: 16, depth: 4},
			// Indented eight spaces: parsed again as the list it is.
			{kind: ListItem, text: "Goroutines: Lightweight, concurrently executing", line: 17, depth: 1},
			{kind: ListItem, text: "Best Practices:", line: 24, depth: 1, strong: true},
			{kind: ListItem, text: "Explicit Checking: Always check for errors", line: 25, depth: 2},
		}},
		{"kwanpham2195__interview-questions/golang/coding.md", []want{
			// "### 1\. **Challenge: …**": the escape goes, the bold counts.
			{kind: Heading, text: "1. Challenge: Goroutines and Channels for Fan-Out/Fan-In Pattern", line: 2, depth: 3, strong: true},
			{kind: Heading, text: "2. Challenge: Custom Error Types", line: 93, depth: 3, strong: true},
		}},
		{"muhammadsufiyanbaig__Interview-Questions/Python/Readme.md", []want{
			{kind: Heading, text: "3. Python", line: 1, depth: 2, strong: true},
			{kind: Heading, text: "Beginner:", line: 5, depth: 3, strong: true},
			{kind: Paragraph, text: "1. What are the key features of Python?", line: 7, strong: true},
			{kind: ListItem, text: "Easy-to-read syntax", line: 8, depth: 1},
			// "**2. Q?**  \nAnswer": the bold line is cut from its answer.
			{kind: Paragraph, text: "2. How does Python manage memory?", line: 18, strong: true},
			{kind: Paragraph, text: "Python uses reference counting", line: 19},
			{kind: Heading, text: "Mid-Level:", line: 98, depth: 3, strong: true},
			{kind: Heading, text: "Senior-Level:", line: 198, depth: 3, strong: true},
		}},
		{"AliRezaei-Code__FastAPI-interview-questions/README.md", []want{
			{kind: Table, text: "# | Question\n1 | What is FastAPI and what is it used for?", line: 19},
			{kind: Heading, text: "1. What is FastAPI and what is it used for?", line: 257, depth: 3},
			{kind: Code, text: "pip3 install fastapi", line: 292, lang: "bash"},
		}},
		{"alexeygrigorev__data-science-interviews/theory.md", []want{
			{kind: Table, text: "⚠️ | The answers here are given by the community.", line: 3, ctx: "html"},
			{kind: ListItem, text: "Legend: 👶 easy \u200d⭐️ medium 🚀 expert", line: 15, depth: 1},
			{kind: Heading, text: "Supervised machine learning", line: 43, depth: 2},
			{kind: Paragraph, text: "What is supervised machine learning? 👶", line: 45, strong: true},
		}},
		{"alexeygrigorev__data-science-interviews/technical.md", []want{
			{kind: Paragraph, text: "1) The number of active ads.", line: 38},
			{kind: Code, text: "SELECT count(*) FROM Ads WHERE status = 'active';", line: 40, lang: "sql"},
		}},
		{"Devinterview-io__python-interview-questions/README.md", []want{
			{kind: Heading, text: "100 Core Python Interview Questions in 2026", line: 1, depth: 1},
			{kind: Paragraph, text: "web-and-mobile-development", line: 4, ctx: "img"},
			{kind: Heading, text: "You can also find all 100 answers here 👉 Devinterview.io - Python", line: 10, depth: 4},
			{kind: Heading, text: "1. What are the key features of Python?", line: 14, depth: 2},
			{kind: Heading, text: "Key Features of Python", line: 18, depth: 3},
		}},
		{"under-script__FastAPI-Interview-Questions-and-Answers/docs/interviewprep.org/can-you-explain-how-path-parameters-and-query-parameters-are-used-in-fastapi.md", []want{
			{kind: Paragraph, text: "FastAPI uses path parameters and query parameters to extract data from a URL.", line: 1},
			{kind: Paragraph, text: "Query parameters, on the other hand,", line: 3},
		}},
		{"html-pages/javatpoint__corejava-interview-questions.html", []want{
			{kind: Paragraph, text: "", line: 122, ctx: "ins.adsbygoogle"},
			{kind: Heading, text: "300 Core Java Interview Questions | Set 1", line: 335, depth: 1, ctx: "h1.h1"},
			{kind: Heading, text: "1) What is Java?", line: 358, depth: 3, ctx: "h3.h3"},
			{kind: Paragraph, text: "Java is the high-level, object-oriented", line: 359, notCtx: "ad"},
			{kind: Table, text: "Comparison Index | C++ | Java\nPlatform-independent | C++ is platform-dependent.", line: 363, ctx: "table.alt"},
			{kind: ListItem, text: "Simple: Java is easy to learn.", line: 390, depth: 1},
			{kind: Code, text: "//save by .java only\nclass A{", line: 471, lang: "java"},
			{kind: Code, text: "30Javatpoint\nJavatpoint1020", line: 535},
		}},
		{"html-pages/tutorialspoint__java_interview_questions.htm", []want{
			{kind: Heading, text: "Java Interview Questions", line: 266, depth: 1, ctx: "div#maincontent"},
			{kind: Paragraph, text: "Advertisements", line: 268, ctx: "ad"},
			{kind: Paragraph, text: "Previous Page", line: 296, ctx: "div.pre-btn"},
			{kind: Paragraph, text: "What do you know about Java?", line: 305, role: "question", ctx: "section.toggle"},
			{kind: Paragraph, text: "Java is a high-level programming language", line: 307, role: "answer", ctx: "div.toggle-content"},
			{kind: Paragraph, text: "We make use of cookies", line: 1638, ctx: "div#privacy-banner", notCtx: "ad"},
		}},
		{"html-pages/mkblog__html-interview-questions.html", []want{
			{kind: Heading, text: "HTML Interview Questions and Answers", line: 65, depth: 1},
			{kind: Paragraph, text: "What is HTML ?", line: 74, role: "question", ctx: "p.article-question"},
			{kind: Paragraph, text: "HTML stands for Hyper Text Markup Language.", line: 75, role: "answer", ctx: "p.article-answer"},
		}},
		{"html-pages/tutorialspoint-2018__hibernate_interview_questions.htm", []want{
			// CRLF line ends count once.
			{kind: Paragraph, text: "What is JDBC?", line: 217, role: "question", ctx: "section.toggle"},
			{kind: Paragraph, text: "JDBC stands for Java Database Connectivity", line: 219, role: "answer"},
			{kind: Table, text: "Sr.No. | Advantages\n1 | Lets business code access objects", line: 232, role: "answer"},
			// An unclosed toggle (line 696) nests the rest of the page in
			// it; only toggle content boxes are answers.
			{kind: Paragraph, text: "What is Query level cache in hibernate?", line: 697, role: "question"},
			{kind: Heading, text: "What is Next ?", line: 715, depth: 2},
			{kind: Paragraph, text: "Previous Page", line: 720, ctx: "div.pre-btn"},
			{kind: Paragraph, text: "Advertisements", line: 731, ctx: "ad"},
			{kind: Paragraph, text: "", line: 756, ctx: "ad"},
		}},
	}
	for _, tt := range tests {
		t.Run(strings.SplitN(tt.file, "/", 2)[0], func(t *testing.T) {
			src := readCorpus(t, tt.file)
			got, err := parseFile(tt.file, src)
			if err != nil {
				t.Fatalf("parse %s: %v", tt.file, err)
			}
			checkBlocks(t, tt.file, got, tt.wants)
		})
	}
}

// TestAdBlocks checks that every ad unit of the javatpoint page comes out
// as one block with the "ad" signal (most are bare <ins class=adsbygoogle>;
// two sit in containers named "leftad" and "onlycontentad"), and that the
// 100 numbered questions do not.
func TestAdBlocks(t *testing.T) {
	const file = "html-pages/javatpoint__corejava-interview-questions.html"
	src := readCorpus(t, file)
	got, err := HTML(src)
	if err != nil {
		t.Fatal(err)
	}
	var ads []int
	questions := 0
	for _, b := range got {
		if slices.Contains(b.Context, "ad") {
			ads = append(ads, b.Line)
		}
		if b.Kind == Heading && slices.Contains(b.Context, "h3.h3") {
			questions++
		}
	}
	wantAds := []int{122, 298, 318, 581, 1823, 1842, 1856, 1891, 1901}
	if !slices.Equal(ads, wantAds) || questions != 100 {
		t.Errorf("HTML(%s): ad blocks at lines %v, %d h3.h3 headings; want %v, 100", file, ads, questions, wantAds)
	}
}

// TestSeedByLevel checks the embedded Markdown seed: three level headings,
// ten bold numbered questions under each, code blocks in Python (and one
// Dockerfile) inside the questions' list items.
func TestSeedByLevel(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "corpus", "fastapi-questions-by-level.md"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Markdown(src)
	if err != nil {
		t.Fatal(err)
	}
	perLevel := map[string][]int{}
	level := ""
	codes := map[string]int{}
	for _, b := range got {
		switch {
		case b.Kind == Heading && b.Depth == 4:
			level = b.Text
		case b.Kind == ListItem && b.Depth == 1:
			if !b.Strong {
				t.Errorf("question at line %d %q: Strong = false; want true", b.Line, b.Text)
			}
			perLevel[level] = append(perLevel[level], b.Number)
		case b.Kind == Code:
			codes[b.Lang]++
			if b.Depth != 1 {
				t.Errorf("code at line %d: Depth %d; want 1", b.Line, b.Depth)
			}
		}
	}
	seq := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, l := range []string{"Beginner:", "Mid-Level:", "Senior-Level:"} {
		if !slices.Equal(perLevel[l], seq) {
			t.Errorf("Markdown(seed) %s numbers = %v; want %v", l, perLevel[l], seq)
		}
	}
	if len(perLevel) != 3 {
		t.Errorf("Markdown(seed) levels = %d; want 3", len(perLevel))
	}
	if want := map[string]int{"python": 13, "dockerfile": 1}; !reflect.DeepEqual(codes, want) {
		t.Errorf("Markdown(seed) code blocks by language = %v; want %v", codes, want)
	}
	checkBlocks(t, "seed", got, []want{
		{kind: Heading, text: "11. FastAPI", line: 1, depth: 3, strong: true},
		{kind: Heading, text: "Beginner:", line: 5, depth: 4, strong: true},
		{kind: ListItem, text: "What is FastAPI, and how does it differ", line: 7, depth: 1, number: 1, strong: true},
		{kind: ListItem, text: "FastAPI is a modern, high-performance web framework", line: 8, depth: 2},
		{kind: ListItem, text: "How do you create a simple GET and POST endpoint in FastAPI?", line: 18, depth: 1, number: 3, strong: true},
		{kind: Code, text: "from fastapi import FastAPI\n\napp = FastAPI()", line: 19, depth: 1, lang: "python"},
		{kind: ListItem, text: "What is the role of `Depends` in FastAPI", line: 80, depth: 1, number: 9, strong: true},
	})
}

// TestAllCorpora parses every file under ../shared/corpora: no error, every
// block with a line inside the file and valid text.
func TestAllCorpora(t *testing.T) {
	dir := corporaDir(t)
	files := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".md" && ext != ".html" && ext != ".htm" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		blocks, err := parseFile(path, src)
		if err != nil {
			t.Errorf("parse %s: %v", path, err)
			return nil
		}
		lines := strings.Count(string(src), "\n") + 1
		for _, b := range blocks {
			if err := checkBlock(b); err != "" {
				t.Errorf("%s: %s", path, err)
			}
			if b.Line > lines {
				t.Errorf("%s: %s %q at line %d; file has %d lines", path, b.Kind, b.Text, b.Line, lines)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 60 {
		t.Errorf("parsed %d corpus files; want at least 60", files)
	}
}

// TestConcurrent parses the same files from several goroutines: the shared
// goldmark parser must be safe for the pipeline's parallel reads (run with
// -race to check).
func TestConcurrent(t *testing.T) {
	md, err := os.ReadFile(filepath.Join(repoRoot(t), "corpus", "fastapi-questions-by-level.md"))
	if err != nil {
		t.Fatal(err)
	}
	page := []byte("<section class=toggle><label>Q?</label><div class=toggle-content><p>A</p></div></section>")
	wantMD, _ := Markdown(md)
	wantHTML, _ := HTML(page)
	errs := make(chan string, 8)
	for range 4 {
		go func() {
			gotMD, _ := Markdown(md)
			gotHTML, _ := HTML(page)
			switch {
			case !reflect.DeepEqual(gotMD, wantMD):
				errs <- "Markdown differs when run concurrently"
			case !reflect.DeepEqual(gotHTML, wantHTML):
				errs <- "HTML differs when run concurrently"
			default:
				errs <- ""
			}
		}()
	}
	for range 4 {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}

// TestFastSummary checks that the shortcut for "<details><summary>X
// </summary>" gives the blocks the HTML parser would, on every Markdown
// file of the corpora and a few edge cases.
func TestFastSummary(t *testing.T) {
	srcs := map[string][]byte{
		"own close": []byte("<details><summary>A</summary></details>\n\ntext\n"),
		"open attr": []byte("<details open>\n<summary>\n  Hide &amp; <b>show</b> `x`\n</summary>\n\n| a |\n|---|\n| b |\n\n</details>\n"),
		"in list":   []byte("1. ### Q\n\n   <details><summary><strong>1. See</strong></summary>\n   <p>\n\n   answer\n\n   </p></details>\n\nafter\n"),
		"nested":    []byte("<details><summary>Outer</summary>\n\n<details><summary>Inner</summary>\n\nx\n\n</details>\n\ny\n\n</details>\n\nz\n"),
		"not fast":  []byte("<details class=x><summary>A</summary>\n\n<details><summary><a href=#a>B</a></summary>\n"),
	}
	dir := corporaDir(t)
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".md") {
			if src, err := os.ReadFile(path); err == nil && strings.Contains(string(src), "<summary") {
				srcs[path] = src
			}
		}
		return nil
	})
	defer func() { fastSummary = true }()
	for name, src := range srcs {
		fastSummary = true
		fast, err1 := Markdown(src)
		fastSummary = false
		slow, err2 := Markdown(src)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(fast, slow) {
			t.Errorf("Markdown(%s) with the summary shortcut differs from without (errors %v, %v)", name, err1, err2)
			for i := range min(len(fast), len(slow)) {
				if !reflect.DeepEqual(fast[i], slow[i]) {
					t.Errorf("first difference: %+v; want %+v", fast[i], slow[i])
					break
				}
			}
		}
	}
}
