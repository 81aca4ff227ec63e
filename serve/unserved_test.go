package serve

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// unservedServer serves opts as the app does, with ExplainUnserved.
func unservedServer(t *testing.T, opts Options) *server.MCPServer {
	t.Helper()
	kc, err := kibana.New(kibana.Config{URL: "http://127.0.0.1:9", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	hooks := &server.Hooks{}
	ExplainUnserved(hooks, tools.Catalog, opts)
	s := server.NewMCPServer("t", "1", server.WithToolCapabilities(false), server.WithHooks(hooks))
	if err := Install(s, kc, tools.Catalog, opts); err != nil {
		t.Fatal(err)
	}
	return s
}

// toolsCall sends a tools/call as a client would and returns the JSON-RPC
// error message, or "" with the result's text when there was no error.
func toolsCall(t *testing.T, s *server.MCPServer, name string, args map[string]any) (errMsg, text string) {
	t.Helper()
	msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": map[string]any{"name": name, "arguments": args}})
	switch resp := s.HandleMessage(t.Context(), msg).(type) {
	case mcp.JSONRPCError:
		return resp.Error.Message, ""
	case mcp.JSONRPCResponse:
		res, ok := resp.Result.(*mcp.CallToolResult)
		if !ok {
			t.Fatalf("result %T", resp.Result)
		}
		var parts []string
		for _, c := range res.Content {
			if tc, ok := c.(mcp.TextContent); ok {
				parts = append(parts, tc.Text)
			}
		}
		return "", strings.Join(parts, "\n")
	default:
		t.Fatalf("answer %T", resp)
	}
	return "", ""
}

// TestToolsCallOfUnservedToolSaysWhy: a client calling a tool the server
// does not serve learns why and which flag serves it; a name that exists
// nowhere gets the three closest names, not the catalogue.
func TestToolsCallOfUnservedToolSaysWhy(t *testing.T) {
	for _, c := range []struct {
		opts Options
		tool string
		want []string
	}{
		{Options{}, "find_agents", []string{`"find_agents" is not in the selected toolsets`, "--toolsets fleet", "--tools find_agents"}},
		{Options{Selection: Selection{ReadOnly: true}}, "update_case", []string{`"update_case" changes Kibana`, "--read-only leaves out tools that change Kibana"}},
		{Options{Selection: Selection{Exclude: []string{"get_case"}}}, "get_case", []string{`"get_case" is excluded by --exclude-tools`}},
		{Options{}, "call_kibana_api", []string{"--allow-raw-requests"}},
		{Options{ToolSearch: true}, "find_cases", []string{"call_tool"}},
		{Options{DynamicToolsets: true}, "find_agents", []string{"enable_toolset", `"fleet"`}},
		{Options{}, "find_case", []string{`no tool "find_case"; did you mean find_cases`}},
		{Options{}, "list_cases", []string{`no tool "list_cases"; did you mean`, "find_cases"}},
	} {
		errMsg, _ := toolsCall(t, unservedServer(t, c.opts), c.tool, map[string]any{})
		for _, w := range c.want {
			if !strings.Contains(errMsg, w) {
				t.Errorf("%+v %s: error %q, want it to contain %q", c.opts, c.tool, errMsg, w)
			}
		}
		if strings.Count(errMsg, ",") > 2 {
			t.Errorf("%s: error %q lists too many names", c.tool, errMsg)
		}
	}
	// A served tool still runs (and here fails to reach Kibana, as a result).
	if errMsg, text := toolsCall(t, unservedServer(t, Options{}), "get_case", map[string]any{"caseId": "x"}); errMsg != "" || text == "" {
		t.Errorf("served tool: error %q, text %q", errMsg, text)
	}
}

// TestCallToolOfUnservedToolSaysWhy: call_tool, in tool-search mode, gives
// the same reasons.
func TestCallToolOfUnservedToolSaysWhy(t *testing.T) {
	s := unservedServer(t, Options{ToolSearch: true, Selection: Selection{ReadOnly: true, Toolsets: []string{"cases"}}})
	for tool, want := range map[string]string{
		"update_case": "not served in read-only mode",
		"find_agents": "--toolsets fleet",
		"find_case":   "did you mean find_cases",
	} {
		errMsg, text := toolsCall(t, s, "call_tool", map[string]any{"name": tool})
		if errMsg != "" || !strings.Contains(text, want) {
			t.Errorf("call_tool %s: error %q, result %q, want %q", tool, errMsg, text, want)
		}
	}
}

func TestSelectionWarnings(t *testing.T) {
	got := SelectionWarnings(tools.Catalog, Selection{ReadOnly: true, Tools: []string{"update_case", "get_case"}})
	if len(got) != 1 || !strings.Contains(got[0], "update_case changes Kibana and is not served in read-only mode") {
		t.Errorf("warnings %q", got)
	}
}

func TestClosest(t *testing.T) {
	for name, want := range map[string]string{"get_cases": "get_case", "find_case": "find_cases", "flet": "fleet", "delete_case": "delete_cases"} {
		cands := allToolNames(tools.Catalog)
		if name == "flet" {
			cands = tools.ToolsetNames()
		}
		if got := Closest(name, cands, 3); len(got) != 3 || got[0] != want {
			t.Errorf("Closest(%q) = %v, want %s first", name, got, want)
		}
	}
}

// TestUnavailableToolsSayWhy: a tool the deployment cannot run is left out
// whatever was asked for, and a call or a --tools warning gives the reason,
// not a flag nobody passed.
func TestUnavailableToolsSayWhy(t *testing.T) {
	why := "no path to Elasticsearch's data was found at start"
	sel := Selection{Toolsets: []string{"all"}, Tools: []string{"query_esql"}, Unavailable: map[string]string{"query_esql": why}}
	ops, err := Select(tools.Catalog, sel)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if op.Name == "query_esql" {
			t.Fatal("query_esql selected though unavailable")
		}
	}
	if got := Unserved(tools.Catalog, Options{Selection: sel}, "query_esql"); !strings.Contains(got, why) || strings.Contains(got, "--exclude-tools") {
		t.Errorf("explanation %q", got)
	}
	if w := SelectionWarnings(tools.Catalog, sel); len(w) != 1 || !strings.Contains(w[0], why) {
		t.Errorf("warnings %q", w)
	}
}
