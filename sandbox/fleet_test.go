package sandbox

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// fleetNow is the pinned clock of the Fleet tests.
var fleetNow = time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)

func fleetKibana() *Kibana {
	return New(Config{APIKey: testKey, Username: "analyst", Password: "pw", Seed: 42, Now: func() time.Time { return fleetNow }})
}

// fleetRaw sends a request with any body and content type and returns the
// raw answer.
func fleetRaw(t *testing.T, k *Kibana, method, path string, body []byte, contentType string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "ApiKey "+testKey)
	req.Header.Set("kbn-xsrf", "true")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	k.ServeHTTP(w, req)
	return w
}

// items lists the objects of an answer's member.
func items(t *testing.T, body map[string]any, member string) []map[string]any {
	t.Helper()
	list, ok := body[member].([]any)
	if !ok {
		t.Fatalf("no %s in %v", member, body)
	}
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		out = append(out, e.(map[string]any))
	}
	return out
}

// hostnames lists the host names of an agent list answer.
func hostnames(t *testing.T, body map[string]any) []string {
	t.Helper()
	var names []string
	for _, a := range items(t, body, "items") {
		names = append(names, a["local_metadata"].(map[string]any)["host"].(map[string]any)["hostname"].(string))
	}
	slices.Sort(names)
	return names
}

func agentIDByHost(t *testing.T, k *Kibana, space, host string) string {
	t.Helper()
	for _, a := range k.spaces[space].fleet.agents.all() {
		if a.hostname == host {
			return a.id
		}
	}
	t.Fatalf("no agent on %s in %s", host, space)
	return ""
}

// TestFleetToolExamples sends the requests the Fleet tools' examples make:
// each answers 2xx, or the 404/409 the example's made-up or seeded ids
// call for.
func TestFleetToolExamples(t *testing.T) {
	const (
		agentA = fleetExampleAgentA
		agentB = fleetExampleAgentB
		pp1    = fleetNginxPkgPolicy
		pp2    = fleetSystemPkgPolicy
	)
	for _, tc := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/api/fleet/agents?perPage=20", "", 200},
		{"GET", "/s/soc/api/fleet/agents?kuery=%28status%3Aoffline+or+status%3Aerror%29+and+%28policy_id%3Aprod-linux+and+tags%3Aweb%29&showInactive=true&showUpgradeable=true&getStatusSummary=true&withMetrics=true&sortField=last_checkin&sortOrder=asc&page=2&perPage=50", "", 200},
		{"GET", "/api/fleet/agents/" + agentA, "", 200},
		{"GET", "/s/soc/api/fleet/agents/" + agentA + "?withMetrics=true", "", 200},
		{"PUT", "/api/fleet/agents/" + agentA, `{"tags":["web","prod"]}`, 200},
		{"PUT", "/s/soc/api/fleet/agents/" + agentA, `{"tags":[],"user_provided_metadata":{"owner":"platform-team","rack":"b12"}}`, 200},
		{"DELETE", "/api/fleet/agents/" + agentA, "", 200},
		{"DELETE", "/s/soc/api/fleet/agents/" + agentA, "", 200},
		{"POST", "/api/fleet/agents/" + agentA + "/unenroll", "", 200},
		{"POST", "/s/soc/api/fleet/agents/" + agentA + "/unenroll", `{"force":true,"revoke":true}`, 200},
		{"POST", "/api/fleet/agents/" + agentA + "/request_diagnostics", "", 200},
		{"POST", "/s/soc/api/fleet/agents/" + agentA + "/request_diagnostics", `{"additional_metrics":["CPU"]}`, 200},
		{"POST", "/api/fleet/agents/bulk_request_diagnostics", `{"agents":["` + agentA + `","` + agentB + `"]}`, 200},
		{"POST", "/s/soc/api/fleet/agents/bulk_request_diagnostics", `{"agents":"policy_id:prod-linux and status:error","batchSize":500,"additional_metrics":["CPU"]}`, 200},
		{"POST", "/api/fleet/agents/bulk_reassign", `{"policy_id":"prod-linux","agents":["` + agentA + `"]}`, 200},
		{"POST", "/s/soc/api/fleet/agents/bulk_reassign", `{"policy_id":"prod-linux","agents":"policy_id:staging-linux and tags:web","includeInactive":true,"batchSize":1000}`, 200},
		{"POST", "/api/fleet/agents/bulk_update_agent_tags", `{"agents":["` + agentA + `"],"tagsToAdd":["pci"]}`, 200},
		{"POST", "/s/soc/api/fleet/agents/bulk_update_agent_tags", `{"agents":"local_metadata.host.hostname:web-*","includeInactive":true,"batchSize":1000,"tagsToAdd":["web","prod"],"tagsToRemove":["staging"]}`, 200},
		{"GET", "/api/fleet/agents/" + agentA + "/uploads", "", 200},
		{"GET", "/api/fleet/agents/action_status?perPage=20", "", 200},
		{"GET", "/s/soc/api/fleet/agents/action_status?page=1&perPage=10&date=2025-03-12&errorSize=10", "", 200},
		{"GET", "/api/fleet/agents/available_versions", "", 200},
		{"GET", "/api/fleet/agents/tags", "", 200},
		{"GET", "/s/soc/api/fleet/agents/tags?kuery=policy_id%3Aprod-linux&showInactive=true", "", 200},
		{"GET", "/api/fleet/agents/setup", "", 200},
		{"GET", "/api/fleet/agent_status/data?agentsIds=" + agentA, "", 200},
		{"GET", "/s/soc/api/fleet/agent_status/data?agentsIds=" + agentA + "&agentsIds=" + agentB + "&pkgName=system&pkgVersion=1.60.0&previewData=true", "", 200},
		{"GET", "/api/fleet/agent_policies?perPage=20", "", 200},
		{"GET", "/s/soc/api/fleet/agent_policies?kuery=ingest-agent-policies.name%3Aprod%2A&withAgentCount=true&full=true&sortField=updated_at&sortOrder=desc&page=2&perPage=10", "", 200},
		{"GET", "/api/fleet/agent_policies/prod-linux", "", 200},
		{"GET", "/api/fleet/agent_policies/prod-linux/full", "", 200},
		{"GET", "/s/soc/api/fleet/agent_policies/prod-linux/full?standalone=true&kubernetes=true", "", 200},
		{"POST", "/api/fleet/agent_policies", `{"name":"Linux servers","namespace":"default"}`, 409},
		{"POST", "/api/fleet/agent_policies", `{"name":"Kiosks","namespace":"default"}`, 200},
		{"POST", "/s/soc/api/fleet/agent_policies?sys_monitoring=true", `{"name":"Kiosks","namespace":"prod","id":"kiosks","description":"Web and database hosts.","monitoring_enabled":["logs","metrics","traces"],"data_output_id":"fleet-default-output","monitoring_output_id":"fleet-default-output","fleet_server_host_id":"fleet-prod","download_source_id":"artifacts-mirror","inactivity_timeout":86400,"unenroll_timeout":3600,"is_protected":true,"has_fleet_server":false,"global_data_tags":[{"name":"team","value":"platform"},{"name":"tier","value":1}],"advanced_settings":{"agent_logging_level":"debug","agent_download_timeout":"2h"},"agent_features":[{"name":"fqdn","enabled":true}]}`, 200},
		{"PUT", "/api/fleet/agent_policies/prod-linux", `{"name":"Linux servers","namespace":"prod","monitoring_enabled":[]}`, 200},
		{"PUT", "/s/soc/api/fleet/agent_policies/prod-linux", `{"name":"Linux servers","namespace":"prod","description":"Web and database hosts.","monitoring_enabled":["logs"],"data_output_id":"es-prod","inactivity_timeout":172800}`, 404},
		{"GET", "/api/fleet/agent_policies/prod-linux/outputs", "", 200},
		{"POST", "/s/soc/api/fleet/agent_policies/outputs", `{"ids":["prod-linux","staging-linux"]}`, 200},
		{"GET", "/api/fleet/agent_download_sources", "", 200},
		{"POST", "/api/fleet/agent_download_sources", `{"name":"Artifacts mirror 2","host":"https://artifacts.example.com/downloads/"}`, 200},
		{"POST", "/s/soc/api/fleet/agent_download_sources", `{"id":"artifacts-mirror","name":"Artifacts mirror","host":"https://artifacts.example.com/downloads/","is_default":true,"proxy_id":"corp-proxy"}`, 409},
		{"PUT", "/api/fleet/agent_download_sources/artifacts-mirror", `{"name":"Artifacts mirror","host":"https://mirror2.example.com/downloads/"}`, 200},
		{"PUT", "/s/soc/api/fleet/agent_download_sources/artifacts-mirror", `{"name":"Artifacts mirror","host":"https://mirror2.example.com/downloads/","is_default":true,"proxy_id":"corp-proxy","ssl":{"certificate_authorities":["PEM"]}}`, 200},
		{"DELETE", "/api/fleet/agent_download_sources/artifacts-mirror", "", 200},
		{"GET", "/api/fleet/fleet_server_hosts/fleet-prod", "", 200},
		{"PUT", "/api/fleet/fleet_server_hosts/fleet-prod", `{"host_urls":["https://fleet.example.com:8220"],"proxy_id":null}`, 200},
		{"PUT", "/s/soc/api/fleet/fleet_server_hosts/fleet-prod", `{"name":"Production Fleet Server","host_urls":["https://fleet1.example.com:8220","https://fleet2.example.com:8220"],"is_default":true,"proxy_id":"corp-proxy","ssl":{"certificate_authorities":["PEM"],"client_auth":"optional"}}`, 200},
		{"POST", "/api/fleet/logstash_api_keys", "", 200},
		{"GET", "/api/fleet/outputs", "", 200},
		{"GET", "/api/fleet/outputs/es-prod", "", 404},
		{"GET", "/api/fleet/outputs/logstash-dmz", "", 200},
		{"POST", "/api/fleet/outputs", `{"name":"Production cluster","type":"elasticsearch","hosts":["https://es.example.com:9200"]}`, 200},
		{"POST", "/s/soc/api/fleet/outputs", `{"id":"es-remote","name":"Central cluster","type":"remote_elasticsearch","hosts":["https://central.example.com:9200"],"is_default":false,"is_default_monitoring":true,"proxy_id":"corp-proxy","preset":"throughput","secrets":{"service_token":"AAEAAWVsYXN0aWMv"},"kibana_url":"https://central-kibana.example.com","sync_integrations":true,"write_to_logs_streams":false}`, 200},
		{"POST", "/api/fleet/outputs", `{"name":"Kafka","type":"kafka","hosts":["kafka1.example.com:9092","kafka2.example.com:9092"],"auth_type":"user_pass","compression":"gzip","partition":"round_robin","password":"changeme","required_acks":1,"round_robin":{"group_events":1},"sasl":{"mechanism":"SCRAM-SHA-512"},"topic":"elastic-agent","username":"fleet","version":"2.6.0"}`, 200},
		{"POST", "/api/fleet/outputs", `{"name":"Logstash","type":"logstash","hosts":["logstash.example.com:5044"],"ssl":{"certificate":"PEM","key":"PEM"}}`, 200},
		{"GET", "/api/fleet/proxies", "", 200},
		{"GET", "/s/soc/api/fleet/proxies/corp-proxy", "", 200},
		{"DELETE", "/api/fleet/proxies/corp-proxy", "", 200},

		{"GET", "/api/fleet/data_streams", "", 200},
		{"GET", "/s/soc/api/fleet/epm/data_streams?type=logs&datasetQuery=nginx&sortOrder=desc&uncategorisedOnly=true", "", 200},
		{"POST", "/api/fleet/epm/custom_integrations", `{"integrationName":"billing_app","datasets":[{"name":"billing_app.invoices","type":"logs"}]}`, 200},
		{"POST", "/api/fleet/epm/packages/_bulk", `{"packages":["nginx"]}`, 200},
		{"POST", "/s/soc/api/fleet/epm/packages/_bulk?prerelease=true", `{"packages":["nginx",{"name":"system","version":"1.60.0"}],"force":true}`, 200},
		{"GET", "/api/fleet/epm/packages/installed?perPage=20", "", 200},
		{"GET", "/s/soc/api/fleet/epm/packages/installed?nameQuery=nginx&dataStreamType=logs&showOnlyActiveDataStreams=true&searchAfter=%5B%22elastic_agent%22%5D&perPage=50&sortOrder=desc", "", 200},
		{"GET", "/api/fleet/epm/packages/nginx/stats", "", 200},
		{"GET", "/api/fleet/epm/packages/nginx/1.20.0", "", 200},
		{"GET", "/s/soc/api/fleet/epm/packages/nginx/1.21.0-beta1?ignoreUnverified=true&prerelease=true&full=true&withMetadata=true", "", 200},
		{"POST", "/api/fleet/epm/packages/nginx/1.20.0", "", 200},
		{"POST", "/s/soc/api/fleet/epm/packages/nginx/1.21.0-beta1?prerelease=true&ignoreMappingUpdateErrors=true&skipDataStreamRollover=true", `{"force":true,"ignore_constraints":true}`, 200},
		{"DELETE", "/api/fleet/epm/packages/nginx/1.20.0", "", 400},
		{"DELETE", "/s/soc/api/fleet/epm/packages/nginx/1.20.0?force=true", "", 200},
		{"POST", "/api/fleet/epm/packages/endpoint/8.14.0/transforms/authorize", `{"transforms":[{"transformId":"logs-endpoint.metadata_current-default-8.14.0"}]}`, 200},
		{"POST", "/s/soc/api/fleet/epm/packages/endpoint/8.15.0-prerelease.1/transforms/authorize?prerelease=true", `{"transforms":[{"transformId":"logs-endpoint.metadata_current-default-8.15.0"},{"transformId":"logs-endpoint.metadata_united-default-8.15.0"}]}`, 200},
		{"GET", "/api/fleet/epm/packages/nginx/1.20.0/manifest.yml", "", 200},
		{"GET", "/s/soc/api/fleet/epm/packages/nginx/1.20.0/changelog.yml", "", 200},
		{"GET", "/api/fleet/epm/verification_key_id", "", 200},
		{"GET", "/api/fleet/epm/packages", "", 200},
		{"GET", "/s/soc/api/fleet/epm/packages?category=security&prerelease=true&excludeInstallStatus=true&withPackagePoliciesCount=true", "", 200},
		{"GET", "/api/fleet/package_policies?perPage=20", "", 200},
		{"GET", "/s/soc/api/fleet/package_policies?kuery=ingest-package-policies.package.name%3Anginx&page=2&perPage=50&sortField=updated_at&sortOrder=asc&showUpgradeable=true&format=simplified&withAgentCount=true", "", 200},
		{"GET", "/api/fleet/package_policies/" + pp1, "", 200},
		{"GET", "/s/soc/api/fleet/package_policies/" + pp1 + "?format=simplified", "", 200},
		{"POST", "/api/fleet/package_policies", `{"name":"nginx-web","package":{"name":"nginx","version":"1.20.0"}}`, 409},
		{"POST", "/s/soc/api/fleet/package_policies?format=simplified", `{"name":"nginx-web","description":"Access and error logs of the web tier.","namespace":"prod","policy_ids":["7f2a1c30-73b2-11ee-a5e3-4bca5f3c1e01"],"package":{"name":"nginx","version":"1.20.0"},"inputs":{"nginx-logfile":{"enabled":true,"vars":{},"streams":{"nginx.access":{"enabled":true,"vars":{"paths":["/var/log/nginx/access.log*"]}},"nginx.error":{"enabled":false}}},"nginx-nginx/metrics":{"enabled":false}},"vars":{},"id":"nginx-web-prod","force":true}`, 200},
		{"PUT", "/api/fleet/package_policies/" + pp1, `{"name":"nginx-web","package":{"name":"nginx","version":"1.20.0"}}`, 200},
		{"PUT", "/s/soc/api/fleet/package_policies/" + pp1 + "?format=simplified", `{"name":"nginx-web","description":"Access logs only.","namespace":"prod","policy_ids":["7f2a1c30-73b2-11ee-a5e3-4bca5f3c1e01","8a3b2d40-73b2-11ee-a5e3-4bca5f3c1e01"],"package":{"name":"nginx","version":"1.20.0"},"inputs":{"nginx-logfile":{"enabled":true,"streams":{"nginx.access":{"enabled":true,"vars":{"paths":["/var/log/nginx/access.log*"]}},"nginx.error":{"enabled":false}}}},"vars":{},"force":true}`, 200},
		{"POST", "/api/fleet/package_policies/delete", `{"packagePolicyIds":["` + pp1 + `"]}`, 200},
		{"POST", "/s/soc/api/fleet/package_policies/delete", `{"packagePolicyIds":["` + pp1 + `","` + pp2 + `"],"force":true}`, 200},
		{"POST", "/api/fleet/package_policies/upgrade", `{"packagePolicyIds":["` + pp1 + `"]}`, 200},
		{"POST", "/s/soc/api/fleet/package_policies/upgrade", `{"packagePolicyIds":["` + pp1 + `","` + pp2 + `"]}`, 200},
		{"POST", "/api/fleet/package_policies/upgrade/dryrun", `{"packagePolicyIds":["` + pp1 + `"]}`, 200},
		{"POST", "/s/soc/api/fleet/package_policies/upgrade/dryrun", `{"packagePolicyIds":["` + pp1 + `","` + pp2 + `"],"packageVersion":"1.21.0"}`, 200},
	} {
		k := fleetKibana()
		contentType := ""
		if tc.body != "" {
			contentType = "application/json"
		}
		w := fleetRaw(t, k, tc.method, tc.path, []byte(tc.body), contentType)
		if w.Code != tc.want {
			t.Errorf("%s %s: %d %.300s, want %d", tc.method, tc.path, w.Code, w.Body.String(), tc.want)
		}
	}
}

