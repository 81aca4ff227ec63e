package sandbox

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// soImportRequest sends a multipart import as import_saved_objects does.
func soImportRequest(t *testing.T, k *Kibana, path, filename, file string, fields map[string]string) (int, map[string]any, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for name, v := range fields {
		w.WriteField(name, v)
	}
	part, _ := w.CreateFormFile("file", filename)
	part.Write([]byte(file))
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Authorization", "ApiKey "+testKey)
	req.Header.Set("kbn-xsrf", "true")
	req.Header.Set("Content-Type", w.FormDataContentType())
	rec := httptest.NewRecorder()
	k.ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out, rec.Body.String()
}

func soExportRequest(t *testing.T, k *Kibana, path, body string) (*httptest.ResponseRecorder, []string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Authorization", "ApiKey "+testKey)
	req.Header.Set("kbn-xsrf", "true")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	k.ServeHTTP(rec, req)
	return rec, strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
}

func TestSavedObjectsLifecycle(t *testing.T) {
	k := platformKibana()
	runPlatformSteps(t, k, []platformStep{
		{"GET", "/api/saved_objects/tag/soc-triage", "", 200},
		{"GET", "/api/saved_objects/tag/nope", "", 404},
		{"GET", "/api/saved_objects/widget/x", "", 400},
		{"POST", "/api/saved_objects/tag/phishing", `{"attributes":{"name":"phishing","color":"#6092C0"}}`, 200},
		{"POST", "/api/saved_objects/tag/phishing", `{"attributes":{"name":"again"}}`, 409},
		{"POST", "/api/saved_objects/tag/phishing?overwrite=true", `{"attributes":{"name":"phishing v2"}}`, 200},
		{"POST", "/api/saved_objects/tag", `{}`, 400},
		{"POST", "/api/saved_objects/tag", `{"attributes":{"name":"x"},"bogus":1}`, 400},
		{"PUT", "/api/saved_objects/tag/phishing", `{"attributes":{"color":"#000000"},"version":"WzEsMV0="}`, 409},
		{"PUT", "/api/saved_objects/tag/phishing", `{"attributes":{"color":"#000000"},"version":"WzIsMV0="}`, 200},
		{"PUT", "/api/saved_objects/tag/ghost", `{"attributes":{"color":"#000000"}}`, 404},
		{"PUT", "/api/saved_objects/tag/ghost", `{"attributes":{},"upsert":{"name":"ghost"}}`, 200},
		{"GET", "/s/soc/api/saved_objects/tag/phishing", "", 404},
	})
	status, got := do(t, k, "GET", "/api/saved_objects/tag/phishing", "", nil)
	attrs, _ := got["attributes"].(map[string]any)
	if status != 200 || attrs["name"] != "phishing v2" || attrs["color"] != "#000000" || got["version"] != dvVersion(3) {
		t.Errorf("after overwrite and update: %d %v", status, got)
	}
	_, missing := do(t, k, "GET", "/api/saved_objects/tag/nope", "", nil)
	if missing["message"] != "Saved object [tag/nope] not found" {
		t.Errorf("404 message %q", missing["message"])
	}
	_, conflict := do(t, k, "POST", "/api/saved_objects/tag/soc-triage", `{"attributes":{"name":"x"}}`, nil)
	if conflict["message"] != "Saved object [tag/soc-triage] conflict" {
		t.Errorf("409 message %q", conflict["message"])
	}
	_, bad := do(t, k, "POST", "/api/saved_objects/tag", `{}`, nil)
	if bad["message"] != "[request body.attributes]: expected value of type [object] but got [undefined]" {
		t.Errorf("400 message %q", bad["message"])
	}
}

