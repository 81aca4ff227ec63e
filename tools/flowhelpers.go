package tools

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// Helpers of the flows (operation.Flow) the areas' inputs run.

// callOp runs another declared operation from inside a flow, in the space of
// the flow's own request.
func callOp(ctx context.Context, k *kibana.Client, space, tool string, args map[string]any) (*kibana.Response, error) {
	return Catalog.Call(ctx, k, space, tool, args)
}

// callJSON is callOp decoding a JSON answer into into.
func callJSON(ctx context.Context, k *kibana.Client, space, tool string, args map[string]any, into any) error {
	return Catalog.CallJSON(ctx, k, space, tool, args, into)
}

// isConflict reports a 409 from Kibana: the object changed since its
// version was read.
func isConflict(err error) bool {
	var apiErr *kibana.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusConflict
}

// isNotFound reports a 404 from Kibana.
func isNotFound(err error) bool {
	var apiErr *kibana.APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound
}

// jsonResponse wraps a document a flow put together as a Kibana answer.
func jsonResponse(v any) (*kibana.Response, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &kibana.Response{StatusCode: http.StatusOK, ContentType: "application/json", Body: body}, nil
}

// textResponse wraps a text answer a flow wrote (a table) as a Kibana
// answer.
func textResponse(text string) *kibana.Response {
	return &kibana.Response{StatusCode: http.StatusOK, ContentType: "text/plain; charset=utf-8", Body: []byte(text)}
}

// number is how a flow passes a count to callOp: arguments arrive from JSON,
// where every number is a float64, and are validated as such.
func number(n int) float64 { return float64(n) }
