package tools

import (
	"slices"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
)

// issue22Tools are the first batch of issue 22: the maintenance windows,
// the Elastic Defend host tools and the platform toolset (with
// get_kibana_status, of a later batch).
func issue22Tools() []string {
	var names []string
	for _, op := range All() {
		if op.Toolset == "maintenance_windows" || op.Toolset == "platform" || slices.Contains(endpointHostsOperations, op) {
			names = append(names, op.Name)
		}
	}
	return names
}

// TestIssue22ExamplesSucceed runs every example of the batch against a
// fresh seeded sandbox: each must succeed, not merely be well formed. The
// protection updates note examples name a made-up integration policy (the
// sandbox's have random ids): reading its note first finds none.
func TestIssue22ExamplesSucceed(t *testing.T) {
	names := issue22Tools()
	if len(names) != 26 {
		t.Fatalf("%d tools in the batch, want 26: %v", len(names), names)
	}
	examplesSucceed(t, names, "get_protection_updates_note")
}

// examplesSucceed runs every example of the tools named against a fresh
// seeded sandbox: each must succeed, but for want404's, which must meet
// Kibana's 404 (an example naming what the sandbox cannot hold).
func examplesSucceed(t *testing.T, names []string, want404 string) {
	t.Helper()
	for _, name := range names {
		for i, ex := range mustLookup(t, name).Examples {
			_, client := sandboxtest.New(t, nil)
			isErr, texts := callFlow(t, client, name, ex)
			switch {
			case name == want404 && (!isErr || !strings.Contains(strings.Join(texts, " "), "404")):
				t.Errorf("%s example %d: want Kibana's 404, got %v", name, i, texts)
			case name != want404 && isErr:
				t.Errorf("%s example %d failed: %v", name, i, texts)
			}
		}
	}
}

