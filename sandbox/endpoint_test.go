package sandbox

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// epClock is a sandbox clock tests move by hand.
type epClock struct{ now time.Time }

func (c *epClock) Now() time.Time { return c.now }

func endpointKibana() (*Kibana, *epClock) {
	clock := &epClock{now: time.Date(2025, 3, 12, 10, 0, 0, 0, time.UTC)}
	return New(Config{APIKey: testKey, Username: "analyst", Password: "pw", Seed: 7, Now: clock.Now}), clock
}

// epWant checks a status and that the message names what it should.
func epWant(t *testing.T, status int, body map[string]any, wantStatus int, contains string) {
	t.Helper()
	msg, _ := body["message"].(string)
	if status != wantStatus || !strings.Contains(msg, contains) {
		t.Errorf("got %d %q, want %d with %q", status, msg, wantStatus, contains)
	}
}

// epRaw sends a request with credentials and answers the recorder.
func epRaw(t *testing.T, k *Kibana, method, path, contentType string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "ApiKey "+testKey)
	req.Header.Set("kbn-xsrf", "true")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	k.ServeHTTP(w, req)
	return w
}

// epUploadRequest builds the upload form as the upload tool does: JSON text
// fields, then the file part.
func epUploadRequest(t *testing.T, fields map[string]any, fileName string, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, name := range []string{"endpoint_ids", "agent_type", "alert_ids", "case_ids", "comment", "parameters"} {
		v, ok := fields[name]
		if !ok {
			continue
		}
		text, isString := v.(string)
		if !isString {
			b, _ := json.Marshal(v)
			text = string(b)
		}
		w.WriteField(name, text)
	}
	if fileName != "" {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": "file", "filename": fileName}))
		h.Set("Content-Type", "text/x-shellscript")
		part, _ := w.CreatePart(h)
		part.Write(data)
	}
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

func epData(t *testing.T, body map[string]any) map[string]any {
	t.Helper()
	d, ok := body["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data in %v", body)
	}
	return d
}

// TestEndpointToolExamples sends the requests the endpoint tools' examples
// make: each is answered 2xx, or 404 where it names an action or exception
// that does not exist.
func TestEndpointToolExamples(t *testing.T) {
	const a, b = epExampleAgentA, epExampleAgentB
	const missingAction = "9f934028-2300-4927-b531-b26376793dc4"
	find := url.Values{"page": {"2"}, "pageSize": {"50"}, "commands": {"isolate", "kill-process"}, "agentIds": {a}, "userIds": {"elastic"},
		"startDate": {"now-7d"}, "endDate": {"now"}, "agentTypes": {"endpoint"}, "withOutputs": {missingAction}, "types": {"manual"}}
	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/api/endpoint/action?pageSize=20", "", 200},
		{"GET", "/s/soc/api/endpoint/action?" + find.Encode(), "", 200},
		{"GET", "/api/endpoint/action/" + missingAction, "", 404},
		{"GET", "/api/endpoint/action_status?agent_ids=" + a, "", 200},
		{"GET", "/s/soc/api/endpoint/action_status?agent_ids=" + a + "&agent_ids=" + b, "", 200},
		{"GET", "/api/endpoint/action/state", "", 200},
		{"POST", "/api/endpoint/action/isolate", `{"endpoint_ids":["` + a + `"]}`, 200},
		{"POST", "/s/soc/api/endpoint/action/isolate", `{"endpoint_ids":["` + a + `","` + b + `"],"agent_type":"endpoint","alert_ids":["6b24c4dc44bc720cfc92797f3d61fff952f2b2627db1fb4f8cc49f4530c4ff42"],"case_ids":["c1d2e3f4-0000-4000-8000-000000000001"],"comment":"Ransomware spreading from web-01."}`, 200},
		{"POST", "/api/endpoint/action/unisolate", `{"endpoint_ids":["` + a + `"]}`, 200},
		{"POST", "/s/soc/api/endpoint/action/unisolate", `{"endpoint_ids":["` + a + `"],"agent_type":"sentinel_one","comment":"Host re-imaged."}`, 200},
		{"POST", "/api/endpoint/action/kill_process", `{"endpoint_ids":["` + a + `"],"parameters":{"pid":4321}}`, 200},
		{"POST", "/s/soc/api/endpoint/action/kill_process", `{"endpoint_ids":["` + a + `"],"agent_type":"endpoint","comment":"Miner process.","parameters":{"entity_id":"ZTI1ZDAwYTQtYWE1Yi00ZDRiLWI3ODUtOTYwMGVmMjhmNjNm"}}`, 200},
		{"POST", "/api/endpoint/action/kill_process", `{"endpoint_ids":["` + a + `"],"agent_type":"sentinel_one","parameters":{"process_name":"xmrig.exe"}}`, 200},
		{"POST", "/api/endpoint/action/suspend_process", `{"endpoint_ids":["` + a + `"],"parameters":{"pid":4321}}`, 200},
		{"POST", "/api/endpoint/action/running_procs", `{"endpoint_ids":["` + a + `"]}`, 200},
		{"POST", "/api/endpoint/action/get_file", `{"endpoint_ids":["` + a + `"],"parameters":{"path":"/tmp/dropper.sh"}}`, 200},
		{"POST", "/s/soc/api/endpoint/action/get_file", `{"endpoint_ids":["` + a + `"],"agent_type":"endpoint","parameters":{"path":"C:\\Users\\bob\\Downloads\\invoice.exe"}}`, 200},
		{"GET", "/api/endpoint/action/" + missingAction + "/file/" + missingAction + "." + a, "", 404},
		{"GET", "/s/soc/api/endpoint/action/" + missingAction + "/file/" + a + "/download", "", 404},
		{"POST", "/api/endpoint/action/execute", `{"endpoint_ids":["` + a + `"],"parameters":{"command":"ls -la /tmp"}}`, 200},
		{"POST", "/s/soc/api/endpoint/action/execute", `{"endpoint_ids":["` + a + `"],"agent_type":"endpoint","parameters":{"command":"crontab -l","timeout":600}}`, 200},
		{"POST", "/api/endpoint/action/scan", `{"endpoint_ids":["` + a + `"],"parameters":{"path":"/home/bob/Downloads"}}`, 200},
		{"POST", "/api/endpoint/action/runscript", `{"endpoint_ids":["` + a + `"],"agent_type":"microsoft_defender_endpoint","parameters":{"scriptName":"collect-logs.ps1"}}`, 200},
		{"POST", "/s/soc/api/endpoint/action/runscript", `{"endpoint_ids":["` + a + `"],"agent_type":"crowdstrike","parameters":{"hostPath":"C:\\Tools\\autoruns.ps1","commandLine":"-accepteula","timeout":300}}`, 200},
		{"POST", "/api/endpoint/action/runscript", `{"endpoint_ids":["` + a + `"],"agent_type":"sentinel_one","parameters":{"script":"1864537227587478410","inputParams":"--verbose"}}`, 200},
		{"POST", "/api/endpoint/action/cancel", `{"endpoint_ids":["` + a + `"],"parameters":{"id":"` + missingAction + `"}}`, 404},
		{"POST", "/s/soc/api/endpoint/action/cancel", `{"endpoint_ids":["` + a + `"],"agent_type":"microsoft_defender_endpoint","parameters":{"id":"` + missingAction + `"}}`, 404},
		{"POST", "/api/endpoint_list", "", 200},
		{"POST", "/api/endpoint_list/items", `{"name":"Backup agent","description":"Nightly backups read every file.","entries":[{"type":"match","field":"process.executable","operator":"included","value":"/opt/backup/bin/agent"}],"type":"simple"}`, 200},
		{"POST", "/s/soc/api/endpoint_list/items", `{"name":"Build servers","description":"Compilers on the build farm.","entries":[{"type":"match_any","field":"process.name","operator":"included","value":["gcc","ld"]},{"type":"wildcard","field":"file.path","operator":"included","value":"/srv/build/*"},{"type":"exists","field":"process.parent.name","operator":"included"},{"type":"nested","field":"process.Ext.code_signature","entries":[{"type":"match","field":"trusted","operator":"included","value":"true"},{"type":"match","field":"subject_name","operator":"included","value":"Build Co"}]}],"item_id":"build-servers","os_types":["linux"],"tags":["policy:all"],"type":"simple"}`, 200},
		{"GET", "/api/endpoint_list/items?item_id=build-servers", "", 404},
		{"PUT", "/api/endpoint_list/items", `{"item_id":"build-servers","name":"Build servers","description":"Compilers on the build farm.","entries":[{"type":"match","field":"process.name","operator":"included","value":"gcc"}],"type":"simple"}`, 404},
		{"DELETE", "/s/soc/api/endpoint_list/items?id=71a9f4b2-c85c-49b4-866f-c71eb9e67da2", "", 404},
		{"GET", "/api/endpoint_list/items/_find?per_page=20", "", 200},
		{"GET", "/s/soc/api/endpoint_list/items/_find?filter=" + url.QueryEscape(`exception-list-agnostic.attributes.tags:"policy:all"`) + "&page=2&per_page=50&sort_field=name&sort_order=asc", "", 200},
	} {
		k, _ := endpointKibana()
		status, body := do(t, k, tc.method, tc.path, tc.body, nil)
		if status != tc.status {
			t.Errorf("%s %s: %d %v, want %d", tc.method, tc.path, status, body, tc.status)
		}
	}
	k, _ := endpointKibana()
	ct, form := epUploadRequest(t, map[string]any{"endpoint_ids": []string{a, b}, "agent_type": "endpoint", "comment": "Remediation script.", "parameters": map[string]any{"overwrite": true}}, "fix.sh", []byte("#!/bin/sh\necho fixed\n"))
	if w := epRaw(t, k, "POST", "/s/soc/api/endpoint/action/upload", ct, form); w.Code != 200 {
		t.Errorf("upload: %d %s", w.Code, w.Body)
	}
}

