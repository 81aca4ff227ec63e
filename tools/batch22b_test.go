package tools

import (
	"slices"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
)

// batch22bTools are the second batch of issue 22: the rest of the spaces,
// saved objects, security, APM, data views and AI assistant routes.
var batch22bTools = []string{
	"copy_saved_objects_to_space", "resolve_copy_to_space_errors", "get_shareable_references", "update_objects_spaces",
	"disable_legacy_url_aliases", "rotate_encryption_key", "query_roles", "bulk_put_roles", "invalidate_sessions",
	"create_apm_annotation", "create_runtime_field",
	"bulk_anonymization_fields", "find_ai_prompts", "bulk_ai_prompts", "chat_ai_assistant", "chat_observability_ai_assistant",
	"get_knowledge_base_status", "setup_knowledge_base", "find_knowledge_base_entries", "get_knowledge_base_entry",
	"create_knowledge_base_entry", "update_knowledge_base_entry", "bulk_knowledge_base_entries",
	"find_ai_conversations", "get_ai_conversation", "create_ai_conversation", "update_ai_conversation",
	"delete_ai_conversation", "delete_all_ai_conversations",
}

// TestBatch22bExamplesSucceed runs every example of the batch against a
// fresh seeded sandbox through the tools: each must succeed, not merely be
// well formed (their ids are the story's).
func TestBatch22bExamplesSucceed(t *testing.T) {
	for _, name := range batch22bTools {
		for i, ex := range mustLookup(t, name).Examples {
			_, client := sandboxtest.New(t, nil)
			if isErr, texts := callFlow(t, client, name, ex); isErr {
				t.Errorf("%s example %d failed: %v", name, i, texts)
			}
		}
	}
}

