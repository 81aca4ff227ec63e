package serve

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// call runs a tool against a loopback Kibana that answers with the given
// status, content type and body, and returns the result and what Kibana saw.
func call(t *testing.T, name string, arguments string, status int, ctype, body string) (*mcp.CallToolResult, *http.Request) {
	t.Helper()
	var seen *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Clone(context.Background())
		if ctype != "" {
			w.Header().Set("Content-Type", ctype)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "secret-key", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var req mcp.CallToolRequest
	req.Params.Name = name
	req.Params.Arguments = args(t, arguments)
	res, err := Handler(client, tools.Catalog, mustLookup(t, name))(context.Background(), req)
	if err != nil {
		t.Fatalf("handler returned a Go error (protocol error for the model): %v", err)
	}
	return res, seen
}

func text(r *mcp.CallToolResult) string {
	if len(r.Content) == 0 {
		return ""
	}
	if tc, ok := r.Content[0].(mcp.TextContent); ok {
		return tc.Text
	}
	return ""
}

func TestHandlerReturnsKibanaJSONVerbatimAndStructured(t *testing.T) {
	body := `{"id":"c1","title":"Phishing","status":"open","version":"WzEsMV0="}`
	res, seen := call(t, "get_case", `{"caseId":"c1"}`, 200, "application/json", body)
	if res.IsError || text(res) != body {
		t.Fatalf("result = %+v", res)
	}
	sc, _ := json.Marshal(res.StructuredContent)
	if string(sc) != body {
		t.Errorf("structured = %s", sc)
	}
	if seen.URL.Path != "/api/cases/c1" || seen.Header.Get("Authorization") != "ApiKey secret-key" {
		t.Errorf("Kibana saw %s %s", seen.Method, seen.URL)
	}
}

func TestHandlerWrapsArraysForStructuredContent(t *testing.T) {
	res, _ := call(t, "find_cases", `{}`, 200, "application/json", `["a","b"]`)
	sc, _ := json.Marshal(res.StructuredContent)
	if text(res) != `["a","b"]` || string(sc) != `{"result":["a","b"]}` {
		t.Errorf("text %q structured %s", text(res), sc)
	}
}

func TestHandlerKibanaErrorsAreToolErrors(t *testing.T) {
	res, _ := call(t, "get_case", `{"caseId":"nope"}`, 404, "application/json",
		`{"statusCode":404,"error":"Not Found","message":"Saved object [cases/nope] not found"}`)
	if !res.IsError {
		t.Fatal("404 was not an error result")
	}
	want := "Kibana answered 404 Not Found: Saved object [cases/nope] not found"
	if text(res) != want {
		t.Errorf("text = %q, want %q", text(res), want)
	}
}

func TestHandlerBadArgumentsNeverReachKibana(t *testing.T) {
	res, seen := call(t, "find_cases", `{"severity":"urgent"}`, 200, "application/json", `{}`)
	if !res.IsError || seen != nil {
		t.Fatalf("error=%v, Kibana saw %v", res.IsError, seen)
	}
	if !strings.Contains(text(res), `"severity"`) || !strings.Contains(text(res), "critical") {
		t.Errorf("message does not name the field and the rule: %q", text(res))
	}
}

func TestHandlerEmptyAndNonJSONAnswers(t *testing.T) {
	res, _ := call(t, "get_case", `{"caseId":"c1"}`, 204, "", "")
	if res.IsError || !strings.Contains(text(res), "204") || res.StructuredContent != nil {
		t.Errorf("204: %+v", res)
	}
	res, _ = call(t, "get_case", `{"caseId":"c1"}`, 200, "text/plain", "plain words")
	if text(res) != "plain words" || res.StructuredContent != nil {
		t.Errorf("text answer: %+v", res)
	}
	// A file comes back as an embedded resource, never as text.
	res, _ = call(t, "get_case", `{"caseId":"c1","space_id":"soc"}`, 200, "application/zip", "\xff\xfe\x00binary")
	if len(res.Content) != 2 || res.IsError || res.StructuredContent != nil || text(res) != "Kibana answered with a file: 9 bytes of application/zip. It is attached as an embedded resource (base64)." {
		t.Fatalf("binary answer: %+v", res)
	}
	blob, ok := res.Content[1].(mcp.EmbeddedResource).Resource.(mcp.BlobResourceContents)
	if !ok || blob.MIMEType != "application/zip" || blob.Blob != base64.StdEncoding.EncodeToString([]byte("\xff\xfe\x00binary")) || blob.URI != "kibana://soc/api/cases/c1" {
		t.Errorf("embedded resource %+v", res.Content[1])
	}
	// Bytes that are not UTF-8 are a file too, even when labelled text.
	res, _ = call(t, "get_case", `{"caseId":"c1"}`, 200, "text/plain", "\xff\xfe\x00binary")
	if _, ok := res.Content[len(res.Content)-1].(mcp.EmbeddedResource); !ok {
		t.Errorf("unlabelled binary: %+v", res)
	}
}

// TestHandlerCancellationReachesKibana: when the MCP call is cancelled, the
// in-flight Kibana request is cancelled too, and the handler stops at once.
func TestHandlerCancellationReachesKibana(t *testing.T) {
	arrived := make(chan struct{})
	gone := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		close(gone)
	}))
	defer srv.Close()
	client, err := kibana.New(kibana.Config{URL: srv.URL}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var req mcp.CallToolRequest
	req.Params.Arguments = map[string]any{"caseId": "slow"}
	errc := make(chan error, 1)
	go func() {
		_, err := Handler(client, tools.Catalog, mustLookup(t, "get_case"))(ctx, req)
		errc <- err
	}()
	<-arrived
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("handler err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("handler did not return after cancellation")
	}
	select {
	case <-gone:
	case <-time.After(5 * time.Second):
		t.Fatal("Kibana's request was not cancelled")
	}
}

