// Package prompts holds MCP prompts: short plans that walk a model through
// one workflow with the tools, so an analyst can start it with a single pick
// from the client's prompt menu.
//
// A prompt only names tools the server serves. It is offered only when the
// tools it cannot do without are served, and its optional steps are left out
// or replaced when theirs are not (read-only mode drops the write steps).
// The package does not import tools/: the server tells it what is served
// through Reach, so prompts stays apart from the registry.
package prompts

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Reach is what the server lets a model reach.
type Reach struct {
	// Served reports whether a tool can be called in this server. Nil serves
	// nothing, so a forgotten field offers no prompt rather than plans naming
	// tools that are not there.
	Served func(tool string) bool
	// Preface, when not empty, opens every prompt text; the server uses it
	// to say how tools are reached, e.g. through search_tools and call_tool.
	Preface string
}

func (r Reach) served(tool string) bool { return r.Served != nil && r.Served(tool) }

// Prompt is one workflow as offered to a server with a given Reach.
type Prompt struct {
	Def mcp.Prompt
	// Needs are the tools the prompt cannot do without; all are served.
	Needs []string
	// Render checks the arguments and returns the prompt text, preface
	// included. An error names the argument and the rule it broke.
	Render func(args map[string]string) (string, error)
}

// Available returns the prompts whose needed tools reach serves, in menu
// order, each rendering only steps whose tools are served.
func Available(reach Reach) []Prompt {
	var out []Prompt
	for _, w := range workflows {
		if !slices.ContainsFunc(w.needs, func(t string) bool { return !reach.served(t) }) {
			out = append(out, w.offer(reach))
		}
	}
	return out
}

// Register adds the prompts available with reach to s.
func Register(s *server.MCPServer, reach Reach) {
	for _, p := range Available(reach) {
		s.AddPrompt(p.Def, handler(p))
	}
}

// Follow registers the prompts available with reach now, and returns what
// brings the set up to date once what reach serves has changed (a Kibana
// upgraded, a path to Elasticsearch found): prompts whose needed tools
// came or went are added or removed, which tells sessions their prompt
// list changed. Texts need no refresh: each get renders with what reach
// serves then.
func Follow(s *server.MCPServer, reach Reach) (refresh func()) {
	var mu sync.Mutex
	offered := promptNames(Available(reach))
	Register(s, reach)
	return func() {
		mu.Lock()
		defer mu.Unlock()
		now := Available(reach)
		if names := promptNames(now); !slices.Equal(names, offered) {
			offered = names
			list := make([]server.ServerPrompt, len(now))
			for i, p := range now {
				list[i] = server.ServerPrompt{Prompt: p.Def, Handler: handler(p)}
			}
			s.SetPrompts(list...)
		}
	}
}

func promptNames(ps []Prompt) []string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Def.Name
	}
	return names
}

// handler serves one prompt. Render fails only on the arguments, so its
// error goes back as -32602 (invalid params) with our message, which is all
// a client can show for prompts/get (prompts have no isError result).
func handler(p Prompt) server.PromptHandlerFunc {
	return func(_ context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		text, err := p.Render(req.Params.Arguments)
		if err != nil {
			return nil, server.NewHandlerError(invalidArguments{err})
		}
		return mcp.NewGetPromptResult(p.Def.Description, []mcp.PromptMessage{
			mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text)),
		}), nil
	}
}

// workflow is a prompt before it knows what is served.
type workflow struct {
	name, title, description string
	args                     []argument
	needs                    []string
	// plan writes the text from checked arguments (trimmed; "" when an
	// optional one was not given).
	plan func(a map[string]string, p *plan)
}

func (w workflow) offer(reach Reach) Prompt {
	opts := []mcp.PromptOption{mcp.WithPromptTitle(w.title), mcp.WithPromptDescription(w.description)}
	for _, a := range w.args {
		aopts := []mcp.ArgumentOption{mcp.ArgumentDescription(a.description)}
		if a.required {
			aopts = append(aopts, mcp.RequiredArgument())
		}
		opts = append(opts, mcp.WithArgument(a.name, aopts...))
	}
	return Prompt{
		Def:   mcp.NewPrompt(w.name, opts...),
		Needs: slices.Clone(w.needs),
		Render: func(raw map[string]string) (string, error) {
			args, err := check(w.name, w.args, raw)
			if err != nil {
				return "", err
			}
			p := &plan{served: reach.served}
			w.plan(args, p)
			text := p.String()
			if pre := strings.TrimSpace(reach.Preface); pre != "" {
				text = pre + "\n\n" + text
			}
			return text, nil
		},
	}
}

// invalidArguments is a prompt argument error. mcp-go (v1.6.0) answers an
// error made with server.NewHandlerError with its code and message; any
// other handler error would be -32603 (internal error).
type invalidArguments struct{ err error }

func (e invalidArguments) Error() string { return e.err.Error() }
func (e invalidArguments) Unwrap() error { return e.err }

func (e invalidArguments) JSONRPCError() mcp.JSONRPCError {
	return mcp.JSONRPCError{JSONRPC: mcp.JSONRPC_VERSION, Error: mcp.NewJSONRPCErrorDetails(mcp.INVALID_PARAMS, e.err.Error(), nil)}
}
