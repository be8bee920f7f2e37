package query

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/iq-search/iq/record"
)

// Limits on a Request. They bound the work one request can ask for, so the
// HTTP endpoint can take user input as it comes.
const (
	DefaultLimit = 10
	MaxLimit     = 100
	// MaxOffset bounds deep paging: Bleve collects offset+limit hits and
	// sorts them, so a huge offset is a cheap way to make a search slow.
	MaxOffset = 10000
	// MaxTextLen is the longest query text in characters. Nobody types more;
	// a longer text is a paste accident or an attack, and every word of it
	// becomes a term search.
	MaxTextLen = 1000
	// maxValueLen bounds one filter value (topic, tag, source).
	maxValueLen = 200
	// maxValues bounds how many filter values one request may carry.
	maxValues = 50
)

// Request is one search, as the CLI flags and the HTTP query string describe
// it. Both fill it through ParseRequest, so they cannot disagree.
type Request struct {
	// Text is what the user typed, in the syntax documented in syntax.go.
	Text string `json:"q"`
	// Filters restrict the hits by facet values.
	Filters Filters `json:"filters,omitempty"`
	Limit   int     `json:"limit"`
	Offset  int     `json:"offset"`
	// All keeps every member of a near-duplicate cluster instead of only
	// the best-scoring one.
	All bool `json:"all,omitempty"`
	// Sort orders the hits: SortRelevance, SortLevel or SortSource. Empty
	// means relevance when there is text to rank by, else source order
	// (browsing a filter lists the questions as their files do).
	Sort string `json:"sort,omitempty"`
	// Explain asks for each hit's score explanation (Hit.Explain): `iq
	// search --explain`. It is no URL parameter.
	Explain bool `json:"-"`
}

// Orders of the hits (Request.Sort).
const (
	// SortRelevance: best score first.
	SortRelevance = "relevance"
	// SortLevel: beginner, intermediate, advanced, then no level; by
	// score within a level.
	SortLevel = "level"
	// SortSource: by the file and line of a question's first source, as
	// the files list them.
	SortSource = "source"
)

// Sorts lists the orders a Request may ask for.
var Sorts = []string{SortRelevance, SortLevel, SortSource}

// Filters holds filter values by facet name (record.Facets): the values
// of one facet are alternatives (OR), different facets must all hold
// (AND).
type Filters map[string][]string

// empty reports whether f filters nothing.
func (f Filters) empty() bool {
	for _, vs := range f {
		if len(vs) > 0 {
			return false
		}
	}
	return true
}

// add appends values of a facet, without repeats (ignoring case).
func (f *Filters) add(name string, vs ...string) {
	for _, v := range vs {
		if *f == nil {
			*f = Filters{}
		}
		(*f)[name] = appendNew((*f)[name], v)
	}
}

// Error is a bad request: the caller's fault, never the index's. Code is a
// stable identifier for programs (the HTTP API maps every *Error to 400);
// Message is the one line shown to people.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Message }

// Error codes.
const (
	CodeBadParam = "bad_param"
	// CodeBadLevel is the code of an unknown level; a value outside
	// another closed facet (record.Facet.Closed) has "bad_" and the
	// facet's name.
	CodeBadLevel     = "bad_" + record.FieldLevel
	CodeBadLimit     = "bad_limit"
	CodeBadOffset    = "bad_offset"
	CodeBadValue     = "bad_value"
	CodeQueryTooLong = "query_too_long"
	CodeBadSort      = "bad_sort"
)

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: "query: " + fmt.Sprintf(format, args...)}
}

// Parameter names understood by ParseRequest. Each facet's parameter is
// its name (record.Facets); ParamLevel and ParamTopic name the two that
// DupsRequest reads.
const (
	ParamText   = "q"
	ParamLevel  = record.FieldLevel
	ParamTopic  = record.FieldTopic
	ParamLimit  = "limit"
	ParamOffset = "offset"
	ParamAll    = "all"
	ParamSort   = "sort"
)

