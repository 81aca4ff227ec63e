package resources

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

const (
	// maxValues is the most values one completion may carry (MCP's limit).
	maxValues = 100
	// completeTimeout bounds each Kibana call: completion runs as the user
	// types, and a late answer is worth nothing.
	completeTimeout = 3 * time.Second
)

// Enums completed without asking Kibana: the values the tools accept.
var enums = map[string][]string{
	"severity": {"low", "medium", "high", "critical"},
	"owner":    {"cases", "observability", "securitySolution"},
	"status":   {"open", "in-progress", "closed"},
}

// Completer answers completion/complete by argument name, the same for
// prompt arguments and resource template variables: caseId, ruleId,
// spaceId/space_id, tag, severity, owner and status. Other names get no
// values. Kibana's failures give no values rather than an error, since a
// completion is only a suggestion.
type Completer struct {
	client *kibana.Client
	served func(string) bool
}

// NewCompleter completes from client's Kibana, using only the tools that
// served reports (find_cases, find_rules, find_spaces, get_case_tags), so
// completion shows nothing a served tool could not. A nil served serves
// everything. Pass the result to server.WithPromptCompletionProvider and
// server.WithResourceCompletionProvider, with server.WithCompletions().
func NewCompleter(client *kibana.Client, served func(tool string) bool) *Completer {
	return &Completer{client: client, served: orAll(served)}
}

// CompletePromptArgument implements server.PromptCompletionProvider.
func (c *Completer) CompletePromptArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, given mcp.CompleteContext) (*mcp.Completion, error) {
	return c.complete(ctx, arg, given), nil
}

// CompleteResourceArgument implements server.ResourceCompletionProvider.
func (c *Completer) CompleteResourceArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, given mcp.CompleteContext) (*mcp.Completion, error) {
	return c.complete(ctx, arg, given), nil
}

func (c *Completer) complete(ctx context.Context, arg mcp.CompleteArgument, given mcp.CompleteContext) *mcp.Completion {
	// Prompts name the space space_id, as tools do; templates spaceId.
	space := given.Arguments[operation.SpaceArgument]
	if space == "" {
		space = given.Arguments["spaceId"]
	}
	typed := arg.Value
	var found []candidate
	complete := true
	switch arg.Name {
	case "severity", "owner", "status":
		for _, v := range enums[arg.Name] {
			found = append(found, candidate{id: v})
		}
	case "caseId":
		found, complete = c.search(ctx, "find_cases", space, typed, caseSearch)
	case "ruleId":
		found, complete = c.search(ctx, "find_rules", space, typed, ruleSearch)
	case "spaceId", operation.SpaceArgument:
		found = c.list(ctx, "find_spaces", "", func(body []byte) []candidate {
			var spaces []struct{ ID, Name string }
			_ = json.Unmarshal(body, &spaces) // nothing usable gives no values
			out := make([]candidate, len(spaces))
			for i, s := range spaces {
				out[i] = candidate{id: s.ID, label: s.Name}
			}
			return out
		})
	case "tag":
		found = c.list(ctx, "get_case_tags", space, func(body []byte) []candidate {
			var tags []string
			_ = json.Unmarshal(body, &tags)
			out := make([]candidate, len(tags))
			for i, t := range tags {
				out[i] = candidate{id: t}
			}
			return out
		})
	}
	return completion(found, typed, complete)
}

// candidate is a value to offer (id) and text it may also be found by.
type candidate struct{ id, label string }

func (cd candidate) matches(typed string) bool {
	return hasPrefixFold(cd.id, typed) || cd.label != "" && hasPrefixFold(cd.label, typed)
}

func hasPrefixFold(s, prefix string) bool {
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}

// completion offers the candidates that match typed, in the order found.
// complete says the candidates were all Kibana has; only then is Total known.
func completion(found []candidate, typed string, complete bool) *mcp.Completion {
	values := []string{}
	for _, cd := range found {
		if cd.matches(typed) && !slices.Contains(values, cd.id) {
			values = append(values, cd.id)
		}
	}
	out := &mcp.Completion{Values: values[:min(len(values), maxValues)], HasMore: len(values) > maxValues || !complete}
	if complete {
		out.Total = len(values)
	}
	return out
}

