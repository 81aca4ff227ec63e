package app

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/serve"
)

// investigateAlert is the text of prompts/get for investigate_alert,
// asked as id, and the notifications heard before it.
func (p *stdioPeer) investigateAlert(id int) (text string, notes []string) {
	p.t.Helper()
	p.send(`{"jsonrpc":"2.0","id":` + itoa(id) + `,"method":"prompts/get","params":{"name":"investigate_alert","arguments":{"alertId":"a1","index":".alerts-security.alerts-default"}}}`)
	answer, notes := p.until(id)
	var msg struct {
		Result struct {
			Messages []struct {
				Content struct{ Text string } `json:"content"`
			} `json:"messages"`
		} `json:"result"`
	}
	json.Unmarshal(answer, &msg)
	for _, m := range msg.Result.Messages {
		text += m.Content.Text
	}
	if text == "" {
		p.t.Fatalf("prompts/get investigate_alert: %s", answer)
	}
	return text, notes
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// list asks tools/list as id and returns the names and the notifications
// heard before the answer.
func (p *stdioPeer) list(id int) (names, notes []string) {
	p.send(`{"jsonrpc":"2.0","id":` + itoa(id) + `,"method":"tools/list"}`)
	answer, notes := p.until(id)
	return toolNames(answer), notes
}

// TestDataPathFollowsAnUpgradeTo92: Kibana 9.1 has no Agent Builder and
// the server no other path to Elasticsearch, so the data tools are left
// out and investigate_alert names no evidence step. Kibana is upgraded to
// 9.2 under the running server: once it is read again, the path is
// chosen again (Agent Builder), the data tools are listed, the session
// is told, query_esql runs through Agent Builder, the prompt names the
// evidence step, and the change is logged once.
func TestDataPathFollowsAnUpgradeTo92(t *testing.T) {
	defer func(ttl time.Duration) { kibanaTTL = ttl }(kibanaTTL)
	kibanaTTL = 100 * time.Millisecond
	kib := newPlaying(t, "9.1.0")
	peer, logs, code := startStdio(t, kib)
	peer.initialize()

	names, _ := peer.list(2)
	if slices.Contains(names, "query_esql") || slices.Contains(names, "find_events_around") || !slices.Contains(names, "find_cases") {
		t.Fatalf("9.1.0 lists the data tools (or nothing): %d tools", len(names))
	}
	peer.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"query_esql","arguments":{"query":"ROW ok = 1"}}}`)
	if refused, _ := peer.until(3); !strings.Contains(string(refused), "no path to Elasticsearch") {
		t.Errorf("query_esql on 9.1.0: %s", refused)
	}
	before, _ := peer.investigateAlert(4)
	if strings.Contains(before, "find_events_around") || strings.Contains(before, "query_esql") {
		t.Errorf("investigate_alert on 9.1.0 names a data tool:\n%s", before)
	}

	kib.play("9.2.0")
	time.Sleep(kibanaTTL + 20*time.Millisecond)
	names, notes := peer.list(5)
	if !slices.Contains(names, "query_esql") || !slices.Contains(names, "find_events_around") {
		t.Errorf("after the upgrade to 9.2.0 the data tools are not listed (%d tools)", len(names))
	}
	peer.send(`{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"query_esql","arguments":{"query":"ROW ok = 1"}}}`)
	answer, later := peer.until(6)
	if !strings.Contains(string(answer), `ok:integer\n1`) || strings.Contains(string(answer), `"isError":true`) {
		t.Errorf("query_esql on 9.2.0: %s", answer)
	}
	// On stdio mcp-go writes notifications from a goroutine of their own.
	if notes = append(notes, later...); !slices.Contains(notes, string(mcp.MethodNotificationToolsListChanged)) {
		t.Errorf("no tools/list_changed: %v", notes)
	}
	after, _ := peer.investigateAlert(7)
	if !strings.Contains(after, "`find_events_around` with alert_id \"a1\"") {
		t.Errorf("investigate_alert on 9.2.0 has no evidence step:\n%s", after)
	}
	peer.in.Close()
	if c := <-code; c != 0 {
		t.Errorf("exit %d\n%s", c, logs.String())
	}
	got := logs.String()
	if n := strings.Count(got, "the data tools' path to Elasticsearch changed"); n != 1 || !strings.Contains(got, `"was":"none","now":"agent_builder"`) {
		t.Errorf("the change of path is logged %d times, want once (none → agent_builder):\n%s", n, got)
	}
}

// TestDataPathChosenAtTheFirstCallAfterKibanaCameUp: Kibana is down at
// start, so Agent Builder is offered on trust. Kibana comes up as 9.1,
// which has none: the first request reads it, the path is chosen again,
// the data tools leave the list (the session is told), and the prompt
// drops the evidence step. Playing 9.2, the first call runs query_esql
// through Agent Builder.
func TestDataPathChosenAtTheFirstCallAfterKibanaCameUp(t *testing.T) {
	for _, version := range []string{"9.1.0", "9.2.0"} {
		t.Run(version, func(t *testing.T) {
			kib := newPlaying(t, version)
			kib.down.Store(true)
			peer, logs, code := startStdio(t, kib)
			peer.initialize()
			if !waitFor(func() bool { return strings.Contains(logs.String(), "Kibana check failed") }) {
				t.Fatalf("no start-up failure logged:\n%s", logs.String())
			}
			kib.down.Store(false)
			if version == "9.2.0" {
				peer.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"query_esql","arguments":{"query":"ROW ok = 1"}}}`)
				if answer, _ := peer.until(2); !strings.Contains(string(answer), `ok:integer\n1`) || strings.Contains(string(answer), `"isError":true`) {
					t.Errorf("the first query_esql once Kibana is up: %s", answer)
				}
			} else {
				names, notes := peer.list(2)
				if slices.Contains(names, "query_esql") || !slices.Contains(names, "find_cases") {
					t.Errorf("9.1.0 came up: the data tools are still listed (%d tools)", len(names))
				}
				text, later := peer.investigateAlert(3)
				if strings.Contains(text, "find_events_around") || strings.Contains(text, "query_esql") {
					t.Errorf("investigate_alert on 9.1.0 names a data tool:\n%s", text)
				}
				if notes = append(notes, later...); !slices.Contains(notes, string(mcp.MethodNotificationToolsListChanged)) {
					t.Errorf("no tools/list_changed: %v", notes)
				}
			}
			peer.in.Close()
			if c := <-code; c != 0 {
				t.Errorf("exit %d\n%s", c, logs.String())
			}
			changed := strings.Contains(logs.String(), `"was":"agent_builder","now":"none"`)
			if changed != (version == "9.1.0") {
				t.Errorf("path change logged: %v\n%s", changed, logs.String())
			}
		})
	}
}

