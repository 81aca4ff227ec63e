package app

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// mcp-go's stdio server cancels every call still running when its input
// ends. A script that pipes requests in and closes stdin (printf … |
// kibana-mcp) would lose every answer, and a write could reach Kibana with
// its outcome unreported. drainingStdin holds back the end of input until
// the tool calls read so far have been answered, within a bound.

// callTracker counts tool calls from the line that carries them until their
// answer is produced.
type callTracker struct {
	mu      sync.Mutex
	pending int
	changed chan struct{} // closed and replaced whenever pending drops
}

func newCallTracker() *callTracker { return &callTracker{changed: make(chan struct{})} }

func (t *callTracker) add() {
	t.mu.Lock()
	t.pending++
	t.mu.Unlock()
}

func (t *callTracker) done() {
	t.mu.Lock()
	if t.pending > 0 {
		t.pending--
	}
	close(t.changed)
	t.changed = make(chan struct{})
	t.mu.Unlock()
}

// wait returns when no call is pending, the bound has passed, or ctx ends.
func (t *callTracker) wait(ctx context.Context, bound time.Duration) {
	deadline := time.NewTimer(bound)
	defer deadline.Stop()
	for {
		t.mu.Lock()
		pending, changed := t.pending, t.changed
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

// hooks report each answered or failed tool call to the tracker.
func (t *callTracker) hooks() *server.Hooks {
	h := &server.Hooks{}
	h.AddAfterCallTool(func(context.Context, any, *mcp.CallToolRequest, any) { t.done() })
	h.AddOnError(func(_ context.Context, _ any, method mcp.MCPMethod, _ any, _ error) {
		if method == mcp.MethodToolsCall {
			t.done()
		}
	})
	return h
}

// drainingStdin passes stdin through line by line, counting tool calls, and
// at end of input waits for them before reporting EOF.
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
		if isToolCall(line) {
			d.calls.add()
		}
		d.pending = line
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}

func isToolCall(line []byte) bool {
	var msg struct {
		Method string          `json:"method"`
		ID     json.RawMessage `json:"id"`
	}
	return json.Unmarshal(line, &msg) == nil && msg.Method == string(mcp.MethodToolsCall) && len(msg.ID) > 0
}
