package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// listBothWays answers msg on s as mcp-go encodes it, and as stdio writes
// it through ToolListWriter.
func listBothWays(t *testing.T, s *server.MCPServer, msg string, wantStandIns bool) (mcpGo, expanded []byte) {
	t.Helper()
	ctx := context.Background()
	mcpGo, err := json.Marshal(s.HandleMessage(ctx, json.RawMessage(msg)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sctx, w := ToolListWriter(ctx, s, &out)
	standIns, err := json.Marshal(s.HandleMessage(sctx, json.RawMessage(msg)))
	if err != nil {
		t.Fatal(err)
	}
	if wantStandIns != bytes.Contains(standIns, standInHeadBytes) {
		t.Fatalf("no stand-ins under ToolListWriter's context: %.300s", standIns)
	}
	if _, err := w.Write(standIns); err != nil {
		t.Fatal(err)
	}
	return mcpGo, out.Bytes()
}

// The tools/list answer stdio writes is byte for byte mcp-go's own, in
// every serving mode, page and error.
func TestStandInsExpandToMCPGoEncoding(t *testing.T) {
	kc, err := kibana.New(kibana.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	list := `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`
	enableCases := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"enable_toolset","arguments":{"toolset":"cases"}}}`
	for _, c := range []struct {
		name     string
		opts     Options
		first    string // sent once before listing, when set
		msg      string
		standIns bool // the answer lists registered tools
	}{
		{"default", Options{}, "", list, true},
		{"all with raw", Options{Selection: Selection{Toolsets: []string{"all"}}, AllowRaw: true}, "", list, true},
		{"read-only raw", Options{Selection: Selection{Toolsets: []string{"all"}, ReadOnly: true}, AllowRaw: true}, "", list, true},
		{"tool search", Options{ToolSearch: true}, "", list, false},
		{"dynamic", Options{DynamicToolsets: true}, "", list, false},
		{"dynamic, a toolset enabled", Options{DynamicToolsets: true}, enableCases, list, true},
		{"a cursor", Options{Selection: Selection{Toolsets: []string{"all"}}}, "",
			`{"jsonrpc":"2.0","id":"x","method":"tools/list","params":{"cursor":"` + base64Name("get_case") + `"}}`, true},
		{"a bad cursor", Options{}, "", `{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"%%"}}`, false},
		{"modern protocol", Options{}, "", `{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"},"io.modelcontextprotocol/clientCapabilities":{}}}}`, true},
	} {
		for _, collapse := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, runs collapsed %v", c.name, collapse), func(t *testing.T) {
				h := &server.Hooks{}
				if collapse {
					CollapseToolLists(h)
				}
				s := server.NewMCPServer("t", "1", server.WithToolCapabilities(c.opts.DynamicToolsets), server.WithHooks(h))
				if err := Install(s, kc, tools.Catalog, c.opts); err != nil {
					t.Fatal(err)
				}
				if c.first != "" {
					s.HandleMessage(context.Background(), json.RawMessage(c.first))
				}
				want, got := listBothWays(t, s, c.msg, c.standIns)
				if !bytes.Equal(want, got) {
					i := 0
					for i < min(len(want), len(got)) && want[i] == got[i] {
						i++
					}
					t.Fatalf("answers differ at byte %d:\nmcp-go:   %.200s\nexpanded: %.200s", i, want[i:], got[i:])
				}
				if r, ok := runners.Load(s); ok {
					runs := &r.(*Runner).runs
					if len(runs.runs) != 0 {
						t.Errorf("%d runs left parked after the answer was written", len(runs.runs))
					}
					if collapse && c.standIns && runs.next == 0 {
						t.Error("no run of stand-ins was collapsed")
					}
				}
			})
		}
	}
}

func base64Name(name string) string {
	b, _ := json.Marshal([]byte(name)) // encoding/json writes []byte as base64
	return strings.Trim(string(b), `"`)
}

