package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Agent Builder's routes that speak a protocol rather than REST: the
// streaming converse (server-sent events), an agent's A2A endpoint and
// Kibana's own MCP server (both JSON-RPC 2.0, one POST per message). Each
// tool sends one request and answers what the protocol said, compactly,
// without its framing.

// ConverseStreamInput is one message to an agent, as converse takes it;
// only the answer's form differs.
type ConverseStreamInput struct {
	ConverseInput
}

// Run asks for the event stream, reads it whole (the client's timeout and
// response cap bound it) and answers what it said.
func (in *ConverseStreamInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	req.Accept = operation.EventStreamType
	resp, err := k.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	if mt, _, _ := mime.ParseMediaType(resp.ContentType); mt != operation.EventStreamType {
		// A Kibana that answered JSON (a proxy's error page passes as
		// that too): leave it to the generic shaping.
		return &operation.Result{Resp: resp}, nil
	}
	events, whole := operation.ParseEventStream(resp.Body)
	sum, err := summarizeConverseStream(events)
	if err != nil {
		return nil, err
	}
	var notes []string
	if !sum.complete || !whole {
		notes = append(notes, "The stream ended before the round completed: what is shown is what arrived. get_ai_agent_conversation shows what Kibana kept.")
	}
	return jsonResult(resp.StatusCode, sum.answer(), notes)
}

// converseStream is what a converse stream said.
type converseStream struct {
	conversationID string
	title          string
	roundID        string
	steps          []map[string]any
	calls          map[string]map[string]any // tool_call_id → its step
	chunks         strings.Builder
	message        string
	complete       bool
}

func (s *converseStream) answer() map[string]any {
	out := map[string]any{"conversation_id": s.conversationID, "steps": s.steps, "complete": s.complete}
	if s.steps == nil {
		out["steps"] = []any{}
	}
	if s.title != "" {
		out["title"] = s.title
	}
	if s.roundID != "" {
		out["round_id"] = s.roundID
	}
	msg := s.message
	if msg == "" {
		msg = s.chunks.String()
	}
	out["response"] = map[string]any{"message": msg}
	return out
}

