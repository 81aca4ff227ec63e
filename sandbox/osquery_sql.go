package sandbox

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Just enough SQL to make a live query's rows follow what it asked: the
// first table after FROM, the columns selected (with AS and count(*)),
// WHERE conditions joined by AND (=, !=, <>, <, >, <=, >=, LIKE), and
// LIMIT. Anything more (OR, joins, functions) is read past: the rows are
// then the table's, unfiltered.

type osqSQL struct {
	table  string
	cols   []osqCol // nil: every column
	conds  []osqCond
	limit  int // 0: none
	counts bool
}

type osqCol struct{ name, alias string }

type osqCond struct{ col, op, value string }

var (
	osqFromRe  = lazyRegexp(`(?is)^\s*select\s+(.*?)\s+from\s+([a-z_][a-z0-9_]*)(.*)$`)
	osqWhereRe = lazyRegexp(`(?is)\bwhere\s+(.*?)\s*(?:\border\s+by\b|\bgroup\s+by\b|\blimit\b|;|$)`)
	osqLimitRe = lazyRegexp(`(?i)\blimit\s+(\d+)`)
	osqColRe   = lazyRegexp(`(?i)^(?:[a-z_]\w*\.)?([a-z_]\w*|\*)(?:\s+(?:as\s+)?([a-z_]\w*))?$`)
	osqCountRe = lazyRegexp(`(?i)^count\(\s*\*?\s*\)(?:\s+(?:as\s+)?([a-z_]\w*))?$`)
	osqCondRe  = lazyRegexp(`(?is)^(?:[a-z_]\w*\.)?([a-z_]\w*)\s*(=|!=|<>|<=|>=|<|>|\blike\b)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?))$`)
	osqAndRe   = lazyRegexp(`(?i)\s+and\s+`)
)

func parseOsquerySQL(q string) osqSQL {
	m := osqFromRe().FindStringSubmatch(q)
	if m == nil {
		return osqSQL{}
	}
	out := osqSQL{table: strings.ToLower(m[2])}
	for _, item := range strings.Split(m[1], ",") {
		item = strings.TrimSpace(item)
		if c := osqCountRe().FindStringSubmatch(item); c != nil {
			alias := c[1]
			if alias == "" {
				alias = "count(*)"
			}
			out.counts = true
			out.cols = append(out.cols, osqCol{name: "count(*)", alias: alias})
			continue
		}
		c := osqColRe().FindStringSubmatch(item)
		if c == nil {
			continue
		}
		if c[1] == "*" {
			out.cols = nil
			break
		}
		alias := c[2]
		if alias == "" {
			alias = c[1]
		}
		out.cols = append(out.cols, osqCol{name: strings.ToLower(c[1]), alias: alias})
	}
	rest := m[3]
	if w := osqWhereRe().FindStringSubmatch(rest); w != nil {
		for _, part := range osqAndRe().Split(w[1], -1) {
			c := osqCondRe().FindStringSubmatch(strings.TrimSpace(part))
			if c == nil {
				out.conds = nil
				break
			}
			out.conds = append(out.conds, osqCond{col: strings.ToLower(c[1]), op: strings.ToLower(c[2]), value: c[3] + c[4] + c[5]})
		}
	}
	if l := osqLimitRe().FindStringSubmatch(rest); l != nil {
		out.limit, _ = strconv.Atoi(l[1])
	}
	return out
}

func (c osqCond) holds(row osqRow) bool {
	v, ok := row[c.col]
	if !ok {
		return false
	}
	if c.op == "like" {
		pattern := "(?is)^" + strings.ReplaceAll(strings.ReplaceAll(regexp.QuoteMeta(c.value), "%", ".*"), "_", ".") + "$"
		re, err := regexp.Compile(pattern)
		return err == nil && re.MatchString(v)
	}
	n := compareNumbersOrText(v, c.value)
	switch c.op {
	case "=":
		return n == 0
	case "!=", "<>":
		return n != 0
	case "<":
		return n < 0
	case ">":
		return n > 0
	case "<=":
		return n <= 0
	}
	return n >= 0
}

