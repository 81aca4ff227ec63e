package app

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/internal/testclock"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/sandbox"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// playing is a sandbox playing a Kibana version, which a test can upgrade
// in place; while down, every connection is dropped unanswered.
type playing struct {
	sb   *sandbox.Kibana
	down atomic.Bool
	url  string
	// statusGate, when set before serving, holds every status read
	// until it is closed.
	statusGate chan struct{}
}

func newPlaying(t *testing.T, version string) *playing {
	p := &playing{sb: sandbox.New(sandbox.Config{APIKey: testKey}), statusGate: make(chan struct{})}
	close(p.statusGate)
	p.play(version)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.down.Load() {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		if p.statusGate != nil && r.URL.Path == "/api/status" {
			<-p.statusGate
		}
		p.sb.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

func (p *playing) play(version string) {
	p.sb.Play(version, false, sandboxRoutes(serve.KibanaInfo{Version: version}))
}

// listChangedCounter counts the tools/list_changed notifications c hears.
func listChangedCounter(c *client.Client) func() int32 {
	var n atomic.Int32
	c.OnNotification(func(note mcp.JSONRPCNotification) {
		if note.Method == string(mcp.MethodNotificationToolsListChanged) {
			n.Add(1)
		}
	})
	return n.Load
}

// waitFor polls cond for up to 5 s (notifications travel on their own).
func waitFor(cond func() bool) bool {
	for deadline := time.Now().Add(5 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

// TestServerFollowsAnUpgradedKibana: Kibana is upgraded from 8.15 to 9.2
// under a running server, and later rolled back. A route-level 404 (the
// legacy route 9.0 removed) and the end of the time to live each read it
// again; every session is told its tool list changed, the list follows,
// and a tool this Kibana no longer has says why.
func TestServerFollowsAnUpgradedKibana(t *testing.T) {
	kib := newPlaying(t, "8.15.0")
	cfg := &Config{Kibana: kibana.Config{URL: kib.url, APIKey: testKey, MaxRetries: -1}, Transport: "http"}
	kc, err := kibana.New(cfg.Kibana, nil)
	if err != nil {
		t.Fatal(err)
	}
	clock := testclock.New(time.Unix(2e9, 0))
	reads := &kibanaReads{client: kc, cfg: cfg, first: make(chan struct{})}
	watch := serve.NewKibanaWatch(serve.KibanaWatchConfig{Read: reads.read, Timeout: 5 * time.Second, Now: clock.Now})
	<-watch.Start(t.Context())
	opts := serve.Options{Selection: serve.Selection{Toolsets: []string{"all"}, Kibana: watch.Info()}, Kibana: watch}
	s, err := NewServer(kc, NewLogger(io.Discard, 0, "json"), opts)
	if err != nil {
		t.Fatal(err)
	}
	handler, closeStreams := httpHandler("http", s)
	t.Cleanup(closeStreams)
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close) // after the sessions close
	alice, bob := httpSession(t, srv.URL+"/mcp"), httpSession(t, srv.URL+"/mcp")
	aliceHeard, bobHeard := listChangedCounter(alice), listChangedCounter(bob)

	const newer, legacy = "find_attack_discovery_schedules", "delete_connector_legacy" // 9.2+; before 9.0
	lists := func(c *client.Client, has, lacks string) bool {
		names := listNames(t, c)
		return slices.Contains(names, has) && !slices.Contains(names, lacks)
	}
	if !lists(alice, legacy, newer) {
		t.Fatalf("8.15.0: %v", listNames(t, alice))
	}

	// Upgraded in place: the legacy route answers Kibana's generic 404.
	kib.play("9.2.0")
	clock.Add(time.Minute)
	res := callTool(t, alice, legacy, map[string]any{"id": "c1"})
	if text := resultText(res); !res.IsError || !strings.Contains(text, `this Kibana (9.2.0) has no "`) || !strings.Contains(text, "removed in 9.0") {
		t.Errorf("the legacy tool after the upgrade: %s", text)
	}
	if !lists(alice, newer, legacy) || !lists(bob, newer, legacy) {
		t.Errorf("9.2.0: %v", listNames(t, bob))
	}
	// A session without a stream of its own open hears it with its next
	// request's answer.
	if !waitFor(func() bool { return aliceHeard() == 1 && bobHeard() == 1 }) {
		t.Errorf("list_changed heard: alice %d, bob %d; want 1 each", aliceHeard(), bobHeard())
	}
	var call mcp.CallToolRequest
	call.Params.Name, call.Params.Arguments = legacy, map[string]any{"id": "c1"}
	if _, err := bob.CallTool(testContext(t), call); err == nil || !strings.Contains(err.Error(), "this Kibana (9.2.0) has no") {
		t.Errorf("bob calls the tool no longer listed: %v", err)
	}
	if res := callTool(t, bob, newer, map[string]any{}); res.IsError {
		t.Errorf("a tool 9.2 brought: %s", resultText(res))
	}

	// Rolled back: nothing fails, but the time to live runs out and the
	// next list reads Kibana again.
	kib.play("8.15.0")
	clock.Add(serve.KibanaTTL)
	if !lists(bob, legacy, newer) {
		t.Errorf("rolled back: %v", listNames(t, bob))
	}
	call.Params.Name, call.Params.Arguments = newer, map[string]any{}
	if _, err := alice.CallTool(testContext(t), call); err == nil || !strings.Contains(err.Error(), "this Kibana (8.15.0) has no") || !strings.Contains(err.Error(), "arrived in 9.2") {
		t.Errorf("a tool the rollback took away: %v", err)
	}
	if !waitFor(func() bool { return aliceHeard() == 2 && bobHeard() == 2 }) {
		t.Errorf("list_changed heard: alice %d, bob %d; want 2 each", aliceHeard(), bobHeard())
	}
}

// stdioPeer speaks MCP to Main over pipes, one message a line.
type stdioPeer struct {
	t     *testing.T
	in    *io.PipeWriter
	lines chan []byte
}

func (p *stdioPeer) send(msg string) {
	p.t.Helper()
	if _, err := io.WriteString(p.in, msg+"\n"); err != nil {
		p.t.Fatal(err)
	}
}

// until returns the answer with id, and the methods of the notifications
// that came before it.
func (p *stdioPeer) until(id int) (answer []byte, notes []string) {
	p.t.Helper()
	for {
		msgID, method, line := p.next(fmt.Sprintf("answering %d", id))
		switch {
		case msgID != nil && *msgID == id:
			return line, notes
		case msgID == nil && method != "":
			notes = append(notes, method)
		}
	}
}

// next reads the next JSON-RPC message: its id (nil for a notification),
// its method and the line. It fails the test when the server stops or
// says nothing for 20 seconds before what it was waiting for.
func (p *stdioPeer) next(waitingFor string) (id *int, method string, line []byte) {
	p.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("the server stopped before %s", waitingFor)
			}
			var msg struct {
				ID     *int   `json:"id"`
				Method string `json:"method"`
			}
			if json.Unmarshal(line, &msg) == nil {
				return msg.ID, msg.Method, line
			}
		case <-timeout:
			p.t.Fatalf("nothing %s within 20s", waitingFor)
		}
	}
}

