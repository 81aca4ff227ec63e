package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// sloKibana is a seeded sandbox on a pinned clock (12 March: eleven days
// into the month) and the clock's handle.
func sloKibana(t *testing.T) (*Kibana, *time.Time) {
	t.Helper()
	now := time.Date(2025, 3, 12, 9, 30, 0, 0, time.UTC)
	return New(Config{APIKey: testKey, Seed: 3, Now: func() time.Time { return now }}), &now
}

func sloGet(t *testing.T, k *Kibana, path string) map[string]any {
	t.Helper()
	status, body := do(t, k, http.MethodGet, path, "", nil)
	if status != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, status, body)
	}
	return body
}

func summaryOf(doc map[string]any) (status string, sli, consumed float64) {
	s := doc["summary"].(map[string]any)
	eb := s["errorBudget"].(map[string]any)
	return s["status"].(string), s["sliValue"].(float64), eb["consumed"].(float64)
}

// TestSLOSeededStory: the story's incidents show in the summaries. The
// brute force against vpn-gw-01 spent more than the 7-day budget of the
// VPN gateway's 99.9%; web-02's slow week has its calendar month
// DEGRADING (below target, budget left); checkout has only its steady
// noise; the mail relay SLO is disabled; web-03's outage took most of the
// site's budget. The soc space has its own story (portal-api-02 offline).
func TestSLOSeededStory(t *testing.T) {
	k, _ := sloKibana(t)
	status, sli, consumed := summaryOf(sloGet(t, k, "/api/observability/slos/vpn-gw-availability"))
	if status != "VIOLATED" || sli >= 0.999 || consumed <= 1 {
		t.Errorf("VPN gateway: %s sli %v consumed %v; want VIOLATED", status, sli, consumed)
	}
	status, sli, consumed = summaryOf(sloGet(t, k, "/api/observability/slos/web-latency-by-host?instanceId=web-02"))
	if status != "DEGRADING" || sli >= 0.99 || consumed >= 1 {
		t.Errorf("web-02 latency: %s sli %v consumed %v; want DEGRADING", status, sli, consumed)
	}
	status, _, consumed = summaryOf(sloGet(t, k, "/api/observability/slos/checkout-api-availability"))
	if status != "HEALTHY" || consumed >= 0.5 {
		t.Errorf("checkout: %s consumed %v; want HEALTHY under half the budget", status, consumed)
	}
	if _, _, consumed = summaryOf(sloGet(t, k, "/api/observability/slos/web-03-site-availability")); consumed < 40/50.4 {
		t.Errorf("web-03 site: consumed %v; the 40-minute outage alone is 0.79 of the budget", consumed)
	}
	if mail := sloGet(t, k, "/api/observability/slos/mail-relay-latency"); mail["enabled"] != false {
		t.Errorf("mail relay: enabled %v", mail["enabled"])
	}
	status, _, _ = summaryOf(sloGet(t, k, "/s/soc/api/observability/slos/web-latency-by-host?instanceId=portal-api-02"))
	if status == "HEALTHY" {
		t.Errorf("soc portal-api-02, offline for seven hours: %s", status)
	}
	// Unknown instance: no data.
	if status, _, _ = summaryOf(sloGet(t, k, "/api/observability/slos/web-latency-by-host?instanceId=web-09")); status != "NO_DATA" {
		t.Errorf("unknown instance: %s", status)
	}
}

