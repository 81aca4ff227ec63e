package operation

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// What the user is asked to approve before a destructive call: an input may
// describe itself (Describer); the helpers below show the values a model
// chose so that they cannot pose as the server's own words.

// Describer is implemented by inputs whose confirmation can say more than
// the request does, typically by reading what the call is about.
type Describer interface {
	Describe(ctx context.Context, k *kibana.Client, req *kibana.Request) string
}

// Preflighter is implemented by inputs that can tell, before the user is
// asked, that the call cannot do what it says (the object to delete is
// gone): asking to approve a call bound to fail wastes the user's answer.
// An error is the tool's answer; nothing is sent. It runs before Describe,
// so it may keep what it read for the question.
type Preflighter interface {
	Preflight(ctx context.Context, k *kibana.Client, req *kibana.Request) error
}

// Assignments says what an object sets, as `name to value`, sorted by
// name; IDs and versions are left out, and members whose value is an
// object are named without it.
func Assignments(m map[string]any) []string {
	var out []string
	for _, a := range MemberValues(m) {
		if a[1] != "" {
			a[0] += " to " + a[1]
		}
		out = append(out, a[0])
	}
	return out
}

// MemberValues are the {name, value} pairs of Assignments, the value ""
// where it is not shown.
func MemberValues(m map[string]any) [][2]string {
	var out [][2]string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k == "id" || k == "ids" || k == "version" || strings.HasSuffix(k, "_ids") {
			continue
		}
		name := k
		if !plainName(k) {
			name = Quoted(k)
		}
		v, _ := valueText(m[k])
		if secretName(k) {
			v = "(hidden)"
		}
		out = append(out, [2]string{name, v})
	}
	return out
}

// valueText shows a value the model chose: strings quoted and shortened,
// numbers and booleans as they are, lists of those in brackets (the first
// five), and anything else (a query, the assignees to add and remove, a
// connector's params) as its JSON, shortened and in plain ASCII: the user
// must see what a call will do with it, and text inside it stays inside
// JSON quotes, so it cannot pose as the server's words.
func valueText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return Quoted(v), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	case nil:
		return "null", true
	case []any:
		items := make([]string, 0, min(len(v), 5))
		for _, item := range v {
			text, ok := valueText(item)
			switch item.(type) {
			case []any, map[string]any:
				ok = false
			}
			if !ok {
				return jsonText(v), true
			}
			if len(items) < 5 {
				items = append(items, text)
			}
		}
		if len(v) > len(items) {
			items = append(items, fmt.Sprintf("… %d in all", len(v)))
		}
		return "[" + strings.Join(items, ", ") + "]", true
	}
	return jsonText(v), true
}

// secretName reports a member whose value is a credential: connectors'
// secrets, passwords and passphrases, tokens, keys (a Fleet proxy's
// certificate_key is a PEM private key, a migrated agent's
// elastic_agent_cert_key its client key) and authorization headers (a
// proxy's Proxy-Authorization) are never shown, even to the user who
// approves sending them.
func secretName(k string) bool {
	k = strings.ToLower(k)
	for _, w := range []string{"secret", "password", "passphrase", "token", "apikey", "api_key", "private", "certificate_key", "cert_key", "authorization"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}

// redacted is v with the values of secret members replaced. Inside an
// object a bare "key" is one too: it is the private key of TLS settings
// (a synthetics monitor's or a Fleet Server host's ssl).
func redacted(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if secretName(k) || strings.EqualFold(k, "key") {
				out[k] = "(hidden)"
			} else {
				out[k] = redacted(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = redacted(x)
		}
		return out
	}
	return v
}

// JSONText shows a value as jsonText does, for a Describe of the catalogue.
func JSONText(v any) string { return jsonText(v) }

// maxJSONText bounds a value shown as JSON in a question.
const maxJSONText = 160

// jsonText is v's JSON with every rune outside printable ASCII escaped
// (no control or direction-changing characters reach the user's screen),
// cut to maxJSONText with an ellipsis.
func jsonText(v any) string {
	raw, err := json.Marshal(redacted(v))
	if err != nil {
		return "(a value that is not JSON)"
	}
	var b strings.Builder
	for _, r := range string(raw) {
		if r >= ' ' && r <= '~' {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "\\u%04x", r)
		}
		if b.Len() >= maxJSONText {
			b.WriteString("…")
			break
		}
	}
	return b.String()
}

// JoinAnd joins items as English does: "a", "a and b", "a, b and c".
func JoinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func plainName(s string) bool {
	return s != "" && len(s) <= 64 && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) && r < 128 || unicode.IsDigit(r) && r < 128)
	})
}

// Quoted shows a model-chosen value as a short Go-Quoted string: control
// and format characters escaped, at most 64 characters.
func Quoted(s string) string { return strconv.QuoteToASCII(Shorten(s, 64)) }

func Shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
