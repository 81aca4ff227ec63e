package sandbox

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// A stream's queries, the significant events they count, suggested
// queries, and content packs.

func (k *Kibana) listStreamQueries(c *call) {
	if s := k.lookupStream(c); s != nil {
		c.ok(map[string]any{"queries": queriesOrEmpty(s.queries)})
	}
}

// checkStreamQuery answers Kibana's refusal of a query body; "" when fine.
func checkStreamQuery(prefix string, q map[string]any) string {
	if t, _ := q["title"].(string); t == "" {
		return "[" + prefix + "title]: Required"
	}
	kql, _ := q["kql"].(map[string]any)
	text, ok := kql["query"].(string)
	if !ok {
		return "[" + prefix + "kql]: Required"
	}
	if _, err := es.KQL(text, es.KQLOptions{}); err != nil {
		return "[" + prefix + "kql.query]: Invalid KQL: " + err.Error()
	}
	return ""
}

// putQuery adds a query, or replaces the one with its id.
func (s *kstream) putQuery(q map[string]any) {
	id := q["id"]
	for i, old := range s.queries {
		if old["id"] == id {
			s.queries[i] = q
			return
		}
	}
	s.queries = append(s.queries, q)
}

func (s *kstream) removeQuery(id string) bool {
	n := len(s.queries)
	s.queries = slices.DeleteFunc(s.queries, func(q map[string]any) bool { return q["id"] == id })
	return len(s.queries) < n
}

func (k *Kibana) putStreamQuery(c *call) {
	if !c.requireBody() {
		return
	}
	if msg := checkStreamQuery("request body.", c.body); msg != "" {
		c.badRequest(msg)
		return
	}
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	q := cfgClone(c.body)
	q["id"] = c.param("id")
	s.putQuery(q)
	c.ok(map[string]any{"acknowledged": true})
}

func (k *Kibana) deleteStreamQuery(c *call) {
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	if !s.removeQuery(c.param("id")) {
		c.notFound(fmt.Sprintf("Query %s not found in stream %s", c.param("id"), s.name))
		return
	}
	c.ok(map[string]any{"acknowledged": true})
}

func (k *Kibana) bulkStreamQueries(c *call) {
	k.streamBulk(c, checkStreamQuery, func(s *kstream, index bool, op map[string]any) {
		if index {
			s.putQuery(cfgClone(op))
		} else {
			s.removeQuery(op["id"].(string))
		}
	})
}

// eventRange reads from, to and (with bucket) bucketSize.
func eventRange(c *call, bucket bool) (from, to time.Time, size time.Duration, ok bool) {
	for _, name := range []string{"from", "to"} {
		t, err := time.Parse(time.RFC3339, c.query(name))
		if err != nil {
			c.badRequest(fmt.Sprintf("[request query.%s]: expected an ISO date, got %q", name, c.query(name)))
			return
		}
		if name == "from" {
			from = t
		} else {
			to = t
		}
	}
	if !from.Before(to) {
		c.badRequest("[request query]: from must be before to")
		return
	}
	if bucket {
		m := bucketRE().FindStringSubmatch(c.query("bucketSize"))
		if m == nil {
			c.badRequest(fmt.Sprintf("[request query.bucketSize]: expected an interval such as 1h, got %q", c.query("bucketSize")))
			return
		}
		n, _ := strconv.Atoi(m[1])
		size = time.Duration(n) * map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
		if to.Sub(from)/size > 1000 {
			c.badRequest("[request query.bucketSize]: too many buckets; at most 1000")
			return
		}
	}
	return from, to, size, true
}

var bucketRE = lazyRegexp(`^([1-9][0-9]*)([smhd])$`)

// streamDocs are the documents a stream holds: a classic stream's data
// stream's; wired streams hold none in the sandbox.
func (k *Kibana) streamDocs(s *kstream) *es.Index {
	if cl := k.cluster(); cl != nil && s.kind == "classic" {
		for _, ds := range cl.streams {
			if ds.name == s.name {
				return ds.ix
			}
		}
	}
	return nil
}

