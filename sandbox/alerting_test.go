package sandbox

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// alertingNow is the pinned clock of the alerting and connector tests.
var alertingNow = time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)

func alertingKibana() *Kibana {
	return New(Config{APIKey: testKey, Username: "analyst", Password: "pw", Seed: 42, Now: func() time.Time { return alertingNow }})
}

// findRulesPath builds a _find path from query pairs.
func findRulesPath(pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Add(pairs[i], pairs[i+1])
	}
	return "/api/alerting/rules/_find?" + q.Encode()
}

// ruleNames lists the names of a find answer's rules.
func ruleNames(t *testing.T, body map[string]any) []string {
	t.Helper()
	data, ok := body["data"].([]any)
	if !ok {
		t.Fatalf("no data in %v", body)
	}
	var names []string
	for _, d := range data {
		names = append(names, d.(map[string]any)["name"].(string))
	}
	return names
}

func wantMessage(t *testing.T, status int, body map[string]any, wantStatus int, contains string) {
	t.Helper()
	msg, _ := body["message"].(string)
	if status != wantStatus || !strings.Contains(msg, contains) {
		t.Errorf("got %d %q, want %d with %q", status, msg, wantStatus, contains)
	}
}

func TestFindRulesFilterSearchSortAndPaging(t *testing.T) {
	k := alertingKibana()
	status, all := do(t, k, "GET", findRulesPath("per_page", "100"), "", nil)
	if status != 200 || all["total"] != float64(7) || all["page"] != float64(1) || all["per_page"] != float64(100) {
		t.Fatalf("find all: %d %v", status, all)
	}
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{`alert.attributes.muteAll:true`, []string{"User clicked a known phishing link"}},
		{`alert.attributes.enabled:false`, []string{"Possible DNS tunneling"}},
		{`alert.attributes.tags:"infra"`, []string{"High CPU on web hosts"}},
		{`alert.attributes.tags:"ransomware" or alert.attributes.tags:execution`, []string{"Ransomware-like mass file encryption", "Encoded PowerShell command"}},
		{`tags:logs and not enabled:false`, []string{"Errors in application logs"}},
		{`alert.attributes.alertTypeId:.es-query`, []string{"Errors in application logs"}},
		{`alert.attributes.params.severity:(critical or low)`, []string{"Ransomware-like mass file encryption", "Possible DNS tunneling"}},
		{`alert.attributes.name:ransomware*`, []string{"Ransomware-like mass file encryption"}},
		{`alert.attributes.enabled:true and (alert.attributes.consumer:stackAlerts)`, []string{"High CPU on web hosts", "Errors in application logs"}},
		// ranges and values of several words, which the alerting area's own
		// KQL used to refuse
		{`alert.attributes.revision > 1`, []string{"Encoded PowerShell command", "Possible DNS tunneling", "High CPU on web hosts"}},
		{`alert.attributes.name:ransomware mass`, []string{"Ransomware-like mass file encryption"}},
		{`alert.attributes.name:x y`, nil},
	} {
		status, body := do(t, k, "GET", findRulesPath("filter", tc.filter, "per_page", "100"), "", nil)
		if got := ruleNames(t, body); status != 200 || !slices.Equal(got, tc.want) {
			t.Errorf("filter %s: %d %v, want %v", tc.filter, status, got, tc.want)
		}
	}
	for _, tc := range []struct{ filter, want string }{
		{`alert.attributes.nope:1`, "This key 'alert.attributes.nope' does NOT exist in alert saved object index patterns"},
		{`alert.attributes.enabled:true and`, "alert.attributes.enabled:true and"},
		{`alert.attributes.revision >`, "KQLSyntaxError: Expected value but end of input found."},
		{`alert.attributes.name:"open`, `alert.attributes.name:"open`},
	} {
		status, body := do(t, k, "GET", findRulesPath("filter", tc.filter), "", nil)
		wantMessage(t, status, body, 400, tc.want)
	}

	_, body := do(t, k, "GET", findRulesPath("search", "ransomware"), "", nil)
	if got := ruleNames(t, body); !slices.Equal(got, []string{"Ransomware-like mass file encryption"}) {
		t.Errorf("search ransomware: %v", got)
	}
	_, body = do(t, k, "GET", findRulesPath("search", "cpu errors", "search_fields", "tags"), "", nil)
	if got := ruleNames(t, body); !slices.Equal(got, []string{"High CPU on web hosts", "Errors in application logs"}) {
		t.Errorf("search tags OR: %v", got)
	}
	_, body = do(t, k, "GET", findRulesPath("search", "logins success", "default_search_operator", "AND"), "", nil)
	if got := ruleNames(t, body); !slices.Equal(got, []string{"Multiple failed logins followed by success"}) {
		t.Errorf("search AND: %v", got)
	}

	_, body = do(t, k, "GET", findRulesPath("sort_field", "name", "sort_order", "asc", "per_page", "3", "page", "1"), "", nil)
	if got := ruleNames(t, body); !slices.Equal(got, []string{"Encoded PowerShell command", "Errors in application logs", "High CPU on web hosts"}) {
		t.Errorf("sorted page 1: %v", got)
	}
	_, body = do(t, k, "GET", findRulesPath("sort_field", "name", "sort_order", "asc", "per_page", "3", "page", "3"), "", nil)
	if got := ruleNames(t, body); body["total"] != float64(7) || !slices.Equal(got, []string{"User clicked a known phishing link"}) {
		t.Errorf("sorted page 3: %v %v", body["total"], got)
	}

	_, body = do(t, k, "GET", findRulesPath("fields", "name", "fields", "muteAll", "per_page", "1"), "", nil)
	item := body["data"].([]any)[0].(map[string]any)
	if len(item) != 3 || item["id"] == nil || item["name"] == nil || item["mute_all"] == nil {
		t.Errorf("fields: %v", item)
	}
	_, body = do(t, k, "GET", findRulesPath("filter_consumers", "siem", "per_page", "100"), "", nil)
	if body["total"] != float64(5) {
		t.Errorf("filter_consumers siem: %v", body["total"])
	}

	for _, tc := range []struct{ path, want string }{
		{findRulesPath("per_page", "101"), "[request query.per_page]"},
		{findRulesPath("page", "0"), "[request query.page]"},
		{findRulesPath("sort_order", "up"), "[request query.sort_order]"},
		{findRulesPath("default_search_operator", "XOR"), "[request query.default_search_operator]"},
		{findRulesPath("sort_field", "params"), "No mapping found for [alert.params]"},
	} {
		status, body := do(t, k, "GET", tc.path, "", nil)
		wantMessage(t, status, body, 400, tc.want)
	}
}

