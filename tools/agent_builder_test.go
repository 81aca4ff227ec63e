package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
)

// TestAgentBuilderExamplesSucceed runs every example of the toolset
// against a fresh seeded sandbox: each must succeed.
func TestAgentBuilderExamplesSucceed(t *testing.T) {
	n := 0
	for _, op := range All() {
		if op.Toolset != "agent_builder" {
			continue
		}
		n++
		for i, ex := range op.Examples {
			_, client := sandboxtest.New(t, nil)
			if isErr, texts := callFlow(t, client, op.Name, ex); isErr {
				t.Errorf("%s example %d failed: %v", op.Name, i, texts)
			}
		}
	}
	if n != 19 {
		t.Errorf("%d agent_builder tools, want 19", n)
	}
}

// TestAgentBuilderConversation: an agent created through the API answers
// a counting question by running ES|QL over the sandbox's data, and the
// exchange is kept as a round of its conversation, which a second message
// continues.
func TestAgentBuilderConversation(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	must := func(name, args string) string {
		t.Helper()
		isErr, texts := callFlow(t, client, name, args)
		if isErr {
			t.Fatalf("%s %s: %v", name, args, texts)
		}
		return texts[0]
	}
	must("create_ai_agent", `{"id":"hunter","name":"Hunter","description":"d","configuration":{"tools":[{"tool_ids":["platform.core.execute_esql"]}]}}`)
	var answer struct {
		ConversationID string `json:"conversation_id"`
		Steps          []struct {
			ToolID string         `json:"tool_id"`
			Params map[string]any `json:"params"`
		} `json:"steps"`
		Response struct{ Message string } `json:"response"`
	}
	if err := json.Unmarshal([]byte(must("converse_with_ai_agent", `{"agent_id":"hunter","input":"How many events per host?"}`)), &answer); err != nil {
		t.Fatal(err)
	}
	if len(answer.Steps) != 1 || answer.Steps[0].ToolID != "platform.core.execute_esql" || !strings.Contains(answer.Steps[0].Params["query"].(string), "BY host.name") {
		t.Fatalf("want one ES|QL call grouping by host.name, got %+v", answer.Steps)
	}
	if !strings.HasPrefix(answer.Response.Message, "Counts by host.name") {
		t.Errorf("answer: %q", answer.Response.Message)
	}
	must("converse_with_ai_agent", `{"agent_id":"hunter","conversation_id":"`+answer.ConversationID+`","input":"Thanks. What can you do?"}`)
	var conv struct {
		AgentID string `json:"agent_id"`
		Rounds  []struct {
			Input    struct{ Message string }
			Response struct{ Message string }
		}
	}
	if err := json.Unmarshal([]byte(must("get_ai_agent_conversation", `{"conversation_id":"`+answer.ConversationID+`"}`)), &conv); err != nil {
		t.Fatal(err)
	}
	if conv.AgentID != "hunter" || len(conv.Rounds) != 2 || conv.Rounds[1].Input.Message != "Thanks. What can you do?" {
		t.Fatalf("conversation: %+v", conv)
	}
	// The list has it, filtered by agent; deleting it removes it.
	if list := must("list_ai_agent_conversations", `{"agent_id":"hunter"}`); !strings.Contains(list, answer.ConversationID) {
		t.Errorf("list by agent misses the conversation: %s", list)
	}
	must("delete_ai_agent_conversation", `{"conversation_id":"`+answer.ConversationID+`"}`)
	if isErr, _ := callFlow(t, client, "get_ai_agent_conversation", `{"conversation_id":"`+answer.ConversationID+`"}`); !isErr {
		t.Error("the deleted conversation is still there")
	}
	// An agent without ES|QL says it cannot look.
	must("update_ai_agent", `{"id":"hunter","configuration":{"tools":[{"tool_ids":["platform.core.list_indices"]}]}}`)
	if out := must("converse_with_ai_agent", `{"agent_id":"hunter","input":"count the alerts"}`); !strings.Contains(out, "cannot look at your data") {
		t.Errorf("agent without ES|QL: %s", out)
	}
}

// TestAgentBuilderCustomTools: a custom ES|QL tool runs its query with the
// given parameter; the built-in ones are read-only.
func TestAgentBuilderCustomTools(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "create_ai_agent_tool", `{"id":"soc.by_outcome","type":"esql","description":"Auth events of an outcome.","configuration":{"query":"FROM logs-system.auth-* | WHERE event.outcome == ?outcome | STATS n = COUNT(*)","params":{"outcome":{"type":"keyword","description":"success or failure"}}}}`)
	if isErr {
		t.Fatal(texts)
	}
	isErr, texts = callFlow(t, client, "execute_ai_agent_tool", `{"tool_id":"soc.by_outcome","tool_params":{"outcome":"failure"}}`)
	if isErr || !strings.Contains(texts[0], `"tabular_data"`) {
		t.Fatalf("execute: %v", texts)
	}
	isErr, texts = callFlow(t, client, "list_ai_agent_tools", `{}`)
	if isErr || !strings.Contains(texts[0], "soc.by_outcome") || !strings.Contains(texts[0], `"readonly":true`) {
		t.Fatalf("list: %.500s", texts)
	}
	isErr, texts = callFlow(t, client, "delete_ai_agent_tool", `{"id":"platform.core.execute_esql"}`)
	if !isErr || !strings.Contains(strings.Join(texts, " "), "read-only") {
		t.Errorf("deleting a built-in tool: %v", texts)
	}
}

