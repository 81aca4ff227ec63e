package tools

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// TestFleetRequests pins the request each Fleet tool sends: method, path,
// query and body as Kibana receives them.
func TestFleetRequests(t *testing.T) {
	const (
		get, post, put, del = http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	)
	for _, tc := range []struct {
		tool, args                string
		method, path, query, body string
	}{
		// Lists ask for 20 items unless told otherwise.
		{"find_agents", `{}`, get, "/api/fleet/agents", "perPage=20", ""},
		{"find_agent_policies", `{}`, get, "/api/fleet/agent_policies", "perPage=20", ""},
		{"get_agent_action_status", `{}`, get, "/api/fleet/agents/action_status", "perPage=20", ""},
		{"find_agents", `{"kuery":"policy_id:p1","showInactive":true,"showUpgradeable":true,"getStatusSummary":true,"withMetrics":true,"sortField":"last_checkin","sortOrder":"asc","page":2,"perPage":5}`,
			get, "/api/fleet/agents", "getStatusSummary=true&kuery=policy_id%3Ap1&page=2&perPage=5&showInactive=true&showUpgradeable=true&sortField=last_checkin&sortOrder=asc&withMetrics=true", ""},
		// A status filter becomes KQL, ANDed with the model's own query;
		// inactive and unenrolled agents are only listed with showInactive.
		{"find_agents", `{"status":["online","error","online"],"kuery":"tags:web or tags:db"}`,
			get, "/api/fleet/agents", "kuery=%28status%3Aonline+or+status%3Aerror%29+and+%28tags%3Aweb+or+tags%3Adb%29&perPage=20", ""},
		{"find_agents", `{"status":["unenrolled"]}`,
			get, "/api/fleet/agents", "kuery=%28status%3Aunenrolled%29&perPage=20&showInactive=true", ""},
		{"find_agent_policies", `{"kuery":"ingest-agent-policies.name:prod*","withAgentCount":true,"full":true,"sortField":"name","sortOrder":"asc","page":3,"perPage":10}`,
			get, "/api/fleet/agent_policies", "full=true&kuery=ingest-agent-policies.name%3Aprod%2A&page=3&perPage=10&sortField=name&sortOrder=asc&withAgentCount=true", ""},
		// Action status pages count from 0, Kibana's default.
		{"get_agent_action_status", `{"page":0,"perPage":5,"date":"2025-03-12","errorSize":3}`,
			get, "/api/fleet/agents/action_status", "date=2025-03-12&errorSize=3&perPage=5", ""},
		{"get_agent", `{"agentId":"a1","withMetrics":true}`, get, "/api/fleet/agents/a1", "withMetrics=true", ""},
		{"get_agent_uploads", `{"agentId":"a1"}`, get, "/api/fleet/agents/a1/uploads", "", ""},
		{"get_agent_available_versions", `{}`, get, "/api/fleet/agents/available_versions", "", ""},
		{"get_agent_tags", `{"kuery":"policy_id:p1","showInactive":true}`, get, "/api/fleet/agents/tags", "kuery=policy_id%3Ap1&showInactive=true", ""},
		{"get_fleet_setup_status", `{}`, get, "/api/fleet/agents/setup", "", ""},
		{"get_agent_incoming_data", `{"agentsIds":["a1","a2"],"pkgName":"system","pkgVersion":"1.60.0","previewData":true}`,
			get, "/api/fleet/agent_status/data", "agentsIds=a1&agentsIds=a2&pkgName=system&pkgVersion=1.60.0&previewData=true", ""},
		// Agent changes. [] clears an agent's tags rather than being dropped.
		{"update_agent", `{"agentId":"a1","tags":[]}`, put, "/api/fleet/agents/a1", "", `{"tags":[]}`},
		{"update_agent", `{"agentId":"a1","user_provided_metadata":{"rack":"b12"}}`, put, "/api/fleet/agents/a1", "", `{"user_provided_metadata":{"rack":"b12"}}`},
		{"delete_agent", `{"agentId":"a1"}`, del, "/api/fleet/agents/a1", "", ""},
		{"unenroll_agent", `{"agentId":"a1"}`, post, "/api/fleet/agents/a1/unenroll", "", `{}`},
		{"unenroll_agent", `{"agentId":"a1","force":true,"revoke":true}`, post, "/api/fleet/agents/a1/unenroll", "", `{"force":true,"revoke":true}`},
		{"request_agent_diagnostics", `{"agentId":"a1"}`, post, "/api/fleet/agents/a1/request_diagnostics", "", `{}`},
		{"request_agent_diagnostics", `{"agentId":"a1","additional_metrics":["CPU"]}`, post, "/api/fleet/agents/a1/request_diagnostics", "", `{"additional_metrics":["CPU"]}`},
		// Bulk selections: agentIds is sent as the agents list, kuery as
		// the agents string.
		{"bulk_request_agent_diagnostics", `{"agentIds":["a1","a2"]}`, post, "/api/fleet/agents/bulk_request_diagnostics", "", `{"agents":["a1","a2"]}`},
		{"bulk_request_agent_diagnostics", `{"kuery":"policy_id:p1","batchSize":100,"additional_metrics":["CPU"]}`,
			post, "/api/fleet/agents/bulk_request_diagnostics", "", `{"agents":"policy_id:p1","batchSize":100,"additional_metrics":["CPU"]}`},
		{"bulk_reassign_agents", `{"policy_id":"p2","agentIds":["a1"]}`, post, "/api/fleet/agents/bulk_reassign", "", `{"policy_id":"p2","agents":["a1"]}`},
		{"bulk_reassign_agents", `{"policy_id":"p2","kuery":" policy_id:p1 ","includeInactive":true,"batchSize":500}`,
			post, "/api/fleet/agents/bulk_reassign", "", `{"policy_id":"p2","agents":"policy_id:p1","includeInactive":true,"batchSize":500}`},
		{"bulk_update_agent_tags", `{"agentIds":["a1"],"tagsToAdd":["web"]}`, post, "/api/fleet/agents/bulk_update_agent_tags", "", `{"agents":["a1"],"tagsToAdd":["web"]}`},
		{"bulk_update_agent_tags", `{"kuery":"tags:old","tagsToRemove":["old"],"tagsToAdd":["new"]}`,
			post, "/api/fleet/agents/bulk_update_agent_tags", "", `{"agents":"tags:old","tagsToAdd":["new"],"tagsToRemove":["old"]}`},
		// Agent policies: sys_monitoring is a query parameter; [], 0 and
		// false are sent when given.
		{"get_agent_policy", `{"agentPolicyId":"p1"}`, get, "/api/fleet/agent_policies/p1", "", ""},
		{"get_full_agent_policy", `{"agentPolicyId":"p1","standalone":true,"kubernetes":true}`, get, "/api/fleet/agent_policies/p1/full", "kubernetes=true&standalone=true", ""},
		{"get_agent_policy_outputs", `{"agentPolicyId":"p1"}`, get, "/api/fleet/agent_policies/p1/outputs", "", ""},
		{"get_agent_policies_outputs", `{"ids":["p1","p2"]}`, post, "/api/fleet/agent_policies/outputs", "", `{"ids":["p1","p2"]}`},
		{"create_agent_policy", `{"name":"n","namespace":"default"}`, post, "/api/fleet/agent_policies", "", `{"name":"n","namespace":"default"}`},
		{"create_agent_policy", `{"name":"n","namespace":"prod","sys_monitoring":true,"monitoring_enabled":[],"inactivity_timeout":0,"is_protected":false,"global_data_tags":[{"name":"tier","value":1}],"advanced_settings":{"agent_logging_level":"debug"},"agent_features":[{"name":"fqdn","enabled":true}]}`,
			post, "/api/fleet/agent_policies", "sys_monitoring=true",
			`{"name":"n","namespace":"prod","monitoring_enabled":[],"inactivity_timeout":0,"is_protected":false,"global_data_tags":[{"name":"tier","value":1}],"advanced_settings":{"agent_logging_level":"debug"},"agent_features":[{"name":"fqdn","enabled":true}]}`},
		{"update_agent_policy", `{"agentPolicyId":"p1","name":"n","namespace":"prod","monitoring_enabled":["logs"],"data_output_id":"o1"}`,
			put, "/api/fleet/agent_policies/p1", "", `{"name":"n","namespace":"prod","monitoring_enabled":["logs"],"data_output_id":"o1"}`},
		// Infrastructure.
		{"find_download_sources", `{}`, get, "/api/fleet/agent_download_sources", "", ""},
		{"create_download_source", `{"name":"m","host":"https://mirror.example.com/downloads/"}`,
			post, "/api/fleet/agent_download_sources", "", `{"name":"m","host":"https://mirror.example.com/downloads/"}`},
		{"update_download_source", `{"sourceId":"s1","name":"m","host":"https://mirror.example.com/","is_default":true,"proxy_id":"px","ssl":{"certificate_authorities":["CA"]}}`,
			put, "/api/fleet/agent_download_sources/s1", "", `{"name":"m","host":"https://mirror.example.com/","is_default":true,"proxy_id":"px","ssl":{"certificate_authorities":["CA"]}}`},
		{"delete_download_source", `{"sourceId":"s1"}`, del, "/api/fleet/agent_download_sources/s1", "", ""},
		{"get_fleet_server_host", `{"itemId":"h1"}`, get, "/api/fleet/fleet_server_hosts/h1", "", ""},
		// Kibana requires proxy_id on every update; omitted, it is null.
		{"update_fleet_server_host", `{"itemId":"h1","host_urls":["https://fleet:8220"]}`, put, "/api/fleet/fleet_server_hosts/h1", "", `{"host_urls":["https://fleet:8220"],"proxy_id":null}`},
		{"update_fleet_server_host", `{"itemId":"h1","is_default":false,"proxy_id":"px"}`, put, "/api/fleet/fleet_server_hosts/h1", "", `{"is_default":false,"proxy_id":"px"}`},
		{"create_logstash_api_key", `{}`, post, "/api/fleet/logstash_api_keys", "", ""},
		{"find_outputs", `{}`, get, "/api/fleet/outputs", "", ""},
		{"get_output", `{"outputId":"o1"}`, get, "/api/fleet/outputs/o1", "", ""},
		{"find_proxies", `{}`, get, "/api/fleet/proxies", "", ""},
		{"get_proxy", `{"itemId":"px"}`, get, "/api/fleet/proxies/px", "", ""},
		{"delete_proxy", `{"itemId":"px"}`, del, "/api/fleet/proxies/px", "", ""},
		// Outputs: the type's settings become members of the body itself,
		// after the declared ones, in name order.
		{"create_output", `{"name":"es","type":"elasticsearch","hosts":["https://es:9200"]}`,
			post, "/api/fleet/outputs", "", `{"name":"es","type":"elasticsearch","hosts":["https://es:9200"]}`},
		{"create_output", `{"name":"k","type":"kafka","hosts":["k1:9092"],"is_default":true,"settings":{"topic":"t","auth_type":"none","connection_type":"plaintext","required_acks":-1}}`,
			post, "/api/fleet/outputs", "", `{"name":"k","type":"kafka","hosts":["k1:9092"],"is_default":true,"auth_type":"none","connection_type":"plaintext","required_acks":-1,"topic":"t"}`},
		{"create_output", `{"name":"r","type":"remote_elasticsearch","hosts":["https://es:9200"],"preset":"latency","secrets":{"service_token":"tok"},"settings":{"kibana_url":"https://kb","sync_integrations":true}}`,
			post, "/api/fleet/outputs", "", `{"name":"r","type":"remote_elasticsearch","hosts":["https://es:9200"],"preset":"latency","secrets":{"service_token":"tok"},"kibana_url":"https://kb","sync_integrations":true}`},
		{"create_output", `{"name":"ls","type":"logstash","hosts":["ls.example.com:5044"],"settings":{}}`,
			post, "/api/fleet/outputs", "", `{"name":"ls","type":"logstash","hosts":["ls.example.com:5044"]}`},
	} {
		op := mustLookup(t, tc.tool)
		req, err := op.Bind(args(t, tc.args))
		if err != nil {
			t.Errorf("%s %s: %v", tc.tool, tc.args, err)
			continue
		}
		if req.Method != tc.method || req.Path != tc.path || req.Query.Encode() != tc.query || string(req.Body) != tc.body {
			t.Errorf("%s %s:\n got  %s %s ?%s %s\n want %s %s ?%s %s", tc.tool, tc.args,
				req.Method, req.Path, req.Query.Encode(), req.Body, tc.method, tc.path, tc.query, tc.body)
		}
		if req.APIVersion != operation.V20231031 || req.Mutates != !op.ReadOnly() || req.Retryable != op.Retryable() {
			t.Errorf("%s: api version %q, mutates %v, retryable %v", tc.tool, req.APIVersion, req.Mutates, req.Retryable)
		}
	}
}

