// Command loadtest measures kibana-mcp over streamable HTTP: N concurrent
// MCP sessions each making M tool calls against one or more server
// processes and the built-in simulated Kibana, all on loopback.
//
//	go run ./cmd/loadtest -sessions 50 -calls 100 -replicas 2
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kibana-mcp/kibana-mcp/internal/loadtest"
)

func main() {
	var cfg loadtest.Config
	flag.IntVar(&cfg.Sessions, "sessions", 50, "concurrent MCP client sessions")
	flag.IntVar(&cfg.Calls, "calls", 100, "tool calls per session")
	flag.IntVar(&cfg.Replicas, "replicas", 1, "server processes; more than one puts a round-robin proxy in front")
	flag.BoolVar(&cfg.Stateless, "stateless", true, "start the servers with --stateless (needed for more than one replica)")
	flag.BoolVar(&cfg.Proxy, "proxy", false, "put the proxy in front of a single replica too, to compare like with like")
	flag.StringVar(&cfg.Protocol, "protocol", "", "MCP protocol version the clients ask for (e.g. 2025-06-18 for the session-based handshake); default mcp-go's newest")
	flag.StringVar(&cfg.Binary, "bin", "", "server binary to run; built from this module when empty")
	flag.DurationVar(&cfg.Timeout, "timeout", 5*time.Minute, "bound on the whole run")
	flag.DurationVar(&cfg.CallTimeout, "call-timeout", 30*time.Second, "bound on each tool call")
	verbose := flag.Bool("v", false, "show the servers' warnings and errors on stderr")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "loadtest: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}
	if *verbose {
		cfg.ServerLog = os.Stderr
	}
	// Ctrl-C stops the servers rather than leaving them running.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, cfg, os.Stdout, os.Stderr))
}

func run(ctx context.Context, cfg loadtest.Config, stdout, stderr io.Writer) int {
	res, err := loadtest.Run(ctx, cfg)
	if res != nil {
		res.WriteTable(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "loadtest:", err)
		return 1
	}
	if res.ErrorCount() > 0 {
		return 1
	}
	return 0
}
