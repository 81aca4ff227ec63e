package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Fleet API, agents to the end: a policy's automatic upgrade progress
// and its YAML download, the agents an action went to, moving agents to
// another cluster's Fleet, the files agents upload, the older setup route,
// and changing an output. None is everyday triage: all are Admin.
var fleetAgentsMoreOperations = []*operation.Operation{
	{
		Name:        "get_agent_policy_auto_upgrade_status",
		Title:       "Get policy version rollout",
		Description: "For an agent policy with required_versions: how many of its agents run each version, and how many failed to reach it.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agent_policies/{agentPolicyId}/auto_upgrade_agents_status",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       AgentPolicyIDInput{},
		Examples: []string{
			`{"agentPolicyId":"prod-linux"}`,
			`{"agentPolicyId":"prod-linux","space_id":"soc"}`,
		},
	},
	{
		Name:        "download_agent_policy",
		Title:       "Download agent policy YAML",
		Description: "An agent policy as the elastic-agent.yml text an agent runs (standalone: with output credentials as variables; kubernetes: a manifest).",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agent_policies/{agentPolicyId}/download",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       GetFullAgentPolicyInput{},
		CutHint:     "The YAML is longer than the result limit: use get_full_agent_policy, whose JSON answer can be cut at a member.",
		Examples: []string{
			`{"agentPolicyId":"prod-linux"}`,
			`{"agentPolicyId":"prod-linux","standalone":true,"kubernetes":false,"download":true,"space_id":"soc"}`,
			`{"agentPolicyId":"prod-linux","standalone":true,"kubernetes":true}`,
		},
	},
	{
		Name:        "get_agents_by_actions",
		Title:       "Get agents of actions",
		Description: "List the IDs of the Fleet agents that actions (actionIds from bulk tools or get_agent_action_status) were sent to.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       GetAgentsByActionsInput{},
		Examples: []string{
			`{"actionIds":["` + sandboxPendingUpgradeAction + `"]}`,
			`{"actionIds":["` + sandboxPendingUpgradeAction + `","0d4c1f2a-0000-4000-8000-00000000beef"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "migrate_agent",
		Title:       "Migrate agent to another cluster",
		Description: "Hand one Fleet agent over to the Fleet of a different Elastic deployment, with a token of that Fleet; it leaves this one. Not for Fleet Server or tamper-protected agents.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/{agentId}/migrate",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true, // the agent stops reporting here: confirmed like an unenroll
		Admin:       true,
		Input:       MigrateAgentInput{},
		Examples: []string{
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","uri":"https://fleet.dr.example.com:8220","enrollment_token":"ZHItZW5yb2xsLXRva2VuLTE="}`,
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","uri":"https://fleet.dr.example.com:8220","enrollment_token":"ZHItZW5yb2xsLXRva2VuLTE=","settings":{"ca_sha256":"dGhpcy1pcy1hLXBpbg==","certificate_authorities":"/etc/pki/dr-ca.pem","elastic_agent_cert":"/etc/pki/agent.crt","elastic_agent_cert_key":"/etc/pki/agent.key","elastic_agent_cert_key_passphrase":"/etc/pki/agent.pass","headers":{"X-Team":"soc"},"insecure":false,"proxy_url":"http://proxy.example.com:3128","proxy_headers":{"X-Proxy-Team":"soc"},"proxy_disabled":false,"replace_token":"cmVwbGFjZS10b2tlbg==","staging":"9.2.0-abcd1234","tags":["migrated","dr"]},"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_migrate_agents",
		Title:       "Migrate agents to another cluster",
		Description: "Hand Fleet agents, by ID or KQL, over to the Fleet of a different Elastic deployment, with a token of that Fleet; they leave this one. Fleet Server and tamper-protected agents are refused.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/bulk_migrate",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       BulkMigrateAgentsInput{},
		Examples: []string{
			`{"agentIds":["0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11"],"uri":"https://fleet.dr.example.com:8220","enrollment_token":"ZHItZW5yb2xsLXRva2VuLTE="}`,
			`{"kuery":"policy_id:prod-linux and tags:web","batchSize":100,"uri":"https://fleet.dr.example.com:8220","enrollment_token":"ZHItZW5yb2xsLXRva2VuLTE=","settings":{"ca_sha256":"dGhpcy1pcy1hLXBpbg==","certificate_authorities":"/etc/pki/dr-ca.pem","elastic_agent_cert":"/etc/pki/agent.crt","elastic_agent_cert_key":"/etc/pki/agent.key","elastic_agent_cert_key_passphrase":"/etc/pki/agent.pass","headers":{"X-Team":"soc"},"insecure":false,"proxy_url":"http://proxy.example.com:3128","proxy_headers":{"X-Proxy-Team":"soc"},"proxy_disabled":false,"staging":"9.2.0-abcd1234","tags":["migrated"]},"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_agent_upload",
		Title:       "Get agent upload",
		Description: "Read one diagnostics bundle (zip) a Fleet agent sent, by the fileId and name get_agent_uploads lists.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agents/files/{fileId}/{fileName}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       GetAgentFileInput{},
		Examples: []string{
			`{"fileId":"` + sandboxDiagnosticsFile + `","fileName":"elastic-agent-diagnostics.zip"}`,
			`{"fileId":"` + sandboxDiagnosticsFile + `","fileName":"elastic-agent-diagnostics.zip","space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_agent_upload",
		Title:       "Delete agent upload",
		Description: "Delete a diagnostics bundle a Fleet agent sent; get_agent_uploads then shows it as DELETED. Cannot be undone.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/agents/files/{fileId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       AgentFileIDInput{},
		Examples: []string{
			`{"fileId":"` + sandboxDiagnosticsFile + `"}`,
			`{"fileId":"` + sandboxDiagnosticsFile + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "run_agent_setup",
		Title:       "Run Fleet agent setup",
		Description: "The older route of run_fleet_setup: initialize Fleet (default output, preconfigured policies, packages); safe to repeat.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/setup",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       FleetEmptyInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "update_output",
		Title:       "Update Fleet output",
		Description: "Change a Fleet output as create_output takes it; members left out keep their values. Every policy using it sends there from then on.",
		Toolset:     "fleet",
		Method:      http.MethodPut,
		Path:        "/api/fleet/outputs/{outputId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true, // replaces hosts, TLS and secrets where agents send their data
		Admin:       true,
		Input:       UpdateOutputInput{},
		Examples: []string{
			`{"outputId":"fleet-default-output","type":"elasticsearch","hosts":["https://es1.example.com:9200","https://es2.example.com:9200"]}`,
			`{"outputId":"fleet-default-output","name":"Production cluster","type":"elasticsearch","hosts":["https://es.example.com:9200"],"is_default":true,"is_default_monitoring":true,"proxy_id":"corp-proxy","ca_trusted_fingerprint":"79f956a0175a7d8bfa9d4b2e1ab5fb8b1c2d4e3f5a6b7c8d9e0f1a2b3c4d5e6f","config_yaml":"bulk_max_size: 1600","preset":"throughput","ssl":{"certificate_authorities":["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"],"verification_mode":"full"},"secrets":{"ssl":{"key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"}},"settings":{"ca_sha256":"79f956a0175a7d8bfa9d4b2e1ab5fb8b1c2d4e3f5a6b7c8d9e0f1a2b3c4d5e6f","write_to_logs_streams":false,"shipper":{"disk_queue_enabled":true,"mem_queue_events":4096}},"space_id":"soc"}`,
			`{"outputId":"logstash-dmz","type":"remote_elasticsearch","hosts":["https://central.example.com:9200"],"settings":{"service_token":"AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL3Rva2VuLTE","kibana_url":"https://central-kibana.example.com","kibana_api_key":"a2V5aWQ6c2VjcmV0","sync_integrations":true,"sync_uninstalled_integrations":false}}`,
			`{"outputId":"logstash-dmz","type":"remote_elasticsearch","secrets":{"service_token":{"id":"7c2d9e10-secret"}}}`,
			`{"outputId":"logstash-dmz","name":"Kafka","type":"kafka","hosts":["kafka1.example.com:9092"],"settings":{"auth_type":"user_pass","username":"fleet","password":"changeme","sasl":{"mechanism":"SCRAM-SHA-512"},"topic":"elastic-agent","partition":"hash","hash":{"hash":"host.name","random":false},"key":"host.name","headers":[{"key":"team","value":"soc"}],"compression":"gzip","compression_level":4,"required_acks":1,"client_id":"Elastic","version":"2.6.0","timeout":30,"broker_timeout":10}}`,
			`{"outputId":"logstash-dmz","name":"Kafka, spread","type":"kafka","hosts":["kafka1.example.com:9092"],"secrets":{"password":"changeme"},"settings":{"auth_type":"user_pass","username":"fleet","partition":"random","random":{"group_events":1}}}`,
			`{"outputId":"logstash-dmz","name":"Kafka, plain","type":"kafka","hosts":["kafka1.example.com:9092"],"settings":{"auth_type":"none","connection_type":"plaintext","partition":"round_robin","round_robin":{"group_events":1}}}`,
			`{"outputId":"logstash-dmz","type":"logstash","hosts":["logstash.example.com:5044"],"ssl":{"certificate":"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----","key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"}}`,
		},
	},
}

// sandboxDiagnosticsFile is the diagnostics bundle the story's agent
// uploaded (bkp-01 in soc, fs-02 in default), in every sandbox space.
const sandboxDiagnosticsFile = "d1a6f0b2-3c4e-4f5a-8b9c-0d1e2f3a4b5c"

// GetAgentsByActionsInput names the actions whose agents to list.
type GetAgentsByActionsInput struct {
	ActionIDs []string `json:"actionIds" jsonschema:"required,minItems=1,maxItems=100,minLength=1"`
}

// Prepare refuses blank and repeated IDs, which Kibana would search for
// in vain.
func (in *GetAgentsByActionsInput) Prepare() error {
	return checkIDList("actionIds", in.ActionIDs)
}

// checkIDList refuses blank and repeated entries of a list of IDs.
func checkIDList(field string, ids []string) error {
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("%s[%d]", field, i), Rule: "must not be blank"}
		}
		if slices.Contains(ids[:i], id) {
			return &schema.ArgumentError{Field: fmt.Sprintf("%s[%d]", field, i), Rule: fmt.Sprintf("repeats %q", id)}
		}
	}
	return nil
}

// agentMigration is where migrated agents go: the other cluster's Fleet
// Server and an enrollment token of its Fleet.
type agentMigration struct {
	URI             string `json:"uri" jsonschema:"required,minLength=1" jsonschema_description:"The other cluster's Fleet Server URL, e.g. https://fleet.dr.example.com:8220."`
	EnrollmentToken string `json:"enrollment_token" jsonschema:"required,minLength=1" jsonschema_description:"An enrollment API key of the other cluster's Fleet (credential)."`
}

// check checks the destination as Kibana's schema (a URI) and the agent's
// enroll command would.
func (m *agentMigration) check() error {
	if err := checkFleetURL("uri", m.URI); err != nil {
		return err
	}
	if strings.TrimSpace(m.EnrollmentToken) == "" {
		return &schema.ArgumentError{Field: "enrollment_token", Rule: "must not be blank: give an enrollment API key of the other cluster's Fleet"}
	}
	return nil
}

// migrationSettings are the enroll options the agent uses on the other
// cluster, as elastic-agent enroll's flags of the same names.
type migrationSettings struct {
	CASHA256                      string            `json:"ca_sha256,omitempty" jsonschema_description:"CA pin(s) to trust."`
	CertificateAuthorities        string            `json:"certificate_authorities,omitempty" jsonschema_description:"CA file path(s), comma-separated."`
	ElasticAgentCert              string            `json:"elastic_agent_cert,omitempty" jsonschema_description:"Client certificate path, for mutual TLS."`
	ElasticAgentCertKey           string            `json:"elastic_agent_cert_key,omitempty" jsonschema_description:"Its key's path."`
	ElasticAgentCertKeyPassphrase string            `json:"elastic_agent_cert_key_passphrase,omitempty" jsonschema_description:"Path of the key's passphrase file."`
	Headers                       map[string]string `json:"headers,omitempty" jsonschema_description:"Headers sent to Fleet Server."`
	Insecure                      bool              `json:"insecure,omitempty" jsonschema_description:"Skip TLS verification."`
	ProxyURL                      string            `json:"proxy_url,omitempty"`
	ProxyHeaders                  map[string]string `json:"proxy_headers,omitempty"`
	ProxyDisabled                 bool              `json:"proxy_disabled,omitempty" jsonschema_description:"Ignore proxy environment variables."`
	Staging                       string            `json:"staging,omitempty" jsonschema_description:"A staging build to download artifacts from."`
	Tags                          []string          `json:"tags,omitempty" jsonschema:"maxItems=100,minLength=1" jsonschema_description:"The agent's tags there."`
}

// check refuses settings the agent could not use together.
func (s *migrationSettings) check() error {
	if s == nil {
		return nil
	}
	switch {
	case s.ElasticAgentCertKey != "" && s.ElasticAgentCert == "":
		return &schema.ArgumentError{Field: "settings.elastic_agent_cert_key", Rule: "needs settings.elastic_agent_cert, the certificate it is the key of"}
	case s.ElasticAgentCert != "" && s.ElasticAgentCertKey == "":
		return &schema.ArgumentError{Field: "settings.elastic_agent_cert", Rule: "needs settings.elastic_agent_cert_key, its key"}
	case s.ElasticAgentCertKeyPassphrase != "" && s.ElasticAgentCertKey == "":
		return &schema.ArgumentError{Field: "settings.elastic_agent_cert_key_passphrase", Rule: "needs settings.elastic_agent_cert_key, the key it opens"}
	case s.ProxyDisabled && (s.ProxyURL != "" || len(s.ProxyHeaders) > 0):
		return &schema.ArgumentError{Field: "settings.proxy_disabled", Rule: "contradicts proxy_url and proxy_headers; give one or the other"}
	case len(s.ProxyHeaders) > 0 && s.ProxyURL == "":
		return &schema.ArgumentError{Field: "settings.proxy_headers", Rule: "needs settings.proxy_url, the proxy they are sent to"}
	}
	if s.ProxyURL != "" {
		if err := checkFleetURL("settings.proxy_url", s.ProxyURL); err != nil {
			return err
		}
	}
	return checkIDList("settings.tags", s.Tags)
}

// MigrateAgentInput moves one agent to another cluster.
type MigrateAgentInput struct {
	AgentID string `json:"agentId" in:"path" jsonschema:"required"`
	agentMigration
	Settings *singleMigrationSettings `json:"settings,omitempty"`
}

// singleMigrationSettings are migrationSettings with what only a single
// agent can take: the token letting it replace an agent of the same id.
type singleMigrationSettings struct {
	migrationSettings
	ReplaceToken string `json:"replace_token,omitempty" jsonschema_description:"Lets it take over an agent of the same id there (credential)."`
}

// Prepare checks the destination and settings.
func (in *MigrateAgentInput) Prepare() error {
	if err := in.agentMigration.check(); err != nil {
		return err
	}
	if in.Settings == nil {
		return nil
	}
	return in.Settings.check()
}

// Describe names the agent by its host and says where it goes.
func (in *MigrateAgentInput) Describe(ctx context.Context, k *kibana.Client, req *kibana.Request) string {
	who := hostName(ctx, k, req.Space, in.AgentID)
	if who == "" {
		who = "agent " + operation.Quoted(in.AgentID)
	}
	return "move " + who + migrationText(in.URI, in.Settings)
}

// migrationText says where agents go and with what settings, credentials
// hidden (Assignments hides them).
func migrationText(uri string, settings any) string {
	text := " to the Fleet Server at " + operation.Quoted(uri) + " (enrollment token hidden); it stops reporting to this Fleet"
	var m map[string]any
	if raw, err := json.Marshal(settings); err == nil && json.Unmarshal(raw, &m) == nil && len(m) > 0 {
		text += ", with settings " + strings.Join(operation.Assignments(m), ", ")
	}
	return text
}

// BulkMigrateAgentsInput moves agents, by ID or KQL, to another cluster.
type BulkMigrateAgentsInput struct {
	Agents    any      `json:"agents,omitempty" jsonschema:"-"` // set by Prepare
	AgentIDs  []string `json:"agentIds,omitempty" jsonschema:"minItems=1,maxItems=1000" jsonschema_description:"Give this or kuery."`
	Kuery     string   `json:"kuery,omitempty" jsonschema_description:"KQL selecting agents, e.g. policy_id:old-cluster-policy."`
	BatchSize int      `json:"batchSize,omitempty" jsonschema:"minimum=1,maximum=10000" jsonschema_description:"With kuery: agents per batch."`
	agentMigration
	Settings *migrationSettings `json:"settings,omitempty"`

	selection string // what the agents member selects, for the question
}

// Prepare turns agentIds or kuery into the agents member and checks the
// destination and settings.
func (in *BulkMigrateAgentsInput) Prepare() error {
	switch {
	case len(in.AgentIDs) == 1:
		in.selection = "agent " + operation.Quoted(in.AgentIDs[0])
	case len(in.AgentIDs) > 1:
		in.selection = fmt.Sprintf("%d listed agents", len(in.AgentIDs))
	default:
		in.selection = "the agents matching " + operation.Quoted(in.Kuery)
	}
	agents, err := selectAgents(in.AgentIDs, in.Kuery, false, in.BatchSize)
	in.Agents, in.AgentIDs, in.Kuery = agents, nil, ""
	if err != nil {
		return err
	}
	if err := in.agentMigration.check(); err != nil {
		return err
	}
	return in.Settings.check()
}

// Describe says which agents go where.
func (in *BulkMigrateAgentsInput) Describe(ctx context.Context, k *kibana.Client, req *kibana.Request) string {
	if ids, ok := in.Agents.([]string); ok && len(ids) == 1 {
		if who := hostName(ctx, k, req.Space, ids[0]); who != "" {
			return "move " + who + migrationText(in.URI, in.Settings)
		}
	}
	return "move " + in.selection + migrationText(in.URI, in.Settings)
}

// AgentFileIDInput names a file an agent uploaded.
type AgentFileIDInput struct {
	FileID string `json:"fileId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From get_agent_uploads."`
}

// GetAgentFileInput names a file an agent uploaded and the name to give
// the download.
type GetAgentFileInput struct {
	FileID   string `json:"fileId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From get_agent_uploads."`
	FileName string `json:"fileName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Its name there."`
}

// UpdateOutputInput changes an output: the members of create_output, the
// name and hosts optional. The type is required: the settings and hosts
// given are checked against it, and a new type drops the old one's
// settings.
type UpdateOutputInput struct {
	OutputID string   `json:"outputId" in:"path" jsonschema:"required"`
	Name     string   `json:"name,omitempty" jsonschema:"minLength=1" jsonschema_description:"Kibana requires it for kafka outputs."`
	Type     string   `json:"type" jsonschema:"required,enum=elasticsearch,enum=remote_elasticsearch,enum=logstash,enum=kafka" jsonschema_description:"Its type (get_output), or a new one."`
	Hosts    []string `json:"hosts,omitempty" jsonschema:"minItems=1,maxItems=50,minLength=1" jsonschema_description:"Replaces the list; as in create_output."`
	outputFields
}

// Prepare checks what is given as create_output does; kafka outputs need
// their name on every update, as Kibana's schema says.
func (in *UpdateOutputInput) Prepare() error {
	if in.Type == "kafka" && strings.TrimSpace(in.Name) == "" {
		return &schema.ArgumentError{Field: "name", Rule: "is required when updating a kafka output (Kibana asks it every time); give its current name to keep it"}
	}
	return in.check(in.Type, in.Hosts, true)
}

// Request builds the body as create_output's, without the path's id.
func (in *UpdateOutputInput) Request() (*kibana.Request, error) {
	base := struct {
		Name  string   `json:"name,omitempty"`
		Type  string   `json:"type"`
		Hosts []string `json:"hosts,omitempty"`
		outputFields
	}{in.Name, in.Type, in.Hosts, in.outputFields}
	base.Settings = nil
	body, err := outputBody(base, in.Settings)
	if err != nil {
		return nil, err
	}
	return &kibana.Request{
		Method:     http.MethodPut,
		Path:       "/api/fleet/outputs/" + url.PathEscape(in.OutputID),
		APIVersion: operation.V20231031,
		Mutates:    true,
		Retryable:  true,
		Body:       body,
	}, nil
}
