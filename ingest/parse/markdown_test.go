package parse

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// blocksString prints blocks one per line for failure messages.
func blocksString(bs []Block) string {
	var sb strings.Builder
	for _, b := range bs {
		fmt.Fprintf(&sb, "\n\t%+v", b)
	}
	return sb.String()
}

func TestMarkdownCases(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Block
	}{
		{
			name: "front matter",
			src:  "---\ntitle: T\nlayout: x\n---\n\n* Q one?\n",
			want: []Block{
				{Kind: Paragraph, Line: 1, Text: "title: T\nlayout: x", Context: []string{"front-matter"}},
				{Kind: ListItem, Line: 6, Depth: 1, Text: "Q one?"},
			},
		},
		{
			name: "rule then prose is not front matter",
			src:  "---\nJust text\n---\n",
			want: []Block{
				{Kind: Rule, Line: 1},
				{Kind: Heading, Line: 2, Depth: 2, Text: "Just text"},
			},
		},
		{
			name: "bold list items, nested answer, code",
			src:  "1. **What is X?**\n   - X is Y.\n   ```Python\n   x = 1\n   ```\n2. **Why?** 👶\n",
			want: []Block{
				{Kind: ListItem, Line: 1, Depth: 1, Number: 1, Text: "What is X?", Strong: true},
				{Kind: ListItem, Line: 2, Depth: 2, Text: "X is Y."},
				{Kind: Code, Line: 3, Depth: 1, Text: "x = 1", Lang: "python"},
				{Kind: ListItem, Line: 6, Depth: 1, Number: 2, Text: "Why? 👶", Strong: true},
			},
		},
		{
			name: "bold number inside and outside",
			src:  "**1. What is X?**\n\n### 1\\. **Challenge: Y**\n\n**Note:** not a question\n",
			want: []Block{
				{Kind: Paragraph, Line: 1, Text: "1. What is X?", Strong: true},
				{Kind: Heading, Line: 3, Depth: 3, Text: "1. Challenge: Y", Strong: true},
				{Kind: Paragraph, Line: 5, Text: "Note: not a question"},
			},
		},
		{
			name: "bold line cut from its answer",
			src:  "**2. How does X work?**  \nX works by magic\nand more.\n",
			want: []Block{
				{Kind: Paragraph, Line: 1, Text: "2. How does X work?", Strong: true},
				{Kind: Paragraph, Line: 2, Text: "X works by magic and more."},
			},
		},
		{
			name: "heading in a list item keeps the number",
			src:  "12. ### What is React?\n\n    React is a library.\n\n    ```jsx harmony\n    <A/>\n    ```\n",
			want: []Block{
				{Kind: Heading, Line: 1, Depth: 3, Number: 12, Text: "What is React?"},
				{Kind: Paragraph, Line: 3, Depth: 1, Text: "React is a library."},
				{Kind: Code, Line: 5, Depth: 1, Text: "<A/>", Lang: "jsx"},
			},
		},
		{
			name: "written numbers kept when they go up, counted when they repeat",
			src:  "1. a\n3. b\n1. c\n",
			want: []Block{
				{Kind: ListItem, Line: 1, Depth: 1, Number: 1, Text: "a"},
				{Kind: ListItem, Line: 2, Depth: 1, Number: 3, Text: "b"},
				{Kind: ListItem, Line: 3, Depth: 1, Number: 4, Text: "c"},
			},
		},
		{
			name: "details across raw HTML blocks",
			src:  "###### 1. Out?\n\n<details><summary><b>Answer</b></summary>\n<p>\n\n#### Answer: D\n\nBecause.\n\n</p>\n</details>\n\n---\n",
			want: []Block{
				{Kind: Heading, Line: 1, Depth: 6, Text: "1. Out?"},
				{Kind: Summary, Line: 3, Text: "Answer", Strong: true, Context: []string{"html", "details", "summary"}},
				{Kind: Heading, Line: 6, Depth: 4, Text: "Answer: D", Context: []string{"details"}},
				{Kind: Paragraph, Line: 8, Text: "Because.", Context: []string{"details"}},
				{Kind: Rule, Line: 13},
			},
		},
		{
			name: "inline code, links, anchors, entities",
			src:  "Use `a  b` &amp; [docs](https://x.io) or [top](#top) &copy; <https://y.io>\n",
			want: []Block{
				{Kind: Paragraph, Line: 1, Text: "Use `a b` & docs or top © https://y.io",
					Links: 3, LinkChars: 4 + 3 + 12, AnchorLinks: 1},
			},
		},
		{
			name: "TOC table and anchor line",
			src:  "| N | Q |\n|---|---|\n| 1 | [What?](#q1) |\n\n<a id=\"q1\"></a>\n### 1. What?\n",
			want: []Block{
				{Kind: Table, Line: 1, Text: "N | Q\n1 | What?", Rows: [][]string{{"N", "Q"}, {"1", "What?"}},
					Links: 1, LinkChars: 5, AnchorLinks: 1},
				{Kind: Heading, Line: 6, Depth: 3, Text: "1. What?"},
			},
		},
		{
			name: "raw HTML: image link, br separator, comment",
			src:  "<p align=\"center\">\n<a href=\"https://ads.example\"><img src=\"x.png\" alt=\"Sponsor\"></a>\n</p>\n\n<br/>\n\n<!-- hidden -->\n",
			want: []Block{
				{Kind: Paragraph, Line: 1, Text: "Sponsor", Links: 1, Context: []string{"html", "p", "img"}},
			},
		},
		{
			name: "MDX import and JSX components",
			src:  "import Tabs from '@theme/Tabs';\n\n<Tabs>\n  <TabItem value=\"a\">Hello</TabItem>\n</Tabs>\n\n<Note>Remember</Note>\n",
			want: []Block{
				{Kind: Paragraph, Line: 1, Text: "import Tabs from '@theme/Tabs';", Context: []string{"jsx"}},
				{Kind: Paragraph, Line: 3, Text: "Hello", Context: []string{"jsx"}},
				{Kind: Paragraph, Line: 7, Text: "Remember", Context: []string{"jsx"}},
			},
		},
		{
			name: "answers indented eight spaces",
			src:  "#### \"Explain X.\"\n        * **A:** one two three four five six.\n            * **B:** nested.\n",
			want: []Block{
				{Kind: Heading, Line: 1, Depth: 4, Text: "\"Explain X.\""},
				{Kind: ListItem, Line: 2, Depth: 1, Text: "A: one two three four five six."},
				{Kind: ListItem, Line: 3, Depth: 2, Text: "B: nested."},
			},
		},
		{
			name: "real indented code stays code",
			src:  "Text:\n\n    func main() {}\n",
			want: []Block{
				{Kind: Paragraph, Line: 1, Text: "Text:"},
				{Kind: Code, Line: 3, Text: "func main() {}"},
			},
		},
		{
			name: "quote with alert",
			src:  "> [!NOTE]\n> Read **this**.\n>\n> Second.\n",
			want: []Block{
				{Kind: Quote, Line: 1, Text: "[!NOTE] Read this.\nSecond."},
			},
		},
		{
			name: "CRLF, BOM and invalid UTF-8",
			src:  "\xef\xbb\xbf# Title\r\n\r\nbad \xff byte\r\n\r\n```go\r\nx\r\n```\r\n",
			want: []Block{
				{Kind: Heading, Line: 1, Depth: 1, Text: "Title"},
				{Kind: Paragraph, Line: 3, Text: "bad \uFFFD byte"},
				{Kind: Code, Line: 5, Text: "x", Lang: "go"},
			},
		},
		{
			name: "strikethrough title",
			src:  "# **~~INTERVIEW QUESTIONS~~**\n",
			want: []Block{
				{Kind: Heading, Line: 1, Depth: 1, Text: "INTERVIEW QUESTIONS", Strong: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Markdown([]byte(tt.src))
			if err != nil {
				t.Fatalf("Markdown(%q): %v", tt.src, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Markdown(%q) =%s\nwant%s", tt.src, blocksString(got), blocksString(tt.want))
			}
		})
	}
}
