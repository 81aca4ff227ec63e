package transport

import (
	"crypto/tls"
	"errors"
	"fmt"
)

// checkTLSFiles says whether the TLS options are complete: a certificate
// without its key (or the other way round) is a mistake, not a choice.
func (o Options) checkTLSFiles() error {
	if (o.TLSCertFile == "") != (o.TLSKeyFile == "") {
		return errors.New("tls-cert and tls-key go together: give both (to serve HTTPS) or neither")
	}
	return nil
}

// serverTLS loads the certificate and key into the TLS configuration the
// listeners serve with, or returns nil when TLS is not configured. Loading
// happens at start, so an unreadable or mismatched file stops the server
// with one line instead of failing every handshake later.
func (o Options) serverTLS() (*tls.Config, error) {
	if err := o.checkTLSFiles(); err != nil || o.TLSCertFile == "" {
		return nil, err
	}
	cert, err := tls.LoadX509KeyPair(o.TLSCertFile, o.TLSKeyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate %s with key %s: %v", o.TLSCertFile, o.TLSKeyFile, err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		// TLS 1.0 and 1.1 are deprecated (RFC 8996); every MCP client
		// and proxy of today speaks 1.2 or 1.3.
		MinVersion: tls.VersionTLS12,
	}, nil
}

// scheme is the URL scheme clients use to reach the listeners.
func (o Options) scheme() string {
	if o.TLSCertFile != "" {
		return "https"
	}
	return "http"
}
