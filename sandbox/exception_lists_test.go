package sandbox

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

func exKibana() *Kibana { return New(Config{APIKey: testKey, Seed: 1}) }

// exData is the "data" member of a find answer.
func exData(body map[string]any) []any { d, _ := body["data"].([]any); return d }

// TestExceptionListsSeed pins the seeded ids the tools' examples use.
func TestExceptionListsSeed(t *testing.T) {
	k := exKibana()
	for _, c := range []struct{ path, id string }{
		{"/api/exception_lists?list_id=trusted-admin-hosts", "eb649c70-e0d2-418b-88ac-f64ff5326168"},
		{"/s/soc/api/exception_lists?list_id=trusted-admin-hosts", "7abe602d-7d53-4899-88a7-34b5c9a84b22"},
		{"/s/soc/api/exception_lists?list_id=vuln-scanner-sources", "013e6614-ed2e-4d45-851d-3f5a3066c6ae"},
		{"/s/soc/api/exception_lists?list_id=endpoint_trusted_apps&namespace_type=agnostic", "95a626b5-5dec-4a4f-8bfd-404081dba07c"},
		{"/api/exception_lists?list_id=endpoint_trusted_apps&namespace_type=agnostic", "95a626b5-5dec-4a4f-8bfd-404081dba07c"},
		{"/s/soc/api/exception_lists/items?item_id=admin-jump-hosts", "7f13ed67-1b77-477f-80cd-d42a1bb8562c"},
		{"/s/soc/api/exception_lists/items?item_id=corp-vpn-client&namespace_type=agnostic", "71c7bb52-9324-4ed9-8a7e-76ce3de03fe2"},
	} {
		status, body := do(t, k, "GET", c.path, "", nil)
		if status != 200 || body["id"] != c.id {
			t.Errorf("GET %s: %d %v, want id %s", c.path, status, body, c.id)
		}
	}
	// The brute-force rule references its seeded default list.
	_, rule := do(t, k, "GET", "/s/soc/api/detection_engine/rules?id="+ruleIDIn("soc", 0), "", nil)
	refs, _ := rule["exceptions_list"].([]any)
	if len(refs) != 1 || refs[0].(map[string]any)["type"] != "rule_default" {
		t.Fatalf("rule exceptions_list = %v", rule["exceptions_list"])
	}
	listID := refs[0].(map[string]any)["list_id"].(string)
	status, found := do(t, k, "GET", "/s/soc/api/exception_lists/items/_find?list_id="+listID, "", nil)
	if status != 200 || len(exData(found)) != 1 {
		t.Errorf("default list items: %d %v", status, found)
	}
	// soc's three single lists and the two agnostic ones (the trusted apps
	// and the Endpoint list).
	_, soc := do(t, k, "GET", "/s/soc/api/exception_lists/_find?namespace_type=single&namespace_type=agnostic", "", nil)
	if soc["total"] != float64(5) {
		t.Errorf("soc lists: %v", soc["total"])
	}
}

