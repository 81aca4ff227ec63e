package esql

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// Param is one query parameter: named (Name set, used as ?name) or
// positional (Name empty, used as ? or ?1).
type Param struct {
	Name  string
	Value any
}

type parser struct {
	q       string
	tok     token
	params  []Param
	nextPos int // next positional parameter for a bare ?
	cmds    []command
}

type parseFailure struct{ err *Error }

func (p *parser) fail(off int, format string, args ...any) {
	panic(parseFailure{parseErr(p.q, off, format, args...)})
}

func (p *parser) advance() token {
	t := p.tok
	p.tok = lex(p.q, t.end)
	if p.tok.kind == tBad {
		p.fail(p.tok.pos, "%s", p.tok.err)
	}
	return t
}

func (p *parser) peek() token { return lex(p.q, p.tok.end) }

func (p *parser) mismatch(expecting string) {
	p.fail(p.tok.pos, "mismatched input '%s' expecting %s", p.tok.text(), expecting)
}

func (p *parser) expectOp(op string) token {
	if !p.tok.op(op) {
		p.mismatch("'" + op + "'")
	}
	return p.advance()
}

func (p *parser) expectKw(kw string) token {
	if !p.tok.is(kw) {
		p.mismatch(kw)
	}
	return p.advance()
}

// parse reads a whole query.
func parse(q string, params []Param) (cmds []command, err *Error) {
	p := &parser{q: q, params: params}
	defer func() {
		if r := recover(); r != nil {
			pf, ok := r.(parseFailure)
			if !ok {
				panic(r)
			}
			cmds, err = nil, pf.err
		}
	}()
	p.tok = lex(q, 0)
	if p.tok.kind == tBad {
		p.fail(p.tok.pos, "%s", p.tok.err)
	}
	switch {
	case p.tok.is("FROM"):
		p.cmds = append(p.cmds, p.parseFrom())
	case p.tok.is("ROW"):
		pos := p.advance().pos
		p.cmds = append(p.cmds, &rowCmd{cmdAt{pos}, p.parseAssigns(false)})
	case p.tok.is("SHOW"):
		t := p.advance()
		if !p.tok.is("INFO") {
			p.mismatch("'info'")
		}
		p.advance()
		p.cmds = append(p.cmds, &showInfoCmd{cmdAt{t.pos}})
	case p.tok.kind == tIdent && sourceCommandsUnsupported[strings.ToUpper(p.tok.s)]:
		p.fail(p.tok.pos, "the sandbox does not support the [%s] command", strings.ToUpper(p.tok.s))
	default:
		p.mismatch("{'explain', 'row', 'from', 'show'}")
	}
	for !p.atEnd() {
		if !p.tok.op("|") {
			p.mismatch("{<EOF>, '|'}")
		}
		p.advance()
		p.cmds = append(p.cmds, p.parseProcessing())
	}
	return p.cmds, nil
}

func (p *parser) atEnd() bool { return p.tok.kind == tEOF }

var sourceCommandsUnsupported = map[string]bool{"EXPLAIN": true, "METRICS": true, "TS": true, "META": true}

var processingUnsupported = map[string]bool{
	"CHANGE_POINT": true, "FORK": true, "COMPLETION": true, "RERANK": true, "JOIN": true, "LEFT": true,
	"RIGHT": true, "FUSE": true, "INSIST": true,
}

