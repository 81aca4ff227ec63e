package sandbox

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
)

// Agent Builder's tool execution (Kibana 9.2+, technical preview):
// POST /api/agent_builder/tools/_execute {tool_id, tool_params,
// connector_id?} with the built-in platform tools that read Elasticsearch,
// in every space, over the sandbox's one Elasticsearch (elasticsearch.go).
//
// The answer is {results: [...]}, each result {tool_result_id, type, data}
// with type one of Kibana's ToolResultType values (resource, tabular_data,
// query, other, error). What each tool answers is our best reading of
// Kibana's built-in tool definitions (onechat), assumed rather than
// recorded from a live Kibana:
//
//   - platform.core.execute_esql {query}: a "query" result {esql} and a
//     "tabular_data" result {source: "esql", query, columns, values}.
//     A query Elasticsearch refuses is an "error" result {message,
//     metadata: {query, status, error: <Elasticsearch's error body>}} in
//     a 200, as the tool reports failures to the agent.
//   - platform.core.list_indices {pattern = "*"}: an "other" result
//     {indices: [{name}], aliases: [{name, indices}], data_streams:
//     [{name, indices}], warnings}; backing indices and hidden names are
//     left out (includeHidden: false, indices a data stream represents
//     excluded).
//   - platform.core.get_index_mapping {indices: [..]}: an "other" result
//     {type: "index_mappings_response", mappings: {<index>: {mappings}},
//     indices}.
//   - platform.core.get_document_by_id {id, index}: a "resource" result
//     {reference: {id, index}, partial: false, content: _source}, or an
//     "error" result {message, metadata: {id, index}} when not found.
//
// Bad tool_params are a 400 naming the parameter; an unknown tool is a
// 404, both in Kibana's error format. GET /api/agent_builder/tools/{id}
// answers a tool's definition (kibana-mcp reads it at start to choose
// Agent Builder as the data tools' path). The agents, custom tools and
// conversations are in agent_builder_store.go; _execute runs custom tools
// too.

func (k *Kibana) agentBuilderRoutes() []route {
	return append([]route{
		newRoute("POST", "/api/agent_builder/tools/_execute", k.executeTool),
		newRoute("GET", "/api/agent_builder/tools/{id}", k.getTool),
	}, k.agentBuilderStoreRoutes()...)
}

// builtinToolInfo describes the built-in tools as GET
// /api/agent_builder/tools/{id} answers them (Kibana 9.2's tool definition:
// id, type builtin, description, tags, configuration, readonly, schema);
// the descriptions are shortened, the parameters are the sandbox's.
var builtinToolInfo = map[string]struct {
	description string
	required    []string
	params      map[string]string
}{
	"platform.core.execute_esql":       {"Execute an ES|QL query and return the results in a tabular format.", []string{"query"}, map[string]string{"query": "string"}},
	"platform.core.list_indices":       {"List the indices, aliases and data streams from the Elasticsearch cluster.", nil, map[string]string{"pattern": "string"}},
	"platform.core.get_index_mapping":  {"Retrieve mappings for the specified index or indices.", []string{"indices"}, map[string]string{"indices": "string[]"}},
	"platform.core.get_document_by_id": {"Retrieve the full content (source) of an Elasticsearch document based on its ID and index name.", []string{"id", "index"}, map[string]string{"id": "string", "index": "string"}},
}

// builtinTools are the tools the sandbox executes.
var builtinTools = map[string]func(k *Kibana, c *call, params map[string]any){
	"platform.core.execute_esql":       (*Kibana).toolExecuteESQL,
	"platform.core.list_indices":       (*Kibana).toolListIndices,
	"platform.core.get_index_mapping":  (*Kibana).toolGetIndexMapping,
	"platform.core.get_document_by_id": (*Kibana).toolGetDocument,
}

func (k *Kibana) executeTool(c *call) {
	if !c.requireBody() {
		return
	}
	for key := range c.body {
		switch key {
		case "tool_id", "tool_params", "connector_id":
		default:
			c.badRequest(fmt.Sprintf("[request body.%s]: definition for this key is missing", key))
			return
		}
	}
	id, ok := c.body["tool_id"].(string)
	if !ok {
		c.badRequest(fmt.Sprintf("[request body.tool_id]: expected value of type [string] but got [%s]", jsonTypeName(c.body["tool_id"])))
		return
	}
	params, ok := c.body["tool_params"].(map[string]any)
	if !ok {
		c.badRequest(fmt.Sprintf("[request body.tool_params]: expected value of type [object] but got [%s]", jsonTypeName(c.body["tool_params"])))
		return
	}
	if v, present := c.body["connector_id"]; present {
		if _, ok := v.(string); !ok {
			c.badRequest(fmt.Sprintf("[request body.connector_id]: expected value of type [string] but got [%s]", jsonTypeName(v)))
			return
		}
	}
	if t := c.space.agentBuilder.tools.get(id); t != nil {
		k.runCustomTool(c, t, params)
		return
	}
	run := builtinTools[id]
	if run == nil {
		c.notFound(fmt.Sprintf("Tool %s not found", id))
		return
	}
	run(k, c, params)
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "undefined"
	case string:
		return "string"
	case map[string]any:
		return "Object"
	case []any:
		return "Array"
	case bool:
		return "boolean"
	}
	return "number"
}

