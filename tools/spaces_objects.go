package tools

import (
	"net/http"
	"slices"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Moving saved objects between spaces: copying them (a copy per space,
// with what they refer to), retrying the copies that failed, and sharing
// one object in several spaces at once. All Admin: the default selection
// keeps only find_spaces and get_space. None of these routes carries an
// x-state; they predate 8.0 (copy 7.x, sharing 7.12) and serverless
// serves them (the spaces toolset's availability).
var spacesObjectOperations = []*operation.Operation{
	{
		Name:        "copy_saved_objects_to_space",
		Title:       "Copy saved objects to spaces",
		Description: "Copy saved objects (dashboards, searches, data views…) from this space to others; answers, per space, what was copied and what failed.",
		Toolset:     "spaces",
		Method:      http.MethodPost,
		Path:        "/api/spaces/_copy_saved_objects",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       CopyToSpaceInput{},
		Examples: []string{
			`{"spaces":["soc"],"objects":[{"type":"tag","id":"threat-hunting"}]}`,
			`{"spaces":["soc"],"objects":[{"type":"search","id":"failed-logins"}],"includeReferences":true,"overwrite":true,"compatibilityMode":false}`,
		},
	},
	{
		Name:        "resolve_copy_to_space_errors",
		Title:       "Resolve copy-to-space errors",
		Description: "Retry a copy_saved_objects_to_space that failed for some objects: per space, which to overwrite or copy under a new id.",
		Toolset:     "spaces",
		Method:      http.MethodPost,
		Path:        "/api/spaces/_resolve_copy_saved_objects_errors",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       ResolveCopyToSpaceErrorsInput{},
		Examples: []string{
			`{"objects":[{"type":"tag","id":"soc-triage"}],"retries":{"soc":[{"type":"tag","id":"soc-triage","overwrite":true}]}}`,
			`{"objects":[{"type":"search","id":"failed-logins"}],"includeReferences":true,"createNewCopies":false,"retries":{"soc":[{"type":"search","id":"failed-logins","overwrite":true,"ignoreMissingReferences":true},{"type":"tag","id":"soc-triage","destinationId":"soc-triage-copy","createNewCopy":true}]}}`,
		},
	},
	{
		Name:        "get_shareable_references",
		Title:       "Get shareable references",
		Description: "List saved objects with everything they refer to, and the spaces each is in: what sharing them to another space involves.",
		Toolset:     "spaces",
		Method:      http.MethodPost,
		Path:        "/api/spaces/_get_shareable_references",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       SpaceObjectsInput{},
		Examples: []string{
			`{"objects":[{"type":"search","id":"failed-logins"}]}`,
			`{"objects":[{"type":"lens","id":"alerts-by-severity"},{"type":"tag","id":"soc-triage"}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_objects_spaces",
		Title:       "Share saved objects to spaces",
		Description: "Add saved objects to spaces or remove them from some, without copying: one object, visible in each. \"*\" is every space.",
		Toolset:     "spaces",
		Method:      http.MethodPost,
		Path:        "/api/spaces/_update_objects_spaces",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateObjectsSpacesInput{},
		Examples: []string{
			`{"objects":[{"type":"index-pattern","id":"logs-*"}],"spacesToAdd":["soc"]}`,
			`{"objects":[{"type":"tag","id":"soc-triage"}],"spacesToAdd":["*"],"spacesToRemove":[],"space_id":"soc"}`,
		},
	},
	{
		Name:        "disable_legacy_url_aliases",
		Title:       "Disable legacy URL aliases",
		Description: "Stop old ids (from before 8.0's id migration) redirecting to their objects, e.g. to settle a resolve conflict.",
		Toolset:     "spaces",
		Method:      http.MethodPost,
		Path:        "/api/spaces/_disable_legacy_url_aliases",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		// No API turns an alias back on: old links stop resolving for good.
		Overwrites: true,
		Admin:      true,
		Input:      DisableLegacyURLAliasesInput{},
		Examples: []string{
			`{"aliases":[{"targetSpace":"default","targetType":"dashboard","sourceId":"soc-overview"}]}`,
			`{"aliases":[{"targetSpace":"default","targetType":"dashboard","sourceId":"soc-overview"},{"targetSpace":"soc","targetType":"dashboard","sourceId":"soc-overview"}],"space_id":"soc"}`,
		},
	},
}

// CopyToSpaceInput copies objects to other spaces.
type CopyToSpaceInput struct {
	Spaces            []string         `json:"spaces" jsonschema:"required,minItems=1" jsonschema_description:"Target space ids."`
	Objects           []SavedObjectKey `json:"objects" jsonschema:"required,minItems=1"`
	IncludeReferences bool             `json:"includeReferences,omitempty" jsonschema_description:"Also copy what they refer to."`
	Overwrite         bool             `json:"overwrite,omitempty" jsonschema_description:"Replace objects of the same id in the targets."`
	CreateNewCopies   *bool            `json:"createNewCopies,omitempty" jsonschema_description:"New ids, so nothing conflicts. Default true, false with overwrite."`
	CompatibilityMode bool             `json:"compatibilityMode,omitempty" jsonschema_description:"Keep ids as they are, for legacy URLs."`
}

// copyOptions settles createNewCopies against overwrite and compatibility
// mode, which Kibana refuses together.
func copyOptions(newCopies **bool, overwrite, compat bool) error {
	if *newCopies == nil {
		v := !overwrite && !compat
		*newCopies = &v
	}
	if **newCopies && overwrite {
		return &schema.ArgumentError{Field: "createNewCopies", Rule: "cannot be true with overwrite"}
	}
	if **newCopies && compat {
		return &schema.ArgumentError{Field: "createNewCopies", Rule: "cannot be true with compatibilityMode"}
	}
	return nil
}

// Prepare settles createNewCopies and refuses copying into "*".
func (in *CopyToSpaceInput) Prepare() error {
	if slices.Contains(in.Spaces, "*") {
		return &schema.ArgumentError{Field: "spaces", Rule: `name each target space; "*" is for update_objects_spaces`}
	}
	return copyOptions(&in.CreateNewCopies, in.Overwrite, in.CompatibilityMode)
}

// ResolveCopyToSpaceErrorsInput retries some copies.
type ResolveCopyToSpaceErrorsInput struct {
	Objects           []SavedObjectKey       `json:"objects" jsonschema:"required,minItems=1" jsonschema_description:"As given to copy_saved_objects_to_space."`
	Retries           map[string][]CopyRetry `json:"retries" jsonschema:"required" jsonschema_description:"By target space id."`
	IncludeReferences bool                   `json:"includeReferences,omitempty"`
	CreateNewCopies   *bool                  `json:"createNewCopies,omitempty" jsonschema_description:"Default false."`
	CompatibilityMode bool                   `json:"compatibilityMode,omitempty"`
}

// CopyRetry is how to retry one object in one space.
type CopyRetry struct {
	Type                    string `json:"type" jsonschema:"required,minLength=1"`
	ID                      string `json:"id" jsonschema:"required,minLength=1"`
	Overwrite               bool   `json:"overwrite,omitempty"`
	DestinationID           string `json:"destinationId,omitempty" jsonschema_description:"The id to copy to, from the error."`
	CreateNewCopy           bool   `json:"createNewCopy,omitempty"`
	IgnoreMissingReferences bool   `json:"ignoreMissingReferences,omitempty"`
}

// Prepare refuses an empty retry list and settles createNewCopies (false
// unless asked: a retry names what to do with each object).
func (in *ResolveCopyToSpaceErrorsInput) Prepare() error {
	if len(in.Retries) == 0 {
		return &schema.ArgumentError{Field: "retries", Rule: "give at least one space's retries"}
	}
	if in.CreateNewCopies == nil {
		v := false
		in.CreateNewCopies = &v
	}
	return copyOptions(&in.CreateNewCopies, false, in.CompatibilityMode)
}

// SpaceObjectsInput names some saved objects.
type SpaceObjectsInput struct {
	Objects []SavedObjectKey `json:"objects" jsonschema:"required,minItems=1"`
}

// UpdateObjectsSpacesInput shares objects to spaces, or stops sharing.
type UpdateObjectsSpacesInput struct {
	Objects        []SavedObjectKey `json:"objects" jsonschema:"required,minItems=1"`
	SpacesToAdd    []string         `json:"spacesToAdd"`
	SpacesToRemove []string         `json:"spacesToRemove"`
}

// Prepare refuses a change that changes nothing; Kibana wants both lists.
func (in *UpdateObjectsSpacesInput) Prepare() error {
	if len(in.SpacesToAdd) == 0 && len(in.SpacesToRemove) == 0 {
		return &schema.ArgumentError{Rule: "give spacesToAdd or spacesToRemove"}
	}
	for _, s := range in.SpacesToAdd {
		if slices.Contains(in.SpacesToRemove, s) {
			return &schema.ArgumentError{Field: "spacesToRemove", Rule: "names " + s + ", which spacesToAdd also names"}
		}
	}
	if in.SpacesToAdd == nil {
		in.SpacesToAdd = []string{}
	}
	if in.SpacesToRemove == nil {
		in.SpacesToRemove = []string{}
	}
	return nil
}

// DisableLegacyURLAliasesInput names the aliases to disable.
type DisableLegacyURLAliasesInput struct {
	Aliases []LegacyURLAlias `json:"aliases" jsonschema:"required,minItems=1"`
}

// LegacyURLAlias is an old id of an object in a space.
type LegacyURLAlias struct {
	TargetSpace string `json:"targetSpace" jsonschema:"required,minLength=1"`
	TargetType  string `json:"targetType" jsonschema:"required,minLength=1"`
	SourceID    string `json:"sourceId" jsonschema:"required,minLength=1" jsonschema_description:"The old id."`
}