const thresholdParams = `{"index":["logs-*"],"timeField":"@timestamp","aggType":"count","groupBy":"all","threshold":[1000],"thresholdComparator":">","timeWindowSize":5,"timeWindowUnit":"m"}`

func TestRuleCreateGetUpdateDelete(t *testing.T) {
	k := alertingKibana()
	create := `{"name":"Too many errors","rule_type_id":".index-threshold","consumer":"stackAlerts","schedule":{"interval":"1m"},"tags":["prod"],"params":` + thresholdParams + `}`
	status, rule := do(t, k, "POST", "/api/alerting/rule/my-rule", create, nil)
	if status != 200 {
		t.Fatalf("create: %d %v", status, rule)
	}
	for key, want := range map[string]any{
		"id": "my-rule", "name": "Too many errors", "rule_type_id": ".index-threshold", "consumer": "stackAlerts",
		"enabled": true, "mute_all": false, "revision": float64(0), "created_by": "elastic", "api_key_owner": "elastic",
		"is_snoozed_until": nil, "throttle": nil, "notify_when": nil,
	} {
		if rule[key] != want {
			t.Errorf("create: %s = %v, want %v", key, rule[key], want)
		}
	}
	if rule["execution_status"].(map[string]any)["status"] != "pending" || rule["schedule"].(map[string]any)["interval"] != "1m" {
		t.Errorf("create: %v %v", rule["execution_status"], rule["schedule"])
	}
	for _, key := range []string{"actions", "muted_alert_ids", "snooze_schedule", "tags", "params", "created_at", "updated_at", "updated_by"} {
		if _, ok := rule[key]; !ok {
			t.Errorf("create: no %s", key)
		}
	}

	status, body := do(t, k, "POST", "/api/alerting/rule/my-rule", create, nil)
	wantMessage(t, status, body, 409, "Saved object [alert/my-rule] conflict")

	status, got := do(t, k, "GET", "/api/alerting/rule/my-rule", "", nil)
	if status != 200 || got["name"] != "Too many errors" {
		t.Errorf("get: %d %v", status, got)
	}

	update := `{"name":"Far too many errors","schedule":{"interval":"5m"},"tags":["prod","errors"],"params":` + thresholdParams + `}`
	status, got = do(t, k, "PUT", "/api/alerting/rule/my-rule", update, nil)
	if status != 200 || got["name"] != "Far too many errors" || got["revision"] != float64(1) || len(got["tags"].([]any)) != 2 || got["updated_by"] != "elastic" {
		t.Errorf("update: %d %v", status, got)
	}
	_, got = do(t, k, "GET", "/api/alerting/rule/my-rule", "", nil)
	if got["schedule"].(map[string]any)["interval"] != "5m" || got["rule_type_id"] != ".index-threshold" {
		t.Errorf("update did not persist: %v", got)
	}
	status, body = do(t, k, "PUT", "/api/alerting/rule/my-rule", `{"name":"x","schedule":{"interval":"5m"},"rule_type_id":".es-query"}`, nil)
	wantMessage(t, status, body, 400, "[request body.rule_type_id]: definition for this key is missing")
	status, body = do(t, k, "PUT", "/api/alerting/rule/nope", update, nil)
	wantMessage(t, status, body, 404, "Saved object [alert/nope] not found")

	status, _ = do(t, k, "DELETE", "/api/alerting/rule/my-rule", "", nil)
	if status != 204 {
		t.Errorf("delete: %d", status)
	}
	status, body = do(t, k, "GET", "/api/alerting/rule/my-rule", "", nil)
	wantMessage(t, status, body, 404, "Saved object [alert/my-rule] not found")
	status, body = do(t, k, "DELETE", "/api/alerting/rule/my-rule", "", nil)
	wantMessage(t, status, body, 404, "Saved object [alert/my-rule] not found")

	status, generated := do(t, k, "POST", "/api/alerting/rule", create, nil)
	if status != 200 || len(generated["id"].(string)) != 36 {
		t.Errorf("create with a generated id: %d %v", status, generated["id"])
	}
}

