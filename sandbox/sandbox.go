// Package sandbox is a simulated Kibana: the HTTP API of every operation
// kibana-mcp serves, with state kept in memory, so the server can be tried,
// demonstrated and tested without a Kibana. It knows HTTP and Kibana's
// documents, never the server's tools.
//
// What a client sees is Kibana's behaviour where it matters: credentials
// required (401 in Kibana's format otherwise), kbn-xsrf required on writes,
// spaces by /s/{space} prefix with their own data, Kibana-style 400s that
// name the field, 404 for unknown routes and objects, 409 for stale
// versions.
//
// Behind it is a read-only Elasticsearch holding the story's raw events in
// ECS data streams and the spaces' alerts (elasticsearch.go,
// events_seed.go): served by (*Kibana).Elasticsearch, and by this handler
// under the path prefix /_es with the same credentials; Kibana's Agent
// Builder tools and console proxy read it too.
package sandbox

import (
	"crypto/subtle"
	"encoding/base64"
	"github.com/kibana-mcp/kibana-mcp/sandbox/esql"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config says which credentials the sandbox accepts and how its data is
// seeded.
type Config struct {
	APIKey   string // accepted as "Authorization: ApiKey <key>"
	Username string // with Password: accepted as HTTP Basic
	Password string
	Seed     int64 // the same seed gives the same data
	// Now is the sandbox's clock; time.Now when nil. Tests pin it.
	Now func() time.Time
	// Version, when set, is the Kibana version the sandbox plays (its
	// /api/status says so); Serverless plays a serverless project.
	Version    string
	Serverless bool
	// RouteAvailable, when set, says whether the Kibana played has a
	// route (method, API path without a space prefix); a route it lacks
	// answers Kibana's generic 404. The sandbox knows no versions itself:
	// whoever picks Version and Serverless says what they lack.
	RouteAvailable func(method, path string) bool
}

// Kibana is the simulated Kibana. It is an http.Handler and safe for
// concurrent use.
type Kibana struct {
	cfg    Config
	routes []route

	mu      sync.Mutex
	spaces  map[string]*space // by space ID
	nextID  uint64
	es      *esCluster        // the story's event data streams (elasticsearch.go)
	esBuild func() *esCluster // builds es on first use
	esql    esql.Cache        // the indices as the ES|QL engine made them, between queries
	streams *streamsState     // Kibana-wide, not per space (streams.go)
}

// New builds a sandbox seeded with its security-operations story.
func New(cfg Config) *Kibana {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	k := &Kibana{cfg: cfg, spaces: map[string]*space{}}
	k.routes = k.allRoutes()
	k.seed()
	k.seedEvents()
	return k
}

// ServeHTTP answers one API request.
func (k *Kibana) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if path, ok := esPrefixed(r.URL.EscapedPath()); ok {
		k.serveESPrefixed(w, r, path)
		return
	}
	if !k.authorized(r) {
		writeError(w, http.StatusUnauthorized, "[security_exception]: unable to authenticate user for REST request ["+r.URL.Path+"]")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get("kbn-xsrf") == "" {
		writeError(w, http.StatusBadRequest, "Request must contain a kbn-xsrf header.")
		return
	}
	spaceID, path := splitSpace(r.URL.EscapedPath())
	k.mu.Lock()
	sp := k.spaces[spaceID]
	routeAvailable := k.cfg.RouteAvailable
	k.mu.Unlock()
	if sp == nil {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	rt, params, allowed := k.match(r.Method, path)
	if rt != nil && routeAvailable != nil && !routeAvailable(r.Method, path) {
		rt, allowed = nil, false
	}
	if rt == nil {
		if allowed {
			writeError(w, http.StatusMethodNotAllowed, "Method Not Allowed")
			return
		}
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	c := &call{k: k, w: w, r: r, space: sp, spaceID: spaceID, params: params}
	if err := c.readBody(); err != nil {
		c.badRequest(err.Error())
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	rt.handle(c)
}

// Play makes the sandbox play another Kibana from now on, as an upgrade
// in place would (its data stays): Version, Serverless and RouteAvailable
// as in Config.
func (k *Kibana) Play(version string, serverless bool, routeAvailable func(method, path string) bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cfg.Version, k.cfg.Serverless, k.cfg.RouteAvailable = version, serverless, routeAvailable
}

// authorized checks the request's credentials against the configured ones,
// in constant time.
func (k *Kibana) authorized(r *http.Request) bool {
	got := r.Header.Get("Authorization")
	if k.cfg.APIKey != "" && equal(got, "ApiKey "+k.cfg.APIKey) {
		return true
	}
	if k.cfg.Username != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(k.cfg.Username+":"+k.cfg.Password))
		if equal(got, want) {
			return true
		}
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// splitSpace takes a /s/{space} prefix off an escaped path.
func splitSpace(path string) (spaceID, rest string) {
	after, ok := strings.CutPrefix(path, "/s/")
	if !ok {
		return "default", path
	}
	id, rest, _ := strings.Cut(after, "/")
	return id, "/" + rest
}

// newID returns a fresh identifier in Kibana's UUID shape.
func (k *Kibana) newID() string {
	k.nextID++
	n := k.nextID
	return uuidFrom(uint64(k.cfg.Seed)*0x9e3779b97f4a7c15 ^ n)
}

func (k *Kibana) now() string { return k.cfg.Now().UTC().Format("2006-01-02T15:04:05.000Z") }