// TestExceptionListLifecycle creates, reads, updates, finds and deletes a
// list and its items, with Kibana's errors on the way.
func TestExceptionListLifecycle(t *testing.T) {
	k := exKibana()
	list := `{"name":"Build servers","description":"CI runners.","type":"detection","list_id":"build-servers","tags":["ci"]}`
	if status, body := do(t, k, "POST", "/api/exception_lists", list, nil); status != 200 || body["version"] != float64(1) || body["namespace_type"] != "single" {
		t.Fatalf("create: %d %v", status, body)
	}
	status, body := do(t, k, "POST", "/api/exception_lists", list, nil)
	epWant(t, status, body, 409, `exception list id: "build-servers" already exists`)
	status, body = do(t, k, "POST", "/api/exception_lists", `{"description":"d","type":"detection"}`, nil)
	epWant(t, status, body, 400, "[request body]: name: Required")
	status, body = do(t, k, "POST", "/api/exception_lists", `{"name":"n","description":"d","type":"nope"}`, nil)
	epWant(t, status, body, 400, "type: Invalid enum value")
	// Another space does not see it.
	status, body = do(t, k, "GET", "/s/soc/api/exception_lists?list_id=build-servers", "", nil)
	epWant(t, status, body, 404, `exception list list_id: "build-servers" does not exist`)

	item := `{"list_id":"build-servers","item_id":"gcc","name":"Compilers","description":"d","type":"simple","os_types":["linux"],"entries":[{"type":"match_any","field":"process.name","operator":"included","value":["gcc","ld"]}]}`
	if status, body := do(t, k, "POST", "/api/exception_lists/items", item, nil); status != 200 || body["list_id"] != "build-servers" {
		t.Fatalf("create item: %d %v", status, body)
	}
	status, body = do(t, k, "POST", "/api/exception_lists/items", item, nil)
	epWant(t, status, body, 409, `exception list item id: "gcc" already exists`)
	status, body = do(t, k, "POST", "/api/exception_lists/items", strings.Replace(item, `"list_id":"build-servers"`, `"list_id":"missing"`, 1), nil)
	epWant(t, status, body, 404, `exception list id: "missing" does not exist`)
	status, body = do(t, k, "POST", "/api/exception_lists/items", `{"list_id":"build-servers","name":"n","description":"d","type":"simple","entries":[{"type":"match","field":"f","operator":"included"}]}`, nil)
	epWant(t, status, body, 400, "entries.0.value: Required")

	// Update: the version moves on, a stale _version conflicts.
	_, got := do(t, k, "GET", "/api/exception_lists?list_id=build-servers", "", nil)
	stale := got["_version"].(string)
	status, body = do(t, k, "PUT", "/api/exception_lists", `{"list_id":"build-servers","name":"Build farm","description":"CI runners.","type":"detection","_version":"`+stale+`"}`, nil)
	if status != 200 || body["name"] != "Build farm" || body["version"] != float64(2) || body["tags"].([]any)[0] != "ci" {
		t.Fatalf("update: %d %v", status, body)
	}
	status, body = do(t, k, "PUT", "/api/exception_lists", `{"list_id":"build-servers","name":"x","description":"","type":"detection","_version":"`+stale+`"}`, nil)
	epWant(t, status, body, 409, "conflict")

	// Find with a KQL filter and paging.
	_, found := do(t, k, "GET", "/api/exception_lists/_find?filter=exception-list.attributes.name:%22Build%20farm%22", "", nil)
	if found["total"] != float64(1) {
		t.Errorf("find by name: %v", found)
	}
	_, paged := do(t, k, "GET", "/api/exception_lists/_find?per_page=1&page=2&sort_field=name&sort_order=asc", "", nil)
	if d := exData(paged); paged["total"] != float64(4) || len(d) != 1 || d[0].(map[string]any)["name"] != "Exceptions for rule - Multiple failed logins followed by success" {
		t.Errorf("page 2 by name: %v", paged)
	}
	status, body = do(t, k, "GET", "/api/exception_lists/_find?filter=exception-list.attributes.nope:x", "", nil)
	epWant(t, status, body, 400, "does NOT exist")

	// Items: find, search, summary by OS, delete.
	_, items := do(t, k, "GET", "/api/exception_lists/items/_find?list_id=build-servers&search=compil", "", nil)
	if items["total"] != float64(1) {
		t.Errorf("search: %v", items)
	}
	_, summary := do(t, k, "GET", "/api/exception_lists/summary?list_id=build-servers", "", nil)
	if summary["linux"] != float64(1) || summary["windows"] != float64(0) || summary["total"] != float64(1) {
		t.Errorf("summary: %v", summary)
	}
	if status, _ := do(t, k, "DELETE", "/api/exception_lists/items?item_id=gcc", "", nil); status != 200 {
		t.Errorf("delete item: %d", status)
	}
	status, body = do(t, k, "GET", "/api/exception_lists/items?item_id=gcc", "", nil)
	epWant(t, status, body, 404, `exception list item item_id: "gcc" does not exist`)

	// Deleting a list deletes its items.
	do(t, k, "POST", "/api/exception_lists/items", item, nil)
	if status, _ := do(t, k, "DELETE", "/api/exception_lists?list_id=build-servers", "", nil); status != 200 {
		t.Errorf("delete list: %d", status)
	}
	status, body = do(t, k, "GET", "/api/exception_lists/items?item_id=gcc", "", nil)
	epWant(t, status, body, 404, "does not exist")
	status, body = do(t, k, "GET", "/api/exception_lists/items/_find?list_id=build-servers", "", nil)
	epWant(t, status, body, 404, `exception list list_id: "build-servers" does not exist`)
}

// TestExceptionListsAgnosticAreShared checks that an agnostic list is one
// object across spaces.
func TestExceptionListsAgnosticAreShared(t *testing.T) {
	k := exKibana()
	item := `{"list_id":"endpoint_trusted_apps","namespace_type":"agnostic","item_id":"putty","name":"PuTTY","description":"d","type":"simple","os_types":["windows"],"entries":[{"type":"match","field":"process.executable.caseless","operator":"included","value":"c:\\putty.exe"}]}`
	if status, body := do(t, k, "POST", "/s/soc/api/exception_lists/items", item, nil); status != 200 {
		t.Fatalf("create in soc: %d %v", status, body)
	}
	_, summary := do(t, k, "GET", "/api/exception_lists/summary?list_id=endpoint_trusted_apps&namespace_type=agnostic", "", nil)
	if summary["windows"] != float64(2) || summary["total"] != float64(4) || summary["macos"] != float64(1) {
		t.Errorf("summary from default: %v", summary)
	}
	// A single-namespace read does not see it.
	status, body := do(t, k, "GET", "/api/exception_lists/items?item_id=putty", "", nil)
	epWant(t, status, body, 404, "does not exist")
}

