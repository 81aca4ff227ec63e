package sandbox

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// The Security AI Assistant's prompts, knowledge base entries and
// conversations: stored per space, found with the same KQL filters,
// sorting and paging as the anonymization fields, changed one at a time
// or in bulk. Conversations belong to the user who made them; a find sees
// only the caller's. The knowledge base is "set up" per space: its status
// says so once setup_knowledge_base ran (the story's spaces start set up).

// aiPrompt is a system or quick prompt.
type aiPrompt struct {
	id, name, promptType, content, color, consumer string
	categories                                     []string
	isDefault, isNewConversationDefault            bool
	createdAt, createdBy, updatedAt, updatedBy     string
}

// aiConversation is a user's conversation.
type aiConversation struct {
	id, title, category, owner string
	apiConfig                  map[string]any
	messages                   []map[string]any
	replacements               map[string]any
	excludeFromLast            bool
	users                      []any // who may read it, once an update shared it; nil: the owner ([]: everyone)
	createdAt, updatedAt       string
}

func (k *Kibana) assistantStoreRoutes() []route {
	const base = "/api/security_ai_assistant"
	return []route{
		newRoute(http.MethodPost, base+"/anonymization_fields/_bulk_action", k.bulkAnonymizationFields),
		newRoute(http.MethodGet, base+"/prompts/_find", k.findAIPrompts),
		newRoute(http.MethodPost, base+"/prompts/_bulk_action", k.bulkAIPrompts),
		newRoute(http.MethodGet, base+"/knowledge_base/entries/_find", k.findKBEntries),
		newRoute(http.MethodPost, base+"/knowledge_base/entries/_bulk_action", k.bulkKBEntries),
		newRoute(http.MethodPost, base+"/knowledge_base/entries", k.createKBEntry),
		newRoute(http.MethodGet, base+"/knowledge_base/entries/{id}", k.getKBEntry),
		newRoute(http.MethodPut, base+"/knowledge_base/entries/{id}", k.updateKBEntry),
		newRoute(http.MethodGet, base+"/knowledge_base/{resource}", k.getKBStatus),
		newRoute(http.MethodPost, base+"/knowledge_base/{resource}", k.setupKB),
		newRoute(http.MethodGet, base+"/current_user/conversations/_find", k.findAIConversations),
		newRoute(http.MethodPost, base+"/current_user/conversations", k.createAIConversation),
		newRoute(http.MethodDelete, base+"/current_user/conversations", k.deleteAllAIConversations),
		newRoute(http.MethodGet, base+"/current_user/conversations/{id}", k.getAIConversation),
		newRoute(http.MethodPut, base+"/current_user/conversations/{id}", k.updateAIConversation),
		newRoute(http.MethodDelete, base+"/current_user/conversations/{id}", k.deleteAIConversation),
		newRoute(http.MethodPost, base+"/chat/complete", k.aiChatComplete),
		newRoute(http.MethodPost, "/api/observability_ai_assistant/chat/complete", k.observabilityChatComplete),
	}
}

// aiFindQuery is a find's paging and sorting, read as Kibana's zod schema
// reads them; ok is false when the call was answered.
type aiFindQuery struct {
	page, perPage  int
	sortField, asc string
	filter         any
}

func aiReadFind(c *call, sortFields []string) (q aiFindQuery, ok bool) {
	if q.page, ok = epZodQueryInt(c, "page", 1, 1); !ok {
		return
	}
	if q.perPage, ok = epZodQueryInt(c, "per_page", 20, 0); !ok {
		return
	}
	q.sortField, q.asc = c.query("sort_field"), c.query("sort_order")
	if q.sortField != "" && !slices.Contains(sortFields, q.sortField) {
		c.badRequest("[request query]: sort_field: " + epZodEnum(sortFields, q.sortField))
		return q, false
	}
	if q.asc != "" && q.asc != "asc" && q.asc != "desc" {
		c.badRequest("[request query]: sort_order: " + epZodEnum([]string{"asc", "desc"}, q.asc))
		return q, false
	}
	filter, err := es.KQL(c.query("filter"), es.KQLOptions{CaseInsensitive: true})
	if err != nil {
		c.badRequest(err.Error())
		return q, false
	}
	q.filter = filter
	return q, true
}

