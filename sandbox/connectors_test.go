package sandbox

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// connectorList returns the connectors of a space's list answer by name.
func connectorList(t *testing.T, k *Kibana, prefix string) map[string]map[string]any {
	t.Helper()
	status, body := do(t, k, "GET", prefix+"/api/actions/connectors", "", nil)
	list, ok := body["list"].([]any)
	if status != 200 || !ok {
		t.Fatalf("list connectors: %d %v", status, body)
	}
	out := map[string]map[string]any{}
	for _, c := range list {
		c := c.(map[string]any)
		out[c["name"].(string)] = c
	}
	return out
}

// runConnector runs a connector and returns the HTTP status and answer.
func runConnector(t *testing.T, k *Kibana, prefix, id, params string) (int, map[string]any) {
	t.Helper()
	return do(t, k, "POST", prefix+"/api/actions/connector/"+id+"/_execute", `{"params":`+params+`}`, nil)
}

func TestConnectorsListAndGet(t *testing.T) {
	k := alertingKibana()
	status, body := do(t, k, "GET", "/api/actions/connectors", "", nil)
	if status != 200 {
		t.Fatalf("list: %d", status)
	}
	var names []string
	for _, c := range body["list"].([]any) {
		c := c.(map[string]any)
		names = append(names, strings.ToLower(c["name"].(string)))
		for _, key := range []string{"id", "name", "connector_type_id", "is_preconfigured", "is_deprecated", "is_system_action", "referenced_by_count"} {
			if _, ok := c[key]; !ok {
				t.Errorf("%s has no %s", c["name"], key)
			}
		}
		_, hasConfig := c["config"]
		if pre := c["is_preconfigured"] == true; pre == hasConfig {
			t.Errorf("%s: preconfigured %v but config shown %v", c["name"], pre, hasConfig)
		}
		if _, ok := c["secrets"]; ok {
			t.Errorf("%s shows its secrets", c["name"])
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("connectors not sorted by name: %v", names)
	}
	conns := connectorList(t, k, "")
	slack := conns["SOC Slack"]
	if slack == nil || slack["connector_type_id"] != ".slack" || slack["referenced_by_count"].(float64) < 1 {
		t.Fatalf("SOC Slack: %v", slack)
	}
	status, got := do(t, k, "GET", "/api/actions/connector/"+slack["id"].(string), "", nil)
	if _, counted := got["referenced_by_count"]; status != 200 || got["name"] != "SOC Slack" || counted || got["is_missing_secrets"] != false {
		t.Errorf("get: %d %v", status, got)
	}
	status, got = do(t, k, "GET", "/api/actions/connector/ghost", "", nil)
	wantMessage(t, status, got, 404, "Saved object [action/ghost] not found")

	status, types := do(t, k, "GET", "/api/actions/connector_types?feature_id=cases", "", nil)
	var caseTypes []string
	for _, ct := range types["list"].([]any) {
		ct := ct.(map[string]any)
		caseTypes = append(caseTypes, ct["id"].(string))
		if ct["enabled"] != true || ct["minimum_license_required"] == nil || !slices.Contains(toStrings(ct["supported_feature_ids"]), "cases") {
			t.Errorf("connector type %v", ct)
		}
	}
	for _, want := range []string{".jira", ".servicenow", ".servicenow-sir", ".resilient", ".swimlane", ".cases-webhook"} {
		if !slices.Contains(caseTypes, want) {
			t.Errorf("case connector types %v lack %s", caseTypes, want)
		}
	}
	if status != 200 || slices.Contains(caseTypes, ".slack") || slices.Contains(caseTypes, ".webhook") {
		t.Errorf("case connector types: %d %v", status, caseTypes)
	}
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

func TestConnectorCreateGetUpdateDelete(t *testing.T) {
	k := alertingKibana()
	status, c := do(t, k, "POST", "/api/actions/connector/my-index", `{"name":"Audit index","connector_type_id":".index","config":{"index":"audit"}}`, nil)
	if status != 200 || c["id"] != "my-index" || c["connector_type_id"] != ".index" || c["is_preconfigured"] != false || c["is_missing_secrets"] != false {
		t.Fatalf("create: %d %v", status, c)
	}
	if cfg := c["config"].(map[string]any); cfg["index"] != "audit" || cfg["refresh"] != false || cfg["executionTimeField"] != nil || len(cfg) != 3 {
		t.Errorf("config with defaults: %v", cfg)
	}
	status, body := do(t, k, "POST", "/api/actions/connector/my-index", `{"name":"again","connector_type_id":".index","config":{"index":"audit"}}`, nil)
	wantMessage(t, status, body, 409, "Saved object [action/my-index] conflict")
	status, body = do(t, k, "POST", "/api/actions/connector/elastic-cloud-email", `{"name":"mine","connector_type_id":".server-log"}`, nil)
	wantMessage(t, status, body, 400, "This elastic-cloud-email already exists in a preconfigured action.")

	status, gen := do(t, k, "POST", "/api/actions/connector", `{"name":"Ops log","connector_type_id":".server-log"}`, nil)
	if status != 200 || len(gen["id"].(string)) != 36 {
		t.Errorf("create with a generated id: %d %v", status, gen)
	}

	status, c = do(t, k, "PUT", "/api/actions/connector/my-index", `{"name":"Audit index v2","config":{"index":"audit-v2","refresh":true}}`, nil)
	if status != 200 || c["name"] != "Audit index v2" || c["config"].(map[string]any)["index"] != "audit-v2" || c["config"].(map[string]any)["refresh"] != true {
		t.Errorf("update: %d %v", status, c)
	}
	if _, got := do(t, k, "GET", "/api/actions/connector/my-index", "", nil); got["name"] != "Audit index v2" {
		t.Errorf("update did not persist: %v", got)
	}
	status, body = do(t, k, "PUT", "/api/actions/connector/my-index", `{"name":"x","connector_type_id":".slack"}`, nil)
	wantMessage(t, status, body, 400, "[request body.connector_type_id]: definition for this key is missing")
	status, body = do(t, k, "PUT", "/api/actions/connector/my-index", `{"name":"x","config":{}}`, nil)
	wantMessage(t, status, body, 400, "error validating action type config: [index]: expected value of type [string] but got [undefined]")
	status, body = do(t, k, "PUT", "/api/actions/connector/ghost", `{"name":"x"}`, nil)
	wantMessage(t, status, body, 404, "Saved object [action/ghost] not found")
	status, body = do(t, k, "PUT", "/api/actions/connector/elastic-cloud-email", `{"name":"x"}`, nil)
	wantMessage(t, status, body, 400, "Preconfigured action elastic-cloud-email can not be updated.")

	if status, _ := do(t, k, "DELETE", "/api/actions/connector/my-index", "", nil); status != 204 {
		t.Errorf("delete: %d", status)
	}
	status, body = do(t, k, "GET", "/api/actions/connector/my-index", "", nil)
	wantMessage(t, status, body, 404, "Saved object [action/my-index] not found")
	status, body = do(t, k, "DELETE", "/api/actions/connector/my-index", "", nil)
	wantMessage(t, status, body, 404, "Saved object [action/my-index] not found")
	status, body = do(t, k, "DELETE", "/api/actions/connector/elastic-cloud-email", "", nil)
	wantMessage(t, status, body, 400, "Preconfigured action elastic-cloud-email is not allowed to delete.")

	// The legacy route deletes too.
	if status, _ := do(t, k, "DELETE", "/api/actions/action/"+gen["id"].(string), "", nil); status != 204 {
		t.Errorf("legacy delete: %d", status)
	}
	if status, _ := do(t, k, "GET", "/api/actions/connector/"+gen["id"].(string), "", nil); status != 404 {
		t.Errorf("legacy delete left the connector: %d", status)
	}
}

func TestConnectorCreateValidation(t *testing.T) {
	k := alertingKibana()
	for _, tc := range []struct{ name, body, want string }{
		{"no body", "", "[request body]"},
		{"no name", `{"connector_type_id":".server-log"}`, "[request body.name]: expected value of type [string] but got [undefined]"},
		{"empty name", `{"name":"","connector_type_id":".server-log"}`, "[request body.name]: value '' is not valid"},
		{"no type", `{"name":"x"}`, "[request body.connector_type_id]: expected value of type [string] but got [undefined]"},
		{"unknown member", `{"name":"x","connector_type_id":".server-log","colour":"red"}`, "[request body.colour]: definition for this key is missing"},
		{"config not an object", `{"name":"x","connector_type_id":".index","config":"audit"}`, "[request body.config]: expected a plain object value, but found [string] instead."},
		{"unknown type", `{"name":"x","connector_type_id":".carrier-pigeon"}`, `Action type ".carrier-pigeon" is not registered.`},
		{"index without index", `{"name":"x","connector_type_id":".index","config":{}}`, "error validating action type config: [index]: expected value of type [string] but got [undefined]"},
		{"unknown config member", `{"name":"x","connector_type_id":".index","config":{"index":"a","shards":3}}`, "error validating action type config: [shards]: definition for this key is missing"},
		{"slack without webhook", `{"name":"x","connector_type_id":".slack"}`, "error validating action type secrets: [webhookUrl]: expected value of type [string] but got [undefined]"},
		{"jira without project", `{"name":"x","connector_type_id":".jira","config":{"apiUrl":"https://j"},"secrets":{"email":"e","apiToken":"t"}}`, "error validating action type config: [projectKey]"},
		{"email without host", `{"name":"x","connector_type_id":".email","config":{"from":"a@example.com"}}`, "[host] is required if [service] is not provided"},
		{"webhook bad method", `{"name":"x","connector_type_id":".webhook","config":{"url":"https://h","method":"get"}}`, "[method]: types that failed validation"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(t, k, "POST", "/api/actions/connector/c1", tc.body, nil)
			wantMessage(t, status, body, 400, tc.want)
		})
	}
	if status, _ := do(t, k, "GET", "/api/actions/connector/c1", "", nil); status != 404 {
		t.Errorf("a refused create left a connector behind: %d", status)
	}
}

func TestRunConnectorValidatesParamsPerType(t *testing.T) {
	k := alertingKibana()
	conns := connectorList(t, k, "")
	id := func(name string) string { return conns[name]["id"].(string) }
	if status, c := do(t, k, "POST", "/api/actions/connector/teams", `{"name":"Teams","connector_type_id":".teams","secrets":{"webhookUrl":"https://teams.example.com/x"}}`, nil); status != 200 {
		t.Fatalf("create teams: %d %v", status, c)
	}
	for _, tc := range []struct {
		name, id, params string
		wantError        string         // "" for a successful run
		wantData         map[string]any // members the data must have
	}{
		{"slack ok", id("SOC Slack"), `{"message":"Host web-01 isolated."}`, "", map[string]any{"text": "ok"}},
		{"slack no message", id("SOC Slack"), `{}`, "error validating action params: [message]: expected value of type [string] but got [undefined]", nil},
		{"slack message not a string", id("SOC Slack"), `{"message":3}`, "error validating action params: [message]: expected value of type [string] but got [number]", nil},
		{"slack unknown member", id("SOC Slack"), `{"message":"x","channel":"#soc"}`, "error validating action params: [channel]: definition for this key is missing", nil},
		{"email ok", id("SOC on-call email"), `{"to":["a@example.com"],"cc":["b@example.com"],"subject":"Ransomware","message":"Isolated."}`, "", map[string]any{"response": "250 2.0.0 OK: queued"}},
		{"email no subject", id("SOC on-call email"), `{"to":["a@example.com"],"message":"m"}`, "error validating action params: [subject]: expected value of type [string] but got [undefined]", nil},
		{"email no message", id("SOC on-call email"), `{"to":["a@example.com"],"subject":"s"}`, "error validating action params: [message]: expected value of type [string] but got [undefined]", nil},
		{"email no recipient", id("SOC on-call email"), `{"subject":"s","message":"m"}`, "error validating action params: no [to], [cc], or [bcc] entries", nil},
		{"email to not a list", id("SOC on-call email"), `{"to":"a@example.com","subject":"s","message":"m"}`, "error validating action params: [to]: expected value of type [array] but got [string]", nil},
		{"webhook ok", id("Ticket intake webhook"), `{"body":"{\"host\":\"web-01\"}"}`, "", nil},
		{"webhook body not a string", id("Ticket intake webhook"), `{"body":{"host":"web-01"}}`, "error validating action params: [body]: expected value of type [string] but got [Object]", nil},
		{"index ok", id("Alert history index"), `{"documents":[{"a":1},{"b":2}]}`, "", map[string]any{"errors": false}},
		{"index no documents", id("Alert history index"), `{}`, "error validating action params: [documents]: expected value of type [array] but got [undefined]", nil},
		{"index document not an object", id("Alert history index"), `{"documents":["x"]}`, "error validating action params: [documents.0]: expected value of type [object] but got [string]", nil},
		{"server log ok", id("Kibana server log"), `{"message":"hello","level":"warn"}`, "", nil},
		{"server log no message", id("Kibana server log"), `{"level":"warn"}`, "error validating action params: [message]: expected value of type [string] but got [undefined]", nil},
		{"server log bad level", id("Kibana server log"), `{"message":"m","level":"loud"}`, "error validating action params: [level]: types that failed validation", nil},
		{"teams ok", "teams", `{"message":"hi"}`, "", nil},
		{"teams no message", "teams", `{"text":"hi"}`, "error validating action params: [message]: expected value of type [string] but got [undefined]", nil},
		{"jira bad sub-action", id("Jira SEC project"), `{"subAction":"explode"}`, "error validating action params: [subAction]: types that failed validation", nil},
		{"jira push without title", id("Jira SEC project"), `{"subAction":"pushToService","subActionParams":{"incident":{"description":"d"}}}`, "error validating action params: [subActionParams.incident.summary]", nil},
		{"jira issue types", id("Jira SEC project"), `{"subAction":"issueTypes"}`, "", nil},
		{"preconfigured log", "preconfigured-server-log", `{"message":"from the preconfigured log"}`, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := runConnector(t, k, "", tc.id, tc.params)
			if status != 200 || out["connector_id"] != tc.id {
				t.Fatalf("%d %v", status, out)
			}
			if tc.wantError != "" {
				msg, _ := out["message"].(string)
				if out["status"] != "error" || !strings.HasPrefix(msg, tc.wantError) || out["retry"] != false {
					t.Errorf("got %v, want an error starting %q", out, tc.wantError)
				}
				return
			}
			if out["status"] != "ok" {
				t.Fatalf("got %v", out)
			}
			data, _ := out["data"].(map[string]any)
			for key, want := range tc.wantData {
				if data[key] != want {
					t.Errorf("data.%s = %v, want %v (%v)", key, data[key], want, out)
				}
			}
		})
	}

	// A Jira push opens an issue getIncident then finds.
	_, pushed := runConnector(t, k, "", id("Jira SEC project"), `{"subAction":"pushToService","subActionParams":{"incident":{"summary":"Ransomware on web-01"},"comments":[{"commentId":"c1","comment":"Isolated"}]}}`)
	issue, _ := pushed["data"].(map[string]any)
	if pushed["status"] != "ok" || issue["title"] != "SEC-101" || !strings.HasSuffix(issue["url"].(string), "/browse/SEC-101") || len(issue["comments"].([]any)) != 1 {
		t.Fatalf("push: %v", pushed)
	}
	_, found := runConnector(t, k, "", id("Jira SEC project"), `{"subAction":"getIncident","subActionParams":{"externalId":"`+issue["id"].(string)+`"}}`)
	if found["status"] != "ok" || found["data"].(map[string]any)["summary"] != "Ransomware on web-01" {
		t.Errorf("getIncident: %v", found)
	}
	_, missing := runConnector(t, k, "", id("Jira SEC project"), `{"subAction":"getIncident","subActionParams":{"externalId":"nope"}}`)
	if missing["status"] != "error" || !strings.Contains(missing["service_message"].(string), "nope") {
		t.Errorf("getIncident of nothing: %v", missing)
	}

	status, body := do(t, k, "POST", "/api/actions/connector/"+id("SOC Slack")+"/_execute", `{"message":"x"}`, nil)
	wantMessage(t, status, body, 400, "[request body.params]: expected value of type [object] but got [undefined]")
	status, body = runConnector(t, k, "", "ghost", `{"message":"x"}`)
	wantMessage(t, status, body, 404, "Saved object [action/ghost] not found")

	// soc holds a PagerDuty connector imported without its secrets.
	socConns := connectorList(t, k, "/s/soc")
	legacy := socConns["Legacy PagerDuty (imported)"]
	if legacy["is_missing_secrets"] != true {
		t.Fatalf("legacy PagerDuty: %v", legacy)
	}
	_, out := runConnector(t, k, "/s/soc", legacy["id"].(string), `{"eventAction":"trigger","summary":"x"}`)
	if out["status"] != "error" || !strings.Contains(out["message"].(string), "no secrets are defined") {
		t.Errorf("run without secrets: %v", out)
	}
	_, out = runConnector(t, k, "/s/soc", socConns["PagerDuty SOC"]["id"].(string), `{"eventAction":"resolve"}`)
	if out["status"] != "error" || !strings.Contains(out["message"].(string), `DedupKey is required when eventAction is "resolve"`) {
		t.Errorf("PagerDuty resolve without dedupKey: %v", out)
	}
}

