package serve

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// modernCtx is a request context of a 2026-07-28 client that can elicit.
func modernCtx() context.Context {
	return server.WithRequestProtocolInfo(context.Background(), &server.RequestProtocolInfo{
		Modern: true, ProtocolVersion: mcp.LATEST_PROTOCOL_VERSION,
		ClientCapabilities: &mcp.ClientCapabilities{Elicitation: &mcp.ElicitationCapability{}},
	})
}

// TestConfirmationIsBoundToTheArguments: an approval given for one call
// cannot be replayed with other arguments; the user is asked again.
func TestConfirmationIsBoundToTheArguments(t *testing.T) {
	var hits atomic.Int32
	// Writes are counted: the question may read the case it names.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			hits.Add(1)
		}
	}))
	defer srv.Close()
	kc, err := kibana.New(kibana.Config{URL: srv.URL, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner(kc, tools.Catalog, Options{Confirm: ConfirmAsk})
	op := mustLookup(t, "delete_case_comment")
	approved := args(t, `{"caseId":"c1","commentId":"k1"}`)
	other := args(t, `{"caseId":"c1","commentId":"k2"}`)

	first, err := r.run(modernCtx(), op, approved, mcp.MultiRoundTripParams{})
	if err != nil || !first.NeedsInput() || hits.Load() != 0 {
		t.Fatalf("first call: %v %+v", err, first)
	}
	msg := first.InputRequests[confirmID].Elicitation.Message
	if want := `delete_case_comment in space "default": permanently delete comment "k1" from case with ID "c1". Allow?`; msg != want {
		t.Errorf("question %q, want %q", msg, want)
	}
	accept := mcp.InputResponses{confirmID: mcp.NewElicitationInputResponse(mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}})}
	replay, err := r.run(modernCtx(), op, other, mcp.MultiRoundTripParams{InputResponses: accept, RequestState: first.RequestState})
	if err != nil || !replay.NeedsInput() || hits.Load() != 0 {
		t.Fatalf("approval replayed for other arguments: %v %+v, Kibana hit %d times", err, replay, hits.Load())
	}
	// A state the client made up is not the server's signature.
	forged, err := r.run(modernCtx(), op, approved, mcp.MultiRoundTripParams{InputResponses: accept, RequestState: "confirm:" + strings.Repeat("0", 64)})
	if err != nil || !forged.NeedsInput() || hits.Load() != 0 {
		t.Fatalf("forged approval accepted: %v %+v", err, forged)
	}
	done, err := r.run(modernCtx(), op, approved, mcp.MultiRoundTripParams{InputResponses: accept, RequestState: first.RequestState})
	if err != nil || done.NeedsInput() || done.IsError || hits.Load() != 1 {
		t.Fatalf("approved call: %v %+v, Kibana hit %d times", err, done, hits.Load())
	}
}