// TestFleetBadBodies checks that bodies Kibana's schemas refuse get a 400
// naming the member.
func TestFleetBadBodies(t *testing.T) {
	k := fleetKibana()
	agent := fleetExampleAgentA
	for _, tc := range []struct{ method, path, body, want string }{
		{"PUT", "/api/fleet/agents/" + agent, `{"tags":"web"}`, "[request body.tags]: expected value of type [array] but got [string]"},
		{"PUT", "/api/fleet/agents/" + agent, `{"labels":["x"]}`, "[request body.labels]: definition for this key is missing"},
		{"PUT", "/api/fleet/agents/" + agent, `[1]`, "[request body]: expected a plain object value, but found [Array] instead."},
		{"POST", "/api/fleet/agents/" + agent + "/request_diagnostics", `{"additional_metrics":["RAM"]}`, "[request body.additional_metrics.0]"},
		{"POST", "/api/fleet/agents/bulk_reassign", `{"agents":["x"]}`, "[request body.policy_id]"},
		{"POST", "/api/fleet/agents/bulk_reassign", `{"policy_id":"prod-linux"}`, "[request body.agents]"},
		{"POST", "/api/fleet/agents/bulk_update_agent_tags", `{"agents":42,"tagsToAdd":["x"]}`, "[request body.agents]"},
		{"POST", "/api/fleet/agents/bulk_request_diagnostics", `{"agents":"status:"}`, "KQLSyntaxError"},
		{"POST", "/api/fleet/agent_policies", `{"namespace":"default"}`, "[request body.name]"},
		{"POST", "/api/fleet/agent_policies", `{"name":"X"}`, "[request body.namespace]"},
		{"POST", "/api/fleet/agent_policies", `{"name":"X","namespace":"Prod"}`, "[request body.namespace]: Namespace must be lowercase"},
		{"POST", "/api/fleet/agent_policies", `{"name":"X","namespace":"prod-eu"}`, "[request body.namespace]: Namespace contains invalid characters"},
		{"POST", "/api/fleet/agent_policies", `{"name":"X","namespace":"prod","monitoring_enabled":["logs","audit"]}`, "[request body.monitoring_enabled.1]"},
		{"POST", "/api/fleet/agent_policies", `{"name":"X","namespace":"prod","inactivity_timeout":-1}`, "[request body.inactivity_timeout]"},
		{"POST", "/api/fleet/agent_policies", `{"name":"X","namespace":"prod","global_data_tags":[{"name":"team"}]}`, "[request body.global_data_tags.0.value]"},
		{"POST", "/api/fleet/agent_policies", `{"name":"X","namespace":"prod","advanced_settings":{"agent_colour":"red"}}`, "[request body.advanced_settings.agent_colour]"},
		{"POST", "/api/fleet/agent_policies", `{"name":"X","namespace":"prod","agent_features":[{"name":"fqdn"}]}`, "[request body.agent_features.0.enabled]"},
		{"PUT", "/api/fleet/agent_policies/prod-linux", `{"name":"Linux servers"}`, "[request body.namespace]"},
		{"POST", "/api/fleet/agent_policies/outputs", `{}`, "[request body.ids]"},
		{"POST", "/api/fleet/agent_download_sources", `{"name":"M"}`, "[request body.host]"},
		{"POST", "/api/fleet/agent_download_sources", `{"name":"M","host":"artifacts.example.com"}`, "[request body.host]: expected URI"},
		{"PUT", "/api/fleet/agent_download_sources/artifacts-mirror", `{"host":"https://m.example.com/"}`, "[request body.name]"},
		{"PUT", "/api/fleet/fleet_server_hosts/fleet-prod", `{"host_urls":["https://f.example.com:8220"]}`, "[request body.proxy_id]"},
		{"PUT", "/api/fleet/fleet_server_hosts/fleet-prod", `{"host_urls":["fleet:8220"],"proxy_id":null}`, "[request body.host_urls.0]"},
		{"PUT", "/api/fleet/fleet_server_hosts/fleet-prod", `{"proxy_id":null,"ssl":{"client_auth":"maybe"}}`, "[request body.ssl.client_auth]"},
		{"POST", "/api/fleet/outputs", `{"type":"elasticsearch","hosts":["https://es:9200"]}`, "[request body.name]"},
		{"POST", "/api/fleet/outputs", `{"name":"O","type":"s3","hosts":["https://es:9200"]}`, "[request body.type]"},
		{"POST", "/api/fleet/outputs", `{"name":"O","type":"elasticsearch"}`, "[request body.hosts]"},
		{"POST", "/api/fleet/outputs", `{"name":"O","type":"elasticsearch","hosts":["es:9200"]}`, "[request body.hosts.0]"},
		{"POST", "/api/fleet/outputs", `{"name":"O","type":"logstash","hosts":["https://ls:5044"]}`, "[request body.hosts.0]"},
		{"POST", "/api/fleet/outputs", `{"name":"O","type":"logstash","hosts":["ls:5044"],"preset":"balanced"}`, "[request body.preset]"},
		{"POST", "/api/fleet/outputs", `{"name":"K","type":"kafka","hosts":["k:9092"]}`, "[request body.auth_type]"},
		{"POST", "/api/fleet/outputs", `{"name":"O","type":"elasticsearch","hosts":["https://es:9200"],"ssl":{"verification_mode":"lax"}}`, "[request body.ssl.verification_mode]"},
		{"POST", "/api/fleet/epm/packages/_bulk", `{}`, "[request body.packages]"},
		{"POST", "/api/fleet/epm/packages/_bulk", `{"packages":[{"version":"1.0.0"}]}`, "[request body.packages.0.name]"},
		{"POST", "/api/fleet/epm/custom_integrations", `{"integrationName":"app"}`, "[request body.datasets]"},
		{"POST", "/api/fleet/epm/custom_integrations", `{"integrationName":"app","datasets":[{"name":"app.x","type":"events"}]}`, "[request body.datasets.0.type]"},
		{"POST", "/api/fleet/epm/packages/endpoint/8.14.0/transforms/authorize", `{}`, "[request body.transforms]"},
		{"POST", "/api/fleet/epm/packages/nginx/1.20.0", `{"forced":true}`, "[request body.forced]"},
		{"POST", "/api/fleet/package_policies", `{"package":{"name":"nginx","version":"1.20.0"}}`, "[request body.name]"},
		{"POST", "/api/fleet/package_policies", `{"name":"n"}`, "[request body.package]"},
		{"POST", "/api/fleet/package_policies", `{"name":"n","package":{"name":"nginx"}}`, "[request body.package.version]"},
		{"POST", "/api/fleet/package_policies", `{"name":"n","namespace":"A B","package":{"name":"nginx","version":"1.20.0"}}`, "[request body.namespace]"},
		{"POST", "/api/fleet/package_policies", `{"name":"n","package":{"name":"nginx","version":"1.20.0"},"inputs":{"nginx-udp":{"enabled":true}}}`, "Input not found: nginx-udp"},
		{"POST", "/api/fleet/package_policies", `{"name":"n","package":{"name":"nginx","version":"1.20.0"},"inputs":{"nginx-logfile":{"streams":{"nginx.audit":{"enabled":true}}}}}`, "Stream not found nginx-logfile: nginx.audit"},
		{"POST", "/api/fleet/package_policies", `{"name":"n","package":{"name":"nginx","version":"1.20.0"},"inputs":{"nginx-logfile":{"streams":{"nginx.access":{"vars":{"path":"x"}}}}}}`, "Variable nginx-logfile:nginx.access path not found"},
		{"PUT", "/api/fleet/package_policies/" + fleetNginxPkgPolicy, `{"package":{"name":"nginx","version":"1.20.0"}}`, "[request body.name]"},
		{"POST", "/api/fleet/agent_policies", `{"name":"N","namespace":"default","monitoring_http":{"enabled":true,"port":70000}}`, "[request body.monitoring_http.port]"},
		{"POST", "/api/fleet/outputs", `{"name":"O","type":"elasticsearch","hosts":["https://es:9200"],"ssl":{"key":"K"},"secrets":{"ssl":{"key":"K"}}}`, "Cannot specify both ssl.key and secrets.ssl.key"},
		{"POST", "/api/fleet/outputs", `{"name":"K","type":"kafka","hosts":["k:9092"],"auth_type":"user_pass","username":"u","password":"p","secrets":{"password":"p"}}`, "Cannot specify both password and secrets.password"},
		{"POST", "/api/fleet/agent_download_sources", `{"name":"M","host":"https://m.example.com/","ssl":{"key":"K"},"secrets":{"ssl":{"key":{"id":"s"}}}}`, "Cannot specify both ssl.key and secrets.ssl.key"},
		{"PUT", "/api/fleet/fleet_server_hosts/fleet-default-fleet-server-host", `{"proxy_id":null,"ssl":{"es_key":"K"},"secrets":{"ssl":{"es_key":"K"}}}`, "Cannot specify both ssl.es_key and secrets.ssl.es_key"},
		{"POST", "/api/fleet/agent_policies", `{"name":"N","namespace":"default","bumpRevision":false}`, "[request body.bumpRevision]"},
		{"POST", "/api/fleet/package_policies", `{"name":"n","package":{"name":"nginx","version":"1.20.0"},"additional_datastreams_permissions":["nginx.custom-*"]}`, "[request body.additional_datastreams_permissions.0]"},
		{"POST", "/api/fleet/package_policies/delete", `{}`, "[request body.packagePolicyIds]"},
		{"POST", "/api/fleet/package_policies/upgrade", `{"packagePolicyIds":"x"}`, "[request body.packagePolicyIds]"},
		{"POST", "/api/fleet/package_policies/upgrade/dryrun", `{"packageVersion":"1.21.0"}`, "[request body.packagePolicyIds]"},
	} {
		status, body := do(t, k, tc.method, tc.path, tc.body, nil)
		wantMessage(t, status, body, 400, tc.want)
	}
	for _, tc := range []struct{ path, want string }{
		{"/api/fleet/agents?kuery=" + "status%3A%28online", "KQLSyntaxError"},
		{"/api/fleet/agents?kuery=colour%3Ablue", "This key 'colour' does NOT exist"},
		{"/api/fleet/agents?kuery=web-01", "KQLSyntaxError"},
		{"/api/fleet/agents?showInactive=yes", "[request query.showInactive]"},
		{"/api/fleet/agents?perPage=0", "[request query.perPage]"},
		{"/api/fleet/agents?sortOrder=up", "[request query.sortOrder]"},
		{"/api/fleet/agent_policies?kuery=ingest-agent-policies.colour%3Ablue", "This key 'ingest-agent-policies.colour' does NOT exist"},
		{"/api/fleet/package_policies?format=yaml", "[request query.format]"},
		{"/api/fleet/agent_policies/" + "nope?format=yaml", "[request query.format]"},
		{"/api/fleet/agents?searchAfter=agent-1", "searchAfter must be the JSON array"},
		{"/api/fleet/agents/action_status?latest=soon", "[request query.latest]"},
		{"/api/fleet/agent_status/data", "[request query.agentsIds]"},
		{"/api/fleet/epm/packages/installed?dataStreamType=events", "[request query.dataStreamType]"},
	} {
		status, body := do(t, k, "GET", tc.path, "", nil)
		wantMessage(t, status, body, 400, tc.want)
	}
}