func TestConnectorRunsAreRecorded(t *testing.T) {
	k := alertingKibana()
	conns := connectorList(t, k, "")
	index := conns["Alert history index"]["id"].(string)
	runConnector(t, k, "", index, `{"documents":[{"host":"web-01","action":"isolated"}]}`)
	runConnector(t, k, "", index, `{}`)
	runConnector(t, k, "", conns["SOC Slack"]["id"].(string), `{"message":"hi"}`)
	runConnector(t, k, "", "ghost", `{"message":"never recorded"}`)

	status, body := do(t, k, "GET", "/api/sandbox/connector_runs?connector_id="+index, "", nil)
	runs, _ := body["runs"].([]any)
	if status != 200 || body["total"] != float64(2) || len(runs) != 2 {
		t.Fatalf("runs of the index connector: %d %v", status, body)
	}
	first, second := runs[0].(map[string]any), runs[1].(map[string]any)
	doc := first["params"].(map[string]any)["documents"].([]any)[0].(map[string]any)
	if first["status"] != "ok" || doc["host"] != "web-01" || first["connector_type_id"] != ".index" || first["at"] != "2025-03-12T10:00:00.000Z" {
		t.Errorf("first run: %v", first)
	}
	if second["status"] != "error" || !strings.Contains(second["message"].(string), "[documents]") {
		t.Errorf("second run: %v", second)
	}
	if all := k.ConnectorRuns("default"); len(all) != 3 || all[2].ConnectorName != "SOC Slack" {
		t.Errorf("ConnectorRuns: %+v", all)
	}
	if runs := k.ConnectorRuns("soc"); len(runs) != 0 {
		t.Errorf("soc has runs: %+v", runs)
	}
}

