package sandbox

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// osqueryKibana is a seeded sandbox whose clock the test moves.
func osqueryKibana(t *testing.T) (*Kibana, *time.Time) {
	t.Helper()
	now := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	return New(Config{APIKey: testKey, Seed: 1, Now: func() time.Time { return now }}), &now
}

func osqData(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	d, ok := body["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object: %v", body)
	}
	return d
}

// TestOsqueryLiveQueryLifecycle runs a query on two hosts, one of them
// offline: results appear two seconds later for the online one, the
// offline one stays pending until the action expires.
func TestOsqueryLiveQueryLifecycle(t *testing.T) {
	k, now := osqueryKibana(t)
	var offline string
	for _, a := range k.spaces["default"].fleet.agents.all() {
		if a.hostname == "db-01" {
			offline = a.id
		}
	}
	status, body := do(t, k, "POST", "/api/osquery/live_queries",
		fmt.Sprintf(`{"agent_ids":[%q,%q],"query":"select pid, name from processes where name = 'sshd';","ecs_mapping":{"process.pid":{"field":"pid"}},"case_ids":["c1"]}`, fleetExampleAgentA, offline), nil)
	if status != 200 {
		t.Fatalf("run: %d %v", status, body)
	}
	d := osqData(t, body)
	id := d["action_id"].(string)
	q := d["queries"].([]any)[0].(map[string]any)
	action := q["action_id"].(string)
	if d["type"] != "INPUT_ACTION" || len(d["agents"].([]any)) != 2 || q["query"] == nil || d["case_ids"].([]any)[0] != "c1" {
		t.Fatalf("answer %v", d)
	}
	results := "/api/osquery/live_queries/" + id + "/results/" + action

	// Before the agents answer: running, nothing to read.
	_, body = do(t, k, "GET", "/api/osquery/live_queries/"+id, "", nil)
	if d := osqData(t, body); d["status"] != "running" || d["queries"].([]any)[0].(map[string]any)["pending"] != 2.0 {
		t.Fatalf("fresh live query: %v", d)
	}
	if _, body = do(t, k, "GET", results, "", nil); osqData(t, body)["total"] != 0.0 {
		t.Fatalf("rows before any agent answered: %v", body)
	}

	// Two seconds on: web-01 answered with its sshd, db-01 did not.
	*now = now.Add(2 * time.Second)
	_, body = do(t, k, "GET", "/api/osquery/live_queries/"+id, "", nil)
	qd := osqData(t, body)["queries"].([]any)[0].(map[string]any)
	if qd["responded"] != 1.0 || qd["pending"] != 1.0 || qd["docs"] != 1.0 || qd["status"] != "running" {
		t.Fatalf("after 2s: %v", qd)
	}
	_, body = do(t, k, "GET", results, "", nil)
	d = osqData(t, body)
	edge := d["edges"].([]any)[0].(map[string]any)["_source"].(map[string]any)
	cols := edge["osquery"].(map[string]any)
	if d["total"] != 1.0 || cols["name"] != "sshd" || cols["pid"] != "812" || len(cols) != 2 || edge["agent"].(map[string]any)["name"] != "web-01" ||
		edge["process"].(map[string]any)["pid"] != "812" || edge["action_id"] != action {
		t.Fatalf("results: %v", d)
	}

	// Past the expiration the query is completed, db-01 still pending.
	*now = now.Add(5 * time.Minute)
	_, body = do(t, k, "GET", "/api/osquery/live_queries/"+id, "", nil)
	if d := osqData(t, body); d["status"] != "completed" {
		t.Fatalf("after expiry: %v", d)
	}

	// The list shows it first, with its query's action id.
	_, body = do(t, k, "GET", "/api/osquery/live_queries?pageSize=1", "", nil)
	d = osqData(t, body)
	item := d["items"].([]any)[0].(map[string]any)
	if d["total"] != 2.0 || item["_id"] != id || item["fields"].(map[string]any)["queries.action_id"].([]any)[0] != action {
		t.Fatalf("list: %v", d)
	}
	_, body = do(t, k, "GET", "/api/osquery/live_queries?kuery=case_ids:c1&page=1", "", nil)
	if d := osqData(t, body); d["total"] != 1.0 || len(d["items"].([]any)) != 0 {
		t.Fatalf("kuery and 0-based page: %v", d)
	}
}

