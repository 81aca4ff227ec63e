package esql

import (
	"math"
	"strings"
)

// compileAgg turns an aggregate call inside STATS into a slot of the group
// row; outside STATS it is an error.
func (c *compiler) compileAgg(x *callExpr, cols []column) (*cexpr, *verr) {
	if c.aggs == nil {
		return nil, vfail(x.pos, "aggregate function [%s] not allowed outside STATS command", c.text(x))
	}
	inner := &compiler{q: c.q, now: c.now, warn: c.warn}
	spec := &aggSpec{name: x.name, text: c.text(x), star: x.star}
	if x.star {
		if x.name != "COUNT" {
			return nil, vfail(x.pos, "invalid use of [*] in [%s]", c.text(x))
		}
	} else {
		if len(x.args) == 0 {
			if x.name == "COUNT" {
				spec.star = true
			} else {
				return nil, vfail(x.pos, "error building [%s]: expects at least 1 argument", strings.ToLower(x.name))
			}
		}
	}
	var typ string
	if !spec.star {
		arg, err := inner.compile(x.args[0], c.aggInput)
		if err != nil {
			if c2, ok := x.args[0].(*callExpr); ok && aggFuncs[c2.name] {
				return nil, vfail(c2.pos, "aggregate function's field must be non-aggregate; found [%s] in [%s]", c.text(c2), c.text(x))
			}
			return nil, err
		}
		spec.arg = arg
		rest := x.args[1:]
		if x.name == "WEIGHTED_AVG" {
			if len(rest) != 1 {
				return nil, vfail(x.pos, "error building [weighted_avg]: expects exactly 2 arguments")
			}
			w, err := inner.compile(rest[0], c.aggInput)
			if err != nil {
				return nil, err
			}
			for i, a := range []*cexpr{arg, w} {
				if !isNumeric(a.typ) && a.typ != "null" {
					return nil, vfail(x.pos, "%s argument of [%s] must be [numeric except unsigned_long or counter types], found value [%s] type [%s]", ordinal(i), c.text(x), c.text(x.args[i]), a.typ)
				}
			}
			spec.weight, rest = w, nil
		}
		for _, e := range rest {
			a, err := inner.compile(e, c.aggInput)
			if err != nil {
				return nil, err
			}
			if !a.isLit {
				return nil, vfail(x.pos, "second argument of [%s] must be a constant, received [%s]", c.text(x), c.text(e))
			}
			spec.extra = append(spec.extra, a.lit)
		}
		t := arg.typ
		switch x.name {
		case "COUNT", "COUNT_DISTINCT":
			typ = "long"
		case "AVG", "MEDIAN", "PERCENTILE", "STD_DEV", "MEDIAN_ABSOLUTE_DEVIATION", "WEIGHTED_AVG":
			if !isNumeric(t) && t != "null" {
				return nil, vfail(x.pos, "first argument of [%s] must be [numeric except unsigned_long or counter types], found value [%s] type [%s]", c.text(x), c.text(x.args[0]), t)
			}
			typ = "double"
			if x.name == "PERCENTILE" {
				if len(spec.extra) != 1 {
					return nil, vfail(x.pos, "error building [percentile]: expects exactly 2 arguments")
				}
				if _, ok := toFloat(spec.extra[0]); !ok {
					return nil, vfail(x.pos, "second argument of [%s] must be [numeric]", c.text(x))
				}
			}
		case "SUM":
			if !isNumeric(t) && t != "null" {
				return nil, vfail(x.pos, "first argument of [%s] must be [numeric except unsigned_long or counter types], found value [%s] type [%s]", c.text(x), c.text(x.args[0]), t)
			}
			typ = "long"
			if t == "double" {
				typ = "double"
			}
		case "MIN", "MAX", "VALUES", "TOP":
			typ = t
			if x.name == "TOP" {
				if len(spec.extra) != 2 {
					return nil, vfail(x.pos, "error building [top]: expects exactly 3 arguments")
				}
				if _, ok := spec.extra[0].(int64); !ok {
					return nil, vfail(x.pos, "second argument of [%s] must be [integer]", c.text(x))
				}
				o, _ := spec.extra[1].(string)
				if !strings.EqualFold(o, "asc") && !strings.EqualFold(o, "desc") {
					return nil, vfail(x.pos, "Invalid order value in [%s], expected [ASC, DESC] but got [%v]", c.text(x), spec.extra[1])
				}
			}
			if t == "text" {
				typ = "keyword"
			}
		}
	} else {
		typ = "long"
	}
	slot := len(*c.aggs)
	*c.aggs = append(*c.aggs, spec)
	return &cexpr{typ: typ, f: func(r []any) any { return r[len(r)-len(*c.aggs)+slot] }}, nil
}

