// Package resources serves Kibana cases, alerting rules and spaces as MCP
// resources, lists recent open cases, and completes arguments (case and rule
// ids, spaces, tags, enums) for prompts and resource templates.
//
// Every Kibana call goes through a tool declaration (tools.Lookup + Bind), so
// validation, URL-escaping and space handling are the ones the tools use.
package resources

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// The URIs served. Templates take the object's id and, in the /s/ form, the
// space; without it the client's configured space is used.
const (
	CaseURI       = "kibana://cases/{caseId}"
	SpaceCaseURI  = "kibana://s/{spaceId}/cases/{caseId}"
	RuleURI       = "kibana://rules/{ruleId}"
	SpaceRuleURI  = "kibana://s/{spaceId}/rules/{ruleId}"
	SpacesURI     = "kibana://spaces"
	SpaceURI      = "kibana://spaces/{spaceId}"
	jsonMediaType = "application/json"
)

// kind is one Kibana object served through a template: which tool reads it,
// the tool argument that takes the id and the template variable that holds it.
type kind struct {
	noun, tool, toolArg, uriVar string
	spaced                      bool // the object lives in a space (cases, rules); spaces do not
}

var (
	caseKind  = kind{noun: "case", tool: "get_case", toolArg: "caseId", uriVar: "caseId", spaced: true}
	ruleKind  = kind{noun: "rule", tool: "get_rule", toolArg: "id", uriVar: "ruleId", spaced: true}
	spaceKind = kind{noun: "space", tool: "get_space", toolArg: "id", uriVar: "spaceId"}
)

// Register adds the resources whose reading tool is served: case templates
// need get_case, rule templates get_rule, kibana://spaces find_spaces and
// kibana://spaces/{spaceId} get_space. A nil served serves everything.
func Register(s *server.MCPServer, client *kibana.Client, served func(tool string) bool) {
	served = orAll(served)
	template := func(uri, name, title, desc string, k kind, inSpace bool) {
		if !served(k.tool) {
			return
		}
		s.AddResourceTemplate(
			mcp.NewResourceTemplate(uri, name, mcp.WithTemplateTitle(title),
				mcp.WithTemplateDescription(desc), mcp.WithTemplateMIMEType(jsonMediaType)),
			readTemplate(client, k, inSpace))
	}
	template(CaseURI, "case", "Case", "A case in the server's configured space, as Kibana returns it.", caseKind, false)
	template(SpaceCaseURI, "space_case", "Case in a space", "A case in the given Kibana space.", caseKind, true)
	template(RuleURI, "rule", "Alerting rule", "An alerting rule in the server's configured space.", ruleKind, false)
	template(SpaceRuleURI, "space_rule", "Alerting rule in a space", "An alerting rule in the given Kibana space.", ruleKind, true)
	template(SpaceURI, "space", "Space", "One Kibana space.", spaceKind, false)
	if served("find_spaces") {
		s.AddResource(mcp.Resource{URI: SpacesURI, Name: "spaces", Title: "Spaces",
			Description: "The Kibana spaces the user can reach.", MIMEType: jsonMediaType},
			func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
				body, err := call(ctx, client, "find_spaces", map[string]any{})
				if err != nil {
					return nil, fmt.Errorf("reading %s: %w", SpacesURI, err)
				}
				return jsonContents(req.Params.URI, body), nil
			})
	}
}

// readTemplate reads one object named by a matched template URI. inSpace
// says the template has a {spaceId}, which must then be given: an empty one
// must not quietly fall back to the default space.
func readTemplate(client *kibana.Client, k kind, inSpace bool) server.ResourceTemplateHandlerFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		uri := req.Params.URI
		id := templateArg(req, k.uriVar)
		if id == "" {
			return nil, invalidURI("%s: the %s id is empty", uri, k.noun)
		}
		args := map[string]any{k.toolArg: id}
		if inSpace {
			space := templateArg(req, "spaceId")
			if !kibana.ValidSpaceID(space) {
				return nil, invalidURI("%s: %q is not a valid space id (lowercase letters, digits, _ and -)", uri, space)
			}
			args[operation.SpaceArgument] = space
		}
		body, err := call(ctx, client, k.tool, args)
		var apiErr *kibana.APIError
		if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
			where := ""
			if k.spaced {
				space, _ := args[operation.SpaceArgument].(string)
				where = fmt.Sprintf(" in space %q", client.SpaceOf(&kibana.Request{Space: space}))
			}
			return nil, notFound(ctx, uri, fmt.Errorf("%w: %s: no %s %q%s (%s)", server.ErrResourceNotFound, uri, k.noun, id, where, apiErr.Message))
		}
		if _, bad := schema.AsArgumentError(err); bad {
			// An id the tool refuses (e.g. ".."): nothing was sent.
			return nil, invalidURI("%s: %w", uri, err)
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", uri, err)
		}
		return jsonContents(uri, body), nil
	}
}

// templateArg is one variable of the matched template. mcp-go hands them
// over as the matcher's []string (already percent-decoded); an empty one is
// absent.
func templateArg(req mcp.ReadResourceRequest, name string) string {
	switch v := req.Params.Arguments[name].(type) {
	case string:
		return v
	case []string:
		if len(v) == 1 {
			return v[0]
		}
	}
	return ""
}

// jsonContents is Kibana's answer verbatim, as the resource's contents.
func jsonContents(uri string, body []byte) []mcp.ResourceContents {
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: jsonMediaType, Text: string(body)}}
}

// call sends the named tool's request (tools.Send) and returns Kibana's body.
func call(ctx context.Context, client *kibana.Client, tool string, args map[string]any) ([]byte, error) {
	resp, err := tools.Send(ctx, client, tool, args)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func orAll(served func(string) bool) func(string) bool {
	if served == nil {
		return func(string) bool { return true }
	}
	return served
}
