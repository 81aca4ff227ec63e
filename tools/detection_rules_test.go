package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/mark3labs/mcp-go/mcp"
)

// bindError binds arguments to a tool and returns the error text ("" when
// they bind).
func bindError(t *testing.T, name, arguments string) string {
	t.Helper()
	var a map[string]any
	if err := json.Unmarshal([]byte(arguments), &a); err != nil {
		t.Fatalf("bad test arguments %s: %v", arguments, err)
	}
	_, err := mustLookup(t, name).Bind(a)
	if err == nil {
		return ""
	}
	return err.Error()
}

const ruleHead = `"name":"r","description":"d","risk_score":21,"severity":"low"`

func TestDetectionRuleTypeChecks(t *testing.T) {
	for _, tc := range []struct {
		name, tool, args, want string
	}{
		// Each type with what it needs binds.
		{"query", "create_detection_rule", `{` + ruleHead + `,"type":"query"}`, ""},
		{"eql", "create_detection_rule", `{` + ruleHead + `,"type":"eql","query":"process where true","language":"eql"}`, ""},
		{"esql", "create_detection_rule", `{` + ruleHead + `,"type":"esql","query":"FROM logs-*","language":"esql"}`, ""},
		{"threshold", "create_detection_rule", `{` + ruleHead + `,"type":"threshold","query":"*","threshold":{"field":"source.ip","value":5}}`, ""},
		{"threat_match", "create_detection_rule", `{` + ruleHead + `,"type":"threat_match","query":"*","threat_index":["ti"],"threat_query":"*","threat_mapping":[{"entries":[{"field":"a","type":"mapping","value":"b"}]}]}`, ""},
		{"machine_learning", "create_detection_rule", `{` + ruleHead + `,"type":"machine_learning","anomaly_threshold":50,"machine_learning_job_id":["j"]}`, ""},
		{"new_terms", "create_detection_rule", `{` + ruleHead + `,"type":"new_terms","query":"*","new_terms_fields":["host.name"],"history_window_start":"now-7d"}`, ""},
		{"saved_query", "create_detection_rule", `{` + ruleHead + `,"type":"saved_query","saved_id":"s"}`, ""},

		// Members of another type are named.
		{"threshold on query", "create_detection_rule", `{` + ruleHead + `,"type":"query","threshold":{"field":"a","value":1}}`, `invalid argument "threshold": is only for type "threshold"`},
		{"index on esql", "create_detection_rule", `{` + ruleHead + `,"type":"esql","query":"FROM a","language":"esql","index":["a"]}`, `invalid argument "index": is not for type "esql"`},
		{"query on ml", "create_detection_rule", `{` + ruleHead + `,"type":"machine_learning","anomaly_threshold":1,"machine_learning_job_id":["j"],"query":"*"}`, `invalid argument "query": is not for type "machine_learning"`},
		{"ml job on new_terms", "create_detection_rule", `{` + ruleHead + `,"type":"new_terms","query":"*","new_terms_fields":["a"],"history_window_start":"now-1d","machine_learning_job_id":["j"]}`, `invalid argument "machine_learning_job_id": is only for type "machine_learning"`},
		{"saved_id on eql", "create_detection_rule", `{` + ruleHead + `,"type":"eql","query":"x","language":"eql","saved_id":"s"}`, `invalid argument "saved_id": is not for type "eql"`},
		{"threat_index on threshold", "create_detection_rule", `{` + ruleHead + `,"type":"threshold","query":"*","threshold":{"field":"a","value":1},"threat_index":["ti"]}`, `invalid argument "threat_index": is only for type "threat_match"`},
		{"new_terms_fields on query", "preview_detection_rule", `{"invocationCount":1,"timeframeEnd":"2025-03-14T12:00:00Z",` + ruleHead + `,"type":"query","new_terms_fields":["a"]}`, `invalid argument "new_terms_fields": is only for type "new_terms"`},

		// Required members of each type.
		{"eql without language", "create_detection_rule", `{` + ruleHead + `,"type":"eql","query":"x"}`, `invalid argument "language": is required for type "eql"`},
		{"esql without query", "create_detection_rule", `{` + ruleHead + `,"type":"esql","language":"esql"}`, `invalid argument "query": is required for type "esql"`},
		{"threshold without threshold", "create_detection_rule", `{` + ruleHead + `,"type":"threshold","query":"*"}`, `invalid argument "threshold": is required for type "threshold"`},
		{"threat_match without mapping", "update_detection_rule", `{"id":"` + sandboxRuleID + `",` + ruleHead + `,"type":"threat_match","query":"*","threat_index":["ti"],"threat_query":"*"}`, `invalid argument "threat_mapping": is required for type "threat_match"`},
		{"ml without job", "create_detection_rule", `{` + ruleHead + `,"type":"machine_learning","anomaly_threshold":1}`, `invalid argument "machine_learning_job_id": is required for type "machine_learning"`},
		{"new_terms without window", "create_detection_rule", `{` + ruleHead + `,"type":"new_terms","query":"*","new_terms_fields":["a"]}`, `invalid argument "history_window_start": is required for type "new_terms"`},
		{"saved_query without saved_id", "create_detection_rule", `{` + ruleHead + `,"type":"saved_query"}`, `invalid argument "saved_id": is required for type "saved_query"`},

		// Languages follow the type.
		{"kuery on eql", "create_detection_rule", `{` + ruleHead + `,"type":"eql","query":"x","language":"kuery"}`, `invalid argument "language": must be "eql" for type "eql"`},
		{"esql on query", "create_detection_rule", `{` + ruleHead + `,"type":"query","language":"esql"}`, `invalid argument "language": must be "kuery" or "lucene" for type "query"`},

		// Bare objects are checked.
		{"threshold value", "create_detection_rule", `{` + ruleHead + `,"type":"threshold","query":"*","threshold":{"field":"a","value":0}}`, `invalid argument "threshold.value": must be an integer of at least 1`},
		{"threshold unknown member", "create_detection_rule", `{` + ruleHead + `,"type":"threshold","query":"*","threshold":{"field":"a","value":2,"count":3}}`, `invalid argument "threshold.count": is not a member`},
		{"mapping entry type", "create_detection_rule", `{` + ruleHead + `,"type":"threat_match","query":"*","threat_index":["ti"],"threat_query":"*","threat_mapping":[{"entries":[{"field":"a","type":"match","value":"b"}]}]}`, `invalid argument "threat_mapping[0].entries[0].type": must be "mapping"`},
		{"action params", "create_detection_rule", `{` + ruleHead + `,"type":"query","actions":[{"action_type_id":".slack","id":"c","params":"hi"}]}`, `invalid argument "actions[0].params": must be an object`},
		{"exception list namespace", "create_detection_rule", `{` + ruleHead + `,"type":"query","exceptions_list":[{"id":"a","list_id":"b","type":"detection","namespace_type":"global"}]}`, `invalid argument "exceptions_list[0].namespace_type"`},
		{"threat tactic", "create_detection_rule", `{` + ruleHead + `,"type":"query","threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0001","name":"Initial Access"}}]}`, `invalid argument "threat[0].tactic.reference": is required`},
		{"suppression on threshold", "create_detection_rule", `{` + ruleHead + `,"type":"threshold","query":"*","threshold":{"field":"a","value":2},"alert_suppression":{"group_by":["a"]}}`, `invalid argument "alert_suppression.duration": is required`},
		{"suppression group_by", "create_detection_rule", `{` + ruleHead + `,"type":"query","alert_suppression":{"group_by":["a","b","c","d"]}}`, `invalid argument "alert_suppression.group_by": must list 1 to 3 fields`},

		// Members real rules carry, by type.
		{"ml job as a string", "create_detection_rule", `{` + ruleHead + `,"type":"machine_learning","anomaly_threshold":50,"machine_learning_job_id":"j"}`, ""},
		{"ml job empty", "create_detection_rule", `{` + ruleHead + `,"type":"machine_learning","anomaly_threshold":50,"machine_learning_job_id":""}`, `invalid argument "machine_learning_job_id": must name at least one job`},
		{"ml job a number", "create_detection_rule", `{` + ruleHead + `,"type":"machine_learning","anomaly_threshold":50,"machine_learning_job_id":5}`, `invalid argument "machine_learning_job_id": must be a string or a list of strings`},
		{"eql extras", "create_detection_rule", `{` + ruleHead + `,"type":"eql","query":"any where true","language":"eql","event_category_override":"event.type","tiebreaker_field":"event.sequence","timestamp_field":"@timestamp"}`, ""},
		{"tiebreaker on query", "create_detection_rule", `{` + ruleHead + `,"type":"query","tiebreaker_field":"event.sequence"}`, `invalid argument "tiebreaker_field": is only for type "eql"`},
		{"threat batching", "create_detection_rule", `{` + ruleHead + `,"type":"threat_match","query":"*","threat_index":["ti"],"threat_query":"*","threat_mapping":[{"entries":[{"field":"a","type":"mapping","value":"b"}]}],"items_per_search":100,"concurrent_searches":2,"threat_language":"kuery","threat_filters":[]}`, ""},
		{"threat batching half", "create_detection_rule", `{` + ruleHead + `,"type":"threat_match","query":"*","threat_index":["ti"],"threat_query":"*","threat_mapping":[{"entries":[{"field":"a","type":"mapping","value":"b"}]}],"items_per_search":100}`, `invalid argument "concurrent_searches": is required with items_per_search`},
		{"threat_language on new_terms", "patch_detection_rule", `{"id":"` + sandboxRuleID + `","type":"new_terms","threat_language":"kuery"}`, `invalid argument "threat_language": is only for type "threat_match"`},
		{"timeline half", "create_detection_rule", `{` + ruleHead + `,"type":"query","timeline_id":"t1"}`, `invalid argument "timeline_title": is required with timeline_id`},
		{"severity mapping", "create_detection_rule", `{` + ruleHead + `,"type":"query","severity_mapping":[{"field":"event.severity","operator":"equals","value":"9","severity":"severe"}]}`, `invalid argument "severity_mapping[0].severity": must be low, medium, high or critical`},
		{"severity mapping operator", "create_detection_rule", `{` + ruleHead + `,"type":"query","severity_mapping":[{"field":"event.severity","operator":"is","value":"9","severity":"high"}]}`, `invalid argument "severity_mapping[0].operator": must be "equals"`},
		{"severity mapping value", "create_detection_rule", `{` + ruleHead + `,"type":"query","severity_mapping":[{"field":"event.severity","operator":"equals","value":9,"severity":"high"}]}`, `invalid argument "severity_mapping[0].value": must be a string`},
		{"risk score mapping", "update_detection_rule", `{"id":"` + sandboxRuleID + `",` + ruleHead + `,"type":"query","risk_score_mapping":[{"field":"event.risk_score","operator":"equals","value":"","risk_score":120}]}`, `invalid argument "risk_score_mapping[0].risk_score": must be an integer from 0 to 100`},
		{"max signals", "create_detection_rule", `{` + ruleHead + `,"type":"query","max_signals":0}`, `invalid argument "max_signals": must be at least 1`},
		{"version", "patch_detection_rule", `{"id":"` + sandboxRuleID + `","version":0}`, `invalid argument "version": must be at least 1`},
		{"interval", "preview_detection_rule", `{"invocationCount":1,"timeframeEnd":"2025-03-14T12:00:00Z",` + ruleHead + `,"type":"query","interval":"5 minutes"}`, `invalid argument "interval": must be a duration`},
		{"preview window end", "preview_detection_rule", `{"invocationCount":1,"timeframeEnd":"yesterday",` + ruleHead + `,"type":"query"}`, `invalid argument "timeframeEnd": must be an RFC 3339 time`},
		{"from", "create_detection_rule", `{` + ruleHead + `,"type":"query","from":"6 minutes ago"}`, `invalid argument "from": must be date math`},
		{"throttle", "create_detection_rule", `{` + ruleHead + `,"type":"query","throttle":"hourly"}`, `invalid argument "throttle": must be "no_actions", "rule" or an interval`},
		{"response action type", "create_detection_rule", `{` + ruleHead + `,"type":"query","response_actions":[{"action_type_id":".shell","params":{}}]}`, `invalid argument "response_actions[0].action_type_id": must be ".osquery" or ".endpoint"`},
		{"response action kill", "create_detection_rule", `{` + ruleHead + `,"type":"query","response_actions":[{"action_type_id":".endpoint","params":{"command":"kill-process"}}]}`, `invalid argument "response_actions[0].params.config": is required`},
		{"investigation fields", "create_detection_rule", `{` + ruleHead + `,"type":"query","investigation_fields":{"field_names":[]}}`, `invalid argument "investigation_fields.field_names": must list at least one field name`},
		{"related integration", "create_detection_rule", `{` + ruleHead + `,"type":"query","related_integrations":[{"package":"system","version":""}]}`, `invalid argument "related_integrations[0].version": must be a non-empty string`},
		{"required field ecs dropped", "create_detection_rule", `{` + ruleHead + `,"type":"query","required_fields":[{"name":"host.name","type":"keyword","ecs":true}]}`, ""},
		{"required field unknown member", "create_detection_rule", `{` + ruleHead + `,"type":"query","required_fields":[{"name":"host.name","type":"keyword","indexed":true}]}`, `invalid argument "required_fields[0].indexed": is not a member`},
		{"cardinality of a grouped field", "create_detection_rule", `{` + ruleHead + `,"type":"threshold","query":"*","threshold":{"field":["source.ip"],"value":5,"cardinality":[{"field":"source.ip","value":2}]}}`, `invalid argument "threshold.cardinality[0].field": is a field grouped by`},
		{"technique", "create_detection_rule", `{` + ruleHead + `,"type":"query","threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0006","name":"Credential Access","reference":"r"},"technique":[{"id":"T1110","name":"Brute Force"}]}]}`, `invalid argument "threat[0].technique[0].reference": is required`},
		{"exception list type", "create_detection_rule", `{` + ruleHead + `,"type":"query","exceptions_list":[{"id":"a","list_id":"b","type":"allowlist","namespace_type":"single"}]}`, `invalid argument "exceptions_list[0].type": must be one of`},
		{"action frequency", "create_detection_rule", `{` + ruleHead + `,"type":"query","actions":[{"action_type_id":".slack","id":"c","params":{},"frequency":{"summary":true,"notifyWhen":"always","throttle":null}}]}`, `invalid argument "actions[0].frequency.notifyWhen"`},
		{"suppression duration", "create_detection_rule", `{` + ruleHead + `,"type":"query","alert_suppression":{"group_by":["a"],"duration":{"value":0,"unit":"m"}}}`, `invalid argument "alert_suppression.duration.value": must be an integer of at least 1`},

		// Patch: only what changes; members of two types cannot meet.
		{"patch nothing", "patch_detection_rule", `{"id":"` + sandboxRuleID + `"}`, `invalid arguments: give at least one member to change`},
		{"patch two types", "patch_detection_rule", `{"id":"` + sandboxRuleID + `","threshold":{"field":"a","value":2},"new_terms_fields":["b"]}`, `invalid argument "new_terms_fields": cannot be given with "threshold"`},
		{"patch one type", "patch_detection_rule", `{"rule_id":"x","threshold":{"field":"a","value":2},"query":"*"}`, ""},
		{"patch with type", "patch_detection_rule", `{"id":"` + sandboxRuleID + `","type":"esql","index":["a"]}`, `invalid argument "index": is not for type "esql"`},
		{"patch both ids", "patch_detection_rule", `{"id":"` + sandboxRuleID + `","rule_id":"y","enabled":true}`, ""},
		{"patch only answered members", "patch_detection_rule", `{"id":"` + sandboxRuleID + `","rule_id":"y","revision":3,"created_at":"2025-01-01T00:00:00Z"}`, `invalid arguments: give at least one member to change`},
		{"update id not a uuid", "update_detection_rule", `{"id":"brute-force",` + ruleHead + `,"type":"query"}`, `invalid argument "id": must be the rule's id, a UUID`},
		{"update no id", "update_detection_rule", `{` + ruleHead + `,"type":"query"}`, `invalid argument "id": give id or rule_id`},
		{"delete no id", "delete_detection_rule", `{}`, `invalid argument "id": give id or rule_id`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := bindError(t, tc.tool, tc.args)
			switch {
			case tc.want == "" && got != "":
				t.Errorf("want no error, got %s", got)
			case tc.want != "" && !strings.HasPrefix(got, tc.want):
				t.Errorf("error %q, want it to start with %q", got, tc.want)
			}
		})
	}
}

