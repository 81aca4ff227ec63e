package serve

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/internal/jsoncut"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// Handler returns the MCP handler that runs op, an operation of cat,
// through client under the default policy (no confirmation, default result
// limit).
func Handler(client *kibana.Client, cat *operation.Catalog, op *operation.Operation) server.ToolHandlerFunc {
	return NewRunner(client, cat, Options{}).Handler(op)
}

// hint adds what the model should do next to Kibana errors that have one
// obvious remedy: for a conflict, the operation's own hint, else its
// toolset's, else the generic one.
func (r *Runner) hint(op *operation.Operation, err error) string {
	if !isConflict(err) {
		// 401, 403, a route's 404, and failures to reach Kibana get the
		// advice the start-up check and `kibana-mcp check` give.
		if _, h := kibana.Diagnose(err); h != "" {
			return " (" + strings.ToUpper(h[:1]) + h[1:] + ".)"
		}
		return ""
	}
	if op.ConflictHint != "" {
		return " (" + op.ConflictHint + ")"
	}
	if ts, ok := r.cat.Toolset(op.Toolset); ok && ts.ConflictHint != "" {
		return " (" + ts.ConflictHint + ")"
	}
	return " (Kibana reports a conflict: the object changed since its version was read, or already exists. Read it again and retry with the current version, or choose another id.)"
}

// maxStructured is the largest answer also given as structured content.
const maxStructured = 1 << 20

