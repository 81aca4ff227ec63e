package sandbox

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sameRule fails unless a rule reads the same through the alerting API
// (ar) and the detection engine API (dr), each in its own shape.
func sameRule(t *testing.T, where string, ar, dr map[string]any) {
	t.Helper()
	params, _ := ar["params"].(map[string]any)
	for _, f := range []struct {
		name          string
		alerting, det any
	}{
		{"id", ar["id"], dr["id"]},
		{"name", ar["name"], dr["name"]},
		{"enabled", ar["enabled"], dr["enabled"]},
		{"tags", ar["tags"], dr["tags"]},
		{"interval", ar["schedule"].(map[string]any)["interval"], dr["interval"]},
		{"created_at", ar["created_at"], dr["created_at"]},
		{"updated_at", ar["updated_at"], dr["updated_at"]},
		{"created_by", ar["created_by"], dr["created_by"]},
		{"updated_by", ar["updated_by"], dr["updated_by"]},
		{"revision", ar["revision"], dr["revision"]},
		{"rule_id", params["ruleId"], dr["rule_id"]},
		{"risk_score", params["riskScore"], dr["risk_score"]},
		{"severity", params["severity"], dr["severity"]},
		{"description", params["description"], dr["description"]},
		{"index", params["index"], dr["index"]},
		{"max_signals", params["maxSignals"], dr["max_signals"]},
		{"rule type", ar["rule_type_id"], "siem." + map[any]string{"query": "queryRule"}[dr["type"]]},
	} {
		if !reflect.DeepEqual(f.alerting, f.det) {
			t.Errorf("%s: %s is %v through alerting, %v through the detection engine", where, f.name, f.alerting, f.det)
		}
	}
	if summary, ok := dr["execution_summary"].(map[string]any); ok {
		if date := summary["last_execution"].(map[string]any)["date"]; date != ar["execution_status"].(map[string]any)["last_execution_date"] {
			t.Errorf("%s: last run %v through the detection engine, %v through alerting", where, date, ar["execution_status"])
		}
	}
	aa, da := ar["actions"].([]any), dr["actions"].([]any)
	if len(aa) != len(da) {
		t.Fatalf("%s: %d actions through alerting, %d through the detection engine", where, len(aa), len(da))
	}
	for i := range aa {
		a, d := aa[i].(map[string]any), da[i].(map[string]any)
		af, df := a["frequency"].(map[string]any), d["frequency"].(map[string]any)
		if a["id"] != d["id"] || a["group"] != d["group"] || a["uuid"] != d["uuid"] || a["connector_type_id"] != d["action_type_id"] ||
			!reflect.DeepEqual(a["params"], d["params"]) || af["notify_when"] != df["notifyWhen"] || af["throttle"] != df["throttle"] || af["summary"] != df["summary"] {
			t.Errorf("%s: action %d is %v through alerting, %v through the detection engine", where, i, a, d)
		}
	}
}

// readBoth reads a rule through both APIs.
func readBoth(t *testing.T, k *Kibana, id string) (ar, dr map[string]any) {
	t.Helper()
	status, ar := do(t, k, "GET", "/api/alerting/rule/"+id, "", nil)
	if status != 200 {
		t.Fatalf("alerting GET %s: %d %v", id, status, ar)
	}
	status, dr = do(t, k, "GET", "/api/detection_engine/rules?id="+id, "", nil)
	if status != 200 {
		t.Fatalf("detection GET %s: %d %v", id, status, dr)
	}
	return ar, dr
}

