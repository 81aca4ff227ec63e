package sandbox

import (
	"encoding/base64"
	"strings"
	"testing"
)

// analyst is the Basic credentials header of endpointKibana's user.
var analyst = map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("analyst:pw"))}

// TestAssistantPromptsStoredAndFound: the default prompts are there; a
// bulk action creates, changes and deletes, and find sees the result.
func TestAssistantPromptsStoredAndFound(t *testing.T) {
	k, _ := endpointKibana()
	const base = "/api/security_ai_assistant/prompts"
	status, body := do(t, k, "GET", base+"/_find?filter=prompt_type:quick&sort_field=name", "", nil)
	if status != 200 || body["total"] != float64(3) {
		t.Fatalf("quick prompts: %d %v", status, body)
	}
	status, body = do(t, k, "POST", base+"/_bulk_action", `{"create":[{"name":"Triage","promptType":"quick","content":"What first?"}],`+
		`"update":[{"id":"default-system-prompt","content":"Be terse."},{"id":"nope","content":"x"}],"delete":{"ids":["quick-prompt-rule-creation"]}}`, nil)
	summary := body["attributes"].(map[string]any)["summary"].(map[string]any)
	if status != 200 || body["success"] != false || summary["succeeded"] != float64(3) || summary["failed"] != float64(1) || body["prompts_count"] != float64(4) {
		t.Fatalf("bulk: %d %v", status, body)
	}
	_, body = do(t, k, "GET", base+"/_find?filter=name:Triage", "", nil)
	if body["total"] != float64(1) {
		t.Errorf("created prompt not found: %v", body)
	}
	_, body = do(t, k, "GET", base+"/_find?filter=prompt_type:system", "", nil)
	if d := body["data"].([]any); len(d) != 1 || d[0].(map[string]any)["content"] != "Be terse." {
		t.Errorf("updated system prompt: %v", body)
	}
	status, body = do(t, k, "POST", base+"/_bulk_action", `{"create":[{"name":"x","content":"y"}]}`, nil)
	epWant(t, status, body, 400, "promptType")
}

// TestAssistantAnonymizationBulk: a field changed, one added, one deleted
// by query; find reflects each.
func TestAssistantAnonymizationBulk(t *testing.T) {
	k, _ := endpointKibana()
	const base = "/api/security_ai_assistant/anonymization_fields"
	status, body := do(t, k, "POST", base+"/_bulk_action", `{"update":[{"id":"anon-field-host-name","anonymized":false}],`+
		`"create":[{"field":"threat.indicator.ip","allowed":true}],"delete":{"query":"field:url.full"}}`, nil)
	res := body["attributes"].(map[string]any)["results"].(map[string]any)
	if status != 200 || len(res["updated"].([]any)) != 1 || len(res["created"].([]any)) != 1 || len(res["deleted"].([]any)) != 1 {
		t.Fatalf("bulk: %d %v", status, body)
	}
	_, body = do(t, k, "GET", base+"/_find?filter=field:host.name", "", nil)
	if f := anonFields(t, body); len(f) != 1 || f[0]["anonymized"] != false {
		t.Errorf("host.name after update: %v", body)
	}
	_, body = do(t, k, "GET", base+"/_find?filter=field:url.full", "", nil)
	if body["total"] != float64(0) {
		t.Errorf("url.full not deleted: %v", body)
	}
	status, body = do(t, k, "POST", base+"/_bulk_action", `{"create":[{"field":"host.name"}]}`, nil)
	if status != 200 || body["success"] != false {
		t.Errorf("a field that exists is an error of the action: %d %v", status, body)
	}
}

// TestAssistantKnowledgeBase: setup flips the status; entries are created,
// read, replaced and found; private entries stay their author's.
func TestAssistantKnowledgeBase(t *testing.T) {
	k, _ := endpointKibana()
	const base = "/api/security_ai_assistant/knowledge_base"
	_, body := do(t, k, "GET", base+"/security_labs", "", nil)
	if body["elser_exists"] != true || body["user_data_exists"] != true {
		t.Errorf("seeded status: %v", body)
	}
	// A new space is not set up until setup_knowledge_base runs.
	do(t, k, "POST", "/api/spaces/space", `{"id":"fresh","name":"Fresh"}`, nil)
	if _, st := do(t, k, "GET", "/s/fresh"+base+"/user", "", nil); st["elser_exists"] != false || st["is_setup_available"] != true {
		t.Errorf("new space's status: %v", st)
	}
	do(t, k, "POST", "/s/fresh"+base+"/user?ignoreSecurityLabs=true", "", nil)
	if _, st := do(t, k, "GET", "/s/fresh"+base+"/user", "", nil); st["elser_exists"] != true {
		t.Errorf("after setup: %v", st)
	}
	status, body := do(t, k, "POST", base+"/entries", `{"name":"Print servers","type":"document","kbResource":"user","source":"user","text":"prn-NN are print servers."}`, analyst)
	if status != 200 || body["global"] != false || body["createdBy"] != "analyst" {
		t.Fatalf("create: %d %v", status, body)
	}
	id := body["id"].(string)
	status, _ = do(t, k, "GET", base+"/entries/"+id, "", nil) // elastic, through the API key
	if status != 404 {
		t.Errorf("another user's private entry: %d", status)
	}
	status, body = do(t, k, "PUT", base+"/entries/"+id, `{"name":"Print servers","type":"document","kbResource":"user","source":"user","text":"prn-NN and prt-NN are print servers.","global":true}`, analyst)
	if status != 200 || !strings.Contains(body["text"].(string), "prt-NN") {
		t.Fatalf("update: %d %v", status, body)
	}
	_, body = do(t, k, "GET", base+"/entries/_find?filter=name:Print*", "", nil)
	if body["total"] != float64(1) {
		t.Errorf("global entry not found by others: %v", body)
	}
	status, body = do(t, k, "POST", base+"/entries", `{"name":"Print servers","type":"document","kbResource":"user","source":"user","text":"again"}`, analyst)
	epWant(t, status, body, 409, "already exists")
	status, body = do(t, k, "POST", base+"/entries", `{"name":"TI","type":"index","index":"logs-ti_*"}`, nil)
	epWant(t, status, body, 400, "field")
	status, body = do(t, k, "POST", base+"/entries/_bulk_action", `{"delete":{"ids":["`+id+`"]}}`, nil)
	if status != 200 || body["knowledgeBaseEntriesCount"] != float64(3) {
		t.Errorf("bulk delete: %d %v", status, body)
	}
}

