package esql

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

type column struct {
	name, typ string
}

// cexpr is a compiled expression: its type and how to evaluate it on a row.
type cexpr struct {
	typ   string
	f     func(row []any) any
	isLit bool
	lit   any
}

func constant(v any, typ string) *cexpr {
	return &cexpr{typ: typ, f: func([]any) any { return v }, isLit: true, lit: v}
}

type compiler struct {
	q    string
	now  time.Time
	warn func(pos int, msg string)
	// STATS: aggregate calls become slots read from the group row.
	aggs     *[]*aggSpec
	aggInput []column
}

type aggSpec struct {
	name  string
	text  string
	star  bool
	arg   *cexpr
	extra []any
	where *cexpr
	// weight is WEIGHTED_AVG's second argument, read per row
	weight *cexpr
}

var aggFuncs = map[string]bool{"COUNT": true, "COUNT_DISTINCT": true, "MIN": true, "MAX": true, "AVG": true, "SUM": true,
	"VALUES": true, "MEDIAN": true, "PERCENTILE": true, "TOP": true, "STD_DEV": true, "MEDIAN_ABSOLUTE_DEVIATION": true, "WEIGHTED_AVG": true}

func (c *compiler) text(e expr) string {
	s, en := e.span()
	if s < 0 || en > len(c.q) || s > en {
		return ""
	}
	return c.q[s:en]
}

func findColumn(cols []column, name string) int {
	for i := len(cols) - 1; i >= 0; i-- {
		if cols[i].name == name {
			return i
		}
	}
	return -1
}

func (c *compiler) compile(e expr, cols []column) (*cexpr, *verr) {
	switch x := e.(type) {
	case *litExpr:
		return constant(x.val, x.typ), nil
	case *identExpr:
		i := findColumn(cols, x.name)
		if i < 0 {
			if c.aggs != nil && findColumn(c.aggInput, x.name) >= 0 {
				return nil, vfail(x.pos, "column [%s] must appear in the STATS BY clause or be used in an aggregate function", x.name)
			}
			return nil, vfail(x.pos, "Unknown column [%s]", x.name)
		}
		return &cexpr{typ: cols[i].typ, f: func(r []any) any { return r[i] }}, nil
	case *unaryExpr:
		a, err := c.compile(x.x, cols)
		if err != nil {
			return nil, err
		}
		if x.op == "+" {
			return a, nil
		}
		switch {
		case isNumeric(a.typ):
			return c.scalar(x.pos, a.typ, []*cexpr{a}, func(v []any) any {
				if i, ok := v[0].(int64); ok {
					return -i
				}
				return -v[0].(float64)
			}), nil
		case a.typ == "time_duration" || a.typ == "date_period":
			if a.isLit {
				return constant(a.lit.(timeSpan).neg(), a.typ), nil
			}
		case a.typ == "null":
			return constant(nil, "null"), nil
		}
		return nil, vfail(x.pos, "argument of [%s] must be [numeric, date_period or time_duration], found value [%s] type [%s]", c.text(x), c.text(x.x), a.typ)
	case *notExpr:
		a, err := c.compile(x.x, cols)
		if err != nil {
			return nil, err
		}
		if a.typ != "boolean" && a.typ != "null" {
			return nil, vfail(x.pos, "argument of [%s] must be [boolean], found value [%s] type [%s]", c.text(x), c.text(x.x), a.typ)
		}
		return c.scalar(x.pos, "boolean", []*cexpr{a}, func(v []any) any { return !v[0].(bool) }), nil
	case *isNullExpr:
		a, err := c.compile(x.x, cols)
		if err != nil {
			return nil, err
		}
		not := x.not
		return &cexpr{typ: "boolean", f: func(r []any) any { return (a.f(r) == nil) != not }}, nil
	case *binaryExpr:
		return c.compileBinary(x, cols)
	case *likeExpr:
		return c.compileLike(x, cols)
	case *inExpr:
		return c.compileIn(x, cols)
	case *castExpr:
		a, err := c.compile(x.x, cols)
		if err != nil {
			return nil, err
		}
		fn, ok := castFuncs[x.typ]
		if !ok {
			return nil, vfail(x.pos, "Unsupported conversion to type [%s]", x.typ)
		}
		return c.convert(x.pos, a, fn)
	case *mapExpr:
		return nil, vfail(x.pos, "a map of options [%s] is only allowed as a function's last argument", c.text(x))
	case *callExpr:
		if fullTextFuncs[x.name] {
			return c.compileFullText(x, cols)
		}
		if aggFuncs[x.name] {
			return c.compileAgg(x, cols)
		}
		return c.compileCall(x, cols)
	}
	s, _ := e.span()
	return nil, vfail(s, "unsupported expression [%s]", c.text(e))
}

