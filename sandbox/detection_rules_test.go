package sandbox

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const newRuleBody = `{"name":"Whoami by service account","description":"A service account ran whoami.","risk_score":47,"severity":"medium","type":"query","rule_id":"whoami-svc","query":"process.name:whoami.exe","tags":["discovery"]}`

func TestDetectionRuleLifecycle(t *testing.T) {
	k, _ := detSandbox(t)
	status, rule := do(t, k, "POST", "/api/detection_engine/rules", newRuleBody, nil)
	if status != 200 || rule["rule_id"] != "whoami-svc" || rule["enabled"] != true || rule["language"] != "kuery" || rule["interval"] != "5m" || rule["immutable"] != false {
		t.Fatalf("create: %d %v", status, rule)
	}
	id := rule["id"].(string)

	// The detection engine and alerting both show it.
	if status, got := do(t, k, "GET", "/api/detection_engine/rules?rule_id=whoami-svc", "", nil); status != 200 || got["id"] != id {
		t.Errorf("read: %d %v", status, got)
	}
	if status, found := do(t, k, "GET", "/api/detection_engine/rules/_find?filter=alert.attributes.tags:discovery", "", nil); status != 200 || found["total"] != 1.0 {
		t.Errorf("find: %d %v", status, found)
	}
	if status, ar := do(t, k, "GET", "/api/alerting/rule/"+id, "", nil); status != 200 || ar["rule_type_id"] != "siem.queryRule" || ar["consumer"] != "siem" || ar["params"].(map[string]any)["ruleId"] != "whoami-svc" {
		t.Errorf("alerting get: %d %v", status, ar)
	}

	// Same rule_id again: 409.
	if status, res := do(t, k, "POST", "/api/detection_engine/rules", newRuleBody, nil); status != 409 || res["message"] != `rule_id: "whoami-svc" already exists` {
		t.Errorf("duplicate: %d %v", status, res)
	}

	// Patch to a threshold rule keeps the rest and bumps the revision.
	status, patched := do(t, k, "PATCH", "/api/detection_engine/rules", `{"id":"`+id+`","type":"threshold","threshold":{"field":"host.name","value":3}}`, nil)
	if status != 200 || patched["type"] != "threshold" || patched["name"] != "Whoami by service account" || patched["revision"] != 1.0 || patched["threshold"] == nil {
		t.Fatalf("patch: %d %v", status, patched)
	}
	if status, ar := do(t, k, "GET", "/api/alerting/rule/"+id, "", nil); status != 200 || ar["rule_type_id"] != "siem.thresholdRule" {
		t.Errorf("alerting after patch: %v", ar["rule_type_id"])
	}
	// Patch to new_terms without its members: 400 naming them.
	if status, res := do(t, k, "PATCH", "/api/detection_engine/rules", `{"id":"`+id+`","type":"new_terms"}`, nil); status != 400 || !strings.Contains(res["message"].(string), "new_terms_fields: Required") {
		t.Errorf("patch to new_terms: %d %v", status, res)
	}

	// Update replaces: members left out go back to defaults.
	status, updated := do(t, k, "PUT", "/api/detection_engine/rules", `{"rule_id":"whoami-svc","name":"Whoami","description":"d","risk_score":21,"severity":"low","type":"eql","language":"eql","query":"process where process.name == \"whoami.exe\""}`, nil)
	if status != 200 || updated["id"] != id || updated["type"] != "eql" || len(updated["tags"].([]any)) != 0 || updated["threshold"] != nil || updated["revision"] != 2.0 {
		t.Fatalf("update: %d %v", status, updated)
	}

	// Tags come from the rules.
	if _, tags := do(t, k, "GET", "/api/detection_engine/tags", "", nil); strings.Contains(strings.Join(anyStrings(tags["list"]), ","), "discovery") || !strings.Contains(strings.Join(anyStrings(tags["list"]), ","), "ransomware") {
		t.Errorf("tags: %v", tags)
	}

	// Delete, then 404 everywhere.
	if status, _ := do(t, k, "DELETE", "/api/detection_engine/rules?id="+id, "", nil); status != 200 {
		t.Fatalf("delete: %d", status)
	}
	if status, res := do(t, k, "GET", "/api/detection_engine/rules?id="+id, "", nil); status != 404 || res["message"] != `id: "`+id+`" not found` {
		t.Errorf("read after delete: %d %v", status, res)
	}
	if status, _ := do(t, k, "DELETE", "/api/detection_engine/rules?rule_id=whoami-svc", "", nil); status != 404 {
		t.Errorf("second delete: %d", status)
	}
	if status, _ := do(t, k, "GET", "/api/alerting/rule/"+id, "", nil); status != 404 {
		t.Errorf("alerting still has the rule: %d", status)
	}
}

