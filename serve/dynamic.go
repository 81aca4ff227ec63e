package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// dynamic serves toolsets on demand: the model starts with three discovery
// tools and enables the toolsets a conversation needs.
//
// What one caller enables is for that caller only: on a shared HTTP server
// one session's enable_toolset must not widen another's tools. A toolset's
// tools are registered with the MCP server the first time anyone enables
// it (start-up does not pay for toolsets nobody uses), and a tool filter,
// which mcp-go applies to tools/list and tools/call alike, shows each
// caller only what it enabled (callerOf: the session, or without one the
// credential).
type dynamic struct {
	s       *server.MCPServer
	r       *Runner
	byName  map[string][]*operation.Operation // operations that may be enabled, by toolset
	initial []*operation.Operation            // served to everyone from the start (--toolsets, --tools)
	all     bool                              // no --toolsets bound what may be enabled

	mu        sync.Mutex
	onStart   map[string]bool            // toolsets enabled for everyone from the start
	hidden    []*operation.Operation     // registered at start, shown once enabled
	toolsetOf map[string]string          // tool → toolset, for tools served on demand only
	byCaller  map[string]*callerToolsets // what each caller enabled
}

// callerToolsets is what one caller enabled, and when it last asked.
type callerToolsets struct {
	enabled map[string]bool
	used    time.Time
}

// maxDynamicCallers bounds the callers remembered; beyond it the one unused
// longest forgets what it enabled (and can enable it again). Sessions come
// and go, and nothing else would ever drop them.
const maxDynamicCallers = 4096

