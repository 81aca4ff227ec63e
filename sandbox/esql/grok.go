package esql

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// grokPatterns is the part of Grok's pattern dictionary that log parsing
// and detection content use, each written here as a regular expression
// that may name other entries as %{NAME}.
var grokPatterns = map[string]string{
	"USERNAME":          `[a-zA-Z0-9._-]+`,
	"USER":              `%{USERNAME}`,
	"EMAILLOCALPART":    `[a-zA-Z0-9!#$%&'*+\-/=?^_{|}~]+(?:\.[a-zA-Z0-9!#$%&'*+\-/=?^_{|}~]+)*`,
	"EMAILADDRESS":      `%{EMAILLOCALPART}@%{HOSTNAME}`,
	"INT":               `[+-]?[0-9]+`,
	"BASE10NUM":         `[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)`,
	"NUMBER":            `%{BASE10NUM}`,
	"BASE16NUM":         `[+-]?(?:0x)?[0-9A-Fa-f]+`,
	"BASE16FLOAT":       `[+-]?(?:0x)?(?:[0-9A-Fa-f]+(?:\.[0-9A-Fa-f]*)?|\.[0-9A-Fa-f]+)`,
	"POSINT":            `[1-9][0-9]*`,
	"NONNEGINT":         `[0-9]+`,
	"WORD":              `\b\w+\b`,
	"NOTSPACE":          `\S+`,
	"SPACE":             `\s*`,
	"DATA":              `.*?`,
	"GREEDYDATA":        `.*`,
	"QUOTEDSTRING":      `"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|` + "`(?:[^`\\\\]|\\\\.)*`",
	"QS":                `%{QUOTEDSTRING}`,
	"UUID":              `[A-Fa-f0-9]{8}-(?:[A-Fa-f0-9]{4}-){3}[A-Fa-f0-9]{12}`,
	"MAC":               `(?:[A-Fa-f0-9]{2}[:-]){5}[A-Fa-f0-9]{2}|(?:[A-Fa-f0-9]{4}\.){2}[A-Fa-f0-9]{4}`,
	"IPV4":              `(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])`,
	"IPV6":              `(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%[0-9A-Za-z]+)?`,
	"IP":                `%{IPV6}|%{IPV4}`,
	"HOSTNAME":          `\b[0-9A-Za-z][0-9A-Za-z-]{0,62}(?:\.[0-9A-Za-z][0-9A-Za-z-]{0,62})*\.?\b`,
	"IPORHOST":          `%{IP}|%{HOSTNAME}`,
	"HOSTPORT":          `%{IPORHOST}:%{POSINT}`,
	"UNIXPATH":          `(?:/[^/\s?#]*)+`,
	"WINPATH":           `(?:[A-Za-z]+:|\\)(?:\\[^\\?*]*)+`,
	"PATH":              `%{UNIXPATH}|%{WINPATH}`,
	"URIPROTO":          `[A-Za-z][A-Za-z0-9+\-.]+`,
	"URIHOST":           `%{IPORHOST}(?::%{POSINT})?`,
	"URIPATH":           `(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+`,
	"URIPARAM":          `\?[A-Za-z0-9$.+!*'|(){},~@#%&/=:;_?\-\[\]<>]*`,
	"URIPATHPARAM":      `%{URIPATH}(?:%{URIPARAM})?`,
	"URI":               `%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?`,
	"MONTHNUM":          `0?[1-9]|1[0-2]`,
	"MONTHDAY":          `(?:0[1-9])|(?:[12][0-9])|(?:3[01])|[1-9]`,
	"YEAR":              `(?:\d\d){1,2}`,
	"HOUR":              `2[0123]|[01]?[0-9]`,
	"MINUTE":            `[0-5][0-9]`,
	"SECOND":            `(?:[0-5]?[0-9]|60)(?:[:.,][0-9]+)?`,
	"ISO8601_TIMEZONE":  `Z|[+-]%{HOUR}(?::?%{MINUTE})`,
	"TIMESTAMP_ISO8601": `%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?`,
	"LOGLEVEL":          `[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?|INFO?(?:RMATION)?|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?`,
}

// grokField is one named capture of a GROK pattern.
type grokField struct {
	group string // the capture group's name in the compiled regexp
	name  string // the column
	typ   string // keyword, integer, long, double or boolean
}

type grokProgram struct {
	re     *regexp.Regexp
	fields []grokField // columns in the order the pattern names them
}

var (
	grokRef   = regexp.MustCompile(`%\{(\w+)(?::([\w.@\[\]-]+))?(?::(\w+))?\}`)
	namedOnig = regexp.MustCompile(`\(\?<([^>=!][^>]*)>`)
)

