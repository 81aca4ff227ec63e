package sandbox

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// detNow is the clock of the detection engine tests.
var detNow = time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)

func detSandbox(t *testing.T) (*Kibana, *time.Time) {
	t.Helper()
	now := detNow
	k := New(Config{APIKey: testKey, Username: "elastic", Password: "changeme", Seed: 7, Now: func() time.Time { return now }})
	return k, &now
}

// alertSearch posts a search and fails the test unless it answers 200.
func alertSearch(t *testing.T, k *Kibana, space, body string) map[string]any {
	t.Helper()
	status, res := do(t, k, "POST", space+"/api/detection_engine/signals/search", body, nil)
	if status != 200 {
		t.Fatalf("search %s: %d %v", body, status, res)
	}
	return res
}

func totalOf(res map[string]any) int {
	return int(res["hits"].(map[string]any)["total"].(map[string]any)["value"].(float64))
}

func sourceOf(h map[string]any) map[string]any { return h["_source"].(map[string]any) }

// bucketsOf returns an aggregation's buckets as key -> doc_count.
func bucketsOf(res map[string]any, name string) map[string]int {
	out := map[string]int{}
	for _, b := range res["aggregations"].(map[string]any)[name].(map[string]any)["buckets"].([]any) {
		m := b.(map[string]any)
		out[fmt.Sprint(m["key"])] = int(m["doc_count"].(float64))
	}
	return out
}

// openAlertIDs returns the ids of n open alerts of a rule, newest first.
func openAlertIDs(t *testing.T, k *Kibana, space, ruleName string, n int) []string {
	t.Helper()
	res := alertSearch(t, k, space, fmt.Sprintf(`{"query":{"bool":{"filter":[{"term":{"kibana.alert.rule.name":%q}},{"term":{"kibana.alert.workflow_status":"open"}}]}},"size":%d,"sort":[{"@timestamp":"desc"}],"_source":false}`, ruleName, n))
	ids := hitIDs(res)
	if len(ids) != n {
		t.Fatalf("wanted %d open alerts of %s, found %v", n, ruleName, ids)
	}
	return ids
}

func TestAlertSeedStory(t *testing.T) {
	k, _ := detSandbox(t)
	for _, space := range []string{"", "/s/soc"} {
		res := alertSearch(t, k, space, `{"size":0,"track_total_hits":true,"query":{"range":{"@timestamp":{"gte":"now-7d","lte":"now"}}},"aggs":{"rules":{"terms":{"field":"kibana.alert.rule.rule_id"}},"status":{"terms":{"field":"kibana.alert.workflow_status"}},"hosts":{"terms":{"field":"host.name","size":50}}}}`)
		total := totalOf(res)
		if total < 35 || total > 45 {
			t.Errorf("%s: %d alerts in the last 7 days, want about 40", space, total)
		}
		rules := bucketsOf(res, "rules")
		for _, r := range storyRules {
			if rules[r.RuleID] == 0 {
				t.Errorf("%s: no alerts of rule %s", space, r.RuleID)
			}
		}
		status := bucketsOf(res, "status")
		if status["open"] <= total/2 || status["acknowledged"] == 0 || status["closed"] == 0 {
			t.Errorf("%s: statuses %v, want mostly open, some acknowledged and closed", space, status)
		}
		if len(bucketsOf(res, "hosts")) < 5 {
			t.Errorf("%s: hosts %v", space, bucketsOf(res, "hosts"))
		}
		res = alertSearch(t, k, space, `{"size":0,"query":{"bool":{"should":[{"exists":{"field":"kibana.alert.workflow_tags"}},{"exists":{"field":"kibana.alert.workflow_assignee_ids"}}]}}}`)
		if n := totalOf(res); n == 0 || n >= total/2 {
			t.Errorf("%s: %d alerts tagged or assigned, want a few", space, n)
		}
	}

	// Every alert is raised by a story rule of its space, and its fields
	// hang together.
	res := alertSearch(t, k, "", `{"size":100}`)
	for _, h := range hitList(res) {
		src := sourceOf(h)
		i := slices.IndexFunc(storyRules, func(r storyRule) bool { return r.RuleID == src["kibana.alert.rule.rule_id"] })
		if i < 0 || src["kibana.alert.rule.uuid"] != ruleIDIn("default", i) || src["kibana.alert.rule.name"] != storyRules[i].Name || src["kibana.alert.severity"] != storyRules[i].Severity {
			t.Fatalf("alert %s: rule fields %v %v %v", h["_id"], src["kibana.alert.rule.rule_id"], src["kibana.alert.rule.uuid"], src["kibana.alert.rule.name"])
		}
		if h["_id"] != src["kibana.alert.uuid"] || h["_index"] != ".internal.alerts-security.alerts-default-000001" || len(h["_id"].(string)) != 64 {
			t.Fatalf("alert %s: uuid %v index %v", h["_id"], src["kibana.alert.uuid"], h["_index"])
		}
	}

	// The cases' alerts: every one exists, with its rule.
	sp := k.spaces["default"]
	if len(sp.seededAlerts) < 20 {
		t.Fatalf("%d seeded alerts for cases", len(sp.seededAlerts))
	}
	for _, a := range sp.seededAlerts {
		d := sp.alerts.index.Get(a.ID)
		if d == nil || a.Index != alertsIndexName("default") || d.Source["kibana.alert.rule.uuid"] != a.RuleID || d.Source["kibana.alert.rule.name"] != a.RuleName {
			t.Fatalf("seeded alert %+v does not match its document", a)
		}
	}
	if first := sp.alerts.index.Get(sp.seededAlerts[0].ID); first.Source["kibana.alert.workflow_status"] == "closed" {
		t.Error("cases get closed alerts before open ones")
	}
}

