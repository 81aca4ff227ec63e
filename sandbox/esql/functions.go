package esql

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

func (c *compiler) argCount(x *callExpr, minN, maxN int) *verr {
	n := len(x.args)
	if n >= minN && (maxN < 0 || n <= maxN) {
		return nil
	}
	switch {
	case minN == maxN:
		return vfail(x.pos, "error building [%s]: expects exactly %d argument%s", strings.ToLower(x.name), minN, plural(minN))
	case n < minN:
		return vfail(x.pos, "error building [%s]: expects at least %d argument%s", strings.ToLower(x.name), minN, plural(minN))
	}
	return vfail(x.pos, "error building [%s]: expects at most %d argument%s", strings.ToLower(x.name), maxN, plural(maxN))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (c *compiler) wantType(x *callExpr, i int, a *cexpr, want string, ok bool) *verr {
	if ok || a.typ == "null" {
		return nil
	}
	return vfail(x.pos, "%s argument of [%s] must be [%s], found value [%s] type [%s]", ordinal(i), c.text(x), want, c.text(x.args[i]), a.typ)
}

func (c *compiler) compileCall(x *callExpr, cols []column) (*cexpr, *verr) {
	if x.star {
		return nil, vfail(x.pos, "invalid use of [*] in [%s]", c.text(x))
	}
	args := make([]*cexpr, len(x.args))
	for i, e := range x.args {
		a, err := c.compile(e, cols)
		if err != nil {
			return nil, err
		}
		args[i] = a
	}
	str := func(i int) *verr {
		return c.wantType(x, i, args[i], "keyword or text", isStringType(args[i].typ))
	}
	num := func(i int) *verr {
		return c.wantType(x, i, args[i], "numeric", isNumeric(args[i].typ))
	}
	dat := func(i int) *verr {
		return c.wantType(x, i, args[i], "datetime", args[i].typ == "date")
	}
	checks := func(n, m int, fs ...func(int) *verr) *verr {
		if err := c.argCount(x, n, m); err != nil {
			return err
		}
		for i, f := range fs {
			if i < len(args) && f != nil {
				if err := f(i); err != nil {
					return err
				}
			}
		}
		return nil
	}
	S := func(v any) string { return v.(string) }
	I := func(v any) int64 {
		switch n := v.(type) {
		case int64:
			return n
		case float64:
			return int64(n)
		}
		return 0
	}
	F := func(v any) float64 { f, _ := toFloat(v); return f }
	pos := x.pos

	switch x.name {
	case "TO_LOWER", "TO_UPPER", "TRIM", "LTRIM", "RTRIM", "REVERSE":
		if err := checks(1, 1, str); err != nil {
			return nil, err
		}
		fn := map[string]func(string) string{
			"TO_LOWER": strings.ToLower, "TO_UPPER": strings.ToUpper, "TRIM": strings.TrimSpace,
			"LTRIM": func(s string) string { return strings.TrimLeftFunc(s, unicode.IsSpace) },
			"RTRIM": func(s string) string { return strings.TrimRightFunc(s, unicode.IsSpace) },
			"REVERSE": func(s string) string {
				r := []rune(s)
				for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
					r[i], r[j] = r[j], r[i]
				}
				return string(r)
			},
		}[x.name]
		return c.scalar(pos, "keyword", args, func(v []any) any { return fn(S(v[0])) }), nil
	case "STARTS_WITH", "ENDS_WITH", "CONTAINS":
		if err := checks(2, 2, str, str); err != nil {
			return nil, err
		}
		fn := map[string]func(string, string) bool{"STARTS_WITH": strings.HasPrefix, "ENDS_WITH": strings.HasSuffix, "CONTAINS": strings.Contains}[x.name]
		return c.scalar(pos, "boolean", args, func(v []any) any { return fn(S(v[0]), S(v[1])) }), nil
	case "CONCAT":
		if err := c.argCount(x, 2, -1); err != nil {
			return nil, err
		}
		for i := range args {
			if err := str(i); err != nil {
				return nil, err
			}
		}
		return c.scalar(pos, "keyword", args, func(v []any) any {
			var b strings.Builder
			for _, s := range v {
				b.WriteString(S(s))
			}
			return b.String()
		}), nil
	case "LENGTH", "BIT_LENGTH", "BYTE_LENGTH":
		if err := checks(1, 1, str); err != nil {
			return nil, err
		}
		name := x.name
		return c.scalar(pos, "integer", args, func(v []any) any {
			switch name {
			case "BIT_LENGTH":
				return int64(len(S(v[0])) * 8)
			case "BYTE_LENGTH":
				return int64(len(S(v[0])))
			}
			return int64(utf8.RuneCountInString(S(v[0])))
		}), nil
	case "SUBSTRING":
		if err := checks(2, 3, str, num, num); err != nil {
			return nil, err
		}
		return c.scalar(pos, "keyword", args, func(v []any) any {
			r := []rune(S(v[0]))
			start := I(v[1])
			if start < 0 {
				start = int64(len(r)) + start + 1
			}
			if start < 1 {
				start = 1
			}
			if start > int64(len(r)) {
				return ""
			}
			end := int64(len(r))
			if len(v) == 3 {
				if l := I(v[2]); l < 0 {
					return ""
				} else if start-1+l < end {
					end = start - 1 + l
				}
			}
			return string(r[start-1 : end])
		}), nil
	case "LEFT", "RIGHT":
		if err := checks(2, 2, str, num); err != nil {
			return nil, err
		}
		left := x.name == "LEFT"
		return c.scalar(pos, "keyword", args, func(v []any) any {
			r := []rune(S(v[0]))
			n := int(max(0, min(I(v[1]), int64(len(r)))))
			if left {
				return string(r[:n])
			}
			return string(r[len(r)-n:])
		}), nil
	case "REPEAT":
		if err := checks(2, 2, str, num); err != nil {
			return nil, err
		}
		return c.scalar(pos, "keyword", args, func(v []any) any {
			n := I(v[1])
			if n < 0 || n*int64(len(S(v[0]))) > 1<<20 {
				c.warn(pos, "java.lang.IllegalArgumentException: Number parameter cannot be negative or too large")
				return nil
			}
			return strings.Repeat(S(v[0]), int(n))
		}), nil
	case "LOCATE":
		if err := checks(2, 3, str, str, num); err != nil {
			return nil, err
		}
		return c.scalar(pos, "integer", args, func(v []any) any {
			s := []rune(S(v[0]))
			start := int64(1)
			if len(v) == 3 {
				start = max(1, I(v[2]))
			}
			if start > int64(len(s))+1 {
				return int64(0)
			}
			i := strings.Index(string(s[start-1:]), S(v[1]))
			if i < 0 {
				return int64(0)
			}
			return start + int64(utf8.RuneCountInString(string(s[start-1:])[:i]))
		}), nil
	case "REPLACE":
		if err := checks(3, 3, str, str, str); err != nil {
			return nil, err
		}
		var re *regexp.Regexp
		if args[1].isLit && args[1].lit != nil {
			var err error
			if re, err = regexp.Compile(javaToGo(S(args[1].lit))); err != nil {
				return nil, vfail(pos, "Invalid regex pattern [%s]: %v", S(args[1].lit), err)
			}
		}
		return c.scalar(pos, "keyword", args, func(v []any) any {
			r := re
			if r == nil {
				var err error
				if r, err = regexp.Compile(javaToGo(S(v[1]))); err != nil {
					c.warn(pos, "java.util.regex.PatternSyntaxException: "+err.Error())
					return nil
				}
			}
			repl := strings.ReplaceAll(S(v[2]), "${", "$${")
			return r.ReplaceAllString(S(v[0]), javaGroupRefs().ReplaceAllString(repl, "$${$1}"))
		}), nil
	case "SPLIT":
		if err := checks(2, 2, str, str); err != nil {
			return nil, err
		}
		return c.scalar(pos, "keyword", args, func(v []any) any {
			if S(v[1]) == "" {
				return v[0]
			}
			parts := strings.Split(S(v[0]), S(v[1]))
			out := make([]any, len(parts))
			for i, p := range parts {
				out[i] = p
			}
			return mvOf(out)
		}), nil
	case "MD5", "SHA1", "SHA256":
		if err := checks(1, 1, str); err != nil {
			return nil, err
		}
		name := x.name
		return c.scalar(pos, "keyword", args, func(v []any) any { return hashHex(name, S(v[0])) }), nil
	case "HASH":
		if err := checks(2, 2, str, str); err != nil {
			return nil, err
		}
		return c.scalar(pos, "keyword", args, func(v []any) any {
			alg := strings.ReplaceAll(strings.ToUpper(S(v[0])), "-", "")
			if alg != "MD5" && alg != "SHA1" && alg != "SHA256" {
				c.warn(pos, "java.security.NoSuchAlgorithmException: "+S(v[0])+" MessageDigest not available")
				return nil
			}
			return hashHex(alg, S(v[1]))
		}), nil
	case "CASE":
		if len(args) < 2 {
			return nil, c.argCount(x, 2, -1)
		}
		typ := "null"
		for i := 0; i < len(args); i++ {
			if i%2 == 0 && i+1 < len(args) {
				if args[i].typ != "boolean" && args[i].typ != "null" {
					return nil, vfail(pos, "%s argument of [%s] must be [boolean], found value [%s] type [%s]", ordinal(i), c.text(x), c.text(x.args[i]), args[i].typ)
				}
				continue
			}
			t, err := c.unify(x, typ, args[i], i)
			if err != nil {
				return nil, err
			}
			typ = t
		}
		return &cexpr{typ: typ, f: func(r []any) any {
			for i := 0; i+1 < len(args); i += 2 {
				if b, _ := args[i].f(r).(bool); b {
					return widenValue(args[i+1].f(r), typ)
				}
			}
			if len(args)%2 == 1 {
				return widenValue(args[len(args)-1].f(r), typ)
			}
			return nil
		}}, nil
	case "COALESCE", "GREATEST", "LEAST":
		if err := c.argCount(x, 1, -1); err != nil {
			return nil, err
		}
		typ := "null"
		for i, a := range args {
			t, err := c.unify(x, typ, a, i)
			if err != nil {
				return nil, err
			}
			typ = t
		}
		if x.name == "COALESCE" {
			return &cexpr{typ: typ, f: func(r []any) any {
				for _, a := range args {
					if v := a.f(r); v != nil {
						return widenValue(v, typ)
					}
				}
				return nil
			}}, nil
		}
		greatest := x.name == "GREATEST"
		return &cexpr{typ: typ, f: func(r []any) any {
			var best any
			for _, a := range args {
				v := a.f(r)
				if v == nil {
					return nil
				}
				for _, e := range values(v) {
					e = widenValue(e, typ)
					if best == nil {
						best = e
						continue
					}
					n, _ := compareValues(e, best)
					if (greatest && n > 0) || (!greatest && n < 0) {
						best = e
					}
				}
			}
			return best
		}}, nil
	case "TO_STRING", "TO_LONG", "TO_INTEGER", "TO_INT", "TO_DOUBLE", "TO_DBL", "TO_BOOLEAN", "TO_BOOL", "TO_DATETIME", "TO_DT", "TO_IP", "TO_KEYWORD", "TO_STR":
		if err := checks(1, 1); err != nil {
			return nil, err
		}
		typ := map[string]string{"TO_STRING": "keyword", "TO_STR": "keyword", "TO_KEYWORD": "keyword", "TO_LONG": "long", "TO_INTEGER": "integer", "TO_INT": "integer",
			"TO_DOUBLE": "double", "TO_DBL": "double", "TO_BOOLEAN": "boolean", "TO_BOOL": "boolean", "TO_DATETIME": "date", "TO_DT": "date", "TO_IP": "ip"}[x.name]
		return c.convert(pos, args[0], typ)
	case "NOW":
		if err := checks(0, 0); err != nil {
			return nil, err
		}
		return constant(c.now, "date"), nil
	case "PI", "E", "TAU":
		if err := checks(0, 0); err != nil {
			return nil, err
		}
		return constant(map[string]float64{"PI": math.Pi, "E": math.E, "TAU": 2 * math.Pi}[x.name], "double"), nil
	case "DATE_EXTRACT":
		if err := checks(2, 2, str, dat); err != nil {
			return nil, err
		}
		if args[0].isLit && args[0].lit != nil {
			if _, ok := extractPart(S(args[0].lit), time.Time{}); !ok {
				s, _ := x.args[0].span()
				return nil, vfail(s, "invalid date field for [%s]: [%s]", c.text(x), S(args[0].lit))
			}
		}
		return c.scalar(pos, "long", args, func(v []any) any {
			n, ok := extractPart(S(v[0]), v[1].(time.Time))
			if !ok {
				c.warn(pos, "java.lang.IllegalArgumentException: No enum constant java.time.temporal.ChronoField."+strings.ToUpper(S(v[0])))
				return nil
			}
			return n
		}), nil
	case "DATE_TRUNC":
		if err := checks(2, 2, nil, dat); err != nil {
			return nil, err
		}
		if args[0].typ != "time_duration" && args[0].typ != "date_period" {
			return nil, vfail(pos, "first argument of [%s] must be [dateperiod or timeduration], found value [%s] type [%s]", c.text(x), c.text(x.args[0]), args[0].typ)
		}
		return c.scalar(pos, "date", args, func(v []any) any { return truncDate(v[1].(time.Time), v[0].(timeSpan)) }), nil
	case "BUCKET", "BIN":
		return c.compileBucket(x, args)
	case "DATE_DIFF":
		if err := checks(3, 3, str, dat, dat); err != nil {
			return nil, err
		}
		return c.scalar(pos, "integer", args, func(v []any) any {
			n, ok := dateDiff(S(v[0]), v[1].(time.Time), v[2].(time.Time))
			if !ok {
				c.warn(pos, "java.lang.IllegalArgumentException: A value of [YEAR, QUARTER, MONTH, DAYOFYEAR, DAY, WEEK, WEEKDAY, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND, NANOSECOND] or their aliases is required; received ["+S(v[0])+"]")
				return nil
			}
			return n
		}), nil
	case "DATE_FORMAT":
		if err := checks(1, 2); err != nil {
			return nil, err
		}
		if len(args) == 1 {
			if err := dat(0); err != nil {
				return nil, err
			}
			return c.scalar(pos, "keyword", args, func(v []any) any { return formatDate(v[0].(time.Time)) }), nil
		}
		if err := str(0); err != nil {
			return nil, err
		}
		if err := dat(1); err != nil {
			return nil, err
		}
		return c.scalar(pos, "keyword", args, func(v []any) any { return javaFormat(S(v[0]), v[1].(time.Time)) }), nil
	case "DATE_PARSE":
		if err := checks(1, 2, str, str); err != nil {
			return nil, err
		}
		return c.scalar(pos, "date", args, func(v []any) any {
			s := S(v[len(v)-1])
			var t time.Time
			var err error
			if len(v) == 2 {
				t, err = time.Parse(javaToGoLayout(S(v[0])), s)
			} else if tt, ok := parseDate(s); ok {
				t = tt
			} else {
				err = fmt.Errorf("unparseable")
			}
			if err != nil {
				c.warn(pos, "java.lang.IllegalArgumentException: failed to parse date field ["+s+"]")
				return nil
			}
			return t.UTC()
		}), nil
	case "ABS", "FLOOR", "CEIL", "SIGNUM":
		if err := checks(1, 1, num); err != nil {
			return nil, err
		}
		name := x.name
		typ := args[0].typ
		if name == "SIGNUM" {
			typ = "double"
		}
		return c.scalar(pos, typ, args, func(v []any) any {
			if i, ok := v[0].(int64); ok {
				switch name {
				case "ABS":
					if i < 0 {
						return -i
					}
					return i
				case "SIGNUM":
					return float64(cmpOrd(i, 0))
				}
				return i
			}
			f := v[0].(float64)
			switch name {
			case "ABS":
				return math.Abs(f)
			case "FLOOR":
				return math.Floor(f)
			case "CEIL":
				return math.Ceil(f)
			}
			return float64(cmpFloat(f, 0))
		}), nil
	case "ROUND":
		if err := checks(1, 2, num, num); err != nil {
			return nil, err
		}
		return c.scalar(pos, args[0].typ, args, func(v []any) any {
			d := int64(0)
			if len(v) == 2 {
				d = I(v[1])
			}
			if i, ok := v[0].(int64); ok {
				if d >= 0 {
					return i
				}
				p := int64(math.Pow10(int(-d)))
				if p == 0 {
					return int64(0)
				}
				return int64(math.Round(float64(i)/float64(p))) * p
			}
			p := math.Pow10(int(d))
			return math.Round(v[0].(float64)*p) / p
		}), nil
	case "POW", "SQRT", "LOG10", "LOG", "EXP", "CBRT", "SIN", "COS", "TAN", "ATAN2", "SINH", "COSH", "TANH", "ASIN", "ACOS", "ATAN", "HYPOT", "COPY_SIGN", "TO_RADIANS", "TO_DEGREES":
		n := map[string]int{"POW": 2, "LOG": 2, "ATAN2": 2, "HYPOT": 2, "COPY_SIGN": 2}[x.name]
		lo := max(1, n)
		if x.name == "LOG" {
			lo = 1
		}
		if err := checks(lo, max(1, n), num, num); err != nil {
			return nil, err
		}
		name := x.name
		return c.scalar(pos, "double", args, func(v []any) any {
			a := F(v[0])
			var out float64
			switch name {
			case "POW":
				out = math.Pow(a, F(v[1]))
			case "SQRT":
				out = math.Sqrt(a)
			case "LOG10":
				out = math.Log10(a)
			case "LOG":
				if len(v) == 2 {
					out = math.Log(F(v[1])) / math.Log(a)
				} else {
					out = math.Log(a)
				}
			case "EXP":
				out = math.Exp(a)
			case "CBRT":
				out = math.Cbrt(a)
			case "SIN":
				out = math.Sin(a)
			case "COS":
				out = math.Cos(a)
			case "TAN":
				out = math.Tan(a)
			case "ATAN2":
				out = math.Atan2(a, F(v[1]))
			case "SINH":
				out = math.Sinh(a)
			case "COSH":
				out = math.Cosh(a)
			case "TANH":
				out = math.Tanh(a)
			case "ASIN":
				out = math.Asin(a)
			case "ACOS":
				out = math.Acos(a)
			case "ATAN":
				out = math.Atan(a)
			case "HYPOT":
				out = math.Hypot(a, F(v[1]))
			case "COPY_SIGN":
				out = math.Copysign(a, F(v[1]))
			case "TO_RADIANS":
				out = a * math.Pi / 180
			case "TO_DEGREES":
				out = a * 180 / math.Pi
			}
			if math.IsNaN(out) || math.IsInf(out, 0) {
				c.warn(pos, "java.lang.ArithmeticException: "+strings.ToLower(name)+" of invalid value")
				return nil
			}
			return out
		}), nil
	case "CIDR_MATCH":
		if err := c.argCount(x, 2, -1); err != nil {
			return nil, err
		}
		a := args[0]
		if a.typ != "ip" && a.typ != "null" && !isStringType(a.typ) {
			return nil, c.wantType(x, 0, a, "ip", false)
		}
		var prefixes []netip.Prefix
		for i, b := range args[1:] {
			if err := str(i + 1); err != nil {
				return nil, err
			}
			if !b.isLit {
				return nil, vfail(pos, "%s argument of [%s] must be a constant", ordinal(i+1), c.text(x))
			}
			for _, s := range values(b.lit) {
				p, ok := parseCIDR(S(s))
				if !ok {
					return nil, vfail(pos, "'%s' is not a valid CIDR in [%s]", S(s), c.text(x))
				}
				prefixes = append(prefixes, p)
			}
		}
		return &cexpr{typ: "boolean", f: func(r []any) any {
			v := a.f(r)
			if v == nil {
				return nil
			}
			for _, e := range values(v) { // CIDR_MATCH accepts multi-valued IPs
				ip, ok := e.(netip.Addr)
				if !ok {
					if s, isS := e.(string); isS {
						ip, ok = parseIP(s)
					}
				}
				if !ok {
					continue
				}
				for _, p := range prefixes {
					if p.Contains(ip) {
						return true
					}
				}
			}
			return false
		}}, nil
	case "MV_COUNT":
		if err := checks(1, 1); err != nil {
			return nil, err
		}
		a := args[0]
		return &cexpr{typ: "integer", f: func(r []any) any {
			v := a.f(r)
			if v == nil {
				return nil
			}
			return int64(len(values(v)))
		}}, nil
	case "MV_FIRST", "MV_LAST", "MV_MIN", "MV_MAX", "MV_DEDUPE", "MV_SUM", "MV_AVG", "MV_MEDIAN", "MV_SORT":
		if err := checks(1, map[bool]int{true: 2, false: 1}[x.name == "MV_SORT"]); err != nil {
			return nil, err
		}
		a := args[0]
		typ := a.typ
		name := x.name
		if name == "MV_AVG" || name == "MV_MEDIAN" && typ != "double" {
			typ = "double"
		}
		if (name == "MV_SUM" || name == "MV_AVG" || name == "MV_MEDIAN") && !isNumeric(a.typ) && a.typ != "null" {
			return nil, num(0)
		}
		desc := false
		if name == "MV_SORT" && len(args) == 2 {
			if !args[1].isLit || args[1].lit == nil {
				return nil, vfail(pos, "second argument of [%s] must be a constant", c.text(x))
			}
			o, _ := args[1].lit.(string)
			switch strings.ToUpper(o) {
			case "ASC":
			case "DESC":
				desc = true
			default:
				return nil, vfail(pos, "Invalid order value in [%s], expected one of [ASC, DESC] but got [%v]", c.text(x), args[1].lit)
			}
		}
		return &cexpr{typ: typ, f: func(r []any) any {
			vs := values(a.f(r))
			if len(vs) == 0 {
				return nil
			}
			switch name {
			case "MV_FIRST":
				return vs[0]
			case "MV_LAST":
				return vs[len(vs)-1]
			case "MV_DEDUPE":
				return mvOf(sortMV(append([]any(nil), vs...), "keyword"))
			case "MV_SORT":
				s := sortMV(append([]any(nil), vs...), "")
				if desc {
					for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
						s[i], s[j] = s[j], s[i]
					}
				}
				return mvOf(s)
			case "MV_MIN", "MV_MAX":
				best := vs[0]
				for _, e := range vs[1:] {
					n, _ := compareValues(e, best)
					if (name == "MV_MIN" && n < 0) || (name == "MV_MAX" && n > 0) {
						best = e
					}
				}
				return best
			case "MV_SUM":
				return sumValues(vs, typ)
			case "MV_AVG":
				s := 0.0
				for _, e := range vs {
					s += F(e)
				}
				return s / float64(len(vs))
			}
			return median(vs)
		}}, nil
	case "MV_CONCAT":
		if err := checks(2, 2, str, str); err != nil {
			return nil, err
		}
		a, d := args[0], args[1]
		return &cexpr{typ: "keyword", f: func(r []any) any {
			vs, dv := values(a.f(r)), d.f(r)
			if len(vs) == 0 || dv == nil {
				return nil
			}
			parts := make([]string, len(vs))
			for i, e := range vs {
				parts[i] = S(e)
			}
			return strings.Join(parts, S(dv))
		}}, nil
	case "MV_SLICE":
		if err := checks(2, 3, nil, num, num); err != nil {
			return nil, err
		}
		a := args[0]
		return &cexpr{typ: a.typ, f: func(r []any) any {
			vs := values(a.f(r))
			s := args[1].f(r)
			if len(vs) == 0 || s == nil {
				return nil
			}
			start, end := I(s), I(s)
			if len(args) == 3 {
				if e := args[2].f(r); e != nil {
					end = I(e)
				}
			}
			n := int64(len(vs))
			if start < 0 {
				start += n
			}
			if end < 0 {
				end += n
			}
			if start < 0 || start >= n || end < start {
				return nil
			}
			return mvOf(vs[start:min(end+1, n)])
		}}, nil
	case "JSON_EXTRACT":
		return c.compileJSONExtract(x, args)
	case "URL_DECODE", "FROM_BASE64":
		if err := checks(1, 1, str); err != nil {
			return nil, err
		}
		return c.scalar(pos, "keyword", args, func(v []any) any {
			var out string
			var err error
			if x.name == "URL_DECODE" {
				out, err = url.QueryUnescape(S(v[0]))
			} else {
				var b []byte
				b, err = base64.StdEncoding.DecodeString(S(v[0]))
				out = string(b)
			}
			if err != nil {
				c.warn(pos, "java.lang.IllegalArgumentException: "+err.Error())
				return nil
			}
			return out
		}), nil
	case "URL_ENCODE", "URL_ENCODE_COMPONENT", "TO_BASE64":
		if err := checks(1, 1, str); err != nil {
			return nil, err
		}
		return c.scalar(pos, "keyword", args, func(v []any) any {
			switch x.name {
			case "URL_ENCODE":
				return url.QueryEscape(S(v[0]))
			case "URL_ENCODE_COMPONENT":
				return strings.ReplaceAll(url.QueryEscape(S(v[0])), "+", "%20")
			}
			return base64.StdEncoding.EncodeToString([]byte(S(v[0])))
		}), nil
	case "SPACE":
		if err := checks(1, 1, num); err != nil {
			return nil, err
		}
		return c.scalar(pos, "keyword", args, func(v []any) any {
			n := I(v[0])
			if n < 0 || n > 1<<20 {
				c.warn(pos, "java.lang.IllegalArgumentException: Number parameter cannot be negative or too large")
				return nil
			}
			return strings.Repeat(" ", int(n))
		}), nil
	case "MV_INTERSECTION", "MV_UNION":
		if err := checks(2, 2); err != nil {
			return nil, err
		}
		typ, err := c.unify(x, args[0].typ, args[1], 1)
		if err != nil {
			return nil, err
		}
		a, b, union := args[0], args[1], x.name == "MV_UNION"
		return &cexpr{typ: typ, f: func(r []any) any {
			av, bv := values(a.f(r)), values(b.f(r))
			inB := map[any]bool{}
			for _, v := range bv {
				inB[hashKey(v)] = true
			}
			seen := map[any]bool{}
			var out []any
			add := func(v any) {
				if k := hashKey(v); !seen[k] {
					seen[k] = true
					out = append(out, v)
				}
			}
			for _, v := range av {
				if union || inB[hashKey(v)] {
					add(v)
				}
			}
			if union {
				for _, v := range bv {
					add(v)
				}
			}
			return mvOf(out)
		}}, nil
	case "IP_PREFIX":
		if err := checks(3, 3, func(i int) *verr { return c.wantType(x, i, args[i], "ip", args[i].typ == "ip") }, num, num); err != nil {
			return nil, err
		}
		return c.scalar(pos, "ip", args, func(v []any) any {
			ip := v[0].(netip.Addr)
			bits := I(v[1])
			if ip.Is6() && !ip.Is4In6() {
				bits = I(v[2])
			}
			if ip.Is4In6() {
				ip = ip.Unmap()
			}
			if bits < 0 || int(bits) > ip.BitLen() {
				c.warn(pos, "java.lang.IllegalArgumentException: Prefix length out of range")
				return nil
			}
			p, err := ip.Prefix(int(bits))
			if err != nil {
				return nil
			}
			return p.Addr()
		}), nil
	case "DAY_NAME", "MONTH_NAME":
		if err := checks(1, 1, dat); err != nil {
			return nil, err
		}
		return c.scalar(pos, "keyword", args, func(v []any) any {
			t := v[0].(time.Time).UTC()
			if x.name == "DAY_NAME" {
				return t.Weekday().String()
			}
			return t.Month().String()
		}), nil
	case "MV_ZIP":
		if err := checks(2, 3, str, str, str); err != nil {
			return nil, err
		}
		a, b := args[0], args[1]
		var d *cexpr
		if len(args) == 3 {
			d = args[2]
		}
		return &cexpr{typ: "keyword", f: func(r []any) any {
			av, bv := values(a.f(r)), values(b.f(r))
			if len(av) == 0 || len(bv) == 0 {
				return nil
			}
			sep := ","
			if d != nil {
				dv, ok := d.f(r).(string)
				if !ok {
					return nil
				}
				sep = dv
			}
			var out []any
			for i := range max(len(av), len(bv)) {
				switch {
				case i < len(av) && i < len(bv):
					out = append(out, S(av[i])+sep+S(bv[i]))
				case i < len(av):
					out = append(out, av[i])
				default:
					out = append(out, bv[i])
				}
			}
			return mvOf(out)
		}}, nil
	case "MV_PERCENTILE":
		if err := checks(2, 2, num, num); err != nil {
			return nil, err
		}
		a, p := args[0], args[1]
		typ := a.typ
		return &cexpr{typ: typ, f: func(r []any) any {
			vs, pv := values(a.f(r)), p.f(r)
			if len(vs) == 0 || pv == nil {
				return nil
			}
			pf := F(pv)
			if pf < 0 || pf > 100 {
				c.warn(pos, "java.lang.IllegalArgumentException: Percentile parameter must be a number between 0 and 100, found ["+fmt.Sprint(pv)+"]")
				return nil
			}
			fs := make([]float64, len(vs))
			for i, v := range vs {
				fs[i] = F(v)
			}
			sort.Float64s(fs)
			out := percentile(fs, pf)
			if typ != "double" {
				if f, ok := out.(float64); ok {
					return int64(f)
				}
			}
			return out
		}}, nil
	case "CATEGORIZE", "ST_X", "ST_Y", "ST_DISTANCE", "ST_INTERSECTS", "ST_DISJOINT", "ST_CONTAINS", "ST_WITHIN", "ST_ENVELOPE",
		"TO_GEOPOINT", "TO_GEOSHAPE", "TO_CARTESIANPOINT", "TO_CARTESIANSHAPE", "TO_UNSIGNED_LONG", "TO_VERSION", "TO_AGGREGATE_METRIC_DOUBLE",
		"TO_DATE_NANOS", "TO_DATEPERIOD", "TO_TIMEDURATION", "ST_CENTROID_AGG", "ST_EXTENT_AGG", "RATE":
		return nil, vfail(pos, "the sandbox does not support the function [%s]", strings.ToLower(x.name))
	case "MV_CONTAINS":
		if err := checks(2, 2); err != nil {
			return nil, err
		}
		if !comparable(args[0].typ, args[1].typ) {
			return nil, vfail(pos, "second argument of [%s] must be [%s], found value [%s] type [%s]", c.text(x), args[0].typ, c.text(x.args[1]), args[1].typ)
		}
		super, sub := args[0], args[1]
		return &cexpr{typ: "boolean", f: func(r []any) any {
			want := values(sub.f(r))
			have := map[any]bool{}
			for _, h := range values(super.f(r)) {
				have[hashKey(h)] = true
			}
			for _, w := range want {
				if !have[hashKey(w)] {
					return false
				}
			}
			return true
		}}, nil
	}
	return nil, vfail(pos, "Unknown function [%s]", strings.ToLower(x.name))
}

