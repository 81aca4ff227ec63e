package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// Handler returns the MCP handler that runs op through client.
//
// Everything the model can act on comes back as a tool result: bad
// arguments and Kibana's own errors are isError results naming the field or
// giving Kibana's status and message. A Go error is returned only when the
// caller cancelled, since nobody is left to read a result then.
func (op *Operation) Handler(client *kibana.Client) server.ToolHandlerFunc {
	return func(ctx context.Context, call mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if _, isObject := call.Params.Arguments.(map[string]any); call.Params.Arguments != nil && !isObject {
			// GetArguments would turn "x" or [1] into no arguments at all,
			// and a search would run unfiltered.
			return mcp.NewToolResultError("invalid arguments: must be a JSON object of named arguments"), nil
		}
		req, err := op.Bind(call.GetArguments())
		if err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		resp, err := client.Do(ctx, req)
		if err != nil {
			if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
				return nil, err
			}
			return mcp.NewToolResultError(err.Error() + hint(err)), nil
		}
		return Result(resp), nil
	}
}

// hint adds what the model should do next to Kibana errors that have one
// obvious remedy.
func hint(err error) string {
	var apiErr *kibana.APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict {
		// Cases, comments and settings carry a version that every change
		// (adding a comment too) moves on.
		return " (The object changed since its version was read: read it again, e.g. with get_case, and retry with the new version.)"
	}
	return ""
}

// maxStructured is the largest answer also given as structured content.
const maxStructured = 1 << 20

// Result shapes a Kibana answer for the model: the body verbatim as text
// (Kibana already sends compact JSON; re-indenting would only cost tokens)
// and, when it is JSON, the same value as structured content. MCP requires
// structured content to be an object, so arrays and scalars are wrapped as
// {"result": …}. Answers over maxStructured come as text only.
func Result(resp *kibana.Response) *mcp.CallToolResult {
	body := bytes.TrimSpace(resp.Body)
	if len(body) == 0 {
		return mcp.NewToolResultText(fmt.Sprintf("Done: Kibana answered %d %s with no body.", resp.StatusCode, http.StatusText(resp.StatusCode)))
	}
	if !json.Valid(body) {
		if mt, _, _ := mime.ParseMediaType(resp.ContentType); mt == "text/html" {
			// Kibana's API answers JSON; a page means a proxy or login page
			// answered instead.
			return mcp.NewToolResultError(fmt.Sprintf("Kibana answered %d with an HTML page instead of JSON: check the Kibana URL and any proxy or login in front of Kibana.", resp.StatusCode))
		}
		if utf8.Valid(body) {
			return mcp.NewToolResultText(string(body))
		}
		return mcp.NewToolResultText(fmt.Sprintf("Kibana answered with %d bytes of binary data (%s), which this tool cannot show.", len(body), resp.ContentType))
	}
	result := mcp.NewToolResultText(string(body))
	if len(body) > maxStructured {
		// The structured copy would double an answer that is already more
		// than a model can take in.
		return result
	}
	if body[0] == '{' {
		result.StructuredContent = json.RawMessage(body)
	} else {
		wrapped := make([]byte, 0, len(body)+11)
		wrapped = append(wrapped, `{"result":`...)
		wrapped = append(wrapped, body...)
		wrapped = append(wrapped, '}')
		result.StructuredContent = json.RawMessage(wrapped)
	}
	return result
}
