package kibana

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Request is one call to the Kibana API, already bound from a tool's input.
type Request struct {
	Method string
	// Path is the escaped API path, starting with "/api/". The client puts the
	// base path and the space prefix in front of it.
	Path        string
	Query       url.Values
	Body        []byte // nil means no body
	ContentType string // defaults to application/json when Body is set
	// Accept is the media types the caller reads; "" means JSON. Routes
	// that stream (server-sent events) answer only what they are asked.
	Accept     string
	APIVersion string // elastic-api-version header; "" sends none
	Space      string // overrides the configured space for this request
	// Mutates marks requests that change Kibana state: the client refuses
	// them in read-only mode.
	Mutates bool
	// Retryable marks requests that are safe to send again (reads and
	// idempotent writes).
	Retryable bool
}

// Response is a successful (2xx) answer from Kibana.
type Response struct {
	StatusCode  int
	ContentType string
	Body        []byte
	// Filename is the file name Kibana gave a download
	// (Content-Disposition), if any.
	Filename string
}

// Client sends Requests to one Kibana. Build it with New.
type Client struct {
	http       *http.Client
	base       *url.URL
	baseString string
	auth       string
	space      string
	userAgent  string
	maxBody    int64
	maxRetries int
	waitMax    time.Duration
	readOnly   bool
	readRoutes []route
	observe    func(status int, elapsed time.Duration)
	log        *slog.Logger
}

// ErrReadOnly is returned for any request but a read when the client is
// read-only.
var ErrReadOnly = errors.New("kibana-mcp is in read-only mode: this operation changes Kibana and was not sent")

// New checks cfg and builds a client. It never contacts Kibana.
func New(cfg Config, log *slog.Logger) (*Client, error) {
	base, err := cfg.baseURL()
	if err != nil {
		return nil, err
	}
	auth, err := cfg.authHeader()
	if err != nil {
		return nil, err
	}
	if cfg.Space != "" && cfg.Space != "default" && !ValidSpaceID(cfg.Space) {
		return nil, fmt.Errorf("space %q is not a valid space ID (lowercase letters, digits, _ and -)", cfg.Space)
	}
	tlsCfg, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.InsecureSkipVerify {
		log.Warn("TLS certificate verification of Kibana is OFF (insecure-skip-verify): anyone on the network path can read credentials and answers")
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = tlsCfg
	transport.MaxIdleConnsPerHost = 64 // every tool call goes to the same host

	c := &Client{
		base:       base,
		baseString: base.String(),
		auth:       auth,
		space:      cfg.Space,
		userAgent:  cfg.UserAgent,
		maxBody:    orDefault(cfg.MaxResponseBytes, DefaultMaxResponseBytes),
		maxRetries: int(orDefault(int64(cfg.MaxRetries), DefaultMaxRetries)),
		waitMax:    orDefault(cfg.RetryWaitMax, DefaultRetryWaitMax),
		readOnly:   cfg.ReadOnly,
		readRoutes: compileRoutes(cfg.ReadRoutes),
		observe:    cfg.Observe,
		log:        log,
	}
	if cfg.MaxRetries < 0 {
		c.maxRetries = 0
	}
	c.http = &http.Client{
		Transport:     transport,
		Timeout:       orDefault(cfg.Timeout, DefaultTimeout),
		CheckRedirect: c.checkRedirect,
	}
	return c, nil
}

func orDefault[T int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// checkRedirect keeps credentials on the configured Kibana: a redirect to any
// other host is refused rather than followed. A write is never redirected:
// Go would resend it as a GET (to an SSO login page, typically) and the
// write would look done when nothing was written.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != c.base.Scheme || req.URL.Host != c.base.Host {
		return fmt.Errorf("refusing redirect from Kibana to another host (%s://%s); point the Kibana URL at where Kibana really is", req.URL.Scheme, req.URL.Host)
	}
	// Behind a proxy path (/kibana), the same host also serves other
	// applications: the credentials go only below Kibana's own path.
	if !strings.HasPrefix(req.URL.Path, c.base.Path+"/") {
		return fmt.Errorf("refusing redirect from Kibana to %s, outside the Kibana URL's path %s/", req.URL.Path, c.base.Path)
	}
	if first := via[0]; first.Method != http.MethodGet && first.Method != http.MethodHead {
		return fmt.Errorf("Kibana redirected a %s to %s; nothing was written. Check the Kibana URL and any proxy or login in front of it", first.Method, req.URL.Path)
	}
	if len(via) >= 5 {
		return errors.New("too many redirects")
	}
	return nil
}

// BaseURL is the configured Kibana URL, without credentials.
func (c *Client) BaseURL() string { return c.baseString }

// SpaceOf is the space a request runs in: its own, else the configured one.
func (c *Client) SpaceOf(r *Request) string { return c.spaceOf(r) }

func (c *Client) spaceOf(r *Request) string {
	if r.Space != "" {
		return r.Space
	}
	if c.space == "" {
		return "default"
	}
	return c.space
}

// URL returns the full URL a request goes to.
func (c *Client) URL(r *Request) string {
	var b strings.Builder
	b.WriteString(c.baseString)
	if space := c.spaceOf(r); space != "default" {
		b.WriteString("/s/")
		b.WriteString(url.PathEscape(space))
	}
	b.WriteString(r.Path)
	if len(r.Query) > 0 {
		b.WriteByte('?')
		b.WriteString(r.Query.Encode())
	}
	return b.String()
}

