package app

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/kibana-mcp/kibana-mcp/tools"
)

// toolsCommand prints the registry: a table for people, or the Markdown
// table that README.md embeds (a test keeps the two in step).
func toolsCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tools", flag.ContinueOnError)
	fs.SetOutput(stderr)
	markdown := fs.Bool("markdown", false, "print the Markdown table used in README.md")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *markdown {
		io.WriteString(stdout, ToolsMarkdown())
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TOOL\tMETHOD\tPATH\tREAD-ONLY\tTOOLSET")
	for _, op := range tools.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", op.Name, op.Method, op.Path, op.ReadOnly(), op.Toolset)
	}
	tw.Flush()
	return 0
}

// ToolsMarkdown renders the tool table of README.md.
func ToolsMarkdown() string {
	var b strings.Builder
	b.WriteString("| Tool | Method | Path | Read-only | What it does |\n|---|---|---|---|---|\n")
	for _, op := range tools.All() {
		ro := "no"
		if op.ReadOnly() {
			ro = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s | %s |\n", op.Name, op.Method, op.Path, ro, strings.ReplaceAll(op.Description, "|", `\|`))
	}
	return b.String()
}
