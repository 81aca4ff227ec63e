package tools

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// The Streams API: Kibana's managed view of log data. A wired stream
// (root logs) owns its data stream and routes documents to child streams
// it was forked into, each by a condition; a classic stream wraps a data
// stream that exists already (logs-system.auth-default) and takes only
// processing, lifecycle and field overrides. Streams carry queries (KQL
// that marks significant events) and links to dashboards and rules.
// Streams are global: the same in every space.
//
// Availability: every route's x-state says "Technical Preview"; the
// significant events read and preview say "added in 9.1.0", generate
// "added in 9.2.0"; the content export and import routes carry no
// x-state. The toolset's 9.1.0 lower bound (toolsets.go) is theirs.
var streamsOperations = []*operation.Operation{
	streamsOp("list_streams", "List streams", "List every stream's definition: wired ones (logs and its forks) with routing, classic ones over existing data streams.",
		http.MethodGet, "/api/streams", operation.Reads, NoStreamsArgs{}, `{}`),
	streamsOp("enable_streams", "Enable wired streams", "Turn wired streams on: creates the root stream logs, which then routes to the streams forked from it.",
		http.MethodPost, "/api/streams/_enable", operation.Writes, NoStreamsArgs{}, `{}`),
	streamsOp("disable_streams", "Disable wired streams", "Turn wired streams off: deletes every wired stream with its data and all stream definitions; classic streams' data stays.",
		http.MethodPost, "/api/streams/_disable", operation.Deletes, NoStreamsArgs{}, `{}`),
	streamsOp("resync_streams", "Resync streams", "Rewrite the Elasticsearch assets (templates, pipelines) of every stream from its stored definition.",
		http.MethodPost, "/api/streams/_resync", operation.Writes, NoStreamsArgs{}, `{}`),
	streamsOp("get_stream", "Get stream", "Read one stream: definition, effective lifecycle and settings, inherited fields, linked dashboards, rules and queries.",
		http.MethodGet, "/api/streams/{name}", operation.Reads, StreamNameInput{}, `{"name":"logs"}`, `{"name":"logs-system.auth-default"}`),
	streamsOp("put_stream", "Create or update stream", "Create a wired child stream or a group stream, or replace a stream's whole definition with its dashboards, rules and queries. Classic streams can only be updated.",
		http.MethodPut, "/api/streams/{name}", operation.Writes, PutStreamInput{},
		`{"name":"logs-system.auth-default","stream":{"description":"SSH and sudo logins","ingest":{"lifecycle":{"dsl":{"data_retention":"30d"}},"processing":{"steps":[]},"settings":{},"classic":{}}},"dashboards":[],"rules":[],"queries":[{"id":"ssh-failures","title":"SSH login failures","kql":{"query":"event.outcome: failure and process.name: sshd"}}]}`),
	streamsOp("delete_stream", "Delete stream", "Delete a stream with its data; a wired stream's children go too. The root stream logs cannot be deleted.",
		http.MethodDelete, "/api/streams/{name}", operation.Deletes, StreamNameInput{}, `{"name":"logs.linux"}`),
	streamsOp("fork_stream", "Fork stream", "Create a child of a wired stream and route to it the documents a condition matches.",
		http.MethodPost, "/api/streams/{name}/_fork", operation.Writes, ForkStreamInput{},
		`{"name":"logs","stream":{"name":"logs.windows"},"where":{"field":"host.os.type","eq":"windows"}}`,
		`{"name":"logs","stream":{"name":"logs.auth"},"where":{"and":[{"field":"event.category","eq":"authentication"},{"not":{"field":"event.outcome","eq":"success"}}]},"status":"disabled"}`),
	streamsOp("get_stream_group", "Get group stream settings", "Read a group stream's members, tags and metadata.",
		http.MethodGet, "/api/streams/{name}/_group", operation.Reads, StreamNameInput{}, `{"name":"auth-logs"}`),
	streamsOp("put_stream_group", "Set group stream settings", "Create or replace a group stream: a named set of member streams with tags and metadata.",
		http.MethodPut, "/api/streams/{name}/_group", operation.Writes, PutStreamGroupInput{},
		`{"name":"auth-logs","group":{"members":["logs-system.auth-default"],"tags":["security"],"metadata":{"owner":"soc"}}}`),
	streamsOp("get_stream_ingest", "Get stream ingest settings", "Read an ingest stream's lifecycle, processing steps, index settings and its wired fields and routing or classic field overrides.",
		http.MethodGet, "/api/streams/{name}/_ingest", operation.Reads, StreamNameInput{}, `{"name":"logs"}`),
	streamsOp("put_stream_ingest", "Set stream ingest settings", "Replace an ingest stream's lifecycle, processing steps, index settings and wired fields and routing (or classic field overrides).",
		http.MethodPut, "/api/streams/{name}/_ingest", operation.Writes, PutStreamIngestInput{},
		`{"name":"logs","ingest":{"lifecycle":{"dsl":{"data_retention":"14d"}},"processing":{"steps":[{"action":"grok","from":"message","patterns":["%{IP:source.ip} %{WORD:http.request.method}"],"ignore_missing":true}]},"settings":{"index.number_of_replicas":{"value":1}},"wired":{"fields":{"service.name":{"type":"keyword"}},"routing":[]}}}`,
		`{"name":"logs-system.auth-default","ingest":{"lifecycle":{"inherit":{}},"processing":{"steps":[{"action":"rename","from":"user.name","to":"user.id","where":{"field":"user.id","exists":false}}]},"settings":{},"classic":{"field_overrides":{"user.id":{"type":"keyword"}}}}}`),
	{
		Name: "export_stream_content", Title: "Export stream content",
		Description: "Export a stream's content (its child streams' routing, mappings and queries) as a content pack: a zip archive.",
		Toolset:     "streams", Method: http.MethodPost, Path: "/api/streams/{name}/content/export",
		APIVersion: operation.V20231031, Effect: operation.Reads, Input: ExportStreamContentInput{},
		Examples: []string{
			`{"name":"logs","pack_name":"linux-logs","description":"Linux routing","version":"1.0.0"}`,
			`{"name":"logs","pack_name":"auth","description":"Auth queries","version":"0.1.0","include":{"objects":{"mappings":true,"queries":[{"id":"ssh-failures"}],"routing":[]}}}`,
		},
	},
	streamsOp("import_stream_content", "Import stream content", "Import a content pack (zip from export_stream_content) into a stream: its child streams and queries.",
		http.MethodPost, "/api/streams/{name}/content/import", operation.Writes, ImportStreamContentInput{},
		`{"name":"logs","content":"`+sandboxContentPack+`","include":"{\"objects\":{\"all\":{}}}"}`),
	streamsOp("get_stream_dashboard_links", "Get stream dashboard links", "Read which dashboards are linked to a stream.",
		http.MethodGet, "/api/streams/{name}/dashboards", operation.Reads, StreamNameInput{}, `{"name":"logs"}`),
	streamsOp("update_stream_dashboard_links", "Update stream links", "Link (index) and unlink (delete) a stream's dashboards by id, in one call.",
		http.MethodPost, "/api/streams/{name}/dashboards/_bulk", operation.Writes, BulkStreamLinksInput{},
		`{"name":"logs","operations":[{"index":{"id":"`+sandboxStreamDashboardID+`"}},{"delete":{"id":"old-dashboard"}}]}`),
	streamsOp("link_stream_dashboard", "Link dashboard to stream", "Link a dashboard to a stream.",
		http.MethodPut, "/api/streams/{name}/dashboards/{dashboardId}", operation.Writes, StreamDashboardInput{},
		`{"name":"logs","dashboardId":"`+sandboxStreamDashboardID+`"}`),
	streamsOp("unlink_stream_dashboard", "Unlink dashboard from stream", "Unlink a dashboard from a stream; the dashboard stays.",
		http.MethodDelete, "/api/streams/{name}/dashboards/{dashboardId}", operation.Deletes, StreamDashboardInput{},
		`{"name":"logs","dashboardId":"`+sandboxStreamDashboardID+`"}`),
	streamsOp("list_stream_queries", "List stream queries", "List a stream's queries: the KQL that marks its significant events.",
		http.MethodGet, "/api/streams/{name}/queries", operation.Reads, StreamNameInput{}, `{"name":"logs-system.auth-default"}`),
	streamsOp("bulk_stream_queries", "Add and remove stream queries", "Add or replace (index) and remove (delete) several queries of a stream at once.",
		http.MethodPost, "/api/streams/{name}/queries/_bulk", operation.Writes, BulkStreamQueriesInput{},
		`{"name":"logs-system.auth-default","operations":[{"index":{"id":"sudo","title":"sudo use","kql":{"query":"process.name: sudo"}}},{"delete":{"id":"ssh-failures"}}]}`),
	streamsOp("upsert_stream_query", "Add or replace stream query", "Add a query to a stream, or replace the one with this id.",
		http.MethodPut, "/api/streams/{name}/queries/{queryId}", operation.Writes, PutStreamQueryInput{},
		`{"name":"logs-system.auth-default","queryId":"root-logins","title":"Root logins","kql":{"query":"user.name: root and event.outcome: success"}}`),
	streamsOp("delete_stream_query", "Remove stream query", "Remove a query from a stream.",
		http.MethodDelete, "/api/streams/{name}/queries/{queryId}", operation.Deletes, StreamQueryIDInput{},
		`{"name":"logs-system.auth-default","queryId":"ssh-failures"}`),
	streamsOp("list_stream_rules", "List stream rules", "List the alerting rules linked to a stream.",
		http.MethodGet, "/api/streams/{name}/rules", operation.Reads, StreamNameInput{}, `{"name":"logs"}`),
	streamsOp("link_stream_rule", "Link rule to stream", "Link an alerting rule to a stream.",
		http.MethodPut, "/api/streams/{name}/rules/{ruleId}", operation.Writes, StreamRuleInput{},
		`{"name":"logs","ruleId":"`+sandboxStreamRuleID+`"}`),
	streamsOp("unlink_stream_rule", "Unlink rule from stream", "Unlink an alerting rule from a stream; the rule stays.",
		http.MethodDelete, "/api/streams/{name}/rules/{ruleId}", operation.Deletes, StreamRuleInput{},
		`{"name":"logs","ruleId":"`+sandboxStreamRuleID+`"}`),
	streamsSince("9.1.0", streamsOp("get_stream_significant_events", "Read stream significant events", "Count, per time bucket, the documents each of a stream's queries matches between from and to.",
		http.MethodGet, "/api/streams/{name}/significant_events", operation.Reads, StreamEventsInput{},
		`{"name":"logs-system.auth-default","from":"2025-03-10T00:00:00Z","to":"2025-03-13T00:00:00Z","bucketSize":"6h"}`)),
	streamsSince("9.2.0", streamsOp("generate_stream_significant_events", "Suggest stream queries", "Have an LLM connector suggest significant event queries for a stream from its data between from and to. Stores nothing.",
		http.MethodPost, "/api/streams/{name}/significant_events/_generate", operation.Reads, GenerateStreamEventsInput{},
		`{"name":"logs-system.auth-default","connectorId":"`+sandboxStreamConnectorID+`","from":"2025-03-10T00:00:00Z","to":"2025-03-13T00:00:00Z"}`)),
	streamsSince("9.1.0", streamsOp("preview_stream_significant_events", "Preview significant events", "Count, per time bucket, the documents a query would match on a stream, before adding it.",
		http.MethodPost, "/api/streams/{name}/significant_events/_preview", operation.Reads, PreviewStreamEventsInput{},
		`{"name":"logs-system.auth-default","from":"2025-03-10T00:00:00Z","to":"2025-03-13T00:00:00Z","bucketSize":"1d","query":{"kql":{"query":"event.outcome: failure"}}}`)),
}

