package transport

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
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
// refuses a call when MaxConcurrentCalls are already running, or when the
// caller's own Kibana key already runs MaxConcurrentCallsPerKey (after a
// short wait), stops a call at CallTimeout, and counts every call by tool
// and outcome. Each limit answers with a tool error the model can read.
//
// A call whose handler first asks the client for input (an input-required
// result: the multi-round-trip pattern confirmations use) is one call: the
// question is counted apart, and the call once, when it ends. For a client
// older than protocol 2026-07-28, mcp-go asks the question itself and runs
// the handler again, through this middleware, inside the same request
// (still so in v1.6.0: TestLegacyBridgeRunsTheMiddlewareTwice). The slot
// the first round held is kept for that second round (for at most
// CallTimeout), so the confirmed call neither waits for a second slot nor
// is refused one after the user said yes, and is counted once.
func (s *Server) ToolMiddleware() server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			tool := req.Params.Name
			mr := requestOf(ctx)
			sl := mr.takeKept()
			if sl == nil {
				var why refusal
				if sl, why = s.acquire(ctx); sl == nil {
					if ctx.Err() != nil {
						s.metrics.call(tool, outcomeCancelled)
						return nil, ctx.Err()
					}
					s.metrics.call(tool, why.outcome())
					return mcp.NewToolResultError(why.toolText(s)), nil
				}
			}
			a, inTime, callErr := runBounded(s, ctx, sl, tool+" tool handler", func(ctx context.Context) (*mcp.CallToolResult, error) {
				return next(ctx, req)
			})
			if inTime && a.err == nil && a.res.NeedsInput() && ctx.Err() == nil {
				s.metrics.inputRequest(tool)
				if !mr.keep(s, ctx, sl) {
					sl.release()
				}
				return a.res, nil
			}
			if inTime {
				sl.release()
			}
			res, outcome, err := s.toolAnswer(ctx, req, a, callErr)
			s.metrics.call(tool, outcome)
			return res, err
		}
	}
}

// toolAnswer turns a handler's answer into the call's answer and outcome.
func (s *Server) toolAnswer(ctx context.Context, req mcp.CallToolRequest, a answer[*mcp.CallToolResult], callErr error) (*mcp.CallToolResult, string, error) {
	failed := a.err != nil || a.res == nil || a.res.IsError
	switch {
	case ctx.Err() != nil:
		return nil, outcomeCancelled, ctx.Err()
	case !failed:
		return a.res, outcomeOK, nil
	case s.callsStopped.Err() != nil:
		return mcp.NewToolResultError(fmt.Sprintf(
			"Stopped: kibana-mcp shut down before %s finished; if it was a change, check whether it was made before repeating it.",
			req.Params.Name)), outcomeCancelled, nil
	case errors.Is(callErr, context.DeadlineExceeded):
		// Whatever the handler made of its cancelled context, the cause
		// is the limit: say so, and what to do about it.
		return mcp.NewToolResultError(fmt.Sprintf(
			"Stopped: %s ran longer than the %s limit of one tool call. Narrow the request (a smaller page, fewer items) or try again later; if it was a change, check whether it was made before repeating it.",
			req.Params.Name, s.opts.CallTimeout)), outcomeTimeout, nil
	default:
		return a.res, outcomeToolError, a.err
	}
}

// answer is what a handler returned.
type answer[R any] struct {
	res R
	err error
}

// runBounded runs fn under CallTimeout (and the shutdown's end of calls).
// fn runs in its own goroutine so that the answer comes at the deadline
// even if fn ignores its context. inTime says whether fn's own answer came
// (a result already in hand wins over the timeout); callErr is why its
// context ended, if it did.
//
// When fn answered in time, the caller owns sl: it releases or keeps it.
// Otherwise sl is released when fn really returns, so that neither the
// limit nor shutdown is fooled by a handler that outlives its answer.
func runBounded[R any](s *Server, ctx context.Context, sl *slot, what string, fn func(context.Context) (R, error)) (a answer[R], inTime bool, callErr error) {
	callCtx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	defer context.AfterFunc(s.callsStopped, cancel)()
	done := make(chan answer[R], 1)
	// Of fn returning and the caller giving up, whichever comes second
	// releases the slot; an answer in time leaves it to the caller.
	var first atomic.Bool
	go func() {
		defer func() {
			if !first.CompareAndSwap(false, true) {
				sl.release()
			}
		}()
		defer func() {
			// A panic here would take the whole server down: recovery
			// middleware outside this one runs on another goroutine.
			if p := recover(); p != nil {
				done <- answer[R]{err: fmt.Errorf("panic in %s: %v", what, p)}
			}
		}()
		res, err := fn(callCtx)
		done <- answer[R]{res, err}
	}()

	select {
	case a = <-done:
		return a, true, callCtx.Err()
	case <-callCtx.Done():
	}
	// Give a handler that honours its context a moment to return its own
	// answer.
	select {
	case a = <-done:
		return a, true, callCtx.Err()
	case <-time.After(50 * time.Millisecond):
	}
	if !first.CompareAndSwap(false, true) {
		sl.release()
	}
	return answer[R]{err: callCtx.Err()}, false, callCtx.Err()
}
