package tools

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

func mustLookup(t testing.TB, name string) *operation.Operation {
	t.Helper()
	op, ok := Lookup(name)
	if !ok {
		t.Fatalf("no tool %s", name)
	}
	return op
}

func args(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBindEscapesPathParameters(t *testing.T) {
	op := mustLookup(t, "get_case")
	for id, want := range map[string]string{
		"../../api/security/role": "/api/cases/..%2F..%2Fapi%2Fsecurity%2Frole",
		"a b?c#d":                 "/api/cases/a%20b%3Fc%23d",
		"ümlaut":                  "/api/cases/%C3%BCmlaut",
		"%2e%2e":                  "/api/cases/%252e%252e",
	} {
		req, err := op.Bind(map[string]any{"caseId": id})
		if err != nil {
			t.Fatalf("%q: %v", id, err)
		}
		if req.Path != want {
			t.Errorf("caseId %q: path %q, want %q", id, req.Path, want)
		}
	}
	for _, id := range []string{"", ".", "..", "a\x00b", "line\nbreak"} {
		_, err := op.Bind(map[string]any{"caseId": id})
		ae, ok := schema.AsArgumentError(err)
		if !ok || ae.Field != "caseId" {
			t.Errorf("caseId %q: err %v, want an error naming caseId", id, err)
		}
	}
}

func TestBindQueryRepeatsListsAndKeepsSpace(t *testing.T) {
	op := mustLookup(t, "find_cases")
	req, err := op.Bind(args(t, `{"status":"open","tags":["a","b c"],"perPage":50,"space_id":"soc"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := req.Query.Encode(); got != "perPage=50&status=open&tags=a&tags=b+c" {
		t.Errorf("query = %s", got)
	}
	if req.Space != "soc" || req.Method != http.MethodGet || req.Body != nil || req.Mutates || !req.Retryable {
		t.Errorf("request = %+v", req)
	}
	if req.APIVersion != operation.V20231031 {
		t.Errorf("api version %q", req.APIVersion)
	}
	for _, bad := range []string{`{"space_id":"Bad Space"}`, `{"space_id":3}`} {
		_, err := op.Bind(args(t, bad))
		if ae, ok := schema.AsArgumentError(err); !ok || ae.Field != "space_id" {
			t.Errorf("%s: err %v, want an error naming space_id", bad, err)
		}
	}
}

func TestBindDoesNotModifyCallerArguments(t *testing.T) {
	op := mustLookup(t, "get_case")
	a := map[string]any{"caseId": "x", "space_id": "soc"}
	if _, err := op.Bind(a); err != nil {
		t.Fatal(err)
	}
	if len(a) != 2 {
		t.Errorf("arguments changed: %v", a)
	}
}

// A synthetic operation exercises body and multipart binding independently
// of any real tool's fields.
// FuzzBind throws arbitrary IDs and argument objects at binding: it must
// never panic, and whatever it accepts must keep the ID inside exactly one
// path segment.
func FuzzBind(f *testing.F) {
	f.Add("c1", `{}`)
	f.Add("../../api/security/role", `{"space_id":"soc"}`)
	f.Add("..", `{}`)
	f.Add("a/b%2F..", `{"space_id":"../x"}`)
	f.Add("x", `{"caseId":5}`)
	f.Add("x", `{"bogus":true}`)
	f.Add("ü\x00\n", `null`)
	op, ok := Lookup("get_case")
	if !ok {
		f.Fatal("no get_case")
	}
	f.Fuzz(func(t *testing.T, id string, extra string) {
		a := map[string]any{}
		_ = json.Unmarshal([]byte(extra), &a)
		if a == nil {
			a = map[string]any{}
		}
		a["caseId"] = id
		req, err := op.Bind(a)
		if err != nil {
			if _, ok := schema.AsArgumentError(err); !ok {
				t.Fatalf("non-argument error %v", err)
			}
			return
		}
		rest, ok := strings.CutPrefix(req.Path, "/api/cases/")
		if !ok || rest == "" || strings.Contains(rest, "/") || rest == "." || rest == ".." {
			t.Fatalf("caseId %q produced path %q", id, req.Path)
		}
		if req.Space != "" && strings.ContainsAny(req.Space, "/.%") {
			t.Fatalf("space %q passed", req.Space)
		}
	})
}

// FuzzBindAnyTool feeds arbitrary argument objects to every tool, seeded
// with all their examples: binding must never panic, must fail only with
// argument errors, and whatever it builds must stay under /api/ with no
// dot segments.
func FuzzBindAnyTool(f *testing.F) {
	ops := All()
	for i, op := range ops {
		for _, ex := range op.Examples {
			f.Add(uint8(i), ex)
		}
	}
	f.Add(uint8(0), `{"page":-1,"perPage":1e309}`)
	f.Add(uint8(2), `{"title":"x","description":"y","tags":[null],"connector":{"type":".jira"}}`)
	f.Fuzz(func(t *testing.T, which uint8, raw string) {
		op := ops[int(which)%len(ops)]
		var a map[string]any
		if json.Unmarshal([]byte(raw), &a) != nil {
			return
		}
		req, err := op.Bind(a)
		if err != nil {
			if _, ok := schema.AsArgumentError(err); !ok {
				t.Fatalf("%s: non-argument error %v", op.Name, err)
			}
			return
		}
		if !strings.HasPrefix(req.Path, "/api/") {
			t.Fatalf("%s: path %q", op.Name, req.Path)
		}
		for seg := range strings.SplitSeq(req.Path, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("%s: dot segment in %q", op.Name, req.Path)
			}
		}
		if req.Body != nil && req.ContentType == "" && !json.Valid(req.Body) {
			t.Fatalf("%s: invalid JSON body %s", op.Name, req.Body)
		}
	})
}