func (p *parser) parseProcessing() command {
	t := p.tok
	if t.kind != tIdent || t.quoted {
		p.mismatch("{'dissect', 'drop', 'enrich', 'eval', 'grok', 'keep', 'limit', 'mv_expand', 'rename', 'sort', 'stats', 'where', 'lookup'}")
	}
	kw := strings.ToUpper(t.s)
	switch kw {
	case "WHERE":
		p.advance()
		c := &whereCmd{cmdAt{t.pos}, p.parseExpr()}
		return c
	case "EVAL":
		p.advance()
		return &evalCmd{cmdAt{t.pos}, p.parseAssigns(false)}
	case "STATS":
		p.advance()
		return p.parseStats(t)
	case "INLINESTATS":
		p.advance()
		return &inlineStatsCmd{*p.parseStats(t)}
	case "INLINE":
		p.advance()
		if !p.tok.is("STATS") {
			p.mismatch("'stats'")
		}
		p.advance()
		return &inlineStatsCmd{*p.parseStats(t)}
	case "SORT":
		p.advance()
		c := &sortCmd{cmdAt: cmdAt{t.pos}}
		for {
			k := sortKey{x: p.parseExpr()}
			if p.tok.is("DESC") {
				k.desc = true
				p.advance()
			} else if p.tok.is("ASC") {
				p.advance()
			}
			k.nullsFirst = k.desc
			if p.tok.is("NULLS") {
				p.advance()
				switch {
				case p.tok.is("FIRST"):
					k.nullsFirst = true
				case p.tok.is("LAST"):
					k.nullsFirst = false
				default:
					p.mismatch("{'first', 'last'}")
				}
				p.advance()
			}
			c.keys = append(c.keys, k)
			if !p.tok.op(",") {
				break
			}
			p.advance()
		}
		return c
	case "LIMIT":
		p.advance()
		var n int64
		switch p.tok.kind {
		case tInt:
			v, err := strconv.ParseInt(p.tok.s, 10, 32)
			if err != nil {
				p.fail(p.tok.pos, "Invalid value for LIMIT [%s], must be a non-negative integer", p.tok.s)
			}
			n = v
		case tParam:
			e := p.paramLit(p.tok)
			v, ok := e.val.(int64)
			if !ok || v < 0 || v > math.MaxInt32 {
				p.fail(p.tok.pos, "Invalid value for LIMIT [%v], must be a non-negative integer", e.val)
			}
			n = v
		default:
			p.mismatch("INTEGER_LITERAL")
		}
		p.advance()
		return &limitCmd{cmdAt{t.pos}, int(n)}
	case "KEEP", "DROP":
		p.advance()
		return &keepCmd{cmdAt{t.pos}, p.parsePatterns(), kw == "DROP"}
	case "RENAME":
		p.advance()
		c := &renameCmd{cmdAt: cmdAt{t.pos}}
		for {
			a := p.parseName()
			if p.tok.op("=") {
				p.advance()
				b := p.parseName()
				c.pairs = append(c.pairs, renamePair{from: b.s, fromPos: b.pos, to: a.s, toPos: a.pos})
			} else {
				p.expectKw("AS")
				b := p.parseName()
				c.pairs = append(c.pairs, renamePair{from: a.s, fromPos: a.pos, to: b.s, toPos: b.pos})
			}
			if !p.tok.op(",") {
				break
			}
			p.advance()
		}
		return c
	case "MV_EXPAND":
		p.advance()
		n := p.parseName()
		return &mvExpandCmd{cmdAt{t.pos}, n.s, n.pos}
	case "DISSECT":
		p.advance()
		c := &dissectCmd{cmdAt: cmdAt{t.pos}}
		c.x = p.parsePrimary()
		if p.tok.kind != tStr {
			p.mismatch("QUOTED_STRING")
		}
		c.pattern, c.patPos = p.tok.s, p.tok.pos
		p.advance()
		if p.tok.kind == tIdent && !p.tok.quoted {
			o := p.advance()
			if !strings.EqualFold(o.s, "APPEND_SEPARATOR") {
				p.fail(o.pos, "Invalid option for dissect: [%s]", o.s)
			}
			p.expectOp("=")
			if p.tok.kind != tStr {
				p.mismatch("QUOTED_STRING")
			}
			c.sep = p.advance().s
		}
		return c
	case "GROK":
		p.advance()
		return p.grokParse(t)
	case "ENRICH":
		return p.parseEnrich(t)
	case "SAMPLE":
		p.advance()
		v := p.tok
		if v.kind != tDec && v.kind != tInt {
			p.mismatch("DECIMAL_LITERAL")
		}
		p.advance()
		f, err := strconv.ParseFloat(v.s, 64)
		if err != nil || f <= 0 || f >= 1 {
			p.fail(v.pos, "invalid value for SAMPLE probability [%s], expecting a number between 0 and 1, exclusive", v.s)
		}
		return &sampleCmd{cmdAt{t.pos}, f}
	case "LOOKUP":
		p.advance()
		if !p.tok.is("JOIN") {
			p.mismatch("'join'")
		}
		return p.parseLookupJoin(t)
	case "FROM", "ROW":
		p.fail(t.pos, "mismatched input '%s' expecting {'dissect', 'drop', 'enrich', 'eval', 'grok', 'keep', 'limit', 'mv_expand', 'rename', 'sort', 'stats', 'where', 'lookup'}", t.s)
	}
	if processingUnsupported[kw] {
		p.fail(t.pos, "the sandbox does not support the [%s] command", kw)
	}
	p.fail(t.pos, "mismatched input '%s' expecting {'dissect', 'drop', 'enrich', 'eval', 'grok', 'keep', 'limit', 'mv_expand', 'rename', 'sort', 'stats', 'where', 'lookup'}", t.s)
	return nil
}

