// Package fts5 is the SQLite FTS5 peer of iq's index benchmarks: it builds
// the same synthetic records (index/synth) into an FTS5 table and answers the
// same query mix with bm25 ranking, snippet() and GROUP BY facet counts. It
// is a module of its own so that C SQLite (github.com/mattn/go-sqlite3, built
// with the sqlite_fts5 tag) never enters iq's go.mod.
//
// Files: fts5.go (schema, Build, Search), fts5_test.go (BenchmarkBuild,
// BenchmarkSearch with the metrics of index/bench_test.go).
package fts5

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strings"

	_ "github.com/mattn/go-sqlite3"

	"github.com/iq-search/iq/index/synth"
	"github.com/iq-search/iq/record"
)

// schema: docs is the full-text table (question, answer, code) with the
// Porter stemmer over unicode61, as iq stems English; rec holds the display
// and facet fields and the record JSON (iq stores it too); topic, tag and
// source (distinct files) are the multi-valued facets.
const schema = `
CREATE VIRTUAL TABLE docs USING fts5(question, answer, code, tokenize = 'porter unicode61');
CREATE TABLE rec (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, level TEXT, sources TEXT, record TEXT);
CREATE TABLE topic (rowid INTEGER NOT NULL, value TEXT NOT NULL);
CREATE TABLE tag (rowid INTEGER NOT NULL, value TEXT NOT NULL);
CREATE TABLE source (rowid INTEGER NOT NULL, value TEXT NOT NULL);
`

// indexes are created after the load, as one does for a bulk load.
const indexes = `
CREATE INDEX topic_rowid ON topic (rowid);
CREATE INDEX tag_rowid ON tag (rowid);
CREATE INDEX source_rowid ON source (rowid);
CREATE UNIQUE INDEX rec_id ON rec (id);
`

// Open opens (creating) the database at path with settings for a bulk load:
// no journal, no sync, as the Bleve build does not fsync either.
func Open(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=OFF&_synchronous=OFF&cache=private")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	// The one connection reads the file through a memory map and keeps a
	// page cache of 256 MiB: without them SQLite has its default 2 MB
	// cache and read() calls, half its query CPU at 100k records (issue
	// 15.4), which is no fair peer to an engine that maps its segments.
	for _, p := range []string{"PRAGMA mmap_size = 4294967296", "PRAGMA cache_size = -262144"} {
		if _, err := db.Exec(p); err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s: %s: %w", path, p, err)
		}
	}
	return db, nil
}

