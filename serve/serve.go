// Package serve is the MCP serving machinery: it turns the operations of a
// catalogue (operation.Catalog, filled by package tools and handed over by
// app/) into MCP tools, and applies the serving policy to every one alike:
// selection and read-only mode, confirmation of destructive calls, dynamic
// toolsets and tool search, the raw request tool, result shaping and
// cutting, notifications, and explanations for tools not served. It names
// no API area: what it says about one comes from the catalogue.
package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// Options is the serving policy: which operations are served, how they are
// offered to the model, and the rules every call obeys. It is decided once,
// from configuration, and applied to every operation alike.
type Options struct {
	Selection Selection
	// Confirm decides what happens before a destructive call leaves: ask
	// the user through MCP elicitation where the client can be asked, and
	// with ConfirmRequire refuse the call where it cannot.
	Confirm ConfirmMode
	// DynamicToolsets starts with the discovery tools only; the model
	// enables toolsets as it needs them.
	DynamicToolsets bool
	// ToolSearch lists two tools only: one finds operations by words, the
	// other calls them by name.
	ToolSearch bool
	// AllowRaw serves call_kibana_api, for API paths without a typed tool.
	AllowRaw bool
	// ConfirmSecret, when set, signs confirmation states instead of a key
	// new in every process: stateless replicas given the same secret accept
	// each other's approvals.
	ConfirmSecret []byte
	// MaxResultBytes bounds the text of one result; larger answers are cut
	// at a JSON-safe point. 0 means DefaultMaxResultBytes.
	MaxResultBytes int
	// Kibana, when set, keeps what is known of the Kibana fresh while
	// serving (KibanaWatch): every tool any Kibana could serve is
	// registered, each caller sees those this one can serve now, and
	// sessions are told when that changes. Unset, Selection.Kibana is
	// fixed for the server's life.
	Kibana *KibanaWatch
	// CallContext, when set, decorates the context of every tool call
	// (app hands the data tools their path to Elasticsearch this way).
	CallContext func(context.Context) context.Context
	// Withheld, when set, is Selection.Unavailable kept fresh while
	// serving: the tools it names are registered but neither listed nor
	// run while withheld, and sessions are told when that changes.
	Withheld *Withheld
}

// DefaultMaxResultBytes keeps a typical answer whole (a 20-case page of
// realistic cases is 20–60 KB) while keeping a broad search from flooding a
// model's context.
const DefaultMaxResultBytes = 64 << 10

// Install registers on s the tools of cat that opts serve, all run through
// client. Only served tools are registered: start-up does not grow with the
// others.
func Install(s *server.MCPServer, client *kibana.Client, cat *operation.Catalog, opts Options) error {
	follow, err := InstallTools(s, client, cat, opts)
	if err != nil {
		return err
	}
	follow()
	return nil
}

// InstallTools is Install in two steps: it registers the tools and the
// filters that choose them, and follow subscribes s to the changes of
// opts.Kibana and opts.Withheld (telling sessions their list changed).
// What it registers depends on neither's state, only on their being
// given, so a start can register while it asks Kibana which it is, and
// call follow once it knows, before serving: changes until then are not
// told, as if it had installed after.
func InstallTools(s *server.MCPServer, client *kibana.Client, cat *operation.Catalog, opts Options) (follow func(), err error) {
	if opts.DynamicToolsets && opts.ToolSearch {
		return nil, errors.New("dynamic toolsets and tool search are two ways of doing the same thing: choose one")
	}
	r := NewRunner(client, cat, opts)
	sel := opts.Selection
	if r.live {
		// Everything any Kibana could serve: the Kibana filter shows
		// what this one can (watchKibana).
		sel.Kibana = KibanaInfo{}
	}
	if opts.Withheld != nil {
		// Everything the deployment might come to run: what is
		// withheld now is filtered out (followWithheld).
		sel.Unavailable = nil
	}
	if opts.ToolSearch {
		if len(sel.Toolsets) == 0 {
			// Searching costs the same whatever it covers: cover everything.
			sel.Toolsets = []string{"all"}
		}
		ops, err := Select(cat, sel)
		if err != nil {
			return nil, err
		}
		if opts.AllowRaw {
			ops = append(ops, RawRequest)
		}
		s.AddTools(newSearchTools(r, ops, opts)...)
		return func() {}, nil
	}
	var follows []func()
	if r.live {
		follows = append(follows, r.watchKibana(s))
	}
	if r.withheld != nil {
		follows = append(follows, r.followWithheld(s))
	}
	follow = func() {
		for _, f := range follows {
			f()
		}
	}
	var extra []*operation.Operation
	if opts.AllowRaw {
		extra = append(extra, RawRequest)
	}
	if opts.DynamicToolsets {
		d, err := newDynamic(s, r, sel)
		if err != nil {
			return nil, err
		}
		s.AddTools(d.discoveryTools()...)
		return follow, r.register(s, append(append(d.initial, d.hidden...), extra...))
	}
	ops, err := Select(cat, sel)
	if err != nil {
		return nil, err
	}
	return follow, r.register(s, append(ops, extra...))
}

