package sandbox

import (
	"net/url"
	"testing"
	"time"
)

func TestPrivmonUsers(t *testing.T) {
	k, _ := acSandbox(t)
	status, list := do(t, k, "GET", "/api/entity_analytics/monitoring/users/list", "", nil)
	users := list["list"].([]any)
	if status != 200 || len(users) != 4 {
		t.Fatalf("seeded users: %d %v", status, list)
	}
	backup := users[1].(map[string]any)
	if backup["id"] != privUserID("default", "svc-backup") || backup["user"].(map[string]any)["is_privileged"] != true ||
		backup["labels"].(map[string]any)["sources"].([]any)[0] != "csv" {
		t.Errorf("svc-backup: %v", backup)
	}
	_, list = do(t, k, "GET", "/api/entity_analytics/monitoring/users/list?kql="+url.QueryEscape("user.is_privileged:true and labels.sources:api"), "", nil)
	if got := list["list"].([]any); len(got) != 1 || got[0].(map[string]any)["user"].(map[string]any)["name"] != "admin" {
		t.Errorf("kql: %v", got)
	}

	// Create; a second time is a conflict; a soft-deleted user comes back.
	status, created := do(t, k, "POST", "/api/entity_analytics/monitoring/users", `{"user":{"name":"j.morgan"}}`, nil)
	if status != 200 || created["user"].(map[string]any)["name"] != "j.morgan" || created["labels"].(map[string]any)["sources"].([]any)[0] != "api" {
		t.Fatalf("create: %d %v", status, created)
	}
	status, body := do(t, k, "POST", "/api/entity_analytics/monitoring/users", `{"user":{"name":"j.morgan"}}`, nil)
	wantSiem(t, status, body, 409, `User "j.morgan" is already monitored`)
	status, body = do(t, k, "POST", "/api/entity_analytics/monitoring/users", `{"user":{}}`, nil)
	wantPlatform(t, status, body, 400, "[request body]: user.name: Required")
	status, back := do(t, k, "POST", "/api/entity_analytics/monitoring/users", `{"user":{"name":"a.former-admin"}}`, nil)
	if status != 200 || back["id"] != privUserID("default", "a.former-admin") || back["user"].(map[string]any)["is_privileged"] != true {
		t.Errorf("re-adding a former user: %d %v", status, back)
	}

	// Update in part; unknown ids are 404.
	id := created["id"].(string)
	status, updated := do(t, k, "PUT", "/api/entity_analytics/monitoring/users/"+id, `{"entity_analytics_monitoring":{"labels":[{"field":"department","value":"IT","source":"api"}]}}`, nil)
	if status != 200 || updated["user"].(map[string]any)["name"] != "j.morgan" || updated["entity_analytics_monitoring"] == nil {
		t.Errorf("update: %d %v", status, updated)
	}
	status, updated = do(t, k, "PUT", "/api/entity_analytics/monitoring/users/"+id, `{"user":{"is_privileged":false},"labels":{"sources":["api","csv"]}}`, nil)
	if status != 200 || updated["user"].(map[string]any)["is_privileged"] != false || len(updated["labels"].(map[string]any)["sources"].([]any)) != 2 || updated["entity_analytics_monitoring"] == nil {
		t.Errorf("second update: %d %v", status, updated)
	}
	status, body = do(t, k, "PUT", "/api/entity_analytics/monitoring/users/"+id, `{"labels":{"sources":["ldap"]}}`, nil)
	wantPlatform(t, status, body, 400, "[request body]: labels.sources.0: Invalid enum value. Expected 'csv' | 'index_sync' | 'api', received 'ldap'")
	status, body = do(t, k, "PUT", "/api/entity_analytics/monitoring/users/nope", `{"user":{"is_privileged":true}}`, nil)
	wantSiem(t, status, body, 404, "[nope]: document missing")

	status, body = do(t, k, "DELETE", "/api/entity_analytics/monitoring/users/"+id, "", nil)
	if status != 200 || body["aknowledged"] != true {
		t.Errorf("delete: %d %v", status, body)
	}
	status, body = do(t, k, "DELETE", "/api/entity_analytics/monitoring/users/"+id, "", nil)
	wantSiem(t, status, body, 404, "["+id+"]: document missing")
}

func TestPrivmonCSV(t *testing.T) {
	k, _ := acSandbox(t)
	// svc-backup stays (csv), l.wong is new with a label, a row with three
	// columns and one without a name fail; errors count rows, not lines
	// (blank lines are skipped).
	body, ct := upload(t, "users.csv", "svc-backup\nl.wong,Helpdesk\n\na,b,c\n,orphan label\n")
	status, res := postFile(t, k, "/api/entity_analytics/monitoring/users/_csv", body, ct)
	stats := res["stats"].(map[string]any)
	if status != 200 || stats["successful"] != float64(2) || stats["failed"] != float64(2) || stats["total"] != float64(4) {
		t.Fatalf("csv: %d %v", status, res)
	}
	errs := res["errors"].([]any)
	if e := errs[0].(map[string]any); e["index"] != float64(3) || e["message"] != "Expected 1 or 2 columns, got 3" || e["username"] != nil {
		t.Errorf("first row error: %v", e)
	}
	if e := errs[1].(map[string]any); e["index"] != float64(4) || e["message"] != "Missing user name" {
		t.Errorf("second row error: %v", e)
	}
	_, list := do(t, k, "GET", "/api/entity_analytics/monitoring/users/list?kql=user.name:l.wong", "", nil)
	if got := list["list"].([]any); len(got) != 1 || got[0].(map[string]any)["entity_analytics_monitoring"].(map[string]any)["labels"].([]any)[0].(map[string]any)["value"] != "Helpdesk" {
		t.Errorf("l.wong: %v", got)
	}
	// A second upload without svc-backup takes its privilege away (csv was
	// its only source); admin, added by API, is untouched.
	body, ct = upload(t, "users.csv", "l.wong\n")
	status, res = postFile(t, k, "/api/entity_analytics/monitoring/users/_csv", body, ct)
	if status != 200 || res["stats"].(map[string]any)["successful"] != float64(2) {
		t.Fatalf("second csv: %d %v", status, res)
	}
	u := k.spaces["default"].assetCrit.privmon.byName("svc-backup")
	if u.privileged || len(u.sources) != 0 || !k.spaces["default"].assetCrit.privmon.byName("admin").privileged {
		t.Errorf("soft delete: %+v", u)
	}
	status, res = postFile(t, k, "/api/entity_analytics/monitoring/users/_csv", []byte("--XYZ--\r\n"), "multipart/form-data; boundary=XYZ")
	wantPlatform(t, status, res, 400, "[request body.file]: expected value of type [Stream] but got [undefined]")
}

