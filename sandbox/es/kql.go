package es

import (
	"encoding/json"
	"fmt"
	"strings"
)

// KQL, Kibana's query language, turned into a query DSL clause the way
// Kibana's kuery does before it asks Elasticsearch: field:value clauses
// (quoted values are phrases, * wildcards, field:* tests existence, and
// unquoted words run together up to a keyword or parenthesis), value
// lists field:(a or b and not c), range comparisons field >= x, and, or,
// not and parentheses. Field names are whatever the documents call them
// ("united.endpoint.host.os.name"); a Kibana area whose filters name saved
// object attributes ("alert.attributes.tags", "ingest-agent-policies.name")
// maps or refuses them with its KQLOptions.Field.

// KQLOptions are what a Kibana area brings to the translation.
type KQLOptions struct {
	// Field maps a field name as the filter spells it to the document
	// field it queries, or refuses it with the error Kibana answers; nil
	// takes names as they are.
	Field func(name string) (string, error)
	// CaseInsensitive compares values ignoring case (term and wildcard
	// queries with case_insensitive), for areas whose Kibana fields are
	// analysed text the sandbox keeps as keywords. Without it a wildcard is
	// case-sensitive on keyword fields, as Kibana's kuery builds it when its
	// config sets no caseInsensitive.
	CaseInsensitive bool
}

// KQL translates a filter; an empty one is nil, which matches everything.
// Syntax errors are Kibana's KQLSyntaxError, with a caret under the place.
func KQL(src string, opts KQLOptions) (any, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	p := &kqlParser{src: src, opts: opts}
	p.lex()
	if p.err != nil {
		return nil, p.err
	}
	q := p.orExpr()
	if p.err == nil && p.pos < len(p.toks) {
		p.fail("end of input")
	}
	if p.err != nil {
		return nil, p.err
	}
	return q, nil
}

type kqlToken struct {
	kind   string // word, quoted, (, ), :, <, <=, >, >=
	text   string
	offset int
}

type kqlParser struct {
	src  string
	opts KQLOptions
	toks []kqlToken
	pos  int
	err  error
}

func (p *kqlParser) lex() {
	s := p.src
	for i := 0; i < len(s); {
		switch ch := s[i]; {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		case ch == '(' || ch == ')' || ch == ':':
			p.toks = append(p.toks, kqlToken{string(ch), string(ch), i})
			i++
		case ch == '{' || ch == '}':
			p.err = kqlSyntaxError(s, i, `"(", value, whitespace`, fmt.Sprintf("%q", string(ch)))
			return
		case ch == '<' || ch == '>':
			op := string(ch)
			if i+1 < len(s) && s[i+1] == '=' {
				op += "="
			}
			p.toks = append(p.toks, kqlToken{op, op, i})
			i += len(op)
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
				p.err = kqlSyntaxError(s, len(s), `"\""`, "end of input")
				return
			}
			p.toks = append(p.toks, kqlToken{"quoted", b.String(), i})
			i = j + 1
		default:
			var b strings.Builder
			j := i
			for ; j < len(s) && !strings.ContainsRune(" \t\n\r():<>\"{}", rune(s[j])); j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
			}
			p.toks = append(p.toks, kqlToken{"word", b.String(), i})
			i = j
		}
	}
}

func kqlSyntaxError(src string, at int, expected, found string) error {
	return fmt.Errorf("KQLSyntaxError: Expected %s but %s found.\n%s\n%s^", expected, found, src, strings.Repeat("-", at))
}

func (p *kqlParser) fail(expected string) {
	if p.err != nil {
		return
	}
	at, found := len(p.src), "end of input"
	if p.pos < len(p.toks) {
		at, found = p.toks[p.pos].offset, fmt.Sprintf("%q", p.toks[p.pos].text)
	}
	p.err = kqlSyntaxError(p.src, at, expected, found)
}

// keyword reports whether the next token is the keyword (any case); a
// keyword followed by ":" is a field name.
func (p *kqlParser) keyword(word string) bool {
	if p.pos >= len(p.toks) || p.toks[p.pos].kind != "word" || !strings.EqualFold(p.toks[p.pos].text, word) {
		return false
	}
	return p.pos+1 >= len(p.toks) || p.toks[p.pos+1].kind != ":"
}

func (p *kqlParser) peek(kind string) bool { return p.pos < len(p.toks) && p.toks[p.pos].kind == kind }

