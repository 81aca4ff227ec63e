package sandbox

import (
	"strings"
	"testing"
	"time"
)

func acSandbox(t *testing.T) (*Kibana, *time.Time) {
	t.Helper()
	now := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	k := New(Config{APIKey: testKey, Seed: 1, Now: func() time.Time { return now }})
	return k, &now
}

// wantPlatform checks a platform-format error answer.
func wantPlatform(t *testing.T, status int, body map[string]any, wantStatus int, message string) {
	t.Helper()
	if status != wantStatus || body["statusCode"] != float64(wantStatus) || body["message"] != message {
		t.Errorf("got %d %v, want %d %q", status, body, wantStatus, message)
	}
}

func TestAssetCriticalitySeedAndRecords(t *testing.T) {
	k, _ := acSandbox(t)
	status, rec := do(t, k, "GET", "/api/asset_criticality?id_field=host.name&id_value=fs-02", "", nil)
	if status != 200 || rec["criticality_level"] != "high_impact" || rec["asset"].(map[string]any)["criticality"] != "high_impact" ||
		rec["host"].(map[string]any)["name"] != "fs-02" || rec["@timestamp"] == nil {
		t.Errorf("seeded record: %d %v", status, rec)
	}
	status, rec = do(t, k, "GET", "/s/soc/api/asset_criticality?id_field=host.name&id_value=dc-02", "", nil)
	if status != 200 || rec["criticality_level"] != "extreme_impact" {
		t.Errorf("soc's domain controller: %d %v", status, rec)
	}
	status, body := do(t, k, "GET", "/api/asset_criticality?id_field=host.name&id_value=nope", "", nil)
	wantPlatform(t, status, body, 404, "Not Found")
	status, body = do(t, k, "GET", "/api/asset_criticality?id_value=fs-02", "", nil)
	wantPlatform(t, status, body, 400, "[request query]: id_field: Required")
	status, body = do(t, k, "GET", "/api/asset_criticality?id_field=host.ip&id_value=x", "", nil)
	wantPlatform(t, status, body, 400, "[request query]: id_field: Invalid enum value. Expected 'host.name' | 'user.name' | 'service.name' | 'entity.id', received 'host.ip'")

	// Upsert, read back, replace, delete.
	status, rec = do(t, k, "POST", "/api/asset_criticality", `{"id_field":"entity.id","id_value":"arn:aws:iam::1:role/admin","criticality_level":"low_impact","refresh":"wait_for"}`, nil)
	if status != 200 || rec["entity"].(map[string]any)["id"] != "arn:aws:iam::1:role/admin" || rec["host"] != nil {
		t.Fatalf("upsert: %d %v", status, rec)
	}
	do(t, k, "POST", "/api/asset_criticality", `{"id_field":"entity.id","id_value":"arn:aws:iam::1:role/admin","criticality_level":"extreme_impact"}`, nil)
	if _, rec = do(t, k, "GET", "/api/asset_criticality?id_field=entity.id&id_value=arn:aws:iam::1:role/admin", "", nil); rec["criticality_level"] != "extreme_impact" {
		t.Errorf("after replacing: %v", rec)
	}
	status, body = do(t, k, "POST", "/api/asset_criticality", `{"id_field":"host.name","id_value":"x","criticality_level":"unassigned"}`, nil)
	wantPlatform(t, status, body, 400, "[request body]: criticality_level: Invalid enum value. Expected 'low_impact' | 'medium_impact' | 'high_impact' | 'extreme_impact', received 'unassigned'")
	status, body = do(t, k, "POST", "/api/asset_criticality", `{"id_field":"host.name","criticality_level":"low_impact"}`, nil)
	wantPlatform(t, status, body, 400, "[request body]: id_value: Required")

	status, del := do(t, k, "DELETE", "/api/asset_criticality?id_field=entity.id&id_value=arn:aws:iam::1:role/admin&refresh=wait_for", "", nil)
	if status != 200 || del["deleted"] != true || del["record"].(map[string]any)["criticality_level"] != "extreme_impact" {
		t.Errorf("delete: %d %v", status, del)
	}
	if status, del = do(t, k, "DELETE", "/api/asset_criticality?id_field=entity.id&id_value=arn:aws:iam::1:role/admin", "", nil); status != 200 || del["deleted"] != false || del["record"] != nil {
		t.Errorf("delete again: %d %v", status, del)
	}
	if status, _ = do(t, k, "GET", "/api/asset_criticality?id_field=entity.id&id_value=arn:aws:iam::1:role/admin", "", nil); status != 404 {
		t.Errorf("read after delete: %d", status)
	}
}

