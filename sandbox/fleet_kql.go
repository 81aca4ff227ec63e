package sandbox

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Fleet's KQL: the kuery parameters of agents, agent policies and package
// policies. It understands field:value clauses (values quoted or bare, with
// * wildcards; field:* for "has a value"), value lists field:(a or b),
// range comparisons (<, <=, >, >=) on numbers and dates, and, or, not and
// parentheses. Free text without a field is refused, as the sandbox has no
// full-text fields.

// fleetKQLNode decides whether a document matches. get returns the values a
// document has for a field (nil for none).
type fleetKQLNode func(get func(field string) []string) bool

type fleetKQLToken struct {
	kind  string // word, string, (, ), :, <, <=, >, >=, end
	text  string
	quote bool
	pos   int
}

func fleetKQLLex(s string) ([]fleetKQLToken, error) {
	var toks []fleetKQLToken
	i := 0
	for i < len(s) {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		case ch == '(' || ch == ')' || ch == ':':
			toks = append(toks, fleetKQLToken{kind: string(ch), text: string(ch), pos: i})
			i++
		case ch == '<' || ch == '>':
			op := string(ch)
			if i+1 < len(s) && s[i+1] == '=' {
				op += "="
			}
			toks = append(toks, fleetKQLToken{kind: op, text: op, pos: i})
			i += len(op)
		case ch == '"':
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(s) {
				if s[j] == '\\' && j+1 < len(s) {
					b.WriteByte(s[j+1])
					j += 2
					continue
				}
				if s[j] == '"' {
					closed = true
					j++
					break
				}
				b.WriteByte(s[j])
				j++
			}
			if !closed {
				return nil, fleetKQLError(s, i, `"\""`, "end of input")
			}
			toks = append(toks, fleetKQLToken{kind: "string", text: b.String(), quote: true, pos: i})
			i = j
		default:
			j := i
			var b strings.Builder
			for j < len(s) && !strings.ContainsRune(" \t\n\r():<>\"", rune(s[j])) {
				if s[j] == '\\' && j+1 < len(s) {
					b.WriteByte(s[j+1])
					j += 2
					continue
				}
				b.WriteByte(s[j])
				j++
			}
			toks = append(toks, fleetKQLToken{kind: "word", text: b.String(), pos: i})
			i = j
		}
	}
	return append(toks, fleetKQLToken{kind: "end", pos: len(s)}), nil
}

// fleetKQLError is Kibana's KQL syntax error, with a caret under the place.
func fleetKQLError(q string, pos int, expected, found string) error {
	return fmt.Errorf("KQLSyntaxError: Expected %s but %s found.\n%s\n%s^", expected, found, q, strings.Repeat("-", pos))
}

type fleetKQLParser struct {
	q     string
	toks  []fleetKQLToken
	pos   int
	field func(string) (string, error) // checks and maps a field name
	err   error
}

func (p *fleetKQLParser) peek() fleetKQLToken { return p.toks[p.pos] }

func (p *fleetKQLParser) keyword(kw string) bool {
	t := p.peek()
	if t.kind == "word" && strings.EqualFold(t.text, kw) {
		p.pos++
		return true
	}
	return false
}

func (p *fleetKQLParser) fail(expected string) fleetKQLNode {
	if p.err == nil {
		t := p.peek()
		found := "end of input"
		if t.kind != "end" {
			found = fmt.Sprintf("%q", p.q[t.pos:t.pos+1])
		}
		p.err = fleetKQLError(p.q, t.pos, expected, found)
	}
	return func(func(string) []string) bool { return false }
}

func (p *fleetKQLParser) or() fleetKQLNode {
	left := p.and()
	for p.err == nil && p.keyword("or") {
		l, r := left, p.and()
		left = func(get func(string) []string) bool { return l(get) || r(get) }
	}
	return left
}

func (p *fleetKQLParser) and() fleetKQLNode {
	left := p.not()
	for p.err == nil && p.keyword("and") {
		l, r := left, p.not()
		left = func(get func(string) []string) bool { return l(get) && r(get) }
	}
	return left
}

func (p *fleetKQLParser) not() fleetKQLNode {
	if p.keyword("not") {
		inner := p.not()
		return func(get func(string) []string) bool { return !inner(get) }
	}
	return p.primary()
}

func (p *fleetKQLParser) primary() fleetKQLNode {
	t := p.peek()
	if t.kind == "(" {
		p.pos++
		inner := p.or()
		if p.peek().kind != ")" {
			return p.fail(`")"`)
		}
		p.pos++
		return inner
	}
	if t.kind != "word" && t.kind != "string" {
		return p.fail("field name, value or \"(\"")
	}
	p.pos++
	op := p.peek().kind
	switch op {
	case ":":
	case "<", "<=", ">", ">=":
	default:
		if p.err == nil {
			p.err = fmt.Errorf("KQLSyntaxError: %q names no field; Fleet's kuery takes field:value clauses, e.g. status:online", t.text)
		}
		return p.fail(`":"`)
	}
	field, err := p.field(t.text)
	if err != nil {
		if p.err == nil {
			p.err = err
		}
		return p.fail("a known field")
	}
	p.pos++
	if op != ":" {
		v := p.peek()
		if v.kind != "word" && v.kind != "string" {
			return p.fail("value")
		}
		p.pos++
		return fleetKQLRange(field, op, v.text)
	}
	return p.values(field)
}

