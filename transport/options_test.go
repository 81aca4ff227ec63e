package transport

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		addr string
		want string // "" for valid, else part of the error
	}{
		{"loopback without auth", Options{Transport: "http"}, "127.0.0.1:8080", ""},
		{"localhost without auth", Options{Transport: "sse"}, "localhost:8080", ""},
		{"ipv6 loopback", Options{Transport: "http"}, "[::1]:8080", ""},
		{"every interface without auth", Options{Transport: "http"}, ":8080", "--http-token"},
		{"0.0.0.0 without auth", Options{Transport: "http"}, "0.0.0.0:8080", "beyond loopback"},
		{"a host name without auth", Options{Transport: "http"}, "mcp.internal:8080", "beyond loopback"},
		{"public with token", Options{Transport: "http", Token: strongToken}, "0.0.0.0:8080", ""},
		{"public with a short token", Options{Transport: "http", Token: "t"}, "0.0.0.0:8080", "1 character long; beyond loopback it must be at least 32"},
		{"loopback with a short token", Options{Transport: "http", Token: "t"}, "127.0.0.1:8080", ""},
		{"public with client keys", Options{Transport: "http", AllowClientCredentials: true}, "[::]:8080", ""},
		{"public, insecure on purpose", Options{Transport: "http", InsecureNoAuth: true}, "10.0.0.5:8080", ""},
		{"stdio", Options{Transport: "stdio"}, "127.0.0.1:8080", "not an HTTP transport"},
		{"stateless SSE", Options{Transport: "sse", Stateless: true}, "127.0.0.1:8080", "http transport only"},
		{"stateless HTTP", Options{Transport: "http", Stateless: true}, "127.0.0.1:8080", ""},
		{"token with a space", Options{Transport: "http", Token: "a b"}, "127.0.0.1:8080", "printable ASCII"},
		{"negative limit", Options{Transport: "http", MaxSessions: -1}, "127.0.0.1:8080", "negative"},
		{"origin with a path", Options{Transport: "http", AllowedOrigins: []string{"https://a.example/app"}}, "127.0.0.1:8080", "scheme://host"},
		{"origin without scheme", Options{Transport: "http", AllowedOrigins: []string{"a.example"}}, "127.0.0.1:8080", "scheme://host"},
		{"good origins", Options{Transport: "http", AllowedOrigins: []string{"https://a.example", "http://b.example:8080/"}}, "127.0.0.1:8080", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opts.Validate(tc.addr)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	if o.MaxBodyBytes != 16<<20 || o.MaxSessions != 100 || o.MaxConcurrentCalls != 64 ||
		o.SessionIdleTimeout.Minutes() != 30 || o.CallTimeout.Minutes() != 2 || o.ShutdownGrace.Seconds() != 10 || o.Log == nil {
		t.Errorf("defaults: %+v", o)
	}
}

func TestNormalizeOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"https://Agents.Example.com":     "https://agents.example.com",
		"https://agents.example.com:443": "https://agents.example.com",
		"http://agents.example.com:80/":  "http://agents.example.com",
		"http://localhost:6274":          "http://localhost:6274",
		"http://[::1]:80":                "http://[::1]",
	} {
		if got, err := normalizeOrigin(in); err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"null", "file:///x", "https://a.example/x", "https://u:p@a.example", "https://a.example?x=1"} {
		if _, err := normalizeOrigin(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestLoopbackNames(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LocalHost": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true, "[::1]": true,
		"::ffff:127.0.0.1": true, "": false, "0.0.0.0": false, "::": false, "localhost.evil.example": false, "10.0.0.1": false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("%q: %v", host, got)
		}
	}
}
