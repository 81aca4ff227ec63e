package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Agent Builder's protocol routes, answered from the same agent logic as
// converse (agent_builder_store.go):
//
//   - converse/async streams the round as server-sent events, in the order
//     Kibana emits them: conversation id (and created/updated), reasoning,
//     tool_call and tool_result per step, thinking_complete, the message in
//     chunks, message_complete, round_complete with the whole round. Each
//     event's data is {"type", "data"}, as Kibana writes it.
//   - a2a/{agentId} takes JSON-RPC message/send: the message's text parts
//     are the input, its contextId the conversation to continue; the answer
//     is a completed task whose artifact is the agent's message. Other
//     methods answer -32601.
//   - mcp answers initialize, tools/list (the built-in platform tools and
//     the space's custom ones) and tools/call (run as _execute runs them);
//     notifications get 202 with no body.

func (k *Kibana) converseStream(c *call) {
	body, ok := checkedBody(c, converseBody)
	if !ok {
		return
	}
	cv, round, created, ok := k.converseRound(c, body)
	if !ok {
		return
	}
	var events []sseEvent
	add := func(typ string, data map[string]any) { events = append(events, sseEvent{typ, data}) }
	if created {
		add("conversation_id_set", map[string]any{"conversation_id": cv.id})
		add("conversation_created", map[string]any{"conversation_id": cv.id, "title": cv.title})
	} else {
		add("conversation_updated", map[string]any{"conversation_id": cv.id, "title": cv.title})
	}
	for _, st := range round["steps"].([]any) {
		step := st.(map[string]any)
		add("reasoning", map[string]any{"reasoning": "Looking at the data with " + fmt.Sprint(step["tool_id"]) + ".", "transient": true})
		add("reasoning", map[string]any{"reasoning": fmt.Sprintf("I will run %v to answer.", step["tool_id"])})
		add("tool_call", map[string]any{"tool_call_id": step["tool_call_id"], "tool_id": step["tool_id"], "params": step["params"]})
		add("tool_progress", map[string]any{"tool_call_id": step["tool_call_id"], "message": "Running the query"})
		add("tool_result", map[string]any{"tool_call_id": step["tool_call_id"], "tool_id": step["tool_id"], "results": step["results"]})
	}
	add("thinking_complete", map[string]any{"time_to_first_token": 0})
	msg := round["response"].(map[string]any)["message"].(string)
	msgID := fmt.Sprint(round["id"])
	for _, chunk := range sseChunks(msg, 3) {
		add("message_chunk", map[string]any{"message_id": msgID, "text_chunk": chunk})
	}
	add("message_complete", map[string]any{"message_id": msgID, "message_content": msg})
	add("round_complete", map[string]any{"round": round})
	writeEventStream(c, events)
}

type sseEvent struct {
	typ  string
	data map[string]any
}

// writeEventStream answers events as Kibana's SSE writer does: an event
// line and a data line holding {"type", "data"}, a blank line after each.
func writeEventStream(c *call, events []sseEvent) {
	var b bytes.Buffer
	for _, ev := range events {
		data, _ := json.Marshal(map[string]any{"type": ev.typ, "data": ev.data})
		fmt.Fprintf(&b, "event: %s\ndata: %s\n\n", ev.typ, data)
	}
	c.answered = true
	c.w.Header().Set("Content-Type", "text/event-stream")
	c.w.Header().Set("Cache-Control", "no-cache")
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(b.Bytes())
}

// sseChunks splits a message into about n pieces at spaces, as an LLM's
// tokens arrive; joined they are the message.
func sseChunks(msg string, n int) []string {
	words := strings.SplitAfter(msg, " ")
	size := (len(words) + n - 1) / n
	var out []string
	for i := 0; i < len(words); i += size {
		out = append(out, strings.Join(words[i:min(i+size, len(words))], ""))
	}
	return out
}

// jsonRPC reads the JSON-RPC 2.0 envelope of c's body: its id and method,
// its params (nil when absent); false when c was answered with the
// protocol's error.
func jsonRPC(c *call) (id any, method string, params map[string]any, ok bool) {
	if c.body == nil {
		c.json(http.StatusOK, rpcError(nil, -32700, "Parse error"))
		return nil, "", nil, false
	}
	id = c.body["id"]
	method, _ = c.body["method"].(string)
	if c.body["jsonrpc"] != "2.0" || method == "" {
		c.json(http.StatusOK, rpcError(id, -32600, "Invalid Request"))
		return nil, "", nil, false
	}
	if p, present := c.body["params"]; present {
		if params, ok = p.(map[string]any); !ok {
			c.json(http.StatusOK, rpcError(id, -32602, "Invalid params: params must be an object"))
			return nil, "", nil, false
		}
	}
	return id, method, params, true
}

