package app

import (
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/serve"
)

// TestConfirmDestructiveDefaults: a server others reach over HTTP requires
// confirmation by default; stdio asks; each mode can be named, and on (the
// old spelling) means ask.
func TestConfirmDestructiveDefaults(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want serve.ConfirmMode
	}{
		{nil, nil, serve.ConfirmAsk},
		{[]string{"--transport", "http"}, nil, serve.ConfirmRequire},
		{[]string{"--transport", "sse"}, nil, serve.ConfirmRequire},
		{[]string{"--transport", "http", "--stateless"}, nil, serve.ConfirmRequire},
		{[]string{"--transport", "http", "--confirm-destructive", "ask"}, nil, serve.ConfirmAsk},
		{[]string{"--confirm-destructive=require"}, nil, serve.ConfirmRequire},
		{[]string{"--confirm-destructive=on"}, nil, serve.ConfirmAsk},
		{[]string{"--transport", "http"}, map[string]string{"KIBANA_MCP_CONFIRM_DESTRUCTIVE": "off"}, serve.ConfirmOff},
	} {
		cfg, err := ParseConfig(tc.args, env(tc.env), nil)
		if err != nil {
			t.Fatalf("%v %v: %v", tc.args, tc.env, err)
		}
		if cfg.Serve.Confirm != tc.want {
			t.Errorf("%v %v: confirm %v, want %v", tc.args, tc.env, cfg.Serve.Confirm, tc.want)
		}
	}
}

// TestDynamicToolsetsNeedSessions: stateless has no session to keep enabled
// toolsets in, so the combination is refused at start with the reason.
func TestDynamicToolsetsNeedSessions(t *testing.T) {
	_, err := ParseConfig([]string{"--transport", "http", "--stateless", "--dynamic-toolsets"}, env(nil), nil)
	if err == nil || !strings.Contains(err.Error(), "dynamic-toolsets needs sessions") {
		t.Fatalf("got %v", err)
	}
}
