// Command iq searches interview questions: it ingests raw text, HTML and
// Markdown into question records, indexes them with Bleve, and answers
// keyword searches, duplicate lookups and level/topic facets from the
// command line and (through package httpapi) over HTTP. With no sources it works on
// the corpus embedded in the binary, building its index on first use.
//
// The commands only bind flags and print: every search, duplicate lookup
// and parse of user input goes through package query, which the HTTP
// handlers share, so `iq search --json` and GET /api/search print the same
// bytes.
//
// Files:
//   - main.go, root.go: entry point, the root command, error rendering and
//     exit codes (usage 2, no match and other errors 1, interrupted 130).
//   - ingest.go: iq ingest (records as JSON lines, the removal report).
//   - write.go: what ingest and the exports write: JSON lines, and files
//     written whole or not at all (a temporary file renamed into place).
//   - index.go: iq index (through package pipeline: build, refresh,
//     --watch, --check, --repair), and the index opening and progress bar
//     shared by the searching commands.
//   - version.go: iq --version, from the build information.
//   - search.go, show.go, stats.go: iq search, iq show, iq stats.
//   - dups.go, dupseval.go, dupsexport.go, similar.go: iq dups, iq dups
//     eval, iq dups export (the bank with each cluster merged), iq similar.
//   - quiz.go, export.go: iq quiz (one question at a time, progress in
//     package study) and iq export (csv, anki, md, jsonl).
//   - complete.go: shell completion of flag values from the index.
//   - output.go, styles.go: the one choice of output mode (terminal, pipe,
//     JSON) and every lipgloss style.
//   - visible.go: control characters and escape sequences of the data
//     shown as text (^[) in every output but JSON.
//   - knobs.go: the process's runtime settings, made here and not in
//     the libraries: the garbage collector's target and the index files'
//     mapped pages released every two seconds while building, and
//     $IQ_INDEX (read by addIndexFlag in index.go).
//   - serve.go: iq serve, which opens the index and hands it to package
//     httpapi (the server, its limits and logs, the embedded page), with
//     pipeline.Follow's searchers over each new version of the index,
//     and internal/servemem's bounds on what the server holds in memory
//     (postings budget, soft heap limit, mapped pages released).
package main
