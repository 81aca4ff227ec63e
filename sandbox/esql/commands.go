package esql

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

func (r *run) apply(cmd command, t *table, maxLimit int) (*table, *verr) {
	switch c := cmd.(type) {
	case *whereCmd:
		ce, err := r.compiler().compile(c.cond, t.cols)
		if err != nil {
			return nil, err
		}
		if ce.typ != "boolean" && ce.typ != "null" {
			s, _ := c.cond.span()
			return nil, vfail(s, "Condition expression needs to be boolean, found [%s]", ce.typ)
		}
		out := &table{cols: t.cols}
		for _, row := range t.rows {
			if b, _ := ce.f(row).(bool); b {
				out.rows = append(out.rows, row)
			}
		}
		return out, nil
	case *evalCmd:
		for _, a := range c.fields {
			ce, err := r.compiler().compile(a.x, t.cols)
			if err != nil {
				return nil, err
			}
			vals := make([][]any, len(t.rows))
			for i, row := range t.rows {
				vals[i] = []any{ce.f(row)}
			}
			t = withColumn(t, column{a.name, ce.typ}, vals)
		}
		return t, nil
	case *statsCmd:
		return r.stats(c, t)
	case *inlineStatsCmd:
		return r.inlineStats(c, t)
	case *sortCmd:
		type key struct {
			ce       *cexpr
			desc, nf bool
		}
		var keys []key
		for _, k := range c.keys {
			ce, err := r.compiler().compile(k.x, t.cols)
			if err != nil {
				return nil, err
			}
			keys = append(keys, key{ce, k.desc, k.nullsFirst})
		}
		type sorted struct {
			row  []any
			vals []any
		}
		rows := make([]sorted, len(t.rows))
		for i, row := range t.rows {
			s := sorted{row: row}
			for _, k := range keys {
				v := k.ce.f(row)
				if mv, ok := v.([]any); ok { // multi-values sort by their min (asc) or max (desc)
					best := mv[0]
					for _, e := range mv[1:] {
						n, _ := compareValues(e, best)
						if (n < 0) != k.desc && n != 0 {
							best = e
						}
					}
					v = best
				}
				s.vals = append(s.vals, v)
			}
			rows[i] = s
		}
		sort.SliceStable(rows, func(i, j int) bool {
			for n, k := range keys {
				a, b := rows[i].vals[n], rows[j].vals[n]
				switch {
				case a == nil && b == nil:
					continue
				case a == nil:
					return k.nf
				case b == nil:
					return !k.nf
				}
				c, _ := compareValues(a, b)
				if c == 0 {
					continue
				}
				return (c < 0) != k.desc
			}
			return false
		})
		out := &table{cols: t.cols}
		for _, s := range rows {
			out.rows = append(out.rows, s.row)
		}
		return out, nil
	case *limitCmd:
		n := min(c.n, maxLimit)
		if len(t.rows) > n {
			return &table{cols: t.cols, rows: t.rows[:n]}, nil
		}
		return t, nil
	case *keepCmd:
		return keepDrop(c, t)
	case *renameCmd:
		cols := append([]column(nil), t.cols...)
		for _, p := range c.pairs {
			i := findColumn(cols, p.from)
			if i < 0 {
				return nil, vfail(p.fromPos, "Unknown column [%s]", p.from)
			}
			// a column already named like the target goes away
			if j := findColumn(cols, p.to); j >= 0 && j != i {
				cols[j].name = "\x00dropped"
			}
			cols[i].name = p.to
		}
		out := &table{}
		var idx []int
		for i, col := range cols {
			if col.name != "\x00dropped" {
				out.cols = append(out.cols, col)
				idx = append(idx, i)
			}
		}
		out.rows = project(t.rows, idx)
		return out, nil
	case *mvExpandCmd:
		i := findColumn(t.cols, c.field)
		if i < 0 {
			return nil, vfail(c.fieldPos, "Unknown column [%s]", c.field)
		}
		out := &table{cols: t.cols}
		for _, row := range t.rows {
			mv, ok := row[i].([]any)
			if !ok {
				out.rows = append(out.rows, row)
				continue
			}
			for _, v := range mv {
				nr := append([]any(nil), row...)
				nr[i] = v
				out.rows = append(out.rows, nr)
			}
		}
		return out, nil
	case *dissectCmd:
		return r.dissect(c, t)
	case *grokCmd:
		return r.grok(c, t)
	case *sampleCmd:
		out := &table{cols: t.cols}
		for _, row := range t.rows {
			if rand.Float64() < c.p {
				out.rows = append(out.rows, row)
			}
		}
		return out, nil
	case *enrichCmd:
		return nil, vfail(c.policyPos, "cannot find enrich policy [%s]", c.policy)
	case *lookupJoinCmd:
		return r.lookupJoin(c, t)
	}
	return nil, vfail(cmd.cmdPos(), "unsupported command")
}

