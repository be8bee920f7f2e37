package parse

// Kind is the kind of a Block.
type Kind int

// Block kinds.
const (
	Heading   Kind = iota + 1 // Depth is the heading level 1-6
	Paragraph                 // a run of prose
	ListItem                  // Depth is the nesting (1 = top), Number the item number (0 = bullet)
	Code                      // Lang is the info string; Text is verbatim
	Table                     // Rows holds the cells; Text is the cells joined by " | " per row
	Summary                   // the <summary> of a <details>; the details' content follows as blocks
	Quote                     // a block quote (its text)
	Rule                      // a thematic break (---, <hr>)
)

func (k Kind) String() string {
	switch k {
	case Heading:
		return "heading"
	case Paragraph:
		return "paragraph"
	case ListItem:
		return "list-item"
	case Code:
		return "code"
	case Table:
		return "table"
	case Summary:
		return "summary"
	case Quote:
		return "quote"
	case Rule:
		return "rule"
	}
	return "unknown"
}

// Block is one structural unit of a document.
type Block struct {
	Kind Kind
	// Line is the 1-based line in the source file where the block starts.
	Line int
	// Depth: heading level for headings, nesting depth for list items.
	// Other blocks inside a list item (its later paragraphs, code, tables)
	// carry the item's nesting depth; 0 outside lists.
	Depth int
	// Number: the ordinal of a numbered list item, else 0. A heading that
	// opens a numbered list item ("1.  ### What is React?") carries the
	// item's number too.
	Number int
	// Text is the block's plain text: inline markup removed, inline code
	// kept with its backticks, white space folded (verbatim for Code).
	Text string
	// Lang is a code block's language.
	Lang string
	// Rows holds a table's cells, header row first.
	Rows [][]string
	// Strong is true when the whole text is bold/strong in the source
	// (Markdown "**Q?**", HTML <b>/<strong>), a common question marker.
	Strong bool
	// LinkChars is how many characters of Text are link text, and Links how
	// many links there are: a block made mostly of links is a menu or a TOC.
	LinkChars, Links int
	// AnchorLinks counts links to "#fragment" targets in the same document.
	AnchorLinks int
	// Context holds structural signals from the source that the noise
	// filter reads: for HTML the tags, ids and classes of the ancestors and
	// the element itself, outermost first, lower-cased ("nav", "footer",
	// "aside", "ins.adsbygoogle", "div#sidebar"); for Markdown
	// "front-matter", "html" (a raw HTML block, followed by its own tag
	// signals), "jsx", or "details" (inside a raw <details>). Markers the
	// parser adds: "ad" (an ad container, one block each, Text possibly
	// empty) and "img" (a block made only of images, Text their alt text).
	// Blocks may share one Context slice: do not modify it in place.
	//
	// Inside the page's main content region (see Outside), Context starts
	// at the region's element: the layout around the content ("div.page-
	// with-sidebar", "div#book-search-results") says nothing about it.
	Context []string
	// Outside is set on an HTML block that lies outside the page's main
	// content region, which the parser finds by text and link density
	// (the readability approach): sidebars, menus, headers and footers of
	// a page that has one clear content element. It is never set when no
	// element holds nearly all of the page's prose.
	Outside bool
	// Task is the check box of a task-list item ("- [ ] option", "- [x]
	// option"): the ticked option of a multiple-choice question.
	Task TaskState
	// Role is a question/answer role given by the markup itself ("question",
	// "answer"), as in <p class="article-question"> or a toggle's <label>;
	// empty when the markup says nothing.
	Role string
}

// TaskState is the check box of a task-list item.
type TaskState uint8

// Task-list check boxes.
const (
	TaskNone TaskState = iota // not a task-list item
	TaskOpen                  // "- [ ] …"
	TaskDone                  // "- [x] …"
)
