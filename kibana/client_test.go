package kibana

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// ---------------------------------------------------------------- auth

func TestAuthAPIKey(t *testing.T) {
	srv, rec := newServer(t, nil)
	c := newClient(t, Config{URL: srv.URL, APIKey: "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="})
	if _, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/status"}); err != nil {
		t.Fatal(err)
	}
	got := rec.only(t).Header.Values("Authorization")
	want := []string{"ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
}

func TestAuthBasic(t *testing.T) {
	var user, pass string
	var ok bool
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok = r.BasicAuth()
		jsonAnswer(w, http.StatusOK, `{}`)
	})
	c := newClient(t, Config{URL: srv.URL, Username: "elastic", Password: "p@ss:w0rd é"})
	if _, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/status"}); err != nil {
		t.Fatal(err)
	}
	if !ok || user != "elastic" || pass != "p@ss:w0rd é" {
		t.Errorf("server decoded basic auth (%q, %q, %v), want (elastic, p@ss:w0rd é, true)", user, pass, ok)
	}
	wantHeader := "Basic " + base64.StdEncoding.EncodeToString([]byte("elastic:p@ss:w0rd é"))
	if got := rec.only(t).Header.Get("Authorization"); got != wantHeader {
		t.Errorf("Authorization = %q, want %q", got, wantHeader)
	}
}

func TestNoAuthSendsNoAuthorizationHeader(t *testing.T) {
	srv, rec := newServer(t, nil)
	c := newClient(t, Config{URL: srv.URL})
	if _, err := c.Do(testCtx(t), &Request{Method: http.MethodPost, Path: "/api/cases", Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if v, present := rec.only(t).Header["Authorization"]; present {
		t.Errorf("anonymous client sent Authorization %q", v)
	}
}

// ---------------------------------------------------------------- headers

func TestXSRFHeaderOnEveryNonGET(t *testing.T) {
	srv, rec := newServer(t, nil)
	c := newClient(t, Config{URL: srv.URL})
	for _, tc := range []struct {
		method   string
		wantXSRF bool
	}{
		{http.MethodGet, false},
		{http.MethodHead, false},
		{http.MethodPost, true},
		{http.MethodPut, true},
		{http.MethodPatch, true},
		{http.MethodDelete, true},
	} {
		before := rec.count()
		if _, err := c.Do(testCtx(t), &Request{Method: tc.method, Path: "/api/cases"}); err != nil {
			t.Fatalf("%s: %v", tc.method, err)
		}
		reqs := rec.all()
		if len(reqs) != before+1 {
			t.Fatalf("%s: server saw %d new requests", tc.method, len(reqs)-before)
		}
		got := reqs[len(reqs)-1]
		if got.Method != tc.method {
			t.Errorf("server saw method %s, want %s", got.Method, tc.method)
		}
		xsrf, present := got.Header["Kbn-Xsrf"]
		if present != tc.wantXSRF {
			t.Errorf("%s: kbn-xsrf present = %v (%q), want %v", tc.method, present, xsrf, tc.wantXSRF)
		}
		if present && (len(xsrf) != 1 || xsrf[0] == "") {
			t.Errorf("%s: kbn-xsrf = %q, want one non-empty value", tc.method, xsrf)
		}
	}
}

func TestAPIVersionHeader(t *testing.T) {
	srv, rec := newServer(t, nil)
	c := newClient(t, Config{URL: srv.URL})
	ctx := testCtx(t)
	if _, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/api/x", APIVersion: "2023-10-31"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/api/x"}); err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if got := reqs[0].Header.Values("Elastic-Api-Version"); !reflect.DeepEqual(got, []string{"2023-10-31"}) {
		t.Errorf("elastic-api-version = %q, want [2023-10-31]", got)
	}
	if got, present := reqs[1].Header["Elastic-Api-Version"]; present {
		t.Errorf("elastic-api-version sent without APIVersion: %q", got)
	}
}

func TestContentTypeAcceptAndBody(t *testing.T) {
	srv, rec := newServer(t, nil)
	c := newClient(t, Config{URL: srv.URL, UserAgent: "kibana-mcp/test"})
	ctx := testCtx(t)
	for _, tc := range []struct {
		name     string
		req      Request
		wantCT   string // "" means no Content-Type header
		wantBody string
	}{
		{"json default", Request{Method: http.MethodPost, Path: "/api/cases", Body: []byte(`{"title":"t"}`)}, "application/json", `{"title":"t"}`},
		{"explicit", Request{Method: http.MethodPost, Path: "/api/saved_objects/_import", Body: []byte("a\nb\n"), ContentType: "multipart/form-data; boundary=xyz"}, "multipart/form-data; boundary=xyz", "a\nb\n"},
		{"empty but present body", Request{Method: http.MethodPut, Path: "/api/x", Body: []byte{}}, "application/json", ""},
		{"no body", Request{Method: http.MethodDelete, Path: "/api/cases"}, "", ""},
		{"no body, content type ignored", Request{Method: http.MethodGet, Path: "/api/cases", ContentType: "text/plain"}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := rec.count()
			if _, err := c.Do(ctx, &tc.req); err != nil {
				t.Fatal(err)
			}
			got := rec.all()[before]
			if ct, present := got.Header["Content-Type"]; tc.wantCT == "" && present {
				t.Errorf("Content-Type = %q, want none", ct)
			} else if tc.wantCT != "" && got.Header.Get("Content-Type") != tc.wantCT {
				t.Errorf("Content-Type = %q, want %q", got.Header.Get("Content-Type"), tc.wantCT)
			}
			if string(got.Body) != tc.wantBody {
				t.Errorf("server got body %q, want %q", got.Body, tc.wantBody)
			}
			if a := got.Header.Get("Accept"); a != "application/json" {
				t.Errorf("Accept = %q, want application/json", a)
			}
			if ua := got.Header.Get("User-Agent"); ua != "kibana-mcp/test" {
				t.Errorf("User-Agent = %q, want kibana-mcp/test", ua)
			}
		})
	}
}

