package main

import (
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/pipeline"
	"github.com/iq-search/iq/query"
	"github.com/iq-search/iq/record"
)

// completeLevels completes a level flag from record.Levels.
func completeLevels(cmd *cobra.Command, flag string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return record.Levels, cobra.ShellCompDirectiveNoFileComp
	})
}

// completeFacet completes a facet's flag: from its closed set of values
// (levels), or from the values in the index.
func completeFacet(cmd *cobra.Command, f record.Facet, indexDir *string) {
	if f.Closed != nil {
		_ = cmd.RegisterFlagCompletionFunc(f.Name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return f.Closed, cobra.ShellCompDirectiveNoFileComp
		})
		return
	}
	completeValues(cmd, f.Name, f.Name, indexDir)
}

// addFacetFlags adds a repeatable flag for each facet (record.Facets),
// completed as completeFacet does, and returns where each flag's values go.
func addFacetFlags(cmd *cobra.Command, indexDir *string) map[string]*[]string {
	filters := make(map[string]*[]string, len(record.Facets))
	for _, fc := range record.Facets {
		filters[fc.Name] = new([]string)
		cmd.Flags().StringArrayVarP(filters[fc.Name], fc.Name, fc.Short, nil, fc.Flag)
		completeFacet(cmd, fc, indexDir)
	}
	return filters
}

// filterValues puts the facet flags that were given into URL values for
// query.ParseRequest.
func filterValues(filters map[string]*[]string) url.Values {
	v := url.Values{}
	for name, vs := range filters {
		if len(*vs) > 0 {
			v[name] = *vs
		}
	}
	return v
}

// completeValues completes a facet flag from the values in the index. It
// opens an existing index only: a shell completion must not start a build.
func completeValues(cmd *cobra.Command, flag, field string, indexDir *string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		dir, _, err := pipeline.Dir(*indexDir)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ix, err := index.Open(dir)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		s, err := query.NewSearcher(ix)
		if err != nil {
			ix.Close()
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer s.Close()
		var out []string
		for _, v := range s.Values(field) {
			if strings.HasPrefix(strings.ToLower(v), strings.ToLower(prefix)) {
				out = append(out, v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}
