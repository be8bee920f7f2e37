package dedup

import (
	"cmp"
	"context"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/iq-search/iq/record"
)

// Options tune duplicate detection. The zero value is the default.
type Options struct {
	// MinScore is the score from which two questions are duplicates
	// (DefaultMinScore when 0). A cluster only grows by a question whose
	// average score with its members reaches it.
	MinScore float64 `json:"min_score,omitempty"`
	// Bands and Rows shape the LSH banding (defaults 20 and 2): more bands
	// find more pairs for more work; more rows find fewer, closer pairs.
	Bands int `json:"bands,omitempty"`
	Rows  int `json:"rows,omitempty"`
	// MaxClusterSize stops a cluster from growing past this many members
	// (default 200), a bound on the cost of average linkage.
	MaxClusterSize int `json:"max_cluster_size,omitempty"`
	// Decisions are a maintainer's verdicts, applied to every clustering:
	// pairs kept apart, questions left alone, groups joined, canonical
	// questions chosen.
	Decisions *Decisions `json:"decisions,omitempty"`
	// Synonyms are groups of terms of one meaning, each term one or more
	// words: {"GIL", "global interpreter lock"}, {"db", "database"}. iq
	// passes the list its search uses (index/synonyms.txt); acronyms the
	// collection spells out are added to it (MineAcronyms).
	Synonyms [][]string
}

func (o Options) withDefaults() Options {
	if o.MinScore <= 0 {
		o.MinScore = DefaultMinScore
	}
	if o.Bands <= 0 {
		o.Bands = defaultBands
	}
	if o.Rows <= 0 {
		o.Rows = defaultRows
	}
	if o.MaxClusterSize <= 0 {
		o.MaxClusterSize = 200
	}
	return o
}

// Cluster is a group of near-duplicate questions.
type Cluster struct {
	// ID is the ID of the canonical record, so it is stable while the
	// canonical question stays, and a search hit whose record ID equals
	// its cluster ID is the one to show.
	ID string `json:"id"`
	// Members lists the canonical record first, then the others by
	// falling score.
	Members []Member `json:"members"`
}

// Member is one record of a cluster.
type Member struct {
	// Index is the record's position in the slice given to NewIndex.
	Index    int             `json:"-"`
	ID       string          `json:"id"`
	Question string          `json:"question"`
	Sources  []record.Source `json:"sources"`
	// Score is the similarity with the canonical question (1 for itself).
	Score float64 `json:"score"`
}

// Index holds a collection prepared for duplicate detection: weights,
// per-record features and, once asked for, a token index for Similar.
// Safe for concurrent use once built.
type Index struct {
	// recs are the records given to NewIndex; cards stand for them in an
	// Index loaded from stored features (LoadIndex), which has none.
	recs  []record.Record
	cards *cards
	// view holds the features of an Index loaded from the current
	// format, read in place (view.go): feats is nil, and each record's
	// features are decoded when it is scored.
	view *view
	// clusterList are the clusters stored with the features (LoadIndex).
	clusterList *ClusterList
	// answers hold a loaded Index's answer vectors (feat).
	answers *answerTerms
	st      *Stats
	feats   []features
	opts    Options

	postingsOnce sync.Once
	// similarMax is how many records Similar scores at most
	// (SetSimilarCandidates; 0: the default, below 0: every one).
	similarMax int
	postings   map[uint64][]int32

	idOnce sync.Once
	ids    map[string]int32

	decideOnce sync.Once
	decisions  *resolved

	// edgesMu guards kept and stored: the scored edges of the last
	// clustering at Options.MinScore (kept, for MarshalFeatures) and
	// those loaded with stored features (LoadIndex).
	edgesMu sync.Mutex
	kept    *scoredEdges
	stored  *scoredEdges
}

// scoredEdges are the candidate pairs scoring at least min, strongest
// first (Index.edges).
type scoredEdges struct {
	min float64
	es  []edge
}

// keptEdges returns the edges of the last clustering at Options.MinScore,
// or those loaded, or none.
func (ix *Index) keptEdges() (scoredEdges, error) {
	if err := ix.loadEdges(); err != nil {
		return scoredEdges{}, err
	}
	ix.edgesMu.Lock()
	defer ix.edgesMu.Unlock()
	switch {
	case ix.kept != nil:
		return *ix.kept, nil
	case ix.stored != nil:
		return *ix.stored, nil
	}
	return scoredEdges{}, nil
}

