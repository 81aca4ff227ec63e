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

// maxErrorMessage bounds how much of a non-JSON error body reaches the model
// (proxies answer with whole HTML pages).
const maxErrorMessage = 2000

func decodeAPIError(status int, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	var parsed struct {
		StatusCode int    `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
	}
	if json.Unmarshal(body, &parsed) == nil && (parsed.Message != "" || parsed.Error != "") {
		e.Reason = parsed.Error
		e.Message = parsed.Message
		return e
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > maxErrorMessage {
		msg = msg[:maxErrorMessage] + "…"
	}
	e.Message = msg
	return e
}
