package study

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAnswerMovesBoxes(t *testing.T) {
	p := New()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var boxes []int
	for _, knew := range []bool{true, true, true, true, true, true, false, true} {
		p.Answer("q", knew, now)
		boxes = append(boxes, p.Cards["q"].Box)
	}
	if want := []int{2, 3, 4, 5, 5, 5, 1, 2}; !slices.Equal(boxes, want) {
		t.Errorf("boxes after answers = %v; want %v", boxes, want)
	}
	if c := p.Cards["q"]; c.Seen != 8 || c.Knew != 7 || !c.Last.Equal(now) {
		t.Errorf("card = %+v; want seen 8, knew 7, last %v", c, now)
	}
}

// Questions missed come back more often than new ones, new ones more
// often than known ones; the same seed draws the same questions.
func TestPickFavoursMissed(t *testing.T) {
	p := New()
	var ids []string
	for i := range 300 {
		id := fmt.Sprintf("q%03d", i)
		ids = append(ids, id)
		switch {
		case i < 100:
			p.Answer(id, false, time.Time{}) // box 1
		case i < 200:
			for range 4 {
				p.Answer(id, true, time.Time{}) // box 5
			}
		}
	}
	count := map[string]int{}
	for seed := range uint64(200) {
		got := p.Pick(ids, 10, rand.New(rand.NewPCG(seed, 0)))
		if len(got) != 10 || len(slices.Compact(slices.Sorted(slices.Values(got)))) != 10 {
			t.Fatalf("Pick(seed %d) = %v; want 10 different ids", seed, got)
		}
		for _, id := range got {
			switch {
			case id < "q100":
				count["missed"]++
			case id < "q200":
				count["known"]++
			default:
				count["new"]++
			}
		}
	}
	if !(count["missed"] > count["new"] && count["new"] > count["known"]) || count["known"] == 0 {
		t.Errorf("drawn %v; want missed > new > known > 0", count)
	}
	a := p.Pick(ids, 5, rand.New(rand.NewPCG(7, 0)))
	b := p.Pick(ids, 5, rand.New(rand.NewPCG(7, 0)))
	if !slices.Equal(a, b) {
		t.Errorf("Pick with one seed = %v then %v; want the same", a, b)
	}
	if got := p.Pick(ids[:3], 10, rand.New(rand.NewPCG(1, 0))); len(got) != 3 {
		t.Errorf("Pick(3 ids, 10) = %v; want all 3", got)
	}
}

func TestLoadSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "iq", "progress.json")
	p, err := Load(path)
	if err != nil || len(p.Cards) != 0 {
		t.Fatalf("Load(missing) = %+v, %v; want empty progress", p, err)
	}
	p.Answer("a", true, time.Unix(100, 0))
	p.Answer("b", false, time.Unix(200, 0))
	if err := p.Save(path); err != nil {
		t.Fatal(err)
	}
	q, err := Load(path)
	if err != nil || q.Cards["a"].Box != 2 || q.Cards["b"].Box != 1 || q.Cards["b"].Seen != 1 {
		t.Fatalf("Load after Save = %+v, %v", q, err)
	}
	if err := os.WriteFile(path, []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil {
		t.Errorf("Load(broken file) = nil error; want one naming it")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/tmp/state")
	if p, err := DefaultPath(); err != nil || p != filepath.Join("/tmp/state", "iq", "progress.json") {
		t.Errorf("DefaultPath() with XDG_STATE_HOME = %q, %v", p, err)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("XDG_CONFIG_HOME", "/tmp/config")
	if p, err := DefaultPath(); err != nil || p != filepath.Join("/tmp/config", "iq", "progress.json") {
		t.Errorf("DefaultPath() without XDG_STATE_HOME = %q, %v; want under the config dir", p, err)
	}
}

// A progress file is user data that may be edited by hand or cut short:
// Load either refuses it with an error naming the file or returns
// progress that Pick, Answer and Save handle, and that reads back the
// same.
func FuzzLoad(f *testing.F) {
	p := New()
	p.Answer("a", true, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	p.Answer("b", false, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed.json")
	if err := p.Save(seed); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(seed)
	f.Add(b)
	f.Add([]byte(`{"version": 1, "cards": {"x": null, "y": {"box": -3}, "z": {"box": 100000}}}`))
	f.Add([]byte(`{"cards": null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "progress.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := Load(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Errorf("Load error %q does not name the file", err)
			}
			return
		}
		ids := []string{"a", "b", "x", "y", "z"}
		for id := range p.Cards {
			ids = append(ids, id)
		}
		got := p.Pick(ids, 3, rand.New(rand.NewPCG(1, 2)))
		if len(got) != min(3, len(ids)) {
			t.Errorf("Pick(%d ids, 3) = %v", len(ids), got)
		}
		for _, id := range got {
			p.Answer(id, len(id)%2 == 0, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
			if c := p.Cards[id]; c.Box < 1 || c.Box > MaxBox {
				t.Errorf("after Answer(%q) box %d; want 1 to %d", id, c.Box, MaxBox)
			}
		}
		if err := p.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatalf("Load after Save: %v", err)
		}
		if len(back.Cards) != len(p.Cards) {
			t.Errorf("read back %d cards; saved %d", len(back.Cards), len(p.Cards))
		}
	})
}
