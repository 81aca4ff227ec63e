package tools

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Security detection engine: the alerts detection rules raise (search,
// status, tags, assignees), the rules themselves (read only here), and the
// migration of old alert indices, which is settings work (Admin).
var detectionsOperations = []*operation.Operation{
	{
		// A POST that only reads: ReadRoutes lets it through in read-only mode.
		Name:        "search_detection_alerts",
		Title:       "Search detection alerts",
		Description: "Search, count or aggregate security detection alerts (by severity, rule, host, user, status, time) with Elasticsearch query DSL.",
		Toolset:     "detections",
		Method:      http.MethodPost,
		Path:        "/api/detection_engine/signals/search",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       SearchDetectionAlertsInput{},
		Examples: []string{
			`{}`,
			`{"query":{"bool":{"filter":[{"term":{"kibana.alert.workflow_status":"open"}},{"range":{"@timestamp":{"gte":"now-24h"}}}]}},"aggs":{"by_rule":{"terms":{"field":"kibana.alert.rule.name","size":10}}},"size":5,"sort":[{"@timestamp":"desc"}],"_source":["@timestamp","kibana.alert.rule.name","kibana.alert.severity","host.name"],"track_total_hits":true,"fields":["hour","host.ip"],"runtime_mappings":{"hour":{"type":"long","script":{"source":"emit(doc['@timestamp'].value.getHour())"}}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "set_alert_status",
		Title:       "Set detection alert status",
		Description: "Open, acknowledge or close detection alerts by ID or by query; replaces their workflow status.",
		Toolset:     "detections",
		Method:      http.MethodPost,
		Path:        "/api/detection_engine/signals/status",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       SetAlertStatusInput{},
		Examples: []string{
			`{"status":"closed","signal_ids":["681c2a707335aa7df5f349b70013d87254746191712ecf0ced9b3e2d538503a6"]}`,
			`{"status":"closed","reason":"false_positive","query":{"bool":{"filter":[{"term":{"kibana.alert.rule.name":"Multiple failed logins"}},{"term":{"host.name":"build-agent-07"}}]}},"conflicts":"proceed","space_id":"soc"}`,
			`{"status":"closed","reason":"duplicate","signal_ids":["681c2a707335aa7df5f349b70013d87254746191712ecf0ced9b3e2d538503a6","09f0c261e39e36351d75995b78bb83673774d1bc2cca9df2d15f0e5c0a99a540"]}`,
		},
	},
	{
		// Alert tagging: 8.9 (security-docs PR #3542, v8.9.0).
		Name:         "set_alert_tags",
		Availability: sinceIn("detections", "8.9.0"),
		Title:        "Tag detection alerts",
		Description:  "Add tags to detection alerts or remove tags from them; other tags stay.",
		Toolset:      "detections",
		Method:       http.MethodPost,
		Path:         "/api/detection_engine/signals/tags",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Overwrites:   true,
		Input:        SetAlertTagsInput{},
		Examples: []string{
			`{"ids":["681c2a707335aa7df5f349b70013d87254746191712ecf0ced9b3e2d538503a6"],"tags":{"tags_to_add":["phishing"]}}`,
			`{"ids":["681c2a707335aa7df5f349b70013d87254746191712ecf0ced9b3e2d538503a6","09f0c261e39e36351d75995b78bb83673774d1bc2cca9df2d15f0e5c0a99a540"],"tags":{"tags_to_add":["confirmed"],"tags_to_remove":["needs-review"]},"space_id":"soc"}`,
		},
	},
	{
		// Alert assignees: 8.12 (security-docs issue #4461, Kibana PR #170579).
		Name:         "set_alert_assignees",
		Availability: sinceIn("detections", "8.12.0"),
		Title:        "Assign detection alerts",
		Description:  "Assign users to detection alerts or unassign them; other assignees stay.",
		Toolset:      "detections",
		Method:       http.MethodPost,
		Path:         "/api/detection_engine/signals/assignees",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Overwrites:   true,
		Input:        SetAlertAssigneesInput{},
		Examples: []string{
			`{"ids":["681c2a707335aa7df5f349b70013d87254746191712ecf0ced9b3e2d538503a6"],"assignees":{"add":["u_MxY0jbrft7EcfC6iNZSUGeI_n6iYrSwZj5mWF5EqmSU_0"]}}`,
			`{"ids":["681c2a707335aa7df5f349b70013d87254746191712ecf0ced9b3e2d538503a6","09f0c261e39e36351d75995b78bb83673774d1bc2cca9df2d15f0e5c0a99a540"],"assignees":{"add":["u_MxY0jbrft7EcfC6iNZSUGeI_n6iYrSwZj5mWF5EqmSU_0"],"remove":["u_J41Oh6L9ki-Vo2tOogS8WRTENzhHurGtRc87NgEAlkc_0"]},"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_detection_rules",
		Title:       "Find detection rules",
		Description: "Search the security detection rules by name, tags or state; returns their definitions.",
		Toolset:     "detections",
		Method:      http.MethodGet,
		Path:        "/api/detection_engine/rules/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindDetectionRulesInput{},
		Examples: []string{
			`{}`,
			`{"filter":"alert.attributes.enabled:true and alert.attributes.tags:\"Windows\"","fields":["name","enabled","severity","risk_score"],"sort_field":"risk_score","sort_order":"desc","page":2,"per_page":50,"space_id":"soc"}`,
			`{"gaps_range_start":"2025-03-13T00:00:00.000Z","gaps_range_end":"2025-03-14T00:00:00.000Z"}`,
		},
	},
	{
		Name:        "get_detection_rule",
		Title:       "Get detection rule",
		Description: "Fetch one detection rule (query, schedule, actions, last run) by id or rule_id.",
		Toolset:     "detections",
		Method:      http.MethodGet,
		Path:        "/api/detection_engine/rules",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetDetectionRuleInput{},
		Examples: []string{
			`{"id":"94e80e20-cb5a-11ee-b8f3-8b4e5c0e6d2a"}`,
			`{"rule_id":"bfeaf89b-a2a7-48a3-817f-e41829dc61ee","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_alerts_migration",
		Title:       "Start detection alerts migration",
		Description: "Start reindexing outdated detection alert indices (see get_alerts_migration_status) into the current mapping; returns migration ids.",
		Toolset:     "detections",
		Method:      http.MethodPost,
		Path:        "/api/detection_engine/signals/migration",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateAlertsMigrationInput{},
		Examples: []string{
			`{"index":[".siem-signals-default-000001"]}`,
			`{"index":[".siem-signals-default-000001",".siem-signals-default-000002"],"requests_per_second":500,"size":1000,"slices":2,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_alerts_migration_status",
		Title:       "Get detection alerts migration status",
		Description: "List the detection alert indices holding alerts newer than from, whether each is outdated, and its migrations.",
		Toolset:     "detections",
		Method:      http.MethodGet,
		Path:        "/api/detection_engine/signals/migration_status",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       GetAlertsMigrationStatusInput{},
		Examples: []string{
			`{"from":"now-30d"}`,
			`{"from":"now-1y","space_id":"soc"}`,
		},
	},
	{
		Name:        "finalize_alerts_migration",
		Title:       "Finalize detection alerts migration",
		Description: "Finish completed alert migrations: moves the alerts alias from each original index to its migrated copy. Safe to repeat while one still runs.",
		Toolset:     "detections",
		Method:      http.MethodPost,
		Path:        "/api/detection_engine/signals/finalize_migration",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       MigrationIDsInput{},
		Examples: []string{
			`{"migration_ids":["924f7c50-505f-11eb-ae0a-3fa2e626a51d"]}`,
			`{"migration_ids":["924f7c50-505f-11eb-ae0a-3fa2e626a51d","a3b1c2d0-505f-11eb-ae0a-3fa2e626a51d"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_alerts_migration",
		Title:       "Clean up detection alerts migration",
		Description: "Clean up finalized alert migrations: removes their artifacts and sets each original index to be deleted after 30 days.",
		Toolset:     "detections",
		Method:      http.MethodDelete,
		Path:        "/api/detection_engine/signals/migration",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       MigrationIDsInput{},
		Examples: []string{
			`{"migration_ids":["924f7c50-505f-11eb-ae0a-3fa2e626a51d"]}`,
			`{"migration_ids":["924f7c50-505f-11eb-ae0a-3fa2e626a51d","a3b1c2d0-505f-11eb-ae0a-3fa2e626a51d"],"space_id":"soc"}`,
		},
	},
}

// SearchDetectionAlertsInput is an Elasticsearch search request over the
// space's alerts index. Where the query DSL is open (query, aggs, runtime
// mappings) the schema shows a free-form object; Prepare catches the
// mistakes Elasticsearch would answer with a parse error.
type SearchDetectionAlertsInput struct {
	Query           json.RawMessage   `json:"query,omitempty" jsonschema_description:"One query clause, e.g. {\"term\":{\"kibana.alert.workflow_status\":\"open\"}}; default all alerts."`
	Aggs            json.RawMessage   `json:"aggs,omitempty"`
	Size            *int              `json:"size,omitempty" jsonschema:"minimum=0,maximum=10000" jsonschema_description:"Alerts to return; default 10, 0 for aggs only."`
	Sort            []json.RawMessage `json:"sort,omitempty" jsonschema_description:"E.g. [{\"@timestamp\":\"desc\"}]."`
	Source          []string          `json:"_source,omitempty" jsonschema_description:"Fields to return; default a summary (rule, severity, status, reason, host, user)."`
	Full            bool              `json:"full,omitempty" in:"tool" jsonschema_description:"Whole alert documents."`
	TrackTotalHits  bool              `json:"track_total_hits,omitempty" jsonschema_description:"Count every match, not just the first 10,000."`
	RuntimeMappings json.RawMessage   `json:"runtime_mappings,omitempty"`
	Fields          []string          `json:"fields,omitempty" jsonschema_description:"Also these, runtime ones too."`
}

// Prepare checks the query DSL where a slip is common.
func (in *SearchDetectionAlertsInput) Prepare() error {
	if err := checkQueryClause("query", in.Query); err != nil {
		return err
	}
	if aggs, ok := rawObject(in.Aggs); ok {
		for _, name := range slices.Sorted(maps.Keys(aggs)) {
			if _, isObject := aggs[name].(map[string]any); !isObject {
				return &schema.ArgumentError{Field: "aggs." + name, Rule: "must be an aggregation object, e.g. {\"terms\":{\"field\":\"host.name\"}}"}
			}
		}
	}
	for i, raw := range in.Sort {
		m, ok := rawObject(raw)
		if !ok || len(m) != 1 {
			return &schema.ArgumentError{Field: fmt.Sprintf("sort[%d]", i), Rule: "must name one field, e.g. {\"@timestamp\":\"desc\"}"}
		}
	}
	if in.Size == nil {
		// Kibana refuses an empty search body, and Elasticsearch's own
		// default is the small page we want anyway.
		ten := 10
		in.Size = &ten
	}
	if in.Source == nil && !in.Full {
		in.Source = alertSummaryFields
	}
	return nil
}

// checkQueryClause checks that a query DSL argument, when given, is exactly
// one clause and not a whole search request.
func checkQueryClause(field string, raw json.RawMessage) error {
	q, ok := rawObject(raw)
	if !ok {
		return nil
	}
	switch {
	case len(q) == 0:
		return &schema.ArgumentError{Field: field, Rule: "must hold a query clause, e.g. {\"match_all\":{}}; leave it out to match every alert"}
	case q["query"] != nil:
		return &schema.ArgumentError{Field: field, Rule: "is the query clause itself (bool, term, match…); do not wrap it in {\"query\": …}"}
	case len(q) > 1:
		return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("must hold exactly one clause, not %s; combine them in {\"bool\":{\"filter\":[…]}}", strings.Join(slices.Sorted(maps.Keys(q)), ", "))}
	}
	return nil
}

// SetAlertStatusInput sets the status of alerts named by ID or by query.
type SetAlertStatusInput struct {
	Status    string          `json:"status" jsonschema:"required,enum=open,enum=acknowledged,enum=closed"`
	SignalIDs []string        `json:"signal_ids,omitempty" jsonschema:"minItems=1,minLength=1" jsonschema_description:"Alert _ids. Give these or query."`
	Query     json.RawMessage `json:"query,omitempty" jsonschema_description:"Query DSL clause choosing the alerts."`
	Reason    string          `json:"reason,omitempty" jsonschema:"enum=false_positive,enum=duplicate,enum=true_positive,enum=benign_positive,enum=automated_closure,enum=other" jsonschema_description:"Only when closing."`
	Conflicts string          `json:"conflicts,omitempty" jsonschema:"enum=abort,enum=proceed" jsonschema_description:"With query: proceed past alerts changed meanwhile; default abort."`
}

// Prepare enforces exactly one way of choosing the alerts, and the members
// that only go with one status or one way.
func (in *SetAlertStatusInput) Prepare() error {
	switch {
	case in.SignalIDs != nil && in.Query != nil:
		return &schema.ArgumentError{Field: "query", Rule: "give signal_ids or query, not both"}
	case in.SignalIDs == nil && in.Query == nil:
		return &schema.ArgumentError{Field: "signal_ids", Rule: "give signal_ids (alert _ids) or query to choose the alerts"}
	case in.Reason != "" && in.Status != "closed":
		return &schema.ArgumentError{Field: "reason", Rule: fmt.Sprintf("is only for status \"closed\", not %q", in.Status)}
	case in.Conflicts != "" && in.Query == nil:
		return &schema.ArgumentError{Field: "conflicts", Rule: "is only for a query; leave it out with signal_ids"}
	}
	if in.Query != nil {
		if _, ok := rawObject(in.Query); !ok {
			return &schema.ArgumentError{Field: "query", Rule: "must be a query DSL object"}
		}
		return checkQueryClause("query", in.Query)
	}
	return nil
}

// SetAlertTagsInput adds and removes tags on alerts.
type SetAlertTagsInput struct {
	IDs  []string    `json:"ids" jsonschema:"required,minItems=1,minLength=1" jsonschema_description:"Alert _ids."`
	Tags *TagChanges `json:"tags" jsonschema:"required"`
}

// TagChanges are the tags to add and to remove; Kibana wants both lists.
type TagChanges struct {
	Add    []string `json:"tags_to_add" jsonschema:"minLength=1"`
	Remove []string `json:"tags_to_remove" jsonschema:"minLength=1"`
}

// Prepare fills the list not given and checks the change is one.
func (in *SetAlertTagsInput) Prepare() error {
	if err := checkAddRemove("tags", "tags_to_add", "tags_to_remove", "tag", &in.Tags.Add, &in.Tags.Remove); err != nil {
		return err
	}
	return nil
}

// SetAlertAssigneesInput assigns and unassigns users on alerts.
type SetAlertAssigneesInput struct {
	IDs       []string         `json:"ids" jsonschema:"required,minItems=1,minLength=1" jsonschema_description:"Alert _ids."`
	Assignees *AssigneeChanges `json:"assignees" jsonschema:"required"`
}

// AssigneeChanges are the user profile uids to assign and to unassign;
// Kibana wants both lists.
type AssigneeChanges struct {
	Add    []string `json:"add" jsonschema:"minLength=1" jsonschema_description:"Profile uids (u_…)."`
	Remove []string `json:"remove" jsonschema:"minLength=1"`
}

// Prepare fills the list not given and checks the change is one.
func (in *SetAlertAssigneesInput) Prepare() error {
	return checkAddRemove("assignees", "add", "remove", "user", &in.Assignees.Add, &in.Assignees.Remove)
}

// checkAddRemove turns a missing list into [] (Kibana requires both), and
// refuses a change that adds nothing and removes nothing, or that adds and
// removes the same value.
func checkAddRemove(field, addName, removeName, what string, add, remove *[]string) error {
	if len(*add) == 0 && len(*remove) == 0 {
		return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("give at least one %s in %s or %s", what, addName, removeName)}
	}
	for _, v := range *add {
		if slices.Contains(*remove, v) {
			return &schema.ArgumentError{Field: field + "." + removeName, Rule: fmt.Sprintf("also names %q, which %s adds; a %s cannot be added and removed at once", v, addName, what)}
		}
	}
	if *add == nil {
		*add = []string{}
	}
	if *remove == nil {
		*remove = []string{}
	}
	return nil
}

// FindDetectionRulesInput filters and pages detection rules.
type FindDetectionRulesInput struct {
	Filter         string   `json:"filter,omitempty" in:"query" jsonschema_description:"KQL on alert.attributes (name, enabled, tags…), e.g. alert.attributes.tags:\"Windows\"."`
	Fields         []string `json:"fields,omitempty" in:"query" jsonschema:"maxItems=50" jsonschema_description:"Rule fields to return; default all."`
	SortField      string   `json:"sort_field,omitempty" in:"query" jsonschema:"enum=name,enum=enabled,enum=severity,enum=risk_score,enum=created_at,enum=updated_at,enum=execution_summary.last_execution.date,enum=execution_summary.last_execution.status"`
	SortOrder      string   `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page           int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage        int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 10."`
	GapsRangeStart string   `json:"gaps_range_start,omitempty" in:"query"`
	GapsRangeEnd   string   `json:"gaps_range_end,omitempty" in:"query"`
}

// findDetectionRulesPerPage keeps an unpaged listing small: a rule with its
// query, threat mapping and investigation guide is often 3 to 8 KB of JSON.
const findDetectionRulesPerPage = 10

// Prepare asks for a small page when the model names no page size.
func (in *FindDetectionRulesInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = findDetectionRulesPerPage
	}
	if (in.GapsRangeStart == "") != (in.GapsRangeEnd == "") {
		return &schema.ArgumentError{Field: "gaps_range_end", Rule: "give gaps_range_start and gaps_range_end together"}
	}
	return nil
}

// GetDetectionRuleInput names one rule by either of its identifiers.
type GetDetectionRuleInput struct {
	ID     string `json:"id,omitempty" in:"query" jsonschema_description:"The rule's id (UUID). Give this or rule_id."`
	RuleID string `json:"rule_id,omitempty" in:"query" jsonschema_description:"The rule's stable rule_id."`
}

// Prepare enforces exactly one identifier.
func (in *GetDetectionRuleInput) Prepare() error {
	switch {
	case in.ID != "" && in.RuleID != "":
		return &schema.ArgumentError{Field: "rule_id", Rule: "give id or rule_id, not both"}
	case in.ID == "" && in.RuleID == "":
		return &schema.ArgumentError{Field: "id", Rule: "give id or rule_id to name the rule"}
	}
	return nil
}

// CreateAlertsMigrationInput names the alert indices to migrate.
type CreateAlertsMigrationInput struct {
	Index             []string `json:"index" jsonschema:"required,minItems=1,minLength=1" jsonschema_description:"Outdated indices from get_alerts_migration_status."`
	RequestsPerSecond int      `json:"requests_per_second,omitempty" jsonschema:"minimum=1" jsonschema_description:"Reindex throttle."`
	Size              int      `json:"size,omitempty" jsonschema:"minimum=1" jsonschema_description:"Alerts per batch."`
	Slices            int      `json:"slices,omitempty" jsonschema:"minimum=1" jsonschema_description:"Parallel subtasks."`
}

// GetAlertsMigrationStatusInput bounds the age of the alerts considered.
type GetAlertsMigrationStatusInput struct {
	From string `json:"from" in:"query" jsonschema:"required,minLength=1" jsonschema_description:"Date math, e.g. now-30d."`
}

// MigrationIDsInput names alert migrations.
type MigrationIDsInput struct {
	MigrationIDs []string `json:"migration_ids" jsonschema:"required,minItems=1,minLength=1" jsonschema_description:"From create_alerts_migration or get_alerts_migration_status."`
}
