package tools

import (
	"context"
	"encoding/base64"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// TestEndpointArgumentRules pins the checks on response action and
// exception arguments, with the exact message the model reads.
func TestEndpointArgumentRules(t *testing.T) {
	const ep = `"endpoint_ids":["a1"]`
	for _, c := range []struct{ tool, args, want string }{
		// Every response action needs at least one host, and no blank IDs
		// (Kibana trims them and refuses what is left empty).
		{"isolate_host", `{}`, `invalid argument "endpoint_ids": is required`},
		{"isolate_host", `{"endpoint_ids":[]}`, `invalid argument "endpoint_ids": must have at least 1 items, got 0`},
		{"isolate_host", `{"endpoint_ids":[" "]}`, `invalid argument "endpoint_ids[0]": must not be blank`},
		{"isolate_host", `{"endpoint_ids":["a1",""]}`, `invalid argument "endpoint_ids[1]": must not be blank`},
		{"isolate_host", `{` + ep + `,"alert_ids":["\t"]}`, `invalid argument "alert_ids[0]": must not be blank`},
		{"isolate_host", `{` + ep + `,"case_ids":[""]}`, `invalid argument "case_ids[0]": must not be blank`},
		{"isolate_host", `{` + ep + `,"agent_type":"defender"}`, `invalid argument "agent_type": must be one of "endpoint", "sentinel_one", "crowdstrike", "microsoft_defender_endpoint", got "defender"`},
		{"isolate_host", `{` + ep + `,"parameters":{}}`, `invalid argument "parameters": is not a known argument; allowed: agent_type, alert_ids, case_ids, comment, endpoint_ids, space_id`},
		{"unisolate_host", `{"endpoint_ids":"a1"}`, `invalid argument "endpoint_ids": must be an array, got "a1"`},
		// kill_process and suspend_process name exactly one process.
		{"kill_process", `{` + ep + `}`, `invalid argument "parameters": is required`},
		{"kill_process", `{` + ep + `,"parameters":{}}`, `invalid argument "parameters": needs exactly one of pid, entity_id or process_name; got none`},
		{"kill_process", `{` + ep + `,"parameters":{"pid":42,"entity_id":"e1"}}`, `invalid argument "parameters": needs exactly one of pid, entity_id or process_name; got pid and entity_id`},
		{"kill_process", `{` + ep + `,"parameters":{"pid":0}}`, `invalid argument "parameters.pid": must be at least 1, got 0`},
		{"kill_process", `{` + ep + `,"parameters":{"pid":4.5}}`, `invalid argument "parameters.pid": must be an integer, got 4.5`},
		{"suspend_process", `{` + ep + `,"parameters":{"pid":42,"entity_id":"e1"}}`, `invalid argument "parameters": needs exactly one of pid or entity_id; got pid and entity_id`},
		{"suspend_process", `{` + ep + `,"parameters":{"process_name":"x"}}`, `invalid argument "parameters.process_name": is not a known argument; allowed: entity_id, pid`},
		// Commands and paths.
		{"execute_endpoint_command", `{` + ep + `,"parameters":{"command":"  "}}`, `invalid argument "parameters.command": must not be blank`},
		{"execute_endpoint_command", `{` + ep + `,"parameters":{"timeout":60}}`, `invalid argument "parameters.command": is required`},
		{"get_endpoint_file", `{` + ep + `,"parameters":{"path":""}}`, `invalid argument "parameters.path": must not be empty`},
		{"scan_endpoint", `{` + ep + `}`, `invalid argument "parameters": is required`},
		{"cancel_endpoint_action", `{` + ep + `,"parameters":{}}`, `invalid argument "parameters.id": is required`},
		// run_endpoint_script takes one agent type's parameters.
		{"run_endpoint_script", `{` + ep + `,"parameters":{}}`, `invalid argument "parameters": needs exactly one of raw, hostPath, cloudFile, script or scriptName; got none`},
		{"run_endpoint_script", `{` + ep + `,"parameters":{"raw":"whoami","scriptName":"s.ps1"}}`, `invalid argument "parameters": needs exactly one of raw, hostPath, cloudFile, script or scriptName; got raw and scriptName`},
		{"run_endpoint_script", `{` + ep + `,"parameters":{"script":"123","timeout":5}}`, `invalid argument "parameters.timeout": does not go with script (sentinel_one)`},
		{"run_endpoint_script", `{` + ep + `,"parameters":{"hostPath":"C:\\a.ps1","args":"-x"}}`, `invalid argument "parameters.args": does not go with raw, hostPath or cloudFile (crowdstrike)`},
		{"run_endpoint_script", `{` + ep + `,"agent_type":"sentinel_one","parameters":{"scriptName":"s.ps1"}}`, `invalid argument "agent_type": must be microsoft_defender_endpoint for parameters scriptName, not sentinel_one`},
		// Uploads name a file, not a path.
		{"upload_endpoint_file", `{` + ep + `,"file":"aGk=","file_name":"../etc/passwd"}`, `invalid argument "file_name": must be a plain file name, without a folder`},
		{"upload_endpoint_file", `{` + ep + `,"file":"aGk=","file_name":"C:\\x.ps1"}`, `invalid argument "file_name": must be a plain file name, without a folder`},
		{"upload_endpoint_file", `{` + ep + `,"file":"not base64!","file_name":"x.sh"}`, `invalid argument "file": must be standard base64: illegal base64 data at input byte 9`},
		{"upload_endpoint_file", `{` + ep + `,"file":"aGk="}`, `invalid argument "file_name": is required`},
		// Exceptions are named by exactly one of id and item_id.
		{"get_endpoint_list_item", `{}`, `invalid arguments: give id or item_id`},
		{"delete_endpoint_list_item", `{"id":"x","item_id":"y"}`, `invalid argument "item_id": give either id or item_id, not both`},
		{"update_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"exists","field":"f"}]}`, `invalid arguments: give id or item_id`},
		// Entries are bare objects in the schema; their shape is checked here.
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[]}`, `invalid argument "entries": must have at least 1 items, got 0`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"match","field":"process.name"}]}`, `invalid argument "entries[0].value": must be a non-blank string for type match`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"match_any","field":"process.name","value":"gcc"}]}`, `invalid argument "entries[0].value": must be a non-empty array of strings for type match_any`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"match_any","field":"process.name","value":["gcc",""]}]}`, `invalid argument "entries[0].value[1]": must be a non-blank string`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"exists","field":"f","value":"x"}]}`, `invalid argument "entries[0].value": is not for type exists`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"regex","field":"f","value":"x"}]}`, `invalid argument "entries[0].type": must be match, match_any, wildcard, exists, list or nested`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"match","field":"f","value":"x","operator":"is"}]}`, `invalid argument "entries[0].operator": must be included or excluded`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"match","value":"x"}]}`, `invalid argument "entries[0].field": is required`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"list","field":"source.ip"}]}`, `invalid argument "entries[0].list": is required for type list, as {id, type} of a value list`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"nested","field":"p","operator":"included","entries":[{"type":"exists","field":"f"}]}]}`, `invalid argument "entries[0].operator": is not for a nested entry; give it on its inner entries`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"nested","field":"p","entries":[{"type":"wildcard","field":"f","value":"x*"}]}]}`, `invalid argument "entries[0].entries[0].type": must be match, match_any or exists inside a nested entry`},
		{"create_endpoint_list_item", `{"name":"n","description":"d","entries":[{"type":"match","field":"f","value":"x","colour":"red"}]}`, `invalid argument "colour": unknown argument; see the tool's input schema for the accepted names`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestEndpointBodies pins what reaches Kibana: empty optional lists are left
