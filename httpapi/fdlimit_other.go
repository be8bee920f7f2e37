//go:build !unix

package httpapi

// fdLimit is unknown off Unix: 0, and the connection limit is the default.
func fdLimit() int { return 0 }
