package esql

import (
	"regexp"
	"strings"
)

var bounds = regexp.MustCompile(`^\{\d+(,\d*)?\}$`)

// luceneToGo rewrites an RLIKE pattern, which Elasticsearch reads with
// Lucene's regular expression syntax, as a Go regular expression (the
// caller anchors it): groups do not capture, ^ and $ are ordinary
// characters, "..." is a literal string, \ escapes any character (\d \s \w
// and their negations are classes), repetition operators may follow each
// other (a++ is (a+)+), and one with nothing to repeat is a literal.
func luceneToGo(p string) string {
	var b strings.Builder
	atom := -1 // where the last atom starts in b; -1: none to repeat
	repeated := false
	var groups []int // where each open group starts in b
	for i := 0; i < len(p); i++ {
		ch := p[i]
		switch ch {
		case '*', '+', '?', '{':
			op := string(ch)
			if ch == '{' {
				end := strings.IndexByte(p[i:], '}')
				if end < 0 || !bounds.MatchString(p[i:i+end+1]) {
					atom, repeated = b.Len(), false
					b.WriteString(`\{`)
					continue
				}
				op = p[i : i+end+1]
				i += end
			}
			if atom < 0 {
				atom, repeated = b.Len(), false
				b.WriteString(regexp.QuoteMeta(op))
				continue
			}
			if repeated {
				s := b.String()
				b.Reset()
				b.WriteString(s[:atom] + "(?:" + s[atom:] + ")")
			}
			b.WriteString(op)
			repeated = true
			continue
		case '(':
			groups = append(groups, b.Len())
			b.WriteString("(?:")
			atom = -1
			continue
		case ')':
			start := b.Len()
			if n := len(groups); n > 0 {
				start, groups = groups[n-1], groups[:n-1]
			}
			b.WriteString(")")
			atom, repeated = start, false
			continue
		case '|':
			b.WriteString("|")
			atom = -1
			continue
		}
		start := b.Len()
		switch ch {
		case '.':
			b.WriteString(".")
		case '\\':
			if i+1 < len(p) {
				i++
				if strings.IndexByte("dDsSwW", p[i]) >= 0 {
					b.WriteString(`\` + p[i:i+1])
				} else {
					b.WriteString(regexp.QuoteMeta(p[i : i+1]))
				}
			} else {
				b.WriteString(`\\`)
			}
		case '"':
			end := strings.IndexByte(p[i+1:], '"')
			if end < 0 {
				b.WriteString(`"`)
				break
			}
			b.WriteString("(?:" + regexp.QuoteMeta(p[i+1:i+1+end]) + ")")
			i += end + 1
		case '[':
			end := classEnd(p, i)
			if end < 0 {
				b.WriteString(`\[`)
				break
			}
			b.WriteString(classToGo(p[i+1 : end]))
			i = end
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
		atom, repeated = start, false
	}
	return b.String()
}

// classEnd finds the ] closing the class opened at p[i].
func classEnd(p string, i int) int {
	j := i + 1
	if j < len(p) && p[j] == '^' {
		j++
	}
	if j < len(p) && p[j] == ']' {
		j++
	}
	for ; j < len(p); j++ {
		switch p[j] {
		case '\\':
			j++
		case ']':
			return j
		}
	}
	return -1
}

// classToGo writes a character class body for Go: escapes kept, any
// other character Go would read specially quoted.
func classToGo(body string) string {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < len(body); i++ {
		ch := body[i]
		switch {
		case ch == '\\' && i+1 < len(body):
			i++
			if strings.IndexByte("dDsSwW", body[i]) >= 0 {
				b.WriteString(`\` + body[i:i+1])
			} else {
				b.WriteString(regexp.QuoteMeta(body[i : i+1]))
			}
		case ch == '^' && i == 0, ch == '-':
			b.WriteByte(ch)
		case ch == '[' || ch == ']' || ch == '\\':
			b.WriteString(`\` + string(ch))
		default:
			b.WriteByte(ch)
		}
	}
	b.WriteString("]")
	return b.String()
}

// javaToGo rewrites a Java (or Oniguruma) regular expression, as REPLACE
// and GROK take them, into Go's syntax where the two differ only in
// spelling: possessive quantifiers (a++) and atomic groups (?>...) match
// as their greedy forms do on the patterns rules use, \uXXXX is \x{XXXX},
// \h a horizontal space and \Z the end. Look-arounds stay, and Go's parser
// refuses them with its own message.
func javaToGo(p string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		ch := p[i]
		switch {
		case ch == '\\' && i+1 < len(p):
			n := p[i+1]
			switch {
			case n == 'u' && i+5 < len(p) && isHex(p[i+2:i+6]):
				b.WriteString(`\x{` + p[i+2:i+6] + `}`)
				i += 5
				continue
			case n == 'h':
				b.WriteString(`[\t \x{A0}]`)
			case n == 'Z':
				b.WriteString(`\z`)
			default:
				b.WriteString(p[i : i+2])
			}
			i++
			continue
		case inClass:
			if ch == ']' {
				inClass = false
			}
		case ch == '[':
			inClass = true
			b.WriteByte(ch)
			// a ] first in the class is a character
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
			if i+1 < len(p) && p[i+1] == ']' {
				b.WriteString(`\]`)
				i++
			}
			continue
		case ch == '+' && i > 0 && strings.IndexByte("*+?}", p[i-1]) >= 0 && (i < 2 || p[i-2] != '\\'):
			continue // possessive: the greedy form
		case strings.HasPrefix(p[i:], "(?>"):
			b.WriteString("(?:")
			i += 2
			continue
		}
		b.WriteByte(ch)
	}
	return b.String()
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
			return false
		}
	}
	return true
}