func TestRuleCreateWithActions(t *testing.T) {
	k := alertingKibana()
	_, conns := do(t, k, "GET", "/api/actions/connectors", "", nil)
	var logID string
	for _, c := range conns["list"].([]any) {
		if c := c.(map[string]any); c["connector_type_id"] == ".server-log" && c["is_preconfigured"] == false {
			logID = c["id"].(string)
		}
	}
	body := `{"name":"CPU","rule_type_id":".index-threshold","consumer":"alerts","schedule":{"interval":"1m"},"params":` + thresholdParams +
		`,"actions":[{"id":"` + logID + `","group":"threshold met","params":{"message":"hot"},"frequency":{"summary":false,"notify_when":"onActionGroupChange"}}]}`
	status, rule := do(t, k, "POST", "/api/alerting/rule/cpu", body, nil)
	if status != 200 {
		t.Fatalf("create: %d %v", status, rule)
	}
	a := rule["actions"].([]any)[0].(map[string]any)
	if a["connector_type_id"] != ".server-log" || a["uuid"] == nil || a["frequency"].(map[string]any)["throttle"] != nil {
		t.Errorf("action: %v", a)
	}
	_, list := do(t, k, "GET", "/api/actions/connectors", "", nil)
	for _, c := range list["list"].([]any) {
		if c := c.(map[string]any); c["id"] == logID && c["referenced_by_count"] != float64(2) {
			t.Errorf("referenced_by_count of the server log: %v", c["referenced_by_count"])
		}
	}
}