// streamsSince gives op the toolset's availability from a later version
// (the significant events routes' x-state dates them).
func streamsSince(version string, op *operation.Operation) *operation.Operation {
	op.Availability = sinceIn("streams", version)
	return op
}

// streamsOp declares a streams operation; every write is Admin (the routes
// need manage_stream), and PUTs are idempotent overwrites.
func streamsOp(name, title, desc, method, path string, effect operation.Effect, input any, examples ...string) *operation.Operation {
	op := &operation.Operation{
		Name: name, Title: title, Description: desc, Toolset: "streams",
		Method: method, Path: path, APIVersion: operation.V20231031,
		Effect: effect, Input: input, Examples: examples,
	}
	if effect != operation.Reads {
		op.Admin = true
	}
	if method == http.MethodPut || method == http.MethodDelete {
		op.Idempotent = true
	}
	if method == http.MethodPut && (name == "put_stream" || name == "put_stream_ingest" || name == "put_stream_group") {
		op.Overwrites = true
	}
	return op
}

// Sandbox ids the examples reach: the [Logs] Web Traffic dashboard every
// sandbox space holds, the brute force rule, and an LLM connector the
// sandbox does not hold (generate's example meets Kibana's 404).
const (
	sandboxStreamDashboardID = "edf84fe0-e1a0-11e7-b6d5-4dc382ef7f5b"
	sandboxStreamRuleID      = "brute-force-logins"
	sandboxStreamConnectorID = "story-llm"
)

