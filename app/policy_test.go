package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// loopbackKibana answers every request with a small JSON object and records
// what it received.
type loopbackKibana struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string // "METHOD /path?query"
	// onRequest, when set, runs first (a test fails writes with it).
	onRequest func(r *http.Request)
}

func newLoopbackKibana(t *testing.T) *loopbackKibana {
	k := &loopbackKibana{}
	k.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		k.mu.Lock()
		k.seen = append(k.seen, r.Method+" "+r.URL.RequestURI())
		hook := k.onRequest
		k.mu.Unlock()
		if hook != nil {
			hook(r)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"c1","version":"WzEsMV0=","cases":[]}`))
	}))
	t.Cleanup(k.Close)
	return k
}

// writes are the requests that were not GETs: what a confirmation must
// hold back (the question itself may read).
func (k *loopbackKibana) writes() []string {
	var w []string
	for _, r := range k.requests() {
		if !strings.HasPrefix(r, "GET ") {
			w = append(w, r)
		}
	}
	return w
}

func (k *loopbackKibana) requests() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.seen)
}

// connect builds the server with opts against kib and connects an
// in-process MCP client with the given client options.
func connect(t *testing.T, kib *loopbackKibana, opts serve.Options, clientOpts ...client.ClientOption) *client.Client {
	t.Helper()
	return connectWith(t, kib, opts, mcp.LATEST_PROTOCOL_VERSION, clientOpts...)
}

// connectWith is connect speaking the given protocol version: from
// 2026-07-28 a confirmation travels as an input-required result the client
// answers by retrying; before, as an elicitation/create request.
func connectWith(t *testing.T, kib *loopbackKibana, opts serve.Options, protocol string, clientOpts ...client.ClientOption) *client.Client {
	t.Helper()
	kc, err := kibana.New(kibana.Config{URL: kib.URL, ReadOnly: opts.Selection.ReadOnly, ReadRoutes: serve.ReadRoutes(tools.Catalog), MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(kc, NewLogger(io.Discard, 0, "json"), opts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewInProcessClientWithOptions(s, clientOpts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testContext(t)
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = protocol
	init.Params.ClientInfo = mcp.Implementation{Name: "policy-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func listNames(t *testing.T, c *client.Client) []string {
	t.Helper()
	res, err := c.ListTools(testContext(t), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	slices.Sort(names)
	return names
}

func callTool(t *testing.T, c *client.Client, name string, args any) *mcp.CallToolResult {
	t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(testContext(t), req)
	if err != nil {
		t.Fatalf("%s: protocol error %v", name, err)
	}
	return res
}

func resultText(r *mcp.CallToolResult) string {
	var parts []string
	for _, c := range r.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func exampleArgs(t *testing.T, example string) map[string]any {
	t.Helper()
	var args map[string]any
	if err := json.Unmarshal([]byte(example), &args); err != nil {
		t.Fatal(err)
	}
	return args
}

// TestReadOnlyModeNeverWrites serves every toolset read-only and calls every
// listed tool with every example; then, past the tool list, runs every
// operation's handler, writes included, through the same read-only client.
// Kibana fails the test on anything but a read.
func TestReadOnlyModeNeverWrites(t *testing.T) {
	kib := newLoopbackKibana(t)
	kib.onRequest = func(r *http.Request) {
		if r.Method != http.MethodGet && !isDeclaredRead(r) {
			t.Errorf("read-only server sent %s %s", r.Method, r.URL.Path)
		}
	}
	opts := serve.Options{Selection: serve.Selection{Toolsets: []string{"all"}, ReadOnly: true}, AllowRaw: true}
	c := connect(t, kib, opts)
	listed := listNames(t, c)
	for _, name := range listed {
		op, ok := tools.Lookup(name)
		if name == serve.RawRequest.Name {
			op, ok = serve.RawRequest, true
		}
		if !ok {
			t.Fatalf("listed tool %s is not an operation", name)
		}
		if name != serve.RawRequest.Name && !op.ReadOnly() {
			t.Errorf("read-only mode lists %s, which writes", name)
		}
		for _, ex := range op.Examples {
			res := callTool(t, c, name, exampleArgs(t, ex))
			isWrite := name == serve.RawRequest.Name && !strings.Contains(ex, `"method":"GET"`)
			if isWrite != res.IsError {
				t.Errorf("%s %s: isError %v: %s", name, ex, res.IsError, resultText(res))
			}
			if isWrite && !strings.Contains(resultText(res), "read-only mode") {
				t.Errorf("%s refused without saying why: %s", name, resultText(res))
			}
		}
	}
	for _, op := range tools.All() {
		if !op.ReadOnly() && slices.Contains(listed, op.Name) {
			t.Errorf("%s listed in read-only mode", op.Name)
		}
	}

	// Past the tool list: a handler bug could run a write; the client stops it.
	kc, err := kibana.New(kibana.Config{URL: kib.URL, ReadOnly: true, ReadRoutes: serve.ReadRoutes(tools.Catalog), MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	runner := serve.NewRunner(kc, tools.Catalog, serve.Options{})
	before := len(kib.requests())
	writes := 0
	for _, op := range tools.All() {
		if op.ReadOnly() {
			continue
		}
		for _, ex := range op.Examples {
			var call mcp.CallToolRequest
			call.Params.Arguments = exampleArgs(t, ex)
			res, err := runner.Handler(op)(testContext(t), call)
			if err != nil || !res.IsError || !strings.Contains(resultText(res), "read-only mode") {
				t.Errorf("%s ran in read-only mode: %v %+v", op.Name, err, res)
			}
			writes++
		}
	}
	if got := len(kib.requests()) - before; got != 0 || writes == 0 {
		t.Errorf("%d of %d write examples reached Kibana", got, writes)
	}
}

// isDeclaredRead reports whether r is one of the operations that read with
// a POST (a search with a query body), in any space.
func isDeclaredRead(r *http.Request) bool {
	path := r.URL.EscapedPath()
	if rest, ok := strings.CutPrefix(path, "/s/"); ok {
		_, path, _ = strings.Cut(rest, "/")
		path = "/" + path
	}
	got := strings.Split(path, "/")
	for _, route := range serve.ReadRoutes(tools.Catalog) {
		want := strings.Split(route.Path, "/")
		if route.Method != r.Method || len(want) != len(got) {
			continue
		}
		match := true
		for i := range want {
			if !strings.HasPrefix(want[i], "{") && want[i] != got[i] {
				match = false
			}
		}
		if match {
			return true
		}
	}
	return false
}

// elicitor answers confirmation questions as a user would.
type elicitor struct {
	mu       sync.Mutex
	action   mcp.ElicitationResponseAction
	messages []string
}

func (e *elicitor) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.messages = append(e.messages, req.Params.Message)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: e.action}}, nil
}

func TestDestructiveCallsAskTheUser(t *testing.T) {
	for _, protocol := range []string{mcp.LATEST_PROTOCOL_VERSION, "2025-06-18"} {
		t.Run(protocol, func(t *testing.T) { testConfirmation(t, protocol) })
	}
}

func testConfirmation(t *testing.T, protocol string) {
	deleteArgs := map[string]any{"ids": []any{"c1", "c2"}, "space_id": "soc"}
	confirmOn := serve.Options{Selection: serve.Selection{Toolsets: []string{"all"}}, Confirm: serve.ConfirmAsk}

	t.Run("accept", func(t *testing.T) {
		kib := newLoopbackKibana(t)
		e := &elicitor{action: mcp.ElicitationResponseActionAccept}
		c := connectWith(t, kib, confirmOn, protocol, client.WithElicitationHandler(e))
		res := callTool(t, c, "delete_cases", deleteArgs)
		if res.IsError || len(kib.writes()) != 1 || !strings.HasPrefix(kib.writes()[0], "DELETE /s/soc/api/cases?ids=c1&ids=c2") {
			t.Fatalf("accepted delete: %s; Kibana saw %v", resultText(res), kib.requests())
		}
		want := `delete_cases in space "soc": permanently delete cases with ID "c1" and with ID "c2" with their comments, alerts and history. Allow?`
		if len(e.messages) != 1 || e.messages[0] != want {
			t.Errorf("asked %q, want %q", e.messages, want)
		}
		// Reads and non-destructive writes are not asked about.
		callTool(t, c, "get_case", map[string]any{"caseId": "c1"})
		callTool(t, c, "add_case_comment", map[string]any{"caseId": "c1", "type": "user", "owner": "cases", "comment": "x"})
		if len(e.messages) != 1 || len(kib.writes()) != 2 {
			t.Errorf("asked %d times for 3 calls; Kibana saw %v", len(e.messages), kib.requests())
		}
		// update_cases overwrites: asked, with the cases and the fields.
		callTool(t, c, "update_cases", map[string]any{"cases": []any{map[string]any{"id": "c7", "version": "v", "status": "closed"}}})
		if last := e.messages[len(e.messages)-1]; last != `update_cases in space "default": PATCH /api/cases for "c7", setting status to "closed". Allow?` {
			t.Errorf("update question %q", last)
		}
	})
	for _, action := range []mcp.ElicitationResponseAction{mcp.ElicitationResponseActionDecline, mcp.ElicitationResponseActionCancel} {
		t.Run(string(action), func(t *testing.T) {
			kib := newLoopbackKibana(t)
			c := connectWith(t, kib, confirmOn, protocol, client.WithElicitationHandler(&elicitor{action: action}))
			res := callTool(t, c, "delete_cases", deleteArgs)
			if !res.IsError || !strings.Contains(resultText(res), "Nothing was changed") || len(kib.writes()) != 0 {
				t.Fatalf("%s: %s; Kibana saw %v", action, resultText(res), kib.requests())
			}
		})
	}
	t.Run("client without elicitation", func(t *testing.T) {
		kib := newLoopbackKibana(t)
		c := connectWith(t, kib, confirmOn, protocol)
		if res := callTool(t, c, "delete_cases", deleteArgs); res.IsError || len(kib.requests()) != 1 {
			t.Fatalf("%s; Kibana saw %v", resultText(res), kib.requests())
		}
	})
	t.Run("require, client without elicitation", func(t *testing.T) {
		kib := newLoopbackKibana(t)
		require := confirmOn
		require.Confirm = serve.ConfirmRequire
		c := connectWith(t, kib, require, protocol)
		res := callTool(t, c, "delete_cases", deleteArgs)
		if !res.IsError || !strings.Contains(resultText(res), "requires the user's confirmation") || len(kib.requests()) != 0 {
			t.Fatalf("%s; Kibana saw %v", resultText(res), kib.requests())
		}
		// What does not destroy is not held.
		if res := callTool(t, c, "add_case_comment", map[string]any{"caseId": "c1", "type": "user", "owner": "cases", "comment": "x"}); res.IsError {
			t.Fatal(resultText(res))
		}
	})
	t.Run("require, client that can be asked", func(t *testing.T) {
		kib := newLoopbackKibana(t)
		require := confirmOn
		require.Confirm = serve.ConfirmRequire
		e := &elicitor{action: mcp.ElicitationResponseActionAccept}
		c := connectWith(t, kib, require, protocol, client.WithElicitationHandler(e))
		if res := callTool(t, c, "delete_cases", deleteArgs); res.IsError || len(e.messages) != 1 || len(kib.writes()) != 1 {
			t.Fatalf("%s; asked %v; Kibana saw %v", resultText(res), e.messages, kib.requests())
		}
	})
	t.Run("off", func(t *testing.T) {
		kib := newLoopbackKibana(t)
		e := &elicitor{action: mcp.ElicitationResponseActionDecline}
		off := confirmOn
		off.Confirm = serve.ConfirmOff
		c := connectWith(t, kib, off, protocol, client.WithElicitationHandler(e))
		if res := callTool(t, c, "delete_cases", deleteArgs); res.IsError || len(kib.requests()) != 1 || len(e.messages) != 0 {
			t.Fatalf("%s; Kibana saw %v; asked %v", resultText(res), kib.requests(), e.messages)
		}
	})
	t.Run("bad arguments are refused before asking", func(t *testing.T) {
		kib := newLoopbackKibana(t)
		e := &elicitor{action: mcp.ElicitationResponseActionAccept}
		c := connectWith(t, kib, confirmOn, protocol, client.WithElicitationHandler(e))
		res := callTool(t, c, "delete_cases", map[string]any{"ids": []any{}})
		if !res.IsError || len(e.messages) != 0 || len(kib.requests()) != 0 {
			t.Fatalf("%s; asked %v", resultText(res), e.messages)
		}
	})
	t.Run("through call_tool", func(t *testing.T) {
		kib := newLoopbackKibana(t)
		e := &elicitor{action: mcp.ElicitationResponseActionDecline}
		search := confirmOn
		search.ToolSearch = true
		c := connectWith(t, kib, search, protocol, client.WithElicitationHandler(e))
		res := callTool(t, c, "call_tool", map[string]any{"name": "delete_cases", "arguments": deleteArgs})
		if !res.IsError || len(e.messages) != 1 || len(kib.writes()) != 0 {
			t.Fatalf("%s; asked %v; Kibana saw %v", resultText(res), e.messages, kib.requests())
		}
	})
}

func TestDynamicToolsets(t *testing.T) {
	kib := newLoopbackKibana(t)
	var mu sync.Mutex
	changed := 0
	c := connect(t, kib, serve.Options{DynamicToolsets: true})
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == string(mcp.MethodNotificationToolsListChanged) {
			mu.Lock()
			changed++
			mu.Unlock()
		}
	})
	if got := listNames(t, c); !slices.Equal(got, []string{"enable_toolset", "list_toolset_tools", "list_toolsets"}) {
		t.Fatalf("start-up tools %v", got)
	}
	res := callTool(t, c, "list_toolsets", map[string]any{})
	if !strings.Contains(resultText(res), `"name":"cases"`) || !strings.Contains(resultText(res), `"enabled":false`) {
		t.Errorf("list_toolsets: %s", resultText(res))
	}
	res = callTool(t, c, "list_toolset_tools", map[string]any{"toolset": "cases"})
	if !strings.Contains(resultText(res), `"name":"delete_cases"`) {
		t.Errorf("list_toolset_tools: %s", resultText(res))
	}
	if res := callTool(t, c, "enable_toolset", map[string]any{"toolset": "nope"}); !res.IsError || !strings.Contains(resultText(res), "valid toolsets: cases") {
		t.Errorf("unknown toolset: %s", resultText(res))
	}
	if res := callTool(t, c, "enable_toolset", map[string]any{"toolset": "cases"}); res.IsError {
		t.Fatal(resultText(res))
	}
	names := listNames(t, c)
	if !slices.Contains(names, "update_case_configuration") || !slices.Contains(names, "find_cases") || len(names) != 3+len(casesOps()) {
		t.Errorf("after enabling cases: %v", names)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := changed
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no notifications/tools/list_changed after enabling a toolset")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if res := callTool(t, c, "get_case", map[string]any{"caseId": "c1"}); res.IsError || len(kib.requests()) != 1 {
		t.Errorf("enabled tool: %s", resultText(res))
	}
}

func casesOps() []*operation.Operation {
	var ops []*operation.Operation
	for _, op := range tools.All() {
		if op.Toolset == "cases" {
			ops = append(ops, op)
		}
	}
	return ops
}

func TestToolSearchMode(t *testing.T) {
	kib := newLoopbackKibana(t)
	c := connect(t, kib, serve.Options{ToolSearch: true})
	if got := listNames(t, c); !slices.Equal(got, []string{"call_tool", "search_tools"}) {
		t.Fatalf("tool-search lists %v", got)
	}
	res := callTool(t, c, "search_tools", map[string]any{"query": "add a note to the case", "limit": 3})
	var found struct {
		Matches []struct {
			Name        string          `json:"name"`
			InputSchema json.RawMessage `json:"inputSchema"`
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(resultText(res)[:strings.LastIndex(resultText(res), "}")+1]), &found); err != nil || len(found.Matches) == 0 || len(found.Matches) > 3 {
		t.Fatalf("search_tools: %v %s", err, resultText(res))
	}
	if found.Matches[0].Name != "add_case_comment" || !strings.Contains(string(found.Matches[0].InputSchema), `"caseId"`) {
		t.Errorf("best match %s with schema %s", found.Matches[0].Name, found.Matches[0].InputSchema)
	}
	// Admin tools are reachable too: tool search covers every toolset.
	res = callTool(t, c, "call_tool", map[string]any{"name": "get_case_configuration", "arguments": map[string]any{}})
	if res.IsError || len(kib.requests()) != 1 {
		t.Errorf("call_tool get_case_configuration: %s", resultText(res))
	}
	// Arguments are checked as the typed tool checks them.
	res = callTool(t, c, "call_tool", map[string]any{"name": "find_cases", "arguments": map[string]any{"severity": "urgent"}})
	if !res.IsError || !strings.Contains(resultText(res), `"severity"`) || len(kib.requests()) != 1 {
		t.Errorf("bad argument through call_tool: %s", resultText(res))
	}
	res = callTool(t, c, "call_tool", map[string]any{"name": "no_such_tool"})
	if !res.IsError || !strings.Contains(resultText(res), "search_tools") {
		t.Errorf("unknown tool: %s", resultText(res))
	}
}

func TestToolSearchReadOnlyReachesOnlyReads(t *testing.T) {
	kib := newLoopbackKibana(t)
	c := connect(t, kib, serve.Options{ToolSearch: true, Selection: serve.Selection{ReadOnly: true}})
	res := callTool(t, c, "call_tool", map[string]any{"name": "delete_cases", "arguments": map[string]any{"ids": []any{"c1"}}})
	if !res.IsError || !strings.Contains(resultText(res), "read-only") || len(kib.requests()) != 0 {
		t.Errorf("delete through call_tool in read-only mode: %s", resultText(res))
	}
	list, err := c.ListTools(testContext(t), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range list.Tools {
		if !*tool.Annotations.ReadOnlyHint {
			t.Errorf("%s is not marked read-only in read-only mode", tool.Name)
		}
	}
}

// TestDynamicToolsetsStartWithWhatWasNamed: --tools alone serves just those
// tools beside the discovery tools, not the default selection.
func TestDynamicToolsetsStartWithWhatWasNamed(t *testing.T) {
	kib := newLoopbackKibana(t)
	c := connect(t, kib, serve.Options{DynamicToolsets: true, Selection: serve.Selection{Tools: []string{"delete_cases"}}})
	if got := listNames(t, c); !slices.Equal(got, []string{"delete_cases", "enable_toolset", "list_toolset_tools", "list_toolsets"}) {
		t.Errorf("start-up tools %v", got)
	}
	c = connect(t, kib, serve.Options{DynamicToolsets: true, Selection: serve.Selection{Toolsets: []string{"cases"}}})
	if res := callTool(t, c, "list_toolsets", map[string]any{}); !strings.Contains(resultText(res), `"name":"cases","description":`) ||
		!regexp.MustCompile(`"name":"cases"[^}]*"enabled":true`).MatchString(resultText(res)) {
		t.Errorf("cases not reported enabled: %s", resultText(res))
	}
}
