// Package ingest turns raw interview material — plain text, HTML and
// Markdown — into clean question records: one Record per question with its
// answers, level, topics, tags and every place it was found, plus a Report
// of everything skipped or removed and why (issue 2).
//
// A run reads files, web pages or standard input (Paths, FS, Bytes), parses each by format into the
// common block stream of package parse, strips noise block by block,
// segments the blocks into questions and answers, assigns level, topics and
// tags, and merges exact repeats across all files. The same input always
// gives byte-identical output: files are read in lexical order, processed
// in parallel, and merged in order.
//
// Files:
//   - report.go: Reason (skip and drop reasons), Skip, Drop, Warning,
//     Report.
//   - ingest.go: Options, Paths, FS, Bytes; walking, size limits, the
//     worker pool and the merge of exact repeats.
//   - format.go: the format registry (formats): each format's name,
//     file extensions, content types and its reader (a parser into blocks,
//     or a records decoder); ParseFormat and FormatNames.
//   - read.go: format detection (the registry's extensions confirmed by
//     sniffing, records files sniffed too), and the binary / empty /
//     invalid-UTF-8 checks with U+FFFD repair.
//   - fetch.go: web pages (http and https URLs) and standard input ("-")
//     as sources: timeouts, size cap, content type, bounded redirects, a
//     skip naming the URL for each failure.
//   - records.go: records files (JSON lines, CSV) in iq's record schema,
//     checked line by line and completed (ID, source, level, topics).
//   - text.go: the plain-text parser (line rules for text flattened from web
//     pages: bullets, numbered lines, glued tables, "# ..." code layouts).
//   - noise.go: noise stripping — ads and promotions, site chrome, tables of
//     contents, front matter, components — by general signals: blocks
//     outside a page's content region, layout entries that wrap most of the
//     prose (never navigation), list items mirroring a heading (TOC), and
//     the warning when a page's prose went as navigation.
//   - admonition.go: unrendered admonition syntax (!!! type "Title", ???
//     toggles, Docusaurus :::type) rewritten into title and content blocks.
//   - question.go: numbering, quotes, the clean question text.
//   - level.go: levels from every explicit marking — level headings and
//     series of them ("Junior Sysadmin", "Exercises: Level 2"), tags and
//     badges on a question, a table's level column, a difficulty line in
//     the item, a page's label or front matter, a file or folder name that
//     is a level — and which questions each applies to.
//   - asks.go: how a text reads (a question, a prompt, a task, a bare term)
//     in English, Russian, Ukrainian and Chinese; decorations and labels
//     that are not part of a question.
//   - forms.go: a document's question units: blocks grouped by form and
//     section, accepted by how their instances read and where they stand;
//     titles, lead-ins and numbering; the rule behind each decision.
//   - segment.go: splitting the blocks into questions and answers with the
//     section walker; what became of every block (fates, for --explain).
//   - finish.go: per-question rules that need the answer: titles whose
//     question is the paragraph below, context items over listed questions,
//     <summary> code, multiple-choice options.
//   - build.go: records from segments: answer text, code, labelled parts
//     ("How to answer:", "Example Answer:"), level, topics, tags; questions
//     taken from file-name slugs.
//   - lang.go: each record's language, from the script of its words and,
//     within a shared script, whatlanggo's detector once per document.
//   - trigram.go: whatlanggo's detector computed faster with the same
//     result (its own profiles, indexed once; FuzzDetectLang compares).
//   - taxonomy.go, taxonomy.json: the replaceable topic and tag taxonomy and
//     its word-boundary matcher. Its technology topics are those of
//     record.Technologies (TestTechnologyTopics keeps the two in step).
//   - wordfilter.go: a bit set in front of map look-ups of words that most
//     words fail (the taxonomy's first words, the ad vocabulary).
//   - leading.go: expressions anchored at a text's start that test its
//     first byte before running (labels, numbering, task headings).
//
// byhand_test.go checks the readers written by hand for speed against the
// regular expressions they stand for (fuzz targets that compare the two).
//
// cases_test.go runs the hand-made edge cases of testdata/cases/<name>
// ({input.html|md, want.json}: records, drops, warnings).
//
// labelled_test.go measures ingest on the gold questions of
// ../shared/labelled (recall, precision, exact text, levels, answer starts
// per source) and writes testdata/labelled.results.json: a change to
// segmentation shows its effect there, in review.
//
// hostile_test.go ingests 200 KB of each input of internal/hostile
// (Markdown, HTML, text, records built to cost parsers more than linear)
// under a generous bound, and BenchmarkHostile reports MB/s on them.
package ingest