// aiFind filters, sorts and pages items by their flat attributes (index
// names, as the filter and sort_field use them) and answers the page.
func aiFind[T any](c *call, index string, q aiFindQuery, items []T, attrs func(T) map[string]string, doc func(T) map[string]any) {
	matched, ok := kqlSelect(c, index, q.filter, nil, items, func(it T) map[string]any {
		a := attrs(it)
		return kqlFields(slices.Collect(maps.Keys(a)), func(f string) []string {
			if v, ok := a[f]; ok {
				return []string{v}
			}
			return nil
		})
	})
	if !ok {
		return
	}
	if q.sortField != "" {
		sort.SliceStable(matched, func(i, j int) bool {
			a, b := attrs(matched[i])[q.sortField], attrs(matched[j])[q.sortField]
			if q.asc == "desc" {
				return a > b
			}
			return a < b
		})
	}
	data := []any{}
	for i := (q.page - 1) * q.perPage; i >= 0 && i < len(matched) && i < q.page*q.perPage; i++ {
		data = append(data, doc(matched[i]))
	}
	c.ok(map[string]any{"page": q.page, "perPage": q.perPage, "total": len(matched), "data": data})
}

// aiBulkBody reads a bulk action's body: create and update lists and a
// delete by ids or query; ok is false when the call was answered.
func aiBulkBody(c *call, create, update []cfgField) (body map[string]any, ok bool) {
	if !c.requireBody() {
		return nil, false
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "create", kind: "objects", items: create},
		{name: "update", kind: "objects", items: update},
		{name: "delete", kind: "object", fields: []cfgField{{name: "ids", kind: "strings"}, {name: "query", kind: "string"}}},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return nil, false
	}
	return body, true
}

// aiBulkDeleted picks the items a bulk delete names, by id or KQL query.
func aiBulkDeleted[T any](c *call, index string, del map[string]any, items []T, id func(T) string, attrs func(T) map[string]string) ([]T, bool) {
	if del == nil {
		return nil, true
	}
	if q, _ := del["query"].(string); q != "" {
		clause, err := es.KQL(q, es.KQLOptions{CaseInsensitive: true})
		if err != nil {
			c.badRequest(err.Error())
			return nil, false
		}
		return kqlSelect(c, index, clause, nil, items, func(it T) map[string]any {
			a := attrs(it)
			return kqlFields(slices.Collect(maps.Keys(a)), func(f string) []string {
				if v, ok := a[f]; ok {
					return []string{v}
				}
				return nil
			})
		})
	}
	ids, _ := del["ids"].([]any)
	var out []T
	for _, it := range items {
		if slices.Contains(ids, any(id(it))) {
			out = append(out, it)
		}
	}
	return out, true
}

// aiBulkAnswer is a bulk action's answer; countKey names the total of the
// kind, which each API spells its own way.
func aiBulkAnswer(created, updated, deleted, errs []any, countKey string, total int) map[string]any {
	ok := len(errs) == 0
	n := len(created) + len(updated) + len(deleted)
	return map[string]any{
		"success": ok, countKey: total,
		"attributes": map[string]any{
			"results": map[string]any{"created": created, "updated": updated, "deleted": deleted, "skipped": []any{}},
			"summary": map[string]any{"total": n + len(errs), "succeeded": n, "failed": len(errs), "skipped": 0},
			"errors":  errs,
		},
	}
}

// aiBulkError is one failure of a bulk action.
func aiBulkError(key, id, msg string, status int) map[string]any {
	return map[string]any{"message": msg, "status_code": status, key: []any{map[string]any{"id": id}}}
}

// ---- Anonymization fields ----

func aiAnonAttrs(f *aiAnonField) map[string]string {
	return map[string]string{"id": f.id, "field": f.field, "allowed": fmt.Sprint(f.allowed), "anonymized": fmt.Sprint(f.anonymized),
		"created_at": f.createdAt, "updated_at": f.updatedAt, "created_by": f.createdBy, "updated_by": f.updatedBy}
}

