package app

import (
	"context"
	"encoding/json"
	"io"
	"reflect"
	"testing"

	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// TestListedSchemasAreTheRealOnes: mcp-go holds a placeholder schema for
// each registered tool (registration stays cheap); every tools/list answer
// on the wire must still carry each tool's own schema, with every toolset
// on and for a toolset enabled later in dynamic mode.
func TestListedSchemasAreTheRealOnes(t *testing.T) {
	kib := newLoopbackKibana(t)
	kc, err := kibana.New(kibana.Config{URL: kib.URL, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rpc := func(s *server.MCPServer, msg string) json.RawMessage {
		t.Helper()
		out, err := json.Marshal(s.HandleMessage(context.Background(), json.RawMessage(msg)))
		if err != nil {
			t.Fatal(err)
		}
		var answer struct{ Result json.RawMessage }
		if err := json.Unmarshal(out, &answer); err != nil || answer.Result == nil {
			t.Fatalf("%s: %s", msg, out)
		}
		return answer.Result
	}
	listed := func(s *server.MCPServer) int {
		t.Helper()
		var list struct {
			Tools []struct {
				Name        string
				InputSchema json.RawMessage
			}
		}
		if err := json.Unmarshal(rpc(s, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`), &list); err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, tool := range list.Tools {
			op, ok := tools.Lookup(tool.Name)
			if !ok {
				continue // discovery and search tools
			}
			want, err := op.Schema()
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			if json.Unmarshal(tool.InputSchema, &a) != nil || json.Unmarshal(want, &b) != nil || !reflect.DeepEqual(a, b) {
				t.Errorf("%s: listed schema %s, want %s", tool.Name, tool.InputSchema, want)
			}
			checked++
		}
		return checked
	}
	const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`

	s, err := NewServer(kc, NewLogger(io.Discard, 0, "json"), allTools)
	if err != nil {
		t.Fatal(err)
	}
	rpc(s, initialize)
	if n := listed(s); n != len(tools.All()) {
		t.Errorf("checked %d of %d tools", n, len(tools.All()))
	}

	d, err := NewServer(kc, NewLogger(io.Discard, 0, "json"), serve.Options{DynamicToolsets: true})
	if err != nil {
		t.Fatal(err)
	}
	rpc(d, initialize)
	rpc(d, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"enable_toolset","arguments":{"toolset":"fleet"}}}`)
	if n := listed(d); n == 0 {
		t.Error("no fleet tool listed after enabling it")
	}
}
