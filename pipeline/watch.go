package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/iq-search/iq/ingest"
)

// settle is how long the sources must stay quiet after a change before
// Watch refreshes: an editor's save or a `git pull` is a burst of events.
const settle = 300 * time.Millisecond

// Watch builds the index as Build does, then keeps it fresh: each time a
// file under its sources (or its taxonomy, synonym or decisions file)
// changes, is added or removed, it refreshes the index (re-reading the
// changed files only) once the sources have been quiet for a moment. It calls done after
// every build, with its report or error, and returns when ctx is done
// (nil) or the sources cannot be watched. fsnotify watches folders, not
// trees, so every folder below a source is watched, and new ones as they
// appear.
func Watch(ctx context.Context, opts OpenOptions, done func(*BuildReport, error)) error {
	dir, named, err := Dir(opts.IndexDir)
	if err != nil {
		return err
	}
	origin, err := buildOrigin(dir, named, opts)
	if err != nil {
		return err
	}
	if origin.Embedded {
		return errors.New("the embedded corpus does not change: nothing to watch")
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch sources: %w", err)
	}
	defer w.Close()
	watched := map[string]bool{}
	add := func(dir string) error {
		if watched[dir] {
			return nil
		}
		if err := w.Add(dir); err != nil {
			return fmt.Errorf("watch %s: %w", dir, err)
		}
		watched[dir] = true
		return nil
	}
	// files are sources given as files, and the taxonomy, synonyms and
	// decisions: their folders are watched, their events alone count.
	files := map[string]bool{}
	for _, p := range origin.settingFiles() {
		if p != "" {
			files[p] = true
		}
	}
	for _, s := range origin.Sources {
		if s.Path == ingest.Stdin || ingest.IsURL(s.Path) {
			continue // a page or standard input sends no file events
		}
		st, err := os.Stat(s.Path)
		if err != nil {
			return fmt.Errorf("watch %s: %w", s.Path, err)
		}
		if !st.IsDir() {
			files[s.Path] = true
			continue
		}
		if err := addTree(s.Path, add); err != nil {
			return err
		}
	}
	for f := range files {
		if err := add(filepath.Dir(f)); err != nil {
			return err
		}
	}
	// The sources are watched before the first build, so that no change
	// made while it runs is missed.
	rep, err := Build(ctx, opts)
	done(rep, err)
	if err != nil {
		return err
	}
	// Later builds refresh what the index remembers.
	opts.Sources, opts.Embedded = nil, false
	relevant := func(name string) bool {
		if files[name] {
			return true
		}
		if strings.HasPrefix(filepath.Base(name), ".") {
			return false // hidden: never indexed
		}
		for _, s := range origin.Sources {
			if name == s.Path || strings.HasPrefix(name, s.Path+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-w.Errors:
			opts.notify("watching the sources: %v", err)
		case ev := <-w.Events:
			if !relevant(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					if err := addTree(ev.Name, add); err != nil {
						opts.notify("%v", err)
					}
				}
			}
			if timer == nil {
				timer = time.NewTimer(settle)
			} else {
				timer.Reset(settle)
			}
			fire = timer.C
		case <-fire:
			fire = nil
			rep, err := Build(ctx, opts)
			if ctx.Err() != nil {
				return nil
			}
			done(rep, err)
		}
	}
}

// addTree watches dir and every folder below it but hidden ones.
func addTree(dir string, add func(string) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		return add(p)
	})
}
