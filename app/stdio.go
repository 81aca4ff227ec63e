package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// mcp-go's stdio server cancels every call still running when its input
// ends. A script that pipes requests in and closes stdin (printf … |
// kibana-mcp) would lose every answer, and a write could reach Kibana with
// its outcome unreported. So the end of input is held back until every
// request read so far has been answered (tool calls, resource reads,
// completions, prompts: any of them may wait on Kibana): requests are noted
// as they come in on stdin and crossed off as their answers go out on
// stdout.

// callTracker holds the JSON-RPC ids of requests not yet answered.
type callTracker struct {
	mu      sync.Mutex
	pending map[string]bool
	changed chan struct{} // closed and replaced whenever an answer goes out
}

func newCallTracker() *callTracker {
	return &callTracker{pending: map[string]bool{}, changed: make(chan struct{})}
}

func (t *callTracker) add(id string) {
	t.mu.Lock()
	t.pending[id] = true
	t.mu.Unlock()
}

func (t *callTracker) answered(id string) {
	t.mu.Lock()
	if t.pending[id] {
		delete(t.pending, id)
		close(t.changed)
		t.changed = make(chan struct{})
	}
	t.mu.Unlock()
}

// wait returns when every request is answered, the bound has passed, or ctx
// ends (a signal).
func (t *callTracker) wait(ctx context.Context, bound time.Duration) {
	deadline := time.NewTimer(bound)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		pending, changed := len(t.pending), t.changed
		t.mu.Unlock()
		if pending == 0 {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

// messageID reads the id of an answer as mcp-go writes it, as a comparable
// key. It stops at the id, which comes before the (possibly huge) result.
func messageID(line []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", false
		}
		if key != "id" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return "", false
			}
			continue
		}
		var id any
		if dec.Decode(&id) != nil || id == nil {
			return "", false
		}
		// A request of the server's own (an elicitation asking the user to
		// confirm) also carries an id, from the server's counter; mcp-go
		// writes its method right after the id, and it answers nothing.
		if next, err := dec.Token(); err == nil && next == "method" {
			return "", false
		}
		return idKey(id), true
	}
	return "", false
}

// requestID returns the id of a request the server will answer with that
// id: a message with a method and a string or number id. Notifications (no
// id or a null id) get no answer; neither do responses to the server's own
// requests (a result or error member, no method), nor subscriptions/listen,
// which holds its stream open until the session ends. An id of another type
// may be answered with a null id, so it is not waited for either. Every
// other request is waited for, whatever its method: resources/read,
// completion/complete and prompts/get reach Kibana as tool calls do. It
// decodes exactly as mcp-go does (encoding/json: key case ignored, the last
// duplicate wins), so both agree on the id.
func requestID(line []byte) (string, bool) {
	var msg struct {
		Method string          `json:"method"`
		ID     any             `json:"id"`
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if json.Unmarshal(line, &msg) != nil || msg.Method == "" || msg.Method == string(mcp.MethodSubscriptionsListen) || msg.Result != nil || msg.Error != nil {
		return "", false
	}
	switch msg.ID.(type) {
	case string, float64:
		return idKey(msg.ID), true
	}
	return "", false
}

func idKey(id any) string { return fmt.Sprintf("%T:%v", id, id) }

// drainingStdin passes stdin through a line at a time, noting requests, and
// at end of input waits for their answers before reporting EOF.
type drainingStdin struct {
	ctx     context.Context
	in      *bufio.Reader
	calls   *callTracker
	bound   time.Duration
	pending []byte // rest of the current line
}

func (d *drainingStdin) Read(p []byte) (int, error) {
	if len(d.pending) == 0 {
		line, err := d.in.ReadBytes('\n')
		if len(line) == 0 {
			if err == io.EOF {
				d.calls.wait(d.ctx, d.bound)
			}
			return 0, err
		}
		if id, ok := requestID(line); ok {
			d.calls.add(id)
		}
		d.pending = line
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

// answerWatcher passes stdout through and crosses off each answered request.
// It keeps only the head of each line, where the id is.
type answerWatcher struct {
	out   io.Writer
	calls *callTracker
	head  []byte
}

const maxHead = 1024

func (w *answerWatcher) Write(p []byte) (int, error) {
	n, err := w.out.Write(p)
	for rest := p[:n]; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		chunk := rest
		if i >= 0 {
			chunk = rest[:i]
		}
		if room := maxHead - len(w.head); room > 0 {
			w.head = append(w.head, chunk[:min(room, len(chunk))]...)
		}
		if i < 0 {
			break
		}
		if id, ok := messageID(w.head); ok {
			w.calls.answered(id)
		}
		w.head = w.head[:0]
		rest = rest[i+1:]
	}
	return n, err
}
