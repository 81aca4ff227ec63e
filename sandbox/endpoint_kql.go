package sandbox

import (
	"fmt"
	"regexp"
	"strings"
)

// A small KQL evaluator for the filters of list routes that take KQL over
// flat documents (exception list items, anonymization fields): field:value
// clauses, * wildcards, quoted phrases, field:(a or b), and, or, not and
// parentheses. Matching ignores case. Range operators are refused.

// epKQL is a parsed filter.
type epKQL interface {
	match(get func(field string) []string) bool
}

type (
	epKQLOr    []epKQL
	epKQLAnd   []epKQL
	epKQLNot   struct{ inner epKQL }
	epKQLMatch struct {
		field, value string
		phrase       bool // quoted: * is literal
	}
)

func (n epKQLOr) match(get func(string) []string) bool {
	for _, c := range n {
		if c.match(get) {
			return true
		}
	}
	return false
}

func (n epKQLAnd) match(get func(string) []string) bool {
	for _, c := range n {
		if !c.match(get) {
			return false
		}
	}
	return true
}

func (n epKQLNot) match(get func(string) []string) bool { return !n.inner.match(get) }

func (n epKQLMatch) match(get func(string) []string) bool {
	values := get(n.field)
	if n.value == "*" && !n.phrase {
		return len(values) > 0
	}
	for _, v := range values {
		if n.phrase && strings.EqualFold(n.value, v) || !n.phrase && epKQLValueMatches(n.value, v) {
			return true
		}
	}
	return false
}

// epKQLValueMatches compares a KQL value (with * wildcards) to a field value.
func epKQLValueMatches(pattern, value string) bool {
	if !strings.Contains(pattern, "*") {
		return strings.EqualFold(pattern, value)
	}
	re := "(?i)^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*") + "$"
	ok, _ := regexp.MatchString(re, value)
	return ok
}

type epKQLToken struct {
	kind, text string // kind: ( ) : word quoted
	pos        int
}

type epKQLParser struct {
	src   string
	toks  []epKQLToken
	pos   int
	err   string
	field func(string) (string, string) // canonical field name, or a message
}

// epParseKQL parses a filter. field maps each field name to the document
// field it reads, or answers the message refusing it.
func epParseKQL(src string, field func(string) (string, string)) (epKQL, string) {
	p := &epKQLParser{src: src, field: field}
	p.lex()
	if p.err != "" {
		return nil, p.err
	}
	if len(p.toks) == 0 {
		return epKQLAnd{}, ""
	}
	n := p.or()
	if p.err == "" && p.pos < len(p.toks) {
		p.fail(`"and", "or", end of input`)
	}
	if p.err != "" {
		return nil, p.err
	}
	return n, ""
}

func (p *epKQLParser) lex() {
	s := p.src
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n':
			i++
		case ch == '(' || ch == ')' || ch == ':':
			p.toks = append(p.toks, epKQLToken{string(ch), string(ch), i})
			i++
		case ch == '<' || ch == '>' || ch == '{' || ch == '}':
			p.syntax(i, `"(", value, whitespace`, fmt.Sprintf("%q", string(ch)))
			return
		case ch == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				p.syntax(len(s), `"\""`, "end of input")
				return
			}
			p.toks = append(p.toks, epKQLToken{"quoted", b.String(), i})
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n():\"<>{}", rune(s[j])) {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				j++
			}
			p.toks = append(p.toks, epKQLToken{"word", strings.ReplaceAll(s[i:j], `\`, ""), i})
			i = j
		}
	}
}

func (p *epKQLParser) syntax(at int, expected, found string) {
	p.err = fmt.Sprintf("KQLSyntaxError: Expected %s but %s found.\n%s\n%s^", expected, found, p.src, strings.Repeat("-", at))
}

func (p *epKQLParser) fail(expected string) {
	if p.err != "" {
		return
	}
	if p.pos >= len(p.toks) {
		p.syntax(len(p.src), expected, "end of input")
		return
	}
	t := p.toks[p.pos]
	p.syntax(t.pos, expected, fmt.Sprintf("%q", t.text))
}

func (p *epKQLParser) keyword(word string) bool {
	if p.pos < len(p.toks) && p.toks[p.pos].kind == "word" && strings.EqualFold(p.toks[p.pos].text, word) {
		// a keyword followed by ":" is a field name
		if p.pos+1 < len(p.toks) && p.toks[p.pos+1].kind == ":" {
			return false
		}
		p.pos++
		return true
	}
	return false
}

func (p *epKQLParser) peek(kind string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == kind
}

func (p *epKQLParser) or() epKQL {
	list := epKQLOr{p.and()}
	for p.err == "" && p.keyword("or") {
		list = append(list, p.and())
	}
	if len(list) == 1 {
		return list[0]
	}
	return list
}

func (p *epKQLParser) and() epKQL {
	list := epKQLAnd{p.not()}
	for p.err == "" && p.keyword("and") {
		list = append(list, p.not())
	}
	if len(list) == 1 {
		return list[0]
	}
	return list
}

func (p *epKQLParser) not() epKQL {
	if p.keyword("not") {
		return epKQLNot{p.not()}
	}
	return p.primary()
}

func (p *epKQLParser) primary() epKQL {
	if p.err != "" {
		return nil
	}
	if p.peek("(") {
		p.pos++
		n := p.or()
		if !p.peek(")") {
			p.fail(`")", "and", "or"`)
			return nil
		}
		p.pos++
		return n
	}
	if !p.peek("word") && !p.peek("quoted") {
		p.fail(`"(", "not", field name`)
		return nil
	}
	name := p.toks[p.pos]
	p.pos++
	if !p.peek(":") {
		p.fail(`":"`)
		return nil
	}
	p.pos++
	field, msg := p.field(name.text)
	if msg != "" {
		p.err = msg
		return nil
	}
	return p.values(field)
}

// values reads the value side of field: value or field:(a or b and c).
func (p *epKQLParser) values(field string) epKQL {
	if p.peek("word") || p.peek("quoted") {
		t := p.toks[p.pos]
		p.pos++
		return epKQLMatch{field, t.text, t.kind == "quoted"}
	}
	if !p.peek("(") {
		p.fail(`"(", value`)
		return nil
	}
	p.pos++
	var or epKQLOr
	and := epKQLAnd{}
	for {
		if !p.peek("word") && !p.peek("quoted") {
			p.fail("value")
			return nil
		}
		and = append(and, epKQLMatch{field, p.toks[p.pos].text, p.toks[p.pos].kind == "quoted"})
		p.pos++
		switch {
		case p.keyword("and"):
			continue
		case p.keyword("or"):
			or = append(or, and)
			and = epKQLAnd{}
			continue
		case p.peek(")"):
			p.pos++
			or = append(or, and)
			return or
		}
		p.fail(`")", "and", "or"`)
		return nil
	}
}
