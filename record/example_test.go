package record_test

import (
	"fmt"

	"github.com/iq-search/iq/record"
)

// The same question written another way (numbering, case, spaces, final
// punctuation) has the same ID, so ingest merges the two into one record.
func ExampleQuestionID() {
	for _, q := range []string{
		"What is a closure in JavaScript?",
		"12. what is a  CLOSURE in JavaScript",
		"What is a closure in Python?",
	} {
		fmt.Printf("%s  %q\n", record.QuestionID(q), record.NormalizeQuestion(q))
	}
	// Output:
	// 01a65a37eaf2bfb1  "what is a closure in javascript"
	// 01a65a37eaf2bfb1  "what is a closure in javascript"
	// c491bf4f990dde93  "what is a closure in python"
}
