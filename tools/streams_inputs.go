package tools

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The streams inputs. Kibana's schemas for a stream definition and its
// ingest settings run to thousands of lines (a recursive condition, a dozen
// processor kinds); the tools take those parts as open objects, described
// briefly, and check here what Kibana would refuse, naming the member.

// conditionHelp describes a routing or filter condition once; the other
// tools refer to fork_stream's.
const conditionHelp = `{field, eq|neq|lt|lte|gt|gte|contains|startsWith|endsWith: value} or {field, exists: bool} or {field, range:{gte,lt…}}; combine with {and:[…]}, {or:[…]}, {not:…}; {always:{}} or {never:{}}.`

// PutStreamInput is a whole stream definition.
type PutStreamInput struct {
	Name       string         `json:"name" in:"path" jsonschema:"required,minLength=1"`
	Stream     map[string]any `json:"stream" jsonschema:"required" jsonschema_description:"{description, ingest} (ingest as in put_stream_ingest) or {description, group} (as in put_stream_group)."`
	Dashboards []string       `json:"dashboards" jsonschema_description:"Linked dashboard ids; default none."`
	Rules      []string       `json:"rules" jsonschema_description:"Linked rule ids; default none."`
	Queries    []StreamQuery  `json:"queries"`
}

// StreamQuery is one significant event query.
type StreamQuery struct {
	ID      string         `json:"id" jsonschema:"required,minLength=1"`
	Title   string         `json:"title" jsonschema:"required,minLength=1"`
	KQL     StreamKQL      `json:"kql" jsonschema:"required"`
	Feature *StreamFeature `json:"feature,omitempty" jsonschema_description:"The part of the stream it is about."`
}

// StreamKQL holds a query's KQL.
type StreamKQL struct {
	Query string `json:"query" jsonschema:"required"`
}

// StreamFeature names a part of a stream by a condition.
type StreamFeature struct {
	Name   string         `json:"name" jsonschema:"required,minLength=1"`
	Filter map[string]any `json:"filter" jsonschema:"required" jsonschema_description:"A condition, as in fork_stream's where."`
}

// Prepare sends Kibana's required lists even when left out, and checks the
// definition's kind and its ingest or group.
func (in *PutStreamInput) Prepare() error {
	if err := checkStreamName("name", in.Name); err != nil {
		return err
	}
	in.Dashboards, in.Rules = nonNil(in.Dashboards), nonNil(in.Rules)
	if in.Queries == nil {
		in.Queries = []StreamQuery{}
	}
	if err := checkQueries("queries", in.Queries); err != nil {
		return err
	}
	if _, ok := in.Stream["name"]; ok {
		return &schema.ArgumentError{Field: "stream.name", Rule: "must be left out: the path names the stream"}
	}
	if d, ok := in.Stream["description"]; !ok {
		in.Stream["description"] = ""
	} else if _, ok := d.(string); !ok {
		return &schema.ArgumentError{Field: "stream.description", Rule: "must be a string"}
	}
	ingest, hasIngest := in.Stream["ingest"]
	group, hasGroup := in.Stream["group"]
	for k := range in.Stream {
		if k != "description" && k != "ingest" && k != "group" {
			return &schema.ArgumentError{Field: "stream." + k, Rule: "is not a member of a stream definition; use description with ingest or group"}
		}
	}
	switch {
	case hasIngest == hasGroup:
		return &schema.ArgumentError{Field: "stream", Rule: "give exactly one of ingest and group"}
	case hasIngest:
		m, ok := ingest.(map[string]any)
		if !ok {
			return &schema.ArgumentError{Field: "stream.ingest", Rule: "must be an object"}
		}
		return checkIngest("stream.ingest", m)
	default:
		m, ok := group.(map[string]any)
		if !ok {
			return &schema.ArgumentError{Field: "stream.group", Rule: "must be an object"}
		}
		return checkGroupMap("stream.group", m)
	}
}

// ForkStreamInput creates a child stream.
type ForkStreamInput struct {
	Name   string         `json:"name" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The wired parent, e.g. logs."`
	Stream ForkTarget     `json:"stream" jsonschema:"required"`
	Where  map[string]any `json:"where" jsonschema:"required" jsonschema_description:"Documents it matches go to the child: {field, eq|neq|lt|lte|gt|gte|contains|startsWith|endsWith: value}, {field, exists: bool}, {field, range:{gte,lt…}}; combine with {and:[…]}, {or:[…]}, {not:…}; or {always:{}}, {never:{}}."`
	Status string         `json:"status,omitempty" jsonschema:"enum=enabled,enum=disabled" jsonschema_description:"Default enabled; disabled routes nothing yet."`
}

