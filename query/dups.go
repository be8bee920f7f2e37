package query

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/iq-search/iq/dedup"
	"github.com/iq-search/iq/record"
)

// Limits and parameters of SimilarRequest and DupsRequest.
const (
	DefaultSimilarLimit = 10
	MaxSimilarLimit     = 100
	DefaultDupsLimit    = 50
	MaxDupsLimit        = 1000

	// MinSimilarScore is the lowest score Similar lists: below it two
	// questions share a word or two and nothing a curator would check.
	MinSimilarScore = 0.1

	ParamID       = "id"
	ParamMinScore = "min_score"
)

// SimilarRequest asks for the questions most likely to be duplicates of one
// question: a record of the index (ID) or a text not yet in it (Text), as a
// curator asks before adding a question.
type SimilarRequest struct {
	ID    string `json:"id,omitempty"`
	Text  string `json:"q,omitempty"`
	Limit int    `json:"limit"`
}

// SimilarResult lists likely duplicates, best first.
type SimilarResult struct {
	// ID is the record asked about (empty for a text).
	ID       string       `json:"id,omitempty"`
	Question string       `json:"question"`
	TookMS   float64      `json:"took_ms"`
	Matches  []SimilarHit `json:"matches"`
}

// SimilarHit is one candidate duplicate with its score in [0, 1] and what
// decided it. Duplicate is set when the score reaches the threshold that
// clusters use.
type SimilarHit struct {
	QuestionRef
	Cluster   string  `json:"cluster,omitempty"`
	Score     float64 `json:"score"`
	Duplicate bool    `json:"duplicate"`
	Why
}

// Why says why two questions match or do not, in the words they write
// (dedup.Detail): the words of substance they share, the words that
// matched in other forms, and the guards that lowered the score. Reason
// is all of it in one line.
type Why struct {
	Reason string   `json:"reason,omitempty"`
	Shared []string `json:"shared,omitempty"`
	// Synonyms is "matched_synonyms" in JSON: "synonyms" is the
	// synonym list an index was built with (iq stats), a string.
	Synonyms []string `json:"matched_synonyms,omitempty"`
	Guards   []string `json:"guards,omitempty"`
}

// joinReason puts a note before a reason, or stands alone.
func joinReason(note, reason string) string {
	if reason == "" {
		return note
	}
	return note + "; score: " + reason
}

func whyOf(d dedup.Detail) Why {
	return Why{Reason: d.Reason, Shared: d.Shared, Synonyms: d.Synonyms, Guards: d.Guards}
}

// QuestionRef is what a list of questions shows of each: the part
// SimilarHit and DupMember share.
type QuestionRef struct {
	ID       string          `json:"id"`
	Question string          `json:"question"`
	Level    string          `json:"level"`
	Topics   []string        `json:"topics"`
	Sources  []record.Source `json:"sources"`
	// MoreSources is the number of sources past the MaxHitSources listed.
	MoreSources int `json:"more_sources,omitempty"`
}

func refOf(r *record.Record) QuestionRef {
	q := QuestionRef{ID: r.ID, Question: r.Question, Level: r.Level, Topics: nonNil(r.Topics)}
	q.Sources, q.MoreSources = capSources(r.Sources, MaxHitSources)
	return q
}

// DupsRequest asks for the clusters of near-duplicate questions.
type DupsRequest struct {
	// MinScore is the similarity from which two questions count as
	// duplicates; 0 means dedup.DefaultMinScore.
	MinScore float64 `json:"min_score"`
	// Levels and Topics keep the clusters with at least one member of one
	// of the levels and one of the topics.
	Levels []string `json:"level,omitempty"`
	Topics []string `json:"topic,omitempty"`
	Limit  int      `json:"limit"`
	Offset int      `json:"offset"`
}

// DupsResult is one page of clusters, largest first.
type DupsResult struct {
	MinScore float64 `json:"min_score"`
	// Total is the number of clusters that pass the filters; Questions
	// the number of questions in them.
	Total     int          `json:"total"`
	Questions int          `json:"questions"`
	TookMS    float64      `json:"took_ms"`
	Clusters  []DupCluster `json:"clusters"`
	// Decisions are the maintainer's decisions the index was built with
	// (iq index --dups-decisions), as applied: each names its questions,
	// and those the index lacks.
	Decisions []dedup.Decision `json:"decisions,omitempty"`
}