// sandboxContentPack is a small content pack (base64 zip) holding one
// child stream, logs.nginx (service.name nginx), for the import example.
const sandboxContentPack = "UEsDBBQAAAAIAHSsh12Apmt1PAAAAEkAAAANAAAAbWFuaWZlc3QuanNvbqtWykvMTVWyUlDKS8/Mq1DSUVBKSS1OLsosKMnMz4OLKyQmJ6cWFyvk5KcXg9SUpRYVQ+UN9Qz0DJRqAVBLAwQUAAAACAB0rIddQJwPPXcAAACtAAAAFwAAAHN0cmVhbXMvbG9ncy5uZ2lueC5qc29uJY5rDsMgDIOvUuX3xAF6mYkVlyKxwEi6hyruPh7/Yuuz44tKOjWwp3W5yEHabTUkbppi8mLYB/7SbaHPgYKB7QHRdUBQ3mGDYftER/Dq7kzUpkWtntI9sH1EuOGOuIymQzWbAsmJBWbi9y25+Ud/GXNH21dr/QNQSwECFAMUAAAACAB0rIddgKZrdTwAAABJAAAADQAAAAAAAAAAAAAAgAEAAAAAbWFuaWZlc3QuanNvblBLAQIUAxQAAAAIAHSsh11AnA89dwAAAK0AAAAXAAAAAAAAAAAAAACAAWcAAABzdHJlYW1zL2xvZ3MubmdpbnguanNvblBLBQYAAAAAAgACAIAAAAATAQAAAAA="

// NoStreamsArgs is the input of the operations that take none.
type NoStreamsArgs struct{}

// StreamNameInput names one stream.
type StreamNameInput struct {
	Name string `json:"name" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"E.g. logs, logs.linux, logs-system.auth-default; from list_streams."`
}

// Request builds the export's request by hand: its body has a name member
// (the pack's) besides the path's stream name.
func (in *ExportStreamContentInput) Request() (*kibana.Request, error) {
	body, err := json.Marshal(map[string]any{"name": in.PackName, "description": in.Description, "version": in.Version, "include": in.Include})
	if err != nil {
		return nil, err
	}
	return &kibana.Request{Method: http.MethodPost, Path: "/api/streams/" + url.PathEscape(in.Name) + "/content/export",
		Body: body, APIVersion: string(operation.V20231031), Retryable: true}, nil
}