func TestBulkDetectionRuleActionChecks(t *testing.T) {
	const ids = `"ids":["a"]`
	for _, tc := range []struct{ name, args, want string }{
		{"enable", `{"action":"enable",` + ids + `}`, ""},
		{"no choice", `{"action":"enable"}`, `invalid argument "ids": give ids or a query`},
		{"both", `{"action":"enable",` + ids + `,"query":"x"}`, `invalid argument "query": give ids or query, not both`},
		{"dry export", `{"action":"export",` + ids + `,"dry_run":true}`, `invalid argument "dry_run": is not supported for export`},
		{"edit missing", `{"action":"edit",` + ids + `}`, `invalid argument "edit": is required for action "edit"`},
		{"edit on delete", `{"action":"delete",` + ids + `,"edit":[{"type":"add_tags","value":["x"]}]}`, `invalid argument "edit": is only for action "edit"`},
		{"edit type", `{"action":"edit",` + ids + `,"edit":[{"type":"add_tag","value":["x"]}]}`, `invalid argument "edit[0].type": must be one of`},
		{"edit tags value", `{"action":"edit",` + ids + `,"edit":[{"type":"set_tags","value":"x"}]}`, `invalid argument "edit[0].value": must be a list of strings for set_tags`},
		{"edit schedule", `{"action":"edit",` + ids + `,"edit":[{"type":"set_schedule","value":{"interval":"5 minutes","lookback":"1m"}}]}`, `invalid argument "edit[0].value.interval": must be a duration`},
		{"edit overwrite_data_views on tags", `{"action":"edit",` + ids + `,"edit":[{"type":"add_tags","value":["x"],"overwrite_data_views":true}]}`, `invalid argument "edit[0].overwrite_data_views": is not a member`},
		{"edit suppression", `{"action":"edit",` + ids + `,"edit":[{"type":"set_alert_suppression_for_threshold","value":{"duration":{"value":5,"unit":"d"}}}]}`, `invalid argument "edit[0].value.duration.unit"`},
		{"delete suppression", `{"action":"edit",` + ids + `,"edit":[{"type":"delete_alert_suppression"}]}`, ""},
		{"run without dates", `{"action":"run",` + ids + `}`, `invalid argument "run": is required for action "run"`},
		{"run dates", `{"action":"run",` + ids + `,"run":{"start_date":"2025-01-01T00:00:00Z"}}`, `invalid argument "run.end_date": is required`},
		{"gaps without query", `{"action":"fill_gaps",` + ids + `,"gaps_range_start":"2025-01-01T00:00:00Z","gaps_range_end":"2025-01-02T00:00:00Z","fill_gaps":{"start_date":"2025-01-01T00:00:00Z","end_date":"2025-01-02T00:00:00Z"}}`, `invalid argument "gaps_range_start": is only for rules chosen by query`},
		{"gaps half", `{"action":"enable","query":"x","gaps_range_start":"2025-01-01T00:00:00Z"}`, `invalid argument "gaps_range_end": give gaps_range_start and gaps_range_end together`},
		{"gaps date", `{"action":"enable","query":"x","gaps_range_start":"monday","gaps_range_end":"2025-01-02T00:00:00Z"}`, `invalid argument "gaps_range_start": must be an RFC 3339 time`},
		{"duplicate flags", `{"action":"duplicate",` + ids + `,"duplicate":{"include_exceptions":"yes","include_expired_exceptions":false}}`, `invalid argument "duplicate.include_exceptions": must be true or false`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := bindError(t, "bulk_detection_rule_action", tc.args)
			switch {
			case tc.want == "" && got != "":
				t.Errorf("want no error, got %s", got)
			case tc.want != "" && !strings.HasPrefix(got, tc.want):
				t.Errorf("error %q, want it to start with %q", got, tc.want)
			}
		})
	}
}

