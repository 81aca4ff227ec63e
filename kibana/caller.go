package kibana

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// A server fronting many users over HTTP can send each user's calls with
// that user's own Kibana API key, so Kibana applies the user's privileges
// rather than the server's. The key travels in the request's context, set
// for one incoming request and gone with it: two sessions never share it.

type callerKey struct{}

// WithAPIKey returns a context whose requests authenticate with key instead
// of the client's configured credentials. The Kibana URL never changes.
// An empty key leaves the configured credentials in force.
func WithAPIKey(ctx context.Context, key string) context.Context {
	if key == "" {
		return ctx
	}
	return context.WithValue(ctx, callerKey{}, "ApiKey "+key)
}

// authFor is the Authorization header for a request made with ctx.
func (c *Client) authFor(ctx context.Context) string {
	if auth, ok := ctx.Value(callerKey{}).(string); ok {
		return auth
	}
	return c.auth
}

type retryNoticeKey struct{}

// WithRetryNotice returns a context whose requests call notice before each
// retry, with the status that caused it and the wait before the next
// attempt: the MCP server passes this on to the client as a log message.
func WithRetryNotice(ctx context.Context, notice func(status int, wait time.Duration)) context.Context {
	return context.WithValue(ctx, retryNoticeKey{}, notice)
}

// CallerIdentity is a stable, non-secret name for the credentials a request
// made with ctx runs with: a hash of the caller's own key, or "server" for
// the client's configured credentials.
func CallerIdentity(ctx context.Context) string {
	auth, ok := ctx.Value(callerKey{}).(string)
	if !ok {
		return "server"
	}
	sum := sha256.Sum256([]byte(auth))
	return hex.EncodeToString(sum[:16])
}
