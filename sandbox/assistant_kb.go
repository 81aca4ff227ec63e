package sandbox

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The knowledge base's setup and entries, and the conversations.

// ---- Knowledge base ----

func (k *Kibana) getKBStatus(c *call) {
	st := &c.space.assistant
	user := false
	for _, e := range st.kb {
		user = user || e.kbResource == "user" || e.typ == "index"
	}
	c.ok(map[string]any{
		"elser_exists": st.kbSetUp, "security_labs_exists": st.kbSetUp, "defend_insights_exists": st.kbSetUp,
		"user_data_exists": user, "is_setup_available": !st.kbSetUp, "is_setup_in_progress": false,
		"product_documentation_status": map[bool]string{true: "installed", false: "uninstalled"}[st.kbSetUp],
	})
}

func (k *Kibana) setupKB(c *call) {
	if _, ok := platQueryBool(c, "ignoreSecurityLabs"); !ok {
		return
	}
	c.space.assistant.kbSetUp = true
	c.ok(map[string]any{"success": true})
}

var aiKBEntrySpec = []cfgField{
	{name: "name", kind: "string", required: true},
	{name: "type", kind: "string", required: true, oneOf: []string{"document", "index"}},
	{name: "namespace", kind: "string"}, {name: "global", kind: "boolean"}, {name: "users", kind: "objects"},
	{name: "text", kind: "string"}, {name: "kbResource", kind: "string", oneOf: []string{"security_labs", "defend_insights", "user"}},
	{name: "source", kind: "string"}, {name: "required", kind: "boolean"}, {name: "vector", kind: "object"},
	{name: "index", kind: "string"}, {name: "field", kind: "string"}, {name: "description", kind: "string"},
	{name: "queryDescription", kind: "string"}, {name: "inputSchema", kind: "objects"}, {name: "outputFields", kind: "strings"},
}

// aiKBEntryFrom reads a checked entry body into e: the members its type
// requires must be there; the message says what is wrong.
func aiKBEntryFrom(at string, body map[string]any, e *aiKBEntry) string {
	str := func(name string) string { s, _ := body[name].(string); return s }
	e.name, e.typ = str("name"), str("type")
	e.global, _ = body["global"].(bool)
	need := []string{"kbResource", "source", "text"}
	if e.typ == "index" {
		need = []string{"index", "field", "description", "queryDescription"}
	}
	for _, n := range need {
		if _, ok := body[n].(string); !ok {
			return fmt.Sprintf("[%s%s]: Required", at, n)
		}
	}
	e.text, e.kbResource, e.source = str("text"), str("kbResource"), str("source")
	e.required, _ = body["required"].(bool)
	e.index, e.field, e.description, e.queryDescription = str("index"), str("field"), str("description"), str("queryDescription")
	if e.typ == "index" {
		// Kibana keeps an index entry's users as given; a document's are
		// the creator's, or everyone's when global.
		if list, ok := body["users"].([]any); ok {
			e.users = cfgCloneValue(list).([]any)
		}
		for i, f := range aiObjects(body["inputSchema"]) {
			for _, n := range []string{"fieldName", "fieldType", "description"} {
				if _, ok := f[n].(string); !ok {
					return fmt.Sprintf("[%sinputSchema.%d.%s]: Required", at, i, n)
				}
			}
		}
		if list, ok := body["inputSchema"].([]any); ok {
			e.inputSchema = cfgCloneValue(list).([]any)
		}
		if list, ok := body["outputFields"].([]any); ok {
			e.outputFields = cfgCloneValue(list).([]any)
		}
	}
	return ""
}

func aiKBDoc(e *aiKBEntry, namespace string) map[string]any {
	d := map[string]any{"id": e.id, "name": e.name, "type": e.typ, "namespace": namespace, "global": e.global, "users": []any{},
		"createdAt": e.createdAt, "createdBy": e.createdBy, "updatedAt": e.updatedAt, "updatedBy": e.updatedBy}
	switch {
	case e.users != nil:
		d["users"] = cfgCloneValue(e.users)
	case !e.global:
		d["users"] = []any{map[string]any{"name": e.createdBy}}
	}
	if e.typ == "index" {
		d["index"], d["field"], d["description"], d["queryDescription"] = e.index, e.field, e.description, e.queryDescription
		d["inputSchema"], d["outputFields"] = []any{}, []any{}
		if e.inputSchema != nil {
			d["inputSchema"] = cfgCloneValue(e.inputSchema)
		}
		if e.outputFields != nil {
			d["outputFields"] = cfgCloneValue(e.outputFields)
		}
		return d
	}
	d["text"], d["kbResource"], d["source"], d["required"] = e.text, e.kbResource, e.source, e.required
	return d
}

