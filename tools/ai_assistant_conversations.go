package tools

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The current user's Security AI Assistant conversations (the API key's
// user, or the basic-auth user): their messages, the connector each talks
// through, and the replacements that undo anonymization.
var aiAssistantConversationOperations = []*operation.Operation{
	{
		Name:        "find_ai_conversations",
		Title:       "Find AI assistant conversations",
		Description: "List your Security AI Assistant conversations, with their messages, by KQL filter, a page at a time.",
		Toolset:     "ai_assistant",
		Method:      http.MethodGet,
		Path:        "/api/security_ai_assistant/current_user/conversations/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindAIConversationsInput{},
		Examples: []string{
			`{}`,
			`{"filter":"title:ransomware*","fields":["title","updated_at"],"sort_field":"updated_at","sort_order":"desc","page":1,"per_page":5,"is_owner":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_ai_conversation",
		Title:       "Get AI assistant conversation",
		Description: "Read one of your assistant conversations: its messages, connector and replacements.",
		Toolset:     "ai_assistant",
		Method:      http.MethodGet,
		Path:        "/api/security_ai_assistant/current_user/conversations/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       AIConversationIDInput{},
		Examples:    []string{`{"id":"` + sandboxConversationExample + `"}`, `{"id":"` + sandboxConversationExample + `","space_id":"soc"}`},
	},
	{
		Name:        "create_ai_conversation",
		Title:       "Create AI assistant conversation",
		Description: "Start an assistant conversation, optionally with messages already in it (e.g. a case summary to continue from).",
		Toolset:     "ai_assistant",
		Method:      http.MethodPost,
		Path:        "/api/security_ai_assistant/current_user/conversations",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateAIConversationInput{},
		Examples: []string{
			`{"title":"Ransomware on fs-02"}`,
			`{"title":"Beaconing from ws-0142","category":"assistant","apiConfig":{"connectorId":"` + sandboxGenAIConnectorSOC + `","actionTypeId":".bedrock","model":"us.anthropic.claude-3-7-sonnet-20250219-v1:0"},"messages":[{"role":"user","content":"Summarise the beaconing alerts for ws-0142.","timestamp":"2025-03-12T09:00:00Z"}],"replacements":{"a1b2c3":"ws-0142"},"excludeFromLastConversationStorage":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_ai_conversation",
		Title:       "Update AI assistant conversation",
		Description: "Rename a conversation, change its connector, or replace its messages or replacements (given members replace the stored ones).",
		Toolset:     "ai_assistant",
		Method:      http.MethodPut,
		Path:        "/api/security_ai_assistant/current_user/conversations/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateAIConversationInput{},
		Examples: []string{
			`{"id":"` + sandboxConversationExample + `","title":"Ransomware on fs-02 (closed)"}`,
			`{"id":"` + sandboxConversationExample + `","category":"assistant","apiConfig":{"connectorId":"` + sandboxGenAIConnectorSOC + `","actionTypeId":".bedrock"},"messages":[{"role":"user","content":"Which shares were encrypted?","timestamp":"2025-03-12T09:00:00Z"},{"role":"assistant","content":"\\\\fs-02\\finance and \\\\fs-02\\hr.","timestamp":"2025-03-12T09:00:05Z"}],"replacements":{},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_ai_conversation",
		Title:       "Delete AI assistant conversation",
		Description: "Permanently delete one of your assistant conversations and its messages.",
		Toolset:     "ai_assistant",
		Method:      http.MethodDelete,
		Path:        "/api/security_ai_assistant/current_user/conversations/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       AIConversationIDInput{},
		Examples:    []string{`{"id":"` + sandboxConversationExample + `"}`, `{"id":"` + sandboxConversationExample + `","space_id":"soc"}`},
	},
	{
		Name:        "delete_all_ai_conversations",
		Title:       "Delete all AI assistant conversations",
		Description: "Permanently delete every one of your assistant conversations in the space, but those excluded.",
		Toolset:     "ai_assistant",
		Method:      http.MethodDelete,
		Path:        "/api/security_ai_assistant/current_user/conversations",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeleteAllAIConversationsInput{},
		Examples:    []string{`{}`, `{"excludedIds":["` + sandboxConversationExample + `"],"space_id":"soc"}`},
	},
}

// FindAIConversationsInput filters and pages conversations.
type FindAIConversationsInput struct {
	Filter    string   `json:"filter,omitempty" in:"query" jsonschema_description:"KQL, e.g. title:phishing*."`
	Fields    []string `json:"fields,omitempty" in:"query"`
	SortField string   `json:"sort_field,omitempty" in:"query" jsonschema:"enum=created_at,enum=title,enum=updated_at"`
	SortOrder string   `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page      int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage   int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 5: conversations carry their messages."`
	IsOwner   bool     `json:"is_owner,omitempty" in:"query" jsonschema_description:"Only those you created, not those shared with you."`
}

// findAIConversationsPerPage keeps pages small: each conversation carries
// all its messages.
const findAIConversationsPerPage = 5

// Prepare asks for a small page when the model names no page size.
func (in *FindAIConversationsInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = findAIConversationsPerPage
	}
	return nil
}

// AIConversationIDInput names one conversation.
type AIConversationIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From find_ai_conversations."`
}

// AIConversationAPIConfig is the connector a conversation talks through.
type AIConversationAPIConfig struct {
	ConnectorID           string `json:"connectorId" jsonschema:"required,minLength=1"`
	ActionTypeID          string `json:"actionTypeId" jsonschema:"required" jsonschema_description:"The connector's type, e.g. .gen-ai, .bedrock, .gemini."`
	Model                 string `json:"model,omitempty"`
	DefaultSystemPromptID string `json:"defaultSystemPromptId,omitempty"`
}

// AIConversationMessage is a stored message; a missing timestamp is now.
type AIConversationMessage struct {
	Role      string `json:"role" jsonschema:"required,enum=user,enum=assistant,enum=system"`
	Content   string `json:"content" jsonschema:"required"`
	Timestamp string `json:"timestamp,omitempty" jsonschema_description:"ISO 8601; default now."`
}

// conversationFields are what create and update share.
type conversationFields struct {
	Category                           string                   `json:"category,omitempty" jsonschema:"enum=assistant,enum=insights"`
	APIConfig                          *AIConversationAPIConfig `json:"apiConfig,omitempty"`
	Messages                           []AIConversationMessage  `json:"messages,omitempty"`
	Replacements                       map[string]string        `json:"replacements,omitempty" jsonschema_description:"Placeholder to real value, as anonymization made them."`
	ExcludeFromLastConversationStorage bool                     `json:"excludeFromLastConversationStorage,omitempty"`
}

// stamp checks the messages' timestamps and dates those without one.
func (c *conversationFields) stamp(now time.Time) error {
	for i := range c.Messages {
		m := &c.Messages[i]
		if m.Timestamp == "" {
			m.Timestamp = now.UTC().Format(time.RFC3339Nano)
			continue
		}
		if _, err := time.Parse(time.RFC3339, m.Timestamp); err != nil {
			return &schema.ArgumentError{Field: fmt.Sprintf("messages[%d].timestamp", i), Rule: "must be an ISO 8601 time with offset, e.g. 2025-03-12T09:00:00Z"}
		}
	}
	return nil
}

// CreateAIConversationInput is a new conversation.
type CreateAIConversationInput struct {
	ID    string `json:"id,omitempty" jsonschema:"minLength=1" jsonschema_description:"Default a new UUID; Kibana refuses one in use."`
	Title string `json:"title" jsonschema:"required,minLength=1"`
	conversationFields
}

// Prepare refuses a blank title and dates the messages.
func (in *CreateAIConversationInput) Prepare() error {
	if strings.TrimSpace(in.Title) == "" {
		return &schema.ArgumentError{Field: "title", Rule: "must not be blank"}
	}
	return in.stamp(time.Now())
}

// UpdateAIConversationInput changes some members of a conversation. Kibana
// wants the id in the path and in the body: the body's copy sits one level
// down (bodyID), where decoding the arguments never reaches it and the
// schema does not show it; Prepare fills it.
type UpdateAIConversationInput struct {
	bodyID           // first: the path's id, declared after it, is the one the path binds
	ID     string    `json:"id" in:"path" jsonschema:"required,minLength=1"`
	Title  string    `json:"title,omitempty" jsonschema:"minLength=1"`
	Users  *[]AIUser `json:"users,omitempty" jsonschema_description:"Who may read it (share it); [] shares it with every user of the space."`
	conversationFields
}

// AIUser is a Kibana user, by profile id or name.
type AIUser struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// checkUsers refuses a user named by neither id nor name.
func checkUsers(field string, users []AIUser) error {
	for i, u := range users {
		if u.ID == "" && u.Name == "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("%s[%d]", field, i), Rule: "give the user's id or name"}
		}
	}
	return nil
}

// bodyID is the body's copy of a path id.
type bodyID struct {
	BodyID string `json:"id" jsonschema:"-"`
}

// Prepare refuses an update that changes nothing and dates the messages.
func (in *UpdateAIConversationInput) Prepare() error {
	c := in.conversationFields
	if in.Title == "" && in.Users == nil && c.Category == "" && c.APIConfig == nil && c.Messages == nil && c.Replacements == nil && !c.ExcludeFromLastConversationStorage {
		return &schema.ArgumentError{Rule: "give at least one of title, users, category, apiConfig, messages, replacements"}
	}
	if in.Users != nil {
		if err := checkUsers("users", *in.Users); err != nil {
			return err
		}
	}
	in.BodyID = in.ID
	return in.stamp(time.Now())
}

// DeleteAllAIConversationsInput spares some conversations.
type DeleteAllAIConversationsInput struct {
	ExcludedIDs []string `json:"excludedIds,omitempty" jsonschema_description:"Conversations to keep."`
}
