package sandbox

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var adNow = time.Date(2025, 6, 2, 14, 0, 0, 0, time.UTC)

func newADSandbox(t *testing.T) (*Kibana, *caseClock) {
	t.Helper()
	clock := &caseClock{t: adNow}
	return New(Config{APIKey: testKey, Username: "analyst", Password: "pw", Seed: 1, Now: clock.now}), clock
}

func adList(t *testing.T, body map[string]any, key string) []map[string]any {
	t.Helper()
	raw, ok := body[key].([]any)
	if !ok {
		t.Fatalf("no %s in %v", key, body)
	}
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i] = v.(map[string]any)
	}
	return out
}

// TestAttackDiscoverySeed: every space has an AI connector, a finished
// generation whose discoveries name real open alerts of the last days, and
// a schedule using that connector.
func TestAttackDiscoverySeed(t *testing.T) {
	k, _ := newADSandbox(t)
	for _, prefix := range []string{"", "/s/soc"} {
		status, body := do(t, k, "GET", prefix+"/api/attack_discovery/_find?per_page=100", "", nil)
		if status != 200 {
			t.Fatalf("%s find: %d %v", prefix, status, body)
		}
		found := adList(t, body, "data")
		if len(found) < 3 {
			t.Fatalf("%s: %d seeded discoveries", prefix, len(found))
		}
		sp := k.spaces[map[string]string{"": "default", "/s/soc": "soc"}[prefix]]
		for _, d := range found {
			at, _ := time.Parse(time.RFC3339, d["timestamp"].(string))
			if adNow.Sub(at) > 24*time.Hour || d["title"] == "" || len(d["mitre_attack_tactics"].([]any)) == 0 {
				t.Errorf("%s: discovery %v", prefix, d)
			}
			for _, id := range d["alert_ids"].([]any) {
				doc := sp.alerts.index.Get(id.(string))
				if doc == nil {
					t.Errorf("%s: discovery %s names alert %s, which does not exist", prefix, d["id"], id)
				} else if s := adFirst(doc.Flat(), "kibana.alert.workflow_status"); s == "closed" {
					t.Errorf("%s: discovery built on closed alert %s", prefix, id)
				}
			}
			if cn := sp.connectors.byID[d["connector_id"].(string)]; cn == nil || !slices.Contains(adAIConnectorTypes, cn.typeID) {
				t.Errorf("%s: discovery's connector %v is not an AI connector of the space", prefix, d["connector_id"])
			}
		}
		_, gens := do(t, k, "GET", prefix+"/api/attack_discovery/generations", "", nil)
		if g := adList(t, gens, "generations"); len(g) != 1 || g[0]["status"] != "succeeded" || g[0]["discoveries"] != float64(len(found)) {
			t.Errorf("%s generations: %v", prefix, gens)
		}
		_, scheds := do(t, k, "GET", prefix+"/api/attack_discovery/schedules/_find", "", nil)
		if s := adList(t, scheds, "data"); len(s) != 1 || s[0]["enabled"] != true {
			t.Errorf("%s schedules: %v", prefix, scheds)
		}
	}
	// The default space's riskiest chain links the VPN brute force to the
	// ransomware through the account that logged in.
	_, body := do(t, k, "GET", "/api/attack_discovery/_find?search=followed+by", "", nil)
	if d := adList(t, body, "data"); len(d) != 1 || d[0]["title"] != "Brute-force logons followed by ransomware encryption on fs-02" {
		t.Errorf("chained discovery: %v", body)
	}
}