func (p *parser) parseName() token {
	if p.tok.kind != tIdent {
		p.mismatch("{UNQUOTED_IDENTIFIER, QUOTED_IDENTIFIER}")
	}
	return p.advance()
}

// rawList scans comma-separated raw items (index patterns, column patterns)
// starting at the current token, with a byte predicate for unquoted items.
func (p *parser) rawList(ok func(byte) bool, allowString bool) []sourcePat {
	var out []sourcePat
	off := p.tok.pos
	for {
		off = skipSpace(p.q, off)
		start := off
		switch {
		case off < len(p.q) && p.q[off] == '"' && allowString:
			t := lex(p.q, off)
			if t.kind != tStr {
				p.fail(off, "%s", t.err)
			}
			out = append(out, sourcePat{t.s, start})
			off = t.end
		case off < len(p.q) && p.q[off] == '`':
			t := lex(p.q, off)
			if t.kind != tIdent {
				p.fail(off, "%s", t.err)
			}
			name := t.s
			off = t.end
			for off < len(p.q) && ok(p.q[off]) { // `host`.* and the like
				name += string(p.q[off])
				off++
			}
			out = append(out, sourcePat{name, start})
		default:
			var name strings.Builder
			for off < len(p.q) && ok(p.q[off]) && !strings.HasPrefix(p.q[off:], "//") && !strings.HasPrefix(p.q[off:], "/*") {
				name.WriteByte(p.q[off])
				off++
				// source.`as`.name: a quoted part inside a dotted name
				if p.q[off-1] == '.' && off < len(p.q) && p.q[off] == '`' {
					t := lex(p.q, off)
					if t.kind != tIdent {
						p.fail(off, "%s", t.err)
					}
					name.WriteString(t.s)
					off = t.end
				}
			}
			if off == start {
				p.tok = lex(p.q, start)
				if p.tok.kind == tBad {
					p.fail(p.tok.pos, "%s", p.tok.err)
				}
				p.mismatch("{QUOTED_STRING, UNQUOTED_SOURCE}")
			}
			out = append(out, sourcePat{name.String(), start})
		}
		next := skipSpace(p.q, off)
		if next < len(p.q) && p.q[next] == ',' {
			off = next + 1
			continue
		}
		p.tok = lex(p.q, off)
		if p.tok.kind == tBad {
			p.fail(p.tok.pos, "%s", p.tok.err)
		}
		return out
	}
}

func isSourceChar(c byte) bool {
	return !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '|' || c == '"' || c == '`' || c == '(' || c == ')' || c == '[' || c == ']' || c == '=')
}

func isPatternChar(c byte) bool { return isIdentChar(c) || c == '.' || c == '*' }

func (p *parser) parseFrom() command {
	t := p.tok
	c := &fromCmd{cmdAt: cmdAt{t.pos}}
	p.tok = token{pos: t.end, end: t.end}
	c.sources = p.rawList(isSourceChar, true)
	// The raw scan swallows a trailing METADATA keyword glued as a source: no,
	// METADATA is separated by white space, so it arrives as the next token.
	if p.tok.is("METADATA") {
		p.advance()
		c.metadata = p.rawList(isPatternChar, false)
	}
	return c
}

func (p *parser) parsePatterns() []sourcePat {
	return p.rawList(isPatternChar, false)
}

func (p *parser) parseAssigns(stats bool) []assign {
	var out []assign
	for {
		var a assign
		if p.tok.kind == tIdent {
			if n := p.peek(); n.op("=") {
				a.name, a.namePos = p.tok.s, p.tok.pos
				p.advance()
				p.advance()
			}
		}
		a.x = p.parseExpr()
		if a.name == "" {
			s, e := a.x.span()
			a.name, a.namePos = p.q[s:e], s
		}
		if stats && p.tok.is("WHERE") {
			p.advance()
			a.where = p.parseExpr()
		}
		out = append(out, a)
		if !p.tok.op(",") {
			return out
		}
		p.advance()
	}
}

