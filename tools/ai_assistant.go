package tools

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Security AI Assistant API: which alert fields the assistant may share
// with its LLM, its system and quick prompts, its knowledge base (the
// setup and the entries) and the current user's conversations, and a chat
// turn. The settings are Admin work; so is chatting through Kibana (the
// model talking to us is already an LLM) and writing conversations.
// Conversations (ai_assistant_conversations.go) are the current user's own.
//
// No route here carries an x-state; the toolset's lower bound (8.15, see
// toolsets.go) holds for each. unverified: when the knowledge base,
// conversation and chat routes became public within 8.x.
var aiAssistantOperations = slices.Concat(aiAssistantSettingsOperations, aiAssistantKBOperations, aiAssistantConversationOperations)

var aiAssistantSettingsOperations = []*operation.Operation{
	{
		Name:        "find_anonymization_fields",
		Title:       "Find AI assistant anonymization fields",
		Description: "List the alert fields the Security AI Assistant may send to its LLM (allowed) and which of them it anonymizes first.",
		Toolset:     "ai_assistant",
		Method:      http.MethodGet,
		Path:        "/api/security_ai_assistant/anonymization_fields/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindAnonymizationFieldsInput{},
		Examples: []string{
			`{}`,
			`{"filter":"allowed:true","fields":["field","allowed","anonymized"],"sort_field":"field","sort_order":"asc","page":2,"per_page":50,"all_data":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_anonymization_fields",
		Title:       "Bulk change AI assistant anonymization fields",
		Description: "Add, change or delete anonymization fields in one call: whether the assistant may send a field to its LLM and whether it masks it first.",
		Toolset:     "ai_assistant",
		Method:      http.MethodPost,
		Path:        "/api/security_ai_assistant/anonymization_fields/_bulk_action",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       BulkAnonymizationFieldsInput{},
		Examples: []string{
			`{"update":[{"id":"` + sandboxAnonFieldExample + `","anonymized":true}]}`,
			`{"create":[{"field":"threat.indicator.ip","allowed":true,"anonymized":false}],"update":[{"id":"` + sandboxAnonFieldExample + `","allowed":true,"anonymized":true}],"delete":{"query":"field:url.full"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_ai_prompts",
		Title:       "Find AI assistant prompts",
		Description: "List the Security AI Assistant's system prompts (how it behaves) and quick prompts (canned questions).",
		Toolset:     "ai_assistant",
		Method:      http.MethodGet,
		Path:        "/api/security_ai_assistant/prompts/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindAIPromptsInput{},
		Examples: []string{
			`{}`,
			`{"filter":"prompt_type:quick","fields":["name","content"],"sort_field":"name","sort_order":"asc","page":1,"per_page":10,"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_ai_prompts",
		Title:       "Bulk change AI assistant prompts",
		Description: "Create, change or delete the assistant's system and quick prompts in one call.",
		Toolset:     "ai_assistant",
		Method:      http.MethodPost,
		Path:        "/api/security_ai_assistant/prompts/_bulk_action",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       BulkAIPromptsInput{},
		Examples: []string{
			`{"create":[{"name":"Triage checklist","promptType":"quick","content":"List what to check first for this alert, in order.","categories":["alert"]}]}`,
			`{"create":[{"name":"Terse SOC analyst","promptType":"system","content":"You are a SOC analyst. Answer in short bullet points and cite alert ids.","isNewConversationDefault":true}],"update":[{"id":"` + sandboxPromptExample + `","content":"Summarise the alert and its likely cause.","color":"#D36086"}],"delete":{"ids":["quick-prompt-obsolete"]},"space_id":"soc"}`,
		},
	},
	{
		Name:        "chat_ai_assistant",
		Title:       "Ask the Security AI Assistant",
		Description: "Send messages to the Security AI Assistant through a GenAI connector; answers its reply as text. With persist, the turn is kept in the conversation.",
		Toolset:     "ai_assistant",
		Method:      http.MethodPost,
		Path:        "/api/security_ai_assistant/chat/complete",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		OpenWorld:   true,
		Admin:       true,
		Input:       AIChatInput{},
		Examples: []string{
			`{"connectorId":"` + sandboxGenAIConnector + `","persist":false,"messages":[{"role":"user","content":"What does a Mimikatz alert on a domain controller mean?"}]}`,
			`{"connectorId":"` + sandboxGenAIConnectorSOC + `","persist":true,"conversationId":"` + sandboxConversationExample + `","promptId":"default-system-prompt","responseLanguage":"English","content_references_disabled":true,"messages":[{"role":"user","content":"Which hosts did this user log in to?","data":{"user.name":"jdoe"},"fields_to_anonymize":["user.name"]}],"space_id":"soc"}`,
		},
	},
	{
		Name:         "chat_observability_ai_assistant",
		Availability: observabilityAssistantAvailability,
		Title:        "Ask the Observability AI Assistant",
		Description:  "Send messages to the Observability AI Assistant through a GenAI connector and read its answer; with persist, the conversation is kept.",
		Toolset:      "ai_assistant",
		Method:       http.MethodPost,
		Path:         "/api/observability_ai_assistant/chat/complete",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		OpenWorld:    true,
		Admin:        true,
		Input:        ObservabilityChatInput{},
		Examples: []string{
			`{"connectorId":"` + sandboxGenAIConnector + `","persist":false,"messages":[{"@timestamp":"2025-03-12T09:00:00Z","message":{"role":"user","content":"Why is checkout latency up?"}}]}`,
			`{"connectorId":"` + sandboxGenAIConnectorSOC + `","persist":true,"title":"Checkout latency","disableFunctions":true,"instructions":["Answer in two sentences."],"messages":[{"@timestamp":"2025-03-12T09:00:00Z","message":{"role":"user","content":"Which service errors most?"}}],"space_id":"soc"}`,
		},
	},
}

// Ids the sandbox seeds, so that examples reach real objects: an
// anonymization field, a prompt and a conversation (the same in every
// story space), each space's first knowledge base entry and GenAI connector.
const (
	sandboxAnonFieldExample    = "anon-field-host-name"
	sandboxPromptExample       = "default-system-prompt"
	sandboxConversationExample = "conv-ransomware-fs-02"
	sandboxKBEntryExample      = "kb-entry-7f3e2a0c"
	sandboxGenAIConnector      = "4d724b85-8bee-4b1c-8cd7-bb422781dd9b" // OpenAI GPT-4o
	sandboxGenAIConnectorSOC   = "f4930984-cb68-4d96-8ebd-33db35d9a099" // soc: Claude on Bedrock
	sandboxKBEntrySOC          = "kb-entry-5c1d9e44"
)

// observabilityAssistantAvailability: the route's x-state is "Technical
// Preview" without a version. Feature id observabilityAIAssistant (the
// observability_ai_assistant plugin's constants). unverified: the first
// version serving it publicly (8.x); serverless observability projects have it.
var observabilityAssistantAvailability = &operation.Availability{Feature: "observabilityAIAssistant", Serverless: true}

// FindAnonymizationFieldsInput filters and pages anonymization fields.
type FindAnonymizationFieldsInput struct {
	Filter    string   `json:"filter,omitempty" in:"query" jsonschema_description:"KQL, e.g. anonymized:true."`
	Fields    []string `json:"fields,omitempty" in:"query" jsonschema:"maxItems=20" jsonschema_description:"Attributes to return; default all."`
	SortField string   `json:"sort_field,omitempty" in:"query" jsonschema:"enum=field,enum=allowed,enum=anonymized,enum=created_at,enum=updated_at"`
	SortOrder string   `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page      int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage   int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=1000" jsonschema_description:"Default 20."`
	AllData   bool     `json:"all_data,omitempty" in:"query" jsonschema_description:"Also return every field, unpaged, besides the page."`
}

// findAnonymizationFieldsPerPage is the page size the listing defaults to;
// an entry is a field name and two flags.
const findAnonymizationFieldsPerPage = 20

// Prepare asks for a small page when the model names no page size.
func (in *FindAnonymizationFieldsInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = findAnonymizationFieldsPerPage
	}
	return nil
}

// BulkAnonymizationFieldsInput is one bulk action on anonymization fields.
type BulkAnonymizationFieldsInput struct {
	Create []AnonFieldCreate `json:"create,omitempty"`
	Update []AnonFieldUpdate `json:"update,omitempty" jsonschema_description:"Ids from find_anonymization_fields."`
	Delete *AIBulkDelete     `json:"delete,omitempty"`
}

// AnonFieldCreate is a new anonymization field.
type AnonFieldCreate struct {
	Field      string `json:"field" jsonschema:"required,minLength=1"`
	Allowed    *bool  `json:"allowed,omitempty"`
	Anonymized *bool  `json:"anonymized,omitempty"`
}

// AnonFieldUpdate changes an anonymization field's flags.
type AnonFieldUpdate struct {
	ID         string `json:"id" jsonschema:"required,minLength=1"`
	Allowed    *bool  `json:"allowed,omitempty"`
	Anonymized *bool  `json:"anonymized,omitempty"`
}

// AIBulkDelete picks what a bulk action deletes: by id, or by KQL.
type AIBulkDelete struct {
	IDs   []string `json:"ids,omitempty" jsonschema:"minItems=1"`
	Query string   `json:"query,omitempty" jsonschema_description:"KQL."`
}

func (d *AIBulkDelete) check() error {
	if d != nil && len(d.IDs) == 0 && strings.TrimSpace(d.Query) == "" {
		return &schema.ArgumentError{Field: "delete", Rule: "give ids or query"}
	}
	return nil
}

// Prepare refuses an action that does nothing, and an update that changes
// no flag.
func (in *BulkAnonymizationFieldsInput) Prepare() error {
	if len(in.Create) == 0 && len(in.Update) == 0 && in.Delete == nil {
		return &schema.ArgumentError{Rule: "give at least one of create, update, delete"}
	}
	for i, u := range in.Update {
		if u.Allowed == nil && u.Anonymized == nil {
			return &schema.ArgumentError{Field: fmt.Sprintf("update[%d]", i), Rule: "changes nothing; give allowed or anonymized"}
		}
	}
	return in.Delete.check()
}

// FindAIPromptsInput filters and pages prompts.
type FindAIPromptsInput struct {
	Filter    string   `json:"filter,omitempty" in:"query" jsonschema_description:"KQL, e.g. prompt_type:system."`
	Fields    []string `json:"fields,omitempty" in:"query"`
	SortField string   `json:"sort_field,omitempty" in:"query" jsonschema:"enum=created_at,enum=is_default,enum=name,enum=updated_at"`
	SortOrder string   `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page      int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage   int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=1000" jsonschema_description:"Default 20."`
}

// BulkAIPromptsInput is one bulk action on prompts.
type BulkAIPromptsInput struct {
	Create []AIPromptCreate `json:"create,omitempty"`
	Update []AIPromptUpdate `json:"update,omitempty" jsonschema_description:"Ids from find_ai_prompts."`
	Delete *AIBulkDelete    `json:"delete,omitempty"`
}

// AIPromptCreate is a new prompt.
type AIPromptCreate struct {
	Name                     string   `json:"name" jsonschema:"required,minLength=1"`
	PromptType               string   `json:"promptType" jsonschema:"required,enum=system,enum=quick"`
	Content                  string   `json:"content" jsonschema:"required,minLength=1"`
	Categories               []string `json:"categories,omitempty" jsonschema_description:"Quick prompts: where offered, e.g. alert."`
	Color                    string   `json:"color,omitempty" jsonschema:"pattern=^#[0-9A-Fa-f]{6}$"`
	IsNewConversationDefault bool     `json:"isNewConversationDefault,omitempty"`
}

// AIPromptUpdate changes a prompt.
type AIPromptUpdate struct {
	ID                       string   `json:"id" jsonschema:"required,minLength=1"`
	Content                  string   `json:"content,omitempty" jsonschema:"minLength=1"`
	Categories               []string `json:"categories,omitempty"`
	Color                    string   `json:"color,omitempty" jsonschema:"pattern=^#[0-9A-Fa-f]{6}$"`
	IsNewConversationDefault *bool    `json:"isNewConversationDefault,omitempty"`
}

// Prepare refuses an action that does nothing.
func (in *BulkAIPromptsInput) Prepare() error {
	if len(in.Create) == 0 && len(in.Update) == 0 && in.Delete == nil {
		return &schema.ArgumentError{Rule: "give at least one of create, update, delete"}
	}
	for i, u := range in.Update {
		if u.Content == "" && u.Categories == nil && u.Color == "" && u.IsNewConversationDefault == nil {
			return &schema.ArgumentError{Field: fmt.Sprintf("update[%d]", i), Rule: "changes nothing; give content, categories, color or isNewConversationDefault"}
		}
	}
	return in.Delete.check()
}

// AIChatInput is one chat turn with the Security AI Assistant. The answer
// is never streamed: the tool reads it whole.
type AIChatInput struct {
	ConnectorID               string          `json:"connectorId" jsonschema:"required,minLength=1" jsonschema_description:"A GenAI connector, from find_connectors."`
	Persist                   bool            `json:"persist" jsonschema:"required" jsonschema_description:"Keep the turn in the conversation."`
	Messages                  []AIChatMessage `json:"messages" jsonschema:"required,minItems=1"`
	ConversationID            string          `json:"conversationId,omitempty" jsonschema:"minLength=1"`
	PromptID                  string          `json:"promptId,omitempty" jsonschema_description:"A system prompt, from find_ai_prompts."`
	ResponseLanguage          string          `json:"responseLanguage,omitempty"`
	IsStream                  bool            `json:"isStream" jsonschema:"-"` // always false: the tool reads the answer whole
	ContentReferencesDisabled bool            `json:"content_references_disabled,omitempty" in:"query" jsonschema_description:"Leave out citations."`
	Model                     string          `json:"model,omitempty" jsonschema_description:"Instead of the connector's default model."`
	LangSmithProject          string          `json:"langSmithProject,omitempty" jsonschema_description:"Trace the run to this LangSmith project."`
	LangSmithAPIKey           string          `json:"langSmithApiKey,omitempty" jsonschema_description:"For langSmithProject; a secret, never shown."`
}

// AIChatMessage is a message of a Security AI Assistant chat.
type AIChatMessage struct {
	Role              string         `json:"role" jsonschema:"required,enum=user,enum=assistant,enum=system"`
	Content           string         `json:"content,omitempty"`
	Data              map[string]any `json:"data,omitempty" jsonschema_description:"Alert fields the message is about."`
	FieldsToAnonymize []string       `json:"fields_to_anonymize,omitempty"`
}

// Prepare refuses a last message that asks nothing.
func (in *AIChatInput) Prepare() error {
	in.IsStream = false
	if in.LangSmithAPIKey != "" && in.LangSmithProject == "" {
		return &schema.ArgumentError{Field: "langSmithProject", Rule: "is required with langSmithApiKey"}
	}
	last := in.Messages[len(in.Messages)-1]
	if last.Role != "user" || strings.TrimSpace(last.Content) == "" {
		return &schema.ArgumentError{Field: "messages", Rule: "the last message must be the user's, with content"}
	}
	return nil
}

// ObservabilityChatInput is one chat turn with the Observability AI
// Assistant, in Kibana's message shape.
type ObservabilityChatInput struct {
	ConnectorID      string             `json:"connectorId" jsonschema:"required,minLength=1" jsonschema_description:"A GenAI connector, from find_connectors."`
	Persist          bool               `json:"persist" jsonschema:"required" jsonschema_description:"Keep the conversation."`
	Messages         []ObservabilityMsg `json:"messages" jsonschema:"required,minItems=1"`
	ConversationID   string             `json:"conversationId,omitempty"`
	Title            string             `json:"title,omitempty" jsonschema_description:"Of a new persisted conversation."`
	DisableFunctions bool               `json:"disableFunctions,omitempty" jsonschema_description:"Answer without calling tools."`
	Instructions     []string           `json:"instructions,omitempty"`
	Actions          []ObservabilityFn  `json:"actions,omitempty" jsonschema_description:"Functions the model may ask you to run: the answer is then its call."`
}

// ObservabilityFn is a function the caller offers the model.
type ObservabilityFn struct {
	Name        string         `json:"name" jsonschema:"required,maxLength=64,pattern=^[a-zA-Z0-9_-]+$"`
	Description string         `json:"description" jsonschema:"required,minLength=1"`
	Parameters  map[string]any `json:"parameters,omitempty" jsonschema_description:"A JSON schema of its arguments."`
}

// ObservabilityMsg is a timestamped message.
type ObservabilityMsg struct {
	Timestamp string                `json:"@timestamp" jsonschema:"required" jsonschema_description:"ISO 8601."`
	Message   ObservabilityMsgInner `json:"message" jsonschema:"required"`
}

// ObservabilityMsgInner is who said what.
type ObservabilityMsgInner struct {
	Role    string `json:"role" jsonschema:"required,enum=user,enum=assistant,enum=system"`
	Content string `json:"content,omitempty"`
}

// Prepare checks the timestamps, and that the last message asks something.
func (in *ObservabilityChatInput) Prepare() error {
	for i, m := range in.Messages {
		if _, err := time.Parse(time.RFC3339, m.Timestamp); err != nil {
			return &schema.ArgumentError{Field: fmt.Sprintf("messages[%d].@timestamp", i), Rule: "must be an ISO 8601 time with offset, e.g. 2025-03-12T09:00:00Z"}
		}
	}
	seen := map[string]bool{}
	for i, a := range in.Actions {
		if seen[a.Name] {
			return &schema.ArgumentError{Field: fmt.Sprintf("actions[%d].name", i), Rule: fmt.Sprintf("%q is offered twice", a.Name)}
		}
		seen[a.Name] = true
	}
	last := in.Messages[len(in.Messages)-1].Message
	if last.Role != "user" || strings.TrimSpace(last.Content) == "" {
		return &schema.ArgumentError{Field: "messages", Rule: "the last message must be the user's, with content"}
	}
	return nil
}