// TestSavedObjectsSeeThroughOtherAreas checks that data views, dashboards
// and connectors are the saved objects of those types, both ways.
func TestSavedObjectsSeeThroughOtherAreas(t *testing.T) {
	k := platformKibana()
	runPlatformSteps(t, k, []platformStep{
		{"POST", "/api/data_views/data_view", `{"data_view":{"title":"auditbeat-*","id":"audit","name":"Audit"}}`, 200},
		{"GET", "/api/saved_objects/index-pattern/audit", "", 200},
		{"POST", "/api/saved_objects/index-pattern/winlogs", `{"attributes":{"title":"winlogbeat-*","timeFieldName":"@timestamp","runtimeFieldMap":"{\"hour\":{\"type\":\"long\",\"script\":{\"source\":\"emit(1)\"}}}"}}`, 200},
		{"GET", "/api/data_views/data_view/winlogs", "", 200},
		{"POST", "/api/saved_objects/index-pattern/broken", `{"attributes":{"title":"x-*","runtimeFieldMap":"{\"h\":{\"type\":\"integer\"}}"}}`, 400},
		{"PUT", "/api/saved_objects/index-pattern/winlogs", `{"attributes":{"name":"Windows logs"}}`, 200},
		{"POST", "/api/saved_objects/dashboard/d1", `{"attributes":{"title":"Hunting board","panelsJSON":"[]"},"references":[{"type":"index-pattern","id":"winlogs","name":"panel_1"}]}`, 200},
		{"GET", "/api/dashboards/dashboard", "", 200},
		{"POST", "/api/saved_objects/action/c1", `{"attributes":{"actionTypeId":".server-log","name":"SO log"}}`, 200},
		{"GET", "/api/actions/connector/c1", "", 200},
		{"POST", "/api/saved_objects/action/c2", `{"attributes":{"actionTypeId":".nope","name":"x"}}`, 400},
	})
	_, view := do(t, k, "GET", "/api/data_views/data_view/winlogs", "", nil)
	dv, _ := view["data_view"].(map[string]any)
	if dv["name"] != "Windows logs" || dv["timeFieldName"] != "@timestamp" || dv["runtimeFieldMap"].(map[string]any)["hour"] == nil {
		t.Errorf("data view from saved object: %v", dv)
	}
	_, dashboards := do(t, k, "GET", "/api/dashboards/dashboard?perPage=100", "", nil)
	if !strings.Contains(soJSONText(dashboards), "Hunting board") {
		t.Errorf("dashboard created as saved object is not listed: %v", dashboards)
	}
	_, cn := do(t, k, "GET", "/api/actions/connector/c1", "", nil)
	if cn["name"] != "SO log" || cn["connector_type_id"] != ".server-log" {
		t.Errorf("connector from saved object: %v", cn)
	}
	// Deleting through saved objects deletes the data view.
	runPlatformSteps(t, k, []platformStep{
		{"POST", "/api/saved_objects/_bulk_delete", `[{"type":"index-pattern","id":"audit"}]`, 200},
		{"GET", "/api/data_views/data_view/audit", "", 404},
	})
}

func TestSavedObjectsBulk(t *testing.T) {
	k := platformKibana()
	_, got := do(t, k, "POST", "/api/saved_objects/_bulk_get", `[{"type":"tag","id":"soc-triage"},{"type":"tag","id":"nope"}]`, nil)
	list := got["saved_objects"].([]any)
	if len(list) != 2 || list[1].(map[string]any)["error"].(map[string]any)["statusCode"] != float64(404) {
		t.Errorf("bulk get: %v", got)
	}
	_, created := do(t, k, "POST", "/api/saved_objects/_bulk_create", `[{"type":"tag","id":"a","attributes":{"name":"a"}},{"type":"tag","id":"soc-triage","attributes":{"name":"dup"}}]`, nil)
	list = created["saved_objects"].([]any)
	if list[0].(map[string]any)["error"] != nil || list[1].(map[string]any)["error"].(map[string]any)["statusCode"] != float64(409) {
		t.Errorf("bulk create: %v", created)
	}
	_, updated := do(t, k, "POST", "/api/saved_objects/_bulk_update", `[{"type":"tag","id":"a","attributes":{"color":"#111111"}},{"type":"tag","id":"zz","attributes":{}}]`, nil)
	list = updated["saved_objects"].([]any)
	if list[0].(map[string]any)["version"] != dvVersion(2) || list[1].(map[string]any)["error"] == nil {
		t.Errorf("bulk update: %v", updated)
	}
	_, resolved := do(t, k, "POST", "/api/saved_objects/_bulk_resolve", `[{"type":"dashboard","id":"soc-overview"},{"type":"tag","id":"a"}]`, nil)
	list = resolved["resolved_objects"].([]any)
	if list[0].(map[string]any)["outcome"] != "aliasMatch" || list[1].(map[string]any)["outcome"] != "exactMatch" {
		t.Errorf("bulk resolve: %v", resolved)
	}
	_, deleted := do(t, k, "POST", "/api/saved_objects/_bulk_delete", `[{"type":"tag","id":"a"},{"type":"tag","id":"a"}]`, nil)
	statuses := deleted["statuses"].([]any)
	if statuses[0].(map[string]any)["success"] != true || statuses[1].(map[string]any)["success"] != false {
		t.Errorf("bulk delete: %v", deleted)
	}
	if status, body := do(t, k, "POST", "/api/saved_objects/_bulk_get", `{"type":"tag"}`, nil); status != 400 {
		t.Errorf("object body for a bulk route: %d %v", status, body)
	}
}

