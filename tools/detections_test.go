package tools

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// TestDetectionArgumentChecks pins the rules the schemas cannot express,
// with the exact message the model reads.
func TestDetectionArgumentChecks(t *testing.T) {
	const ids = `"ids":["a1"]`
	cases := []struct{ tool, args, want string }{
		// The alerts search: query DSL slips Elasticsearch would answer with
		// a parse error.
		{"search_detection_alerts", `{"query":{}}`,
			`invalid argument "query": must hold a query clause, e.g. {"match_all":{}}; leave it out to match every alert`},
		{"search_detection_alerts", `{"query":{"query":{"match_all":{}}}}`,
			`invalid argument "query": is the query clause itself (bool, term, match…); do not wrap it in {"query": …}`},
		{"search_detection_alerts", `{"query":{"term":{"host.name":"web-01"},"range":{"@timestamp":{"gte":"now-1d"}}}}`,
			`invalid argument "query": must hold exactly one clause, not range, term; combine them in {"bool":{"filter":[…]}}`},
		{"search_detection_alerts", `{"aggs":{"by_host":"host.name"}}`,
			`invalid argument "aggs.by_host": must be an aggregation object, e.g. {"terms":{"field":"host.name"}}`},
		{"search_detection_alerts", `{"sort":[{"@timestamp":"desc","kibana.alert.risk_score":"desc"}]}`,
			`invalid argument "sort[0]": must name one field, e.g. {"@timestamp":"desc"}`},
		{"search_detection_alerts", `{"sort":["@timestamp"]}`,
			`invalid argument "sort[0]": must be an object, got "@timestamp"`},
		{"search_detection_alerts", `{"size":20000}`,
			`invalid argument "size": must be at most 10000, got 20000`},
		{"search_detection_alerts", `{"index":".alerts-security.alerts-default"}`,
			`invalid argument "index": is not a known argument; allowed: _source, aggs, fields, full, query, runtime_mappings, size, sort, space_id, track_total_hits`},
		// set_alert_status: exactly one of signal_ids and query.
		{"set_alert_status", `{"status":"closed"}`,
			`invalid argument "signal_ids": give signal_ids (alert _ids) or query to choose the alerts`},
		{"set_alert_status", `{"status":"closed","signal_ids":["a1"],"query":{"match_all":{}}}`,
			`invalid argument "query": give signal_ids or query, not both`},
		{"set_alert_status", `{"status":"open","signal_ids":["a1"],"reason":"false_positive"}`,
			`invalid argument "reason": is only for status "closed", not "open"`},
		{"set_alert_status", `{"status":"closed","signal_ids":["a1"],"conflicts":"proceed"}`,
			`invalid argument "conflicts": is only for a query; leave it out with signal_ids`},
		{"set_alert_status", `{"status":"closed","query":{}}`,
			`invalid argument "query": must hold a query clause, e.g. {"match_all":{}}; leave it out to match every alert`},
		{"set_alert_status", `{"status":"resolved","signal_ids":["a1"]}`,
			`invalid argument "status": must be one of "open", "acknowledged", "closed", got "resolved"`},
		{"set_alert_status", `{"status":"closed","signal_ids":[]}`,
			`invalid argument "signal_ids": must have at least 1 items, got 0`},
		// set_alert_tags and set_alert_assignees: a change, not a contradiction.
		{"set_alert_tags", `{` + ids + `,"tags":{}}`,
			`invalid argument "tags": give at least one tag in tags_to_add or tags_to_remove`},
		{"set_alert_tags", `{` + ids + `,"tags":{"tags_to_add":["fp"],"tags_to_remove":["fp"]}}`,
			`invalid argument "tags.tags_to_remove": also names "fp", which tags_to_add adds; a tag cannot be added and removed at once`},
		{"set_alert_tags", `{` + ids + `}`,
			`invalid argument "tags": is required`},
		{"set_alert_tags", `{"ids":[],"tags":{"tags_to_add":["fp"]}}`,
			`invalid argument "ids": must have at least 1 items, got 0`},
		{"set_alert_tags", `{` + ids + `,"tags":{"tags_to_add":[""]}}`,
			`invalid argument "tags.tags_to_add[0]": must not be empty`},
		{"set_alert_tags", `{` + ids + `,"tags":{"add":["fp"]}}`,
			`invalid argument "tags.add": is not a known argument; allowed: tags_to_add, tags_to_remove`},
		{"set_alert_assignees", `{` + ids + `,"assignees":{"add":[],"remove":[]}}`,
			`invalid argument "assignees": give at least one user in add or remove`},
		{"set_alert_assignees", `{` + ids + `,"assignees":{"add":["u_1"],"remove":["u_1"]}}`,
			`invalid argument "assignees.remove": also names "u_1", which add adds; a user cannot be added and removed at once`},
		// Reading one rule takes one identifier.
		{"get_detection_rule", `{}`,
			`invalid argument "id": give id or rule_id to name the rule`},
		{"get_detection_rule", `{"id":"94e80e20-cb5a-11ee-b8f3-8b4e5c0e6d2a","rule_id":"r1"}`,
			`invalid argument "rule_id": give id or rule_id, not both`},
		// Migrations need ids.
		{"finalize_alerts_migration", `{"migration_ids":[]}`,
			`invalid argument "migration_ids": must have at least 1 items, got 0`},
	}
	for _, c := range cases {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestDetectionRequests pins what reaches Kibana for the bulk changes and
// the search: the lists Kibana requires are filled in, and the query DSL
// goes through as given.
func TestDetectionRequests(t *testing.T) {
	for _, c := range []struct{ tool, args, method, path, query, body string }{
		{"search_detection_alerts", `{}`, "POST", "/api/detection_engine/signals/search", "",
			`{"size":10,"_source":["@timestamp","kibana.alert.rule.name","kibana.alert.rule.uuid","kibana.alert.severity","kibana.alert.risk_score","kibana.alert.workflow_status","kibana.alert.reason","host.name","user.name"]}`},
		{"search_detection_alerts", `{"full":true}`, "POST", "/api/detection_engine/signals/search", "", `{"size":10}`},
		{"search_detection_alerts",
			`{"query":{"bool":{"filter":[{"term":{"kibana.alert.workflow_status":"open"}}]}},"aggs":{"by_rule":{"terms":{"field":"kibana.alert.rule.name"}}},"size":0,"sort":[{"@timestamp":"desc"}],"_source":["host.name"],"track_total_hits":true}`,
			"POST", "/api/detection_engine/signals/search", "",
			`{"query":{"bool":{"filter":[{"term":{"kibana.alert.workflow_status":"open"}}]}},"aggs":{"by_rule":{"terms":{"field":"kibana.alert.rule.name"}}},"size":0,"sort":[{"@timestamp":"desc"}],"_source":["host.name"],"track_total_hits":true}`},
		{"set_alert_status", `{"status":"acknowledged","signal_ids":["a1","a2"]}`,
			"POST", "/api/detection_engine/signals/status", "", `{"status":"acknowledged","signal_ids":["a1","a2"]}`},
		{"set_alert_status", `{"status":"closed","reason":"false_positive","query":{"term":{"host.name":"build-07"}},"conflicts":"proceed"}`,
			"POST", "/api/detection_engine/signals/status", "", `{"status":"closed","query":{"term":{"host.name":"build-07"}},"reason":"false_positive","conflicts":"proceed"}`},
		{"set_alert_tags", `{"ids":["a1"],"tags":{"tags_to_add":["phishing"]}}`,
			"POST", "/api/detection_engine/signals/tags", "", `{"ids":["a1"],"tags":{"tags_to_add":["phishing"],"tags_to_remove":[]}}`},
		{"set_alert_assignees", `{"ids":["a1"],"assignees":{"remove":["u_1"]}}`,
			"POST", "/api/detection_engine/signals/assignees", "", `{"ids":["a1"],"assignees":{"add":[],"remove":["u_1"]}}`},
		{"get_detection_rule", `{"rule_id":"bfeaf89b"}`, "GET", "/api/detection_engine/rules", "rule_id=bfeaf89b", ""},
		{"get_alerts_migration_status", `{"from":"now-30d"}`, "GET", "/api/detection_engine/signals/migration_status", "from=now-30d", ""},
		{"delete_alerts_migration", `{"migration_ids":["m1"]}`, "DELETE", "/api/detection_engine/signals/migration", "", `{"migration_ids":["m1"]}`},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Fatalf("%s %s: %v", c.tool, c.args, err)
		}
		if req.Method != c.method || req.Path != c.path || req.Query.Encode() != c.query || string(req.Body) != c.body {
			t.Errorf("%s %s:\n got  %s %s ?%s %s\n want %s %s ?%s %s", c.tool, c.args, req.Method, req.Path, req.Query.Encode(), req.Body, c.method, c.path, c.query, c.body)
		}
	}
}

// TestFindPagesDefaultSmall: detection rules (3 to 8 KB each) default to
// 10 a page, anonymization fields to 20; a per_page the model gives wins.
func TestFindPagesDefaultSmall(t *testing.T) {
	for _, c := range []struct{ tool, args, want string }{
		{"find_detection_rules", `{}`, "per_page=10"},
		{"find_detection_rules", `{"filter":"alert.attributes.enabled:true","per_page":50,"page":2}`, "filter=alert.attributes.enabled%3Atrue&page=2&per_page=50"},
		{"find_anonymization_fields", `{}`, "per_page=20"},
		{"find_anonymization_fields", `{"per_page":5}`, "per_page=5"},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Fatalf("%s %s: %v", c.tool, c.args, err)
		}
		if got := req.Query.Encode(); got != c.want {
			t.Errorf("%s %s: query %q, want %q", c.tool, c.args, got, c.want)
		}
	}
}

