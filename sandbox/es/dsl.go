package es

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// A small Elasticsearch: one index of JSON documents and the part of the
// search API that alert triage uses. Documents may spell a field as a flat
// "a.b" key, as nested objects, or both; queries see the same values
// either way. What is not evaluated is refused with a 400 that names it,
// never ignored.

// Index is one index held in memory.
type Index struct {
	Name string
	Docs []*Doc
	// Mapping types the fields whose type their values do not tell (dates,
	// IPs, text); every other field is mapped from its values (strings as
	// keyword, numbers as long or double, booleans as boolean).
	Mapping map[string]Kind
	// Multi maps a Multi-field ("user.name.text") to the field it indexes.
	Multi map[string]string
}

// Doc is one document.
type Doc struct {
	ID      string
	Source  map[string]any
	Version int64
	leaves  map[string][]any // source flattened to dotted paths; nil when stale
}

type Kind uint8

const (
	Keyword Kind = iota + 1
	Text
	Date
	Long
	Double
	Boolean
	IP
)

var kindNames = map[string]Kind{"keyword": Keyword, "text": Text, "match_only_text": Text, "date": Date, "long": Long, "integer": Long, "double": Double, "float": Double, "boolean": Boolean, "ip": IP}

// maxResultWindow is index.max_result_window's default.
const maxResultWindow = 10000

// Error is an error Elasticsearch answers; Kibana passes its message on
// in the Elasticsearch client's wording.
type Error struct {
	Status         int
	Type, RootType string
	Reason         string
}

func (e *Error) Error() string {
	return e.Type + "\n\tRoot causes:\n\t\t" + e.RootType + ": " + e.Reason
}

func parsingError(format string, args ...any) *Error {
	return &Error{Status: 400, Type: "parsing_exception", RootType: "parsing_exception", Reason: fmt.Sprintf(format, args...)}
}

func xContentError(format string, args ...any) *Error {
	return &Error{Status: 400, Type: "x_content_parse_exception", RootType: "x_content_parse_exception", Reason: fmt.Sprintf(format, args...)}
}

// ShardError is a failure while running the query on the shard, which
// Elasticsearch reports as a failed search phase.
func ShardError(rootType, format string, args ...any) *Error {
	return &Error{Status: 400, Type: "search_phase_execution_exception", RootType: rootType, Reason: fmt.Sprintf(format, args...)}
}

// unsupported answers a query, aggregation or option that Elasticsearch
// knows and the sandbox does not evaluate.
func unsupported(what string) *Error {
	return parsingError("%s is not supported by the sandbox Kibana", what)
}

// knownQueries are Elasticsearch queries the sandbox does not evaluate.
var knownQueries = []string{"query_string", "simple_query_string", "regexp", "fuzzy", "nested", "has_child", "has_parent", "parent_id", "geo_bounding_box", "geo_distance", "geo_shape", "geo_polygon", "shape", "script", "script_score", "function_score", "dis_max", "boosting", "more_like_this", "terms_set", "intervals", "match_bool_prefix", "match_phrase_prefix", "combined_fields", "span_term", "span_near", "span_or", "span_not", "span_first", "span_multi", "span_containing", "span_within", "distance_feature", "rank_feature", "wrapper", "pinned", "percolate", "knn", "sparse_vector", "semantic", "text_expansion", "weighted_tokens"}

// knownAggs are Elasticsearch aggregations the sandbox does not evaluate.
var knownAggs = []string{"histogram", "range", "date_range", "ip_range", "significant_terms", "significant_text", "rare_terms", "multi_terms", "composite", "nested", "reverse_nested", "sampler", "diversified_sampler", "global", "adjacency_matrix", "auto_date_histogram", "variable_width_histogram", "geohash_grid", "geotile_grid", "stats", "extended_stats", "percentiles", "percentile_ranks", "median_absolute_deviation", "scripted_metric", "weighted_avg", "geo_bounds", "geo_centroid", "string_stats", "boxplot", "rate", "t_test", "top_metrics", "matrix_stats", "bucket_sort", "bucket_selector", "bucket_script", "cumulative_sum", "derivative", "moving_fn", "serial_diff", "avg_bucket", "max_bucket", "min_bucket", "sum_bucket", "stats_bucket", "percentiles_bucket", "categorize_text", "frequent_item_sets"}

// Put adds or replaces a document.
func (ix *Index) Put(id string, source map[string]any) *Doc {
	src, _ := Normalize(source).(map[string]any)
	for _, d := range ix.Docs {
		if d.ID == id {
			d.Source, d.leaves = src, nil
			d.Version++
			return d
		}
	}
	d := &Doc{ID: id, Source: src, Version: 1}
	ix.Docs = append(ix.Docs, d)
	return d
}

// Get returns the document with id, or nil.
func (ix *Index) Get(id string) *Doc {
	for _, d := range ix.Docs {
		if d.ID == id {
			return d
		}
	}
	return nil
}

// Set writes one field of a document's source (as a flat key, the way an
// update script writes ctx._source['a.b']); nil removes it.
func (d *Doc) Set(field string, v any) {
	if v == nil {
		delete(d.Source, field)
	} else {
		d.Source[field] = Normalize(v)
	}
	d.leaves = nil
	d.Version++
}

// Normalize gives a Go value the shape encoding/json decodes into
// (maps, []any, strings, json.Number, bools), so documents built in Go and
// documents sent in requests compare alike.
func Normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if dec.Decode(&out) != nil {
		return nil
	}
	return out
}

// Flat returns the document's leaf values by dotted path, whichever way
// the source spells the path.
func (d *Doc) Flat() map[string][]any {
	if d.leaves == nil {
		d.leaves = map[string][]any{}
		flatten(d.leaves, "", d.Source)
	}
	return d.leaves
}

func flatten(out map[string][]any, path string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			flatten(out, joinPath(path, k), sub)
		}
	case []any:
		for _, e := range v {
			flatten(out, path, e)
		}
	case nil:
	default:
		out[path] = append(out[path], v)
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// ---- Searching ----

// search is one request's view of the index: its clock and its runtime
// fields.
type search struct {
	ix      *Index
	now     time.Time
	runtime map[string]*runtimeField
	kinds   map[string]Kind // dynamic mapping, worked out once per request
}

func (ix *Index) newSearch(now time.Time) *search {
	s := &search{ix: ix, now: now.UTC(), kinds: map[string]Kind{}}
	for _, d := range ix.Docs {
		for path, vals := range d.Flat() {
			if _, done := s.kinds[path]; done {
				continue
			}
			if k, ok := ix.Mapping[path]; ok {
				s.kinds[path] = k
				continue
			}
			s.kinds[path] = kindOf(vals[0])
		}
	}
	for path, k := range ix.Mapping {
		s.kinds[path] = k
	}
	return s
}

func kindOf(v any) Kind {
	switch v := v.(type) {
	case bool:
		return Boolean
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE") {
			return Double
		}
		return Long
	case float64, float32:
		return Double
	case int, int64, int32:
		return Long
	}
	return Keyword
}

// kind is the type of a field; ok is false for an unmapped field.
func (s *search) kind(field string) (Kind, bool) {
	if rf, ok := s.runtime[field]; ok {
		return rf.kind, true
	}
	if field == "_id" || field == "_index" {
		return Keyword, true
	}
	k, ok := s.kinds[field]
	return k, ok
}

// isObject reports a path that holds fields rather than values.
func (s *search) isObject(field string) bool {
	for path := range s.kinds {
		if strings.HasPrefix(path, field+".") {
			return true
		}
	}
	return false
}

// values are a document's values of field.
func (s *search) values(d *Doc, field string) []any {
	if rf, ok := s.runtime[field]; ok {
		return rf.eval(s, d)
	}
	switch field {
	case "_id":
		return []any{d.ID}
	case "_index":
		return []any{s.ix.Name}
	}
	if parent, ok := s.ix.Multi[field]; ok {
		field = parent
	}
	return d.Flat()[field]
}