func TestSavedObjectsFind(t *testing.T) {
	k := platformKibana()
	count := func(query string) int {
		t.Helper()
		escaped := strings.NewReplacer(" ", "%20", `"`, "%22", "{", "%7B", "}", "%7D").Replace(query)
		status, got := do(t, k, "GET", "/api/saved_objects/_find?"+escaped, "", nil)
		if status != 200 {
			t.Fatalf("find %s: %d %v", query, status, got)
		}
		return int(got["total"].(float64))
	}
	if n := count("type=tag"); n != 2 {
		t.Errorf("tags: %d, want 2", n)
	}
	if n := count("type=dashboard&type=lens&search=soc*"); n != 1 {
		t.Errorf("search soc*: %d, want 1 (the SOC overview dashboard)", n)
	}
	if n := count(`type=search&type=lens&has_reference={"type":"tag","id":"soc-triage"}`); n != 2 {
		t.Errorf("has_reference tag: %d, want 2", n)
	}
	if n := count(`type=dashboard&filter=dashboard.attributes.title:"SOC overview"`); n != 1 {
		t.Errorf("filter on title: %d, want 1", n)
	}
	if n := count(`type=index-pattern&filter=index-pattern.attributes.title:logs*`); n != 1 {
		t.Errorf("filter with wildcard: %d", n)
	}
	_, page := do(t, k, "GET", "/api/saved_objects/_find?type=dashboard&per_page=2&page=2&sort_field=title&fields=title", "", nil)
	objs := page["saved_objects"].([]any)
	if len(objs) != 2 || page["total"].(float64) != 4 {
		t.Fatalf("paging: %v", page)
	}
	if attrs := objs[0].(map[string]any)["attributes"].(map[string]any); len(attrs) != 1 || attrs["title"] != "Fleet health" {
		t.Errorf("page 2 sorted by title with fields=title starts with %v", attrs)
	}
	status, bad := do(t, k, "GET", "/api/saved_objects/_find?type=dashboard&filter=lens.attributes.title:x", "", nil)
	if status != 400 || bad["message"] != "This type lens is not allowed: Bad Request" {
		t.Errorf("filter on another type: %d %v", status, bad)
	}
	status, bad = do(t, k, "GET", "/api/saved_objects/_find?type=dashboard&aggs="+url.QueryEscape(`{"t":{"terms":{"field":"lens.attributes.title"}}}`), "", nil)
	if status != 400 || bad["message"] != "Invalid aggregation: Invalid attribute path: lens.attributes.title: Bad Request" {
		t.Errorf("aggs on another type: %d %v", status, bad)
	}
	status, counted := do(t, k, "GET", "/api/saved_objects/_find?type=dashboard&per_page=0&aggs="+url.QueryEscape(`{"n":{"value_count":{"field":"dashboard.updated_at"}}}`), "", nil)
	if aggs, _ := counted["aggregations"].(map[string]any); status != 200 || aggs["n"] == nil {
		t.Errorf("aggs: %d %v", status, counted)
	}
}

