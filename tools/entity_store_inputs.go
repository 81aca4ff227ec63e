package tools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Inputs of the entity store tools (declared in entity_store.go).

// NoEntityStoreArgs is the input of entity store operations without
// arguments of their own (space_id only).
type NoEntityStoreArgs struct{}

// EntityEngineInput names one engine by its entity type.
type EntityEngineInput struct {
	EntityType string `json:"entityType" in:"path" jsonschema:"required,enum=user,enum=host,enum=service,enum=generic"`
}

// DeleteEntityEngineInput names the engine to uninstall.
type DeleteEntityEngineInput struct {
	EntityType string `json:"entityType" in:"path" jsonschema:"required,enum=user,enum=host,enum=service,enum=generic"`
	Data       *bool  `json:"data,omitempty" in:"query" jsonschema_description:"Also delete the engine's entities. Default false."`
}

// EntityStoreStatusInput asks for the store's status.
type EntityStoreStatusInput struct {
	IncludeComponents *bool `json:"include_components,omitempty" in:"query" jsonschema_description:"Add each engine's transform, index, pipeline, policy and task with their health."`
}

// EnableEntityStoreInput installs engines with shared settings. The settings
// members repeat InitEntityEngineInput's: an embedded struct would not bind.
type EnableEntityStoreInput struct {
	EntityTypes                   []string `json:"entityTypes,omitempty" jsonschema:"uniqueItems=true,enum=user,enum=host,enum=service,enum=generic" jsonschema_description:"Default: every type."`
	IndexPattern                  string   `json:"indexPattern,omitempty" jsonschema_description:"Indices read besides the security data view's."`
	Filter                        string   `json:"filter,omitempty" jsonschema_description:"KQL the source documents must match."`
	FieldHistoryLength            *int     `json:"fieldHistoryLength,omitempty" jsonschema:"minimum=0" jsonschema_description:"Values kept per field. Default 10."`
	LookbackPeriod                string   `json:"lookbackPeriod,omitempty" jsonschema:"pattern=^[0-9]+[smdh]$" jsonschema_description:"Default 3h."`
	Frequency                     string   `json:"frequency,omitempty" jsonschema:"pattern=^[0-9]+[smdh]$" jsonschema_description:"Transform run interval. Default 1m."`
	Delay                         string   `json:"delay,omitempty" jsonschema:"pattern=^[0-9]+[smdh]$" jsonschema_description:"Default 1m."`
	Timeout                       string   `json:"timeout,omitempty" jsonschema:"pattern=^[0-9]+[smdh]$" jsonschema_description:"Default 180s."`
	TimestampField                string   `json:"timestampField,omitempty" jsonschema_description:"Default @timestamp."`
	DocsPerSecond                 *int     `json:"docsPerSecond,omitempty" jsonschema:"minimum=-1" jsonschema_description:"Throttle; -1 (default) for none."`
	MaxPageSearchSize             *int     `json:"maxPageSearchSize,omitempty" jsonschema:"minimum=1" jsonschema_description:"Default 500."`
	EnrichPolicyExecutionInterval string   `json:"enrichPolicyExecutionInterval,omitempty" jsonschema:"pattern=^[1-9][0-9]*[smh]$" jsonschema_description:"At most half of lookbackPeriod. Default 1h."`
}

// Prepare checks the enrich interval against the lookback period.
func (in *EnableEntityStoreInput) Prepare() error {
	return checkEnrichInterval(in.EnrichPolicyExecutionInterval, in.LookbackPeriod)
}

