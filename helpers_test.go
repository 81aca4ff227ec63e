package main

import (
	"os"
	"testing"
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