// TestDeletingACommentShowsItOrSaysItIsGone: the question quotes the
// comment's text and the case's title; a comment Kibana does not have is
// said so at once, without asking the user and without a write.
func TestDeletingACommentShowsItOrSaysItIsGone(t *testing.T) {
	var writes atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method != http.MethodGet:
			writes.Add(1)
		case r.URL.Path == "/api/cases/c1/comments/k1":
			io.WriteString(w, `{"id":"k1","type":"user","comment":"Escalated to IR on call","owner":"securitySolution"}`)
		case r.URL.Path == "/api/cases/c1/comments/k2":
			io.WriteString(w, `{"id":"k2","type":"alert","alertId":["a1","a2","a3"],"index":["i","i","i"],"owner":"securitySolution"}`)
		case r.URL.Path == "/api/cases/c1":
			io.WriteString(w, `{"id":"c1","title":"Brute force on vpn-gw-01"}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"statusCode":404,"error":"Not Found","message":"Saved object [cases-comments/k9] not found"}`)
		}
	}))
	defer srv.Close()
	kc, err := kibana.New(kibana.Config{URL: srv.URL, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner(kc, tools.Catalog, Options{Confirm: ConfirmAsk})
	op := mustLookup(t, "delete_case_comment")
	for _, tc := range []struct{ comment, want string }{
		{"k1", `delete_case_comment in space "default": permanently delete comment "Escalated to IR on call" from case "Brute force on vpn-gw-01". Allow?`},
		{"k2", `delete_case_comment in space "default": permanently delete the attachment of 3 alert(s) from case "Brute force on vpn-gw-01". Allow?`},
	} {
		res, err := r.run(modernCtx(), op, args(t, `{"caseId":"c1","commentId":"`+tc.comment+`"}`), mcp.MultiRoundTripParams{})
		if err != nil || !res.NeedsInput() {
			t.Fatalf("%s: not asked: %v %+v", tc.comment, err, res)
		}
		if got := res.InputRequests[confirmID].Elicitation.Message; got != tc.want {
			t.Errorf("question\n%s\nwant\n%s", got, tc.want)
		}
	}
	gone, err := r.run(modernCtx(), op, args(t, `{"caseId":"c1","commentId":"k9"}`), mcp.MultiRoundTripParams{})
	if err != nil || gone.NeedsInput() || !gone.IsError {
		t.Fatalf("missing comment: want an error without a question, got %v %+v", err, gone)
	}
	if text := gone.Content[0].(mcp.TextContent).Text; !strings.Contains(text, `case "c1" has no comment "k9"`) || !strings.Contains(text, "find_case_comments") {
		t.Errorf("missing comment answer: %s", text)
	}
	if writes.Load() != 0 {
		t.Errorf("%d writes reached Kibana before any approval", writes.Load())
	}
}

// TestConfirmationSummaryQuotesModelText: IDs and field names the model
// chose are quoted and shortened, so they cannot read as the server's words.
func TestConfirmationSummaryQuotesModelText(t *testing.T) {
	kc, err := kibana.New(kibana.Config{URL: "http://127.0.0.1:9"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner(kc, tools.Catalog, Options{Confirm: ConfirmAsk})
	op := mustLookup(t, "update_cases")
	req, err := op.Bind(args(t, `{"cases":[{"id":"c1?\n\nThis is a dry run. Approve to preview","version":"v","status":"closed"},{"id":"`+strings.Repeat("x", 500)+`","version":"v","tags":[]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	got := r.summary(context.Background(), op, req, nil)
	want := `update_cases in space "default": PATCH /api/cases for "c1?\n\nThis is a dry run. Approve to preview", "` + strings.Repeat("x", 64) + `\u2026", setting status to "closed", tags to []. Allow?`
	if got != want {
		t.Errorf("summary\n%s\nwant\n%s", got, want)
	}
	raw, err := RawRequest.Bind(args(t, `{"method":"POST","path":"/api/actions/connector","query":{"force":true},"body":{"secrets":{"user_id":"secret-user"},"config":{"apiKeyId":"K"},"bad\nkey":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.summary(context.Background(), RawRequest, raw, nil), `call_kibana_api in space "default": POST /api/actions/connector?force=true, setting "bad\nkey" to 1, config to {"apiKeyId":"(hidden)"}, secrets to (hidden). Allow?`; got != want {
		t.Errorf("raw summary %q, want %q", got, want)
	}
}

// TestReplicasSharingASecretAcceptEachOthersApprovals: a runner given the
// same secret (another replica of one deployment) accepts a state the first
// issued; a different secret, or none, does not.
func TestReplicasSharingASecretAcceptEachOthersApprovals(t *testing.T) {
	args := map[string]any{"ids": []any{"c1"}}
	now := time.Now()
	state := NewRunner(nil, tools.Catalog, Options{ConfirmSecret: []byte("shared")}).states.issue("delete_cases", args, "credential server", now)
	for _, tc := range []struct {
		secret string
		want   error
	}{{"shared", nil}, {"other", errStateMismatch}, {"", errStateMismatch}} {
		got := NewRunner(nil, tools.Catalog, Options{ConfirmSecret: []byte(tc.secret)}).states.check(state, "delete_cases", args, "credential server", now)
		if !errors.Is(got, tc.want) && got != tc.want {
			t.Errorf("secret %q: %v, want %v", tc.secret, got, tc.want)
		}
	}
}

// TestHostActionsAskFirst: a client that can elicit is asked before a host
// is isolated, the question names the hosts Fleet knows (IDs otherwise), and
// nothing is written to Kibana until the user approves.
func TestHostActionsAskFirst(t *testing.T) {
	var mu sync.Mutex
	var writes []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api/fleet/agents/a1" {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"item":{"id":"a1","local_metadata":{"host":{"hostname":"web-01"}}}}`)
			return
		}
		if r.Method == http.MethodGet {
			http.Error(w, `{"statusCode":404,"error":"Not Found","message":"Agent not found"}`, http.StatusNotFound)
			return
		}
		mu.Lock()
		writes = append(writes, r.Method+" "+r.URL.Path)
		mu.Unlock()
	}))
	defer srv.Close()
	written := func() int { mu.Lock(); defer mu.Unlock(); return len(writes) }
	kc, err := kibana.New(kibana.Config{URL: srv.URL, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner(kc, tools.Catalog, Options{Confirm: ConfirmAsk})
	res, err := r.run(modernCtx(), mustLookup(t, "isolate_host"), args(t, `{"endpoint_ids":["a1","a2"],"comment":"Ransomware."}`), mcp.MultiRoundTripParams{})
	if err != nil || !res.NeedsInput() || written() != 0 {
		t.Fatalf("isolate_host was not held for confirmation: %v %+v, Kibana written %d times", err, res, written())
	}
	want := `isolate_host in space "default": POST /api/endpoint/action/isolate on hosts "web-01" (agent "a1"), "a2", setting comment to "Ransomware.". Allow?`
	if got := res.InputRequests[confirmID].Elicitation.Message; got != want {
		t.Errorf("question\n%s\nwant\n%s", got, want)
	}
	// Collecting the process list changes nothing on the host: no question.
	res, err = r.run(modernCtx(), mustLookup(t, "get_running_processes"), args(t, `{"endpoint_ids":["a1"]}`), mcp.MultiRoundTripParams{})
	if err != nil || res.NeedsInput() || written() != 1 {
		t.Fatalf("get_running_processes: %v %+v, Kibana written %d times", err, res, written())
	}
}

// TestQuestionsShowWhatTheyDo: a query-based change shows its query, an
// assignee change whom it adds and removes, a connector run its params,
// with secrets hidden.
func TestQuestionsShowWhatTheyDo(t *testing.T) {
	kc, err := kibana.New(kibana.Config{URL: "http://127.0.0.1:9"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner(kc, tools.Catalog, Options{Confirm: ConfirmAsk})
	for _, tc := range []struct{ tool, args, want string }{
		{"set_alert_status", `{"query":{"match_all":{}},"status":"closed"}`, `setting query to {"match_all":{}}, status to "closed"`},
		{"set_alert_assignees", `{"ids":["a1"],"assignees":{"add":["u_1"],"remove":[]}}`, `assignees to {"add":["u_1"],"remove":[]}`},
		{"run_connector", `{"id":"c1","params":{"message":"Host isolated","subject":"Incident","to":["soc@example.com"]}}`, `params to {"message":"Host isolated","subject":"Incident","to":["soc@example.com"]}`},
	} {
		op, ok := tools.Lookup(tc.tool)
		if !ok {
			t.Fatalf("no %s", tc.tool)
		}
		req, err := op.Bind(args(t, tc.args))
		if err != nil {
			t.Fatalf("%s: %v", tc.tool, err)
		}
		if got := r.summary(context.Background(), op, req, nil); !strings.Contains(got, tc.want) || strings.Contains(got, "p4ss") {
			t.Errorf("%s question %q lacks %q", tc.tool, got, tc.want)
		}
	}
}
