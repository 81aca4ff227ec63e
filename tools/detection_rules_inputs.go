package tools

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The bodies of create, update, patch and preview are the same rule, each
// with its own required members: each input embeds ruleMembers (what every
// rule may carry) and ruleAnswer, which takes a rule as Kibana answered or
// exported it and leaves out, with a note, what a write does not take.
// Nested objects show as bare objects and are checked by
// checkDetectionRule (detection_rules_check.go).

// ruleBasics are what a whole rule must say.
type ruleBasics struct {
	Name        string `json:"name" jsonschema:"required,minLength=1"`
	Description string `json:"description" jsonschema:"required,minLength=1"`
	RiskScore   int    `json:"risk_score" jsonschema:"required,minimum=0,maximum=100"`
	Severity    string `json:"severity" jsonschema:"required,enum=low,enum=medium,enum=high,enum=critical"`
	Type        string `json:"type" jsonschema:"required,enum=query,enum=eql,enum=esql,enum=threshold,enum=threat_match,enum=machine_learning,enum=new_terms,enum=saved_query"`
}

// ruleMembers are the optional members of a rule; checkDetectionRule ties
// the type-specific ones to their types.
type ruleMembers struct {
	Enabled                           *bool               `json:"enabled,omitempty"`
	Tags                              []string            `json:"tags,omitempty"`
	Interval                          string              `json:"interval,omitempty" jsonschema_description:"Run every, e.g. 5m."`
	From                              string              `json:"from,omitempty" jsonschema_description:"Look-back, e.g. now-6m."`
	To                                string              `json:"to,omitempty"`
	Index                             []string            `json:"index,omitempty"`
	DataViewID                        string              `json:"data_view_id,omitempty"`
	Query                             string              `json:"query,omitempty"`
	Language                          string              `json:"language,omitempty" jsonschema:"enum=kuery,enum=lucene,enum=eql,enum=esql"`
	Filters                           []json.RawMessage   `json:"filters,omitempty"`
	SavedID                           string              `json:"saved_id,omitempty"`
	EventCategoryOverride             string              `json:"event_category_override,omitempty"`
	TiebreakerField                   string              `json:"tiebreaker_field,omitempty"`
	TimestampField                    string              `json:"timestamp_field,omitempty"`
	Threshold                         json.RawMessage     `json:"threshold,omitempty" jsonschema_description:"{field, value, cardinality?}"`
	ThreatIndex                       []string            `json:"threat_index,omitempty"`
	ThreatQuery                       string              `json:"threat_query,omitempty"`
	ThreatLanguage                    string              `json:"threat_language,omitempty" jsonschema:"enum=kuery,enum=lucene"`
	ThreatFilters                     []json.RawMessage   `json:"threat_filters,omitempty"`
	ThreatMapping                     []json.RawMessage   `json:"threat_mapping,omitempty" jsonschema_description:"[{entries:[{field, type:mapping, value}]}]"`
	ThreatIndicatorPath               string              `json:"threat_indicator_path,omitempty"`
	ItemsPerSearch                    int                 `json:"items_per_search,omitempty" jsonschema:"minimum=1"`
	ConcurrentSearches                int                 `json:"concurrent_searches,omitempty" jsonschema:"minimum=1"`
	AnomalyThreshold                  *int                `json:"anomaly_threshold,omitempty" jsonschema:"minimum=0"`
	MachineLearningJobID              schema.StringOrList `json:"machine_learning_job_id,omitempty"`
	NewTermsFields                    []string            `json:"new_terms_fields,omitempty" jsonschema:"minItems=1,maxItems=3"`
	HistoryWindowStart                string              `json:"history_window_start,omitempty" jsonschema_description:"e.g. now-14d"`
	AlertSuppression                  json.RawMessage     `json:"alert_suppression,omitempty" jsonschema_description:"{group_by, duration?, missing_fields_strategy?}"`
	MaxSignals                        int                 `json:"max_signals,omitempty" jsonschema:"minimum=1"`
	Note                              string              `json:"note,omitempty" jsonschema_description:"Investigation guide (markdown)."`
	Setup                             string              `json:"setup,omitempty"`
	Author                            []string            `json:"author,omitempty"`
	References                        []string            `json:"references,omitempty"`
	FalsePositives                    []string            `json:"false_positives,omitempty"`
	License                           string              `json:"license,omitempty"`
	Version                           int                 `json:"version,omitempty" jsonschema:"minimum=1"`
	Threat                            []json.RawMessage   `json:"threat,omitempty" jsonschema_description:"MITRE: [{framework, tactic{id,name,reference}, technique?}]"`
	Actions                           []json.RawMessage   `json:"actions,omitempty" jsonschema_description:"[{action_type_id, id, params, group?, frequency?}]"`
	Throttle                          string              `json:"throttle,omitempty" jsonschema_description:"no_actions, rule or an interval (1h)."`
	ResponseActions                   []json.RawMessage   `json:"response_actions,omitempty" jsonschema_description:"[{action_type_id: .osquery or .endpoint, params}]"`
	ExceptionsList                    []json.RawMessage   `json:"exceptions_list,omitempty" jsonschema_description:"[{id, list_id, type, namespace_type}]"`
	SeverityMapping                   []json.RawMessage   `json:"severity_mapping,omitempty" jsonschema_description:"[{field, operator:equals, value, severity}]"`
	RiskScoreMapping                  []json.RawMessage   `json:"risk_score_mapping,omitempty" jsonschema_description:"[{field, operator:equals, value, risk_score?}]"`
	RuleNameOverride                  string              `json:"rule_name_override,omitempty"`
	TimestampOverride                 string              `json:"timestamp_override,omitempty"`
	TimestampOverrideFallbackDisabled *bool               `json:"timestamp_override_fallback_disabled,omitempty"`
	BuildingBlockType                 string              `json:"building_block_type,omitempty" jsonschema_description:"default: alerts are building blocks."`
	InvestigationFields               json.RawMessage     `json:"investigation_fields,omitempty" jsonschema_description:"{field_names}"`
	TimelineID                        string              `json:"timeline_id,omitempty"`
	TimelineTitle                     string              `json:"timeline_title,omitempty"`
	RelatedIntegrations               []json.RawMessage   `json:"related_integrations,omitempty" jsonschema_description:"[{package, version, integration?}]"`
	RequiredFields                    []json.RawMessage   `json:"required_fields,omitempty" jsonschema_description:"[{name, type}]"`
	Namespace                         string              `json:"namespace,omitempty"`
	Meta                              json.RawMessage     `json:"meta,omitempty"`
}

