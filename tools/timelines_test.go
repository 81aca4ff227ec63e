package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/mark3labs/mcp-go/mcp"
)

// TestTimelineRequests pins what the timeline tools send: the lookups go
// as query parameters, copy is a GET with a body, favorite always carries
// the type and the template members (null for a timeline), the prebuilt install sends
// the three lists Kibana's schema requires, and export names its file.
func TestTimelineRequests(t *testing.T) {
	checkRequests(t, []requestCase{
		{tool: "get_timeline", args: `{"id":"t1"}`, method: "GET", path: "/api/timeline", query: "id=t1"},
		{tool: "resolve_timeline", args: `{"template_timeline_id":"tt1","space_id":"soc"}`, method: "GET", path: "/api/timeline/resolve", query: "template_timeline_id=tt1", space: "soc"},
		{tool: "find_timelines", args: `{"search":"ransom","only_user_favorite":true}`, method: "GET", path: "/api/timelines", query: "only_user_favorite=true&page_size=10&search=ransom"},
		{tool: "create_timeline", args: `{"timeline":{"title":"T","dateRange":{"start":"now-1d","end":"now"}}}`,
			method: "POST", path: "/api/timeline", body: `{"timeline":{"title":"T","dateRange":{"end":"now","start":"now-1d"}}}`},
		{tool: "patch_timeline", args: `{"timelineId":"t1","version":"WzEsMV0=","timeline":{"description":"d"}}`,
			method: "PATCH", path: "/api/timeline", body: `{"timelineId":"t1","version":"WzEsMV0=","timeline":{"description":"d"}}`},
		{tool: "delete_timelines", args: `{"savedObjectIds":["t1","t2"]}`, method: "DELETE", path: "/api/timeline", body: `{"savedObjectIds":["t1","t2"]}`},
		{tool: "copy_timeline", args: `{"timelineIdToCopy":"t1","timeline":{"title":"C"}}`, method: "GET", path: "/api/timeline/_copy", body: `{"timelineIdToCopy":"t1","timeline":{"title":"C"}}`},
		{tool: "get_draft_timeline", args: `{"timelineType":"default"}`, method: "GET", path: "/api/timeline/_draft", query: "timelineType=default"},
		{tool: "create_draft_timeline", args: `{"timelineType":"template"}`, method: "POST", path: "/api/timeline/_draft", body: `{"timelineType":"template"}`},
		{tool: "favorite_timeline", args: `{"timelineId":"t1"}`, method: "PATCH", path: "/api/timeline/_favorite",
			body: `{"timelineId":"t1","timelineType":"default","templateTimelineId":null,"templateTimelineVersion":null}`},
		{tool: "export_timelines", args: `{}`, method: "POST", path: "/api/timeline/_export", query: "file_name=timelines_export.ndjson", body: `{}`},
		{tool: "export_timelines", args: `{"ids":["t1"],"file_name":"x.ndjson"}`, method: "POST", path: "/api/timeline/_export", query: "file_name=x.ndjson", body: `{"ids":["t1"]}`},
		{tool: "install_prebuilt_timelines", args: `{}`, method: "POST", path: "/api/timeline/_prepackaged",
			body: `{"timelinesToInstall":[],"timelinesToUpdate":[],"prepackagedTimelines":[]}`},
		{tool: "get_notes", args: `{"documentIds":["e1","e2"]}`, method: "GET", path: "/api/note", query: "documentIds=e1&documentIds=e2"},
		{tool: "add_note", args: `{"note":{"timelineId":"t1","note":"hi"}}`, method: "PATCH", path: "/api/note", body: `{"note":{"timelineId":"t1","note":"hi"}}`},
		{tool: "delete_notes", args: `{"noteIds":["n1"]}`, method: "DELETE", path: "/api/note", body: `{"noteIds":["n1"]}`},
		{tool: "pin_event", args: `{"timelineId":"t1","eventId":"e1"}`, method: "PATCH", path: "/api/pinned_event", body: `{"timelineId":"t1","eventId":"e1"}`},
	})
	req, err := mustLookup(t, "import_timelines").Bind(args(t, `{"file":"{\"title\":\"x\"}\n","isImmutable":false}`))
	if err != nil {
		t.Fatal(err)
	}
	body := string(req.Body)
	if !strings.HasPrefix(req.ContentType, "multipart/form-data") || !strings.Contains(body, `filename="file.ndjson"`) ||
		!strings.Contains(body, "name=\"isImmutable\"\r\n\r\nfalse") {
		t.Errorf("import request: %s\n%s", req.ContentType, body)
	}
}

