package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/iq-search/iq/httpapi"
	"github.com/iq-search/iq/internal/apitest"
)

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// fieldTypes records, for every object key met anywhere in v, the JSON
// types it had and where. Keys of maps that are data, not fields (facet
// names, values of "missing"), are named by their parent.
func fieldTypes(v any, where string, into map[string]map[string]string) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			fieldTypes(e, where, into)
		}
	case map[string]any:
		for k, e := range v {
			name := k
			if strings.HasSuffix(where, ".facets") || strings.HasSuffix(where, ".missing") {
				name = where[strings.LastIndexByte(where, '.')+1:] + "[]"
			}
			if into[name] == nil {
				into[name] = map[string]string{}
			}
			t := jsonType(e)
			if _, ok := into[name][t]; !ok {
				into[name][t] = where + "." + k
			}
			fieldTypes(e, where+"."+k, into)
		}
	}
}

// decodeAll decodes a stream of JSON values (JSON Lines, or indented
// values one after another).
func decodeAll(t *testing.T, what, s string) []any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	var out []any
	for {
		var v any
		err := dec.Decode(&v)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: not JSON: %v\n%.300s", what, err, s)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		t.Fatalf("%s printed no JSON", what)
	}
	return out
}

// TestOneJSONShape: a key has one JSON type in everything iq prints as JSON,
// CLI and HTTP alike (issue 14.2): "answers" is always an array of answers,
// a list is an array even when empty (never null), a hit's number of
// answers is "answer_count".
func TestOneJSONShape(t *testing.T) {
	dir := sharedIndex(t)
	srv := httpapi.New(sharedSearcher(t), httpapi.Options{})
	h := srv.Handler()
	_, line, _ := iq(t, "search", "dependency injection", "-n", "1", "--index", dir)
	id, _, _ := strings.Cut(line, "\t")

	notes := filepath.Join(t.TempDir(), "notes.md")
	if err := os.WriteFile(notes, []byte("# Go\n\n1. What is a goroutine?\n\nA function running concurrently.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{}
	for _, args := range [][]string{
		{"search", "dependency injection", "-j"},
		{"search", "dependncy injecton", "-j"},
		{"search", "-l", "beginner", "-j", "-n", "0"},
		{"search", "zzzzqqqq", "-j"},
		{"show", id, "-j"},
		{"similar", id, "-j"},
		{"similar", "How do I add WebSocket endpoints?", "-j"},
		{"dups", "-j"},
		{"stats", "-j"},
		{"index", notes, "--index", filepath.Join(t.TempDir(), "i"), "--json"},
	} {
		if !slices.Contains(args, "--index") {
			args = append(args, "--index", dir)
		}
		_, stdout, stderr := iq(t, args...)
		if stdout == "" {
			t.Fatalf("iq %v printed nothing: %s", args, stderr)
		}
		outputs["iq "+strings.Join(args[:2], " ")] = stdout
	}
	_, stdout, _ := iq(t, "ingest")
	outputs["iq ingest"] = stdout
	for _, target := range []string{
		"/api/search?q=dependency+injection", "/api/search?level=advanced&sort=source", "/api/search?q=zzzzqqqq",
		"/api/questions/" + id, "/api/questions/0000000000000000", "/api/similar?id=" + id, "/api/similar?q=websocket",
		"/api/dups", "/api/facets", "/healthz", "/api/search?level=expert", "/nope",
	} {
		outputs["GET "+target] = apitest.Get(h, "GET", target).Body.String()
	}

	types := map[string]map[string]string{}
	for what, out := range outputs {
		for _, v := range decodeAll(t, what, out) {
			fieldTypes(v, what, types)
		}
	}
	keys := make([]string, 0, len(types))
	for k := range types {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "code" {
			// Two different fields: an error's code (a string, the
			// convention of JSON error bodies) and an answer's code
			// blocks (an array, the record schema of iq ingest).
			// Each has one type where it stands.
			for typ, where := range types[k] {
				if (typ == "string") != strings.HasSuffix(where, ".error.code") {
					t.Errorf(`"code" is a %s at %s; want a string in errors only, an array in answers`, typ, where)
				}
			}
			continue
		}
		if where, ok := types[k]["null"]; ok {
			t.Errorf("key %q is null at %s; want an empty array, string or object", k, where)
		}
		if len(types[k]) > 1 {
			t.Errorf("key %q has %d JSON types: %v", k, len(types[k]), types[k])
		}
	}
	if got := types["answers"]; len(got) != 1 || got["array"] == "" {
		t.Errorf(`"answers" is %v; want an array everywhere`, got)
	}
	if types["answer_count"]["number"] == "" {
		t.Errorf(`search hits have no "answer_count"`)
	}
}