// TestAgentBuilderArgumentChecks pins what is refused before sending,
// with the message the model reads.
func TestAgentBuilderArgumentChecks(t *testing.T) {
	const cfg = `"configuration":{"tools":[{"tool_ids":["*"]}]}`
	for _, c := range []struct{ tool, args, want string }{
		{"create_ai_agent", `{"id":"SOC Bot","name":"n","description":"d",` + cfg + `}`, `invalid argument "id": must be lowercase letters, digits, _ and -, in dot-separated segments that start and end with a letter or digit, got SOC Bot`},
		{"create_ai_agent", `{"id":"a","name":" ","description":"d",` + cfg + `}`, `invalid argument "name": must not be blank`},
		{"create_ai_agent", `{"id":"a","name":"n","description":"d","configuration":{"tools":[{"tool_ids":["Bad Tool"]}]}}`, `invalid argument "configuration.tools[0].tool_ids": names a tool id Kibana cannot have: Bad Tool (ids from list_ai_agent_tools, or *)`},
		{"create_ai_agent", `{"id":"a","name":"n","description":"d",` + cfg + `,"avatar_color":"green"}`, `invalid argument "avatar_color": must be a hex colour such as #54B399, got green`},
		{"update_ai_agent", `{"id":"elastic-ai-agent","name":"x"}`, `invalid argument "id": elastic-ai-agent is the built-in agent, which is read-only; create_ai_agent makes an editable one`},
		{"update_ai_agent", `{"id":"a"}`, `invalid arguments: give at least one of name, description, configuration, labels, avatar_color, avatar_symbol`},
		{"create_ai_agent_tool", `{"id":"platform.mine","type":"index_search","configuration":{"pattern":"logs-*"}}`, `invalid argument "id": the platform namespace is the built-in tools'; use another, e.g. soc.`},
		{"create_ai_agent_tool", `{"id":"new","type":"index_search","configuration":{"pattern":"logs-*"}}`, `invalid argument "id": new is reserved`},
		{"create_ai_agent_tool", `{"id":"t","type":"index_search","configuration":{"query":"FROM x"}}`, `invalid argument "configuration.query": is not a member of a index_search tool's configuration; use pattern`},
		{"create_ai_agent_tool", `{"id":"t","type":"workflow","configuration":{}}`, `invalid argument "configuration.workflow_id": is required for a workflow tool`},
		{"create_ai_agent_tool", `{"id":"t","type":"esql","configuration":{"query":"FROM x | WHERE a == ?b","params":{}}}`, `invalid argument "configuration.params": the query uses ?b, which params does not declare`},
		{"create_ai_agent_tool", `{"id":"t","type":"esql","configuration":{"query":"FROM x","params":{"b":{"type":"keyword","description":"d"}}}}`, `invalid argument "configuration.params.b": is declared but the query does not use ?b`},
		{"create_ai_agent_tool", `{"id":"t","type":"esql","configuration":{"query":"FROM x | WHERE a == ?b","params":{"b":{"type":"string","description":"d"}}}}`, `invalid argument "configuration.params.b.type": must be one of text, keyword, long, integer, double, float, boolean, date, object, nested`},
		{"update_ai_agent_tool", `{"id":"platform.core.execute_esql","tags":["x"]}`, `invalid argument "id": built-in tools are read-only`},
		{"update_ai_agent_tool", `{"id":"t"}`, `invalid arguments: give at least one of description, tags, configuration`},
		{"converse_with_ai_agent", `{"input":"  "}`, `invalid argument "input": must not be blank`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
	// What the schemas catch, named by field.
	for _, c := range []struct{ tool, args, field string }{
		{"create_ai_agent_tool", `{"id":"t","type":"python","configuration":{}}`, "type"},
		{"execute_ai_agent_tool", `{"tool_id":"x"}`, "tool_params"},
		{"create_ai_agent", `{"id":"a","name":"n","description":"d","configuration":{}}`, "configuration.tools"},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || !strings.Contains(err.Error(), `"`+c.field) {
			t.Errorf("%s %s: got %v, want an error naming %s", c.tool, c.args, err, c.field)
		}
	}
}

// TestAgentBuilderAnnotationsAndAdmin: reads are read-only; what needs
// Kibana's manage privilege is Admin; conversations are the user's own.
func TestAgentBuilderAnnotationsAndAdmin(t *testing.T) {
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, openWorld
		"list_ai_agents":               {true, false, true, false},
		"create_ai_agent":              {false, false, false, false},
		"update_ai_agent":              {false, true, true, false},
		"delete_ai_agent_tool":         {false, true, true, false},
		"converse_with_ai_agent":       {false, false, false, true},
		"delete_ai_agent_conversation": {false, true, true, false},
		"stream_ai_agent_conversation": {false, false, false, true},
		"send_agent_to_agent_message":  {false, false, false, true},
		"call_agent_builder_mcp":       {false, false, false, false},
	} {
		a := mustLookup(t, name).Annotations()
		got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
		if got != want {
			t.Errorf("%s: hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", name, got, want)
		}
	}
	for _, op := range All() {
		if op.Toolset != "agent_builder" {
			continue
		}
		manage := strings.Contains(op.Name, "create_") || strings.Contains(op.Name, "update_") || op.Name == "delete_ai_agent" || op.Name == "delete_ai_agent_tool"
		// The protocol routes are for protocol clients: named, not default.
		manage = manage || op.Path == "/api/agent_builder/converse/async" || op.Path == "/api/agent_builder/a2a/{agentId}" || op.Path == "/api/agent_builder/mcp"
		if op.Admin != manage {
			t.Errorf("%s: Admin = %v, want %v", op.Name, op.Admin, manage)
		}
	}
}
