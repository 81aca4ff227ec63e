package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGeneratedSchemasAreFresh fails when tools/schemas_gen.go or
// serve/schemas_gen.go differs from fresh reflection of the input structs:
// the server serves the generated copy, so a stale one would show the model
// a schema the code no longer accepts.
func TestGeneratedSchemasAreFresh(t *testing.T) {
	for _, pkg := range []string{"tools", "serve"} {
		want, err := generate(pkg)
		if err != nil {
			t.Fatal(err)
		}
		file := "../../" + pkg + "/schemas_gen.go"
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `go generate ./%s` and commit the result", file[len("../../"):], pkg)
		}
	}
}
