package index

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/golang/snappy"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/internal/cputime"
)

// TestPackRecord: every corpus record's JSON comes back byte for byte, and
// a stored value that is not a deflated record is damage, not a panic or
// a wrong record.
func TestPackRecord(t *testing.T) {
	var packed, plain int
	for _, r := range loadCorpus(t) {
		raw, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		p := packRecord(raw)
		packed, plain = packed+len(p), plain+len(raw)
		got, err := unpackRecord(p)
		if err != nil || string(got) != string(raw) {
			t.Fatalf("unpackRecord(packRecord(%s)) = %.40q, %v; want the JSON back", r.ID, got, err)
		}
	}
	if packed >= plain {
		t.Errorf("the corpus's records packed take %d bytes, their JSON %d", packed, plain)
	}
	for name, stored := range map[string][]byte{
		"empty":     nil,
		"plain":     []byte(`{"id":"0123456789abcdef","question":"What is a goroutine?"}`),
		"truncated": packRecord([]byte(`{"id":"0123456789abcdef","question":"What is a goroutine?"}`))[:10],
	} {
		if got, err := unpackRecord(stored); !errors.Is(err, ErrCorrupt) {
			t.Errorf("unpackRecord(%s) = %q, %v; want ErrCorrupt", name, got, err)
		}
	}
}

// FuzzUnpackRecord: any stored bytes give a record's bytes or an error,
// never a panic; any bytes packed come back as they were.
func FuzzUnpackRecord(f *testing.F) {
	f.Add(packRecord([]byte(`{"id":"0123456789abcdef","question":"What is a goroutine?","answers":[]}`)))
	f.Add([]byte(`{"id":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		unpackRecord(b)
		if got, err := unpackRecord(packRecord(b)); err != nil || !bytes.Equal(got, b) {
			t.Fatalf("unpackRecord(packRecord(%q)) = %q, %v", b, got, err)
		}
	})
}

// BenchmarkPackRecord measures what the stored record's deflate costs and
// saves (BENCHMARKS.md, "Stored text once"): 10k synthetic records' JSON
// compressed as zap compresses a document's stored values (snappy) and as
// packRecord stores it (deflate at recordLevel), each with its size over
// the JSON's (packed/json) and its CPU for the 10k (one core), and
// unpackRecord's CPU a record.
func BenchmarkPackRecord(b *testing.B) {
	const n = 10000
	var raws [][]byte
	plain := 0
	for r, err := range synth.Stream(n, 1) {
		if err != nil {
			b.Fatal(err)
		}
		raw, err := json.Marshal(r)
		if err != nil {
			b.Fatal(err)
		}
		raws, plain = append(raws, raw), plain+len(raw)
	}
	if len(raws) != n {
		b.Fatalf("synth.Stream(%d) gave %d records", n, len(raws))
	}
	compress := func(name string, pack func([]byte) []byte) {
		b.Run(name, func(b *testing.B) {
			packed := 0
			cpu0 := cputime.Used()
			for b.Loop() {
				packed = 0
				for _, raw := range raws {
					packed += len(pack(raw))
				}
			}
			b.ReportMetric((cputime.Used()-cpu0).Seconds()/float64(b.N), "cpu-s/10k")
			b.ReportMetric(float64(packed)/float64(plain), "packed/json")
		})
	}
	compress("snappy", func(raw []byte) []byte { return snappy.Encode(nil, raw) })
	compress("deflate", packRecord)
	b.Run("inflate", func(b *testing.B) {
		packed := make([][]byte, len(raws))
		for i, raw := range raws {
			packed[i] = packRecord(raw)
		}
		cpu0 := cputime.Used()
		for b.Loop() {
			for i, p := range packed {
				raw, err := unpackRecord(p)
				if err != nil || len(raw) != len(raws[i]) {
					b.Fatalf("unpackRecord(record %d) = %d bytes, %v; want %d", i, len(raw), err, len(raws[i]))
				}
			}
		}
		b.ReportMetric((cputime.Used()-cpu0).Seconds()*1e6/float64(b.N*n), "cpu-us/record")
	})
}
