package esql

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"unicode"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Full-text functions. The sandbox keeps no inverted index, so each is
// evaluated per row: KQL through the sandbox's own KQL translator and
// query DSL, MATCH (and the : operator) as Elasticsearch's match query
// behaves on the field's type: a keyword is matched whole, text by its
// lower-cased words, other types by equality with the query converted.

var fullTextFuncs = map[string]bool{"KQL": true, "MATCH": true, "QSTR": true, "MATCH_PHRASE": true, "MULTI_MATCH": true, "TERM": true}

func (c *compiler) compileFullText(x *callExpr, cols []column) (*cexpr, *verr) {
	switch x.name {
	case "KQL":
		return c.compileKQL(x, cols)
	case "MATCH", "MATCH_PHRASE", "TERM":
		return c.compileMatch(x, cols)
	case "MULTI_MATCH":
		return c.compileMultiMatch(x, cols)
	}
	return nil, vfail(x.pos, "the sandbox does not support the full-text function [%s]", x.name)
}

// constString is a function argument that must be a string constant.
func (c *compiler) constString(x *callExpr, i int, cols []column) (string, *verr) {
	a, err := c.compile(x.args[i], cols)
	if err != nil {
		return "", err
	}
	s, ok := a.lit.(string)
	if !a.isLit || !ok {
		return "", vfail(x.pos, "%s argument of [%s] must be a constant string, found [%s]", ordinal(i), c.text(x), c.text(x.args[i]))
	}
	return s, nil
}

