package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Kibana's own platform services: short URLs (kept per space, as Kibana's
// url saved objects are), centrally managed Logstash pipelines (Kibana-wide:
// kept in the default space's state, as roles are), the Uptime app's
// settings (per space), the task manager's health and the upgrade
// assistant's readiness (both computed from the sandbox's state).
//
// What the sandbox approximates: short URL params are stored as given,
// never checked against the locator (Kibana does not check them either);
// resolving a slug counts an access, reading by id does not. The task
// manager's figures are fixed but for the counts of rules and their
// tasks; the upgrade assistant finds the deprecations of the story's
// cluster (old agents on Fleet), not a real check.

// adminState holds a space's platform service data; its zero value is
// empty, as a new space's.
type adminState struct {
	shortURLs fleetStore[shortURL]
	uptime    map[string]any // nil: Kibana's defaults

	pipelines map[string]*logstashPipeline // default space only
}

type shortURL struct {
	id, slug, locatorID string
	params              map[string]any
	created, accessed   int64 // epoch milliseconds
	accessCount         int
}

type logstashPipeline struct {
	id, description, pipeline, username string
	settings                            map[string]any
	lastModified                        string
}

func (k *Kibana) adminRoutes() []route {
	return []route{
		newRoute(http.MethodPost, "/api/short_url", k.createShortURL),
		newRoute(http.MethodGet, "/api/short_url/_slug/{slug}", k.resolveShortURL),
		newRoute(http.MethodGet, "/api/short_url/{id}", k.getShortURL),
		newRoute(http.MethodDelete, "/api/short_url/{id}", k.deleteShortURL),
		newRoute(http.MethodGet, "/api/logstash/pipelines", k.listLogstashPipelines),
		newRoute(http.MethodGet, "/api/logstash/pipeline/{id}", k.getLogstashPipeline),
		newRoute(http.MethodPut, "/api/logstash/pipeline/{id}", k.putLogstashPipeline),
		newRoute(http.MethodDelete, "/api/logstash/pipeline/{id}", k.deleteLogstashPipeline),
		newRoute(http.MethodGet, "/api/uptime/settings", k.getUptimeSettings),
		newRoute(http.MethodPut, "/api/uptime/settings", k.putUptimeSettings),
		newRoute(http.MethodGet, "/api/task_manager/_health", k.taskManagerHealth),
		newRoute(http.MethodGet, "/api/upgrade_assistant/status", k.upgradeStatus),
	}
}

// ---- Short URLs ----

var shortURLSlugRE = lazyRegexp(`^[a-zA-Z0-9._-]{3,255}$`)

// Words of a human-readable slug, as Kibana joins three of them.
var slugWords = []string{"amber", "brisk", "cedar", "delta", "ember", "fjord", "glade", "harbor", "ivory", "juniper", "kestrel", "lumen", "maple", "nimbus", "onyx", "prairie", "quartz", "ridge", "sierra", "tundra"}

func (k *Kibana) shortURLDoc(u *shortURL) map[string]any {
	return map[string]any{
		"id": u.id, "slug": u.slug,
		"locator":     map[string]any{"id": u.locatorID, "version": k.version(), "state": cfgClone(u.params)},
		"accessCount": u.accessCount, "accessDate": u.accessed, "createDate": u.created,
	}
}

func (st *adminState) bySlug(slug string) *shortURL {
	for _, u := range st.shortURLs.all() {
		if u.slug == slug {
			return u
		}
	}
	return nil
}

func (k *Kibana) createShortURL(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "locatorId", kind: "string", required: true},
		{name: "params", kind: "object", required: true},
		{name: "slug", kind: "string"},
		{name: "humanReadableSlug", kind: "boolean"},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	st := &c.space.admin
	slug, _ := body["slug"].(string)
	switch {
	case slug != "" && !shortURLSlugRE().MatchString(slug):
		c.badRequest("Invalid [slug], it must be 3 to 255 characters long and contain only latin letters, digits and -._")
		return
	case slug != "" && st.bySlug(slug) != nil:
		c.conflict(fmt.Sprintf("Slug \"%s\" already exists.", slug))
		return
	case slug == "":
		id := k.newID()
		slug = strings.ReplaceAll(id[:8], "-", "")
		if readable, _ := body["humanReadableSlug"].(bool); readable {
			n := len(st.shortURLs.order) + len(id)
			slug = fmt.Sprintf("%s-%s-%s", slugWords[n%len(slugWords)], slugWords[(n*7+3)%len(slugWords)], slugWords[(n*13+5)%len(slugWords)])
		}
	}
	now := k.cfg.Now().UnixMilli()
	u := &shortURL{id: k.newID(), slug: slug, locatorID: body["locatorId"].(string), params: body["params"].(map[string]any), created: now, accessed: now}
	st.shortURLs.put(u.id, u)
	c.ok(k.shortURLDoc(u))
}

