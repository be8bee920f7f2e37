package main

import (
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
