package es

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// dslNow is the clock of the DSL tests.
var dslNow = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

// dslIndex holds four documents that spell their fields both ways: flat
// dotted keys and nested objects.
func dslIndex() *Index {
	ix := &Index{
		Name:    "test-index",
		Mapping: map[string]Kind{"@timestamp": Date, "source.ip": IP, "message": Text, "kibana.alert.risk_score": Double, "user.name.text": Text},
		Multi:   map[string]string{"user.name.text": "user.name"},
	}
	ix.Put("d1", map[string]any{
		"@timestamp": "2025-03-14T10:00:00.000Z", "kibana.alert.workflow_status": "open", "kibana.alert.risk_score": 73,
		"host": map[string]any{"name": "vpn-gw-01"}, "user.name": "j.morgan", "source": map[string]any{"ip": "203.0.113.23"},
		"message": "Failed login for admin from 203.0.113.23", "tags": []any{"a", "b"},
	})
	ix.Put("d2", map[string]any{
		"@timestamp": "2025-03-13T23:30:00Z", "kibana": map[string]any{"alert": map[string]any{"workflow_status": "closed", "risk_score": 99}},
		"host.name": "fs-01", "user": map[string]any{"name": "svc-backup"}, "source.ip": "10.20.1.15",
		"message": "Files renamed to .locked on share", "tags": []any{"b"},
	})
	ix.Put("d3", map[string]any{
		"@timestamp": "2025-03-07T12:00:00Z", "kibana.alert.workflow_status": "acknowledged", "kibana.alert.risk_score": 21,
		"host": map[string]any{"name": "dev-lt-07"}, "message": "DNS query with long subdomain",
	})
	ix.Put("d4", map[string]any{
		"@timestamp": "2025-03-14T11:30:00Z", "kibana.alert": map[string]any{"workflow_status": "open", "risk_score": 47.5},
		"host": map[string]any{"name": "vpn-gw-01"}, "message": "Successful login for j.morgan",
	})
	return ix
}

// dslSearch runs a search body and returns the answer as JSON decodes it.
func dslSearch(t *testing.T, ix *Index, body string) map[string]any {
	t.Helper()
	res, err := ix.Search(dslBody(t, body), dslNow)
	if err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	b, _ := json.Marshal(res)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

func dslBody(t *testing.T, body string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("bad test body %s: %v", body, err)
	}
	return m
}

func hitIDs(res map[string]any) []string {
	var ids []string
	for _, h := range res["hits"].(map[string]any)["hits"].([]any) {
		ids = append(ids, h.(map[string]any)["_id"].(string))
	}
	return ids
}

func hitList(res map[string]any) []map[string]any {
	var out []map[string]any
	for _, h := range res["hits"].(map[string]any)["hits"].([]any) {
		out = append(out, h.(map[string]any))
	}
	return out
}