// TestCreateOutputKeepsSpace checks that create_output, which builds its own
// request, still runs in the space it is given.
func TestCreateOutputKeepsSpace(t *testing.T) {
	req, err := mustLookup(t, "create_output").Bind(args(t, `{"name":"es","type":"elasticsearch","hosts":["https://es:9200"],"space_id":"soc"}`))
	if err != nil {
		t.Fatal(err)
	}
	if req.Space != "soc" || req.Path != "/api/fleet/outputs" || !req.Mutates || req.Retryable {
		t.Errorf("space %q, path %q, mutates %v, retryable %v", req.Space, req.Path, req.Mutates, req.Retryable)
	}
}

// TestFleetEscapesIDs checks that every ID stays one path segment, and that
// empty and dot segments are refused naming the argument.
func TestFleetEscapesIDs(t *testing.T) {
	for _, tc := range []struct{ tool, args, path string }{
		{"get_agent", `{"agentId":"../../api/security/role"}`, "/api/fleet/agents/..%2F..%2Fapi%2Fsecurity%2Frole"},
		{"unenroll_agent", `{"agentId":"a b?c#d"}`, "/api/fleet/agents/a%20b%3Fc%23d/unenroll"},
		{"get_full_agent_policy", `{"agentPolicyId":"p/1"}`, "/api/fleet/agent_policies/p%2F1/full"},
		{"update_agent_policy", `{"agentPolicyId":"%2e%2e","name":"n","namespace":"default"}`, "/api/fleet/agent_policies/%252e%252e"},
		{"delete_download_source", `{"sourceId":"mirror 1"}`, "/api/fleet/agent_download_sources/mirror%201"},
		{"update_fleet_server_host", `{"itemId":"h/1","name":"n"}`, "/api/fleet/fleet_server_hosts/h%2F1"},
		{"get_output", `{"outputId":"ümlaut"}`, "/api/fleet/outputs/%C3%BCmlaut"},
		{"delete_proxy", `{"itemId":"a?b"}`, "/api/fleet/proxies/a%3Fb"},
	} {
		req, err := mustLookup(t, tc.tool).Bind(args(t, tc.args))
		if err != nil {
			t.Errorf("%s %s: %v", tc.tool, tc.args, err)
			continue
		}
		if req.Path != tc.path {
			t.Errorf("%s %s: path %q, want %q", tc.tool, tc.args, req.Path, tc.path)
		}
	}
	for _, tc := range []struct{ tool, args, field string }{
		{"delete_agent", `{"agentId":".."}`, "agentId"},
		{"get_agent_uploads", `{"agentId":""}`, "agentId"},
		{"get_agent_policy", `{"agentPolicyId":"."}`, "agentPolicyId"},
		{"delete_proxy", `{"itemId":"a\nb"}`, "itemId"},
		{"get_output", `{"outputId":".."}`, "outputId"},
	} {
		_, err := mustLookup(t, tc.tool).Bind(args(t, tc.args))
		if ae, ok := schema.AsArgumentError(err); !ok || ae.Field != tc.field {
			t.Errorf("%s %s: err %v, want an error naming %s", tc.tool, tc.args, err, tc.field)
		}
	}
}

