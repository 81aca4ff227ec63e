package serve

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// writesSeen counts the requests of sk that change something.
func writesSeen(sk *sandboxtest.Kibana) int {
	seen, _ := sk.Requests()
	n := 0
	for _, r := range seen {
		if !strings.HasPrefix(r, "GET ") {
			n++
		}
	}
	return n
}

var acceptAnswer = mcp.InputResponses{confirmID: mcp.NewElicitationInputResponse(mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept}})}

// TestConfirmationNamesTheValues: the user is asked about the case by its
// title and the values it gets, not only the names of the fields.
func TestConfirmationNamesTheValues(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	r := NewRunner(client, tools.Catalog, Options{Confirm: ConfirmRequire})
	res, err := r.run(modernCtx(), mustLookup(t, "update_case"), args(t, `{"caseId":"`+sandboxCaseID+`","severity":"critical","status":"closed"}`), mcp.MultiRoundTripParams{})
	if err != nil || !res.NeedsInput() {
		t.Fatalf("update_case was not held: %v %+v", err, res)
	}
	want := `update_case in space "default": set severity to "critical" and status to "closed" on case "Brute force against VPN gateway vpn-gw-01". Allow?`
	if got := res.InputRequests[confirmID].Elicitation.Message; got != want {
		t.Errorf("question\n%s\nwant\n%s", got, want)
	}
	res, err = r.run(modernCtx(), mustLookup(t, "delete_cases"), args(t, `{"ids":["`+sandboxCaseID+`","no-such-case"]}`), mcp.MultiRoundTripParams{})
	if err != nil || !res.NeedsInput() {
		t.Fatalf("delete_cases was not held: %v %+v", err, res)
	}
	want = `delete_cases in space "default": permanently delete cases "Brute force against VPN gateway vpn-gw-01" and with ID "no-such-case" with their comments, alerts and history. Allow?`
	if got := res.InputRequests[confirmID].Elicitation.Message; got != want {
		t.Errorf("question\n%s\nwant\n%s", got, want)
	}
	if n := writesSeen(sk); n != 0 {
		t.Errorf("%d writes before any approval", n)
	}
}

// TestConfirmationIsBoundToCallerAndTime: an approval is honoured once, for
// the caller it was given to, within ten minutes; a replay, another
// caller's use of it and a late one are refused with the reason, and
// nothing is written.
func TestConfirmationIsBoundToCallerAndTime(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	r := NewRunner(client, tools.Catalog, Options{Confirm: ConfirmRequire})
	op := mustLookup(t, "delete_case_comment")
	call := args(t, `{"caseId":"`+sandboxCaseID+`","commentId":"k1"}`)
	alice := kibana.WithAPIKey(modernCtx(), "alice-key")
	bob := kibana.WithAPIKey(modernCtx(), "bob-key")

	asked, err := r.run(alice, op, call, mcp.MultiRoundTripParams{})
	if err != nil || !asked.NeedsInput() {
		t.Fatalf("not asked: %v %+v", err, asked)
	}
	approval := mcp.MultiRoundTripParams{InputResponses: acceptAnswer, RequestState: asked.RequestState}
	refused := func(ctx context.Context, wantText string) {
		t.Helper()
		res, err := r.run(ctx, op, call, approval)
		if err != nil || !res.IsError || !strings.Contains(resultText(res), wantText) || !strings.Contains(resultText(res), "Nothing was changed") {
			t.Fatalf("want refusal %q, got %v %+v", wantText, err, res)
		}
		if n := writesSeen(sk); n > 1 {
			t.Fatalf("%d writes", n)
		}
	}
	refused(bob, "given to another session or client")

	r.now = func() time.Time { return time.Now().Add(approvalTTL + time.Second) }
	refused(alice, "expired")
	r.now = time.Now

	if res, err := r.run(alice, op, call, approval); err != nil || res.NeedsInput() || writesSeen(sk) != 1 {
		t.Fatalf("approved call: %v %+v, %d writes", err, res, writesSeen(sk))
	}
	refused(alice, "already used")
}

// TestRequireRefusesWhatCannotBeAsked: with require, a client that cannot
// be asked gets the destructive call refused, with the reason and the way
// out, and Kibana sees nothing; ask lets it through.
func TestRequireRefusesWhatCannotBeAsked(t *testing.T) {
	sk, client := sandboxtest.New(t, nil)
	op := mustLookup(t, "delete_case_comment")
	call := args(t, `{"caseId":"`+sandboxCaseID+`","commentId":"k1"}`)
	res, err := NewRunner(client, tools.Catalog, Options{Confirm: ConfirmRequire}).run(context.Background(), op, call, mcp.MultiRoundTripParams{})
	text := resultText(res)
	if err != nil || !res.IsError || !strings.Contains(text, "requires the user's confirmation") || !strings.Contains(text, "--confirm-destructive=off") || !strings.Contains(text, "Nothing was sent to Kibana") {
		t.Fatalf("require: %v %s", err, text)
	}
	if seen, _ := sk.Requests(); len(seen) != 0 {
		t.Fatalf("Kibana saw %v", seen)
	}
	// Reads and non-destructive writes are never held.
	if res, _ := NewRunner(client, tools.Catalog, Options{Confirm: ConfirmRequire}).run(context.Background(), mustLookup(t, "get_case"), args(t, `{"caseId":"`+sandboxCaseID+`"}`), mcp.MultiRoundTripParams{}); res.IsError {
		t.Fatalf("get_case under require: %s", resultText(res))
	}
	if res, _ := NewRunner(client, tools.Catalog, Options{Confirm: ConfirmAsk}).run(context.Background(), op, call, mcp.MultiRoundTripParams{}); res.NeedsInput() || writesSeen(sk) != 1 {
		t.Fatalf("ask without a way to ask: %+v, %d writes", res, writesSeen(sk))
	}
}

// resultText joins a result's texts.
func resultText(res *mcp.CallToolResult) string {
	if res == nil {
		return ""
	}
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}
