package serve

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/internal/toolsearch"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// SearchDoc is what tool search knows about an operation: its declaration,
// whether it only reads and, from the input schema the model is shown, each
// argument's name and description. space_id is left out: every tool takes
// it, so it would only blur the ranking.
func SearchDoc(op *operation.Operation) toolsearch.Doc {
	return toolsearch.Doc{
		Name:        op.Name,
		Title:       op.Title,
		Toolset:     op.Toolset,
		Method:      op.Method,
		Path:        op.Path,
		Description: op.Description,
		ReadOnly:    op.ReadOnly(),
		Arguments:   searchArguments(op),
	}
}

// SearchIndex indexes the operations for tool search.
func SearchIndex(ops []*operation.Operation) *toolsearch.Index {
	docs := make([]toolsearch.Doc, len(ops))
	for i, op := range ops {
		docs[i] = SearchDoc(op)
	}
	return toolsearch.New(docs)
}

// schemaProperty is the part of a JSON schema property that tool search
// reads: its description, allowed values and member names, for the
// property itself or, for a list, for its items.
type schemaProperty struct {
	Description string                     `json:"description"`
	Enum        []any                      `json:"enum"`
	Properties  map[string]json.RawMessage `json:"properties"`
	Items       *schemaProperty            `json:"items"`
}

// searchArguments lists the top-level arguments of op's input schema, by
// name. Each description is followed by the argument's allowed values and,
// for an object or a list of objects, its member names: the words a person
// uses ("critical", "closed", "assignees") are often only there, and unlike
// prose they do not change when descriptions are edited. A missing or
// unreadable schema yields none: the operation can still be found by its
// name, title and description, and the registry tests fail on it anyway.
func searchArguments(op *operation.Operation) []toolsearch.Argument {
	raw, err := op.Schema()
	if err != nil {
		return nil
	}
	var s struct {
		Properties map[string]schemaProperty `json:"properties"`
	}
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	args := make([]toolsearch.Argument, 0, len(s.Properties))
	for name, p := range s.Properties {
		if name != operation.SpaceArgument {
			args = append(args, toolsearch.Argument{Name: name, Description: p.text()})
		}
	}
	slices.SortFunc(args, func(a, b toolsearch.Argument) int { return strings.Compare(a.Name, b.Name) })
	return args
}

// text is the description, then the allowed values, then member names.
func (p schemaProperty) text() string {
	parts := []string{p.Description}
	for _, q := range []*schemaProperty{&p, p.Items} {
		if q == nil {
			continue
		}
		for _, v := range q.Enum {
			parts = append(parts, fmt.Sprint(v))
		}
		parts = append(parts, slices.Sorted(maps.Keys(q.Properties))...)
	}
	return strings.Join(parts, " ")
}
