package tools

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/mark3labs/mcp-go/mcp"
)

// call runs a tool against a loopback Kibana that answers with the given
// status, content type and body, and returns the result and what Kibana saw.
func call(t *testing.T, name string, arguments string, status int, ctype, body string) (*mcp.CallToolResult, *http.Request) {
	t.Helper()
	var seen *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Clone(context.Background())
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "secret-key", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var req mcp.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = args(t, arguments)
	res, err := serve.Handler(client, Catalog, mustLookup(t, name))(context.Background(), req)
	if err != nil {
		t.Fatalf("handler returned a Go error (protocol error for the model): %v", err)
	}
	return res, seen
}

func text(r *mcp.CallToolResult) string {
	if len(r.Content) == 0 {
		return ""
	}
	if tc, ok := r.Content[0].(mcp.TextContent); ok {
		return tc.Text
	}
	return ""
}
