package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/elastic"
	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/internal/tabletext"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// The data tools against the sandbox, on each path: Kibana's Agent Builder
// tool execution, Elasticsearch directly (the sandbox's /_es side, with
// the sandbox's key), and the console proxy.

// dataPaths are the paths the data tools take, each against a fresh
// sandbox.
var dataPaths = []struct {
	name   string
	source func(t *testing.T, sk *sandboxtest.Kibana) elastic.Source
}{
	{"agent_builder", func(*testing.T, *sandboxtest.Kibana) elastic.Source {
		return elastic.Source{Path: elastic.PathAgentBuilder}
	}},
	{"elasticsearch", func(t *testing.T, sk *sandboxtest.Kibana) elastic.Source {
		es, err := elastic.New(elastic.Config{URL: sk.URL + "/_es", APIKey: "k"})
		if err != nil {
			t.Fatal(err)
		}
		return elastic.Source{Path: elastic.PathElasticsearch, Direct: es}
	}},
	{"console_proxy", func(*testing.T, *sandboxtest.Kibana) elastic.Source {
		return elastic.Source{Path: elastic.PathConsoleProxy}
	}},
}

// dataCaller runs data tools on one path against one sandbox.
type dataCaller struct {
	t      *testing.T
	sk     *sandboxtest.Kibana
	client *kibana.Client
	src    elastic.Source
}

func newDataCaller(t *testing.T, path int) *dataCaller {
	sk, client := sandboxtest.New(t, nil)
	return &dataCaller{t: t, sk: sk, client: client, src: dataPaths[path].source(t, sk)}
}

// call runs the tool and returns its text and whether it is an error.
func (d *dataCaller) call(name string, args map[string]any) (string, bool) {
	d.t.Helper()
	var req mcp.CallToolRequest
	req.Params.Name = name
	raw, _ := json.Marshal(args) // as a client's JSON arrives: numbers are float64
	var decoded map[string]any
	_ = json.Unmarshal(raw, &decoded)
	req.Params.Arguments = decoded
	ctx := elastic.WithSource(context.Background(), d.src)
	res, err := serve.Handler(d.client, Catalog, mustLookup(d.t, name))(ctx, req)
	if err != nil {
		d.t.Fatalf("%s: Go error: %v", name, err)
	}
	return text(res), res.IsError
}

// ok runs the tool, fails on an error result, and decodes the answer.
func (d *dataCaller) ok(name string, args map[string]any, into any) string {
	d.t.Helper()
	out, isErr := d.call(name, args)
	if isErr {
		d.t.Fatalf("%s %v: %s", name, args, out)
	}
	if into != nil {
		if err := json.Unmarshal([]byte(out), into); err != nil {
			d.t.Fatalf("%s: answer is not JSON: %v\n%s", name, err, out)
		}
	}
	return out
}

// tableOut is query_esql's text table, read back.
type tableOut struct {
	Count    int
	Limit    string            // the note after the row count
	Constant map[string]string // every row: name=value
	AllNull  []string
	Columns  []string // name:type
	Rows     [][]string
}

// value is row i's cell of the named column, or the column's every-row
// value.
func (tab tableOut) value(i int, name string) string {
	for j, c := range tab.Columns {
		if strings.HasPrefix(c, name+":") {
			return tab.Rows[i][j]
		}
	}
	return tab.Constant[name]
}

