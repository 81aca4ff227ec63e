package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/internal/tabletext"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// wantCell is what reading a table gives back for value v of a column of
// typ: dates as instants in RFC 3339, numbers and booleans as their text.
func wantCell(typ string, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = wantCell(typ, e)
		}
		return out
	case json.Number:
		if isDateType(typ) {
			ms, _ := x.Int64()
			return time.UnixMilli(ms).UTC().Format(time.RFC3339Nano)
		}
		return string(x)
	case float64:
		if isDateType(typ) {
			return time.UnixMilli(int64(x)).UTC().Format(time.RFC3339Nano)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case string:
		if isDateType(typ) {
			if at, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return at.UTC().Format(time.RFC3339Nano)
			}
		}
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// checkRoundTrip renders t, reads it back, and compares every cell with
// the value it was given.
func checkRoundTrip(tb testing.TB, t *esqlTable) string {
	tb.Helper()
	text := newTextTable(t).String()
	got, err := tabletext.Read(text)
	if err != nil {
		tb.Fatalf("read back: %v\n%s", err, text)
	}
	if got.Count != len(t.Values) || len(got.Rows) != len(t.Values) {
		tb.Fatalf("count %d, %d rows read, want %d\n%s", got.Count, len(got.Rows), len(t.Values), text)
	}
	if len(got.Names) != len(t.Columns) {
		tb.Fatalf("columns read %v, want %d\n%s", got.Names, len(t.Columns), text)
	}
	for _, c := range t.Columns {
		if typ, ok := got.Types[c.Name]; ok && typ != c.Type {
			tb.Errorf("column %q read as type %q, want %q", c.Name, typ, c.Type)
		}
	}
	for r, row := range t.Values {
		for i, c := range t.Columns {
			var v any
			if i < len(row) {
				v = row[i]
			}
			want := wantCell(c.Type, v)
			cell, ok := got.Rows[r][c.Name]
			if !ok {
				tb.Fatalf("row %d: no %q read\n%s", r, c.Name, text)
			}
			if isDateType(c.Type) {
				cell = wantCell(c.Type, cell)
			}
			if !reflect.DeepEqual(cell, want) {
				tb.Errorf("row %d %s: read %#v, want %#v\n%s", r, c.Name, cell, want, text)
				return text
			}
		}
	}
	return text
}

func tableOf(tb testing.TB, js string) *esqlTable {
	tb.Helper()
	var t esqlTable
	if err := t.decode([]byte(js)); err != nil {
		tb.Fatal(err)
	}
	return &t
}

