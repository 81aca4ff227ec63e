package sandbox

import (
	"strconv"
	"strings"
	"time"
)

// Date math as Kibana and Elasticsearch read it in range filters, shared by
// every area whose API takes dates ("now-7d", "now-1h/h", "2024-01-31||+1d").

var dateMathStep = lazyRegexp(`^([+-])(\d+)([yMwdhHms])`)

// dateMath reads an ISO date or time, or Elasticsearch date math
// ("now-7d", "now-1h/h", "2024-01-31||+1d"). Rounding rounds up for the end
// of a range.
func dateMath(s string, now time.Time, roundUp bool) (time.Time, bool) {
	var t time.Time
	rest := ""
	if after, ok := strings.CutPrefix(s, "now"); ok {
		t, rest = now.UTC(), after
	} else {
		anchor, math, _ := strings.Cut(s, "||")
		var ok bool
		if t, ok = parseDate(anchor); !ok {
			return time.Time{}, false
		}
		rest = math
	}
	for rest != "" {
		if m := dateMathStep().FindStringSubmatch(rest); m != nil {
			n, _ := strconv.Atoi(m[2])
			if m[1] == "-" {
				n = -n
			}
			t = addDateUnit(t, m[3], n)
			rest = rest[len(m[0]):]
			continue
		}
		if len(rest) == 2 && rest[0] == '/' {
			t = roundDate(t, rest[1:], roundUp)
			rest = ""
			continue
		}
		return time.Time{}, false
	}
	return t, true
}

func parseDate(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), true
	}
	return time.Time{}, false
}

func addDateUnit(t time.Time, unit string, n int) time.Time {
	switch unit {
	case "y":
		return t.AddDate(n, 0, 0)
	case "M":
		return t.AddDate(0, n, 0)
	case "w":
		return t.AddDate(0, 0, 7*n)
	case "d":
		return t.AddDate(0, 0, n)
	case "h", "H":
		return t.Add(time.Duration(n) * time.Hour)
	case "m":
		return t.Add(time.Duration(n) * time.Minute)
	}
	return t.Add(time.Duration(n) * time.Second)
}

func roundDate(t time.Time, unit string, up bool) time.Time {
	var start time.Time
	y, mo, d := t.Date()
	switch unit {
	case "y":
		start = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case "M":
		start = time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
	case "w":
		start = time.Date(y, mo, d-(int(t.Weekday())+6)%7, 0, 0, 0, 0, time.UTC)
	case "d":
		start = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	case "h", "H":
		start = t.Truncate(time.Hour)
	case "m":
		start = t.Truncate(time.Minute)
	default:
		start = t.Truncate(time.Second)
	}
	if !up {
		return start
	}
	return addDateUnit(start, unit, 1).Add(-time.Millisecond)
}