// Reachable reports which tools a model can call under opts, by name:
// those listed, those call_tool runs in tool-search mode, and those
// enable_toolset can add in dynamic mode. Prompts and resources use it to
// name and rely on only what is there.
func Reachable(cat *operation.Catalog, opts Options) (func(tool string) bool, error) {
	sel := opts.Selection
	switch {
	case opts.DynamicToolsets && len(sel.Toolsets) == 0:
		// enable_toolset can add any toolset (newDynamic); named toolsets
		// bound it to themselves.
		sel = Selection{Toolsets: []string{"all"}, Exclude: sel.Exclude, ReadOnly: sel.ReadOnly, Kibana: sel.Kibana, Unavailable: sel.Unavailable}
	case opts.ToolSearch && len(sel.Toolsets) == 0:
		sel.Toolsets = []string{"all"}
	}
	// What follows the Kibana or the deployment while serving is judged
	// at each ask, as known then: prompts and resources follow the list.
	if opts.Kibana != nil {
		sel.Kibana = KibanaInfo{}
	}
	if opts.Withheld != nil {
		sel.Unavailable = nil
	}
	ops, err := Select(cat, sel)
	if err != nil {
		return nil, err
	}
	names := make(map[string]*operation.Operation, len(ops)+1)
	for _, op := range ops {
		names[op.Name] = op
	}
	if opts.AllowRaw {
		names[RawRequest.Name] = RawRequest
	}
	return func(tool string) bool {
		op := names[tool]
		switch {
		case op == nil:
			return false
		case op == RawRequest:
			return true
		case opts.Kibana != nil:
			if _, _, ok := cat.Available(op, opts.Kibana.Info()); !ok {
				return false
			}
		}
		_, out := opts.Withheld.Why(tool)
		return !out
	}, nil
}

// ReadRoutes are the operations of cat that read with a method other than
// GET (searches with a query body): the Kibana client lets exactly these
// through in read-only mode besides GETs.
func ReadRoutes(cat *operation.Catalog) []kibana.Route {
	var routes []kibana.Route
	for _, op := range cat.All() {
		if op.Effect == operation.Reads && op.Method != http.MethodGet {
			routes = append(routes, kibana.Route{Method: op.Method, Path: op.Path})
		}
	}
	return routes
}

// Runner runs operations through the client under the serving policy.
type Runner struct {
	client    *kibana.Client
	cat       *operation.Catalog
	confirm   ConfirmMode
	readOnly  bool
	maxResult int
	callCtx   func(context.Context) context.Context
	states    *confirmStates   // signs and checks confirmation states
	now       func() time.Time // the clock approvals expire by; tests move it
	fillOnce  sync.Once
	kib       *KibanaWatch // what is known of the Kibana; see routeAbsent
	live      bool         // kib is the server's (Options.Kibana), kept fresh
	listedMu  sync.RWMutex
	listed    map[string]*listedTool // registered tools by name; see register and listTools
	runs      toolRuns               // tools/list answers' runs of stand-ins; see CollapseToolLists
	withheld  *Withheld              // tools the deployment cannot run now (Options.Withheld)
}

// NewRunner builds the runner every tool handler shares, for the operations
// of cat.
func NewRunner(client *kibana.Client, cat *operation.Catalog, opts Options) *Runner {
	maxResult := opts.MaxResultBytes
	if maxResult <= 0 {
		maxResult = DefaultMaxResultBytes
	}
	r := &Runner{client: client, cat: cat, confirm: opts.Confirm, readOnly: opts.Selection.ReadOnly, maxResult: maxResult, callCtx: opts.CallContext, states: newConfirmStates(opts.ConfirmSecret), now: time.Now,
		kib: opts.Kibana, live: opts.Kibana != nil, withheld: opts.Withheld}
	if r.kib == nil {
		// What the selection was made for, kept; when that is nothing,
		// the first route-level 404 asks Kibana's status, to explain it.
		r.kib = NewKibanaWatch(KibanaWatchConfig{Read: statusRead(client), Timeout: 2 * time.Second, TTL: -1})
		if opts.Selection.Kibana.Known() {
			r.kib.Set(opts.Selection.Kibana)
		}
	}
	return r
}