// InitEntityEngineInput installs one engine.
type InitEntityEngineInput struct {
	EntityType                    string `json:"entityType" in:"path" jsonschema:"required,enum=user,enum=host,enum=service,enum=generic"`
	IndexPattern                  string `json:"indexPattern,omitempty" jsonschema_description:"Indices read besides the security data view's."`
	Filter                        string `json:"filter,omitempty" jsonschema_description:"KQL the source documents must match."`
	FieldHistoryLength            *int   `json:"fieldHistoryLength,omitempty" jsonschema:"minimum=0" jsonschema_description:"Values kept per field. Default 10."`
	LookbackPeriod                string `json:"lookbackPeriod,omitempty" jsonschema:"pattern=^[0-9]+[smdh]$" jsonschema_description:"Default 3h."`
	Frequency                     string `json:"frequency,omitempty" jsonschema:"pattern=^[0-9]+[smdh]$" jsonschema_description:"Transform run interval. Default 1m."`
	Delay                         string `json:"delay,omitempty" jsonschema:"pattern=^[0-9]+[smdh]$" jsonschema_description:"Default 1m."`
	Timeout                       string `json:"timeout,omitempty" jsonschema:"pattern=^[0-9]+[smdh]$" jsonschema_description:"Default 180s."`
	TimestampField                string `json:"timestampField,omitempty" jsonschema_description:"Default @timestamp."`
	DocsPerSecond                 *int   `json:"docsPerSecond,omitempty" jsonschema:"minimum=-1" jsonschema_description:"Throttle; -1 (default) for none."`
	MaxPageSearchSize             *int   `json:"maxPageSearchSize,omitempty" jsonschema:"minimum=1" jsonschema_description:"Default 500."`
	EnrichPolicyExecutionInterval string `json:"enrichPolicyExecutionInterval,omitempty" jsonschema:"pattern=^[1-9][0-9]*[smh]$" jsonschema_description:"At most half of lookbackPeriod. Default 1h."`
}

// Prepare checks the enrich interval against the lookback period.
func (in *InitEntityEngineInput) Prepare() error {
	return checkEnrichInterval(in.EnrichPolicyExecutionInterval, in.LookbackPeriod)
}

// entityStoreDefaultLookback is the lookback Kibana uses when none is given.
const entityStoreDefaultLookback = "3h"

// checkEnrichInterval applies the spec's rule that the enrich policy runs
// at least twice per lookback period. The patterns have already checked
// the shapes.
func checkEnrichInterval(interval, lookback string) error {
	if interval == "" {
		return nil
	}
	if lookback == "" {
		lookback = entityStoreDefaultLookback
	}
	iv, ok1 := entityStoreDuration(interval)
	lb, ok2 := entityStoreDuration(lookback)
	if ok1 && ok2 && 2*iv > lb {
		return &schema.ArgumentError{Field: "enrichPolicyExecutionInterval", Rule: fmt.Sprintf("must be at most half of lookbackPeriod (%s), so at most %s", lookback, formatEntityStoreDuration(lb/2))}
	}
	return nil
}

// entityStoreDuration reads "90s", "5m", "3h", "1d".
func entityStoreDuration(s string) (time.Duration, bool) {
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 0 {
		return 0, false
	}
	unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[s[len(s)-1]]
	if unit == 0 {
		return 0, false
	}
	return time.Duration(n) * unit, true
}

// formatEntityStoreDuration writes a duration in the largest whole unit.
func formatEntityStoreDuration(d time.Duration) string {
	for _, u := range []struct {
		d    time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}} {
		if d%u.d == 0 {
			return strconv.FormatInt(int64(d/u.d), 10) + u.name
		}
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "s"
}

// EntityFields is an entity's own "entity" object. Its schema is a bare
// object; upsert_entity describes it.
type EntityFields struct {
	ID            string              `json:"id"`
	Name          string              `json:"name,omitempty"`
	Type          string              `json:"type,omitempty"`
	SubType       string              `json:"sub_type,omitempty"`
	Source        string              `json:"source,omitempty"`
	Attributes    map[string]bool     `json:"attributes,omitempty"`
	Lifecycle     map[string]string   `json:"lifecycle,omitempty"`
	Behaviors     map[string]bool     `json:"behaviors,omitempty"`
	Relationships map[string][]string `json:"relationships,omitempty"`
}

// JSONSchemaAlias shows the entity object as a bare object.
func (EntityFields) JSONSchemaAlias() any { return json.RawMessage(nil) }