// list joins clauses the way Kibana's kuery does: should with
// minimum_should_match 1 for or, filter for and.
func (p *kqlParser) list(keyword string, next func() any) any {
	left := next()
	var all []any
	for p.err == nil && p.keyword(keyword) {
		p.pos++
		if all == nil {
			all = []any{left}
		}
		all = append(all, next())
	}
	switch {
	case all == nil:
		return left
	case keyword == "or":
		return map[string]any{"bool": map[string]any{"should": all, "minimum_should_match": json.Number("1")}}
	}
	return map[string]any{"bool": map[string]any{"filter": all}}
}

func (p *kqlParser) orExpr() any  { return p.list("or", p.andExpr) }
func (p *kqlParser) andExpr() any { return p.list("and", p.notExpr) }

func (p *kqlParser) notExpr() any {
	if p.keyword("not") {
		p.pos++
		return map[string]any{"bool": map[string]any{"must_not": []any{p.notExpr()}}}
	}
	return p.primary()
}

func (p *kqlParser) primary() any {
	if p.err != nil {
		return nil
	}
	if p.peek("(") {
		p.pos++
		q := p.orExpr()
		if !p.peek(")") {
			p.fail(`")"`)
			return nil
		}
		p.pos++
		return q
	}
	if !p.peek("word") && !p.peek("quoted") {
		p.fail(`"(", "not", field name`)
		return nil
	}
	name := p.toks[p.pos]
	p.pos++
	if !p.peek(":") && !p.peek("<") && !p.peek("<=") && !p.peek(">") && !p.peek(">=") {
		p.fail(`":", "<", "<=", ">", ">="`)
		return nil
	}
	field := name.text
	if p.opts.Field != nil {
		var err error
		if field, err = p.opts.Field(name.text); err != nil {
			p.err = err
			return nil
		}
	}
	if p.peek(":") {
		p.pos++
		return p.valueExpr(field)
	}
	op := map[string]string{"<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}[p.toks[p.pos].kind]
	p.pos++
	if !p.peek("word") && !p.peek("quoted") {
		p.fail("value")
		return nil
	}
	v := p.toks[p.pos].text
	p.pos++
	return map[string]any{"range": map[string]any{field: map[string]any{op: v}}}
}

// valueExpr reads the value side of field:value, including
// field:(a or b) lists.
func (p *kqlParser) valueExpr(field string) any {
	if p.peek("(") {
		p.pos++
		q := p.list("or", func() any { return p.valueAnd(field) })
		if !p.peek(")") {
			p.fail(`")"`)
			return nil
		}
		p.pos++
		return q
	}
	return p.value(field)
}

func (p *kqlParser) valueAnd(field string) any {
	return p.list("and", func() any { return p.valueNot(field) })
}

func (p *kqlParser) valueNot(field string) any {
	if p.keyword("not") {
		p.pos++
		return map[string]any{"bool": map[string]any{"must_not": []any{p.valueNot(field)}}}
	}
	return p.valueExpr(field)
}

// value reads one value: a phrase, or unquoted words up to the next
// keyword or parenthesis.
func (p *kqlParser) value(field string) any {
	if p.peek("quoted") {
		v := p.toks[p.pos].text
		p.pos++
		if p.opts.CaseInsensitive {
			return map[string]any{"term": map[string]any{field: map[string]any{"value": v, "case_insensitive": true}}}
		}
		return map[string]any{"match_phrase": map[string]any{field: v}}
	}
	var words []string
	for p.peek("word") && !p.keyword("and") && !p.keyword("or") && !p.keyword("not") {
		words = append(words, p.toks[p.pos].text)
		p.pos++
	}
	if len(words) == 0 {
		p.fail("value")
		return nil
	}
	v := strings.Join(words, " ")
	switch {
	case v == "*":
		return map[string]any{"exists": map[string]any{"field": field}}
	case strings.Contains(v, "*"):
		if p.opts.CaseInsensitive {
			return map[string]any{"wildcard": map[string]any{field: map[string]any{"value": v, "case_insensitive": true}}}
		}
		return map[string]any{"wildcard": map[string]any{field: map[string]any{"value": v}}}
	case p.opts.CaseInsensitive:
		return map[string]any{"term": map[string]any{field: map[string]any{"value": v, "case_insensitive": true}}}
	}
	return map[string]any{"match": map[string]any{field: v}}
}
