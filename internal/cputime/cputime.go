// Package cputime reads the CPU time the process has used, so benchmarks on
// a machine shared with other work can report cost per CPU second beside
// wall-clock figures. It is for tests and benchmarks.
//
// Files: unix.go (Used, from getrusage), other.go (Used off Unix: 0).
package cputime
