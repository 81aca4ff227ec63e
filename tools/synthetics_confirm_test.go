package tools

import (
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// A synthetics parameter's value is a secret by use, not by name: the
// question about an update never shows it.
func TestUpdateSyntheticsParamQuestionHidesValue(t *testing.T) {
	in := &UpdateSyntheticsParamInput{ID: "p1"}
	req := &kibana.Request{Body: []byte(`{"key":"db_pass","value":"hunter2"}`)}
	got := in.Describe(t.Context(), nil, req)
	if strings.Contains(got, "hunter2") || !strings.Contains(got, `key to "db_pass"`) || !strings.Contains(got, "(hidden)") {
		t.Errorf("question = %q", got)
	}
}
