package tools

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// callFlow runs a tool's handler and returns its result texts.
func callFlow(t *testing.T, client *kibana.Client, name, arguments string) (bool, []string) {
	t.Helper()
	var call mcp.CallToolRequest
	call.Params.Name = name
	call.Params.Arguments = args(t, arguments)
	res, err := serve.Handler(client, Catalog, mustLookup(t, name))(t.Context(), call)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			texts = append(texts, tc.Text)
		}
	}
	return res.IsError, texts
}

const caseArg = `"caseId":"` + sandboxCaseID + `"`

func TestUpdateCaseReadsTheVersionItself(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "update_case", `{`+caseArg+`,"status":"in-progress","tags":["vpn"]}`)
	if isErr {
		t.Fatalf("update_case: %v", texts)
	}
	var got struct{ CaseID, Status, Version string }
	if err := json.Unmarshal([]byte(texts[0]), &got); err != nil || got.CaseID != sandboxCaseID || got.Status != "in-progress" || got.Version == "" || len(texts[0]) > 400 {
		t.Fatalf("answer is not a short acknowledgement of the updated case: %.300s", texts[0])
	}
	if len(texts) != 2 || !strings.Contains(texts[1], "read the case's current version") {
		t.Errorf("no note saying the version was read: %q", texts[1:])
	}
	seen, bodies := sk.Requests()
	if len(seen) != 2 || seen[0] != "GET /api/cases/"+sandboxCaseID || seen[1] != "PATCH /api/cases" {
		t.Fatalf("Kibana saw %q", seen)
	}
	if !strings.Contains(bodies[1], `"version":"WzMwLDFd"`) || !strings.Contains(bodies[1], `"tags":["vpn"]`) {
		t.Errorf("PATCH body %s", bodies[1])
	}
}

func TestUpdateCaseRetriesOnceAfterAConflict(t *testing.T) {
	conflicts := 1
	conflict := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPatch && conflicts > 0 {
			conflicts--
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusConflict)
			io.WriteString(w, `{"statusCode":409,"error":"Conflict","message":"This case has been updated. Please refresh before saving additional updates."}`)
			return true
		}
		return false
	}
	sk, client := sandboxtest.New(t, conflict)
	isErr, texts := callFlow(t, client, "update_case", `{`+caseArg+`,"severity":"critical"}`)
	if isErr || !strings.Contains(strings.Join(texts, "\n"), "409 Conflict") || !strings.Contains(strings.Join(texts, "\n"), "retried once") {
		t.Fatalf("update_case after one conflict: isError=%v %q", isErr, texts)
	}
	if seen, _ := sk.Requests(); strings.Join(seen, ",") != "GET /api/cases/"+sandboxCaseID+",PATCH /api/cases,GET /api/cases/"+sandboxCaseID+",PATCH /api/cases" {
		t.Errorf("Kibana saw %q", seen)
	}

	// Two conflicts in a row: the second is reported, not retried again.
	conflicts = 2
	sk, client = sandboxtest.New(t, conflict)
	isErr, texts = callFlow(t, client, "update_case", `{`+caseArg+`,"severity":"critical"}`)
	if !isErr || !strings.Contains(texts[0], "409") {
		t.Fatalf("update_case after two conflicts: isError=%v %q", isErr, texts)
	}
	if seen, _ := sk.Requests(); len(seen) != 4 {
		t.Errorf("Kibana saw %q, want two reads and two writes", seen)
	}
}

func TestUpdateCaseWithAStaleVersionFailsWithTheConflictExplained(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "update_case", `{`+caseArg+`,"version":"WzEsMV0=","status":"closed"}`)
	if !isErr || !strings.Contains(texts[0], "409") || !strings.Contains(texts[0], "call again without version") {
		t.Fatalf("stale version: isError=%v %q", isErr, texts)
	}
	if seen, _ := sk.Requests(); len(seen) != 1 || seen[0] != "PATCH /api/cases" {
		t.Errorf("Kibana saw %q: an explicit version must be sent once, as given", seen)
	}
}

func TestUpdateCaseArgumentChecks(t *testing.T) {
	for _, c := range []struct{ args, want string }{
		{`{` + caseArg + `}`, `invalid arguments: nothing to change: give at least one field to change: status`},
		{`{` + caseArg + `,"assignees":[{"uid":""}]}`, `invalid argument "assignees[0].uid": is required`},
		{`{` + caseArg + `,"settings":{}}`, `invalid argument "settings.syncAlerts": is required`},
		{`{"status":"open"}`, `"caseId"`},
	} {
		_, err := mustLookup(t, "update_case").Bind(args(t, c.args))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %s", c.args, err, c.want)
		}
	}
}

