package prompts

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/tools"
)

var backticked = regexp.MustCompile("`([a-z_]+)`")

func render(t *testing.T, p Prompt, args map[string]string) (string, error) {
	t.Helper()
	var req mcp.GetPromptRequest
	req.Params.Name = p.Def.Name
	req.Params.Arguments = args
	res, err := handler(p)(context.Background(), req)
	if err != nil {
		return "", err
	}
	return res.Messages[0].Content.(mcp.TextContent).Text, nil
}

// TestPromptsNameRealTools keeps prompts and the registry in step: every
// `tool_name` a prompt tells the model to call must exist.
func TestPromptsNameRealTools(t *testing.T) {
	for _, p := range All() {
		args := map[string]string{}
		for _, a := range p.Def.Arguments {
			if a.Required {
				args[a.Name] = "c1"
			}
		}
		text, err := render(t, p, args)
		if err != nil {
			t.Fatalf("%s: %v", p.Def.Name, err)
		}
		names := backticked.FindAllStringSubmatch(text, -1)
		if len(names) == 0 {
			t.Errorf("%s names no tool", p.Def.Name)
		}
		for _, m := range names {
			if _, ok := tools.Lookup(m[1]); !ok {
				t.Errorf("%s tells the model to call %s, which is not a tool", p.Def.Name, m[1])
			}
		}
	}
}

func TestTriageCasePrompt(t *testing.T) {
	text, err := render(t, triageCase, map[string]string{"caseId": "abc-123", "space_id": "soc"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, `"abc-123"`) || !strings.Contains(text, `space_id "soc"`) {
		t.Errorf("text = %s", text)
	}
	if _, err := render(t, triageCase, map[string]string{}); err == nil || !strings.Contains(err.Error(), "caseId") {
		t.Errorf("missing caseId: err %v", err)
	}
}

func TestOpenCasesOverviewPrompt(t *testing.T) {
	text, err := render(t, openCasesOverview, map[string]string{"severity": "critical"})
	if err != nil || !strings.Contains(text, `severity "critical"`) {
		t.Errorf("text %q err %v", text, err)
	}
	if _, err := render(t, openCasesOverview, map[string]string{"severity": "urgent"}); err == nil {
		t.Error("unknown severity accepted")
	}
}
