package index

import "github.com/blevesearch/bleve/v2"

// BleveIndex exposes the Bleve index to the external tests of this
// directory (the engine-against-engine benchmark and the example), and to
// nothing else.
func BleveIndex(ix *Index) bleve.Index { return ix.search }
