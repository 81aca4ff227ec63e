package tools

import (
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
)

// streamsTools are the streams toolset's tools.
func streamsTools() []string {
	var names []string
	for _, op := range All() {
		if op.Toolset == "streams" {
			names = append(names, op.Name)
		}
	}
	return names
}

// TestStreamsExamplesSucceed runs every streams example against a fresh
// seeded sandbox: each must succeed, except generate, whose example names
// an LLM connector the sandbox does not hold (Kibana's 404).
func TestStreamsExamplesSucceed(t *testing.T) {
	names := streamsTools()
	if len(names) != 28 {
		t.Fatalf("%d streams tools, want 28 (one per spec operation): %v", len(names), names)
	}
	for _, name := range names {
		for i, ex := range mustLookup(t, name).Examples {
			_, client := sandboxtest.New(t, nil)
			isErr, texts := callFlow(t, client, name, ex)
			if name == "generate_stream_significant_events" {
				if !isErr || !strings.Contains(strings.Join(texts, " "), "404") {
					t.Errorf("%s example %d: want Kibana's 404 for an unknown connector, got %v", name, i, texts)
				}
				continue
			}
			if isErr {
				t.Errorf("%s example %d failed: %v", name, i, texts)
			}
		}
	}
}
