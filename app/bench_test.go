package app

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// BenchmarkNewServer is the start-up work that grows with the tool count:
// building the server and registering every tool. Its ns/tool figure is
// what each added tool costs every start (most of it is mcp-go's own
// remarshalling of each schema in AddTools).
func BenchmarkNewServer(b *testing.B) {
	kc, err := kibana.New(kibana.Config{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	log := NewLogger(io.Discard, 0, "json")
	for b.Loop() {
		if _, err := NewServer(kc, log, allTools); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(tools.All())), "ns/tool")
}

// BenchmarkStartupInProcess is what the binary does between main and the
// tools/list answer with every toolset, in process: building the server,
// the handshake, and one tools/list written as stdio writes it.
func BenchmarkStartupInProcess(b *testing.B) {
	kc, err := kibana.New(kibana.Config{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	log := NewLogger(io.Discard, 0, "json")
	ctx := context.Background()
	for b.Loop() {
		s, err := NewServer(kc, log, allTools)
		if err != nil {
			b.Fatal(err)
		}
		s.HandleMessage(ctx, json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}`))
		var out countingWriter
		lctx, w := serve.ToolListWriter(ctx, s, &out)
		msg, err := json.Marshal(s.HandleMessage(lctx, json.RawMessage(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)))
		w.Write(msg)
		if err != nil || out < 100_000 {
			b.Fatalf("tools/list: %d bytes, %v", out, err)
		}
	}
}

// countingWriter counts what is written to it.
type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