// encodeTool writes what mcp-go writes, whatever needs escaping; a tool
// it cannot write is left to mcp-go.
func TestEncodeToolMatchesMCPGo(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		tool   mcp.Tool
		schema string
	}{
		{mcp.Tool{Name: "plain", Description: "Lists cases.", Annotations: mcp.ToolAnnotation{Title: "Plain", ReadOnlyHint: &yes, OpenWorldHint: &no}, Title: "Plain"}, `{"type":"object"}`},
		{mcp.Tool{Name: "escapes", Description: "a <b> & \"c\" \\ é — \u2028 \x01 \xff"}, `{"type":"object","properties":{"q":{"description":"é — x"}}}`},
		{mcp.Tool{Name: "bare"}, `{}`},
		{mcp.Tool{Name: "only hints", Annotations: mcp.ToolAnnotation{DestructiveHint: &yes}}, `{"type":"object"}`},
	} {
		if !plainTool(c.tool, c.schema) {
			t.Fatalf("%s: not plain", c.tool.Name)
		}
		want := c.tool
		want.RawInputSchema = json.RawMessage(c.schema)
		wantJSON, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if got := encodeTool(nil, newListedTool(c.tool, c.schema)); !bytes.Equal(got, wantJSON) {
			t.Errorf("%s:\n got %s\nwant %s", c.tool.Name, got, wantJSON)
		}
	}
	for _, schema := range []string{`{"type": "object"}`, `{"description":"a<b"}`, "{\"d\":\"\u2029\"}", `{"d":"&"}`, "{\"d\":\"\n\"}"} {
		if compactJSON(schema) {
			t.Errorf("%q counted compact: encoding/json would change it", schema)
		}
	}
	if plainTool(mcp.Tool{Name: "x"}, "") {
		t.Error("a tool without a schema counted plain")
	}
	if plainTool(mcp.Tool{Name: "needs \"escaping\""}, `{}`) || plainTool(mcp.Tool{Name: "x", Meta: &mcp.Meta{}}, `{}`) {
		t.Error("a tool encodeTool cannot write counted plain")
	}
}

// Only stand-ins of this server's tools are replaced: the same text
// anywhere else (in a string it cannot even occur unescaped) stays.
func TestExpandKeepsWhatIsNotAStandIn(t *testing.T) {
	kc, _ := kibana.New(kibana.Config{}, nil)
	s := server.NewMCPServer("t", "1")
	if err := Install(s, kc, tools.Catalog, Options{}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	_, w := ToolListWriter(context.Background(), s, &out)
	for _, line := range []string{
		`{"x":` + standInHead + `no_such_tool"}}` + "\n",
		`{"x":` + standInHead + runPrefix + `1"}}` + "\n",
		`{"text":"` + strings.ReplaceAll(standInHead, `"`, `\"`) + `get_case\"}"}` + "\n",
	} {
		out.Reset()
		if n, err := w.Write([]byte(line)); err != nil || n != len(line) || out.String() != line {
			t.Errorf("wrote %q as %q (%d, %v)", line, out.String(), n, err)
		}
	}
}

// encodeTool writes schemas as generated: they must be what encoding/json
// would write (compact, HTML escaped), or tools/list on stdio would differ
// from mcp-go's.
func TestGeneratedSchemasAreWrittenAsIs(t *testing.T) {
	for _, op := range append(tools.All(), RawRequest) {
		schema, err := op.SchemaText()
		if err != nil {
			t.Fatal(err)
		}
		if !compactJSON(schema) {
			t.Errorf("%s: the generated schema is not compact JSON as encoding/json writes it", op.Name)
		}
		var compacted bytes.Buffer
		if err := json.Compact(&compacted, []byte(schema)); err != nil || compacted.String() != schema {
			t.Errorf("%s: the generated schema is not compact JSON (%v)", op.Name, err)
		}
	}
}

// compactJSON reports whether encoding/json would copy raw unchanged when
// compacting it with HTML escaping: no space between tokens, no <, > or &
// and no U+2028 or U+2029 in strings. It does not validate raw.
func compactJSON(raw string) bool {
	inString, escaped := false, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case escaped:
			escaped = false
		case inString:
			switch {
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			case c < 0x20, c == '<', c == '>', c == '&':
				return false
			case c == 0xE2 && i+2 < len(raw) && raw[i+1] == 0x80 && raw[i+2]&^1 == 0xA8:
				return false
			}
		case c == '"':
			inString = true
		case c == ' ', c == '\t', c == '\n', c == '\r':
			return false
		}
	}
	return !inString
}
