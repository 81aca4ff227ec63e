package sandbox

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The APM API: a space's services and their deployments (version
// annotations), central agent configuration, agent API keys, the APM
// Server schema and RUM source maps (Fleet artifacts). APM validates with
// io-ts: its 400s say "Failed to validate" and the path of the value at
// fault (/body/service, /query/start).
//
// What the sandbox approximates: services and deployments are seeded, not
// derived from trace data; annotations are the version annotations Kibana
// derives (a version's first appearance, when more than one version was
// seen in the range); setting values are checked for the common settings
// only (others are any string); an agent key is made up, never usable.

// apmState holds a space's APM data.
type apmState struct {
	services     []*apmService
	configs      []*apmAgentConfig
	keys         []apmAgentKey
	serverSchema map[string]any
	sourceMaps   []*apmSourceMap // newest first
	annotations  []apmAnnotation // created through the API, oldest first
}

// apmAnnotation is a deployment marker created through the API.
type apmAnnotation struct {
	id, service, environment, version, message, created string
	tags                                                []string
	at                                                  time.Time
}

// apmService is a service seen in the space's APM data.
type apmService struct {
	name, agent string
	deploys     map[string][]apmDeploy // by environment ("" for not defined), oldest first
}

// apmDeploy is a version of a service starting to run in an environment.
type apmDeploy struct {
	version string
	at      time.Time
}

// apmAgentConfig is one central agent configuration.
type apmAgentConfig struct {
	id, service, env, agentName string // "" service or env: all of them
	settings                    map[string]string
	at                          int64
	etag                        string
	applied                     bool
}

// apmAgentKey is a created agent API key (its secret is not kept).
type apmAgentKey struct {
	id, name   string
	privileges []string
	created    string
}

// apmSourceMap is an uploaded source map, stored as a Fleet artifact.
type apmSourceMap struct {
	id, identifier, created                     string
	serviceName, serviceVersion, bundleFilepath string
	sourceMap                                   map[string]any
	decodedSha, encodedSha                      string
	decodedSize, encodedSize                    int
	encoded                                     string // base64 of the zlib-compressed content
}

const (
	apmAllEnvironments  = "ENVIRONMENT_ALL"
	apmNoEnvironment    = "ENVIRONMENT_NOT_DEFINED"
	apmAllOptionValue   = "ALL_OPTION_VALUE"
	apmConfigIndex      = ".apm-agent-configuration"
	apmUndefinedMessage = "undefined"
)

func (k *Kibana) apmRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/apm/services/{serviceName}/annotation/search", k.searchAPMAnnotations),
		newRoute(http.MethodPost, "/api/apm/services/{serviceName}/annotation", k.createAPMAnnotation),
		newRoute(http.MethodGet, "/api/apm/settings/agent-configuration", k.listAPMAgentConfigs),
		newRoute(http.MethodPut, "/api/apm/settings/agent-configuration", k.putAPMAgentConfig),
		newRoute(http.MethodDelete, "/api/apm/settings/agent-configuration", k.deleteAPMAgentConfig),
		newRoute(http.MethodGet, "/api/apm/settings/agent-configuration/view", k.viewAPMAgentConfig),
		newRoute(http.MethodPost, "/api/apm/settings/agent-configuration/search", k.searchAPMAgentConfig),
		newRoute(http.MethodGet, "/api/apm/settings/agent-configuration/agent_name", k.apmAgentName),
		newRoute(http.MethodGet, "/api/apm/settings/agent-configuration/environments", k.apmEnvironments),
		newRoute(http.MethodPost, "/api/apm/agent_keys", k.createAPMAgentKey),
		newRoute(http.MethodPost, "/api/apm/fleet/apm_server_schema", k.saveAPMServerSchema),
		newRoute(http.MethodGet, "/api/apm/sourcemaps", k.listAPMSourceMaps),
		newRoute(http.MethodPost, "/api/apm/sourcemaps", k.uploadAPMSourceMap),
		newRoute(http.MethodDelete, "/api/apm/sourcemaps/{id}", k.deleteAPMSourceMap),
	}
}

