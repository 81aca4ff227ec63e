package tools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// confirmID keys the confirmation among a call's input requests.
const confirmID = "confirm"

// confirmation asks the user to approve a destructive call before it
// leaves, when the client can ask (MCP elicitation). It returns nil to go
// ahead, or the result to return instead: the question, or word that the
// user declined and nothing was changed.
//
// The question travels as an input-required result (multi round-trip);
// mcp-go turns it into an elicitation/create request for clients of earlier
// protocol versions and calls the handler again with the answer. The
// request state binds the answer to these exact arguments, so an approval
// cannot be replayed for another call.
func (r *Runner) confirmation(ctx context.Context, op *Operation, req *kibana.Request, args map[string]any, roundTrip mcp.MultiRoundTripParams) *mcp.CallToolResult {
	if !r.confirm || !req.Mutates || !isDestructive(op) || !clientCanElicit(ctx) {
		return nil
	}
	state := fingerprint(op.Name, args)
	if answer := server.ElicitationResponse(roundTrip.InputResponses, confirmID); answer != nil && roundTrip.RequestState == state {
		if answer.Action == mcp.ElicitationResponseActionAccept {
			return nil
		}
		return mcp.NewToolResultError(fmt.Sprintf("Not done: the user did not confirm %s (%s). Nothing was changed in Kibana.", op.Name, answer.Action))
	}
	return server.NewInputRequestBuilder(state).Elicit(confirmID, mcp.ElicitationParams{
		Message:         r.summary(op, req, args),
		RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{}},
	}).ToolResult()
}

func isDestructive(op *Operation) bool {
	d := op.Annotations().DestructiveHint
	return d != nil && *d
}

// clientCanElicit reports whether the client declared elicitation, for
// this request (protocol 2026-07-28 on) or for its session (earlier ones).
func clientCanElicit(ctx context.Context) bool {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		return info.ClientCapabilities != nil && info.ClientCapabilities.Elicitation != nil
	}
	if s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok {
		return s.GetClientCapabilities().Elicitation != nil
	}
	return false
}

// fingerprint identifies one call: tool and arguments. encoding/json writes
// map keys sorted, so equal arguments give equal fingerprints.
func fingerprint(name string, args map[string]any) string {
	b, _ := json.Marshal(args)
	sum := sha256.Sum256(append([]byte(name+"\x00"), b...))
	return "confirm:" + hex.EncodeToString(sum[:16])
}

// summary is the one line the user approves: what, where, on which IDs.
func (r *Runner) summary(op *Operation, req *kibana.Request, args map[string]any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Allow %s in space %q: %s %s", op.Name, r.client.SpaceOf(req), req.Method, req.Path)
	if ids := targetIDs(args, 0); len(ids) > 0 {
		shown := ids[:min(len(ids), 5)]
		fmt.Fprintf(&b, " on %s", strings.Join(shown, ", "))
		if len(ids) > len(shown) {
			fmt.Fprintf(&b, " and %d more", len(ids)-len(shown))
		}
	}
	if changes := changedFields(args); len(changes) > 0 {
		fmt.Fprintf(&b, ", setting %s", strings.Join(changes, ", "))
	}
	b.WriteString("?")
	return b.String()
}

// targetIDs collects the values of ID-like arguments (id, ids, caseId, …),
// at the top level and inside lists of objects such as update_cases' cases.
func targetIDs(v any, depth int) []string {
	var ids []string
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if isIDName(k) {
				ids = append(ids, idValues(v[k])...)
			} else if depth < 2 {
				ids = append(ids, targetIDs(v[k], depth+1)...)
			}
		}
	case []any:
		for _, item := range v {
			if m, ok := item.(map[string]any); ok {
				ids = append(ids, targetIDs(m, depth+1)...)
			}
		}
	}
	return ids
}

// isIDName reports whether an argument name holds the ID of what a call
// acts on.
func isIDName(k string) bool {
	if k == SpaceArgument {
		return false
	}
	if k == "id" || k == "ids" {
		return true
	}
	for _, suffix := range []string{"Id", "ID", "_id", "Ids", "IDs", "_ids"} {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}

func idValues(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, item := range v {
			if s, ok := item.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// changedFields names the arguments that are not IDs, versions or the
// space: what the call sets.
func changedFields(args map[string]any) []string {
	seen := map[string]bool{}
	var walk func(m map[string]any)
	walk = func(m map[string]any) {
		for k, v := range m {
			switch {
			case isIDName(k) || k == "version" || k == SpaceArgument:
				// Targets and bookkeeping, not changes.
			case k == "cases" || k == "items":
				if list, ok := v.([]any); ok {
					for _, item := range list {
						if sub, ok := item.(map[string]any); ok {
							walk(sub)
						}
					}
				}
			default:
				seen[k] = true
			}
		}
	}
	walk(args)
	return slices.Sorted(maps.Keys(seen))
}
