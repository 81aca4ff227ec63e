package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func monitorNames(t *testing.T, k *Kibana, query string) []string {
	t.Helper()
	body := sloGet(t, k, "/api/synthetics/monitors"+query)
	var names []string
	for _, m := range body["monitors"].([]any) {
		names = append(names, m.(map[string]any)["name"].(string))
	}
	return names
}

// TestSyntheticsSeededStory: the story's monitors, their status from the
// story (db-01 is offline, as Fleet shows it; web-03's outage is over),
// filters and sorting.
func TestSyntheticsSeededStory(t *testing.T) {
	k, now := sloKibana(t)
	if got := fmt.Sprint(monitorNames(t, k, "")); got != "[Corporate site journey db-01 PostgreSQL Intranet (web-03) Resolver 10.20.0.53 VPN portal]" {
		t.Errorf("monitors by name: %s", got)
	}
	if got := fmt.Sprint(monitorNames(t, k, "?status=down")); got != "[db-01 PostgreSQL]" {
		t.Errorf("down now: %s", got)
	}
	// During web-03's outage, it is down too.
	from, _ := web03Outage(*now)
	*now = from.Add(10 * time.Minute)
	if got := fmt.Sprint(monitorNames(t, k, "?status=down")); !strings.Contains(got, "Intranet (web-03)") {
		t.Errorf("down during the web-03 outage: %s", got)
	}
	if got := fmt.Sprint(monitorNames(t, k, "?monitorTypes=tcp&monitorTypes=icmp")); got != "[db-01 PostgreSQL Resolver 10.20.0.53]" {
		t.Errorf("tcp and icmp: %s", got)
	}
	if got := fmt.Sprint(monitorNames(t, k, "?locations=DMZ%20probes&tags=vpn")); got != "[VPN portal]" {
		t.Errorf("DMZ probes, tag vpn: %s", got)
	}
	if got := fmt.Sprint(monitorNames(t, k, "?query=intranet&sortOrder=desc")); got != "[Intranet (web-03)]" {
		t.Errorf("query intranet: %s", got)
	}
	body := sloGet(t, k, "/api/synthetics/monitors?per_page=2&page=3")
	if body["total"] != float64(5) || len(body["monitors"].([]any)) != 1 {
		t.Errorf("page 3 of 2: %v", body)
	}
	soc := sloGet(t, k, "/s/soc/api/synthetics/monitors")
	if soc["total"] != float64(2) {
		t.Errorf("soc monitors: %v", soc["total"])
	}
}

