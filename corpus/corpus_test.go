package corpus

import (
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
)

// Every embedded collection is listed with a permissive licence, ships
// that licence beside it and is named in the notice; nothing else is
// embedded beside the seeds.
func TestCollectionsCarryTheirLicences(t *testing.T) {
	cs := Collections()
	if len(cs) != 5 {
		t.Fatalf("Collections() = %d; want the 5 of collections.tsv", len(cs))
	}
	notice, err := fs.ReadFile(Licenses(), "README.md")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
		if c.License != "MIT" && c.License != "CC-BY-4.0" {
			t.Errorf("%s: licence %q; want MIT or CC-BY-4.0", c.Name, c.License)
		}
		if c.Repo == "" || len(c.Commit) != 40 || c.Copyright == "" || c.Holds == "" || c.Name != strings.ReplaceAll(c.Repo, "/", "__") {
			t.Errorf("collection %+v: want name, repo, commit, copyright and what it holds", c)
		}
		lic, _ := fs.Glob(Licenses(), c.Name+"/LICENSE*")
		if len(lic) != 1 {
			t.Errorf("%s: licence files %q; want one", c.Name, lic)
			continue
		}
		text, _ := fs.ReadFile(Licenses(), lic[0])
		want := map[string]string{"MIT": "MIT License", "CC-BY-4.0": "Attribution 4.0 International"}[c.License]
		if !strings.Contains(string(text), want) {
			t.Errorf("%s: %s does not read as %s", c.Name, lic[0], c.License)
		}
		if !strings.Contains(string(notice), c.Repo) || !strings.Contains(string(notice), c.Commit) {
			t.Errorf("the notice does not name %s at %s", c.Repo, c.Commit)
		}
		if files, _ := fs.Glob(FS(), path.Join("collections", c.Name, "*")); len(files) == 0 {
			t.Errorf("%s: no files under collections/", c.Name)
		}
	}
	dirs, _ := fs.ReadDir(FS(), "collections")
	for _, d := range dirs {
		if !slices.Contains(names, d.Name()) {
			t.Errorf("collections/%s is embedded but not listed with a licence", d.Name())
		}
	}
	seeds, _ := fs.Glob(Seeds(), "*")
	if len(seeds) != 3 {
		t.Errorf("Seeds() = %q; want the 3 seed documents", seeds)
	}
}
