package tools

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

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
	r := NewRunner(kc, Options{Confirm: true})
	op := mustLookup(t, "delete_case_comment")
	approved := args(t, `{"caseId":"c1","commentId":"k1"}`)
	other := args(t, `{"caseId":"c1","commentId":"k2"}`)

	first, err := r.run(modernCtx(), op, approved, mcp.MultiRoundTripParams{})
	if err != nil || !first.NeedsInput() || hits.Load() != 0 {
		t.Fatalf("first call: %v %+v", err, first)
	}
	msg := first.InputRequests[confirmID].Elicitation.Message
	if want := `Allow delete_case_comment in space "default": DELETE /api/cases/c1/comments/k1 on c1, k1?`; msg != want {
		t.Errorf("question %q, want %q", msg, want)
	}
	accept := mcp.InputResponses{confirmID: mcp.NewElicitationInputResponse(mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}})}
	replay, err := r.run(modernCtx(), op, other, mcp.MultiRoundTripParams{InputResponses: accept, RequestState: first.RequestState})
	if err != nil || !replay.NeedsInput() || hits.Load() != 0 {
		t.Fatalf("approval replayed for other arguments: %v %+v, Kibana hit %d times", err, replay, hits.Load())
	}
	done, err := r.run(modernCtx(), op, approved, mcp.MultiRoundTripParams{InputResponses: accept, RequestState: first.RequestState})
	if err != nil || done.NeedsInput() || done.IsError || hits.Load() != 1 {
		t.Fatalf("approved call: %v %+v, Kibana hit %d times", err, done, hits.Load())
	}
}
