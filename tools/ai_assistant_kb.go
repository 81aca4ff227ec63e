package tools

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Security AI Assistant's knowledge base: its setup (an ELSER model,
// Security Labs articles) and its entries, documents the assistant may
// quote and indices it may search. Reading is everyday work; changing
// them is Admin.
var aiAssistantKBOperations = []*operation.Operation{
	{
		Name:        "get_knowledge_base_status",
		Title:       "Get AI assistant knowledge base status",
		Description: "Say whether the assistant's knowledge base is set up: ELSER model, Security Labs content, user entries, product docs.",
		Toolset:     "ai_assistant",
		Method:      http.MethodGet,
		Path:        "/api/security_ai_assistant/knowledge_base/{resource}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       KnowledgeBaseResourceInput{},
		Examples:    []string{`{"resource":"security_labs"}`, `{"resource":"user","space_id":"soc"}`},
	},
	{
		Name:        "setup_knowledge_base",
		Title:       "Set up AI assistant knowledge base",
		Description: "Install the assistant's knowledge base: deploys the ELSER model and loads Security Labs articles unless told not to.",
		Toolset:     "ai_assistant",
		Method:      http.MethodPost,
		Path:        "/api/security_ai_assistant/knowledge_base/{resource}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       SetupKnowledgeBaseInput{},
		Examples:    []string{`{"resource":"security_labs"}`, `{"resource":"user","modelId":".elser_model_2","ignoreSecurityLabs":true,"space_id":"soc"}`},
	},
	{
		Name:        "find_knowledge_base_entries",
		Title:       "Find AI assistant knowledge base entries",
		Description: "List the assistant's knowledge base entries (runbooks, notes, indices it may search) by KQL filter, a page at a time.",
		Toolset:     "ai_assistant",
		Method:      http.MethodGet,
		Path:        "/api/security_ai_assistant/knowledge_base/entries/_find",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindKBEntriesInput{},
		Examples: []string{
			`{}`,
			`{"filter":"type:document","fields":["name","text"],"sort_field":"title","sort_order":"asc","page":1,"per_page":10,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_knowledge_base_entry",
		Title:       "Get AI assistant knowledge base entry",
		Description: "Read one knowledge base entry: its text, or the index and field it searches.",
		Toolset:     "ai_assistant",
		Method:      http.MethodGet,
		Path:        "/api/security_ai_assistant/knowledge_base/entries/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       KBEntryIDInput{},
		Examples:    []string{`{"id":"` + sandboxKBEntryExample + `"}`, `{"id":"` + sandboxKBEntrySOC + `","space_id":"soc"}`},
	},
	{
		Name:        "create_knowledge_base_entry",
		Title:       "Create AI assistant knowledge base entry",
		Description: "Teach the assistant something: a document (text it may quote) or an index it may search, private or global.",
		Toolset:     "ai_assistant",
		Method:      http.MethodPost,
		Path:        "/api/security_ai_assistant/knowledge_base/entries",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       KBEntry{},
		Examples: []string{
			`{"name":"Print server naming","type":"document","text":"prn-NN hosts are print servers; they never run PowerShell."}`,
			`{"name":"VPN gateway owners","type":"document","text":"vpn-gw-01 and vpn-gw-02 belong to the network team (on call: #net-oncall).","kbResource":"user","source":"runbook","required":true,"global":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_knowledge_base_entry",
		Title:       "Replace AI assistant knowledge base entry",
		Description: "Replace a knowledge base entry whole (start from get_knowledge_base_entry).",
		Toolset:     "ai_assistant",
		Method:      http.MethodPut,
		Path:        "/api/security_ai_assistant/knowledge_base/entries/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateKBEntryInput{},
		Examples: []string{
			`{"id":"` + sandboxKBEntryExample + `","name":"Ransomware response runbook","type":"document","text":"Isolate the host, kill the encryptor, restore shares from the 01:00 snapshot."}`,
			`{"id":"` + sandboxKBEntrySOC + `","name":"Backup server isolation runbook","type":"document","text":"Isolate backup servers from the EDR console, then call the IR lead.","kbResource":"user","source":"runbook","required":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_knowledge_base_entry",
		Title:       "Delete AI assistant knowledge base entry",
		Description: "Permanently delete one entry of the Security AI Assistant's knowledge base; the assistant stops using it. Cannot be undone.",
		Toolset:     "ai_assistant",
		Method:      http.MethodDelete,
		Path:        "/api/security_ai_assistant/knowledge_base/entries/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeleteKnowledgeBaseEntryInput{},
		Examples: []string{
			`{"id":"` + sandboxKBEntryExample + `"}`,
			`{"id":"` + sandboxKBEntrySOC + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_knowledge_base_entries",
		Title:       "Bulk change AI assistant knowledge base entries",
		Description: "Create, replace or delete knowledge base entries in one call.",
		Toolset:     "ai_assistant",
		Method:      http.MethodPost,
		Path:        "/api/security_ai_assistant/knowledge_base/entries/_bulk_action",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		TokenBudget: 950, // an entry (document or index, 16 members) twice: to create, and with its id to replace
		Input:       BulkKBEntriesInput{},
		Examples: []string{
			`{"create":[{"name":"Jump hosts","type":"document","text":"jmp-01 is the only host allowed to RDP to servers."}]}`,
			`{"create":[{"name":"Jump hosts","type":"document","text":"jmp-01 is the only host allowed to RDP to servers.","global":true}],"update":[{"id":"` + sandboxKBEntrySOC + `","name":"Backup server isolation runbook","type":"document","text":"Isolate from the EDR console first."}],"delete":{"query":"name:obsolete*"},"space_id":"soc"}`,
		},
	},
}

// KnowledgeBaseResourceInput names a knowledge base resource.
type KnowledgeBaseResourceInput struct {
	Resource string `json:"resource" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"E.g. security_labs, defend_insights, user."`
}

// SetupKnowledgeBaseInput sets up a knowledge base resource.
type SetupKnowledgeBaseInput struct {
	Resource           string `json:"resource" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"E.g. security_labs, user."`
	ModelID            string `json:"modelId,omitempty" in:"query" jsonschema_description:"Default ELSER."`
	IgnoreSecurityLabs bool   `json:"ignoreSecurityLabs,omitempty" in:"query" jsonschema_description:"Skip loading Security Labs articles."`
}

// FindKBEntriesInput filters and pages knowledge base entries.
type FindKBEntriesInput struct {
	Filter    string   `json:"filter,omitempty" in:"query" jsonschema_description:"KQL, e.g. type:index."`
	Fields    []string `json:"fields,omitempty" in:"query"`
	SortField string   `json:"sort_field,omitempty" in:"query" jsonschema:"enum=created_at,enum=is_default,enum=title,enum=updated_at"`
	SortOrder string   `json:"sort_order,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page      int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage   int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=1000" jsonschema_description:"Default 20."`
}

// KBEntryIDInput names one knowledge base entry.
type KBEntryIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From find_knowledge_base_entries."`
}

// DeleteKnowledgeBaseEntryInput names the entry to delete.
type DeleteKnowledgeBaseEntryInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1"`
}

// KBEntry is a knowledge base entry: a document or an index. Members of
// the other kind are refused by Prepare; a document's kbResource and
// source default to user.
type KBEntry struct {
	Name             string         `json:"name" jsonschema:"required,minLength=1"`
	Type             string         `json:"type" jsonschema:"required,enum=document,enum=index"`
	Global           bool           `json:"global,omitempty" jsonschema_description:"Shared with every user of the space."`
	Text             string         `json:"text,omitempty" jsonschema_description:"Document: the knowledge."`
	KBResource       string         `json:"kbResource,omitempty" jsonschema:"enum=user,enum=security_labs,enum=defend_insights"`
	Source           string         `json:"source,omitempty" jsonschema_description:"Document: where it comes from."`
	Required         bool           `json:"required,omitempty" jsonschema_description:"Document: always given to the LLM."`
	Index            string         `json:"index,omitempty" jsonschema_description:"Index: what to search."`
	Field            string         `json:"field,omitempty" jsonschema_description:"Index: the semantic_text field."`
	Description      string         `json:"description,omitempty" jsonschema_description:"Index: what it holds."`
	QueryDescription string         `json:"queryDescription,omitempty" jsonschema_description:"Index: when to search it."`
	InputSchema      []KBInputField `json:"inputSchema,omitempty" jsonschema_description:"Index: fields the LLM fills to filter."`
	OutputFields     []string       `json:"outputFields,omitempty" jsonschema_description:"Index: fields of hits to give; default all."`
	Users            *[]AIUser      `json:"users,omitempty" jsonschema_description:"Index: who may use it; default you, [] everyone."`
}

// KBInputField is a field of an index entry's input schema.
type KBInputField struct {
	FieldName   string `json:"fieldName" jsonschema:"required"`
	FieldType   string `json:"fieldType" jsonschema:"required" jsonschema_description:"E.g. string."`
	Description string `json:"description" jsonschema:"required"`
}

// check is Prepare for an entry found at field (empty: the arguments).
func (e *KBEntry) check(field string) error {
	at := func(name string) string {
		if field == "" {
			return name
		}
		return field + "." + name
	}
	if strings.TrimSpace(e.Name) == "" {
		return &schema.ArgumentError{Field: at("name"), Rule: "must not be blank"}
	}
	if e.Type == "document" {
		if strings.TrimSpace(e.Text) == "" {
			return &schema.ArgumentError{Field: at("text"), Rule: "a document needs its text"}
		}
		if e.Index != "" || e.Field != "" || e.Description != "" || e.QueryDescription != "" || e.InputSchema != nil || e.OutputFields != nil {
			return &schema.ArgumentError{Field: at("type"), Rule: "index, field, description, queryDescription, inputSchema and outputFields are for index entries"}
		}
		if e.Users != nil {
			return &schema.ArgumentError{Field: at("users"), Rule: "Kibana sets a document's users from global (you, or everyone): leave users out"}
		}
		if e.KBResource == "" {
			e.KBResource = "user"
		}
		if e.Source == "" {
			e.Source = "user"
		}
		return nil
	}
	for name, v := range map[string]string{"index": e.Index, "field": e.Field, "description": e.Description, "queryDescription": e.QueryDescription} {
		if strings.TrimSpace(v) == "" {
			return &schema.ArgumentError{Field: at(name), Rule: "an index entry needs index, field, description and queryDescription"}
		}
	}
	if e.Text != "" || e.KBResource != "" || e.Source != "" || e.Required {
		return &schema.ArgumentError{Field: at("type"), Rule: "text, kbResource, source and required are for document entries"}
	}
	if e.Users != nil {
		if len(*e.Users) > 0 && e.Global {
			return &schema.ArgumentError{Field: at("users"), Rule: "a global entry is everyone's: leave users out or give []"}
		}
		if err := checkUsers(at("users"), *e.Users); err != nil {
			return err
		}
	}
	for i, f := range e.InputSchema {
		for j := range i {
			if e.InputSchema[j].FieldName == f.FieldName {
				return &schema.ArgumentError{Field: at(fmt.Sprintf("inputSchema[%d].fieldName", i)), Rule: fmt.Sprintf("%q is already given", f.FieldName)}
			}
		}
	}
	return nil
}

// Prepare checks the entry's kind.
func (e *KBEntry) Prepare() error { return e.check("") }

// UpdateKBEntryInput replaces one entry.
type UpdateKBEntryInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1"`
	KBEntry
}

// Prepare checks the entry's kind.
func (in *UpdateKBEntryInput) Prepare() error { return in.KBEntry.check("") }

// BulkKBEntriesInput is one bulk action on knowledge base entries.
type BulkKBEntriesInput struct {
	Create []KBEntry       `json:"create,omitempty"`
	Update []KBEntryWithID `json:"update,omitempty" jsonschema_description:"Whole entries, each with its id."`
	Delete *AIBulkDelete   `json:"delete,omitempty"`
}

// KBEntryWithID is an entry of a bulk update.
type KBEntryWithID struct {
	ID string `json:"id" jsonschema:"required,minLength=1"`
	KBEntry
}

// Prepare checks each entry, and refuses an action that does nothing.
func (in *BulkKBEntriesInput) Prepare() error {
	if len(in.Create) == 0 && len(in.Update) == 0 && in.Delete == nil {
		return &schema.ArgumentError{Rule: "give at least one of create, update, delete"}
	}
	for i := range in.Create {
		if err := in.Create[i].check(fmt.Sprintf("create[%d]", i)); err != nil {
			return err
		}
	}
	for i := range in.Update {
		if err := in.Update[i].check(fmt.Sprintf("update[%d]", i)); err != nil {
			return err
		}
	}
	return in.Delete.check()
}
