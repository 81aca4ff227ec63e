package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

func TestRequestIDs(t *testing.T) {
	for line, want := range map[string]string{
		`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{}}`:                            "float64:7",
		`{"method":"tools/call","jsonrpc":"2.0","params":{},"id":"abc"}`:                        "string:abc",
		`{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{}}`:                         "",
		`{"jsonrpc":"2.0","method":"tools/call","params":{}}`:                                   "",
		`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`:                                        "float64:1",
		`{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"kibana://spaces"}}`: "float64:3",
		`{"jsonrpc":"2.0","id":"c","method":"completion/complete","params":{}}`:                 "string:c",
		`{"jsonrpc":"2.0","id":4,"method":"prompts/get","params":{"name":"triage_case"}}`:       "float64:4",
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`:                                "",
		// Answers to the server's own requests, and a stream that never
		// answers while the session lasts, are not waited for.
		`{"jsonrpc":"2.0","id":1,"result":{"action":"accept"}}`:                "",
		`{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"no"}}`:          "",
		`{"jsonrpc":"2.0","id":5,"method":"subscriptions/listen","params":{}}`: "",
		`{"jsonrpc":"2.0","id":{"a":1},"method":"tools/call","params":{}}`:     "",
		`{"jsonrpc":"2.0","id":true,"method":"resources/read","params":{}}`:    "",
		`not json`: "",
		`{"jsonrpc":"2.0","id":1,"id":2,"method":"tools/call"}`: "float64:2",
		`{"jsonrpc":"2.0","ID":7,"method":"tools/call"}`:        "float64:7",
	} {
		got, ok := requestID([]byte(line))
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

// TestPipedReadsAnsweredBeforeExit: a resource read and a completion piped
// in ahead of the end of input are answered from Kibana (the sandbox), not
// cancelled when stdin closes, as tool calls already were.
func TestPipedReadsAnsweredBeforeExit(t *testing.T) {
	stdin, w := io.Pipe()
	go func() {
		io.WriteString(w, strings.Join([]string{
			`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
			`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
			`{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"kibana://spaces"}}`,
			`{"jsonrpc":"2.0","id":3,"method":"completion/complete","params":{"ref":{"type":"ref/resource","uri":"kibana://cases/{caseId}"},"argument":{"name":"caseId","value":""}}}`,
		}, "\n")+"\n")
		w.Close()
	}()
	var out, errOut bytes.Buffer
	if code := Main(t.Context(), []string{"--sandbox"}, stdin, &out, &errOut, env(nil)); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	answers := map[int]string{}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var msg struct {
			ID     int `json:"id"`
			Result struct {
				Contents []struct {
					URI  string `json:"uri"`
					Text string `json:"text"`
				} `json:"contents"`
				Completion struct {
					Values []string `json:"values"`
				} `json:"completion"`
			} `json:"result"`
			Error *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(sc.Bytes(), &msg) != nil || msg.ID == 0 {
			continue
		}
		answers[msg.ID] = sc.Text()
		switch {
		case msg.Error != nil:
			t.Errorf("request %d: error %q", msg.ID, msg.Error.Message)
		case msg.ID == 2:
			if len(msg.Result.Contents) == 0 || !strings.Contains(msg.Result.Contents[0].Text, `"default"`) {
				t.Errorf("resources/read: no spaces in %s", sc.Text())
			}
		case msg.ID == 3:
			if len(msg.Result.Completion.Values) == 0 {
				t.Errorf("completion/complete: no values in %s", sc.Text())
			}
		}
	}
	for _, id := range []int{1, 2, 3} {
		if answers[id] == "" {
			t.Errorf("request %d unanswered; output:\n%s", id, out.String())
		}
	}
}

// TestStdioToolListIsMCPGoEncoding: tools/list on stdio, answered from the
// tools' own parts (serve.ToolListWriter), is byte for byte what mcp-go
// answers in process.
func TestStdioToolListIsMCPGoEncoding(t *testing.T) {
	kc, err := kibana.New(kibana.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	log := NewLogger(io.Discard, 8, "json")
	opts := allTools
	opts.AllowRaw = true
	s, err := NewServer(kc, log, opts)
	if err != nil {
		t.Fatal(err)
	}
	list := `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`
	want, err := json.Marshal(s.HandleMessage(t.Context(), json.RawMessage(list)))
	if err != nil {
		t.Fatal(err)
	}
	stdin := strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n" + list + "\n")
	var out bytes.Buffer
	if err := serveTransport(t.Context(), &Config{Transport: "stdio"}, s, nil, stdin, &out, log); err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(out.String(), "\n") {
		if strings.HasPrefix(line, `{"jsonrpc":"2.0","id":2,`) {
			if line != string(want) {
				t.Fatalf("stdio answered tools/list differently (%d bytes, mcp-go %d):\n%.300s", len(line), len(want), line)
			}
			return
		}
	}
	t.Fatalf("no tools/list answer in:\n%.500s", out.String())
}
