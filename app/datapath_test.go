package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/tools"
)

// dataKibana is a loopback Kibana whose Agent Builder answers agentBuilder
// (200 or 404) and whose console proxy, when reached, answers an ES|QL
// table; it records what it was sent.
type dataKibana struct {
	URL  string
	mu   sync.Mutex
	seen []string
}

func newDataKibana(t *testing.T, agentBuilder int) *dataKibana {
	k := &dataKibana{}
	srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		k.mu.Lock()
		k.seen = append(k.seen, r.Method+" "+r.URL.RequestURI()+" "+string(body))
		k.mu.Unlock()
		switch {
		case strings.HasPrefix(r.URL.Path, "/api/agent_builder/"):
			if agentBuilder != http.StatusOK {
				answer(w, agentBuilder, routeAbsent)
				return
			}
			answer(w, 200, `{"id":"platform.core.execute_esql","type":"builtin","readonly":true}`)
		case r.URL.Path == "/api/console/proxy":
			answer(w, 200, `{"columns":[{"name":"ok","type":"integer"}],"values":[[1]]}`)
		case r.URL.Path == "/api/status":
			answer(w, 200, statusOK)
		default:
			answer(w, 200, `{}`)
		}
	})
	k.URL = srv.URL
	return k
}

func (k *dataKibana) requests() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.seen)
}

// loopbackES is a loopback Elasticsearch that answers every _query with a
// one-row table.
func loopbackES(t *testing.T) (url string, seen func() []string) {
	var (
		mu  sync.Mutex
		got []string
	)
	srv := fakeKibana(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		answer(w, 200, `{"columns":[{"name":"ok","type":"integer"}],"values":[[1]]}`)
	})
	return srv.URL, func() []string { mu.Lock(); defer mu.Unlock(); return slices.Clone(got) }
}

