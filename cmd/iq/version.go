package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version describes this build of iq for `iq --version`: the module
// version (a tag or pseudo-version under `go install`, "(devel)" for a
// build from a checkout), the VCS revision and time when the build
// recorded them, and the Go version.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "iq (no build information)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	var extra []string
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if modified {
			rev += "+modified"
		}
		extra = append(extra, "revision "+rev)
	}
	if at != "" {
		extra = append(extra, at)
	}
	extra = append(extra, bi.GoVersion)
	return fmt.Sprintf("iq %s (%s)", v, strings.Join(extra, ", "))
}
