package dedup

import (
	"context"
	"errors"
	"testing"
)

// The context variants stop on a done context with its error, and on a
// live one answer as the plain calls do.
func TestContextVariants(t *testing.T) {
	recs := seedRecords(t)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewIndexContext(done, recs, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("NewIndexContext(cancelled) error = %v; want context.Canceled", err)
	}
	ix := NewIndex(recs, Options{})
	if _, err := ix.ClustersAtContext(done, 0.2); !errors.Is(err, context.Canceled) {
		t.Errorf("ClustersAtContext(cancelled) error = %v; want context.Canceled", err)
	}
	if _, err := ix.SimilarContext(done, recs[0], 10); !errors.Is(err, context.Canceled) {
		t.Errorf("SimilarContext(cancelled) error = %v; want context.Canceled", err)
	}
	live := context.Background()
	got, err := ix.ClustersAtContext(live, 0.5)
	if want := ix.ClustersAt(0.5); err != nil || len(got) != len(want) {
		t.Errorf("ClustersAtContext(live) = %d clusters, %v; want %d, nil", len(got), err, len(want))
	}
	ms, err := ix.SimilarContext(live, recs[0], 5)
	if want := ix.Similar(recs[0], 5); err != nil || len(ms) != len(want) {
		t.Errorf("SimilarContext(live) = %d matches, %v; want %d, nil", len(ms), err, len(want))
	}
}
