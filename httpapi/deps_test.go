package httpapi

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps the package graph one-way (STYLE.md 1): the server
// depends on nothing of the CLI or its styling, and reaches the engine
// only through query (it imports neither Bleve nor index).
func TestImports(t *testing.T) {
	deps, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(deps)) {
		for _, banned := range []string{"github.com/spf13/", "github.com/charmbracelet/", "github.com/iq-search/iq/cmd/"} {
			if strings.HasPrefix(dep, banned) {
				t.Errorf("package httpapi depends on %s", dep)
			}
		}
	}
	imports, err := exec.Command("go", "list", "-f", `{{join .Imports " "}}`, ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, imp := range strings.Fields(string(imports)) {
		for _, banned := range []string{"github.com/blevesearch/", "github.com/iq-search/iq/index"} {
			if strings.HasPrefix(imp, banned) {
				t.Errorf("package httpapi imports %s; want it to go through query", imp)
			}
		}
	}
}
