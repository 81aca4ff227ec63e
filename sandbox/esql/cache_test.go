package esql

import (
	"testing"
	"time"
)

// versioned is an IDSource whose documents carry versions, as the
// sandbox's indices do.
type versioned map[string][]Doc

func (v versioned) Indices(pattern string) []string {
	var out []string
	for name := range v {
		if MatchPattern(pattern, name) {
			out = append(out, name)
		}
	}
	return out
}

func (v versioned) Docs(index string) []map[string]any {
	var out []map[string]any
	for _, d := range v[index] {
		out = append(out, d.Source)
	}
	return out
}

func (v versioned) DocsWithID(index string) []Doc { return v[index] }

// TestCacheSeesWrites: with a Cache, a query answers from the documents as
// they are now: a write (a new version, or a new source map), a document
// added or removed, and a type that a new value changes; and what a query
// does to its rows does not reach the next one.
func TestCacheSeesWrites(t *testing.T) {
	src := versioned{"alerts": {
		{ID: "a", Version: 1, Source: map[string]any{"status": "open", "n": 1.0, "tags": []any{"b", "a"}}},
		{ID: "b", Version: 1, Source: map[string]any{"status": "open", "n": 2.0}},
	}}
	e := &Engine{Source: src, Clock: func() time.Time { return testNow }, Cache: &Cache{}}
	query := func(q string) string {
		t.Helper()
		r, err := e.Query(Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return mustJSON(r.Columns) + mustJSON(r.Values)
	}
	const q = `FROM alerts METADATA _id | KEEP _id, status, n | SORT _id`
	if got, want := query(q), `[{"name":"_id","type":"keyword"},{"name":"status","type":"keyword"},{"name":"n","type":"long"}][["a","open",1],["b","open",2]]`; got != want {
		t.Fatalf("first query: %s, want %s", got, want)
	}
	// A field written in place, with a new version.
	src["alerts"][0].Source["status"] = "closed"
	src["alerts"][0].Version++
	// A new source map under the same version (a replaced document).
	src["alerts"][1].Source = map[string]any{"status": "acknowledged", "n": 2.5}
	if got, want := query(q), `[{"name":"_id","type":"keyword"},{"name":"status","type":"keyword"},{"name":"n","type":"double"}][["a","closed",1],["b","acknowledged",2.5]]`; got != want {
		t.Errorf("after writes: %s, want %s", got, want)
	}
	// A document added, then one removed.
	src["alerts"] = append(src["alerts"], Doc{ID: "c", Version: 1, Source: map[string]any{"status": "open", "n": 3.0}})
	if got := query(`FROM alerts | STATS n = COUNT(*)`); got != `[{"name":"n","type":"long"}][[3]]` {
		t.Errorf("after an add: %s", got)
	}
	src["alerts"] = src["alerts"][1:]
	if got := query(`FROM alerts METADATA _id | KEEP _id | SORT _id`); got != `[{"name":"_id","type":"keyword"}][["b"],["c"]]` {
		t.Errorf("after a removal: %s", got)
	}
	// A multi-value a query reverses stays as stored for the next.
	src["alerts"] = append(src["alerts"], Doc{ID: "d", Version: 1, Source: map[string]any{"tags": []any{"y", "x"}}})
	const tags = `FROM alerts METADATA _id | WHERE _id == "d" | KEEP tags`
	before := query(tags)
	query(`FROM alerts METADATA _id | WHERE _id == "d" | EVAL tags = MV_SORT(tags, "DESC") | KEEP tags`)
	if after := query(tags); after != before || before != `[{"name":"tags","type":"keyword"}][[["x","y"]]]` {
		t.Errorf("tags %s, then %s", before, after)
	}
}