// fieldsMatching lists the mapped fields a pattern ("host.*") names, in
// order.
func (s *search) fieldsMatching(pattern string) []string {
	var out []string
	for path := range s.kinds {
		if Glob(pattern, path) {
			out = append(out, path)
		}
	}
	for name := range s.runtime {
		if Glob(pattern, name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// Search answers an Elasticsearch Search request body.
func (ix *Index) Search(body map[string]any, now time.Time) (map[string]any, error) {
	s := ix.newSearch(now)
	for key := range body {
		switch key {
		case "query", "size", "from", "sort", "_source", "fields", "track_total_hits", "aggs", "aggregations", "runtime_mappings", "track_scores":
		default:
			return nil, parsingError("Unknown key for a START_OBJECT in [%s].", key)
		}
	}
	if err := s.parseRuntime(body["runtime_mappings"]); err != nil {
		return nil, err
	}
	req, err := s.parseRequest(body)
	if err != nil {
		return nil, err
	}
	return s.run(req)
}

// Matching returns the documents a query clause matches (nil: all), in
// index order, as update_by_query chooses them.
func (ix *Index) Matching(clause any, now time.Time) ([]*Doc, error) {
	s := ix.newSearch(now)
	q := matchAll
	if clause != nil {
		var err error
		if q, err = s.compile(clause); err != nil {
			return nil, err
		}
	}
	var out []*Doc
	for _, d := range ix.Docs {
		if ok, _ := q(d); ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// request is a parsed search body.
type request struct {
	query       query
	from, size  int
	sorts       []sortSpec
	source      sourceFilter
	fields      []string
	trackTotal  int // hits counted exactly up to this; -1: not at all
	trackScores bool
	aggs        []*agg
}

func (s *search) parseRequest(body map[string]any) (*request, error) {
	req := &request{query: matchAll, size: 10, trackTotal: maxResultWindow, source: sourceFilter{enabled: true}}
	if raw, ok := body["query"]; ok && raw != nil {
		q, err := s.compile(raw)
		if err != nil {
			return nil, err
		}
		req.query = q
	}
	var err error
	if req.size, err = intOption(body, "size", 10); err != nil {
		return nil, err
	}
	if req.from, err = intOption(body, "from", 0); err != nil {
		return nil, err
	}
	if req.size < 0 {
		return nil, &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("[size] parameter cannot be negative, found [%d]", req.size)}
	}
	if req.from < 0 {
		return nil, &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("[from] parameter cannot be negative but was [%d]", req.from)}
	}
	if req.from+req.size > maxResultWindow {
		return nil, ShardError("illegal_argument_exception", "Result window is too large, from + size must be less than or equal to: [%d] but was [%d]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.", maxResultWindow, req.from+req.size)
	}
	if req.sorts, err = s.parseSort(body["sort"]); err != nil {
		return nil, err
	}
	if req.source, err = parseSource(body["_source"]); err != nil {
		return nil, err
	}
	if raw, ok := body["fields"]; ok {
		req.fields, err = parseFields(raw)
		if err != nil {
			return nil, err
		}
	}
	switch v := body["track_total_hits"].(type) {
	case nil:
	case bool:
		if v {
			req.trackTotal = math.MaxInt
		} else {
			req.trackTotal = -1
		}
	default:
		n, ok := asInt(v)
		if !ok || n < -1 {
			return nil, parsingError("[track_total_hits] must be a boolean or a non-negative integer")
		}
		req.trackTotal = n
	}
	if v, ok := body["track_scores"].(bool); ok {
		req.trackScores = v
	}
	aggs := body["aggs"]
	if aggs == nil {
		aggs = body["aggregations"]
	}
	if aggs != nil {
		if req.aggs, err = s.parseAggs(aggs); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func intOption(body map[string]any, key string, def int) (int, error) {
	v, ok := body[key]
	if !ok || v == nil {
		return def, nil
	}
	n, ok := asInt(v)
	if !ok {
		return 0, parsingError("[%s] must be an integer, found [%v]", key, v)
	}
	return n, nil
}

// hit is a matched document and its score.
type hit struct {
	doc   *Doc
	score float64
	keys  []sortKey
}

func (s *search) run(req *request) (map[string]any, error) {
	var hits []*hit
	for _, d := range s.ix.Docs {
		if ok, score := req.query(d); ok {
			hits = append(hits, &hit{doc: d, score: score})
		}
	}
	if err := s.sortHits(hits, req.sorts); err != nil {
		return nil, err
	}
	scored := len(req.sorts) == 0 || req.trackScores || slices.ContainsFunc(req.sorts, func(sp sortSpec) bool { return sp.field == "_score" })
	page := []any{}
	for i := req.from; i < len(hits) && i < req.from+req.size; i++ {
		page = append(page, s.renderHit(hits[i], req, scored))
	}
	var maxScore any
	if scored && req.size > 0 {
		maxScore = bestScore(hits)
	}
	out := map[string]any{
		"took":      1 + len(s.ix.Docs)/50,
		"timed_out": false,
		"_shards":   map[string]any{"total": 1, "successful": 1, "skipped": 0, "failed": 0},
	}
	hitsOut := map[string]any{"max_score": maxScore, "hits": page}
	if req.trackTotal >= 0 {
		total, relation := len(hits), "eq"
		if total > req.trackTotal {
			total, relation = req.trackTotal, "gte"
		}
		hitsOut["total"] = map[string]any{"value": total, "relation": relation}
	}
	out["hits"] = hitsOut
	if req.aggs != nil {
		docs := make([]*Doc, len(hits))
		for i, h := range hits {
			docs[i] = h.doc
		}
		aggs, err := s.runAggs(req.aggs, docs)
		if err != nil {
			return nil, err
		}
		out["aggregations"] = aggs
	}
	return out, nil
}

// bestScore is the best score of the hits; null without hits.
func bestScore(hits []*hit) any {
	if len(hits) == 0 {
		return nil
	}
	m := hits[0].score
	for _, h := range hits {
		m = math.Max(m, h.score)
	}
	return m
}

func (s *search) renderHit(h *hit, req *request, scored bool) map[string]any {
	out := map[string]any{"_index": s.ix.Name, "_id": h.doc.ID, "_score": nil}
	if scored {
		out["_score"] = h.score
	}
	if req.source.enabled {
		out["_source"] = req.source.apply(h.doc.Source)
	}
	if len(req.fields) > 0 {
		fields := map[string]any{}
		for _, pattern := range req.fields {
			for _, f := range s.fieldsMatching(pattern) {
				k, _ := s.kind(f)
				var vals []any
				for _, v := range s.values(h.doc, f) {
					if k == Date {
						if ms, err := s.dateValue(v); err == nil {
							v = FormatMillis(ms)
						}
					}
					vals = append(vals, v)
				}
				if len(vals) > 0 {
					fields[f] = vals
				}
			}
		}
		out["fields"] = fields
	}
	if len(req.sorts) > 0 {
		vals := make([]any, len(h.keys))
		for i, k := range h.keys {
			vals[i] = k.render()
		}
		out["sort"] = vals
	}
	return out
}

// ---- Queries ----

// query tells whether a document matches and its score.
type query func(d *Doc) (bool, float64)

func matchAll(*Doc) (bool, float64)  { return true, 1 }
func matchNone(*Doc) (bool, float64) { return false, 0 }

// compile parses one query clause.
func (s *search) compile(raw any) (query, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, parsingError("query malformed, must start with start_object")
	}
	if len(obj) == 0 {
		return nil, parsingError("query malformed, empty clause found")
	}
	if len(obj) > 1 {
		names := slices.Sorted(keysOf(obj))
		return nil, parsingError("[%s] malformed query, expected [END_OBJECT] but found [FIELD_NAME]", names[0])
	}
	for name, body := range obj {
		switch name {
		case "bool":
			return s.compileBool(body)
		case "match_all":
			return s.compileConstant(name, body, matchAll)
		case "match_none":
			return s.compileConstant(name, body, matchNone)
		case "term":
			return s.compileTerm(body)
		case "terms":
			return s.compileTerms(body)
		case "match", "match_phrase":
			return s.compileMatch(name, body)
		case "multi_match":
			return s.compileMultiMatch(body)
		case "exists":
			return s.compileExists(body)
		case "range":
			return s.compileRange(body)
		case "ids":
			return s.compileIDs(body)
		case "prefix", "wildcard":
			return s.compilePattern(name, body)
		case "constant_score":
			return s.compileConstantScore(body)
		}
		if slices.Contains(knownQueries, name) {
			return nil, unsupported("the [" + name + "] query")
		}
		return nil, parsingError("unknown query [%s]", name)
	}
	return nil, nil
}

func keysOf(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func object(name string, body any) (map[string]any, error) {
	obj, ok := body.(map[string]any)
	if !ok {
		return nil, parsingError("[%s] query malformed, no start_object after query name", name)
	}
	return obj, nil
}

func (s *search) compileConstant(name string, body any, q query) (query, error) {
	obj, err := object(name, body)
	if err != nil {
		return nil, err
	}
	boost := 1.0
	for k, v := range obj {
		switch k {
		case "boost":
			boost, _ = Float(v)
		case "_name":
		default:
			return nil, parsingError("[%s] query does not support [%s]", name, k)
		}
	}
	return func(d *Doc) (bool, float64) {
		ok, _ := q(d)
		return ok, boost
	}, nil
}

func (s *search) compileConstantScore(body any) (query, error) {
	obj, err := object("constant_score", body)
	if err != nil {
		return nil, err
	}
	boost := 1.0
	var inner query
	for k, v := range obj {
		switch k {
		case "filter":
			if inner, err = s.compile(v); err != nil {
				return nil, err
			}
		case "boost":
			boost, _ = Float(v)
		case "_name":
		default:
			return nil, parsingError("[constant_score] query does not support [%s]", k)
		}
	}
	if inner == nil {
		return nil, parsingError("[constant_score] requires a 'filter' element")
	}
	return func(d *Doc) (bool, float64) {
		ok, _ := inner(d)
		return ok, boost
	}, nil
}

func (s *search) compileBool(body any) (query, error) {
	obj, err := object("bool", body)
	if err != nil {
		return nil, err
	}
	var must, filter, should, mustNot []query
	msm := ""
	boost := 1.0
	for k, v := range obj {
		var list *[]query
		switch k {
		case "must":
			list = &must
		case "filter":
			list = &filter
		case "should":
			list = &should
		case "must_not":
			list = &mustNot
		case "minimum_should_match":
			switch v := v.(type) {
			case string:
				msm = v
			case json.Number:
				msm = v.String()
			case float64:
				msm = strconv.Itoa(int(v))
			case int:
				msm = strconv.Itoa(v)
			default:
				return nil, parsingError("[bool] query does not support [minimum_should_match] of type %T", v)
			}
			continue
		case "boost":
			boost, _ = Float(v)
			continue
		case "_name", "adjust_pure_negative":
			continue
		default:
			return nil, parsingError("[bool] query does not support [%s]", k)
		}
		clauses := []any{v}
		if arr, ok := v.([]any); ok {
			clauses = arr
		}
		for _, c := range clauses {
			q, err := s.compile(c)
			if err != nil {
				return nil, err
			}
			*list = append(*list, q)
		}
	}
	required := 0
	if len(should) > 0 && len(must) == 0 && len(filter) == 0 {
		required = 1
	}
	if msm != "" {
		n, err := minimumShouldMatch(msm, len(should))
		if err != nil {
			return nil, err
		}
		required = n
	}
	scoring := len(must) > 0 || len(should) > 0
	return func(d *Doc) (bool, float64) {
		score := 0.0
		for _, q := range must {
			ok, sc := q(d)
			if !ok {
				return false, 0
			}
			score += sc
		}
		for _, q := range filter {
			if ok, _ := q(d); !ok {
				return false, 0
			}
		}
		for _, q := range mustNot {
			if ok, _ := q(d); ok {
				return false, 0
			}
		}
		matched := 0
		for _, q := range should {
			if ok, sc := q(d); ok {
				matched++
				score += sc
			}
		}
		if matched < required {
			return false, 0
		}
		if !scoring && len(filter) == 0 && len(mustNot) == 0 {
			score = 1 // an empty bool matches all
		}
		return true, score * boost
	}, nil
}

// minimumShouldMatch resolves "2", "-1", "75%", "-25%" against n clauses.
func minimumShouldMatch(spec string, n int) (int, error) {
	spec = strings.TrimSpace(spec)
	if pct, ok := strings.CutSuffix(spec, "%"); ok {
		p, err := strconv.Atoi(pct)
		if err != nil {
			return 0, parsingError("[bool] query: cannot parse minimum_should_match [%s]", spec)
		}
		v := n * abs(p) / 100
		if p < 0 {
			v = n - v
		}
		return v, nil
	}
	v, err := strconv.Atoi(spec)
	if err != nil {
		return 0, parsingError("[bool] query: cannot parse minimum_should_match [%s]", spec)
	}
	if v < 0 {
		v = max(n+v, 0)
	}
	return v, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// singleField reads the {"field": value-or-options} shape of term, match,
// prefix, range, wildcard.
func singleField(name string, body any) (string, any, error) {
	obj, err := object(name, body)
	if err != nil {
		return "", nil, err
	}
	var field string
	var value any
	for k, v := range obj {
		if k == "boost" || k == "_name" {
			continue
		}
		if field != "" {
			a, b := field, k
			if a > b {
				a, b = b, a
			}
			return "", nil, parsingError("[%s] query doesn't support multiple fields, found [%s] and [%s]", name, a, b)
		}
		field, value = k, v
	}
	if field == "" {
		return "", nil, parsingError("[%s] query malformed, no field specified", name)
	}
	return field, value, nil
}

// options splits a {"field": {"value": …, …}} body into its value and the
// other options, refusing options the query does not have.
func options(name, valueKey string, raw any, allowed ...string) (any, map[string]any, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		if _, isList := raw.([]any); isList {
			return nil, nil, parsingError("[%s] query does not support array of values", name)
		}
		return raw, map[string]any{}, nil
	}
	value, ok := obj[valueKey]
	if !ok && name == "wildcard" {
		value, ok = obj["wildcard"]
	}
	if !ok {
		return nil, nil, parsingError("[%s] query requires [%s]", name, valueKey)
	}
	for k := range obj {
		if k != valueKey && k != "boost" && k != "_name" && !slices.Contains(allowed, k) && !(name == "wildcard" && k == "wildcard") {
			return nil, nil, parsingError("[%s] query does not support [%s]", name, k)
		}
	}
	return value, obj, nil
}

func (s *search) compileTerm(body any) (query, error) {
	field, raw, err := singleField("term", body)
	if err != nil {
		return nil, err
	}
	value, opts, err := options("term", "value", raw, "case_insensitive")
	if err != nil {
		return nil, err
	}
	if _, isObj := value.(map[string]any); isObj {
		return nil, parsingError("[term] query does not support array of values")
	}
	if _, isList := value.([]any); isList {
		return nil, parsingError("[term] query does not support array of values")
	}
	ci, _ := opts["case_insensitive"].(bool)
	test, err := s.termTest(field, value, ci)
	if err != nil {
		return nil, err
	}
	return s.fieldQuery(field, test), nil
}

func (s *search) compileTerms(body any) (query, error) {
	obj, err := object("terms", body)
	if err != nil {
		return nil, err
	}
	var field string
	var values []any
	for k, v := range obj {
		if k == "boost" || k == "_name" {
			continue
		}
		if field != "" {
			return nil, parsingError("[terms] query does not support multiple fields")
		}
		field = k
		switch v := v.(type) {
		case []any:
			values = v
		case map[string]any:
			return nil, unsupported("the terms lookup of [terms] on [" + k + "]")
		default:
			return nil, parsingError("[terms] query does not support [%s]", k)
		}
	}
	if field == "" {
		return nil, parsingError("[terms] query malformed, no field specified")
	}
	var tests []func(any) bool
	for _, v := range values {
		t, err := s.termTest(field, v, false)
		if err != nil {
			return nil, err
		}
		tests = append(tests, t)
	}
	return s.fieldQuery(field, func(v any) bool {
		for _, t := range tests {
			if t(v) {
				return true
			}
		}
		return false
	}), nil
}

// fieldQuery matches documents with a value of field passing test.
func (s *search) fieldQuery(field string, test func(any) bool) query {
	return func(d *Doc) (bool, float64) {
		for _, v := range s.values(d, field) {
			if test(v) {
				return true, 1
			}
		}
		return false, 0
	}
}

// termTest builds the comparison of a field's values with one exact term.
func (s *search) termTest(field string, want any, caseInsensitive bool) (func(any) bool, error) {
	kind, mapped := s.kind(field)
	if !mapped {
		return func(any) bool { return false }, nil
	}
	switch kind {
	case Text:
		w := String(want)
		return func(v any) bool { return slices.Contains(Tokenize(String(v)), w) }, nil
	case Long, Double:
		w, ok := Float(want)
		if !ok {
			return nil, ShardError("number_format_exception", "For input string: \"%s\"", String(want))
		}
		return func(v any) bool { f, ok := Float(v); return ok && f == w }, nil
	case Boolean:
		w, ok := asBool(want)
		if !ok {
			return nil, ShardError("illegal_argument_exception", "Can't parse boolean value [%s], expected [true] or [false]", String(want))
		}
		return func(v any) bool { b, ok := asBool(v); return ok && b == w }, nil
	case Date:
		lo, err := s.dateBound(field, want, false, nil)
		if err != nil {
			return nil, err
		}
		hi, err := s.dateBound(field, want, true, nil)
		if err != nil {
			return nil, err
		}
		return func(v any) bool { ms, err := s.dateValue(v); return err == nil && ms >= lo && ms <= hi }, nil
	case IP:
		w := String(want)
		if prefix, err := netip.ParsePrefix(w); err == nil {
			return func(v any) bool {
				a, err := netip.ParseAddr(String(v))
				return err == nil && prefix.Contains(a)
			}, nil
		}
		addr, err := netip.ParseAddr(w)
		if err != nil {
			return nil, ShardError("illegal_argument_exception", "'%s' is not an IP string literal.", w)
		}
		return func(v any) bool { a, err := netip.ParseAddr(String(v)); return err == nil && a == addr }, nil
	}
	w := String(want)
	if caseInsensitive {
		return func(v any) bool { return strings.EqualFold(String(v), w) }, nil
	}
	return func(v any) bool { return String(v) == w }, nil
}

func (s *search) compileMatch(name string, body any) (query, error) {
	field, raw, err := singleField(name, body)
	if err != nil {
		return nil, err
	}
	allowed := []string{"operator", "minimum_should_match", "lenient", "zero_terms_query", "analyzer", "auto_generate_synonyms_phrase_query", "fuzziness"}
	if name == "match_phrase" {
		allowed = []string{"slop", "analyzer", "zero_terms_query"}
	}
	value, opts, err := options(name, "query", raw, allowed...)
	if err != nil {
		return nil, err
	}
	if _, ok := opts["fuzziness"]; ok {
		return nil, unsupported("[fuzziness] in [match]")
	}
	operator, _ := opts["operator"].(string)
	if operator != "" && !strings.EqualFold(operator, "and") && !strings.EqualFold(operator, "or") {
		return nil, parsingError("[%s] query does not support operator [%s]", name, operator)
	}
	lenient, _ := opts["lenient"].(bool)
	msm := ""
	if v, ok := opts["minimum_should_match"]; ok {
		msm = String(v)
	}
	return s.matchQuery(name, field, value, strings.EqualFold(operator, "and"), msm, lenient)
}

// matchQuery is a full-text match of one field: analyzed against text
// fields, an exact term against every other type.
func (s *search) matchQuery(name, field string, value any, and bool, msm string, lenient bool) (query, error) {
	kind, mapped := s.kind(field)
	if !mapped {
		return matchNone, nil
	}
	if kind != Text {
		test, err := s.termTest(field, value, false)
		if err != nil {
			if lenient {
				return matchNone, nil
			}
			return nil, err
		}
		return s.fieldQuery(field, test), nil
	}
	tokens := Tokenize(String(value))
	if len(tokens) == 0 {
		return matchNone, nil
	}
	if name == "match_phrase" {
		return func(d *Doc) (bool, float64) {
			for _, v := range s.values(d, field) {
				if containsRun(Tokenize(String(v)), tokens) {
					return true, float64(len(tokens))
				}
			}
			return false, 0
		}, nil
	}
	required := 1
	if and {
		required = len(tokens)
	}
	if msm != "" {
		n, err := minimumShouldMatch(msm, len(tokens))
		if err != nil {
			return nil, err
		}
		required = max(n, 1)
	}
	return func(d *Doc) (bool, float64) {
		have := map[string]bool{}
		for _, v := range s.values(d, field) {
			for _, t := range Tokenize(String(v)) {
				have[t] = true
			}
		}
		n := 0
		for _, t := range tokens {
			if have[t] {
				n++
			}
		}
		return n >= required, float64(n)
	}, nil
}

func containsRun(haystack, needle []string) bool {
	for i := 0; i+len(needle) <= len(haystack); i++ {
		if slices.Equal(haystack[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}

func (s *search) compileMultiMatch(body any) (query, error) {
	obj, err := object("multi_match", body)
	if err != nil {
		return nil, err
	}
	value, ok := obj["query"]
	if !ok {
		return nil, parsingError("[multi_match] requires query value")
	}
	var patterns []string
	and, msm, lenient, phrase := false, "", false, false
	for k, v := range obj {
		switch k {
		case "query", "boost", "_name", "analyzer":
		case "fields":
			list, ok := v.([]any)
			if !ok {
				if s, isStr := v.(string); isStr {
					list = []any{s}
				} else {
					return nil, parsingError("[multi_match] query does not support [fields] of type %T", v)
				}
			}
			for _, f := range list {
				name, _ := f.(string)
				name, _, _ = strings.Cut(name, "^") // boosts do not change what matches
				patterns = append(patterns, name)
			}
		case "operator":
			op, _ := v.(string)
			and = strings.EqualFold(op, "and")
		case "minimum_should_match":
			msm = String(v)
		case "lenient":
			lenient, _ = v.(bool)
		case "type":
			switch t, _ := v.(string); t {
			case "best_fields", "most_fields":
			case "phrase":
				phrase = true
			default:
				return nil, unsupported("[multi_match] of type [" + t + "]")
			}
		default:
			return nil, parsingError("[multi_match] query does not support [%s]", k)
		}
	}
	if len(patterns) == 0 {
		patterns = []string{"*"}
		lenient = true
	}
	name := "match"
	if phrase {
		name = "match_phrase"
	}
	var qs []query
	for _, p := range patterns {
		for _, f := range s.fieldsMatching(p) {
			q, err := s.matchQuery(name, f, value, and, msm, lenient)
			if err != nil {
				return nil, err
			}
			qs = append(qs, q)
		}
	}
	return func(d *Doc) (bool, float64) {
		best, found := 0.0, false
		for _, q := range qs {
			if ok, sc := q(d); ok {
				found, best = true, math.Max(best, sc)
			}
		}
		return found, best
	}, nil
}

func (s *search) compileExists(body any) (query, error) {
	obj, err := object("exists", body)
	if err != nil {
		return nil, err
	}
	field, _ := obj["field"].(string)
	for k := range obj {
		if k != "field" && k != "boost" && k != "_name" {
			return nil, parsingError("[exists] query does not support [%s]", k)
		}
	}
	if field == "" {
		return nil, parsingError("[exists] must be provided with a [field]")
	}
	object := s.isObject(field)
	return func(d *Doc) (bool, float64) {
		if len(s.values(d, field)) > 0 {
			return true, 1
		}
		if object {
			for path := range d.Flat() {
				if strings.HasPrefix(path, field+".") {
					return true, 1
				}
			}
		}
		return false, 0
	}, nil
}

func (s *search) compileIDs(body any) (query, error) {
	obj, err := object("ids", body)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for k, v := range obj {
		switch k {
		case "values":
			list, ok := v.([]any)
			if !ok {
				return nil, parsingError("[ids] query does not support [values] of type %T", v)
			}
			for _, id := range list {
				want[String(id)] = true
			}
		case "boost", "_name", "type":
		default:
			return nil, parsingError("[ids] query does not support [%s]", k)
		}
	}
	return func(d *Doc) (bool, float64) { return want[d.ID], 1 }, nil
}

func (s *search) compilePattern(name string, body any) (query, error) {
	field, raw, err := singleField(name, body)
	if err != nil {
		return nil, err
	}
	value, opts, err := options(name, "value", raw, "case_insensitive", "rewrite")
	if err != nil {
		return nil, err
	}
	pattern := String(value)
	ci, _ := opts["case_insensitive"].(bool)
	if name == "prefix" {
		pattern = escapeGlob(pattern) + "*"
	}
	kind, mapped := s.kind(field)
	if !mapped {
		return matchNone, nil
	}
	if ci {
		pattern = strings.ToLower(pattern)
	}
	test := func(v string) bool {
		if ci {
			v = strings.ToLower(v)
		}
		return Glob(pattern, v)
	}
	if kind == Text {
		return s.fieldQuery(field, func(v any) bool { return slices.ContainsFunc(Tokenize(String(v)), test) }), nil
	}
	if kind != Keyword && kind != IP {
		return nil, ShardError("query_shard_exception", "Can only use %s queries on keyword and text fields - not on [%s] which is of type [%s]", name, field, kindName(kind))
	}
	return s.fieldQuery(field, func(v any) bool { return test(String(v)) }), nil
}

func kindName(k Kind) string {
	for name, kk := range kindNames {
		if kk == k && name != "integer" && name != "float" && name != "match_only_text" {
			return name
		}
	}
	return "object"
}

func (s *search) compileRange(body any) (query, error) {
	field, raw, err := singleField("range", body)
	if err != nil {
		return nil, err
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, parsingError("[range] query malformed, no start_object after field name")
	}
	var loc *time.Location
	format := ""
	for k, v := range obj {
		switch k {
		case "gte", "gt", "lte", "lt", "boost", "_name", "relation":
		case "format":
			format, _ = v.(string)
		case "time_zone":
			tz, _ := v.(string)
			if loc, err = timeZone(tz); err != nil {
				return nil, err
			}
		default:
			return nil, parsingError("[range] query does not support [%s]", k)
		}
	}
	kind, mapped := s.kind(field)
	if !mapped {
		return matchNone, nil
	}
	type bound struct {
		op  string
		val any
	}
	var bounds []bound
	for _, op := range []string{"gte", "gt", "lte", "lt"} {
		if v, ok := obj[op]; ok && v != nil {
			bounds = append(bounds, bound{op, v})
		}
	}
	var tests []func(any) bool
	for _, b := range bounds {
		op := b.op
		switch kind {
		case Date:
			epoch := format == "epoch_second"
			want := b.val
			if epoch {
				if f, ok := Float(want); ok {
					want = json.Number(strconv.FormatInt(int64(f*1000), 10))
				}
			}
			ms, err := s.dateBound(field, want, op == "gt" || op == "lte", loc)
			if err != nil {
				return nil, err
			}
			tests = append(tests, func(v any) bool {
				got, err := s.dateValue(v)
				return err == nil && compareOp(op, cmpInt(got, ms))
			})
		case Long, Double:
			w, ok := Float(b.val)
			if !ok {
				return nil, ShardError("number_format_exception", "For input string: \"%s\"", String(b.val))
			}
			tests = append(tests, func(v any) bool {
				f, ok := Float(v)
				return ok && compareOp(op, CompareFloat(f, w))
			})
		case IP:
			w, err := netip.ParseAddr(String(b.val))
			if err != nil {
				return nil, ShardError("illegal_argument_exception", "'%s' is not an IP string literal.", String(b.val))
			}
			tests = append(tests, func(v any) bool {
				a, err := netip.ParseAddr(String(v))
				return err == nil && compareOp(op, a.Compare(w))
			})
		case Boolean:
			return nil, ShardError("query_shard_exception", "Field [%s] of type [boolean] does not support range queries", field)
		default:
			w := String(b.val)
			tests = append(tests, func(v any) bool { return compareOp(op, strings.Compare(String(v), w)) })
		}
	}
	return func(d *Doc) (bool, float64) {
		for _, v := range s.values(d, field) {
			all := true
			for _, t := range tests {
				if !t(v) {
					all = false
					break
				}
			}
			if all {
				return true, 1
			}
		}
		return false, 0
	}, nil
}

func compareOp(op string, c int) bool {
	switch op {
	case "gte":
		return c >= 0
	case "gt":
		return c > 0
	case "lte":
		return c <= 0
	case "lt":
		return c < 0
	}
	return false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func CompareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ---- Values ----

// String is a value as a keyword field indexes it.
func String(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func Float(v any) (float64, bool) {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return f, err == nil
	}
	return 0, false
}

func asInt(v any) (int, bool) {
	f, ok := Float(v)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int(f), true
}

func asBool(v any) (bool, bool) {
	switch v := v.(type) {
	case bool:
		return v, true
	case string:
		switch v {
		case "true":
			return true, true
		case "false", "":
			return false, true
		}
	}
	return false, false
}

// Tokenize is the standard analyzer, near enough: lowercased words,
// keeping "10.0.0.1" and "example.com" whole.
func Tokenize(s string) []string {
	var out []string
	runes := []rune(s)
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
	start := -1
	for i, r := range runes {
		joins := (r == '.' || r == '\'') && start >= 0 && i+1 < len(runes) &&
			((unicode.IsLetter(runes[i-1]) && unicode.IsLetter(runes[i+1])) || (unicode.IsDigit(runes[i-1]) && unicode.IsDigit(runes[i+1])))
		switch {
		case word(r) || joins:
			if start < 0 {
				start = i
			}
		case start >= 0:
			out = append(out, strings.ToLower(string(runes[start:i])))
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, strings.ToLower(string(runes[start:])))
	}
	return out
}

// Glob matches Elasticsearch wildcard patterns: * any run, ? one
// character, \ escapes.
func Glob(pattern, s string) bool {
	if !strings.ContainsAny(pattern, `*?\`) {
		// Most patterns are plain field names: no need for the matcher,
		// whose memo table would be built for every field of every hit.
		return pattern == s
	}
	p, t := []rune(pattern), []rune(s)
	var match func(i, j int) bool
	memo := map[[2]int]bool{}
	match = func(i, j int) bool {
		key := [2]int{i, j}
		if v, ok := memo[key]; ok {
			return v
		}
		var res bool
		switch {
		case i == len(p):
			res = j == len(t)
		case p[i] == '*':
			res = match(i+1, j) || (j < len(t) && match(i, j+1))
		case p[i] == '?':
			res = j < len(t) && match(i+1, j+1)
		case p[i] == '\\' && i+1 < len(p):
			res = j < len(t) && t[j] == p[i+1] && match(i+2, j+1)
		default:
			res = j < len(t) && t[j] == p[i] && match(i+1, j+1)
		}
		memo[key] = res
		return res
	}
	return match(0, 0)
}

func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`)
	return r.Replace(s)
}

// ---- Dates ----

// ---- Sorting ----

type sortSpec struct {
	field        string
	desc         bool
	missingFirst bool
	mode         string // min, max
	unmapped     Kind
}

// sortKey is one sort value of a hit: a number, a string, or missing.
type sortKey struct {
	missing bool
	num     float64
	str     string
	isStr   bool
	isLong  bool
}

func (k sortKey) render() any {
	switch {
	case k.missing:
		return nil
	case k.isStr:
		return k.str
	case k.isLong:
		return int64(k.num)
	}
	return k.num
}

func (s *search) parseSort(raw any) ([]sortSpec, error) {
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		list = []any{raw}
	}
	var out []sortSpec
	for _, item := range list {
		switch item := item.(type) {
		case string:
			for _, part := range strings.Split(item, ",") {
				field, order, _ := strings.Cut(strings.TrimSpace(part), ":")
				sp, err := s.sortField(field, order, nil)
				if err != nil {
					return nil, err
				}
				out = append(out, sp)
			}
		case map[string]any:
			if len(item) != 1 {
				return nil, parsingError("[sort] each sort object must name exactly one field, found %d", len(item))
			}
			for field, v := range item {
				var sp sortSpec
				var err error
				switch v := v.(type) {
				case string:
					sp, err = s.sortField(field, v, nil)
				case map[string]any:
					order, _ := v["order"].(string)
					sp, err = s.sortField(field, order, v)
				default:
					return nil, parsingError("[sort] malformed sort on [%s]", field)
				}
				if err != nil {
					return nil, err
				}
				out = append(out, sp)
			}
		default:
			return nil, parsingError("[sort] malformed sort format")
		}
	}
	return out, nil
}

func (s *search) sortField(field, order string, opts map[string]any) (sortSpec, error) {
	sp := sortSpec{field: field, desc: field == "_score"}
	switch strings.ToLower(order) {
	case "":
	case "asc":
		sp.desc = false
	case "desc":
		sp.desc = true
	default:
		return sp, &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("Unknown SortOrder [%s]", order)}
	}
	for k, v := range opts {
		switch k {
		case "order", "format", "numeric_type":
		case "missing":
			m := String(v)
			if m != "_first" && m != "_last" {
				return sp, unsupported("[missing] sort value [" + m + "]")
			}
			sp.missingFirst = m == "_first"
		case "mode":
			m := String(v)
			if m != "min" && m != "max" {
				return sp, unsupported("[mode] sort value [" + m + "]")
			}
			sp.mode = m
		case "unmapped_type":
			kind, ok := kindNames[String(v)]
			if !ok {
				kind = Keyword
			}
			sp.unmapped = kind
		default:
			return sp, parsingError("[field_sort] unknown field [%s]", k)
		}
	}
	if sp.mode == "" {
		sp.mode = "min"
		if sp.desc {
			sp.mode = "max"
		}
	}
	if field == "_score" || field == "_doc" {
		return sp, nil
	}
	kind, mapped := s.kind(field)
	switch {
	case !mapped && sp.unmapped == 0:
		return sp, ShardError("query_shard_exception", "No mapping found for [%s] in order to sort on", field)
	case mapped && kind == Text:
		return sp, ShardError("illegal_argument_exception", "%s", fielddataMessage(field, s.ix.Name))
	}
	return sp, nil
}

func fielddataMessage(field, index string) string {
	return fmt.Sprintf("Fielddata is disabled on [%s] in [%s]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [%s] in order to load field data by uninverting the inverted index. Note that this can use significant memory.", field, index, field)
}

func (s *search) sortHits(hits []*hit, sorts []sortSpec) error {
	if len(sorts) == 0 {
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
		return nil
	}
	order := map[*Doc]int{}
	for i, d := range s.ix.Docs {
		order[d] = i
	}
	for _, h := range hits {
		h.keys = make([]sortKey, len(sorts))
		for i, sp := range sorts {
			h.keys[i] = s.sortKeyOf(h, sp, order)
		}
	}
	sort.SliceStable(hits, func(a, b int) bool {
		for i, sp := range sorts {
			ka, kb := hits[a].keys[i], hits[b].keys[i]
			if ka.missing || kb.missing {
				if ka.missing == kb.missing {
					continue
				}
				return ka.missing == sp.missingFirst
			}
			c := 0
			if ka.isStr {
				c = strings.Compare(ka.str, kb.str)
			} else {
				c = CompareFloat(ka.num, kb.num)
			}
			if c != 0 {
				return (c < 0) != sp.desc
			}
		}
		return false
	})
	return nil
}

func (s *search) sortKeyOf(h *hit, sp sortSpec, order map[*Doc]int) sortKey {
	switch sp.field {
	case "_score":
		return sortKey{num: h.score}
	case "_doc":
		return sortKey{num: float64(order[h.doc]), isLong: true}
	}
	kind, mapped := s.kind(sp.field)
	if !mapped {
		return sortKey{missing: true}
	}
	var keys []sortKey
	for _, v := range s.values(h.doc, sp.field) {
		switch kind {
		case Date:
			if ms, err := s.dateValue(v); err == nil {
				keys = append(keys, sortKey{num: float64(ms), isLong: true})
			}
		case Long, Double:
			if f, ok := Float(v); ok {
				keys = append(keys, sortKey{num: f, isLong: kind == Long})
			}
		case Boolean:
			if b, ok := asBool(v); ok {
				n := 0.0
				if b {
					n = 1
				}
				keys = append(keys, sortKey{num: n, isLong: true})
			}
		default:
			keys = append(keys, sortKey{str: String(v), isStr: true})
		}
	}
	if len(keys) == 0 {
		return sortKey{missing: true}
	}
	best := keys[0]
	for _, k := range keys[1:] {
		c := CompareFloat(k.num, best.num)
		if k.isStr {
			c = strings.Compare(k.str, best.str)
		}
		if (sp.mode == "min" && c < 0) || (sp.mode == "max" && c > 0) {
			best = k
		}
	}
	return best
}

// ---- _source and fields ----

type sourceFilter struct {
	enabled            bool
	includes, excludes []string
}

func parseSource(raw any) (sourceFilter, error) {
	f := sourceFilter{enabled: true}
	switch v := raw.(type) {
	case nil:
	case bool:
		f.enabled = v
	case string:
		f.includes = []string{v}
	case []any:
		for _, p := range v {
			s, ok := p.(string)
			if !ok {
				return f, parsingError("[_source] must be a boolean, a string, an array of strings or an object")
			}
			f.includes = append(f.includes, s)
		}
	case map[string]any:
		for k, val := range v {
			var list *[]string
			switch k {
			case "includes", "include":
				list = &f.includes
			case "excludes", "exclude":
				list = &f.excludes
			default:
				return f, parsingError("Unknown key for a START_ARRAY in [%s].", k)
			}
			switch val := val.(type) {
			case string:
				*list = append(*list, val)
			case []any:
				for _, p := range val {
					*list = append(*list, String(p))
				}
			}
		}
	default:
		return f, parsingError("[_source] must be a boolean, a string, an array of strings or an object")
	}
	return f, nil
}

func parseFields(raw any) ([]string, error) {
	list, ok := raw.([]any)
	if !ok {
		return nil, parsingError("[fields] must be an array")
	}
	var out []string
	for _, f := range list {
		switch f := f.(type) {
		case string:
			out = append(out, f)
		case map[string]any:
			name, _ := f["field"].(string)
			if name == "" {
				return nil, parsingError("[fields] entries need a [field]")
			}
			out = append(out, name)
		default:
			return nil, parsingError("[fields] must hold field names")
		}
	}
	return out, nil
}

// pathMatches: a pattern names a path itself or one of its ancestors.
func pathMatches(patterns []string, path string) bool {
	for _, p := range patterns {
		if Glob(p, path) {
			return true
		}
		for i := range path {
			if path[i] == '.' && Glob(p, path[:i]) {
				return true
			}
		}
	}
	return false
}

// apply filters a source, keeping its shape (flat keys stay flat, objects
// stay objects).
func (f sourceFilter) apply(src map[string]any) map[string]any {
	if len(f.includes) == 0 && len(f.excludes) == 0 {
		return src
	}
	out, _ := f.filter(src, "").(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	return out
}

func (f sourceFilter) filter(v any, path string) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range v {
			if kept := f.filter(sub, joinPath(path, k)); kept != nil {
				out[k] = kept
			}
		}
		if len(out) == 0 && (path == "" || !f.keeps(path)) {
			return nil
		}
		return out
	case []any:
		var out []any
		for _, e := range v {
			if _, isObj := e.(map[string]any); isObj {
				if kept := f.filter(e, path); kept != nil {
					out = append(out, kept)
				}
				continue
			}
			if f.keeps(path) {
				out = append(out, e)
			}
		}
		if out == nil {
			if len(v) == 0 && f.keeps(path) {
				return []any{}
			}
			return nil
		}
		return out
	}
	if f.keeps(path) {
		return v
	}
	return nil
}

func (f sourceFilter) keeps(path string) bool {
	if pathMatches(f.excludes, path) {
		return false
	}
	return len(f.includes) == 0 || pathMatches(f.includes, path)
}

// ---- Runtime fields ----

type runtimeField struct {
	kind   Kind
	source string // the field read, "" for the field's own name
	getter string // a date getter applied to it, "" for none
	caseFn string // toLowerCase, toUpperCase
}

var emitScript = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:if\s*\(\s*doc\[(?:'[^']+'|"[^"]+")\]\.size\(\)\s*(?:!=|>)\s*0\s*\)\s*\{?\s*)?emit\(\s*doc\[(?:'([^']+)'|"([^"]+)")\]\.value(?:\.(getHour|getMinute|getDayOfMonth|getMonthValue|getYear|getDayOfWeekEnum\(\)\.getValue|toLowerCase|toUpperCase)\(\))?\s*\)\s*;?\s*\}?\s*$`)
})

func (s *search) parseRuntime(raw any) error {
	if raw == nil {
		return nil
	}
	defs, ok := raw.(map[string]any)
	if !ok {
		return parsingError("[runtime_mappings] must be an object")
	}
	s.runtime = map[string]*runtimeField{}
	for _, name := range slices.Sorted(keysOf(defs)) {
		def, ok := defs[name].(map[string]any)
		if !ok {
			return &Error{Status: 400, Type: "mapper_parsing_exception", RootType: "mapper_parsing_exception", Reason: fmt.Sprintf("Expected map for runtime field [%s] definition but got a %T", name, defs[name])}
		}
		typ, _ := def["type"].(string)
		kind, ok := kindNames[typ]
		if !ok || kind == Text {
			return &Error{Status: 400, Type: "mapper_parsing_exception", RootType: "mapper_parsing_exception", Reason: fmt.Sprintf("No handler for type [%s] declared on runtime field [%s]", typ, name)}
		}
		rf := &runtimeField{kind: kind, source: name}
		var src string
		switch script := def["script"].(type) {
		case nil:
		case string:
			src = script
		case map[string]any:
			src, _ = script["source"].(string)
		}
		if src != "" {
			m := emitScript().FindStringSubmatch(strings.TrimSpace(src))
			if m == nil {
				return unsupported(fmt.Sprintf("the Painless script of runtime field [%s] (%q); the sandbox runs emit(doc['field'].value) with an optional .getHour(), .getMinute(), .getDayOfMonth(), .getMonthValue(), .getYear(), .getDayOfWeekEnum().getValue(), .toLowerCase() or .toUpperCase()", name, src))
			}
			rf.source = m[1] + m[2]
			switch m[3] {
			case "toLowerCase", "toUpperCase":
				rf.caseFn = m[3]
			default:
				rf.getter = m[3]
			}
		}
		for k := range def {
			if k != "type" && k != "script" && k != "format" {
				return &Error{Status: 400, Type: "mapper_parsing_exception", RootType: "mapper_parsing_exception", Reason: fmt.Sprintf("unknown parameter [%s] on runtime field [%s] of type [%s]", k, name, typ)}
			}
		}
		s.runtime[name] = rf
	}
	return nil
}

func (rf *runtimeField) eval(s *search, d *Doc) []any {
	var base []any
	if parent, ok := s.ix.Multi[rf.source]; ok {
		base = d.Flat()[parent]
	} else if rf.source == "_id" {
		base = []any{d.ID}
	} else {
		base = d.Flat()[rf.source]
	}
	var out []any
	for _, v := range base {
		switch {
		case rf.getter != "":
			ms, err := s.dateValue(v)
			if err != nil {
				continue
			}
			t := time.UnixMilli(ms).UTC()
			var n int
			switch rf.getter {
			case "getHour":
				n = t.Hour()
			case "getMinute":
				n = t.Minute()
			case "getDayOfMonth":
				n = t.Day()
			case "getMonthValue":
				n = int(t.Month())
			case "getYear":
				n = t.Year()
			default: // ISO day of week, Monday 1
				n = (int(t.Weekday())+6)%7 + 1
			}
			out = append(out, s.castRuntime(rf.kind, json.Number(strconv.Itoa(n))))
		case rf.caseFn == "toLowerCase":
			out = append(out, s.castRuntime(rf.kind, strings.ToLower(String(v))))
		case rf.caseFn == "toUpperCase":
			out = append(out, s.castRuntime(rf.kind, strings.ToUpper(String(v))))
		default:
			out = append(out, s.castRuntime(rf.kind, v))
		}
	}
	return out
}

func (s *search) castRuntime(kind Kind, v any) any {
	switch kind {
	case Keyword, IP:
		return String(v)
	case Long:
		if f, ok := Float(v); ok {
			return json.Number(strconv.FormatInt(int64(f), 10))
		}
	case Double:
		if f, ok := Float(v); ok {
			return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
		}
	case Boolean:
		if b, ok := asBool(v); ok {
			return b
		}
	}
	return v
}

// ---- Aggregations ----

type agg struct {
	name string
	typ  string
	body map[string]any
	meta any
	subs []*agg

	field       string
	size        int
	minDocCount int
	order       []aggOrder
	missing     any
	include     func(string) bool
	filter      query
	filters     []namedQuery
	keyedFilter bool
	interval    func(int64) (int64, int64) // bucket start and next start for a time
	bounds      [2]*int64
	top         *request
}

type aggOrder struct {
	key  string // _count, _key, or a sub-aggregation
	desc bool
}

type namedQuery struct {
	name string
	q    query
}

func (s *search) parseAggs(raw any) ([]*agg, error) {
	defs, ok := raw.(map[string]any)
	if !ok {
		return nil, parsingError("Expected [START_OBJECT] under [aggs], but got a [%T]", raw)
	}
	var out []*agg
	for _, name := range slices.Sorted(keysOf(defs)) {
		def, ok := defs[name].(map[string]any)
		if !ok {
			return nil, parsingError("Expected [START_OBJECT] under [%s], but got a [VALUE_STRING] in [%s]", name, name)
		}
		a := &agg{name: name}
		var types []string
		for k, v := range def {
			switch k {
			case "aggs", "aggregations":
				subs, err := s.parseAggs(v)
				if err != nil {
					return nil, err
				}
				a.subs = subs
			case "meta":
				a.meta = v
			default:
				types = append(types, k)
			}
		}
		sort.Strings(types)
		switch len(types) {
		case 0:
			return nil, parsingError("Missing definition for aggregation [%s]", name)
		case 1:
		default:
			return nil, parsingError("Found two aggregation type definitions in [%s]: [%s] and [%s]", name, types[0], types[1])
		}
		a.typ = types[0]
		body, _ := def[a.typ].(map[string]any)
		if body == nil && a.typ != "filter" {
			return nil, parsingError("Expected [START_OBJECT] under [%s], but got a [VALUE_STRING] in [%s]", a.typ, name)
		}
		a.body = body
		if err := s.parseAgg(a, def[a.typ]); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (s *search) parseAgg(a *agg, raw any) error {
	allow := func(keys ...string) error {
		for k := range a.body {
			if !slices.Contains(keys, k) {
				return xContentError("[%s] unknown field [%s]", a.typ, k)
			}
		}
		return nil
	}
	field := func() error {
		f, _ := a.body["field"].(string)
		if f == "" {
			if _, hasScript := a.body["script"]; hasScript {
				return unsupported("[script] in the [" + a.typ + "] aggregation")
			}
			return &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("Required one of fields [field, script], but none were specified. in [%s]", a.name)}
		}
		a.field = f
		return nil
	}
	switch a.typ {
	case "terms":
		if err := allow("field", "size", "shard_size", "order", "min_doc_count", "missing", "include", "exclude", "show_term_doc_count_error", "execution_hint", "collect_mode", "value_type", "script"); err != nil {
			return err
		}
		if err := field(); err != nil {
			return err
		}
		size, err := intOption(a.body, "size", 10)
		if err != nil {
			return err
		}
		if size <= 0 {
			return &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("[size] must be greater than 0. Found [%d] in [%s]", size, a.name)}
		}
		a.size = size
		if a.minDocCount, err = intOption(a.body, "min_doc_count", 1); err != nil {
			return err
		}
		a.missing = a.body["missing"]
		if a.order, err = parseAggOrder(a, []aggOrder{{"_count", true}, {"_key", false}}); err != nil {
			return err
		}
		inc, err := termFilter(a.body["include"])
		if err != nil {
			return err
		}
		exc, err := termFilter(a.body["exclude"])
		if err != nil {
			return err
		}
		a.include = func(k string) bool { return (inc == nil || inc(k)) && (exc == nil || !exc(k)) }
		if kind, mapped := s.kind(a.field); mapped && kind == Text {
			return ShardError("illegal_argument_exception", "%s", fielddataMessage(a.field, s.ix.Name))
		}
	case "date_histogram":
		if err := allow("field", "calendar_interval", "fixed_interval", "min_doc_count", "extended_bounds", "hard_bounds", "format", "time_zone", "order", "keyed", "missing", "interval"); err != nil {
			return err
		}
		if err := field(); err != nil {
			return err
		}
		if _, ok := a.body["interval"]; ok {
			return xContentError("[date_histogram] unknown field [interval]")
		}
		for _, k := range []string{"time_zone", "order", "keyed", "missing", "hard_bounds"} {
			if _, ok := a.body[k]; ok {
				return unsupported("[" + k + "] in the [date_histogram] aggregation")
			}
		}
		cal, _ := a.body["calendar_interval"].(string)
		fixed, _ := a.body["fixed_interval"].(string)
		switch {
		case cal != "" && fixed != "":
			return &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: "Cannot use [fixed_interval] with [calendar_interval] configuration option."}
		case cal != "":
			unit, ok := map[string]string{"minute": "m", "1m": "m", "hour": "h", "1h": "h", "day": "d", "1d": "d", "week": "w", "1w": "w", "month": "M", "1M": "M", "quarter": "q", "1q": "q", "year": "y", "1y": "y"}[cal]
			if !ok {
				return &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("The supplied interval [%s] could not be parsed as a calendar interval.", cal)}
			}
			a.interval = calendarBuckets(unit)
		case fixed != "":
			d, err := fixedInterval(fixed)
			if err != nil {
				return &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("failed to parse setting [date_histogram.fixedInterval] with value [%s] as a time value: unit is missing or unrecognized", fixed)}
			}
			step := d.Milliseconds()
			a.interval = func(ms int64) (int64, int64) {
				start := ms - ((ms%step)+step)%step
				return start, start + step
			}
		default:
			return &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: "Invalid interval specified, must be non-null and non-empty"}
		}
		n, err := intOption(a.body, "min_doc_count", 0)
		if err != nil {
			return err
		}
		a.minDocCount = n
		if eb, ok := a.body["extended_bounds"].(map[string]any); ok {
			for i, k := range []string{"min", "max"} {
				if v, ok := eb[k]; ok {
					ms, err := s.dateBound(a.field, v, false, nil)
					if err != nil {
						return err
					}
					a.bounds[i] = &ms
				}
			}
		}
	case "cardinality", "value_count", "min", "max", "avg", "sum", "missing":
		if err := allow("field", "missing", "precision_threshold", "format", "script"); err != nil {
			return err
		}
		if err := field(); err != nil {
			return err
		}
		if _, ok := a.body["missing"]; ok && a.typ != "missing" {
			return unsupported("[missing] in the [" + a.typ + "] aggregation")
		}
		if a.typ == "missing" && len(a.body) > 1 {
			return xContentError("[missing] unknown field")
		}
		if kind, mapped := s.kind(a.field); mapped && kind == Text {
			return ShardError("illegal_argument_exception", "%s", fielddataMessage(a.field, s.ix.Name))
		}
		if kind, mapped := s.kind(a.field); mapped && (a.typ == "avg" || a.typ == "sum") && kind != Long && kind != Double && kind != Date {
			return ShardError("illegal_argument_exception", "Field [%s] of type [%s] is not supported for aggregation [%s]", a.field, kindName(kind), a.typ)
		}
	case "filter":
		q, err := s.compile(raw)
		if err != nil {
			return err
		}
		a.filter = q
	case "filters":
		if err := allow("filters", "other_bucket", "other_bucket_key", "keyed"); err != nil {
			return err
		}
		if _, ok := a.body["other_bucket"]; ok {
			return unsupported("[other_bucket] in the [filters] aggregation")
		}
		switch fs := a.body["filters"].(type) {
		case map[string]any:
			a.keyedFilter = true
			for _, name := range slices.Sorted(keysOf(fs)) {
				q, err := s.compile(fs[name])
				if err != nil {
					return err
				}
				a.filters = append(a.filters, namedQuery{name, q})
			}
		case []any:
			for _, f := range fs {
				q, err := s.compile(f)
				if err != nil {
					return err
				}
				a.filters = append(a.filters, namedQuery{"", q})
			}
		default:
			return parsingError("[filters] cannot be empty.")
		}
	case "top_hits":
		if err := allow("size", "from", "sort", "_source", "fields"); err != nil {
			return err
		}
		body := map[string]any{"size": json.Number("3")}
		for k, v := range a.body {
			body[k] = v
		}
		req, err := s.parseRequest(body)
		if err != nil {
			return err
		}
		if req.from+req.size > 100 {
			return &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("Top hits result window is too large, the top hits aggregator [%s]'s from + size must be less than or equal to: [100] but was [%d].", a.name, req.from+req.size)}
		}
		a.top = req
	default:
		if slices.Contains(knownAggs, a.typ) {
			return unsupported("the [" + a.typ + "] aggregation")
		}
		return xContentError("Unknown aggregation type [%s]", a.typ)
	}
	if a.typ != "terms" && a.typ != "date_histogram" && a.typ != "filter" && a.typ != "filters" && len(a.subs) > 0 {
		return &Error{Status: 400, Type: "aggregation_initialization_exception", RootType: "aggregation_initialization_exception", Reason: fmt.Sprintf("Aggregator [%s] of type [%s] cannot accept sub-aggregations", a.name, a.typ)}
	}
	return nil
}

func parseAggOrder(a *agg, def []aggOrder) ([]aggOrder, error) {
	raw, ok := a.body["order"]
	if !ok {
		return def, nil
	}
	list, ok := raw.([]any)
	if !ok {
		list = []any{raw}
	}
	var out []aggOrder
	for _, item := range list {
		obj, ok := item.(map[string]any)
		if !ok || len(obj) != 1 {
			return nil, parsingError("[order] of [%s] must be an object naming one key", a.name)
		}
		for k, v := range obj {
			dir, _ := v.(string)
			if dir != "asc" && dir != "desc" {
				return nil, &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("Unknown terms order direction [%s] in terms aggregation [%s]", dir, a.name)}
			}
			if k != "_count" && k != "_key" && k != "_term" {
				name, _, _ := strings.Cut(k, ".")
				if !slices.ContainsFunc(a.subs, func(s *agg) bool { return s.name == name }) {
					return nil, &Error{Status: 400, Type: "aggregation_execution_exception", RootType: "aggregation_execution_exception", Reason: fmt.Sprintf("Invalid aggregator order path [%s]. The provided aggregation [%s] either does not exist, or is a pipeline aggregation and cannot be used to sort the buckets.", k, name)}
				}
			}
			if k == "_term" {
				k = "_key"
			}
			out = append(out, aggOrder{k, dir == "desc"})
		}
	}
	// Ties are broken by key, as Elasticsearch does.
	return append(out, aggOrder{"_key", false}), nil
}

