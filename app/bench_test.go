package app

import (
	"io"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/kibana"
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
