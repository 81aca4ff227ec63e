package tools

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Fleet API, agents continued: how many agents are in each state, and
// the actions sent to one agent or many (reassign, upgrade, unenroll, a raw
// action, cancelling one). Bulk actions answer an actionId whose progress
// get_agent_action_status shows.
var fleetAgentActionOperations = []*operation.Operation{
	{
		Name:        "get_agent_status_summary",
		Title:       "Count agents by status",
		Description: "Count Fleet agents per status (online, error, offline, updating, inactive, unenrolled...), for all agents, some policies or a KQL selection.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agent_status",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       AgentStatusSummaryInput{},
		Examples: []string{
			`{}`,
			`{"policyId":"prod-linux","kuery":"tags:web","space_id":"soc"}`,
			`{"policyIds":["prod-linux","7f2a1c30-73b2-11ee-a5e3-4bca5f3c1e01"]}`,
		},
	},
	{
		Name:        "reassign_agent",
		Title:       "Move agent to another policy",
		Description: "Move one Fleet agent to another agent policy: its inputs and outputs become that policy's.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/{agentId}/reassign",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       ReassignAgentInput{},
		Examples: []string{
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","policy_id":"7f2a1c30-73b2-11ee-a5e3-4bca5f3c1e01"}`,
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","policy_id":"prod-linux","space_id":"soc"}`,
		},
	},
	{
		Name:        "upgrade_agent",
		Title:       "Upgrade Fleet agent",
		Description: "Upgrade one Fleet agent to an Elastic Agent version from get_agent_available_versions; the agent restarts on the new version.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/{agentId}/upgrade",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true, // replaces the agent on the host, as bulk_upgrade_agents does
		Input:       UpgradeAgentInput{},
		Examples: []string{
			`{"agentId":"5d7b2c0e-8f1a-4e2b-b3c4-9a0d1e2f3a4b","version":"8.17.3","space_id":"soc"}`,
			`{"agentId":"5d7b2c0e-8f1a-4e2b-b3c4-9a0d1e2f3a4b","version":"8.17.3","source_uri":"https://artifacts.example.com/downloads/","force":true,"skipRateLimitCheck":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_upgrade_agents",
		Title:       "Upgrade Fleet agents",
		Description: "Upgrade Fleet agents, by ID or KQL, to one Elastic Agent version, at once or spread over a rollout period; every host restarts its agent.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/bulk_upgrade",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Input:       BulkUpgradeAgentsInput{},
		Examples: []string{
			`{"version":"8.17.3","agentIds":["5d7b2c0e-8f1a-4e2b-b3c4-9a0d1e2f3a4b"]}`,
			`{"version":"8.17.3","kuery":"policy_id:prod-linux","includeInactive":false,"batchSize":500,"rollout_duration_seconds":3600,"start_time":"2025-03-12T22:00:00.000Z","source_uri":"https://artifacts.example.com/downloads/","force":false,"skipRateLimitCheck":false,"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_unenroll_agents",
		Title:       "Unenroll Fleet agents",
		Description: "Unenroll Fleet agents, by ID or KQL: they stop their inputs and leave Fleet; revoke also invalidates their API keys at once.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/bulk_unenroll",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       BulkUnenrollAgentsInput{},
		Examples: []string{
			`{"agentIds":["5d7b2c0e-8f1a-4e2b-b3c4-9a0d1e2f3a4b"]}`,
			`{"kuery":"policy_id:staging-linux and status:offline","includeInactive":true,"batchSize":500,"force":true,"revoke":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "create_agent_action",
		Title:       "Create agent action",
		Description: "Give one Fleet agent a raw action: mostly SETTINGS with log_level, to change how much it logs. The dedicated tools do the other types better.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/{agentId}/actions",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true, // its types include UNENROLL, UPGRADE and POLICY_REASSIGN: confirmed like their tools
		Input:       CreateAgentActionInput{},
		Examples: []string{
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","type":"SETTINGS","log_level":"debug"}`,
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","type":"POLICY_REASSIGN","data":{"policy_id":"prod-linux"},"ack_data":{},"space_id":"soc"}`,
		},
	},
	{
		Name:        "cancel_agent_action",
		Title:       "Cancel agent action",
		Description: "Cancel a Fleet agent action still in progress, e.g. a scheduled upgrade, by its actionId from get_agent_action_status; agents that already did it stay done.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/actions/{actionId}/cancel",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Input:       CancelAgentActionInput{},
		Examples: []string{
			`{"actionId":"` + sandboxPendingUpgradeAction + `"}`,
			`{"actionId":"` + sandboxPendingUpgradeAction + `","space_id":"soc"}`,
		},
	},
}

// sandboxPendingUpgradeAction is the seeded upgrade the story's updating
// agent has not finished, in every sandbox space.
const sandboxPendingUpgradeAction = "8c1f5e2a-7d3b-4a9e-b6c0-2e4f6a8b0d13"

// AgentStatusSummaryInput selects the agents to count.
type AgentStatusSummaryInput struct {
	PolicyID  string   `json:"policyId,omitempty" in:"query" jsonschema:"minLength=1"`
	PolicyIDs []string `json:"policyIds,omitempty" in:"query" jsonschema:"minItems=1,minLength=1"`
	Kuery     string   `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL over agents, e.g. tags:web."`
}

// Prepare refuses two ways of naming policies at once: Kibana would use
// policyId and drop the list without saying so.
func (in *AgentStatusSummaryInput) Prepare() error {
	if in.PolicyID != "" && len(in.PolicyIDs) > 0 {
		return &schema.ArgumentError{Field: "policyIds", Rule: "give policyId or policyIds, not both"}
	}
	return nil
}

// ReassignAgentInput moves one agent.
type ReassignAgentInput struct {
	AgentID  string `json:"agentId" in:"path" jsonschema:"required"`
	PolicyID string `json:"policy_id" jsonschema:"required,minLength=1" jsonschema_description:"The agent policy to move it to."`
}

// agentVersion is an Elastic Agent version as Kibana's semver check takes
// it: x.y.z, with a pre-release or build suffix.
var agentVersion = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

func checkAgentVersion(v string) error {
	if !agentVersion.MatchString(v) {
		return &schema.ArgumentError{Field: "version", Rule: fmt.Sprintf("must be a version such as 8.17.3, got %q", v)}
	}
	return nil
}

// UpgradeAgentInput upgrades one agent.
type UpgradeAgentInput struct {
	AgentID            string `json:"agentId" in:"path" jsonschema:"required"`
	Version            string `json:"version" jsonschema:"required" jsonschema_description:"E.g. 8.17.3."`
	SourceURI          string `json:"source_uri,omitempty" jsonschema_description:"Download from here, not the policy's download source."`
	Force              bool   `json:"force,omitempty" jsonschema_description:"Even if not upgradeable (already on it, or managed)."`
	SkipRateLimitCheck bool   `json:"skipRateLimitCheck,omitempty"`
}

// Prepare checks the version and download URL before Kibana sees them.
func (in *UpgradeAgentInput) Prepare() error {
	if err := checkAgentVersion(in.Version); err != nil {
		return err
	}
	if in.SourceURI != "" {
		return checkFleetURL("source_uri", in.SourceURI)
	}
	return nil
}

// BulkUpgradeAgentsInput upgrades many agents.
type BulkUpgradeAgentsInput struct {
	Version            string   `json:"version" jsonschema:"required" jsonschema_description:"E.g. 8.17.3."`
	Agents             any      `json:"agents,omitempty" jsonschema:"-"` // set by Prepare
	AgentIDs           []string `json:"agentIds,omitempty" jsonschema:"minItems=1,maxItems=1000" jsonschema_description:"Give this or kuery."`
	Kuery              string   `json:"kuery,omitempty" jsonschema_description:"KQL selecting agents."`
	IncludeInactive    bool     `json:"includeInactive,omitempty" jsonschema_description:"With kuery."`
	BatchSize          int      `json:"batchSize,omitempty" jsonschema:"minimum=1,maximum=10000" jsonschema_description:"With kuery."`
	RolloutSeconds     int      `json:"rollout_duration_seconds,omitempty" jsonschema:"minimum=600" jsonschema_description:"Spread the upgrades over this long."`
	StartTime          string   `json:"start_time,omitempty" jsonschema_description:"ISO 8601; when to start."`
	SourceURI          string   `json:"source_uri,omitempty"`
	Force              bool     `json:"force,omitempty"`
	SkipRateLimitCheck bool     `json:"skipRateLimitCheck,omitempty"`
}

// Prepare checks the version, start time and URL, and turns agentIds or
// kuery into the agents member.
func (in *BulkUpgradeAgentsInput) Prepare() error {
	if err := checkAgentVersion(in.Version); err != nil {
		return err
	}
	if in.StartTime != "" {
		if _, err := time.Parse(time.RFC3339, in.StartTime); err != nil {
			return &schema.ArgumentError{Field: "start_time", Rule: fmt.Sprintf("must be an ISO 8601 time with offset, e.g. 2025-03-12T22:00:00Z, got %q", in.StartTime)}
		}
	}
	if in.SourceURI != "" {
		if err := checkFleetURL("source_uri", in.SourceURI); err != nil {
			return err
		}
	}
	agents, err := selectAgents(in.AgentIDs, in.Kuery, in.IncludeInactive, in.BatchSize)
	in.Agents, in.AgentIDs, in.Kuery = agents, nil, ""
	return err
}

// BulkUnenrollAgentsInput unenrolls many agents.
type BulkUnenrollAgentsInput struct {
	Agents          any      `json:"agents,omitempty" jsonschema:"-"` // set by Prepare
	AgentIDs        []string `json:"agentIds,omitempty" jsonschema:"minItems=1,maxItems=1000" jsonschema_description:"Give this or kuery."`
	Kuery           string   `json:"kuery,omitempty" jsonschema_description:"KQL selecting agents."`
	IncludeInactive bool     `json:"includeInactive,omitempty" jsonschema_description:"With kuery."`
	BatchSize       int      `json:"batchSize,omitempty" jsonschema:"minimum=1,maximum=10000" jsonschema_description:"With kuery."`
	Force           bool     `json:"force,omitempty" jsonschema_description:"Also agents of hosted policies."`
	Revoke          bool     `json:"revoke,omitempty" jsonschema_description:"Invalidate their API keys now, without waiting for them."`
}

// Prepare turns agentIds or kuery into the agents member.
func (in *BulkUnenrollAgentsInput) Prepare() error {
	agents, err := selectAgents(in.AgentIDs, in.Kuery, in.IncludeInactive, in.BatchSize)
	in.Agents, in.AgentIDs, in.Kuery = agents, nil, ""
	return err
}

// CreateAgentActionInput is one raw action, flattened: Prepare builds
// Kibana's action object from type and its data.
type CreateAgentActionInput struct {
	AgentID  string          `json:"agentId" in:"path" jsonschema:"required"`
	Action   map[string]any  `json:"action,omitempty" jsonschema:"-"` // set by Prepare
	Type     string          `json:"type" in:"tool" jsonschema:"required,enum=SETTINGS,enum=UNENROLL,enum=UPGRADE,enum=POLICY_REASSIGN"`
	LogLevel string          `json:"log_level,omitempty" in:"tool" jsonschema:"enum=debug,enum=info,enum=warning,enum=error" jsonschema_description:"For SETTINGS."`
	Data     json.RawMessage `json:"data,omitempty" in:"tool" jsonschema_description:"For the other types: the action's data."`
	AckData  json.RawMessage `json:"ack_data,omitempty" in:"tool" jsonschema_description:"For the other types."`
}

// Prepare builds the action: SETTINGS carries only the log level; the
// other types carry data and ack_data, both required by Kibana.
func (in *CreateAgentActionInput) Prepare() error {
	in.Data, in.AckData = nullToNil(in.Data), nullToNil(in.AckData)
	if in.Type == "SETTINGS" {
		switch {
		case in.LogLevel == "":
			return &schema.ArgumentError{Field: "log_level", Rule: "is required with type SETTINGS"}
		case in.Data != nil || in.AckData != nil:
			return &schema.ArgumentError{Field: "data", Rule: "type SETTINGS takes only log_level"}
		}
		in.Action = map[string]any{"type": in.Type, "data": map[string]any{"log_level": in.LogLevel}}
		return nil
	}
	switch {
	case in.LogLevel != "":
		return &schema.ArgumentError{Field: "log_level", Rule: "applies only to type SETTINGS"}
	case in.Data == nil:
		return &schema.ArgumentError{Field: "data", Rule: fmt.Sprintf("is required with type %s", in.Type)}
	case in.AckData == nil:
		return &schema.ArgumentError{Field: "ack_data", Rule: fmt.Sprintf("is required with type %s; give {} when there is none", in.Type)}
	}
	in.Action = map[string]any{"type": in.Type, "data": in.Data, "ack_data": in.AckData}
	return nil
}

// CancelAgentActionInput names the action to cancel.
type CancelAgentActionInput struct {
	ActionID string `json:"actionId" in:"path" jsonschema:"required" jsonschema_description:"From get_agent_action_status."`
}

// trimmedEmpty reports a string that is blank once trimmed.
func trimmedEmpty(s string) bool { return strings.TrimSpace(s) == "" }
