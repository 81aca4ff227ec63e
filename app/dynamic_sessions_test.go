package app

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// TestDynamicToolsetsArePerSession: over streamable HTTP, enabling a toolset
// in one session changes that session's tools only; the other session can
// neither list nor call them until it enables the toolset itself.
func TestDynamicToolsetsArePerSession(t *testing.T) {
	kib := newLoopbackKibana(t)
	kc, err := kibana.New(kibana.Config{URL: kib.URL, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(kc, NewLogger(&strings.Builder{}, 0, "json"), serve.Options{DynamicToolsets: true})
	if err != nil {
		t.Fatal(err)
	}
	handler, closeStreams := httpHandler("http", s)
	defer closeStreams()
	srv := httptest.NewServer(handler)
	defer srv.Close()

	alice, bob := httpSession(t, srv.URL+"/mcp"), httpSession(t, srv.URL+"/mcp")
	var changed sync.Map // client → count of tools/list_changed
	for _, c := range []*client.Client{alice, bob} {
		c.OnNotification(func(n mcp.JSONRPCNotification) {
			if n.Method == string(mcp.MethodNotificationToolsListChanged) {
				v, _ := changed.LoadOrStore(c, new(atomic.Int32))
				v.(*atomic.Int32).Add(1)
			}
		})
	}
	count := func(c *client.Client) int32 {
		v, ok := changed.Load(c)
		if !ok {
			return 0
		}
		return v.(*atomic.Int32).Load()
	}
	discovery := []string{"enable_toolset", "list_toolset_tools", "list_toolsets"}
	if res := callTool(t, alice, "enable_toolset", map[string]any{"toolset": "cases"}); res.IsError {
		t.Fatal(resultText(res))
	}
	if got := listNames(t, alice); !slices.Contains(got, "delete_cases") || len(got) != len(discovery)+len(casesOps()) {
		t.Errorf("alice after enabling cases: %v", got)
	}
	if got := listNames(t, bob); !slices.Equal(got, discovery) {
		t.Errorf("bob's tools changed when alice enabled cases: %v", got)
	}
	if res := callTool(t, bob, "list_toolsets", map[string]any{}); strings.Contains(resultText(res), `"name":"cases","description"`) &&
		!strings.Contains(resultText(res), `"enabled":false`) {
		t.Errorf("bob's list_toolsets: %s", resultText(res))
	}
	var call mcp.CallToolRequest
	call.Params.Name, call.Params.Arguments = "get_case", map[string]any{"caseId": "c1"}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if _, err := bob.CallTool(ctx, call); err == nil || !strings.Contains(err.Error(), "enable_toolset") || len(kib.requests()) != 0 {
		t.Errorf("bob called a tool alice enabled: err %v, Kibana saw %v", err, kib.requests())
	}
	// Only alice was told her list changed.
	deadline := time.Now().Add(5 * time.Second)
	for count(alice) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if count(alice) == 0 || count(bob) != 0 {
		t.Errorf("list_changed: alice %d, bob %d; want only alice told", count(alice), count(bob))
	}
	// Bob enables it for himself, without registering anything twice.
	if res := callTool(t, bob, "enable_toolset", map[string]any{"toolset": "cases"}); res.IsError {
		t.Fatal(resultText(res))
	}
	if res := callTool(t, bob, "get_case", map[string]any{"caseId": "c1"}); res.IsError || len(kib.requests()) != 1 {
		t.Errorf("bob's get_case: %s; Kibana saw %v", resultText(res), kib.requests())
	}
}

// TestEnableToolsetIsBoundedByToolsets: with --toolsets naming some, the
// model cannot enable others; the refusal lists what it may enable.
func TestEnableToolsetIsBoundedByToolsets(t *testing.T) {
	kib := newLoopbackKibana(t)
	c := connect(t, kib, serve.Options{DynamicToolsets: true, Selection: serve.Selection{Toolsets: []string{"cases"}}})
	res := callTool(t, c, "enable_toolset", map[string]any{"toolset": "endpoint"})
	if !res.IsError || !strings.Contains(resultText(res), `toolset "endpoint" is not served here`) || !strings.Contains(resultText(res), "may be enabled: cases") {
		t.Errorf("enabling endpoint outside --toolsets cases: %s", resultText(res))
	}
	if got := listNames(t, c); slices.Contains(got, "isolate_host") {
		t.Errorf("endpoint tools listed: %v", got)
	}
	// --toolsets all bounds nothing.
	c = connect(t, kib, serve.Options{DynamicToolsets: true, Selection: serve.Selection{Toolsets: []string{"all"}}})
	if res := callTool(t, c, "enable_toolset", map[string]any{"toolset": "endpoint"}); res.IsError {
		t.Errorf("--toolsets all: %s", resultText(res))
	}
}

// httpSession opens and initializes one streamable HTTP session.
func httpSession(t *testing.T, url string) *client.Client {
	t.Helper()
	c, err := client.NewStreamableHttpClient(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = "2025-11-25"
	init.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return c
}
