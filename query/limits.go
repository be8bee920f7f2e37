package query

import "github.com/iq-search/iq/record"

// Bounds on the lists an answer carries, so that its size does not grow
// with how often a question was merged: one record merged 361k times made
// a 36 MB search answer (issue 16). What is left out is counted, never
// silently dropped.
const (
	// MaxHitSources is how many sources a hit lists (search, similar,
	// dups); Hit.MoreSources and QuestionRef.MoreSources count the rest.
	MaxHitSources = 20
	// MaxRecordAnswers and MaxRecordSources bound the answers and sources
	// Question returns of one record, MaxRecordAnswerBytes the text of its
	// answers (a record keeps its first answers within it, at least one).
	MaxRecordAnswers     = 100
	MaxRecordSources     = 100
	MaxRecordAnswerBytes = 1 << 20
)

// capSources returns the first max sources of s (never nil) and how many
// it leaves out.
func capSources(s []record.Source, max int) ([]record.Source, int) {
	if len(s) <= max {
		return nonNilSources(s), 0
	}
	return s[:max:max], len(s) - max
}

// QuestionResult is a record as GET /api/questions/ID shows it: the
// record.Record (its JSON fields unchanged), with answers and sources cut
// to MaxRecordAnswers, MaxRecordAnswerBytes and MaxRecordSources, and the
// number of each left out (omitted when none is).
type QuestionResult struct {
	record.Record
	MoreAnswers int `json:"more_answers,omitempty"`
	MoreSources int `json:"more_sources,omitempty"`
}

// capRecord cuts r's answers and sources to the bounds of QuestionResult.
func capRecord(r record.Record) QuestionResult {
	q := QuestionResult{Record: r}
	q.Sources, q.MoreSources = capSources(r.Sources, MaxRecordSources)
	size, n := 0, 0
	for n < len(r.Answers) && n < MaxRecordAnswers {
		a := &r.Answers[n]
		s := len(a.Text)
		for _, c := range a.Code {
			s += len(c.Text)
		}
		if n > 0 && size+s > MaxRecordAnswerBytes {
			break
		}
		size += s
		n++
	}
	if n < len(r.Answers) {
		q.Answers, q.MoreAnswers = r.Answers[:n:n], len(r.Answers)-n
	}
	return q
}

// Question returns the record with the given ID as QuestionResult bounds
// it: what GET /api/questions/ID and `iq show` print. An unknown ID gives
// an *Error with code "not_found".
func (s *Searcher) Question(id string) (QuestionResult, error) {
	r, err := s.Record(id)
	if err != nil {
		return QuestionResult{}, err
	}
	return capRecord(r), nil
}