func TestAssetCriticalityBulkAndList(t *testing.T) {
	k, _ := acSandbox(t)
	status, res := do(t, k, "POST", "/api/asset_criticality/bulk", `{"records":[
		{"id_field":"host.name","id_value":"fin-ws-011","criticality_level":"medium_impact"},
		{"id_field":"host.name","id_value":"build-03","criticality_level":"unassigned"},
		{"id_field":"user.name","id_value":"  ","criticality_level":"low_impact"},
		{"id_field":"service.name","id_value":"payments-api","criticality_level":"high_impact"}]}`, nil)
	if status != 200 || res["stats"].(map[string]any)["successful"] != float64(3) || res["stats"].(map[string]any)["failed"] != float64(1) || res["stats"].(map[string]any)["total"] != float64(4) {
		t.Fatalf("bulk: %d %v", status, res)
	}
	if e := res["errors"].([]any)[0].(map[string]any); e["index"] != float64(2) || e["message"] != "Missing identifier" {
		t.Errorf("bulk error: %v", e)
	}
	if status, _ = do(t, k, "GET", "/api/asset_criticality?id_field=host.name&id_value=build-03", "", nil); status != 404 {
		t.Errorf("unassigned left the record: %d", status)
	}
	status, body := do(t, k, "POST", "/api/asset_criticality/bulk", `{"records":[{"id_field":"host.name","id_value":"a","criticality_level":"huge"}]}`, nil)
	wantPlatform(t, status, body, 400, "[request body]: records.0.criticality_level: Invalid enum value. Expected 'low_impact' | 'medium_impact' | 'high_impact' | 'extreme_impact' | 'unassigned', received 'huge'")
	status, body = do(t, k, "POST", "/api/asset_criticality/bulk", `{}`, nil)
	wantPlatform(t, status, body, 400, "[request body]: records: Required")
	status, body = do(t, k, "POST", "/api/asset_criticality/bulk", `{"records":[]}`, nil)
	wantPlatform(t, status, body, 400, "[request body]: records: Array must contain at least 1 element(s)")

	// Seeded: 8 records, minus build-03, plus fin-ws-011; payments-api replaced.
	status, list := do(t, k, "GET", "/api/asset_criticality/list", "", nil)
	if status != 200 || list["total"] != float64(8) || list["page"] != float64(1) || list["per_page"] != float64(10) || len(list["records"].([]any)) != 8 {
		t.Fatalf("list: %d %v", status, list)
	}
	status, list = do(t, k, "GET", "/api/asset_criticality/list?kuery="+strings.ReplaceAll("id_field:host.name and criticality_level:(high_impact or extreme_impact)", " ", "%20")+"&sort_field=id_value&sort_direction=asc", "", nil)
	if status != 200 || list["total"] != float64(2) {
		t.Fatalf("kuery: %d %v", status, list)
	}
	if first := list["records"].([]any)[0].(map[string]any); first["id_value"] != "fs-02" {
		t.Errorf("sorted by id_value: %v", list["records"])
	}
	status, list = do(t, k, "GET", "/api/asset_criticality/list?per_page=3&page=3&sort_field=criticality_level", "", nil)
	if status != 200 || len(list["records"].([]any)) != 2 || list["total"] != float64(8) {
		t.Errorf("last page: %d %v", status, list)
	}
	status, body = do(t, k, "GET", "/api/asset_criticality/list?per_page=1001", "", nil)
	if status != 400 || !strings.Contains(body["message"].(string), "per_page") {
		t.Errorf("per_page bound: %d %v", status, body)
	}
	status, body = do(t, k, "GET", "/api/asset_criticality/list?sort_field=name", "", nil)
	if status != 400 || !strings.Contains(body["message"].(string), "sort_field") {
		t.Errorf("sort_field enum: %d %v", status, body)
	}
}

