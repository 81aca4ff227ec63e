package tools

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The bulk saved-object routes take a bare JSON array as their body, which
// the generic binding (one object of members) cannot express: their inputs
// take the list as "objects" and build the request themselves.

// BulkGetSavedObjectsInput lists saved objects to read.
type BulkGetSavedObjectsInput struct {
	Objects []SavedObjectKey `json:"objects" jsonschema:"required,minItems=1,maxItems=10000"`
}

func (in *BulkGetSavedObjectsInput) Request() (*kibana.Request, error) {
	return bulkSavedObjectsRequest("_bulk_get", in.Objects, nil, false, true)
}

// BulkResolveSavedObjectsInput lists saved objects to resolve.
type BulkResolveSavedObjectsInput struct {
	Objects []SavedObjectKey `json:"objects" jsonschema:"required,minItems=1,maxItems=10000"`
}

func (in *BulkResolveSavedObjectsInput) Request() (*kibana.Request, error) {
	return bulkSavedObjectsRequest("_bulk_resolve", in.Objects, nil, false, true)
}

// BulkCreateSavedObjectsInput is many new saved objects.
type BulkCreateSavedObjectsInput struct {
	Objects   []SavedObjectCreate `json:"objects" jsonschema:"required,minItems=1,maxItems=10000"`
	Overwrite bool                `json:"overwrite,omitempty" in:"query" jsonschema_description:"Replace objects with the same ids."`
}

// SavedObjectCreate is one object of a bulk create.
type SavedObjectCreate struct {
	Type              string                 `json:"type" jsonschema:"required,minLength=1"`
	ID                string                 `json:"id,omitempty" jsonschema_description:"Default: generated."`
	Attributes        json.RawMessage        `json:"attributes" jsonschema:"required"`
	References        []SavedObjectReference `json:"references,omitempty"`
	InitialNamespaces []string               `json:"initialNamespaces,omitempty"`
	Version           string                 `json:"version,omitempty"`
}

func (in *BulkCreateSavedObjectsInput) Request() (*kibana.Request, error) {
	var q url.Values
	if in.Overwrite {
		q = url.Values{"overwrite": {"true"}}
	}
	return bulkSavedObjectsRequest("_bulk_create", in.Objects, q, true, false)
}

// BulkUpdateSavedObjectsInput is changes to many saved objects.
type BulkUpdateSavedObjectsInput struct {
	Objects []SavedObjectUpdate `json:"objects" jsonschema:"required,minItems=1,maxItems=10000"`
}

// SavedObjectUpdate is one change of a bulk update.
type SavedObjectUpdate struct {
	Type       string                  `json:"type" jsonschema:"required,minLength=1"`
	ID         string                  `json:"id" jsonschema:"required,minLength=1"`
	Attributes json.RawMessage         `json:"attributes" jsonschema:"required" jsonschema_description:"Attributes to set; others are kept."`
	Version    string                  `json:"version,omitempty"`
	References *[]SavedObjectReference `json:"references,omitempty" jsonschema_description:"Replace all references."`
}

func (in *BulkUpdateSavedObjectsInput) Request() (*kibana.Request, error) {
	return bulkSavedObjectsRequest("_bulk_update", in.Objects, nil, true, true)
}

// BulkDeleteSavedObjectsInput lists saved objects to delete.
type BulkDeleteSavedObjectsInput struct {
	Objects []SavedObjectKey `json:"objects" jsonschema:"required,minItems=1,maxItems=10000"`
	Force   bool             `json:"force,omitempty" in:"query" jsonschema_description:"Also delete objects shared with other spaces."`
}

func (in *BulkDeleteSavedObjectsInput) Request() (*kibana.Request, error) {
	var q url.Values
	if in.Force {
		q = url.Values{"force": {"true"}}
	}
	return bulkSavedObjectsRequest("_bulk_delete", in.Objects, q, true, true)
}

// bulkSavedObjectsRequest is a POST to a bulk route with the list as body.
func bulkSavedObjectsRequest(route string, items any, q url.Values, mutates, retryable bool) (*kibana.Request, error) {
	body, err := json.Marshal(items)
	if err != nil {
		return nil, &schema.ArgumentError{Field: "objects", Rule: err.Error()}
	}
	return &kibana.Request{
		Method:     http.MethodPost,
		Path:       "/api/saved_objects/" + route,
		Query:      q,
		Body:       body,
		APIVersion: operation.V20231031,
		Mutates:    mutates,
		Retryable:  retryable,
	}, nil
}

