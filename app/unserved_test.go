package app

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestCallCommandSaysWhyAToolIsNotServed: `kibana-mcp call` of a tool the
// flags leave out says why and which flag serves it, before reaching Kibana.
func TestCallCommandSaysWhyAToolIsNotServed(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"call", "find_agents", "{}"}, "--toolsets fleet"},
		{[]string{"--read-only", "call", "update_case", "{}"}, "update_case\" changes Kibana and is not served in read-only mode"},
		{[]string{"--exclude-tools", "get_case", "call", "get_case", "{}"}, "excluded by --exclude-tools"},
		{[]string{"call", "find_case", "{}"}, "did you mean find_cases"},
	} {
		var stdout, stderr bytes.Buffer
		code := Main(t.Context(), c.args, strings.NewReader(""), &stdout, &stderr, env(map[string]string{"KIBANA_URL": "http://127.0.0.1:9"}))
		if code != 1 || !strings.Contains(stderr.String(), c.want) || strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q, want one line containing %q", c.args, code, stderr.String(), c.want)
		}
	}
}

// TestReadOnlyWarnsAboutAWriteToolAskedFor: --read-only --tools update_case
// says at start that update_case is not served.
func TestReadOnlyWarnsAboutAWriteToolAskedFor(t *testing.T) {
	var stdout, stderr bytes.Buffer
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	Main(ctx, []string{"--read-only", "--tools", "update_case"}, strings.NewReader(""), &stdout, &stderr, env(map[string]string{"KIBANA_URL": "http://127.0.0.1:9"}))
	if !strings.Contains(stderr.String(), "update_case changes Kibana and is not served in read-only mode") {
		t.Errorf("stderr %q", stderr.String())
	}
}
