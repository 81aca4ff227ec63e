package resources

import (
	"context"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// readError is a resources/read failure the client caused: mcp-go (v1.6.0,
// server.NewHandlerError) answers it with code and our message, where any
// other handler error is -32603 (internal error). Data, when set, is sent
// as the error's data member.
type readError struct {
	code int
	data any
	err  error
}

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

func (e *readError) JSONRPCError() mcp.JSONRPCError {
	return mcp.JSONRPCError{JSONRPC: mcp.JSONRPC_VERSION, Error: mcp.NewJSONRPCErrorDetails(e.code, e.err.Error(), e.data)}
}

// invalidURI is a template variable Kibana would refuse: -32602.
func invalidURI(format string, args ...any) error {
	return server.NewHandlerError(&readError{code: mcp.INVALID_PARAMS, err: fmt.Errorf(format, args...)})
}

// notFound is a URI naming nothing: -32002 with the URI as data, as
// protocols before 2026-07-28 specify, and -32602 from 2026-07-28 on, the
// codes mcp-go gives a URI that matches no template. err wraps
// server.ErrResourceNotFound.
func notFound(ctx context.Context, uri string, err error) error {
	code := mcp.RESOURCE_NOT_FOUND
	if mcp.IsModernProtocol(server.RequestProtocolVersion(ctx)) {
		code = mcp.INVALID_PARAMS
	}
	return server.NewHandlerError(&readError{code: code, data: map[string]any{"uri": uri}, err: err})
}
