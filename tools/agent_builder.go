package tools

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Kibana's Agent Builder (/api/agent_builder, technical preview from 9.2):
// chat agents, each with instructions and a selection of tools; the tools
// themselves (built-in platform.* ones, read-only, and custom ES|QL, index
// search and workflow ones); the conversations users have with agents;
// and the agents' A2A card. The data toolset runs the built-in platform
// tools through execute internally (data_flows.go); these tools expose
// the API as such. The routes that speak a protocol (the streaming
// converse, A2A, MCP) are typed too; their flows are in
// agent_builder_protocols.go.
var agentBuilderOperations = []*operation.Operation{
	{
		Name:        "list_ai_agents",
		Title:       "List AI agents",
		Description: "List Agent Builder's chat agents: the built-in Elastic AI agent and custom ones, with their instructions and tools.",
		Toolset:     "agent_builder",
		Method:      http.MethodGet,
		Path:        "/api/agent_builder/agents",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       NoAgentBuilderArgs{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "get_ai_agent",
		Title:       "Get AI agent",
		Description: "Read one Agent Builder agent: instructions, tool selection, labels.",
		Toolset:     "agent_builder",
		Method:      http.MethodGet,
		Path:        "/api/agent_builder/agents/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       AIAgentIDInput{},
		Examples:    []string{`{"id":"` + defaultAgentID + `"}`, `{"id":"` + sandboxAgentID + `","space_id":"soc"}`},
	},
	{
		Name:        "create_ai_agent",
		Title:       "Create AI agent",
		Description: "Create a chat agent: its instructions and the tools it may call (ids from list_ai_agent_tools, or * for all).",
		Toolset:     "agent_builder",
		Method:      http.MethodPost,
		Path:        "/api/agent_builder/agents",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateAIAgentInput{},
		Examples: []string{
			`{"id":"phishing-helper","name":"Phishing helper","description":"Answers questions about reported phishing.","configuration":{"tools":[{"tool_ids":["platform.core.execute_esql"]}]}}`,
			`{"id":"dns-hunter","name":"DNS hunter","description":"Looks for DNS tunneling.","configuration":{"instructions":"Query logs-network_traffic.dns-* and name the hosts.","tools":[{"tool_ids":["platform.core.execute_esql","platform.core.list_indices"]}]},"labels":["dns","hunting"],"avatar_color":"#54B399","avatar_symbol":"DN","space_id":"soc"}`,
		},
	},
	{
		Name:        "update_ai_agent",
		Title:       "Update AI agent",
		Description: "Edit a custom Agent Builder AI agent; given members replace the stored ones (configuration and lists whole), others stay. The built-in one is read-only.",
		Toolset:     "agent_builder",
		Method:      http.MethodPut,
		Path:        "/api/agent_builder/agents/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateAIAgentInput{},
		Examples: []string{
			`{"id":"` + sandboxAgentID + `","description":"Triage help for the SOC."}`,
			`{"id":"` + sandboxAgentID + `","name":"SOC triage","configuration":{"instructions":"Answer briefly; cite the query you ran.","tools":[{"tool_ids":["*"]}]},"labels":["soc"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_ai_agent",
		Title:       "Delete AI agent",
		Description: "Delete a custom agent. Cannot be undone; the built-in agent cannot be deleted.",
		Toolset:     "agent_builder",
		Method:      http.MethodDelete,
		Path:        "/api/agent_builder/agents/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       AIAgentIDInput{},
		Examples:    []string{`{"id":"` + sandboxAgentID + `"}`, `{"id":"` + sandboxAgentID + `","space_id":"soc"}`},
	},
	{
		Name:        "list_ai_agent_tools",
		Title:       "List AI agent tools",
		Description: "List what Agent Builder's AI agents can call: built-in platform.* tools (read-only) and custom ES|QL, index search and workflow ones, with parameter schemas.",
		Toolset:     "agent_builder",
		Method:      http.MethodGet,
		Path:        "/api/agent_builder/tools",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       NoAgentBuilderArgs{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "get_ai_agent_tool",
		Title:       "Get AI agent tool",
		Description: "Read one Agent Builder tool: type, configuration and parameter schema.",
		Toolset:     "agent_builder",
		Method:      http.MethodGet,
		Path:        "/api/agent_builder/tools/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       AIAgentToolIDInput{},
		Examples:    []string{`{"id":"platform.core.execute_esql"}`, `{"id":"` + sandboxAgentToolID + `","space_id":"soc"}`},
	},
	{
		Name:        "create_ai_agent_tool",
		Title:       "Create AI agent tool",
		Description: "Create a custom tool for agents: esql (a fixed query with ?name parameters), index_search (searches a pattern), or workflow (runs a workflow).",
		Toolset:     "agent_builder",
		Method:      http.MethodPost,
		Path:        "/api/agent_builder/tools",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateAIAgentToolInput{},
		Examples: []string{
			`{"id":"soc.search_auth","type":"index_search","description":"Search authentication logs.","configuration":{"pattern":"logs-system.auth-*"}}`,
			`{"id":"soc.host_logins","type":"esql","description":"Logins on a host by outcome.","tags":["auth"],"configuration":{"query":"FROM logs-system.auth-* | WHERE host.name == ?host | STATS n = COUNT(*) BY event.outcome","params":{"host":{"type":"keyword","description":"Host name."}}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_ai_agent_tool",
		Title:       "Update AI agent tool",
		Description: "Edit a custom Agent Builder tool's description, tags or configuration; given members replace the stored ones, others stay. Built-in ones are read-only.",
		Toolset:     "agent_builder",
		Method:      http.MethodPut,
		// The spec names this route's parameter toolId, GET's and
		// DELETE's id: the same URL, one name for the model.
		Path:       "/api/agent_builder/tools/{id}",
		APIVersion: operation.V20231031,
		Effect:     operation.Writes,
		Idempotent: true,
		Overwrites: true,
		Admin:      true,
		Input:      UpdateAIAgentToolInput{},
		Examples: []string{
			`{"id":"` + sandboxAgentToolID + `","tags":["auth","triage"]}`,
			`{"id":"` + sandboxAgentToolID + `","description":"Failed logins per host.","configuration":{"query":"FROM logs-system.auth-* | WHERE event.outcome == \"failure\" | STATS n = COUNT(*) BY host.name | SORT n DESC | LIMIT 10","params":{}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_ai_agent_tool",
		Title:       "Delete AI agent tool",
		Description: "Delete a custom Agent Builder tool; AI agents that selected it lose it. Cannot be undone; built-in ones cannot be deleted.",
		Toolset:     "agent_builder",
		Method:      http.MethodDelete,
		Path:        "/api/agent_builder/tools/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       AIAgentToolIDInput{},
		Examples:    []string{`{"id":"` + sandboxAgentToolID + `"}`, `{"id":"` + sandboxAgentToolID + `","space_id":"soc"}`},
	},
	{
		Name:        "execute_ai_agent_tool",
		Title:       "Execute AI agent tool",
		Description: "Execute one Agent Builder tool with its parameters (per its schema in get_ai_agent_tool) and answer its results; no agent or LLM is involved.",
		Toolset:     "agent_builder",
		Method:      http.MethodPost,
		Path:        "/api/agent_builder/tools/_execute",
		APIVersion:  operation.V20231031,
		// A workflow tool can change anything its workflow does.
		Effect: operation.Writes,
		Input:  ExecuteAIAgentToolInput{},
		Examples: []string{
			`{"tool_id":"platform.core.execute_esql","tool_params":{"query":"FROM logs-* | STATS n = COUNT(*) BY event.category | SORT n DESC"}}`,
			`{"tool_id":"` + sandboxAgentToolID + `","tool_params":{"user":"jdoe"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "list_ai_agent_conversations",
		Title:       "List AI agent conversations",
		Description: "List the current user's conversations with agents (id, agent, title, times), optionally of one agent.",
		Toolset:     "agent_builder",
		Method:      http.MethodGet,
		Path:        "/api/agent_builder/conversations",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       ListAIAgentConversationsInput{},
		Examples:    []string{`{}`, `{"agent_id":"` + sandboxAgentID + `","space_id":"soc"}`},
	},
	{
		Name:        "get_ai_agent_conversation",
		Title:       "Get AI agent conversation",
		Description: "Read one conversation with every round: the user's message, the tool calls the agent made and its answer.",
		Toolset:     "agent_builder",
		Method:      http.MethodGet,
		Path:        "/api/agent_builder/conversations/{conversation_id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       AIAgentConversationIDInput{},
		Examples:    []string{`{"conversation_id":"` + sandboxConversationID + `"}`, `{"conversation_id":"` + sandboxConversationID + `","space_id":"soc"}`},
	},
	{
		Name:        "delete_ai_agent_conversation",
		Title:       "Delete AI agent conversation",
		Description: "Delete a conversation and its rounds. Cannot be undone.",
		Toolset:     "agent_builder",
		Method:      http.MethodDelete,
		Path:        "/api/agent_builder/conversations/{conversation_id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Input:       AIAgentConversationIDInput{},
		Examples:    []string{`{"conversation_id":"` + sandboxConversationID + `"}`, `{"conversation_id":"` + sandboxConversationID + `","space_id":"soc"}`},
	},
	{
		Name:        "converse_with_ai_agent",
		Title:       "Converse with AI agent",
		Description: "Send a message to an agent and wait for its whole answer, with the tool calls it made; starts a conversation or continues one. The agent's LLM runs through a connector.",
		Toolset:     "agent_builder",
		Method:      http.MethodPost,
		Path:        "/api/agent_builder/converse",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		OpenWorld:   true,
		Input:       ConverseInput{},
		Examples: []string{
			`{"input":"How many events per category are in logs-*?"}`,
			`{"input":"Count the failed logins per host.","agent_id":"` + sandboxAgentID + `","conversation_id":"` + sandboxConversationID + `","attachments":[{"type":"text","data":{"content":"Ticket SOC-1182: many lockouts on ws-0142."}}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "stream_ai_agent_conversation",
		Title:       "Stream AI agent conversation",
		Description: "Converse with an agent through its streaming route and answer what the stream said: conversation id, reasoning and tool-call steps, the assembled message. Same arguments as converse_with_ai_agent.",
		Toolset:     "agent_builder",
		Method:      http.MethodPost,
		Path:        "/api/agent_builder/converse/async",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		OpenWorld:   true,
		Admin:       true,
		Input:       ConverseStreamInput{},
		Examples: []string{
			`{"input":"How many events per category are in logs-*?"}`,
			`{"input":"Count the failed logins per host.","agent_id":"` + sandboxAgentID + `","conversation_id":"` + sandboxConversationID + `","connector_id":"` + sandboxGenAIConnectorSOC + `","attachments":[{"type":"text","data":{"content":"Ticket SOC-1182: many lockouts on ws-0142."},"id":"soc-1182","hidden":true}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "send_agent_to_agent_message",
		Title:       "Send A2A message to AI agent",
		Description: "Send a text message to an agent over the A2A protocol (JSON-RPC message/send), as another agent would, and answer its reply: task state, text, context id to continue.",
		Toolset:     "agent_builder",
		Method:      http.MethodPost,
		Path:        "/api/agent_builder/a2a/{agentId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		OpenWorld:   true,
		Admin:       true,
		Input:       A2AMessageInput{},
		Examples: []string{
			`{"agentId":"` + defaultAgentID + `","message":"How many events per category are in logs-*?"}`,
			`{"agentId":"` + sandboxAgentID + `","message":"Count the failed logins per host.","context_id":"` + sandboxConversationID + `","task_id":"` + sandboxConversationID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "call_agent_builder_mcp",
		Title:       "Call Agent Builder MCP server",
		Description: "Talk to Kibana's own MCP server: tools/list shows the agent tools it offers, tools/call runs one. A workflow tool can change data.",
		Toolset:     "agent_builder",
		Method:      http.MethodPost,
		Path:        "/api/agent_builder/mcp",
		APIVersion:  operation.V20231031,
		// tools/call runs any agent tool, workflow ones included; and a
		// read declared on this POST would open the route to every
		// message in read-only mode, tools/call too.
		Effect: operation.Writes,
		Admin:  true,
		Input:  AgentBuilderMCPInput{},
		Examples: []string{
			`{"method":"tools/list"}`,
			`{"method":"tools/call","name":"platform.core.execute_esql","arguments":{"query":"FROM logs-* | STATS n = COUNT(*) BY event.category | SORT n DESC"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_ai_agent_card",
		Title:       "Get AI agent A2A card",
		Description: "Read an agent's A2A card: the discovery metadata (name, endpoint, skills) other agents use to call it over the A2A protocol.",
		Toolset:     "agent_builder",
		Method:      http.MethodGet,
		Path:        "/api/agent_builder/a2a/{agentId}.json",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       AIAgentCardInput{},
		Examples:    []string{`{"agentId":"` + defaultAgentID + `"}`, `{"agentId":"` + sandboxAgentID + `","space_id":"soc"}`},
	},
}

const (
	// defaultAgentID is Agent Builder's built-in agent.
	defaultAgentID = "elastic-ai-agent"
	// The sandbox's seeded custom agent, ES|QL tool and conversation, in
	// every space, so that examples reach real objects.
	sandboxAgentID        = "soc-triage"
	sandboxAgentToolID    = "soc.failed_logins"
	sandboxConversationID = "5b0e3c7a-2f1d-4e8b-9c6a-1d2e3f4a5b6c"
)

// NoAgentBuilderArgs is an Agent Builder read without arguments.
type NoAgentBuilderArgs struct{}

// AIAgentIDInput names one agent.
type AIAgentIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From list_ai_agents."`
}

// AIAgentCardInput names the agent whose A2A card is read.
type AIAgentCardInput struct {
	AgentID string `json:"agentId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From list_ai_agents."`
}

// AIAgentToolSelection is a group of tool ids an agent may call.
type AIAgentToolSelection struct {
	ToolIDs []string `json:"tool_ids" jsonschema:"required"`
}

// AIAgentConfiguration is an agent's instructions and tool selection.
type AIAgentConfiguration struct {
	Instructions string                 `json:"instructions,omitempty" jsonschema_description:"System instructions."`
	Tools        []AIAgentToolSelection `json:"tools" jsonschema:"required"`
}

// AIAgentConfigurationUpdate is a whole new configuration; tools may be left
// out.
type AIAgentConfigurationUpdate struct {
	Instructions string                 `json:"instructions,omitempty"`
	Tools        []AIAgentToolSelection `json:"tools,omitempty"`
}

// CreateAIAgentInput is a new agent.
type CreateAIAgentInput struct {
	ID            string               `json:"id" jsonschema:"required" jsonschema_description:"Lowercase letters, digits, _ - and dots."`
	Name          string               `json:"name" jsonschema:"required,minLength=1"`
	Description   string               `json:"description" jsonschema:"required"`
	Configuration AIAgentConfiguration `json:"configuration" jsonschema:"required"`
	Labels        []string             `json:"labels,omitempty"`
	AvatarColor   string               `json:"avatar_color,omitempty" jsonschema_description:"Hex, e.g. #54B399."`
	AvatarSymbol  string               `json:"avatar_symbol,omitempty"`
}

// Prepare checks the id as Kibana does, and the tool ids and colour.
func (in *CreateAIAgentInput) Prepare() error {
	if err := checkAgentBuilderID("id", in.ID); err != nil {
		return err
	}
	if strings.TrimSpace(in.Name) == "" {
		return &schema.ArgumentError{Field: "name", Rule: "must not be blank"}
	}
	if err := checkToolSelection("configuration.tools", in.Configuration.Tools); err != nil {
		return err
	}
	return checkAvatarColor(in.AvatarColor)
}

// UpdateAIAgentInput changes some members of an agent.
type UpdateAIAgentInput struct {
	ID            string                      `json:"id" in:"path" jsonschema:"required,minLength=1"`
	Name          string                      `json:"name,omitempty" jsonschema:"minLength=1"`
	Description   *string                     `json:"description,omitempty"`
	Configuration *AIAgentConfigurationUpdate `json:"configuration,omitempty" jsonschema_description:"Replaces the whole configuration."`
	Labels        []string                    `json:"labels,omitempty"`
	AvatarColor   string                      `json:"avatar_color,omitempty"`
	AvatarSymbol  string                      `json:"avatar_symbol,omitempty"`
}

// Prepare refuses an update that changes nothing, or the built-in agent.
func (in *UpdateAIAgentInput) Prepare() error {
	if in.ID == defaultAgentID {
		return &schema.ArgumentError{Field: "id", Rule: defaultAgentID + " is the built-in agent, which is read-only; create_ai_agent makes an editable one"}
	}
	if in.Name == "" && in.Description == nil && in.Configuration == nil && in.Labels == nil && in.AvatarColor == "" && in.AvatarSymbol == "" {
		return &schema.ArgumentError{Rule: "give at least one of name, description, configuration, labels, avatar_color, avatar_symbol"}
	}
	if in.Configuration != nil {
		if err := checkToolSelection("configuration.tools", in.Configuration.Tools); err != nil {
			return err
		}
	}
	return checkAvatarColor(in.AvatarColor)
}

// AIAgentToolIDInput names one Agent Builder tool.
type AIAgentToolIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From list_ai_agent_tools."`
}

// CreateAIAgentToolInput is a new custom tool.
type CreateAIAgentToolInput struct {
	ID            string         `json:"id" jsonschema:"required" jsonschema_description:"Lowercase letters, digits, _ -; dots separate namespaces (not platform)."`
	Type          string         `json:"type" jsonschema:"required,enum=esql,enum=index_search,enum=workflow"`
	Description   string         `json:"description,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
	Configuration map[string]any `json:"configuration" jsonschema:"required" jsonschema_description:"esql: {query, params: {name: {type, description}}}; index_search: {pattern}; workflow: {workflow_id}."`
}

// Prepare checks the id and the configuration of the tool's type.
func (in *CreateAIAgentToolInput) Prepare() error {
	if err := checkAgentBuilderID("id", in.ID); err != nil {
		return err
	}
	if in.ID == "new" {
		return &schema.ArgumentError{Field: "id", Rule: "new is reserved"}
	}
	if in.ID == "platform" || strings.HasPrefix(in.ID, "platform.") {
		return &schema.ArgumentError{Field: "id", Rule: "the platform namespace is the built-in tools'; use another, e.g. soc."}
	}
	return checkToolConfiguration(in.Type, in.Configuration)
}

// UpdateAIAgentToolInput changes some members of a custom tool.
type UpdateAIAgentToolInput struct {
	ID            string         `json:"id" in:"path" jsonschema:"required,minLength=1"`
	Description   *string        `json:"description,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
	Configuration map[string]any `json:"configuration,omitempty" jsonschema_description:"As in create_ai_agent_tool, for the tool's type."`
}

// Prepare refuses an update that changes nothing, or a built-in tool.
func (in *UpdateAIAgentToolInput) Prepare() error {
	if strings.HasPrefix(in.ID, "platform.") {
		return &schema.ArgumentError{Field: "id", Rule: "built-in tools are read-only"}
	}
	if in.Description == nil && in.Tags == nil && in.Configuration == nil {
		return &schema.ArgumentError{Rule: "give at least one of description, tags, configuration"}
	}
	if q, ok := in.Configuration["query"].(string); ok {
		return checkESQLToolParams(q, in.Configuration["params"])
	}
	return nil
}

// ExecuteAIAgentToolInput runs one tool.
type ExecuteAIAgentToolInput struct {
	ToolID      string         `json:"tool_id" jsonschema:"required,minLength=1"`
	ToolParams  map[string]any `json:"tool_params" jsonschema:"required" jsonschema_description:"Per the tool's schema, e.g. {\"query\":\"FROM logs-* | LIMIT 5\"}."`
	ConnectorID string         `json:"connector_id,omitempty" jsonschema_description:"An LLM connector, for tools that need one."`
}

// ListAIAgentConversationsInput filters conversations by agent.
type ListAIAgentConversationsInput struct {
	AgentID string `json:"agent_id,omitempty" in:"query"`
}

// AIAgentConversationIDInput names one conversation.
type AIAgentConversationIDInput struct {
	ConversationID string `json:"conversation_id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From list_ai_agent_conversations."`
}

// ConverseAttachment is context sent along with a message.
type ConverseAttachment struct {
	Type   string         `json:"type" jsonschema:"required,minLength=1" jsonschema_description:"e.g. text."`
	Data   map[string]any `json:"data" jsonschema:"required"`
	ID     string         `json:"id,omitempty"`
	Hidden bool           `json:"hidden,omitempty" jsonschema_description:"Not shown in the UI."`
}

// ConverseInput is one message to an agent.
type ConverseInput struct {
	Input          string               `json:"input" jsonschema:"required"`
	AgentID        string               `json:"agent_id,omitempty" jsonschema_description:"Default elastic-ai-agent."`
	ConversationID string               `json:"conversation_id,omitempty" jsonschema_description:"To continue one; left out starts a new one."`
	ConnectorID    string               `json:"connector_id,omitempty" jsonschema_description:"LLM connector; default Kibana's."`
	Attachments    []ConverseAttachment `json:"attachments,omitempty"`
}

// Prepare refuses a blank message: the agent would have nothing to answer.
func (in *ConverseInput) Prepare() error {
	if strings.TrimSpace(in.Input) == "" {
		return &schema.ArgumentError{Field: "input", Rule: "must not be blank"}
	}
	return nil
}

// agentBuilderIDPattern is Kibana's rule for tool ids (and, without the
// namespaces, agent ids): lowercase segments of letters, digits, _ and -,
// not starting or ending with _ or -, joined by dots; at most 64 long.
var agentBuilderIDPattern = lazyRegexp(`^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$`)

func checkAgentBuilderID(field, id string) error {
	if len(id) > 64 {
		return &schema.ArgumentError{Field: field, Rule: "must be at most 64 characters"}
	}
	if !agentBuilderIDPattern().MatchString(id) {
		return &schema.ArgumentError{Field: field, Rule: "must be lowercase letters, digits, _ and -, in dot-separated segments that start and end with a letter or digit, got " + id}
	}
	return nil
}

func checkToolSelection(field string, sel []AIAgentToolSelection) error {
	for i, s := range sel {
		for _, id := range s.ToolIDs {
			if id != "*" && !agentBuilderIDPattern().MatchString(id) {
				return &schema.ArgumentError{Field: field + "[" + strconv.Itoa(i) + "].tool_ids", Rule: "names a tool id Kibana cannot have: " + id + " (ids from list_ai_agent_tools, or *)"}
			}
		}
	}
	return nil
}

var hexColor = lazyRegexp(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

func checkAvatarColor(c string) error {
	if c != "" && !hexColor().MatchString(c) {
		return &schema.ArgumentError{Field: "avatar_color", Rule: "must be a hex colour such as #54B399, got " + c}
	}
	return nil
}

// toolConfigMembers are the configuration members of each custom tool
// type, required ones first.
var toolConfigMembers = map[string][]string{
	"esql":         {"query", "params"},
	"index_search": {"pattern"},
	"workflow":     {"workflow_id"},
}

// checkToolConfiguration checks a tool's configuration for its type:
// known members, the required ones, and an ES|QL query's parameters.
func checkToolConfiguration(typ string, cfg map[string]any) error {
	members := toolConfigMembers[typ]
	for key := range cfg {
		if !slices.Contains(members, key) {
			return &schema.ArgumentError{Field: "configuration." + key, Rule: "is not a member of a " + typ + " tool's configuration; use " + strings.Join(members, ", ")}
		}
	}
	for _, m := range members {
		if _, ok := cfg[m]; !ok {
			return &schema.ArgumentError{Field: "configuration." + m, Rule: "is required for a " + typ + " tool"}
		}
	}
	for _, m := range []string{"query", "pattern", "workflow_id"} {
		if v, ok := cfg[m]; ok {
			if s, isString := v.(string); !isString || strings.TrimSpace(s) == "" {
				return &schema.ArgumentError{Field: "configuration." + m, Rule: "must be a non-blank string"}
			}
		}
	}
	if typ == "esql" {
		return checkESQLToolParams(cfg["query"].(string), cfg["params"])
	}
	return nil
}

// esqlParamTypes are the types an ES|QL tool parameter can have.
var esqlParamTypes = []string{"text", "keyword", "long", "integer", "double", "float", "boolean", "date", "object", "nested"}

var esqlNamedParam = lazyRegexp(`\?([A-Za-z_][A-Za-z0-9_]*)`)

// checkESQLToolParams checks that params is {name: {type, description}}
// and that the query's ?name placeholders and the params match both ways,
// as Kibana requires.
func checkESQLToolParams(query string, raw any) error {
	params, ok := raw.(map[string]any)
	if !ok {
		return &schema.ArgumentError{Field: "configuration.params", Rule: "must be an object of name: {type, description}; {} when the query has none"}
	}
	for name, v := range params {
		p, ok := v.(map[string]any)
		typ, _ := p["type"].(string)
		if !ok || !slices.Contains(esqlParamTypes, typ) {
			return &schema.ArgumentError{Field: "configuration.params." + name + ".type", Rule: "must be one of " + strings.Join(esqlParamTypes, ", ")}
		}
		if d, _ := p["description"].(string); strings.TrimSpace(d) == "" {
			return &schema.ArgumentError{Field: "configuration.params." + name + ".description", Rule: "is required: the agent reads it to fill the parameter"}
		}
	}
	used := map[string]bool{}
	for _, m := range esqlNamedParam().FindAllStringSubmatch(query, -1) {
		used[m[1]] = true
		if _, ok := params[m[1]]; !ok {
			return &schema.ArgumentError{Field: "configuration.params", Rule: "the query uses ?" + m[1] + ", which params does not declare"}
		}
	}
	var unused []string
	for name := range params {
		if !used[name] {
			unused = append(unused, name)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return &schema.ArgumentError{Field: "configuration.params." + unused[0], Rule: "is declared but the query does not use ?" + unused[0]}
	}
	return nil
}
