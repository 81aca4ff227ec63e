package tools

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// eventSources are the ECS event data streams find_events_around reads.
const eventSources = "logs-endpoint.events.*, logs-system.*, logs-network_traffic.*, logs-*"

// Request is the Agent Builder execution of the timeline query for an
// entity; for an alert the flow reads the alert first and builds it then.
func (in *FindEventsAroundInput) Request() (*kibana.Request, error) {
	field, value := in.entity()
	if field == "" {
		field, value = "host.name", "(from the alert)"
	}
	return agentBuilderRequest(abExecuteESQL, map[string]any{"query": in.timelineQuery(field, value, in.at)})
}

// entity is the ECS field and value given as the entity.
func (in *FindEventsAroundInput) entity() (string, string) {
	switch {
	case in.Host != "":
		return "host.name", in.Host
	case in.User != "":
		return "user.name", in.User
	case in.Process != "":
		return "process", in.Process
	}
	return "", ""
}

// where is the condition on the entity and the window around at.
func (in *FindEventsAroundInput) where(field, value string, at time.Time) string {
	cond := field + " == " + esqlLiteral(value)
	if field == "process" {
		cond = "(process.entity_id == " + esqlLiteral(value) + " OR process.name == " + esqlLiteral(value) + ")"
	}
	return fmt.Sprintf("@timestamp >= TO_DATETIME(%s) AND @timestamp <= TO_DATETIME(%s) AND %s",
		esqlLiteral(isoTime(at.Add(-in.window))), esqlLiteral(isoTime(at.Add(in.window))), cond)
}

func (in *FindEventsAroundInput) timelineQuery(field, value string, at time.Time) string {
	return fmt.Sprintf("FROM %s\n| WHERE %s\n| SORT @timestamp ASC\n| LIMIT %d", eventSources, in.where(field, value, at), in.Limit)
}

func (in *FindEventsAroundInput) countQuery(field, value string, at time.Time) string {
	return fmt.Sprintf("FROM %s\n| WHERE %s\n| STATS events = COUNT(*) BY event.category\n| SORT events DESC\n| LIMIT 100", eventSources, in.where(field, value, at))
}

// timelineEvent is one event of the timeline.
type timelineEvent struct {
	Time     any    `json:"t"`
	Category any    `json:"category,omitempty"`
	Action   any    `json:"action,omitempty"`
	Outcome  any    `json:"outcome,omitempty"`
	Host     any    `json:"host,omitempty"`
	User     any    `json:"user,omitempty"`
	Process  string `json:"process,omitempty"`
	Flow     string `json:"src_dst,omitempty"`
	DNS      any    `json:"dns,omitempty"`
	Message  any    `json:"message,omitempty"`
}

// timelineAnswer is find_events_around's answer.
type timelineAnswer struct {
	Alert  map[string]any    `json:"alert,omitempty"`
	Entity map[string]string `json:"entity"`
	From   string            `json:"from"`
	To     string            `json:"to"`
	Counts map[string]int    `json:"counts_by_category"`
	Total  int               `json:"total"`
	Events []timelineEvent   `json:"events"`
	Capped string            `json:"capped,omitempty"`
}

// Run reads the alert when one is named, then the timeline and the counts.
func (in *FindEventsAroundInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	answer := timelineAnswer{Entity: map[string]string{}}
	field, value := in.entity()
	at := in.at
	if in.AlertID != "" {
		alert, err := readAlert(ctx, k, req.Space, in.AlertID)
		if err != nil {
			return nil, err
		}
		answer.Alert = map[string]any{"id": in.AlertID, "rule": alert.rule, "time": isoTime(alert.at)}
		at = alert.at
		switch {
		case alert.host != "":
			field, value = "host.name", alert.host
		case alert.user != "":
			field, value = "user.name", alert.user
		case alert.process != "":
			field, value = "process", alert.process
		default:
			return nil, fmt.Errorf("alert %s names no host.name, user.name or process.entity_id to pivot on; give an entity and time instead", in.AlertID)
		}
	}
	answer.Entity[field] = value
	answer.From, answer.To = isoTime(at.Add(-in.window)), isoTime(at.Add(in.window))
	t, err := runESQL(ctx, k, req.Space, esqlRun{query: in.timelineQuery(field, value, at), dropNulls: true})
	if err != nil {
		return nil, err
	}
	answer.Events = timeline(t)
	answer.Counts = map[string]int{}
	if counts, err := runESQL(ctx, k, req.Space, esqlRun{query: in.countQuery(field, value, at)}); err == nil {
		n, c := counts.col("events"), counts.col("event.category")
		for _, row := range counts.Values {
			if n < 0 || c < 0 || n >= len(row) || c >= len(row) {
				break
			}
			name := fmt.Sprint(row[c])
			if row[c] == nil {
				name = "(none)"
			}
			answer.Counts[name] += count(row[n])
			answer.Total += count(row[n])
		}
	} else {
		for _, e := range answer.Events {
			for _, c := range asList(e.Category) {
				answer.Counts[fmt.Sprint(c)]++
			}
		}
		answer.Total = len(answer.Events)
	}
	if len(answer.Events) >= in.Limit {
		answer.Capped = fmt.Sprintf("only the first %d events are listed; narrow the window or raise limit", in.Limit)
	}
	return &operation.Result{Resp: textResponse(answer.String())}, nil
}

