package tools

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// seen is what a loopback Kibana was sent.
type seen struct {
	method, path, rawPath, accept, xsrf, ctype string
	body                                       map[string]any
}

// protocolServer answers every request with status, ctype and body, and
// keeps what it was sent.
func protocolServer(t *testing.T, status int, ctype, answer string) (*kibana.Client, *seen) {
	t.Helper()
	s := &seen{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		*s = seen{method: r.Method, path: r.URL.Path, rawPath: r.URL.EscapedPath(), accept: r.Header.Get("Accept"), xsrf: r.Header.Get("kbn-xsrf"), ctype: r.Header.Get("Content-Type")}
		if err := json.Unmarshal(data, &s.body); err != nil {
			t.Errorf("request body is not a JSON object: %q", data)
		}
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(answer))
	}))
	t.Cleanup(srv.Close)
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "secret-key", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return client, s
}

func decode(t *testing.T, text string, into any) {
	t.Helper()
	if err := json.Unmarshal([]byte(text), into); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, text)
	}
}

type streamAnswer struct {
	ConversationID string `json:"conversation_id"`
	Title          string `json:"title"`
	RoundID        string `json:"round_id"`
	Complete       bool   `json:"complete"`
	Steps          []struct {
		Type       string           `json:"type"`
		Reasoning  string           `json:"reasoning"`
		ToolCallID string           `json:"tool_call_id"`
		ToolID     string           `json:"tool_id"`
		Params     map[string]any   `json:"params"`
		Progress   []string         `json:"progress"`
		Results    []map[string]any `json:"results"`
	} `json:"steps"`
	Response struct{ Message string } `json:"response"`
}

// TestStreamConversationAgainstSandbox: the streamed round says what
// converse would (an ES|QL count by host), is kept as a round of a new
// conversation, and continuing it adds a round.
func TestStreamConversationAgainstSandbox(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "stream_ai_agent_conversation", `{"input":"How many events per host?"}`)
	if isErr {
		t.Fatal(texts)
	}
	if len(texts) != 1 {
		t.Errorf("a complete stream needs no note: %q", texts[1:])
	}
	var a streamAnswer
	decode(t, texts[0], &a)
	if a.ConversationID == "" || !a.Complete || a.RoundID == "" || a.Title != "How many events per host?" {
		t.Fatalf("answer: %+v", a)
	}
	if len(a.Steps) != 2 || a.Steps[0].Type != "reasoning" || a.Steps[1].ToolID != "platform.core.execute_esql" ||
		!strings.Contains(a.Steps[1].Params["query"].(string), "BY host.name") || len(a.Steps[1].Results) == 0 || len(a.Steps[1].Progress) != 1 {
		t.Fatalf("want the (non-transient) reasoning then one ES|QL call by host.name with results: %+v", a.Steps)
	}
	if !strings.HasPrefix(a.Response.Message, "Counts by host.name") {
		t.Errorf("message: %q", a.Response.Message)
	}
	if isErr, texts := callFlow(t, client, "stream_ai_agent_conversation", `{"input":"What can you do?","conversation_id":"`+a.ConversationID+`"}`); isErr {
		t.Fatal(texts)
	}
	_, texts = callFlow(t, client, "get_ai_agent_conversation", `{"conversation_id":"`+a.ConversationID+`"}`)
	var conv struct{ Rounds []any }
	decode(t, texts[0], &conv)
	if len(conv.Rounds) != 2 {
		t.Errorf("rounds: %d, want 2", len(conv.Rounds))
	}
	if isErr, texts := callFlow(t, client, "stream_ai_agent_conversation", `{"input":"hi","agent_id":"nobody"}`); !isErr || !strings.Contains(texts[0], "nobody") {
		t.Errorf("unknown agent: %v %q", isErr, texts)
	}
}