// TestBatch22bArgumentChecks pins the checks the schemas cannot make, with
// the message the model reads.
func TestBatch22bArgumentChecks(t *testing.T) {
	const objs = `"objects":[{"type":"tag","id":"t"}]`
	for _, c := range []struct{ tool, args, want string }{
		{"copy_saved_objects_to_space", `{"spaces":["soc"],` + objs + `,"overwrite":true,"createNewCopies":true}`, `invalid argument "createNewCopies": cannot be true with overwrite`},
		{"copy_saved_objects_to_space", `{"spaces":["*"],` + objs + `}`, `invalid argument "spaces": name each target space; "*" is for update_objects_spaces`},
		{"resolve_copy_to_space_errors", `{` + objs + `,"retries":{}}`, `invalid argument "retries": give at least one space's retries`},
		{"update_objects_spaces", `{` + objs + `}`, `invalid arguments: give spacesToAdd or spacesToRemove`},
		{"update_objects_spaces", `{` + objs + `,"spacesToAdd":["soc"],"spacesToRemove":["soc"]}`, `invalid argument "spacesToRemove": names soc, which spacesToAdd also names`},
		{"invalidate_sessions", `{"match":"query"}`, `invalid argument "query": is required with match query`},
		{"invalidate_sessions", `{"match":"all","query":{"provider":{"type":"basic"}}}`, `invalid argument "query": is only for match query; leave it out with match all`},
		{"bulk_put_roles", `{"roles":{"r":{"elasticsearch":{},"kibana":[{"base":[]}]}}}`, `invalid argument "roles.r.kibana[0]": grants nothing; give base (all or read) or feature privileges`},
		{"create_apm_annotation", `{"serviceName":"s","@timestamp":"yesterday","service":{"version":"1"}}`, `invalid argument "@timestamp": must be an ISO 8601 time with offset, e.g. 2025-03-12T10:00:00Z`},
		{"bulk_anonymization_fields", `{}`, `invalid arguments: give at least one of create, update, delete`},
		{"bulk_anonymization_fields", `{"update":[{"id":"x"}]}`, `invalid argument "update[0]": changes nothing; give allowed or anonymized`},
		{"bulk_anonymization_fields", `{"delete":{}}`, `invalid argument "delete": give ids or query`},
		{"bulk_ai_prompts", `{"update":[{"id":"p"}]}`, `invalid argument "update[0]": changes nothing; give content, categories, color or isNewConversationDefault`},
		{"create_knowledge_base_entry", `{"name":"n","type":"document"}`, `invalid argument "text": a document needs its text`},
		{"create_knowledge_base_entry", `{"name":"n","type":"document","text":"t","index":"logs-*"}`, `invalid argument "type": index, field, description, queryDescription, inputSchema and outputFields are for index entries`},
		{"create_knowledge_base_entry", `{"name":"n","type":"index","index":"i","field":"f","description":"d","queryDescription":"q","text":"t"}`, `invalid argument "type": text, kbResource, source and required are for document entries`},
		{"bulk_knowledge_base_entries", `{"create":[{"name":" ","type":"document","text":"t"}]}`, `invalid argument "create[0].name": must not be blank`},
		{"create_ai_conversation", `{"title":"t","messages":[{"role":"user","content":"c","timestamp":"noon"}]}`, `invalid argument "messages[0].timestamp": must be an ISO 8601 time with offset, e.g. 2025-03-12T09:00:00Z`},
		{"update_ai_conversation", `{"id":"c"}`, `invalid arguments: give at least one of title, users, category, apiConfig, messages, replacements`},
		{"chat_ai_assistant", `{"connectorId":"c","persist":false,"messages":[{"role":"assistant","content":"hi"}]}`, `invalid argument "messages": the last message must be the user's, with content`},
		{"chat_observability_ai_assistant", `{"connectorId":"c","persist":false,"messages":[{"@timestamp":"now","message":{"role":"user","content":"q"}}]}`, `invalid argument "messages[0].@timestamp": must be an ISO 8601 time with offset, e.g. 2025-03-12T09:00:00Z`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestBatch22bRequests pins what reaches Kibana where the tools fill
// something in: defaults, the conversation id in path and body, the chat's
// isStream, a document entry's kbResource and source.
func TestBatch22bRequests(t *testing.T) {
	checkRequests(t, []requestCase{
		{tool: "copy_saved_objects_to_space", args: `{"spaces":["soc"],"objects":[{"type":"tag","id":"t"}],"overwrite":true}`,
			method: "POST", path: "/api/spaces/_copy_saved_objects", body: `{"spaces":["soc"],"objects":[{"type":"tag","id":"t"}],"overwrite":true,"createNewCopies":false}`},
		{tool: "copy_saved_objects_to_space", args: `{"spaces":["soc"],"objects":[{"type":"tag","id":"t"}]}`,
			method: "POST", path: "/api/spaces/_copy_saved_objects", body: `{"spaces":["soc"],"objects":[{"type":"tag","id":"t"}],"createNewCopies":true}`},
		{tool: "update_objects_spaces", args: `{"objects":[{"type":"tag","id":"t"}],"spacesToAdd":["soc"]}`,
			method: "POST", path: "/api/spaces/_update_objects_spaces", body: `{"objects":[{"type":"tag","id":"t"}],"spacesToAdd":["soc"],"spacesToRemove":[]}`},
		{tool: "update_ai_conversation", args: `{"id":"c1","title":"T","space_id":"soc"}`,
			method: "PUT", path: "/api/security_ai_assistant/current_user/conversations/c1", body: `{"id":"c1","title":"T"}`, space: "soc"},
		{tool: "chat_ai_assistant", args: `{"connectorId":"c","persist":false,"messages":[{"role":"user","content":"q"}],"content_references_disabled":true}`,
			method: "POST", path: "/api/security_ai_assistant/chat/complete", query: "content_references_disabled=true",
			body: `{"connectorId":"c","persist":false,"messages":[{"role":"user","content":"q"}],"isStream":false}`},
		{tool: "create_knowledge_base_entry", args: `{"name":"n","type":"document","text":"t"}`,
			method: "POST", path: "/api/security_ai_assistant/knowledge_base/entries", body: `{"name":"n","type":"document","text":"t","kbResource":"user","source":"user"}`},
		{tool: "query_roles", args: `{"query":"soc"}`, method: "POST", path: "/api/security/role/_query", body: `{"query":"soc","size":25}`},
		{tool: "rotate_encryption_key", args: `{"type":"action","batch_size":100}`, method: "POST", path: "/api/encrypted_saved_objects/_rotate_key", query: "batch_size=100&type=action"},
		{tool: "find_ai_conversations", args: `{}`, method: "GET", path: "/api/security_ai_assistant/current_user/conversations/_find", query: "per_page=5"},
	})
}

// TestBatch22bAnnotationsAndAdmin: reads are read-only; writes that replace
// or remove are destructive; the chats reach an LLM; only everyday reads
// stay out of Admin, so the default selection is unchanged.
func TestBatch22bAnnotationsAndAdmin(t *testing.T) {
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, openWorld
		"get_shareable_references":    {true, false, true, false},
		"copy_saved_objects_to_space": {false, true, false, false},
		"update_objects_spaces":       {false, true, false, false},
		"invalidate_sessions":         {false, true, true, false},
		"bulk_put_roles":              {false, true, true, false},
		"chat_ai_assistant":           {false, false, false, true},
		"delete_all_ai_conversations": {false, true, true, false},
		"update_knowledge_base_entry": {false, true, true, false},
		"create_runtime_field":        {false, false, false, false},
	} {
		a := mustLookup(t, name).Annotations()
		got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
		if got != want {
			t.Errorf("%s: hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", name, got, want)
		}
	}
	everyday := []string{"query_roles", "find_ai_prompts", "get_knowledge_base_status", "find_knowledge_base_entries",
		"get_knowledge_base_entry", "find_ai_conversations", "get_ai_conversation"}
	for _, name := range batch22bTools {
		op := mustLookup(t, name)
		if op.Admin == slices.Contains(everyday, name) {
			t.Errorf("%s: Admin = %v", name, op.Admin)
		}
		if op.Toolset == "spaces" && !op.Admin {
			t.Errorf("%s would join the default selection", name)
		}
		if strings.TrimSpace(op.Description) == "" || len(op.Examples) < 2 {
			t.Errorf("%s: a description and two examples are expected", name)
		}
	}
}
