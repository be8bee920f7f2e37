// Package study is what iq quiz remembers between runs: a Leitner box per
// question, kept in a small JSON file under the user's state directory, and
// the choice of the next questions, which favours the ones missed.
//
// Leitner's rule: a question answered right moves up a box, one missed
// goes back to the first; the lower its box, the more often it comes back.
// Here "more often" is a weight in a weighted draw without replacement
// (Efraimidis and Spirakis), so a run still mixes boxes and new
// questions, and the same seed draws the same questions.
//
// Files: study.go (Progress, Card, Answer, Pick), file.go (DefaultPath,
// Load, Save).
package study

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// MaxBox is the last Leitner box: a question known MaxBox-1 times in a row.
const MaxBox = 5

// Progress holds a card per question asked, by question id.
type Progress struct {
	Version int              `json:"version"`
	Cards   map[string]*Card `json:"cards"`
}

// Card is one question's record: its box, how often it was asked and known,
// and when it was last asked.
type Card struct {
	Box  int       `json:"box"`
	Seen int       `json:"seen"`
	Knew int       `json:"knew"`
	Last time.Time `json:"last"`
}

// New returns empty progress.
func New() *Progress { return &Progress{Version: 1, Cards: map[string]*Card{}} }

// Answer records whether the question id was known: up a box (to MaxBox)
// when it was, back to box 1 when not.
func (p *Progress) Answer(id string, knew bool, now time.Time) {
	c := p.Cards[id]
	if c == nil {
		c = &Card{}
		p.Cards[id] = c
	}
	c.Seen++
	c.Last = now.UTC()
	if knew {
		c.Knew++
		c.Box = min(MaxBox, max(1, c.Box)+1)
	} else {
		c.Box = 1
	}
}

// weight is how likely a question is to be drawn: 16 in box 1 (missed
// last time), halving with each box up to 1 in MaxBox; a question never
// asked weighs as box 2, so that missed ones come first and new ones
// before known ones.
func (p *Progress) weight(id string) float64 {
	box := 2
	if c := p.Cards[id]; c != nil && c.Box >= 1 {
		box = c.Box
	}
	return math.Exp2(float64(MaxBox - box))
}

// Pick draws up to n of ids, without repeats, weighted by their boxes,
// with rng (the same seed, ids and progress draw the same questions).
func (p *Progress) Pick(ids []string, n int, rng *rand.Rand) []string {
	type keyed struct {
		id  string
		key float64
	}
	ks := make([]keyed, len(ids))
	for i, id := range ids {
		// Efraimidis–Spirakis: the n largest u^(1/w) are a weighted
		// sample without replacement; log(u)/w orders the same way.
		ks[i] = keyed{id, math.Log(1-rng.Float64()) / p.weight(id)}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return cmp.Compare(b.key, a.key) })
	out := make([]string, 0, min(n, len(ks)))
	for _, k := range ks[:min(n, len(ks))] {
		out = append(out, k.id)
	}
	return out
}