// compileGrok turns a GROK pattern into a regular expression with one
// capture group per named field; the error is Elasticsearch's reason.
func compileGrok(pattern string) (*grokProgram, error) {
	prog := &grokProgram{}
	types := map[string]string{}
	n := 0
	add := func(name, typ string) string {
		n++
		g := fmt.Sprintf("g%d", n)
		if old, ok := types[name]; ok {
			if old != typ {
				panic(fmt.Errorf("the attribute [%s] is defined multiple times with different types", name))
			}
		} else {
			types[name] = typ
			prog.fields = append(prog.fields, grokField{name: name, typ: typ})
		}
		prog.fields = append(prog.fields, grokField{group: g, name: name, typ: typ})
		return g
	}
	var expand func(p string, depth int) string
	expand = func(p string, depth int) string {
		if depth > 20 {
			panic(fmt.Errorf("circular reference in pattern [%s]", p))
		}
		// Oniguruma's (?<name>...) with any name: a group of ours.
		p = namedOnig.ReplaceAllStringFunc(p, func(m string) string {
			return "(?P<" + add(namedOnig.FindStringSubmatch(m)[1], "keyword") + ">"
		})
		return grokRef.ReplaceAllStringFunc(p, func(m string) string {
			sm := grokRef.FindStringSubmatch(m)
			def, ok := grokPatterns[sm[1]]
			if !ok {
				panic(fmt.Errorf("Unable to find pattern [%s] in Grok's pattern dictionary", sm[1]))
			}
			inner := expand(def, depth+1)
			if sm[2] == "" {
				return "(?:" + inner + ")"
			}
			typ := "keyword"
			switch sm[3] {
			case "", "string":
			case "int":
				typ = "integer"
			case "long":
				typ = "long"
			case "float", "double":
				typ = "double"
			case "boolean":
				typ = "boolean"
			default:
				panic(fmt.Errorf("Unsupported type [%s] in grok pattern [%s]", sm[3], m))
			}
			return "(?P<" + add(sm[2], typ) + ">" + inner + ")"
		})
	}
	var src string
	var err error
	func() {
		defer func() {
			if p := recover(); p != nil {
				e, ok := p.(error)
				if !ok {
					panic(p)
				}
				err = e
			}
		}()
		src = expand(pattern, 0)
	}()
	if err != nil {
		return nil, err
	}
	re, rerr := regexp.Compile(javaToGo(src))
	if rerr != nil {
		return nil, fmt.Errorf("%v", rerr)
	}
	prog.re = re
	return prog, nil
}

// columns are the output columns, each named once, in the order of their
// names (as Elasticsearch lists a GROK's columns).
func (g *grokProgram) columns() []grokField {
	var out []grokField
	for _, f := range g.fields {
		if f.group == "" {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// match extracts each column's value from s (nil when s does not match;
// a name captured more than once is multi-valued).
func (g *grokProgram) match(s string) map[string]any {
	m := g.re.FindStringSubmatchIndex(s)
	if m == nil {
		return nil
	}
	out := map[string]any{}
	for _, f := range g.fields {
		if f.group == "" {
			continue
		}
		i := g.re.SubexpIndex(f.group)
		if i < 0 || m[2*i] < 0 {
			continue
		}
		v, ok := toType(s[m[2*i]:m[2*i+1]], f.typ)
		if !ok {
			continue
		}
		if old, seen := out[f.name]; seen {
			out[f.name] = appendMV(old, v)
		} else {
			out[f.name] = v
		}
	}
	return out
}

func appendMV(old, v any) any {
	if mv, ok := old.([]any); ok {
		return append(mv, v)
	}
	return []any{old, v}
}

func (r *run) grok(c *grokCmd, t *table) (*table, *verr) {
	ce, err := r.compiler().compile(c.x, t.cols)
	if err != nil {
		return nil, err
	}
	if !isStringType(ce.typ) && ce.typ != "null" {
		s, e := c.x.span()
		return nil, vfail(s, "Grok only supports KEYWORD or TEXT values, found expression [%s] type [%s]", r.q[s:e], ce.typ)
	}
	matches := make([]map[string]any, len(t.rows))
	for i, row := range t.rows {
		if s, isStr := ce.f(row).(string); isStr {
			matches[i] = c.prog.match(s)
		}
	}
	for _, f := range c.prog.columns() {
		vals := make([][]any, len(t.rows))
		for i, m := range matches {
			vals[i] = []any{m[f.name]}
		}
		t = withColumn(t, column{f.name, f.typ}, vals)
	}
	return t, nil
}

// grokParse reads a GROK command's pattern, checking it as Elasticsearch
// does when it parses the query.
func (p *parser) grokParse(at token) command {
	c := &grokCmd{cmdAt: cmdAt{at.pos}}
	c.x = p.parsePrimary()
	if p.tok.kind != tStr {
		p.mismatch("QUOTED_STRING")
	}
	pt := p.advance()
	prog, err := compileGrok(pt.s)
	if err != nil {
		p.fail(pt.pos, "Invalid pattern [%s] for grok: %s", pt.s, strings.TrimSpace(err.Error()))
	}
	c.prog = prog
	return c
}
