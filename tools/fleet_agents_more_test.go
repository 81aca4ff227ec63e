package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// TestFleetAgentsMoreExamplesSucceed runs every example of the batch
// against a fresh sandbox; all are Admin, so the default selection keeps
// what it had.
func TestFleetAgentsMoreExamplesSucceed(t *testing.T) {
	var names []string
	for _, op := range fleetAgentsMoreOperations {
		names = append(names, op.Name)
		if !op.Admin || op.Toolset != "fleet" {
			t.Errorf("%s: admin %v, toolset %q", op.Name, op.Admin, op.Toolset)
		}
	}
	if len(names) != 9 {
		t.Fatalf("%d tools, want 9: %v", len(names), names)
	}
	examplesSucceed(t, names, "")
}

// TestFleetAgentsMoreEffects pins what clients are told to confirm.
func TestFleetAgentsMoreEffects(t *testing.T) {
	for name, destructive := range map[string]bool{
		"migrate_agent": true, "bulk_migrate_agents": true, "delete_agent_upload": true, "update_output": true,
		"run_agent_setup": false, "get_agents_by_actions": false, "download_agent_policy": false,
		"get_agent_upload": false, "get_agent_policy_auto_upgrade_status": false,
	} {
		op := mustLookup(t, name)
		if op.Destructive() != destructive {
			t.Errorf("%s: destructive %v, want %v", name, op.Destructive(), destructive)
		}
		if reads := strings.HasPrefix(name, "get_") || strings.HasPrefix(name, "download_"); op.ReadOnly() != reads {
			t.Errorf("%s: read-only %v, want %v", name, op.ReadOnly(), reads)
		}
	}
}

// fleetCaller calls tools against one sandbox, checking the outcome.
func fleetCaller(t *testing.T, client *kibana.Client) func(name, arguments string, wantErr bool, want ...string) string {
	return func(name, arguments string, wantErr bool, want ...string) string {
		t.Helper()
		isErr, texts := callFlow(t, client, name, arguments)
		got := strings.Join(texts, "\n")
		if isErr != wantErr {
			t.Fatalf("%s %s: error %v, want %v: %.600s", name, arguments, isErr, wantErr, got)
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %s: want %q in %.1500s", name, arguments, w, got)
			}
		}
		return got
	}
}

// TestMigrateAgentsStory: a migrated agent that is connected leaves this
// Fleet, the action names it, and agents Kibana will not move (Fleet
// Server, tamper-protected) come back as the action's failures.
func TestMigrateAgentsStory(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	call := fleetCaller(t, client)
	const dest = `"uri":"https://fleet.dr.example.com:8220","enrollment_token":"ZHItdG9rZW4="`
	out := call("migrate_agent", `{"agentId":"`+sandboxAgentA+`",`+dest+`}`, false, `"actionId":"`)
	if strings.Contains(out, "ZHItdG9rZW4") {
		t.Errorf("the answer shows the enrollment token: %s", out)
	}
	var answer struct{ ActionID string }
	json.Unmarshal([]byte(out), &answer)
	call("get_agent", `{"agentId":"`+sandboxAgentA+`"}`, false, `"status":"unenrolled"`, `"audit_unenrolled_reason":"migrated"`)
	call("get_agents_by_actions", `{"actionIds":["`+answer.ActionID+`"]}`, false, `"items":["`+sandboxAgentA+`"]`)
	call("get_agents_by_actions", `{"actionIds":["no-such-action"]}`, false, `"items":[]`)
	call("get_agent_action_status", `{}`, false, `"type":"MIGRATE"`)
	// Gone from this Fleet, it cannot be moved again.
	call("migrate_agent", `{"agentId":"`+sandboxAgentA+`",`+dest+`}`, true, "400", "is not active")
	call("migrate_agent", `{"agentId":"no-such-agent",`+dest+`}`, true, "404")

	call("bulk_migrate_agents", `{"kuery":"policy_id:fleet-server-policy",`+dest+`}`, false, `"actionId":"`)
	call("get_agent_action_status", `{"errorSize":5}`, false, "is a fleet-server agent")
	call("bulk_migrate_agents", `{"agentIds":["`+sandboxAgentB+`","ghost"],`+dest+`}`, false)
	call("get_agent_action_status", `{"errorSize":5}`, false, "Agent ghost not found")
}

