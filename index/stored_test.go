package index

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
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