// ForkTarget names the child.
type ForkTarget struct {
	Name string `json:"name" jsonschema:"required,minLength=1" jsonschema_description:"The parent's name, a dot, one more part: logs.linux."`
}

// Prepare checks the child's name against its parent's and the condition.
func (in *ForkStreamInput) Prepare() error {
	if err := checkStreamName("stream.name", in.Stream.Name); err != nil {
		return err
	}
	rest, ok := strings.CutPrefix(in.Stream.Name, in.Name+".")
	if !ok || rest == "" || strings.Contains(rest, ".") {
		return &schema.ArgumentError{Field: "stream.name", Rule: fmt.Sprintf("must be %s.<part>: a direct child of %s", in.Name, in.Name)}
	}
	return checkCondition("where", in.Where)
}

// PutStreamGroupInput is a group stream's settings.
type PutStreamGroupInput struct {
	Name  string      `json:"name" in:"path" jsonschema:"required,minLength=1"`
	Group StreamGroup `json:"group" jsonschema:"required"`
}

// StreamGroup lists a group's members.
type StreamGroup struct {
	Members  []string          `json:"members" jsonschema_description:"Stream names."`
	Tags     []string          `json:"tags"`
	Metadata map[string]string `json:"metadata" jsonschema_description:"Free key/value strings."`
}

// Prepare sends the three lists Kibana requires, empty when left out.
func (in *PutStreamGroupInput) Prepare() error {
	if err := checkStreamName("name", in.Name); err != nil {
		return err
	}
	in.Group.Members, in.Group.Tags = nonNil(in.Group.Members), nonNil(in.Group.Tags)
	if in.Group.Metadata == nil {
		in.Group.Metadata = map[string]string{}
	}
	if slices.Contains(in.Group.Members, in.Name) {
		return &schema.ArgumentError{Field: "group.members", Rule: "must not name the group itself"}
	}
	return nil
}

// PutStreamIngestInput is an ingest stream's settings.
type PutStreamIngestInput struct {
	Name   string         `json:"name" in:"path" jsonschema:"required,minLength=1"`
	Ingest map[string]any `json:"ingest" jsonschema:"required" jsonschema_description:"{lifecycle: {dsl:{data_retention:'30d'}}|{ilm:{policy}}|{inherit:{}}, processing:{steps:[{action: grok|dissect|date|rename|set|append|convert|remove|remove_by_prefix|drop_document|manual_ingest_pipeline, from, to…, where?}]}, settings:{'index.number_of_replicas'|'index.number_of_shards'|'index.refresh_interval':{value}}, and wired:{fields:{name:{type}}, routing:[{destination, where, status?}]} or classic:{field_overrides?}}."`
}

// Prepare checks the ingest settings.
func (in *PutStreamIngestInput) Prepare() error { return checkIngest("ingest", in.Ingest) }

// ExportStreamContentInput chooses what a content pack holds.
type ExportStreamContentInput struct {
	Name        string         `json:"name" in:"path" jsonschema:"required,minLength=1"`
	PackName    string         `json:"pack_name" jsonschema:"required,minLength=1" jsonschema_description:"The pack's name (sent as its name)."`
	Description string         `json:"description" jsonschema:"required"`
	Version     string         `json:"version" jsonschema:"required,minLength=1" jsonschema_description:"E.g. 1.0.0."`
	Include     map[string]any `json:"include,omitempty" jsonschema_description:"Default everything: {objects:{all:{}}}; or {objects:{mappings: bool, queries:[{id}], routing:[{destination, …}]}}."`
}

