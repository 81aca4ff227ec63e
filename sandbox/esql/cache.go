package esql

import (
	"reflect"
	"slices"
	"sync"
)

// Cache keeps what the engine makes of each index's documents (flattened
// to dotted fields, typed as dynamic mapping would, cells typed) between
// queries. The sandbox's documents change rarely (an alert's status) and
// every query reads whole indices: making them again each time was most
// of a query's time. An index is made again when any of its documents
// changed (its Version, or its source map), came or went; only the
// documents that changed are flattened again. Safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	indices map[string]*cachedIndex
}

type cachedIndex struct {
	loadedIndex
	stamps []docStamp // by document, as it was loaded
}

// docStamp tells one version of a document from another.
type docStamp struct {
	id      string
	version int64
	source  uintptr // the identity of its source map
}

// load is loadIndex for the documents as they are now, from the last
// query's work where nothing changed.
func (c *Cache) load(ix string, ds []Doc, mapping map[string]string) *loadedIndex {
	c.mu.Lock()
	defer c.mu.Unlock()
	stamps := make([]docStamp, len(ds))
	for i, d := range ds {
		stamps[i] = docStamp{d.ID, d.Version, reflect.ValueOf(d.Source).Pointer()}
	}
	old := c.indices[ix]
	if old != nil && slices.Equal(old.stamps, stamps) {
		return &old.loadedIndex
	}
	flat := map[docStamp]fieldVals{}
	if old != nil {
		for i, d := range old.docs {
			flat[old.stamps[i]] = d.fields
		}
	}
	next := &cachedIndex{stamps: stamps}
	next.mapping = mapping
	next.docs = make([]loadedDoc, len(ds))
	for i, d := range ds {
		fv, ok := flat[stamps[i]]
		if !ok {
			fv = fieldVals{}
			flatten("", d.Source, fv)
		}
		next.docs[i] = loadedDoc{index: ix, id: d.ID, fields: fv, raw: d.Source}
	}
	next.retype()
	if c.indices == nil {
		c.indices = map[string]*cachedIndex{}
	}
	c.indices[ix] = next
	return &next.loadedIndex
}
