package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// toolsCommand prints what the given flags serve: toolsets with their tool
// counts and cost in tokens, then each tool. --markdown prints the README's
// table of every operation instead (a test keeps the two in step).
func toolsCommand(cfg *Config, stdout, stderr io.Writer) int {
	if cfg.Markdown {
		io.WriteString(stdout, ToolsMarkdown())
		return 0
	}
	if cfg.KibanaVersion != "" || cfg.Serverless {
		// The catalogue a given Kibana would get, without one.
		if cfg.KibanaVersion != "" && !operation.ValidVersion(cfg.KibanaVersion) {
			fmt.Fprintf(stderr, "kibana-mcp: --kibana-version %q is not a Kibana version such as 8.15.0\n", cfg.KibanaVersion)
			return 2
		}
		cfg.Serve.Selection.Kibana = serve.KibanaInfo{Version: cfg.KibanaVersion, Serverless: cfg.Serverless}
		// The data tools need a path to Elasticsearch: Agent Builder
		// arrived in 9.2 (the spec's x-state), unless the flags give
		// Elasticsearch or the console proxy.
		if cfg.KibanaVersion != "" && operation.CompareVersions(cfg.KibanaVersion, tools.AgentBuilderAvailability.Since) < 0 &&
			cfg.Elasticsearch.URL == "" && !cfg.AllowInternalAPIs {
			why := "this Kibana (" + cfg.KibanaVersion + ") has no Agent Builder (it arrived in " + tools.AgentBuilderAvailability.Since + "); set --elasticsearch-url or --allow-internal-apis"
			cfg.Serve.Selection.Unavailable = map[string]string{}
			for _, name := range tools.DataToolNames() {
				cfg.Serve.Selection.Unavailable[name] = why
			}
		}
	}
	listed, err := ListedTools(cfg.Serve)
	if err != nil {
		fmt.Fprintln(stderr, "kibana-mcp:", err)
		return 2
	}
	writeToolsReport(stdout, cfg.Serve, listed)
	return 0
}

// ListedTool is one tool as tools/list sends it, with its size on the wire.
type ListedTool struct {
	Tool  mcp.Tool
	JSON  json.RawMessage // the tool exactly as tools/list sends it
	Bytes int
}

// ListedTools builds a server with opts and returns its tools/list answer,
// so sizes are exactly what a client pays for.
func ListedTools(opts serve.Options) ([]ListedTool, error) {
	// The client is never used: listing tools does not reach Kibana.
	client, err := kibana.New(kibana.Config{URL: kibana.DefaultURL}, nil)
	if err != nil {
		return nil, err
	}
	s, err := NewServer(client, slog.New(slog.DiscardHandler), opts)
	if err != nil {
		return nil, err
	}
	s.HandleMessage(context.Background(), []byte(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"kibana-mcp tools","version":"0"}}}`))
	raw, err := json.Marshal(s.HandleMessage(context.Background(), []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)))
	if err != nil {
		return nil, err
	}
	var answer struct {
		Result struct {
			Tools []json.RawMessage `json:"tools"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return nil, err
	}
	listed := make([]ListedTool, 0, len(answer.Result.Tools))
	for _, t := range answer.Result.Tools {
		var tool mcp.Tool
		if err := json.Unmarshal(t, &tool); err != nil {
			return nil, err
		}
		listed = append(listed, ListedTool{Tool: tool, JSON: t, Bytes: len(t)})
	}
	return listed, nil
}

func writeToolsReport(w io.Writer, opts serve.Options, listed []ListedTool) {
	type group struct{ tools, bytes int }
	groups := map[string]*group{}
	toolsetOf := func(name string) string {
		if op, ok := tools.Lookup(name); ok {
			return op.Toolset
		}
		return "(server)" // discovery, search and raw request tools
	}
	total := 0
	for _, lt := range listed {
		ts := toolsetOf(lt.Tool.Name)
		if groups[ts] == nil {
			groups[ts] = &group{}
		}
		groups[ts].tools++
		groups[ts].bytes += lt.Bytes
		total += lt.Bytes
	}
	available := map[string]int{}
	for _, op := range tools.All() {
		available[op.Toolset]++
	}

	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TOOLSET\tLISTED\tOF\t~TOKENS\t")
	for _, ts := range tools.Toolsets {
		g := groups[ts.Name]
		if g == nil {
			g = &group{}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t\n", ts.Name, g.tools, available[ts.Name], serve.EstimateTokens(g.bytes))
	}
	if g := groups["(server)"]; g != nil {
		fmt.Fprintf(tw, "%s\t%d\t\t%d\t\n", "(server)", g.tools, serve.EstimateTokens(g.bytes))
	}
	tw.Flush()

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TOOL\tTOOLSET\tMETHOD\tPATH\tREAD-ONLY\t~TOKENS")
	for _, lt := range listed {
		method, path := "", ""
		if op, ok := tools.Lookup(lt.Tool.Name); ok {
			method, path = op.Method, op.Path
		}
		ro := lt.Tool.Annotations.ReadOnlyHint != nil && *lt.Tool.Annotations.ReadOnlyHint
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\t%d\n", lt.Tool.Name, toolsetOf(lt.Tool.Name), method, path, ro, serve.EstimateTokens(lt.Bytes))
	}
	tw.Flush()
	mode := "typed tools"
	switch {
	case opts.ToolSearch:
		mode = "tool search: every selected operation is reachable through search_tools and call_tool"
	case opts.DynamicToolsets:
		mode = "dynamic toolsets: more tools appear as toolsets are enabled"
	}
	fmt.Fprintf(w, "\n%d tools listed, %d bytes, ~%d cl100k tokens (%s).\n", len(listed), total, serve.EstimateTokens(total), mode)
	if kib := opts.Selection.Kibana; kib.Known() {
		left := serve.LeftOut(tools.Catalog, opts.Selection)
		fmt.Fprintf(w, "As this Kibana (%s) would get them: %d selected tools left out.\n", kib, len(left))
		for _, ts := range tools.Toolsets {
			if v, _ := toolsetVerdict(ts.Name, kib); v != "" {
				fmt.Fprintf(w, "  %s: %s\n", ts.Name, v)
			}
		}
		if why := opts.Selection.Unavailable[tools.DataToolNames()[0]]; why != "" {
			fmt.Fprintf(w, "  data: not served: %s\n", why)
		}
	}
}

// ToolsMarkdown renders the tool table of README.md: every operation.
func ToolsMarkdown() string {
	var b strings.Builder
	b.WriteString("| Tool | Method | Path | Read-only | What it does |\n|---|---|---|---|---|\n")
	for _, op := range tools.All() {
		ro := "no"
		if op.ReadOnly() {
			ro = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s | %s |\n", op.Name, op.Method, op.Path, ro, strings.ReplaceAll(op.Description, "|", `\|`))
	}
	return b.String()
}
