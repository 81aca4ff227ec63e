package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

func listedNames(t *testing.T, c *client.Client) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range list.Tools {
		names = append(names, tool.Name)
	}
	return names
}

// The binary against the sandbox playing Kibana 8.15.0: the tools of
// later APIs are not listed, and a raw call to a route 8.15 lacks says so
// plainly.
func TestSandboxPlaying815(t *testing.T) {
	c := startSandboxed(t, "--sandbox-version", "8.15.0", "--allow-raw-requests")
	names := listedNames(t, c)
	for _, absent := range []string{
		"find_attack_discovery_schedules", "create_attack_discovery_schedule", // 9.2
		"list_entity_engines", "get_entity_store_status", // entity store, 8.16
		"list_privileged_users", "init_privmon_engine", // privileged user monitoring, 9.1
		"query_esql", "find_events_around", // the data tools: Agent Builder is 9.2, no other path
		"find_dashboards", "snooze_rule",
	} {
		if slices.Contains(names, absent) {
			t.Errorf("8.15.0 lists %s", absent)
		}
	}
	for _, present := range []string{"find_cases", "search_detection_alerts", "get_asset_criticality", "delete_connector_legacy", "find_agents"} {
		if !slices.Contains(names, present) {
			t.Errorf("8.15.0 does not list %s", present)
		}
	}
	res, text := callTool(t, c, "call_kibana_api", `{"method":"GET","path":"/api/attack_discovery/schedules/_find"}`)
	if !res.IsError || !strings.Contains(text, `this Kibana (8.15.0) has no "Find attack discovery schedules" API`) || !strings.Contains(text, "it arrived in 9.2") {
		t.Errorf("raw call to a missing route: %s", text)
	}
	// A tool left out is refused with the same explanation.
	var req mcp.CallToolRequest
	req.Params.Name = "find_attack_discovery_schedules"
	_, err := c.CallTool(t.Context(), req)
	if err == nil || !strings.Contains(err.Error(), "this Kibana (8.15.0) has no") || !strings.Contains(err.Error(), "it arrived in 9.2") {
		t.Errorf("call of a tool left out: %v", err)
	}
}

// Serverless hides what serverless lacks; the newest Kibana lists
// everything but the removed legacy route; 9.0 sits between.
func TestSandboxPlayingServerless(t *testing.T) {
	names := listedNames(t, startSandboxed(t, "--sandbox-serverless", "--sandbox-version", "9.3.0"))
	for _, absent := range []string{"find_saved_objects", "bulk_create_saved_objects", "delete_connector_legacy"} {
		if slices.Contains(names, absent) {
			t.Errorf("serverless lists %s", absent)
		}
	}
	for _, present := range []string{"export_saved_objects", "find_attack_discovery_schedules", "query_esql", "find_cases"} {
		if !slices.Contains(names, present) {
			t.Errorf("serverless does not list %s", present)
		}
	}
	newest := listedNames(t, startSandboxed(t, "--sandbox-version", "9.3.0"))
	for _, present := range []string{"find_saved_objects", "find_attack_discovery_schedules", "list_privileged_users", "query_esql"} {
		if !slices.Contains(newest, present) {
			t.Errorf("9.3.0 does not list %s", present)
		}
	}
	if slices.Contains(newest, "delete_connector_legacy") {
		t.Error("9.3.0 lists delete_connector_legacy")
	}
	nine := listedNames(t, startSandboxed(t, "--sandbox-version", "9.0.0"))
	for name, want := range map[string]bool{"find_dashboards": true, "list_entity_engines": true, "snooze_rule": false,
		"delete_connector_legacy": false, "list_privileged_users": false, "find_attack_discovery_schedules": false} {
		if slices.Contains(nine, name) != want {
			t.Errorf("9.0.0 lists %s: %v, want %v", name, !want, want)
		}
	}
}
