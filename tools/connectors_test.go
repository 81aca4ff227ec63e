package tools

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/serve"
)

// TestRunConnectorParamsChecks pins what a model reads when params do not
// fit the connector shape their members point to.
func TestRunConnectorParamsChecks(t *testing.T) {
	const id = `"id":"c1",`
	cases := []struct{ args, want string }{
		{`{` + id + `"params":{}}`,
			`invalid argument "params": must not be empty; give the parameters of the connector's type (see the argument's description)`},
		{`{` + id + `"params":"{\"message\":\"hi\"}"}`,
			`invalid argument "params": must be an object, got "{\"message\":\"hi\"}"`},
		{`{"id":"c1"}`,
			`invalid argument "params": is required`},
		// Email: recipients, subject and message.
		{`{` + id + `"params":{"subject":"Ransomware","message":"Host isolated."}}`,
			`invalid argument "params.to": an email needs at least one recipient in to, cc or bcc`},
		{`{` + id + `"params":{"to":"soc@example.com","subject":"s","message":"m"}}`,
			`invalid argument "params.to": must be an array of email addresses, got a string`},
		{`{` + id + `"params":{"to":["soc@example.com",""],"subject":"s","message":"m"}}`,
			`invalid argument "params.to[1]": must be an email address`},
		{`{` + id + `"params":{"bcc":["soc@example.com"],"message":"m"}}`,
			`invalid argument "params.subject": is required for an email`},
		{`{` + id + `"params":{"cc":["soc@example.com"],"subject":"s"}}`,
			`invalid argument "params.message": is required for an email`},
		// Texts are strings.
		{`{` + id + `"params":{"message":{"text":"hi"}}}`,
			`invalid argument "params.message": must be a string, got an object`},
		{`{` + id + `"params":{"body":{"text":"hi"}}}`,
			`invalid argument "params.body": must be a string, got an object`},
		// PagerDuty.
		{`{` + id + `"params":{"eventAction":"page","summary":"s"}}`,
			`invalid argument "params.eventAction": must be one of trigger, acknowledge, resolve`},
		{`{` + id + `"params":{"eventAction":"resolve"}}`,
			`invalid argument "params.dedupKey": is required to resolve an event: give the key of the event it ends`},
		{`{` + id + `"params":{"eventAction":"trigger","summary":"s","severity":"high"}}`,
			`invalid argument "params.severity": must be one of critical, error, warning, info`},
		{`{` + id + `"params":{"eventAction":"trigger","dedupKey":"` + strings.Repeat("k", 256) + `"}}`,
			`invalid argument "params.dedupKey": must be at most 255 characters long`},
		// Index.
		{`{` + id + `"params":{"documents":[]}}`,
			`invalid argument "params.documents": must be a non-empty array of documents (objects)`},
		{`{` + id + `"params":{"documents":[{"a":1},"{\"b\":2}"]}}`,
			`invalid argument "params.documents[1]": must be an object (one document), got a string`},
		// Server log.
		{`{` + id + `"params":{"message":"m","level":"verbose"}}`,
			`invalid argument "params.level": must be one of trace, debug, info, warn, error, fatal`},
		// Sub-actions (Slack API, Jira, ServiceNow…).
		{`{` + id + `"params":{"subActionParams":{"text":"hi"}}}`,
			`invalid argument "params.subAction": is required with subActionParams`},
		{`{` + id + `"params":{"subAction":"","subActionParams":{}}}`,
			`invalid argument "params.subAction": must be the sub-action's name, e.g. "pushToService" or "postMessage"`},
		{`{` + id + `"params":{"subAction":"postMessage","subActionParams":"text=hi"}}`,
			`invalid argument "params.subActionParams": must be an object, got a string`},
	}
	for _, c := range cases {
		_, err := mustLookup(t, "run_connector").Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got  %v\n want %s", c.args, err, c.want)
		}
	}
}

