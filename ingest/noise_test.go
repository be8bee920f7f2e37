package ingest

import (
	"strings"
	"testing"
)

// mirrorsSlow is dropMirrors' test as it was first written: the key of
// the text and of the text less each of its last three words.
func mirrorsSlow(t string, heads map[string]bool) bool {
	words := strings.Fields(t)
	if len(words) == 0 || len(words) > 80 {
		return false
	}
	for k := 0; k <= 3 && k < len(words); k++ {
		if heads[mirrorKey(strings.Join(words[:len(words)-k], " "))] {
			return true
		}
	}
	return false
}

var mirrorTitles = []string{
	"1. What is a closure?", "Q12: How does GC work", "## **Intro**", "7 - Go", "Go",
	"Что такое замыкание?", "闭包是什么", "12.", "Q1. 2. 3", "#3 Sorting   algorithms",
}

func TestMirrors(t *testing.T) {
	heads := &mirrorHeads{keys: map[string]bool{}}
	for _, h := range mirrorTitles {
		if k := mirrorKey(h); k != "" {
			heads.add(k)
		}
	}
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"What is a closure?", true},
		{"3. What is a closure? (Intermediate)", true},
		{"**What is a closure** Easy p. 12", true},
		{"What is a closure and why use one", false},
		{"How does GC   work\u00a0Senior", true},
		{"Q1. 2. 3", false}, // "23": too short to be a key
		{"12. 3", false},
		{"Q5) Что такое замыкание? Junior", true},
		{"闭包是什么 ★", true},
		{"Sorting algorithms", false}, // "#3 " is not numbering: the key keeps the 3
		{"#3 Sorting algorithms p. 4", true},
		{"", false},
		{"*_", false},
		{strings.Repeat("word ", 81) + "Intro", false},
		{strings.Repeat("Intro ", 4), true}, // less its last three words
		{strings.Repeat("Intro ", 5), false},
	} {
		if got := (&mirrorBuf{}).mirrors(tt.text, heads); got != tt.want {
			t.Errorf("mirrors(%q) = %v; want %v", tt.text, got, tt.want)
		}
		if got := mirrorsSlow(tt.text, heads.keys); got != tt.want {
			t.Errorf("mirrorsSlow(%q) = %v; want %v", tt.text, got, tt.want)
		}
	}
}

// FuzzMirrors checks that the one-pass mirror test agrees with the
// four-pass one it replaced, on any text against headings made from it.
func FuzzMirrors(f *testing.F) {
	for _, h := range mirrorTitles {
		f.Add(h, h+" Easy")
	}
	f.Add("12.", "12. 3 4")
	f.Add("Q1. 2", "Q1. 2 3 4 5")
	f.Add("**7. What", "__7 .What x")
	f.Fuzz(func(t *testing.T, head, text string) {
		heads := &mirrorHeads{keys: map[string]bool{}}
		for _, h := range []string{head, text, strings.Join(strings.Fields(text), " ")} {
			if k := mirrorKey(h); k != "" {
				heads.add(k)
			}
		}
		// Prefixes of the text as headings too, so matches are common.
		words := strings.Fields(text)
		for k := 1; k <= 3 && k < len(words); k++ {
			if key := mirrorKey(strings.Join(words[:len(words)-k], " ")); key != "" {
				heads.add(key)
				break
			}
		}
		var m mirrorBuf
		for _, h := range []string{text, head, head + " " + text} {
			if got, want := m.mirrors(h, heads), mirrorsSlow(h, heads.keys); got != want {
				t.Errorf("mirrors(%q) = %v; mirrorsSlow = %v (heads %v)", h, got, want, heads.keys)
			}
		}
	})
}