func TestDSLQueryClauses(t *testing.T) {
	ix := dslIndex()
	for _, c := range []struct {
		name, query string
		want        []string
	}{
		{"match_all", `{"match_all":{}}`, []string{"d1", "d2", "d3", "d4"}},
		{"match_none", `{"match_none":{}}`, nil},
		{"term on flat and nested spellings", `{"term":{"kibana.alert.workflow_status":"open"}}`, []string{"d1", "d4"}},
		{"term on a nested-only spelling", `{"term":{"kibana.alert.workflow_status":"closed"}}`, []string{"d2"}},
		{"term is case sensitive on keywords", `{"term":{"host.name":"FS-01"}}`, nil},
		{"term case_insensitive", `{"term":{"host.name":{"value":"FS-01","case_insensitive":true}}}`, []string{"d2"}},
		{"term on text matches an analyzed token", `{"term":{"message":"failed"}}`, []string{"d1"}},
		{"term on text is not analyzed itself", `{"term":{"message":"Failed"}}`, nil},
		{"term on a number", `{"term":{"kibana.alert.risk_score":99}}`, []string{"d2"}},
		{"term on an unmapped field", `{"term":{"nothing.here":"x"}}`, nil},
		{"term _id", `{"term":{"_id":"d3"}}`, []string{"d3"}},
		{"terms", `{"terms":{"host.name":["fs-01","dev-lt-07"]}}`, []string{"d2", "d3"}},
		{"terms on an array field", `{"terms":{"tags":["a"]}}`, []string{"d1"}},
		{"terms _id", `{"terms":{"_id":["d1","d4","zz"]}}`, []string{"d1", "d4"}},
		{"match on text, any token", `{"match":{"message":"LOGIN renamed"}}`, []string{"d1", "d2", "d4"}},
		{"match operator and", `{"match":{"message":{"query":"failed login","operator":"and"}}}`, []string{"d1"}},
		{"match minimum_should_match", `{"match":{"message":{"query":"login admin files","minimum_should_match":2}}}`, []string{"d1"}},
		{"match on keyword is the whole value", `{"match":{"host.name":"fs-01"}}`, []string{"d2"}},
		{"match on keyword does not split", `{"match":{"host.name":"fs"}}`, nil},
		{"match on a text multi-field", `{"match":{"user.name.text":"BACKUP"}}`, []string{"d2"}},
		{"match_phrase", `{"match_phrase":{"message":"long subdomain"}}`, []string{"d3"}},
		{"match_phrase keeps order", `{"match_phrase":{"message":"subdomain long"}}`, nil},
		{"multi_match", `{"multi_match":{"query":"fs-01","fields":["host.*","message"]}}`, []string{"d2"}},
		{"exists on a leaf", `{"exists":{"field":"user.name"}}`, []string{"d1", "d2"}},
		{"exists on an object", `{"exists":{"field":"host"}}`, []string{"d1", "d2", "d3", "d4"}},
		{"exists on an array", `{"exists":{"field":"tags"}}`, []string{"d1", "d2"}},
		{"range on numbers", `{"range":{"kibana.alert.risk_score":{"gte":50}}}`, []string{"d1", "d2"}},
		{"range gt", `{"range":{"kibana.alert.risk_score":{"gt":73}}}`, []string{"d2"}},
		{"range lt on a double", `{"range":{"kibana.alert.risk_score":{"lt":47.5}}}`, []string{"d3"}},
		{"range now-24h", `{"range":{"@timestamp":{"gte":"now-24h"}}}`, []string{"d1", "d2", "d4"}},
		{"range now-7d/d rounds down for gte", `{"range":{"@timestamp":{"gte":"now-7d/d"}}}`, []string{"d1", "d2", "d3", "d4"}},
		{"range now-7d/d rounds up for gt", `{"range":{"@timestamp":{"gt":"now-7d/d"}}}`, []string{"d1", "d2", "d4"}},
		{"range gte and lt together", `{"range":{"@timestamp":{"gte":"now-1d/d","lt":"now/d"}}}`, []string{"d2"}},
		{"range ISO date", `{"range":{"@timestamp":{"gte":"2025-03-14"}}}`, []string{"d1", "d4"}},
		{"range lte a day takes the whole day", `{"range":{"@timestamp":{"lte":"2025-03-13"}}}`, []string{"d2", "d3"}},
		{"range ISO datetime", `{"range":{"@timestamp":{"lt":"2025-03-14T00:00:00Z"}}}`, []string{"d2", "d3"}},
		{"range date math on a date", `{"range":{"@timestamp":{"gte":"2025-03-13||+1d"}}}`, []string{"d1", "d4"}},
		{"range epoch millis", `{"range":{"@timestamp":{"gte":1741950000000}}}`, []string{"d4"}},
		{"range on IPs", `{"range":{"source.ip":{"gte":"203.0.113.0","lte":"203.0.113.255"}}}`, []string{"d1"}},
		{"term on an IP with a CIDR", `{"term":{"source.ip":"10.0.0.0/8"}}`, []string{"d2"}},
		{"ids", `{"ids":{"values":["d1","d3","nope"]}}`, []string{"d1", "d3"}},
		{"prefix", `{"prefix":{"host.name":"vpn"}}`, []string{"d1", "d4"}},
		{"wildcard", `{"wildcard":{"host.name":{"value":"*-lt-*"}}}`, []string{"d3"}},
		{"wildcard ?", `{"wildcard":{"host.name":"fs-0?"}}`, []string{"d2"}},
		{"constant_score", `{"constant_score":{"filter":{"term":{"tags":"b"}}}}`, []string{"d1", "d2"}},
		{"bool must and must_not", `{"bool":{"must":[{"match":{"message":"files login"}}],"must_not":{"term":{"host.name":"vpn-gw-01"}}}}`, []string{"d2"}},
		{"bool should alone needs one", `{"bool":{"should":[{"term":{"host.name":"fs-01"}},{"term":{"host.name":"dev-lt-07"}}]}}`, []string{"d2", "d3"}},
		{"bool should with minimum_should_match", `{"bool":{"should":[{"term":{"host.name":"fs-01"}},{"term":{"tags":"b"}},{"term":{"kibana.alert.workflow_status":"open"}}],"minimum_should_match":2}}`, []string{"d1", "d2"}},
		{"bool should is optional beside a filter", `{"bool":{"filter":{"term":{"kibana.alert.workflow_status":"open"}},"should":{"term":{"host.name":"nothing"}}}}`, []string{"d1", "d4"}},
		{"bool minimum_should_match as a percentage", `{"bool":{"should":[{"term":{"tags":"a"}},{"term":{"tags":"b"}}],"minimum_should_match":"100%"}}`, []string{"d1"}},
		{"empty bool matches all", `{"bool":{}}`, []string{"d1", "d2", "d3", "d4"}},
		{"nested bools", `{"bool":{"filter":[{"bool":{"should":[{"term":{"host.name":"fs-01"}},{"range":{"kibana.alert.risk_score":{"lt":30}}}]}}],"must_not":[{"exists":{"field":"tags"}}]}}`, []string{"d3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := dslSearch(t, ix, `{"query":`+c.query+`}`)
			got := hitIDs(res)
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s matched %v, want %v", c.query, got, c.want)
			}
			total := res["hits"].(map[string]any)["total"].(map[string]any)
			if total["value"] != float64(len(c.want)) || total["relation"] != "eq" {
				t.Errorf("total %v, want %d eq", total, len(c.want))
			}
		})
	}
}

