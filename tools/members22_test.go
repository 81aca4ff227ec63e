package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// Issue 22's last members: synthetics monitors' per-type settings, SLO
// cursor paging and artifacts, find_rules' has_reference, the AI
// assistants' knowledge base, conversation and chat members.

// TestLastMembersArgumentChecks pins the refusals the new members bring,
// with the message the model reads.
func TestLastMembersArgumentChecks(t *testing.T) {
	const (
		http    = `"type":"http","name":"n","url":"https://x.example.com","locations":["us_east"]`
		tcp     = `"type":"tcp","name":"n","host":"db-01:5432","locations":["us_east"]`
		browser = `"type":"browser","name":"n","inline_script":"step()","locations":["us_east"]`
		chat    = `"connectorId":"c","persist":false,"messages":[{"role":"user","content":"q"}]`
		obsChat = `"connectorId":"c","persist":false,"messages":[{"@timestamp":"2025-03-12T09:00:00Z","message":{"role":"user","content":"q"}}]`
		index   = `"name":"n","type":"index","index":"i","field":"f","description":"d","queryDescription":"q"`
	)
	for _, c := range []struct{ tool, args, want string }{
		{"create_synthetics_monitor", `{` + browser + `,"mode":"all"}`, `invalid argument "mode": is for http and tcp and icmp monitors, not browser`},
		{"create_synthetics_monitor", `{` + tcp + `,"password":"s3cret"}`, `invalid argument "password": is for http monitors, not tcp`},
		{"create_synthetics_monitor", `{` + http + `,"proxy_use_local_resolver":true}`, `invalid argument "proxy_use_local_resolver": is for tcp monitors, not http`},
		{"create_synthetics_monitor", `{` + http + `,"playwright_options":{}}`, `invalid argument "playwright_options": is for browser monitors, not http`},
		{"create_synthetics_monitor", `{` + tcp + `,"synthetics_args":["--x"]}`, `invalid argument "synthetics_args": is for browser monitors, not tcp`},
		{"create_synthetics_monitor", `{` + http + `,"response":{"include_body":"always"},"ssl":{}}`, ``},
		{"create_synthetics_monitor", `{` + tcp + `,"proxy_url":"http://proxy:3128"}`, `invalid argument "proxy_url": a tcp monitor's proxy is a socks5:// URL with a host`},
		{"create_synthetics_monitor", `{` + http + `,"proxy_url":"socks5://proxy:1080"}`, `invalid argument "proxy_url": a http monitor's proxy is a http:// or https:// URL with a host`},
		{"create_synthetics_monitor", `{` + tcp + `,"proxy_use_local_resolver":true}`, `invalid argument "proxy_use_local_resolver": goes with proxy_url`},
		{"create_synthetics_monitor", `{` + http + `,"proxy_headers":{"X-A":"1"}}`, `invalid argument "proxy_headers": goes with proxy_url`},
		{"create_synthetics_monitor", `{` + http + `,"password":"s3cret"}`, `invalid argument "username": is required with password`},
		{"update_synthetics_monitor", `{"id":"m",` + http + `,"params":"user=probe"}`, `invalid argument "params": must be a JSON object as text, e.g. "{\"user\":\"probe\"}"`},
		{"find_synthetics_monitors", `{"useLogicalAndFor":["types"]}`, "useLogicalAndFor"},
		{"find_slos", `{"searchAfter":"abc"}`, `invalid argument "searchAfter": must be the JSON array a cursor page answered, e.g. "[0.98,\"slo-id\",\"*\"]"`},
		{"find_slos", `{"size":10,"page":2}`, `invalid argument "page": pages by number; size and searchAfter page by cursor: give one kind`},
		{"chat_ai_assistant", `{` + chat + `,"langSmithApiKey":"lsv2-key"}`, `invalid argument "langSmithProject": is required with langSmithApiKey`},
		{"chat_observability_ai_assistant", `{` + obsChat + `,"actions":[{"name":"f","description":"a"},{"name":"f","description":"b"}]}`, `invalid argument "actions[1].name": "f" is offered twice`},
		{"create_knowledge_base_entry", `{"name":"n","type":"document","text":"t","users":[]}`, `invalid argument "users": Kibana sets a document's users from global (you, or everyone): leave users out`},
		{"create_knowledge_base_entry", `{"name":"n","type":"document","text":"t","outputFields":["a"]}`, `invalid argument "type": index, field, description, queryDescription, inputSchema and outputFields are for index entries`},
		{"create_knowledge_base_entry", `{` + index + `,"global":true,"users":[{"name":"a"}]}`, `invalid argument "users": a global entry is everyone's: leave users out or give []`},
		{"create_knowledge_base_entry", `{` + index + `,"users":[{}]}`, `invalid argument "users[0]": give the user's id or name`},
		{"create_knowledge_base_entry", `{` + index + `,"inputSchema":[{"fieldName":"a","fieldType":"string","description":"x"},{"fieldName":"a","fieldType":"string","description":"y"}]}`, `invalid argument "inputSchema[1].fieldName": "a" is already given`},
		{"update_ai_conversation", `{"id":"c","users":[{"id":""}]}`, `invalid argument "users[0]": give the user's id or name`},
		{"find_rules", `{"has_reference":{"type":"action"}}`, "has_reference"},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %s: %v", c.tool, c.args, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestLastMembersRequests pins how the new members are sent: has_reference
// and searchAfter as the JSON text Kibana decodes, dotted and secret body
// members as given.
func TestLastMembersRequests(t *testing.T) {
	checkRequests(t, []requestCase{
		{tool: "find_rules", args: `{"has_reference":{"type":"action","id":"c1"}}`, method: "GET", path: "/api/alerting/rules/_find",
			query: "has_reference=%7B%22type%22%3A%22action%22%2C%22id%22%3A%22c1%22%7D&per_page=20"},
		{tool: "find_slos", args: `{"size":2,"searchAfter":"[1,\"a\",\"*\"]"}`, method: "GET", path: "/api/observability/slos",
			query: "searchAfter=%5B1%2C%22a%22%2C%22%2A%22%5D&size=2"},
		{tool: "find_synthetics_monitors", args: `{"tags":["a","b"],"useLogicalAndFor":["tags"],"status":["down"],"schedules":["5"],"filter":"synthetics-monitor.attributes.enabled: true"}`,
			method: "GET", path: "/api/synthetics/monitors",
			query: "filter=synthetics-monitor.attributes.enabled%3A+true&schedules=5&status=down&tags=a&tags=b&useLogicalAndFor=tags"},
		{tool: "create_synthetics_monitor", args: `{"type":"http","name":"n","url":"https://x.example.com","locations":["us_east"],"service.name":"portal","username":"probe","password":"s3cret","mode":"all"}`,
			method: "POST", path: "/api/synthetics/monitors",
			body: `{"type":"http","name":"n","url":"https://x.example.com","locations":["us_east"],"service.name":"portal","mode":"all","username":"probe","password":"s3cret"}`},
	})
}

// TestLastMembersSecretsHidden: the monitor's password and the LangSmith
// key are shown as hidden wherever arguments are described (confirmation
// questions, logs of what was asked).
func TestLastMembersSecretsHidden(t *testing.T) {
	for _, m := range []map[string]any{{"password": "s3cret"}, {"langSmithApiKey": "lsv2-key"}} {
		got := strings.Join(operation.Assignments(m), " ")
		if strings.Contains(got, "s3cret") || strings.Contains(got, "lsv2-key") || !strings.Contains(got, "(hidden)") {
			t.Errorf("%v described as %q", m, got)
		}
	}
}

// TestLastMembersRoundTrips sends the new members through the tools to the
// sandbox and reads them back.
func TestLastMembersRoundTrips(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	run := func(name, arguments string) string {
		t.Helper()
		isErr, texts := callFlow(t, client, name, arguments)
		if isErr {
			t.Fatalf("%s %s: %v", name, arguments, texts)
		}
		return strings.Join(texts, "\n")
	}
	var created struct {
		ID string `json:"id"`
	}
	out := run("create_synthetics_monitor", `{"type":"http","name":"Portal with auth","url":"https://portal.example.com","locations":["us_east"],"service.name":"portal","username":"probe","password":"s3cret-pw","proxy_url":"http://proxy.example.com:3128","proxy_headers":{"X-Team":"soc"},"response":{"include_body":"on_error"},"mode":"all","ipv6":false,"params":"{\"user\":\"probe\"}","alert":{"status":{"enabled":true},"tls":{"enabled":false}}}`)
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.ID == "" {
		t.Fatalf("create answer: %v %s", err, out)
	}
	got := run("get_synthetics_monitor", `{"id":"`+created.ID+`"}`)
	for _, want := range []string{`"service.name":"portal"`, `"username":"probe"`, `"proxy_url":"http://proxy.example.com:3128"`, `"mode":"all"`, `"ipv6":false`, `"include_body":"on_error"`, `"X-Team":"soc"`} {
		if !strings.Contains(got, want) {
			t.Errorf("get_synthetics_monitor lacks %s: %s", want, got)
		}
	}
	if strings.Contains(out+got, "s3cret-pw") {
		t.Error("the monitor's password came back")
	}
	run("create_synthetics_monitor", `{"type":"tcp","name":"Socks db","host":"db-09.example.com:5432","locations":["us_east"],"proxy_url":"socks5://socks.example.com:1080","proxy_use_local_resolver":true,"mode":"any","tags":["a","b"]}`)
	if got := run("find_synthetics_monitors", `{"tags":["a","b"],"useLogicalAndFor":["tags"]}`); !strings.Contains(got, "Socks db") {
		t.Errorf("all of tags a, b: %s", got)
	}
	if got := run("find_synthetics_monitors", `{"filter":"synthetics-monitor.attributes.name: \"Socks db\""}`); !strings.Contains(got, "Socks db") || strings.Contains(got, "Portal with auth") {
		t.Errorf("filter on the name: %s", got)
	}

	// SLO artifacts and cursor paging.
	slo := run("create_slo", `{"name":"Portal availability","description":"d","indicator":{"type":"sli.kql.custom","params":{"index":"logs-*","timestampField":"@timestamp","good":"status:ok","total":"*"}},"timeWindow":{"duration":"30d","type":"rolling"},"budgetingMethod":"occurrences","objective":{"target":0.99},"artifacts":{"dashboards":[{"id":"portal-dash"}]}}`)
	var sloID struct {
		ID string `json:"id"`
	}
	json.Unmarshal([]byte(slo), &sloID)
	if got := run("get_slo", `{"sloId":"`+sloID.ID+`"}`); !strings.Contains(got, `"portal-dash"`) {
		t.Errorf("get_slo lacks the artifacts: %s", got)
	}
	var page struct {
		SearchAfter []any `json:"searchAfter"`
		Results     []struct {
			ID string `json:"id"`
		} `json:"results"`
	}
	json.Unmarshal([]byte(run("find_slos", `{"size":1}`)), &page)
	if len(page.Results) != 1 || len(page.SearchAfter) == 0 {
		t.Fatalf("first cursor page: %+v", page)
	}
	first := page.Results[0].ID
	after, _ := json.Marshal(page.SearchAfter)
	page.Results = nil
	json.Unmarshal([]byte(run("find_slos", `{"size":1,"searchAfter":`+strconvQuote(string(after))+`}`)), &page)
	if len(page.Results) != 1 || page.Results[0].ID == first {
		t.Errorf("the second cursor page repeats or is empty: %+v", page)
	}

	// Knowledge base index entry members; a conversation's id and users.
	kb := run("create_knowledge_base_entry", `{"name":"Asset inventory","type":"index","index":"assets","field":"semantic","description":"Hosts and owners.","queryDescription":"A host name.","inputSchema":[{"fieldName":"host.name","fieldType":"string","description":"The host."}],"outputFields":["host.name","owner"],"users":[]}`)
	for _, want := range []string{`"fieldName":"host.name"`, `"outputFields":["host.name","owner"]`, `"users":[]`} {
		if !strings.Contains(kb, want) {
			t.Errorf("knowledge base entry lacks %s: %s", want, kb)
		}
	}
	run("create_ai_conversation", `{"id":"shift-handover","title":"Shift handover"}`)
	if got := run("update_ai_conversation", `{"id":"shift-handover","users":[]}`); !strings.Contains(got, `"users":[]`) {
		t.Errorf("update_ai_conversation users: %s", got)
	}
	if got := run("get_ai_conversation", `{"id":"shift-handover"}`); !strings.Contains(got, "Shift handover") {
		t.Errorf("get_ai_conversation by the given id: %s", got)
	}
	if isErr, texts := callFlow(t, client, "create_ai_conversation", `{"id":"shift-handover","title":"Again"}`); !isErr {
		t.Errorf("a second conversation with the id was accepted: %v", texts)
	}
}

// TestFindRulesHasReference finds the rules that use a connector, and
// those that search a data view, through has_reference.
func TestFindRulesHasReference(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	for _, space := range []string{"default", "soc"} {
		connector := `{"id":"d0db1fe0-78d6-11ee-9177-f7d404c8c945","name":"Rule log","connector_type_id":".server-log","space_id":"` + space + `"}`
		if isErr, texts := callFlow(t, client, "create_connector", connector); isErr {
			t.Fatalf("create_connector: %v", texts)
		}
	}
	create := mustLookup(t, "create_rule").Examples
	for _, ex := range create[1:3] { // the data view's rule (in soc), the connector's
		if isErr, texts := callFlow(t, client, "create_rule", ex); isErr {
			t.Fatalf("create_rule: %v", texts)
		}
	}
	for ref, want := range map[string]string{
		`{"type":"action","id":"d0db1fe0-78d6-11ee-9177-f7d404c8c945"}`:        "Too many errors",
		`{"type":"index-pattern","id":"90943e30-9a47-11e8-b64d-95841ca0b247"}`: "Failed logins per host",
	} {
		space := map[bool]string{true: "soc", false: "default"}[strings.Contains(want, "Failed")]
		isErr, texts := callFlow(t, client, "find_rules", `{"has_reference":`+ref+`,"space_id":"`+space+`"}`)
		got := strings.Join(texts, "\n")
		if isErr || !strings.Contains(got, want) || strings.Count(got, `"rule_type_id"`) != 1 {
			t.Errorf("has_reference %s: %v %s", ref, isErr, got)
		}
	}
}

// strconvQuote is s as a JSON string.
func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