// DupCluster is a group of near-duplicates: the canonical question (its
// most general, complete form, or the one a maintainer chose) first.
type DupCluster struct {
	ID       string      `json:"id"`
	Question string      `json:"question"`
	Size     int         `json:"size"`
	Members  []DupMember `json:"members"`
}

// DupMember is one question of a cluster; Score is its similarity with the
// canonical question (1 for the canonical itself).
type DupMember struct {
	QuestionRef
	Score float64 `json:"score"`
	// Decision is set when a maintainer's decision (dedup.Decisions)
	// holds this member where it is: "duplicates" when it is in the
	// cluster because a decision names it the same as another member
	// (its score may be low), "canonical" when it was chosen to stand
	// for the cluster.
	Decision string `json:"decision,omitempty"`
	// Why says why it matches the canonical question (empty for the
	// canonical itself).
	Why
}

// Member decisions (DupMember.Decision).
const (
	DecisionDuplicates = "duplicates"
	DecisionCanonical  = "canonical"
)

// ParseSimilarRequest fills a SimilarRequest from URL values: exactly one
// of id and q, and limit. Every error is an *Error.
func ParseSimilarRequest(v url.Values) (SimilarRequest, error) {
	var r SimilarRequest
	if err := checkParams(v, []string{ParamID, ParamText, ParamLimit}); err != nil {
		return r, err
	}
	r.ID = strings.TrimSpace(v.Get(ParamID))
	r.Text = v.Get(ParamText)
	var err error
	if r.Limit, err = parseLimit(v.Get(ParamLimit), MaxSimilarLimit); err != nil {
		return SimilarRequest{}, err
	}
	if err := r.normalize(); err != nil {
		return SimilarRequest{}, err
	}
	return r, nil
}

func (r *SimilarRequest) normalize() error {
	if (r.ID == "") == (strings.TrimSpace(r.Text) == "") {
		return errorf(CodeBadParam, "give either id (a question's id) or q (a question's text), not both or neither")
	}
	if err := checkText(&r.Text); err != nil {
		return err
	}
	if n := len(r.ID); n > maxValueLen || !utf8.ValidString(r.ID) {
		return errorf(CodeBadValue, "id is not a question id")
	}
	return checkPage(&r.Limit, 0, DefaultSimilarLimit, MaxSimilarLimit)
}

// ParseDupsRequest fills a DupsRequest from URL values: min_score, level
// and topic (repeatable or comma-separated), limit and offset. Every error
// is an *Error.
func ParseDupsRequest(v url.Values) (DupsRequest, error) {
	var r DupsRequest
	if err := checkParams(v, []string{ParamMinScore, ParamLevel, ParamTopic, ParamLimit, ParamOffset}, ParamLevel, ParamTopic); err != nil {
		return r, err
	}
	if s := strings.TrimSpace(v.Get(ParamMinScore)); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return r, errorf(CodeBadValue, "min_score %q is not a number, want one in (0, 1]", s)
		}
		if f <= 0 {
			// normalize reads 0 as "default"; in a URL it is a mistake.
			return r, errorf(CodeBadValue, "min_score %v is out of range, want one in (0, 1]", f)
		}
		r.MinScore = f
	}
	r.Levels = splitValues(v[ParamLevel])
	r.Topics = splitValues(v[ParamTopic])
	var err error
	if r.Limit, err = parseLimit(v.Get(ParamLimit), MaxDupsLimit); err != nil {
		return DupsRequest{}, err
	}
	if r.Offset, err = parseOffset(v.Get(ParamOffset)); err != nil {
		return DupsRequest{}, err
	}
	if err := r.normalize(); err != nil {
		return DupsRequest{}, err
	}
	return r, nil
}

func (r *DupsRequest) normalize() error {
	if r.MinScore == 0 {
		r.MinScore = dedup.DefaultMinScore
	}
	if !(r.MinScore > 0 && r.MinScore <= 1) {
		return errorf(CodeBadValue, "min_score %v is out of range, want one in (0, 1]", r.MinScore)
	}
	if err := checkPage(&r.Limit, r.Offset, DefaultDupsLimit, MaxDupsLimit); err != nil {
		return err
	}
	var err error
	if r.Levels, err = checkLevels(r.Levels); err != nil {
		return err
	}
	return checkValues(ParamTopic, r.Topics)
}

