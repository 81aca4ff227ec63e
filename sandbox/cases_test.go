package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// caseClock is a settable sandbox clock.
type caseClock struct{ t time.Time }

func (c *caseClock) now() time.Time { return c.t }

func newCaseSandbox(t *testing.T) (*Kibana, *caseClock) {
	t.Helper()
	clock := &caseClock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	return New(Config{APIKey: testKey, Username: "elastic", Password: "changeme", Seed: 1, Now: clock.now}), clock
}

// newCaseBody is a valid create-case body, changed by edit.
func newCaseBody(t *testing.T, edit func(m map[string]any)) string {
	t.Helper()
	m := map[string]any{
		"title": "Suspicious login on web-01", "description": "Many failed logins followed by a success from a new country.",
		"owner": "securitySolution", "tags": []any{"login", "web"}, "severity": "high", "category": "credential-access",
		"connector": map[string]any{"id": "none", "name": "none", "type": ".none", "fields": nil},
		"settings":  map[string]any{"syncAlerts": true},
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func caseJSONOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// want fails unless the answer has the status and, when msg is given, that
// exact message.
func caseWant(t *testing.T, status int, body map[string]any, wantStatus int, msg string) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("answered %d %v, want %d %q", status, body, wantStatus, msg)
	}
	if msg != "" && body["message"] != msg {
		t.Fatalf("message %q, want %q", body["message"], msg)
	}
}

func testCreateCase(t *testing.T, k *Kibana, prefix, body string) map[string]any {
	t.Helper()
	status, c := do(t, k, "POST", prefix+"/api/cases", body, nil)
	caseWant(t, status, c, 200, "")
	return c
}

func caseItems(body map[string]any, key string) []any {
	l, _ := body[key].([]any)
	return l
}

func TestCaseLifecycle(t *testing.T) {
	k, clock := newCaseSandbox(t)
	created := testCreateCase(t, k, "", newCaseBody(t, nil))
	id, v1 := created["id"].(string), created["version"].(string)
	if created["status"] != "open" || created["severity"] != "high" || created["totalComment"] != 0.0 || created["closed_at"] != nil ||
		created["duration"] != nil || created["external_service"] != nil || created["created_at"] != "2025-03-10T09:00:00.000Z" {
		t.Fatalf("created case: %v", created)
	}
	if by := created["created_by"].(map[string]any); by["username"] != "elastic" || !strings.HasPrefix(by["profile_uid"].(string), "u_") {
		t.Errorf("created_by %v", by)
	}
	// The space's securitySolution settings define two optional custom fields: they come back null.
	if got := caseJSONOf(t, created["customFields"]); got != `[{"key":"ticket_ref","type":"text","value":null},{"key":"escalated","type":"toggle","value":null}]` {
		t.Errorf("customFields %s", got)
	}

	status, got := do(t, k, "GET", "/api/cases/"+id, "", nil)
	caseWant(t, status, got, 200, "")
	if got["version"] != v1 || got["title"] != "Suspicious login on web-01" {
		t.Errorf("get: %v", got)
	}

	status, found := do(t, k, "GET", "/api/cases/_find?search=web&tags=web&tags=vpn&severity=high&owner=securitySolution&reporters=elastic&assignees=none&category=credential-access&from=now-1h", "", nil)
	caseWant(t, status, found, 200, "")
	if found["total"] != 1.0 || caseItems(found, "cases")[0].(map[string]any)["id"] != id ||
		found["count_open_cases"] != 1.0 || found["count_in_progress_cases"] != 0.0 || found["count_closed_cases"] != 0.0 {
		t.Fatalf("find: %v", found)
	}

	clock.t = clock.t.Add(30 * time.Minute)
	status, commented := do(t, k, "POST", "/api/cases/"+id+"/comments", `{"type":"user","owner":"securitySolution","comment":"Host isolated."}`, nil)
	caseWant(t, status, commented, 200, "")
	v2 := commented["version"].(string)
	if v2 == v1 || commented["totalComment"] != 1.0 || len(caseItems(commented, "comments")) != 1 || commented["updated_at"] != "2025-03-10T09:30:00.000Z" {
		t.Fatalf("after comment: %v", commented)
	}

	// A stale version changes nothing.
	status, conflict := do(t, k, "PATCH", "/api/cases", `{"cases":[{"id":"`+id+`","version":"`+v1+`","status":"closed","title":"Renamed"}]}`, nil)
	caseWant(t, status, conflict, 409, "These cases "+id+" have been updated. Please refresh before saving additional updates.")
	_, got = do(t, k, "GET", "/api/cases/"+id, "", nil)
	if got["version"] != v2 || got["status"] != "open" || got["title"] != "Suspicious login on web-01" {
		t.Fatalf("stale update changed the case: %v", got)
	}

	clock.t = clock.t.Add(60 * time.Minute)
	status, updated := do(t, k, "PATCH", "/api/cases", `{"cases":[{"id":"`+id+`","version":"`+v2+`","status":"closed","tags":["login","closed-fp"]}]}`, nil)
	caseWant(t, status, updated, 200, "")
	closed := caseItems(updated, "list")[0].(map[string]any)
	if closed["status"] != "closed" || closed["closed_at"] != "2025-03-10T10:30:00.000Z" || closed["duration"] != 5400.0 ||
		closed["closed_by"].(map[string]any)["username"] != "elastic" || closed["version"] == v2 {
		t.Fatalf("closed: %v", closed)
	}
	status, same := do(t, k, "PATCH", "/api/cases", `{"cases":[{"id":"`+id+`","version":"`+closed["version"].(string)+`","status":"closed"}]}`, nil)
	caseWant(t, status, same, 406, "All update fields are identical to current version.")

	status, acts := do(t, k, "GET", "/api/cases/"+id+"/user_actions/_find?sortOrder=asc", "", nil)
	caseWant(t, status, acts, 200, "")
	var steps []string
	for _, a := range caseItems(acts, "userActions") {
		a := a.(map[string]any)
		steps = append(steps, a["type"].(string)+":"+a["action"].(string))
	}
	if got, wantSteps := strings.Join(steps, " "), "create_case:create comment:create status:update tags:add tags:delete"; got != wantSteps {
		t.Errorf("user actions %q, want %q", got, wantSteps)
	}
	if acts["total"] != 5.0 || acts["perPage"] != 20.0 {
		t.Errorf("user actions casePaging: %v", acts)
	}
	_, statusOnly := do(t, k, "GET", "/api/cases/"+id+"/user_actions/_find?types=status", "", nil)
	if ua := caseItems(statusOnly, "userActions"); len(ua) != 1 || caseJSONOf(t, ua[0].(map[string]any)["payload"]) != `{"status":"closed"}` {
		t.Errorf("status actions: %v", statusOnly)
	}

	status, gone := do(t, k, "DELETE", "/api/cases?ids="+id, "", nil)
	caseWant(t, status, gone, 204, "")
	status, gone = do(t, k, "GET", "/api/cases/"+id, "", nil)
	caseWant(t, status, gone, 404, "Saved object [cases/"+id+"] not found")
	status, gone = do(t, k, "DELETE", "/api/cases?ids="+id, "", nil)
	caseWant(t, status, gone, 404, "Saved object [cases/"+id+"] not found")
}

