package tools

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// agentBuilderRequest is the execution of one Agent Builder platform tool.
func agentBuilderRequest(toolID string, params map[string]any) (*kibana.Request, error) {
	body, err := json.Marshal(map[string]any{"tool_id": toolID, "tool_params": params})
	if err != nil {
		return nil, err
	}
	return &kibana.Request{Method: http.MethodPost, Path: agentBuilderExecute, APIVersion: operation.V20231031, Body: body, Retryable: true}, nil
}

// abResult is one result of an Agent Builder tool execution. The answer of
// POST /api/agent_builder/tools/_execute is {results: [{tool_result_id,
// type, data}]}, type one of Kibana's ToolResultType values (resource,
// tabular_data, esql_results in later versions, query, other, error):
// our reading of Kibana 9.2's onechat built-in tools (the spec says only
// "application/json"), the shape the sandbox serves (sandbox/agent_builder.go).
// execute_esql's table is the result whose data has columns (tabular_data
// {source, query, columns, values} in 9.2), whatever its type is called.
type abResult struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// runPlatformTool executes an Agent Builder platform tool and returns its
// results; a result of type error is an error.
func runPlatformTool(ctx context.Context, k *kibana.Client, space, toolID string, params map[string]any) ([]abResult, error) {
	req, err := agentBuilderRequest(toolID, params)
	if err != nil {
		return nil, err
	}
	req.Space = space
	resp, err := k.Do(ctx, req)
	if err != nil {
		var apiErr *kibana.APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && !strings.Contains(apiErr.Message, toolID) {
			return nil, fmt.Errorf("%w (Kibana's Agent Builder needs Kibana 9.2 or later, enabled; or configure --elasticsearch-url)", err)
		}
		return nil, err
	}
	var answer struct {
		Results []abResult `json:"results"`
	}
	if err := json.Unmarshal(resp.Body, &answer); err != nil {
		return nil, fmt.Errorf("Agent Builder's answer is not the JSON expected: %w", err)
	}
	for _, r := range answer.Results {
		if r.Type == "error" {
			// An "error" result {message, metadata}: Kibana's tool runner
			// reports a failure to the agent this way, in a 200. When the
			// metadata carries Elasticsearch's own error body (as the
			// sandbox's execute_esql does), that is read; otherwise the
			// message text, which quotes Elasticsearch's.
			var e struct {
				Message  string `json:"message"`
				Metadata struct {
					Status int             `json:"status"`
					Error  json.RawMessage `json:"error"`
				} `json:"metadata"`
			}
			_ = json.Unmarshal(r.Data, &e)
			if len(e.Metadata.Error) > 0 && e.Metadata.Error[0] == '{' {
				status := cmp.Or(e.Metadata.Status, http.StatusBadRequest)
				if de := elastic.DecodeError(status, e.Metadata.Error); de.Type != "" {
					return nil, de
				}
			}
			return nil, elastic.FromMessage(http.StatusBadRequest, e.Message)
		}
	}
	return answer.Results, nil
}