// apmInvalid answers APM's io-ts 400 for the value at path (absent when
// present is false).
func apmInvalid(c *call, path string, value any, present bool, expected string) {
	shown := apmUndefinedMessage
	if present {
		b, _ := json.Marshal(value)
		shown = string(b)
		if len(shown) > 200 {
			shown = shown[:200] + "…"
		}
	}
	c.badRequest(fmt.Sprintf("Failed to validate: \n\n  in %s: %s does not match expected type %s", path, shown, expected))
}

func (st *apmState) service(name string) *apmService {
	for _, s := range st.services {
		if s.name == name {
			return s
		}
	}
	return nil
}

// --- annotations

func (k *Kibana) searchAPMAnnotations(c *call) {
	q := c.r.URL.Query()
	var bounds [2]time.Time
	for i, name := range []string{"start", "end"} {
		if !q.Has(name) {
			apmInvalid(c, "/query/"+name, nil, false, "isoToEpochRt")
			return
		}
		t, err := time.Parse(time.RFC3339Nano, q.Get(name))
		if err != nil {
			apmInvalid(c, "/query/"+name, q.Get(name), true, "isoToEpochRt")
			return
		}
		bounds[i] = t
	}
	if !q.Has("environment") || q.Get("environment") == "" {
		apmInvalid(c, "/query/environment", nil, q.Has("environment"), "(\"ENVIRONMENT_NOT_DEFINED\" | \"ENVIRONMENT_ALL\" | NonEmptyString)")
		return
	}
	start, end, env := bounds[0], bounds[1], q.Get("environment")
	annotations := []any{}
	for _, a := range c.space.platform.apm.annotations {
		if a.service != c.param("serviceName") || a.at.Before(start) || a.at.After(end) ||
			env != apmAllEnvironments && !(env == apmNoEnvironment && a.environment == "") && env != a.environment {
			continue
		}
		annotations = append(annotations, map[string]any{"type": "version", "id": a.id, "@timestamp": a.at.UnixMilli(), "text": a.message})
	}
	svc := c.space.platform.apm.service(c.param("serviceName"))
	if svc == nil {
		c.ok(map[string]any{"annotations": annotations})
		return
	}
	now := c.k.cfg.Now()
	firstSeen := map[string]time.Time{}
	seenInRange := map[string]bool{}
	for e, deploys := range svc.deploys {
		switch {
		case env == apmAllEnvironments:
		case env == apmNoEnvironment && e == "":
		case env == e:
		default:
			continue
		}
		for i, d := range deploys {
			until := now
			if i+1 < len(deploys) {
				until = deploys[i+1].at
			}
			if first, ok := firstSeen[d.version]; !ok || d.at.Before(first) {
				firstSeen[d.version] = d.at
			}
			if !d.at.After(end) && !until.Before(start) {
				seenInRange[d.version] = true
			}
		}
	}
	if len(seenInRange) > 1 {
		versions := slices.Collect(maps.Keys(seenInRange))
		slices.SortFunc(versions, func(a, b string) int { return firstSeen[a].Compare(firstSeen[b]) })
		for _, v := range versions {
			at := firstSeen[v]
			if at.Before(start) || at.After(end) {
				continue
			}
			annotations = append(annotations, map[string]any{"type": "version", "id": v, "@timestamp": at.UnixMilli(), "text": v})
		}
	}
	c.ok(map[string]any{"annotations": annotations})
}