func TestSuccessResponse(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodDelete {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"c1"}`)
	})
	c := newClient(t, Config{URL: srv.URL})
	resp, err := c.Do(testCtx(t), &Request{Method: http.MethodPost, Path: "/api/cases", Body: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || resp.ContentType != "application/json; charset=utf-8" || string(resp.Body) != `{"id":"c1"}` {
		t.Errorf("response = %d %q %q", resp.StatusCode, resp.ContentType, resp.Body)
	}
	resp, err = c.Do(testCtx(t), &Request{Method: http.MethodDelete, Path: "/api/cases"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNoContent || len(resp.Body) != 0 {
		t.Errorf("response = %d %q, want 204 with no body", resp.StatusCode, resp.Body)
	}
}

// ---------------------------------------------------------------- URLs

func TestURLBuilding(t *testing.T) {
	srv, rec := newServer(t, nil)
	for _, tc := range []struct {
		name      string
		basePath  string // appended to the server URL
		cfgSpace  string
		reqSpace  string
		path      string
		query     url.Values
		wantURI   string // RequestURI the server sees
		wantQuery url.Values
	}{
		{name: "root", path: "/api/cases", wantURI: "/api/cases"},
		{name: "root with slash", basePath: "/", path: "/api/cases", wantURI: "/api/cases"},
		{name: "base path", basePath: "/kibana", path: "/api/cases", wantURI: "/kibana/api/cases"},
		{name: "base path trailing slash", basePath: "/kibana/", path: "/api/cases", wantURI: "/kibana/api/cases"},
		{name: "base path trailing slashes", basePath: "/kibana//", path: "/api/cases", wantURI: "/kibana/api/cases"},
		{name: "aws plugin path", basePath: "/_plugin/kibana", path: "/api/cases", wantURI: "/_plugin/kibana/api/cases"},
		{name: "empty query in base", basePath: "/kibana?", path: "/api/cases", wantURI: "/kibana/api/cases"},
		{name: "configured space", cfgSpace: "marketing", path: "/api/cases", wantURI: "/s/marketing/api/cases"},
		{name: "configured default space", cfgSpace: "default", path: "/api/cases", wantURI: "/api/cases"},
		{name: "request space overrides", cfgSpace: "marketing", reqSpace: "ops-team_2", path: "/api/cases", wantURI: "/s/ops-team_2/api/cases"},
		{name: "request default space overrides", cfgSpace: "marketing", reqSpace: "default", path: "/api/cases", wantURI: "/api/cases"},
		{name: "request space without configured", reqSpace: "ops", path: "/api/cases", wantURI: "/s/ops/api/cases"},
		{name: "base path and space", basePath: "/kibana/", cfgSpace: "marketing", path: "/api/cases", wantURI: "/kibana/s/marketing/api/cases"},
		{
			name:      "repeated query keys",
			path:      "/api/cases/_find",
			query:     url.Values{"tags": {"a", "b c"}, "page": {"2"}},
			wantURI:   "/api/cases/_find?page=2&tags=a&tags=b+c",
			wantQuery: url.Values{"tags": {"a", "b c"}, "page": {"2"}},
		},
		{
			name:      "query needing escapes",
			path:      "/api/cases/_find",
			query:     url.Values{"search": {`title:"x&y=z" /#?`}},
			wantQuery: url.Values{"search": {`title:"x&y=z" /#?`}},
		},
		{name: "escaped slash kept", path: "/api/saved_objects/dashboard/a%2Fb", wantURI: "/api/saved_objects/dashboard/a%2Fb"},
		{name: "escaped slash with base and space", basePath: "/kibana", cfgSpace: "s1", path: "/api/saved_objects/index-pattern/logs%2A%2F2024%20x", wantURI: "/kibana/s/s1/api/saved_objects/index-pattern/logs%2A%2F2024%20x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, Config{URL: srv.URL + tc.basePath, Space: tc.cfgSpace})
			req := &Request{Method: http.MethodGet, Path: tc.path, Query: tc.query, Space: tc.reqSpace}
			before := rec.count()
			if _, err := c.Do(testCtx(t), req); err != nil {
				t.Fatal(err)
			}
			got := rec.all()[before]
			if tc.wantURI != "" && got.RequestURI != tc.wantURI {
				t.Errorf("server saw %q, want %q", got.RequestURI, tc.wantURI)
			}
			if want := srv.URL + got.RequestURI; c.URL(req) != want {
				t.Errorf("c.URL() = %q, but the request went to %q", c.URL(req), want)
			}
			if tc.wantQuery != nil {
				q, err := url.ParseQuery(got.RawQuery)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(q, tc.wantQuery) {
					t.Errorf("server decoded query %v, want %v", q, tc.wantQuery)
				}
			}
		})
	}
}

func TestEscapedPathArrivesEscaped(t *testing.T) {
	srv, rec := newServer(t, nil)
	c := newClient(t, Config{URL: srv.URL})
	if _, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/saved_objects/dashboard/team%2Fdash"}); err != nil {
		t.Fatal(err)
	}
	got := rec.only(t)
	if got.RawPath != "/api/saved_objects/dashboard/team%2Fdash" {
		t.Errorf("r.URL.RawPath = %q, want the %%2F kept", got.RawPath)
	}
	if got.RequestURI != "/api/saved_objects/dashboard/team%2Fdash" {
		t.Errorf("RequestURI = %q, want the %%2F kept", got.RequestURI)
	}
	if got.Path != "/api/saved_objects/dashboard/team/dash" {
		t.Errorf("r.URL.Path = %q", got.Path)
	}
}

