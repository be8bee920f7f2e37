package ingest

import (
	"slices"
	"strings"
	"testing"

	"github.com/iq-search/iq/record"
)

func TestTopicsOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{"What is Go's scheduler?", "go"},
		{"How would you go about debugging a leak?", ""},
		{"Design a REST API for orders", "rest"},
		{"Take a rest between rounds", ""},
		{"How do React hooks differ from Vue's composition API?", "react,vue"},
		{"Why do we react to events?", ""},
		{"How does a Kubernetes pod differ from a container?", "kubernetes"},
		{"What does kubectl apply do?", "kubernetes"},
		{"Explain the OSI model", "networking"},
		{"What is a neural network?", "machine-learning"},
		{"How do you resolve a merge conflict in git?", "git"},
		{"Tell me about a time you disagreed with your manager", "behavioral"},
		{"What is the difference between TCP and UDP?", "networking"},
		{"How would you design a URL shortener? Talk about load balancing.", "system-design"},
		{"What is a p-value?", "statistics"},
		{"Explain Angular change detection", "angular"},
	}
	tax := DefaultTaxonomy()
	for _, tt := range tests {
		if got := strings.Join(tax.TopicsOf(tt.in), ","); got != tt.want {
			t.Errorf("TopicsOf(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestTopicsOfPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Devinterview-io__python-interview-questions/README.md", "python"},
		{"sgdevmane__interview-guide/markdowns/git/git-questions.md", "git"},
		{"kwanpham2195__interview-questions/golang/junior.md", "go"},
		{"FedorovAlexander__Angular-interview-questions-RU/README.md", "angular"},
		{"linkedin-skill-assessments-quizzes/bash/bash-quiz.md", "shell"},
		{"tutorialspoint-2018__hibernate_interview_questions.htm", "hibernate"},
		{"html-pages/codingnconcepts__relational-database-interview-questions.html", "databases"},
		{"html-pages/x.html", ""},
		{"Asabeneh__30-Days-Of-Python/05_Day_Lists/05_lists.md", ""},
		{"notes/lets-go-deeper.md", ""},
		{"advanced-functions/react-native-tips.md", ""},
		{"react-native/README.md", "react"},
	}
	tax := DefaultTaxonomy()
	for _, tt := range tests {
		if got := strings.Join(tax.TopicsOfPath(tt.in), ","); got != tt.want {
			t.Errorf("TopicsOfPath(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseTaxonomyCased(t *testing.T) {
	tax, err := ParseTaxonomy([]byte(`{"topics": {"go": ["Go", "golang"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"Go channels": "go", "go home": "", "GOLANG": "go", "GO": ""} {
		if got := strings.Join(tax.TopicsOf(in), ","); got != want {
			t.Errorf("TopicsOf(%q) = %q; want %q", in, got, want)
		}
	}
	if got := strings.Join(tax.TopicsOfPath("go/junior.md"), ","); got != "go" {
		t.Errorf("TopicsOfPath(go/junior.md) = %q; want go", got)
	}
	if _, err := ParseTaxonomy([]byte(`{"topics": {"x": ["Node.js!"]}}`)); err != nil {
		t.Errorf("ParseTaxonomy with a cased pattern with punctuation: %v", err)
	}
}

// TestTopicsOnRealData checks topics on question banks in ../shared: a
// question names its own topics beside its bank's (Kubernetes in a FastAPI
// bank), a folder or file that names a topic as a whole gives it (git/,
// linux/, bash/), and a folder that merely contains a topic's name
// (html-pages/) does not.
func TestTopicsOnRealData(t *testing.T) {
	tests := []struct {
		file  string
		every []string // topics every record has
		none  []string // topics no record has
		one   string   // a question (prefix) ...
		its   []string // ... and topics it has
	}{
		{file: "corpora/muhammadsufiyanbaig__Interview-Questions/FastAPI/Readme.md", every: []string{"fastapi"},
			one: "How do you deploy a FastAPI application in a production environment using Docker or Kubernetes?", its: []string{"docker", "fastapi", "kubernetes"}},
		{file: "labelled/sgdevmane__interview-guide/markdowns/git/git-questions.md", every: []string{"git"}, none: []string{"linux"}},
		{file: "labelled/sgdevmane__interview-guide/markdowns/linux/linux-questions.md", every: []string{"linux"},
			one: "How do you manage file permissions (chmod)?", its: []string{"linux"}},
		{file: "labelled/Ebazhanov__linkedin-skill-assessments-quizzes/bash/bash-quiz.md", every: []string{"shell"}},
		{file: "labelled/FedorovAlexander__Angular-interview-questions-RU/answers/router.md", every: []string{"angular"}},
		{file: "corpora/html-pages/javatpoint__corejava-interview-questions.html", every: []string{"java"}, none: []string{"html"}},
		{file: "labelled/akhileshmishrabiz__Devops-zero-to-hero/devops-interview-prep/aws-interview-questions.txt", every: []string{"cloud"}},
		{file: "labelled/akhileshmishrabiz__Devops-zero-to-hero/devops-interview-prep/terraform-interview.txt", every: []string{"terraform"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			recs, _ := ingestFile(t, tt.file)
			if len(recs) == 0 {
				t.Fatalf("no records from %s", tt.file)
			}
			for _, r := range recs {
				for _, w := range tt.every {
					if !slices.Contains(r.Topics, w) {
						t.Errorf("%q topics = %v; want them to include %s", r.Question, r.Topics, w)
					}
				}
				for _, w := range tt.none {
					if slices.Contains(r.Topics, w) {
						t.Errorf("%q topics = %v; want no %s", r.Question, r.Topics, w)
					}
				}
			}
			if tt.one == "" {
				return
			}
			r, ok := find(recs, tt.one)
			if !ok {
				t.Fatalf("no record %q", tt.one)
			}
			for _, w := range tt.its {
				if !slices.Contains(r.Topics, w) {
					t.Errorf("%q topics = %v; want them to include %s", r.Question, r.Topics, w)
				}
			}
		})
	}
}

// TestTechnologyTopics keeps record.Technologies and the default
// taxonomy's topics in step: a technology's Topic is the topic its name
// marks, and every topic is a technology's or one of the fields below,
// which are not technologies. A topic added to taxonomy.json fails here
// until it is one or the other, so dedup learns of a new technology.
func TestTechnologyTopics(t *testing.T) {
	fields := []string{"cloud", "devops", "networking", "front-end", "rest", "system-design", "data-science",
		"machine-learning", "statistics", "algorithms", "operating-systems", "behavioral"}
	tax := DefaultTaxonomy()
	techTopics := map[string]bool{}
	for _, tech := range record.Technologies {
		if tech.Topic == "" {
			continue
		}
		techTopics[tech.Topic] = true
		if _, ok := tax.Topics[tech.Topic]; !ok {
			t.Errorf("technology %q: topic %q is not in the default taxonomy", tech.Name, tech.Topic)
			continue
		}
		if got := tax.TopicsOfPath(tech.Name); !slices.Contains(got, tech.Topic) {
			t.Errorf("TopicsOfPath(%q) = %q; want it to hold %q", tech.Name, got, tech.Topic)
		}
	}
	for topic := range tax.Topics {
		if !techTopics[topic] && !slices.Contains(fields, topic) {
			t.Errorf("topic %q of the default taxonomy is neither a technology's (record.Technologies) nor a field", topic)
		}
	}
	for _, f := range fields {
		if techTopics[f] {
			t.Errorf("field %q is a technology's topic too", f)
		}
	}
}