// TestAgentFilesStory: the story's diagnostics bundle downloads as a file;
// deleted, it is listed as DELETED and gone.
func TestAgentFilesStory(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	call := fleetCaller(t, client)
	file := `"fileId":"` + sandboxDiagnosticsFile + `"`
	call("get_agent_upload", `{`+file+`,"fileName":"bundle.zip"}`, false, "Kibana answered with a file", "application/octet-stream", `named "bundle.zip"`)
	call("delete_agent_upload", `{`+file+`}`, false, `"deleted":true`, `"id":"`+sandboxDiagnosticsFile+`"`)
	call("get_agent_upload", `{`+file+`,"fileName":"bundle.zip"}`, true, "404")
	call("delete_agent_upload", `{`+file+`}`, true, "404")
	call("get_agent_upload", `{"fileId":"nope","fileName":"x.zip"}`, true, "404")
}

// TestAgentPolicyDownloadAndUpgradeStatus: the download is YAML text (an
// agent's or a standalone one's), and the upgrade status counts the
// policy's agents per version.
func TestAgentPolicyDownloadAndUpgradeStatus(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	call := fleetCaller(t, client)
	managed := call("download_agent_policy", `{"agentPolicyId":"prod-linux"}`, false, "id: prod-linux\n", "\nfleet:\n  hosts:\n", "\noutputs:\n")
	if json.Valid([]byte(managed)) || strings.Contains(managed, "ES_USERNAME") {
		t.Errorf("managed download is not an agent's YAML: %.300s", managed)
	}
	call("download_agent_policy", `{"agentPolicyId":"prod-linux","standalone":true}`, false, `username: "${ES_USERNAME}"`)
	call("download_agent_policy", `{"agentPolicyId":"prod-linux","kubernetes":true}`, false, "kind: DaemonSet")
	call("download_agent_policy", `{"agentPolicyId":"nope"}`, true, "404")

	out := call("get_agent_policy_auto_upgrade_status", `{"agentPolicyId":"prod-linux"}`, false, `"version":"8.17.3"`, `"version":"8.16.5"`)
	var status struct {
		CurrentVersions []struct{ Agents int }
		TotalAgents     int
	}
	json.Unmarshal([]byte(out), &status)
	sum := 0
	for _, v := range status.CurrentVersions {
		sum += v.Agents
	}
	if status.TotalAgents == 0 || sum != status.TotalAgents {
		t.Errorf("versions count %d agents, total %d: %s", sum, status.TotalAgents, out)
	}
	call("get_agent_policy_auto_upgrade_status", `{"agentPolicyId":"nope"}`, true, "404")
	call("run_agent_setup", `{}`, false, `"isInitialized":true`)
}

// TestUpdateOutputStory: what update_output changes, get_output shows;
// secrets are kept as references, never shown; a new type drops the old
// one's settings; a preconfigured-looking miss is Kibana's 404.
func TestUpdateOutputStory(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	call := fleetCaller(t, client)
	call("update_output", `{"outputId":"logstash-dmz","name":"DMZ Kafka","type":"kafka","hosts":["kafka1.example.com:9092"],"settings":{"auth_type":"user_pass","username":"fleet","password":"s3cr3t-pw","topic":"agents"}}`, false)
	got := call("get_output", `{"outputId":"logstash-dmz"}`, false, `"type":"kafka"`, `"name":"DMZ Kafka"`, `"topic":"agents"`, `"password":{"id":"`, `"key":{"id":"`)
	if strings.Contains(got, "s3cr3t-pw") {
		t.Errorf("get_output shows the password: %s", got)
	}
	// Members left out keep their values.
	call("update_output", `{"outputId":"logstash-dmz","name":"DMZ Kafka","type":"kafka","settings":{"topic":"agents-v2"}}`, false)
	call("get_output", `{"outputId":"logstash-dmz"}`, false, `"topic":"agents-v2"`, `"username":"fleet"`, `"hosts":["kafka1.example.com:9092"]`)
	// Back to Elasticsearch: the Kafka members go.
	got = call("update_output", `{"outputId":"logstash-dmz","type":"elasticsearch","hosts":["https://es2.example.com:9200"],"secrets":{"ssl":{"key":"-----BEGIN PRIVATE KEY-----\nMIIEsecret\n-----END PRIVATE KEY-----"}}}`, false, `"preset":"balanced"`)
	if strings.Contains(got, "topic") || strings.Contains(got, "MIIEsecret") || strings.Contains(got, `"password"`) {
		t.Errorf("update answer keeps kafka members or shows the key: %s", got)
	}
	call("update_output", `{"outputId":"nope","type":"elasticsearch","hosts":["https://es.example.com:9200"]}`, true, "404")
	call("update_output", `{"outputId":"fleet-default-output","type":"elasticsearch","proxy_id":"no-such-proxy"}`, true, "404")
	call("update_output", `{"outputId":"fleet-default-output","type":"elasticsearch","is_default_monitoring":true,"name":"Primary"}`, false)
	call("find_outputs", `{}`, false, `"name":"Primary"`)
}

