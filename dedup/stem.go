package dedup

import (
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/porter"
)

// stem reduces an English word to its Porter stem (M. F. Porter, "An
// algorithm for suffix stripping", 1980), so that "implementing",
// "implementation" and "implements" meet. The algorithm is snowballstem's
// generated Porter stemmer (a standalone module, not Bleve). Words of one
// or two letters, and words with anything but ASCII lower-case letters,
// are returned unchanged.
func stem(w string) string {
	if len(w) <= 2 {
		return w
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return w
		}
	}
	if x, ok := stemExceptions[w]; ok {
		return x
	}
	env := snowballstem.NewEnv(w)
	porter.Stem(env)
	return env.Current()
}

// stemExceptions undo Porter's worst overstemming for interview words:
// "generics", "general" and "generator" all become "gener".
var stemExceptions = map[string]string{
	"generic": "generic", "generics": "generic", "general": "general", "generally": "general",
	"generator": "generator", "generators": "generator",
	"generation": "generat", "generate": "generat", "generated": "generat", "generates": "generat", "generating": "generat",
}
