package tools

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// fleetMoreTools are issue 22's Fleet batch: credentials, agent actions
// and the status summary, and the infrastructure leftovers.
func fleetMoreTools() []string {
	var names []string
	for _, area := range [][]*operation.Operation{fleetAgentActionOperations, fleetCredentialOperations, fleetInfraOperations, fleetAdminOperations} {
		for _, op := range area {
			names = append(names, op.Name)
		}
	}
	return names
}

// TestFleetMoreExamplesSucceed runs every example of the batch against a
// fresh seeded sandbox: each must succeed, not merely be well formed. The
// delete_agent_policy examples name a policy the story does not have (every
// seeded policy has agents, which Kibana refuses to orphan): they must get
// Kibana's 404; TestFleetSandboxState deletes one it made.
func TestFleetMoreExamplesSucceed(t *testing.T) {
	names := fleetMoreTools()
	if len(names) != 32 {
		t.Fatalf("%d tools in the batch, want 32: %v", len(names), names)
	}
	for _, name := range names {
		op := mustLookup(t, name)
		if op.Toolset != "fleet" || (op.Effect != operation.Reads && !op.Admin && !strings.Contains(name, "agent")) {
			t.Errorf("%s: toolset %q, admin %v", name, op.Toolset, op.Admin)
		}
		for i, ex := range op.Examples {
			_, client := sandboxtest.New(t, nil)
			isErr, texts := callFlow(t, client, name, ex)
			if name == "delete_agent_policy" {
				if !isErr || !strings.Contains(strings.Join(texts, " "), "404") {
					t.Errorf("%s example %d: want Kibana's 404, got %v", name, i, texts)
				}
				continue
			}
			if isErr {
				t.Errorf("%s example %d failed: %v", name, i, texts)
			}
		}
	}
}

// TestFleetCredentialToolsAreAdmin: enrollment keys and uninstall tokens
// are secrets, so even reading them is left out of the default selection.
func TestFleetCredentialToolsAreAdmin(t *testing.T) {
	for _, op := range fleetCredentialOperations {
		if !op.Admin {
			t.Errorf("%s is not Admin", op.Name)
		}
	}
	for _, name := range []string{"revoke_enrollment_api_key", "bulk_unenroll_agents", "delete_output", "delete_fleet_server_host", "update_proxy", "bulk_upgrade_agents", "reassign_agent"} {
		if !mustLookup(t, name).Destructive() {
			t.Errorf("%s is not confirmed as destructive", name)
		}
	}
}

