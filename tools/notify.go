package tools

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// The MCP logging capability: what the server's own log says about a call
// that the client should see too (a retry that slows it, an answer cut to
// fit, Kibana refusing it) goes to the client as notifications/message, at
// or above the level the client set. Clients that set no level, or
// sessions that cannot take notifications, get nothing: a notice is never
// a reason for a call to fail.

// logger names this server in the notifications.
const logger = "kibana-mcp"

// notify sends one log message to the client of ctx's call.
func notify(ctx context.Context, level mcp.LoggingLevel, data map[string]any) {
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return
	}
	if srv.SendLogMessageToClient(ctx, mcp.NewLoggingMessageNotification(level, logger, data)) == nil {
		if sent, ok := ctx.Value(noticesKey{}).(*atomic.Bool); ok {
			sent.Store(true)
		}
	}
}

type noticesKey struct{}

// trackNotices marks ctx so that settleNotices knows whether the call sent
// any notification.
func trackNotices(ctx context.Context) (context.Context, *atomic.Bool) {
	sent := new(atomic.Bool)
	return context.WithValue(ctx, noticesKey{}, sent), sent
}

// noticeSettle is how long a call that sent notifications waits before
// answering. mcp-go's streamable HTTP server (v1.2.1) forwards a request's
// notifications from another goroutine, which drops one it has taken off
// the queue when the answer overtakes it; a notification sent just before
// the answer (a Kibana error) would be lost. The wait lets the forwarder
// write it first; calls that notify nothing never wait.
const noticeSettle = 5 * time.Millisecond

func settleNotices(sent *atomic.Bool) {
	if sent.Load() {
		time.Sleep(noticeSettle)
	}
}

// withRetryNotices tells the client of each retry Kibana's answers cause.
func withRetryNotices(ctx context.Context, op *Operation) context.Context {
	return kibana.WithRetryNotice(ctx, func(status int, wait time.Duration) {
		notify(ctx, mcp.LoggingLevelWarning, map[string]any{
			"tool":    op.Name,
			"message": fmt.Sprintf("Kibana answered %d %s; retrying in %s", status, http.StatusText(status), wait.Round(time.Millisecond)),
		})
	})
}

// notifyFailure tells the client that Kibana refused or failed a call.
func notifyFailure(ctx context.Context, op *Operation, err error) {
	notify(ctx, mcp.LoggingLevelError, map[string]any{"tool": op.Name, "message": err.Error()})
}

// notifyCut tells the client an answer was cut to the result limit.
func notifyCut(ctx context.Context, op *Operation, note string) {
	notify(ctx, mcp.LoggingLevelWarning, map[string]any{"tool": op.Name, "message": note})
}