func TestInvalidRequestSpaceIsRejectedBeforeSending(t *testing.T) {
	srv, rec := newServer(t, nil)
	c := newClient(t, Config{URL: srv.URL})
	for _, space := range []string{"../admin", "Marketing", "a/b", "x?y", "s%2F"} {
		_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/cases", Space: space})
		if err == nil || !strings.Contains(err.Error(), "not a valid space ID") {
			t.Errorf("Space %q: err = %v, want an invalid space error", space, err)
		}
	}
	if n := rec.count(); n != 0 {
		t.Errorf("server received %d requests for invalid spaces", n)
	}
}

// ---------------------------------------------------------------- errors

func TestKibanaJSONErrorBecomesAPIError(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, http.StatusNotFound, `{"statusCode":404,"error":"Not Found","message":"Saved object [cases/x] not found"}`)
	})
	c := newClient(t, Config{URL: srv.URL})
	resp, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/cases/x", Retryable: true})
	if resp != nil {
		t.Errorf("got a response %+v along with the error", resp)
	}
	wrapped := fmt.Errorf("get case: %w", err)
	var apiErr *APIError
	if !errors.As(wrapped, &apiErr) {
		t.Fatalf("errors.As(*APIError) failed for %T %v", err, err)
	}
	if apiErr.StatusCode != 404 || apiErr.Reason != "Not Found" || apiErr.Message != "Saved object [cases/x] not found" {
		t.Errorf("APIError = %+v", *apiErr)
	}
	if got, want := err.Error(), "Kibana answered 404 Not Found: Saved object [cases/x] not found"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestAPIErrorText(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   string
	}{
		{400, `{"statusCode":400,"error":"Bad Request","message":"[request body.title]: expected value of type [string]"}`, "Kibana answered 400 Bad Request: [request body.title]: expected value of type [string]"},
		{401, `{"statusCode":401,"error":"Unauthorized","message":"Unauthorized"}`, "Kibana answered 401 Unauthorized"},
		{403, `{"error":"Forbidden"}`, "Kibana answered 403 Forbidden"},
		{409, `{"message":"version conflict"}`, "Kibana answered 409 Conflict: version conflict"},
		{502, ``, "Kibana answered 502 Bad Gateway"},
		{500, "  upstream connect error\n", "Kibana answered 500 Internal Server Error: upstream connect error"},
		{500, `{"unrelated":true}`, `Kibana answered 500 Internal Server Error: {"unrelated":true}`},
	} {
		srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			_, _ = io.WriteString(w, tc.body)
		})
		c := newClient(t, Config{URL: srv.URL, MaxRetries: -1})
		_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x"})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status {
			t.Errorf("%d %q: err = %v, want *APIError with that status", tc.status, tc.body, err)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%d %q: Error() = %q, want %q", tc.status, tc.body, err.Error(), tc.want)
		}
	}
}

func TestHTMLErrorBodyIsKeptButTruncated(t *testing.T) {
	const tail = "END-OF-PAGE-MARKER"
	page := "<html><head><title>502 Bad Gateway</title></head><body>" +
		strings.Repeat("<p>nginx proxy filler text</p>", 1000) + tail + "</body></html>"
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, page)
	})
	c := newClient(t, Config{URL: srv.URL})
	_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if apiErr.StatusCode != 500 {
		t.Errorf("StatusCode = %d", apiErr.StatusCode)
	}
	if !strings.HasPrefix(apiErr.Message, "<html><head><title>502 Bad Gateway</title>") {
		t.Errorf("Message does not keep the start of the body: %.80q", apiErr.Message)
	}
	if strings.Contains(apiErr.Message, tail) {
		t.Error("Message holds the whole HTML page, want it truncated")
	}
	if n := len(apiErr.Message); n > 2100 || n < 1000 {
		t.Errorf("len(Message) = %d, want it bounded near 2000 bytes", n)
	}
	if len(err.Error()) > 2200 {
		t.Errorf("len(Error()) = %d, want it bounded", len(err.Error()))
	}
}

// ---------------------------------------------------------------- size cap

func TestResponseSizeCap(t *testing.T) {
	const limit = 1024
	var size int
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(bytes.Repeat([]byte("x"), size))
	})
	c := newClient(t, Config{URL: srv.URL, MaxResponseBytes: limit})

	size = limit
	resp, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x"})
	if err != nil {
		t.Fatalf("body of exactly the limit: %v", err)
	}
	if len(resp.Body) != limit {
		t.Errorf("len(Body) = %d, want %d", len(resp.Body), limit)
	}

	size = limit + 1
	resp, err = c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x"})
	var tooLarge *ResponseTooLargeError
	if !errors.As(err, &tooLarge) {
		t.Fatalf("body of limit+1: resp=%v err=%v, want *ResponseTooLargeError", resp, err)
	}
	if tooLarge.Limit != limit || !strings.Contains(err.Error(), "1024-byte limit") {
		t.Errorf("error = %+v %q", tooLarge, err)
	}
}

func TestResponseSizeCapDefault(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(bytes.Repeat([]byte("x"), DefaultMaxResponseBytes+1))
	})
	c := newClient(t, Config{URL: srv.URL})
	_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x"})
	var tooLarge *ResponseTooLargeError
	if !errors.As(err, &tooLarge) || tooLarge.Limit != DefaultMaxResponseBytes {
		t.Fatalf("err = %v, want *ResponseTooLargeError at the default limit", err)
	}
}

