package tools

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Privileged user monitoring (/api/entity_analytics/monitoring/*, and the
// privileged access detection package under
// /api/entity_analytics/privileged_user_monitoring/pad/*): the engine that
// keeps the list of privileged users, the list itself, and the ML jobs
// that look for privilege misuse.
var privmonOperations = []*operation.Operation{
	{
		Name:         "init_privmon_engine",
		Availability: privmonAvailability,
		Title:        "Start privileged user monitoring",
		Description:  "Install and start the privileged user monitoring engine of the space (its users index and sync task).",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_analytics/monitoring/engine/init",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Admin:        true,
		Input:        PrivmonNoInput{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "disable_privmon_engine",
		Availability: privmonAvailability,
		Title:        "Disable privileged user monitoring",
		Description:  "Stop the privileged user monitoring engine; monitored users are kept and init_privmon_engine starts it again.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_analytics/monitoring/engine/disable",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Admin:        true,
		Input:        PrivmonNoInput{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "delete_privmon_engine",
		Availability: privmonAvailability,
		Title:        "Delete privileged user monitoring",
		Description:  "Uninstall the privileged user monitoring engine; with data=true also delete every monitored user.",
		Toolset:      "entity_analytics",
		Method:       http.MethodDelete,
		Path:         "/api/entity_analytics/monitoring/engine/delete",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        DeletePrivmonEngineInput{},
		Examples:     []string{`{}`, `{"data":true,"space_id":"soc"}`},
	},
	{
		Name:         "run_privmon_engine",
		Availability: privmonAvailability,
		Title:        "Run privileged user monitoring",
		Description:  "Sync the privileged user list from its sources now; 409 while a run is in progress.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_analytics/monitoring/engine/schedule_now",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Input:        PrivmonNoInput{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "get_privmon_health",
		Availability: privmonAvailability,
		Title:        "Get privileged user monitoring health",
		Description:  "Show the monitoring engine's status and how many privileged users it watches (of the maximum).",
		Toolset:      "entity_analytics",
		Method:       http.MethodGet,
		Path:         "/api/entity_analytics/monitoring/privileges/health",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        PrivmonNoInput{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "get_privmon_privileges",
		Availability: privmonAvailability,
		Title:        "Check privileged user monitoring privileges",
		Description:  "Check whether the current user has the privileges privileged user monitoring needs.",
		Toolset:      "entity_analytics",
		Method:       http.MethodGet,
		Path:         "/api/entity_analytics/monitoring/privileges/privileges",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Admin:        true,
		Input:        PrivmonNoInput{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "create_privileged_user",
		Availability: privmonAvailability,
		Title:        "Add privileged user",
		Description:  "Add a user to the monitored privileged users by name.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_analytics/monitoring/users",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Input:        CreatePrivilegedUserInput{},
		Examples: []string{
			`{"user":{"name":"j.morgan"}}`,
			`{"user":{"name":"t.ng"},"space_id":"soc"}`,
		},
	},
	{
		Name:         "import_privileged_users",
		Availability: privmonAvailability,
		Title:        "Import privileged users from CSV",
		Description:  "Upload the privileged user list as CSV (user name[,label] per line, no header); users of earlier uploads missing from it stop being privileged.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_analytics/monitoring/users/_csv",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		Input:        ImportPrivilegedUsersInput{},
		Examples: []string{
			"{\"file\":\"svc-backup\\nj.morgan\\n\"}",
			"{\"file\":\"svc-backup,Backup operators\\nsvc-sql,DBA\\ncustomer-ops\\n\",\"space_id\":\"soc\"}",
		},
	},
	{
		Name:         "update_privileged_user",
		Availability: privmonAvailability,
		Title:        "Update privileged user",
		Description:  "Change a monitored user's name, privileged flag, sources or labels; members left out stay.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPut,
		Path:         "/api/entity_analytics/monitoring/users/{id}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Input:        UpdatePrivilegedUserInput{},
		Examples: []string{
			`{"id":"` + examplePrivilegedUserID + `","user":{"is_privileged":false}}`,
			`{"id":"` + examplePrivilegedUserIDSoc + `","user":{"name":"svc-sql","is_privileged":true},"labels":{"sources":["api","csv"],"source_ids":["okta-soc"],"source_integrations":["entityanalytics_okta"]},"entity_analytics_monitoring":{"labels":[{"field":"department","value":"Database administration","source":"api"}]},"space_id":"soc"}`,
		},
	},
	{
		Name:         "delete_privileged_user",
		Availability: privmonAvailability,
		Title:        "Delete privileged user",
		Description:  "Remove a user from privileged user monitoring by its id (from list_privileged_users).",
		Toolset:      "entity_analytics",
		Method:       http.MethodDelete,
		Path:         "/api/entity_analytics/monitoring/users/{id}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Input:        PrivilegedUserIDInput{},
		Examples: []string{
			`{"id":"` + examplePrivilegedUserID + `"}`,
			`{"id":"` + examplePrivilegedUserIDSoc + `","space_id":"soc"}`,
		},
	},
	{
		Name:         "list_privileged_users",
		Availability: privmonAvailability,
		Title:        "List privileged users",
		Description:  "List the monitored users (privileged or no longer), optionally filtered by KQL such as user.is_privileged:true.",
		Toolset:      "entity_analytics",
		Method:       http.MethodGet,
		Path:         "/api/entity_analytics/monitoring/users/list",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        ListPrivilegedUsersInput{},
		Examples: []string{
			`{}`,
			`{"kql":"user.is_privileged:true and labels.sources:csv","space_id":"soc"}`,
		},
	},
	{
		Name:         "get_privileged_access_detection_status",
		Availability: privmonAvailability,
		Title:        "Get privileged access detection status",
		Description:  "Show whether the privileged access detection package and its ML jobs are installed, and each job's state.",
		Toolset:      "entity_analytics",
		Method:       http.MethodGet,
		Path:         "/api/entity_analytics/privileged_user_monitoring/pad/status",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        PrivmonNoInput{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "install_privileged_access_detection",
		Availability: privmonAvailability,
		Title:        "Install privileged access detection",
		Description:  "Install the privileged access detection integration package and set up its ML jobs, replacing an installed version.",
		Toolset:      "entity_analytics",
		Method:       http.MethodPost,
		Path:         "/api/entity_analytics/privileged_user_monitoring/pad/install",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Overwrites:   true,
		Admin:        true,
		Input:        PrivmonNoInput{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
}

// The ids the sandbox gives seeded monitored users: svc-backup in the
// default space, svc-sql in soc.
const (
	examplePrivilegedUserID    = "cOLuxUPUVi6j1AjQSFPa"
	examplePrivilegedUserIDSoc = "b8diugGCQZ5FJDLCi5hy"
)

// PrivmonNoInput is the input of the routes that take nothing but the
// space.
type PrivmonNoInput struct{}

// DeletePrivmonEngineInput says whether the monitored users go too.
type DeletePrivmonEngineInput struct {
	Data bool `json:"data,omitempty" in:"query" jsonschema_description:"Also delete all monitored user data."`
}

// CreatePrivilegedUserInput names the user to monitor.
type CreatePrivilegedUserInput struct {
	User PrivilegedUserName `json:"user" jsonschema:"required"`
}

// PrivilegedUserName is a user as the create route takes it.
type PrivilegedUserName struct {
	Name string `json:"name" jsonschema:"required,minLength=1"`
}

// Prepare refuses a blank name.
func (in *CreatePrivilegedUserInput) Prepare() error {
	if strings.TrimSpace(in.User.Name) == "" {
		return &schema.ArgumentError{Field: "user.name", Rule: "must not be blank"}
	}
	return nil
}

// ImportPrivilegedUsersInput uploads the CSV text as users.csv.
type ImportPrivilegedUsersInput struct {
	File string `json:"file" in:"formfile,csv" jsonschema:"required,minLength=1" jsonschema_description:"CSV text: user name, optional label; one user per line."`
}

// csvHeaderNames are first cells that say a line is a header, which Kibana
// would import as a user of that name.
var csvHeaderNames = map[string]bool{"user": true, "username": true, "user_name": true, "user.name": true, "name": true}

// Prepare checks the rows Kibana would refuse one by one (more than two
// columns, no user name) and a header line, which it would import.
func (in *ImportPrivilegedUsersInput) Prepare() error {
	r := csv.NewReader(strings.NewReader(in.File))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	users := 0
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return &schema.ArgumentError{Field: "file", Rule: "is not valid CSV: " + err.Error()}
		}
		line, _ := r.FieldPos(0)
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		name := strings.TrimSpace(row[0])
		switch {
		case len(row) > 2:
			return &schema.ArgumentError{Field: "file", Rule: fmt.Sprintf("line %d has %d columns; give the user name and at most a label", line, len(row))}
		case name == "":
			return &schema.ArgumentError{Field: "file", Rule: fmt.Sprintf("line %d has no user name", line)}
		case users == 0 && csvHeaderNames[strings.ToLower(name)]:
			return &schema.ArgumentError{Field: "file", Rule: fmt.Sprintf("line %d looks like a header (%q); leave it out, Kibana would import it as a user", line, name)}
		}
		users++
	}
	if users == 0 {
		return &schema.ArgumentError{Field: "file", Rule: "has no user names"}
	}
	return nil
}

// UpdatePrivilegedUserInput changes a monitored user document in part.
type UpdatePrivilegedUserInput struct {
	ID                        string                  `json:"id" in:"path" jsonschema:"required,minLength=1"`
	User                      *PrivilegedUserUpdate   `json:"user,omitempty"`
	Labels                    *PrivilegedUserSources  `json:"labels,omitempty"`
	EntityAnalyticsMonitoring *PrivilegedUserMetadata `json:"entity_analytics_monitoring,omitempty"`
}

// PrivilegedUserUpdate is the user part of an update.
type PrivilegedUserUpdate struct {
	Name         string `json:"name,omitempty" jsonschema:"minLength=1"`
	IsPrivileged *bool  `json:"is_privileged,omitempty"`
}

// PrivilegedUserSources says where a monitored user came from.
type PrivilegedUserSources struct {
	Sources            []string `json:"sources,omitempty" jsonschema:"uniqueItems=true,enum=csv,enum=index_sync,enum=api"`
	SourceIDs          []string `json:"source_ids,omitempty"`
	SourceIntegrations []string `json:"source_integrations,omitempty"`
}

// PrivilegedUserMetadata holds a monitored user's labels.
type PrivilegedUserMetadata struct {
	Labels []PrivilegedUserLabel `json:"labels" jsonschema:"required" jsonschema_description:"Replaces the labels; [] clears them."`
}

// PrivilegedUserLabel is one label: a field, its value and where it came
// from.
type PrivilegedUserLabel struct {
	Field  string `json:"field" jsonschema:"required,minLength=1"`
	Value  string `json:"value" jsonschema:"required"`
	Source string `json:"source" jsonschema:"required,minLength=1"`
}

// Prepare asks for something to change.
func (in *UpdatePrivilegedUserInput) Prepare() error {
	if (in.User == nil || (in.User.Name == "" && in.User.IsPrivileged == nil)) && in.Labels == nil && in.EntityAnalyticsMonitoring == nil {
		return &schema.ArgumentError{Field: "user", Rule: "nothing to change: give user.name, user.is_privileged, labels or entity_analytics_monitoring"}
	}
	if in.User != nil && in.User.Name != "" && strings.TrimSpace(in.User.Name) == "" {
		return &schema.ArgumentError{Field: "user.name", Rule: "must not be blank"}
	}
	return nil
}

// PrivilegedUserIDInput names one monitored user.
type PrivilegedUserIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1"`
}

// ListPrivilegedUsersInput filters the monitored users.
type ListPrivilegedUsersInput struct {
	KQL string `json:"kql,omitempty" in:"query" jsonschema_description:"e.g. user.name:svc-* or labels.sources:csv"`
}

// privmonAvailability: privileged user monitoring arrived as a technical
// preview in Kibana 9.1 (docs-content issue #1646: "the primary Entity
// Analytics feature releasing in 9.1"; its requirements page: "Stack Preview
// 9.1.0"): the engine init and health routes (Kibana PR #215663), the user
// CRUD routes (PR #218098) and privileged access detection (PR #224008, seen
// by QA on 9.1.0 in issue #228153). unverified: the disable and delete
// engine routes (PRs #227430, #229019) merged in late July 2025, after 9.1
// branched, so they may be 9.2 only; the 9.4 release notes preview
// (docs-content PR #6201) says privileged user monitoring is removed in
// favour of watchlists, with no released note yet.
var privmonAvailability = sinceIn("entity_analytics", "9.1.0")
