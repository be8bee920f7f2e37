package dedup

import (
	"slices"

	"github.com/iq-search/iq/record"
)

// Merge returns the collection deduplicated: each cluster becomes one
// record, and the records outside clusters are kept as they are, in their
// order (a cluster takes the place of its first member). A cluster's record
// is its canonical question, with every member's answers (the canonical's
// first) and sources, the union of their topics and tags, and the first
// level any of them has; nothing a member had is lost but its wording.
// Members are found by ID; Cluster fields are cleared, since clusters are
// made again when the merged bank is indexed.
func Merge(recs []record.Record, clusters []Cluster) []record.Record {
	of := map[string]int{}
	for ci, c := range clusters {
		for _, m := range c.Members {
			of[m.ID] = ci
		}
	}
	byID := make(map[string]*record.Record, len(recs))
	for i := range recs {
		byID[recs[i].ID] = &recs[i]
	}
	done := make([]bool, len(clusters))
	out := make([]record.Record, 0, len(recs))
	for _, r := range recs {
		ci, ok := of[r.ID]
		if !ok {
			r.Cluster = ""
			out = append(out, r)
			continue
		}
		if done[ci] {
			continue
		}
		done[ci] = true
		var members []*record.Record
		for _, m := range clusters[ci].Members {
			if mr := byID[m.ID]; mr != nil {
				members = append(members, mr)
			}
		}
		out = append(out, mergeRecords(members))
	}
	return out
}

// mergeRecords merges records into the first.
func mergeRecords(rs []*record.Record) record.Record {
	m := *rs[0]
	m.Cluster = ""
	m.Answers = slices.Clone(m.Answers)
	m.Sources = slices.Clone(m.Sources)
	m.Topics = slices.Clone(m.Topics)
	m.Tags = slices.Clone(m.Tags)
	for _, r := range rs[1:] {
		m.Answers = append(m.Answers, r.Answers...)
		for _, s := range r.Sources {
			if !slices.Contains(m.Sources, s) {
				m.Sources = append(m.Sources, s)
			}
		}
		m.Topics = union(m.Topics, r.Topics)
		m.Tags = union(m.Tags, r.Tags)
		if m.Level == "" && r.Level != "" {
			m.Level, m.LevelLabel = r.Level, r.LevelLabel
		}
	}
	return m
}

func union(a, b []string) []string {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	slices.Sort(a)
	return a
}
