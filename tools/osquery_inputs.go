package tools

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Inputs of the Osquery tools (declared in osquery.go).

// OsqueryECSMapping maps ECS fields to a result column ({"field":"pid"})
// or a static value ({"value":"x"} or a list of strings).
type OsqueryECSMapping map[string]json.RawMessage

// JSONSchemaAlias shows the mapping as a bare object; check enforces it.
func (OsqueryECSMapping) JSONSchemaAlias() any { return json.RawMessage(nil) }

func (m OsqueryECSMapping) check(field string) error {
	for _, key := range slices.Sorted(maps.Keys(m)) {
		at := field + "." + key
		var entry map[string]json.RawMessage
		if json.Unmarshal(m[key], &entry) != nil || entry == nil {
			return &schema.ArgumentError{Field: at, Rule: `must be {"field":"<column>"} or {"value":"<static value>"}`}
		}
		for name := range entry {
			if name != "field" && name != "value" {
				return &schema.ArgumentError{Field: at + "." + name, Rule: "is not allowed; give field or value"}
			}
		}
		rawField, hasField := entry["field"]
		rawValue, hasValue := entry["value"]
		switch {
		case hasField == hasValue:
			return &schema.ArgumentError{Field: at, Rule: "give exactly one of field (a result column) and value (a static value)"}
		case hasField:
			var s string
			if json.Unmarshal(rawField, &s) != nil || strings.TrimSpace(s) == "" {
				return &schema.ArgumentError{Field: at + ".field", Rule: "must be a column name"}
			}
		default:
			var s string
			var list []string
			if json.Unmarshal(rawValue, &s) != nil && json.Unmarshal(rawValue, &list) != nil {
				return &schema.ArgumentError{Field: at + ".value", Rule: "must be a string or a list of strings"}
			}
		}
	}
	return nil
}

// osqueryPlatforms checks a comma-separated platform list.
func osqueryPlatforms(field, s string) error {
	if s == "" {
		return nil
	}
	for _, p := range strings.Split(s, ",") {
		if !slices.Contains([]string{"linux", "darwin", "windows"}, strings.TrimSpace(p)) {
			return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("must list linux, darwin or windows separated by commas, got %q", p)}
		}
	}
	return nil
}

// OsqueryLiveQueryItem is one query of a live query given as a list.
type OsqueryLiveQueryItem struct {
	ID         string            `json:"id" jsonschema:"required,minLength=1" jsonschema_description:"Your name for it."`
	Query      string            `json:"query" jsonschema:"required,minLength=1"`
	ECSMapping OsqueryECSMapping `json:"ecs_mapping,omitempty"`
	Platform   string            `json:"platform,omitempty"`
	Version    string            `json:"version,omitempty"`
}

// RunOsqueryInput runs a live query.
type RunOsqueryInput struct {
	AgentIDs       []string               `json:"agent_ids,omitempty" jsonschema:"uniqueItems=true" jsonschema_description:"Fleet agent ids (find_agents)."`
	AgentPlatforms []string               `json:"agent_platforms,omitempty" jsonschema:"enum=linux,enum=darwin,enum=windows,uniqueItems=true"`
	AgentPolicyIDs []string               `json:"agent_policy_ids,omitempty" jsonschema:"uniqueItems=true"`
	AgentAll       bool                   `json:"agent_all,omitempty" jsonschema_description:"Every enrolled agent; alone."`
	Query          string                 `json:"query,omitempty" jsonschema_description:"osquery SQL, e.g. select * from processes;"`
	SavedQueryID   string                 `json:"saved_query_id,omitempty" jsonschema_description:"A saved query's id."`
	PackID         string                 `json:"pack_id,omitempty" jsonschema_description:"A pack's saved_object_id: runs all its queries."`
	Queries        []OsqueryLiveQueryItem `json:"queries,omitempty" jsonschema:"minItems=1,maxItems=50"`
	ECSMapping     OsqueryECSMapping      `json:"ecs_mapping,omitempty" jsonschema_description:"For query or saved_query_id: {\"<ECS field>\":{\"field\":\"<column>\"}}."`
	AlertIDs       []string               `json:"alert_ids,omitempty" jsonschema_description:"Alerts it investigates."`
	CaseIDs        []string               `json:"case_ids,omitempty"`
	EventIDs       []string               `json:"event_ids,omitempty"`
	Metadata       map[string]any         `json:"metadata,omitempty"`
}