func TestAlertSeedIsDeterministicAndSpacesDiffer(t *testing.T) {
	ids := func(seed int64, space string) []string {
		k := New(Config{APIKey: testKey, Seed: seed, Now: func() time.Time { return detNow }})
		return hitIDs(alertSearch(t, k, space, `{"size":100,"sort":["@timestamp"]}`))
	}
	a, b := ids(3, ""), ids(3, "")
	if !slices.Equal(a, b) {
		t.Error("the same seed gave other alerts")
	}
	if slices.Equal(a, ids(4, "")) {
		t.Error("another seed gave the same alerts")
	}
	soc := ids(3, "/s/soc")
	for _, id := range soc {
		if slices.Contains(a, id) {
			t.Fatalf("alert %s is in both spaces", id)
		}
	}
	k, _ := detSandbox(t)
	hosts := func(space string) map[string]int {
		return bucketsOf(alertSearch(t, k, space, `{"size":0,"aggs":{"h":{"terms":{"field":"host.name","size":50}}}}`), "h")
	}
	if fmt.Sprint(hosts("")) == fmt.Sprint(hosts("/s/soc")) {
		t.Error("default and soc tell the same story")
	}
}

func TestAlertSearchRoute(t *testing.T) {
	k, _ := detSandbox(t)
	res := alertSearch(t, k, "", `{"query":{"bool":{"filter":[{"term":{"kibana.alert.workflow_status":"open"}},{"range":{"@timestamp":{"gte":"now-24h"}}}]}},"aggs":{"by_rule":{"terms":{"field":"kibana.alert.rule.name","size":10}}},"size":5,"sort":[{"@timestamp":"desc"}],"_source":["@timestamp","kibana.alert.rule.name","kibana.alert.severity","host.name"],"track_total_hits":true}`)
	hits := hitList(res)
	if len(hits) != 5 || res["took"] == nil || res["timed_out"] != false || res["_shards"] == nil {
		t.Fatalf("answer %v", res)
	}
	for i, h := range hits {
		src := sourceOf(h)
		if src["kibana.alert.rule.name"] == nil || src["host"] == nil || src["kibana.alert.reason"] != nil {
			t.Errorf("_source not filtered: %v", src)
		}
		if i > 0 && h["sort"].([]any)[0].(float64) > hits[i-1]["sort"].([]any)[0].(float64) {
			t.Error("hits not newest first")
		}
	}
	sum := 0
	for _, n := range bucketsOf(res, "by_rule") {
		sum += n
	}
	if sum != totalOf(res) {
		t.Errorf("rule buckets add to %d, total %d", sum, totalOf(res))
	}

	// Kibana passes Elasticsearch only the members it knows: from is
	// dropped, so it does not page.
	first := hitIDs(alertSearch(t, k, "", `{"size":1,"sort":[{"@timestamp":"desc"}]}`))
	paged := hitIDs(alertSearch(t, k, "", `{"size":1,"from":5,"sort":[{"@timestamp":"desc"}]}`))
	if !slices.Equal(first, paged) {
		t.Errorf("from paged (%v vs %v); Kibana drops it", paged, first)
	}

	for _, c := range []struct {
		body   string
		status int
		field  string // statusCode (platform) or status_code (security solution)
		want   string
	}{
		{`{}`, 400, "status_code", `"value" must have at least 1 children`},
		{``, 400, "status_code", `"value" must have at least 1 children`},
		{`{"runtime_mappings":{"h":{"type":"long"}}}`, 400, "status_code", `"value" must have at least 1 children`},
		{`[1]`, 400, "statusCode", "[request body]: Expected object, received array"},
		{`{"size":"10"}`, 400, "statusCode", "[request body]: size: Expected number, received string"},
		{`{"size":-1}`, 400, "statusCode", "[request body]: size: Number must be greater than or equal to 0"},
		{`{"track_total_hits":10000}`, 400, "statusCode", "[request body]: track_total_hits: Expected boolean, received number"},
		{`{"query":"host.name:fs-02"}`, 400, "statusCode", "[request body]: query: Expected object, received string"},
		{`{"_source":{"includes":["a"]}}`, 400, "statusCode", "[request body]: _source: Invalid input"},
		{`{"fields":[1]}`, 400, "statusCode", "[request body]: fields.0: Expected string, received number"},
		{`{"query":{"query_string":{"query":"fs-02"}}}`, 400, "status_code", "parsing_exception\n\tRoot causes:\n\t\tparsing_exception: the [query_string] query is not supported by the sandbox Kibana"},
		{`{"query":{"bool":{"must":{"fuzzy":{"host.name":"fs"}}}}}`, 400, "status_code", "[fuzzy] query is not supported"},
		{`{"query":{"match_all":{}},"aggs":{"x":{"stats":{"field":"kibana.alert.risk_score"}}}}`, 400, "status_code", "[stats] aggregation is not supported"},
		{`{"size":20000}`, 400, "status_code", "Result window is too large"},
		{`{"sort":[{"kibana.alert.reason.text":"asc"}]}`, 400, "status_code", "Fielddata is disabled on [kibana.alert.reason.text] in [.internal.alerts-security.alerts-default-000001]"},
	} {
		status, body := do(t, k, "POST", "/api/detection_engine/signals/search", c.body, nil)
		msg, _ := body["message"].(string)
		if status != c.status || body[c.field] != float64(c.status) || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %v, want %d with %s %q", c.body, status, body, c.status, c.field, c.want)
		}
	}

	// A runtime field of the tools' example, aggregated.
	res = alertSearch(t, k, "", `{"size":0,"runtime_mappings":{"hour":{"type":"long","script":{"source":"emit(doc['@timestamp'].value.getHour())"}}},"aggs":{"by_hour":{"terms":{"field":"hour","size":24}}}}`)
	n := 0
	for _, c := range bucketsOf(res, "by_hour") {
		n += c
	}
	if n != totalOf(res) {
		t.Errorf("hour buckets hold %d of %d alerts", n, totalOf(res))
	}
}

