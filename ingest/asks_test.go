package ingest

import (
	"context"
	"strings"
	"testing"

	"github.com/iq-search/iq/ingest/parse"
)

func TestReadText(t *testing.T) {
	tests := []struct {
		in   string
		want reading
	}{
		// Questions and prompts, with or without a question mark.
		{"What is a goroutine?", readsAsk},
		{"Explain the key components of Ansible.", readsAsk},
		{"Explain MLE", readsAsk},
		{"Name a few tools that can be used to generate dynamic inventories.", readsAsk},
		{"True or False? Node.js has a file-based module system.", readsAsk},
		{"SIGHUP, SIGINT, SIGKILL, and SIGTERM POSIX signals. Explain.", readsAsk},
		{"Server A can't talk to Server B. Describe possible reasons in a few steps.", readsAsk},
		{"Can you spot the memory leak? ***", readsAsk},
		{"What was interesting about [Company] and the role? ★ {#interesting-role}", readsAsk},
		{"Scenario: You manage a busy web application. How would you diagnose the slowdown?", readsAsk},
		{"Addition. Implement the addition algorithm from school.", readsAsk},
		{"Write a code which gives grade to students according to theirs scores:", readsAsk},
		// Russian, Ukrainian, Chinese.
		{"В чем разница между scan() и reduce()", readsAsk},
		{"Какие минимальные требования к компоненту", readsAsk},
		{"Поясніть різницю між процесом і потоком", readsAsk},
		{"CSS选择器有哪些", readsAsk},
		{"HTTP状态码及其含义", readsAsk},
		// Tasks: questions only where the section says so.
		{"Declare an empty list", readsTask},
		{"Fibonacci. Return the n-th Fibonacci number, which is computed using this formula:", readsTask},
		// Bare terms and titles.
		{"闭包", readsTerm},
		{"TCP vs UDP", readsTerm},
		{"Basic intuition", readsTerm},
		{"Write Amplification", readsTerm},
		{"How to Contribute", readsTerm},
		// Not an interview item.
		{"Key features include:", readsNot},
		{"Python is a versatile and popular programming language used for many things.", readsNot},
		{"Is it good to use globals", readsTerm},
		{"It is good to use globals.", readsNot},
		{strings.Repeat("long text ", 300) + "?", readsNot},
	}
	for _, tt := range tests {
		if got := readText(tt.in); got != tt.want {
			t.Errorf("readText(%q) = %d; want %d", tt.in, got, tt.want)
		}
	}
}