// occurrences counts, per bucket, the stream's documents a KQL query
// matches, and names the change the counts show.
func (k *Kibana) occurrences(s *kstream, kql string, from, to time.Time, size time.Duration) ([]any, map[string]any, error) {
	clause, err := es.KQL(kql, es.KQLOptions{})
	if err != nil {
		return nil, nil, err
	}
	n := int((to.Sub(from) + size - 1) / size)
	counts := make([]int, n)
	if ix := k.streamDocs(s); ix != nil {
		sources := make([]map[string]any, len(ix.Docs))
		for i, d := range ix.Docs {
			sources[i] = d.Source
		}
		hits, err := es.Select(ix.Name, sources, ix.Mapping, clause, k.cfg.Now())
		if err != nil {
			return nil, nil, err
		}
		for _, i := range hits {
			at, err := time.Parse(time.RFC3339Nano, es.String(sources[i]["@timestamp"]))
			if err != nil || at.Before(from) || !at.Before(to) {
				continue
			}
			counts[int(at.Sub(from)/size)]++
		}
	}
	occ := make([]any, n)
	total, peak, peakAt := 0, 0, 0
	for i, cnt := range counts {
		occ[i] = map[string]any{"date": from.Add(time.Duration(i) * size).UTC().Format("2006-01-02T15:04:05.000Z"), "count": cnt}
		total += cnt
		if cnt > peak {
			peak, peakAt = cnt, i
		}
	}
	change := map[string]any{"type": map[string]any{"stationary": map[string]any{"p_value": 1}}}
	if n > 2 && peak >= 3 && peak*n > 3*total {
		change = map[string]any{"type": map[string]any{"spike": map[string]any{"p_value": 0.001, "change_point": peakAt}}}
	}
	return occ, change, nil
}

func (k *Kibana) streamSignificantEvents(c *call) {
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	from, to, size, ok := eventRange(c, true)
	if !ok {
		return
	}
	out := []any{}
	for _, q := range s.queries {
		text, _ := q["kql"].(map[string]any)["query"].(string)
		occ, change, err := k.occurrences(s, text, from, to, size)
		if err != nil {
			continue // a stored query Kibana could not run counts nothing
		}
		ev := cfgClone(q)
		ev["stream_name"], ev["occurrences"], ev["change_points"] = s.name, occ, change
		out = append(out, ev)
	}
	c.ok(map[string]any{"significant_events": out})
}

func (k *Kibana) previewStreamSignificantEvents(c *call) {
	if !c.requireBody() {
		return
	}
	q, _ := c.body["query"].(map[string]any)
	kql, _ := q["kql"].(map[string]any)
	text, ok := kql["query"].(string)
	if !ok {
		c.badRequest("[request body.query.kql.query]: Required")
		return
	}
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	from, to, size, ok := eventRange(c, true)
	if !ok {
		return
	}
	occ, change, err := k.occurrences(s, text, from, to, size)
	if err != nil {
		c.badRequest("[request body.query.kql.query]: Invalid KQL: " + err.Error())
		return
	}
	c.ok(map[string]any{"occurrences": occ, "change_points": change, "kql": cfgClone(kql)})
}

// generateStreamSignificantEvents suggests one query per frequent
// event.action value in the range, as an LLM reading the data might. The
// connector must exist in the space.
func (k *Kibana) generateStreamSignificantEvents(c *call) {
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	id := c.query("connectorId")
	if id == "" {
		c.badRequest("[request query.connectorId]: Required")
		return
	}
	from, to, _, ok := eventRange(c, false)
	if !ok {
		return
	}
	if c.space.connectors.byID[id] == nil {
		c.notFound(fmt.Sprintf("Saved object [action/%s] not found", id))
		return
	}
	freq := map[string]int{}
	if ix := k.streamDocs(s); ix != nil {
		for _, d := range ix.Docs {
			at, err := time.Parse(time.RFC3339Nano, es.String(d.Source["@timestamp"]))
			ev, _ := d.Source["event"].(map[string]any)
			action, _ := ev["action"].(string)
			if err == nil && action != "" && !at.Before(from) && at.Before(to) {
				freq[action]++
			}
		}
	}
	actions := make([]string, 0, len(freq))
	for a := range freq {
		actions = append(actions, a)
	}
	sort.Slice(actions, func(i, j int) bool {
		return freq[actions[i]] > freq[actions[j]] || freq[actions[i]] == freq[actions[j]] && actions[i] < actions[j]
	})
	queries := []any{}
	for _, a := range actions[:min(3, len(actions))] {
		queries = append(queries, map[string]any{"title": "Event " + a, "kql": map[string]any{"query": fmt.Sprintf("event.action: %q", a)}})
	}
	c.ok(map[string]any{"queries": queries})
}