// TestSyntheticsMonitorLifecycle: create, the refusals Kibana makes, a
// partial update, a test run from a healthy and from a broken private
// location, delete.
func TestSyntheticsMonitorLifecycle(t *testing.T) {
	k, now := sloKibana(t)
	status, m := do(t, k, http.MethodPost, "/api/synthetics/monitors", `{"type":"tcp","name":"Mail relay","host":"mx-01.acme.internal:25","private_locations":["Lab probes"],"schedule":5}`, nil)
	if status != http.StatusOK || m["schedule"].(map[string]any)["number"] != "5" || m["locations"].([]any)[0].(map[string]any)["id"] != seedSpareLocationID {
		t.Fatalf("create: %d %v", status, m)
	}
	id := m["id"].(string)
	if got := fmt.Sprint(monitorNames(t, k, "?status=pending")); got != "[Mail relay]" {
		t.Errorf("pending before its first run: %s", got)
	}
	*now = now.Add(6 * time.Minute)
	if got := fmt.Sprint(monitorNames(t, k, "?status=pending")); got != "[]" {
		t.Errorf("pending after its first run: %s", got)
	}
	for _, c := range []struct{ body, want string }{
		{`{"type":"tcp","name":"x","host":"h:1","url":"https://x","locations":["us_east"]}`, "Invalid monitor key(s) for tcp type: url"},
		{`{"type":"http","name":"x","locations":["us_east"]}`, "url is required"},
		{`{"type":"http","name":"x","url":"https://x","locations":["mars_north"]}`, "Elastic managed Location(s) 'mars_north' not found"},
		{`{"type":"http","name":"x","url":"https://x"}`, "At least one location is required"},
		{`{"type":"http","name":"x","url":"https://x","locations":["us_east"],"schedule":7}`, "Invalid schedule 7"},
		{`{"type":"icmp","name":"x","host":"h","private_locations":["Nowhere"]}`, "Private Location(s) 'Nowhere' not found"},
	} {
		status, out := do(t, k, http.MethodPost, "/api/synthetics/monitors", c.body, nil)
		if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["message"]), c.want) {
			t.Errorf("%s: %d %v, want 400 with %q", c.body, status, out, c.want)
		}
	}

	// The lab's agent policy is gone: the test cannot run there.
	status, run := do(t, k, http.MethodPost, "/api/synthetics/monitor/test/"+id, "", nil)
	errs, _ := run["errors"].([]any)
	if status != http.StatusOK || run["testRunId"] == "" || len(errs) != 1 || !strings.Contains(fmt.Sprint(errs[0]), "synthetics-lab") {
		t.Errorf("test from the lab: %d %v", status, run)
	}
	status, run = do(t, k, http.MethodPost, "/api/synthetics/monitor/test/"+seedMonitorID, "", nil)
	if status != http.StatusOK || run["errors"] != nil {
		t.Errorf("test of the VPN portal (us_east and DMZ probes, agents online): %d %v", status, run)
	}

	status, out := do(t, k, http.MethodPut, "/api/synthetics/monitors/"+id, `{"type":"http","name":"x","url":"https://x"}`, nil)
	if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["message"]), "cannot be changed") {
		t.Errorf("type change: %d %v", status, out)
	}
	status, out = do(t, k, http.MethodPut, "/api/synthetics/monitors/"+id, `{"enabled":false,"locations":["uk"]}`, nil)
	if status != http.StatusOK || out["enabled"] != false || out["name"] != "Mail relay" || out["revision"] != float64(2) || len(out["locations"].([]any)) != 1 {
		t.Errorf("partial update: %d %v", status, out)
	}
	if got := fmt.Sprint(monitorNames(t, k, "?status=disabled")); got != "[Mail relay]" {
		t.Errorf("disabled: %s", got)
	}
	status, out = do(t, k, http.MethodPost, "/api/synthetics/monitors/_bulk_delete", `{"ids":["`+id+`","nope"]}`, nil)
	if status != http.StatusOK || fmt.Sprint(out["list"]) != fmt.Sprintf("[map[deleted:true ids:%s] map[deleted:false ids:nope]]", id) {
		t.Errorf("bulk delete: %d %v", status, out)
	}
}

// TestSyntheticsParamsAndLocations: parameters (unique keys, partial
// update, bulk delete) and private locations (a policy per location, the
// label followed by its monitors, no delete while in use).
func TestSyntheticsParamsAndLocations(t *testing.T) {
	k, _ := sloKibana(t)
	if status, out := do(t, k, http.MethodPost, "/api/synthetics/params", `{"key":"vpn_portal_url","value":"x"}`, nil); status != http.StatusConflict {
		t.Errorf("duplicate key: %d %v", status, out)
	}
	status, p := do(t, k, http.MethodPost, "/api/synthetics/params", `{"key":"probe_user","value":"synthetics","tags":["auth"]}`, nil)
	if status != http.StatusOK || p["key"] != "probe_user" {
		t.Fatalf("create param: %d %v", status, p)
	}
	status, upd := do(t, k, http.MethodPut, "/api/synthetics/params/"+p["id"].(string), `{"description":"Probe account"}`, nil)
	if status != http.StatusOK || upd["value"] != "synthetics" || upd["description"] != "Probe account" {
		t.Errorf("update param: %d %v", status, upd)
	}
	if status, out := do(t, k, http.MethodPut, "/api/synthetics/params/"+p["id"].(string), `{}`, nil); status != http.StatusBadRequest {
		t.Errorf("empty update: %d %v", status, out)
	}
	status, out := do(t, k, http.MethodDelete, "/api/synthetics/params/_bulk_delete", `{"ids":["`+p["id"].(string)+`"]}`, nil)
	if status != http.StatusOK || len(sloGet(t, k, "/api/synthetics/params")["list"].([]any)) != 1 {
		t.Errorf("bulk delete params: %d %v", status, out)
	}

	if status, out := do(t, k, http.MethodPost, "/api/synthetics/private_locations", `{"label":"Again","agentPolicyId":"prod-linux"}`, nil); status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["message"]), "agentPolicyId prod-linux") {
		t.Errorf("second location on a policy: %d %v", status, out)
	}
	if status, out := do(t, k, http.MethodPost, "/api/synthetics/private_locations", `{"label":"Ghost","agentPolicyId":"no-such-policy"}`, nil); status != http.StatusBadRequest {
		t.Errorf("location on a missing policy: %d %v", status, out)
	}
	if loc := sloGet(t, k, "/api/synthetics/private_locations/Lab%20probes"); loc["isInvalid"] != true {
		t.Errorf("lab location, policy gone: %v", loc)
	}
	if status, out := do(t, k, http.MethodDelete, "/api/synthetics/private_locations/"+seedDMZLocationID, "", nil); status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["message"]), "VPN portal") {
		t.Errorf("delete a location in use: %d %v", status, out)
	}
	if status, out := do(t, k, http.MethodPut, "/api/synthetics/private_locations/"+seedDMZLocationID, `{"label":"DMZ probes (Berlin)"}`, nil); status != http.StatusOK || out["label"] != "DMZ probes (Berlin)" {
		t.Errorf("rename: %d %v", status, out)
	}
	if got := fmt.Sprint(monitorNames(t, k, "?locations=DMZ%20probes%20(Berlin)&monitorTypes=http")); got != "[Intranet (web-03) VPN portal]" {
		t.Errorf("monitors follow the new label: %s", got)
	}
	if status, _ := do(t, k, http.MethodDelete, "/api/synthetics/private_locations/"+seedSpareLocationID, "", nil); status != http.StatusOK {
		t.Errorf("delete the unused lab location: %d", status)
	}
}