func TestCasesSpaceIsolation(t *testing.T) {
	k, _ := newCaseSandbox(t)
	inDefault := testCreateCase(t, k, "", newCaseBody(t, func(m map[string]any) { m["title"] = "Only in default" }))
	status, body := do(t, k, "GET", "/s/soc/api/cases/"+inDefault["id"].(string), "", nil)
	caseWant(t, status, body, 404, "Saved object [cases/"+inDefault["id"].(string)+"] not found")
	_, found := do(t, k, "GET", "/s/soc/api/cases/_find?search=%22Only+in+default%22", "", nil)
	if found["total"] != 0.0 {
		t.Errorf("soc finds the default space's case: %v", found)
	}

	inSoc := testCreateCase(t, k, "/s/soc", newCaseBody(t, func(m map[string]any) { m["title"] = "Only in soc" }))
	status, body = do(t, k, "GET", "/s/soc/api/cases/"+inSoc["id"].(string), "", nil)
	caseWant(t, status, body, 200, "")
	status, body = do(t, k, "GET", "/api/cases/"+inSoc["id"].(string), "", nil)
	caseWant(t, status, body, 404, "")
	_, found = do(t, k, "GET", "/s/soc/api/cases/_find?search=%22Only+in+soc%22", "", nil)
	if found["total"] != 1.0 {
		t.Errorf("soc does not find its own case: %v", found)
	}
}

func TestCreateCaseValidation(t *testing.T) {
	k, _ := newCaseSandbox(t)
	manyTags := make([]any, 201)
	for i := range manyTags {
		manyTags[i] = fmt.Sprint("t", i)
	}
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
		msg  string
	}{
		{"missing title", func(m map[string]any) { delete(m, "title") }, "[request body.title]: expected value of type [string] but got [undefined]"},
		{"title not a string", func(m map[string]any) { m["title"] = 7 }, "[request body.title]: expected value of type [string] but got [number]"},
		{"title too long", func(m map[string]any) { m["title"] = strings.Repeat("x", 161) }, "[request body.title]: The length of the title is too long. The maximum length is 160."},
		{"blank title", func(m map[string]any) { m["title"] = "  " }, "[request body.title]: The title field cannot be an empty string."},
		{"description too long", func(m map[string]any) { m["description"] = strings.Repeat("x", 30001) }, "[request body.description]: The length of the description is too long. The maximum length is 30000."},
		{"missing owner", func(m map[string]any) { delete(m, "owner") }, "[request body.owner]: expected value of type [string] but got [undefined]"},
		{"unknown owner", func(m map[string]any) { m["owner"] = "siem" }, "[request body.owner]: expected one of [cases, observability, securitySolution] but got [siem]"},
		{"unknown severity", func(m map[string]any) { m["severity"] = "urgent" }, "[request body.severity]: expected one of [low, medium, high, critical] but got [urgent]"},
		{"missing tags", func(m map[string]any) { delete(m, "tags") }, "[request body.tags]: expected value of type [array] but got [undefined]"},
		{"too many tags", func(m map[string]any) { m["tags"] = manyTags }, "[request body.tags]: The length of the field tags is too long. Array must be of length <= 200."},
		{"tag too long", func(m map[string]any) { m["tags"] = []any{"ok", strings.Repeat("t", 257)} }, "[request body.tags.1]: The length of the tag is too long. The maximum length is 256."},
		{"missing settings", func(m map[string]any) { delete(m, "settings") }, "[request body.settings]: expected a plain object value, but found [undefined] instead."},
		{"settings without syncAlerts", func(m map[string]any) { m["settings"] = map[string]any{} }, "[request body.settings.syncAlerts]: expected value of type [boolean] but got [undefined]"},
		{"missing connector", func(m map[string]any) { delete(m, "connector") }, "[request body.connector]: expected a plain object value, but found [undefined] instead."},
		{"unknown connector type", func(m map[string]any) {
			m["connector"] = map[string]any{"id": "x", "name": "x", "type": ".slack", "fields": nil}
		},
			"[request body.connector.type]: expected one of [.none, .jira, .servicenow, .servicenow-sir, .resilient, .swimlane, .cases-webhook] but got [.slack]"},
		{"jira fields without parent", func(m map[string]any) {
			m["connector"] = map[string]any{"id": "j", "name": "Jira", "type": ".jira", "fields": map[string]any{"issueType": "10006", "priority": "High"}}
		}, "[request body.connector.fields.parent]: expected value of type [string] but got [undefined]"},
		{"fields on no connector", func(m map[string]any) {
			m["connector"] = map[string]any{"id": "none", "name": "none", "type": ".none", "fields": map[string]any{}}
		}, "[request body.connector.fields]: expected value to equal [null] but got [Object]"},
		{"category too long", func(m map[string]any) { m["category"] = strings.Repeat("c", 51) }, "[request body.category]: The length of the category is too long. The maximum length is 50."},
		{"assignee without uid", func(m map[string]any) { m["assignees"] = []any{map[string]any{}} }, "[request body.assignees.0.uid]: expected value of type [string] but got [undefined]"},
		{"unknown member", func(m map[string]any) { m["status"] = "open" }, "[request body.status]: definition for this key is missing"},
		{"custom field not configured", func(m map[string]any) {
			m["customFields"] = []any{map[string]any{"key": "nope", "type": "text", "value": "x"}}
		}, "Invalid custom field keys: nope"},
		{"custom field of the wrong type", func(m map[string]any) {
			m["customFields"] = []any{map[string]any{"key": "escalated", "type": "text", "value": "yes"}}
		}, `The following custom fields have the wrong type in the request: "Escalated to management"`},
		{"toggle with a string", func(m map[string]any) {
			m["customFields"] = []any{map[string]any{"key": "escalated", "type": "toggle", "value": "yes"}}
		}, "[request body.customFields.0.value]: expected value of type [boolean] but got [string]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(t, k, "POST", "/api/cases", newCaseBody(t, tc.edit), nil)
			caseWant(t, status, body, 400, tc.msg)
		})
	}
	status, body := do(t, k, "POST", "/api/cases", `[]`, nil)
	caseWant(t, status, body, 400, "[request body]: expected a plain object value, but found [null] instead.")
	_, found := do(t, k, "GET", "/api/cases/_find?search=web-01", "", nil)
	if found["total"] != 0.0 {
		t.Errorf("a refused case was stored: %v", found)
	}
}

