package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/transport"
)

// TestHTTPTransportsServeTheSameTools runs a real MCP client over SSE and
// streamable HTTP against the handlers the server mounts, and calls a tool
// through to a loopback Kibana.
func TestHTTPTransportsServeTheSameTools(t *testing.T) {
	kib := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/cases/c9" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"c9","title":"over http"}`))
	}))
	defer kib.Close()
	kc, err := kibana.New(kibana.Config{URL: kib.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewServer(kc, NewLogger(&strings.Builder{}, 0, "json"), allTools)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		transport, path string
		connect         func(url string) (*client.Client, error)
	}{
		{"http", "/mcp", func(u string) (*client.Client, error) { return client.NewStreamableHttpClient(u) }},
		{"sse", "/sse", func(u string) (*client.Client, error) { return client.NewSSEMCPClient(u) }},
	} {
		t.Run(tc.transport, func(t *testing.T) {
			handler, closeStreams := httpHandler(tc.transport, s)
			defer closeStreams()
			srv := httptest.NewServer(handler)
			defer srv.Close()
			c, err := tc.connect(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			if err := c.Start(ctx); err != nil {
				t.Fatal(err)
			}
			var init mcp.InitializeRequest
			init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
			init.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
			if _, err := c.Initialize(ctx, init); err != nil {
				t.Fatal(err)
			}
			list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Tools) < 2 {
				t.Fatalf("%d tools", len(list.Tools))
			}
			var req mcp.CallToolRequest
			req.Params.Name = "get_case"
			req.Params.Arguments = map[string]any{"caseId": "c9"}
			res, err := c.CallTool(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			if res.IsError || res.Content[0].(mcp.TextContent).Text != `{"id":"c9","title":"over http"}` {
				t.Errorf("result %+v", res)
			}
		})
	}
}

// TestServeHTTPStopsOnCancel starts the real listener path and checks a
// cancelled context shuts it down cleanly.
func TestServeHTTPStopsOnCancel(t *testing.T) {
	kc, _ := kibana.New(kibana.Config{}, nil)
	var logs strings.Builder
	log := NewLogger(&logs, 0, "json")
	s, err := NewServer(kc, log, allTools)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Transport: "http", Addr: "127.0.0.1:0"}
	web := transport.New(transport.Options{Transport: "http", Log: log})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- serveTransport(ctx, cfg, s, web, nil, nil, log) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop")
	}
	if !strings.Contains(logs.String(), "/mcp") {
		t.Errorf("logs: %s", logs.String())
	}
}

// allTools serves every operation, as `--toolsets all` does.
var allTools = serve.Options{Selection: serve.Selection{Toolsets: []string{"all"}}}

// httpHandler is the HTTP transport as Main serves it, with default limits.
func httpHandler(transportName string, s *server.MCPServer) (http.Handler, func()) {
	return transport.New(transport.Options{Transport: transportName}).Handler(s, "127.0.0.1:0")
}
