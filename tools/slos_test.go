package tools

import (
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
)

// batch3Tools are issue 22's third batch: the slos and synthetics
// toolsets.
func batch3Tools() []string {
	var names []string
	for _, op := range All() {
		if op.Toolset == "slos" || op.Toolset == "synthetics" {
			names = append(names, op.Name)
		}
	}
	return names
}

// TestSLOAndSyntheticsExamplesSucceed runs every example of the batch
// against a fresh seeded sandbox: each must succeed, not merely be well
// formed.
func TestSLOAndSyntheticsExamplesSucceed(t *testing.T) {
	names := batch3Tools()
	if len(names) != 30 {
		t.Fatalf("%d tools in the batch, want 30: %v", len(names), names)
	}
	for _, name := range names {
		for i, ex := range mustLookup(t, name).Examples {
			_, client := sandboxtest.New(t, nil)
			if isErr, texts := callFlow(t, client, name, ex); isErr {
				t.Errorf("%s example %d failed: %v", name, i, texts)
			}
		}
	}
}

// TestSLOAndSyntheticsArgumentChecks pins the checks the schemas cannot
// make, with the message the model reads.
func TestSLOAndSyntheticsArgumentChecks(t *testing.T) {
	const (
		kql  = `"indicator":{"type":"sli.kql.custom","params":{"index":"logs-*","timestampField":"@timestamp","good":"a","total":"b"}}`
		win  = `"timeWindow":{"duration":"30d","type":"rolling"}`
		base = `"name":"n","description":"d",` + kql + `,` + win
	)
	for _, c := range []struct{ tool, args, want string }{
		{"create_slo", `{` + base + `,"budgetingMethod":"occurrences","objective":{"target":99.5}}`, `invalid argument "objective.target": must be between 0 and 1, both excluded (0.995 for 99.5%), got 99.5`},
		{"create_slo", `{` + base + `,"budgetingMethod":"occurrences","objective":{"target":1}}`, `invalid argument "objective.target": must be between 0 and 1, both excluded (0.995 for 99.5%), got 1`},
		{"create_slo", `{"name":"n","description":"d",` + kql + `,"timeWindow":{"duration":"14d","type":"rolling"},"budgetingMethod":"occurrences","objective":{"target":0.99}}`, `invalid argument "timeWindow.duration": a rolling window is one of 7d, 30d, 90d, got "14d"`},
		{"create_slo", `{"name":"n","description":"d",` + kql + `,"timeWindow":{"duration":"30d","type":"calendarAligned"},"budgetingMethod":"occurrences","objective":{"target":0.99}}`, `invalid argument "timeWindow.duration": a calendarAligned window is one of 1w, 1M, got "30d"`},
		{"create_slo", `{` + base + `,"budgetingMethod":"timeslices","objective":{"target":0.99}}`, `invalid argument "objective.timesliceTarget": is required with timeslices budgeting`},
		{"create_slo", `{` + base + `,"budgetingMethod":"timeslices","objective":{"target":0.99,"timesliceTarget":0.9,"timesliceWindow":"2h"}}`, `invalid argument "objective.timesliceWindow": timeslices budgeting needs minutes from 1m to 120m, got "2h"`},
		{"create_slo", `{` + base + `,"budgetingMethod":"occurrences","objective":{"target":0.99,"timesliceWindow":"5m"}}`, `invalid argument "objective": timesliceTarget and timesliceWindow are for timeslices budgeting only`},
		{"create_slo", `{"name":"n","description":"d","indicator":{"type":"sli.apm.transactionDuration","params":{"service":"s","environment":"e","transactionType":"request","transactionName":"*","index":"apm-*"}},` + win + `,"budgetingMethod":"occurrences","objective":{"target":0.99}}`, `invalid argument "indicator.params.threshold": is required for sli.apm.transactionDuration`},
		{"create_slo", `{"name":"n","description":"d","indicator":{"type":"sli.metric.custom","params":{"index":"m-*","timestampField":"@timestamp","good":{"metrics":[{"name":"A","aggregation":"sum"}],"equation":"A"},"total":{"metrics":[{"name":"A","aggregation":"doc_count"}],"equation":"A"}}},` + win + `,"budgetingMethod":"occurrences","objective":{"target":0.99}}`, `invalid argument "indicator.params.good.metrics.0.field": is required for sum`},
		{"create_slo", `{"name":"n","description":"d","indicator":{"type":"sli.metric.custom","params":{"index":"m-*","timestampField":"@timestamp","good":{"metrics":[{"name":"A","aggregation":"doc_count"}],"equation":"A / B"},"total":{"metrics":[{"name":"A","aggregation":"doc_count"}],"equation":"A"}}},` + win + `,"budgetingMethod":"occurrences","objective":{"target":0.99}}`, `invalid argument "indicator.params.good.equation": names B, which no metric defines`},
		{"create_slo", `{"name":"n","description":"d","indicator":{"type":"sli.histogram.custom","params":{"index":"m-*","timestampField":"@timestamp","good":{"aggregation":"range","field":"latency","from":500,"to":100},"total":{"aggregation":"value_count","field":"latency"}}},` + win + `,"budgetingMethod":"occurrences","objective":{"target":0.99}}`, `invalid argument "indicator.params.good": range needs from and to, from below to`},
		{"create_slo", `{"name":"n","description":"d","indicator":{"type":"sli.metric.timeslice","params":{"index":"m-*","timestampField":"@timestamp","metric":{"metrics":[{"name":"A","aggregation":"avg","field":"cpu"}],"equation":"A","comparator":"LT","threshold":0.8}}},` + win + `,"budgetingMethod":"occurrences","objective":{"target":0.99}}`, `invalid argument "budgetingMethod": a sli.metric.timeslice indicator needs timeslices`},
		{"create_slo", `{` + base + `,"budgetingMethod":"occurrences","objective":{"target":0.99},"settings":{"syncDelay":"12h"}}`, `invalid argument "settings.syncDelay": must be minutes or hours from 1m to 360m, e.g. 5m, got "12h"`},
		{"update_slo", `{"sloId":"s"}`, `invalid arguments: give at least one member to change`},
		{"purge_slo_rollups", `{"list":["s"],"purgePolicy":{"purgeType":"fixed-age"}}`, `invalid argument "purgePolicy.age": fixed-age needs a duration such as 30d or 12w`},
		{"purge_slo_rollups", `{"list":["s"],"purgePolicy":{"purgeType":"fixed-time","timestamp":"yesterday"}}`, `invalid argument "purgePolicy.timestamp": fixed-time needs an ISO 8601 time with offset, e.g. 2025-01-01T00:00:00Z`},
		{"delete_slo_instances", `{"list":[{"sloId":"s","instanceId":"*"}]}`, `invalid argument "list.0.instanceId": * is every instance: delete the SLO with delete_slo instead`},
		{"create_synthetics_monitor", `{"type":"http","name":"n","locations":["us_east"]}`, `invalid argument "url": is required for a http monitor`},
		{"create_synthetics_monitor", `{"type":"tcp","name":"n","host":"db-01","locations":["us_east"]}`, `invalid argument "host": a tcp monitor needs host:port, e.g. db-01.example.com:5432`},
		{"create_synthetics_monitor", `{"type":"icmp","name":"n","host":"10.0.0.1","url":"https://x","locations":["us_east"]}`, `invalid argument "url": is for http monitors, not icmp`},
		{"create_synthetics_monitor", `{"type":"browser","name":"n","inline_script":"step()","locations":["us_east"],"ssl":{}}`, `invalid argument "ssl": is for http and tcp monitors, not browser`},
		{"create_synthetics_monitor", `{"type":"http","name":"n","url":"ftp://x"}`, `invalid argument "url": must be an http:// or https:// URL with a host`},
		{"create_synthetics_monitor", `{"type":"http","name":"n","url":"https://x"}`, `invalid argument "locations": give at least one of locations or private_locations (list_private_locations)`},
		{"create_synthetics_monitor", `{"type":"http","name":"n","url":"https://x","locations":["us_east"],"schedule":7}`, `invalid argument "schedule": must be one of 1, 3, 5, 10, 15, 30, 60, 120, 240 minutes, got 7`},
		{"create_synthetics_monitor", `{"type":"http","name":"n","url":"https://x","locations":["us_east"],"schedule":1,"timeout":90}`, `invalid argument "timeout": 90s is longer than the 1-minute schedule`},
		{"update_synthetics_param", `{"id":"p"}`, `invalid arguments: give at least one of key, value, description, tags`},
		{"create_private_location", `{"label":" ","agentPolicyId":"p"}`, `invalid argument "label": must not be blank`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
	// What the schemas catch, named by field.
	for _, c := range []struct{ tool, args, field string }{
		{"create_slo", `{"id":"short",` + base + `,"budgetingMethod":"occurrences","objective":{"target":0.99}}`, "id"},
		{"create_slo", `{"name":"n","description":"d","indicator":{"type":"sli.synthetics","params":{}},` + win + `,"budgetingMethod":"occurrences","objective":{"target":0.99}}`, "indicator.type"},
		{"find_slos", `{"sortBy":"name"}`, "sortBy"},
		{"create_synthetics_monitor", `{"type":"dns","name":"n"}`, "type"},
		{"create_synthetics_param", `{"key":"a-b","value":"v"}`, "key"},
		{"find_synthetics_monitors", `{"monitorTypes":["udp"]}`, "monitorTypes"},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || !strings.Contains(err.Error(), `"`+c.field) {
			t.Errorf("%s %s: got %v, want an error naming %s", c.tool, c.args, err, c.field)
		}
	}
}

// TestSLOAndSyntheticsRequests pins what reaches Kibana.
func TestSLOAndSyntheticsRequests(t *testing.T) {
	req, err := mustLookup(t, "find_slos").Bind(args(t, `{"kqlQuery":"status: VIOLATED","perPage":5,"space_id":"soc"}`))
	if err != nil || req.Path != "/api/observability/slos" || req.Query.Encode() != "kqlQuery=status%3A+VIOLATED&perPage=5" || req.Space != "soc" {
		t.Errorf("find_slos: %v %s %+v", err, req.Path, req.Query)
	}
	req, err = mustLookup(t, "update_slo").Bind(args(t, `{"sloId":"s1","objective":{"target":0.99}}`))
	if err != nil || req.Path != "/api/observability/slos/s1" || string(req.Body) != `{"objective":{"target":0.99}}` {
		t.Errorf("update_slo: %v %s %s", err, req.Path, req.Body)
	}
	req, err = mustLookup(t, "delete_synthetics_params").Bind(args(t, `{"ids":["a","b"]}`))
	if err != nil || req.Method != "DELETE" || string(req.Body) != `{"ids":["a","b"]}` {
		t.Errorf("delete_synthetics_params: %v %s %s", err, req.Method, req.Body)
	}
	req, err = mustLookup(t, "find_synthetics_monitors").Bind(args(t, `{"monitorTypes":["http","tcp"],"tags":["vpn"]}`))
	if err != nil || req.Query.Encode() != "monitorTypes=http&monitorTypes=tcp&tags=vpn" {
		t.Errorf("find_synthetics_monitors: %v %+v", err, req.Query)
	}
	req, err = mustLookup(t, "create_synthetics_monitor").Bind(args(t, `{"type":"tcp","name":"n","host":"h:1","private_locations":["DMZ probes"]}`))
	if err != nil || string(req.Body) != `{"type":"tcp","name":"n","host":"h:1","private_locations":["DMZ probes"]}` {
		t.Errorf("create_synthetics_monitor: %v %s", err, req.Body)
	}
}

// TestSLOAndSyntheticsAnnotationsAndAdmin: reads are read-only; deletes,
// resets and replacing writes are destructive; all writes but a test run
// are Admin.
func TestSLOAndSyntheticsAnnotationsAndAdmin(t *testing.T) {
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, openWorld
		"find_slos":                  {true, false, true, false},
		"create_slo":                 {false, false, false, false},
		"update_slo":                 {false, true, true, false},
		"reset_slo":                  {false, true, true, false},
		"disable_slo":                {false, false, true, false},
		"bulk_delete_slos":           {false, true, true, false},
		"delete_slo_instances":       {false, true, true, false},
		"test_synthetics_monitor":    {false, false, false, false},
		"update_synthetics_monitor":  {false, true, true, false},
		"delete_synthetics_params":   {false, true, true, false},
		"update_private_location":    {false, false, true, false},
		"get_slo_bulk_delete_status": {true, false, true, false},
	} {
		a := mustLookup(t, name).Annotations()
		got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
		if got != want {
			t.Errorf("%s: hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", name, got, want)
		}
	}
	for _, name := range batch3Tools() {
		op := mustLookup(t, name)
		if op.ReadOnly() == op.Admin && name != "test_synthetics_monitor" {
			t.Errorf("%s: Admin = %v; writes here are configuration work, reads are not", name, op.Admin)
		}
	}
	for _, ts := range []string{"slos", "synthetics"} {
		if s, ok := LookupToolset(ts); !ok || s.Default {
			t.Errorf("toolset %s: found %v, default %v; want a toolset outside the default selection", ts, ok, s.Default)
		}
	}
}