func TestFleetNotFound(t *testing.T) {
	k := fleetKibana()
	for _, tc := range []struct{ method, path, body, want string }{
		{"GET", "/api/fleet/agents/nope", "", "Agent nope not found"},
		{"PUT", "/api/fleet/agents/nope", `{"tags":[]}`, "Agent nope not found"},
		{"POST", "/api/fleet/agents/nope/unenroll", "", "Agent nope not found"},
		{"GET", "/api/fleet/agents/nope/uploads", "", "Agent nope not found"},
		{"GET", "/api/fleet/agent_policies/nope", "", "Agent policy nope not found"},
		{"GET", "/api/fleet/agent_policies/nope/full", "", "Agent policy nope not found"},
		{"PUT", "/api/fleet/agent_policies/nope", `{"name":"N","namespace":"default"}`, "Agent policy nope not found"},
		{"POST", "/api/fleet/agents/bulk_reassign", `{"policy_id":"nope","agents":["x"]}`, "Agent policy nope not found"},
		{"POST", "/api/fleet/agent_policies", `{"name":"N","namespace":"default","data_output_id":"nope"}`, "Saved object [ingest-outputs/nope] not found"},
		{"GET", "/api/fleet/package_policies/nope", "", "Package policy nope not found"},
		{"PUT", "/api/fleet/package_policies/nope", `{"name":"n","package":{"name":"nginx","version":"1.20.0"}}`, "Package policy nope not found"},
		{"POST", "/api/fleet/package_policies", `{"name":"n","package":{"name":"nginx","version":"1.20.0"},"policy_ids":["nope"]}`, "Agent policy nope not found"},
		{"POST", "/api/fleet/package_policies", `{"name":"n","package":{"name":"nopkg","version":"1.0.0"}}`, "[nopkg] package not found in registry"},
		{"GET", "/api/fleet/epm/packages/nopkg/1.0.0", "", "[nopkg] package not found in registry"},
		{"GET", "/api/fleet/epm/packages/nginx/9.9.9", "", "nginx@9.9.9 not found"},
		{"GET", "/api/fleet/epm/packages/nginx/1.20.0/docs/nope.md", "", "File docs/nope.md not found"},
		{"GET", "/api/fleet/outputs/nope", "", "Saved object [ingest-outputs/nope] not found"},
		{"GET", "/api/fleet/proxies/nope", "", "Saved object [fleet-proxy/nope] not found"},
		{"GET", "/api/fleet/fleet_server_hosts/nope", "", "Saved object [fleet-fleet-server-host/nope] not found"},
		{"PUT", "/api/fleet/agent_download_sources/nope", `{"name":"n","host":"https://x.example.com/"}`, "Saved object [ingest-download-sources/nope] not found"},
	} {
		status, body := do(t, k, tc.method, tc.path, tc.body, nil)
		wantMessage(t, status, body, 404, tc.want)
	}
}

