package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
)

// TestAttackDiscoveryExamplesSucceed runs every example of the toolset
// against a fresh seeded sandbox: each must succeed, not merely be well
// formed.
func TestAttackDiscoveryExamplesSucceed(t *testing.T) {
	for _, op := range All() {
		if op.Toolset != "attack_discovery" {
			continue
		}
		for i, ex := range op.Examples {
			_, client := sandboxtest.New(t, nil)
			if isErr, texts := callFlow(t, client, op.Name, ex); isErr {
				t.Errorf("%s example %d failed: %v", op.Name, i, texts)
			}
		}
	}
}

// TestAttackDiscoveryArgumentChecks pins the cross-field checks, with the
// exact message the model reads.
func TestAttackDiscoveryArgumentChecks(t *testing.T) {
	const gen = `"alertsIndexPattern":".alerts-security.alerts-default","size":10,"subAction":"invokeAI"`
	const api = `"apiConfig":{"connectorId":"c","actionTypeId":".gen-ai"}`
	const fields = `"anonymizationFields":[{"id":"a","field":"host.name","allowed":true,"anonymized":true}]`
	const params = `"params":{"alerts_index_pattern":".alerts-security.alerts-default","api_config":{"connectorId":"c","actionTypeId":".gen-ai","name":"GPT"},"size":10}`
	const sched = `"schedule":{"interval":"24h"}`
	for _, c := range []struct{ tool, args, want string }{
		{"generate_attack_discovery", `{"apiConfig":{"actionTypeId":".gen-ai"},` + fields + `,` + gen + `}`, `invalid argument "apiConfig.connectorId": is required: the id of an AI connector (find_connectors)`},
		{"generate_attack_discovery", `{"apiConfig":{"connectorId":"c","actionTypeId":".slack"},` + fields + `,` + gen + `}`, `invalid argument "apiConfig.actionTypeId": must be the AI connector's type: one of .gen-ai, .bedrock, .gemini, .inference, got ".slack"`},
		{"generate_attack_discovery", `{"apiConfig":{"connectorId":"c","actionTypeId":".gen-ai","provider":"Anthropic"},` + fields + `,` + gen + `}`, `invalid argument "apiConfig.provider": must be one of OpenAI, Azure OpenAI, Other, got "Anthropic"`},
		{"generate_attack_discovery", `{` + api + `,"anonymizationFields":[{"field":"host.name"}],` + gen + `}`, `invalid argument "anonymizationFields[0].id": is required: the field's id from find_anonymization_fields`},
		{"generate_attack_discovery", `{` + api + `,"anonymizationFields":[{"id":"a","field":"host.name"},{"id":"b","field":" "}],` + gen + `}`, `invalid argument "anonymizationFields[1].field": is required: the alert field name, e.g. host.name`},
		{"bulk_update_attack_discoveries", `{"update":{"ids":["x"]}}`, `invalid argument "update": give kibana_alert_workflow_status or visibility (or both)`},
		{"create_attack_discovery_schedule", `{"name":" ",` + params + `,` + sched + `}`, `invalid argument "name": must not be blank`},
		{"create_attack_discovery_schedule", `{"name":"n","params":{"alerts_index_pattern":"a","api_config":{"connectorId":"c","actionTypeId":".gen-ai"},"size":10},` + sched + `}`, `invalid argument "params.api_config.name": is required: the connector's name`},
		{"create_attack_discovery_schedule", `{"name":"n","params":{"alerts_index_pattern":"a","api_config":{"connectorId":"c","actionTypeId":"bedrock","name":"x"},"size":10},` + sched + `}`, `invalid argument "params.api_config.actionTypeId": must be the AI connector's type: one of .gen-ai, .bedrock, .gemini, .inference, got "bedrock"`},
		{"create_attack_discovery_schedule", `{"name":"n","params":{"alerts_index_pattern":"a","api_config":{"connectorId":"c","actionTypeId":".gen-ai","name":"x"},"size":10,"query":{"language":"kuery"}},` + sched + `}`, `invalid argument "params.query.query": is required: a KQL string or a query object`},
		{"create_attack_discovery_schedule", `{"name":"n","params":{"alerts_index_pattern":"a","api_config":{"connectorId":"c","actionTypeId":".gen-ai","name":"x"},"size":10,"query":{"query":"a:b"}},` + sched + `}`, `invalid argument "params.query.language": is required, e.g. kuery`},
		{"create_attack_discovery_schedule", `{"name":"n",` + params + `,"schedule":{"interval":"daily"}}`, `invalid argument "schedule.interval": must match the pattern ^[1-9][0-9]*[smhd]$`},
		{"create_attack_discovery_schedule", `{"name":"n",` + params + `,` + sched + `,"actions":[{"id":"s","params":{}}]}`, `invalid argument "actions[0].action_type_id": is required, e.g. .slack`},
		{"create_attack_discovery_schedule", `{"name":"n",` + params + `,` + sched + `,"actions":[{"action_type_id":".slack","params":{}}]}`, `invalid argument "actions[0].id": is required: the connector id`},
		{"create_attack_discovery_schedule", `{"name":"n",` + params + `,` + sched + `,"actions":[{"action_type_id":".slack","id":"s"}]}`, `invalid argument "actions[0].params": is required: the connector's params, e.g. {"message":"..."}`},
		{"create_attack_discovery_schedule", `{"name":"n",` + params + `,` + sched + `,"actions":[{"action_type_id":".slack","id":"s","params":{},"frequency":{"notify_when":"onActiveAlert"}}]}`, `invalid argument "actions[0].frequency.summary": is required (true: one summary per run)`},
		{"create_attack_discovery_schedule", `{"name":"n",` + params + `,` + sched + `,"actions":[{"action_type_id":".slack","id":"s","params":{},"frequency":{"summary":true,"notify_when":"always"}}]}`, `invalid argument "actions[0].frequency.notify_when": must be one of onActiveAlert, onThrottleInterval, onActionGroupChange, got "always"`},
		{"create_attack_discovery_schedule", `{"name":"n",` + params + `,` + sched + `,"actions":[{"action_type_id":".slack","id":"s","params":{},"frequency":{"summary":true,"notify_when":"onThrottleInterval","throttle":"an hour"}}]}`, `invalid argument "actions[0].frequency.throttle": must be an interval such as 1h, or null; got "an hour"`},
		{"update_attack_discovery_schedule", `{"id":"x","name":"n","params":{"alerts_index_pattern":"a","size":10},` + sched + `,"actions":[]}`, `invalid argument "params.api_config": is required`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestAttackDiscoveryRequests pins what reaches Kibana: the bulk body
// wrapped in update, a frequency without throttle sent with null, an
// update without actions sent with [].
func TestAttackDiscoveryRequests(t *testing.T) {
	req, err := mustLookup(t, "bulk_update_attack_discoveries").Bind(args(t, `{"update":{"ids":["a","b"],"visibility":"shared"}}`))
	if err != nil || string(req.Body) != `{"update":{"ids":["a","b"],"visibility":"shared"}}` {
		t.Errorf("bulk: %v %s", err, req.Body)
	}
	req, err = mustLookup(t, "create_attack_discovery_schedule").Bind(args(t, `{"name":"n","params":{"alerts_index_pattern":"a","api_config":{"connectorId":"c","actionTypeId":".gen-ai","name":"x"},"size":10},"schedule":{"interval":"1h"},"actions":[{"action_type_id":".slack","id":"s","params":{"message":"m"},"frequency":{"summary":false,"notify_when":"onActiveAlert"}}]}`))
	if err != nil || !strings.Contains(string(req.Body), `"frequency":{"summary":false,"notify_when":"onActiveAlert","throttle":null}`) {
		t.Errorf("create: %v %s", err, req.Body)
	}
	req, err = mustLookup(t, "find_attack_discoveries").Bind(args(t, `{"status":["open","acknowledged"],"shared":false,"space_id":"soc"}`))
	if err != nil || req.Query.Encode() != "shared=false&status=open&status=acknowledged" || req.Space != "soc" {
		t.Errorf("find: %v %+v", err, req)
	}
}

// TestAttackDiscoveryGenerationFlow generates through the tools and reads
// the generation until it succeeds: a second read finds it finished.
func TestAttackDiscoveryGenerationFlow(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "generate_attack_discovery", mustLookup(t, "generate_attack_discovery").Examples[0])
	if isErr {
		t.Fatal(texts)
	}
	var started struct {
		ExecutionUUID string `json:"execution_uuid"`
	}
	if err := json.Unmarshal([]byte(texts[0]), &started); err != nil || started.ExecutionUUID == "" {
		t.Fatalf("generate answered %v", texts)
	}
	get := `{"execution_uuid":"` + started.ExecutionUUID + `"}`
	var status string
	for range 2 {
		isErr, texts = callFlow(t, client, "get_attack_discovery_generation", get)
		if isErr {
			t.Fatal(texts)
		}
		var got struct {
			Data       []map[string]any
			Generation struct{ Status string }
		}
		json.Unmarshal([]byte(texts[0]), &got)
		status = got.Generation.Status
		if status == "succeeded" && len(got.Data) == 0 {
			t.Fatalf("succeeded without discoveries: %s", texts[0])
		}
	}
	if status != "succeeded" {
		t.Fatalf("generation is %q after two reads", status)
	}
}
