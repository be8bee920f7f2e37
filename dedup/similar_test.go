package dedup

import (
	"strings"
	"testing"

	"github.com/iq-search/iq/record"
)

func TestSimilar(t *testing.T) {
	recs := seedRecords(t)
	ix := NewIndex(recs, Options{})
	for _, tc := range []struct {
		target string
		want   string // in the best match
	}{
		{"How can I use websockets with FastAPI?", "WebSocket"},
		{"How to version an API in FastAPI?", "versioning"},
		{"What is middleware in FastAPI?", "middleware"},
		{"Why is dependency injection useful in FastAPI?", "dependency injection"},
	} {
		ms := ix.Similar(record.Record{Question: tc.target}, 3)
		if len(ms) == 0 || !strings.Contains(ms[0].Question, tc.want) {
			t.Errorf("Similar(%q)[0] = %v; want %q", tc.target, ms, tc.want)
		}
		for i := 1; i < len(ms); i++ {
			if ms[i].Score > ms[i-1].Score {
				t.Errorf("Similar(%q): score %v after %v; want best first", tc.target, ms[i].Score, ms[i-1].Score)
			}
		}
	}
	// A record of the collection is not its own match.
	self := recs[0]
	for _, m := range ix.Similar(self, 5) {
		if m.ID == self.ID {
			t.Errorf("Similar(%q) returned the record itself", self.Question)
		}
	}
}
