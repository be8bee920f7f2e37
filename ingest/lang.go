package ingest

import (
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
	"github.com/iq-search/iq/record"
)

// This file decides each record's language (record.Record.Lang, an ISO
// 639-1 code). The script of a record's text decides it where one language
// owns the script (Han: zh, kana: ja, Hangul: ko, Greek: el, …). Where
// several languages share a script (Latin, Cyrillic, Arabic, Devanagari),
// whatlanggo's trigram detector chooses among them, once per script per
// document over a sample of the document's text in that script: a single
// question is too short to tell English from Dutch, and one detection per
// document keeps ingest fast.

// script is a writing system as far as languages are concerned.
type script uint8

const (
	scriptNone script = iota
	scriptLatin
	scriptCyrillic
	scriptArabic
	scriptDevanagari
	scriptHan
	scriptKana
	scriptHangul
	scriptGreek
	scriptHebrew
	scriptThai
	numScripts
)

// scriptLang is the language of a script that one language owns.
var scriptLang = [numScripts]string{
	scriptHan: "zh", scriptKana: "ja", scriptHangul: "ko", scriptGreek: "el", scriptHebrew: "he", scriptThai: "th",
}

// defaultLang is a shared script's language when detection is not reliable:
// the most common one in interview material.
var defaultLang = [numScripts]string{
	scriptLatin: "en", scriptCyrillic: "ru", scriptArabic: "ar", scriptDevanagari: "hi",
}

// detectable are the languages whatlanggo may choose for a shared script:
// those with a Bleve analyzer, and Cyrillic's other common ones.
var detectable = [numScripts]whatlanggo.Options{
	scriptLatin: whitelist(whatlanggo.Eng, whatlanggo.Deu, whatlanggo.Fra, whatlanggo.Spa, whatlanggo.Ita,
		whatlanggo.Por, whatlanggo.Nld, whatlanggo.Swe, whatlanggo.Dan, whatlanggo.Nob, whatlanggo.Fin,
		whatlanggo.Pol, whatlanggo.Ron, whatlanggo.Hun, whatlanggo.Tur, whatlanggo.Hrv),
	scriptCyrillic:   whitelist(whatlanggo.Rus, whatlanggo.Ukr, whatlanggo.Bul, whatlanggo.Bel, whatlanggo.Srp, whatlanggo.Mkd),
	scriptArabic:     whitelist(whatlanggo.Arb, whatlanggo.Pes, whatlanggo.Urd),
	scriptDevanagari: whitelist(whatlanggo.Hin, whatlanggo.Mar, whatlanggo.Nep),
}

// detectors detect the languages of detectable (trigram.go).
var detectors = func() (d [numScripts]*langDetector) {
	for sc, o := range detectable {
		if len(o.Whitelist) > 0 {
			d[sc] = newLangDetector(o)
		}
	}
	return d
}()

func whitelist(langs ...whatlanggo.Lang) whatlanggo.Options {
	o := whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{}}
	for _, l := range langs {
		o.Whitelist[l] = true
	}
	return o
}

// scriptOf is the script a text is written in: the one most of its words
// are in. Han, kana and Hangul characters count a word each; a tie goes
// against Latin, since identifiers and code are Latin in every language
// ("Что такое Dependency Injection?" is Russian). It also returns the
// word counts per script.
func scriptOf(s string) (script, [numScripts]int) {
	var n [numScripts]int
	prev := scriptNone
	for i := 0; i < len(s); {
		c := s[i]
		sc := scriptNone
		if c < utf8.RuneSelf {
			if c|0x20 >= 'a' && c|0x20 <= 'z' {
				sc = scriptLatin
			}
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size
			sc = scriptOfRune(r)
		}
		if sc != prev || sc == scriptHan || sc == scriptKana || sc == scriptHangul {
			n[sc]++ // a word starts
		}
		prev = sc
	}
	best, bestN := scriptNone, 0
	for sc := scriptCyrillic; sc < numScripts; sc++ {
		if n[sc] > bestN {
			best, bestN = sc, n[sc]
		}
	}
	if best == scriptHan && n[scriptKana] > 0 {
		best = scriptKana // Japanese writes kanji with kana
	}
	if n[scriptLatin] > bestN {
		return scriptLatin, n
	}
	return best, n
}

