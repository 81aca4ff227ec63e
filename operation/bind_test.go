package operation

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/schema"
	"github.com/kibana-mcp/kibana-mcp/schema/reflector"
)

// Binding tested on synthetic declarations; package tools tests it on the
// real ones.

func args(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

type bodyInput struct {
	ID      string         `json:"id" in:"path" jsonschema:"required"`
	Title   string         `json:"title" jsonschema:"required"`
	Note    string         `json:"note,omitempty"`
	Flag    *bool          `json:"flag,omitempty"`
	Always  bool           `json:"always"`
	Fields  map[string]any `json:"fields,omitempty"`
	Refresh string         `json:"refresh,omitempty" in:"query"`
}

type fileInput struct {
	ID       string `json:"id" in:"path" jsonschema:"required"`
	Filename string `json:"filename" in:"form,filename" jsonschema:"required"`
	File     string `json:"file" in:"formfile" jsonschema:"required"`
}

func TestBindJSONBodyHonoursOmitEmpty(t *testing.T) {
	op := withSchema(t, &Operation{Name: "update_thing", Method: http.MethodPatch, Path: "/api/things/{id}", APIVersion: V20231031, Effect: Writes, Input: bodyInput{}})
	req, err := op.Bind(args(t, `{"id":"t1","title":"x","flag":false,"refresh":"true"}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(req.Body) != `{"title":"x","flag":false,"always":false}` {
		t.Errorf("body = %s", req.Body)
	}
	if req.Path != "/api/things/t1" || req.Query.Get("refresh") != "true" || !req.Mutates || req.Retryable {
		t.Errorf("request = %+v", req)
	}
}

func TestBindMultipart(t *testing.T) {
	op := withSchema(t, &Operation{Name: "upload_thing", Method: http.MethodPost, Path: "/api/things/{id}/files", APIVersion: V20231031, Effect: Writes, Input: fileInput{}})
	req, err := op.Bind(args(t, `{"id":"t1","filename":"notes.txt","file":"aGVsbG8K"}`))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(req.ContentType)
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("content type %q", req.ContentType)
	}
	r := multipart.NewReader(strings.NewReader(string(req.Body)), params["boundary"])
	parts := map[string]string{}
	var fileType, fileName string
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		parts[p.FormName()] = string(b)
		if p.FormName() == "file" {
			fileType, fileName = p.Header.Get("Content-Type"), p.FileName()
		}
	}
	if parts["filename"] != "notes" || parts["file"] != "hello\n" {
		t.Errorf("parts = %q", parts)
	}
	if fileName != "notes.txt" || !strings.HasPrefix(fileType, "text/plain") {
		t.Errorf("file part name %q type %q", fileName, fileType)
	}
	wrapped, err := op.Bind(args(t, `{"id":"t1","filename":".bashrc","file":"aGVs\nbG8K\n"}`))
	if err != nil {
		t.Fatalf("base64 wrapped across lines refused: %v", err)
	}
	if body := string(wrapped.Body); !strings.Contains(body, "\r\n\r\n.bashrc\r\n") || !strings.Contains(body, "\r\n\r\nhello\n\r\n") {
		t.Errorf("dot-file name or wrapped content mangled:\n%s", body)
	}
	_, err = op.Bind(args(t, `{"id":"t1","filename":"a.txt","file":"not base64!"}`))
	if ae, ok := schema.AsArgumentError(err); !ok || ae.Field != "file" {
		t.Errorf("bad base64: err %v, want an error naming file", err)
	}
}

func TestBuildPlanRejectsBadDeclarations(t *testing.T) {
	type noPathField struct {
		Other string `json:"other"`
	}
	type reserved struct {
		Space string `json:"space_id" in:"query"`
	}
	type badTag struct {
		X string `json:"x" in:"header"`
	}
	for _, op := range []*Operation{
		{Name: "a_b", Method: "GET", Path: "/api/x/{id}", Input: noPathField{}},
		{Name: "a_b", Method: "GET", Path: "/api/x", Input: reserved{}},
		{Name: "a_b", Method: "GET", Path: "/api/x", Input: badTag{}},
		{Name: "a_b", Method: "GET", Path: "/api/x", Input: "string"},
	} {
		if err := op.Check(); err == nil {
			t.Errorf("%T accepted", op.Input)
		}
	}
}

// withSchema gives a synthetic test operation the schema the generator
// would have produced for it, in a catalogue of its own.
func withSchema(t *testing.T, op *Operation) *Operation {
	t.Helper()
	raw, err := reflector.ToolSchema(op.Input, CommonArguments)
	if err != nil {
		t.Fatal(err)
	}
	NewCatalog([]*Operation{op}, nil, map[string]string{op.Name: string(raw)})
	return op
}

type ndjsonInput struct {
	File      string `json:"file" in:"formfile,ndjson" jsonschema:"required"`
	Overwrite bool   `json:"overwrite,omitempty" in:"query"`
}

// TestBindTextFilePart: an import's ndjson goes as the file's text, named
// .ndjson, never decoded as base64; empty content is refused.
func TestBindTextFilePart(t *testing.T) {
	op := withSchema(t, &Operation{Name: "import_things", Method: http.MethodPost, Path: "/api/things/_import", Effect: Writes, Input: ndjsonInput{}})
	content := "{\"id\":\"a\"}\n{\"id\":\"b\"}\n"
	req, err := op.Bind(map[string]any{"file": content, "overwrite": true})
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(req.ContentType)
	p, err := multipart.NewReader(strings.NewReader(string(req.Body)), params["boundary"]).NextPart()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(p)
	if p.FormName() != "file" || p.FileName() != "file.ndjson" || p.Header.Get("Content-Type") != "application/ndjson" || string(b) != content {
		t.Errorf("part %q %q %q: %q", p.FormName(), p.FileName(), p.Header.Get("Content-Type"), b)
	}
	if req.Query.Get("overwrite") != "true" {
		t.Errorf("query %v", req.Query)
	}
	if _, err := op.Bind(map[string]any{"file": "  \n"}); err == nil || !strings.Contains(err.Error(), `"file": is empty`) {
		t.Errorf("empty file: %v", err)
	}
}

// target is a group of arguments inputs share by embedding it.
type target struct {
	ID    string   `json:"id" in:"path" jsonschema:"required"`
	Hosts []string `json:"hosts" jsonschema:"required,minItems=1"`
	Why   string   `json:"why,omitempty" in:"query"`
}

type embeddingInput struct {
	target
	Extra int `json:"extra,omitempty"`
}

// TestBindEmbeddedArguments: an embedded struct's fields are arguments
// like the outer struct's own, in the path, the query and the body.
func TestBindEmbeddedArguments(t *testing.T) {
	op := withSchema(t, &Operation{Name: "act_on_thing", Method: http.MethodPost, Path: "/api/things/{id}/act", APIVersion: V20231031, Effect: Writes, Input: embeddingInput{}})
	req, err := op.Bind(args(t, `{"id":"t/1","hosts":["h1"],"why":"test","extra":2}`))
	if err != nil {
		t.Fatal(err)
	}
	if req.Path != "/api/things/t%2F1/act" || req.Query.Get("why") != "test" || string(req.Body) != `{"hosts":["h1"],"extra":2}` {
		t.Errorf("request %s %s?%s %s", req.Method, req.Path, req.Query.Encode(), req.Body)
	}
	if _, err := op.Bind(args(t, `{"id":"t1","extra":2}`)); err == nil || !strings.Contains(err.Error(), "hosts") {
		t.Errorf("missing embedded required argument: %v", err)
	}
}

// answeredInput takes a thing back as it was answered: its revision is
// the answer's, not an argument.
type answeredInput struct {
	Name    string `json:"name" jsonschema:"required"`
	Numbers []int  `json:"numbers,omitempty"`
	left    []string
}

func (in *answeredInput) AnswerOnly() []string   { return []string{"revision", "created_at"} }
func (in *answeredInput) LeftOut(names []string) { in.left = names }
func (in *answeredInput) Notes() []string        { return []string{fmt.Sprint("left out ", in.left)} }

// TestBindLeavesOutAnswerOnlyMembers: members an AnswerTaker names are
// accepted though the schema lacks them, never sent, and the input is told
// which were given; its notes reach the flow. Other unknown members are
// still refused.
func TestBindLeavesOutAnswerOnlyMembers(t *testing.T) {
	op := withSchema(t, &Operation{Name: "put_thing", Method: http.MethodPut, Path: "/api/things", APIVersion: V20231031, Effect: Writes, Input: answeredInput{}})
	given := args(t, `{"name":"a","numbers":[1],"revision":4,"created_at":"2025-01-01T00:00:00Z"}`)
	req, input, err := op.BindInput(given)
	if err != nil {
		t.Fatal(err)
	}
	if string(req.Body) != `{"name":"a","numbers":[1]}` {
		t.Errorf("body %s", req.Body)
	}
	if _, kept := given["revision"]; !kept {
		t.Error("the caller's arguments were changed")
	}
	flow, ok := FlowOf(input).(plainFlow)
	if !ok || len(flow.notes) != 1 || flow.notes[0] != "left out [revision created_at]" {
		t.Errorf("flow %#v, want the input's note", FlowOf(input))
	}
	if _, err := op.Bind(args(t, `{"name":"a","revisions":4}`)); err == nil || !strings.Contains(err.Error(), "revisions") {
		t.Errorf("an unknown member was not refused: %v", err)
	}
}
