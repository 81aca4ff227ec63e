package tools

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Actions and Connectors API: the connectors rules and cases use to reach
// email, chat, paging, ticketing and indexing systems, and running one by
// hand. Creating, changing and deleting them is settings work (Admin).
var connectorsOperations = []*operation.Operation{
	{
		Name:        "list_connectors",
		Title:       "List connectors",
		Description: "List the space's connectors (id, name, connector_type_id), e.g. to pick one for run_connector.",
		Toolset:     "connectors",
		Method:      http.MethodGet,
		Path:        "/api/actions/connectors",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       ListConnectorsInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_connector",
		Title:       "Get connector",
		Description: "Fetch one connector: type, name and config (secrets are never returned).",
		Toolset:     "connectors",
		Method:      http.MethodGet,
		Path:        "/api/actions/connector/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetConnectorInput{},
		Examples: []string{
			`{"id":"e07d0c80-8b8b-11ed-a780-3b746c987a81"}`,
			`{"id":"e07d0c80-8b8b-11ed-a780-3b746c987a81","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_connector",
		Title:       "Create connector",
		Description: "Create a connector to an external system (email, Slack, Jira, webhook, index…); get_connector_types lists the types.",
		Toolset:     "connectors",
		Method:      http.MethodPost,
		Path:        "/api/actions/connector/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateConnectorInput{},
		Examples: []string{
			`{"name":"SOC Jira","connector_type_id":".jira","config":{"apiUrl":"https://example.atlassian.net","projectKey":"SOC"},"secrets":{"email":"soc-bot@example.com","apiToken":"changeme"}}`,
			`{"id":"b7f3e2a0-5c1d-4e8f-9a6b-2d4c8e0f1a3b","name":"SOC Resilient","connector_type_id":".resilient","config":{"apiUrl":"https://resilient.example.com","orgId":"201"},"secrets":{"apiKeyId":"soc-bot","apiKeySecret":"changeme"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_connector",
		Title:       "Update connector",
		Description: "Replace a connector's name, config and secrets: the config and secrets given replace the stored ones whole. The type cannot change.",
		Toolset:     "connectors",
		Method:      http.MethodPut,
		Path:        "/api/actions/connector/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateConnectorInput{},
		Examples: []string{
			`{"id":"131d4448-abe0-4789-939d-8ef60680b498","name":"SOC Jira","config":{"apiUrl":"https://example.atlassian.net","projectKey":"SEC"},"secrets":{"email":"soc-bot@example.com","apiToken":"rotated"}}`,
			`{"id":"b7f3e2a0-5c1d-4e8f-9a6b-2d4c8e0f1a3b","name":"SOC Resilient (EU)","config":{"apiUrl":"https://resilient.eu.example.com","orgId":"202"},"secrets":{"apiKeyId":"soc-bot","apiKeySecret":"rotated"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_connector",
		Title:       "Delete connector",
		Description: "Permanently delete a connector; rules that use it can no longer notify through it. Cannot be undone.",
		Toolset:     "connectors",
		Method:      http.MethodDelete,
		Path:        "/api/actions/connector/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeleteConnectorInput{},
		Examples: []string{
			`{"id":"e07d0c80-8b8b-11ed-a780-3b746c987a81"}`,
			`{"id":"e07d0c80-8b8b-11ed-a780-3b746c987a81","space_id":"soc"}`,
		},
	},
	{
		// The pre-7.13 route, deprecated through 8.x; absent from the
		// published spec, documented on seed page 004. Kibana 9.0 removed
		// the legacy actions HTTP APIs (Kibana PR #197510 for issue #90382,
		// "9.0 only change"); serverless never had them (absent from its
		// API reference).
		Name:         "delete_connector_legacy",
		Availability: &operation.Availability{Until: "9.0.0", Feature: "actions"},
		Title:        "Delete connector (legacy route)",
		Description:  "Permanently delete a connector through the deprecated /api/actions/action route, for old Kibana versions; otherwise use delete_connector.",
		Toolset:      "connectors",
		Method:       http.MethodDelete,
		Path:         "/api/actions/action/{id}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        DeleteConnectorInput{},
		Examples: []string{
			`{"id":"e07d0c80-8b8b-11ed-a780-3b746c987a81"}`,
			`{"id":"e07d0c80-8b8b-11ed-a780-3b746c987a81","space_id":"soc"}`,
		},
	},
	{
		Name:        "run_connector",
		Title:       "Run connector",
		Description: "Run a connector now: it really sends the email, message, page or ticket, or indexes the documents.",
		Toolset:     "connectors",
		Method:      http.MethodPost,
		Path:        "/api/actions/connector/{id}/_execute",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		OpenWorld:   true,
		Input:       RunConnectorInput{},
		Examples: []string{
			`{"id":"server-log","params":{"message":"Host web-01 isolated after ransomware alert.","level":"warn"}}`,
			`{"id":"e07d0c80-8b8b-11ed-a780-3b746c987a81","params":{"documents":[{"alert_id":"681c2a70","action":"isolated","host":"web-01"}]},"space_id":"soc"}`,
			`{"id":"preconfigured-email-connector","params":{"to":["soc@example.com"],"cc":["lead@example.com"],"subject":"Ransomware on web-01","message":"Host isolated; see case 42."}}`,
			`{"id":"pagerduty-soc","params":{"eventAction":"trigger","dedupKey":"web-01-ransomware","summary":"Ransomware on web-01","severity":"critical","source":"web-01"}}`,
			`{"id":"slack-api-soc","params":{"subAction":"postMessage","subActionParams":{"channelIds":["C0123456789"],"text":"Host web-01 isolated."}}}`,
		},
	},
	{
		Name:        "get_connector_types",
		Title:       "Get connector types",
		Description: "List the connector types Kibana offers, with whether each is enabled and licensed.",
		Toolset:     "connectors",
		Method:      http.MethodGet,
		Path:        "/api/actions/connector_types",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       GetConnectorTypesInput{},
		Examples: []string{
			`{}`,
			`{"feature_id":"cases","space_id":"soc"}`,
		},
	},
}

// ListConnectorsInput takes no arguments.
type ListConnectorsInput struct{}

// GetConnectorInput names one connector.
type GetConnectorInput struct {
	ID string `json:"id" in:"path" jsonschema:"required"`
}

// DeleteConnectorInput names the connector to delete.
type DeleteConnectorInput struct {
	ID string `json:"id" in:"path" jsonschema:"required" jsonschema_description:"From list_connectors."`
}

// GetConnectorTypesInput narrows the connector types to one feature.
type GetConnectorTypesInput struct {
	FeatureID string `json:"feature_id,omitempty" in:"query" jsonschema_description:"Only types usable by this feature, e.g. alerting, cases, siem."`
}

// CreateConnectorInput describes a new connector. Kibana's published API
// takes the new connector's id in the path; Prepare makes one up when the
// model gives none, as Kibana itself would.
type CreateConnectorInput struct {
	ID              string          `json:"id,omitempty" in:"path" jsonschema_description:"Default: a new UUID."`
	Name            string          `json:"name" jsonschema:"required,minLength=1"`
	ConnectorTypeID string          `json:"connector_type_id" jsonschema:"required,minLength=1" jsonschema_description:"E.g. .email, .slack, .webhook, .index, .jira, .pagerduty."`
	Config          json.RawMessage `json:"config,omitempty" jsonschema_description:"Type-specific settings, e.g. .index {index}; .jira {apiUrl, projectKey}; .email {from, service, host, port}."`
	Secrets         json.RawMessage `json:"secrets,omitempty" jsonschema_description:"Type-specific credentials, e.g. .jira {email, apiToken}; .email {user, password}. Never returned."`
}

// Prepare names the connector when the model did not.
func (in *CreateConnectorInput) Prepare() error {
	if in.ID == "" {
		id, err := newUUID()
		if err != nil {
			return err
		}
		in.ID = id
	}
	return nil
}

// UpdateConnectorInput replaces a connector's settings.
type UpdateConnectorInput struct {
	ID      string          `json:"id" in:"path" jsonschema:"required"`
	Name    string          `json:"name" jsonschema:"required,minLength=1"`
	Config  json.RawMessage `json:"config,omitempty" jsonschema_description:"As in create_connector."`
	Secrets json.RawMessage `json:"secrets,omitempty" jsonschema_description:"As in create_connector."`
}

// newUUID returns a random (version 4) UUID.
func newUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generating a connector id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// RunConnectorInput runs one connector with the params of its type.
//
// params is shown as one free-form object whose description lists the
// common shapes: a schema per connector type would cost every default
// conversation hundreds of tokens. Prepare checks the members it recognises
// (the email, PagerDuty, index, server log and sub-action shapes), so the
// usual mistakes are named before anything is sent.
type RunConnectorInput struct {
	ID     string          `json:"id" in:"path" jsonschema:"required" jsonschema_description:"From list_connectors."`
	Params json.RawMessage `json:"params" jsonschema:"required" jsonschema_description:"By type: .email {to, cc, bcc, subject, message}; .slack, .teams {message}; .slack_api {subAction:\"postMessage\", subActionParams:{channelIds, text}}; .webhook {body}; .index {documents}; .server-log {message, level}; .pagerduty {eventAction, dedupKey, summary, severity}; ticketing types {subAction, subActionParams}."`
}

// Prepare checks params against the shape its members point to.
func (in *RunConnectorInput) Prepare() error {
	var p map[string]any
	if err := json.Unmarshal(in.Params, &p); err != nil || p == nil {
		return &schema.ArgumentError{Field: "params", Rule: "must be an object of the connector type's parameters"}
	}
	if len(p) == 0 {
		return &schema.ArgumentError{Field: "params", Rule: "must not be empty; give the parameters of the connector's type (see the argument's description)"}
	}
	return checkConnectorParams(p)
}

// PagerDuty's event actions and severities, the server log's levels.
var (
	pagerDutyEventActions = []string{"trigger", "acknowledge", "resolve"}
	pagerDutySeverities   = []string{"critical", "error", "warning", "info"}
	serverLogLevels       = []string{"trace", "debug", "info", "warn", "error", "fatal"}
)

// checkConnectorParams recognises the shape of params by its members and
// checks what Kibana would refuse.
func checkConnectorParams(p map[string]any) error {
	for _, name := range []string{"message", "subject", "summary", "body", "dedupKey", "level", "severity", "eventAction"} {
		if v, ok := p[name]; ok {
			if _, isString := v.(string); !isString {
				return &schema.ArgumentError{Field: "params." + name, Rule: "must be a string, got " + jsonKindOf(v)}
			}
		}
	}
	if v, ok := p["subAction"]; ok {
		if s, isString := v.(string); !isString || s == "" {
			return &schema.ArgumentError{Field: "params.subAction", Rule: "must be the sub-action's name, e.g. \"pushToService\" or \"postMessage\""}
		}
		if sp, ok := p["subActionParams"]; ok {
			if _, isObject := sp.(map[string]any); !isObject {
				return &schema.ArgumentError{Field: "params.subActionParams", Rule: "must be an object, got " + jsonKindOf(sp)}
			}
		}
	} else if _, ok := p["subActionParams"]; ok {
		return &schema.ArgumentError{Field: "params.subAction", Rule: "is required with subActionParams"}
	}
	if v, ok := p["documents"]; ok {
		docs, isArray := v.([]any)
		if !isArray || len(docs) == 0 {
			return &schema.ArgumentError{Field: "params.documents", Rule: "must be a non-empty array of documents (objects)"}
		}
		for i, d := range docs {
			if _, isObject := d.(map[string]any); !isObject {
				return &schema.ArgumentError{Field: fmt.Sprintf("params.documents[%d]", i), Rule: "must be an object (one document), got " + jsonKindOf(d)}
			}
		}
	}
	if err := checkEmailParams(p); err != nil {
		return err
	}
	if v, ok := p["eventAction"].(string); ok {
		if !slices.Contains(pagerDutyEventActions, v) {
			return &schema.ArgumentError{Field: "params.eventAction", Rule: "must be one of " + strings.Join(pagerDutyEventActions, ", ")}
		}
		if key, _ := p["dedupKey"].(string); v != "trigger" && key == "" {
			return &schema.ArgumentError{Field: "params.dedupKey", Rule: fmt.Sprintf("is required to %s an event: give the key of the event it ends", v)}
		}
		if s, ok := p["severity"].(string); ok && !slices.Contains(pagerDutySeverities, s) {
			return &schema.ArgumentError{Field: "params.severity", Rule: "must be one of " + strings.Join(pagerDutySeverities, ", ")}
		}
	}
	for name, limit := range map[string]int{"dedupKey": 255, "summary": 1024} {
		if s, ok := p[name].(string); ok && utf8.RuneCountInString(s) > limit {
			return &schema.ArgumentError{Field: "params." + name, Rule: fmt.Sprintf("must be at most %d characters long", limit)}
		}
	}
	if l, ok := p["level"].(string); ok && !slices.Contains(serverLogLevels, l) {
		return &schema.ArgumentError{Field: "params.level", Rule: "must be one of " + strings.Join(serverLogLevels, ", ")}
	}
	return nil
}

// checkEmailParams applies the email connector's rules once params has one
// of its members: a subject, a message and at least one recipient.
func checkEmailParams(p map[string]any) error {
	recipients := 0
	isEmail := false
	for _, name := range []string{"to", "cc", "bcc"} {
		v, ok := p[name]
		if !ok {
			continue
		}
		isEmail = true
		list, isArray := v.([]any)
		if !isArray {
			return &schema.ArgumentError{Field: "params." + name, Rule: "must be an array of email addresses, got " + jsonKindOf(v)}
		}
		for i, a := range list {
			if s, isString := a.(string); !isString || strings.TrimSpace(s) == "" {
				return &schema.ArgumentError{Field: fmt.Sprintf("params.%s[%d]", name, i), Rule: "must be an email address"}
			}
		}
		recipients += len(list)
	}
	if _, ok := p["subject"]; ok {
		isEmail = true
	}
	if !isEmail {
		return nil
	}
	switch {
	case recipients == 0:
		return &schema.ArgumentError{Field: "params.to", Rule: "an email needs at least one recipient in to, cc or bcc"}
	case p["subject"] == nil:
		return &schema.ArgumentError{Field: "params.subject", Rule: "is required for an email"}
	case p["message"] == nil:
		return &schema.ArgumentError{Field: "params.message", Rule: "is required for an email"}
	}
	return nil
}

// jsonKindOf names the JSON kind of a decoded value.
func jsonKindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// rawObject decodes a free-form object argument; ok is false when raw is
// absent or null.
func rawObject(raw json.RawMessage) (m map[string]any, ok bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, false
	}
	if json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	return m, true
}