// TestAttackDiscoveryGenerate: a generation needs an existing AI connector,
// starts, finishes at the second read on a frozen clock (or when its time
// has come), and can be dismissed.
func TestAttackDiscoveryGenerate(t *testing.T) {
	k, clock := newADSandbox(t)
	ai := adSeedID("default", "connector", 1)
	body := func(connector, extra string) string {
		return `{"apiConfig":{"connectorId":"` + connector + `","actionTypeId":".gen-ai"},"alertsIndexPattern":".alerts-security.alerts-default",` +
			`"anonymizationFields":[{"id":"f1","field":"host.name","allowed":true,"anonymized":true}],"size":100,"subAction":"invokeAI"` + extra + `}`
	}
	status, got := do(t, k, "POST", "/api/attack_discovery/_generate", `{"apiConfig":{"connectorId":"x","actionTypeId":".gen-ai"},"alertsIndexPattern":"a","anonymizationFields":[],"subAction":"invoke"}`, nil)
	if status != 400 || got["message"] != "[request body]: size: Required, subAction: Invalid enum value. Expected 'invokeAI' | 'invokeStream', received 'invoke'" {
		t.Errorf("bad body: %d %v", status, got)
	}
	if status, got = do(t, k, "POST", "/api/attack_discovery/_generate", body("nope", ""), nil); status != 404 || got["message"] != "Saved object [action/nope] not found" {
		t.Errorf("unknown connector: %d %v", status, got)
	}
	var slack string
	for id, cn := range k.spaces["default"].connectors.byID {
		if cn.typeID == ".slack" {
			slack = id
		}
	}
	if status, got = do(t, k, "POST", "/api/attack_discovery/_generate", body(slack, ""), nil); status != 400 || !strings.Contains(got["message"].(string), "needs an AI connector") {
		t.Errorf("slack connector: %d %v", status, got)
	}
	status, got = do(t, k, "POST", "/api/attack_discovery/_generate", body(ai, `,"start":"now-3d","filter":{"term":{"host.name":"fs-02"}}`), nil)
	if status != 200 {
		t.Fatalf("generate: %d %v", status, got)
	}
	exec := got["execution_uuid"].(string)
	_, got = do(t, k, "GET", "/api/attack_discovery/generations/"+exec, "", nil)
	if g := got["generation"].(map[string]any); g["status"] != "started" || len(got["data"].([]any)) != 0 {
		t.Errorf("first read: %v", got)
	}
	_, got = do(t, k, "GET", "/api/attack_discovery/generations/"+exec, "", nil)
	data := adList(t, got, "data")
	if g := got["generation"].(map[string]any); g["status"] != "succeeded" || len(data) != 1 || g["discoveries"] != float64(1) {
		t.Fatalf("second read: %v", got)
	}
	d := data[0]
	if d["title"] != "Ransomware encryption on fs-02" || len(d["replacements"].(map[string]any)) != 1 || d["user_name"] != "elastic" {
		t.Errorf("discovery: %v", d)
	}
	// Placeholders and pivots as asked.
	_, got = do(t, k, "GET", "/api/attack_discovery/generations/"+exec+"?with_replacements=false&enable_field_rendering=true", "", nil)
	raw := adList(t, got, "data")[0]
	var ph string
	for p := range raw["replacements"].(map[string]any) {
		ph = p
	}
	if !strings.Contains(raw["summary_markdown"].(string), "{{ host.name "+ph+" }}") || strings.Contains(raw["title"].(string), "fs-02") {
		t.Errorf("anonymized view: %v", raw)
	}
	// A generation completes on its own once its time has come.
	_, got = do(t, k, "POST", "/api/attack_discovery/_generate", body(ai, ""), nil)
	second := got["execution_uuid"].(string)
	clock.t = clock.t.Add(adDelay)
	_, got = do(t, k, "GET", "/api/attack_discovery/generations?size=1", "", nil)
	if g := adList(t, got, "generations"); len(g) != 1 || g[0]["execution_uuid"] != second || g[0]["status"] != "succeeded" {
		t.Errorf("after the delay: %v", got)
	}
	// Dismissed generations leave the list.
	if status, got = do(t, k, "POST", "/api/attack_discovery/generations/"+exec+"/_dismiss", "", nil); status != 200 || got["status"] != "dismissed" {
		t.Errorf("dismiss: %d %v", status, got)
	}
	_, got = do(t, k, "GET", "/api/attack_discovery/generations", "", nil)
	for _, g := range adList(t, got, "generations") {
		if g["execution_uuid"] == exec {
			t.Errorf("dismissed generation listed: %v", g)
		}
	}
	if status, got = do(t, k, "POST", "/api/attack_discovery/generations/nope/_dismiss", "", nil); status != 404 || got["message"] != "Generation with execution_uuid nope not found" {
		t.Errorf("dismiss unknown: %d %v", status, got)
	}
}

