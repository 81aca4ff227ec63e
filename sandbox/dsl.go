package sandbox

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
	"time"
	"unicode"
)

// A small Elasticsearch: one index of JSON documents and the part of the
// search API that alert triage uses. Documents may spell a field as a flat
// "a.b" key, as nested objects, or both; queries see the same values
// either way. What is not evaluated is refused with a 400 that names it,
// never ignored.

// esIndex is one index held in memory.
type esIndex struct {
	name string
	docs []*esDoc
	// mapping types the fields whose type their values do not tell (dates,
	// IPs, text); every other field is mapped from its values (strings as
	// keyword, numbers as long or double, booleans as boolean).
	mapping map[string]esKind
	// multi maps a multi-field ("user.name.text") to the field it indexes.
	multi map[string]string
}

// esDoc is one document.
type esDoc struct {
	id      string
	source  map[string]any
	version int64
	leaves  map[string][]any // source flattened to dotted paths; nil when stale
}

type esKind uint8

const (
	esKeyword esKind = iota + 1
	esText
	esDate
	esLong
	esDouble
	esBoolean
	esIP
)

var esKindNames = map[string]esKind{"keyword": esKeyword, "text": esText, "match_only_text": esText, "date": esDate, "long": esLong, "integer": esLong, "double": esDouble, "float": esDouble, "boolean": esBoolean, "ip": esIP}

// esMaxResultWindow is index.max_result_window's default.
const esMaxResultWindow = 10000

// esError is an error Elasticsearch answers; Kibana passes its message on
// in the Elasticsearch client's wording.
type esError struct {
	status        int
	typ, rootType string
	reason        string
}

func (e *esError) Error() string {
	return e.typ + "\n\tRoot causes:\n\t\t" + e.rootType + ": " + e.reason
}

func esParsingError(format string, args ...any) *esError {
	return &esError{status: 400, typ: "parsing_exception", rootType: "parsing_exception", reason: fmt.Sprintf(format, args...)}
}

func esXContentError(format string, args ...any) *esError {
	return &esError{status: 400, typ: "x_content_parse_exception", rootType: "x_content_parse_exception", reason: fmt.Sprintf(format, args...)}
}

// esShardError is a failure while running the query on the shard, which
// Elasticsearch reports as a failed search phase.
func esShardError(rootType, format string, args ...any) *esError {
	return &esError{status: 400, typ: "search_phase_execution_exception", rootType: rootType, reason: fmt.Sprintf(format, args...)}
}

// esUnsupported answers a query, aggregation or option that Elasticsearch
// knows and the sandbox does not evaluate.
func esUnsupported(what string) *esError {
	return esParsingError("%s is not supported by the sandbox Kibana", what)
}

// esKnownQueries are Elasticsearch queries the sandbox does not evaluate.
var esKnownQueries = []string{"query_string", "simple_query_string", "regexp", "fuzzy", "nested", "has_child", "has_parent", "parent_id", "geo_bounding_box", "geo_distance", "geo_shape", "geo_polygon", "shape", "script", "script_score", "function_score", "dis_max", "boosting", "more_like_this", "terms_set", "intervals", "match_bool_prefix", "match_phrase_prefix", "combined_fields", "span_term", "span_near", "span_or", "span_not", "span_first", "span_multi", "span_containing", "span_within", "distance_feature", "rank_feature", "wrapper", "pinned", "percolate", "knn", "sparse_vector", "semantic", "text_expansion", "weighted_tokens"}

// esKnownAggs are Elasticsearch aggregations the sandbox does not evaluate.
var esKnownAggs = []string{"histogram", "range", "date_range", "ip_range", "significant_terms", "significant_text", "rare_terms", "multi_terms", "composite", "nested", "reverse_nested", "sampler", "diversified_sampler", "global", "adjacency_matrix", "auto_date_histogram", "variable_width_histogram", "geohash_grid", "geotile_grid", "stats", "extended_stats", "percentiles", "percentile_ranks", "median_absolute_deviation", "scripted_metric", "weighted_avg", "geo_bounds", "geo_centroid", "string_stats", "boxplot", "rate", "t_test", "top_metrics", "matrix_stats", "bucket_sort", "bucket_selector", "bucket_script", "cumulative_sum", "derivative", "moving_fn", "serial_diff", "avg_bucket", "max_bucket", "min_bucket", "sum_bucket", "stats_bucket", "percentiles_bucket", "categorize_text", "frequent_item_sets"}

// put adds or replaces a document.
func (ix *esIndex) put(id string, source map[string]any) *esDoc {
	src, _ := esNormalize(source).(map[string]any)
	for _, d := range ix.docs {
		if d.id == id {
			d.source, d.leaves = src, nil
			d.version++
			return d
		}
	}
	d := &esDoc{id: id, source: src, version: 1}
	ix.docs = append(ix.docs, d)
	return d
}

// get returns the document with id, or nil.
func (ix *esIndex) get(id string) *esDoc {
	for _, d := range ix.docs {
		if d.id == id {
			return d
		}
	}
	return nil
}

// set writes one field of a document's source (as a flat key, the way an
// update script writes ctx._source['a.b']); nil removes it.
func (d *esDoc) set(field string, v any) {
	if v == nil {
		delete(d.source, field)
	} else {
		d.source[field] = esNormalize(v)
	}
	d.leaves = nil
	d.version++
}

// esNormalize gives a Go value the shape encoding/json decodes into
// (maps, []any, strings, json.Number, bools), so documents built in Go and
// documents sent in requests compare alike.
func esNormalize(v any) any {
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

// flat returns the document's leaf values by dotted path, whichever way
// the source spells the path.
func (d *esDoc) flat() map[string][]any {
	if d.leaves == nil {
		d.leaves = map[string][]any{}
		esFlatten(d.leaves, "", d.source)
	}
	return d.leaves
}

func esFlatten(out map[string][]any, path string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			esFlatten(out, esJoinPath(path, k), sub)
		}
	case []any:
		for _, e := range v {
			esFlatten(out, path, e)
		}
	case nil:
	default:
		out[path] = append(out[path], v)
	}
}

func esJoinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// ---- Searching ----

// esSearch is one request's view of the index: its clock and its runtime
// fields.
type esSearch struct {
	ix      *esIndex
	now     time.Time
	runtime map[string]*esRuntimeField
	kinds   map[string]esKind // dynamic mapping, worked out once per request
}

func (ix *esIndex) newSearch(now time.Time) *esSearch {
	s := &esSearch{ix: ix, now: now.UTC(), kinds: map[string]esKind{}}
	for _, d := range ix.docs {
		for path, vals := range d.flat() {
			if _, done := s.kinds[path]; done {
				continue
			}
			if k, ok := ix.mapping[path]; ok {
				s.kinds[path] = k
				continue
			}
			s.kinds[path] = esKindOf(vals[0])
		}
	}
	for path, k := range ix.mapping {
		s.kinds[path] = k
	}
	return s
}

func esKindOf(v any) esKind {
	switch v := v.(type) {
	case bool:
		return esBoolean
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE") {
			return esDouble
		}
		return esLong
	case float64, float32:
		return esDouble
	case int, int64, int32:
		return esLong
	}
	return esKeyword
}

// kind is the type of a field; ok is false for an unmapped field.
func (s *esSearch) kind(field string) (esKind, bool) {
	if rf, ok := s.runtime[field]; ok {
		return rf.kind, true
	}
	if field == "_id" || field == "_index" {
		return esKeyword, true
	}
	k, ok := s.kinds[field]
	return k, ok
}

// isObject reports a path that holds fields rather than values.
func (s *esSearch) isObject(field string) bool {
	for path := range s.kinds {
		if strings.HasPrefix(path, field+".") {
			return true
		}
	}
	return false
}

// values are a document's values of field.
func (s *esSearch) values(d *esDoc, field string) []any {
	if rf, ok := s.runtime[field]; ok {
		return rf.eval(s, d)
	}
	switch field {
	case "_id":
		return []any{d.id}
	case "_index":
		return []any{s.ix.name}
	}
	if parent, ok := s.ix.multi[field]; ok {
		field = parent
	}
	return d.flat()[field]
}

