package tools

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// Kibana's own platform: the features it offers (what spaces and roles
// grant), the task manager's health (rules and other background work run
// on it), whether the cluster is ready for the next major version, short
// URLs for sharing a view, centrally managed Logstash pipelines and the
// Uptime app's settings.
var platformOperations = []*operation.Operation{
	{
		Name:        "list_kibana_features",
		Title:       "List Kibana features",
		Description: "List Kibana's features (siemV3, fleetv2, ml…) with their apps and privileges: what spaces can disable and roles can grant.",
		Toolset:     "platform",
		Method:      http.MethodGet,
		Path:        "/api/features",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       NoPlatformArgs{},
		Examples:    []string{`{}`},
	},
	{
		Name:        "get_task_manager_health",
		Title:       "Get task manager health",
		Description: "Read the task manager's health: status, configuration, workload, runtime drift and capacity. Check it when rules run late or not at all.",
		Toolset:     "platform",
		Method:      http.MethodGet,
		Path:        "/api/task_manager/_health",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       NoPlatformArgs{},
		Examples:    []string{`{}`},
	},
	{
		Name:        "get_upgrade_status",
		Title:       "Get upgrade readiness",
		Description: "Say whether the cluster is ready to upgrade to the next major version, and what blocks it.",
		Toolset:     "platform",
		Method:      http.MethodGet,
		Path:        "/api/upgrade_assistant/status",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       NoPlatformArgs{},
		Examples:    []string{`{}`},
	},
	{
		Name:         "create_short_url",
		Availability: shortURLAvailability,
		Title:        "Create short URL",
		Description:  "Make a short, shareable URL for a Kibana view (a locator and its params); answers its id and slug (open /goto/<slug>).",
		Toolset:      "platform",
		Method:       http.MethodPost,
		Path:         "/api/short_url",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Input:        CreateShortURLInput{},
		Examples: []string{
			`{"locatorId":"DISCOVER_APP_LOCATOR","params":{"dataViewId":"security-solution-default","query":{"language":"kuery","query":"host.name: ws-0142"},"timeRange":{"from":"now-24h","to":"now"}}}`,
			`{"locatorId":"DASHBOARD_APP_LOCATOR","params":{"dashboardId":"7adfa750-4c81-11e8-b3d7-01146121b73d","timeRange":{"from":"now-7d","to":"now"}},"slug":"ransomware-fs-02","space_id":"soc"}`,
			`{"locatorId":"LEGACY_SHORT_URL_LOCATOR","params":{"url":"/app/security/alerts"},"humanReadableSlug":true}`,
		},
	},
	{
		Name:         "get_short_url",
		Availability: shortURLAvailability,
		Title:        "Get short URL",
		Description:  "Read a short URL by id: its locator, params, slug and how often it was opened.",
		Toolset:      "platform",
		Method:       http.MethodGet,
		Path:         "/api/short_url/{id}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        ShortURLIDInput{},
		Examples: []string{
			`{"id":"` + sandboxShortURLID + `"}`,
			`{"id":"` + sandboxShortURLID + `","space_id":"soc"}`,
		},
	},
	{
		Name:         "resolve_short_url",
		Availability: shortURLAvailability,
		Title:        "Resolve short URL",
		Description:  "Find what a shared short URL points to, by its slug (the part after /goto/).",
		Toolset:      "platform",
		Method:       http.MethodGet,
		Path:         "/api/short_url/_slug/{slug}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        ResolveShortURLInput{},
		Examples: []string{
			`{"slug":"` + sandboxShortURLSlug + `"}`,
			`{"slug":"` + sandboxShortURLSlug + `","space_id":"soc"}`,
		},
	},
	{
		Name:         "delete_short_url",
		Availability: shortURLAvailability,
		Title:        "Delete short URL",
		Description:  "Delete a short URL; links that use it stop working. Cannot be undone.",
		Toolset:      "platform",
		Method:       http.MethodDelete,
		Path:         "/api/short_url/{id}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        ShortURLIDInput{},
		Examples: []string{
			`{"id":"` + sandboxShortURLID + `"}`,
			`{"id":"` + sandboxShortURLID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "list_logstash_pipelines",
		Title:       "List Logstash pipelines",
		Description: "List the centrally managed Logstash pipelines: id, description, last change and by whom.",
		Toolset:     "platform",
		Method:      http.MethodGet,
		Path:        "/api/logstash/pipelines",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       NoPlatformArgs{},
		Examples:    []string{`{}`},
	},
	{
		Name:        "get_logstash_pipeline",
		Title:       "Get Logstash pipeline",
		Description: "Read one centrally managed Logstash pipeline: its definition and settings.",
		Toolset:     "platform",
		Method:      http.MethodGet,
		Path:        "/api/logstash/pipeline/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       LogstashPipelineIDInput{},
		Examples:    []string{`{"id":"` + sandboxLogstashPipeline + `"}`},
	},
	{
		Name:        "put_logstash_pipeline",
		Title:       "Create or replace Logstash pipeline",
		Description: "Create a centrally managed Logstash pipeline, or replace one: definition, description and settings all take the given values.",
		Toolset:     "platform",
		Method:      http.MethodPut,
		Path:        "/api/logstash/pipeline/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       PutLogstashPipelineInput{},
		Examples: []string{
			`{"id":"dmz_syslog","pipeline":"input { syslog { port => 5514 } }\noutput { elasticsearch { hosts => [\"https://es.acme.internal:9200\"] } }"}`,
			`{"id":"` + sandboxLogstashPipeline + `","description":"Beats from the DMZ, tagged and sent on.","pipeline":"input { beats { port => 5044 } }\nfilter { mutate { add_tag => [\"dmz\"] } }\noutput { elasticsearch { hosts => [\"https://es.acme.internal:9200\"] } }","settings":{"pipeline.workers":2,"pipeline.batch.size":250,"pipeline.batch.delay":50,"pipeline.ecs_compatibility":"v8","pipeline.ordered":"auto","queue.type":"persisted","queue.max_bytes":"1gb","queue.checkpoint.writes":1024}}`,
		},
	},
	{
		Name:        "delete_logstash_pipeline",
		Title:       "Delete Logstash pipeline",
		Description: "Delete a centrally managed Logstash pipeline; Logstash instances running it stop it. Cannot be undone.",
		Toolset:     "platform",
		Method:      http.MethodDelete,
		Path:        "/api/logstash/pipeline/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       LogstashPipelineIDInput{},
		Examples:    []string{`{"id":"` + sandboxLogstashPipeline + `"}`},
	},
	{
		Name:         "get_uptime_settings",
		Availability: uptimeAvailability,
		Title:        "Get Uptime settings",
		Description:  "Read the Uptime app's settings: Heartbeat indices, TLS certificate thresholds, default connectors and email.",
		Toolset:      "platform",
		Method:       http.MethodGet,
		Path:         "/api/uptime/settings",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        NoPlatformArgs{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "update_uptime_settings",
		Availability: uptimeAvailability,
		Title:        "Update Uptime settings",
		Description:  "Change some Uptime settings; given members replace the stored ones (lists whole), others stay.",
		Toolset:      "platform",
		Method:       http.MethodPut,
		Path:         "/api/uptime/settings",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Overwrites:   true,
		Admin:        true,
		Input:        UpdateUptimeSettingsInput{},
		Examples: []string{
			`{"certExpirationThreshold":14}`,
			`{"heartbeatIndices":"heartbeat-8*,synthetics-*","certAgeThreshold":365,"certExpirationThreshold":21,"defaultConnectors":["` + sandboxUptimeConnector + `"],"defaultEmail":{"to":["noc@example.com"],"cc":[],"bcc":["audit@example.com"]},"space_id":"soc"}`,
		},
	},
	{
		// No x-state; the route predates 8.0. Serverless projects serve it
		// too (start-up reads the flavour from it), unlike most of the
		// platform toolset.
		Name:         "get_kibana_status",
		Availability: &operation.Availability{Serverless: true},
		Title:        "Get Kibana status",
		Description:  "Read Kibana's version, overall status level and the level of each core service and plugin; check it when Kibana seems degraded.",
		Toolset:      "platform",
		Method:       http.MethodGet,
		Path:         "/api/status",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        KibanaStatusInput{},
		Examples:     []string{`{}`, `{"v8format":true}`},
	},
}

// KibanaStatusInput picks the answer's shape; v8 is the default since 8.0.
type KibanaStatusInput struct {
	V7Format bool `json:"v7format,omitempty" in:"query" jsonschema_description:"Deprecated older shape."`
	V8Format bool `json:"v8format,omitempty" in:"query"`
}

// Prepare refuses asking for both shapes, which Kibana refuses.
func (in *KibanaStatusInput) Prepare() error {
	if in.V7Format && in.V8Format {
		return &schema.ArgumentError{Field: "v7format", Rule: "give v7format or v8format, not both"}
	}
	return nil
}

// The sandbox objects the examples reach: a seeded short URL (in every
// space), a seeded Logstash pipeline and a made-up connector.
const (
	sandboxShortURLID       = "b6c2d0e4-1f3a-4c5b-8d7e-9f0a1b2c3d4e"
	sandboxShortURLSlug     = "ransomware-triage"
	sandboxLogstashPipeline = "dmz_beats"
	sandboxUptimeConnector  = "5f1d2c3b-4a59-4e8d-9c7b-6a5f4e3d2c1b"
)

// Availability of some platform routes, where it differs from the
// toolset's (which declares none, and no serverless: task manager health,
// Logstash management and the upgrade assistant are stack-only, and
// whether serverless answers /api/features is not documented).
var (
	// Short URLs (the locator-based API, 8.0 on) are in serverless projects too.
	shortURLAvailability = &operation.Availability{Serverless: true}
	// The Uptime app's feature id is uptime; no serverless project has it.
	uptimeAvailability = &operation.Availability{Feature: "uptime"}
)

// NoPlatformArgs is the input of a platform read without parameters.
type NoPlatformArgs struct{}

// ShortURLIDInput names a short URL by id.
type ShortURLIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From create_short_url or resolve_short_url."`
}

// ResolveShortURLInput names a short URL by slug.
type ResolveShortURLInput struct {
	Slug string `json:"slug" in:"path" jsonschema:"required,minLength=1"`
}

// CreateShortURLInput is a new short URL.
type CreateShortURLInput struct {
	LocatorID         string         `json:"locatorId" jsonschema:"required,minLength=1" jsonschema_description:"E.g. DISCOVER_APP_LOCATOR, DASHBOARD_APP_LOCATOR, LEGACY_SHORT_URL_LOCATOR (params {url})."`
	Params            map[string]any `json:"params" jsonschema:"required" jsonschema_description:"The locator's params; Kibana stores them unchecked, so keep them well formed."`
	Slug              string         `json:"slug,omitempty" jsonschema:"minLength=3,maxLength=255,pattern=^[a-zA-Z0-9._-]+$" jsonschema_description:"Custom slug; default random."`
	HumanReadableSlug bool           `json:"humanReadableSlug,omitempty" jsonschema_description:"Without slug: pick words, not random letters."`
}

// Prepare refuses a slug with the readable-slug switch: one says what the
// slug is, the other asks Kibana to pick it.
func (in *CreateShortURLInput) Prepare() error {
	if in.Slug != "" && in.HumanReadableSlug {
		return &schema.ArgumentError{Field: "humanReadableSlug", Rule: "is for when slug is left out; give one or the other"}
	}
	return nil
}

// LogstashPipelineIDInput names a pipeline.
type LogstashPipelineIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From list_logstash_pipelines."`
}

