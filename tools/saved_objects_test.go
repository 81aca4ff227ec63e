package tools

import (
	"context"
	"encoding/json"
	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/sandbox"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// TestSavedObjectRequests pins what the saved-object tools send: the bulk
// routes take a bare array, the POST reads are not changes, and a create
// without an id still goes to the id route.
func TestSavedObjectRequests(t *testing.T) {
	checkRequests(t, []requestCase{
		{tool: "get_saved_object", args: `{"type":"index-pattern","id":"logs-*"}`, method: "GET", path: "/api/saved_objects/index-pattern/logs-%2A"},
		{tool: "resolve_saved_object", args: `{"type":"dashboard","id":"a/b","space_id":"soc"}`, method: "GET", path: "/api/saved_objects/resolve/dashboard/a%2Fb", space: "soc"},
		{tool: "find_saved_objects", args: `{"type":["dashboard","lens"],"search":"soc*","fields":["title"],"has_reference":[{"type":"index-pattern","id":"logs-*"}],"per_page":5}`,
			method: "GET", path: "/api/saved_objects/_find",
			query: `fields=title&has_reference=%7B%22type%22%3A%22index-pattern%22%2C%22id%22%3A%22logs-%2A%22%7D&per_page=5&search=soc%2A&type=dashboard&type=lens`},
		{tool: "create_saved_object", args: `{"type":"tag","id":"t1","overwrite":true,"attributes":{"name":"x"},"references":[{"type":"tag","id":"t0","name":"parent"}]}`,
			method: "POST", path: "/api/saved_objects/tag/t1", query: "overwrite=true",
			body: `{"attributes":{"name":"x"},"references":[{"type":"tag","id":"t0","name":"parent"}]}`},
		{tool: "update_saved_object", args: `{"type":"tag","id":"t1","attributes":{"color":"#fff"},"references":[]}`,
			method: "PUT", path: "/api/saved_objects/tag/t1", body: `{"attributes":{"color":"#fff"},"references":[]}`},
		{tool: "bulk_create_saved_objects", args: `{"objects":[{"type":"tag","id":"t1","attributes":{"name":"x"}}],"overwrite":true}`,
			method: "POST", path: "/api/saved_objects/_bulk_create", query: "overwrite=true", body: `[{"type":"tag","id":"t1","attributes":{"name":"x"}}]`},
		{tool: "bulk_get_saved_objects", args: `{"objects":[{"type":"tag","id":"t1"}]}`,
			method: "POST", path: "/api/saved_objects/_bulk_get", body: `[{"type":"tag","id":"t1"}]`},
		{tool: "bulk_resolve_saved_objects", args: `{"objects":[{"type":"tag","id":"t1"}],"space_id":"soc"}`,
			method: "POST", path: "/api/saved_objects/_bulk_resolve", body: `[{"type":"tag","id":"t1"}]`, space: "soc"},
		{tool: "bulk_update_saved_objects", args: `{"objects":[{"type":"tag","id":"t1","attributes":{"name":"y"},"version":"WzEsMV0="}]}`,
			method: "POST", path: "/api/saved_objects/_bulk_update", body: `[{"type":"tag","id":"t1","attributes":{"name":"y"},"version":"WzEsMV0="}]`},
		{tool: "bulk_delete_saved_objects", args: `{"objects":[{"type":"tag","id":"t1"}],"force":true}`,
			method: "POST", path: "/api/saved_objects/_bulk_delete", query: "force=true", body: `[{"type":"tag","id":"t1"}]`},
		{tool: "export_saved_objects", args: `{"type":["tag","search"],"includeReferencesDeep":true}`,
			method: "POST", path: "/api/saved_objects/_export", body: `{"type":["tag","search"],"includeReferencesDeep":true}`},
	})
	// A create without an id is given a fresh one.
	req, err := mustLookup(t, "create_saved_object").Bind(args(t, `{"type":"tag","attributes":{"name":"x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if id, ok := strings.CutPrefix(req.Path, "/api/saved_objects/tag/"); !ok || len(id) != 36 {
		t.Errorf("create without id: path %s, want /api/saved_objects/tag/<uuid>", req.Path)
	}
}

// TestSavedObjectArgumentChecks pins the messages for combinations Kibana
// refuses.
func TestSavedObjectArgumentChecks(t *testing.T) {
	checkArgumentErrors(t, []struct{ tool, args, want string }{
		{"export_saved_objects", `{}`, `invalid argument "type": or objects is required: name the types to export, or list the objects`},
		{"export_saved_objects", `{"type":["tag"],"objects":[{"type":"tag","id":"a"}]}`, `invalid argument "objects": cannot be combined with type; give one of them`},
		{"export_saved_objects", `{"objects":[{"type":"tag","id":"a"}],"search":"x"}`, `invalid argument "search": applies only with type, not with objects`},
		{"export_saved_objects", `{"objects":[{"type":"tag","id":"a"}],"hasReference":[{"type":"tag","id":"b"}]}`, `invalid argument "hasReference": applies only with type, not with objects`},
		{"find_saved_objects", `{"type":["tag"],"aggs":{"by_name":{"terms":{"field":"tag.name"}}}}`, `invalid argument "aggs": field "tag.name" must be <type>.attributes.<name> or a root field (updated_at, created_at) of a type given in type (tag)`},
		{"find_saved_objects", `{"type":["tag"],"aggs":{"by_name":{"terms":{"field":"dashboard.attributes.title"}}}}`, `invalid argument "aggs": field "dashboard.attributes.title" must be <type>.attributes.<name> or a root field (updated_at, created_at) of a type given in type (tag)`},
		{"find_saved_objects", `{"type":["tag"],"aggs":{"by_name":"terms"}}`, `invalid argument "aggs.by_name": must be an aggregation object, e.g. {"terms":{"field":"dashboard.attributes.title"}}`},
		{"import_saved_objects", `{"file":"{}\n","overwrite":true,"createNewCopies":true}`, `invalid argument "createNewCopies": cannot be combined with overwrite; new copies never conflict`},
		{"import_saved_objects", `{"file":"{}\n","compatibilityMode":true,"createNewCopies":true}`, `invalid argument "createNewCopies": cannot be combined with compatibilityMode`},
		{"resolve_import_errors", `{"file":"{}\n","retries":[{"type":"tag","id":"a"}],"compatibilityMode":true,"createNewCopies":true}`, `invalid argument "createNewCopies": cannot be combined with compatibilityMode`},
		{"resolve_import_errors", `{"file":"{}\n","retries":[]}`, `invalid argument "retries": must list at least one object to import again`},
		{"import_saved_objects", `{"file":"{\"type\":\"tag\",\"id\":\"a\"}\ntype: tag\n"}`, `invalid argument "file": line 2 is not a JSON object: invalid character 'y' in literal true (expecting 'r')`},
		{"import_saved_objects", `{"file":"\n\n"}`, `invalid argument "file": holds no saved object; give export_saved_objects' ndjson`},
		{"resolve_import_errors", `{"file":"[1]\n","retries":[{"type":"tag","id":"a"}]}`, `invalid argument "file": line 1 is JSON but not an object; each line is one object`},
	})
}

// TestSavedObjectExamplesSucceed replays every example against a fresh
// seeded sandbox: each must be answered 2xx, not merely accepted.
func TestSavedObjectExamplesSucceed(t *testing.T) {
	for _, op := range All() {
		if op.Toolset != "saved_objects" {
			continue
		}
		for _, ex := range op.Examples {
			kib := sandbox.New(sandbox.Config{APIKey: "k", Seed: 1})
			srv := httptest.NewServer(kib)
			client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "k", MaxRetries: -1}, nil)
			if err != nil {
				t.Fatal(err)
			}
			req, err := op.Bind(args(t, ex))
			if err != nil {
				t.Fatalf("%s %s: %v", op.Name, ex, err)
			}
			resp, err := client.Do(context.Background(), req)
			srv.Close()
			if err != nil {
				t.Errorf("%s %s: %v", op.Name, ex, err)
				continue
			}
			// Bulk answers report per-object errors inside a 200.
			if strings.Contains(string(resp.Body), `"error":{`) || strings.Contains(string(resp.Body), `"success":false`) {
				t.Errorf("%s %s: an object failed: %s", op.Name, ex, resp.Body)
			}
		}
	}
}

