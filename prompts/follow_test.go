package prompts

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// TestFollowWhatIsServed: the served set changes under a running server.
// prompts/get renders with what is served then; a prompt whose needed
// tool went is removed and comes back with it, and each such change is
// a prompts/list_changed; a change that leaves the set of prompts alone
// is not.
func TestFollowWhatIsServed(t *testing.T) {
	var mu sync.Mutex
	gone := map[string]bool{"find_events_around": true, "query_esql": true}
	served := func(tool string) bool { mu.Lock(); defer mu.Unlock(); return !gone[tool] }
	set := func(tool string, out bool) { mu.Lock(); gone[tool] = out; mu.Unlock() }

	s := server.NewMCPServer("t", "1", server.WithPromptCapabilities(true))
	refresh := Follow(s, Reach{Served: served})
	c, err := client.NewInProcessClient(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var heard atomic.Int32
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == string(mcp.MethodNotificationPromptsListChanged) {
			heard.Add(1)
		}
	})
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	get := func() string {
		var req mcp.GetPromptRequest
		req.Params.Name = "investigate_alert"
		req.Params.Arguments = map[string]string{"alertId": "a1", "index": "i"}
		res, err := c.GetPrompt(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return res.Messages[0].Content.(mcp.TextContent).Text
	}
	names := func() []string {
		res, err := c.ListPrompts(ctx, mcp.ListPromptsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range res.Prompts {
			out = append(out, p.Name)
		}
		return out
	}

	if strings.Contains(get(), "find_events_around") {
		t.Error("the evidence step is there before find_events_around is served")
	}
	set("find_events_around", false)
	set("query_esql", false)
	refresh() // the same prompts: nothing to tell
	if !strings.Contains(get(), "`find_events_around` with alert_id \"a1\"") {
		t.Error("no evidence step once find_events_around is served")
	}
	set("search_detection_alerts", true)
	refresh()
	if got := names(); slices.Contains(got, "investigate_alert") || !slices.Contains(got, "triage_case") {
		t.Errorf("search_detection_alerts gone: %v", got)
	}
	set("search_detection_alerts", false)
	refresh()
	if got := names(); !slices.Contains(got, "investigate_alert") {
		t.Errorf("search_detection_alerts back: %v", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for heard.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := heard.Load(); n != 2 {
		t.Errorf("prompts/list_changed heard %d times, want 2", n)
	}
}
