package resources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/sandbox"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// kibanaSandbox is a loopback sandbox Kibana that remembers the escaped
// paths it was asked for.
type kibanaSandbox struct {
	srv    *httptest.Server
	client *kibana.Client
	mu     sync.Mutex
	paths  []string
}

func newSandbox(t *testing.T) *kibanaSandbox {
	t.Helper()
	// A clock that moves a second on every reading, so cases created one
	// after another have distinct, ordered update times.
	var tick atomic.Int64
	start := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	now := func() time.Time { return start.Add(time.Duration(tick.Add(1)) * time.Second) }
	kb := &kibanaSandbox{}
	k := sandbox.New(sandbox.Config{APIKey: "k", Seed: 1, Now: now})
	kb.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kb.mu.Lock()
		kb.paths = append(kb.paths, r.URL.EscapedPath())
		kb.mu.Unlock()
		k.ServeHTTP(w, r)
	}))
	t.Cleanup(kb.srv.Close)
	kb.client = newClient(t, kb.srv.URL, "k")
	return kb
}

func newClient(t *testing.T, url, key string) *kibana.Client {
	t.Helper()
	c, err := kibana.New(kibana.Config{URL: url, APIKey: key, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (kb *kibanaSandbox) sawPath(p string) bool {
	kb.mu.Lock()
	defer kb.mu.Unlock()
	return slices.Contains(kb.paths, p)
}

// tool calls a tool against the sandbox and decodes its answer into out.
func tool(t *testing.T, c *kibana.Client, name string, args map[string]any, out any) {
	t.Helper()
	body, err := call(context.Background(), c, name, args)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatal(err)
	}
}

type caseDoc struct {
	ID, Title, Status string
	UpdatedAt         string `json:"updated_at"`
}

// caseTitled finds a seeded case by its exact title.
func caseTitled(t *testing.T, c *kibana.Client, space, title string) caseDoc {
	t.Helper()
	var page struct{ Cases []caseDoc }
	tool(t, c, "find_cases", map[string]any{"perPage": float64(100), operation.SpaceArgument: space}, &page)
	for _, cs := range page.Cases {
		if cs.Title == title {
			return cs
		}
	}
	t.Fatalf("no case %q in space %s", title, space)
	return caseDoc{}
}

// newServer is the MCP server as the app would wire it.
func newServer(t *testing.T, c *kibana.Client, served func(string) bool) *server.MCPServer {
	t.Helper()
	hooks := &server.Hooks{}
	AddListHook(hooks, c, served, nil)
	completer := NewCompleter(c, served)
	s := server.NewMCPServer("test", "0", server.WithHooks(hooks), server.WithCompletions(),
		server.WithPromptCompletionProvider(completer), server.WithResourceCompletionProvider(completer))
	Register(s, c, served)
	if _, err := rpc(t, s, "initialize", map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{},
		"clientInfo": map[string]any{"name": "test", "version": "0"}}); err != nil {
		t.Fatal(err)
	}
	return s
}

type rpcError struct {
	Code    int
	Message string
	Data    json.RawMessage
}

func (e *rpcError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Message) }

// rpc sends one JSON-RPC request and returns what a client would receive.
func rpc(t *testing.T, s *server.MCPServer, method string, params any) (json.RawMessage, *rpcError) {
	t.Helper()
	msg, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(s.HandleMessage(context.Background(), msg))
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Result json.RawMessage
		Error  *rpcError
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		t.Fatal(err)
	}
	return resp.Result, resp.Error
}

// read reads a resource and returns its one text content.
func read(t *testing.T, s *server.MCPServer, uri string) (mcp.TextResourceContents, *rpcError) {
	t.Helper()
	raw, rerr := rpc(t, s, "resources/read", map[string]any{"uri": uri})
	if rerr != nil {
		return mcp.TextResourceContents{}, rerr
	}
	var res struct{ Contents []mcp.TextResourceContents }
	if err := json.Unmarshal(raw, &res); err != nil || len(res.Contents) != 1 {
		t.Fatalf("read %s: %s (%v)", uri, raw, err)
	}
	return res.Contents[0], nil
}