// answeredRuleMembers are what Kibana answers about a rule (its history,
// its source, what resolving it found) but a write does not take: a rule
// read or exported is taken back as is, they are left out
// (operation.AnswerTaker), and a note names them.
var answeredRuleMembers = []string{"created_at", "created_by", "updated_at", "updated_by", "revision", "immutable",
	"rule_source", "execution_summary", "outcome", "alias_purpose", "alias_target_id", "output_index"}

// ruleAnswer is embedded by the rule inputs: it takes a rule as answered
// and notes what was left out.
type ruleAnswer struct {
	dropped []string
}

// LeftOut records the answer-only members given.
func (a *ruleAnswer) LeftOut(names []string) { a.dropped = append(a.dropped, names...) }

// Notes names what was left out.
func (a *ruleAnswer) Notes() []string {
	if len(a.dropped) == 0 {
		return nil
	}
	return []string{"Left out, as Kibana answers them but does not take them back: " + strings.Join(a.dropped, ", ") + "."}
}

// prepareRule drops the ECS flags of an answered rule's required fields (a
// write takes only name and type) and checks the rule against its type.
func (a *ruleAnswer) prepareRule(in any, m *ruleMembers, typ string, full bool) error {
	for i, raw := range m.RequiredFields {
		var field map[string]json.RawMessage
		if json.Unmarshal(raw, &field) != nil {
			continue
		}
		if _, ok := field["ecs"]; ok {
			delete(field, "ecs")
			m.RequiredFields[i], _ = json.Marshal(field)
			if !slices.Contains(a.dropped, "required_fields[].ecs") {
				a.dropped = append(a.dropped, "required_fields[].ecs")
			}
		}
	}
	return checkDetectionRule(in, typ, full)
}

// CreateDetectionRuleInput is a new detection rule.
type CreateDetectionRuleInput struct {
	ruleBasics
	RuleID string `json:"rule_id,omitempty" jsonschema_description:"Stable id; default a new UUID."`
	ruleMembers
	ruleAnswer
}

// AnswerOnly are what a create leaves out of a rule as answered: Kibana
// gives the new rule its own id.
func (in *CreateDetectionRuleInput) AnswerOnly() []string {
	return append([]string{"id"}, answeredRuleMembers...)
}

// Prepare checks the members given suit the rule's type.
func (in *CreateDetectionRuleInput) Prepare() error {
	return in.prepareRule(in, &in.ruleMembers, in.Type, true)
}

// UpdateDetectionRuleInput replaces a rule: members left out are reset.
type UpdateDetectionRuleInput struct {
	ID     string `json:"id,omitempty" jsonschema_description:"The rule's id. Give this or rule_id."`
	RuleID string `json:"rule_id,omitempty"`
	ruleBasics
	ruleMembers
	ruleAnswer
}

// AnswerOnly are what an update leaves out of a rule as answered.
func (in *UpdateDetectionRuleInput) AnswerOnly() []string { return answeredRuleMembers }