// toolParams checks tool_params against a tool's schema: names and their
// JSON types ("string", "string[]"); required ones must be present.
func toolParams(c *call, tool string, params map[string]any, required []string, schema map[string]string) bool {
	for key := range params {
		if _, ok := schema[key]; !ok {
			c.badRequest(fmt.Sprintf("Tool %s was called with invalid parameters: Unrecognized key(s) in object: '%s'", tool, key))
			return false
		}
	}
	for _, r := range required {
		if _, ok := params[r]; !ok {
			c.badRequest(fmt.Sprintf("Tool %s was called with invalid parameters: [%s]: Required", tool, r))
			return false
		}
	}
	for key, typ := range schema {
		v, ok := params[key]
		if !ok {
			continue
		}
		good := false
		switch typ {
		case "string":
			_, good = v.(string)
		case "string[]":
			list, isList := v.([]any)
			good = isList && len(list) > 0
			for _, e := range list {
				if _, s := e.(string); !s {
					good = false
				}
			}
		}
		if !good {
			c.badRequest(fmt.Sprintf("Tool %s was called with invalid parameters: [%s]: Expected %s, received %s", tool, key, strings.TrimSuffix(typ, "[]")+map[bool]string{true: " array (at least 1)", false: ""}[strings.HasSuffix(typ, "[]")], jsonTypeName(v)))
			return false
		}
	}
	return true
}

// toolResults answers a tool's results, each with a tool_result_id (six
// characters, as Kibana's; derived from the request so that ids are
// stable and nothing else's change).
func (k *Kibana) toolResults(c *call, results ...map[string]any) {
	list := make([]any, len(results))
	body, _ := json.Marshal(c.body)
	for i, r := range results {
		h := fnv.New64a()
		fmt.Fprintf(h, "%s/%d/%s", c.spaceID, i, body)
		r["tool_result_id"] = uuidFrom(h.Sum64())[:6]
		list[i] = r
	}
	c.ok(map[string]any{"results": list})
}

func toolError(message string, metadata map[string]any) map[string]any {
	return map[string]any{"type": "error", "data": map[string]any{"message": message, "metadata": metadata}}
}

func (k *Kibana) toolExecuteESQL(c *call, params map[string]any) {
	const tool = "platform.core.execute_esql"
	if !toolParams(c, tool, params, []string{"query"}, map[string]string{"query": "string"}) {
		return
	}
	k.esqlToolResults(c, params["query"].(string), nil)
}

func (k *Kibana) toolListIndices(c *call, params map[string]any) {
	const tool = "platform.core.list_indices"
	if !toolParams(c, tool, params, nil, map[string]string{"pattern": "string"}) {
		return
	}
	pattern, _ := params["pattern"].(string)
	if pattern == "" {
		pattern = "*"
	}
	indices, aliases, streams := []any{}, []any{}, []any{}
	warnings := []any{}
	res, err := k.resolveIndex(pattern)
	if err != nil {
		warnings = append(warnings, err.Reason)
	} else {
		for _, e := range res["indices"].([]any) {
			m := e.(map[string]any)
			if _, backing := m["data_stream"]; backing || strings.HasPrefix(m["name"].(string), ".") {
				continue
			}
			indices = append(indices, map[string]any{"name": m["name"]})
		}
		for _, e := range res["aliases"].([]any) {
			m := e.(map[string]any)
			aliases = append(aliases, map[string]any{"name": m["name"], "indices": m["indices"]})
		}
		for _, e := range res["data_streams"].([]any) {
			m := e.(map[string]any)
			streams = append(streams, map[string]any{"name": m["name"], "indices": m["backing_indices"]})
		}
	}
	k.toolResults(c, map[string]any{"type": "other", "data": map[string]any{"indices": indices, "aliases": aliases, "data_streams": streams, "warnings": warnings}})
}

func (k *Kibana) toolGetIndexMapping(c *call, params map[string]any) {
	const tool = "platform.core.get_index_mapping"
	if !toolParams(c, tool, params, []string{"indices"}, map[string]string{"indices": "string[]"}) {
		return
	}
	var names []string
	for _, v := range params["indices"].([]any) {
		names = append(names, v.(string))
	}
	ts, err := k.resolveTargets(strings.Join(names, ","))
	if err != nil {
		k.toolResults(c, toolError(fmt.Sprintf("Error getting mappings: %s: %s", err.Type, err.Reason), map[string]any{"indices": names}))
		return
	}
	mappings := map[string]any{}
	for _, t := range ts {
		mappings[t.name] = mappingOf(t.ix)
	}
	sort.Strings(names)
	k.toolResults(c, map[string]any{"type": "other", "data": map[string]any{"type": "index_mappings_response", "mappings": mappings, "indices": names}})
}

func (k *Kibana) toolGetDocument(c *call, params map[string]any) {
	const tool = "platform.core.get_document_by_id"
	if !toolParams(c, tool, params, []string{"id", "index"}, map[string]string{"id": "string", "index": "string"}) {
		return
	}
	id, index := params["id"].(string), params["index"].(string)
	status, body, err := k.getDoc(index, id)
	if err != nil || status != 200 {
		k.toolResults(c, toolError(fmt.Sprintf("Document with ID '%s' not found in index '%s'", id, index), map[string]any{"id": id, "index": index}))
		return
	}
	k.toolResults(c, map[string]any{"type": "resource", "data": map[string]any{
		"reference": map[string]any{"id": body["_id"], "index": body["_index"]},
		"partial":   false,
		"content":   body["_source"],
	}})
}
