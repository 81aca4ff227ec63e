package sandbox

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
)

// A chat turn with the Security or the Observability AI Assistant. No
// LLM runs: the answer is built from the question and the space's
// knowledge base (a document sharing words with the question is quoted),
// the same for the same question and knowledge. The Security answer is
// JSON (Kibana's answer when isStream is false); the Observability one is
// Kibana's newline-delimited event stream. With persist the turn is kept:
// in the named conversation, or in a new one titled after the question.

// aiConnector finds the GenAI connector a chat names, or answers.
func aiConnector(c *call, id string) *connector {
	cn := c.space.connectors.byID[id]
	switch {
	case cn == nil:
		c.notFound(fmt.Sprintf("Saved object [action/%s] not found", id))
		return nil
	case !slices.Contains(adAIConnectorTypes, cn.typeID):
		c.badRequest(fmt.Sprintf("Connector [%s] of type %s is not a GenAI connector", id, cn.typeID))
		return nil
	}
	return cn
}

// aiWords are a text's words of four letters or more, lowercased.
func aiWords(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
	}) {
		if len(w) >= 4 {
			out[w] = true
		}
	}
	return out
}

// aiAnswer is the assistant's deterministic answer to a question: the
// knowledge base documents that share most words with it, or triage advice.
func aiAnswer(st *assistantState, user, question string) (string, []*aiKBEntry) {
	asked := aiWords(question)
	type hit struct {
		e     *aiKBEntry
		score int
	}
	var hits []hit
	for _, e := range st.kbEntries() {
		if e.typ != "document" || !kbVisible(e, user) {
			continue
		}
		n := 0
		for w := range aiWords(e.name + " " + e.text) {
			if asked[w] {
				n++
			}
		}
		if n > 0 {
			hits = append(hits, hit{e, n})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return b.score - a.score })
	if len(hits) == 0 {
		return "I found nothing on this in the knowledge base. Start from the alert's host and user: look at the process, network and authentication events of the 15 minutes before it, and whether other alerts share the host.", nil
	}
	var b strings.Builder
	var used []*aiKBEntry
	b.WriteString("From the knowledge base:")
	for i, h := range hits {
		if i == 2 {
			break
		}
		fmt.Fprintf(&b, " %s: %s", h.e.name, h.e.text)
		used = append(used, h.e)
	}
	return b.String(), used
}

// aiPlaceholder is the stable stand-in for an anonymized value.
func aiPlaceholder(value string) string {
	h := fnv.New64a()
	h.Write([]byte(value))
	return uuidFrom(h.Sum64())
}

func (k *Kibana) aiChatComplete(c *call) {
	if _, ok := platQueryBool(c, "content_references_disabled"); !ok {
		return
	}
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "connectorId", kind: "string", required: true},
		{name: "persist", kind: "boolean", required: true},
		{name: "messages", kind: "objects", required: true, items: []cfgField{
			{name: "role", kind: "string", required: true, oneOf: []string{"system", "user", "assistant"}},
			{name: "content", kind: "string"}, {name: "data", kind: "object"}, {name: "fields_to_anonymize", kind: "strings"},
		}},
		{name: "conversationId", kind: "string"}, {name: "promptId", kind: "string"}, {name: "responseLanguage", kind: "string"},
		{name: "isStream", kind: "boolean"}, {name: "model", kind: "string"},
		{name: "langSmithProject", kind: "string"}, {name: "langSmithApiKey", kind: "string"},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	msgs := aiObjects(body["messages"])
	if len(msgs) == 0 {
		c.badRequest("[request body]: messages: at least one message is required")
		return
	}
	cn := aiConnector(c, body["connectorId"].(string))
	if cn == nil {
		return
	}
	st, user := &c.space.assistant, epUser(c)
	var cv *aiConversation
	if id, _ := body["conversationId"].(string); id != "" {
		if cv = findConversation(c, id); cv == nil {
			return
		}
	}
	last := msgs[len(msgs)-1]
	question, _ := last["content"].(string)
	replacements := map[string]any{}
	if data, ok := last["data"].(map[string]any); ok {
		for _, f := range last["fields_to_anonymize"].([]any) {
			if v, ok := data[f.(string)]; ok {
				replacements[aiPlaceholder(fmt.Sprint(v))] = fmt.Sprint(v)
			}
		}
	}
	answer, _ := aiAnswer(st, user, question)
	out := map[string]any{"connector_id": cn.id, "data": answer, "status": "ok", "replacements": replacements,
		"trace_data": map[string]any{"transactionId": aiPlaceholder(question)[:16], "traceId": aiPlaceholder(answer)[:32]}}
	if body["persist"] == true {
		stamp := epStamp(k.cfg.Now())
		if cv == nil {
			title := question
			if len(title) > 60 {
				title = title[:60]
			}
			cv = &aiConversation{id: k.newID(), title: title, category: "assistant", owner: user, replacements: map[string]any{}, createdAt: stamp,
				apiConfig: map[string]any{"connectorId": cn.id, "actionTypeId": cn.typeID}}
			st.conversations = append(st.conversations, cv)
		}
		cv.messages = append(cv.messages,
			map[string]any{"role": "user", "content": question, "timestamp": stamp},
			map[string]any{"role": "assistant", "content": answer, "timestamp": stamp})
		for p, v := range replacements {
			cv.replacements[p] = v
		}
		cv.updatedAt = stamp
		out["conversationId"] = cv.id
	}
	c.ok(out)
}