func termFilter(raw any) (func(string) bool, error) {
	switch v := raw.(type) {
	case nil:
		return nil, nil
	case string:
		re, err := regexp.Compile("^(?:" + v + ")$")
		if err != nil {
			return nil, &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("invalid regular expression [%s]", v)}
		}
		return re.MatchString, nil
	case []any:
		set := map[string]bool{}
		for _, e := range v {
			set[String(e)] = true
		}
		return func(k string) bool { return set[k] }, nil
	}
	return nil, unsupported("partitioned [include] in the [terms] aggregation")
}

func fixedInterval(s string) (time.Duration, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad interval")
	}
	unit := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[s[i:]]
	if unit == 0 {
		return 0, fmt.Errorf("bad unit")
	}
	return time.Duration(n) * unit, nil
}

func calendarBuckets(unit string) func(int64) (int64, int64) {
	return func(ms int64) (int64, int64) {
		t := time.UnixMilli(ms).UTC()
		if unit == "q" {
			q := (int(t.Month()) - 1) / 3 * 3
			start := time.Date(t.Year(), time.Month(q+1), 1, 0, 0, 0, 0, time.UTC)
			return start.UnixMilli(), start.AddDate(0, 3, 0).UnixMilli()
		}
		start := roundTime(t, unit, false)
		end := roundTime(t, unit, true).Add(time.Millisecond)
		return start.UnixMilli(), end.UnixMilli()
	}
}