func TestUpdateCaseCommentReadsTheVersionItself(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "update_case_comment", `{`+caseArg+`,"id":"83742920-b274-4a22-803b-6ece265bc695","type":"user","owner":"securitySolution","comment":"Account re-enabled after review."}`)
	if isErr || !strings.Contains(texts[len(texts)-1], "comment's current version (WzI5LDFd)") {
		t.Fatalf("update_case_comment: isError=%v %q", isErr, texts)
	}
	seen, bodies := sk.Requests()
	if len(seen) != 2 || !strings.HasPrefix(seen[0], "GET /api/cases/"+sandboxCaseID+"/comments/") || !strings.Contains(bodies[1], `"version":"WzI5LDFd"`) {
		t.Errorf("Kibana saw %q %q", seen, bodies)
	}
}

func TestAttachAlertsLooksUpTheirRule(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	// Two alerts of the seeded brute-force case; one rule behind them.
	const other = "c68a6178d9af34a114c0822f8adb1cfa4b657f30add5c1ac881f4f6fdb602f58"
	isErr, texts := callFlow(t, client, "attach_alerts_to_case", `{`+caseArg+`,"alertIds":["`+sandboxAlertID+`","`+other+`"]}`)
	if isErr {
		t.Fatalf("attach_alerts_to_case: %q", texts)
	}
	if !strings.Contains(texts[len(texts)-1], `"Multiple failed logins followed by success" (d913e1b9-3555-423b-81da-0ec265667598): 2`) {
		t.Errorf("note does not name the rule found: %q", texts[len(texts)-1])
	}
	seen, bodies := sk.Requests()
	if len(seen) != 2 || seen[0] != "POST /api/detection_engine/signals/search" || seen[1] != "POST /api/cases/"+sandboxCaseID+"/comments" {
		t.Fatalf("Kibana saw %q", seen)
	}
	var sent struct {
		Type, Owner string
		AlertID     []string
		Index       []string
		Rule        struct{ ID, Name string }
	}
	json.Unmarshal([]byte(bodies[1]), &sent)
	if sent.Type != "alert" || sent.Owner != "securitySolution" || len(sent.AlertID) != 2 || len(sent.Index) != 2 ||
		sent.Index[0] != ".internal.alerts-security.alerts-default-000001" || sent.Rule.ID != "d913e1b9-3555-423b-81da-0ec265667598" {
		t.Errorf("attachment sent: %s", bodies[1])
	}
}

func TestAttachAlertsWritesNothingWhenAnAlertIsUnknown(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "attach_alerts_to_case", `{`+caseArg+`,"alertIds":["`+sandboxAlertID+`","no-such-alert"]}`)
	if !isErr || !strings.Contains(texts[0], `invalid argument "alertIds": 1 of 2 are not detection alerts in this space: no-such-alert; nothing was attached`) {
		t.Fatalf("unknown alert: isError=%v %q", isErr, texts)
	}
	if seen, _ := sk.Requests(); len(seen) != 1 {
		t.Errorf("Kibana saw %q: nothing but the lookup may be sent", seen)
	}
}

func TestAttachAlertsWithRuleAndIndexGivenNeedsNoLookup(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "attach_alerts_to_case", `{`+caseArg+`,"alertIds":["`+sandboxAlertID+`"],"index":".internal.alerts-security.alerts-default-000001","rule":{"id":"d913e1b9-3555-423b-81da-0ec265667598","name":"Multiple failed logins followed by success"}}`)
	if isErr {
		t.Fatalf("%q", texts)
	}
	if seen, _ := sk.Requests(); len(seen) != 1 || !strings.HasPrefix(seen[0], "POST /api/cases/") {
		t.Errorf("Kibana saw %q", seen)
	}
}

