package serve

//go:generate go run ../internal/genschemas -pkg serve -out schemas_gen.go

import (
	"context"
	"fmt"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// metaTool is a tool of the server itself rather than of Kibana: toolset
// discovery and tool search. Its input is a struct like an operation's, with
// a generated schema, and its arguments are checked the same way.
type metaTool struct {
	Name, Title, Description string
	Input                    any
	ReadOnly, Idempotent     bool
	Destructive              bool

	once      sync.Once
	validator *schema.Validator
	err       error
}

// metaTools lists every meta tool, for schema generation and snapshots.
func metaTools() []*metaTool {
	return []*metaTool{listToolsetsTool, listToolsetToolsTool, enableToolsetTool, searchToolsTool, callToolTool}
}

// Generated is an input whose schema `go generate` writes: operations
// (with the space_id argument) and meta tools (without).
type Generated struct {
	Name   string
	Input  any
	Common bool // takes operation.CommonArguments
}

// GeneratedInputs lists the machinery's own inputs for the schema
// generator, which writes them to this package's schemas_gen.go: the raw
// request tool's and the meta tools'. (The catalogue's are generated into
// its own package.)
func GeneratedInputs() []Generated {
	out := []Generated{{RawRequest.Name, RawRequest.Input, true}}
	for _, m := range metaTools() {
		out = append(out, Generated{m.Name, m.Input, false})
	}
	return out
}

// OwnTools are the definitions of the machinery's own tools, which no
// catalogue declares: the raw request tool (as served outside read-only
// mode) and the meta tools. Snapshots and listings read them.
func OwnTools() ([]mcp.Tool, error) {
	raw, err := RawRequest.Tool()
	if err != nil {
		return nil, err
	}
	defs := []mcp.Tool{raw}
	for _, m := range metaTools() {
		tool, err := m.Tool()
		if err != nil {
			return nil, err
		}
		defs = append(defs, tool)
	}
	return defs, nil
}

// Tool is the MCP definition of the meta tool.
func (m *metaTool) Tool() (mcp.Tool, error) {
	raw, ok := generatedSchemas[m.Name]
	if !ok {
		return mcp.Tool{}, fmt.Errorf("no generated schema for %s: run `go generate ./serve`", m.Name)
	}
	return mcp.Tool{
		Name:           m.Name,
		Title:          m.Title,
		Description:    m.Description,
		RawInputSchema: []byte(raw),
		Annotations: mcp.ToolAnnotation{
			Title:           m.Title,
			ReadOnlyHint:    mcp.ToBoolPtr(m.ReadOnly),
			DestructiveHint: mcp.ToBoolPtr(m.Destructive),
			IdempotentHint:  mcp.ToBoolPtr(m.ReadOnly || m.Idempotent),
			OpenWorldHint:   mcp.ToBoolPtr(false),
		},
	}, nil
}

// serve pairs the definition with a handler that gets checked arguments.
func (m *metaTool) serve(handle func(ctx context.Context, call mcp.CallToolRequest, args map[string]any) (*mcp.CallToolResult, error)) server.ServerTool {
	tool, err := m.Tool()
	if err != nil {
		panic(err) // TestGeneratedSchemasAreFresh keeps every schema present
	}
	return server.ServerTool{Tool: tool, Handler: func(ctx context.Context, call mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		args, isObject := call.Params.Arguments.(map[string]any)
		if call.Params.Arguments != nil && !isObject {
			return mcp.NewToolResultError("invalid arguments: must be a JSON object of named arguments"), nil
		}
		if args == nil {
			args = map[string]any{}
		}
		m.once.Do(func() { m.validator, m.err = schema.Compile([]byte(tool.RawInputSchema)) })
		if m.err != nil {
			return nil, m.err
		}
		if err := m.validator.Validate(args); err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		return handle(ctx, call, args)
	}}
}
