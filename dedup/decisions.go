package dedup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/iq-search/iq/record"
)

// Decisions are a maintainer's verdicts on duplicates, kept in a plain JSON
// file (which they can keep in git) and applied every time clusters are
// made, so that they survive rebuilds (issue 12, item 5):
//
//	{
//	  "not_duplicates": [[{"question": "What is a clustered index?"}, {"question": "What is a non-clustered index?"}]],
//	  "alone":          [{"id": "92fcbbbf622708df"}],
//	  "duplicates":     [[{"question": "How does Python manage memory?"}, {"question": "How does Python's garbage collection work?"}]],
//	  "canonical":      [{"question": "What is a closure?"}]
//	}
//
// A question is named by its id (as iq prints it) or its text; ids are
// derived from the text, so either survives a rebuild while the question
// stays as written.
type Decisions struct {
	// NotDuplicates are pairs of questions never put in one cluster.
	NotDuplicates [][]Ref `json:"not_duplicates,omitempty"`
	// Alone are questions that are the duplicate of none: in no cluster
	// unless a Duplicates group names them.
	Alone []Ref `json:"alone,omitempty"`
	// Duplicates are groups of questions always in one cluster: the same
	// question the scorer missed.
	Duplicates [][]Ref `json:"duplicates,omitempty"`
	// Canonical are questions chosen to stand for their cluster.
	Canonical []Ref `json:"canonical,omitempty"`
}

// Ref names a question of the collection by its id or its text.
type Ref struct {
	ID       string `json:"id,omitempty"`
	Question string `json:"question,omitempty"`
}

func (r Ref) String() string {
	if r.Question != "" {
		return fmt.Sprintf("%q", r.Question)
	}
	return r.ID
}

// ParseDecisions reads a decisions file's content. Unknown fields, a pair
// that is not two questions, a group of fewer than two and a question named
// neither by id nor by text are errors that say where they are.
func ParseDecisions(data []byte) (*Decisions, error) {
	var d Decisions
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("decisions: more than one JSON value")
	}
	check := func(where string, refs []Ref) error {
		for k, r := range refs {
			if strings.TrimSpace(r.ID) == "" && strings.TrimSpace(r.Question) == "" {
				return fmt.Errorf("decisions: %s[%d]: want an id or a question", where, k)
			}
		}
		return nil
	}
	for i, p := range d.NotDuplicates {
		if len(p) != 2 {
			return nil, fmt.Errorf("decisions: not_duplicates[%d]: %d questions, want two", i, len(p))
		}
		if err := check(fmt.Sprintf("not_duplicates[%d]", i), p); err != nil {
			return nil, err
		}
	}
	for i, g := range d.Duplicates {
		if len(g) < 2 {
			return nil, fmt.Errorf("decisions: duplicates[%d]: %d questions, want two or more", i, len(g))
		}
		if err := check(fmt.Sprintf("duplicates[%d]", i), g); err != nil {
			return nil, err
		}
	}
	if err := check("alone", d.Alone); err != nil {
		return nil, err
	}
	if err := check("canonical", d.Canonical); err != nil {
		return nil, err
	}
	return &d, nil
}

// Decision is one decision as applied to a collection, for listing.
type Decision struct {
	// Kind is not_duplicates, alone, duplicates or canonical.
	Kind string `json:"kind"`
	// Questions are the questions it names, as the collection writes
	// them when found.
	Questions []string `json:"questions"`
	// Missing names the questions not found in the collection: the
	// decision is not applied.
	Missing []string `json:"missing,omitempty"`
}

// resolved are decisions turned into record positions.
type resolved struct {
	notDup    map[uint64]bool // pairKey
	alone     map[int32]bool
	dups      [][]int32
	canonical map[int32]bool
	list      []Decision
}

// resolve finds the records decisions name.
func (ix *Index) resolve(d *Decisions) *resolved {
	rs := &resolved{notDup: map[uint64]bool{}, alone: map[int32]bool{}, canonical: map[int32]bool{}}
	if d == nil {
		return rs
	}
	find := func(kind string, refs []Ref) ([]int32, bool) {
		dc := Decision{Kind: kind}
		var idx []int32
		for _, r := range refs {
			i, ok := ix.Lookup(strings.TrimSpace(r.ID))
			if !ok && r.Question != "" {
				i, ok = ix.Lookup(record.QuestionID(r.Question))
			}
			if !ok {
				dc.Missing = append(dc.Missing, r.String())
				dc.Questions = append(dc.Questions, r.String())
				continue
			}
			idx = append(idx, int32(i))
			dc.Questions = append(dc.Questions, ix.question(i))
		}
		rs.list = append(rs.list, dc)
		return idx, len(dc.Missing) == 0
	}
	for _, p := range d.NotDuplicates {
		if idx, ok := find("not_duplicates", p); ok && idx[0] != idx[1] {
			rs.notDup[pairKey(idx[0], idx[1])] = true
		}
	}
	for _, r := range d.Alone {
		if idx, ok := find("alone", []Ref{r}); ok {
			rs.alone[idx[0]] = true
		}
	}
	for _, g := range d.Duplicates {
		if idx, ok := find("duplicates", g); ok {
			rs.dups = append(rs.dups, idx)
		}
	}
	for _, r := range d.Canonical {
		if idx, ok := find("canonical", []Ref{r}); ok {
			rs.canonical[idx[0]] = true
		}
	}
	return rs
}

// Decisions lists the index's decisions (Options.Decisions) as applied to
// its collection: what each names and what it could not find.
func (ix *Index) Decisions() []Decision { return ix.decided().list }

// DecidedSame reports whether a maintainer's decisions put the records at
// positions a and b in one cluster ("duplicates" naming both): their score
// then says nothing of why they are together.
func (ix *Index) DecidedSame(a, b int) bool {
	for _, g := range ix.decided().dups {
		if slices.Contains(g, int32(a)) && slices.Contains(g, int32(b)) {
			return true
		}
	}
	return false
}

// DecidedCanonical reports whether a maintainer chose the record at
// position i as the canonical question of its cluster.
func (ix *Index) DecidedCanonical(i int) bool { return ix.decided().canonical[int32(i)] }
