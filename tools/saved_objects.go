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

// Saved objects (/api/saved_objects*): the generic store behind dashboards,
// data views, connectors and most other Kibana objects. Attributes differ
// by type and Kibana does not validate them, so they are one free object.
var savedObjectsOperations = []*operation.Operation{
	{
		Name:        "get_saved_object",
		Title:       "Get saved object",
		Description: "Read one saved object (dashboard, index-pattern, search, lens, tag, action, …) by type and id.",
		Toolset:     "saved_objects",
		Method:      http.MethodGet,
		Path:        "/api/saved_objects/{type}/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       SavedObjectIDInput{},
		Examples:    []string{`{"type":"index-pattern","id":"logs-*"}`, `{"type":"dashboard","id":"edf84fe0-e1a0-11e7-b6d5-4dc382ef7f5b","space_id":"soc"}`},
	},
	{
		Name:        "resolve_saved_object",
		Title:       "Resolve saved object",
		Description: "Read a saved object by an id that may be a legacy alias; the outcome says exactMatch, aliasMatch or conflict.",
		Toolset:     "saved_objects",
		Method:      http.MethodGet,
		Path:        "/api/saved_objects/resolve/{type}/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       SavedObjectIDInput{},
		Examples:    []string{`{"type":"dashboard","id":"soc-overview"}`, `{"type":"tag","id":"soc-triage","space_id":"soc"}`},
	},
	{
		Name:        "find_saved_objects",
		Title:       "Find saved objects",
		Description: "Search saved objects of some types by text, KQL filter or references, a page at a time.",
		Toolset:     "saved_objects",
		Method:      http.MethodGet,
		Path:        "/api/saved_objects/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindSavedObjectsInput{},
		Examples: []string{
			`{"type":["dashboard"]}`,
			`{"type":["search","lens"],"search":"fail* logins","search_fields":["title","description"],"default_search_operator":"OR","fields":["title"],"filter":"search.attributes.title:*","has_reference":[{"type":"index-pattern","id":"logs-*"}],"has_reference_operator":"OR","has_no_reference":[{"type":"tag","id":"threat-hunting"}],"has_no_reference_operator":"AND","sort_field":"updated_at","page":1,"per_page":10,"space_id":"soc"}`,
			`{"type":["alert"],"per_page":1,"aggs":{"by_status":{"terms":{"field":"alert.attributes.executionStatus.status"}},"latest":{"max":{"field":"alert.updated_at"}}}}`,
		},
	},
	{
		Name:        "create_saved_object",
		Title:       "Create saved object",
		Description: "Create a saved object of any type; with overwrite it replaces one of the same id.",
		Toolset:     "saved_objects",
		Method:      http.MethodPost,
		Path:        "/api/saved_objects/{type}/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Input:       CreateSavedObjectInput{},
		Examples: []string{
			`{"type":"tag","attributes":{"name":"phishing","description":"Phishing investigations","color":"#6092C0"}}`,
			`{"type":"search","id":"encoded-powershell","overwrite":true,"attributes":{"title":"Encoded PowerShell","columns":["host.name","process.args"]},"references":[{"type":"index-pattern","id":"logs-*","name":"kibanaSavedObjectMeta.searchSourceJSON.index"}],"initialNamespaces":["soc"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_saved_object",
		Title:       "Update saved object",
		Description: "Change a saved object's attributes (merged into the stored ones) and, if given, replace its references.",
		Toolset:     "saved_objects",
		Method:      http.MethodPut,
		Path:        "/api/saved_objects/{type}/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       UpdateSavedObjectInput{},
		Examples: []string{
			`{"type":"tag","id":"soc-triage","attributes":{"color":"#E7664C"}}`,
			`{"type":"tag","id":"soc-triage","attributes":{"description":"Alerts under first review"},"version":"WzEsMV0=","references":[],"upsert":{"name":"SOC triage","description":"Alerts under first review","color":"#E7664C"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_create_saved_objects",
		Title:       "Bulk create saved objects",
		Description: "Create many saved objects at once; each conflict is reported per object. With overwrite, objects of the same ids are replaced.",
		Toolset:     "saved_objects",
		Method:      http.MethodPost,
		Path:        "/api/saved_objects/_bulk_create",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Input:       BulkCreateSavedObjectsInput{},
		Examples: []string{
			`{"objects":[{"type":"tag","attributes":{"name":"ransomware","color":"#BD271E"}}]}`,
			`{"objects":[{"type":"tag","id":"soc-triage","attributes":{"name":"SOC triage","color":"#D6BF57"},"references":[],"initialNamespaces":["soc"],"version":"WzEsMV0="},{"type":"query","id":"failed-logins-query","attributes":{"title":"Failed logins","query":{"query":"event.outcome:failure","language":"kuery"}}}],"overwrite":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_get_saved_objects",
		Title:       "Bulk get saved objects",
		Description: "Read many saved objects by type and id; missing ones come back with a per-object error.",
		Toolset:     "saved_objects",
		Method:      http.MethodPost,
		Path:        "/api/saved_objects/_bulk_get",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       BulkGetSavedObjectsInput{},
		Examples: []string{
			`{"objects":[{"type":"index-pattern","id":"logs-*"}]}`,
			`{"objects":[{"type":"index-pattern","id":"metrics-*"},{"type":"tag","id":"soc-triage"}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_resolve_saved_objects",
		Title:       "Bulk resolve saved objects",
		Description: "Resolve many saved objects by ids that may be legacy aliases, with each one's outcome.",
		Toolset:     "saved_objects",
		Method:      http.MethodPost,
		Path:        "/api/saved_objects/_bulk_resolve",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       BulkResolveSavedObjectsInput{},
		Examples: []string{
			`{"objects":[{"type":"dashboard","id":"soc-overview"}]}`,
			`{"objects":[{"type":"dashboard","id":"edf84fe0-e1a0-11e7-b6d5-4dc382ef7f5b"},{"type":"tag","id":"soc-triage"}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_update_saved_objects",
		Title:       "Bulk update saved objects",
		Description: "Change the attributes of many saved objects at once; missing ones are reported per object.",
		Toolset:     "saved_objects",
		Method:      http.MethodPost,
		Path:        "/api/saved_objects/_bulk_update",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Input:       BulkUpdateSavedObjectsInput{},
		Examples: []string{
			`{"objects":[{"type":"tag","id":"soc-triage","attributes":{"color":"#54B399"}}]}`,
			`{"objects":[{"type":"tag","id":"soc-triage","attributes":{"color":"#54B399"},"version":"WzEsMV0=","references":[]},{"type":"tag","id":"threat-hunting","attributes":{"description":"Hypothesis-driven hunts"}}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_delete_saved_objects",
		Title:       "Bulk delete saved objects",
		Description: "Permanently delete many saved objects; what refers to them breaks. Cannot be undone.",
		Toolset:     "saved_objects",
		Method:      http.MethodPost,
		Path:        "/api/saved_objects/_bulk_delete",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       BulkDeleteSavedObjectsInput{},
		Examples: []string{
			`{"objects":[{"type":"tag","id":"threat-hunting"}]}`,
			`{"objects":[{"type":"tag","id":"threat-hunting"},{"type":"query","id":"encoded-powershell-query"}],"force":true,"space_id":"soc"}`,
		},
	},
	{
		Name:         "export_saved_objects",
		Availability: savedObjectsServerless,
		Title:        "Export saved objects",
		Description:  "Export saved objects, by type or by id, as ndjson for import_saved_objects; optionally with everything they refer to.",
		Toolset:      "saved_objects",
		Method:       http.MethodPost,
		Path:         "/api/saved_objects/_export",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        ExportSavedObjectsInput{},
		Examples: []string{
			`{"type":["tag"]}`,
			`{"objects":[{"type":"dashboard","id":"edf84fe0-e1a0-11e7-b6d5-4dc382ef7f5b"}],"includeReferencesDeep":true,"excludeExportDetails":true,"space_id":"soc"}`,
			`{"type":["search","index-pattern"],"search":"fail*","hasReference":[{"type":"index-pattern","id":"logs-*"}]}`,
		},
	},
	{
		Name:         "import_saved_objects",
		Availability: savedObjectsServerless,
		Title:        "Import saved objects",
		Description:  "Import saved objects (dashboards, data views, searches, visualizations) from an ndjson file. With overwrite, objects of the same ids are replaced; createNewCopies gives every object a new id instead.",
		Toolset:      "saved_objects",
		Method:       http.MethodPost,
		Path:         "/api/saved_objects/_import",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		Input:        ImportSavedObjectsInput{},
		Examples: []string{
			`{"file":"{\"type\":\"tag\",\"id\":\"malware\",\"attributes\":{\"name\":\"malware\",\"color\":\"#9170B8\"},\"references\":[]}\n"}`,
			`{"file":"{\"type\":\"tag\",\"id\":\"soc-triage\",\"attributes\":{\"name\":\"SOC triage\",\"color\":\"#E7664C\"},\"references\":[]}\n{\"excludedObjects\":[],\"excludedObjectsCount\":0,\"exportedCount\":1,\"missingRefCount\":0,\"missingReferences\":[]}\n","overwrite":true,"compatibilityMode":true,"space_id":"soc"}`,
			`{"file":"{\"type\":\"tag\",\"id\":\"soc-triage\",\"attributes\":{\"name\":\"SOC triage (copy)\",\"color\":\"#E7664C\"},\"references\":[]}\n","createNewCopies":true}`,
		},
	},
	{
		Name:         "resolve_import_errors",
		Availability: savedObjectsServerless,
		Title:        "Resolve import errors",
		Description:  "Import again the objects an import refused, saying per object whether to overwrite, take a new id or swap missing references.",
		Toolset:      "saved_objects",
		Method:       http.MethodPost,
		Path:         "/api/saved_objects/_resolve_import_errors",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		Input:        ResolveImportErrorsInput{},
		Examples: []string{
			`{"file":"{\"type\":\"tag\",\"id\":\"soc-triage\",\"attributes\":{\"name\":\"SOC triage\",\"color\":\"#E7664C\"},\"references\":[]}\n","retries":[{"type":"tag","id":"soc-triage","overwrite":true}]}`,
			`{"file":"{\"type\":\"search\",\"id\":\"old-search\",\"attributes\":{\"title\":\"Old search\"},\"references\":[{\"type\":\"index-pattern\",\"id\":\"gone\",\"name\":\"kibanaSavedObjectMeta.searchSourceJSON.index\"}]}\n","retries":[{"type":"search","id":"old-search","overwrite":false,"destinationId":"restored-search","replaceReferences":[{"type":"index-pattern","from":"gone","to":"logs-*"}],"ignoreMissingReferences":false}],"createNewCopies":true,"space_id":"soc"}`,
		},
	},
	{
		Name:         "rotate_encryption_key",
		Availability: rotateKeyAvailability,
		Title:        "Rotate saved object encryption key",
		Description:  "Re-encrypt saved objects' secrets (connector keys…) with Kibana's current encryption key, after its key was changed.",
		Toolset:      "saved_objects",
		Method:       http.MethodPost,
		Path:         "/api/encrypted_saved_objects/_rotate_key",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Admin:        true,
		Input:        RotateEncryptionKeyInput{},
		Examples:     []string{`{}`, `{"type":"action","batch_size":500}`},
	},
}

// SavedObjectIDInput names one saved object.
type SavedObjectIDInput struct {
	Type string `json:"type" in:"path" jsonschema:"required" jsonschema_description:"E.g. dashboard, index-pattern, search, lens, visualization, tag, query, config, action."`
	ID   string `json:"id" in:"path" jsonschema:"required"`
}

// SavedObjectKey names one saved object inside a list.
type SavedObjectKey struct {
	Type string `json:"type" jsonschema:"required,minLength=1"`
	ID   string `json:"id" jsonschema:"required,minLength=1"`
}

// SavedObjectReference is a saved object's link to another; attributes
// refer to it by name.
type SavedObjectReference struct {
	Type string `json:"type" jsonschema:"required,minLength=1"`
	ID   string `json:"id" jsonschema:"required,minLength=1"`
	Name string `json:"name" jsonschema:"required"`
}

// FindSavedObjectsInput is a search over some saved object types.
type FindSavedObjectsInput struct {
	Type                   []string         `json:"type" in:"query" jsonschema:"required,minItems=1,minLength=1" jsonschema_description:"Types to search, e.g. dashboard, index-pattern, search, lens, tag."`
	Search                 string           `json:"search,omitempty" in:"query" jsonschema_description:"Simple query string; word* for prefixes."`
	SearchFields           []string         `json:"search_fields,omitempty" in:"query" jsonschema_description:"Attributes searched. Default: title."`
	DefaultSearchOperator  string           `json:"default_search_operator,omitempty" in:"query" jsonschema:"enum=OR,enum=AND"`
	Fields                 []string         `json:"fields,omitempty" in:"query" jsonschema_description:"Only these attributes."`
	Filter                 string           `json:"filter,omitempty" in:"query" jsonschema_description:"KQL on type.attributes.name or type.updated_at, e.g. dashboard.attributes.title:SOC*."`
	HasReference           []SavedObjectKey `json:"has_reference,omitempty" in:"query" jsonschema_description:"Only objects referring to these."`
	HasReferenceOperator   string           `json:"has_reference_operator,omitempty" in:"query" jsonschema:"enum=OR,enum=AND"`
	HasNoReference         []SavedObjectKey `json:"has_no_reference,omitempty" in:"query" jsonschema_description:"Only objects not referring to these."`
	HasNoReferenceOperator string           `json:"has_no_reference_operator,omitempty" in:"query" jsonschema:"enum=OR,enum=AND"`
	SortField              string           `json:"sort_field,omitempty" in:"query" jsonschema_description:"E.g. updated_at, type, or an attribute when one type is searched."`
	Page                   int              `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage                int              `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=1000" jsonschema_description:"Default 20."`
	Aggs                   map[string]any   `json:"aggs,omitempty" in:"query" jsonschema_description:"Aggregations over the matches (sent as JSON text), fields named as in filter, e.g. {\"by_status\":{\"terms\":{\"field\":\"alert.attributes.executionStatus.status\"}}}."`
}

// Prepare checks that the aggregations name fields Kibana accepts: a
// searched type's attributes or root fields.
func (in *FindSavedObjectsInput) Prepare() error {
	for _, name := range slices.Sorted(maps.Keys(in.Aggs)) {
		if _, isObject := in.Aggs[name].(map[string]any); !isObject {
			return &schema.ArgumentError{Field: "aggs." + name, Rule: "must be an aggregation object, e.g. {\"terms\":{\"field\":\"dashboard.attributes.title\"}}"}
		}
	}
	if field := badSavedObjectAggField(in.Aggs, in.Type); field != "" {
		return &schema.ArgumentError{Field: "aggs", Rule: fmt.Sprintf("field %q must be <type>.attributes.<name> or a root field (updated_at, created_at) of a type given in type (%s)", field, strings.Join(in.Type, ", "))}
	}
	return nil
}

// badSavedObjectAggField finds a field an aggregation names that is not an
// attribute or root field of one of the searched types.
func badSavedObjectAggField(v any, types []string) string {
	switch v := v.(type) {
	case map[string]any:
		for _, key := range slices.Sorted(maps.Keys(v)) {
			if field, isString := v[key].(string); key == "field" && isString {
				typ, rest, _ := strings.Cut(field, ".")
				if !slices.Contains(types, typ) || !(strings.HasPrefix(rest, "attributes.") || slices.Contains([]string{"updated_at", "created_at", "id", "originId"}, rest)) {
					return field
				}
				continue
			}
			if bad := badSavedObjectAggField(v[key], types); bad != "" {
				return bad
			}
		}
	case []any:
		for _, sub := range v {
			if bad := badSavedObjectAggField(sub, types); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// CreateSavedObjectInput is a new saved object. Kibana takes the id in the
// path (or makes one up on a path without it); Prepare makes one up when
// the model gives none, so one route serves both.
type CreateSavedObjectInput struct {
	Type              string                 `json:"type" in:"path" jsonschema:"required"`
	ID                string                 `json:"id,omitempty" in:"path" jsonschema_description:"Default: a new UUID."`
	Overwrite         bool                   `json:"overwrite,omitempty" in:"query" jsonschema_description:"Replace an object with this id."`
	Attributes        json.RawMessage        `json:"attributes" jsonschema:"required" jsonschema_description:"The type's own fields, e.g. title."`
	References        []SavedObjectReference `json:"references,omitempty"`
	InitialNamespaces []string               `json:"initialNamespaces,omitempty" jsonschema_description:"Spaces to create it in. Default: this one."`
}

// Prepare names the object when the model did not.
func (in *CreateSavedObjectInput) Prepare() error {
	if in.ID == "" {
		id, err := newUUID()
		if err != nil {
			return err
		}
		in.ID = id
	}
	return nil
}

// UpdateSavedObjectInput changes one saved object.
type UpdateSavedObjectInput struct {
	Type       string                  `json:"type" in:"path" jsonschema:"required"`
	ID         string                  `json:"id" in:"path" jsonschema:"required"`
	Attributes json.RawMessage         `json:"attributes" jsonschema:"required" jsonschema_description:"Attributes to set; others are kept."`
	Version    string                  `json:"version,omitempty" jsonschema_description:"Refuse (409) if the object changed since this version."`
	References *[]SavedObjectReference `json:"references,omitempty" jsonschema_description:"Replace all references."`
	Upsert     json.RawMessage         `json:"upsert,omitempty" jsonschema_description:"Attributes to create it with when it does not exist."`
}

// savedObjectsServerless: serverless keeps only export, import and
// resolve-import-errors of the saved objects API: Kibana's core saved
// objects routes/index.ts registers get, resolve, create, update, find and
// the bulk routes with access 'internal' when serverless, and these three
// with access 'public'. The toolset's other operations are not on serverless.
var savedObjectsServerless = &operation.Availability{Serverless: true}

// rotateKeyAvailability: no x-state; the route came with key rotation in
// 7.13 (unverified), and serverless manages its keys itself: not there.
var rotateKeyAvailability = &operation.Availability{}

// RotateEncryptionKeyInput limits a key rotation.
type RotateEncryptionKeyInput struct {
	Type      string `json:"type,omitempty" in:"query" jsonschema_description:"Only this type, e.g. action; default all."`
	BatchSize int    `json:"batch_size,omitempty" in:"query" jsonschema:"minimum=1,maximum=10000" jsonschema_description:"Objects per batch; default 10000."`
}
