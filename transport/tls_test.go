package transport

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// testPKI is a CA made for one test and a server certificate it signed
// for 127.0.0.1 and localhost, written as PEM files.
type testPKI struct {
	roots             *x509.CertPool // the test CA only
	certFile, keyFile string
}

func newTestPKI(t *testing.T, notAfter time.Time) *testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "kibana-mcp test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "kibana-mcp test server"},
		NotBefore:    time.Now().Add(-2 * time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := &testPKI{roots: x509.NewCertPool(), certFile: filepath.Join(dir, "tls.crt"), keyFile: filepath.Join(dir, "tls.key")}
	p.roots.AddCert(ca)
	if err := os.WriteFile(p.certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// client is an HTTP client that trusts the test CA and nothing else.
func (p *testPKI) client() *http.Client {
	return &http.Client{Timeout: testWait, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.roots}}}
}

// TestServesHTTPS: with a certificate and key the server speaks only
// HTTPS, TLS 1.2 or later; an MCP client that trusts the CA initializes and
// lists tools over both transports, one that does not trust it is refused
// at the handshake, and the start-up log gives https URLs.
func TestServesHTTPS(t *testing.T) {
	pki := newTestPKI(t, time.Now().Add(time.Hour))
	both(t, func(t *testing.T, tr string) {
		log, logs := testLogger()
		ts := New(Options{Transport: tr, TLSCertFile: pki.certFile, TLSKeyFile: pki.keyFile, Token: strongToken, Metrics: true, Log: log})
		r := serve(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil)))
		if !strings.HasPrefix(r.url, "https://127.0.0.1:") {
			t.Fatalf("url %s", r.url)
		}
		hc := pki.client()

		// A probe, as a load balancer's health check would do it.
		resp, err := hc.Get(r.url + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
			t.Errorf("/healthz over TLS: %d %+v", resp.StatusCode, resp.TLS)
		}

		// The MCP client, with the token, over TLS.
		headers := map[string]string{"Authorization": "Bearer " + strongToken}
		var c *client.Client
		if tr == "sse" {
			c, err = client.NewSSEMCPClient(r.url+"/sse", mcptransport.WithHTTPClient(hc), mcptransport.WithHeaders(headers))
		} else {
			c, err = client.NewStreamableHttpClient(r.url+"/mcp", mcptransport.WithHTTPBasicClient(hc), mcptransport.WithHTTPHeaders(headers))
		}
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), testWait)
		defer cancel()
		if err := c.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		var init mcp.InitializeRequest
		init.Params.ProtocolVersion = legacyProtocol
		init.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
		if _, err := c.Initialize(ctx, init); err != nil {
			t.Fatal(err)
		}
		list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
		if err != nil || len(list.Tools) != 1 || list.Tools[0].Name != "get_case" {
			t.Fatalf("tools/list over TLS: %+v %v", list, err)
		}
		// Metrics with the token, over TLS too.
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.url+"/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+strongToken)
		if resp, err := hc.Do(req); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("/metrics over TLS: %v %v", resp, err)
		} else {
			resp.Body.Close()
		}

		// A client that does not trust the CA fails verification.
		_, err = (&http.Client{Timeout: testWait}).Get(r.url + "/healthz")
		var unknown x509.UnknownAuthorityError
		var verify *tls.CertificateVerificationError
		if !errors.As(err, &unknown) && !errors.As(err, &verify) {
			t.Errorf("client without the CA: %v", err)
		}
		// Neither does one that only speaks TLS 1.1, nor plain HTTP.
		old := &http.Client{Timeout: testWait, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pki.roots, MaxVersion: tls.VersionTLS11}}}
		if resp, err := old.Get(r.url + "/healthz"); err == nil {
			resp.Body.Close()
			t.Error("a TLS 1.1 client was served")
		}
		if resp, err := http.Get("http" + strings.TrimPrefix(r.url, "https") + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Error("plain HTTP was served on the TLS port")
			}
		}

		c.Close()
		r.stop()
		lines := logs.lines("serving MCP over HTTP")
		if len(lines) != 1 || !strings.HasPrefix(lines[0]["url"].(string), "https://127.0.0.1:") {
			t.Errorf("start-up line: %v", lines)
		}
	})
}

// TestTLSFilesAreCheckedAtStart: half a pair, a missing file or a key of
// another certificate is a one-line configuration error.
func TestTLSFilesAreCheckedAtStart(t *testing.T) {
	pki := newTestPKI(t, time.Now().Add(time.Hour))
	other := newTestPKI(t, time.Now().Add(time.Hour))
	missing := filepath.Join(t.TempDir(), "nope.pem")
	for _, tc := range []struct {
		cert, key, want string
	}{
		{pki.certFile, "", "tls-cert and tls-key go together"},
		{"", pki.keyFile, "tls-cert and tls-key go together"},
		{missing, pki.keyFile, "nope.pem"},
		{pki.certFile, other.keyFile, "private key does not match public key"},
		{pki.keyFile, pki.certFile, "TLS certificate"},
	} {
		err := Options{Transport: "http", TLSCertFile: tc.cert, TLSKeyFile: tc.key}.Validate("127.0.0.1:8080")
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("cert %q key %q: %v, want one line with %q", tc.cert, tc.key, err, tc.want)
		}
	}
	if err := (Options{Transport: "http", TLSCertFile: pki.certFile, TLSKeyFile: pki.keyFile}).Validate("127.0.0.1:8080"); err != nil {
		t.Errorf("good pair: %v", err)
	}
}

// TestPlainHTTPBeyondLoopbackIsWarned: a token that crosses the network
// unencrypted is worth a warning at start; with TLS, or on loopback, there
// is none.
func TestPlainHTTPBeyondLoopbackIsWarned(t *testing.T) {
	pki := newTestPKI(t, time.Now().Add(time.Hour))
	const warning = "serving plain HTTP beyond loopback"
	for _, tc := range []struct {
		name   string
		opts   Options
		public bool
		want   string // "" for no warning
	}{
		{"public with a token", Options{Token: strongToken}, true, "the HTTP token travels in clear text; use --tls-cert and --tls-key, or a TLS-terminating proxy"},
		{"public with client keys", Options{AllowClientCredentials: true}, true, "clients' Kibana API keys travel in clear text"},
		{"public with both", Options{Token: strongToken, AllowClientCredentials: true}, true, "the HTTP token and clients' Kibana API keys travel in clear text"},
		{"public with TLS", Options{Token: strongToken, TLSCertFile: pki.certFile, TLSKeyFile: pki.keyFile}, true, ""},
		{"public without secrets", Options{InsecureNoAuth: true}, true, ""},
		{"loopback", Options{Token: strongToken}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log, logs := testLogger()
			tc.opts.Transport, tc.opts.Log = "http", log
			ts := New(tc.opts)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			if tc.public {
				ln = publicListener{ln}
			}
			serveOn(t, ts, newMCP(t, ts, newFakeKibana(t, 0).client(t, nil)), ln).stop()
			var found string
			for _, line := range strings.Split(logs.String(), "\n") {
				if strings.Contains(line, warning) {
					found = line
				}
			}
			switch {
			case tc.want == "" && found != "":
				t.Errorf("unexpected warning: %s", found)
			case tc.want != "" && !strings.Contains(found, tc.want):
				t.Errorf("warning %q, want %q\n%s", found, tc.want, logs)
			}
		})
	}
}
