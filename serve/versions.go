package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// RouteOperation finds the operation of cat declared for method and an API
// path ("/api/…", escaped, without a space prefix): the one with fewest
// placeholders when several templates match. nil when none does.
func RouteOperation(cat *operation.Catalog, method, path string) *operation.Operation {
	segs := strings.Split(strings.TrimSuffix(path, "/"), "/")
	var best *operation.Operation
	bestHoles := 0
	for _, op := range cat.All() {
		if op.Method != method {
			continue
		}
		tmpl := strings.Split(op.Path, "/")
		if len(tmpl) != len(segs) {
			continue
		}
		holes, ok := 0, true
		for i, t := range tmpl {
			switch {
			case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
				holes++
				ok = segs[i] != ""
			default:
				ok = t == segs[i]
			}
			if !ok {
				break
			}
		}
		if ok && (best == nil || holes < bestHoles) {
			best, bestHoles = op, holes
		}
	}
	return best
}

// kibanaKnown is what a runner knows of its Kibana: from start-up, or
// learnt from /api/status on the first route-level 404 when start-up could
// not tell.
type kibanaKnown struct {
	mu      sync.Mutex
	info    KibanaInfo
	asked   time.Time // when it was last asked for
	timeout time.Duration
}

// statusRetry bounds how often an unknown Kibana is asked its version.
const statusRetry = 30 * time.Second

// get returns what is known, asking Kibana's status when no version is
// known (at most every statusRetry).
func (k *kibanaKnown) get(ctx context.Context, client *kibana.Client) KibanaInfo {
	k.mu.Lock()
	info, asked := k.info, k.asked
	if info.Version != "" || info.Serverless || (!asked.IsZero() && time.Since(asked) < statusRetry) {
		k.mu.Unlock()
		return info
	}
	k.asked = time.Now()
	k.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()
	resp, err := client.Do(ctx, &kibana.Request{Method: http.MethodGet, Path: "/api/status", Space: "default"})
	if err != nil {
		return info
	}
	var body struct {
		Version struct {
			Number      string `json:"number"`
			BuildFlavor string `json:"build_flavor"`
		} `json:"version"`
	}
	if json.Unmarshal(resp.Body, &body) != nil || body.Version.Number == "" {
		return info
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.info.Version, k.info.Serverless = body.Version.Number, body.Version.BuildFlavor == "serverless"
	return k.info
}

// routeAbsent explains a route-level 404 for op (or, for a raw request,
// the catalogue operation its route is) when this Kibana is known to lack
// it: "" otherwise, and the generic hint applies.
func (r *Runner) routeAbsent(ctx context.Context, op *operation.Operation, req *kibana.Request, err error) string {
	if !kibana.RouteNotFound(err) {
		return ""
	}
	if op == RawRequest && req != nil {
		op = RouteOperation(r.cat, req.Method, req.Path)
	}
	if op == nil {
		return ""
	}
	if _, ok := r.cat.Lookup(op.Name); !ok {
		return ""
	}
	kib := r.kibana.get(ctx, r.client)
	if _, _, ok := r.cat.Available(op, kib); ok {
		return ""
	}
	return fmt.Sprintf("%s: %s.", err.Error(), NotOnKibana(r.cat, op, kib))
}
