package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// flow is implemented by inputs whose tool takes more than the one request
// Bind builds: a read that prepares a write (a case's current version), a
// lookup that completes it (the rule behind some alerts), several reads
// gathered into one answer, or an answer reshaped into compact rows. Bind
// still builds the request that does the work, so read-only mode and
// confirmation judge the tool by it; run sends it, with whatever it needs
// around it, through the same client.
type flow interface {
	run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*flowResult, error)
}

// flowResult is a flow's answer and what the model should know about how it
// was reached (a version read first, a retry after a conflict).
type flowResult struct {
	resp  *kibana.Response
	notes []string
}

// Composite reports whether op's tool may send Kibana more than one request
// or reshape its answer.
func (op *Operation) Composite() bool {
	t := op.inputType()
	if t == nil {
		return false
	}
	_, ok := reflect.New(t).Interface().(flow)
	return ok
}

// sendOne sends req as it is: the flow of inputs that only sometimes need
// more.
func sendOne(ctx context.Context, k *kibana.Client, req *kibana.Request) (*flowResult, error) {
	resp, err := k.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	return &flowResult{resp: resp}, nil
}

// callOp runs another declared operation from inside a flow, in the space of
// the flow's own request.
func callOp(ctx context.Context, k *kibana.Client, space, tool string, args map[string]any) (*kibana.Response, error) {
	if space != "" {
		args[SpaceArgument] = space
	}
	return Send(ctx, k, tool, args)
}

// Send binds args to the named operation and sends its one request, without
// any flow. Going through the declaration keeps validation, path escaping
// and API versions exactly as the tool has them; flows, resources and
// completion use it. Argument errors name the field; Kibana's are
// *kibana.APIError.
func Send(ctx context.Context, k *kibana.Client, tool string, args map[string]any) (*kibana.Response, error) {
	op, ok := Lookup(tool)
	if !ok {
		return nil, fmt.Errorf("internal error: no operation %s is declared", tool)
	}
	req, err := op.Bind(args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tool, err)
	}
	return k.Do(ctx, req)
}

// callJSON is callOp decoding a JSON answer into into.
func callJSON(ctx context.Context, k *kibana.Client, space, tool string, args map[string]any, into any) error {
	resp, err := callOp(ctx, k, space, tool, args)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Body, into); err != nil {
		return fmt.Errorf("%s: Kibana's answer is not the JSON expected: %w", tool, err)
	}
	return nil
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

// number is how a flow passes a count to callOp: arguments arrive from JSON,
// where every number is a float64, and are validated as such.
func number(n int) float64 { return float64(n) }