func project(rows [][]any, idx []int) [][]any {
	out := make([][]any, len(rows))
	for r, row := range rows {
		nr := make([]any, len(idx))
		for i, j := range idx {
			nr[i] = row[j]
		}
		out[r] = nr
	}
	return out
}

func matchColumnPattern(p, name string) bool {
	if !strings.Contains(p, "*") {
		return p == name
	}
	parts := strings.Split(p, "*")
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	rest := name[len(parts[0]):]
	for i, part := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(rest, part) && len(rest) >= len(part)
		}
		j := strings.Index(rest, part)
		if j < 0 {
			return false
		}
		rest = rest[j+len(part):]
	}
	return true
}

func keepDrop(c *keepCmd, t *table) (*table, *verr) {
	// precedence of a pattern: exact name > partial wildcard > *
	prec := func(p string) int {
		switch {
		case p == "*":
			return 0
		case strings.Contains(p, "*"):
			return 1
		}
		return 2
	}
	owner := make([]int, len(t.cols))
	for i := range owner {
		owner[i] = -1
	}
	for pi, p := range c.patterns {
		matched := false
		for i, col := range t.cols {
			if !matchColumnPattern(p.pattern, col.name) {
				continue
			}
			matched = true
			if owner[i] < 0 || prec(p.pattern) > prec(c.patterns[owner[i]].pattern) ||
				(!c.drop && prec(p.pattern) == prec(c.patterns[owner[i]].pattern) && prec(p.pattern) == 2) {
				owner[i] = pi
			}
		}
		if !matched {
			if strings.Contains(p.pattern, "*") {
				if c.drop || p.pattern != "*" {
					return nil, vfail(p.pos, "No matches found for pattern [%s]", p.pattern)
				}
				continue
			}
			return nil, vfail(p.pos, "Unknown column [%s]", p.pattern)
		}
	}
	var idx []int
	if c.drop {
		for i, o := range owner {
			if o < 0 {
				idx = append(idx, i)
			}
		}
	} else {
		for pi := range c.patterns {
			for i, o := range owner {
				if o == pi {
					idx = append(idx, i)
				}
			}
		}
	}
	out := &table{}
	for _, i := range idx {
		out.cols = append(out.cols, t.cols[i])
	}
	out.rows = project(t.rows, idx)
	return out, nil
}

type group struct {
	keys   []any
	states []aggState
}