func (k *Kibana) getShortURL(c *call) {
	u := c.space.admin.shortURLs.get(c.param("id"))
	if u == nil {
		c.notFound(fmt.Sprintf("Saved object [url/%s] not found", c.param("id")))
		return
	}
	c.ok(k.shortURLDoc(u))
}

func (k *Kibana) resolveShortURL(c *call) {
	u := c.space.admin.bySlug(c.param("slug"))
	if u == nil {
		c.notFound(fmt.Sprintf("short URL with slug \"%s\" not found.", c.param("slug")))
		return
	}
	u.accessCount++
	u.accessed = k.cfg.Now().UnixMilli()
	c.ok(k.shortURLDoc(u))
}

func (k *Kibana) deleteShortURL(c *call) {
	urls, id := &c.space.admin.shortURLs, c.param("id")
	if urls.get(id) == nil {
		c.notFound(fmt.Sprintf("Saved object [url/%s] not found", id))
		return
	}
	urls.remove(id)
	okEmpty(c)
}

// ---- Logstash pipelines ----

var logstashIDRE = lazyRegexp(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// pipelines are Kibana-wide: every space answers with the default space's.
func (k *Kibana) pipelines() *adminState { return &k.spaces["default"].admin }

func (k *Kibana) listLogstashPipelines(c *call) {
	st := k.pipelines()
	ids := make([]string, 0, len(st.pipelines))
	for id := range st.pipelines {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	list := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		p := st.pipelines[id]
		list = append(list, map[string]any{"id": p.id, "description": p.description, "last_modified": p.lastModified, "username": p.username})
	}
	c.ok(map[string]any{"pipelines": list})
}

func (k *Kibana) getLogstashPipeline(c *call) {
	p := k.pipelines().pipelines[c.param("id")]
	if p == nil {
		c.notFound(fmt.Sprintf("Pipeline [%s] not found", c.param("id")))
		return
	}
	c.ok(map[string]any{"id": p.id, "description": p.description, "username": p.username, "pipeline": p.pipeline, "settings": cfgClone(p.settings)})
}

func (k *Kibana) putLogstashPipeline(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "description", kind: "string"},
		{name: "pipeline", kind: "string", required: true},
		{name: "settings", kind: "object"},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	id := c.param("id")
	if !logstashIDRE().MatchString(id) {
		c.badRequest("Pipeline ID must begin with a letter or underscore and contain only letters, underscores, dashes, hyphens, and numbers")
		return
	}
	st := k.pipelines()
	if st.pipelines == nil {
		st.pipelines = map[string]*logstashPipeline{}
	}
	desc, _ := body["description"].(string)
	settings, _ := body["settings"].(map[string]any)
	st.pipelines[id] = &logstashPipeline{id: id, description: desc, pipeline: body["pipeline"].(string), settings: settings,
		username: ruleUser(c), lastModified: k.now()}
	c.noContent()
}

func (k *Kibana) deleteLogstashPipeline(c *call) {
	st := k.pipelines()
	if st.pipelines[c.param("id")] == nil {
		c.notFound(fmt.Sprintf("Pipeline [%s] not found", c.param("id")))
		return
	}
	delete(st.pipelines, c.param("id"))
	c.noContent()
}

// ---- Uptime settings ----

func uptimeDefaults() map[string]any {
	return map[string]any{"heartbeatIndices": "heartbeat-*", "certAgeThreshold": 730, "certExpirationThreshold": 30,
		"defaultConnectors": []any{}, "defaultEmail": map[string]any{"to": []any{}, "cc": []any{}, "bcc": []any{}}}
}

func (k *Kibana) uptimeSettings(sp *space) map[string]any {
	if sp.admin.uptime == nil {
		return uptimeDefaults()
	}
	return cfgClone(sp.admin.uptime)
}

func (k *Kibana) getUptimeSettings(c *call) { c.ok(k.uptimeSettings(c.space)) }