// TestStreamConversationReadsTheStream: what is asked for (the event
// stream, the converse body) and how the events fold: CRLF lines,
// comments, transient reasoning dropped, chunks assembled when no
// message_complete came.
func TestStreamConversationReadsTheStream(t *testing.T) {
	stream := ": keep-alive\r\n\r\n" +
		"event: conversation_id_set\r\ndata: {\"type\":\"conversation_id_set\",\"data\":{\"conversation_id\":\"c-1\"}}\r\n\r\n" +
		"event: reasoning\ndata: {\"type\":\"reasoning\",\"data\":{\"reasoning\":\"thinking...\",\"transient\":true}}\n\n" +
		"event: reasoning\ndata: {\"type\":\"reasoning\",\"data\":{\"reasoning\":\"I will list indices.\"}}\n\n" +
		"event: tool_call\ndata: {\"type\":\"tool_call\",\"data\":{\"tool_call_id\":\"t1\",\"tool_id\":\"platform.core.list_indices\",\"params\":{\"pattern\":\"logs-*\"}}}\n\n" +
		"event: tool_result\ndata: {\"type\":\"tool_result\",\"data\":{\"tool_call_id\":\"t1\",\"tool_id\":\"platform.core.list_indices\",\"results\":[{\"type\":\"other\"}]}}\n\n" +
		"event: message_chunk\ndata: {\"type\":\"message_chunk\",\"data\":{\"message_id\":\"m\",\"text_chunk\":\"Two \"}}\n\n" +
		"event: message_chunk\ndata: {\"type\":\"message_chunk\",\"data\":{\"message_id\":\"m\",\"text_chunk\":\"indices.\"}}\n\n" +
		"event: round_complete\ndata: {\"type\":\"round_complete\",\"data\":{\"round\":{\"id\":\"r-9\"}}}\n\n"
	client, got := protocolServer(t, 200, "text/event-stream", stream)
	isErr, texts := callFlow(t, client, "stream_ai_agent_conversation", `{"input":"Which indices?","agent_id":"a b","space_id":"soc"}`)
	if isErr {
		t.Fatal(texts)
	}
	if got.method != http.MethodPost || got.path != "/s/soc/api/agent_builder/converse/async" || got.accept != "text/event-stream" || got.xsrf != "true" ||
		got.body["input"] != "Which indices?" || got.body["agent_id"] != "a b" || len(got.body) != 2 {
		t.Errorf("request: %+v", got)
	}
	var a streamAnswer
	decode(t, texts[0], &a)
	if a.ConversationID != "c-1" || a.RoundID != "r-9" || !a.Complete || a.Response.Message != "Two indices." ||
		len(a.Steps) != 2 || a.Steps[0].Reasoning != "I will list indices." || a.Steps[1].ToolCallID != "t1" || a.Steps[1].Params["pattern"] != "logs-*" || len(a.Steps[1].Results) != 1 {
		t.Errorf("answer: %s", texts[0])
	}
	if strings.Contains(texts[0], "event:") || strings.Contains(texts[0], "keep-alive") {
		t.Errorf("SSE framing leaked: %s", texts[0])
	}
}

// TestStreamConversationCutShort: a stream that ends before
// round_complete (here in the middle of an event) answers what arrived
// and says it is partial.
func TestStreamConversationCutShort(t *testing.T) {
	stream := "event: conversation_id_set\ndata: {\"type\":\"conversation_id_set\",\"data\":{\"conversation_id\":\"c-2\"}}\n\n" +
		"event: message_chunk\ndata: {\"type\":\"message_chunk\",\"data\":{\"text_chunk\":\"Partial an\"}}\n\n" +
		"event: message_chunk\ndata: {\"type\":\"message_ch"
	client, _ := protocolServer(t, 200, "text/event-stream; charset=utf-8", stream)
	isErr, texts := callFlow(t, client, "stream_ai_agent_conversation", `{"input":"x"}`)
	if isErr || len(texts) != 2 {
		t.Fatalf("%v %q", isErr, texts)
	}
	var a streamAnswer
	decode(t, texts[0], &a)
	if a.ConversationID != "c-2" || a.Complete || a.Response.Message != "Partial an" {
		t.Errorf("answer: %s", texts[0])
	}
	if !strings.Contains(texts[1], "ended before the round completed") || !strings.Contains(texts[1], "get_ai_agent_conversation") {
		t.Errorf("note: %q", texts[1])
	}
}

// TestStreamConversationErrorEvent: an error event is the tool's error,
// with its code and message and the conversation already set.
func TestStreamConversationErrorEvent(t *testing.T) {
	stream := "event: conversation_id_set\ndata: {\"type\":\"conversation_id_set\",\"data\":{\"conversation_id\":\"c-3\"}}\n\n" +
		"event: error\ndata: {\"type\":\"error\",\"error\":{\"code\":\"internalError\",\"message\":\"connector timed out\"}}\n\n"
	client, _ := protocolServer(t, 200, "text/event-stream", stream)
	isErr, texts := callFlow(t, client, "stream_ai_agent_conversation", `{"input":"x"}`)
	if !isErr || !strings.Contains(texts[0], "internalError") || !strings.Contains(texts[0], "connector timed out") || !strings.Contains(texts[0], "c-3") {
		t.Errorf("%v %q", isErr, texts)
	}
}

type a2aAnswer struct {
	TaskID    string `json:"task_id"`
	MessageID string `json:"message_id"`
	ContextID string `json:"context_id"`
	State     string `json:"state"`
	Text      string `json:"text"`
	Data      []any  `json:"data"`
}