// Build loads recs into an empty database in one transaction.
func Build(ctx context.Context, db *sql.DB, recs []record.Record) error {
	return BuildStream(ctx, db, func(yield func(record.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	})
}

// BuildStream is Build over a stream of records, loaded as they come (as
// iq's index.BuildStream reads them), so the collection need not be in
// memory.
func BuildStream(ctx context.Context, db *sql.DB, recs iter.Seq2[record.Record, error]) error {
	if _, err := db.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insDoc, err := tx.PrepareContext(ctx, `INSERT INTO docs (rowid, question, answer, code) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insRec, err := tx.PrepareContext(ctx, `INSERT INTO rec (rowid, id, level, sources, record) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insTopic, err := tx.PrepareContext(ctx, `INSERT INTO topic (rowid, value) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	insTag, err := tx.PrepareContext(ctx, `INSERT INTO tag (rowid, value) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	insSource, err := tx.PrepareContext(ctx, `INSERT INTO source (rowid, value) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	row := 0
	for r, err := range recs {
		if err != nil {
			return err
		}
		row++
		var answers, code, sources []string
		for _, a := range r.Answers {
			for _, p := range []string{a.Text, a.HowToAnswer, a.ExampleAnswer} {
				if p != "" {
					answers = append(answers, p)
				}
			}
			for _, c := range a.Code {
				code = append(code, c.Text)
			}
		}
		var files []string
		for _, s := range r.Sources {
			sources = append(sources, fmt.Sprintf("%s:%d", s.File, s.Line))
			if !slices.Contains(files, s.File) {
				files = append(files, s.File)
			}
		}
		raw, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if _, err := insDoc.ExecContext(ctx, row, r.Question, strings.Join(answers, "\n\n"), strings.Join(code, "\n\n")); err != nil {
			return fmt.Errorf("insert %s: %w", r.ID, err)
		}
		if _, err := insRec.ExecContext(ctx, row, r.ID, r.Level, strings.Join(sources, "\n"), string(raw)); err != nil {
			return fmt.Errorf("insert %s: %w", r.ID, err)
		}
		for _, t := range r.Topics {
			if _, err := insTopic.ExecContext(ctx, row, t); err != nil {
				return err
			}
		}
		for _, t := range r.Tags {
			if _, err := insTag.ExecContext(ctx, row, t); err != nil {
				return err
			}
		}
		for _, f := range files {
			if _, err := insSource.ExecContext(ctx, row, f); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, indexes); err != nil {
		return fmt.Errorf("create indexes: %w", err)
	}
	// Merge the FTS5 b-trees into one, as Bleve merges its segments.
	if _, err := tx.ExecContext(ctx, `INSERT INTO docs (docs) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("optimize: %w", err)
	}
	return tx.Commit()
}

// Hit is one search result, with the snippets iq shows.
type Hit struct {
	ID, Question, Answer, Level, Sources string
	Score                                float64
}

// Result is a search's total, first hits and facet counts.
type Result struct {
	Total  int
	Hits   []Hit
	Facets map[string]map[string]int
}

// MatchExpr turns a benchmark query into an FTS5 MATCH expression with the
// semantics of iq's: every content word required (each a quoted string, so
// an identifier matches its tokens in sequence), function words left out
// (FTS5 has no optional terms; they only rank in iq), a quoted query as a
// phrase. FTS5 has no typo tolerance: a misspelt query is searched as typed.
func MatchExpr(q synth.Query) string {
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	if q.Phrase {
		return quote(strings.Join(q.Words, " "))
	}
	var parts []string
	for i, w := range q.Words {
		if q.Required[i] {
			parts = append(parts, quote(w))
		}
	}
	return strings.Join(parts, " AND ")
}

// Search runs one query: top 10 by bm25 (question weighted 3, answer 1,
// code 0.5, as in iq) with snippets of question and answer, then the total
// and the level, topic, tag and source counts over all matches in one statement.
func Search(ctx context.Context, db *sql.DB, match string) (*Result, error) {
	rows, err := db.QueryContext(ctx, `
SELECT rec.id, snippet(docs, 0, '<mark>', '</mark>', '…', 12), snippet(docs, 1, '<mark>', '</mark>', '…', 24),
       rec.level, rec.sources, bm25(docs, 3.0, 1.0, 0.5) AS score
FROM docs JOIN rec ON rec.rowid = docs.rowid
WHERE docs MATCH ?1 ORDER BY score LIMIT 10`, match)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", match, err)
	}
	res := &Result{Facets: map[string]map[string]int{"level": {}, "topic": {}, "tag": {}, "source": {}}}
	for rows.Next() {
		var h Hit
		var level sql.NullString
		if err := rows.Scan(&h.ID, &h.Question, &h.Answer, &level, &h.Sources, &h.Score); err != nil {
			rows.Close()
			return nil, err
		}
		h.Level = level.String
		res.Hits = append(res.Hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.QueryContext(ctx, `
WITH m AS MATERIALIZED (SELECT rowid FROM docs WHERE docs MATCH ?1)
SELECT 'total', '', count(*) FROM m
UNION ALL SELECT 'level', rec.level, count(*) FROM m JOIN rec ON rec.rowid = m.rowid WHERE rec.level != '' GROUP BY rec.level
UNION ALL SELECT 'topic', topic.value, count(*) FROM m JOIN topic ON topic.rowid = m.rowid GROUP BY topic.value
UNION ALL SELECT 'tag', tag.value, count(*) FROM m JOIN tag ON tag.rowid = m.rowid GROUP BY tag.value
UNION ALL SELECT 'source', source.value, count(*) FROM m JOIN source ON source.rowid = m.rowid GROUP BY source.value`, match)
	if err != nil {
		return nil, fmt.Errorf("facets %q: %w", match, err)
	}
	defer rows.Close()
	for rows.Next() {
		var facet, value string
		var n int
		if err := rows.Scan(&facet, &value, &n); err != nil {
			return nil, err
		}
		if facet == "total" {
			res.Total = n
			continue
		}
		res.Facets[facet][value] = n
	}
	return res, rows.Err()
}
