package record

import (
	"slices"
	"testing"
)

func TestIDDigest(t *testing.T) {
	digest := func(ids ...string) string {
		var d IDDigest
		for _, id := range ids {
			d.Add(id)
		}
		return d.String()
	}
	ids := []string{"a1", "b2", "c3", "d4"}
	rev := slices.Clone(ids)
	slices.Reverse(rev)
	if got, want := digest(rev...), digest(ids...); got != want {
		t.Errorf("digest of the IDs reversed = %s; want %s (the order must not matter)", got, want)
	}
	for _, c := range []struct {
		name  string
		other []string
	}{
		{"one removed", ids[1:]},
		{"one added", append(slices.Clone(ids), "e5")},
		{"one replaced", []string{"a1", "b2", "c3", "d5"}},
		{"one twice", append(slices.Clone(ids), "a1")},
		{"none", nil},
	} {
		if digest(c.other...) == digest(ids...) {
			t.Errorf("%s: digest %s equals the set's", c.name, digest(c.other...))
		}
	}
	if got := digest(); got != "0:00000000000000000000000000000000" {
		t.Errorf("digest of no IDs = %s", got)
	}
}
