package dedup

import "math"

// ClusterList is a collection's clusters, largest first, whose members are
// named (their IDs and questions) only when a cluster is asked for (At). A
// server of a million records loads about 95,000 stored clusters of 310,000
// members: naming them all at load was half of loading the features (0.24
// CPU-s, issue 15), for a page that lists fifty. Names are copied out of
// the stored features, so a Cluster from At outlives the Index (whose
// features may be a mapped file, unmapped when the index closes).
type ClusterList struct {
	// cs are clusters made in memory (ListOf), named.
	cs []Cluster
	// Or the stored ones of a view: cluster k's members are
	// member[at[k]:at[k+1]], canonical first, with their scores.
	ix     *Index
	at     []int32
	member []int32
	score  []float64
}

// ListOf makes a ClusterList of clusters already named.
func ListOf(cs []Cluster) *ClusterList { return &ClusterList{cs: cs} }

// Len returns the number of clusters.
func (l *ClusterList) Len() int {
	if l == nil {
		return 0
	}
	if l.ix == nil {
		return len(l.cs)
	}
	return len(l.at) - 1
}

// Size returns the number of members of cluster k.
func (l *ClusterList) Size(k int) int {
	if l.ix == nil {
		return len(l.cs[k].Members)
	}
	return int(l.at[k+1] - l.at[k])
}

// MemberIndex returns the position in the collection of cluster k's j-th
// member (the canonical one first).
func (l *ClusterList) MemberIndex(k, j int) int {
	if l.ix == nil {
		return l.cs[k].Members[j].Index
	}
	return int(l.member[int(l.at[k])+j])
}

// ID returns cluster k's ID, its canonical record's.
func (l *ClusterList) ID(k int) string {
	if l.ix == nil {
		return l.cs[k].ID
	}
	return l.ix.ID(l.MemberIndex(k, 0))
}

// At returns cluster k with its members named.
func (l *ClusterList) At(k int) Cluster {
	if l.ix == nil {
		return l.cs[k]
	}
	lo, hi := int(l.at[k]), int(l.at[k+1])
	ms := make([]Member, hi-lo)
	for j := range ms {
		i := int(l.member[lo+j])
		ms[j] = Member{Index: i, ID: l.ix.ID(i), Question: l.ix.question(i), Score: l.score[lo+j]}
	}
	return Cluster{ID: ms[0].ID, Members: ms}
}

// All returns every cluster, named.
func (l *ClusterList) All() []Cluster {
	if l.Len() == 0 {
		return nil
	}
	if l.ix == nil {
		return l.cs
	}
	cs := make([]Cluster, l.Len())
	for k := range cs {
		cs[k] = l.At(k)
	}
	return cs
}

// clusterList reads the stored clusters of ix's records (MarshalFeatures:
// a count, then each cluster's member count and its members as a position
// and a score's bits), unnamed: valid positions, each record in one
// cluster at most, two members at least.
func (r *decoder) clusterList(ix *Index) *ClusterList {
	n := r.count(2)
	l := &ClusterList{ix: ix, at: make([]int32, 1, n+1)}
	if n == 0 {
		return l
	}
	// A member takes 9 bytes at least: room for as many as the rest holds.
	most := len(r.b) / 9
	l.member, l.score = make([]int32, 0, most), make([]float64, 0, most)
	in := make([]uint64, (ix.Len()+63)/64)
	for range n {
		m := r.count(9)
		if m < 2 {
			r.fail()
			return nil
		}
		for range m {
			i := r.uint()
			if i >= uint64(ix.Len()) || in[i/64]&(1<<(i%64)) != 0 {
				r.fail()
				return nil
			}
			in[i/64] |= 1 << (i % 64)
			l.member = append(l.member, int32(i))
			l.score = append(l.score, math.Float64frombits(r.uint64()))
		}
		l.at = append(l.at, int32(len(l.member)))
	}
	return l
}
