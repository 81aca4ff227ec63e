package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
	"github.com/kibana-mcp/kibana-mcp/sandbox/esql"
)

// The sandbox's Elasticsearch: the story's data streams (events_seed.go)
// and the spaces' alerts indices, read-only, through the part of
// Elasticsearch's REST API that looking at evidence needs:
//
//	GET  /                              cluster info
//	POST /_query                        ES|QL (sandbox/esql)
//	GET  /_resolve/index/{expr}         indices, aliases, data streams
//	GET|POST /{expr}/_field_caps        field types (also /_field_caps)
//	GET  /{expr}/_doc/{id}              one document
//	GET|POST /{expr}/_search            Query DSL (sandbox/es; also /_search)
//
// Every other method on those paths answers 405, every other path 400,
// both in Elasticsearch's error format: nothing writes. It is served by
// (*Kibana).Elasticsearch, and by the Kibana handler itself under the
// path prefix /_es (so one standalone sandbox serves both: Kibana at
// http://host:port, Elasticsearch at http://host:port/_es), with the
// same credentials as Kibana and a 401 otherwise.

// esVersion is the version the sandbox's Elasticsearch reports.
const esVersion = "9.2.0"

// esPrefix is where the Kibana handler serves the Elasticsearch side.
const esPrefix = "/_es"

// esCluster holds the data streams, one backing index each.
type esCluster struct {
	streams  []*esStream // by name
	docIndex map[string]string
}

type esStream struct {
	name string
	ix   *es.Index
}

// eventMapping types the event fields their values do not tell.
func eventMapping() map[string]es.Kind {
	m := map[string]es.Kind{"@timestamp": es.Date, "event.ingested": es.Date, "message": es.Text, "powershell.file.script_block_text": es.Text,
		// Sysmon writes its UtcTime as text, which Winlogbeat keeps as a keyword
		"winlog.event_data.UtcTime": es.Keyword}
	for _, f := range []string{"source.ip", "destination.ip", "host.ip", "client.ip", "okta.client.ip", "dns.resolved_ip"} {
		m[f] = es.IP
	}
	for _, f := range []string{"network.bytes", "source.port", "destination.port", "process.pid", "process.parent.pid", "http.response.status_code",
		"source.bytes", "destination.bytes", "powershell.sequence", "powershell.total", "powershell.file.script_block_length"} {
		m[f] = es.Long
	}
	return m
}

func newCluster(g *evGen) *esCluster {
	c := &esCluster{docIndex: map[string]string{}}
	var names []string
	for name := range g.streams {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		docs := g.streams[name]
		sort.SliceStable(docs, func(i, j int) bool { return docs[i].at.Before(docs[j].at) })
		ix := &es.Index{Name: backingIndex(name, g.now), Mapping: eventMapping()}
		for _, d := range docs {
			// as Put stores it, without Put's search for an existing id
			src, _ := es.Normalize(d.src).(map[string]any)
			ix.Docs = append(ix.Docs, &es.Doc{ID: d.id, Source: src, Version: 1})
			c.docIndex[d.id] = ix.Name
		}
		c.streams = append(c.streams, &esStream{name: name, ix: ix})
	}
	return c
}

func (c *esCluster) indexOfDoc(id string) string { return c.docIndex[id] }

// cluster is the sandbox's Elasticsearch data, built on first use (the
// caller holds k.mu).
func (k *Kibana) cluster() *esCluster {
	if k.es == nil && k.esBuild != nil {
		k.es, k.esBuild = k.esBuild(), nil
	}
	return k.es
}

// esTarget is one concrete index as resolution sees it.
type esTarget struct {
	name   string
	ix     *es.Index
	stream string // the data stream it backs
	alias  string
	hidden bool
}

