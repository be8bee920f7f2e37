package query

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps the package graph one-way (STYLE.md 1): the search API
// knows nothing of the CLI or its styling.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"github.com/spf13/cobra", "github.com/charmbracelet/", "github.com/iq-search/iq/cmd/", "github.com/iq-search/iq/pipeline"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("package query depends on %s", dep)
			}
		}
	}
}