// PutLogstashPipelineInput is a whole pipeline.
type PutLogstashPipelineInput struct {
	ID          string         `json:"id" in:"path" jsonschema:"required,pattern=^[A-Za-z_][A-Za-z0-9_-]*$" jsonschema_description:"Starts with a letter or _; then letters, digits, _ and -."`
	Pipeline    string         `json:"pipeline" jsonschema:"required,minLength=1" jsonschema_description:"The Logstash configuration (input, filter, output)."`
	Description string         `json:"description,omitempty"`
	Settings    map[string]any `json:"settings,omitempty" jsonschema_description:"Any of pipeline.workers, pipeline.batch.size, pipeline.batch.delay, pipeline.ecs_compatibility (disabled, v1, v8), pipeline.ordered (auto, true, false), queue.type (memory, persisted), queue.max_bytes (e.g. 1gb), queue.checkpoint.writes."`
}

// logstashSettings are the settings Kibana's pipeline route takes, with
// the kind of value each wants.
var logstashSettings = map[string]string{
	"pipeline.workers": "count", "pipeline.batch.size": "count", "pipeline.batch.delay": "count", "queue.checkpoint.writes": "count",
	"pipeline.ecs_compatibility": "disabled|v1|v8", "pipeline.ordered": "auto|true|false", "queue.type": "memory|persisted",
	"queue.max_bytes": "size",
}