// putUptimeSettings merges the given keys into the stored settings.
func (k *Kibana) putUptimeSettings(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "heartbeatIndices", kind: "string", check: platMinLen(1)},
		{name: "certAgeThreshold", kind: "number", min: cfgPtr(1.0)},
		{name: "certExpirationThreshold", kind: "number", min: cfgPtr(1.0)},
		{name: "defaultConnectors", kind: "strings"},
		{name: "defaultEmail", kind: "object", fields: []cfgField{
			{name: "to", kind: "strings"}, {name: "cc", kind: "strings"}, {name: "bcc", kind: "strings"},
		}},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	settings := k.uptimeSettings(c.space)
	for key, v := range body {
		settings[key] = v
	}
	c.space.admin.uptime = settings
	c.ok(cfgClone(settings))
}

// ---- Task manager and upgrade assistant ----

// taskManagerHealth answers the health document: fixed settings and
// figures, the counts of rules (each a task) taken from the space.
func (k *Kibana) taskManagerHealth(c *call) {
	now := k.now()
	rules, enabled := 0, 0
	for _, sp := range k.spaces {
		for _, r := range sp.rules.byID {
			rules++
			if r.enabled {
				enabled++
			}
		}
	}
	tasks := rules + 14 // the rules' tasks and Kibana's own (telemetry, fleet, security) ones
	c.ok(map[string]any{
		"id": uuidFrom(uint64(k.cfg.Seed) ^ 0x5a4d), "timestamp": now, "status": "OK", "last_update": now,
		"stats": map[string]any{
			"configuration": map[string]any{"timestamp": now, "status": "OK", "value": map[string]any{
				"capacity": map[string]any{"config": 10, "as_workers": 10, "as_cost": 20}, "claim_strategy": "mget",
				"poll_interval": 500, "request_capacity": 1000, "monitored_aggregated_stats_refresh_rate": 60000,
				"monitored_stats_running_average_window": 50, "monitored_task_execution_thresholds": map[string]any{
					"default": map[string]any{"error_threshold": 90, "warn_threshold": 80}, "custom": map[string]any{}},
			}},
			"workload": map[string]any{"timestamp": now, "status": "OK", "value": map[string]any{
				"count": tasks, "task_types": map[string]any{
					"alerting:siem.queryRule": map[string]any{"count": rules, "status": map[string]any{"idle": enabled, "running": 0, "unrecognized": rules - enabled}},
				},
				"non_recurring": 2, "owner_ids": 1, "overdue": 0, "overdue_non_recurring": 0,
				"estimated_schedule_density": []any{0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 2, 0, 0, 1, 0},
				"capacity_requirements":      map[string]any{"per_minute": enabled, "per_hour": 6, "per_day": 3},
			}},
			"runtime": map[string]any{"timestamp": now, "status": "OK", "value": map[string]any{
				"polling": map[string]any{"last_successful_poll": now, "last_polling_delay": now, "claim_duration": map[string]any{"p50": 4, "p90": 9, "p95": 12, "p99": 20},
					"duration": map[string]any{"p50": 6, "p90": 14, "p95": 18, "p99": 31}, "claim_conflicts": map[string]any{"p50": 0, "p90": 0, "p95": 0, "p99": 0},
					"claim_mismatches":                   map[string]any{"p50": 0, "p90": 0, "p95": 0, "p99": 0},
					"result_frequency_percent_as_number": map[string]any{"Failed": 0, "NoAvailableWorkers": 0, "NoTasksClaimed": 91, "RanOutOfCapacity": 0, "RunningAtCapacity": 0, "PoolFilled": 9}},
				"drift":                   map[string]any{"p50": 412, "p90": 1630, "p95": 2210, "p99": 3950},
				"load":                    map[string]any{"p50": 10, "p90": 30, "p95": 40, "p99": 60},
				"execution":               map[string]any{"duration": map[string]any{}, "result_frequency_percent_as_number": map[string]any{}},
				"drift_by_type":           map[string]any{},
				"duration_by_persistence": map[string]any{},
			}},
			"capacity_estimation": map[string]any{"timestamp": now, "status": "OK", "value": map[string]any{
				"observed": map[string]any{"observed_kibana_instances": 1, "max_throughput_per_minute": 200, "max_throughput_per_minute_per_kibana": 200,
					"minutes_to_drain_overdue": 0, "avg_required_throughput_per_minute": enabled + 2, "avg_required_throughput_per_minute_per_kibana": enabled + 2,
					"avg_recurring_required_throughput_per_minute": enabled + 1, "avg_recurring_required_throughput_per_minute_per_kibana": enabled + 1},
				"proposed": map[string]any{"provisioned_kibana": 1, "min_required_kibana": 1, "avg_recurring_required_throughput_per_minute_per_kibana": enabled + 1, "avg_required_throughput_per_minute_per_kibana": enabled + 2},
			}},
		},
	})
}