// Expressions, loosest first.

func (p *parser) parseExpr() expr { return p.parseOr() }

func (p *parser) parseOr() expr {
	l := p.parseAnd()
	for p.tok.is("OR") {
		op := p.advance()
		r := p.parseAnd()
		l = &binaryExpr{at: join(l, r), op: "OR", l: l, r: r, opAt: op.pos}
	}
	return l
}

func (p *parser) parseAnd() expr {
	l := p.parseNot()
	for p.tok.is("AND") {
		op := p.advance()
		r := p.parseNot()
		l = &binaryExpr{at: join(l, r), op: "AND", l: l, r: r, opAt: op.pos}
	}
	return l
}

func join(l, r expr) at {
	s, _ := l.span()
	_, e := r.span()
	return at{s, e}
}

func (p *parser) parseNot() expr {
	if p.tok.is("NOT") {
		t := p.advance()
		x := p.parseNot()
		_, e := x.span()
		return &notExpr{at{t.pos, e}, x}
	}
	return p.parsePredicate()
}

func (p *parser) parsePredicate() expr {
	x := p.parseComparison()
	s, _ := x.span()
	for {
		not := false
		if p.tok.is("NOT") {
			n := p.peek()
			if !(n.is("LIKE") || n.is("RLIKE") || n.is("IN")) {
				return x
			}
			not = true
			p.advance()
		}
		switch {
		case p.tok.is("IS"):
			p.advance()
			n := false
			if p.tok.is("NOT") {
				n = true
				p.advance()
			}
			e := p.expectKw("NULL")
			x = &isNullExpr{at{s, e.end}, x, n}
		case p.tok.is("LIKE"), p.tok.is("RLIKE"):
			rl := p.tok.is("RLIKE")
			p.advance()
			le := &likeExpr{x: x, rlike: rl, not: not, patAt: p.tok.pos}
			if p.tok.op("(") {
				p.advance()
				for {
					le.patterns = append(le.patterns, p.patternString())
					if !p.tok.op(",") {
						break
					}
					p.advance()
				}
				le.end = p.expectOp(")").end
			} else {
				le.end = p.tok.end
				le.patterns = append(le.patterns, p.patternString())
			}
			le.pos = s
			x = le
		case p.tok.is("IN"):
			p.advance()
			p.expectOp("(")
			ie := &inExpr{x: x, not: not}
			for {
				ie.list = append(ie.list, p.parseComparison())
				if !p.tok.op(",") {
					break
				}
				p.advance()
			}
			ie.at = at{s, p.expectOp(")").end}
			x = ie
		default:
			return x
		}
	}
}

func (p *parser) patternString() string {
	switch p.tok.kind {
	case tStr:
		return p.advance().s
	case tParam:
		e := p.paramLit(p.tok)
		p.advance()
		if s, ok := e.val.(string); ok {
			return s
		}
	}
	p.mismatch("QUOTED_STRING")
	return ""
}

var comparisonOps = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true, "=~": true}

func (p *parser) parseComparison() expr {
	l := p.parseAdd()
	if p.tok.kind == tOp && comparisonOps[p.tok.s] {
		op := p.advance()
		r := p.parseAdd()
		return &binaryExpr{at: join(l, r), op: op.s, l: l, r: r, opAt: op.pos}
	}
	if p.tok.op("=") {
		p.fail(p.tok.pos, "mismatched input '=' expecting {<EOF>, '|', 'and', 'or', '==', '!=', '<', '<=', '>', '>=', ...} (use == to compare)")
	}
	if p.tok.op(":") {
		// field : "query" is MATCH(field, "query")
		id, ok := l.(*identExpr)
		if !ok {
			p.mismatch("{<EOF>, '|', 'and', 'or', '==', '!=', '<', '<=', '>', '>='}")
		}
		p.advance()
		r := p.parseAdd()
		if _, lit := r.(*litExpr); !lit {
			s, _ := r.span()
			p.fail(s, "the match operator [:] takes a constant query, found [%s]", p.q[s:spanEnd(r)])
		}
		c := &callExpr{at: join(l, r), name: "MATCH", args: []expr{id, r}}
		return c
	}
	return l
}