func TestDSLScoresOrderUnsortedHits(t *testing.T) {
	res := dslSearch(t, dslIndex(), `{"query":{"bool":{"should":[{"match":{"message":"failed login"}},{"match":{"message":"files"}}]}}}`)
	if got := hitIDs(res); !slices.Equal(got, []string{"d1", "d2", "d4"}) {
		t.Errorf("order %v, want the best match first: d1 d2 d4", got)
	}
	if ms := res["hits"].(map[string]any)["max_score"]; ms != 2.0 {
		t.Errorf("max_score %v, want 2", ms)
	}
	res = dslSearch(t, dslIndex(), `{"query":{"bool":{"filter":{"match_all":{}}}}}`)
	if ms := res["hits"].(map[string]any)["max_score"]; ms != 0.0 {
		t.Errorf("filter context max_score %v, want 0", ms)
	}
}

func TestDSLDateMath(t *testing.T) {
	now := time.Date(2025, 3, 14, 12, 34, 56, 789e6, time.UTC)
	for _, c := range []struct {
		expr string
		up   bool
		want string
	}{
		{"now", false, "2025-03-14T12:34:56.789Z"},
		{"now-24h", false, "2025-03-13T12:34:56.789Z"},
		{"now-7d/d", false, "2025-03-07T00:00:00.000Z"},
		{"now-7d/d", true, "2025-03-07T23:59:59.999Z"},
		{"now/d", true, "2025-03-14T23:59:59.999Z"},
		{"now+1h/h", false, "2025-03-14T13:00:00.000Z"},
		{"now-1M/M", false, "2025-02-01T00:00:00.000Z"},
		{"now/w", false, "2025-03-10T00:00:00.000Z"},
		{"now-15m", false, "2025-03-14T12:19:56.789Z"},
		{"now-1y", false, "2024-03-14T12:34:56.789Z"},
		{"now-30s", false, "2025-03-14T12:34:26.789Z"},
		{"2025-03-01||+1M/d", false, "2025-04-01T00:00:00.000Z"},
		{"2025-03-01", false, "2025-03-01T00:00:00.000Z"},
		{"2025-03-01", true, "2025-03-01T23:59:59.999Z"},
		{"2025-03-01T08:15:00+02:00", false, "2025-03-01T06:15:00.000Z"},
		{"2025-03-01T08:15:00.250Z", false, "2025-03-01T08:15:00.250Z"},
	} {
		got, err := DateMath(c.expr, now, c.up, time.UTC)
		if err != nil || got.UTC().Format(DateFormat) != c.want {
			t.Errorf("%s (round up %v) = %v %v, want %s", c.expr, c.up, got.UTC().Format(DateFormat), err, c.want)
		}
	}
	for _, bad := range []string{"now-3x", "now-", "yesterday", "now/q", "2025-13-01"} {
		if _, err := DateMath(bad, now, false, time.UTC); err == nil {
			t.Errorf("%s parsed, want an error", bad)
		}
	}
}