func TestEndpointActionValidation(t *testing.T) {
	k, _ := endpointKibana()
	const a = epExampleAgentA
	for _, tc := range []struct{ path, body, want string }{
		{"isolate", `{}`, "[request body.endpoint_ids]: expected value of type [array] but got [undefined]"},
		{"isolate", `{"endpoint_ids":[]}`, "[request body.endpoint_ids]: array size is [0], but cannot be smaller than [1]"},
		{"isolate", `{"endpoint_ids":[" "]}`, "[request body.endpoint_ids]: endpoint_ids cannot contain empty strings"},
		{"isolate", `{"endpoint_ids":"` + a + `"}`, "[request body.endpoint_ids]: expected value of type [array] but got [string]"},
		{"isolate", `{"endpoint_ids":["` + a + `"],"case_ids":[""]}`, "[request body.case_ids.0]: value has length [0]"},
		{"isolate", `{"endpoint_ids":["` + a + `"],"agent_type":"carbon_black"}`, "[request body.agent_type]: types that failed validation"},
		{"isolate", `{"endpoint_ids":["` + a + `"],"colour":"red"}`, "[request body.colour]: definition for this key is missing"},
		{"isolate", `{"endpoint_ids":["no-such-agent"]}`, `["no-such-agent"]`},
		{"kill_process", `{"endpoint_ids":["` + a + `"]}`, "[request body.parameters]: expected at least one defined value but got [undefined]"},
		{"kill_process", `{"endpoint_ids":["` + a + `"],"parameters":{"pid":1,"entity_id":"x"}}`, "[request body.parameters]: types that failed validation"},
		{"kill_process", `{"endpoint_ids":["` + a + `"],"parameters":{"pid":0}}`, "[request body.parameters.0.pid]: Value must be equal to or greater than [1]."},
		{"kill_process", `{"endpoint_ids":["` + a + `"],"parameters":{"process_name":"x.exe"}}`, "[parameters.process_name]: is not valid with agent type of endpoint"},
		{"kill_process", `{"endpoint_ids":["` + a + `"],"agent_type":"sentinel_one","parameters":{"pid":12}}`, "[parameters.process_name]: missing parameter for agent type of sentinel_one"},
		{"suspend_process", `{"endpoint_ids":["` + a + `"],"parameters":{"process_name":"x.exe"}}`, "[request body.parameters]: types that failed validation"},
		{"get_file", `{"endpoint_ids":["` + a + `"],"parameters":{}}`, "[request body.parameters.path]: expected value of type [string] but got [undefined]"},
		{"execute", `{"endpoint_ids":["` + a + `"],"parameters":{"command":"   "}}`, "[request body.parameters.command]: command cannot be an empty string"},
		{"execute", `{"endpoint_ids":["` + a + `"],"parameters":{"command":"id","timeout":0}}`, "[request body.parameters.timeout]: Value must be equal to or greater than [1]."},
		{"scan", `{"endpoint_ids":["` + a + `"],"parameters":{"path":"/tmp","depth":2}}`, "[request body.parameters.depth]: definition for this key is missing"},
		{"runscript", `{"endpoint_ids":["` + a + `"],"agent_type":"crowdstrike","parameters":{"commandLine":"-x"}}`, "At least one of Raw, HostPath, or CloudFile must be provided"},
		{"runscript", `{"endpoint_ids":["` + a + `"],"agent_type":"microsoft_defender_endpoint","parameters":{}}`, "[request body.parameters.scriptName]: expected value of type [string]"},
		{"runscript", `{"endpoint_ids":["` + a + `"],"parameters":{"raw":"x"}}`, "[request body.parameters]: a value wasn't expected to be present"},
		{"cancel", `{"endpoint_ids":["` + a + `"],"parameters":{"id":" "}}`, "[request body.parameters.id]: id cannot be an empty string"},
		{"cancel", `{"endpoint_ids":["` + a + `"]}`, "[request body.parameters.id]: expected value of type [string] but got [undefined]"},
	} {
		status, body := do(t, k, "POST", "/api/endpoint/action/"+tc.path, tc.body, nil)
		epWant(t, status, body, 400, tc.want)
	}
	status, body := do(t, k, "POST", "/api/endpoint/action/isolate", "", nil)
	epWant(t, status, body, 400, "[request body]: expected a plain object value")
	// scan is Elastic Defend only.
	status, body = do(t, k, "POST", "/api/endpoint/action/scan", `{"endpoint_ids":["`+a+`"],"agent_type":"crowdstrike","parameters":{"path":"/tmp"}}`, nil)
	epWant(t, status, body, 405, "Action [scan] not supported")
	// Upload needs its file part.
	ct, form := epUploadRequest(t, map[string]any{"endpoint_ids": []string{a}, "parameters": map[string]any{}}, "", nil)
	w := epRaw(t, k, "POST", "/api/endpoint/action/upload", ct, form)
	if w.Code != 400 || !strings.Contains(w.Body.String(), "[request body.file]") {
		t.Errorf("upload without file: %d %s", w.Code, w.Body)
	}
	// Nothing above was recorded.
	if n := len(k.spaces["default"].endpoint.actionOrder); n != 8 {
		t.Errorf("%d actions after refused requests, want the 8 seeded", n)
	}
}

