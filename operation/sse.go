package operation

import (
	"bytes"
	"strings"
)

// EventStreamType is the media type of server-sent events; an input whose
// route streams them asks for it (kibana.Request.Accept) and reads the
// whole stream, already read to its end by the client under its timeout
// and size cap, with ParseEventStream.
const EventStreamType = "text/event-stream"

// Event is one server-sent event: its type ("message" when the stream
// names none) and its data lines joined by newlines.
type Event struct {
	Type string
	Data string
}

// ParseEventStream splits a server-sent event stream into its events, as
// the HTML living standard reads them: lines end in \n, \r\n or \r; a
// blank line ends an event; "event:" names it, "data:" lines add to its
// data, a single space after the colon is dropped; comments (":") and
// other fields are ignored. An event the stream was cut in the middle of
// (no blank line after it) is still returned when it has data, with
// complete false, so that a caller can say the stream ended early.
func ParseEventStream(body []byte) (events []Event, complete bool) {
	text := strings.ReplaceAll(strings.ReplaceAll(string(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))), "\r\n", "\n"), "\r", "\n")
	var typ string
	var data []string
	pending := false
	flush := func() {
		if pending && data != nil {
			if typ == "" {
				typ = "message"
			}
			events = append(events, Event{Type: typ, Data: strings.Join(data, "\n")})
		}
		typ, data, pending = "", nil, false
	}
	lines := strings.Split(text, "\n")
	// A stream that ends with a newline splits into a last empty string
	// that is no line of its own.
	ended := strings.HasSuffix(text, "\n")
	if ended {
		lines = lines[:len(lines)-1]
	}
	for _, line := range lines {
		if line == "" {
			flush()
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "":
			// A comment: servers send them to keep the connection open.
		case "event":
			typ, pending = value, true
		case "data":
			data, pending = append(data, value), true
		}
	}
	complete = !pending
	flush()
	return events, complete
}