// TestAttackDiscoveryFindAndBulk: filters, paging, status changes and
// sharing.
func TestAttackDiscoveryFindAndBulk(t *testing.T) {
	k, _ := newADSandbox(t)
	_, all := do(t, k, "GET", "/api/attack_discovery/_find?include_unique_alert_ids=true&per_page=100", "", nil)
	data := adList(t, all, "data")
	total := len(data)
	if all["unique_alert_ids_count"] != float64(len(all["unique_alert_ids"].([]any))) || all["connector_names"].([]any)[0] != "OpenAI GPT-4o" {
		t.Errorf("find: %v", all)
	}
	_, page := do(t, k, "GET", "/api/attack_discovery/_find?per_page=2&page=2&sort_order=asc", "", nil)
	if p := adList(t, page, "data"); len(p) != min(2, total-2) || page["total"] != float64(total) {
		t.Errorf("page 2: %v", page)
	}
	alert := data[1]["alert_ids"].([]any)[0].(string)
	_, byAlert := do(t, k, "GET", "/api/attack_discovery/_find?alert_ids="+alert, "", nil)
	if d := adList(t, byAlert, "data"); len(d) != 1 || d[0]["id"] != data[1]["id"] {
		t.Errorf("by alert: %v", byAlert)
	}
	if status, got := do(t, k, "GET", "/api/attack_discovery/_find?page=0&status=done", "", nil); status != 400 ||
		got["message"] != "[request query]: page: Number must be greater than or equal to 1, status: Invalid enum value. Expected 'acknowledged' | 'closed' | 'open', received 'done'" {
		t.Errorf("bad query: %d %v", status, got)
	}
	// Close two, share one.
	ids := fmt.Sprintf(`["%s","%s"]`, data[0]["id"], data[1]["id"])
	status, got := do(t, k, "POST", "/api/attack_discovery/_bulk", `{"update":{"ids":`+ids+`,"kibana_alert_workflow_status":"closed","visibility":"not_shared"}}`, nil)
	if status != 200 || len(adList(t, got, "data")) != 2 {
		t.Fatalf("bulk: %d %v", status, got)
	}
	_, closed := do(t, k, "GET", "/api/attack_discovery/_find?status=closed", "", nil)
	if closed["total"] != float64(2) {
		t.Errorf("closed: %v", closed)
	}
	_, open := do(t, k, "GET", "/api/attack_discovery/_find?status=open&status=acknowledged", "", nil)
	if open["total"] != float64(total-2) {
		t.Errorf("open: %v", open)
	}
	_, shared := do(t, k, "GET", "/api/attack_discovery/_find?shared=true", "", nil)
	if shared["total"] != float64(0) {
		t.Errorf("nothing is shared any more: %v", shared)
	}
	// Another user sees only what is shared.
	do(t, k, "POST", "/api/attack_discovery/_bulk", `{"update":{"ids":["`+data[2]["id"].(string)+`"],"visibility":"shared"}}`, nil)
	basic := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("analyst:pw"))}
	_, theirs := do(t, k, "GET", "/api/attack_discovery/_find", "", basic)
	if d := adList(t, theirs, "data"); len(d) != 1 || d[0]["id"] != data[2]["id"] {
		t.Errorf("analyst sees %v", theirs)
	}
	if status, got := do(t, k, "POST", "/api/attack_discovery/_bulk", `{"ids":["x"]}`, nil); status != 400 || got["message"] != "[request body]: update: Required" {
		t.Errorf("bulk without update: %d %v", status, got)
	}
}

