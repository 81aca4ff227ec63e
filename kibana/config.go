// Package kibana is the one HTTP client every tool shares to reach Kibana.
//
// It owns everything that must be the same on every request: where Kibana is
// (including any reverse-proxy base path), authentication, the kbn-xsrf and
// elastic-api-version headers, the space prefix, a response size cap,
// retries of idempotent requests, and turning Kibana's error bodies into
// typed errors. It is safe for concurrent use.
package kibana

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Config describes how to reach and authenticate to Kibana.
type Config struct {
	URL      string // base URL; a path such as /kibana is kept in front of every API path
	APIKey   string // sent as "Authorization: ApiKey <key>"
	Username string // with Password: HTTP Basic
	Password string
	Space    string // default space; "" or "default" means no /s/{space} prefix

	CACertFile         string // PEM bundle trusted in addition to the system roots
	InsecureSkipVerify bool

	Timeout          time.Duration // per attempt; 0 means DefaultTimeout
	MaxResponseBytes int64         // 0 means DefaultMaxResponseBytes
	MaxRetries       int           // extra attempts for retryable answers; <0 disables, 0 means DefaultMaxRetries
	RetryWaitMax     time.Duration // longest single wait between attempts; 0 means DefaultRetryWaitMax
	UserAgent        string

	// ReadOnly refuses, before it is sent, every request that is not a
	// read: GET and HEAD, or a request matching one of ReadRoutes. Anything
	// else is refused whatever the request says about itself, so no bug in a
	// tool handler can write in read-only mode.
	ReadOnly bool
	// ReadRoutes are the operations that read with another method (a POST
	// search with a query body), as method and path template; a {name}
	// matches one non-empty path segment.
	ReadRoutes []Route

	// Observe, when set, is told of every attempt: Kibana's status (0 when
	// no answer came) and how long it took. Metrics hang off it.
	Observe func(status int, elapsed time.Duration)
}

// Route is one API operation: a method and a path template such as
// /api/detection_engine/signals/search or /api/cases/{caseId}.
type Route struct {
	Method string
	Path   string
}

const (
	DefaultURL              = "http://localhost:5601"
	DefaultTimeout          = 30 * time.Second
	DefaultMaxResponseBytes = 4 << 20 // far more than a model can read; bounds memory
	DefaultMaxRetries       = 3
	DefaultRetryWaitMax     = 5 * time.Second
)

// MaxCallDuration is the longest one Client.Do can take with this
// configuration: every attempt running into the timeout, with the longest
// wait between attempts.
func (c Config) MaxCallDuration() time.Duration {
	attempts := 1 + DefaultMaxRetries
	if c.MaxRetries > 0 {
		attempts = 1 + c.MaxRetries
	} else if c.MaxRetries < 0 {
		attempts = 1
	}
	return time.Duration(attempts)*orDefault(c.Timeout, DefaultTimeout) + time.Duration(attempts-1)*orDefault(c.RetryWaitMax, DefaultRetryWaitMax)
}

// spaceIDPattern is the character set Kibana accepts for space identifiers.
var spaceIDPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9_-]+$`) })

// ValidSpaceID reports whether id can name a Kibana space.
func ValidSpaceID(id string) bool { return spaceIDPattern().MatchString(id) }

// baseURL checks the configured URL and returns it without a trailing slash.
func (c Config) baseURL() (*url.URL, error) {
	raw := strings.TrimSpace(c.URL)
	if raw == "" {
		raw = DefaultURL
	}
	// Error messages show the URL only when it cannot hold a secret
	// (userinfo, or a token in the query).
	shown := " "
	if !strings.ContainsAny(raw, "@?#") {
		shown = fmt.Sprintf(" %q ", raw)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("kibana URL%sis not a URL (%v)", shown, errors.Unwrap(err))
	}
	if u.User != nil {
		// Userinfo would end up in error messages and logs; keep secrets in
		// the dedicated settings.
		return nil, errors.New("kibana URL must not contain credentials; use the username/password or API key settings")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("kibana URL%smust start with http:// or https://", shown)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("kibana URL%shas no host", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("kibana URL must not have a query or fragment")
	}
	// A bare trailing "?" parses as an empty query that String() keeps; API
	// paths are appended to that string, so they would land in the query.
	u.ForceQuery = false
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

func (c Config) authHeader() (string, error) {
	hasKey := c.APIKey != ""
	hasBasic := c.Username != "" || c.Password != ""
	switch {
	case hasKey && hasBasic:
		return "", errors.New("set either an API key or a username and password, not both")
	case hasKey:
		return "ApiKey " + c.APIKey, nil
	case hasBasic:
		if c.Username == "" || c.Password == "" {
			return "", errors.New("basic authentication needs both a username and a password")
		}
		req := http.Request{Header: http.Header{}}
		req.SetBasicAuth(c.Username, c.Password)
		return req.Header.Get("Authorization"), nil
	default:
		return "", nil // anonymous: Kibana may allow it, or answer 401 with its own message
	}
}

func (c Config) tlsConfig() (*tls.Config, error) {
	return TLSConfig(c.CACertFile, c.InsecureSkipVerify)
}

// TLSConfig is the client TLS every connection of ours uses (to Kibana,
// and to Elasticsearch for the data tools): TLS 1.2 at least, the system
// roots plus caFile's PEM certificates, verification skipped only when
// the user asked for it.
func TLSConfig(caFile string, insecure bool) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // the user's explicit choice
	if caFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %v", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA certificate %s holds no PEM certificate", caFile)
	}
	cfg.RootCAs = pool
	return cfg, nil
}
