// Package esql is the sandbox's ES|QL engine: it parses a query, runs it over
// documents as Elasticsearch keeps them (_source objects) and answers in the
// shape of Elasticsearch's _query API, with Elasticsearch's 400 errors.
package esql

import (
	"fmt"
	"math"
	"net/netip"
	"path"
	"sort"
	"strings"
	"time"
)

// Source is the data the engine reads: index names matching a pattern (a
// name, or a pattern with * wildcards) and each index's documents.
type Source interface {
	Indices(pattern string) []string
	Docs(index string) []map[string]any
}

// Doc is a document with its id.
type Doc struct {
	ID     string
	Source map[string]any
	// Version changes whenever the document is written (Elasticsearch's
	// _version): with a Cache, the engine makes a document again when
	// its Version or its Source map changes.
	Version int64
}

// IDSource is an optional Source extension giving documents with their _id.
// Without it, a document's _id is its position in the index.
type IDSource interface {
	DocsWithID(index string) []Doc
}

// MappedSource is an optional Source extension: the types an index's
// mapping gives its fields, in ES|QL's names (keyword, text, date, ip,
// long, double, boolean). A field it does not name is typed from its
// values, as dynamic mapping would. A Cache assumes it does not change.
type MappedSource interface {
	Mapping(index string) map[string]string
}

// TimeRange restricts @timestamp (inclusive bounds; a zero bound is open).
type TimeRange struct {
	From, To time.Time
}

// Request is one query.
type Request struct {
	Query  string
	Params []Param
	// Filter restricts every source to documents whose @timestamp is in the
	// range, before the pipeline (the _query API's filter).
	Filter *TimeRange
	// DocFilter, when set, also restricts every source's documents (id
	// is the _id, or the position without an IDSource).
	DocFilter func(index, id string, doc map[string]any) bool
}

// Column is one column of the answer.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Result is the _query answer.
type Result struct {
	Columns []Column `json:"columns"`
	Values  [][]any  `json:"values"`
	// DefaultLimitApplied says the query had no LIMIT and got the default.
	DefaultLimitApplied bool `json:"-"`
	// Limit is the row limit that applied at the end (explicit or default).
	Limit int `json:"-"`
	// Warnings are what Elasticsearch sends as Warning headers.
	Warnings []string `json:"-"`
}

// Engine runs queries over a Source.
type Engine struct {
	Source Source
	// Clock gives NOW(); nil means time.Now.
	Clock func() time.Time
	// DefaultLimit applies when a query has no LIMIT (0: 1000, as ES).
	DefaultLimit int
	// MaxLimit caps any LIMIT (0: 10000, as ES).
	MaxLimit int
	// Cache, when set, keeps the documents of an IDSource flattened and
	// typed between queries (one Cache per Source).
	Cache *Cache

	noRecover bool // fuzzing: let panics through
}

type table struct {
	cols []column
	rows [][]any
}

type run struct {
	e        *Engine
	q        string
	now      time.Time
	warnings []string
	seenWarn map[string]bool
}

func (r *run) warn(pos int, msg string) {
	l, c := lineCol(r.q, pos)
	w := fmt.Sprintf("Line %d:%d: %s", l, c, msg)
	if r.seenWarn[w] || len(r.warnings) >= 20 {
		return
	}
	if r.seenWarn == nil {
		r.seenWarn = map[string]bool{}
	}
	r.seenWarn[w] = true
	r.warnings = append(r.warnings, w)
}

// Query runs one query. Errors are *Error.
func (e *Engine) Query(req Request) (res *Result, err error) {
	defer func() {
		if e.noRecover {
			return
		}
		if p := recover(); p != nil {
			res, err = nil, &Error{Status: 400, Type: "verification_exception", Reason: fmt.Sprintf("the sandbox could not run this query: %v", p), Msg: fmt.Sprint(p)}
		}
	}()
	cmds, perr := parse(req.Query, req.Params)
	if perr != nil {
		return nil, perr
	}
	now := time.Now()
	if e.Clock != nil {
		now = e.Clock()
	}
	r := &run{e: e, q: req.Query, now: now.UTC()}
	defLimit, maxLimit := e.DefaultLimit, e.MaxLimit
	if defLimit <= 0 {
		defLimit = 1000
	}
	if maxLimit <= 0 {
		maxLimit = 10000
	}
	var t *table
	limited := false
	for i, cmd := range cmds {
		var ve *verr
		if i == 0 {
			t, ve = r.source(cmd, req)
		} else {
			if _, ok := cmd.(*limitCmd); ok {
				limited = true
			}
			t, ve = r.apply(cmd, t, maxLimit)
		}
		if ve != nil {
			return nil, verifyErrs([]problem{ve.problem(req.Query)})
		}
	}
	out := &Result{Columns: []Column{}, Values: [][]any{}}
	if !limited {
		out.DefaultLimitApplied = true
		out.Limit = defLimit
		if len(t.rows) > defLimit {
			t.rows = t.rows[:defLimit]
		}
	} else {
		out.Limit = maxLimit
		for _, c := range cmds {
			if l, ok := c.(*limitCmd); ok {
				out.Limit = min(l.n, maxLimit)
			}
		}
	}
	for _, c := range t.cols {
		typ := c.typ
		switch typ {
		case "integer", "long", "double", "keyword", "text", "boolean", "date", "ip", "null", "unsupported":
		case "time_duration", "date_period", "_source":
		default:
			typ = "unsupported"
		}
		out.Columns = append(out.Columns, Column{Name: c.name, Type: typ})
	}
	for _, row := range t.rows {
		vals := make([]any, len(row))
		for i, v := range row {
			vals[i] = output(v)
		}
		out.Values = append(out.Values, vals)
	}
	out.Warnings = r.warnings
	return out, nil
}

