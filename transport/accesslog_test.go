package transport

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestAccessLog: one line per request, with method, path, status,
// duration and session, and neither the token, the client's Kibana key
// nor any query but the SSE session.
func TestAccessLog(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		log, logs := testLogger()
		ts := New(Options{Transport: tr, Token: "t0ken-value", AllowClientCredentials: true, Log: log})
		r := serve(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil)))
		c := mustConnect(t, r, map[string]string{"Authorization": "Bearer t0ken-value", HeaderAPIKey: "dave-key"})
		if _, isErr, err := callTool(t, c, "get_case", map[string]any{"caseId": "c1"}); err != nil || isErr {
			t.Fatal(isErr, err)
		}
		post(t, http.MethodGet, r.url+"/healthz?secret=hunter2", "", nil)
		c.Close()
		r.stop()

		lines := logs.lines("http request")
		var mcpLines, sessionLines int
		for _, l := range lines {
			for _, field := range []string{"method", "path", "status", "duration_ms", "session", "remote"} {
				if _, ok := l[field]; !ok {
					t.Errorf("line without %s: %v", field, l)
				}
			}
			// Durations are logged in milliseconds, as numbers.
			if ms, ok := l["duration_ms"].(float64); !ok || ms < 0 || ms != float64(int64(ms*10))/10 {
				t.Errorf("duration_ms %v: want milliseconds to one decimal", l["duration_ms"])
			}
			if p := l["path"].(string); strings.Contains(p, "?") {
				t.Errorf("path with a query: %v", l)
			}
			if l["path"] == "/healthz" && l["level"] != "DEBUG" {
				t.Errorf("probe logged at %v", l["level"])
			}
			if l["path"] != "/healthz" {
				mcpLines++
				if l["level"] != "INFO" {
					t.Errorf("MCP request logged at %v", l["level"])
				}
				if l["session"] != "" {
					sessionLines++
				}
			}
		}
		// initialize, notifications/initialized, tools/call (and the SSE stream).
		if mcpLines < 3 || sessionLines < mcpLines-1 {
			t.Errorf("%d MCP lines, %d with a session:\n%s", mcpLines, sessionLines, logs)
		}
		for _, secret := range []string{"t0ken-value", "dave-key", "hunter2"} {
			if strings.Contains(logs.String(), secret) {
				t.Errorf("%q reached the log", secret)
			}
		}
	})
}

// TestRecorderKeepsStreaming: event streams need Flush to reach the
// client, and write deadlines need Unwrap.
func TestRecorderKeepsStreaming(t *testing.T) {
	inner := httptest.NewRecorder()
	w := &recorder{ResponseWriter: inner}
	var rw http.ResponseWriter = w
	f, ok := rw.(http.Flusher)
	if !ok {
		t.Fatal("the recorder is no http.Flusher")
	}
	w.Write([]byte("event: endpoint\n\n"))
	f.Flush()
	if !inner.Flushed || w.code() != http.StatusOK || w.bytes != 17 {
		t.Errorf("flushed %v, code %d, bytes %d", inner.Flushed, w.code(), w.bytes)
	}
	if err := http.NewResponseController(w).Flush(); err != nil {
		t.Errorf("ResponseController through the recorder: %v", err)
	}
	w.WriteHeader(http.StatusTeapot) // too late: the first status stays
	if w.code() != http.StatusOK {
		t.Errorf("status changed to %d after the body", w.code())
	}
}

func TestMillis(t *testing.T) {
	for d, want := range map[time.Duration]float64{1234567: 1.2, 5 * time.Second: 5000, 0: 0, 50 * time.Microsecond: 0.1} {
		if got := millis(d); got != want {
			t.Errorf("millis(%v) = %v, want %v", d, got, want)
		}
	}
}
