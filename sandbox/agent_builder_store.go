package sandbox

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/esql"
)

// Agent Builder's agents, custom tools and conversations, kept per space.
// The built-in agent (elastic-ai-agent) and the built-in platform tools
// are answered read-only in every space; each seeded space also holds a
// custom agent (soc-triage), an ES|QL tool (soc.failed_logins) and one
// conversation with that agent.
//
// What the sandbox approximates: converse has no LLM. Its answer is
// deterministic: a message that asks for counts, events or alerts makes
// the agent call platform.core.execute_esql (when its tools allow) with an
// ES|QL count over logs-* (or the space's alerts) grouped by the field the
// message names (host, user, category, rule; category by default), and the
// answer quotes the top rows; any other message is answered with what the
// agent can do. Each exchange is recorded as a round of the conversation.
// Agent and tool ids follow Kibana's rules (lowercase dot-separated
// segments, at most 64 characters); an agent may only select tools that
// exist, or "*".

// agentBuilderState is a space's agents, custom tools and conversations;
// its zero value holds none.
type agentBuilderState struct {
	agents        fleetStore[abAgent]
	tools         fleetStore[abTool]
	conversations fleetStore[abConversation]
}

type abAgent struct {
	id, name, description      string
	labels                     []any
	avatarColor, avatarSymbol  string
	instructions               string
	toolIDs                    []string // the selection, flattened
	createdAt, updatedAt, user string
}

type abTool struct {
	id, typ, description string
	tags                 []any
	configuration        map[string]any
	createdAt, updatedAt string
}

type abConversation struct {
	id, agentID, title, user string
	createdAt, updatedAt     string
	rounds                   []any
}

const (
	abDefaultAgent = "elastic-ai-agent"
	abESQLTool     = "platform.core.execute_esql"
)

func (k *Kibana) agentBuilderStoreRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/agent_builder/agents", k.listABAgents),
		newRoute(http.MethodPost, "/api/agent_builder/agents", k.createABAgent),
		newRoute(http.MethodGet, "/api/agent_builder/agents/{id}", k.getABAgent),
		newRoute(http.MethodPut, "/api/agent_builder/agents/{id}", k.updateABAgent),
		newRoute(http.MethodDelete, "/api/agent_builder/agents/{id}", k.deleteABAgent),
		newRoute(http.MethodGet, "/api/agent_builder/tools", k.listABTools),
		newRoute(http.MethodPost, "/api/agent_builder/tools", k.createABTool),
		newRoute(http.MethodPut, "/api/agent_builder/tools/{toolId}", k.updateABTool),
		newRoute(http.MethodDelete, "/api/agent_builder/tools/{id}", k.deleteABTool),
		newRoute(http.MethodGet, "/api/agent_builder/conversations", k.listABConversations),
		newRoute(http.MethodGet, "/api/agent_builder/conversations/{conversation_id}", k.getABConversation),
		newRoute(http.MethodDelete, "/api/agent_builder/conversations/{conversation_id}", k.deleteABConversation),
		newRoute(http.MethodPost, "/api/agent_builder/converse", k.converse),
		newRoute(http.MethodPost, "/api/agent_builder/converse/async", k.converseStream),
		newRoute(http.MethodPost, "/api/agent_builder/a2a/{agentId}", k.a2aMessage),
		newRoute(http.MethodPost, "/api/agent_builder/mcp", k.agentBuilderMCP),
		// The card's path ends in {agentId}.json: one segment.
		newRoute(http.MethodGet, "/api/agent_builder/a2a/{card}", k.getAgentCard),
	}
}

// abIDPattern is Kibana's rule for agent and tool ids.
var abIDPattern = lazyRegexp(`^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$`)

// checkedBody is the request's body checked against fields, strictly;
// false when it was answered with a 400.
func checkedBody(c *call, fields []cfgField) (map[string]any, bool) {
	if !c.requireBody() {
		return nil, false
	}
	body, msg := cfgCheck("request body.", c.body, fields, true)
	if msg != "" {
		c.badRequest(msg)
		return nil, false
	}
	return body, true
}

// --- agents