// summarizeConverseStream folds the events into steps and the message.
// Kibana writes each event's data as {"type", "data": {...}}; a bare
// object is taken as the data itself. An error event ends the call with
// its code and message, naming the conversation when one was set.
func summarizeConverseStream(events []operation.Event) (*converseStream, error) {
	s := &converseStream{calls: map[string]map[string]any{}}
	for _, ev := range events {
		var payload map[string]any
		if json.Unmarshal([]byte(ev.Data), &payload) != nil {
			continue // keep-alives and text the protocol does not define
		}
		data, ok := payload["data"].(map[string]any)
		if !ok {
			data = payload
		}
		typ := ev.Type
		if t, ok := payload["type"].(string); ok && (typ == "message" || typ == "") {
			typ = t
		}
		switch typ {
		case "error":
			return nil, streamError(payload, s.conversationID)
		case "conversation_id_set", "conversation_created", "conversation_updated":
			if id, ok := data["conversation_id"].(string); ok {
				s.conversationID = id
			}
			if t, ok := data["title"].(string); ok {
				s.title = t
			}
		case "reasoning":
			if transient, _ := data["transient"].(bool); !transient {
				if r, _ := data["reasoning"].(string); r != "" {
					s.steps = append(s.steps, map[string]any{"type": "reasoning", "reasoning": r})
				}
			}
		case "tool_call":
			step := map[string]any{"type": "tool_call", "tool_call_id": data["tool_call_id"], "tool_id": data["tool_id"], "params": data["params"]}
			s.steps = append(s.steps, step)
			if id, ok := data["tool_call_id"].(string); ok {
				s.calls[id] = step
			}
		case "tool_progress":
			if step := s.calls[str(data["tool_call_id"])]; step != nil {
				progress, _ := step["progress"].([]any)
				step["progress"] = append(progress, data["message"])
			}
		case "tool_result":
			step := s.calls[str(data["tool_call_id"])]
			if step == nil {
				// A result without its call (the stream began late):
				// still the agent's evidence.
				step = map[string]any{"type": "tool_call", "tool_call_id": data["tool_call_id"], "tool_id": data["tool_id"]}
				s.steps = append(s.steps, step)
			}
			step["results"] = data["results"]
		case "message_chunk":
			s.chunks.WriteString(str(data["text_chunk"]))
		case "message_complete":
			s.message = str(data["message_content"])
		case "round_complete":
			s.complete = true
			if round, ok := data["round"].(map[string]any); ok {
				s.roundID = str(round["id"])
				if resp, ok := round["response"].(map[string]any); ok && s.message == "" && s.chunks.Len() == 0 {
					s.message = str(resp["message"])
				}
			}
		}
	}
	return s, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// streamError words an error event: {"error": {"code", "message"}}, or
// the message at the top.
func streamError(payload map[string]any, conversationID string) error {
	e, ok := payload["error"].(map[string]any)
	if !ok {
		e = payload
	}
	msg := str(e["message"])
	if msg == "" {
		msg = "no message"
	}
	text := "the agent's event stream reported an error"
	if code := str(e["code"]); code != "" {
		text += " (" + code + ")"
	}
	text += ": " + msg
	if conversationID != "" {
		text += "; conversation " + conversationID + " holds what was kept"
	}
	return errors.New(text)
}

// jsonResult is a flow's own answer as a JSON response.
func jsonResult(status int, v any, notes []string) (*operation.Result, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &operation.Result{Resp: &kibana.Response{StatusCode: status, ContentType: "application/json", Body: body}, Notes: notes}, nil
}

// jsonRPCRequest is a JSON-RPC 2.0 call.
type jsonRPCRequest struct {
	JSONRPC string `json:"jsonrpc"`
	ID      int    `json:"id"`
	Method  string `json:"method"`
	Params  any    `json:"params"`
}

// jsonRPCResponse is a JSON-RPC 2.0 answer: a result or an error.
type jsonRPCResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

// callJSONRPC sends req and reads the JSON-RPC answer from its body: JSON,
// or (an MCP server may stream it) the last event of an event stream. A
// JSON-RPC error is the tool's error, with its code and message.
func callJSONRPC(ctx context.Context, k *kibana.Client, req *kibana.Request, protocol string) (json.RawMessage, int, error) {
	resp, err := k.Do(ctx, req)
	if err != nil {
		return nil, 0, err
	}
	body := resp.Body
	if mt, _, _ := mime.ParseMediaType(resp.ContentType); mt == operation.EventStreamType {
		events, _ := operation.ParseEventStream(body)
		body = nil
		for _, ev := range events {
			if ev.Type == "message" {
				body = []byte(ev.Data)
			}
		}
	}
	var rpc jsonRPCResponse
	if err := json.Unmarshal(bytes.TrimSpace(body), &rpc); err != nil || rpc.JSONRPC != "2.0" {
		return nil, 0, fmt.Errorf("Kibana's %s endpoint did not answer a JSON-RPC 2.0 message (%d bytes of %s)", protocol, len(resp.Body), resp.ContentType)
	}
	if rpc.Error != nil {
		text := fmt.Sprintf("%s error %d: %s", protocol, rpc.Error.Code, rpc.Error.Message)
		if len(rpc.Error.Data) > 0 && string(rpc.Error.Data) != "null" {
			text += " (" + truncateText(string(rpc.Error.Data), 300) + ")"
		}
		return nil, 0, errors.New(text)
	}
	return rpc.Result, resp.StatusCode, nil
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// A2AMessageInput is one message to an agent over A2A.
type A2AMessageInput struct {
	AgentID   string `json:"agentId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From list_ai_agents."`
	Message   string `json:"message" in:"tool" jsonschema:"required" jsonschema_description:"The text to send."`
	ContextID string `json:"context_id,omitempty" in:"tool" jsonschema_description:"To continue an exchange: the context_id of an earlier answer."`
	TaskID    string `json:"task_id,omitempty" in:"tool" jsonschema_description:"A task of that context to continue."`
}

// Prepare refuses a blank message, and a task without its context, which
// A2A cannot place.
func (in *A2AMessageInput) Prepare() error {
	if strings.TrimSpace(in.Message) == "" {
		return &schema.ArgumentError{Field: "message", Rule: "must not be blank"}
	}
	if in.TaskID != "" && in.ContextID == "" {
		return &schema.ArgumentError{Field: "task_id", Rule: "needs context_id too: a task belongs to a context"}
	}
	return nil
}

// Request builds the JSON-RPC message/send call: a user message of one
// text part. Its messageId only has to be unique per sender; the message
// text's hash serves and keeps requests reproducible for tests.
func (in *A2AMessageInput) Request() (*kibana.Request, error) {
	msg := map[string]any{
		"kind": "message", "role": "user", "messageId": messageID(in.AgentID, in.ContextID, in.Message),
		"parts": []any{map[string]any{"kind": "text", "text": in.Message}},
	}
	if in.ContextID != "" {
		msg["contextId"] = in.ContextID
	}
	if in.TaskID != "" {
		msg["taskId"] = in.TaskID
	}
	body, err := json.Marshal(jsonRPCRequest{JSONRPC: "2.0", ID: 1, Method: "message/send", Params: map[string]any{"message": msg}})
	if err != nil {
		return nil, err
	}
	return &kibana.Request{Method: http.MethodPost, Path: "/api/agent_builder/a2a/" + url.PathEscape(in.AgentID), Body: body, APIVersion: operation.V20231031, Mutates: true}, nil
}

func messageID(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	s := fmt.Sprintf("%016x%016x", h.Sum64(), h.Sum64()*0x9e3779b97f4a7c15)
	return s[:8] + "-" + s[8:12] + "-4" + s[13:16] + "-8" + s[17:20] + "-" + s[20:32]
}

// Run sends the message and answers the agent's reply: for a task, its
// ids, state and the text of its artifacts and status message; for a
// message, its text.
func (in *A2AMessageInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	result, status, err := callJSONRPC(ctx, k, req, "A2A")
	if err != nil {
		return nil, err
	}
	var r struct {
		Kind      string `json:"kind"`
		ID        string `json:"id"`
		MessageID string `json:"messageId"`
		ContextID string `json:"contextId"`
		Status    struct {
			State   string    `json:"state"`
			Message *a2aParts `json:"message"`
		} `json:"status"`
		Artifacts []a2aParts `json:"artifacts"`
		a2aParts
	}
	if err := json.Unmarshal(result, &r); err != nil {
		return nil, fmt.Errorf("the A2A answer is not a task or message: %w", err)
	}
	out := map[string]any{"context_id": r.ContextID}
	var texts []string
	var data []any
	if r.Kind == "message" {
		out["message_id"] = r.MessageID
		texts, data = r.a2aParts.content()
	} else {
		out["task_id"], out["state"] = r.ID, r.Status.State
		for _, a := range r.Artifacts {
			t, d := a.content()
			texts, data = append(texts, t...), append(data, d...)
		}
		if r.Status.Message != nil {
			t, d := r.Status.Message.content()
			texts, data = append(texts, t...), append(data, d...)
		}
	}
	out["text"] = strings.Join(texts, "\n\n")
	if len(data) > 0 {
		out["data"] = data
	}
	return jsonResult(status, out, nil)
}

// a2aParts is anything A2A carries parts in: a message or an artifact.
type a2aParts struct {
	Parts []struct {
		Kind string `json:"kind"`
		Text string `json:"text"`
		Data any    `json:"data"`
	} `json:"parts"`
}

func (p a2aParts) content() (texts []string, data []any) {
	for _, part := range p.Parts {
		switch part.Kind {
		case "text":
			texts = append(texts, part.Text)
		case "data":
			data = append(data, part.Data)
		}
	}
	return texts, data
}

// AgentBuilderMCPInput is one JSON-RPC call to Kibana's MCP server.
type AgentBuilderMCPInput struct {
	Method    string         `json:"method" in:"tool" jsonschema:"required,enum=tools/list,enum=tools/call" jsonschema_description:"tools/list: the tools the server offers; tools/call: run one."`
	Name      string         `json:"name,omitempty" in:"tool" jsonschema_description:"For tools/call: a tool name from tools/list."`
	Arguments map[string]any `json:"arguments,omitempty" in:"tool" jsonschema_description:"For tools/call: the tool's arguments, per its inputSchema."`
}

// Prepare checks that tools/call names its tool and tools/list takes no
// tool.
func (in *AgentBuilderMCPInput) Prepare() error {
	switch {
	case in.Method == "tools/call" && strings.TrimSpace(in.Name) == "":
		return &schema.ArgumentError{Field: "name", Rule: "is required for tools/call: a tool name from tools/list"}
	case in.Method == "tools/list" && (in.Name != "" || in.Arguments != nil):
		return &schema.ArgumentError{Field: "name", Rule: "only goes with tools/call; tools/list takes no tool"}
	}
	return nil
}

// Request builds the JSON-RPC call. Kibana's MCP server is stateless
// HTTP: each POST stands alone, so no initialize goes first. The MCP
// transport asks clients to accept JSON and event streams alike.
func (in *AgentBuilderMCPInput) Request() (*kibana.Request, error) {
	params := map[string]any{}
	if in.Method == "tools/call" {
		args := in.Arguments
		if args == nil {
			args = map[string]any{}
		}
		params = map[string]any{"name": in.Name, "arguments": args}
	}
	body, err := json.Marshal(jsonRPCRequest{JSONRPC: "2.0", ID: 1, Method: in.Method, Params: params})
	if err != nil {
		return nil, err
	}
	return &kibana.Request{Method: http.MethodPost, Path: "/api/agent_builder/mcp", Body: body, Accept: "application/json, " + operation.EventStreamType, APIVersion: operation.V20231031, Mutates: true}, nil
}

// Run answers the JSON-RPC result: tools/list's tools as name,
// description and input schema; tools/call's result, with a failed call
// (isError) as the tool's error.
func (in *AgentBuilderMCPInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	result, status, err := callJSONRPC(ctx, k, req, "MCP")
	if err != nil {
		return nil, err
	}
	if in.Method == "tools/call" {
		var r struct {
			IsError bool `json:"isError"`
			Content []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"content"`
		}
		if json.Unmarshal(result, &r) == nil && r.IsError {
			var texts []string
			for _, c := range r.Content {
				texts = append(texts, c.Text)
			}
			return nil, fmt.Errorf("tool %s failed: %s", in.Name, strings.Join(texts, " "))
		}
	}
	return &operation.Result{Resp: &kibana.Response{StatusCode: status, ContentType: "application/json", Body: result}}, nil
}
