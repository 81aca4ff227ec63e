package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGeneratedSchemasAreFresh fails when tools/schemas_gen.go differs from
// fresh reflection of the input structs: the server serves the generated
// copy, so a stale one would show the model a schema the code no longer
// accepts.
func TestGeneratedSchemasAreFresh(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../tools/schemas_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("tools/schemas_gen.go is stale: run `go generate ./tools` and commit the result")
	}
}
