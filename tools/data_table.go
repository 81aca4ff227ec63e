package tools

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// query_esql answers a text table, not JSON. ES|QL's JSON is already a
// table (columns once, then rows of values), so a compact JSON of it saves
// little; what costs a model's context is the quoting and the values said
// again and again. The text table is:
//
//	100 rows; LIMIT 100 was added …           (the count, and any note)
//	every row: host.name=vpn-gw-01, …         (columns constant across rows)
//	null in every row: dns.question.name, …
//	@timestamp:date	user.name:keyword	…       (header: name:type, tab-separated)
//	2025-01-01T10:00:00Z	alice	…               (one line per row)
//
// A cell is written bare; empty is null (a row null in every column is an
// empty line). A string that would read as
// something else (empty, with a tab or line break, with spaces at an end,
// starting with " or [) is written as a JSON string. A multi-value is
// [a, b], its elements quoted the same way when they hold ", " or ], as
// is a value of the every-row line. Dates are ISO, without a zero
// fraction.

// textTable is an ES|QL result laid out for a model.
type textTable struct {
	rows     int
	unit     string   // what a row is: "row" unless said
	note     string   // after the row count: the LIMIT added, say
	constant []string // name=value, the same in every row
	allNull  []string // names
	header   []string // name:type of the columns written per row
	cells    [][]string
}

// newTextTable lays out t: all-null and constant columns (with two or more
// rows) are said once, the rest are the table. (A column equal to another
// in every row, host.hostname to host.name say, is kept: said once as
// "same as", it would hide the name a model looks for.)
func newTextTable(t *esqlTable) *textTable {
	out := &textTable{rows: len(t.Values)}
	cols := make([][]string, len(t.Columns)) // cell text by column
	nulls := make([]bool, len(t.Columns))    // whether every cell is null
	for i, c := range t.Columns {
		cols[i] = make([]string, len(t.Values))
		nulls[i] = len(t.Values) > 0
		for r, row := range t.Values {
			var v any
			if i < len(row) {
				v = row[i]
			}
			if v != nil {
				nulls[i] = false
			}
			cols[i][r] = cellText(c.Type, v)
		}
	}
	var keep []int
	for i, c := range t.Columns {
		switch {
		case nulls[i]:
			out.allNull = append(out.allNull, c.Name)
		case len(t.Values) > 1 && allEqual(cols[i]):
			v := cols[i][0]
			if strings.Contains(v, ", ") && !strings.HasPrefix(v, `"`) && !strings.HasPrefix(v, "[") {
				v = strconv.Quote(v) // the line separates columns with ", "
			}
			out.constant = append(out.constant, c.Name+"="+v)
		default:
			keep = append(keep, i)
			out.header = append(out.header, c.Name+":"+c.Type)
		}
	}
	out.cells = make([][]string, len(t.Values))
	for r := range t.Values {
		line := make([]string, len(keep))
		for j, i := range keep {
			line[j] = cols[i][r]
		}
		out.cells[r] = line
	}
	return out
}

func allEqual(cells []string) bool {
	for _, c := range cells {
		if c != cells[0] {
			return false
		}
	}
	return true
}

// String writes the table.
func (t *textTable) String() string {
	var b strings.Builder
	unit := cmp.Or(t.unit, "row")
	if t.rows == 1 {
		b.WriteString("1 " + unit)
	} else {
		fmt.Fprintf(&b, "%d %ss", t.rows, unit)
	}
	if t.note != "" {
		b.WriteString("; " + t.note)
	}
	b.WriteByte('\n')
	if len(t.constant) > 0 {
		b.WriteString("every row: " + strings.Join(t.constant, ", ") + "\n")
	}
	if len(t.allNull) > 0 {
		b.WriteString("null in every row: " + strings.Join(t.allNull, ", ") + "\n")
	}
	if len(t.header) == 0 {
		return b.String()
	}
	b.WriteString(strings.Join(t.header, "\t") + "\n")
	for _, line := range t.cells {
		// Trailing nulls leave no trailing tabs.
		n := len(line)
		for n > 0 && line[n-1] == "" {
			n--
		}
		b.WriteString(strings.Join(line[:n], "\t") + "\n")
	}
	return b.String()
}

// cellText writes one value as a cell: "" for null, dates as ISO (epoch
// milliseconds when a path gives numbers) without a zero fraction.
func cellText(typ string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cellText(typ, e)
			if !strings.HasPrefix(parts[i], `"`) && (strings.Contains(parts[i], ", ") || strings.Contains(parts[i], "]")) {
				parts[i] = strconv.Quote(parts[i])
			}
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case string:
		return quoteCell(cellValue(typ, x).(string))
	case float64:
		if typ == "date" || typ == "date_nanos" {
			return cellValue(typ, x).(string)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// quoteCell writes s bare unless bare it would read as something else.
func quoteCell(s string) string {
	if s == "" || strings.ContainsAny(s, "\t\n\r") || strings.TrimSpace(s) != s ||
		strings.HasPrefix(s, `"`) || strings.HasPrefix(s, "[") {
		return strconv.Quote(s)
	}
	return s
}

// cellValue writes dates as ISO text (epoch milliseconds when a path
// gives numbers), without a zero fraction, and leaves other values as they
// are: for the answers that stay JSON (find_events_around).
func cellValue(typ string, v any) any {
	if typ != "date" && typ != "date_nanos" {
		return v
	}
	switch x := v.(type) {
	case float64:
		return isoTime(time.UnixMilli(int64(x)))
	case string:
		return strings.Replace(x, ".000Z", "Z", 1)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cellValue(typ, e)
		}
		return out
	}
	return v
}