var logstashByteSize = lazyRegexp(`^[0-9]+(b|kb|mb|gb|tb|pb)$`)

// Prepare checks each setting's name and value.
func (in *PutLogstashPipelineInput) Prepare() error {
	names := make([]string, 0, len(in.Settings))
	for name := range in.Settings {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		field, v := "settings."+name, in.Settings[name]
		kind, ok := logstashSettings[name]
		switch {
		case !ok:
			known := make([]string, 0, len(logstashSettings))
			for k := range logstashSettings {
				known = append(known, k)
			}
			slices.Sort(known)
			return &schema.ArgumentError{Field: field, Rule: "is not a pipeline setting Kibana manages; use one of " + strings.Join(known, ", ")}
		case kind == "count":
			if n, isNum := v.(float64); !isNum || n < 1 || n != float64(int64(n)) {
				return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("must be a whole number of at least 1, got %v", v)}
			}
		case kind == "size":
			if s, isStr := v.(string); !isStr || !logstashByteSize().MatchString(s) {
				return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("must be a size such as 1gb or 512mb, got %v", v)}
			}
		default:
			s := fmt.Sprint(v)
			if b, isBool := v.(bool); isBool {
				s = fmt.Sprint(b)
			}
			if !slices.Contains(strings.Split(kind, "|"), s) {
				return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("must be one of %s, got %v", strings.ReplaceAll(kind, "|", ", "), v)}
			}
		}
	}
	return nil
}

