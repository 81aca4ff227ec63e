package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

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
	}, {
		Name:        "create_case",
		Title:       "Create case",
		Description: "Open a new case to track an investigation; it starts open, with no connector and alert syncing on unless you say otherwise. Creates one case and returns it with its id and version.",
		Toolset:     "cases",
		Method:      http.MethodPost,
		Path:        "/api/cases",
		APIVersion:  V20231031,
		Effect:      Writes,
		Input:       CreateCaseInput{},
		Examples: []string{
			`{"title":"Suspicious login on web-01","description":"Many failed logins followed by a success from a new country."}`,
			`{"title":"Phishing campaign against finance","description":"Three users reported the same lure; one clicked the link.","tags":["phishing","finance"],"owner":"securitySolution","severity":"high","category":"phishing","assignees":[{"uid":"u_J41Oh6L9ki-Vo2tOogS8WRTENzhHurGtRc87NgEAlkc_0"}],"connector":{"id":"131d4448-abe0-4789-939d-8ef60680b498","name":"SOC Jira","type":".jira","fields":{"issueType":"10006","priority":"High","parent":null}},"settings":{"syncAlerts":false},"customFields":[{"key":"ticket_ref","type":"text","value":"INC-1234"},{"key":"escalated","type":"toggle","value":true}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_cases",
		Title:       "Update cases",
		Description: "Change one or more existing cases (status, severity, title, description, tags, assignees, category, connector, settings, custom fields). Each entry needs the case id and its current version from get_case or find_cases; only the fields you give are changed.",
		Toolset:     "cases",
		Method:      http.MethodPatch,
		Path:        "/api/cases",
		APIVersion:  V20231031,
		Effect:      Writes,
		Overwrites:  true,
		Input:       UpdateCasesInput{},
		Examples: []string{
			`{"cases":[{"id":"c1d2e3f4-0000-4000-8000-000000000001","version":"WzUzMiwxXQ==","status":"in-progress"}]}`,
			`{"cases":[{"id":"c1d2e3f4-0000-4000-8000-000000000001","version":"WzUzMiwxXQ==","status":"closed","severity":"critical","title":"Confirmed ransomware on web-01","description":"Encryption started at 02:10 UTC; host isolated.","tags":["ransomware"],"category":"malware","assignees":[],"connector":{"id":"none","name":"none","type":".none"},"settings":{"syncAlerts":true},"customFields":[{"key":"ticket_ref","type":"text","value":"INC-1234"}]},{"id":"c1d2e3f4-0000-4000-8000-000000000002","version":"WzU0MCwxXQ==","tags":[]}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_cases",
		Title:       "Delete cases",
		Description: "Permanently delete one or more cases together with their comments, alert links, files and activity history. This cannot be undone; prefer closing a case with update_cases.",
		Toolset:     "cases",
		Method:      http.MethodDelete,
		Path:        "/api/cases",
		APIVersion:  V20231031,
		Effect:      Deletes,
		Input:       DeleteCasesInput{},
		Examples: []string{
			`{"ids":["c1d2e3f4-0000-4000-8000-000000000001"]}`,
			`{"ids":["c1d2e3f4-0000-4000-8000-000000000001","c1d2e3f4-0000-4000-8000-000000000002"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case_alerts",
		Title:       "Get case alerts",
		Description: "List the alerts attached to a case (alert id, index and when it was attached); use the ids to look the alerts up in Elasticsearch.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/{caseId}/alerts",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       GetCaseAlertsInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_cases_by_alert",
		Title:       "Get cases for alert",
		Description: "List the cases (id and title) an alert is attached to; use it to see whether an alert is already being handled before opening a new case.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/alerts/{alertId}",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       GetCasesByAlertInput{},
		Examples: []string{
			`{"alertId":"09f0c261e39e36351d75995b78bb83673774d1bc2cca9df2d15f0e5c0a99a540"}`,
			`{"alertId":"09f0c261e39e36351d75995b78bb83673774d1bc2cca9df2d15f0e5c0a99a540","owner":["securitySolution"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "add_case_comment",
		Title:       "Add case comment or alert",
		Description: "Add a markdown comment (type user) or attach alerts (type alert) to a case; returns the updated case. A case holds at most 1,000 alerts.",
		Toolset:     "cases",
		Method:      http.MethodPost,
		Path:        "/api/cases/{caseId}/comments",
		APIVersion:  V20231031,
		Effect:      Writes,
		Input:       AddCaseCommentInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","type":"user","owner":"securitySolution","comment":"Host isolated; waiting for the forensic image."}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","type":"alert","owner":"securitySolution","alertId":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42","09f0c261e39e36351d75995b78bb83673774d1bc2cca9df2d15f0e5c0a99a540"],"index":[".internal.alerts-security.alerts-default-000001",".internal.alerts-security.alerts-default-000001"],"rule":{"id":"94e80e20-cb5a-11ee-b8f3-8b4e5c0e6d2a","name":"Multiple failed logins"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_case_comment",
		Title:       "Update case comment or alert",
		Description: "Replace the text of a comment, or the alert ids, indices and rule of an alert attachment, on a case. Needs the comment's id and current version (from find_case_comments or get_case_comment); its type and owner cannot change.",
		Toolset:     "cases",
		Method:      http.MethodPatch,
		Path:        "/api/cases/{caseId}/comments",
		APIVersion:  V20231031,
		Effect:      Writes,
		Overwrites:  true,
		Input:       UpdateCaseCommentInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","id":"71ec1870-725b-11ea-a0b2-c51ea50a58e2","version":"WzQ3LDFd","type":"user","owner":"securitySolution","comment":"Host re-imaged and returned to service."}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","id":"71ec1870-725b-11ea-a0b2-c51ea50a58e3","version":"WzQ4LDFd","type":"alert","owner":"securitySolution","alertId":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"index":[".internal.alerts-security.alerts-default-000001"],"rule":{"id":"94e80e20-cb5a-11ee-b8f3-8b4e5c0e6d2a","name":"Multiple failed logins"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_case_comments",
		Title:       "Delete all case comments",
		Description: "Permanently remove every comment and alert attachment from a case; the case itself stays. This cannot be undone; use delete_case_comment to remove just one.",
		Toolset:     "cases",
		Method:      http.MethodDelete,
		Path:        "/api/cases/{caseId}/comments",
		APIVersion:  V20231031,
		Effect:      Deletes,
		Input:       DeleteCaseCommentsInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","space_id":"soc"}`,
		},
	},
	{
		Name:        "find_case_comments",
		Title:       "Find case comments",
		Description: "List the comments and alert attachments of a case a page at a time, with the id and version each one needs for update_case_comment.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/{caseId}/comments/_find",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       FindCaseCommentsInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","page":2,"perPage":50,"sortOrder":"asc","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case_comment",
		Title:       "Get case comment",
		Description: "Fetch one comment or alert attachment of a case by its ID, including its current version.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/{caseId}/comments/{commentId}",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       GetCaseCommentInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","commentId":"71ec1870-725b-11ea-a0b2-c51ea50a58e2"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","commentId":"71ec1870-725b-11ea-a0b2-c51ea50a58e2","space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_case_comment",
		Title:       "Delete case comment",
		Description: "Permanently remove one comment or alert attachment from a case. This cannot be undone.",
		Toolset:     "cases",
		Method:      http.MethodDelete,
		Path:        "/api/cases/{caseId}/comments/{commentId}",
		APIVersion:  V20231031,
		Effect:      Deletes,
		Input:       DeleteCaseCommentInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","commentId":"71ec1870-725b-11ea-a0b2-c51ea50a58e2"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","commentId":"71ec1870-725b-11ea-a0b2-c51ea50a58e2","space_id":"soc"}`,
		},
	},
	{
		Name:        "push_case",
		Title:       "Push case to external system",
		Description: "Send a case to an external incident system (Jira, ServiceNow, IBM Resilient, Swimlane or a webhook) through one of its connectors, creating or overwriting the external ticket; the case records the push. If the case settings close cases by pushing (get_case_configuration), this also closes the case.",
		Toolset:     "cases",
		Method:      http.MethodPost,
		Path:        "/api/cases/{caseId}/connector/{connectorId}/_push",
		APIVersion:  V20231031,
		Effect:      Writes,
		Overwrites:  true,
		OpenWorld:   true,
		Input:       PushCaseInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","connectorId":"131d4448-abe0-4789-939d-8ef60680b498"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","connectorId":"131d4448-abe0-4789-939d-8ef60680b498","space_id":"soc"}`,
		},
	},
	{
		Name:        "add_case_file",
		Title:       "Attach file to case",
		Description: "Upload a file (given as base64) and attach it to a case, for evidence such as logs, screenshots or reports; returns the updated case.",
		Toolset:     "cases",
		Method:      http.MethodPost,
		Path:        "/api/cases/{caseId}/files",
		APIVersion:  V20231031,
		Effect:      Writes,
		Input:       AddCaseFileInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","file":"aGVsbG8K"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","file":"aGVsbG8K","filename":"notes.txt","space_id":"soc"}`,
		},
	},
	{
		Name:        "find_case_user_actions",
		Title:       "Find case activity",
		Description: "Page through a case's activity history: who created it, changed its fields, commented, attached alerts or pushed it, and when. Use it to reconstruct a case's timeline.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/{caseId}/user_actions/_find",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       FindCaseUserActionsInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","types":["status","comment","assignees"],"page":1,"perPage":50,"sortOrder":"asc","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case_configuration",
		Title:       "Get case settings",
		Description: "Read the case settings of the space for each owner app: closure behaviour, default connector, custom field definitions and templates, with the id and version update_case_configuration needs.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/configure",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       GetCaseConfigurationInput{},
		Examples: []string{
			`{}`,
			`{"owner":["securitySolution"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "set_case_configuration",
		Title:       "Create case settings",
		Description: "Create the case settings for one owner app in the space (closure behaviour, default connector, custom fields, templates). Use it only when get_case_configuration returns nothing for that owner; otherwise use update_case_configuration.",
		Toolset:     "cases",
		Method:      http.MethodPost,
		Path:        "/api/cases/configure",
		APIVersion:  V20231031,
		Effect:      Writes,
		Input:       SetCaseConfigurationInput{},
		Examples: []string{
			`{"owner":"securitySolution","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none"}}`,
			`{"owner":"securitySolution","closure_type":"close-by-pushing","connector":{"id":"131d4448-abe0-4789-939d-8ef60680b498","name":"SOC Jira","type":".jira"},"customFields":[{"key":"ticket_ref","label":"Ticket reference","type":"text","required":false},{"key":"escalated","label":"Escalated","type":"toggle","required":true,"defaultValue":false}],"templates":[{"key":"phishing","name":"Phishing report","description":"Start point for reported phishing mails.","tags":["phishing"],"caseFields":{"title":"Phishing report","description":"Reported by:","severity":"medium","tags":["phishing"],"category":"phishing","assignees":[{"uid":"u_J41Oh6L9ki-Vo2tOogS8WRTENzhHurGtRc87NgEAlkc_0"}],"connector":{"id":"none","name":"none","type":".none"},"settings":{"syncAlerts":true},"customFields":[{"key":"escalated","type":"toggle","value":false}]}}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_case_configuration",
		Title:       "Update case settings",
		Description: "Change the case settings of one owner app: closure behaviour, default connector, custom field definitions or templates. Needs the configuration id and current version from get_case_configuration; lists you give replace the stored ones.",
		Toolset:     "cases",
		Method:      http.MethodPatch,
		Path:        "/api/cases/configure/{configurationId}",
		APIVersion:  V20231031,
		Effect:      Writes,
		Overwrites:  true,
		Input:       UpdateCaseConfigurationInput{},
		Examples: []string{
			`{"configurationId":"3297a0f0-b5ec-11ec-b141-0fdb20a7f9a9","version":"WzIwNzMsMV0=","closure_type":"close-by-pushing"}`,
			`{"configurationId":"3297a0f0-b5ec-11ec-b141-0fdb20a7f9a9","version":"WzIwNzMsMV0=","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none"},"customFields":[{"key":"ticket_ref","label":"Ticket reference","type":"text","required":true,"defaultValue":"none yet"}],"templates":[],"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_case_connectors",
		Title:       "Find case connectors",
		Description: "List the connectors cases can use to push to external systems (id, name, type), for choosing a case connector or calling push_case.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/configure/connectors/_find",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       FindCaseConnectorsInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case_reporters",
		Title:       "Get case reporters",
		Description: "List the users who opened cases (user name, full name, email, profile uid), for filtering find_cases by reporter.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/reporters",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       GetCaseReportersInput{},
		Examples: []string{
			`{}`,
			`{"owner":["securitySolution","observability"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case_tags",
		Title:       "Get case tags",
		Description: "List every tag used on cases, for filtering find_cases or reusing existing tags on new cases.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/tags",
		APIVersion:  V20231031,
		Effect:      Reads,
		Input:       GetCaseTagsInput{},
		Examples: []string{
			`{}`,
			`{"owner":["securitySolution","observability"],"space_id":"soc"}`,
		},
	},
}

// FindCasesInput filters and pages a case search.
type FindCasesInput struct {
	Status                string   `json:"status,omitempty" in:"query" jsonschema:"enum=open,enum=in-progress,enum=closed" jsonschema_description:"Only cases in this state."`
	Severity              string   `json:"severity,omitempty" in:"query" jsonschema:"enum=low,enum=medium,enum=high,enum=critical" jsonschema_description:"Only cases of this severity."`
	Tags                  []string `json:"tags,omitempty" in:"query" jsonschema:"maxItems=100" jsonschema_description:"Only cases carrying any of these tags."`
	Search                string   `json:"search,omitempty" in:"query" jsonschema_description:"Elasticsearch simple_query_string text matched against searchFields (title and description when not given)."`
	SearchFields          []string `json:"searchFields,omitempty" in:"query" jsonschema:"maxItems=2,enum=title,enum=description" jsonschema_description:"Fields the search text is matched against."`
	DefaultSearchOperator string   `json:"defaultSearchOperator,omitempty" in:"query" jsonschema:"enum=AND,enum=OR" jsonschema_description:"How the words of the search text combine; Kibana's default is OR."`
	Owner                 []string `json:"owner,omitempty" in:"query" jsonschema:"maxItems=3,enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Only cases of these Kibana apps (cases = Stack Management)."`
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

// CreateCaseInput describes a new case.
type CreateCaseInput struct {
	Title        string            `json:"title" jsonschema:"required,maxLength=160" jsonschema_description:"Short case title (at most 160 characters)."`
	Description  string            `json:"description" jsonschema:"required,maxLength=30000" jsonschema_description:"What happened and what is known so far; markdown, at most 30,000 characters."`
	Tags         []string          `json:"tags" jsonschema:"maxItems=200,maxLength=256" jsonschema_description:"Labels for grouping and filtering cases (none when omitted). At most 200, each at most 256 characters."`
	Owner        string            `json:"owner,omitempty" jsonschema:"enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Kibana app the case belongs to (cases = Stack Management); securitySolution when omitted. It decides who can see the case and cannot change later."`
	Severity     string            `json:"severity,omitempty" jsonschema:"enum=low,enum=medium,enum=high,enum=critical" jsonschema_description:"How serious the case is; Kibana's default is low."`
	Category     string            `json:"category,omitempty" jsonschema:"maxLength=50" jsonschema_description:"Free-text category such as malware or phishing (at most 50 characters)."`
	Assignees    []CaseAssignee    `json:"assignees,omitempty" jsonschema:"maxItems=10" jsonschema_description:"Users to assign, by user profile uid (at most 10)."`
	Connector    *CaseConnector    `json:"connector,omitempty" jsonschema_description:"External incident system the case can be pushed to; no connector when omitted."`
	Settings     *CaseSettings     `json:"settings,omitempty" jsonschema_description:"Case behaviour; alert syncing is on when omitted."`
	CustomFields []CaseCustomField `json:"customFields,omitempty" jsonschema:"maxItems=10" jsonschema_description:"Values for the custom fields defined in the case settings (get_case_configuration); required custom fields must be given."`
}

// Prepare fills the fields Kibana requires but a model rarely cares about.
func (in *CreateCaseInput) Prepare() error {
	if in.Owner == "" {
		in.Owner = "securitySolution"
	}
	if in.Tags == nil {
		in.Tags = []string{}
	}
	if in.Connector == nil {
		in.Connector = &CaseConnector{ID: "none", Name: "none", Type: ".none"}
	}
	if err := in.Connector.check("connector"); err != nil {
		return err
	}
	if in.Settings == nil {
		in.Settings = &CaseSettings{SyncAlerts: true}
	}
	return checkCaseCustomFields("customFields", in.CustomFields)
}

// CaseAssignee is a user assigned to a case.
type CaseAssignee struct {
	UID string `json:"uid" jsonschema:"required" jsonschema_description:"User profile uid (starts with u_), as shown in a case's assignees or created_by.profile_uid."`
}

// CaseConnector links a case to an external incident system.
type CaseConnector struct {
	ID     string          `json:"id" jsonschema:"required" jsonschema_description:"Connector ID from find_case_connectors; \"none\" for no connector."`
	Name   string          `json:"name" jsonschema:"required" jsonschema_description:"Connector name from find_case_connectors; \"none\" for no connector."`
	Type   string          `json:"type" jsonschema:"required,enum=.none,enum=.jira,enum=.servicenow,enum=.servicenow-sir,enum=.resilient,enum=.swimlane,enum=.cases-webhook" jsonschema_description:"Connector type (actionTypeId in find_case_connectors); .none for no connector."`
	Fields json.RawMessage `json:"fields" jsonschema_description:"Ticket fields for the external system. Omit for .none and .cases-webhook. Otherwise an object giving every key (null when unused): .jira {issueType, priority, parent}; .servicenow {impact, severity, urgency, category, subcategory}; .servicenow-sir {category, subcategory, priority, destIp, sourceIp, malwareHash, malwareUrl} (the last four booleans); .swimlane {caseId}; .resilient {issueTypes (array), severityCode} or omitted."`
}

// connectorFieldKeys are the members Kibana requires in a connector's
// fields, per connector type (null is allowed for each).
var connectorFieldKeys = map[string][]string{
	".jira":           {"issueType", "priority", "parent"},
	".servicenow":     {"impact", "severity", "urgency", "category", "subcategory"},
	".servicenow-sir": {"category", "subcategory", "priority", "destIp", "sourceIp", "malwareHash", "malwareUrl"},
	".swimlane":       {"caseId"},
	".resilient":      {"issueTypes", "severityCode"},
}

// check enforces what Kibana requires of fields for each connector type, so
// the model learns which key is missing before Kibana refuses the case.
func (c *CaseConnector) check(field string) error {
	raw := bytes.TrimSpace(c.Fields)
	hasFields := len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
	var members map[string]json.RawMessage
	if hasFields && json.Unmarshal(raw, &members) != nil {
		return &schema.ArgumentError{Field: field + ".fields", Rule: "must be an object"}
	}
	switch c.Type {
	case ".none", ".cases-webhook":
		if hasFields {
			return &schema.ArgumentError{Field: field + ".fields", Rule: "must be omitted for connector type " + c.Type}
		}
		return nil
	case ".resilient":
		if !hasFields {
			return nil // Kibana accepts a Resilient connector without fields
		}
	default:
		if !hasFields {
			return &schema.ArgumentError{Field: field + ".fields", Rule: fmt.Sprintf("is required for connector type %s: give %s (null where unused)", c.Type, strings.Join(connectorFieldKeys[c.Type], ", "))}
		}
	}
	for _, key := range connectorFieldKeys[c.Type] {
		if _, ok := members[key]; !ok {
			return &schema.ArgumentError{Field: field + ".fields." + key, Rule: fmt.Sprintf("is required for connector type %s (null where unused)", c.Type)}
		}
	}
	return nil
}

// CaseSettings is a case's behaviour.
type CaseSettings struct {
	SyncAlerts bool `json:"syncAlerts" jsonschema:"required" jsonschema_description:"Whether closing or reopening the case also updates the status of its attached alerts."`
}

// CaseCustomField is the value of one custom field on a case.
type CaseCustomField struct {
	Key   string `json:"key" jsonschema:"required" jsonschema_description:"Custom field key, as defined in the case settings (get_case_configuration)."`
	Type  string `json:"type" jsonschema:"required,enum=text,enum=toggle" jsonschema_description:"The field's type as defined in the case settings."`
	Value any    `json:"value" jsonschema:"oneof_type=string;boolean" jsonschema_description:"A string of 1 to 160 characters for text fields, true or false for toggle fields. Omit to clear an optional field."`
}

// checkCaseCustomFields checks each value against its declared type.
func checkCaseCustomFields(field string, fields []CaseCustomField) error {
	for i, f := range fields {
		if err := checkCustomValue(fmt.Sprintf("%s[%d].value", field, i), f.Type, f.Value, true); err != nil {
			return err
		}
	}
	return nil
}

// checkCustomValue reports a custom field value that does not suit its type.
func checkCustomValue(field, typ string, v any, nullable bool) error {
	switch v := v.(type) {
	case nil:
		if !nullable {
			return &schema.ArgumentError{Field: field, Rule: "is required"}
		}
	case string:
		if typ != "text" {
			return &schema.ArgumentError{Field: field, Rule: "must be true or false for a toggle field"}
		}
		if n := utf8.RuneCountInString(v); n < 1 || n > 160 {
			return &schema.ArgumentError{Field: field, Rule: "must be 1 to 160 characters long"}
		}
	case bool:
		if typ != "toggle" {
			return &schema.ArgumentError{Field: field, Rule: "must be a string for a text field"}
		}
	default:
		return &schema.ArgumentError{Field: field, Rule: "must be a string (text field) or a boolean (toggle field)"}
	}
	return nil
}

// UpdateCasesInput changes one or more cases.
type UpdateCasesInput struct {
	Cases []CaseUpdate `json:"cases" jsonschema:"required,minItems=1,maxItems=100" jsonschema_description:"The cases to change (1 to 100), each with its id, current version and the fields to change."`
}

// CaseUpdate is the change to one case. Lists given replace the stored ones.
type CaseUpdate struct {
	ID           string             `json:"id" jsonschema:"required,minLength=1,maxLength=30000" jsonschema_description:"ID of the case to change."`
	Version      string             `json:"version" jsonschema:"required,minLength=1" jsonschema_description:"The case's current version, from the latest answer about it (get_case, find_cases, or add_case_comment, which moves it on). A stale version is refused: re-read the case and retry."`
	Status       string             `json:"status,omitempty" jsonschema:"enum=open,enum=in-progress,enum=closed" jsonschema_description:"New state of the case."`
	Severity     string             `json:"severity,omitempty" jsonschema:"enum=low,enum=medium,enum=high,enum=critical" jsonschema_description:"New severity."`
	Title        string             `json:"title,omitempty" jsonschema:"maxLength=160" jsonschema_description:"New title (at most 160 characters)."`
	Description  string             `json:"description,omitempty" jsonschema:"maxLength=30000" jsonschema_description:"New description; markdown, at most 30,000 characters."`
	Tags         *[]string          `json:"tags,omitempty" jsonschema:"maxItems=200,maxLength=256" jsonschema_description:"New full list of tags (replaces the old one; [] removes all). At most 200, each at most 256 characters."`
	Category     string             `json:"category,omitempty" jsonschema:"maxLength=50" jsonschema_description:"New category (at most 50 characters)."`
	Assignees    *[]CaseAssignee    `json:"assignees,omitempty" jsonschema:"maxItems=10" jsonschema_description:"New full list of assignees (replaces the old one; [] unassigns everyone). At most 10."`
	Connector    *CaseConnector     `json:"connector,omitempty" jsonschema_description:"New connector; {\"id\":\"none\",\"name\":\"none\",\"type\":\".none\"} removes it."`
	Settings     *CaseSettings      `json:"settings,omitempty" jsonschema_description:"New case behaviour."`
	CustomFields *[]CaseCustomField `json:"customFields,omitempty" jsonschema:"maxItems=10" jsonschema_description:"New custom field values; optional custom fields left out are cleared."`
}

// Prepare checks each case names something to change.
func (in *UpdateCasesInput) Prepare() error {
	for i := range in.Cases {
		c := &in.Cases[i]
		field := fmt.Sprintf("cases[%d]", i)
		if c.Status == "" && c.Severity == "" && c.Title == "" && c.Description == "" && c.Tags == nil &&
			c.Category == "" && c.Assignees == nil && c.Connector == nil && c.Settings == nil && c.CustomFields == nil {
			return &schema.ArgumentError{Field: field, Rule: "names no field to change; give at least one besides id and version"}
		}
		if c.Connector != nil {
			if err := c.Connector.check(field + ".connector"); err != nil {
				return err
			}
		}
		if c.CustomFields != nil {
			if err := checkCaseCustomFields(field+".customFields", *c.CustomFields); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeleteCasesInput names the cases to delete.
type DeleteCasesInput struct {
	IDs []string `json:"ids" in:"query" jsonschema:"required,minItems=1,maxItems=100" jsonschema_description:"IDs of the cases to delete (1 to 100)."`
}

// GetCaseAlertsInput names one case.
type GetCaseAlertsInput struct {
	CaseID string `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Case ID, as returned by find_cases."`
}

// GetCasesByAlertInput names one alert.
type GetCasesByAlertInput struct {
	AlertID string   `json:"alertId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Alert document ID (the alert's _id in its alerts index)."`
	Owner   []string `json:"owner,omitempty" in:"query" jsonschema:"maxItems=3,enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Only cases of these Kibana apps; all the apps you can read when omitted."`
}

// AddCaseCommentInput is a user comment or an alert attachment; type says
// which, and only that kind's fields may be given.
type AddCaseCommentInput struct {
	CaseID  string         `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Case ID, as returned by find_cases."`
	Type    string         `json:"type" jsonschema:"required,enum=user,enum=alert" jsonschema_description:"user adds a markdown comment (give comment); alert attaches alerts (give alertId, index and rule)."`
	Owner   string         `json:"owner" jsonschema:"required,enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Must equal the case's owner."`
	Comment string         `json:"comment,omitempty" jsonschema:"maxLength=30000" jsonschema_description:"type user only: the comment text, markdown, at most 30,000 characters."`
	AlertID []string       `json:"alertId,omitempty" jsonschema:"maxItems=1000" jsonschema_description:"type alert only: alert document IDs, all raised by the same rule."`
	Index   []string       `json:"index,omitempty" jsonschema:"maxItems=1000" jsonschema_description:"type alert only: the index of each alert, in the same order as alertId (one entry per alert)."`
	Rule    *CaseAlertRule `json:"rule,omitempty" jsonschema_description:"type alert only: the rule that raised the alerts."`
}

// Prepare enforces the fields of the chosen comment type.
func (in *AddCaseCommentInput) Prepare() error {
	return checkCommentKind(in.Type, in.Comment, in.AlertID, in.Index, in.Rule)
}

// CaseAlertRule is the detection rule behind attached alerts.
type CaseAlertRule struct {
	ID   string `json:"id" jsonschema:"required" jsonschema_description:"Rule ID (the alert's kibana.alert.rule.uuid)."`
	Name string `json:"name" jsonschema:"required" jsonschema_description:"Rule name (the alert's kibana.alert.rule.name)."`
}

// checkCommentKind allows exactly the fields of a user comment or of an
// alert attachment.
func checkCommentKind(typ, comment string, alertID, index []string, rule *CaseAlertRule) error {
	switch typ {
	case "user":
		if strings.TrimSpace(comment) == "" {
			return &schema.ArgumentError{Field: "comment", Rule: "is required when type is \"user\""}
		}
		for _, f := range []struct {
			name  string
			given bool
		}{{"alertId", alertID != nil}, {"index", index != nil}, {"rule", rule != nil}} {
			if f.given {
				return &schema.ArgumentError{Field: f.name, Rule: "is only for type \"alert\"; leave it out of a user comment"}
			}
		}
	case "alert":
		if comment != "" {
			return &schema.ArgumentError{Field: "comment", Rule: "is only for type \"user\"; add the text as a separate user comment"}
		}
		if len(alertID) == 0 {
			return &schema.ArgumentError{Field: "alertId", Rule: "is required when type is \"alert\""}
		}
		if len(index) != len(alertID) {
			return &schema.ArgumentError{Field: "index", Rule: fmt.Sprintf("must have one entry per alert ID (%d), not %d", len(alertID), len(index))}
		}
		if rule == nil {
			return &schema.ArgumentError{Field: "rule", Rule: "is required when type is \"alert\""}
		}
	default:
		return &schema.ArgumentError{Field: "type", Rule: "must be \"user\" or \"alert\""}
	}
	return nil
}

// UpdateCaseCommentInput replaces one comment or alert attachment; type and
// owner must match the existing one.
type UpdateCaseCommentInput struct {
	CaseID  string         `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"ID of the case the comment belongs to."`
	ID      string         `json:"id" jsonschema:"required,minLength=1" jsonschema_description:"ID of the comment to change, from find_case_comments."`
	Version string         `json:"version" jsonschema:"required,minLength=1" jsonschema_description:"The comment's current version, from find_case_comments or get_case_comment."`
	Type    string         `json:"type" jsonschema:"required,enum=user,enum=alert" jsonschema_description:"The comment's existing type: user (give comment) or alert (give alertId, index and rule)."`
	Owner   string         `json:"owner" jsonschema:"required,enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"The comment's existing owner (the case's owner)."`
	Comment string         `json:"comment,omitempty" jsonschema:"maxLength=30000" jsonschema_description:"type user only: the new text, markdown, at most 30,000 characters."`
	AlertID []string       `json:"alertId,omitempty" jsonschema:"maxItems=1000" jsonschema_description:"type alert only: the alert document IDs, all raised by the same rule."`
	Index   []string       `json:"index,omitempty" jsonschema:"maxItems=1000" jsonschema_description:"type alert only: the index of each alert, in the same order as alertId."`
	Rule    *CaseAlertRule `json:"rule,omitempty" jsonschema_description:"type alert only: the rule that raised the alerts."`
}

// Prepare enforces the fields of the comment's type.
func (in *UpdateCaseCommentInput) Prepare() error {
	return checkCommentKind(in.Type, in.Comment, in.AlertID, in.Index, in.Rule)
}

// DeleteCaseCommentsInput names the case to empty of comments.
type DeleteCaseCommentsInput struct {
	CaseID string `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"ID of the case whose comments and alert attachments are all removed."`
}

// FindCaseCommentsInput pages through a case's comments.
type FindCaseCommentsInput struct {
	CaseID    string `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Case ID, as returned by find_cases."`
	Page      int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1" jsonschema_description:"Page number, from 1."`
	PerPage   int    `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Comments per page (at most 100; Kibana's default is 20)."`
	SortOrder string `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Order by creation time; Kibana's default is desc (newest first)."`
}

// GetCaseCommentInput names one comment of a case.
type GetCaseCommentInput struct {
	CaseID    string `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"ID of the case the comment belongs to."`
	CommentID string `json:"commentId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Comment ID, from find_case_comments or get_case."`
}

// DeleteCaseCommentInput names the comment to delete.
type DeleteCaseCommentInput struct {
	CaseID    string `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"ID of the case the comment belongs to."`
	CommentID string `json:"commentId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"ID of the comment or alert attachment to remove, from find_case_comments."`
}

// PushCaseInput names the case and the connector to push it through.
type PushCaseInput struct {
	CaseID      string `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Case ID, as returned by find_cases."`
	ConnectorID string `json:"connectorId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Connector ID from find_case_connectors; normally the connector set on the case."`
}

// AddCaseFileInput is a file to attach to a case.
type AddCaseFileInput struct {
	CaseID   string `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Case ID, as returned by find_cases."`
	File     string `json:"file" in:"formfile" jsonschema:"required,minLength=1" jsonschema_description:"The file content, standard base64-encoded. Kibana limits the size and the allowed file types."`
	Filename string `json:"filename,omitempty" in:"form,filename" jsonschema_description:"File name with its extension, e.g. notes.txt: the extension sets the file type (guessed from the content without one) and the rest is the name shown in the case."`
}

// FindCaseUserActionsInput pages through a case's activity.
type FindCaseUserActionsInput struct {
	CaseID    string   `json:"caseId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Case ID, as returned by find_cases."`
	Types     []string `json:"types,omitempty" in:"query" jsonschema:"maxItems=15,enum=action,enum=alert,enum=assignees,enum=attachment,enum=comment,enum=connector,enum=create_case,enum=description,enum=pushed,enum=settings,enum=severity,enum=status,enum=tags,enum=title,enum=user" jsonschema_description:"Only these kinds of activity: a changed field (assignees, connector, description, settings, severity, status, tags, title), create_case, pushed, comment, attachment, alert (alerts attached), user (user comments) or action; all kinds when omitted."`
	Page      int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1" jsonschema_description:"Page number, from 1."`
	PerPage   int      `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Entries per page (at most 100; Kibana's default is 20)."`
	SortOrder string   `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Order by time; Kibana's default is desc (newest first)."`
}

// GetCaseConfigurationInput filters case settings by owner.
type GetCaseConfigurationInput struct {
	Owner []string `json:"owner,omitempty" in:"query" jsonschema:"maxItems=3,enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Only the settings of these Kibana apps; all you can read when omitted."`
}

// SetCaseConfigurationInput creates the case settings of one owner app.
type SetCaseConfigurationInput struct {
	Owner        string                     `json:"owner" jsonschema:"required,enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Kibana app these settings are for (cases = Stack Management)."`
	ClosureType  string                     `json:"closure_type" jsonschema:"required,enum=close-by-user,enum=close-by-pushing" jsonschema_description:"close-by-pushing closes a case when it is pushed to an external system; close-by-user leaves closing to people."`
	Connector    CaseConfigurationConnector `json:"connector" jsonschema:"required" jsonschema_description:"Default connector for new cases; {\"id\":\"none\",\"name\":\"none\",\"type\":\".none\"} for none."`
	CustomFields []CustomFieldDefinition    `json:"customFields,omitempty" jsonschema:"maxItems=10" jsonschema_description:"Custom fields cases of this owner carry (at most 10)."`
	Templates    []CaseTemplate             `json:"templates,omitempty" jsonschema_description:"Case templates offering preset field values for new cases."`
}

// Prepare checks the custom field definitions.
func (in *SetCaseConfigurationInput) Prepare() error {
	return checkConfiguration(in.CustomFields, in.Templates)
}

// CaseConfigurationConnector is the default connector in case settings.
// Kibana ignores connector fields there, so they are always sent as null.
type CaseConfigurationConnector struct {
	ID   string `json:"id" jsonschema:"required" jsonschema_description:"Connector ID from find_case_connectors; \"none\" for no default connector."`
	Name string `json:"name" jsonschema:"required" jsonschema_description:"Connector name from find_case_connectors; \"none\" for no default connector."`
	Type string `json:"type" jsonschema:"required,enum=.none,enum=.jira,enum=.servicenow,enum=.servicenow-sir,enum=.resilient,enum=.swimlane,enum=.cases-webhook" jsonschema_description:"Connector type (actionTypeId in find_case_connectors); .none for no default connector."`
}

// MarshalJSON adds the fields member Kibana requires, as null.
func (c CaseConfigurationConnector) MarshalJSON() ([]byte, error) {
	type plain CaseConfigurationConnector
	return json.Marshal(struct {
		plain
		Fields *struct{} `json:"fields"`
	}{plain: plain(c)})
}

// CustomFieldDefinition declares one custom field of cases.
type CustomFieldDefinition struct {
	Key          string `json:"key" jsonschema:"required,minLength=1,maxLength=36" jsonschema_description:"Stable identifier used in API calls: lowercase letters, digits, _ and -; 1 to 36 characters."`
	Label        string `json:"label" jsonschema:"required,minLength=1,maxLength=50" jsonschema_description:"Name shown on cases (1 to 50 characters)."`
	Type         string `json:"type" jsonschema:"required,enum=text,enum=toggle" jsonschema_description:"text holds a short string; toggle holds true or false."`
	Required     bool   `json:"required" jsonschema:"required" jsonschema_description:"Whether every case must give a value."`
	DefaultValue any    `json:"defaultValue,omitempty" jsonschema:"oneof_type=string;boolean" jsonschema_description:"Value used when a case gives none: a string for text fields, a boolean for toggle fields."`
}

// CaseTemplate presets the fields of new cases.
type CaseTemplate struct {
	Key         string              `json:"key" jsonschema:"required" jsonschema_description:"Stable identifier: lowercase letters, digits, _ and -."`
	Name        string              `json:"name" jsonschema:"required" jsonschema_description:"Template name shown to users."`
	Description string              `json:"description,omitempty" jsonschema_description:"What the template is for."`
	Tags        []string            `json:"tags,omitempty" jsonschema:"maxItems=200,maxLength=256" jsonschema_description:"Labels for finding the template (at most 200, each at most 256 characters)."`
	CaseFields  *TemplateCaseFields `json:"caseFields,omitempty" jsonschema_description:"Values a case created from the template starts with."`
}

// TemplateCaseFields are the preset values of a case template.
type TemplateCaseFields struct {
	Title        string                `json:"title,omitempty" jsonschema:"maxLength=160" jsonschema_description:"Preset title (at most 160 characters)."`
	Description  string                `json:"description,omitempty" jsonschema:"maxLength=30000" jsonschema_description:"Preset description; markdown, at most 30,000 characters."`
	Severity     string                `json:"severity,omitempty" jsonschema:"enum=low,enum=medium,enum=high,enum=critical" jsonschema_description:"Preset severity."`
	Tags         []string              `json:"tags,omitempty" jsonschema:"maxItems=200,maxLength=256" jsonschema_description:"Preset case tags (at most 200, each at most 256 characters)."`
	Category     string                `json:"category,omitempty" jsonschema:"maxLength=50" jsonschema_description:"Preset category (at most 50 characters)."`
	Assignees    []CaseAssignee        `json:"assignees,omitempty" jsonschema:"maxItems=10" jsonschema_description:"Preset assignees (at most 10)."`
	Connector    *CaseConnector        `json:"connector,omitempty" jsonschema_description:"Preset connector."`
	Settings     *CaseSettings         `json:"settings,omitempty" jsonschema_description:"Preset case behaviour."`
	CustomFields []TemplateCustomField `json:"customFields,omitempty" jsonschema_description:"Preset custom field values."`
}

// TemplateCustomField is a preset custom field value.
type TemplateCustomField struct {
	Key   string `json:"key" jsonschema:"required" jsonschema_description:"Key of a custom field defined in the settings."`
	Type  string `json:"type" jsonschema:"required,enum=text,enum=toggle" jsonschema_description:"The custom field's type."`
	Value any    `json:"value" jsonschema:"required,oneof_type=string;boolean" jsonschema_description:"A string for text fields, a boolean for toggle fields."`
}

// checkConfiguration checks custom field defaults and template values
// against their types.
func checkConfiguration(fields []CustomFieldDefinition, templates []CaseTemplate) error {
	for i, f := range fields {
		if f.DefaultValue == nil {
			continue
		}
		if err := checkCustomValue(fmt.Sprintf("customFields[%d].defaultValue", i), f.Type, f.DefaultValue, true); err != nil {
			return err
		}
	}
	for i, t := range templates {
		if t.CaseFields == nil {
			continue
		}
		field := fmt.Sprintf("templates[%d].caseFields", i)
		if t.CaseFields.Connector != nil {
			if err := t.CaseFields.Connector.check(field + ".connector"); err != nil {
				return err
			}
		}
		for j, f := range t.CaseFields.CustomFields {
			if err := checkCustomValue(fmt.Sprintf("%s.customFields[%d].value", field, j), f.Type, f.Value, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// UpdateCaseConfigurationInput changes the case settings of one owner app.
type UpdateCaseConfigurationInput struct {
	ConfigurationID string                      `json:"configurationId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Settings ID (id in get_case_configuration)."`
	Version         string                      `json:"version" jsonschema:"required,minLength=1" jsonschema_description:"Current version of the settings, from get_case_configuration."`
	ClosureType     string                      `json:"closure_type,omitempty" jsonschema:"enum=close-by-user,enum=close-by-pushing" jsonschema_description:"close-by-pushing closes a case when it is pushed to an external system; close-by-user leaves closing to people."`
	Connector       *CaseConfigurationConnector `json:"connector,omitempty" jsonschema_description:"New default connector; {\"id\":\"none\",\"name\":\"none\",\"type\":\".none\"} for none."`
	CustomFields    *[]CustomFieldDefinition    `json:"customFields,omitempty" jsonschema:"maxItems=10" jsonschema_description:"New full list of custom field definitions (replaces the old one; [] removes all)."`
	Templates       *[]CaseTemplate             `json:"templates,omitempty" jsonschema_description:"New full list of templates (replaces the old one; [] removes all)."`
}

// Prepare checks there is something to change and that values suit types.
func (in *UpdateCaseConfigurationInput) Prepare() error {
	if in.ClosureType == "" && in.Connector == nil && in.CustomFields == nil && in.Templates == nil {
		return &schema.ArgumentError{Rule: "give at least one of closure_type, connector, customFields or templates"}
	}
	var fields []CustomFieldDefinition
	var templates []CaseTemplate
	if in.CustomFields != nil {
		fields = *in.CustomFields
	}
	if in.Templates != nil {
		templates = *in.Templates
	}
	return checkConfiguration(fields, templates)
}

// FindCaseConnectorsInput takes no arguments.
type FindCaseConnectorsInput struct{}

// GetCaseReportersInput filters case reporters by owner.
type GetCaseReportersInput struct {
	Owner []string `json:"owner,omitempty" in:"query" jsonschema:"maxItems=3,enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Only reporters of cases of these Kibana apps; all you can read when omitted."`
}

// GetCaseTagsInput filters case tags by owner.
type GetCaseTagsInput struct {
	Owner []string `json:"owner,omitempty" in:"query" jsonschema:"maxItems=3,enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Only tags of cases of these Kibana apps; all you can read when omitted."`
}