func TestRiskEngine(t *testing.T) {
	k, now := acSandbox(t)
	sp := k.spaces["default"]
	// The file server's ransomware alerts make it and the account behind
	// them the riskiest; its criticality raises the score.
	fs := sp.riskScoreOf("host.name", "fs-02")
	if fs == nil || fs["calculated_level"] != "High" || fs["criticality_level"] != "high_impact" || fs["category_1_count"] != 6 {
		t.Fatalf("fs-02 risk: %v", fs)
	}
	if top := sp.assetCrit.risk.scores[0]; top["id_value"] != "svc-backup" {
		t.Errorf("riskiest entity: %v", top["id_value"])
	}
	before := fs["calculated_score_norm"].(float64)

	// A new criticality counts from the next run.
	do(t, k, "POST", "/api/asset_criticality", `{"id_field":"host.name","id_value":"fs-02","criticality_level":"extreme_impact"}`, nil)
	*now = now.Add(time.Hour)
	status, body := do(t, k, "POST", "/api/risk_score/engine/schedule_now", "", nil)
	if status != 200 || body["success"] != true {
		t.Fatalf("schedule_now: %d %v", status, body)
	}
	after := sp.riskScoreOf("host.name", "fs-02")
	if after["calculated_score_norm"].(float64) <= before || after["criticality_modifier"] != 2.0 || after["@timestamp"] != "2025-03-14T10:30:00.000Z" {
		t.Errorf("after raising criticality: %v (before %v)", after, before)
	}

	// Closed alerts count once no status is excluded; a filter keeps only
	// matching alerts for users.
	vpn := sp.riskScoreOf("host.name", "vpn-gw-01")["category_1_count"].(int)
	status, body = do(t, k, "PATCH", "/api/risk_score/engine/saved_object/configure", `{"exclude_alert_statuses":[],"filters":[{"entity_types":["user"],"filter":"not user.name:svc-*"}],"range":{"start":"now-30d","end":"now"}}`, nil)
	if status != 200 || body["risk_engine_saved_object_configured"] != true {
		t.Fatalf("configure: %d %v", status, body)
	}
	do(t, k, "POST", "/api/risk_score/engine/schedule_now", "", nil)
	if n := sp.riskScoreOf("host.name", "vpn-gw-01")["category_1_count"].(int); n <= vpn {
		t.Errorf("closed alerts not counted: %d, before %d", n, vpn)
	}
	if s := sp.riskScoreOf("user.name", "svc-backup"); s["category_1_count"] != 0 || s["calculated_level"] != "Unknown" {
		t.Errorf("filtered user not reset to zero: %v", s)
	}
	status, body = do(t, k, "PATCH", "/api/risk_score/engine/saved_object/configure", `{"filters":[{"entity_types":["device"],"filter":"x:1"}],"range":{"start":"last week"}}`, nil)
	wantPlatform(t, status, body, 400, `[request body]: filters.0.entity_types.0: Invalid enum value. Expected 'host' | 'user' | 'service', received 'device', range.start: "last week" is not a date or date math (e.g. now-30d)`)
	status, body = do(t, k, "PATCH", "/api/risk_score/engine/saved_object/configure", `{"filters":[{"filter":"host.name:x"}]}`, nil)
	wantPlatform(t, status, body, 400, "[request body]: filters.0.entity_types: Required")

	// Deleting the data uninstalls the engine.
	status, body = do(t, k, "DELETE", "/api/risk_score/engine/dangerously_delete_data", "", nil)
	if status != 200 || body["cleanup_successful"] != true || sp.riskScoreOf("host.name", "fs-02") != nil {
		t.Fatalf("cleanup: %d %v", status, body)
	}
	status, body = do(t, k, "POST", "/api/risk_score/engine/schedule_now", "", nil)
	wantSiem(t, status, body, 400, "The risk engine is not installed: turn it on from the Entity Risk Score page before running or configuring it.")
	status, _ = do(t, k, "PATCH", "/api/risk_score/engine/saved_object/configure", `{"enable_reset_to_zero":true}`, nil)
	if status != 400 {
		t.Errorf("configure without engine: %d", status)
	}
	// Other spaces keep theirs.
	if k.spaces["soc"].riskScoreOf("host.name", "bkp-01") == nil {
		t.Error("soc lost its scores")
	}
}
