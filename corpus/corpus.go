// Package corpus holds iq's default raw sources, embedded in the binary so
// that a fresh clone can search with no set-up: three seed documents and
// five collections of interview questions whose licences allow it, with
// their notices. It imports nothing of iq's.
//
// Files:
//   - fastapi-24-questions-blog.txt: text flattened from a blog post with
//     24 numbered FastAPI questions, "How to answer" and "Example Answer"
//     parts, and page chrome at the end.
//   - fastapi-best-practices-qa-page.txt: text flattened from a Q&A page: one
//     question with a table and a code layout, referral ads, and a run-on
//     "More Related questions" list.
//   - fastapi-questions-by-level.md: Markdown with Beginner / Mid-Level /
//     Senior-Level sections of numbered bold questions.
//   - collections/<owner>__<repo>/: the files of five public question banks
//     (data science, front-end, JavaScript, React, FastAPI), unmodified,
//     as copied into ../shared/corpora.
//   - collections.tsv: each collection's repository, commit, licence,
//     copyright holder and what it holds (Collections).
//   - licenses/: each collection's licence and a notice (README.md).
package corpus

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sort"
	"strings"
	"testing/fstest"
)

//go:embed *.txt *.md collections
var files embed.FS

//go:embed collections.tsv
var manifest string

//go:embed licenses
var licenses embed.FS

// FS returns the embedded corpus as a read-only file system rooted at the
// corpus folder: the seed documents at its root and the collections under
// collections/.
func FS() fs.FS { return files }

// Seeds returns the three seed documents alone: the fixtures of tests that
// check ingest, ranking and the CLI against known questions, whatever the
// collections hold.
func Seeds() fs.FS {
	seeds := fstest.MapFS{}
	names, _ := fs.Glob(files, "*.*")
	for _, n := range names {
		if b, err := files.ReadFile(n); err == nil {
			seeds[n] = &fstest.MapFile{Data: b, Mode: 0o444}
		}
	}
	return seeds
}

// Licenses returns the collections' licences and their notice (README.md).
func Licenses() fs.FS {
	sub, _ := fs.Sub(licenses, "licenses")
	return sub
}

// Collection is one embedded question bank.
type Collection struct {
	// Name is its folder under collections/.
	Name      string
	Repo      string // owner/name on GitHub
	Commit    string
	License   string // SPDX identifier
	Copyright string
	// Holds says what it is about.
	Holds string
}

// Collections lists the embedded collections, as collections.tsv does.
func Collections() []Collection {
	var cs []Collection
	for i, line := range strings.Split(strings.TrimSpace(manifest), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) != 6 {
			continue
		}
		cs = append(cs, Collection{Name: f[0], Repo: f[1], Commit: f[2], License: f[3], Copyright: f[4], Holds: f[5]})
	}
	return cs
}

// Fingerprint returns a hex SHA-256 over the names and contents of the
// embedded files, so an index built from another corpus can be detected.
func Fingerprint() string {
	h := sha256.New()
	var names []string
	fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			continue
		}
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
