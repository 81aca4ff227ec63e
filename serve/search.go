package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/internal/toolsearch"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// With --tool-search the server lists two tools whatever the number of
// operations: search_tools finds operations by words and shows their input
// schemas, call_tool runs one by name. Calls through call_tool are checked
// and confirmed exactly as the typed tool would be.

// SearchToolsInput is a search over the served operations.
type SearchToolsInput struct {
	Query string `json:"query" jsonschema:"required,minLength=1,maxLength=500" jsonschema_description:"What you want to do, in plain words (e.g. close a case, list open critical cases)."`
	Limit int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=10" jsonschema_description:"How many matches to return; 5 when omitted."`
}

// CallToolInput runs one operation by name.
type CallToolInput struct {
	Name      string         `json:"name" jsonschema:"required,minLength=1" jsonschema_description:"Tool name from search_tools."`
	Arguments map[string]any `json:"arguments,omitempty" jsonschema_description:"The tool's arguments, as its input schema from search_tools describes."`
}

var (
	searchToolsTool = &metaTool{
		Name: "search_tools", Title: "Search Kibana tools", Input: SearchToolsInput{}, ReadOnly: true,
		Description: "Find the Kibana tools for a task: best matches first, each with its input schema. Then run one with call_tool.",
	}
	callToolTool = &metaTool{
		Name: "call_tool", Title: "Call Kibana tool", Input: CallToolInput{}, Destructive: true,
		Description: "Run a tool found with search_tools, by name with its arguments. It may change Kibana if that tool does.",
	}
)

const defaultSearchLimit = 5

// searchTools serves search_tools and call_tool over ops.
type searchTools struct {
	r      *Runner
	opts   Options // to say why a tool is not among ops
	ops    []*operation.Operation
	byName map[string]*operation.Operation

	indexOnce sync.Once
	index     *toolsearch.Index // built on the first search, not at start-up
}

func newSearchTools(r *Runner, ops []*operation.Operation, opts Options) []server.ServerTool {
	st := &searchTools{r: r, opts: opts, ops: ops, byName: make(map[string]*operation.Operation, len(ops))}
	for _, op := range ops {
		st.byName[op.Name] = op
	}
	call := callToolTool.serve(st.call)
	if r.readOnly {
		// Only reads are reachable, so the tool itself only reads.
		call.Tool.Annotations.ReadOnlyHint = mcp.ToBoolPtr(true)
		call.Tool.Annotations.DestructiveHint = mcp.ToBoolPtr(false)
		call.Tool.Annotations.IdempotentHint = mcp.ToBoolPtr(true)
	}
	return []server.ServerTool{searchToolsTool.serve(st.search), call}
}

// match is one search result as the model sees it.
type match struct {
	Name        string          `json:"name"`
	Title       string          `json:"title"`
	Toolset     string          `json:"toolset"`
	ReadOnly    bool            `json:"readOnly"`
	Destructive bool            `json:"destructive"`
	Description string          `json:"description"`
	InputSchema json.RawMessage `json:"inputSchema"`
}

func (st *searchTools) search(ctx context.Context, _ mcp.CallToolRequest, args map[string]any) (*mcp.CallToolResult, error) {
	query := args["query"].(string)
	limit := defaultSearchLimit
	if n, ok := args["limit"].(float64); ok {
		limit = int(n)
	}
	st.indexOnce.Do(func() { st.index = SearchIndex(st.ops) })
	kib, want := st.r.kib.Info(), limit
	if st.r.live {
		// The index covers every Kibana: rank all, pass over what this
		// one lacks now.
		kib, want = st.r.kib.Current(ctx), 0
	}
	if st.r.withheld != nil {
		want = 0 // and pass over what the deployment cannot run now
	}
	var matches []match
	for _, hit := range st.index.Search(query, want) {
		op := st.byName[hit.Name]
		if _, out := st.r.withheld.Why(op.Name); out || !st.r.availableOn(op, kib) {
			continue
		}
		if len(matches) == limit {
			break
		}
		schemaJSON, err := op.Schema()
		if err != nil {
			return nil, err
		}
		matches = append(matches, match{op.Name, op.Title, op.Toolset, op.ReadOnly(), isDestructive(op), op.Description, schemaJSON})
	}
	if len(matches) == 0 {
		text := fmt.Sprintf("No tool matches %q.", query)
		if st.r.cat.NoMatchHint != "" {
			text += " " + st.r.cat.NoMatchHint
		}
		return mcp.NewToolResultText(text), nil
	}
	return jsonResult(map[string]any{"matches": matches, "next": "Run one with call_tool {name, arguments}."}), nil
}

func (st *searchTools) call(ctx context.Context, call mcp.CallToolRequest, args map[string]any) (*mcp.CallToolResult, error) {
	name := args["name"].(string)
	op, ok := st.byName[name]
	if !ok {
		msg := "invalid argument \"name\": " + Unserved(st.r.cat, st.opts, name)
		if _, exists := st.r.cat.Lookup(name); !exists && name != RawRequest.Name {
			msg += " Find tools by task with search_tools."
		}
		return mcp.NewToolResultError(msg), nil
	}
	inner, _ := args["arguments"].(map[string]any)
	if inner == nil {
		inner = map[string]any{}
	}
	return st.r.run(ctx, op, inner, call.Params.MultiRoundTripParams)
}
