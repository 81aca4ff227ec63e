package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestAgentBuilderRefusals: what Kibana refuses, the sandbox refuses with
// the member or object named.
func TestAgentBuilderRefusals(t *testing.T) {
	k := New(Config{APIKey: testKey, Seed: 1})
	const agent = `{"id":"%s","name":"n","description":"d","configuration":{"tools":[{"tool_ids":[%s]}]}}`
	for _, c := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"POST", "/api/agent_builder/agents", fmt.Sprintf(agent, "soc-triage", `"*"`), 400, "Agent with id soc-triage already exists"},
		{"POST", "/api/agent_builder/agents", fmt.Sprintf(agent, "Bad Id", `"*"`), 400, "Invalid agent id"},
		{"POST", "/api/agent_builder/agents", fmt.Sprintf(agent, "a", `"no.such_tool"`), 400, "unknown tool: no.such_tool"},
		{"POST", "/api/agent_builder/agents", `{"id":"a","name":"n","description":"d","configuration":{}}`, 400, "[request body.configuration.tools]"},
		{"PUT", "/api/agent_builder/agents/elastic-ai-agent", `{"name":"x"}`, 400, "read-only"},
		{"DELETE", "/api/agent_builder/agents/nobody", "", 404, "Agent nobody not found"},
		{"POST", "/api/agent_builder/tools", `{"id":"platform.x","type":"esql","configuration":{"query":"FROM a","params":{}}}`, 400, "protected namespace"},
		{"POST", "/api/agent_builder/tools", `{"id":"t","type":"esql","configuration":{"query":"FROM a | WHERE b == ?c","params":{}}}`, 400, "undefined parameters: c"},
		{"POST", "/api/agent_builder/tools", `{"id":"t","type":"index_search","configuration":{}}`, 400, "[request body.configuration.pattern]"},
		{"PUT", "/api/agent_builder/tools/platform.core.execute_esql", `{"tags":[]}`, 400, "read-only"},
		{"POST", "/api/agent_builder/converse", `{"input":"hi","agent_id":"nobody"}`, 404, "Agent nobody not found"},
		{"POST", "/api/agent_builder/converse", `{"input":"hi","conversation_id":"` + seedABConversationID + `"}`, 400, "belongs to agent soc-triage"},
		{"POST", "/api/agent_builder/tools/_execute", `{"tool_id":"soc.failed_logins","tool_params":{}}`, 400, "[user]: Required"},
		{"GET", "/api/agent_builder/a2a/nobody.json", "", 404, "Agent nobody not found"},
	} {
		status, body := do(t, k, c.method, c.path, c.body, nil)
		if status != c.status || !strings.Contains(fmt.Sprint(body["message"]), c.want) {
			t.Errorf("%s %s %s: %d %v, want %d %q", c.method, c.path, c.body, status, body["message"], c.status, c.want)
		}
	}
}

// TestAgentBuilderDeletingAToolUnselectsIt: an agent that selected a
// deleted tool no longer lists it; spaces keep their own.
func TestAgentBuilderDeletingAToolUnselectsIt(t *testing.T) {
	k := New(Config{APIKey: testKey, Seed: 1})
	if status, body := do(t, k, http.MethodDelete, "/api/agent_builder/tools/soc.failed_logins", "", nil); status != 200 {
		t.Fatalf("delete: %d %v", status, body)
	}
	_, body := do(t, k, http.MethodGet, "/api/agent_builder/agents/soc-triage", "", nil)
	if ids := fmt.Sprint(body["configuration"]); strings.Contains(ids, "soc.failed_logins") {
		t.Errorf("the agent still selects the deleted tool: %s", ids)
	}
	if status, _ := do(t, k, http.MethodGet, "/s/soc/api/agent_builder/tools/soc.failed_logins", "", nil); status != 200 {
		t.Errorf("the soc space lost its own tool: %d", status)
	}
}
