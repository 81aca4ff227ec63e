package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// callCommand runs one tool once through an in-process MCP client, exactly
// as a model's call would run, and prints the result: text to stdout, and
// to stderr with exit status 1 when the tool reports an error.
func callCommand(ctx context.Context, s *server.MCPServer, cfg *Config, stdin io.Reader, stdout, stderr io.Writer) int {
	raw := cfg.CallArgs
	if raw == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, 16<<20))
		if err != nil {
			fmt.Fprintln(stderr, "kibana-mcp: reading arguments from stdin:", err)
			return 2
		}
		raw = string(b)
	}
	var args map[string]any
	if err := json.Unmarshal([]byte(raw), &args); err != nil || args == nil {
		fmt.Fprintln(stderr, "kibana-mcp: call: the arguments must be a JSON object, e.g. '{\"caseId\":\"…\"}'")
		return 2
	}
	c, err := client.NewInProcessClient(s)
	if err != nil {
		fmt.Fprintln(stderr, "kibana-mcp:", err)
		return 1
	}
	defer c.Close()
	if err := c.Start(ctx); err != nil {
		fmt.Fprintln(stderr, "kibana-mcp:", err)
		return 1
	}
	var init mcp.InitializeRequest
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "kibana-mcp call", Version: version()}
	if _, err := c.Initialize(ctx, init); err != nil {
		fmt.Fprintln(stderr, "kibana-mcp:", err)
		return 1
	}
	var req mcp.CallToolRequest
	req.Params.Name = cfg.CallTool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		fmt.Fprintf(stderr, "kibana-mcp: %s: %v\n", cfg.CallTool, err)
		return 1
	}
	out := stdout
	if res.IsError {
		out = stderr
	}
	fmt.Fprintln(out, renderContent(res.Content))
	if res.IsError {
		return 1
	}
	return 0
}

// renderContent prints text as is and says what an embedded file is.
func renderContent(content []mcp.Content) string {
	var parts []string
	for _, c := range content {
		switch c := c.(type) {
		case mcp.TextContent:
			parts = append(parts, c.Text)
		case mcp.EmbeddedResource:
			if blob, ok := c.Resource.(mcp.BlobResourceContents); ok {
				parts = append(parts, fmt.Sprintf("[file %s, %s, %d base64 characters]", blob.URI, blob.MIMEType, len(blob.Blob)))
			}
		}
	}
	return strings.Join(parts, "\n")
}