// ---------------------------------------------------------------- retries

// statusSequence answers the given statuses in order, then 200 {"ok":true}.
func statusSequence(t *testing.T, statuses ...int) (*httptest.Server, *recorder) {
	t.Helper()
	var mu sync.Mutex
	i := 0
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := i
		i++
		mu.Unlock()
		if n < len(statuses) {
			jsonAnswer(w, statuses[n], fmt.Sprintf(`{"statusCode":%d,"error":%q,"message":"attempt %d"}`, statuses[n], http.StatusText(statuses[n]), n+1))
			return
		}
		jsonAnswer(w, http.StatusOK, `{"ok":true}`)
	})
}

func TestRetryableGETRetriesUntilSuccess(t *testing.T) {
	srv, rec := statusSequence(t, 503, 503)
	log, buf := captureLog(slog.LevelWarn)
	c, err := New(Config{URL: srv.URL, RetryWaitMax: 20 * time.Millisecond}, log)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/cases", Retryable: true})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if d := time.Since(start); d > 400*time.Millisecond {
		t.Errorf("two retries took %v; each wait should be bounded by RetryWaitMax (20ms)", d)
	}
	if string(resp.Body) != `{"ok":true}` {
		t.Errorf("body = %q", resp.Body)
	}
	if n := rec.count(); n != 3 {
		t.Errorf("server saw %d attempts, want 3", n)
	}
	if got := strings.Count(buf.String(), "retrying"); got != 2 {
		t.Errorf("logged %d retry warnings, want 2; log:\n%s", got, buf)
	}
}

func TestRetriedRequestsAreIdentical(t *testing.T) {
	srv, rec := statusSequence(t, 503, 429)
	c := newClient(t, Config{URL: srv.URL, APIKey: "k", RetryWaitMax: 10 * time.Millisecond})
	_, err := c.Do(testCtx(t), &Request{Method: http.MethodPut, Path: "/api/x", Body: []byte(`{"a":1}`), Retryable: true, Mutates: true})
	if err != nil {
		t.Fatal(err)
	}
	reqs := rec.all()
	if len(reqs) != 3 {
		t.Fatalf("server saw %d attempts, want 3 (503 and 429 are retryable)", len(reqs))
	}
	for i, r := range reqs {
		if string(r.Body) != `{"a":1}` || r.Header.Get("Authorization") != "ApiKey k" || r.Header.Get("kbn-xsrf") == "" {
			t.Errorf("attempt %d: body %q, headers %v", i+1, r.Body, r.Header)
		}
	}
}

func TestNonRetryableRequestIsTriedOnce(t *testing.T) {
	srv, rec := statusSequence(t, 503, 503, 503)
	c := newClient(t, Config{URL: srv.URL, RetryWaitMax: 10 * time.Millisecond})
	_, err := c.Do(testCtx(t), &Request{Method: http.MethodPost, Path: "/api/cases", Body: []byte(`{}`), Mutates: true})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
		t.Fatalf("err = %v, want the 503 *APIError", err)
	}
	if n := rec.count(); n != 1 {
		t.Errorf("server saw %d attempts of a non-retryable POST, want 1", n)
	}
}

func TestNonRetryableStatusesAreNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 500} {
		srv, rec := statusSequence(t, status, status, status)
		c := newClient(t, Config{URL: srv.URL, RetryWaitMax: 10 * time.Millisecond})
		_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x", Retryable: true})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
			t.Errorf("%d: err = %v, want *APIError %d", status, err, status)
		}
		if n := rec.count(); n != 1 {
			t.Errorf("%d: server saw %d attempts, want 1", status, n)
		}
	}
}

func TestMaxRetriesBoundsAttempts(t *testing.T) {
	for _, tc := range []struct {
		maxRetries   int
		wantAttempts int
	}{
		{-1, 1},
		{1, 2},
		{2, 3},
		{0, 1 + DefaultMaxRetries},
	} {
		srv, rec := statusSequence(t, 503, 503, 503, 503, 503, 503, 503, 503)
		c := newClient(t, Config{URL: srv.URL, MaxRetries: tc.maxRetries, RetryWaitMax: 5 * time.Millisecond})
		_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x", Retryable: true})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 {
			t.Errorf("MaxRetries %d: err = %v, want the last 503", tc.maxRetries, err)
		} else if want := fmt.Sprintf("attempt %d", tc.wantAttempts); apiErr.Message != want {
			t.Errorf("MaxRetries %d: error from %q, want the last answer (%q)", tc.maxRetries, apiErr.Message, want)
		}
		if n := rec.count(); n != tc.wantAttempts {
			t.Errorf("MaxRetries %d: server saw %d attempts, want %d", tc.maxRetries, n, tc.wantAttempts)
		}
	}
}

// retryAfterServer answers 429 with the given Retry-After n times, then 200.
func retryAfterServer(t *testing.T, retryAfter string, n int) (*httptest.Server, *recorder) {
	t.Helper()
	var mu sync.Mutex
	i := 0
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i++
		k := i
		mu.Unlock()
		if k <= n {
			w.Header().Set("Retry-After", retryAfter)
			jsonAnswer(w, http.StatusTooManyRequests, `{"statusCode":429,"error":"Too Many Requests","message":"slow down"}`)
			return
		}
		jsonAnswer(w, http.StatusOK, `{"ok":true}`)
	})
}