func TestRuleCreateValidation(t *testing.T) {
	k := alertingKibana()
	base := map[string]any{}
	json.Unmarshal([]byte(`{"name":"x","rule_type_id":".index-threshold","consumer":"stackAlerts","schedule":{"interval":"1m"},"params":`+thresholdParams+`}`), &base)
	with := func(key string, v any) string {
		m := map[string]any{}
		for k, e := range base {
			m[k] = e
		}
		if v == nil {
			delete(m, key)
		} else {
			m[key] = v
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	params := func(drop string) map[string]any {
		var p map[string]any
		json.Unmarshal([]byte(thresholdParams), &p)
		delete(p, drop)
		return p
	}
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"no body", "", 400, "[request body]"},
		{"no name", with("name", nil), 400, "[request body.name]: expected value of type [string] but got [undefined]"},
		{"name not a string", with("name", 7), 400, "[request body.name]: expected value of type [string] but got [number]"},
		{"no rule type", with("rule_type_id", nil), 400, "[request body.rule_type_id]: expected value of type [string] but got [undefined]"},
		{"no consumer", with("consumer", nil), 400, "[request body.consumer]: expected value of type [string] but got [undefined]"},
		{"no schedule", with("schedule", nil), 400, "[request body.schedule]: expected value of type [object] but got [undefined]"},
		{"no interval", with("schedule", map[string]any{}), 400, "[request body.schedule.interval]: expected value of type [string] but got [undefined]"},
		{"bad interval", with("schedule", map[string]any{"interval": "every minute"}), 400, "[request body.schedule.interval]: string is not a valid duration: every minute"},
		{"params not an object", with("params", []any{1}), 400, "[request body.params]: expected a plain object value, but found [Array] instead."},
		{"tags not strings", with("tags", []any{1}), 400, "[request body.tags.0]: expected value of type [string] but got [number]"},
		{"unknown member", with("colour", "red"), 400, "[request body.colour]: definition for this key is missing"},
		{"unknown rule type", with("rule_type_id", "nope"), 400, `Rule type "nope" is not registered.`},
		{"consumer not allowed", with("consumer", "siem"), 403, `Unauthorized by "siem" to create ".index-threshold" rule`},
		{"params invalid", with("params", params("timeField")), 400, "params invalid: [timeField]: expected value of type [string] but got [undefined]"},
		{"params missing index", with("params", params("index")), 400, "params invalid: [index]: expected at least one defined value but got [undefined]"},
		{"action connector unknown", with("actions", []any{map[string]any{"id": "ghost", "group": "threshold met", "frequency": map[string]any{"summary": true, "notify_when": "onActiveAlert"}}}), 400,
			"Failed to load action ghost (404): Saved object [action/ghost] not found"},
		{"action without id", with("actions", []any{map[string]any{"group": "threshold met"}}), 400, "[request body.actions.0.id]: expected value of type [string] but got [undefined]"},
		{"action without frequency", with("actions", []any{map[string]any{"id": "preconfigured-server-log", "group": "threshold met"}}), 400, "Actions missing frequency parameters: threshold met"},
		{"action bad group", with("actions", []any{map[string]any{"id": "preconfigured-server-log", "group": "nope", "frequency": map[string]any{"summary": true, "notify_when": "onActiveAlert"}}}), 400,
			"Invalid action groups: nope"},
		{"flapping out of range", with("flapping", map[string]any{"look_back_window": 1, "status_change_threshold": 4}), 400, "[request body.flapping.look_back_window]: Value must be equal to or greater than [2]."},
		{"notify_when not allowed", with("notify_when", "sometimes"), 400, "[request body.notify_when]: types that failed validation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(t, k, "POST", "/api/alerting/rule/v1", tc.body, nil)
			wantMessage(t, status, body, tc.status, tc.want)
		})
	}
	if status, _ := do(t, k, "GET", "/api/alerting/rule/v1", "", nil); status != 404 {
		t.Errorf("a refused create left a rule behind: %d", status)
	}
}

