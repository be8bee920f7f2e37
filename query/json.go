package query

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes v (a *Result, *Stats, record.Record, *Error…) the one
// way iq prints JSON: indented two spaces, one trailing newline, and '<',
// '>' and '&' escaped as \u003c… as encoding/json does by default, so that
// corpus text holding <script> can never become markup even where a client
// sniffs the content type. `iq search --json` and the HTTP API both use
// it, so they print the same bytes for the same result.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}