// upgradeStatus says whether the cluster may move to the next major: the
// story's cluster is blocked by Fleet agents too old for it.
func (k *Kibana) upgradeStatus(c *call) {
	old := 0
	for _, sp := range k.spaces {
		for _, a := range sp.fleet.agents.all() {
			if a.active && fleetVersionCompare(a.version, "8.16.0") < 0 {
				old++
			}
		}
	}
	major := 9
	fmt.Sscanf(k.version(), "%d.", &major)
	if old == 0 {
		c.ok(map[string]any{"readyForUpgrade": true, "details": "All deprecation warnings have been resolved."})
		return
	}
	c.ok(map[string]any{"readyForUpgrade": false,
		"details": fmt.Sprintf("The following issues must be resolved before upgrading to %d.0: %d Elasticsearch deprecation issue, 1 Kibana deprecation issue (%d Elastic Agents run a version older than 8.16, which %d.0 does not support).", major+1, 1, old, major+1)})
}

// ---- Seed ----

// The objects the tools' examples name.
const (
	seedShortURLID   = "b6c2d0e4-1f3a-4c5b-8d7e-9f0a1b2c3d4e"
	seedShortURLSlug = "ransomware-triage"
)

// seedAdmin gives a space its short URL, its protection updates note and,
// in the default space, the Kibana-wide Logstash pipelines. It runs after
// every other area (the note names a Fleet integration policy) and draws
// no ids from the sandbox's sequence.
func (k *Kibana) seedAdmin(sp *space) {
	now := k.cfg.Now().UTC()
	host := map[string]string{"default": "fs-02", "soc": "bkp-01"}[sp.id]
	created := now.Add(-6 * time.Hour).UnixMilli()
	sp.admin.shortURLs.put(seedShortURLID, &shortURL{id: seedShortURLID, slug: seedShortURLSlug, locatorID: "DISCOVER_APP_LOCATOR",
		params: map[string]any{"dataViewId": "security-solution-" + sp.id, "timeRange": map[string]any{"from": "now-24h", "to": "now"},
			"query": map[string]any{"language": "kuery", "query": "host.name: " + host + " and event.category: file"}},
		created: created, accessed: now.Add(-time.Hour).UnixMilli(), accessCount: 3})
	for _, pp := range sp.fleet.pkgPolicies.all() {
		if pp.pkgName == "endpoint" && pp.name == "Elastic Defend - servers" {
			sp.endpoint.setNote(pp.id, "Protection updates pinned to last month's artifacts while the new ransomware signatures are validated on the backup servers.")
		}
	}
	if sp.id != "default" {
		return
	}
	sp.admin.pipelines = map[string]*logstashPipeline{
		"dmz_beats": {id: "dmz_beats", description: "Beats from the DMZ hosts, tagged and forwarded.", username: "elastic",
			pipeline:     "input { beats { port => 5044 } }\nfilter { mutate { add_tag => [\"dmz\"] } }\noutput { elasticsearch { hosts => [\"https://es.acme.internal:9200\"] } }",
			settings:     map[string]any{"pipeline.workers": 2, "pipeline.batch.size": 250, "queue.type": "persisted", "queue.max_bytes": "1gb"},
			lastModified: epStamp(now.Add(-40 * 24 * time.Hour))},
		"fw_syslog": {id: "fw_syslog", description: "Firewall syslog, parsed to ECS.", username: "aokafor",
			pipeline:     "input { syslog { port => 5514 } }\nfilter { grok { match => { \"message\" => \"%{SYSLOGLINE}\" } } }\noutput { elasticsearch { hosts => [\"https://es.acme.internal:9200\"] data_stream => true } }",
			settings:     map[string]any{"pipeline.ecs_compatibility": "v8"},
			lastModified: epStamp(now.Add(-9 * 24 * time.Hour))},
	}
}