// String writes the answer as query_esql's text table, after lines for
// the alert, the entity, the window and the counts:
//
//	alert: <id>, rule "<name>", at <time>
//	entity: host.name=vpn-gw-01
//	window: <from> to <to>
//	counts by category: authentication=40, network=3; total 43
//	38 events, oldest first; …                  (the table, as query_esql's)
func (a *timelineAnswer) String() string {
	var b strings.Builder
	if a.Alert != nil {
		fmt.Fprintf(&b, "alert: %v, rule %q, at %v\n", a.Alert["id"], a.Alert["rule"], a.Alert["time"])
	}
	for _, field := range sortedKeys(a.Entity) {
		fmt.Fprintf(&b, "entity: %s=%s\n", field, a.Entity[field])
	}
	fmt.Fprintf(&b, "window: %s to %s\n", a.From, a.To)
	counts := make([]string, 0, len(a.Counts))
	for _, c := range sortedKeys(a.Counts) {
		counts = append(counts, fmt.Sprintf("%s=%d", c, a.Counts[c]))
	}
	fmt.Fprintf(&b, "counts by category: %s; total %d\n", strings.Join(counts, ", "), a.Total)
	t := &esqlTable{}
	for _, c := range [][2]string{{"t", "date"}, {"category", "keyword"}, {"action", "keyword"}, {"outcome", "keyword"}, {"host", "keyword"},
		{"user", "keyword"}, {"process", "keyword"}, {"src_dst", "keyword"}, {"dns", "keyword"}, {"message", "text"}} {
		t.Columns = append(t.Columns, struct {
			Name string `json:"name"`
			Type string `json:"type"`
		}{c[0], c[1]})
	}
	for _, e := range a.Events {
		t.Values = append(t.Values, []any{e.Time, e.Category, e.Action, e.Outcome, e.Host, e.User, orNil(e.Process), orNil(e.Flow), e.DNS, e.Message})
	}
	table := newTextTable(t)
	table.unit, table.note = "event", "oldest first"
	if a.Capped != "" {
		table.note += "; " + a.Capped
	}
	b.WriteString(table.String())
	return b.String()
}

// orNil is s, or nil for "" (an empty cell is null).
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func asList(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// timeline turns the event rows into timeline events.
func timeline(t *esqlTable) []timelineEvent {
	get := func(row []any, name string) any {
		if i := t.col(name); i >= 0 && i < len(row) {
			return row[i]
		}
		return nil
	}
	str := func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	}
	events := make([]timelineEvent, 0, len(t.Values))
	for _, row := range t.Values {
		e := timelineEvent{
			Time: cellValue("date", get(row, "@timestamp")), Category: get(row, "event.category"), Action: get(row, "event.action"),
			Outcome: get(row, "event.outcome"), Host: get(row, "host.name"), User: get(row, "user.name"),
			DNS: get(row, "dns.question.name"), Message: get(row, "message"),
		}
		if p := str(get(row, "process.name")); p != "" {
			if pid := get(row, "process.pid"); pid != nil {
				p += fmt.Sprintf("[%v]", pid)
			}
			e.Process = p
		}
		src, dst := str(get(row, "source.ip")), str(get(row, "destination.ip"))
		if port := get(row, "destination.port"); port != nil && dst != "" {
			dst += fmt.Sprintf(":%v", port)
		}
		if src != "" || dst != "" {
			e.Flow = src + "→" + dst
		}
		events = append(events, e)
	}
	return events
}

// alertFacts are what find_events_around needs of an alert.
type alertFacts struct {
	host, user, process, rule string
	at                        time.Time
}