func TestRetryAfterZero(t *testing.T) {
	srv, rec := retryAfterServer(t, "0", 2)
	c := newClient(t, Config{URL: srv.URL, RetryWaitMax: 50 * time.Millisecond})
	start := time.Now()
	if _, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x", Retryable: true}); err != nil {
		t.Fatal(err)
	}
	if n := rec.count(); n != 3 {
		t.Errorf("server saw %d attempts, want 3", n)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v, want waits bounded by RetryWaitMax", d)
	}
}

func TestRetryAfterOneSecondIsHonoured(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var times []time.Time
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		first := len(times) == 1
		mu.Unlock()
		if first {
			w.Header().Set("Retry-After", "1")
			jsonAnswer(w, http.StatusTooManyRequests, `{"statusCode":429,"error":"Too Many Requests","message":"slow down"}`)
			return
		}
		jsonAnswer(w, http.StatusOK, `{"ok":true}`)
	})
	c := newClient(t, Config{URL: srv.URL, RetryWaitMax: 2 * time.Second})
	if _, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x", Retryable: true}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(times) != 2 {
		t.Fatalf("server saw %d attempts, want 2", len(times))
	}
	// The backoff alone would be ~250ms; Retry-After asks for a full second.
	if gap := times[1].Sub(times[0]); gap < 950*time.Millisecond || gap > 1800*time.Millisecond {
		t.Errorf("retry came %v after the 429, want about 1s", gap)
	}
}

func TestRetryAfterBeyondWaitMaxReturnsAtOnce(t *testing.T) {
	srv, rec := retryAfterServer(t, "1", 5)
	c := newClient(t, Config{URL: srv.URL, RetryWaitMax: 50 * time.Millisecond})
	start := time.Now()
	_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x", Retryable: true})
	elapsed := time.Since(start)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests || apiErr.Message != "slow down" {
		t.Fatalf("err = %v, want Kibana's 429", err)
	}
	if elapsed > 300*time.Millisecond {
		t.Errorf("took %v, want the 429 returned without waiting the 1s Retry-After", elapsed)
	}
	if n := rec.count(); n != 1 {
		t.Errorf("server saw %d attempts, want 1", n)
	}
}

func TestRetryAfterHTTPDateInThePastFallsBackToBackoff(t *testing.T) {
	srv, rec := retryAfterServer(t, time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), 1)
	c := newClient(t, Config{URL: srv.URL, RetryWaitMax: 20 * time.Millisecond})
	if _, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/x", Retryable: true}); err != nil {
		t.Fatal(err)
	}
	if n := rec.count(); n != 2 {
		t.Errorf("server saw %d attempts, want 2", n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"":                 0,
		"0":                0,
		"1":                time.Second,
		" 7 ":              7 * time.Second,
		"-3":               0,
		"soon":             0,
		"Wed, 21 Oct 2015": 0,
	} {
		if got := parseRetryAfter(in); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
	future := time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)
	if got := parseRetryAfter(future); got < 8*time.Second || got > 11*time.Second {
		t.Errorf("parseRetryAfter(%q) = %v, want about 10s", future, got)
	}
}

func TestBackoffBounds(t *testing.T) {
	for attempt := 0; attempt < 70; attempt++ {
		for range 20 {
			d := backoff(attempt, 2*time.Second)
			if d <= 0 || d > 2*time.Second+2*time.Second/4 {
				t.Fatalf("backoff(%d, 2s) = %v", attempt, d)
			}
		}
	}
	if d := backoff(0, time.Minute); d < 187*time.Millisecond || d > 313*time.Millisecond {
		t.Errorf("backoff(0) = %v, want 250ms ±25%%", d)
	}
}

// ---------------------------------------------------------------- cancellation and timeouts

func TestCancelWhileServerIsBlocked(t *testing.T) {
	arrived := make(chan struct{})
	serverSawCancel := make(chan struct{})
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select {
		case <-r.Context().Done():
			close(serverSawCancel)
		case <-time.After(5 * time.Second):
		}
	})
	c := newClient(t, Config{URL: srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		err     error
		elapsed time.Duration
	}
	done := make(chan result, 1)
	go func() {
		_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/api/slow", Retryable: true})
		done <- result{err: err}
	}()
	select {
	case <-arrived:
	case <-time.After(2 * time.Second):
		t.Fatal("request never reached the server")
	}
	cancelled := time.Now()
	cancel()
	var res result
	select {
	case res = <-done:
		res.elapsed = time.Since(cancelled)
	case <-time.After(2 * time.Second):
		t.Fatal("Do did not return after the context was cancelled")
	}
	if !errors.Is(res.err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", res.err)
	}
	if res.elapsed > 500*time.Millisecond {
		t.Errorf("Do returned %v after cancel, want promptly", res.elapsed)
	}
	select {
	case <-serverSawCancel:
	case <-time.After(2 * time.Second):
		t.Error("the server's request context was never done")
	}
}

func TestCancelDuringRetryWait(t *testing.T) {
	arrived := make(chan struct{}, 10)
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "5")
		jsonAnswer(w, http.StatusServiceUnavailable, `{"statusCode":503,"error":"Service Unavailable","message":"busy"}`)
		arrived <- struct{}{}
	})
	c := newClient(t, Config{URL: srv.URL, RetryWaitMax: 10 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/api/x", Retryable: true})
		done <- err
	}()
	<-arrived
	time.Sleep(20 * time.Millisecond) // let Do read the answer and start waiting
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("Do returned %v after cancel", d)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Do kept waiting for the retry after the context was cancelled")
	}
	if n := rec.count(); n != 1 {
		t.Errorf("server saw %d attempts, want 1", n)
	}
}

