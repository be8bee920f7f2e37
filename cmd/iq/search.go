package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

type searchOptions struct {
	indexDir string
	levels   []string
	topics   []string
	tags     []string
	sources  []string
	limit    string
	offset   string
	all      bool
	json     bool
	args     []string
	// set records which of limit, offset and all were given, so that
	// query.ParseRequest applies the same defaults as for a URL.
	set map[string]bool
}

func newSearchCmd(a *app) *cobra.Command {
	opts := &searchOptions{}
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Search the questions",
		Long: `Search the interview questions. QUERY is plain words; the hits contain most of them.
  "exact phrase"          words next to each other
  -word  -"a phrase"      leave out hits containing them
  level:beginner          filter inline (also topic:, tag:, source:)
Anything else, such as std::move, @app.get or c++, is searched as written.
When no question matches, iq retries with the closest known spelling and says so.`,
		Example: `  iq search "dependency injection"
  iq search "dependency injection" --level beginner --json
  iq search 'oauth2 "password bearer" -django'`,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.args = args
			opts.set = map[string]bool{}
			for _, f := range []string{"limit", "offset", "all"} {
				opts.set[f] = cmd.Flags().Changed(f)
			}
			return runSearch(cmd.Context(), a, opts)
		},
	}
	f := cmd.Flags()
	addIndexFlag(f, &opts.indexDir)
	f.StringArrayVar(&opts.levels, "level", nil, "only `LEVEL` (beginner, intermediate, advanced); repeatable")
	f.StringArrayVar(&opts.topics, "topic", nil, "only `TOPIC`; repeatable")
	f.StringArrayVar(&opts.tags, "tag", nil, "only `TAG`; repeatable")
	f.StringArrayVar(&opts.sources, "source", nil, "only questions from `FILE` or folder; repeatable")
	f.StringVar(&opts.limit, "limit", strconv.Itoa(query.DefaultLimit), fmt.Sprintf("show `N` hits (1 to %d)", query.MaxLimit))
	f.StringVar(&opts.offset, "offset", "0", "skip the first `N` hits")
	f.BoolVar(&opts.all, "all", false, "show every near-duplicate instead of one per cluster")
	f.BoolVar(&opts.json, "json", false, "print the result as JSON (as GET /api/search does)")
	completeLevels(cmd, "level")
	completeValues(cmd, "topic", record.FieldTopic, &opts.indexDir)
	completeValues(cmd, "tag", record.FieldTag, &opts.indexDir)
	completeValues(cmd, "source", record.FieldSource, &opts.indexDir)
	return cmd
}

// values puts the flags into URL values for query.ParseRequest, the parser
// the HTTP endpoint uses too.
func (o *searchOptions) values() url.Values {
	v := url.Values{}
	if len(o.args) > 0 {
		v.Set(query.ParamText, strings.Join(o.args, " "))
	}
	v[query.ParamLevel] = o.levels
	v[query.ParamTopic] = o.topics
	v[query.ParamTag] = o.tags
	v[query.ParamSource] = o.sources
	for k, vs := range v {
		if len(vs) == 0 {
			delete(v, k)
		}
	}
	if o.set["limit"] {
		v.Set(query.ParamLimit, o.limit)
	}
	if o.set["offset"] {
		v.Set(query.ParamOffset, o.offset)
	}
	if o.set["all"] {
		v.Set(query.ParamAll, strconv.FormatBool(o.all))
	}
	return v
}

func runSearch(ctx context.Context, a *app, opts *searchOptions) error {
	req, err := query.ParseRequest(opts.values())
	if err != nil {
		return usageError{err}
	}
	if strings.TrimSpace(req.Text) == "" && len(req.Levels)+len(req.Topics)+len(req.Tags)+len(req.Sources) == 0 {
		return usageError{fmt.Errorf("search: give a QUERY or a filter (--level, --topic, --tag, --source)")}
	}
	return runQuery(ctx, a, opts.indexDir, opts.json,
		func(s *query.Searcher) (*query.Result, error) { return s.Search(ctx, req) }, (*output).searchResult)
}

// searchResult prints a search result in the output's mode.
func (o *output) searchResult(res *query.Result) error {
	switch o.mode {
	case modeJSON:
		return o.json(res)
	case modePlain:
		// id, level, topics, first source, question: one hit a line,
		// question last because it is the free text.
		for _, h := range res.Hits {
			src := ""
			if len(h.Sources) > 0 {
				src = sourceString(h.Sources[0])
			}
			fmt.Fprintf(o.w, "%s\t%s\t%s\t%s\t%s\n", h.ID, h.Level, strings.Join(h.Topics, ","), src, plainField(h.Question))
		}
		if res.Fuzzy {
			o.warn("iq: no match for %q; showing results for %q", res.Query, res.UsedSpelling)
		} else if res.Suggestion != "" {
			o.warn("iq: did you mean %q?", res.Suggestion)
		}
		return nil
	}
	st := o.styles
	var b strings.Builder
	if res.Fuzzy {
		b.WriteString(st.Notice.Render(fmt.Sprintf("No match for %q; showing results for %q", res.Query, res.UsedSpelling)) + "\n")
	} else if res.Suggestion != "" {
		b.WriteString(st.Notice.Render(fmt.Sprintf("Did you mean %q?", res.Suggestion)) + "\n")
	}
	if res.Total == 0 {
		b.WriteString(st.Muted.Render(fmt.Sprintf("No questions match %q.", res.Query)) + "\n")
		_, err := fmt.Fprint(o.w, b.String())
		return err
	}
	shown := fmt.Sprintf("%d–%d of %d", res.Offset+1, res.Offset+len(res.Hits), res.Total)
	if len(res.Hits) == 0 {
		shown = fmt.Sprintf("none of %d past offset %d", res.Total, res.Offset)
	}
	head := fmt.Sprintf("%s results · %.1f ms", shown, res.TookMS)
	if res.Relaxed {
		head += " · matching any word"
	}
	b.WriteString(st.Muted.Render(head) + "\n")
	for _, f := range []string{record.FieldLevel, record.FieldTopic} {
		if line := facetLine(f, res.Facets[f], 6); line != "" {
			b.WriteString(st.Muted.Render(line) + "\n")
		}
	}
	b.WriteString("\n")
	for i, h := range res.Hits {
		num := st.Number.Render(fmt.Sprintf("%d.", res.Offset+i+1))
		b.WriteString(lipgloss.JoinHorizontal(lipgloss.Top, num, st.TitleBox.Render(o.marked(h.QuestionHTML, st.Title))))
		b.WriteString("\n    ")
		b.WriteString(st.Levels[h.Level].Render(levelLabel(h.Level)))
		for _, t := range h.Topics {
			b.WriteString(" " + st.Topic.Render(t))
		}
		b.WriteString("\n")
		body := h.Snippet
		if len(h.Fragments) > 0 {
			body = o.marked(h.Fragments[0], st.Plain)
		}
		if body != "" {
			b.WriteString(firstLines(st.Indented.Render(body), 2) + "\n")
		}
		meta := h.ID
		if len(h.Sources) > 0 {
			meta = sourceString(h.Sources[0]) + "  " + h.ID
			if n := len(h.Sources) - 1; n > 0 {
				meta += fmt.Sprintf("  (+%d more)", n)
			}
		}
		if h.Similar > 0 {
			meta += fmt.Sprintf("  · +%d similar (iq similar %s)", h.Similar, h.ID)
		}
		b.WriteString("    " + st.Muted.Render(meta) + "\n\n")
	}
	_, err := fmt.Fprint(o.w, b.String())
	return err
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
