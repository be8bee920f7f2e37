// Package httpapi is iq's HTTP server: the search page at / and a
// read-only JSON API under /api/, over one query.Searcher. It is wiring
// only: every request is parsed by package query's parsers, answered by
// the searcher and encoded by query.WriteJSON, the encoder `iq search
// --json` uses, so CLI and API print the same bytes. It imports query and
// nothing of the CLI (no cobra, no lipgloss); cmd/iq's serve command only
// turns flags into Options and calls Run.
//
// Files:
//   - serve.go: Run, the http.Server and its timeouts, graceful
//     shutdown, the loopback host check's names.
//   - conns.go, fdlimit_*.go: the cap on open connections, in total and
//     per client address, that closes idle ones first.
//   - server.go: Server, its routes and handlers, the search slots, the
//     queue and each client's share of it, error answers, and the
//     middleware (access log, panic recovery, URL and Host guard,
//     security headers); Swap, which serves a refreshed index without a
//     restart (Options.Searchers).
//   - check.go, priority_*.go: the full check of the index's files that
//     runs while the server answers, at the lowest thread priority, and
//     the 503 index_damaged every request gets once it finds damage;
//     before it, the index's search sections preloaded (Options.Preload,
//     index.Index.PreloadSearch).
//   - web.go, web/: the embedded search page (search, question view, the
//     duplicates view of /api/dups), its script and style sheet.
//   - openapi.go, openapi.json: the OpenAPI 3.1 document of the API,
//     served at /api/openapi.json; openapi_test.go checks real answers
//     against it (kin-openapi).
package httpapi