func TestFleetAgentsListKueryAndPaging(t *testing.T) {
	k := fleetKibana()
	_, all := do(t, k, "GET", "/api/fleet/agents?getStatusSummary=true", "", nil)
	if all["total"] != float64(10) || all["perPage"] != float64(20) || all["page"] != float64(1) {
		t.Fatalf("default list: total %v perPage %v page %v", all["total"], all["perPage"], all["page"])
	}
	summary := all["statusSummary"].(map[string]any)
	for status, n := range map[string]float64{"online": 6, "error": 1, "offline": 2, "updating": 1, "inactive": 0, "unenrolled": 0} {
		if summary[status] != n {
			t.Errorf("statusSummary[%s] = %v, want %v (%v)", status, summary[status], n, summary)
		}
	}
	_, withInactive := do(t, k, "GET", "/api/fleet/agents?showInactive=true&getStatusSummary=true", "", nil)
	if withInactive["total"] != float64(12) || withInactive["statusSummary"].(map[string]any)["unenrolled"] != float64(1) || withInactive["statusSummary"].(map[string]any)["inactive"] != float64(1) {
		t.Errorf("showInactive: %v %v", withInactive["total"], withInactive["statusSummary"])
	}
	for _, tc := range []struct {
		kuery string
		want  []string
	}{
		{"status:online", []string{"fin-ws-011", "fleet-01", "fs-02", "vpn-gw-01", "web-01", "ws-0142"}},
		{`policy_id:"prod-linux"`, []string{"build-03", "db-01", "vpn-gw-01", "web-01", "web-02"}},
		{`tags:"finance"`, []string{"fin-ws-011", "fin-ws-014"}},
		{`local_metadata.host.hostname:"fs-02"`, []string{"fs-02"}},
		{"local_metadata.host.hostname:web-*", []string{"web-01", "web-02"}},
		{"status:error or status:offline", []string{"build-03", "db-01", "fin-ws-014"}},
		{"policy_id:prod-linux and not tags:web", []string{"build-03", "db-01", "vpn-gw-01"}},
		{"fleet-agents.policy_id:prod-linux and (status:updating or tags:ci)", []string{"build-03", "web-02"}},
		{"local_metadata.os.platform:windows and agent.version < 8.17.0", []string{"fin-ws-011", "fin-ws-014"}},
		{"user_provided_metadata.owner:*", nil},
	} {
		q := strings.NewReplacer(" ", "+", `"`, "%22", ":", "%3A", "(", "%28", ")", "%29", "*", "%2A", "<", "%3C").Replace(tc.kuery)
		status, body := do(t, k, "GET", "/api/fleet/agents?kuery="+q, "", nil)
		if got := hostnames(t, body); status != 200 || !slices.Equal(got, tc.want) {
			t.Errorf("kuery %s: %d %v, want %v", tc.kuery, status, got, tc.want)
		}
	}
	_, page1 := do(t, k, "GET", "/api/fleet/agents?sortField=local_metadata.host.hostname&sortOrder=asc&perPage=4", "", nil)
	_, page3 := do(t, k, "GET", "/api/fleet/agents?sortField=local_metadata.host.hostname&sortOrder=asc&perPage=4&page=3", "", nil)
	var first, last []string
	for _, a := range items(t, page1, "items") {
		first = append(first, a["local_metadata"].(map[string]any)["host"].(map[string]any)["hostname"].(string))
	}
	for _, a := range items(t, page3, "items") {
		last = append(last, a["local_metadata"].(map[string]any)["host"].(map[string]any)["hostname"].(string))
	}
	if !slices.Equal(first, []string{"build-03", "db-01", "fin-ws-011", "fin-ws-014"}) || !slices.Equal(last, []string{"web-02", "ws-0142"}) {
		t.Errorf("sorted pages: %v … %v", first, last)
	}
	_, upgradeable := do(t, k, "GET", "/api/fleet/agents?showUpgradeable=true&withMetrics=true", "", nil)
	if got := hostnames(t, upgradeable); !slices.Equal(got, []string{"build-03", "fin-ws-011", "fin-ws-014"}) {
		t.Errorf("showUpgradeable: %v", got)
	}
	if m, ok := items(t, upgradeable, "items")[0]["metrics"].(map[string]any); !ok || m["cpu_avg"] == nil {
		t.Errorf("withMetrics: %v", items(t, upgradeable, "items")[0]["metrics"])
	}

	// The story's hosts are the same agents the endpoint area knows.
	if id := agentIDByHost(t, k, "default", "ws-0142"); id != epExampleAgentA {
		t.Errorf("ws-0142's agent is %s, the endpoint area's %s", id, epExampleAgentA)
	}
	_, one := do(t, k, "GET", "/api/fleet/agents/"+agentIDByHost(t, k, "default", "build-03"), "", nil)
	item := one["item"].(map[string]any)
	if item["status"] != "error" || item["last_checkin_status"] != "error" || item["policy_id"] != "prod-linux" || item["unhealthy_reason"] == nil {
		t.Errorf("build-03: %v", item)
	}
}

func TestFleetAgentUpdateUnenrollDelete(t *testing.T) {
	k := fleetKibana()
	id := agentIDByHost(t, k, "default", "db-01")
	status, body := do(t, k, "PUT", "/api/fleet/agents/"+id, `{"tags":["database","pci"],"user_provided_metadata":{"owner":"dba"}}`, nil)
	item := body["item"].(map[string]any)
	if status != 200 || !slices.Equal(fleetStringList(item["tags"]), []string{"database", "pci"}) || item["user_provided_metadata"].(map[string]any)["owner"] != "dba" {
		t.Fatalf("update: %d %v", status, body)
	}
	_, body = do(t, k, "GET", "/api/fleet/agents/"+id, "", nil)
	if !slices.Equal(fleetStringList(body["item"].(map[string]any)["tags"]), []string{"database", "pci"}) {
		t.Errorf("tags not kept: %v", body["item"])
	}

	status, body = do(t, k, "POST", "/api/fleet/agents/"+id+"/unenroll", `{"revoke":true}`, nil)
	if status != 200 {
		t.Fatalf("unenroll: %d %v", status, body)
	}
	_, list := do(t, k, "GET", "/api/fleet/agents?perPage=100", "", nil)
	if slices.Contains(hostnames(t, list), "db-01") {
		t.Errorf("unenrolled db-01 still listed without showInactive")
	}
	_, list = do(t, k, "GET", "/api/fleet/agents?perPage=100&showInactive=true&kuery=status%3Aunenrolled", "", nil)
	if got := hostnames(t, list); !slices.Equal(got, []string{"db-01", "ws-0099"}) {
		t.Errorf("unenrolled with showInactive: %v", got)
	}
	_, body = do(t, k, "GET", "/api/fleet/agents/"+id, "", nil)
	if item := body["item"].(map[string]any); item["active"] != false || item["status"] != "unenrolled" || item["unenrolled_at"] != "2025-03-12T10:00:00.000Z" {
		t.Errorf("after unenroll: %v", item)
	}
	status, body = do(t, k, "POST", "/api/fleet/agents/"+id+"/unenroll", "", nil)
	wantMessage(t, status, body, 400, "already unenrolled")
	_, actions := do(t, k, "GET", "/api/fleet/agents/action_status", "", nil)
	if a := items(t, actions, "items")[0]; a["type"] != "FORCE_UNENROLL" || a["status"] != "COMPLETE" || a["nbAgentsAck"] != float64(1) {
		t.Errorf("unenroll action: %v", a)
	}

	web := agentIDByHost(t, k, "default", "web-01")
	status, body = do(t, k, "DELETE", "/api/fleet/agents/"+web, "", nil)
	if status != 200 || body["action"] != "deleted" {
		t.Fatalf("delete: %d %v", status, body)
	}
	_, list = do(t, k, "GET", "/api/fleet/agents?perPage=100", "", nil)
	if slices.Contains(hostnames(t, list), "web-01") {
		t.Errorf("deleted web-01 still listed")
	}
}