// TestSendA2AMessageAgainstSandbox: the agent answers over A2A as it does
// over converse; the context id continues the same conversation.
func TestSendA2AMessageAgainstSandbox(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "send_agent_to_agent_message", `{"agentId":"soc-triage","message":"Count the failed logins per host."}`)
	if isErr {
		t.Fatal(texts)
	}
	var a a2aAnswer
	decode(t, texts[0], &a)
	if a.State != "completed" || a.TaskID == "" || a.ContextID == "" || !strings.HasPrefix(a.Text, "Counts by host.name") {
		t.Fatalf("answer: %s", texts[0])
	}
	if isErr, texts := callFlow(t, client, "send_agent_to_agent_message", `{"agentId":"soc-triage","message":"Thanks.","context_id":"`+a.ContextID+`"}`); isErr {
		t.Fatal(texts)
	}
	_, texts = callFlow(t, client, "get_ai_agent_conversation", `{"conversation_id":"`+a.ContextID+`"}`)
	var conv struct {
		AgentID string `json:"agent_id"`
		Rounds  []any
	}
	decode(t, texts[0], &conv)
	if conv.AgentID != "soc-triage" || len(conv.Rounds) != 2 {
		t.Errorf("conversation: %+v", conv)
	}
	if isErr, texts := callFlow(t, client, "send_agent_to_agent_message", `{"agentId":"soc-triage","message":"x","context_id":"nope"}`); !isErr || !strings.Contains(texts[0], "A2A error -32001") {
		t.Errorf("unknown context: %v %q", isErr, texts)
	}
	if isErr, texts := callFlow(t, client, "send_agent_to_agent_message", `{"agentId":"nobody","message":"x"}`); !isErr || !strings.Contains(texts[0], "nobody") {
		t.Errorf("unknown agent: %v %q", isErr, texts)
	}
}

// TestSendA2AMessageRequest: the JSON-RPC message/send call as A2A
// defines it, the agent id escaped in the path, a message reply read.
func TestSendA2AMessageRequest(t *testing.T) {
	client, got := protocolServer(t, 200, "application/json",
		`{"jsonrpc":"2.0","id":1,"result":{"kind":"message","messageId":"m-1","contextId":"ctx-1","role":"agent","parts":[{"kind":"text","text":"Hello."},{"kind":"data","data":{"n":3}}]}}`)
	isErr, texts := callFlow(t, client, "send_agent_to_agent_message", `{"agentId":"a/b","message":"Hi","context_id":"ctx-1","task_id":"task-1"}`)
	if isErr {
		t.Fatal(texts)
	}
	if got.rawPath != "/api/agent_builder/a2a/a%2Fb" || got.xsrf != "true" || got.ctype != "application/json" {
		t.Errorf("request: %+v", got)
	}
	msg, _ := got.body["params"].(map[string]any)["message"].(map[string]any)
	parts, _ := msg["parts"].([]any)
	if got.body["jsonrpc"] != "2.0" || got.body["method"] != "message/send" || got.body["id"] == nil ||
		msg["role"] != "user" || msg["kind"] != "message" || msg["messageId"] == "" || msg["contextId"] != "ctx-1" || msg["taskId"] != "task-1" ||
		len(parts) != 1 || parts[0].(map[string]any)["kind"] != "text" || parts[0].(map[string]any)["text"] != "Hi" {
		t.Errorf("JSON-RPC body: %+v", got.body)
	}
	var a a2aAnswer
	decode(t, texts[0], &a)
	if a.MessageID != "m-1" || a.ContextID != "ctx-1" || a.Text != "Hello." || len(a.Data) != 1 || a.State != "" {
		t.Errorf("answer: %s", texts[0])
	}
}

// TestSendA2AMessageErrors: a JSON-RPC error is the tool's error with
// code and message; an answer that is no JSON-RPC says so.
func TestSendA2AMessageErrors(t *testing.T) {
	client, _ := protocolServer(t, 200, "application/json", `{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"Method not found"}}`)
	if isErr, texts := callFlow(t, client, "send_agent_to_agent_message", `{"agentId":"x","message":"Hi"}`); !isErr || !strings.Contains(texts[0], "A2A error -32601: Method not found") {
		t.Errorf("%v %q", isErr, texts)
	}
	client, _ = protocolServer(t, 200, "application/json", `{"ok":true}`)
	if isErr, texts := callFlow(t, client, "send_agent_to_agent_message", `{"agentId":"x","message":"Hi"}`); !isErr || !strings.Contains(texts[0], "JSON-RPC 2.0") {
		t.Errorf("%v %q", isErr, texts)
	}
}