func TestSavedObjectsExportImport(t *testing.T) {
	k := platformKibana()
	rec, lines := soExportRequest(t, k, "/api/saved_objects/_export", `{"type":["tag"]}`)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/ndjson" || !strings.Contains(rec.Header().Get("Content-Disposition"), ".ndjson") {
		t.Fatalf("export: %d %v", rec.Code, rec.Header())
	}
	if len(lines) != 3 || !strings.Contains(lines[2], `"exportedCount":2`) {
		t.Fatalf("export lines: %q", lines)
	}
	if rec, _ := soExportRequest(t, k, "/api/saved_objects/_export", `{"type":["tag"],"objects":[{"type":"tag","id":"soc-triage"}]}`); rec.Code != 400 {
		t.Errorf("type and objects together: %d", rec.Code)
	}
	_, connectors := soExportRequest(t, k, "/api/saved_objects/_export", `{"type":"action","excludeExportDetails":true}`)
	for _, l := range connectors {
		if strings.Contains(l, ".slack") && !strings.Contains(l, `"isMissingSecrets":true`) {
			t.Errorf("exported connector keeps its secrets flag off: %s", l)
		}
	}
	file := strings.Join(lines, "\n")
	// Into soc: both tags exist there too, so without options they conflict.
	status, out, raw := soImportRequest(t, k, "/s/soc/api/saved_objects/_import", "export.ndjson", file, nil)
	if status != 200 || out["success"] != false || strings.Count(raw, `"conflict"`) != 2 {
		t.Errorf("plain import: %d %s", status, raw)
	}
	status, out, raw = soImportRequest(t, k, "/s/soc/api/saved_objects/_import?overwrite=true", "export.ndjson", file, nil)
	if status != 200 || out["success"] != true || strings.Count(raw, `"overwrite":true`) != 2 {
		t.Errorf("overwrite import: %d %s", status, raw)
	}
	status, out, raw = soImportRequest(t, k, "/s/soc/api/saved_objects/_import?createNewCopies=true", "export.ndjson", file, nil)
	if status != 200 || out["successCount"] != float64(2) || strings.Count(raw, `"destinationId"`) != 2 {
		t.Errorf("new copies: %d %s", status, raw)
	}
	if n := len(k.soList(k.spaces["soc"], "tag")); n != 4 {
		t.Errorf("soc has %d tags after importing two copies, want 4", n)
	}
	if status, _, raw := soImportRequest(t, k, "/api/saved_objects/_import?createNewCopies=true&overwrite=true", "export.ndjson", file, nil); status != 400 || !strings.Contains(raw, "cannot use [overwrite] with [createNewCopies]") {
		t.Errorf("exclusive options: %d %s", status, raw)
	}
	if status, _, raw := soImportRequest(t, k, "/api/saved_objects/_import", "export.json", file, nil); status != 400 || !strings.Contains(raw, "Invalid file extension .json") {
		t.Errorf("wrong extension: %d %s", status, raw)
	}
	// A missing reference is refused, then resolved by pointing it elsewhere.
	orphan := `{"type":"search","id":"orphan","attributes":{"title":"Orphan"},"references":[{"type":"index-pattern","id":"gone","name":"kibanaSavedObjectMeta.searchSourceJSON.index"}]}`
	if _, out, raw := soImportRequest(t, k, "/api/saved_objects/_import", "x.ndjson", orphan, nil); out["success"] != false || !strings.Contains(raw, "missing_references") {
		t.Errorf("missing reference: %s", raw)
	}
	retries := `[{"type":"search","id":"orphan","replaceReferences":[{"type":"index-pattern","from":"gone","to":"logs-*"}]}]`
	if _, out, raw := soImportRequest(t, k, "/api/saved_objects/_resolve_import_errors", "x.ndjson", orphan, map[string]string{"retries": retries}); out["success"] != true {
		t.Errorf("resolve import errors: %s", raw)
	}
	_, got := do(t, k, "GET", "/api/saved_objects/search/orphan", "", nil)
	if !strings.Contains(soJSONText(got["references"]), `"id":"logs-*"`) {
		t.Errorf("resolved object's references: %v", got["references"])
	}
}

func TestSavedObjectsResolve(t *testing.T) {
	k := platformKibana()
	_, got := do(t, k, "GET", "/api/saved_objects/resolve/dashboard/soc-overview", "", nil)
	so, _ := got["saved_object"].(map[string]any)
	if got["outcome"] != "aliasMatch" || so["attributes"].(map[string]any)["title"] != "SOC overview" || got["alias_target_id"] != so["id"] {
		t.Errorf("alias: %v", got)
	}
	_, got = do(t, k, "GET", "/api/saved_objects/resolve/tag/soc-triage", "", nil)
	if got["outcome"] != "exactMatch" {
		t.Errorf("exact: %v", got)
	}
	if status, _ := do(t, k, "GET", "/api/saved_objects/resolve/tag/none", "", nil); status != 404 {
		t.Errorf("missing: %d", status)
	}
}
