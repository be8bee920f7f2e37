package study_test

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/iq-search/iq/study"
)

// A question known moves up a box, one missed goes back to the first; a
// draw favours the missed one, then the new ones, and the same seed draws
// the same questions.
func ExampleProgress_Pick() {
	p := study.New()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p.Answer("closure", true, now)
	p.Answer("closure", true, now)
	p.Answer("hoisting", false, now)
	fmt.Println("closure in box", p.Cards["closure"].Box, "hoisting in box", p.Cards["hoisting"].Box)

	ids := []string{"closure", "hoisting", "promise", "event-loop"}
	first := p.Pick(ids, 2, rand.New(rand.NewPCG(42, 0)))
	again := p.Pick(ids, 2, rand.New(rand.NewPCG(42, 0)))
	fmt.Println(first, again)

	// Over 1,000 draws of one question, weights 16 (box 1), 8 (never
	// asked, as box 2) and 4 (box 3) show.
	firsts := map[string]int{}
	for seed := range 1000 {
		firsts[p.Pick(ids, 1, rand.New(rand.NewPCG(uint64(seed), 0)))[0]]++
	}
	for _, id := range ids {
		fmt.Println(id, firsts[id])
	}
	// Output:
	// closure in box 3 hoisting in box 1
	// [promise event-loop] [promise event-loop]
	// closure 104
	// hoisting 453
	// promise 199
	// event-loop 244
}
