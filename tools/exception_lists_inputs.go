package tools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Inputs of the exception list tools (declared in exception_lists.go).

// ExceptionListRefInput names one exception list by id or list_id.
type ExceptionListRefInput struct {
	ID            string `json:"id,omitempty" in:"query" jsonschema:"minLength=1"`
	ListID        string `json:"list_id,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"Give this or id."`
	NamespaceType string `json:"namespace_type,omitempty" in:"query" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"agnostic: shared by all spaces. Default single."`
}

// Prepare requires exactly one of the two identifiers.
func (in *ExceptionListRefInput) Prepare() error { return exceptionRef("list_id", in.ID, in.ListID) }

// exceptionRef requires exactly one of id and a human-readable id.
func exceptionRef(humanName, id, human string) error {
	switch {
	case id == "" && human == "":
		return &schema.ArgumentError{Rule: "give id or " + humanName}
	case id != "" && human != "":
		return &schema.ArgumentError{Field: humanName, Rule: "give either id or " + humanName + ", not both"}
	}
	return nil
}

// ExceptionListSummaryInput names a list and filters the items counted.
type ExceptionListSummaryInput struct {
	ID            string `json:"id,omitempty" in:"query" jsonschema:"minLength=1"`
	ListID        string `json:"list_id,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"Give this or id."`
	NamespaceType string `json:"namespace_type,omitempty" in:"query" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"Default single."`
	Filter        string `json:"filter,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"KQL on the items, e.g. exception-list.attributes.tags:it-ops."`
}

// Prepare requires exactly one of the two identifiers.
func (in *ExceptionListSummaryInput) Prepare() error {
	return exceptionRef("list_id", in.ID, in.ListID)
}

// CreateExceptionListInput is a new exception list.
type CreateExceptionListInput struct {
	Name          string         `json:"name" jsonschema:"required,minLength=1"`
	Description   string         `json:"description" jsonschema:"required"`
	Type          string         `json:"type" jsonschema:"required,enum=detection,enum=rule_default,enum=endpoint,enum=endpoint_trusted_apps,enum=endpoint_trusted_devices,enum=endpoint_events,enum=endpoint_host_isolation_exceptions,enum=endpoint_blocklists" jsonschema_description:"detection: a list rules share."`
	ListID        string         `json:"list_id,omitempty" jsonschema:"minLength=1" jsonschema_description:"Your own ID, e.g. trusted-admin-hosts. Default generated."`
	NamespaceType string         `json:"namespace_type,omitempty" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"agnostic: shared by all spaces. Default single."`
	OSTypes       []string       `json:"os_types,omitempty" jsonschema:"enum=linux,enum=macos,enum=windows"`
	Tags          []string       `json:"tags,omitempty"`
	Meta          map[string]any `json:"meta,omitempty"`
	Version       int            `json:"version,omitempty" jsonschema:"minimum=1"`
}

// Prepare refuses a blank name.
func (in *CreateExceptionListInput) Prepare() error { return notBlank("name", in.Name) }

func notBlank(field, s string) error {
	if strings.TrimSpace(s) == "" {
		return &schema.ArgumentError{Field: field, Rule: "must not be blank"}
	}
	return nil
}

// UpdateExceptionListInput replaces a list's properties.
type UpdateExceptionListInput struct {
	ID            string         `json:"id,omitempty" jsonschema:"minLength=1"`
	ListID        string         `json:"list_id,omitempty" jsonschema:"minLength=1" jsonschema_description:"Give this or id."`
	Version       string         `json:"_version,omitempty" jsonschema_description:"From the list, to refuse the change if it changed since."`
	Name          string         `json:"name" jsonschema:"required,minLength=1"`
	Description   string         `json:"description" jsonschema:"required"`
	Type          string         `json:"type" jsonschema:"required,enum=detection,enum=rule_default,enum=endpoint,enum=endpoint_trusted_apps,enum=endpoint_trusted_devices,enum=endpoint_events,enum=endpoint_host_isolation_exceptions,enum=endpoint_blocklists"`
	NamespaceType string         `json:"namespace_type,omitempty" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"Default single."`
	OSTypes       []string       `json:"os_types,omitempty" jsonschema:"enum=linux,enum=macos,enum=windows" jsonschema_description:"Omitted: none."`
	Tags          []string       `json:"tags,omitempty"`
	Meta          map[string]any `json:"meta,omitempty"`
	ListVersion   int            `json:"version,omitempty" jsonschema:"minimum=1" jsonschema_description:"Default: one more."`
}