func (k *Kibana) defaultAgentDoc() map[string]any {
	tools := make([]any, 0, len(builtinToolInfo))
	for _, id := range sortedKeys(builtinToolInfo) {
		tools = append(tools, id)
	}
	return map[string]any{
		"id": abDefaultAgent, "type": "chat", "name": "Elastic AI Agent", "readonly": true,
		"description": "Elastic's default agent: answers questions about your data with the platform tools.",
		"labels":      []any{}, "avatar_icon": "logoElastic",
		"configuration": map[string]any{"instructions": "", "tools": []any{map[string]any{"tool_ids": tools}}},
	}
}

func abAgentDoc(a *abAgent) map[string]any {
	doc := map[string]any{
		"id": a.id, "type": "chat", "name": a.name, "description": a.description, "readonly": false,
		"labels": cfgCloneValue(a.labels),
		"configuration": map[string]any{
			"instructions": a.instructions,
			"tools":        []any{map[string]any{"tool_ids": stringsToAny(a.toolIDs)}},
		},
	}
	if a.avatarColor != "" {
		doc["avatar_color"] = a.avatarColor
	}
	if a.avatarSymbol != "" {
		doc["avatar_symbol"] = a.avatarSymbol
	}
	return doc
}

func (k *Kibana) listABAgents(c *call) {
	out := []any{k.defaultAgentDoc()}
	for _, a := range c.space.agentBuilder.agents.all() {
		out = append(out, abAgentDoc(a))
	}
	c.ok(map[string]any{"results": out})
}

// abAgentOf answers the agent of the path's id; the built-in one is a
// nil *abAgent with builtin true.
func abAgentOf(c *call, id string) (a *abAgent, builtin, ok bool) {
	if id == abDefaultAgent {
		return nil, true, true
	}
	if a = c.space.agentBuilder.agents.get(id); a == nil {
		c.notFound(fmt.Sprintf("Agent %s not found", id))
		return nil, false, false
	}
	return a, false, true
}

func (k *Kibana) getABAgent(c *call) {
	a, builtin, ok := abAgentOf(c, c.param("id"))
	switch {
	case !ok:
	case builtin:
		c.ok(k.defaultAgentDoc())
	default:
		c.ok(abAgentDoc(a))
	}
}

var abToolSelection = cfgField{name: "tools", kind: "objects", items: []cfgField{{name: "tool_ids", kind: "strings", required: true}}}

func abAgentBody(create bool) []cfgField {
	tools := abToolSelection
	tools.required = create
	fields := []cfgField{
		{name: "name", kind: "string", required: create},
		{name: "description", kind: "string", required: create},
		{name: "labels", kind: "strings"},
		{name: "avatar_color", kind: "string"},
		{name: "avatar_symbol", kind: "string"},
		{name: "configuration", kind: "object", required: create, fields: []cfgField{{name: "instructions", kind: "string"}, tools}},
	}
	if create {
		fields = append(fields, cfgField{name: "id", kind: "string", required: true})
	}
	return fields
}

