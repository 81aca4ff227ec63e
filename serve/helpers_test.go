package serve

import (
	"encoding/json"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// The machinery's tests serve the real catalogue (tools.Catalog).

func mustLookup(t testing.TB, name string) *operation.Operation {
	t.Helper()
	op, ok := tools.Lookup(name)
	if !ok {
		t.Fatalf("no tool %s", name)
	}
	return op
}

func args(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// sandboxCaseID is a case of the seeded sandbox (as in the catalogue's
// examples).
const sandboxCaseID = "80d546d5-2608-4106-8553-4113640f3b09"
