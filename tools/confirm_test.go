package tools

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
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
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	kc, err := kibana.New(kibana.Config{URL: srv.URL, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner(kc, Options{Confirm: ConfirmAsk})
	op := mustLookup(t, "delete_case_comment")
	approved := args(t, `{"caseId":"c1","commentId":"k1"}`)
	other := args(t, `{"caseId":"c1","commentId":"k2"}`)

	first, err := r.run(modernCtx(), op, approved, mcp.MultiRoundTripParams{})
	if err != nil || !first.NeedsInput() || hits.Load() != 0 {
		t.Fatalf("first call: %v %+v", err, first)
	}
	msg := first.InputRequests[confirmID].Elicitation.Message
	if want := `delete_case_comment in space "default": DELETE /api/cases/c1/comments/k1. Allow?`; msg != want {
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

// TestConfirmationSummaryQuotesModelText: IDs and field names the model
// chose are quoted and shortened, so they cannot read as the server's words.
func TestConfirmationSummaryQuotesModelText(t *testing.T) {
	kc, err := kibana.New(kibana.Config{URL: "http://127.0.0.1:9"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRunner(kc, Options{Confirm: ConfirmAsk})
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
	if got, want := r.summary(context.Background(), RawRequest, raw, nil), `call_kibana_api in space "default": POST /api/actions/connector?force=true, setting "bad\nkey" to 1, config, secrets. Allow?`; got != want {
		t.Errorf("raw summary %q, want %q", got, want)
	}
}

// TestReplicasSharingASecretAcceptEachOthersApprovals: a runner given the
// same secret (another replica of one deployment) accepts a state the first
// issued; a different secret, or none, does not.
func TestReplicasSharingASecretAcceptEachOthersApprovals(t *testing.T) {
	args := map[string]any{"ids": []any{"c1"}}
	now := time.Now()
	state := NewRunner(nil, Options{ConfirmSecret: []byte("shared")}).states.issue("delete_cases", args, "credential server", now)
	for _, tc := range []struct {
		secret string
		want   error
	}{{"shared", nil}, {"other", errStateMismatch}, {"", errStateMismatch}} {
		got := NewRunner(nil, Options{ConfirmSecret: []byte(tc.secret)}).states.check(state, "delete_cases", args, "credential server", now)
		if !errors.Is(got, tc.want) && got != tc.want {
			t.Errorf("secret %q: %v, want %v", tc.secret, got, tc.want)
		}
	}
}
