package esql

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Runtime values: nil, int64, float64, string, bool, time.Time (dates, UTC),
// timeSpan, or []any (a multi-value of two or more of those).

type timeSpan struct {
	months int
	days   int
	dur    time.Duration
	text   string
}

func makeSpan(n int64, unit string) timeSpan {
	s := timeSpan{}
	switch unit {
	case "ms":
		s.dur = time.Duration(n) * time.Millisecond
	case "s":
		s.dur = time.Duration(n) * time.Second
	case "m":
		s.dur = time.Duration(n) * time.Minute
	case "h":
		s.dur = time.Duration(n) * time.Hour
	case "d":
		s.days = int(n)
	case "w":
		s.days = int(n) * 7
	case "M":
		s.months = int(n)
	case "q":
		s.months = int(n) * 3
	case "y":
		s.months = int(n) * 12
	}
	names := map[string]string{"ms": "millisecond", "s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "M": "month", "q": "quarter", "y": "year"}
	s.text = fmt.Sprintf("%d %s", n, names[unit])
	if n != 1 {
		s.text += "s"
	}
	return s
}

func (s timeSpan) typ() string {
	if s.months != 0 || s.days != 0 {
		return "date_period"
	}
	return "time_duration"
}

func (s timeSpan) neg() timeSpan {
	return timeSpan{months: -s.months, days: -s.days, dur: -s.dur, text: "-" + s.text}
}

func (s timeSpan) addTo(t time.Time) time.Time {
	if s.months != 0 || s.days != 0 {
		t = t.AddDate(0, s.months, s.days)
	}
	return t.Add(s.dur)
}

func mvOf(vals []any) any {
	switch len(vals) {
	case 0:
		return nil
	case 1:
		return vals[0]
	}
	return vals
}

// values lists a cell's values.
func values(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

func isNumeric(t string) bool { return t == "integer" || t == "long" || t == "double" }

func isStringType(t string) bool { return t == "keyword" || t == "text" }

func numericWiden(a, b string) string {
	switch {
	case a == "double" || b == "double":
		return "double"
	case a == "long" || b == "long":
		return "long"
	}
	return "integer"
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

const isoMillis = "2006-01-02T15:04:05.000Z"

func formatDate(t time.Time) string { return t.UTC().Format(isoMillis) }

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// parseDate reads an ISO-8601 date as Elasticsearch's strict_date_optional_time does.
func parseDate(s string) (time.Time, bool) {
	if len(s) < 7 || len(s) > 40 || !isDigit(s[0]) {
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func parseIP(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// compareValues orders two non-nil single values of comparable types.
func compareValues(a, b any) (int, bool) {
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			return cmpOrd(x, y), true
		case float64:
			return cmpFloat(float64(x), y), true
		}
	case float64:
		if y, ok := toFloat(b); ok {
			return cmpFloat(x, y), true
		}
	case string:
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), true
		}
	case bool:
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0, true
			case !x:
				return -1, true
			}
			return 1, true
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y), true
		}
	case netip.Addr:
		if y, ok := b.(netip.Addr); ok {
			return x.Compare(y), true
		}
	}
	return 0, false
}

func cmpOrd[T int64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// toType converts one raw value to the representation of a column type;
// ok is false when it does not fit.
func toType(v any, typ string) (any, bool) {
	switch typ {
	case "keyword", "text":
		return toKeyword(v)
	case "long", "integer":
		switch x := v.(type) {
		case int64:
			return x, true
		case float64:
			if math.IsInf(x, 0) || math.IsNaN(x) || math.Abs(x) > 9.2e18 {
				return nil, false
			}
			return int64(x), true // conversions truncate
		case string:
			if i, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
				return i, true
			}
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) && math.Abs(f) < 9.2e18 {
				return int64(f), true
			}
		case bool:
			if x {
				return int64(1), true
			}
			return int64(0), true
		case time.Time:
			return x.UnixMilli(), true
		}
	case "double":
		switch x := v.(type) {
		case int64:
			return float64(x), true
		case float64:
			return x, true
		case string:
			if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return f, true
			}
		case bool:
			if x {
				return 1.0, true
			}
			return 0.0, true
		case time.Time:
			return float64(x.UnixMilli()), true
		}
	case "boolean":
		switch x := v.(type) {
		case bool:
			return x, true
		case string:
			return strings.EqualFold(x, "true"), true
		case int64:
			return x != 0, true
		case float64:
			return x != 0, true
		}
	case "date":
		switch x := v.(type) {
		case time.Time:
			return x, true
		case string:
			if t, ok := parseDate(x); ok {
				return t, true
			}
		case int64:
			return time.UnixMilli(x).UTC(), true
		case float64:
			return time.UnixMilli(int64(x)).UTC(), true
		}
	case "ip":
		switch x := v.(type) {
		case netip.Addr:
			return x, true
		case string:
			if a, ok := parseIP(x); ok {
				return a, true
			}
		}
	case "null":
		return nil, true
	}
	return nil, false
}

func toKeyword(v any) (any, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return formatDouble(x), true
	case bool:
		return strconv.FormatBool(x), true
	case time.Time:
		return formatDate(x), true
	case netip.Addr:
		return x.String(), true
	case timeSpan:
		return x.text, true
	case sourceJSON:
		return string(x), true
	}
	return nil, false
}

func formatDouble(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e7 {
		return strconv.FormatFloat(f, 'f', 1, 64)
	}
	s := strconv.FormatFloat(f, 'G', -1, 64)
	if strings.Contains(s, "E") {
		if !strings.Contains(s, ".") {
			s = strings.Replace(s, "E", ".0E", 1)
		}
		s = strings.Replace(s, "E+", "E", 1)
		return s
	}
	return s
}

// output renders a cell for the _query answer.
func output(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = output(e)
		}
		return out
	case time.Time:
		return formatDate(x)
	case netip.Addr:
		return x.String()
	case timeSpan:
		return x.text
	case sourceJSON:
		return json.RawMessage(x)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
	}
	return v
}

// normalizeRaw turns a decoded JSON scalar into a runtime value before typing.
func normalizeRaw(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint64:
		if x > math.MaxInt64 {
			return float64(x)
		}
		return int64(x)
	case float32:
		return float64(x)
	case float64:
		return x
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case string, bool, time.Time:
		return x
	}
	return fmt.Sprint(v)
}

// sortMV orders a multi-value as doc values are ordered (keywords also
// deduplicated).
func sortMV(vals []any, typ string) []any {
	sort.SliceStable(vals, func(i, j int) bool {
		c, _ := compareValues(vals[i], vals[j])
		return c < 0
	})
	if isStringType(typ) || typ == "ip" {
		out := vals[:0:0]
		for i, v := range vals {
			if i > 0 {
				if c, ok := compareValues(vals[i-1], v); ok && c == 0 {
					continue
				}
			}
			out = append(out, v)
		}
		return out
	}
	return vals
}
