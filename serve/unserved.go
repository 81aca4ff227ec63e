package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// A call of a tool this server does not serve gets, wherever it comes from
// (tools/call, call_tool, the call sub-command), why not and how to serve
// it; a name that exists nowhere gets the closest names instead.

// Unserved says why the tool name cannot be called under opts: it is left
// out by read-only mode, excluded, or in a toolset not selected; or it
// exists nowhere, and the closest names are suggested. It is meant for
// names the server does not serve.
func Unserved(cat *operation.Catalog, opts Options, name string) string {
	if opts.Kibana != nil {
		opts.Selection.Kibana = opts.Kibana.Info() // as known now
	}
	if opts.Withheld != nil {
		opts.Selection.Unavailable = opts.Withheld.Map() // as withheld now
	}
	sel := opts.Selection
	if name == RawRequest.Name {
		if opts.AllowRaw {
			return fmt.Sprintf("tool %q is not served in this mode", name)
		}
		return fmt.Sprintf("tool %q is not served: start the server with --allow-raw-requests to serve it", name)
	}
	op, ok := cat.Lookup(name)
	if !ok {
		return fmt.Sprintf("no tool %q; did you mean %s?", name, orList(Closest(name, allToolNames(cat), 3)))
	}
	if _, _, ok := cat.Available(op, sel.Kibana); !ok {
		return fmt.Sprintf("tool %q is not served: %s", name, NotOnKibana(cat, op, sel.Kibana))
	}
	if why, out := sel.Unavailable[name]; out {
		return fmt.Sprintf("tool %q is not served: %s", name, why)
	}
	switch {
	case sel.ReadOnly && !op.ReadOnly():
		return fmt.Sprintf("tool %q changes Kibana and is not served in read-only mode (--read-only leaves out tools that change Kibana)", name)
	case slices.Contains(sel.Exclude, name):
		return fmt.Sprintf("tool %q is excluded by --exclude-tools", name)
	}
	if reach, err := Reachable(cat, opts); err == nil && reach(name) {
		switch {
		case opts.ToolSearch:
			return fmt.Sprintf("tool %q is reached through call_tool: call_tool {\"name\": %q, \"arguments\": {…}}", name, name)
		case opts.DynamicToolsets:
			return fmt.Sprintf("tool %q is in the %s toolset, not enabled in this session: enable it with enable_toolset {\"toolset\": %q}", name, op.Toolset, op.Toolset)
		}
	}
	return fmt.Sprintf("tool %q is not in the selected toolsets: it is in the %s toolset; serve it with --toolsets %s (adding to the toolsets served) or --tools %s", name, op.Toolset, op.Toolset, name)
}

// ExplainUnserved makes a tools/call of a tool the server does not have
// answer with Unserved's explanation instead of mcp-go's bare "tool 'x' not
// found". mcp-go looks tools up before any middleware runs, so this is a
// request hook: it answers (as an invalid request, the one error code a
// hook can give) only when mcp-go would have found no tool.
func ExplainUnserved(hooks *server.Hooks, cat *operation.Catalog, opts Options) {
	hooks.AddOnRequestInitialization(func(ctx context.Context, _ any, message any) error {
		raw, ok := message.(json.RawMessage)
		if !ok || !bytes.Contains(raw, []byte(mcp.MethodToolsCall)) {
			return nil
		}
		var req struct {
			Method string `json:"method"`
			Params struct {
				Name string `json:"name"`
			} `json:"params"`
		}
		if json.Unmarshal(raw, &req) != nil || req.Method != string(mcp.MethodToolsCall) || req.Params.Name == "" {
			return nil
		}
		s := server.ServerFromContext(ctx)
		if s == nil {
			return nil
		}
		if s.GetTool(req.Params.Name) != nil {
			if op, ok := cat.Lookup(req.Params.Name); ok && opts.Kibana != nil {
				// Registered for any Kibana: is it on this one now
				// (reading it again first when that is due)?
				if _, _, ok := cat.Available(op, opts.Kibana.Current(ctx)); !ok {
					return errors.New(Unserved(cat, opts, req.Params.Name))
				}
			}
			if _, out := opts.Withheld.Why(req.Params.Name); out {
				return errors.New(Unserved(cat, opts, req.Params.Name))
			}
			d, isDynamic := dynamics.Load(s)
			if !isDynamic || d.(*dynamic).visible(ctx, req.Params.Name) {
				return nil // served
			}
			// Registered, but this caller has not enabled its toolset.
		}
		if sess, ok := server.ClientSessionFromContext(ctx).(server.SessionWithTools); ok {
			if _, mine := sess.GetSessionTools()[req.Params.Name]; mine {
				return nil
			}
		}
		return errors.New(Unserved(cat, opts, req.Params.Name))
	})
}

// SelectionWarnings are what start-up should say about a selection that
// asks for something it will not get: a tool named with --tools that
// read-only mode or --exclude-tools leaves out.
func SelectionWarnings(cat *operation.Catalog, sel Selection) []string {
	var out []string
	for _, name := range sel.Tools {
		op, ok := cat.Lookup(name)
		switch {
		case !ok:
		case sel.Unavailable[name] != "":
			out = append(out, fmt.Sprintf("--tools %s: not served: %s", name, sel.Unavailable[name]))
		case sel.ReadOnly && !op.ReadOnly():
			out = append(out, fmt.Sprintf("--tools %s: %s changes Kibana and is not served in read-only mode", name, name))
		case slices.Contains(sel.Exclude, name):
			out = append(out, fmt.Sprintf("--tools %s: %s is also in --exclude-tools, and exclusion wins: it is not served", name, name))
		}
	}
	return out
}

func allToolNames(cat *operation.Catalog) []string {
	names := sortedNames(cat.All())
	return append(names, RawRequest.Name)
}

// Closest returns the n candidates nearest to name: fewest edits, with
// each word (split at _) the two share, singular or plural, counting as
// three edits saved.
func Closest(name string, candidates []string, n int) []string {
	type scored struct {
		name  string
		score int
	}
	words := nameWords(name)
	var all []scored
	for _, c := range candidates {
		score := editDistance(name, c)
		for _, w := range nameWords(c) {
			if slices.Contains(words, w) {
				score -= 3
			}
		}
		all = append(all, scored{c, score})
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		if a.score != b.score {
			return a.score - b.score
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.name)
	}
	return out
}

func nameWords(name string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == '-' || r == ' ' }) {
		words = append(words, strings.TrimSuffix(w, "s"))
	}
	return words
}

// editDistance is the Levenshtein distance between a and b, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// NotOnKibana says plainly that kib lacks op's API and why, e.g. `this
// Kibana (8.15.2) has no "Find attack discovery schedules" API (GET
// /api/attack_discovery/schedules/_find); it arrived in 9.2`. It is meant
// for operations kib cannot serve.
func NotOnKibana(cat *operation.Catalog, op *operation.Operation, kib KibanaInfo) string {
	kind, why, _ := cat.Available(op, kib)
	switch kind {
	case operation.ReasonServerless:
		why = "serverless projects do not have it"
	case "":
		why = "it may be too old or too new for it"
	default:
		why = "it " + why
	}
	return fmt.Sprintf("this Kibana (%s) has no %q API (%s %s); %s", kib, op.Title, op.Method, op.Path, why)
}
