package sandbox

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAgentBuilderJSONRPCRoutes: the A2A and MCP routes answer JSON-RPC
// errors for what they do not take, MCP's initialize and notifications as
// the transport expects, and A2A's task as completed.
func TestAgentBuilderJSONRPCRoutes(t *testing.T) {
	k := New(Config{APIKey: testKey, Seed: 1})
	for _, c := range []struct {
		path, body string
		status     int
		want       string
	}{
		{"/api/agent_builder/a2a/soc-triage", `{"jsonrpc":"2.0","id":1,"method":"tasks/cancel","params":{"id":"x"}}`, 200, "map[code:-32601 message:Method not found: tasks/cancel]"},
		{"/api/agent_builder/a2a/soc-triage", `{"id":1,"method":"message/send"}`, 200, "code:-32600"},
		{"/api/agent_builder/a2a/soc-triage", `{"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"role":"user","parts":[]}}}`, 200, "code:-32602"},
		{"/api/agent_builder/a2a/soc-triage", `{"jsonrpc":"2.0","id":1,"method":"message/send","params":{"message":{"kind":"message","role":"user","messageId":"m","parts":[{"kind":"text","text":"hi"}]}}}`, 200, "state:completed"},
		{"/api/agent_builder/a2a/nobody", `{"jsonrpc":"2.0","id":1,"method":"message/send","params":{}}`, 404, "Agent nobody not found"},
		{"/api/agent_builder/mcp", `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`, 200, "capabilities:map[tools:"},
		{"/api/agent_builder/mcp", `{"jsonrpc":"2.0","method":"notifications/initialized"}`, 202, "map[]"},
		{"/api/agent_builder/mcp", `{"jsonrpc":"2.0","id":2,"method":"resources/list"}`, 200, "code:-32601"},
	} {
		status, body := do(t, k, http.MethodPost, c.path, c.body, nil)
		if got := fmt.Sprint(body); status != c.status || !strings.Contains(got, c.want) {
			t.Errorf("%s %s: %d %s, want %d %q", c.path, c.body, status, got, c.status, c.want)
		}
	}
}

// TestAgentBuilderConverseStreamFraming: the stream is Kibana's SSE: an
// event and a data line per event, a blank line after each, ending with
// round_complete.
func TestAgentBuilderConverseStreamFraming(t *testing.T) {
	k := New(Config{APIKey: testKey, Seed: 1})
	req := httptest.NewRequest(http.MethodPost, "/api/agent_builder/converse/async", strings.NewReader(`{"input":"How many alerts per rule?"}`))
	req.Header.Set("Authorization", "ApiKey "+testKey)
	req.Header.Set("kbn-xsrf", "true")
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	k.ServeHTTP(w, req)
	out := w.Body.String()
	if w.Code != 200 || w.Header().Get("Content-Type") != "text/event-stream" {
		t.Fatalf("%d %s", w.Code, w.Header().Get("Content-Type"))
	}
	events := strings.Split(strings.TrimSuffix(out, "\n\n"), "\n\n")
	first, last := events[0], events[len(events)-1]
	if !strings.HasPrefix(first, "event: conversation_id_set\ndata: {") || !strings.HasPrefix(last, "event: round_complete\ndata: {") {
		t.Errorf("first %q, last %q", first, last)
	}
	for _, want := range []string{"event: tool_call\n", "event: tool_result\n", "event: message_chunk\n", "event: message_complete\n", "kibana.alert.rule.name"} {
		if !strings.Contains(out, want) {
			t.Errorf("stream lacks %q", want)
		}
	}
}
