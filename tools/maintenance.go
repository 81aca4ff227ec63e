package tools

import (
	"net/http"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// This file is not named maintenance_windows.go: Go would build a
// _windows.go file on Windows only.

// The maintenance window API: planned periods (a change, a patch night)
// during which alerts are still raised but their notifications are held
// back, for every rule or for the alerts a KQL scope matches. Each window
// carries its status (running, upcoming, finished, archived), computed by
// Kibana from its schedule.
var maintenanceWindowOperations = []*operation.Operation{
	{
		Name:         "find_maintenance_windows",
		Availability: maintenanceWindowFindAvailability,
		Title:        "Find maintenance windows",
		Description:  "List maintenance windows with their schedule, scope and status (running, upcoming, finished, archived); a running one holds back alert notifications.",
		Toolset:      "maintenance_windows",
		Method:       http.MethodGet,
		Path:         "/api/maintenance_window/_find",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        FindMaintenanceWindowsInput{},
		Examples: []string{
			`{}`,
			`{"title":"patch","created_by":"elastic","status":["running","upcoming"],"page":1,"per_page":20,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_maintenance_window",
		Title:       "Get maintenance window",
		Description: "Read one maintenance window: schedule, scope, enabled and current status.",
		Toolset:     "maintenance_windows",
		Method:      http.MethodGet,
		Path:        "/api/maintenance_window/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       MaintenanceWindowIDInput{},
		Examples: []string{
			`{"id":"` + sandboxMaintenanceWindowID + `"}`,
			`{"id":"` + sandboxMaintenanceWindowID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_maintenance_window",
		Title:       "Create maintenance window",
		Description: "Plan a window, once or recurring, during which alert notifications are held back: for all rules, or only alerts matching scope's KQL.",
		Toolset:     "maintenance_windows",
		Method:      http.MethodPost,
		Path:        "/api/maintenance_window",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateMaintenanceWindowInput{},
		Examples: []string{
			`{"title":"Firewall upgrade CHG-5120","schedule":{"custom":{"start":"2025-03-12T22:00:00.000Z","duration":"2h"}}}`,
			`{"title":"Patch night: file servers","enabled":true,"schedule":{"custom":{"start":"2025-03-13T01:00:00Z","duration":"3h","timezone":"Europe/Berlin","recurring":{"every":"1M","onWeekDay":["+2TH"],"end":"2025-12-31T00:00:00Z"}}},"scope":{"alerting":{"query":{"kql":"host.name: fs-* and kibana.alert.rule.tags: \"ransomware\""}}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_maintenance_window",
		Title:       "Update maintenance window",
		Description: "Change a window's title, schedule, scope or enabled flag; given members replace the stored ones, others stay.",
		Toolset:     "maintenance_windows",
		Method:      http.MethodPatch,
		Path:        "/api/maintenance_window/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateMaintenanceWindowInput{},
		Examples: []string{
			`{"id":"` + sandboxMaintenanceWindowID + `","enabled":false}`,
			`{"id":"` + sandboxMaintenanceWindowID + `","title":"Patch night: all servers","schedule":{"custom":{"start":"2025-03-13T00:00:00Z","duration":"4h","recurring":{"every":"1w","occurrences":8,"onWeekDay":["TH"]}}},"scope":{"alerting":{"query":{"kql":"host.os.type: linux"}}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_maintenance_window",
		Title:       "Delete maintenance window",
		Description: "Permanently delete a maintenance window; notifications it held back resume. archive_maintenance_window keeps it for the record.",
		Toolset:     "maintenance_windows",
		Method:      http.MethodDelete,
		Path:        "/api/maintenance_window/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       MaintenanceWindowIDInput{},
		Examples: []string{
			`{"id":"` + sandboxMaintenanceWindowID + `"}`,
			`{"id":"` + sandboxMaintenanceWindowID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "archive_maintenance_window",
		Title:       "Archive maintenance window",
		Description: "End a maintenance window now and stop it recurring, keeping it for the record; notifications resume.",
		Toolset:     "maintenance_windows",
		Method:      http.MethodPost,
		Path:        "/api/maintenance_window/{id}/_archive",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       MaintenanceWindowIDInput{},
		Examples: []string{
			`{"id":"` + sandboxMaintenanceWindowID + `"}`,
			`{"id":"` + sandboxMaintenanceWindowID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "unarchive_maintenance_window",
		Title:       "Unarchive maintenance window",
		Description: "Bring an archived maintenance window back; it runs again at its next scheduled time.",
		Toolset:     "maintenance_windows",
		Method:      http.MethodPost,
		Path:        "/api/maintenance_window/{id}/_unarchive",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       MaintenanceWindowIDInput{},
		Examples: []string{
			`{"id":"` + sandboxMaintenanceWindowID + `"}`,
			`{"id":"` + sandboxMaintenanceWindowID + `","space_id":"soc"}`,
		},
	},
}

// sandboxMaintenanceWindowID is the story's recurring patch window, seeded
// in every sandbox space, so that examples reach a real window.
const sandboxMaintenanceWindowID = "2f6c1a8e-5b3d-4c7e-9a10-3e5d7b9c1f22"

// maintenanceWindowFindAvailability: _find carries the x-state "Generally
// available; added in 9.2.0"; the toolset's other routes 9.1.0.
var maintenanceWindowFindAvailability = &operation.Availability{Since: "9.2.0", Feature: "maintenanceWindow", Serverless: true}

// FindMaintenanceWindowsInput filters maintenance windows.
type FindMaintenanceWindowsInput struct {
	Title     string   `json:"title,omitempty" in:"query" jsonschema_description:"Words of the title."`
	CreatedBy string   `json:"created_by,omitempty" in:"query" jsonschema_description:"Username."`
	Status    []string `json:"status,omitempty" in:"query" jsonschema:"uniqueItems=true,enum=running,enum=upcoming,enum=finished,enum=archived"`
	Page      int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1,maximum=100"`
	PerPage   int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 10."`
}

// MaintenanceWindowIDInput names one maintenance window.
type MaintenanceWindowIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From find_maintenance_windows."`
}

// CreateMaintenanceWindowInput is a new maintenance window. Its schedule
// has the shape of a rule's snooze schedule (snooze_rule).
type CreateMaintenanceWindowInput struct {
	Title    string                  `json:"title" jsonschema:"required,minLength=1"`
	Schedule SnoozeSchedule          `json:"schedule" jsonschema:"required"`
	Scope    *MaintenanceWindowScope `json:"scope,omitempty" jsonschema_description:"Without it the window covers every rule's alerts."`
	Enabled  *bool                   `json:"enabled,omitempty" jsonschema_description:"Default true; a disabled window holds nothing back."`
}

// Prepare checks what the schema cannot: a title that is not blank, the
// schedule's dates and recurrence, a scope's KQL.
func (in *CreateMaintenanceWindowInput) Prepare() error {
	if strings.TrimSpace(in.Title) == "" {
		return &schema.ArgumentError{Field: "title", Rule: "must not be blank"}
	}
	if err := in.Schedule.Custom.check("schedule.custom"); err != nil {
		return err
	}
	return in.Scope.check("scope")
}

// UpdateMaintenanceWindowInput changes some members of a window.
type UpdateMaintenanceWindowInput struct {
	ID       string                  `json:"id" in:"path" jsonschema:"required,minLength=1"`
	Title    string                  `json:"title,omitempty" jsonschema:"minLength=1"`
	Schedule *SnoozeSchedule         `json:"schedule,omitempty" jsonschema_description:"As in create_maintenance_window; replaces the whole schedule."`
	Scope    *MaintenanceWindowScope `json:"scope,omitempty"`
	Enabled  *bool                   `json:"enabled,omitempty"`
}

// Prepare refuses an update that changes nothing, and checks the given
// members as create does.
func (in *UpdateMaintenanceWindowInput) Prepare() error {
	if in.Title == "" && in.Schedule == nil && in.Scope == nil && in.Enabled == nil {
		return &schema.ArgumentError{Rule: "give at least one of title, schedule, scope, enabled"}
	}
	if in.Title != "" && strings.TrimSpace(in.Title) == "" {
		return &schema.ArgumentError{Field: "title", Rule: "must not be blank"}
	}
	if in.Schedule != nil {
		if err := in.Schedule.Custom.check("schedule.custom"); err != nil {
			return err
		}
	}
	return in.Scope.check("scope")
}

// MaintenanceWindowScope limits a window to the alerts a KQL query
// matches, in Kibana's nesting.
type MaintenanceWindowScope struct {
	Alerting MaintenanceWindowAlerting `json:"alerting" jsonschema:"required"`
}

// MaintenanceWindowAlerting holds the scope's query.
type MaintenanceWindowAlerting struct {
	Query MaintenanceWindowQuery `json:"query" jsonschema:"required"`
}

// MaintenanceWindowQuery is the scope's KQL.
type MaintenanceWindowQuery struct {
	KQL string `json:"kql" jsonschema:"required" jsonschema_description:"Over alert fields, e.g. host.name: web-* or kibana.alert.rule.tags: \"ransomware\"."`
}

func (s *MaintenanceWindowScope) check(field string) error {
	if s != nil && strings.TrimSpace(s.Alerting.Query.KQL) == "" {
		return &schema.ArgumentError{Field: field + ".alerting.query.kql", Rule: "must not be blank; leave scope out to cover every rule"}
	}
	return nil
}