func TestGetCaseIncludesBoundedParts(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "get_case", `{`+caseArg+`,"include":["alerts","comments","activity"],"perPage":3}`)
	if isErr {
		t.Fatalf("%q", texts)
	}
	var got struct {
		ID       string
		Included struct {
			Alerts struct {
				Total, Page, PerPage int
				Alerts               []struct {
					ID, Index, RuleName, RuleID, Severity, Host, Reason, WorkflowStatus string
					RiskScore                                                           float64
				}
			}
			Comments struct {
				Total    int
				Comments []map[string]any
			}
			Activity struct {
				Total       int
				UserActions []json.RawMessage
			}
		}
	}
	if err := json.Unmarshal([]byte(texts[0]), &got); err != nil {
		t.Fatal(err)
	}
	inc := got.Included
	if got.ID != sandboxCaseID || inc.Alerts.Total != 7 || len(inc.Alerts.Alerts) != 3 || inc.Alerts.PerPage != 3 ||
		inc.Comments.Total != 2 || len(inc.Comments.Comments) != 2 || inc.Activity.Total == 0 || len(inc.Activity.UserActions) > 3 {
		t.Errorf("parts: %+v", inc)
	}
	// Each alert comes as a summary row read from the detection alerts.
	for _, a := range inc.Alerts.Alerts {
		if a.ID == "" || a.Index == "" || a.RuleName == "" || a.RuleID == "" || a.Severity == "" || a.Host == "" || a.Reason == "" || a.WorkflowStatus == "" || a.RiskScore == 0 {
			t.Errorf("alert row without its details: %+v", a)
		}
	}
	// Beside them, alert comments give a count, not the ids again.
	for _, c := range inc.Comments.Comments {
		if c["type"] == "alert" && (c["alertId"] != nil || c["alertCount"] == nil) {
			t.Errorf("alert comment repeats its ids: %v", c)
		}
	}
	if strings.Count(texts[0], inc.Alerts.Alerts[0].ID) != 1 {
		t.Errorf("alert id %s appears %d times", inc.Alerts.Alerts[0].ID, strings.Count(texts[0], inc.Alerts.Alerts[0].ID))
	}

	// Paging arguments page the parts; without parts they are a mistake.
	if _, err := mustLookup(t, "get_case").Bind(args(t, `{`+caseArg+`,"perPage":5}`)); err == nil || !strings.Contains(err.Error(), `"perPage": pages the included parts; give include too`) {
		t.Errorf("perPage without include: %v", err)
	}
}

// TestCompactRowsSaveContext measures the summary rows of the find tools
// against full documents on the sandbox's data, and checks the rows keep
// what a model needs to choose what to open next.
func TestCompactRowsSaveContext(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	for _, c := range []struct{ tool, args, mustKeep string }{
		{"find_cases", `{"perPage":100}`, `"alerts":7`},
		{"find_rules", `{"per_page":100}`, `"rule_type_id":"siem.queryRule"`},
		{"search_detection_alerts", `{"size":100}`, `"kibana.alert.rule.uuid"`},
	} {
		_, rows := callFlow(t, client, c.tool, c.args)
		full := strings.TrimSuffix(c.args, "}") + `,"full":true}`
		_, docs := callFlow(t, client, c.tool, full)
		r, d := len(rows[0]), len(docs[0])
		t.Logf("%s on the sandbox: summary rows %d bytes, full documents %d bytes (%.0f%%)", c.tool, r, d, 100*float64(r)/float64(d))
		if !strings.Contains(rows[0], c.mustKeep) {
			t.Errorf("%s rows lost %s: %.300s", c.tool, c.mustKeep, rows[0])
		}
		if r*2 > d {
			t.Errorf("%s: rows are %d bytes of the documents' %d; want under half", c.tool, r, d)
		}
	}
}

// TestCaseWritesAnswerShort: a comment added without its owner takes the
// case's; the answer names the new comment and the case's new version in a
// few hundred bytes, and full:true gives the whole case.
func TestCaseWritesAnswerShort(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	isErr, texts := callFlow(t, client, "add_case_comment", `{`+caseArg+`,"type":"user","comment":"Blocked the source IPs."}`)
	if isErr {
		t.Fatalf("add_case_comment: %v", texts)
	}
	var ack struct{ CaseID, Version, CommentID string }
	if err := json.Unmarshal([]byte(texts[0]), &ack); err != nil || ack.CaseID != sandboxCaseID || ack.Version == "" || ack.CommentID == "" || len(texts[0]) > 600 {
		t.Fatalf("answer: %s", texts[0])
	}
	seen, bodies := sk.Requests()
	if len(seen) != 2 || !strings.Contains(bodies[1], `"owner":"securitySolution"`) {
		t.Fatalf("Kibana saw %q %q", seen, bodies)
	}
	// The comment named is the one just added.
	_, texts = callFlow(t, client, "get_case", `{`+caseArg+`,"include":["comments"]}`)
	if !strings.Contains(texts[0], ack.CommentID) || !strings.Contains(texts[0], "Blocked the source IPs.") {
		t.Errorf("comment %s not in the case: %.500s", ack.CommentID, texts[0])
	}
	_, texts = callFlow(t, client, "add_case_comment", `{`+caseArg+`,"type":"user","comment":"Second note.","full":true}`)
	if !strings.Contains(texts[0], `"comments":[`) || !strings.Contains(texts[0], "Second note.") {
		t.Errorf("full answer is not the case: %.300s", texts[0])
	}
}

