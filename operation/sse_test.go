package operation

import (
	"reflect"
	"testing"
)

// TestParseEventStream: line endings, comments, multi-line data, the
// default type, an event without data, and a stream cut mid-event.
func TestParseEventStream(t *testing.T) {
	for _, c := range []struct {
		name     string
		in       string
		want     []Event
		complete bool
	}{
		{"empty", "", nil, true},
		{"typed", "event: a\ndata: {\"x\":1}\n\n", []Event{{"a", `{"x":1}`}}, true},
		{"crlf, comment, default type", ": hi\r\n\r\ndata:one\r\ndata: two\r\n\r\n", []Event{{"message", "one\ntwo"}}, true},
		{"cr only", "event: b\rdata: z\r\r", []Event{{"b", "z"}}, true},
		{"no data is no event", "event: ping\n\nevent: a\ndata: 1\n\n", []Event{{"a", "1"}}, true},
		{"other fields ignored", "id: 7\nretry: 10\nevent: a\ndata: 1\n\n", []Event{{"a", "1"}}, true},
		{"cut mid-event", "event: a\ndata: 1\n\nevent: b\ndata: {\"par", []Event{{"a", "1"}, {"b", `{"par`}}, false},
		{"cut before the blank line", "event: a\ndata: 1\n", []Event{{"a", "1"}}, false},
		{"BOM", "\xef\xbb\xbfevent: a\ndata: 1\n\n", []Event{{"a", "1"}}, true},
	} {
		got, complete := ParseEventStream([]byte(c.in))
		if !reflect.DeepEqual(got, c.want) || complete != c.complete {
			t.Errorf("%s: got %q complete=%v, want %q complete=%v", c.name, got, complete, c.want, c.complete)
		}
	}
}