// Do sends r, retrying retryable requests on 429/502/503/504, and returns
// the 2xx answer. Any other outcome is an error: *APIError for Kibana's
// non-2xx answers, *ResponseTooLargeError, ErrReadOnly, or a transport error.
func (c *Client) Do(ctx context.Context, r *Request) (*Response, error) {
	if err := c.Allows(r); err != nil {
		return nil, err
	}
	if r.Space != "" && r.Space != "default" && !ValidSpaceID(r.Space) {
		return nil, fmt.Errorf("space %q is not a valid space ID (lowercase letters, digits, _ and -)", r.Space)
	}
	target := c.URL(r)
	for attempt := 0; ; attempt++ {
		start := time.Now()
		resp, retryAfter, err := c.once(ctx, r, target)
		elapsed := time.Since(start)
		c.log.Debug("kibana request", "method", r.Method, "path", r.Path, "space", c.spaceOf(r),
			"attempt", attempt+1, "status", statusOf(resp, err), "duration_ms", millis(elapsed))
		if c.observe != nil {
			c.observe(statusOf(resp, err), elapsed)
		}
		if err == nil || !r.Retryable || attempt >= c.maxRetries || !retryableStatus(err, r.Mutates) {
			return resp, err
		}
		wait := backoff(attempt, c.waitMax)
		if retryAfter > 0 {
			if retryAfter > c.waitMax {
				// Kibana asked for longer than we are willing to hold the
				// call: give the model the answer now.
				return nil, err
			}
			wait = retryAfter
		}
		c.log.Warn("kibana busy, retrying", "method", r.Method, "path", r.Path, "status", statusOf(nil, err), "wait_ms", millis(wait))
		if notice, ok := ctx.Value(retryNoticeKey{}).(func(int, time.Duration)); ok {
			notice(statusOf(nil, err), wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func (c *Client) once(ctx context.Context, r *Request, target string) (*Response, time.Duration, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, target, body)
	if err != nil {
		return nil, 0, fmt.Errorf("building request: %w", err)
	}
	h := req.Header
	if auth := c.authFor(ctx); auth != "" {
		h.Set("Authorization", auth)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		// Kibana's CSRF guard rejects any state-changing call without it.
		h.Set("kbn-xsrf", "true")
	}
	if r.APIVersion != "" {
		h.Set("elastic-api-version", r.APIVersion)
	}
	if r.Body != nil {
		ct := r.ContentType
		if ct == "" {
			ct = "application/json"
		}
		h.Set("Content-Type", ct)
	}
	accept := r.Accept
	if accept == "" {
		accept = "application/json"
	}
	h.Set("Accept", accept)
	if c.userAgent != "" {
		h.Set("User-Agent", c.userAgent)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, 0, ctxErr
		}
		return nil, 0, scrubURLError(err)
	}
	defer resp.Body.Close()
	failed := resp.StatusCode < 200 || resp.StatusCode > 299
	var data []byte
	if failed {
		// Only the start of an error body is shown to anyone; reading no
		// more keeps the status (and retries) even when a proxy sends a
		// huge page.
		data, err = readTruncated(resp.Body, min(c.maxBody, maxErrorBody))
	} else {
		data, err = readCapped(resp.Body, c.maxBody)
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, 0, ctxErr
		}
		// Config.Timeout also covers reading the body: say so, as for headers.
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return nil, 0, fmt.Errorf("Kibana did not answer in time (%w)", err)
		}
		return nil, 0, err
	}
	if failed {
		return nil, parseRetryAfter(resp.Header.Get("Retry-After")), decodeAPIError(resp.StatusCode, data)
	}
	out := &Response{StatusCode: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: data}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		out.Filename = params["filename"]
	}
	return out, 0, nil
}

// ResponseTooLargeError means Kibana's answer exceeded the configured cap.
type ResponseTooLargeError struct{ Limit int64 }

func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("Kibana's answer is larger than the %d-byte limit; narrow the request (smaller page size, fewer fields) or raise --max-response-bytes", e.Limit)
}

// maxErrorBody is how much of a non-2xx answer is read.
const maxErrorBody = 64 << 10

func readTruncated(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit))
	if err != nil {
		return nil, fmt.Errorf("reading Kibana's answer: %w", err)
	}
	return data, nil
}

func readCapped(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading Kibana's answer: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, &ResponseTooLargeError{Limit: limit}
	}
	return data, nil
}

// scrubURLError drops the request URL from transport errors. The URL holds no
// secret (userinfo is refused at start), but query strings can be long and
// the model only needs the cause.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("Kibana did not answer in time (%w)", ue.Err)
		}
		return fmt.Errorf("cannot reach Kibana: %w", ue.Err)
	}
	return err
}

// retryableStatus says whether an answer is worth another attempt. 429 and
// 503 mean Kibana did not do the work; 502 and 504 come from a proxy that
// may have given up while Kibana was still working, so only reads, which
// change nothing, are retried on those. (A retried DELETE would otherwise
// report 404 for a delete that succeeded.)
func retryableStatus(err error, mutates bool) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return !mutates
	}
	return false
}

// backoff is exponential from 250ms with ±25% jitter, capped at max.
func backoff(attempt int, max time.Duration) time.Duration {
	d := 250 * time.Millisecond << attempt
	if d <= 0 || d > max {
		d = max
	}
	jitter := time.Duration(rand.Int64N(int64(d)/2+1)) - d/4
	return d + jitter
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 means absent or unusable.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func statusOf(resp *Response, err error) int {
	if resp != nil {
		return resp.StatusCode
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}