// result shapes a Kibana answer for the model: the body verbatim as text
// (Kibana already sends compact JSON; re-indenting would only cost tokens)
// and, when it is JSON, the same value as structured content. MCP requires
// structured content to be an object, so arrays and scalars are wrapped as
// {"result": …}. Answers over maxStructured come as text only. An answer
// over the result limit is cut at a JSON-safe point, and a second text
// says what was left out and how to fetch it.
func (r *Runner) result(ctx context.Context, op *operation.Operation, req *kibana.Request, resp *kibana.Response) *mcp.CallToolResult {
	// A byte-order mark is legal before JSON text but not part of it.
	body := bytes.TrimSpace(bytes.TrimPrefix(resp.Body, []byte("\xef\xbb\xbf")))
	if len(body) == 0 {
		return mcp.NewToolResultText(fmt.Sprintf("Done: Kibana answered %d %s with no body.", resp.StatusCode, http.StatusText(resp.StatusCode)))
	}
	mediaType, _, _ := mime.ParseMediaType(resp.ContentType)
	if isNDJSON(mediaType, resp.Filename) && utf8.Valid(body) {
		// Checked first: an export of one object is valid JSON too.
		return r.ndjsonResult(req, resp, body, mediaType)
	}
	if !json.Valid(body) {
		return r.nonJSONResult(ctx, op, req, resp, body, mediaType)
	}
	var note string
	if len(body) > r.maxResult {
		cut, err := jsoncut.Cut(body, r.maxResult)
		if err != nil {
			// A single JSON string bigger than the limit: no JSON-safe
			// point to cut at, so show its start as plain text.
			return r.textResult(ctx, op, body)
		}
		note = cutNote(op, cut, r.maxResult)
		body = cut.JSON
	}
	result := mcp.NewToolResultText(string(body))
	if note != "" {
		result.Content = append(result.Content, mcp.NewTextContent(note))
		notifyCut(ctx, op, note)
	}
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

// nonJSONResult handles answers that do not parse as JSON.
func (r *Runner) nonJSONResult(ctx context.Context, op *operation.Operation, req *kibana.Request, resp *kibana.Response, body []byte, mediaType string) *mcp.CallToolResult {
	switch {
	case mediaType == "text/html":
		// Kibana's API answers JSON; a page means a proxy or login page
		// answered instead.
		return mcp.NewToolResultError(fmt.Sprintf("Kibana answered %d with an HTML page instead of JSON: check the Kibana URL and any proxy or login in front of Kibana.", resp.StatusCode))
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
		// A connection cut mid-body, or a proxy that mangled it: half a
		// document must not pass for the answer.
		return mcp.NewToolResultError(fmt.Sprintf("Kibana's answer (%d, %d bytes) is labelled JSON but is not valid JSON: it was probably cut off or altered on the way. Nothing in it can be relied on; try the call again.", resp.StatusCode, len(body)))
	case isTextType(mediaType) && utf8.Valid(body):
		return r.textResult(ctx, op, body)
	}
	return r.blobResult(req, resp, mediaType)
}

// isTextType reports whether a media type is text a model can read (no
// type, text/*, YAML, XML, JavaScript, the ndjson of saved-object exports).
func isTextType(mediaType string) bool {
	switch {
	case mediaType == "", strings.HasPrefix(mediaType, "text/"), strings.HasSuffix(mediaType, "+xml"), strings.HasSuffix(mediaType, "+yaml"):
		return true
	}
	switch mediaType {
	case "application/yaml", "application/x-yaml", "application/xml", "application/javascript", "application/x-ndjson", "application/ndjson":
		return true
	}
	return false
}

// isNDJSON reports an export of newline-delimited JSON: by its media type,
// or by the file name Kibana gave it.
func isNDJSON(mediaType, filename string) bool {
	return mediaType == "application/x-ndjson" || mediaType == "application/ndjson" || strings.HasSuffix(filename, ".ndjson")
}

// ndjsonResult returns an export (rules, saved objects, lists) as an
// embedded text resource with its media type, so a client can keep it as a
// file and a model can hand it to the matching import tool unchanged; the
// text part counts what is in it. Exports end with a summary line
// ({"exportedCount":…}), which is not an object of the export.
func (r *Runner) ndjsonResult(req *kibana.Request, resp *kibana.Response, body []byte, mediaType string) *mcp.CallToolResult {
	objects, summary := 0, ""
	for line := range bytes.Lines(body) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if isExportSummary(line) {
			summary = " Kibana's summary: " + string(line)
			continue
		}
		objects++
	}
	if mediaType == "" || !strings.Contains(mediaType, "ndjson") {
		mediaType = "application/x-ndjson"
	}
	uri := "kibana://" + r.client.SpaceOf(req) + req.Path
	if len(resp.Body) > r.maxResult {
		// Too long to read as text in a model's context; a client can
		// still keep it as the file it is.
		text := fmt.Sprintf("Kibana exported %d objects as ndjson (%d bytes, over the %d-byte result limit), attached as a file (base64); export fewer objects to read or re-import them here.%s", objects, len(body), r.maxResult, summary)
		return &mcp.CallToolResult{Content: []mcp.Content{
			mcp.NewTextContent(text),
			mcp.NewEmbeddedResource(mcp.BlobResourceContents{URI: uri, MIMEType: mediaType, Blob: base64.StdEncoding.EncodeToString(resp.Body)}),
		}}
	}
	text := fmt.Sprintf("Kibana exported %d objects as ndjson (%d bytes), attached as an embedded resource; pass its text to the matching import tool to import them.%s", objects, len(body), summary)
	return &mcp.CallToolResult{Content: []mcp.Content{
		mcp.NewTextContent(text),
		// The file as Kibana sent it, final newline included.
		mcp.NewEmbeddedResource(mcp.TextResourceContents{URI: uri, MIMEType: mediaType, Text: string(resp.Body)}),
	}}
}

// isExportSummary reports the details line Kibana ends an export with:
// its keys count what was exported (exportedCount for saved objects,
// exported_count for rules, exported_exception_list_count for exception
// lists), and it is not an object of the export.
func isExportSummary(line []byte) bool {
	var probe map[string]json.RawMessage
	if json.Unmarshal(line, &probe) != nil {
		return false
	}
	for key := range probe {
		if strings.HasPrefix(key, "exported") {
			return true
		}
	}
	return false
}

