package elastic

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// Path is where the data tools' Elasticsearch requests go.
type Path string

const (
	// PathNone: no path is usable; the data tools are not served.
	PathNone Path = "none"
	// PathElasticsearch: Elasticsearch directly (--elasticsearch-url).
	PathElasticsearch Path = "elasticsearch"
	// PathAgentBuilder: Kibana's Agent Builder tool execution (9.2+).
	PathAgentBuilder Path = "agent_builder"
	// PathConsoleProxy: Kibana's internal console proxy
	// (--allow-internal-apis).
	PathConsoleProxy Path = "console_proxy"
)

// Source is the path chosen at start, handed to every tool call in its
// context.
type Source struct {
	Path   Path
	Direct *Client // with PathElasticsearch
}

type sourceKey struct{}

// WithSource returns ctx carrying src.
func WithSource(ctx context.Context, src Source) context.Context {
	return context.WithValue(ctx, sourceKey{}, src)
}

// SourceFrom is the source in ctx; Agent Builder when none was set.
func SourceFrom(ctx context.Context) Source {
	if s, ok := ctx.Value(sourceKey{}).(Source); ok && s.Path != "" {
		return s
	}
	return Source{Path: PathAgentBuilder}
}

// ES is the Doer that speaks Elasticsearch's own API for src, through k for
// the console proxy; nil for Agent Builder (which speaks its own tools).
func (s Source) ES(k *kibana.Client) Doer {
	switch s.Path {
	case PathElasticsearch:
		return s.Direct
	case PathConsoleProxy:
		return ConsoleProxy{K: k}
	}
	return nil
}

// ConsoleProxyPath is Kibana's console proxy route. It is internal: Kibana 9
// restricts it, and it may change or go without notice.
const ConsoleProxyPath = "/api/console/proxy"

// ConsoleProxy sends allowed requests through Kibana's console proxy, with
// Kibana's credentials (or the caller's key in the context).
type ConsoleProxy struct{ K *kibana.Client }

// Do checks r against the allow-list and sends it through the proxy.
func (p ConsoleProxy) Do(ctx context.Context, r *Request) (*Response, error) {
	if err := Allowed(r); err != nil {
		return nil, err
	}
	target := r.Path
	if len(r.Query) > 0 {
		target += "?" + r.Query.Encode()
	}
	body := r.Body
	if body == nil && r.Method == http.MethodPost {
		body = []byte("{}")
	}
	resp, err := p.K.Do(ctx, &kibana.Request{
		Method: http.MethodPost, Path: ConsoleProxyPath, Space: "default",
		Query: url.Values{"path": {target}, "method": {r.Method}},
		Body:  body, Retryable: true,
	})
	if err != nil {
		var apiErr *kibana.APIError
		if errors.As(err, &apiErr) {
			// The proxy passes Elasticsearch's status and body through;
			// Kibana's own refusals keep Kibana's words.
			if e := DecodeError(apiErr.StatusCode, []byte(apiErr.Message)); e.Type != "" {
				return nil, e
			}
		}
		return nil, err
	}
	return &Response{StatusCode: resp.StatusCode, Body: resp.Body}, nil
}
