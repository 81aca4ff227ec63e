package app

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

func TestToolCallIDs(t *testing.T) {
	for line, want := range map[string]string{
		`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{}}`:     "float64:7",
		`{"method":"tools/call","jsonrpc":"2.0","params":{},"id":"abc"}`: "string:abc",
		`{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{}}`:  "",
		`{"jsonrpc":"2.0","method":"tools/call","params":{}}`:            "",
		`{"jsonrpc":"1.0","id":1,"method":"tools/call","params":{}}`:     "",
		`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`:                 "",
		`not json`: "",
		`{"jsonrpc":"2.0","id":1,"id":2,"method":"tools/call"}`: "float64:2",
		`{"jsonrpc":"2.0","ID":7,"method":"tools/call"}`:        "float64:7",
	} {
		got, ok := toolCallID([]byte(line))
		if got != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", line, got, ok, want)
		}
	}
	// Answers are matched whatever the number's spelling.
	if a, _ := messageID([]byte(`{"jsonrpc":"2.0","id":7.0,"result":{}}`)); a != "float64:7" {
		t.Errorf("answer id %q", a)
	}
	// The server's own elicitation request numbered 1 does not answer the
	// client's call 1.
	if a, ok := messageID([]byte(`{"jsonrpc":"2.0","id":1,"method":"elicitation/create","params":{}}`)); ok {
		t.Errorf("server request taken for the answer to %q", a)
	}
}

// TestAnswerWatcherSeesSplitAndHugeLines: answers arrive in any chunking,
// and a multi-megabyte result is not copied to find its id.
func TestAnswerWatcherSeesSplitAndHugeLines(t *testing.T) {
	calls := newCallTracker()
	calls.add("float64:1")
	calls.add("float64:2")
	var out bytes.Buffer
	w := &answerWatcher{out: &out, calls: calls}
	huge := `{"jsonrpc":"2.0","id":1,"result":{"text":"` + strings.Repeat("x", 4<<20) + `"}}` + "\n"
	for i := 0; i < len(huge); i += 1000 {
		w.Write([]byte(huge[i:min(i+1000, len(huge))]))
	}
	w.Write([]byte(`{"jsonrpc":"2.0","id":2,"error":{"code":-32602,"message":"no"}}` + "\n"))
	if len(calls.pending) != 0 || out.Len() != len(huge)+64 || cap(w.head) > 2*maxHead {
		t.Errorf("pending %v, wrote %d bytes, head cap %d", calls.pending, out.Len(), cap(w.head))
	}
}

// TestDrainingStdinHoldsEOFUntilAnswered: end of input is passed on only
// once the calls read have been answered, or the bound has passed.
func TestDrainingStdinHoldsEOFUntilAnswered(t *testing.T) {
	calls := newCallTracker()
	in := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_case"}}` + "\n"
	d := &drainingStdin{ctx: context.Background(), in: bufio.NewReader(strings.NewReader(in)), calls: calls, bound: 5 * time.Second}
	line, err := io.ReadAll(io.LimitReader(d, int64(len(in))))
	if err != nil || string(line) != in {
		t.Fatalf("read %q %v", line, err)
	}
	go func() {
		time.Sleep(100 * time.Millisecond)
		calls.answered("float64:1")
	}()
	start := time.Now()
	if _, err := d.Read(make([]byte, 10)); err != io.EOF {
		t.Fatalf("err %v", err)
	}
	if waited := time.Since(start); waited < 90*time.Millisecond || waited > 2*time.Second {
		t.Errorf("EOF after %v, want it right after the answer (~100ms)", waited)
	}

	calls.add("float64:9") // never answered
	d = &drainingStdin{ctx: context.Background(), in: bufio.NewReader(strings.NewReader("")), calls: calls, bound: 50 * time.Millisecond}
	start = time.Now()
	d.Read(make([]byte, 10))
	if waited := time.Since(start); waited > time.Second {
		t.Errorf("the bound was not honoured: waited %v", waited)
	}
}