func TestHandlerHTMLAnswerIsAnError(t *testing.T) {
	res, _ := call(t, "get_case", `{"caseId":"c1"}`, 200, "text/html; charset=utf-8", "<html>Please log in</html>")
	if !res.IsError || !strings.Contains(text(res), "HTML page instead of JSON") {
		t.Errorf("login page: %+v", res)
	}
}

func TestHandlerConflictSaysToReread(t *testing.T) {
	res, _ := call(t, "update_cases", `{"cases":[{"id":"c1","version":"old","status":"closed"}]}`, 409, "application/json",
		`{"statusCode":409,"error":"Conflict","message":"This case c1 has been updated. Please refresh before saving additional updates."}`)
	want := "Kibana answered 409 Conflict: This case c1 has been updated. Please refresh before saving additional updates. (The object changed since its version was read: read it again, e.g. with get_case, and retry with the new version.)"
	if !res.IsError || text(res) != want {
		t.Errorf("got %q", text(res))
	}
}

func TestHandlerLargeAnswersAreTextOnly(t *testing.T) {
	big := `{"items":"` + strings.Repeat("x", maxStructured) + `"}`
	res := runWith(t, 4<<20, "find_cases", `{}`, "application/json", big)
	if res.IsError || text(res) != big || res.StructuredContent != nil {
		t.Errorf("a %d-byte answer: error %v, structured %v", len(big), res.IsError, res.StructuredContent != nil)
	}
}

func TestHandlerRefusesNonObjectArguments(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("Kibana was called: %s", r.URL)
	}))
	defer srv.Close()
	client, _ := kibana.New(kibana.Config{URL: srv.URL}, nil)
	for _, a := range []any{"x", []any{1.0, 2.0}, 3.0} {
		var req mcp.CallToolRequest
		req.Params.Arguments = a
		res, err := Handler(client, tools.Catalog, mustLookup(t, "find_cases"))(context.Background(), req)
		if err != nil || !res.IsError || !strings.Contains(text(res), "JSON object") {
			t.Errorf("arguments %v: %+v %v", a, res, err)
		}
	}
}