func aiKBAttrs(e *aiKBEntry) map[string]string {
	return map[string]string{"id": e.id, "name": e.name, "title": e.name, "type": e.typ, "text": e.text, "kb_resource": e.kbResource,
		"source": e.source, "index": e.index, "global": fmt.Sprint(e.global), "required": fmt.Sprint(e.required), "is_default": "false",
		"created_at": e.createdAt, "updated_at": e.updatedAt, "created_by": e.createdBy, "updated_by": e.updatedBy}
}

// kbEntries lists a space's entries, oldest first.
func (st *assistantState) kbEntries() []*aiKBEntry {
	out := make([]*aiKBEntry, 0, len(st.kbOrder))
	for _, id := range st.kbOrder {
		out = append(out, st.kb[id])
	}
	return out
}

// kbVisible reports whether the caller sees an entry: global ones, and
// their own.
func kbVisible(e *aiKBEntry, user string) bool {
	if e.users != nil {
		return len(e.users) == 0 || aiUsersName(e.users, user)
	}
	return e.global || e.createdBy == user
}

// aiUsersName reports whether a users list ([{id, name}]) names user.
func aiUsersName(users []any, user string) bool {
	for _, u := range aiObjects(users) {
		if u["name"] == user || u["id"] == user {
			return true
		}
	}
	return false
}

func (k *Kibana) findKBEntries(c *call) {
	q, ok := aiReadFind(c, []string{"created_at", "is_default", "title", "updated_at"})
	if !ok {
		return
	}
	user := epUser(c)
	entries := slices.DeleteFunc(c.space.assistant.kbEntries(), func(e *aiKBEntry) bool { return !kbVisible(e, user) })
	aiFind(c, ".kibana-elastic-ai-assistant-knowledge-base-"+c.spaceID, q, entries, aiKBAttrs, func(e *aiKBEntry) map[string]any { return aiKBDoc(e, c.spaceID) })
}

// lookupKBEntry finds the entry of the path or answers 404.
func lookupKBEntry(c *call) *aiKBEntry {
	id := c.param("id")
	e := c.space.assistant.kb[id]
	if e == nil || !kbVisible(e, epUser(c)) {
		c.notFound(fmt.Sprintf("Knowledge Base Entry id [%s] not found", id))
		return nil
	}
	return e
}

func (k *Kibana) getKBEntry(c *call) {
	if e := lookupKBEntry(c); e != nil {
		c.ok(aiKBDoc(e, c.spaceID))
	}
}

// kbPut stores e, new or changed; the message is a refusal.
func (k *Kibana) kbPut(c *call, e *aiKBEntry, isNew bool) string {
	st := &c.space.assistant
	for _, other := range st.kb {
		if other.id != e.id && other.name == e.name && kbVisible(other, e.updatedBy) {
			return fmt.Sprintf("Knowledge Base Entry with name [%s] already exists", e.name)
		}
	}
	if st.kb == nil {
		st.kb = map[string]*aiKBEntry{}
	}
	st.kb[e.id] = e
	if isNew {
		st.kbOrder = append(st.kbOrder, e.id)
	}
	return ""
}

func (k *Kibana) createKBEntry(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, aiKBEntrySpec, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	stamp, user := epStamp(k.cfg.Now()), epUser(c)
	e := &aiKBEntry{id: k.newID(), createdAt: stamp, createdBy: user, updatedAt: stamp, updatedBy: user}
	if msg := aiKBEntryFrom("request body.", body, e); msg != "" {
		c.badRequest(msg)
		return
	}
	if msg := k.kbPut(c, e, true); msg != "" {
		c.conflict(msg)
		return
	}
	c.ok(aiKBDoc(e, c.spaceID))
}