// serveAndList serves over stdio with args, lists the tools and calls
// query_esql once; it returns the names listed and the call's answer.
func serveAndList(t *testing.T, args []string, environ map[string]string) (names []string, callAnswer string) {
	t.Helper()
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"query_esql","arguments":{"query":"ROW ok = 1"}}}`,
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	if code := Main(t.Context(), args, strings.NewReader(in), &out, &errOut, env(environ)); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var msg struct {
			ID     int `json:"id"`
			Result struct {
				Tools []struct {
					Name string `json:"name"`
				} `json:"tools"`
				Content []struct {
					Text string `json:"text"`
				} `json:"content"`
			} `json:"result"`
			Error *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) != nil {
			continue
		}
		switch msg.ID {
		case 2:
			for _, tool := range msg.Result.Tools {
				names = append(names, tool.Name)
			}
		case 3:
			if msg.Error != nil {
				callAnswer = "error: " + msg.Error.Message
			}
			for _, c := range msg.Result.Content {
				callAnswer += c.Text
			}
		}
	}
	return names, callAnswer
}

// TestDataPathSelection: Elasticsearch when configured (Kibana not even
// asked); else Agent Builder when Kibana has it; else the console proxy,
// only with --allow-internal-apis; else no data tools. Each time check
// says which path and why the others were passed over.
func TestDataPathSelection(t *testing.T) {
	const queryESQL = "query_esql"
	dataTools := tools.DataToolNames()

	t.Run("elasticsearch", func(t *testing.T) {
		kib := newDataKibana(t, http.StatusOK)
		esURL, esSeen := loopbackES(t)
		args := []string{"--kibana-url", kib.URL, "--api-key", testKey, "--elasticsearch-url", esURL, "--toolsets", "default,data"}
		environ := map[string]string{"ELASTICSEARCH_API_KEY": "es-key"}
		names, answer := serveAndList(t, args, environ)
		for _, name := range dataTools {
			if !slices.Contains(names, name) {
				t.Errorf("%s not listed", name)
			}
		}
		if !strings.HasSuffix(answer, "\nok:integer\n1") {
			t.Errorf("query_esql: %s", answer)
		}
		if got := esSeen(); len(got) != 1 || got[0] != "POST /_query ApiKey es-key" {
			t.Errorf("Elasticsearch saw %v", got)
		}
		for _, r := range kib.requests() {
			if strings.Contains(r, "agent_builder") || strings.Contains(r, "console") {
				t.Errorf("Kibana asked on the data path: %s", r)
			}
		}
		_, out, _ := runCheck(t, args, environ)
		wantContains(t, "check", out, "path elasticsearch ("+esURL+")", "elasticsearch: ok")
	})

	t.Run("agent_builder", func(t *testing.T) {
		kib := newDataKibana(t, http.StatusOK)
		args := []string{"--kibana-url", kib.URL, "--api-key", testKey, "--allow-internal-apis"}
		names, _ := serveAndList(t, args, nil)
		if !slices.Contains(names, queryESQL) || !slices.Contains(names, "find_events_around") {
			t.Errorf("default set without the data tools: %v", names)
		}
		if !slices.ContainsFunc(kib.requests(), func(r string) bool {
			return strings.HasPrefix(r, "POST /api/agent_builder/tools/_execute ") && strings.Contains(r, `"tool_id":"platform.core.execute_esql"`)
		}) {
			t.Errorf("query_esql did not go to Agent Builder: %v", kib.requests())
		}
		_, out, _ := runCheck(t, args, nil)
		wantContains(t, "check", out, "path agent_builder", "elasticsearch: not configured", "agent_builder: ok")
	})

	t.Run("console_proxy only when allowed", func(t *testing.T) {
		kib := newDataKibana(t, http.StatusNotFound)
		args := []string{"--kibana-url", kib.URL, "--api-key", testKey, "--allow-internal-apis"}
		names, answer := serveAndList(t, args, nil)
		if !slices.Contains(names, queryESQL) {
			t.Errorf("query_esql not listed: %v", names)
		}
		if !strings.HasSuffix(answer, "\nok:integer\n1") {
			t.Errorf("query_esql through the proxy: %s", answer)
		}
		if !slices.ContainsFunc(kib.requests(), func(r string) bool {
			return strings.HasPrefix(r, "POST /api/console/proxy?method=POST&path=%2F_query ")
		}) {
			t.Errorf("query_esql did not go through the console proxy: %v", kib.requests())
		}
		_, out, _ := runCheck(t, args, nil)
		wantContains(t, "check", out, "path console_proxy", "agent_builder: not on this Kibana (404", "console_proxy: ok")
	})

	t.Run("none", func(t *testing.T) {
		kib := newDataKibana(t, http.StatusNotFound)
		args := []string{"--kibana-url", kib.URL, "--api-key", testKey, "--toolsets", "default,data"}
		names, answer := serveAndList(t, args, nil)
		for _, name := range dataTools {
			if slices.Contains(names, name) {
				t.Errorf("%s listed with no path to Elasticsearch", name)
			}
		}
		if len(names) == 0 || !strings.Contains(answer, "query_esql") {
			t.Errorf("listed %d tools; the call: %s", len(names), answer)
		}
		for _, r := range kib.requests() {
			if strings.Contains(r, "console") || strings.Contains(r, "_execute") {
				t.Errorf("sent on no path: %s", r)
			}
		}
		_, out, _ := runCheck(t, args, nil)
		wantContains(t, "check", out, "path none", "agent_builder: not on this Kibana (404", "console_proxy: not allowed (--allow-internal-apis)", "the data tools are not served")
	})
}

// TestCheckSandboxDataPath: --sandbox runs the data tools through Agent
// Builder; with --elasticsearch-url, through the sandbox's /_es side.
func TestCheckSandboxDataPath(t *testing.T) {
	_, out, _ := runCheck(t, []string{"--sandbox"}, nil)
	wantContains(t, "check", out, "path agent_builder", "agent_builder: ok")
	_, out, _ = runCheck(t, []string{"--sandbox", "--elasticsearch-url", "/_es"}, nil)
	wantContains(t, "check", out, "path elasticsearch (http://127.0.0.1:", "/_es)", "elasticsearch: ok")
}

// TestReadOnlyKeepsTheDataTools: they only read, so read-only mode serves
// them.
func TestReadOnlyKeepsTheDataTools(t *testing.T) {
	names, answer := serveAndList(t, []string{"--sandbox", "--read-only", "--toolsets", "default,data"}, nil)
	for _, name := range tools.DataToolNames() {
		if !slices.Contains(names, name) {
			t.Errorf("read-only mode leaves out %s", name)
		}
	}
	if !strings.HasSuffix(answer, "\nok:integer\n1") {
		t.Errorf("query_esql in read-only mode: %s", answer)
	}
}
