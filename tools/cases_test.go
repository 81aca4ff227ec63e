package tools

import (
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