func (r *run) compiler() *compiler {
	return &compiler{q: r.q, now: r.now, warn: r.warn}
}

func (r *run) source(cmd command, req Request) (*table, *verr) {
	switch c := cmd.(type) {
	case *rowCmd:
		t := &table{rows: [][]any{{}}}
		for _, a := range c.fields {
			ce, err := r.compiler().compile(a.x, t.cols)
			if err != nil {
				return nil, err
			}
			v := ce.f(t.rows[0])
			t = withColumn(t, column{a.name, ce.typ}, [][]any{{v}})
		}
		return t, nil
	case *fromCmd:
		return r.from(c, req)
	case *showInfoCmd:
		// the sandbox's Elasticsearch version, as its root endpoint says
		return &table{cols: []column{{"version", "keyword"}, {"date", "keyword"}, {"hash", "keyword"}},
			rows: [][]any{{"9.2.0", "2026-01-01T00:00:00.000Z", "sandbox"}}}, nil
	}
	return nil, vfail(cmd.cmdPos(), "unsupported source command")
}

// withColumn drops any column of the same name and appends the new one.
func withColumn(t *table, col column, vals [][]any) *table {
	keep := -1
	for i, c := range t.cols {
		if c.name == col.name {
			keep = i
		}
	}
	out := &table{}
	for i, c := range t.cols {
		if i != keep {
			out.cols = append(out.cols, c)
		}
	}
	out.cols = append(out.cols, col)
	for i, row := range t.rows {
		nr := make([]any, 0, len(out.cols))
		for j, v := range row {
			if j != keep {
				nr = append(nr, v)
			}
		}
		nr = append(nr, vals[i][0])
		out.rows = append(out.rows, nr)
	}
	return out
}