// Prepare requires one identifier and a name.
func (in *UpdateExceptionListInput) Prepare() error {
	if err := exceptionRef("list_id", in.ID, in.ListID); err != nil {
		return err
	}
	return notBlank("name", in.Name)
}

// DuplicateExceptionListInput names the list to copy.
type DuplicateExceptionListInput struct {
	ListID         string `json:"list_id" in:"query" jsonschema:"required,minLength=1"`
	NamespaceType  string `json:"namespace_type,omitempty" in:"query" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"Default single."`
	IncludeExpired *bool  `json:"include_expired_exceptions,omitempty" in:"query" jsonschema_description:"Copy items past their expire_time too. Default true."`
}

// Prepare fills the parameters Kibana requires.
func (in *DuplicateExceptionListInput) Prepare() error {
	in.NamespaceType, in.IncludeExpired = exportDefaults(in.NamespaceType, in.IncludeExpired)
	return nil
}

func exportDefaults(ns string, expired *bool) (string, *bool) {
	if ns == "" {
		ns = "single"
	}
	if expired == nil {
		yes := true
		expired = &yes
	}
	return ns, expired
}

// ExportExceptionListInput names the list to export; Kibana wants both ids.
type ExportExceptionListInput struct {
	ID             string `json:"id" in:"query" jsonschema:"required,minLength=1"`
	ListID         string `json:"list_id" in:"query" jsonschema:"required,minLength=1"`
	NamespaceType  string `json:"namespace_type,omitempty" in:"query" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"Default single."`
	IncludeExpired *bool  `json:"include_expired_exceptions,omitempty" in:"query" jsonschema_description:"Default true."`
}

// Prepare fills the parameters Kibana requires.
func (in *ExportExceptionListInput) Prepare() error {
	in.NamespaceType, in.IncludeExpired = exportDefaults(in.NamespaceType, in.IncludeExpired)
	return nil
}

// FindExceptionListsInput filters and pages the lists.
type FindExceptionListsInput struct {
	Filter        string   `json:"filter,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"KQL on exception-list.attributes.* (agnostic: exception-list-agnostic.attributes.*), e.g. exception-list.attributes.type:detection."`
	NamespaceType []string `json:"namespace_type,omitempty" in:"query" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"Default [single]."`
	Page          int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage       int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1" jsonschema_description:"Default 20."`
	SortField     string   `json:"sort_field,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"E.g. name, created_at."`
	SortOrder     string   `json:"sort_order,omitempty" in:"query" jsonschema:"enum=desc,enum=asc"`
}

// ImportExceptionListInput is an ndjson export to load.
type ImportExceptionListInput struct {
	File      string `json:"file" in:"formfile,ndjson" jsonschema:"required,minLength=1" jsonschema_description:"The ndjson text export_exception_list gave."`
	Overwrite bool   `json:"overwrite,omitempty" in:"query" jsonschema_description:"Replace lists and items with the same IDs."`
	AsNewList bool   `json:"as_new_list,omitempty" in:"query" jsonschema_description:"Import as a new list, with new list_id and item_ids."`
}

// ExceptionItemRefInput names one exception item by id or item_id.
type ExceptionItemRefInput struct {
	ID            string `json:"id,omitempty" in:"query" jsonschema:"minLength=1"`
	ItemID        string `json:"item_id,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"Give this or id."`
	NamespaceType string `json:"namespace_type,omitempty" in:"query" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"Default single."`
}

// Prepare requires exactly one of the two identifiers.
func (in *ExceptionItemRefInput) Prepare() error { return exceptionRef("item_id", in.ID, in.ItemID) }

// CreateExceptionItemInput is a new exception in a list.
type CreateExceptionItemInput struct {
	ListID        string             `json:"list_id" jsonschema:"required,minLength=1"`
	Name          string             `json:"name" jsonschema:"required,minLength=1"`
	Description   string             `json:"description" jsonschema:"required"`
	Entries       []ExceptionEntry   `json:"entries" jsonschema:"required,minItems=1" jsonschema_description:"Conditions that must all hold, each {type, field, operator (included or excluded; default included)} plus: match, wildcard: value (string); match_any: value (array of strings); exists: nothing; list: list {id, type} of a value list; nested: entries (match, match_any or exists), no operator."`
	Type          string             `json:"type,omitempty" jsonschema:"enum=simple"`
	ItemID        string             `json:"item_id,omitempty" jsonschema:"minLength=1" jsonschema_description:"Your own ID, e.g. patch-orchestrator."`
	Comments      []ExceptionComment `json:"comments,omitempty"`
	ExpireTime    string             `json:"expire_time,omitempty" jsonschema:"format=date-time"`
	Meta          map[string]any     `json:"meta,omitempty"`
	NamespaceType string             `json:"namespace_type,omitempty" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"The list's. Default single."`
	OSTypes       []string           `json:"os_types,omitempty" jsonschema:"enum=linux,enum=macos,enum=windows"`
	Tags          []string           `json:"tags,omitempty" jsonschema:"minLength=1"`
}