func isISO(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

// table runs query_esql and reads its text table as a model would: the
// count line, the lines said once, the header, then a row a line.
func (d *dataCaller) table(args map[string]any) (tableOut, string) {
	d.t.Helper()
	out := d.ok("query_esql", args, nil)
	return parseTable(d.t, out), out
}

func parseTable(t *testing.T, text string) tableOut {
	t.Helper()
	read, err := tabletext.Read(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	tab := tableOut{Count: read.Count, Limit: read.Note, Constant: map[string]string{}}
	asText := func(v any) string {
		switch x := v.(type) {
		case nil:
			return ""
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = fmt.Sprint(e)
			}
			return "[" + strings.Join(parts, ", ") + "]"
		}
		return v.(string)
	}
	header := map[string]bool{}
	for _, name := range read.Columns {
		header[name] = true
		tab.Columns = append(tab.Columns, name+":"+read.Types[name])
	}
	for _, name := range read.Names {
		if header[name] {
			continue
		}
		if len(read.Rows) > 0 && read.Rows[0][name] != nil {
			tab.Constant[name] = asText(read.Rows[0][name])
		} else {
			tab.AllNull = append(tab.AllNull, name)
		}
	}
	for _, r := range read.Rows {
		row := make([]string, len(read.Columns))
		for j, name := range read.Columns {
			row[j] = asText(r[name])
		}
		tab.Rows = append(tab.Rows, row)
	}
	if len(read.Columns) > 0 && len(tab.Rows) != tab.Count {
		t.Errorf("%d rows under a count of %d", len(tab.Rows), tab.Count)
	}
	return tab
}

func forEachDataPath(t *testing.T, fn func(t *testing.T, d *dataCaller)) {
	for i, p := range dataPaths {
		t.Run(p.name, func(t *testing.T) { fn(t, newDataCaller(t, i)) })
	}
}

// TestQueryESQLOnEveryPath: the compact table (columns name:type once,
// rows, ISO dates), the LIMIT added and said, start/end, params, and
// Elasticsearch's errors with line, column and a hint.
func TestQueryESQLOnEveryPath(t *testing.T) {
	forEachDataPath(t, func(t *testing.T, d *dataCaller) {
		// Text table, params, LIMIT added and stated; the host, the
		// same in every row, said once.
		tab, raw := d.table(map[string]any{
			"query":  "FROM logs-system.auth-* | WHERE host.name == ?host | KEEP @timestamp, host.name, user.name, event.outcome, source.ip | SORT @timestamp DESC",
			"params": map[string]any{"host": "vpn-gw-01"},
			"limit":  5,
		})
		if tab.Columns[0] != "@timestamp:date" || tab.Constant["host.name"] != "vpn-gw-01" || slices.Contains(tab.Columns, "host.name:keyword") {
			t.Errorf("columns: %v, every row: %v\n%s", tab.Columns, tab.Constant, raw)
		}
		if tab.Count != 5 || len(tab.Rows) != 5 {
			t.Errorf("row_count %d, rows %d, want 5 (LIMIT 5 added)", tab.Count, len(tab.Rows))
		}
		if !strings.Contains(tab.Limit, "LIMIT 5 was added") || !strings.Contains(tab.Limit, "may be more rows") {
			t.Errorf("the added LIMIT is not stated: %q", tab.Limit)
		}
		for i := range tab.Rows {
			if ts := tab.value(i, "@timestamp"); !isISO(ts) || strings.Contains(ts, ".000Z") {
				t.Errorf("date not ISO without a zero fraction: %v", ts)
			}
			if ip := tab.value(i, "source.ip"); ip == "" || strings.ContainsAny(ip, `"[`) {
				t.Errorf("source.ip %q", ip)
			}
		}
		if strings.Contains(raw, `"values"`) || strings.Contains(raw, `"vpn-gw-01"`) {
			t.Errorf("not a text table: %s", raw)
		}
		// A query with its own LIMIT keeps it, and nothing is said.
		tab, _ = d.table(map[string]any{"query": "FROM logs-system.auth-* | KEEP @timestamp | LIMIT 3"})
		if tab.Count != 3 || tab.Limit != "" {
			t.Errorf("own LIMIT: row_count %d, limit %q", tab.Count, tab.Limit)
		}
		// Default LIMIT 100.
		tab, _ = d.table(map[string]any{"query": "FROM logs-* | KEEP @timestamp"})
		if tab.Count != 100 || !strings.Contains(tab.Limit, "LIMIT 100 was added") {
			t.Errorf("default limit: row_count %d, limit %q", tab.Count, tab.Limit)
		}
		// start/end restrict @timestamp.
		count := func(args map[string]any) int {
			c, raw := d.table(args)
			if len(c.Rows) != 1 {
				t.Fatalf("count: %s", raw)
			}
			n, _ := strconv.Atoi(c.Rows[0][0])
			return n
		}
		all := count(map[string]any{"query": "FROM logs-system.auth-* | STATS n = COUNT(*)"})
		lastDay := count(map[string]any{"query": "FROM logs-system.auth-* | STATS n = COUNT(*)", "start": "now-1d", "end": "now"})
		if all == 0 || lastDay == 0 || lastDay >= all {
			t.Errorf("start/end: %d events in the last day of %d", lastDay, all)
		}
		since := time.Now().Add(-24*time.Hour - time.Minute)
		tab, _ = d.table(map[string]any{"query": "FROM logs-system.auth-* | KEEP @timestamp | SORT @timestamp ASC | LIMIT 1", "start": "now-1d"})
		if first, _ := time.Parse(time.RFC3339Nano, tab.Rows[0][0]); first.Before(since) {
			t.Errorf("start: an event at %v", first)
		}
		// Errors: type, line, column, hint.
		out, isErr := d.call("query_esql", map[string]any{"query": "FROM logs-system.auth-* | KEEP @timestamp, no_such_field"})
		if !isErr || !strings.Contains(out, "verification_exception at line 1, column 44") || !strings.Contains(out, "no_such_field") || !strings.Contains(out, "hint: check the field names with get_fields") {
			t.Errorf("unknown column: %s", out)
		}
		out, isErr = d.call("query_esql", map[string]any{"query": "FROM logs-* | WHER x"})
		if !isErr || !strings.Contains(out, "parsing_exception at line 1, column 15") || !strings.Contains(out, "hint:") {
			t.Errorf("syntax error: %s", out)
		}
	})
}

// bruteForceAlert is the sandbox's alert for the svc-backup success on
// vpn-gw-01, read with search_detection_alerts as a model would.
func bruteForceAlert(t *testing.T, d *dataCaller) (id string) {
	t.Helper()
	var found struct {
		Hits struct {
			Hits []struct {
				ID     string         `json:"_id"`
				Source map[string]any `json:"_source"`
			} `json:"hits"`
		} `json:"hits"`
	}
	d.ok("search_detection_alerts", map[string]any{"query": map[string]any{"term": map[string]any{"user.name": "svc-backup"}}, "size": 100}, &found)
	for _, h := range found.Hits.Hits {
		host, _ := h.Source["host"].(map[string]any)
		if host["name"] == "vpn-gw-01" && strings.Contains(h.Source["kibana.alert.rule.name"].(string), "failed logins") {
			return h.ID
		}
	}
	t.Fatalf("no brute-force alert for svc-backup on vpn-gw-01 among %d", len(found.Hits.Hits))
	return ""
}

// eventsOut is find_events_around's answer, read back.
type eventsOut struct {
	Alert struct {
		ID, Rule, Time string
	}
	Entity   map[string]string
	From, To string
	Counts   map[string]int
	Total    int
	Events   []eventOut
	Table    tableOut
}

type eventOut struct {
	T, Category, Action, Outcome, Host, User, Message string
}

// events runs find_events_around and reads its answer as a model would:
// the lines before the table, then the table.
func (d *dataCaller) events(args map[string]any) eventsOut {
	d.t.Helper()
	text := d.ok("find_events_around", args, nil)
	ev := eventsOut{Entity: map[string]string{}, Counts: map[string]int{}}
	lines := strings.SplitAfter(text, "\n")
	for len(lines) > 0 {
		line := strings.TrimSuffix(lines[0], "\n")
		key, rest, _ := strings.Cut(line, ": ")
		switch key {
		case "alert":
			m := regexp.MustCompile(`^(\S+), rule "(.*)", at (\S+)$`).FindStringSubmatch(rest)
			if m == nil {
				d.t.Fatalf("alert line %q", line)
			}
			ev.Alert.ID, ev.Alert.Rule, ev.Alert.Time = m[1], m[2], m[3]
		case "entity":
			k, v, _ := strings.Cut(rest, "=")
			ev.Entity[k] = v
		case "window":
			ev.From, ev.To, _ = strings.Cut(rest, " to ")
		case "counts by category":
			counts, total, _ := strings.Cut(rest, "; total ")
			ev.Total, _ = strconv.Atoi(total)
			for _, kv := range strings.Split(counts, ", ") {
				if k, v, ok := strings.Cut(kv, "="); ok {
					ev.Counts[k], _ = strconv.Atoi(v)
				}
			}
		default:
			ev.Table = parseTable(d.t, strings.Join(lines, ""))
			for i := range ev.Table.Rows {
				v := func(name string) string { return ev.Table.value(i, name) }
				ev.Events = append(ev.Events, eventOut{T: v("t"), Category: v("category"), Action: v("action"), Outcome: v("outcome"), Host: v("host"), User: v("user"), Message: v("message")})
			}
			return ev
		}
		lines = lines[1:]
	}
	d.t.Fatalf("no events table:\n%s", text)
	return ev
}

// checkBruteForce: failures on vpn-gw-01, then the svc-backup success,
// oldest first.
func checkBruteForce(t *testing.T, ev eventsOut) {
	t.Helper()
	failures, success := 0, -1
	for i, e := range ev.Events {
		if e.Host != "vpn-gw-01" {
			t.Errorf("an event of host %q", e.Host)
		}
		if i > 0 && e.T < ev.Events[i-1].T {
			t.Errorf("not oldest first: %s after %s", e.T, ev.Events[i-1].T)
		}
		switch {
		case e.Category == "authentication" && e.Outcome == "failure":
			failures++
		case e.Category == "authentication" && e.Outcome == "success" && e.User == "svc-backup" && success < 0:
			success = i
		}
	}
	if success < 0 {
		t.Fatalf("no svc-backup success among %d events", len(ev.Events))
	}
	if failures < 10 || ev.Counts["authentication"] < failures || ev.Total < len(ev.Events) {
		t.Errorf("failures %d, counts %v, total %d", failures, ev.Counts, ev.Total)
	}
	before := 0
	for _, e := range ev.Events[:success] {
		if e.Outcome == "failure" {
			before++
		}
	}
	if before < 5 {
		t.Errorf("only %d failures before the success", before)
	}
}

// TestFindEventsAroundOnEveryPath takes the brute-force alert to the
// events around it, and does the same from the entity and time.
func TestFindEventsAroundOnEveryPath(t *testing.T) {
	forEachDataPath(t, func(t *testing.T, d *dataCaller) {
		id := bruteForceAlert(t, d)
		ev := d.events(map[string]any{"alert_id": id})
		if !strings.Contains(ev.Table.Limit, "oldest first") || ev.Table.Constant["host"] != "vpn-gw-01" {
			t.Errorf("table note %q, every row %v", ev.Table.Limit, ev.Table.Constant)
		}
		if ev.Alert.ID != id || ev.Entity["host.name"] != "vpn-gw-01" || ev.Alert.Time == "" {
			t.Errorf("alert %+v, entity %v", ev.Alert, ev.Entity)
		}
		at, err := time.Parse(time.RFC3339Nano, ev.Alert.Time)
		from, _ := time.Parse(time.RFC3339Nano, ev.From)
		to, _ := time.Parse(time.RFC3339Nano, ev.To)
		if err != nil || at.Sub(from) != 15*time.Minute || to.Sub(at) != 15*time.Minute {
			t.Errorf("window %s … %s around %s", ev.From, ev.To, ev.Alert.Time)
		}
		checkBruteForce(t, ev)

		// From the entity: the user around the alert's time.
		byUser := d.events(map[string]any{"user": "svc-backup", "time": ev.Alert.Time, "window": "10m"})
		if byUser.Entity["user.name"] != "svc-backup" || len(byUser.Events) == 0 {
			t.Fatalf("by user: %+v", byUser)
		}
		sawSuccess := false
		for _, e := range byUser.Events {
			if e.User != "svc-backup" {
				t.Errorf("an event of user %q", e.User)
			}
			sawSuccess = sawSuccess || (e.Outcome == "success" && e.Category == "authentication")
		}
		if !sawSuccess {
			t.Error("by user: no success")
		}
		// Arguments that name no moment are refused before anything is sent.
		if out, isErr := d.call("find_events_around", map[string]any{"host": "vpn-gw-01"}); !isErr || !strings.Contains(out, "time") {
			t.Errorf("entity without time: %s", out)
		}
	})
}

// TestIndicesFieldsDocumentOnEveryPath: find_indices, get_fields and
// get_document, the document's index and id taken from a query's METADATA.
func TestIndicesFieldsDocumentOnEveryPath(t *testing.T) {
	forEachDataPath(t, func(t *testing.T, d *dataCaller) {
		var ix struct {
			Indices     []struct{ Name string } `json:"indices"`
			DataStreams []struct {
				Name string `json:"name"`
				Docs *int   `json:"docs"`
			} `json:"data_streams"`
			Note string `json:"note"`
		}
		d.ok("find_indices", map[string]any{"pattern": "logs-*"}, &ix)
		docs := map[string]int{}
		for _, ds := range ix.DataStreams {
			if ds.Docs != nil {
				docs[ds.Name] = *ds.Docs
			}
		}
		for _, want := range []string{"logs-system.auth-default", "logs-endpoint.events.process-default", "logs-network_traffic.dns-default"} {
			if docs[want] == 0 {
				t.Errorf("find_indices: %s missing or without documents: %+v (note %q)", want, ix.DataStreams, ix.Note)
			}
		}
		if len(ix.Indices) != 0 {
			t.Errorf("backing indices listed as indices: %v", ix.Indices)
		}

		var fields struct {
			Count  int               `json:"count"`
			Fields map[string]string `json:"fields"`
		}
		d.ok("get_fields", map[string]any{"index": "logs-system.auth-*", "filter": "user"}, &fields)
		if fields.Fields["user.name"] != "keyword" || fields.Count != len(fields.Fields) {
			t.Errorf("get_fields: %+v", fields)
		}
		for name := range fields.Fields {
			if !strings.Contains(name, "user") {
				t.Errorf("filter let %s through", name)
			}
		}
		var all struct {
			Fields map[string]string `json:"fields"`
		}
		d.ok("get_fields", map[string]any{"index": "logs-*"}, &all)
		if all.Fields["@timestamp"] != "date" || all.Fields["process.entity_id"] != "keyword" {
			t.Errorf("get_fields logs-*: @timestamp %q, process.entity_id %q", all.Fields["@timestamp"], all.Fields["process.entity_id"])
		}

		tab, raw := d.table(map[string]any{"query": `FROM logs-system.auth-* METADATA _id, _index | WHERE user.name == "svc-backup" AND event.outcome == "success" | KEEP _id, _index, host.name | LIMIT 1`})
		if len(tab.Rows) != 1 {
			t.Fatalf("no svc-backup success: %s", raw)
		}
		id, index := tab.Rows[0][0], tab.Rows[0][1]
		var doc struct {
			Index  string         `json:"_index"`
			ID     string         `json:"_id"`
			Source map[string]any `json:"_source"`
		}
		d.ok("get_document", map[string]any{"index": index, "id": id}, &doc)
		user, _ := doc.Source["user"].(map[string]any)
		if doc.ID != id || doc.Index != index || user["name"] != "svc-backup" {
			t.Errorf("get_document: %+v", doc)
		}
		if out, isErr := d.call("get_document", map[string]any{"index": index, "id": "no-such-id"}); !isErr || !strings.Contains(out, "no document") && !strings.Contains(out, "404") {
			t.Errorf("missing document: %v %s", isErr, out)
		}
	})
}
