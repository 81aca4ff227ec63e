package app

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// kibanaStatus is what one authenticated read of /api/status learnt.
type kibanaStatus struct {
	Version string // version.number
	Flavor  string // version.build_flavor: traditional or serverless, when Kibana says
	Level   string // status.overall.level
}

// statusProblem is a failed status read: what went wrong and the likely fix.
type statusProblem struct {
	Summary, Hint string
	Status        int // Kibana's HTTP status, 0 when none came
}

// credentialKind names how the server authenticates, never the credential.
func credentialKind(cfg *Config) string {
	switch {
	case cfg.Kibana.APIKey != "":
		return "api key"
	case cfg.Kibana.Username != "":
		return "basic"
	case cfg.HTTP.AllowClientCredentials && cfg.Transport != "stdio":
		return "client keys only"
	}
	return "none"
}

// readStatus reads Kibana's status API once (space default: it is
// Kibana-wide), bounded by the Kibana timeout, and explains a failure.
func readStatus(ctx context.Context, client *kibana.Client, cfg *Config) (*kibanaStatus, *statusProblem) {
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(cfg.Kibana.Timeout, kibana.DefaultTimeout))
	defer cancel()
	req := &kibana.Request{Method: http.MethodGet, Path: "/api/status", Space: "default"}
	resp, err := client.Do(ctx, req)
	if err != nil {
		p := &statusProblem{}
		p.Summary, p.Hint = kibana.Diagnose(err)
		var apiErr *kibana.APIError
		if errors.As(err, &apiErr) {
			p.Status = apiErr.StatusCode
			switch apiErr.StatusCode {
			case http.StatusUnauthorized:
				if credentialKind(cfg) == "none" {
					p.Hint = "no credentials are configured: set KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD"
				}
			case http.StatusForbidden:
				p.Hint = "the API key or user lacks privileges for Kibana's status API; give its role access to Kibana, or use another key"
			case http.StatusNotFound:
				// Every Kibana serves /api/status: whatever answered 404 is
				// not Kibana's API root.
				p.Summary = "no Kibana status API at " + client.URL(req) + " (404)"
				p.Hint = "the base path of KIBANA_URL is probably wrong: give the URL Kibana's own pages are under (e.g. https://host/kibana behind a proxy path)"
			case http.StatusServiceUnavailable:
				p.Summary = "Kibana answered 503: it or Elasticsearch is unavailable"
				p.Hint = "wait for Kibana to be ready, or check Kibana's and Elasticsearch's health"
			}
		}
		return nil, p
	}
	var body struct {
		Version *struct {
			Number      string `json:"number"`
			BuildFlavor string `json:"build_flavor"`
		} `json:"version"`
		Status struct {
			Overall struct {
				Level string `json:"level"`
			} `json:"overall"`
		} `json:"status"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return nil, &statusProblem{Status: resp.StatusCode, Summary: "Kibana's status answer at " + client.URL(req) + " is not JSON",
			Hint: "a proxy or login page answered instead of Kibana: check KIBANA_URL and what is in front of Kibana"}
	}
	if body.Version == nil {
		// Kibana tells anonymous callers only the overall level.
		return nil, &statusProblem{Status: resp.StatusCode, Summary: "Kibana answered as to an anonymous user",
			Hint: "the credentials were not used or not accepted: set KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD"}
	}
	return &kibanaStatus{Version: body.Version.Number, Flavor: body.Version.BuildFlavor, Level: body.Status.Overall.Level}, nil
}

// startupCheck logs one line once Kibana has been read at start (reads:
// the watch's first read; nil reads it here): that Kibana is connected, or
// what is wrong and the likely fix. It never holds up or stops the server.
// The returned wait blocks until the check has ended; call it after
// cancelling ctx.
func startupCheck(ctx context.Context, client *kibana.Client, cfg *Config, log *slog.Logger, reads *kibanaReads) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		var st *kibanaStatus
		var p *statusProblem
		if reads != nil {
			select {
			case <-reads.first:
				st, p = reads.st, reads.p
			case <-ctx.Done():
				return
			}
		}
		if st == nil && p == nil {
			st, p = readStatus(ctx, client, cfg)
		}
		if ctx.Err() != nil {
			return // the server stopped first: nothing to report
		}
		kind := credentialKind(cfg)
		space := cmp.Or(cfg.Kibana.Space, "default")
		if p != nil {
			if p.Status == http.StatusUnauthorized && kind == "client keys only" {
				log.Info("Kibana reachable; each client brings its own key", "url", client.BaseURL(), "space", space)
				return
			}
			log.Warn("Kibana check failed: "+p.Summary, "fix", p.Hint, "url", client.BaseURL(), "space", space, "credentials", kind)
			return
		}
		attrs := []any{"version", st.Version}
		if st.Flavor != "" {
			attrs = append(attrs, "flavor", st.Flavor)
		}
		attrs = append(attrs, "url", client.BaseURL(), "space", space, "credentials", kind, "status", st.Level)
		log.Info("Kibana connected", attrs...)
		if st.Level != "" && st.Level != "available" && st.Level != "degraded" {
			log.Warn(fmt.Sprintf("Kibana reports itself %s: tool calls may fail", st.Level), "url", client.BaseURL())
		}
	}()
	return func() { <-done }
}
