package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Watch keeps an index fresh: a file added, a folder added, a file
// removed, a new decisions file, each reflected by a refresh, and a
// cancelled context ends it.
func TestWatch(t *testing.T) {
	isolate(t)
	src := notes(t)
	dir := filepath.Join(t.TempDir(), "index")
	decisions := filepath.Join(t.TempDir(), "dups.json")
	write(t, decisions, `{}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	builds := make(chan *BuildReport, 16)
	ended := make(chan error, 1)
	go func() {
		ended <- Watch(ctx, OpenOptions{IndexDir: dir, Sources: []string{src}, Decisions: decisions}, func(rep *BuildReport, err error) {
			if err != nil {
				t.Errorf("watch build: %v", err)
				return
			}
			builds <- rep
		})
	}()
	next := func(what string, wantRecords int) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case rep := <-builds:
				if rep.Records == wantRecords {
					return
				}
			case <-deadline:
				t.Fatalf("%s: no build with %d records", what, wantRecords)
			}
		}
	}
	next("first build", 3)
	write(t, filepath.Join(src, "rust.md"), "# Rust\n\n## What is the borrow checker?\n\nThe part of the compiler that enforces ownership rules.\n")
	next("file added", 4)
	write(t, filepath.Join(src, "more", "deeper", "k8s.md"), "# Kubernetes\n\n## What is a pod?\n\nThe smallest deployable unit.\n")
	next("folder added", 5)
	write(t, filepath.Join(src, "more", "deeper", "helm.md"), "# Helm\n\n## What is a Helm chart?\n\nA package of Kubernetes manifests.\n")
	next("file in the new folder", 6)
	os.Remove(filepath.Join(src, "sql.txt"))
	next("file removed", 5)
	write(t, decisions, `{"not_duplicates": [[{"question": "What is a pod?"}, {"question": "What is a Helm chart?"}]]}`)
	for deadline := time.After(20 * time.Second); ; {
		select {
		case rep := <-builds:
			if rep.Refresh == nil || rep.Refresh.Unchanged {
				continue // a late build of the removal
			}
		case <-deadline:
			t.Fatal("decisions changed: no build that rewrote the index")
		}
		break
	}
	write(t, filepath.Join(src, ".hidden.md"), "# Hidden\n\n## Is this indexed?\n\nNo.\n")
	select {
	case rep := <-builds:
		t.Errorf("a hidden file started a refresh: %+v", rep.Refresh)
	case <-time.After(3 * settle):
	}
	cancel()
	select {
	case err := <-ended:
		if err != nil {
			t.Errorf("Watch after cancel = %v; want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Watch did not end after cancel")
	}
}