// Prepare checks the agents are chosen one coherent way and that exactly
// one source of queries is given.
func (in *RunOsqueryInput) Prepare() error {
	lists := len(in.AgentIDs) + len(in.AgentPlatforms) + len(in.AgentPolicyIDs)
	switch {
	case in.AgentAll && lists > 0:
		return &schema.ArgumentError{Field: "agent_all", Rule: "selects every agent; leave out agent_ids, agent_platforms and agent_policy_ids, or leave out agent_all"}
	case !in.AgentAll && lists == 0:
		return &schema.ArgumentError{Rule: "choose the agents: agent_ids, agent_platforms, agent_policy_ids (combined as a union), or agent_all: true"}
	}
	var given []string
	for name, set := range map[string]bool{"query": in.Query != "", "saved_query_id": in.SavedQueryID != "", "pack_id": in.PackID != "", "queries": len(in.Queries) > 0} {
		if set {
			given = append(given, name)
		}
	}
	slices.Sort(given)
	switch {
	case len(given) == 0:
		return &schema.ArgumentError{Rule: "give what to run: one of query, saved_query_id, pack_id or queries"}
	case len(given) > 1:
		return &schema.ArgumentError{Field: given[1], Rule: fmt.Sprintf("give only one of query, saved_query_id, pack_id and queries; got %s", strings.Join(given, " and "))}
	}
	if in.Query != "" && strings.TrimSpace(in.Query) == "" {
		return &schema.ArgumentError{Field: "query", Rule: "must not be blank"}
	}
	if len(in.ECSMapping) > 0 {
		if in.PackID != "" || len(in.Queries) > 0 {
			return &schema.ArgumentError{Field: "ecs_mapping", Rule: "applies to query or saved_query_id; a pack's queries have their own, and each entry of queries takes its own"}
		}
		if err := in.ECSMapping.check("ecs_mapping"); err != nil {
			return err
		}
	}
	ids := map[string]bool{}
	for i, q := range in.Queries {
		at := fmt.Sprintf("queries[%d]", i)
		switch {
		case strings.TrimSpace(q.Query) == "":
			return &schema.ArgumentError{Field: at + ".query", Rule: "must not be blank"}
		case ids[q.ID]:
			return &schema.ArgumentError{Field: at + ".id", Rule: fmt.Sprintf("%q names another query too; ids must differ", q.ID)}
		}
		ids[q.ID] = true
		if err := osqueryPlatforms(at+".platform", q.Platform); err != nil {
			return err
		}
		if err := q.ECSMapping.check(at + ".ecs_mapping"); err != nil {
			return err
		}
	}
	return nil
}

// FindOsqueryLiveQueriesInput pages the live queries; Kibana counts these
// pages from 0.
type FindOsqueryLiveQueriesInput struct {
	Kuery     string `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL, e.g. agents:<agent id> or queries.query:*processes*."`
	Page      int    `json:"page,omitempty" in:"query" jsonschema:"minimum=0" jsonschema_description:"0-based."`
	PageSize  int    `json:"pageSize,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 10."`
	Sort      string `json:"sort,omitempty" in:"query" jsonschema_description:"Field; default @timestamp."`
	SortOrder string `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Default desc."`
}

// Prepare keeps the page small unless asked otherwise.
func (in *FindOsqueryLiveQueriesInput) Prepare() error {
	if in.PageSize == 0 {
		in.PageSize = 10
	}
	return nil
}

// GetOsqueryLiveQueryInput names a live query.
type GetOsqueryLiveQueryInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The live query's action_id."`
}

// GetOsqueryResultsInput names one query of a live query and a page of
// its rows.
type GetOsqueryResultsInput struct {
	ID        string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The live query's action_id."`
	ActionID  string `json:"actionId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"queries[].action_id of the query."`
	Kuery     string `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL on the rows, e.g. agent.name:web-01 or osquery.name:sshd."`
	Page      int    `json:"page,omitempty" in:"query" jsonschema:"minimum=0" jsonschema_description:"0-based."`
	PageSize  int    `json:"pageSize,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 10."`
	Sort      string `json:"sort,omitempty" in:"query" jsonschema_description:"Field, e.g. osquery.pid; default @timestamp."`
	SortOrder string `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Default desc."`
}