// TestFleetMoreArgumentChecks pins the checks the schemas cannot make.
func TestFleetMoreArgumentChecks(t *testing.T) {
	for _, c := range []struct{ tool, args, want string }{
		{"create_enrollment_api_key", `{"policy_id":"p","expiration":"a week"}`, `invalid argument "expiration": must be a duration such as 7d, 12h or 30m, got "a week"`},
		{"create_enrollment_api_key", `{"policy_id":"p","name":"  "}`, `invalid argument "name": must not be blank; leave it out for an id-only name`},
		{"get_agent_status_summary", `{"policyId":"a","policyIds":["b"]}`, `invalid argument "policyIds": give policyId or policyIds, not both`},
		{"upgrade_agent", `{"agentId":"a","version":"latest"}`, `invalid argument "version": must be a version such as 8.17.3, got "latest"`},
		{"upgrade_agent", `{"agentId":"a","version":"8.17.3","source_uri":"artifacts.example.com"}`, `invalid argument "source_uri": must be an http or https URL with a host, got "artifacts.example.com"`},
		{"bulk_upgrade_agents", `{"version":"8.17.3","kuery":"tags:web","start_time":"tonight"}`, `invalid argument "start_time": must be an ISO 8601 time with offset, e.g. 2025-03-12T22:00:00Z, got "tonight"`},
		{"bulk_upgrade_agents", `{"version":"8.17.3"}`, `invalid arguments: give agentIds (a list of agent IDs) or kuery (KQL selecting agents)`},
		{"bulk_unenroll_agents", `{"agentIds":["a"],"kuery":"tags:x"}`, `invalid argument "kuery": give either agentIds or kuery, not both`},
		{"create_agent_action", `{"agentId":"a","type":"SETTINGS"}`, `invalid argument "log_level": is required with type SETTINGS`},
		{"create_agent_action", `{"agentId":"a","type":"UPGRADE","data":{"version":"8.17.3"}}`, `invalid argument "ack_data": is required with type UPGRADE; give {} when there is none`},
		{"create_agent_action", `{"agentId":"a","type":"UNENROLL","log_level":"debug"}`, `invalid argument "log_level": applies only to type SETTINGS`},
		{"create_proxy", `{"name":"p","url":"proxy:3128"}`, `invalid argument "url": must be an http or https URL with a host, got "proxy:3128"`},
		{"create_proxy", `{"name":"p","url":"http://p:3128","proxy_headers":{"X":["a"]}}`, `invalid argument "proxy_headers.X": must be a string, number or boolean`},
		{"create_fleet_server_host", `{"name":"f","host_urls":["https://f:8220","https://f:8220"]}`, `invalid argument "host_urls[1]": repeats "https://f:8220"`},
		{"create_fleet_server_host", `{"name":"f","host_urls":["https://f:8220"],"ssl":{"client_auth":"always"}}`, `invalid argument "ssl.client_auth": must be none, optional or required, got "always"`},
		{"update_fleet_settings", `{}`, `invalid arguments: give at least one setting to change`},
		{"update_fleet_settings", `{"kibana_urls":["kibana:5601"]}`, `invalid argument "kibana_urls[0]": must be an http or https URL with a host, got "kibana:5601"`},
		{"rotate_message_signing_key", `{"acknowledge":false}`, `invalid argument "acknowledge": must be true; Kibana rotates the key only when acknowledged`},
		{"update_fleet_space_settings", `{"allowed_namespace_prefixes":["SOC"]}`, `invalid argument "allowed_namespace_prefixes[0]": must be a lowercase namespace prefix without spaces, hyphens or *\/?"<>|,#:, got "SOC"`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
	// What the schemas catch, named by field.
	for _, c := range []struct{ tool, args, field string }{
		{"find_uninstall_tokens", `{"perPage":2}`, "perPage"},
		{"bulk_upgrade_agents", `{"version":"8.17.3","kuery":"x","rollout_duration_seconds":60}`, "rollout_duration_seconds"},
		{"create_agent_action", `{"agentId":"a","type":"RESTART"}`, "type"},
		{"bulk_get_agent_policies", `{"ids":[]}`, "ids"},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s %s: want an error naming %s, got %v", c.tool, c.args, c.field, err)
		}
	}
}

// TestEnrollmentKeySecretsStayOutOfLogs: the answer carries the key, the
// client's debug log of the same calls does not.
func TestEnrollmentKeySecretsStayOutOfLogs(t *testing.T) {
	sk, _ := sandboxtest.New(t, nil)
	var logged bytes.Buffer
	client, err := kibana.New(kibana.Config{URL: sk.URL, APIKey: "k", MaxRetries: -1},
		slog.New(slog.NewJSONHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, call := range [][2]string{
		{"create_enrollment_api_key", `{"policy_id":"prod-linux","name":"rack b12"}`},
		{"get_enrollment_api_key", `{"keyId":"` + sandboxEnrollmentKeyID + `"}`},
		{"get_uninstall_token", `{"uninstallTokenId":"` + sandboxUninstallTokenID + `"}`},
	} {
		res, err := Send(t.Context(), client, call[0], args(t, call[1]))
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%s: %v %v", call[0], err, res)
		}
		var got struct {
			Item struct {
				APIKey string `json:"api_key"`
				Token  string `json:"token"`
			}
		}
		json.Unmarshal(res.Body, &got)
		secret := got.Item.APIKey + got.Item.Token
		if len(secret) < 20 {
			t.Fatalf("%s: no secret in %s", call[0], res.Body)
		}
		secrets = append(secrets, secret)
	}
	if logged.Len() == 0 {
		t.Fatal("nothing logged: the test proves nothing")
	}
	for _, s := range secrets {
		if strings.Contains(logged.String(), s) {
			t.Errorf("secret %s… logged", s[:6])
		}
	}
}

// TestFleetSandboxState: the sandbox keeps what these tools change and
// derives what they read from the agents and policies it has.
func TestFleetSandboxState(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	send := func(tool, a string) map[string]any {
		t.Helper()
		res, err := Send(t.Context(), client, tool, args(t, a))
		if err != nil {
			t.Fatalf("%s %s: %v", tool, a, err)
		}
		var m map[string]any
		json.Unmarshal(res.Body, &m)
		return m
	}
	count := func(status string) float64 {
		return send("get_agent_status_summary", `{}`)["results"].(map[string]any)[status].(float64)
	}

	// Status summary counts the agents find_agents lists.
	found := send("find_agents", `{"showInactive":true,"perPage":100}`)
	if all := count("all"); all != found["total"].(float64) || all == 0 {
		t.Errorf("summary all %v, find_agents total %v", all, found["total"])
	}
	// Unenrolling moves agents from active to unenrolled, and the action is
	// recorded with its agents.
	active, unenrolled := count("active"), count("unenrolled")
	act := send("bulk_unenroll_agents", `{"agentIds":["0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","no-such-agent"]}`)["actionId"].(string)
	if count("active") != active-1 || count("unenrolled") != unenrolled+1 {
		t.Errorf("after unenrolling one agent: active %v→%v, unenrolled %v→%v", active, count("active"), unenrolled, count("unenrolled"))
	}
	status := send("get_agent_action_status", `{}`)["items"].([]any)[0].(map[string]any)
	if status["actionId"] != act || status["nbAgentsActioned"].(float64) != 1 || status["nbAgentsFailed"].(float64) != 1 {
		t.Errorf("action status %v", status)
	}

	// Cancelling the pending upgrade shows it cancelled; the agent stops updating.
	updating := count("updating")
	send("cancel_agent_action", `{"actionId":"`+sandboxPendingUpgradeAction+`"}`)
	if count("updating") != updating-1 {
		t.Errorf("updating %v after cancelling the upgrade, was %v", count("updating"), updating)
	}
	for _, it := range send("get_agent_action_status", `{"perPage":100}`)["items"].([]any) {
		if m := it.(map[string]any); m["actionId"] == sandboxPendingUpgradeAction && m["status"] != "CANCELLED" {
			t.Errorf("cancelled upgrade shows %v", m["status"])
		}
	}

	// A new policy comes with a default enrollment key; revoking keeps it, inactive.
	send("create_agent_policy", `{"name":"Kiosks","namespace":"default","id":"kiosks"}`)
	keys := send("find_enrollment_api_keys", `{"kuery":"policy_id:\"kiosks\""}`)["items"].([]any)
	if len(keys) != 1 || !strings.HasPrefix(keys[0].(map[string]any)["name"].(string), "Default (") {
		t.Fatalf("kiosks keys %v", keys)
	}
	send("revoke_enrollment_api_key", `{"keyId":"`+sandboxEnrollmentKeyID+`"}`)
	if got := send("get_enrollment_api_key", `{"keyId":"`+sandboxEnrollmentKeyID+`"}`)["item"].(map[string]any); got["active"] != false {
		t.Errorf("revoked key %v", got)
	}
	// Uninstall tokens follow protection.
	before := send("find_uninstall_tokens", `{}`)["total"].(float64)
	send("update_agent_policy", `{"agentPolicyId":"kiosks","name":"Kiosks","namespace":"default","is_protected":true}`)
	if after := send("find_uninstall_tokens", `{}`)["total"].(float64); after != before+1 {
		t.Errorf("tokens %v after protecting a policy, was %v", after, before)
	}

	// A proxy created is usable by a Fleet Server host; deleting the host
	// leaves the list as it was.
	send("create_proxy", `{"id":"dmz","name":"DMZ","url":"http://dmz.example.com:3128"}`)
	send("create_fleet_server_host", `{"id":"fs-dmz","name":"DMZ","host_urls":["https://fs.example.com:8220"],"proxy_id":"dmz"}`)
	hosts := send("find_fleet_server_hosts", `{}`)["items"].([]any)
	if !slices.ContainsFunc(hosts, func(h any) bool { return h.(map[string]any)["proxy_id"] == "dmz" }) {
		t.Errorf("hosts %v", hosts)
	}
	send("delete_fleet_server_host", `{"itemId":"fs-dmz"}`)
	if n := len(send("find_fleet_server_hosts", `{}`)["items"].([]any)); n != len(hosts)-1 {
		t.Errorf("%d hosts after deleting one of %d", n, len(hosts))
	}
	// A copy brings its integrations along; with no agents it can be deleted,
	// and its integrations and keys go with it.
	cp := send("copy_agent_policy", `{"agentPolicyId":"prod-linux","name":"Canary"}`)["item"].(map[string]any)
	cpID := cp["id"].(string)
	pps := send("find_package_policies", `{"kuery":"ingest-package-policies.policy_ids:\"`+cpID+`\""}`)["items"].([]any)
	if len(pps) == 0 || !strings.HasSuffix(pps[0].(map[string]any)["name"].(string), " (copy)") {
		t.Errorf("copy's package policies %v", pps)
	}
	if _, err := Send(t.Context(), client, "delete_agent_policy", args(t, `{"agentPolicyId":"prod-linux"}`)); err == nil || !strings.Contains(err.Error(), "assigned to any active or inactive agents") {
		t.Errorf("deleting a policy with agents: %v", err)
	}
	send("delete_agent_policy", `{"agentPolicyId":"`+cpID+`"}`)
	if n := send("find_enrollment_api_keys", `{"kuery":"policy_id:\"`+cpID+`\""}`)["total"].(float64); n != 0 {
		t.Errorf("%v keys left for the deleted policy", n)
	}
	// Rotating the signing key re-signs every policy.
	rev := send("get_agent_policy", `{"agentPolicyId":"prod-linux"}`)["item"].(map[string]any)["revision"].(float64)
	send("rotate_message_signing_key", `{"acknowledge":true}`)
	if now := send("get_agent_policy", `{"agentPolicyId":"prod-linux"}`)["item"].(map[string]any)["revision"].(float64); now != rev+1 {
		t.Errorf("revision %v after rotating, was %v", now, rev)
	}
	// Settings stay set.
	send("update_fleet_space_settings", `{"allowed_namespace_prefixes":["soc"]}`)
	if got := send("get_fleet_space_settings", `{}`)["item"].(map[string]any)["allowed_namespace_prefixes"].([]any); len(got) != 1 || got[0] != "soc" {
		t.Errorf("space settings %v", got)
	}
	// The default output cannot be deleted.
	if _, err := Send(t.Context(), client, "delete_output", args(t, `{"outputId":"fleet-default-output"}`)); err == nil || !strings.Contains(err.Error(), "cannot be deleted") {
		t.Errorf("deleting the default output: %v", err)
	}
}
