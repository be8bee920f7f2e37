package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/muesli/termenv"

	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

var sampleResult = &query.Result{
	Query: "dependncy injecton", Total: 1, TookMS: 1.5, Limit: 10,
	Fuzzy: true, UsedSpelling: "dependency injection",
	Hits: []query.Hit{{
		ID: "92fcbbbf622708df", Question: "What is dependency injection & why?", Level: "beginner",
		Topics: []string{"fastapi"}, Sources: []record.Source{{File: "blog.txt", Line: 42}, {File: "blog.txt", Line: 74}},
		QuestionHTML: "What is <mark>dependency injection</mark> &amp; why?",
		Fragments:    []string{"<mark>Dependency injection</mark> keeps &lt;code&gt; clean. " + strings.Repeat("More words here. ", 40)},
	}},
	Facets: map[string][]query.FacetCount{"level": {{Value: "beginner", Count: 1}}, "topic": {{Value: "fastapi", Count: 1}}},
}

func styledOutput(w *bytes.Buffer, profile termenv.Profile) *output {
	return &output{w: w, errOut: w, mode: modeStyled, width: 60, styles: newStyles(w, 60, profile)}
}

func TestStyledSearchResult(t *testing.T) {
	var b bytes.Buffer
	if err := styledOutput(&b, termenv.ANSI256).searchResult(sampleResult); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	plain := strings.Join(strings.Fields(stripANSI(got)), " ")
	for _, want := range []string{
		`No match for "dependncy injecton"; showing results for "dependency injection"`,
		"1–1 of 1 results · 1.5 ms", "level: beginner 1", "topic: fastapi 1",
		"What is dependency injection & why?", "beginner", "blog.txt:42 92fcbbbf622708df (+1 more)",
		"Dependency injection keeps <code> clean.",
	} {
		if !strings.Contains(plain, want) {
			t.Errorf("styled output lacks %q:\n%s", want, plain)
		}
	}
	if !strings.Contains(got, "\x1b[") {
		t.Errorf("styled output with a colour profile has no escape codes")
	}
	if strings.Contains(got, "<mark>") || strings.Contains(got, "&amp;") {
		t.Errorf("styled output shows HTML: %q", got)
	}
	// The answer is cut to two lines under the hit.
	if n := strings.Count(plain, "More words here."); n > 8 {
		t.Errorf("snippet shows %d repeats; want two lines at width 60", n)
	}
	for _, line := range strings.Split(stripANSI(got), "\n") {
		if len([]rune(line)) > 61 { // 60 and the "…" of a cut
			t.Errorf("line wider than 60: %q", line)
		}
	}
}

func TestNoColor(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "NO_COLOR" {
				return v
			}
			return ""
		}
	}
	if p := colorProfile(true, env("1"), termenv.TrueColor); p != termenv.Ascii {
		t.Errorf("colorProfile(NO_COLOR=1) = %v; want Ascii", p)
	}
	if p := colorProfile(false, env(""), termenv.TrueColor); p != termenv.Ascii {
		t.Errorf("colorProfile(not styled) = %v; want Ascii", p)
	}
	if p := colorProfile(true, env(""), termenv.ANSI256); p != termenv.ANSI256 {
		t.Errorf("colorProfile(terminal) = %v; want ANSI256", p)
	}
	var b bytes.Buffer
	styledOutput(&b, termenv.Ascii).searchResult(sampleResult)
	if strings.Contains(b.String(), "\x1b") {
		t.Errorf("Ascii styled output has escape codes: %q", b.String())
	}
}

func TestPlainSearchResult(t *testing.T) {
	var b, e bytes.Buffer
	o := &output{w: &b, errOut: &e, mode: modePlain}
	if err := o.searchResult(sampleResult); err != nil {
		t.Fatal(err)
	}
	want := "92fcbbbf622708df\tbeginner\tfastapi\tblog.txt:42\tWhat is dependency injection & why?\n"
	if b.String() != want {
		t.Errorf("plain output = %q; want %q (no header, no notes)", b.String(), want)
	}
	// The spelling note goes to stderr, terminal or not.
	if want := "iq: no match for \"dependncy injecton\"; showing results for \"dependency injection\"\n"; e.String() != want {
		t.Errorf("plain stderr = %q; want %q", e.String(), want)
	}
}

// stripANSI removes CSI escape sequences.
func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