// TestFleetAgentsMoreArgumentChecks pins the checks the schemas cannot
// make, with the message the model reads.
func TestFleetAgentsMoreArgumentChecks(t *testing.T) {
	const dest = `"uri":"https://fleet.dr.example.com:8220","enrollment_token":"t"`
	for _, c := range []struct{ tool, args, want string }{
		{"migrate_agent", `{"agentId":"a","uri":"fleet.dr.example.com:8220","enrollment_token":"t"}`, `invalid argument "uri": must be an http or https URL with a host, got "fleet.dr.example.com:8220"`},
		{"migrate_agent", `{"agentId":"a","uri":"https://f:8220","enrollment_token":"  "}`, `invalid argument "enrollment_token": must not be blank: give an enrollment API key of the other cluster's Fleet`},
		{"migrate_agent", `{"agentId":"a",` + dest + `,"settings":{"elastic_agent_cert_key":"/k"}}`, `invalid argument "settings.elastic_agent_cert_key": needs settings.elastic_agent_cert, the certificate it is the key of`},
		{"migrate_agent", `{"agentId":"a",` + dest + `,"settings":{"elastic_agent_cert":"/c"}}`, `invalid argument "settings.elastic_agent_cert": needs settings.elastic_agent_cert_key, its key`},
		{"migrate_agent", `{"agentId":"a",` + dest + `,"settings":{"proxy_disabled":true,"proxy_url":"http://p:3128"}}`, `invalid argument "settings.proxy_disabled": contradicts proxy_url and proxy_headers; give one or the other`},
		{"migrate_agent", `{"agentId":"a",` + dest + `,"settings":{"proxy_headers":{"X":"y"}}}`, `invalid argument "settings.proxy_headers": needs settings.proxy_url, the proxy they are sent to`},
		{"bulk_migrate_agents", `{` + dest + `,"settings":{"tags":["a","a"]},"agentIds":["x"]}`, `invalid argument "settings.tags[1]": repeats "a"`},
		{"bulk_migrate_agents", `{` + dest + `}`, `invalid arguments: give agentIds (a list of agent IDs) or kuery (KQL selecting agents)`},
		{"bulk_migrate_agents", `{` + dest + `,"agentIds":["x"],"kuery":"tags:y"}`, `invalid argument "kuery": give either agentIds or kuery, not both`},
		{"bulk_migrate_agents", `{` + dest + `,"agentIds":["x"],"batchSize":10}`, `invalid argument "batchSize": applies only with kuery`},
		{"get_agents_by_actions", `{"actionIds":["a"," "]}`, `invalid argument "actionIds[1]": must not be blank`},
		{"get_agents_by_actions", `{"actionIds":["a","a"]}`, `invalid argument "actionIds[1]": repeats "a"`},
		{"update_output", `{"outputId":"o","type":"kafka","settings":{"topic":"t"}}`, `invalid argument "name": is required when updating a kafka output (Kibana asks it every time); give its current name to keep it`},
		{"update_output", `{"outputId":"o","type":"logstash","hosts":["https://ls:5044"]}`, `invalid argument "hosts[0]": must be host:port without a scheme for logstash, e.g. logstash.example.com:5044, got "https://ls:5044"`},
		{"update_output", `{"outputId":"o","type":"elasticsearch","settings":{"topic":"t"}}`, `invalid argument "settings.topic": is not a setting of elasticsearch outputs; known: ca_sha256, shipper, write_to_logs_streams`},
		{"update_output", `{"outputId":"o","type":"logstash","preset":"balanced"}`, `invalid argument "preset": applies only to elasticsearch and remote_elasticsearch outputs`},
		{"update_output", `{"outputId":"o","name":"k","type":"kafka","settings":{"auth_type":"user_pass","username":"u"}}`, `invalid argument "settings.password": is required when auth_type is user_pass (or give secrets.password)`},
		{"update_output", `{"outputId":"o","type":"elasticsearch","secrets":{"password":"x"}}`, `invalid argument "secrets.password": applies only to kafka outputs`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
	// A kafka update may keep its stored auth_type.
	if _, err := mustLookup(t, "update_output").Bind(args(t, `{"outputId":"o","name":"k","type":"kafka","settings":{"connection_type":"plaintext"}}`)); err != nil {
		t.Errorf("kafka update without auth_type: %v", err)
	}
	// What the schemas catch, named by field.
	for _, c := range []struct{ tool, args, field string }{
		{"migrate_agent", `{"agentId":"a","uri":"https://f:8220"}`, "enrollment_token"},
		{"migrate_agent", `{"agentId":"a",` + dest + `,"settings":{"replace":"x"}}`, "replace"},
		{"bulk_migrate_agents", `{` + dest + `,"agentIds":["x"],"settings":{"replace_token":"x"}}`, "replace_token"},
		{"get_agent_upload", `{"fileId":"f"}`, "fileName"},
		{"update_output", `{"outputId":"o","hosts":["https://es:9200"]}`, "type"},
		{"update_output", `{"outputId":"o","type":"elasticsearch","id":"x"}`, "id"},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s %s: want an error naming %s, got %v", c.tool, c.args, c.field, err)
		}
	}
}

// TestMigrationQuestionsHideCredentials: the user approving a migration
// or an output change sees where agents go and what changes, never the
// enrollment token, replace token, key paths or output secrets.
func TestMigrationQuestionsHideCredentials(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	const secrets = `"enrollment_token":"ZW5yb2xsLXNlY3JldA==","settings":{"elastic_agent_cert":"/etc/pki/a.crt","elastic_agent_cert_key":"/etc/pki/a-secret.key","elastic_agent_cert_key_passphrase":"/etc/pki/pass-secret","proxy_url":"http://p.example.com:3128","proxy_headers":{"Proxy-Authorization":"Basic c2VjcmV0"},"tags":["dr"]`
	leaks := []string{"ZW5yb2xsLXNlY3JldA", "a-secret.key", "pass-secret", "c2VjcmV0", "cmVwbGFjZQ"}
	for _, c := range []struct{ tool, args, want string }{
		{"migrate_agent", `{"agentId":"` + sandboxAgentA + `","uri":"https://fleet.dr.example.com:8220",` + secrets + `,"replace_token":"cmVwbGFjZQ=="}}`, `move "web-01" (agent "` + sandboxAgentA + `") to the Fleet Server at "https://fleet.dr.example.com:8220"`},
		{"bulk_migrate_agents", `{"kuery":"tags:web","uri":"https://fleet.dr.example.com:8220",` + secrets + `}}`, `move the agents matching "tags:web" to the Fleet Server at "https://fleet.dr.example.com:8220"`},
		{"bulk_migrate_agents", `{"agentIds":["` + sandboxAgentA + `"],"uri":"https://fleet.dr.example.com:8220",` + secrets + `}}`, `move "web-01" (agent`},
	} {
		req, input, err := mustLookup(t, c.tool).BindInput(args(t, c.args))
		if err != nil {
			t.Fatalf("%s: %v", c.tool, err)
		}
		got := input.(operation.Describer).Describe(t.Context(), client, req)
		if !strings.Contains(got, c.want) || !strings.Contains(got, `tags to ["dr"]`) || !strings.Contains(got, "stops reporting to this Fleet") {
			t.Errorf("%s: question %q, want %q and the plain settings", c.tool, got, c.want)
		}
		for _, leak := range leaks {
			if strings.Contains(got, leak) {
				t.Errorf("%s: question shows %q: %s", c.tool, leak, got)
			}
		}
	}
	// update_output is asked about through its body's members.
	req, err := mustLookup(t, "update_output").Bind(args(t, `{"outputId":"o","name":"k","type":"kafka","secrets":{"password":"pw-secret"},"settings":{"auth_type":"user_pass","username":"u","sasl":{"mechanism":"PLAIN"}},"ssl":{"key":"PEM-secret"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	json.Unmarshal(req.Body, &body)
	got := strings.Join(operation.Assignments(body), "; ")
	for _, leak := range []string{"pw-secret", "PEM-secret"} {
		if strings.Contains(got, leak) {
			t.Errorf("update_output question shows %q: %s", leak, got)
		}
	}
	if !strings.Contains(got, `username to "u"`) {
		t.Errorf("update_output question hides plain members: %s", got)
	}
}

// The story's agents of the default space the tests move.
const (
	sandboxAgentA = "0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11" // web-01, online
	sandboxAgentB = "5d7b2c0e-8f1a-4e2b-b3c4-9a0d1e2f3a4b" // web-02, updating
)
