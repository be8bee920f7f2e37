package dedup

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// explainMatch fills d's Shared, Synonyms and Reason from the tokens two
// questions share: the words a person reads, as the questions write them,
// never stems.
func explainMatch(d *Detail, fa, fb *features) {
	var bufA [32]qtok
	common := byPosition(sharedToks(bufA[:0], fa.toks, fb.toks))
	// A token both have is a word both write only when the other writes
	// that word somewhere; else it matched through a synonym or an
	// acronym's expansion ("What is the GIL?" / "What is an object's
	// lock?" share "lock", which only one of them writes).
	writes := func(f *features, w string) bool {
		return slices.ContainsFunc(f.raws, func(r string) bool { return sameWord(r, w) })
	}
	for _, t := range common {
		// Words of substance only: "difference" is how they ask.
		if !t.content || aspectOf[t.text] != 0 || slices.Contains(d.Shared, fa.raw(t)) || !writes(fb, fa.raw(t)) {
			continue
		}
		d.Shared = append(d.Shared, fa.raw(t))
	}
	for _, t := range common {
		u, _ := findHash(fb.toks, t.h)
		if sameWord(fa.raw(t), fb.raw(u)) || writes(fb, fa.raw(t)) {
			continue
		}
		syn := fa.raw(t) + " = " + fb.raw(u)
		if !slices.Contains(d.Synonyms, syn) {
			d.Synonyms = append(d.Synonyms, syn)
		}
	}
	var parts []string
	if len(d.Shared) > 0 {
		var q []string
		for _, w := range d.Shared {
			q = append(q, quote(w))
		}
		parts = append(parts, "both ask about "+strings.Join(q, ", "))
	}
	if len(d.Synonyms) > 0 {
		parts = append(parts, "same meaning: "+strings.Join(d.Synonyms, "; "))
	}
	if len(d.Covered) > 0 {
		var q []string
		for _, w := range d.Covered {
			q = append(q, quote(w))
		}
		parts = append(parts, "the other's answer speaks of "+strings.Join(q, ", "))
	}
	if len(d.Guards) > 0 {
		parts = append(parts, "but "+strings.Join(d.Guards, "; "))
	}
	if d.Reason == "" {
		d.Reason = strings.Join(parts, "; ")
	} else if len(parts) > 0 {
		d.Reason += "; " + strings.Join(parts, "; ")
	}
}

// sharedToks returns the tokens of a that b has too; both are sorted by
// hash.
func sharedToks(out, a, b []qtok) []qtok {
	j := 0
	for _, t := range a {
		for j < len(b) && b[j].h < t.h {
			j++
		}
		if j < len(b) && b[j].h == t.h {
			out = append(out, t)
		}
	}
	return out
}

func findHash(ts []qtok, h uint64) (qtok, bool) {
	i, ok := slices.BinarySearchFunc(ts, h, func(t qtok, h uint64) int { return cmp.Compare(t.h, h) })
	if !ok {
		return qtok{}, false
	}
	return ts[i], true
}

// byPosition returns ts in the order the question wrote them.
func byPosition(ts []qtok) []qtok {
	out := slices.Clone(ts)
	slices.SortStableFunc(out, func(a, b qtok) int { return cmp.Compare(a.pos, b.pos) })
	return out
}

// sameWord reports whether two written words are one word in two forms
// ("WebSockets", "websocket"; "customise", "customize").
func sameWord(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	na, nb := strings.ToLower(a), strings.ToLower(b)
	return stem(britishToAmerican(na)) == stem(britishToAmerican(nb))
}

// quote puts a word in typographic quotes for a reason.
func quote(w string) string { return fmt.Sprintf("“%s”", w) }

// aspectWords says what each aspect asks, for people.
var aspectWords = []string{"what it is", "how it works", "how to do it", "what it is for", "for a comparison",
	"for advantages", "for drawbacks", "for an example", "for kinds", "why", "how to choose",
	"how to avoid or fix it", "how to test it", "a yes-or-no question", "for its features or settings", "who made it or when", "how to do it"}

// words says what a set of aspects asks.
func (a aspect) words() string {
	var parts []string
	for i, w := range aspectWords {
		if a&(1<<i) != 0 {
			parts = append(parts, w)
		}
	}
	if len(parts) == 0 {
		return "nothing in particular"
	}
	return strings.Join(parts, " and ")
}