// TestSavedObjectsRoundTrip exports the soc space's search with what it
// refers to, imports it as new copies and finds the copies.
func TestSavedObjectsRoundTrip(t *testing.T) {
	kib := sandbox.New(sandbox.Config{APIKey: "k", Seed: 1})
	srv := httptest.NewServer(kib)
	defer srv.Close()
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "k", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	call := func(tool, arguments string) []byte {
		t.Helper()
		req, err := mustLookup(t, tool).Bind(args(t, arguments))
		if err != nil {
			t.Fatalf("%s: %v", tool, err)
		}
		resp, err := client.Do(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", tool, err)
		}
		return resp.Body
	}
	export := call("export_saved_objects", `{"objects":[{"type":"search","id":"failed-logins"}],"includeReferencesDeep":true}`)
	lines := strings.Split(strings.TrimSpace(string(export)), "\n")
	if len(lines) != 4 || !strings.Contains(lines[3], `"exportedCount":3`) {
		t.Fatalf("export: want the data view, the tag and the search, then details; got\n%s", export)
	}
	file, _ := json.Marshal(string(export))
	var result struct {
		Success        bool
		SuccessCount   int
		SuccessResults []struct{ Type, ID, DestinationID string }
	}
	if err := json.Unmarshal(call("import_saved_objects", `{"file":`+string(file)+`,"createNewCopies":true,"space_id":"soc"}`), &result); err != nil {
		t.Fatal(err)
	}
	if !result.Success || result.SuccessCount != 3 {
		t.Fatalf("import: %+v", result)
	}
	var searchCopy string
	for _, r := range result.SuccessResults {
		if r.DestinationID == "" || r.DestinationID == r.ID {
			t.Errorf("new copy of %s/%s kept its id", r.Type, r.ID)
		}
		if r.Type == "search" {
			searchCopy = r.DestinationID
		}
	}
	var got struct {
		References []struct{ Type, ID string }
		OriginID   string `json:"originId"`
	}
	json.Unmarshal(call("get_saved_object", `{"type":"search","id":"`+searchCopy+`","space_id":"soc"}`), &got)
	if got.OriginID != "failed-logins" {
		t.Errorf("copy's originId %q, want failed-logins", got.OriginID)
	}
	for _, r := range got.References {
		if r.ID == "logs-*" || r.ID == "soc-triage" {
			t.Errorf("copy still refers to the original %s/%s, not its copy", r.Type, r.ID)
		}
	}
	// Importing the same file again without options conflicts on every object.
	body := call("import_saved_objects", `{"file":`+string(file)+`}`)
	if !strings.Contains(string(body), `"success":false`) || strings.Count(string(body), `"type":"conflict"`) != 3 {
		t.Errorf("re-import: want three conflicts, got %s", body)
	}
}

