package esql

import (
	"strings"
)

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tInt
	tDec
	tStr
	tParam
	tOp
	tBad
)

type token struct {
	kind   tokKind
	s      string // identifier name, literal text (strings unescaped), operator
	pos    int
	end    int
	quoted bool // backquoted identifier
	err    string
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '@' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || (c >= '0' && c <= '9')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// skipSpace skips white space and comments from off.
func skipSpace(q string, off int) int {
	for off < len(q) {
		c := q[off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			off++
		case c == '/' && off+1 < len(q) && q[off+1] == '/':
			for off < len(q) && q[off] != '\n' {
				off++
			}
		case c == '/' && off+1 < len(q) && q[off+1] == '*':
			end := strings.Index(q[off+2:], "*/")
			if end < 0 {
				return len(q)
			}
			off += end + 4
		default:
			return off
		}
	}
	return off
}

// lex reads one token at off (after white space).
func lex(q string, off int) token {
	off = skipSpace(q, off)
	if off >= len(q) {
		return token{kind: tEOF, pos: len(q), end: len(q)}
	}
	c := q[off]
	start := off
	switch {
	case isIdentStart(c):
		for off < len(q) && (isIdentChar(q[off]) || (q[off] == '.' && off+1 < len(q) && (isIdentStart(q[off+1]) || isDigit(q[off+1])))) {
			off++
		}
		// a.`b`.c: a quoted part inside a dotted name
		if off+1 < len(q) && q[off] == '.' && q[off+1] == '`' {
			if t := lex(q, off+1); t.kind == tIdent {
				return token{kind: tIdent, s: q[start:off] + "." + t.s, pos: start, end: t.end, quoted: true}
			}
		}
		return token{kind: tIdent, s: q[start:off], pos: start, end: off}
	case c == '`':
		var b strings.Builder
		off++
		for {
			if off >= len(q) {
				return token{kind: tBad, pos: start, end: off, err: "unterminated quoted identifier"}
			}
			if q[off] == '`' {
				if off+1 < len(q) && q[off+1] == '`' {
					b.WriteByte('`')
					off += 2
					continue
				}
				off++
				break
			}
			b.WriteByte(q[off])
			off++
		}
		// `a`.`b` and `a`.b
		name := b.String()
		for off+1 < len(q) && q[off] == '.' && (q[off+1] == '`' || isIdentStart(q[off+1])) {
			t := lex(q, off+1)
			if t.kind != tIdent {
				break
			}
			name += "." + t.s
			off = t.end
		}
		return token{kind: tIdent, s: name, pos: start, end: off, quoted: true}
	case isDigit(c) || (c == '.' && off+1 < len(q) && isDigit(q[off+1])):
		kind := tInt
		for off < len(q) && isDigit(q[off]) {
			off++
		}
		if off+1 < len(q) && q[off] == '.' && isDigit(q[off+1]) || (off < len(q) && q[off] == '.' && (off+1 >= len(q) || !isIdentStart(q[off+1]))) {
			kind = tDec
			off++
			for off < len(q) && isDigit(q[off]) {
				off++
			}
		}
		if off < len(q) && (q[off] == 'e' || q[off] == 'E') {
			j := off + 1
			if j < len(q) && (q[j] == '+' || q[j] == '-') {
				j++
			}
			if j < len(q) && isDigit(q[j]) {
				kind = tDec
				off = j
				for off < len(q) && isDigit(q[off]) {
					off++
				}
			}
		}
		return token{kind: kind, s: q[start:off], pos: start, end: off}
	case c == '"':
		if strings.HasPrefix(q[off:], `"""`) {
			end := strings.Index(q[off+3:], `"""`)
			if end < 0 {
				return token{kind: tBad, pos: start, end: len(q), err: "unterminated string"}
			}
			e := off + 3 + end + 3
			// a run of more than three quotes closes at the last three
			for e < len(q) && q[e] == '"' {
				e++
			}
			return token{kind: tStr, s: q[off+3 : e-3], pos: start, end: e}
		}
		var b strings.Builder
		off++
		for {
			if off >= len(q) || q[off] == '\n' || q[off] == '\r' {
				return token{kind: tBad, pos: start, end: off, err: "unterminated string"}
			}
			ch := q[off]
			if ch == '"' {
				off++
				break
			}
			if ch == '\\' && off+1 < len(q) {
				switch q[off+1] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				case '"':
					b.WriteByte('"')
				case '\\':
					b.WriteByte('\\')
				default:
					return token{kind: tBad, pos: off, end: off + 2, err: "invalid escape sequence [\\" + string(q[off+1]) + "]"}
				}
				off += 2
				continue
			}
			b.WriteByte(ch)
			off++
		}
		return token{kind: tStr, s: b.String(), pos: start, end: off}
	case c == '?':
		off++
		if off < len(q) && q[off] == '?' {
			return token{kind: tBad, pos: start, end: off + 1, err: "identifier parameters [??] are not supported by the sandbox"}
		}
		for off < len(q) && isIdentChar(q[off]) {
			off++
		}
		return token{kind: tParam, s: q[start+1 : off], pos: start, end: off}
	}
	for _, op := range []string{"==", "!=", "<=", ">=", "::", "=~", "|", ",", "(", ")", "=", "<", ">", "+", "-", "*", "/", "%", ".", ":", "[", "]", "{", "}"} {
		if strings.HasPrefix(q[off:], op) {
			return token{kind: tOp, s: op, pos: start, end: off + len(op)}
		}
	}
	r := q[off : off+1]
	for i := 1; i < 4 && off+i <= len(q); i++ { // one UTF-8 rune for the message
		if s := q[off : off+i]; validRune(s) {
			r = s
			break
		}
	}
	return token{kind: tBad, pos: start, end: off + len(r), err: "token recognition error at: '" + r + "'"}
}

func validRune(s string) bool {
	for _, r := range s {
		return r != 0xFFFD || s == "\uFFFD"
	}
	return false
}

func (t token) text() string {
	switch t.kind {
	case tEOF:
		return "<EOF>"
	case tStr:
		return `"` + t.s + `"`
	case tParam:
		return "?" + t.s
	case tIdent:
		if t.quoted {
			return "`" + t.s + "`"
		}
	}
	return t.s
}

func (t token) is(kw string) bool {
	return t.kind == tIdent && !t.quoted && strings.EqualFold(t.s, kw)
}

func (t token) op(s string) bool { return t.kind == tOp && t.s == s }