// TestAgentBuilderMCPAgainstSandbox: tools/list offers the platform tools
// and the space's custom one; tools/call runs one; a failed call is an
// error.
func TestAgentBuilderMCPAgainstSandbox(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "call_agent_builder_mcp", `{"method":"tools/list","space_id":"soc"}`)
	if isErr {
		t.Fatal(texts)
	}
	var list struct {
		Tools []struct {
			Name        string         `json:"name"`
			InputSchema map[string]any `json:"inputSchema"`
		}
	}
	decode(t, texts[0], &list)
	names := map[string]bool{}
	for _, tl := range list.Tools {
		names[tl.Name] = tl.InputSchema["type"] == "object"
	}
	if !names["platform.core.execute_esql"] || !names["soc.failed_logins"] {
		t.Errorf("tools/list: %s", texts[0])
	}
	isErr, texts = callFlow(t, client, "call_agent_builder_mcp", `{"method":"tools/call","name":"platform.core.execute_esql","arguments":{"query":"FROM logs-* | STATS n = COUNT(*)"}}`)
	if isErr || !strings.Contains(texts[0], `"isError":false`) || !strings.Contains(texts[0], "tabular_data") {
		t.Errorf("tools/call: %v %q", isErr, texts)
	}
	if isErr, texts := callFlow(t, client, "call_agent_builder_mcp", `{"method":"tools/call","name":"platform.core.execute_esql","arguments":{}}`); !isErr || !strings.Contains(texts[0], "platform.core.execute_esql failed") {
		t.Errorf("failed call: %v %q", isErr, texts)
	}
	if isErr, texts := callFlow(t, client, "call_agent_builder_mcp", `{"method":"tools/call","name":"no.such"}`); !isErr || !strings.Contains(texts[0], "MCP error -32602") {
		t.Errorf("unknown tool: %v %q", isErr, texts)
	}
}

// TestAgentBuilderMCPRequest: the JSON-RPC call, the Accept the MCP
// transport requires, and an answer that came as an event stream.
func TestAgentBuilderMCPRequest(t *testing.T) {
	client, got := protocolServer(t, 200, "text/event-stream",
		"event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"42\"}],\"isError\":false}}\n\n")
	isErr, texts := callFlow(t, client, "call_agent_builder_mcp", `{"method":"tools/call","name":"soc.count","arguments":{"host":"ws-1"}}`)
	if isErr || texts[0] != `{"content":[{"type":"text","text":"42"}],"isError":false}` {
		t.Fatalf("%v %q", isErr, texts)
	}
	params, _ := got.body["params"].(map[string]any)
	if got.path != "/api/agent_builder/mcp" || got.xsrf != "true" || !strings.Contains(got.accept, "application/json") || !strings.Contains(got.accept, "text/event-stream") ||
		got.body["jsonrpc"] != "2.0" || got.body["method"] != "tools/call" || params["name"] != "soc.count" || params["arguments"].(map[string]any)["host"] != "ws-1" {
		t.Errorf("request: %+v", got)
	}
	callFlow(t, client, "call_agent_builder_mcp", `{"method":"tools/list"}`)
	if got.body["method"] != "tools/list" || len(got.body["params"].(map[string]any)) != 0 {
		t.Errorf("tools/list body: %+v", got.body)
	}
}

// TestAgentBuilderProtocolArgumentChecks: what cannot be sent is refused
// before anything is, naming the field.
func TestAgentBuilderProtocolArgumentChecks(t *testing.T) {
	client, got := protocolServer(t, 200, "application/json", `{}`)
	for _, c := range []struct{ tool, args, want string }{
		{"stream_ai_agent_conversation", `{"input":"  "}`, "input"},
		{"send_agent_to_agent_message", `{"agentId":"x","message":" "}`, "message"},
		{"send_agent_to_agent_message", `{"agentId":"x","message":"hi","task_id":"t"}`, "context_id"},
		{"send_agent_to_agent_message", `{"message":"hi"}`, "agentId"},
		{"call_agent_builder_mcp", `{"method":"tools/call"}`, "name"},
		{"call_agent_builder_mcp", `{"method":"tools/list","name":"x"}`, "tools/call"},
		{"call_agent_builder_mcp", `{"method":"initialize"}`, "method"},
	} {
		isErr, texts := callFlow(t, client, c.tool, c.args)
		if !isErr || !strings.Contains(texts[0], c.want) {
			t.Errorf("%s %s: %v %q, want an error naming %s", c.tool, c.args, isErr, texts, c.want)
		}
	}
	if got.method != "" {
		t.Errorf("a refused call reached Kibana: %+v", got)
	}
}
