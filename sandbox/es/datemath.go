package es

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date math as Elasticsearch reads it in range queries and as Kibana reads
// it in its own APIs ("now-7d", "now-1h/h", "2024-01-31||+1d", epoch
// milliseconds), one implementation for the whole sandbox.

const DateFormat = "2006-01-02T15:04:05.000Z"

func FormatMillis(ms int64) string { return time.UnixMilli(ms).UTC().Format(DateFormat) }

// dateValue reads a stored date: an ISO string or epoch milliseconds.
func (s *search) dateValue(v any) (int64, error) {
	if f, ok := v.(json.Number); ok {
		n, err := f.Int64()
		return n, err
	}
	if n, ok := Float(v); ok {
		if _, isStr := v.(string); !isStr {
			return int64(n), nil
		}
	}
	t, _, err := ParseDate(String(v), time.UTC)
	if err != nil {
		return 0, err
	}
	return t.UnixMilli(), nil
}

// dateBound resolves a range bound: date math ("now-7d/d",
// "2024-05-01||+1M"), an ISO date, or epoch milliseconds. roundUp rounds
// to the end of the unit, as gt and lte do.
func (s *search) dateBound(field string, v any, roundUp bool, loc *time.Location) (int64, error) {
	if loc == nil {
		loc = time.UTC
	}
	if _, isStr := v.(string); !isStr {
		if n, ok := Float(v); ok {
			return int64(n), nil
		}
	}
	str := String(v)
	t, err := DateMath(str, s.now, roundUp, loc)
	if err != nil {
		return 0, ShardError("parse_exception", "failed to parse date field [%s] with format [strict_date_optional_time||epoch_millis]: [failed to parse date field [%s] with format [strict_date_optional_time||epoch_millis]]", str, str)
	}
	return t.UnixMilli(), nil
}

func timeZone(tz string) (*time.Location, error) {
	switch strings.ToUpper(tz) {
	case "", "Z", "UTC", "GMT":
		return time.UTC, nil
	}
	if t, err := time.Parse("-07:00", tz); err == nil {
		_, off := t.Zone()
		return time.FixedZone(tz, off), nil
	}
	if loc, err := time.LoadLocation(tz); err == nil {
		return loc, nil
	}
	return nil, &Error{Status: 400, Type: "illegal_argument_exception", RootType: "illegal_argument_exception", Reason: fmt.Sprintf("Unknown time-zone ID: %s", tz)}
}

// DateMath evaluates Elasticsearch date math.
func DateMath(expr string, now time.Time, roundUp bool, loc *time.Location) (time.Time, error) {
	var anchor time.Time
	var rest string
	switch {
	case strings.HasPrefix(expr, "now"):
		anchor, rest = now.In(loc), expr[3:]
	case strings.Contains(expr, "||"):
		date, math, _ := strings.Cut(expr, "||")
		t, _, err := ParseDate(date, loc)
		if err != nil {
			return time.Time{}, err
		}
		anchor, rest = t, math
	default:
		t, precision, err := ParseDate(expr, loc)
		if err != nil {
			return time.Time{}, err
		}
		if roundUp && precision != "" {
			return roundTime(t, precision, true), nil
		}
		return t, nil
	}
	t := anchor
	for rest != "" {
		op := rest[0]
		rest = rest[1:]
		switch op {
		case '/':
			if rest == "" {
				return time.Time{}, fmt.Errorf("rounding without unit")
			}
			unit := rest[:1]
			if !strings.Contains("yMwdhHms", unit) {
				return time.Time{}, fmt.Errorf("unknown unit %q", unit)
			}
			t = roundTime(t, unit, roundUp)
			rest = rest[1:]
		case '+', '-':
			i := 0
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			n := 1
			if i > 0 {
				n, _ = strconv.Atoi(rest[:i])
			}
			if i >= len(rest) {
				return time.Time{}, fmt.Errorf("missing unit")
			}
			if op == '-' {
				n = -n
			}
			unit := rest[i]
			rest = rest[i+1:]
			switch unit {
			case 'y':
				t = t.AddDate(n, 0, 0)
			case 'M':
				t = t.AddDate(0, n, 0)
			case 'w':
				t = t.AddDate(0, 0, 7*n)
			case 'd':
				t = t.AddDate(0, 0, n)
			case 'h', 'H':
				t = t.Add(time.Duration(n) * time.Hour)
			case 'm':
				t = t.Add(time.Duration(n) * time.Minute)
			case 's':
				t = t.Add(time.Duration(n) * time.Second)
			default:
				return time.Time{}, fmt.Errorf("unknown unit %q", unit)
			}
		default:
			return time.Time{}, fmt.Errorf("unexpected %q", op)
		}
	}
	return t, nil
}

