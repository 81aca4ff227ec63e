package tools

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// BulkDetectionRuleActionInput is one bulk action over the rules chosen by
// ids or by a KQL query.
type BulkDetectionRuleActionInput struct {
	Action         string            `json:"action" jsonschema:"required,enum=enable,enum=disable,enum=delete,enum=duplicate,enum=edit,enum=export,enum=run,enum=fill_gaps"`
	IDs            []string          `json:"ids,omitempty" jsonschema:"minItems=1" jsonschema_description:"Rule ids. Give these or query."`
	Query          string            `json:"query,omitempty" jsonschema_description:"KQL as in find_detection_rules' filter."`
	GapsRangeStart string            `json:"gaps_range_start,omitempty" jsonschema:"format=date-time" jsonschema_description:"With query and gaps_range_end: only rules with gaps in this range."`
	GapsRangeEnd   string            `json:"gaps_range_end,omitempty" jsonschema:"format=date-time"`
	DryRun         bool              `json:"dry_run,omitempty" in:"query" jsonschema_description:"Check without changing (not for export)."`
	Edit           []json.RawMessage `json:"edit,omitempty" jsonschema_description:"For edit: [{type, value}]. type: add_tags, delete_tags, set_tags (value: strings); add_index_patterns, delete_index_patterns, set_index_patterns (value: strings; overwrite_data_views?); add_investigation_fields, delete_investigation_fields, set_investigation_fields (value: {field_names}); set_timeline (value: {timeline_id, timeline_title}); add_rule_actions, set_rule_actions (value: {actions, throttle?}); set_schedule (value: {interval, lookback}, e.g. 5m); set_alert_suppression (value as in create_detection_rule), set_alert_suppression_for_threshold (value: {duration}), delete_alert_suppression (no value)."`
	Duplicate      json.RawMessage   `json:"duplicate,omitempty" jsonschema_description:"For duplicate: {include_exceptions, include_expired_exceptions} (booleans)."`
	Run            json.RawMessage   `json:"run,omitempty" jsonschema_description:"For run: {start_date, end_date} (ISO)."`
	FillGaps       json.RawMessage   `json:"fill_gaps,omitempty" jsonschema_description:"For fill_gaps: {start_date, end_date}."`
}

// bulkEditValues is what each edit type's value is: a list of strings, or
// an object with these required members (and these optional ones).
var bulkEditValues = map[string]objectRule{
	"add_tags": {}, "delete_tags": {}, "set_tags": {},
	"add_index_patterns": {}, "delete_index_patterns": {}, "set_index_patterns": {},
	"add_investigation_fields":    {required: []string{"field_names"}},
	"delete_investigation_fields": {required: []string{"field_names"}},
	"set_investigation_fields":    {required: []string{"field_names"}},
	"set_timeline":                {required: []string{"timeline_id", "timeline_title"}},
	"add_rule_actions":            {required: []string{"actions"}, optional: []string{"throttle"}},
	"set_rule_actions":            {required: []string{"actions"}, optional: []string{"throttle"}},
	"set_schedule":                {required: []string{"interval", "lookback"}},
	// The suppression values are checked by checkAlertSuppression.
	"set_alert_suppression":               {required: []string{"group_by"}, optional: []string{"duration", "missing_fields_strategy"}},
	"set_alert_suppression_for_threshold": {required: []string{"duration"}},
	"delete_alert_suppression":            {},
}

var bulkScheduleDuration = lazyRegexp(`^[1-9]\d*[smh]$`)