var params = slices.Concat([]string{ParamText}, record.FacetNames(), []string{ParamLimit, ParamOffset, ParamAll, ParamSort})

// ParseRequest fills a Request from URL values: q, a parameter per facet
// (level, topic, tag, lang, source: repeatable, or comma-separated), limit,
// offset, all and sort. It is the
// only parser of requests: the CLI puts its flags into url.Values and comes
// through here too. The text is parsed as well, so an inline filter such as
// level:expert is rejected here with the same error as the flag. Every
// error is an *Error.
func ParseRequest(v url.Values) (Request, error) {
	var r Request
	if err := checkParams(v, params, record.FacetNames()...); err != nil {
		return r, err
	}
	r.Text = v.Get(ParamText)
	for _, f := range record.Facets {
		r.Filters.add(f.Name, splitValues(v[f.Name])...)
	}
	var err error
	if r.Limit, err = parseLimit(v.Get(ParamLimit), MaxLimit); err != nil {
		return Request{}, err
	}
	if r.Offset, err = parseOffset(v.Get(ParamOffset)); err != nil {
		return Request{}, err
	}
	if s := v.Get(ParamAll); s != "" {
		if r.All, err = strconv.ParseBool(s); err != nil {
			return Request{}, errorf(CodeBadParam, "all %q is not a boolean, want true or false", s)
		}
	}
	r.Sort = v.Get(ParamSort)
	if err := r.normalize(); err != nil {
		return Request{}, err
	}
	return r, nil
}

// Values is the inverse of ParseRequest: the URL values that describe r.
// The HTTP page and tests use it to build links.
func (r Request) Values() url.Values {
	v := url.Values{}
	if r.Text != "" {
		v.Set(ParamText, r.Text)
	}
	for _, f := range record.Facets {
		v[f.Name] = r.Filters[f.Name]
	}
	for k, vs := range v {
		if len(vs) == 0 {
			delete(v, k)
		}
	}
	if r.Limit != 0 && r.Limit != DefaultLimit {
		v.Set(ParamLimit, strconv.Itoa(r.Limit))
	}
	if r.Offset != 0 {
		v.Set(ParamOffset, strconv.Itoa(r.Offset))
	}
	if r.All {
		v.Set(ParamAll, "true")
	}
	if r.Sort != "" {
		v.Set(ParamSort, r.Sort)
	}
	return v
}

// splitValues accepts both level=a&level=b and level=a,b, trims spaces and
// drops empty values and repeats.
func splitValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// normalize checks r and puts it in canonical form: values of closed
// facets (levels) lower case, limit defaulted, text valid UTF-8. Search
// calls it too, so a Request built in Go gets the same checks as one
// parsed from a URL.
func (r *Request) normalize() error {
	if err := checkText(&r.Text); err != nil {
		return err
	}
	if err := checkPage(&r.Limit, r.Offset, DefaultLimit, MaxLimit); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(r.Filters)) {
		if _, ok := record.FacetNamed(name); !ok {
			return errorf(CodeBadParam, "unknown filter %q, want one of %s", name, strings.Join(record.FacetNames(), ", "))
		}
	}
	if r.Sort != "" {
		sort := strings.ToLower(strings.TrimSpace(r.Sort))
		if !slices.Contains(Sorts, sort) {
			return errorf(CodeBadSort, "unknown sort %q, want one of %s", r.Sort, strings.Join(Sorts, ", "))
		}
		r.Sort = sort
	}
	for _, f := range record.Facets {
		vs, ok := r.Filters[f.Name]
		if !ok {
			continue
		}
		if f.Closed != nil {
			var err error
			if vs, err = checkClosed(f, vs); err != nil {
				return err
			}
			r.Filters[f.Name] = vs
		}
		if err := checkValues(f.Name, vs); err != nil {
			return err
		}
	}
	// The text's own filters (level:x) must pass the same checks.
	if _, err := parseText(r.Text); err != nil {
		return err
	}
	return nil
}