func (c *compiler) compileKQL(x *callExpr, cols []column) (*cexpr, *verr) {
	if err := c.argCount(x, 1, 1); err != nil {
		return nil, err
	}
	src, err := c.constString(x, 0, cols)
	if err != nil {
		return nil, err
	}
	clause, kerr := es.KQL(src, es.KQLOptions{})
	if kerr != nil {
		return nil, vfail(x.pos, "Invalid KQL query [%s]: %s", src, firstLine(kerr.Error()))
	}
	if _, derr := (&es.Index{Name: "esql"}).Matching(clause, c.now); derr != nil {
		return nil, vfail(x.pos, "Invalid KQL query [%s]: %s", src, firstLine(derr.Error()))
	}
	now := c.now
	names := make([]string, len(cols))
	// the types values alone do not tell, so that ranges compare dates
	// and IPs match CIDR blocks
	mapping := map[string]es.Kind{}
	for i, col := range cols {
		names[i] = col.name
		switch col.typ {
		case "date":
			mapping[col.name] = es.Date
		case "ip":
			mapping[col.name] = es.IP
		case "text":
			mapping[col.name] = es.Text
		}
	}
	return &cexpr{typ: "boolean", f: func(row []any) any {
		doc := make(map[string]any, len(row))
		for i, v := range row {
			if v != nil && i < len(names) {
				doc[names[i]] = output(v)
			}
		}
		ix := &es.Index{Name: "esql", Mapping: mapping}
		ix.Put("0", doc)
		got, _ := ix.Matching(clause, now)
		return len(got) == 1
	}}, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// matchOptions are the match options the sandbox honours; the others
// (boost, analyzer, ...) change scoring or analysis it does not model.
type matchOptions struct {
	and       bool
	fuzziness int // -1: AUTO
	fuzzy     bool
}

var knownMatchOptions = map[string]bool{"analyzer": true, "auto_generate_synonyms_phrase_query": true, "boost": true, "fuzziness": true,
	"fuzzy_transpositions": true, "lenient": true, "max_expansions": true, "minimum_should_match": true, "operator": true,
	"prefix_length": true, "slop": true, "type": true}

func (c *compiler) compileMatch(x *callExpr, cols []column) (*cexpr, *verr) {
	maxArgs := 3
	if x.name == "TERM" {
		maxArgs = 2
	}
	if err := c.argCount(x, 2, maxArgs); err != nil {
		return nil, err
	}
	opt, err := c.matchOptions(x, 2)
	if err != nil {
		return nil, err
	}
	return c.fieldMatch(x, x.args[0], x.args[1], opt, cols)
}

// compileMultiMatch is MULTI_MATCH(query, field, ...[, options]): a match
// on any of the fields.
func (c *compiler) compileMultiMatch(x *callExpr, cols []column) (*cexpr, *verr) {
	if err := c.argCount(x, 2, 100); err != nil {
		return nil, err
	}
	fields := x.args[1:]
	opt := matchOptions{}
	if _, isMap := fields[len(fields)-1].(*mapExpr); isMap {
		var err *verr
		if opt, err = c.matchOptions(x, len(x.args)-1); err != nil {
			return nil, err
		}
		fields = fields[:len(fields)-1]
	}
	if len(fields) == 0 {
		return nil, vfail(x.pos, "error building [multi_match]: expects at least 2 arguments")
	}
	var ms []*cexpr
	for _, f := range fields {
		m, err := c.fieldMatch(x, f, x.args[0], opt, cols)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return &cexpr{typ: "boolean", f: func(row []any) any {
		for _, m := range ms {
			if b, _ := m.f(row).(bool); b {
				return true
			}
		}
		return false
	}}, nil
}

// matchOptions reads the options map at x.args[i], when there is one.
func (c *compiler) matchOptions(x *callExpr, i int) (matchOptions, *verr) {
	var opt matchOptions
	if len(x.args) <= i {
		return opt, nil
	}
	m, isMap := x.args[i].(*mapExpr)
	if !isMap {
		return opt, vfail(x.pos, "%s argument of [%s] must be a map of options, found [%s]", ordinal(i), c.text(x), c.text(x.args[i]))
	}
	for i, k := range m.keys {
		if !knownMatchOptions[k] {
			return opt, vfail(m.pos, "Invalid option [%s] in [%s], expected one of [analyzer, auto_generate_synonyms_phrase_query, boost, fuzziness, fuzzy_transpositions, lenient, max_expansions, minimum_should_match, operator, prefix_length, slop, type]", k, c.text(x))
		}
		v := m.vals[i].val
		switch k {
		case "operator":
			opt.and = strings.EqualFold(fmt.Sprint(v), "and")
		case "fuzziness":
			opt.fuzzy = true
			switch f := v.(type) {
			case int64:
				opt.fuzziness = int(min(max(f, 0), 2))
			case string:
				opt.fuzziness = -1
				if n, ok := toType(f, "integer"); ok {
					opt.fuzziness = int(min(max(n.(int64), 0), 2))
				}
			}
		}
	}
	return opt, nil
}

// fieldMatch tests one field against a constant query, as x's function
// does: MATCH (a keyword whole, text by any word), MATCH_PHRASE (text by
// its words in order), TERM (unanalysed: a keyword whole, text by one
// word); other types compare equal to the query converted.
func (c *compiler) fieldMatch(x *callExpr, fieldArg, queryArg expr, opt matchOptions, cols []column) (*cexpr, *verr) {
	_, ok := fieldArg.(*identExpr)
	if cast, isCast := fieldArg.(*castExpr); isCast {
		_, ok = cast.x.(*identExpr) // field::type is a field too
	}
	if !ok {
		return nil, vfail(x.pos, "argument of [%s] must be a field, found [%s]", c.text(x), c.text(fieldArg))
	}
	field, err := c.compile(fieldArg, cols)
	if err != nil {
		return nil, err
	}
	q, err := c.compile(queryArg, cols)
	if err != nil {
		return nil, err
	}
	if !q.isLit || q.lit == nil {
		return nil, vfail(x.pos, "query of [%s] must be a constant, found [%s]", c.text(x), c.text(queryArg))
	}
	typ := field.typ
	var want any
	switch {
	case typ == "null":
		return constant(nil, "boolean"), nil
	case isStringType(typ):
		s, isStr := q.lit.(string)
		if !isStr {
			s = fmt.Sprint(output(q.lit))
		}
		want = s
	default:
		if qs, isStr := q.lit.(string); isStr && typ == "ip" {
			// an IP field matches a CIDR block as a term query does
			if pfx, err := netip.ParsePrefix(qs); err == nil {
				want = pfx.Masked()
				break
			}
		}
		v, ok := toType(q.lit, typ)
		if !ok {
			return nil, vfail(x.pos, "query of [%s] cannot be converted to [%s], found value [%s]", c.text(x), typ, c.text(queryArg))
		}
		want = v
	}
	test := func(v any) bool { return hashKey(v) == hashKey(want) }
	if pfx, isPrefix := want.(netip.Prefix); isPrefix {
		test = func(v any) bool { a, ok := v.(netip.Addr); return ok && pfx.Contains(a.Unmap()) }
	}
	if isStringType(typ) {
		qs := want.(string)
		switch {
		case typ != "text":
			test = func(v any) bool { return fuzzyEqual(v.(string), qs, opt) }
		case x.name == "TERM":
			test = func(v any) bool { return slices.Contains(analyze(v.(string)), qs) }
		case x.name == "MATCH_PHRASE":
			words := analyze(qs)
			test = func(v any) bool { return hasPhrase(analyze(v.(string)), words) }
		default:
			words := analyze(qs)
			test = func(v any) bool { return textMatch(analyze(v.(string)), words, opt) }
		}
	}
	return &cexpr{typ: "boolean", f: func(row []any) any {
		v := field.f(row)
		if mv, ok := v.([]any); ok {
			for _, e := range mv {
				if test(e) {
					return true
				}
			}
			return false
		}
		return v != nil && test(v)
	}}, nil
}

// hasPhrase reports whether want's words stand together, in order, in have.
func hasPhrase(have, want []string) bool {
	if len(want) == 0 {
		return false
	}
	for i := 0; i+len(want) <= len(have); i++ {
		if slices.Equal(have[i:i+len(want)], want) {
			return true
		}
	}
	return false
}

// analyze is the standard analyzer, near enough: lower-cased words.
func analyze(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func textMatch(have, want []string, opt matchOptions) bool {
	if len(want) == 0 {
		return false
	}
	n := 0
	for _, w := range want {
		for _, h := range have {
			if fuzzyEqual(h, w, opt) {
				n++
				break
			}
		}
	}
	if opt.and {
		return n == len(want)
	}
	return n > 0
}

// fuzzyEqual compares whole values, within the edit distance fuzziness
// allows (AUTO: none up to 2 characters, one up to 5, two beyond).
func fuzzyEqual(a, b string, opt matchOptions) bool {
	if a == b {
		return true
	}
	if !opt.fuzzy {
		return false
	}
	d := opt.fuzziness
	if d < 0 {
		switch n := len([]rune(b)); {
		case n <= 2:
			d = 0
		case n <= 5:
			d = 1
		default:
			d = 2
		}
	}
	return d > 0 && editDistance(a, b, d) <= d
}

// editDistance is the Damerau-Levenshtein distance (adjacent transpositions
// count one, as Lucene's fuzzy queries count them), or more than limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if abs := len(ra) - len(rb); abs > limit || -abs > limit {
		return limit + 1
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