func TestDetectionRuleValidation(t *testing.T) {
	k, _ := detSandbox(t)
	for _, tc := range []struct{ method, body, want string }{
		{"POST", `{"name":"a","description":"b","risk_score":5,"severity":"low"}`, "[request body]: type: Invalid discriminator value"},
		{"POST", `{"description":"b","risk_score":5,"severity":"low","type":"query"}`, "[request body]: name: Required"},
		{"POST", `{"name":"a","description":"b","risk_score":500,"severity":"low","type":"query"}`, "[request body]: risk_score: Number must be less than or equal to 100"},
		{"POST", `{"name":"a","description":"b","risk_score":5,"severity":"low","type":"eql","query":"x"}`, "[request body]: language: Required"},
		{"POST", `{"name":"a","description":"b","risk_score":5,"severity":"low","type":"eql","query":"x","language":"kuery"}`, "[request body]: language: Invalid enum value. Expected 'eql'"},
		{"POST", `{"name":"a","description":"b","risk_score":5,"severity":"low","type":"threat_match","query":"*"}`, "threat_query: Required, threat_mapping: Required, threat_index: Required"},
		{"POST", `{"name":"a","description":"b","risk_score":5,"severity":"low","type":"query","actions":[{"id":"nope","action_type_id":".slack","params":{}}]}`, `Invalid connectorId "nope"`},
		{"PUT", `{"name":"a","description":"b","risk_score":5,"severity":"low","type":"query"}`, `either "id" or "rule_id" must be set`},
		{"PATCH", `{"rule_id":"no-such-rule","enabled":false}`, `rule_id: "no-such-rule" not found`},
	} {
		status, res := do(t, k, tc.method, "/api/detection_engine/rules", tc.body, nil)
		if msg, _ := res["message"].(string); status == 200 || !strings.Contains(msg, tc.want) {
			t.Errorf("%s %s: %d %v, want %q", tc.method, tc.body, status, res, tc.want)
		}
	}
	// A member another type takes is dropped, as zod does.
	status, rule := do(t, k, "POST", "/api/detection_engine/rules", `{"name":"a","description":"b","risk_score":5,"severity":"low","type":"query","threshold":{"field":"a","value":1}}`, nil)
	if status != 200 || rule["threshold"] != nil {
		t.Errorf("create with a foreign member: %d %v", status, rule)
	}
}

