package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
