package facets

import (
	"encoding/binary"
	"fmt"
	"slices"
	"unsafe"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/iq-search/iq/index/internal/corrupt"
)

// Read returns the table of fields in the snapshot r, read from its
// postings: what Get caches. Index builds call it to store the table with
// the index (AppendBinary), so that a process's first faceted search does
// not read every posting of the facet fields (130–200 ms of CPU at 100k
// records).
func Read(r bindex.IndexReader, fields []string) (*Table, error) { return readTable(r, fields) }

// Docs returns the number of document numbers the table covers.
func (t *Table) Docs() int { return len(t.start) - 1 }

// AppendBinary appends the table's encoding to b (uvarint counts,
// little-endian uint32 arrays).
func (t *Table) AppendBinary(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(t.values)))
	for i, v := range t.values {
		b = append(b, t.field[i])
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return AppendUint32s(AppendUint32s(b, t.start), t.ords)
}

// DecodeTable decodes a table of nfields fields that AppendBinary wrote at
// the start of b, and returns what follows it. Everything a count reads is
// checked (ordinals, fields, the document runs), so a damaged encoding is
// an error wrapping corrupt.Err, never a panic or a count out of range.
func DecodeTable(b []byte, nfields int) (*Table, []byte, error) {
	d := decoder{b: b}
	t := &Table{}
	nv := d.count(2)
	for range nv {
		f := d.byte()
		if int(f) >= nfields {
			d.fail("field %d of %d", f, nfields)
		}
		t.field = append(t.field, f)
		t.values = append(t.values, string(d.bytes(d.count(1))))
	}
	t.start = d.uint32s()
	t.ords = d.uint32s()
	if d.err != nil {
		return nil, nil, d.err
	}
	if len(t.start) < 2 || t.start[0] != 0 || int(t.start[len(t.start)-1]) != len(t.ords) {
		return nil, nil, fmt.Errorf("%w: facet table of %d runs over %d values", corrupt.Err, len(t.start), len(t.ords))
	}
	for i := 1; i < len(t.start); i++ {
		if t.start[i] < t.start[i-1] {
			return nil, nil, fmt.Errorf("%w: facet table run %d ends before it starts", corrupt.Err, i)
		}
	}
	for _, o := range t.ords {
		if int(o) >= len(t.values)+nfields {
			return nil, nil, fmt.Errorf("%w: facet ordinal %d of %d", corrupt.Err, o, len(t.values)+nfields)
		}
	}
	return t, d.b, nil
}

// AppendColumns appends the table by value (what CountSet reads, built
// on first use otherwise: 60–90 ms of CPU and ~20 MB of fresh memory at 1M
// records) to b: the dense values' ordinals and their bits, the sparse
// values' ordinals, where each one's documents end, and their documents.
// b's start is the start of a file, for the alignment of the arrays.
func (t *Table) AppendColumns(b []byte) []byte {
	c := t.columns()
	b = AppendUint32s(b, c.dense)
	words := t.Docs()/64 + 1
	b = appendWords(b, len(c.dense)*words, 8)
	for _, w := range c.bits {
		for _, x := range w {
			b = binary.LittleEndian.AppendUint64(b, x)
		}
	}
	b = AppendUint32s(b, c.sparse)
	ends := make([]uint32, len(c.docs))
	var n uint32
	for i, ds := range c.docs {
		n += uint32(len(ds))
		ends[i] = n
	}
	b = AppendUint32s(b, ends)
	b = appendWords(b, int(n), 4)
	for _, ds := range c.docs {
		for _, d := range ds {
			b = binary.LittleEndian.AppendUint32(b, d)
		}
	}
	return b
}

// DecodeColumns decodes the columns AppendColumns wrote at the start of b
// as t's (t of nfields fields, from DecodeTable), and returns what follows
// them. What CountSet indexes by is checked (ordinals, the bits' length,
// the lists' ends); the documents themselves are compared with the bounds
// of the set counted before they index it, so damage there (which the
// file's checksum finds) miscounts, never reads out of range.
func (t *Table) DecodeColumns(b []byte, nfields int) ([]byte, error) {
	d := decoder{b: b}
	c := &columns{dense: d.uint32s()}
	flat := d.uint64s()
	c.sparse = d.uint32s()
	ends := d.uint32s()
	docs := d.uint32s()
	if d.err != nil {
		return nil, d.err
	}
	words := t.Docs()/64 + 1
	nord := len(t.values) + nfields
	switch {
	case len(flat) != len(c.dense)*words:
		return nil, fmt.Errorf("%w: facet columns: %d words of bits for %d values of %d words", corrupt.Err, len(flat), len(c.dense), words)
	case len(ends) != len(c.sparse):
		return nil, fmt.Errorf("%w: facet columns: %d lists for %d values", corrupt.Err, len(ends), len(c.sparse))
	}
	for _, o := range slices.Concat(c.dense, c.sparse) {
		if int(o) >= nord {
			return nil, fmt.Errorf("%w: facet column of ordinal %d of %d", corrupt.Err, o, nord)
		}
	}
	c.bits = make([][]uint64, len(c.dense))
	for i := range c.bits {
		c.bits[i] = flat[i*words : (i+1)*words : (i+1)*words]
	}
	c.docs = make([][]uint32, len(c.sparse))
	var from uint32
	for i, end := range ends {
		if end < from || int(end) > len(docs) {
			return nil, fmt.Errorf("%w: facet column list %d ends at %d, after %d, of %d", corrupt.Err, i, end, from, len(docs))
		}
		c.docs[i] = docs[from:end:end]
		from = end
	}
	if int(from) != len(docs) {
		return nil, fmt.Errorf("%w: facet column lists end at %d of %d documents", corrupt.Err, from, len(docs))
	}
	c.sparseLen = len(docs)
	if n := t.Docs(); n > 0 {
		c.perDoc = float64(len(t.ords)) / float64(n)
	}
	t.cols.once.Do(func() { t.cols.c = c })
	return d.b, nil
}

