package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Cases API: the cases analysts triage, their comments, alerts, files,
// activity, and the case settings of each space.
var casesOperations = []*operation.Operation{
	{
		Name:        "find_cases",
		Title:       "Find cases",
		Description: "Search cases; the answer also counts open, in-progress and closed ones. Start triage here.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindCasesInput{},
		Examples: []string{
			`{}`,
			`{"status":"open","severity":"critical","tags":["phishing","ransomware"],"search":"login","searchFields":["title","description"],"owner":["securitySolution"],"assignees":["none"],"reporters":["elastic"],"category":["malware"],"from":"now-7d","to":"now","defaultSearchOperator":"AND","page":2,"perPage":50,"sortField":"updatedAt","sortOrder":"asc","full":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case",
		Title:       "Get case",
		Description: "Fetch one case, with its version and counts of comments and alerts.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/{caseId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetCaseInput{},
		Examples: []string{
			`{"caseId":"` + sandboxCaseID + `"}`,
			`{"caseId":"` + sandboxCaseID + `","include":["comments","alerts","activity"],"page":1,"perPage":5,"space_id":"default"}`,
		},
	}, {
		Name:        "create_case",
		Title:       "Create case",
		Description: "Open a case to track an investigation; returns its id and version.",
		Toolset:     "cases",
		Method:      http.MethodPost,
		Path:        "/api/cases",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       CreateCaseInput{},
		Examples: []string{
			`{"title":"Suspicious login on web-01","description":"Many failed logins followed by a success from a new country."}`,
			`{"title":"Phishing campaign against finance","description":"Three users reported the same lure; one clicked the link.","tags":["phishing","finance"],"owner":"securitySolution","severity":"high","category":"phishing","assignees":[{"uid":"u_J41Oh6L9ki-Vo2tOogS8WRTENzhHurGtRc87NgEAlkc_0"}],"connector":{"id":"131d4448-abe0-4789-939d-8ef60680b498","name":"SOC Jira","type":".jira","fields":{"issueType":"10006","priority":"High","parent":null}},"settings":{"syncAlerts":false},"customFields":[{"key":"ticket_ref","type":"text","value":"INC-1234"},{"key":"escalated","type":"toggle","value":true}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_cases",
		Title:       "Update cases",
		Description: "Change one or more cases; only given fields change, and given lists replace the stored ones ([] empties).",
		Toolset:     "cases",
		Method:      http.MethodPatch,
		Path:        "/api/cases",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateCasesInput{},
		Examples: []string{
			`{"cases":[{"id":"c1d2e3f4-0000-4000-8000-000000000001","version":"WzUzMiwxXQ==","status":"in-progress"}]}`,
			`{"cases":[{"id":"c1d2e3f4-0000-4000-8000-000000000001","version":"WzUzMiwxXQ==","status":"closed","severity":"critical","title":"Confirmed ransomware on web-01","description":"Encryption started at 02:10 UTC; host isolated.","tags":["ransomware"],"category":"malware","assignees":[],"connector":{"id":"none","name":"none","type":".none"},"settings":{"syncAlerts":true},"customFields":[{"key":"ticket_ref","type":"text","value":"INC-1234"}]},{"id":"c1d2e3f4-0000-4000-8000-000000000002","version":"WzU0MCwxXQ==","tags":[]}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_cases",
		Title:       "Delete cases",
		Description: "Permanently delete cases and all they hold; cannot be undone. Prefer closing them with update_case.",
		Toolset:     "cases",
		Method:      http.MethodDelete,
		Path:        "/api/cases",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       DeleteCasesInput{},
		Examples: []string{
			`{"ids":["c1d2e3f4-0000-4000-8000-000000000001"]}`,
			`{"ids":["c1d2e3f4-0000-4000-8000-000000000001","c1d2e3f4-0000-4000-8000-000000000002"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case_alerts",
		Title:       "Get case alerts",
		Description: "List the alerts attached to a case (id, index, when attached).",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/{caseId}/alerts",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetCaseAlertsInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_cases_by_alert",
		Title:       "Get cases for alert",
		Description: "List the cases (id, title) an alert is attached to, e.g. before opening one for it.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/alerts/{alertId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetCasesByAlertInput{},
		Examples: []string{
			`{"alertId":"09f0c261e39e36351d75995b78bb83673774d1bc2cca9df2d15f0e5c0a99a540"}`,
			`{"alertId":"09f0c261e39e36351d75995b78bb83673774d1bc2cca9df2d15f0e5c0a99a540","owner":["securitySolution"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "add_case_comment",
		Title:       "Add case comment or alert",
		Description: "Add a markdown comment or attach alerts (at most 1,000 a case) to a case; answers the comment's id and the case's version.",
		Toolset:     "cases",
		Method:      http.MethodPost,
		Path:        "/api/cases/{caseId}/comments",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Input:       AddCaseCommentInput{},
		Examples: []string{
			`{"caseId":"` + sandboxCaseID + `","type":"user","owner":"securitySolution","comment":"Host isolated; waiting for the forensic image."}`,
			`{"caseId":"` + sandboxCaseID + `","type":"user","comment":"Source IPs blocked at the VPN gateway.","full":true}`,
			`{"caseId":"a82e4924-725d-4667-88a7-a8d219f9fba4","type":"alert","owner":"securitySolution","alertId":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42","09f0c261e39e36351d75995b78bb83673774d1bc2cca9df2d15f0e5c0a99a540"],"index":[".internal.alerts-security.alerts-default-000001",".internal.alerts-security.alerts-default-000001"],"rule":{"id":"94e80e20-cb5a-11ee-b8f3-8b4e5c0e6d2a","name":"Multiple failed logins"},"space_id":"soc"}`,
		},
	},
	{
		Name:         "update_case_comment",
		Title:        "Update case comment or alert",
		Description:  "Replace a comment's text or an alert attachment's alerts (as in add_case_comment); type and owner cannot change.",
		Toolset:      "cases",
		Method:       http.MethodPatch,
		Path:         "/api/cases/{caseId}/comments",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		ConflictHint: "The object changed since that version was read: call again without version and the tool reads the current one.",
		Input:        UpdateCaseCommentInput{},
		Examples: []string{
			`{"caseId":"` + sandboxCaseID + `","id":"83742920-b274-4a22-803b-6ece265bc695","type":"user","owner":"securitySolution","comment":"Host re-imaged and returned to service."}`,
			`{"caseId":"` + sandboxCaseID + `","id":"04c39a46-78aa-4eb0-8ac7-57f0c53580cf","version":"WzI2LDFd","type":"alert","owner":"securitySolution","alertId":["` + sandboxAlertID + `"],"index":[".internal.alerts-security.alerts-default-000001"],"rule":{"id":"d913e1b9-3555-423b-81da-0ec265667598","name":"Multiple failed logins followed by success"},"space_id":"default"}`,
		},
	},
	{
		Name:        "delete_case_comments",
		Title:       "Delete all case comments",
		Description: "Permanently remove all comments and alert attachments from a case (the case stays); cannot be undone. delete_case_comment removes one.",
		Toolset:     "cases",
		Method:      http.MethodDelete,
		Path:        "/api/cases/{caseId}/comments",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeleteCaseCommentsInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","space_id":"soc"}`,
		},
	},
	{
		Name:        "find_case_comments",
		Title:       "Find case comments",
		Description: "List a case's comments and alert attachments, with the id and version update_case_comment needs.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/{caseId}/comments/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindCaseCommentsInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","page":2,"perPage":50,"sortOrder":"asc","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case_comment",
		Title:       "Get case comment",
		Description: "Fetch one comment or alert attachment of a case, with its current version.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/{caseId}/comments/{commentId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetCaseCommentInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","commentId":"71ec1870-725b-11ea-a0b2-c51ea50a58e2"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","commentId":"71ec1870-725b-11ea-a0b2-c51ea50a58e2","space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_case_comment",
		Title:       "Delete case comment",
		Description: "Permanently remove one comment or alert attachment from a case; cannot be undone.",
		Toolset:     "cases",
		Method:      http.MethodDelete,
		Path:        "/api/cases/{caseId}/comments/{commentId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       DeleteCaseCommentInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","commentId":"71ec1870-725b-11ea-a0b2-c51ea50a58e2"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","commentId":"71ec1870-725b-11ea-a0b2-c51ea50a58e2","space_id":"soc"}`,
		},
	},
	{
		Name:        "push_case",
		Title:       "Push case to external system",
		Description: "Escalate a case to ServiceNow, Jira or another ticketing system through a connector, creating or overwriting its ticket; may close the case, per its settings.",
		Toolset:     "cases",
		Method:      http.MethodPost,
		Path:        "/api/cases/{caseId}/connector/{connectorId}/_push",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		OpenWorld:   true,
		Input:       PushCaseInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","connectorId":"131d4448-abe0-4789-939d-8ef60680b498"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","connectorId":"131d4448-abe0-4789-939d-8ef60680b498","space_id":"soc"}`,
		},
	},
	{
		// Attach file API: Kibana PR #198377 (v8.17.0, v9.0.0).
		Name:         "add_case_file",
		Availability: sinceIn("cases", "8.17.0"),
		Title:        "Attach file to case",
		Description:  "Attach a file (logs, screenshots) to a case; returns the updated case.",
		Toolset:      "cases",
		Method:       http.MethodPost,
		Path:         "/api/cases/{caseId}/files",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Input:        AddCaseFileInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","file":"aGVsbG8K"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","file":"aGVsbG8K","filename":"notes.txt","space_id":"soc"}`,
		},
	},
	{
		// User actions _find: Kibana PR #148861 (v8.7.0).
		Name:         "find_case_user_actions",
		Availability: sinceIn("cases", "8.7.0"),
		Title:        "Find case activity",
		Description:  "Page through a case's timeline: who did what, when.",
		Toolset:      "cases",
		Method:       http.MethodGet,
		Path:         "/api/cases/{caseId}/user_actions/_find",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        FindCaseUserActionsInput{},
		Examples: []string{
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001"}`,
			`{"caseId":"c1d2e3f4-0000-4000-8000-000000000001","types":["status","comment","assignees"],"page":1,"perPage":50,"sortOrder":"asc","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case_configuration",
		Title:       "Get case settings",
		Description: "Read the space's case settings per owner app (custom fields, templates), with the id and version update_case_configuration needs.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/configure",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       GetCaseConfigurationInput{},
		Examples: []string{
			`{}`,
			`{"owner":["securitySolution"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "set_case_configuration",
		Title:       "Create case settings",
		Description: "Create the case settings of one owner app in the space. Only when get_case_configuration returns none for that owner; otherwise use update_case_configuration.",
		Toolset:     "cases",
		Method:      http.MethodPost,
		Path:        "/api/cases/configure",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       SetCaseConfigurationInput{},
		Examples: []string{
			`{"owner":"securitySolution","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none"}}`,
			`{"owner":"securitySolution","closure_type":"close-by-pushing","connector":{"id":"131d4448-abe0-4789-939d-8ef60680b498","name":"SOC Jira","type":".jira"},"customFields":[{"key":"ticket_ref","label":"Ticket reference","type":"text","required":false},{"key":"escalated","label":"Escalated","type":"toggle","required":true,"defaultValue":false}],"templates":[{"key":"phishing","name":"Phishing report","description":"Start point for reported phishing mails.","tags":["phishing"],"caseFields":{"title":"Phishing report","description":"Reported by:","severity":"medium","tags":["phishing"],"category":"phishing","assignees":[{"uid":"u_J41Oh6L9ki-Vo2tOogS8WRTENzhHurGtRc87NgEAlkc_0"}],"connector":{"id":"none","name":"none","type":".none"},"settings":{"syncAlerts":true},"customFields":[{"key":"escalated","type":"toggle","value":false}]}}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_case_configuration",
		Title:       "Update case settings",
		Description: "Change the case settings of one owner app; lists you give replace the stored ones ([] empties).",
		Toolset:     "cases",
		Method:      http.MethodPatch,
		Path:        "/api/cases/configure/{configurationId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateCaseConfigurationInput{},
		Examples: []string{
			`{"configurationId":"3297a0f0-b5ec-11ec-b141-0fdb20a7f9a9","version":"WzIwNzMsMV0=","closure_type":"close-by-pushing"}`,
			`{"configurationId":"3297a0f0-b5ec-11ec-b141-0fdb20a7f9a9","version":"WzIwNzMsMV0=","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none"},"customFields":[{"key":"ticket_ref","label":"Ticket reference","type":"text","required":true,"defaultValue":"none yet"}],"templates":[],"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_case_connectors",
		Title:       "Find case connectors",
		Description: "List the connectors cases can push through (id, name, actionTypeId).",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/configure/connectors/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FindCaseConnectorsInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case_reporters",
		Title:       "Get case reporters",
		Description: "List the users who opened cases (username, full name, email, profile uid).",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/reporters",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       GetCaseReportersInput{},
		Examples: []string{
			`{}`,
			`{"owner":["securitySolution","observability"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_case_tags",
		Title:       "Get case tags",
		Description: "List the tags used on cases, to filter by or reuse.",
		Toolset:     "cases",
		Method:      http.MethodGet,
		Path:        "/api/cases/tags",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       GetCaseTagsInput{},
		Examples: []string{
			`{}`,
			`{"owner":["securitySolution","observability"],"space_id":"soc"}`,
		},
	},
}

// FindCasesInput filters and pages a case search.
type FindCasesInput struct {
	Status                string   `json:"status,omitempty" in:"query" jsonschema:"enum=open,enum=in-progress,enum=closed"`
	Severity              string   `json:"severity,omitempty" in:"query" jsonschema:"enum=low,enum=medium,enum=high,enum=critical"`
	Tags                  []string `json:"tags,omitempty" in:"query" jsonschema:"maxItems=100" jsonschema_description:"Cases with any of these tags."`
	Search                string   `json:"search,omitempty" in:"query" jsonschema_description:"Words in title and description (or searchFields)."`
	SearchFields          []string `json:"searchFields,omitempty" in:"query" jsonschema:"maxItems=2,enum=title,enum=description"`
	DefaultSearchOperator string   `json:"defaultSearchOperator,omitempty" in:"query" jsonschema:"enum=AND,enum=OR" jsonschema_description:"Default OR."`
	Owner                 []string `json:"owner,omitempty" in:"query" jsonschema:"maxItems=3,enum=cases,enum=observability,enum=securitySolution"`
	Assignees             []string `json:"assignees,omitempty" in:"query" jsonschema:"maxItems=100" jsonschema_description:"Profile uids, or \"none\" for unassigned."`
	Reporters             []string `json:"reporters,omitempty" in:"query" jsonschema:"maxItems=100" jsonschema_description:"Usernames."`
	Category              []string `json:"category,omitempty" in:"query" jsonschema:"maxItems=100"`
	From                  string   `json:"from,omitempty" in:"query" jsonschema_description:"Created after (now-7d, 2024-01-31)."`
	To                    string   `json:"to,omitempty" in:"query" jsonschema_description:"Created before."`
	Page                  int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage               int      `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 10."`
	SortField             string   `json:"sortField,omitempty" in:"query" jsonschema:"enum=createdAt,enum=updatedAt,enum=closedAt,enum=title,enum=category,enum=status,enum=severity" jsonschema_description:"Default createdAt."`
	SortOrder             string   `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Default desc."`
	Full                  bool     `json:"full,omitempty" in:"tool" jsonschema_description:"Whole documents, not summary rows."`
}

// findCasesPerPage keeps an unpaged search small: a case is 1 to 3 KB of
// JSON, so ten stay around 10 to 30 KB of context.
const findCasesPerPage = 10

// Prepare asks for a small page when the model names no page size.
func (in *FindCasesInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = findCasesPerPage
	}
	return nil
}

// GetCaseInput names one case and the parts to read with it.
type GetCaseInput struct {
	CaseID  string   `json:"caseId" in:"path" jsonschema:"required"`
	Include []string `json:"include,omitempty" in:"tool" jsonschema:"uniqueItems=true,enum=comments,enum=alerts,enum=activity" jsonschema_description:"Also return a page of each, newest first."`
	Page    int      `json:"page,omitempty" in:"tool" jsonschema:"minimum=1,maximum=10000"`
	PerPage int      `json:"perPage,omitempty" in:"tool" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Per part; default 10."`
}

// CreateCaseInput describes a new case.
//
// The nested objects (connector, settings, custom field values) are shown
// to the model as bare objects described in prose, here once for every case
// tool (update_cases and case templates point at create_case): their JSON
// schemas would cost each tool that takes them hundreds of tokens. Decoding
// stays strict, refusing unknown members, and the check methods enforce what
// those schemas enforced: required members, enums, value types.
type CreateCaseInput struct {
	Title        string            `json:"title" jsonschema:"required,maxLength=160"`
	Description  string            `json:"description" jsonschema:"required,maxLength=30000" jsonschema_description:"Markdown."`
	Tags         []string          `json:"tags" jsonschema:"maxItems=200,maxLength=256"`
	Owner        string            `json:"owner,omitempty" jsonschema:"enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Default securitySolution; decides who sees the case, fixed once created."`
	Severity     string            `json:"severity,omitempty" jsonschema:"enum=low,enum=medium,enum=high,enum=critical" jsonschema_description:"Default low."`
	Category     string            `json:"category,omitempty" jsonschema:"maxLength=50"`
	Assignees    []CaseAssignee    `json:"assignees,omitempty" jsonschema:"maxItems=10"`
	Connector    *CaseConnector    `json:"connector,omitempty" jsonschema_description:"{id, name, type (actionTypeId), fields} of a connector; default none. fields: every key, null if unused (none for .none, .cases-webhook): .jira issueType, priority, parent; .servicenow impact, severity, urgency, category, subcategory; .servicenow-sir category, subcategory, priority, destIp, sourceIp, malwareHash, malwareUrl (last four booleans); .swimlane caseId; .resilient issueTypes (array), severityCode."`
	Settings     *CaseSettings     `json:"settings,omitempty" jsonschema_description:"{\"syncAlerts\": boolean}: the case's status also sets its alerts'; default true."`
	CustomFields []CaseCustomField `json:"customFields,omitempty" jsonschema:"maxItems=10" jsonschema_description:"Each {key, type (text|toggle), value} of a field in get_case_configuration; required ones must be given."`
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
		syncAlerts := true
		in.Settings = &CaseSettings{SyncAlerts: &syncAlerts}
	}
	if err := in.Settings.check("settings"); err != nil {
		return err
	}
	return checkCaseCustomFields("customFields", in.CustomFields, true)
}

// CaseAssignee is a user assigned to a case.
type CaseAssignee struct {
	UID string `json:"uid" jsonschema:"required" jsonschema_description:"Profile uid (u_…), as in get_case_reporters."`
}

// CaseAssigneeBrief is CaseAssignee where create_case's description serves
// (update_cases, case templates), shown as a bare object.
type CaseAssigneeBrief struct {
	UID string `json:"uid"`
}

// JSONSchemaAlias shows the assignee as a bare object.
func (CaseAssigneeBrief) JSONSchemaAlias() any { return json.RawMessage(nil) }

func (a *CaseAssigneeBrief) check(field string) error {
	if a.UID == "" {
		return &schema.ArgumentError{Field: field + ".uid", Rule: "is required"}
	}
	return nil
}

// CaseConnector links a case to an external incident system. Its schema is
// a bare object; create_case describes it.
type CaseConnector struct {
	ID     string          `json:"id"`
	Name   string          `json:"name"`
	Type   string          `json:"type"`
	Fields json.RawMessage `json:"fields"`
}

// JSONSchemaAlias shows the connector as a bare object.
func (CaseConnector) JSONSchemaAlias() any { return json.RawMessage(nil) }

// caseConnectorTypes are the connector types cases accept.
var caseConnectorTypes = []string{".none", ".jira", ".servicenow", ".servicenow-sir", ".resilient", ".swimlane", ".cases-webhook"}

// connectorFieldKeys are the members Kibana requires in a connector's
// fields, per connector type (null is allowed for each).
var connectorFieldKeys = map[string][]string{
	".jira":           {"issueType", "priority", "parent"},
	".servicenow":     {"impact", "severity", "urgency", "category", "subcategory"},
	".servicenow-sir": {"category", "subcategory", "priority", "destIp", "sourceIp", "malwareHash", "malwareUrl"},
	".swimlane":       {"caseId"},
	".resilient":      {"issueTypes", "severityCode"},
}

// check enforces the connector's members and what Kibana requires of fields
// for each connector type, so the model learns which key is missing before
// Kibana refuses the case.
func (c *CaseConnector) check(field string) error {
	switch {
	case c.ID == "":
		return &schema.ArgumentError{Field: field + ".id", Rule: "is required"}
	case c.Name == "":
		return &schema.ArgumentError{Field: field + ".name", Rule: "is required"}
	case !slices.Contains(caseConnectorTypes, c.Type):
		return &schema.ArgumentError{Field: field + ".type", Rule: "must be one of " + strings.Join(caseConnectorTypes, ", ")}
	}
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

// CaseSettings is a case's behaviour. Its schema is a bare object;
// create_case describes it.
type CaseSettings struct {
	SyncAlerts *bool `json:"syncAlerts"`
}

// JSONSchemaAlias shows the settings as a bare object.
func (CaseSettings) JSONSchemaAlias() any { return json.RawMessage(nil) }

func (s *CaseSettings) check(field string) error {
	if s.SyncAlerts == nil {
		return &schema.ArgumentError{Field: field + ".syncAlerts", Rule: "is required (true or false)"}
	}
	return nil
}

// CaseCustomField is the value of one custom field on a case. Its schema is
// a bare object; create_case describes it.
type CaseCustomField struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value any    `json:"value"`
}

// JSONSchemaAlias shows the custom field value as a bare object.
func (CaseCustomField) JSONSchemaAlias() any { return json.RawMessage(nil) }

// checkCaseCustomFields checks each entry's key and type, and its value
// against the type; nullable allows a null or missing value (clearing an
// optional field).
func checkCaseCustomFields(field string, fields []CaseCustomField, nullable bool) error {
	for i, f := range fields {
		at := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case f.Key == "":
			return &schema.ArgumentError{Field: at + ".key", Rule: "is required"}
		case f.Type != "text" && f.Type != "toggle":
			return &schema.ArgumentError{Field: at + ".type", Rule: "must be text or toggle"}
		}
		if err := checkCustomValue(at+".value", f.Type, f.Value, nullable); err != nil {
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
	Cases []CaseUpdate `json:"cases" jsonschema:"required,minItems=1,maxItems=100"`
}

// CaseUpdate is the change to one case. Lists given replace the stored ones.
type CaseUpdate struct {
	ID           string               `json:"id" jsonschema:"required,minLength=1,maxLength=30000"`
	Version      string               `json:"version" jsonschema:"required,minLength=1" jsonschema_description:"From the latest answer about the case; add_case_comment moves it on."`
	Status       string               `json:"status,omitempty" jsonschema:"enum=open,enum=in-progress,enum=closed"`
	Severity     string               `json:"severity,omitempty" jsonschema:"enum=low,enum=medium,enum=high,enum=critical"`
	Title        string               `json:"title,omitempty" jsonschema:"maxLength=160"`
	Description  string               `json:"description,omitempty" jsonschema:"maxLength=30000" jsonschema_description:"Markdown."`
	Tags         *[]string            `json:"tags,omitempty" jsonschema:"maxItems=200,maxLength=256"`
	Category     string               `json:"category,omitempty" jsonschema:"maxLength=50"`
	Assignees    *[]CaseAssigneeBrief `json:"assignees,omitempty" jsonschema:"maxItems=10" jsonschema_description:"As in create_case."`
	Connector    *CaseConnector       `json:"connector,omitempty" jsonschema_description:"As in create_case; {\"id\":\"none\",\"name\":\"none\",\"type\":\".none\"} removes it."`
	Settings     *CaseSettings        `json:"settings,omitempty" jsonschema_description:"As in create_case."`
	CustomFields *[]CaseCustomField   `json:"customFields,omitempty" jsonschema:"maxItems=10" jsonschema_description:"As in create_case; optional ones left out are cleared."`
}

// Prepare checks each case names something to change.
func (in *UpdateCasesInput) Prepare() error {
	for i := range in.Cases {
		if in.Cases[i].empty() {
			return &schema.ArgumentError{Field: fmt.Sprintf("cases[%d]", i), Rule: "names no field to change; give at least one besides id and version"}
		}
		if err := in.Cases[i].check(fmt.Sprintf("cases[%d].", i)); err != nil {
			return err
		}
	}
	return nil
}

// empty reports a change that changes nothing.
func (c *CaseUpdate) empty() bool {
	return c.Status == "" && c.Severity == "" && c.Title == "" && c.Description == "" && c.Tags == nil &&
		c.Category == "" && c.Assignees == nil && c.Connector == nil && c.Settings == nil && c.CustomFields == nil
}

// check enforces what the schema cannot on one case's change; prefix is put
// before the field names it reports ("cases[0]." or "").
func (c *CaseUpdate) check(prefix string) error {
	if c.Connector != nil {
		if err := c.Connector.check(prefix + "connector"); err != nil {
			return err
		}
	}
	if c.Assignees != nil {
		for j, a := range *c.Assignees {
			if err := a.check(fmt.Sprintf("%sassignees[%d]", prefix, j)); err != nil {
				return err
			}
		}
	}
	if c.Settings != nil {
		if err := c.Settings.check(prefix + "settings"); err != nil {
			return err
		}
	}
	if c.CustomFields != nil {
		if err := checkCaseCustomFields(prefix+"customFields", *c.CustomFields, true); err != nil {
			return err
		}
	}
	return nil
}

// DeleteCasesInput names the cases to delete.
type DeleteCasesInput struct {
	IDs []string `json:"ids" in:"query" jsonschema:"required,minItems=1,maxItems=100"`
}

// GetCaseAlertsInput names one case.
type GetCaseAlertsInput struct {
	CaseID string `json:"caseId" in:"path" jsonschema:"required"`
}

// GetCasesByAlertInput names one alert.
type GetCasesByAlertInput struct {
	AlertID string   `json:"alertId" in:"path" jsonschema:"required" jsonschema_description:"The alert's _id."`
	Owner   []string `json:"owner,omitempty" in:"query" jsonschema:"maxItems=3,enum=cases,enum=observability,enum=securitySolution"`
}

// AddCaseCommentInput is a user comment or an alert attachment; type says
// which, and only that kind's fields may be given.
type AddCaseCommentInput struct {
	CaseID  string         `json:"caseId" in:"path" jsonschema:"required"`
	Type    string         `json:"type" jsonschema:"required,enum=user,enum=alert" jsonschema_description:"user: give comment; alert: give alertId, index and rule."`
	Owner   string         `json:"owner,omitempty" jsonschema:"enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"The case's owner; read from the case if left out."`
	Comment string         `json:"comment,omitempty" jsonschema:"maxLength=30000"`
	AlertID []string       `json:"alertId,omitempty" jsonschema:"maxItems=1000" jsonschema_description:"Alert _ids, all raised by the same rule."`
	Index   []string       `json:"index,omitempty" jsonschema:"maxItems=1000" jsonschema_description:"Each alert's index, in alertId order."`
	Rule    *CaseAlertRule `json:"rule,omitempty" jsonschema_description:"The alerts' kibana.alert.rule.uuid and .name."`
	Full    bool           `json:"full,omitempty" in:"tool" jsonschema_description:"Answer with the whole case."`
}

// Prepare enforces the fields of the chosen comment type.
func (in *AddCaseCommentInput) Prepare() error {
	return checkCommentKind(in.Type, in.Comment, in.AlertID, in.Index, in.Rule)
}

// CaseAlertRule is the detection rule behind attached alerts.
type CaseAlertRule struct {
	ID   string `json:"id" jsonschema:"required"`
	Name string `json:"name" jsonschema:"required"`
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
	CaseID  string            `json:"caseId" in:"path" jsonschema:"required"`
	ID      string            `json:"id" jsonschema:"required,minLength=1" jsonschema_description:"From find_case_comments."`
	Version string            `json:"version,omitempty" jsonschema_description:"Leave out: the tool reads it."`
	Type    string            `json:"type" jsonschema:"required,enum=user,enum=alert"`
	Owner   string            `json:"owner" jsonschema:"required,enum=cases,enum=observability,enum=securitySolution"`
	Comment string            `json:"comment,omitempty" jsonschema:"maxLength=30000"`
	AlertID []string          `json:"alertId,omitempty" jsonschema:"maxItems=1000"`
	Index   []string          `json:"index,omitempty" jsonschema:"maxItems=1000"`
	Rule    *CaseAlertRuleRef `json:"rule,omitempty"`
}

// Prepare enforces the fields of the comment's type.
func (in *UpdateCaseCommentInput) Prepare() error {
	if in.Rule != nil {
		if err := in.Rule.check("rule"); err != nil {
			return err
		}
	}
	return checkCommentKind(in.Type, in.Comment, in.AlertID, in.Index, (*CaseAlertRule)(in.Rule))
}

// CaseAlertRuleRef is CaseAlertRule in update_case_comment, shown as a bare
// object: add_case_comment describes it. The two convert.
type CaseAlertRuleRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// JSONSchemaAlias shows the rule as a bare object.
func (CaseAlertRuleRef) JSONSchemaAlias() any { return json.RawMessage(nil) }

func (r *CaseAlertRuleRef) check(field string) error {
	switch {
	case r.ID == "":
		return &schema.ArgumentError{Field: field + ".id", Rule: "is required"}
	case r.Name == "":
		return &schema.ArgumentError{Field: field + ".name", Rule: "is required"}
	}
	return nil
}

// DeleteCaseCommentsInput names the case to empty of comments.
type DeleteCaseCommentsInput struct {
	CaseID string `json:"caseId" in:"path" jsonschema:"required"`
}

// FindCaseCommentsInput pages through a case's comments.
type FindCaseCommentsInput struct {
	CaseID    string `json:"caseId" in:"path" jsonschema:"required"`
	Page      int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage   int    `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
	SortOrder string `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Default desc."`
}

// findCaseEntriesPerPage is the page size comment and activity listings
// default to; their entries are smaller than cases.
const findCaseEntriesPerPage = 20

// Prepare asks for a small page when the model names no page size.
func (in *FindCaseCommentsInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = findCaseEntriesPerPage
	}
	return nil
}

// GetCaseCommentInput names one comment of a case.
type GetCaseCommentInput struct {
	CaseID    string `json:"caseId" in:"path" jsonschema:"required"`
	CommentID string `json:"commentId" in:"path" jsonschema:"required" jsonschema_description:"From find_case_comments."`
}

// DeleteCaseCommentInput names the comment to delete.
type DeleteCaseCommentInput struct {
	CaseID    string `json:"caseId" in:"path" jsonschema:"required"`
	CommentID string `json:"commentId" in:"path" jsonschema:"required" jsonschema_description:"From find_case_comments."`

	found *caseComment // read by Preflight for the question
}

// PushCaseInput names the case and the connector to push it through.
type PushCaseInput struct {
	CaseID      string `json:"caseId" in:"path" jsonschema:"required"`
	ConnectorID string `json:"connectorId" in:"path" jsonschema:"required" jsonschema_description:"Normally the case's connector (get_case)."`
}

// AddCaseFileInput is a file to attach to a case.
type AddCaseFileInput struct {
	CaseID   string `json:"caseId" in:"path" jsonschema:"required"`
	File     string `json:"file" in:"formfile" jsonschema:"required,minLength=1" jsonschema_description:"Base64 content."`
	Filename string `json:"filename,omitempty" in:"form,filename" jsonschema_description:"E.g. notes.txt; the extension sets the file type."`
}

// FindCaseUserActionsInput pages through a case's activity.
type FindCaseUserActionsInput struct {
	CaseID    string   `json:"caseId" in:"path" jsonschema:"required"`
	Types     []string `json:"types,omitempty" in:"query" jsonschema:"maxItems=15,enum=action,enum=alert,enum=assignees,enum=attachment,enum=comment,enum=connector,enum=create_case,enum=description,enum=pushed,enum=settings,enum=severity,enum=status,enum=tags,enum=title,enum=user" jsonschema_description:"alert: alerts attached; user: user comments; field names: changes to them."`
	Page      int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage   int      `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
	SortOrder string   `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Default desc."`
}

// Prepare asks for a small page when the model names no page size.
func (in *FindCaseUserActionsInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = findCaseEntriesPerPage
	}
	return nil
}

// GetCaseConfigurationInput filters case settings by owner.
type GetCaseConfigurationInput struct {
	Owner []string `json:"owner,omitempty" in:"query" jsonschema:"maxItems=3,enum=cases,enum=observability,enum=securitySolution"`
}

// SetCaseConfigurationInput creates the case settings of one owner app.
type SetCaseConfigurationInput struct {
	Owner        string                     `json:"owner" jsonschema:"required,enum=cases,enum=observability,enum=securitySolution" jsonschema_description:"Kibana app (cases = Stack Management)."`
	ClosureType  string                     `json:"closure_type" jsonschema:"required,enum=close-by-user,enum=close-by-pushing" jsonschema_description:"close-by-pushing closes a case when it is pushed."`
	Connector    CaseConfigurationConnector `json:"connector" jsonschema:"required" jsonschema_description:"Default for new cases, from find_case_connectors; {\"id\":\"none\",\"name\":\"none\",\"type\":\".none\"} for none."`
	CustomFields []CustomFieldDefinition    `json:"customFields,omitempty" jsonschema:"maxItems=10"`
	Templates    []CaseTemplate             `json:"templates,omitempty" jsonschema_description:"Presets for new cases."`
}

// Prepare checks the custom field definitions.
func (in *SetCaseConfigurationInput) Prepare() error {
	return checkConfiguration(in.CustomFields, in.Templates)
}

// CaseConfigurationConnector is the default connector in case settings.
// Kibana ignores connector fields there, so they are always sent as null.
type CaseConfigurationConnector struct {
	ID   string `json:"id" jsonschema:"required"`
	Name string `json:"name" jsonschema:"required"`
	Type string `json:"type" jsonschema:"required,enum=.none,enum=.jira,enum=.servicenow,enum=.servicenow-sir,enum=.resilient,enum=.swimlane,enum=.cases-webhook"`
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
	Key          string `json:"key" jsonschema:"required,minLength=1,maxLength=36,pattern=^[a-z0-9_-]+$"`
	Label        string `json:"label" jsonschema:"required,minLength=1,maxLength=50"`
	Type         string `json:"type" jsonschema:"required,enum=text,enum=toggle"`
	Required     bool   `json:"required" jsonschema:"required"`
	DefaultValue any    `json:"defaultValue,omitempty" jsonschema:"oneof_type=string;boolean" jsonschema_description:"A string for text, a boolean for toggle."`
}

// CaseTemplate presets the fields of new cases.
type CaseTemplate struct {
	Key         string              `json:"key" jsonschema:"required,pattern=^[a-z0-9_-]+$"`
	Name        string              `json:"name" jsonschema:"required"`
	Description string              `json:"description,omitempty"`
	Tags        []string            `json:"tags,omitempty" jsonschema:"maxItems=200,maxLength=256"`
	CaseFields  *TemplateCaseFields `json:"caseFields,omitempty" jsonschema_description:"Values new cases start with, as in create_case."`
}

// TemplateCaseFields are the preset values of a case template: create_case's
// arguments, with the nested objects shown in brief.
type TemplateCaseFields struct {
	Title        string              `json:"title,omitempty" jsonschema:"maxLength=160"`
	Description  string              `json:"description,omitempty" jsonschema:"maxLength=30000"`
	Severity     string              `json:"severity,omitempty" jsonschema:"enum=low,enum=medium,enum=high,enum=critical"`
	Tags         []string            `json:"tags,omitempty" jsonschema:"maxItems=200,maxLength=256"`
	Category     string              `json:"category,omitempty" jsonschema:"maxLength=50"`
	Assignees    []CaseAssigneeBrief `json:"assignees,omitempty" jsonschema:"maxItems=10"`
	Connector    *CaseConnector      `json:"connector,omitempty"`
	Settings     *CaseSettings       `json:"settings,omitempty"`
	CustomFields []CaseCustomField   `json:"customFields,omitempty" jsonschema:"maxItems=10"`
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
		if err := t.CaseFields.check(fmt.Sprintf("templates[%d].caseFields", i)); err != nil {
			return err
		}
	}
	return nil
}

// check enforces what the brief schema of the nested objects leaves out.
func (f *TemplateCaseFields) check(field string) error {
	for i, a := range f.Assignees {
		if err := a.check(fmt.Sprintf("%s.assignees[%d]", field, i)); err != nil {
			return err
		}
	}
	if f.Connector != nil {
		if err := f.Connector.check(field + ".connector"); err != nil {
			return err
		}
	}
	if f.Settings != nil {
		if err := f.Settings.check(field + ".settings"); err != nil {
			return err
		}
	}
	return checkCaseCustomFields(field+".customFields", f.CustomFields, false)
}

// UpdateCaseConfigurationInput changes the case settings of one owner app.
type UpdateCaseConfigurationInput struct {
	ConfigurationID string                      `json:"configurationId" in:"path" jsonschema:"required" jsonschema_description:"From get_case_configuration."`
	Version         string                      `json:"version" jsonschema:"required,minLength=1" jsonschema_description:"From get_case_configuration."`
	ClosureType     string                      `json:"closure_type,omitempty" jsonschema:"enum=close-by-user,enum=close-by-pushing" jsonschema_description:"close-by-pushing closes a case when it is pushed."`
	Connector       *CaseConfigurationConnector `json:"connector,omitempty" jsonschema_description:"Default for new cases, from find_case_connectors; {\"id\":\"none\",\"name\":\"none\",\"type\":\".none\"} for none."`
	CustomFields    *[]CustomFieldDefinition    `json:"customFields,omitempty" jsonschema:"maxItems=10"`
	Templates       *[]CaseTemplate             `json:"templates,omitempty" jsonschema_description:"Presets for new cases."`
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
	Owner []string `json:"owner,omitempty" in:"query" jsonschema:"maxItems=3,enum=cases,enum=observability,enum=securitySolution"`
}

// GetCaseTagsInput filters case tags by owner.
type GetCaseTagsInput struct {
	Owner []string `json:"owner,omitempty" in:"query" jsonschema:"maxItems=3,enum=cases,enum=observability,enum=securitySolution"`
}
