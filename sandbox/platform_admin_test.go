package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestEndpointHostsMatchFleet: the metadata list is the endpoint area's
// hosts, each with its Fleet agent's health and its policy's Elastic
// Defend integration; build-03, whose Defend fails in Fleet, is unhealthy
// with a failed policy response.
func TestEndpointHostsMatchFleet(t *testing.T) {
	k, _ := maintKibana(t)
	status, body := do(t, k, http.MethodGet, "/api/endpoint/metadata?pageSize=50&sortField=metadata.host.hostname&sortDirection=asc", "", nil)
	if status != http.StatusOK {
		t.Fatalf("list: %d %v", status, body)
	}
	sp := k.spaces["default"]
	var names []string
	for _, item := range body["data"].([]any) {
		info := item.(map[string]any)
		md := info["metadata"].(map[string]any)
		host := md["host"].(map[string]any)["hostname"].(string)
		names = append(names, host)
		agentID := md["agent"].(map[string]any)["id"].(string)
		agent := sp.fleet.agents.get(agentID)
		if agent == nil || agent.hostname != host {
			t.Errorf("%s: agent %s is not its Fleet agent", host, agentID)
			continue
		}
		if want := epHostStatus(k.agentStatus(&sp.fleet, agent)); info["host_status"] != want {
			t.Errorf("%s: host_status %v, Fleet says %s", host, info["host_status"], want)
		}
		defend := info["policy_info"].(map[string]any)["endpoint"].(map[string]any)["id"].(string)
		if pp := sp.fleet.pkgPolicies.get(defend); pp == nil || pp.pkgName != "endpoint" {
			t.Errorf("%s: policy %q is not an Elastic Defend integration policy", host, defend)
		}
	}
	if got := strings.Join(names, ","); got != "build-03,fs-02,vpn-gw-01,ws-0142" {
		t.Errorf("hosts %s", got)
	}

	_, body = do(t, k, http.MethodGet, "/api/endpoint/metadata?hostStatuses=unhealthy", "", nil)
	if body["total"] != float64(1) {
		t.Fatalf("unhealthy: %v", body)
	}
	build := body["data"].([]any)[0].(map[string]any)["metadata"].(map[string]any)
	agentID := build["agent"].(map[string]any)["id"].(string)
	if applied := build["Endpoint"].(map[string]any)["policy"].(map[string]any)["applied"].(map[string]any); applied["status"] != "failure" {
		t.Errorf("build-03 applied policy %v", applied)
	}
	_, body = do(t, k, http.MethodGet, "/api/endpoint/policy_response?agentId="+agentID, "", nil)
	if !strings.Contains(fmt.Sprint(body), "kernel events source unavailable") {
		t.Errorf("policy response: %v", body)
	}

	_, body = do(t, k, http.MethodGet, `/api/endpoint/metadata?kuery=united.endpoint.host.os.platform:%20linux`, "", nil)
	if body["total"] != float64(2) {
		t.Errorf("linux hosts: %v", body["total"])
	}
	if status, _ := do(t, k, http.MethodGet, "/api/endpoint/metadata?hostStatuses=sleeping", "", nil); status != http.StatusBadRequest {
		t.Errorf("unknown status: %d", status)
	}
	if status, _ := do(t, k, http.MethodGet, "/api/endpoint/metadata/not-a-host", "", nil); status != http.StatusNotFound {
		t.Errorf("unknown host: %d", status)
	}
	if status, body := do(t, k, http.MethodGet, "/s/soc/api/endpoint/metadata/"+epExampleAgentB, "", nil); status != http.StatusOK ||
		body["metadata"].(map[string]any)["Endpoint"].(map[string]any)["state"].(map[string]any)["isolation"] != true {
		t.Errorf("isolated bkp-01 in soc: %d %v", status, body)
	}
}