// createAPMAnnotation stores a deployment marker; search finds it. The
// message defaults to the version, as Kibana's does, and the tags gain apm.
func (k *Kibana) createAPMAnnotation(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, []cfgField{
		{name: "@timestamp", kind: "string", required: true},
		{name: "service", kind: "object", required: true, fields: []cfgField{
			{name: "version", kind: "string", required: true}, {name: "environment", kind: "string"},
		}},
		{name: "message", kind: "string"}, {name: "tags", kind: "strings"},
	}, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	at, err := time.Parse(time.RFC3339Nano, body["@timestamp"].(string))
	if err != nil {
		apmInvalid(c, "/body/@timestamp", body["@timestamp"], true, "isoToEpochRt")
		return
	}
	svc := body["service"].(map[string]any)
	a := apmAnnotation{id: k.newID(), service: c.param("serviceName"), version: svc["version"].(string), at: at, created: k.now(),
		tags: append([]string{"apm"}, cfgStringList(body["tags"])...)}
	a.environment, _ = svc["environment"].(string)
	a.message, _ = body["message"].(string)
	if a.message == "" {
		a.message = a.version
	}
	st := &c.space.platform.apm
	st.annotations = append(st.annotations, a)
	service := map[string]any{"name": a.service, "version": a.version}
	if a.environment != "" {
		service["environment"] = a.environment
	}
	c.ok(map[string]any{"_id": a.id, "_index": "observability-annotations", "_source": map[string]any{
		"annotation": map[string]any{"type": "deployment", "title": a.message}, "service": service, "message": a.message,
		"tags": cfgStrings(a.tags), "@timestamp": epStamp(a.at), "event": map[string]any{"created": a.created},
	}})
}

// --- agent configuration

func (cfg *apmAgentConfig) source() map[string]any {
	service := map[string]any{}
	if cfg.service != "" {
		service["name"] = cfg.service
	}
	if cfg.env != "" {
		service["environment"] = cfg.env
	}
	settings := map[string]any{}
	for k, v := range cfg.settings {
		settings[k] = v
	}
	doc := map[string]any{"service": service, "settings": settings, "@timestamp": cfg.at, "etag": cfg.etag, "applied_by_agent": cfg.applied}
	if cfg.agentName != "" {
		doc["agent_name"] = cfg.agentName
	}
	return doc
}

// apmEtag is the hash Kibana keeps of a configuration's content.
func apmEtag(service, env, agentName string, settings map[string]string) string {
	b, _ := json.Marshal([]any{service, env, agentName, settings})
	sum := sha1.Sum(b)
	return hex.EncodeToString(sum[:])
}

func (k *Kibana) listAPMAgentConfigs(c *call) {
	out := make([]any, 0, len(c.space.platform.apm.configs))
	for _, cfg := range c.space.platform.apm.configs {
		out = append(out, cfg.source())
	}
	c.ok(map[string]any{"configurations": out})
}

// apmServiceArg reads the service member of a body: {name?, environment?}.
func apmServiceArg(c *call) (name, env string, ok bool) {
	raw, present := c.body["service"]
	m, isObject := raw.(map[string]any)
	if !present || !isObject {
		apmInvalid(c, "/body/service", raw, present, "{ name: string, environment: string }")
		return "", "", false
	}
	for _, key := range []string{"name", "environment"} {
		if v, present := m[key]; present {
			if _, isString := v.(string); !isString {
				apmInvalid(c, "/body/service/"+key, v, true, "string")
				return "", "", false
			}
		}
	}
	name, _ = m["name"].(string)
	env, _ = m["environment"].(string)
	return name, env, true
}

// apmRequireBody answers APM's 400 for a request without a JSON object.
func apmRequireBody(c *call, first string) bool {
	if c.body == nil {
		apmInvalid(c, "/body/"+first, nil, false, "object")
		return false
	}
	return true
}

// apmSettingChecks are the value rules of the common agent settings.
var apmSettingChecks = map[string]struct {
	ok       func(string) bool
	expected string
}{
	"transaction_sample_rate": {func(s string) bool {
		f, err := strconv.ParseFloat(s, 64)
		return err == nil && f >= 0 && f <= 1 && apmRatePattern().MatchString(s)
	}, "floatThreeDecimalPlacesRt (0 to 1)"},
	"capture_body":             {apmOneOf("off", "errors", "transactions", "all"), `("off" | "errors" | "transactions" | "all")`},
	"log_level":                {apmOneOf("trace", "debug", "info", "warning", "warn", "error", "critical", "off"), `("trace" | "debug" | "info" | "warning" | "warn" | "error" | "critical" | "off")`},
	"transaction_max_spans":    {apmIntegerIn(0, 32000), "integerRt (0 to 32000)"},
	"stack_trace_limit":        {apmIntegerIn(-1, 1000000), "integerRt"},
	"recording":                {apmOneOf("true", "false"), "booleanRt"},
	"enable_log_correlation":   {apmOneOf("true", "false"), "booleanRt"},
	"capture_headers":          {apmOneOf("true", "false"), "booleanRt"},
	"span_frames_min_duration": {apmDurationPattern().MatchString, "durationRt"},
	"api_request_time":         {apmDurationPattern().MatchString, "durationRt"},
	"server_timeout":           {apmDurationPattern().MatchString, "durationRt"},
}