// Prepare fills the type and checks name and entries.
func (in *CreateExceptionItemInput) Prepare() error {
	if in.Type == "" {
		in.Type = "simple"
	}
	if err := notBlank("name", in.Name); err != nil {
		return err
	}
	return checkExceptionEntries("entries", in.Entries, false)
}

// ExceptionComment is a note on a new exception item.
type ExceptionComment struct {
	Comment string `json:"comment" jsonschema:"required,minLength=1"`
}

// ExceptionCommentUpdate is a note on an item being updated: existing
// ones keep their id.
type ExceptionCommentUpdate struct {
	ID      string `json:"id,omitempty" jsonschema:"minLength=1"`
	Comment string `json:"comment" jsonschema:"required,minLength=1"`
}

// UpdateExceptionItemInput replaces an exception item's content.
type UpdateExceptionItemInput struct {
	ID            string                   `json:"id,omitempty" jsonschema:"minLength=1"`
	ItemID        string                   `json:"item_id,omitempty" jsonschema:"minLength=1" jsonschema_description:"Give this or id."`
	Version       string                   `json:"_version,omitempty" jsonschema_description:"From the item, to refuse the change if it changed since."`
	Name          string                   `json:"name" jsonschema:"required,minLength=1"`
	Description   string                   `json:"description" jsonschema:"required"`
	Entries       []ExceptionEntry         `json:"entries" jsonschema:"required,minItems=1" jsonschema_description:"As in create_exception_item; replace the stored ones."`
	Type          string                   `json:"type,omitempty" jsonschema:"enum=simple"`
	ListID        string                   `json:"list_id,omitempty" jsonschema:"minLength=1"`
	Comments      []ExceptionCommentUpdate `json:"comments,omitempty" jsonschema_description:"Keep existing ones (with id); add new ones without."`
	ExpireTime    string                   `json:"expire_time,omitempty" jsonschema:"format=date-time" jsonschema_description:"Omitted: never expires."`
	Meta          map[string]any           `json:"meta,omitempty"`
	NamespaceType string                   `json:"namespace_type,omitempty" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"Default single."`
	OSTypes       []string                 `json:"os_types,omitempty" jsonschema:"enum=linux,enum=macos,enum=windows" jsonschema_description:"Omitted: none."`
	Tags          []string                 `json:"tags,omitempty" jsonschema:"minLength=1"`
}

// Prepare requires one identifier, fills the type and checks the entries.
func (in *UpdateExceptionItemInput) Prepare() error {
	if err := exceptionRef("item_id", in.ID, in.ItemID); err != nil {
		return err
	}
	if in.Type == "" {
		in.Type = "simple"
	}
	if err := notBlank("name", in.Name); err != nil {
		return err
	}
	return checkExceptionEntries("entries", in.Entries, false)
}

// FindExceptionItemsInput searches the items of one or more lists.
type FindExceptionItemsInput struct {
	ListID        []string `json:"list_id" in:"query" jsonschema:"required,minItems=1,minLength=1"`
	Filter        []string `json:"filter,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"KQL per list_id, in order (one applies to all), e.g. exception-list.attributes.name:*admin*."`
	NamespaceType []string `json:"namespace_type,omitempty" in:"query" jsonschema:"enum=single,enum=agnostic" jsonschema_description:"Per list_id, in order (one applies to all). Default single."`
	Search        string   `json:"search,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"Free text."`
	Page          int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage       int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1" jsonschema_description:"Default 20."`
	SortField     string   `json:"sort_field,omitempty" in:"query" jsonschema:"minLength=1" jsonschema_description:"E.g. name, created_at."`
	SortOrder     string   `json:"sort_order,omitempty" in:"query" jsonschema:"enum=desc,enum=asc"`
}