func TestRuleStateChangesPersist(t *testing.T) {
	k := alertingKibana()
	id := ruleIDIn("default", 3) // Encoded PowerShell command: enabled, not muted
	path := "/api/alerting/rule/" + id
	get := func() map[string]any {
		t.Helper()
		status, r := do(t, k, "GET", path, "", nil)
		if status != 200 {
			t.Fatalf("get: %d %v", status, r)
		}
		return r
	}
	post := func(p, body string, want int) {
		t.Helper()
		if status, out := do(t, k, "POST", p, body, nil); status != want {
			t.Fatalf("POST %s: %d %v, want %d", p, status, out, want)
		}
	}

	post(path+"/_mute_all", "", 204)
	if r := get(); r["mute_all"] != true {
		t.Errorf("mute_all: %v", r["mute_all"])
	}
	post(path+"/_unmute_all", "", 204)
	if r := get(); r["mute_all"] != false {
		t.Errorf("unmute_all: %v", r["mute_all"])
	}

	post(path+"/alert/web-01/_mute", "", 204)
	post(path+"/alert/web-02/_mute", "", 204)
	post(path+"/alert/web-01/_mute", "", 204)
	if got := get()["muted_alert_ids"].([]any); len(got) != 2 || got[0] != "web-01" {
		t.Errorf("muted alerts: %v", got)
	}
	post(path+"/alert/web-01/_unmute", "", 204)
	if got := get()["muted_alert_ids"].([]any); len(got) != 1 || got[0] != "web-02" {
		t.Errorf("after unmute: %v", got)
	}

	post(path+"/_disable", `{"untrack":true}`, 204)
	if r := get(); r["enabled"] != false || r["next_run"] != nil {
		t.Errorf("disable: %v %v", r["enabled"], r["next_run"])
	}
	status, body := do(t, k, "POST", path+"/_disable", `{"untrack":"yes"}`, nil)
	wantMessage(t, status, body, 400, "[request body.untrack]: expected value of type [boolean] but got [string]")
	post(path+"/_enable", "", 204)
	if r := get(); r["enabled"] != true || r["execution_status"].(map[string]any)["status"] != "pending" {
		t.Errorf("enable: %v %v", r["enabled"], r["execution_status"])
	}

	status, _ = do(t, k, "POST", path+"/_update_api_key", "", map[string]string{"Authorization": "Basic YW5hbHlzdDpwdw=="}) // analyst:pw
	if r := get(); status != 204 || r["api_key_owner"] != "analyst" || r["updated_by"] != "analyst" {
		t.Errorf("update api key: %d %v %v", status, r["api_key_owner"], r["updated_by"])
	}

	status, snoozed := do(t, k, "POST", path+"/snooze_schedule", `{"schedule":{"custom":{"start":"2025-03-12T09:00:00.000Z","duration":"4h"}}}`, nil)
	schedule, _ := snoozed["schedule"].(map[string]any)
	if status != 200 || schedule["id"] == nil || schedule["custom"].(map[string]any)["timezone"] != "UTC" {
		t.Fatalf("snooze: %d %v", status, snoozed)
	}
	r := get()
	if r["is_snoozed_until"] != "2025-03-12T13:00:00.000Z" || len(r["snooze_schedule"].([]any)) != 1 || r["active_snoozes"].([]any)[0] != schedule["id"] {
		t.Errorf("snoozed rule: %v %v %v", r["is_snoozed_until"], r["snooze_schedule"], r["active_snoozes"])
	}
	rr := r["snooze_schedule"].([]any)[0].(map[string]any)
	if rr["duration"] != float64(4*3600*1000) || rr["rRule"].(map[string]any)["dtstart"] != "2025-03-12T09:00:00.000Z" {
		t.Errorf("snooze schedule: %v", rr)
	}
	// A future window is stored but does not snooze yet.
	post(path+"/snooze_schedule", `{"schedule":{"custom":{"start":"2025-03-20T22:00:00Z","duration":"1h","recurring":{"every":"1w","occurrences":4,"onWeekDay":["SA"]}}}}`, 200)
	if r := get(); len(r["snooze_schedule"].([]any)) != 2 || len(r["active_snoozes"].([]any)) != 1 {
		t.Errorf("second snooze: %v", r["snooze_schedule"])
	}

	status, body = do(t, k, "DELETE", path+"/snooze_schedule/nope", "", nil)
	wantMessage(t, status, body, 400, "Rule has no snooze schedule with id nope.")
	status, _ = do(t, k, "DELETE", path+"/snooze_schedule/"+schedule["id"].(string), "", nil)
	if r := get(); status != 204 || r["is_snoozed_until"] != nil || len(r["snooze_schedule"].([]any)) != 1 {
		t.Errorf("unsnooze: %d %v %v", status, r["is_snoozed_until"], r["snooze_schedule"])
	}

	for _, tc := range []struct{ body, want string }{
		{`{}`, "[request body.schedule]: expected value of type [object] but got [undefined]"},
		{`{"schedule":{"custom":{"start":"2025-03-12T09:00:00Z","duration":"2 hours"}}}`, "[request body.schedule.custom.duration]: Invalid schedule duration format: 2 hours"},
		{`{"schedule":{"custom":{"start":"2025-03-12T09:00:00Z","duration":"2h","recurring":{"every":"1h"}}}}`, "'every' string of recurring schedule is not valid : 1h"},
		{`{"schedule":{"custom":{"start":"2025-03-12T09:00:00Z","duration":"2d","recurring":{"every":"1d"}}}}`, "Recurrence every 1d must be longer than the snooze duration 2d"},
		{`{"schedule":{"custom":{"start":"tomorrow","duration":"1h"}}}`, "Invalid date: tomorrow"},
		{`{"schedule":{"custom":{"start":"2025-03-12T09:00:00Z","duration":"1h","recurring":{"onMonth":[13]}}}}`, "[request body.schedule.custom.recurring.onMonth]"},
	} {
		status, body := do(t, k, "POST", path+"/snooze_schedule", tc.body, nil)
		wantMessage(t, status, body, 400, tc.want)
	}

	for _, tc := range []struct{ method, path string }{
		{"POST", "/api/alerting/rule/ghost/_enable"},
		{"POST", "/api/alerting/rule/ghost/_disable"},
		{"POST", "/api/alerting/rule/ghost/_mute_all"},
		{"POST", "/api/alerting/rule/ghost/_unmute_all"},
		{"POST", "/api/alerting/rule/ghost/_update_api_key"},
		{"POST", "/api/alerting/rule/ghost/alert/a/_mute"},
		{"POST", "/api/alerting/rule/ghost/alert/a/_unmute"},
		{"POST", "/api/alerting/rule/ghost/snooze_schedule"},
		{"DELETE", "/api/alerting/rule/ghost/snooze_schedule/s"},
	} {
		body := ""
		if strings.HasSuffix(tc.path, "snooze_schedule") {
			body = `{"schedule":{"custom":{"start":"2025-03-12T09:00:00Z","duration":"1h"}}}`
		}
		status, out := do(t, k, tc.method, tc.path, body, nil)
		wantMessage(t, status, out, 404, "Saved object [alert/ghost] not found")
	}
}