// TestRunConnectorSendsParams: params go to Kibana as the model gave them,
// under "params", for the shapes the spec does not list too (Teams,
// webhook), and the connector id is one escaped path segment.
func TestRunConnectorSendsParams(t *testing.T) {
	for _, c := range []struct{ args, path, body string }{
		{`{"id":"slack 1","params":{"message":"Host web-01 isolated."}}`,
			"/api/actions/connector/slack%201/_execute", `{"params":{"message":"Host web-01 isolated."}}`},
		{`{"id":"hook","params":{"body":"{\"host\":\"web-01\"}"}}`,
			"/api/actions/connector/hook/_execute", `{"params":{"body":"{\"host\":\"web-01\"}"}}`},
		{`{"id":"jira","params":{"subAction":"pushToService","subActionParams":{"incident":{"summary":"Ransomware on web-01"},"comments":[]}}}`,
			"/api/actions/connector/jira/_execute", `{"params":{"subAction":"pushToService","subActionParams":{"comments":[],"incident":{"summary":"Ransomware on web-01"}}}}`},
		{`{"id":"pd","params":{"eventAction":"acknowledge","dedupKey":"web-01"},"space_id":"soc"}`,
			"/api/actions/connector/pd/_execute", `{"params":{"dedupKey":"web-01","eventAction":"acknowledge"}}`},
	} {
		req, err := mustLookup(t, "run_connector").Bind(args(t, c.args))
		if err != nil {
			t.Fatalf("%s: %v", c.args, err)
		}
		if req.Method != "POST" || req.Path != c.path || string(req.Body) != c.body || !req.Mutates || req.Retryable {
			t.Errorf("%s:\n got  %s %s %s (mutates %v, retryable %v)\n want POST %s %s (mutates, not retryable)", c.args, req.Method, req.Path, req.Body, req.Mutates, req.Retryable, c.path, c.body)
		}
	}
}

// TestRunConnectorIsDestructiveAndOpenWorld: clients confirm it, and know
// it reaches beyond Kibana.
func TestRunConnectorIsDestructiveAndOpenWorld(t *testing.T) {
	a := mustLookup(t, "run_connector").Annotations()
	got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
	if want := [4]bool{false, true, false, true}; got != want {
		t.Errorf("hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", got, want)
	}
}

// TestCreateConnectorID: without an id the request names a fresh UUID (the
// published API takes it in the path); a given id is used as is. Neither
// goes into the body.
func TestCreateConnectorID(t *testing.T) {
	op := mustLookup(t, "create_connector")
	uuidPath := regexp.MustCompile(`^/api/actions/connector/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	first, err := op.Bind(args(t, `{"name":"Archive","connector_type_id":".index","config":{"index":"archive"}}`))
	if err != nil {
		t.Fatal(err)
	}
	second, err := op.Bind(args(t, `{"name":"Archive","connector_type_id":".index","config":{"index":"archive"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !uuidPath.MatchString(first.Path) || first.Path == second.Path {
		t.Errorf("paths %s and %s: want two different random UUIDs", first.Path, second.Path)
	}
	if want := `{"name":"Archive","connector_type_id":".index","config":{"index":"archive"}}`; string(first.Body) != want {
		t.Errorf("body %s, want %s", first.Body, want)
	}
	given, err := op.Bind(args(t, `{"id":"my-archive","name":"Archive","connector_type_id":".index"}`))
	if err != nil {
		t.Fatal(err)
	}
	if given.Path != "/api/actions/connector/my-archive" || string(given.Body) != `{"name":"Archive","connector_type_id":".index"}` {
		t.Errorf("got %s %s", given.Path, given.Body)
	}
}

// TestConnectorAdminSplit: the default selection serves what triage needs
// (list, read, run) and leaves connector settings to those who ask.
func TestConnectorAdminSplit(t *testing.T) {
	ops, err := serve.Select(Catalog, serve.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, op := range ops {
		served[op.Name] = true
	}
	for name, want := range map[string]bool{
		"list_connectors": true, "get_connector": true, "run_connector": true,
		"create_connector": false, "update_connector": false, "delete_connector": false,
		"delete_connector_legacy": false, "get_connector_types": false,
	} {
		if served[name] != want {
			t.Errorf("%s served by default: %v, want %v", name, served[name], want)
		}
	}
}
