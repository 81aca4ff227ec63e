package operation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// Toolset is one API area. Every operation names its toolset, and the
// server serves whole toolsets (plus or minus single tools), so a model pays
// in context only for the areas the user works in.
type Toolset struct {
	Name        string
	Description string // one line, shown by list_toolsets and `kibana-mcp tools`
	// Default toolsets are served when no --toolsets is given: what a triage
	// analyst needs every day.
	Default bool
	// ConflictHint, when set, is what the model is told to do when Kibana
	// answers one of the toolset's operations with 409 Conflict (unless the
	// operation has its own).
	ConflictHint string
	// Availability says which Kibanas have the toolset's APIs; an
	// operation may declare its own instead.
	Availability Availability
}

// Catalog is a set of declared operations with everything served about
// them that is not the serving itself: their toolsets, their generated
// input schemas, and what a server needs to know of the API areas to talk
// about them. Package tools fills one with every Kibana operation; the
// serving machinery takes it as a value.
type Catalog struct {
	ops      []*Operation
	toolsets []Toolset
	schemas  map[string]string
	byName   map[string]*Operation

	// HostIDs names the request body member that lists the hosts (agent
	// IDs) a call acts on, and HostName names one such host for a
	// confirmation question ("" when it cannot). Either may be empty.
	HostIDs  string
	HostName func(ctx context.Context, k *kibana.Client, space, id string) string
	// NoMatchHint follows "No tool matches …" in tool search: which words
	// find tools in this catalogue.
	NoMatchHint string
}

// NewCatalog makes a catalogue of ops, in the order given, with toolsets in
// display order and schemas (tool name → JSON input schema, as generated at
// build time). Each operation belongs to one catalogue: the last it is
// given to.
func NewCatalog(ops []*Operation, toolsets []Toolset, schemas map[string]string) *Catalog {
	c := &Catalog{ops: ops, toolsets: toolsets, schemas: schemas, byName: make(map[string]*Operation, len(ops))}
	for _, op := range ops {
		op.catalog = c
		c.byName[op.Name] = op
	}
	return c
}

// All returns every operation of the catalogue, in its order.
func (c *Catalog) All() []*Operation { return slices.Clone(c.ops) }

// Lookup finds an operation by tool name.
func (c *Catalog) Lookup(name string) (*Operation, bool) {
	op, ok := c.byName[name]
	return op, ok
}

// Toolsets lists the toolsets in display order. A toolset can be listed
// before its first operation lands; naming it then serves nothing.
func (c *Catalog) Toolsets() []Toolset { return slices.Clone(c.toolsets) }

// Toolset finds a toolset by name.
func (c *Catalog) Toolset(name string) (Toolset, bool) {
	i := slices.IndexFunc(c.toolsets, func(t Toolset) bool { return t.Name == name })
	if i < 0 {
		return Toolset{}, false
	}
	return c.toolsets[i], true
}

// ToolsetNames lists the toolsets' names, in display order.
func (c *Catalog) ToolsetNames() []string {
	names := make([]string, len(c.toolsets))
	for i, t := range c.toolsets {
		names[i] = t.Name
	}
	return names
}

// CountInToolset is how many operations a toolset has.
func (c *Catalog) CountInToolset(name string) int {
	n := 0
	for _, op := range c.ops {
		if op.Toolset == name {
			n++
		}
	}
	return n
}

// Send binds args to the named operation and sends its one request, without
// any flow. Going through the declaration keeps validation, path escaping
// and API versions exactly as the tool has them; flows, resources and
// completion use it. Argument errors name the field; Kibana's are
// *kibana.APIError.
func (c *Catalog) Send(ctx context.Context, k *kibana.Client, tool string, args map[string]any) (*kibana.Response, error) {
	op, ok := c.Lookup(tool)
	if !ok {
		return nil, fmt.Errorf("internal error: no operation %s is declared", tool)
	}
	req, err := op.Bind(args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", tool, err)
	}
	return k.Do(ctx, req)
}

// Call runs another declared operation from inside a flow, in the space of
// the flow's own request.
func (c *Catalog) Call(ctx context.Context, k *kibana.Client, space, tool string, args map[string]any) (*kibana.Response, error) {
	if space != "" {
		args[SpaceArgument] = space
	}
	return c.Send(ctx, k, tool, args)
}

// CallJSON is Call decoding a JSON answer into into.
func (c *Catalog) CallJSON(ctx context.Context, k *kibana.Client, space, tool string, args map[string]any, into any) error {
	resp, err := c.Call(ctx, k, space, tool, args)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.Body, into); err != nil {
		return fmt.Errorf("%s: Kibana's answer is not the JSON expected: %w", tool, err)
	}
	return nil
}

// SpaceSchema is the schema of the space_id argument every tool accepts (its
// name says what it is: no description, in 39 default tools); the
// generator adds it to each reflected input schema.
const SpaceSchema = `{"type":"string","pattern":"^[a-z0-9_-]+$","maxLength":255}`

// CommonArguments are the arguments every tool takes besides its own.
var CommonArguments = map[string]string{SpaceArgument: SpaceSchema}

// Schema is the input schema the model sees, generated at build time (into
// the catalogue's schemas_gen.go) so that serving tools/list costs no
// reflection.
func (op *Operation) Schema() (json.RawMessage, error) {
	raw, err := op.SchemaText()
	if err != nil {
		return nil, err
	}
	return json.RawMessage(raw), nil
}

// SchemaText is Schema as generated, without the copy into bytes: what
// start-up keeps of every tool it registers.
func (op *Operation) SchemaText() (string, error) {
	var raw string
	ok := false
	if op.catalog != nil {
		raw, ok = op.catalog.schemas[op.Name]
	}
	if !ok {
		return "", fmt.Errorf("no generated schema for %s: run `go generate ./...`", op.Name)
	}
	return raw, nil
}