// applyABAgent sets the members a checked body gives; false when it was
// answered with a 400.
func (k *Kibana) applyABAgent(c *call, a *abAgent, body map[string]any) bool {
	if v, ok := body["name"].(string); ok {
		a.name = v
	}
	if v, ok := body["description"].(string); ok {
		a.description = v
	}
	if v, ok := body["labels"].([]any); ok {
		a.labels = v
	}
	if v, ok := body["avatar_color"].(string); ok {
		a.avatarColor = v
	}
	if v, ok := body["avatar_symbol"].(string); ok {
		a.avatarSymbol = v
	}
	cfg, ok := body["configuration"].(map[string]any)
	if !ok {
		return true
	}
	a.instructions, _ = cfg["instructions"].(string)
	var ids []string
	sel, _ := cfg["tools"].([]any)
	for _, s := range sel {
		for _, id := range s.(map[string]any)["tool_ids"].([]any) {
			id := id.(string)
			if id != "*" && builtinToolInfo[id].description == "" && c.space.agentBuilder.tools.get(id) == nil {
				c.badRequest(fmt.Sprintf("Agent configuration references unknown tool: %s", id))
				return false
			}
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	a.toolIDs = ids
	return true
}

func (k *Kibana) createABAgent(c *call) {
	body, ok := checkedBody(c, abAgentBody(true))
	if !ok {
		return
	}
	id := body["id"].(string)
	if len(id) > 64 || !abIDPattern().MatchString(id) {
		c.badRequest(fmt.Sprintf("Invalid agent id: %q: Agent ids must start and end with a letter or number, and can only contain lowercase letters, numbers, dots, hyphens and underscores", id))
		return
	}
	if id == abDefaultAgent || c.space.agentBuilder.agents.get(id) != nil {
		c.badRequest(fmt.Sprintf("Agent with id %s already exists", id))
		return
	}
	a := &abAgent{id: id, labels: []any{}}
	if !k.applyABAgent(c, a, body) {
		return
	}
	a.user, a.createdAt = ruleUser(c), k.now()
	a.updatedAt = a.createdAt
	c.space.agentBuilder.agents.put(id, a)
	c.ok(abAgentDoc(a))
}

func (k *Kibana) updateABAgent(c *call) {
	body, ok := checkedBody(c, abAgentBody(false))
	if !ok {
		return
	}
	a, builtin, ok := abAgentOf(c, c.param("id"))
	if !ok {
		return
	}
	if builtin {
		c.badRequest(fmt.Sprintf("Agent %s is read-only", abDefaultAgent))
		return
	}
	changed := *a
	if !k.applyABAgent(c, &changed, body) {
		return
	}
	changed.updatedAt = k.now()
	*a = changed
	c.ok(abAgentDoc(a))
}

func (k *Kibana) deleteABAgent(c *call) {
	a, builtin, ok := abAgentOf(c, c.param("id"))
	if !ok {
		return
	}
	if builtin {
		c.badRequest(fmt.Sprintf("Agent %s is read-only", abDefaultAgent))
		return
	}
	c.space.agentBuilder.agents.remove(a.id)
	c.ok(map[string]any{"success": true})
}

// --- tools

// builtinToolDoc is a built-in tool's definition (GET /tools/{id}).
func builtinToolDoc(id string) map[string]any {
	info := builtinToolInfo[id]
	props := map[string]any{}
	for name, typ := range info.params {
		if typ == "string[]" {
			props[name] = map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "minItems": 1}
		} else {
			props[name] = map[string]any{"type": "string"}
		}
	}
	required := []any{}
	for _, r := range info.required {
		required = append(required, r)
	}
	return map[string]any{
		"id": id, "type": "builtin", "description": info.description, "tags": []any{},
		"configuration": map[string]any{}, "readonly": true,
		"schema": map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false, "$schema": "http://json-schema.org/draft-07/schema#"},
	}
}

// abToolSchema is the parameter schema Kibana derives from a custom
// tool's configuration.
func abToolSchema(t *abTool) map[string]any {
	props, required := map[string]any{}, []any{}
	switch t.typ {
	case "esql":
		params, _ := t.configuration["params"].(map[string]any)
		for _, name := range sortedKeys(params) {
			p := params[name].(map[string]any)
			props[name] = map[string]any{"type": esqlParamJSONType(p["type"]), "description": p["description"]}
			required = append(required, name)
		}
	case "index_search":
		props["nlQuery"] = map[string]any{"type": "string", "description": "A natural language query expressing the search request"}
		required = append(required, "nlQuery")
	case "workflow":
		props["inputs"] = map[string]any{"type": "object"}
	}
	return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false, "$schema": "http://json-schema.org/draft-07/schema#"}
}

func esqlParamJSONType(t any) string {
	switch t {
	case "long", "integer":
		return "integer"
	case "double", "float":
		return "number"
	case "boolean":
		return "boolean"
	case "object", "nested":
		return "object"
	}
	return "string"
}

func abToolDoc(t *abTool) map[string]any {
	return map[string]any{
		"id": t.id, "type": t.typ, "description": t.description, "tags": cfgCloneValue(t.tags),
		"configuration": cfgClone(t.configuration), "readonly": false, "schema": abToolSchema(t),
	}
}

func (k *Kibana) listABTools(c *call) {
	var out []any
	for _, id := range sortedKeys(builtinToolInfo) {
		out = append(out, builtinToolDoc(id))
	}
	for _, t := range c.space.agentBuilder.tools.all() {
		out = append(out, abToolDoc(t))
	}
	c.ok(map[string]any{"results": out})
}

