package serve

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// The MCP logging capability: what the server's own log says about a call
// that the client should see too (a retry that slows it, an answer cut to
// fit, Kibana refusing it) goes to the client as notifications/message, at
// or above the level the client set. Clients that set no level, or
// sessions that cannot take notifications, get nothing: a notice is never
// a reason for a call to fail.

// logger names this server in the notifications.
const logger = "kibana-mcp"

// notify sends one log message to the client of ctx's call. The call may
// answer right after: mcp-go (since v1.6.0) writes a request's
// notifications to that request's own stream and drains them before its
// answer, so none is lost on streamable HTTP
// (TestNoticeJustBeforeTheAnswerArrivesOverStreamableHTTP).
func notify(ctx context.Context, level mcp.LoggingLevel, data map[string]any) {
	if srv := server.ServerFromContext(ctx); srv != nil {
		srv.SendLogMessageToClient(ctx, mcp.NewLoggingMessageNotification(level, logger, data))
	}
}

// withRetryNotices tells the client of each retry Kibana's answers cause.
func withRetryNotices(ctx context.Context, op *operation.Operation) context.Context {
	return kibana.WithRetryNotice(ctx, func(status int, wait time.Duration) {
		notify(ctx, mcp.LoggingLevelWarning, map[string]any{
			"tool":    op.Name,
			"message": fmt.Sprintf("Kibana answered %d %s; retrying in %s", status, http.StatusText(status), wait.Round(time.Millisecond)),
		})
	})
}

// notifyFailure tells the client that Kibana refused or failed a call.
func notifyFailure(ctx context.Context, op *operation.Operation, err error) {
	notify(ctx, mcp.LoggingLevelError, map[string]any{"tool": op.Name, "message": err.Error()})
}

// notifyCut tells the client an answer was cut to the result limit.
func notifyCut(ctx context.Context, op *operation.Operation, note string) {
	notify(ctx, mcp.LoggingLevelWarning, map[string]any{"tool": op.Name, "message": note})
}