// aggState gathers one aggregate's input for one group.
type aggState struct {
	rows int
	vals []any
	// WEIGHTED_AVG: the sums of weight*value and of weight
	wsum, weights float64
}

func (s *aggState) add(spec *aggSpec, row []any) {
	if spec.where != nil {
		if b, _ := spec.where.f(row).(bool); !b {
			return
		}
	}
	s.rows++
	if spec.star {
		return
	}
	if spec.weight != nil {
		// a row with a null or multi-valued value or weight does not count
		v, okV := toFloat(spec.arg.f(row))
		w, okW := toFloat(spec.weight.f(row))
		if okV && okW {
			s.wsum += v * w
			s.weights += w
			s.vals = append(s.vals, v)
		}
		return
	}
	s.vals = append(s.vals, values(spec.arg.f(row))...)
}

func (s *aggState) result(spec *aggSpec, typ string) any {
	switch spec.name {
	case "COUNT":
		if spec.star {
			return int64(s.rows)
		}
		return int64(len(s.vals))
	case "COUNT_DISTINCT":
		seen := map[any]bool{}
		for _, v := range s.vals {
			seen[hashKey(v)] = true
		}
		return int64(len(seen))
	}
	if len(s.vals) == 0 {
		return nil
	}
	fs := func() []float64 {
		out := make([]float64, 0, len(s.vals))
		for _, v := range s.vals {
			if f, ok := toFloat(v); ok {
				out = append(out, f)
			}
		}
		return out
	}
	switch spec.name {
	case "MIN", "MAX":
		best := s.vals[0]
		for _, v := range s.vals[1:] {
			n, _ := compareValues(v, best)
			if (spec.name == "MIN" && n < 0) || (spec.name == "MAX" && n > 0) {
				best = v
			}
		}
		return best
	case "SUM":
		return sumValues(s.vals, typ)
	case "AVG":
		f := fs()
		t := 0.0
		for _, x := range f {
			t += x
		}
		return t / float64(len(f))
	case "WEIGHTED_AVG":
		if s.weights == 0 {
			return nil
		}
		return s.wsum / s.weights
	case "MEDIAN":
		return percentile(fs(), 50)
	case "PERCENTILE":
		p, _ := toFloat(spec.extra[0])
		return percentile(fs(), p)
	case "STD_DEV":
		f := fs()
		m := 0.0
		for _, x := range f {
			m += x
		}
		m /= float64(len(f))
		v := 0.0
		for _, x := range f {
			v += (x - m) * (x - m)
		}
		return math.Sqrt(v / float64(len(f)))
	case "MEDIAN_ABSOLUTE_DEVIATION":
		f := fs()
		m, _ := percentile(f, 50).(float64)
		dev := make([]float64, len(f))
		for i, x := range f {
			dev[i] = math.Abs(x - m)
		}
		return percentile(dev, 50)
	case "VALUES":
		return mvOf(sortMV(append([]any(nil), s.vals...), "keyword"))
	case "TOP":
		n := int(spec.extra[0].(int64))
		sorted := sortMV(append([]any(nil), s.vals...), "")
		if strings.EqualFold(spec.extra[1].(string), "desc") {
			for i, j := 0, len(sorted)-1; i < j; i, j = i+1, j-1 {
				sorted[i], sorted[j] = sorted[j], sorted[i]
			}
		}
		if n < len(sorted) {
			sorted = sorted[:max(n, 0)]
		}
		return mvOf(sorted)
	}
	return nil
}
