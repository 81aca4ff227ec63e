package tools

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// Describe says what update_synthetics_param sets without its value: a
// parameter is where monitors keep their passwords and tokens, whatever
// the parameter's name.
func (in *UpdateSyntheticsParamInput) Describe(_ context.Context, _ *kibana.Client, req *kibana.Request) string {
	var body map[string]any
	if json.Unmarshal(req.Body, &body) != nil {
		return ""
	}
	_, newValue := body["value"]
	delete(body, "value")
	change := operation.Assignments(body)
	if newValue {
		change = append(change, "a new value (hidden)")
	}
	if len(change) == 0 {
		return ""
	}
	return fmt.Sprintf("set %s on synthetics parameter %s", operation.JoinAnd(change), operation.Quoted(in.ID))
}