// values parses what follows field: — a value or a parenthesised list.
func (p *fleetKQLParser) values(field string) fleetKQLNode {
	t := p.peek()
	if t.kind == "(" {
		p.pos++
		node := p.valueOr(field)
		if p.peek().kind != ")" {
			return p.fail(`")"`)
		}
		p.pos++
		return node
	}
	if t.kind != "word" && t.kind != "string" {
		return p.fail("value")
	}
	p.pos++
	return fleetKQLMatch(field, t.text, t.quote)
}

func (p *fleetKQLParser) valueOr(field string) fleetKQLNode {
	left := p.valueAnd(field)
	for p.err == nil && p.keyword("or") {
		l, r := left, p.valueAnd(field)
		left = func(get func(string) []string) bool { return l(get) || r(get) }
	}
	return left
}

func (p *fleetKQLParser) valueAnd(field string) fleetKQLNode {
	left := p.valueNot(field)
	for p.err == nil && p.keyword("and") {
		l, r := left, p.valueNot(field)
		left = func(get func(string) []string) bool { return l(get) && r(get) }
	}
	return left
}

func (p *fleetKQLParser) valueNot(field string) fleetKQLNode {
	if p.keyword("not") {
		inner := p.valueNot(field)
		return func(get func(string) []string) bool { return !inner(get) }
	}
	t := p.peek()
	if t.kind == "(" {
		p.pos++
		node := p.valueOr(field)
		if p.peek().kind != ")" {
			return p.fail(`")"`)
		}
		p.pos++
		return node
	}
	if t.kind != "word" && t.kind != "string" {
		return p.fail("value")
	}
	p.pos++
	return fleetKQLMatch(field, t.text, t.quote)
}

// fleetKQLMatch matches one value: exact, or with * wildcards when bare.
func fleetKQLMatch(field, value string, quoted bool) fleetKQLNode {
	if !quoted && value == "*" {
		return func(get func(string) []string) bool { return len(get(field)) > 0 }
	}
	var glob *regexp.Regexp
	if !quoted && strings.Contains(value, "*") {
		parts := strings.Split(value, "*")
		for i, part := range parts {
			parts[i] = regexp.QuoteMeta(part)
		}
		glob = regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
	}
	return func(get func(string) []string) bool {
		for _, v := range get(field) {
			if glob != nil {
				if glob.MatchString(v) {
					return true
				}
				continue
			}
			if v == value {
				return true
			}
		}
		return false
	}
}

// fleetKQLRange compares numbers, else strings (ISO dates compare as text).
func fleetKQLRange(field, op, value string) fleetKQLNode {
	return func(get func(string) []string) bool {
		for _, v := range get(field) {
			cmp := fleetCompare(v, value)
			switch {
			case op == "<" && cmp < 0, op == "<=" && cmp <= 0, op == ">" && cmp > 0, op == ">=" && cmp >= 0:
				return true
			}
		}
		return false
	}
}

// fleetCompare orders two values as numbers when both are, else as text.
func fleetCompare(a, b string) int {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// fleetKQLCompile parses a kuery. field maps each field name to the name
// documents know it by, or refuses it. An empty kuery matches everything.
func fleetKQLCompile(q string, field func(string) (string, error)) (fleetKQLNode, error) {
	if strings.TrimSpace(q) == "" {
		return func(func(string) []string) bool { return true }, nil
	}
	toks, err := fleetKQLLex(q)
	if err != nil {
		return nil, err
	}
	p := &fleetKQLParser{q: q, toks: toks, field: field}
	node := p.or()
	if p.err == nil && p.peek().kind != "end" {
		p.fail(`"and", "or" or end of input`)
	}
	if p.err != nil {
		return nil, p.err
	}
	return node, nil
}

// fleetFlatten lists the values of a document's fields by dotted path:
// arrays give several values, booleans and numbers their text.
func fleetFlatten(doc map[string]any) map[string][]string {
	out := map[string][]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				name := k
				if prefix != "" {
					name = prefix + "." + k
				}
				walk(name, val)
			}
		case []any:
			for _, e := range x {
				walk(prefix, e)
			}
		case []string:
			out[prefix] = append(out[prefix], x...)
		case nil:
		default:
			out[prefix] = append(out[prefix], fmt.Sprint(x))
		}
	}
	walk("", doc)
	return out
}