func newDynamic(s *server.MCPServer, r *Runner, sel Selection) (*dynamic, error) {
	// What may be enabled: with --toolsets, only what they (and --tools)
	// select; without, everything. --exclude-tools and --read-only bound
	// both.
	bound := sel
	all := len(sel.Toolsets) == 0
	if all {
		bound = Selection{Toolsets: []string{"all"}, Exclude: sel.Exclude, ReadOnly: sel.ReadOnly, Kibana: sel.Kibana, Unavailable: sel.Unavailable}
	}
	available, err := Select(r.cat, bound)
	if err != nil {
		return nil, err
	}
	d := &dynamic{s: s, r: r, byName: map[string][]*operation.Operation{}, all: all || slices.Contains(sel.Toolsets, "all"),
		onStart: map[string]bool{}, toolsetOf: map[string]string{}, byCaller: map[string]*callerToolsets{}}
	for _, op := range available {
		d.byName[op.Toolset] = append(d.byName[op.Toolset], op)
	}
	// Toolsets and tools named at start are served from the start; with
	// none named, nothing is (Select would read that as the default set).
	if !all {
		d.initial = available
		for _, name := range sel.Toolsets {
			for _, ts := range d.r.cat.Toolsets() {
				if name == ts.Name || name == "all" || (name == "default" && ts.Default) {
					d.onStart[ts.Name] = true
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
	// Every tool that may be enabled is registered now, hidden by the
	// filter until its caller enables it: registering costs little (see
	// Runner.register), and registering later would make mcp-go tell
	// every session that its list changed.
	for _, op := range available {
		if !slices.Contains(d.initial, op) {
			d.toolsetOf[op.Name] = op.Toolset
			d.hidden = append(d.hidden, op)
		}
	}
	server.WithToolFilter(d.filter)(s)
	dynamics.Store(s, d)
	return d, nil
}

// dynamics finds the dynamic toolsets of a server, for the explanation of
// a tool a caller has not enabled (ExplainUnserved).
var dynamics sync.Map // *server.MCPServer → *dynamic

// visible reports whether the caller of ctx sees the named tool.
func (d *dynamic) visible(ctx context.Context, name string) bool {
	return len(d.filter(ctx, []mcp.Tool{{Name: name}})) == 1
}

// filter shows a caller the tools served to everyone and those of the
// toolsets it enabled.
func (d *dynamic) filter(ctx context.Context, tools []mcp.Tool) []mcp.Tool {
	caller := callerOf(ctx)
	d.mu.Lock()
	defer d.mu.Unlock()
	var mine map[string]bool
	if c := d.byCaller[caller]; c != nil {
		mine = c.enabled
	}
	kept := tools[:0:0]
	for _, t := range tools {
		if ts, onDemand := d.toolsetOf[t.Name]; !onDemand || mine[ts] {
			kept = append(kept, t)
		}
	}
	return kept
}

// enabledFor reports whether caller has toolset, from the start or by
// enabling it. Call with d.mu held.
func (d *dynamic) enabledFor(caller, toolset string) bool {
	if d.onStart[toolset] {
		return true
	}
	c := d.byCaller[caller]
	return c != nil && c.enabled[toolset]
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
		listToolsetsTool.serve(func(ctx context.Context, _ mcp.CallToolRequest, _ map[string]any) (*mcp.CallToolResult, error) {
			return d.listToolsets(ctx), nil
		}),
		listToolsetToolsTool.serve(func(_ context.Context, _ mcp.CallToolRequest, args map[string]any) (*mcp.CallToolResult, error) {
			return d.listTools(args["toolset"].(string)), nil
		}),
		enableToolsetTool.serve(func(ctx context.Context, _ mcp.CallToolRequest, args map[string]any) (*mcp.CallToolResult, error) {
			return d.enable(ctx, args["toolset"].(string)), nil
		}),
	}
}

func (d *dynamic) listToolsets(ctx context.Context) *mcp.CallToolResult {
	caller := callerOf(ctx)
	type row struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Tools       int    `json:"tools"`
		Enabled     bool   `json:"enabled"`
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var rows []row
	for _, ts := range d.r.cat.Toolsets() {
		if n := len(d.offered(ts.Name)); n > 0 {
			rows = append(rows, row{ts.Name, ts.Description, n, d.enabledFor(caller, ts.Name)})
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

func (d *dynamic) enable(ctx context.Context, toolset string) *mcp.CallToolResult {
	ops, errResult := d.toolset(toolset)
	if errResult != nil {
		return errResult
	}
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.Name
	}
	caller := callerOf(ctx)
	d.mu.Lock()
	already := d.enabledFor(caller, toolset)
	if !already {
		d.remember(caller).enabled[toolset] = true
	}
	d.mu.Unlock()
	if already {
		return mcp.NewToolResultText(fmt.Sprintf("Toolset %s is already enabled: %s.", toolset, strings.Join(names, ", ")))
	}
	if s := server.ClientSessionFromContext(ctx); s != nil && s.SessionID() != "" {
		// Only this caller's list changed.
		_ = d.s.SendNotificationToSpecificClient(s.SessionID(), string(mcp.MethodNotificationToolsListChanged), nil)
	}
	return mcp.NewToolResultText(fmt.Sprintf("Enabled toolset %s: %d tools (%s). They are now in the tool list.", toolset, len(ops), strings.Join(names, ", ")))
}

// remember returns caller's record, making room for it if need be. Call
// with d.mu held.
func (d *dynamic) remember(caller string) *callerToolsets {
	c := d.byCaller[caller]
	if c == nil {
		if len(d.byCaller) >= maxDynamicCallers {
			oldest := ""
			for k, v := range d.byCaller {
				if oldest == "" || v.used.Before(d.byCaller[oldest].used) {
					oldest = k
				}
			}
			delete(d.byCaller, oldest)
		}
		c = &callerToolsets{enabled: map[string]bool{}}
		d.byCaller[caller] = c
	}
	c.used = time.Now()
	return c
}

// toolset returns the operations of a toolset that may be enabled, or a
// tool error naming the valid toolsets.
func (d *dynamic) toolset(name string) ([]*operation.Operation, *mcp.CallToolResult) {
	if ops := d.offered(name); len(ops) > 0 {
		return ops, nil
	}
	if ops := d.byName[name]; len(ops) > 0 {
		// Enabled or not, this Kibana serves none of it.
		return nil, mcp.NewToolResultError(fmt.Sprintf("toolset %q is not served: %s", name, NotOnKibana(d.r.cat, ops[0], d.r.kib.Info())))
	}
	var valid []string
	for _, ts := range d.r.cat.Toolsets() {
		if len(d.offered(ts.Name)) > 0 {
			valid = append(valid, ts.Name)
		}
	}
	if _, exists := d.r.cat.Toolset(name); exists && !d.all {
		return nil, mcp.NewToolResultError(fmt.Sprintf("invalid argument \"toolset\": toolset %q is not served here (the server's --toolsets, --exclude-tools or --read-only leave it out); toolsets that may be enabled: %s", name, strings.Join(valid, ", ")))
	}
	return nil, mcp.NewToolResultError(fmt.Sprintf("invalid argument \"toolset\": no toolset %q with tools to offer; valid toolsets: %s", name, strings.Join(valid, ", ")))
}

// offered are the operations of a toolset that may be enabled and that
// the Kibana, as known now, can serve, less those withheld now.
func (d *dynamic) offered(toolset string) []*operation.Operation {
	ops := d.byName[toolset]
	if !d.r.live && d.r.withheld == nil {
		return ops
	}
	kib := d.r.kib.Info()
	var out []*operation.Operation
	for _, op := range ops {
		if _, withheld := d.r.withheld.Why(op.Name); !withheld && (!d.r.live || d.r.availableOn(op, kib)) {
			out = append(out, op)
		}
	}
	return out
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
