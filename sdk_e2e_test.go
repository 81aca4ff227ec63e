package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// sdkDir holds the Node harness: package.json pins the official MCP
// TypeScript SDK, package-lock.json everything under it, and client.mjs
// makes one tool call with it.
const sdkDir = "e2e/sdk"

// sdkProtocol is the newest protocol the pinned SDK speaks (its
// LATEST_PROTOCOL_VERSION), the one most TypeScript clients use today.
const sdkProtocol = "2025-11-25"

// TestSDKClientAgainstTheImage starts the server as the Dockerfile's image
// and the Kubernetes manifest do (streamable HTTP, stateless, destructive
// calls requiring confirmation, a long token), against a loopback Kibana
// that records every request, and drives it with the official TypeScript
// SDK's client:
//
//   - on protocol 2025-11-25, which a stateless server cannot ask, delete_cases
//     is refused with an explanation and Kibana receives no write, even when
//     the client offers to answer questions;
//   - with KIBANA_MCP_CONFIRM_DESTRUCTIVE=off the same call reaches Kibana;
//   - a client of protocol 2026-07-28 is asked, and its decline writes nothing.
func TestSDKClientAgainstTheImage(t *testing.T) {
	node := nodeHarness(t, sdkDir, "@modelcontextprotocol/sdk", "the official MCP TypeScript SDK client", 3*time.Minute)
	token := rand.Text() + rand.Text() // 52 random characters, as `kibana-mcp token` would give
	kib := &writeRecordingKibana{}
	kibana := httptest.NewServer(kib)
	t.Cleanup(kibana.Close)
	required := startLikeImage(t, kibana.URL, token, nil)
	deleteCase := `{"ids":["c1"]}`

	t.Run("2025-11-25 refused", func(t *testing.T) {
		before := kib.writes()
		res := runSDK(t, node, required, token, sdkProtocol, "delete_cases", deleteCase, "")
		if res.ProtocolVersion != sdkProtocol {
			t.Errorf("negotiated protocol %q, want %s", res.ProtocolVersion, sdkProtocol)
		}
		if !res.IsError || !strings.Contains(res.Text, "delete_cases") || !strings.Contains(strings.ToLower(res.Text), "confirm") || !strings.Contains(res.Text, "Nothing was") {
			t.Errorf("delete_cases from a client that cannot be asked: isError=%v %q; want a tool error saying the call needs the user's confirmation and nothing was sent", res.IsError, res.Text)
		}
		if w := kib.writes(); len(w) != len(before) {
			t.Errorf("Kibana received %q: a refused call must send nothing", w[len(before):])
		}
	})

	// A 2025-11-25 client that declares elicitation and approves every
	// question: over a stateless server nothing can reach it, so the call
	// may reach Kibana only if it was asked, and never unasked.
	t.Run("2025-11-25 with elicitation never runs unasked", func(t *testing.T) {
		before := kib.writes()
		res := runSDK(t, node, required, token, sdkProtocol, "delete_cases", deleteCase, "accept")
		sent := kib.writes()[len(before):]
		if len(sent) > 0 && len(res.Questions) == 0 {
			t.Errorf("Kibana received %q and the user was never asked (result %q)", sent, res.Text)
		}
		if len(sent) == 0 && (!res.IsError || !strings.Contains(res.Text, "Nothing was")) {
			t.Errorf("nothing sent, yet the result does not say so: isError=%v %q", res.IsError, res.Text)
		}
	})

	t.Run("off goes through", func(t *testing.T) {
		off := startLikeImage(t, kibana.URL, token, map[string]string{"KIBANA_MCP_CONFIRM_DESTRUCTIVE": "off"})
		before := kib.writes()
		res := runSDK(t, node, off, token, sdkProtocol, "delete_cases", deleteCase, "decline")
		sent := kib.writes()[len(before):]
		if res.IsError || !slices.Equal(sent, []string{"DELETE /api/cases?ids=c1"}) || len(res.Questions) != 0 {
			t.Errorf("with confirmation off: isError=%v %q, asked %q; Kibana received %q, want one DELETE /api/cases?ids=c1", res.IsError, res.Text, res.Questions, sent)
		}
	})

	// The TypeScript SDK 1.32.2 knows protocols up to 2025-11-25 only
	// (SUPPORTED_PROTOCOL_VERSIONS in its dist/esm/types.js; client.mjs
	// refuses 2026-07-28), so the modern half is mcp-go's client, which
	// speaks 2026-07-28 and answers input-required results by calling again.
	t.Run("2026-07-28 asked", func(t *testing.T) {
		for _, action := range []mcp.ElicitationResponseAction{mcp.ElicitationResponseActionDecline, mcp.ElicitationResponseActionAccept} {
			before := kib.writes()
			user := &stdioElicitor{action: action}
			res, text := callModern(t, required, token, user, "delete_cases", deleteCase)
			sent := kib.writes()[len(before):]
			if len(user.messages) != 1 || !strings.Contains(user.messages[0], "delete_cases") || !strings.Contains(user.messages[0], "c1") {
				t.Errorf("%s: the user was asked %q, want one question naming delete_cases and c1", action, user.messages)
			}
			switch action {
			case mcp.ElicitationResponseActionDecline:
				if !res.IsError || !strings.Contains(text, "Nothing was") || len(sent) != 0 {
					t.Errorf("declined: isError=%v %q; Kibana received %q", res.IsError, text, sent)
				}
			default:
				if res.IsError || !slices.Equal(sent, []string{"DELETE /api/cases?ids=c1"}) {
					t.Errorf("approved: isError=%v %q; Kibana received %q, want one DELETE /api/cases?ids=c1", res.IsError, text, sent)
				}
			}
		}
	})
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// writeRecordingKibana is a loopback Kibana that records every request and
// answers a case deletion as Kibana does (204), reads with an empty object.
type writeRecordingKibana struct {
	mu   sync.Mutex
	seen []string // "METHOD /path?query"
}

func (k *writeRecordingKibana) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	k.seen = append(k.seen, r.Method+" "+r.URL.RequestURI())
	k.mu.Unlock()
	switch {
	case r.Method == http.MethodDelete && r.URL.Path == "/api/cases":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{}`)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"statusCode":404,"error":"Not Found","message":"no route %s %s in this test"}`, r.Method, r.URL.Path)
	}
}

