package sandbox

import (
	"fmt"
	"net/url"
	"strings"
)

// Kibana's console proxy, POST /api/console/proxy?path=<es path>&method=<m>:
// an internal API that forwards a request to Elasticsearch and answers
// with Elasticsearch's status and body. The sandbox forwards only the
// routes its Elasticsearch side serves (elasticsearch.go) with the methods
// they allow; anything else (PUT, DELETE, _bulk, _update_by_query, _doc
// writes, paths with dot segments or encoded slashes) is refused with a
// 400 in Kibana's format before it reaches Elasticsearch.

func (k *Kibana) consoleRoutes() []route {
	return []route{newRoute("POST", "/api/console/proxy", k.consoleProxy)}
}

func (k *Kibana) consoleProxy(c *call) {
	method := strings.ToUpper(c.query("method"))
	rawPath := c.query("path")
	switch method {
	case "HEAD", "GET", "POST", "PUT", "DELETE", "PATCH":
	case "":
		c.badRequest("[request query.method]: expected value of type [string] but got [undefined]")
		return
	default:
		c.badRequest(fmt.Sprintf("[request query.method]: types that failed validation:\n- [request query.method.0]: expected value to equal [HEAD]\n- ... (got [%s])", c.query("method")))
		return
	}
	if rawPath == "" {
		c.badRequest("[request query.path]: expected value of type [string] but got [undefined]")
		return
	}
	refuse := func(why string) {
		c.badRequest(fmt.Sprintf("Method [%s] and path [%s] are not allowed through the sandbox's console proxy: %s. It forwards only POST /_query, GET /_resolve/index/{name}, GET|POST /{index}/_field_caps, GET /{index}/_doc/{id} and GET|POST /{index}/_search.", method, rawPath, why))
	}
	if !strings.HasPrefix(rawPath, "/") {
		rawPath = "/" + rawPath
	}
	u, err := url.Parse(rawPath)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Fragment != "" {
		refuse("the path is not a plain Elasticsearch path")
		return
	}
	esc := u.EscapedPath()
	low := strings.ToLower(esc)
	if strings.Contains(esc, "//") || strings.Contains(low, "%2f") || strings.Contains(low, "%5c") || strings.Contains(low, "%2e") {
		refuse("the path has empty, encoded or dot segments")
		return
	}
	segs, ok := esSegments(esc)
	if !ok {
		refuse("the path has empty, encoded or dot segments")
		return
	}
	allow, handle := k.esRoute(segs)
	permitted := false
	for _, m := range allow {
		if m == method {
			permitted = true
		}
	}
	if handle == nil || !permitted {
		refuse("the sandbox's Elasticsearch is read-only")
		return
	}
	a := k.esServe(esRequest{method: method, path: esc, query: u.Query(), body: c.rawBody})
	for _, w := range a.warning {
		c.w.Header().Add("Warning", fmt.Sprintf("299 Elasticsearch-%s %q", esVersion, w))
	}
	c.json(a.status, a.body)
}