// The members of the entity object's open maps, as the spec lists them.
var (
	entityAttributeKeys    = []string{"asset", "managed", "mfa_enabled", "privileged"}
	entityBehaviorKeys     = []string{"brute_force_victim", "new_country_login", "used_usb_device"}
	entityLifecycleKeys    = []string{"first_seen", "last_activity"}
	entityRelationshipKeys = []string{"accessed_frequently_by", "accesses_frequently", "communicates_with", "dependent_of", "depends_on", "owned_by", "owns", "supervised_by", "supervises"}
)

func (e *EntityFields) check(field string) error {
	if strings.TrimSpace(e.ID) == "" {
		return &schema.ArgumentError{Field: field + ".id", Rule: "is required: the entity's identity (host name, user name, …)"}
	}
	if err := entityOnlyKeys(field+".attributes", e.Attributes, entityAttributeKeys); err != nil {
		return err
	}
	if err := entityOnlyKeys(field+".behaviors", e.Behaviors, entityBehaviorKeys); err != nil {
		return err
	}
	if err := entityOnlyKeys(field+".relationships", e.Relationships, entityRelationshipKeys); err != nil {
		return err
	}
	if err := entityOnlyKeys(field+".lifecycle", e.Lifecycle, entityLifecycleKeys); err != nil {
		return err
	}
	for _, k := range entityLifecycleKeys {
		if v, ok := e.Lifecycle[k]; ok {
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				return &schema.ArgumentError{Field: field + ".lifecycle." + k, Rule: "must be an RFC 3339 date-time, e.g. 2025-03-14T09:30:00Z"}
			}
		}
	}
	return nil
}

// entityOnlyKeys refuses map members outside allowed, naming the first.
func entityOnlyKeys[V any](field string, m map[string]V, allowed []string) error {
	for k := range m {
		if !slices.Contains(allowed, k) {
			return &schema.ArgumentError{Field: field + "." + k, Rule: "is not a member; use " + strings.Join(allowed, ", ")}
		}
	}
	return nil
}

// EntityAsset is an entity's asset object. Its schema is a bare object.
type EntityAsset struct {
	Criticality  string `json:"criticality,omitempty"`
	BusinessUnit string `json:"business_unit,omitempty"`
	Environment  string `json:"environment,omitempty"`
	ID           string `json:"id,omitempty"`
	Model        string `json:"model,omitempty"`
	Name         string `json:"name,omitempty"`
	Owner        string `json:"owner,omitempty"`
	SerialNumber string `json:"serial_number,omitempty"`
	Vendor       string `json:"vendor,omitempty"`
}

// JSONSchemaAlias shows the asset as a bare object.
func (EntityAsset) JSONSchemaAlias() any { return json.RawMessage(nil) }

var entityCriticalityLevels = []string{"low_impact", "medium_impact", "high_impact", "extreme_impact"}

func (a *EntityAsset) check(field string) error {
	if a.Criticality != "" && !slices.Contains(entityCriticalityLevels, a.Criticality) {
		return &schema.ArgumentError{Field: field + ".criticality", Rule: "must be one of " + strings.Join(entityCriticalityLevels, ", ")}
	}
	return nil
}

// EntityHost is a host entity's host object. Its schema is a bare object.
type EntityHost struct {
	Name         string   `json:"name,omitempty"`
	Hostname     []string `json:"hostname,omitempty"`
	Domain       []string `json:"domain,omitempty"`
	IP           []string `json:"ip,omitempty"`
	MAC          []string `json:"mac,omitempty"`
	ID           []string `json:"id,omitempty"`
	Type         []string `json:"type,omitempty"`
	Architecture []string `json:"architecture,omitempty"`
}

// JSONSchemaAlias shows the host as a bare object.
func (EntityHost) JSONSchemaAlias() any { return json.RawMessage(nil) }

// EntityUser is a user entity's user object. Its schema is a bare object.
type EntityUser struct {
	Name     string    `json:"name,omitempty"`
	Domain   []string  `json:"domain,omitempty"`
	Email    []string  `json:"email,omitempty"`
	FullName []string  `json:"full_name,omitempty"`
	Hash     *[]string `json:"hash,omitempty"`
	ID       []string  `json:"id,omitempty"`
	Roles    []string  `json:"roles,omitempty"`
}

