package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/tools"
)

const module = "github.com/kibana-mcp/kibana-mcp"

// deps lists what pkg imports, directly or not, without its tests.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", module+"/"+pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	return strings.Fields(string(out))
}

// TestPackageLayout keeps the three rooms apart: the declaration model
// (operation) knows neither the catalogue (tools) nor the serving machinery
// (serve); the catalogue never imports the machinery, nor the machinery the
// catalogue (app/ hands it the catalogue as a value). Tests may cross: the
// machinery's are run on the real catalogue.
func TestPackageLayout(t *testing.T) {
	for pkg, forbidden := range map[string][]string{
		"operation": {"tools", "serve", "github.com/mark3labs/mcp-go/server"},
		"tools":     {"serve", "github.com/mark3labs/mcp-go/server"},
		"serve":     {"tools"},
	} {
		got := deps(t, pkg)
		for _, f := range forbidden {
			if !strings.Contains(f, "/") {
				f = module + "/" + f
			}
			if slices.Contains(got, f) {
				t.Errorf("%s imports %s (directly or through another package)", pkg, f)
			}
		}
	}
}

// TestMachineryNamesNoArea: no string in the serving machinery's code names
// an operation or a toolset of the catalogue. What the machinery says about
// an area comes from the catalogue (operation.Catalog, Operation and Toolset
// fields). The inputs' schema descriptions and the raw tool's examples, which
// are the tools' definitions (see the snapshots), are left out.
func TestMachineryNamesNoArea(t *testing.T) {
	var names []string
	for _, op := range tools.All() {
		names = append(names, regexp.QuoteMeta(op.Name))
	}
	toolName := regexp.MustCompile(`\b(` + strings.Join(names, "|") + `)\b`)
	files, _ := filepath.Glob("serve/*.go")
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") || strings.HasSuffix(file, "_gen.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Field:
				return false // struct tags: schema descriptions
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Examples" {
					return false
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, _ := strconv.Unquote(n.Value)
				if m := toolName.FindString(s); m != "" {
					t.Errorf("%s: %q names the tool %s", file, s, m)
				}
				if _, ok := tools.LookupToolset(s); ok {
					t.Errorf("%s: %q names a toolset", file, s)
				}
			}
			return true
		})
	}
}