// list is the candidates from one bounded Kibana call; none on failure.
func (c *Completer) list(ctx context.Context, tool, space string, decode func([]byte) []candidate) []candidate {
	if !c.served(tool) {
		return nil
	}
	args := map[string]any{}
	if space != "" {
		args[operation.SpaceArgument] = space
	}
	ctx, cancel := context.WithTimeout(ctx, completeTimeout)
	defer cancel()
	body, err := call(ctx, c.client, tool, args)
	if err != nil {
		return nil
	}
	return decode(body)
}

// finder describes a find tool well enough to complete ids from it: the
// arguments for the most recently updated page, for a title or name search,
// and how to read a page.
type finder struct {
	recent  map[string]any
	byWords func(query string) map[string]any
	decode  func(body []byte) (found []candidate, total int)
}

var caseSearch = finder{
	recent: map[string]any{"perPage": float64(maxValues), "sortField": "updatedAt", "sortOrder": "desc"},
	byWords: func(q string) map[string]any {
		return map[string]any{"search": q, "searchFields": []any{"title"}, "defaultSearchOperator": "AND",
			"perPage": float64(maxValues), "sortField": "updatedAt", "sortOrder": "desc"}
	},
	decode: func(body []byte) ([]candidate, int) {
		var page struct {
			Cases []struct{ ID, Title string }
			Total int
		}
		_ = json.Unmarshal(body, &page) // nothing usable gives no values
		out := make([]candidate, len(page.Cases))
		for i, cs := range page.Cases {
			out[i] = candidate{id: cs.ID, label: cs.Title}
		}
		return out, page.Total
	},
}

// ruleSearch asks only for names: a whole rule is a few KB.
var ruleSearch = finder{
	recent: map[string]any{"per_page": float64(maxValues), "sort_field": "updatedAt", "sort_order": "desc", "fields": []any{"name"}},
	byWords: func(q string) map[string]any {
		return map[string]any{"search": q, "search_fields": []any{"name"}, "default_search_operator": "AND",
			"per_page": float64(maxValues), "sort_field": "updatedAt", "sort_order": "desc", "fields": []any{"name"}}
	},
	decode: func(body []byte) ([]candidate, int) {
		var page struct {
			Data  []struct{ ID, Name string }
			Total int
		}
		_ = json.Unmarshal(body, &page) // nothing usable gives no values
		out := make([]candidate, len(page.Data))
		for i, r := range page.Data {
			out[i] = candidate{id: r.ID, label: r.Name}
		}
		return out, page.Total
	},
}

// search finds ids by prefix of id or title (name). The most recently
// updated page covers a small Kibana entirely; when there is more, a
// search on the typed words, the last one as a prefix, also finds older
// objects by title (ids have no prefix search, so those stay among the
// recent ones). complete reports that every object was looked at.
func (c *Completer) search(ctx context.Context, tool, space, typed string, f finder) ([]candidate, bool) {
	if !c.served(tool) {
		return nil, true
	}
	find := func(args map[string]any) ([]candidate, int, bool) {
		if space != "" {
			args[operation.SpaceArgument] = space
		}
		ctx, cancel := context.WithTimeout(ctx, completeTimeout)
		defer cancel()
		body, err := call(ctx, c.client, tool, args)
		if err != nil {
			return nil, 0, false
		}
		found, total := f.decode(body)
		return found, total, true
	}
	found, total, ok := find(maps.Clone(f.recent))
	if !ok {
		return nil, true // no values, and nothing more to promise
	}
	if total <= len(found) {
		return found, true
	}
	if words := searchWords(typed); words != "" {
		more, _, _ := find(f.byWords(words + "*"))
		found = append(found, more...)
	}
	return found, false
}

// searchWords keeps only the letters and digits of typed, as words, so
// nothing typed is read as simple_query_string syntax (+, -, |, quotes).
func searchWords(typed string) string {
	return strings.Join(strings.FieldsFunc(typed, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}