func TestReadCaseBothForms(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, kb.client, nil)
	vpn := caseTitled(t, kb.client, "default", "Brute force against VPN gateway vpn-gw-01")
	soc := caseTitled(t, kb.client, "soc", "Credential stuffing against customer portal")

	for _, tc := range []struct{ uri, id string }{
		{"kibana://cases/" + vpn.ID, vpn.ID},
		{"kibana://s/default/cases/" + vpn.ID, vpn.ID},
		{"kibana://s/soc/cases/" + soc.ID, soc.ID},
	} {
		got, err := read(t, s, tc.uri)
		if err != nil {
			t.Fatalf("%s: %v", tc.uri, err)
		}
		var doc caseDoc
		if json.Unmarshal([]byte(got.Text), &doc) != nil || doc.ID != tc.id {
			t.Errorf("%s: got %.200s", tc.uri, got.Text)
		}
		if got.URI != tc.uri || got.MIMEType != "application/json" {
			t.Errorf("%s: uri %q, mimeType %q", tc.uri, got.URI, got.MIMEType)
		}
	}
}

func TestReadCaseNotFound(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, kb.client, nil)
	soc := caseTitled(t, kb.client, "soc", "Credential stuffing against customer portal")

	for _, tc := range []struct{ uri, want string }{
		// A case of another space is not in the default one.
		{"kibana://cases/" + soc.ID, `no case "` + soc.ID + `" in space "default"`},
		{"kibana://s/soc/cases/no-such-case", `no case "no-such-case" in space "soc"`},
		{"kibana://s/nosuch/cases/" + soc.ID, `in space "nosuch"`},
		{"kibana://rules/no-such-rule", `no rule "no-such-rule" in space "default"`},
		{"kibana://spaces/nosuch", `no space "nosuch"`},
	} {
		_, err := read(t, s, tc.uri)
		if err == nil {
			t.Fatalf("%s: read, want not found", tc.uri)
		}
		// mcp-go v1.6.0 sends an error made with server.NewHandlerError
		// with its code and message: -32002 (resource not found) before
		// protocol 2026-07-28, our message, and the URI as data.
		if err.Code != mcp.RESOURCE_NOT_FOUND || !strings.Contains(err.Message, server.ErrResourceNotFound.Error()) ||
			!strings.Contains(err.Message, tc.uri) || !strings.Contains(err.Message, tc.want) {
			t.Errorf("%s: got %v, want -32002 naming the URI and %s", tc.uri, err, tc.want)
		}
		var data struct{ URI string }
		if json.Unmarshal(err.Data, &data) != nil || data.URI != tc.uri {
			t.Errorf("%s: error data %s, want the URI", tc.uri, err.Data)
		}
	}
}

// TestNotFoundCodeFollowsProtocol: from protocol 2026-07-28 on a missing
// resource is -32602 (invalid params), as mcp-go answers a URI that
// matches no template; before, -32002.
func TestNotFoundCodeFollowsProtocol(t *testing.T) {
	kb := newSandbox(t)
	h := readTemplate(kb.client, caseKind, false)
	var req mcp.ReadResourceRequest
	req.Params.URI = "kibana://cases/nope"
	req.Params.Arguments = map[string]any{"caseId": []string{"nope"}}
	for _, tc := range []struct {
		version string
		want    int
	}{
		{"2025-06-18", mcp.RESOURCE_NOT_FOUND},
		{mcp.ProtocolVersion20260728, mcp.INVALID_PARAMS},
	} {
		ctx := server.WithRequestProtocolInfo(context.Background(), &server.RequestProtocolInfo{
			Modern: mcp.IsModernProtocol(tc.version), ProtocolVersion: tc.version})
		_, err := h(ctx, req)
		var p server.JSONRPCErrorProvider
		if !errors.As(err, &p) || p.JSONRPCError().Error.Code != tc.want {
			t.Errorf("%s: got %v, want code %d", tc.version, err, tc.want)
		}
	}
}