// MatchPattern reports whether an index name matches a pattern with *
// wildcards (a helper for Source implementations).
func MatchPattern(pattern, name string) bool {
	if !strings.ContainsAny(pattern, "*?[\\") {
		return pattern == name
	}
	esc := strings.NewReplacer("?", `\?`, "[", `\[`, `\`, `\\`).Replace(pattern)
	ok, err := path.Match(esc, name)
	return err == nil && ok
}

type fieldVals map[string][]any

// flatten collects a _source's leaf values by dotted path.
func flatten(prefix string, v any, out fieldVals) {
	switch x := v.(type) {
	case nil:
		if _, ok := out[prefix]; !ok && prefix != "" {
			out[prefix] = nil
		}
	case map[string]any:
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, e, out)
		}
	case []any:
		if len(x) == 0 {
			if _, ok := out[prefix]; !ok {
				out[prefix] = nil
			}
		}
		for _, e := range x {
			flatten(prefix, e, out)
		}
	case []string:
		for _, e := range x {
			flatten(prefix, e, out)
		}
	case []map[string]any:
		for _, e := range x {
			flatten(prefix, e, out)
		}
	default:
		if prefix == "" {
			return
		}
		out[prefix] = append(out[prefix], normalizeRaw(v))
	}
}

// inferType types a field from its values, as dynamic mapping would.
func inferType(name string, vals []any) string {
	var nInt, nFloat, nBool, nStr, nDate, nIP, n int
	for _, v := range vals {
		n++
		switch x := v.(type) {
		case int64:
			nInt++
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				nInt++
			} else {
				nFloat++
			}
		case bool:
			nBool++
		case time.Time:
			nDate++
		case string:
			nStr++
			if _, ok := parseDate(x); ok {
				nDate++
			}
			if _, ok := parseIP(x); ok {
				nIP++
			}
		}
	}
	last := name[strings.LastIndexByte(name, '.')+1:]
	switch {
	case n == 0:
		return "null"
	case name == "@timestamp" && (nDate == n || nInt+nFloat == n):
		return "date"
	case nDate == n:
		return "date"
	case nBool == n:
		return "boolean"
	case nInt == n:
		return "long"
	case nInt+nFloat == n:
		return "double"
	case nIP == n && (last == "ip" || strings.HasSuffix(last, "_ip") || last == "ips"):
		return "ip"
	}
	return "keyword"
}

// loadedDoc is a document flattened, with its cells typed as its own
// index types them.
type loadedDoc struct {
	index, id string
	fields    fieldVals
	raw       map[string]any
	cells     []any // by its index's fields, of its index's types
}

// loadedIndex is an index's documents, flattened and typed.
type loadedIndex struct {
	docs    []loadedDoc
	types   map[string]string
	fields  []string          // sorted: the order of each document's cells
	mapping map[string]string // the index's declared types
}

// docsOf lists an index's documents with their _id, or their position.
func docsOf(src Source, ix string) []Doc {
	if is, ok := src.(IDSource); ok {
		return is.DocsWithID(ix)
	}
	var ds []Doc
	for i, d := range src.Docs(ix) {
		ds = append(ds, Doc{ID: fmt.Sprint(i), Source: d})
	}
	return ds
}

// mappingOf is the index's mapping, when the source has one.
func mappingOf(src Source, ix string) map[string]string {
	if ms, ok := src.(MappedSource); ok {
		return ms.Mapping(ix)
	}
	return nil
}

// loadIndex flattens the documents, types the index's fields (by the
// mapping, else from their values as dynamic mapping would) and types
// each document's cells.
func loadIndex(ix string, ds []Doc, mapping map[string]string) *loadedIndex {
	out := &loadedIndex{docs: make([]loadedDoc, len(ds)), mapping: mapping}
	for i, d := range ds {
		fv := fieldVals{}
		flatten("", d.Source, fv)
		out.docs[i] = loadedDoc{index: ix, id: d.ID, fields: fv, raw: d.Source}
	}
	out.retype()
	return out
}

// retype infers the index's types from all its documents and types every
// document's cells with them.
func (li *loadedIndex) retype() {
	byField := fieldVals{}
	for _, d := range li.docs {
		for k, v := range d.fields {
			byField[k] = append(byField[k], v...)
		}
	}
	li.types = make(map[string]string, len(byField))
	li.fields = make([]string, 0, len(byField))
	for k, v := range byField {
		li.types[k] = inferType(k, v)
		if t := li.mapping[k]; t != "" && li.types[k] != "null" {
			li.types[k] = t
		}
		li.fields = append(li.fields, k)
	}
	sort.Strings(li.fields)
	for i := range li.docs {
		d := &li.docs[i]
		d.cells = make([]any, len(li.fields))
		for j, f := range li.fields {
			d.cells[j] = typedCell(d.fields[f], li.types[f])
		}
	}
}

// rowMaker fills a query's field columns from one index's documents.
type rowMaker struct {
	pos   []int  // by query field: the index's cell, or -1
	retyp []bool // by query field: the query types it otherwise
}

func (li *loadedIndex) rowMaker(fields []string, types map[string]string) rowMaker {
	m := rowMaker{pos: make([]int, len(fields)), retyp: make([]bool, len(fields))}
	for i, f := range fields {
		j, found := sort.Find(len(li.fields), func(k int) int { return strings.Compare(f, li.fields[k]) })
		if !found {
			m.pos[i] = -1
			continue
		}
		m.pos[i] = j
		m.retyp[i] = li.types[f] != types[f]
	}
	return m
}

// fill writes the document's cells into the row's first columns.
func (m rowMaker) fill(row []any, d *loadedDoc, fields []string, types map[string]string) {
	for i, j := range m.pos {
		switch {
		case j < 0:
		case m.retyp[i]:
			row[i] = typedCell(d.fields[fields[i]], types[fields[i]])
		default:
			v := d.cells[j]
			if mv, ok := v.([]any); ok {
				v = append([]any(nil), mv...) // rows are the query's own
			}
			row[i] = v
		}
	}
}

func (r *run) from(c *fromCmd, req Request) (*table, *verr) {
	src := r.e.Source
	var indices []string
	seen := map[string]bool{}
	var names []string
	for _, s := range c.sources {
		names = append(names, s.pattern)
		for _, p := range strings.Split(s.pattern, ",") {
			p = strings.TrimSpace(p)
			if strings.Contains(p, ":") && !strings.HasPrefix(p, "<") {
				return nil, vfail(s.pos, "the sandbox does not support remote clusters [%s]", p)
			}
			if strings.HasPrefix(p, "-") {
				return nil, vfail(s.pos, "the sandbox does not support index exclusions [%s]", p)
			}
			var got []string
			if src != nil {
				got = src.Indices(p)
			}
			if len(got) == 0 && !strings.Contains(p, "*") {
				return nil, vfail(c.pos, "Unknown index [%s]", p)
			}
			for _, ix := range got {
				if !seen[ix] {
					seen[ix] = true
					indices = append(indices, ix)
				}
			}
		}
	}
	if len(indices) == 0 {
		return nil, vfail(c.pos, "Unknown index [%s]", strings.Join(names, ","))
	}
	sort.Strings(indices)
	var metas []string
	for _, m := range c.metadata {
		switch m.pattern {
		case "_id", "_index", "_version", "_score", "_ignored", "_index_mode", "_source":
			metas = append(metas, m.pattern)
		default:
			return nil, vfail(m.pos, "unsupported metadata field [%s]", m.pattern)
		}
	}
	// Load, flatten and type every document of the indices (the mapping),
	// then keep the ones the filters let through.
	var loaded []*loadedIndex
	types := map[string]string{}
	for _, ix := range indices {
		var li *loadedIndex
		if is, ok := src.(IDSource); ok && r.e.Cache != nil {
			li = r.e.Cache.load(ix, is.DocsWithID(ix), mappingOf(src, ix))
		} else {
			li = loadIndex(ix, docsOf(src, ix), mappingOf(src, ix))
		}
		loaded = append(loaded, li)
		for k, t := range li.types {
			old, ok := types[k]
			switch {
			case !ok || old == "null":
				types[k] = t
			case t == "null" || t == old:
			case isNumeric(old) && isNumeric(t):
				types[k] = "double"
			default:
				types[k] = "unsupported"
			}
		}
	}
	var fields []string
	for k, t := range types {
		if t == "null" {
			continue
		}
		fields = append(fields, k)
	}
	sort.Strings(fields)
	// a field that is also an object's prefix (a.b and a.b.c) keeps both
	t := &table{}
	for _, f := range fields {
		t.cols = append(t.cols, column{f, types[f]})
	}
	for _, m := range metas {
		typ := "keyword"
		switch m {
		case "_version":
			typ = "long"
		case "_score":
			typ = "double"
		case "_ignored":
			typ = "keyword"
		case "_source":
			typ = "_source"
		}
		t.cols = append(t.cols, column{m, typ})
	}
	for _, li := range loaded {
		mk := li.rowMaker(fields, types)
		for i := range li.docs {
			d := &li.docs[i]
			if !r.keep(d, req) {
				continue
			}
			row := make([]any, len(t.cols))
			mk.fill(row, d, fields, types)
			for j, m := range metas {
				var v any
				switch m {
				case "_id":
					v = d.id
				case "_index", "_index_mode":
					v = d.index
					if m == "_index_mode" {
						v = "standard"
					}
				case "_version":
					v = int64(1)
				case "_score":
					v = 0.0
				case "_source":
					v = sourceOf(d.raw)
				}
				row[len(fields)+j] = v
			}
			t.rows = append(t.rows, row)
		}
	}
	return t, nil
}

func typedCell(raw []any, typ string) any {
	if typ == "unsupported" {
		return nil
	}
	var vals []any
	for _, v := range raw {
		if tv, ok := toType(v, typ); ok {
			vals = append(vals, tv)
		}
	}
	if len(vals) > 1 {
		vals = sortMV(vals, typ)
	}
	return mvOf(vals)
}

func (r *run) keep(d *loadedDoc, req Request) bool {
	if req.DocFilter != nil && !req.DocFilter(d.index, d.id, d.raw) {
		return false
	}
	if f := req.Filter; f != nil && (!f.From.IsZero() || !f.To.IsZero()) {
		vals := d.fields["@timestamp"]
		ok := false
		for _, v := range vals {
			tv, good := toType(v, "date")
			if !good {
				continue
			}
			ts := tv.(time.Time)
			if (f.From.IsZero() || !ts.Before(f.From)) && (f.To.IsZero() || !ts.After(f.To)) {
				ok = true
			}
		}
		return ok
	}
	return true
}

// hashKey makes a map key of a single value.
func hashKey(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UnixNano()
	case netip.Addr:
		return "ip:" + x.String()
	case float64:
		if x == float64(int64(x)) {
			return int64(x)
		}
	}
	return v
}