// TestAttackDiscoverySchedules: create, read, update, enable and disable,
// delete, and the errors of each.
func TestAttackDiscoverySchedules(t *testing.T) {
	k, _ := newADSandbox(t)
	ai := adSeedID("default", "connector", 1)
	params := `"params":{"alerts_index_pattern":".alerts-security.alerts-default","api_config":{"connectorId":"` + ai + `","actionTypeId":".gen-ai","name":"OpenAI GPT-4o"},"size":100}`
	status, got := do(t, k, "POST", "/api/attack_discovery/schedules", `{"name":"Hourly",`+params+`,"schedule":{"interval":"1h"}}`, nil)
	if status != 200 || got["enabled"] != false || got["created_by"] != "elastic" || len(got["actions"].([]any)) != 0 {
		t.Fatalf("create: %d %v", status, got)
	}
	id := got["id"].(string)
	if status, got = do(t, k, "GET", "/api/attack_discovery/schedules/"+id, "", nil); status != 200 || got["name"] != "Hourly" {
		t.Errorf("get: %d %v", status, got)
	}
	_, found := do(t, k, "GET", "/api/attack_discovery/schedules/_find?sort_field=name&sort_direction=asc", "", nil)
	if d := adList(t, found, "data"); len(d) != 2 || d[0]["name"] != "Daily attack discovery" || d[1]["name"] != "Hourly" {
		t.Errorf("find: %v", found)
	}
	status, got = do(t, k, "PUT", "/api/attack_discovery/schedules/"+id, `{"name":"Every 2h",`+params+`,"schedule":{"interval":"2h"},"actions":[{"action_type_id":".slack","id":"s","group":"default","params":{"message":"m"}}]}`, nil)
	if status != 200 || got["name"] != "Every 2h" || got["schedule"].(map[string]any)["interval"] != "2h" || got["actions"].([]any)[0].(map[string]any)["uuid"] == nil {
		t.Errorf("update: %d %v", status, got)
	}
	if status, got = do(t, k, "PUT", "/api/attack_discovery/schedules/"+id, `{"name":"x",`+params+`,"schedule":{"interval":"2h"}}`, nil); status != 400 || got["message"] != "[request body]: actions: Required" {
		t.Errorf("update without actions: %d %v", status, got)
	}
	for _, step := range []struct {
		action string
		want   bool
	}{{"_enable", true}, {"_enable", true}, {"_disable", false}} {
		if status, got = do(t, k, "POST", "/api/attack_discovery/schedules/"+id+"/"+step.action, "", nil); status != 200 || got["id"] != id {
			t.Errorf("%s: %d %v", step.action, status, got)
		}
		if _, got = do(t, k, "GET", "/api/attack_discovery/schedules/"+id, "", nil); got["enabled"] != step.want {
			t.Errorf("after %s: enabled %v", step.action, got["enabled"])
		}
	}
	if status, got = do(t, k, "POST", "/api/attack_discovery/schedules", `{"name":"Bad",`+params+`,"schedule":{"interval":"daily"}}`, nil); status != 400 ||
		got["message"] != "Error validating create data - [schedule.interval]: string is not a valid duration: daily" {
		t.Errorf("bad interval: %d %v", status, got)
	}
	if status, got = do(t, k, "POST", "/api/attack_discovery/schedules", `{`+params+`,"schedule":{}}`, nil); status != 400 ||
		got["message"] != "[request body]: name: Required, schedule.interval: Required" {
		t.Errorf("missing members: %d %v", status, got)
	}
	if status, got = do(t, k, "DELETE", "/api/attack_discovery/schedules/"+id, "", nil); status != 200 || got["id"] != id {
		t.Errorf("delete: %d %v", status, got)
	}
	for _, req := range [][2]string{{"GET", ""}, {"DELETE", ""}, {"POST", "/_enable"}} {
		if status, got = do(t, k, req[0], "/api/attack_discovery/schedules/"+id+req[1], "", nil); status != 404 || got["message"] != "Saved object [alert/"+id+"] not found" {
			t.Errorf("%s after delete: %d %v", req, status, got)
		}
	}
	// Spaces keep their own schedules.
	if status, _ = do(t, k, "GET", "/s/soc/api/attack_discovery/schedules/"+adSeedID("default", "schedule", 1), "", nil); status != 404 {
		t.Errorf("the default space's schedule is visible in soc: %d", status)
	}
}
