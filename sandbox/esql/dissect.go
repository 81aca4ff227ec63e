package esql

import (
	"strings"
)

type dissectKey struct {
	name     string
	skip     bool
	appendTo bool
	pad      bool
}

// parseDissect splits a DISSECT pattern into its keys and the delimiters
// before, between and after them.
func parseDissect(p string) (prefix string, keys []dissectKey, delims []string, ok bool) {
	rest := p
	i := strings.Index(rest, "%{")
	if i < 0 {
		return "", nil, nil, false
	}
	prefix, rest = rest[:i], rest[i:]
	for rest != "" {
		if !strings.HasPrefix(rest, "%{") {
			return "", nil, nil, false
		}
		end := strings.IndexByte(rest, '}')
		if end < 0 {
			return "", nil, nil, false
		}
		k := dissectKey{name: rest[2:end]}
		if strings.HasSuffix(k.name, "->") {
			k.pad, k.name = true, strings.TrimSuffix(k.name, "->")
		}
		switch {
		case strings.HasPrefix(k.name, "?"):
			k.skip, k.name = true, k.name[1:]
		case strings.HasPrefix(k.name, "+"):
			k.appendTo, k.name = true, k.name[1:]
			if j := strings.IndexByte(k.name, '/'); j >= 0 {
				k.name = k.name[:j]
			}
		case strings.HasPrefix(k.name, "*") || strings.HasPrefix(k.name, "&"):
			return "", nil, nil, false
		}
		if k.name == "" {
			k.skip = true
		}
		keys = append(keys, k)
		rest = rest[end+1:]
		j := strings.Index(rest, "%{")
		if j < 0 {
			delims = append(delims, rest)
			rest = ""
		} else {
			if j == 0 && len(keys) > 0 {
				return "", nil, nil, false // two keys need a delimiter between them
			}
			delims = append(delims, rest[:j])
			rest = rest[j:]
		}
	}
	return prefix, keys, delims, true
}

func dissectMatch(s, prefix string, keys []dissectKey, delims []string, sep string) (map[string]string, bool) {
	if !strings.HasPrefix(s, prefix) {
		return nil, false
	}
	s = s[len(prefix):]
	out := map[string]string{}
	for i, k := range keys {
		d := delims[i]
		var v string
		if d == "" {
			v, s = s, ""
		} else {
			j := strings.Index(s, d)
			if j < 0 {
				return nil, false
			}
			v, s = s[:j], s[j+len(d):]
			if k.pad {
				for strings.HasPrefix(s, d) {
					s = s[len(d):]
				}
			}
		}
		if k.skip {
			continue
		}
		if k.appendTo {
			if old, ok := out[k.name]; ok {
				v = old + sep + v
			}
		}
		out[k.name] = v
	}
	if s != "" {
		return nil, false
	}
	return out, true
}

func (r *run) dissect(c *dissectCmd, t *table) (*table, *verr) {
	ce, err := r.compiler().compile(c.x, t.cols)
	if err != nil {
		return nil, err
	}
	if !isStringType(ce.typ) && ce.typ != "null" {
		s, e := c.x.span()
		return nil, vfail(s, "Dissect only supports KEYWORD or TEXT values, found expression [%s] type [%s]", r.q[s:e], ce.typ)
	}
	prefix, keys, delims, ok := parseDissect(c.pattern)
	if !ok {
		return nil, vfail(c.patPos, "Invalid pattern for dissect: [%s]", c.pattern)
	}
	var names []string
	seen := map[string]bool{}
	for _, k := range keys {
		if !k.skip && !seen[k.name] {
			seen[k.name] = true
			names = append(names, k.name)
		}
	}
	matches := make([]map[string]string, len(t.rows))
	for i, row := range t.rows {
		if s, isStr := ce.f(row).(string); isStr {
			if m, ok := dissectMatch(s, prefix, keys, delims, c.sep); ok {
				matches[i] = m
			}
		}
	}
	for _, n := range names {
		vals := make([][]any, len(t.rows))
		for i, m := range matches {
			vals[i] = []any{nil}
			if m != nil {
				vals[i][0] = m[n]
			}
		}
		t = withColumn(t, column{n, "keyword"}, vals)
	}
	return t, nil
}