func TestPrivmonEngineAndPAD(t *testing.T) {
	k, now := acSandbox(t)
	status, health := do(t, k, "GET", "/api/entity_analytics/monitoring/privileges/health", "", nil)
	if status != 200 || health["status"] != "started" || health["users"].(map[string]any)["current_count"] != float64(3) || health["users"].(map[string]any)["max_allowed"] != float64(10000) {
		t.Errorf("health: %d %v", status, health)
	}
	if status, priv := do(t, k, "GET", "/api/entity_analytics/monitoring/privileges/privileges", "", nil); status != 200 || priv["has_all_required"] != true {
		t.Errorf("privileges: %d %v", status, priv)
	}
	// A run is in progress for a while.
	if status, body := do(t, k, "POST", "/api/entity_analytics/monitoring/engine/schedule_now", "", nil); status != 200 || body["success"] != true {
		t.Errorf("schedule_now: %d %v", status, body)
	}
	if status, _ := do(t, k, "POST", "/api/entity_analytics/monitoring/engine/schedule_now", "", nil); status != 409 {
		t.Errorf("second schedule_now: %d", status)
	}
	*now = now.Add(time.Minute)
	if status, body := do(t, k, "POST", "/api/entity_analytics/monitoring/engine/disable", "", nil); status != 200 || body["status"] != "disabled" {
		t.Errorf("disable: %d %v", status, body)
	}
	status, body := do(t, k, "POST", "/api/entity_analytics/monitoring/engine/schedule_now", "", nil)
	wantSiem(t, status, body, 400, "The Privilege Monitoring Engine must be started to schedule a run. Current status: disabled.")

	// Deleting the engine keeps users unless data=true.
	if status, body = do(t, k, "DELETE", "/api/entity_analytics/monitoring/engine/delete", "", nil); status != 200 || body["deleted"] != true {
		t.Errorf("delete: %d %v", status, body)
	}
	if status, list := do(t, k, "GET", "/api/entity_analytics/monitoring/users/list", "", nil); status != 200 || len(list["list"].([]any)) != 4 {
		t.Errorf("users after delete: %d %v", status, list)
	}
	_, health = do(t, k, "GET", "/api/entity_analytics/monitoring/privileges/health", "", nil)
	if health["status"] != "not_installed" {
		t.Errorf("health after delete: %v", health)
	}
	status, body = do(t, k, "DELETE", "/api/entity_analytics/monitoring/engine/delete?data=yes", "", nil)
	wantPlatform(t, status, body, 400, "[request query]: data: Invalid enum value. Expected 'true' | 'false', received 'yes'")
	if status, body = do(t, k, "DELETE", "/api/entity_analytics/monitoring/engine/delete?data=true", "", nil); status != 200 || body["deleted"] != true {
		t.Errorf("delete data: %d %v", status, body)
	}
	status, body = do(t, k, "GET", "/api/entity_analytics/monitoring/users/list", "", nil)
	wantSiem(t, status, body, 404, "index_not_found_exception: no such index [.entity_analytics.monitoring.users-default]")
	if status, body = do(t, k, "POST", "/api/entity_analytics/monitoring/engine/init", "", nil); status != 200 || body["status"] != "started" {
		t.Errorf("init: %d %v", status, body)
	}
	if status, list := do(t, k, "GET", "/api/entity_analytics/monitoring/users/list", "", nil); status != 200 || len(list["list"].([]any)) != 0 {
		t.Errorf("users after init: %d %v", status, list)
	}

	// PAD: installed in default, not yet in soc.
	_, pad := do(t, k, "GET", "/api/entity_analytics/privileged_user_monitoring/pad/status", "", nil)
	if pad["package_installation_status"] != "complete" || len(pad["jobs"].([]any)) != 5 || pad["jobs"].([]any)[0].(map[string]any)["state"] != "opened" {
		t.Errorf("default PAD: %v", pad)
	}
	_, pad = do(t, k, "GET", "/s/soc/api/entity_analytics/privileged_user_monitoring/pad/status", "", nil)
	if pad["ml_module_setup_status"] != "incomplete" || len(pad["jobs"].([]any)) != 0 {
		t.Errorf("soc PAD: %v", pad)
	}
	if status, body = do(t, k, "POST", "/s/soc/api/entity_analytics/privileged_user_monitoring/pad/install", "", nil); status != 200 || body["message"] == nil {
		t.Errorf("install: %d %v", status, body)
	}
	_, pad = do(t, k, "GET", "/s/soc/api/entity_analytics/privileged_user_monitoring/pad/status", "", nil)
	if pad["package_installation_status"] != "complete" || pad["jobs"].([]any)[0].(map[string]any)["state"] != "closed" {
		t.Errorf("soc PAD after install: %v", pad)
	}
}