// Prepare checks the choice of rules and that each action has its own
// member and no other action's.
func (in *BulkDetectionRuleActionInput) Prepare() error {
	switch {
	case in.IDs != nil && in.Query != "":
		return &schema.ArgumentError{Field: "query", Rule: "give ids or query, not both"}
	case in.IDs == nil && in.Query == "":
		return &schema.ArgumentError{Field: "ids", Rule: "give ids or a query to choose the rules"}
	case in.DryRun && in.Action == "export":
		return &schema.ArgumentError{Field: "dry_run", Rule: "is not supported for export"}
	case (in.GapsRangeStart != "" || in.GapsRangeEnd != "") && in.Query == "":
		return &schema.ArgumentError{Field: "gaps_range_start", Rule: "is only for rules chosen by query"}
	case (in.GapsRangeStart == "") != (in.GapsRangeEnd == ""):
		return &schema.ArgumentError{Field: "gaps_range_end", Rule: "give gaps_range_start and gaps_range_end together"}
	}
	for _, g := range [][2]string{{"gaps_range_start", in.GapsRangeStart}, {"gaps_range_end", in.GapsRangeEnd}} {
		if _, err := time.Parse(time.RFC3339, g[1]); g[1] != "" && err != nil {
			return &schema.ArgumentError{Field: g[0], Rule: "must be an RFC 3339 time, e.g. 2025-03-13T00:00:00Z"}
		}
	}
	members := []struct {
		name, action string
		given        bool
	}{
		{"edit", "edit", in.Edit != nil},
		{"duplicate", "duplicate", in.Duplicate != nil},
		{"run", "run", in.Run != nil},
		{"fill_gaps", "fill_gaps", in.FillGaps != nil},
	}
	for _, m := range members {
		switch {
		case m.given && in.Action != m.action:
			return &schema.ArgumentError{Field: m.name, Rule: fmt.Sprintf("is only for action %q", m.action)}
		case !m.given && in.Action == m.action && m.name != "duplicate":
			return &schema.ArgumentError{Field: m.name, Rule: fmt.Sprintf("is required for action %q", m.action)}
		}
	}
	if in.Action == "edit" {
		if len(in.Edit) == 0 {
			return &schema.ArgumentError{Field: "edit", Rule: "must list at least one change"}
		}
		for i, raw := range in.Edit {
			if err := checkBulkEdit(fmt.Sprintf("edit[%d]", i), raw); err != nil {
				return err
			}
		}
	}
	if in.Duplicate != nil {
		obj, _ := rawObject(in.Duplicate)
		if err := checkMembers("duplicate", obj, objectRule{required: []string{"include_exceptions", "include_expired_exceptions"}}); err != nil {
			return err
		}
		for _, key := range []string{"include_exceptions", "include_expired_exceptions"} {
			if _, ok := obj[key].(bool); !ok {
				return &schema.ArgumentError{Field: "duplicate." + key, Rule: "must be true or false"}
			}
		}
	}
	for name, raw := range map[string]json.RawMessage{"run": in.Run, "fill_gaps": in.FillGaps} {
		if raw == nil {
			continue
		}
		obj, _ := rawObject(raw)
		if err := checkMembers(name, obj, objectRule{required: []string{"start_date", "end_date"}}); err != nil {
			return err
		}
	}
	return nil
}