// TestReadOnlyClientLetsAlertSearchThrough: the alerts search is a POST
// that reads, so a read-only client sends it (in any space), while a status
// change is refused before it leaves.
func TestReadOnlyClientLetsAlertSearchThrough(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"hits":{"hits":[]}}`)
	}))
	defer srv.Close()
	client, err := kibana.New(kibana.Config{URL: srv.URL, ReadOnly: true, ReadRoutes: serve.ReadRoutes(Catalog), MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	send := func(tool, arguments string) error {
		req, err := mustLookup(t, tool).Bind(args(t, arguments))
		if err != nil {
			t.Fatalf("%s: %v", tool, err)
		}
		_, err = client.Do(context.Background(), req)
		return err
	}
	if err := send("search_detection_alerts", `{"size":1,"full":true}`); err != nil {
		t.Errorf("search refused by the read-only client: %v", err)
	}
	if err := send("search_detection_alerts", `{"size":1,"full":true,"space_id":"soc"}`); err != nil {
		t.Errorf("search in a space refused by the read-only client: %v", err)
	}
	for _, c := range []struct{ tool, args string }{
		{"set_alert_status", `{"status":"closed","signal_ids":["a1"]}`},
		{"set_alert_tags", `{"ids":["a1"],"tags":{"tags_to_add":["fp"]}}`},
		{"sync_ml_saved_objects", `{}`},
	} {
		if err := send(c.tool, c.args); !errors.Is(err, kibana.ErrReadOnly) {
			t.Errorf("%s: got %v, want kibana.ErrReadOnly", c.tool, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		`POST /api/detection_engine/signals/search {"size":1}`,
		`POST /s/soc/api/detection_engine/signals/search {"size":1}`,
	}
	if len(seen) != len(want) || seen[0] != want[0] || seen[1] != want[1] {
		t.Errorf("Kibana received %q, want %q", seen, want)
	}
}

// TestDetectionAnnotations pins the hints clients decide confirmation by.
func TestDetectionAnnotations(t *testing.T) {
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, openWorld
		"search_detection_alerts":   {true, false, true, false},
		"set_alert_status":          {false, true, true, false},
		"set_alert_tags":            {false, true, true, false},
		"set_alert_assignees":       {false, true, true, false},
		"create_alerts_migration":   {false, false, false, false},
		"finalize_alerts_migration": {false, true, true, false},
		"delete_alerts_migration":   {false, true, true, false},
		"sync_ml_saved_objects":     {false, false, true, false},
	} {
		a := mustLookup(t, name).Annotations()
		got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
		if got != want {
			t.Errorf("%s: hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", name, got, want)
		}
	}
}

// TestSearchDetectionAlertsFields: fields come back beside the summary.
func TestSearchDetectionAlertsFields(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "search_detection_alerts", `{"size":1,"fields":["host.name"]}`)
	if isErr || !strings.Contains(texts[0], `"fields":{"host.name":["`) {
		t.Errorf("no fields in the hits: %q", texts)
	}
}
