package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// confirmID keys the confirmation among a call's input requests.
const confirmID = "confirm"

// ConfirmMode says what happens before a destructive call leaves.
type ConfirmMode int

const (
	// ConfirmOff sends destructive calls like any other: for unattended
	// agents whose host approves (or does not need to approve) each call.
	ConfirmOff ConfirmMode = iota
	// ConfirmAsk asks the user when the client can be asked, and otherwise
	// trusts the client host's own approval of tool calls.
	ConfirmAsk
	// ConfirmRequire asks the user, and refuses a destructive call that
	// cannot be put to one: on a shared server nobody may delete a case
	// just because their client predates elicitation.
	ConfirmRequire
)

// ParseConfirmMode reads ask, require or off; on and the usual boolean
// spellings are accepted as well (on was ask before require existed).
func ParseConfirmMode(s string) (ConfirmMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ask", "on", "true", "1", "yes":
		return ConfirmAsk, nil
	case "require", "required":
		return ConfirmRequire, nil
	case "off", "false", "0", "no":
		return ConfirmOff, nil
	}
	return ConfirmOff, fmt.Errorf("%q is not one of ask, require, off", s)
}

func (m ConfirmMode) String() string {
	switch m {
	case ConfirmAsk:
		return "ask"
	case ConfirmRequire:
		return "require"
	}
	return "off"
}

// confirmation asks the user to approve a destructive call before it
// leaves. It returns nil to go ahead, or the result to return instead: word
// that the user declined or could not be asked and nothing was changed, or
// (protocol 2026-07-28 on) the question itself.
//
// Clients of 2026-07-28 and later get the question as an input-required
// result and call again with the answer; the request state that comes back
// must be the server's own signature of these exact arguments, for this
// caller, not yet expired and not used before. Older clients are asked
// directly with elicitation/create on their session, bounded by
// confirmTimeout.
func (r *Runner) confirmation(ctx context.Context, op *operation.Operation, req *kibana.Request, input any, args map[string]any, roundTrip mcp.MultiRoundTripParams) *mcp.CallToolResult {
	if r.confirm == ConfirmOff || !req.Mutates || !isDestructive(op) {
		return nil
	}
	modern := server.IsModernRequest(ctx)
	if !clientCanElicit(ctx, modern) || (!modern && server.ServerFromContext(ctx) == nil) {
		if r.confirm == ConfirmRequire {
			return cannotAsk(ctx, op, modern)
		}
		return nil
	}
	if p, ok := input.(operation.Preflighter); ok && !answeredBefore(roundTrip) {
		pctx, cancel := context.WithTimeout(ctx, describeTimeout)
		err := p.Preflight(pctx, r.client, req)
		cancel()
		if err != nil {
			return mcp.NewToolResultError(fmt.Sprintf("Not done, and not asked: %v. Nothing was changed in Kibana.", err))
		}
	}
	if !modern {
		return r.askDirectly(ctx, op, r.question(ctx, op, req, input))
	}
	caller := callerOf(ctx)
	answer := server.ElicitationResponse(roundTrip.InputResponses, confirmID)
	if answer != nil && roundTrip.RequestState != "" {
		switch err := r.states.check(roundTrip.RequestState, op.Name, args, caller, r.now()); {
		case err == nil:
			return declined(op, answer.Action)
		case errors.Is(err, errStateMismatch):
			// Signed for other arguments, or not by us: ask about this call.
		default:
			return mcp.NewToolResultError(fmt.Sprintf("Not done: %v. Nothing was changed in Kibana; call %s again to be asked anew.", err, op.Name))
		}
	}
	state := r.states.issue(op.Name, args, caller, r.now())
	return server.NewInputRequestBuilder(state).Elicit(confirmID, r.question(ctx, op, req, input)).ToolResult()
}

// answeredBefore reports a call that carries the user's answer to an
// earlier question: the preflight ran when that question was asked.
func answeredBefore(roundTrip mcp.MultiRoundTripParams) bool {
	return roundTrip.RequestState != "" && server.ElicitationResponse(roundTrip.InputResponses, confirmID) != nil
}

