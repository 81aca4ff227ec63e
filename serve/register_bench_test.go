package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// syntheticOps is a catalogue of n operations: the real ones, copied under
// new names (with their generated schemas) until there are n, as the
// catalogue will be once the rest of the API is typed.
func syntheticOps(n int) (*operation.Catalog, []*operation.Operation) {
	real := tools.All()
	ops := make([]*operation.Operation, n)
	schemas := make(map[string]string, n)
	for i := range ops {
		src := real[i%len(real)]
		ops[i] = &operation.Operation{Name: fmt.Sprintf("%s_%d", src.Name, i), Title: src.Title, Description: src.Description,
			Toolset: src.Toolset, Method: src.Method, Path: src.Path, APIVersion: src.APIVersion, Effect: src.Effect,
			Overwrites: src.Overwrites, OpenWorld: src.OpenWorld, Input: src.Input, Examples: src.Examples}
		raw, _ := src.Schema()
		schemas[ops[i].Name] = string(raw)
	}
	return operation.NewCatalog(ops, tools.Toolsets, schemas), ops
}

// BenchmarkRegisterAndList is what start-up spends per tool: building the
// MCP server, registering every operation and answering the first
// tools/list. Compare the 300 and 1,000 operation registries: the
// difference is what 700 more tools cost every start.
func BenchmarkRegisterAndList(b *testing.B) { benchRegister(b, true) }

// BenchmarkRegister is registration alone, without the first tools/list:
// the part of start-up that must stay flat in the number of tools. (The
// rest of BenchmarkRegisterAndList is encoding the list, once.)
func BenchmarkRegister(b *testing.B) { benchRegister(b, false) }

func benchRegister(b *testing.B, list bool) {
	kc, err := kibana.New(kibana.Config{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{300, 1000} {
		cat, ops := syntheticOps(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				s := server.NewMCPServer("bench", "1", server.WithToolCapabilities(false))
				if err := NewRunner(kc, cat, Options{}).register(s, ops); err != nil {
					b.Fatal(err)
				}
				if !list {
					continue
				}
				// The answer as stdio writes it.
				var out countingWriter
				ctx, w := ToolListWriter(context.Background(), s, &out)
				msg, _ := json.Marshal(s.HandleMessage(ctx, json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)))
				w.Write(msg)
				if int(out) < n*100 {
					b.Fatalf("tools/list answered %d bytes for %d tools", out, n)
				}
			}
		})
	}
}

// countingWriter counts what is written to it: the answer as stdio writes
// it, without keeping it.
type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