func (k *Kibana) bulkAnonymizationFields(c *call) {
	flags := []cfgField{{name: "allowed", kind: "boolean"}, {name: "anonymized", kind: "boolean"}}
	body, ok := aiBulkBody(c, append([]cfgField{{name: "field", kind: "string", required: true}}, flags...),
		append([]cfgField{{name: "id", kind: "string", required: true}}, flags...))
	if !ok {
		return
	}
	st := &c.space.assistant
	user, stamp := epUser(c), epStamp(k.cfg.Now())
	k.ensureAnonFields(st, user, k.cfg.Now())
	var created, updated, deleted, errs []any
	for _, it := range aiObjects(body["create"]) {
		name := it["field"].(string)
		if slices.ContainsFunc(st.fields, func(f *aiAnonField) bool { return f.field == name }) {
			errs = append(errs, aiBulkError("anonymization_fields", name, fmt.Sprintf("Anonymization field: %q already exists", name), 409))
			continue
		}
		f := &aiAnonField{id: k.newID(), field: name, allowed: it["allowed"] == true, anonymized: it["anonymized"] == true,
			createdAt: stamp, createdBy: user, updatedAt: stamp, updatedBy: user}
		st.fields = append(st.fields, f)
		created = append(created, aiFieldDoc(f, c.spaceID, nil))
	}
	for _, it := range aiObjects(body["update"]) {
		id := it["id"].(string)
		i := slices.IndexFunc(st.fields, func(f *aiAnonField) bool { return f.id == id })
		if i < 0 {
			errs = append(errs, aiBulkError("anonymization_fields", id, fmt.Sprintf("Anonymization field id: %q not found", id), 404))
			continue
		}
		f := st.fields[i]
		if v, ok := it["allowed"].(bool); ok {
			f.allowed = v
		}
		if v, ok := it["anonymized"].(bool); ok {
			f.anonymized = v
		}
		f.updatedAt, f.updatedBy = stamp, user
		updated = append(updated, aiFieldDoc(f, c.spaceID, nil))
	}
	del, _ := body["delete"].(map[string]any)
	gone, ok := aiBulkDeleted(c, ".kibana-elastic-ai-assistant-anonymization-fields-"+c.spaceID, del, st.fields,
		func(f *aiAnonField) string { return f.id }, aiAnonAttrs)
	if !ok {
		return
	}
	for _, f := range gone {
		st.fields = slices.DeleteFunc(st.fields, func(x *aiAnonField) bool { return x == f })
		deleted = append(deleted, f.id)
	}
	c.ok(aiBulkAnswer(nonNil(created), nonNil(updated), nonNil(deleted), nonNil(errs), "anonymization_fields_count", len(st.fields)))
}

// aiObjects reads a checked objects list.
func aiObjects(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		out = append(out, e.(map[string]any))
	}
	return out
}

