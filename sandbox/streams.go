package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// The Streams API. Streams are Kibana-wide, not per space: one state on
// the Kibana, whichever space prefix a call names.
//
// The story's streams: wired streams are enabled, with the root logs
// (forked once: logs.linux takes host.os.type linux) and a classic stream
// over each of the sandbox's logs-* data streams (logs-system.auth-default
// and the others the events live in). The auth stream carries a query
// (SSH login failures); logs links the story's SSH dashboard and brute
// force rule; a group stream auth-logs gathers the auth stream.
//
// What the sandbox approximates: no Elasticsearch assets are written
// (templates, pipelines), so processing steps and routing are stored and
// answered but never run: wired streams hold no documents, and significant
// events count a classic stream's documents only. Linked dashboard and
// rule ids: dashboards must exist in the calling space (as Kibana reads
// the saved object), rule ids are not checked. Deleting a classic
// stream removes its data stream from the sandbox's Elasticsearch.

// streamsState is Kibana's streams, built from the data streams on first
// use.
type streamsState struct {
	enabled bool
	byName  map[string]*kstream
}

// kstream is one stream definition with what is attached to it.
type kstream struct {
	name, kind, description string // kind: wired, classic or group
	lifecycle, settings     map[string]any
	steps                   []any
	fields                  map[string]any // wired fields, or classic field_overrides
	routing                 []any          // wired only
	group                   map[string]any // group only
	dashboards, rules       []string
	queries                 []map[string]any
}

func (k *Kibana) streamsRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/streams", k.listStreams),
		newRoute(http.MethodPost, "/api/streams/_enable", k.enableStreams),
		newRoute(http.MethodPost, "/api/streams/_disable", k.disableStreams),
		newRoute(http.MethodPost, "/api/streams/_resync", func(c *call) { c.ok(map[string]any{"acknowledged": true}) }),
		newRoute(http.MethodGet, "/api/streams/{name}", k.getStream),
		newRoute(http.MethodPut, "/api/streams/{name}", k.putStream),
		newRoute(http.MethodDelete, "/api/streams/{name}", k.deleteStream),
		newRoute(http.MethodPost, "/api/streams/{name}/_fork", k.forkStream),
		newRoute(http.MethodGet, "/api/streams/{name}/_group", k.getStreamGroup),
		newRoute(http.MethodPut, "/api/streams/{name}/_group", k.putStreamGroup),
		newRoute(http.MethodGet, "/api/streams/{name}/_ingest", k.getStreamIngest),
		newRoute(http.MethodPut, "/api/streams/{name}/_ingest", k.putStreamIngest),
		newRoute(http.MethodPost, "/api/streams/{name}/content/export", k.exportStreamContent),
		newRoute(http.MethodPost, "/api/streams/{name}/content/import", k.importStreamContent),
		newRoute(http.MethodGet, "/api/streams/{name}/dashboards", k.streamLinks("dashboards")),
		newRoute(http.MethodPost, "/api/streams/{name}/dashboards/_bulk", k.bulkStreamDashboards),
		newRoute(http.MethodPut, "/api/streams/{name}/dashboards/{id}", k.linkStream("dashboards", true)),
		newRoute(http.MethodDelete, "/api/streams/{name}/dashboards/{id}", k.linkStream("dashboards", false)),
		newRoute(http.MethodGet, "/api/streams/{name}/rules", k.streamLinks("rules")),
		newRoute(http.MethodPut, "/api/streams/{name}/rules/{id}", k.linkStream("rules", true)),
		newRoute(http.MethodDelete, "/api/streams/{name}/rules/{id}", k.linkStream("rules", false)),
		newRoute(http.MethodGet, "/api/streams/{name}/queries", k.listStreamQueries),
		newRoute(http.MethodPost, "/api/streams/{name}/queries/_bulk", k.bulkStreamQueries),
		newRoute(http.MethodPut, "/api/streams/{name}/queries/{id}", k.putStreamQuery),
		newRoute(http.MethodDelete, "/api/streams/{name}/queries/{id}", k.deleteStreamQuery),
		newRoute(http.MethodGet, "/api/streams/{name}/significant_events", k.streamSignificantEvents),
		newRoute(http.MethodPost, "/api/streams/{name}/significant_events/_preview", k.previewStreamSignificantEvents),
		newRoute(http.MethodPost, "/api/streams/{name}/significant_events/_generate", k.generateStreamSignificantEvents),
	}
}

