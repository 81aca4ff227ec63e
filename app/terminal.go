package app

import (
	"io"
	"os"
)

// stdioTerminalHint is what a person who started the server by hand on a
// terminal sees: it is waiting for an MCP client, not hung.
const stdioTerminalHint = "kibana-mcp speaks MCP on standard input and waits for a client to connect (an MCP client starts it). " +
	"To serve over HTTP run kibana-mcp --transport http; to try one tool, kibana-mcp --sandbox call find_cases '{}'"

// stdinHint is stdioTerminalHint when stdin is a terminal (a character
// device), and "" when it is a pipe or a file, as when a client starts it.
func stdinHint(stdin io.Reader) string {
	f, ok := stdin.(*os.File)
	if !ok {
		return ""
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return ""
	}
	return stdioTerminalHint
}
