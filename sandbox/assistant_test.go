package sandbox

import (
	"net/url"
	"slices"
	"testing"
)

func anonFields(t *testing.T, body map[string]any) []map[string]any {
	t.Helper()
	data, ok := body["data"].([]any)
	if !ok {
		t.Fatalf("no data in %v", body)
	}
	var out []map[string]any
	for _, d := range data {
		out = append(out, d.(map[string]any))
	}
	return out
}

func TestAnonymizationFieldsFind(t *testing.T) {
	k, _ := endpointKibana()
	status, body := do(t, k, "GET", "/api/security_ai_assistant/anonymization_fields/_find", "", nil)
	total := float64(len(aiDefaultFields))
	if status != 200 || body["total"] != total || body["page"] != float64(1) || body["perPage"] != float64(20) || len(anonFields(t, body)) != 20 {
		t.Fatalf("default find: %d %v", status, body)
	}
	f := anonFields(t, body)[0]
	for _, key := range []string{"id", "field", "allowed", "anonymized", "createdAt", "createdBy", "updatedAt", "updatedBy", "namespace", "timestamp"} {
		if _, ok := f[key]; !ok {
			t.Errorf("field without %s: %v", key, f)
		}
	}
	find := func(q url.Values) map[string]any {
		t.Helper()
		status, body := do(t, k, "GET", "/api/security_ai_assistant/anonymization_fields/_find?"+q.Encode(), "", nil)
		if status != 200 {
			t.Fatalf("%v: %d %v", q, status, body)
		}
		return body
	}
	body = find(url.Values{"filter": {"anonymized:true"}, "sort_field": {"field"}, "sort_order": {"asc"}, "per_page": {"100"}})
	var names []string
	for _, f := range anonFields(t, body) {
		names = append(names, f["field"].(string))
	}
	if !slices.Equal(names, []string{"host.name", "source.ip", "user.domain", "user.name", "user.target.name"}) {
		t.Errorf("anonymized fields in default: %v", names)
	}
	buckets := body["aggregations"].(map[string]any)["field_status"].(map[string]any)["buckets"].(map[string]any)
	if buckets["anonymized"].(map[string]any)["doc_count"] != float64(5) || buckets["denied"].(map[string]any)["doc_count"] != float64(0) {
		t.Errorf("aggregations: %v", buckets)
	}
	body = find(url.Values{"filter": {"allowed:false or field:host.*"}, "per_page": {"100"}})
	for _, f := range anonFields(t, body) {
		if f["allowed"] == true && f["field"].(string)[:5] != "host." {
			t.Errorf("filter let through %v", f)
		}
	}
	body = find(url.Values{"fields": {"field", "allowed"}, "per_page": {"2"}, "page": {"3"}, "sort_field": {"field"}, "sort_order": {"desc"}, "all_data": {"true"}})
	page := anonFields(t, body)
	if len(page) != 2 || len(page[0]) != 3 || page[0]["anonymized"] != nil || body["all"] == nil || len(body["all"].([]any)) != len(aiDefaultFields) {
		t.Errorf("fields, paging and all_data: %v", body)
	}
	if body = find(url.Values{"per_page": {"0"}}); body["total"] != total || len(anonFields(t, body)) != 0 {
		t.Errorf("per_page 0: %v", body)
	}
	for _, tc := range []struct{ query, want string }{
		{"page=0", "[request query]: page: Number must be greater than or equal to 1"},
		{"per_page=x", "[request query]: per_page: Expected number, received nan"},
		{"sort_field=name", "[request query]: sort_field: Invalid enum value"},
		{"sort_order=up", "[request query]: sort_order: Invalid enum value"},
		{"all_data=yes", "all_data"},
		{"filter=" + url.QueryEscape("allowed:"), "KQLSyntaxError"},
	} {
		status, body := do(t, k, "GET", "/api/security_ai_assistant/anonymization_fields/_find?"+tc.query, "", nil)
		epWant(t, status, body, 400, tc.want)
	}
	// soc's team changed other defaults; its fields are its own.
	_, body = do(t, k, "GET", "/s/soc/api/security_ai_assistant/anonymization_fields/_find?filter=field:user.email", "", nil)
	if f := anonFields(t, body); len(f) != 1 || f[0]["anonymized"] != true || f[0]["namespace"] != "soc" {
		t.Errorf("soc's user.email: %v", body)
	}
	// A new space gets the defaults on first use.
	k.mu.Lock()
	k.addSpace("empty", "Empty")
	k.mu.Unlock()
	status, body = do(t, k, "GET", "/s/empty/api/security_ai_assistant/anonymization_fields/_find?filter=anonymized:true", "", nil)
	if status != 200 || body["total"] != float64(4) {
		t.Errorf("empty space: %d %v", status, body["total"])
	}
}

func TestKnowledgeBaseEntryDelete(t *testing.T) {
	k, _ := endpointKibana()
	var id, socID string
	for key := range k.spaces["default"].assistant.kb {
		id = key
	}
	for key := range k.spaces["soc"].assistant.kb {
		socID = key
	}
	if len(k.spaces["default"].assistant.kb) != 3 || id == socID {
		t.Fatalf("seeded knowledge base: %v", k.spaces["default"].assistant.kb)
	}
	status, body := do(t, k, "DELETE", "/s/soc/api/security_ai_assistant/knowledge_base/entries/"+id, "", nil)
	epWant(t, status, body, 404, id)
	status, body = do(t, k, "DELETE", "/api/security_ai_assistant/knowledge_base/entries/"+id, "", nil)
	if status != 200 || body["id"] != id || len(body) != 1 {
		t.Errorf("delete: %d %v", status, body)
	}
	status, body = do(t, k, "DELETE", "/api/security_ai_assistant/knowledge_base/entries/"+id, "", nil)
	epWant(t, status, body, 404, id)
	status, body = do(t, k, "DELETE", "/api/security_ai_assistant/knowledge_base/entries/kb-entry-00000000", "", nil)
	epWant(t, status, body, 404, "kb-entry-00000000")
	if len(k.spaces["soc"].assistant.kb) != 3 {
		t.Error("soc's knowledge base changed")
	}
	k.mu.Lock()
	k.addSpace("empty", "Empty")
	k.mu.Unlock()
	status, body = do(t, k, "DELETE", "/s/empty/api/security_ai_assistant/knowledge_base/entries/"+socID, "", nil)
	epWant(t, status, body, 404, socID)
}
