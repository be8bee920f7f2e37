package ingest

// Reason says why ingest skipped a file or dropped a block. Drops are data:
// every removal is recorded with its reason, file and line.
type Reason string

// Reasons for skipping a whole file.
const (
	SkipUnreadable Reason = "unreadable"   // the path could not be opened or read
	SkipBinary     Reason = "binary"       // NUL bytes or mostly non-text
	SkipInvalidUTF Reason = "invalid-utf8" // not UTF-8 and not repairable
	SkipEmpty      Reason = "empty"        // no bytes, or only white space
	SkipTooLarge   Reason = "too-large"    // over Options.MaxFileSize
	SkipParse      Reason = "parse-error"  // the parser failed
	SkipSchema     Reason = "bad-schema"   // a CSV records file whose header is not iq's record schema
	SkipNoQuestion Reason = "no-questions" // read fine, held no question
)

// Reasons for dropping a block inside a file.
const (
	DropAd            Reason = "ad"             // promotion, referral, sponsor, ad container
	DropNavigation    Reason = "navigation"     // site chrome: menus, prev/next, footer, comments, share, cookie banner
	DropTOC           Reason = "toc"            // table of contents made of anchor links
	DropFrontMatter   Reason = "front-matter"   // YAML/TOML front matter
	DropComponent     Reason = "component"      // MDX/JSX component or script/style
	DropPreamble      Reason = "preamble"       // prose outside any question (intros, legends)
	DropEmpty         Reason = "empty"          // a question with no text
	DropDuplicate     Reason = "duplicate"      // an exact repeat of a question, merged into its record
	DropInvalidRecord Reason = "invalid-record" // a line of a records file (JSON lines, CSV) that is not a record
)

// Skip is a file that ingest could not use.
type Skip struct {
	File   string `json:"file"`
	Reason Reason `json:"reason"`
	Detail string `json:"detail"`
}

// Drop is a block that ingest removed.
type Drop struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason Reason `json:"reason"`
	// Text is the start of the removed block, for review.
	Text string `json:"text"`
	// Asks is set when the removed block read as a question or a prompt:
	// the losses worth a look ("navigation" that was a question, a "?"
	// left outside any question unit).
	Asks bool `json:"asks,omitempty"`
}

// Fate says what ingest made of one block of a file and by which rule, for
// `iq ingest --explain FILE:LINE` (Options.Explain).
type Fate struct {
	File string `json:"file"`
	Line int    `json:"line"`
	// Kind is the block's kind ("heading", "list-item"…); empty for a
	// block the noise stage removed.
	Kind string `json:"kind,omitempty"`
	Text string `json:"text"`
	// What became of it: FateQuestion, FateAnswer, FateContext, FateUnused
	// (kept but in no question; reported as preamble) or FateDropped.
	What string `json:"what"`
	// Reason is the drop reason of a dropped or unused block.
	Reason Reason `json:"reason,omitempty"`
	// Rule is the rule that decided.
	Rule string `json:"rule,omitempty"`
	// Question is the record question the block is, belongs to or gives
	// context to, and QuestionLine where that question stands.
	Question     string `json:"question,omitempty"`
	QuestionLine int    `json:"question_line,omitempty"`
}

// What a block became (Fate.What).
const (
	FateQuestion = "question"
	FateAnswer   = "answer"
	FateContext  = "context"
	FateUnused   = "unused"
	FateDropped  = "dropped"
)

// Warning is something ingest did that is probably its own mistake, such
// as removing a page's whole content as navigation: the page is worth a
// bug report, and the summary says so.
type Warning struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Report says what an ingest run read, skipped, dropped and merged.
type Report struct {
	FilesRead int       `json:"files_read"`
	Records   int       `json:"records"`
	Merged    int       `json:"merged"`
	Skipped   []Skip    `json:"skipped"`
	Dropped   []Drop    `json:"dropped"`
	Warnings  []Warning `json:"warnings"`
	// Fates holds what became of every block, only when Options.Explain
	// asked for it.
	Fates []Fate `json:"fates,omitempty"`
}