// TestESQLSeesAlertStatusUpdates: the ES|QL engine keeps the indices it
// read between queries; a status written through Kibana is in the next
// query's answer.
func TestESQLSeesAlertStatusUpdates(t *testing.T) {
	k, _ := detSandbox(t)
	ids := openAlertIDs(t, k, "", "Ransomware-like mass file encryption", 1)
	const q = `FROM .alerts-security.alerts-default METADATA _id | WHERE _id == ?id | KEEP kibana.alert.workflow_status`
	if rows := esqlRows(t, k, q, map[string]any{"id": ids[0]}); len(rows) != 1 || rows[0]["kibana.alert.workflow_status"] != "open" {
		t.Fatalf("before: %v", rows)
	}
	if status, res := do(t, k, "POST", "/api/detection_engine/signals/status", `{"status":"closed","signal_ids":["`+ids[0]+`"]}`, nil); status != 200 {
		t.Fatalf("status: %d %v", status, res)
	}
	if rows := esqlRows(t, k, q, map[string]any{"id": ids[0]}); len(rows) != 1 || rows[0]["kibana.alert.workflow_status"] != "closed" {
		t.Errorf("after closing: %v", rows)
	}
}

func TestAlertStatusUpdatesPersist(t *testing.T) {
	k, now := detSandbox(t)
	ids := openAlertIDs(t, k, "", "Ransomware-like mass file encryption", 2)
	*now = now.Add(time.Hour)

	status, res := do(t, k, "POST", "/api/detection_engine/signals/status", `{"status":"acknowledged","signal_ids":["`+ids[0]+`","`+ids[1]+`","no-such-alert"]}`, nil)
	if status != 200 || res["updated"] != 2.0 || res["total"] != 2.0 || res["version_conflicts"] != 0.0 || len(res["failures"].([]any)) != 0 || res["batches"] != 1.0 {
		t.Fatalf("status by ids: %d %v", status, res)
	}
	res = alertSearch(t, k, "", `{"query":{"ids":{"values":["`+ids[0]+`","`+ids[1]+`"]}}}`)
	for _, h := range hitList(res) {
		src := sourceOf(h)
		if src["kibana.alert.workflow_status"] != "acknowledged" || src["kibana.alert.workflow_status_updated_at"] != "2025-03-14T13:00:00.000Z" || src["kibana.alert.workflow_user"] != nil {
			t.Errorf("after acknowledging with an API key: %v %v %v", src["kibana.alert.workflow_status"], src["kibana.alert.workflow_status_updated_at"], src["kibana.alert.workflow_user"])
		}
	}

	// Close by query, signed in as a user: the reason and the user are
	// recorded, and later searches see it.
	basic := map[string]string{"Authorization": "Basic ZWxhc3RpYzpjaGFuZ2VtZQ=="}
	status, res = do(t, k, "POST", "/api/detection_engine/signals/status", `{"status":"closed","reason":"false_positive","conflicts":"proceed","query":{"bool":{"filter":[{"term":{"kibana.alert.rule.rule_id":"dns-tunneling"}},{"term":{"kibana.alert.workflow_status":"open"}}]}}}`, basic)
	closed := int(res["updated"].(float64))
	if status != 200 || closed == 0 {
		t.Fatalf("close by query: %d %v", status, res)
	}
	res = alertSearch(t, k, "", `{"size":100,"query":{"bool":{"filter":[{"term":{"kibana.alert.rule.rule_id":"dns-tunneling"}},{"term":{"kibana.alert.workflow_reason":"false_positive"}},{"term":{"kibana.alert.workflow_user":"`+alertUserUID("elastic")+`"}}]}}}`)
	if totalOf(res) != closed {
		t.Errorf("%d closed by query, %d found closed as false positives by elastic", closed, totalOf(res))
	}
	res = alertSearch(t, k, "", `{"size":0,"query":{"bool":{"filter":[{"term":{"kibana.alert.rule.rule_id":"dns-tunneling"}},{"terms":{"kibana.alert.workflow_status":["open","acknowledged"]}}]}}}`)
	if totalOf(res) != 0 {
		t.Errorf("%d DNS tunneling alerts still open", totalOf(res))
	}

	// Reopening drops the reason; in-progress is accepted.
	do(t, k, "POST", "/api/detection_engine/signals/status", `{"status":"open","signal_ids":["`+ids[0]+`"]}`, nil)
	do(t, k, "POST", "/api/detection_engine/signals/status", `{"status":"closed","reason":"duplicate","signal_ids":["`+ids[1]+`"]}`, nil)
	status, _ = do(t, k, "POST", "/api/detection_engine/signals/status", `{"status":"in-progress","signal_ids":["`+ids[1]+`"]}`, nil)
	res = alertSearch(t, k, "", `{"query":{"ids":{"values":["`+ids[0]+`","`+ids[1]+`"]}},"sort":["kibana.alert.workflow_status"]}`)
	got := hitList(res)
	if status != 200 || sourceOf(got[0])["kibana.alert.workflow_status"] != "in-progress" || sourceOf(got[0])["kibana.alert.workflow_reason"] != nil || sourceOf(got[1])["kibana.alert.workflow_status"] != "open" {
		t.Errorf("after reopening and in-progress: %v / %v", sourceOf(got[0]), sourceOf(got[1]))
	}

	for _, c := range []struct{ body, field, want string }{
		{`{"status":"closed"}`, "statusCode", "[request body]: signal_ids: Required, query: Required"},
		{`{"signal_ids":["a"]}`, "statusCode", "[request body]: status: Required"},
		{`{"status":"resolved","signal_ids":["a"]}`, "statusCode", "[request body]: status: Invalid enum value. Expected 'open' | 'closed' | 'acknowledged' | 'in-progress', received 'resolved'"},
		{`{"status":"closed","signal_ids":[]}`, "statusCode", "[request body]: signal_ids: Array must contain at least 1 element(s)"},
		{`{"status":"closed","signal_ids":[""]}`, "statusCode", "[request body]: signal_ids.0: String must contain at least 1 character(s)"},
		{`{"status":"closed","signal_ids":"a"}`, "statusCode", "[request body]: signal_ids: Expected array, received string"},
		{`{"status":"closed","reason":"fixed","signal_ids":["a"]}`, "statusCode", "[request body]: reason: Invalid enum value. Expected 'false_positive' | 'duplicate' | 'true_positive' | 'benign_positive' | 'automated_closure' | 'other', received 'fixed'"},
		{`{"status":"closed","query":{"match_all":{}},"conflicts":"ignore"}`, "statusCode", "[request body]: conflicts: Invalid enum value. Expected 'abort' | 'proceed', received 'ignore'"},
		{`{"status":"closed","query":{"simple_query_string":{"query":"x"}}}`, "status_code", "[simple_query_string] query is not supported"},
	} {
		status, body := do(t, k, "POST", "/api/detection_engine/signals/status", c.body, nil)
		if msg, _ := body["message"].(string); status != 400 || body[c.field] != 400.0 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %v, want 400 %q", c.body, status, body, c.want)
		}
	}
}