// TestIsolateThenReleaseHost follows an isolation from request to host
// state, through the reads that show it pending, then done.
func TestIsolateThenReleaseHost(t *testing.T) {
	k, _ := endpointKibana()
	host := k.spaces["default"].endpoint.hosts[epExampleAgentA]
	if host.isolated || host.name != "ws-0142" {
		t.Fatalf("seeded host: %+v", host)
	}
	status, body := do(t, k, "POST", "/api/endpoint/action/isolate", `{"endpoint_ids":["`+epExampleAgentA+`","not-enrolled"],"comment":"Encoded PowerShell; containing."}`, map[string]string{"Authorization": "Basic YW5hbHlzdDpwdw=="})
	if status != 200 {
		t.Fatalf("isolate: %d %v", status, body)
	}
	d := epData(t, body)
	id := d["id"].(string)
	if body["action"] != id || d["command"] != "isolate" || d["status"] != "pending" || d["isCompleted"] != false || d["createdBy"] != "analyst" ||
		d["agentType"] != "endpoint" || !strings.Contains(d["comment"].(string), `WARNING: The following agent ids are not valid: ["not-enrolled"]`) {
		t.Errorf("isolate answer: %v", body)
	}
	if host.isolated {
		t.Error("isolated before the agent answered")
	}
	// First read: still pending, and counted as such.
	_, status2 := do(t, k, "GET", "/api/endpoint/action_status?agent_ids="+epExampleAgentA, "", nil)
	entry := status2["data"].([]any)[0].(map[string]any)
	if entry["pending_actions"].(map[string]any)["isolate"] != float64(1) {
		t.Errorf("action status: %v", status2)
	}
	// Second read: done.
	_, got := do(t, k, "GET", "/api/endpoint/action/"+id, "", nil)
	d = epData(t, got)
	if d["status"] != "successful" || d["isCompleted"] != true || d["wasSuccessful"] != true || d["completedAt"] == nil || got["command"] != "isolate" {
		t.Errorf("details after completion: %v", got)
	}
	if !host.isolated {
		t.Error("host not isolated after the action completed")
	}
	_, list := do(t, k, "GET", "/api/endpoint/action?commands=isolate&agentIds="+epExampleAgentA+"&userIds=analyst", "", nil)
	if list["total"] != float64(1) || list["data"].([]any)[0].(map[string]any)["id"] != id {
		t.Errorf("list: %v", list)
	}
	_, status2 = do(t, k, "GET", "/api/endpoint/action_status?agent_ids="+epExampleAgentA, "", nil)
	if p := status2["data"].([]any)[0].(map[string]any)["pending_actions"].(map[string]any); len(p) != 0 {
		t.Errorf("still pending: %v", p)
	}
	status, body = do(t, k, "POST", "/api/endpoint/action/unisolate", `{"endpoint_ids":["`+epExampleAgentA+`"]}`, nil)
	if status != 200 {
		t.Fatalf("unisolate: %d %v", status, body)
	}
	do(t, k, "GET", "/api/endpoint/action", "", nil)
	do(t, k, "GET", "/api/endpoint/action", "", nil)
	if host.isolated {
		t.Error("host still isolated after release")
	}
}