// Prepare defaults include to everything and checks its shape.
func (in *ExportStreamContentInput) Prepare() error {
	if in.Include == nil {
		in.Include = map[string]any{"objects": map[string]any{"all": map[string]any{}}}
		return nil
	}
	objs, ok := in.Include["objects"].(map[string]any)
	if !ok || len(in.Include) != 1 {
		return &schema.ArgumentError{Field: "include", Rule: "must be {objects:{all:{}}} or {objects:{mappings, queries, routing}}"}
	}
	if _, all := objs["all"]; all {
		return nil
	}
	for _, k := range []string{"mappings", "queries", "routing"} {
		if _, ok := objs[k]; !ok {
			return &schema.ArgumentError{Field: "include.objects." + k, Rule: "is required unless all is given"}
		}
	}
	return nil
}

// ImportStreamContentInput uploads a content pack.
type ImportStreamContentInput struct {
	Name    string `json:"name" in:"path" jsonschema:"required,minLength=1"`
	Content string `json:"content" in:"formfile" jsonschema:"required,minLength=1" jsonschema_description:"The pack's zip, base64."`
	Include string `json:"include" in:"form" jsonschema:"required" jsonschema_description:"JSON text as export_stream_content's include, e.g. {\"objects\":{\"all\":{}}}."`
}

// BulkStreamLinksInput links and unlinks dashboards.
type BulkStreamLinksInput struct {
	Name       string           `json:"name" in:"path" jsonschema:"required,minLength=1"`
	Operations []StreamLinkOpIn `json:"operations" jsonschema:"required,minItems=1"`
}

// StreamLinkOpIn is one link (index) or unlink (delete).
type StreamLinkOpIn struct {
	Index  *StreamLinkID `json:"index,omitempty"`
	Delete *StreamLinkID `json:"delete,omitempty"`
}

// StreamLinkID names a linked object.
type StreamLinkID struct {
	ID string `json:"id" jsonschema:"required,minLength=1"`
}

// Prepare wants one of index and delete in each operation.
func (in *BulkStreamLinksInput) Prepare() error {
	for i, op := range in.Operations {
		if (op.Index == nil) == (op.Delete == nil) {
			return &schema.ArgumentError{Field: fmt.Sprintf("operations[%d]", i), Rule: "give exactly one of index and delete"}
		}
	}
	return nil
}

// StreamDashboardInput names a stream and a dashboard.
type StreamDashboardInput struct {
	Name        string `json:"name" in:"path" jsonschema:"required,minLength=1"`
	DashboardID string `json:"dashboardId" in:"path" jsonschema:"required,minLength=1"`
}

// StreamRuleInput names a stream and a rule.
type StreamRuleInput struct {
	Name   string `json:"name" in:"path" jsonschema:"required,minLength=1"`
	RuleID string `json:"ruleId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The alerting rule's id."`
}

// StreamQueryIDInput names a stream's query.
type StreamQueryIDInput struct {
	Name    string `json:"name" in:"path" jsonschema:"required,minLength=1"`
	QueryID string `json:"queryId" in:"path" jsonschema:"required,minLength=1"`
}

// PutStreamQueryInput adds or replaces a query.
type PutStreamQueryInput struct {
	Name    string         `json:"name" in:"path" jsonschema:"required,minLength=1"`
	QueryID string         `json:"queryId" in:"path" jsonschema:"required,minLength=1"`
	Title   string         `json:"title" jsonschema:"required,minLength=1"`
	KQL     StreamKQL      `json:"kql" jsonschema:"required"`
	Feature *StreamFeature `json:"feature,omitempty"`
}

// Prepare checks the feature's condition.
func (in *PutStreamQueryInput) Prepare() error {
	return checkQueries("", []StreamQuery{{ID: in.QueryID, Title: in.Title, KQL: in.KQL, Feature: in.Feature}})
}

// BulkStreamQueriesInput adds and removes queries.
type BulkStreamQueriesInput struct {
	Name       string            `json:"name" in:"path" jsonschema:"required,minLength=1"`
	Operations []StreamQueryOpIn `json:"operations" jsonschema:"required,minItems=1"`
}

// StreamQueryOpIn is one add-or-replace (index) or removal (delete).
type StreamQueryOpIn struct {
	Index  *StreamQuery  `json:"index,omitempty"`
	Delete *StreamLinkID `json:"delete,omitempty"`
}

// Prepare wants one of index and delete in each operation.
func (in *BulkStreamQueriesInput) Prepare() error {
	for i, op := range in.Operations {
		field := fmt.Sprintf("operations[%d]", i)
		if (op.Index == nil) == (op.Delete == nil) {
			return &schema.ArgumentError{Field: field, Rule: "give exactly one of index and delete"}
		}
		if op.Index != nil {
			if err := checkQueries(field+".index", []StreamQuery{*op.Index}); err != nil {
				return err
			}
		}
	}
	return nil
}