func TestAlertTagsAndAssigneesPersist(t *testing.T) {
	k, _ := detSandbox(t)
	ids := openAlertIDs(t, k, "", "Encoded PowerShell command", 3)
	list := `["` + strings.Join(ids, `","`) + `"]`

	status, res := do(t, k, "POST", "/api/detection_engine/signals/tags", `{"ids":`+list+`,"tags":{"tags_to_add":["confirmed","confirmed","apt"],"tags_to_remove":["needs-review"]}}`, nil)
	if status != 200 || res["updated"] != 3.0 {
		t.Fatalf("tags: %d %v", status, res)
	}
	res = alertSearch(t, k, "", `{"query":{"ids":{"values":`+list+`}},"_source":["kibana.alert.workflow_tags"]}`)
	for _, h := range hitList(res) {
		if tags, _ := json.Marshal(sourceOf(h)["kibana.alert.workflow_tags"]); string(tags) != `["confirmed","apt"]` {
			t.Errorf("tags %s, want the new ones once and needs-review gone", tags)
		}
	}
	res = alertSearch(t, k, "", `{"size":0,"query":{"term":{"kibana.alert.workflow_tags":"apt"}}}`)
	if totalOf(res) != 3 {
		t.Errorf("%d alerts tagged apt", totalOf(res))
	}
	do(t, k, "POST", "/api/detection_engine/signals/tags", `{"ids":["`+ids[0]+`"],"tags":{"tags_to_add":[],"tags_to_remove":["apt"]}}`, nil)
	res = alertSearch(t, k, "", `{"size":0,"aggs":{"t":{"terms":{"field":"kibana.alert.workflow_tags","include":["apt","confirmed"]}}}}`)
	if got := bucketsOf(res, "t"); got["apt"] != 2 || got["confirmed"] != 3 {
		t.Errorf("tag counts %v", got)
	}

	uid := alertUserUID("jdoe")
	status, res = do(t, k, "POST", "/api/detection_engine/signals/assignees", `{"ids":`+list+`,"assignees":{"add":["`+uid+`"],"remove":[]}}`, nil)
	if status != 200 || res["updated"] != 3.0 {
		t.Fatalf("assignees: %d %v", status, res)
	}
	res = alertSearch(t, k, "", `{"size":0,"query":{"term":{"kibana.alert.workflow_assignee_ids":"`+uid+`"}}}`)
	if totalOf(res) < 3 {
		t.Errorf("%d alerts assigned to jdoe", totalOf(res))
	}
	do(t, k, "POST", "/api/detection_engine/signals/assignees", `{"ids":["`+ids[1]+`"],"assignees":{"add":[],"remove":["`+uid+`"]}}`, nil)
	res = alertSearch(t, k, "", `{"query":{"ids":{"values":["`+ids[1]+`"]}}}`)
	if a := sourceOf(hitList(res)[0])["kibana.alert.workflow_assignee_ids"]; slices.Contains(a.([]any), any(uid)) {
		t.Errorf("assignees %v still hold jdoe", a)
	}

	for _, c := range []struct{ path, body, field, want string }{
		{"tags", `{"ids":["a"]}`, "statusCode", "[request body]: tags: Required"},
		{"tags", `{"ids":["a"],"tags":{"tags_to_add":["x"]}}`, "statusCode", "[request body]: tags.tags_to_remove: Required"},
		{"tags", `{"ids":[],"tags":{"tags_to_add":["x"],"tags_to_remove":[]}}`, "statusCode", "[request body]: ids: Array must contain at least 1 element(s)"},
		{"tags", `{"ids":["a"],"tags":{"tags_to_add":[""],"tags_to_remove":[]}}`, "statusCode", "[request body]: tags.tags_to_add.0: String must contain at least 1 character(s)"},
		{"tags", `{"ids":["a"],"tags":{"tags_to_add":["x","y"],"tags_to_remove":["y"]}}`, "status_code", `Duplicate tags ["y"] were found in the tags_to_add and tags_to_remove parameters.`},
		{"assignees", `{"ids":["a"],"assignees":{"add":["u_1"]}}`, "statusCode", "[request body]: assignees.remove: Required"},
		{"assignees", `{"assignees":{"add":["u_1"],"remove":[]}}`, "statusCode", "[request body]: ids: Required"},
		{"assignees", `{"ids":["a"],"assignees":{"add":["u_1"],"remove":["u_1"]}}`, "status_code", `Duplicate assignees ["u_1"] were found in the add and remove parameters.`},
	} {
		status, body := do(t, k, "POST", "/api/detection_engine/signals/"+c.path, c.body, nil)
		msg := fmt.Sprint(body["message"])
		if status != 400 || body[c.field] != 400.0 || !strings.Contains(msg, c.want) {
			t.Errorf("%s %s: %d %v, want 400 %q", c.path, c.body, status, body, c.want)
		}
	}
}

