package transport

import (
	"net"
	"strings"
	"testing"
	"time"
)

// TestShutdownLetsCallsFinish: when the context ends during a slow call,
// the server stops accepting connections at once but the call completes
// with its result, and Serve returns nil.
func TestShutdownLetsCallsFinish(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		kib := newFakeKibana(t, 700*time.Millisecond)
		ts := New(Options{Transport: tr, ShutdownGrace: testWait})
		r := serve(t, ts, newMCP(t, ts, kib.client(t, nil)))
		c := mustConnect(t, r, nil)
		type answer struct {
			text  string
			isErr bool
			err   error
			at    time.Time
		}
		answered := make(chan answer, 1)
		go func() {
			text, isErr, err := callTool(t, c, "get_case", map[string]any{"caseId": "slow"})
			answered <- answer{text, isErr, err, time.Now()}
		}()
		select {
		case <-kib.arrived:
		case <-time.After(testWait):
			t.Fatal("the call never reached Kibana")
		}
		stopped := make(chan error, 1)
		go func() { stopped <- r.stop() }()
		addr := strings.TrimPrefix(r.url, "http://")
		eventually(t, "the listener to close", func() bool {
			conn, err := net.Dial("tcp", addr)
			if err == nil {
				conn.Close()
			}
			return err != nil
		})
		closedAt := time.Now()
		var a answer
		select {
		case a = <-answered:
		case <-time.After(testWait):
			t.Fatal("the call in flight never got its answer")
		}
		if a.err != nil || a.isErr || a.text != `{"id":"slow"}` {
			t.Errorf("call in flight: %q %v %v", a.text, a.isErr, a.err)
		}
		if !a.at.After(closedAt) {
			t.Error("the call ended before the listener closed: nothing was shown")
		}
		select {
		case err := <-stopped:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(testWait):
			t.Fatal("Serve did not return")
		}
	})
}

// TestShutdownGraceIsBounded: a call that outlasts the grace period is cut
// off, and Serve still returns (nil) soon after the grace period.
func TestShutdownGraceIsBounded(t *testing.T) {
	both(t, func(t *testing.T, tr string) {
		log, logs := testLogger()
		kib := newFakeKibana(t, time.Minute)
		ts := New(Options{Transport: tr, ShutdownGrace: 200 * time.Millisecond, Log: log})
		r := serve(t, ts, newMCP(t, ts, kib.client(t, nil)))
		c := mustConnect(t, r, nil)
		go callTool(t, c, "get_case", map[string]any{"caseId": "endless"})
		select {
		case <-kib.arrived:
		case <-time.After(testWait):
			t.Fatal("the call never reached Kibana")
		}
		start := time.Now()
		if err := r.stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("shutdown took %s with a 200ms grace period", d)
		}
		if len(logs.lines("shutdown grace period over: cutting off what is still running")) != 1 {
			t.Errorf("logs: %s", logs)
		}
	})
}