// cannotAsk is the refusal of ConfirmRequire when the user cannot be asked:
// what happened, why, and what would let the call through.
func cannotAsk(ctx context.Context, op *operation.Operation, modern bool) *mcp.CallToolResult {
	why := "this client did not declare MCP elicitation, so the user cannot be asked"
	fix := "Use a client that supports elicitation or protocol 2026-07-28"
	if s := server.ClientSessionFromContext(ctx); !modern && (s == nil || s.SessionID() == "") {
		// Stateless: no session to send elicitation/create on, whatever the
		// client declared.
		why = "this server keeps no sessions, so it can ask only clients of protocol 2026-07-28 or later, and this client speaks an older one"
		fix = "Use a client of protocol 2026-07-28 or later"
	}
	return mcp.NewToolResultError(fmt.Sprintf("Not done: %s changes or deletes data in Kibana, and this server requires the user's confirmation for that, but %s. "+
		"Nothing was sent to Kibana. %s, or ask the operator to run the server with --confirm-destructive=off for unattended agents.", op.Name, why, fix))
}

// confirmTimeout bounds the wait for a user's answer: a question nobody
// answers must not hold the call (and a shutdown) forever.
const confirmTimeout = 10 * time.Minute

// askDirectly sends elicitation/create and waits for the answer.
func (r *Runner) askDirectly(ctx context.Context, op *operation.Operation, params mcp.ElicitationParams) *mcp.CallToolResult {
	srv := server.ServerFromContext(ctx)
	ctx, cancel := context.WithTimeout(ctx, confirmTimeout)
	defer cancel()
	result, err := srv.RequestElicitation(ctx, mcp.ElicitationRequest{
		Request: mcp.Request{Method: string(mcp.MethodElicitationCreate)},
		Params:  params,
	})
	if err != nil || result == nil {
		return mcp.NewToolResultError(fmt.Sprintf("Not done: %s needs the user's confirmation and none came (%v). Nothing was changed in Kibana.", op.Name, err))
	}
	return declined(op, result.Action)
}

// declined is nil for an approval, else the result saying nothing changed.
func declined(op *operation.Operation, action mcp.ElicitationResponseAction) *mcp.CallToolResult {
	if action == mcp.ElicitationResponseActionAccept {
		return nil
	}
	return mcp.NewToolResultError(fmt.Sprintf("Not done: the user did not confirm %s (%s). Nothing was changed in Kibana.", op.Name, action))
}

func isDestructive(op *operation.Operation) bool { return op.Destructive() }

// clientCanElicit reports whether the client declared elicitation, for
// this request (protocol 2026-07-28 on) or for its session (earlier ones).
func clientCanElicit(ctx context.Context, modern bool) bool {
	if modern {
		info := server.RequestProtocolInfoFromContext(ctx)
		return info.ClientCapabilities != nil && info.ClientCapabilities.Elicitation != nil
	}
	if s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok {
		return s.GetClientCapabilities().Elicitation != nil
	}
	return false
}

// question is what the user approves, in one line built from the request
// that will be sent: tool and space, then what the call does. An input that
// knows better (the case's title, say) describes itself; otherwise it is
// the method, path and query (IDs in them already escaped), the hosts or
// objects a JSON body names and the values it sets. Values the model chose
// are quoted and shortened, so they cannot pose as the server's own words.
func (r *Runner) question(ctx context.Context, op *operation.Operation, req *kibana.Request, input any) mcp.ElicitationParams {
	return mcp.ElicitationParams{
		Message:         r.summary(ctx, op, req, input),
		RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{}},
	}
}

// describeTimeout bounds the reads a question makes: a slow Kibana must not
// keep the user from being asked.
const describeTimeout = 5 * time.Second