// Prepare keeps the page small unless asked otherwise: rows of wide tables
// fill a context quickly.
func (in *GetOsqueryResultsInput) Prepare() error {
	if in.PageSize == 0 {
		in.PageSize = 10
	}
	return nil
}

// FindOsquerySavedInput pages packs or saved queries.
type FindOsquerySavedInput struct {
	Page      int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1" jsonschema_description:"1-based."`
	PageSize  int    `json:"pageSize,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
	Sort      string `json:"sort,omitempty" in:"query" jsonschema_description:"createdAt (default) or updatedAt."`
	SortOrder string `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Default desc."`
}

// OsqueryPackIDInput names a pack.
type OsqueryPackIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The pack's saved_object_id."`
}

// OsqueryPackQuery is one query of a pack.
type OsqueryPackQuery struct {
	Query        string            `json:"query"`
	ID           string            `json:"id,omitempty"`
	SavedQueryID string            `json:"saved_query_id,omitempty"`
	Platform     string            `json:"platform,omitempty"`
	Version      string            `json:"version,omitempty"`
	Snapshot     *bool             `json:"snapshot,omitempty"`
	Removed      *bool             `json:"removed,omitempty"`
	ECSMapping   OsqueryECSMapping `json:"ecs_mapping,omitempty"`
}

// OsqueryPackQueries are a pack's queries by name.
type OsqueryPackQueries map[string]OsqueryPackQuery

// JSONSchemaAlias shows the queries as a bare object; check enforces them.
func (OsqueryPackQueries) JSONSchemaAlias() any { return json.RawMessage(nil) }

func (qs OsqueryPackQueries) check() error {
	if len(qs) == 0 {
		return &schema.ArgumentError{Field: "queries", Rule: `must name at least one query: {"<name>":{"query":"select …"}}`}
	}
	for _, name := range slices.Sorted(maps.Keys(qs)) {
		q, at := qs[name], "queries."+name
		if strings.TrimSpace(q.Query) == "" {
			return &schema.ArgumentError{Field: at + ".query", Rule: "is required"}
		}
		if err := osqueryPlatforms(at+".platform", q.Platform); err != nil {
			return err
		}
		if err := q.ECSMapping.check(at + ".ecs_mapping"); err != nil {
			return err
		}
	}
	return nil
}

// osqueryShards checks the per-policy percentages.
func osqueryShards(shards map[string]float64) error {
	for _, policy := range slices.Sorted(maps.Keys(shards)) {
		if pct := shards[policy]; pct < 1 || pct > 100 {
			return &schema.ArgumentError{Field: "shards." + policy, Rule: fmt.Sprintf("must be a percentage from 1 to 100, got %g", pct)}
		}
	}
	return nil
}

// CreateOsqueryPackInput is a new pack.
type CreateOsqueryPackInput struct {
	Name        string             `json:"name" jsonschema:"required,minLength=1"`
	Description string             `json:"description,omitempty"`
	Enabled     *bool              `json:"enabled,omitempty" jsonschema_description:"Default true."`
	PolicyIDs   []string           `json:"policy_ids,omitempty" jsonschema_description:"Agent policies it runs on."`
	Queries     OsqueryPackQueries `json:"queries" jsonschema:"required" jsonschema_description:"{\"<name>\":{\"query\":\"select …\",\"platform\":\"linux\",\"ecs_mapping\":{…}}}"`
	Shards      map[string]float64 `json:"shards,omitempty" jsonschema_description:"Percent (1-100) of each policy's agents."`
}

// Prepare checks the queries and shards.
func (in *CreateOsqueryPackInput) Prepare() error {
	if err := notBlank("name", in.Name); err != nil {
		return err
	}
	if err := in.Queries.check(); err != nil {
		return err
	}
	return osqueryShards(in.Shards)
}

