package tools

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Evidence: the events in Elasticsearch behind the alerts. Every data tool
// is declared on Kibana's Agent Builder tool execution (9.2+), the request
// each sends when that is the path; its flow sends the same question to
// Elasticsearch itself (directly, or through Kibana's console proxy) when
// the server chose that path at start (elastic.Source). All of them read:
// Agent Builder runs only the platform tools named here, and every
// Elasticsearch request passes elastic.Allowed.

// agentBuilderExecute is Kibana's Agent Builder tool execution route.
const agentBuilderExecute = "/api/agent_builder/tools/_execute"

// The Agent Builder platform tools the data tools run: all of them read.
const (
	abExecuteESQL  = "platform.core.execute_esql"
	abListIndices  = "platform.core.list_indices"
	abIndexMapping = "platform.core.get_index_mapping"
	abDocumentByID = "platform.core.get_document_by_id"
)

var dataOperations = []*operation.Operation{
	{
		Name:        "query_esql",
		Title:       "Query events (ES|QL)",
		Description: "Run an ES|QL query on Elasticsearch: search, count or rank logs and events (STATS ... BY). Answers a text table: a name:type header, a line per row, a legend for its marks; columns equal in every row are given once above it.",
		Toolset:     "data",
		Method:      http.MethodPost,
		Path:        agentBuilderExecute,
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       QueryESQLInput{},
		CutHint:     "Narrow the query: a WHERE on host, user or time (start/end), KEEP fewer columns, a lower LIMIT, or STATS instead of rows.",
		Examples: []string{
			`{"query":"FROM logs-* | STATS n = COUNT(*) BY event.category"}`,
			`{"query":"FROM logs-system.auth-* METADATA _id | WHERE host.name == ?host AND event.outcome == ?outcome | KEEP @timestamp, user.name, source.ip | SORT @timestamp DESC","params":{"host":"vpn-gw-01","outcome":"failure"},"start":"now-24h","end":"now","limit":50,"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_events_around",
		Title:       "Find events around an alert",
		Description: "Events of an alert's host (or a given host, user or process) around its time, oldest first, as query_esql's table, after counts by category.",
		Toolset:     "data",
		Method:      http.MethodPost,
		Path:        agentBuilderExecute,
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindEventsAroundInput{},
		CutHint:     "Narrow it: a shorter window, a lower limit, or one entity (host, user or process).",
		Examples: []string{
			`{"host":"vpn-gw-01","time":"2025-01-01T10:00:00Z"}`,
			`{"user":"svc-backup","time":"now-1h","window":"30m","limit":50,"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_indices",
		Title:       "Find indices",
		Description: "List the indices, data streams and aliases matching a pattern, with document counts: what data exists.",
		Toolset:     "data",
		Method:      http.MethodPost,
		Path:        agentBuilderExecute,
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FindIndicesInput{},
		Examples: []string{
			`{}`,
			`{"pattern":"logs-endpoint.*","hidden":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_fields",
		Title:       "Get index fields",
		Description: "List the fields of an index pattern with their types: what to write in a query.",
		Toolset:     "data",
		Method:      http.MethodPost,
		Path:        agentBuilderExecute,
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       GetFieldsInput{},
		Examples: []string{
			`{"index":"logs-*"}`,
			`{"index":"logs-system.auth-*","filter":"user","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_document",
		Title:       "Get document",
		Description: "Fetch one Elasticsearch document by index and id.",
		Toolset:     "data",
		Method:      http.MethodPost,
		Path:        agentBuilderExecute,
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       GetDocumentInput{},
		Examples: []string{
			`{"index":"logs-system.auth-default","id":"evt-1"}`,
			`{"index":"logs-endpoint.events.process-default","id":"evt-2","space_id":"soc"}`,
		},
	},
}

// DataToolNames are the tools of the data toolset: app leaves them out
// when no path to Elasticsearch is usable.
func DataToolNames() []string {
	names := make([]string, len(dataOperations))
	for i, op := range dataOperations {
		names[i] = op.Name
	}
	return names
}

// QueryESQLInput is an ES|QL query and what bounds it.
type QueryESQLInput struct {
	Query  string         `json:"query" in:"tool" jsonschema:"required,minLength=1,maxLength=20000" jsonschema_description:"E.g. FROM logs-* | WHERE host.name == ?h | STATS n = COUNT(*) BY event.action"`
	Start  string         `json:"start,omitempty" in:"tool" jsonschema:"maxLength=64" jsonschema_description:"Earliest @timestamp: ISO or now-1h."`
	End    string         `json:"end,omitempty" in:"tool" jsonschema:"maxLength=64" jsonschema_description:"Latest @timestamp."`
	Params map[string]any `json:"params,omitempty" in:"tool" jsonschema_description:"?name values."`
	Limit  int            `json:"limit,omitempty" in:"tool" jsonschema:"minimum=1,maximum=10000" jsonschema_description:"Added when the query has no LIMIT; default 100."`

	start, end time.Time // resolved start/end, zero when not given
	limited    bool      // the query had no LIMIT and got one
}

// defaultESQLLimit is the LIMIT a query without one gets.
const defaultESQLLimit = 100

// Prepare resolves start and end, checks the placeholders' values and
// adds the LIMIT.
func (in *QueryESQLInput) Prepare() error {
	var err error
	if in.start, err = parseWhen("start", in.Start, time.Now()); err != nil {
		return err
	}
	if in.end, err = parseWhen("end", in.End, time.Now()); err != nil {
		return err
	}
	if !in.start.IsZero() && !in.end.IsZero() && in.end.Before(in.start) {
		return &schema.ArgumentError{Field: "end", Rule: "is before start"}
	}
	for name, v := range in.Params {
		if !paramName().MatchString(name) {
			return &schema.ArgumentError{Field: "params." + name, Rule: "must be a placeholder name (letters, digits, _), as ?name in the query"}
		}
		switch v.(type) {
		case string, float64, bool, nil:
		default:
			return &schema.ArgumentError{Field: "params." + name, Rule: "must be a string, number, boolean or null"}
		}
	}
	if in.Limit == 0 {
		in.Limit = defaultESQLLimit
	}
	if !hasLimit(in.Query) {
		in.Query = withLimit(in.Query, in.Limit)
		in.limited = true
	}
	return nil
}

var paramName = lazyRegexp(`^[A-Za-z_][A-Za-z0-9_]*$`)

// FindEventsAroundInput names the entity and the moment: an alert, or an
// entity and a time.
type FindEventsAroundInput struct {
	AlertID string `json:"alert_id,omitempty" in:"tool" jsonschema:"maxLength=512" jsonschema_description:"Detection alert _id."`
	Host    string `json:"host,omitempty" in:"tool" jsonschema:"maxLength=1024" jsonschema_description:"host.name."`
	User    string `json:"user,omitempty" in:"tool" jsonschema:"maxLength=1024" jsonschema_description:"user.name."`
	Process string `json:"process,omitempty" in:"tool" jsonschema:"maxLength=1024" jsonschema_description:"process.entity_id or name."`
	Time    string `json:"time,omitempty" in:"tool" jsonschema:"maxLength=64" jsonschema_description:"With an entity: ISO or now-1h."`
	Window  string `json:"window,omitempty" in:"tool" jsonschema:"pattern=^[0-9]+[smhd]$" jsonschema_description:"Each side; default 15m."`
	Limit   int    `json:"limit,omitempty" in:"tool" jsonschema:"minimum=1,maximum=1000" jsonschema_description:"Default 200."`

	at     time.Time
	window time.Duration
}

// Prepare checks that exactly one way of naming the moment is used.
func (in *FindEventsAroundInput) Prepare() error {
	entities := 0
	for _, v := range []string{in.Host, in.User, in.Process} {
		if v != "" {
			entities++
		}
	}
	switch {
	case in.AlertID != "" && (entities > 0 || in.Time != ""):
		return &schema.ArgumentError{Field: "alert_id", Rule: "names the entity and time itself; give alert_id alone, or an entity with time"}
	case in.AlertID == "" && entities != 1:
		return &schema.ArgumentError{Field: "host", Rule: "give alert_id, or one of host, user or process with time"}
	case in.AlertID == "" && in.Time == "":
		return &schema.ArgumentError{Field: "time", Rule: "is required with an entity (ISO, or now-1h)"}
	}
	var err error
	if in.at, err = parseWhen("time", in.Time, time.Now()); err != nil {
		return err
	}
	if in.Window == "" {
		in.Window = "15m"
	}
	if in.window, err = parseWindow(in.Window); err != nil {
		return err
	}
	if in.Limit == 0 {
		in.Limit = 200
	}
	return nil
}

// FindIndicesInput is an index pattern.
type FindIndicesInput struct {
	Pattern string `json:"pattern,omitempty" in:"tool" jsonschema:"maxLength=1024" jsonschema_description:"Index pattern, e.g. logs-*; default *."`
	Hidden  bool   `json:"hidden,omitempty" in:"tool" jsonschema_description:"Include hidden indices and data streams."`
}

// Prepare defaults the pattern.
func (in *FindIndicesInput) Prepare() error {
	if in.Pattern == "" {
		in.Pattern = "*"
	}
	return checkTarget("pattern", in.Pattern)
}

// GetFieldsInput is an index pattern and a filter.
type GetFieldsInput struct {
	Index  string `json:"index" in:"tool" jsonschema:"required,minLength=1,maxLength=1024" jsonschema_description:"Index pattern, e.g. logs-*."`
	Filter string `json:"filter,omitempty" in:"tool" jsonschema:"maxLength=256" jsonschema_description:"Only fields whose name contains this."`
}

// Prepare checks the pattern.
func (in *GetFieldsInput) Prepare() error { return checkTarget("index", in.Index) }

// GetDocumentInput names one document.
type GetDocumentInput struct {
	Index string `json:"index" in:"tool" jsonschema:"required,minLength=1,maxLength=1024" jsonschema_description:"Concrete index (the _index of a row), not a pattern."`
	ID    string `json:"id" in:"tool" jsonschema:"required,minLength=1,maxLength=512" jsonschema_description:"Document _id."`
}

// Prepare checks the index and id.
func (in *GetDocumentInput) Prepare() error {
	if err := checkTarget("index", in.Index); err != nil {
		return err
	}
	if strings.ContainsAny(in.Index, "*,") {
		return &schema.ArgumentError{Field: "index", Rule: "must be one concrete index (the _index of a row), not a pattern"}
	}
	if in.ID == "." || in.ID == ".." || strings.ContainsAny(in.ID, "/\\") {
		return &schema.ArgumentError{Field: "id", Rule: "must be a document _id without / or \\"}
	}
	return nil
}

// checkTarget refuses what is no index name or pattern.
func checkTarget(field, s string) error {
	if strings.HasPrefix(s, "_") || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") || strings.ContainsAny(s, "/\\ \"<>|?#") || s == "." || s == ".." {
		return &schema.ArgumentError{Field: field, Rule: "must be an index name or pattern, e.g. logs-* (no /, spaces, or a leading _)"}
	}
	return nil
}

var dateMath = lazyRegexp(`^now((?:[+-][0-9]+[smhdwMy])*)(?:/([smhd]))?$`)
var dateMathStep = lazyRegexp(`([+-])([0-9]+)([smhdwMy])`)

// parseWhen reads an ISO time (RFC 3339, or a date) or date math (now,
// now-1h, now-1d/d) relative to now; "" is the zero time.
func parseWhen(field, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if m := dateMath().FindStringSubmatch(s); m != nil {
		t := now.UTC()
		for _, step := range dateMathStep().FindAllStringSubmatch(m[1], -1) {
			var n int
			fmt.Sscan(step[2], &n)
			if step[1] == "-" {
				n = -n
			}
			switch step[3] {
			case "s":
				t = t.Add(time.Duration(n) * time.Second)
			case "m":
				t = t.Add(time.Duration(n) * time.Minute)
			case "h":
				t = t.Add(time.Duration(n) * time.Hour)
			case "d":
				t = t.AddDate(0, 0, n)
			case "w":
				t = t.AddDate(0, 0, 7*n)
			case "M":
				t = t.AddDate(0, n, 0)
			case "y":
				t = t.AddDate(n, 0, 0)
			}
		}
		switch m[2] {
		case "s":
			t = t.Truncate(time.Second)
		case "m":
			t = t.Truncate(time.Minute)
		case "h":
			t = t.Truncate(time.Hour)
		case "d":
			t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
		return t, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, &schema.ArgumentError{Field: field, Rule: "must be an ISO time (2025-01-31T10:00:00Z) or date math (now, now-1h, now-1d/d)"}
}

// parseWindow reads 90s, 15m, 2h or 1d, up to 7 days.
func parseWindow(s string) (time.Duration, error) {
	var n int
	var unit string
	if _, err := fmt.Sscanf(s, "%d%s", &n, &unit); err != nil || n <= 0 {
		return 0, &schema.ArgumentError{Field: "window", Rule: "must be a number and a unit: 90s, 15m, 2h or 1d"}
	}
	d := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[unit]
	if d == 0 || time.Duration(n)*d > 7*24*time.Hour {
		return 0, &schema.ArgumentError{Field: "window", Rule: "must be 90s, 15m, 2h or 1d style, at most 7d"}
	}
	return time.Duration(n) * d, nil
}