var (
	apmRatePattern     = lazyRegexp(`^\d+(\.\d{1,3})?$`)
	apmDurationPattern = lazyRegexp(`^-?\d+(ms|s|m)$`)
)

func apmOneOf(values ...string) func(string) bool {
	return func(s string) bool { return slices.Contains(values, s) }
}

func apmIntegerIn(lo, hi int) func(string) bool {
	return func(s string) bool {
		n, err := strconv.Atoi(s)
		return err == nil && n >= lo && n <= hi
	}
}

// findExact is the configuration stored for exactly this service and
// environment.
func (st *apmState) findExact(service, env string) *apmAgentConfig {
	for _, cfg := range st.configs {
		if cfg.service == service && cfg.env == env {
			return cfg
		}
	}
	return nil
}

// apmUnset renders an omitted service name or environment as Kibana's
// messages do.
func apmUnset(s string) string {
	if s == "" {
		return "undefined"
	}
	return s
}

func (k *Kibana) putAPMAgentConfig(c *call) {
	overwrite, ok := platQueryBool(c, "overwrite")
	if !ok || !apmRequireBody(c, "service") {
		return
	}
	service, env, ok := apmServiceArg(c)
	if !ok {
		return
	}
	raw, present := c.body["settings"]
	settingsIn, isObject := raw.(map[string]any)
	if !present || !isObject {
		apmInvalid(c, "/body/settings", raw, present, "{ [K in string]: string }")
		return
	}
	settings := map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(settingsIn)) {
		s, isString := settingsIn[key].(string)
		if !isString {
			apmInvalid(c, "/body/settings/"+key, settingsIn[key], true, "string")
			return
		}
		if check, known := apmSettingChecks[key]; known && !check.ok(s) {
			apmInvalid(c, "/body/settings/"+key, s, true, check.expected)
			return
		}
		settings[key] = s
	}
	agentName := ""
	if v, present := c.body["agent_name"]; present {
		s, isString := v.(string)
		if !isString {
			apmInvalid(c, "/body/agent_name", v, true, "string")
			return
		}
		agentName = s
	}
	st := &c.space.platform.apm
	cfg := st.findExact(service, env)
	if cfg != nil && !overwrite {
		c.badRequest(fmt.Sprintf("A configuration already exists for \"%s\" / \"%s\". Use ?overwrite=true to overwrite the existing configuration.", apmUnset(service), apmUnset(env)))
		return
	}
	if cfg == nil {
		cfg = &apmAgentConfig{id: k.newID(), service: service, env: env}
		st.configs = append(st.configs, cfg)
	}
	cfg.agentName, cfg.settings = agentName, settings
	cfg.at = k.cfg.Now().UnixMilli()
	cfg.etag = apmEtag(service, env, agentName, settings)
	cfg.applied = false
	c.ok(map[string]any{})
}

func (k *Kibana) deleteAPMAgentConfig(c *call) {
	if !apmRequireBody(c, "service") {
		return
	}
	service, env, ok := apmServiceArg(c)
	if !ok {
		return
	}
	st := &c.space.platform.apm
	cfg := st.findExact(service, env)
	if cfg == nil {
		c.notFound(fmt.Sprintf("Config was not found for %s/%s", apmUnset(service), apmUnset(env)))
		return
	}
	st.configs = slices.DeleteFunc(st.configs, func(x *apmAgentConfig) bool { return x == cfg })
	c.ok(map[string]any{"result": "deleted"})
}