// dupState is the index prepared for duplicate detection, made on the
// first Similar or Dups call and kept for the Searcher's life. From the
// features stored with the index (UseStoredFeatures) it holds no record:
// the features, what lists show of each record (dedup.Card) and the
// build's clusters, read where they lie in the mapped file (a tenth of a
// second at 100k records, then the check that they are the index's
// records); the records a page lists are read from the index. Without usable stored features it
// reads every record and computes the features (about 25 s at 100k
// synthetic records with long answers). iq serve makes it at start.
type dupState struct {
	dd *dedup.Index
	// stored: dd was loaded from the features stored with the index.
	stored bool
	// clusters at dedup.DefaultMinScore: the clusters stored in the index
	// at build time (Record.Cluster, and with the features), so Dups
	// lists exactly what Search collapses without clustering the
	// collection again. Stored ones are named only when a page lists
	// them (dedup.ClusterList).
	clusters *dedup.ClusterList
	// at holds the clusters at other scores asked for lately (at most
	// maxClustersAt of them): a curator pages through one cut.
	atMu sync.Mutex
	at   map[float64]*dedup.ClusterList
}

// maxClustersAt bounds dupState.at.
const maxClustersAt = 4

// clustersAt returns the clusters at minScore: the build's at the
// default, else made from the detector's stored edges (or, below the
// score they start at, from every candidate pair) and kept.
func (st *dupState) clustersAt(ctx context.Context, minScore float64) (*dedup.ClusterList, error) {
	if minScore == dedup.DefaultMinScore {
		return st.clusters, nil
	}
	st.atMu.Lock()
	cs, ok := st.at[minScore]
	st.atMu.Unlock()
	if ok {
		return cs, nil
	}
	made, err := st.dd.ClustersAtContext(ctx, minScore)
	if err != nil {
		return nil, err
	}
	cs = dedup.ListOf(made)
	st.atMu.Lock()
	defer st.atMu.Unlock()
	if st.at == nil || len(st.at) >= maxClustersAt {
		st.at = map[float64]*dedup.ClusterList{}
	}
	st.at[minScore] = cs
	return cs, nil
}

func (s *Searcher) dupState(ctx context.Context) (*dupState, error) { return s.prepareDups(ctx, true) }

// prepareDups returns the duplicate detector's state, made now if need be:
// from the stored features, or else, when compute is set, from every
// record (nil without it).
func (s *Searcher) prepareDups(ctx context.Context, compute bool) (*dupState, error) {
	s.dupMu.Lock()
	defer s.dupMu.Unlock()
	if s.dups != nil {
		return s.dups, nil
	}
	opts, err := s.dedupOptions()
	if err != nil {
		return nil, err
	}
	st := &dupState{}
	st.dd, err = s.storedFeatures(ctx, opts)
	if err != nil {
		return nil, err
	}
	if st.dd != nil {
		st.stored = true
		st.clusters, _ = st.dd.StoredClusterList()
	} else if !compute {
		return nil, nil
	} else {
		var cs []dedup.Cluster
		if st.dd, cs, err = s.computeFeatures(ctx, opts); err != nil {
			return nil, err
		}
		st.clusters = dedup.ListOf(cs)
	}
	s.dups = st
	return st, nil
}

// loadedDups returns the duplicate detector's state if it is made
// already, without waiting for one being made.
func (s *Searcher) loadedDups() *dupState {
	if !s.dupMu.TryLock() {
		return nil
	}
	defer s.dupMu.Unlock()
	return s.dups
}

// computeFeatures reads every record of the index and computes the
// duplicate detector's features, and the clusters stored in the records
// (an index built without clustering, by index.Build called directly as
// the benchmarks do, has none), whose members' scores only are computed.
func (s *Searcher) computeFeatures(ctx context.Context, opts dedup.Options) (*dedup.Index, []dedup.Cluster, error) {
	recs, err := s.records(ctx)
	if err != nil {
		return nil, nil, err
	}
	dd, err := dedup.NewIndexContext(ctx, recs, opts)
	if err != nil {
		return nil, nil, err
	}
	return dd, clustersOf(dd, recs), nil
}