// getTool answers a tool's definition, built-in or custom; kibana-mcp's
// data path probe reads platform.core.execute_esql's.
func (k *Kibana) getTool(c *call) {
	id := c.param("id")
	if _, ok := builtinToolInfo[id]; ok {
		c.ok(builtinToolDoc(id))
		return
	}
	if t := c.space.agentBuilder.tools.get(id); t != nil {
		c.ok(abToolDoc(t))
		return
	}
	c.notFound(fmt.Sprintf("Tool %s not found", id))
}

var abToolBody = []cfgField{
	{name: "id", kind: "string", required: true},
	{name: "type", kind: "string", required: true, oneOf: []string{"esql", "index_search", "workflow"}},
	{name: "description", kind: "string", def: ""},
	{name: "tags", kind: "strings", def: []any{}},
	{name: "configuration", kind: "object", required: true},
}

var abToolUpdateBody = []cfgField{
	{name: "description", kind: "string"},
	{name: "tags", kind: "strings"},
	{name: "configuration", kind: "object"},
}

var esqlToolParamRef = lazyRegexp(`\?([A-Za-z_][A-Za-z0-9_]*)`)

// abToolConfigError is Kibana's refusal of a configuration for a tool
// type, "" when it is good.
func abToolConfigError(typ string, cfg map[string]any) string {
	var fields []cfgField
	switch typ {
	case "esql":
		fields = []cfgField{{name: "query", kind: "string", required: true}, {name: "params", kind: "object", required: true}}
	case "index_search":
		fields = []cfgField{{name: "pattern", kind: "string", required: true}}
	case "workflow":
		fields = []cfgField{{name: "workflow_id", kind: "string", required: true}}
	}
	if _, msg := cfgCheck("request body.configuration.", cfg, fields, true); msg != "" {
		return msg
	}
	if typ != "esql" {
		return ""
	}
	params := cfg["params"].(map[string]any)
	for name, p := range params {
		m, ok := p.(map[string]any)
		if !ok {
			return fmt.Sprintf("[request body.configuration.params.%s]: expected a plain object", name)
		}
		if _, msg := cfgCheck(fmt.Sprintf("request body.configuration.params.%s.", name), m, []cfgField{
			{name: "type", kind: "string", required: true, oneOf: []string{"text", "keyword", "long", "integer", "double", "float", "boolean", "date", "object", "nested"}},
			{name: "description", kind: "string", required: true},
		}, true); msg != "" {
			return msg
		}
	}
	used := map[string]bool{}
	for _, m := range esqlToolParamRef().FindAllStringSubmatch(cfg["query"].(string), -1) {
		used[m[1]] = true
		if _, ok := params[m[1]]; !ok {
			return fmt.Sprintf("Query uses undefined parameters: %s", m[1])
		}
	}
	for _, name := range sortedKeys(params) {
		if !used[name] {
			return fmt.Sprintf("Defined parameters are not used in the query: %s", name)
		}
	}
	return ""
}

func (k *Kibana) createABTool(c *call) {
	body, ok := checkedBody(c, abToolBody)
	if !ok {
		return
	}
	id := body["id"].(string)
	switch {
	case id == "new":
		c.badRequest(fmt.Sprintf("Tool id %s is reserved", id))
		return
	case len(id) > 64 || !abIDPattern().MatchString(id):
		c.badRequest(fmt.Sprintf("Invalid tool id: %q: Tool ids must start and end with a letter or number, and can only contain lowercase letters, numbers, dots, hyphens and underscores", id))
		return
	case id == "platform" || strings.HasPrefix(id, "platform."):
		c.badRequest(fmt.Sprintf("Tool id %s is using a protected namespace", id))
		return
	case c.space.agentBuilder.tools.get(id) != nil:
		c.badRequest(fmt.Sprintf("Tool with id %s already exists", id))
		return
	}
	cfg := body["configuration"].(map[string]any)
	if msg := abToolConfigError(body["type"].(string), cfg); msg != "" {
		c.badRequest(msg)
		return
	}
	t := &abTool{id: id, typ: body["type"].(string), description: body["description"].(string), tags: body["tags"].([]any), configuration: cfg}
	t.createdAt = k.now()
	t.updatedAt = t.createdAt
	c.space.agentBuilder.tools.put(id, t)
	c.ok(abToolDoc(t))
}

