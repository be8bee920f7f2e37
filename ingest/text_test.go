package ingest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/iq-search/iq/ingest/parse"
	"github.com/iq-search/iq/record"
)

// brief renders blocks compactly: "kind@line[depth,number]: text".
func brief(blocks []parse.Block) string {
	var b strings.Builder
	for _, bl := range blocks {
		fmt.Fprintf(&b, "%s@%d", bl.Kind, bl.Line)
		if bl.Depth != 0 || bl.Number != 0 {
			fmt.Fprintf(&b, "[%d,%d]", bl.Depth, bl.Number)
		}
		fmt.Fprintf(&b, ": %s\n", strings.ReplaceAll(bl.Text, "\n", `\n`))
	}
	return b.String()
}

func TestParseText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "title, numbered question, bullets",
			in:   "24 Go Questions\n\n1. What is Go?\n\nGo offers:\n\n  • Speed\n  • Simplicity\n",
			want: "heading@1[1,0]: 24 Go Questions\nlist-item@3[1,1]: What is Go?\nparagraph@5: Go offers:\nlist-item@7[1,0]: Speed\nlist-item@8[1,0]: Simplicity\n",
		},
		{
			name: "short lines are headings only when title-cased",
			in:   "Intro\n\nRole and Responsibility of a Developer:\n\nThe tool offers several advantages, including:\n\nWhy is it fast?\n",
			want: "heading@1[1,0]: Intro\nheading@3[2,0]: Role and Responsibility of a Developer:\nparagraph@5: The tool offers several advantages, including:\nparagraph@7: Why is it fast?\n",
		},
		{
			name: "lines of a group are separate elements",
			in:   "Buy now!!! 🚀\nGet your bonus!\n",
			want: "paragraph@1: Buy now!!! 🚀\nparagraph@2: Get your bonus!\n",
		},
		{
			name: "wrapped lines join",
			in:   "This paragraph was wrapped by hand at a fixed width so that\nit continues on the next line.\n",
			want: "paragraph@1: This paragraph was wrapped by hand at a fixed width so that it continues on the next line.\n",
		},
		{
			name: "comment lines are code kept verbatim",
			in:   "Layout:\n# .\n# ├── app/\n#     main.py  # entry\nNext question?\n",
			want: "paragraph@1: Layout:\ncode@2: # .\\n# ├── app/\\n#     main.py  # entry\nparagraph@5: Next question?\n",
		},
		{
			name: "one hash line is a heading",
			in:   "## Section\n\ntext here.\n",
			want: "heading@1[2,0]: Section\nparagraph@3: text here.\n",
		},
		{
			name: "glued table with caption",
			in:   "Best Practices\nAreaBest Practice\nProject structureSeparate concerns\nAuthenticationJWT with expiry\nTesting100% coverage\nDocsMeaningful summaries\n",
			want: "paragraph@1: Best Practices\ntable@2: Area | Best Practice\\nProject structure | Separate concerns\\nAuthentication | JWT with expiry\\nTesting | 100% coverage\\nDocs | Meaningful summaries\n",
		},
		{
			name: "camel-case names are not cell boundaries",
			in:   "FastAPI and JavaScript\nTypeScript is typed\nGraphQL queries\n",
			want: "paragraph@1: FastAPI and JavaScript\nparagraph@2: TypeScript is typed\nparagraph@3: GraphQL queries\n",
		},
		{
			name: "CRLF and numbered continuation",
			in:   "3) How do you test\r\n   an endpoint?\r\n\r\nWith a client.\r\n",
			want: "list-item@1[1,3]: How do you test an endpoint?\nparagraph@4: With a client.\n",
		},
		{
			name: "empty",
			in:   "\n\n  \n",
			want: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := brief(parseText([]byte(tt.in))); got != tt.want {
				t.Errorf("parseText(%q) =\n%s\nwant\n%s", tt.in, got, tt.want)
			}
		})
	}
}

