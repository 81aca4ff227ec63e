package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/mark3labs/mcp-go/mcp"
)

// TestEveryToolTakesBadArgumentsCleanly calls every tool against the
// sandbox with its fullest example spoiled four ways (no arguments, every
// value of the wrong type, every value null, every string a path climbing
// out of its route) and holds each answer to what a model must get: no
// panic, no 5xx from Kibana, and an error that says what is wrong.
func TestEveryToolTakesBadArgumentsCleanly(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	for _, op := range All() {
		var fullest map[string]any
		if err := json.Unmarshal([]byte(op.Examples[len(op.Examples)-1]), &fullest); err != nil {
			t.Fatalf("%s: example: %v", op.Name, err)
		}
		for name, spoiled := range spoilings(fullest) {
			var call mcp.CallToolRequest
			call.Params.Name = op.Name
			call.Params.Arguments = spoiled
			text, isErr, err := callSafely(t.Context(), client, op, call)
			switch {
			case err != nil:
				t.Errorf("%s (%s): %v", op.Name, name, err)
			case strings.Contains(text, "Kibana answered 5"):
				t.Errorf("%s (%s): the sandbox failed: %.300s", op.Name, name, text)
			case isErr && len(strings.TrimSpace(text)) < 20:
				t.Errorf("%s (%s): an error that says nothing: %q", op.Name, name, text)
			}
		}
	}
}

// callSafely runs one call, turning a panic into an error.
func callSafely(ctx context.Context, client *kibana.Client, op *operation.Operation, call mcp.CallToolRequest) (text string, isErr bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	res, err := serve.Handler(client, Catalog, op)(ctx, call)
	if err != nil {
		return "", false, err
	}
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			text += tc.Text
		}
	}
	return text, res.IsError, nil
}

// spoilings are the four spoiled copies of args. The space stays valid in
// the path-climbing copy, so that the other values reach their routes.
func spoilings(args map[string]any) map[string]map[string]any {
	each := func(f func(k string, v any) any) map[string]any {
		out := map[string]any{}
		for k, v := range args {
			out[k] = f(k, v)
		}
		return out
	}
	return map[string]map[string]any{
		"no arguments": {},
		"wrong types": each(func(_ string, v any) any {
			switch v.(type) {
			case string:
				return 12
			case float64:
				return "abc"
			case bool:
				return "yes"
			case []any:
				return map[string]any{"a": 1}
			case map[string]any:
				return []any{1}
			}
			return v
		}),
		"nulls": each(func(string, any) any { return nil }),
		"climbing paths": each(func(k string, v any) any {
			if _, ok := v.(string); ok && k != "space_id" {
				return "../../api/security/role"
			}
			return v
		}),
	}
}