func TestDetectionRuleBulkActions(t *testing.T) {
	k, _ := detSandbox(t)
	first, second := ruleIDIn("default", 0), ruleIDIn("default", 1)
	ids := `"ids":["` + first + `","` + second + `"]`

	status, res := do(t, k, "POST", "/api/detection_engine/rules/_bulk_action", `{"action":"disable",`+ids+`}`, nil)
	if status != 200 || res["attributes"].(map[string]any)["summary"].(map[string]any)["succeeded"] != 2.0 {
		t.Fatalf("disable: %d %v", status, res)
	}
	if _, r := do(t, k, "GET", "/api/detection_engine/rules?id="+first, "", nil); r["enabled"] != false {
		t.Errorf("not disabled: %v", r["enabled"])
	}
	if _, ar := do(t, k, "GET", "/api/alerting/rule/"+first, "", nil); ar["enabled"] != false {
		t.Errorf("alerting still enabled")
	}

	// A dry run changes nothing.
	edit := `"edit":[{"type":"add_tags","value":["reviewed"]},{"type":"set_schedule","value":{"interval":"10m","lookback":"2m"}}]`
	status, res = do(t, k, "POST", "/api/detection_engine/rules/_bulk_action?dry_run=true", `{"action":"edit",`+ids+`,`+edit+`}`, nil)
	if status != 200 || len(res["attributes"].(map[string]any)["results"].(map[string]any)["updated"].([]any)) != 0 {
		t.Fatalf("dry run: %d %v", status, res)
	}
	if _, r := do(t, k, "GET", "/api/detection_engine/rules?id="+first, "", nil); strings.Contains(strings.Join(anyStrings(r["tags"]), ","), "reviewed") {
		t.Errorf("dry run changed the rule")
	}
	// The edit itself; repeating it skips the rules.
	status, res = do(t, k, "POST", "/api/detection_engine/rules/_bulk_action", `{"action":"edit",`+ids+`,`+edit+`}`, nil)
	if status != 200 {
		t.Fatalf("edit: %d %v", status, res)
	}
	if _, r := do(t, k, "GET", "/api/detection_engine/rules?id="+first, "", nil); r["interval"] != "10m" || r["from"] != "now-720s" || !strings.Contains(strings.Join(anyStrings(r["tags"]), ","), "reviewed") {
		t.Errorf("edit not applied: %v %v %v", r["interval"], r["from"], r["tags"])
	}
	_, res = do(t, k, "POST", "/api/detection_engine/rules/_bulk_action", `{"action":"edit",`+ids+`,`+edit+`}`, nil)
	if s := res["attributes"].(map[string]any)["summary"].(map[string]any); s["skipped"] != 2.0 {
		t.Errorf("repeated edit: %v", s)
	}

	// By query: duplicate the phishing rule.
	status, res = do(t, k, "POST", "/api/detection_engine/rules/_bulk_action", `{"action":"duplicate","query":"alert.attributes.tags:phishing","duplicate":{"include_exceptions":false,"include_expired_exceptions":false}}`, nil)
	created := res["attributes"].(map[string]any)["results"].(map[string]any)["created"].([]any)
	if status != 200 || len(created) != 1 || created[0].(map[string]any)["name"] != "User clicked a known phishing link [Duplicate]" || created[0].(map[string]any)["enabled"] != false {
		t.Fatalf("duplicate: %d %v", status, res)
	}

	// Unknown ids fail with Kibana's 500 and the errors.
	status, res = do(t, k, "POST", "/api/detection_engine/rules/_bulk_action", `{"action":"delete","ids":["`+first+`","00000000-0000-4000-8000-000000000000"]}`, nil)
	if status != 500 || res["attributes"].(map[string]any)["summary"].(map[string]any)["failed"] != 1.0 {
		t.Fatalf("delete with a missing id: %d %v", status, res)
	}
	if status, _ := do(t, k, "GET", "/api/detection_engine/rules?id="+first, "", nil); status != 404 {
		t.Errorf("deleted rule still read: %d", status)
	}

	for _, tc := range []struct{ body, want string }{
		{`{"action":"enable",` + ids + `,"query":"x"}`, "Both query and ids are sent"},
		{`{"action":"edit",` + ids + `}`, "[request body]: edit: Required"},
		{`{"action":"explode",` + ids + `}`, "[request body]: action: Invalid discriminator value"},
	} {
		if status, res := do(t, k, "POST", "/api/detection_engine/rules/_bulk_action", tc.body, nil); status != 400 || !strings.Contains(res["message"].(string), tc.want) {
			t.Errorf("%s: %d %v", tc.body, status, res)
		}
	}
	if status, _ := do(t, k, "POST", "/api/detection_engine/rules/_bulk_action?dry_run=true", `{"action":"export",`+ids+`}`, nil); status != 400 {
		t.Errorf("dry-run export: %d", status)
	}
}