// Prepare lines namespaces and filters up with the list ids, as Kibana
// pairs them by position.
func (in *FindExceptionItemsInput) Prepare() error {
	n := len(in.ListID)
	for _, p := range []struct {
		name string
		vals *[]string
	}{{"namespace_type", &in.NamespaceType}, {"filter", &in.Filter}} {
		switch len(*p.vals) {
		case 0, n:
		case 1:
			*p.vals = slices.Repeat(*p.vals, n)
		default:
			return &schema.ArgumentError{Field: p.name, Rule: fmt.Sprintf("must have one value, or one per list_id (%d), got %d", n, len(*p.vals))}
		}
	}
	if len(in.NamespaceType) == 0 && n > 1 {
		in.NamespaceType = slices.Repeat([]string{"single"}, n)
	}
	return nil
}

// CreateSharedExceptionListInput is a new detection list rules can share.
type CreateSharedExceptionListInput struct {
	Name        string `json:"name" jsonschema:"required,minLength=1"`
	Description string `json:"description" jsonschema:"required"`
}

// Prepare refuses a blank name.
func (in *CreateSharedExceptionListInput) Prepare() error { return notBlank("name", in.Name) }

// CreateRuleExceptionItemsInput adds exceptions to one rule's default list.
type CreateRuleExceptionItemsInput struct {
	ID    string              `json:"id" in:"path" jsonschema:"required,format=uuid" jsonschema_description:"The detection rule's id (not its rule_id)."`
	Items []RuleExceptionItem `json:"items" jsonschema:"required,minItems=1" jsonschema_description:"Each {name, description, entries} as create_exception_item takes them, optionally item_id, comments, expire_time, os_types, tags, meta."`
}

// Prepare checks each item.
func (in *CreateRuleExceptionItemsInput) Prepare() error {
	for i := range in.Items {
		if err := in.Items[i].check(fmt.Sprintf("items[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

// RuleExceptionItem is one rule-scoped exception. Its schema is a bare
// object; create_rule_exception_items describes it.
type RuleExceptionItem struct {
	Name          string             `json:"name"`
	Description   *string            `json:"description"`
	Entries       []ExceptionEntry   `json:"entries"`
	Type          string             `json:"type"`
	ItemID        string             `json:"item_id,omitempty"`
	Comments      []ExceptionComment `json:"comments,omitempty"`
	ExpireTime    string             `json:"expire_time,omitempty"`
	Meta          map[string]any     `json:"meta,omitempty"`
	NamespaceType string             `json:"namespace_type,omitempty"`
	OSTypes       []string           `json:"os_types,omitempty"`
	Tags          []string           `json:"tags,omitempty"`
}

// JSONSchemaAlias shows the item as a bare object.
func (RuleExceptionItem) JSONSchemaAlias() any { return json.RawMessage(nil) }

var exceptionOSTypes = []string{"linux", "macos", "windows"}

// check enforces what the bare-object schema leaves out.
func (it *RuleExceptionItem) check(at string) error {
	if it.Type == "" {
		it.Type = "simple"
	}
	switch {
	case strings.TrimSpace(it.Name) == "":
		return &schema.ArgumentError{Field: at + ".name", Rule: "is required"}
	case it.Description == nil:
		return &schema.ArgumentError{Field: at + ".description", Rule: "is required"}
	case len(it.Entries) == 0:
		return &schema.ArgumentError{Field: at + ".entries", Rule: "is required (at least one entry)"}
	case it.Type != "simple":
		return &schema.ArgumentError{Field: at + ".type", Rule: fmt.Sprintf(`must be "simple", got %q`, it.Type)}
	case it.NamespaceType != "" && it.NamespaceType != "single" && it.NamespaceType != "agnostic":
		return &schema.ArgumentError{Field: at + ".namespace_type", Rule: fmt.Sprintf("must be single or agnostic, got %q", it.NamespaceType)}
	}
	for j, os := range it.OSTypes {
		if !slices.Contains(exceptionOSTypes, os) {
			return &schema.ArgumentError{Field: fmt.Sprintf("%s.os_types[%d]", at, j), Rule: fmt.Sprintf("must be linux, macos or windows, got %q", os)}
		}
	}
	for j, c := range it.Comments {
		if strings.TrimSpace(c.Comment) == "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("%s.comments[%d].comment", at, j), Rule: "is required"}
		}
	}
	for j, tag := range it.Tags {
		if tag == "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("%s.tags[%d]", at, j), Rule: "must not be empty"}
		}
	}
	if it.ExpireTime != "" && !exceptionDateTime(it.ExpireTime) {
		return &schema.ArgumentError{Field: at + ".expire_time", Rule: "must be an RFC 3339 date-time, e.g. 2025-06-30T00:00:00Z"}
	}
	return checkExceptionEntries(at+".entries", it.Entries, false)
}