func (r *run) stats(c *statsCmd, t *table) (*table, *verr) {
	comp := r.compiler()
	var byCols []column
	var byExprs []*cexpr
	for _, b := range c.by {
		if call, ok := b.x.(*callExpr); ok && aggFuncs[call.name] {
			return nil, vfail(call.pos, "grouping key [%s] cannot be an aggregate function", comp.text(call))
		}
		ce, err := comp.compile(b.x, t.cols)
		if err != nil {
			return nil, err
		}
		byExprs = append(byExprs, ce)
		byCols = append(byCols, column{b.name, ce.typ})
	}
	var specs []*aggSpec
	outer := &compiler{q: r.q, now: r.now, warn: r.warn, aggs: &specs, aggInput: t.cols}
	var aggExprs []*cexpr
	var aggCols []column
	for _, a := range c.aggs {
		before := len(specs)
		ce, err := outer.compile(a.x, byCols)
		if err != nil {
			return nil, err
		}
		if len(specs) == before {
			s, _ := a.x.span()
			return nil, vfail(s, "expected an aggregate function but found [%s]", comp.text(a.x))
		}
		if a.where != nil {
			w, err := comp.compile(a.where, t.cols)
			if err != nil {
				return nil, err
			}
			for _, sp := range specs[before:] {
				sp.where = w
			}
		}
		aggExprs = append(aggExprs, ce)
		aggCols = append(aggCols, column{a.name, ce.typ})
	}
	groups := map[string]*group{}
	var order []*group
	get := func(keys []any) *group {
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, "%T:%v|", hashKey(k), hashKey(k))
		}
		g := groups[b.String()]
		if g == nil {
			g = &group{keys: append([]any(nil), keys...), states: make([]aggState, len(specs))}
			groups[b.String()] = g
			order = append(order, g)
		}
		return g
	}
	if len(byExprs) == 0 {
		get(nil)
	}
	for _, row := range t.rows {
		// every combination of the grouping values (multi-values fan out)
		combos := [][]any{{}}
		for _, be := range byExprs {
			vs := values(be.f(row))
			if len(vs) == 0 {
				vs = []any{nil}
			}
			var next [][]any
			for _, cmb := range combos {
				for _, v := range vs {
					next = append(next, append(append([]any(nil), cmb...), v))
				}
			}
			combos = next
		}
		for _, keys := range combos {
			g := get(keys)
			for i, sp := range specs {
				g.states[i].add(sp, row)
			}
		}
	}
	out := &table{}
	out.cols = append(append(out.cols, aggCols...), byCols...)
	// a later column of the same name wins: drop earlier duplicates
	keepIdx := []int{}
	for i, col := range out.cols {
		dup := false
		for _, later := range out.cols[i+1:] {
			if later.name == col.name {
				dup = true
			}
		}
		if !dup {
			keepIdx = append(keepIdx, i)
		}
	}
	for _, g := range order {
		grow := append([]any(nil), g.keys...)
		for i, sp := range specs {
			grow = append(grow, g.states[i].result(sp, outer.aggResultType(i, specs)))
		}
		row := make([]any, 0, len(aggExprs)+len(g.keys))
		for _, ae := range aggExprs {
			row = append(row, ae.f(grow))
		}
		row = append(row, g.keys...)
		out.rows = append(out.rows, row)
	}
	final := &table{}
	for _, i := range keepIdx {
		final.cols = append(final.cols, out.cols[i])
	}
	final.rows = project(out.rows, keepIdx)
	return final, nil
}

func (c *compiler) aggResultType(i int, specs []*aggSpec) string {
	sp := specs[i]
	if sp.name == "SUM" && sp.arg != nil && sp.arg.typ == "double" {
		return "double"
	}
	if sp.name == "SUM" {
		return "long"
	}
	return ""
}

// inlineStats keeps every row and adds its group's aggregates: the
// columns STATS would give (aggregates, then groups) replace the row's
// columns of the same names, at the end, as Elasticsearch orders them.
func (r *run) inlineStats(c *inlineStatsCmd, t *table) (*table, *verr) {
	st, err := r.stats(&c.statsCmd, t)
	if err != nil {
		return nil, err
	}
	comp := r.compiler()
	var keys []*cexpr
	for _, b := range c.by {
		ce, err := comp.compile(b.x, t.cols)
		if err != nil {
			return nil, err
		}
		keys = append(keys, ce)
	}
	keyOf := func(vals []any) string {
		var b strings.Builder
		for _, v := range vals {
			fmt.Fprintf(&b, "%T:%v|", hashKey(v), hashKey(v))
		}
		return b.String()
	}
	// the group columns of the stats table, by BY position
	nAgg := len(st.cols) - len(c.by)
	byName := map[string]int{}
	for i, col := range st.cols {
		byName[col.name] = i
	}
	byIdx := make([]int, len(c.by))
	for i, b := range c.by {
		byIdx[i] = byName[b.name]
	}
	groups := map[string][]any{}
	for _, row := range st.rows {
		kv := make([]any, len(byIdx))
		for i, j := range byIdx {
			kv[i] = row[j]
		}
		groups[keyOf(kv)] = row
	}
	drop := map[string]bool{}
	for _, col := range st.cols {
		drop[col.name] = true
	}
	out, keep := columnsBut(t, drop)
	out.cols = append(out.cols, st.cols...)
	for _, row := range t.rows {
		kv := make([]any, len(keys))
		for i, k := range keys {
			kv[i] = k.f(row)
		}
		nr := make([]any, 0, len(out.cols))
		for _, i := range keep {
			nr = append(nr, row[i])
		}
		if g, ok := groups[keyOf(kv)]; ok {
			nr = append(nr, g...)
		} else {
			// a multi-valued key was fanned out into several groups
			stats := make([]any, len(st.cols))
			for i, j := range byIdx {
				if j >= nAgg {
					stats[j] = kv[i]
				}
			}
			nr = append(nr, stats...)
		}
		out.rows = append(out.rows, nr)
	}
	return out, nil
}