// ExportSavedObjectsInput chooses what to export: whole types or listed
// objects, never both (Kibana refuses that).
type ExportSavedObjectsInput struct {
	Type                  []string         `json:"type,omitempty" jsonschema:"minLength=1" jsonschema_description:"Types to export, * for all. Give this or objects."`
	Objects               []SavedObjectKey `json:"objects,omitempty" jsonschema:"maxItems=10000"`
	Search                string           `json:"search,omitempty" jsonschema_description:"With type: simple query string on titles."`
	HasReference          []SavedObjectKey `json:"hasReference,omitempty" jsonschema_description:"With type: only objects referring to these."`
	IncludeReferencesDeep bool             `json:"includeReferencesDeep,omitempty" jsonschema_description:"Add everything they refer to."`
	ExcludeExportDetails  bool             `json:"excludeExportDetails,omitempty" jsonschema_description:"Leave out the final summary line."`
}

// Prepare enforces Kibana's rules on combining the selectors.
func (in *ExportSavedObjectsInput) Prepare() error {
	switch {
	case len(in.Type) == 0 && len(in.Objects) == 0:
		return &schema.ArgumentError{Field: "type", Rule: "or objects is required: name the types to export, or list the objects"}
	case len(in.Type) > 0 && len(in.Objects) > 0:
		return &schema.ArgumentError{Field: "objects", Rule: "cannot be combined with type; give one of them"}
	case len(in.Objects) > 0 && in.Search != "":
		return &schema.ArgumentError{Field: "search", Rule: "applies only with type, not with objects"}
	case len(in.Objects) > 0 && len(in.HasReference) > 0:
		return &schema.ArgumentError{Field: "hasReference", Rule: "applies only with type, not with objects"}
	}
	return nil
}

// ImportSavedObjectsInput is an export file to import.
type ImportSavedObjectsInput struct {
	File              string `json:"file" in:"formfile,ndjson" jsonschema:"required,minLength=1" jsonschema_description:"The ndjson text export_saved_objects gave."`
	Overwrite         bool   `json:"overwrite,omitempty" in:"query" jsonschema_description:"Replace objects with the same ids."`
	CreateNewCopies   bool   `json:"createNewCopies,omitempty" in:"query" jsonschema_description:"Give every object a new id."`
	CompatibilityMode bool   `json:"compatibilityMode,omitempty" in:"query" jsonschema_description:"Adjust objects from other Kibana versions."`
}

// Prepare enforces the options Kibana refuses together, and refuses a file
// with a line that is not a JSON object, which Kibana's ndjson reader
// fails the whole import over.
func (in *ImportSavedObjectsInput) Prepare() error {
	switch {
	case in.CreateNewCopies && in.Overwrite:
		return &schema.ArgumentError{Field: "createNewCopies", Rule: "cannot be combined with overwrite; new copies never conflict"}
	case in.CreateNewCopies && in.CompatibilityMode:
		return &schema.ArgumentError{Field: "createNewCopies", Rule: "cannot be combined with compatibilityMode"}
	}
	return checkNDJSON("file", in.File, "holds no saved object; give export_saved_objects' ndjson")
}

// ResolveImportErrorsInput retries an import object by object.
type ResolveImportErrorsInput struct {
	File              string        `json:"file" in:"formfile,ndjson" jsonschema:"required,minLength=1" jsonschema_description:"The file given to import_saved_objects."`
	Retries           []ImportRetry `json:"retries" in:"form" jsonschema:"required" jsonschema_description:"The objects to import and how; others in the file are skipped."`
	CreateNewCopies   bool          `json:"createNewCopies,omitempty" in:"query" jsonschema_description:"As given to the import."`
	CompatibilityMode bool          `json:"compatibilityMode,omitempty" in:"query" jsonschema_description:"As given to the import."`
}

// ImportRetry says how to import one object again.
type ImportRetry struct {
	Type                    string             `json:"type" jsonschema:"required,minLength=1"`
	ID                      string             `json:"id" jsonschema:"required,minLength=1"`
	Overwrite               bool               `json:"overwrite,omitempty"`
	DestinationID           string             `json:"destinationId,omitempty" jsonschema_description:"Import under this id."`
	ReplaceReferences       []ReferenceReplace `json:"replaceReferences,omitempty"`
	IgnoreMissingReferences bool               `json:"ignoreMissingReferences,omitempty"`
}

// ReferenceReplace points references to one object at another.
type ReferenceReplace struct {
	Type string `json:"type" jsonschema:"required,minLength=1"`
	From string `json:"from" jsonschema:"required,minLength=1"`
	To   string `json:"to" jsonschema:"required,minLength=1"`
}

// Prepare enforces the options Kibana refuses together.
func (in *ResolveImportErrorsInput) Prepare() error {
	if in.CreateNewCopies && in.CompatibilityMode {
		return &schema.ArgumentError{Field: "createNewCopies", Rule: "cannot be combined with compatibilityMode"}
	}
	if len(in.Retries) == 0 {
		return &schema.ArgumentError{Field: "retries", Rule: "must list at least one object to import again"}
	}
	return checkNDJSON("file", in.File, "holds no saved object; give the file given to import_saved_objects")
}