// edgesAt returns the scored candidate pairs reaching minScore, strongest
// first: from the edges kept or loaded at a lower or equal minimum when
// there are some (the same pairs in the same order: a pair's score does
// not depend on the floor it was scored against once it reaches it, see
// scoreAbove), else from every candidate pair (Index.edges).
func (ix *Index) edgesAt(ctx context.Context, minScore float64) ([]edge, error) {
	if err := ix.loadEdges(); err != nil {
		return nil, err
	}
	ix.edgesMu.Lock()
	var from *scoredEdges
	for _, se := range []*scoredEdges{ix.kept, ix.stored} {
		if se != nil && se.min <= minScore {
			from = se
			break
		}
	}
	ix.edgesMu.Unlock()
	if from != nil {
		var es []edge
		for _, e := range from.es {
			if e.score < minScore {
				break // strongest first
			}
			es = append(es, e)
		}
		return es, nil
	}
	es, err := ix.edges(ctx, minScore)
	if err == nil && minScore == ix.opts.MinScore {
		ix.edgesMu.Lock()
		ix.kept = &scoredEdges{min: minScore, es: es}
		ix.edgesMu.Unlock()
	}
	return es, err
}

// byID maps record IDs to positions.
func (ix *Index) byID() map[string]int32 {
	ix.idOnce.Do(func() {
		n := ix.Len()
		ix.ids = make(map[string]int32, n)
		for i := range n {
			ix.ids[ix.ID(i)] = int32(i)
		}
	})
	return ix.ids
}

// decided returns Options.Decisions resolved against the collection.
func (ix *Index) decided() *resolved {
	ix.decideOnce.Do(func() { ix.decisions = ix.resolve(ix.opts.Decisions) })
	return ix.decisions
}

// NewIndex prepares recs. It keeps recs, which must not change while the
// Index is used.
func NewIndex(recs []record.Record, opts Options) *Index {
	ix, _ := NewIndexContext(context.Background(), recs, opts)
	return ix
}

// NewIndexContext is NewIndex that stops early, with ctx's error, once
// ctx is done.
func NewIndexContext(ctx context.Context, recs []record.Record, opts Options) (*Index, error) {
	ps, st, err := parseAll(ctx, recs, opts.Synonyms)
	if err != nil {
		return nil, err
	}
	ix := &Index{recs: recs, st: st, opts: opts.withDefaults()}
	ix.feats = make([]features, len(recs))
	if err := parallelCtx(ctx, len(recs), func(i int) { ix.feats[i] = featuresOf(&recs[i], &ps[i], ix.st) }); err != nil {
		return nil, err
	}
	return ix, nil
}

// Stats returns the weights learned from the collection, for Score on
// records outside it.
func (ix *Index) Stats() *Stats { return ix.st }

// Find returns the clusters of near-duplicates among recs; see
// Index.Clusters.
func Find(recs []record.Record, opts Options) []Cluster {
	return NewIndex(recs, opts).Clusters()
}

// Clusters groups the collection's near-duplicates and returns the groups
// of two or more, largest first. Candidate pairs come from MinHash LSH;
// pairs scoring at least MinScore are merged strongest first, by average
// linkage: two groups join only if the average score over all their
// cross pairs reaches MinScore, so a chain A~B~C does not pull in a C that
// is unlike A.
func (ix *Index) Clusters() []Cluster { return ix.ClustersAt(ix.opts.MinScore) }

// ClustersAt is Clusters with minScore in place of Options.MinScore (a
// curator's stricter or looser cut), reusing the features already built.
// minScore <= 0 means DefaultMinScore.
func (ix *Index) ClustersAt(minScore float64) []Cluster {
	cs, _ := ix.ClustersAtContext(context.Background(), minScore)
	return cs
}