// StreamEventsInput reads significant events.
type StreamEventsInput struct {
	Name       string `json:"name" in:"path" jsonschema:"required,minLength=1"`
	From       string `json:"from" in:"query" jsonschema:"required,format=date-time"`
	To         string `json:"to" in:"query" jsonschema:"required,format=date-time"`
	BucketSize string `json:"bucketSize" in:"query" jsonschema:"required,pattern=^[1-9][0-9]*[smhd]$" jsonschema_description:"E.g. 30m, 1h, 1d."`
}

// Prepare checks the range runs forwards.
func (in *StreamEventsInput) Prepare() error { return checkStreamRange(in.From, in.To) }

// PreviewStreamEventsInput previews a query.
type PreviewStreamEventsInput struct {
	StreamEventsInput
	Query PreviewQuery `json:"query" jsonschema:"required"`
}

// PreviewQuery is the query previewed.
type PreviewQuery struct {
	KQL     StreamKQL      `json:"kql" jsonschema:"required"`
	Feature *StreamFeature `json:"feature,omitempty"`
}

// Prepare checks the range and the feature's condition.
func (in *PreviewStreamEventsInput) Prepare() error {
	var filter map[string]any
	if in.Query.Feature != nil {
		filter = in.Query.Feature.Filter
	}
	return checkRangeAndFilter(in.From, in.To, "query.feature.filter", filter)
}

// GenerateStreamEventsInput asks for suggested queries.
type GenerateStreamEventsInput struct {
	Name        string             `json:"name" in:"path" jsonschema:"required,minLength=1"`
	ConnectorID string             `json:"connectorId" in:"query" jsonschema:"required,minLength=1" jsonschema_description:"An LLM connector (OpenAI, Bedrock, Gemini, inference)."`
	From        string             `json:"from" in:"query" jsonschema:"required,format=date-time"`
	To          string             `json:"to" in:"query" jsonschema:"required,format=date-time"`
	CurrentDate string             `json:"currentDate,omitempty" in:"query" jsonschema:"format=date-time"`
	Feature     *GenerateFeatureIn `json:"feature,omitempty" jsonschema_description:"Only this part of the stream."`
}

// GenerateFeatureIn is a described part of a stream.
type GenerateFeatureIn struct {
	Name        string         `json:"name" jsonschema:"required,minLength=1"`
	Description string         `json:"description" jsonschema:"required"`
	Filter      map[string]any `json:"filter" jsonschema:"required" jsonschema_description:"A condition, as in fork_stream's where."`
}

// Prepare checks the range and the feature's condition.
func (in *GenerateStreamEventsInput) Prepare() error {
	var filter map[string]any
	if in.Feature != nil {
		filter = in.Feature.Filter
	}
	return checkRangeAndFilter(in.From, in.To, "feature.filter", filter)
}

// checkRangeAndFilter checks a time range and, when given, a feature's
// filter condition.
func checkRangeAndFilter(from, to, field string, filter map[string]any) error {
	if err := checkStreamRange(from, to); err != nil || filter == nil {
		return err
	}
	return checkCondition(field, filter)
}