func fleetStringList(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

func TestFleetBulkTagsReassignAndTags(t *testing.T) {
	k := fleetKibana()
	_, before := do(t, k, "GET", "/api/fleet/agents/tags", "", nil)
	if got := fleetStringList(before["items"]); !slices.Equal(got, []string{"ci", "database", "dmz", "file-server", "finance", "fleet-server", "office", "pci", "prod", "vpn", "web"}) {
		t.Errorf("tags: %v", got)
	}
	status, body := do(t, k, "POST", "/api/fleet/agents/bulk_update_agent_tags", `{"agents":"local_metadata.host.hostname:web-*","tagsToAdd":["frontend"],"tagsToRemove":["prod"]}`, nil)
	if status != 200 || body["actionId"] == nil {
		t.Fatalf("bulk tags: %d %v", status, body)
	}
	_, after := do(t, k, "GET", "/api/fleet/agents/tags?kuery=tags%3Afrontend", "", nil)
	if got := fleetStringList(after["items"]); !slices.Equal(got, []string{"frontend", "web"}) {
		t.Errorf("tags of the web hosts: %v", got)
	}
	_, all := do(t, k, "GET", "/api/fleet/agents/tags", "", nil)
	if got := fleetStringList(all["items"]); !slices.Contains(got, "frontend") || !slices.Contains(got, "prod") {
		t.Errorf("all tags: %v (db-01 keeps prod)", got)
	}

	ids := []string{agentIDByHost(t, k, "default", "db-01"), "missing-agent"}
	status, body = do(t, k, "POST", "/api/fleet/agents/bulk_reassign", `{"policy_id":"`+fleetEndpointPolicy+`","agents":["`+ids[0]+`","`+ids[1]+`"]}`, nil)
	if status != 200 {
		t.Fatalf("reassign: %d %v", status, body)
	}
	action := body["actionId"]
	_, one := do(t, k, "GET", "/api/fleet/agents/"+ids[0], "", nil)
	if one["item"].(map[string]any)["policy_id"] != fleetEndpointPolicy {
		t.Errorf("db-01 not moved: %v", one["item"].(map[string]any)["policy_id"])
	}
	_, status2 := do(t, k, "GET", "/api/fleet/agents/action_status?errorSize=5", "", nil)
	got := items(t, status2, "items")[0]
	if got["actionId"] != action || got["type"] != "POLICY_REASSIGN" || got["newPolicyId"] != fleetEndpointPolicy ||
		got["nbAgentsFailed"] != float64(1) || got["nbAgentsActioned"] != float64(1) || got["status"] != "IN_PROGRESS" {
		t.Errorf("reassign status: %v", got)
	}
	if errs := got["latestErrors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["agentId"] != "missing-agent" {
		t.Errorf("latestErrors: %v", errs)
	}
}

func TestFleetDiagnosticsUploadsAndActionStatus(t *testing.T) {
	k := fleetKibana()
	online := agentIDByHost(t, k, "default", "vpn-gw-01")
	status, body := do(t, k, "POST", "/api/fleet/agents/"+online+"/request_diagnostics", `{"additional_metrics":["CPU"]}`, nil)
	if status != 200 {
		t.Fatalf("diagnostics: %d %v", status, body)
	}
	action := body["actionId"]
	_, uploads := do(t, k, "GET", "/api/fleet/agents/"+online+"/uploads", "", nil)
	up := items(t, uploads, "items")
	if len(up) != 1 || up[0]["actionId"] != action || up[0]["status"] != "READY" || !strings.HasPrefix(up[0]["filePath"].(string), "/api/fleet/agents/files/") {
		t.Errorf("uploads: %v", up)
	}
	_, actions := do(t, k, "GET", "/api/fleet/agents/action_status?perPage=1", "", nil)
	a := items(t, actions, "items")
	if len(a) != 1 || a[0]["actionId"] != action || a[0]["type"] != "REQUEST_DIAGNOSTICS" || a[0]["status"] != "COMPLETE" || a[0]["completionTime"] == nil {
		t.Errorf("action_status: %v", a)
	}

	status, body = do(t, k, "POST", "/api/fleet/agents/bulk_request_diagnostics", `{"agents":"policy_id:prod-linux"}`, nil)
	if status != 200 {
		t.Fatalf("bulk diagnostics: %d %v", status, body)
	}
	_, actions = do(t, k, "GET", "/api/fleet/agents/action_status?perPage=1", "", nil)
	a = items(t, actions, "items")
	if a[0]["nbAgentsActioned"] != float64(5) || a[0]["nbAgentsAck"] != float64(4) || a[0]["status"] != "IN_PROGRESS" {
		t.Errorf("bulk diagnostics status (db-01 is offline): %v", a[0])
	}
	offline := agentIDByHost(t, k, "default", "db-01")
	_, uploads = do(t, k, "GET", "/api/fleet/agents/"+offline+"/uploads", "", nil)
	if up := items(t, uploads, "items"); len(up) != 1 || up[0]["status"] != "IN_PROGRESS" {
		t.Errorf("offline agent's upload: %v", up)
	}
	_, seeded := do(t, k, "GET", "/api/fleet/agents/"+agentIDByHost(t, k, "default", "fs-02")+"/uploads", "", nil)
	if up := items(t, seeded, "items"); len(up) != 1 || up[0]["status"] != "READY" {
		t.Errorf("fs-02's seeded bundle: %v", up)
	}
	_, day := do(t, k, "GET", "/api/fleet/agents/action_status?date=2025-02-21", "", nil)
	if a := items(t, day, "items"); len(a) != 1 || a[0]["type"] != "REQUEST_DIAGNOSTICS" {
		t.Errorf("actions of 2025-02-21: %v", a)
	}
	_, versions := do(t, k, "GET", "/api/fleet/agents/available_versions", "", nil)
	if v := fleetStringList(versions["items"]); v[0] != "8.17.3" {
		t.Errorf("versions: %v", v)
	}
	_, setup := do(t, k, "GET", "/api/fleet/agents/setup", "", nil)
	if setup["isReady"] != true || len(setup["missing_requirements"].([]any)) != 0 {
		t.Errorf("setup: %v", setup)
	}
	_, data := do(t, k, "GET", "/api/fleet/agent_status/data?agentsIds="+online+"&agentsIds="+offline+"&pkgName=nginx&previewData=true", "", nil)
	got := items(t, data, "items")
	if got[0][online].(map[string]any)["data"] != true || got[1][offline].(map[string]any)["data"] != true || len(data["dataPreview"].([]any)) != 2 {
		t.Errorf("incoming data: %v", data)
	}
}

func TestFleetAgentPolicies(t *testing.T) {
	k := fleetKibana()
	_, list := do(t, k, "GET", "/api/fleet/agent_policies?withAgentCount=true&sortField=name&sortOrder=asc", "", nil)
	var names []string
	counts := map[string]float64{}
	for _, p := range items(t, list, "items") {
		names = append(names, p["name"].(string))
		counts[p["name"].(string)] = p["agents"].(float64)
	}
	if !slices.Equal(names, []string{"Endpoint Security", "Fleet Server policy", "Linux servers", "Windows workstations"}) || list["perPage"] != float64(20) {
		t.Errorf("policies: %v", names)
	}
	if counts["Linux servers"] != 5 || counts["Windows workstations"] != 4 {
		t.Errorf("agent counts: %v", counts)
	}
	_, found := do(t, k, "GET", "/api/fleet/agent_policies?kuery=ingest-agent-policies.name%3ALinux%2A+or+ingest-agent-policies.is_protected%3Atrue", "", nil)
	if found["total"] != float64(2) {
		t.Errorf("kuery: %v", found["total"])
	}

	status, body := do(t, k, "POST", "/api/fleet/agent_policies?sys_monitoring=true", `{"name":"Kiosks","namespace":"kiosk","description":"Lobby kiosks.","monitoring_enabled":["logs"],"data_output_id":"logstash-dmz","download_source_id":"artifacts-mirror","is_protected":true,"agent_features":[{"name":"fqdn","enabled":true}],"global_data_tags":[{"name":"site","value":"lobby"}],"advanced_settings":{"agent_logging_level":"debug"}}`, nil)
	if status != 200 {
		t.Fatalf("create: %d %v", status, body)
	}
	created := body["item"].(map[string]any)
	id := created["id"].(string)
	if created["revision"] != float64(2) || created["data_output_id"] != "logstash-dmz" || created["updated_by"] != "elastic" || len(created["package_policies"].([]any)) != 1 {
		t.Errorf("created: %v", created)
	}
	status, body = do(t, k, "POST", "/api/fleet/agent_policies", `{"name":"Kiosks","namespace":"default"}`, nil)
	wantMessage(t, status, body, 409, "An agent policy with the name Kiosks already exists")

	_, full := do(t, k, "GET", "/api/fleet/agent_policies/"+id+"/full", "", nil)
	fp := full["item"].(map[string]any)
	outputs := fp["outputs"].(map[string]any)
	if _, ok := outputs["logstash-dmz"]; !ok || fp["fleet"].(map[string]any)["hosts"].([]any)[0] != "https://fleet.acme.internal:8220" {
		t.Errorf("full policy outputs/fleet: %v %v", outputs, fp["fleet"])
	}
	agent := fp["agent"].(map[string]any)
	if agent["download"].(map[string]any)["proxy_url"] != "http://proxy.acme.internal:3128" || agent["protection"] == nil || agent["logging"].(map[string]any)["level"] != "debug" {
		t.Errorf("full policy agent: %v", agent)
	}
	inputs := fp["inputs"].([]any)
	if len(inputs) != 3 || inputs[0].(map[string]any)["use_output"] != "logstash-dmz" || inputs[0].(map[string]any)["processors"] == nil {
		t.Errorf("full policy inputs: %v", inputs)
	}
	w := fleetRaw(t, k, "GET", "/api/fleet/agent_policies/"+id+"/full?kubernetes=true", nil, "")
	var manifest map[string]any
	json.Unmarshal(w.Body.Bytes(), &manifest)
	if s, _ := manifest["item"].(string); !strings.Contains(s, "kind: DaemonSet") {
		t.Errorf("kubernetes manifest: %.200s", w.Body.String())
	}

	status, body = do(t, k, "PUT", "/api/fleet/agent_policies/"+id, `{"name":"Lobby kiosks","namespace":"kiosk","monitoring_enabled":[]}`, nil)
	updated := body["item"].(map[string]any)
	if status != 200 || updated["revision"] != float64(3) || updated["description"] != "Lobby kiosks." || len(updated["monitoring_enabled"].([]any)) != 0 || updated["is_protected"] != true {
		t.Errorf("update keeps what it is not given: %d %v", status, updated)
	}
	_, outs := do(t, k, "GET", "/api/fleet/agent_policies/"+id+"/outputs", "", nil)
	o := outs["item"].(map[string]any)
	if o["data"].(map[string]any)["output"].(map[string]any)["id"] != "logstash-dmz" || o["monitoring"].(map[string]any)["output"].(map[string]any)["id"] != "fleet-default-output" {
		t.Errorf("outputs: %v", o)
	}
	_, many := do(t, k, "POST", "/api/fleet/agent_policies/outputs", `{"ids":["`+id+`","prod-linux","nope"]}`, nil)
	if len(many["items"].([]any)) != 2 {
		t.Errorf("outputs of policies: %v", many)
	}
}

func TestFleetSettings(t *testing.T) {
	k := fleetKibana()
	status, body := do(t, k, "POST", "/api/fleet/outputs", `{"id":"es-backup","name":"Backup cluster","type":"elasticsearch","hosts":["https://es-backup.acme.internal:9200"],"is_default":true,"proxy_id":"corp-proxy","secrets":{"ssl":{"key":"PEM"}}}`, nil)
	if status != 200 || body["item"].(map[string]any)["secrets"].(map[string]any)["ssl"].(map[string]any)["key"].(map[string]any)["id"] == nil {
		t.Fatalf("create output (secret stored by reference): %d %v", status, body)
	}
	_, outs := do(t, k, "GET", "/api/fleet/outputs", "", nil)
	defaults := 0
	for _, o := range items(t, outs, "items") {
		if o["is_default"] == true {
			defaults++
		}
	}
	if outs["total"] != float64(3) || defaults != 1 {
		t.Errorf("outputs: total %v, %d defaults", outs["total"], defaults)
	}
	status, body = do(t, k, "POST", "/api/fleet/outputs", `{"id":"es-backup","name":"Again","type":"elasticsearch","hosts":["https://x:9200"]}`, nil)
	wantMessage(t, status, body, 409, "es-backup")

	status, body = do(t, k, "DELETE", "/api/fleet/agent_download_sources/fleet-default-download-source", "", nil)
	wantMessage(t, status, body, 400, "Default Download source fleet-default-download-source cannot be deleted")
	status, body = do(t, k, "PUT", "/api/fleet/agent_download_sources/artifacts-mirror", `{"name":"Mirror","host":"https://mirror.acme.internal/downloads/","is_default":true}`, nil)
	if status != 200 || body["item"].(map[string]any)["proxy_id"] != nil {
		t.Errorf("update replaces the proxy: %d %v", status, body)
	}
	_, sources := do(t, k, "GET", "/api/fleet/agent_download_sources", "", nil)
	for _, s := range items(t, sources, "items") {
		if (s["id"] == "artifacts-mirror") != (s["is_default"] == true) {
			t.Errorf("one default source: %v", s)
		}
	}

	status, body = do(t, k, "PUT", "/api/fleet/fleet_server_hosts/fleet-prod", `{"host_urls":["https://fleet-a.acme.internal:8220","https://fleet-b.acme.internal:8220"],"proxy_id":"corp-proxy"}`, nil)
	if status != 200 || len(body["item"].(map[string]any)["host_urls"].([]any)) != 2 || body["item"].(map[string]any)["proxy_id"] != "corp-proxy" {
		t.Fatalf("update host: %d %v", status, body)
	}
	_, full := do(t, k, "GET", "/api/fleet/agent_policies/prod-linux/full", "", nil)
	if f := full["item"].(map[string]any)["fleet"].(map[string]any); f["proxy_url"] != "http://proxy.acme.internal:3128" || len(f["hosts"].([]any)) != 2 {
		t.Errorf("agents get the new hosts: %v", f)
	}

	status, body = do(t, k, "DELETE", "/api/fleet/proxies/corp-proxy", "", nil)
	if status != 200 || body["id"] != "corp-proxy" {
		t.Fatalf("delete proxy: %d %v", status, body)
	}
	_, host := do(t, k, "GET", "/api/fleet/fleet_server_hosts/fleet-prod", "", nil)
	_, out := do(t, k, "GET", "/api/fleet/outputs/es-backup", "", nil)
	if host["item"].(map[string]any)["proxy_id"] != nil || out["item"].(map[string]any)["proxy_id"] != nil {
		t.Errorf("users of the proxy connect directly: %v %v", host["item"], out["item"])
	}
	status, body = do(t, k, "GET", "/api/fleet/proxies", "", nil)
	if status != 200 || body["total"] != float64(0) {
		t.Errorf("proxies after delete: %v", body)
	}
	_, key1 := do(t, k, "POST", "/api/fleet/logstash_api_keys", "", nil)
	_, key2 := do(t, k, "POST", "/api/fleet/logstash_api_keys", "", nil)
	if s, _ := key1["api_key"].(string); !strings.Contains(s, ":") || key1["api_key"] == key2["api_key"] {
		t.Errorf("logstash keys: %v %v", key1, key2)
	}
}

func TestFleetPackagesInstallAndUninstall(t *testing.T) {
	k := fleetKibana()
	_, before := do(t, k, "GET", "/api/fleet/epm/packages/installed", "", nil)
	if before["total"] != float64(6) {
		t.Fatalf("installed: %v", before["total"])
	}
	_, info := do(t, k, "GET", "/api/fleet/epm/packages/apache/1.24.0", "", nil)
	if info["item"].(map[string]any)["status"] != "not_installed" {
		t.Errorf("apache before: %v", info["item"].(map[string]any)["status"])
	}
	status, body := do(t, k, "POST", "/api/fleet/epm/packages/apache/1.24.0", "", nil)
	if status != 200 || body["_meta"].(map[string]any)["install_source"] != "registry" || len(body["items"].([]any)) == 0 {
		t.Fatalf("install: %d %v", status, body)
	}
	_, info = do(t, k, "GET", "/api/fleet/epm/packages/apache/1.24.0", "", nil)
	if item := info["item"].(map[string]any); item["status"] != "installed" || item["installationInfo"].(map[string]any)["version"] != "1.24.0" {
		t.Errorf("apache after: %v", item["status"])
	}
	_, after := do(t, k, "GET", "/api/fleet/epm/packages/installed?nameQuery=apa", "", nil)
	if got := items(t, after, "items"); len(got) != 1 || got[0]["name"] != "apache" || got[0]["version"] != "1.24.0" {
		t.Errorf("installed apache: %v", got)
	}
	status, body = do(t, k, "POST", "/api/fleet/epm/packages/apache/1.23.0", "", nil)
	wantMessage(t, status, body, 400, "apache-1.23.0 is out-of-date")

	// Paging by searchAfter.
	var seen []string
	after1 := ""
	for range 10 {
		path := "/api/fleet/epm/packages/installed?perPage=3"
		if after1 != "" {
			path += "&searchAfter=%5B%22" + after1 + "%22%5D"
		}
		_, page := do(t, k, "GET", path, "", nil)
		for _, p := range items(t, page, "items") {
			seen = append(seen, p["name"].(string))
		}
		next, ok := page["searchAfter"].([]any)
		if !ok {
			break
		}
		after1 = next[0].(string)
	}
	if !slices.Equal(seen, []string{"apache", "elastic_agent", "endpoint", "fleet_server", "nginx", "system", "windows"}) {
		t.Errorf("installed pages: %v", seen)
	}

	status, body = do(t, k, "DELETE", "/api/fleet/epm/packages/nginx/1.20.0", "", nil)
	wantMessage(t, status, body, 400, "Unable to remove package with existing package policy(s) in use by agent(s)")
	status, body = do(t, k, "DELETE", "/api/fleet/epm/packages/apache/1.24.0", "", nil)
	if status != 200 {
		t.Fatalf("uninstall: %d %v", status, body)
	}
	status, body = do(t, k, "DELETE", "/api/fleet/epm/packages/apache/1.24.0", "", nil)
	wantMessage(t, status, body, 400, "apache is not installed")

	status, body = do(t, k, "POST", "/api/fleet/epm/packages/_bulk?prerelease=true", `{"packages":["nginx",{"name":"system","version":"1.61.2"},"nopkg","osquery_manager"]}`, nil)
	if status != 200 {
		t.Fatalf("bulk: %d %v", status, body)
	}
	res := items(t, body, "items")
	if res[0]["version"] != "1.21.0" || res[0]["result"].(map[string]any)["installType"] != "update" ||
		res[1]["result"].(map[string]any)["installType"] != "update" || res[2]["statusCode"] != float64(404) ||
		res[3]["result"].(map[string]any)["installType"] != "install" {
		t.Errorf("bulk results: %v", res)
	}
	_, stats := do(t, k, "GET", "/api/fleet/epm/packages/system/stats", "", nil)
	if s := stats["response"].(map[string]any); s["package_policy_count"] != float64(3) || s["agent_policy_count"] != float64(3) {
		t.Errorf("system stats: %v", s)
	}
	_, pkgs := do(t, k, "GET", "/api/fleet/epm/packages?category=security&withPackagePoliciesCount=true", "", nil)
	for _, p := range items(t, pkgs, "items") {
		if p["name"] == "endpoint" && (p["status"] != "installed" || p["packagePoliciesCount"] != float64(2)) {
			t.Errorf("endpoint row: %v", p)
		}
		if p["name"] == "apache" {
			t.Errorf("apache is not a security package")
		}
	}
	_, key := do(t, k, "GET", "/api/fleet/epm/verification_key_id", "", nil)
	if key["id"] != fleetVerificationKeyID {
		t.Errorf("key: %v", key)
	}
	status, body = do(t, k, "POST", "/api/fleet/epm/custom_integrations", `{"integrationName":"billing_app","datasets":[{"name":"billing_app.invoices","type":"logs"}]}`, nil)
	if status != 200 || body["_meta"].(map[string]any)["install_source"] != "custom" {
		t.Fatalf("custom: %d %v", status, body)
	}
	status, body = do(t, k, "POST", "/api/fleet/epm/custom_integrations", `{"integrationName":"billing_app","datasets":[{"name":"billing_app.invoices","type":"logs"}]}`, nil)
	wantMessage(t, status, body, 409, "billing_app already exists")
	_, info = do(t, k, "GET", "/api/fleet/epm/packages/billing_app/1.0.0", "", nil)
	if item := info["item"].(map[string]any); item["status"] != "installed" || item["installationInfo"].(map[string]any)["install_source"] != "custom" {
		t.Errorf("custom package: %v", item)
	}
	status, body = do(t, k, "POST", "/api/fleet/epm/packages/endpoint/8.14.0/transforms/authorize", `{"transforms":[{"transformId":"logs-endpoint.metadata_current-default-8.14.0"},{"transformId":"other"}]}`, nil)
	if list := body["list"].([]any); status != 200 || list[0].(map[string]any)["success"] != true || list[1].(map[string]any)["success"] != false {
		t.Errorf("authorize: %d %v", status, body)
	}
	status, body = do(t, k, "POST", "/api/fleet/epm/packages/aws/2.30.0/transforms/authorize", `{"transforms":[{"transformId":"x"}]}`, nil)
	wantMessage(t, status, body, 404, "aws is not installed")
}

func TestFleetPackageFiles(t *testing.T) {
	k := fleetKibana()
	w := fleetRaw(t, k, "GET", "/api/fleet/epm/packages/nginx/1.20.0/manifest.yml", nil, "")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/yaml") || !strings.Contains(w.Body.String(), "name: nginx\n") || !strings.Contains(w.Body.String(), "version: 1.20.0\n") {
		t.Errorf("manifest: %d %s %q", w.Code, w.Header().Get("Content-Type"), w.Body.String())
	}
	w = fleetRaw(t, k, "GET", "/s/soc/api/fleet/epm/packages/nginx/1.20.0/changelog.yml", nil, "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `version: "1.20.0"`) || strings.Contains(w.Body.String(), `"1.21.0"`) {
		t.Errorf("changelog: %d %q", w.Code, w.Body.String())
	}
	w = fleetRaw(t, k, "GET", "/api/fleet/epm/packages/nginx/1.20.0/docs/README.md", nil, "")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/markdown") || !strings.HasPrefix(w.Body.String(), "# Nginx") {
		t.Errorf("README: %d %q", w.Code, w.Body.String())
	}
	w = fleetRaw(t, k, "GET", "/api/fleet/epm/packages/nginx/1.20.0/data_stream/access/manifest.yml", nil, "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "type: logs") {
		t.Errorf("data stream manifest: %d %q", w.Code, w.Body.String())
	}
	w = fleetRaw(t, k, "GET", "/api/fleet/epm/packages/nginx/1.20.0/img/nginx-logo.png", nil, "")
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/png" {
		t.Fatalf("icon: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader(w.Body.Bytes()))
	if err != nil || img.Bounds().Dx() != 32 {
		t.Errorf("icon is not a 32x32 PNG: %v", err)
	}
}