func (p *parser) parseAdd() expr {
	l := p.parseMul()
	for p.tok.op("+") || p.tok.op("-") {
		op := p.advance()
		r := p.parseMul()
		l = &binaryExpr{at: join(l, r), op: op.s, l: l, r: r, opAt: op.pos}
	}
	return l
}

func (p *parser) parseMul() expr {
	l := p.parseUnary()
	for p.tok.op("*") || p.tok.op("/") || p.tok.op("%") {
		op := p.advance()
		r := p.parseUnary()
		l = &binaryExpr{at: join(l, r), op: op.s, l: l, r: r, opAt: op.pos}
	}
	return l
}

func (p *parser) parseUnary() expr {
	if p.tok.op("-") || p.tok.op("+") {
		t := p.advance()
		x := p.parseUnary()
		_, e := x.span()
		if l, ok := x.(*litExpr); ok && t.s == "-" {
			switch v := l.val.(type) {
			case int64:
				return &litExpr{at{t.pos, e}, -v, l.typ}
			case float64:
				return &litExpr{at{t.pos, e}, -v, l.typ}
			}
		}
		return &unaryExpr{at{t.pos, e}, t.s, x}
	}
	return p.parsePrimary()
}

// notUnits are the words that may follow a number in a query.
var notUnits = map[string]bool{"WHERE": true, "ON": true, "WITH": true, "METADATA": true, "FIRST": true, "LAST": true, "APPEND_SEPARATOR": true}

var spanUnits = map[string]string{
	"millisecond": "ms", "milliseconds": "ms", "ms": "ms",
	"second": "s", "seconds": "s", "sec": "s", "s": "s",
	"minute": "m", "minutes": "m", "min": "m",
	"hour": "h", "hours": "h", "h": "h",
	"day": "d", "days": "d", "d": "d",
	"week": "w", "weeks": "w", "w": "w",
	"month": "M", "months": "M", "mo": "M",
	"quarter": "q", "quarters": "q", "q": "q",
	"year": "y", "years": "y", "yr": "y", "y": "y",
}

