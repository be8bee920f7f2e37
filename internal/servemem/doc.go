// Package servemem bounds what `iq serve` holds in memory: runtime knobs
// of the server process, set by cmd/iq (and by the benchmarks, which
// measure the server as it runs), not by the libraries it calls (issue
// 15).
//
// Files:
//   - servemem.go: Apply (the fast ranker's postings budget, a soft heap
//     limit above what is live once the duplicate detector is loaded,
//     the index's mapped pages released past a budget) and
//     ResidentFileBytes.
package servemem
