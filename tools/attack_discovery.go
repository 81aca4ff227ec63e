package tools

import (
	"net/http"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

// Attack discovery: generating, finding and dismissing discoveries, and their schedules (/api/attack_discovery/*).
// A discovery is an attack chain an LLM found in the alerts, with the ids
// of the alerts behind it. Inputs are in attack_discovery_inputs.go.
var attackDiscoveryOperations = []*operation.Operation{
	{
		Name:        "generate_attack_discovery",
		Title:       "Generate attack discoveries",
		Description: "Have an AI connector look for attack chains in recent alerts; follow with get_attack_discovery_generation and the execution_uuid.",
		Toolset:     "attack_discovery",
		Method:      http.MethodPost,
		Path:        "/api/attack_discovery/_generate",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		OpenWorld:   true,
		Input:       GenerateAttackDiscoveryInput{},
		Examples: []string{
			`{"apiConfig":{"connectorId":"` + sandboxADConnectorID + `","actionTypeId":".gen-ai"},"alertsIndexPattern":".alerts-security.alerts-default","anonymizationFields":[{"id":"adf-host-name","field":"host.name","allowed":true,"anonymized":true},{"id":"adf-rule-name","field":"kibana.alert.rule.name","allowed":true,"anonymized":false}],"size":100,"subAction":"invokeAI"}`,
			`{"apiConfig":{"connectorId":"` + sandboxADSocConnectorID + `","actionTypeId":".bedrock","model":"us.anthropic.claude-3-7-sonnet-20250219-v1:0","provider":"Other","defaultSystemPromptId":"default-system-prompt"},"alertsIndexPattern":".alerts-security.alerts-soc","anonymizationFields":[{"id":"adf-user-name","field":"user.name","allowed":true,"anonymized":true,"namespace":"soc","timestamp":"2025-07-30T13:33:44.029Z","createdAt":"2025-07-30T13:33:44.029Z","createdBy":"elastic","updatedAt":"2025-07-30T13:33:44.029Z","updatedBy":"elastic"}],"size":50,"subAction":"invokeStream","connectorName":"Claude 3.7 Sonnet (Bedrock)","start":"now-3d","end":"now","filter":{"bool":{"filter":[{"term":{"host.name":"bkp-01"}}]}},"model":"us.anthropic.claude-3-7-sonnet-20250219-v1:0","replacements":{"5f1c2b0e-0000-4000-8000-000000000001":"svc-backup"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_attack_discoveries",
		Title:       "Find attack discoveries",
		Description: "Search attack discoveries (AI-found attack chains with their alert ids) by time, status, alert, connector or text.",
		Toolset:     "attack_discovery",
		Method:      http.MethodGet,
		Path:        "/api/attack_discovery/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindAttackDiscoveriesInput{},
		Examples: []string{
			`{}`,
			`{"alert_ids":["` + sandboxADAlertID + `"],"connector_names":["OpenAI GPT-4o"],"enable_field_rendering":true,"end":"now","ids":["` + sandboxADDiscoveryID + `"],"include_unique_alert_ids":true,"page":1,"per_page":20,"search":"ransomware","shared":true,"sort_field":"@timestamp","sort_order":"asc","start":"now-7d","status":["open","acknowledged"],"with_replacements":false,"space_id":"default"}`,
		},
	},
	{
		Name:        "list_attack_discovery_generations",
		Title:       "List attack discovery generations",
		Description: "List your recent attack discovery runs (not dismissed) with status, alert and discovery counts.",
		Toolset:     "attack_discovery",
		Method:      http.MethodGet,
		Path:        "/api/attack_discovery/generations",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       ListAttackDiscoveryGenerationsInput{},
		Examples: []string{
			`{}`,
			`{"size":10,"start":"now-7d","end":"now","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_attack_discovery_generation",
		Title:       "Get attack discovery generation",
		Description: "Fetch one attack discovery run: its status and the discoveries it produced.",
		Toolset:     "attack_discovery",
		Method:      http.MethodGet,
		Path:        "/api/attack_discovery/generations/{execution_uuid}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetAttackDiscoveryGenerationInput{},
		Examples: []string{
			`{"execution_uuid":"` + sandboxADGenerationID + `"}`,
			`{"execution_uuid":"` + sandboxADGenerationID + `","enable_field_rendering":true,"with_replacements":false,"space_id":"default"}`,
		},
	},
	{
		Name:        "dismiss_attack_discovery_generation",
		Title:       "Dismiss attack discovery generation",
		Description: "Mark an attack discovery run dismissed so generation lists skip it; its discoveries stay.",
		Toolset:     "attack_discovery",
		Method:      http.MethodPost,
		Path:        "/api/attack_discovery/generations/{execution_uuid}/_dismiss",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Input:       DismissAttackDiscoveryGenerationInput{},
		Examples: []string{
			`{"execution_uuid":"` + sandboxADGenerationID + `"}`,
			`{"execution_uuid":"` + sandboxADGenerationID + `","space_id":"default"}`,
		},
	},
	{
		Name:        "bulk_update_attack_discoveries",
		Title:       "Bulk update attack discoveries",
		Description: "Set the workflow status and/or sharing of several attack discoveries, replacing what they had.",
		Toolset:     "attack_discovery",
		Method:      http.MethodPost,
		Path:        "/api/attack_discovery/_bulk",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       BulkUpdateAttackDiscoveriesInput{},
		Examples: []string{
			`{"update":{"ids":["` + sandboxADDiscoveryID + `"],"kibana_alert_workflow_status":"closed"}}`,
			`{"update":{"ids":["` + sandboxADDiscoveryID + `","` + sandboxADDiscovery2ID + `"],"kibana_alert_workflow_status":"acknowledged","visibility":"shared","enable_field_rendering":true,"with_replacements":false},"space_id":"default"}`,
		},
	},
	{
		Name:        "create_attack_discovery_schedule",
		Title:       "Create attack discovery schedule",
		Description: "Schedule attack discovery to run at an interval with an AI connector, optionally notifying through connectors.",
		Toolset:     "attack_discovery",
		Method:      http.MethodPost,
		Path:        "/api/attack_discovery/schedules",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateAttackDiscoveryScheduleInput{},
		Examples: []string{
			`{"name":"Hourly ransomware watch","params":{"alerts_index_pattern":".alerts-security.alerts-default","api_config":{"connectorId":"` + sandboxADConnectorID + `","actionTypeId":".gen-ai","name":"OpenAI GPT-4o"},"size":100},"schedule":{"interval":"1h"}}`,
			`{"name":"Nightly deep dive","enabled":true,"params":{"alerts_index_pattern":".alerts-security.alerts-default","api_config":{"connectorId":"` + sandboxADConnectorID + `","actionTypeId":".gen-ai","name":"OpenAI GPT-4o","model":"gpt-4o","provider":"OpenAI","defaultSystemPromptId":"default-system-prompt"},"size":200,"start":"now-24h","end":"now","query":{"query":"host.name:fs-02","language":"kuery"},"filters":[{"meta":{"disabled":false},"query":{"match_phrase":{"kibana.alert.severity":"critical"}}}],"combined_filter":{"bool":{"must":[],"filter":[],"should":[],"must_not":[]}}},"schedule":{"interval":"24h"},"actions":[{"action_type_id":".slack","id":"preconfigured-slack","group":"default","uuid":"3c1f9a2e-0000-4000-8000-000000000001","params":{"message":"{{context.attack.title}}"},"alerts_filter":{"query":{"kql":"","filters":[]}},"frequency":{"summary":true,"notify_when":"onThrottleInterval","throttle":"1d"}}],"space_id":"default"}`,
		},
	},
	{
		Name:        "find_attack_discovery_schedules",
		Title:       "Find attack discovery schedules",
		Description: "List attack discovery schedules with their connector, interval and enabled state.",
		Toolset:     "attack_discovery",
		Method:      http.MethodGet,
		Path:        "/api/attack_discovery/schedules/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindAttackDiscoverySchedulesInput{},
		Examples: []string{
			`{}`,
			`{"page":1,"per_page":20,"sort_field":"name","sort_direction":"desc","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_attack_discovery_schedule",
		Title:       "Get attack discovery schedule",
		Description: "Fetch one attack discovery schedule.",
		Toolset:     "attack_discovery",
		Method:      http.MethodGet,
		Path:        "/api/attack_discovery/schedules/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       AttackDiscoveryScheduleRef{},
		Examples: []string{
			`{"id":"` + sandboxADScheduleID + `"}`,
			`{"id":"` + sandboxADScheduleID + `","space_id":"default"}`,
		},
	},
	{
		Name:        "update_attack_discovery_schedule",
		Title:       "Update attack discovery schedule",
		Description: "Replace an attack discovery schedule's name, params, interval and actions ([] removes all actions).",
		Toolset:     "attack_discovery",
		Method:      http.MethodPut,
		Path:        "/api/attack_discovery/schedules/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateAttackDiscoveryScheduleInput{},
		Examples: []string{
			`{"id":"` + sandboxADScheduleID + `","name":"Twice-daily attack discovery","params":{"alerts_index_pattern":".alerts-security.alerts-default","api_config":{"connectorId":"` + sandboxADConnectorID + `","actionTypeId":".gen-ai","name":"OpenAI GPT-4o"},"size":100},"schedule":{"interval":"12h"},"actions":[]}`,
			`{"id":"` + sandboxADScheduleID + `","name":"Daily attack discovery","params":{"alerts_index_pattern":".alerts-security.alerts-default","api_config":{"connectorId":"` + sandboxADConnectorID + `","actionTypeId":".gen-ai","name":"OpenAI GPT-4o","model":"gpt-4o","provider":"Azure OpenAI","defaultSystemPromptId":"default-system-prompt"},"size":150,"start":"now-48h","end":"now","query":{"query":{"bool":{"filter":[]}},"language":"kuery"},"filters":[],"combined_filter":{"bool":{"filter":[]}}},"schedule":{"interval":"24h"},"actions":[{"action_type_id":".cases","id":"system-connector-.cases","params":{"subAction":"run","subActionParams":{"timeWindow":"7d","reopenClosedCases":false,"groupingBy":[],"templateId":null}},"uuid":"3c1f9a2e-0000-4000-8000-000000000002"}],"space_id":"default"}`,
		},
	},
	{
		Name:        "delete_attack_discovery_schedule",
		Title:       "Delete attack discovery schedule",
		Description: "Permanently delete an attack discovery schedule; discoveries it found stay.",
		Toolset:     "attack_discovery",
		Method:      http.MethodDelete,
		Path:        "/api/attack_discovery/schedules/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       AttackDiscoveryScheduleRef{},
		Examples: []string{
			`{"id":"` + sandboxADScheduleID + `"}`,
			`{"id":"` + sandboxADScheduleID + `","space_id":"default"}`,
		},
	},
	{
		Name:        "enable_attack_discovery_schedule",
		Title:       "Enable attack discovery schedule",
		Description: "Start running an attack discovery schedule at its interval.",
		Toolset:     "attack_discovery",
		Method:      http.MethodPost,
		Path:        "/api/attack_discovery/schedules/{id}/_enable",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       AttackDiscoveryScheduleRef{},
		Examples: []string{
			`{"id":"` + sandboxADScheduleID + `"}`,
			`{"id":"` + sandboxADScheduleID + `","space_id":"default"}`,
		},
	},
	{
		Name:        "disable_attack_discovery_schedule",
		Title:       "Disable attack discovery schedule",
		Description: "Stop an attack discovery schedule from running; its settings are kept.",
		Toolset:     "attack_discovery",
		Method:      http.MethodPost,
		Path:        "/api/attack_discovery/schedules/{id}/_disable",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       AttackDiscoveryScheduleRef{},
		Examples: []string{
			`{"id":"` + sandboxADScheduleID + `"}`,
			`{"id":"` + sandboxADScheduleID + `","space_id":"default"}`,
		},
	},
}

// Objects the seeded sandbox (seed 1) has, for the examples: the default
// space's AI connector, generation, schedule, discoveries and an alert of
// the first one, and the soc space's AI connector.
const (
	sandboxADConnectorID    = "4d724b85-8bee-4b1c-8cd7-bb422781dd9b"
	sandboxADSocConnectorID = "f4930984-cb68-4d96-8ebd-33db35d9a099"
	sandboxADGenerationID   = "4f9182bd-e2f5-495b-8758-610d9ac251f8"
	sandboxADScheduleID     = "6a2414a9-975c-4190-8aff-ddfa7e26d66f"
	sandboxADDiscoveryID    = "8d845b8bdb6b4e286089f745f9f6b966ed5123da1ed0bfa19d9f5c1b4e8d4d48"
	sandboxADDiscovery2ID   = "a97256e26d230ef7bb538aaba520c5d047a6cdd31a31a91637914f1fa72f9748"
	sandboxADAlertID        = "b8830acf5294d5ebb12b5cae06982b676ff689e0262d6bde9f61ed8cedbee91a"
)
