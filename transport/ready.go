package transport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// KibanaReady is a readiness check (Options.Ready): ready when Kibana's
// status API answers with the full status, which it gives only to
// authenticated users, and its overall level is available or degraded
// (degraded Kibana still serves the API). Reasons name the failure and
// never a credential.
func KibanaReady(client *kibana.Client) func(ctx context.Context) error {
	return func(ctx context.Context) error { return checkKibana(ctx, client, true) }
}

// KibanaReachable is the readiness check for a server without Kibana
// credentials of its own (only client keys): Kibana must answer, and a 401
// from it counts, since the server has nothing to authenticate with.
func KibanaReachable(client *kibana.Client) func(ctx context.Context) error {
	return func(ctx context.Context) error { return checkKibana(ctx, client, false) }
}

// KibanaKeyCheck is the check of a client's own Kibana API key
// (Options.CheckKey): one read of Kibana's status API made with the key,
// which Kibana answers only after authenticating it. 401 means Kibana does
// not know the key (ErrKeyRefused). Any other answer from Kibana accepts
// it: 403 and the like say the key is authenticated but may not do
// something, and each tool call meets the key's real privileges anyway. No
// answer, or 5xx, is an error that is not a verdict: the key may be fine.
func KibanaKeyCheck(client *kibana.Client) func(ctx context.Context, key string) error {
	return func(ctx context.Context, key string) error {
		_, err := client.Do(kibana.WithAPIKey(ctx, key), &kibana.Request{Method: http.MethodGet, Path: "/api/status", Space: "default"})
		var apiErr *kibana.APIError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized:
			return ErrKeyRefused
		case errors.As(err, &apiErr) && apiErr.StatusCode < 500:
			return nil
		case errors.As(err, &apiErr):
			return fmt.Errorf("Kibana answered %d", apiErr.StatusCode)
		}
		return fmt.Errorf("Kibana's status API failed: %v", err)
	}
}

func checkKibana(ctx context.Context, client *kibana.Client, needAuth bool) error {
	// Space "default": the status API is Kibana-wide, whatever space the
	// server is configured for.
	resp, err := client.Do(ctx, &kibana.Request{Method: http.MethodGet, Path: "/api/status", Space: "default"})
	var apiErr *kibana.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnauthorized && !needAuth:
		return nil
	case errors.As(err, &apiErr) && (apiErr.StatusCode == http.StatusUnauthorized || apiErr.StatusCode == http.StatusForbidden):
		return fmt.Errorf("Kibana refused the server's credentials (%d)", apiErr.StatusCode)
	case errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusServiceUnavailable:
		// The body is the whole status document: too long for a reason.
		return errors.New("Kibana answered 503: it or Elasticsearch is unavailable")
	case err != nil:
		return fmt.Errorf("Kibana's status API failed: %v", err)
	}
	var status struct {
		Version *struct {
			Number string `json:"number"`
		} `json:"version"`
		Status struct {
			Overall struct {
				Level   string `json:"level"`
				Summary string `json:"summary"`
			} `json:"overall"`
		} `json:"status"`
	}
	if err := json.Unmarshal(resp.Body, &status); err != nil {
		return errors.New("Kibana's status answer is not JSON (is a proxy or login page in front of Kibana?)")
	}
	if status.Version == nil && needAuth {
		// Kibana sends anonymous callers only the overall level.
		return errors.New("Kibana answered its status as to an anonymous user: the server's credentials were not used or not accepted")
	}
	switch level := status.Status.Overall.Level; level {
	case "available", "degraded":
		return nil
	case "":
		return errors.New("Kibana's status answer has no overall level")
	default:
		return fmt.Errorf("Kibana is %s: %s", level, truncate(status.Status.Overall.Summary, 200))
	}
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
