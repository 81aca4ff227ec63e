package tools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Inputs of the attack discovery tools (attack_discovery.go).

// attackDiscoveryConnectorTypes are the AI connector types attack
// discovery runs on.
var attackDiscoveryConnectorTypes = []string{".gen-ai", ".bedrock", ".gemini", ".inference"}

// attackDiscoveryProviders are the providers an API config may name.
var attackDiscoveryProviders = []string{"OpenAI", "Azure OpenAI", "Other"}

// AttackDiscoveryAPIConfig names the AI connector a generation runs on.
type AttackDiscoveryAPIConfig struct {
	ConnectorID           string `json:"connectorId"`
	ActionTypeID          string `json:"actionTypeId"`
	DefaultSystemPromptID string `json:"defaultSystemPromptId,omitempty"`
	Model                 string `json:"model,omitempty"`
	Provider              string `json:"provider,omitempty"`
}

// JSONSchemaAlias shows the config as a bare object.
func (AttackDiscoveryAPIConfig) JSONSchemaAlias() any { return json.RawMessage(nil) }

func (a *AttackDiscoveryAPIConfig) check(field string) error {
	switch {
	case strings.TrimSpace(a.ConnectorID) == "":
		return &schema.ArgumentError{Field: field + ".connectorId", Rule: "is required: the id of an AI connector (find_connectors)"}
	case !slices.Contains(attackDiscoveryConnectorTypes, a.ActionTypeID):
		return &schema.ArgumentError{Field: field + ".actionTypeId", Rule: fmt.Sprintf("must be the AI connector's type: one of %s, got %q", strings.Join(attackDiscoveryConnectorTypes, ", "), a.ActionTypeID)}
	case a.Provider != "" && !slices.Contains(attackDiscoveryProviders, a.Provider):
		return &schema.ArgumentError{Field: field + ".provider", Rule: fmt.Sprintf("must be one of %s, got %q", strings.Join(attackDiscoveryProviders, ", "), a.Provider)}
	}
	return nil
}