func scriptOfRune(r rune) script {
	switch {
	case !unicode.IsLetter(r):
		return scriptNone
	case unicode.Is(unicode.Latin, r):
		return scriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return scriptCyrillic
	case unicode.Is(unicode.Han, r):
		return scriptHan
	case unicode.In(r, unicode.Hiragana, unicode.Katakana):
		return scriptKana
	case unicode.Is(unicode.Hangul, r):
		return scriptHangul
	case unicode.Is(unicode.Arabic, r):
		return scriptArabic
	case unicode.Is(unicode.Greek, r):
		return scriptGreek
	case unicode.Is(unicode.Devanagari, r):
		return scriptDevanagari
	case unicode.Is(unicode.Hebrew, r):
		return scriptHebrew
	case unicode.Is(unicode.Thai, r):
		return scriptThai
	}
	return scriptNone
}

// langSample is how much of a document's text in one script the detector
// reads: enough for a reliable guess, little enough to keep ingest fast.
const langSample = 320

// langText is what a record's language is read from: its question, and
// the start of its answer for a question too short to tell ("MVCC", "super
// init" asked in a Chinese bank).
type langText struct{ question, answer string }

// shortQuestion is how many words a question may have and still be a bare
// term, whose language is its answer's.
const shortQuestion = 4

// setLangs sets the language of a document's records from texts[i], the
// text of records[i]. A question says what language it is asked in; an
// answer in another language (under-script's Uzbek answers to English
// questions) does not change it, except under a bare term.
func setLangs(records []record.Record, texts []langText) {
	for i, l := range langsOf(texts) {
		records[i].Lang = l
	}
}

// langsOf returns the language of each of a document's texts (setLangs).
func langsOf(texts []langText) []string {
	scripts := make([]script, len(texts))
	words := make([][numScripts]int, len(texts))
	var counts [numScripts]int
	for i, t := range texts {
		scripts[i], words[i] = scriptOf(t.question)
		if n := words[i]; t.answer != "" && (scripts[i] == scriptNone || scripts[i] == scriptLatin && n[scriptLatin] <= shortQuestion) {
			scripts[i], words[i] = scriptOf(t.question + "\n" + t.answer)
		}
		counts[scripts[i]]++
	}
	// In a document asked in another script, a question that names more
	// Latin identifiers than it has words of that script is still asked in
	// it ("В чем различия ng-content, ng-container и ng-template?").
	main := scriptNone
	for sc := scriptCyrillic; sc < numScripts; sc++ {
		if counts[sc] > counts[main] && counts[sc]*4 >= len(texts) {
			main = sc
		}
	}
	var samples [numScripts][]byte
	for i, t := range texts {
		if main != scriptNone && scripts[i] == scriptLatin && words[i][main] > 0 {
			counts[scriptLatin]--
			counts[main]++
			scripts[i] = main
		}
		if sc := scripts[i]; defaultLang[sc] != "" && len(samples[sc]) < langSample {
			q := t.question
			samples[sc] = append(append(samples[sc], q[:min(len(q), langSample)]...), '\n')
		}
	}
	var langs [numScripts]string
	for sc := scriptLatin; sc < numScripts; sc++ {
		switch {
		case counts[sc] == 0:
		case scriptLang[sc] != "":
			langs[sc] = scriptLang[sc]
		default:
			langs[sc] = defaultLang[sc]
			if lang, reliable := detectors[sc].detect(string(samples[sc])); reliable {
				if code := lang.Iso6391(); code != "" {
					langs[sc] = code
				}
			}
		}
	}
	// A record without letters (a bare code question) takes the
	// document's most common language.
	docLang, most := "", 0
	for sc := scriptLatin; sc < numScripts; sc++ {
		if counts[sc] > most {
			docLang, most = langs[sc], counts[sc]
		}
	}
	langs[scriptNone] = docLang
	out := make([]string, len(texts))
	for i, sc := range scripts {
		out[i] = langs[sc]
	}
	return out
}