// esTargets lists every concrete index, by name.
func (k *Kibana) esTargets() []esTarget {
	var out []esTarget
	if es := k.cluster(); es != nil {
		for _, s := range es.streams {
			out = append(out, esTarget{name: s.ix.Name, ix: s.ix, stream: s.name, hidden: true})
		}
	}
	var ids []string
	for id := range k.spaces {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if ix := k.spaces[id].alerts.index; ix != nil {
			out = append(out, esTarget{name: ix.Name, ix: ix, alias: ".alerts-security.alerts-" + id, hidden: true})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// esNotFound is Elasticsearch's answer to a missing index.
func esNotFound(name string) *es.Error {
	return &es.Error{Status: 404, Type: "index_not_found_exception", RootType: "index_not_found_exception", Reason: "no such index [" + name + "]"}
}

// resolveTargets expands an index expression (names, aliases, data
// streams and * patterns, comma-separated, with -exclusions) to concrete
// indices. Patterns skip hidden indices, aliases and data streams unless
// they start with a dot (Elasticsearch's expand_wildcards=open); a name
// that matches nothing is an index_not_found_exception.
func (k *Kibana) resolveTargets(expr string) ([]esTarget, *es.Error) {
	all := k.esTargets()
	picked := map[string]bool{}
	for i, part := range strings.Split(expr, ",") {
		part = strings.TrimSpace(part)
		exclude := false
		if strings.HasPrefix(part, "-") && i > 0 {
			exclude, part = true, part[1:]
		}
		if part == "" {
			return nil, &es.Error{Status: 400, Type: "invalid_index_name_exception", RootType: "invalid_index_name_exception", Reason: "Invalid index name [" + expr + "], must not be empty"}
		}
		if part == "_all" {
			part = "*"
		}
		wild := strings.ContainsAny(part, "*?")
		dot := strings.HasPrefix(part, ".")
		matches := func(name string, hidden bool) bool {
			if wild {
				return (!hidden || dot) && es.Glob(part, name)
			}
			return name == part
		}
		found := false
		for _, t := range all {
			hit := matches(t.name, t.hidden) ||
				(t.stream != "" && matches(t.stream, strings.HasPrefix(t.stream, "."))) ||
				(t.alias != "" && matches(t.alias, true))
			if hit {
				found = true
				if exclude {
					delete(picked, t.name)
				} else {
					picked[t.name] = true
				}
			}
		}
		if !found && !wild && !exclude {
			return nil, esNotFound(part)
		}
	}
	var out []esTarget
	for _, t := range all {
		if picked[t.name] {
			out = append(out, t)
		}
	}
	return out, nil
}

// ---- ES|QL's view ----

// esqlSource is the cluster as the ES|QL engine reads it.
type esqlSource struct {
	k *Kibana
}

func (s esqlSource) Indices(pattern string) []string {
	ts, err := s.k.resolveTargets(pattern)
	if err != nil {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.name
	}
	return out
}

func (s esqlSource) index(name string) *es.Index {
	for _, t := range s.k.esTargets() {
		if t.name == name {
			return t.ix
		}
	}
	return nil
}

func (s esqlSource) Docs(name string) []map[string]any {
	var out []map[string]any
	for _, d := range s.DocsWithID(name) {
		out = append(out, d.Source)
	}
	return out
}

func (s esqlSource) DocsWithID(name string) []esql.Doc {
	ix := s.index(name)
	if ix == nil {
		return nil
	}
	out := make([]esql.Doc, len(ix.Docs))
	for i, d := range ix.Docs {
		out[i] = esql.Doc{ID: d.ID, Source: d.Source, Version: d.Version}
	}
	return out
}

// Mapping is the index's mapping in ES|QL's type names, so that ES|QL
// types a field as field caps does (message as text, addresses as ip).
func (s esqlSource) Mapping(name string) map[string]string {
	ix := s.index(name)
	if ix == nil {
		return nil
	}
	out := make(map[string]string, len(ix.Mapping))
	for f, k := range ix.Mapping {
		out[f] = kindName(k)
	}
	return out
}

// esqlFilter is the _query API's filter as the engine applies it: the
// documents of each index the query clause matches, found once per index.
func (s esqlSource) esqlFilter(clause any, now time.Time) func(index, id string, doc map[string]any) bool {
	matched := map[string]map[string]bool{}
	return func(index, id string, _ map[string]any) bool {
		ids, ok := matched[index]
		if !ok {
			ids = map[string]bool{}
			if ix := s.index(index); ix != nil {
				docs, _ := ix.Matching(clause, now) // checked before the query ran
				for _, d := range docs {
					ids[d.ID] = true
				}
			}
			matched[index] = ids
		}
		return ids[id]
	}
}

// esqlQuery runs one _query request body. The error is an *esql.Error or
// an *es.Error.
func (k *Kibana) esqlQuery(body map[string]any) (*esql.Result, error) {
	var req esql.Request
	now := k.cfg.Now().UTC()
	src := esqlSource{k: k}
	for key, v := range body {
		switch key {
		case "query":
			s, ok := v.(string)
			if !ok {
				return nil, xContent("[esql/query] failed to parse field [query]")
			}
			req.Query = s
		case "params":
			ps, err := esqlParams(v)
			if err != nil {
				return nil, err
			}
			req.Params = ps
		case "filter":
			if v != nil {
				// Check the filter once, on an empty index, so that a bad one
				// is a 400 rather than no rows.
				if _, err := (&es.Index{Name: "filter"}).Matching(v, now); err != nil {
					return nil, err
				}
				req.DocFilter = src.esqlFilter(v, now)
			}
		case "columnar", "locale", "profile", "include_ccs_metadata", "time_zone":
		default:
			return nil, xContent(fmt.Sprintf("[1:2] [esql/query] unknown field [%s]", key))
		}
	}
	if strings.TrimSpace(req.Query) == "" {
		return nil, &es.Error{Status: 400, Type: "parsing_exception", RootType: "parsing_exception", Reason: "line 1:1: mismatched input '<EOF>' expecting {'explain', 'from', 'row', 'show'}"}
	}
	eng := esql.Engine{Source: src, Clock: func() time.Time { return now }, Cache: &k.esql}
	return eng.Query(req)
}

func xContent(reason string) *es.Error {
	return &es.Error{Status: 400, Type: "x_content_parse_exception", RootType: "x_content_parse_exception", Reason: reason}
}

// esqlParams reads the _query API's params: positional values, or
// single-key objects naming them.
func esqlParams(v any) ([]esql.Param, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, xContent("[esql/query] failed to parse field [params]: expected an array")
	}
	var out []esql.Param
	for _, p := range list {
		if m, ok := p.(map[string]any); ok {
			if len(m) != 1 {
				return nil, xContent("[esql/query] failed to parse field [params]: a named parameter is an object with one key")
			}
			for name, val := range m {
				if _, nested := val.(map[string]any); nested {
					return nil, xContent(fmt.Sprintf("[esql/query] failed to parse field [params]: the sandbox does not support parameter kinds [%s]", name))
				}
				out = append(out, esql.Param{Name: name, Value: val})
			}
			continue
		}
		out = append(out, esql.Param{Value: p})
	}
	return out, nil
}

// ---- Field capabilities and mappings ----

// kindName is a field's type as field caps and mappings name it.
func kindName(k es.Kind) string {
	switch k {
	case es.Text:
		return "text"
	case es.Date:
		return "date"
	case es.Long:
		return "long"
	case es.Double:
		return "double"
	case es.Boolean:
		return "boolean"
	case es.IP:
		return "ip"
	}
	return "keyword"
}

// fieldTypes maps an index's leaf fields to their types: the mapping's,
// else what the first value tells (as dynamic mapping would).
func fieldTypes(ix *es.Index) map[string]string {
	out := map[string]string{}
	for _, d := range ix.Docs {
		for path, vals := range d.Flat() {
			if _, done := out[path]; done {
				continue
			}
			if k, ok := ix.Mapping[path]; ok {
				out[path] = kindName(k)
				continue
			}
			out[path] = valueType(vals[0])
		}
	}
	for path, k := range ix.Mapping {
		if _, ok := out[path]; !ok {
			out[path] = kindName(k)
		}
	}
	return out
}

func valueType(v any) string {
	switch v := v.(type) {
	case bool:
		return "boolean"
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE") {
			return "double"
		}
		return "long"
	case float64, float32:
		return "double"
	case int, int64, int32:
		return "long"
	}
	return "keyword"
}

// fieldCaps answers _field_caps over the indices for the field patterns.
func fieldCaps(targets []esTarget, patterns []string) map[string]any {
	byField := map[string]map[string][]string{} // field → type → indices
	note := func(field, typ, index string) {
		if byField[field] == nil {
			byField[field] = map[string][]string{}
		}
		byField[field][typ] = append(byField[field][typ], index)
	}
	wanted := func(f string) bool {
		for _, p := range patterns {
			if es.Glob(p, f) {
				return true
			}
		}
		return false
	}
	var indices []string
	for _, t := range targets {
		indices = append(indices, t.name)
		parents := map[string]bool{}
		types := fieldTypes(t.ix)
		for f, typ := range types {
			if wanted(f) {
				note(f, typ, t.name)
			}
			for i := strings.IndexByte(f, '.'); i > 0; i = next(f, i) {
				parents[f[:i]] = true
			}
		}
		for p := range parents {
			// A multi-field (user.name.text) is not a field of an
			// object: its parent is the field it indexes again.
			if _, leaf := types[p]; !leaf && wanted(p) {
				note(p, "object", t.name)
			}
		}
		for _, m := range []string{"_id", "_index", "_source"} {
			if wanted(m) {
				note(m, m, t.name)
			}
		}
	}
	fields := map[string]any{}
	for f, types := range byField {
		entry := map[string]any{}
		for typ, ixs := range types {
			meta := strings.HasPrefix(typ, "_")
			caps := map[string]any{"type": typ, "metadata_field": meta, "searchable": typ != "object" && typ != "_source", "aggregatable": typ != "object" && typ != "text" && typ != "_source"}
			if len(types) > 1 {
				sort.Strings(ixs)
				caps["indices"] = ixs
			}
			entry[typ] = caps
		}
		fields[f] = entry
	}
	if indices == nil {
		indices = []string{}
	}
	return map[string]any{"indices": indices, "fields": fields}
}

func next(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '.')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// mappingOf is an index's mapping as GET _mapping answers it.
func mappingOf(ix *es.Index) map[string]any {
	props := map[string]any{}
	for f, typ := range fieldTypes(ix) {
		cur := props
		parts := strings.Split(f, ".")
		for _, p := range parts[:len(parts)-1] {
			obj, _ := cur[p].(map[string]any)
			if obj == nil || obj["properties"] == nil {
				obj = map[string]any{"properties": map[string]any{}}
				cur[p] = obj
			}
			cur = obj["properties"].(map[string]any)
		}
		leaf := parts[len(parts)-1]
		if _, isObj := cur[leaf]; !isObj {
			cur[leaf] = map[string]any{"type": typ}
		}
	}
	return map[string]any{"mappings": map[string]any{"properties": props}}
}

// ---- Resolution ----

// resolveIndex answers _resolve/index: the names an expression matches,
// each in its own list, not expanded.
func (k *Kibana) resolveIndex(expr string) (map[string]any, *es.Error) {
	all := k.esTargets()
	indices, aliases, streams := []any{}, []any{}, []any{}
	seenAlias, seenStream := map[string]bool{}, map[string]bool{}
	for _, part := range strings.Split(expr, ",") {
		part = strings.TrimSpace(part)
		if part == "_all" {
			part = "*"
		}
		wild := strings.ContainsAny(part, "*?")
		dot := strings.HasPrefix(part, ".")
		matches := func(name string, hidden bool) bool {
			if wild {
				return (!hidden || dot) && es.Glob(part, name)
			}
			return name == part
		}
		found := false
		for _, t := range all {
			if matches(t.name, t.hidden) {
				found = true
				entry := map[string]any{"name": t.name, "attributes": []any{"hidden", "open"}}
				if t.stream != "" {
					entry["data_stream"] = t.stream
				}
				if t.alias != "" {
					entry["aliases"] = []any{t.alias}
				}
				indices = append(indices, entry)
			}
			if t.alias != "" && matches(t.alias, true) && !seenAlias[t.alias] {
				found, seenAlias[t.alias] = true, true
				aliases = append(aliases, map[string]any{"name": t.alias, "attributes": []any{"hidden"}, "indices": []any{t.name}})
			}
			if t.stream != "" && matches(t.stream, false) && !seenStream[t.stream] {
				found, seenStream[t.stream] = true, true
				streams = append(streams, map[string]any{"name": t.stream, "backing_indices": []any{t.name}, "timestamp_field": "@timestamp"})
			}
		}
		if !found && !wild {
			return nil, esNotFound(part)
		}
	}
	return map[string]any{"indices": indices, "aliases": aliases, "data_streams": streams}, nil
}

// ---- Get and search ----

func (k *Kibana) getDoc(expr, id string) (int, map[string]any, *es.Error) {
	ts, err := k.resolveTargets(expr)
	if err != nil {
		return 0, nil, err
	}
	for _, t := range ts {
		if d := t.ix.Get(id); d != nil {
			return 200, map[string]any{"_index": t.name, "_id": d.ID, "_version": d.Version, "_seq_no": d.Version - 1, "_primary_term": 1, "found": true, "_source": d.Source}, nil
		}
	}
	index := expr
	if len(ts) == 1 {
		index = ts[0].name
	}
	return 404, map[string]any{"_index": index, "_id": id, "found": false}, nil
}

// search runs a Query DSL search over the indices an expression names, as
// one: their documents are searched together and each hit keeps its index.
func (k *Kibana) search(expr string, body map[string]any) (map[string]any, error) {
	ts, err := k.resolveTargets(expr)
	if err != nil {
		return nil, err
	}
	merged := &es.Index{Name: expr, Mapping: map[string]es.Kind{}, Multi: map[string]string{}}
	owner := map[*es.Doc]string{}
	byID := map[string]string{}
	for _, t := range ts {
		for f, kd := range t.ix.Mapping {
			merged.Mapping[f] = kd
		}
		for f, p := range t.ix.Multi {
			merged.Multi[f] = p
		}
		for _, d := range t.ix.Docs {
			merged.Docs = append(merged.Docs, d)
			owner[d] = t.name
			byID[d.ID] = t.name
		}
	}
	res, serr := merged.Search(body, k.cfg.Now())
	if serr != nil {
		return nil, serr
	}
	if hits, ok := res["hits"].(map[string]any); ok {
		if list, ok := hits["hits"].([]any); ok {
			for _, h := range list {
				if m, ok := h.(map[string]any); ok {
					if id, ok := m["_id"].(string); ok && byID[id] != "" {
						m["_index"] = byID[id]
					}
				}
			}
		}
	}
	res["_shards"] = map[string]any{"total": len(ts), "successful": len(ts), "skipped": 0, "failed": 0}
	return res, nil
}

// ---- HTTP ----

// esRequest is one request to the Elasticsearch side.
type esRequest struct {
	method string
	path   string // escaped
	query  url.Values
	body   []byte
}

// esAnswer is its answer.
type esAnswer struct {
	status  int
	body    any
	warning []string
	allow   string
}

// Elasticsearch is the sandbox's Elasticsearch side as its own handler, for
// mounting on another address; the Kibana handler also serves it under
// /_es. Same credentials as Kibana.
func (k *Kibana) Elasticsearch() http.Handler { return http.HandlerFunc(k.serveES) }

func (k *Kibana) serveES(w http.ResponseWriter, r *http.Request) {
	if !k.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="security", charset="UTF-8"`)
		w.Header().Add("WWW-Authenticate", "ApiKey")
		writeESError(w, esAnswer{status: 401, body: esErrorBody(&es.Error{Status: 401, Type: "security_exception", RootType: "security_exception", Reason: "missing authentication credentials for REST request [" + r.URL.RequestURI() + "]"})})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		writeESError(w, esAnswer{status: 400, body: esErrorBody(xContent(err.Error()))})
		return
	}
	k.mu.Lock()
	a := k.esServe(esRequest{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.Query(), body: body})
	k.mu.Unlock()
	writeESError(w, a)
}

// writeESError writes any answer (the name says what it mostly writes).
func writeESError(w http.ResponseWriter, a esAnswer) {
	for _, wr := range a.warning {
		w.Header().Add("Warning", fmt.Sprintf("299 Elasticsearch-%s %q", esVersion, wr))
	}
	if a.allow != "" {
		w.Header().Set("Allow", a.allow)
	}
	w.Header().Set("X-elastic-product", "Elasticsearch")
	writeJSON(w, a.status, a.body)
}

func esErrorBody(e *es.Error) map[string]any {
	root := e.RootType
	if root == "" {
		root = e.Type
	}
	return map[string]any{
		"error":  map[string]any{"root_cause": []any{map[string]any{"type": root, "reason": e.Reason}}, "type": e.Type, "reason": e.Reason},
		"status": e.Status,
	}
}

func esFail(err error) esAnswer {
	switch e := err.(type) {
	case *esql.Error:
		return esAnswer{status: e.Status, body: e.Body()}
	case *es.Error:
		return esAnswer{status: e.Status, body: esErrorBody(e)}
	}
	return esAnswer{status: 400, body: esErrorBody(&es.Error{Status: 400, Type: "illegal_argument_exception", Reason: err.Error()})}
}

// esRoute says which handler a path has and the methods it allows; nil
// when the path is not served.
func (k *Kibana) esRoute(segs []string) (allow []string, handle func(esRequest) esAnswer) {
	switch {
	case len(segs) == 0:
		return []string{"GET", "HEAD"}, func(esRequest) esAnswer { return esAnswer{status: 200, body: esInfo()} }
	case len(segs) == 1 && segs[0] == "_query":
		return []string{"POST"}, k.esQueryRoute
	case len(segs) == 3 && segs[0] == "_resolve" && segs[1] == "index":
		return []string{"GET"}, func(r esRequest) esAnswer {
			res, err := k.resolveIndex(segs[2])
			if err != nil {
				return esFail(err)
			}
			return esAnswer{status: 200, body: res}
		}
	case len(segs) <= 2 && segs[len(segs)-1] == "_field_caps":
		expr := "*"
		if len(segs) == 2 {
			expr = segs[0]
		}
		return []string{"GET", "POST"}, func(r esRequest) esAnswer { return k.esFieldCapsRoute(expr, r) }
	case len(segs) == 3 && segs[1] == "_doc" && !strings.HasPrefix(segs[0], "_"):
		return []string{"GET", "HEAD"}, func(r esRequest) esAnswer {
			status, body, err := k.getDoc(segs[0], segs[2])
			if err != nil {
				return esFail(err)
			}
			return esAnswer{status: status, body: body}
		}
	case len(segs) <= 2 && segs[len(segs)-1] == "_search":
		expr := "*"
		if len(segs) == 2 {
			expr = segs[0]
		}
		return []string{"GET", "POST"}, func(r esRequest) esAnswer {
			var body map[string]any
			if len(bytes.TrimSpace(r.body)) > 0 {
				if err := decodeJSON(r.body, &body); err != nil {
					return esFail(xContent(err.Error()))
				}
			}
			res, err := k.search(expr, body)
			if err != nil {
				return esFail(err)
			}
			return esAnswer{status: 200, body: res}
		}
	}
	return nil, nil
}

// esSegments splits an escaped path into unescaped segments; ok is false
// for a path with empty, "." or ".." segments or one that does not
// unescape.
func esSegments(path string) ([]string, bool) {
	path = strings.TrimPrefix(path, "/")
	if path == "" {
		return nil, true
	}
	var out []string
	for _, s := range strings.Split(strings.TrimSuffix(path, "/"), "/") {
		v, err := url.PathUnescape(s)
		if err != nil || v == "" || v == "." || v == ".." || strings.ContainsAny(v, "/\\") {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// esServe answers one request (the caller holds k.mu).
func (k *Kibana) esServe(r esRequest) esAnswer {
	segs, ok := esSegments(r.path)
	var allow []string
	var handle func(esRequest) esAnswer
	if ok {
		allow, handle = k.esRoute(segs)
	}
	if handle == nil {
		return esAnswer{status: 400, body: esErrorBody(&es.Error{Status: 400, Type: "illegal_argument_exception", Reason: fmt.Sprintf("no handler found for uri [%s] and method [%s] (the sandbox's Elasticsearch is read-only and serves only _query, _resolve/index, _field_caps, _doc reads and _search)", r.path, r.method)})}
	}
	for _, m := range allow {
		if m == r.method {
			if f := r.query.Get("format"); f != "" && f != "json" {
				return esFail(&es.Error{Status: 400, Type: "illegal_argument_exception", Reason: "the sandbox answers only format=json, not [" + f + "]"})
			}
			return handle(r)
		}
	}
	return esAnswer{status: 405, allow: strings.Join(allow, ","), body: esErrorBody(&es.Error{Status: 405, Type: "illegal_argument_exception", Reason: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [%s], allowed: [%s]", r.path, r.method, strings.Join(allow, ", "))})}
}

func esInfo() map[string]any {
	return map[string]any{
		"name": "sandbox-es-01", "cluster_name": "kibana-mcp-sandbox", "cluster_uuid": "c2FuZGJveC1jbHVzdGVy",
		"version": map[string]any{"number": esVersion, "build_flavor": "default", "build_type": "docker", "lucene_version": "10.2.2", "minimum_wire_compatibility_version": "8.19.0", "minimum_index_compatibility_version": "8.0.0"},
		"tagline": "You Know, for Search",
	}
}

func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

func (k *Kibana) esQueryRoute(r esRequest) esAnswer {
	var body map[string]any
	if err := decodeJSON(r.body, &body); err != nil || body == nil {
		return esFail(xContent("request body is required"))
	}
	start := time.Now()
	res, err := k.esqlQuery(body)
	if err != nil {
		return esFail(err)
	}
	values := res.Values
	if c, _ := body["columnar"].(bool); c {
		cols := make([][]any, len(res.Columns))
		for i := range cols {
			cols[i] = make([]any, len(res.Values))
			for j, row := range res.Values {
				cols[i][j] = row[i]
			}
		}
		values = cols
	}
	return esAnswer{status: 200, warning: res.Warnings, body: map[string]any{
		"took": time.Since(start).Milliseconds(), "is_partial": false,
		"documents_found": len(res.Values), "columns": res.Columns, "values": values,
	}}
}

func (k *Kibana) esFieldCapsRoute(expr string, r esRequest) esAnswer {
	fields := r.query.Get("fields")
	if len(bytes.TrimSpace(r.body)) > 0 {
		var body map[string]any
		if err := decodeJSON(r.body, &body); err != nil {
			return esFail(xContent(err.Error()))
		}
		for key, v := range body {
			switch key {
			case "fields":
				switch x := v.(type) {
				case string:
					fields = x
				case []any:
					var fs []string
					for _, f := range x {
						fs = append(fs, fmt.Sprint(f))
					}
					fields = strings.Join(fs, ",")
				}
			case "index_filter", "runtime_mappings":
				return esFail(xContent(fmt.Sprintf("[%s] is not supported by the sandbox's field caps", key)))
			default:
				return esFail(xContent(fmt.Sprintf("[1:2] [field_caps_request] unknown field [%s]", key)))
			}
		}
	}
	if strings.TrimSpace(fields) == "" {
		return esFail(&es.Error{Status: 400, Type: "action_request_validation_exception", Reason: "Validation Failed: 1: specified fields can't be null or empty;"})
	}
	ts, err := k.resolveTargets(expr)
	if err != nil {
		if r.query.Get("ignore_unavailable") != "true" {
			return esFail(err)
		}
	}
	var patterns []string
	for _, f := range strings.Split(fields, ",") {
		patterns = append(patterns, strings.TrimSpace(f))
	}
	return esAnswer{status: 200, body: fieldCaps(ts, patterns)}
}

// esPrefixed tells whether the Kibana handler should pass a request to the
// Elasticsearch side, and the path there.
func esPrefixed(escapedPath string) (string, bool) {
	if escapedPath == esPrefix {
		return "/", true
	}
	rest, ok := strings.CutPrefix(escapedPath, esPrefix+"/")
	if !ok {
		return "", false
	}
	return "/" + rest, true
}

// serveESPrefixed serves a request the Kibana handler got under /_es.
func (k *Kibana) serveESPrefixed(w http.ResponseWriter, r *http.Request, path string) {
	r2 := r.Clone(r.Context())
	u := *r.URL
	u.RawPath = path
	if p, err := url.PathUnescape(path); err == nil {
		u.Path = p
	}
	r2.URL = &u
	k.serveES(w, r2)
}