func (r *Runner) summary(ctx context.Context, op *operation.Operation, req *kibana.Request, input any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in space %q: ", op.Name, r.client.SpaceOf(req))
	if d, ok := input.(operation.Describer); ok {
		dctx, cancel := context.WithTimeout(ctx, describeTimeout)
		defer cancel()
		if text := d.Describe(dctx, r.client, req); text != "" {
			b.WriteString(text + ". Allow?")
			return b.String()
		}
	}
	fmt.Fprintf(&b, "%s %s", req.Method, operation.Shorten(req.Path, 200))
	if len(req.Query) > 0 {
		b.WriteString("?" + operation.Shorten(req.Query.Encode(), 200))
	}
	var body map[string]any
	if req.ContentType == "" && json.Unmarshal(req.Body, &body) == nil {
		if hosts, ok := body[r.cat.HostIDs].([]any); r.cat.HostIDs != "" && ok && len(hosts) > 0 {
			b.WriteString(" on hosts " + r.hostNames(ctx, req, hosts))
		}
		if ids := bodyIDs(body, r.cat.HostIDs); len(ids) > 0 {
			shown := ids[:min(len(ids), 5)]
			b.WriteString(" for " + strings.Join(shown, ", "))
			if len(ids) > len(shown) {
				fmt.Fprintf(&b, " and %d more", len(ids)-len(shown))
			}
		}
		if fields := bodyFields(body); len(fields) > 0 {
			b.WriteString(", setting " + strings.Join(fields, ", "))
		}
	}
	b.WriteString(". Allow?")
	return b.String()
}

// maxNamedHosts bounds the agent reads one question makes.
const maxNamedHosts = 5

// hostNames names the hosts behind host (agent) IDs as the catalogue names
// them (HostName); an ID it cannot name is shown as it is.
func (r *Runner) hostNames(ctx context.Context, req *kibana.Request, ids []any) string {
	names := make([]string, 0, min(len(ids), maxNamedHosts))
	for i, v := range ids {
		id, _ := v.(string)
		if i == maxNamedHosts {
			break
		}
		name := operation.Quoted(id)
		if id != "" && r.cat.HostName != nil {
			rctx, cancel := context.WithTimeout(ctx, describeTimeout)
			host := r.cat.HostName(rctx, r.client, req.Space, id)
			cancel()
			if host != "" {
				name = host
			}
		}
		names = append(names, name)
	}
	text := strings.Join(names, ", ")
	if len(ids) > len(names) {
		text += fmt.Sprintf(" and %d more", len(ids)-len(names))
	}
	return text
}

// bodyIDs are the id, ids and *_ids members of the body (signal_ids, say)
// and of the objects in its lists (a bulk update's items), quoted; hostIDs,
// the member naming hosts, is left out: hosts are named apart.
func bodyIDs(body map[string]any, hostIDs string) []string {
	var ids []string
	collect := func(m map[string]any) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if k != "id" && k != "ids" && !strings.HasSuffix(k, "_ids") || k == hostIDs && hostIDs != "" {
				continue
			}
			switch v := m[k].(type) {
			case string:
				ids = append(ids, operation.Quoted(v))
			case []any:
				for _, item := range v {
					if s, ok := item.(string); ok {
						ids = append(ids, operation.Quoted(s))
					}
				}
			}
		}
	}
	collect(body)
	for _, v := range body {
		if list, ok := v.([]any); ok {
			for _, item := range list {
				if m, ok := item.(map[string]any); ok {
					collect(m)
				}
			}
		}
	}
	return ids
}

// bodyFields says what the body sets, as `name to value`: its members, and
// the members of the objects in its lists (a bulk update's items), without
// IDs and versions. A member set to different values in different objects
// is named without a value.
func bodyFields(body map[string]any) []string {
	values := map[string]string{}
	add := func(m map[string]any) {
		for _, a := range operation.MemberValues(m) {
			name, value := a[0], a[1]
			if old, seen := values[name]; seen && old != value {
				value = ""
			}
			values[name] = value
		}
	}
	top := map[string]any{}
	for k, v := range body {
		if list, ok := v.([]any); ok && len(list) > 0 {
			if _, isObject := list[0].(map[string]any); isObject {
				// Named through its members instead.
				for _, item := range list {
					if m, ok := item.(map[string]any); ok {
						add(m)
					}
				}
				continue
			}
		}
		top[k] = v
	}
	add(top)
	fields := make([]string, 0, len(values))
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if v := values[name]; v != "" {
			name += " to " + v
		}
		fields = append(fields, name)
	}
	return fields[:min(len(fields), 12)]
}
