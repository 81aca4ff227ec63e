package serve

import (
	"context"
	"maps"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Withheld is Selection.Unavailable kept fresh: the tools the deployment
// cannot run now, with why, which can change while serving (the data
// tools follow the path to Elasticsearch, chosen again when Kibana
// changes). Given in Options, every selected tool is registered; those
// withheld are left out of each list and refused with their reason, and
// sessions are told when the set changes. Safe for concurrent use.
type Withheld struct {
	mu       sync.RWMutex
	why      map[string]string
	onChange []func()
}

// NewWithheld withholds the tools of why (tool name → reason).
func NewWithheld(why map[string]string) *Withheld {
	return &Withheld{why: maps.Clone(why)}
}

// Why says why tool is withheld; "" and false when it is not.
func (w *Withheld) Why(tool string) (string, bool) {
	if w == nil {
		return "", false
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	why, ok := w.why[tool]
	return why, ok
}

// Map is a copy of what is withheld now.
func (w *Withheld) Map() map[string]string {
	if w == nil {
		return nil
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	return maps.Clone(w.why)
}

// Set withholds the tools of why instead, and tells the listeners when
// that changes which tools are withheld (a new reason alone is no change
// a session needs to hear of). It reports whether the set changed.
func (w *Withheld) Set(why map[string]string) bool {
	w.mu.Lock()
	same := len(w.why) == len(why)
	for name := range why {
		if _, ok := w.why[name]; !ok {
			same = false
		}
	}
	w.why = maps.Clone(why)
	listeners := w.onChange
	w.mu.Unlock()
	if !same {
		for _, fn := range listeners {
			fn()
		}
	}
	return !same
}

// OnChange calls fn after each change of the set withheld, outside any
// lock. Register before serving.
func (w *Withheld) OnChange(fn func()) {
	w.mu.Lock()
	w.onChange = append(w.onChange, fn)
	w.mu.Unlock()
}

// followWithheld makes s follow what the runner's Withheld leaves out: a
// tool filter hides it, and the returned follow makes every session told
// when it changes.
func (r *Runner) followWithheld(s *server.MCPServer) (follow func()) {
	server.WithToolFilter(func(_ context.Context, tools []mcp.Tool) []mcp.Tool {
		// One look at the set per list, not a lock per tool.
		out := r.withheld.Map()
		if len(out) == 0 {
			return tools
		}
		kept := tools[:0:0]
		for _, t := range tools {
			if _, withheld := out[t.Name]; !withheld {
				kept = append(kept, t)
			}
		}
		return kept
	})(s)
	return func() {
		r.withheld.OnChange(func() {
			s.SendNotificationToAllClients(string(mcp.MethodNotificationToolsListChanged), nil)
		})
	}
}
