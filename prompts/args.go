package prompts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// argument is one prompt argument. Names are part of the interface: other
// packages complete values for them by name, so keep them stable.
type argument struct {
	name, description string
	required          bool
	// valid returns the rule a trimmed, non-empty value breaks, or "".
	valid func(v string) string
}

// Kibana's own enums, as the tools accept them.
var (
	severities = []string{"low", "medium", "high", "critical"}
	owners     = []string{"cases", "observability", "securitySolution"}
)

// validSpaceID is the rule the tools' space_id argument has: a value that
// breaks it would fail on the first call, so the prompt refuses it up front.
// (Not a regexp: `{1,255}` compiles to a program hundreds of states long,
// milliseconds of every start-up.)
func validSpaceID(v string) bool { return len(v) <= 255 && kibana.ValidSpaceID(v) }

func oneOf(values []string) func(string) string {
	return func(v string) string {
		if slices.Contains(values, v) {
			return ""
		}
		return "must be one of " + strings.Join(values, ", ")
	}
}

// noSpaces refuses values with spaces or quotes: a host name goes into KQL
// and query DSL the plan spells out, where either would change the query.
func noSpaces(v string) string {
	if strings.ContainsAny(v, " \t\"'\\") {
		return "must be one name, without spaces or quotes"
	}
	return ""
}

var (
	caseIDArg = argument{name: "caseId", description: "ID of the case", required: true}
	spaceArg  = argument{name: "space_id", description: "Kibana space, if not the default",
		valid: func(v string) string {
			if validSpaceID(v) {
				return ""
			}
			return "must be a Kibana space id: up to 255 lowercase letters, digits, _ and -"
		}}
)

// check returns the arguments trimmed, with every declared name present
// ("" when an optional one was left out, as forms send blank fields), or an
// error naming the argument and its rule. Unknown names are refused so a
// misspelt filter is not silently dropped from the plan.
func check(prompt string, spec []argument, raw map[string]string) (map[string]string, error) {
	for name := range raw {
		if !slices.ContainsFunc(spec, func(a argument) bool { return a.name == name }) {
			names := make([]string, len(spec))
			for i, a := range spec {
				names[i] = a.name
			}
			return nil, fmt.Errorf("prompt %s: unknown argument %q; it takes %s", prompt, name, strings.Join(names, ", "))
		}
	}
	out := make(map[string]string, len(spec))
	for _, a := range spec {
		given, ok := raw[a.name]
		v := strings.TrimSpace(given)
		switch {
		case a.required && !ok:
			return nil, fmt.Errorf("prompt %s: argument %q is required (%s)", prompt, a.name, a.description)
		case a.required && v == "":
			return nil, fmt.Errorf("prompt %s: argument %q must not be empty or whitespace", prompt, a.name)
		case v != "" && a.valid != nil:
			if rule := a.valid(v); rule != "" {
				return nil, fmt.Errorf("prompt %s: argument %q %s; got %q", prompt, a.name, rule, v)
			}
		}
		out[a.name] = v
	}
	return out, nil
}
