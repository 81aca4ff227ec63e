package tools

import (
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
)

// TestOsqueryArgumentChecks pins the cross-field checks with the exact
// message the model reads.
func TestOsqueryArgumentChecks(t *testing.T) {
	const agents = `"agent_ids":["a"],`
	for _, c := range []struct{ tool, args, want string }{
		{"run_osquery", `{"query":"select 1;"}`, `invalid arguments: choose the agents: agent_ids, agent_platforms, agent_policy_ids (combined as a union), or agent_all: true`},
		{"run_osquery", `{"agent_all":true,"agent_platforms":["linux"],"query":"select 1;"}`, `invalid argument "agent_all": selects every agent; leave out agent_ids, agent_platforms and agent_policy_ids, or leave out agent_all`},
		{"run_osquery", `{` + agents + `"metadata":{}}`, `invalid arguments: give what to run: one of query, saved_query_id, pack_id or queries`},
		{"run_osquery", `{` + agents + `"query":"select 1;","pack_id":"p"}`, `invalid argument "query": give only one of query, saved_query_id, pack_id and queries; got pack_id and query`},
		{"run_osquery", `{` + agents + `"query":"select 1;","saved_query_id":"s"}`, `invalid argument "saved_query_id": give only one of query, saved_query_id, pack_id and queries; got query and saved_query_id`},
		{"run_osquery", `{` + agents + `"query":"  "}`, `invalid argument "query": must not be blank`},
		{"run_osquery", `{` + agents + `"pack_id":"p","ecs_mapping":{"a":{"field":"b"}}}`, `invalid argument "ecs_mapping": applies to query or saved_query_id; a pack's queries have their own, and each entry of queries takes its own`},
		{"run_osquery", `{` + agents + `"query":"select 1;","ecs_mapping":{"host.name":{"column":"b"}}}`, `invalid argument "ecs_mapping.host.name.column": is not allowed; give field or value`},
		{"run_osquery", `{` + agents + `"query":"select 1;","ecs_mapping":{"host.name":{"field":"b","value":"c"}}}`, `invalid argument "ecs_mapping.host.name": give exactly one of field (a result column) and value (a static value)`},
		{"run_osquery", `{` + agents + `"query":"select 1;","ecs_mapping":{"tags":{"value":[1]}}}`, `invalid argument "ecs_mapping.tags.value": must be a string or a list of strings`},
		{"run_osquery", `{` + agents + `"query":"select 1;","ecs_mapping":{"tags":"x"}}`, `invalid argument "ecs_mapping.tags": must be {"field":"<column>"} or {"value":"<static value>"}`},
		{"run_osquery", `{` + agents + `"queries":[{"id":"a","query":"select 1;"},{"id":"a","query":"select 2;"}]}`, `invalid argument "queries[1].id": "a" names another query too; ids must differ`},
		{"run_osquery", `{` + agents + `"queries":[{"id":"a","query":"select 1;","platform":"solaris"}]}`, `invalid argument "queries[0].platform": must list linux, darwin or windows separated by commas, got "solaris"`},
		{"create_osquery_pack", `{"name":"p","queries":{}}`, `invalid argument "queries": must name at least one query: {"<name>":{"query":"select …"}}`},
		{"create_osquery_pack", `{"name":"p","queries":{"a":{"platform":"linux"}}}`, `invalid argument "queries.a.query": is required`},
		{"create_osquery_pack", `{"name":"p","queries":{"a":{"query":"select 1;","interval":60}}}`, `invalid argument "interval": unknown argument; see the tool's input schema for the accepted names`},
		{"create_osquery_pack", `{"name":"p","queries":{"a":{"query":"select 1;"}},"shards":{"x":0}}`, `invalid argument "shards.x": must be a percentage from 1 to 100, got 0`},
		{"create_osquery_pack", `{"name":" ","queries":{"a":{"query":"select 1;"}}}`, `invalid argument "name": must not be blank`},
		{"update_osquery_pack", `{"id":"p"}`, `invalid arguments: nothing to change: give at least one field to change: name, description, enabled, policy_ids, queries, shards`},
		{"update_osquery_saved_query", `{"id":"s"}`, `invalid arguments: nothing to change: give at least one field to change: query, description, platform, version, interval, snapshot, removed, ecs_mapping`},
		{"create_osquery_saved_query", `{"id":"s","query":"select 1;","platform":"linux,bsd"}`, `invalid argument "platform": must list linux, darwin or windows separated by commas, got "bsd"`},
		{"create_osquery_saved_query", `{"id":"s","query":"select 1;","interval":"1h"}`, `invalid argument "interval": must match the pattern ^[0-9]+$`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestOsqueryPagesAreSmallByDefault: the list and the rows are bounded
// even when the model asks for no page size.
func TestOsqueryPagesAreSmallByDefault(t *testing.T) {
	for _, tool := range []string{"find_osquery_live_queries", "get_osquery_results"} {
		req, err := mustLookup(t, tool).Bind(args(t, `{"id":"a","actionId":"b"}`))
		if tool == "find_osquery_live_queries" {
			req, err = mustLookup(t, tool).Bind(args(t, `{}`))
		}
		if err != nil || req.Query.Get("pageSize") != "10" {
			t.Errorf("%s: %v %v", tool, err, req)
		}
	}
	if _, err := mustLookup(t, "get_osquery_results").Bind(args(t, `{"id":"a","actionId":"b","pageSize":1000}`)); err == nil {
		t.Error("a page of 1000 rows was accepted")
	}
}

// TestRunOsquerySaysWhereTheResultsAre runs a query against the sandbox
// and follows the note to the rows.
func TestRunOsquerySaysWhereTheResultsAre(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "run_osquery", `{"agent_ids":["`+sandboxOsqueryAgent+`"],"query":"select * from uptime;"}`)
	if isErr || len(texts) != 2 {
		t.Fatalf("run_osquery: %v %q", isErr, texts)
	}
	note := texts[1]
	if !strings.Contains(note, "call get_osquery_results with id ") || !strings.Contains(note, "Sent to 1 agent(s)") {
		t.Fatalf("note: %s", note)
	}
	fields := strings.Fields(note[strings.Index(note, "with id "):])
	id, action := fields[2], strings.TrimSuffix(fields[5], ".")
	// The sandbox's clock is real here: the rows may not be in yet.
	isErr, texts = callFlow(t, client, "get_osquery_results", `{"id":"`+id+`","actionId":"`+action+`"}`)
	if isErr || (!strings.Contains(texts[0], `"total":0`) && !strings.Contains(texts[0], "total_seconds")) {
		t.Fatalf("results: %v %q", isErr, texts)
	}
	if strings.Contains(texts[0], `"total":0`) && (len(texts) != 2 || !strings.Contains(texts[1], "No rows yet")) {
		t.Errorf("an empty page without a note: %q", texts)
	}

	isErr, texts = callFlow(t, client, "run_osquery", `{"agent_all":true,"pack_id":"`+sandboxOsqueryPack+`"}`)
	if isErr || !strings.Contains(texts[1], "(query listening_ports)") || !strings.Contains(texts[1], "one call per query") {
		t.Errorf("pack run note: %q", texts)
	}
}

// TestOsqueryResultsNoteTheNextPage reads the seeded results two at a time.
func TestOsqueryResultsNoteTheNextPage(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "get_osquery_results", `{"id":"`+sandboxOsqueryLive+`","actionId":"`+sandboxOsqueryAction+`","pageSize":2}`)
	if isErr || len(texts) != 2 || !strings.HasPrefix(texts[1], "Rows 1-2 of ") || !strings.Contains(texts[1], "page 1") {
		t.Fatalf("%v %q", isErr, texts)
	}
}

// TestOsqueryExamplesSucceed runs every example of the toolset against a
// fresh seeded sandbox.
func TestOsqueryExamplesSucceed(t *testing.T) {
	for _, op := range All() {
		if op.Toolset != "osquery" {
			continue
		}
		for i, ex := range op.Examples {
			_, client := sandboxtest.New(t, nil)
			if isErr, texts := callFlow(t, client, op.Name, ex); isErr {
				t.Errorf("%s example %d failed: %v", op.Name, i, texts)
			}
		}
	}
}
