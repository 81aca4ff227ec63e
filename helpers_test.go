package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var tempDir string // holds the binaries built by build()

// TestMain gives the binary shared by all tests a directory removed at the end.
func TestMain(m *testing.M) {
	code := m.Run()
	if tempDir != "" {
		os.RemoveAll(tempDir)
	}
	os.Exit(code)
}

func mkdirTemp() (string, error) {
	if tempDir != "" {
		return tempDir, nil
	}
	dir, err := os.MkdirTemp("", "kibana-mcp-e2e-")
	tempDir = dir
	return dir, err
}

// nodeHarness returns the node binary once the npm package dep is
// installed in dir as its package-lock.json pins it, running `npm ci`
// (within limit) when it is absent or another version. It skips the test
// only when node or npm is not installed; what is for names the harness in
// that message.
func nodeHarness(t *testing.T, dir, dep, what string, limit time.Duration) string {
	t.Helper()
	node, nodeErr := exec.LookPath("node")
	npm, npmErr := exec.LookPath("npm")
	if nodeErr != nil || npmErr != nil {
		t.Skipf("node and npm are needed to run %s (%s); install Node.js 20 or later", what, dir)
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	readJSON(t, filepath.Join(dir, "package.json"), &pkg)
	want := pkg.Dependencies[dep]
	if want == "" {
		t.Fatalf("%s/package.json does not depend on %s", dir, dep)
	}
	installed := filepath.Join(append([]string{dir, "node_modules"}, append(strings.Split(dep, "/"), "package.json")...)...)
	var have struct {
		Version string `json:"version"`
	}
	if b, err := os.ReadFile(installed); err == nil && json.Unmarshal(b, &have) == nil && have.Version == want {
		return node
	}
	// npm ci installs exactly the lock file, from npm's cache when it has
	// the packages (--prefer-offline), and never rewrites the lock file.
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v (after %v)\n%s", dir, err, time.Since(start).Round(time.Millisecond), out)
	}
	t.Logf("npm ci in %s took %v", dir, time.Since(start).Round(time.Millisecond))
	readJSON(t, installed, &have)
	if have.Version != want {
		t.Fatalf("npm ci installed %s %s, package.json pins %s", dep, have.Version, want)
	}
	return node
}

// startHTTPBinary starts the built binary with args and exactly the
// environment environ, waits for the URL it logs as it starts serving MCP
// over HTTP, and returns it. The server is stopped (SIGTERM, then killed
// after 5 s) when the test ends, and its log is shown if the test failed.
func startHTTPBinary(t *testing.T, args, environ []string) string {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = environ
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logMu sync.Mutex
	var log bytes.Buffer
	urls := make(chan string, 1)
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			logMu.Lock()
			log.Write(sc.Bytes())
			log.WriteByte('\n')
			logMu.Unlock()
			var line struct{ Msg, URL string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving MCP over HTTP" && line.URL != "" {
				select {
				case urls <- line.URL:
				default:
				}
			}
		}
		cmd.Wait()
		close(exited)
	}()
	serverLog := func() string { // its last 16 KiB
		logMu.Lock()
		defer logMu.Unlock()
		b := log.Bytes()
		return string(b[max(0, len(b)-16<<10):])
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("server %q log:\n%s", args, serverLog())
		}
	})
	select {
	case u := <-urls:
		return u
	case <-exited:
		t.Fatalf("the server exited at start: %v\n%s", cmd.ProcessState, serverLog())
	case <-time.After(15 * time.Second):
		t.Fatalf("the server logged no URL within 15s:\n%s", serverLog())
	}
	return ""
}