func TestOsqueryLiveQueryRefusals(t *testing.T) {
	k, _ := osqueryKibana(t)
	for _, c := range []struct {
		body    string
		status  int
		message string
	}{
		{`{"agent_platforms":["darwin"],"query":"select 1;"}`, 400, "No agents found for selection"},
		{`{"agent_all":true}`, 400, "[request body.query]"},
		{`{"agent_all":true,"query":5}`, 400, "[request body.query]: expected value of type [string] but got [number]"},
		{`{"agent_all":true,"query":"select 1;","ecs_mapping":{"a":{"column":"x"}}}`, 400, "[request body.ecs_mapping.a.column]: definition for this key is missing"},
		{`{"agent_all":true,"pack_id":"nope"}`, 404, "Saved object [osquery-pack/nope] not found"},
		{`{"agent_all":true,"saved_query_id":"nope"}`, 404, "Saved object [osquery-saved-query/nope] not found"},
		{`{"agent_all":true,"queries":[{"id":"a"}]}`, 400, "[request body.queries.0.query]: expected value of type [string] but got [undefined]"},
	} {
		status, body := do(t, k, "POST", "/api/osquery/live_queries", c.body, nil)
		if status != c.status || !strings.Contains(fmt.Sprint(body["message"]), c.message) {
			t.Errorf("%s: %d %v, want %d %q", c.body, status, body, c.status, c.message)
		}
	}
	if status, body := do(t, k, "GET", "/api/osquery/live_queries/nope", "", nil); status != 404 {
		t.Errorf("unknown live query: %d %v", status, body)
	}
	if status, body := do(t, k, "GET", "/api/osquery/live_queries/9b2e5f30-ad3f-4e4f-9a01-3c4d5e6f7a01/results/nope", "", nil); status != 404 {
		t.Errorf("unknown action: %d %v", status, body)
	}
}

// TestOsqueryPackAndSavedQueryRuns runs the seeded pack on every agent and
// a saved query by name: one action per pack query, rows per platform.
func TestOsqueryPackAndSavedQueryRuns(t *testing.T) {
	k, now := osqueryKibana(t)
	status, body := do(t, k, "POST", "/api/osquery/live_queries", `{"agent_all":true,"pack_id":"`+osquerySeedPack+`"}`, nil)
	if status != 200 {
		t.Fatalf("%d %v", status, body)
	}
	d := osqData(t, body)
	if d["pack_name"] != "linux-incident-triage" || len(d["queries"].([]any)) != 3 || len(d["agents"].([]any)) != 11 {
		t.Fatalf("pack run: %v", d)
	}
	*now = now.Add(3 * time.Second)
	id := d["action_id"].(string)
	rows := map[string][]any{}
	for _, q := range d["queries"].([]any) {
		q := q.(map[string]any)
		_, body := do(t, k, "GET", "/api/osquery/live_queries/"+id+"/results/"+q["action_id"].(string)+"?pageSize=500", "", nil)
		rows[q["id"].(string)] = osqData(t, body)["edges"].([]any)
	}
	// uptime is for Linux only: the connected Linux agents (fleet-01,
	// vpn-gw-01, build-03, web-01, web-02) answer it.
	if len(rows["uptime"]) != 5 {
		t.Errorf("uptime rows %d", len(rows["uptime"]))
	}
	var vpnPorts []string
	for _, e := range rows["listening_ports"] {
		src := e.(map[string]any)["_source"].(map[string]any)
		if src["agent"].(map[string]any)["name"] == "vpn-gw-01" {
			vpnPorts = append(vpnPorts, src["osquery"].(map[string]any)["port"].(string))
		}
	}
	if strings.Join(vpnPorts, ",") != "22,1194,6789" {
		t.Errorf("vpn-gw-01 listens on %v", vpnPorts)
	}
	var found bool
	for _, e := range rows["processes"] {
		cols := e.(map[string]any)["_source"].(map[string]any)["osquery"].(map[string]any)
		if strings.Contains(cols["cmdline"].(string), "-enc") && cols["name"] == "powershell.exe" && cols["parent"] == "5012" {
			found = true
		}
	}
	if !found {
		t.Error("the story's encoded PowerShell (child of WINWORD.EXE) is not in the processes of ws-0142")
	}

	status, body = do(t, k, "POST", "/api/osquery/live_queries", `{"agent_ids":["`+fleetExampleAgentA+`"],"saved_query_id":"local_users"}`, nil)
	if q := osqData(t, body)["queries"].([]any)[0].(map[string]any); status != 200 || q["saved_query_id"] != "local_users" || !strings.Contains(q["query"].(string), "from users") {
		t.Fatalf("saved query run: %d %v", status, body)
	}
}