func TestUpdateCasesValidation(t *testing.T) {
	k, _ := newCaseSandbox(t)
	c := testCreateCase(t, k, "", newCaseBody(t, nil))
	id, v := c["id"].(string), c["version"].(string)
	for _, tc := range []struct {
		name, body string
		status     int
		msg        string
	}{
		{"owner", `{"cases":[{"id":"` + id + `","version":"` + v + `","owner":"cases"}]}`, 400, "Updating the owner of a case is not allowed ids: [" + id + "]"},
		{"unknown case", `{"cases":[{"id":"` + id + `","version":"` + v + `","status":"closed"},{"id":"nope","version":"x","status":"closed"}]}`, 404, "These cases nope do not exist. Please check you have the correct ids."},
		{"bad status", `{"cases":[{"id":"` + id + `","version":"` + v + `","status":"done"}]}`, 400, "[request body.cases.0.status]: expected one of [open, in-progress, closed] but got [done]"},
		{"no version", `{"cases":[{"id":"` + id + `","status":"closed"}]}`, 400, "[request body.cases.0.version]: expected value of type [string] but got [undefined]"},
		{"empty list", `{"cases":[]}`, 400, "[request body.cases]: The length of the field cases is too short. Array must be of length >= 1."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(t, k, "PATCH", "/api/cases", tc.body, nil)
			caseWant(t, status, body, tc.status, tc.msg)
		})
	}
	_, got := do(t, k, "GET", "/api/cases/"+id, "", nil)
	if got["version"] != v || got["status"] != "open" {
		t.Errorf("a refused update changed the case: %v", got)
	}
}

