package tools

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The risk score engine (/api/risk_score/engine/*): it scores hosts and
// users from their alerts of a time range, weighted by asset criticality.
// Availability: each route declares its own first version (8.16 for
// schedule_now and dangerously_delete_data, 8.18 for configure). unverified:
// the 9.4 release notes preview (docs-content PR #6201) lists
// dangerously_delete_data as removed in 9.4 when risk scoring moves to the
// entity store; no Until is declared until a released note confirms it.
var riskEngineOperations = []*operation.Operation{
	{
		// schedule_now: Kibana PR #187577, released in 8.16 (security-docs issue #5912).
		Name:         "run_risk_score_engine",
		Availability: sinceIn("entity_analytics", "8.16.0"),
		Title:        "Run risk score engine",
		Description:  "Recalculate entity risk scores now instead of at the next hourly run, e.g. after changing asset criticality.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/risk_score/engine/schedule_now",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Input:        RiskEngineNoInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		// The configurable risk engine (closed alerts, date range) shipped in 8.18 (security-docs PR #6710, "What's new in 8.18"). unverified: the exact Kibana PR of the route.
		Name:         "configure_risk_score_engine",
		Availability: sinceIn("entity_analytics", "8.18.0"),
		Title:        "Configure risk score engine",
		Description:  "Change which alerts the risk engine scores (time range, excluded statuses and tags, KQL filters per entity type) and whether stale scores reset to zero.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPatch,
		Path:         "/api/risk_score/engine/saved_object/configure",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Admin:        true,
		Input:        ConfigureRiskEngineInput{},
		Examples: []string{
			`{"exclude_alert_statuses":["closed"]}`,
			`{"enable_reset_to_zero":false,"exclude_alert_statuses":["closed","acknowledged"],"exclude_alert_tags":["false-positive"],"filters":[{"entity_types":["user"],"filter":"not user.name:svc-*"}],"range":{"start":"now-14d","end":"now"},"space_id":"soc"}`,
		},
	},
	{
		// dangerously_delete_data: Kibana PR #191843 (v8.16.0).
		Name:         "delete_risk_score_data",
		Availability: sinceIn("entity_analytics", "8.16.0"),
		Title:        "Delete all risk score data",
		Description:  "Uninstall the risk engine and delete all risk score data of the space (indices, transforms, settings); scores are gone until the engine is turned on again.",
		Toolset:      "entity_analytics",
		Method:       http.MethodDelete,
		Path:         "/api/risk_score/engine/dangerously_delete_data",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        RiskEngineNoInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
}

// RiskEngineNoInput is the input of the engine routes that take nothing
// but the space.
type RiskEngineNoInput struct{}

// ConfigureRiskEngineInput changes the engine's saved settings; what is
// left out stays.
type ConfigureRiskEngineInput struct {
	EnableResetToZero    *bool              `json:"enable_reset_to_zero,omitempty" jsonschema_description:"Reset entities without alerts in range to 0 (false keeps their last score)."`
	ExcludeAlertStatuses []string           `json:"exclude_alert_statuses,omitempty" jsonschema_description:"Alert workflow statuses left out, e.g. closed; [] scores all."`
	ExcludeAlertTags     []string           `json:"exclude_alert_tags,omitempty"`
	Filters              []RiskEngineFilter `json:"filters,omitempty" jsonschema_description:"Only alerts matching each filter count for its entity types."`
	Range                *RiskEngineRange   `json:"range,omitempty"`
}

// RiskEngineFilter limits the alerts scored for some entity types.
type RiskEngineFilter struct {
	EntityTypes []string `json:"entity_types" jsonschema:"required,minItems=1,uniqueItems=true,enum=host,enum=user,enum=service"`
	Filter      string   `json:"filter" jsonschema:"required,minLength=1" jsonschema_description:"KQL over alert fields."`
}

// RiskEngineRange is the time range of alerts the engine scores.
type RiskEngineRange struct {
	Start string `json:"start,omitempty" jsonschema:"minLength=1" jsonschema_description:"Date math, e.g. now-30d (default)."`
	End   string `json:"end,omitempty" jsonschema:"minLength=1" jsonschema_description:"Default now."`
}

// Prepare asks for a change and refuses blank filters.
func (in *ConfigureRiskEngineInput) Prepare() error {
	if in.EnableResetToZero == nil && in.ExcludeAlertStatuses == nil && in.ExcludeAlertTags == nil && in.Filters == nil && in.Range == nil {
		return &schema.ArgumentError{Field: "range", Rule: "nothing to change: give enable_reset_to_zero, exclude_alert_statuses, exclude_alert_tags, filters or range"}
	}
	for i, f := range in.Filters {
		if strings.TrimSpace(f.Filter) == "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("filters[%d].filter", i), Rule: "must not be blank"}
		}
	}
	if in.Range != nil && in.Range.Start == "" && in.Range.End == "" {
		return &schema.ArgumentError{Field: "range", Rule: "give start, end or both"}
	}
	return nil
}
