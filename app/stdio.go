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
// its outcome unreported. So the end of input is held back until every tool
// call read so far has been answered: calls are noted as they come in on
// stdin and crossed off as their answers go out on stdout.

// callTracker holds the JSON-RPC ids of tool calls not yet answered.
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

// wait returns when every call is answered, the bound has passed, or ctx
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

// toolCallID returns the id of a tool call request; notifications (no id
// or a null id) and anything that is not a JSON-RPC 2.0 tools/call get no
// answer to wait for. It decodes exactly as mcp-go does (encoding/json: key
// case ignored, the last duplicate wins), so both agree on the id.
func toolCallID(line []byte) (string, bool) {
	var msg struct {
		JSONRPC string `json:"jsonrpc"`
		Method  string `json:"method"`
		ID      any    `json:"id"`
	}
	if json.Unmarshal(line, &msg) != nil || msg.JSONRPC != "2.0" || msg.Method != string(mcp.MethodToolsCall) || msg.ID == nil {
		return "", false
	}
	return idKey(msg.ID), true
}

func idKey(id any) string { return fmt.Sprintf("%T:%v", id, id) }

// drainingStdin passes stdin through a line at a time, noting tool calls,
// and at end of input waits for their answers before reporting EOF.
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
		if id, ok := toolCallID(line); ok {
			d.calls.add(id)
		}
		d.pending = line
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

// answerWatcher passes stdout through and crosses off each answered call.
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
