package tools

import (
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
)

// TestFleetExtraExamplesSucceed runs every example of fleet_extra.go and
// get_kibana_status against a fresh sandbox. The remote sync status
// examples name a remote output the story lacks: Kibana's 404.
func TestFleetExtraExamplesSucceed(t *testing.T) {
	names := []string{"get_kibana_status"}
	for _, op := range fleetExtraOperations {
		names = append(names, op.Name)
	}
	if len(names) != 15 {
		t.Fatalf("%d tools, want 15", len(names))
	}
	examplesSucceed(t, names, "get_remote_output_sync_status")
}

// TestFleetExtraStory walks the stateful parts: cloud connectors and
// agentless policies kept and counted, a remote output that syncs
// integrations reports them.
func TestFleetExtraStory(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	call := fleetCaller(t, client)
	// The seeded connector is used by the seeded agentless policy.
	call("get_cloud_connector", `{"cloudConnectorId":"`+sandboxCloudConnectorID+`"}`, false, `"packagePolicyCount":1`)
	call("delete_cloud_connector", `{"cloudConnectorId":"`+sandboxCloudConnectorID+`"}`, true, "used by 1 package policies")
	call("delete_agentless_policy", `{"policyId":"`+sandboxAgentlessPolicyID+`"}`, false)
	call("delete_agentless_policy", `{"policyId":"`+sandboxAgentlessPolicyID+`"}`, true, "404")
	call("delete_cloud_connector", `{"cloudConnectorId":"`+sandboxCloudConnectorID+`"}`, false)
	call("create_cloud_connector", `{"name":"GCP org","cloudProvider":"gcp","vars":{"project_id":"sec-prod"}}`, false, `"cloudProvider":"gcp"`)
	call("find_cloud_connectors", `{"kuery":"fleet-cloud-connector.attributes.cloudProvider: gcp"}`, false, `"name":"GCP org"`)
	// A password-typed var goes to the secret store: no read gives it back.
	made := call("create_cloud_connector", `{"name":"AWS prod","cloudProvider":"aws","vars":{"role_arn":"arn:aws:iam::1:role/x","external_id":{"type":"password","value":"s3cr3t-ext-id"}}}`, false, `"isSecretRef":true`)
	listed := call("find_cloud_connectors", `{}`, false, `"name":"AWS prod"`)
	if strings.Contains(made+listed, "s3cr3t-ext-id") {
		t.Errorf("a cloud connector's secret came back: %s\n%s", made, listed)
	}
	call("create_agentless_policy", `{"name":"cspm-gcp","package":{"name":"cloud_security_posture","version":"1.13.0"}}`, false, `"supports_agentless":true`)
	call("create_agentless_policy", `{"name":"cspm-gcp","package":{"name":"cloud_security_posture","version":"1.13.0"}}`, true, "409")

	call("ping_fleet_server_host", `{"id":"fleet-prod"}`, false, `"host_id":"fleet-prod"`, `"status":`)
	call("ping_fleet_server_host", `{"id":"nope"}`, true, "404")

	// A remote output that syncs integrations reports the installed ones.
	call("create_output", `{"id":"remote-dr","name":"DR cluster","type":"remote_elasticsearch","hosts":["https://dr.example.com:9200"],"settings":{"service_token":"AAEAAWVs","sync_integrations":true}}`, false)
	call("get_remote_output_sync_status", `{"outputId":"remote-dr"}`, false, `"package_name":"system"`, `"sync_status":"completed"`)
	call("get_remote_output_sync_status", `{"outputId":"fleet-default-output"}`, true, "not a remote elasticsearch output")

	call("get_kubernetes_manifest", `{"enrolToken":"ZW5yb2xs"}`, false, "FLEET_ENROLLMENT_TOKEN", "ZW5yb2xs", "https://fleet.")
	call("get_kibana_status", `{}`, false, `"number":"9.2.0"`, `"fleet"`)
}