func TestDetectionRuleExportImport(t *testing.T) {
	k, _ := detSandbox(t)
	req := httptest.NewRequest("POST", "/api/detection_engine/rules/_export?file_name=mine.ndjson", strings.NewReader(`{"objects":[{"rule_id":"brute-force-logins"},{"rule_id":"gone"}]}`))
	req.Header.Set("Authorization", "ApiKey "+testKey)
	req.Header.Set("kbn-xsrf", "true")
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	k.ServeHTTP(w, req)
	// The rule and the details: its actions notify through preconfigured
	// connectors, which an export leaves out.
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/ndjson" || !strings.Contains(w.Header().Get("Content-Disposition"), "mine.ndjson") || len(lines) != 2 {
		t.Fatalf("export: %d %v %q", w.Code, w.Header(), w.Body.String())
	}
	if !strings.Contains(lines[1], `"missing_rules":[{"rule_id":"gone"}]`) || !strings.Contains(lines[1], `"exported_rules_count":1`) || !strings.Contains(lines[1], `"excluded_action_connection_count":2`) {
		t.Errorf("details: %s", lines[1])
	}
	if status, res := do(t, k, "POST", "/api/detection_engine/rules/_export", `{}`, nil); status != 400 || res["message"] != "[request body]: objects: Required" {
		t.Errorf("export {}: %d %v", status, res)
	}

	importFile := func(name, content, query string) (int, map[string]any) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		part, _ := mw.CreateFormFile("file", name)
		part.Write([]byte(content))
		mw.Close()
		return do(t, k, "POST", "/api/detection_engine/rules/_import"+query, buf.String(), map[string]string{"Content-Type": mw.FormDataContentType()})
	}
	// The exported rule exists: a conflict unless overwriting.
	status, res := importFile("rules.ndjson", w.Body.String(), "")
	if status != 200 || res["success"] != false || res["success_count"] != 0.0 || res["rules_count"] != 1.0 {
		t.Errorf("import without overwrite: %d %v", status, res)
	}
	renamed := strings.Replace(lines[0], `"name":"Multiple failed logins followed by success"`, `"name":"Brute force (imported)"`, 1)
	status, res = importFile("rules.ndjson", renamed+"\n", "?overwrite=true")
	if status != 200 || res["success"] != true || res["success_count"] != 1.0 {
		t.Errorf("import with overwrite: %d %v", status, res)
	}
	if _, r := do(t, k, "GET", "/api/detection_engine/rules?rule_id=brute-force-logins", "", nil); r["name"] != "Brute force (imported)" || r["id"] != ruleIDIn("default", 0) {
		t.Errorf("overwritten rule: %v %v", r["name"], r["id"])
	}
	if status, _ := importFile("rules.json", lines[0], ""); status != 400 {
		t.Errorf("import of a .json file: %d", status)
	}
	status, res = importFile("rules.ndjson", `{"name":"no rule_id"}`+"\n", "")
	if status != 200 || !strings.Contains(res["errors"].([]any)[0].(map[string]any)["error"].(map[string]any)["message"].(string), "rule_id: Required") {
		t.Errorf("import without rule_id: %v", res)
	}
}

func TestPrebuiltRulesAndAlertsIndex(t *testing.T) {
	k, _ := detSandbox(t)
	_, st := do(t, k, "GET", "/api/detection_engine/rules/prepackaged/_status", "", nil)
	if st["rules_custom_installed"] != 5.0 || st["rules_installed"] != 0.0 || st["rules_not_installed"] != float64(len(prebuiltRules)) || st["timelines_not_installed"] != 3.0 {
		t.Fatalf("status before: %v", st)
	}
	status, res := do(t, k, "PUT", "/api/detection_engine/rules/prepackaged", "", nil)
	if status != 200 || res["rules_installed"] != float64(len(prebuiltRules)) || res["timelines_installed"] != 3.0 {
		t.Fatalf("install: %d %v", status, res)
	}
	_, st = do(t, k, "GET", "/api/detection_engine/rules/prepackaged/_status", "", nil)
	if st["rules_installed"] != float64(len(prebuiltRules)) || st["rules_not_installed"] != 0.0 || st["timelines_installed"] != 3.0 {
		t.Errorf("status after: %v", st)
	}
	if _, again := do(t, k, "PUT", "/api/detection_engine/rules/prepackaged", "", nil); again["rules_installed"] != 0.0 || again["timelines_installed"] != 0.0 {
		t.Errorf("second install: %v", again)
	}
	_, r := do(t, k, "GET", "/api/detection_engine/rules?rule_id="+prebuiltRules[0].ruleID, "", nil)
	if r["immutable"] != true || r["enabled"] != false || r["rule_source"].(map[string]any)["type"] != "external" {
		t.Errorf("prebuilt rule: %v", r)
	}

	// Privileges and the alerts index.
	if _, p := do(t, k, "GET", "/api/detection_engine/privileges", "", nil); p["is_authenticated"] != true || p["has_encryption_key"] != true {
		t.Errorf("privileges: %v", p)
	}
	if _, ix := do(t, k, "GET", "/s/soc/api/detection_engine/index", "", nil); ix["name"] != ".alerts-security.alerts-soc" {
		t.Errorf("index: %v", ix)
	}
	if status, _ := do(t, k, "DELETE", "/api/detection_engine/index", "", nil); status != 200 {
		t.Fatalf("delete index: %d", status)
	}
	if status, _ := do(t, k, "GET", "/api/detection_engine/index", "", nil); status != 404 {
		t.Errorf("read deleted index: %d", status)
	}
	if status, _ := do(t, k, "DELETE", "/api/detection_engine/index", "", nil); status != 404 {
		t.Errorf("delete again: %d", status)
	}
	if res := alertSearch(t, k, "", `{"size":0,"track_total_hits":true}`); totalOf(res) != 0 {
		t.Errorf("alerts survive their index: %d", totalOf(res))
	}
	if status, _ := do(t, k, "POST", "/api/detection_engine/index", "", nil); status != 200 {
		t.Errorf("create index")
	}
	if status, _ := do(t, k, "GET", "/api/detection_engine/index", "", nil); status != 200 {
		t.Errorf("read recreated index: %d", status)
	}
}