// TestFleetArgumentChecks pins the messages the model reads when Fleet
// arguments are wrong: each names the argument to fix.
func TestFleetArgumentChecks(t *testing.T) {
	const (
		policy = `"name":"n","namespace":"default"`
		es     = `"name":"o","type":"elasticsearch","hosts":["https://es:9200"]`
		kafka  = `"name":"k","type":"kafka","hosts":["k1:9092"]`
	)
	for _, tc := range []struct{ tool, args, want string }{
		// Paging and enums.
		{"find_agents", `{"perPage":1000}`, `invalid argument "perPage": must be at most 100, got 1000`},
		{"find_agents", `{"page":0}`, `invalid argument "page": must be at least 1, got 0`},
		{"find_agents", `{"status":["healthy"]}`, `invalid argument "status[0]": must be one of "online", "offline", "error", "degraded", "updating", "enrolling", "unenrolling", "unenrolled", "inactive", "uninstalled", "orphaned", got "healthy"`},
		{"find_agents", `{"sortOrder":"ascending"}`, `invalid argument "sortOrder": must be one of "asc", "desc", got "ascending"`},
		{"find_agent_policies", `{"perPage":0}`, `invalid argument "perPage": must be at least 1, got 0`},
		{"get_agent_action_status", `{"page":-1}`, `invalid argument "page": must be at least 0, got -1`},
		{"get_agent_incoming_data", `{}`, `invalid argument "agentsIds": is required`},
		{"get_agent_incoming_data", `{"agentsIds":["a1"],"pkgVersion":"1.0.0"}`, `invalid argument "pkgVersion": needs pkgName`},
		{"request_agent_diagnostics", `{"agentId":"a1","additional_metrics":["MEMORY"]}`, `invalid argument "additional_metrics[0]": must be one of "CPU", got "MEMORY"`},
		// Agent updates change something.
		{"update_agent", `{"agentId":"a1"}`, `invalid arguments: give tags, user_provided_metadata or both`},
		{"update_agent", `{"agentId":"a1","user_provided_metadata":"{\"rack\":1}"}`, `invalid argument "user_provided_metadata": must be an object, got "{\"rack\":1}"`},
		{"update_agent", `{"agentId":"a1","tags":[""]}`, `invalid argument "tags[0]": must not be empty`},
		// Bulk selections: IDs or KQL, never both; the KQL-only options
		// only with KQL.
		{"bulk_reassign_agents", `{"policy_id":"p2"}`, `invalid arguments: give agentIds (a list of agent IDs) or kuery (KQL selecting agents)`},
		{"bulk_reassign_agents", `{"agentIds":["a1"]}`, `invalid argument "policy_id": is required`},
		{"bulk_reassign_agents", `{"policy_id":"p2","agentIds":["a1"],"kuery":"tags:web"}`, `invalid argument "kuery": give either agentIds or kuery, not both`},
		{"bulk_reassign_agents", `{"policy_id":"p2","agentIds":["a1"],"includeInactive":true}`, `invalid argument "includeInactive": applies only with kuery; listed agentIds are used whatever their state`},
		{"bulk_reassign_agents", `{"policy_id":"p2","agentIds":["a1"],"batchSize":10}`, `invalid argument "batchSize": applies only with kuery`},
		{"bulk_reassign_agents", `{"policy_id":"p2","kuery":"  "}`, `invalid arguments: give agentIds (a list of agent IDs) or kuery (KQL selecting agents)`},
		{"bulk_reassign_agents", `{"policy_id":"p2","agentIds":["a1","a1"]}`, `invalid argument "agentIds[1]": repeats "a1"`},
		{"bulk_reassign_agents", `{"policy_id":"p2","agentIds":[" "]}`, `invalid argument "agentIds[0]": must not be blank`},
		{"bulk_reassign_agents", `{"policy_id":"p2","agentIds":[]}`, `invalid argument "agentIds": must have at least 1 items, got 0`},
		{"bulk_reassign_agents", `{"policy_id":"p2","agents":["a1"]}`, `invalid argument "agents": is not a known argument; allowed: agentIds, batchSize, includeInactive, kuery, policy_id, space_id`},
		{"bulk_reassign_agents", `{"policy_id":"p2","kuery":"tags:web","batchSize":20000}`, `invalid argument "batchSize": must be at most 10000, got 20000`},
		{"bulk_request_agent_diagnostics", `{"agentIds":["a1"],"batchSize":10}`, `invalid argument "batchSize": applies only with kuery`},
		{"bulk_request_agent_diagnostics", `{"kuery":"tags:web","includeInactive":true}`, `invalid argument "includeInactive": is not a known argument; allowed: additional_metrics, agentIds, batchSize, kuery, space_id`},
		{"bulk_update_agent_tags", `{"agentIds":["a1"]}`, `invalid arguments: give tagsToAdd, tagsToRemove or both`},
		{"bulk_update_agent_tags", `{"kuery":"tags:web","tagsToAdd":["a","b"],"tagsToRemove":["b"]}`, `invalid argument "tagsToRemove[0]": "b" is also in tagsToAdd; a tag cannot be added and removed at once`},
		{"bulk_update_agent_tags", `{"tagsToAdd":["a"]}`, `invalid arguments: give agentIds (a list of agent IDs) or kuery (KQL selecting agents)`},
		// Agent policies: required members, namespace rules and the
		// members shown as bare objects.
		{"create_agent_policy", `{"name":"n"}`, `invalid argument "namespace": is required`},
		{"create_agent_policy", `{"namespace":"default"}`, `invalid argument "name": is required`},
		{"create_agent_policy", `{"name":"","namespace":"default"}`, `invalid argument "name": must not be empty`},
		{"create_agent_policy", `{"name":"n","namespace":"prod-eu"}`, `invalid argument "namespace": must be lowercase without spaces or any of * \ / ? " < > | , # : -, e.g. default or prod_eu`},
		{"update_agent_policy", `{"agentPolicyId":"p1","name":"n","namespace":"Prod"}`, `invalid argument "namespace": must be lowercase without spaces or any of * \ / ? " < > | , # : -, e.g. default or prod_eu`},
		{"update_agent_policy", `{"agentPolicyId":"p1","name":"n"}`, `invalid argument "namespace": is required`},
		{"create_agent_policy", `{` + policy + `,"monitoring_enabled":["logs","apm"]}`, `invalid argument "monitoring_enabled[1]": must be one of "logs", "metrics", "traces", got "apm"`},
		{"create_agent_policy", `{` + policy + `,"inactivity_timeout":-1}`, `invalid argument "inactivity_timeout": must be at least 0, got -1`},
		{"create_agent_policy", `{` + policy + `,"global_data_tags":[{"value":"x"}]}`, `invalid argument "global_data_tags[0].name": is required`},
		{"create_agent_policy", `{` + policy + `,"global_data_tags":[{"name":"team"}]}`, `invalid argument "global_data_tags[0].value": is required: a string or a number`},
		{"create_agent_policy", `{` + policy + `,"global_data_tags":[{"name":"team","value":true}]}`, `invalid argument "global_data_tags[0].value": is required: a string or a number`},
		{"update_agent_policy", `{"agentPolicyId":"p1",` + policy + `,"global_data_tags":[{"name":"t","value":1},{"name":"t","value":2}]}`, `invalid argument "global_data_tags[1].name": repeats "t"`},
		{"create_agent_policy", `{` + policy + `,"advanced_settings":{"agent_logging_level":"debug","log_level":"info"}}`, `invalid argument "advanced_settings.log_level": is not an agent setting; known: agent_download_target_directory, agent_download_timeout, agent_limits_go_max_procs, agent_logging_files_interval, agent_logging_files_keepfiles, agent_logging_files_rotateeverybytes, agent_logging_level, agent_logging_metrics_period, agent_logging_to_files, agent_monitoring_runtime_experimental`},
		{"create_agent_policy", `{` + policy + `,"advanced_settings":"{\"agent_logging_level\":\"debug\"}"}`, `invalid argument "advanced_settings": must be an object, got "{\"agent_logging_level\":\"debug\"}"`},
		{"create_agent_policy", `{` + policy + `,"agent_features":[{"name":"fqdn"}]}`, `invalid argument "agent_features[0].enabled": is required (true or false)`},
		{"update_agent_policy", `{"agentPolicyId":"p1",` + policy + `,"agent_features":[{"enabled":true}]}`, `invalid argument "agent_features[0].name": is required, e.g. fqdn`},
		{"create_agent_policy", `{` + policy + `,"agent_features":[{"name":"fqdn","enabled":true,"on":true}]}`, `invalid argument "on": unknown argument; see the tool's input schema for the accepted names`},
		{"create_agent_policy", `{` + policy + `,"required_versions":[{"version":"9.1","percentage":10}]}`, `invalid argument "required_versions[0].version": must be an agent version such as 9.1.0, got "9.1"`},
		{"create_agent_policy", `{` + policy + `,"required_versions":[{"version":"9.1.0","percentage":60},{"version":"9.1.0","percentage":10}]}`, `invalid argument "required_versions[1].version": 9.1.0 is listed twice; give each version once`},
		{"update_agent_policy", `{"agentPolicyId":"p1",` + policy + `,"required_versions":[{"version":"9.1.0"}]}`, `invalid argument "required_versions[0].percentage": is required, from 0 to 100`},
		{"update_agent_policy", `{"agentPolicyId":"p1",` + policy + `,"required_versions":[{"version":"9.1.0","percentage":60},{"version":"9.0.4","percentage":50}]}`, `invalid argument "required_versions": percentages add up to 110; they must not exceed 100`},
		{"create_agent_policy", `{` + policy + `,"monitoring_http":{"enabled":true,"port":70000}}`, `invalid argument "monitoring_http.port": must be a whole number from 0 to 65353, got 70000`},
		{"create_agent_policy", `{` + policy + `,"monitoring_http":{"enabled":"yes"}}`, `invalid argument "monitoring_http.enabled": must be a boolean, not a JSON string`},
		{"create_agent_policy", `{` + policy + `,"monitoring_diagnostics":{"limits":{}}}`, `invalid argument "monitoring_diagnostics.limits": is not a known member; known: limit, uploader`},
		{"create_agent_policy", `{` + policy + `,"agentless":{"cloud_connectors":{"target_csp":"aws"}}}`, `invalid argument "agentless.cloud_connectors.enabled": is required`},
		{"create_agent_policy", `{` + policy + `,"overrides":"agent.logging.level: debug"}`, `invalid argument "overrides": must be an object, got "agent.logging.level: debug"`},
		{"update_agent_policy", `{"agentPolicyId":"p1",` + policy + `,"format":"yaml"}`, `invalid argument "format": must be one of "simplified", "legacy", got "yaml"`},
		// find_agents: point-in-time paging.
		{"find_agents", `{"searchAfter":"agent-1"}`, `invalid argument "searchAfter": must be the JSON array an earlier answer gave as nextSearchAfter, e.g. ["2024-05-01T10:00:00.000Z","agent-1"]`},
		{"find_agents", `{"searchAfter":"[1,\"a\"]","page":3}`, `invalid argument "page": cannot be combined with searchAfter, which already says where the page starts`},
		{"find_agents", `{"openPit":true,"pitId":"p"}`, `invalid argument "openPit": opens a new point in time; leave it out when continuing with pitId`},
		{"find_agents", `{"openPit":true,"pitKeepAlive":"one minute"}`, `invalid argument "pitKeepAlive": must be a duration such as 30s, 1m or 1h, got "one minute"`},
		{"get_agent_policies_outputs", `{"ids":[]}`, `invalid argument "ids": must have at least 1 items, got 0`},
		// Download sources and Fleet Server hosts.
		{"create_download_source", `{"name":"m","host":"artifacts.example.com"}`, `invalid argument "host": must be an http or https URL with a host, got "artifacts.example.com"`},
		{"update_download_source", `{"sourceId":"s1","name":"m"}`, `invalid argument "host": is required`},
		{"create_download_source", `{"name":"m","host":"https://a.example.com","ssl":{"ca":"x"}}`, `invalid argument "ssl.ca": is not a known member; known: certificate, certificate_authorities, key`},
		{"create_download_source", `{"name":"m","host":"https://a.example.com","ssl":{"certificate_authorities":"x"}}`, `invalid argument "ssl.certificate_authorities": must be an array, not a JSON string`},
		{"update_fleet_server_host", `{"itemId":"h1"}`, `invalid arguments: give at least one of name, host_urls, is_default, proxy_id, ssl, secrets or is_internal`},
		{"update_fleet_server_host", `{"itemId":"h1","host_urls":[]}`, `invalid argument "host_urls": must have at least 1 items, got 0`},
		{"update_fleet_server_host", `{"itemId":"h1","host_urls":["fleet.example.com:8220"]}`, `invalid argument "host_urls[0]": must be an http or https URL with a host, got "fleet.example.com:8220"`},
		{"create_download_source", `{"name":"m","host":"https://a.example.com","ssl":{"key":"PEM"},"secrets":{"ssl":{"key":"PEM"}}}`, `invalid argument "secrets.ssl.key": give the key once: in ssl.key or here, not both`},
		{"create_download_source", `{"name":"m","host":"https://a.example.com","secrets":{"ssl":{"es_key":"PEM"}}}`, `invalid argument "secrets.ssl.es_key": is not a secret of this object`},
		{"update_download_source", `{"sourceId":"s1","name":"m","host":"https://a.example.com","secrets":{"ssl":{"key":{"name":"k"}}}}`, `invalid argument "secrets.ssl.key": must be the secret as a string, or {"id": "<stored secret id>"}`},
		{"update_fleet_server_host", `{"itemId":"h1","ssl":{"agent_key":"PEM"},"secrets":{"ssl":{"agent_key":{"id":"s1"}}}}`, `invalid argument "secrets.ssl.agent_key": give the key once: in ssl.agent_key or here, not both`},
		{"update_fleet_server_host", `{"itemId":"h1","secrets":{"ssl":{"key":""}}}`, `invalid argument "secrets.ssl.key": must not be empty`},
		{"update_fleet_server_host", `{"itemId":"h1","ssl":{"client_auth":"always"}}`, `invalid argument "ssl.client_auth": must be none, optional or required, got "always"`},
		// Outputs: type, hosts per type, and the type's own settings.
		{"create_output", `{"name":"o","hosts":["https://es:9200"]}`, `invalid argument "type": is required`},
		{"create_output", `{"name":"o","type":"elasticsearch"}`, `invalid argument "hosts": is required`},
		{"create_output", `{"name":"o","type":"splunk","hosts":["https://es:9200"]}`, `invalid argument "type": must be one of "elasticsearch", "remote_elasticsearch", "logstash", "kafka", got "splunk"`},
		{"create_output", `{"name":"o","type":"elasticsearch","hosts":[]}`, `invalid argument "hosts": must have at least 1 items, got 0`},
		{"create_output", `{"name":"o","type":"elasticsearch","hosts":["es:9200"]}`, `invalid argument "hosts[0]": must be an http or https URL with a host, got "es:9200"`},
		{"create_output", `{"name":"o","type":"logstash","hosts":["https://ls:5044"]}`, `invalid argument "hosts[0]": must be host:port without a scheme for logstash, e.g. logstash.example.com:5044, got "https://ls:5044"`},
		{"create_output", `{"name":"o","type":"kafka","hosts":["k1"],"settings":{"auth_type":"none"}}`, `invalid argument "hosts[0]": must be host:port without a scheme for kafka, e.g. kafka.example.com:9092, got "k1"`},
		{"create_output", `{"name":"o","type":"logstash","hosts":["ls:5044"],"preset":"balanced"}`, `invalid argument "preset": applies only to elasticsearch and remote_elasticsearch outputs`},
		{"create_output", `{` + es + `,"preset":"fast"}`, `invalid argument "preset": must be one of "balanced", "custom", "throughput", "scale", "latency", got "fast"`},
		{"create_output", `{` + es + `,"ssl":{"verification_mode":"off"}}`, `invalid argument "ssl.verification_mode": must be full, none, certificate or strict, got "off"`},
		{"create_output", `{` + es + `,"secrets":{"password":"x"}}`, `invalid argument "secrets.password": applies only to kafka outputs`},
		{"create_output", `{` + es + `,"ssl":{"key":"PEM"},"secrets":{"ssl":{"key":{"id":"s1"}}}}`, `invalid argument "secrets.ssl.key": give the key once: in ssl.key or here, not both`},
		{"create_output", `{` + es + `,"secrets":{"ssl":{}}}`, `invalid argument "secrets.ssl.key": is required when secrets.ssl is given`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"user_pass","username":"u","password":"p"},"secrets":{"password":"p"}}`, `invalid argument "secrets.password": give it once: in settings.password or here, not both`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"user_pass","username":"u"},"secrets":{"password":{"hash":"h"}}}`, `invalid argument "secrets.password": must be the secret as a string, or {"id": "<stored secret id>"}`},
		{"create_output", `{` + es + `,"settings":{"shipper":{"disk_queue_enabled":true,"queue_size":1}}}`, `invalid argument "settings.shipper.queue_size": is not a known member; known: compression_level, disk_queue_compression_enabled, disk_queue_enabled, disk_queue_encryption_enabled, disk_queue_max_size, disk_queue_path, loadbalance, max_batch_bytes, mem_queue_events, queue_flush_timeout`},
		{"create_output", `{` + es + `,"secrets":{"token":"x"}}`, `invalid argument "secrets.token": is not a known member; known: password, service_token, ssl`},
		{"create_output", `{` + es + `,"settings":{"topic":"t"}}`, `invalid argument "settings.topic": is not a setting of elasticsearch outputs; known: ca_sha256, shipper, write_to_logs_streams`},
		{"create_output", `{` + es + `,"settings":{"name":"other"}}`, `invalid argument "settings.name": is not a setting of elasticsearch outputs; known: ca_sha256, shipper, write_to_logs_streams`},
		{"create_output", `{` + es + `,"settings":"{\"ca_sha256\":\"x\"}"}`, `invalid argument "settings": must be an object, got "{\"ca_sha256\":\"x\"}"`},
		{"create_output", `{` + kafka + `}`, `invalid argument "settings.auth_type": is required for kafka outputs: none, user_pass, ssl or kerberos`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"password"}}`, `invalid argument "settings.auth_type": must be one of none, user_pass, ssl, kerberos, got "password"`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"user_pass","password":"p"}}`, `invalid argument "settings.username": is required when auth_type is user_pass`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"user_pass","username":"u"}}`, `invalid argument "settings.password": is required when auth_type is user_pass (or give secrets.password)`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"ssl","connection_type":"plaintext"}}`, `invalid argument "settings.connection_type": applies only when auth_type is none`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"none","required_acks":2}}`, `invalid argument "settings.required_acks": must be 1 (leader), 0 (none) or -1 (all replicas), got 2`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"none","compression":"zstd"}}`, `invalid argument "settings.compression": must be one of gzip, snappy, lz4, none, got "zstd"`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"none","partition":"sticky"}}`, `invalid argument "settings.partition": must be one of random, round_robin, hash, got "sticky"`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"user_pass","username":"u","password":"p","sasl":{"mechanism":"GSSAPI"}}}`, `invalid argument "settings.sasl.mechanism": must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got "GSSAPI"`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"none","topic":7}}`, `invalid argument "settings.topic": must be a string, not a JSON number`},
		{"create_output", `{` + kafka + `,"settings":{"auth_type":"none","headers":[{"value":"v"}]}}`, `invalid argument "settings.headers[0].key": is required`},
	} {
		_, err := mustLookup(t, tc.tool).Bind(args(t, tc.args))
		if err == nil {
			t.Errorf("%s %s: no error, want %s", tc.tool, tc.args, tc.want)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%s %s:\n got  %v\n want %s", tc.tool, tc.args, err, tc.want)
		}
	}
}

// TestFleetAnnotations pins what clients are told about each Fleet tool,
// and which tools the default selection would leave out as admin work.
func TestFleetAnnotations(t *testing.T) {
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, admin
		"find_agents":                    {true, false, true, false},
		"get_agent":                      {true, false, true, false},
		"update_agent":                   {false, true, true, false},
		"delete_agent":                   {false, true, true, false},
		"unenroll_agent":                 {false, true, true, false},
		"request_agent_diagnostics":      {false, false, false, false},
		"bulk_request_agent_diagnostics": {false, true, false, false},
		"bulk_reassign_agents":           {false, true, true, false},
		"bulk_update_agent_tags":         {false, true, true, false},
		"get_agent_uploads":              {true, false, true, false},
		"get_agent_action_status":        {true, false, true, false},
		"get_agent_available_versions":   {true, false, true, false},
		"get_agent_tags":                 {true, false, true, false},
		"get_fleet_setup_status":         {true, false, true, false},
		"get_agent_incoming_data":        {true, false, true, false},
		"find_agent_policies":            {true, false, true, false},
		"get_agent_policy":               {true, false, true, false},
		"get_full_agent_policy":          {true, false, true, false},
		"create_agent_policy":            {false, false, false, true},
		"update_agent_policy":            {false, true, true, true},
		"get_agent_policy_outputs":       {true, false, true, false},
		"get_agent_policies_outputs":     {true, false, true, false},
		"find_download_sources":          {true, false, true, true},
		"create_download_source":         {false, false, false, true},
		"update_download_source":         {false, true, true, true},
		"delete_download_source":         {false, true, true, true},
		"get_fleet_server_host":          {true, false, true, true},
		"update_fleet_server_host":       {false, true, true, true},
		"create_logstash_api_key":        {false, false, false, true},
		"find_outputs":                   {true, false, true, false},
		"get_output":                     {true, false, true, false},
		"create_output":                  {false, false, false, true},
		"find_proxies":                   {true, false, true, true},
		"get_proxy":                      {true, false, true, true},
		"delete_proxy":                   {false, true, true, true},
	} {
		op := mustLookup(t, name)
		a := op.Annotations()
		got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, op.Admin}
		if got != want || op.Toolset != "fleet" || *a.OpenWorldHint {
			t.Errorf("%s: (readOnly, destructive, idempotent, admin) = %v, want %v (toolset %s)", name, got, want, op.Toolset)
		}
	}
	if len(fleetOperations) != 35 {
		t.Errorf("fleet.go declares %d operations; the table above pins 35", len(fleetOperations))
	}
}

// TestFleetFullMembersAgainstSandbox sends the agent policy members beyond
// the everyday ones, the secrets of download sources, and pages agents over
// a point in time, and reads back what Kibana (the sandbox) kept.
func TestFleetFullMembersAgainstSandbox(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	ok := func(tool, arguments string) string {
		t.Helper()
		isErr, texts := callFlow(t, client, tool, arguments)
		if isErr || len(texts) == 0 {
			t.Fatalf("%s %s: %q", tool, arguments, texts)
		}
		return texts[0]
	}
	ok("create_agent_policy", `{"id":"edge","name":"Edge","namespace":"edge","space_ids":["default"],"keep_monitoring_alive":true,"monitoring_pprof_enabled":true,"monitoring_http":{"enabled":true,"host":"localhost","port":6791},"monitoring_diagnostics":{"limit":{"interval":"1m","burst":2}},"required_versions":[{"version":"9.1.0","percentage":25}],"supports_agentless":true,"overrides":{"agent":{"logging":{"level":"debug"}}}}`)
	got := ok("get_agent_policy", `{"agentPolicyId":"edge","format":"simplified"}`)
	for _, want := range []string{`"keep_monitoring_alive":true`, `"monitoring_pprof_enabled":true`, `"port":6791`, `"burst":2`, `"percentage":25`, `"supports_agentless":true`, `"level":"debug"`, `"space_ids":["default"]`} {
		if !strings.Contains(got, want) {
			t.Errorf("get_agent_policy lacks %s:\n%s", want, got)
		}
	}
	// bumpRevision false saves without a revision for the agents.
	before := ok("get_agent_policy", `{"agentPolicyId":"edge"}`)
	ok("update_agent_policy", `{"agentPolicyId":"edge","name":"Edge","namespace":"edge","description":"quiet","bumpRevision":false}`)
	after := ok("get_agent_policy", `{"agentPolicyId":"edge"}`)
	if revision := regexp.MustCompile(`"revision":\d+`); revision.FindString(before) != revision.FindString(after) || !strings.Contains(after, `"description":"quiet"`) {
		t.Errorf("bumpRevision false: before %s, after %s", revision.FindString(before), revision.FindString(after))
	}

	// Package policies keep their extra data streams and agentless flag.
	created := ok("create_package_policy", `{"name":"nginx-edge","package":{"name":"nginx","version":"1.20.0"},"policy_ids":["edge"],"additional_datastreams_permissions":["logs-nginx.custom-*"],"supports_agentless":true}`)
	for _, want := range []string{`"additional_datastreams_permissions":["logs-nginx.custom-*"]`, `"supports_agentless":true`} {
		if !strings.Contains(created, want) {
			t.Errorf("create_package_policy answer lacks %s:\n%s", want, created)
		}
	}

	ok("create_download_source", `{"id":"mirror","name":"Mirror","host":"https://mirror.example.com/","ssl":{"certificate":"CERT"},"secrets":{"ssl":{"key":"KEY"}}}`)
	if got := ok("find_download_sources", `{}`); !strings.Contains(got, `"secrets":{"ssl":{"key":{"id":`) || strings.Contains(got, "KEY") {
		t.Errorf("the key should be kept as a stored secret's id, never shown: %s", got)
	}

	// Point-in-time paging: one agent a page, each page after the last.
	first := ok("find_agents", `{"openPit":true,"pitKeepAlive":"1m","perPage":1}`)
	var page struct {
		Items           []struct{ ID string } `json:"items"`
		Pit             string                `json:"pit"`
		NextSearchAfter string                `json:"nextSearchAfter"`
	}
	if err := json.Unmarshal([]byte(first), &page); err != nil || page.Pit == "" || page.NextSearchAfter == "" || len(page.Items) != 1 {
		t.Fatalf("first page: %v %s", err, first)
	}
	firstID := page.Items[0].ID
	next, _ := json.Marshal(map[string]any{"pitId": page.Pit, "pitKeepAlive": "1m", "searchAfter": page.NextSearchAfter, "perPage": 1})
	second := ok("find_agents", string(next))
	page.Items = nil
	if err := json.Unmarshal([]byte(second), &page); err != nil || len(page.Items) != 1 || page.Items[0].ID == firstID {
		t.Errorf("second page repeats or lacks an agent: %v %s", err, second)
	}
}