// runWith runs a tool through a runner with the given result limit against
// a loopback Kibana answering body.
func runWith(t *testing.T, maxResult int, name, arguments, ctype, body string) *mcp.CallToolResult {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	client, err := kibana.New(kibana.Config{URL: srv.URL, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var req mcp.CallToolRequest
	req.Params.Arguments = args(t, arguments)
	res, err := NewRunner(client, tools.Catalog, Options{MaxResultBytes: maxResult}).Handler(mustLookup(t, name))(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestLongAnswersAreCutAtAJSONSafePoint(t *testing.T) {
	var cases []string
	for i := range 40 {
		cases = append(cases, fmt.Sprintf(`{"id":"c%d","title":"case %d","description":"%s"}`, i, i, strings.Repeat("d", 100)))
	}
	body := `{"page":1,"per_page":40,"total":95,"cases":[` + strings.Join(cases, ",") + `],"count_open_cases":7}`
	res := runWith(t, 2048, "find_cases", `{"full":true}`, "application/json", body)
	if res.IsError || len(res.Content) != 2 {
		t.Fatalf("result %+v", res)
	}
	cut := text(res)
	var doc struct {
		Total int               `json:"total"`
		Cases []json.RawMessage `json:"cases"`
		Open  int               `json:"count_open_cases"`
	}
	if err := json.Unmarshal([]byte(cut), &doc); err != nil || len(cut) > 2048 {
		t.Fatalf("cut answer (%d bytes) does not parse: %v", len(cut), err)
	}
	if doc.Total != 95 || doc.Open != 7 || len(doc.Cases) == 0 || len(doc.Cases) >= 40 {
		t.Errorf("kept total %d, open %d, %d cases", doc.Total, doc.Open, len(doc.Cases))
	}
	note := res.Content[1].(mcp.TextContent).Text
	want := fmt.Sprintf(`kept the first %d of 40 items of "cases"; %d bytes left out. Fetch the rest with`, len(doc.Cases), len(body)-len(cut))
	if !strings.Contains(note, want) || !strings.Contains(note, "page, perPage") {
		t.Errorf("note %q, want it to contain %q and name page, perPage", note, want)
	}
	if sc, _ := json.Marshal(res.StructuredContent); string(sc) != cut {
		t.Errorf("structured content is not the cut answer")
	}
	// A short answer is untouched.
	if res := runWith(t, 2048, "get_case", `{"caseId":"c1"}`, "application/json", cases[0]); text(res) != cases[0] || len(res.Content) != 1 {
		t.Errorf("short answer changed: %+v", res)
	}
	// A tool without paging arguments says to ask for less.
	res = runWith(t, 1024, "get_case_tags", `{}`, "application/json", `[`+strings.Repeat(`"tag-xxxxxxxx",`, 200)+`"last"]`)
	if note := res.Content[1].(mcp.TextContent).Text; !json.Valid([]byte(text(res))) || !strings.Contains(note, "narrower arguments") {
		t.Errorf("tags: %q / %q", text(res), note)
	}
}

// TestLongTextIsCutAfterAWholeLine: a text answer made of lines (a table)
// over the limit keeps its whole lines and says how many of them; text
// without line breaks is cut on a character boundary.
func TestLongTextIsCutAfterAWholeLine(t *testing.T) {
	var lines []string
	for i := range 100 {
		lines = append(lines, fmt.Sprintf("row %d\t%s", i, strings.Repeat("é", 20)))
	}
	body := strings.Join(lines, "\n") + "\n"
	res := runWith(t, 1024, "get_case", `{"caseId":"c1"}`, "text/plain", body)
	cut := text(res)
	if len(res.Content) != 2 || len(cut) > 1024 || !strings.HasSuffix(cut, "\n") {
		t.Fatalf("cut %d bytes: %q", len(cut), cut)
	}
	kept := strings.Count(cut, "\n")
	if !strings.HasPrefix(body, cut) || kept < 20 {
		t.Errorf("kept %d lines: %q", kept, cut)
	}
	if note := res.Content[1].(mcp.TextContent).Text; !strings.Contains(note, fmt.Sprintf("the first %d of 100 lines (the 1024-byte result limit)", kept)) {
		t.Errorf("note %q", note)
	}
	res = runWith(t, 1024, "get_case", `{"caseId":"c1"}`, "text/plain", strings.Repeat("é", 1000))
	if note := res.Content[1].(mcp.TextContent).Text; !utf8.ValidString(text(res)) || !strings.Contains(note, "the first 1024 of 2000 bytes") {
		t.Errorf("one long line: %d bytes, note %q", len(text(res)), note)
	}
}

func TestMalformedJSONIsAnError(t *testing.T) {
	for _, ctype := range []string{"application/json", "application/json; charset=utf-8", "application/vnd.elastic+json"} {
		res := runWith(t, 0, "get_case", `{"caseId":"c1"}`, ctype, `{"id":"c1","title":"cut off mid`)
		if !res.IsError || !strings.Contains(text(res), "labelled JSON but is not valid JSON") || strings.Contains(text(res), "cut off mid") {
			t.Errorf("%s: %+v", ctype, res)
		}
	}
	// Plain text stays a plain answer.
	if res := runWith(t, 0, "get_case", `{"caseId":"c1"}`, "text/plain", "OK"); res.IsError || text(res) != "OK" {
		t.Errorf("text/plain: %+v", res)
	}
}

func TestTextFilesComeBackAsText(t *testing.T) {
	for _, ctype := range []string{"text/markdown", "application/yaml", "application/x-yaml", "application/xml"} {
		res, _ := call(t, "get_case", `{"caseId":"c1"}`, 200, ctype, "name: nginx\nversion: 1.2.0\n")
		if res.IsError || len(res.Content) != 1 || text(res) != "name: nginx\nversion: 1.2.0" {
			t.Errorf("%s: %+v", ctype, res)
		}
	}
}

// TestNDJSONExportIsAnEmbeddedResource: an export comes back as the file it
// is, with its media type, and the text counts its objects.
func TestNDJSONExportIsAnEmbeddedResource(t *testing.T) {
	body := "{\"id\":\"r1\"}\n{\"id\":\"r2\"}\n{\"exportedCount\":2,\"missingRules\":[]}\n"
	res := runWith(t, 1024, "get_case", `{"caseId":"c1"}`, "application/ndjson", body)
	if res.IsError || len(res.Content) != 2 {
		t.Fatalf("result %+v", res)
	}
	text := res.Content[0].(mcp.TextContent).Text
	if !strings.Contains(text, "exported 2 objects") || !strings.Contains(text, `"exportedCount":2`) {
		t.Errorf("text %q", text)
	}
	file := res.Content[1].(mcp.EmbeddedResource).Resource.(mcp.TextResourceContents)
	if file.MIMEType != "application/ndjson" || file.Text != body || !strings.HasPrefix(file.URI, "kibana://") {
		t.Errorf("resource %+v", file)
	}
}