// fieldsMatching lists the mapped fields a pattern ("host.*") names, in
// order.
func (s *esSearch) fieldsMatching(pattern string) []string {
	var out []string
	for path := range s.kinds {
		if esGlob(pattern, path) {
			out = append(out, path)
		}
	}
	for name := range s.runtime {
		if esGlob(pattern, name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// search answers an Elasticsearch search request body.
func (ix *esIndex) search(body map[string]any, now time.Time) (map[string]any, error) {
	s := ix.newSearch(now)
	for key := range body {
		switch key {
		case "query", "size", "from", "sort", "_source", "fields", "track_total_hits", "aggs", "aggregations", "runtime_mappings", "track_scores":
		default:
			return nil, esParsingError("Unknown key for a START_OBJECT in [%s].", key)
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

// matching returns the documents a query clause matches (nil: all), in
// index order, as update_by_query chooses them.
func (ix *esIndex) matching(clause any, now time.Time) ([]*esDoc, error) {
	s := ix.newSearch(now)
	q := esMatchAll
	if clause != nil {
		var err error
		if q, err = s.compile(clause); err != nil {
			return nil, err
		}
	}
	var out []*esDoc
	for _, d := range ix.docs {
		if ok, _ := q(d); ok {
			out = append(out, d)
		}
	}
	return out, nil
}

// esRequest is a parsed search body.
type esRequest struct {
	query       esQuery
	from, size  int
	sorts       []esSortSpec
	source      esSourceFilter
	fields      []string
	trackTotal  int // hits counted exactly up to this; -1: not at all
	trackScores bool
	aggs        []*esAgg
}

func (s *esSearch) parseRequest(body map[string]any) (*esRequest, error) {
	req := &esRequest{query: esMatchAll, size: 10, trackTotal: esMaxResultWindow, source: esSourceFilter{enabled: true}}
	if raw, ok := body["query"]; ok && raw != nil {
		q, err := s.compile(raw)
		if err != nil {
			return nil, err
		}
		req.query = q
	}
	var err error
	if req.size, err = esIntOption(body, "size", 10); err != nil {
		return nil, err
	}
	if req.from, err = esIntOption(body, "from", 0); err != nil {
		return nil, err
	}
	if req.size < 0 {
		return nil, &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("[size] parameter cannot be negative, found [%d]", req.size)}
	}
	if req.from < 0 {
		return nil, &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("[from] parameter cannot be negative but was [%d]", req.from)}
	}
	if req.from+req.size > esMaxResultWindow {
		return nil, esShardError("illegal_argument_exception", "Result window is too large, from + size must be less than or equal to: [%d] but was [%d]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.", esMaxResultWindow, req.from+req.size)
	}
	if req.sorts, err = s.parseSort(body["sort"]); err != nil {
		return nil, err
	}
	if req.source, err = esParseSource(body["_source"]); err != nil {
		return nil, err
	}
	if raw, ok := body["fields"]; ok {
		req.fields, err = esParseFields(raw)
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
		n, ok := esInt(v)
		if !ok || n < -1 {
			return nil, esParsingError("[track_total_hits] must be a boolean or a non-negative integer")
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

func esIntOption(body map[string]any, key string, def int) (int, error) {
	v, ok := body[key]
	if !ok || v == nil {
		return def, nil
	}
	n, ok := esInt(v)
	if !ok {
		return 0, esParsingError("[%s] must be an integer, found [%v]", key, v)
	}
	return n, nil
}

// esHit is a matched document and its score.
type esHit struct {
	doc   *esDoc
	score float64
	keys  []esSortKey
}

func (s *esSearch) run(req *esRequest) (map[string]any, error) {
	var hits []*esHit
	for _, d := range s.ix.docs {
		if ok, score := req.query(d); ok {
			hits = append(hits, &esHit{doc: d, score: score})
		}
	}
	if err := s.sortHits(hits, req.sorts); err != nil {
		return nil, err
	}
	scored := len(req.sorts) == 0 || req.trackScores || slices.ContainsFunc(req.sorts, func(sp esSortSpec) bool { return sp.field == "_score" })
	page := []any{}
	for i := req.from; i < len(hits) && i < req.from+req.size; i++ {
		page = append(page, s.renderHit(hits[i], req, scored))
	}
	var maxScore any
	if scored && req.size > 0 {
		maxScore = esMaxScore(hits)
	}
	out := map[string]any{
		"took":      1 + len(s.ix.docs)/50,
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
		docs := make([]*esDoc, len(hits))
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

// esMaxScore is the best score of the hits; null without hits.
func esMaxScore(hits []*esHit) any {
	if len(hits) == 0 {
		return nil
	}
	m := hits[0].score
	for _, h := range hits {
		m = math.Max(m, h.score)
	}
	return m
}

func (s *esSearch) renderHit(h *esHit, req *esRequest, scored bool) map[string]any {
	out := map[string]any{"_index": s.ix.name, "_id": h.doc.id, "_score": nil}
	if scored {
		out["_score"] = h.score
	}
	if req.source.enabled {
		out["_source"] = req.source.apply(h.doc.source)
	}
	if len(req.fields) > 0 {
		fields := map[string]any{}
		for _, pattern := range req.fields {
			for _, f := range s.fieldsMatching(pattern) {
				k, _ := s.kind(f)
				var vals []any
				for _, v := range s.values(h.doc, f) {
					if k == esDate {
						if ms, err := s.dateValue(v); err == nil {
							v = esFormatMillis(ms)
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

// esQuery tells whether a document matches and its score.
type esQuery func(d *esDoc) (bool, float64)

func esMatchAll(*esDoc) (bool, float64)  { return true, 1 }
func esMatchNone(*esDoc) (bool, float64) { return false, 0 }

// compile parses one query clause.
func (s *esSearch) compile(raw any) (esQuery, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, esParsingError("query malformed, must start with start_object")
	}
	if len(obj) == 0 {
		return nil, esParsingError("query malformed, empty clause found")
	}
	if len(obj) > 1 {
		names := slices.Sorted(esKeys(obj))
		return nil, esParsingError("[%s] malformed query, expected [END_OBJECT] but found [FIELD_NAME]", names[0])
	}
	for name, body := range obj {
		switch name {
		case "bool":
			return s.compileBool(body)
		case "match_all":
			return s.compileConstant(name, body, esMatchAll)
		case "match_none":
			return s.compileConstant(name, body, esMatchNone)
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
		if slices.Contains(esKnownQueries, name) {
			return nil, esUnsupported("the [" + name + "] query")
		}
		return nil, esParsingError("unknown query [%s]", name)
	}
	return nil, nil
}

func esKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func esObject(name string, body any) (map[string]any, error) {
	obj, ok := body.(map[string]any)
	if !ok {
		return nil, esParsingError("[%s] query malformed, no start_object after query name", name)
	}
	return obj, nil
}

func (s *esSearch) compileConstant(name string, body any, q esQuery) (esQuery, error) {
	obj, err := esObject(name, body)
	if err != nil {
		return nil, err
	}
	boost := 1.0
	for k, v := range obj {
		switch k {
		case "boost":
			boost, _ = esFloat(v)
		case "_name":
		default:
			return nil, esParsingError("[%s] query does not support [%s]", name, k)
		}
	}
	return func(d *esDoc) (bool, float64) {
		ok, _ := q(d)
		return ok, boost
	}, nil
}

func (s *esSearch) compileConstantScore(body any) (esQuery, error) {
	obj, err := esObject("constant_score", body)
	if err != nil {
		return nil, err
	}
	boost := 1.0
	var inner esQuery
	for k, v := range obj {
		switch k {
		case "filter":
			if inner, err = s.compile(v); err != nil {
				return nil, err
			}
		case "boost":
			boost, _ = esFloat(v)
		case "_name":
		default:
			return nil, esParsingError("[constant_score] query does not support [%s]", k)
		}
	}
	if inner == nil {
		return nil, esParsingError("[constant_score] requires a 'filter' element")
	}
	return func(d *esDoc) (bool, float64) {
		ok, _ := inner(d)
		return ok, boost
	}, nil
}

func (s *esSearch) compileBool(body any) (esQuery, error) {
	obj, err := esObject("bool", body)
	if err != nil {
		return nil, err
	}
	var must, filter, should, mustNot []esQuery
	msm := ""
	boost := 1.0
	for k, v := range obj {
		var list *[]esQuery
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
				return nil, esParsingError("[bool] query does not support [minimum_should_match] of type %T", v)
			}
			continue
		case "boost":
			boost, _ = esFloat(v)
			continue
		case "_name", "adjust_pure_negative":
			continue
		default:
			return nil, esParsingError("[bool] query does not support [%s]", k)
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
		n, err := esMinimumShouldMatch(msm, len(should))
		if err != nil {
			return nil, err
		}
		required = n
	}
	scoring := len(must) > 0 || len(should) > 0
	return func(d *esDoc) (bool, float64) {
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

// esMinimumShouldMatch resolves "2", "-1", "75%", "-25%" against n clauses.
func esMinimumShouldMatch(spec string, n int) (int, error) {
	spec = strings.TrimSpace(spec)
	if pct, ok := strings.CutSuffix(spec, "%"); ok {
		p, err := strconv.Atoi(pct)
		if err != nil {
			return 0, esParsingError("[bool] query: cannot parse minimum_should_match [%s]", spec)
		}
		v := n * esAbs(p) / 100
		if p < 0 {
			v = n - v
		}
		return v, nil
	}
	v, err := strconv.Atoi(spec)
	if err != nil {
		return 0, esParsingError("[bool] query: cannot parse minimum_should_match [%s]", spec)
	}
	if v < 0 {
		v = max(n+v, 0)
	}
	return v, nil
}

func esAbs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// esSingleField reads the {"field": value-or-options} shape of term, match,
// prefix, range, wildcard.
func esSingleField(name string, body any) (string, any, error) {
	obj, err := esObject(name, body)
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
			return "", nil, esParsingError("[%s] query doesn't support multiple fields, found [%s] and [%s]", name, a, b)
		}
		field, value = k, v
	}
	if field == "" {
		return "", nil, esParsingError("[%s] query malformed, no field specified", name)
	}
	return field, value, nil
}

// esOptions splits a {"field": {"value": …, …}} body into its value and the
// other options, refusing options the query does not have.
func esOptions(name, valueKey string, raw any, allowed ...string) (any, map[string]any, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		if _, isList := raw.([]any); isList {
			return nil, nil, esParsingError("[%s] query does not support array of values", name)
		}
		return raw, map[string]any{}, nil
	}
	value, ok := obj[valueKey]
	if !ok && name == "wildcard" {
		value, ok = obj["wildcard"]
	}
	if !ok {
		return nil, nil, esParsingError("[%s] query requires [%s]", name, valueKey)
	}
	for k := range obj {
		if k != valueKey && k != "boost" && k != "_name" && !slices.Contains(allowed, k) && !(name == "wildcard" && k == "wildcard") {
			return nil, nil, esParsingError("[%s] query does not support [%s]", name, k)
		}
	}
	return value, obj, nil
}

func (s *esSearch) compileTerm(body any) (esQuery, error) {
	field, raw, err := esSingleField("term", body)
	if err != nil {
		return nil, err
	}
	value, opts, err := esOptions("term", "value", raw, "case_insensitive")
	if err != nil {
		return nil, err
	}
	if _, isObj := value.(map[string]any); isObj {
		return nil, esParsingError("[term] query does not support array of values")
	}
	if _, isList := value.([]any); isList {
		return nil, esParsingError("[term] query does not support array of values")
	}
	ci, _ := opts["case_insensitive"].(bool)
	test, err := s.termTest(field, value, ci)
	if err != nil {
		return nil, err
	}
	return s.fieldQuery(field, test), nil
}

func (s *esSearch) compileTerms(body any) (esQuery, error) {
	obj, err := esObject("terms", body)
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
			return nil, esParsingError("[terms] query does not support multiple fields")
		}
		field = k
		switch v := v.(type) {
		case []any:
			values = v
		case map[string]any:
			return nil, esUnsupported("the terms lookup of [terms] on [" + k + "]")
		default:
			return nil, esParsingError("[terms] query does not support [%s]", k)
		}
	}
	if field == "" {
		return nil, esParsingError("[terms] query malformed, no field specified")
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
func (s *esSearch) fieldQuery(field string, test func(any) bool) esQuery {
	return func(d *esDoc) (bool, float64) {
		for _, v := range s.values(d, field) {
			if test(v) {
				return true, 1
			}
		}
		return false, 0
	}
}

// termTest builds the comparison of a field's values with one exact term.
func (s *esSearch) termTest(field string, want any, caseInsensitive bool) (func(any) bool, error) {
	kind, mapped := s.kind(field)
	if !mapped {
		return func(any) bool { return false }, nil
	}
	switch kind {
	case esText:
		w := esString(want)
		return func(v any) bool { return slices.Contains(esTokenize(esString(v)), w) }, nil
	case esLong, esDouble:
		w, ok := esFloat(want)
		if !ok {
			return nil, esShardError("number_format_exception", "For input string: \"%s\"", esString(want))
		}
		return func(v any) bool { f, ok := esFloat(v); return ok && f == w }, nil
	case esBoolean:
		w, ok := esBool(want)
		if !ok {
			return nil, esShardError("illegal_argument_exception", "Can't parse boolean value [%s], expected [true] or [false]", esString(want))
		}
		return func(v any) bool { b, ok := esBool(v); return ok && b == w }, nil
	case esDate:
		lo, err := s.dateBound(field, want, false, nil)
		if err != nil {
			return nil, err
		}
		hi, err := s.dateBound(field, want, true, nil)
		if err != nil {
			return nil, err
		}
		return func(v any) bool { ms, err := s.dateValue(v); return err == nil && ms >= lo && ms <= hi }, nil
	case esIP:
		w := esString(want)
		if prefix, err := netip.ParsePrefix(w); err == nil {
			return func(v any) bool {
				a, err := netip.ParseAddr(esString(v))
				return err == nil && prefix.Contains(a)
			}, nil
		}
		addr, err := netip.ParseAddr(w)
		if err != nil {
			return nil, esShardError("illegal_argument_exception", "'%s' is not an IP string literal.", w)
		}
		return func(v any) bool { a, err := netip.ParseAddr(esString(v)); return err == nil && a == addr }, nil
	}
	w := esString(want)
	if caseInsensitive {
		return func(v any) bool { return strings.EqualFold(esString(v), w) }, nil
	}
	return func(v any) bool { return esString(v) == w }, nil
}

func (s *esSearch) compileMatch(name string, body any) (esQuery, error) {
	field, raw, err := esSingleField(name, body)
	if err != nil {
		return nil, err
	}
	allowed := []string{"operator", "minimum_should_match", "lenient", "zero_terms_query", "analyzer", "auto_generate_synonyms_phrase_query", "fuzziness"}
	if name == "match_phrase" {
		allowed = []string{"slop", "analyzer", "zero_terms_query"}
	}
	value, opts, err := esOptions(name, "query", raw, allowed...)
	if err != nil {
		return nil, err
	}
	if _, ok := opts["fuzziness"]; ok {
		return nil, esUnsupported("[fuzziness] in [match]")
	}
	operator, _ := opts["operator"].(string)
	if operator != "" && !strings.EqualFold(operator, "and") && !strings.EqualFold(operator, "or") {
		return nil, esParsingError("[%s] query does not support operator [%s]", name, operator)
	}
	lenient, _ := opts["lenient"].(bool)
	msm := ""
	if v, ok := opts["minimum_should_match"]; ok {
		msm = esString(v)
	}
	return s.matchQuery(name, field, value, strings.EqualFold(operator, "and"), msm, lenient)
}

// matchQuery is a full-text match of one field: analyzed against text
// fields, an exact term against every other type.
func (s *esSearch) matchQuery(name, field string, value any, and bool, msm string, lenient bool) (esQuery, error) {
	kind, mapped := s.kind(field)
	if !mapped {
		return esMatchNone, nil
	}
	if kind != esText {
		test, err := s.termTest(field, value, false)
		if err != nil {
			if lenient {
				return esMatchNone, nil
			}
			return nil, err
		}
		return s.fieldQuery(field, test), nil
	}
	tokens := esTokenize(esString(value))
	if len(tokens) == 0 {
		return esMatchNone, nil
	}
	if name == "match_phrase" {
		return func(d *esDoc) (bool, float64) {
			for _, v := range s.values(d, field) {
				if esContainsRun(esTokenize(esString(v)), tokens) {
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
		n, err := esMinimumShouldMatch(msm, len(tokens))
		if err != nil {
			return nil, err
		}
		required = max(n, 1)
	}
	return func(d *esDoc) (bool, float64) {
		have := map[string]bool{}
		for _, v := range s.values(d, field) {
			for _, t := range esTokenize(esString(v)) {
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

func esContainsRun(haystack, needle []string) bool {
	for i := 0; i+len(needle) <= len(haystack); i++ {
		if slices.Equal(haystack[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}

func (s *esSearch) compileMultiMatch(body any) (esQuery, error) {
	obj, err := esObject("multi_match", body)
	if err != nil {
		return nil, err
	}
	value, ok := obj["query"]
	if !ok {
		return nil, esParsingError("[multi_match] requires query value")
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
					return nil, esParsingError("[multi_match] query does not support [fields] of type %T", v)
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
			msm = esString(v)
		case "lenient":
			lenient, _ = v.(bool)
		case "type":
			switch t, _ := v.(string); t {
			case "best_fields", "most_fields":
			case "phrase":
				phrase = true
			default:
				return nil, esUnsupported("[multi_match] of type [" + t + "]")
			}
		default:
			return nil, esParsingError("[multi_match] query does not support [%s]", k)
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
	var qs []esQuery
	for _, p := range patterns {
		for _, f := range s.fieldsMatching(p) {
			q, err := s.matchQuery(name, f, value, and, msm, lenient)
			if err != nil {
				return nil, err
			}
			qs = append(qs, q)
		}
	}
	return func(d *esDoc) (bool, float64) {
		best, found := 0.0, false
		for _, q := range qs {
			if ok, sc := q(d); ok {
				found, best = true, math.Max(best, sc)
			}
		}
		return found, best
	}, nil
}

func (s *esSearch) compileExists(body any) (esQuery, error) {
	obj, err := esObject("exists", body)
	if err != nil {
		return nil, err
	}
	field, _ := obj["field"].(string)
	for k := range obj {
		if k != "field" && k != "boost" && k != "_name" {
			return nil, esParsingError("[exists] query does not support [%s]", k)
		}
	}
	if field == "" {
		return nil, esParsingError("[exists] must be provided with a [field]")
	}
	object := s.isObject(field)
	return func(d *esDoc) (bool, float64) {
		if len(s.values(d, field)) > 0 {
			return true, 1
		}
		if object {
			for path := range d.flat() {
				if strings.HasPrefix(path, field+".") {
					return true, 1
				}
			}
		}
		return false, 0
	}, nil
}

func (s *esSearch) compileIDs(body any) (esQuery, error) {
	obj, err := esObject("ids", body)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for k, v := range obj {
		switch k {
		case "values":
			list, ok := v.([]any)
			if !ok {
				return nil, esParsingError("[ids] query does not support [values] of type %T", v)
			}
			for _, id := range list {
				want[esString(id)] = true
			}
		case "boost", "_name", "type":
		default:
			return nil, esParsingError("[ids] query does not support [%s]", k)
		}
	}
	return func(d *esDoc) (bool, float64) { return want[d.id], 1 }, nil
}

func (s *esSearch) compilePattern(name string, body any) (esQuery, error) {
	field, raw, err := esSingleField(name, body)
	if err != nil {
		return nil, err
	}
	value, opts, err := esOptions(name, "value", raw, "case_insensitive", "rewrite")
	if err != nil {
		return nil, err
	}
	pattern := esString(value)
	ci, _ := opts["case_insensitive"].(bool)
	if name == "prefix" {
		pattern = esEscapeGlob(pattern) + "*"
	}
	kind, mapped := s.kind(field)
	if !mapped {
		return esMatchNone, nil
	}
	if ci {
		pattern = strings.ToLower(pattern)
	}
	test := func(v string) bool {
		if ci {
			v = strings.ToLower(v)
		}
		return esGlob(pattern, v)
	}
	if kind == esText {
		return s.fieldQuery(field, func(v any) bool { return slices.ContainsFunc(esTokenize(esString(v)), test) }), nil
	}
	if kind != esKeyword && kind != esIP {
		return nil, esShardError("query_shard_exception", "Can only use %s queries on keyword and text fields - not on [%s] which is of type [%s]", name, field, esKindName(kind))
	}
	return s.fieldQuery(field, func(v any) bool { return test(esString(v)) }), nil
}

func esKindName(k esKind) string {
	for name, kk := range esKindNames {
		if kk == k && name != "integer" && name != "float" && name != "match_only_text" {
			return name
		}
	}
	return "object"
}

func (s *esSearch) compileRange(body any) (esQuery, error) {
	field, raw, err := esSingleField("range", body)
	if err != nil {
		return nil, err
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, esParsingError("[range] query malformed, no start_object after field name")
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
			if loc, err = esTimeZone(tz); err != nil {
				return nil, err
			}
		default:
			return nil, esParsingError("[range] query does not support [%s]", k)
		}
	}
	kind, mapped := s.kind(field)
	if !mapped {
		return esMatchNone, nil
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
		case esDate:
			epoch := format == "epoch_second"
			want := b.val
			if epoch {
				if f, ok := esFloat(want); ok {
					want = json.Number(strconv.FormatInt(int64(f*1000), 10))
				}
			}
			ms, err := s.dateBound(field, want, op == "gt" || op == "lte", loc)
			if err != nil {
				return nil, err
			}
			tests = append(tests, func(v any) bool {
				got, err := s.dateValue(v)
				return err == nil && esCompareOp(op, esCmpInt(got, ms))
			})
		case esLong, esDouble:
			w, ok := esFloat(b.val)
			if !ok {
				return nil, esShardError("number_format_exception", "For input string: \"%s\"", esString(b.val))
			}
			tests = append(tests, func(v any) bool {
				f, ok := esFloat(v)
				return ok && esCompareOp(op, esCmpFloat(f, w))
			})
		case esIP:
			w, err := netip.ParseAddr(esString(b.val))
			if err != nil {
				return nil, esShardError("illegal_argument_exception", "'%s' is not an IP string literal.", esString(b.val))
			}
			tests = append(tests, func(v any) bool {
				a, err := netip.ParseAddr(esString(v))
				return err == nil && esCompareOp(op, a.Compare(w))
			})
		case esBoolean:
			return nil, esShardError("query_shard_exception", "Field [%s] of type [boolean] does not support range queries", field)
		default:
			w := esString(b.val)
			tests = append(tests, func(v any) bool { return esCompareOp(op, strings.Compare(esString(v), w)) })
		}
	}
	return func(d *esDoc) (bool, float64) {
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

func esCompareOp(op string, c int) bool {
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

func esCmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func esCmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ---- Values ----

// esString is a value as a keyword field indexes it.
func esString(v any) string {
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

func esFloat(v any) (float64, bool) {
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

func esInt(v any) (int, bool) {
	f, ok := esFloat(v)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int(f), true
}

func esBool(v any) (bool, bool) {
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

// esTokenize is the standard analyzer, near enough: lowercased words,
// keeping "10.0.0.1" and "example.com" whole.
func esTokenize(s string) []string {
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

// esGlob matches Elasticsearch wildcard patterns: * any run, ? one
// character, \ escapes.
func esGlob(pattern, s string) bool {
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

func esEscapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`)
	return r.Replace(s)
}

// ---- Dates ----

const esDateFormat = "2006-01-02T15:04:05.000Z"

func esFormatMillis(ms int64) string { return time.UnixMilli(ms).UTC().Format(esDateFormat) }

// dateValue reads a stored date: an ISO string or epoch milliseconds.
func (s *esSearch) dateValue(v any) (int64, error) {
	if f, ok := v.(json.Number); ok {
		n, err := f.Int64()
		return n, err
	}
	if n, ok := esFloat(v); ok {
		if _, isStr := v.(string); !isStr {
			return int64(n), nil
		}
	}
	t, _, err := esParseDate(esString(v), time.UTC)
	if err != nil {
		return 0, err
	}
	return t.UnixMilli(), nil
}

// dateBound resolves a range bound: date math ("now-7d/d",
// "2024-05-01||+1M"), an ISO date, or epoch milliseconds. roundUp rounds
// to the end of the unit, as gt and lte do.
func (s *esSearch) dateBound(field string, v any, roundUp bool, loc *time.Location) (int64, error) {
	if loc == nil {
		loc = time.UTC
	}
	if _, isStr := v.(string); !isStr {
		if n, ok := esFloat(v); ok {
			return int64(n), nil
		}
	}
	str := esString(v)
	t, err := esDateMath(str, s.now, roundUp, loc)
	if err != nil {
		return 0, esShardError("parse_exception", "failed to parse date field [%s] with format [strict_date_optional_time||epoch_millis]: [failed to parse date field [%s] with format [strict_date_optional_time||epoch_millis]]", str, str)
	}
	return t.UnixMilli(), nil
}

func esTimeZone(tz string) (*time.Location, error) {
	switch strings.ToUpper(tz) {
	case "", "Z", "UTC", "GMT":
		return time.UTC, nil
	}
	if t, err := time.Parse("-07:00", tz); err == nil {
		_, off := t.Zone()
		return time.FixedZone(tz, off), nil
	}
	if loc, err := time.LoadLocation(tz); err == nil {
		return loc, nil
	}
	return nil, &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("Unknown time-zone ID: %s", tz)}
}

// esDateMath evaluates Elasticsearch date math.
func esDateMath(expr string, now time.Time, roundUp bool, loc *time.Location) (time.Time, error) {
	var anchor time.Time
	var rest string
	switch {
	case strings.HasPrefix(expr, "now"):
		anchor, rest = now.In(loc), expr[3:]
	case strings.Contains(expr, "||"):
		date, math, _ := strings.Cut(expr, "||")
		t, _, err := esParseDate(date, loc)
		if err != nil {
			return time.Time{}, err
		}
		anchor, rest = t, math
	default:
		if n, err := strconv.ParseInt(expr, 10, 64); err == nil && len(expr) > 4 {
			return time.UnixMilli(n).UTC(), nil
		}
		t, precision, err := esParseDate(expr, loc)
		if err != nil {
			return time.Time{}, err
		}
		if roundUp && precision != "" {
			return esRoundTime(t, precision, true), nil
		}
		return t, nil
	}
	t := anchor
	for rest != "" {
		op := rest[0]
		rest = rest[1:]
		switch op {
		case '/':
			if rest == "" {
				return time.Time{}, fmt.Errorf("rounding without unit")
			}
			unit := rest[:1]
			if !strings.Contains("yMwdhHms", unit) {
				return time.Time{}, fmt.Errorf("unknown unit %q", unit)
			}
			t = esRoundTime(t, unit, roundUp)
			rest = rest[1:]
		case '+', '-':
			i := 0
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			n := 1
			if i > 0 {
				n, _ = strconv.Atoi(rest[:i])
			}
			if i >= len(rest) {
				return time.Time{}, fmt.Errorf("missing unit")
			}
			if op == '-' {
				n = -n
			}
			unit := rest[i]
			rest = rest[i+1:]
			switch unit {
			case 'y':
				t = t.AddDate(n, 0, 0)
			case 'M':
				t = t.AddDate(0, n, 0)
			case 'w':
				t = t.AddDate(0, 0, 7*n)
			case 'd':
				t = t.AddDate(0, 0, n)
			case 'h', 'H':
				t = t.Add(time.Duration(n) * time.Hour)
			case 'm':
				t = t.Add(time.Duration(n) * time.Minute)
			case 's':
				t = t.Add(time.Duration(n) * time.Second)
			default:
				return time.Time{}, fmt.Errorf("unknown unit %q", unit)
			}
		default:
			return time.Time{}, fmt.Errorf("unexpected %q", op)
		}
	}
	return t, nil
}

// esRoundTime rounds down to the start of the unit, or up to its last
// millisecond.
func esRoundTime(t time.Time, unit string, up bool) time.Time {
	var start time.Time
	var next func(time.Time) time.Time
	y, mo, d := t.Date()
	loc := t.Location()
	switch unit {
	case "y":
		start, next = time.Date(y, 1, 1, 0, 0, 0, 0, loc), func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }
	case "M":
		start, next = time.Date(y, mo, 1, 0, 0, 0, 0, loc), func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
	case "w":
		wd := (int(t.Weekday()) + 6) % 7 // weeks start on Monday
		start, next = time.Date(y, mo, d-wd, 0, 0, 0, 0, loc), func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }
	case "d":
		start, next = time.Date(y, mo, d, 0, 0, 0, 0, loc), func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	case "h", "H":
		start, next = time.Date(y, mo, d, t.Hour(), 0, 0, 0, loc), func(t time.Time) time.Time { return t.Add(time.Hour) }
	case "m":
		start, next = time.Date(y, mo, d, t.Hour(), t.Minute(), 0, 0, loc), func(t time.Time) time.Time { return t.Add(time.Minute) }
	default: // "s"
		start, next = time.Date(y, mo, d, t.Hour(), t.Minute(), t.Second(), 0, loc), func(t time.Time) time.Time { return t.Add(time.Second) }
	}
	if up {
		return next(start).Add(-time.Millisecond)
	}
	return start
}

// esParseDate reads strict_date_optional_time; precision is the unit of the
// last component given ("d" for a bare date), "" when down to the
// millisecond.
func esParseDate(s string, loc *time.Location) (time.Time, string, error) {
	layouts := []struct{ layout, precision string }{
		{"2006-01-02T15:04:05.999999999Z07:00", ""},
		{"2006-01-02T15:04:05Z07:00", "s"},
		{"2006-01-02T15:04Z07:00", "m"},
		{"2006-01-02T15:04:05.999999999", ""},
		{"2006-01-02T15:04:05", "s"},
		{"2006-01-02T15:04", "m"},
		{"2006-01-02T15", "h"},
		{"2006-01-02", "d"},
		{"2006-01", "M"},
		{"2006", "y"},
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l.layout, s, loc); err == nil {
			return t, l.precision, nil
		}
	}
	return time.Time{}, "", fmt.Errorf("cannot parse date %q", s)
}

// ---- Sorting ----

type esSortSpec struct {
	field        string
	desc         bool
	missingFirst bool
	mode         string // min, max
	unmapped     esKind
}

// esSortKey is one sort value of a hit: a number, a string, or missing.
type esSortKey struct {
	missing bool
	num     float64
	str     string
	isStr   bool
	isLong  bool
}

func (k esSortKey) render() any {
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

func (s *esSearch) parseSort(raw any) ([]esSortSpec, error) {
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		list = []any{raw}
	}
	var out []esSortSpec
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
				return nil, esParsingError("[sort] each sort object must name exactly one field, found %d", len(item))
			}
			for field, v := range item {
				var sp esSortSpec
				var err error
				switch v := v.(type) {
				case string:
					sp, err = s.sortField(field, v, nil)
				case map[string]any:
					order, _ := v["order"].(string)
					sp, err = s.sortField(field, order, v)
				default:
					return nil, esParsingError("[sort] malformed sort on [%s]", field)
				}
				if err != nil {
					return nil, err
				}
				out = append(out, sp)
			}
		default:
			return nil, esParsingError("[sort] malformed sort format")
		}
	}
	return out, nil
}

func (s *esSearch) sortField(field, order string, opts map[string]any) (esSortSpec, error) {
	sp := esSortSpec{field: field, desc: field == "_score"}
	switch strings.ToLower(order) {
	case "":
	case "asc":
		sp.desc = false
	case "desc":
		sp.desc = true
	default:
		return sp, &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("Unknown SortOrder [%s]", order)}
	}
	for k, v := range opts {
		switch k {
		case "order", "format", "numeric_type":
		case "missing":
			m := esString(v)
			if m != "_first" && m != "_last" {
				return sp, esUnsupported("[missing] sort value [" + m + "]")
			}
			sp.missingFirst = m == "_first"
		case "mode":
			m := esString(v)
			if m != "min" && m != "max" {
				return sp, esUnsupported("[mode] sort value [" + m + "]")
			}
			sp.mode = m
		case "unmapped_type":
			kind, ok := esKindNames[esString(v)]
			if !ok {
				kind = esKeyword
			}
			sp.unmapped = kind
		default:
			return sp, esParsingError("[field_sort] unknown field [%s]", k)
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
		return sp, esShardError("query_shard_exception", "No mapping found for [%s] in order to sort on", field)
	case mapped && kind == esText:
		return sp, esShardError("illegal_argument_exception", "%s", esFielddataMessage(field, s.ix.name))
	}
	return sp, nil
}

func esFielddataMessage(field, index string) string {
	return fmt.Sprintf("Fielddata is disabled on [%s] in [%s]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [%s] in order to load field data by uninverting the inverted index. Note that this can use significant memory.", field, index, field)
}

func (s *esSearch) sortHits(hits []*esHit, sorts []esSortSpec) error {
	if len(sorts) == 0 {
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].score > hits[j].score })
		return nil
	}
	order := map[*esDoc]int{}
	for i, d := range s.ix.docs {
		order[d] = i
	}
	for _, h := range hits {
		h.keys = make([]esSortKey, len(sorts))
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
				c = esCmpFloat(ka.num, kb.num)
			}
			if c != 0 {
				return (c < 0) != sp.desc
			}
		}
		return false
	})
	return nil
}

func (s *esSearch) sortKeyOf(h *esHit, sp esSortSpec, order map[*esDoc]int) esSortKey {
	switch sp.field {
	case "_score":
		return esSortKey{num: h.score}
	case "_doc":
		return esSortKey{num: float64(order[h.doc]), isLong: true}
	}
	kind, mapped := s.kind(sp.field)
	if !mapped {
		return esSortKey{missing: true}
	}
	var keys []esSortKey
	for _, v := range s.values(h.doc, sp.field) {
		switch kind {
		case esDate:
			if ms, err := s.dateValue(v); err == nil {
				keys = append(keys, esSortKey{num: float64(ms), isLong: true})
			}
		case esLong, esDouble:
			if f, ok := esFloat(v); ok {
				keys = append(keys, esSortKey{num: f, isLong: kind == esLong})
			}
		case esBoolean:
			if b, ok := esBool(v); ok {
				n := 0.0
				if b {
					n = 1
				}
				keys = append(keys, esSortKey{num: n, isLong: true})
			}
		default:
			keys = append(keys, esSortKey{str: esString(v), isStr: true})
		}
	}
	if len(keys) == 0 {
		return esSortKey{missing: true}
	}
	best := keys[0]
	for _, k := range keys[1:] {
		c := esCmpFloat(k.num, best.num)
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

type esSourceFilter struct {
	enabled            bool
	includes, excludes []string
}

func esParseSource(raw any) (esSourceFilter, error) {
	f := esSourceFilter{enabled: true}
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
				return f, esParsingError("[_source] must be a boolean, a string, an array of strings or an object")
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
				return f, esParsingError("Unknown key for a START_ARRAY in [%s].", k)
			}
			switch val := val.(type) {
			case string:
				*list = append(*list, val)
			case []any:
				for _, p := range val {
					*list = append(*list, esString(p))
				}
			}
		}
	default:
		return f, esParsingError("[_source] must be a boolean, a string, an array of strings or an object")
	}
	return f, nil
}

func esParseFields(raw any) ([]string, error) {
	list, ok := raw.([]any)
	if !ok {
		return nil, esParsingError("[fields] must be an array")
	}
	var out []string
	for _, f := range list {
		switch f := f.(type) {
		case string:
			out = append(out, f)
		case map[string]any:
			name, _ := f["field"].(string)
			if name == "" {
				return nil, esParsingError("[fields] entries need a [field]")
			}
			out = append(out, name)
		default:
			return nil, esParsingError("[fields] must hold field names")
		}
	}
	return out, nil
}

// pathMatches: a pattern names a path itself or one of its ancestors.
func esPathMatches(patterns []string, path string) bool {
	for _, p := range patterns {
		if esGlob(p, path) {
			return true
		}
		for i := range path {
			if path[i] == '.' && esGlob(p, path[:i]) {
				return true
			}
		}
	}
	return false
}

// apply filters a source, keeping its shape (flat keys stay flat, objects
// stay objects).
func (f esSourceFilter) apply(src map[string]any) map[string]any {
	if len(f.includes) == 0 && len(f.excludes) == 0 {
		return src
	}
	out, _ := f.filter(src, "").(map[string]any)
	if out == nil {
		out = map[string]any{}
	}
	return out
}

func (f esSourceFilter) filter(v any, path string) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range v {
			if kept := f.filter(sub, esJoinPath(path, k)); kept != nil {
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

func (f esSourceFilter) keeps(path string) bool {
	if esPathMatches(f.excludes, path) {
		return false
	}
	return len(f.includes) == 0 || esPathMatches(f.includes, path)
}

// ---- Runtime fields ----

type esRuntimeField struct {
	kind   esKind
	source string // the field read, "" for the field's own name
	getter string // a date getter applied to it, "" for none
	caseFn string // toLowerCase, toUpperCase
}

var esEmitScript = lazyRegexp(`^(?:if\s*\(\s*doc\[(?:'[^']+'|"[^"]+")\]\.size\(\)\s*(?:!=|>)\s*0\s*\)\s*\{?\s*)?emit\(\s*doc\[(?:'([^']+)'|"([^"]+)")\]\.value(?:\.(getHour|getMinute|getDayOfMonth|getMonthValue|getYear|getDayOfWeekEnum\(\)\.getValue|toLowerCase|toUpperCase)\(\))?\s*\)\s*;?\s*\}?\s*$`)

func (s *esSearch) parseRuntime(raw any) error {
	if raw == nil {
		return nil
	}
	defs, ok := raw.(map[string]any)
	if !ok {
		return esParsingError("[runtime_mappings] must be an object")
	}
	s.runtime = map[string]*esRuntimeField{}
	for _, name := range slices.Sorted(esKeys(defs)) {
		def, ok := defs[name].(map[string]any)
		if !ok {
			return &esError{status: 400, typ: "mapper_parsing_exception", rootType: "mapper_parsing_exception", reason: fmt.Sprintf("Expected map for runtime field [%s] definition but got a %T", name, defs[name])}
		}
		typ, _ := def["type"].(string)
		kind, ok := esKindNames[typ]
		if !ok || kind == esText {
			return &esError{status: 400, typ: "mapper_parsing_exception", rootType: "mapper_parsing_exception", reason: fmt.Sprintf("No handler for type [%s] declared on runtime field [%s]", typ, name)}
		}
		rf := &esRuntimeField{kind: kind, source: name}
		var src string
		switch script := def["script"].(type) {
		case nil:
		case string:
			src = script
		case map[string]any:
			src, _ = script["source"].(string)
		}
		if src != "" {
			m := esEmitScript().FindStringSubmatch(strings.TrimSpace(src))
			if m == nil {
				return esUnsupported(fmt.Sprintf("the Painless script of runtime field [%s] (%q); the sandbox runs emit(doc['field'].value) with an optional .getHour(), .getMinute(), .getDayOfMonth(), .getMonthValue(), .getYear(), .getDayOfWeekEnum().getValue(), .toLowerCase() or .toUpperCase()", name, src))
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
				return &esError{status: 400, typ: "mapper_parsing_exception", rootType: "mapper_parsing_exception", reason: fmt.Sprintf("unknown parameter [%s] on runtime field [%s] of type [%s]", k, name, typ)}
			}
		}
		s.runtime[name] = rf
	}
	return nil
}

func (rf *esRuntimeField) eval(s *esSearch, d *esDoc) []any {
	var base []any
	if parent, ok := s.ix.multi[rf.source]; ok {
		base = d.flat()[parent]
	} else if rf.source == "_id" {
		base = []any{d.id}
	} else {
		base = d.flat()[rf.source]
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
			out = append(out, s.castRuntime(rf.kind, strings.ToLower(esString(v))))
		case rf.caseFn == "toUpperCase":
			out = append(out, s.castRuntime(rf.kind, strings.ToUpper(esString(v))))
		default:
			out = append(out, s.castRuntime(rf.kind, v))
		}
	}
	return out
}

func (s *esSearch) castRuntime(kind esKind, v any) any {
	switch kind {
	case esKeyword, esIP:
		return esString(v)
	case esLong:
		if f, ok := esFloat(v); ok {
			return json.Number(strconv.FormatInt(int64(f), 10))
		}
	case esDouble:
		if f, ok := esFloat(v); ok {
			return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
		}
	case esBoolean:
		if b, ok := esBool(v); ok {
			return b
		}
	}
	return v
}

// ---- Aggregations ----

type esAgg struct {
	name string
	typ  string
	body map[string]any
	meta any
	subs []*esAgg

	field       string
	size        int
	minDocCount int
	order       []esAggOrder
	missing     any
	include     func(string) bool
	filter      esQuery
	filters     []esNamedQuery
	keyedFilter bool
	interval    func(int64) (int64, int64) // esBucket start and next start for a time
	bounds      [2]*int64
	top         *esRequest
}

type esAggOrder struct {
	key  string // _count, _key, or a sub-aggregation
	desc bool
}

type esNamedQuery struct {
	name string
	q    esQuery
}

func (s *esSearch) parseAggs(raw any) ([]*esAgg, error) {
	defs, ok := raw.(map[string]any)
	if !ok {
		return nil, esParsingError("Expected [START_OBJECT] under [aggs], but got a [%T]", raw)
	}
	var out []*esAgg
	for _, name := range slices.Sorted(esKeys(defs)) {
		def, ok := defs[name].(map[string]any)
		if !ok {
			return nil, esParsingError("Expected [START_OBJECT] under [%s], but got a [VALUE_STRING] in [%s]", name, name)
		}
		a := &esAgg{name: name}
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
			return nil, esParsingError("Missing definition for aggregation [%s]", name)
		case 1:
		default:
			return nil, esParsingError("Found two aggregation type definitions in [%s]: [%s] and [%s]", name, types[0], types[1])
		}
		a.typ = types[0]
		body, _ := def[a.typ].(map[string]any)
		if body == nil && a.typ != "filter" {
			return nil, esParsingError("Expected [START_OBJECT] under [%s], but got a [VALUE_STRING] in [%s]", a.typ, name)
		}
		a.body = body
		if err := s.parseAgg(a, def[a.typ]); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func (s *esSearch) parseAgg(a *esAgg, raw any) error {
	allow := func(keys ...string) error {
		for k := range a.body {
			if !slices.Contains(keys, k) {
				return esXContentError("[%s] unknown field [%s]", a.typ, k)
			}
		}
		return nil
	}
	field := func() error {
		f, _ := a.body["field"].(string)
		if f == "" {
			if _, hasScript := a.body["script"]; hasScript {
				return esUnsupported("[script] in the [" + a.typ + "] aggregation")
			}
			return &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("Required one of fields [field, script], but none were specified. in [%s]", a.name)}
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
		size, err := esIntOption(a.body, "size", 10)
		if err != nil {
			return err
		}
		if size <= 0 {
			return &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("[size] must be greater than 0. Found [%d] in [%s]", size, a.name)}
		}
		a.size = size
		if a.minDocCount, err = esIntOption(a.body, "min_doc_count", 1); err != nil {
			return err
		}
		a.missing = a.body["missing"]
		if a.order, err = esParseAggOrder(a, []esAggOrder{{"_count", true}, {"_key", false}}); err != nil {
			return err
		}
		inc, err := esTermFilter(a.body["include"])
		if err != nil {
			return err
		}
		exc, err := esTermFilter(a.body["exclude"])
		if err != nil {
			return err
		}
		a.include = func(k string) bool { return (inc == nil || inc(k)) && (exc == nil || !exc(k)) }
		if kind, mapped := s.kind(a.field); mapped && kind == esText {
			return esShardError("illegal_argument_exception", "%s", esFielddataMessage(a.field, s.ix.name))
		}
	case "date_histogram":
		if err := allow("field", "calendar_interval", "fixed_interval", "min_doc_count", "extended_bounds", "hard_bounds", "format", "time_zone", "order", "keyed", "missing", "interval"); err != nil {
			return err
		}
		if err := field(); err != nil {
			return err
		}
		if _, ok := a.body["interval"]; ok {
			return esXContentError("[date_histogram] unknown field [interval]")
		}
		for _, k := range []string{"time_zone", "order", "keyed", "missing", "hard_bounds"} {
			if _, ok := a.body[k]; ok {
				return esUnsupported("[" + k + "] in the [date_histogram] aggregation")
			}
		}
		cal, _ := a.body["calendar_interval"].(string)
		fixed, _ := a.body["fixed_interval"].(string)
		switch {
		case cal != "" && fixed != "":
			return &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: "Cannot use [fixed_interval] with [calendar_interval] configuration option."}
		case cal != "":
			unit, ok := map[string]string{"minute": "m", "1m": "m", "hour": "h", "1h": "h", "day": "d", "1d": "d", "week": "w", "1w": "w", "month": "M", "1M": "M", "quarter": "q", "1q": "q", "year": "y", "1y": "y"}[cal]
			if !ok {
				return &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("The supplied interval [%s] could not be parsed as a calendar interval.", cal)}
			}
			a.interval = esCalendarBuckets(unit)
		case fixed != "":
			d, err := esFixedInterval(fixed)
			if err != nil {
				return &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("failed to parse setting [date_histogram.fixedInterval] with value [%s] as a time value: unit is missing or unrecognized", fixed)}
			}
			step := d.Milliseconds()
			a.interval = func(ms int64) (int64, int64) {
				start := ms - ((ms%step)+step)%step
				return start, start + step
			}
		default:
			return &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: "Invalid interval specified, must be non-null and non-empty"}
		}
		n, err := esIntOption(a.body, "min_doc_count", 0)
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
			return esUnsupported("[missing] in the [" + a.typ + "] aggregation")
		}
		if a.typ == "missing" && len(a.body) > 1 {
			return esXContentError("[missing] unknown field")
		}
		if kind, mapped := s.kind(a.field); mapped && kind == esText {
			return esShardError("illegal_argument_exception", "%s", esFielddataMessage(a.field, s.ix.name))
		}
		if kind, mapped := s.kind(a.field); mapped && (a.typ == "avg" || a.typ == "sum") && kind != esLong && kind != esDouble && kind != esDate {
			return esShardError("illegal_argument_exception", "Field [%s] of type [%s] is not supported for aggregation [%s]", a.field, esKindName(kind), a.typ)
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
			return esUnsupported("[other_bucket] in the [filters] aggregation")
		}
		switch fs := a.body["filters"].(type) {
		case map[string]any:
			a.keyedFilter = true
			for _, name := range slices.Sorted(esKeys(fs)) {
				q, err := s.compile(fs[name])
				if err != nil {
					return err
				}
				a.filters = append(a.filters, esNamedQuery{name, q})
			}
		case []any:
			for _, f := range fs {
				q, err := s.compile(f)
				if err != nil {
					return err
				}
				a.filters = append(a.filters, esNamedQuery{"", q})
			}
		default:
			return esParsingError("[filters] cannot be empty.")
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
			return &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("Top hits result window is too large, the top hits aggregator [%s]'s from + size must be less than or equal to: [100] but was [%d].", a.name, req.from+req.size)}
		}
		a.top = req
	default:
		if slices.Contains(esKnownAggs, a.typ) {
			return esUnsupported("the [" + a.typ + "] aggregation")
		}
		return esXContentError("Unknown aggregation type [%s]", a.typ)
	}
	if a.typ != "terms" && a.typ != "date_histogram" && a.typ != "filter" && a.typ != "filters" && len(a.subs) > 0 {
		return &esError{status: 400, typ: "aggregation_initialization_exception", rootType: "aggregation_initialization_exception", reason: fmt.Sprintf("Aggregator [%s] of type [%s] cannot accept sub-aggregations", a.name, a.typ)}
	}
	return nil
}

func esParseAggOrder(a *esAgg, def []esAggOrder) ([]esAggOrder, error) {
	raw, ok := a.body["order"]
	if !ok {
		return def, nil
	}
	list, ok := raw.([]any)
	if !ok {
		list = []any{raw}
	}
	var out []esAggOrder
	for _, item := range list {
		obj, ok := item.(map[string]any)
		if !ok || len(obj) != 1 {
			return nil, esParsingError("[order] of [%s] must be an object naming one key", a.name)
		}
		for k, v := range obj {
			dir, _ := v.(string)
			if dir != "asc" && dir != "desc" {
				return nil, &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("Unknown terms order direction [%s] in terms aggregation [%s]", dir, a.name)}
			}
			if k != "_count" && k != "_key" && k != "_term" {
				name, _, _ := strings.Cut(k, ".")
				if !slices.ContainsFunc(a.subs, func(s *esAgg) bool { return s.name == name }) {
					return nil, &esError{status: 400, typ: "aggregation_execution_exception", rootType: "aggregation_execution_exception", reason: fmt.Sprintf("Invalid aggregator order path [%s]. The provided aggregation [%s] either does not exist, or is a pipeline aggregation and cannot be used to sort the buckets.", k, name)}
				}
			}
			if k == "_term" {
				k = "_key"
			}
			out = append(out, esAggOrder{k, dir == "desc"})
		}
	}
	// Ties are broken by key, as Elasticsearch does.
	return append(out, esAggOrder{"_key", false}), nil
}

func esTermFilter(raw any) (func(string) bool, error) {
	switch v := raw.(type) {
	case nil:
		return nil, nil
	case string:
		re, err := regexp.Compile("^(?:" + v + ")$")
		if err != nil {
			return nil, &esError{status: 400, typ: "illegal_argument_exception", rootType: "illegal_argument_exception", reason: fmt.Sprintf("invalid regular expression [%s]", v)}
		}
		return re.MatchString, nil
	case []any:
		set := map[string]bool{}
		for _, e := range v {
			set[esString(e)] = true
		}
		return func(k string) bool { return set[k] }, nil
	}
	return nil, esUnsupported("partitioned [include] in the [terms] aggregation")
}

func esFixedInterval(s string) (time.Duration, error) {
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

func esCalendarBuckets(unit string) func(int64) (int64, int64) {
	return func(ms int64) (int64, int64) {
		t := time.UnixMilli(ms).UTC()
		if unit == "q" {
			q := (int(t.Month()) - 1) / 3 * 3
			start := time.Date(t.Year(), time.Month(q+1), 1, 0, 0, 0, 0, time.UTC)
			return start.UnixMilli(), start.AddDate(0, 3, 0).UnixMilli()
		}
		start := esRoundTime(t, unit, false)
		end := esRoundTime(t, unit, true).Add(time.Millisecond)
		return start.UnixMilli(), end.UnixMilli()
	}
}

func (s *esSearch) runAggs(aggs []*esAgg, docs []*esDoc) (map[string]any, error) {
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

// esBucket is a terms or histogram bucket being built.
type esBucket struct {
	key    esSortKey
	keyStr string // key_as_string, when the key has one
	docs   []*esDoc
	subs   map[string]any
}

func (s *esSearch) runAgg(a *esAgg, docs []*esDoc) (map[string]any, error) {
	switch a.typ {
	case "terms":
		return s.runTerms(a, docs)
	case "date_histogram":
		return s.runHistogram(a, docs)
	case "filter":
		var in []*esDoc
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
			var in []*esDoc
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
		var hits []*esHit
		for _, d := range docs {
			ok, score := a.top.query(d)
			if ok {
				hits = append(hits, &esHit{doc: d, score: score})
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
			maxScore = esMaxScore(hits)
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

func (s *esSearch) withSubs(res map[string]any, a *esAgg, docs []*esDoc) (map[string]any, error) {
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
func (s *esSearch) termKey(kind esKind, v any) (esSortKey, string, bool) {
	switch kind {
	case esDate:
		ms, err := s.dateValue(v)
		if err != nil {
			return esSortKey{}, "", false
		}
		return esSortKey{num: float64(ms), isLong: true}, esFormatMillis(ms), true
	case esLong, esDouble:
		f, ok := esFloat(v)
		return esSortKey{num: f, isLong: kind == esLong}, "", ok
	case esBoolean:
		b, ok := esBool(v)
		if b {
			return esSortKey{num: 1, isLong: true}, "true", ok
		}
		return esSortKey{num: 0, isLong: true}, "false", ok
	}
	return esSortKey{str: esString(v), isStr: true}, "", true
}

func (s *esSearch) runTerms(a *esAgg, docs []*esDoc) (map[string]any, error) {
	kind, mapped := s.kind(a.field)
	if !mapped {
		if a.missing == nil {
			return map[string]any{"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []any{}}, nil
		}
		kind = esKindOf(a.missing)
	}
	byKey := map[string]*esBucket{}
	var order []string
	add := func(v any, d *esDoc, seen map[string]bool) {
		k, ks, ok := s.termKey(kind, v)
		if !ok {
			return
		}
		id := fmt.Sprint(k.render())
		if !a.include(esString(k.render())) && !(ks != "" && a.include(ks)) {
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
			b = &esBucket{key: k, keyStr: ks}
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
		for _, d := range s.ix.docs {
			for _, v := range s.values(d, a.field) {
				add(v, nil, map[string]bool{})
			}
		}
	}
	var buckets []*esBucket
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
			c := esCompareBuckets(buckets[i], buckets[j], o.key)
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
		shown = append(shown, esRenderBucket(b))
	}
	return map[string]any{"doc_count_error_upper_bound": 0, "sum_other_doc_count": total, "buckets": shown}, nil
}

func esCompareBuckets(a, b *esBucket, key string) int {
	switch key {
	case "_count":
		return len(a.docs) - len(b.docs)
	case "_key":
		if a.key.isStr {
			return strings.Compare(a.key.str, b.key.str)
		}
		return esCmpFloat(a.key.num, b.key.num)
	}
	name, prop, _ := strings.Cut(key, ".")
	va, vb := esMetricValue(a.subs[name], prop), esMetricValue(b.subs[name], prop)
	return esCmpFloat(va, vb)
}

func esMetricValue(v any, prop string) float64 {
	m, _ := v.(map[string]any)
	if prop == "" {
		prop = "value"
	}
	if prop == "doc_count" || (m["value"] == nil && m["doc_count"] != nil) {
		n, _ := m["doc_count"].(int)
		return float64(n)
	}
	f, ok := esFloat(m[prop])
	if !ok {
		return math.Inf(-1)
	}
	return f
}

func esRenderBucket(b *esBucket) map[string]any {
	out := map[string]any{"key": b.key.render(), "doc_count": len(b.docs)}
	if b.keyStr != "" {
		out["key_as_string"] = b.keyStr
	}
	for k, v := range b.subs {
		out[k] = v
	}
	return out
}

func (s *esSearch) runHistogram(a *esAgg, docs []*esDoc) (map[string]any, error) {
	if kind, mapped := s.kind(a.field); mapped && kind != esDate {
		return nil, esShardError("illegal_argument_exception", "Field [%s] of type [%s] is not supported for aggregation [date_histogram]", a.field, esKindName(kind))
	}
	byStart := map[int64]*esBucket{}
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
				b = &esBucket{key: esSortKey{num: float64(start), isLong: true}, keyStr: esFormatMillis(start)}
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
				byStart[st] = &esBucket{key: esSortKey{num: float64(st), isLong: true}, keyStr: esFormatMillis(st)}
			}
			_, st = a.interval(st)
		}
		if len(starts) >= 65536 {
			return nil, &esError{status: 400, typ: "too_many_buckets_exception", rootType: "too_many_buckets_exception", reason: "Trying to create too many buckets. Must be less than or equal to: [65536]."}
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
		r := esRenderBucket(b)
		out = append(out, map[string]any{"key_as_string": r["key_as_string"], "key": r["key"], "doc_count": r["doc_count"]})
		for k, v := range subs {
			out[len(out)-1].(map[string]any)[k] = v
		}
	}
	return map[string]any{"buckets": out}, nil
}

func (s *esSearch) runMetric(a *esAgg, docs []*esDoc) map[string]any {
	kind, mapped := s.kind(a.field)
	var nums []float64
	distinct := map[string]bool{}
	count := 0
	for _, d := range docs {
		for _, v := range s.values(d, a.field) {
			count++
			distinct[esString(v)] = true
			if !mapped {
				continue
			}
			switch kind {
			case esDate:
				if ms, err := s.dateValue(v); err == nil {
					nums = append(nums, float64(ms))
				}
			case esLong, esDouble:
				if f, ok := esFloat(v); ok {
					nums = append(nums, f)
				}
			case esBoolean:
				if b, ok := esBool(v); ok {
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
	if kind == esDate && a.typ != "avg" {
		out["value_as_string"] = esFormatMillis(int64(v))
	}
	return out
}