// TestProtectionUpdatesNotes: the servers' Defend policy has its note; a
// note is written, read back and cleared.
func TestProtectionUpdatesNotes(t *testing.T) {
	k, _ := maintKibana(t)
	var servers string
	for _, pp := range k.spaces["default"].fleet.pkgPolicies.all() {
		if pp.name == "Elastic Defend - servers" {
			servers = pp.id
		}
	}
	if _, body := do(t, k, http.MethodGet, "/api/endpoint/protection_updates_note/"+servers, "", nil); !strings.Contains(fmt.Sprint(body["note"]), "pinned") {
		t.Errorf("seeded note: %v", body)
	}
	path := "/s/soc/api/endpoint/protection_updates_note/p1"
	if status, _ := do(t, k, http.MethodGet, path, "", nil); status != http.StatusNotFound {
		t.Errorf("no note yet: %d", status)
	}
	do(t, k, http.MethodPost, path, `{"note":"Pinned for CHG-5130."}`, nil)
	if _, body := do(t, k, http.MethodGet, path, "", nil); body["note"] != "Pinned for CHG-5130." {
		t.Errorf("read back: %v", body)
	}
	if status, body := do(t, k, http.MethodPost, path, `{}`, nil); status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["message"]), "note") {
		t.Errorf("without note: %d %v", status, body)
	}
}

// TestShortURLs: the seeded URL resolves by slug and counts the access;
// a new one with a custom slug resolves; a taken slug conflicts; deleted
// ones are gone.
func TestShortURLs(t *testing.T) {
	k, _ := maintKibana(t)
	_, u := do(t, k, http.MethodGet, "/api/short_url/_slug/"+seedShortURLSlug, "", nil)
	if u["id"] != seedShortURLID || u["accessCount"] != float64(4) || u["locator"].(map[string]any)["id"] != "DISCOVER_APP_LOCATOR" {
		t.Fatalf("resolve: %v", u)
	}
	status, u := do(t, k, http.MethodPost, "/s/soc/api/short_url", `{"locatorId":"LEGACY_SHORT_URL_LOCATOR","params":{"url":"/app/security"},"slug":"soc-home"}`, nil)
	if status != http.StatusOK || u["slug"] != "soc-home" {
		t.Fatalf("create: %d %v", status, u)
	}
	if _, got := do(t, k, http.MethodGet, "/s/soc/api/short_url/_slug/soc-home", "", nil); got["id"] != u["id"] {
		t.Errorf("resolve new: %v", got)
	}
	if status, _ := do(t, k, http.MethodPost, "/s/soc/api/short_url", `{"locatorId":"X","params":{},"slug":"soc-home"}`, nil); status != http.StatusConflict {
		t.Errorf("taken slug: %d", status)
	}
	if status, _ := do(t, k, http.MethodGet, "/api/short_url/_slug/soc-home", "", nil); status != http.StatusNotFound {
		t.Errorf("another space resolves it: %d", status)
	}
	if _, h := do(t, k, http.MethodPost, "/api/short_url", `{"locatorId":"X","params":{},"humanReadableSlug":true}`, nil); strings.Count(fmt.Sprint(h["slug"]), "-") != 2 {
		t.Errorf("readable slug: %v", h["slug"])
	}
	if status, body := do(t, k, http.MethodPost, "/api/short_url", `{"params":{}}`, nil); status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["message"]), "locatorId") {
		t.Errorf("without locatorId: %d %v", status, body)
	}
	do(t, k, http.MethodDelete, "/s/soc/api/short_url/"+u["id"].(string), "", nil)
	if status, _ := do(t, k, http.MethodGet, "/s/soc/api/short_url/"+u["id"].(string), "", nil); status != http.StatusNotFound {
		t.Errorf("after delete: %d", status)
	}
}

