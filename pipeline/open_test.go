package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/query"
)

func TestOpenDamagedIndex(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		setup func(dir string) error
		// rebuilt: Open rebuilds from the embedded corpus; otherwise it
		// must fail with an error naming the directory.
		rebuilt bool
	}{
		{"missing", func(string) error { return nil }, true},
		{"garbage meta", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "iq-index.json"), []byte("{not json"), 0o644)
		}, true},
		{"other version", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "iq-index.json"), []byte(`{"iq_version":"v0.0.1","mapping_version":-1,"shards":1}`), 0o644)
		}, true},
		{"meta but garbage shard", func(dir string) error {
			if err := os.MkdirAll(filepath.Join(dir, "shard-0"), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, "shard-0", "index_meta.json"), []byte("garbage"), 0o644); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, "iq-index.json"), fmt.Appendf(nil, `{"iq_version":%q,"mapping_version":%d,"shards":1,"records":5}`, index.Version(), index.MappingVersion), 0o644)
		}, true},
		{"a user's files", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "thesis.txt"), []byte("precious"), 0o644)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			if tt.name != "missing" {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := tt.setup(dir); err != nil {
				t.Fatal(err)
			}
			s, err := Open(ctx, OpenOptions{IndexDir: dir})
			if !tt.rebuilt {
				if err == nil {
					s.Close()
					t.Fatalf("Open(%s) succeeded over a user's files", tt.name)
				}
				if !strings.Contains(err.Error(), dir) {
					t.Errorf("Open(%s) error %q does not name the directory", tt.name, err)
				}
				if b, rerr := os.ReadFile(filepath.Join(dir, "thesis.txt")); rerr != nil || string(b) != "precious" {
					t.Errorf("Open(%s) touched the user's file: %v", tt.name, rerr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%s) = %v; want a rebuilt index", tt.name, err)
			}
			defer s.Close()
			if res := mustSearch(t, s, query.Request{Text: "dependency injection"}); res.Total == 0 {
				t.Errorf("rebuilt index (%s) finds nothing", tt.name)
			}
		})
	}
}

func mustSearch(t *testing.T, s *query.Searcher, req query.Request) *query.Result {
	t.Helper()
	res, err := s.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%+v): %v", req, err)
	}
	return res
}