func TestQuestionMarks(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"What is X? How do you use Y? Why Z matters?", []string{"What is X?", "How do you use Y?", "Why Z matters?"}},
		{"What is `a?.b` in JS? How does `x ?? y` work?", []string{"What is `a?.b` in JS?", "How does `x ?? y` work?"}},
		{"What is X? It is a thing.", nil},
		{"One question only?", nil},
		{"Is it? Yes? No?", nil}, // too short to be questions
	}
	for _, tt := range tests {
		got := questionMarks(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("questionMarks(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanQuestion(t *testing.T) {
	tests := []struct {
		in, q, level, label string
	}{
		{"7. Explain how to handle authentication in FastAPI.", "Explain how to handle authentication in FastAPI.", "", ""},
		{"What is regression? Which models can you use? 👶", "What is regression? Which models can you use?", record.LevelBeginner, "👶"},
		{"What is AUC? \u200d⭐️", "What is AUC?", record.LevelIntermediate, "⭐️"},
		{"How do GANs work? 🚀", "How do GANs work?", record.LevelAdvanced, "🚀"},
		{"[H] Design a rate limiter.", "Design a rate limiter.", record.LevelAdvanced, "[H]"},
		{"Reverse a list (Easy)", "Reverse a list", record.LevelBeginner, "(Easy)"},
		{`"What is Go and what are its main features?"`, "What is Go and what are its main features?", "", ""},
		{"Q3: What is a closure?", "What is a closure?", "", ""},
		{"1\\. **Challenge: FizzBuzz**", "Challenge: FizzBuzz", "", ""},
	}
	for _, tt := range tests {
		q, level, label := cleanQuestion(tt.in)
		if q != tt.q || level != tt.level || label != tt.label {
			t.Errorf("cleanQuestion(%q) = %q, %q, %q; want %q, %q, %q", tt.in, q, level, label, tt.q, tt.level, tt.label)
		}
	}
}

func TestLevelMarkers(t *testing.T) {
	tests := []struct {
		fn         func(string) (string, string)
		in         string
		level, lbl string
	}{
		{headingLevel, "Beginner:", record.LevelBeginner, "Beginner"},
		{headingLevel, "**Mid-Level:**", record.LevelIntermediate, "Mid-Level"},
		{headingLevel, "Senior-Level Questions", record.LevelAdvanced, "Senior-Level Questions"},
		{headingLevel, "Beginner-Level:", record.LevelBeginner, "Beginner-Level"},
		{headingLevel, "Intermediate", record.LevelIntermediate, "Intermediate"},
		{headingLevel, "Basic Concepts", "", ""},
		{headingLevel, "Junior Go Developer Interview Format", "", ""},
		{headingLevel, "Core React", "", ""},
		{nameLevel, "junior", record.LevelBeginner, "junior"},
		{nameLevel, "senior-go-developer", "", ""}, // a name that merely contains a level word
		{nameLevel, "hard", record.LevelAdvanced, "hard"},
		{nameLevel, "intermediate", record.LevelIntermediate, "intermediate"},
		{nameLevel, "README", "", ""},
		{labelLevel, "Target Level: Junior developers (0-2 years Go experience)", record.LevelBeginner, "Junior"},
		{labelLevel, "Duration: 60-75 minutes", "", ""},
	}
	for _, tt := range tests {
		level, lbl := tt.fn(tt.in)
		if level != tt.level || lbl != tt.lbl {
			t.Errorf("level marker of %q = %q, %q; want %q, %q", tt.in, level, lbl, tt.level, tt.lbl)
		}
	}
}

func TestSlugQuestion(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"docs/x/how-would-you-create-a-background-task-in-fastapi.md", "How would you create a background task in FastAPI?", true},
		{"how-do-fastapi-s-response-models-work.md", "How do FastAPI's response models work?", true},
		{"how-does-fastapi-take-advantage-of-python-3-6-type-declarations.md", "How does FastAPI take advantage of Python 3.6 type declarations?", true},
		{"fastapi-is-built-on-top-of-starlette-for-the-web-parts-can-you-explain-how.md", "FastAPI is built on top of Starlette for the web parts. Can you explain how?", true},
		{"index.md", "", false},
		{"README.md", "", false},
		{"fastapi-best-practices.md", "", false},
	}
	for _, tt := range tests {
		body := []parse.Block{{Kind: parse.Paragraph, Text: "FastAPI runs on Starlette. The Python 3.6 type hints; fastapi."}}
		got, ok := slugQuestion(tt.in, body)
		if got != tt.want || ok != tt.ok {
			t.Errorf("slugQuestion(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
