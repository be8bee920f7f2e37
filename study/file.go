package study

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/iq-search/iq/internal/regular"
)

// DefaultPath is where iq quiz keeps its progress: iq/progress.json under
// $XDG_STATE_HOME when it is set, else under the user's config directory
// (os.UserConfigDir: ~/.config on Linux, ~/Library/Application Support on
// macOS, %AppData% on Windows).
func DefaultPath() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "iq", "progress.json"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the progress file: %w", err)
	}
	return filepath.Join(d, "iq", "progress.json"), nil
}

// Load reads progress from path; a missing file is empty progress.
func Load(path string) (*Progress, error) {
	b, err := regular.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read progress: %w", err)
	}
	p := New()
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("read progress %s: %w (move it away to start afresh)", path, err)
	}
	if p.Cards == nil {
		p.Cards = map[string]*Card{}
	}
	return p, nil
}

// Save writes progress to path through a temporary file renamed into
// place, so an interrupted save leaves the old progress whole.
func (p *Progress) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".progress-*.json")
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save progress %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("save progress %s: %w", path, err)
	}
	return nil
}