func (s *search) runAggs(aggs []*agg, docs []*Doc) (map[string]any, error) {
	out := map[string]any{}
	for _, a := range aggs {
		res, err := s.runAgg(a, docs)
		if err != nil {
			return nil, err
		}
		if a.meta != nil {
			res["meta"] = a.meta
		}
		out[a.name] = res
	}
	return out, nil
}

// bucket is a terms or histogram bucket being built.
type bucket struct {
	key    sortKey
	keyStr string // key_as_string, when the key has one
	docs   []*Doc
	subs   map[string]any
}

func (s *search) runAgg(a *agg, docs []*Doc) (map[string]any, error) {
	switch a.typ {
	case "terms":
		return s.runTerms(a, docs)
	case "date_histogram":
		return s.runHistogram(a, docs)
	case "filter":
		var in []*Doc
		for _, d := range docs {
			if ok, _ := a.filter(d); ok {
				in = append(in, d)
			}
		}
		return s.withSubs(map[string]any{"doc_count": len(in)}, a, in)
	case "filters":
		var list []any
		keyed := map[string]any{}
		for _, f := range a.filters {
			var in []*Doc
			for _, d := range docs {
				if ok, _ := f.q(d); ok {
					in = append(in, d)
				}
			}
			b, err := s.withSubs(map[string]any{"doc_count": len(in)}, a, in)
			if err != nil {
				return nil, err
			}
			keyed[f.name] = b
			list = append(list, b)
		}
		if a.keyedFilter {
			return map[string]any{"buckets": keyed}, nil
		}
		return map[string]any{"buckets": list}, nil
	case "top_hits":
		var hits []*hit
		for _, d := range docs {
			ok, score := a.top.query(d)
			if ok {
				hits = append(hits, &hit{doc: d, score: score})
			}
		}
		if err := s.sortHits(hits, a.top.sorts); err != nil {
			return nil, err
		}
		scored := len(a.top.sorts) == 0
		page := []any{}
		for i := a.top.from; i < len(hits) && i < a.top.from+a.top.size; i++ {
			page = append(page, s.renderHit(hits[i], a.top, scored))
		}
		var maxScore any
		if scored {
			maxScore = bestScore(hits)
		}
		return map[string]any{"hits": map[string]any{"total": map[string]any{"value": len(hits), "relation": "eq"}, "max_score": maxScore, "hits": page}}, nil
	case "missing":
		n := 0
		for _, d := range docs {
			if len(s.values(d, a.field)) == 0 {
				n++
			}
		}
		return map[string]any{"doc_count": n}, nil
	}
	return s.runMetric(a, docs), nil
}