// out, the process is named as given, run_endpoint_script gets the agent
// type its parameters belong to, and exceptions get the fields Kibana
// requires but a model rarely gives.
func TestEndpointBodies(t *testing.T) {
	for _, c := range []struct{ tool, args, path, body string }{
		{"isolate_host", `{"endpoint_ids":["a1"],"alert_ids":[],"comment":"Contain."}`,
			"/api/endpoint/action/isolate", `{"endpoint_ids":["a1"],"comment":"Contain."}`},
		{"kill_process", `{"endpoint_ids":["a1"],"parameters":{"entity_id":"e1"}}`,
			"/api/endpoint/action/kill_process", `{"endpoint_ids":["a1"],"parameters":{"entity_id":"e1"}}`},
		{"suspend_process", `{"endpoint_ids":["a1"],"parameters":{"pid":42}}`,
			"/api/endpoint/action/suspend_process", `{"endpoint_ids":["a1"],"parameters":{"pid":42}}`},
		{"run_endpoint_script", `{"endpoint_ids":["a1"],"parameters":{"raw":"whoami","timeout":30}}`,
			"/api/endpoint/action/runscript", `{"endpoint_ids":["a1"],"agent_type":"crowdstrike","parameters":{"raw":"whoami","timeout":30}}`},
		{"run_endpoint_script", `{"endpoint_ids":["a1"],"parameters":{"script":"123","inputParams":"-v"}}`,
			"/api/endpoint/action/runscript", `{"endpoint_ids":["a1"],"agent_type":"sentinel_one","parameters":{"script":"123","inputParams":"-v"}}`},
		{"create_endpoint_list_item", `{"name":"Backup agent","description":"","entries":[{"type":"match","field":"process.executable","value":"/opt/backup"},{"type":"nested","field":"process.Ext.code_signature","entries":[{"type":"exists","field":"trusted"}]}]}`,
			"/api/endpoint_list/items", `{"name":"Backup agent","description":"","entries":[{"type":"match","field":"process.executable","operator":"included","value":"/opt/backup"},{"type":"nested","field":"process.Ext.code_signature","entries":[{"type":"exists","field":"trusted","operator":"included"}]}],"type":"simple"}`},
		{"update_endpoint_list_item", `{"item_id":"backup","_version":"WzEsMV0=","name":"n","description":"d","entries":[{"type":"wildcard","field":"file.path","operator":"excluded","value":"/srv/*"}]}`,
			"/api/endpoint_list/items", `{"item_id":"backup","_version":"WzEsMV0=","name":"n","description":"d","entries":[{"type":"wildcard","field":"file.path","operator":"excluded","value":"/srv/*"}],"type":"simple"}`},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Fatalf("%s %s: %v", c.tool, c.args, err)
		}
		if req.Path != c.path || string(req.Body) != c.body || req.APIVersion != operation.V20231031 {
			t.Errorf("%s %s:\n got  %s %s (version %q)\n want %s %s", c.tool, c.args, req.Path, req.Body, req.APIVersion, c.path, c.body)
		}
	}
}