// abToolOf answers the custom tool of id; a built-in one is refused as
// read-only.
func abToolOf(c *call, id string) *abTool {
	if _, ok := builtinToolInfo[id]; ok {
		c.badRequest(fmt.Sprintf("Tool %s is read-only and can't be modified", id))
		return nil
	}
	t := c.space.agentBuilder.tools.get(id)
	if t == nil {
		c.notFound(fmt.Sprintf("Tool %s not found", id))
	}
	return t
}

func (k *Kibana) updateABTool(c *call) {
	body, ok := checkedBody(c, abToolUpdateBody)
	if !ok {
		return
	}
	t := abToolOf(c, c.param("toolId"))
	if t == nil {
		return
	}
	changed := *t
	if v, ok := body["description"].(string); ok {
		changed.description = v
	}
	if v, ok := body["tags"].([]any); ok {
		changed.tags = v
	}
	if cfg, ok := body["configuration"].(map[string]any); ok {
		// The given members merge into the stored configuration.
		merged := cfgClone(t.configuration)
		for key, v := range cfg {
			merged[key] = v
		}
		if msg := abToolConfigError(t.typ, merged); msg != "" {
			c.badRequest(msg)
			return
		}
		changed.configuration = merged
	}
	changed.updatedAt = k.now()
	*t = changed
	c.ok(abToolDoc(t))
}

func (k *Kibana) deleteABTool(c *call) {
	t := abToolOf(c, c.param("id"))
	if t == nil {
		return
	}
	c.space.agentBuilder.tools.remove(t.id)
	// Agents that selected it lose it, as Kibana removes the reference.
	for _, a := range c.space.agentBuilder.agents.all() {
		a.toolIDs = slices.DeleteFunc(a.toolIDs, func(id string) bool { return id == t.id })
	}
	c.ok(map[string]any{"success": true})
}

// runCustomTool executes a custom tool for _execute: an ES|QL tool runs
// its query with the parameters, an index search tool reads the latest
// documents of its pattern, a workflow tool fails (the sandbox has no
// workflows).
func (k *Kibana) runCustomTool(c *call, t *abTool, params map[string]any) {
	switch t.typ {
	case "esql":
		declared, _ := t.configuration["params"].(map[string]any)
		var list []any
		for _, name := range sortedKeys(declared) {
			v, ok := params[name]
			if !ok {
				c.badRequest(fmt.Sprintf("Tool %s was called with invalid parameters: [%s]: Required", t.id, name))
				return
			}
			list = append(list, map[string]any{name: v})
		}
		for key := range params {
			if _, ok := declared[key]; !ok {
				c.badRequest(fmt.Sprintf("Tool %s was called with invalid parameters: Unrecognized key(s) in object: '%s'", t.id, key))
				return
			}
		}
		k.esqlToolResults(c, t.configuration["query"].(string), list)
	case "index_search":
		q, ok := params["nlQuery"].(string)
		if !ok {
			c.badRequest(fmt.Sprintf("Tool %s was called with invalid parameters: [nlQuery]: Required", t.id))
			return
		}
		_ = q
		k.esqlToolResults(c, fmt.Sprintf("FROM %s | SORT @timestamp DESC | LIMIT 10", t.configuration["pattern"]), nil)
	default:
		k.toolResults(c, toolError(fmt.Sprintf("Workflow %v not found", t.configuration["workflow_id"]), map[string]any{"workflow_id": t.configuration["workflow_id"]}))
	}
}

// esqlToolResults runs an ES|QL query as execute_esql does.
func (k *Kibana) esqlToolResults(c *call, q string, params []any) {
	results, _ := k.esqlRun(q, params)
	k.toolResults(c, results...)
}

// esqlRun runs an ES|QL query and answers its tool results (query and
// table, or an error result), and the table's rows when it ran.
func (k *Kibana) esqlRun(q string, params []any) ([]map[string]any, [][]any) {
	body := map[string]any{"query": q}
	if len(params) > 0 {
		body["params"] = params
	}
	res, err := k.esqlQuery(body)
	if err != nil {
		a := esFail(err)
		msg := err.Error()
		if e, ok := err.(*esql.Error); ok {
			msg = e.Type + "\n\tRoot causes:\n\t\t" + e.Type + ": " + e.Reason
		}
		return []map[string]any{toolError("Error executing ES|QL query: "+msg, map[string]any{"query": q, "status": a.status, "error": a.body})}, nil
	}
	return []map[string]any{
		{"type": "query", "data": map[string]any{"esql": q}},
		{"type": "tabular_data", "data": map[string]any{"source": "esql", "query": q, "columns": res.Columns, "values": res.Values}},
	}, res.Values
}