var castFuncs = map[string]string{
	"long": "long", "integer": "integer", "int": "integer", "double": "double", "boolean": "boolean", "bool": "boolean",
	"keyword": "keyword", "string": "keyword", "text": "keyword", "datetime": "date", "date": "date", "ip": "ip",
	"time_duration": "", "date_period": "",
}

// scalar builds a null-propagating function of single values: a null or a
// multi-valued argument gives null (the latter with a warning, as ES does).
func (c *compiler) scalar(pos int, typ string, args []*cexpr, f func(v []any) any) *cexpr {
	allLit := true
	for _, a := range args {
		allLit = allLit && a.isLit
	}
	ev := func(r []any) any {
		v := make([]any, len(args))
		for i, a := range args {
			v[i] = a.f(r)
			if v[i] == nil {
				return nil
			}
			if _, mv := v[i].([]any); mv {
				c.warn(pos, "java.lang.IllegalArgumentException: single-value function encountered multi-value")
				return nil
			}
		}
		return f(v)
	}
	if allLit {
		return constant(ev(nil), typ)
	}
	return &cexpr{typ: typ, f: ev}
}

func comparable(a, b string) bool {
	switch {
	case a == "null" || b == "null":
		return true
	case isNumeric(a) && isNumeric(b):
		return true
	case isStringType(a) && isStringType(b):
		return true
	}
	return a == b
}

// coerceLiteral turns a string literal compared with a date or an IP into
// that type, as Elasticsearch does implicitly.
func coerceLiteral(a, b *cexpr) *cexpr {
	if b.isLit && isStringType(b.typ) && (a.typ == "date" || a.typ == "ip") {
		if v, ok := toType(b.lit, a.typ); ok {
			return constant(v, a.typ)
		}
	}
	return b
}