// zipArchive builds a package archive.
func zipArchive(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	zw.Close()
	return buf.Bytes()
}

func tarGzArchive(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, content := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg})
		io.WriteString(tw, content)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// uploadCall answers an upload with the handler itself, as ServeHTTP
// would with the raw body (route.go's readBody refuses archive content
// types before a handler runs).
func uploadCall(k *Kibana, space string, body []byte, contentType string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/api/fleet/epm/packages", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	w := httptest.NewRecorder()
	c := &call{k: k, w: w, r: req, space: k.spaces[space], spaceID: space, rawBody: body}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.uploadPackage(c)
	return w
}

func TestFleetUploadPackage(t *testing.T) {
	k := fleetKibana()
	archive := zipArchive(t, map[string]string{
		"acme_vpn-0.3.1/manifest.yml":                      "format_version: 3.0.0\nname: acme_vpn\ntitle: ACME VPN\nversion: 0.3.1\ndescription: Logs of the ACME VPN appliance.\ntype: integration\n",
		"acme_vpn-0.3.1/docs/README.md":                    "# ACME VPN\n",
		"acme_vpn-0.3.1/data_stream/sessions/manifest.yml": "title: VPN sessions\ntype: logs\n",
	})
	w := uploadCall(k, "default", archive, "application/zip")
	if w.Code != 200 {
		t.Fatalf("upload zip: %d %s", w.Code, w.Body.String())
	}
	var res map[string]any
	json.Unmarshal(w.Body.Bytes(), &res)
	if meta := res["_meta"].(map[string]any); meta["install_source"] != "upload" || meta["name"] != "acme_vpn" {
		t.Errorf("upload answer: %v", res)
	}
	_, info := do(t, k, "GET", "/api/fleet/epm/packages/acme_vpn/0.3.1", "", nil)
	item := info["item"].(map[string]any)
	if item["status"] != "installed" || item["title"] != "ACME VPN" || len(item["data_streams"].([]any)) != 1 {
		t.Errorf("uploaded package: %v", item)
	}
	raw := fleetRaw(t, k, "GET", "/api/fleet/epm/packages/acme_vpn/0.3.1/docs/README.md", nil, "")
	if raw.Code != 200 || raw.Body.String() != "# ACME VPN\n" {
		t.Errorf("uploaded file: %d %q", raw.Code, raw.Body.String())
	}
	status, body := do(t, k, "POST", "/api/fleet/package_policies", `{"name":"vpn","package":{"name":"acme_vpn","version":"0.3.1"},"policy_ids":["prod-linux"],"inputs":{"acme_vpn-logfile":{"streams":{"acme_vpn.sessions":{"enabled":true}}}}}`, nil)
	if status != 200 {
		t.Errorf("policy for the uploaded package: %d %v", status, body)
	}

	w = uploadCall(k, "soc", tarGzArchive(t, map[string]string{"pkg/manifest.yml": "name: soc_tools\nversion: 1.0.0\n"}), "application/gzip")
	if w.Code != 200 {
		t.Errorf("upload tar.gz: %d %s", w.Code, w.Body.String())
	}
	for _, tc := range []struct {
		body        []byte
		contentType string
		status      int
		want        string
	}{
		{archive, "application/octet-stream", 415, "application/zip or application/gzip"},
		{nil, "application/zip", 400, "empty"},
		{[]byte("PK\x03\x04 not really"), "application/zip", 400, "Error during extraction of package"},
		{zipArchive(t, map[string]string{"README.md": "x"}), "application/zip", 400, "manifest.yml"},
		{zipArchive(t, map[string]string{"manifest.yml": "title: x\n"}), "application/zip", 400, "name, version"},
	} {
		w := uploadCall(k, "default", tc.body, tc.contentType)
		if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("upload %s: %d %s, want %d with %q", tc.contentType, w.Code, w.Body.String(), tc.status, tc.want)
		}
	}
}