func (k *Kibana) updateKBEntry(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, append(slices.Clone(aiKBEntrySpec), cfgField{name: "id", kind: "string"}), true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	old := lookupKBEntry(c)
	if old == nil {
		return
	}
	e := &aiKBEntry{id: old.id, createdAt: old.createdAt, createdBy: old.createdBy, updatedAt: epStamp(k.cfg.Now()), updatedBy: epUser(c)}
	if msg := aiKBEntryFrom("request body.", body, e); msg != "" {
		c.badRequest(msg)
		return
	}
	if msg := k.kbPut(c, e, false); msg != "" {
		c.conflict(msg)
		return
	}
	c.ok(aiKBDoc(e, c.spaceID))
}

func (k *Kibana) bulkKBEntries(c *call) {
	body, ok := aiBulkBody(c, aiKBEntrySpec, append([]cfgField{{name: "id", kind: "string", required: true}}, aiKBEntrySpec...))
	if !ok {
		return
	}
	st := &c.space.assistant
	stamp, user := epStamp(k.cfg.Now()), epUser(c)
	var created, updated, deleted, errs []any
	for i, it := range aiObjects(body["create"]) {
		e := &aiKBEntry{id: k.newID(), createdAt: stamp, createdBy: user, updatedAt: stamp, updatedBy: user}
		if msg := aiKBEntryFrom(fmt.Sprintf("request body.create.%d.", i), it, e); msg != "" {
			c.badRequest(msg)
			return
		}
		if msg := k.kbPut(c, e, true); msg != "" {
			errs = append(errs, aiBulkError("knowledgeBaseEntries", e.name, msg, 409))
			continue
		}
		created = append(created, aiKBDoc(e, c.spaceID))
	}
	for i, it := range aiObjects(body["update"]) {
		id := it["id"].(string)
		old := st.kb[id]
		if old == nil || !kbVisible(old, user) {
			errs = append(errs, aiBulkError("knowledgeBaseEntries", id, fmt.Sprintf("Knowledge Base Entry id [%s] not found", id), 404))
			continue
		}
		e := &aiKBEntry{id: id, createdAt: old.createdAt, createdBy: old.createdBy, updatedAt: stamp, updatedBy: user}
		if msg := aiKBEntryFrom(fmt.Sprintf("request body.update.%d.", i), it, e); msg != "" {
			c.badRequest(msg)
			return
		}
		if msg := k.kbPut(c, e, false); msg != "" {
			errs = append(errs, aiBulkError("knowledgeBaseEntries", id, msg, 409))
			continue
		}
		updated = append(updated, aiKBDoc(e, c.spaceID))
	}
	del, _ := body["delete"].(map[string]any)
	visible := slices.DeleteFunc(st.kbEntries(), func(e *aiKBEntry) bool { return !kbVisible(e, user) })
	gone, ok := aiBulkDeleted(c, ".kibana-elastic-ai-assistant-knowledge-base-"+c.spaceID, del, visible, func(e *aiKBEntry) string { return e.id }, aiKBAttrs)
	if !ok {
		return
	}
	for _, e := range gone {
		delete(st.kb, e.id)
		st.kbOrder = slices.DeleteFunc(st.kbOrder, func(x string) bool { return x == e.id })
		deleted = append(deleted, e.id)
	}
	answer := aiBulkAnswer(nonNil(created), nonNil(updated), nonNil(deleted), nonNil(errs), "knowledgeBaseEntriesCount", len(st.kb))
	c.ok(answer)
}

// ---- Conversations ----