func TestFindCasesPagingSortingAndFilters(t *testing.T) {
	k, clock := newCaseSandbox(t)
	_, all := do(t, k, "GET", "/api/cases/_find?perPage=100", "", nil)
	total := int(all["total"].(float64))
	if total != len(defaultSpaceCases) || all["per_page"] != 100.0 ||
		int(all["count_open_cases"].(float64)+all["count_in_progress_cases"].(float64)+all["count_closed_cases"].(float64)) != total {
		t.Fatalf("seeded find: total %v, counts %v/%v/%v", all["total"], all["count_open_cases"], all["count_in_progress_cases"], all["count_closed_cases"])
	}
	// Newest first by default.
	cases := caseItems(all, "cases")
	for i := 1; i < len(cases); i++ {
		if cases[i-1].(map[string]any)["created_at"].(string) < cases[i].(map[string]any)["created_at"].(string) {
			t.Fatal("default order is not created_at descending")
		}
	}

	var paged []string
	for page := 1; page <= 3; page++ {
		_, body := do(t, k, "GET", fmt.Sprintf("/api/cases/_find?perPage=5&page=%d&sortField=title&sortOrder=asc", page), "", nil)
		if body["page"] != float64(page) || body["total"] != float64(total) {
			t.Fatalf("page %d: %v", page, body)
		}
		for _, c := range caseItems(body, "cases") {
			paged = append(paged, c.(map[string]any)["title"].(string))
		}
	}
	if len(paged) != total || !slices.IsSorted(paged) {
		t.Errorf("pages by title: %q", paged)
	}

	_, bySeverity := do(t, k, "GET", "/api/cases/_find?sortField=severity&perPage=1", "", nil)
	if caseItems(bySeverity, "cases")[0].(map[string]any)["severity"] != "critical" {
		t.Errorf("severity desc does not start with critical: %v", bySeverity["cases"])
	}
	_, closed := do(t, k, "GET", "/api/cases/_find?status=closed", "", nil)
	if closed["total"] != all["count_closed_cases"] || closed["count_open_cases"] != all["count_open_cases"] {
		t.Errorf("status filter: total %v, counts %v", closed["total"], closed["count_open_cases"])
	}
	_, unassigned := do(t, k, "GET", "/api/cases/_find?assignees=none&perPage=100", "", nil)
	for _, c := range caseItems(unassigned, "cases") {
		if len(c.(map[string]any)["assignees"].([]any)) != 0 {
			t.Errorf("assignees=none found an assigned case")
		}
	}
	if unassigned["total"] == 0.0 {
		t.Error("no unassigned seeded case")
	}
	_, recent := do(t, k, "GET", "/api/cases/_find?from=now-3d&perPage=100", "", nil)
	for _, c := range caseItems(recent, "cases") {
		if c.(map[string]any)["created_at"].(string) < clock.t.AddDate(0, 0, -3).Format(time.RFC3339) {
			t.Errorf("from=now-3d found %v", c.(map[string]any)["created_at"])
		}
	}
	_, phishing := do(t, k, "GET", "/api/cases/_find?search=phish*&searchFields=title", "", nil)
	if phishing["total"] != 1.0 || !strings.HasPrefix(caseItems(phishing, "cases")[0].(map[string]any)["title"].(string), "Phishing wave") {
		t.Errorf("title search phish*: %v", phishing["total"])
	}
	_, and := do(t, k, "GET", "/api/cases/_find?search=ransomware+vpn&defaultSearchOperator=AND", "", nil)
	_, or := do(t, k, "GET", "/api/cases/_find?search=ransomware+vpn", "", nil)
	if and["total"] != 0.0 || or["total"] != 2.0 {
		t.Errorf("AND found %v, OR found %v", and["total"], or["total"])
	}
	_, countOnly := do(t, k, "GET", "/api/cases/_find?perPage=0", "", nil)
	if len(caseItems(countOnly, "cases")) != 0 || countOnly["total"] != float64(total) {
		t.Errorf("perPage=0: %v", countOnly)
	}

	for _, tc := range []struct{ query, msg string }{
		{"perPage=101", `[request query.perPage]: expected an integer from 0 to 100 but got "101"`},
		{"page=101&perPage=100", "The number of documents is too high. Paginating through more than 10000 documents is not possible."},
		{"status=done", "[request query.status]: expected one of [open, in-progress, closed] but got [done]"},
		{"sortField=priority", "[request query.sortField]: expected one of [createdAt, updatedAt, closedAt, title, category, status, severity] but got [priority]"},
		{"sortOrder=up", "[request query.sortOrder]: expected one of [asc, desc] but got [up]"},
		{"owner=siem", "[request query.owner.0]: expected one of [cases, observability, securitySolution] but got [siem]"},
		{"from=yesterday", `Invalid "from" and/or "to" query parameters`},
	} {
		status, body := do(t, k, "GET", "/api/cases/_find?"+tc.query, "", nil)
		caseWant(t, status, body, 400, tc.msg)
	}
}

func TestCaseTagsAndReportersAreDerived(t *testing.T) {
	clock := &caseClock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	k := New(Config{APIKey: testKey, Username: "tier1", Password: "pw", Seed: 1, Now: clock.now})
	_, tags := do(t, k, "GET", "/api/cases/tags?owner=cases", "", nil)
	if got := caseJSONOf(t, tags["list"]); got != `["access-review","compliance","maintenance","tls"]` {
		t.Errorf("cases tags %s", got)
	}
	basic := map[string]string{"Authorization": "Basic dGllcjE6cHc="} // tier1:pw
	status, body := do(t, k, "POST", "/api/cases", newCaseBody(t, func(m map[string]any) {
		m["owner"], m["tags"] = "cases", []any{"zz-new", "tls"}
	}), basic)
	caseWant(t, status, body, 200, "")
	if body["created_by"].(map[string]any)["username"] != "tier1" {
		t.Errorf("created by %v", body["created_by"])
	}
	_, tags = do(t, k, "GET", "/api/cases/tags?owner=cases", "", nil)
	if got := caseJSONOf(t, tags["list"]); got != `["access-review","compliance","maintenance","tls","zz-new"]` {
		t.Errorf("cases tags after create %s", got)
	}
	_, all := do(t, k, "GET", "/api/cases/tags", "", nil)
	if l := caseItems(all, "list"); !slices.Contains(l, any("phishing")) || !slices.Contains(l, any("zz-new")) || !slices.IsSortedFunc(l, func(a, b any) int { return strings.Compare(a.(string), b.(string)) }) {
		t.Errorf("all tags %v", l)
	}

	_, reporters := do(t, k, "GET", "/api/cases/reporters?owner=cases", "", nil)
	var names []string
	for _, r := range caseItems(reporters, "list") {
		names = append(names, r.(map[string]any)["username"].(string))
	}
	if strings.Join(names, ",") != "rpatel,snovak,tier1" {
		t.Errorf("cases reporters %v", names)
	}
	_, obs := do(t, k, "GET", "/api/cases/reporters?owner=observability", "", nil)
	if got := caseJSONOf(t, obs["list"]); !strings.Contains(got, `"username":"elastic"`) || strings.Contains(got, "tier1") {
		t.Errorf("observability reporters %s", got)
	}
	if r := caseItems(reporters, "list")[0].(map[string]any); r["full_name"] != "Raj Patel" || r["email"] != "raj.patel@example.com" {
		t.Errorf("reporter %v", r)
	}
}