// TestTimelineArgumentChecks pins the messages for what Kibana would refuse
// or silently misread.
func TestTimelineArgumentChecks(t *testing.T) {
	checkArgumentErrors(t, []struct{ tool, args, want string }{
		{"get_timeline", `{}`, `invalid argument "id": is required (or template_timeline_id for a template)`},
		{"resolve_timeline", `{"id":"a","template_timeline_id":"b"}`, `invalid argument "template_timeline_id": cannot be combined with id; give one of them`},
		{"create_timeline", `{"timeline":{"description":"no title"}}`, `invalid argument "timeline.title": is required (unless status is draft)`},
		{"create_timeline", `{"timeline":{"title":"T","templateTimelineVersion":2}}`, `invalid argument "timeline.templateTimelineVersion": applies only with timelineType template`},
		{"create_timeline", `{"timeline":{"title":"T","timelineType":"default","templateTimelineId":"x"}}`, `invalid argument "timeline.templateTimelineId": applies only with timelineType template`},
		{"create_timeline", `{"timeline":{"title":"T","excludedRowRendererIds":["zeek","nope"]}}`, `invalid argument "timeline.excludedRowRendererIds[1]": must be one of alert, alerts, auditd, auditd_file, library, netflow, plain, registry, suricata, system, system_dns, system_endgame_process, system_file, system_fim, system_security_event, system_socket, threat_match, zeek`},
		{"create_timeline", `{"timeline":{"title":"T","kqlQuery":{"filterQuery":{"kuery":{"kind":"kuery","query":"x"}}}}}`, `invalid argument "timeline.kqlQuery.filterQuery.kuery.query": is not a member here; known: expression, kind`},
		{"create_timeline", `{"timeline":{"title":"T","dateRange":{"start":true}}}`, `invalid argument "timeline.dateRange.start": must be a string or a number`},
		{"create_timeline", `{"timeline":{"title":"T","dataProviders":[{"id":"p","queryMatch":{"field":"host.name","value":["a",1]}}]}}`, `invalid argument "timeline.dataProviders[0].queryMatch.value[1]": must be a string`},
		{"create_timeline", `{"timeline":{"title":"T","dataProviders":[{"id":"p","type":"custom"}]}}`, `invalid argument "timeline.dataProviders[0].type": must be one of default, template`},
		{"create_timeline", `{"timeline":{"title":"T","dataProviders":[{"id":"p","and":[{"id":"q","and":[]}]}]}}`, `invalid argument "timeline.dataProviders[0].and[0].and": is not a member here; known: enabled, excluded, id, kqlQuery, name, queryMatch, type`},
		{"create_timeline", `{"timeline":{"title":"T","columns":[{"id":"@timestamp","initialWidth":190}]}}`, `invalid argument "timeline.columns[0].initialWidth": is not a member here; known: aggregatable, category, columnHeaderType, description, id, indexes, name, placeholder, searchable, type`},
		{"create_timeline", `{"timeline":{"title":"T","filters":[{"meta":{"negate":"no"}}]}}`, `invalid argument "timeline.filters[0].meta.negate": must be true or false`},
		{"create_timeline", `{"timeline":{"title":"T","sort":[{"columnId":"@timestamp","sortDirection":1}]}}`, `invalid argument "timeline.sort[0].sortDirection": must be a string`},
		{"patch_timeline", `{"timelineId":"t","version":"v","timeline":{}}`, `invalid argument "timeline": sets nothing; give the members to change`},
		{"patch_timeline", `{"timelineId":"t","version":"v","timeline":{"timelineType":"default","templateTimelineVersion":3}}`, `invalid argument "timeline.templateTimelineVersion": applies only with timelineType template`},
		{"copy_timeline", `{"timelineIdToCopy":"t","timeline":{}}`, `invalid argument "timeline.title": is required (unless status is draft)`},
		{"favorite_timeline", `{"timelineId":"t","templateTimelineId":"x"}`, `invalid argument "templateTimelineId": applies only with timelineType template`},
		{"favorite_timeline", `{"timelineId":"t","timelineType":"default","templateTimelineVersion":1}`, `invalid argument "templateTimelineVersion": applies only with timelineType template`},
		{"export_timelines", `{"file_name":"timelines.json"}`, `invalid argument "file_name": must end in .ndjson`},
		{"import_timelines", `{"file":"{\"title\":\"a\"}\nnot json\n"}`, `invalid argument "file": line 2 is not a JSON object: invalid character 'o' in literal null (expecting 'u')`},
		{"import_timelines", `{"file":"\n\n"}`, `invalid argument "file": holds no timeline; give export_timelines' ndjson`},
		{"get_notes", `{"documentIds":["e"],"savedObjectIds":["t"]}`, `invalid argument "savedObjectIds": cannot be combined with documentIds; give one of them`},
		{"get_notes", `{"savedObjectIds":["t"],"perPage":5}`, `invalid argument "perPage": applies only without documentIds and savedObjectIds`},
		{"add_note", `{"note":{"timelineId":"","note":"x"}}`, `invalid argument "note.timelineId": is empty and so is note.eventId; attach the note to a timeline, an event or both`},
		{"add_note", `{"note":{"timelineId":"t","note":"x"},"version":"WzEsMV0="}`, `invalid argument "version": applies only with noteId`},
		{"add_note", `{"note":{"timelineId":"t","note":"  "}}`, `invalid argument "note.note": must not be blank`},
	})
}