// writes is every request but the reads, in order.
func (k *writeRecordingKibana) writes() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var w []string
	for _, r := range k.seen {
		if !strings.HasPrefix(r, "GET ") && !strings.HasPrefix(r, "HEAD ") {
			w = append(w, r)
		}
	}
	return w
}

// startLikeImage starts the server with the Dockerfile's ENTRYPOINT flags
// and ENV and the manifest's args, so this test follows the image, but
// listening on a loopback port the kernel chooses instead of 0.0.0.0:8080.
// env is applied last. It returns the MCP endpoint URL the server logs.
func startLikeImage(t *testing.T, kibanaURL, token string, env map[string]string) string {
	t.Helper()
	df := readDockerfile(t)
	args := slices.Clone(imageEntrypoint(t, df)[1:])
	addr := slices.Index(args, "--addr")
	if addr < 0 || addr+1 == len(args) {
		t.Fatalf("the image's entrypoint %q sets no --addr", args)
	}
	args[addr+1] = "127.0.0.1:0"
	args = append(args, manifestArgs(t, readManifest(t, manifestFile)["Deployment"])...)
	vars := imageEnv(t, df)
	if vars["KIBANA_MCP_CONFIRM_DESTRUCTIVE"] != "require" || vars["KIBANA_MCP_STATELESS"] != "true" {
		t.Fatalf("the image sets KIBANA_MCP_CONFIRM_DESTRUCTIVE=%q and KIBANA_MCP_STATELESS=%q; this test is about require and stateless",
			vars["KIBANA_MCP_CONFIRM_DESTRUCTIVE"], vars["KIBANA_MCP_STATELESS"])
	}
	vars["KIBANA_URL"], vars["KIBANA_API_KEY"], vars["KIBANA_MCP_HTTP_TOKEN"] = kibanaURL, "sdk-e2e-api-key", token
	maps.Copy(vars, env)
	var environ []string
	for _, k := range slices.Sorted(maps.Keys(vars)) {
		environ = append(environ, k+"="+vars[k])
	}
	return startHTTPBinary(t, args, environ)
}

// sdkResult is client.mjs's one line of output.
type sdkResult struct {
	ProtocolVersion string   `json:"protocolVersion"`
	IsError         bool     `json:"isError"`
	Text            string   `json:"text"`
	Questions       []string `json:"questions"`
	Error           string   `json:"error"`
}

// runSDK makes one tool call with the TypeScript SDK's client; elicit, when
// not empty, declares elicitation and answers every question with it.
func runSDK(t *testing.T, node, url, token, protocol, tool, arguments, elicit string) sdkResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	args := []string{"client.mjs", "--url", url, "--protocol", protocol, "--tool", tool, "--args", arguments}
	if elicit != "" {
		args = append(args, "--elicit", elicit)
	}
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = sdkDir
	cmd.Env = append(os.Environ(), "MCP_TOKEN="+token)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, runErr := cmd.Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var res sdkResult
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil || runErr != nil || res.Error != "" {
		t.Fatalf("node %s: %v %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), runErr, res.Error, out, stderr.Bytes())
	}
	return res
}

// callModern makes one tool call with mcp-go's client on protocol
// 2026-07-28, the user answering every question.
func callModern(t *testing.T, url, token string, user *stdioElicitor, tool, arguments string) (*mcp.CallToolResult, string) {
	t.Helper()
	tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithElicitationHandler(user))
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = "2026-07-28"
	init.Params.ClientInfo = mcp.Implementation{Name: "sdk-e2e-modern", Version: "1"}
	res, err := c.Initialize(ctx, init)
	if err != nil {
		t.Fatal(err)
	}
	if res.ProtocolVersion != "2026-07-28" {
		t.Fatalf("negotiated %s, want 2026-07-28", res.ProtocolVersion)
	}
	return callTool(t, c, tool, arguments)
}