// checkBulkEdit checks one change of a bulk edit.
func checkBulkEdit(at string, raw json.RawMessage) error {
	obj, ok := rawObject(raw)
	if !ok {
		return &schema.ArgumentError{Field: at, Rule: "must be {type, value}"}
	}
	typ, _ := obj["type"].(string)
	rule, known := bulkEditValues[typ]
	if !known {
		types := make([]string, 0, len(bulkEditValues))
		for t := range bulkEditValues {
			types = append(types, t)
		}
		slices.Sort(types)
		return &schema.ArgumentError{Field: at + ".type", Rule: "must be one of " + strings.Join(types, ", ")}
	}
	if typ == "delete_alert_suppression" {
		return checkMembers(at, obj, objectRule{required: []string{"type"}})
	}
	optional := []string{}
	if strings.HasSuffix(typ, "_index_patterns") {
		optional = append(optional, "overwrite_data_views")
	}
	if err := checkMembers(at, obj, objectRule{required: []string{"type", "value"}, optional: optional}); err != nil {
		return err
	}
	if strings.HasPrefix(typ, "set_alert_suppression") {
		value, isObj := obj["value"].(map[string]any)
		if !isObj {
			return &schema.ArgumentError{Field: at + ".value", Rule: "must be an object for " + typ}
		}
		suppressionType := ""
		if typ == "set_alert_suppression_for_threshold" {
			suppressionType = "threshold"
		}
		return checkAlertSuppression(at+".value", value, suppressionType)
	}
	if rule.required == nil {
		list, isList := obj["value"].([]any)
		if !isList {
			return &schema.ArgumentError{Field: at + ".value", Rule: fmt.Sprintf("must be a list of strings for %s", typ)}
		}
		for _, v := range list {
			if s, isStr := v.(string); !isStr || s == "" {
				return &schema.ArgumentError{Field: at + ".value", Rule: "must hold non-empty strings"}
			}
		}
		return nil
	}
	value, isObj := obj["value"].(map[string]any)
	if !isObj {
		return &schema.ArgumentError{Field: at + ".value", Rule: fmt.Sprintf("must be an object for %s", typ)}
	}
	if err := checkMembers(at+".value", value, rule); err != nil {
		return err
	}
	if typ == "set_schedule" {
		for _, key := range []string{"interval", "lookback"} {
			if s, _ := value[key].(string); !bulkScheduleDuration().MatchString(s) {
				return &schema.ArgumentError{Field: at + ".value." + key, Rule: "must be a duration in s, m or h, e.g. 5m"}
			}
		}
	}
	return nil
}

// ExportDetectionRulesInput names the rules to export; none means all.
type ExportDetectionRulesInput struct {
	Objects              []ExportRuleRef `json:"objects,omitempty" jsonschema:"minItems=1" jsonschema_description:"Rules by rule_id (not id); default all."`
	ExcludeExportDetails bool            `json:"exclude_export_details,omitempty" in:"query" jsonschema_description:"Leave out the summary line."`
	FileName             string          `json:"file_name,omitempty" in:"query" jsonschema_description:"Default export.ndjson."`
}

// ExportRuleRef is one rule to export.
type ExportRuleRef struct {
	RuleID string `json:"rule_id" jsonschema:"required,minLength=1"`
}

// Request builds the export itself: Kibana exports every rule for a null
// body, while {} (what a body of only omitted members would be) is refused
// for lacking objects and {"objects":[]} exports none.
func (in *ExportDetectionRulesInput) Request() (*kibana.Request, error) {
	req := &kibana.Request{Method: http.MethodPost, Path: "/api/detection_engine/rules/_export", APIVersion: operation.V20231031, Retryable: true}
	if in.ExcludeExportDetails || in.FileName != "" {
		req.Query = url.Values{}
		if in.ExcludeExportDetails {
			req.Query.Set("exclude_export_details", "true")
		}
		if in.FileName != "" {
			req.Query.Set("file_name", in.FileName)
		}
	}
	req.Body = []byte("null")
	if len(in.Objects) > 0 {
		body, err := json.Marshal(map[string]any{"objects": in.Objects})
		if err != nil {
			return nil, err
		}
		req.Body = body
	}
	return req, nil
}

// ImportDetectionRulesInput is an ndjson file of rules and the overwrite
// options.
type ImportDetectionRulesInput struct {
	File                      string `json:"file" in:"formfile,ndjson" jsonschema:"required,minLength=1" jsonschema_description:"The ndjson text, one rule per line."`
	Overwrite                 bool   `json:"overwrite,omitempty" in:"query" jsonschema_description:"Replace rules with the same rule_id."`
	OverwriteExceptions       bool   `json:"overwrite_exceptions,omitempty" in:"query"`
	OverwriteActionConnectors bool   `json:"overwrite_action_connectors,omitempty" in:"query"`
	AsNewList                 bool   `json:"as_new_list,omitempty" in:"query" jsonschema_description:"New list_ids for imported exception lists."`
}