func (k *Kibana) viewAPMAgentConfig(c *call) {
	service, env := c.query("name"), c.query("environment")
	cfg := c.space.platform.apm.findExact(service, env)
	if cfg == nil {
		c.notFound(fmt.Sprintf("Config was not found for %s/%s", apmUnset(service), apmUnset(env)))
		return
	}
	doc := cfg.source()
	doc["id"] = cfg.id
	c.ok(doc)
}

func (k *Kibana) searchAPMAgentConfig(c *call) {
	if !apmRequireBody(c, "service") {
		return
	}
	service, env, ok := apmServiceArg(c)
	if !ok {
		return
	}
	etag, present := c.body["etag"]
	if _, isString := etag.(string); present && !isString {
		apmInvalid(c, "/body/etag", etag, true, "string")
		return
	}
	mark, present := c.body["mark_as_applied_by_agent"]
	if _, isBool := mark.(bool); present && !isBool {
		apmInvalid(c, "/body/mark_as_applied_by_agent", mark, true, "boolean")
		return
	}
	// As Kibana's query: two of "name matches", "environment matches",
	// "for every service", "for every environment"; a matching name
	// scores 2, a matching environment 1.
	var best *apmAgentConfig
	bestScore := -1
	for _, cfg := range c.space.platform.apm.configs {
		nameMatch := service != "" && cfg.service == service
		envMatch := env != "" && cfg.env == env
		hits := 0
		for _, b := range []bool{nameMatch, envMatch, cfg.service == "", cfg.env == ""} {
			if b {
				hits++
			}
		}
		score := 2*cfgBoolInt(nameMatch) + cfgBoolInt(envMatch)
		if hits >= 2 && score > bestScore {
			best, bestScore = cfg, score
		}
	}
	if best == nil {
		c.notFound(fmt.Sprintf("No configuration was found for %s/%s", apmUnset(service), apmUnset(env)))
		return
	}
	if (etag == best.etag || mark == true) && !best.applied {
		best.applied = true
	}
	c.ok(map[string]any{"_index": apmConfigIndex, "_id": best.id, "_score": float64(bestScore) + 1, "_source": best.source()})
}

func (k *Kibana) apmAgentName(c *call) {
	if !c.r.URL.Query().Has("serviceName") {
		apmInvalid(c, "/query/serviceName", nil, false, "string")
		return
	}
	svc := c.space.platform.apm.service(c.query("serviceName"))
	if svc == nil {
		c.ok(map[string]any{})
		return
	}
	c.ok(map[string]any{"agentName": svc.agent})
}

func (k *Kibana) apmEnvironments(c *call) {
	serviceName := c.query("serviceName")
	st := &c.space.platform.apm
	seen := map[string]bool{}
	var envs []string
	for _, svc := range st.services {
		if serviceName != "" && svc.name != serviceName {
			continue
		}
		for _, e := range slices.Sorted(maps.Keys(svc.deploys)) {
			if e == "" {
				e = apmNoEnvironment
			}
			if !seen[e] {
				seen[e] = true
				envs = append(envs, e)
			}
		}
	}
	slices.Sort(envs)
	configured := map[string]bool{}
	for _, cfg := range st.configs {
		if cfg.service != serviceName {
			continue
		}
		if cfg.env == "" {
			configured[apmAllOptionValue] = true
		} else {
			configured[cfg.env] = true
		}
	}
	out := []any{}
	for _, e := range append([]string{apmAllOptionValue}, envs...) {
		out = append(out, map[string]any{"name": e, "alreadyConfigured": configured[e]})
	}
	c.ok(map[string]any{"environments": out})
}

// --- agent keys and the APM Server schema