// osqueryRowsFor is what one agent answered to one query: the rows of its
// table, filtered, counted or cut, and narrowed to the columns asked for.
// A query restricted to other platforms gives the agent nothing to run.
func (k *Kibana) osqueryRowsFor(sp *space, lq *osqueryLive, q *osqueryQueryAction, agentID string) []osqRow {
	a := sp.fleet.agents.get(agentID)
	if a == nil {
		return nil
	}
	if q.platform != "" && !strings.Contains(q.platform, a.platform) && !strings.Contains(q.platform, "all") {
		return nil
	}
	sql := parseOsquerySQL(q.query)
	var rows []osqRow
	for _, row := range osqTable(sp, a, sql.table, lq.created) {
		keep := true
		for _, c := range sql.conds {
			keep = keep && c.holds(row)
		}
		if keep {
			rows = append(rows, row)
		}
	}
	if sql.counts {
		count := osqRow{}
		for _, col := range sql.cols {
			if col.name == "count(*)" {
				count[col.alias] = fmt.Sprint(len(rows))
			} else if len(rows) > 0 {
				count[col.alias] = rows[0][col.name]
			}
		}
		return []osqRow{count}
	}
	if sql.limit > 0 && len(rows) > sql.limit {
		rows = rows[:sql.limit]
	}
	if sql.cols == nil {
		return rows
	}
	out := make([]osqRow, 0, len(rows))
	for _, row := range rows {
		narrowed := osqRow{}
		for _, col := range sql.cols {
			if v, ok := row[col.name]; ok {
				narrowed[col.alias] = v
			}
		}
		if len(narrowed) == 0 {
			narrowed = row // none of the columns asked for: answer the row
		}
		out = append(out, narrowed)
	}
	return out
}

// osqueryResultDocs are the documents osquery wrote for one agent's rows,
// ECS mapping applied; each carries its _id for the caller to lift out.
func (k *Kibana) osqueryResultDocs(sp *space, lq *osqueryLive, q *osqueryQueryAction, agentID string) []map[string]any {
	a := sp.fleet.agents.get(agentID)
	rows := k.osqueryRowsFor(sp, lq, q, agentID)
	at := lq.created.Add(osqueryAnswerDelay - 500*time.Millisecond + time.Duration(osqHash(agentID)%400)*time.Millisecond)
	docs := make([]map[string]any, 0, len(rows))
	for i, row := range rows {
		columns := map[string]any{}
		for col, v := range row {
			columns[col] = v
		}
		doc := map[string]any{
			"_id":           uuidFrom(osqHash(q.actionID, agentID, strconv.Itoa(i))),
			"@timestamp":    osqueryStamp(at),
			"action_id":     q.actionID,
			"action_data":   map[string]any{"id": q.id, "query": q.query},
			"agent":         map[string]any{"id": a.id, "name": a.hostname, "type": "osquerybeat", "version": a.version},
			"elastic_agent": map[string]any{"id": a.id, "version": a.version, "snapshot": false},
			"host":          map[string]any{"name": a.hostname, "hostname": a.hostname},
			"osquery":       columns,
			"data_stream":   map[string]any{"dataset": "osquery_manager.result", "namespace": "default", "type": "logs"},
			"ecs":           map[string]any{"version": "8.11.0"},
			"event":         map[string]any{"ingested": osqueryStamp(at.Add(time.Second))},
		}
		for _, field := range osqKeys(q.ecsMapping) {
			spec, _ := q.ecsMapping[field].(map[string]any)
			var v any
			if col, ok := spec["field"].(string); ok {
				if cell, ok := row[col]; ok {
					v = cell
				}
			} else if val, ok := spec["value"]; ok {
				v = val
			}
			if v != nil {
				osqSetPath(doc, field, v)
			}
		}
		docs = append(docs, doc)
	}
	return docs
}

// osqSetPath sets a dotted field in a nested document.
func osqSetPath(doc map[string]any, field string, v any) {
	parts := strings.Split(field, ".")
	m := doc
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}