// Prepare enforces an identifier and members that suit the type.
func (in *UpdateDetectionRuleInput) Prepare() error {
	if err := someRuleIdentifier(in.ID, in.RuleID); err != nil {
		return err
	}
	return in.prepareRule(in, &in.ruleMembers, in.Type, true)
}

// PatchDetectionRuleInput changes only the members given.
type PatchDetectionRuleInput struct {
	ID          string `json:"id,omitempty" jsonschema_description:"The rule's id. Give this or rule_id."`
	RuleID      string `json:"rule_id,omitempty"`
	Name        string `json:"name,omitempty" jsonschema:"minLength=1"`
	Description string `json:"description,omitempty" jsonschema:"minLength=1"`
	RiskScore   *int   `json:"risk_score,omitempty" jsonschema:"minimum=0,maximum=100"`
	Severity    string `json:"severity,omitempty" jsonschema:"enum=low,enum=medium,enum=high,enum=critical"`
	Type        string `json:"type,omitempty" jsonschema:"enum=query,enum=eql,enum=esql,enum=threshold,enum=threat_match,enum=machine_learning,enum=new_terms,enum=saved_query" jsonschema_description:"Only to state or change the type."`
	ruleMembers
	ruleAnswer
}

// AnswerOnly are what a patch leaves out of a rule as answered.
func (in *PatchDetectionRuleInput) AnswerOnly() []string { return answeredRuleMembers }

// Prepare enforces an identifier, at least one change, and members that
// could belong to one rule type (the stored type is not known here).
func (in *PatchDetectionRuleInput) Prepare() error {
	if err := someRuleIdentifier(in.ID, in.RuleID); err != nil {
		return err
	}
	return in.prepareRule(in, &in.ruleMembers, in.Type, false)
}

// PreviewDetectionRuleInput is a rule to try without saving it, and the
// preview's window.
type PreviewDetectionRuleInput struct {
	InvocationCount      int    `json:"invocationCount" jsonschema:"required,minimum=1" jsonschema_description:"Runs to simulate, back from timeframeEnd at the rule's interval."`
	TimeframeEnd         string `json:"timeframeEnd" jsonschema:"required,format=date-time"`
	EnableLoggedRequests bool   `json:"enable_logged_requests,omitempty" in:"query" jsonschema_description:"Also answer the searches run."`
	ruleBasics
	RuleID string `json:"rule_id,omitempty"`
	ruleMembers
	ruleAnswer
}

// AnswerOnly are what a preview leaves out of a rule as answered.
func (in *PreviewDetectionRuleInput) AnswerOnly() []string {
	return append([]string{"id"}, answeredRuleMembers...)
}

// Prepare checks the window's end and that the members given suit the
// rule's type.
func (in *PreviewDetectionRuleInput) Prepare() error {
	if _, err := time.Parse(time.RFC3339, in.TimeframeEnd); err != nil {
		return &schema.ArgumentError{Field: "timeframeEnd", Rule: "must be an RFC 3339 time, e.g. 2025-03-14T12:00:00Z"}
	}
	return in.prepareRule(in, &in.ruleMembers, in.Type, true)
}

// DetectionRuleRefInput names one rule by either of its identifiers.
type DetectionRuleRefInput struct {
	ID     string `json:"id,omitempty" in:"query" jsonschema:"format=uuid" jsonschema_description:"The rule's id. Give this or rule_id."`
	RuleID string `json:"rule_id,omitempty" in:"query"`
}

// Prepare enforces exactly one identifier.
func (in *DetectionRuleRefInput) Prepare() error { return oneRuleIdentifier(in.ID, in.RuleID) }

// someRuleIdentifier enforces at least one of a rule's identifiers: a rule
// given back as read carries both, and Kibana goes by id.
func someRuleIdentifier(id, ruleID string) error {
	switch {
	case id == "" && ruleID == "":
		return &schema.ArgumentError{Field: "id", Rule: "give id or rule_id to name the rule"}
	case id != "" && !ruleObjectID().MatchString(id):
		return &schema.ArgumentError{Field: "id", Rule: "must be the rule's id, a UUID; its own name for itself is rule_id"}
	}
	return nil
}

// ruleObjectID is the shape of a rule's id, which Kibana checks.
var ruleObjectID = lazyRegexp(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// oneRuleIdentifier enforces exactly one of a rule's two identifiers.
func oneRuleIdentifier(id, ruleID string) error {
	switch {
	case id != "" && ruleID != "":
		return &schema.ArgumentError{Field: "rule_id", Rule: "give id or rule_id, not both"}
	case id == "" && ruleID == "":
		return &schema.ArgumentError{Field: "id", Rule: "give id or rule_id to name the rule"}
	}
	return nil
}