func rpcError(id any, code int, msg string) map[string]any {
	return map[string]any{"jsonrpc": "2.0", "id": id, "error": map[string]any{"code": code, "message": msg}}
}

func rpcResult(id, result any) map[string]any {
	return map[string]any{"jsonrpc": "2.0", "id": id, "result": result}
}

func (k *Kibana) a2aMessage(c *call) {
	agentID := c.param("agentId")
	if _, _, found := abAgentOf(c, agentID); !found {
		return
	}
	id, method, params, ok := jsonRPC(c)
	if !ok {
		return
	}
	if method != "message/send" {
		c.ok(rpcError(id, -32601, "Method not found: "+method))
		return
	}
	msg, _ := params["message"].(map[string]any)
	parts, _ := msg["parts"].([]any)
	var texts []string
	for _, p := range parts {
		if part, _ := p.(map[string]any); part["kind"] == "text" {
			if t, _ := part["text"].(string); t != "" {
				texts = append(texts, t)
			}
		}
	}
	if msg["role"] != "user" || len(texts) == 0 {
		c.ok(rpcError(id, -32602, "Invalid params: message/send takes a user message with a text part"))
		return
	}
	body := map[string]any{"input": strings.Join(texts, "\n"), "agent_id": agentID}
	if ctx, _ := msg["contextId"].(string); ctx != "" {
		if c.space.agentBuilder.conversations.get(ctx) == nil {
			c.ok(rpcError(id, -32001, "Task not found: no context "+ctx))
			return
		}
		body["conversation_id"] = ctx
	}
	cv, round, _, ok := k.converseRound(c, body)
	if !ok {
		return
	}
	text := round["response"].(map[string]any)["message"]
	c.ok(rpcResult(id, map[string]any{
		"kind": "task", "id": round["id"], "contextId": cv.id,
		"status":    map[string]any{"state": "completed", "timestamp": cv.updatedAt},
		"artifacts": []any{map[string]any{"artifactId": fmt.Sprint(round["id"]) + "-answer", "parts": []any{map[string]any{"kind": "text", "text": text}}}},
		"history":   []any{msg},
	}))
}

func (k *Kibana) agentBuilderMCP(c *call) {
	id, method, params, ok := jsonRPC(c)
	if !ok {
		return
	}
	if _, isCall := c.body["id"]; !isCall {
		// A notification (notifications/initialized): nothing to answer.
		c.answered = true
		c.w.WriteHeader(http.StatusAccepted)
		return
	}
	switch method {
	case "initialize":
		c.ok(rpcResult(id, map[string]any{
			"protocolVersion": "2025-06-18", "capabilities": map[string]any{"tools": map[string]any{"listChanged": false}},
			"serverInfo": map[string]any{"name": "elastic-mcp-server", "version": "0.0.1"},
		}))
	case "tools/list":
		var tools []any
		for _, tid := range sortedKeys(builtinToolInfo) {
			doc := builtinToolDoc(tid)
			tools = append(tools, map[string]any{"name": tid, "description": doc["description"], "inputSchema": doc["schema"]})
		}
		for _, t := range c.space.agentBuilder.tools.all() {
			tools = append(tools, map[string]any{"name": t.id, "description": t.description, "inputSchema": abToolSchema(t)})
		}
		c.ok(rpcResult(id, map[string]any{"tools": tools}))
	case "tools/call":
		name, _ := params["name"].(string)
		args, _ := params["arguments"].(map[string]any)
		if args == nil {
			args = map[string]any{}
		}
		if name == "" {
			c.ok(rpcError(id, -32602, "Invalid params: tools/call needs a name"))
			return
		}
		status, out := k.executeCaptured(c, name, args)
		if status == http.StatusNotFound {
			c.ok(rpcError(id, -32602, "Tool "+name+" not found"))
			return
		}
		c.ok(rpcResult(id, map[string]any{
			"content": []any{map[string]any{"type": "text", "text": string(out)}},
			"isError": status != http.StatusOK,
		}))
	default:
		c.ok(rpcError(id, -32601, "Method not found: "+method))
	}
}

// executeCaptured runs a tool as _execute would and returns its status
// and body instead of answering c: the MCP route wraps them.
func (k *Kibana) executeCaptured(c *call, tool string, params map[string]any) (int, []byte) {
	rec := &capturedAnswer{header: http.Header{}}
	inner := *c
	inner.w, inner.answered = rec, false
	inner.body = map[string]any{"tool_id": tool, "tool_params": params}
	k.executeTool(&inner)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.status, bytes.TrimSpace(rec.body.Bytes())
}

// capturedAnswer is a ResponseWriter that keeps what was written.
type capturedAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *capturedAnswer) Header() http.Header { return a.header }
func (a *capturedAnswer) WriteHeader(status int) {
	if a.status == 0 {
		a.status = status
	}
}
func (a *capturedAnswer) Write(p []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(p)
}
