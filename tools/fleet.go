package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Fleet API, first half: Elastic Agents, agent policies and the
// infrastructure they use (outputs, Fleet Server hosts, download sources,
// proxies). Integration packages and package policies are in
// fleet_packages.go. Fleet's public routes speak 2023-10-31.
var fleetOperations = []*operation.Operation{
	// Agents.
	{
		Name:        "find_agents",
		Title:       "Find Fleet agents",
		Description: "List Fleet agents with their status, policy, version, tags and last check-in; filter by status or KQL.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agents",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindAgentsInput{},
		Examples: []string{
			`{}`,
			`{"status":["offline","error"],"kuery":"policy_id:prod-linux and tags:web","showInactive":true,"showUpgradeable":true,"getStatusSummary":true,"withMetrics":true,"sortField":"last_checkin","sortOrder":"asc","page":2,"perPage":50,"space_id":"soc"}`,
			`{"openPit":true,"pitKeepAlive":"1m","showAgentless":false,"sortField":"enrolled_at","perPage":100}`,
			`{"pitId":"pit-1","pitKeepAlive":"1m","searchAfter":"[\"2024-05-01T10:00:00.000Z\",\"agent-1\"]","perPage":100}`,
		},
	},
	{
		Name:        "get_agent",
		Title:       "Get Fleet agent",
		Description: "Fetch one Fleet agent: status and health of its components, policy and revision, version, host metadata and upgrade state.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agents/{agentId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetAgentInput{},
		Examples: []string{
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11"}`,
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","withMetrics":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_agent",
		Title:       "Update Fleet agent",
		Description: "Set a Fleet agent's tags or user metadata; given tags replace all its tags and given metadata replaces the stored metadata.",
		Toolset:     "fleet",
		Method:      http.MethodPut,
		Path:        "/api/fleet/agents/{agentId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       UpdateAgentInput{},
		Examples: []string{
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","tags":["web","prod"]}`,
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","tags":[],"user_provided_metadata":{"owner":"platform-team","rack":"b12"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_agent",
		Title:       "Delete Fleet agent",
		Description: "Mark a Fleet agent inactive: it leaves the agent list and can no longer check in, while the software stays on the host; cannot be undone. Prefer unenroll_agent.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/agents/{agentId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       AgentIDInput{},
		Examples: []string{
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11"}`,
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","space_id":"soc"}`,
		},
	},
	{
		Name:        "unenroll_agent",
		Title:       "Unenroll Fleet agent",
		Description: "Unenroll an agent to remove it from Fleet: it stops its inputs and sending data, and its API keys are revoked.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/{agentId}/unenroll",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       UnenrollAgentInput{},
		Examples: []string{
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11"}`,
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","force":true,"revoke":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "request_agent_diagnostics",
		Title:       "Request agent diagnostics",
		Description: "Ask one Fleet agent to collect and upload a diagnostics bundle; fetch it later with get_agent_uploads.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/{agentId}/request_diagnostics",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       RequestAgentDiagnosticsInput{},
		Examples: []string{
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11"}`,
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","additional_metrics":["CPU"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_request_agent_diagnostics",
		Title:       "Request diagnostics from agents",
		Description: "Ask many Fleet agents, by ID or KQL, for diagnostics bundles: every selected host collects and uploads one, which loads hosts and storage.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/bulk_request_diagnostics",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Input:       BulkRequestAgentDiagnosticsInput{},
		Examples: []string{
			`{"agentIds":["0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","5d7b2c0e-8f1a-4e2b-b3c4-9a0d1e2f3a4b"]}`,
			`{"kuery":"policy_id:prod-linux and status:error","batchSize":500,"additional_metrics":["CPU"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_reassign_agents",
		Title:       "Move agents to another policy",
		Description: "Move Fleet agents (hosts), by ID or KQL, to another agent policy: their inputs and outputs become that policy's.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/bulk_reassign",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       BulkReassignAgentsInput{},
		Examples: []string{
			`{"policy_id":"prod-linux","agentIds":["0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11"]}`,
			`{"policy_id":"prod-linux","kuery":"policy_id:staging-linux and tags:web","includeInactive":true,"batchSize":1000,"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_update_agent_tags",
		Title:       "Tag Fleet agents",
		Description: "Add tags to and remove tags from Fleet agents selected by ID or KQL; removed tags are gone from every selected agent.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agents/bulk_update_agent_tags",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       BulkUpdateAgentTagsInput{},
		Examples: []string{
			`{"agentIds":["0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11"],"tagsToAdd":["pci"]}`,
			`{"kuery":"local_metadata.host.hostname:web-*","includeInactive":true,"batchSize":1000,"tagsToAdd":["web","prod"],"tagsToRemove":["staging"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_agent_uploads",
		Title:       "Get agent uploads",
		Description: "List the files a Fleet agent uploaded, such as diagnostics bundles, with their status and file IDs.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agents/{agentId}/uploads",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       AgentIDInput{},
		Examples: []string{
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11"}`,
			`{"agentId":"0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_agent_action_status",
		Title:       "Get agent action status",
		Description: "Show the progress of recent Fleet agent actions (upgrades, reassignments, unenrollments, diagnostics, policy changes): agents done, failed and latest errors.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agents/action_status",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetAgentActionStatusInput{},
		Examples: []string{
			`{}`,
			`{"page":1,"perPage":10,"date":"2025-03-12","errorSize":10,"latest":3600000,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_agent_available_versions",
		Title:       "Get agent versions",
		Description: "List the Elastic Agent versions Fleet agents can be upgraded to.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agents/available_versions",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FleetEmptyInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "get_agent_tags",
		Title:       "Get agent tags",
		Description: "List the tags used on Fleet agents, optionally only on agents matching a KQL query.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agents/tags",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetAgentTagsInput{},
		Examples: []string{
			`{}`,
			`{"kuery":"policy_id:prod-linux","showInactive":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_fleet_setup_status",
		Title:       "Get Fleet setup status",
		Description: "Check whether Fleet is set up and ready to enroll agents, and which requirements (security, API keys, Fleet Server, encryption key) are missing.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agents/setup",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FleetEmptyInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "get_agent_incoming_data",
		Title:       "Check incoming agent data",
		Description: "Check whether given Fleet agents have sent data to Elasticsearch yet, optionally for one integration package, e.g. right after enrolling them.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agent_status/data",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetAgentStatusSummaryInput{},
		Examples: []string{
			`{"agentsIds":["0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11"]}`,
			`{"agentsIds":["0b0c7e7e-2f3a-4b8e-9d35-1c2f1b6a0c11","5d7b2c0e-8f1a-4e2b-b3c4-9a0d1e2f3a4b"],"pkgName":"system","pkgVersion":"1.60.0","previewData":true,"space_id":"soc"}`,
		},
	},

	// Agent policies.
	{
		Name:        "find_agent_policies",
		Title:       "Find agent policies",
		Description: "List Fleet agent policies with their namespace, revision, monitoring and outputs, optionally with how many agents use each.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agent_policies",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindAgentPoliciesInput{},
		Examples: []string{
			`{}`,
			`{"kuery":"ingest-agent-policies.name:prod*","withAgentCount":true,"showUpgradeable":true,"full":true,"format":"simplified","sortField":"updated_at","sortOrder":"desc","page":2,"perPage":10,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_agent_policy",
		Title:       "Get agent policy",
		Description: "Fetch one Fleet agent policy with its settings and its integration (package) policies.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agent_policies/{agentPolicyId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetAgentPolicyInput{},
		Examples: []string{
			`{"agentPolicyId":"prod-linux"}`,
			`{"agentPolicyId":"prod-linux","format":"legacy","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_full_agent_policy",
		Title:       "Get full agent policy",
		Description: "Render an agent policy as agents receive it (inputs, outputs, permissions), or as a standalone agent's config or a Kubernetes manifest.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agent_policies/{agentPolicyId}/full",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetFullAgentPolicyInput{},
		Examples: []string{
			`{"agentPolicyId":"prod-linux"}`,
			`{"agentPolicyId":"prod-linux","standalone":true,"kubernetes":true,"download":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "create_agent_policy",
		Title:       "Create agent policy",
		Description: "Create a Fleet agent policy that agents enroll into; returns it with its id.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agent_policies",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateAgentPolicyInput{},
		Examples: []string{
			`{"name":"Linux servers","namespace":"default"}`,
			`{"name":"Linux servers","namespace":"prod","id":"prod-linux","description":"Web and database hosts.","sys_monitoring":true,"monitoring_enabled":["logs","metrics","traces"],"data_output_id":"es-prod","monitoring_output_id":"es-monitoring","fleet_server_host_id":"fleet-prod","download_source_id":"artifacts-mirror","inactivity_timeout":86400,"unenroll_timeout":3600,"is_protected":true,"has_fleet_server":false,"global_data_tags":[{"name":"team","value":"platform"},{"name":"tier","value":1}],"advanced_settings":{"agent_logging_level":"debug","agent_download_timeout":"2h"},"agent_features":[{"name":"fqdn","enabled":true}],"format":"simplified","space_ids":["soc"],"is_default":false,"keep_monitoring_alive":true,"monitoring_pprof_enabled":false,"monitoring_http":{"enabled":true,"host":"localhost","port":6791,"buffer":{"enabled":true}},"monitoring_diagnostics":{"limit":{"interval":"1m","burst":2},"uploader":{"max_retries":3,"init_dur":"1s","max_dur":"10m"}},"required_versions":[{"version":"9.1.0","percentage":25}],"supports_agentless":false,"overrides":{"agent":{"logging":{"level":"debug"}}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_agent_policy",
		Title:       "Update agent policy",
		Description: "Change a Fleet agent policy: name and namespace always given, omitted settings kept, given lists replace; its agents get the new revision.",
		Toolset:     "fleet",
		Method:      http.MethodPut,
		Path:        "/api/fleet/agent_policies/{agentPolicyId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateAgentPolicyInput{},
		Examples: []string{
			`{"agentPolicyId":"prod-linux","name":"Linux servers","namespace":"prod","monitoring_enabled":[]}`,
			`{"agentPolicyId":"prod-linux","name":"Linux servers","namespace":"prod","description":"Web and database hosts.","monitoring_enabled":["logs"],"data_output_id":"es-prod","monitoring_output_id":"es-monitoring","fleet_server_host_id":"fleet-prod","download_source_id":"artifacts-mirror","inactivity_timeout":172800,"unenroll_timeout":7200,"is_protected":false,"has_fleet_server":false,"global_data_tags":[{"name":"team","value":"platform"}],"advanced_settings":{"agent_logging_level":"info"},"agent_features":[{"name":"fqdn","enabled":false}],"bumpRevision":false,"force":true,"is_managed":false,"required_versions":[{"version":"9.1.0","percentage":50},{"version":"9.0.4","percentage":50}],"monitoring_http":{"enabled":false},"space_id":"soc"}`,
		},
	},
	{
		// Kibana PR #195801 (v9.0.0, backport:skip): not in 8.x.
		Name:         "get_agent_policy_outputs",
		Availability: sinceIn("fleet", "9.0.0"),
		Title:        "Get agent policy outputs",
		Description:  "Show the outputs an agent policy sends data and monitoring to, and the output of each of its integrations.",
		Toolset:      "fleet",
		Method:       http.MethodGet,
		Path:         "/api/fleet/agent_policies/{agentPolicyId}/outputs",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        AgentPolicyIDInput{},
		Examples: []string{
			`{"agentPolicyId":"prod-linux"}`,
			`{"agentPolicyId":"prod-linux","space_id":"soc"}`,
		},
	},
	{
		// Kibana PR #195801 (v9.0.0, backport:skip): not in 8.x.
		Name:         "get_agent_policies_outputs",
		Availability: sinceIn("fleet", "9.0.0"),
		Title:        "Get outputs of agent policies",
		Description:  "Show the data and monitoring outputs of several agent policies at once.",
		Toolset:      "fleet",
		Method:       http.MethodPost,
		Path:         "/api/fleet/agent_policies/outputs",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        GetAgentPoliciesOutputsInput{},
		Examples: []string{
			`{"ids":["prod-linux"]}`,
			`{"ids":["prod-linux","staging-linux"],"space_id":"soc"}`,
		},
	},

	// Where agents download upgrades from.
	{
		Name:        "find_download_sources",
		Title:       "Find agent download sources",
		Description: "List the sources Fleet agents download upgrade binaries from, with the default one.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agent_download_sources",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FleetEmptyInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "create_download_source",
		Title:       "Create agent download source",
		Description: "Add a source, such as an internal mirror, that Fleet agents download upgrade binaries from.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agent_download_sources",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateDownloadSourceInput{},
		Examples: []string{
			`{"name":"Artifacts mirror","host":"https://artifacts.example.com/downloads/"}`,
			`{"id":"artifacts-mirror","name":"Artifacts mirror","host":"https://artifacts.example.com/downloads/","is_default":true,"proxy_id":"corp-proxy","ssl":{"certificate_authorities":["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"],"certificate":"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----","key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"},"space_id":"soc"}`,
			`{"name":"Artifacts mirror","host":"https://artifacts.example.com/downloads/","ssl":{"certificate":"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----"},"secrets":{"ssl":{"key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"}}}`,
		},
	},
	{
		Name:        "update_download_source",
		Title:       "Update agent download source",
		Description: "Replace a download source's name, host and settings: is_default becomes false unless given, so agents may switch sources.",
		Toolset:     "fleet",
		Method:      http.MethodPut,
		Path:        "/api/fleet/agent_download_sources/{sourceId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateDownloadSourceInput{},
		Examples: []string{
			`{"sourceId":"artifacts-mirror","name":"Artifacts mirror","host":"https://mirror2.example.com/downloads/"}`,
			`{"sourceId":"artifacts-mirror","name":"Artifacts mirror","host":"https://mirror2.example.com/downloads/","is_default":true,"proxy_id":"corp-proxy","ssl":{"certificate_authorities":["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"]},"space_id":"soc"}`,
			`{"sourceId":"artifacts-mirror","name":"Artifacts mirror","host":"https://mirror2.example.com/downloads/","ssl":{"certificate":"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----"},"secrets":{"ssl":{"key":{"id":"7d2c1f90-secret"}}}}`,
		},
	},
	{
		Name:        "delete_download_source",
		Title:       "Delete agent download source",
		Description: "Delete an agent download source other than the default; policies using it fall back to the default source. Cannot be undone.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/agent_download_sources/{sourceId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DownloadSourceIDInput{},
		Examples: []string{
			`{"sourceId":"artifacts-mirror"}`,
			`{"sourceId":"artifacts-mirror","space_id":"soc"}`,
		},
	},

	// Fleet Server hosts and Logstash keys.
	{
		Name:        "get_fleet_server_host",
		Title:       "Get Fleet Server host",
		Description: "Fetch one Fleet Server host entry: the URLs agents use to reach Fleet Server, its proxy and TLS settings.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/fleet_server_hosts/{itemId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FleetItemIDInput{},
		Examples: []string{
			`{"itemId":"fleet-prod"}`,
			`{"itemId":"fleet-prod","space_id":"soc"}`,
		},
	},
	{
		Name:        "update_fleet_server_host",
		Title:       "Update Fleet Server host",
		Description: "Change a Fleet Server host entry; agents then connect to the new URLs, and its proxy is removed unless proxy_id is given.",
		Toolset:     "fleet",
		Method:      http.MethodPut,
		Path:        "/api/fleet/fleet_server_hosts/{itemId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateFleetServerHostInput{},
		Examples: []string{
			`{"itemId":"fleet-prod","host_urls":["https://fleet.example.com:8220"]}`,
			`{"itemId":"fleet-prod","name":"Production Fleet Server","host_urls":["https://fleet1.example.com:8220","https://fleet2.example.com:8220"],"is_default":true,"proxy_id":"corp-proxy","ssl":{"certificate_authorities":["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"],"client_auth":"optional"},"space_id":"soc"}`,
			`{"itemId":"fleet-prod","is_internal":false,"ssl":{"certificate":"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----","es_certificate":"-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----"},"secrets":{"ssl":{"key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----","es_key":{"id":"3b9e0a12-secret"}}}}`,
		},
	},
	{
		Name:        "create_logstash_api_key",
		Title:       "Create Logstash API key",
		Description: "Create an API key that lets a Logstash output write agent data; the key is shown only in this answer, so store it at once.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/logstash_api_keys",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       FleetEmptyInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},

	// Outputs.
	{
		Name:        "find_outputs",
		Title:       "Find Fleet outputs",
		Description: "List the outputs Fleet agents can send data to (Elasticsearch, Logstash, Kafka, remote Elasticsearch), with the defaults.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/outputs",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FleetEmptyInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "get_output",
		Title:       "Get Fleet output",
		Description: "Fetch one Fleet output: type, hosts, TLS, proxy and type-specific settings.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/outputs/{outputId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       OutputIDInput{},
		Examples: []string{
			`{"outputId":"es-prod"}`,
			`{"outputId":"es-prod","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_output",
		Title:       "Create Fleet output",
		Description: "Add a destination for agent data: Elasticsearch, remote Elasticsearch, Logstash or Kafka.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        createOutputPath,
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateOutputInput{},
		Examples: []string{
			`{"name":"Production cluster","type":"elasticsearch","hosts":["https://es.example.com:9200"]}`,
			`{"id":"es-remote","name":"Central cluster","type":"remote_elasticsearch","hosts":["https://central.example.com:9200"],"is_default":false,"is_default_monitoring":true,"proxy_id":"corp-proxy","ca_trusted_fingerprint":"79f956a0175a7d8bfa9d4b2e1ab5fb8b1c2d4e3f5a6b7c8d9e0f1a2b3c4d5e6f","config_yaml":"bulk_max_size: 1600","preset":"throughput","ssl":{"certificate_authorities":["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"],"verification_mode":"full"},"secrets":{"service_token":"AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL3Rva2VuLTE"},"settings":{"kibana_url":"https://central-kibana.example.com","sync_integrations":true,"write_to_logs_streams":false},"space_id":"soc"}`,
			`{"name":"Kafka","type":"kafka","hosts":["kafka1.example.com:9092","kafka2.example.com:9092"],"settings":{"auth_type":"user_pass","username":"fleet","password":"changeme","sasl":{"mechanism":"SCRAM-SHA-512"},"topic":"elastic-agent","partition":"round_robin","round_robin":{"group_events":1},"compression":"gzip","required_acks":1,"version":"2.6.0"}}`,
			`{"name":"Kafka, keyed","type":"kafka","hosts":["kafka1.example.com:9092"],"settings":{"auth_type":"none","connection_type":"plaintext","client_id":"Elastic","topic":"elastic-agent","partition":"hash","hash":{"hash":"host.name","random":false},"key":"host.name","headers":[{"key":"team","value":"soc"}],"compression":"lz4","compression_level":4,"timeout":30,"broker_timeout":10,"required_acks":1,"ca_sha256":"79f956a0175a7d8bfa9d4b2e1ab5fb8b1c2d4e3f5a6b7c8d9e0f1a2b3c4d5e6f"}}`,
			`{"name":"Kafka, spread","type":"kafka","hosts":["kafka1.example.com:9092"],"settings":{"auth_type":"none","topic":"elastic-agent","partition":"random","random":{"group_events":1}}}`,
			`{"name":"DR cluster","type":"remote_elasticsearch","hosts":["https://dr.example.com:9200"],"settings":{"service_token":"AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL3Rva2VuLTI","kibana_url":"https://dr-kibana.example.com","kibana_api_key":"a2V5aWQ6c2VjcmV0","sync_integrations":true,"sync_uninstalled_integrations":true}}`,
			`{"name":"Logstash","type":"logstash","hosts":["logstash.example.com:5044"],"ssl":{"certificate":"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----","key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"}}`,
			`{"name":"Kafka over TLS","type":"kafka","hosts":["kafka1.example.com:9093"],"ssl":{"certificate":"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----"},"secrets":{"ssl":{"key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"},"password":{"id":"9f1d2e3c-secret"}},"settings":{"auth_type":"user_pass","username":"fleet","topic":"elastic-agent","shipper":{"disk_queue_enabled":true,"disk_queue_max_size":1073741824,"mem_queue_events":4096}}}`,
		},
	},

	// Proxies.
	{
		Name:        "find_proxies",
		Title:       "Find Fleet proxies",
		Description: "List the proxies Fleet outputs, Fleet Server hosts and download sources can connect through.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/proxies",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FleetEmptyInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "get_proxy",
		Title:       "Get Fleet proxy",
		Description: "Fetch one Fleet proxy: URL, headers and TLS settings.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/proxies/{itemId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FleetItemIDInput{},
		Examples: []string{
			`{"itemId":"corp-proxy"}`,
			`{"itemId":"corp-proxy","space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_proxy",
		Title:       "Delete Fleet proxy",
		Description: "Delete a Fleet proxy; outputs, Fleet Server hosts and download sources that used it connect directly from then on. Cannot be undone.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/proxies/{itemId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       FleetItemIDInput{},
		Examples: []string{
			`{"itemId":"corp-proxy"}`,
			`{"itemId":"corp-proxy","space_id":"soc"}`,
		},
	},
}

// fleetPerPage keeps an unpaged Fleet listing small: an agent with its
// components and metadata is a few KB of JSON, a policy as much.
const fleetPerPage = 20

// FleetEmptyInput takes no arguments.
type FleetEmptyInput struct{}

// AgentIDInput names one Fleet agent.
type AgentIDInput struct {
	AgentID string `json:"agentId" in:"path" jsonschema:"required"`
}

// AgentPolicyIDInput names one agent policy.
type AgentPolicyIDInput struct {
	AgentPolicyID string `json:"agentPolicyId" in:"path" jsonschema:"required"`
}

// DownloadSourceIDInput names one agent download source.
type DownloadSourceIDInput struct {
	SourceID string `json:"sourceId" in:"path" jsonschema:"required"`
}

// FleetItemIDInput names one proxy or Fleet Server host.
type FleetItemIDInput struct {
	ItemID string `json:"itemId" in:"path" jsonschema:"required"`
}

// OutputIDInput names one output.
type OutputIDInput struct {
	OutputID string `json:"outputId" in:"path" jsonschema:"required"`
}

// FindAgentsInput filters and pages the agent list. Status (the states
// Fleet computes for an agent) is not a Kibana parameter: Prepare folds it
// into kuery as status:<state> clauses.
type FindAgentsInput struct {
	Status           []string `json:"status,omitempty" in:"query" jsonschema:"enum=online,enum=offline,enum=error,enum=degraded,enum=updating,enum=enrolling,enum=unenrolling,enum=unenrolled,enum=inactive,enum=uninstalled,enum=orphaned" jsonschema_description:"Any of these."`
	Kuery            string   `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL, e.g. policy_id:p1 and local_metadata.host.hostname:web-*."`
	ShowInactive     bool     `json:"showInactive,omitempty" in:"query"`
	ShowUpgradeable  bool     `json:"showUpgradeable,omitempty" in:"query" jsonschema_description:"Only upgradeable ones."`
	GetStatusSummary bool     `json:"getStatusSummary,omitempty" in:"query" jsonschema_description:"Also count them per status."`
	WithMetrics      bool     `json:"withMetrics,omitempty" in:"query" jsonschema_description:"Add CPU and memory use."`
	SortField        string   `json:"sortField,omitempty" in:"query" jsonschema_description:"E.g. last_checkin, enrolled_at."`
	SortOrder        string   `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page             int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage          int      `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
	ShowAgentless    *bool    `json:"showAgentless,omitempty" in:"query" jsonschema_description:"false leaves out agentless agents."`
	OpenPit          bool     `json:"openPit,omitempty" in:"query" jsonschema_description:"Page over a point in time: the answer gives pit and nextSearchAfter for the next call."`
	PitID            string   `json:"pitId,omitempty" in:"query" jsonschema_description:"The pit of the previous answer."`
	PitKeepAlive     string   `json:"pitKeepAlive,omitempty" in:"query" jsonschema_description:"How long the point in time lives, e.g. 1m."`
	SearchAfter      string   `json:"searchAfter,omitempty" in:"query" jsonschema_description:"The nextSearchAfter of the previous answer."`
}

// Prepare turns the status filter into KQL, shows the inactive agents a
// status filter asks for, and asks for a small page.
func (in *FindAgentsInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = fleetPerPage
	}
	if err := in.checkPaging(); err != nil {
		return err
	}
	if len(in.Status) == 0 {
		return nil
	}
	var states []string
	for _, s := range in.Status {
		if clause := "status:" + s; !slices.Contains(states, clause) {
			states = append(states, clause)
		}
		if s == "inactive" || s == "unenrolled" {
			in.ShowInactive = true // Kibana leaves these out otherwise
		}
	}
	filter := "(" + strings.Join(states, " or ") + ")"
	if strings.TrimSpace(in.Kuery) != "" {
		filter += " and (" + in.Kuery + ")"
	}
	in.Kuery, in.Status = filter, nil
	return nil
}

// checkPaging refuses the point-in-time arguments Kibana cannot use:
// searchAfter is JSON.parse'd, and a keep-alive is an Elasticsearch
// duration.
func (in *FindAgentsInput) checkPaging() error {
	if in.SearchAfter != "" {
		var after []any
		if json.Unmarshal([]byte(in.SearchAfter), &after) != nil {
			return &schema.ArgumentError{Field: "searchAfter", Rule: "must be the JSON array an earlier answer gave as nextSearchAfter, e.g. [\"2024-05-01T10:00:00.000Z\",\"agent-1\"]"}
		}
		if in.Page > 1 {
			return &schema.ArgumentError{Field: "page", Rule: "cannot be combined with searchAfter, which already says where the page starts"}
		}
	}
	if in.OpenPit && in.PitID != "" {
		return &schema.ArgumentError{Field: "openPit", Rule: "opens a new point in time; leave it out when continuing with pitId"}
	}
	if in.PitKeepAlive != "" && !esDuration.MatchString(in.PitKeepAlive) {
		return &schema.ArgumentError{Field: "pitKeepAlive", Rule: fmt.Sprintf("must be a duration such as 30s, 1m or 1h, got %q", in.PitKeepAlive)}
	}
	return nil
}

// esDuration is an Elasticsearch time value.
var esDuration = regexp.MustCompile(`^[0-9]+(d|h|m|s|ms|micros|nanos)$`)

// GetAgentInput names an agent to read.
type GetAgentInput struct {
	AgentID     string `json:"agentId" in:"path" jsonschema:"required"`
	WithMetrics bool   `json:"withMetrics,omitempty" in:"query" jsonschema_description:"Add CPU and memory use."`
}

// UpdateAgentInput sets an agent's tags or metadata. Tags is a pointer so
// [] (remove every tag) is sent, not dropped.
type UpdateAgentInput struct {
	AgentID              string          `json:"agentId" in:"path" jsonschema:"required"`
	Tags                 *[]string       `json:"tags,omitempty" jsonschema:"maxItems=100,minLength=1" jsonschema_description:"The agent's whole tag list; [] removes all."`
	UserProvidedMetadata json.RawMessage `json:"user_provided_metadata,omitempty" jsonschema_description:"Free-form key-value metadata."`
}

// Prepare refuses an update that changes nothing.
func (in *UpdateAgentInput) Prepare() error {
	in.UserProvidedMetadata = nullToNil(in.UserProvidedMetadata)
	if in.Tags == nil && in.UserProvidedMetadata == nil {
		return &schema.ArgumentError{Rule: "give tags, user_provided_metadata or both"}
	}
	return nil
}

// UnenrollAgentInput names the agent to unenroll.
type UnenrollAgentInput struct {
	AgentID string `json:"agentId" in:"path" jsonschema:"required"`
	Force   bool   `json:"force,omitempty" jsonschema_description:"Also for agents on hosted (managed) policies."`
	Revoke  bool   `json:"revoke,omitempty" jsonschema_description:"Revoke at once instead of waiting for the agent to acknowledge."`
}

// RequestAgentDiagnosticsInput names the agent to collect diagnostics from.
type RequestAgentDiagnosticsInput struct {
	AgentID           string   `json:"agentId" in:"path" jsonschema:"required"`
	AdditionalMetrics []string `json:"additional_metrics,omitempty" jsonschema:"maxItems=1,enum=CPU" jsonschema_description:"CPU adds a CPU profile."`
}

// Agent selections of the bulk routes: Kibana's agents member is either a
// list of IDs or a KQL string. The model gives agentIds or kuery (a schema
// alternative of array or string would show an array without items, which
// some model providers reject); Prepare puts the one given in the agents
// member, which the schema hides (jsonschema:"-") and the body carries.

// selectAgents checks the selection and returns the body's agents member.
// includeInactive and batchSize only apply when Kibana searches by KQL.
func selectAgents(ids []string, kuery string, includeInactive bool, batchSize int) (any, error) {
	kuery = strings.TrimSpace(kuery)
	switch {
	case len(ids) > 0 && kuery != "":
		return nil, &schema.ArgumentError{Field: "kuery", Rule: "give either agentIds or kuery, not both"}
	case len(ids) == 0 && kuery == "":
		return nil, &schema.ArgumentError{Rule: "give agentIds (a list of agent IDs) or kuery (KQL selecting agents)"}
	case kuery != "":
		return kuery, nil
	case includeInactive:
		return nil, &schema.ArgumentError{Field: "includeInactive", Rule: "applies only with kuery; listed agentIds are used whatever their state"}
	case batchSize != 0:
		return nil, &schema.ArgumentError{Field: "batchSize", Rule: "applies only with kuery"}
	}
	if err := checkIDList("agentIds", ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// BulkRequestAgentDiagnosticsInput selects the agents to collect
// diagnostics from.
type BulkRequestAgentDiagnosticsInput struct {
	Agents            any      `json:"agents,omitempty" jsonschema:"-"` // set by Prepare
	AgentIDs          []string `json:"agentIds,omitempty" jsonschema:"minItems=1,maxItems=1000" jsonschema_description:"Give this or kuery."`
	Kuery             string   `json:"kuery,omitempty" jsonschema_description:"KQL selecting agents, e.g. policy_id:p1 and status:error."`
	BatchSize         int      `json:"batchSize,omitempty" jsonschema:"minimum=1,maximum=10000" jsonschema_description:"With kuery: agents per batch."`
	AdditionalMetrics []string `json:"additional_metrics,omitempty" jsonschema:"maxItems=1,enum=CPU" jsonschema_description:"CPU adds a CPU profile."`
}

// Prepare turns agentIds or kuery into the agents member.
func (in *BulkRequestAgentDiagnosticsInput) Prepare() error {
	agents, err := selectAgents(in.AgentIDs, in.Kuery, false, in.BatchSize)
	in.Agents, in.AgentIDs, in.Kuery = agents, nil, ""
	return err
}

// BulkReassignAgentsInput moves agents to another policy.
type BulkReassignAgentsInput struct {
	PolicyID        string   `json:"policy_id" jsonschema:"required,minLength=1" jsonschema_description:"The agent policy to move them to."`
	Agents          any      `json:"agents,omitempty" jsonschema:"-"` // set by Prepare
	AgentIDs        []string `json:"agentIds,omitempty" jsonschema:"minItems=1,maxItems=1000" jsonschema_description:"Give this or kuery."`
	Kuery           string   `json:"kuery,omitempty" jsonschema_description:"KQL selecting agents, e.g. policy_id:old and tags:web."`
	IncludeInactive bool     `json:"includeInactive,omitempty" jsonschema_description:"With kuery: also inactive agents."`
	BatchSize       int      `json:"batchSize,omitempty" jsonschema:"minimum=1,maximum=10000" jsonschema_description:"With kuery: agents per batch."`
}

// Prepare turns agentIds or kuery into the agents member.
func (in *BulkReassignAgentsInput) Prepare() error {
	agents, err := selectAgents(in.AgentIDs, in.Kuery, in.IncludeInactive, in.BatchSize)
	in.Agents, in.AgentIDs, in.Kuery = agents, nil, ""
	return err
}

// BulkUpdateAgentTagsInput adds and removes tags on many agents.
type BulkUpdateAgentTagsInput struct {
	Agents          any      `json:"agents,omitempty" jsonschema:"-"` // set by Prepare
	AgentIDs        []string `json:"agentIds,omitempty" jsonschema:"minItems=1,maxItems=1000" jsonschema_description:"Give this or kuery."`
	Kuery           string   `json:"kuery,omitempty" jsonschema_description:"KQL selecting agents, e.g. tags:web and not tags:prod."`
	IncludeInactive bool     `json:"includeInactive,omitempty" jsonschema_description:"With kuery: also inactive agents."`
	BatchSize       int      `json:"batchSize,omitempty" jsonschema:"minimum=1,maximum=10000" jsonschema_description:"With kuery: agents per batch."`
	TagsToAdd       []string `json:"tagsToAdd,omitempty" jsonschema:"maxItems=100,minLength=1"`
	TagsToRemove    []string `json:"tagsToRemove,omitempty" jsonschema:"maxItems=100,minLength=1"`
}

// Prepare turns agentIds or kuery into the agents member and checks that
// the tag change is one.
func (in *BulkUpdateAgentTagsInput) Prepare() error {
	if len(in.TagsToAdd) == 0 && len(in.TagsToRemove) == 0 {
		return &schema.ArgumentError{Rule: "give tagsToAdd, tagsToRemove or both"}
	}
	for i, tag := range in.TagsToRemove {
		if slices.Contains(in.TagsToAdd, tag) {
			return &schema.ArgumentError{Field: fmt.Sprintf("tagsToRemove[%d]", i), Rule: fmt.Sprintf("%q is also in tagsToAdd; a tag cannot be added and removed at once", tag)}
		}
	}
	agents, err := selectAgents(in.AgentIDs, in.Kuery, in.IncludeInactive, in.BatchSize)
	in.Agents, in.AgentIDs, in.Kuery = agents, nil, ""
	return err
}

// GetAgentActionStatusInput pages the recent agent actions. Kibana counts
// these pages from 0.
type GetAgentActionStatusInput struct {
	Page      int    `json:"page,omitempty" in:"query" jsonschema:"minimum=0" jsonschema_description:"From 0."`
	PerPage   int    `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
	Date      string `json:"date,omitempty" in:"query" jsonschema_description:"Only actions of this day, e.g. 2025-03-12."`
	ErrorSize int    `json:"errorSize,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Latest errors per action; default 5."`
	Latest    int    `json:"latest,omitempty" in:"query" jsonschema:"minimum=1" jsonschema_description:"Only actions from the last this many milliseconds."`
}

// Prepare asks for a small page.
func (in *GetAgentActionStatusInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = fleetPerPage
	}
	return nil
}

// GetAgentTagsInput narrows the tag list to some agents.
type GetAgentTagsInput struct {
	Kuery        string `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL selecting agents, e.g. policy_id:p1."`
	ShowInactive bool   `json:"showInactive,omitempty" in:"query" jsonschema_description:"Include tags of inactive agents."`
}

// GetAgentStatusSummaryInput names the agents whose incoming data to check.
type GetAgentStatusSummaryInput struct {
	AgentsIDs   []string `json:"agentsIds" in:"query" jsonschema:"required,minItems=1,maxItems=100,minLength=1"`
	PkgName     string   `json:"pkgName,omitempty" in:"query" jsonschema_description:"Only data of this integration package, e.g. system."`
	PkgVersion  string   `json:"pkgVersion,omitempty" in:"query"`
	PreviewData bool     `json:"previewData,omitempty" in:"query" jsonschema_description:"Also return a sample of the documents."`
}

// Prepare checks that a package version comes with its package.
func (in *GetAgentStatusSummaryInput) Prepare() error {
	if in.PkgVersion != "" && in.PkgName == "" {
		return &schema.ArgumentError{Field: "pkgVersion", Rule: "needs pkgName"}
	}
	return nil
}

// FindAgentPoliciesInput filters and pages agent policies.
type FindAgentPoliciesInput struct {
	Kuery           string `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL on ingest-agent-policies.* fields, e.g. ingest-agent-policies.name:prod*."`
	WithAgentCount  bool   `json:"withAgentCount,omitempty" in:"query" jsonschema_description:"Count each policy's agents."`
	ShowUpgradeable bool   `json:"showUpgradeable,omitempty" in:"query" jsonschema_description:"Only policies with agents that can be upgraded."`
	Full            bool   `json:"full,omitempty" in:"query" jsonschema_description:"Include the integration policies (large)."`
	SortField       string `json:"sortField,omitempty" in:"query" jsonschema_description:"E.g. name, updated_at."`
	SortOrder       string `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page            int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage         int    `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
	Format          string `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy" jsonschema_description:"Shape of the package policies (with full)."`
}

// GetAgentPolicyInput names the agent policy to read.
type GetAgentPolicyInput struct {
	AgentPolicyID string `json:"agentPolicyId" in:"path" jsonschema:"required"`
	Format        string `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy" jsonschema_description:"Shape of the package policies."`
}

// Prepare asks for a small page.
func (in *FindAgentPoliciesInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = fleetPerPage
	}
	return nil
}

// GetFullAgentPolicyInput names the policy to render and how.
type GetFullAgentPolicyInput struct {
	AgentPolicyID string `json:"agentPolicyId" in:"path" jsonschema:"required"`
	Standalone    bool   `json:"standalone,omitempty" in:"query" jsonschema_description:"As a standalone agent's elastic-agent.yml."`
	Kubernetes    bool   `json:"kubernetes,omitempty" in:"query" jsonschema_description:"As a Kubernetes manifest."`
	Download      bool   `json:"download,omitempty" in:"query" jsonschema_description:"As a file download (same content)."`
}

// GetAgentPoliciesOutputsInput names the policies whose outputs to show.
type GetAgentPoliciesOutputsInput struct {
	IDs []string `json:"ids" jsonschema:"required,minItems=1,maxItems=100,minLength=1" jsonschema_description:"Agent policy IDs."`
}

// CreateAgentPolicyInput describes a new agent policy.
type CreateAgentPolicyInput struct {
	SysMonitoring      bool            `json:"sys_monitoring,omitempty" in:"query" jsonschema_description:"Also add the System integration."`
	Name               string          `json:"name" jsonschema:"required,minLength=1"`
	Namespace          string          `json:"namespace" jsonschema:"required,minLength=1,maxLength=100" jsonschema_description:"E.g. default; lowercase, no - or spaces."`
	ID                 string          `json:"id,omitempty" jsonschema_description:"Default: a new UUID."`
	Description        string          `json:"description,omitempty"`
	MonitoringEnabled  *[]string       `json:"monitoring_enabled,omitempty" jsonschema:"maxItems=3,enum=logs,enum=metrics,enum=traces" jsonschema_description:"Self-monitoring; [] for none."`
	DataOutputID       string          `json:"data_output_id,omitempty" jsonschema_description:"From find_outputs."`
	MonitoringOutputID string          `json:"monitoring_output_id,omitempty"`
	FleetServerHostID  string          `json:"fleet_server_host_id,omitempty"`
	DownloadSourceID   string          `json:"download_source_id,omitempty" jsonschema_description:"From find_download_sources."`
	InactivityTimeout  *int            `json:"inactivity_timeout,omitempty" jsonschema:"minimum=0" jsonschema_description:"Seconds without check-in until inactive; default 1209600."`
	UnenrollTimeout    *int            `json:"unenroll_timeout,omitempty" jsonschema:"minimum=0" jsonschema_description:"Seconds offline until unenrolled."`
	IsProtected        *bool           `json:"is_protected,omitempty" jsonschema_description:"Tamper protection."`
	HasFleetServer     *bool           `json:"has_fleet_server,omitempty" jsonschema_description:"Agents run Fleet Server."`
	GlobalDataTags     []GlobalDataTag `json:"global_data_tags,omitempty" jsonschema:"maxItems=100" jsonschema_description:"{name, value}: a field on every event."`
	AdvancedSettings   json.RawMessage `json:"advanced_settings,omitempty" jsonschema_description:"E.g. {agent_logging_level: debug}."`
	AgentFeatures      []AgentFeature  `json:"agent_features,omitempty" jsonschema:"maxItems=20" jsonschema_description:"{name, enabled}, e.g. fqdn."`
	agentPolicyMore
}

// Prepare checks the members shown as bare objects.
func (in *CreateAgentPolicyInput) Prepare() error {
	in.AdvancedSettings = nullToNil(in.AdvancedSettings)
	if err := checkAgentPolicy(in.Namespace, in.GlobalDataTags, in.AdvancedSettings, in.AgentFeatures); err != nil {
		return err
	}
	return in.agentPolicyMore.check()
}

// UpdateAgentPolicyInput changes an agent policy. Kibana keeps the settings
// it is not given; name and namespace it requires every time.
type UpdateAgentPolicyInput struct {
	AgentPolicyID      string          `json:"agentPolicyId" in:"path" jsonschema:"required"`
	Name               string          `json:"name" jsonschema:"required,minLength=1"`
	Namespace          string          `json:"namespace" jsonschema:"required,minLength=1,maxLength=100" jsonschema_description:"E.g. default; lowercase, no - or spaces."`
	Description        string          `json:"description,omitempty"`
	MonitoringEnabled  *[]string       `json:"monitoring_enabled,omitempty" jsonschema:"maxItems=3,enum=logs,enum=metrics,enum=traces" jsonschema_description:"Self-monitoring; [] for none."`
	DataOutputID       string          `json:"data_output_id,omitempty" jsonschema_description:"From find_outputs."`
	MonitoringOutputID string          `json:"monitoring_output_id,omitempty"`
	FleetServerHostID  string          `json:"fleet_server_host_id,omitempty"`
	DownloadSourceID   string          `json:"download_source_id,omitempty" jsonschema_description:"From find_download_sources."`
	InactivityTimeout  *int            `json:"inactivity_timeout,omitempty" jsonschema:"minimum=0" jsonschema_description:"Seconds without check-in until inactive."`
	UnenrollTimeout    *int            `json:"unenroll_timeout,omitempty" jsonschema:"minimum=0" jsonschema_description:"Seconds offline until unenrolled."`
	IsProtected        *bool           `json:"is_protected,omitempty" jsonschema_description:"Tamper protection."`
	HasFleetServer     *bool           `json:"has_fleet_server,omitempty" jsonschema_description:"Agents run Fleet Server."`
	GlobalDataTags     []GlobalDataTag `json:"global_data_tags,omitempty" jsonschema:"maxItems=100" jsonschema_description:"{name, value}: a field on every event."`
	AdvancedSettings   json.RawMessage `json:"advanced_settings,omitempty" jsonschema_description:"E.g. {agent_logging_level: info}."`
	AgentFeatures      []AgentFeature  `json:"agent_features,omitempty" jsonschema:"maxItems=20" jsonschema_description:"{name, enabled}, e.g. fqdn."`
	BumpRevision       *bool           `json:"bumpRevision,omitempty" jsonschema_description:"false: no new revision for the agents."`
	agentPolicyMore
}

// Prepare checks the members shown as bare objects.
func (in *UpdateAgentPolicyInput) Prepare() error {
	in.AdvancedSettings = nullToNil(in.AdvancedSettings)
	if err := checkAgentPolicy(in.Namespace, in.GlobalDataTags, in.AdvancedSettings, in.AgentFeatures); err != nil {
		return err
	}
	return in.agentPolicyMore.check()
}

// agentPolicyMore are the members create_agent_policy and
// update_agent_policy share beyond the everyday ones: defaults, hosted
// policies, the agents' monitoring endpoint, upgrades and agentless.
type agentPolicyMore struct {
	Format                 string            `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy"`
	SpaceIDs               []string          `json:"space_ids,omitempty"`
	IsDefault              *bool             `json:"is_default,omitempty"`
	IsDefaultFleetServer   *bool             `json:"is_default_fleet_server,omitempty"`
	IsManaged              *bool             `json:"is_managed,omitempty" jsonschema_description:"Hosted policy."`
	Force                  *bool             `json:"force,omitempty" jsonschema_description:"Change a hosted policy."`
	KeepMonitoringAlive    *bool             `json:"keep_monitoring_alive,omitempty"`
	MonitoringPprofEnabled *bool             `json:"monitoring_pprof_enabled,omitempty"`
	MonitoringHTTP         json.RawMessage   `json:"monitoring_http,omitempty" jsonschema_description:"{enabled, host, port, buffer}"`
	MonitoringDiagnostics  json.RawMessage   `json:"monitoring_diagnostics,omitempty" jsonschema_description:"{limit: {interval, burst}, uploader: {max_retries, init_dur, max_dur}}"`
	RequiredVersions       []RequiredVersion `json:"required_versions,omitempty" jsonschema_description:"Auto-upgrades: [{version, percentage}]."`
	SupportsAgentless      *bool             `json:"supports_agentless,omitempty"`
	Agentless              json.RawMessage   `json:"agentless,omitempty" jsonschema_description:"{resources: {requests: {cpu, memory}}}"`
	Overrides              json.RawMessage   `json:"overrides,omitempty" jsonschema_description:"Raw keys over Fleet's policy."`
}

// RequiredVersion is an automatic upgrade target. Its schema is a bare
// object; agentPolicyMore.check enforces its members.
type RequiredVersion struct {
	Version    string   `json:"version"`
	Percentage *float64 `json:"percentage"`
}

// JSONSchemaAlias shows the target as a bare object.
func (RequiredVersion) JSONSchemaAlias() any { return json.RawMessage(nil) }

// monitoringHTTP is the agents' monitoring endpoint.
type monitoringHTTP struct {
	Enabled *bool    `json:"enabled,omitempty"`
	Host    string   `json:"host,omitempty"`
	Port    *float64 `json:"port,omitempty"`
	Buffer  *struct {
		Enabled *bool `json:"enabled,omitempty"`
	} `json:"buffer,omitempty"`
}

// monitoringDiagnostics limits the diagnostics the agents upload.
type monitoringDiagnostics struct {
	Limit *struct {
		Interval string   `json:"interval,omitempty"`
		Burst    *float64 `json:"burst,omitempty"`
	} `json:"limit,omitempty"`
	Uploader *struct {
		MaxRetries *float64 `json:"max_retries,omitempty"`
		InitDur    string   `json:"init_dur,omitempty"`
		MaxDur     string   `json:"max_dur,omitempty"`
	} `json:"uploader,omitempty"`
}

// agentlessSettings are an agentless policy's resources.
type agentlessSettings struct {
	Resources *struct {
		Requests *struct {
			CPU    string `json:"cpu,omitempty"`
			Memory string `json:"memory,omitempty"`
		} `json:"requests,omitempty"`
	} `json:"resources,omitempty"`
	CloudConnectors *struct {
		Enabled   *bool  `json:"enabled"`
		TargetCSP string `json:"target_csp,omitempty"`
	} `json:"cloud_connectors,omitempty"`
}

// check enforces the member shapes and Kibana's rules on upgrade targets:
// valid versions, each once, shares adding up to at most 100%.
func (m *agentPolicyMore) check() error {
	m.MonitoringHTTP, m.MonitoringDiagnostics = nullToNil(m.MonitoringHTTP), nullToNil(m.MonitoringDiagnostics)
	m.Agentless, m.Overrides = nullToNil(m.Agentless), nullToNil(m.Overrides)
	if m.MonitoringHTTP != nil {
		var h monitoringHTTP
		if err := decodeFleetObject("monitoring_http", m.MonitoringHTTP, &h); err != nil {
			return err
		}
		if h.Port != nil && (*h.Port < 0 || *h.Port > 65353 || *h.Port != math.Trunc(*h.Port)) {
			return &schema.ArgumentError{Field: "monitoring_http.port", Rule: fmt.Sprintf("must be a whole number from 0 to 65353, got %g", *h.Port)}
		}
	}
	if m.MonitoringDiagnostics != nil {
		if err := decodeFleetObject("monitoring_diagnostics", m.MonitoringDiagnostics, &monitoringDiagnostics{}); err != nil {
			return err
		}
	}
	if m.Agentless != nil {
		var a agentlessSettings
		if err := decodeFleetObject("agentless", m.Agentless, &a); err != nil {
			return err
		}
		if a.CloudConnectors != nil && a.CloudConnectors.Enabled == nil {
			return &schema.ArgumentError{Field: "agentless.cloud_connectors.enabled", Rule: "is required"}
		}
	}
	if m.Overrides != nil {
		if _, ok := rawObject(m.Overrides); !ok {
			return &schema.ArgumentError{Field: "overrides", Rule: "must be an object of policy keys, e.g. {\"agent\": {\"logging\": {\"level\": \"debug\"}}}"}
		}
	}
	total := 0.0
	seen := map[string]bool{}
	for i, v := range m.RequiredVersions {
		at := fmt.Sprintf("required_versions[%d]", i)
		switch {
		case !semverPattern.MatchString(v.Version):
			return &schema.ArgumentError{Field: at + ".version", Rule: fmt.Sprintf("must be an agent version such as 9.1.0, got %q", v.Version)}
		case seen[v.Version]:
			return &schema.ArgumentError{Field: at + ".version", Rule: fmt.Sprintf("%s is listed twice; give each version once", v.Version)}
		case v.Percentage == nil || *v.Percentage < 0 || *v.Percentage > 100:
			return &schema.ArgumentError{Field: at + ".percentage", Rule: "is required, from 0 to 100"}
		}
		seen[v.Version] = true
		total += *v.Percentage
	}
	if total > 100 {
		return &schema.ArgumentError{Field: "required_versions", Rule: fmt.Sprintf("percentages add up to %g; they must not exceed 100", total)}
	}
	return nil
}

// semverPattern is an agent version: major.minor.patch, with an optional
// pre-release or build suffix.
var semverPattern = regexp.MustCompile(`^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$`)

// GlobalDataTag is a field the agents add to every event. Its schema is a
// bare object described in prose; checkAgentPolicy enforces its members.
type GlobalDataTag struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// JSONSchemaAlias shows the tag as a bare object.
func (GlobalDataTag) JSONSchemaAlias() any { return json.RawMessage(nil) }

// AgentFeature turns an optional agent feature on or off. Its schema is a
// bare object described in prose; checkAgentPolicy enforces its members.
type AgentFeature struct {
	Name    string `json:"name"`
	Enabled *bool  `json:"enabled"`
}

// JSONSchemaAlias shows the feature as a bare object.
func (AgentFeature) JSONSchemaAlias() any { return json.RawMessage(nil) }

// agentAdvancedSettings are the keys Kibana accepts in advanced_settings.
var agentAdvancedSettings = []string{
	"agent_download_target_directory", "agent_download_timeout", "agent_limits_go_max_procs",
	"agent_logging_files_interval", "agent_logging_files_keepfiles", "agent_logging_files_rotateeverybytes",
	"agent_logging_level", "agent_logging_metrics_period", "agent_logging_to_files",
	"agent_monitoring_runtime_experimental",
}

// checkAgentPolicy enforces what Kibana requires of the members that
// create_agent_policy and update_agent_policy share.
func checkAgentPolicy(namespace string, tags []GlobalDataTag, advanced json.RawMessage, features []AgentFeature) error {
	if namespace != strings.ToLower(namespace) || strings.ContainsAny(namespace, "*\\/?\"<>|,#:- \t") {
		return &schema.ArgumentError{Field: "namespace", Rule: `must be lowercase without spaces or any of * \ / ? " < > | , # : -, e.g. default or prod_eu`}
	}
	for i, tag := range tags {
		at := fmt.Sprintf("global_data_tags[%d]", i)
		if strings.TrimSpace(tag.Name) == "" {
			return &schema.ArgumentError{Field: at + ".name", Rule: "is required"}
		}
		if slices.ContainsFunc(tags[:i], func(t GlobalDataTag) bool { return t.Name == tag.Name }) {
			return &schema.ArgumentError{Field: at + ".name", Rule: fmt.Sprintf("repeats %q", tag.Name)}
		}
		switch tag.Value.(type) {
		case string, float64:
		default:
			return &schema.ArgumentError{Field: at + ".value", Rule: "is required: a string or a number"}
		}
	}
	if advanced != nil {
		var settings map[string]json.RawMessage
		if err := json.Unmarshal(advanced, &settings); err != nil {
			return &schema.ArgumentError{Field: "advanced_settings", Rule: "must be an object"}
		}
		for _, key := range slices.Sorted(maps.Keys(settings)) {
			if !slices.Contains(agentAdvancedSettings, key) {
				return &schema.ArgumentError{Field: "advanced_settings." + key, Rule: "is not an agent setting; known: " + strings.Join(agentAdvancedSettings, ", ")}
			}
		}
	}
	for i, f := range features {
		at := fmt.Sprintf("agent_features[%d]", i)
		switch {
		case strings.TrimSpace(f.Name) == "":
			return &schema.ArgumentError{Field: at + ".name", Rule: "is required, e.g. fqdn"}
		case f.Enabled == nil:
			return &schema.ArgumentError{Field: at + ".enabled", Rule: "is required (true or false)"}
		}
	}
	return nil
}

// CreateDownloadSourceInput describes a new agent download source.
type CreateDownloadSourceInput struct {
	ID        string          `json:"id,omitempty" jsonschema_description:"Default: a new UUID."`
	Name      string          `json:"name" jsonschema:"required,minLength=1"`
	Host      string          `json:"host" jsonschema:"required,minLength=1" jsonschema_description:"Base URL of the binaries, e.g. https://artifacts.elastic.co/downloads/."`
	IsDefault bool            `json:"is_default,omitempty" jsonschema_description:"Make it the default, in place of the current one."`
	ProxyID   string          `json:"proxy_id,omitempty" jsonschema_description:"From find_proxies."`
	SSL       json.RawMessage `json:"ssl,omitempty" jsonschema_description:"{certificate, key, certificate_authorities: [PEM]}."`
	Secrets   json.RawMessage `json:"secrets,omitempty" jsonschema_description:"{ssl: {key}}: the key kept in the secret store, as PEM text or a stored secret's {id}."`
}

// Prepare checks the URL and the TLS settings.
func (in *CreateDownloadSourceInput) Prepare() error {
	in.SSL, in.Secrets = nullToNil(in.SSL), nullToNil(in.Secrets)
	return checkDownloadSource(in.Host, in.SSL, in.Secrets)
}

// UpdateDownloadSourceInput replaces a download source's settings.
type UpdateDownloadSourceInput struct {
	SourceID  string          `json:"sourceId" in:"path" jsonschema:"required"`
	Name      string          `json:"name" jsonschema:"required,minLength=1"`
	Host      string          `json:"host" jsonschema:"required,minLength=1" jsonschema_description:"Base URL of the binaries."`
	IsDefault bool            `json:"is_default,omitempty"`
	ProxyID   string          `json:"proxy_id,omitempty" jsonschema_description:"From find_proxies."`
	SSL       json.RawMessage `json:"ssl,omitempty" jsonschema_description:"{certificate, key, certificate_authorities: [PEM]}."`
	Secrets   json.RawMessage `json:"secrets,omitempty" jsonschema_description:"{ssl: {key}}: the key kept in the secret store, as PEM text or a stored secret's {id}."`
}

// Prepare checks the URL and the TLS settings.
func (in *UpdateDownloadSourceInput) Prepare() error {
	in.SSL, in.Secrets = nullToNil(in.SSL), nullToNil(in.Secrets)
	return checkDownloadSource(in.Host, in.SSL, in.Secrets)
}

// downloadSourceSSL is the TLS a download source may use.
type downloadSourceSSL struct {
	Certificate            string   `json:"certificate,omitempty"`
	CertificateAuthorities []string `json:"certificate_authorities,omitempty"`
	Key                    string   `json:"key,omitempty"`
}

func checkDownloadSource(host string, ssl, secrets json.RawMessage) error {
	if err := checkFleetURL("host", host); err != nil {
		return err
	}
	var tls downloadSourceSSL
	if ssl != nil {
		if err := decodeFleetObject("ssl", ssl, &tls); err != nil {
			return err
		}
	}
	return checkSSLSecrets(secrets, map[string]bool{"key": tls.Key != ""})
}

// fleetSSLSecrets are the TLS keys Fleet can keep in its secret store in
// place of ssl.<key>.
type fleetSSLSecrets struct {
	SSL *struct {
		Key      json.RawMessage `json:"key,omitempty"`
		ESKey    json.RawMessage `json:"es_key,omitempty"`
		AgentKey json.RawMessage `json:"agent_key,omitempty"`
	} `json:"ssl,omitempty"`
}

// checkSSLSecrets checks secrets.ssl: only the keys in plain (those the
// object has, true when also given in ssl), each a secret value, and none
// given in both places, which Kibana refuses.
func checkSSLSecrets(raw json.RawMessage, plain map[string]bool) error {
	if raw == nil {
		return nil
	}
	var sec fleetSSLSecrets
	if err := decodeFleetObject("secrets", raw, &sec); err != nil {
		return err
	}
	if sec.SSL == nil {
		return nil
	}
	for name, value := range map[string]json.RawMessage{"key": sec.SSL.Key, "es_key": sec.SSL.ESKey, "agent_key": sec.SSL.AgentKey} {
		if value == nil {
			continue
		}
		inSSL, known := plain[name]
		switch {
		case !known:
			return &schema.ArgumentError{Field: "secrets.ssl." + name, Rule: "is not a secret of this object"}
		case inSSL:
			return &schema.ArgumentError{Field: "secrets.ssl." + name, Rule: "give the key once: in ssl." + name + " or here, not both"}
		}
		if err := checkSecretValue("secrets.ssl."+name, value); err != nil {
			return err
		}
	}
	return nil
}

// checkSecretValue accepts what Fleet takes for a secret: the value as a
// string, or {id} (and its hash) of a secret already stored.
func checkSecretValue(field string, raw json.RawMessage) error {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		if text == "" {
			return &schema.ArgumentError{Field: field, Rule: "must not be empty"}
		}
		return nil
	}
	var ref struct {
		ID   string `json:"id"`
		Hash string `json:"hash,omitempty"`
	}
	if err := decodeFleetObject(field, raw, &ref); err != nil || ref.ID == "" {
		return &schema.ArgumentError{Field: field, Rule: "must be the secret as a string, or {\"id\": \"<stored secret id>\"}"}
	}
	return nil
}

// checkFleetURL requires an absolute http or https URL.
func checkFleetURL(field, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("must be an http or https URL with a host, got %q", s)}
	}
	return nil
}

// decodeFleetObject strictly decodes an object argument shown as a bare
// object into dst, naming an unknown or mistyped member by its path.
func decodeFleetObject(field string, raw json.RawMessage, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return &schema.ArgumentError{Field: field + "." + typeErr.Field, Rule: "must be " + fleetJSONKind(typeErr.Type) + ", not a JSON " + typeErr.Value}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &schema.ArgumentError{Field: field + "." + strings.Trim(name, `"`), Rule: "is not a known member; known: " + strings.Join(fleetMemberNames(dst), ", ")}
	}
	return &schema.ArgumentError{Field: field, Rule: "must be an object: " + strings.TrimPrefix(err.Error(), "json: ")}
}

// fleetJSONKind names the JSON kind a Go type decodes from.
func fleetJSONKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "an array"
	}
	return "an object"
}

// fleetMemberNames lists the JSON member names of the struct dst points to.
func fleetMemberNames(dst any) []string {
	t := reflect.TypeOf(dst).Elem()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		names = append(names, schema.JSONName(t.Field(i)))
	}
	slices.Sort(names)
	return names
}

// UpdateFleetServerHostInput changes a Fleet Server host entry. Kibana
// requires proxy_id on every update and clears the proxy when it is null,
// so it is always sent.
type UpdateFleetServerHostInput struct {
	ItemID     string          `json:"itemId" in:"path" jsonschema:"required"`
	Name       string          `json:"name,omitempty" jsonschema:"minLength=1"`
	HostURLs   []string        `json:"host_urls,omitempty" jsonschema:"minItems=1,maxItems=10" jsonschema_description:"E.g. https://fleet.example.com:8220."`
	IsDefault  *bool           `json:"is_default,omitempty"`
	ProxyID    *string         `json:"proxy_id" jsonschema_description:"From find_proxies; omitted removes the proxy."`
	SSL        json.RawMessage `json:"ssl,omitempty" jsonschema_description:"{certificate, key, certificate_authorities: [PEM], client_auth: none|optional|required; es_ and agent_ variants of the first three}."`
	Secrets    json.RawMessage `json:"secrets,omitempty" jsonschema_description:"{ssl: {key, es_key, agent_key}} kept in the secret store, each PEM text or a stored secret's {id}."`
	IsInternal *bool           `json:"is_internal,omitempty" jsonschema_description:"Hide it from the Fleet UI."`
}

// fleetServerHostSSL is the TLS of a Fleet Server host entry.
type fleetServerHostSSL struct {
	Certificate                 string   `json:"certificate,omitempty"`
	CertificateAuthorities      []string `json:"certificate_authorities,omitempty"`
	Key                         string   `json:"key,omitempty"`
	ESCertificate               string   `json:"es_certificate,omitempty"`
	ESCertificateAuthorities    []string `json:"es_certificate_authorities,omitempty"`
	ESKey                       string   `json:"es_key,omitempty"`
	AgentCertificate            string   `json:"agent_certificate,omitempty"`
	AgentCertificateAuthorities []string `json:"agent_certificate_authorities,omitempty"`
	AgentKey                    string   `json:"agent_key,omitempty"`
	ClientAuth                  string   `json:"client_auth,omitempty"`
}

// Prepare refuses an update that names nothing to change and checks the
// URLs and TLS settings.
func (in *UpdateFleetServerHostInput) Prepare() error {
	in.SSL, in.Secrets = nullToNil(in.SSL), nullToNil(in.Secrets)
	if in.Name == "" && in.HostURLs == nil && in.IsDefault == nil && in.ProxyID == nil && in.SSL == nil && in.Secrets == nil && in.IsInternal == nil {
		return &schema.ArgumentError{Rule: "give at least one of name, host_urls, is_default, proxy_id, ssl, secrets or is_internal"}
	}
	for i, u := range in.HostURLs {
		if err := checkFleetURL(fmt.Sprintf("host_urls[%d]", i), u); err != nil {
			return err
		}
	}
	return checkServerHostTLS(in.SSL, in.Secrets)
}

// checkServerHostTLS checks a Fleet Server host's ssl and secrets members.
func checkServerHostTLS(raw, secrets json.RawMessage) error {
	var ssl fleetServerHostSSL
	if raw != nil {
		if err := decodeFleetObject("ssl", raw, &ssl); err != nil {
			return err
		}
		if ssl.ClientAuth != "" && !slices.Contains([]string{"none", "optional", "required"}, ssl.ClientAuth) {
			return &schema.ArgumentError{Field: "ssl.client_auth", Rule: fmt.Sprintf("must be none, optional or required, got %q", ssl.ClientAuth)}
		}
	}
	return checkSSLSecrets(secrets, map[string]bool{"key": ssl.Key != "", "es_key": ssl.ESKey != "", "agent_key": ssl.AgentKey != ""})
}

// createOutputPath is where outputs are created; create_output builds its own
// request, as its type-specific settings are members of the body itself.
const createOutputPath = "/api/fleet/outputs"

// CreateOutputInput describes a new output. Its type's own members come in
// settings and are merged into the body (see request).
type CreateOutputInput struct {
	ID    string   `json:"id,omitempty" jsonschema_description:"Default: a new UUID."`
	Name  string   `json:"name" jsonschema:"required,minLength=1"`
	Type  string   `json:"type" jsonschema:"required,enum=elasticsearch,enum=remote_elasticsearch,enum=logstash,enum=kafka"`
	Hosts []string `json:"hosts" jsonschema:"required,minItems=1,maxItems=50,minLength=1" jsonschema_description:"URLs (https://es.example.com:9200) for Elasticsearch types; host:port for logstash and kafka."`
	outputFields
}

// outputFields are the members of an output that create_output and
// update_output take alike; Prepare (check) and the body (outputBody) are
// shared too.
type outputFields struct {
	IsDefault            bool            `json:"is_default,omitempty" jsonschema_description:"Make it the default for agent data: policies without their own output switch to it."`
	IsDefaultMonitoring  bool            `json:"is_default_monitoring,omitempty" jsonschema_description:"The same for monitoring data."`
	ProxyID              string          `json:"proxy_id,omitempty" jsonschema_description:"From find_proxies."`
	CATrustedFingerprint string          `json:"ca_trusted_fingerprint,omitempty" jsonschema_description:"SHA-256 of the CA, 64 hex digits."`
	ConfigYAML           string          `json:"config_yaml,omitempty" jsonschema_description:"Advanced settings as YAML text."`
	Preset               string          `json:"preset,omitempty" jsonschema:"enum=balanced,enum=custom,enum=throughput,enum=scale,enum=latency" jsonschema_description:"Elasticsearch types only."`
	SSL                  json.RawMessage `json:"ssl,omitempty" jsonschema_description:"{certificate, key, certificate_authorities: [PEM], verification_mode: full|none|certificate|strict}."`
	Secrets              json.RawMessage `json:"secrets,omitempty" jsonschema_description:"Kept in Kibana's secret store, each the value or a stored secret's {id}: {ssl: {key}}, kafka {password}, remote_elasticsearch {service_token}."`
	Settings             json.RawMessage `json:"settings,omitempty" jsonschema_description:"The type's own members. kafka: auth_type (none|user_pass|ssl|kerberos; required), topic, username, password, sasl {mechanism}, partition (random|round_robin|hash) with random/round_robin/hash {...}, compression (gzip|snappy|lz4|none), compression_level, required_acks (1|0|-1), client_id, version, key, headers [{key, value}], timeout, broker_timeout, connection_type. remote_elasticsearch: service_token, kibana_url, kibana_api_key, sync_integrations, sync_uninstalled_integrations. Both Elasticsearch types: write_to_logs_streams. All: ca_sha256, shipper {disk_queue_*, mem_queue_events, queue_flush_timeout, max_batch_bytes, compression_level, loadbalance}."`
}

// outputSettings are the members each output type takes in settings.
var outputSettings = map[string][]string{
	"elasticsearch":        {"ca_sha256", "shipper", "write_to_logs_streams"},
	"remote_elasticsearch": {"ca_sha256", "kibana_api_key", "kibana_url", "service_token", "shipper", "sync_integrations", "sync_uninstalled_integrations", "write_to_logs_streams"},
	"logstash":             {"ca_sha256", "shipper"},
	"kafka": {"auth_type", "broker_timeout", "ca_sha256", "client_id", "compression", "compression_level", "connection_type", "hash", "headers",
		"key", "partition", "password", "random", "required_acks", "round_robin", "sasl", "shipper", "timeout", "topic", "username", "version"},
}

// outputShipper tunes the agent's queue and batching for an output.
type outputShipper struct {
	CompressionLevel            *float64 `json:"compression_level,omitempty"`
	DiskQueueCompressionEnabled *bool    `json:"disk_queue_compression_enabled,omitempty"`
	DiskQueueEnabled            *bool    `json:"disk_queue_enabled,omitempty"`
	DiskQueueEncryptionEnabled  *bool    `json:"disk_queue_encryption_enabled,omitempty"`
	DiskQueueMaxSize            *float64 `json:"disk_queue_max_size,omitempty"`
	DiskQueuePath               *string  `json:"disk_queue_path,omitempty"`
	Loadbalance                 *bool    `json:"loadbalance,omitempty"`
	MaxBatchBytes               *float64 `json:"max_batch_bytes,omitempty"`
	MemQueueEvents              *float64 `json:"mem_queue_events,omitempty"`
	QueueFlushTimeout           *float64 `json:"queue_flush_timeout,omitempty"`
}

// outputSSL is the TLS of an output.
type outputSSL struct {
	Certificate            string   `json:"certificate,omitempty"`
	CertificateAuthorities []string `json:"certificate_authorities,omitempty"`
	Key                    string   `json:"key,omitempty"`
	VerificationMode       string   `json:"verification_mode,omitempty"`
}

// outputSecrets are the values an output keeps in the secret store; each
// is the value itself or a stored secret's {id}.
type outputSecrets struct {
	SSL *struct {
		Key json.RawMessage `json:"key,omitempty"`
	} `json:"ssl,omitempty"`
	Password     json.RawMessage `json:"password,omitempty"`
	ServiceToken json.RawMessage `json:"service_token,omitempty"`
}

// kafkaSettings are the Kafka members Prepare checks beyond their names.
type kafkaSettings struct {
	AuthType         string   `json:"auth_type"`
	Username         string   `json:"username"`
	Password         string   `json:"password"`
	Topic            string   `json:"topic"`
	ClientID         string   `json:"client_id"`
	Version          string   `json:"version"`
	Key              string   `json:"key"`
	CompressionLevel *int     `json:"compression_level"`
	Timeout          *float64 `json:"timeout"`
	BrokerTimeout    *float64 `json:"broker_timeout"`
	Partition        string   `json:"partition"`
	Compression      string   `json:"compression"`
	RequiredAcks     *int     `json:"required_acks"`
	ConnectionType   string   `json:"connection_type"`
	SASL             *struct {
		Mechanism string `json:"mechanism"`
	} `json:"sasl"`
	Headers []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"headers"`
}

// Prepare checks the hosts against the type, and the members shown as bare
// objects, as far as Kibana's own rules for each type go.
func (in *CreateOutputInput) Prepare() error { return in.check(in.Type, in.Hosts, false) }

// check checks the members against the output's type and hosts (the
// hosts given, for an update that changes them). An update (partial) may
// leave out what a new output must have.
func (in *outputFields) check(typ string, hosts []string, partial bool) error {
	in.SSL, in.Secrets, in.Settings = nullToNil(in.SSL), nullToNil(in.Secrets), nullToNil(in.Settings)
	elasticsearch := typ == "elasticsearch" || typ == "remote_elasticsearch"
	for i, h := range hosts {
		field := fmt.Sprintf("hosts[%d]", i)
		if elasticsearch {
			if err := checkFleetURL(field, h); err != nil {
				return err
			}
			continue
		}
		if _, port, err := net.SplitHostPort(h); err != nil || port == "" || strings.Contains(h, "/") {
			return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("must be host:port without a scheme for %s, e.g. %s.example.com:%s, got %q", typ, typ, map[string]string{"logstash": "5044", "kafka": "9092"}[typ], h)}
		}
	}
	if in.Preset != "" && !elasticsearch {
		return &schema.ArgumentError{Field: "preset", Rule: "applies only to elasticsearch and remote_elasticsearch outputs"}
	}
	var ssl outputSSL
	if in.SSL != nil {
		if err := decodeFleetObject("ssl", in.SSL, &ssl); err != nil {
			return err
		}
		if m := ssl.VerificationMode; m != "" && !slices.Contains([]string{"full", "none", "certificate", "strict"}, m) {
			return &schema.ArgumentError{Field: "ssl.verification_mode", Rule: fmt.Sprintf("must be full, none, certificate or strict, got %q", m)}
		}
	}
	settings := map[string]json.RawMessage{}
	if in.Settings != nil {
		if err := json.Unmarshal(in.Settings, &settings); err != nil {
			return &schema.ArgumentError{Field: "settings", Rule: "must be an object"}
		}
	}
	secrets, err := in.checkSecrets(typ, ssl, settings)
	if err != nil {
		return err
	}
	if raw := nullToNil(settings["shipper"]); raw != nil {
		if err := decodeFleetObject("settings.shipper", raw, &outputShipper{}); err != nil {
			return err
		}
	}
	allowed := outputSettings[typ]
	for _, key := range slices.Sorted(maps.Keys(settings)) {
		if !slices.Contains(allowed, key) {
			return &schema.ArgumentError{Field: "settings." + key, Rule: fmt.Sprintf("is not a setting of %s outputs; known: %s", typ, strings.Join(allowed, ", "))}
		}
	}
	if typ == "kafka" {
		return checkKafkaSettings(in.Settings, secrets.Password != nil, partial)
	}
	return nil
}

// completeShipper sends every shipper member, the ones not given as null:
// Kibana reads a missing one as null, but the published schema lists them
// all as required.
func completeShipper(raw json.RawMessage) json.RawMessage {
	var shipper map[string]any
	if json.Unmarshal(raw, &shipper) != nil {
		return raw
	}
	for _, name := range fleetMemberNames(&outputShipper{}) {
		if _, given := shipper[name]; !given {
			shipper[name] = nil
		}
	}
	out, err := json.Marshal(shipper)
	if err != nil {
		return raw
	}
	return out
}

// checkSecrets checks secrets against the output's type: each value a
// secret, and nothing given both as a secret and in plain text.
func (in *outputFields) checkSecrets(typ string, ssl outputSSL, settings map[string]json.RawMessage) (outputSecrets, error) {
	var secrets outputSecrets
	if in.Secrets == nil {
		return secrets, nil
	}
	if err := decodeFleetObject("secrets", in.Secrets, &secrets); err != nil {
		return secrets, err
	}
	for _, s := range []struct {
		name, plain, onlyFor string
		value                json.RawMessage
	}{
		{"password", "settings.password", "kafka", secrets.Password},
		{"service_token", "settings.service_token", "remote_elasticsearch", secrets.ServiceToken},
	} {
		switch {
		case s.value == nil:
			continue
		case typ != s.onlyFor:
			return secrets, &schema.ArgumentError{Field: "secrets." + s.name, Rule: "applies only to " + s.onlyFor + " outputs"}
		case settings[s.name] != nil:
			return secrets, &schema.ArgumentError{Field: "secrets." + s.name, Rule: "give it once: in " + s.plain + " or here, not both"}
		}
		if err := checkSecretValue("secrets."+s.name, s.value); err != nil {
			return secrets, err
		}
	}
	if secrets.SSL != nil {
		switch {
		case secrets.SSL.Key == nil:
			return secrets, &schema.ArgumentError{Field: "secrets.ssl.key", Rule: "is required when secrets.ssl is given"}
		case ssl.Key != "":
			return secrets, &schema.ArgumentError{Field: "secrets.ssl.key", Rule: "give the key once: in ssl.key or here, not both"}
		}
		if err := checkSecretValue("secrets.ssl.key", secrets.SSL.Key); err != nil {
			return secrets, err
		}
	}
	return secrets, nil
}

// checkKafkaSettings enforces the enums and the conditions Kibana puts on a
// Kafka output's members; an update (partial) may keep the stored auth_type.
func checkKafkaSettings(raw json.RawMessage, passwordSecret, partial bool) error {
	var k kafkaSettings
	if raw != nil {
		if err := json.Unmarshal(raw, &k); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				return &schema.ArgumentError{Field: "settings." + typeErr.Field, Rule: "must be " + fleetJSONKind(typeErr.Type) + ", not a JSON " + typeErr.Value}
			}
			return &schema.ArgumentError{Field: "settings", Rule: "must be an object"}
		}
	}
	oneOf := func(field, value string, allowed ...string) error {
		if value == "" || slices.Contains(allowed, value) {
			return nil
		}
		return &schema.ArgumentError{Field: "settings." + field, Rule: fmt.Sprintf("must be one of %s, got %q", strings.Join(allowed, ", "), value)}
	}
	switch {
	case k.AuthType == "" && !partial:
		return &schema.ArgumentError{Field: "settings.auth_type", Rule: "is required for kafka outputs: none, user_pass, ssl or kerberos"}
	case k.AuthType == "user_pass" && k.Username == "":
		return &schema.ArgumentError{Field: "settings.username", Rule: "is required when auth_type is user_pass"}
	case k.AuthType == "user_pass" && k.Password == "" && !passwordSecret:
		return &schema.ArgumentError{Field: "settings.password", Rule: "is required when auth_type is user_pass (or give secrets.password)"}
	case k.ConnectionType != "" && k.AuthType != "none" && (k.AuthType != "" || !partial):
		return &schema.ArgumentError{Field: "settings.connection_type", Rule: "applies only when auth_type is none"}
	case k.RequiredAcks != nil && (*k.RequiredAcks < -1 || *k.RequiredAcks > 1):
		return &schema.ArgumentError{Field: "settings.required_acks", Rule: fmt.Sprintf("must be 1 (leader), 0 (none) or -1 (all replicas), got %d", *k.RequiredAcks)}
	}
	for _, err := range []error{
		oneOf("auth_type", k.AuthType, "none", "user_pass", "ssl", "kerberos"),
		oneOf("partition", k.Partition, "random", "round_robin", "hash"),
		oneOf("compression", k.Compression, "gzip", "snappy", "lz4", "none"),
		oneOf("connection_type", k.ConnectionType, "plaintext", "encryption"),
	} {
		if err != nil {
			return err
		}
	}
	if k.SASL != nil {
		if err := oneOf("sasl.mechanism", k.SASL.Mechanism, "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"); err != nil {
			return err
		}
	}
	for i, h := range k.Headers {
		if h.Key == "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("settings.headers[%d].key", i), Rule: "is required"}
		}
	}
	return nil
}

// Request builds the body: the declared members, then the type's settings
// as members of the body itself.
func (in *CreateOutputInput) Request() (*kibana.Request, error) {
	type plain CreateOutputInput
	base := plain(*in)
	base.Settings = nil
	body, err := outputBody(base, in.Settings)
	if err != nil {
		return nil, err
	}
	return &kibana.Request{
		Method:     http.MethodPost,
		Path:       createOutputPath,
		APIVersion: operation.V20231031,
		Mutates:    true,
		Body:       body,
	}, nil
}

// outputBody is base's JSON object with settings' members added to it.
func outputBody(base any, settings json.RawMessage) ([]byte, error) {
	body, err := json.Marshal(base)
	if err != nil {
		return nil, err
	}
	if settings == nil {
		return body, nil
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(settings, &members); err != nil {
		return nil, &schema.ArgumentError{Field: "settings", Rule: "must be an object"}
	}
	if raw := nullToNil(members["shipper"]); raw != nil {
		members["shipper"] = completeShipper(raw)
	}
	var b bytes.Buffer
	b.Write(body[:len(body)-1])
	for _, key := range slices.Sorted(maps.Keys(members)) {
		name, _ := json.Marshal(key)
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		b.Write(name)
		b.WriteByte(':')
		if err := json.Compact(&b, members[key]); err != nil {
			return nil, &schema.ArgumentError{Field: "settings." + key, Rule: err.Error()}
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
