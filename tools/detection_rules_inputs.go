package tools

import (
	"encoding/json"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The bodies of create, update, patch and preview are the same rule, each
// with its own required members; bind.go reads one flat struct per tool, so
// the members are listed in each. Nested objects that few rules carry
// (threshold, threat_mapping, actions, …) show as bare objects and are
// checked by checkDetectionRule (detection_rules_check.go).

// CreateDetectionRuleInput is a new detection rule.
type CreateDetectionRuleInput struct {
	Name                 string            `json:"name" jsonschema:"required,minLength=1"`
	Description          string            `json:"description" jsonschema:"required,minLength=1"`
	RiskScore            int               `json:"risk_score" jsonschema:"required,minimum=0,maximum=100"`
	Severity             string            `json:"severity" jsonschema:"required,enum=low,enum=medium,enum=high,enum=critical"`
	Type                 string            `json:"type" jsonschema:"required,enum=query,enum=eql,enum=esql,enum=threshold,enum=threat_match,enum=machine_learning,enum=new_terms,enum=saved_query"`
	RuleID               string            `json:"rule_id,omitempty" jsonschema_description:"Stable id; default a new UUID."`
	Enabled              *bool             `json:"enabled,omitempty" jsonschema_description:"Default true."`
	Tags                 []string          `json:"tags,omitempty"`
	Interval             string            `json:"interval,omitempty" jsonschema_description:"Run every, e.g. 5m."`
	From                 string            `json:"from,omitempty" jsonschema_description:"Look-back, e.g. now-6m."`
	To                   string            `json:"to,omitempty"`
	Index                []string          `json:"index,omitempty"`
	DataViewID           string            `json:"data_view_id,omitempty"`
	Query                string            `json:"query,omitempty"`
	Language             string            `json:"language,omitempty" jsonschema:"enum=kuery,enum=lucene,enum=eql,enum=esql"`
	Filters              []json.RawMessage `json:"filters,omitempty"`
	SavedID              string            `json:"saved_id,omitempty"`
	Threshold            json.RawMessage   `json:"threshold,omitempty" jsonschema_description:"{field, value, cardinality?}"`
	ThreatIndex          []string          `json:"threat_index,omitempty"`
	ThreatQuery          string            `json:"threat_query,omitempty"`
	ThreatMapping        []json.RawMessage `json:"threat_mapping,omitempty" jsonschema_description:"[{entries:[{field, type:mapping, value}]}]"`
	ThreatIndicatorPath  string            `json:"threat_indicator_path,omitempty"`
	AnomalyThreshold     *int              `json:"anomaly_threshold,omitempty" jsonschema:"minimum=0"`
	MachineLearningJobID []string          `json:"machine_learning_job_id,omitempty" jsonschema:"minItems=1"`
	NewTermsFields       []string          `json:"new_terms_fields,omitempty" jsonschema:"minItems=1,maxItems=3"`
	HistoryWindowStart   string            `json:"history_window_start,omitempty" jsonschema_description:"e.g. now-14d"`
	AlertSuppression     json.RawMessage   `json:"alert_suppression,omitempty"`
	MaxSignals           int               `json:"max_signals,omitempty" jsonschema:"minimum=1"`
	Note                 string            `json:"note,omitempty" jsonschema_description:"Investigation guide (markdown)."`
	Author               []string          `json:"author,omitempty"`
	References           []string          `json:"references,omitempty"`
	FalsePositives       []string          `json:"false_positives,omitempty"`
	Threat               []json.RawMessage `json:"threat,omitempty" jsonschema_description:"MITRE: [{framework, tactic{id,name,reference}, technique?}]"`
	Actions              []json.RawMessage `json:"actions,omitempty" jsonschema_description:"[{action_type_id, id, params, group?, frequency?}]"`
	ExceptionsList       []json.RawMessage `json:"exceptions_list,omitempty" jsonschema_description:"[{id, list_id, type, namespace_type}]"`
}

// Prepare checks that the members given suit the rule's type.
func (in *CreateDetectionRuleInput) Prepare() error {
	return checkDetectionRule(in, in.Type, true)
}

// UpdateDetectionRuleInput replaces a rule: members left out are reset.
type UpdateDetectionRuleInput struct {
	ID                   string            `json:"id,omitempty" jsonschema_description:"The rule's id. Give this or rule_id."`
	RuleID               string            `json:"rule_id,omitempty"`
	Name                 string            `json:"name" jsonschema:"required,minLength=1"`
	Description          string            `json:"description" jsonschema:"required,minLength=1"`
	RiskScore            int               `json:"risk_score" jsonschema:"required,minimum=0,maximum=100"`
	Severity             string            `json:"severity" jsonschema:"required,enum=low,enum=medium,enum=high,enum=critical"`
	Type                 string            `json:"type" jsonschema:"required,enum=query,enum=eql,enum=esql,enum=threshold,enum=threat_match,enum=machine_learning,enum=new_terms,enum=saved_query"`
	Enabled              *bool             `json:"enabled,omitempty"`
	Tags                 []string          `json:"tags,omitempty"`
	Interval             string            `json:"interval,omitempty"`
	From                 string            `json:"from,omitempty"`
	To                   string            `json:"to,omitempty"`
	Index                []string          `json:"index,omitempty"`
	DataViewID           string            `json:"data_view_id,omitempty"`
	Query                string            `json:"query,omitempty"`
	Language             string            `json:"language,omitempty" jsonschema:"enum=kuery,enum=lucene,enum=eql,enum=esql"`
	Filters              []json.RawMessage `json:"filters,omitempty"`
	SavedID              string            `json:"saved_id,omitempty"`
	Threshold            json.RawMessage   `json:"threshold,omitempty"`
	ThreatIndex          []string          `json:"threat_index,omitempty"`
	ThreatQuery          string            `json:"threat_query,omitempty"`
	ThreatMapping        []json.RawMessage `json:"threat_mapping,omitempty"`
	ThreatIndicatorPath  string            `json:"threat_indicator_path,omitempty"`
	AnomalyThreshold     *int              `json:"anomaly_threshold,omitempty" jsonschema:"minimum=0"`
	MachineLearningJobID []string          `json:"machine_learning_job_id,omitempty" jsonschema:"minItems=1"`
	NewTermsFields       []string          `json:"new_terms_fields,omitempty" jsonschema:"minItems=1,maxItems=3"`
	HistoryWindowStart   string            `json:"history_window_start,omitempty"`
	AlertSuppression     json.RawMessage   `json:"alert_suppression,omitempty"`
	MaxSignals           int               `json:"max_signals,omitempty" jsonschema:"minimum=1"`
	Note                 string            `json:"note,omitempty"`
	Author               []string          `json:"author,omitempty"`
	References           []string          `json:"references,omitempty"`
	FalsePositives       []string          `json:"false_positives,omitempty"`
	Threat               []json.RawMessage `json:"threat,omitempty"`
	Actions              []json.RawMessage `json:"actions,omitempty"`
	ExceptionsList       []json.RawMessage `json:"exceptions_list,omitempty"`
}

// Prepare enforces one identifier and members that suit the type.
func (in *UpdateDetectionRuleInput) Prepare() error {
	if err := oneRuleIdentifier(in.ID, in.RuleID); err != nil {
		return err
	}
	return checkDetectionRule(in, in.Type, true)
}

// PatchDetectionRuleInput changes only the members given.
type PatchDetectionRuleInput struct {
	ID                   string            `json:"id,omitempty" jsonschema_description:"The rule's id. Give this or rule_id."`
	RuleID               string            `json:"rule_id,omitempty"`
	Name                 string            `json:"name,omitempty" jsonschema:"minLength=1"`
	Description          string            `json:"description,omitempty" jsonschema:"minLength=1"`
	RiskScore            *int              `json:"risk_score,omitempty" jsonschema:"minimum=0,maximum=100"`
	Severity             string            `json:"severity,omitempty" jsonschema:"enum=low,enum=medium,enum=high,enum=critical"`
	Type                 string            `json:"type,omitempty" jsonschema:"enum=query,enum=eql,enum=esql,enum=threshold,enum=threat_match,enum=machine_learning,enum=new_terms,enum=saved_query" jsonschema_description:"Only to state or change the type."`
	Enabled              *bool             `json:"enabled,omitempty"`
	Tags                 []string          `json:"tags,omitempty" jsonschema_description:"Replaces the tags."`
	Interval             string            `json:"interval,omitempty"`
	From                 string            `json:"from,omitempty"`
	To                   string            `json:"to,omitempty"`
	Index                []string          `json:"index,omitempty"`
	DataViewID           string            `json:"data_view_id,omitempty"`
	Query                string            `json:"query,omitempty"`
	Language             string            `json:"language,omitempty" jsonschema:"enum=kuery,enum=lucene,enum=eql,enum=esql"`
	Filters              []json.RawMessage `json:"filters,omitempty"`
	SavedID              string            `json:"saved_id,omitempty"`
	Threshold            json.RawMessage   `json:"threshold,omitempty"`
	ThreatIndex          []string          `json:"threat_index,omitempty"`
	ThreatQuery          string            `json:"threat_query,omitempty"`
	ThreatMapping        []json.RawMessage `json:"threat_mapping,omitempty"`
	ThreatIndicatorPath  string            `json:"threat_indicator_path,omitempty"`
	AnomalyThreshold     *int              `json:"anomaly_threshold,omitempty" jsonschema:"minimum=0"`
	MachineLearningJobID []string          `json:"machine_learning_job_id,omitempty" jsonschema:"minItems=1"`
	NewTermsFields       []string          `json:"new_terms_fields,omitempty" jsonschema:"minItems=1,maxItems=3"`
	HistoryWindowStart   string            `json:"history_window_start,omitempty"`
	AlertSuppression     json.RawMessage   `json:"alert_suppression,omitempty"`
	MaxSignals           int               `json:"max_signals,omitempty" jsonschema:"minimum=1"`
	Note                 string            `json:"note,omitempty"`
	Author               []string          `json:"author,omitempty"`
	References           []string          `json:"references,omitempty"`
	FalsePositives       []string          `json:"false_positives,omitempty"`
	Threat               []json.RawMessage `json:"threat,omitempty"`
	Actions              []json.RawMessage `json:"actions,omitempty"`
	ExceptionsList       []json.RawMessage `json:"exceptions_list,omitempty"`
}

// Prepare enforces one identifier, at least one change, and members that
// could belong to one rule type (the stored type is not known here).
func (in *PatchDetectionRuleInput) Prepare() error {
	if err := oneRuleIdentifier(in.ID, in.RuleID); err != nil {
		return err
	}
	return checkDetectionRule(in, in.Type, false)
}

// PreviewDetectionRuleInput is a rule to try without saving it: only the
// members that decide what it matches, and the preview's window.
type PreviewDetectionRuleInput struct {
	InvocationCount      int               `json:"invocationCount" jsonschema:"required,minimum=1" jsonschema_description:"Runs to simulate, back from timeframeEnd at the rule's interval."`
	TimeframeEnd         string            `json:"timeframeEnd" jsonschema:"required,format=date-time"`
	EnableLoggedRequests bool              `json:"enable_logged_requests,omitempty" in:"query" jsonschema_description:"Also answer the searches run."`
	Name                 string            `json:"name" jsonschema:"required,minLength=1"`
	Description          string            `json:"description" jsonschema:"required,minLength=1"`
	RiskScore            int               `json:"risk_score" jsonschema:"required,minimum=0,maximum=100"`
	Severity             string            `json:"severity" jsonschema:"required,enum=low,enum=medium,enum=high,enum=critical"`
	Type                 string            `json:"type" jsonschema:"required,enum=query,enum=eql,enum=esql,enum=threshold,enum=threat_match,enum=machine_learning,enum=new_terms,enum=saved_query"`
	Interval             string            `json:"interval,omitempty"`
	From                 string            `json:"from,omitempty"`
	Index                []string          `json:"index,omitempty"`
	DataViewID           string            `json:"data_view_id,omitempty"`
	Query                string            `json:"query,omitempty"`
	Language             string            `json:"language,omitempty" jsonschema:"enum=kuery,enum=lucene,enum=eql,enum=esql"`
	Filters              []json.RawMessage `json:"filters,omitempty"`
	SavedID              string            `json:"saved_id,omitempty"`
	Threshold            json.RawMessage   `json:"threshold,omitempty"`
	ThreatIndex          []string          `json:"threat_index,omitempty"`
	ThreatQuery          string            `json:"threat_query,omitempty"`
	ThreatMapping        []json.RawMessage `json:"threat_mapping,omitempty"`
	ThreatIndicatorPath  string            `json:"threat_indicator_path,omitempty"`
	AnomalyThreshold     *int              `json:"anomaly_threshold,omitempty" jsonschema:"minimum=0"`
	MachineLearningJobID []string          `json:"machine_learning_job_id,omitempty" jsonschema:"minItems=1"`
	NewTermsFields       []string          `json:"new_terms_fields,omitempty" jsonschema:"minItems=1,maxItems=3"`
	HistoryWindowStart   string            `json:"history_window_start,omitempty"`
	AlertSuppression     json.RawMessage   `json:"alert_suppression,omitempty"`
	MaxSignals           int               `json:"max_signals,omitempty" jsonschema:"minimum=1"`
}

// Prepare checks that the members given suit the rule's type.
func (in *PreviewDetectionRuleInput) Prepare() error {
	return checkDetectionRule(in, in.Type, true)
}

// DetectionRuleRefInput names one rule by either of its identifiers.
type DetectionRuleRefInput struct {
	ID     string `json:"id,omitempty" in:"query" jsonschema:"format=uuid" jsonschema_description:"The rule's id. Give this or rule_id."`
	RuleID string `json:"rule_id,omitempty" in:"query"`
}

// Prepare enforces exactly one identifier.
func (in *DetectionRuleRefInput) Prepare() error { return oneRuleIdentifier(in.ID, in.RuleID) }

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
