package tools

import (
	"net/http"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The hosts that run Elastic Defend: their metadata (OS, IPs, agent
// version, isolation), health and applied policy, the policy response
// each endpoint last sent, and the note kept beside a Defend integration
// policy's protection updates setting. The agent id names a host here as
// in the response actions (endpoint_ids).
//
// Availability: the endpoint toolset's (siem feature; serverless, whose API
// reference has the endpoint management routes). No x-state dates them:
// the metadata and policy response routes predate 8.0; when the protection
// updates note arrived is not documented, so no lower bound is declared.
var endpointHostsOperations = []*operation.Operation{
	{
		Name:        "find_endpoint_hosts",
		Title:       "Find Elastic Defend hosts",
		Description: "List hosts running Elastic Defend: agent id, host name, OS, IPs, health, isolation and the policy applied (with its status).",
		Toolset:     "endpoint",
		Method:      http.MethodGet,
		Path:        "/api/endpoint/metadata",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindEndpointHostsInput{},
		Examples: []string{
			`{"hostStatuses":["healthy","offline","updating"]}`,
			`{"hostStatuses":["healthy","updating","offline","inactive","unenrolled"],"kuery":"united.endpoint.host.os.name: \"Windows\"","page":1,"pageSize":50,"sortField":"last_checkin","sortDirection":"desc","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_endpoint_host",
		Title:       "Get Elastic Defend host",
		Description: "Read one Elastic Defend host by agent id: metadata, health, isolation, applied and configured policy revisions, last check-in.",
		Toolset:     "endpoint",
		Method:      http.MethodGet,
		Path:        "/api/endpoint/metadata/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetEndpointHostInput{},
		Examples: []string{
			`{"id":"` + sandboxEndpointAgentID + `"}`,
			`{"id":"` + sandboxEndpointAgentID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_endpoint_policy_response",
		Title:       "Get endpoint policy response",
		Description: "Read how a host's Elastic Defend applied its policy: overall status and each protection's and action's success, warning or failure with message.",
		Toolset:     "endpoint",
		Method:      http.MethodGet,
		Path:        "/api/endpoint/policy_response",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetEndpointPolicyResponseInput{},
		Examples: []string{
			`{"agentId":"` + sandboxEndpointAgentID + `"}`,
			`{"agentId":"` + sandboxEndpointAgentID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_protection_updates_note",
		Title:       "Get protection updates note",
		Description: "Read the note kept on an Elastic Defend integration policy's protection updates (why its artifacts are pinned, say).",
		Toolset:     "endpoint",
		Method:      http.MethodGet,
		Path:        "/api/endpoint/protection_updates_note/{package_policy_id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       ProtectionUpdatesNoteInput{},
		Examples: []string{
			`{"package_policy_id":"` + exampleDefendPackagePolicyID + `"}`,
			`{"package_policy_id":"` + exampleDefendPackagePolicyID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "set_protection_updates_note",
		Title:       "Set protection updates note",
		Description: "Write the note on an Elastic Defend integration policy's protection updates, replacing the one stored.",
		Toolset:     "endpoint",
		Method:      http.MethodPost,
		Path:        "/api/endpoint/protection_updates_note/{package_policy_id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       SetProtectionUpdatesNoteInput{},
		Examples: []string{
			`{"package_policy_id":"` + exampleDefendPackagePolicyID + `","note":"Pinned to the 2025-03-01 artifacts while the new ransomware signatures are tested (CHG-5130)."}`,
			`{"package_policy_id":"` + exampleDefendPackagePolicyID + `","note":"","space_id":"soc"}`,
		},
	},
}

// The ids the examples use: a host of the sandbox story (the same agent id
// in every seeded space), and a made-up Elastic Defend integration policy
// (the sandbox's have random ids; its note lives on "Elastic Defend -
// servers").
const (
	sandboxEndpointAgentID       = "0d4a3c6e-8d1f-4b4e-9a55-2f5c8f1d7e10"
	exampleDefendPackagePolicyID = "9c4d3e50-73b2-11ee-a5e3-4bca5f3c1e01"
)

// FindEndpointHostsInput pages and filters the Elastic Defend hosts.
type FindEndpointHostsInput struct {
	// Kibana's route also takes "unhealthy" (agents in error or degraded),
	// which the OpenAPI document's enum leaves out.
	HostStatuses  []string `json:"hostStatuses" in:"query" jsonschema:"required,minItems=1,uniqueItems=true,enum=healthy,enum=unhealthy,enum=updating,enum=offline,enum=inactive,enum=unenrolled" jsonschema_description:"Health of the hosts to list; unhealthy: agent in error or degraded."`
	Kuery         string   `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL over united.endpoint.* and united.agent.* fields, e.g. united.endpoint.host.hostname: web-*."`
	Page          int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PageSize      int      `json:"pageSize,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 10."`
	SortField     string   `json:"sortField,omitempty" in:"query" jsonschema:"enum=enrolled_at,enum=metadata.host.hostname,enum=host_status,enum=metadata.Endpoint.policy.applied.name,enum=metadata.Endpoint.policy.applied.status,enum=metadata.host.os.name,enum=metadata.host.ip,enum=metadata.agent.version,enum=last_checkin" jsonschema_description:"Default enrolled_at."`
	SortDirection string   `json:"sortDirection,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Default desc."`
}

// GetEndpointHostInput names a host by its agent id.
type GetEndpointHostInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Agent id, from find_endpoint_hosts."`
}

// GetEndpointPolicyResponseInput names a host by its agent id.
type GetEndpointPolicyResponseInput struct {
	AgentID string `json:"agentId" in:"query" jsonschema:"required,minLength=1" jsonschema_description:"From find_endpoint_hosts."`
}

// ProtectionUpdatesNoteInput names an Elastic Defend integration policy.
type ProtectionUpdatesNoteInput struct {
	PackagePolicyID string `json:"package_policy_id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The Elastic Defend integration policy id (find_endpoint_hosts: policy_info.endpoint.id)."`
}

// SetProtectionUpdatesNoteInput is the note to keep.
type SetProtectionUpdatesNoteInput struct {
	PackagePolicyID string `json:"package_policy_id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"As in get_protection_updates_note."`
	Note            string `json:"note" jsonschema:"required" jsonschema_description:"Markdown; \"\" clears it."`
}

// Prepare refuses whitespace only: an empty string clears the note, a
// blank one is a slip.
func (in *SetProtectionUpdatesNoteInput) Prepare() error {
	if in.Note != "" && strings.TrimSpace(in.Note) == "" {
		return &schema.ArgumentError{Field: "note", Rule: "must not be only whitespace; give \"\" to clear the note"}
	}
	return nil
}