func TestReadBadArguments(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, kb.client, nil)
	for _, tc := range []struct{ uri, want string }{
		{"kibana://cases/", "the case id is empty"},
		{"kibana://s/soc/cases/", "the case id is empty"},
		{"kibana://s//cases/abc", `"" is not a valid space id`},
		{"kibana://s/Bad%20Space/cases/abc", `"Bad Space" is not a valid space id`},
		{"kibana://cases/..", "must be a non-empty ID"},
	} {
		// An id or space Kibana would refuse is the client's mistake:
		// -32602 (invalid params) with our message, not -32603.
		_, err := read(t, s, tc.uri)
		if err == nil || err.Code != mcp.INVALID_PARAMS || !strings.Contains(err.Message, tc.want) {
			t.Errorf("%s: got %v, want -32602 saying %q", tc.uri, err, tc.want)
		}
	}
}

func TestReadTraversalStaysInOneSegment(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, kb.client, nil)
	_, err := read(t, s, "kibana://cases/..%2F..%2Fspaces%2Fspace")
	if err == nil || !strings.Contains(err.Message, server.ErrResourceNotFound.Error()) {
		t.Fatalf("got %v, want not found (and not the spaces list)", err)
	}
	if want := "/api/cases/..%2F..%2Fspaces%2Fspace"; !kb.sawPath(want) {
		t.Errorf("Kibana did not see %s; it saw %v", want, kb.paths)
	}
}

func TestReadOtherKibanaError(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, newClient(t, kb.srv.URL, "wrong"), nil)
	_, err := read(t, s, "kibana://cases/abc")
	if err == nil || !strings.Contains(err.Message, "Kibana answered 401") || strings.Contains(err.Message, "resource not found") {
		t.Fatalf("got %v, want Kibana's 401 and its message", err)
	}
}

func TestReadRulesAndSpaces(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, kb.client, nil)
	var rules struct{ Data []struct{ ID, Name string } }
	tool(t, kb.client, "find_rules", map[string]any{operation.SpaceArgument: "soc"}, &rules)
	if len(rules.Data) == 0 {
		t.Fatal("no rules seeded in soc")
	}
	rule := rules.Data[0]
	got, err := read(t, s, "kibana://s/soc/rules/"+rule.ID)
	if err != nil || !strings.Contains(got.Text, rule.Name) {
		t.Errorf("rule in soc: %v %.200s", err, got.Text)
	}
	if _, err := read(t, s, "kibana://rules/"+rule.ID); err == nil {
		t.Error("a soc rule was found in the default space")
	}

	got, err = read(t, s, "kibana://spaces")
	var spaces []struct{ ID string }
	if err != nil || json.Unmarshal([]byte(got.Text), &spaces) != nil || len(spaces) != 2 {
		t.Errorf("spaces: %v %.300s", err, got.Text)
	}
	got, err = read(t, s, "kibana://spaces/soc")
	if err != nil || !strings.Contains(got.Text, `"Security Operations"`) {
		t.Errorf("space soc: %v %.300s", err, got.Text)
	}
}

type listed struct {
	URI, Name, MIMEType string
}

func list(t *testing.T, s *server.MCPServer) []listed {
	t.Helper()
	raw, err := rpc(t, s, "resources/list", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Resources []listed }
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	return res.Resources
}

func TestListShowsSeededOpenCases(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, kb.client, nil)
	var open struct{ Cases []caseDoc }
	tool(t, kb.client, "find_cases", map[string]any{"status": "open", "perPage": float64(100)}, &open)

	got := list(t, s)
	if !slices.Contains(got, listed{URI: "kibana://spaces", Name: "spaces", MIMEType: "application/json"}) {
		t.Errorf("kibana://spaces not listed: %v", got)
	}
	for _, cs := range open.Cases {
		if !slices.Contains(got, listed{URI: "kibana://cases/" + cs.ID, Name: cs.Title, MIMEType: "application/json"}) {
			t.Errorf("open case %q not listed", cs.Title)
		}
	}
	if len(got) != len(open.Cases)+1 {
		t.Errorf("listed %d resources, want %d open cases and kibana://spaces: %v", len(got), len(open.Cases), got)
	}
	// Every listed case reads back.
	if _, err := read(t, s, got[len(got)-1].URI); err != nil {
		t.Error(err)
	}
}

