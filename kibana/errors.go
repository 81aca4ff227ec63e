package kibana

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// APIError is a non-2xx answer from Kibana, decoded from its usual error
// body {"statusCode":…, "error":…, "message":…}.
type APIError struct {
	StatusCode int
	Reason     string // Kibana's "error" field, e.g. "Bad Request"
	Message    string // Kibana's "message" field, or the raw body when it is not JSON
}

func (e *APIError) Error() string {
	reason := e.Reason
	if reason == "" {
		reason = http.StatusText(e.StatusCode)
	}
	if e.Message == "" || e.Message == reason {
		return fmt.Sprintf("Kibana answered %d %s", e.StatusCode, reason)
	}
	return fmt.Sprintf("Kibana answered %d %s: %s", e.StatusCode, reason, e.Message)
}

// maxErrorMessage bounds, in characters, how much of an error reaches the
// model (proxies answer with whole HTML pages).
const maxErrorMessage = 2000

// truncate cuts s to at most max characters, never inside a UTF-8 sequence.
func truncate(s string, max int) string {
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func decodeAPIError(status int, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	var parsed struct {
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
	}
	if json.Unmarshal(body, &parsed) == nil && (parsed.Message != "" || parsed.Error != "") {
		e.Reason = truncate(parsed.Error, maxErrorMessage)
		e.Message = truncate(parsed.Message, maxErrorMessage)
		return e
	}
	e.Message = truncate(strings.TrimSpace(string(body)), maxErrorMessage)
	return e
}
