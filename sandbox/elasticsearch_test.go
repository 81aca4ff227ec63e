package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

var evNow = time.Date(2026, 12, 15, 12, 0, 0, 0, time.UTC)

func evSandbox() *Kibana {
	return New(Config{APIKey: testKey, Username: "elastic", Password: "changeme", Seed: 7, Now: func() time.Time { return evNow }})
}

// esql runs a query through /_es/_query and returns its rows as maps.
func esqlRows(t *testing.T, k *Kibana, query string, params ...any) []map[string]any {
	t.Helper()
	body := map[string]any{"query": query}
	if len(params) > 0 {
		body["params"] = params
	}
	b, _ := json.Marshal(body)
	status, out := do(t, k, "POST", "/_es/_query", string(b), nil)
	if status != 200 {
		t.Fatalf("%s: %d %v", query, status, out)
	}
	cols := out["columns"].([]any)
	var rows []map[string]any
	for _, v := range out["values"].([]any) {
		row := map[string]any{}
		for i, c := range cols {
			row[c.(map[string]any)["name"].(string)] = v.([]any)[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

// storyAlertBy finds a seeded alert of a rule in a space.
func storyAlertsOf(k *Kibana, spaceID, ruleID string) []storyAlert {
	var out []storyAlert
	for _, a := range storyAlerts(k.spaces[spaceID]) {
		if a.ruleID == ruleID {
			out = append(out, a)
		}
	}
	return out
}

func TestEventsBehindTheBruteForce(t *testing.T) {
	k := evSandbox()
	for _, tc := range []struct{ space, host, user string }{{"default", "vpn-gw-01", "svc-backup"}, {"soc", "portal-web-01", "customer-ops"}} {
		var success *storyAlert
		for _, a := range storyAlertsOf(k, tc.space, "brute-force-logins") {
			if a.outcome == "success" {
				success = &a
			}
		}
		if success == nil || success.user != tc.user {
			t.Fatalf("%s: no success alert for %s", tc.space, tc.user)
		}
		at := success.at.Format(time.RFC3339Nano)
		// Failed logins on the host before the alert, from the attackers.
		rows := esqlRows(t, k, `FROM logs-system.auth-* | WHERE host.name == ?1 AND event.outcome == "failure" AND @timestamp < TO_DATETIME(?2) AND @timestamp > TO_DATETIME(?2) - 1 hour | STATS n = COUNT(*), users = COUNT_DISTINCT(user.name)`, tc.host, at)
		if n := num(rows[0]["n"]); n < 20 {
			t.Errorf("%s: %d failed logins in the hour before the success", tc.space, n)
		}
		// The success itself, at the alert's original time, and the failures
		// for the same account from the same source right before it.
		rows = esqlRows(t, k, `FROM logs-system.auth-default METADATA _id, _index | WHERE user.name == ?1 AND host.name == ?2 | SORT @timestamp DESC | LIMIT 200`, tc.user, tc.host)
		var sawSuccess, failuresBefore int
		for _, r := range rows {
			ts, _ := time.Parse(time.RFC3339Nano, r["@timestamp"].(string))
			if r["event.outcome"] == "success" && r["_id"] == success.eventID {
				sawSuccess++
				if !ts.Equal(success.at) || r["source.ip"] != success.sourceIP || !strings.HasPrefix(r["_index"].(string), ".ds-logs-system.auth-default-") {
					t.Errorf("%s: success event %v does not match its alert (%s from %s)", tc.space, r, success.at, success.sourceIP)
				}
			}
			if r["event.outcome"] == "failure" && ts.Before(success.at) && success.at.Sub(ts) < 10*time.Minute && r["source.ip"] == success.sourceIP {
				failuresBefore++
			}
		}
		if sawSuccess != 1 || failuresBefore < 5 {
			t.Errorf("%s: success seen %d times, %d failures for %s from %s in the 10 minutes before", tc.space, sawSuccess, failuresBefore, tc.user, success.sourceIP)
		}
	}
	// The default space's attackers.
	rows := esqlRows(t, k, `FROM logs-system.auth-* | WHERE host.name == "vpn-gw-01" AND event.outcome == "failure" AND CIDR_MATCH(source.ip, "203.0.113.0/24") | STATS n = COUNT(*) BY source.ip | SORT source.ip`)
	if len(rows) != 2 || rows[0]["source.ip"] != "203.0.113.23" || rows[1]["source.ip"] != "203.0.113.77" {
		t.Errorf("attackers: %v", rows)
	}
}

func TestEveryAlertHasItsSourceEvent(t *testing.T) {
	k := evSandbox()
	n := 0
	for _, sp := range []string{"default", "soc"} {
		for _, d := range k.spaces[sp].alerts.index.Docs {
			anc := d.Source["kibana.alert.ancestors"].([]any)[0].(map[string]any)
			path := "/_es/" + url.PathEscape(anc["index"].(string)) + "/_doc/" + url.PathEscape(anc["id"].(string))
			status, out := do(t, k, "GET", path, "", nil)
			if status != 200 || out["found"] != true {
				t.Fatalf("%s: %d %v", path, status, out)
			}
			src := out["_source"].(map[string]any)
			host := d.Source["host"].(map[string]any)["name"]
			if src["host"].(map[string]any)["name"] != host || src["@timestamp"] != d.Source["kibana.alert.original_time"] {
				t.Errorf("%s: event %v/%v, alert %v/%v", path, src["host"], src["@timestamp"], host, d.Source["kibana.alert.original_time"])
			}
			n++
		}
	}
	if n < 60 {
		t.Errorf("only %d alerts checked", n)
	}
}

func TestEventsOfTheOtherStories(t *testing.T) {
	k := evSandbox()
	// The encoded PowerShell's tree on ws-0142: explorer → outlook →
	// winword → powershell -enc, joined by entity ids.
	procs := esqlRows(t, k, `FROM logs-endpoint.events.process-* | WHERE host.name == "ws-0142" | KEEP @timestamp, process.name, process.entity_id, process.parent.entity_id, process.parent.name, process.command_line | SORT @timestamp | LIMIT 1000`)
	byEntity := map[string]map[string]any{}
	for _, p := range procs {
		if id, ok := p["process.entity_id"].(string); ok {
			byEntity[id] = p
		}
	}
	chains := 0
	for _, p := range procs {
		if p["process.name"] != "powershell.exe" || !strings.Contains(p["process.command_line"].(string), "-enc ") {
			continue
		}
		var names []string
		for cur := p; cur != nil; cur = byEntity[fmt.Sprint(cur["process.parent.entity_id"])] {
			names = append(names, cur["process.name"].(string))
			if len(names) > 5 {
				break
			}
		}
		if strings.Join(names, "<") != "powershell.exe<WINWORD.EXE<OUTLOOK.EXE<explorer.exe" {
			t.Errorf("process tree: %v", names)
		}
		chains++
	}
	if want := len(storyAlertsOf(k, "default", "suspicious-powershell")); chains != want {
		t.Errorf("%d encoded PowerShell starts, %d alerts", chains, want)
	}
	// Mass renames on fs-02 by the encryptor, and its start before them.
	rows := esqlRows(t, k, `FROM logs-endpoint.events.file-* | WHERE host.name == "fs-02" AND event.action == "rename" AND file.extension == "locked" | STATS n = COUNT(*), first = MIN(@timestamp), users = VALUES(user.name)`)
	if num(rows[0]["n"]) < 300 || rows[0]["users"] != "svc-backup" {
		t.Errorf("renames on fs-02: %v", rows)
	}
	first := rows[0]["first"].(string)
	rows = esqlRows(t, k, `FROM logs-endpoint.events.process-* | WHERE host.name == "fs-02" AND process.name IN ("svchost32.exe", "vssadmin.exe") | SORT @timestamp | KEEP @timestamp, process.name`)
	if len(rows) != 2 || rows[0]["process.name"] != "svchost32.exe" || rows[0]["@timestamp"].(string) > first {
		t.Errorf("processes on fs-02: %v (first rename %s)", rows, first)
	}
	// Long TXT queries from build-03 to the tunnel domain, around each alert.
	rows = esqlRows(t, k, `FROM logs-network_traffic.dns-* | WHERE host.name == "build-03" AND LENGTH(dns.question.name) > 40 | STATS n = COUNT(*), domains = VALUES(dns.question.registered_domain)`)
	if num(rows[0]["n"]) < 150 || rows[0]["domains"] != "cdn-sync.net" {
		t.Errorf("tunnel queries: %v", rows)
	}
	// Nothing from the future; every stream has events.
	rows = esqlRows(t, k, `FROM logs-* METADATA _index | STATS n = COUNT(*), newest = MAX(@timestamp) BY data_stream.dataset | SORT data_stream.dataset`)
	if len(rows) != len(eventStreams) {
		t.Errorf("datasets: %v", rows)
	}
	total := 0
	for _, r := range rows {
		total += num(r["n"])
		if r["newest"].(string) > evNow.Format(time.RFC3339) {
			t.Errorf("%v: event after the sandbox's now", r)
		}
	}
	if total < 500 || total > 5000 {
		t.Errorf("%d events", total)
	}
}

func TestEventsAreDeterministic(t *testing.T) {
	q := `FROM logs-* METADATA _id | SORT @timestamp DESC, _id | KEEP _id, @timestamp, host.name, message | LIMIT 50`
	a, b := esqlRows(t, evSandbox(), q), esqlRows(t, evSandbox(), q)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed and clock gave different events")
	}
	other := New(Config{APIKey: testKey, Seed: 8, Now: func() time.Time { return evNow }})
	if reflect.DeepEqual(a, esqlRows(t, other, q)) {
		t.Error("another seed gave the same events")
	}
}

func TestESQueryAPI(t *testing.T) {
	k := evSandbox()
	// filter, named params, columnar
	from := evNow.Add(-80 * time.Hour).Format(time.RFC3339)
	body := fmt.Sprintf(`{"query": "FROM logs-system.auth-* | WHERE user.name == ?u | STATS n = COUNT(*) BY event.outcome | SORT event.outcome", "params": [{"u": "svc-backup"}], "filter": {"range": {"@timestamp": {"gte": %q, "lte": "now"}}}, "columnar": true}`, from)
	status, out := do(t, k, "POST", "/_es/_query", body, nil)
	if status != 200 {
		t.Fatalf("%d %v", status, out)
	}
	if _, ok := out["took"]; !ok || out["is_partial"] != false {
		t.Errorf("answer: %v", out)
	}
	cols := out["columns"].([]any)
	if cols[0].(map[string]any)["name"] != "n" || cols[0].(map[string]any)["type"] != "long" {
		t.Errorf("columns: %v", cols)
	}
	vals := out["values"].([]any)
	if len(vals) != 2 || fmt.Sprint(vals[1]) != "[failure success]" {
		t.Errorf("columnar values: %v", vals)
	}
	// A filter that excludes everything.
	status, out = do(t, k, "POST", "/_es/_query", `{"query": "FROM logs-* | STATS n = COUNT(*)", "filter": {"range": {"@timestamp": {"gte": "now+1d"}}}}`, nil)
	if status != 200 || fmt.Sprint(out["values"]) != "[[0]]" {
		t.Errorf("future filter: %d %v", status, out)
	}
	// Errors in Elasticsearch's format.
	for _, tc := range []struct{ body, typ, reason string }{
		{`{"query": "FROM logs-* | WHERE"}`, "parsing_exception", "line 1:"},
		{`{"query": "FROM logs-* | WHERE no_such_field == 1"}`, "verification_exception", "Unknown column [no_such_field]"},
		{`{"query": "FROM nope"}`, "verification_exception", "Unknown index [nope]"},
		{`{"query": "FROM logs-*", "filter": {"bogus": {}}}`, "parsing_exception", ""},
		{`{"query": "FROM logs-*", "pipeline": 1}`, "x_content_parse_exception", "unknown field [pipeline]"},
		{`{}`, "parsing_exception", ""},
	} {
		status, out := do(t, k, "POST", "/_es/_query", tc.body, nil)
		e, _ := out["error"].(map[string]any)
		if status != 400 || e == nil || e["type"] != tc.typ || !strings.Contains(fmt.Sprint(e["reason"]), tc.reason) || num(out["status"]) != 400 {
			t.Errorf("%s: %d %v", tc.body, status, out)
		}
		if rc, _ := e["root_cause"].([]any); len(rc) != 1 {
			t.Errorf("%s: root_cause %v", tc.body, e["root_cause"])
		}
	}
	// The alerts are there too, under their alias.
	rows := esqlRows(t, k, `FROM .alerts-security.alerts-default | STATS n = COUNT(*)`)
	if num(rows[0]["n"]) < 30 {
		t.Errorf("alerts: %v", rows)
	}
}

// TestESQLTypesAgreeWithFieldCaps: ES|QL's columns have the types field
// caps give (message as text, addresses as ip), for the event streams and
// the alerts index; a field field caps types two ways is unsupported.
func TestESQLTypesAgreeWithFieldCaps(t *testing.T) {
	k := evSandbox()
	for _, target := range []string{"logs-*", ".alerts-security.alerts-default"} {
		status, caps := do(t, k, "GET", "/_es/"+target+"/_field_caps?fields=*", "", nil)
		if status != 200 {
			t.Fatalf("%s field caps: %d %v", target, status, caps)
		}
		b, _ := json.Marshal(map[string]any{"query": "FROM " + target + " | LIMIT 0"})
		status, out := do(t, k, "POST", "/_es/_query", string(b), nil)
		if status != 200 {
			t.Fatalf("%s: %d %v", target, status, out)
		}
		fields := caps["fields"].(map[string]any)
		for _, c := range out["columns"].([]any) {
			col := c.(map[string]any)
			name, typ := col["name"].(string), col["type"].(string)
			byType, _ := fields[name].(map[string]any)
			want := "unsupported"
			if len(byType) == 1 {
				for want = range byType {
				}
			}
			if typ != want {
				t.Errorf("%s: ES|QL types %s as %s, field caps as %v", target, name, typ, byType)
			}
		}
	}
	if rows := esqlRows(t, k, `FROM logs-system.auth-* | WHERE message LIKE "Failed password*" | STATS n = COUNT(*)`); len(rows) != 1 || num(rows[0]["n"]) == 0 {
		t.Errorf("a text message in WHERE: %v", rows)
	}
}

func TestESFieldCapsResolveDocSearch(t *testing.T) {
	k := evSandbox()
	status, out := do(t, k, "GET", "/_es/logs-*/_field_caps?fields=*", "", nil)
	if status != 200 {
		t.Fatalf("%d %v", status, out)
	}
	fields := out["fields"].(map[string]any)
	for f, typ := range map[string]string{"@timestamp": "date", "source.ip": "ip", "destination.port": "long", "process.pid": "long", "message": "text", "event.category": "keyword", "dns.question.name": "keyword", "host": "object", "_id": "_id"} {
		caps, _ := fields[f].(map[string]any)
		if caps[typ] == nil || caps[typ].(map[string]any)["type"] != typ {
			t.Errorf("%s: %v, want %s", f, fields[f], typ)
		}
	}
	if len(out["indices"].([]any)) != len(eventStreams) {
		t.Errorf("indices: %v", out["indices"])
	}
	status, out = do(t, k, "POST", "/_es/logs-system.auth-default/_field_caps", `{"fields": ["user.*"]}`, nil)
	if status != 200 || len(out["fields"].(map[string]any)) != 3 { // user.name, user.domain, user.id
		t.Errorf("user.*: %d %v", status, out)
	}
	if status, out = do(t, k, "GET", "/_es/logs-*/_field_caps", "", nil); status != 400 {
		t.Errorf("no fields: %d %v", status, out)
	}
	if status, out = do(t, k, "GET", "/_es/nope/_field_caps?fields=*", "", nil); status != 404 || out["error"].(map[string]any)["type"] != "index_not_found_exception" {
		t.Errorf("unknown index: %d %v", status, out)
	}

	status, out = do(t, k, "GET", "/_es/_resolve/index/logs-*", "", nil)
	streams := out["data_streams"].([]any)
	if status != 200 || len(streams) != len(eventStreams) || len(out["indices"].([]any)) != 0 {
		t.Fatalf("resolve logs-*: %d %v", status, out)
	}
	var ds map[string]any
	for _, s := range streams {
		if s.(map[string]any)["name"] == "logs-system.auth-default" {
			ds = s.(map[string]any)
		}
	}
	if ds["name"] != "logs-system.auth-default" || ds["timestamp_field"] != "@timestamp" || !strings.HasPrefix(ds["backing_indices"].([]any)[0].(string), ".ds-logs-system.auth-default-2026.12.07-") {
		t.Errorf("data stream: %v", ds)
	}
	status, out = do(t, k, "GET", "/_es/_resolve/index/.alerts-security*,.ds-logs-system.a*", "", nil)
	if status != 200 || len(out["aliases"].([]any)) != 2 || len(out["indices"].([]any)) != 1 {
		t.Errorf("resolve hidden: %d %v", status, out)
	}
	if status, _ = do(t, k, "GET", "/_es/_resolve/index/nope", "", nil); status != 404 {
		t.Errorf("resolve unknown: %d", status)
	}

	status, out = do(t, k, "GET", "/_es/logs-system.auth-default/_doc/nope", "", nil)
	if status != 404 || out["found"] != false {
		t.Errorf("missing doc: %d %v", status, out)
	}
	status, out = do(t, k, "POST", "/_es/logs-*/_search", `{"query": {"bool": {"filter": [{"term": {"user.name": "svc-backup"}}, {"term": {"event.outcome": "success"}}, {"term": {"event.category": "authentication"}}]}}, "size": 3, "sort": [{"@timestamp": "desc"}]}`, nil)
	if status != 200 {
		t.Fatalf("search: %d %v", status, out)
	}
	hits := out["hits"].(map[string]any)["hits"].([]any)
	// the newest: svc-backup's logons, on the gateway (system.auth) and,
	// in the default space, on the file server after it (system.security)
	if len(hits) == 0 || !strings.HasPrefix(hits[0].(map[string]any)["_index"].(string), ".ds-logs-system.") {
		t.Errorf("hits: %v", hits)
	}
	if status, out = do(t, k, "GET", "/_es/", "", nil); status != 200 || out["version"].(map[string]any)["number"] != esVersion {
		t.Errorf("info: %d %v", status, out)
	}
}

func TestESIsReadOnlyAndAuthenticated(t *testing.T) {
	k := evSandbox()
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"PUT", "/_es/logs-system.auth-default/_doc/1", 405},
		{"DELETE", "/_es/logs-system.auth-default/_doc/1", 405},
		{"POST", "/_es/logs-system.auth-default/_doc", 400},
		{"DELETE", "/_es/logs-system.auth-default", 400},
		{"PUT", "/_es/new-index", 400},
		{"POST", "/_es/_bulk", 400},
		{"POST", "/_es/logs-*/_update_by_query", 400},
		{"POST", "/_es/logs-*/_delete_by_query", 400},
		{"GET", "/_es/_query", 405},
		{"POST", "/_es/_query/../_bulk", 400},
		{"POST", "/_es/_query/%2e%2e/_bulk", 400},
	} {
		status, out := do(t, k, tc.method, tc.path, `{}`, nil)
		if status != tc.status || out["error"] == nil {
			t.Errorf("%s %s: %d %v", tc.method, tc.path, status, out)
		}
	}
	// 401 without the right credentials, on the prefix and the handler.
	srv := httptest.NewServer(k.Elasticsearch())
	defer srv.Close()
	for _, auth := range []string{"", "ApiKey wrong", "Basic " + "ZWxhc3RpYzp3cm9uZw=="} {
		req, _ := http.NewRequest("POST", srv.URL+"/_query", strings.NewReader(`{"query": "FROM logs-* | LIMIT 1"}`))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 401 || body["error"].(map[string]any)["type"] != "security_exception" {
			t.Errorf("auth %q: %d %v", auth, resp.StatusCode, body)
		}
	}
	if status, _ := do(t, k, "POST", "/_es/_query", `{"query": "FROM logs-* | LIMIT 1"}`, map[string]string{"Authorization": ""}); status != 401 {
		t.Errorf("prefix without credentials: %d", status)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/_query", strings.NewReader(`{"query": "FROM logs-* | LIMIT 1"}`))
	req.SetBasicAuth("elastic", "changeme")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("basic auth: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
}

// tool runs an Agent Builder tool in a space.
func tool(t *testing.T, k *Kibana, space, id string, params any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"tool_id": id, "tool_params": params})
	prefix := ""
	if space != "default" {
		prefix = "/s/" + space
	}
	return do(t, k, "POST", prefix+"/api/agent_builder/tools/_execute", string(b), nil)
}

func results(out map[string]any) []map[string]any {
	var rs []map[string]any
	list, _ := out["results"].([]any)
	for _, r := range list {
		rs = append(rs, r.(map[string]any))
	}
	return rs
}

func TestAgentBuilderTools(t *testing.T) {
	k := evSandbox()
	for _, space := range []string{"default", "soc"} {
		status, out := tool(t, k, space, "platform.core.execute_esql", map[string]any{"query": `FROM logs-endpoint.events.file-* | WHERE event.action == "rename" | STATS n = COUNT(*) BY host.name | SORT n DESC`})
		rs := results(out)
		if status != 200 || len(rs) != 2 || rs[0]["type"] != "query" || rs[1]["type"] != "tabular_data" || len(rs[1]["tool_result_id"].(string)) != 6 {
			t.Fatalf("%s execute_esql: %d %v", space, status, out)
		}
		data := rs[1]["data"].(map[string]any)
		if data["source"] != "esql" || len(data["columns"].([]any)) != 2 || len(data["values"].([]any)) != 2 {
			t.Errorf("tabular data: %v", data)
		}
	}
	status, out := tool(t, k, "default", "platform.core.execute_esql", map[string]any{"query": "FROM logs-* | WHERE nope == 1"})
	rs := results(out)
	if status != 200 || len(rs) != 1 || rs[0]["type"] != "error" {
		t.Fatalf("esql error: %d %v", status, out)
	}
	meta := rs[0]["data"].(map[string]any)["metadata"].(map[string]any)
	if !strings.Contains(rs[0]["data"].(map[string]any)["message"].(string), "verification_exception") || meta["error"].(map[string]any)["error"].(map[string]any)["type"] != "verification_exception" {
		t.Errorf("esql error data: %v", rs[0]["data"])
	}

	status, out = tool(t, k, "default", "platform.core.list_indices", map[string]any{"pattern": "logs-*"})
	rs = results(out)
	if status != 200 || rs[0]["type"] != "other" || len(rs[0]["data"].(map[string]any)["data_streams"].([]any)) != len(eventStreams) || len(rs[0]["data"].(map[string]any)["indices"].([]any)) != 0 {
		t.Errorf("list_indices: %d %v", status, out)
	}
	if status, out = tool(t, k, "default", "platform.core.list_indices", map[string]any{}); status != 200 || len(results(out)[0]["data"].(map[string]any)["data_streams"].([]any)) != len(eventStreams) {
		t.Errorf("list_indices default pattern: %d %v", status, out)
	}

	status, out = tool(t, k, "default", "platform.core.get_index_mapping", map[string]any{"indices": []string{"logs-network_traffic.dns-default"}})
	rs = results(out)
	if status != 200 || rs[0]["data"].(map[string]any)["type"] != "index_mappings_response" {
		t.Fatalf("get_index_mapping: %d %v", status, out)
	}
	for _, m := range rs[0]["data"].(map[string]any)["mappings"].(map[string]any) {
		props := m.(map[string]any)["mappings"].(map[string]any)["properties"].(map[string]any)
		dns := props["dns"].(map[string]any)["properties"].(map[string]any)["question"].(map[string]any)["properties"].(map[string]any)
		if dns["name"].(map[string]any)["type"] != "keyword" || props["@timestamp"].(map[string]any)["type"] != "date" {
			t.Errorf("mapping: %v", props)
		}
	}

	a := storyAlertsOf(k, "default", "brute-force-logins")[0]
	status, out = tool(t, k, "default", "platform.core.get_document_by_id", map[string]any{"id": a.eventID, "index": "logs-system.auth-default"})
	rs = results(out)
	if status != 200 || rs[0]["type"] != "resource" || rs[0]["data"].(map[string]any)["content"].(map[string]any)["host"].(map[string]any)["name"] != "vpn-gw-01" {
		t.Errorf("get_document_by_id: %d %v", status, out)
	}
	status, out = tool(t, k, "default", "platform.core.get_document_by_id", map[string]any{"id": "nope", "index": "logs-system.auth-default"})
	if rs = results(out); status != 200 || rs[0]["type"] != "error" {
		t.Errorf("missing document: %d %v", status, out)
	}

	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"tool_id": "platform.core.nope", "tool_params": {}}`, 404},
		{`{"tool_id": "platform.core.execute_esql", "tool_params": {}}`, 400},
		{`{"tool_id": "platform.core.execute_esql", "tool_params": {"query": 1}}`, 400},
		{`{"tool_id": "platform.core.execute_esql", "tool_params": {"query": "ROW a = 1", "extra": 1}}`, 400},
		{`{"tool_id": "platform.core.get_index_mapping", "tool_params": {"indices": []}}`, 400},
		{`{"tool_id": "platform.core.execute_esql"}`, 400},
		{`{"tool_params": {}}`, 400},
		{`{"tool_id": "platform.core.execute_esql", "tool_params": {"query": "ROW a = 1"}, "other": 1}`, 400},
	} {
		status, out := do(t, k, "POST", "/api/agent_builder/tools/_execute", tc.body, nil)
		if status != tc.status || out["message"] == nil {
			t.Errorf("%s: %d %v", tc.body, status, out)
		}
	}
}

func TestConsoleProxy(t *testing.T) {
	k := evSandbox()
	proxy := func(method, path, body string) (int, map[string]any) {
		return do(t, k, "POST", "/api/console/proxy?method="+method+"&path="+url.QueryEscape(path), body, nil)
	}
	status, out := proxy("POST", "/_query", `{"query": "FROM logs-system.auth-* | STATS n = COUNT(*)"}`)
	if status != 200 || out["columns"] == nil {
		t.Errorf("_query: %d %v", status, out)
	}
	if status, out = proxy("GET", "_resolve/index/logs-*", ""); status != 200 || len(out["data_streams"].([]any)) != len(eventStreams) {
		t.Errorf("resolve: %d %v", status, out)
	}
	if status, out = proxy("GET", "/logs-*/_field_caps?fields=host.*", ""); status != 200 || out["fields"] == nil {
		t.Errorf("field caps: %d %v", status, out)
	}
	if status, out = proxy("POST", "/_query", `{"query": "FROM nope"}`); status != 400 || out["error"].(map[string]any)["type"] != "verification_exception" {
		t.Errorf("ES error passed on: %d %v", status, out)
	}
	if status, out = proxy("GET", "/logs-*/_doc/nope", ""); status != 404 || out["found"] != false {
		t.Errorf("missing doc passed on: %d %v", status, out)
	}
	for _, tc := range [][2]string{
		{"PUT", "/logs-system.auth-default/_doc/1"},
		{"DELETE", "/logs-system.auth-default"},
		{"DELETE", "/logs-system.auth-default/_doc/1"},
		{"POST", "/_bulk"},
		{"POST", "/logs-*/_update_by_query"},
		{"POST", "/logs-*/_doc"},
		{"GET", "/_query"},
		{"POST", "/_query/../_bulk"},
		{"POST", "/_query/%2e%2e/_bulk"},
		{"POST", "/_query%2f..%2f_bulk"},
		{"POST", "//_bulk"},
		{"POST", "http://elsewhere/_query"},
		{"GET", "/_cat/indices"},
		{"TRACE", "/_query"},
	} {
		status, out := proxy(tc[0], tc[1], `{}`)
		if status != 400 || out["statusCode"] == nil {
			t.Errorf("%s %s: %d %v", tc[0], tc[1], status, out)
		}
	}
	// Kibana's own rules still apply.
	if status, _ := do(t, k, "POST", "/api/console/proxy?method=GET&path=/", "", map[string]string{"kbn-xsrf": ""}); status != 400 {
		t.Errorf("without kbn-xsrf: %d", status)
	}
	if status, _ := do(t, k, "POST", "/api/console/proxy?method=GET&path=/", "", map[string]string{"Authorization": ""}); status != 401 {
		t.Errorf("without credentials: %d", status)
	}
}
