package tools

import (
	"strings"
	"testing"
)

// TestCasesCrossFieldRules pins the rules the schema cannot express, with
// the exact message the model reads.
func TestCasesCrossFieldRules(t *testing.T) {
	const c1 = `"caseId":"c1"`
	cases := []struct {
		tool, args, want string
	}{
		// add_case_comment: a user comment or an alert attachment, not both.
		{"add_case_comment", `{` + c1 + `,"type":"user","owner":"cases"}`,
			`invalid argument "comment": is required when type is "user"`},
		{"add_case_comment", `{` + c1 + `,"type":"user","owner":"cases","comment":"x","alertId":["a"]}`,
			`invalid argument "alertId": is only for type "alert"; leave it out of a user comment`},
		{"add_case_comment", `{` + c1 + `,"type":"alert","owner":"cases","comment":"x","alertId":["a"],"index":["i"],"rule":{"id":"r","name":"n"}}`,
			`invalid argument "comment": is only for type "user"; add the text as a separate user comment`},
		{"add_case_comment", `{` + c1 + `,"type":"alert","owner":"cases","alertId":["a","b"],"index":["i"],"rule":{"id":"r","name":"n"}}`,
			`invalid argument "index": must have one entry per alert ID (2), not 1`},
		{"add_case_comment", `{` + c1 + `,"type":"alert","owner":"cases","alertId":["a"],"index":["i"]}`,
			`invalid argument "rule": is required when type is "alert"`},
		{"update_case_comment", `{` + c1 + `,"id":"k","version":"v","type":"alert","owner":"cases"}`,
			`invalid argument "alertId": is required when type is "alert"`},
		// Connectors must carry the fields their type needs.
		{"create_case", `{"title":"t","description":"d","connector":{"id":"j","name":"J","type":".jira"}}`,
			`invalid argument "connector.fields": is required for connector type .jira: give issueType, priority, parent (null where unused)`},
		{"create_case", `{"title":"t","description":"d","connector":{"id":"j","name":"J","type":".jira","fields":{"issueType":"1","priority":null}}}`,
			`invalid argument "connector.fields.parent": is required for connector type .jira (null where unused)`},
		{"create_case", `{"title":"t","description":"d","connector":{"id":"none","name":"none","type":".none","fields":{"x":1}}}`,
			`invalid argument "connector.fields": must be omitted for connector type .none`},
		// Custom field values must suit their type.
		{"create_case", `{"title":"t","description":"d","customFields":[{"key":"k","type":"toggle","value":"yes"}]}`,
			`invalid argument "customFields[0].value": must be true or false for a toggle field`},
		{"create_case", `{"title":"t","description":"d","customFields":[{"key":"k","type":"text","value":""}]}`,
			`invalid argument "customFields[0].value": must be 1 to 160 characters long`},
		{"set_case_configuration", `{"owner":"cases","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none"},"customFields":[{"key":"k","label":"K","type":"text","required":false,"defaultValue":true}]}`,
			`invalid argument "customFields[0].defaultValue": must be a string for a text field`},
		// Templates get the same connector and custom field checks.
		{"set_case_configuration", `{"owner":"cases","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none"},"templates":[{"key":"t","name":"T","caseFields":{"connector":{"id":"j","name":"J","type":".jira","fields":{"issueType":"1"}}}}]}`,
			`invalid argument "templates[0].caseFields.connector.fields.priority": is required for connector type .jira (null where unused)`},
		{"update_case_configuration", `{"configurationId":"x","version":"v","templates":[{"key":"t","name":"T","caseFields":{"customFields":[{"key":"k","type":"toggle","value":"yes"}]}}]}`,
			`invalid argument "templates[0].caseFields.customFields[0].value": must be true or false for a toggle field`},
		// Connectors, settings, assignees, custom field values and alert rules
		// that the schema shows as bare objects are checked here instead.
		{"create_case", `{"title":"t","description":"d","connector":{"name":"J","type":".jira"}}`,
			`invalid argument "connector.id": is required`},
		{"create_case", `{"title":"t","description":"d","connector":{"id":"j","name":"J","type":"jira"}}`,
			`invalid argument "connector.type": must be one of .none, .jira, .servicenow, .servicenow-sir, .resilient, .swimlane, .cases-webhook`},
		{"create_case", `{"title":"t","description":"d","settings":{}}`,
			`invalid argument "settings.syncAlerts": is required (true or false)`},
		{"create_case", `{"title":"t","description":"d","settings":{"syncAlerts":"yes"}}`,
			`invalid argument "settings.syncAlerts": must be a boolean, not a JSON string`},
		{"create_case", `{"title":"t","description":"d","customFields":[{"key":"k","type":"number","value":1}]}`,
			`invalid argument "customFields[0].type": must be text or toggle`},
		{"create_case", `{"title":"t","description":"d","customFields":[{"type":"text","value":"x"}]}`,
			`invalid argument "customFields[0].key": is required`},
		{"update_cases", `{"cases":[{"id":"c1","version":"v","connector":{"id":"j","type":".jira","fields":{"issueType":null,"priority":null,"parent":null}}}]}`,
			`invalid argument "cases[0].connector.name": is required`},
		{"update_cases", `{"cases":[{"id":"c1","version":"v","assignees":[{}]}]}`,
			`invalid argument "cases[0].assignees[0].uid": is required`},
		{"update_cases", `{"cases":[{"id":"c1","version":"v","customFields":[{"key":"k","type":"text","value":true}]}]}`,
			`invalid argument "cases[0].customFields[0].value": must be a string for a text field`},
		{"update_case_comment", `{` + c1 + `,"id":"k","version":"v","type":"alert","owner":"cases","alertId":["a"],"index":["i"],"rule":{"id":"r"}}`,
			`invalid argument "rule.name": is required`},
		{"set_case_configuration", `{"owner":"cases","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none"},"templates":[{"key":"t","name":"T","caseFields":{"settings":{}}}]}`,
			`invalid argument "templates[0].caseFields.settings.syncAlerts": is required (true or false)`},
		{"set_case_configuration", `{"owner":"cases","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none"},"templates":[{"key":"t","name":"T","caseFields":{"assignees":[{"uid":""}]}}]}`,
			`invalid argument "templates[0].caseFields.assignees[0].uid": is required`},
		{"set_case_configuration", `{"owner":"cases","closure_type":"close-by-user","connector":{"id":"none","name":"none","type":".none"},"templates":[{"key":"Phishing report","name":"T"}]}`,
			`invalid argument "templates[0].key": must match the pattern ^[a-z0-9_-]+$`},
		// Updates must change something.
		{"update_cases", `{"cases":[{"id":"c1","version":"v"}]}`,
			`invalid argument "cases[0]": names no field to change; give at least one besides id and version`},
		{"update_case_configuration", `{"configurationId":"x","version":"v"}`,
			`invalid arguments: give at least one of closure_type, connector, customFields or templates`},
		{"update_cases", `{"cases":[{"id":"c1","version":"","status":"closed"}]}`,
			`invalid argument "cases[0].version": must not be empty`},
	}
	for _, c := range cases {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestCreateCaseDefaults: Kibana requires owner, tags, connector and
// settings; a model that leaves them out gets sensible ones on the wire.
func TestCreateCaseDefaults(t *testing.T) {
	req, err := mustLookup(t, "create_case").Bind(args(t, `{"title":"Suspicious login","description":"From a new country."}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"title":"Suspicious login","description":"From a new country.","tags":[],"owner":"securitySolution","connector":{"id":"none","name":"none","type":".none","fields":null},"settings":{"syncAlerts":true}}`
	if string(req.Body) != want {
		t.Errorf("body\n got  %s\n want %s", req.Body, want)
	}
}

// TestCaseConfigurationConnectorSendsNullFields: Kibana requires a fields
// member on the settings' connector, which the model never gives.
func TestCaseConfigurationConnectorSendsNullFields(t *testing.T) {
	req, err := mustLookup(t, "update_case_configuration").Bind(args(t, `{"configurationId":"x","version":"v","connector":{"id":"none","name":"none","type":".none"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"version":"v","connector":{"id":"none","name":"none","type":".none","fields":null}}`; string(req.Body) != want {
		t.Errorf("body %s, want %s", req.Body, want)
	}
}

// TestFindCasePagesDefaultSmall: a listing without perPage asks Kibana for a
// small page (10 cases, 20 comments or activity entries), and a perPage the
// model gives wins.
func TestFindCasePagesDefaultSmall(t *testing.T) {
	for _, c := range []struct{ tool, args, want string }{
		{"find_cases", `{}`, "perPage=10"},
		{"find_cases", `{"status":"open","perPage":50}`, "perPage=50&status=open"},
		{"find_case_comments", `{"caseId":"c1"}`, "perPage=20"},
		{"find_case_comments", `{"caseId":"c1","perPage":5}`, "perPage=5"},
		{"find_case_user_actions", `{"caseId":"c1"}`, "perPage=20"},
		{"find_case_user_actions", `{"caseId":"c1","page":2,"perPage":100}`, "page=2&perPage=100"},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Fatalf("%s %s: %v", c.tool, c.args, err)
		}
		if got := req.Query.Encode(); got != c.want {
			t.Errorf("%s %s: query %q, want %q", c.tool, c.args, got, c.want)
		}
	}
}

// TestCaseObjectsRefuseUnknownMembers: the objects the schema shows as bare
// objects still decode strictly, so a misspelt member is refused rather than
// dropped.
func TestCaseObjectsRefuseUnknownMembers(t *testing.T) {
	for _, c := range []struct{ tool, args string }{
		{"create_case", `{"title":"t","description":"d","connector":{"id":"none","name":"none","type":".none","bogus":1}}`},
		{"create_case", `{"title":"t","description":"d","settings":{"syncAlerts":true,"bogus":1}}`},
		{"create_case", `{"title":"t","description":"d","customFields":[{"key":"k","type":"toggle","value":true,"bogus":1}]}`},
		{"update_cases", `{"cases":[{"id":"c1","version":"v","assignees":[{"uid":"u_1","bogus":1}]}]}`},
		{"update_case_comment", `{"caseId":"c1","id":"k","version":"v","type":"alert","owner":"cases","alertId":["a"],"index":["i"],"rule":{"id":"r","name":"n","bogus":1}}`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || !strings.Contains(err.Error(), `"bogus"`) {
			t.Errorf("%s %s: got %v, want an error naming bogus", c.tool, c.args, err)
		}
	}
}

// TestCaseObjectsKeepTheirWireForm: the bodies update_cases and case
// templates send are unchanged by how the schema shows their objects.
func TestCaseObjectsKeepTheirWireForm(t *testing.T) {
	req, err := mustLookup(t, "update_cases").Bind(args(t, `{"cases":[{"id":"c1","version":"v","assignees":[{"uid":"u_1"}],"connector":{"id":"j","name":"J","type":".jira","fields":{"issueType":"10006","priority":null,"parent":null}},"settings":{"syncAlerts":false},"customFields":[{"key":"k","type":"text","value":null}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"cases":[{"id":"c1","version":"v","assignees":[{"uid":"u_1"}],"connector":{"id":"j","name":"J","type":".jira","fields":{"issueType":"10006","parent":null,"priority":null}},"settings":{"syncAlerts":false},"customFields":[{"key":"k","type":"text","value":null}]}]}`
	if string(req.Body) != want {
		t.Errorf("body\n got  %s\n want %s", req.Body, want)
	}
}