func TestFleetPackagePolicies(t *testing.T) {
	k := fleetKibana()
	_, list := do(t, k, "GET", "/api/fleet/package_policies?kuery=ingest-package-policies.package.name%3Asystem", "", nil)
	if list["total"] != float64(3) || list["perPage"] != float64(20) {
		t.Errorf("system policies: %v", list["total"])
	}
	_, upgradeable := do(t, k, "GET", "/api/fleet/package_policies?showUpgradeable=true", "", nil)
	if got := items(t, upgradeable, "items"); len(got) != 1 || got[0]["id"] != fleetSystemPkgPolicy {
		t.Errorf("upgradeable: %v", got)
	}
	status, body := do(t, k, "POST", "/api/fleet/package_policies", `{"name":"apache-web","namespace":"web","policy_ids":["prod-linux"],"package":{"name":"apache","version":"1.24.0"},"inputs":{"apache-apache/metrics":{"enabled":false},"apache-logfile":{"streams":{"apache.error":{"enabled":false},"apache.access":{"vars":{"paths":["/srv/log/access.log"]}}}}}}`, nil)
	if status != 200 {
		t.Fatalf("create: %d %v", status, body)
	}
	pp := body["item"].(map[string]any)
	id := pp["id"].(string)
	in := pp["inputs"].(map[string]any)
	logfile := in["apache-logfile"].(map[string]any)["streams"].(map[string]any)
	if in["apache-apache/metrics"].(map[string]any)["enabled"] != false || logfile["apache.error"].(map[string]any)["enabled"] != false ||
		fleetStringList(logfile["apache.access"].(map[string]any)["vars"].(map[string]any)["paths"])[0] != "/srv/log/access.log" ||
		logfile["apache.access"].(map[string]any)["vars"].(map[string]any)["tags"] == nil {
		t.Errorf("created inputs: %v", in)
	}
	_, info := do(t, k, "GET", "/api/fleet/epm/packages/apache/1.24.0", "", nil)
	if info["item"].(map[string]any)["status"] != "installed" {
		t.Errorf("creating a policy installs its package")
	}
	_, policy := do(t, k, "GET", "/api/fleet/agent_policies/prod-linux", "", nil)
	if rev := policy["item"].(map[string]any)["revision"]; rev != float64(5) {
		t.Errorf("agent policy revision after adding an integration: %v", rev)
	}
	_, full := do(t, k, "GET", "/api/fleet/agent_policies/prod-linux/full", "", nil)
	found := false
	for _, e := range full["item"].(map[string]any)["inputs"].([]any) {
		if e.(map[string]any)["package_policy_id"] == id {
			found = true
			if ns := e.(map[string]any)["data_stream"].(map[string]any)["namespace"]; ns != "web" {
				t.Errorf("input namespace: %v", ns)
			}
		}
	}
	if !found {
		t.Errorf("the new integration is not in the full policy")
	}
	_, streams := do(t, k, "GET", "/api/fleet/data_streams", "", nil)
	var indices []string
	for _, ds := range items(t, streams, "data_streams") {
		indices = append(indices, ds["index"].(string))
	}
	if !slices.Contains(indices, "logs-apache.access-web") || slices.Contains(indices, "logs-apache.error-web") || !slices.Contains(indices, "logs-system.auth-default") {
		t.Errorf("data streams: %v", indices)
	}

	status, body = do(t, k, "PUT", "/api/fleet/package_policies/"+id, `{"name":"apache-web","package":{"name":"apache","version":"1.24.0"},"description":"Web tier.","policy_ids":["prod-linux","`+fleetEndpointPolicy+`"]}`, nil)
	upd := body["item"].(map[string]any)
	if status != 200 || upd["revision"] != float64(2) || upd["namespace"] != "web" || len(upd["policy_ids"].([]any)) != 2 ||
		upd["inputs"].(map[string]any)["apache-apache/metrics"].(map[string]any)["enabled"] != false {
		t.Errorf("update keeps inputs it is not given: %d %v", status, upd)
	}
	status, body = do(t, k, "PUT", "/api/fleet/package_policies/"+id, `{"name":"nginx-web","package":{"name":"apache","version":"1.24.0"}}`, nil)
	wantMessage(t, status, body, 409, "nginx-web already exists")
	status, body = do(t, k, "PUT", "/api/fleet/package_policies/"+id, `{"name":"apache-web","package":{"name":"nginx","version":"1.20.0"}}`, nil)
	wantMessage(t, status, body, 400, "cannot change")

	// Upgrade: the dry run changes nothing, the upgrade moves the policy
	// to the installed version and keeps its settings.
	status, body = do(t, k, "POST", "/api/fleet/package_policies/upgrade/dryrun", `{"packagePolicyIds":["`+fleetSystemPkgPolicy+`","`+fleetNginxPkgPolicy+`"]}`, nil)
	dry := body["list"].([]any)
	first := dry[0].(map[string]any)
	if status != 200 || first["hasErrors"] != false || first["diff"].([]any)[1].(map[string]any)["package"].(map[string]any)["version"] != "1.60.0" ||
		dry[1].(map[string]any)["hasErrors"] != true {
		t.Errorf("dry run: %d %v", status, body)
	}
	_, still := do(t, k, "GET", "/api/fleet/package_policies/"+fleetSystemPkgPolicy, "", nil)
	if still["item"].(map[string]any)["package"].(map[string]any)["version"] != "1.58.0" {
		t.Errorf("dry run changed the policy")
	}
	status, body = do(t, k, "POST", "/api/fleet/package_policies/upgrade", `{"packagePolicyIds":["`+fleetSystemPkgPolicy+`","`+fleetNginxPkgPolicy+`"]}`, nil)
	up := body["list"].([]any)
	if status != 200 || up[0].(map[string]any)["success"] != true || up[1].(map[string]any)["success"] != false ||
		!strings.Contains(up[1].(map[string]any)["body"].(map[string]any)["message"].(string), "is up to date") {
		t.Errorf("upgrade: %d %v", status, body)
	}
	_, now := do(t, k, "GET", "/api/fleet/package_policies/"+fleetSystemPkgPolicy, "", nil)
	item := now["item"].(map[string]any)
	if item["package"].(map[string]any)["version"] != "1.60.0" || item["inputs"].(map[string]any)["system-winlog"].(map[string]any)["enabled"] != false {
		t.Errorf("upgraded policy: %v", item)
	}

	status, body = do(t, k, "POST", "/api/fleet/package_policies/delete", `{"packagePolicyIds":["`+id+`","nope"]}`, nil)
	del := body["list"].([]any)
	if status != 200 || del[0].(map[string]any)["success"] != true || del[1].(map[string]any)["statusCode"] != float64(404) {
		t.Errorf("delete: %d %v", status, body)
	}
	status, _ = do(t, k, "GET", "/api/fleet/package_policies/"+id, "", nil)
	if status != 404 {
		t.Errorf("deleted policy: %d", status)
	}
	status, body = do(t, k, "DELETE", "/api/fleet/epm/packages/apache/1.24.0", "", nil)
	if status != 200 {
		t.Errorf("uninstall once no policy uses it: %d %v", status, body)
	}
}