// javaGroupRefs finds $1-style references in a Java replacement string.
var javaGroupRefs = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\$\{(\d+)\}|\$(\d+)`) })

func hashHex(alg, s string) string {
	switch alg {
	case "MD5":
		h := md5.Sum([]byte(s))
		return hex.EncodeToString(h[:])
	case "SHA1":
		h := sha1.Sum([]byte(s))
		return hex.EncodeToString(h[:])
	}
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// unify widens a result type with one more branch (CASE, COALESCE).
func (c *compiler) unify(x *callExpr, typ string, a *cexpr, i int) (string, *verr) {
	switch {
	case typ == "null":
		return a.typ, nil
	case a.typ == "null" || a.typ == typ:
		return typ, nil
	case isNumeric(typ) && isNumeric(a.typ):
		return numericWiden(typ, a.typ), nil
	case isStringType(typ) && isStringType(a.typ):
		return "keyword", nil
	}
	return "", vfail(x.pos, "%s argument of [%s] must be [%s], found value [%s] type [%s]", ordinal(i), c.text(x), typ, c.text(x.args[i]), a.typ)
}

func widenValue(v any, typ string) any {
	if typ == "double" {
		if i, ok := v.(int64); ok {
			return float64(i)
		}
	}
	return v
}

func sumValues(vs []any, typ string) any {
	if typ == "double" {
		s := 0.0
		for _, e := range vs {
			f, _ := toFloat(e)
			s += f
		}
		return s
	}
	var s int64
	for _, e := range vs {
		i, _ := e.(int64)
		s += i
	}
	return s
}

func median(vs []any) any {
	fs := make([]float64, 0, len(vs))
	for _, e := range vs {
		if f, ok := toFloat(e); ok {
			fs = append(fs, f)
		}
	}
	return percentile(fs, 50)
}

func percentile(fs []float64, p float64) any {
	if len(fs) == 0 {
		return nil
	}
	sort.Float64s(fs)
	if p <= 0 {
		return fs[0]
	}
	if p >= 100 {
		return fs[len(fs)-1]
	}
	rank := p / 100 * float64(len(fs)-1)
	lo := int(math.Floor(rank))
	hi := int(math.Ceil(rank))
	return fs[lo] + (fs[hi]-fs[lo])*(rank-float64(lo))
}

func extractPart(part string, t time.Time) (int64, bool) {
	switch strings.ToUpper(part) {
	case "YEAR":
		return int64(t.Year()), true
	case "MONTH_OF_YEAR", "MONTH":
		return int64(t.Month()), true
	case "DAY_OF_MONTH", "DAY":
		return int64(t.Day()), true
	case "DAY_OF_WEEK":
		wd := int64(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		return wd, true
	case "DAY_OF_YEAR":
		return int64(t.YearDay()), true
	case "HOUR_OF_DAY", "HOUR":
		return int64(t.Hour()), true
	case "MINUTE_OF_HOUR", "MINUTE":
		return int64(t.Minute()), true
	case "MINUTE_OF_DAY":
		return int64(t.Hour()*60 + t.Minute()), true
	case "SECOND_OF_MINUTE", "SECOND":
		return int64(t.Second()), true
	case "SECOND_OF_DAY":
		return int64(t.Hour()*3600 + t.Minute()*60 + t.Second()), true
	case "MILLI_OF_SECOND":
		return int64(t.Nanosecond() / 1e6), true
	case "ALIGNED_WEEK_OF_YEAR":
		return int64((t.YearDay()-1)/7 + 1), true
	case "EPOCH_DAY":
		return t.Unix() / 86400, true
	case "AMPM_OF_DAY":
		return int64(t.Hour() / 12), true
	}
	return 0, false
}

func dateDiff(unit string, a, b time.Time) (int64, bool) {
	d := b.Sub(a)
	months := func() int64 {
		m := int64(b.Year()-a.Year())*12 + int64(b.Month()-a.Month())
		if m > 0 && b.AddDate(0, -int(m), 0).Before(a) {
			m--
		} else if m < 0 && b.AddDate(0, -int(m), 0).After(a) {
			m++
		}
		return m
	}
	switch strings.ToLower(unit) {
	case "year", "years", "yy", "yyyy":
		return months() / 12, true
	case "quarter", "quarters", "qq", "q":
		return months() / 3, true
	case "month", "months", "mm", "m":
		return months(), true
	case "dayofyear", "dy", "y", "day", "days", "dd", "d", "weekday", "weekdays", "dw":
		return int64(d / (24 * time.Hour)), true
	case "week", "weeks", "wk", "ww":
		return int64(d / (7 * 24 * time.Hour)), true
	case "hour", "hours", "hh":
		return int64(d / time.Hour), true
	case "minute", "minutes", "mi", "n":
		return int64(d / time.Minute), true
	case "second", "seconds", "ss", "s":
		return int64(d / time.Second), true
	case "millisecond", "milliseconds", "ms":
		return d.Milliseconds(), true
	case "microsecond", "microseconds", "mcs":
		return d.Microseconds(), true
	case "nanosecond", "nanoseconds", "ns":
		return d.Nanoseconds(), true
	}
	return 0, false
}

// truncDate rounds a date down to a span, as DATE_TRUNC and BUCKET do.
func truncDate(t time.Time, s timeSpan) time.Time {
	t = t.UTC()
	switch {
	case s.months > 0:
		m := int(t.Year())*12 + int(t.Month()) - 1
		m -= ((m % s.months) + s.months) % s.months
		return time.Date(m/12, time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC)
	case s.days == 7:
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		wd := (int(d.Weekday()) + 6) % 7 // Monday first
		return d.AddDate(0, 0, -wd)
	case s.days > 0:
		day := int64(24 * time.Hour)
		n := t.UnixNano()
		step := int64(s.days) * day
		return time.Unix(0, n-((n%step)+step)%step).UTC()
	case s.dur > 0:
		ms := t.UnixMilli()
		step := s.dur.Milliseconds()
		if step <= 0 {
			return t
		}
		return time.UnixMilli(ms - ((ms%step)+step)%step).UTC()
	}
	return t
}

var autoSpans = []timeSpan{
	makeSpan(1, "ms"), makeSpan(1, "s"), makeSpan(5, "s"), makeSpan(10, "s"), makeSpan(30, "s"),
	makeSpan(1, "m"), makeSpan(5, "m"), makeSpan(10, "m"), makeSpan(30, "m"),
	makeSpan(1, "h"), makeSpan(3, "h"), makeSpan(12, "h"), makeSpan(1, "d"), makeSpan(1, "w"),
	makeSpan(1, "M"), makeSpan(1, "q"), makeSpan(1, "y"),
}

func (s timeSpan) approx() time.Duration {
	return s.dur + time.Duration(s.days)*24*time.Hour + time.Duration(s.months)*30*24*time.Hour
}

func (c *compiler) compileBucket(x *callExpr, args []*cexpr) (*cexpr, *verr) {
	if len(args) != 2 && len(args) != 4 {
		return nil, vfail(x.pos, "error building [bucket]: expects 2 or 4 arguments")
	}
	a := args[0]
	switch {
	case a.typ == "date" && len(args) == 2:
		if args[1].typ != "time_duration" && args[1].typ != "date_period" || !args[1].isLit {
			return nil, vfail(x.pos, "second argument of [%s] must be [integral, date_period or time_duration], found value [%s] type [%s]", c.text(x), c.text(x.args[1]), args[1].typ)
		}
		return c.scalar(x.pos, "date", args[:1], func(v []any) any { return truncDate(v[0].(time.Time), args[1].lit.(timeSpan)) }), nil
	case a.typ == "date":
		for i := 1; i < 4; i++ {
			if !args[i].isLit {
				return nil, vfail(x.pos, "%s argument of [%s] must be a constant", ordinal(i), c.text(x))
			}
		}
		n, ok := args[1].lit.(int64)
		from, ok1 := toType(args[2].lit, "date")
		to, ok2 := toType(args[3].lit, "date")
		if !ok || !ok1 || !ok2 || n <= 0 {
			return nil, vfail(x.pos, "arguments of [%s] must be a positive bucket count and two dates", c.text(x))
		}
		width := to.(time.Time).Sub(from.(time.Time))
		span := autoSpans[len(autoSpans)-1]
		for _, s := range autoSpans {
			if width/s.approx() < time.Duration(n) {
				span = s
				break
			}
		}
		return c.scalar(x.pos, "date", args[:1], func(v []any) any { return truncDate(v[0].(time.Time), span) }), nil
	case isNumeric(a.typ) && len(args) == 2:
		if !isNumeric(args[1].typ) || !args[1].isLit {
			return nil, vfail(x.pos, "second argument of [%s] must be [numeric], found value [%s] type [%s]", c.text(x), c.text(x.args[1]), args[1].typ)
		}
		w, _ := toFloat(args[1].lit)
		if w <= 0 {
			return nil, vfail(x.pos, "second argument of [%s] must be positive", c.text(x))
		}
		return c.scalar(x.pos, "double", args[:1], func(v []any) any { f, _ := toFloat(v[0]); return math.Floor(f/w) * w }), nil
	case isNumeric(a.typ):
		var fs [3]float64
		for i := 1; i < 4; i++ {
			f, ok := toFloat(args[i].lit)
			if !args[i].isLit || !ok {
				return nil, vfail(x.pos, "%s argument of [%s] must be a numeric constant", ordinal(i), c.text(x))
			}
			fs[i-1] = f
		}
		if fs[0] <= 0 || fs[2] <= fs[1] {
			return nil, vfail(x.pos, "arguments of [%s] must be a positive bucket count and a range", c.text(x))
		}
		raw := (fs[2] - fs[1]) / fs[0]
		mag := math.Pow(10, math.Floor(math.Log10(raw)))
		w := mag * 10
		for _, m := range []float64{1, 2, 2.5, 5, 10} {
			if mag*m >= raw {
				w = mag * m
				break
			}
		}
		return c.scalar(x.pos, "double", args[:1], func(v []any) any { f, _ := toFloat(v[0]); return math.Floor(f/w) * w }), nil
	case a.typ == "null":
		return constant(nil, "null"), nil
	}
	return nil, vfail(x.pos, "first argument of [%s] must be [datetime or numeric], found value [%s] type [%s]", c.text(x), c.text(x.args[0]), a.typ)
}

// javaToGoLayout translates the common letters of a Java date pattern.
func javaToGoLayout(p string) string {
	repl := []struct{ j, g string }{
		{"yyyy", "2006"}, {"uuuu", "2006"}, {"yy", "06"}, {"MMMM", "January"}, {"MMM", "Jan"}, {"MM", "01"},
		{"dd", "02"}, {"EEEE", "Monday"}, {"EEE", "Mon"}, {"HH", "15"}, {"hh", "03"}, {"mm", "04"}, {"ss", "05"},
		{"SSS", "000"}, {"a", "PM"}, {"XXX", "Z07:00"}, {"Z", "-0700"}, {"'T'", "T"}, {"'Z'", "Z"}, {"M", "1"}, {"d", "2"}, {"H", "15"},
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		done := false
		for _, r := range repl {
			if strings.HasPrefix(p[i:], r.j) {
				b.WriteString(r.g)
				i += len(r.j)
				done = true
				break
			}
		}
		if !done {
			b.WriteByte(p[i])
			i++
		}
	}
	return b.String()
}

func javaFormat(p string, t time.Time) string { return t.UTC().Format(javaToGoLayout(p)) }