// TestEndpointListsPageSmall: listings without a page size ask Kibana for
// 20 entries; a page size the model gives wins.
func TestEndpointListsPageSmall(t *testing.T) {
	for _, c := range []struct{ tool, args, want string }{
		{"find_endpoint_actions", `{}`, "pageSize=20"},
		{"find_endpoint_actions", `{"pageSize":100,"commands":["isolate","unisolate"]}`, "commands=isolate&commands=unisolate&pageSize=100"},
		{"find_endpoint_list_items", `{}`, "per_page=20"},
		{"find_endpoint_list_items", `{"per_page":5,"page":3}`, "page=3&per_page=5"},
		// Not listings: nothing is added.
		{"get_endpoint_action_status", `{"agent_ids":["a1","a2"]}`, "agent_ids=a1&agent_ids=a2"},
		{"delete_endpoint_list_item", `{"item_id":"backup"}`, "item_id=backup"},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Fatalf("%s %s: %v", c.tool, c.args, err)
		}
		if got := req.Query.Encode(); got != c.want {
			t.Errorf("%s %s: query %q, want %q", c.tool, c.args, got, c.want)
		}
	}
	_, err := mustLookup(t, "find_endpoint_actions").Bind(args(t, `{"pageSize":101}`))
	if err == nil || err.Error() != `invalid argument "pageSize": must be at most 100, got 101` {
		t.Errorf("pageSize 101: %v", err)
	}
}

