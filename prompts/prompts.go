// Package prompts holds MCP prompts: ready-made instructions that walk a
// model through a triage workflow with the tools, so an analyst can start
// one with a single pick from the client's prompt menu.
package prompts

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Prompt is one workflow: its MCP definition and how to render its text.
type Prompt struct {
	Def    mcp.Prompt
	Render func(args map[string]string) (string, error)
}

// All returns every prompt.
func All() []Prompt {
	return []Prompt{triageCase, openCasesOverview}
}

// Register adds every prompt to s.
func Register(s *server.MCPServer) {
	for _, p := range All() {
		s.AddPrompt(p.Def, handler(p))
	}
}

func handler(p Prompt) server.PromptHandlerFunc {
	return func(_ context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		for _, a := range p.Def.Arguments {
			if a.Required && strings.TrimSpace(req.Params.Arguments[a.Name]) == "" {
				return nil, fmt.Errorf("prompt %s needs the argument %q", p.Def.Name, a.Name)
			}
		}
		text, err := p.Render(req.Params.Arguments)
		if err != nil {
			return nil, err
		}
		return mcp.NewGetPromptResult(p.Def.Description, []mcp.PromptMessage{
			mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text)),
		}), nil
	}
}

var triageCase = Prompt{
	Def: mcp.NewPrompt("triage_case",
		mcp.WithPromptTitle("Triage a case"),
		mcp.WithPromptDescription("Review one case end to end: what happened, the evidence attached, and a proposed next step."),
		mcp.WithArgument("caseId", mcp.ArgumentDescription("ID of the case to triage"), mcp.RequiredArgument()),
		mcp.WithArgument("space_id", mcp.ArgumentDescription("Kibana space of the case, if not the default")),
	),
	Render: func(args map[string]string) (string, error) {
		space := ""
		if s := strings.TrimSpace(args["space_id"]); s != "" {
			space = fmt.Sprintf(" Pass space_id %q to every tool.", s)
		}
		return fmt.Sprintf(`Triage Kibana case %q.%s

1. Call `+"`get_case`"+` for its title, description, status, severity, tags, assignees and version.
2. Call `+"`get_case_alerts`"+` for the alerts attached to it and `+"`find_case_comments`"+` for the analyst notes so far.
3. Call `+"`find_case_user_actions`"+` if you need to know who changed what, and when.
4. Summarise in a few lines: what happened, which hosts and users are involved, what is already known.
5. Propose a severity and status, and one next step. Before changing anything, ask me; then use `+"`add_case_comment`"+` to record the finding and `+"`update_cases`"+` to change status or severity, with the version from the latest answer about the case (adding a comment moves the version on: use the one add_case_comment returns).`, args["caseId"], space), nil
	},
}

var openCasesOverview = Prompt{
	Def: mcp.NewPrompt("open_cases_overview",
		mcp.WithPromptTitle("Overview of open cases"),
		mcp.WithPromptDescription("List the open and in-progress cases, most severe first, and say which need attention now."),
		mcp.WithArgument("severity", mcp.ArgumentDescription("Only this severity: low, medium, high or critical")),
	),
	Render: func(args map[string]string) (string, error) {
		scope, severityArg := "", ""
		switch sev := strings.TrimSpace(args["severity"]); sev {
		case "":
		case "low", "medium", "high", "critical":
			scope = fmt.Sprintf(" with severity %q", sev)
			severityArg = fmt.Sprintf(`, severity %q`, sev)
		default:
			return "", fmt.Errorf("severity %q is not one of low, medium, high, critical", sev)
		}
		return fmt.Sprintf(`Give me an overview of the cases that are not closed%s.

1. Call `+"`find_cases`"+` with status "open", then with status "in-progress"%s, sortField "severity", perPage 50; page on while more remain.
2. Make one table: case ID, title, severity, status, assignees, last update, number of alerts.
3. Point out the cases that look stale (no update for days) or unassigned but severe.
Do not change any case.`, scope, severityArg), nil
	},
}