func TestConnectorSecretsAreNeverAnswered(t *testing.T) {
	k := alertingKibana()
	const secret = "hunter2-do-not-show"
	var answers []map[string]any
	record := func(_ int, body map[string]any) { answers = append(answers, body) }
	record(do(t, k, "POST", "/api/actions/connector/j", `{"name":"J","connector_type_id":".jira","config":{"apiUrl":"https://j.example.com","projectKey":"X"},"secrets":{"email":"bot@example.com","apiToken":"`+secret+`"}}`, nil))
	record(do(t, k, "GET", "/api/actions/connector/j", "", nil))
	record(do(t, k, "GET", "/api/actions/connectors", "", nil))
	record(do(t, k, "PUT", "/api/actions/connector/j", `{"name":"J2","config":{"apiUrl":"https://j.example.com","projectKey":"X"},"secrets":{"email":"bot@example.com","apiToken":"`+secret+`"}}`, nil))
	record(runConnector(t, k, "", "j", `{"subAction":"issueTypes"}`))
	record(do(t, k, "GET", "/api/sandbox/connector_runs", "", nil))
	for _, a := range answers {
		b, _ := json.Marshal(a)
		if strings.Contains(string(b), secret) || strings.Contains(string(b), `"secrets"`) || strings.Contains(string(b), "sandbox-secret") {
			t.Errorf("an answer shows secrets: %s", b)
		}
	}
}