// The story's attachments, as the tools' examples name them.
const (
	storyStreamDashboard = "edf84fe0-e1a0-11e7-b6d5-4dc382ef7f5b" // [Logs] Web Traffic, in every space
	storyStreamRule      = "brute-force-logins"
)

// streamsOf is the streams state, seeded on first use (the caller holds
// k.mu).
func (k *Kibana) streamsOf() *streamsState {
	if k.streams != nil {
		return k.streams
	}
	st := &streamsState{enabled: true, byName: map[string]*kstream{}}
	k.streams = st
	st.addRoot()
	linux := newWired("logs.linux")
	st.byName[linux.name] = linux
	root := st.byName["logs"]
	root.routing = []any{map[string]any{"destination": linux.name, "where": map[string]any{"field": "host.os.type", "eq": "linux"}, "status": "enabled"}}
	root.dashboards, root.rules = []string{storyStreamDashboard}, []string{storyStreamRule}
	if cl := k.cluster(); cl != nil {
		for _, ds := range cl.streams {
			if strings.HasPrefix(ds.name, "logs-") {
				st.byName[ds.name] = newClassic(ds.name)
			}
		}
	}
	if auth := st.byName["logs-system.auth-default"]; auth != nil {
		auth.description = "SSH and sudo logins of the Linux hosts"
		auth.queries = []map[string]any{{"id": "ssh-failures", "title": "SSH login failures", "kql": map[string]any{"query": "event.outcome: failure and process.name: sshd"}}}
		g := &kstream{name: "auth-logs", kind: "group", description: "Authentication logs",
			group: map[string]any{"members": []any{auth.name}, "tags": []any{"security"}, "metadata": map[string]any{"owner": "soc"}}}
		st.byName[g.name] = g
	}
	return st
}

func (st *streamsState) addRoot() {
	root := newWired("logs")
	root.lifecycle = map[string]any{"dsl": map[string]any{}}
	root.description = "Root stream of all wired logs"
	st.byName["logs"] = root
}

func newWired(name string) *kstream {
	return &kstream{name: name, kind: "wired", lifecycle: map[string]any{"inherit": map[string]any{}},
		settings: map[string]any{}, steps: []any{}, fields: map[string]any{}, routing: []any{}}
}

func newClassic(name string) *kstream {
	return &kstream{name: name, kind: "classic", lifecycle: map[string]any{"inherit": map[string]any{}},
		settings: map[string]any{}, steps: []any{}}
}

