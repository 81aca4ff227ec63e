package app

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestStartupReadsStatusOnce: the read that learns which Kibana this is
// also gives the start-up line; Kibana's status API is asked once.
func TestStartupReadsStatusOnce(t *testing.T) {
	var status atomic.Int32
	kib := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/status" {
			status.Add(1)
			io.WriteString(w, `{"version":{"number":"9.3.0","build_flavor":"traditional"},"status":{"overall":{"level":"available"}}}`)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"statusCode":404,"error":"Not Found","message":"Not Found"}`)
	}))
	defer kib.Close()
	in := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n" +
		`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" +
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}` + "\n"
	var out, logs bytes.Buffer
	code := Main(t.Context(), nil, strings.NewReader(in), &out, &logs, env(map[string]string{"KIBANA_URL": kib.URL, "KIBANA_API_KEY": "k", "KIBANA_MCP_LOG_FORMAT": "json"}))
	if code != 0 || !strings.Contains(out.String(), `"id":2`) {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), logs.String())
	}
	if !strings.Contains(logs.String(), "Kibana connected") || !strings.Contains(logs.String(), "9.3.0") {
		t.Errorf("no start-up line naming the version:\n%s", logs.String())
	}
	if n := status.Load(); n != 1 {
		t.Errorf("Kibana's status API was read %d times at start, want 1", n)
	}
}