func TestSeededRulesTellTheStory(t *testing.T) {
	k := alertingKibana()
	for _, space := range []string{"default", "soc"} {
		prefix := ""
		if space != "default" {
			prefix = "/s/" + space
		}
		for i, s := range storyRules {
			status, r := do(t, k, "GET", prefix+"/api/alerting/rule/"+ruleIDIn(space, i), "", nil)
			if status != 200 || r["name"] != s.Name || r["rule_type_id"] != "siem.queryRule" || r["consumer"] != "siem" ||
				r["params"].(map[string]any)["ruleId"] != s.RuleID || r["params"].(map[string]any)["severity"] != s.Severity {
				t.Errorf("%s story rule %d: %d %v", space, i, status, r)
			}
		}
		_, all := do(t, k, "GET", prefix+findRulesPath("per_page", "100"), "", nil)
		var disabled, muted, snoozed int
		for _, d := range all["data"].([]any) {
			r := d.(map[string]any)
			if r["enabled"] == false {
				disabled++
			}
			if r["mute_all"] == true {
				muted++
			}
			if r["is_snoozed_until"] != nil {
				snoozed++
			}
			if len(r["actions"].([]any)) == 0 {
				t.Errorf("%s: %s notifies nobody", space, r["name"])
			}
		}
		if disabled != 1 || muted < 1 || snoozed != 1 {
			t.Errorf("%s: %d disabled, %d muted, %d snoozed", space, disabled, muted, snoozed)
		}
	}
	_, def := do(t, k, "GET", findRulesPath("per_page", "100", "filter", "alert.attributes.consumer:stackAlerts"), "", nil)
	_, soc := do(t, k, "GET", "/s/soc"+findRulesPath("per_page", "100", "filter", "alert.attributes.consumer:stackAlerts"), "", nil)
	if slices.Equal(ruleNames(t, def), ruleNames(t, soc)) {
		t.Error("default and soc have the same stack rules")
	}

	// The same seed and clock give the same rules.
	a, b := alertingKibana(), alertingKibana()
	_, ra := do(t, a, "GET", "/s/soc"+findRulesPath("per_page", "100"), "", nil)
	_, rb := do(t, b, "GET", "/s/soc"+findRulesPath("per_page", "100"), "", nil)
	ja, _ := json.Marshal(ra)
	jb, _ := json.Marshal(rb)
	if string(ja) != string(jb) {
		t.Error("the same seed gave different rules")
	}
}