func (k *Kibana) createAPMAgentKey(c *call) {
	if !apmRequireBody(c, "name") {
		return
	}
	name, isString := c.body["name"].(string)
	if !isString {
		v, present := c.body["name"]
		apmInvalid(c, "/body/name", v, present, "string")
		return
	}
	raw, present := c.body["privileges"]
	list, isArray := raw.([]any)
	if !present || !isArray || len(list) == 0 {
		apmInvalid(c, "/body/privileges", raw, present, `Array<("event:write" | "config_agent:read")> (at least one)`)
		return
	}
	privileges := make([]string, 0, len(list))
	for i, p := range list {
		s, _ := p.(string)
		if s != "event:write" && s != "config_agent:read" {
			apmInvalid(c, fmt.Sprintf("/body/privileges/%d", i), p, true, `("event:write" | "config_agent:read")`)
			return
		}
		privileges = append(privileges, s)
	}
	id, secret := apmToken(k.newID(), 20), apmToken(k.newID(), 22)
	st := &c.space.platform.apm
	st.keys = append(st.keys, apmAgentKey{id: id, name: name, privileges: privileges, created: k.now()})
	c.ok(map[string]any{"agentKey": map[string]any{
		"id":      id,
		"name":    name,
		"api_key": secret,
		"encoded": base64.StdEncoding.EncodeToString([]byte(id + ":" + secret)),
	}})
}

// apmToken turns a fresh sandbox id into an Elasticsearch-looking
// identifier of n characters.
func apmToken(seed string, n int) string {
	sum := sha256.Sum256([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:n]
}

func (k *Kibana) saveAPMServerSchema(c *call) {
	if !apmRequireBody(c, "schema") {
		return
	}
	raw, present := c.body["schema"]
	schema, isObject := raw.(map[string]any)
	if !present || !isObject {
		apmInvalid(c, "/body/schema", raw, present, "{ [K in string]: unknown }")
		return
	}
	c.space.platform.apm.serverSchema = cfgClone(schema)
	c.ok(map[string]any{})
}

// --- source maps

// newAPMSourceMap builds the Fleet artifact of a source map upload.
func newAPMSourceMap(serviceName, serviceVersion, bundle string, sourceMap map[string]any, created string) *apmSourceMap {
	decoded, _ := json.Marshal(map[string]any{"serviceName": serviceName, "serviceVersion": serviceVersion, "bundleFilepath": bundle, "sourceMap": sourceMap})
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(decoded)
	w.Close()
	dsum, esum := sha256.Sum256(decoded), sha256.Sum256(z.Bytes())
	identifier := serviceName + "-" + serviceVersion
	return &apmSourceMap{
		id: "apm:" + identifier + "-" + hex.EncodeToString(dsum[:]), identifier: identifier, created: created,
		serviceName: serviceName, serviceVersion: serviceVersion, bundleFilepath: bundle, sourceMap: sourceMap,
		decodedSha: hex.EncodeToString(dsum[:]), encodedSha: hex.EncodeToString(esum[:]),
		decodedSize: len(decoded), encodedSize: z.Len(), encoded: base64.StdEncoding.EncodeToString(z.Bytes()),
	}
}

// doc is the artifact as the API answers it; body is the decoded content
// (list) or the encoded one (upload).
func (a *apmSourceMap) doc(decodedBody bool) map[string]any {
	var body any = a.encoded
	if decodedBody {
		body = map[string]any{"serviceName": a.serviceName, "serviceVersion": a.serviceVersion, "bundleFilepath": a.bundleFilepath, "sourceMap": cfgClone(a.sourceMap)}
	}
	return map[string]any{
		"id":                   a.id,
		"type":                 "sourcemap",
		"identifier":           a.identifier,
		"relative_url":         "/api/fleet/artifacts/" + a.identifier + "/" + a.decodedSha,
		"body":                 body,
		"created":              a.created,
		"compressionAlgorithm": "zlib",
		"encryptionAlgorithm":  "none",
		"decodedSha256":        a.decodedSha,
		"decodedSize":          a.decodedSize,
		"encodedSha256":        a.encodedSha,
		"encodedSize":          a.encodedSize,
		"packageName":          "apm",
	}
}

func (k *Kibana) listAPMSourceMaps(c *call) {
	var bounds [2]int
	for i, name := range []string{"page", "perPage"} {
		bounds[i] = []int{1, 20}[i]
		if s := c.query(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				apmInvalid(c, "/query/"+name, s, true, "toNumberRt (at least 1)")
				return
			}
			bounds[i] = n
		}
	}
	all := c.space.platform.apm.sourceMaps
	from, to := platPage(len(all), bounds[0], bounds[1])
	out := make([]any, 0, to-from)
	for _, a := range all[from:to] {
		out = append(out, a.doc(true))
	}
	c.ok(map[string]any{"artifacts": out, "total": len(all)})
}