// JSONSchemaAlias shows the user as a bare object.
func (EntityUser) JSONSchemaAlias() any { return json.RawMessage(nil) }

// EntityService is a service entity's service object.
type EntityService struct {
	Name string `json:"name,omitempty"`
}

// JSONSchemaAlias shows the service as a bare object.
func (EntityService) JSONSchemaAlias() any { return json.RawMessage(nil) }

// EntityRecord is one entity as the store takes it: the entity object and,
// for hosts, users and services, their own object. Its schema is a bare
// object; bulk_upsert_entities describes it.
type EntityRecord struct {
	Entity  *EntityFields  `json:"entity"`
	Asset   *EntityAsset   `json:"asset,omitempty"`
	Host    *EntityHost    `json:"host,omitempty"`
	User    *EntityUser    `json:"user,omitempty"`
	Service *EntityService `json:"service,omitempty"`
}

// JSONSchemaAlias shows the record as a bare object.
func (EntityRecord) JSONSchemaAlias() any { return json.RawMessage(nil) }

// check applies the rules of one record of type typ; field prefixes the
// argument names in messages ("" at the top level).
func (r *EntityRecord) check(field, typ string) error {
	at := func(name string) string {
		if field == "" {
			return name
		}
		return field + "." + name
	}
	if r.Entity == nil {
		return &schema.ArgumentError{Field: at("entity"), Rule: "is required, with at least its id"}
	}
	if err := r.Entity.check(at("entity")); err != nil {
		return err
	}
	if r.Asset != nil {
		if err := r.Asset.check(at("asset")); err != nil {
			return err
		}
	}
	// Hosts, users and services always carry their own object, named by
	// entity.id as the store names it anyway: without it a record matches
	// every branch of the spec's oneOf of entity kinds.
	switch {
	case typ == "host" && r.Host == nil:
		r.Host = &EntityHost{}
	case typ == "user" && r.User == nil:
		r.User = &EntityUser{}
	case typ == "service" && r.Service == nil:
		r.Service = &EntityService{}
	}
	// The type's own object goes with that type only; the store names the
	// entity after entity.id, so a differing name would be lost.
	own := map[string]*string{}
	if r.Host != nil {
		own["host"] = &r.Host.Name
	}
	if r.User != nil {
		own["user"] = &r.User.Name
	}
	if r.Service != nil {
		own["service"] = &r.Service.Name
	}
	for name, n := range own {
		switch {
		case name != typ && typ == "generic":
			return &schema.ArgumentError{Field: at(name), Rule: "is not allowed: generic entities carry only entity and asset"}
		case name != typ:
			return &schema.ArgumentError{Field: at(name), Rule: fmt.Sprintf("belongs to %s entities; this one is a %s (give %s instead)", name, typ, typ)}
		}
		switch *n {
		case "":
			*n = r.Entity.ID
		case r.Entity.ID:
		default:
			return &schema.ArgumentError{Field: at(name + ".name"), Rule: fmt.Sprintf("must equal entity.id (%q): the store names the entity by its id", r.Entity.ID)}
		}
	}
	return nil
}

// UpsertEntityInput creates or updates one entity.
type UpsertEntityInput struct {
	EntityType string         `json:"entityType" in:"path" jsonschema:"required,enum=user,enum=host,enum=service,enum=generic"`
	Force      *bool          `json:"force,omitempty" in:"query" jsonschema_description:"Allow changing fields other than entity.attributes/lifecycle/behaviors."`
	Entity     *EntityFields  `json:"entity" jsonschema:"required" jsonschema_description:"{id (required; host or user name), name, type, sub_type, source, attributes{privileged,asset,managed,mfa_enabled}, lifecycle{first_seen,last_activity}, behaviors{brute_force_victim,new_country_login,used_usb_device}, relationships{owns,owned_by,…: [ids]}}"`
	Asset      *EntityAsset   `json:"asset,omitempty" jsonschema_description:"{criticality: low_impact|medium_impact|high_impact|extreme_impact, business_unit, environment, owner, id, name, vendor, model, serial_number}"`
	Host       *EntityHost    `json:"host,omitempty" jsonschema_description:"Hosts only: {hostname, domain, ip, mac, id, type, architecture} as string lists."`
	User       *EntityUser    `json:"user,omitempty" jsonschema_description:"Users only: {domain, email, full_name, id, roles, hash} as string lists."`
	Service    *EntityService `json:"service,omitempty" jsonschema_description:"Services only: {name}."`
}