// --- conversations

func abConversationSummary(cv *abConversation) map[string]any {
	return map[string]any{
		"id": cv.id, "agent_id": cv.agentID, "title": cv.title,
		"user":       map[string]any{"username": cv.user},
		"created_at": cv.createdAt, "updated_at": cv.updatedAt,
	}
}

func (k *Kibana) listABConversations(c *call) {
	agent := c.query("agent_id")
	out := []any{}
	all := c.space.agentBuilder.conversations.all()
	// Most recently updated first, as Kibana lists them.
	for i := len(all) - 1; i >= 0; i-- {
		if cv := all[i]; agent == "" || cv.agentID == agent {
			out = append(out, abConversationSummary(cv))
		}
	}
	c.ok(map[string]any{"results": out})
}

func abConversationOf(c *call, id string) *abConversation {
	cv := c.space.agentBuilder.conversations.get(id)
	if cv == nil {
		c.notFound(fmt.Sprintf("Conversation %s not found", id))
	}
	return cv
}

func (k *Kibana) getABConversation(c *call) {
	if cv := abConversationOf(c, c.param("conversation_id")); cv != nil {
		doc := abConversationSummary(cv)
		doc["rounds"] = cfgCloneValue(cv.rounds)
		c.ok(doc)
	}
}

func (k *Kibana) deleteABConversation(c *call) {
	if cv := abConversationOf(c, c.param("conversation_id")); cv != nil {
		c.space.agentBuilder.conversations.remove(cv.id)
		c.ok(map[string]any{"success": true})
	}
}

var converseBody = []cfgField{
	{name: "input", kind: "string", required: true},
	{name: "agent_id", kind: "string", def: abDefaultAgent},
	{name: "conversation_id", kind: "string"},
	{name: "connector_id", kind: "string"},
	{name: "capabilities", kind: "object", fields: []cfgField{{name: "visualizations", kind: "boolean"}}},
	{name: "attachments", kind: "objects", items: []cfgField{
		{name: "type", kind: "string", required: true},
		{name: "data", kind: "object", required: true},
		{name: "id", kind: "string"},
		{name: "hidden", kind: "boolean"},
	}},
	{name: "browser_api_tools", kind: "objects", items: []cfgField{
		{name: "id", kind: "string", required: true},
		{name: "description", kind: "string", required: true},
		{name: "schema", kind: "any", required: true},
	}},
}

func (k *Kibana) converse(c *call) {
	body, ok := checkedBody(c, converseBody)
	if !ok {
		return
	}
	cv, round, _, ok := k.converseRound(c, body)
	if !ok {
		return
	}
	c.ok(map[string]any{"conversation_id": cv.id, "round_id": round["id"], "steps": round["steps"], "response": round["response"]})
}

// converseRound answers one checked converse body and records the round:
// the conversation (created when the body names none), the round, and
// whether the conversation is new. False when c was answered with an
// error. converse, its streaming form and A2A share it.
func (k *Kibana) converseRound(c *call, body map[string]any) (cv *abConversation, round map[string]any, created, ok bool) {
	agentID := body["agent_id"].(string)
	tools := []string{}
	if agentID == abDefaultAgent {
		tools = sortedKeys(builtinToolInfo)
	} else if a := c.space.agentBuilder.agents.get(agentID); a != nil {
		tools = a.toolIDs
	} else {
		c.notFound(fmt.Sprintf("Agent %s not found", agentID))
		return nil, nil, false, false
	}
	if id, ok := body["connector_id"].(string); ok && c.space.connectors.byID[id] == nil {
		c.notFound(fmt.Sprintf("Connector %s not found", id))
		return nil, nil, false, false
	}
	if id, ok := body["conversation_id"].(string); ok {
		if cv = abConversationOf(c, id); cv == nil {
			return nil, nil, false, false
		}
		if cv.agentID != agentID {
			c.badRequest(fmt.Sprintf("Conversation %s belongs to agent %s, not %s", id, cv.agentID, agentID))
			return nil, nil, false, false
		}
	}
	input := body["input"].(string)
	round = k.answerRound(c, input, tools)
	if atts, ok := body["attachments"].([]any); ok {
		round["input"].(map[string]any)["attachments"] = atts
	}
	now := k.now()
	if cv == nil {
		created = true
		cv = &abConversation{id: k.newID(), agentID: agentID, title: abTitle(input), user: ruleUser(c), createdAt: now}
		c.space.agentBuilder.conversations.put(cv.id, cv)
	} else {
		// Move it last: the list answers the latest first.
		c.space.agentBuilder.conversations.remove(cv.id)
		c.space.agentBuilder.conversations.put(cv.id, cv)
	}
	cv.updatedAt = now
	cv.rounds = append(cv.rounds, round)
	return cv, round, created, true
}

