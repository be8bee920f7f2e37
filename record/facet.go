package record

import "slices"

// Facet is one field that search results are counted and filtered by. It
// is declared once, in Facets, and every layer reads it from there: the
// index mapping (a keyword field with doc values) and documents, the
// request's filters and their URL parameters, the inline filter syntax
// (name:value), the CLI flags and their completion, `iq stats`, and the
// facet counts of results and of GET /api/facets. Adding a facet is one
// entry here and a MappingVersion bump in package index.
type Facet struct {
	// Name is the facet's name everywhere: the index field, the URL
	// parameter and CLI flag (--topic), the inline filter (topic:x), and
	// the key of the facet counts in results, /api/facets and iq stats.
	Name string
	// Flag is the help text of the CLI flag, with its value name in
	// backquotes as pflag wants it; Short its one-letter form, if any.
	Flag, Short string
	// Size is how many of the most frequent values a search returns
	// (iq stats and /api/facets list them all).
	Size int
	// Closed lists every value the facet can have, in order; a filter
	// with another value is an error. Nil: any value the index holds.
	Closed []string
	// Paths marks values that are file paths: a filter value also names
	// every file below a folder of that name, or with that base name.
	Paths bool
	// Single marks a facet with at most one value per record (indexed as
	// one value rather than a list).
	Single bool
	// Of returns a record's values, without repeats.
	Of func(Record) []string
}

// Facets are the facets in display order.
var Facets = []Facet{
	{
		Name: FieldLevel, Short: "l", Flag: "only `LEVEL` (beginner, intermediate, advanced); repeatable",
		Size: 10, Closed: Levels, Single: true,
		Of: func(r Record) []string { return oneValue(r.Level) },
	},
	{
		Name: FieldTopic, Short: "t", Flag: "only `TOPIC`; repeatable", Size: 30,
		Of: func(r Record) []string { return r.Topics },
	},
	{
		Name: FieldTag, Flag: "only `TAG`; repeatable", Size: 30,
		Of: func(r Record) []string { return r.Tags },
	},
	{
		Name: FieldLang, Flag: "only questions in `LANG` (ISO 639-1: en, ru, zh…); repeatable", Size: 10, Single: true,
		Of: func(r Record) []string { return oneValue(r.Lang) },
	},
	{
		Name: FieldSource, Flag: "only questions from `FILE` or folder; repeatable", Size: 30, Paths: true,
		Of: func(r Record) []string {
			var files []string
			for _, s := range r.Sources {
				if !slices.Contains(files, s.File) {
					files = append(files, s.File)
				}
			}
			return files
		},
	},
}

// oneValue is the values of a facet of at most one value: v, or none when
// it is empty.
func oneValue(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

// FacetNames returns the names of Facets, in order.
func FacetNames() []string {
	names := make([]string, len(Facets))
	for i, f := range Facets {
		names[i] = f.Name
	}
	return names
}

// FacetNamed returns the facet with the given name.
func FacetNamed(name string) (Facet, bool) {
	for _, f := range Facets {
		if f.Name == name {
			return f, true
		}
	}
	return Facet{}, false
}