// Preset puts t in the cache as the table of fields in snapshot r.
func (ts *Tables) Preset(r bindex.IndexReader, fields []string, t *Table) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.m == nil {
		ts.m = map[tableKey]*Table{}
	}
	ts.m[tableKey{r, joinFields(fields)}] = t
}

// decoder reads what AppendBinary writes, keeping the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: facet table: %s", corrupt.Err, fmt.Sprintf(format, args...))
	}
	d.b = nil
}

// count reads a count of items of at least size bytes each, bounded by
// the bytes left.
func (d *decoder) count(size int) int {
	n, k := binary.Uvarint(d.b)
	if k <= 0 || n > uint64(len(d.b)-k)/uint64(size) {
		d.fail("a count of %d past the end", n)
		return 0
	}
	d.b = d.b[k:]
	return int(n)
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail("cut short")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) bytes(n int) []byte {
	if len(d.b) < n {
		d.fail("cut short")
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) uint32s() []uint32 { return decodeWords[uint32](d) }

func (d *decoder) uint64s() []uint64 { return decodeWords[uint64](d) }

// decodeWords reads what appendWords wrote as values of T: aliased in
// place where the machine and the alignment allow (aliasWords), else
// copied.
func decodeWords[T uint32 | uint64](d *decoder) []T {
	size := int(unsafe.Sizeof(T(0)))
	b := d.words(size)
	if b == nil {
		return nil
	}
	if out := aliasWords[T](b); out != nil {
		return out
	}
	out := make([]T, len(b)/size)
	for i := range out {
		if size == 4 {
			out[i] = T(binary.LittleEndian.Uint32(b[4*i:]))
		} else {
			out[i] = T(binary.LittleEndian.Uint64(b[8*i:]))
		}
	}
	return out
}

// words reads what appendWords wrote: a count of values of size bytes,
// the padding, and returns the values' bytes (nil when there are none or
// on error).
func (d *decoder) words(size int) []byte {
	n := d.count(size)
	pad := int(d.byte())
	if pad >= size || len(d.b) < pad || string(d.b[:pad]) != "\x00\x00\x00\x00\x00\x00\x00"[:pad] {
		d.fail("bad padding")
		return nil
	}
	d.b = d.b[pad:]
	if len(d.b) < size*n {
		d.fail("cut short")
		return nil
	}
	out := d.b[:size*n]
	d.b = d.b[size*n:]
	if n == 0 {
		return nil
	}
	return out
}

// AppendUint32s appends a uvarint count, a byte saying how many zero
// bytes of padding follow, the padding (so that the values start at a
// multiple of 4 bytes from the start of b, which a caller makes the start
// of a file), and the little-endian values of a.
func AppendUint32s(b []byte, a []uint32) []byte {
	b = appendWords(b, len(a), 4)
	for _, x := range a {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

// appendUint64s is AppendUint32s for uint64s, at a multiple of 8 bytes.
func appendUint64s(b []byte, a []uint64) []byte {
	b = appendWords(b, len(a), 8)
	for _, x := range a {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b
}

// appendWords appends the count n of values of size bytes, the byte
// saying how many bytes of padding follow, and the padding.
func appendWords(b []byte, n, size int) []byte {
	b = binary.AppendUvarint(b, uint64(n))
	pad := (size - (len(b)+1)%size) % size
	b = append(b, byte(pad))
	return append(b, make([]byte, pad)...)
}

// DecodeUint32s reads what AppendUint32s wrote at the start of b, and
// returns what follows it. On a little-endian machine, when the values sit
// at an address that is a multiple of 4 (b read from a file mapped into
// memory, which starts at a page), the values are b's own bytes, not a
// copy: a process's first search would otherwise clear and fill fresh
// memory for them, which costs more than reading the file.
func DecodeUint32s(b []byte) ([]uint32, []byte, error) {
	d := decoder{b: b}
	a := d.uint32s()
	if d.err != nil {
		return nil, nil, d.err
	}
	return a, d.b, nil
}
