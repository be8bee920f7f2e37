package dedup

import "github.com/iq-search/iq/record"

// Card is what an Index keeps of a record besides its features: what a
// list of questions shows of it and what filters read. An Index loaded
// from stored features (LoadIndex) has cards and no records, so a server
// holds neither the answers nor the sources of its collection.
type Card struct {
	ID       string
	Question string
	Level    string
	Topics   []string
}

// cards are the loaded Index's records, column by column; strings of one
// kind share one allocation.
type cards struct {
	ids, questions, levels []string
	// topics[topicAt[i]:topicAt[i+1]] are record i's topics.
	topics  []string
	topicAt []int32
	// sources and answerLen are the record's number of sources and the
	// length of its answers, which choose a cluster's canonical question.
	sources, answerLen []int32
}

// loaded reports whether the Index was loaded from stored features.
func (ix *Index) loaded() bool { return ix.cards != nil || ix.view != nil }

// Len returns the number of records of the collection.
func (ix *Index) Len() int {
	if ix.view != nil {
		return ix.view.n
	}
	if ix.cards != nil {
		return len(ix.cards.ids)
	}
	return len(ix.recs)
}

// ID returns the ID of the record at position i.
func (ix *Index) ID(i int) string {
	if ix.view != nil {
		return string(ix.view.id(i))
	}
	if ix.cards != nil {
		return ix.cards.ids[i]
	}
	return ix.recs[i].ID
}

// Card returns what the Index keeps of the record at position i.
func (ix *Index) Card(i int) Card {
	if v := ix.view; v != nil {
		return v.card(i)
	}
	if c := ix.cards; c != nil {
		return Card{ID: c.ids[i], Question: c.questions[i], Level: c.levels[i], Topics: c.topics[c.topicAt[i]:c.topicAt[i+1]:c.topicAt[i+1]]}
	}
	r := &ix.recs[i]
	return Card{ID: r.ID, Question: r.Question, Level: r.Level, Topics: r.Topics}
}

// Lookup returns the position of the record with the given ID.
func (ix *Index) Lookup(id string) (int, bool) {
	if ix.view != nil {
		return ix.view.lookup(id)
	}
	i, ok := ix.byID()[id]
	return int(i), ok
}

// IDRank returns the place of id among the collection's IDs in order (0
// for the first), read from stored features where it lies (their records
// in ID order); ok is false when id is not in the collection or the Index
// was not loaded (LoadIndex), which keeps no such order.
func (ix *Index) IDRank(id string) (int, bool) {
	if ix.view == nil {
		return 0, false
	}
	return ix.view.rank(id)
}

func (ix *Index) question(i int) string {
	if ix.view != nil {
		return string(ix.view.question(i))
	}
	if ix.cards != nil {
		return ix.cards.questions[i]
	}
	return ix.recs[i].Question
}

// sources returns the record's sources: nil for a loaded Index, whose
// Cluster members carry IDs and questions only.
func (ix *Index) sources(i int) []record.Source {
	if ix.loaded() {
		return nil
	}
	return ix.recs[i].Sources
}

func (ix *Index) sourceCount(i int) int {
	if ix.view != nil {
		n, _ := ix.view.counts(i)
		return n
	}
	if ix.cards != nil {
		return int(ix.cards.sources[i])
	}
	return len(ix.recs[i].Sources)
}

func (ix *Index) answerLen(i int) int {
	if ix.view != nil {
		_, n := ix.view.counts(i)
		return n
	}
	if ix.cards != nil {
		return int(ix.cards.answerLen[i])
	}
	return answerLen(&ix.recs[i])
}
