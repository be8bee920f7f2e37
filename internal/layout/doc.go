// Package layout holds no code, only the test that keeps iq's package graph
// the one drawn in ../shared/DESIGN.md and STYLE.md 1: each stage imports
// only the stages below it, nothing imports cmd, only cmd imports cobra and
// lipgloss, and Bleve is imported only under index/. It reads the graph
// with `go list`, so a new import that breaks the layout fails
// `go test ./...` with the edge named.
//
// Files:
//   - layout_test.go: the allowed edges per stage, the known exceptions
//     (each with the issue or helper that removes it), and the test.
package layout
