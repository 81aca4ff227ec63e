package tools

import (
	"strings"
	"testing"
)

// streamsTools are the streams toolset's tools.
func streamsTools() []string {
	var names []string
	for _, op := range All() {
		if op.Toolset == "streams" {
			names = append(names, op.Name)
		}
	}
	return names
}

// TestStreamsExamplesSucceed runs every streams example against a fresh
// seeded sandbox: each must succeed, except generate, whose example names
// an LLM connector the sandbox does not hold (Kibana's 404).
func TestStreamsExamplesSucceed(t *testing.T) {
	names := streamsTools()
	if len(names) != 28 {
		t.Fatalf("%d streams tools, want 28 (one per spec operation): %v", len(names), names)
	}
	examplesSucceed(t, names, "generate_stream_significant_events")
}

// TestStreamsArgumentChecks pins what the tools refuse before sending,
// with the field named, where Kibana would refuse it.
func TestStreamsArgumentChecks(t *testing.T) {
	const ingest = `"lifecycle":{"inherit":{}},"processing":{"steps":[]},"settings":{}`
	for _, c := range []struct{ tool, args, want string }{
		{"fork_stream", `{"name":"logs","stream":{"name":"logs.a.b"},"where":{"always":{}}}`, `invalid argument "stream.name": must be logs.<part>: a direct child of logs`},
		{"fork_stream", `{"name":"logs","stream":{"name":"Logs.A"},"where":{"always":{}}}`, `invalid argument "stream.name": must be lowercase letters, digits, '.', '-' or '_', at most 200 characters, with no empty part between dots`},
		{"fork_stream", `{"name":"logs","stream":{"name":"logs.a"},"where":{"field":"host.name","equals":"x"}}`, `invalid argument "where.equals": is not a comparison; use one of eq, neq, lt, lte, gt, gte, contains, startsWith, endsWith, exists, range`},
		{"fork_stream", `{"name":"logs","stream":{"name":"logs.a"},"where":{"field":"host.name","eq":"x","neq":"y"}}`, `invalid argument "where": give exactly one comparison with field, e.g. {field, eq: value}`},
		{"fork_stream", `{"name":"logs","stream":{"name":"logs.a"},"where":{"and":[{"field":"a","eq":1},{"not":{"field":"b","exists":"yes"}}]}}`, `invalid argument "where.and[1].not.exists": must be true or false`},
		{"fork_stream", `{"name":"logs","stream":{"name":"logs.a"},"where":{"always":{"x":1}}}`, `invalid argument "where.always": must be {}`},
		{"put_stream_ingest", `{"name":"logs","ingest":{` + ingest + `}}`, `invalid argument "ingest": give exactly one of wired (a wired stream) and classic (a classic stream)`},
		{"put_stream_ingest", `{"name":"logs","ingest":{"lifecycle":{"dsl":{},"ilm":{"policy":"p"}},"processing":{"steps":[]},"settings":{},"classic":{}}}`, `invalid argument "ingest.lifecycle": give exactly one of dsl, ilm, inherit`},
		{"put_stream_ingest", `{"name":"logs","ingest":{"lifecycle":{"inherit":{}},"processing":{"steps":[{"action":"grok","from":"message"}]},"settings":{},"classic":{}}}`, `invalid argument "ingest.processing.steps[0].patterns": is required for grok`},
		{"put_stream_ingest", `{"name":"logs","ingest":{"lifecycle":{"inherit":{}},"processing":{"steps":[{"action":"lowercase","from":"message"}]},"settings":{},"classic":{}}}`, `invalid argument "ingest.processing.steps[0].action": must be one of append, convert, date, dissect, drop_document, grok, manual_ingest_pipeline, remove, remove_by_prefix, rename, set`},
		{"put_stream_ingest", `{"name":"logs","ingest":{` + ingest + `,"wired":{"fields":{"a":{"type":"text"}},"routing":[]}}}`, `invalid argument "ingest.wired.fields.a.type": must be one of keyword, match_only_text, long, double, date, boolean, ip, system`},
		{"put_stream_ingest", `{"name":"logs","ingest":{"lifecycle":{"inherit":{}},"processing":{"steps":[]},"settings":{"index.codec":{"value":"best"}},"classic":{}}}`, `invalid argument "ingest.settings.index.codec": is not a setting streams manage; use index.number_of_replicas, index.number_of_shards, index.refresh_interval`},
		{"put_stream_ingest", `{"name":"logs","ingest":{` + ingest + `,"wired":{"fields":{},"routing":[{"destination":"logs.a"}]}}}`, `invalid argument "ingest.wired.routing[0].where": is required: a condition`},
		{"put_stream", `{"name":"logs.a","stream":{"ingest":{` + ingest + `,"classic":{}},"group":{}}}`, `invalid argument "stream": give exactly one of ingest and group`},
		{"put_stream", `{"name":"logs.a","stream":{"name":"logs.a","group":{}}}`, `invalid argument "stream.name": must be left out: the path names the stream`},
		{"put_stream", `{"name":"g","stream":{"group":{}},"queries":[{"id":"q","title":"t","kql":{"query":"a"}},{"id":"q","title":"u","kql":{"query":"b"}}]}`, `invalid argument "queries[1].id": repeats an earlier query's id q`},
		{"upsert_stream_query", `{"name":"logs","queryId":"q","title":"t","kql":{"query":"  "}}`, `invalid argument "kql.query": must not be blank`},
		{"bulk_stream_queries", `{"name":"logs","operations":[{"index":{"id":"q","title":"t","kql":{"query":"a"}},"delete":{"id":"q"}}]}`, `invalid argument "operations[0]": give exactly one of index and delete`},
		{"update_stream_dashboard_links", `{"name":"logs","operations":[{}]}`, `invalid argument "operations[0]": give exactly one of index and delete`},
		{"get_stream_significant_events", `{"name":"logs","from":"2025-03-13T00:00:00Z","to":"2025-03-10T00:00:00Z","bucketSize":"1h"}`, `invalid argument "to": must be after from`},
		{"export_stream_content", `{"name":"logs","pack_name":"p","description":"","version":"1","include":{"objects":{"mappings":true}}}`, `invalid argument "include.objects.queries": is required unless all is given`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
	// What the schemas catch, named by field.
	for _, c := range []struct{ tool, args, field string }{
		{"get_stream_significant_events", `{"name":"logs","from":"2025-03-10T00:00:00Z","to":"2025-03-13T00:00:00Z","bucketSize":"hourly"}`, "bucketSize"},
		{"fork_stream", `{"name":"logs","stream":{"name":"logs.a"},"where":{"always":{}},"status":"paused"}`, "status"},
		{"upsert_stream_query", `{"name":"logs","queryId":"q","kql":{"query":"a"}}`, "title"},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s %s: want an error naming %s, got %v", c.tool, c.args, c.field, err)
		}
	}
}

// TestStreamsExportRequest: the pack's name goes out as the body's name,
// the stream's in the path, and include defaults to everything.
func TestStreamsExportRequest(t *testing.T) {
	req, err := mustLookup(t, "export_stream_content").Bind(args(t, `{"name":"logs.linux","pack_name":"linux","description":"d","version":"1.0.0"}`))
	if err != nil {
		t.Fatal(err)
	}
	if req.Path != "/api/streams/logs.linux/content/export" || string(req.Body) != `{"description":"d","include":{"objects":{"all":{}}},"name":"linux","version":"1.0.0"}` || req.Mutates {
		t.Errorf("request: %s %s mutates=%v", req.Path, req.Body, req.Mutates)
	}
}

// TestStreamsAnnotations: reads are read-only; writes Admin; deletes and
// whole-definition replacements destructive (confirmed before sending).
func TestStreamsAnnotations(t *testing.T) {
	for _, name := range streamsTools() {
		op := mustLookup(t, name)
		if op.ReadOnly() == op.Admin {
			t.Errorf("%s: read-only %v, admin %v", name, op.ReadOnly(), op.Admin)
		}
	}
	for _, name := range []string{"disable_streams", "delete_stream", "put_stream", "put_stream_ingest", "put_stream_group", "delete_stream_query", "unlink_stream_dashboard", "unlink_stream_rule"} {
		if !mustLookup(t, name).Destructive() {
			t.Errorf("%s is not destructive", name)
		}
	}
}
