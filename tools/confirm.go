package tools

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// confirmID keys the confirmation among a call's input requests.
const confirmID = "confirm"

// confirmation asks the user to approve a destructive call before it
// leaves, when the client can ask (MCP elicitation). It returns nil to go
// ahead, or the result to return instead: word that the user declined and
// nothing was changed, or (protocol 2026-07-28 on) the question itself.
//
// Clients of 2026-07-28 and later get the question as an input-required
// result and call again with the answer; the request state that comes back
// must be the server's own signature of these exact arguments, so neither a
// forged approval nor one given for another call is accepted. Older clients
// are asked directly with elicitation/create, bounded by confirmTimeout.
func (r *Runner) confirmation(ctx context.Context, op *Operation, req *kibana.Request, args map[string]any, roundTrip mcp.MultiRoundTripParams) *mcp.CallToolResult {
	if !r.confirm || !req.Mutates || !isDestructive(op) {
		return nil
	}
	modern := server.IsModernRequest(ctx)
	if !clientCanElicit(ctx, modern) {
		return nil
	}
	params := mcp.ElicitationParams{
		Message:         r.summary(op, req),
		RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{}},
	}
	if !modern {
		return r.askDirectly(ctx, op, params)
	}
	state := r.sign(op.Name, args)
	answer := server.ElicitationResponse(roundTrip.InputResponses, confirmID)
	if answer == nil || !hmac.Equal([]byte(roundTrip.RequestState), []byte(state)) {
		return server.NewInputRequestBuilder(state).Elicit(confirmID, params).ToolResult()
	}
	return declined(op, answer.Action)
}

// confirmTimeout bounds the wait for a user's answer: a question nobody
// answers must not hold the call (and a shutdown) forever.
const confirmTimeout = 10 * time.Minute

// askDirectly sends elicitation/create and waits for the answer.
func (r *Runner) askDirectly(ctx context.Context, op *Operation, params mcp.ElicitationParams) *mcp.CallToolResult {
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return nil // no MCP session: a direct call from Go code
	}
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
func declined(op *Operation, action mcp.ElicitationResponseAction) *mcp.CallToolResult {
	if action == mcp.ElicitationResponseActionAccept {
		return nil
	}
	return mcp.NewToolResultError(fmt.Sprintf("Not done: the user did not confirm %s (%s). Nothing was changed in Kibana.", op.Name, action))
}

func isDestructive(op *Operation) bool {
	d := op.Annotations().DestructiveHint
	return d != nil && *d
}

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

// stateKey signs confirmation states; it is new in every process, so only
// this server can produce a state it will accept. Replicas behind a load
// balancer share one derived from Options.ConfirmSecret instead (see
// stateKeyFor), so an approval given to one is accepted by the others.
var stateKey = func() []byte {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return k
}()

// stateKeyFor is the signing key of a runner: derived from a secret the
// replicas share, or this process's own.
func stateKeyFor(secret []byte) []byte {
	if len(secret) == 0 {
		return stateKey
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("kibana-mcp confirmation state"))
	return mac.Sum(nil)
}

// sign identifies one call: tool and arguments. encoding/json writes map
// keys sorted, so equal arguments give equal states.
func (r *Runner) sign(name string, args map[string]any) string {
	b, _ := json.Marshal(args)
	mac := hmac.New(sha256.New, r.stateKey)
	mac.Write([]byte(name))
	mac.Write([]byte{0})
	mac.Write(b)
	return "confirm:" + hex.EncodeToString(mac.Sum(nil))
}

// summary is the one line the user approves, built from the request that
// will be sent: tool, space, method, path and query (IDs in the path and
// query are already escaped), then for a JSON body the IDs of the objects it
// names and the fields it sets. Values the model chose are quoted and
// shortened, so they cannot pose as the server's own words.
func (r *Runner) summary(op *Operation, req *kibana.Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s in space %q: %s %s", op.Name, r.client.SpaceOf(req), req.Method, shorten(req.Path, 200))
	if len(req.Query) > 0 {
		b.WriteString("?" + shorten(req.Query.Encode(), 200))
	}
	var body map[string]any
	if req.ContentType == "" && json.Unmarshal(req.Body, &body) == nil {
		if ids := bodyIDs(body); len(ids) > 0 {
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

// bodyIDs are the id, ids and *_ids members of the body (endpoint_ids,
// signal_ids) and of the objects in its lists (update_cases' cases), quoted.
func bodyIDs(body map[string]any) []string {
	var ids []string
	collect := func(m map[string]any) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if k != "id" && k != "ids" && !strings.HasSuffix(k, "_ids") {
				continue
			}
			switch v := m[k].(type) {
			case string:
				ids = append(ids, quoted(v))
			case []any:
				for _, item := range v {
					if s, ok := item.(string); ok {
						ids = append(ids, quoted(s))
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

// bodyFields names what the body sets: its members, and the members of the
// objects in its lists, without IDs and versions.
func bodyFields(body map[string]any) []string {
	seen := map[string]bool{}
	add := func(m map[string]any) {
		for k := range m {
			if k != "id" && k != "ids" && k != "version" && !strings.HasSuffix(k, "_ids") {
				seen[k] = true
			}
		}
	}
	add(body)
	for k, v := range body {
		if list, ok := v.([]any); ok && len(list) > 0 {
			if _, isObject := list[0].(map[string]any); isObject {
				delete(seen, k) // named through its members instead
				for _, item := range list {
					if m, ok := item.(map[string]any); ok {
						add(m)
					}
				}
			}
		}
	}
	fields := slices.Sorted(maps.Keys(seen))
	for i, f := range fields {
		if !plainName(f) {
			fields[i] = quoted(f)
		}
	}
	return fields[:min(len(fields), 12)]
}

func plainName(s string) bool {
	return s != "" && len(s) <= 64 && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) && r < 128 || unicode.IsDigit(r) && r < 128)
	})
}

// quoted shows a model-chosen value as a short Go-quoted string: control
// and format characters escaped, at most 64 characters.
func quoted(s string) string { return strconv.QuoteToASCII(shorten(s, 64)) }

func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
