package tools

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// query_esql answers a text table, not JSON. ES|QL's JSON is already a
// table (columns once, then rows of values), so a compact JSON of it saves
// little; what costs a model's context is the quoting, the separators and
// the values said again and again. The text table is:
//
//	100 rows; LIMIT 100 was added …           (the count, and any note)
//	every row: host.name=vpn-gw-01, …         (columns constant across rows)
//	null in every row: dns.question.name, …
//	(space-separated; - = null; ^ = …)        (the legend: what this table uses)
//	@timestamp:date user.name:keyword …       (header: name:type)
//	2025-01-01T10:00:00Z alice …              (one line per row)
//	10:00:05.25 ^ …
//
// Cells are separated by one space: cl100k counts " alice" as one token,
// where a tab or a comma is a token of its own before each cell. A cell is
// written bare unless bare it would read as something else (empty, with a
// space or line break, starting with " or [, or one of the marks - and ^):
// then it is a quoted string (Go's escapes, JSON's for all but control
// bytes). Null is -. What repeats the row above is left out at a row's
// end, and before it written ^ when longer than a short word: events come
// in bursts from one host, user and address. A date on the same day as the
// last date written in full above it in its column is the time of day
// alone (UTC, no Z): a timeline's stamps share their day, and the day is
// half of each stamp's tokens. A multi-value is [a,b], its elements quoted
// when they hold a comma, a space or a ]. Dates are ISO in UTC, without
// trailing zeros in the fraction. Every mark is said in the legend, only
// when the table uses it, so a model reads the answer cold.

const (
	nullCell  = "-"
	dittoCell = "^"
)

// textTable is an ES|QL result laid out for a model.
type textTable struct {
	rows     int
	unit     string   // what a row is: "row" unless said
	note     string   // after the row count: the LIMIT added, say
	constant []string // name=value, the same in every row
	allNull  []string // names
	header   []string // name:type of the columns written per row
	cells    [][]string
	nulls    bool // some cell is null
	timeOnly bool // some date cells are the time of day alone
	ditto    bool // some cells are ^ or left out: the same as the row above
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
			out.allNull = append(out.allNull, nameText(c.Name))
		case len(t.Values) > 1 && allEqual(cols[i]):
			out.constant = append(out.constant, nameText(c.Name)+"="+cols[i][0])
		default:
			keep = append(keep, i)
			out.header = append(out.header, nameText(c.Name)+":"+c.Type)
		}
	}
	out.cells = make([][]string, len(t.Values))
	for r := range t.Values {
		line := make([]string, len(keep))
		for j, i := range keep {
			line[j] = cols[i][r]
			out.nulls = out.nulls || line[j] == nullCell
		}
		out.cells[r] = line
	}
	for j, i := range keep {
		if typ := t.Columns[i].Type; typ == "date" || typ == "date_nanos" {
			out.timeOnly = shortenDates(out.cells, j) || out.timeOnly
		}
	}
	out.ditto = dittoRepeats(out.cells)
	return out
}

// shortenDates writes column j's stamps as the time of day alone (without
// the Z) when their day is the day last written in full above them in the
// column. It reports whether it shortened any.
func shortenDates(cells [][]string, j int) bool {
	var day string
	short := false
	for _, line := range cells {
		c := line[j]
		if len(c) < len("2006-01-02T15:04:05Z") || c[10] != 'T' || !strings.HasSuffix(c, "Z") {
			continue // null, a list, or not a UTC stamp
		}
		if c[:10] == day {
			line[j] = c[11 : len(c)-1]
			short = true
			continue
		}
		day = c[:10]
	}
	return short
}

// dittoRepeats shortens what repeats the row above: a row's last cells
// when they all do (a burst repeats all but the time), then cells longer
// than a short word, written ^ (below that, ^ saves no token and reads
// worse). A row keeps its first cell. It reports whether it shortened any.
func dittoRepeats(cells [][]string) bool {
	wrote := false
	for r := len(cells) - 1; r > 0; r-- {
		line, above := cells[r], cells[r-1]
		n := len(line)
		for n > 1 && line[n-1] == above[n-1] {
			n--
		}
		if n < len(line) {
			cells[r], wrote = line[:n], true
		}
		for j, c := range line[:n] {
			if len(c) > 3 && above[j] == c {
				line[j], wrote = dittoCell, true
			}
		}
	}
	return wrote
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
	if legend := t.legend(); legend != "" {
		b.WriteString(legend + "\n")
	}
	b.WriteString(strings.Join(t.header, " ") + "\n")
	for _, line := range t.cells {
		b.WriteString(strings.Join(line, " ") + "\n")
	}
	return b.String()
}

// legend says how to read the rows, naming only the marks this table uses.
func (t *textTable) legend() string {
	if len(t.cells) == 0 {
		return ""
	}
	parts := []string{"space-separated"}
	if t.nulls {
		parts = append(parts, "- = null")
	}
	if t.ditto {
		parts = append(parts, "^ = same as the row above, as are cells missing at a row's end")
	}
	if t.timeOnly {
		parts = append(parts, "a time alone is on the date last written above it (UTC)")
	}
	return "(" + strings.Join(parts, "; ") + ")"
}

// nameText writes a column name bare unless it would split a header or
// an every-row line, or open like the legend.
func nameText(name string) string {
	if name == "" || strings.ContainsAny(name, ",=") || strings.HasPrefix(name, `"`) || strings.HasPrefix(name, "(") || hasSpace(name) {
		return strconv.Quote(name)
	}
	return name
}

// cellText writes one value as a cell: - for null, dates as ISO (epoch
// milliseconds when a path gives numbers) without a zero fraction.
func cellText(typ string, v any) string {
	switch x := v.(type) {
	case nil:
		return nullCell
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = cellText(typ, e)
			if s, ok := e.(string); ok && (parts[i] == nullCell || strings.ContainsAny(s, ",]")) && !strings.HasPrefix(parts[i], `"`) {
				parts[i] = strconv.Quote(s)
			}
		}
		return "[" + strings.Join(parts, ",") + "]"
	case string:
		return quoteCell(cellValue(typ, x).(string))
	case json.Number:
		if typ == "date" || typ == "date_nanos" {
			return cellValue(typ, x).(string)
		}
		return string(x) // as Elasticsearch wrote it: no digit lost
	case float64:
		if typ == "date" || typ == "date_nanos" {
			return cellValue(typ, x).(string)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return quoteCell(string(b))
}

// quoteCell writes s bare unless bare it would read as something else.
func quoteCell(s string) string {
	if s == "" || s == nullCell || s == dittoCell || hasSpace(s) ||
		strings.HasPrefix(s, `"`) || strings.HasPrefix(s, "[") {
		return strconv.Quote(s)
	}
	return s
}

// hasSpace reports a space, line break or control character: what would
// split a cell or a line, or hide in it.
func hasSpace(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0
}

// cellValue writes dates as ISO text (epoch milliseconds when a path
// gives numbers), in UTC without trailing zeros in the fraction, and leaves
// other values as they are.
func cellValue(typ string, v any) any {
	if typ != "date" && typ != "date_nanos" {
		return v
	}
	switch x := v.(type) {
	case json.Number:
		if ms, err := x.Float64(); err == nil {
			return isoTime(time.UnixMilli(int64(ms)))
		}
	case float64:
		return isoTime(time.UnixMilli(int64(x)))
	case string:
		// Without the fraction's trailing zeros: .250 is .25.
		if at, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return at.UTC().Format("2006-01-02T15:04:05.999999999Z07:00")
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cellValue(typ, e)
		}
		return out
	}
	return v
}