// readAlert reads one detection alert through the search tool's request.
func readAlert(ctx context.Context, k *kibana.Client, space, id string) (*alertFacts, error) {
	var found struct {
		Hits struct {
			Hits []struct {
				Source map[string]any `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	args := map[string]any{
		"query": map[string]any{"ids": map[string]any{"values": []any{id}}},
		"size":  number(1),
		"_source": []any{"@timestamp", "kibana.alert.original_time", "kibana.alert.rule.name", "host.name", "user.name",
			"process.entity_id", "process.name"},
	}
	if err := callJSON(ctx, k, space, "search_detection_alerts", args, &found); err != nil {
		return nil, err
	}
	if len(found.Hits.Hits) == 0 {
		return nil, fmt.Errorf("no detection alert has id %q; find alerts with search_detection_alerts", id)
	}
	src := found.Hits.Hits[0].Source
	f := &alertFacts{host: sourceString(src, "host.name"), user: sourceString(src, "user.name"),
		process: sourceString(src, "process.entity_id"), rule: sourceString(src, "kibana.alert.rule.name")}
	if f.process == "" {
		f.process = sourceString(src, "process.name")
	}
	for _, name := range []string{"kibana.alert.original_time", "@timestamp"} {
		if t, err := time.Parse(time.RFC3339Nano, sourceString(src, name)); err == nil {
			f.at = t.UTC()
			break
		}
	}
	if f.at.IsZero() {
		return nil, fmt.Errorf("alert %s has no time to centre the window on", id)
	}
	return f, nil
}

// sourceString reads a dotted field from a document source, whether it is
// stored flat ("host.name") or nested (host: {name}); a list gives its
// first value.
func sourceString(src map[string]any, path string) string {
	if v, ok := src[path]; ok {
		return scalarText(v)
	}
	head, rest, ok := strings.Cut(path, ".")
	for ok {
		if m, isMap := src[head].(map[string]any); isMap {
			if s := sourceString(m, rest); s != "" {
				return s
			}
		}
		var next string
		next, rest, ok = strings.Cut(rest, ".")
		head += "." + next
	}
	return ""
}

func scalarText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []any:
		if len(x) == 0 {
			return ""
		}
		return scalarText(x[0])
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// Request is the Agent Builder listing of the pattern.
func (in *FindIndicesInput) Request() (*kibana.Request, error) {
	return agentBuilderRequest(abListIndices, map[string]any{"pattern": in.Pattern})
}

// indexRow, streamRow and aliasRow are find_indices' rows.
type indexRow struct {
	Name   string `json:"name"`
	Docs   *int   `json:"docs,omitempty"`
	Hidden bool   `json:"hidden,omitempty"`
}

type streamRow struct {
	Name    string `json:"name"`
	Docs    *int   `json:"docs,omitempty"`
	Backing int    `json:"backing_indices,omitempty"`
}

type aliasRow struct {
	Name    string   `json:"name"`
	Indices []string `json:"indices,omitempty"`
}

type indicesAnswer struct {
	Indices     []indexRow  `json:"indices"`
	DataStreams []streamRow `json:"data_streams"`
	Aliases     []aliasRow  `json:"aliases"`
	Note        string      `json:"note,omitempty"`
}

// Run lists the pattern on the chosen path, then counts documents with
// ES|QL (FROM pattern METADATA _index | STATS … BY _index).
func (in *FindIndicesInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	var raw struct {
		Indices []struct {
			Name       string   `json:"name"`
			Attributes []string `json:"attributes"`
			DataStream string   `json:"data_stream"`
		} `json:"indices"`
		Aliases []struct {
			Name    string   `json:"name"`
			Indices []string `json:"indices"`
		} `json:"aliases"`
		DataStreams []struct {
			Name    string   `json:"name"`
			Backing []string `json:"backing_indices"`
			Indices []string `json:"indices"`
		} `json:"data_streams"`
	}
	if es := elastic.SourceFrom(ctx).ES(k); es != nil {
		expand := "open"
		if in.Hidden {
			expand = "all"
		}
		resp, err := es.Do(ctx, &elastic.Request{Method: http.MethodGet, Path: "/_resolve/index/" + elastic.Target(in.Pattern), Query: url.Values{"expand_wildcards": {expand}}})
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(resp.Body, &raw); err != nil {
			return nil, fmt.Errorf("Elasticsearch's index resolution is not the JSON expected: %w", err)
		}
	} else {
		results, err := runPlatformTool(ctx, k, req.Space, abListIndices, map[string]any{"pattern": in.Pattern})
		if err != nil {
			return nil, err
		}
		for _, r := range results {
			_ = json.Unmarshal(r.Data, &raw)
		}
	}
	answer := indicesAnswer{Indices: []indexRow{}, DataStreams: []streamRow{}, Aliases: []aliasRow{}}
	backing := map[string]string{}
	for _, ds := range raw.DataStreams {
		b := append(ds.Backing, ds.Indices...)
		for _, name := range b {
			backing[name] = ds.Name
		}
		answer.DataStreams = append(answer.DataStreams, streamRow{Name: ds.Name, Backing: len(b)})
	}
	for _, ix := range raw.Indices {
		hidden := slices.Contains(ix.Attributes, "hidden")
		if (hidden && !in.Hidden) || backing[ix.Name] != "" || ix.DataStream != "" {
			continue // a data stream's backing index: counted under it
		}
		answer.Indices = append(answer.Indices, indexRow{Name: ix.Name, Hidden: hidden})
	}
	for _, a := range raw.Aliases {
		answer.Aliases = append(answer.Aliases, aliasRow{Name: a.Name, Indices: a.Indices})
	}
	counts, err := runESQL(ctx, k, req.Space, esqlRun{query: "FROM " + in.Pattern + " METADATA _index\n| STATS docs = COUNT(*) BY _index\n| LIMIT 10000"})
	if err != nil {
		answer.Note = "document counts unavailable: " + err.Error()
	} else {
		byIndex := map[string]int{}
		d, x := counts.col("docs"), counts.col("_index")
		for _, row := range counts.Values {
			if d >= 0 && x >= 0 && d < len(row) && x < len(row) {
				byIndex[fmt.Sprint(row[x])] = count(row[d])
			}
		}
		perStream := map[string]int{}
		for name, n := range byIndex {
			if ds := backing[name]; ds != "" {
				perStream[ds] += n
			} else if strings.HasPrefix(name, ".ds-") {
				// Backing indices the listing did not name (Agent Builder
				// lists streams without them): .ds-<stream>-<date>-<gen>.
				for i := range answer.DataStreams {
					if strings.HasPrefix(name, ".ds-"+answer.DataStreams[i].Name+"-") {
						perStream[answer.DataStreams[i].Name] += n
					}
				}
			}
		}
		for i := range answer.Indices {
			n := byIndex[answer.Indices[i].Name]
			answer.Indices[i].Docs = &n
		}
		for i := range answer.DataStreams {
			n := perStream[answer.DataStreams[i].Name]
			answer.DataStreams[i].Docs = &n
		}
	}
	resp, err := jsonResponse(answer)
	return &operation.Result{Resp: resp}, err
}

// Request is the Agent Builder mapping of the pattern.
func (in *GetFieldsInput) Request() (*kibana.Request, error) {
	return agentBuilderRequest(abIndexMapping, map[string]any{"indices": []string{in.Index}})
}

// Run lists the fields with their types: field caps on Elasticsearch's
// paths, the mappings on Agent Builder's.
func (in *GetFieldsInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	types := map[string][]string{}
	add := func(name, typ string) {
		if strings.HasPrefix(name, "_") || typ == "object" || strings.HasPrefix(typ, "_") {
			return
		}
		if in.Filter != "" && !strings.Contains(strings.ToLower(name), strings.ToLower(in.Filter)) {
			return
		}
		if !slices.Contains(types[name], typ) {
			types[name] = append(types[name], typ)
		}
	}
	if es := elastic.SourceFrom(ctx).ES(k); es != nil {
		resp, err := es.Do(ctx, &elastic.Request{Method: http.MethodGet, Path: "/" + elastic.Target(in.Index) + "/_field_caps", Query: url.Values{"fields": {"*"}}})
		if err != nil {
			return nil, err
		}
		var caps struct {
			Fields map[string]map[string]json.RawMessage `json:"fields"`
		}
		if err := json.Unmarshal(resp.Body, &caps); err != nil {
			return nil, fmt.Errorf("Elasticsearch's field caps are not the JSON expected: %w", err)
		}
		for name, byType := range caps.Fields {
			for typ := range byType {
				add(name, typ)
			}
		}
	} else {
		results, err := runPlatformTool(ctx, k, req.Space, abIndexMapping, map[string]any{"indices": []string{in.Index}})
		if err != nil {
			return nil, err
		}
		for _, r := range results {
			var data any
			_ = json.Unmarshal(r.Data, &data)
			walkMappings(data, add)
		}
	}
	fields := make(map[string]string, len(types))
	for name, ts := range types {
		slices.Sort(ts)
		fields[name] = strings.Join(ts, "|")
	}
	resp, err := jsonResponse(map[string]any{"index": in.Index, "count": len(fields), "fields": fields})
	return &operation.Result{Resp: resp}, err
}

// walkMappings finds every "properties" object in v and reports its
// fields, dotted, with their types (sub-fields such as .keyword too).
func walkMappings(v any, add func(name, typ string)) {
	m, ok := v.(map[string]any)
	if !ok {
		if list, isList := v.([]any); isList {
			for _, e := range list {
				walkMappings(e, add)
			}
		}
		return
	}
	if props, ok := m["properties"].(map[string]any); ok {
		walkProperties("", props, add)
		return
	}
	for _, child := range m {
		walkMappings(child, add)
	}
}

func walkProperties(prefix string, props map[string]any, add func(name, typ string)) {
	for name, raw := range props {
		def, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		full := prefix + name
		if typ, ok := def["type"].(string); ok {
			add(full, typ)
		}
		if sub, ok := def["properties"].(map[string]any); ok {
			walkProperties(full+".", sub, add)
		}
		if sub, ok := def["fields"].(map[string]any); ok {
			walkProperties(full+".", sub, add)
		}
	}
}

// Request is the Agent Builder read of the document.
func (in *GetDocumentInput) Request() (*kibana.Request, error) {
	return agentBuilderRequest(abDocumentByID, map[string]any{"index": in.Index, "id": in.ID})
}

// Run reads the document on the chosen path.
func (in *GetDocumentInput) Run(ctx context.Context, k *kibana.Client, req *kibana.Request) (*operation.Result, error) {
	es := elastic.SourceFrom(ctx).ES(k)
	if es == nil {
		// Agent Builder's get_document_by_id answers a "resource" result
		// {reference: {id, index}, partial, content: _source} (Kibana 9.2's
		// onechat platform tool, as the sandbox serves it), or an "error"
		// result when there is no such document; the answer takes
		// Elasticsearch's own names, as on the other paths.
		results, err := runPlatformTool(ctx, k, req.Space, abDocumentByID, map[string]any{"index": in.Index, "id": in.ID})
		if err != nil {
			var e *elastic.Error
			if asESError(err, &e) && strings.Contains(strings.ToLower(e.Reason), "not found") {
				return nil, fmt.Errorf("no document %q in %s: take index and id from a row's _index and _id (FROM … METADATA _index, _id)", in.ID, in.Index)
			}
			return nil, err
		}
		for _, r := range results {
			var res struct {
				Reference struct {
					ID    string `json:"id"`
					Index string `json:"index"`
				} `json:"reference"`
				Partial bool            `json:"partial"`
				Content json.RawMessage `json:"content"`
			}
			if json.Unmarshal(r.Data, &res) != nil || res.Content == nil {
				continue
			}
			out := map[string]any{"_index": cmp.Or(res.Reference.Index, in.Index), "_id": cmp.Or(res.Reference.ID, in.ID), "_source": res.Content}
			if res.Partial {
				out["partial"] = true // Agent Builder cut the document
			}
			resp, err := jsonResponse(out)
			return &operation.Result{Resp: resp}, err
		}
		resp, err := jsonResponse(map[string]any{"_index": in.Index, "_id": in.ID, "found": false})
		return &operation.Result{Resp: resp}, err
	}
	resp, err := es.Do(ctx, &elastic.Request{Method: http.MethodGet, Path: "/" + elastic.Target(in.Index) + "/_doc/" + url.PathEscape(in.ID)})
	if err != nil {
		var e *elastic.Error
		if ok := asESError(err, &e); ok && e.Status == http.StatusNotFound {
			return nil, fmt.Errorf("no document %q in %s (404): take index and id from a row's _index and _id (FROM … METADATA _index, _id)", in.ID, in.Index)
		}
		return nil, err
	}
	var doc struct {
		Index  string          `json:"_index"`
		ID     string          `json:"_id"`
		Found  *bool           `json:"found"`
		Source json.RawMessage `json:"_source"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil {
		return nil, fmt.Errorf("Elasticsearch's document is not the JSON expected: %w", err)
	}
	out, err := jsonResponse(map[string]any{"_index": doc.Index, "_id": doc.ID, "_source": doc.Source})
	return &operation.Result{Resp: out}, err
}

func asESError(err error, target **elastic.Error) bool { return errors.As(err, target) }
