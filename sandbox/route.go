package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// route is one API operation of the sandbox: a method and a path template
// whose {name} segments match one path segment each.
type route struct {
	method   string
	segments []string
	handle   func(*call)
}

func newRoute(method, path string, handle func(*call)) route {
	return route{method: method, segments: strings.Split(strings.Trim(path, "/"), "/"), handle: handle}
}

// match finds the route for method and escaped path. allowed reports a path
// that exists with another method.
func (k *Kibana) match(method, path string) (rt *route, params map[string]string, allowed bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := range k.routes {
		candidate := &k.routes[i]
		p, ok := candidate.bind(segs)
		if !ok {
			continue
		}
		if candidate.method == method {
			return candidate, p, true
		}
		allowed = true
	}
	return nil, nil, allowed
}

func (rt *route) bind(segs []string) (map[string]string, bool) {
	if len(segs) != len(rt.segments) {
		return nil, false
	}
	var params map[string]string
	for i, want := range rt.segments {
		if strings.HasPrefix(want, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[strings.Trim(want, "{}")] = v
			continue
		}
		if segs[i] != want {
			return nil, false
		}
	}
	return params, true
}

// call is one request being answered.
type call struct {
	k       *Kibana
	w       http.ResponseWriter
	r       *http.Request
	space   *space
	spaceID string
	params  map[string]string

	body     map[string]any // a JSON object body, nil without one
	rawBody  []byte
	form     *multipart.Form
	answered bool
}

// maxBody bounds what the sandbox reads of a request.
const maxBody = 32 << 20

func (c *call) readBody() error {
	data, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody))
	if err != nil {
		return fmt.Errorf("reading the request body: %v", err)
	}
	c.rawBody = data
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	mt, params, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	switch {
	case mt == "multipart/form-data":
		form, err := multipart.NewReader(bytes.NewReader(data), params["boundary"]).ReadForm(maxBody)
		if err != nil {
			return fmt.Errorf("[request body]: malformed multipart form: %v", err)
		}
		c.form = form
	case mt == "application/json" || mt == "":
		var v any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("[request body]: expected a JSON value: %v", err)
		}
		if m, ok := v.(map[string]any); ok {
			c.body = m
		}
	case mt == "application/zip" || mt == "application/gzip":
		// An archive (Fleet package upload): its handler reads c.rawBody.
	default:
		return fmt.Errorf("Unsupported Media Type: %s", mt)
	}
	return nil
}

// param is a path parameter.
func (c *call) param(name string) string { return c.params[name] }

// query returns a query parameter ("" when absent).
func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

// queryAll returns every value of a repeated query parameter, also
// accepting Kibana's comma-free JSON array form ("[\"a\",\"b\"]").
func (c *call) queryAll(name string) []string {
	vals := c.r.URL.Query()[name]
	if len(vals) == 1 && strings.HasPrefix(vals[0], "[") {
		var list []string
		if json.Unmarshal([]byte(vals[0]), &list) == nil {
			return list
		}
	}
	return vals
}

// queryInt reads an integer query parameter within [min, max], answering
// Kibana's 400 otherwise. ok is false when the call was answered.
func (c *call) queryInt(name string, def, min, max int) (int, bool) {
	s := c.query(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		c.badRequest(fmt.Sprintf("[request query.%s]: expected an integer from %d to %d but got %q", name, min, max, s))
		return 0, false
	}
	return n, true
}

// requireBody answers 400 unless the request carried a JSON object.
func (c *call) requireBody() bool {
	if c.body == nil {
		c.badRequest("[request body]: expected a plain object value, but found [null] instead.")
		return false
	}
	return true
}

func (c *call) json(status int, v any) {
	c.answered = true
	writeJSON(c.w, status, v)
}

func (c *call) ok(v any) { c.json(http.StatusOK, v) }

func (c *call) noContent() {
	c.answered = true
	c.w.WriteHeader(http.StatusNoContent)
}

func (c *call) badRequest(msg string) { c.answered = true; writeError(c.w, http.StatusBadRequest, msg) }
func (c *call) notFound(msg string)   { c.answered = true; writeError(c.w, http.StatusNotFound, msg) }
func (c *call) conflict(msg string)   { c.answered = true; writeError(c.w, http.StatusConflict, msg) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// writeError answers in Kibana's error format.
func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"statusCode": status, "error": http.StatusText(status), "message": msg})
	w.Write(b)
}

// uuidFrom renders 64 bits as a version-4-shaped UUID, deterministically.
func uuidFrom(n uint64) string {
	x := n * 0xbf58476d1ce4e5b9
	y := (n ^ 0x94d049bb133111eb) * 0x2545f4914f6cdd1d
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", uint32(x>>32), uint16(x>>16), uint16(x)&0xfff, uint16(y>>48)&0xfff, y&0xffffffffffff)
}