// TestAssistantConversations: conversations are their user's, changed and
// deleted one at a time or all at once.
func TestAssistantConversations(t *testing.T) {
	k, _ := endpointKibana()
	const base = "/api/security_ai_assistant/current_user/conversations"
	status, body := do(t, k, "POST", base, `{"title":"Beaconing","messages":[{"role":"user","content":"hi","timestamp":"2025-03-12T09:00:00Z"}]}`, analyst)
	if status != 200 || body["category"] != "assistant" || len(body["messages"].([]any)) != 1 {
		t.Fatalf("create: %d %v", status, body)
	}
	id := body["id"].(string)
	_, body = do(t, k, "GET", base+"/_find", "", analyst)
	if body["total"] != float64(1) {
		t.Errorf("analyst sees only their own: %v", body)
	}
	_, body = do(t, k, "GET", base+"/_find", "", nil)
	if body["total"] != float64(1) || body["data"].([]any)[0].(map[string]any)["id"] != "conv-ransomware-fs-02" {
		t.Errorf("elastic sees the story's: %v", body)
	}
	status, _ = do(t, k, "GET", base+"/"+id, "", nil)
	if status != 404 {
		t.Errorf("another user's conversation: %d", status)
	}
	status, body = do(t, k, "PUT", base+"/"+id, `{"id":"`+id+`","title":"Beaconing from ws-0142"}`, analyst)
	if status != 200 || body["title"] != "Beaconing from ws-0142" || len(body["messages"].([]any)) != 1 {
		t.Errorf("update: %d %v", status, body)
	}
	status, body = do(t, k, "PUT", base+"/"+id, `{"title":"x"}`, analyst)
	epWant(t, status, body, 400, "id")
	do(t, k, "POST", base, `{"title":"Second"}`, analyst)
	status, body = do(t, k, "DELETE", base, `{"excludedIds":["`+id+`"]}`, analyst)
	if status != 200 || body["totalDeleted"] != float64(1) {
		t.Errorf("delete all but one: %d %v", status, body)
	}
	if status, _ = do(t, k, "DELETE", base+"/"+id, "", analyst); status != 200 {
		t.Errorf("delete: %d", status)
	}
	if _, body = do(t, k, "GET", base+"/_find", "", nil); body["total"] != float64(1) {
		t.Errorf("elastic's conversation survived the analyst's deletes: %v", body)
	}
}

// TestAssistantChat: the answer is the same for the same question, quotes
// the knowledge base, and with persist lands in the conversation; the
// Observability chat streams its events.
func TestAssistantChat(t *testing.T) {
	k, _ := endpointKibana()
	conn := adSeedID("default", "connector", 1)
	ask := `{"connectorId":"` + conn + `","persist":false,"isStream":false,"messages":[{"role":"user","content":"What is our ransomware response runbook?"}]}`
	status, first := do(t, k, "POST", "/api/security_ai_assistant/chat/complete", ask, nil)
	_, again := do(t, k, "POST", "/api/security_ai_assistant/chat/complete", ask, nil)
	if status != 200 || first["data"] != again["data"] || !strings.Contains(first["data"].(string), "Isolate the host") {
		t.Fatalf("chat: %d %v / %v", status, first, again)
	}
	status, body := do(t, k, "POST", "/api/security_ai_assistant/chat/complete", `{"connectorId":"`+conn+`","persist":true,"conversationId":"conv-ransomware-fs-02",`+
		`"messages":[{"role":"user","content":"Which user?","data":{"user.name":"jdoe"},"fields_to_anonymize":["user.name"]}]}`, nil)
	if status != 200 || body["conversationId"] != "conv-ransomware-fs-02" || len(body["replacements"].(map[string]any)) != 1 {
		t.Fatalf("persisted chat: %d %v", status, body)
	}
	_, body = do(t, k, "GET", "/api/security_ai_assistant/current_user/conversations/conv-ransomware-fs-02", "", nil)
	if n := len(body["messages"].([]any)); n != 4 {
		t.Errorf("conversation has %d messages, want 4", n)
	}
	status, body = do(t, k, "POST", "/api/security_ai_assistant/chat/complete", `{"connectorId":"nope","persist":false,"messages":[{"role":"user","content":"q"}]}`, nil)
	epWant(t, status, body, 404, "nope")

	rec := epRaw(t, k, "POST", "/api/observability_ai_assistant/chat/complete", "application/json",
		[]byte(`{"connectorId":"`+conn+`","persist":true,"messages":[{"@timestamp":"2025-03-12T09:00:00Z","message":{"role":"user","content":"Why is checkout slow?"}}]}`))
	out := rec.Body.String()
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/x-ndjson" || !strings.Contains(out, `"type":"messageAdd"`) || !strings.Contains(out, `"type":"conversationCreate"`) {
		t.Errorf("observability chat: %d %s", rec.Code, out)
	}
}