// TestSLOFindPagesSortsAndFilters: one row per instance, most urgent first
// by default, pages that add up, KQL over the summary fields.
func TestSLOFindPagesSortsAndFilters(t *testing.T) {
	k, _ := sloKibana(t)
	all := sloGet(t, k, "/api/observability/slos?perPage=100")
	results := all["results"].([]any)
	if all["total"] != float64(7) || len(results) != 7 { // 4 SLOs + 3 instances of the grouped one
		t.Fatalf("total %v, %d results", all["total"], len(results))
	}
	if first := results[0].(map[string]any); first["summary"].(map[string]any)["status"] != "VIOLATED" {
		t.Errorf("default sort: first is %v %v", first["name"], first["summary"])
	}
	var seen []string
	for page := 1; page <= 4; page++ {
		body := sloGet(t, k, fmt.Sprintf("/api/observability/slos?perPage=2&page=%d&sortBy=sli_value&sortDirection=desc", page))
		for _, r := range body["results"].([]any) {
			m := r.(map[string]any)
			seen = append(seen, m["id"].(string)+"/"+m["instanceId"].(string))
		}
	}
	if len(seen) != 7 {
		t.Errorf("paging saw %d rows: %v", len(seen), seen)
	}
	body := sloGet(t, k, "/api/observability/slos?kqlQuery=slo.tags:vpn")
	if body["total"] != float64(1) {
		t.Errorf("kqlQuery slo.tags:vpn: %v", body["total"])
	}
	if status, body := do(t, k, http.MethodGet, "/api/observability/slos?kqlQuery=status:(", "", nil); status != http.StatusBadRequest {
		t.Errorf("bad KQL: %d %v", status, body)
	}
	defs := sloGet(t, k, "/internal/observability/slos/_definitions?search=latency")
	if rs := defs["results"].([]any); defs["total"] != float64(1) || rs[0].(map[string]any)["name"] != "Web front-end latency" || rs[0].(map[string]any)["instanceId"] != "*" {
		t.Errorf("definitions search latency: %v", defs)
	}
	if defs := sloGet(t, k, "/internal/observability/slos/_definitions?perPage=2&page=3"); defs["total"] != float64(5) || len(defs["results"].([]any)) != 1 {
		t.Errorf("definitions page 3 of 2: total %v, %d results", defs["total"], len(defs["results"].([]any)))
	}
}