// lookupJoin adds to each row the fields of the lookup index's documents
// whose join fields equal the row's (one row per matching document; a row
// without a match keeps nulls). Lookup fields replace the row's columns of
// the same name, at the end.
func (r *run) lookupJoin(c *lookupJoinCmd, t *table) (*table, *verr) {
	if strings.ContainsAny(c.index, "*,:") {
		return nil, vfail(c.indexPos, "invalid index pattern [%s], only a single lookup index can be joined", c.index)
	}
	if r.e.Source == nil || len(r.e.Source.Indices(c.index)) == 0 {
		return nil, vfail(c.indexPos, "Unknown index [%s]", c.index)
	}
	lk, err := r.from(&fromCmd{cmdAt: cmdAt{c.indexPos}, sources: []sourcePat{{c.index, c.indexPos}}}, Request{})
	if err != nil {
		return nil, err
	}
	var left, right []int
	for _, k := range c.on {
		li, ri := findColumn(t.cols, k.s), findColumn(lk.cols, k.s)
		if li < 0 {
			return nil, vfail(k.pos, "Unknown column [%s] in left side of join", k.s)
		}
		if ri < 0 {
			return nil, vfail(k.pos, "Unknown column [%s] in right side of join", k.s)
		}
		lt, rt := t.cols[li].typ, lk.cols[ri].typ
		if !comparable(lt, rt) {
			return nil, vfail(k.pos, "JOIN left field [%s] of type [%s] is incompatible with right field [%s] of type [%s]", k.s, strings.ToUpper(lt), k.s, strings.ToUpper(rt))
		}
		left, right = append(left, li), append(right, ri)
	}
	keyOf := func(row []any, idx []int) (string, bool) {
		var b strings.Builder
		for _, i := range idx {
			v := row[i]
			if v == nil {
				return "", false
			}
			if _, mv := v.([]any); mv {
				return "", false
			}
			fmt.Fprintf(&b, "%v|", hashKey(v))
		}
		return b.String(), true
	}
	byKey := map[string][][]any{}
	for _, row := range lk.rows {
		if k, ok := keyOf(row, right); ok {
			byKey[k] = append(byKey[k], row)
		}
	}
	isKey := map[int]bool{}
	for _, i := range right {
		isKey[i] = true
	}
	var add []int
	names := map[string]bool{}
	for i, col := range lk.cols {
		if !isKey[i] {
			add = append(add, i)
			names[col.name] = true
		}
	}
	out, keep := columnsBut(t, names)
	for _, i := range add {
		out.cols = append(out.cols, lk.cols[i])
	}
	for _, row := range t.rows {
		base := make([]any, 0, len(out.cols))
		for _, i := range keep {
			base = append(base, row[i])
		}
		k, ok := keyOf(row, left)
		matches := byKey[k]
		if !ok || len(matches) == 0 {
			out.rows = append(out.rows, append(base, make([]any, len(add))...))
			continue
		}
		for _, m := range matches {
			nr := append([]any(nil), base...)
			for _, i := range add {
				nr = append(nr, m[i])
			}
			out.rows = append(out.rows, nr)
		}
	}
	return out, nil
}

// columnsBut is an empty table of t's columns but those named in drop,
// and where the kept ones are in t.
func columnsBut(t *table, drop map[string]bool) (*table, []int) {
	out := &table{}
	var keep []int
	for i, col := range t.cols {
		if !drop[col.name] {
			keep = append(keep, i)
			out.cols = append(out.cols, col)
		}
	}
	return out, keep
}
