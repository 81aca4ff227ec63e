package esql

import (
	"encoding/json"
	"strconv"
	"strings"
)

// sourceJSON is a document's _source (METADATA _source), kept as its JSON
// text so it stays comparable and hashable like every other value.
type sourceJSON string

func sourceOf(raw map[string]any) any {
	if raw == nil {
		return nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return nil
	}
	return sourceJSON(b)
}

// jsonPath splits a JSON_EXTRACT path: "a.b[0]", "$.a.b", "$['a.b']".
func jsonPath(p string) ([]any, bool) {
	p = strings.TrimPrefix(strings.TrimSpace(p), "$")
	var out []any
	for p != "" {
		switch {
		case strings.HasPrefix(p, "."):
			p = p[1:]
		case strings.HasPrefix(p, "['"):
			end := strings.Index(p, "']")
			if end < 0 {
				return nil, false
			}
			out = append(out, p[2:end])
			p = p[end+2:]
		case strings.HasPrefix(p, "["):
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return nil, false
			}
			n, err := strconv.Atoi(p[1:end])
			if err != nil || n < 0 {
				return nil, false
			}
			out = append(out, n)
			p = p[end+1:]
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			out = append(out, p[:end])
			p = p[end:]
		}
	}
	return out, true
}

// jsonExtract finds the path in a JSON text: a string as itself, any other
// value as its JSON; ok is false when the text is not JSON or the path
// leads nowhere.
func jsonExtract(doc, path string) (any, bool) {
	steps, ok := jsonPath(path)
	if !ok {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	for _, st := range steps {
		switch k := st.(type) {
		case string:
			m, isMap := v.(map[string]any)
			if !isMap {
				return nil, false
			}
			next, found := m[k]
			if !found {
				// a dotted key as _source may hold it ("process.name")
				return nil, false
			}
			v = next
		case int:
			a, isArr := v.([]any)
			if !isArr || k >= len(a) {
				return nil, false
			}
			v = a[k]
		}
	}
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		return x, true
	}
	b, _ := json.Marshal(v)
	return string(b), true
}

func (c *compiler) compileJSONExtract(x *callExpr, args []*cexpr) (*cexpr, *verr) {
	if err := c.argCount(x, 2, 2); err != nil {
		return nil, err
	}
	if t := args[0].typ; !isStringType(t) && t != "_source" && t != "null" {
		return nil, vfail(x.pos, "first argument of [%s] must be [keyword, text or _source], found value [%s] type [%s]", c.text(x), c.text(x.args[0]), t)
	}
	if err := c.wantType(x, 1, args[1], "keyword or text", isStringType(args[1].typ)); err != nil {
		return nil, err
	}
	pos := x.pos
	return c.scalar(pos, "keyword", args, func(v []any) any {
		var doc string
		switch d := v[0].(type) {
		case sourceJSON:
			doc = string(d)
		case string:
			doc = d
		}
		out, ok := jsonExtract(doc, v[1].(string))
		if !ok {
			c.warn(pos, "java.lang.IllegalArgumentException: cannot extract ["+v[1].(string)+"]")
			return nil
		}
		return out
	}), nil
}