// abTitle is a new conversation's title: its first message, shortened.
func abTitle(input string) string {
	input = strings.TrimSpace(input)
	if len(input) > 60 {
		input = strings.TrimSpace(input[:57]) + "..."
	}
	return input
}

// abCountFields are the fields a counting question can group by, by the
// words that name them.
var abCountFields = []struct {
	words []string
	field string
}{
	{[]string{"host"}, "host.name"},
	{[]string{"user"}, "user.name"},
	{[]string{"rule"}, "kibana.alert.rule.name"},
	{[]string{"severity"}, "kibana.alert.severity"},
	{[]string{"outcome"}, "event.outcome"},
	{[]string{"dataset", "source"}, "event.dataset"},
}

// answerRound answers a message as the agent would, deterministically,
// and returns the round: input, steps (tool calls) and response.
func (k *Kibana) answerRound(c *call, input string, tools []string) map[string]any {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s/%d", c.spaceID, input, len(c.space.agentBuilder.conversations.order))
	roundID := uuidFrom(h.Sum64())
	round := map[string]any{"id": roundID, "input": map[string]any{"message": input}, "steps": []any{}}
	lower := strings.ToLower(input)
	asksCount := false
	for _, w := range []string{"how many", "count", "number of", "events", "alerts"} {
		asksCount = asksCount || strings.Contains(lower, w)
	}
	canQuery := slices.Contains(tools, "*") || slices.Contains(tools, abESQLTool)
	switch {
	case asksCount && canQuery:
		index, field := "logs-*", "event.category"
		if strings.Contains(lower, "alert") {
			index, field = ".alerts-security.alerts-"+c.spaceID, "kibana.alert.rule.name"
		}
		for _, f := range abCountFields {
			for _, w := range f.words {
				if strings.Contains(lower, w) && (index != "logs-*" || !strings.HasPrefix(f.field, "kibana.")) {
					field = f.field
				}
			}
		}
		if strings.Contains(lower, "failed") {
			index += ` | WHERE event.outcome == "failure"`
		}
		q := fmt.Sprintf("FROM %s | STATS count = COUNT(*) BY %s | SORT count DESC | LIMIT 5", index, field)
		results, rows := k.esqlRun(q, nil)
		resultsAny := make([]any, len(results))
		for i, r := range results {
			r["tool_result_id"] = fmt.Sprintf("%s%d", roundID[:5], i)
			resultsAny[i] = r
		}
		round["steps"] = []any{map[string]any{
			"type": "tool_call", "tool_call_id": "call_" + roundID[:8], "tool_id": abESQLTool,
			"params": map[string]any{"query": q}, "results": resultsAny,
		}}
		round["response"] = map[string]any{"message": abSummary(field, rows, results)}
	case asksCount:
		round["response"] = map[string]any{"message": "I cannot look at your data: none of my tools runs ES|QL. Add " + abESQLTool + " to my tools."}
	default:
		round["response"] = map[string]any{"message": fmt.Sprintf("I can answer questions about your data with these tools: %s. Ask me, for example, how many events there are per host.", strings.Join(tools, ", "))}
	}
	return round
}

