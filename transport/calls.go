package transport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// slotWait is how long a tool call waits for one of the MaxConcurrentCalls
// slots before it is refused: long enough to ride out a burst, short
// enough that a client is told instead of left hanging.
const slotWait = time.Second

// ToolMiddleware bounds and counts tool calls; add it with
// server.WithToolHandlerMiddleware when building the MCP server. It
// refuses a call when MaxConcurrentCalls are already running (after a
// short wait), stops a call at CallTimeout, and counts every call by tool
// and outcome. Each limit answers with a tool error the model can read.
func (s *Server) ToolMiddleware() server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			tool := req.Params.Name
			if !s.acquireSlot(ctx) {
				if ctx.Err() != nil {
					s.metrics.call(tool, outcomeCancelled)
					return nil, ctx.Err()
				}
				s.metrics.call(tool, outcomeRefused)
				return mcp.NewToolResultError(fmt.Sprintf(
					"Not run: kibana-mcp is already running its limit of %d tool calls at once. Nothing was sent to Kibana; try again in a moment.",
					s.opts.MaxConcurrentCalls)), nil
			}
			a, outcome := s.runBounded(ctx, next, req)
			s.metrics.call(tool, outcome)
			return a.res, a.err
		}
	}
}

func (s *Server) acquireSlot(ctx context.Context) bool {
	select {
	case s.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(s.slotWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

type callAnswer struct {
	res *mcp.CallToolResult
	err error
}

// runBounded runs one call under CallTimeout. The handler runs in its own
// goroutine so that the answer comes at the deadline even if a handler
// ignores its context; the slot and the in-flight count are released only
// when the handler really returns, so neither limit nor shutdown is fooled.
func (s *Server) runBounded(ctx context.Context, next server.ToolHandlerFunc, req mcp.CallToolRequest) (callAnswer, string) {
	callCtx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	defer context.AfterFunc(s.callsStopped, cancel)()
	s.metrics.inFlight.Add(1)
	done := make(chan callAnswer, 1)
	go func() {
		defer func() {
			s.metrics.inFlight.Add(-1)
			<-s.slots
		}()
		defer func() {
			// A panic here would take the whole server down: recovery
			// middleware outside this one runs on another goroutine.
			if p := recover(); p != nil {
				done <- callAnswer{err: fmt.Errorf("panic in %s tool handler: %v", req.Params.Name, p)}
			}
		}()
		res, err := next(callCtx, req)
		done <- callAnswer{res, err}
	}()

	var a callAnswer
	select {
	case a = <-done:
	case <-callCtx.Done():
		// Give a handler that honours its context a moment to return
		// its own answer (a result already in hand wins over the timeout).
		select {
		case a = <-done:
		case <-time.After(50 * time.Millisecond):
			a = callAnswer{err: callCtx.Err()}
		}
	}
	failed := a.err != nil || a.res == nil || a.res.IsError
	switch {
	case ctx.Err() != nil:
		return callAnswer{err: ctx.Err()}, outcomeCancelled
	case !failed:
		return a, outcomeOK
	case s.callsStopped.Err() != nil:
		return callAnswer{res: mcp.NewToolResultError(fmt.Sprintf(
			"Stopped: kibana-mcp shut down before %s finished; if it was a change, check whether it was made before repeating it.",
			req.Params.Name))}, outcomeCancelled
	case errors.Is(callCtx.Err(), context.DeadlineExceeded):
		// Whatever the handler made of its cancelled context, the cause
		// is the limit: say so, and what to do about it.
		return callAnswer{res: mcp.NewToolResultError(fmt.Sprintf(
			"Stopped: %s ran longer than the %s limit of one tool call. Narrow the request (a smaller page, fewer items) or try again later; if it was a change, check whether it was made before repeating it.",
			req.Params.Name, s.opts.CallTimeout))}, outcomeTimeout
	default:
		return a, outcomeToolError
	}
}