// seedConversation gives the story's user a conversation about the
// ransomware on fs-02, through the space's AI connector.
func (k *Kibana) seedConversation(sp *space, at time.Time) {
	conn, typ := adSeedID(sp.id, "connector", 1), ".gen-ai" // adSeedConnector's
	if sp.id == "soc" {
		typ = ".bedrock"
	}
	stamp := func(d time.Duration) string { return epStamp(at.Add(d)) }
	sp.assistant.conversations = append(sp.assistant.conversations, &aiConversation{
		id: "conv-ransomware-fs-02", title: "Ransomware on fs-02", category: "assistant", owner: "elastic",
		apiConfig: map[string]any{"connectorId": conn, "actionTypeId": typ, "defaultSystemPromptId": "default-system-prompt"},
		messages: []map[string]any{
			{"role": "user", "content": "Summarise the ransomware alerts on fs-02.", "timestamp": stamp(0)},
			{"role": "assistant", "content": "fs-02 raised 4 ransomware alerts in 10 minutes: a process renamed files on the finance share, then a ransom note appeared. Isolate the host and follow the ransomware runbook.", "timestamp": stamp(12 * time.Second)},
		},
		replacements: map[string]any{}, createdAt: stamp(0), updatedAt: stamp(12 * time.Second),
	})
}

func aiConversationAttrs(cv *aiConversation) map[string]string {
	return map[string]string{"id": cv.id, "title": cv.title, "category": cv.category, "created_at": cv.createdAt, "updated_at": cv.updatedAt,
		"users.name": cv.owner, "is_default": "false"}
}

func aiConversationDoc(cv *aiConversation, namespace string) map[string]any {
	msgs := make([]any, 0, len(cv.messages))
	for _, m := range cv.messages {
		msgs = append(msgs, cfgClone(m))
	}
	d := map[string]any{"id": cv.id, "title": cv.title, "category": cv.category, "messages": msgs, "replacements": cfgClone(cv.replacements),
		"excludeFromLastConversationStorage": cv.excludeFromLast, "namespace": namespace, "timestamp": cv.createdAt,
		"createdAt": cv.createdAt, "updatedAt": cv.updatedAt, "createdBy": map[string]any{"name": cv.owner},
		"users": []any{map[string]any{"name": cv.owner}}}
	if cv.users != nil {
		d["users"] = cfgCloneValue(cv.users)
	}
	if cv.apiConfig != nil {
		d["apiConfig"] = cfgClone(cv.apiConfig)
	}
	return d
}

// myConversations are the conversations in the space the caller may
// read: their own, and those shared with them.
func myConversations(c *call) []*aiConversation {
	user := epUser(c)
	var out []*aiConversation
	for _, cv := range c.space.assistant.conversations {
		shared := cv.users != nil && (len(cv.users) == 0 || aiUsersName(cv.users, user))
		if cv.users == nil && cv.owner == user || shared {
			out = append(out, cv)
		}
	}
	return out
}

func (k *Kibana) findAIConversations(c *call) {
	q, ok := aiReadFind(c, []string{"created_at", "title", "updated_at"})
	if !ok {
		return
	}
	if _, ok := platQueryBool(c, "is_owner"); !ok {
		return
	}
	aiFind(c, ".kibana-elastic-ai-assistant-conversations-"+c.spaceID, q, myConversations(c), aiConversationAttrs,
		func(cv *aiConversation) map[string]any { return aiConversationDoc(cv, c.spaceID) })
}

// lookupConversation finds the caller's conversation of the path, or
// answers 404.
func lookupConversation(c *call) *aiConversation { return findConversation(c, c.param("id")) }

// findConversation finds one of the caller's conversations, or answers 404.
func findConversation(c *call, id string) *aiConversation {
	for _, cv := range myConversations(c) {
		if cv.id == id {
			return cv
		}
	}
	c.notFound(fmt.Sprintf("conversation id: %q not found", id))
	return nil
}

func (k *Kibana) getAIConversation(c *call) {
	if cv := lookupConversation(c); cv != nil {
		c.ok(aiConversationDoc(cv, c.spaceID))
	}
}

var aiConversationSpec = []cfgField{
	{name: "id", kind: "string"}, {name: "title", kind: "string"},
	{name: "category", kind: "string", oneOf: []string{"assistant", "insights"}},
	{name: "apiConfig", kind: "object", fields: []cfgField{
		{name: "connectorId", kind: "string", required: true}, {name: "actionTypeId", kind: "string", required: true},
		{name: "defaultSystemPromptId", kind: "string"}, {name: "model", kind: "string"},
		{name: "provider", kind: "string", oneOf: []string{"OpenAI", "Azure OpenAI", "Other"}},
	}},
	{name: "messages", kind: "objects"}, {name: "replacements", kind: "object"},
	{name: "excludeFromLastConversationStorage", kind: "boolean"}, {name: "users", kind: "objects"},
}

