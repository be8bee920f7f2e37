package pipeline

import (
	"context"
	"time"

	"github.com/iq-search/iq/index"
	"github.com/iq-search/iq/query"
)

// Follow watches the index directory of opts and delivers a Searcher over
// each new current generation (made by `iq index`, by hand or --watch) on
// the returned channel, until ctx is done; the receiver owns and closes
// them. from is the generation already served. The pointer is read every
// interval: a few hundred bytes, on every platform alike. A generation that
// does not open (another iq's, damaged) is reported through opts.Notify
// once and skipped: the server keeps what it has.
func Follow(ctx context.Context, opts OpenOptions, from string, every time.Duration) <-chan *query.Searcher {
	out := make(chan *query.Searcher)
	dir, _, err := Dir(opts.IndexDir)
	if err != nil {
		close(out)
		return out
	}
	go func() {
		defer close(out)
		t := time.NewTicker(every)
		defer t.Stop()
		last := from
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			m, err := index.ReadMeta(dir)
			if err != nil || m.Generation == last {
				continue
			}
			last = m.Generation
			ix, err := index.OpenVerify(dir, opts.Verify)
			if err != nil {
				opts.notify("index %s has a new version (%s) that does not open, still serving the one before: %v", dir, m.Generation, err)
				continue
			}
			s, err := newSearcherOrClose(ix, opts)
			if err != nil {
				opts.notify("index %s: %v", dir, err)
				continue
			}
			select {
			case out <- s:
			case <-ctx.Done():
				s.Close()
				return
			}
		}
	}()
	return out
}