// TestOsqueryResultsFollowTheQuery checks the tables, columns, conditions
// and limits the sandbox understands.
func TestOsqueryResultsFollowTheQuery(t *testing.T) {
	k, now := osqueryKibana(t)
	var vpn string
	for _, a := range k.spaces["default"].fleet.agents.all() {
		if a.hostname == "vpn-gw-01" {
			vpn = a.id
		}
	}
	run := func(query string) []map[string]any {
		t.Helper()
		arg, _ := json.Marshal(query)
		status, body := do(t, k, "POST", "/api/osquery/live_queries", `{"agent_ids":["`+vpn+`"],"query":`+string(arg)+`}`, nil)
		if status != 200 {
			t.Fatalf("%s: %d %v", query, status, body)
		}
		d := osqData(t, body)
		*now = now.Add(3 * time.Second)
		_, body = do(t, k, "GET", "/api/osquery/live_queries/"+d["action_id"].(string)+"/results/"+d["queries"].([]any)[0].(map[string]any)["action_id"].(string), "", nil)
		var out []map[string]any
		for _, e := range osqData(t, body)["edges"].([]any) {
			out = append(out, e.(map[string]any)["_source"].(map[string]any)["osquery"].(map[string]any))
		}
		return out
	}
	if rows := run("select * from os_version;"); len(rows) != 1 || rows[0]["codename"] != "jammy" || rows[0]["major"] != "22" || rows[0]["platform"] != "ubuntu" {
		t.Errorf("os_version: %v", rows)
	}
	if rows := run("SELECT username AS u, shell FROM users WHERE shell = '/bin/bash';"); len(rows) < 3 || rows[0]["u"] != "root" || rows[0]["username"] != nil {
		t.Errorf("users with a login shell: %v", rows)
	}
	if rows := run("select count(*) as n from users where username like 'svc-%'"); len(rows) != 1 || rows[0]["n"] != "1" {
		t.Errorf("count: %v", rows)
	}
	if rows := run("select * from processes limit 2"); len(rows) != 2 {
		t.Errorf("limit: %v", rows)
	}
	if rows := run("select total_seconds from uptime"); len(rows) != 1 || rows[0]["total_seconds"] == "" {
		t.Errorf("uptime: %v", rows)
	}
	if rows := run("select * from kernel_modules"); len(rows) != 1 || rows[0]["hostname"] != "vpn-gw-01" {
		t.Errorf("unknown table: %v", rows)
	}
}

