package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// dynamic serves toolsets on demand: the model starts with three discovery
// tools and enables the toolsets a conversation needs. Enabling registers
// the toolset's tools and mcp-go tells every client the list changed.
// Tools are shared by all sessions of the server (one user per server).
type dynamic struct {
	s       *server.MCPServer
	r       *Runner
	byName  map[string][]*Operation // operations that may be enabled, by toolset
	initial []*Operation            // served from the start (--toolsets, --tools)

	mu      sync.Mutex
	enabled map[string]bool
}

func newDynamic(s *server.MCPServer, r *Runner, sel Selection) (*dynamic, error) {
	// Everything may be enabled except what the user excluded or, in
	// read-only mode, what writes.
	available, err := Select(All(), Selection{Toolsets: []string{"all"}, Exclude: sel.Exclude, ReadOnly: sel.ReadOnly})
	if err != nil {
		return nil, err
	}
	d := &dynamic{s: s, r: r, byName: map[string][]*Operation{}, enabled: map[string]bool{}}
	for _, op := range available {
		d.byName[op.Toolset] = append(d.byName[op.Toolset], op)
	}
	// Toolsets and tools named at start are served from the start; with
	// none named, nothing is (Select would read that as the default set).
	if len(sel.Toolsets) > 0 {
		if d.initial, err = Select(All(), sel); err != nil {
			return nil, err
		}
		for _, name := range sel.Toolsets {
			for _, ts := range Toolsets {
				if name == ts.Name || name == "all" || (name == "default" && ts.Default) {
					d.enabled[ts.Name] = true
				}
			}
		}
	} else {
		for _, op := range available {
			if slices.Contains(sel.Tools, op.Name) {
				d.initial = append(d.initial, op)
			}
		}
	}
	return d, nil
}

// ToolsetInput names one toolset.
type ToolsetInput struct {
	Toolset string `json:"toolset" jsonschema:"required,minLength=1" jsonschema_description:"Toolset name, from list_toolsets."`
}

// ListToolsetsInput takes no arguments.
type ListToolsetsInput struct{}

var (
	listToolsetsTool = &metaTool{
		Name: "list_toolsets", Title: "List toolsets", Input: ListToolsetsInput{}, ReadOnly: true,
		Description: "List the Kibana API areas (toolsets) this server offers, with their tool counts and whether each is enabled. Enable one with enable_toolset.",
	}
	listToolsetToolsTool = &metaTool{
		Name: "list_toolset_tools", Title: "List a toolset's tools", Input: ToolsetInput{}, ReadOnly: true,
		Description: "List the tools of one toolset (name, title, read-only or not), to decide whether to enable it.",
	}
	enableToolsetTool = &metaTool{
		Name: "enable_toolset", Title: "Enable toolset", Input: ToolsetInput{}, Idempotent: true,
		Description: "Make a toolset's tools available in this session; the tool list then changes.",
	}
)

func (d *dynamic) discoveryTools() []server.ServerTool {
	return []server.ServerTool{
		listToolsetsTool.serve(func(context.Context, mcp.CallToolRequest, map[string]any) (*mcp.CallToolResult, error) {
			return d.listToolsets(), nil
		}),
		listToolsetToolsTool.serve(func(_ context.Context, _ mcp.CallToolRequest, args map[string]any) (*mcp.CallToolResult, error) {
			return d.listTools(args["toolset"].(string)), nil
		}),
		enableToolsetTool.serve(func(_ context.Context, _ mcp.CallToolRequest, args map[string]any) (*mcp.CallToolResult, error) {
			return d.enable(args["toolset"].(string)), nil
		}),
	}
}

func (d *dynamic) listToolsets() *mcp.CallToolResult {
	type row struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Tools       int    `json:"tools"`
		Enabled     bool   `json:"enabled"`
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var rows []row
	for _, ts := range Toolsets {
		if n := len(d.byName[ts.Name]); n > 0 {
			rows = append(rows, row{ts.Name, ts.Description, n, d.enabled[ts.Name]})
		}
	}
	return jsonResult(map[string]any{"toolsets": rows})
}

func (d *dynamic) listTools(toolset string) *mcp.CallToolResult {
	ops, err := d.toolset(toolset)
	if err != nil {
		return err
	}
	type row struct {
		Name     string `json:"name"`
		Title    string `json:"title"`
		ReadOnly bool   `json:"readOnly"`
	}
	rows := make([]row, len(ops))
	for i, op := range ops {
		rows[i] = row{op.Name, op.Title, op.ReadOnly()}
	}
	return jsonResult(map[string]any{"toolset": toolset, "tools": rows})
}

func (d *dynamic) enable(toolset string) *mcp.CallToolResult {
	ops, errResult := d.toolset(toolset)
	if errResult != nil {
		return errResult
	}
	d.mu.Lock()
	already := d.enabled[toolset]
	d.enabled[toolset] = true
	d.mu.Unlock()
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.Name
	}
	if already {
		return mcp.NewToolResultText(fmt.Sprintf("Toolset %s is already enabled: %s.", toolset, strings.Join(names, ", ")))
	}
	if err := d.r.register(d.s, ops); err != nil {
		return mcp.NewToolResultError(err.Error())
	}
	return mcp.NewToolResultText(fmt.Sprintf("Enabled toolset %s: %d tools (%s). They are now in the tool list.", toolset, len(ops), strings.Join(names, ", ")))
}

// toolset returns the operations of a toolset that may be enabled, or a
// tool error naming the valid toolsets.
func (d *dynamic) toolset(name string) ([]*Operation, *mcp.CallToolResult) {
	if ops := d.byName[name]; len(ops) > 0 {
		return ops, nil
	}
	var valid []string
	for _, ts := range Toolsets {
		if len(d.byName[ts.Name]) > 0 {
			valid = append(valid, ts.Name)
		}
	}
	return nil, mcp.NewToolResultError(fmt.Sprintf("invalid argument \"toolset\": no toolset %q with tools to offer; valid toolsets: %s", name, strings.Join(valid, ", ")))
}

func jsonResult(v any) *mcp.CallToolResult {
	b, err := json.Marshal(v)
	if err != nil {
		return mcp.NewToolResultError(err.Error())
	}
	res := mcp.NewToolResultText(string(b))
	if slices.Contains([]byte{'{'}, b[0]) {
		res.StructuredContent = json.RawMessage(b)
	}
	return res
}