// TestLogstashPipelinesAreKibanaWide: created in one space, listed in all;
// replaced whole; deleted.
func TestLogstashPipelinesAreKibanaWide(t *testing.T) {
	k, _ := maintKibana(t)
	if status, _ := do(t, k, http.MethodPut, "/s/soc/api/logstash/pipeline/edge_syslog", `{"pipeline":"input { stdin {} }","description":"d","settings":{"pipeline.workers":1}}`, nil); status != http.StatusNoContent {
		t.Fatalf("put: %d", status)
	}
	_, body := do(t, k, http.MethodGet, "/api/logstash/pipelines", "", nil)
	if got := fmt.Sprint(body["pipelines"]); !strings.Contains(got, "edge_syslog") || !strings.Contains(got, "dmz_beats") {
		t.Errorf("list: %s", got)
	}
	do(t, k, http.MethodPut, "/api/logstash/pipeline/edge_syslog", `{"pipeline":"input { tcp { port => 1 } }"}`, nil)
	_, p := do(t, k, http.MethodGet, "/api/logstash/pipeline/edge_syslog", "", nil)
	if p["pipeline"] != "input { tcp { port => 1 } }" || p["description"] != "" || p["settings"] != nil {
		t.Errorf("replaced whole: %v", p)
	}
	if status, _ := do(t, k, http.MethodPut, "/api/logstash/pipeline/9lives", `{"pipeline":"x"}`, nil); status != http.StatusBadRequest {
		t.Errorf("bad id: %d", status)
	}
	do(t, k, http.MethodDelete, "/api/logstash/pipeline/edge_syslog", "", nil)
	if status, _ := do(t, k, http.MethodGet, "/s/soc/api/logstash/pipeline/edge_syslog", "", nil); status != http.StatusNotFound {
		t.Errorf("after delete: %d", status)
	}
}

// TestUptimeSettingsMerge: defaults first; a PUT merges the given keys.
func TestUptimeSettingsMerge(t *testing.T) {
	k, _ := maintKibana(t)
	_, s := do(t, k, http.MethodGet, "/api/uptime/settings", "", nil)
	if s["heartbeatIndices"] != "heartbeat-*" || s["certExpirationThreshold"] != float64(30) {
		t.Fatalf("defaults: %v", s)
	}
	_, s = do(t, k, http.MethodPut, "/api/uptime/settings", `{"certExpirationThreshold":14,"defaultConnectors":["c1"]}`, nil)
	if s["certExpirationThreshold"] != float64(14) || s["heartbeatIndices"] != "heartbeat-*" || fmt.Sprint(s["defaultConnectors"]) != "[c1]" {
		t.Errorf("merged: %v", s)
	}
	if _, other := do(t, k, http.MethodGet, "/s/soc/api/uptime/settings", "", nil); other["certExpirationThreshold"] != float64(30) {
		t.Errorf("another space changed: %v", other)
	}
	if status, _ := do(t, k, http.MethodPut, "/api/uptime/settings", `{"certAgeThreshold":"long"}`, nil); status != http.StatusBadRequest {
		t.Errorf("bad value: %d", status)
	}
}

// TestTaskManagerAndUpgradeStatus: the health counts the rules' tasks;
// the story's old agents block the upgrade.
func TestTaskManagerAndUpgradeStatus(t *testing.T) {
	k, _ := maintKibana(t)
	_, h := do(t, k, http.MethodGet, "/api/task_manager/_health", "", nil)
	if h["status"] != "OK" || h["stats"].(map[string]any)["workload"].(map[string]any)["value"].(map[string]any)["count"].(float64) < 10 {
		t.Errorf("health: %v", h["status"])
	}
	_, u := do(t, k, http.MethodGet, "/api/upgrade_assistant/status", "", nil)
	if u["readyForUpgrade"] != false || !strings.Contains(fmt.Sprint(u["details"]), "10.0") {
		t.Errorf("upgrade: %v", u)
	}
	_, f := do(t, k, http.MethodGet, "/api/features", "", nil)
	if got := fmt.Sprint(f["list"]); !strings.Contains(got, "maintenanceWindow") || !strings.Contains(got, "uptime") {
		t.Errorf("features lack the new toolsets' ids: %s", got)
	}
}