// TestExportDetectionRulesBody: exporting all rules sends a null body,
// which Kibana reads as "every rule".
func TestExportDetectionRulesBody(t *testing.T) {
	req, err := mustLookup(t, "export_detection_rules").Bind(map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	if string(req.Body) != "null" || req.Mutates || req.Path != "/api/detection_engine/rules/_export" {
		t.Errorf("request %+v, want POST _export with a null body that does not mutate", req)
	}
	req, err = mustLookup(t, "export_detection_rules").Bind(map[string]any{"objects": []any{map[string]any{"rule_id": "a"}}, "file_name": "x.ndjson", "space_id": "soc"})
	if err != nil {
		t.Fatal(err)
	}
	if string(req.Body) != `{"objects":[{"rule_id":"a"}]}` || req.Query.Get("file_name") != "x.ndjson" || req.Space != "soc" {
		t.Errorf("request %+v body %s", req, req.Body)
	}
}

// TestDetectionRuleExamplesSucceed runs every example of the toolset against
// a fresh seeded sandbox: each must succeed, not merely be well formed.
func TestDetectionRuleExamplesSucceed(t *testing.T) {
	for _, op := range All() {
		if op.Toolset != "detection_rules" {
			continue
		}
		for i, ex := range op.Examples {
			_, client := sandboxtest.New(t, nil)
			isErr, texts := callFlow(t, client, op.Name, ex)
			if isErr {
				t.Errorf("%s example %d failed: %v", op.Name, i, texts)
			}
		}
	}
}

// TestDetectionRulesRoundTrip exports the space's rules, deletes one and
// imports the export back: the rule returns.
func TestDetectionRulesRoundTrip(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	var call mcp.CallToolRequest
	call.Params.Name = "export_detection_rules"
	call.Params.Arguments = map[string]any{}
	res, err := serve.Handler(client, Catalog, mustLookup(t, "export_detection_rules"))(t.Context(), call)
	if err != nil || res.IsError {
		t.Fatalf("export: %v %v", err, res)
	}
	var ndjson string
	for _, c := range res.Content {
		if r, ok := c.(mcp.EmbeddedResource); ok {
			ndjson = r.Resource.(mcp.TextResourceContents).Text
		}
	}
	if strings.Count(ndjson, "\n") != 6 || !strings.Contains(ndjson, `"exported_rules_count":5`) {
		t.Fatalf("export is not 5 rules and details:\n%s", ndjson)
	}
	if isErr, texts := callFlow(t, client, "delete_detection_rule", `{"rule_id":"dns-tunneling"}`); isErr {
		t.Fatal(texts)
	}
	arguments, _ := json.Marshal(map[string]any{"file": ndjson})
	isErr, texts := callFlow(t, client, "import_detection_rules", string(arguments))
	if isErr || !strings.Contains(texts[0], `"success_count":1`) || !strings.Contains(texts[0], `"rules_count":5`) {
		t.Fatalf("import without overwrite: %v %v", isErr, texts)
	}
	arguments, _ = json.Marshal(map[string]any{"file": ndjson, "overwrite": true})
	if isErr, texts := callFlow(t, client, "import_detection_rules", string(arguments)); isErr || !strings.Contains(texts[0], `"success_count":5`) || !strings.Contains(texts[0], `"success":true`) {
		t.Fatalf("import with overwrite: %v %v", isErr, texts)
	}
	if isErr, texts := callFlow(t, client, "get_detection_rule", `{"rule_id":"dns-tunneling"}`); isErr || !strings.Contains(texts[0], "Possible DNS tunneling") {
		t.Fatalf("imported rule not found: %v", texts)
	}
}