// TestFindCasesNamesAssignees: beside an assignee's uid, the row gives the
// name Kibana's own answer carries for that uid (as a case's author).
func TestFindCasesNamesAssignees(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	_, texts := callFlow(t, client, "find_cases", `{"perPage":20}`)
	var page struct {
		Cases []struct {
			Assignees     []string
			AssigneeNames map[string]string
		}
	}
	if err := json.Unmarshal([]byte(texts[0]), &page); err != nil {
		t.Fatal(err)
	}
	named := 0
	for _, c := range page.Cases {
		for uid, name := range c.AssigneeNames {
			if !slices.Contains(c.Assignees, uid) || name == "" {
				t.Errorf("name %q for %s, who is not assigned: %v", name, uid, c.Assignees)
			}
			named++
		}
	}
	if named == 0 {
		t.Errorf("no assignee named on a page of %d cases", len(page.Cases))
	}
}

// TestGetCaseNamesAssignees: a case's assignees come with their names
// where the case's own users or the reporters list know them.
func TestGetCaseNamesAssignees(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	_, texts := callFlow(t, client, "get_case", `{`+caseArg+`}`)
	var c struct {
		Assignees     []struct{ UID string }
		AssigneeNames map[string]string
	}
	if err := json.Unmarshal([]byte(texts[0]), &c); err != nil || len(c.Assignees) == 0 {
		t.Fatalf("%v %.300s", err, texts[0])
	}
	if name := c.AssigneeNames[c.Assignees[0].UID]; name == "" {
		t.Errorf("assignee %s not named: %v", c.Assignees[0].UID, c.AssigneeNames)
	}
}

// TestPushAndCommentDeleteQuestions: push_case names the case by title and
// the connector by name; deleting a comment names its case.
func TestPushAndCommentDeleteQuestions(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	var conns []struct{ ID, Name string }
	if err := callJSON(t.Context(), client, "", "list_connectors", map[string]any{}, &conns); err != nil || len(conns) == 0 {
		t.Fatalf("connectors: %v %v", err, conns)
	}
	push := &PushCaseInput{CaseID: sandboxCaseID, ConnectorID: conns[0].ID}
	got := push.Describe(t.Context(), client, &kibana.Request{})
	if !strings.Contains(got, `"Brute force against VPN gateway vpn-gw-01"`) || !strings.Contains(got, `"`+conns[0].Name+`"`) {
		t.Errorf("push question %q", got)
	}
	var found struct {
		Comments []struct{ ID, Type, Comment string } `json:"comments"`
	}
	if err := callJSON(t.Context(), client, "", "find_case_comments", map[string]any{"caseId": sandboxCaseID}, &found); err != nil {
		t.Fatal(err)
	}
	var note struct{ ID, Comment string }
	for _, c := range found.Comments {
		if c.Type == "user" && c.Comment != "" {
			note.ID, note.Comment = c.ID, c.Comment
			break
		}
	}
	if note.ID == "" {
		t.Fatalf("the sandbox case has no user comment: %+v", found)
	}
	del := &DeleteCaseCommentInput{CaseID: sandboxCaseID, CommentID: note.ID}
	if err := del.Preflight(t.Context(), client, &kibana.Request{}); err != nil {
		t.Fatalf("preflight of an existing comment: %v", err)
	}
	if got, want := del.Describe(t.Context(), client, &kibana.Request{}), `permanently delete comment `+operation.Quoted(note.Comment)+` from case "Brute force against VPN gateway vpn-gw-01"`; got != want {
		t.Errorf("delete question %q, want %q", got, want)
	}
	gone := &DeleteCaseCommentInput{CaseID: sandboxCaseID, CommentID: "k1"}
	if err := gone.Preflight(t.Context(), client, &kibana.Request{}); err == nil || !strings.Contains(err.Error(), `has no comment "k1"`) {
		t.Errorf("preflight of a missing comment: %v", err)
	}
}

// TestAlertStatusQuestionCounts: a query-based status change says how many
// alerts the query matches now; an id-based one how many ids it names.
func TestAlertStatusQuestionCounts(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	in := &SetAlertStatusInput{Status: "closed", Query: json.RawMessage(`{"match_all":{}}`), Reason: "false_positive"}
	got := in.Describe(t.Context(), client, &kibana.Request{})
	if !regexp.MustCompile(`^set the workflow status of [1-9][0-9]* alert\(s\) matching the query \{"match_all":\{\}\} to "closed" with reason "false_positive"$`).MatchString(got) {
		t.Errorf("query question %q", got)
	}
	in = &SetAlertStatusInput{Status: "acknowledged", SignalIDs: []string{"a1", "a2", "a3", "a4"}}
	if got := in.Describe(t.Context(), client, &kibana.Request{}); got != `set the workflow status of 4 alert(s) ("a1", "a2", "a3", …) to "acknowledged"` {
		t.Errorf("ids question %q", got)
	}
	seen, _ := sk.Requests()
	for _, r := range seen {
		if !strings.HasPrefix(r, "POST /api/detection_engine/signals/search") {
			t.Errorf("the question sent %s", r)
		}
	}
}