// TestTextTableRoundTrip: tables read back as the legend says give every
// value they were given: nulls, multi-values, the marks (- ^ ") and the
// separators (space, comma, bracket) inside strings, line breaks, times
// across days, repeats and bursts; then the sandbox's own results on
// every data shape, and random tables of awkward strings.
func TestTextTableRoundTrip(t *testing.T) {
	for i, js := range []string{
		`{"columns":[{"name":"@timestamp","type":"date"},{"name":"host.name","type":"keyword"},{"name":"msg","type":"text"},{"name":"tags","type":"keyword"},{"name":"n","type":"long"},{"name":"seen","type":"date"}],"values":[
			["2025-01-01T23:59:59.999Z","a b",null,["x","y, z"],3,null],
			["2025-01-02T00:00:00.000Z","a b","^",["^","-"],3,1735776000500],
			["2025-01-02T00:00:00.000Z","a b","-",["]","[q]","\"s"],3.5,"2025-01-02T00:00:00.500Z"],
			[1735776001000,"a b","line\nbreak\ttab",[],-0.25,"2025-01-03T00:00:00Z"],
			["2025-01-02T00:00:01.000Z","a b","",null,null,"2025-01-03T00:00:00Z"],
			["2025-01-02T00:00:01.000Z","a b","",null,null,"2025-01-03T00:00:00Z"],
			["2025-01-02T00:00:02.000Z","\"quoted\"","  padded ",["a,b"," "],9007199254740993,null],
			["2025-01-02T00:00:02.000Z","[x]","naïve — ünïcode",["-"],1e21,"2025-01-03T01:00:00Z"],
			[null,null,null,null,null,null]]}`,
		`{"columns":[{"name":"count by host","type":"long"},{"name":"a=b, c","type":"keyword"},{"name":"\"q","type":"keyword"},{"name":"(n)","type":"long"}],"values":[[1,"x, y","-",2],[1,"x, y","^",3]]}`,
		`{"columns":[{"name":"n","type":"long"},{"name":"h","type":"keyword"}],"values":[[42,"[a"]]}`,
		`{"columns":[{"name":"n","type":"long"}],"values":[]}`,
		`{"columns":[{"name":"n","type":"long"},{"name":"h","type":"keyword"},{"name":"z","type":"keyword"}],"values":[[1,"a,",null],[1,"a,",null]]}`,
		`{"columns":[{"name":"b","type":"boolean"},{"name":"ok","type":"keyword"},{"name":"d","type":"date"}],"values":[[true,"yes","2025-01-01T00:00:00Z"],[true,"yes","2025-01-01T00:00:00Z"],[false,"yes","2025-01-01T00:00:00Z"]]}`,
	} {
		text := checkRoundTrip(t, tableOf(t, js))
		// A long past 2^53 keeps its last digit (as a float64 it is ...992).
		if i == 0 && !strings.Contains(text, " 9007199254740993 ") {
			t.Errorf("the long lost digits:\n%s", text)
		}
	}

	t.Run("sandbox results", func(t *testing.T) {
		sk, _ := sandboxtest.New(t, nil)
		for _, q := range []string{
			"FROM logs-* | SORT @timestamp DESC | LIMIT 200",
			"FROM logs-* | KEEP @timestamp, host.name, user.name, event.category, event.action, event.outcome, source.ip, process.name | SORT @timestamp | LIMIT 100",
			"FROM logs-* | STATS n = COUNT(*), first = MIN(@timestamp), last = MAX(@timestamp) BY host.name, user.name, event.action | SORT n DESC | LIMIT 100",
			"FROM logs-* | STATS events = COUNT(*) BY hour = DATE_TRUNC(1 hour, @timestamp), host.name | SORT hour DESC, events DESC | LIMIT 100",
			"FROM logs-endpoint.events.* | KEEP @timestamp, process.args, process.command_line, message | LIMIT 100",
		} {
			body, _ := json.Marshal(map[string]any{"query": q})
			req, _ := http.NewRequest(http.MethodPost, sk.URL+"/_es/_query", bytes.NewReader(body))
			req.Header.Set("Authorization", "ApiKey k")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", q, resp.StatusCode, raw)
			}
			tab := tableOf(t, string(raw))
			if len(tab.Values) < 20 {
				t.Errorf("%s: %d rows, too few to test", q, len(tab.Values))
			}
			checkRoundTrip(t, tab)
		}
	})

	t.Run("random strings", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		pieces := []string{"a", "b", " ", ",", ", ", "]", "[", "-", "^", `"`, `\`, "\n", "\t", "=", ":", "é", "12:00:00", "2025-01-01T00:00:00Z", ""}
		word := func() any {
			if rng.IntN(6) == 0 {
				return nil
			}
			var b strings.Builder
			for range rng.IntN(4) {
				b.WriteString(pieces[rng.IntN(len(pieces))])
			}
			if rng.IntN(5) == 0 {
				return []any{b.String(), pieces[rng.IntN(len(pieces))]}
			}
			return b.String()
		}
		for range 300 {
			tab := &esqlTable{}
			cols := 1 + rng.IntN(4)
			for c := range cols {
				tab.Columns = append(tab.Columns, struct {
					Name string `json:"name"`
					Type string `json:"type"`
				}{fmt.Sprint("c", c), "keyword"})
			}
			for range rng.IntN(6) {
				row := make([]any, cols)
				for c := range row {
					row[c] = word()
					if len(tab.Values) > 0 && rng.IntN(3) == 0 {
						row[c] = tab.Values[len(tab.Values)-1][c] // repeats, for ^
					}
				}
				tab.Values = append(tab.Values, row)
			}
			checkRoundTrip(t, tab)
			if t.Failed() {
				return
			}
		}
	})
}

func isDateType(typ string) bool { return typ == "date" || typ == "date_nanos" }

// TestCutTableReadsBack: over --max-result-bytes a table is cut after a
// whole row with a note, and what is kept still reads back (a ^ or a
// short row refers only to rows above it): the first rows of the whole
// answer, value for value.
func TestCutTableReadsBack(t *testing.T) {
	d := newDataCaller(t, 1)
	args := map[string]any{"query": "FROM logs-* | KEEP @timestamp, host.name, user.name, event.category, event.action, event.outcome, source.ip, process.name | SORT @timestamp | LIMIT 100"}
	whole, err := tabletext.Read(d.ok("query_esql", args, nil))
	if err != nil {
		t.Fatal(err)
	}
	var req mcp.CallToolRequest
	req.Params.Name, req.Params.Arguments = "query_esql", args
	ctx := elastic.WithSource(context.Background(), d.src)
	res, err := serve.NewRunner(d.client, Catalog, serve.Options{MaxResultBytes: 2048}).Handler(mustLookup(t, "query_esql"))(ctx, req)
	if err != nil || res.IsError || len(res.Content) != 2 {
		t.Fatalf("cut answer: %v %v", err, res)
	}
	if note := res.Content[1].(mcp.TextContent).Text; !strings.Contains(note, "Answer cut to the first") || !strings.Contains(note, "lines") {
		t.Errorf("note: %q", note)
	}
	cut, err := tabletext.Read(text(res))
	if err != nil {
		t.Fatalf("cut table: %v\n%s", err, text(res))
	}
	if len(cut.Rows) < 20 || len(cut.Rows) >= len(whole.Rows) {
		t.Fatalf("kept %d of %d rows", len(cut.Rows), len(whole.Rows))
	}
	if !reflect.DeepEqual(cut.Rows, whole.Rows[:len(cut.Rows)]) {
		t.Errorf("the rows kept differ from the first rows of the whole answer")
	}
}