// roundTime rounds down to the start of the unit, or up to its last
// millisecond.
func roundTime(t time.Time, unit string, up bool) time.Time {
	var start time.Time
	var next func(time.Time) time.Time
	y, mo, d := t.Date()
	loc := t.Location()
	switch unit {
	case "y":
		start, next = time.Date(y, 1, 1, 0, 0, 0, 0, loc), func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }
	case "M":
		start, next = time.Date(y, mo, 1, 0, 0, 0, 0, loc), func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
	case "w":
		wd := (int(t.Weekday()) + 6) % 7 // weeks start on Monday
		start, next = time.Date(y, mo, d-wd, 0, 0, 0, 0, loc), func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }
	case "d":
		start, next = time.Date(y, mo, d, 0, 0, 0, 0, loc), func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	case "h", "H":
		start, next = time.Date(y, mo, d, t.Hour(), 0, 0, 0, loc), func(t time.Time) time.Time { return t.Add(time.Hour) }
	case "m":
		start, next = time.Date(y, mo, d, t.Hour(), t.Minute(), 0, 0, loc), func(t time.Time) time.Time { return t.Add(time.Minute) }
	default: // "s"
		start, next = time.Date(y, mo, d, t.Hour(), t.Minute(), t.Second(), 0, loc), func(t time.Time) time.Time { return t.Add(time.Second) }
	}
	if up {
		return next(start).Add(-time.Millisecond)
	}
	return start
}

// ParseDate reads strict_date_optional_time||epoch_millis; precision is the unit of the
// last component given ("d" for a bare date), "" when down to the
// millisecond.
func ParseDate(s string, loc *time.Location) (time.Time, string, error) {
	// epoch_millis: more digits than a year has
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(strings.TrimPrefix(s, "-")) > 4 {
		return time.UnixMilli(n).UTC(), "", nil
	}
	layouts := []struct{ layout, precision string }{
		{"2006-01-02T15:04:05.999999999Z07:00", ""},
		{"2006-01-02T15:04:05Z07:00", "s"},
		{"2006-01-02T15:04Z07:00", "m"},
		{"2006-01-02T15:04:05.999999999", ""},
		{"2006-01-02T15:04:05", "s"},
		{"2006-01-02T15:04", "m"},
		{"2006-01-02T15", "h"},
		{"2006-01-02", "d"},
		{"2006-01", "M"},
		{"2006", "y"},
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l.layout, s, loc); err == nil {
			return t, l.precision, nil
		}
	}
	return time.Time{}, "", fmt.Errorf("cannot parse date %q", s)
}

// DateMathUTC reads a date or date math in UTC, as Kibana's own APIs take them in
// their query parameters and bodies (from, to, start, end); roundUp is for
// the end of a range. ok is false when it does not parse.
func DateMathUTC(expr string, now time.Time, roundUp bool) (time.Time, bool) {
	t, err := DateMath(expr, now, roundUp, time.UTC)
	return t.UTC(), err == nil
}

// ParseTime reads a stored date: an ISO date or time, or epoch
// milliseconds.
func ParseTime(s string) (time.Time, bool) {
	t, _, err := ParseDate(s, time.UTC)
	return t.UTC(), err == nil
}