// ClustersAtContext is ClustersAt that stops early, with ctx's error, once
// ctx is done: a low minScore makes most candidate pairs edges and the
// average linkage quadratic in cluster size, minutes on a large collection
// (issue 16), so a server must be able to give up on it.
func (ix *Index) ClustersAtContext(ctx context.Context, minScore float64) ([]Cluster, error) {
	if minScore <= 0 {
		minScore = DefaultMinScore
	}
	dec := ix.decided()
	edges, err := ix.edgesAt(ctx, minScore)
	if err != nil {
		return nil, err
	}
	n := ix.Len()
	parent := make([]int32, n)
	members := make([][]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	failed := map[uint64][2]int{}
	var scA, scB featScratch
	group := func(r int32) []int32 {
		if members[r] == nil {
			return []int32{r}
		}
		return members[r]
	}
	join := func(ra, rb int32, ga, gb []int32) {
		// The bigger group's root stays, so members move as little as
		// possible.
		if len(ga) < len(gb) {
			ra, rb, ga, gb = rb, ra, gb, ga
		}
		parent[rb] = ra
		members[ra] = append(slices.Clip(ga), gb...)
		members[rb] = nil
	}
	// A maintainer's "these are the same" comes first, whatever the
	// scores.
	for _, g := range dec.dups {
		for _, x := range g[1:] {
			if ra, rb := find(g[0]), find(x); ra != rb {
				join(ra, rb, group(ra), group(rb))
			}
		}
	}
	// apart reports whether a maintainer keeps two groups apart.
	apart := func(ga, gb []int32) bool {
		for k := range dec.notDup {
			a, b := unpair(k)
			x, y := int32(a), int32(b)
			if slices.Contains(ga, x) && slices.Contains(gb, y) || slices.Contains(ga, y) && slices.Contains(gb, x) {
				return true
			}
		}
		return false
	}
	for k, e := range edges {
		if k%ctxEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if dec.alone[e.a] || dec.alone[e.b] {
			continue
		}
		ra, rb := find(e.a), find(e.b)
		if ra == rb {
			continue
		}
		ga, gb := group(ra), group(rb)
		if len(ga)+len(gb) > ix.opts.MaxClusterSize {
			continue
		}
		if len(dec.notDup) > 0 && apart(ga, gb) {
			continue
		}
		if len(ga) > 1 || len(gb) > 1 {
			// Two groups that failed to merge fail again until one of
			// them grows; many edges can link the same two groups.
			key, sizes := pairKey(ra, rb), [2]int{len(ga), len(gb)}
			if ra > rb {
				sizes = [2]int{len(gb), len(ga)}
			}
			if failed[key] == sizes {
				continue
			}
			sum, low := 0.0, 1.0
			if len(ga)*len(gb) > ctxEvery && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			for _, x := range ga {
				fx := ix.feat(int(x), &scA)
				for _, y := range gb {
					s := score(fx, ix.feat(int(y), &scB), false).Score
					sum += s
					low = min(low, s)
				}
			}
			if sum/float64(len(ga)*len(gb)) < minScore || low < linkFloor*minScore {
				failed[key] = sizes
				continue
			}
		}
		join(ra, rb, ga, gb)
	}
	var out []Cluster
	var sc clusterScratch
	for r := range members {
		if len(members[r]) > 1 && find(int32(r)) == int32(r) {
			out = append(out, ix.cluster(members[r], &sc))
		}
	}
	SortClusters(out)
	return out, nil
}

// linkFloor is, as a share of MinScore, the least score any two members
// of a cluster may have. Average linkage alone lets a general question
// ("database migrations in a team") hold two that the guards tell apart
// (migrations in MongoDB, in PostgreSQL) when each matches it closely; a
// cluster means that an answer to any member answers every other.
const linkFloor = 0.5

// SortClusters puts clusters in the order Clusters returns them: largest
// first, then by ID.
func SortClusters(cs []Cluster) {
	slices.SortFunc(cs, func(a, b Cluster) int {
		if c := cmp.Compare(len(b.Members), len(a.Members)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// Group makes a Cluster of the records at the given positions, as Clusters
// would: canonical question, members' scores against it. A caller that
// kept clusters (as record cluster IDs) rebuilds them with it without
// clustering again.
func (ix *Index) Group(idx []int) Cluster {
	i32 := make([]int32, len(idx))
	for i, x := range idx {
		i32[i] = int32(x)
	}
	return ix.cluster(i32, &clusterScratch{})
}

// edge is a candidate pair that reached MinScore.
type edge struct {
	a, b  int32
	score float64
}

// edges scores the LSH candidate pairs and returns those reaching
// MinScore, strongest first; ties go by record ID so that the input order
// does not change the clusters.
func (ix *Index) edges(ctx context.Context, minScore float64) ([]edge, error) {
	if ix.feats == nil {
		// Every candidate pair: the features of every record, decoded.
		return ix.whole().edges(ctx, minScore)
	}
	bs := ix.buckets()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The pairs of each record with the records after it, scored as they
	// are drawn from its buckets, by every core, a block of records at a
	// time; the blocks' edges joined in record order, as the sorted pairs
	// were scored before.
	n := ix.Len()
	sums := make([]pairSummary, n)
	parallel(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			sums[i] = ix.summarize(i)
		}
	})
	blocks := make([][]edge, (n+edgeBlock-1)/edgeBlock)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(blocks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var js []int32
			for ctx.Err() == nil {
				b := int(next.Add(1) - 1)
				if b >= len(blocks) {
					return
				}
				var found []edge
				for i := b * edgeBlock; i < min(n, (b+1)*edgeBlock); i++ {
					js = bs.partners(js, i)
					for _, j := range js {
						if siblingsBelow(sums[i], sums[j], minScore) {
							continue
						}
						// The features as kept, their answer vectors
						// compared where they are stored (answerCosine),
						// not decoded.
						s := scoreAnswers(&ix.feats[i], &ix.feats[j], false, minScore, &pairAnswers{ix, i, int(j)}).Score
						if s >= minScore {
							found = append(found, edge{int32(i), j, s})
						}
					}
				}
				blocks[b] = found
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var es []edge
	for _, b := range blocks {
		es = append(es, b...)
	}
	slices.SortFunc(es, func(x, y edge) int {
		if c := cmp.Compare(y.score, x.score); c != 0 {
			return c
		}
		xa, xb := ix.orderedIDs(x)
		ya, yb := ix.orderedIDs(y)
		if c := cmp.Compare(xa, ya); c != 0 {
			return c
		}
		return cmp.Compare(xb, yb)
	})
	return es, nil
}

// pairSummary is what siblingsBelow reads of a record, in 32 bytes of
// one array rather than in the features, their tokens and stored answers,
// which a candidate pair's partner has scattered in memory. Each mask has
// bit h%64 set for each token h of its kind.
type pairSummary struct {
	// all: the question's tokens; heavy: its words of substance
	// (qtok.heavy); answers: the terms of its answer vector.
	all, heavy, answers uint64
	// alone: a short, not generic question that names no identifier in
	// lower camel case, so that of two such questions that both ask for
	// a comparison or both do not (differ), the tokens each lacks are
	// what unmatched finds (no identifierPart or impliedComparison drops
	// one, and placedByAnswer drops none while both lack a word of
	// substance).
	alone, differ bool
}

// summarize returns record i's pairSummary.
func (ix *Index) summarize(i int) pairSummary {
	f := &ix.feats[i]
	s := pairSummary{alone: !f.long && !f.generic, differ: f.differ}
	for _, t := range f.toks {
		bit := uint64(1) << (t.h % 64)
		s.all |= bit
		if t.heavy() {
			s.heavy |= bit
		}
		if t.kind == kindCode && lowerCamel(f.raw(t)) {
			s.alone = false
		}
	}
	if a := ix.answers; a != nil {
		for k := a.at[i]; k < a.at[i+1]; k++ {
			s.answers |= 1 << (a.vocab[a.term[k]] % 64)
		}
	} else {
		for _, e := range f.a.e {
			s.answers |= 1 << (e.h % 64)
		}
	}
	return s
}

// siblingsBelow reports whether two records' score is surely under
// floor, from their summaries alone: each question has a word of
// substance the other lacks (a bit of its heavy mask that the other's
// mask of all tokens does not have), which makes them siblings, or
// antonyms, to penalty, and for one of them the other's answers surely
// lack that word too (its bit is not in their mask), so the answers
// cannot spare the siblings (namedByAnswer): the factor is at most
// siblingPenalty, on a similarity of at most 1. An exact prefilter: a
// pair it passes is scored in full.
func siblingsBelow(a, b pairSummary, floor float64) bool {
	if max(siblingPenalty, antonymPenalty) >= floor || !a.alone || !b.alone || a.differ != b.differ {
		return false
	}
	onlyA, onlyB := a.heavy&^b.all, b.heavy&^a.all
	return onlyA != 0 && onlyB != 0 && (onlyA&^b.answers != 0 || onlyB&^a.answers != 0)
}

// edgeBlock is how many records' pairs a core scores at a time: enough to
// make taking the next block cheap, few enough that every core stays busy
// to the end (early records have more partners after them).
const edgeBlock = 256

// buckets returns the LSH buckets of the records' signatures.
func (ix *Index) buckets() *buckets {
	if ix.feats == nil {
		return ix.whole().buckets()
	}
	n := ix.Len()
	bands, rows := ix.opts.Bands, ix.opts.Rows
	// Each record's band keys made as its signature is, the signature
	// then dropped: every signature held at once was 320 MB at a million
	// records, on a heap that sits at the soft limit there (issue 15).
	entries := make([]bucketEntry, n*bands)
	has := make([]bool, n)
	parallel(n, func(lo, hi int) {
		var v []entry
		var sc featScratch
		sig := make([]uint64, bands*rows)
		for i := lo; i < hi; i++ {
			f := &ix.feats[i]
			if f.generic {
				f = ix.feat(i, &sc)
			}
			v = f.q.e
			if f.generic {
				// A generic title is the same for all: its answer
				// and code are what can match.
				v = append(slices.Clip(f.q.e), f.a.e...)
			}
			if has[i] = signature(v, sig); has[i] {
				bandEntries(entries[i*bands:(i+1)*bands], sig, int32(i), bands, rows)
			}
		}
	})
	// Records without tokens have no entries.
	kept := entries[:0]
	for i := range n {
		if has[i] {
			kept = append(kept, entries[i*bands:(i+1)*bands]...)
		}
	}
	return lshBuckets(kept, n)
}

// candidates returns the LSH candidate pairs (i<<32 | j, i < j), sorted.
func (ix *Index) candidates() []uint64 {
	bs := ix.buckets()
	var pairs []uint64
	var js []int32
	for i := range ix.Len() {
		js = bs.partners(js, i)
		for _, j := range js {
			pairs = append(pairs, pairKey(int32(i), j))
		}
	}
	return pairs
}

func (ix *Index) orderedIDs(e edge) (string, string) {
	a, b := ix.ID(int(e.a)), ix.ID(int(e.b))
	if a > b {
		a, b = b, a
	}
	return a, b
}

// clusterScratch is where cluster and canonical decode the features they
// score, kept from one cluster to the next (at a million records a new
// one for each cluster was 175 MB of garbage at 100k synthetic records).
type clusterScratch struct{ a, b featScratch }

// cluster builds a Cluster from member indexes, the canonical question
// first (canonical).
func (ix *Index) cluster(idx []int32, sc *clusterScratch) Cluster {
	canon := ix.canonical(idx, sc)
	ms := make([]Member, 0, len(idx))
	for _, i := range idx {
		s := 1.0
		if i != canon {
			s = score(ix.feat(int(i), &sc.a), ix.feat(int(canon), &sc.b), false).Score
		}
		ms = append(ms, Member{Index: int(i), ID: ix.ID(int(i)), Question: ix.question(int(i)), Sources: ix.sources(int(i)), Score: s})
	}
	slices.SortFunc(ms, func(a, b Member) int {
		if (a.Index == int(canon)) != (b.Index == int(canon)) {
			if a.Index == int(canon) {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return Cluster{ID: ix.ID(int(canon)), Members: ms}
}

// canonical picks the question that stands for a cluster: its most
// general, complete form (issue 12, item 3). In order: one that asks what
// the subject is, then one that asks how it works, over one that asks only
// what it is for ("What is X?" stands for "How does X work?", and that for
// "What are the uses of X?"); then an open question over a yes/no one
// ("How does FastAPI handle WebSockets?" over "Can FastAPI handle…?",
// a polite "Can you explain…?" being open);
// then the fewest words of
// substance (the others' subject without their specifics); then the most
// aspects asked ("What is X and how does it work?" over "What is X?");
// then the one the others match best; then the one found in the most
// places, with the fullest answer, and the smallest ID.
func (ix *Index) canonical(idx []int32, sc *clusterScratch) int32 {
	// A maintainer's choice comes first.
	for _, i := range idx {
		if ix.decided().canonical[i] {
			return i
		}
	}
	type rank struct {
		general    int // 2: asks what the subject is; 1: how it works
		open       bool
		specifics  int
		aspects    int
		centrality float64
	}
	ranks := make(map[int32]rank, len(idx))
	for _, i := range idx {
		f := ix.feat(int(i), &sc.a)
		r := rank{open: f.aspects&aspectYesNo == 0, specifics: heavyCount(f.toks), aspects: bits.OnesCount32(uint32(f.aspects))}
		// What the first sentence asks: "How does X work? Explain in
		// detail." asks how it works, not what it is.
		switch first := aspects(firstSentence(ix.question(int(i)))); {
		case first&aspectDefine != 0:
			r.general = 2
		case first&aspectWork != 0:
			r.general = 1
		}
		if len(idx) > 2 {
			sum := 0.0
			for _, j := range idx {
				if j != i {
					sum += score(f, ix.feat(int(j), &sc.b), false).Score
				}
			}
			// Rounded, so that near-ties go to the next rule.
			r.centrality = math.Round(sum/float64(len(idx)-1)*20) / 20
		}
		ranks[i] = r
	}
	return slices.MinFunc(idx, func(a, b int32) int {
		x, y := ranks[a], ranks[b]
		if c := cmp.Compare(y.general, x.general); c != 0 {
			return c
		}
		if x.open != y.open {
			if x.open {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(x.specifics, y.specifics); c != 0 {
			return c
		}
		if c := cmp.Compare(y.aspects, x.aspects); c != 0 {
			return c
		}
		if c := cmp.Compare(y.centrality, x.centrality); c != 0 {
			return c
		}
		if c := cmp.Compare(ix.sourceCount(int(b)), ix.sourceCount(int(a))); c != 0 {
			return c
		}
		if c := cmp.Compare(ix.answerLen(int(b)), ix.answerLen(int(a))); c != 0 {
			return c
		}
		return cmp.Compare(ix.ID(int(a)), ix.ID(int(b)))
	})
}

// firstSentence returns a question's title up to the end of its first
// sentence.
func firstSentence(q string) string {
	q, _, _ = strings.Cut(q, "\n")
	if i := strings.IndexAny(q, "?!"); i >= 0 {
		q = q[:i]
	}
	if i := strings.Index(q, ". "); i >= 0 {
		q = q[:i]
	}
	return q
}

func answerLen(r *record.Record) int {
	n := 0
	for _, a := range r.Answers {
		n += len(a.Text)
		for _, c := range a.Code {
			n += len(c.Text)
		}
	}
	return n
}

// Assign sets Record.Cluster on every record of recs: the cluster's ID for
// members of clusters, the record's own ID for the rest, so that every
// record has a cluster and search can collapse on it without a special
// case. Records are matched by ID.
func Assign(recs []record.Record, clusters []Cluster) {
	of := map[string]string{}
	for _, c := range clusters {
		for _, m := range c.Members {
			of[m.ID] = c.ID
		}
	}
	for i := range recs {
		if c, ok := of[recs[i].ID]; ok {
			recs[i].Cluster = c
		} else {
			recs[i].Cluster = recs[i].ID
		}
	}
}

// ctxEvery is how many units of work (pairs scored, records read) pass
// between two checks of a context: a check costs next to nothing next to
// that much work, and that much work is well under a millisecond.
const ctxEvery = 256

// parallelCtx runs f(i) for every i in [0, n) as parallel does, checking
// ctx every ctxEvery calls in each chunk; once ctx is done it stops and
// returns ctx's error.
func parallelCtx(ctx context.Context, n int, f func(i int)) error {
	parallel(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if (i-lo)%ctxEvery == 0 && ctx.Err() != nil {
				return
			}
			f(i)
		}
	})
	return ctx.Err()
}

// parallel runs f over [0, n) in contiguous chunks, one goroutine per CPU.
func parallel(n int, f func(lo, hi int)) {
	w := min(runtime.GOMAXPROCS(0), max(1, n/256))
	if w <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	chunk := (n + w - 1) / w
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(lo, hi)
		}()
	}
	wg.Wait()
}
