package tools

import (
	"maps"
	"net/http"
	"slices"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The data views API: the index patterns Discover, dashboards and rules
// search through, their runtime fields and field display settings, and the
// space's default data view. Changing them is Admin work.
var dataViewsOperations = []*operation.Operation{
	{
		Name:        "find_data_views",
		Title:       "Find data views",
		Description: "List the space's data views (id, name, index pattern).",
		Toolset:     "data_views",
		Method:      http.MethodGet,
		Path:        "/api/data_views",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindDataViewsInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "get_data_view",
		Title:       "Get data view",
		Description: "Read one data view with its fields, runtime fields and formats; the answer can be large.",
		Toolset:     "data_views",
		Method:      http.MethodGet,
		Path:        "/api/data_views/data_view/{viewId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       DataViewIDInput{},
		Examples:    []string{`{"viewId":"90943e30-9a47-11e8-b64d-95841ca0b247"}`, `{"viewId":"90943e30-9a47-11e8-b64d-95841ca0b247","space_id":"soc"}`},
	},
	{
		Name:        "create_data_view",
		Title:       "Create data view",
		Description: "Create a data view over an index pattern; with override it replaces one of the same title.",
		Toolset:     "data_views",
		Method:      http.MethodPost,
		Path:        "/api/data_views/data_view",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       CreateDataViewInput{},
		Examples: []string{
			`{"data_view":{"title":"logs-*"}}`,
			`{"data_view":{"title":"logs-*,filebeat-*","name":"All logs","id":"all-logs","timeFieldName":"@timestamp","allowNoIndex":true,"namespaces":["default","soc"],"sourceFilters":[{"value":"*.secret"}],"runtimeFieldMap":{"hour_of_day":{"type":"long","script":{"source":"emit(doc['@timestamp'].value.getHour())"}}},"fieldFormats":{"bytes":{"id":"bytes"},"duration":{"id":"number","params":{"pattern":"0,0.[00]"}}},"fieldAttrs":{"host.name":{"customLabel":"Host","customDescription":"Reporting host.","count":3}}},"override":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_data_view",
		Title:       "Update data view",
		Description: "Change a data view; each member given replaces the stored one whole (runtimeFieldMap, fieldFormats, sourceFilters).",
		Toolset:     "data_views",
		Method:      http.MethodPost,
		Path:        "/api/data_views/data_view/{viewId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateDataViewInput{},
		Examples: []string{
			`{"viewId":"all-logs","data_view":{"name":"Every log"}}`,
			`{"viewId":"all-logs","data_view":{"title":"logs-*","name":"Every log","timeFieldName":"event.ingested","allowNoIndex":false,"sourceFilters":[],"runtimeFieldMap":{"day":{"type":"keyword","script":{"source":"emit(doc['@timestamp'].value.dayOfWeekEnum.toString())"}}},"fieldFormats":{"bytes":{"id":"bytes"}}},"refresh_fields":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_data_view",
		Title:       "Delete data view",
		Description: "Delete a data view; visualizations and rules built on it break. Cannot be undone.",
		Toolset:     "data_views",
		Method:      http.MethodDelete,
		Path:        "/api/data_views/data_view/{viewId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DataViewIDInput{},
		Examples:    []string{`{"viewId":"all-logs"}`, `{"viewId":"all-logs","space_id":"soc"}`},
	},
	{
		Name:        "update_data_view_fields",
		Title:       "Update data view field settings",
		Description: "Set fields' custom labels, descriptions and popularity counts in a data view.",
		Toolset:     "data_views",
		Method:      http.MethodPost,
		Path:        "/api/data_views/data_view/{viewId}/fields",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateDataViewFieldsInput{},
		Examples: []string{
			`{"viewId":"all-logs","fields":{"host.name":{"customLabel":"Host"}}}`,
			`{"viewId":"all-logs","fields":{"host.name":{"customLabel":"Host","customDescription":"Reporting host.","count":12},"user.name":{"count":0}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "create_runtime_field",
		Title:       "Create runtime field",
		Description: "Add a runtime field (computed by a Painless script at search time) to a data view; fails if one of the name exists.",
		Toolset:     "data_views",
		Method:      http.MethodPost,
		Path:        "/api/data_views/data_view/{viewId}/runtime_field",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       PutRuntimeFieldInput{},
		Examples: []string{
			`{"viewId":"logs-*","name":"day_of_week","runtimeField":{"type":"keyword","script":{"source":"emit(doc['@timestamp'].value.getDayOfWeekEnum().toString())"}}}`,
			`{"viewId":"logs-*","name":"src_is_private","runtimeField":{"type":"boolean","script":{"source":"emit(doc['source.ip'].size() > 0 && doc['source.ip'].value.startsWith('10.'))"}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "create_or_update_runtime_field",
		Title:       "Create or replace runtime field",
		Description: "Add a runtime field (computed by a Painless script at search time) to a data view, replacing one of the same name.",
		Toolset:     "data_views",
		Method:      http.MethodPut,
		Path:        "/api/data_views/data_view/{viewId}/runtime_field",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       PutRuntimeFieldInput{},
		Examples: []string{
			`{"viewId":"all-logs","name":"hour_of_day","runtimeField":{"type":"long","script":{"source":"emit(doc['@timestamp'].value.getHour())"}}}`,
			`{"viewId":"all-logs","name":"host_upper","runtimeField":{"type":"keyword","script":{"source":"emit(doc['host.name'].value.toUpperCase())"}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_runtime_field",
		Title:       "Get runtime field",
		Description: "Read one runtime field of a data view: its type and script.",
		Toolset:     "data_views",
		Method:      http.MethodGet,
		Path:        "/api/data_views/data_view/{viewId}/runtime_field/{fieldName}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       RuntimeFieldNameInput{},
		Examples:    []string{`{"viewId":"all-logs","fieldName":"hour_of_day"}`, `{"viewId":"all-logs","fieldName":"hour_of_day","space_id":"soc"}`},
	},
	{
		Name:        "update_runtime_field",
		Title:       "Update runtime field",
		Description: "Change the type or script of an existing runtime field.",
		Toolset:     "data_views",
		Method:      http.MethodPost,
		Path:        "/api/data_views/data_view/{viewId}/runtime_field/{fieldName}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateRuntimeFieldInput{},
		Examples: []string{
			`{"viewId":"all-logs","fieldName":"hour_of_day","runtimeField":{"script":{"source":"emit(doc['event.created'].value.getHour())"}}}`,
			`{"viewId":"all-logs","fieldName":"hour_of_day","runtimeField":{"type":"double","script":{"source":"emit(doc['@timestamp'].value.getHour())"}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_runtime_field",
		Title:       "Delete runtime field",
		Description: "Remove a runtime field from a data view; what uses it breaks.",
		Toolset:     "data_views",
		Method:      http.MethodDelete,
		Path:        "/api/data_views/data_view/{viewId}/runtime_field/{fieldName}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       RuntimeFieldNameInput{},
		Examples:    []string{`{"viewId":"all-logs","fieldName":"hour_of_day"}`, `{"viewId":"all-logs","fieldName":"hour_of_day","space_id":"soc"}`},
	},
	{
		Name:        "get_default_data_view",
		Title:       "Get default data view",
		Description: "Get the ID of the space's default data view.",
		Toolset:     "data_views",
		Method:      http.MethodGet,
		Path:        "/api/data_views/default",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetDefaultDataViewInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "set_default_data_view",
		Title:       "Set default data view",
		Description: "Make a data view the space's default; replacing an existing default needs force.",
		Toolset:     "data_views",
		Method:      http.MethodPost,
		Path:        "/api/data_views/default",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       SetDefaultDataViewInput{},
		Examples:    []string{`{"data_view_id":"all-logs"}`, `{"data_view_id":"all-logs","force":true,"space_id":"soc"}`},
	},
	{
		Name:        "preview_swap_data_view_references",
		Title:       "Preview data view reference swap",
		Description: "List the saved objects swap_data_view_references would change, without changing them.",
		Toolset:     "data_views",
		Method:      http.MethodPost,
		Path:        "/api/data_views/swap_references/_preview",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       SwapDataViewReferencesInput{},
		Examples: []string{
			`{"fromId":"old-logs","toId":"all-logs"}`,
			`{"fromId":"old-logs","toId":"all-logs","fromType":"index-pattern","forType":"dashboard","forId":["edf84fe0-e1a0-11e7-b6d5-4dc382ef7f5b"],"delete":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "swap_data_view_references",
		Title:       "Swap data view references",
		Description: "Point saved objects (dashboards, visualizations, searches) from one data view to another; with delete, also delete the old one once unused. Preview first.",
		Toolset:     "data_views",
		Method:      http.MethodPost,
		Path:        "/api/data_views/swap_references",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       SwapDataViewReferencesInput{},
		Examples: []string{
			`{"fromId":"old-logs","toId":"all-logs"}`,
			`{"fromId":"old-logs","toId":"all-logs","fromType":"index-pattern","forType":"dashboard","forId":["edf84fe0-e1a0-11e7-b6d5-4dc382ef7f5b"],"delete":true,"space_id":"soc"}`,
		},
	},
}

// FindDataViewsInput takes nothing: the space's data views are listed.
type FindDataViewsInput struct{}

// GetDefaultDataViewInput takes nothing.
type GetDefaultDataViewInput struct{}

// DataViewIDInput names one data view.
type DataViewIDInput struct {
	ViewID string `json:"viewId" in:"path" jsonschema:"required" jsonschema_description:"From find_data_views."`
}

// CreateDataViewInput is a new data view.
type CreateDataViewInput struct {
	DataView DataViewSpec `json:"data_view" jsonschema:"required"`
	Override bool         `json:"override,omitempty" jsonschema_description:"Replace a data view with the same title."`
}

// DataViewSpec is a data view as created.
type DataViewSpec struct {
	Title           string                        `json:"title" jsonschema:"required,minLength=1" jsonschema_description:"Indices, aliases or data streams, comma-separated; wildcards allowed, e.g. logs-*."`
	Name            string                        `json:"name,omitempty"`
	ID              string                        `json:"id,omitempty" jsonschema_description:"Default: generated."`
	TimeFieldName   string                        `json:"timeFieldName,omitempty" jsonschema_description:"Timestamp field, e.g. @timestamp."`
	AllowNoIndex    bool                          `json:"allowNoIndex,omitempty" jsonschema_description:"Keep it while nothing matches the title."`
	Namespaces      []string                      `json:"namespaces,omitempty" jsonschema_description:"Spaces sharing it."`
	SourceFilters   []DataViewSourceFilter        `json:"sourceFilters,omitempty" jsonschema_description:"Fields Discover hides."`
	RuntimeFieldMap map[string]RuntimeField       `json:"runtimeFieldMap,omitempty" jsonschema_description:"Runtime fields by name."`
	FieldFormats    map[string]DataViewFormat     `json:"fieldFormats,omitempty" jsonschema_description:"Display formats by field name."`
	FieldAttrs      map[string]DataViewFieldAttrs `json:"fieldAttrs,omitempty" jsonschema_description:"Labels and popularity by field name."`
}

// UpdateDataViewInput changes a data view; members given replace the
// stored ones.
type UpdateDataViewInput struct {
	ViewID        string         `json:"viewId" in:"path" jsonschema:"required"`
	DataView      DataViewChange `json:"data_view" jsonschema:"required"`
	RefreshFields bool           `json:"refresh_fields,omitempty" jsonschema_description:"Reload the field list afterwards."`
}

// DataViewChange holds the members of a data view to replace.
type DataViewChange struct {
	Title           string                    `json:"title,omitempty" jsonschema:"minLength=1"`
	Name            string                    `json:"name,omitempty"`
	TimeFieldName   string                    `json:"timeFieldName,omitempty"`
	AllowNoIndex    *bool                     `json:"allowNoIndex,omitempty"`
	SourceFilters   *[]DataViewSourceFilter   `json:"sourceFilters,omitempty"`
	RuntimeFieldMap map[string]RuntimeField   `json:"runtimeFieldMap,omitempty"`
	FieldFormats    map[string]DataViewFormat `json:"fieldFormats,omitempty"`
}

// Prepare refuses a change that changes nothing.
func (in *UpdateDataViewInput) Prepare() error {
	c := in.DataView
	if c.Title == "" && c.Name == "" && c.TimeFieldName == "" && c.AllowNoIndex == nil && c.SourceFilters == nil && c.RuntimeFieldMap == nil && c.FieldFormats == nil {
		return &schema.ArgumentError{Field: "data_view", Rule: "names nothing to change; give at least one member"}
	}
	return nil
}

// DataViewSourceFilter is a field name or pattern Discover hides.
type DataViewSourceFilter struct {
	Value string `json:"value" jsonschema:"required,minLength=1"`
}

// DataViewFormat is how a field's values are shown.
type DataViewFormat struct {
	ID     string         `json:"id" jsonschema:"required" jsonschema_description:"E.g. bytes, number, percent, date, url."`
	Params map[string]any `json:"params,omitempty" jsonschema_description:"Formatter options, e.g. {\"pattern\":\"0,0.[00]\"}."`
}

// DataViewFieldAttrs is a field's label, description and popularity.
type DataViewFieldAttrs struct {
	CustomLabel       string `json:"customLabel,omitempty"`
	CustomDescription string `json:"customDescription,omitempty" jsonschema:"maxLength=300"`
	Count             *int   `json:"count,omitempty" jsonschema:"minimum=0" jsonschema_description:"Popularity."`
}

// RuntimeField is a field computed at search time.
type RuntimeField struct {
	Type   string             `json:"type" jsonschema:"required,enum=keyword,enum=long,enum=double,enum=date,enum=ip,enum=boolean,enum=geo_point"`
	Script RuntimeFieldScript `json:"script" jsonschema:"required"`
}

// RuntimeFieldScript is the Painless source computing a runtime field.
type RuntimeFieldScript struct {
	Source string `json:"source" jsonschema:"required,minLength=1" jsonschema_description:"Painless; calls emit(value)."`
}

// UpdateDataViewFieldsInput sets field display settings.
type UpdateDataViewFieldsInput struct {
	ViewID string                        `json:"viewId" in:"path" jsonschema:"required"`
	Fields map[string]DataViewFieldAttrs `json:"fields" jsonschema:"required" jsonschema_description:"Settings by field name."`
}

// Prepare refuses an entry, or a call, that sets nothing.
func (in *UpdateDataViewFieldsInput) Prepare() error {
	if len(in.Fields) == 0 {
		return &schema.ArgumentError{Field: "fields", Rule: `names no field; give e.g. {"host.name":{"customLabel":"Host"}}`}
	}
	for _, name := range slices.Sorted(maps.Keys(in.Fields)) {
		f := in.Fields[name]
		if f.CustomLabel == "" && f.CustomDescription == "" && f.Count == nil {
			return &schema.ArgumentError{Field: "fields." + name, Rule: "sets nothing; give customLabel, customDescription or count"}
		}
	}
	return nil
}

// PutRuntimeFieldInput creates or replaces a runtime field.
type PutRuntimeFieldInput struct {
	ViewID       string       `json:"viewId" in:"path" jsonschema:"required"`
	Name         string       `json:"name" jsonschema:"required,minLength=1"`
	RuntimeField RuntimeField `json:"runtimeField" jsonschema:"required"`
}

// RuntimeFieldNameInput names one runtime field of a data view.
type RuntimeFieldNameInput struct {
	ViewID    string `json:"viewId" in:"path" jsonschema:"required"`
	FieldName string `json:"fieldName" in:"path" jsonschema:"required"`
}

// UpdateRuntimeFieldInput changes a runtime field's type or script.
type UpdateRuntimeFieldInput struct {
	ViewID       string            `json:"viewId" in:"path" jsonschema:"required"`
	FieldName    string            `json:"fieldName" in:"path" jsonschema:"required"`
	RuntimeField RuntimeFieldPatch `json:"runtimeField" jsonschema:"required"`
}

// RuntimeFieldPatch is the part of a runtime field to change.
type RuntimeFieldPatch struct {
	Type   string              `json:"type,omitempty" jsonschema:"enum=keyword,enum=long,enum=double,enum=date,enum=ip,enum=boolean,enum=geo_point"`
	Script *RuntimeFieldScript `json:"script,omitempty"`
}

// Prepare refuses a change that changes nothing.
func (in *UpdateRuntimeFieldInput) Prepare() error {
	if in.RuntimeField.Type == "" && in.RuntimeField.Script == nil {
		return &schema.ArgumentError{Field: "runtimeField", Rule: "names nothing to change; give type or script"}
	}
	return nil
}

// SetDefaultDataViewInput names the new default data view.
type SetDefaultDataViewInput struct {
	DataViewID string `json:"data_view_id" jsonschema:"required,minLength=1"`
	Force      bool   `json:"force,omitempty" jsonschema_description:"Replace an existing default."`
}

// SwapDataViewReferencesInput moves saved object references from one data
// view (or other saved object) to another.
type SwapDataViewReferencesInput struct {
	FromID   string   `json:"fromId" jsonschema:"required,minLength=1" jsonschema_description:"Data view the objects refer to now."`
	ToID     string   `json:"toId" jsonschema:"required,minLength=1"`
	FromType string   `json:"fromType,omitempty" jsonschema_description:"Type of fromId; default index-pattern (a data view)."`
	ForType  string   `json:"forType,omitempty" jsonschema_description:"Only objects of this type, e.g. dashboard."`
	ForID    []string `json:"forId,omitempty" jsonschema_description:"Only these objects."`
	Delete   bool     `json:"delete,omitempty" jsonschema_description:"Delete fromId once nothing refers to it."`
}