// checkParams rejects parameters not in allowed, and repeats of those not
// in repeatable.
func checkParams(v url.Values, allowed []string, repeatable ...string) error {
	for _, k := range slices.Sorted(maps.Keys(v)) {
		if !slices.Contains(allowed, k) {
			return errorf(CodeBadParam, "unknown parameter %q, want one of %s", k, strings.Join(allowed, ", "))
		}
		if len(v[k]) > 1 && !slices.Contains(repeatable, k) {
			return errorf(CodeBadParam, "parameter %q given %d times, want it once", k, len(v[k]))
		}
	}
	return nil
}

// parseLimit reads a limit parameter; empty gives 0, the default.
func parseLimit(s string, maxLimit int) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, errorf(CodeBadLimit, "limit %q is not a number, want 1 to %d", s, maxLimit)
	}
	if n == 0 {
		// normalize reads 0 as "default"; in a URL it is a mistake.
		return 0, errorf(CodeBadLimit, "limit 0 is out of range, want 1 to %d", maxLimit)
	}
	return n, nil
}

// parseOffset reads an offset parameter; empty gives 0.
func parseOffset(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, errorf(CodeBadOffset, "offset %q is not a number, want 0 to %d", s, MaxOffset)
	}
	return n, nil
}

// checkPage defaults a zero limit to def and checks limit and offset.
func checkPage(limit *int, offset, def, maxLimit int) error {
	if *limit == 0 {
		*limit = def
	}
	if *limit < 1 || *limit > maxLimit {
		return errorf(CodeBadLimit, "limit %d is out of range, want 1 to %d", *limit, maxLimit)
	}
	if offset < 0 || offset > MaxOffset {
		return errorf(CodeBadOffset, "offset %d is out of range, want 0 to %d", offset, MaxOffset)
	}
	return nil
}

// checkText repairs invalid UTF-8 in a query text and bounds its length.
func checkText(text *string) error {
	if !utf8.ValidString(*text) {
		*text = strings.ToValidUTF8(*text, "\uFFFD")
	}
	if n := utf8.RuneCountInString(*text); n > MaxTextLen {
		return errorf(CodeQueryTooLong, "text is %d characters, want at most %d", n, MaxTextLen)
	}
	return nil
}

// checkLevels checks and normalises level filter values (DupsRequest).
func checkLevels(ls []string) ([]string, error) {
	f, _ := record.FacetNamed(record.FieldLevel)
	return checkClosed(f, ls)
}

// checkClosed checks and normalises the filter values of a facet with a
// closed set of values: lower case, repeats dropped, at most maxValues.
func checkClosed(f record.Facet, vs []string) ([]string, error) {
	if len(vs) > maxValues {
		return nil, errorf(CodeBadValue, "%d %s values given, want at most %d", len(vs), f.Name, maxValues)
	}
	var out []string
	for _, v := range vs {
		cv, err := checkClosedValue(f, v)
		if err != nil {
			return nil, err
		}
		out = appendNew(out, cv)
	}
	return out, nil
}

// checkClosedValue returns the value of a closed facet that v names.
func checkClosedValue(f record.Facet, v string) (string, error) {
	cv := strings.ToLower(strings.TrimSpace(v))
	if !slices.Contains(f.Closed, cv) {
		return "", errorf("bad_"+f.Name, "unknown %s %q, want one of %s", f.Name, v, strings.Join(f.Closed, ", "))
	}
	return cv, nil
}

func checkValues(name string, vs []string) error {
	if len(vs) > maxValues {
		return errorf(CodeBadValue, "%d %s values given, want at most %d", len(vs), name, maxValues)
	}
	for _, v := range vs {
		if n := utf8.RuneCountInString(v); n > maxValueLen {
			return errorf(CodeBadValue, "%s value is %d characters, want at most %d", name, n, maxValueLen)
		}
		if !utf8.ValidString(v) {
			return errorf(CodeBadValue, "%s value %q is not valid UTF-8", name, v)
		}
	}
	return nil
}
