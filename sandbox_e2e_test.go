package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/sandbox"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// startSandboxed runs the real binary over stdio against its built-in
// sandbox, with every toolset served.
func startSandboxed(t *testing.T, args ...string) *client.Client {
	t.Helper()
	return startSandboxedWith(t, append([]string{"--sandbox", "--toolsets", "all"}, args...))
}

// startSandboxedWith starts the built binary over stdio with args and
// initializes an MCP client with it.
func startSandboxedWith(t *testing.T, args []string) *client.Client {
	t.Helper()
	c, err := client.NewStdioMCPClient(buildBinary(t), []string{"KIBANA_MCP_LOG_LEVEL=warn"}, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "scenario", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return c
}

// use calls a tool that must succeed and decodes its JSON answer.
func use(t *testing.T, c *client.Client, name string, args any, into any) {
	t.Helper()
	b, _ := json.Marshal(args)
	res, text := callTool(t, c, name, string(b))
	if res.IsError {
		t.Fatalf("%s %s: %s", name, b, text)
	}
	if raw, ok := into.(*string); ok {
		*raw = text
		return
	}
	if into != nil {
		if err := json.Unmarshal([]byte(text), into); err != nil {
			t.Fatalf("%s: answer is not the JSON expected: %v\n%s", name, err, text)
		}
	}
}

type caseDoc struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Version   string `json:"version"`
	Status    string `json:"status"`
	Owner     string `json:"owner"`
	Assignees []struct {
		UID string `json:"uid"`
	} `json:"assignees"`
}

// conversation counts what a model takes in over a scenario: tool calls and
// the bytes of their results.
type conversation struct {
	t     *testing.T
	c     *client.Client
	calls int
	bytes int
}

// use calls a tool that must succeed, counts it, and decodes its JSON
// answer (or, into a *string, keeps its text).
func (cv *conversation) use(name string, args any, into any) {
	cv.t.Helper()
	b, _ := json.Marshal(args)
	res, text := callTool(cv.t, cv.c, name, string(b))
	cv.calls++
	for _, part := range res.Content {
		if tc, ok := part.(mcp.TextContent); ok {
			cv.bytes += len(tc.Text)
		}
	}
	if res.IsError {
		cv.t.Fatalf("%s %s: %s", name, b, text)
	}
	if raw, ok := into.(*string); ok {
		*raw = text
		return
	}
	if into != nil {
		if err := json.Unmarshal([]byte(text), into); err != nil {
			cv.t.Fatalf("%s: answer is not the JSON expected: %v\n%s", name, err, text)
		}
	}
}

// caseRow is a case as find_cases lists it by default.
type caseRow struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Status    string   `json:"status"`
	Owner     string   `json:"owner"`
	Alerts    int      `json:"alerts"`
	Assignees []string `json:"assignees"`
}

// Budget of the triage conversation (issue 10): what a model needs to triage
// one case from "which cases are open" to "taken, noted, alerts
// acknowledged".
const (
	triageMaxCalls = 6
	triageMaxBytes = 20 << 10
)