func (c *compiler) compileBinary(x *binaryExpr, cols []column) (*cexpr, *verr) {
	l, err := c.compile(x.l, cols)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(x.r, cols)
	if err != nil {
		return nil, err
	}
	switch x.op {
	case "AND", "OR":
		for i, a := range []*cexpr{l, r} {
			if a.typ != "boolean" && a.typ != "null" {
				side := x.l
				if i == 1 {
					side = x.r
				}
				return nil, vfail(x.pos, "%s argument of [%s] must be [boolean], found value [%s] type [%s]", ordinal(i), c.text(x), c.text(side), a.typ)
			}
		}
		and := x.op == "AND"
		return &cexpr{typ: "boolean", f: func(row []any) any {
			av := l.f(row) // once: chains of OR nest deeply
			a, _ := av.(bool)
			if and && av != nil && !a {
				return false
			}
			if !and && a {
				return true
			}
			bv := r.f(row)
			b, _ := bv.(bool)
			if and {
				if bv != nil && !b {
					return false
				}
				if av == nil || bv == nil {
					return nil
				}
				return true
			}
			if b {
				return true
			}
			if av == nil || bv == nil {
				return nil
			}
			return false
		}}, nil
	case "==", "!=", "<", "<=", ">", ">=", "=~":
		r = coerceLiteral(l, r)
		l = coerceLiteral(r, l)
		if !comparable(l.typ, r.typ) {
			return nil, vfail(x.pos, "first argument of [%s] is [%s] so second argument must also be [%s] but was [%s]", c.text(x), typeDesc(l.typ), typeDesc(l.typ), r.typ)
		}
		if x.op == "=~" {
			if !isStringType(l.typ) && l.typ != "null" {
				return nil, vfail(x.pos, "first argument of [%s] must be [string], found value [%s] type [%s]", c.text(x), c.text(x.l), l.typ)
			}
			return c.scalar(x.pos, "boolean", []*cexpr{l, r}, func(v []any) any { return strings.EqualFold(v[0].(string), v[1].(string)) }), nil
		}
		op := x.op
		return c.scalar(x.pos, "boolean", []*cexpr{l, r}, func(v []any) any {
			n, ok := compareValues(v[0], v[1])
			if !ok {
				return nil
			}
			switch op {
			case "==":
				return n == 0
			case "!=":
				return n != 0
			case "<":
				return n < 0
			case "<=":
				return n <= 0
			case ">":
				return n > 0
			}
			return n >= 0
		}), nil
	}
	// arithmetic
	op := x.op
	isSpan := func(t string) bool { return t == "time_duration" || t == "date_period" }
	switch {
	case l.typ == "null" || r.typ == "null":
		t := l.typ
		if t == "null" {
			t = r.typ
		}
		return constant(nil, t), nil
	case isNumeric(l.typ) && isNumeric(r.typ):
		typ := numericWiden(l.typ, r.typ)
		pos := x.pos
		return c.scalar(x.pos, typ, []*cexpr{l, r}, func(v []any) any {
			if typ != "double" {
				a, b := v[0].(int64), v[1].(int64)
				switch op {
				case "+":
					return a + b
				case "-":
					return a - b
				case "*":
					return a * b
				case "/", "%":
					if b == 0 {
						c.warn(pos, "java.lang.ArithmeticException: / by zero")
						return nil
					}
					if op == "/" {
						return a / b
					}
					return a % b
				}
			}
			a, _ := toFloat(v[0])
			b, _ := toFloat(v[1])
			var out float64
			switch op {
			case "+":
				out = a + b
			case "-":
				out = a - b
			case "*":
				out = a * b
			case "/":
				if b == 0 {
					c.warn(pos, "java.lang.ArithmeticException: / by zero")
					return nil
				}
				out = a / b
			case "%":
				if b == 0 {
					c.warn(pos, "java.lang.ArithmeticException: / by zero")
					return nil
				}
				out = math.Mod(a, b)
			}
			if math.IsInf(out, 0) || math.IsNaN(out) {
				return nil
			}
			return out
		}), nil
	case l.typ == "date" && isSpan(r.typ) && (op == "+" || op == "-"), isSpan(l.typ) && r.typ == "date" && op == "+":
		d, s := l, r
		if isSpan(l.typ) {
			d, s = r, l
		}
		return c.scalar(x.pos, "date", []*cexpr{d, s}, func(v []any) any {
			sp := v[1].(timeSpan)
			if op == "-" {
				sp = sp.neg()
			}
			return sp.addTo(v[0].(time.Time))
		}), nil
	}
	bad, badE := l, x.l
	if isNumeric(l.typ) || l.typ == "date" {
		bad, badE = r, x.r
	}
	return nil, vfail(x.pos, "arguments of [%s] have incompatible types [%s] and [%s] (found value [%s] type [%s])", c.text(x), l.typ, r.typ, c.text(badE), bad.typ)
}

func ordinal(i int) string {
	return []string{"first", "second", "third", "fourth", "fifth"}[min(i, 4)]
}

func typeDesc(t string) string {
	if isNumeric(t) {
		return "numeric"
	}
	if t == "keyword" || t == "text" {
		return "keyword"
	}
	return t
}

// wildcardToRegexp translates an ES|QL LIKE pattern (* ?, \ escapes).
func wildcardToRegexp(p string) string {
	var b strings.Builder
	b.WriteString("(?s)^")
	for i := 0; i < len(p); i++ {
		switch ch := p[i]; ch {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteString(regexp.QuoteMeta(p[i : i+1]))
			} else {
				b.WriteString(`\\`)
			}
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1]))
		}
	}
	b.WriteString("$")
	return b.String()
}

