package elastic

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// The direct client is net/http, not the official go-elasticsearch client:
// that library is large (hundreds of generated API files) and we send five
// kinds of GET/POST, all through the allow-list; its typed API would also
// make it easy to call anything else.

// Config is how to reach Elasticsearch directly.
type Config struct {
	URL      string
	APIKey   string // Authorization: ApiKey <key>
	Username string
	Password string

	CACertFile         string
	InsecureSkipVerify bool
	Timeout            time.Duration
	MaxResponseBytes   int64
	UserAgent          string
}

// Response is a 2xx answer.
type Response struct {
	StatusCode int
	Body       []byte
}

// Doer sends allowed requests to Elasticsearch by some path.
type Doer interface {
	Do(ctx context.Context, r *Request) (*Response, error)
}

// Client calls one Elasticsearch directly. Build it with New.
type Client struct {
	http    *http.Client
	base    *url.URL
	auth    string
	agent   string
	maxBody int64
}

// New checks cfg and builds a client; it never contacts Elasticsearch.
func New(cfg Config) (*Client, error) {
	base, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("elasticsearch-url %q is not an http(s) URL", cfg.URL)
	}
	if base.User != nil {
		return nil, errors.New("elasticsearch-url must not carry credentials: use ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD")
	}
	if base.RawQuery != "" || base.Fragment != "" {
		return nil, errors.New("elasticsearch-url must not have a query or fragment")
	}
	c := &Client{base: base, agent: cfg.UserAgent, maxBody: cfg.MaxResponseBytes}
	switch {
	case cfg.APIKey != "":
		c.auth = "ApiKey " + cfg.APIKey
	case cfg.Username != "":
		c.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.Password))
	default:
		return nil, errors.New("elasticsearch-url needs credentials: ELASTICSEARCH_API_KEY, or ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD")
	}
	if c.maxBody <= 0 {
		c.maxBody = 4 << 20
	}
	tlsCfg, err := kibana.TLSConfig(cfg.CACertFile, cfg.InsecureSkipVerify)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	c.http = &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return errors.New("Elasticsearch answered with a redirect, which kibana-mcp does not follow: point --elasticsearch-url at Elasticsearch itself")
	}}
	return c, nil
}

// BaseURL is the configured URL.
func (c *Client) BaseURL() string { return c.base.String() }

// Do sends r if the allow-list allows it, and returns the 2xx answer or an
// *Error.
func (c *Client) Do(ctx context.Context, r *Request) (*Response, error) {
	if err := Allowed(r); err != nil {
		return nil, err
	}
	target := c.base.String() + r.Path
	if len(r.Query) > 0 {
		target += "?" + r.Query.Encode()
	}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, target, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("Accept", "application/json")
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.agent != "" {
		req.Header.Set("User-Agent", c.agent)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, fmt.Errorf("cannot reach Elasticsearch: %w", ue.Err)
		}
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading Elasticsearch's answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, DecodeError(resp.StatusCode, data)
	}
	if int64(len(data)) > c.maxBody {
		return nil, fmt.Errorf("Elasticsearch's answer is larger than the %d-byte limit; narrow the request (a lower LIMIT, fewer columns with KEEP)", c.maxBody)
	}
	return &Response{StatusCode: resp.StatusCode, Body: data}, nil
}

// Error is a non-2xx answer from Elasticsearch, with the position an ES|QL
// error names.
type Error struct {
	Status       int
	Type         string // e.g. verification_exception
	Reason       string
	Line, Column int // 0 when the error names no position
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Elasticsearch answered %d", e.Status)
	if e.Type != "" {
		b.WriteString(" " + e.Type)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, " at line %d, column %d", e.Line, e.Column)
	}
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	return b.String()
}

var positionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`line (\d+):(\d+): `) })

// DecodeError reads Elasticsearch's error body
// {"error":{"type":…,"reason":…,"root_cause":[…]},"status":…}.
func DecodeError(status int, body []byte) *Error {
	e := &Error{Status: status}
	var parsed struct {
		Error json.RawMessage `json:"error"`
	}
	var inner struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	}
	if json.Unmarshal(body, &parsed) == nil && json.Unmarshal(parsed.Error, &inner) == nil && (inner.Type != "" || inner.Reason != "") {
		e.Type, e.Reason = inner.Type, inner.Reason
	} else if json.Unmarshal(parsed.Error, &e.Reason) != nil || e.Reason == "" {
		e.Reason = strings.TrimSpace(string(body))
	}
	e.findPosition()
	return e
}

var typeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b([a-z_]+_exception)\b`) })

// FromMessage reads an error Elasticsearch reported through another
// service (Agent Builder's tool results) as text: its type and position
// when the text names them.
func FromMessage(status int, msg string) *Error {
	e := &Error{Status: status, Reason: strings.TrimSpace(msg)}
	if m := typeRE().FindStringSubmatch(e.Reason); m != nil {
		e.Type = m[1]
	}
	e.findPosition()
	return e
}

// findPosition takes the first "line L:C: " out of the reason into Line and
// Column ("Found 1 problem\nline 1:20: Unknown column [x]" becomes the
// message after it); with several problems the reason keeps them all.
func (e *Error) findPosition() {
	if m := positionRE().FindStringSubmatchIndex(e.Reason); m != nil {
		fmt.Sscan(e.Reason[m[2]:m[3]], &e.Line)
		fmt.Sscan(e.Reason[m[4]:m[5]], &e.Column)
		rest := e.Reason[m[1]:]
		if more := positionRE().FindStringIndex(rest); more != nil {
			// Several problems: keep them all, positions included.
			rest = e.Reason[m[0]:]
		}
		e.Reason = rest
	}
	if len(e.Reason) > 2000 {
		e.Reason = e.Reason[:2000] + "…"
	}
}