// clustersOf makes the clusters of dd whose records recs have the same
// cluster ID, with members' scores and the canonical question computed.
func clustersOf(dd *dedup.Index, recs []record.Record) []dedup.Cluster {
	members := map[string][]int{}
	for i, r := range recs {
		if r.Cluster != "" {
			members[r.Cluster] = append(members[r.Cluster], i)
		}
	}
	var clusters []dedup.Cluster
	for _, idx := range members {
		if len(idx) > 1 {
			clusters = append(clusters, dd.Group(idx))
		}
	}
	dedup.SortClusters(clusters)
	return clusters
}

// PrepareDups makes the duplicate detector's state now when the features
// stored with the index can be used, and reports whether the state is
// ready; otherwise the first Similar or Dups computes it (see dupState).
// A searcher opened with LateClusterSizes takes its cluster sizes from
// the state it loads.
func (s *Searcher) PrepareDups(ctx context.Context) (bool, error) {
	st, err := s.prepareDups(ctx, false)
	if st != nil {
		s.clusterSizes() // from st's clusters, unless counted already
	}
	return st != nil, err
}

// FeaturesAttachment names the file stored with an index that holds the
// duplicate detector's features of its records and its clusters
// (dedup.MarshalFeatures), computed at the build so that a server does not
// compute them again.
const FeaturesAttachment = "dedup-features.bin"

// UseStoredFeatures lets Similar and Dups load the features stored with
// the index when the code that made them has the key key returns (the
// build's; asked for only then), and compute them only when they are
// missing, stale or damaged. Call it before the first Similar or Dups.
func (s *Searcher) UseStoredFeatures(key func() string) { s.featuresKey = key }

// storedFeatures loads the stored features; nil and no error when there
// are none to use: none stored, made by other code or with other
// settings, damaged, or not those of the index's records.
func (s *Searcher) storedFeatures(ctx context.Context, opts dedup.Options) (*dedup.Index, error) {
	if s.featuresKey == nil {
		return nil, nil
	}
	data, err := s.mappedFeatures()
	if err != nil {
		return nil, nil
	}
	// Whether they are the features of the index's records: the digests
	// of the records' IDs both stored at the build agree
	// (record.IDDigest), or without them, the IDs read from the index.
	digest := s.ix.Meta().IDs
	if digest != "" {
		dd, err := dedup.LoadIndex(ctx, data, s.featuresKey(), opts)
		if err != nil {
			return nil, ctx.Err() // derived data: computing it again is the remedy
		}
		if stored := dd.IDsDigest(); stored != "" {
			if stored != digest {
				return nil, nil // the features of other records
			}
			return dd, nil
		}
		return s.sameRecords(ctx, dd, nil)
	}
	// The index's IDs are read while the features decode, on another
	// core (at a million records each takes seconds).
	ids := make(chan idSet, 1)
	seed := maphash.MakeSeed()
	go func() { ids <- s.idSet(ctx, seed) }()
	dd, err := dedup.LoadIndex(ctx, data, s.featuresKey(), opts)
	if err != nil {
		<-ids
		return nil, ctx.Err()
	}
	return s.sameRecords(ctx, dd, &seedSet{seed, ids})
}

// seedSet is the idSet of the index being read, with its seed.
type seedSet struct {
	seed maphash.Seed
	set  <-chan idSet
}

// sameRecords returns dd when its records are the index's by their IDs
// (read from the index now unless in is their set being read), nil when
// they are not.
func (s *Searcher) sameRecords(ctx context.Context, dd *dedup.Index, in *seedSet) (*dedup.Index, error) {
	if in == nil {
		ids := make(chan idSet, 1)
		in = &seedSet{maphash.MakeSeed(), ids}
		ids <- s.idSet(ctx, in.seed)
	}
	set := <-in.set
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if set.err != nil {
		return nil, set.err
	}
	if set != setOf(dd, in.seed) {
		return nil, nil // the features of other records
	}
	return dd, nil
}

// mappedFeatures maps the stored features, once: mapped, not read,
// features of the current format are used where they lie
// (dedup.LoadIndex), until the index closes.
func (s *Searcher) mappedFeatures() ([]byte, error) {
	s.featuresOnce.Do(func() { s.features, s.featuresErr = s.ix.MapAttachment(FeaturesAttachment) })
	return s.features, s.featuresErr
}

