package tools

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ES|QL text handling the data tools need on every path: finding a LIMIT,
// filling ?name placeholders and adding a time range for Agent Builder
// (whose execute_esql takes only a query), and writing literals.

// esqlCommands splits a query into its piped commands, outside strings
// ("…", """…"""), quoted identifiers (`…`) and comments.
func esqlCommands(q string) []string {
	var cmds []string
	start := 0
	forEachCode(q, func(i int, c byte) {
		if c == '|' {
			cmds = append(cmds, q[start:i])
			start = i + 1
		}
	})
	return append(cmds, q[start:])
}

// forEachCode calls fn for every byte of q that is code: not inside a
// string, a quoted identifier or a comment.
func forEachCode(q string, fn func(i int, c byte)) {
	for i := 0; i < len(q); i++ {
		switch {
		case strings.HasPrefix(q[i:], `"""`):
			end := strings.Index(q[i+3:], `"""`)
			if end < 0 {
				return
			}
			i += 3 + end + 2
		case q[i] == '"':
			for i++; i < len(q) && q[i] != '"'; i++ {
				if q[i] == '\\' {
					i++
				}
			}
		case q[i] == '`':
			end := strings.IndexByte(q[i+1:], '`')
			if end < 0 {
				return
			}
			i += 1 + end
		case strings.HasPrefix(q[i:], "//"):
			end := strings.IndexByte(q[i:], '\n')
			if end < 0 {
				return
			}
			i += end
		case strings.HasPrefix(q[i:], "/*"):
			end := strings.Index(q[i+2:], "*/")
			if end < 0 {
				return
			}
			i += 2 + end + 1
		default:
			fn(i, q[i])
		}
	}
}

// hasLimit reports whether a command of q is a LIMIT.
func hasLimit(q string) bool {
	for _, c := range esqlCommands(q) {
		if f := strings.Fields(c); len(f) > 0 && strings.EqualFold(f[0], "LIMIT") {
			return true
		}
	}
	return false
}

// esqlLiteral writes v as an ES|QL literal.
func esqlLiteral(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\t", `\t`)
		return `"` + r.Replace(v) + `"`
	}
	return esqlLiteral(fmt.Sprint(v))
}

// inlineParams replaces each ?name in code with its value as a literal,
// for paths that take no params; an unknown name is an error.
func inlineParams(q string, params map[string]any) (string, error) {
	if len(params) == 0 {
		return q, nil
	}
	var b strings.Builder
	last := 0
	var missing string
	forEachCode(q, func(i int, c byte) {
		if c != '?' || i < last {
			return
		}
		j := i + 1
		for j < len(q) && (q[j] == '_' || q[j] >= 'a' && q[j] <= 'z' || q[j] >= 'A' && q[j] <= 'Z' || q[j] >= '0' && q[j] <= '9') {
			j++
		}
		name := q[i+1 : j]
		if name == "" {
			return
		}
		v, ok := params[name]
		if !ok {
			if missing == "" {
				missing = name
			}
			return
		}
		b.WriteString(q[last:i])
		b.WriteString(esqlLiteral(v))
		last = j
	})
	if missing != "" {
		return "", fmt.Errorf("the query's placeholder ?%s has no value in params", missing)
	}
	b.WriteString(q[last:])
	return b.String(), nil
}

// withTimeRange puts a WHERE on @timestamp right after the source command
// (FROM or TS), for paths that take no filter.
func withTimeRange(q string, start, end time.Time) (string, error) {
	if start.IsZero() && end.IsZero() {
		return q, nil
	}
	cmds := esqlCommands(q)
	first := strings.Fields(cmds[0])
	if len(first) == 0 || (!strings.EqualFold(first[0], "FROM") && !strings.EqualFold(first[0], "TS")) {
		return "", fmt.Errorf("start and end restrict @timestamp of a FROM query; this query does not start with FROM")
	}
	var conds []string
	if !start.IsZero() {
		conds = append(conds, "@timestamp >= TO_DATETIME("+esqlLiteral(isoTime(start))+")")
	}
	if !end.IsZero() {
		conds = append(conds, "@timestamp <= TO_DATETIME("+esqlLiteral(isoTime(end))+")")
	}
	where := " | WHERE " + strings.Join(conds, " AND ")
	if len(cmds) == 1 {
		return strings.TrimRight(q, " \n") + where, nil
	}
	cut := len(cmds[0])
	return strings.TrimRight(q[:cut], " \n") + where + " |" + q[cut+1:], nil
}

// isoTime is t in UTC, to the millisecond when it has a fraction.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.999Z07:00")
}