func TestDetectionRulesFindAndRead(t *testing.T) {
	k, _ := detSandbox(t)
	status, res := do(t, k, "GET", "/api/detection_engine/rules/_find", "", nil)
	if status != 200 || res["total"] != float64(len(storyRules)) || res["page"] != 1.0 || res["perPage"] != 20.0 {
		t.Fatalf("find: %d %v", status, res)
	}
	rule := res["data"].([]any)[0].(map[string]any)
	for _, f := range []string{"id", "rule_id", "name", "description", "severity", "risk_score", "type", "query", "language", "index", "enabled", "tags", "interval", "from", "to", "created_at", "updated_at", "created_by", "updated_by", "immutable", "rule_source", "revision", "version", "threat", "required_fields", "related_integrations", "risk_score_mapping", "severity_mapping", "actions", "exceptions_list", "author", "false_positives", "references", "max_signals", "setup", "execution_summary"} {
		if _, ok := rule[f]; !ok {
			t.Errorf("a rule has no %s", f)
		}
	}
	if rule["id"] != ruleIDIn("default", 0) || rule["type"] != "query" || rule["language"] != "kuery" {
		t.Errorf("first rule %v %v %v", rule["id"], rule["type"], rule["language"])
	}

	names := func(query string) []string {
		t.Helper()
		status, res := do(t, k, "GET", "/api/detection_engine/rules/_find?"+query, "", nil)
		if status != 200 {
			t.Fatalf("%s: %d %v", query, status, res)
		}
		var out []string
		for _, r := range res["data"].([]any) {
			out = append(out, r.(map[string]any)["rule_id"].(string))
		}
		return out
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"filter=alert.attributes.name:powershell", []string{"suspicious-powershell"}},
		{"filter=alert.attributes.name:%22known%20phishing%22", []string{"phishing-link-click"}},
		{"filter=alert.attributes.tags:ransomware", []string{"ransomware-behaviour"}},
		{"filter=alert.attributes.tags:(phishing%20or%20exfiltration)", []string{"phishing-link-click", "dns-tunneling"}},
		{"filter=alert.attributes.enabled:true%20and%20not%20alert.attributes.tags:execution", []string{"brute-force-logins", "phishing-link-click", "ransomware-behaviour"}},
		{"filter=alert.attributes.name:*login*", []string{"brute-force-logins"}},
		{"filter=alert.attributes.params.riskScore%3E=70", []string{"brute-force-logins", "ransomware-behaviour"}},
		{"filter=alert.attributes.enabled:false", []string{"dns-tunneling"}}, // the story disabled it
		{"sort_field=risk_score&sort_order=desc", []string{"ransomware-behaviour", "brute-force-logins", "suspicious-powershell", "phishing-link-click", "dns-tunneling"}},
		{"sort_field=name&sort_order=asc&per_page=2", []string{"suspicious-powershell", "brute-force-logins"}},
		{"sort_field=name&sort_order=asc&per_page=2&page=3", []string{"phishing-link-click"}},
		{"per_page=0", nil},
		{"page=9", nil},
	} {
		if got := names(c.query); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.query, got, c.want)
		}
	}
	_, res = do(t, k, "GET", "/api/detection_engine/rules/_find?fields=name&fields=severity&per_page=1", "", nil)
	if r := res["data"].([]any)[0].(map[string]any); len(r) != 4 || r["severity"] == nil || r["name"] == nil {
		t.Errorf("fields: %v", r)
	}

	for _, c := range []struct {
		query, field, want string
	}{
		{"page=0", "statusCode", "[request query]: page: Number must be greater than or equal to 1"},
		{"per_page=x", "statusCode", "[request query]: per_page: Expected number, received nan"},
		{"sort_field=rule_id&sort_order=asc", "statusCode", "[request query]: sort_field: Invalid enum value. Expected 'created_at' | 'createdAt' |"},
		{"sort_field=name&sort_order=up", "statusCode", "[request query]: sort_order: Invalid enum value. Expected 'asc' | 'desc', received 'up'"},
		{"sort_field=name", "statusCode", `when "sort_order" and "sort_field" must exist together or not at all`},
		{"filter=alert.attributes.owner:me", "status_code", "This key 'alert.attributes.owner' does NOT exist in alert saved object index patterns"},
		{"filter=name:x", "status_code", "This key 'name' need to be wrapped by a saved object type like alert"},
		{"filter=alert.attributes.name:", "status_code", "KQLSyntaxError: Expected value but end of input found."},
		{"filter=(alert.attributes.name:x", "status_code", `KQLSyntaxError: Expected ")" but end of input found.`},
	} {
		status, body := do(t, k, "GET", "/api/detection_engine/rules/_find?"+c.query, "", nil)
		if msg, _ := body["message"].(string); status != 400 || body[c.field] != 400.0 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %v, want 400 %q", c.query, status, body, c.want)
		}
	}

	// Read by id and by rule_id, and Kibana's 404s.
	id := ruleIDIn("default", 2)
	status, res = do(t, k, "GET", "/api/detection_engine/rules?id="+id, "", nil)
	if status != 200 || res["rule_id"] != "ransomware-behaviour" || res["id"] != id {
		t.Errorf("read by id: %d %v", status, res)
	}
	status, res = do(t, k, "GET", "/api/detection_engine/rules?rule_id=dns-tunneling", "", nil)
	if status != 200 || res["id"] != ruleIDIn("default", 4) || res["name"] != "Possible DNS tunneling" {
		t.Errorf("read by rule_id: %d %v", status, res)
	}
	for _, c := range []struct {
		query  string
		status int
		want   string
	}{
		{"id=94e80e20-cb5a-11ee-b8f3-8b4e5c0e6d2a", 404, `id: "94e80e20-cb5a-11ee-b8f3-8b4e5c0e6d2a" not found`},
		{"rule_id=nope", 404, `rule_id: "nope" not found`},
		{"", 400, `either "id" or "rule_id" must be set`},
		{"id=" + ruleIDIn("soc", 2), 404, "not found"},
	} {
		status, body := do(t, k, "GET", "/api/detection_engine/rules?"+c.query, "", nil)
		if status != c.status || body["status_code"] != float64(c.status) || body["message"] != c.want && c.want != "not found" {
			t.Errorf("%s: %d %v, want %d %q", c.query, status, body, c.status, c.want)
		}
	}
	if status, body := do(t, k, "GET", "/api/detection_engine/rules?id=not-a-uuid", "", nil); status != 400 || body["message"] != "[request query]: id: Invalid uuid" {
		t.Errorf("bad id: %d %v", status, body)
	}
	// Rules are written through detection_rules.go; _find only reads.
	if status, _ := do(t, k, "DELETE", "/api/detection_engine/rules/_find", "", nil); status != 405 {
		t.Errorf("DELETE rules/_find: %d, want 405 (not served)", status)
	}
}