// TestSLOLifecycle: create (backfilled), reset (no data, then data as the
// clock moves), disable (frozen), enable, delete instances, bulk delete
// and its status, and the refusals Kibana makes.
func TestSLOLifecycle(t *testing.T) {
	k, now := sloKibana(t)
	const body = `{"id":"intranet-login","name":"Intranet login","description":"","indicator":{"type":"sli.kql.custom","params":{"index":"logs-*","timestampField":"@timestamp","good":"event.outcome: success","total":"event.category: authentication"}},"timeWindow":{"duration":"30d","type":"rolling"},"budgetingMethod":"occurrences","objective":{"target":0.99}}`
	if status, out := do(t, k, http.MethodPost, "/api/observability/slos", body, nil); status != http.StatusOK || out["id"] != "intranet-login" {
		t.Fatalf("create: %d %v", status, out)
	}
	if status, out := do(t, k, http.MethodPost, "/api/observability/slos", body, nil); status != http.StatusConflict {
		t.Errorf("create again: %d %v", status, out)
	}
	if status, _, _ := summaryOf(sloGet(t, k, "/api/observability/slos/intranet-login")); status != "HEALTHY" {
		t.Errorf("new SLO, backfilled: %s", status)
	}
	bad := strings.Replace(body, `"target":0.99`, `"target":1.5`, 1)
	bad = strings.Replace(bad, `intranet-login`, `intranet-login-2`, 1)
	if status, out := do(t, k, http.MethodPost, "/api/observability/slos", bad, nil); status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["message"]), "objective.target") {
		t.Errorf("target 1.5: %d %v", status, out)
	}

	// Reset: no data until a minute of history exists again.
	if status, out := do(t, k, http.MethodPost, "/api/observability/slos/checkout-api-availability/_reset", "", nil); status != http.StatusOK || out["id"] != "checkout-api-availability" {
		t.Fatalf("reset: %d %v", status, out)
	}
	if status, _, _ := summaryOf(sloGet(t, k, "/api/observability/slos/checkout-api-availability")); status != "NO_DATA" {
		t.Errorf("just reset: %s", status)
	}
	*now = now.Add(2 * time.Hour)
	if status, sli, _ := summaryOf(sloGet(t, k, "/api/observability/slos/checkout-api-availability")); status != "HEALTHY" || sli <= 0.995 {
		t.Errorf("two hours after reset: %s %v", status, sli)
	}

	// Disable freezes the summary; enable resumes it.
	if status, _ := do(t, k, http.MethodPost, "/api/observability/slos/vpn-gw-availability/disable", "", nil); status != http.StatusNoContent {
		t.Fatalf("disable: %d", status)
	}
	before := sloGet(t, k, "/api/observability/slos/vpn-gw-availability")["summary"]
	*now = now.Add(8 * 24 * time.Hour) // the brute force leaves the 7-day window
	if after := sloGet(t, k, "/api/observability/slos/vpn-gw-availability")["summary"]; fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("disabled summary moved: %v → %v", before, after)
	}
	do(t, k, http.MethodPost, "/api/observability/slos/vpn-gw-availability/enable", "", nil)
	if after := sloGet(t, k, "/api/observability/slos/vpn-gw-availability")["summary"]; fmt.Sprint(after) == fmt.Sprint(before) {
		t.Errorf("enabled summary did not move: %v", after)
	}
	if hidden := sloGet(t, k, "/api/observability/slos?hideStale=true&perPage=100")["total"]; hidden != float64(7) {
		t.Errorf("hideStale: %v rows; the mail relay SLO, disabled for 18 days, is stale", hidden)
	}

	// Instances: gone from find, no data on get.
	if status, _ := do(t, k, http.MethodPost, "/api/observability/slos/_delete_instances", `{"list":[{"sloId":"web-latency-by-host","instanceId":"web-02"}]}`, nil); status != http.StatusNoContent {
		t.Fatalf("delete instances: %d", status)
	}
	if status, _, _ := summaryOf(sloGet(t, k, "/api/observability/slos/web-latency-by-host?instanceId=web-02")); status != "NO_DATA" {
		t.Errorf("deleted instance: %s", status)
	}
	if status, out := do(t, k, http.MethodPost, "/api/observability/slos/_delete_instances", `{"list":[{"sloId":"web-latency-by-host","instanceId":"*"}]}`, nil); status != http.StatusBadRequest {
		t.Errorf("delete instance *: %d %v", status, out)
	}

	// Purge inside the current window is refused.
	if status, out := do(t, k, http.MethodPost, "/api/observability/slos/_bulk_purge_rollup", `{"list":["checkout-api-availability"],"purgePolicy":{"purgeType":"fixed-age","age":"7d"}}`, nil); status != http.StatusBadRequest {
		t.Errorf("purge 7d of a 30d SLO: %d %v", status, out)
	}

	// Bulk delete: a task whose status names each SLO.
	status, out := do(t, k, http.MethodPost, "/api/observability/slos/_bulk_delete", `{"list":["intranet-login","nope-nope-nope"]}`, nil)
	if status != http.StatusOK {
		t.Fatalf("bulk delete: %d %v", status, out)
	}
	task := sloGet(t, k, "/api/observability/slos/_bulk_delete/"+out["taskId"].(string))
	if task["isDone"] != true || fmt.Sprint(task["results"]) != "[map[id:intranet-login success:true] map[error:SLO [nope-nope-nope] not found id:nope-nope-nope success:false]]" {
		t.Errorf("bulk delete status: %v", task)
	}
	if status, _ := do(t, k, http.MethodGet, "/api/observability/slos/intranet-login", "", nil); status != http.StatusNotFound {
		t.Errorf("deleted SLO: %d", status)
	}
}

// TestSLOUpdate: a partial update keeps what it does not name; changing
// the objective is a new revision.
func TestSLOUpdate(t *testing.T) {
	k, _ := sloKibana(t)
	status, out := do(t, k, http.MethodPut, "/api/observability/slos/checkout-api-availability", `{"objective":{"target":0.95}}`, nil)
	if status != http.StatusOK || out["revision"] != float64(2) || out["name"] != "Checkout API availability" || out["objective"].(map[string]any)["target"] != 0.95 {
		t.Errorf("update: %d %v", status, out)
	}
	if status, out = do(t, k, http.MethodPut, "/api/observability/slos/checkout-api-availability", `{"timeWindow":{"duration":"14d","type":"rolling"}}`, nil); status != http.StatusBadRequest {
		t.Errorf("14d window: %d %v", status, out)
	}
	if status, out = do(t, k, http.MethodPut, "/api/observability/slos/checkout-api-availability", `{"id":"x"}`, nil); status != http.StatusBadRequest {
		t.Errorf("id in an update: %d %v", status, out)
	}
}
