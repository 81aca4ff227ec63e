package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// caseAlertIDs lists the alerts attached to a case, through the API.
func caseAlertIDs(t *testing.T, k *Kibana, prefix, caseID string) []string {
	t.Helper()
	req := httptestRequest(t, k, "GET", prefix+"/api/cases/"+caseID+"/alerts")
	var list []map[string]any
	if err := json.Unmarshal(req, &list); err != nil {
		t.Fatalf("case alerts: %v %s", err, req)
	}
	var ids []string
	for _, a := range list {
		ids = append(ids, a["id"].(string))
	}
	return ids
}

// httptestRequest answers a request whose answer is not an object.
func httptestRequest(t *testing.T, k *Kibana, method, path string) []byte {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("Authorization", "ApiKey "+testKey)
	w := httptest.NewRecorder()
	k.ServeHTTP(w, req)
	if w.Code != 200 {
		t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body.String())
	}
	return w.Body.Bytes()
}

// workflowOf reads the workflow status (and reason, and when it changed)
// of alerts by id, through the detection alerts search.
func workflowOf(t *testing.T, k *Kibana, prefix string, ids []string) map[string][3]any {
	t.Helper()
	q, _ := json.Marshal(map[string]any{"query": map[string]any{"ids": map[string]any{"values": ids}}, "size": len(ids)})
	res := alertSearch(t, k, prefix, string(q))
	out := map[string][3]any{}
	for _, h := range res["hits"].(map[string]any)["hits"].([]any) {
		src := h.(map[string]any)["_source"].(map[string]any)
		out[h.(map[string]any)["_id"].(string)] = [3]any{src["kibana.alert.workflow_status"], src["kibana.alert.workflow_reason"], src["kibana.alert.workflow_status_updated_at"]}
	}
	if len(out) != len(ids) {
		t.Fatalf("%d of %d alerts found", len(out), len(ids))
	}
	return out
}

// patchCase changes one case from its current version.
func patchCase(t *testing.T, k *Kibana, prefix, id, members string) map[string]any {
	t.Helper()
	_, cs := do(t, k, "GET", prefix+"/api/cases/"+id, "", nil)
	status, body := do(t, k, "PATCH", prefix+"/api/cases", fmt.Sprintf(`{"cases":[{"id":%q,"version":%q,%s}]}`, id, cs["version"], members), nil)
	if status != 200 {
		t.Fatalf("PATCH %s: %d %v", members, status, body)
	}
	return body
}

// TestSeededOpenCriticalCase: the README's first query finds an open
// critical case in the default space, its alerts are in the detection
// alerts index, raised by a rule both rule APIs know.
func TestSeededOpenCriticalCase(t *testing.T) {
	k, _ := newCaseSandbox(t)
	_, found := do(t, k, "GET", "/api/cases/_find?status=open&severity=critical", "", nil)
	cases := caseItems(found, "cases")
	if len(cases) == 0 {
		t.Fatalf("no open critical case: %v", found)
	}
	cs := cases[0].(map[string]any)
	if cs["totalAlerts"].(float64) == 0 || cs["owner"] != "securitySolution" || cs["settings"].(map[string]any)["syncAlerts"] != true {
		t.Fatalf("open critical case %v: %v alerts, owner %v, settings %v", cs["title"], cs["totalAlerts"], cs["owner"], cs["settings"])
	}
	ids := caseAlertIDs(t, k, "", cs["id"].(string))
	q, _ := json.Marshal(map[string]any{"query": map[string]any{"ids": map[string]any{"values": ids}}, "size": len(ids)})
	hits := alertSearch(t, k, "", string(q))["hits"].(map[string]any)["hits"].([]any)
	if len(hits) != len(ids) || len(ids) != int(cs["totalAlerts"].(float64)) {
		t.Fatalf("%d attached alerts, %d in the index, case says %v", len(ids), len(hits), cs["totalAlerts"])
	}
	created := cs["created_at"].(string)
	for _, h := range hits {
		src := h.(map[string]any)["_source"].(map[string]any)
		if src["@timestamp"].(string) > created {
			t.Errorf("alert %v at %v is newer than the case opened at %v", h.(map[string]any)["_id"], src["@timestamp"], created)
		}
		ruleID := src["kibana.alert.rule.uuid"].(string)
		if status, r := do(t, k, "GET", "/api/detection_engine/rules?id="+ruleID, "", nil); status != 200 || r["name"] != src["kibana.alert.rule.name"] {
			t.Errorf("detection rule %s: %d %v", ruleID, status, r["name"])
		}
		if status, r := do(t, k, "GET", "/api/alerting/rule/"+ruleID, "", nil); status != 200 || r["name"] != src["kibana.alert.rule.name"] {
			t.Errorf("alerting rule %s: %d %v", ruleID, status, r["name"])
		}
	}
	// The brute force case the tools' examples name keeps its title.
	if _, vpn := do(t, k, "GET", "/api/cases/_find?search="+url.QueryEscape(`"vpn-gw-01"`)+"&searchFields=title", "", nil); vpn["total"] != 1.0 ||
		caseItems(vpn, "cases")[0].(map[string]any)["title"] != "Brute force against VPN gateway vpn-gw-01" {
		t.Errorf("brute force case: %v", vpn)
	}
}