// TestActionsCompleteWithTime: with the clock moved past an action's run
// time, the first read finds it done, with its output.
func TestActionsCompleteWithTime(t *testing.T) {
	k, clock := endpointKibana()
	_, body := do(t, k, "POST", "/api/endpoint/action/execute", `{"endpoint_ids":["`+epExampleAgentA+`"],"parameters":{"command":"whoami"}}`, nil)
	id := epData(t, body)["id"].(string)
	if p := epData(t, body)["parameters"].(map[string]any); p["timeout"] != float64(epDefaultExecuteTimeout) {
		t.Errorf("execute timeout default: %v", p)
	}
	clock.now = clock.now.Add(30 * time.Second)
	_, got := do(t, k, "GET", "/api/endpoint/action/"+id, "", nil)
	d := epData(t, got)
	out := d["outputs"].(map[string]any)[epExampleAgentA].(map[string]any)["content"].(map[string]any)
	if d["status"] != "successful" || out["stdout"] != "nt authority\\system\r\n" || out["output_file_id"] != id+"."+epExampleAgentA {
		t.Errorf("execute details: %v", d)
	}
	if d["completedAt"] != epStamp(clock.now.Add(-30*time.Second).Add(8*time.Second)) {
		t.Errorf("completedAt %v", d["completedAt"])
	}
}