func TestFleetSpaceIsolation(t *testing.T) {
	k := fleetKibana()
	status, body := do(t, k, "POST", "/s/soc/api/fleet/agent_policies", `{"name":"SOC jump hosts","namespace":"soc","id":"soc-jump"}`, nil)
	if status != 200 {
		t.Fatalf("create in soc: %d %v", status, body)
	}
	status, body = do(t, k, "GET", "/api/fleet/agent_policies/soc-jump", "", nil)
	wantMessage(t, status, body, 404, "Agent policy soc-jump not found")
	socAgent := agentIDByHost(t, k, "soc", "ea-lt-01")
	status, _ = do(t, k, "GET", "/api/fleet/agents/"+socAgent, "", nil)
	if status != 404 {
		t.Errorf("soc's agent seen from default: %d", status)
	}
	_, soc := do(t, k, "GET", "/s/soc/api/fleet/agents?showInactive=true&perPage=100", "", nil)
	if got := hostnames(t, soc); !slices.Contains(got, "bkp-01") || !slices.Contains(got, "dc-02") || !slices.Contains(got, "fin-ws-07") || slices.Contains(got, "fs-02") {
		t.Errorf("soc hosts: %v", got)
	}
	do(t, k, "POST", "/s/soc/api/fleet/epm/packages/apache/1.24.0", "", nil)
	_, def := do(t, k, "GET", "/api/fleet/epm/packages/apache/1.24.0", "", nil)
	if def["item"].(map[string]any)["status"] != "not_installed" {
		t.Errorf("install in soc shows in default")
	}
	do(t, k, "PUT", "/s/soc/api/fleet/agents/"+fleetExampleAgentA, `{"tags":["soc-only"]}`, nil)
	_, tags := do(t, k, "GET", "/api/fleet/agents/tags", "", nil)
	if slices.Contains(fleetStringList(tags["items"]), "soc-only") {
		t.Errorf("soc's tag in default: %v", tags)
	}
}

// TestFleetEmptySpace checks that a space created empty answers every
// list route, and can be built up from nothing.
func TestFleetEmptySpace(t *testing.T) {
	k := fleetKibana()
	k.addSpace("lab", "Lab")
	for _, tc := range []struct{ path, member string }{
		{"/s/lab/api/fleet/agents", "items"},
		{"/s/lab/api/fleet/agents/action_status", "items"},
		{"/s/lab/api/fleet/agents/tags", "items"},
		{"/s/lab/api/fleet/agent_policies", "items"},
		{"/s/lab/api/fleet/agent_download_sources", "items"},
		{"/s/lab/api/fleet/outputs", "items"},
		{"/s/lab/api/fleet/proxies", "items"},
		{"/s/lab/api/fleet/package_policies", "items"},
		{"/s/lab/api/fleet/epm/packages/installed", "items"},
		{"/s/lab/api/fleet/data_streams", "data_streams"},
		{"/s/lab/api/fleet/epm/data_streams", "items"},
	} {
		status, body := do(t, k, "GET", tc.path, "", nil)
		if status != 200 || len(items(t, body, tc.member)) != 0 {
			t.Errorf("%s: %d %v", tc.path, status, body)
		}
	}
	_, pkgs := do(t, k, "GET", "/s/lab/api/fleet/epm/packages", "", nil)
	if got := items(t, pkgs, "items"); len(got) != len(fleetCatalogue) || got[0]["status"] != "not_installed" {
		t.Errorf("registry from an empty space: %d", len(got))
	}
	_, setup := do(t, k, "GET", "/s/lab/api/fleet/agents/setup", "", nil)
	if setup["isReady"] != false || fleetStringList(setup["missing_requirements"])[0] != "fleet_server" {
		t.Errorf("setup of an empty space: %v", setup)
	}
	status, body := do(t, k, "POST", "/s/lab/api/fleet/agent_policies?sys_monitoring=true", `{"name":"Lab","namespace":"lab"}`, nil)
	if status != 200 {
		t.Fatalf("create in empty space: %d %v", status, body)
	}
	id := body["item"].(map[string]any)["id"].(string)
	status, body = do(t, k, "GET", "/s/lab/api/fleet/agent_policies/"+id+"/full", "", nil)
	if status != 200 {
		t.Errorf("full policy without outputs: %d %v", status, body)
	}
	_, installed := do(t, k, "GET", "/s/lab/api/fleet/epm/packages/installed", "", nil)
	if got := items(t, installed, "items"); len(got) != 1 || got[0]["name"] != "system" {
		t.Errorf("sys_monitoring installs system: %v", got)
	}
	status, body = do(t, k, "POST", "/s/lab/api/fleet/agents/"+fleetExampleAgentA+"/unenroll", "", nil)
	wantMessage(t, status, body, 404, "not found")
}

// TestFleetSeedIsDeterministic checks that the same seed gives the same
// Fleet.
func TestFleetSeedIsDeterministic(t *testing.T) {
	a, b := fleetKibana(), fleetKibana()
	_, x := do(t, a, "GET", "/s/soc/api/fleet/agents?showInactive=true&perPage=100", "", nil)
	_, y := do(t, b, "GET", "/s/soc/api/fleet/agents?showInactive=true&perPage=100", "", nil)
	jx, _ := json.Marshal(x)
	jy, _ := json.Marshal(y)
	if !bytes.Equal(jx, jy) {
		t.Errorf("same seed, different agents")
	}
}