// TestSavedObjectReadsPassReadOnly checks the POST reads get through a
// read-only client and the bulk writes do not.
func TestSavedObjectReadsPassReadOnly(t *testing.T) {
	kib := sandbox.New(sandbox.Config{APIKey: "k", Seed: 1})
	srv := httptest.NewServer(kib)
	defer srv.Close()
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "k", ReadOnly: true, ReadRoutes: serve.ReadRoutes(Catalog)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for tool, wantRead := range map[string]bool{
		"bulk_get_saved_objects": true, "bulk_resolve_saved_objects": true, "export_saved_objects": true,
		"bulk_delete_saved_objects": false, "bulk_update_saved_objects": false, "bulk_create_saved_objects": false,
	} {
		op := mustLookup(t, tool)
		req, err := op.Bind(args(t, op.Examples[0]))
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.Do(context.Background(), req)
		if got := err == nil; got != wantRead {
			t.Errorf("%s in read-only mode: err %v", tool, err)
		}
	}
}

// TestFindSavedObjectsAggregates: aggs are counted over the matches.
func TestFindSavedObjectsAggregates(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "find_saved_objects", `{"type":["tag"],"per_page":1,"aggs":{"tags":{"value_count":{"field":"tag.updated_at"}},"latest":{"max":{"field":"tag.updated_at"}}}}`)
	if isErr || !strings.Contains(texts[0], `"aggregations":{`) || !strings.Contains(texts[0], `"value_as_string":"`) || strings.Contains(texts[0], `"tags":{"value":0}`) {
		t.Errorf("find with aggs: %q", texts)
	}
}