func TestListAtMostTwentyNewestFirst(t *testing.T) {
	kb := newSandbox(t)
	s := newServer(t, kb.client, nil)
	var created []string
	for i := range 25 {
		var cs caseDoc
		tool(t, kb.client, "create_case", map[string]any{"title": fmt.Sprintf("Fresh case %02d", i), "description": "Made by the test."}, &cs)
		created = append(created, cs.ID)
	}
	// Of two older cases changed last, the open one comes first and the
	// closed one not at all.
	update := func(title string, change map[string]any) string {
		cs := caseTitled(t, kb.client, "default", title)
		var full struct{ Version string }
		tool(t, kb.client, "get_case", map[string]any{"caseId": cs.ID}, &full)
		change["id"], change["version"] = cs.ID, full.Version
		var updated []caseDoc
		tool(t, kb.client, "update_cases", map[string]any{"cases": []any{change}}, &updated)
		return cs.ID
	}
	update("Brute force against VPN gateway vpn-gw-01", map[string]any{"status": "closed"})
	leaked := update("Leaked API key found in public repository", map[string]any{"severity": "critical"})

	got := list(t, s)
	var cases []string
	for _, r := range got {
		if id, ok := strings.CutPrefix(r.URI, "kibana://cases/"); ok {
			cases = append(cases, id)
		}
	}
	want := []string{leaked}
	for i := 24; i >= 6; i-- {
		want = append(want, created[i])
	}
	if !slices.Equal(cases, want) {
		t.Errorf("listed cases %v\nwant the 20 newest, newest first: %v", cases, want)
	}
}

func TestListSurvivesKibanaFailure(t *testing.T) {
	kb := newSandbox(t)
	down := newClient(t, kb.srv.URL, "k")
	kb.srv.Close()
	s := newServer(t, down, nil)
	got := list(t, s)
	if len(got) != 1 || got[0].URI != "kibana://spaces" {
		t.Errorf("got %v, want only kibana://spaces", got)
	}
}

func TestNothingServedWithoutItsTool(t *testing.T) {
	kb := newSandbox(t)
	noCases := func(name string) bool { return name != "get_case" }
	s := newServer(t, kb.client, noCases)
	raw, rerr := rpc(t, s, "resources/templates/list", map[string]any{})
	if rerr != nil {
		t.Fatal(rerr)
	}
	var res struct {
		ResourceTemplates []struct{ URITemplate string }
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, rt := range res.ResourceTemplates {
		uris = append(uris, rt.URITemplate)
	}
	slices.Sort(uris)
	if want := []string{RuleURI, SpaceRuleURI, SpaceURI}; !slices.Equal(uris, want) {
		t.Errorf("templates %v, want %v", uris, want)
	}
	for _, r := range list(t, s) {
		if strings.HasPrefix(r.URI, "kibana://cases/") {
			t.Errorf("case %s listed without get_case", r.URI)
		}
	}
	vpn := caseTitled(t, kb.client, "default", "Brute force against VPN gateway vpn-gw-01")
	if _, err := read(t, s, "kibana://cases/"+vpn.ID); err == nil || err.Code != mcp.RESOURCE_NOT_FOUND {
		t.Errorf("read without get_case: %v, want mcp-go's own not found", err)
	}

	// With nothing to serve no resource is registered, and mcp-go then
	// does not offer resources at all.
	none := newServer(t, kb.client, func(string) bool { return false })
	if raw, err := rpc(t, none, "resources/list", map[string]any{}); err == nil {
		t.Errorf("nothing served, yet resources/list answered %s", raw)
	}
}

func TestToolsExist(t *testing.T) {
	for _, name := range []string{"get_case", "get_rule", "get_space", "find_spaces", "find_cases", "find_rules", "get_case_tags"} {
		if _, ok := tools.Lookup(name); !ok {
			t.Errorf("no tool %s", name)
		}
	}
}

func TestNotFoundWrapsSentinel(t *testing.T) {
	kb := newSandbox(t)
	h := readTemplate(kb.client, caseKind, false)
	var req mcp.ReadResourceRequest
	req.Params.URI = "kibana://cases/nope"
	req.Params.Arguments = map[string]any{"caseId": []string{"nope"}}
	_, err := h(context.Background(), req)
	if !errors.Is(err, server.ErrResourceNotFound) {
		t.Errorf("got %v, want it to wrap server.ErrResourceNotFound", err)
	}
}
