package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

type searchOptions struct {
	indexDir string
	// filters holds the values of each facet's flag (record.Facets).
	filters map[string]*[]string
	limit   int
	offset  string
	all     bool
	sort    string
	json    bool
	explain bool
	args    []string
	// set records which of limit, offset, all and sort were given, so
	// that query.ParseRequest applies the same defaults as for a URL.
	set map[string]bool
}

func newSearchCmd(a *app) *cobra.Command {
	opts := &searchOptions{}
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Search the questions",
		Long: `Search the interview questions. QUERY is plain words; the hits contain most of them,
and the last word also matches as the start of a word (webso finds WebSocket).
  "exact phrase"          words next to each other
  -word  -"a phrase"      leave out hits containing them
  level:beginner          filter inline (also topic:, tag:, source:)
Anything else, such as std::move, @app.get or c++, is searched as written.
A QUERY of - is read from standard input. When no question matches, iq retries
with the closest known spelling and says so.

On a terminal iq shows 10 hits; piped, every hit, one tab-separated line each
(id, level, topics, file:line, question). Exit status 1 when nothing matches.`,
		Example: `  iq search "dependency injection"
  iq search "dependency injection" -l beginner -j
  iq search 'oauth2 "password bearer" -django'
  iq search -t fastapi --sort level -n 0 | cut -f1
  echo "closures in loops" | iq search -`,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.args = args
			opts.set = map[string]bool{}
			for _, f := range []string{"limit", "offset", "all", "sort"} {
				opts.set[f] = cmd.Flags().Changed(f)
			}
			return runSearch(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.indexDir)
	opts.filters = addFacetFlags(cmd, &opts.indexDir)
	f.IntVarP(&opts.limit, "limit", "n", query.DefaultLimit, "show `N` hits; 0 for all (the default when piped)")
	f.StringVar(&opts.offset, "offset", "0", "skip the first `N` hits")
	f.BoolVar(&opts.all, "all", false, "show every near-duplicate instead of one per cluster")
	f.StringVar(&opts.sort, "sort", "", "order hits by `ORDER`: relevance, level or source (file and line); default relevance, or source without a QUERY")
	f.BoolVarP(&opts.json, "json", "j", false, "print the result as JSON (as GET /api/search does)")
	f.BoolVar(&opts.explain, "explain", false, "show how each hit's score was made (the signals of query/rank.go)")
	_ = cmd.RegisterFlagCompletionFunc("sort", cobra.FixedCompletions(query.Sorts, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// values puts the flags into URL values for query.ParseRequest, the parser
// the HTTP endpoint uses too. The limit is left out when it is not one
// page of the API (0, or more than query.MaxLimit): runSearch streams
// those.
func (o *searchOptions) values(text string) url.Values {
	v := filterValues(o.filters)
	if text != "" {
		v.Set(query.ParamText, text)
	}
	if o.set["limit"] && o.limit != 0 && o.limit <= query.MaxLimit {
		v.Set(query.ParamLimit, strconv.Itoa(o.limit))
	}
	if o.set["offset"] {
		v.Set(query.ParamOffset, o.offset)
	}
	if o.set["all"] {
		v.Set(query.ParamAll, strconv.FormatBool(o.all))
	}
	if o.set["sort"] {
		v.Set(query.ParamSort, o.sort)
	}
	return v
}

func runSearch(ctx context.Context, a *app, opts *searchOptions) error {
	text, err := argText(a, opts.args)
	if err != nil {
		return err
	}
	if opts.limit < 0 {
		return usageError{fmt.Errorf("search: limit %d is out of range, want 0 (all) or more", opts.limit)}
	}
	req, err := query.ParseRequest(opts.values(text))
	if err != nil {
		return usageError{err}
	}
	req.Explain = opts.explain
	if strings.TrimSpace(req.Text) == "" && len(req.Filters) == 0 {
		flags := make([]string, len(record.Facets))
		for i, f := range record.Facets {
			flags[i] = "--" + f.Name
		}
		return usageError{fmt.Errorf("search: give a QUERY or a filter (%s)", strings.Join(flags, ", "))}
	}
	out := newOutput(a, opts.json)
	// How many hits: one page of the API (the same JSON as GET
	// /api/search) unless -n asks for more than a page or for all (0);
	// piped without -n, every hit, as grep prints every line.
	limit := opts.limit
	if !opts.set["limit"] && out.mode == modePlain {
		limit = 0
	}
	s, err := openSearcher(ctx, out, opts.indexDir)
	if err != nil {
		return err
	}
	defer s.Close()
	var res *query.Result
	if limit != 0 && limit <= query.MaxLimit {
		if res, err = s.Search(ctx, req); err != nil {
			return callerError(err)
		}
		err = out.searchResult(res)
	} else {
		res, err = out.streamSearch(ctx, s, req, limit)
	}
	if err != nil {
		return callerError(err)
	}
	if res.Total == 0 {
		return errNoMatch
	}
	return nil
}

// errEnough stops a stream once -n hits are printed.
var errEnough = errors.New("enough hits")

// streamSearch prints every hit of req from its offset (limit 0) or the
// first limit of them. Piped, each line is printed as its hit arrives;
// on a terminal and as JSON the hits are gathered and printed as one
// result.
func (o *output) streamSearch(ctx context.Context, s *query.Searcher, req query.Request, limit int) (*query.Result, error) {
	var hits []query.Hit
	n := 0
	res, err := s.Stream(ctx, req, func(h query.Hit) error {
		if o.mode == modePlain {
			o.plainHit(h)
		} else {
			hits = append(hits, h)
		}
		n++
		if limit > 0 && n >= limit {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	if errors.Is(err, errEnough) {
		// Stream stopped before it could return its Result: ask for the
		// header (total, facets, spelling) with a page of one.
		req.Limit = 1
		if res, err = s.Search(ctx, req); err != nil {
			return nil, err
		}
	}
	res.Limit = limit
	if hits == nil {
		hits = []query.Hit{}
	}
	res.Hits = hits
	if o.mode == modePlain {
		o.spellingNotes(res)
		return res, nil
	}
	return res, o.searchResult(res)
}

// argText is the text of the arguments, or standard input for a lone "-"
// (its lines joined by spaces).
func argText(a *app, args []string) (string, error) {
	if len(args) != 1 || args[0] != "-" {
		return strings.Join(args, " "), nil
	}
	b, err := io.ReadAll(io.LimitReader(a.in, maxStdin))
	if err != nil {
		return "", fmt.Errorf("read standard input: %w", err)
	}
	return strings.Join(strings.Fields(string(b)), " "), nil
}

// maxStdin bounds what a "-" argument reads: a query or a question, not a
// file (a longer text is refused by the query's own length check).
const maxStdin = 1 << 20

// searchResult prints a search result in the output's mode.
func (o *output) searchResult(res *query.Result) error {
	switch o.mode {
	case modeJSON:
		return o.json(res)
	case modePlain:
		for _, h := range res.Hits {
			o.plainHit(h)
			if h.Explain != nil {
				fmt.Fprint(o.w, explainText(h.Explain, "\t"))
			}
		}
		o.spellingNotes(res)
		return nil
	}
	st := o.styles
	var b strings.Builder
	if res.Fuzzy {
		b.WriteString(st.Block(st.Notice.Render(fmt.Sprintf("No match for %q; showing results for %q", res.Query, res.UsedSpelling)), 0) + "\n")
	} else if res.Suggestion != "" {
		b.WriteString(st.Block(st.Notice.Render(fmt.Sprintf("Did you mean %q?", res.Suggestion)), 0) + "\n")
	}
	if res.Total == 0 {
		b.WriteString(st.Block(st.Muted.Render(fmt.Sprintf("No questions match %q.", res.Query)), 0) + "\n")
		return o.print(b.String())
	}
	shown := fmt.Sprintf("%d–%d of %d", res.Offset+1, res.Offset+len(res.Hits), res.Total)
	if len(res.Hits) == 0 {
		shown = fmt.Sprintf("none of %d past offset %d", res.Total, res.Offset)
	}
	head := fmt.Sprintf("%s results · %.1f ms", shown, res.TookMS)
	if res.Relaxed {
		head += " · matching any word"
	}
	if res.Sort != "" && res.Sort != query.SortRelevance {
		head += " · by " + res.Sort
	}
	b.WriteString(st.Block(st.Muted.Render(head), 0) + "\n")
	for _, f := range []string{record.FieldLevel, record.FieldTopic} {
		if line := facetLine(f, res.Facets[f], 6); line != "" {
			b.WriteString(st.Block(st.Muted.Render(line), 0) + "\n")
		}
	}
	b.WriteString("\n")
	// The number column fits the largest number shown: " 9. ", "10. ",
	// "100. ", so that a question never wraps under its number.
	n := max(4, len(fmt.Sprintf("%d.", res.Offset+len(res.Hits)))+1)
	for i, h := range res.Hits {
		num := st.Number.Render(fmt.Sprintf("%*s", n-1, fmt.Sprintf("%d.", res.Offset+i+1)))
		b.WriteString(st.Hang(num, n, o.marked(h.QuestionHTML, st.Title)) + "\n")
		badges := []string{st.Levels[h.Level].Render(levelLabel(h.Level))}
		for _, t := range h.Topics {
			badges = append(badges, st.Topic.Render(t))
		}
		// A badge has a space of padding on each side: the first one's
		// lines up its text with the question.
		b.WriteString(st.Row(badges, n-1) + "\n")
		body := h.Snippet
		if len(h.Fragments) > 0 {
			body = o.marked(h.Fragments[0], st.Plain)
		}
		if body != "" {
			b.WriteString(firstLines(st.Narrow(1).Block(body, n), 2) + "\n")
		}
		meta := h.ID
		if len(h.Sources) > 0 {
			meta = sourceString(h.Sources[0]) + "  " + h.ID
			if more := len(h.Sources) - 1; more > 0 {
				meta += fmt.Sprintf("  (+%d more)", more)
			}
		}
		if h.Similar > 0 {
			meta += fmt.Sprintf("  · +%d similar (iq similar %s)", h.Similar, h.ID)
		}
		b.WriteString(st.Block(st.Muted.Render(meta), n) + "\n")
		if h.Explain != nil {
			b.WriteString(st.Muted.Render(explainText(h.Explain, "    ")))
		}
		b.WriteString("\n")
	}
	return o.print(b.String())
}

// explainText renders a score explanation as an indented tree, one part a
// line: the value, then what it is.
func explainText(e *query.Explanation, indent string) string {
	var b strings.Builder
	var walk func(e *query.Explanation, depth int)
	walk = func(e *query.Explanation, depth int) {
		fmt.Fprintf(&b, "%s%s%.4f  %s\n", indent, strings.Repeat("  ", depth), e.Score, e.Why)
		for _, p := range e.Parts {
			walk(p, depth+1)
		}
	}
	walk(e, 0)
	return b.String()
}

// plainHit prints one hit as a tab-separated line: id, level, topics,
// first source, question (last, because it is the free text).
func (o *output) plainHit(h query.Hit) {
	src := ""
	if len(h.Sources) > 0 {
		src = sourceString(h.Sources[0])
	}
	fmt.Fprintf(o.w, "%s\t%s\t%s\t%s\t%s\n", h.ID, h.Level, strings.Join(h.Topics, ","), src, plainField(h.Question))
}

// spellingNotes tells a reader of plain output on stderr what the JSON
// says in fuzzy and suggestion.
func (o *output) spellingNotes(res *query.Result) {
	if res.Fuzzy {
		o.warn("iq: no match for %q; showing results for %q", res.Query, res.UsedSpelling)
	} else if res.Suggestion != "" {
		o.warn("iq: did you mean %q?", res.Suggestion)
	}
}

func levelLabel(l string) string {
	if l == "" {
		return "any level"
	}
	return l
}

// facetLine renders "level: beginner 3 · advanced 1" with at most n values.
func facetLine(name string, counts []query.FacetCount, n int) string {
	if len(counts) == 0 {
		return ""
	}
	parts := make([]string, 0, n)
	for _, c := range counts[:min(n, len(counts))] {
		parts = append(parts, fmt.Sprintf("%s %d", c.Value, c.Count))
	}
	s := name + ": " + strings.Join(parts, " · ")
	if len(counts) > n {
		s += fmt.Sprintf(" · +%d more", len(counts)-n)
	}
	return s
}

func sourceString(s record.Source) string {
	if s.Line <= 0 {
		return s.File
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}