func TestRulesAreKeptPerSpace(t *testing.T) {
	k := alertingKibana()
	create := `{"name":"SOC only","rule_type_id":".index-threshold","consumer":"stackAlerts","schedule":{"interval":"1m"},"params":` + thresholdParams + `}`
	if status, _ := do(t, k, "POST", "/s/soc/api/alerting/rule/soc-only", create, nil); status != 200 {
		t.Fatalf("create in soc: %d", status)
	}
	if status, _ := do(t, k, "GET", "/api/alerting/rule/soc-only", "", nil); status != 404 {
		t.Errorf("a soc rule is visible in default: %d", status)
	}
	if status, _ := do(t, k, "POST", "/api/alerting/rule/soc-only", create, nil); status != 200 {
		t.Errorf("the same id in another space: %d", status)
	}
	_, body := do(t, k, "GET", "/s/soc"+findRulesPath("search", "SOC only"), "", nil)
	if body["total"] != float64(1) {
		t.Errorf("soc find: %v", body["total"])
	}
}

func TestRuleTypesAndHealth(t *testing.T) {
	k := alertingKibana()
	status, body := do(t, k, "GET", "/api/alerting/rule_types", "", nil)
	if status != 200 {
		t.Fatalf("rule types: %d", status)
	}
	types := map[string]map[string]any{}
	for _, rt := range body["list"].([]any) {
		rt := rt.(map[string]any)
		types[rt["id"].(string)] = rt
	}
	for _, id := range []string{"siem.queryRule", ".index-threshold", ".es-query", "xpack.ml.anomaly_detection_alert", "observability.rules.custom_threshold"} {
		rt := types[id]
		if rt == nil {
			t.Errorf("no rule type %s", id)
			continue
		}
		groups := rt["action_groups"].([]any)
		if rt["default_action_group_id"] == nil || groups[len(groups)-1].(map[string]any)["id"] != "recovered" || len(rt["authorized_consumers"].(map[string]any)) == 0 {
			t.Errorf("rule type %s: %v", id, rt)
		}
	}
	status, health := do(t, k, "GET", "/api/alerting/_health", "", nil)
	fw, _ := health["alerting_framework_health"].(map[string]any)
	if status != 200 || health["is_sufficiently_secure"] != true || fw["execution_health"].(map[string]any)["status"] != "ok" {
		t.Errorf("health: %d %v", status, health)
	}
}

// TestFindRulesHasReference: has_reference, as the JSON text Kibana's
// schema reads, keeps the rules whose actions use the connector.
func TestFindRulesHasReference(t *testing.T) {
	k := alertingKibana()
	_, all := do(t, k, "GET", "/api/alerting/rules/_find?per_page=100", "", nil)
	_, found := do(t, k, "GET", "/api/alerting/rules/_find?per_page=100&has_reference="+url.QueryEscape(`{"type":"action","id":"preconfigured-server-log"}`), "", nil)
	if n := found["total"].(float64); n == 0 || n >= all["total"].(float64) {
		t.Errorf("has_reference kept %v of %v rules", n, all["total"])
	}
	for _, r := range found["data"].([]any) {
		if !strings.Contains(fmt.Sprint(r.(map[string]any)["actions"]), "preconfigured-server-log") {
			t.Errorf("rule %v does not use the connector", r.(map[string]any)["name"])
		}
	}
	status, bad := do(t, k, "GET", "/api/alerting/rules/_find?has_reference="+url.QueryEscape(`{"id":"x"}`), "", nil)
	if status != 400 || !strings.Contains(fmt.Sprint(bad["message"]), "has_reference.type") {
		t.Errorf("has_reference without type: %d %v", status, bad)
	}
}