// TestUploadEndpointFileMultipart pins the whole upload body: text fields
// first, lists and parameters JSON-encoded as Kibana's own UI sends them,
// parameters always present, and the file last, named after file_name,
// with no separate file-name field (the route refuses unknown fields).
func TestUploadEndpointFileMultipart(t *testing.T) {
	req, err := mustLookup(t, "upload_endpoint_file").Bind(args(t, `{"endpoint_ids":["a1","a2"],"agent_type":"endpoint","alert_ids":["al1"],"case_ids":[],"comment":"Remediation.","parameters":{"overwrite":true},"file":"IyEvYmluL3No\nCmVjaG8gZml4ZWQK","file_name":"fix.sh","space_id":"soc"}`))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(req.ContentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		t.Fatalf("content type %q", req.ContentType)
	}
	if req.Method != http.MethodPost || req.Path != "/api/endpoint/action/upload" || req.Space != "soc" ||
		req.APIVersion != operation.V20231031 || !req.Mutates || req.Retryable || len(req.Query) != 0 {
		t.Errorf("request %+v", req)
	}
	got := strings.ReplaceAll(string(req.Body), params["boundary"], "BOUNDARY")
	want := "--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"endpoint_ids\"\r\n\r\n" +
		"[\"a1\",\"a2\"]\r\n" +
		"--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"agent_type\"\r\n\r\n" +
		"endpoint\r\n" +
		"--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"alert_ids\"\r\n\r\n" +
		"[\"al1\"]\r\n" +
		"--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"comment\"\r\n\r\n" +
		"Remediation.\r\n" +
		"--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"parameters\"\r\n\r\n" +
		"{\"overwrite\":true}\r\n" +
		"--BOUNDARY\r\n" +
		"Content-Disposition: form-data; filename=fix.sh; name=file\r\n" +
		"Content-Type: application/x-shellscript\r\n\r\n" +
		"#!/bin/sh\necho fixed\n\r\n" +
		"--BOUNDARY--\r\n"
	if got != want {
		t.Errorf("multipart body\n got  %q\n want %q", got, want)
	}

	// The smallest upload still sends parameters; a file name without a
	// known extension gets a type sniffed from the bytes.
	req, err = mustLookup(t, "upload_endpoint_file").Bind(args(t, `{"endpoint_ids":["a1"],"file":"aGVsbG8K","file_name":"README"}`))
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ = mime.ParseMediaType(req.ContentType)
	got = strings.ReplaceAll(string(req.Body), params["boundary"], "BOUNDARY")
	want = "--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"endpoint_ids\"\r\n\r\n" +
		"[\"a1\"]\r\n" +
		"--BOUNDARY\r\n" +
		"Content-Disposition: form-data; name=\"parameters\"\r\n\r\n" +
		"{}\r\n" +
		"--BOUNDARY\r\n" +
		"Content-Disposition: form-data; filename=README; name=file\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
		"hello\n\r\n" +
		"--BOUNDARY--\r\n"
	if got != want {
		t.Errorf("smallest multipart body\n got  %q\n want %q", got, want)
	}
}

