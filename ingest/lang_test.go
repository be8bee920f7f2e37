package ingest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/record"
)

func TestScriptOf(t *testing.T) {
	tests := []struct {
		in   string
		want script
	}{
		{"What is a closure?", scriptLatin},
		{"Что такое Dependency Injection?", scriptCyrillic},
		{"В чем разница между BehaviorSubject, ReplySubject и AsyncSubject?", scriptCyrillic},
		{"What does the Russian word «привет» mean?", scriptLatin},
		{"Python中的__new__和__init__的区别", scriptHan},
		{"闭包", scriptHan},
		{"What is 闭包 in Python and how is it used?", scriptLatin},
		{"クロージャとは何ですか", scriptKana},
		{"클로저란 무엇입니까?", scriptHangul},
		{"Τι είναι το closure;", scriptGreek},
		{"```x = 1```", scriptLatin},
		{"42 + 1 = ?", scriptNone},
	}
	for _, tt := range tests {
		if got, _ := scriptOf(tt.in); got != tt.want {
			t.Errorf("scriptOf(%q) = %d; want %d", tt.in, got, tt.want)
		}
	}
}

func TestSetLangs(t *testing.T) {
	tests := []struct {
		name string
		qs   []string
		want string // the languages of qs, comma-separated
	}{
		{"english", []string{"What is a closure?", "How does the event loop work?", "Explain the difference between let and const."}, "en,en,en"},
		{"german", []string{"Was ist der Unterschied zwischen einer Klasse und einem Objekt?", "Wie funktioniert die Speicherverwaltung in Java?", "Was versteht man unter Vererbung?"}, "de,de,de"},
		{"french", []string{"Quelle est la différence entre une classe et un objet ?", "Comment fonctionne le ramasse-miettes en Java ?", "Qu'est-ce que l'héritage ?"}, "fr,fr,fr"},
		{"spanish", []string{"¿Cuál es la diferencia entre una clase y un objeto?", "¿Cómo funciona la recolección de basura en Java?", "¿Qué es la herencia?"}, "es,es,es"},
		{"russian with identifiers", []string{"Что такое NgZone?", "В чем различия ng-content, ng-container и ng-template?", "Как работает new @if syntax?"}, "ru,ru,ru"},
		{"ukrainian", []string{"Що таке замикання в JavaScript і як його використовувати?", "Яка різниця між var, let та const?", "Поясніть, як працює цикл подій у браузері."}, "uk,uk,uk"},
		{"chinese", []string{"什么是闭包", "Python中的__new__和__init__的区别", "GIL线程全局锁"}, "zh,zh,zh"},
		{"a bare code question takes the document's language", []string{"Что такое замыкание?", "Как работает сборщик мусора?", "[] + {} = ?"}, "ru,ru,ru"},
		{"mixed document", []string{"What is a closure?", "什么是闭包", "How does garbage collection work in Go?"}, "en,zh,en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := make([]record.Record, len(tt.qs))
			texts := make([]langText, len(tt.qs))
			for i, q := range tt.qs {
				texts[i] = langText{question: q}
			}
			setLangs(recs, texts)
			var got []string
			for _, r := range recs {
				got = append(got, r.Lang)
			}
			if strings.Join(got, ",") != tt.want {
				t.Errorf("setLangs(%q) = %v; want %s", tt.qs, got, tt.want)
			}
		})
	}
}

// TestLabelledLangs gives the gold questions of each labelled source
// (../shared/labelled), file by file, to the language rules: the Russian
// and Chinese sources must come out ru and zh, every other source en.
func TestLabelledLangs(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "labelled")
	files, err := filepath.Glob(filepath.Join(dir, "gold", "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Skipf("no labelled gold under %s", dir)
	}
	want := map[string]string{
		"FedorovAlexander__Angular-interview-questions-RU": "ru",
		"taizilongxu__interview_python":                    "zh",
		"peichenhu__interview":                             "zh",
	}
	for _, f := range files {
		src := strings.TrimSuffix(filepath.Base(f), ".jsonl")
		lang := want[src]
		if lang == "" {
			lang = "en"
		}
		byFile := map[string][]langText{}
		for _, g := range readLevelGold(t, f) {
			byFile[g.File] = append(byFile[g.File], langText{g.Question, g.AnswerStart})
		}
		right, all := 0, 0
		for file, qs := range byFile {
			recs := make([]record.Record, len(qs))
			setLangs(recs, qs)
			for i, r := range recs {
				all++
				if r.Lang == lang {
					right++
				} else if all-right <= 5 {
					t.Logf("%s %s: %q is %q; want %q", src, file, qs[i].question, r.Lang, lang)
				}
			}
		}
		// peichenhu's CSS and Vue pages ask some questions as bare English
		// terms ("BFC", "v-if vs v-show"); a few of those may read as en.
		if right*100 < all*95 {
			t.Errorf("%s: %d of %d gold questions are %s; want 95%%", src, right, all, lang)
		}
	}
}