// TestCaseStatusSyncsAlerts: a case that syncs its alerts moves their
// workflow status with its own, as Kibana's cases do; one that does not
// leaves them alone until syncing is turned on.
func TestCaseStatusSyncsAlerts(t *testing.T) {
	k, clock := newCaseSandbox(t)
	_, found := do(t, k, "GET", "/api/cases/_find?status=open&severity=critical", "", nil)
	synced := caseItems(found, "cases")[0].(map[string]any)["id"].(string)
	ids := caseAlertIDs(t, k, "", synced)

	want := func(step string, ids []string, status string, at time.Time) {
		t.Helper()
		for id, got := range workflowOf(t, k, "", ids) {
			if got[0] != status || (status != "closed" && got[1] != nil) || (!at.IsZero() && got[2] != at.Format(esDateFormat)) {
				t.Errorf("%s: alert %s is %v (reason %v, changed %v), want %s at %v", step, id, got[0], got[1], got[2], status, at)
			}
		}
	}
	want("seeded", ids, "open", time.Time{})

	for _, step := range []struct{ caseStatus, alertStatus string }{
		{"in-progress", "acknowledged"}, {"closed", "closed"}, {"open", "open"},
	} {
		clock.t = clock.t.Add(time.Minute)
		patchCase(t, k, "", synced, `"status":"`+step.caseStatus+`"`)
		want("case "+step.caseStatus, ids, step.alertStatus, clock.t)
	}
	// Other case changes leave the alerts be.
	before := workflowOf(t, k, "", ids)
	clock.t = clock.t.Add(time.Minute)
	patchCase(t, k, "", synced, `"severity":"high"`)
	if after := workflowOf(t, k, "", ids); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("a severity change moved the alerts: %v, was %v", after, before)
	}

	// A case that does not sync: its status changes nothing.
	var acked []string
	q := `{"query":{"term":{"kibana.alert.workflow_status":"acknowledged"}},"size":2}`
	for _, h := range alertSearch(t, k, "", q)["hits"].(map[string]any)["hits"].([]any) {
		acked = append(acked, h.(map[string]any)["_id"].(string))
	}
	if len(acked) != 2 {
		t.Fatalf("acknowledged alerts: %v", acked)
	}
	unsynced := testCreateCase(t, k, "", newCaseBody(t, func(m map[string]any) { m["settings"] = map[string]any{"syncAlerts": false} }))["id"].(string)
	attach := func(caseID string, alerts []string) {
		t.Helper()
		indices := slices.Repeat([]string{alertsIndexName("default")}, len(alerts))
		b, _ := json.Marshal(map[string]any{"type": "alert", "owner": "securitySolution", "alertId": alerts, "index": indices,
			"rule": map[string]any{"id": ruleIDIn("default", 0), "name": storyRules[0].Name}})
		if status, body := do(t, k, "POST", "/api/cases/"+caseID+"/comments", string(b), nil); status != 200 {
			t.Fatalf("attach: %d %v", status, body)
		}
	}
	attach(unsynced, acked)
	want("attached to a case that does not sync", acked, "acknowledged", time.Time{})
	patchCase(t, k, "", unsynced, `"status":"closed"`)
	want("its case closed without sync", acked, "acknowledged", time.Time{})

	// Turning sync on carries the case's status to its alerts.
	clock.t = clock.t.Add(time.Minute)
	patchCase(t, k, "", unsynced, `"settings":{"syncAlerts":true}`)
	want("sync turned on for a closed case", acked, "closed", clock.t)

	// Alerts attached to a case that syncs take its status.
	clock.t = clock.t.Add(time.Minute)
	attach(synced, acked)
	want("attached to an open case that syncs", acked, "open", clock.t)
}

// TestPushClosingSyncsAlerts: in soc, whose cases close by pushing, pushing
// a case that syncs its alerts closes them.
func TestPushClosingSyncsAlerts(t *testing.T) {
	k, clock := newCaseSandbox(t)
	_, found := do(t, k, "GET", "/s/soc/api/cases/_find?status=open&severity=critical&perPage=100", "", nil)
	var caseID string
	for _, c := range caseItems(found, "cases") {
		if c := c.(map[string]any); c["totalAlerts"].(float64) > 0 && strings.HasPrefix(c["title"].(string), "Spear-phishing") {
			caseID = c["id"].(string)
		}
	}
	if caseID == "" {
		t.Fatalf("no open spear-phishing case in soc: %v", found)
	}
	ids := caseAlertIDs(t, k, "/s/soc", caseID)
	conn := k.spaces["soc"].seededConnectors
	i := slices.IndexFunc(conn, func(c connectorRef) bool { return slices.Contains(caseConnectorTypes[1:], c.Type) })
	clock.t = clock.t.Add(time.Minute)
	if status, body := do(t, k, "POST", "/s/soc/api/cases/"+caseID+"/connector/"+conn[i].ID+"/_push", `{}`, nil); status != 200 || body["status"] != "closed" {
		t.Fatalf("push: %d %v", status, body["status"])
	}
	for id, got := range workflowOf(t, k, "/s/soc", ids) {
		if got[0] != "closed" || got[2] != clock.t.Format(esDateFormat) {
			t.Errorf("alert %s after the push closed its case: %v", id, got)
		}
	}
}