// TestKibanaDownAtStartIsReadAtTheFirstCall: start-up cannot reach Kibana
// and offers everything; Kibana comes up (8.15); the first request reads
// it, the list fits it and the session is told.
func TestKibanaDownAtStartIsReadAtTheFirstCall(t *testing.T) {
	kib := newPlaying(t, "8.15.0")
	kib.down.Store(true)
	peer, logs, code := startStdio(t, kib)
	peer.initialize()
	if !waitFor(func() bool { return strings.Contains(logs.String(), "Kibana check failed") }) {
		t.Fatalf("no start-up failure logged:\n%s", logs.String())
	}
	kib.down.Store(false)
	peer.send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	list, notes := peer.until(2)
	got := toolNames(list)
	if slices.Contains(got, "find_attack_discovery_schedules") || !slices.Contains(got, "find_cases") {
		t.Errorf("the first list after Kibana came up (%d tools) does not fit 8.15.0", len(got))
	}
	peer.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"find_attack_discovery_schedules","arguments":{}}}`)
	refused, later := peer.until(3)
	// On stdio mcp-go writes notifications from a goroutine of their own:
	// the notice may come just after the list it concerns.
	if notes = append(notes, later...); !slices.Contains(notes, string(mcp.MethodNotificationToolsListChanged)) {
		t.Errorf("no list_changed notification: %v", notes)
	}
	if !strings.Contains(string(refused), `this Kibana (8.15.0) has no`) {
		t.Errorf("a tool 8.15 lacks: %s", refused)
	}
	peer.in.Close()
	if c := <-code; c != 0 {
		t.Errorf("exit %d\n%s", c, logs.String())
	}
	if !strings.Contains(logs.String(), `"msg":"Kibana changed: the tools offered follow"`) || !strings.Contains(logs.String(), `"now":"8.15.0"`) {
		t.Errorf("the change is not logged:\n%s", logs.String())
	}
}

// startStdio runs Main over stdio pipes against kib, serving every
// toolset; code gives its exit code once the peer's input is closed.
func startStdio(t *testing.T, kib *playing) (peer *stdioPeer, logs *syncBuffer, code chan int) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	peer = &stdioPeer{t: t, in: inW, lines: make(chan []byte, 64)}
	go func() {
		sc := bufio.NewScanner(outR)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			peer.lines <- append([]byte(nil), sc.Bytes()...)
		}
		close(peer.lines)
	}()
	logs = &syncBuffer{}
	code = make(chan int, 1)
	go func() {
		code <- Main(t.Context(), []string{"--toolsets", "all"}, inR, outW, logs,
			env(map[string]string{"KIBANA_URL": kib.url, "KIBANA_API_KEY": testKey, "KIBANA_MCP_LOG_FORMAT": "json"}))
		outW.Close()
	}()
	return peer, logs, code
}

// initialize opens the session, and checks the server says its tool
// list may change.
// untilNote waits for a notification of method.
func (p *stdioPeer) untilNote(method string) {
	p.t.Helper()
	for {
		if msgID, m, _ := p.next("notifying " + method); msgID == nil && m == method {
			return
		}
	}
}

func (p *stdioPeer) initialize() {
	p.t.Helper()
	p.send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	if init, _ := p.until(1); !strings.Contains(string(init), `"tools":{"listChanged":true}`) {
		p.t.Errorf("the server does not declare tools.listChanged: %s", init)
	}
	p.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
}

// toolNames are the names a tools/list answer lists.
func toolNames(answer []byte) []string {
	var list struct {
		Result struct {
			Tools []struct{ Name string } `json:"tools"`
		} `json:"result"`
	}
	json.Unmarshal(answer, &list)
	var out []string
	for _, tool := range list.Result.Tools {
		out = append(out, tool.Name)
	}
	return out
}

// TestLateKibanaAnswerIsApplied: Kibana answers after start-up stopped
// waiting; everything was offered meanwhile, and the answer, when it
// comes, is applied and the session told.
func TestLateKibanaAnswerIsApplied(t *testing.T) {
	defer func(b time.Duration) { kibanaInfoBound = b }(kibanaInfoBound)
	kibanaInfoBound = 20 * time.Millisecond
	kib := newPlaying(t, "8.15.0")
	kib.statusGate = make(chan struct{})
	peer, logs, code := startStdio(t, kib)
	peer.initialize()
	peer.send(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	list, _ := peer.until(2)
	if got := toolNames(list); !slices.Contains(got, "find_attack_discovery_schedules") {
		t.Errorf("before Kibana answered, not everything is offered (%d tools)", len(got))
	}
	close(kib.statusGate)
	if !waitFor(func() bool { return strings.Contains(logs.String(), "Kibana connected") }) {
		t.Fatalf("Kibana's late answer never came:\n%s", logs.String())
	}
	// The client is told the list changed (the notice may trail the log
	// line: it goes out from the change's listeners), and the list it then
	// asks for fits the Kibana that answered.
	peer.untilNote(string(mcp.MethodNotificationToolsListChanged))
	peer.send(`{"jsonrpc":"2.0","id":3,"method":"tools/list"}`)
	list, _ = peer.until(3)
	if got := toolNames(list); slices.Contains(got, "find_attack_discovery_schedules") || !slices.Contains(got, "find_cases") {
		t.Errorf("after Kibana answered, the list (%d tools) does not fit 8.15.0", len(got))
	}
	peer.in.Close()
	if c := <-code; c != 0 {
		t.Errorf("exit %d\n%s", c, logs.String())
	}
	if !strings.Contains(logs.String(), "has not said which it is within 20ms") {
		t.Errorf("start-up did not say it stopped waiting:\n%s", logs.String())
	}
}

// With dynamic toolsets and with tool search, what is offered follows the
// Kibana too: a toolset or tool it lacks is neither listed nor found, and
// asking for it says why.
func TestFollowingKibanaWithDynamicToolsetsAndToolSearch(t *testing.T) {
	const lacks = `this Kibana (8.15.0) has no`
	for _, mode := range []string{"dynamic", "search"} {
		t.Run(mode, func(t *testing.T) {
			watch := serve.NewKibanaWatch(serve.KibanaWatchConfig{}) // told by hand, never reads
			watch.Set(serve.KibanaInfo{Version: "8.15.0"})
			opts := serve.Options{DynamicToolsets: mode == "dynamic", ToolSearch: mode == "search", Kibana: watch}
			c := connect(t, newLoopbackKibana(t), opts)
			var offered func() bool
			var ask func() *mcp.CallToolResult
			if mode == "dynamic" {
				offered = func() bool {
					return strings.Contains(resultText(callTool(t, c, "list_toolsets", map[string]any{})), `"name":"attack_discovery"`)
				}
				ask = func() *mcp.CallToolResult {
					return callTool(t, c, "enable_toolset", map[string]any{"toolset": "attack_discovery"})
				}
			} else {
				offered = func() bool {
					return strings.Contains(resultText(callTool(t, c, "search_tools", map[string]any{"query": "find attack discovery schedules", "limit": 10})), `"find_attack_discovery_schedules"`)
				}
				ask = func() *mcp.CallToolResult {
					return callTool(t, c, "call_tool", map[string]any{"name": "find_attack_discovery_schedules", "arguments": map[string]any{}})
				}
			}
			if offered() {
				t.Error("8.15.0 offers attack discovery")
			}
			if res := ask(); !res.IsError || !strings.Contains(resultText(res), lacks) {
				t.Errorf("asking for attack discovery on 8.15.0: %s", resultText(res))
			}
			watch.Set(serve.KibanaInfo{Version: "9.2.0"})
			if !offered() {
				t.Error("9.2.0 does not offer attack discovery")
			}
			if res := ask(); res.IsError {
				t.Errorf("asking for attack discovery on 9.2.0: %s", resultText(res))
			}
		})
	}
}
