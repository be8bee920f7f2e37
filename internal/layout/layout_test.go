package layout

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/iq-search/iq/"

// allowed lists, per stage, the stages its non-test code may import
// (DESIGN.md, "Imports run one way"). A stage is a top-level directory with
// its subdirectories (ingest/parse is ingest), except the packages named
// here with a slash: index/expr is the leaf that query and index share,
// internal/regular the leaf that reads a file a user names without
// blocking on a named pipe.
// "*" allows every stage but cmd.
var allowed = map[string][]string{
	"record":           {},
	"corpus":           {},
	"internal/regular": {},
	"ingest":           {"record", "internal/regular"},
	"dedup":            {"record"},
	"index/expr":       {},
	"index":            {"record", "index/expr"},
	"query":            {"index", "index/expr", "dedup", "record"},
	"pipeline":         {"ingest", "dedup", "index", "index/expr", "query", "corpus", "record", "internal/regular"},
	"httpapi":          {"query", "record"},
	"study":            {"internal/regular"},
	"cmd":              {"*"},
	"internal":         {"*"},
	"bench":            {"*"},
}

// knownExceptions are edges the target layout does not allow and the code
// still has. Each must go; the test fails when one is no longer needed, so
// the list cannot go stale.
var knownExceptions = map[[2]string]string{}

// bleveExceptions are the stages outside index/ that still import Bleve,
// with the reason; the test fails when one no longer does.
var bleveExceptions = map[string]string{}

// blevePrefixes are the modules of Bleve's engine. The stemmer module
// github.com/blevesearch/snowballstem is a plain library and not among
// them.
var blevePrefixes = []string{
	"github.com/blevesearch/bleve/",
	"github.com/blevesearch/bleve_index_api",
	"github.com/blevesearch/scorch_segment_api/",
	"github.com/blevesearch/upsidedown_store_api",
	"github.com/blevesearch/vellum",
	"github.com/blevesearch/zapx/",
}

type pkg struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// packages lists the module's packages with their direct imports.
func packages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", module+"...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Skipf("go list: %v", err) // no go command: nothing to check with
	}
	var ps []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if len(ps) < 5 {
		t.Fatalf("go list found %d packages; want the module's", len(ps))
	}
	return ps
}

// stage returns the stage of a package path relative to the module.
func stage(rel string) string {
	for s := range allowed {
		if strings.Contains(s, "/") && (rel == s || strings.HasPrefix(rel, s+"/")) {
			return s
		}
	}
	first, _, _ := strings.Cut(rel, "/")
	return first
}

func TestLayout(t *testing.T) {
	used := map[[2]string]bool{}
	usedBleve := map[string]bool{}
	for _, p := range packages(t) {
		rel := strings.TrimPrefix(p.ImportPath, module)
		from := stage(rel)
		rules, ok := allowed[from]
		if !ok {
			t.Errorf("package %s is in no stage of the layout; add %q to allowed in internal/layout with the stages it may import", rel, from)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			to := stage(strings.TrimPrefix(imp, module))
			if to == from {
				continue
			}
			switch {
			case to == "cmd":
				t.Errorf("%s imports %s: nothing imports cmd", rel, imp)
			case slices.Contains(rules, "*") || slices.Contains(rules, to):
			case knownExceptions[[2]string{from, to}] != "":
				used[[2]string{from, to}] = true
			default:
				t.Errorf("%s imports %s: stage %s may import only %v (DESIGN.md)", rel, strings.TrimPrefix(imp, module), from, rules)
			}
		}
		for _, imp := range p.Imports {
			if from != "cmd" && (strings.HasPrefix(imp, "github.com/spf13/cobra") || strings.HasPrefix(imp, "github.com/charmbracelet/")) {
				t.Errorf("%s imports %s: only cmd knows the CLI and its styles (STYLE.md 1)", rel, imp)
			}
		}
		// Tests may import more (fixtures from corpus and ingest), but
		// never cmd, and Bleve only under index/.
		for _, imp := range slices.Concat(p.Imports, p.TestImports, p.XTestImports) {
			if strings.HasPrefix(imp, module+"cmd/") && from != "cmd" {
				t.Errorf("%s (or its tests) imports %s: nothing imports cmd", rel, imp)
			}
			switch {
			case from == "index" || !isBleve(imp):
			case bleveExceptions[from] != "":
				usedBleve[from] = true
			default:
				t.Errorf("%s (or its tests) imports %s: Bleve is imported only under index/", rel, imp)
			}
		}
	}
	for e, why := range knownExceptions {
		if !used[e] {
			t.Errorf("known exception %s → %s (%s) is no longer needed: delete it from knownExceptions", e[0], e[1], why)
		}
	}
	for s, why := range bleveExceptions {
		if !usedBleve[s] {
			t.Errorf("Bleve exception for %s (%s) is no longer needed: delete it from bleveExceptions", s, why)
		}
	}
}

func isBleve(imp string) bool {
	for _, p := range blevePrefixes {
		if strings.HasPrefix(imp, p) {
			return true
		}
	}
	return false
}