func TestCleanQuestionStyles(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Q.  What is a closure?", "What is a closure?"},
		{"Q1: What is a closure?", "What is a closure?"},
		{"12) What is a closure?", "What is a closure?"},
		{"Ques 3: How to handle provider API rate limiting?", "How to handle provider API rate limiting?"},
		{"Question 4: What is Terraform state?", "What is Terraform state?"},
		{"Question: What are the best practices for blue-green deployments?", "What are the best practices for blue-green deployments?"},
		{"Scenario: You manage a busy web application. How would you diagnose it?", "You manage a busy web application. How would you diagnose it?"},
		{"What project are you most proud of? ★★ {#proudest-project}", "What project are you most proud of?"},
		{"[↑] Questions about Design Patterns:", "Questions about Design Patterns:"},
		{"How to make high availability of web application? ***", "How to make high availability of web application?"},
		{"What is `git cherry-pick`?", "What is git cherry-pick?"},
		{"What does print <name> output?", "What does print <name> output?"},
		{"What is GIT stash ?", "What is GIT stash?"},
		{"Join the following lists:", "Join the following lists:"},
	}
	for _, tt := range tests {
		if got, _, _ := cleanQuestion(tt.in); got != tt.want {
			t.Errorf("cleanQuestion(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitSubItems(t *testing.T) {
	tests := []struct {
		in, head string
		items    string // "mark:text" joined by " | ", kids in brackets
	}{
		{"Explain SVM a. What is the decision boundary? b. What is a kernel trick?", "Explain SVM",
			"a:What is the decision boundary? | b:What is a kernel trick?"},
		{"Explain logistic regression? a. Why the name? b. Interpretation of logistic function i. Why continuous output? c. Relationship with cross-entropy",
			"Explain logistic regression?", "a:Why the name? | b:Interpretation of logistic function [i:Why continuous output?] | c:Relationship with cross-entropy"},
		{"How does the optimization work? a. Gradient descent, BFGS", "How does the optimization work?", "a:Gradient descent, BFGS"},
		// Not a sequence from "a.": no split.
		{"Use a. b. c. notation here", "", ""},
		{"Explain boosting b. When to do it?", "", ""},
		{"What is a closure? It is a function.", "", ""},
	}
	for _, tt := range tests {
		head, items, ok := splitSubItems(tt.in)
		var got []string
		for _, it := range items {
			s := it.mark + ":" + it.text
			if len(it.kids) > 0 {
				var kids []string
				for _, k := range it.kids {
					kids = append(kids, k.mark+":"+k.text)
				}
				s += " [" + strings.Join(kids, " | ") + "]"
			}
			got = append(got, s)
		}
		if tt.head == "" {
			if ok {
				t.Errorf("splitSubItems(%q) = %q, %q; want no split", tt.in, head, got)
			}
			continue
		}
		if !ok || head != tt.head || strings.Join(got, " | ") != tt.items {
			t.Errorf("splitSubItems(%q) = %q, %q, %v; want %q, %q", tt.in, head, strings.Join(got, " | "), ok, tt.head, tt.items)
		}
	}
}

func TestInlineAnswer(t *testing.T) {
	tests := []struct{ in, q, answer string }{
		{"What is selection bias? It is the bias introduced by the selection of groups.", "What is selection bias?", "It is the bias introduced by the selection of groups."},
		{"What is the GIL? The global interpreter lock lets one thread run Python at a time.", "What is the GIL?", "The global interpreter lock lets one thread run Python at a time."},
		{"Explain MLP: kind of fully connected feedforward neural network", "Explain MLP", "kind of fully connected feedforward neural network"},
		// A second question, a parenthesis, a statement to judge or the
		// speaker's own words are not answers.
		{"What is regularization? How does it solve bias?", "What is regularization? How does it solve bias?", ""},
		{"What news sources do you check daily? (sysadmin, security-related or other)", "What news sources do you check daily? (sysadmin, security-related or other)", ""},
		{"True or False? Node.js has a file-based module system.", "True or False? Node.js has a file-based module system.", ""},
		{"Have you faced issues with GraphQL? We love the flexibility but worry about it.", "Have you faced issues with GraphQL? We love the flexibility but worry about it.", ""},
		{"Why is testing hard? Explain with an example.", "Why is testing hard? Explain with an example.", ""},
	}
	for _, tt := range tests {
		s := inlineAnswer(segment{question: tt.in})
		answer := ""
		if len(s.answer) > 0 {
			answer = s.answer[0].Text
		}
		if s.question != tt.q || answer != tt.answer {
			t.Errorf("inlineAnswer(%q) = %q, %q; want %q, %q", tt.in, s.question, answer, tt.q, tt.answer)
		}
	}
}

func TestTableQuestions(t *testing.T) {
	tb := parse.Block{Kind: parse.Table, Line: 8, Rows: [][]string{
		{"Question", "Level", "Answer"},
		{"What is the variance?", "Advanced", "A measure of spread."},
		{"Why L1 sparse?", "Beginner", ""},
	}}
	rows := tableQuestions(&tb)
	if len(rows) != 2 || rows[0].question != "What is the variance?" || rows[0].line != 10 || rows[0].answer != "A measure of spread." || rows[0].level != "advanced" || rows[1].line != 11 {
		t.Errorf("tableQuestions = %+v; want two rows from line 10 with answer and level", rows)
	}
	counts := parse.Block{Kind: parse.Table, Line: 1, Rows: [][]string{{"File", "Questions"}, {"a.html", "100, numbered"}, {"b.html", "200"}}}
	if rows := tableQuestions(&counts); rows != nil {
		t.Errorf("tableQuestions(a column of counts) = %+v; want none", rows)
	}
}

func TestExplainFates(t *testing.T) {
	doc := "# Go\n\n## What is a goroutine?\n\nA cheap concurrent function.\n\nIs it a thread? No.\n\n## Channels\n\n[Home](index.html) | [Next](next.html)\n"
	for _, explain := range []bool{false, true} {
		_, rep, err := Bytes(context.Background(), "go.md", []byte(doc), Options{Explain: explain})
		if err != nil {
			t.Fatal(err)
		}
		if !explain {
			if len(rep.Fates) != 0 {
				t.Errorf("Fates without Options.Explain = %+v; want none", rep.Fates)
			}
			continue
		}
		want := map[int]string{3: FateQuestion, 5: FateAnswer, 7: FateAnswer, 9: FateUnused, 11: FateDropped}
		got := map[int]string{}
		for _, f := range rep.Fates {
			got[f.Line] = f.What
			if f.What == FateAnswer && (f.Question != "What is a goroutine?" || f.QuestionLine != 3) {
				t.Errorf("fate of line %d = %+v; want the answer of the question at line 3", f.Line, f)
			}
			if f.Rule == "" {
				t.Errorf("fate of line %d has no rule: %+v", f.Line, f)
			}
		}
		for line, what := range want {
			if got[line] != what {
				t.Errorf("fate of line %d = %q; want %q (all: %+v)", line, got[line], what, rep.Fates)
			}
		}
	}
}
