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
}

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
		if !in || slices.Contains(s.Exclude, op.Name) || (s.ReadOnly && !op.ReadOnly()) {
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
