// Package elastic reaches Elasticsearch for the data tools, and only ever to
// read: every request, whichever path carries it (Elasticsearch directly, or
// Kibana's console proxy), is checked against one allow-list before it
// leaves. It also says which path the server chose (Source), which the data
// tools' flows read from their context.
package elastic

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

// Request is one call to Elasticsearch: a method, an escaped path starting
// with "/", optional query parameters and a JSON body.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Body   []byte
}

// ErrNotAllowed is wrapped by every refusal of the allow-list.
var ErrNotAllowed = errors.New("kibana-mcp only reads Elasticsearch: this request is not on its allow-list and was not sent")

// allowedParams are the query parameters any allowed request may carry;
// none of them changes anything.
var allowedParams = map[string]bool{
	"format": true, "filter_path": true, "fields": true, "include_unmapped": true, "ignore_unavailable": true,
	"allow_no_indices": true, "expand_wildcards": true, "_source": true, "_source_includes": true,
	"_source_excludes": true, "drop_null_columns": true, "columnar": true, "size": true,
}

// Allowed reports whether r may be sent: one of
//
//	POST     /_query
//	GET      /_resolve/index/{pattern}
//	GET|POST /{index}/_field_caps
//	GET      /{index}/_doc/{id}
//	POST     /{index}/_search
//
// with only read parameters. The decision reads the escaped path exactly as
// it goes on the wire: dot segments, empty segments, encoded dots, slashes
// and backslashes are refused outright, so no path can be resolved (by
// Elasticsearch or a proxy in front of it) into another.
func Allowed(r *Request) error {
	refuse := func(why string) error {
		return fmt.Errorf("%w (%s %s: %s)", ErrNotAllowed, r.Method, r.Path, why)
	}
	p := r.Path
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return refuse("the path must start with a single /")
	}
	if strings.ContainsFunc(p, func(c rune) bool { return unicode.IsControl(c) || c == '\\' || c == '?' || c == '#' || c == ' ' }) {
		return refuse("the path has characters no allowed path has")
	}
	lower := strings.ToLower(p)
	for _, bad := range []string{"%2e", "%2f", "%5c", "%00", "%25", "//"} {
		if strings.Contains(lower, bad) {
			return refuse("the path has an encoded dot, slash or backslash, or an empty segment")
		}
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			return refuse("the path has an empty or dot segment")
		}
	}
	for name := range r.Query {
		if !allowedParams[name] {
			return refuse("query parameter " + name + " is not allowed")
		}
	}
	m := r.Method
	switch {
	case len(segs) == 1 && segs[0] == "_query" && m == http.MethodPost:
		return nil
	case len(segs) == 3 && segs[0] == "_resolve" && segs[1] == "index" && m == http.MethodGet && validTarget(segs[2]):
		return nil
	case len(segs) == 2 && segs[1] == "_field_caps" && (m == http.MethodGet || m == http.MethodPost) && validTarget(segs[0]):
		return nil
	case len(segs) == 3 && segs[1] == "_doc" && m == http.MethodGet && validTarget(segs[0]):
		return nil
	case len(segs) == 2 && segs[1] == "_search" && m == http.MethodPost && validTarget(segs[0]):
		return nil
	}
	return refuse("only POST /_query, GET /_resolve/index/{pattern}, GET|POST /{index}/_field_caps, GET /{index}/_doc/{id} and POST /{index}/_search are sent")
}

// validTarget is an index name, pattern or comma-separated list of them,
// never an API endpoint (those start with _).
func validTarget(s string) bool {
	if s == "" || strings.HasPrefix(s, "_") || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return false
	}
	for part := range strings.SplitSeq(s, ",") {
		if part == "" || strings.HasPrefix(part, "_") {
			return false
		}
	}
	return true
}

// Target escapes an index pattern for a path segment. Commas and stars
// stay as they are (Elasticsearch reads them in patterns); anything that
// would change the path's shape is refused by Allowed anyway.
func Target(pattern string) string {
	return strings.NewReplacer("%2C", ",", "%2A", "*").Replace(url.PathEscape(pattern))
}
