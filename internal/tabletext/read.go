// Package tabletext reads the data tools' text tables back, the way their
// legend tells a model to. It is the tests' reader of the format (tools
// writes it): kept apart from the writer so that a test of one checks the
// other.
package tabletext

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Read reads a text table back the way its legend tells a model to:
// the count line (and note), the every-row and null-in-every-row lines,
// the legend, the name:type header, then a row a line with - for null, ^
// and cells missing at a row's end for the row above's value, and a time
// alone for a stamp on the last date written above it. Cells are nil, a
// string, or a list ([]any) of them; numbers stay as their text. It is the
// test of the format: whatever newTextTable writes, readTable must give
// back the values it was given.
type Table struct {
	Count   int
	Note    string            // after the count
	Names   []string          // every column: every-row, null-in-every-row, then the header's
	Types   map[string]string // the header's columns
	Rows    []map[string]any  // by column name
	Columns []string          // the header's names, in order
}

func Read(text string) (*Table, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	out := &Table{Types: map[string]string{}}
	countText, note, _ := strings.Cut(lines[0], "; ")
	if _, err := fmt.Sscan(countText, &out.Count); err != nil {
		return nil, fmt.Errorf("no row count in %q", lines[0])
	}
	out.Note = note
	lines = lines[1:]
	constant := map[string]any{}
	var allNull []string
	for len(lines) > 0 {
		if rest, ok := strings.CutPrefix(lines[0], "every row: "); ok {
			for rest != "" {
				name, r, err := readName(rest, "=")
				if err != nil {
					return nil, fmt.Errorf("every row: %w", err)
				}
				var v any
				if r = r[1:]; strings.HasPrefix(r, `"`) || strings.HasPrefix(r, "[") {
					v, r, err = readCell(r)
				} else {
					// A bare value has no space: the first ", " ends it.
					end := strings.Index(r, ", ")
					if end < 0 {
						end = len(r)
					}
					v, r = r[:end], r[end:]
				}
				if err != nil {
					return nil, fmt.Errorf("every row %s: %w", name, err)
				}
				constant[name] = v
				out.Names = append(out.Names, name)
				rest = strings.TrimPrefix(r, ", ")
			}
		} else if rest, ok := strings.CutPrefix(lines[0], "null in every row: "); ok {
			for rest != "" {
				name, r, err := readName(rest, ",")
				if err != nil {
					return nil, fmt.Errorf("null in every row: %w", err)
				}
				allNull = append(allNull, name)
				out.Names = append(out.Names, name)
				rest = strings.TrimPrefix(r, ", ")
			}
		} else {
			break
		}
		lines = lines[1:]
	}
	if len(lines) > 0 && strings.HasPrefix(lines[0], "(") {
		lines = lines[1:] // the legend
	}
	row := func() map[string]any {
		r := map[string]any{}
		for k, v := range constant {
			r[k] = v
		}
		for _, k := range allNull {
			r[k] = nil
		}
		return r
	}
	if len(lines) == 0 {
		for range out.Count {
			out.Rows = append(out.Rows, row())
		}
		return out, nil
	}
	for rest := lines[0]; rest != ""; {
		var name, typ string
		word, r, _ := strings.Cut(rest, " ")
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, fmt.Errorf("header: %w", err)
			}
			name, _ = strconv.Unquote(q)
			word, r, _ = strings.Cut(rest[len(q):], " ")
			typ, _ = strings.CutPrefix(word, ":")
		} else if i := strings.LastIndexByte(word, ':'); i >= 0 {
			name, typ = word[:i], word[i+1:]
		}
		if typ == "" {
			return nil, fmt.Errorf("header: %q has no type", word)
		}
		out.Columns = append(out.Columns, name)
		out.Types[name] = typ
		out.Names = append(out.Names, name)
		rest = r
	}
	days := map[string]string{} // the date last written in full, by column
	var above map[string]any
	for _, line := range lines[1:] {
		r := row()
		rest := line
		for j, name := range out.Columns {
			if rest == "" {
				if above == nil || j == 0 {
					return nil, fmt.Errorf("row %q: %d cells, no row above to take the rest from", line, j)
				}
				r[name] = above[name]
				continue
			}
			v, next, err := readCell(rest)
			if err != nil {
				return nil, fmt.Errorf("row %q: %w", line, err)
			}
			rest = strings.TrimPrefix(next, " ")
			if v == ditto {
				if above == nil {
					return nil, fmt.Errorf("row %q: ^ in the first row", line)
				}
				r[name] = above[name]
				continue
			}
			if s, ok := v.(string); ok && isDate(out.Types[name]) {
				if len(s) >= 10 && strings.Contains(s, "T") {
					days[name] = s[:10]
				} else if strings.Count(s, ":") == 2 && !strings.HasPrefix(s, `"`) {
					if days[name] == "" {
						return nil, fmt.Errorf("row %q: time %s with no date above", line, s)
					}
					v = days[name] + "T" + s + "Z"
				}
			}
			r[name] = v
		}
		if rest != "" {
			return nil, fmt.Errorf("row %q: more cells than columns", line)
		}
		out.Rows = append(out.Rows, r)
		above = r
	}
	return out, nil
}

func isDate(typ string) bool { return typ == "date" || typ == "date_nanos" }

// ditto is readCell's answer for ^.
var ditto = &struct{}{}

// readCell reads one cell from the start of s: a quoted string, a list,
// - (nil), ^ (ditto) or a bare word up to the next space.
func readCell(s string) (any, string, error) {
	switch {
	case strings.HasPrefix(s, `"`):
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, "", fmt.Errorf("quoted cell %q: %w", s, err)
		}
		v, _ := strconv.Unquote(q)
		return v, s[len(q):], nil
	case strings.HasPrefix(s, "["):
		list := []any{}
		rest := s[1:]
		if strings.HasPrefix(rest, "]") {
			return list, rest[1:], nil
		}
		for {
			var e any
			if strings.HasPrefix(rest, `"`) {
				q, err := strconv.QuotedPrefix(rest)
				if err != nil {
					return nil, "", fmt.Errorf("list element %q: %w", rest, err)
				}
				e, _ = strconv.Unquote(q)
				rest = rest[len(q):]
			} else {
				end := strings.IndexAny(rest, ",]")
				if end < 0 {
					return nil, "", errors.New("unclosed list")
				}
				e = rest[:end]
				if e == "-" {
					e = nil
				}
				rest = rest[end:]
			}
			list = append(list, e)
			if strings.HasPrefix(rest, "]") {
				return list, rest[1:], nil
			}
			if !strings.HasPrefix(rest, ",") {
				return nil, "", fmt.Errorf("list: %q after an element", rest)
			}
			rest = rest[1:]
		}
	}
	end := strings.IndexByte(s, ' ')
	if end < 0 {
		end = len(s)
	}
	word := s[:end]
	switch word {
	case "-":
		return nil, s[end:], nil
	case "^":
		return ditto, s[end:], nil
	case "":
		return nil, "", errors.New("empty cell")
	}
	return word, s[end:], nil
}

// readName reads a column name (bare, or quoted) up to stop.
func readName(s, stop string) (string, string, error) {
	if strings.HasPrefix(s, `"`) {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", "", err
		}
		name, _ := strconv.Unquote(q)
		return name, s[len(q):], nil
	}
	end := strings.Index(s, stop)
	if end < 0 {
		end = len(s)
	}
	return s[:end], s[end:], nil
}