func (k *Kibana) observabilityChatComplete(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "connectorId", kind: "string", required: true},
		{name: "persist", kind: "boolean", required: true},
		{name: "messages", kind: "objects", required: true, items: []cfgField{
			{name: "@timestamp", kind: "string", required: true},
			{name: "message", kind: "object", required: true, fields: []cfgField{
				{name: "role", kind: "string", required: true, oneOf: []string{"system", "assistant", "function", "user", "elastic"}},
				{name: "content", kind: "string"}, {name: "name", kind: "string"}, {name: "event", kind: "string"},
				{name: "data", kind: "string"}, {name: "function_call", kind: "object"},
			}},
		}},
		{name: "conversationId", kind: "string"}, {name: "title", kind: "string"}, {name: "disableFunctions", kind: "boolean"},
		{name: "instructions", kind: "any"}, {name: "actions", kind: "objects"},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	msgs := aiObjects(body["messages"])
	if len(msgs) == 0 {
		c.badRequest("[request body.messages]: at least one message is required")
		return
	}
	cn := aiConnector(c, body["connectorId"].(string))
	if cn == nil {
		return
	}
	st := &c.space.assistant
	question, _ := msgs[len(msgs)-1]["message"].(map[string]any)["content"].(string)
	answer, _ := aiAnswer(st, epUser(c), question)
	now := epStamp(k.cfg.Now())
	events := []map[string]any{
		{"type": "chatCompletionChunk", "id": aiPlaceholder(answer), "message": map[string]any{"content": answer}},
		{"type": "messageAdd", "id": aiPlaceholder(answer), "message": map[string]any{"@timestamp": now, "message": map[string]any{"role": "assistant", "content": answer}}},
	}
	if body["persist"] == true {
		if st.obsChats == nil {
			st.obsChats = map[string]int{}
		}
		id, _ := body["conversationId"].(string)
		kind := "conversationUpdate"
		if _, known := st.obsChats[id]; !known {
			if id != "" {
				c.notFound(fmt.Sprintf("Conversation not found: %s", id))
				return
			}
			id, kind = k.newID(), "conversationCreate"
		}
		st.obsChats[id] += len(msgs) + 1
		title, _ := body["title"].(string)
		if title == "" {
			title = question
		}
		events = append(events, map[string]any{"type": kind, "conversation": map[string]any{"id": id, "title": title, "last_updated": now}})
	}
	var b strings.Builder
	for _, e := range events {
		line, _ := json.Marshal(e)
		b.Write(line)
		b.WriteByte('\n')
	}
	c.answered = true
	c.w.Header().Set("Content-Type", "application/x-ndjson")
	c.w.WriteHeader(http.StatusOK)
	c.w.Write([]byte(b.String()))
}
