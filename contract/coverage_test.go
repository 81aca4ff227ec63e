package contract

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/tools"
)

// minCoverage is the share of the spec's request members (path and query
// parameters, top-level body members) that the tools must expose.
const minCoverage = 98.0

// omitted are the spec's request members tools leave out on purpose, with
// the reason; "*" stands for all of a tool's. They count neither for nor
// against the coverage.
var omitted = []struct {
	tools, members []string
	reason         string
}{
	{
		tools:   []string{"query_esql", "find_events_around", "find_indices", "get_fields", "get_document"},
		members: []string{"connector_id"},
		reason:  "the Agent Builder tools these run (search, ES|QL, mappings, documents) use no LLM connector",
	},
	{
		tools:   []string{"converse_with_ai_agent", "stream_ai_agent_conversation"},
		members: []string{"browser_api_tools", "capabilities"},
		reason:  "for Kibana's chat UI: tools that run in the browser, and rendering tables as visualizations",
	},
	{
		tools:   []string{"attach_alerts_to_case"},
		members: []string{"*"},
		reason:  "a convenience: takes alert ids and looks up their index and rule; its flow writes the alert comments",
	},
	{
		tools:   []string{"update_agent_policy", "update_download_source", "update_package_policy"},
		members: []string{"id"},
		reason:  "repeats the id the path already names",
	},
	{
		tools:   []string{"create_output", "create_proxy", "create_fleet_server_host"},
		members: []string{"allow_edit", "is_internal", "is_preconfigured"},
		reason:  "describe outputs preconfigured in kibana.yml, which the API cannot create",
	},
	{
		tools:   []string{"update_output"},
		members: []string{"allow_edit", "is_internal", "is_preconfigured"},
		reason:  "describe outputs preconfigured in kibana.yml, which Kibana refuses to change through the API",
	},
	{
		tools:   []string{"create_space", "update_space"},
		members: []string{"_reserved"},
		reason:  "marks Kibana's own default space; not settable",
	},
	{
		tools:   []string{"create_timeline"},
		members: []string{"status", "timelineType", "templateTimelineId", "templateTimelineVersion", "timelineId", "version"},
		reason:  "Kibana's create route reads status, type and template ids from timeline.*, which the tool sends; timelineId and version only make it refuse (an existing timeline is changed with patch_timeline)",
	},
	{
		tools:   []string{"delete_notes"},
		members: []string{"noteId"},
		reason:  "the older one-note form of noteIds",
	},
	{
		tools:   []string{"upsert_entity"},
		members: []string{"@timestamp", "event"},
		reason:  "stamped by the entity store when it writes the entity",
	},
	{
		tools:   []string{"search_apm_agent_configuration"},
		members: []string{"etag", "mark_as_applied_by_agent"},
		reason:  "what an APM agent sends to acknowledge a configuration: a read-only tool must not mark it applied",
	},
	{
		tools:   []string{"isolate_host", "unisolate_host", "get_running_processes"},
		members: []string{"parameters"},
		reason:  "these actions take no parameters (the spec gives the object no members)",
	},
	{
		tools:   []string{"create_endpoint_list_item", "update_endpoint_list_item"},
		members: []string{"comments"},
		reason:  "the spec requires each comment in its stored form (id, created_at, created_by), which a new comment cannot have",
	},
	{
		tools:   []string{"create_detection_rule", "update_detection_rule", "patch_detection_rule", "preview_detection_rule"},
		members: []string{"outcome", "alias_purpose", "alias_target_id"},
		reason:  "what resolving a rule's saved object found, answered by reads; Kibana stores none of it, so the tools take it (a rule as read) and drop it with a note",
	},
	{
		tools:   []string{"create_knowledge_base_entry", "update_knowledge_base_entry"},
		members: []string{"namespace", "vector"},
		reason:  "Kibana files an entry under the space the request is sent to (space_id) and computes a document's embeddings from its text (semantic_text), dropping a vector given",
	},
	{
		tools:   []string{"find_spaces"},
		members: []string{"purpose"},
		reason:  "Kibana refuses purpose beside include_authorized_purposes, which the tool always asks: the answer says each space's purposes instead",
	},
}

// omission is the reason a tool's member is left out, if it is.
func omission(tool, member string) (string, bool) {
	for _, o := range omitted {
		if slices.Contains(o.tools, tool) && (slices.Contains(o.members, member) || slices.Contains(o.members, "*")) {
			return o.reason, true
		}
	}
	return "", false
}