// idSet stands for a set of record IDs: their number and the sum of their
// hashes, which does not depend on their order. The stored features are
// those of the index's records when both agree (a different set agrees by
// chance once in 2^64).
type idSet struct {
	n   int
	sum uint64
	err error
}

// idSet reads the index's record IDs.
func (s *Searcher) idSet(ctx context.Context, seed maphash.Seed) idSet {
	var set idSet
	set.err = s.ix.IDs(ctx, func(id string) error {
		set.n++
		set.sum += maphash.String(seed, id)
		return nil
	})
	return set
}

// setOf is the idSet of dd's records.
func setOf(dd *dedup.Index, seed maphash.Seed) idSet {
	set := idSet{n: dd.Len()}
	for i := range set.n {
		set.sum += maphash.String(seed, dd.ID(i))
	}
	return set
}

// DedupAttachment names the file stored with an index that holds the
// duplicate detector's settings (dedup.Options as JSON: the synonyms, the
// maintainer's decisions) the build clustered with.
const DedupAttachment = "dedup.json"

// dedupOptions reads the settings the index's clusters were made with; an
// index without them (built by index.Build directly, or by an older iq)
// gets the defaults.
func (s *Searcher) dedupOptions() (dedup.Options, error) {
	var opts dedup.Options
	data, err := s.ix.Attachment(DedupAttachment)
	if errors.Is(err, fs.ErrNotExist) {
		return opts, nil
	}
	if err != nil {
		return opts, err
	}
	if err := json.Unmarshal(data, &opts); err != nil {
		return opts, fmt.Errorf("read %s of index %s: %w", DedupAttachment, s.ix.Dir(), err)
	}
	return opts, nil
}

// records reads every record of the index.
func (s *Searcher) records(ctx context.Context) ([]record.Record, error) {
	n, err := s.ix.Count()
	if err != nil {
		return nil, err
	}
	recs := make([]record.Record, 0, n)
	err = s.ix.Records(ctx, func(r record.Record) error {
		recs = append(recs, r)
		return nil
	})
	return recs, err
}

// Similar ranks the records most likely to be duplicates of the one asked
// about, with scores, down to MinSimilarScore. An unknown ID gives an *Error with code "not_found".
func (s *Searcher) Similar(ctx context.Context, req SimilarRequest) (_ *SimilarResult, err error) {
	defer guard(s.ix, &err, debug.SetPanicOnFault(true))
	start := time.Now()
	if err := req.normalize(); err != nil {
		return nil, err
	}
	st, err := s.dupState(ctx)
	if err != nil {
		return nil, err
	}
	res := &SimilarResult{Matches: []SimilarHit{}}
	var matches []dedup.Match
	if req.ID != "" {
		i, ok := st.dd.Lookup(req.ID)
		if !ok {
			return nil, &Error{Code: ErrNotFound.Code, Message: fmt.Sprintf("query: no question with id %q", req.ID)}
		}
		c := st.dd.Card(i)
		res.ID, res.Question = c.ID, c.Question
		matches, err = st.dd.SimilarToContext(ctx, i, req.Limit)
	} else {
		res.Question = strings.TrimSpace(req.Text)
		matches, err = st.dd.SimilarContext(ctx, record.Record{Question: res.Question}, req.Limit)
	}
	if err != nil {
		return nil, err
	}
	for _, m := range matches {
		if m.Score < MinSimilarScore {
			break
		}
		r, err := s.listed(st.dd, m.ID)
		if err != nil {
			return nil, err
		}
		res.Matches = append(res.Matches, SimilarHit{
			QuestionRef: refOf(&r), Cluster: r.Cluster, Score: round3(m.Score),
			Duplicate: m.Score >= dedup.DefaultMinScore, Why: whyOf(m.Detail),
		})
	}
	res.TookMS = ms(time.Since(start))
	return res, nil
}

