package index

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/mmap-go"

	"github.com/iq-search/iq/index/internal/facets"
	"github.com/iq-search/iq/index/internal/fastrank"
	"github.com/iq-search/iq/index/internal/scorchx"
	"github.com/iq-search/iq/record"
)

// tablesFile is the file of a one-shard generation holding what a
// process's first searches would otherwise read from every posting of
// some fields: the facet table of the registry's facet fields
// (facets.Table), the ID order of the documents (fastrank.IDOrder, for
// settling ties) and, since format 3, the table's columns (what counting
// many hits by value reads: building them was 60–90 ms of a first
// search's CPU at 1M records, mostly fresh memory). Reading the first two
// took a one-shot `iq search` 130–200 ms of CPU each at 100k records
// (BENCHMARKS.md, issue 15). Build and Update
// write it from the generation's shard as Open will see it; it is
// checksummed with the generation's other files, read whole and checked
// against its CRC on first use, and made for one snapshot shape (every
// segment's count of document numbers). An index without it (several
// shards, or built before it existed) reads both on first use, as before.
const tablesFile = "iq-tables.bin"

// tablesMagic starts tablesFile. Format 3 adds the facet table's columns
// (facets.Table.AppendColumns) after the ID order; an index built before
// holds format 2, whose columns a search builds on first use.
var (
	tablesMagic   = []byte("iq-tables 3\n")
	tablesMagicV2 = []byte("iq-tables 2\n")
)

// tableFields are the fields the stored facet table covers, in the order a
// facets.Counter lists them (sorted).
func tableFields() []string { return slices.Sorted(slices.Values(record.FacetNames())) }

// writeTables writes tablesFile into the one-shard generation gdir, whose
// shard is complete and closed, and returns the digest of its records' IDs
// (Meta.IDs), read on the same walk: "" when it wrote no tables.
func writeTables(gdir string) (ids string, err error) {
	s, err := openShard(shardDir(gdir, 0))
	if err != nil {
		return "", fmt.Errorf("write %s: %w", tablesFile, err)
	}
	defer func() {
		if cerr := s.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("write %s: %w", tablesFile, cerr)
		}
	}()
	var b []byte
	err = withShardReader(s, func(r bindex.IndexReader) error {
		shape := scorchx.Shape(r)
		if shape == nil {
			return nil
		}
		fields := tableFields()
		t, err := facets.Read(r, fields)
		if err != nil {
			return err
		}
		// Reading every ID maps every page of the stored data; the
		// pages are dropped as the walk goes so that they never all
		// count in the process at once (1.5 GB at 1M records, issue
		// 15's 4 GB peak while building).
		var digest record.IDDigest
		order, err := fastrank.IDOrder(r, func() { dropMapped(gdir) }, func(id string) {
			if !strings.HasPrefix(id, synonymIDPrefix) {
				digest.Add(id)
			}
		})
		if err != nil {
			return err
		}
		ids = digest.String()
		b = encodeTables(shape, fields, t, order, true)
		return nil
	})
	if err != nil || b == nil {
		return "", err
	}
	return ids, writeFileSync(filepath.Join(gdir, tablesFile), b)
}