// exportStreamContent packs a stream's child streams (routing and fields)
// and queries into a zip: manifest.json, then one JSON file per object.
func (k *Kibana) exportStreamContent(c *call) {
	if !c.requireBody() {
		return
	}
	for _, key := range []string{"name", "description", "version", "include"} {
		if _, ok := c.body[key]; !ok {
			c.badRequest("[request body." + key + "]: Required")
			return
		}
	}
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	objs, _ := c.body["include"].(map[string]any)["objects"].(map[string]any)
	_, all := objs["all"]
	wantQuery := func(id any) bool {
		if all {
			return true
		}
		return slices.ContainsFunc(anyList(objs["queries"]), func(q any) bool { m, _ := q.(map[string]any); return m["id"] == id })
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, v any) {
		w, _ := zw.Create(name)
		json.NewEncoder(w).Encode(v)
	}
	add("manifest.json", map[string]any{"name": c.body["name"], "description": c.body["description"], "version": c.body["version"]})
	if all || objs["routing"] != nil {
		for _, r := range s.routing {
			dest := r.(map[string]any)["destination"].(string)
			if child := k.streamsOf().byName[dest]; child != nil {
				add("streams/"+dest+".json", map[string]any{"routing": r, "fields": cfgClone(child.fields)})
			}
		}
	}
	for _, q := range s.queries {
		if wantQuery(q["id"]) {
			add("queries/"+fmt.Sprint(q["id"])+".json", q)
		}
	}
	zw.Close()
	c.answered = true
	c.w.Header().Set("Content-Type", "application/zip")
	c.w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", fmt.Sprint(c.body["name"])+"-"+fmt.Sprint(c.body["version"])+".zip"))
	c.w.WriteHeader(200)
	c.w.Write(buf.Bytes())
}

// importStreamContent reads a content pack: its child streams are forked
// from the stream (renamed under it), its queries added.
func (k *Kibana) importStreamContent(c *call) {
	if c.form == nil || len(c.form.File["content"]) == 0 {
		c.badRequest("[request body.content]: Required")
		return
	}
	include := c.form.Value["include"]
	var inc map[string]any
	if len(include) == 0 || json.Unmarshal([]byte(include[0]), &inc) != nil || inc["objects"] == nil {
		c.badRequest("[request body.include]: expected JSON {objects:{all:{}}} or {objects:{mappings, queries, routing}}")
		return
	}
	s := k.lookupStream(c)
	if s == nil {
		return
	}
	f, err := c.form.File["content"][0].Open()
	if err != nil {
		c.badRequest("[request body.content]: " + err.Error())
		return
	}
	data, _ := io.ReadAll(f)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		c.badRequest("Content pack is not a zip archive: " + err.Error())
		return
	}
	if s.kind != "wired" && slices.ContainsFunc(zr.File, func(f *zip.File) bool { return strings.HasPrefix(f.Name, "streams/") }) {
		c.badRequest(fmt.Sprintf("Cannot import child streams into %s: it is not a wired stream", s.name))
		return
	}
	st := k.streamsOf()
	created, queries := []any{}, 0
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			continue
		}
		var obj map[string]any
		err = json.NewDecoder(rc).Decode(&obj)
		rc.Close()
		if err != nil {
			c.badRequest(fmt.Sprintf("Content pack entry %s is not JSON", zf.Name))
			return
		}
		switch {
		case strings.HasPrefix(zf.Name, "streams/"):
			r, _ := obj["routing"].(map[string]any)
			dest, _ := r["destination"].(string)
			name := s.name + "." + dest[strings.LastIndexByte(dest, '.')+1:]
			if st.byName[name] != nil || r["where"] == nil {
				continue
			}
			child := newWired(name)
			if fields, ok := obj["fields"].(map[string]any); ok {
				child.fields = cfgClone(fields)
			}
			st.byName[name] = child
			s.routing = append(s.routing, map[string]any{"destination": name, "where": r["where"], "status": "enabled"})
			created = append(created, name)
		case strings.HasPrefix(zf.Name, "queries/"):
			if msg := checkStreamQuery("content.", obj); msg == "" && obj["id"] != nil {
				s.putQuery(obj)
				queries++
			}
		}
	}
	c.ok(map[string]any{"result": map[string]any{"created_streams": created, "queries": queries}})
}