func TestConnectorsAreKeptPerSpace(t *testing.T) {
	k := alertingKibana()
	if status, _ := do(t, k, "POST", "/s/soc/api/actions/connector/soc-log", `{"name":"SOC-only log","connector_type_id":".server-log"}`, nil); status != 200 {
		t.Fatalf("create in soc: %d", status)
	}
	if status, _ := do(t, k, "GET", "/api/actions/connector/soc-log", "", nil); status != 404 {
		t.Errorf("a soc connector is visible in default: %d", status)
	}
	if status, _ := do(t, k, "POST", "/api/actions/connector/soc-log/_execute", `{"params":{"message":"x"}}`, nil); status != 404 {
		t.Errorf("a soc connector runs in default: %d", status)
	}
	def, soc := connectorList(t, k, ""), connectorList(t, k, "/s/soc")
	if def["SOC-only log"] != nil || soc["SOC-only log"] == nil {
		t.Error("the soc connector is in the wrong list")
	}
	for _, pre := range []string{"Elastic-Cloud-SMTP", "Kibana server log (preconfigured)"} {
		if def[pre] == nil || soc[pre] == nil {
			t.Errorf("preconfigured %s is not in every space", pre)
		}
	}
	if def["SOC Slack"] == nil || soc["SOC Slack"] != nil || soc["IBM Resilient"] == nil || def["IBM Resilient"] != nil {
		t.Error("default and soc should have different connectors")
	}
}

func TestSeededConnectorsForCases(t *testing.T) {
	k := alertingKibana()
	for _, space := range []string{"default", "soc"} {
		sp := k.spaces[space]
		if len(sp.seededConnectors) < 2 {
			t.Errorf("%s: %d case connectors", space, len(sp.seededConnectors))
		}
		for _, ref := range sp.seededConnectors {
			cn := sp.connectors.byID[ref.ID]
			if cn == nil || cn.name != ref.Name || cn.typeID != ref.Type || !connTypeByID(ref.Type).cases {
				t.Errorf("%s: case connector %+v", space, ref)
			}
		}
	}
	a, b := alertingKibana(), alertingKibana()
	if !slices.Equal(a.spaces["soc"].seededConnectors, b.spaces["soc"].seededConnectors) {
		t.Error("the same seed gave different connectors")
	}
}