// TestFleetExtraArgumentChecks pins the refusals made before sending.
func TestFleetExtraArgumentChecks(t *testing.T) {
	for _, c := range []struct{ tool, args, want string }{
		{"update_cloud_connector", `{"cloudConnectorId":"c"}`, `invalid arguments: give name, vars or both`},
		{"create_cloud_connector", `{"name":" ","cloudProvider":"aws","vars":{}}`, `invalid argument "name": must not be blank`},
		{"create_cloud_connector", `{"name":"n","cloudProvider":"aws","vars":{"role_arn":{"type":"text"}}}`, `invalid argument "vars.role_arn.value": must be a string or {isSecretRef: true, id}`},
		{"create_cloud_connector", `{"name":"n","cloudProvider":"aws","vars":{"k":{"type":"password","value":{"isSecretRef":false,"id":"x"}}}}`, `invalid argument "vars.k.value": must be a string or {isSecretRef: true, id}`},
		{"create_cloud_connector", `{"name":"n","cloudProvider":"aws","vars":{"k":["a"]}}`, `invalid argument "vars.k": must be a string, number, boolean or {type, value} object`},
		{"create_agentless_policy", `{"name":"x","package":{"name":"p","version":"1"},"namespace":"Prod"}`, `invalid argument "namespace": must be lowercase`},
		{"get_kibana_status", `{"v7format":true,"v8format":true}`, `invalid argument "v7format": give v7format or v8format, not both`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
	for _, c := range []struct{ tool, args, field string }{
		{"create_cloud_connector", `{"name":"n","cloudProvider":"oci","vars":{}}`, "cloudProvider"},
		{"ping_fleet_server_host", `{}`, "id"},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || !strings.Contains(err.Error(), `"`+c.field) {
			t.Errorf("%s %s: got %v, want an error naming %s", c.tool, c.args, err, c.field)
		}
	}
}

// TestFleetExtraRequests pins what reaches Kibana.
func TestFleetExtraRequests(t *testing.T) {
	req, err := mustLookup(t, "ping_fleet_server_host").Bind(args(t, `{"id":"fleet-prod","space_id":"soc"}`))
	if err != nil || string(req.Body) != `{"id":"fleet-prod"}` || req.Space != "soc" {
		t.Errorf("health check: %v %+v", err, req)
	}
	req, err = mustLookup(t, "delete_cloud_connector").Bind(args(t, `{"cloudConnectorId":"c1","force":true}`))
	if err != nil || req.Path != "/api/fleet/cloud_connectors/c1" || req.Query.Encode() != "force=true" {
		t.Errorf("delete connector: %v %+v", err, req)
	}
	req, err = mustLookup(t, "create_agentless_policy").Bind(args(t, `{"name":"a","package":{"name":"p","version":"1"},"format":"legacy"}`))
	if err != nil || req.Query.Encode() != "format=legacy" || strings.Contains(string(req.Body), "format") {
		t.Errorf("agentless: %v %+v %s", err, req, req.Body)
	}
}

// TestFleetExtraAnnotations: reads are read-only, writes Admin, deletes
// destructive.
func TestFleetExtraAnnotations(t *testing.T) {
	for name, want := range map[string][2]bool{ // readOnly, destructive
		"ping_fleet_server_host":  {true, false},
		"delete_cloud_connector":  {false, true},
		"delete_agentless_policy": {false, true},
		"run_fleet_setup":         {false, false},
	} {
		a := mustLookup(t, name).Annotations()
		if got := [2]bool{*a.ReadOnlyHint, *a.DestructiveHint}; got != want {
			t.Errorf("%s: (readOnly, destructive) = %v, want %v", name, got, want)
		}
	}
	for _, op := range fleetExtraOperations {
		if !op.ReadOnly() && !op.Admin {
			t.Errorf("%s writes but is not Admin", op.Name)
		}
	}
}
