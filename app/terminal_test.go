package app

import (
	"os"
	"strings"
	"testing"
)

// TestStdinHintOnATerminalOnly: started by hand on a terminal the server
// says it waits for an MCP client and how else to run it; started by a
// client (stdin a pipe) it says nothing.
func TestStdinHintOnATerminalOnly(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if got := stdinHint(r); got != "" {
		t.Errorf("pipe: %q", got)
	}
	if got := stdinHint(strings.NewReader("")); got != "" {
		t.Errorf("reader: %q", got)
	}
	tty, err := os.Open(os.DevNull) // a character device, as a terminal is
	if err != nil {
		t.Skip(err)
	}
	defer tty.Close()
	got := stdinHint(tty)
	for _, want := range []string{"speaks MCP on standard input", "waits for a client", "--transport http", "kibana-mcp --sandbox call find_cases '{}'"} {
		if !strings.Contains(got, want) {
			t.Errorf("terminal hint %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "\n") {
		t.Errorf("hint is not one line: %q", got)
	}
}