func TestCaseAlertsAndPush(t *testing.T) {
	k, _ := newCaseSandbox(t)
	k.spaces["default"].seededConnectors = []connectorRef{{ID: "slack-1", Name: "SOC Slack", Type: ".slack"}, {ID: "jira-1", Name: "SOC Jira", Type: ".jira"}}
	c := testCreateCase(t, k, "", newCaseBody(t, nil))
	id := c["id"].(string)
	attach := func(ids ...string) (int, map[string]any) {
		idx := make([]string, len(ids))
		for i := range idx {
			idx[i] = ".internal.alerts-security.alerts-default-000001"
		}
		return do(t, k, "POST", "/api/cases/"+id+"/comments", caseJSONOf(t, map[string]any{
			"type": "alert", "owner": "securitySolution", "alertId": ids, "index": idx,
			"rule": map[string]any{"id": "rule-1", "name": "Multiple failed logins"},
		}), nil)
	}
	status, body := attach("a1", "a2")
	caseWant(t, status, body, 200, "")
	if body["totalAlerts"] != 2.0 || body["totalComment"] != 0.0 {
		t.Fatalf("after alerts: %v", body)
	}
	status, body = attach("a2", "a3")
	caseWant(t, status, body, 200, "")
	if body["totalAlerts"] != 3.0 || len(caseItems(body, "comments")) != 2 {
		t.Fatalf("attaching a2 again: %v", body)
	}
	if got := caseJSONOf(t, caseItems(body, "comments")[1].(map[string]any)["alertId"]); got != `["a3"]` {
		t.Errorf("second attachment holds %s, want only the new alert", got)
	}

	_, alerts := do(t, k, "GET", "/api/cases/"+id+"/alerts", "", nil)
	if l := caseItems(alerts, "list"); len(l) != 3 || l[0].(map[string]any)["id"] != "a1" || l[0].(map[string]any)["attached_at"] != "2025-03-10T09:00:00.000Z" {
		t.Errorf("case alerts %v", alerts)
	}
	_, byAlert := do(t, k, "GET", "/api/cases/alerts/a3", "", nil)
	if l := caseItems(byAlert, "list"); len(l) != 1 || l[0].(map[string]any)["id"] != id || l[0].(map[string]any)["title"] != "Suspicious login on web-01" {
		t.Errorf("cases of a3: %v", byAlert)
	}
	_, byAlert = do(t, k, "GET", "/api/cases/alerts/a3?owner=observability", "", nil)
	if len(caseItems(byAlert, "list")) != 0 {
		t.Errorf("owner filter: %v", byAlert)
	}

	status, body = do(t, k, "POST", "/api/cases/"+id+"/comments", `{"type":"alert","owner":"securitySolution","alertId":["x","y"],"index":["i"],"rule":{"id":"r","name":"n"}}`, nil)
	caseWant(t, status, body, 400, "Received an alert comment with ids and indices arrays of different lengths.")
	status, body = do(t, k, "POST", "/api/cases/"+id+"/comments", `{"type":"user","owner":"observability","comment":"x"}`, nil)
	caseWant(t, status, body, 400, "The owner field of the comment must match the case")
	status, body = do(t, k, "POST", "/api/cases/"+id+"/comments", `{"type":"user","owner":"securitySolution"}`, nil)
	caseWant(t, status, body, 400, "[request body.comment]: expected value of type [string] but got [undefined]")
	many := make([]string, 998)
	for i := range many {
		many[i] = fmt.Sprint("bulk-", i)
	}
	status, body = attach(many...)
	caseWant(t, status, body, 400, "Case has already reached the maximum allowed number (1000) of attached alerts on a case")

	_, conns := do(t, k, "GET", "/api/cases/configure/connectors/_find", "", nil)
	if l := caseItems(conns, "list"); len(l) != 1 || l[0].(map[string]any)["id"] != "jira-1" || l[0].(map[string]any)["actionTypeId"] != ".jira" {
		t.Errorf("case connectors %v", conns)
	}
	status, body = do(t, k, "POST", "/api/cases/"+id+"/connector/nope/_push", "", nil)
	caseWant(t, status, body, 404, "Saved object [action/nope] not found")
	status, body = do(t, k, "POST", "/api/cases/nope/connector/jira-1/_push", "", nil)
	caseWant(t, status, body, 404, "Saved object [cases/nope] not found")
	status, body = do(t, k, "POST", "/api/cases/"+id+"/connector/slack-1/_push", "", nil)
	caseWant(t, status, body, 400, "")
	status, pushed := do(t, k, "POST", "/api/cases/"+id+"/connector/jira-1/_push", "", nil)
	caseWant(t, status, pushed, 200, "")
	ext, _ := pushed["external_service"].(map[string]any)
	if ext == nil || ext["connector_id"] != "jira-1" || ext["connector_name"] != "SOC Jira" || !strings.HasPrefix(ext["external_title"].(string), "SOC-") ||
		ext["external_url"] != "https://soc-jira.atlassian.net/browse/"+ext["external_title"].(string) || ext["pushed_by"].(map[string]any)["username"] != "elastic" {
		t.Fatalf("external_service %v", pushed["external_service"])
	}
	if pushed["status"] != "open" { // the space's settings close by user
		t.Errorf("push changed the status to %v", pushed["status"])
	}
	for _, cm := range caseItems(pushed, "comments") {
		if cm.(map[string]any)["pushed_at"] == nil {
			t.Errorf("attachment not marked pushed: %v", cm)
		}
	}
	_, again := do(t, k, "POST", "/api/cases/"+id+"/connector/jira-1/_push", "", nil)
	if again["external_service"].(map[string]any)["external_id"] != ext["external_id"] {
		t.Errorf("a second push opened a new ticket: %v", again["external_service"])
	}
	_, acts := do(t, k, "GET", "/api/cases/"+id+"/user_actions/_find?types=pushed&types=alert", "", nil)
	if acts["total"] != 4.0 {
		t.Errorf("pushed and alert actions: %v", acts)
	}
}