func (s *search) withSubs(res map[string]any, a *agg, docs []*Doc) (map[string]any, error) {
	if len(a.subs) == 0 {
		return res, nil
	}
	subs, err := s.runAggs(a.subs, docs)
	if err != nil {
		return nil, err
	}
	for k, v := range subs {
		res[k] = v
	}
	return res, nil
}

// termKey is a value as a terms bucket keys it.
func (s *search) termKey(kind Kind, v any) (sortKey, string, bool) {
	switch kind {
	case Date:
		ms, err := s.dateValue(v)
		if err != nil {
			return sortKey{}, "", false
		}
		return sortKey{num: float64(ms), isLong: true}, FormatMillis(ms), true
	case Long, Double:
		f, ok := Float(v)
		return sortKey{num: f, isLong: kind == Long}, "", ok
	case Boolean:
		b, ok := asBool(v)
		if b {
			return sortKey{num: 1, isLong: true}, "true", ok
		}
		return sortKey{num: 0, isLong: true}, "false", ok
	}
	return sortKey{str: String(v), isStr: true}, "", true
}

func (s *search) runTerms(a *agg, docs []*Doc) (map[string]any, error) {
	kind, mapped := s.kind(a.field)
	if !mapped {
		if a.missing == nil {
			return map[string]any{"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []any{}}, nil
		}
		kind = kindOf(a.missing)
	}
	byKey := map[string]*bucket{}
	var order []string
	add := func(v any, d *Doc, seen map[string]bool) {
		k, ks, ok := s.termKey(kind, v)
		if !ok {
			return
		}
		id := fmt.Sprint(k.render())
		if !a.include(String(k.render())) && !(ks != "" && a.include(ks)) {
			return
		}
		if seen != nil {
			if seen[id] {
				return
			}
			seen[id] = true
		}
		b := byKey[id]
		if b == nil {
			b = &bucket{key: k, keyStr: ks}
			byKey[id] = b
			order = append(order, id)
		}
		if d != nil {
			b.docs = append(b.docs, d)
		}
	}
	for _, d := range docs {
		vals := s.values(d, a.field)
		if len(vals) == 0 && a.missing != nil {
			vals = []any{a.missing}
		}
		seen := map[string]bool{}
		for _, v := range vals {
			add(v, d, seen)
		}
	}
	if a.minDocCount == 0 {
		for _, d := range s.ix.Docs {
			for _, v := range s.values(d, a.field) {
				add(v, nil, map[string]bool{})
			}
		}
	}
	var buckets []*bucket
	for _, id := range order {
		if b := byKey[id]; len(b.docs) >= a.minDocCount {
			buckets = append(buckets, b)
		}
	}
	for _, b := range buckets {
		subs, err := s.withSubs(map[string]any{}, a, b.docs)
		if err != nil {
			return nil, err
		}
		b.subs = subs
	}
	sort.SliceStable(buckets, func(i, j int) bool {
		for _, o := range a.order {
			c := compareBuckets(buckets[i], buckets[j], o.key)
			if c != 0 {
				return (c < 0) != o.desc
			}
		}
		return false
	})
	total := 0
	for _, b := range buckets {
		total += len(b.docs)
	}
	shown := []any{}
	for i, b := range buckets {
		if i >= a.size {
			break
		}
		total -= len(b.docs)
		shown = append(shown, renderBucket(b))
	}
	return map[string]any{"doc_count_error_upper_bound": 0, "sum_other_doc_count": total, "buckets": shown}, nil
}

func compareBuckets(a, b *bucket, key string) int {
	switch key {
	case "_count":
		return len(a.docs) - len(b.docs)
	case "_key":
		if a.key.isStr {
			return strings.Compare(a.key.str, b.key.str)
		}
		return CompareFloat(a.key.num, b.key.num)
	}
	name, prop, _ := strings.Cut(key, ".")
	va, vb := metricValue(a.subs[name], prop), metricValue(b.subs[name], prop)
	return CompareFloat(va, vb)
}

func metricValue(v any, prop string) float64 {
	m, _ := v.(map[string]any)
	if prop == "" {
		prop = "value"
	}
	if prop == "doc_count" || (m["value"] == nil && m["doc_count"] != nil) {
		n, _ := m["doc_count"].(int)
		return float64(n)
	}
	f, ok := Float(m[prop])
	if !ok {
		return math.Inf(-1)
	}
	return f
}

func renderBucket(b *bucket) map[string]any {
	out := map[string]any{"key": b.key.render(), "doc_count": len(b.docs)}
	if b.keyStr != "" {
		out["key_as_string"] = b.keyStr
	}
	for k, v := range b.subs {
		out[k] = v
	}
	return out
}

func (s *search) runHistogram(a *agg, docs []*Doc) (map[string]any, error) {
	if kind, mapped := s.kind(a.field); mapped && kind != Date {
		return nil, ShardError("illegal_argument_exception", "Field [%s] of type [%s] is not supported for aggregation [date_histogram]", a.field, kindName(kind))
	}
	byStart := map[int64]*bucket{}
	for _, d := range docs {
		seen := map[int64]bool{}
		for _, v := range s.values(d, a.field) {
			ms, err := s.dateValue(v)
			if err != nil {
				continue
			}
			start, _ := a.interval(ms)
			if seen[start] {
				continue
			}
			seen[start] = true
			b := byStart[start]
			if b == nil {
				b = &bucket{key: sortKey{num: float64(start), isLong: true}, keyStr: FormatMillis(start)}
				byStart[start] = b
			}
			b.docs = append(b.docs, d)
		}
	}
	var starts []int64
	for st := range byStart {
		starts = append(starts, st)
	}
	slices.Sort(starts)
	if a.minDocCount == 0 {
		lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
		if len(starts) > 0 {
			lo, hi = starts[0], starts[len(starts)-1]
		}
		if a.bounds[0] != nil {
			st, _ := a.interval(*a.bounds[0])
			lo = min(lo, st)
		}
		if a.bounds[1] != nil {
			st, _ := a.interval(*a.bounds[1])
			hi = max(hi, st)
		}
		starts = nil
		for st := lo; st <= hi && len(starts) < 65536; {
			starts = append(starts, st)
			if byStart[st] == nil {
				byStart[st] = &bucket{key: sortKey{num: float64(st), isLong: true}, keyStr: FormatMillis(st)}
			}
			_, st = a.interval(st)
		}
		if len(starts) >= 65536 {
			return nil, &Error{Status: 400, Type: "too_many_buckets_exception", RootType: "too_many_buckets_exception", Reason: "Trying to create too many buckets. Must be less than or equal to: [65536]."}
		}
	}
	out := []any{}
	for _, st := range starts {
		b := byStart[st]
		if len(b.docs) < a.minDocCount {
			continue
		}
		subs, err := s.withSubs(map[string]any{}, a, b.docs)
		if err != nil {
			return nil, err
		}
		b.subs = subs
		r := renderBucket(b)
		out = append(out, map[string]any{"key_as_string": r["key_as_string"], "key": r["key"], "doc_count": r["doc_count"]})
		for k, v := range subs {
			out[len(out)-1].(map[string]any)[k] = v
		}
	}
	return map[string]any{"buckets": out}, nil
}

func (s *search) runMetric(a *agg, docs []*Doc) map[string]any {
	kind, mapped := s.kind(a.field)
	var nums []float64
	distinct := map[string]bool{}
	count := 0
	for _, d := range docs {
		for _, v := range s.values(d, a.field) {
			count++
			distinct[String(v)] = true
			if !mapped {
				continue
			}
			switch kind {
			case Date:
				if ms, err := s.dateValue(v); err == nil {
					nums = append(nums, float64(ms))
				}
			case Long, Double:
				if f, ok := Float(v); ok {
					nums = append(nums, f)
				}
			case Boolean:
				if b, ok := asBool(v); ok {
					if b {
						nums = append(nums, 1)
					} else {
						nums = append(nums, 0)
					}
				}
			}
		}
	}
	switch a.typ {
	case "cardinality":
		return map[string]any{"value": len(distinct)}
	case "value_count":
		return map[string]any{"value": count}
	case "sum":
		total := 0.0
		for _, n := range nums {
			total += n
		}
		return map[string]any{"value": total}
	}
	if len(nums) == 0 {
		return map[string]any{"value": nil}
	}
	var v float64
	switch a.typ {
	case "min":
		v = slices.Min(nums)
	case "max":
		v = slices.Max(nums)
	case "avg":
		for _, n := range nums {
			v += n
		}
		v /= float64(len(nums))
	}
	out := map[string]any{"value": v}
	if kind == Date && a.typ != "avg" {
		out["value_as_string"] = FormatMillis(int64(v))
	}
	return out
}

// Edited tells the document its source was changed in place.
func (d *Doc) Edited() { d.leaves = nil }

// Select searches sources as one index with the mapping given (nil: every
// field mapped from its values) and returns the positions of those a
// query clause matches (nil: all), in order.
func Select(name string, sources []map[string]any, mapping map[string]Kind, clause any, now time.Time) ([]int, error) {
	ix := &Index{Name: name, Mapping: mapping}
	for i, src := range sources {
		ix.Put(strconv.Itoa(i), src)
	}
	docs, err := ix.Matching(clause, now)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(docs))
	for i, d := range docs {
		out[i], _ = strconv.Atoi(d.ID)
	}
	return out, nil
}