// TestIssue22ArgumentChecks pins the checks the schemas cannot make, with
// the message the model reads.
func TestIssue22ArgumentChecks(t *testing.T) {
	const sched = `"schedule":{"custom":{"start":"2025-03-12T22:00:00Z","duration":"2h"}}`
	for _, c := range []struct{ tool, args, want string }{
		{"create_maintenance_window", `{"title":" ",` + sched + `}`, `invalid argument "title": must not be blank`},
		{"create_maintenance_window", `{"title":"t","schedule":{"custom":{"start":"tomorrow","duration":"2h"}}}`, `invalid argument "schedule.custom.start": must be an ISO 8601 time with offset, e.g. 2025-03-12T12:00:00Z`},
		{"create_maintenance_window", `{"title":"t","schedule":{"custom":{"start":"2025-03-12T22:00:00Z","duration":"2h","recurring":{"every":"1w","end":"2025-06-01T00:00:00Z","occurrences":4}}}}`, `invalid argument "schedule.custom.recurring": give end or occurrences, not both`},
		{"create_maintenance_window", `{"title":"t",` + sched + `,"scope":{"alerting":{"query":{"kql":" "}}}}`, `invalid argument "scope.alerting.query.kql": must not be blank; leave scope out to cover every rule`},
		{"update_maintenance_window", `{"id":"w"}`, `invalid arguments: give at least one of title, schedule, scope, enabled`},
		{"set_protection_updates_note", `{"package_policy_id":"p","note":"  "}`, `invalid argument "note": must not be only whitespace; give "" to clear the note`},
		{"create_short_url", `{"locatorId":"X","params":{},"slug":"abc","humanReadableSlug":true}`, `invalid argument "humanReadableSlug": is for when slug is left out; give one or the other`},
		{"put_logstash_pipeline", `{"id":"p","pipeline":"x","settings":{"pipeline.wrokers":2}}`, `invalid argument "settings.pipeline.wrokers": is not a pipeline setting Kibana manages; use one of pipeline.batch.delay, pipeline.batch.size, pipeline.ecs_compatibility, pipeline.ordered, pipeline.workers, queue.checkpoint.writes, queue.max_bytes, queue.type`},
		{"put_logstash_pipeline", `{"id":"p","pipeline":"x","settings":{"pipeline.workers":1.5}}`, `invalid argument "settings.pipeline.workers": must be a whole number of at least 1, got 1.5`},
		{"put_logstash_pipeline", `{"id":"p","pipeline":"x","settings":{"queue.type":"disk"}}`, `invalid argument "settings.queue.type": must be one of memory, persisted, got disk`},
		{"put_logstash_pipeline", `{"id":"p","pipeline":"x","settings":{"queue.max_bytes":1024}}`, `invalid argument "settings.queue.max_bytes": must be a size such as 1gb or 512mb, got 1024`},
		{"update_uptime_settings", `{}`, `invalid arguments: give at least one setting to change`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
	// What the schemas catch, named by field.
	for _, c := range []struct{ tool, args, field string }{
		{"find_endpoint_hosts", `{}`, "hostStatuses"},
		{"find_endpoint_hosts", `{"hostStatuses":["asleep"]}`, "hostStatuses"},
		{"put_logstash_pipeline", `{"id":"9lives","pipeline":"x"}`, "id"},
		{"create_short_url", `{"locatorId":"X","params":{},"slug":"a b"}`, "slug"},
		{"find_maintenance_windows", `{"status":["paused"]}`, "status"},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || !strings.Contains(err.Error(), `"`+c.field) {
			t.Errorf("%s %s: got %v, want an error naming %s", c.tool, c.args, err, c.field)
		}
	}
	// The Logstash booleans-as-words setting takes true and "true" alike.
	if _, err := mustLookup(t, "put_logstash_pipeline").Bind(args(t, `{"id":"p","pipeline":"x","settings":{"pipeline.ordered":true}}`)); err != nil {
		t.Errorf("pipeline.ordered true: %v", err)
	}
}

// TestIssue22Requests pins what reaches Kibana.
func TestIssue22Requests(t *testing.T) {
	req, err := mustLookup(t, "find_endpoint_hosts").Bind(args(t, `{"hostStatuses":["healthy","unhealthy"],"kuery":"united.endpoint.host.os.platform: linux","pageSize":50,"space_id":"soc"}`))
	if err != nil || req.Query.Encode() != "hostStatuses=healthy&hostStatuses=unhealthy&kuery=united.endpoint.host.os.platform%3A+linux&pageSize=50" || req.Space != "soc" {
		t.Errorf("find_endpoint_hosts: %v %+v", err, req)
	}
	req, err = mustLookup(t, "update_maintenance_window").Bind(args(t, `{"id":"w1","enabled":false}`))
	if err != nil || string(req.Body) != `{"enabled":false}` || req.Path != "/api/maintenance_window/w1" {
		t.Errorf("update_maintenance_window: %v %s %s", err, req.Path, req.Body)
	}
	req, err = mustLookup(t, "set_protection_updates_note").Bind(args(t, `{"package_policy_id":"p1","note":""}`))
	if err != nil || string(req.Body) != `{"note":""}` {
		t.Errorf("set_protection_updates_note clears with \"\": %v %s", err, req.Body)
	}
	req, err = mustLookup(t, "get_endpoint_policy_response").Bind(args(t, `{"agentId":"a1"}`))
	if err != nil || req.Query.Encode() != "agentId=a1" {
		t.Errorf("get_endpoint_policy_response: %v %+v", err, req)
	}
}

// TestIssue22AnnotationsAndAdmin: reads are read-only; replacing and
// deleting writes are destructive; settings work is Admin.
func TestIssue22AnnotationsAndAdmin(t *testing.T) {
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, openWorld
		"find_maintenance_windows":     {true, false, true, false},
		"create_maintenance_window":    {false, false, false, false},
		"update_maintenance_window":    {false, true, true, false},
		"delete_maintenance_window":    {false, true, true, false},
		"archive_maintenance_window":   {false, false, true, false},
		"set_protection_updates_note":  {false, true, true, false},
		"put_logstash_pipeline":        {false, true, true, false},
		"delete_short_url":             {false, true, true, false},
		"update_uptime_settings":       {false, true, true, false},
		"get_task_manager_health":      {true, false, true, false},
		"unarchive_maintenance_window": {false, false, true, false},
	} {
		a := mustLookup(t, name).Annotations()
		got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
		if got != want {
			t.Errorf("%s: hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", name, got, want)
		}
	}
	for _, name := range issue22Tools() {
		op := mustLookup(t, name)
		if op.ReadOnly() == op.Admin && name != "create_short_url" {
			t.Errorf("%s: Admin = %v; writes here are settings work, reads are not", name, op.Admin)
		}
	}
}