// register adds ops to s as tools. mcp-go re-reads every schema it is
// given twice on registration (looking for header annotations we never
// use): about 0.1 ms a tool, most of start-up with every toolset on. So
// mcp-go gets a one-member placeholder schema, and the tool filter
// (listTools, installed with the runner) puts the real tool back in every
// tools/list answer; mcp-go reads the schema for nothing else we use.
func (r *Runner) register(s *server.MCPServer, ops []*operation.Operation) error {
	r.fillOnce.Do(func() {
		server.WithToolFilter(r.listTools)(s)
		runners.Store(s, r)
	})
	// Handed over in batches: a ServerTool is half a kilobyte, and mcp-go
	// copies each batch into its own maps anyway.
	served := make([]server.ServerTool, 0, min(len(ops), 64))
	r.listedMu.Lock()
	defer r.listedMu.Unlock()
	if r.listed == nil {
		r.listed = make(map[string]*listedTool, len(ops))
	}
	for _, op := range ops {
		schema, err := op.SchemaText()
		if err != nil {
			return fmt.Errorf("tool %s: %w", op.Name, err)
		}
		tool := r.withReadOnly(op, op.ToolWithoutSchema())
		r.listed[op.Name] = newListedTool(tool, schema)
		tool.RawInputSchema = placeholderSchema
		served = append(served, server.ServerTool{Tool: tool, Handler: r.Handler(op)})
		if len(served) == cap(served) {
			s.AddTools(served...)
			served = served[:0]
		}
	}
	if len(served) > 0 {
		s.AddTools(served...)
	}
	return nil
}

// placeholderSchema is what mcp-go holds instead of a registered tool's
// input schema; see register.
var placeholderSchema = json.RawMessage(`{}`)

// runners finds the runner whose tools a server lists (ToolListWriter).
var runners sync.Map // *server.MCPServer → *Runner

// withReadOnly is the MCP definition of op as this runner serves it: in
// read-only mode the raw request tool can only read, and says so.
func (r *Runner) withReadOnly(op *operation.Operation, tool mcp.Tool) mcp.Tool {
	if r.readOnly && op == RawRequest {
		tool.Annotations.ReadOnlyHint = mcp.ToBoolPtr(true)
		tool.Annotations.DestructiveHint = mcp.ToBoolPtr(false)
	}
	return tool
}

// Handler returns the MCP handler that runs op.
//
// Everything the model can act on comes back as a tool result: bad
// arguments and Kibana's own errors are isError results naming the field or
// giving Kibana's status and message. A Go error is returned only when the
// caller cancelled, since nobody is left to read a result then.
func (r *Runner) Handler(op *operation.Operation) server.ToolHandlerFunc {
	return func(ctx context.Context, call mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if _, isObject := call.Params.Arguments.(map[string]any); call.Params.Arguments != nil && !isObject {
			// GetArguments would turn "x" or [1] into no arguments at all,
			// and a search would run unfiltered.
			return mcp.NewToolResultError("invalid arguments: must be a JSON object of named arguments"), nil
		}
		return r.run(ctx, op, call.GetArguments(), call.Params.MultiRoundTripParams)
	}
}

// run binds, checks and sends one call of op. roundTrip carries the user's
// answer to a confirmation asked for earlier in the same call.
func (r *Runner) run(ctx context.Context, op *operation.Operation, args map[string]any, roundTrip mcp.MultiRoundTripParams) (*mcp.CallToolResult, error) {
	if r.live && op != RawRequest {
		// A Kibana not read yet, or read too long ago, is read first
		// (one caller waits); one that lacks op says so plainly.
		if kib := r.kib.Current(ctx); !r.availableOn(op, kib) {
			return mcp.NewToolResultError(NotOnKibana(r.cat, op, kib) + "."), nil
		}
	}
	if why, out := r.withheld.Why(op.Name); out {
		return mcp.NewToolResultError(fmt.Sprintf("tool %q is not served now: %s", op.Name, why)), nil
	}
	req, input, err := op.BindInput(args)
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	if r.readOnly && req.Mutates {
		return mcp.NewToolResultError(kibana.ErrReadOnly.Error()), nil
	}
	if err := r.client.Allows(req); err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	if stop := r.confirmation(ctx, op, req, input, args, roundTrip); stop != nil {
		return stop, nil
	}
	runCtx := withRetryNotices(ctx, op)
	if r.callCtx != nil {
		runCtx = r.callCtx(runCtx)
	}
	answer, err := operation.FlowOf(input).Run(runCtx, r.client, req)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			return nil, err
		}
		notifyFailure(ctx, op, err)
		if msg := r.routeAbsent(ctx, op, req, err); msg != "" {
			return mcp.NewToolResultError(msg), nil
		}
		return mcp.NewToolResultError(err.Error() + r.hint(op, err)), nil
	}
	result := r.result(ctx, op, req, answer.Resp)
	for _, note := range answer.Notes {
		result.Content = append(result.Content, mcp.NewTextContent(note))
	}
	return result, nil
}
