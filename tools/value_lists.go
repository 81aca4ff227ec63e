package tools

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path"
	"strings"
	"unicode"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Value lists and their items (/api/lists*): the IPs, hashes and names that
// exception entries of type "list" match against. A space's lists live in
// two data streams (.lists-<space>, .items-<space>) that must exist before
// any list does; every route is the security solution's public 2023-10-31.
var valueListsOperations = []*operation.Operation{
	{
		Name:        "get_value_list",
		Title:       "Get value list",
		Description: "Fetch one value list (name, type, version) by id.",
		Toolset:     "exceptions",
		Method:      http.MethodGet,
		Path:        "/api/lists",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       ValueListIDInput{},
		Examples: []string{
			`{"id":"known-bad-ips"}`,
			`{"id":"known-bad-ips","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_value_list",
		Title:       "Create value list",
		Description: "Create an empty value list of one type (ip, keyword, ip_range, …); add values with create_value_list_item or import_value_list_items.",
		Toolset:     "exceptions",
		Method:      http.MethodPost,
		Path:        "/api/lists",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       CreateValueListInput{},
		Examples: []string{
			`{"name":"Tor exit nodes","description":"Exit relays seen in VPN logins","type":"ip"}`,
			`{"id":"tor-exit-nodes","name":"Tor exit nodes","description":"Exit relays seen in VPN logins","type":"ip","meta":{"source":"dan.me.uk"},"version":1,"space_id":"soc"}`,
			`{"id":"blocked-ranges","name":"Blocked ranges","description":"From the firewall export","type":"ip_range","serializer":"^(?<gte>[0-9.]+)\\s*to\\s*(?<lte>[0-9.]+)$","deserializer":"{{{gte}}}-{{{lte}}}"}`,
		},
	},
	{
		Name:        "update_value_list",
		Title:       "Replace value list",
		Description: "Replace a value list's name, description and meta (meta left out is removed); the type and values stay.",
		Toolset:     "exceptions",
		Method:      http.MethodPut,
		Path:        "/api/lists",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Input:       UpdateValueListInput{},
		Examples: []string{
			`{"id":"known-bad-ips","name":"Known bad IPs","description":"Attacker addresses from closed incidents"}`,
			`{"id":"known-bad-ips","name":"Known bad IPs","description":"Attacker addresses from closed incidents","meta":{"owner":"soc-tier2"},"version":3,"_version":"WzEsMV0=","space_id":"soc"}`,
		},
	},
	{
		Name:        "patch_value_list",
		Title:       "Patch value list",
		Description: "Change some of a value list's name, description, meta and version; the rest stays.",
		Toolset:     "exceptions",
		Method:      http.MethodPatch,
		Path:        "/api/lists",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       PatchValueListInput{},
		Examples: []string{
			`{"id":"known-bad-ips","description":"Attacker addresses from closed incidents"}`,
			`{"id":"known-bad-ips","name":"Known bad IPs","description":"Attacker addresses from closed incidents","meta":{"owner":"soc-tier2"},"version":3,"_version":"WzEsMV0=","space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_value_list",
		Title:       "Delete value list",
		Description: "Delete a value list and all its values; refused while exception items refer to it unless deleteReferences or ignoreReferences.",
		Toolset:     "exceptions",
		Method:      http.MethodDelete,
		Path:        "/api/lists",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       DeleteValueListInput{},
		Examples: []string{
			`{"id":"known-bad-ips"}`,
			`{"id":"known-bad-ips","deleteReferences":true,"ignoreReferences":false,"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_value_lists",
		Title:       "Find value lists",
		Description: "Page through the space's value lists; next page: page+1 with the answer's cursor.",
		Toolset:     "exceptions",
		Method:      http.MethodGet,
		Path:        "/api/lists/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindValueListsInput{},
		Examples: []string{
			`{}`,
			`{"filter":"type:ip","page":1,"per_page":10,"sort_field":"name","sort_order":"asc","cursor":"WzBd","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_value_list_index",
		Title:       "Check value list data streams",
		Description: "Check that the space's value list data streams exist (they must before lists can be created).",
		Toolset:     "exceptions",
		Method:      http.MethodGet,
		Path:        "/api/lists/index",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       ValueListsNoInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		Name:        "create_value_list_index",
		Title:       "Create value list data streams",
		Description: "Create the space's value list data streams, which must exist before any value list.",
		Toolset:     "exceptions",
		Method:      http.MethodPost,
		Path:        "/api/lists/index",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       ValueListsNoInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_value_list_index",
		Title:       "Delete value list data streams",
		Description: "Delete the space's value list data streams: every value list and value in the space is gone.",
		Toolset:     "exceptions",
		Method:      http.MethodDelete,
		Path:        "/api/lists/index",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       ValueListsNoInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_value_list_item",
		Title:       "Get value list item",
		Description: "Fetch a value list item by id, or look a value up in a list (list_id and value).",
		Toolset:     "exceptions",
		Method:      http.MethodGet,
		Path:        "/api/lists/items",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       ValueListItemRefInput{},
		Examples: []string{
			`{"list_id":"known-bad-ips","value":"203.0.113.23"}`,
			`{"id":"` + exampleValueListItemID + `","list_id":"known-bad-ips","value":"203.0.113.23","space_id":"default"}`,
		},
	},
	{
		Name:        "create_value_list_item",
		Title:       "Add value to list",
		Description: "Add one value to a value list; it must suit the list's type (an IP for ip, a CIDR or a-b range for ip_range).",
		Toolset:     "exceptions",
		Method:      http.MethodPost,
		Path:        "/api/lists/items",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       CreateValueListItemInput{},
		Examples: []string{
			`{"list_id":"known-bad-ips","value":"198.51.100.201"}`,
			`{"id":"bad-ip-198-51-100-201","list_id":"known-bad-ips","value":"198.51.100.201","meta":{"case":"VPN brute force"},"refresh":"wait_for","space_id":"soc"}`,
		},
	},
	{
		Name:        "update_value_list_item",
		Title:       "Replace value list item",
		Description: "Replace a value list item's value and meta (meta left out is removed).",
		Toolset:     "exceptions",
		Method:      http.MethodPut,
		Path:        "/api/lists/items",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Input:       UpdateValueListItemInput{},
		Examples: []string{
			`{"id":"` + exampleValueListItemID + `","value":"203.0.113.24"}`,
			`{"id":"` + exampleValueListItemID + `","value":"203.0.113.24","meta":{"case":"VPN brute force"},"_version":"WzIsMV0=","space_id":"default"}`,
		},
	},
	{
		Name:        "patch_value_list_item",
		Title:       "Patch value list item",
		Description: "Change a value list item's value or meta; the rest stays.",
		Toolset:     "exceptions",
		Method:      http.MethodPatch,
		Path:        "/api/lists/items",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       PatchValueListItemInput{},
		Examples: []string{
			`{"id":"` + exampleValueListItemID + `","value":"203.0.113.24"}`,
			`{"id":"` + exampleValueListItemID + `","value":"203.0.113.24","meta":{"case":"VPN brute force"},"refresh":"true","_version":"WzIsMV0=","space_id":"default"}`,
		},
	},
	{
		Name:        "delete_value_list_item",
		Title:       "Remove value from list",
		Description: "Remove a value list item by id, or every item with a value (list_id and value).",
		Toolset:     "exceptions",
		Method:      http.MethodDelete,
		Path:        "/api/lists/items",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       DeleteValueListItemInput{},
		Examples: []string{
			`{"list_id":"known-bad-ips","value":"203.0.113.23"}`,
			`{"id":"` + exampleValueListItemID + `","list_id":"known-bad-ips","value":"203.0.113.23","refresh":"wait_for","space_id":"default"}`,
		},
	},
	{
		Name:        "find_value_list_items",
		Title:       "Find value list items",
		Description: "Page through the values of one list; next page: page+1 with the answer's cursor.",
		Toolset:     "exceptions",
		Method:      http.MethodGet,
		Path:        "/api/lists/items/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindValueListItemsInput{},
		Examples: []string{
			`{"list_id":"known-bad-ips"}`,
			`{"list_id":"blocked-hashes","filter":"keyword:5548b962*","page":1,"per_page":50,"sort_field":"created_at","sort_order":"desc","cursor":"WzBd","space_id":"soc"}`,
		},
	},
	{
		Name:        "export_value_list_items",
		Title:       "Export value list",
		Description: "Download a value list's values, one per line, as a file import_value_list_items takes back.",
		Toolset:     "exceptions",
		Method:      http.MethodPost,
		Path:        "/api/lists/items/_export",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       ExportValueListItemsInput{},
		Examples: []string{
			`{"list_id":"known-bad-ips"}`,
			`{"list_id":"blocked-hashes","space_id":"soc"}`,
		},
	},
	{
		Name:        "import_value_list_items",
		Title:       "Import values into list",
		Description: "Add values (one per line) to a value list (list_id), or to the list named after the file, created with the given type.",
		Toolset:     "exceptions",
		Method:      http.MethodPost,
		Path:        "/api/lists/items/_import",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       ImportValueListItemsInput{},
		Examples: []string{
			`{"list_id":"known-bad-ips","file":"203.0.113.90\n203.0.113.91\n"}`,
			`{"list_id":"phishing-domains","type":"keyword","filename":"phishing_domains.txt","refresh":"wait_for","file":"login-micros0ft.com\nshare-docs-online.net\n","space_id":"soc"}`,
			`{"type":"keyword","filename":"suspicious_user_agents.txt","file":"python-requests/2.31\ncurl/8.4.0\n"}`,
			`{"type":"ip","filename":"proxy_hits.csv","serializer":"^(?<value>[0-9.]+),","deserializer":"{{value}}","file":"203.0.113.5,blocked\n198.51.100.7,allowed\n"}`,
		},
	},
	{
		Name:        "get_value_list_privileges",
		Title:       "Get value list privileges",
		Description: "Show what the current user may do with value lists and items (cluster and index privileges).",
		Toolset:     "exceptions",
		Method:      http.MethodGet,
		Path:        "/api/lists/privileges",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       ValueListsNoInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
}

// exampleValueListItemID is the id the sandbox gives the first value of the
// default space's "known-bad-ips" list (203.0.113.23).
const exampleValueListItemID = "b7feb67f-d171-4be9-899b-4dceb9251232"

// ValueListsNoInput is the input of the routes that take nothing but the
// space.
type ValueListsNoInput struct{}

// ValueListIDInput names one value list.
type ValueListIDInput struct {
	ID string `json:"id" in:"query" jsonschema:"required,minLength=1"`
}

// CreateValueListInput describes a new, empty value list. The spec's
// serializer and deserializer are left out: Kibana ignores both now.
type CreateValueListInput struct {
	ID          string         `json:"id,omitempty" jsonschema:"minLength=1" jsonschema_description:"Default: a generated UUID."`
	Name        string         `json:"name" jsonschema:"required,minLength=1"`
	Description string         `json:"description" jsonschema:"required,minLength=1"`
	Type        string         `json:"type" jsonschema:"required,enum=binary,enum=boolean,enum=byte,enum=date,enum=date_nanos,enum=date_range,enum=double,enum=double_range,enum=float,enum=float_range,enum=geo_point,enum=geo_shape,enum=half_float,enum=integer,enum=integer_range,enum=ip,enum=ip_range,enum=keyword,enum=long,enum=long_range,enum=shape,enum=short,enum=text" jsonschema_description:"What every value is; cannot change later."`
	Meta        map[string]any `json:"meta,omitempty"`
	Version     int            `json:"version,omitempty" jsonschema:"minimum=1"`
	listSerializers
}

// listSerializers say how a list's imported lines parse and how its values
// print, in place of the type's defaults.
type listSerializers struct {
	Serializer   string `json:"serializer,omitempty" jsonschema:"minLength=1" jsonschema_description:"Regex picking each value out of an imported line by named group: value, or gte and lte for ranges."`
	Deserializer string `json:"deserializer,omitempty" jsonschema:"minLength=1" jsonschema_description:"Mustache template printing a value, e.g. {{{gte}}}-{{{lte}}}."`
}

// check refuses a serializer without the named groups Kibana reads, and a
// deserializer that prints none of them: every line or value would come
// out empty.
func (s listSerializers) check() error {
	if s.Serializer != "" && !strings.Contains(s.Serializer, "(?<value>") && !(strings.Contains(s.Serializer, "(?<gte>") && strings.Contains(s.Serializer, "(?<lte>")) {
		return &schema.ArgumentError{Field: "serializer", Rule: "must capture the value in a named group, (?<value>...), or a range in (?<gte>...) and (?<lte>...)"}
	}
	if s.Deserializer != "" && !mustacheValue().MatchString(s.Deserializer) {
		return &schema.ArgumentError{Field: "deserializer", Rule: "must print {{value}}, or {{gte}} and {{lte}} (triple braces to leave them unescaped)"}
	}
	return nil
}

// mustacheValue is a Mustache tag printing a list value or range end.
var mustacheValue = lazyRegexp(`\{\{\{?\s*(value|gte|lte)\s*\}`)

// Prepare refuses names and descriptions Kibana would store blank.
func (in *CreateValueListInput) Prepare() error {
	if err := valueListNotBlank(map[string]string{"name": in.Name, "description": in.Description, "id": in.ID}, "id", "name", "description"); err != nil {
		return err
	}
	return in.listSerializers.check()
}

// UpdateValueListInput replaces a list's editable fields.
type UpdateValueListInput struct {
	ID          string         `json:"id" jsonschema:"required,minLength=1"`
	Name        string         `json:"name" jsonschema:"required,minLength=1"`
	Description string         `json:"description" jsonschema:"required,minLength=1"`
	Meta        map[string]any `json:"meta,omitempty"`
	Version     int            `json:"version,omitempty" jsonschema:"minimum=1" jsonschema_description:"Default: current + 1."`
	OCCVersion  string         `json:"_version,omitempty" jsonschema_description:"The _version read last; refused (409) if the list changed since."`
}

// Prepare refuses blank names and descriptions.
func (in *UpdateValueListInput) Prepare() error {
	return valueListNotBlank(map[string]string{"name": in.Name, "description": in.Description}, "name", "description")
}

// PatchValueListInput changes some of a list's fields.
type PatchValueListInput struct {
	ID          string         `json:"id" jsonschema:"required,minLength=1"`
	Name        string         `json:"name,omitempty" jsonschema:"minLength=1"`
	Description string         `json:"description,omitempty" jsonschema:"minLength=1"`
	Meta        map[string]any `json:"meta,omitempty"`
	Version     int            `json:"version,omitempty" jsonschema:"minimum=1" jsonschema_description:"Default: current + 1."`
	OCCVersion  string         `json:"_version,omitempty" jsonschema_description:"The _version read last; refused (409) if the list changed since."`
}

// Prepare asks for something to change.
func (in *PatchValueListInput) Prepare() error {
	if in.Name == "" && in.Description == "" && in.Meta == nil && in.Version == 0 {
		return &schema.ArgumentError{Field: "name", Rule: "nothing to change: give name, description, meta or version"}
	}
	return valueListNotBlank(map[string]string{"name": in.Name, "description": in.Description}, "name", "description")
}

// DeleteValueListInput names the list to delete and how to treat exception
// items that refer to it.
type DeleteValueListInput struct {
	ID               string `json:"id" in:"query" jsonschema:"required,minLength=1"`
	DeleteReferences bool   `json:"deleteReferences,omitempty" in:"query" jsonschema_description:"Also remove the exception entries that use the list (items left empty are deleted)."`
	IgnoreReferences bool   `json:"ignoreReferences,omitempty" in:"query" jsonschema_description:"Delete without checking references (leaves them dangling)."`
}

// FindValueListsInput filters, sorts and pages value lists.
type FindValueListsInput struct {
	Filter    string `json:"filter,omitempty" in:"query" jsonschema_description:"KQL on list fields, e.g. type:ip or name:*hash*."`
	Page      int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage   int    `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=1000" jsonschema_description:"Default 20."`
	SortField string `json:"sort_field,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"E.g. name, created_at, updated_at."`
	SortOrder string `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Cursor    string `json:"cursor,omitempty" in:"query" jsonschema:"minLength=1"`
}

// ValueListItemRefInput names a value list item by id, or by its list and
// value.
type ValueListItemRefInput struct {
	ID     string `json:"id,omitempty" in:"query" jsonschema:"minLength=1"`
	ListID string `json:"list_id,omitempty" in:"query" jsonschema:"minLength=1"`
	Value  string `json:"value,omitempty" in:"query"`
}

// Prepare asks for one of the two ways Kibana finds an item.
func (in *ValueListItemRefInput) Prepare() error { return checkItemRef(in.ID, in.ListID, in.Value) }

// checkItemRef requires an item id, or a list id with a value.
func checkItemRef(id, listID, value string) error {
	switch {
	case id != "":
		return nil
	case listID == "" && value == "":
		return &schema.ArgumentError{Field: "id", Rule: "is required unless list_id and value are given"}
	case listID == "":
		return &schema.ArgumentError{Field: "list_id", Rule: "is required with value (or give the item's id)"}
	case value == "":
		return &schema.ArgumentError{Field: "value", Rule: "is required with list_id (or give the item's id)"}
	}
	return nil
}

// CreateValueListItemInput adds one value to a list.
type CreateValueListItemInput struct {
	ID      string         `json:"id,omitempty" jsonschema:"minLength=1" jsonschema_description:"Default: a generated UUID."`
	ListID  string         `json:"list_id" jsonschema:"required,minLength=1"`
	Value   string         `json:"value" jsonschema:"required,minLength=1"`
	Meta    map[string]any `json:"meta,omitempty"`
	Refresh string         `json:"refresh,omitempty" jsonschema:"enum=true,enum=false,enum=wait_for" jsonschema_description:"When searches see it; default wait_for."`
}

// Prepare refuses values that are only whitespace.
func (in *CreateValueListItemInput) Prepare() error {
	return valueListNotBlank(map[string]string{"value": in.Value}, "value")
}

// UpdateValueListItemInput replaces an item.
type UpdateValueListItemInput struct {
	ID         string         `json:"id" jsonschema:"required,minLength=1"`
	Value      string         `json:"value" jsonschema:"required,minLength=1"`
	Meta       map[string]any `json:"meta,omitempty"`
	OCCVersion string         `json:"_version,omitempty" jsonschema_description:"The _version read last; refused (409) if the item changed since."`
}

// Prepare refuses values that are only whitespace.
func (in *UpdateValueListItemInput) Prepare() error {
	return valueListNotBlank(map[string]string{"value": in.Value}, "value")
}

// PatchValueListItemInput changes some of an item.
type PatchValueListItemInput struct {
	ID         string         `json:"id" jsonschema:"required,minLength=1"`
	Value      string         `json:"value,omitempty" jsonschema:"minLength=1"`
	Meta       map[string]any `json:"meta,omitempty"`
	Refresh    string         `json:"refresh,omitempty" jsonschema:"enum=true,enum=false,enum=wait_for"`
	OCCVersion string         `json:"_version,omitempty" jsonschema_description:"The _version read last; refused (409) if the item changed since."`
}

// Prepare asks for something to change.
func (in *PatchValueListItemInput) Prepare() error {
	if in.Value == "" && in.Meta == nil {
		return &schema.ArgumentError{Field: "value", Rule: "nothing to change: give value or meta"}
	}
	return valueListNotBlank(map[string]string{"value": in.Value}, "value")
}

// DeleteValueListItemInput names the item, or the value, to remove.
type DeleteValueListItemInput struct {
	ID      string `json:"id,omitempty" in:"query" jsonschema:"minLength=1"`
	ListID  string `json:"list_id,omitempty" in:"query" jsonschema:"minLength=1"`
	Value   string `json:"value,omitempty" in:"query"`
	Refresh string `json:"refresh,omitempty" in:"query" jsonschema:"enum=true,enum=false,enum=wait_for"`
}

// Prepare asks for one of the two ways Kibana finds an item.
func (in *DeleteValueListItemInput) Prepare() error {
	return checkItemRef(in.ID, in.ListID, in.Value)
}

// FindValueListItemsInput filters, sorts and pages one list's items.
type FindValueListItemsInput struct {
	ListID    string `json:"list_id" in:"query" jsonschema:"required,minLength=1"`
	Filter    string `json:"filter,omitempty" in:"query" jsonschema_description:"KQL; the value's field is the list's type, e.g. ip:10.0.0.5 or keyword:evil*."`
	Page      int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage   int    `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=1000" jsonschema_description:"Default 20."`
	SortField string `json:"sort_field,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"E.g. created_at, or the list's type to sort by value."`
	SortOrder string `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Cursor    string `json:"cursor,omitempty" in:"query" jsonschema:"minLength=1"`
}

// ExportValueListItemsInput names the list to export.
type ExportValueListItemsInput struct {
	ListID string `json:"list_id" in:"query" jsonschema:"required,minLength=1"`
}

// ImportValueListItemsInput uploads values, one per line. Kibana reads the
// list's id and name from the uploaded file's name when it creates the list
// (type without list_id), so the file name is an argument of its own; it
// goes into the file part, never into a form field, because Kibana reads
// every form part's text as values.
type ImportValueListItemsInput struct {
	ListID   string `json:"list_id,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"The list to add to; its type decides how lines parse."`
	Type     string `json:"type,omitempty" in:"query" jsonschema:"enum=binary,enum=boolean,enum=byte,enum=date,enum=date_nanos,enum=date_range,enum=double,enum=double_range,enum=float,enum=float_range,enum=geo_point,enum=geo_shape,enum=half_float,enum=integer,enum=integer_range,enum=ip,enum=ip_range,enum=keyword,enum=long,enum=long_range,enum=shape,enum=short,enum=text" jsonschema_description:"Without list_id: the type of the list named after filename, created if new."`
	Refresh  string `json:"refresh,omitempty" in:"query" jsonschema:"enum=true,enum=false,enum=wait_for"`
	Filename string `json:"filename,omitempty" in:"tool" jsonschema:"maxLength=255" jsonschema_description:"The file's name (.txt or .csv); with type it is the new list's id and name."`
	File     string `json:"file" in:"formfile,txt" jsonschema:"required,minLength=1" jsonschema_description:"The values, one per line."`
	// For a new list (with type), as create_value_list takes them.
	Serializer   string `json:"serializer,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"For a new list: regex with a named group value (or gte and lte) picking each value out of its line."`
	Deserializer string `json:"deserializer,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"For a new list: Mustache template printing a value."`
}

// Prepare checks that Kibana can tell which list the values go to, that it
// will accept the file name, and, when the type is given here, that every
// line is a value of that type: Kibana skips lines its index refuses
// without saying so.
func (in *ImportValueListItemsInput) Prepare() error {
	switch {
	case in.ListID == "" && in.Type == "":
		return &schema.ArgumentError{Field: "list_id", Rule: "is required unless type is given (to import into a new list named after filename)"}
	case in.ListID == "" && in.Filename == "":
		return &schema.ArgumentError{Field: "filename", Rule: "is required with type: it becomes the new list's id and name (e.g. bad_ips.txt)"}
	}
	if in.Filename != "" {
		ext := strings.ToLower(path.Ext(in.Filename))
		switch {
		case ext != ".txt" && ext != ".csv":
			return &schema.ArgumentError{Field: "filename", Rule: "must end in .txt or .csv"}
		case strings.ContainsAny(in.Filename, "\"%/\\") || strings.ContainsFunc(in.Filename, func(r rune) bool { return r > unicode.MaxASCII || unicode.IsControl(r) }):
			return &schema.ArgumentError{Field: "filename", Rule: "must be ASCII without quotes, %, slashes or control characters"}
		}
	}
	if err := (listSerializers{in.Serializer, in.Deserializer}).check(); err != nil {
		return err
	}
	if in.ListID != "" || in.Type == "" || in.Serializer != "" {
		return nil // the list's own type and pattern decide, which only Kibana knows
	}
	n := 0
	for line := range strings.Lines(in.File) {
		n++
		line = strings.TrimRight(line, "\r\n")
		if strings.TrimSpace(line) == "" {
			continue // Kibana skips blank lines
		}
		if rule := valueListValueRule(in.Type, line); rule != "" {
			return &schema.ArgumentError{Field: "file", Rule: fmt.Sprintf("line %d (%q) %s", n, line, rule)}
		}
	}
	return nil
}

// Run sends the file part itself: Kibana's importer finds the file name
// only in a quoted filename="…" parameter, which mime.FormatMediaType (the
// generic multipart body) leaves unquoted for names like values.txt, and
// the name is the model's, not the argument's.
func (in *ImportValueListItemsInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	name := in.Filename
	if name == "" {
		name = "values.txt"
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	// Prepare has refused quotes and control characters in the name.
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", "text/plain")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, err
	}
	if _, err := part.Write([]byte(in.File)); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	req.Body, req.ContentType = buf.Bytes(), w.FormDataContentType()
	return operation.SendOne(ctx, k, req)
}

// valueListNotBlank refuses the named fields when they hold only whitespace
// (an empty optional field is absent, not blank).
func valueListNotBlank(values map[string]string, order ...string) error {
	for _, field := range order {
		if v := values[field]; v != "" && strings.TrimSpace(v) == "" {
			return &schema.ArgumentError{Field: field, Rule: "must not be blank"}
		}
	}
	return nil
}