func checkStreamRange(from, to string) error {
	f, err1 := time.Parse(time.RFC3339, from)
	t, err2 := time.Parse(time.RFC3339, to)
	if err1 == nil && err2 == nil && !f.Before(t) {
		return &schema.ArgumentError{Field: "to", Rule: "must be after from"}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// streamNameRE is what Kibana takes as a stream name: lowercase, no
// spaces or the characters Elasticsearch refuses in index names.
var streamNameRE = lazyRegexp(`^[a-z0-9][a-z0-9._-]*$`)

func checkStreamName(field, name string) error {
	if len(name) > 200 || !streamNameRE().MatchString(name) || strings.Contains(name, "..") || strings.HasSuffix(name, ".") {
		return &schema.ArgumentError{Field: field, Rule: "must be lowercase letters, digits, '.', '-' or '_', at most 200 characters, with no empty part between dots"}
	}
	return nil
}

func checkQueries(field string, qs []StreamQuery) error {
	at := func(i int, m string) string {
		if field == "" {
			return m
		}
		if len(qs) == 1 && !strings.HasPrefix(field, "queries") {
			return field + "." + m
		}
		return fmt.Sprintf("%s[%d].%s", field, i, m)
	}
	seen := map[string]bool{}
	for i, q := range qs {
		if seen[q.ID] {
			return &schema.ArgumentError{Field: at(i, "id"), Rule: "repeats an earlier query's id " + q.ID}
		}
		seen[q.ID] = true
		if strings.TrimSpace(q.KQL.Query) == "" {
			return &schema.ArgumentError{Field: at(i, "kql.query"), Rule: "must not be blank"}
		}
		if q.Feature != nil {
			if err := checkCondition(at(i, "feature.filter"), q.Feature.Filter); err != nil {
				return err
			}
		}
	}
	return nil
}

// conditionOps are the comparisons a field condition takes.
var conditionOps = []string{"eq", "neq", "lt", "lte", "gt", "gte", "contains", "startsWith", "endsWith", "exists", "range"}

// checkCondition checks a condition's shape as Kibana's schema would.
func checkCondition(field string, c map[string]any) error {
	bad := func(rule string) error { return &schema.ArgumentError{Field: field, Rule: rule} }
	if len(c) == 0 {
		return bad("must be a condition: " + conditionHelp)
	}
	if f, ok := c["field"]; ok {
		name, _ := f.(string)
		if strings.TrimSpace(name) == "" {
			return &schema.ArgumentError{Field: field + ".field", Rule: "must be a field name"}
		}
		n := 0
		for k, v := range c {
			switch {
			case k == "field":
				continue
			case !slices.Contains(conditionOps, k):
				return &schema.ArgumentError{Field: field + "." + k, Rule: "is not a comparison; use one of " + strings.Join(conditionOps, ", ")}
			case k == "exists":
				if _, ok := v.(bool); !ok {
					return &schema.ArgumentError{Field: field + ".exists", Rule: "must be true or false"}
				}
			case k == "range":
				r, ok := v.(map[string]any)
				if !ok || len(r) == 0 {
					return &schema.ArgumentError{Field: field + ".range", Rule: "must be an object of gt, gte, lt, lte"}
				}
				for rk, rv := range r {
					if !slices.Contains([]string{"gt", "gte", "lt", "lte"}, rk) || !scalar(rv) {
						return &schema.ArgumentError{Field: field + ".range." + rk, Rule: "must be one of gt, gte, lt, lte with a string, number or boolean"}
					}
				}
			case !scalar(v):
				return &schema.ArgumentError{Field: field + "." + k, Rule: "must be a string, number or boolean"}
			}
			n++
		}
		if n != 1 {
			return bad("give exactly one comparison with field, e.g. {field, eq: value}")
		}
		return nil
	}
	if len(c) != 1 {
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return bad("has " + strings.Join(keys, ", ") + ": give one of field, and, or, not, always, never")
	}
	for k, v := range c {
		switch k {
		case "and", "or":
			list, ok := v.([]any)
			if !ok {
				return &schema.ArgumentError{Field: field + "." + k, Rule: "must be a list of conditions"}
			}
			for i, item := range list {
				m, ok := item.(map[string]any)
				if !ok {
					return &schema.ArgumentError{Field: fmt.Sprintf("%s.%s[%d]", field, k, i), Rule: "must be a condition object"}
				}
				if err := checkCondition(fmt.Sprintf("%s.%s[%d]", field, k, i), m); err != nil {
					return err
				}
			}
		case "not":
			m, ok := v.(map[string]any)
			if !ok {
				return &schema.ArgumentError{Field: field + ".not", Rule: "must be a condition object"}
			}
			return checkCondition(field+".not", m)
		case "always", "never":
			if m, ok := v.(map[string]any); !ok || len(m) != 0 {
				return &schema.ArgumentError{Field: field + "." + k, Rule: "must be {}"}
			}
		default:
			return &schema.ArgumentError{Field: field + "." + k, Rule: "is not a condition; " + conditionHelp}
		}
	}
	return nil
}

func scalar(v any) bool {
	switch v.(type) {
	case string, bool, float64, int, int64:
		return true
	}
	_, ok := v.(interface{ String() string }) // json.Number
	return ok
}