func (k *Kibana) uploadAPMSourceMap(c *call) {
	if c.form == nil && len(bytes.TrimSpace(c.rawBody)) > 0 {
		c.answered = true
		writeError(c.w, http.StatusUnsupportedMediaType, "Unsupported Media Type")
		return
	}
	field := func(name string) (string, bool) {
		if c.form == nil || len(c.form.Value[name]) == 0 {
			return "", false
		}
		return c.form.Value[name][0], true
	}
	values := map[string]string{}
	for _, name := range []string{"service_name", "service_version", "bundle_filepath"} {
		v, ok := field(name)
		if !ok {
			apmInvalid(c, "/body/"+name, nil, false, "string")
			return
		}
		values[name] = v
	}
	text, ok := field("sourcemap")
	if !ok && c.form != nil && len(c.form.File["sourcemap"]) > 0 {
		f, err := c.form.File["sourcemap"][0].Open()
		if err == nil {
			b, _ := io.ReadAll(f)
			f.Close()
			text, ok = string(b), true
		}
	}
	if !ok {
		apmInvalid(c, "/body/sourcemap", nil, false, "(string | File)")
		return
	}
	var sourceMap map[string]any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&sourceMap); err != nil || sourceMap == nil {
		apmInvalid(c, "/body/sourcemap", text, true, "JSON of a source map object")
		return
	}
	if msg := apmCheckSourceMap(sourceMap); msg != "" {
		c.badRequest(msg)
		return
	}
	a := newAPMSourceMap(values["service_name"], values["service_version"], values["bundle_filepath"], sourceMap, k.now())
	st := &c.space.platform.apm
	st.sourceMaps = slices.DeleteFunc(st.sourceMaps, func(x *apmSourceMap) bool { return x.id == a.id })
	st.sourceMaps = append([]*apmSourceMap{a}, st.sourceMaps...)
	c.ok(a.doc(false))
}

// apmCheckSourceMap checks a source map as Kibana's sourceMapRt does
// (revision 3 required).
func apmCheckSourceMap(m map[string]any) string {
	invalid := func(member string, v any, present bool, expected string) string {
		shown := apmUndefinedMessage
		if present {
			b, _ := json.Marshal(v)
			shown = string(b)
		}
		return fmt.Sprintf("Failed to validate: \n\n  in /body/sourcemap/%s: %s does not match expected type %s", member, shown, expected)
	}
	v, present := m["version"]
	if n, isNumber := v.(json.Number); !present || !isNumber || n.String() != "3" {
		return invalid("version", v, present, "3")
	}
	for _, member := range []string{"sources", "names"} {
		v, present := m[member]
		if !present && member == "names" {
			continue
		}
		list, isArray := v.([]any)
		if !isArray {
			return invalid(member, v, present, "Array<string>")
		}
		for i, e := range list {
			if _, isString := e.(string); !isString {
				return invalid(fmt.Sprintf("%s/%d", member, i), e, true, "string")
			}
		}
	}
	if v, present := m["mappings"]; !present {
		return invalid("mappings", nil, false, "string")
	} else if _, isString := v.(string); !isString {
		return invalid("mappings", v, true, "string")
	}
	for _, member := range []string{"file", "sourceRoot"} {
		if v, present := m[member]; present {
			if _, isString := v.(string); !isString {
				return invalid(member, v, true, "string")
			}
		}
	}
	if v, present := m["sourcesContent"]; present {
		list, isArray := v.([]any)
		if !isArray {
			return invalid("sourcesContent", v, true, "Array<(string | null)>")
		}
		for i, e := range list {
			if _, isString := e.(string); !isString && e != nil {
				return invalid(fmt.Sprintf("sourcesContent/%d", i), e, true, "(string | null)")
			}
		}
	}
	return ""
}

