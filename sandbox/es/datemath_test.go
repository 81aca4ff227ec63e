package es

import (
	"testing"
	"time"
)

func TestDateMathUTCAndParseTime(t *testing.T) {
	now := time.Date(2024, 5, 15, 13, 45, 30, 0, time.UTC)
	for _, c := range []struct {
		expr string
		up   bool
		want string
	}{
		{"now", false, "2024-05-15T13:45:30.000Z"},
		{"now-7d", false, "2024-05-08T13:45:30.000Z"},
		{"now-1h/h", false, "2024-05-15T12:00:00.000Z"},
		{"now-1h/h", true, "2024-05-15T12:59:59.999Z"},
		{"now/w", false, "2024-05-13T00:00:00.000Z"},
		{"now/M", true, "2024-05-31T23:59:59.999Z"},
		{"2024-01-31||+1d", false, "2024-02-01T00:00:00.000Z"},
		{"2024-01-31", false, "2024-01-31T00:00:00.000Z"},
		{"2024-01-31", true, "2024-01-31T23:59:59.999Z"}, // a bare date ends with its day
		{"2024-01-31T10:00:00Z", true, "2024-01-31T10:00:00.000Z"},
		{"2024-01-31T10:00:00+02:00", false, "2024-01-31T08:00:00.000Z"},
		{"1706695200000", false, "2024-01-31T10:00:00.000Z"},      // epoch millis
		{"1706695200000||+1h", false, "2024-01-31T11:00:00.000Z"}, // epoch millis as an anchor
		{"1706695200000||/d", true, "2024-01-31T23:59:59.999Z"},
	} {
		got, ok := DateMathUTC(c.expr, now, c.up)
		if !ok || got.Format(DateFormat) != c.want {
			t.Errorf("%s (up %v): %v %v, want %s", c.expr, c.up, got.Format(DateFormat), ok, c.want)
		}
	}
	for _, bad := range []string{"", "last week", "now-7x", "now/", "2024-13-01"} {
		if _, ok := DateMathUTC(bad, now, false); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	if ts, ok := ParseTime("1706695200000"); !ok || ts.Format(DateFormat) != "2024-01-31T10:00:00.000Z" {
		t.Errorf("ParseTime epoch millis: %v %v", ts, ok)
	}
	if ts, ok := ParseTime("2024-01-31T10:00:00.123Z"); !ok || ts.UnixMilli() != 1706695200123 {
		t.Errorf("ParseTime ISO: %v %v", ts, ok)
	}
}
