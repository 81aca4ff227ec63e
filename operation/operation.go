// Package operation is the declaration model: what an operation is, how its
// input binds to a Kibana request, and the interfaces an input may
// implement (checks, flows, confirmation descriptions). It knows no API
// area (the catalogue, package tools, declares those) and nothing of MCP
// serving (package serve).
//
// An operation is data: name, HTTP method and path template, the Kibana API
// version it speaks, what it does to Kibana (reads, writes, deletes) and a Go
// input struct. The struct's tags say where each argument goes:
//
//	`in:"path"`      a {placeholder} in the path template (URL-escaped)
//	`in:"query"`     a query parameter (slices repeat the key)
//	`in:"form"`      a multipart/form-data text field ("form,filename": the
//	                 field naming the uploaded file; see boundField.namesFile)
//	`in:"formfile"`  a multipart/form-data file part; the argument is base64
//	                 ("formfile,ndjson", "formfile,txt": the argument is the
//	                 file's text, named with that extension)
//	`in:"tool"`      read by the tool's flow (flow.go), never sent to Kibana
//	(no in tag)      a member of the JSON request body
//
// Binding and validation are generic (bind.go), and so are the HTTP call and
// result shaping (package serve): adding an operation is a declaration plus
// its input struct.
package operation

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Effect is what an operation does to Kibana. It decides the MCP annotations
// and, later, what read-only mode lets through, so the two cannot disagree.
type Effect uint8

const (
	Reads   Effect = iota // no change to Kibana
	Writes                // creates or changes something
	Deletes               // removes something; cannot be undone
)

func (e Effect) String() string {
	return [...]string{"read", "write", "delete"}[e]
}

// Kibana's public API versions, declared per operation (never guessed).
const (
	V20231031 = "2023-10-31" // most public routes
	V1        = "1"          // a few newer routes, such as dashboards
)

// Operation declares one Kibana API operation as one MCP tool.
type Operation struct {
	Name        string // snake_case verb_noun; others refer to it, keep it stable
	Title       string // short human title
	Description string // what it does and when to use it; for writes, what it changes
	Toolset     string // API area, e.g. "cases"
	Method      string
	Path        string // template with {placeholders}, e.g. /api/cases/{caseId}
	APIVersion  string // elastic-api-version header value
	Effect      Effect
	Idempotent  bool // for Writes: repeating the same call changes nothing more
	// Overwrites marks Writes that can replace or remove what was stored
	// (whole lists, texts, an external ticket): clients should confirm them
	// like deletes, so they carry destructiveHint too.
	Overwrites bool
	OpenWorld  bool // reaches systems beyond Kibana (e.g. an external ITSM)
	// Admin marks settings work that everyday triage does not need: the
	// default selection leaves it out, naming its toolset serves it.
	Admin bool
	Input any // zero value of the input struct
	// Examples are argument objects (JSON) that tests replay against a
	// loopback Kibana and the OpenAPI contract; the first is the smallest.
	Examples []string
	// ConflictHint, when set, is what the model is told to do when Kibana
	// answers this operation with 409 Conflict, in place of its toolset's
	// hint or the generic one.
	ConflictHint string
	// CutHint, when set, is what the model is told to do when the answer
	// is cut to the result limit, in place of the generic advice.
	CutHint string
	// Availability, when set, replaces its toolset's: which Kibanas have
	// this operation's API.
	Availability *Availability
	// TokenBudget, when set, is the tokens its tool definition may take in
	// place of the per-tool budget: for tools that take a whole object of a
	// large schema, as Kibana exports it.
	TokenBudget int

	catalog *Catalog // the catalogue it belongs to: its schema, its peers

	planOnce sync.Once
	plan     *plan
	planErr  error

	validatorOnce sync.Once
	validator     *schema.Validator
	validatorErr  error
}

// SpaceArgument is the argument every tool accepts to run in a Kibana space
// other than the configured default.
const SpaceArgument = "space_id"

// ReadOnly reports whether the operation leaves Kibana unchanged.
func (op *Operation) ReadOnly() bool { return op.Effect == Reads }

// Retryable reports whether the request may be sent again when Kibana says
// it did not do the work (429, 503); the client also resends reads after a
// proxy's 502/504, when a write might already have happened.
func (op *Operation) Retryable() bool {
	return op.Effect == Reads || op.Effect == Deletes || op.Idempotent
}

// Destructive reports whether clients should confirm the operation before
// it runs: it deletes, or overwrites what was stored.
func (op *Operation) Destructive() bool { return op.Effect == Deletes || op.Overwrites }

// Annotations are derived from Effect so they always match behaviour.
func (op *Operation) Annotations() mcp.ToolAnnotation {
	return mcp.ToolAnnotation{
		Title:           op.Title,
		ReadOnlyHint:    mcp.ToBoolPtr(op.Effect == Reads),
		DestructiveHint: mcp.ToBoolPtr(op.Destructive()),
		IdempotentHint:  mcp.ToBoolPtr(op.Retryable()),
		OpenWorldHint:   mcp.ToBoolPtr(op.OpenWorld),
	}
}

// Tool is the MCP definition of the operation, with the input schema
// generated at build time (TestGeneratedSchemasAreFresh keeps it current).
func (op *Operation) Tool() (mcp.Tool, error) {
	schemaJSON, err := op.Schema()
	if err != nil {
		return mcp.Tool{}, err
	}
	tool := op.ToolWithoutSchema()
	tool.RawInputSchema = schemaJSON
	return tool, nil
}

// ToolWithoutSchema is Tool with no input schema, for a server that keeps
// the schema (SchemaText) apart.
func (op *Operation) ToolWithoutSchema() mcp.Tool {
	return mcp.Tool{
		Name:        op.Name,
		Title:       op.Title,
		Description: op.Description,
		Annotations: op.Annotations(),
	}
}

// getValidator compiles the schema the model was shown, once, on first use.
func (op *Operation) getValidator() (*schema.Validator, error) {
	op.validatorOnce.Do(func() {
		raw, err := op.Schema()
		if err != nil {
			op.validatorErr = err
			return
		}
		op.validator, op.validatorErr = schema.Compile(raw)
	})
	return op.validator, op.validatorErr
}

func (op *Operation) inputType() reflect.Type {
	t := reflect.TypeOf(op.Input)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func (op *Operation) String() string {
	return fmt.Sprintf("%s (%s %s)", op.Name, op.Method, op.Path)
}
