package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/internal/tabletext"
)

// startSandboxedDefault runs the real binary over stdio against its
// built-in sandbox with the default selection (and args).
func startSandboxedDefault(t *testing.T, args ...string) *client.Client {
	t.Helper()
	return startSandboxedWith(t, append([]string{"--sandbox"}, args...))
}

// TestScenarioAlertToEvents: the model finds the open brute-force alert on
// vpn-gw-01, the investigate_alert prompt sends it to find_events_around,
// and one call brings the failed logins and the svc-backup success around
// it. Through Agent Builder (the default with --sandbox) and through the
// sandbox's Elasticsearch side (--elasticsearch-url /_es).
func TestScenarioAlertToEvents(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"agent_builder", nil},
		{"elasticsearch", []string{"--elasticsearch-url", "/_es"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cv := &conversation{t: t, c: startSandboxedDefault(t, tc.args...)}
			var alerts struct {
				Hits struct {
					Hits []struct {
						ID     string         `json:"_id"`
						Index  string         `json:"_index"`
						Source map[string]any `json:"_source"`
					} `json:"hits"`
				} `json:"hits"`
			}
			cv.use("search_detection_alerts", map[string]any{
				"query": map[string]any{"bool": map[string]any{"filter": []any{
					map[string]any{"term": map[string]any{"host.name": "vpn-gw-01"}},
					map[string]any{"term": map[string]any{"kibana.alert.workflow_status": "open"}},
				}}},
				"size": 50,
			}, &alerts)
			var id, index string
			for _, h := range alerts.Hits.Hits {
				if user, _ := h.Source["user"].(map[string]any); user["name"] == "svc-backup" {
					id, index = h.ID, h.Index
					break
				}
			}
			if id == "" {
				t.Fatalf("no open alert for svc-backup on vpn-gw-01 among %d", len(alerts.Hits.Hits))
			}

			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			var get mcp.GetPromptRequest
			get.Params.Name = "investigate_alert"
			get.Params.Arguments = map[string]string{"alertId": id, "index": index}
			prompt, err := cv.c.GetPrompt(ctx, get)
			if err != nil {
				t.Fatal(err)
			}
			plan := prompt.Messages[len(prompt.Messages)-1].Content.(mcp.TextContent).Text
			if !strings.Contains(plan, "`find_events_around` with alert_id \""+id+"\"") {
				t.Fatalf("investigate_alert does not send the alert to find_events_around:\n%s", plan)
			}

			// The one call: its answer is the entity, the window and the
			// counts, then a text table of the events, oldest first.
			var answer string
			cv.use("find_events_around", map[string]any{"alert_id": id}, &answer)
			// The table starts after the lines for the alert, the entity,
			// the window and the counts; it is read as its legend says.
			lines := strings.SplitAfter(answer, "\n")
			start := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, " events; oldest first") })
			if start < 0 || !slices.Contains(lines, "entity: host.name=vpn-gw-01\n") {
				t.Fatalf("no entity line or events table:\n%s", answer)
			}
			table, err := tabletext.Read(strings.Join(lines[start:], ""))
			if err != nil {
				t.Fatalf("events table: %v\n%s", err, answer)
			}
			failures, success := 0, false
			for _, row := range table.Rows {
				cell := func(name string) string { s, _ := row[name].(string); return s }
				if cell("host") != "vpn-gw-01" {
					t.Errorf("an event of host %q", cell("host"))
				}
				if cell("category") == "authentication" && cell("outcome") == "failure" && !success {
					failures++
				}
				if cell("category") == "authentication" && cell("outcome") == "success" && cell("user") == "svc-backup" {
					success = true
				}
			}
			if !success || failures < 5 {
				t.Errorf("%d failures before the svc-backup success (found %v):\n%s", failures, success, answer)
			}
			if cv.calls != 2 {
				t.Errorf("%d tool calls, want 2 (find the alert, then its events)", cv.calls)
			}
			t.Logf("%s: alert to events in %d calls, %d bytes of results", tc.name, cv.calls, cv.bytes)
		})
	}
}
