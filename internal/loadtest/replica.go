// Package loadtest runs kibana-mcp the way a shared deployment does (server
// processes over streamable HTTP, optionally several behind a round-robin
// proxy, against a simulated Kibana) and drives it with concurrent MCP client
// sessions, measuring throughput, latency, errors and each replica's peak
// memory. cmd/loadtest is its command line; the replica end-to-end test uses
// its process and proxy helpers.
package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// modulePath names the server's main package; building by import path works
// from any directory inside the module (the command's and the tests').
const modulePath = "github.com/kibana-mcp/kibana-mcp"

// BuildServer compiles the server into dir and returns the binary's path.
func BuildServer(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "kibana-mcp")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, modulePath).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", modulePath, err, out)
	}
	return bin, nil
}

// Replica is one server process serving streamable HTTP on a loopback port.
type Replica struct {
	Addr string // host:port it listens on
	cmd  *exec.Cmd
	log  *tailBuffer
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done is closed
}

// ReplicaOptions says how to start a replica.
type ReplicaOptions struct {
	Binary    string
	KibanaURL string
	APIKey    string   // passed in the environment, as a deployment would
	Token     string   // --http-token, in the environment too; none when empty
	Args      []string // more flags, e.g. --stateless
	Log       io.Writer
	Ready     time.Duration // how long to wait for /healthz; 15s when zero
}

// StartReplica starts a server on a free loopback port and returns once its
// /healthz answers 200. A port taken between choosing and binding it shows
// as an early exit, so that case is retried on another port.
func StartReplica(ctx context.Context, o ReplicaOptions) (*Replica, error) {
	var err error
	for range 3 {
		var r *Replica
		if r, err = startOnce(ctx, o); err == nil {
			return r, nil
		}
		if !errors.Is(err, errExited) || !strings.Contains(err.Error(), "address already in use") {
			return nil, err
		}
	}
	return nil, err
}

var errExited = errors.New("server exited before it was ready")

func startOnce(ctx context.Context, o ReplicaOptions) (*Replica, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	args := append([]string{"--transport", "http", "--addr", addr, "--kibana-url", o.KibanaURL, "--log-level", "warn"}, o.Args...)
	cmd := exec.Command(o.Binary, args...)
	// Only what the server needs: the caller's KIBANA_* variables must not
	// change what is measured.
	cmd.Env = []string{"KIBANA_API_KEY=" + o.APIKey, "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	if o.Token != "" {
		cmd.Env = append(cmd.Env, "KIBANA_MCP_HTTP_TOKEN="+o.Token)
	}
	r := &Replica{Addr: addr, cmd: cmd, log: &tailBuffer{max: 8 << 10}, done: make(chan struct{})}
	var w io.Writer = r.log
	if o.Log != nil {
		w = io.MultiWriter(r.log, o.Log)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { r.err = cmd.Wait(); close(r.done) }()
	wait := o.Ready
	if wait == 0 {
		wait = 15 * time.Second
	}
	if err := r.waitHealthy(ctx, wait); err != nil {
		r.Stop()
		return nil, err
	}
	return r, nil
}

// freeLoopbackAddr asks the kernel for a free port. The server is given the
// port rather than :0 because nothing else tells us which one it bound.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func (r *Replica) waitHealthy(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	hc := &http.Client{Timeout: time.Second}
	last := "no answer"
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+r.Addr+"/healthz", nil)
		if resp, err := hc.Do(req); err == nil {
			// mcp-go's handler answers any path, a GET with an event
			// stream; only a plain 200 is the health endpoint.
			stream := strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream")
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && !stream {
				return nil
			}
			last = resp.Status
			if stream {
				last += " (an MCP event stream, not a health answer)"
			}
		}
		select {
		case <-r.done:
			return fmt.Errorf("%w (%v): %s", errExited, r.err, strings.TrimSpace(r.log.String()))
		case <-ctx.Done():
			return fmt.Errorf("server on %s not healthy within %v (last /healthz: %s): %s", r.Addr, limit, last, strings.TrimSpace(r.log.String()))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// PID is the process ID.
func (r *Replica) PID() int { return r.cmd.Process.Pid }

// Log is the end of what the process wrote to stdout and stderr.
func (r *Replica) Log() string { return r.log.String() }

// PeakRSS is the process's peak resident set size in bytes (VmHWM), read
// from /proc; 0 where /proc is not available. Read it before Stop: an
// exited process has no memory figures.
func (r *Replica) PeakRSS() int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(r.PID()) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// CPUTime is the user and system CPU time the process has used, read from
// /proc; 0 where /proc is not available.
func (r *Replica) CPUTime() time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(r.PID()) + "/stat")
	if err != nil {
		return 0
	}
	// The command name in parentheses may hold spaces; utime and stime are
	// the 12th and 13th fields after it, in clock ticks (100 a second on
	// Linux).
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// Stop asks the server to shut down as an orchestrator would (SIGTERM) and
// kills it if it has not exited within five seconds. Safe to call twice.
func (r *Replica) Stop() {
	select {
	case <-r.done:
		return
	default:
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		r.cmd.Process.Kill()
		<-r.done
	}
}

// tailBuffer keeps the last max bytes written: enough to explain a failed
// start without holding a long run's log in memory.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = bytes.Clone(t.buf[over:])
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