func TestCaseCommentsUpdateFindAndDelete(t *testing.T) {
	k, _ := newCaseSandbox(t)
	c := testCreateCase(t, k, "", newCaseBody(t, nil))
	id := c["id"].(string)
	add := func(text string) map[string]any {
		_, body := do(t, k, "POST", "/api/cases/"+id+"/comments", `{"type":"user","owner":"securitySolution","comment":"`+text+`"}`, nil)
		return caseItems(body, "comments")[len(caseItems(body, "comments"))-1].(map[string]any)
	}
	first, second := add("first"), add("second")
	cid, cv := first["id"].(string), first["version"].(string)

	status, got := do(t, k, "GET", "/api/cases/"+id+"/comments/"+cid, "", nil)
	caseWant(t, status, got, 200, "")
	if got["comment"] != "first" || got["type"] != "user" || got["version"] != cv {
		t.Errorf("get comment %v", got)
	}
	status, body := do(t, k, "PATCH", "/api/cases/"+id+"/comments", `{"id":"`+cid+`","version":"stale","type":"user","owner":"securitySolution","comment":"edited"}`, nil)
	caseWant(t, status, body, 409, "This case has been updated. Please refresh before saving additional updates.")
	status, body = do(t, k, "PATCH", "/api/cases/"+id+"/comments", `{"id":"`+cid+`","version":"`+cv+`","type":"alert","owner":"securitySolution","alertId":"a","index":"i","rule":{"id":null,"name":null}}`, nil)
	caseWant(t, status, body, 400, "You cannot change the type of the comment.")
	status, body = do(t, k, "PATCH", "/api/cases/"+id+"/comments", `{"id":"nope","version":"`+cv+`","type":"user","owner":"securitySolution","comment":"edited"}`, nil)
	caseWant(t, status, body, 404, "This comment nope does not exist anymore.")
	status, body = do(t, k, "PATCH", "/api/cases/"+id+"/comments", `{"id":"`+cid+`","version":"`+cv+`","type":"user","owner":"securitySolution","comment":"edited"}`, nil)
	caseWant(t, status, body, 200, "")
	_, got = do(t, k, "GET", "/api/cases/"+id+"/comments/"+cid, "", nil)
	if got["comment"] != "edited" || got["version"] == cv || got["updated_at"] == nil {
		t.Errorf("edited comment %v", got)
	}

	_, found := do(t, k, "GET", "/api/cases/"+id+"/comments/_find?perPage=1&sortOrder=asc", "", nil)
	if found["total"] != 2.0 || found["per_page"] != 1.0 || caseItems(found, "comments")[0].(map[string]any)["id"] != cid {
		t.Errorf("find comments %v", found)
	}

	status, body = do(t, k, "DELETE", "/api/cases/"+id+"/comments/"+cid, "", nil)
	caseWant(t, status, body, 204, "")
	status, body = do(t, k, "GET", "/api/cases/"+id+"/comments/"+cid, "", nil)
	caseWant(t, status, body, 404, "Saved object [cases-comments/"+cid+"] not found")
	other := testCreateCase(t, k, "", newCaseBody(t, nil))
	status, body = do(t, k, "DELETE", "/api/cases/"+other["id"].(string)+"/comments/"+second["id"].(string), "", nil)
	caseWant(t, status, body, 404, "This comment "+second["id"].(string)+" does not exist in "+other["id"].(string)+".")
	_, got = do(t, k, "GET", "/api/cases/"+id, "", nil)
	if got["totalComment"] != 1.0 {
		t.Errorf("totalComment after delete %v", got["totalComment"])
	}

	status, body = do(t, k, "DELETE", "/api/cases/"+id+"/comments", "", nil)
	caseWant(t, status, body, 204, "")
	status, body = do(t, k, "DELETE", "/api/cases/"+id+"/comments", "", nil)
	caseWant(t, status, body, 404, "No comments found for "+id+".")
	_, acts := do(t, k, "GET", "/api/cases/"+id+"/user_actions/_find?types=user&sortOrder=asc", "", nil)
	var steps []string
	for _, a := range caseItems(acts, "userActions") {
		steps = append(steps, a.(map[string]any)["action"].(string))
	}
	if strings.Join(steps, " ") != "create create update delete delete" {
		t.Errorf("comment actions %v", steps)
	}
}