func nonNil(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

// ---- Prompts ----

// aiSeedPrompts are the default system prompt and the story's quick
// prompts, with fixed ids so that they can be named.
var aiSeedPrompts = []aiPrompt{
	{id: "default-system-prompt", name: "Default system prompt", promptType: "system", isDefault: true, isNewConversationDefault: true,
		content: "You are a helpful, expert assistant who answers questions about Elastic Security. Do not answer questions unrelated to Elastic Security."},
	{id: "quick-prompt-alert-summary", name: "Alert summarization", promptType: "quick", isDefault: true, color: "#F68FBE", categories: []string{"alert"},
		content: "As an expert in security operations and incident response, provide a breakdown of the attached alert and summarize what it might mean for my organization."},
	{id: "quick-prompt-rule-creation", name: "Rule creation", promptType: "quick", isDefault: true, color: "#7DDED8", categories: []string{"detection-rules"},
		content: "As an expert user of Elastic Security, help me write a detection rule for what I describe next."},
	{id: "quick-prompt-ransomware-triage", name: "Ransomware triage", promptType: "quick", color: "#D36086", categories: []string{"alert"},
		content: "Check the alert's host for the ransomware runbook's steps: isolate, kill the encryptor, find the note, restore."},
}

func (k *Kibana) ensurePrompts(st *assistantState, at string) {
	if st.promptsReady {
		return
	}
	st.promptsReady = true
	for _, p := range aiSeedPrompts {
		p.consumer, p.createdAt, p.createdBy, p.updatedAt, p.updatedBy = "securitySolutionUI", at, "elastic", at, "elastic"
		st.prompts = append(st.prompts, &p)
	}
}

func aiPromptAttrs(p *aiPrompt) map[string]string {
	return map[string]string{"id": p.id, "name": p.name, "prompt_type": p.promptType, "content": p.content, "is_default": fmt.Sprint(p.isDefault),
		"consumer": p.consumer, "created_at": p.createdAt, "updated_at": p.updatedAt, "created_by": p.createdBy, "updated_by": p.updatedBy,
		"categories": strings.Join(p.categories, " ")}
}

func aiPromptDoc(p *aiPrompt, namespace string) map[string]any {
	d := map[string]any{"id": p.id, "name": p.name, "promptType": p.promptType, "content": p.content, "isDefault": p.isDefault,
		"isNewConversationDefault": p.isNewConversationDefault, "consumer": p.consumer, "categories": cfgStrings(p.categories),
		"timestamp": p.createdAt, "createdAt": p.createdAt, "createdBy": p.createdBy, "updatedAt": p.updatedAt, "updatedBy": p.updatedBy,
		"namespace": namespace, "users": []any{}}
	if p.color != "" {
		d["color"] = p.color
	}
	return d
}

func (k *Kibana) findAIPrompts(c *call) {
	q, ok := aiReadFind(c, []string{"created_at", "is_default", "name", "updated_at"})
	if !ok {
		return
	}
	st := &c.space.assistant
	k.ensurePrompts(st, epStamp(k.cfg.Now()))
	aiFind(c, ".kibana-elastic-ai-assistant-prompts-"+c.spaceID, q, st.prompts, aiPromptAttrs, func(p *aiPrompt) map[string]any { return aiPromptDoc(p, c.spaceID) })
}

var aiPromptChangeable = []cfgField{
	{name: "content", kind: "string"}, {name: "categories", kind: "strings"}, {name: "color", kind: "string"},
	{name: "consumer", kind: "string"}, {name: "isDefault", kind: "boolean"}, {name: "isNewConversationDefault", kind: "boolean"},
}

func (p *aiPrompt) apply(it map[string]any) {
	if v, ok := it["content"].(string); ok {
		p.content = v
	}
	if v, ok := it["categories"].([]any); ok {
		p.categories = nil
		for _, s := range v {
			p.categories = append(p.categories, s.(string))
		}
	}
	if v, ok := it["color"].(string); ok {
		p.color = v
	}
	if v, ok := it["consumer"].(string); ok {
		p.consumer = v
	}
	if v, ok := it["isDefault"].(bool); ok {
		p.isDefault = v
	}
	if v, ok := it["isNewConversationDefault"].(bool); ok {
		p.isNewConversationDefault = v
	}
}

func (k *Kibana) bulkAIPrompts(c *call) {
	create := append([]cfgField{
		{name: "name", kind: "string", required: true},
		{name: "promptType", kind: "string", required: true, oneOf: []string{"system", "quick"}},
	}, aiPromptChangeable...)
	create[2].required = true // content
	body, ok := aiBulkBody(c, create, append([]cfgField{{name: "id", kind: "string", required: true}}, aiPromptChangeable...))
	if !ok {
		return
	}
	st := &c.space.assistant
	user, stamp := epUser(c), epStamp(k.cfg.Now())
	k.ensurePrompts(st, stamp)
	var created, updated, deleted, errs []any
	for _, it := range aiObjects(body["create"]) {
		name := it["name"].(string)
		if slices.ContainsFunc(st.prompts, func(p *aiPrompt) bool { return p.name == name }) {
			errs = append(errs, aiBulkError("prompts", name, fmt.Sprintf("prompt with name: %q already exists", name), 409))
			continue
		}
		p := &aiPrompt{id: k.newID(), name: name, promptType: it["promptType"].(string), consumer: "securitySolutionUI",
			createdAt: stamp, createdBy: user, updatedAt: stamp, updatedBy: user}
		p.apply(it)
		st.prompts = append(st.prompts, p)
		created = append(created, aiPromptDoc(p, c.spaceID))
	}
	for _, it := range aiObjects(body["update"]) {
		id := it["id"].(string)
		i := slices.IndexFunc(st.prompts, func(p *aiPrompt) bool { return p.id == id })
		if i < 0 {
			errs = append(errs, aiBulkError("prompts", id, fmt.Sprintf("Prompt id: %q not found", id), 404))
			continue
		}
		p := st.prompts[i]
		p.apply(it)
		p.updatedAt, p.updatedBy = stamp, user
		updated = append(updated, aiPromptDoc(p, c.spaceID))
	}
	del, _ := body["delete"].(map[string]any)
	gone, ok := aiBulkDeleted(c, ".kibana-elastic-ai-assistant-prompts-"+c.spaceID, del, st.prompts, func(p *aiPrompt) string { return p.id }, aiPromptAttrs)
	if !ok {
		return
	}
	for _, p := range gone {
		st.prompts = slices.DeleteFunc(st.prompts, func(x *aiPrompt) bool { return x == p })
		deleted = append(deleted, p.id)
	}
	c.ok(aiBulkAnswer(nonNil(created), nonNil(updated), nonNil(deleted), nonNil(errs), "prompts_count", len(st.prompts)))
}