// In every serving mode the data tools follow what is withheld: not
// listed, found or enabled while withheld, and a call says why; offered
// again once the path is found.
func TestWithheldDataToolsInEveryMode(t *testing.T) {
	const why = "no path to Elasticsearch's data was found"
	for _, mode := range []string{"list", "dynamic", "search"} {
		t.Run(mode, func(t *testing.T) {
			withheld := serve.NewWithheld(map[string]string{"query_esql": why})
			opts := serve.Options{Selection: serve.Selection{Toolsets: []string{"default", "data"}}, DynamicToolsets: mode == "dynamic", ToolSearch: mode == "search", Withheld: withheld}
			if mode == "dynamic" {
				opts.Selection.Toolsets = nil
			}
			c := connect(t, newLoopbackKibana(t), opts)
			heard := listChangedCounter(c)
			var offered func() bool
			ask := func() (string, bool) {
				// A tool not listed is refused before it runs, as one
				// the Kibana lacks is: a protocol error saying why.
				var call mcp.CallToolRequest
				call.Params.Name, call.Params.Arguments = "query_esql", map[string]any{"query": "ROW ok = 1"}
				res, err := c.CallTool(testContext(t), call)
				if err != nil {
					return err.Error(), true
				}
				return resultText(res), res.IsError
			}
			switch mode {
			case "list":
				offered = func() bool { return slices.Contains(listNames(t, c), "query_esql") }
			case "dynamic":
				offered = func() bool {
					callTool(t, c, "enable_toolset", map[string]any{"toolset": "data"})
					return slices.Contains(listNames(t, c), "query_esql")
				}
			case "search":
				offered = func() bool {
					return strings.Contains(resultText(callTool(t, c, "search_tools", map[string]any{"query": "run an ES|QL query", "limit": 10})), `"query_esql"`)
				}
				ask = func() (string, bool) {
					res := callTool(t, c, "call_tool", map[string]any{"name": "query_esql", "arguments": map[string]any{"query": "ROW ok = 1"}})
					return resultText(res), res.IsError
				}
			}
			if offered() {
				t.Error("query_esql offered while withheld")
			}
			if mode != "dynamic" {
				if text, isErr := ask(); !isErr || !strings.Contains(text, why) {
					t.Errorf("query_esql while withheld: %s", text)
				}
			}
			withheld.Set(nil)
			if !offered() {
				t.Error("query_esql not offered once no longer withheld")
			}
			if mode != "search" && !waitFor(func() bool { return heard() >= 1 }) {
				t.Error("no tools/list_changed")
			}
		})
	}
}
