package dedup

import (
	"encoding/binary"
	"fmt"
	"math"
)

// marshalFormat3 is MarshalFeatures as it was before format 4: the
// features of indexes built before it, which LoadIndex still reads.
func (ix *Index) marshalFormat3(key string, clusters []Cluster) ([]byte, error) {
	st := ix.st
	vocab, dfs := st.vocabulary()
	at := make(map[uint64]uint32, len(vocab))
	for i, h := range vocab {
		at[h] = uint32(i)
	}
	n := ix.Len()
	var w encoder
	w.b = make([]byte, 0, 64+len(vocab)*10+n*500)
	ix.appendHead(&w, featuresFormat3, key, vocab, dfs)
	// Totals, for the loader's flat arrays.
	w.uint(uint64(n))
	var tot totals
	var sc featScratch
	for i := range ix.Len() {
		tot.add(ix.feat(i, &sc), len(ix.Card(i).Topics))
	}
	for _, v := range tot {
		w.uint(uint64(v))
	}
	// Records, one after the other.
	for i := range ix.Len() {
		f := ix.feat(i, &sc)
		c := ix.Card(i)
		w.str(c.ID)
		w.str(c.Question)
		w.str(c.Level)
		w.strs(c.Topics)
		w.uint(uint64(ix.sourceCount(i)))
		w.uint(uint64(ix.answerLen(i)))
		w.uint(flags(f.generic, f.long, f.negated, f.answers, f.differ))
		w.uint(uint64(f.aspects))
		for _, v := range []vector{f.q, f.a} {
			if err := w.vector(v, st, at); err != nil {
				return nil, fmt.Errorf("record %s: %w", c.ID, err)
			}
		}
		w.uint(uint64(len(f.toks)))
		for _, t := range f.toks {
			w.str(t.text)
			w.uint(uint64(t.pos))
			w.uint(uint64(t.kind))
			w.uint(flags(t.weak, t.content, t.context, t.fam != 0, t.placed, t.later))
			if t.fam != 0 {
				w.b = binary.LittleEndian.AppendUint64(w.b, t.fam)
			}
		}
		w.strs(f.raws)
		w.strs(f.techs)
		w.uint(uint64(len(f.substance)))
		for _, h := range f.substance {
			w.b = binary.LittleEndian.AppendUint64(w.b, h)
		}
	}
	// Clusters: members by position, canonical first, with their scores.
	pos := ix.byID()
	w.uint(uint64(len(clusters)))
	for _, c := range clusters {
		w.uint(uint64(len(c.Members)))
		for _, m := range c.Members {
			i, ok := pos[m.ID]
			if !ok {
				return nil, fmt.Errorf("cluster %s: member %s is not in the collection", c.ID, m.ID)
			}
			w.uint(uint64(i))
			w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(m.Score))
		}
	}
	// The scored edges of the clustering (keptEdges): every candidate
	// pair at or above its MinScore, strongest first, so that clusters at
	// a stricter score are made without scoring every candidate pair
	// again (ClustersAtContext). Members by position, the score's bits.
	es, err := ix.keptEdges()
	if err != nil {
		return nil, err
	}
	w.uint(uint64(len(es.es)))
	if len(es.es) > 0 {
		w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(es.min))
	}
	for _, e := range es.es {
		w.uint(uint64(e.a))
		w.uint(uint64(e.b))
		w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(e.score))
	}
	return w.b, nil
}