// TestGetFileDownloadsAZip fetches a file from a host and downloads it.
func TestGetFileDownloadsAZip(t *testing.T) {
	k, _ := endpointKibana()
	_, body := do(t, k, "POST", "/api/endpoint/action/get_file", `{"endpoint_ids":["`+epExampleAgentA+`"],"parameters":{"path":"C:\\Users\\l.wong\\Downloads\\Invoice_0423.docm"}}`, nil)
	id := epData(t, body)["id"].(string)
	fileID := id + "." + epExampleAgentA
	_, info := do(t, k, "GET", "/api/endpoint/action/"+id+"/file/"+fileID, "", nil)
	if epData(t, info)["status"] != "AWAITING_UPLOAD" {
		t.Errorf("file before the agent answered: %v", info)
	}
	_, details := do(t, k, "GET", "/api/endpoint/action/"+id, "", nil)
	content := epData(t, details)["outputs"].(map[string]any)[epExampleAgentA].(map[string]any)["content"].(map[string]any)
	entry := content["contents"].([]any)[0].(map[string]any)
	_, info = do(t, k, "GET", "/api/endpoint/action/"+id+"/file/"+fileID, "", nil)
	fi := epData(t, info)
	if fi["status"] != "READY" || fi["name"] != "Invoice_0423.docm.zip" || fi["actionId"] != id || fi["agentId"] != epExampleAgentA || fi["size"] != content["zip_size"] {
		t.Errorf("file info: %v (output %v)", fi, content)
	}
	w := epRaw(t, k, "GET", "/api/endpoint/action/"+id+"/file/"+fileID+"/download", "", nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/zip" || w.Header().Get("Content-Disposition") != `attachment; filename="Invoice_0423.docm.zip"` {
		t.Fatalf("download: %d %v", w.Code, w.Header())
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil || len(zr.File) != 1 || zr.File[0].Name != "Invoice_0423.docm" {
		t.Fatalf("not the zip expected: %v", err)
	}
	rc, _ := zr.File[0].Open()
	data, _ := io.ReadAll(rc)
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != entry["sha256"] || float64(len(data)) != entry["size"] || !bytes.HasPrefix(data, []byte("PK")) {
		t.Errorf("zipped file does not match the action's output %v", entry)
	}
	// A file the action did not bring back, and an action without files.
	status, nf := do(t, k, "GET", "/api/endpoint/action/"+id+"/file/"+id+".someone-else", "", nil)
	epWant(t, status, nf, 404, "not found")
	_, iso := do(t, k, "POST", "/api/endpoint/action/isolate", `{"endpoint_ids":["`+epExampleAgentA+`"]}`, nil)
	isoID := epData(t, iso)["id"].(string)
	status, nf = do(t, k, "GET", "/api/endpoint/action/"+isoID+"/file/"+isoID+"."+epExampleAgentA, "", nil)
	epWant(t, status, nf, 400, "does not support file downloads")
	// A seeded get-file of the story downloads too.
	for _, a := range k.spaces["default"].endpoint.actions {
		if a.command == epGetFile {
			w := epRaw(t, k, "GET", "/api/endpoint/action/"+a.id+"/file/"+a.id+"."+a.agents[0]+"/download", "", nil)
			if w.Code != 200 || !bytes.HasPrefix(w.Body.Bytes(), []byte("PK\x03\x04")) {
				t.Errorf("seeded file download: %d", w.Code)
			}
		}
	}
}

// TestProcessActionsChangeTheHost kills and suspends processes, and the
// host's process list follows.
func TestProcessActionsChangeTheHost(t *testing.T) {
	k, _ := endpointKibana()
	run := func(path, body string) map[string]any {
		t.Helper()
		status, b := do(t, k, "POST", "/api/endpoint/action/"+path, body, nil)
		if status != 200 {
			t.Fatalf("%s: %d %v", path, status, b)
		}
		id := epData(t, b)["id"].(string)
		do(t, k, "GET", "/api/endpoint/action/"+id, "", nil)
		_, d := do(t, k, "GET", "/api/endpoint/action/"+id, "", nil)
		return epData(t, d)
	}
	d := run("kill_process", `{"endpoint_ids":["`+epExampleAgentA+`"],"parameters":{"pid":4321}}`)
	out := d["outputs"].(map[string]any)[epExampleAgentA].(map[string]any)["content"].(map[string]any)
	if d["status"] != "successful" || out["entity_id"] != epStoryEntity || !strings.HasPrefix(out["command"].(string), "powershell.exe") {
		t.Errorf("kill: %v", d)
	}
	d = run("kill_process", `{"endpoint_ids":["`+epExampleAgentA+`"],"parameters":{"entity_id":"`+epStoryEntity+`"}}`)
	if d["status"] != "failed" || len(d["errors"].([]any)) != 1 {
		t.Errorf("killing it again: %v", d)
	}
	d = run("running_procs", `{"endpoint_ids":["`+epExampleAgentA+`"]}`)
	entries := d["outputs"].(map[string]any)[epExampleAgentA].(map[string]any)["content"].(map[string]any)["entries"].([]any)
	for _, e := range entries {
		if e.(map[string]any)["pid"] == float64(4321) {
			t.Error("killed process still listed")
		}
	}
	d = run("suspend_process", `{"endpoint_ids":["`+epExampleAgentA+`"],"parameters":{"pid":5012}}`)
	if d["status"] != "successful" || !k.spaces["default"].endpoint.hosts[epExampleAgentA].procs[6].suspended {
		t.Errorf("suspend: %v", d)
	}
	d = run("kill_process", `{"endpoint_ids":["`+epExampleAgentA+`"],"agent_type":"sentinel_one","parameters":{"process_name":"WINWORD.EXE"}}`)
	if d["status"] != "successful" || d["agentType"] != "sentinel_one" {
		t.Errorf("kill by name: %v", d)
	}
}

// TestUploadAndCancel puts a file on hosts (overwrite rules apply) and
// cancels a pending Defender script.
func TestUploadAndCancel(t *testing.T) {
	k, _ := endpointKibana()
	upload := func(overwrite bool) map[string]any {
		t.Helper()
		ct, form := epUploadRequest(t, map[string]any{"endpoint_ids": []string{epExampleAgentB}, "parameters": map[string]any{"overwrite": overwrite}}, "fix.ps1", []byte("Write-Host fixed"))
		w := epRaw(t, k, "POST", "/api/endpoint/action/upload", ct, form)
		var body map[string]any
		json.Unmarshal(w.Body.Bytes(), &body)
		if w.Code != 200 {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		id := epData(t, body)["id"].(string)
		do(t, k, "GET", "/api/endpoint/action/"+id, "", nil)
		_, d := do(t, k, "GET", "/api/endpoint/action/"+id, "", nil)
		return epData(t, d)
	}
	d := upload(false)
	p := d["parameters"].(map[string]any)
	sum := sha256.Sum256([]byte("Write-Host fixed"))
	if d["status"] != "successful" || p["file_name"] != "fix.ps1" || p["file_size"] != float64(16) || p["file_sha256"] != hex.EncodeToString(sum[:]) {
		t.Errorf("upload: %v", d)
	}
	if d := upload(false); d["status"] != "failed" {
		t.Errorf("second upload without overwrite: %v", d)
	}
	if d := upload(true); d["status"] != "successful" {
		t.Errorf("upload with overwrite: %v", d)
	}

	_, body := do(t, k, "POST", "/api/endpoint/action/runscript", `{"endpoint_ids":["`+epExampleAgentA+`"],"agent_type":"microsoft_defender_endpoint","parameters":{"scriptName":"collect-logs.ps1"}}`, nil)
	scriptID := epData(t, body)["id"].(string)
	status, body := do(t, k, "POST", "/api/endpoint/action/cancel", `{"endpoint_ids":["`+epExampleAgentA+`"],"parameters":{"id":"`+scriptID+`"}}`, nil)
	epWant(t, status, body, 405, "Action [cancel] not supported")
	status, body = do(t, k, "POST", "/api/endpoint/action/cancel", `{"endpoint_ids":["`+epExampleAgentB+`"],"agent_type":"microsoft_defender_endpoint","parameters":{"id":"`+scriptID+`"}}`, nil)
	epWant(t, status, body, 400, "is not associated with action")
	status, body = do(t, k, "POST", "/api/endpoint/action/cancel", `{"endpoint_ids":["`+epExampleAgentA+`"],"agent_type":"microsoft_defender_endpoint","parameters":{"id":"`+scriptID+`"}}`, nil)
	if status != 200 || epData(t, body)["command"] != "cancel" {
		t.Fatalf("cancel: %d %v", status, body)
	}
	_, got := do(t, k, "GET", "/api/endpoint/action/"+scriptID, "", nil)
	if d := epData(t, got); d["status"] != "failed" || !strings.Contains(d["errors"].([]any)[0].(string), "cancelled") {
		t.Errorf("cancelled script: %v", d)
	}
	status, body = do(t, k, "POST", "/api/endpoint/action/cancel", `{"endpoint_ids":["`+epExampleAgentA+`"],"agent_type":"microsoft_defender_endpoint","parameters":{"id":"`+scriptID+`"}}`, nil)
	epWant(t, status, body, 400, "already completed")
}

func TestFindEndpointActionsFilters(t *testing.T) {
	k, _ := endpointKibana()
	_, all := do(t, k, "GET", "/api/endpoint/action?pageSize=100", "", nil)
	data := all["data"].([]any)
	if all["total"] != float64(8) || len(data) != 8 || all["page"] != float64(1) || all["pageSize"] != float64(100) {
		t.Fatalf("all: %v", all)
	}
	var prev string
	for _, d := range data {
		m := d.(map[string]any)
		if prev != "" && m["startedAt"].(string) > prev {
			t.Error("not newest first")
		}
		prev = m["startedAt"].(string)
		if _, ok := m["outputs"]; ok {
			t.Error("outputs listed without withOutputs")
		}
		if m["command"] == "scan" && (m["isExpired"] != true || m["status"] != "failed") {
			t.Errorf("the unanswered scan: %v", m)
		}
	}
	count := func(query string) (float64, []any) {
		t.Helper()
		status, b := do(t, k, "GET", "/api/endpoint/action?"+query, "", nil)
		if status != 200 {
			t.Fatalf("%s: %d %v", query, status, b)
		}
		return b["total"].(float64), b["data"].([]any)
	}
	if n, d := count("types=automated"); n != 1 || d[0].(map[string]any)["ruleName"] != "Ransomware-like mass file encryption" {
		t.Errorf("automated: %v %v", n, d)
	}
	if n, _ := count("commands=isolate&commands=unisolate"); n != 2 {
		t.Errorf("isolate or unisolate: %v", n)
	}
	if n, _ := count(`commands=["get-file","execute"]`); n != 3 {
		t.Errorf("get-file or execute (JSON array form): %v", n)
	}
	if n, _ := count("userIds=snov*"); n != 3 {
		t.Errorf("userIds snov*: %v", n)
	}
	if n, _ := count("agentIds=" + epExampleAgentB); n != 4 {
		t.Errorf("fs-02's actions: %v", n)
	}
	if n, _ := count("startDate=now-7d&endDate=now"); n != 3 {
		t.Errorf("last week: %v", n)
	}
	if n, _ := count("agentTypes=sentinel_one"); n != 0 {
		t.Errorf("sentinel_one: %v", n)
	}
	if n, d := count("pageSize=3&page=3"); n != 8 || len(d) != 2 {
		t.Errorf("page 3: %v %d", n, len(d))
	}
	first := data[0].(map[string]any)["id"].(string)
	if _, d := count("pageSize=1&withOutputs=" + first); d[0].(map[string]any)["outputs"] == nil {
		t.Error("withOutputs: no outputs")
	}
	for _, tc := range []struct{ query, want string }{
		{"page=0", "[request query.page]: Value must be equal to or greater than [1]."},
		{"pageSize=x", "[request query.pageSize]: expected value of type [number]"},
		{"commands=reboot", "[request query.commands.0]: types that failed validation"},
		{"types=scheduled", "[request query.types.0]"},
		{"startDate=last-tuesday", "[request query.startDate]"},
	} {
		status, body := do(t, k, "GET", "/api/endpoint/action?"+tc.query, "", nil)
		epWant(t, status, body, 400, tc.want)
	}
	status, body := do(t, k, "GET", "/api/endpoint/action_status", "", nil)
	epWant(t, status, body, 400, "[request query.agent_ids]")
}

func TestEndpointListItems(t *testing.T) {
	k, _ := endpointKibana()
	status, body := do(t, k, "POST", "/api/endpoint_list", "", nil)
	if status != 200 || len(body) != 0 {
		t.Errorf("create existing list: %d %v", status, body)
	}
	item := `{"item_id":"backup-agent","name":"Backup agent","description":"Nightly backups.","type":"simple","os_types":["windows"],"tags":["policy:all"],
		"entries":[{"type":"match","field":"process.executable","operator":"included","value":"C:\\backup\\agent.exe"},{"type":"exists","field":"process.parent.name","operator":"excluded"}],
		"comments":[{"comment":"Approved by IT."}]}`
	status, created := do(t, k, "POST", "/api/endpoint_list/items", item, nil)
	if status != 200 || created["list_id"] != "endpoint_list" || created["namespace_type"] != "agnostic" || created["created_by"] != "elastic" ||
		len(created["comments"].([]any)) != 1 || created["_version"] == nil {
		t.Fatalf("create: %d %v", status, created)
	}
	status, body = do(t, k, "POST", "/api/endpoint_list/items", item, nil)
	if status != 409 || body["status_code"] != float64(409) || !strings.Contains(body["message"].(string), `"backup-agent" already exists`) {
		t.Errorf("duplicate: %d %v", status, body)
	}
	_, got := do(t, k, "GET", "/api/endpoint_list/items?id="+created["id"].(string), "", nil)
	if got["item_id"] != "backup-agent" {
		t.Errorf("get by id: %v", got)
	}
	update := `{"item_id":"backup-agent","_version":"` + created["_version"].(string) + `","name":"Backup agent v2","description":"Nightly.","type":"simple","entries":[{"type":"match","field":"process.name","operator":"included","value":"agent.exe"}]}`
	status, updated := do(t, k, "PUT", "/api/endpoint_list/items", update, nil)
	if status != 200 || updated["name"] != "Backup agent v2" || updated["_version"] == created["_version"] || len(updated["tags"].([]any)) != 1 || len(updated["os_types"].([]any)) != 0 {
		t.Errorf("update: %d %v", status, updated)
	}
	status, body = do(t, k, "PUT", "/api/endpoint_list/items", update, nil)
	if status != 409 {
		t.Errorf("stale _version: %d %v", status, body)
	}
	_, found := do(t, k, "GET", "/api/endpoint_list/items/_find?filter="+url.QueryEscape(`exception-list-agnostic.attributes.name:"Backup agent v2" or exception-list-agnostic.attributes.os_types:linux`)+"&sort_field=name&sort_order=desc", "", nil)
	var names []string
	for _, d := range found["data"].([]any) {
		names = append(names, d.(map[string]any)["name"].(string))
	}
	if !slices.Equal(names, []string{"Build farm toolchain", "Backup agent v2"}) || found["total"] != float64(2) || found["per_page"] != float64(20) {
		t.Errorf("find: %v", found)
	}
	_, found = do(t, k, "GET", "/api/endpoint_list/items/_find?per_page=2&page=2&sort_field=item_id", "", nil)
	if found["total"] != float64(6) || len(found["data"].([]any)) != 2 { // the five seeded and backup-agent
		t.Errorf("paging: %v", found)
	}
	status, body = do(t, k, "DELETE", "/api/endpoint_list/items?item_id=backup-agent", "", nil)
	if status != 200 || body["name"] != "Backup agent v2" {
		t.Errorf("delete: %d %v", status, body)
	}
	status, body = do(t, k, "GET", "/api/endpoint_list/items?item_id=backup-agent", "", nil)
	if status != 404 || body["message"] != `exception list item item_id: "backup-agent" does not exist` {
		t.Errorf("after delete: %d %v", status, body)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"name":"n","description":"d","entries":[]}`, "type: Required"},
		{`{"type":"simple","description":"d","entries":[]}`, "name: Required"},
		{`{"type":"simple","name":"  ","description":"d","entries":[]}`, "name: No empty strings allowed"},
		{`{"type":"simple","name":"n","description":"d"}`, "entries: Required"},
		{`{"type":"simple","name":"n","description":"d","entries":[{"type":"match","field":"f","operator":"is","value":"x"}]}`, "entries.0.operator: Invalid enum value. Expected 'excluded' | 'included', received 'is'"},
		{`{"type":"simple","name":"n","description":"d","entries":[{"type":"match","field":"f","operator":"included"}]}`, "entries.0.value: Required"},
		{`{"type":"simple","name":"n","description":"d","entries":[{"type":"match_any","field":"f","operator":"included","value":["a",""]}]}`, "entries.0.value.1: String must contain at least 1 character(s)"},
		{`{"type":"simple","name":"n","description":"d","entries":[{"type":"regex","field":"f","operator":"included","value":"x"}]}`, "entries.0.type: Invalid enum value"},
		{`{"type":"simple","name":"n","description":"d","entries":[{"type":"nested","field":"p","entries":[{"type":"wildcard","field":"f","operator":"included","value":"x*"}]}]}`, "entries.0.entries.0.type"},
		{`{"type":"simple","name":"n","description":"d","entries":[{"type":"list","field":"source.ip","operator":"included"}]}`, "entries.0.list: Required"},
		{`{"type":"simple","name":"n","description":"d","entries":[],"os_types":["solaris"]}`, "os_types.0: Invalid enum value"},
	} {
		status, body := do(t, k, "POST", "/api/endpoint_list/items", tc.body, nil)
		epWant(t, status, body, 400, tc.want)
	}
	status, body = do(t, k, "GET", "/api/endpoint_list/items", "", nil)
	epWant(t, status, body, 400, "either id or item_id")
	status, body = do(t, k, "GET", "/api/endpoint_list/items/_find?filter="+url.QueryEscape("exception-list-agnostic.attributes.colour:red"), "", nil)
	epWant(t, status, body, 400, "colour")
	status, body = do(t, k, "GET", "/api/endpoint_list/items/_find?filter="+url.QueryEscape("name:(a or"), "", nil)
	epWant(t, status, body, 400, "KQLSyntaxError")
}

// TestEndpointSpaces: each space has its own hosts and actions, and sees
// the one Endpoint list; a space created empty answers every read.
func TestEndpointSpaces(t *testing.T) {
	k, _ := endpointKibana()
	_, body := do(t, k, "POST", "/api/endpoint/action/isolate", `{"endpoint_ids":["`+epExampleAgentA+`"]}`, nil)
	id := epData(t, body)["id"].(string)
	if status, _ := do(t, k, "GET", "/s/soc/api/endpoint/action/"+id, "", nil); status != 404 {
		t.Errorf("default's action read in soc: %d", status)
	}
	if k.spaces["soc"].endpoint.hosts[epExampleAgentA].name != "dc-02" || !k.spaces["soc"].endpoint.hosts[epExampleAgentB].isolated {
		t.Error("soc's hosts are not its story's")
	}
	var buildID string
	for _, h := range k.spaces["default"].endpoint.hosts {
		if h.name == "build-03" {
			buildID = h.agentID
		}
	}
	status, body := do(t, k, "POST", "/s/soc/api/endpoint/action/isolate", `{"endpoint_ids":["`+buildID+`"]}`, nil)
	epWant(t, status, body, 400, buildID)
	_, socList := do(t, k, "GET", "/s/soc/api/endpoint/action?pageSize=100", "", nil)
	if socList["total"] != float64(5) {
		t.Errorf("soc's actions: %v", socList["total"])
	}

	k.mu.Lock()
	k.addSpace("empty", "Empty")
	k.mu.Unlock()
	for _, path := range []string{"/api/endpoint/action", "/api/endpoint/action_status?agent_ids=x", "/api/endpoint/action/state"} {
		if status, body := do(t, k, "GET", "/s/empty"+path, "", nil); status != 200 {
			t.Errorf("%s in an empty space: %d %v", path, status, body)
		}
	}
	_, list := do(t, k, "GET", "/s/empty/api/endpoint/action", "", nil)
	if list["total"] != float64(0) || len(list["data"].([]any)) != 0 {
		t.Errorf("empty space's actions: %v", list)
	}
	status, body = do(t, k, "POST", "/s/empty/api/endpoint/action/isolate", `{"endpoint_ids":["`+epExampleAgentA+`"]}`, nil)
	epWant(t, status, body, 400, epExampleAgentA)
	// The Endpoint list is space-agnostic, as in Kibana: the empty space
	// sees the story's exceptions, and what it adds is seen everywhere.
	if _, found := do(t, k, "GET", "/s/empty/api/endpoint_list/items/_find", "", nil); found["total"] != float64(5) {
		t.Errorf("the empty space's list: %v", found)
	}
	if status, body := do(t, k, "POST", "/s/empty/api/endpoint_list", "", nil); status != 200 || len(body) != 0 {
		t.Errorf("the list exists: %d %v", status, body)
	}
	if status, body := do(t, k, "POST", "/s/empty/api/endpoint_list/items", `{"type":"simple","name":"n","description":"","entries":[],"item_id":"from-empty"}`, nil); status != 200 {
		t.Fatalf("item from the empty space: %d %v", status, body)
	}
	if status, body := do(t, k, "GET", "/s/soc/api/endpoint_list/items?item_id=from-empty", "", nil); status != 200 {
		t.Errorf("the empty space's item read in soc: %d %v", status, body)
	}
}

// TestEndpointListIsAnExceptionList: the Endpoint list is the agnostic
// exception list endpoint_list, so each API sees the items the other
// writes; deleted through the exception-list API, the list is missing to
// the Endpoint routes until a write creates it again.
func TestEndpointListIsAnExceptionList(t *testing.T) {
	k, _ := endpointKibana()
	_, list := do(t, k, "GET", "/api/exception_lists?list_id=endpoint_list&namespace_type=agnostic", "", nil)
	if list["id"] != "endpoint_list" || list["type"] != "endpoint" || list["name"] != "Endpoint Security Exception List" {
		t.Errorf("the list as an exception list: %v", list)
	}

	// Written through /api/endpoint_list, read through /api/exception_lists.
	status, created := do(t, k, "POST", "/api/endpoint_list/items", `{"item_id":"backup-agent","name":"Backup agent","description":"d","type":"simple",
		"entries":[{"type":"match","field":"process.name","operator":"included","value":"agent.exe"}]}`, nil)
	if status != 200 {
		t.Fatalf("create through the Endpoint API: %d %v", status, created)
	}
	status, got := do(t, k, "GET", "/s/soc/api/exception_lists/items?item_id=backup-agent&namespace_type=agnostic", "", nil)
	if status != 200 || got["id"] != created["id"] || got["list_id"] != "endpoint_list" || got["_version"] != created["_version"] {
		t.Errorf("read through the exception-list API: %d %v", status, got)
	}
	_, found := do(t, k, "GET", "/api/exception_lists/items/_find?list_id=endpoint_list&namespace_type=agnostic&filter="+url.QueryEscape("exception-list-agnostic.attributes.item_id:backup-agent"), "", nil)
	if found["total"] != float64(1) {
		t.Errorf("found through the exception-list API: %v", found)
	}
	if _, summary := do(t, k, "GET", "/api/exception_lists/summary?list_id=endpoint_list&namespace_type=agnostic", "", nil); summary["total"] != float64(6) {
		t.Errorf("summary: %v", summary)
	}

	// Written through /api/exception_lists, read, changed and deleted
	// through /api/endpoint_list.
	status, created = do(t, k, "POST", "/s/soc/api/exception_lists/items", `{"list_id":"endpoint_list","namespace_type":"agnostic","item_id":"edr-updater","name":"EDR updater","description":"d","type":"simple",
		"expire_time":"2030-01-01T00:00:00Z","entries":[{"type":"match","field":"process.name","operator":"included","value":"updater.exe"}]}`, nil)
	if status != 200 {
		t.Fatalf("create through the exception-list API: %d %v", status, created)
	}
	status, got = do(t, k, "GET", "/api/endpoint_list/items?id="+created["id"].(string), "", nil)
	if status != 200 || got["item_id"] != "edr-updater" {
		t.Errorf("read through the Endpoint API: %d %v", status, got)
	}
	_, found = do(t, k, "GET", "/api/endpoint_list/items/_find?filter="+url.QueryEscape("exception-list-agnostic.attributes.name:\"EDR updater\""), "", nil)
	if found["total"] != float64(1) {
		t.Errorf("found through the Endpoint API: %v", found)
	}
	status, got = do(t, k, "PUT", "/api/endpoint_list/items", `{"item_id":"edr-updater","name":"EDR updater v2","description":"d","type":"simple","entries":[{"type":"exists","field":"process.name","operator":"included"}]}`, nil)
	if status != 200 || got["name"] != "EDR updater v2" || got["expire_time"] != "2030-01-01T00:00:00.000Z" {
		t.Errorf("update through the Endpoint API (its body has no expire_time to clear): %d %v", status, got)
	}
	if status, _ := do(t, k, "DELETE", "/api/endpoint_list/items?item_id=edr-updater", "", nil); status != 200 {
		t.Errorf("delete through the Endpoint API: %d", status)
	}
	status, body := do(t, k, "GET", "/api/exception_lists/items?item_id=edr-updater&namespace_type=agnostic", "", nil)
	epWant(t, status, body, 404, `item_id: "edr-updater" does not exist`)

	// item_id is unique among all agnostic items, the trusted apps' too.
	status, body = do(t, k, "POST", "/api/endpoint_list/items", `{"item_id":"corp-vpn-client","name":"n","description":"d","type":"simple","entries":[]}`, nil)
	epWant(t, status, body, 409, `exception list item id: "corp-vpn-client" already exists`)

	// Without the list, finds answer 404 and writes create it again.
	if status, _ := do(t, k, "DELETE", "/api/exception_lists?list_id=endpoint_list&namespace_type=agnostic", "", nil); status != 200 {
		t.Fatalf("delete the list: %d", status)
	}
	status, body = do(t, k, "GET", "/api/endpoint_list/items/_find", "", nil)
	epWant(t, status, body, 404, `list id: "endpoint_list" does not exist`)
	if status, body := do(t, k, "POST", "/api/endpoint_list", "", nil); status != 200 || body["id"] != "endpoint_list" || body["namespace_type"] != "agnostic" {
		t.Errorf("create the list: %d %v", status, body)
	}
	do(t, k, "DELETE", "/api/exception_lists?list_id=endpoint_list&namespace_type=agnostic", "", nil)
	if status, body := do(t, k, "POST", "/api/endpoint_list/items", `{"name":"n","description":"d","type":"simple","entries":[]}`, nil); status != 200 {
		t.Fatalf("first item of a deleted list: %d %v", status, body)
	}
	if _, found := do(t, k, "GET", "/api/endpoint_list/items/_find", "", nil); found["total"] != float64(1) {
		t.Errorf("the list created again: %v", found)
	}
}

func TestEndpointSeedIsDeterministic(t *testing.T) {
	a, _ := endpointKibana()
	b, _ := endpointKibana()
	_, la := do(t, a, "GET", "/api/endpoint/action?pageSize=100&withOutputs=x", "", nil)
	_, lb := do(t, b, "GET", "/api/endpoint/action?pageSize=100&withOutputs=x", "", nil)
	ja, _ := json.Marshal(la)
	jb, _ := json.Marshal(lb)
	if !bytes.Equal(ja, jb) {
		t.Error("the same seed gave different actions")
	}
	var story []string
	for _, d := range la["data"].([]any) {
		m := d.(map[string]any)
		for _, h := range m["hosts"].(map[string]any) {
			story = append(story, m["command"].(string)+"@"+h.(map[string]any)["name"].(string))
		}
	}
	want := []string{"execute@build-03", "get-file@ws-0142", "running-processes@ws-0142", "unisolate@fs-02", "kill-process@fs-02", "get-file@fs-02", "isolate@fs-02", "scan@vpn-gw-01"}
	if !slices.Equal(story, want) {
		t.Errorf("story actions %v, want %v", story, want)
	}
}