// UpdateOsqueryPackInput changes a pack.
type UpdateOsqueryPackInput struct {
	ID          string             `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The pack's saved_object_id."`
	Name        string             `json:"name,omitempty" jsonschema:"minLength=1"`
	Description *string            `json:"description,omitempty"`
	Enabled     *bool              `json:"enabled,omitempty"`
	PolicyIDs   *[]string          `json:"policy_ids,omitempty" jsonschema_description:"Replaces them; [] removes all."`
	Queries     OsqueryPackQueries `json:"queries,omitempty" jsonschema_description:"Replaces them; as in create_osquery_pack."`
	Shards      map[string]float64 `json:"shards,omitempty"`
}

// Prepare requires something to change and checks it.
func (in *UpdateOsqueryPackInput) Prepare() error {
	if in.Name == "" && in.Description == nil && in.Enabled == nil && in.PolicyIDs == nil && in.Queries == nil && in.Shards == nil {
		return &schema.ArgumentError{Rule: "nothing to change: give at least one field to change: name, description, enabled, policy_ids, queries, shards"}
	}
	if in.Queries != nil {
		if err := in.Queries.check(); err != nil {
			return err
		}
	}
	return osqueryShards(in.Shards)
}

// OsquerySavedQueryIDInput names a saved query.
type OsquerySavedQueryIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The saved query's saved_object_id."`
}

// CreateOsquerySavedQueryInput is a new saved query.
type CreateOsquerySavedQueryInput struct {
	ID          string            `json:"id" jsonschema:"required,minLength=1" jsonschema_description:"Its name, e.g. shell_history; unique."`
	Query       string            `json:"query" jsonschema:"required,minLength=1" jsonschema_description:"osquery SQL."`
	Description string            `json:"description,omitempty"`
	Platform    string            `json:"platform,omitempty" jsonschema_description:"Comma-separated: linux,darwin,windows. Default all."`
	Version     string            `json:"version,omitempty" jsonschema_description:"Minimum osquery version."`
	Interval    string            `json:"interval,omitempty" jsonschema:"pattern=^[0-9]+$" jsonschema_description:"Seconds between runs in packs, e.g. \"3600\"."`
	Snapshot    *bool             `json:"snapshot,omitempty"`
	Removed     *bool             `json:"removed,omitempty"`
	ECSMapping  OsqueryECSMapping `json:"ecs_mapping,omitempty" jsonschema_description:"{\"<ECS field>\":{\"field\":\"<column>\"}}."`
}

// Prepare checks the text members and the mapping.
func (in *CreateOsquerySavedQueryInput) Prepare() error {
	if err := notBlank("id", in.ID); err != nil {
		return err
	}
	if err := notBlank("query", in.Query); err != nil {
		return err
	}
	if err := osqueryPlatforms("platform", in.Platform); err != nil {
		return err
	}
	return in.ECSMapping.check("ecs_mapping")
}

// UpdateOsquerySavedQueryInput changes a saved query.
type UpdateOsquerySavedQueryInput struct {
	ID          string            `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The saved query's saved_object_id."`
	Query       string            `json:"query,omitempty" jsonschema:"minLength=1"`
	Description *string           `json:"description,omitempty"`
	Platform    string            `json:"platform,omitempty" jsonschema_description:"Comma-separated: linux,darwin,windows."`
	Version     string            `json:"version,omitempty"`
	Interval    string            `json:"interval,omitempty" jsonschema:"pattern=^[0-9]+$" jsonschema_description:"Seconds."`
	Snapshot    *bool             `json:"snapshot,omitempty"`
	Removed     *bool             `json:"removed,omitempty"`
	ECSMapping  OsqueryECSMapping `json:"ecs_mapping,omitempty"`
}

// Prepare requires something to change and checks it.
func (in *UpdateOsquerySavedQueryInput) Prepare() error {
	if in.Query == "" && in.Description == nil && in.Platform == "" && in.Version == "" && in.Interval == "" && in.Snapshot == nil && in.Removed == nil && in.ECSMapping == nil {
		return &schema.ArgumentError{Rule: "nothing to change: give at least one field to change: query, description, platform, version, interval, snapshot, removed, ecs_mapping"}
	}
	if in.Query != "" {
		if err := notBlank("query", in.Query); err != nil {
			return err
		}
	}
	if err := osqueryPlatforms("platform", in.Platform); err != nil {
		return err
	}
	return in.ECSMapping.check("ecs_mapping")
}