// encodeTables returns tablesFile's content: in format 3, or in format 2
// (no columns) when columns is false, for the tests of older indexes.
func encodeTables(shape []uint64, fields []string, t *facets.Table, order []uint32, columns bool) []byte {
	b := slices.Clone(tablesMagic)
	if !columns {
		b = slices.Clone(tablesMagicV2)
	}
	b = binary.AppendUvarint(b, uint64(len(shape)))
	for _, n := range shape {
		b = binary.AppendUvarint(b, n)
	}
	b = binary.AppendUvarint(b, uint64(len(fields)))
	for _, f := range fields {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	b = t.AppendBinary(b)
	b = facets.AppendUint32s(b, order)
	if columns {
		b = t.AppendColumns(b)
	}
	return b
}

// withShardReader calls fn with a reader of s, closed after.
func withShardReader(s bleve.Index, fn func(bindex.IndexReader) error) (err error) {
	adv, err := s.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer func() {
		if cerr := r.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	return fn(r)
}

// loadTables gives the facet tables and the fast ranker what tablesFile
// holds, once, when the generation has one made for its snapshot. A file
// whose checksum does not match is an error wrapping ErrCorrupt.
func (ix *Index) loadTables() error {
	ix.tablesOnce.Do(func() { ix.tablesErr = ix.readTables() })
	return ix.tablesErr
}

func (ix *Index) readTables() error {
	if len(ix.shards) != 1 {
		return nil
	}
	i := slices.IndexFunc(ix.sums, func(s fileSum) bool { return s.Path == tablesFile })
	if i < 0 {
		return nil
	}
	path := filepath.Join(ix.gdir, tablesFile)
	// Mapped, not read: the tables then use the file's bytes where they
	// lie (facets.DecodeUint32s), where a first search would otherwise
	// fill ~5 MB of fresh memory at 100k records (20-40 ms of CPU here).
	b, err := mapFile(path, ix.sums[i].Size)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrCorrupt, path, err)
	}
	ix.tablesMap = b
	if got := crcHex(crc32.Checksum(b, castagnoli)); int64(len(b)) != ix.sums[i].Size || got != ix.sums[i].CRC {
		return fmt.Errorf("%w: %s: checksum mismatch (crc32c %s, want %s)", ErrCorrupt, path, got, ix.sums[i].CRC)
	}
	return ix.withReader(0, func(r bindex.IndexReader) error {
		t, order, ok, err := decodeTables(b, scorchx.Shape(r))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if !ok {
			return nil // made for another shape of snapshot: read on first use
		}
		ix.facets.Preset(r, tableFields(), t)
		ix.ranks.order = order
		if ix.fast != nil {
			ix.fast.PresetIDOrder(r, order)
		}
		return nil
	})
}

// decodeTables decodes tablesFile's content; ok is false when it was made
// for a snapshot of another shape, for other facet fields or in another
// format.
func decodeTables(b []byte, shape []uint64) (t *facets.Table, order []uint32, ok bool, err error) {
	bad := func(what string) error { return fmt.Errorf("%w: %s", ErrCorrupt, what) }
	columns := bytes.HasPrefix(b, tablesMagic)
	if !columns && !bytes.HasPrefix(b, tablesMagicV2) {
		// Checked against its CRC already: another iq's format, not
		// damage. Read the tables on first use instead.
		return nil, nil, false, nil
	}
	b = b[len(tablesMagic):] // both magics are as long
	cut := false
	uvarint := func() uint64 {
		v, k := binary.Uvarint(b)
		if k <= 0 {
			b, cut = nil, true
			return 0
		}
		b = b[k:]
		return v
	}
	n := uvarint()
	if n > uint64(len(b)) {
		return nil, nil, false, bad("segment count past the end")
	}
	same := n == uint64(len(shape))
	var docs uint64
	for i := range n {
		v := uvarint()
		same = same && v == shape[i]
		docs += v
	}
	fields := tableFields()
	n = uvarint()
	same = same && n == uint64(len(fields))
	for i := range n {
		k := uvarint()
		if k > uint64(len(b)) {
			return nil, nil, false, bad("field name past the end")
		}
		same = same && int(i) < len(fields) && string(b[:k]) == fields[i]
		b = b[k:]
	}
	if cut {
		return nil, nil, false, bad("cut short")
	}
	if !same {
		return nil, nil, false, nil
	}
	t, b, err = facets.DecodeTable(b, len(fields))
	if err != nil {
		return nil, nil, false, err
	}
	if uint64(t.Docs()) > docs {
		return nil, nil, false, bad("facet table past the documents")
	}
	order, b, err = facets.DecodeUint32s(b)
	if err != nil {
		return nil, nil, false, err
	}
	if columns {
		if b, err = t.DecodeColumns(b, len(fields)); err != nil {
			return nil, nil, false, err
		}
	}
	if uint64(len(order)) > docs || len(b) != 0 {
		return nil, nil, false, bad("ID order of the wrong size")
	}
	return t, order, true, nil
}

// mapFile maps the file at path, of size bytes, read-only.
func mapFile(path string, size int64) (mmap.MMap, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() != size || size == 0 {
		return nil, fmt.Errorf("%d bytes, want %d", st.Size(), size)
	}
	return mmap.Map(f, mmap.RDONLY, 0)
}

// idsOf is the digest writeTables read when it counted as many records as
// the build's count (the live documents holding the record kind), and ""
// otherwise: a digest that might not be the records' is none.
func idsOf(digest string, count uint64) string {
	if n, _, ok := strings.Cut(digest, ":"); !ok || n != strconv.FormatUint(count, 10) {
		return ""
	}
	return digest
}