// TestParameterCoverage measures how much of what the spec lets a request
// carry the tools expose: for every tool bound to a spec operation, the
// operation's path and query parameters and the top-level members of its
// body (through $ref and allOf/anyOf/oneOf), against the tool's arguments
// that are sent (every input field but in:"tool" ones, and for inputs that
// build their own request, the names their examples' requests carry).
// Headers are left out: the client sets them. So are deprecated members
// and the space prefix (space_id sends it). With -v it lists, per tool,
// what is missing.
func TestParameterCoverage(t *testing.T) {
	doc := openDoc(t)
	var total, covered int
	byToolset := map[string][2]int{}
	var report []string
	for _, op := range tools.All() {
		template, found := specOperation(doc, op.Method, op.Path)
		if !found {
			continue // missingFromSpec: nothing to measure against
		}
		specOp := doc.Paths.Value(template).GetOperation(op.Method)
		ours := exposedMembers(t, op)
		var missing []string
		n, c := 0, 0
		for _, m := range requestMembers(specOp, ours) {
			if _, skip := omission(op.Name, m); skip {
				continue
			}
			n++
			if ours[m] {
				c++
			} else {
				missing = append(missing, m)
			}
		}
		total += n
		covered += c
		s := byToolset[op.Toolset]
		byToolset[op.Toolset] = [2]int{s[0] + c, s[1] + n}
		if len(missing) > 0 {
			report = append(report, fmt.Sprintf("%s (%s %s): %d/%d, missing %s", op.Name, op.Method, op.Path, c, n, strings.Join(missing, ", ")))
		}
	}
	for _, o := range omitted {
		for _, name := range o.tools {
			if _, ok := tools.Catalog.Lookup(name); !ok {
				t.Errorf("omitted lists the tool %s, which does not exist", name)
			}
		}
	}
	if total == 0 {
		t.Fatal("no spec request members found: the spec or the lookup is broken")
	}
	pct := 100 * float64(covered) / float64(total)
	t.Logf("parameter coverage: %d of %d spec request members exposed (%.1f%%)", covered, total, pct)
	sets := make([]string, 0, len(byToolset))
	for name := range byToolset {
		sets = append(sets, name)
	}
	sort.Strings(sets)
	for _, name := range sets {
		s := byToolset[name]
		if s[1] > 0 {
			t.Logf("  %-20s %4d of %4d (%.1f%%)", name, s[0], s[1], 100*float64(s[0])/float64(s[1]))
		}
	}
	if testing.Verbose() {
		for _, line := range report {
			t.Log("  " + line)
		}
	}
	if pct < minCoverage {
		t.Errorf("the tools expose %.1f%% of the spec's request members, under %.0f%%: add the missing ones (run with -v to list them) or list a deliberate omission in omitted with its reason", pct, minCoverage)
	}
}

// requestMembers are the names a request to op may carry: path and query
// parameters, and the top-level members of each body it takes, sorted; ours
// are the arguments the tool sends.
func requestMembers(op *openapi3.Operation, ours map[string]bool) []string {
	seen := map[string]bool{}
	for _, p := range op.Parameters {
		v := p.Value
		if v == nil || v.Deprecated || (v.In != "path" && v.In != "query") || (v.Schema != nil && v.Schema.Value != nil && v.Schema.Value.Deprecated) {
			continue
		}
		if v.In == "path" && v.Name == "spaceId" {
			continue // space_id
		}
		// A query parameter typed as an object is exploded (OpenAPI's
		// default form style): what is sent is its members, by name. A
		// tool may instead send it whole by its name, as JSON text, which
		// Kibana's config-schema objects read (alerting's has_reference).
		if v.In == "query" && v.Schema != nil && v.Schema.Value != nil && len(v.Schema.Value.Properties) > 0 && !ours[v.Name] {
			for name := range topLevelMembers(v.Schema, map[*openapi3.Schema]bool{}) {
				seen[name] = true
			}
			continue
		}
		seen[v.Name] = true
	}
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		for _, media := range op.RequestBody.Value.Content {
			for name := range topLevelMembers(media.Schema, map[*openapi3.Schema]bool{}) {
				seen[name] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// topLevelMembers are an object schema's property names, through the
// branches of allOf, anyOf and oneOf; deprecated ones are left out.
func topLevelMembers(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) map[string]bool {
	out := map[string]bool{}
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return out
	}
	s := ref.Value
	seen[s] = true
	for name, p := range s.Properties {
		if p.Value == nil || !p.Value.Deprecated {
			out[name] = true
		}
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range list {
			for name := range topLevelMembers(sub, seen) {
				out[name] = true
			}
		}
	}
	return out
}

// exposedMembers are the request members a tool can send: its input
// fields bound to the path, the query, the body or a form (in:"tool" ones
// only for flows, which send what they read), and, for inputs that build their own request, the query parameters and
// top-level body members their examples' requests carry.
func exposedMembers(t *testing.T, op *operation.Operation) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	typ := reflect.TypeOf(op.Input)
	for typ != nil && typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	for _, f := range structFields(typ) {
		if f.Tag.Get("in") == "tool" && !op.Composite() {
			continue // only a flow sends what it reads
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		out[name] = true
	}
	if _, builds := reflect.New(typ).Interface().(operation.RequestBuilder); !builds {
		return out
	}
	for _, example := range op.Examples {
		var args map[string]any
		if json.Unmarshal([]byte(example), &args) != nil {
			continue
		}
		req, err := op.Bind(args)
		if err != nil {
			t.Errorf("%s: binding its example: %v", op.Name, err)
			continue
		}
		for key := range req.Query {
			out[key] = true
		}
		var body map[string]json.RawMessage
		if json.Unmarshal(req.Body, &body) == nil {
			for key := range body {
				out[key] = true
			}
		}
	}
	return out
}

// structFields are a struct's fields with those of the structs it embeds
// without a name, as encoding/json (and the binder) flattens them.
func structFields(typ reflect.Type) []reflect.StructField {
	var out []reflect.StructField
	if typ == nil || typ.Kind() != reflect.Struct {
		return out
	}
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, structFields(f.Type)...)
			continue
		}
		if f.IsExported() && name != "-" {
			out = append(out, f)
		}
	}
	return slices.Clip(out)
}
