package tools

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Spaces API. find_spaces and get_space are in the default selection,
// whose token budget is nearly spent: they stay a few words each. Changing
// spaces is Admin work. Names, titles and paths already say "space" several
// times; descriptions do not repeat it, or tool search would rank these
// tools above the one a request is about whenever it says "in this space".
var spacesOperations = append(spacesCoreOperations, spacesObjectOperations...)

var spacesCoreOperations = []*operation.Operation{
	{
		Name:        "find_spaces",
		Title:       "Find spaces",
		Description: "List all, with IDs and what you may do in each.",
		Toolset:     "spaces",
		Method:      http.MethodGet,
		Path:        "/api/spaces/space",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindSpacesInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "get_space",
		Title:       "Get space",
		Description: "Read one by ID.",
		Toolset:     "spaces",
		Method:      http.MethodGet,
		Path:        "/api/spaces/space/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       SpaceIDInput{},
		Examples:    []string{`{"id":"marketing"}`, `{"id":"marketing","space_id":"soc"}`},
	},
	{
		Name:        "create_space",
		Title:       "Create Kibana space",
		Description: "Create a separate set of saved objects; users reach it only through roles that grant it (put_role).",
		Toolset:     "spaces",
		Method:      http.MethodPost,
		Path:        "/api/spaces/space",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateSpaceInput{},
		Examples: []string{
			`{"id":"marketing","name":"Marketing"}`,
			`{"id":"marketing","name":"Marketing","description":"Campaign dashboards.","color":"#aabbcc","initials":"MK","imageUrl":"data:image/png;base64,iVBORw0KGgo=","disabledFeatures":["ml","canvas"],"solution":"classic","space_id":"soc"}`,
		},
	},
	{
		Name:        "update_space",
		Title:       "Update Kibana space",
		Description: "Replace name, avatar, solution and disabled features; omitted ones are reset, so start from get_space. The ID cannot change.",
		Toolset:     "spaces",
		Method:      http.MethodPut,
		Path:        "/api/spaces/space/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateSpaceInput{},
		Examples: []string{
			`{"id":"marketing","name":"Marketing"}`,
			`{"id":"marketing","name":"Marketing and sales","description":"Campaign dashboards.","color":"#AABBCC","initials":"MS","imageUrl":"data:image/png;base64,iVBORw0KGgo=","disabledFeatures":["ml"],"solution":"oblt","space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_space",
		Title:       "Delete Kibana space",
		Description: "Delete it with every saved object in it (dashboards, rules…); cannot be undone.",
		Toolset:     "spaces",
		Method:      http.MethodDelete,
		Path:        "/api/spaces/space/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       SpaceIDInput{},
		Examples:    []string{`{"id":"marketing"}`, `{"id":"marketing","space_id":"soc"}`},
	},
}

// FindSpacesInput takes nothing: every space the user may see is listed.
type FindSpacesInput struct{}

// Request asks for the spaces with include_authorized_purposes=true, which
// lists every space the user can reach in any capacity and says for what
// (authorizedPurposes). The published spec marks the parameter required
// (Kibana does not) and accepts only true, its oneOf taking false twice; so
// the request always sends it, and the tool keeps no argument.
func (in *FindSpacesInput) Request() (*kibana.Request, error) {
	return &kibana.Request{
		Method:     http.MethodGet,
		Path:       "/api/spaces/space",
		Query:      url.Values{"include_authorized_purposes": {"true"}},
		APIVersion: operation.V20231031,
		Retryable:  true,
	}, nil
}

// SpaceIDInput names one space.
type SpaceIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required"`
}

// spaceIDPattern is what Kibana accepts as a space ID.
const spaceIDPattern = "^[a-z0-9_-]+$"

// CreateSpaceInput describes a new space.
type CreateSpaceInput struct {
	ID               string   `json:"id" jsonschema:"required,pattern=^[a-z0-9_-]+$" jsonschema_description:"Part of its URLs (/s/{id}); cannot change later."`
	Name             string   `json:"name" jsonschema:"required,minLength=1"`
	Description      string   `json:"description,omitempty"`
	Color            string   `json:"color,omitempty" jsonschema:"pattern=^#[0-9A-Fa-f]{6}$" jsonschema_description:"Avatar colour, e.g. #aabbcc."`
	Initials         string   `json:"initials,omitempty" jsonschema:"maxLength=2"`
	ImageURL         string   `json:"imageUrl,omitempty" jsonschema:"pattern=^data:image/" jsonschema_description:"Avatar as a data URL, 64x64."`
	DisabledFeatures []string `json:"disabledFeatures,omitempty" jsonschema_description:"Feature IDs to hide, e.g. ml, canvas."`
	Solution         string   `json:"solution,omitempty" jsonschema:"enum=security,enum=oblt,enum=es,enum=classic" jsonschema_description:"Navigation: Security, Observability, Elasticsearch or classic."`
}

// UpdateSpaceInput replaces a space's settings. Kibana wants the ID both in
// the path and in the body, which the generic binding cannot express (one
// argument, one place), so the input builds its request itself.
type UpdateSpaceInput struct {
	ID               string   `json:"id" in:"path" jsonschema:"required,pattern=^[a-z0-9_-]+$"`
	Name             string   `json:"name" jsonschema:"required,minLength=1"`
	Description      string   `json:"description,omitempty"`
	Color            string   `json:"color,omitempty" jsonschema:"pattern=^#[0-9A-Fa-f]{6}$"`
	Initials         string   `json:"initials,omitempty" jsonschema:"maxLength=2"`
	ImageURL         string   `json:"imageUrl,omitempty" jsonschema:"pattern=^data:image/"`
	DisabledFeatures []string `json:"disabledFeatures,omitempty"`
	Solution         string   `json:"solution,omitempty" jsonschema:"enum=security,enum=oblt,enum=es,enum=classic"`
}

// Request sends PUT /api/spaces/space/{id} with the whole space, id included.
func (in *UpdateSpaceInput) Request() (*kibana.Request, error) {
	if in.ID == "" {
		return nil, &schema.ArgumentError{Field: "id", Rule: "must be a space ID (" + spaceIDPattern + ")"}
	}
	disabled := in.DisabledFeatures
	if disabled == nil {
		disabled = []string{} // a replacement: omitted means none disabled
	}
	body, err := json.Marshal(struct {
		ID               string   `json:"id"`
		Name             string   `json:"name"`
		Description      string   `json:"description,omitempty"`
		Color            string   `json:"color,omitempty"`
		Initials         string   `json:"initials,omitempty"`
		ImageURL         string   `json:"imageUrl,omitempty"`
		DisabledFeatures []string `json:"disabledFeatures"`
		Solution         string   `json:"solution,omitempty"`
	}{in.ID, in.Name, in.Description, in.Color, in.Initials, in.ImageURL, disabled, in.Solution})
	if err != nil {
		return nil, err
	}
	return &kibana.Request{
		Method:     http.MethodPut,
		Path:       "/api/spaces/space/" + url.PathEscape(in.ID),
		APIVersion: operation.V20231031,
		Body:       body,
		Mutates:    true,
		Retryable:  true, // a PUT of the whole space: sending it twice changes nothing more
	}, nil
}
