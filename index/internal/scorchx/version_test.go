package scorchx

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// checked are the module versions doc.go names as the ones this package
// was checked against. An upgrade fails here until someone has re-read
// what each file relies on and updated doc.go and this list.
var checked = map[string]string{
	"github.com/blevesearch/bleve/v2":              "v2.6.3",
	"github.com/blevesearch/zapx/v17":              "v17.2.5",
	"github.com/blevesearch/bleve_index_api":       "v1.4.1",
	"github.com/blevesearch/scorch_segment_api/v2": "v2.4.11",
}

func TestCheckedVersions(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to list the build's modules")
	}
	var paths []string
	for p := range checked {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	out, err := exec.Command("go", append([]string{"list", "-m", "-f", "{{.Path}} {{.Version}}"}, paths...)...).Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, version, _ := strings.Cut(line, " ")
		got[path] = version
	}
	for _, p := range paths {
		if got[p] != checked[p] {
			t.Errorf("%s is %q in the build; scorchx was checked against %s: re-read what each file of scorchx relies on (doc.go), run index's parity and versus tests and zapcheck_test.go, then update doc.go and this list", p, got[p], checked[p])
		}
	}
}