// TestOneRuleTwoAPIs: a security rule is one alerting rule seen through two
// APIs, as in Kibana. The seeded rules read the same through both, finds
// included, and a change through either shows through the other.
func TestOneRuleTwoAPIs(t *testing.T) {
	k, now := detSandbox(t)

	// Seeded: every story rule, read and found, the same through both.
	_, af := do(t, k, "GET", findRulesPath("per_page", "100", "filter", "alert.attributes.consumer:siem"), "", nil)
	_, df := do(t, k, "GET", "/api/detection_engine/rules/_find?per_page=100", "", nil)
	found := map[string]map[string]any{}
	for _, d := range df["data"].([]any) {
		found[d.(map[string]any)["id"].(string)] = d.(map[string]any)
	}
	if af["total"] != float64(len(storyRules)) || len(found) != len(storyRules) {
		t.Fatalf("%v siem rules through alerting, %d through the detection engine", af["total"], len(found))
	}
	withActions := 0
	for _, a := range af["data"].([]any) {
		a := a.(map[string]any)
		sameRule(t, "find "+a["name"].(string), a, found[a["id"].(string)])
		ar, dr := readBoth(t, k, a["id"].(string))
		sameRule(t, "read "+a["name"].(string), ar, dr)
		if len(dr["actions"].([]any)) > 0 {
			withActions++
		}
	}
	if withActions != len(storyRules) {
		t.Errorf("%d of the story's rules show actions", withActions)
	}
	if _, dns := readBoth(t, k, ruleIDIn("default", 4)); dns["enabled"] != false {
		t.Errorf("the story's disabled rule is enabled through the detection engine")
	}

	var slack string
	_, conns := do(t, k, "GET", "/api/actions/connectors", "", nil)
	for _, c := range conns["list"].([]any) {
		if c := c.(map[string]any); c["connector_type_id"] == ".slack" {
			slack = c["id"].(string)
		}
	}

	// Through alerting, seen by the detection engine.
	id := ruleIDIn("default", 3)
	ar, _ := readBoth(t, k, id)
	*now = now.Add(time.Hour)
	update, _ := json.Marshal(map[string]any{
		"name": "Encoded PowerShell command (tuned)", "tags": []any{"execution", "tuned"}, "schedule": map[string]any{"interval": "10m"},
		"params":  ar["params"],
		"actions": []any{map[string]any{"id": slack, "group": "default", "params": map[string]any{"message": "{{context.rule.name}}"}, "frequency": map[string]any{"summary": true, "notify_when": "onThrottleInterval", "throttle": "1h"}}},
	})
	if status, body := do(t, k, "PUT", "/api/alerting/rule/"+id, string(update), nil); status != 200 {
		t.Fatalf("alerting update: %d %v", status, body)
	}
	ar, dr := readBoth(t, k, id)
	sameRule(t, "after an alerting update", ar, dr)
	if dr["name"] != "Encoded PowerShell command (tuned)" || dr["interval"] != "10m" || dr["updated_at"] != now.Format(esDateFormat) ||
		dr["query"] != storyRules[3].Query || dr["actions"].([]any)[0].(map[string]any)["action_type_id"] != ".slack" {
		t.Errorf("the detection engine after an alerting update: %v %v %v %v %v", dr["name"], dr["interval"], dr["updated_at"], dr["query"], dr["actions"])
	}
	*now = now.Add(time.Minute)
	if status, _ := do(t, k, "POST", "/api/alerting/rule/"+id+"/_disable", "", nil); status != 204 {
		t.Fatalf("disable: %d", status)
	}
	ar, dr = readBoth(t, k, id)
	sameRule(t, "after an alerting disable", ar, dr)
	if dr["enabled"] != false || dr["updated_at"] != now.Format(esDateFormat) {
		t.Errorf("disabled through alerting: %v %v", dr["enabled"], dr["updated_at"])
	}

	// Through the detection engine, seen by alerting: a throttle becomes
	// the actions' frequency, which alerting shows in its shape.
	*now = now.Add(time.Minute)
	patch := fmt.Sprintf(`{"id":%q,"name":"Encoded PowerShell","tags":["execution"],"interval":"15m","enabled":true,"throttle":"2h",`+
		`"actions":[{"id":%q,"group":"default","action_type_id":".slack","params":{"message":"again"}}]}`, id, slack)
	status, patched := do(t, k, "PATCH", "/api/detection_engine/rules", patch, nil)
	if status != 200 {
		t.Fatalf("detection patch: %d %v", status, patched)
	}
	if _, has := patched["throttle"]; has {
		t.Errorf("the detection engine answers a throttle: %v", patched["throttle"])
	}
	ar, dr = readBoth(t, k, id)
	sameRule(t, "after a detection engine patch", ar, dr)
	if !reflect.DeepEqual(patched, dr) {
		t.Errorf("the patch answered %v, a read %v", patched, dr)
	}
	freq := ar["actions"].([]any)[0].(map[string]any)["frequency"].(map[string]any)
	if ar["name"] != "Encoded PowerShell" || ar["schedule"].(map[string]any)["interval"] != "15m" || ar["enabled"] != true ||
		ar["updated_at"] != now.Format(esDateFormat) || freq["notify_when"] != "onThrottleInterval" || freq["throttle"] != "2h" {
		t.Errorf("alerting after a detection engine patch: %v %v %v %v %v", ar["name"], ar["schedule"], ar["enabled"], ar["updated_at"], freq)
	}
	if ar["revision"] != dr["revision"] || dr["revision"].(float64) < 2 {
		t.Errorf("revision %v through alerting, %v through the detection engine", ar["revision"], dr["revision"])
	}

	// Bulk actions and deletes through one API show through the other.
	if status, body := do(t, k, "POST", "/api/detection_engine/rules/_bulk_action", `{"action":"disable","ids":["`+id+`"]}`, nil); status != 200 {
		t.Fatalf("bulk disable: %d %v", status, body)
	}
	if ar, _ := readBoth(t, k, id); ar["enabled"] != false {
		t.Errorf("bulk-disabled, alerting says enabled")
	}
	if status, _ := do(t, k, "DELETE", "/api/alerting/rule/"+id, "", nil); status != 204 {
		t.Fatalf("alerting delete: %d", status)
	}
	if status, _ := do(t, k, "GET", "/api/detection_engine/rules?id="+id, "", nil); status != 404 {
		t.Errorf("deleted through alerting, the detection engine answers %d", status)
	}
	gone := ruleIDIn("default", 1)
	if status, _ := do(t, k, "DELETE", "/api/detection_engine/rules?id="+gone, "", nil); status != 200 {
		t.Fatalf("detection delete: %d", status)
	}
	if status, _ := do(t, k, "GET", "/api/alerting/rule/"+gone, "", nil); status != 404 {
		t.Errorf("deleted through the detection engine, alerting answers %d", status)
	}

	// Created through either, found through the other.
	status, created := do(t, k, "POST", "/api/detection_engine/rules", `{"rule_id":"new-one","name":"New one","description":"d","risk_score":50,"severity":"medium","type":"query","query":"host.name:x"}`, nil)
	if status != 200 {
		t.Fatalf("detection create: %d %v", status, created)
	}
	ar, dr = readBoth(t, k, created["id"].(string))
	sameRule(t, "created through the detection engine", ar, dr)
	body := `{"name":"Made in alerting","rule_type_id":"siem.queryRule","consumer":"siem","schedule":{"interval":"5m"},` +
		`"params":{"ruleId":"made-in-alerting","description":"d","riskScore":10,"severity":"low","type":"query","query":"*","language":"kuery","maxSignals":100,"ruleSource":{"type":"internal"}}}`
	if status, body := do(t, k, "POST", "/api/alerting/rule/made-in-alerting-id", body, nil); status != 200 {
		t.Fatalf("alerting create: %d %v", status, body)
	}
	status, dr = do(t, k, "GET", "/api/detection_engine/rules?rule_id=made-in-alerting", "", nil)
	if status != 200 || dr["id"] != "made-in-alerting-id" || dr["risk_score"] != 10.0 || dr["max_signals"] != 100.0 || !reflect.DeepEqual(dr["rule_source"], map[string]any{"type": "internal"}) {
		t.Errorf("created through alerting, the detection engine reads %d %v", status, dr)
	}
	_, inAlerting := do(t, k, "GET", "/api/detection_engine/rules/_find?filter="+strings.ReplaceAll("alert.attributes.name:alerting", " ", "%20"), "", nil)
	if inAlerting["total"] != 1.0 {
		t.Errorf("the detection engine finds %v rules made in alerting", inAlerting["total"])
	}
}