func TestDSLSortPagingAndSource(t *testing.T) {
	ix := dslIndex()
	for _, c := range []struct {
		name, body string
		want       []string
	}{
		{"date desc", `{"sort":[{"@timestamp":"desc"}]}`, []string{"d4", "d1", "d2", "d3"}},
		{"date asc as a string", `{"sort":"@timestamp"}`, []string{"d3", "d2", "d1", "d4"}},
		{"two keys", `{"sort":[{"kibana.alert.workflow_status":"asc"},{"@timestamp":{"order":"asc"}}]}`, []string{"d3", "d2", "d1", "d4"}},
		{"numbers", `{"sort":[{"kibana.alert.risk_score":"desc"}]}`, []string{"d2", "d1", "d4", "d3"}},
		{"missing values last", `{"sort":[{"user.name":"asc"}]}`, []string{"d1", "d2", "d3", "d4"}},
		{"missing values last in desc too", `{"sort":[{"user.name":"desc"}]}`, []string{"d2", "d1", "d3", "d4"}},
		{"missing first", `{"sort":[{"user.name":{"order":"asc","missing":"_first"}}]}`, []string{"d3", "d4", "d1", "d2"}},
		{"multi-valued: min ascending", `{"sort":[{"tags":"asc"},"_doc"]}`, []string{"d1", "d2", "d3", "d4"}},
		{"unmapped_type", `{"sort":[{"nothing":{"order":"asc","unmapped_type":"keyword"}},{"@timestamp":"desc"}]}`, []string{"d4", "d1", "d2", "d3"}},
		{"from and size", `{"sort":[{"@timestamp":"desc"}],"from":1,"size":2}`, []string{"d1", "d2"}},
		{"size 0", `{"size":0}`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := dslSearch(t, ix, c.body)
			if got := hitIDs(res); !slices.Equal(got, c.want) {
				t.Errorf("%s gave %v, want %v", c.body, got, c.want)
			}
			if total := res["hits"].(map[string]any)["total"].(map[string]any)["value"]; total != 4.0 {
				t.Errorf("total %v, want 4 whatever the page", total)
			}
		})
	}

	res := dslSearch(t, ix, `{"sort":[{"@timestamp":"desc"}],"size":1}`)
	h := hitList(res)[0]
	if h["_score"] != nil || res["hits"].(map[string]any)["max_score"] != nil {
		t.Errorf("sorted by a field: _score %v and max_score %v, want null", h["_score"], res["hits"].(map[string]any)["max_score"])
	}
	if !slices.Equal(h["sort"].([]any), []any{1741951800000.0}) || h["_index"] != "test-index" {
		t.Errorf("hit %v, want sort [epoch millis] and _index", h)
	}

	for _, c := range []struct {
		name, source string
		want         map[string]string // id -> its _source as JSON
	}{
		{"false", `false`, map[string]string{"d1": "null", "d2": "null"}},
		{"a field, flat or nested as stored", `["host.name"]`, map[string]string{"d1": `{"host":{"name":"vpn-gw-01"}}`, "d2": `{"host.name":"fs-01"}`}},
		{"one string", `"message"`, map[string]string{"d3": `{"message":"DNS query with long subdomain"}`}},
		{"a parent names its children", `["kibana.alert"]`, map[string]string{"d1": `{"kibana.alert.risk_score":73,"kibana.alert.workflow_status":"open"}`, "d4": `{"kibana.alert":{"risk_score":47.5,"workflow_status":"open"}}`}},
		{"includes and excludes", `{"includes":["kibana.*"],"excludes":["*.risk_score"]}`, map[string]string{"d1": `{"kibana.alert.workflow_status":"open"}`, "d2": `{"kibana":{"alert":{"workflow_status":"closed"}}}`}},
		{"arrays kept", `["tags"]`, map[string]string{"d1": `{"tags":["a","b"]}`, "d3": `{}`}},
	} {
		t.Run("_source "+c.name, func(t *testing.T) {
			res := dslSearch(t, ix, `{"_source":`+c.source+`}`)
			for _, h := range hitList(res) {
				want, ok := c.want[h["_id"].(string)]
				if !ok {
					continue
				}
				src, present := h["_source"]
				got, _ := json.Marshal(src)
				if want == "null" && present || want != "null" && string(got) != want {
					t.Errorf("%s: _source %s (present %v), want %s", h["_id"], got, present, want)
				}
			}
		})
	}

	res = dslSearch(t, ix, `{"query":{"ids":{"values":["d2"]}},"fields":["host.name","@timestamp","user.*"],"_source":false}`)
	fields, _ := json.Marshal(hitList(res)[0]["fields"])
	if string(fields) != `{"@timestamp":["2025-03-13T23:30:00.000Z"],"host.name":["fs-01"],"user.name":["svc-backup"],"user.name.text":["svc-backup"]}` {
		t.Errorf("fields %s", fields)
	}

	res = dslSearch(t, ix, `{"track_total_hits":false}`)
	if _, ok := res["hits"].(map[string]any)["total"]; ok {
		t.Error("track_total_hits false still counted")
	}
	res = dslSearch(t, ix, `{"track_total_hits":2,"size":0}`)
	if total := res["hits"].(map[string]any)["total"]; total.(map[string]any)["relation"] != "gte" || total.(map[string]any)["value"] != 2.0 {
		t.Errorf("track_total_hits 2: total %v, want 2 gte", total)
	}
}