func TestDetectionRulePreview(t *testing.T) {
	k, _ := detSandbox(t)
	status, res := do(t, k, "POST", "/api/detection_engine/rules/preview?enable_logged_requests=true", `{"invocationCount":3,"timeframeEnd":"2025-03-14T12:00:00.000Z","name":"p","description":"p","risk_score":1,"severity":"low","type":"query","query":"event.outcome:failure","index":["logs-*"],"interval":"1h"}`, nil)
	logs, _ := res["logs"].([]any)
	if status != 200 || res["previewId"] == "" || len(logs) != 3 || logs[0].(map[string]any)["startedAt"] != "2025-03-14T10:00:00.000Z" || logs[0].(map[string]any)["requests"] == nil {
		t.Fatalf("preview: %d %v", status, res)
	}
	if status, res := do(t, k, "POST", "/api/detection_engine/rules/preview", `{"name":"p","description":"p","risk_score":1,"severity":"low","type":"query"}`, nil); status != http.StatusBadRequest || !strings.Contains(res["message"].(string), "invocationCount: Required") {
		t.Errorf("preview without window: %d %v", status, res)
	}
}

// TestDetectionRuleCrossChecks: the rules across members Kibana's routes
// check after the schema answer 400 with its words; a gap range finds the
// rules whose last run had a gap (none in the seed).
func TestDetectionRuleCrossChecks(t *testing.T) {
	k, _ := detSandbox(t)
	const head = `"name":"r","description":"d","risk_score":21,"severity":"low"`
	for _, tc := range []struct{ body, want string }{
		{`{` + head + `,"type":"query","timeline_id":"t1"}`, `when "timeline_id" exists, "timeline_title" must also exist`},
		{`{` + head + `,"type":"query","timeline_id":"","timeline_title":"T"}`, `"timeline_id" cannot be an empty string`},
		{`{` + head + `,"type":"threat_match","query":"*","threat_index":["ti"],"threat_query":"*","threat_mapping":[{"entries":[{"field":"a","type":"mapping","value":"b"}]}],"items_per_search":10}`, `when "items_per_search" exists, "concurrent_searches" must also exist`},
		{`{` + head + `,"type":"threshold","query":"*","threshold":{"field":["a"],"value":2,"cardinality":[{"field":"a","value":1}]}}`, "Cardinality of a field that is being aggregated on is always 1"},
	} {
		if status, res := do(t, k, "POST", "/api/detection_engine/rules", tc.body, nil); status != 400 || res["message"] != tc.want {
			t.Errorf("%s: %d %v, want 400 %q", tc.body, status, res, tc.want)
		}
	}
	if status, found := do(t, k, "GET", "/api/detection_engine/rules/_find?gaps_range_start=2025-03-13T00:00:00Z&gaps_range_end=2025-03-14T00:00:00Z", "", nil); status != 200 || found["total"] != 0.0 {
		t.Errorf("find with a gap range: %d %v", status, found)
	}
}