// TestTimelineExamplesSucceed runs every example of the toolset against a
// fresh seeded sandbox: each must succeed, not merely be well formed.
func TestTimelineExamplesSucceed(t *testing.T) {
	for _, op := range All() {
		if op.Toolset != "timelines" {
			continue
		}
		for i, ex := range op.Examples {
			_, client := sandboxtest.New(t, nil)
			isErr, texts := callFlow(t, client, op.Name, ex)
			if isErr {
				t.Errorf("%s example %d failed: %v", op.Name, i, texts)
			}
			if op.Name == "import_timelines" || op.Name == "install_prebuilt_timelines" {
				if len(texts) == 0 || !strings.Contains(texts[0], `"success":true`) {
					t.Errorf("%s example %d: %v", op.Name, i, texts)
				}
			}
		}
	}
}

// TestTimelinesRoundTrip exports a timeline, deletes it and imports the
// export: it comes back under a new id with its notes and pinned event.
func TestTimelinesRoundTrip(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	const id = "d4c1b7a2-3f5e-4a61-9b8e-2c7f0e1a5d01"
	var call mcp.CallToolRequest
	call.Params.Name = "export_timelines"
	call.Params.Arguments = map[string]any{"ids": []any{id}}
	res, err := serve.Handler(client, Catalog, mustLookup(t, "export_timelines"))(t.Context(), call)
	if err != nil || res.IsError {
		t.Fatalf("export: %v %v", err, res)
	}
	var ndjson string
	for _, c := range res.Content {
		if r, ok := c.(mcp.EmbeddedResource); ok {
			ndjson = r.Resource.(mcp.TextResourceContents).Text
		}
	}
	if strings.Count(ndjson, "\n") != 1 || !strings.Contains(ndjson, `"globalNotes":[{`) || !strings.Contains(ndjson, `"pinnedEventIds":["`) {
		t.Fatalf("export is not one timeline with its notes and pins:\n%s", ndjson)
	}
	arguments, _ := json.Marshal(map[string]any{"file": ndjson})
	if isErr, texts := callFlow(t, client, "import_timelines", string(arguments)); isErr || !strings.Contains(texts[0], `savedObjectId: \"`+id+`\" already exists`) {
		t.Fatalf("import over the original: %v %v", isErr, texts)
	}
	if isErr, texts := callFlow(t, client, "delete_timelines", `{"savedObjectIds":["`+id+`"]}`); isErr {
		t.Fatal(texts)
	}
	if isErr, texts := callFlow(t, client, "import_timelines", string(arguments)); isErr || !strings.Contains(texts[0], `"timelines_installed":1`) {
		t.Fatalf("import: %v %v", isErr, texts)
	}
	isErr, texts := callFlow(t, client, "find_timelines", `{"search":"Ransomware"}`)
	if isErr || !strings.Contains(texts[0], `"totalCount":1`) || strings.Contains(texts[0], id) || !strings.Contains(texts[0], "Host isolated") {
		t.Fatalf("imported timeline not found with its note: %v", texts)
	}
}
