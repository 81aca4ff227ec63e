package tools

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ES|QL text handling the data tools need on every path: finding a LIMIT,
// filling ?name placeholders and adding a time range for Agent Builder
// (whose execute_esql takes only a query), and writing literals. All of it
// reads the query as ES|QL does: a | or a word inside a string ("…",
// """…"""), a quoted identifier (`…`) or a comment (// to the end of the
// line, /* … */) is not structure, and comments and line breaks are kept.

// esqlPiece is what a span of a query is.
type esqlPiece int

const (
	esqlCode    esqlPiece = iota // one byte of code (whitespace included)
	esqlString                   // "…" or """…"""
	esqlIdent                    // `…`
	esqlComment                  // // to the end of the line (not the newline), or /* … */
)

// esqlScan calls fn for each piece of q in order: every byte of code on
// its own, and every string, quoted identifier and comment whole, as
// q[i:j]. An unclosed one runs to the end of q.
func esqlScan(q string, fn func(i, j int, p esqlPiece)) {
	for i := 0; i < len(q); {
		j, p := i+1, esqlCode
		switch {
		case strings.HasPrefix(q[i:], `"""`):
			p, j = esqlString, len(q)
			if end := strings.Index(q[i+3:], `"""`); end >= 0 {
				j = i + 3 + end + 3
				// Up to two more quotes belong to the string: """a"""" is a".
				for k := 0; k < 2 && j < len(q) && q[j] == '"'; k++ {
					j++
				}
			}
		case q[i] == '"':
			p, j = esqlString, len(q)
			for k := i + 1; k < len(q); k++ {
				if q[k] == '\\' {
					k++
				} else if q[k] == '"' {
					j = k + 1
					break
				}
			}
		case q[i] == '`':
			// `` inside a quoted identifier is a backquote.
			p, j = esqlIdent, len(q)
			for k := i + 1; k < len(q); k++ {
				if q[k] == '`' {
					if k+1 < len(q) && q[k+1] == '`' {
						k++
						continue
					}
					j = k + 1
					break
				}
			}
		case strings.HasPrefix(q[i:], "//"):
			p, j = esqlComment, len(q)
			if end := strings.IndexByte(q[i:], '\n'); end >= 0 {
				j = i + end
			}
		case strings.HasPrefix(q[i:], "/*"):
			// Block comments nest.
			p, j = esqlComment, len(q)
			for k, depth := i+2, 1; k+1 < len(q); k++ {
				if q[k] == '/' && q[k+1] == '*' {
					depth++
					k++
				} else if q[k] == '*' && q[k+1] == '/' {
					if depth--; depth == 0 {
						j = k + 2
						break
					}
					k++
				}
			}
		}
		if j > len(q) {
			j = len(q)
		}
		fn(i, j, p)
		i = j
	}
}

// forEachCode calls fn for every byte of q that is code: not inside a
// string, a quoted identifier or a comment.
func forEachCode(q string, fn func(i int, c byte)) {
	esqlScan(q, func(i, _ int, p esqlPiece) {
		if p == esqlCode {
			fn(i, q[i])
		}
	})
}

// esqlCommands splits a query into its piped commands at the | that are
// code and outside parentheses (FORK's branches have their own pipes).
// Each command keeps its text as written, comments included.
func esqlCommands(q string) []string {
	var cmds []string
	start, depth := 0, 0
	forEachCode(q, func(i int, c byte) {
		switch c {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case '|':
			if depth == 0 {
				cmds = append(cmds, q[start:i])
				start = i + 1
			}
		}
	})
	return append(cmds, q[start:])
}

// esqlWords is the words of the code of cmd, comments left out (each one
// separates words, as ES|QL reads it).
func esqlWords(cmd string) []string {
	var b strings.Builder
	esqlScan(cmd, func(i, j int, p esqlPiece) {
		if p == esqlComment {
			b.WriteByte(' ')
		} else {
			b.WriteString(cmd[i:j])
		}
	})
	return strings.Fields(b.String())
}

// hasLimit reports whether a command of q is a LIMIT; a LIMIT in a
// comment or a string is not one.
func hasLimit(q string) bool {
	for _, c := range esqlCommands(q) {
		if f := esqlWords(c); len(f) > 0 && strings.EqualFold(f[0], "LIMIT") {
			return true
		}
	}
	return false
}

// withLimit appends | LIMIT n to q on a line of its own, so that a
// trailing // comment cannot take it in; a | that q ends with (in code,
// before any trailing comment) is dropped first.
func withLimit(q string, n int) string {
	last := -1
	forEachCode(q, func(i int, c byte) {
		if !isSpace(c) {
			last = i
		}
	})
	if last >= 0 && q[last] == '|' {
		q = q[:last] + q[last+1:]
	}
	return strings.TrimRight(q, " \t\r\n") + fmt.Sprintf("\n| LIMIT %d", n)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
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
// (FROM or TS, with its METADATA), for paths that take no filter. Comments
// before the source command are skipped over; the WHERE goes on a line of
// its own when the source command ends a line or ends in a // comment,
// so every comment and line break of the query is kept.
func withTimeRange(q string, start, end time.Time) (string, error) {
	if start.IsZero() && end.IsZero() {
		return q, nil
	}
	cmds := esqlCommands(q)
	first := esqlWords(cmds[0])
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
	where := "| WHERE " + strings.Join(conds, " AND ")
	// The source command, its trailing space, and the rest (from its |).
	cut := len(cmds[0])
	source := strings.TrimRight(q[:cut], " \t\r\n")
	space, rest := q[len(source):cut], q[cut:]
	if strings.Contains(space, "\n") || endsInLineComment(source) {
		return source + "\n" + where + space + rest, nil
	}
	if space == "" && rest != "" {
		space = " "
	}
	return source + " " + where + space + rest, nil
}

// endsInLineComment reports whether q ends inside a // comment.
func endsInLineComment(q string) bool {
	var in bool
	esqlScan(q, func(i, j int, p esqlPiece) {
		in = j == len(q) && p == esqlComment && strings.HasPrefix(q[i:], "//")
	})
	return in
}

// isoTime is t in UTC, to the millisecond when it has a fraction.
func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.999Z07:00")
}