func TestContextDeadline(t *testing.T) {
	srv, _ := newServer(t, stall(5*time.Second))
	c := newClient(t, Config{URL: srv.URL})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/api/x"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v", d)
	}
}

func TestAlreadyCancelledContextSendsNothing(t *testing.T) {
	srv, rec := newServer(t, nil)
	c := newClient(t, Config{URL: srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Do(ctx, &Request{Method: http.MethodGet, Path: "/api/x", Retryable: true})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := rec.count(); n != 0 {
		t.Errorf("server saw %d requests", n)
	}
}

func TestTimeoutWaitingForHeaders(t *testing.T) {
	srv, rec := newServer(t, stall(3*time.Second))
	c := newClient(t, Config{URL: srv.URL, Timeout: 100 * time.Millisecond})
	start := time.Now()
	_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/slow", Retryable: true})
	elapsed := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "Kibana did not answer in time") {
		t.Fatalf("err = %v, want it to say Kibana did not answer in time", err)
	}
	if elapsed > time.Second {
		t.Errorf("took %v with a 100ms timeout", elapsed)
	}
	if n := rec.count(); n != 1 {
		t.Errorf("server saw %d attempts, want 1", n)
	}
}

func TestTimeoutWhileReadingBody(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"partial":`)
		w.(http.Flusher).Flush()
		stall(3*time.Second)(w, r)
	})
	c := newClient(t, Config{URL: srv.URL, Timeout: 100 * time.Millisecond})
	start := time.Now()
	resp, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/slow"})
	if err == nil {
		t.Fatalf("Do returned a truncated answer %q", resp.Body)
	}
	if !strings.Contains(err.Error(), "Kibana did not answer in time") {
		t.Errorf("err = %v, want it to say Kibana did not answer in time", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v with a 100ms timeout", d)
	}
}

// ---------------------------------------------------------------- read-only

func TestReadOnly(t *testing.T) {
	srv, rec := newServer(t, nil)
	c := newClient(t, Config{URL: srv.URL, ReadOnly: true, ReadRoutes: []Route{
		{Method: http.MethodPost, Path: "/api/detection_engine/signals/search"},
		{Method: http.MethodPost, Path: "/api/things/{id}/_query"},
	}})
	refused := []*Request{
		// Declared writes.
		{Method: http.MethodPost, Path: "/api/cases", Body: []byte(`{}`), Mutates: true},
		{Method: http.MethodPut, Path: "/api/cases", Body: []byte(`{}`), Mutates: true, Retryable: true},
		{Method: http.MethodPatch, Path: "/api/cases", Body: []byte(`{}`), Mutates: true},
		{Method: http.MethodDelete, Path: "/api/cases", Mutates: true, Retryable: true},
		// Mislabelled writes: a handler bug that forgets Mutates still
		// cannot write, because only declared read routes pass.
		{Method: http.MethodDelete, Path: "/api/cases"},
		{Method: http.MethodPost, Path: "/api/x/_search", Body: []byte(`{}`)},
		{Method: http.MethodPut, Path: "/api/detection_engine/signals/search", Body: []byte(`{}`)},
		{Method: http.MethodPost, Path: "/api/detection_engine/signals/search/extra", Body: []byte(`{}`)},
		{Method: http.MethodPost, Path: "/api/things//_query", Body: []byte(`{}`)},
		// A declared read route is still refused when marked as a write.
		{Method: http.MethodPost, Path: "/api/detection_engine/signals/search", Body: []byte(`{}`), Mutates: true},
	}
	for _, r := range refused {
		resp, err := c.Do(testCtx(t), r)
		if !errors.Is(err, ErrReadOnly) || resp != nil {
			t.Errorf("%s %s: (%v, %v), want ErrReadOnly", r.Method, r.Path, resp, err)
		}
	}
	if n := rec.count(); n != 0 {
		t.Fatalf("server received %d requests in read-only mode", n)
	}
	if !strings.Contains(ErrReadOnly.Error(), "read-only") {
		t.Errorf("ErrReadOnly = %q", ErrReadOnly)
	}
	// Reads go through: GET, and POSTs to declared read routes.
	for _, r := range []*Request{
		{Method: http.MethodGet, Path: "/api/cases/_find"},
		{Method: http.MethodPost, Path: "/api/detection_engine/signals/search", Body: []byte(`{}`)},
		{Method: http.MethodPost, Path: "/api/things/a%2Fb/_query", Body: []byte(`{}`)},
	} {
		if _, err := c.Do(testCtx(t), r); err != nil {
			t.Errorf("%s %s in read-only mode: %v", r.Method, r.Path, err)
		}
	}
	if n := rec.count(); n != 3 {
		t.Errorf("server received %d requests, want the 3 reads", n)
	}
}

// ---------------------------------------------------------------- redirects

func TestRedirectToAnotherHostIsRefused(t *testing.T) {
	other, otherRec := newServer(t, nil)
	for _, cfg := range []Config{
		{APIKey: "redirect-api-key"},
		{Username: "elastic", Password: "redirect-password"},
	} {
		for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
			kibana, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, other.URL+"/collect"+r.URL.Path, status)
			})
			cfg.URL = kibana.URL
			c := newClient(t, cfg)
			_, err := c.Do(testCtx(t), &Request{Method: http.MethodPost, Path: "/api/cases", Body: []byte(`{}`), Retryable: true})
			if err == nil || !strings.Contains(err.Error(), "refusing redirect") {
				t.Errorf("%d: err = %v, want the redirect refused", status, err)
			}
		}
	}
	if n := otherRec.count(); n != 0 {
		for _, r := range otherRec.all() {
			t.Errorf("other host received %s %s with Authorization %q", r.Method, r.RequestURI, r.Header.Get("Authorization"))
		}
	}
}

func TestRedirectOnSameHostIsFollowed(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old":
			http.Redirect(w, r, "/new", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		default:
			jsonAnswer(w, http.StatusOK, `{"at":"new"}`)
		}
	})
	c := newClient(t, Config{URL: srv.URL, APIKey: "k"})
	resp, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/old"})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != `{"at":"new"}` {
		t.Errorf("body = %q", resp.Body)
	}
	reqs := rec.all()
	if len(reqs) != 2 || reqs[1].Path != "/new" || reqs[1].Header.Get("Authorization") != "ApiKey k" {
		t.Errorf("requests = %+v", reqs)
	}

	before := rec.count()
	_, err = c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/loop"})
	if err == nil || !strings.Contains(err.Error(), "too many redirects") {
		t.Errorf("redirect loop: err = %v", err)
	}
	if n := rec.count() - before; n < 2 || n > 6 {
		t.Errorf("redirect loop: server saw %d requests, want the loop cut after a few hops", n)
	}
}

// TestRedirectOutsideTheBasePathIsRefused: behind a proxy path the same
// host serves other applications; credentials stay below Kibana's path.
func TestRedirectOutsideTheBasePathIsRefused(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/kibana/api/cases/c1":
			http.Redirect(w, r, "/grafana/api/steal", http.StatusFound)
		case "/kibana/api/cases/c2":
			http.Redirect(w, r, "/kibana/api/cases/c3", http.StatusFound)
		default:
			jsonAnswer(w, http.StatusOK, `{}`)
		}
	})
	c := newClient(t, Config{URL: srv.URL + "/kibana", APIKey: "k"})
	_, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/cases/c1"})
	if err == nil || !strings.Contains(err.Error(), "outside the Kibana URL's path /kibana/") {
		t.Errorf("err = %v, want the redirect refused", err)
	}
	if _, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/cases/c2"}); err != nil {
		t.Errorf("redirect within the base path: %v", err)
	}
	for _, r := range rec.all() {
		if strings.HasPrefix(r.Path, "/grafana") {
			t.Errorf("credentials sent to %s", r.Path)
		}
	}
}

// ---------------------------------------------------------------- secrets

func TestSecretsNeverAppearInErrorsOrLogs(t *testing.T) {
	const apiKey = "SECRET-API-KEY-4f2a9c"
	const password = "SECRET-PASSWORD-77b1e"
	basic := base64.StdEncoding.EncodeToString([]byte("elastic:" + password))
	secrets := []string{apiKey, password, basic}

	unauthorized, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, http.StatusUnauthorized, `{"statusCode":401,"error":"Unauthorized","message":"[security_exception]: unable to authenticate user"}`)
	})
	busy, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		jsonAnswer(w, http.StatusServiceUnavailable, `{"statusCode":503,"error":"Service Unavailable","message":"busy"}`)
	})
	slow, _ := newServer(t, stall(3*time.Second))
	other, _ := newServer(t, nil)
	redirecting, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/x", http.StatusFound)
	})
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	for _, auth := range []struct {
		name string
		cfg  Config
	}{
		{"api key", Config{APIKey: apiKey}},
		{"basic", Config{Username: "elastic", Password: password}},
	} {
		t.Run(auth.name, func(t *testing.T) {
			log, buf := captureLog(slog.LevelDebug)
			var errs []error
			for _, target := range []struct {
				name, url string
				wantErr   string
			}{
				{"401", unauthorized.URL, "401"},
				{"retries", busy.URL, "503"},
				{"timeout", slow.URL, "did not answer in time"},
				{"redirect", redirecting.URL, "refusing redirect"},
				{"connection refused", closedURL, "cannot reach Kibana"},
			} {
				cfg := auth.cfg
				cfg.URL = target.url
				cfg.Timeout = 100 * time.Millisecond
				cfg.RetryWaitMax = 5 * time.Millisecond
				cfg.MaxRetries = 1
				c, err := New(cfg, log)
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/cases", Retryable: true})
				if err == nil || !strings.Contains(err.Error(), target.wantErr) {
					t.Errorf("%s: err = %v, want it to mention %q", target.name, err, target.wantErr)
				}
				errs = append(errs, err)
			}
			out := buf.String()
			if !strings.Contains(out, "level=DEBUG") || !strings.Contains(out, "/api/cases") {
				t.Fatalf("debug log did not record the requests; log:\n%s", out)
			}
			for _, err := range errs {
				if err == nil {
					continue
				}
				for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
					for _, s := range secrets {
						if strings.Contains(text, s) {
							t.Errorf("error text %q contains a secret", text)
						}
					}
				}
			}
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("log output contains a secret:\n%s", out)
				}
			}
		})
	}
}

// ---------------------------------------------------------------- concurrency

func TestConcurrentUse(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, http.StatusOK, fmt.Sprintf(`{"uri":%q,"auth":%q}`, r.RequestURI, r.Header.Get("Authorization")))
	})
	c := newClient(t, Config{URL: srv.URL + "/kibana", APIKey: "shared", Space: "base"})
	const workers, perWorker = 50, 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				req := &Request{
					Method:    http.MethodGet,
					Path:      fmt.Sprintf("/api/cases/c-%d-%d", g, i),
					Query:     url.Values{"g": {fmt.Sprint(g)}},
					Retryable: true,
				}
				want := fmt.Sprintf("/kibana/s/base/api/cases/c-%d-%d?g=%d", g, i, g)
				if g%2 == 1 {
					req.Space = fmt.Sprintf("space-%d", g)
					want = fmt.Sprintf("/kibana/s/space-%d/api/cases/c-%d-%d?g=%d", g, g, i, g)
				}
				resp, err := c.Do(context.Background(), req)
				if err != nil {
					errs <- err
					continue
				}
				if wantBody := fmt.Sprintf(`{"uri":%q,"auth":"ApiKey shared"}`, want); string(resp.Body) != wantBody {
					errs <- fmt.Errorf("goroutine %d got %s, want %s", g, resp.Body, wantBody)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := rec.count(); n != workers*perWorker {
		t.Errorf("server saw %d requests, want %d", n, workers*perWorker)
	}
}

// TestHugeErrorBodyKeepsStatus: a proxy's enormous error page must still be
// reported (and retried) by its status, not as an oversized answer.
func TestHugeErrorBodyKeepsStatus(t *testing.T) {
	var attempts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := attempts.Add(1)
		if n == 1 {
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte(strings.Repeat("<html>gateway</html>", 100_000)))
			return
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c, err := New(Config{URL: srv.URL, MaxResponseBytes: 1024, RetryWaitMax: 10 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(t.Context(), &Request{Method: http.MethodGet, Path: "/api/status", Retryable: true})
	if err != nil || resp.StatusCode != 200 || attempts.Load() != 2 {
		t.Fatalf("resp %v err %v attempts %d: the 502 should have been retried", resp, err, attempts.Load())
	}
	attempts.Store(0)
	_, err = c.Do(t.Context(), &Request{Method: http.MethodPost, Path: "/api/status", Mutates: true})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadGateway || len(apiErr.Message) > 2100 {
		t.Fatalf("err = %v, want a truncated 502 APIError", err)
	}
}

// TestProxyTimeoutsRetryOnlyReads: a 502/504 may come from a proxy that gave
// up while Kibana went on working, so a write is not sent again (a retried
// DELETE would report 404 for a delete that succeeded); a read is.
func TestProxyTimeoutsRetryOnlyReads(t *testing.T) {
	for _, status := range []int{502, 504} {
		srv, rec := statusSequence(t, status)
		c := newClient(t, Config{URL: srv.URL, RetryWaitMax: 10 * time.Millisecond})
		_, err := c.Do(testCtx(t), &Request{Method: http.MethodDelete, Path: "/api/cases", Retryable: true, Mutates: true})
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || rec.count() != 1 {
			t.Errorf("DELETE after %d: err %v, %d attempts; want the %d once", status, err, rec.count(), status)
		}
		srv, rec = statusSequence(t, status)
		c = newClient(t, Config{URL: srv.URL, RetryWaitMax: 10 * time.Millisecond})
		if _, err := c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/cases", Retryable: true}); err != nil || rec.count() != 2 {
			t.Errorf("GET after %d: err %v, %d attempts; want success on the second", status, err, rec.count())
		}
	}
}

// TestWritesAreNeverRedirected: a same-host redirect of a POST (an SSO login
// page, say) must fail loudly instead of turning into a GET that "succeeds".
func TestWritesAreNeverRedirected(t *testing.T) {
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			gets.Add(1)
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>Please log in</html>"))
			return
		}
		http.Redirect(w, r, "/login", http.StatusFound)
	}))
	defer srv.Close()
	c := newClient(t, Config{URL: srv.URL})
	_, err := c.Do(testCtx(t), &Request{Method: http.MethodPost, Path: "/api/cases", Body: []byte(`{}`), Mutates: true})
	if err == nil || !strings.Contains(err.Error(), "nothing was written") || gets.Load() != 0 {
		t.Errorf("err = %v, login page fetched %d times", err, gets.Load())
	}
}

func TestErrorTextIsTruncatedByCharacters(t *testing.T) {
	msg := strings.Repeat("é", 3000)
	e := decodeAPIError(400, []byte(`{"statusCode":400,"error":"Bad Request","message":"`+msg+`"}`))
	if !utf8.ValidString(e.Message) || utf8.RuneCountInString(e.Message) != maxErrorMessage+1 {
		t.Errorf("message has %d characters (valid UTF-8: %v)", utf8.RuneCountInString(e.Message), utf8.ValidString(e.Message))
	}
}

// TestPerCallerAPIKey: a key carried by the context replaces the configured
// credentials for that request only, and never shows in errors.
func TestPerCallerAPIKey(t *testing.T) {
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, http.StatusUnauthorized, `{"statusCode":401,"error":"Unauthorized","message":"unable to authenticate"}`)
	})
	c := newClient(t, Config{URL: srv.URL, APIKey: "server-key"})
	_, err := c.Do(WithAPIKey(testCtx(t), "alice-key"), &Request{Method: http.MethodGet, Path: "/api/status"})
	if err == nil || strings.Contains(err.Error(), "alice-key") {
		t.Fatalf("error %v", err)
	}
	c.Do(testCtx(t), &Request{Method: http.MethodGet, Path: "/api/status"})
	c.Do(WithAPIKey(testCtx(t), ""), &Request{Method: http.MethodGet, Path: "/api/status"})
	seen := rec.all()
	if len(seen) != 3 || seen[0].Header.Get("Authorization") != "ApiKey alice-key" ||
		seen[1].Header.Get("Authorization") != "ApiKey server-key" || seen[2].Header.Get("Authorization") != "ApiKey server-key" {
		t.Errorf("Authorization headers: %q %q %q", seen[0].Header.Get("Authorization"), seen[1].Header.Get("Authorization"), seen[2].Header.Get("Authorization"))
	}
}