// sortedStreams lists the streams by name.
func (st *streamsState) sortedStreams() []*kstream {
	out := make([]*kstream, 0, len(st.byName))
	for _, s := range st.byName {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// ingest is an ingest stream's settings as Kibana answers them.
func (s *kstream) ingest() map[string]any {
	in := map[string]any{"lifecycle": cfgClone(s.lifecycle), "processing": map[string]any{"steps": cfgCloneValue(s.steps)}, "settings": cfgClone(s.settings)}
	if s.kind == "wired" {
		in["wired"] = map[string]any{"fields": cfgClone(s.fields), "routing": cfgCloneValue(s.routing)}
	} else {
		classic := map[string]any{}
		if len(s.fields) > 0 {
			classic["field_overrides"] = cfgClone(s.fields)
		}
		in["classic"] = classic
	}
	return in
}

// definition is the stream as list_streams and get_stream answer it.
func (s *kstream) definition() map[string]any {
	d := map[string]any{"name": s.name, "description": s.description}
	if s.kind == "group" {
		d["group"] = cfgClone(s.group)
	} else {
		d["ingest"] = s.ingest()
	}
	return d
}

// parent is a wired stream's parent name ("" for the root).
func parentOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return ""
}

// lookupStream answers Kibana's 404 for a stream it does not hold.
func (k *Kibana) lookupStream(c *call) *kstream {
	name := c.param("name")
	s := k.streamsOf().byName[name]
	if s == nil {
		c.notFound(fmt.Sprintf("Cannot find stream %s", name))
	}
	return s
}

func (k *Kibana) listStreams(c *call) {
	out := []any{}
	for _, s := range k.streamsOf().sortedStreams() {
		out = append(out, s.definition())
	}
	c.ok(map[string]any{"streams": out})
}

func (k *Kibana) getStream(c *call) {
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	doc := map[string]any{"stream": s.definition(), "dashboards": stringsOrEmpty(s.dashboards), "rules": stringsOrEmpty(s.rules), "queries": queriesOrEmpty(s.queries)}
	if s.kind != "group" {
		doc["effective_lifecycle"] = k.effectiveLifecycle(s)
		doc["effective_settings"] = cfgClone(s.settings)
		doc["privileges"] = map[string]any{"manage": true, "monitor": true, "lifecycle": true, "simulate": true, "text_structure": true, "view_index_metadata": true, "read_failure_store": true, "manage_failure_store": true}
	}
	if s.kind == "wired" {
		doc["inherited_fields"] = k.inheritedFields(s)
	}
	if s.kind == "classic" {
		doc["data_stream_exists"] = true
		doc["elasticsearch_assets"] = []any{}
	}
	c.ok(doc)
}

// effectiveLifecycle follows inherit up the wired tree; a classic
// stream's inherit is its data stream's own (forever here).
func (k *Kibana) effectiveLifecycle(s *kstream) map[string]any {
	st := k.streamsOf()
	for cur := s; cur != nil; cur = st.byName[parentOf(cur.name)] {
		if _, inherit := cur.lifecycle["inherit"]; !inherit || cur.kind != "wired" {
			lc := cfgClone(cur.lifecycle)
			if _, inherit := lc["inherit"]; inherit {
				lc = map[string]any{"dsl": map[string]any{}}
			}
			lc["from"] = cur.name
			return lc
		}
	}
	return map[string]any{"dsl": map[string]any{}, "from": "logs"}
}

// inheritedFields are the fields a wired stream's ancestors map.
func (k *Kibana) inheritedFields(s *kstream) map[string]any {
	out := map[string]any{}
	st := k.streamsOf()
	for p := st.byName[parentOf(s.name)]; p != nil; p = st.byName[parentOf(p.name)] {
		for f, def := range p.fields {
			if _, ok := out[f]; !ok {
				m := cfgClone(def.(map[string]any))
				m["from"] = p.name
				out[f] = m
			}
		}
	}
	return out
}

func stringsOrEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

func queriesOrEmpty(qs []map[string]any) []any {
	out := []any{}
	for _, q := range qs {
		out = append(out, cfgClone(q))
	}
	return out
}

func (k *Kibana) enableStreams(c *call) {
	st := k.streamsOf()
	result := "noop"
	if !st.enabled {
		st.enabled, result = true, "created"
		st.addRoot()
	}
	c.ok(map[string]any{"acknowledged": true, "result": result})
}

// disableStreams deletes every wired and group stream; classic streams
// lose their stored definition (back to their data stream's own) but
// keep their data.
func (k *Kibana) disableStreams(c *call) {
	st := k.streamsOf()
	for name, s := range st.byName {
		if s.kind == "classic" {
			st.byName[name] = newClassic(name)
		} else {
			delete(st.byName, name)
		}
	}
	st.enabled = false
	c.ok(map[string]any{"acknowledged": true, "result": "deleted"})
}

func (k *Kibana) deleteStream(c *call) {
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	st := k.streamsOf()
	switch s.kind {
	case "wired":
		if s.name == "logs" {
			c.badRequest("Cannot delete root stream logs; disable streams instead")
			return
		}
		for name := range st.byName {
			if name == s.name || strings.HasPrefix(name, s.name+".") {
				delete(st.byName, name)
			}
		}
		if p := st.byName[parentOf(s.name)]; p != nil {
			p.routing = slices.DeleteFunc(p.routing, func(r any) bool { return r.(map[string]any)["destination"] == s.name })
		}
	case "classic":
		delete(st.byName, s.name)
		if cl := k.cluster(); cl != nil {
			cl.streams = slices.DeleteFunc(cl.streams, func(ds *esStream) bool { return ds.name == s.name })
		}
	default:
		delete(st.byName, s.name)
	}
	for _, g := range st.byName {
		if g.kind == "group" {
			g.group["members"] = slices.DeleteFunc(slices.Clone(anyList(g.group["members"])), func(m any) bool { return m == s.name })
		}
	}
	c.ok(map[string]any{"acknowledged": true})
}

// forkStream creates a child of a wired stream with its routing rule.
func (k *Kibana) forkStream(c *call) {
	if !c.requireBody() {
		return
	}
	target, _ := c.body["stream"].(map[string]any)
	childName, _ := target["name"].(string)
	where, hasWhere := c.body["where"].(map[string]any)
	switch {
	case target == nil || childName == "":
		c.badRequest("[request body.stream.name]: Required")
		return
	case !hasWhere:
		c.badRequest("[request body.where]: Required")
		return
	}
	status := "enabled"
	if s, ok := c.body["status"].(string); ok {
		if s != "enabled" && s != "disabled" {
			c.badRequest(epOneOfMessage("request body.status", []string{"enabled", "disabled"}))
			return
		}
		status = s
	}
	parent := k.lookupStream(c)
	if parent == nil {
		return
	}
	st := k.streamsOf()
	switch {
	case parent.kind != "wired":
		c.badRequest(fmt.Sprintf("Only wired streams can be forked; %s is a %s stream", parent.name, parent.kind))
		return
	case parentOf(childName) != parent.name:
		c.badRequest(fmt.Sprintf("Stream name must start with the parent's name: %s.<name>", parent.name))
		return
	case st.byName[childName] != nil:
		c.conflict(fmt.Sprintf("Child stream %s already exists", childName))
		return
	}
	st.byName[childName] = newWired(childName)
	parent.routing = append(parent.routing, map[string]any{"destination": childName, "where": cfgClone(where), "status": status})
	c.ok(map[string]any{"acknowledged": true})
}

func (k *Kibana) getStreamGroup(c *call) {
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	if s.kind != "group" {
		c.badRequest(fmt.Sprintf("Stream %s is not a group stream", s.name))
		return
	}
	c.ok(map[string]any{"group": cfgClone(s.group)})
}

func (k *Kibana) putStreamGroup(c *call) {
	if !c.requireBody() {
		return
	}
	group, ok := c.body["group"].(map[string]any)
	if !ok {
		c.badRequest("[request body.group]: Required")
		return
	}
	if msg := k.checkGroup(group, c.param("name")); msg != "" {
		c.badRequest(msg)
		return
	}
	st := k.streamsOf()
	name := c.param("name")
	s := st.byName[name]
	switch {
	case s == nil:
		s = &kstream{name: name, kind: "group"}
		st.byName[name] = s
	case s.kind != "group":
		c.badRequest(fmt.Sprintf("Stream %s is not a group stream", name))
		return
	}
	s.group = cfgClone(group)
	c.ok(map[string]any{"acknowledged": true, "result": "updated"})
}

// checkGroup answers Kibana's refusal of a group: its three members, and
// member streams that exist.
func (k *Kibana) checkGroup(g map[string]any, self string) string {
	for _, key := range []string{"metadata", "tags", "members"} {
		if _, ok := g[key]; !ok {
			return "[request body.group." + key + "]: Required"
		}
	}
	for _, m := range anyList(g["members"]) {
		name, _ := m.(string)
		if name == self || k.streamsOf().byName[name] == nil {
			return fmt.Sprintf("Group member %v is not a stream", m)
		}
	}
	return ""
}

func (k *Kibana) getStreamIngest(c *call) {
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	if s.kind == "group" {
		c.badRequest(fmt.Sprintf("Stream %s is not an ingest stream", s.name))
		return
	}
	c.ok(map[string]any{"ingest": s.ingest()})
}

func (k *Kibana) putStreamIngest(c *call) {
	if !c.requireBody() {
		return
	}
	ingest, ok := c.body["ingest"].(map[string]any)
	if !ok {
		c.badRequest("[request body.ingest]: Required")
		return
	}
	if k.applyIngest(c, c.param("name"), ingest) {
		c.ok(map[string]any{"acknowledged": true, "result": "updated"})
	}
}

// applyIngest stores ingest settings on the named stream, creating a wired
// child whose parent exists. false: the call was answered.
func (k *Kibana) applyIngest(c *call, name string, ingest map[string]any) bool {
	for _, key := range []string{"lifecycle", "processing", "settings"} {
		if _, ok := ingest[key].(map[string]any); !ok {
			c.badRequest("[request body.ingest." + key + "]: Required")
			return false
		}
	}
	wired, isWired := ingest["wired"].(map[string]any)
	classic, isClassic := ingest["classic"].(map[string]any)
	if isWired == isClassic {
		c.badRequest("[request body.ingest]: expected exactly one of wired and classic")
		return false
	}
	st := k.streamsOf()
	s := st.byName[name]
	switch {
	case s == nil && isClassic:
		c.notFound(fmt.Sprintf("Cannot find stream %s: classic streams are created by writing to a data stream", name))
		return false
	case s == nil && !st.enabled:
		c.badRequest("Wired streams are not enabled")
		return false
	case s == nil && (parentOf(name) == "" || st.byName[parentOf(name)] == nil || st.byName[parentOf(name)].kind != "wired"):
		c.badRequest(fmt.Sprintf("Cannot create wired stream %s: its parent %s does not exist; fork the parent instead", name, parentOf(name)))
		return false
	case s != nil && s.kind == "group":
		c.badRequest(fmt.Sprintf("Stream %s is a group stream, not an ingest stream", name))
		return false
	case s != nil && (s.kind == "wired") != isWired:
		c.badRequest(fmt.Sprintf("Stream %s is a %s stream: its ingest takes %s", name, s.kind, s.kind))
		return false
	}
	lc, _ := ingest["lifecycle"].(map[string]any)
	if _, inherit := lc["inherit"]; inherit && name == "logs" {
		c.badRequest("The root stream cannot inherit its lifecycle")
		return false
	}
	steps, _ := ingest["processing"].(map[string]any)["steps"].([]any)
	var routing []any
	if isWired {
		routing, _ = wired["routing"].([]any)
		for _, r := range routing {
			dest, _ := r.(map[string]any)["destination"].(string)
			if parentOf(dest) != name {
				c.badRequest(fmt.Sprintf("Routing destination %s must be a child of %s", dest, name))
				return false
			}
		}
	}
	if s == nil {
		s = newWired(name)
		st.byName[name] = s
		p := st.byName[parentOf(name)]
		p.routing = append(p.routing, map[string]any{"destination": name, "where": map[string]any{"never": map[string]any{}}, "status": "disabled"})
	}
	s.lifecycle, s.settings = cfgClone(lc), cfgClone(ingest["settings"].(map[string]any))
	s.steps = anyList(cfgCloneValue(steps))
	if s.steps == nil {
		s.steps = []any{}
	}
	if isWired {
		fields, _ := wired["fields"].(map[string]any)
		s.fields, s.routing = cfgClone(fields), anyList(cfgCloneValue(routing))
		for _, r := range s.routing {
			if dest := r.(map[string]any)["destination"].(string); st.byName[dest] == nil {
				st.byName[dest] = newWired(dest)
			}
		}
	} else {
		overrides, _ := classic["field_overrides"].(map[string]any)
		s.fields = cfgClone(overrides)
	}
	return true
}

// putStream replaces a stream's whole definition and attachments.
func (k *Kibana) putStream(c *call) {
	if !c.requireBody() {
		return
	}
	def, ok := c.body["stream"].(map[string]any)
	if !ok {
		c.badRequest("[request body.stream]: Required")
		return
	}
	for _, key := range []string{"dashboards", "rules", "queries"} {
		if _, ok := c.body[key].([]any); !ok {
			c.badRequest("[request body." + key + "]: Required")
			return
		}
	}
	name := c.param("name")
	st := k.streamsOf()
	if g, isGroup := def["group"].(map[string]any); isGroup {
		if msg := k.checkGroup(g, name); msg != "" {
			c.badRequest(msg)
			return
		}
		s := st.byName[name]
		if s != nil && s.kind != "group" {
			c.badRequest(fmt.Sprintf("Stream %s is a %s stream, not a group stream", name, s.kind))
			return
		}
		if s == nil {
			s = &kstream{name: name, kind: "group"}
			st.byName[name] = s
		}
		s.group = cfgClone(g)
	} else {
		ingest, ok := def["ingest"].(map[string]any)
		if !ok {
			c.badRequest("[request body.stream]: expected ingest or group")
			return
		}
		if !k.applyIngest(c, name, ingest) {
			return
		}
	}
	s := st.byName[name]
	s.description, _ = def["description"].(string)
	s.dashboards, s.rules = stringList(c.body["dashboards"]), stringList(c.body["rules"])
	s.queries = nil
	for _, q := range anyList(c.body["queries"]) {
		if m, ok := q.(map[string]any); ok {
			s.queries = append(s.queries, cfgClone(m))
		}
	}
	c.ok(map[string]any{"acknowledged": true, "result": "updated"})
}

func stringList(v any) []string {
	var out []string
	for _, x := range anyList(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (k *Kibana) streamLinks(kind string) func(*call) {
	return func(c *call) {
		s := k.lookupStream(c)
		if s == nil {
			return
		}
		ids := s.dashboards
		if kind == "rules" {
			ids = s.rules
		}
		out := []any{}
		for _, id := range ids {
			link := map[string]any{"id": id}
			if d := spaceDashboard(c, id); kind == "dashboards" && d != nil {
				link["title"] = d.title
			}
			out = append(out, link)
		}
		c.ok(map[string]any{kind: out})
	}
}

// links is the named attachment list of a stream.
func (s *kstream) links(kind string) *[]string {
	if kind == "rules" {
		return &s.rules
	}
	return &s.dashboards
}

func (k *Kibana) linkStream(kind string, link bool) func(*call) {
	return func(c *call) {
		s := k.lookupStream(c)
		if s == nil {
			return
		}
		ids, id := s.links(kind), c.param("id")
		if link && kind == "dashboards" && !dashboardFound(c, id) {
			return
		}
		has := slices.Contains(*ids, id)
		switch {
		case link && !has:
			*ids = append(*ids, id)
		case !link && !has:
			c.notFound(fmt.Sprintf("%s %s is not linked to stream %s", strings.TrimSuffix(kind, "s"), id, s.name))
			return
		case !link:
			*ids = slices.DeleteFunc(*ids, func(x string) bool { return x == id })
		}
		c.ok(map[string]any{"acknowledged": true})
	}
}

func (k *Kibana) bulkStreamDashboards(c *call) {
	exists := func(_ string, op map[string]any) string {
		if id := op["id"].(string); spaceDashboard(c, id) == nil {
			return fmt.Sprintf("Saved object [dashboard/%s] not found", id)
		}
		return ""
	}
	k.streamBulk(c, exists, func(s *kstream, index bool, op map[string]any) {
		id := op["id"].(string)
		s.dashboards = slices.DeleteFunc(s.dashboards, func(x string) bool { return x == id })
		if index {
			s.dashboards = append(s.dashboards, id)
		}
	})
}

// streamBulk answers a bulk of {index:{id,…}} and {delete:{id}}
// operations on the path's stream: all are checked (checkIndex vets an
// index's body; "" when fine) before any is applied.
func (k *Kibana) streamBulk(c *call, checkIndex func(prefix string, op map[string]any) string, apply func(s *kstream, index bool, op map[string]any)) {
	if !c.requireBody() {
		return
	}
	ops, ok := c.body["operations"].([]any)
	if !ok {
		c.badRequest("[request body.operations]: Required")
		return
	}
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	for i, o := range ops {
		m, _ := o.(map[string]any)
		idx, isIndex := m["index"].(map[string]any)
		del, isDelete := m["delete"].(map[string]any)
		if isIndex == isDelete {
			c.badRequest(fmt.Sprintf("[request body.operations.%d]: expected {index:{…}} or {delete:{id}}", i))
			return
		}
		kind, target := "delete", del
		if isIndex {
			kind, target = "index", idx
		}
		prefix := fmt.Sprintf("request body.operations.%d.%s.", i, kind)
		if id, _ := target["id"].(string); id == "" {
			c.badRequest("[" + prefix + "id]: Required")
			return
		}
		if isIndex && checkIndex != nil {
			if msg := checkIndex(prefix, idx); msg != "" {
				c.badRequest(msg)
				return
			}
		}
	}
	for _, o := range ops {
		m := o.(map[string]any)
		if idx, ok := m["index"].(map[string]any); ok {
			apply(s, true, idx)
		} else {
			apply(s, false, m["delete"].(map[string]any))
		}
	}
	c.ok(map[string]any{"acknowledged": true})
}

// spaceDashboard is the calling space's dashboard with id, or nil.
func spaceDashboard(c *call, id string) *savedDashboard {
	for _, d := range c.space.platform.dashboards.list {
		if d.id == id {
			return d
		}
	}
	return nil
}

// dashboardFound answers Kibana's 404 for a dashboard the space lacks.
func dashboardFound(c *call, id string) bool {
	if spaceDashboard(c, id) == nil {
		c.notFound(fmt.Sprintf("Saved object [dashboard/%s] not found", id))
		return false
	}
	return true
}