// TestOsquerySeededLiveQueryHasResults: yesterday's query on the brute
// force target is completed, linked to its case, and lists svc-backup.
func TestOsquerySeededLiveQueryHasResults(t *testing.T) {
	k, _ := osqueryKibana(t)
	_, body := do(t, k, "GET", "/api/osquery/live_queries/"+osquerySeedLive, "", nil)
	d := osqData(t, body)
	if d["status"] != "completed" || len(d["case_ids"].([]any)) != 1 || len(d["alert_ids"].([]any)) != 1 {
		t.Fatalf("seeded live query: %v", d)
	}
	_, body = do(t, k, "GET", "/api/osquery/live_queries/"+osquerySeedLive+"/results/"+osquerySeedLiveAction+"?kuery=user.name:svc-backup", "", nil)
	if d := osqData(t, body); d["total"] != 1.0 {
		t.Fatalf("svc-backup on vpn-gw-01: %v", d)
	}
	_, body = do(t, k, "GET", "/api/osquery/live_queries/"+osquerySeedLive+"/results/"+osquerySeedLiveAction+"?pageSize=2&page=1&sort=osquery.uid&sortOrder=asc", "", nil)
	if d := osqData(t, body); len(d["edges"].([]any)) != 2 || d["total"].(float64) < 8 {
		t.Fatalf("paging: %v", d)
	}
}

func TestOsquerySavedQueriesAreStateful(t *testing.T) {
	k, _ := osqueryKibana(t)
	status, body := do(t, k, "POST", "/api/osquery/saved_queries", `{"id":"shell_history","query":"select * from shell_history;","interval":"60","ecs_mapping":{"process.command_line":{"field":"command"}}}`, nil)
	if status != 200 {
		t.Fatalf("create: %d %v", status, body)
	}
	so := osqData(t, body)["saved_object_id"].(string)
	if status, body = do(t, k, "POST", "/api/osquery/saved_queries", `{"id":"shell_history","query":"select 1;"}`, nil); status != 409 || body["message"] != `Saved query with id "shell_history" already exists.` {
		t.Errorf("duplicate: %d %v", status, body)
	}
	for _, c := range []struct{ body, message string }{
		{`{"query":"select 1;"}`, "[request body.id]: expected value of type [string] but got [undefined]"},
		{`{"id":"x"}`, "[request body.query]: expected value of type [string] but got [undefined]"},
		{`{"id":"x","query":"select 1;","platform":"beos"}`, `[request body.platform]: unknown platform "beos"`},
		{`{"id":"x","query":"select 1;","interval":"soon"}`, `[request body.interval]: expected a number of seconds`},
		{`{"id":"x","query":"select 1;","owner":"me"}`, "[request body.owner]: definition for this key is missing"},
	} {
		if status, body := do(t, k, "POST", "/api/osquery/saved_queries", c.body, nil); status != 400 || !strings.HasPrefix(fmt.Sprint(body["message"]), c.message) {
			t.Errorf("%s: %d %v", c.body, status, body)
		}
	}
	if status, body = do(t, k, "PUT", "/api/osquery/saved_queries/"+so, `{"description":"What users typed."}`, nil); status != 200 || osqData(t, body)["description"] != "What users typed." || osqData(t, body)["interval"] != "60" {
		t.Errorf("update: %d %v", status, body)
	}
	if status, body = do(t, k, "PUT", "/api/osquery/saved_queries/"+so, `{"id":"local_users"}`, nil); status != 409 {
		t.Errorf("rename onto another: %d %v", status, body)
	}
	_, body = do(t, k, "GET", "/api/osquery/saved_queries?pageSize=2&sort=updatedAt", "", nil)
	if body["total"] != 4.0 || body["data"].([]any)[0].(map[string]any)["id"] != "shell_history" || len(body["data"].([]any)) != 2 {
		t.Errorf("find: %v", body)
	}
	if status, _ = do(t, k, "DELETE", "/api/osquery/saved_queries/"+so, "", nil); status != 200 {
		t.Errorf("delete: %d", status)
	}
	if status, body = do(t, k, "GET", "/api/osquery/saved_queries/"+so, "", nil); status != 404 || body["message"] != "Saved object [osquery-saved-query/"+so+"] not found" {
		t.Errorf("after delete: %d %v", status, body)
	}
	if status, _ = do(t, k, "GET", "/s/soc/api/osquery/saved_queries/"+osquerySeedUsersQuery, "", nil); status != 200 {
		t.Errorf("the soc space has its own seed: %d", status)
	}
}