func (p *parser) parsePrimary() expr {
	t := p.tok
	var x expr
	switch t.kind {
	case tInt:
		p.advance()
		v, err := strconv.ParseInt(t.s, 10, 64)
		if err != nil {
			f, _ := strconv.ParseFloat(t.s, 64)
			x = &litExpr{at{t.pos, t.end}, f, "double"}
			break
		}
		if p.tok.kind == tIdent && !p.tok.quoted {
			if u, ok := spanUnits[strings.ToLower(p.tok.s)]; ok {
				e := p.advance()
				sp := makeSpan(v, u)
				x = &litExpr{at{t.pos, e.end}, sp, sp.typ()}
				break
			}
			// a number then a word is a time span to Elasticsearch's
			// grammar, whatever the word
			if w := strings.ToUpper(p.tok.s); !reservedWords[w] && !notUnits[w] {
				p.fail(p.tok.pos, "Unexpected temporal unit: '%s'", p.tok.s)
			}
		}
		typ := "integer"
		if v > math.MaxInt32 || v < math.MinInt32 {
			typ = "long"
		}
		x = &litExpr{at{t.pos, t.end}, v, typ}
	case tDec:
		p.advance()
		f, err := strconv.ParseFloat(t.s, 64)
		if err != nil || math.IsInf(f, 0) {
			p.fail(t.pos, "Number [%s] is too large", t.s)
		}
		x = &litExpr{at{t.pos, t.end}, f, "double"}
	case tStr:
		p.advance()
		x = &litExpr{at{t.pos, t.end}, t.s, "keyword"}
	case tParam:
		p.advance()
		x = p.paramLit(t)
	case tIdent:
		if !t.quoted {
			switch strings.ToLower(t.s) {
			case "true", "false":
				p.advance()
				x = &litExpr{at{t.pos, t.end}, strings.EqualFold(t.s, "true"), "boolean"}
			case "null":
				p.advance()
				x = &litExpr{at{t.pos, t.end}, nil, "null"}
			}
			if x != nil {
				break
			}
			if reservedWords[strings.ToUpper(t.s)] {
				p.fail(t.pos, "extraneous input '%s' expecting {QUOTED_STRING, INTEGER_LITERAL, DECIMAL_LITERAL, 'false', 'null', '?', 'true', '-', '+', '(', UNQUOTED_IDENTIFIER, QUOTED_IDENTIFIER}", t.s)
			}
		}
		p.advance()
		if p.tok.op("(") && !t.quoted {
			p.advance()
			c := &callExpr{name: strings.ToUpper(t.s)}
			c.pos = t.pos
			if p.tok.op("*") {
				c.star = true
				p.advance()
			} else if !p.tok.op(")") {
				for {
					c.args = append(c.args, p.parseExpr())
					if !p.tok.op(",") {
						break
					}
					p.advance()
				}
			}
			c.end = p.expectOp(")").end
			x = c
		} else {
			x = &identExpr{at{t.pos, t.end}, t.s}
		}
	case tOp:
		if t.s == "(" {
			p.advance()
			inner := p.parseExpr()
			e := p.expectOp(")")
			// keep the parentheses in the text, as Elasticsearch does
			switch v := inner.(type) {
			case *binaryExpr:
				v.pos, v.end = t.pos, e.end
			}
			x = inner
			break
		}
		if t.s == "{" {
			x = p.parseMap()
			break
		}
		if t.s == "[" {
			p.advance()
			var vals []any
			typ := "null"
			for !p.tok.op("]") {
				e := p.parseUnary()
				l, ok := e.(*litExpr)
				if !ok {
					s, _ := e.span()
					p.fail(s, "multi-value literals take constants only")
				}
				vals = append(vals, l.val)
				if typ == "null" || (typ == "integer" && l.typ != "integer") {
					typ = l.typ
				}
				if !p.tok.op(",") {
					break
				}
				p.advance()
			}
			e := p.expectOp("]")
			x = &litExpr{at{t.pos, e.end}, mvOf(vals), typ}
			break
		}
		p.mismatch("{QUOTED_STRING, INTEGER_LITERAL, DECIMAL_LITERAL, 'false', 'null', '?', 'true', '-', '+', '(', UNQUOTED_IDENTIFIER, QUOTED_IDENTIFIER}")
	default:
		p.mismatch("{QUOTED_STRING, INTEGER_LITERAL, DECIMAL_LITERAL, 'false', 'null', '?', 'true', '-', '+', '(', UNQUOTED_IDENTIFIER, QUOTED_IDENTIFIER}")
	}
	for p.tok.op("::") {
		p.advance()
		ty := p.parseName()
		s, _ := x.span()
		x = &castExpr{at{s, ty.end}, x, strings.ToLower(ty.s)}
	}
	return x
}

var reservedWords = map[string]bool{"AND": true, "OR": true, "NOT": true, "BY": true, "ASC": true, "DESC": true, "IN": true, "IS": true, "LIKE": true, "RLIKE": true, "AS": true, "NULLS": true}

// paramLit turns a ?placeholder into a literal.
func (p *parser) paramLit(t token) *litExpr {
	var v any
	found := false
	switch {
	case t.s == "":
		p.nextPos++
		if p.nextPos <= len(p.params) {
			v, found = p.params[p.nextPos-1].Value, true
		}
	case isDigit(t.s[0]):
		n, err := strconv.Atoi(t.s)
		if err == nil && n >= 1 && n <= len(p.params) {
			v, found = p.params[n-1].Value, true
		}
	default:
		for _, pr := range p.params {
			if pr.Name == t.s {
				v, found = pr.Value, true
			}
		}
	}
	if !found {
		if t.s == "" {
			p.fail(t.pos, "No parameter is defined for position %d, did you mean any position between 1 and %d?", p.nextPos, len(p.params))
		}
		if isDigit(t.s[0]) {
			p.fail(t.pos, "No parameter is defined for position %s, did you mean any position between 1 and %d?", t.s, len(p.params))
		}
		p.fail(t.pos, "Unknown query parameter [%s]", t.s)
	}
	l, ok := literalOf(v)
	if !ok {
		p.fail(t.pos, "unsupported parameter value type %T for [?%s]", v, t.s)
	}
	l.at = at{t.pos, t.end}
	return l
}

