package serve

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

// Selection says which operations a server serves. The zero value is the
// default selection.
type Selection struct {
	// Toolsets to serve: names from the catalogue, "all", or "default" (the
	// default toolsets without their Admin tools). Empty means "default".
	Toolsets []string
	Tools    []string // single tools added to the toolsets
	Exclude  []string // single tools removed; exclusion always wins
	ReadOnly bool     // serve only operations that read
	// Kibana is what is known of the Kibana served: operations it cannot
	// serve (too old, removed, not on serverless, a feature it lacks) are
	// left out. The zero value, nothing known, leaves out nothing.
	Kibana KibanaInfo
	// Unavailable leaves out tools the deployment cannot run, whatever was
	// asked for, with the reason a call or a warning gives (the data tools
	// when no path to Elasticsearch was found).
	Unavailable map[string]string
}

// KibanaInfo is what the server knows of its Kibana (operation.KibanaInfo).
type KibanaInfo = operation.KibanaInfo

// Select returns the operations of cat that s serves, in the catalogue's
// order. An unknown toolset name is an error naming it and listing the
// toolsets; an unknown tool name, one naming the closest tools.
func Select(cat *operation.Catalog, s Selection) ([]*operation.Operation, error) {
	ops := cat.All()
	wantSet := map[string]bool{}
	defaults := len(s.Toolsets) == 0
	all := false
	for _, name := range s.Toolsets {
		switch name {
		case "all":
			all = true
		case "default":
			defaults = true
		default:
			if _, ok := cat.Toolset(name); !ok {
				return nil, fmt.Errorf("unknown toolset %q; did you mean %s? valid toolsets: all, default, %s", name, orList(Closest(name, cat.ToolsetNames(), 1)), strings.Join(cat.ToolsetNames(), ", "))
			}
			wantSet[name] = true
		}
	}
	byName := make(map[string]*operation.Operation, len(ops))
	for _, op := range ops {
		byName[op.Name] = op
	}
	for i, list := range [][]string{s.Tools, s.Exclude} {
		for _, name := range list {
			if _, ok := byName[name]; !ok {
				flag := [...]string{"--tools", "--exclude-tools"}[i]
				return nil, fmt.Errorf("%s: unknown tool %q; did you mean %s? (kibana-mcp tools lists them all)", flag, name, orList(Closest(name, sortedNames(ops), 3)))
			}
		}
	}
	var selected []*operation.Operation
	for _, op := range ops {
		in := all || wantSet[op.Toolset] || slices.Contains(s.Tools, op.Name)
		if !in && defaults && !op.Admin {
			ts, _ := cat.Toolset(op.Toolset)
			in = ts.Default
		}
		if _, out := s.Unavailable[op.Name]; out {
			continue
		}
		if !in || slices.Contains(s.Exclude, op.Name) || (s.ReadOnly && !op.ReadOnly()) {
			continue
		}
		if _, _, ok := cat.Available(op, s.Kibana); !ok {
			continue
		}
		selected = append(selected, op)
	}
	return selected, nil
}

func sortedNames(ops []*operation.Operation) []string {
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.Name
	}
	slices.Sort(names)
	return names
}

// Omission is one operation a selection would serve that its Kibana
// cannot: the reason kind (operation.ReasonVersion, …) and why.
type Omission struct {
	Op        *operation.Operation
	Kind, Why string
}

// LeftOut lists the operations s would serve were its Kibana unknown,
// and that this Kibana cannot serve, in catalogue order.
func LeftOut(cat *operation.Catalog, s Selection) []Omission {
	known := s.Kibana
	s.Kibana = KibanaInfo{}
	ops, err := Select(cat, s)
	if err != nil || !known.Known() {
		return nil
	}
	var out []Omission
	for _, op := range ops {
		if kind, why, ok := cat.Available(op, known); !ok {
			out = append(out, Omission{Op: op, Kind: kind, Why: why})
		}
	}
	return out
}

// LeftOutSummary is one line on what LeftOut found: counts by reason and a
// few names ("" when nothing was left out).
func LeftOutSummary(kib KibanaInfo, left []Omission) string {
	if len(left) == 0 {
		return ""
	}
	counts := map[string]int{}
	var kinds []string
	for _, o := range left {
		if counts[o.Kind] == 0 {
			kinds = append(kinds, o.Kind)
		}
		counts[o.Kind]++
	}
	var parts []string
	for _, k := range kinds {
		label := map[string]string{operation.ReasonVersion: "its version lacks them", operation.ReasonServerless: "not on serverless", operation.ReasonFeature: "a feature it lacks"}[k]
		parts = append(parts, fmt.Sprintf("%d: %s", counts[k], label))
	}
	var names []string
	for i, o := range left {
		if i == 4 {
			names = append(names, fmt.Sprintf("… %d more", len(left)-i))
			break
		}
		names = append(names, o.Op.Name+" ("+o.Why+")")
	}
	return fmt.Sprintf("left out %d tools this Kibana (%s) cannot serve (%s): %s", len(left), kib, strings.Join(parts, "; "), strings.Join(names, ", "))
}
