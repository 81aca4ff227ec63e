package transport

import (
	"context"
	"errors"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Resource reads and completions reach Kibana as tool calls do, so they
// are under the same limits: they share the call slots (MaxConcurrentCalls
// and the per-key cap) and the CallTimeout. A refused or stopped one
// answers a JSON-RPC error that says which limit, never a hang.

// The methods, as counted in kibana_mcp_requests_total.
const (
	methodReadResource = "resources/read"
	methodComplete     = "completion/complete"
)

// ResourceMiddleware puts resource reads under the call limits; add it
// with server.WithResourceHandlerMiddleware when building the MCP server.
func (s *Server) ResourceMiddleware() server.ResourceHandlerMiddleware {
	return func(next server.ResourceHandlerFunc) server.ResourceHandlerFunc {
		return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			return limitRequest(s, ctx, methodReadResource, "reading "+req.Params.URI,
				func(ctx context.Context) ([]mcp.ResourceContents, error) { return next(ctx, req) })
		}
	}
}

// Completer answers completion/complete for prompt arguments and resource
// template arguments: what server.WithPromptCompletionProvider and
// server.WithResourceCompletionProvider take.
type Completer interface {
	server.PromptCompletionProvider
	server.ResourceCompletionProvider
}

// LimitCompletions puts c's completions under the call limits: pass what
// it returns to server.WithPromptCompletionProvider and
// server.WithResourceCompletionProvider. (mcp-go has no middleware for
// completions.)
func (s *Server) LimitCompletions(c Completer) Completer {
	return limitedCompleter{s: s, c: c}
}

type limitedCompleter struct {
	s *Server
	c Completer
}

func (l limitedCompleter) CompletePromptArgument(ctx context.Context, prompt string, arg mcp.CompleteArgument, given mcp.CompleteContext) (*mcp.Completion, error) {
	return limitRequest(l.s, ctx, methodComplete, fmt.Sprintf("completing %s of prompt %s", arg.Name, prompt),
		func(ctx context.Context) (*mcp.Completion, error) {
			return l.c.CompletePromptArgument(ctx, prompt, arg, given)
		})
}

func (l limitedCompleter) CompleteResourceArgument(ctx context.Context, uri string, arg mcp.CompleteArgument, given mcp.CompleteContext) (*mcp.Completion, error) {
	return limitRequest(l.s, ctx, methodComplete, fmt.Sprintf("completing %s of %s", arg.Name, uri),
		func(ctx context.Context) (*mcp.Completion, error) {
			return l.c.CompleteResourceArgument(ctx, uri, arg, given)
		})
}

// limitRequest runs fn, the work of one resource read or completion, under
// the call limits and counts it. what names the work for error messages.
func limitRequest[R any](s *Server, ctx context.Context, method, what string, fn func(context.Context) (R, error)) (R, error) {
	var none R
	sl, why := s.acquire(ctx)
	if sl == nil {
		if ctx.Err() != nil {
			s.metrics.request(method, outcomeCancelled)
			return none, ctx.Err()
		}
		s.metrics.request(method, why.outcome())
		return none, errors.New(why.requestText(s, method))
	}
	a, inTime, callErr := runBounded(s, ctx, sl, method+" handler", fn)
	if inTime {
		sl.release()
	}
	// Unlike a tool's, an answer that came after the limit counts as cut
	// short even without an error: the completer answers an interrupted
	// search with what it found so far, which would pass for "no match".
	switch {
	case ctx.Err() != nil:
		s.metrics.request(method, outcomeCancelled)
		return none, ctx.Err()
	case s.callsStopped.Err() != nil:
		s.metrics.request(method, outcomeCancelled)
		return none, fmt.Errorf("kibana-mcp shut down before %s finished", what)
	case errors.Is(callErr, context.DeadlineExceeded):
		s.metrics.request(method, outcomeTimeout)
		return none, fmt.Errorf("kibana-mcp stopped %s: it took longer than the %s limit of one request; try again later", what, s.opts.CallTimeout)
	case a.err == nil:
		s.metrics.request(method, outcomeOK)
		return a.res, nil
	default:
		s.metrics.request(method, outcomeError)
		return none, a.err
	}
}