// abSummary words the top rows of a count, or the query's failure.
func abSummary(field string, rows [][]any, results []map[string]any) string {
	if rows == nil {
		data, _ := results[0]["data"].(map[string]any)
		return fmt.Sprintf("The query failed: %v", data["message"])
	}
	if len(rows) == 0 {
		return "No matching documents were found."
	}
	var parts []string
	for _, r := range rows {
		if len(r) == 2 {
			parts = append(parts, fmt.Sprintf("%v: %v", r[1], r[0]))
		}
	}
	return fmt.Sprintf("Counts by %s (top %d): %s.", field, len(parts), strings.Join(parts, "; "))
}

// --- A2A

func (k *Kibana) getAgentCard(c *call) {
	id, ok := strings.CutSuffix(c.param("card"), ".json")
	if !ok {
		c.notFound("Not Found")
		return
	}
	a, builtin, found := abAgentOf(c, id)
	if !found {
		return
	}
	doc := k.defaultAgentDoc()
	if !builtin {
		doc = abAgentDoc(a)
	}
	var skills []any
	sel := doc["configuration"].(map[string]any)["tools"].([]any)[0].(map[string]any)["tool_ids"].([]any)
	for _, t := range sel {
		desc := builtinToolInfo[t.(string)].description
		if ct := c.space.agentBuilder.tools.get(t.(string)); ct != nil {
			desc = ct.description
		}
		skills = append(skills, map[string]any{"id": t, "name": t, "description": desc, "tags": []any{"tool"}})
	}
	base := "http://localhost:5601"
	if c.spaceID != "default" {
		base += "/s/" + c.spaceID
	}
	c.ok(map[string]any{
		"name": doc["name"], "description": doc["description"], "protocolVersion": "0.3.0", "version": "0.1.0",
		"url":                base + "/api/agent_builder/a2a/" + id,
		"provider":           map[string]any{"organization": "Elastic", "url": "https://elastic.co"},
		"capabilities":       map[string]any{"streaming": false, "pushNotifications": false, "stateTransitionHistory": false},
		"defaultInputModes":  []any{"text/plain"},
		"defaultOutputModes": []any{"text/plain"},
		"skills":             skills,
	})
}

// --- seed

// The seeded agent, tool and conversation; their ids are the tools'
// examples'. The seed draws no ids from the sandbox's sequence.
const (
	seedABAgentID        = "soc-triage"
	seedABToolID         = "soc.failed_logins"
	seedABConversationID = "5b0e3c7a-2f1d-4e8b-9c6a-1d2e3f4a5b6c"
)

func (k *Kibana) seedAgentBuilder(sp *space) {
	at := epStamp(k.cfg.Now().UTC().Add(-72 * time.Hour))
	sp.agentBuilder.tools.put(seedABToolID, &abTool{
		id: seedABToolID, typ: "esql", description: "Failed logins of a user, per host.", tags: []any{"auth"},
		configuration: map[string]any{
			"query":  `FROM logs-system.auth-* | WHERE event.outcome == "failure" AND user.name == ?user | STATS n = COUNT(*) BY host.name | SORT n DESC`,
			"params": map[string]any{"user": map[string]any{"type": "keyword", "description": "The user name."}},
		},
		createdAt: at, updatedAt: at,
	})
	sp.agentBuilder.agents.put(seedABAgentID, &abAgent{
		id: seedABAgentID, name: "SOC triage", description: "Helps triage alerts: counts, hosts, users.",
		labels: []any{"soc"}, instructions: "Answer briefly and cite the ES|QL you ran.",
		toolIDs: []string{abESQLTool, "platform.core.list_indices", seedABToolID}, user: "rpatel", createdAt: at, updatedAt: at,
	})
	// The conversation's round is answered as converse would answer it,
	// over the space's alerts: the space must be in place for ES|QL to
	// find them (seed puts it there next anyway).
	k.spaces[sp.id] = sp
	c := &call{k: k, space: sp, spaceID: sp.id}
	input := "How many alerts per rule?"
	round := k.answerRound(c, input, sp.agentBuilder.agents.get(seedABAgentID).toolIDs)
	sp.agentBuilder.conversations.put(seedABConversationID, &abConversation{
		id: seedABConversationID, agentID: seedABAgentID, title: abTitle(input), user: "rpatel",
		createdAt: at, updatedAt: at, rounds: []any{round},
	})
}