func TestDSLAggregations(t *testing.T) {
	ix := dslIndex()
	for _, c := range []struct{ name, aggs, want string }{
		{"terms on a multi-valued keyword", `{"t":{"terms":{"field":"tags"}}}`,
			`{"t":{"buckets":[{"doc_count":2,"key":"b"},{"doc_count":1,"key":"a"}],"doc_count_error_upper_bound":0,"sum_other_doc_count":0}}`},
		{"terms over flat and nested spellings, size", `{"s":{"terms":{"field":"kibana.alert.workflow_status","size":1}}}`,
			`{"s":{"buckets":[{"doc_count":2,"key":"open"}],"doc_count_error_upper_bound":0,"sum_other_doc_count":2}}`},
		{"terms ordered by key", `{"h":{"terms":{"field":"host.name","order":{"_key":"asc"}}}}`,
			`{"h":{"buckets":[{"doc_count":1,"key":"dev-lt-07"},{"doc_count":1,"key":"fs-01"},{"doc_count":2,"key":"vpn-gw-01"}],"doc_count_error_upper_bound":0,"sum_other_doc_count":0}}`},
		{"terms on numbers", `{"r":{"terms":{"field":"kibana.alert.risk_score","order":{"_key":"desc"},"size":2}}}`,
			`{"r":{"buckets":[{"doc_count":1,"key":99},{"doc_count":1,"key":73}],"doc_count_error_upper_bound":0,"sum_other_doc_count":2}}`},
		{"terms with missing", `{"u":{"terms":{"field":"user.name","missing":"(none)"}}}`,
			`{"u":{"buckets":[{"doc_count":2,"key":"(none)"},{"doc_count":1,"key":"j.morgan"},{"doc_count":1,"key":"svc-backup"}],"doc_count_error_upper_bound":0,"sum_other_doc_count":0}}`},
		{"terms on an unmapped field", `{"x":{"terms":{"field":"nothing"}}}`,
			`{"x":{"buckets":[],"doc_count_error_upper_bound":0,"sum_other_doc_count":0}}`},
		{"terms with a sub-aggregation, ordered by it", `{"h":{"terms":{"field":"host.name","order":{"top":"desc"}},"aggs":{"top":{"max":{"field":"kibana.alert.risk_score"}}}}}`,
			`{"h":{"buckets":[{"doc_count":1,"key":"fs-01","top":{"value":99}},{"doc_count":2,"key":"vpn-gw-01","top":{"value":73}},{"doc_count":1,"key":"dev-lt-07","top":{"value":21}}],"doc_count_error_upper_bound":0,"sum_other_doc_count":0}}`},
		{"date_histogram by day, empty days filled", `{"d":{"date_histogram":{"field":"@timestamp","calendar_interval":"day"}}}`,
			`{"d":{"buckets":[{"doc_count":1,"key":1741305600000,"key_as_string":"2025-03-07T00:00:00.000Z"},{"doc_count":0,"key":1741392000000,"key_as_string":"2025-03-08T00:00:00.000Z"},{"doc_count":0,"key":1741478400000,"key_as_string":"2025-03-09T00:00:00.000Z"},{"doc_count":0,"key":1741564800000,"key_as_string":"2025-03-10T00:00:00.000Z"},{"doc_count":0,"key":1741651200000,"key_as_string":"2025-03-11T00:00:00.000Z"},{"doc_count":0,"key":1741737600000,"key_as_string":"2025-03-12T00:00:00.000Z"},{"doc_count":1,"key":1741824000000,"key_as_string":"2025-03-13T00:00:00.000Z"},{"doc_count":2,"key":1741910400000,"key_as_string":"2025-03-14T00:00:00.000Z"}]}}`},
		{"date_histogram fixed interval, min_doc_count", `{"d":{"date_histogram":{"field":"@timestamp","fixed_interval":"12h","min_doc_count":1}}}`,
			`{"d":{"buckets":[{"doc_count":1,"key":1741348800000,"key_as_string":"2025-03-07T12:00:00.000Z"},{"doc_count":1,"key":1741867200000,"key_as_string":"2025-03-13T12:00:00.000Z"},{"doc_count":2,"key":1741910400000,"key_as_string":"2025-03-14T00:00:00.000Z"}]}}`},
		{"metrics", `{"n":{"cardinality":{"field":"host.name"}},"lo":{"min":{"field":"kibana.alert.risk_score"}},"avg":{"avg":{"field":"kibana.alert.risk_score"}},"c":{"value_count":{"field":"tags"}},"m":{"missing":{"field":"user.name"}},"first":{"min":{"field":"@timestamp"}}}`,
			`{"avg":{"value":60.125},"c":{"value":3},"first":{"value":1741348800000,"value_as_string":"2025-03-07T12:00:00.000Z"},"lo":{"value":21},"m":{"doc_count":2},"n":{"value":3}}`},
		{"filter and filters", `{"open":{"filter":{"term":{"kibana.alert.workflow_status":"open"}},"aggs":{"hosts":{"cardinality":{"field":"host.name"}}}},"f":{"filters":{"filters":{"recent":{"range":{"@timestamp":{"gte":"now-1d"}}},"old":{"range":{"@timestamp":{"lt":"now-1d"}}}}}}}`,
			`{"f":{"buckets":{"old":{"doc_count":1},"recent":{"doc_count":3}}},"open":{"doc_count":2,"hosts":{"value":1}}}`},
		{"top_hits", `{"h":{"terms":{"field":"host.name","size":1},"aggs":{"latest":{"top_hits":{"size":1,"sort":[{"@timestamp":"desc"}],"_source":["@timestamp"]}}}}}`,
			`{"h":{"buckets":[{"doc_count":2,"key":"vpn-gw-01","latest":{"hits":{"hits":[{"_id":"d4","_index":"test-index","_score":null,"_source":{"@timestamp":"2025-03-14T11:30:00Z"},"sort":[1741951800000]}],"max_score":null,"total":{"relation":"eq","value":2}}}}],"doc_count_error_upper_bound":0,"sum_other_doc_count":2}}`},
		{"runtime field", `{"hour":{"terms":{"field":"hour","order":{"_key":"asc"}}}}`,
			`{"hour":{"buckets":[{"doc_count":1,"key":10},{"doc_count":1,"key":11},{"doc_count":1,"key":12},{"doc_count":1,"key":23}],"doc_count_error_upper_bound":0,"sum_other_doc_count":0}}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := `{"size":0,"aggs":` + c.aggs + `}`
			if c.name == "runtime field" {
				body = `{"size":0,"runtime_mappings":{"hour":{"type":"long","script":{"source":"emit(doc['@timestamp'].value.getHour())"}}},"aggs":` + c.aggs + `}`
			}
			res := dslSearch(t, ix, body)
			got, _ := json.Marshal(res["aggregations"])
			if string(got) != c.want {
				t.Errorf("%s\n got  %s\n want %s", c.aggs, got, c.want)
			}
		})
	}
	// Aggregations count what the query matched, not the page.
	res := dslSearch(t, ix, `{"query":{"term":{"kibana.alert.workflow_status":"open"}},"size":1,"aggs":{"h":{"terms":{"field":"host.name"}}}}`)
	if got, _ := json.Marshal(res["aggregations"]); string(got) != `{"h":{"buckets":[{"doc_count":2,"key":"vpn-gw-01"}],"doc_count_error_upper_bound":0,"sum_other_doc_count":0}}` {
		t.Errorf("aggregations over the query %s", got)
	}
}

// TestDSLRefusesWhatItDoesNotEvaluate: every unsupported or malformed
// clause is a 400 that names it, never a silent match.
func TestDSLRefusesWhatItDoesNotEvaluate(t *testing.T) {
	ix := dslIndex()
	for _, c := range []struct{ body, want string }{
		{`{"query":{"query_string":{"query":"host.name:fs-01"}}}`, "[query_string] query is not supported"},
		{`{"query":{"nested":{"path":"x","query":{"match_all":{}}}}}`, "[nested] query is not supported"},
		{`{"query":{"bogus":{}}}`, "unknown query [bogus]"},
		{`{"query":{}}`, "query malformed, empty clause found"},
		{`{"query":{"term":{"a":"x"},"range":{"b":{"gte":1}}}}`, "[range] malformed query, expected [END_OBJECT]"},
		{`{"query":{"bool":{"shuold":[]}}}`, "[bool] query does not support [shuold]"},
		{`{"query":{"bool":{"filter":[{"bogus":{}}]}}}`, "unknown query [bogus]"},
		{`{"query":{"term":{"host.name":"a","user.name":"b"}}}`, "[term] query doesn't support multiple fields, found [host.name] and [user.name]"},
		{`{"query":{"term":{"host.name":["a","b"]}}}`, "[term] query does not support array of values"},
		{`{"query":{"terms":{"host.name":{"index":"x","id":"1","path":"p"}}}}`, "terms lookup of [terms] on [host.name] is not supported"},
		{`{"query":{"range":{"@timestamp":{"gte":"now-3x"}}}}`, "failed to parse date field [now-3x]"},
		{`{"query":{"range":{"@timestamp":{"from":"now-1d"}}}}`, "[range] query does not support [from]"},
		{`{"query":{"range":{"kibana.alert.risk_score":{"gte":"high"}}}}`, `For input string: "high"`},
		{`{"query":{"match":{"message":{"query":"x","fuzziness":"AUTO"}}}}`, "[fuzziness] in [match] is not supported"},
		{`{"query":{"wildcard":{"kibana.alert.risk_score":"9*"}}}`, "Can only use wildcard queries on keyword and text fields"},
		{`{"aggs":{"p":{"percentiles":{"field":"kibana.alert.risk_score"}}}}`, "the [percentiles] aggregation is not supported"},
		{`{"aggs":{"p":{"bogus":{"field":"x"}}}}`, "Unknown aggregation type [bogus]"},
		{`{"aggs":{"p":{"terms":{"field":"host.name","shard_min_doc_count":1}}}}`, "[terms] unknown field [shard_min_doc_count]"},
		{`{"aggs":{"p":{"terms":{"field":"message"}}}}`, "Fielddata is disabled on [message] in [test-index]"},
		{`{"aggs":{"p":{"terms":{"size":3}}}}`, "Required one of fields [field, script], but none were specified. in [p]"},
		{`{"aggs":{"p":{"terms":{"field":"host.name"},"max":{"field":"x"}}}}`, "Found two aggregation type definitions in [p]: [max] and [terms]"},
		{`{"aggs":{"p":{"date_histogram":{"field":"@timestamp","interval":"1d"}}}}`, "[date_histogram] unknown field [interval]"},
		{`{"aggs":{"p":{"max":{"field":"kibana.alert.risk_score"},"aggs":{"q":{"max":{"field":"x"}}}}}}`, "cannot accept sub-aggregations"},
		{`{"sort":[{"message":"asc"}]}`, "Fielddata is disabled on [message]"},
		{`{"sort":[{"nothing":"asc"}]}`, "No mapping found for [nothing] in order to sort on"},
		{`{"sort":[{"@timestamp":"up"}]}`, "Unknown SortOrder [up]"},
		{`{"size":10001}`, "Result window is too large, from + size must be less than or equal to: [10000] but was [10001]"},
		{`{"size":-1}`, "[size] parameter cannot be negative"},
		{`{"runtime_mappings":{"h":{"type":"long","script":"emit(params.x * 2)"}}}`, "the Painless script of runtime field [h]"},
		{`{"runtime_mappings":{"h":{"type":"geo_point"}}}`, "No handler for type [geo_point] declared on runtime field [h]"},
		{`{"search_after":[1]}`, "Unknown key for a START_OBJECT in [search_after]."},
	} {
		_, err := ix.Search(dslBody(t, c.body), dslNow)
		e, ok := err.(*Error)
		if !ok || e.Status != 400 || !strings.Contains(e.Error(), c.want) {
			t.Errorf("%s: %v, want a 400 with %q", c.body, err, c.want)
		}
	}
}

func TestDSLMatchingAndUpdates(t *testing.T) {
	ix := dslIndex()
	docs, err := ix.Matching(dslBody(t, `{"q":{"term":{"kibana.alert.workflow_status":"open"}}}`)["q"], dslNow)
	if err != nil || len(docs) != 2 {
		t.Fatalf("matching: %d docs, %v", len(docs), err)
	}
	// An update writes a flat key; the nested spelling d4 had stays, and
	// both are seen.
	docs[1].Set("kibana.alert.workflow_status", "closed")
	res := dslSearch(t, ix, `{"query":{"term":{"kibana.alert.workflow_status":"closed"}}}`)
	if got := hitIDs(res); !slices.Equal(got, []string{"d2", "d4"}) {
		t.Errorf("after the update closed are %v, want d2 d4", got)
	}
	if docs[1].Version != 2 {
		t.Errorf("version %d after one update, want 2", docs[1].Version)
	}
}

func TestDSLTokenizeAndGlob(t *testing.T) {
	if got := Tokenize("Failed login for j.morgan from 10.0.0.1, host FS-01!"); !slices.Equal(got, []string{"failed", "login", "for", "j.morgan", "from", "10.0.0.1", "host", "fs", "01"}) {
		t.Errorf("tokens %q", got)
	}
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{{"*", "", true}, {"a*c", "abbc", true}, {"a?c", "abc", true}, {"a?c", "ac", false}, {`a\*`, "a*", true}, {`a\*`, "ab", false}, {"kibana.*", "kibana.alert.uuid", true}} {
		if Glob(c.pattern, c.s) != c.want {
			t.Errorf("glob %q on %q, want %v", c.pattern, c.s, c.want)
		}
	}
}