// TestExceptionListDuplicateExportImport runs the round trips.
func TestExceptionListDuplicateExportImport(t *testing.T) {
	k := exKibana()
	status, dup := do(t, k, "POST", "/api/exception_lists/_duplicate?list_id=vuln-scanner-sources&namespace_type=single&include_expired_exceptions=false", "", nil)
	if status != 200 || dup["name"] != "Vulnerability scanner sources [Duplicate]" {
		t.Fatalf("duplicate: %d %v", status, dup)
	}
	_, items := do(t, k, "GET", "/api/exception_lists/items/_find?list_id="+dup["list_id"].(string), "", nil)
	if items["total"] != float64(3) { // the expired Q4 pentest stays behind
		t.Errorf("duplicated items: %v", items["total"])
	}
	status, body := do(t, k, "POST", "/api/exception_lists/_duplicate?list_id=endpoint_trusted_apps&namespace_type=agnostic&include_expired_exceptions=true", "", nil)
	epWant(t, status, body, 405, "action not allowed")
	status, body = do(t, k, "POST", "/api/exception_lists/_duplicate?list_id=vuln-scanner-sources", "", nil)
	epWant(t, status, body, 400, "[request query]: namespace_type: Required, include_expired_exceptions: Required")

	// Export: ndjson with the list, its items and the summary line.
	w := epRaw(t, k, "POST", "/api/exception_lists/_export?id=dddea52f-573f-4a53-8435-9f3530f79980&list_id=vuln-scanner-sources&namespace_type=single&include_expired_exceptions=true", "", nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/ndjson" || !strings.Contains(w.Header().Get("Content-Disposition"), `.ndjson"`) {
		t.Fatalf("export: %d %v", w.Code, w.Header())
	}
	lines := strings.Split(strings.TrimSpace(w.Body.String()), "\n")
	if len(lines) != 6 || !strings.Contains(lines[5], `"exported_exception_list_item_count":4`) {
		t.Fatalf("export lines: %q", lines)
	}
	export := w.Body.Bytes()
	w = epRaw(t, k, "POST", "/api/exception_lists/_export?id=dddea52f-573f-4a53-8435-9f3530f79980&list_id=other&namespace_type=single&include_expired_exceptions=true", "", nil)
	if w.Code != 404 {
		t.Errorf("export of a mismatched list: %d", w.Code)
	}

	// Import the export: conflicts without overwrite, replaced with it,
	// a new list with as_new_list, and into another space as is.
	for _, c := range []struct {
		path                 string
		success              bool
		lists, items, errors int
	}{
		{"/api/exception_lists/_import", false, 0, 0, 5},
		{"/api/exception_lists/_import?overwrite=true", true, 1, 4, 0},
		{"/api/exception_lists/_import?as_new_list=true", true, 1, 4, 0},
		{"/s/soc/api/exception_lists/_import?as_new_list=true", true, 1, 4, 0},
	} {
		status, res := exImportFile(t, k, c.path, "vuln.ndjson", export)
		if status != 200 || res["success"] != c.success || res["success_count_exception_lists"] != float64(c.lists) ||
			res["success_count_exception_list_items"] != float64(c.items) || len(res["errors"].([]any)) != c.errors {
			t.Errorf("%s: %d %v", c.path, status, res)
		}
	}
	_, found := do(t, k, "GET", "/api/exception_lists/_find?filter=exception-list.attributes.name:%22Vulnerability%20scanner%20sources%22", "", nil)
	if found["total"] != float64(2) {
		t.Errorf("lists after imports: %v", found["total"])
	}
	status, res := exImportFile(t, k, "/api/exception_lists/_import", "vuln.json", export)
	epWant(t, status, res, 400, "Invalid file extension .json")
	status, res = exImportFile(t, k, "/api/exception_lists/_import", "orphan.ndjson", []byte(`{"item_id":"x","list_id":"nowhere","name":"n","description":"d","type":"simple","entries":[]}`+"\n"))
	if errs := res["errors"].([]any); status != 200 || len(errs) != 1 || !strings.Contains(errs[0].(map[string]any)["error"].(map[string]any)["message"].(string), `list_id: "nowhere", not found`) {
		t.Errorf("orphan item: %d %v", status, res)
	}
}

func exImportFile(t *testing.T, k *Kibana, path, name string, data []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, _ := w.CreateFormFile("file", name)
	part.Write(data)
	w.Close()
	rec := epRaw(t, k, "POST", path, w.FormDataContentType(), buf.Bytes())
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// TestRuleExceptions creates rule-scoped items: the rule's default list is
// created and referenced once, then reused; a deleted default list is
// replaced.
func TestRuleExceptions(t *testing.T) {
	k := exKibana()
	rule := ruleIDIn("default", 1)
	path := "/api/detection_engine/rules/" + rule + "/exceptions"
	item := `{"items":[{"name":"Training domain","description":"d","type":"simple","entries":[{"type":"match","field":"url.domain","operator":"included","value":"phishsim.example"}]}]}`
	status, body := do(t, k, "POST", path, item, nil)
	created, _ := body["list"].([]any)
	if status != 200 || len(created) != 1 {
		t.Fatalf("create: %d %v", status, body)
	}
	listID := created[0].(map[string]any)["list_id"].(string)
	_, r := do(t, k, "GET", "/api/detection_engine/rules?id="+rule, "", nil)
	refs := r["exceptions_list"].([]any)
	if len(refs) != 1 || refs[0].(map[string]any)["list_id"] != listID {
		t.Fatalf("rule references %v, want %s", refs, listID)
	}
	_, l := do(t, k, "GET", "/api/exception_lists?list_id="+listID, "", nil)
	if l["type"] != "rule_default" || l["name"] != "Exceptions for rule - User clicked a known phishing link" {
		t.Errorf("default list: %v", l)
	}
	_, body = do(t, k, "POST", path, strings.Replace(item, "Training", "Second", 1), nil)
	if body["list"].([]any)[0].(map[string]any)["list_id"] != listID {
		t.Errorf("second item went to another list: %v", body)
	}
	// The list is deleted behind the rule's back: a new one replaces it.
	do(t, k, "DELETE", "/api/exception_lists?list_id="+listID, "", nil)
	_, body = do(t, k, "POST", path, item, nil)
	if body["list"].([]any)[0].(map[string]any)["list_id"] == listID {
		t.Errorf("item went to the deleted list: %v", body)
	}
	_, r = do(t, k, "GET", "/api/detection_engine/rules?id="+rule, "", nil)
	if refs := r["exceptions_list"].([]any); len(refs) != 1 || refs[0].(map[string]any)["list_id"] == listID {
		t.Errorf("rule references %v", refs)
	}

	status, body = do(t, k, "POST", "/api/detection_engine/rules/"+ruleIDIn("soc", 1)+"/exceptions", item, nil)
	epWant(t, status, body, http.StatusNotFound, "not found")
	status, body = do(t, k, "POST", "/api/detection_engine/rules/not-a-uuid/exceptions", item, nil)
	epWant(t, status, body, 400, "[request params]: id: Invalid uuid")
	status, body = do(t, k, "POST", path, `{"items":[{"name":"n","type":"simple","entries":[]}]}`, nil)
	epWant(t, status, body, 400, "[request body]: items.0.description: Required")
	status, body = do(t, k, "POST", path, `{}`, nil)
	epWant(t, status, body, 400, "[request body]: items: Required")
}

// TestSharedExceptionList creates a shared list.
func TestSharedExceptionList(t *testing.T) {
	k := exKibana()
	status, body := do(t, k, "POST", "/s/soc/api/exceptions/shared", `{"name":"Red team","description":"Engagement hosts."}`, nil)
	if status != 200 || body["type"] != "detection" || body["namespace_type"] != "single" {
		t.Fatalf("create: %d %v", status, body)
	}
	if status, _ := do(t, k, "GET", "/s/soc/api/exception_lists?id="+body["id"].(string), "", nil); status != 200 {
		t.Errorf("get: %d", status)
	}
	status, body = do(t, k, "POST", "/api/exceptions/shared", `{"name":"Red team"}`, nil)
	epWant(t, status, body, 400, "description: Required")
}

// TestExceptionValueListReferences checks that deleting a value list sees
// the exception items whose list entries name it, and removes them on
// request.
func TestExceptionValueListReferences(t *testing.T) {
	k := exKibana()
	status, body := do(t, k, "DELETE", "/api/lists?id=vuln-scanner-ranges", "", nil)
	if status != http.StatusConflict || !strings.Contains(mustJSON(t, body), "nessus-scanners") {
		t.Fatalf("delete referenced value list: %d %v", status, body)
	}
	if status, body := do(t, k, "DELETE", "/api/lists?id=vuln-scanner-ranges&deleteReferences=true", "", nil); status != 200 {
		t.Fatalf("delete with references: %d %v", status, body)
	}
	status, body = do(t, k, "GET", "/api/exception_lists/items?item_id=nessus-scanners", "", nil)
	epWant(t, status, body, 404, "does not exist")
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