// TestScenarioTriage is a whole triage conversation against the sandbox:
// find open cases, read one with its comments, alerts and activity, look at
// its alerts, note the findings, take the case and acknowledge the alerts;
// then check every step landed. It counts the calls and result bytes the
// conversation costs the model and holds them to the budget.
func TestScenarioTriage(t *testing.T) {
	cv := &conversation{t: t, c: startSandboxed(t)}

	var found struct {
		Cases []caseRow `json:"cases"`
	}
	cv.use("find_cases", map[string]any{"status": "open", "owner": []string{"securitySolution"}, "sortField": "severity"}, &found)
	var target caseRow
	for _, cs := range found.Cases {
		if cs.Alerts > 0 {
			target = cs
			break
		}
	}
	if target.ID == "" {
		t.Fatalf("no open security case with attached alerts among %d found", len(found.Cases))
	}
	var got struct {
		caseDoc
		Included struct {
			Comments struct {
				Total int `json:"total"`
			} `json:"comments"`
			Alerts struct {
				Total  int `json:"total"`
				Alerts []struct {
					ID       string `json:"id"`
					Index    string `json:"index"`
					RuleName string `json:"ruleName"`
					RuleID   string `json:"ruleId"`
				} `json:"alerts"`
			} `json:"alerts"`
			Activity struct {
				Total int `json:"total"`
			} `json:"activity"`
		} `json:"included"`
	}
	cv.use("get_case", map[string]any{"caseId": target.ID, "include": []string{"comments", "alerts", "activity"}}, &got)
	alerts := got.Included.Alerts
	if alerts.Total != target.Alerts || len(alerts.Alerts) == 0 || got.Included.Activity.Total == 0 {
		t.Fatalf("get_case with its parts: %d alerts (%d listed), want %d; %d activities", alerts.Total, len(alerts.Alerts), target.Alerts, got.Included.Activity.Total)
	}
	ids := make([]string, len(alerts.Alerts))
	for i, a := range alerts.Alerts {
		ids[i] = a.ID
	}

	// The rule behind the attached alerts comes with them: get_case reads
	// each alert's summary, so no search is needed.
	var search struct {
		Hits struct {
			Hits []struct {
				Source map[string]any `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	ruleName := alerts.Alerts[0].RuleName
	if ruleName == "" || alerts.Alerts[0].RuleID == "" {
		t.Fatalf("alert row lacks its rule: %+v", alerts.Alerts[0])
	}

	// Note the findings, take the case, acknowledge its alerts.
	// The owner is left out: add_case_comment takes the case's.
	cv.use("add_case_comment", map[string]any{"caseId": target.ID, "type": "user", "comment": "Rule " + ruleName + " fired; looking into it."}, nil)
	var updated struct {
		CaseID, Status, Version string
		Assignees               []string
	}
	cv.use("update_case", map[string]any{"caseId": target.ID, "status": "in-progress", "assignees": []any{map[string]any{"uid": "u_scenario_analyst_0"}}}, &updated)
	if updated.CaseID != target.ID || updated.Status != "in-progress" || updated.Version == "" || !slices.Equal(updated.Assignees, []string{"u_scenario_analyst_0"}) {
		t.Fatalf("update_case answered %+v", updated)
	}
	cv.use("set_alert_status", map[string]any{"signal_ids": ids, "status": "acknowledged"}, nil)

	t.Logf("triage conversation: %d tool calls, %d bytes of results", cv.calls, cv.bytes)
	if cv.calls > triageMaxCalls || cv.bytes > triageMaxBytes {
		t.Errorf("triage conversation took %d calls and %d bytes; budget %d calls, %d bytes", cv.calls, cv.bytes, triageMaxCalls, triageMaxBytes)
	}

	// Every step landed: alerts acknowledged, activity recorded.
	check := &conversation{t: t, c: cv.c}
	check.use("search_detection_alerts", map[string]any{"query": map[string]any{"ids": map[string]any{"values": ids}}, "size": len(ids)}, &search)
	for _, h := range search.Hits.Hits {
		if s := field(h.Source, "kibana.alert.workflow_status"); s != "acknowledged" {
			t.Errorf("alert status %q after acknowledging", s)
		}
	}
	var activity struct {
		UserActions []struct {
			Type   string `json:"type"`
			Action string `json:"action"`
		} `json:"userActions"`
	}
	check.use("find_case_user_actions", map[string]any{"caseId": target.ID, "sortOrder": "desc", "perPage": 20}, &activity)
	seen := map[string]bool{}
	for _, ua := range activity.UserActions {
		seen[ua.Type+"/"+ua.Action] = true
	}
	for _, want := range []string{"comment/create", "status/update", "assignees/add"} {
		if !seen[want] {
			t.Errorf("activity lacks %s: %v", want, seen)
		}
	}
}

// field reads a dotted field from an alert document, flat or nested.
func field(doc map[string]any, name string) string {
	if v, ok := doc[name].(string); ok {
		return v
	}
	head, rest, ok := strings.Cut(name, ".")
	for ok {
		if sub, isMap := doc[head].(map[string]any); isMap {
			return field(sub, rest)
		}
		var next string
		next, rest, ok = strings.Cut(rest, ".")
		head += "." + next
	}
	return ""
}

// TestScenarioConflict: two updates from the same version; the second is
// refused with a clear error and the first change stays.
func TestScenarioConflict(t *testing.T) {
	c := startSandboxed(t)
	var found struct {
		Cases []caseDoc `json:"cases"`
	}
	use(t, c, "find_cases", map[string]any{"status": "open", "perPage": 1, "full": true}, &found)
	cs := found.Cases[0]
	use(t, c, "update_cases", map[string]any{"cases": []any{map[string]any{"id": cs.ID, "version": cs.Version, "severity": "critical"}}}, nil)
	b, _ := json.Marshal(map[string]any{"cases": []any{map[string]any{"id": cs.ID, "version": cs.Version, "severity": "low"}}})
	res, text := callTool(t, c, "update_cases", string(b))
	if !res.IsError || !strings.Contains(text, "409") || !strings.Contains(text, "read it again") {
		t.Fatalf("second update with a stale version: isError=%v %s", res.IsError, text)
	}
	var after struct {
		Severity string `json:"severity"`
	}
	use(t, c, "get_case", map[string]any{"caseId": cs.ID}, &after)
	if after.Severity != "critical" {
		t.Errorf("severity %q: the first update was lost", after.Severity)
	}
}

// TestScenarioSpaces: a case created in one space is invisible in another.
func TestScenarioSpaces(t *testing.T) {
	c := startSandboxed(t)
	const title = "Scenario: beaconing from kiosk-7"
	var created caseDoc
	use(t, c, "create_case", map[string]any{"title": title, "description": "Seen from the proxy logs."}, &created)
	for space, want := range map[string]int{"default": 1, "soc": 0} {
		var found struct {
			Total int `json:"total"`
		}
		use(t, c, "find_cases", map[string]any{"search": "kiosk-7", "space_id": space}, &found)
		if found.Total != want {
			t.Errorf("space %s finds %d cases about kiosk-7, want %d", space, found.Total, want)
		}
	}
	if res, text := callTool(t, c, "get_case", `{"caseId":"`+created.ID+`","space_id":"soc"}`); !res.IsError || !strings.Contains(text, "404") {
		t.Errorf("the default space's case read from soc: %s", text)
	}
}

// TestScenarioUnauthorized: with a wrong key every tool answers Kibana's
// 401 as a clear tool error.
func TestScenarioUnauthorized(t *testing.T) {
	srv := httptest.NewServer(sandbox.New(sandbox.Config{APIKey: "the-right-key"}))
	defer srv.Close()
	c := startStdio(t, srv.URL, "KIBANA_API_KEY=a-wrong-key", "KIBANA_MCP_TOOLSETS=all", "KIBANA_MCP_CONFIRM_DESTRUCTIVE=off")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range list.Tools {
		op, ok := tools.Lookup(tool.Name)
		if !ok {
			continue
		}
		res, text := callTool(t, c, tool.Name, op.Examples[0])
		if !res.IsError || !strings.Contains(text, "401") || !strings.Contains(text, "unable to authenticate") {
			t.Errorf("%s with a wrong key: isError=%v %s", tool.Name, res.IsError, text)
		}
	}
}

// TestCallCommand: `kibana-mcp --sandbox call TOOL ARGS` prints the answer
// and exits 0; a tool error goes to stderr with exit status 1; `-` reads the
// arguments from stdin.
func TestCallCommand(t *testing.T) {
	bin := buildBinary(t)
	run := func(stdin string, args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"HOME=" + t.TempDir()}
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}
	out, stderr, code := run("", "--sandbox", "call", "find_cases", `{"status":"open","perPage":3}`)
	var found struct {
		Cases []caseRow `json:"cases"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &found) != nil || len(found.Cases) != 3 || !strings.Contains(stderr, "SANDBOX") {
		t.Fatalf("call find_cases: exit %d\nstdout %.300s\nstderr %.300s", code, out, stderr)
	}
	out, _, code = run(`{"caseId":"`+found.Cases[0].ID+`"}`, "--sandbox", "call", "get_case", "-")
	if code != 0 || !strings.Contains(out, found.Cases[0].ID) {
		t.Errorf("arguments from stdin: exit %d %.300s", code, out)
	}
	out, stderr, code = run("", "--sandbox", "call", "get_case", `{"caseId":"no-such-case"}`)
	if code != 1 || out != "" || !strings.Contains(stderr, "404") {
		t.Errorf("failing call: exit %d stdout %q stderr %.300s", code, out, stderr)
	}
	if _, stderr, code = run("", "--sandbox", "call", "get_case", `not json`); code != 2 || !strings.Contains(stderr, "JSON object") {
		t.Errorf("bad arguments: exit %d %s", code, stderr)
	}
}

// TestSandboxCommand: `kibana-mcp sandbox --addr` serves the simulated
// Kibana HTTP API alone, with the documented default credentials.
func TestSandboxCommand(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(buildBinary(t), "sandbox", "--addr", addr)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	get := func(auth string) (int, string) {
		req, _ := http.NewRequest("GET", "http://"+addr+"/api/cases/_find?perPage=1", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if status, _ := get("ApiKey sandbox-api-key"); status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sandbox did not answer on %s; stderr: %s", addr, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status, body := get("Basic ZWxhc3RpYzpjaGFuZ2VtZQ=="); status != http.StatusOK || !strings.Contains(body, `"cases"`) {
		t.Errorf("elastic/changeme: %d %.200s", status, body)
	}
	if status, body := get(""); status != http.StatusUnauthorized || !strings.Contains(body, `"statusCode":401`) {
		t.Errorf("no credentials: %d %.200s", status, body)
	}
	if !strings.Contains(stderr.String(), "SANDBOX") {
		t.Errorf("stderr does not say it is a sandbox: %s", stderr.String())
	}
}

// TestScenarioPromptsResourcesCompletion: what a client's menus offer,
// from the built binary on the sandbox: the triage prompts, case ids
// completed from what was typed, and a case attached as a resource.
func TestScenarioPromptsResourcesCompletion(t *testing.T) {
	c := startSandboxed(t)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	prompts, err := c.ListPrompts(ctx, mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range prompts.Prompts {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "case_handoff_note,fleet_health,investigate_alert,investigate_host,review_open_cases,triage_case" {
		t.Errorf("prompts with every toolset served: %v", names)
	}

	// Typing the start of a seeded case's title completes its id.
	var complete mcp.CompleteRequest
	complete.Params.Ref = mcp.PromptReference{Type: "ref/prompt", Name: "triage_case"}
	complete.Params.Argument = mcp.CompleteArgument{Name: "caseId", Value: "brute"}
	done, err := c.Complete(ctx, complete)
	if err != nil {
		t.Fatal(err)
	}
	if len(done.Completion.Values) != 1 || done.Completion.Values[0] != "80d546d5-2608-4106-8553-4113640f3b09" {
		t.Fatalf("completing caseId from %q: %v", "brute", done.Completion.Values)
	}

	var get mcp.GetPromptRequest
	get.Params.Name = "triage_case"
	get.Params.Arguments = map[string]string{"caseId": done.Completion.Values[0]}
	prompt, err := c.GetPrompt(ctx, get)
	if err != nil {
		t.Fatal(err)
	}
	text := prompt.Messages[0].Content.(mcp.TextContent).Text
	if !strings.Contains(text, done.Completion.Values[0]) || !strings.Contains(text, "`get_case`") {
		t.Errorf("triage_case text: %s", text)
	}
	get.Params.Arguments = map[string]string{}
	if _, err := c.GetPrompt(ctx, get); err == nil || !strings.Contains(err.Error(), "caseId") {
		t.Errorf("triage_case without caseId: %v", err)
	}

	// Open cases are listed as resources; one reads as the case document.
	listed, err := c.ListResources(ctx, mcp.ListResourcesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	uri := ""
	for _, r := range listed.Resources {
		if strings.HasPrefix(r.URI, "kibana://cases/") {
			uri = r.URI
			break
		}
	}
	if uri == "" {
		t.Fatalf("no case among the listed resources: %+v", listed.Resources)
	}
	var read mcp.ReadResourceRequest
	read.Params.URI = uri
	res, err := c.ReadResource(ctx, read)
	if err != nil {
		t.Fatal(err)
	}
	doc := res.Contents[0].(mcp.TextResourceContents)
	if doc.MIMEType != "application/json" || !strings.Contains(doc.Text, `"id":"`+strings.TrimPrefix(uri, "kibana://cases/")+`"`) {
		t.Errorf("reading %s: %s %.200s", uri, doc.MIMEType, doc.Text)
	}
	read.Params.URI = "kibana://cases/no-such-case"
	if _, err := c.ReadResource(ctx, read); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("reading a missing case: %v", err)
	}
}

// TestScenarioLogNotificationsOverStdio: on stdio too, a Kibana error
// reaches the client as a log notification at the level it set.
func TestScenarioLogNotificationsOverStdio(t *testing.T) {
	c := startSandboxed(t)
	got := make(chan string, 10)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method != string(mcp.MethodNotificationMessage) {
			return
		}
		data, _ := n.Params.AdditionalFields["data"].(map[string]any)
		msg, _ := data["message"].(string)
		level, _ := n.Params.AdditionalFields["level"].(string)
		got <- level + ": " + msg
	})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	// The stdio client starts its transport when made; Start again only
	// hooks the client's notification handlers to it.
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var set mcp.SetLevelRequest
	set.Params.Level = mcp.LoggingLevelWarning
	if err := c.SetLevel(ctx, set); err != nil {
		t.Fatal(err)
	}
	if res, _ := callTool(t, c, "get_case", `{"caseId":"no-such-case"}`); !res.IsError {
		t.Fatal("reading a missing case succeeded")
	}
	select {
	case msg := <-got:
		if !strings.HasPrefix(msg, "error: Kibana answered 404") {
			t.Errorf("notification %q", msg)
		}
	case <-ctx.Done():
		t.Fatal("no log notification for a Kibana error")
	}
}