// UpdateUptimeSettingsInput is the settings to change.
type UpdateUptimeSettingsInput struct {
	HeartbeatIndices        string              `json:"heartbeatIndices,omitempty" jsonschema:"minLength=1" jsonschema_description:"Index pattern(s) of Heartbeat data; default heartbeat-*."`
	CertAgeThreshold        *float64            `json:"certAgeThreshold,omitempty" jsonschema:"exclusiveMinimum=0" jsonschema_description:"Days after issue a certificate is too old; default 730."`
	CertExpirationThreshold *float64            `json:"certExpirationThreshold,omitempty" jsonschema:"exclusiveMinimum=0" jsonschema_description:"Days before expiry to warn; default 30."`
	DefaultConnectors       *[]string           `json:"defaultConnectors,omitempty" jsonschema_description:"Connector ids new Uptime rules notify; [] for none."`
	DefaultEmail            *UptimeDefaultEmail `json:"defaultEmail,omitempty"`
}

// UptimeDefaultEmail is where new Uptime rules' emails go.
type UptimeDefaultEmail struct {
	To  []string `json:"to,omitempty"`
	CC  []string `json:"cc,omitempty"`
	BCC []string `json:"bcc,omitempty"`
}

// Prepare refuses an update that changes nothing.
func (in *UpdateUptimeSettingsInput) Prepare() error {
	if in.HeartbeatIndices == "" && in.CertAgeThreshold == nil && in.CertExpirationThreshold == nil && in.DefaultConnectors == nil && in.DefaultEmail == nil {
		return &schema.ArgumentError{Rule: "give at least one setting to change"}
	}
	return nil
}