// TestDownloadEndpointFileIsABlob: the file Kibana sends back reaches the
// model as an embedded blob resource with its MIME type, and a text line
// with its size and name; never as text.
func TestDownloadEndpointFileIsABlob(t *testing.T) {
	zip := []byte("PK\x03\x04\x14\x00\x09\x00\x08\x00\xffbinary\x00")
	var seen *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Clone(context.Background())
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="dropper.sh.zip"`)
		_, _ = w.Write(zip)
	}))
	defer srv.Close()
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "k", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var call mcp.CallToolRequest
	call.Params.Name = "download_endpoint_file"
	call.Params.Arguments = args(t, `{"action_id":"act-1","file_id":"act-1.agent-1","space_id":"soc"}`)
	res, err := serve.Handler(client, Catalog, mustLookup(t, "download_endpoint_file"))(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	if seen == nil || seen.Method != http.MethodGet || seen.URL.Path != "/s/soc/api/endpoint/action/act-1/file/act-1.agent-1/download" ||
		seen.Header.Get("elastic-api-version") != operation.V20231031 {
		t.Fatalf("Kibana saw %+v", seen)
	}
	if res.IsError || len(res.Content) != 2 || res.StructuredContent != nil {
		t.Fatalf("result %+v", res)
	}
	wantText := `Kibana answered with a file: 18 bytes of application/zip, named "dropper.sh.zip". It is attached as an embedded resource (base64).`
	if got := text(res); got != wantText {
		t.Errorf("text %q, want %q", got, wantText)
	}
	embedded, ok := res.Content[1].(mcp.EmbeddedResource)
	if !ok {
		t.Fatalf("second content is %T, want mcp.EmbeddedResource", res.Content[1])
	}
	blob, ok := embedded.Resource.(mcp.BlobResourceContents)
	if !ok {
		t.Fatalf("resource is %T, want mcp.BlobResourceContents", embedded.Resource)
	}
	if blob.MIMEType != "application/zip" || blob.Blob != base64.StdEncoding.EncodeToString(zip) ||
		blob.URI != "kibana://soc/api/endpoint/action/act-1/file/act-1.agent-1/download" {
		t.Errorf("blob %+v", blob)
	}
}

// TestEndpointAnnotations: host-changing actions are destructive and
// open-world, so clients confirm them; collecting from a host is a plain
// write; reads are reads.
func TestEndpointAnnotations(t *testing.T) {
	destructiveOnHost := [4]bool{false, true, false, true}
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, openWorld
		"isolate_host":              destructiveOnHost,
		"unisolate_host":            destructiveOnHost,
		"kill_process":              destructiveOnHost,
		"suspend_process":           destructiveOnHost,
		"execute_endpoint_command":  destructiveOnHost,
		"scan_endpoint":             destructiveOnHost,
		"upload_endpoint_file":      destructiveOnHost,
		"run_endpoint_script":       destructiveOnHost,
		"cancel_endpoint_action":    destructiveOnHost,
		"get_running_processes":     {false, false, false, true},
		"get_endpoint_file":         {false, false, false, true},
		"find_endpoint_actions":     {true, false, true, false},
		"download_endpoint_file":    {true, false, true, false},
		"create_endpoint_list":      {false, false, true, false},
		"create_endpoint_list_item": {false, false, false, false},
		"update_endpoint_list_item": {false, true, true, false},
		"delete_endpoint_list_item": {false, true, true, false},
	} {
		a := mustLookup(t, name).Annotations()
		got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
		if got != want {
			t.Errorf("%s: hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", name, got, want)
		}
	}
	for _, op := range All() {
		if op.Toolset == "endpoint" && op.Admin != (op.Name == "create_endpoint_list" || op.Name == "set_protection_updates_note") {
			t.Errorf("%s: Admin = %v; only create_endpoint_list and set_protection_updates_note are settings work", op.Name, op.Admin)
		}
	}
}

// TestEndpointListItemKeepsMeta: meta is stored with the exception and
// read back.
func TestEndpointListItemKeepsMeta(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "create_endpoint_list_item", `{"name":"Backup agent","description":"d","item_id":"backup","entries":[{"type":"match","field":"process.name","value":"backup"}],"meta":{"ticket":"CHG-1042"}}`)
	if isErr {
		t.Fatalf("create: %q", texts)
	}
	isErr, texts = callFlow(t, client, "get_endpoint_list_item", `{"item_id":"backup"}`)
	if isErr || !strings.Contains(texts[0], `"ticket":"CHG-1042"`) {
		t.Errorf("get: %q", texts)
	}
}
