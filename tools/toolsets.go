package tools

import (
	"fmt"
	"slices"
	"strings"
)

// Toolset is one API area. Every operation names its toolset, and the
// server serves whole toolsets (plus or minus single tools), so a model pays
// in context only for the areas the user works in.
type Toolset struct {
	Name        string
	Description string // one line, shown by list_toolsets and `kibana-mcp tools`
	// Default toolsets are served when no --toolsets is given: what a triage
	// analyst needs every day.
	Default bool
}

// Toolsets is the catalogue, in display order. A toolset can be listed
// before its first operation lands; naming it then serves nothing.
var Toolsets = []Toolset{
	{"cases", "Security and observability cases: find, read, comment, attach alerts and files, update, push.", true},
	{"alerting", "Alerting rules: find, read, mute, snooze, enable and disable them.", true},
	{"connectors", "Connectors to external systems: list, read and run them.", true},
	{"detections", "Detection alerts and rules: search alerts, set their status, tags and assignees.", true},
	{"spaces", "Kibana spaces: which exist and what they hold.", true},
	{"endpoint", "Endpoint response actions: isolate hosts, kill processes, get files.", false},
	{"fleet", "Fleet agents, policies, outputs and integration packages.", false},
	{"apm", "APM services, agent configuration, keys and source maps.", false},
	{"data_views", "Data views and their runtime fields.", false},
	{"security", "Kibana security roles.", false},
	{"dashboards", "Dashboards.", false},
	{"ml", "Machine learning job and model synchronisation.", false},
	{"ai_assistant", "Security AI assistant anonymisation fields and knowledge base.", false},
	{"detection_rules", "Detection rule lifecycle: create, change, enable, bulk edit, export, import, prebuilt rules.", false},
	{"exceptions", "Exception lists and items, and the value lists they match against.", false},
	{"saved_objects", "Saved objects: get, find, create, update, bulk, export and import.", false},
	{"timelines", "Investigation timelines, their notes and pinned events.", false},
	{"osquery", "Osquery live queries on hosts, their results, packs and saved queries.", false},
	{"entity_analytics", "Asset criticality, entity risk scores, the entity store and privileged user monitoring.", false},
	{"attack_discovery", "Attack discovery: generate, find and dismiss discoveries; their schedules.", false},
}

// LookupToolset finds a toolset of the catalogue by name.
func LookupToolset(name string) (Toolset, bool) {
	i := slices.IndexFunc(Toolsets, func(t Toolset) bool { return t.Name == name })
	if i < 0 {
		return Toolset{}, false
	}
	return Toolsets[i], true
}

// CountInToolset is how many operations a toolset has.
func CountInToolset(name string) int {
	n := 0
	for _, op := range All() {
		if op.Toolset == name {
			n++
		}
	}
	return n
}

// ToolsetNames lists the catalogue's names, in display order.
func ToolsetNames() []string {
	names := make([]string, len(Toolsets))
	for i, t := range Toolsets {
		names[i] = t.Name
	}
	return names
}

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

// Select returns the operations s serves, in registry order. An unknown
// toolset name is an error naming it and listing the toolsets; an unknown
// tool name, one naming the closest tools.
func Select(ops []*Operation, s Selection) ([]*Operation, error) {
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
			if _, ok := LookupToolset(name); !ok {
				return nil, fmt.Errorf("unknown toolset %q; did you mean %s? valid toolsets: all, default, %s", name, orList(Closest(name, ToolsetNames(), 1)), strings.Join(ToolsetNames(), ", "))
			}
			wantSet[name] = true
		}
	}
	byName := make(map[string]*Operation, len(ops))
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
	var selected []*Operation
	for _, op := range ops {
		in := all || wantSet[op.Toolset] || slices.Contains(s.Tools, op.Name)
		if !in && defaults && !op.Admin {
			ts, _ := LookupToolset(op.Toolset)
			in = ts.Default
		}
		if !in || slices.Contains(s.Exclude, op.Name) || (s.ReadOnly && !op.ReadOnly()) {
			continue
		}
		selected = append(selected, op)
	}
	return selected, nil
}

func sortedNames(ops []*Operation) []string {
	names := make([]string, len(ops))
	for i, op := range ops {
		names[i] = op.Name
	}
	slices.Sort(names)
	return names
}
