package operation

import (
	"context"
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
		out = append(out, [2]string{name, v})
	}
	return out
}

// valueText shows a value the model chose: strings quoted and shortened,
// numbers and booleans as they are, a short list of those in brackets.
// Objects and long lists are not shown (ok false): their name is enough
// to decide, and the whole would not fit a line.
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
		if len(v) > 3 {
			return fmt.Sprintf("%d items", len(v)), true
		}
		items := make([]string, 0, len(v))
		for _, item := range v {
			text, ok := valueText(item)
			if _, isList := item.([]any); !ok || isList {
				return "", false
			}
			items = append(items, text)
		}
		return "[" + strings.Join(items, ", ") + "]", true
	}
	return "", false
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
