package tools

import "net/http"

// The Cases API: the cases analysts triage, their comments, alerts, files,
// activity, and the case settings of each space.
var casesOperations = []*Operation{
	{
		Name:        "find_cases",
		Title:       "Find cases",
		Description: "Search cases by status, severity, tags, assignees, text and dates, a page at a time; the answer also counts open, in-progress and closed cases. Start triage here.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/_find",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       FindCasesInput{},
		Examples: []string{
			`{}`,
			`{"status":"open","severity":"critical","tags":["phishing","ransomware"],"search":"login","searchFields":["title","description"],"owner":["securitySolution"],"assignees":["none"],"reporters":["elastic"],"category":["malware"],"from":"now-7d","to":"now","defaultSearchOperator":"AND","page":2,"perPage":50,"sortField":"updatedAt","sortOrder":"asc","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case",
		Title:       "Get case",
		Description: "Fetch one case by ID: title, description, status, severity, tags, assignees, connector, settings and counts of its comments and alerts.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/{caseId}",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       GetCaseInput{},
		Examples:    []string{`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001"}`},
	},
}

// FindCasesInput filters and pages a case search.
type FindCasesInput struct {
	Status                string   `json:"status,omitempty" in:"query" jsonschema:"enum=open,enum=in-progress,enum=closed" jsonschema_description:"Only cases in this state."`
	Severity              string   `json:"severity,omitempty" in:"query" jsonschema:"enum=low,enum=medium,enum=high,enum=critical" jsonschema_description:"Only cases of this severity."`
	Tags                  []string `json:"tags,omitempty" in:"query" jsonschema:"maxItems=100" jsonschema_description:"Only cases carrying any of these tags."`
	Search                string   `json:"search,omitempty" in:"query" jsonschema_description:"Elasticsearch simple_query_string text matched against searchFields (title and description when not given)."`
	SearchFields          []string `json:"searchFields,omitempty" in:"query" jsonschema:"enum=title,enum=description" jsonschema_description:"Fields the search text is matched against."`
	DefaultSearchOperator string   `json:"defaultSearchOperator,omitempty" in:"query" jsonschema:"enum=AND,enum=OR" jsonschema_description:"How the words of the search text combine; Kibana's default is OR."`
	Owner                 []string `json:"owner,omitempty" in:"query" jsonschema:"enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Only cases of these Kibana apps (cases = Stack Management)."`
	Assignees             []string `json:"assignees,omitempty" in:"query" jsonschema:"maxItems=100" jsonschema_description:"Only cases assigned to these user profile IDs; use \"none\" for unassigned cases."`
	Reporters             []string `json:"reporters,omitempty" in:"query" jsonschema:"maxItems=100" jsonschema_description:"Only cases opened by these user names."`
	Category              []string `json:"category,omitempty" in:"query" jsonschema:"maxItems=100" jsonschema_description:"Only cases in these categories."`
	From                  string   `json:"from,omitempty" in:"query" jsonschema_description:"Only cases created after this date (KQL date expression such as now-7d or 2024-01-31)."`
	To                    string   `json:"to,omitempty" in:"query" jsonschema_description:"Only cases created before this date (KQL date expression)."`
	Page                  int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1" jsonschema_description:"Page number, from 1."`
	PerPage               int      `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Cases per page (at most 100; Kibana's default is 20)."`
	SortField             string   `json:"sortField,omitempty" in:"query" jsonschema:"enum=createdAt,enum=updatedAt,enum=closedAt,enum=title,enum=category,enum=status,enum=severity" jsonschema_description:"Field to sort by; Kibana's default is createdAt."`
	SortOrder             string   `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Sort direction; Kibana's default is desc."`
}

// GetCaseInput names one case.
type GetCaseInput struct {
	CaseID string `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Case ID, as returned by find_cases."`
}
