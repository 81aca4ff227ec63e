package tools

import (
	"net/http"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

// The Security AI Assistant API: which alert fields the assistant may share
// with its LLM, and its knowledge base.
var aiAssistantOperations = []*operation.Operation{
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
			`{"id":"kb-entry-7f3e2a0c"}`,
			`{"id":"kb-entry-7f3e2a0c","space_id":"soc"}`,
		},
	},
}

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

// DeleteKnowledgeBaseEntryInput names the entry to delete.
type DeleteKnowledgeBaseEntryInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1"`
}
