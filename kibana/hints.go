package kibana

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
)

// Diagnose explains a failed request to Kibana: summary says what went
// wrong in a few words, hint the likely fix ("" when there is no obvious
// one). It never names a credential. The start-up check, `kibana-mcp
// check` and tool errors all use it, so they give the same advice.
func Diagnose(err error) (summary, hint string) {
	if err == nil {
		return "", ""
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return diagnoseAPIError(apiErr)
	}
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var record tls.RecordHeaderError
	var opErr *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		where := "the Kibana URL's host and port"
		if errors.As(err, &opErr) && opErr.Addr != nil {
			where = opErr.Addr.String()
		}
		return "connection refused: nothing listens at " + where,
			"is Kibana running, and are the host and port in KIBANA_URL right (Kibana's default port is 5601)?"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return fmt.Sprintf("the host name %q does not resolve", dnsErr.Name), "check the host name in KIBANA_URL (and DNS on this machine)"
		}
		return fmt.Sprintf("the host name %q could not be looked up: %v", dnsErr.Name, dnsErr.Err), "check DNS on this machine and the host name in KIBANA_URL"
	case errors.As(err, &unknownCA):
		return "Kibana's TLS certificate is signed by an authority this machine does not trust",
			"give the CA's PEM file with --ca-cert (KIBANA_CA_CERT); --insecure-skip-verify turns verification off (test setups only)"
	case errors.As(err, &hostErr):
		return fmt.Sprintf("Kibana's TLS certificate is not valid for %s", hostErr.Host),
			fmt.Sprintf("use a host name the certificate names in KIBANA_URL (%s); --insecure-skip-verify turns verification off (test setups only)", certNames(hostErr.Certificate))
	case errors.As(err, &invalidCert):
		return "Kibana's TLS certificate is not valid: " + invalidCert.Error(),
			"renew or fix the certificate (check this machine's clock too); --insecure-skip-verify turns verification off (test setups only)"
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "KIBANA_URL says https but Kibana answers plain HTTP", "start KIBANA_URL with http://, or enable TLS on Kibana"
	case strings.Contains(err.Error(), `malformed HTTP response "\x15\x03`):
		return "KIBANA_URL says http but Kibana answers TLS (https)", "start KIBANA_URL with https://"
	case strings.Contains(err.Error(), "did not answer in time"):
		return "Kibana did not answer in time", "check that the host is reachable from here (firewall, proxy) and Kibana is healthy; --timeout (KIBANA_TIMEOUT) allows more time"
	}
	return err.Error(), ""
}

func diagnoseAPIError(e *APIError) (summary, hint string) {
	switch {
	case e.StatusCode == http.StatusUnauthorized:
		return "Kibana refused the credentials (401)",
			"check KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD: the key or password may be wrong, expired or revoked"
	case e.StatusCode == http.StatusForbidden:
		return "Kibana accepted the credentials but refused this request (403)",
			"the API key or user lacks the Kibana privileges for this API: grant its role the privilege, or use another key"
	case e.StatusCode == http.StatusNotFound && RouteNotFound(e):
		return "Kibana has no API at this path (404)",
			"this Kibana's version or flavour (serverless) may lack this API, or the base path of KIBANA_URL is wrong (`kibana-mcp check` tells which)"
	case e.StatusCode == http.StatusBadRequest && plainHTTPToTLS(e.Message):
		return "KIBANA_URL says http but Kibana answers TLS (https)", "start KIBANA_URL with https://"
	}
	return e.Error(), ""
}

// RouteNotFound reports a 404 for the path itself rather than for an object:
// Kibana's generic {"statusCode":404,"error":"Not Found","message":"Not
// Found"} for an unknown route, or a 404 page from something that is not
// Kibana (a proxy, another server). An object's 404 names the object.
func RouteNotFound(err error) bool {
	var e *APIError
	if !errors.As(err, &e) || e.StatusCode != http.StatusNotFound {
		return false
	}
	msg := strings.ToLower(strings.TrimSpace(e.Message))
	switch msg {
	case "", "not found", "404 not found", "404 page not found", "404: not found", "404":
		return true
	}
	return strings.HasPrefix(msg, "<") || strings.HasPrefix(msg, "cannot get ")
}

// plainHTTPToTLS recognises the 400 pages TLS servers (Go's, nginx) send
// to a plain HTTP request.
func plainHTTPToTLS(msg string) bool {
	msg = strings.ToLower(msg)
	return strings.Contains(msg, "http request to an https server") || strings.Contains(msg, "plain http request was sent to https port")
}

func certNames(cert *x509.Certificate) string {
	if cert == nil {
		return "see the certificate"
	}
	names := append([]string(nil), cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && cert.Subject.CommonName != "" {
		names = append(names, cert.Subject.CommonName)
	}
	if len(names) == 0 {
		return "it names none"
	}
	if len(names) > 5 {
		names = append(names[:5], "…")
	}
	return "it names " + strings.Join(names, ", ")
}