// Prepare checks the entity and that only its type's own object is given.
func (in *UpsertEntityInput) Prepare() error {
	r := EntityRecord{Entity: in.Entity, Asset: in.Asset, Host: in.Host, User: in.User, Service: in.Service}
	if err := r.check("", in.EntityType); err != nil {
		return err
	}
	in.Host, in.User, in.Service = r.Host, r.User, r.Service
	return nil
}

// DeleteEntityInput names the entity to delete.
type DeleteEntityInput struct {
	EntityType string `json:"entityType" in:"path" jsonschema:"required,enum=user,enum=host,enum=service,enum=generic"`
	ID         string `json:"id" jsonschema:"required,minLength=1" jsonschema_description:"The entity.id, e.g. the host or user name."`
}

// EntityContainer is one entity of a bulk upsert with its type.
type EntityContainer struct {
	Type   string        `json:"type" jsonschema:"required,enum=user,enum=host,enum=service,enum=generic"`
	Record *EntityRecord `json:"record" jsonschema:"required" jsonschema_description:"As upsert_entity's body: {entity, asset, host|user|service}."`
}

// BulkUpsertEntitiesInput creates or updates many entities.
type BulkUpsertEntitiesInput struct {
	Force    *bool             `json:"force,omitempty" in:"query" jsonschema_description:"Allow changing fields other than entity.attributes/lifecycle/behaviors."`
	Entities []EntityContainer `json:"entities" jsonschema:"required,minItems=1"`
}

// Prepare checks every record against its type.
func (in *BulkUpsertEntitiesInput) Prepare() error {
	for i := range in.Entities {
		c := &in.Entities[i]
		field := fmt.Sprintf("entities[%d].record", i)
		if c.Record == nil {
			return &schema.ArgumentError{Field: field, Rule: "is required"}
		}
		if err := c.Record.check(field, c.Type); err != nil {
			return err
		}
	}
	return nil
}

// ListEntitiesInput pages through entities.
type ListEntitiesInput struct {
	EntityTypes []string `json:"entity_types" in:"query" jsonschema:"required,minItems=1,uniqueItems=true,enum=user,enum=host,enum=service,enum=generic"`
	FilterQuery string   `json:"filterQuery,omitempty" in:"query" jsonschema_description:"Elasticsearch query as JSON, e.g. {\"term\":{\"host.name\":\"fs-02\"}}."`
	SortField   string   `json:"sort_field,omitempty" in:"query" jsonschema_description:"E.g. entity.lifecycle.last_activity, host.risk.calculated_score_norm. Default @timestamp."`
	SortOrder   string   `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Default desc."`
	Page        int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	// The spec takes up to 10000 but answers per_page of at most 1000;
	// a model never needs a bigger page.
	PerPage int `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=1000" jsonschema_description:"Default 10."`
}

// Prepare checks that the filter is a JSON object, as Kibana parses it.
func (in *ListEntitiesInput) Prepare() error {
	if in.FilterQuery == "" {
		return nil
	}
	var q map[string]any
	if err := json.Unmarshal([]byte(in.FilterQuery), &q); err != nil || q == nil {
		return &schema.ArgumentError{Field: "filterQuery", Rule: `must be an Elasticsearch query as a JSON object, e.g. {"term":{"user.name":"l.wong"}}, not KQL`}
	}
	return nil
}
