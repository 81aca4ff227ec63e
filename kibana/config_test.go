package kibana

import (
	"encoding/pem"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNewRejectsBadURLs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		url     string
		wantErr string // substring the user sees
	}{
		{"missing scheme", "localhost:5601", "must start with http:// or https://"},
		{"ftp scheme", "ftp://kibana.example.com", "must start with http:// or https://"},
		{"no host", "http://", "has no host"},
		{"path only", "/kibana", "must start with http:// or https://"},
		{"userinfo", "http://elastic:hunter2@kibana.example.com", "must not contain credentials"},
		{"query", "http://kibana.example.com/kibana?x=1", "must not have a query"},
		{"fragment", "http://kibana.example.com/#top", "must not have a query or fragment"},
		{"unparsable", "http://kibana.example.com:notaport", "is not a URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(Config{URL: tc.url}, nil)
			if err == nil {
				t.Fatalf("New(URL=%q) = %v, nil; want an error", tc.url, c.BaseURL())
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("New(URL=%q) error = %q, want it to contain %q", tc.url, err, tc.wantErr)
			}
		})
	}
}

func TestNewURLWithUserinfoDoesNotEchoPassword(t *testing.T) {
	_, err := New(Config{URL: "https://elastic:s3cr3t-pw@kibana.example.com"}, nil)
	if err == nil {
		t.Fatal("New accepted a URL with credentials")
	}
	if strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Errorf("error echoes the password from the URL: %q", err)
	}
}

func TestBaseURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", DefaultURL},
		{"  http://kibana:5601  ", "http://kibana:5601"},
		{"http://kibana:5601/", "http://kibana:5601"},
		{"http://kibana:5601/kibana/", "http://kibana:5601/kibana"},
		{"https://proxy.example.com/_plugin/kibana", "https://proxy.example.com/_plugin/kibana"},
		// An empty query ("?") must not survive: every API path is appended
		// to the base, and would otherwise land in the query string.
		{"http://kibana:5601/kibana?", "http://kibana:5601/kibana"},
	} {
		c, err := New(Config{URL: tc.in}, nil)
		if err != nil {
			t.Errorf("New(URL=%q): %v", tc.in, err)
			continue
		}
		if got := c.BaseURL(); got != tc.want {
			t.Errorf("New(URL=%q).BaseURL() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNewAuthConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"api key and basic", Config{APIKey: "k3y-value", Username: "elastic", Password: "pw-value"}, "not both"},
		{"api key and username only", Config{APIKey: "k3y-value", Username: "elastic"}, "not both"},
		{"username without password", Config{Username: "elastic"}, "needs both a username and a password"},
		{"password without username", Config{Password: "pw-value"}, "needs both a username and a password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, nil)
			if err == nil {
				t.Fatal("New succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tc.wantErr)
			}
			for _, secret := range []string{"k3y-value", "pw-value"} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q contains secret %q", err, secret)
				}
			}
		})
	}
}

func TestNewRejectsInvalidConfiguredSpace(t *testing.T) {
	for _, space := range []string{"Marketing", "my space", "../admin", "a/b", "é"} {
		if _, err := New(Config{Space: space}, nil); err == nil {
			t.Errorf("New(Space=%q) succeeded, want an error", space)
		} else if !strings.Contains(err.Error(), "not a valid space ID") {
			t.Errorf("New(Space=%q) error = %q", space, err)
		}
	}
	for _, space := range []string{"", "default", "marketing", "team_a-2"} {
		if _, err := New(Config{Space: space}, nil); err != nil {
			t.Errorf("New(Space=%q): %v", space, err)
		}
	}
}

func TestNewCAFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "does-not-exist.pem")
	if _, err := New(Config{CACertFile: missing}, nil); err == nil {
		t.Error("New with a missing CA file succeeded")
	} else if !strings.Contains(err.Error(), "CA certificate") || !strings.Contains(err.Error(), "does-not-exist.pem") {
		t.Errorf("missing CA file error = %q, want it to name the CA file", err)
	}

	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("this is not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{CACertFile: notPEM}, nil); err == nil {
		t.Error("New with a CA file without PEM succeeded")
	} else if !strings.Contains(err.Error(), "holds no PEM certificate") {
		t.Errorf("non-PEM CA file error = %q", err)
	}
}

func writeServerCA(t *testing.T, der []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTLS(t *testing.T) {
	srv := httptestTLSServer(t)
	caFile := writeServerCA(t, srv.Certificate().Raw)
	req := &Request{Method: http.MethodGet, Path: "/api/status"}

	t.Run("with the CA file", func(t *testing.T) {
		c := newClient(t, Config{URL: srv.URL, CACertFile: caFile})
		resp, err := c.Do(testCtx(t), req)
		if err != nil {
			t.Fatalf("Do over TLS with the server's CA: %v", err)
		}
		if string(resp.Body) != `{"tls":true}` {
			t.Errorf("body = %q", resp.Body)
		}
	})

	t.Run("without the CA file", func(t *testing.T) {
		c := newClient(t, Config{URL: srv.URL})
		_, err := c.Do(testCtx(t), req)
		if err == nil {
			t.Fatal("Do trusted a self-signed server without its CA")
		}
		if !strings.Contains(err.Error(), "cannot reach Kibana") || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("error = %q, want a certificate error reaching Kibana", err)
		}
	})

	t.Run("insecure skip verify", func(t *testing.T) {
		log, buf := captureLog(slog.LevelInfo)
		c, err := New(Config{URL: srv.URL, InsecureSkipVerify: true}, log)
		if err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "insecure-skip-verify") {
			t.Errorf("no warning logged for InsecureSkipVerify; log = %q", out)
		}
		if _, err := c.Do(testCtx(t), req); err != nil {
			t.Fatalf("Do with InsecureSkipVerify: %v", err)
		}
	})

	t.Run("no warning when verifying", func(t *testing.T) {
		log, buf := captureLog(slog.LevelDebug)
		if _, err := New(Config{URL: srv.URL, CACertFile: caFile}, log); err != nil {
			t.Fatal(err)
		}
		if out := buf.String(); out != "" {
			t.Errorf("New logged %q for a verifying config", out)
		}
	})
}

func TestMaxCallDuration(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want time.Duration
	}{
		{Config{}, 4*DefaultTimeout + 3*DefaultRetryWaitMax},
		{Config{Timeout: time.Second, MaxRetries: 1, RetryWaitMax: time.Second}, 3 * time.Second},
		{Config{Timeout: time.Second, MaxRetries: -1}, time.Second},
	} {
		if got := c.cfg.MaxCallDuration(); got != c.want {
			t.Errorf("%+v: %v, want %v", c.cfg, got, c.want)
		}
	}
}

// TestURLErrorsNeverEchoCredentials: whatever is wrong with a URL that
// carries a password, the error must not repeat it.
func TestURLErrorsNeverEchoCredentials(t *testing.T) {
	for _, raw := range []string{"http://u:SEKRET%zzPASS@h", "ftp://u:SEKRETPASS@x", "http://u:SEKRETPASS@", "http://u:SEKRET PASS@host", "http://u:SEKRETPASS@host/?q=1",
		"admin:SEKRET@kibana:5601", "http:admin:SEKRET@kibana", "https://kibana/?token=SEKRET"} {
		_, err := New(Config{URL: raw}, nil)
		if err == nil || strings.Contains(err.Error(), "SEKRET") {
			t.Errorf("%q: err %v", raw, err)
		}
	}
}