// esqlTable is an ES|QL answer: columns, then rows.
type esqlTable struct {
	Columns []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"columns"`
	Values [][]any `json:"values"`
}

// decode reads an ES|QL answer keeping numbers as Elasticsearch wrote
// them: a long past 2^53 (a byte sum, an unsigned_long) would lose its
// last digits as a float64.
func (t *esqlTable) decode(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(t)
}

// count reads a COUNT cell as an int (0 when it is not a number).
func count(v any) int {
	x, _ := v.(json.Number)
	n, _ := x.Int64()
	return int(n)
}

// col is the index of the named column, or -1.
func (t *esqlTable) col(name string) int {
	return slices.IndexFunc(t.Columns, func(c struct {
		Name string `json:"name"`
		Type string `json:"type"`
	}) bool {
		return c.Name == name
	})
}

// esqlRun is one ES|QL query and what bounds it.
type esqlRun struct {
	query      string
	params     map[string]any
	start, end time.Time
	dropNulls  bool // ask Elasticsearch to leave out columns that are all null
}

// runESQL runs q on the chosen path.
func runESQL(ctx context.Context, k *kibana.Client, space string, q esqlRun) (*esqlTable, error) {
	if es := elastic.SourceFrom(ctx).ES(k); es != nil {
		body := map[string]any{"query": q.query}
		if len(q.params) > 0 {
			var ps []map[string]any
			for _, name := range sortedKeys(q.params) {
				ps = append(ps, map[string]any{name: q.params[name]})
			}
			body["params"] = ps
		}
		if !q.start.IsZero() || !q.end.IsZero() {
			rng := map[string]any{"format": "strict_date_optional_time"}
			if !q.start.IsZero() {
				rng["gte"] = isoTime(q.start)
			}
			if !q.end.IsZero() {
				rng["lte"] = isoTime(q.end)
			}
			body["filter"] = map[string]any{"range": map[string]any{"@timestamp": rng}}
		}
		raw, _ := json.Marshal(body)
		r := &elastic.Request{Method: http.MethodPost, Path: "/_query", Body: raw}
		if q.dropNulls {
			r.Query = url.Values{"drop_null_columns": {"true"}}
		}
		resp, err := es.Do(ctx, r)
		if err != nil {
			return nil, esqlError(err)
		}
		var t esqlTable
		if err := t.decode(resp.Body); err != nil {
			return nil, fmt.Errorf("Elasticsearch's ES|QL answer is not the JSON expected: %w", err)
		}
		return &t, nil
	}
	query, err := inlineParams(q.query, q.params)
	if err == nil {
		query, err = withTimeRange(query, q.start, q.end)
	}
	if err != nil {
		return nil, err
	}
	results, err := runPlatformTool(ctx, k, space, abExecuteESQL, map[string]any{"query": query})
	if err != nil {
		return nil, esqlError(err)
	}
	for _, r := range results {
		var t esqlTable
		if t.decode(r.Data) == nil && t.Columns != nil {
			return &t, nil
		}
	}
	if len(results) == 0 {
		return &esqlTable{}, nil // no results: nothing matched
	}
	return nil, errors.New("Agent Builder's execute_esql answered without a table")
}

// esqlError adds a hint to Elasticsearch's common ES|QL errors.
func esqlError(err error) error {
	var e *elastic.Error
	if !errors.As(err, &e) {
		return err
	}
	reason := strings.ToLower(e.Reason)
	var hint string
	switch {
	case strings.Contains(reason, "unknown column") || strings.Contains(reason, "unknown field"):
		hint = "check the field names with get_fields"
	case strings.Contains(reason, "unknown index") || e.Type == "index_not_found_exception" || strings.Contains(reason, "no such index"):
		hint = "check the index pattern with find_indices"
	case e.Type == "parsing_exception":
		hint = "check the syntax there: commands are joined by |, strings take double quotes, == compares"
	case e.Type == "verification_exception":
		hint = "check the types and names there with get_fields"
	}
	if hint == "" {
		return e
	}
	return fmt.Errorf("%w (hint: %s)", e, hint)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Request is the Agent Builder execution of the query.
func (in *QueryESQLInput) Request() (*kibana.Request, error) {
	query, err := inlineParams(in.Query, in.Params)
	if err == nil {
		query, err = withTimeRange(query, in.start, in.end)
	}
	if err != nil {
		return nil, argumentError("query", err)
	}
	return agentBuilderRequest(abExecuteESQL, map[string]any{"query": query})
}

// Run sends the query on the chosen path and answers a text table.
func (in *QueryESQLInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	t, err := runESQL(ctx, k, req.Space, esqlRun{query: in.Query, params: in.Params, start: in.start, end: in.end})
	if err != nil {
		return nil, err
	}
	table := newTextTable(t)
	if in.limited {
		table.note = fmt.Sprintf("the query had no LIMIT: LIMIT %d was added", in.Limit)
		if table.rows >= in.Limit {
			table.note += "; there may be more rows (add your own LIMIT, or STATS)"
		}
	}
	return &operation.Result{Resp: textResponse(table.String())}, nil
}

func argumentError(field string, err error) error {
	return &schema.ArgumentError{Field: field, Rule: err.Error()}
}