func TestOsqueryPacksAreStateful(t *testing.T) {
	k, _ := osqueryKibana(t)
	status, body := do(t, k, "POST", "/api/osquery/packs", `{"name":"win","policy_ids":["p1"],"shards":{"p1":50},"queries":{"svc":{"query":"select * from services;","ecs_mapping":{"service.name":{"field":"name"}}}}}`, nil)
	if status != 200 {
		t.Fatalf("create: %d %v", status, body)
	}
	d := osqData(t, body)
	id := d["saved_object_id"].(string)
	if d["enabled"] != true || d["queries"].(map[string]any)["svc"].(map[string]any)["interval"] != 3600.0 {
		t.Errorf("defaults: %v", d)
	}
	if status, body = do(t, k, "POST", "/api/osquery/packs", `{"name":"win","queries":{"a":{"query":"select 1;"}}}`, nil); status != 409 || body["message"] != `Pack with name "win" already exists.` {
		t.Errorf("duplicate: %d %v", status, body)
	}
	for _, c := range []struct{ body, message string }{
		{`{"queries":{}}`, "[request body.name]: expected value of type [string] but got [undefined]"},
		{`{"name":"x"}`, "[request body.queries]: expected value of type [object] but got [undefined]"},
		{`{"name":"x","queries":{"a":{"sql":"select 1;"}}}`, "[request body.queries.a.query]: expected value of type [string] but got [undefined]"},
		{`{"name":"x","queries":{},"shards":{"p":120}}`, "[request body.shards.p]: must be a percentage from 0 to 100"},
	} {
		if status, body := do(t, k, "POST", "/api/osquery/packs", c.body, nil); status != 400 || body["message"] != c.message {
			t.Errorf("%s: %d %v", c.body, status, body)
		}
	}
	if status, body = do(t, k, "PUT", "/api/osquery/packs/"+id, `{"enabled":false,"queries":{"up":{"query":"select * from uptime;"}}}`, nil); status != 200 {
		t.Fatalf("update: %d %v", status, body)
	}
	if d := osqData(t, body); d["enabled"] != false || d["name"] != "win" || len(d["queries"].(map[string]any)) != 1 || d["queries"].(map[string]any)["up"] == nil {
		t.Errorf("after update: %v", d)
	}
	if status, body = do(t, k, "PUT", "/api/osquery/packs/"+id, `{"name":"linux-incident-triage"}`, nil); status != 409 {
		t.Errorf("rename onto another: %d %v", status, body)
	}
	_, body = do(t, k, "GET", "/api/osquery/packs?sortOrder=asc", "", nil)
	list := body["data"].([]any)
	if body["total"] != 2.0 || list[0].(map[string]any)["name"] != "linux-incident-triage" {
		t.Fatalf("find: %v", body)
	}
	stored := list[0].(map[string]any)["queries"].([]any)[0].(map[string]any)
	if stored["id"] != "listening_ports" || stored["ecs_mapping"].([]any)[0].(map[string]any)["key"] != "server.port" {
		t.Errorf("find answers queries in storage form: %v", stored)
	}
	if status, _ = do(t, k, "DELETE", "/api/osquery/packs/"+id, "", nil); status != 200 {
		t.Errorf("delete: %d", status)
	}
	if status, body = do(t, k, "DELETE", "/api/osquery/packs/"+id, "", nil); status != 404 || body["message"] != "Saved object [osquery-pack/"+id+"] not found" {
		t.Errorf("delete again: %d %v", status, body)
	}
}
