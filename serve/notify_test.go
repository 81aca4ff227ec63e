package serve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// TestNoticeJustBeforeTheAnswerArrivesOverStreamableHTTP: a call that
// Kibana refuses sends its error notice and answers at once, with no wait
// between the two (mcp-go v1.2.1 could drop such a notice on streamable
// HTTP; v1.6.0 writes a request's notifications to its own stream and
// drains them before the answer). On the wire, every one of many calls
// carries its notifications/message ahead of its answer, in both protocol
// eras.
func TestNoticeJustBeforeTheAnswerArrivesOverStreamableHTTP(t *testing.T) {
	kib := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"statusCode":404,"error":"Not Found","message":"Saved object [cases/nope] not found"}`)
	}))
	t.Cleanup(kib.Close)
	kc, err := kibana.New(kibana.Config{URL: kib.URL, APIKey: "k", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := server.NewMCPServer("t", "0", server.WithLogging())
	if err := Install(s, kc, tools.Catalog, Options{Selection: Selection{Tools: []string{"get_case"}}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.NewStreamableHTTPServer(s))
	t.Cleanup(srv.Close)
	url := srv.URL + "/mcp"

	const calls = 500
	deadline := time.Now().Add(20 * time.Second)

	t.Run("2025-06-18", func(t *testing.T) {
		headers := http.Header{}
		resp, _ := post(t, url, headers, map[string]any{"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": map[string]any{
			"protocolVersion": "2025-06-18", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "t", "version": "1"}}})
		headers.Set(mcp.HeaderSessionID, resp.Header.Get(mcp.HeaderSessionID))
		headers.Set(mcp.HeaderProtocolVersion, "2025-06-18")
		post(t, url, headers, map[string]any{"jsonrpc": "2.0", "method": "notifications/initialized"})
		post(t, url, headers, map[string]any{"jsonrpc": "2.0", "id": 1, "method": "logging/setLevel", "params": map[string]any{"level": "error"}})
		for i := range calls {
			if time.Now().After(deadline) {
				t.Fatalf("only %d of %d calls before the deadline", i, calls)
			}
			_, body := post(t, url, headers, map[string]any{"jsonrpc": "2.0", "id": 100 + i, "method": "tools/call",
				"params": map[string]any{"name": "get_case", "arguments": map[string]any{"caseId": "nope"}}})
			checkNoticeFirst(t, i, body)
		}
	})

	t.Run(mcp.ProtocolVersion20260728, func(t *testing.T) {
		headers := http.Header{}
		headers.Set(mcp.HeaderProtocolVersion, mcp.ProtocolVersion20260728)
		headers.Set(mcp.HeaderMethod, "tools/call")
		headers.Set(mcp.HeaderName, "get_case")
		for i := range calls {
			if time.Now().After(deadline) {
				t.Fatalf("only %d of %d calls before the deadline", i, calls)
			}
			_, body := post(t, url, headers, map[string]any{"jsonrpc": "2.0", "id": 100 + i, "method": "tools/call",
				"params": map[string]any{"name": "get_case", "arguments": map[string]any{"caseId": "nope"},
					"_meta": map[string]any{
						mcp.MetaKeyProtocolVersion:    mcp.ProtocolVersion20260728,
						mcp.MetaKeyClientInfo:         map[string]any{"name": "t", "version": "1"},
						mcp.MetaKeyClientCapabilities: map[string]any{},
						mcp.MetaKeyLogLevel:           "error",
					}}})
			checkNoticeFirst(t, i, body)
		}
	})
}

// post sends one JSON-RPC message and returns the response and its body.
func post(t *testing.T, url string, headers http.Header, msg any) (*http.Response, []byte) {
	t.Helper()
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = headers.Clone()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode >= 300 {
		t.Fatalf("%s: %s %s", b, resp.Status, body)
	}
	return resp, body
}

// checkNoticeFirst fails unless body, an SSE stream, carries the error
// notice and then the call's answer, and nothing else.
func checkNoticeFirst(t *testing.T, call int, body []byte) {
	t.Helper()
	var methods []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var msg struct {
			Method string
			Params struct{ Level string }
			Result *struct{ IsError bool }
		}
		if err := json.Unmarshal([]byte(data), &msg); err != nil {
			t.Fatalf("call %d: %q: %v", call, data, err)
		}
		switch {
		case msg.Method != "":
			methods = append(methods, msg.Method+"/"+msg.Params.Level)
		case msg.Result != nil:
			methods = append(methods, fmt.Sprintf("result/isError=%v", msg.Result.IsError))
		}
	}
	want := []string{"notifications/message/error", "result/isError=true"}
	if strings.Join(methods, " ") != strings.Join(want, " ") {
		t.Fatalf("call %d: the stream carried %q, want %q:\n%s", call, methods, want, body)
	}
}
