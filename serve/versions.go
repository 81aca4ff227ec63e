package serve

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

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
	kib := r.kib.Recheck(ctx)
	if _, _, ok := r.cat.Available(op, kib); ok {
		return ""
	}
	return fmt.Sprintf("%s: %s.", err.Error(), NotOnKibana(r.cat, op, kib))
}

// availableOn reports whether kib can serve op (the machinery's own raw
// request tool: always).
func (r *Runner) availableOn(op *operation.Operation, kib KibanaInfo) bool {
	if op == RawRequest {
		return true
	}
	_, _, ok := r.cat.Available(op, kib)
	return ok
}

// watchKibana makes s follow the Kibana as the runner's watch learns it:
// a tool filter shows each caller the tools this Kibana can serve now
// (reading it again first when that is due), and the returned follow
// makes every session told when a change of Kibana changes that.
func (r *Runner) watchKibana(s *server.MCPServer) (follow func()) {
	server.WithToolFilter(func(ctx context.Context, tools []mcp.Tool) []mcp.Tool {
		kib := r.kib.Current(ctx)
		if !kib.Known() {
			return tools // an unknown Kibana leaves out nothing
		}
		// mcp-go hands every filter a slice of its own making: kept in
		// place, and a tool (half a kilobyte) moved only once one before
		// it has gone.
		kept := tools[:0]
		for i := range tools {
			if op, ok := r.cat.Lookup(tools[i].Name); ok && !r.availableOn(op, kib) {
				continue
			}
			if len(kept) < i {
				kept = append(kept, tools[i])
			} else {
				kept = kept[:i+1]
			}
		}
		return kept
	})(s)
	return func() {
		r.kib.OnChange(func(was, now KibanaInfo) {
			for _, op := range r.cat.All() {
				if r.registered(op.Name) && r.availableOn(op, was) != r.availableOn(op, now) {
					s.SendNotificationToAllClients(string(mcp.MethodNotificationToolsListChanged), nil)
					return
				}
			}
		})
	}
}