// blobResult returns a file (an endpoint file download, say) as an embedded
// resource: base64 with its MIME type, never as text. Its size is bounded
// by the client's response cap.
func (r *Runner) blobResult(req *kibana.Request, resp *kibana.Response, mediaType string) *mcp.CallToolResult {
	if mediaType == "" {
		mediaType = "application/octet-stream"
	}
	name := resp.Filename
	uri := "kibana://" + r.client.SpaceOf(req) + req.Path
	summary := fmt.Sprintf("Kibana answered with a file: %d bytes of %s", len(resp.Body), mediaType)
	if name != "" {
		summary += fmt.Sprintf(", named %q", name)
	}
	return &mcp.CallToolResult{Content: []mcp.Content{
		mcp.NewTextContent(summary + ". It is attached as an embedded resource (base64)."),
		mcp.NewEmbeddedResource(mcp.BlobResourceContents{URI: uri, MIMEType: mediaType, Blob: base64.StdEncoding.EncodeToString(resp.Body)}),
	}}
}

// textResult returns text, cut to the result limit on a character boundary.
func (r *Runner) textResult(ctx context.Context, op *operation.Operation, body []byte) *mcp.CallToolResult {
	if len(body) <= r.maxResult {
		return mcp.NewToolResultText(string(body))
	}
	end := r.maxResult
	for end > 0 && !utf8.RuneStart(body[end]) {
		end--
	}
	what := fmt.Sprintf("the first %d of %d bytes", end, len(body))
	// Text made of lines (a table) is cut after its last whole line, when
	// that keeps most of the limit.
	if nl := bytes.LastIndexByte(body[:end], '\n'); nl >= end/2 {
		end = nl + 1
		what = fmt.Sprintf("the first %d of %d lines", bytes.Count(body[:end], []byte("\n")), bytes.Count(body, []byte("\n"))+btoi(body[len(body)-1] != '\n'))
	}
	result := mcp.NewToolResultText(string(body[:end]))
	note := fmt.Sprintf("Answer cut to %s (the %d-byte result limit). %s", what, r.maxResult, fetchRestHint(op))
	result.Content = append(result.Content, mcp.NewTextContent(note))
	notifyCut(ctx, op, note)
	return result
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// cutNote tells the model what a cut answer is missing and how to get it.
func cutNote(op *operation.Operation, cut jsoncut.Result, limit int) string {
	var what string
	switch {
	case cut.Path == "$":
		what = fmt.Sprintf("kept the first %d of %d items", cut.Kept, cut.Total)
	case cut.Path != "":
		what = fmt.Sprintf("kept the first %d of %d items of %q", cut.Kept, cut.Total, cut.Path)
	default:
		what = "closed it early at a JSON-safe point"
	}
	return fmt.Sprintf("Answer cut to the %d-byte result limit: %s; %d bytes left out. %s", limit, what, cut.Omitted, fetchRestHint(op))
}

// pagingArguments are argument names that page through or bound a list,
// across Kibana's APIs.
var pagingArguments = []string{"page", "perPage", "per_page", "pageSize", "page_size", "size", "search_after", "searchAfter", "cursor"}

// fetchRestHint names the arguments of op that fetch the rest of a list.
func fetchRestHint(op *operation.Operation) string {
	if op.CutHint != "" {
		return op.CutHint
	}
	var have []string
	for _, name := range op.ArgumentNames() {
		if slices.Contains(pagingArguments, name) {
			have = append(have, name)
		}
	}
	if len(have) == 0 {
		return "Ask for less: use narrower arguments (filters, a single ID), or raise --max-result-bytes."
	}
	return fmt.Sprintf("Fetch the rest with %s (smaller pages, next page), or narrow the request with filters.", strings.Join(have, ", "))
}

// isConflict reports a 409 from Kibana: the object changed since its
// version was read.
func isConflict(err error) bool {
	var apiErr *kibana.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict
}
