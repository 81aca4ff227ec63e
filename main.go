// Command kibana-mcp serves the Kibana REST API as Model Context Protocol
// tools over stdio, SSE or streamable HTTP. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/kibana-mcp/kibana-mcp/app"
)

func main() {
	collectLessAtStart()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// collectLessAtStart lets the heap grow further than usual for the first
// second. Start-up leaves about 4 MB of short-lived garbage (mcp-go's
// schema compiler at package init, registering the tools), just over the
// 4 MB at which Go first collects: one collection in the middle of
// start-up that frees little and, with two busy cores, holds up the first
// answers by milliseconds. A GOGC of the user's is left alone.
func collectLessAtStart() {
	if os.Getenv("GOGC") != "" {
		return
	}
	prev := debug.SetGCPercent(400)
	time.AfterFunc(time.Second, func() { debug.SetGCPercent(prev) })
}
