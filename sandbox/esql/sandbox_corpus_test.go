package esql_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox"
	"github.com/kibana-mcp/kibana-mcp/sandbox/esql"
)

// sandboxRunFloor is how many of the real corpus's queries run against the
// sandbox's own data streams, unaided: no index or field is supplied (unlike
// TestRealCorpus, which checks the engine), so a query runs only where the
// sandbox holds the data streams and fields real detection content reads.
// Before the Windows, registry, library, PowerShell, Sysmon and cloud
// streams were added, 11 ran (56 "Unknown index", 21 "Unknown column");
// after, 55 (the docs examples read employees and books, which it lacks).
const sandboxRunFloor = 55

// TestRealCorpusAgainstSandbox posts each real query to the sandbox's
// /_es/_query, as query_esql does with an Elasticsearch URL, and counts the
// ones that answer 200, logging why the others fail.
func TestRealCorpusAgainstSandbox(t *testing.T) {
	k := sandbox.New(sandbox.Config{Username: "elastic", Password: "changeme", Seed: 7,
		Now: func() time.Time { return time.Date(2026, 12, 15, 12, 0, 0, 0, time.UTC) }})
	srv := httptest.NewServer(k)
	defer srv.Close()
	kinds := map[string]int{}
	ran, found := 0, 0
	kind := regexp.MustCompile(`Unknown index|Unknown column|cannot find enrich policy|does not support|mismatched input|$`)
	for i, q := range esql.RealCorpus {
		b, _ := json.Marshal(map[string]any{"query": q})
		req, _ := http.NewRequest("POST", srv.URL+"/_es/_query", bytes.NewReader(b))
		req.SetBasicAuth("elastic", "changeme")
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Values [][]any `json:"values"`
			Error  struct {
				Reason string `json:"reason"`
			} `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			ran++
			if len(out.Values) > 0 {
				found++
				t.Logf("#%d %s: %d rows", i, strings.Fields(q)[1], len(out.Values))
			}
			continue
		}
		if resp.StatusCode != 400 {
			t.Errorf("#%d: status %d: %s", i, resp.StatusCode, out.Error.Reason)
		}
		kinds[kind.FindString(out.Error.Reason)]++
		t.Logf("#%d %s: %s", i, strings.Fields(q)[1], out.Error.Reason)
	}
	t.Logf("real corpus against the sandbox: %d queries, %d run (%d with rows); failures: %v", len(esql.RealCorpus), ran, found, kinds)
	if ran < sandboxRunFloor {
		t.Errorf("%d real queries run against the sandbox, floor %d", ran, sandboxRunFloor)
	}
}