func TestAlertsMigrations(t *testing.T) {
	k, now := detSandbox(t)
	indices := func(from string) map[string]map[string]any {
		t.Helper()
		status, res := do(t, k, "GET", "/api/detection_engine/signals/migration_status?from="+from, "", nil)
		if status != 200 {
			t.Fatalf("migration status: %d %v", status, res)
		}
		out := map[string]map[string]any{}
		for _, ix := range res["indices"].([]any) {
			m := ix.(map[string]any)
			out[m["index"].(string)] = m
		}
		return out
	}
	recent := indices("now-30d")
	if len(recent) != 1 || recent[".siem-signals-default-000002"]["is_outdated"] != false {
		t.Errorf("indices with alerts of the last 30 days: %v", recent)
	}
	all := indices("now-1y")
	old := all[".siem-signals-default-000001"]
	if old["is_outdated"] != true || old["version"] != 57.0 || fmt.Sprint(old["signal_versions"]) != "[map[count:23 version:57]]" || len(old["migrations"].([]any)) != 0 {
		t.Fatalf("outdated index: %v", old)
	}

	status, res := do(t, k, "POST", "/api/detection_engine/signals/migration", `{"index":[".siem-signals-default-000001",".siem-signals-default-000002"],"size":500}`, nil)
	if status != 200 {
		t.Fatalf("create: %d %v", status, res)
	}
	results := res["indices"].([]any)
	created, skipped := results[0].(map[string]any), results[1].(map[string]any)
	migrationID, _ := created["migration_id"].(string)
	if migrationID == "" || created["migration_index"] != ".siem-signals-default-000001-r000077" || skipped["migration_id"] != nil || skipped["index"] != ".siem-signals-default-000002" {
		t.Fatalf("create answered %v", results)
	}
	_, res = do(t, k, "POST", "/api/detection_engine/signals/migration", `{"index":[".siem-signals-default-000001"]}`, nil)
	if e := res["indices"].([]any)[0].(map[string]any); !strings.Contains(fmt.Sprint(e["error"]), "resource_already_exists_exception") {
		t.Errorf("a second migration of the index: %v", e)
	}
	if m := indices("now-1y")[".siem-signals-default-000001"]["migrations"].([]any); len(m) != 1 || m[0].(map[string]any)["status"] != "pending" {
		t.Errorf("status shows migrations %v", m)
	}

	// Finalizing polls: the reindex is still running right away, and done
	// on the next poll.
	body := `{"migration_ids":["` + migrationID + `"]}`
	_, res = do(t, k, "POST", "/api/detection_engine/signals/finalize_migration", body, nil)
	if m := res["migrations"].([]any)[0].(map[string]any); m["completed"] != false || m["status"] != "pending" {
		t.Errorf("first finalize: %v", m)
	}
	*now = now.Add(time.Second)
	_, res = do(t, k, "POST", "/api/detection_engine/signals/finalize_migration", body, nil)
	if m := res["migrations"].([]any)[0].(map[string]any); m["completed"] != true || m["status"] != "success" || m["sourceIndex"] != ".siem-signals-default-000001" || m["destinationIndex"] != ".siem-signals-default-000001-r000077" || m["updated"] != "2025-03-14T12:00:01.000Z" {
		t.Errorf("second finalize: %v", m)
	}
	all = indices("now-1y")
	if _, still := all[".siem-signals-default-000001"]; still || all[".siem-signals-default-000001-r000077"]["is_outdated"] != false {
		t.Errorf("after finalizing the alias moves to the copy: %v", all)
	}

	_, res = do(t, k, "DELETE", "/api/detection_engine/signals/migration", body, nil)
	if m := res["migrations"].([]any)[0].(map[string]any); m["id"] != migrationID || m["status"] != "success" {
		t.Errorf("cleanup: %v", res)
	}
	status, res = do(t, k, "POST", "/api/detection_engine/signals/finalize_migration", body, nil)
	if status != 404 || res["message"] != "Saved object [security-solution-signals-migration/"+migrationID+"] not found" {
		t.Errorf("finalize after cleanup: %d %v", status, res)
	}

	for _, c := range []struct {
		method, path, body, field, want string
	}{
		{"POST", "migration", `{}`, "statusCode", "[request body]: index: Required"},
		{"POST", "migration", `{"index":[]}`, "statusCode", "[request body]: index: Array must contain at least 1 element(s)"},
		{"POST", "migration", `{"index":[".siem-signals-default-000001"],"slices":0}`, "statusCode", "[request body]: slices: Number must be greater than or equal to 1"},
		{"POST", "migration", `{"index":[".siem-signals-default-000001"],"size":"big"}`, "statusCode", "[request body]: size: Expected number, received string"},
		{"POST", "migration", `{"index":["logs-foo",".alerts-x"]}`, "status_code", "The following indices are not signals indices and cannot be migrated: [logs-foo,.alerts-x]."},
		{"POST", "finalize_migration", `{"migration_ids":[]}`, "statusCode", "[request body]: migration_ids: Array must contain at least 1 element(s)"},
		{"DELETE", "migration", `{"ids":["x"]}`, "statusCode", "[request body]: migration_ids: Required"},
		{"DELETE", "migration", `{"migration_ids":["nope"]}`, "status_code", "Saved object [security-solution-signals-migration/nope] not found"},
		{"GET", "migration_status", ``, "statusCode", "[request query]: from: Required"},
		{"GET", "migration_status?from=last-week", ``, "statusCode", "[request query]: from: Failed to parse date-math expression"},
	} {
		status, res := do(t, k, c.method, "/api/detection_engine/signals/"+c.path, c.body, nil)
		want := 400
		if strings.Contains(c.want, "not found") {
			want = 404
		}
		if msg, _ := res["message"].(string); status != want || res[c.field] != float64(want) || msg != c.want {
			t.Errorf("%s %s %s: %d %v, want %d %q", c.method, c.path, c.body, status, res, want, c.want)
		}
	}
}

