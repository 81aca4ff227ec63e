package tools

import (
	"net/http"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

// The dashboards API (technical preview in Kibana 9.0 only; its toolset's
// availability in toolsets.go says why 9.1 on lacks it). Its list route is
// not in the published OpenAPI document; its seed page declares no version
// header, and Kibana registers the route (the same summary and query
// parameters as the page) under the public version 2023-10-31, refusing
// other versions, so that is what it declares rather than V1.
var dashboardsOperations = []*operation.Operation{
	{
		Name:        "find_dashboards",
		Title:       "Find dashboards",
		Description: "Page through the space's dashboards (id, title, description).",
		Toolset:     "dashboards",
		Method:      http.MethodGet,
		Path:        "/api/dashboards/dashboard",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindDashboardsInput{},
		Examples:    []string{`{}`, `{"page":2,"perPage":50,"space_id":"soc"}`},
	},
}

// FindDashboardsInput pages through dashboards.
type FindDashboardsInput struct {
	Page    int `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage int `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=1000" jsonschema_description:"Default 20."`
}

// dashboardsPerPage is the page size asked for when the model names none
// (Kibana's own default, sent explicitly).
const dashboardsPerPage = 20

// Prepare asks for a small page when the model names no page size.
func (in *FindDashboardsInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = dashboardsPerPage
	}
	return nil
}