// applyConversation copies the checked body's members into cv; the
// message is a refusal.
func applyConversation(body map[string]any, cv *aiConversation) string {
	if v, ok := body["title"].(string); ok {
		cv.title = v
	}
	if v, ok := body["category"].(string); ok {
		cv.category = v
	}
	if v, ok := body["apiConfig"].(map[string]any); ok {
		cv.apiConfig = v
	}
	if v, ok := body["replacements"].(map[string]any); ok {
		cv.replacements = v
	}
	if v, ok := body["excludeFromLastConversationStorage"].(bool); ok {
		cv.excludeFromLast = v
	}
	if list, ok := body["messages"].([]any); ok {
		cv.messages = nil
		for i, m := range list {
			msg := m.(map[string]any)
			for _, need := range []string{"role", "content", "timestamp"} {
				if _, ok := msg[need].(string); !ok {
					return fmt.Sprintf("[request body]: messages.%d.%s: Required", i, need)
				}
			}
			if r := msg["role"]; r != "system" && r != "user" && r != "assistant" {
				return fmt.Sprintf("[request body]: messages.%d.role: %s", i, epZodEnum([]string{"system", "user", "assistant"}, r))
			}
			cv.messages = append(cv.messages, cfgClone(msg))
		}
	}
	return ""
}

func (k *Kibana) createAIConversation(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, aiConversationSpec, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	if t, _ := body["title"].(string); strings.TrimSpace(t) == "" {
		c.badRequest("[request body]: title: Required")
		return
	}
	stamp := epStamp(k.cfg.Now())
	id, _ := body["id"].(string)
	if id == "" {
		id = k.newID()
	}
	for _, other := range c.space.assistant.conversations {
		if other.id == id {
			c.conflict(fmt.Sprintf("[%s]: version conflict, document already exists", id))
			return
		}
	}
	// The body's users are not read: a new conversation is its creator's.
	cv := &aiConversation{id: id, category: "assistant", owner: epUser(c), replacements: map[string]any{}, createdAt: stamp, updatedAt: stamp}
	if msg := applyConversation(body, cv); msg != "" {
		c.badRequest(msg)
		return
	}
	c.space.assistant.conversations = append(c.space.assistant.conversations, cv)
	c.ok(aiConversationDoc(cv, c.spaceID))
}

func (k *Kibana) updateAIConversation(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, aiConversationSpec, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	if _, ok := body["id"].(string); !ok {
		c.badRequest("[request body]: id: Required")
		return
	}
	cv := lookupConversation(c)
	if cv == nil {
		return
	}
	changed := *cv
	if msg := applyConversation(body, &changed); msg != "" {
		c.badRequest(msg)
		return
	}
	if list, ok := body["users"].([]any); ok {
		changed.users = cfgCloneValue(list).([]any)
	}
	changed.updatedAt = epStamp(k.cfg.Now())
	*cv = changed
	c.ok(aiConversationDoc(cv, c.spaceID))
}

func (k *Kibana) deleteAIConversation(c *call) {
	cv := lookupConversation(c)
	if cv == nil {
		return
	}
	st := &c.space.assistant
	st.conversations = slices.DeleteFunc(st.conversations, func(x *aiConversation) bool { return x == cv })
	c.ok(aiConversationDoc(cv, c.spaceID))
}

func (k *Kibana) deleteAllAIConversations(c *call) {
	var keep []any
	if c.body != nil {
		body, msg := cfgCheck("request body.", c.body, []cfgField{{name: "excludedIds", kind: "strings"}}, true)
		if msg != "" {
			c.badRequest(msg)
			return
		}
		keep, _ = body["excludedIds"].([]any)
	}
	user := epUser(c)
	st := &c.space.assistant
	n := 0
	st.conversations = slices.DeleteFunc(st.conversations, func(cv *aiConversation) bool {
		gone := cv.owner == user && !slices.Contains(keep, any(cv.id))
		if gone {
			n++
		}
		return gone
	})
	c.ok(map[string]any{"success": true, "totalDeleted": n, "failures": []any{}})
}