func literalOf(v any) (*litExpr, bool) {
	switch x := v.(type) {
	case nil:
		return &litExpr{typ: "null"}, true
	case string:
		return &litExpr{val: x, typ: "keyword"}, true
	case bool:
		return &litExpr{val: x, typ: "boolean"}, true
	case int:
		return intLit(int64(x)), true
	case int32:
		return intLit(int64(x)), true
	case int64:
		return intLit(x), true
	case float32:
		return &litExpr{val: float64(x), typ: "double"}, true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return intLit(int64(x)), true
		}
		return &litExpr{val: x, typ: "double"}, true
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return intLit(i), true
		}
		if f, err := x.Float64(); err == nil {
			return &litExpr{val: f, typ: "double"}, true
		}
	case time.Time:
		return &litExpr{val: x.UTC(), typ: "date"}, true
	}
	return nil, false
}

func intLit(i int64) *litExpr {
	if i > math.MaxInt32 || i < math.MinInt32 {
		return &litExpr{val: i, typ: "long"}
	}
	return &litExpr{val: i, typ: "integer"}
}

func spanEnd(e expr) int {
	_, end := e.span()
	return end
}

// parseMap reads a function's options: {"key": constant, ...}.
func (p *parser) parseMap() expr {
	t := p.advance()
	m := &mapExpr{}
	m.pos = t.pos
	for !p.tok.op("}") {
		if p.tok.kind != tStr {
			p.mismatch("QUOTED_STRING")
		}
		m.keys = append(m.keys, p.advance().s)
		p.expectOp(":")
		v := p.parseUnary()
		l, ok := v.(*litExpr)
		if !ok {
			s, _ := v.span()
			p.fail(s, "option values must be constants")
		}
		m.vals = append(m.vals, l)
		if !p.tok.op(",") {
			break
		}
		p.advance()
	}
	m.end = p.expectOp("}").end
	return m
}

// parseStats reads what follows STATS: aggregates, then BY groups.
func (p *parser) parseStats(t token) *statsCmd {
	c := &statsCmd{cmdAt: cmdAt{t.pos}}
	if !p.tok.is("BY") && !p.tok.op("|") && !p.atEnd() {
		c.aggs = p.parseAssigns(true)
	}
	if p.tok.is("BY") {
		p.advance()
		c.by = p.parseAssigns(false)
	}
	if len(c.aggs) == 0 && len(c.by) == 0 {
		p.fail(t.pos, "At least one aggregation or grouping expression required in [%s]", strings.TrimSpace(p.q[t.pos:p.tok.pos]))
	}
	return c
}

// rawWord reads an unquoted policy or index name at the current token.
func (p *parser) rawWord(what string) (string, int) {
	off := skipSpace(p.q, p.tok.pos)
	start := off
	for off < len(p.q) && isSourceChar(p.q[off]) && !strings.HasPrefix(p.q[off:], "//") && !strings.HasPrefix(p.q[off:], "/*") {
		off++
	}
	if off == start {
		p.mismatch(what)
	}
	p.tok = lex(p.q, off)
	if p.tok.kind == tBad {
		p.fail(p.tok.pos, "%s", p.tok.err)
	}
	return p.q[start:off], start
}

func (p *parser) parseEnrich(t token) command {
	p.tok = lex(p.q, t.end)
	c := &enrichCmd{cmdAt: cmdAt{t.pos}}
	c.policy, c.policyPos = p.rawWord("ENRICH_POLICY_NAME")
	if p.tok.is("ON") {
		p.advance()
		p.parseName()
	}
	if p.tok.is("WITH") {
		p.advance()
		for {
			p.parseName()
			if p.tok.op("=") {
				p.advance()
				p.parseName()
			}
			if !p.tok.op(",") {
				break
			}
			p.advance()
		}
	}
	return c
}

func (p *parser) parseLookupJoin(t token) command {
	j := p.tok
	p.tok = lex(p.q, j.end)
	c := &lookupJoinCmd{cmdAt: cmdAt{t.pos}}
	c.index, c.indexPos = p.rawWord("UNQUOTED_SOURCE")
	p.expectKw("ON")
	for {
		c.on = append(c.on, p.parseName())
		if !p.tok.op(",") {
			break
		}
		p.advance()
	}
	return c
}
