package serve

import (
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

func TestRawRequestPaths(t *testing.T) {
	ok := []struct{ args, method, path, query, space string }{
		{`{"method":"GET","path":"/api/status"}`, "GET", "/api/status", "", ""},
		{`{"method":"GET","path":"/s/soc/api/cases/_find","query":{"perPage":5,"tags":["a","b"],"x":true}}`, "GET", "/api/cases/_find", "perPage=5&tags=a&tags=b&x=true", "soc"},
		{`{"method":"DELETE","path":"/api/cases/a%2Fb"}`, "DELETE", "/api/cases/a%2Fb", "", ""},
		{`{"method":"GET","path":"/api/cases","space_id":"soc"}`, "GET", "/api/cases", "", "soc"},
	}
	for _, tc := range ok {
		req, err := RawRequest.Bind(args(t, tc.args))
		if err != nil {
			t.Errorf("%s: %v", tc.args, err)
			continue
		}
		if req.Method != tc.method || req.Path != tc.path || req.Query.Encode() != tc.query || req.Space != tc.space || req.APIVersion != operation.V20231031 {
			t.Errorf("%s: %+v", tc.args, req)
		}
		if req.Mutates != (tc.method != "GET") {
			t.Errorf("%s: Mutates %v", tc.args, req.Mutates)
		}
	}
	refused := map[string]string{
		`{"method":"GET","path":"/api/../internal/x"}`:                   "dot segment",
		`{"method":"GET","path":"/api/cases/%2e%2e/x"}`:                  "dot segment",
		`{"method":"GET","path":"/api/cases/.%2E/x"}`:                    "dot segment",
		`{"method":"GET","path":"/api/cases/%252e%252e/x"}`:              "dot segment",
		`{"method":"GET","path":"/api/cases/..%2F..%2Fsecurity"}`:        "dot segment",
		`{"method":"GET","path":"/api/./status"}`:                        "dot segment",
		`{"method":"GET","path":"/api//status"}`:                         "empty segment",
		`{"method":"GET","path":"//evil.example/api/status"}`:            "must start with /api/",
		`{"method":"GET","path":"https://evil.example/api/status"}`:      "must start with /api/",
		`{"method":"GET","path":"/internal/security/me"}`:                "must start with /api/",
		`{"method":"GET","path":"/api/status?x=1"}`:                      "URL path characters",
		`{"method":"GET","path":"/api/status#x"}`:                        "URL path characters",
		`{"method":"GET","path":"/api/st atus"}`:                         "URL path characters",
		`{"method":"GET","path":"/api\\status"}`:                         "URL path characters",
		`{"method":"GET","path":"/api/cases/%zz"}`:                       "malformed % escape",
		`{"method":"GET","path":"/s/SOC/api/cases"}`:                     "valid space",
		`{"method":"GET","path":"/s/soc/api/cases","space_id":"other"}`:  "space_id",
		`{"method":"GET","path":"/api/cases","body":{"a":1}}`:            "must be omitted for GET",
		`{"method":"TRACE","path":"/api/cases"}`:                         "method",
		`{"method":"GET","path":"/api/cases","query":{"a":{"b":1}}}`:     "query.a",
		`{"method":"GET","path":"/api/cases","query":{"a":[null]}}`:      "query.a[0]",
		`{"method":"GET","path":"/api/cases","api_version":"1; evil=1"}`: "api_version",
	}
	for a, want := range refused {
		req, err := RawRequest.Bind(args(t, a))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: (%+v, %v), want an error about %q", a, req, err, want)
		}
	}
}