// TestSyntheticsMonitorMembersByType: each type takes its own settings
// (mode and ipv4/ipv6 for the lightweight ones, proxies, credentials and
// response for http), the password is kept but never answered, and find
// filters by schedules, all of the tags, and KQL over the saved object.
func TestSyntheticsMonitorMembersByType(t *testing.T) {
	k, _ := sloKibana(t)
	status, m := do(t, k, http.MethodPost, "/api/synthetics/monitors", `{"type":"http","name":"Auth portal","url":"https://portal.example.com","locations":["us_east"],"username":"probe","password":"pw-secret","mode":"all","service.name":"portal","tags":["a","b"],"schedule":5}`, nil)
	if status != http.StatusOK || m["mode"] != "all" || m["service.name"] != "portal" || m["username"] != "probe" {
		t.Fatalf("create: %d %v", status, m)
	}
	if _, got := do(t, k, http.MethodGet, "/api/synthetics/monitors/"+m["id"].(string), "", nil); strings.Contains(fmt.Sprint(m, got), "pw-secret") {
		t.Error("the password was answered")
	}
	for _, c := range []struct{ body, want string }{
		{`{"type":"tcp","name":"x","host":"h:1","locations":["us_east"],"mode":"any","ipv6":false,"proxy_use_local_resolver":true}`, ""},
		{`{"type":"icmp","name":"x","host":"h","locations":["us_east"],"ipv4":true}`, ""},
		{`{"type":"browser","name":"x","inline_script":"step()","locations":["us_east"],"mode":"all"}`, "Invalid monitor key(s) for browser type: mode"},
		{`{"type":"tcp","name":"x","host":"h:1","locations":["us_east"],"password":"p"}`, "Invalid monitor key(s) for tcp type: password"},
		{`{"type":"http","name":"x","url":"https://x","locations":["us_east"],"mode":"some"}`, `Invalid value "some" supplied to mode`},
		{`{"type":"http","name":"x","url":"https://x","locations":["us_east"],"params":"a=b"}`, "Invalid params: a=b"},
	} {
		status, body := do(t, k, http.MethodPost, "/api/synthetics/monitors", c.body, nil)
		if c.want == "" && status != http.StatusOK || c.want != "" && (status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(body["message"]), c.want)) {
			t.Errorf("%s: %d %v", c.body, status, body)
		}
	}
	for query, want := range map[string]string{
		"?tags=a&tags=b&useLogicalAndFor=tags&query=portal":                                  "[Auth portal]",
		"?tags=a&tags=zzz&useLogicalAndFor=tags":                                             "[]",
		"?schedules=5&query=portal":                                                          "[Auth portal]",
		"?filter=" + url.QueryEscape(`synthetics-monitor.attributes.service.name: "portal"`): "[Auth portal]",
	} {
		if got := fmt.Sprint(monitorNames(t, k, query)); got != want {
			t.Errorf("%s: %s, want %s", query, got, want)
		}
	}
}