func TestCaseFiles(t *testing.T) {
	k, _ := newCaseSandbox(t)
	c := testCreateCase(t, k, "", newCaseBody(t, nil))
	id := c["id"].(string)
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("filename", "triage-notes")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="triage-notes.txt"`)
	h.Set("Content-Type", "text/plain")
	part, _ := w.CreatePart(h)
	part.Write([]byte("hello\n"))
	w.Close()
	status, body := do(t, k, "POST", "/api/cases/"+id+"/files", buf.String(), map[string]string{"Content-Type": w.FormDataContentType()})
	caseWant(t, status, body, 200, "")
	if body["totalComment"] != 0.0 || body["version"] == c["version"] || len(caseItems(body, "comments")) != 1 {
		t.Fatalf("after file: %v", body)
	}
	file := caseItems(body, "comments")[0].(map[string]any)
	meta := file["externalReferenceMetadata"].(map[string]any)["files"].([]any)[0].(map[string]any)
	if file["type"] != "externalReference" || file["externalReferenceAttachmentTypeId"] != ".files" ||
		meta["name"] != "triage-notes" || meta["extension"] != "txt" || meta["mimeType"] != "text/plain" {
		t.Errorf("file attachment %v", file)
	}
	_, acts := do(t, k, "GET", "/api/cases/"+id+"/user_actions/_find?types=attachment", "", nil)
	if acts["total"] != 1.0 {
		t.Errorf("attachment actions %v", acts)
	}
	status, body = do(t, k, "POST", "/api/cases/"+id+"/files", `{"file":"aGVsbG8K"}`, nil)
	caseWant(t, status, body, 400, "[request body.file]: expected value of type [Stream] but got [undefined]")
}

func TestCaseConfiguration(t *testing.T) {
	k, _ := newCaseSandbox(t)
	_, all := do(t, k, "GET", "/api/cases/configure", "", nil)
	l := caseItems(all, "list")
	if len(l) != 1 || l[0].(map[string]any)["owner"] != "securitySolution" || len(l[0].(map[string]any)["customFields"].([]any)) != 2 {
		t.Fatalf("seeded settings %v", all)
	}
	_, none := do(t, k, "GET", "/api/cases/configure?owner=observability", "", nil)
	if len(caseItems(none, "list")) != 0 {
		t.Errorf("observability settings %v", none)
	}
	body := `{"owner":"observability","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none","fields":null},"customFields":[{"key":"service","label":"Service","type":"text","required":true,"defaultValue":"checkout"}]}`
	status, created := do(t, k, "POST", "/api/cases/configure", body, nil)
	caseWant(t, status, created, 200, "")
	if created["owner"] != "observability" || created["version"] == nil || created["error"] != nil || len(created["mappings"].([]any)) != 0 {
		t.Fatalf("created settings %v", created)
	}
	// A required custom field with a default fills new cases of that owner.
	c := testCreateCase(t, k, "", newCaseBody(t, func(m map[string]any) { m["owner"] = "observability" }))
	if got := caseJSONOf(t, c["customFields"]); got != `[{"key":"service","type":"text","value":"checkout"}]` {
		t.Errorf("observability case customFields %s", got)
	}
	status, replaced := do(t, k, "POST", "/api/cases/configure", body, nil)
	caseWant(t, status, replaced, 200, "")
	_, obs := do(t, k, "GET", "/api/cases/configure?owner=observability", "", nil)
	if l := caseItems(obs, "list"); len(l) != 1 || l[0].(map[string]any)["id"] != replaced["id"] {
		t.Errorf("creating settings again should replace them: %v", obs)
	}

	cid := replaced["id"].(string)
	status, stale := do(t, k, "PATCH", "/api/cases/configure/"+cid, `{"version":"`+created["version"].(string)+`","closure_type":"close-by-pushing"}`, nil)
	caseWant(t, status, stale, 409, "This configuration has been updated. Please refresh before saving additional updates.")
	status, retyped := do(t, k, "PATCH", "/api/cases/configure/"+cid, `{"version":"`+replaced["version"].(string)+`","customFields":[{"key":"service","label":"Service","type":"toggle","required":false}]}`, nil)
	caseWant(t, status, retyped, 400, `Invalid custom field types in request for the following labels: "Service"`)
	status, patched := do(t, k, "PATCH", "/api/cases/configure/"+cid, `{"version":"`+replaced["version"].(string)+`","closure_type":"close-by-pushing","connector":{"id":"jira-1","name":"SOC Jira","type":".jira","fields":null}}`, nil)
	caseWant(t, status, patched, 200, "")
	if patched["closure_type"] != "close-by-pushing" || patched["version"] == replaced["version"] || patched["updated_at"] == nil ||
		len(patched["mappings"].([]any)) != 4 || patched["connector"].(map[string]any)["id"] != "jira-1" {
		t.Errorf("patched settings %v", patched)
	}
	status, missing := do(t, k, "PATCH", "/api/cases/configure/nope", `{"version":"x","closure_type":"close-by-user"}`, nil)
	caseWant(t, status, missing, 404, "Saved object [cases-configure/nope] not found")
	status, bad := do(t, k, "POST", "/api/cases/configure", `{"owner":"observability","closure_type":"close-when-done","connector":{"id":"none","name":"none","type":".none","fields":null}}`, nil)
	caseWant(t, status, bad, 400, "[request body.closure_type]: expected one of [close-by-user, close-by-pushing] but got [close-when-done]")
	status, bad = do(t, k, "POST", "/api/cases/configure", `{"owner":"cases","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none","fields":null},"customFields":[{"key":"a","label":"A","type":"text","required":false},{"key":"a","label":"B","type":"text","required":false}]}`, nil)
	caseWant(t, status, bad, 400, "Invalid caseDuplicates customFields keys in request: a")
}

func TestSeededCasesStory(t *testing.T) {
	clock := &caseClock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	a := New(Config{APIKey: testKey, Seed: 42, Now: clock.now})
	b := New(Config{APIKey: testKey, Seed: 42, Now: clock.now})
	_, fa := do(t, a, "GET", "/api/cases/_find?perPage=100", "", nil)
	_, fb := do(t, b, "GET", "/api/cases/_find?perPage=100", "", nil)
	if caseJSONOf(t, fa) != caseJSONOf(t, fb) {
		t.Error("the same seed gave different cases")
	}
	_, soc := do(t, a, "GET", "/s/soc/api/cases/_find?perPage=100", "", nil)
	if fa["total"] != float64(len(defaultSpaceCases)) || soc["total"] != float64(len(socSpaceCases)) {
		t.Fatalf("seeded %v cases in default and %v in soc", fa["total"], soc["total"])
	}
	owners := map[string]int{}
	for _, c := range caseItems(fa, "cases") {
		c := c.(map[string]any)
		owners[c["owner"].(string)]++
		if c["created_at"].(string) > "2025-03-10T09:00:00.000Z" {
			t.Errorf("case created in the future: %v", c["created_at"])
		}
		if c["status"] == "closed" && (c["closed_at"] == nil || c["duration"] == nil) {
			t.Errorf("closed case without closed_at: %v", c["title"])
		}
		_, acts := do(t, a, "GET", "/api/cases/"+c["id"].(string)+"/user_actions/_find?sortOrder=asc&perPage=100", "", nil)
		first := caseItems(acts, "userActions")[0].(map[string]any)
		if first["type"] != "create_case" {
			t.Errorf("%v: first action %v", c["title"], first["type"])
		}
		if int(acts["total"].(float64)) < 1+int(c["totalComment"].(float64)) {
			t.Errorf("%v: %v actions for %v comments", c["title"], acts["total"], c["totalComment"])
		}
	}
	if owners["securitySolution"] < 6 || owners["observability"] == 0 || owners["cases"] == 0 {
		t.Errorf("owners %v", owners)
	}
	titles := func(body map[string]any) (out []string) {
		for _, c := range caseItems(body, "cases") {
			out = append(out, c.(map[string]any)["title"].(string))
		}
		return out
	}
	for _, title := range titles(soc) {
		if slices.Contains(titles(fa), title) {
			t.Errorf("%q is in both spaces", title)
		}
	}
}

func TestSeededCasesTrackStoryAlertsAndConnectors(t *testing.T) {
	clock := &caseClock{t: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
	k := New(Config{APIKey: testKey, Seed: 5, Now: clock.now})
	sp := &space{id: "soc", name: "Security Operations", seededConnectors: []connectorRef{
		{ID: "email-1", Name: "SOC mail", Type: ".email"}, {ID: "snow-1", Name: "SOC ServiceNow", Type: ".servicenow"},
	}}
	for i, r := range storyRules {
		for j := range 8 {
			sp.seededAlerts = append(sp.seededAlerts, alertRef{
				ID: fmt.Sprintf("alert-%d-%d", i, j), Index: ".internal.alerts-security.alerts-soc-000001",
				RuleID: ruleIDIn("soc", i), RuleName: r.Name,
			})
		}
	}
	k.seedCases(sp, rand.New(rand.NewPCG(5, 1)))
	k.spaces["soc"] = sp

	_, found := do(t, k, "GET", "/s/soc/api/cases/_find?perPage=100&tags=ransomware", "", nil)
	var ransomware map[string]any
	for _, c := range caseItems(found, "cases") {
		if strings.HasPrefix(c.(map[string]any)["title"].(string), "Ransomware staged") {
			ransomware = c.(map[string]any)
		}
	}
	if ransomware == nil || ransomware["totalAlerts"].(float64) < 4 {
		t.Fatalf("ransomware case %v", ransomware)
	}
	status, full := do(t, k, "GET", "/s/soc/api/cases/"+ransomware["id"].(string), "", nil)
	caseWant(t, status, full, 200, "")
	alertAttachment := caseItems(full, "comments")[0].(map[string]any)
	if alertAttachment["type"] != "alert" || caseJSONOf(t, alertAttachment["rule"]) != caseJSONOf(t, map[string]string{"id": ruleIDIn("soc", 2), "name": storyRules[2].Name}) {
		t.Errorf("alert attachment %v", alertAttachment)
	}
	_, byAlert := do(t, k, "GET", "/s/soc/api/cases/alerts/"+url.PathEscape(alertAttachment["alertId"].([]any)[0].(string)), "", nil)
	if l := caseItems(byAlert, "list"); len(l) != 1 || l[0].(map[string]any)["id"] != ransomware["id"] {
		t.Errorf("cases by alert %v", byAlert)
	}

	// soc's settings close by pushing: its pushed case is closed, by the push.
	_, pushedCases := do(t, k, "GET", "/s/soc/api/cases/_find?search=tunneling&perPage=100", "", nil)
	dns := caseItems(pushedCases, "cases")[0].(map[string]any)
	ext, _ := dns["external_service"].(map[string]any)
	if dns["status"] != "closed" || ext == nil || ext["connector_id"] != "snow-1" || !strings.HasPrefix(ext["external_title"].(string), "INC") {
		t.Fatalf("pushed case: status %v, external_service %v", dns["status"], dns["external_service"])
	}
	if conn := dns["connector"].(map[string]any); conn["id"] != "snow-1" || conn["fields"].(map[string]any)["category"] != "security" {
		t.Errorf("pushed case connector %v", conn)
	}
	_, acts := do(t, k, "GET", "/s/soc/api/cases/"+dns["id"].(string)+"/user_actions/_find?types=pushed&types=status", "", nil)
	if acts["total"] != 3.0 {
		t.Errorf("status and push actions: %v", acts)
	}
	_, cfg := do(t, k, "GET", "/s/soc/api/cases/configure", "", nil)
	if c := caseItems(cfg, "list")[0].(map[string]any); c["closure_type"] != "close-by-pushing" || c["connector"].(map[string]any)["id"] != "snow-1" {
		t.Errorf("soc settings %v", c)
	}
}