func TestDetectionSpacesAreIsolated(t *testing.T) {
	k, _ := detSandbox(t)
	before := alertSearch(t, k, "/s/soc", `{"size":0,"aggs":{"s":{"terms":{"field":"kibana.alert.workflow_status"}}}}`)
	if status, res := do(t, k, "POST", "/api/detection_engine/signals/status", `{"status":"closed","query":{"match_all":{}}}`, nil); status != 200 || res["updated"].(float64) < 35 {
		t.Fatalf("closing everything in default: %d %v", status, res)
	}
	after := alertSearch(t, k, "/s/soc", `{"size":0,"aggs":{"s":{"terms":{"field":"kibana.alert.workflow_status"}}}}`)
	if fmt.Sprint(bucketsOf(before, "s")) != fmt.Sprint(bucketsOf(after, "s")) {
		t.Errorf("soc statuses changed with default's: %v -> %v", bucketsOf(before, "s"), bucketsOf(after, "s"))
	}
	socIDs := hitIDs(alertSearch(t, k, "/s/soc", `{"size":3}`))
	if _, res := do(t, k, "POST", "/api/detection_engine/signals/tags", `{"ids":["`+socIDs[0]+`"],"tags":{"tags_to_add":["x"],"tags_to_remove":[]}}`, nil); res["updated"] != 0.0 {
		t.Errorf("default tagged a soc alert: %v", res)
	}
	if status, res := do(t, k, "GET", "/s/soc/api/detection_engine/rules?id="+ruleIDIn("soc", 1), "", nil); status != 200 || res["rule_id"] != "phishing-link-click" {
		t.Errorf("soc rule: %d %v", status, res)
	}
	if status, _ := do(t, k, "GET", "/s/soc/api/detection_engine/rules?id="+ruleIDIn("default", 1), "", nil); status != 404 {
		t.Errorf("default's rule id in soc: %d", status)
	}
	hit := hitList(alertSearch(t, k, "/s/soc", `{"size":1}`))[0]
	if hit["_index"] != ".internal.alerts-security.alerts-soc-000001" || sourceOf(hit)["kibana.space_ids"].([]any)[0] != "soc" {
		t.Errorf("soc alert index %v", hit["_index"])
	}
	status, res := do(t, k, "GET", "/s/soc/api/detection_engine/signals/migration_status?from=now-1y", "", nil)
	if status != 200 || !strings.Contains(fmt.Sprint(res), ".siem-signals-soc-000001") || strings.Contains(fmt.Sprint(res), "default") {
		t.Errorf("soc legacy indices: %v", res)
	}
}

// TestDetectionRoutesAreInTheSpec: every operation served here is one
// Kibana's OpenAPI document describes (some it lists only under
// /s/{spaceId}).
func TestDetectionRoutesAreInTheSpec(t *testing.T) {
	f, err := os.Open("../../shared/kibana-openapi/kibana.yaml")
	if err != nil {
		t.Skip("no OpenAPI document:", err)
	}
	defer f.Close()
	ops := map[string]bool{}
	path := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "  /") && strings.HasSuffix(line, ":"):
			path = strings.TrimPrefix(strings.TrimSuffix(strings.TrimSpace(line), ":"), "/s/{spaceId}")
		case strings.HasPrefix(line, "    ") && !strings.HasPrefix(line, "     ") && strings.HasSuffix(line, ":") && path != "":
			ops[strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(line), ":"))+" "+path] = true
		case line != "" && !strings.HasPrefix(line, " "):
			path = ""
		}
	}
	k, _ := detSandbox(t)
	for _, rt := range k.detectionsRoutes() {
		op := rt.method + " /" + strings.Join(rt.segments, "/")
		if !ops[op] {
			t.Errorf("%s is not in the OpenAPI document", op)
		}
	}
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
