// Package corpus holds iq's default raw sources, embedded in the binary so
// that a fresh clone can search with no set-up. It imports nothing of iq's.
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
package corpus

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sort"
)

//go:embed *.txt *.md
var files embed.FS

// FS returns the embedded corpus as a read-only file system rooted at the
// corpus folder.
func FS() fs.FS { return files }

// Fingerprint returns a hex SHA-256 over the names and contents of the
// embedded files, so an index built from another corpus can be detected.
func Fingerprint() string {
	h := sha256.New()
	names, _ := fs.Glob(files, "*")
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