func (k *Kibana) deleteAPMSourceMap(c *call) {
	st := &c.space.platform.apm
	id := c.param("id")
	n := len(st.sourceMaps)
	st.sourceMaps = slices.DeleteFunc(st.sourceMaps, func(a *apmSourceMap) bool { return a.id == id })
	if len(st.sourceMaps) == n {
		c.notFound(fmt.Sprintf("Artifact [%s] not found", id))
		return
	}
	c.ok(map[string]any{})
}

// --- seed

// seedAPM gives a space the story's services (checkout, frontend,
// payments) with a few weeks of deployments, their agent configurations
// and a source map of the frontend.
func (k *Kibana) seedAPM(sp *space, rng *rand.Rand) {
	now := k.cfg.Now().UTC()
	st := &sp.platform.apm
	for _, s := range []struct {
		name, agent string
		major       int
		envs        []string
	}{
		{"checkout", "java", 2, []string{"production", "staging"}},
		{"frontend", "rum-js", 5, []string{"production", ""}},
		{"payments", "go", 1, []string{"production", "staging"}},
	} {
		svc := &apmService{name: s.name, agent: s.agent, deploys: map[string][]apmDeploy{}}
		// Six releases, the newest one to three days ago, every three to
		// six days before; staging gets each a day before production.
		at := now.Add(-time.Duration(24+rng.IntN(48)) * time.Hour).Truncate(time.Minute)
		var releases []apmDeploy
		for i := 0; i < 6; i++ {
			releases = append(releases, apmDeploy{version: fmt.Sprintf("%d.%d.%d", s.major, 14-i, rng.IntN(3)), at: at})
			at = at.Add(-time.Duration(72+rng.IntN(72)) * time.Hour)
		}
		slices.Reverse(releases)
		for _, env := range s.envs {
			shift := time.Duration(0)
			if env == "staging" {
				shift = -24 * time.Hour
			}
			for _, r := range releases {
				svc.deploys[env] = append(svc.deploys[env], apmDeploy{version: r.version, at: r.at.Add(shift)})
			}
		}
		st.services = append(st.services, svc)
	}
	for i, cfg := range []*apmAgentConfig{
		{settings: map[string]string{"transaction_sample_rate": "1.0", "capture_body": "off"}, applied: true},
		{service: "checkout", env: "production", agentName: "java", settings: map[string]string{"transaction_sample_rate": "0.2", "capture_body": "errors", "log_level": "warn"}, applied: true},
		{service: "frontend", agentName: "rum-js", settings: map[string]string{"transaction_sample_rate": "0.5"}},
		{service: "payments", env: "staging", agentName: "go", settings: map[string]string{"recording": "true", "transaction_max_spans": "1000"}, applied: true},
	} {
		cfg.id = k.newID()
		cfg.at = now.Add(-time.Duration(10-2*i)*24*time.Hour - time.Duration(rng.IntN(600))*time.Minute).UnixMilli()
		cfg.etag = apmEtag(cfg.service, cfg.env, cfg.agentName, cfg.settings)
		st.configs = append(st.configs, cfg)
	}
	frontend := st.service("frontend").deploys["production"]
	for _, d := range frontend[len(frontend)-2:] {
		sourceMap := map[string]any{
			"version":        json.Number("3"),
			"file":           "static/js/main.js",
			"sources":        []any{"webpack:///src/index.js", "webpack:///src/cart.js", "webpack:///src/checkout.js"},
			"sourcesContent": []any{"import './cart';", "export const cart = [];", "export function pay() {}"},
			"names":          []any{"cart", "pay"},
			"mappings":       "AAAA,OAAO;AACA,OAAO,MAAMA",
			"sourceRoot":     "",
		}
		a := newAPMSourceMap("frontend", d.version, "http://shop.example.com/static/js/main.js", sourceMap, kibanaTimestamp(d.at.Add(-10*time.Minute)))
		st.sourceMaps = append([]*apmSourceMap{a}, st.sourceMaps...)
	}
}