// listed reads a record a list of duplicates shows from the index: by its
// place among the IDs, which stored features know (dedup's IDRank) and the
// index's ID order finds in a read or two (index.RecordNear), instead of
// looking its ID up in every segment.
func (s *Searcher) listed(dd *dedup.Index, id string) (r record.Record, err error) {
	var ok bool
	if k, ranked := dd.IDRank(id); ranked {
		r, ok, err = s.ix.RecordNear(id, k)
	} else {
		r, ok, err = s.ix.Record(id)
	}
	if err == nil && !ok {
		err = fmt.Errorf("query: record %s of the duplicate detector is not in index %s", id, s.ix.Dir())
	}
	return r, err
}

// Dups lists the clusters of near-duplicates, largest first.
func (s *Searcher) Dups(ctx context.Context, req DupsRequest) (_ *DupsResult, err error) {
	defer guard(s.ix, &err, debug.SetPanicOnFault(true))
	start := time.Now()
	if err := req.normalize(); err != nil {
		return nil, err
	}
	if f, ok := record.FacetNamed(record.FieldTopic); ok {
		if err := s.checkKnown(f, req.Topics); err != nil {
			return nil, err
		}
	}
	st, err := s.dupState(ctx)
	if err != nil {
		return nil, err
	}
	clusters, err := st.clustersAt(ctx, req.MinScore)
	if err != nil {
		return nil, err
	}
	res := &DupsResult{MinScore: req.MinScore, Clusters: []DupCluster{}, Decisions: st.dd.Decisions()}
	for i := range clusters.Len() {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !s.clusterMatches(st, clusters, i, req) {
			continue
		}
		res.Total++
		res.Questions += clusters.Size(i)
		if res.Total <= req.Offset || len(res.Clusters) >= req.Limit {
			continue
		}
		c := clusters.At(i)
		dc := DupCluster{ID: c.ID, Question: c.Members[0].Question, Size: len(c.Members)}
		for k, m := range c.Members {
			r, err := s.listed(st.dd, m.ID)
			if err != nil {
				return nil, err
			}
			dm := DupMember{QuestionRef: refOf(&r), Score: round3(m.Score)}
			if k > 0 {
				dm.Why = whyOf(st.dd.ExplainPair(m.Index, c.Members[0].Index))
				if slices.ContainsFunc(c.Members, func(o dedup.Member) bool { return o.Index != m.Index && st.dd.DecidedSame(m.Index, o.Index) }) {
					dm.Decision = DecisionDuplicates
					dm.Reason = joinReason("the same by a maintainer's decision", dm.Reason)
				}
			} else if st.dd.DecidedCanonical(m.Index) {
				dm.Decision = DecisionCanonical
				dm.Reason = "chosen as canonical by a maintainer's decision"
			}
			dc.Members = append(dc.Members, dm)
		}
		res.Clusters = append(res.Clusters, dc)
	}
	res.TookMS = ms(time.Since(start))
	return res, nil
}

// clusterMatches says whether a member of cluster k of cs has one of the
// asked levels and one of the asked topics (topics without regard to
// case).
func (s *Searcher) clusterMatches(st *dupState, cs *dedup.ClusterList, k int, req DupsRequest) bool {
	if len(req.Levels) == 0 && len(req.Topics) == 0 {
		return true
	}
	for j := range cs.Size(k) {
		r := st.dd.Card(cs.MemberIndex(k, j))
		if len(req.Levels) > 0 && !slices.Contains(req.Levels, r.Level) {
			continue
		}
		if len(req.Topics) > 0 && !slices.ContainsFunc(r.Topics, func(t string) bool {
			return slices.ContainsFunc(req.Topics, func(w string) bool { return strings.EqualFold(t, w) })
		}) {
			continue
		}
		return true
	}
	return false
}

func nonNilSources(s []record.Source) []record.Source {
	if s == nil {
		return []record.Source{}
	}
	return s
}

// round3 keeps scores readable and the JSON stable across platforms.
func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Deduplicated returns the index's records with each cluster of
// near-duplicates merged into one record (dedup.Merge): the canonical
// question with every member's answers and sources. It is the bank `iq
// dups export` writes and `iq index` reads back.
func (s *Searcher) Deduplicated(ctx context.Context) ([]record.Record, error) {
	st, err := s.dupState(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := s.records(ctx)
	if err != nil {
		return nil, err
	}
	return dedup.Merge(recs, st.clusters.All()), nil
}