// AttackDiscoveryAnonymizationField is one field the LLM may see, as
// find_anonymization_fields answers it.
type AttackDiscoveryAnonymizationField struct {
	ID         string `json:"id"`
	Field      string `json:"field"`
	Allowed    *bool  `json:"allowed,omitempty"`
	Anonymized *bool  `json:"anonymized,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
	Timestamp  string `json:"timestamp,omitempty"`
	CreatedAt  string `json:"createdAt,omitempty"`
	CreatedBy  string `json:"createdBy,omitempty"`
	UpdatedAt  string `json:"updatedAt,omitempty"`
	UpdatedBy  string `json:"updatedBy,omitempty"`
}

// JSONSchemaAlias shows the field as a bare object.
func (AttackDiscoveryAnonymizationField) JSONSchemaAlias() any { return json.RawMessage(nil) }

// GenerateAttackDiscoveryInput starts a generation.
type GenerateAttackDiscoveryInput struct {
	APIConfig           *AttackDiscoveryAPIConfig           `json:"apiConfig" jsonschema:"required" jsonschema_description:"{connectorId, actionTypeId} of an AI connector (.gen-ai, .bedrock, .gemini, .inference); optional model, provider (OpenAI, Azure OpenAI, Other), defaultSystemPromptId."`
	AlertsIndexPattern  string                              `json:"alertsIndexPattern" jsonschema:"required,minLength=1" jsonschema_description:"e.g. .alerts-security.alerts-default"`
	AnonymizationFields []AttackDiscoveryAnonymizationField `json:"anonymizationFields" jsonschema:"required" jsonschema_description:"What the LLM may see: items of find_anonymization_fields ({id, field, allowed, anonymized})."`
	Size                int                                 `json:"size" jsonschema:"required,minimum=1" jsonschema_description:"Most alerts to send, riskiest first."`
	SubAction           string                              `json:"subAction" jsonschema:"required,enum=invokeAI,enum=invokeStream"`
	ConnectorName       string                              `json:"connectorName,omitempty"`
	Start               string                              `json:"start,omitempty" jsonschema_description:"Default now-24h (ISO or date math)."`
	End                 string                              `json:"end,omitempty" jsonschema_description:"Default now."`
	Filter              map[string]any                      `json:"filter,omitempty" jsonschema_description:"Query DSL narrowing the alerts."`
	Model               string                              `json:"model,omitempty"`
	Replacements        map[string]string                   `json:"replacements,omitempty" jsonschema_description:"Placeholder to real value, to reuse."`
}

// Prepare checks the connector config and the anonymization fields.
func (in *GenerateAttackDiscoveryInput) Prepare() error {
	if in.APIConfig == nil {
		return &schema.ArgumentError{Field: "apiConfig", Rule: "is required"}
	}
	if err := in.APIConfig.check("apiConfig"); err != nil {
		return err
	}
	for i, f := range in.AnonymizationFields {
		at := fmt.Sprintf("anonymizationFields[%d]", i)
		switch {
		case strings.TrimSpace(f.ID) == "":
			return &schema.ArgumentError{Field: at + ".id", Rule: "is required: the field's id from find_anonymization_fields"}
		case strings.TrimSpace(f.Field) == "":
			return &schema.ArgumentError{Field: at + ".field", Rule: "is required: the alert field name, e.g. host.name"}
		}
	}
	return nil
}

// FindAttackDiscoveriesInput filters and pages discoveries.
type FindAttackDiscoveriesInput struct {
	AlertIDs              []string `json:"alert_ids,omitempty" in:"query" jsonschema_description:"Discoveries built on any of these alerts."`
	ConnectorNames        []string `json:"connector_names,omitempty" in:"query" jsonschema_description:"Connector names as discoveries show them."`
	EnableFieldRendering  *bool    `json:"enable_field_rendering,omitempty" in:"query" jsonschema_description:"Keep {{ field value }} pivots in markdown."`
	End                   string   `json:"end,omitempty" in:"query"`
	IDs                   []string `json:"ids,omitempty" in:"query"`
	IncludeUniqueAlertIDs *bool    `json:"include_unique_alert_ids,omitempty" in:"query" jsonschema_description:"Also list the distinct alert ids."`
	Page                  int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage               int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 10."`
	Search                string   `json:"search,omitempty" in:"query" jsonschema_description:"Free text in titles and summaries."`
	Shared                *bool    `json:"shared,omitempty" in:"query" jsonschema_description:"true: shared only; false: only yours."`
	SortField             string   `json:"sort_field,omitempty" in:"query" jsonschema:"enum=@timestamp"`
	SortOrder             string   `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Start                 string   `json:"start,omitempty" in:"query" jsonschema_description:"ISO or date math, e.g. now-24h."`
	Status                []string `json:"status,omitempty" in:"query" jsonschema:"enum=open,enum=acknowledged,enum=closed"`
	WithReplacements      *bool    `json:"with_replacements,omitempty" in:"query" jsonschema_description:"false: show anonymized placeholders."`
}

// ListAttackDiscoveryGenerationsInput bounds the generations listed.
type ListAttackDiscoveryGenerationsInput struct {
	Size  int    `json:"size,omitempty" in:"query" jsonschema:"minimum=1" jsonschema_description:"Default 50."`
	Start string `json:"start,omitempty" in:"query"`
	End   string `json:"end,omitempty" in:"query"`
}

// GetAttackDiscoveryGenerationInput names a generation.
type GetAttackDiscoveryGenerationInput struct {
	ExecutionUUID        string `json:"execution_uuid" in:"path" jsonschema:"required,minLength=1"`
	EnableFieldRendering *bool  `json:"enable_field_rendering,omitempty" in:"query"`
	WithReplacements     *bool  `json:"with_replacements,omitempty" in:"query"`
}

// DismissAttackDiscoveryGenerationInput names a generation.
type DismissAttackDiscoveryGenerationInput struct {
	ExecutionUUID string `json:"execution_uuid" in:"path" jsonschema:"required,minLength=1"`
}

// BulkUpdateAttackDiscoveriesInput changes several discoveries.
type BulkUpdateAttackDiscoveriesInput struct {
	Update AttackDiscoveryBulkUpdate `json:"update" jsonschema:"required"`
}

// AttackDiscoveryBulkUpdate is what changes, and how the answer reads.
type AttackDiscoveryBulkUpdate struct {
	IDs                       []string `json:"ids" jsonschema:"required,minItems=1"`
	KibanaAlertWorkflowStatus string   `json:"kibana_alert_workflow_status,omitempty" jsonschema:"enum=open,enum=acknowledged,enum=closed"`
	Visibility                string   `json:"visibility,omitempty" jsonschema:"enum=not_shared,enum=shared"`
	EnableFieldRendering      *bool    `json:"enable_field_rendering,omitempty"`
	WithReplacements          *bool    `json:"with_replacements,omitempty"`
}

// Prepare refuses an update that changes nothing.
func (in *BulkUpdateAttackDiscoveriesInput) Prepare() error {
	if in.Update.KibanaAlertWorkflowStatus == "" && in.Update.Visibility == "" {
		return &schema.ArgumentError{Field: "update", Rule: "give kibana_alert_workflow_status or visibility (or both)"}
	}
	return nil
}

// AttackDiscoveryScheduleAPIConfig is the API config of a schedule, which
// also carries the connector's name.
type AttackDiscoveryScheduleAPIConfig struct {
	AttackDiscoveryAPIConfig
	Name string `json:"name"`
}

// JSONSchemaAlias shows the config as a bare object.
func (AttackDiscoveryScheduleAPIConfig) JSONSchemaAlias() any { return json.RawMessage(nil) }

// AttackDiscoveryQuery is a schedule's KQL or DSL query.
type AttackDiscoveryQuery struct {
	Query    any    `json:"query"`
	Language string `json:"language"`
}

// JSONSchemaAlias shows the query as a bare object.
func (AttackDiscoveryQuery) JSONSchemaAlias() any { return json.RawMessage(nil) }

// AttackDiscoveryScheduleParams is what each scheduled run analyzes.
type AttackDiscoveryScheduleParams struct {
	AlertsIndexPattern string                            `json:"alerts_index_pattern" jsonschema:"required,minLength=1"`
	APIConfig          *AttackDiscoveryScheduleAPIConfig `json:"api_config" jsonschema:"required" jsonschema_description:"{connectorId, actionTypeId, name} of an AI connector; optional model, provider, defaultSystemPromptId."`
	Size               int                               `json:"size" jsonschema:"required,minimum=1"`
	Start              string                            `json:"start,omitempty"`
	End                string                            `json:"end,omitempty"`
	Query              *AttackDiscoveryQuery             `json:"query,omitempty" jsonschema_description:"{query, language}"`
	Filters            []map[string]any                  `json:"filters,omitempty"`
	CombinedFilter     map[string]any                    `json:"combined_filter,omitempty"`
}

// AttackDiscoveryInterval is how often a schedule runs.
type AttackDiscoveryInterval struct {
	Interval string `json:"interval" jsonschema:"required,pattern=^[1-9][0-9]*[smhd]$" jsonschema_description:"e.g. 24h"`
}

// AttackDiscoveryScheduleAction notifies a connector about discoveries.
type AttackDiscoveryScheduleAction struct {
	ActionTypeID string                          `json:"action_type_id"`
	ID           string                          `json:"id"`
	Params       map[string]any                  `json:"params"`
	Group        string                          `json:"group,omitempty"`
	UUID         string                          `json:"uuid,omitempty"`
	AlertsFilter map[string]any                  `json:"alerts_filter,omitempty"`
	Frequency    *AttackDiscoveryActionFrequency `json:"frequency,omitempty"`
}

// JSONSchemaAlias shows the action as a bare object.
func (AttackDiscoveryScheduleAction) JSONSchemaAlias() any { return json.RawMessage(nil) }

// AttackDiscoveryActionFrequency says when an action runs; a missing
// throttle is sent as null, which Kibana requires.
type AttackDiscoveryActionFrequency struct {
	Summary    *bool   `json:"summary"`
	NotifyWhen string  `json:"notify_when"`
	Throttle   *string `json:"throttle"`
}

var (
	attackDiscoveryNotifyWhen = []string{"onActiveAlert", "onThrottleInterval", "onActionGroupChange"}
	attackDiscoveryThrottle   = lazyRegexp(`^[1-9]\d*[smhd]$`)
)

// checkAttackDiscoverySchedule enforces the nested members of a schedule.
func checkAttackDiscoverySchedule(name string, params *AttackDiscoveryScheduleParams, actions []AttackDiscoveryScheduleAction) error {
	if strings.TrimSpace(name) == "" {
		return &schema.ArgumentError{Field: "name", Rule: "must not be blank"}
	}
	if params.APIConfig == nil {
		return &schema.ArgumentError{Field: "params.api_config", Rule: "is required"}
	}
	if err := params.APIConfig.check("params.api_config"); err != nil {
		return err
	}
	if strings.TrimSpace(params.APIConfig.Name) == "" {
		return &schema.ArgumentError{Field: "params.api_config.name", Rule: "is required: the connector's name"}
	}
	if q := params.Query; q != nil {
		switch q.Query.(type) {
		case string, map[string]any:
		default:
			return &schema.ArgumentError{Field: "params.query.query", Rule: "is required: a KQL string or a query object"}
		}
		if q.Language == "" {
			return &schema.ArgumentError{Field: "params.query.language", Rule: "is required, e.g. kuery"}
		}
	}
	for i, a := range actions {
		at := fmt.Sprintf("actions[%d]", i)
		switch {
		case a.ActionTypeID == "":
			return &schema.ArgumentError{Field: at + ".action_type_id", Rule: "is required, e.g. .slack"}
		case a.ID == "":
			return &schema.ArgumentError{Field: at + ".id", Rule: "is required: the connector id"}
		case a.Params == nil:
			return &schema.ArgumentError{Field: at + ".params", Rule: "is required: the connector's params, e.g. {\"message\":\"...\"}"}
		}
		if f := a.Frequency; f != nil {
			switch {
			case f.Summary == nil:
				return &schema.ArgumentError{Field: at + ".frequency.summary", Rule: "is required (true: one summary per run)"}
			case !slices.Contains(attackDiscoveryNotifyWhen, f.NotifyWhen):
				return &schema.ArgumentError{Field: at + ".frequency.notify_when", Rule: fmt.Sprintf("must be one of %s, got %q", strings.Join(attackDiscoveryNotifyWhen, ", "), f.NotifyWhen)}
			case f.Throttle != nil && !attackDiscoveryThrottle().MatchString(*f.Throttle):
				return &schema.ArgumentError{Field: at + ".frequency.throttle", Rule: fmt.Sprintf("must be an interval such as 1h, or null; got %q", *f.Throttle)}
			}
		}
	}
	return nil
}

// CreateAttackDiscoveryScheduleInput is a new schedule.
type CreateAttackDiscoveryScheduleInput struct {
	Name     string                          `json:"name" jsonschema:"required,minLength=1"`
	Params   AttackDiscoveryScheduleParams   `json:"params" jsonschema:"required"`
	Schedule AttackDiscoveryInterval         `json:"schedule" jsonschema:"required"`
	Enabled  *bool                           `json:"enabled,omitempty" jsonschema_description:"Default false."`
	Actions  []AttackDiscoveryScheduleAction `json:"actions,omitempty" jsonschema_description:"{action_type_id, id, params, group?, uuid?, alerts_filter?, frequency?: {summary, notify_when, throttle}}"`
}

// Prepare checks the nested members.
func (in *CreateAttackDiscoveryScheduleInput) Prepare() error {
	return checkAttackDiscoverySchedule(in.Name, &in.Params, in.Actions)
}

// UpdateAttackDiscoveryScheduleInput replaces a schedule's settings.
type UpdateAttackDiscoveryScheduleInput struct {
	ID       string                          `json:"id" in:"path" jsonschema:"required,minLength=1"`
	Name     string                          `json:"name" jsonschema:"required,minLength=1"`
	Params   AttackDiscoveryScheduleParams   `json:"params" jsonschema:"required"`
	Schedule AttackDiscoveryInterval         `json:"schedule" jsonschema:"required"`
	Actions  []AttackDiscoveryScheduleAction `json:"actions" jsonschema:"required" jsonschema_description:"As in create_attack_discovery_schedule."`
}

// Prepare checks the nested members.
func (in *UpdateAttackDiscoveryScheduleInput) Prepare() error {
	if in.Actions == nil {
		in.Actions = []AttackDiscoveryScheduleAction{}
	}
	return checkAttackDiscoverySchedule(in.Name, &in.Params, in.Actions)
}

// FindAttackDiscoverySchedulesInput pages schedules.
type FindAttackDiscoverySchedulesInput struct {
	Page          int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage       int    `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 10."`
	SortField     string `json:"sort_field,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"name, created_at, updated_at or enabled."`
	SortDirection string `json:"sort_direction,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
}

// AttackDiscoveryScheduleRef names a schedule.
type AttackDiscoveryScheduleRef struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1"`
}