func (c *compiler) compileLike(x *likeExpr, cols []column) (*cexpr, *verr) {
	a, err := c.compile(x.x, cols)
	if err != nil {
		return nil, err
	}
	if !isStringType(a.typ) && a.typ != "null" {
		return nil, vfail(x.pos, "first argument of [%s] must be [string], found value [%s] type [%s]", c.text(x), c.text(x.x), a.typ)
	}
	var res []*regexp.Regexp
	for _, p := range x.patterns {
		src := wildcardToRegexp(p)
		if x.rlike {
			src = "(?s)^(?:" + luceneToGo(p) + ")$"
		}
		re, rerr := regexp.Compile(src)
		if rerr != nil {
			return nil, vfail(x.patAt, "Invalid regex pattern [%s]: %v", p, rerr)
		}
		res = append(res, re)
	}
	not := x.not
	return c.scalar(x.pos, "boolean", []*cexpr{a}, func(v []any) any {
		s := v[0].(string)
		for _, re := range res {
			if re.MatchString(s) {
				return !not
			}
		}
		return not
	}), nil
}

func (c *compiler) compileIn(x *inExpr, cols []column) (*cexpr, *verr) {
	a, err := c.compile(x.x, cols)
	if err != nil {
		return nil, err
	}
	var list []*cexpr
	for _, e := range x.list {
		b, err := c.compile(e, cols)
		if err != nil {
			return nil, err
		}
		b = coerceLiteral(a, b)
		if !comparable(a.typ, b.typ) {
			s, _ := e.span()
			return nil, vfail(s, "%s argument of [%s] must be [%s], found value [%s] type [%s]", ordinal(len(list)+1), c.text(x), a.typ, c.text(e), b.typ)
		}
		list = append(list, b)
	}
	not := x.not
	pos := x.pos
	return &cexpr{typ: "boolean", f: func(r []any) any {
		v := a.f(r)
		if v == nil {
			return nil
		}
		if _, mv := v.([]any); mv {
			c.warn(pos, "java.lang.IllegalArgumentException: single-value function encountered multi-value")
			return nil
		}
		sawNull := false
		for _, b := range list {
			w := b.f(r)
			if w == nil {
				sawNull = true
				continue
			}
			if n, ok := compareValues(v, w); ok && n == 0 {
				return !not
			}
		}
		if sawNull {
			return nil
		}
		return not
	}}, nil
}

// convert applies a TO_* conversion to every value, null on failure.
func (c *compiler) convert(pos int, a *cexpr, typ string) (*cexpr, *verr) {
	if typ == "" {
		if a.typ == "time_duration" || a.typ == "date_period" {
			return a, nil
		}
		return nil, vfail(pos, "Unsupported conversion to a time span from [%s]", a.typ)
	}
	conv := func(v any) any {
		if a.typ == "date" && (typ == "long" || typ == "integer") {
			return v.(time.Time).UnixMilli()
		}
		if isStringType(a.typ) && typ == "date" {
			if s, ok := v.(string); ok {
				if t, ok := parseDate(s); ok {
					return t
				}
				c.warn(pos, fmt.Sprintf("java.lang.IllegalArgumentException: failed to parse date field [%s] with format [strict_date_optional_time]", s))
				return nil
			}
		}
		out, ok := toType(v, typ)
		if !ok {
			k, _ := toKeyword(v)
			c.warn(pos, fmt.Sprintf("org.elasticsearch.xpack.esql.core.InvalidArgumentException: Cannot parse number [%v]", k))
			return nil
		}
		if typ == "integer" {
			if i := out.(int64); i > math.MaxInt32 || i < math.MinInt32 {
				c.warn(pos, fmt.Sprintf("org.elasticsearch.xpack.esql.core.InvalidArgumentException: [%d] out of [integer] range", i))
				return nil
			}
		}
		return out
	}
	f := func(r []any) any {
		v := a.f(r)
		switch x := v.(type) {
		case nil:
			return nil
		case []any:
			var out []any
			for _, e := range x {
				if o := conv(e); o != nil {
					out = append(out, o)
				}
			}
			return mvOf(out)
		}
		return conv(v)
	}
	if a.isLit {
		return constant(f(nil), typ), nil
	}
	return &cexpr{typ: typ, f: f}, nil
}

func parseCIDR(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		if a, ok := parseIP(s); ok {
			return netip.PrefixFrom(a, a.BitLen()), true
		}
		return netip.Prefix{}, false
	}
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), true
}
