package tools

import (
	"net/http"
	"time"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The APM API: service annotations, central agent configuration, agent API
// keys and RUM source maps. Every route takes elastic-api-version
// 2023-10-31 (each seed page says so for its route). Keys, configuration
// changes and source maps are Admin work.
var apmOperations = []*operation.Operation{
	{
		Name:        "search_apm_annotations",
		Title:       "Search APM annotations",
		Description: "List a service's annotations (deployments, version changes) in a time range.",
		Toolset:     "apm",
		Method:      http.MethodGet,
		Path:        "/api/apm/services/{serviceName}/annotation/search",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       SearchAPMAnnotationsInput{},
		Examples: []string{
			`{"serviceName":"checkout","environment":"ENVIRONMENT_ALL","start":"2025-03-01T00:00:00Z","end":"2025-03-02T00:00:00Z"}`,
			`{"serviceName":"checkout","environment":"production","start":"2025-03-01T00:00:00.000Z","end":"2025-03-08T00:00:00.000Z","space_id":"soc"}`,
		},
	},
	{
		// No x-state; the route predates 8.0 (unverified which 7.x).
		Name:        "create_apm_annotation",
		Title:       "Create APM annotation",
		Description: "Mark a deployment or version change of a service at a time; it shows on the service's charts.",
		Toolset:     "apm",
		Method:      http.MethodPost,
		Path:        "/api/apm/services/{serviceName}/annotation",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateAPMAnnotationInput{},
		Examples: []string{
			`{"serviceName":"checkout","@timestamp":"2025-03-12T10:00:00Z","service":{"version":"2.4.1"}}`,
			`{"serviceName":"checkout","@timestamp":"2025-03-12T10:00:00.000Z","service":{"version":"2.4.2","environment":"production"},"message":"Hotfix for payment timeouts","tags":["hotfix","CHG-5120"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_apm_agent_configurations",
		Title:       "Find APM agent configurations",
		Description: "List the central APM agent configurations: service, environment, settings and whether agents applied them.",
		Toolset:     "apm",
		Method:      http.MethodGet,
		Path:        "/api/apm/settings/agent-configuration",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindAPMAgentConfigurationsInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "get_apm_agent_configuration",
		Title:       "Get APM agent configuration",
		Description: "Read the agent configuration stored for exactly this service name and environment (omitted: the all-services or all-environments one).",
		Toolset:     "apm",
		Method:      http.MethodGet,
		Path:        "/api/apm/settings/agent-configuration/view",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetAPMAgentConfigurationInput{},
		Examples:    []string{`{"name":"checkout"}`, `{"name":"checkout","environment":"production","space_id":"soc"}`},
	},
	{
		Name:        "search_apm_agent_configuration",
		Title:       "Resolve APM agent configuration",
		Description: "Find the configuration an agent of this service and environment would get, falling back to the all-environments or all-services one.",
		Toolset:     "apm",
		Method:      http.MethodPost,
		Path:        "/api/apm/settings/agent-configuration/search",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads, // without etag or mark_as_applied_by_agent the route marks nothing
		Input:       SearchAPMAgentConfigurationInput{},
		Examples:    []string{`{"service":{"name":"checkout"}}`, `{"service":{"name":"checkout","environment":"production"},"space_id":"soc"}`},
	},
	{
		Name:        "create_or_update_apm_agent_configuration",
		Title:       "Set APM agent configuration",
		Description: "Create the agent configuration of a service and environment, or replace its settings with overwrite; agents pick it up at their next poll.",
		Toolset:     "apm",
		Method:      http.MethodPut,
		Path:        "/api/apm/settings/agent-configuration",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       PutAPMAgentConfigurationInput{},
		Examples: []string{
			`{"service":{"name":"checkout"},"settings":{"transaction_sample_rate":"0.5"}}`,
			`{"service":{"name":"checkout","environment":"production"},"settings":{"transaction_sample_rate":"0.2","capture_body":"errors","log_level":"warn"},"agent_name":"java","overwrite":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_apm_agent_configuration",
		Title:       "Delete APM agent configuration",
		Description: "Delete the agent configuration of a service and environment; its agents fall back to broader or default settings.",
		Toolset:     "apm",
		Method:      http.MethodDelete,
		Path:        "/api/apm/settings/agent-configuration",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeleteAPMAgentConfigurationInput{},
		Examples:    []string{`{"service":{"name":"checkout"}}`, `{"service":{"name":"checkout","environment":"production"},"space_id":"soc"}`},
	},
	{
		Name:        "get_apm_agent_name",
		Title:       "Get APM agent name",
		Description: "Get which APM agent (java, nodejs, python…) a service runs; it decides which settings apply.",
		Toolset:     "apm",
		Method:      http.MethodGet,
		Path:        "/api/apm/settings/agent-configuration/agent_name",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetAPMAgentNameInput{},
		Examples:    []string{`{"serviceName":"checkout"}`, `{"serviceName":"checkout","space_id":"soc"}`},
	},
	{
		Name:        "get_apm_environments",
		Title:       "Get APM environments",
		Description: "List the environments seen for a service (or all), and which already have an agent configuration.",
		Toolset:     "apm",
		Method:      http.MethodGet,
		Path:        "/api/apm/settings/agent-configuration/environments",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetAPMEnvironmentsInput{},
		Examples:    []string{`{}`, `{"serviceName":"checkout","space_id":"soc"}`},
	},
	{
		Name:        "create_apm_agent_key",
		Title:       "Create APM agent key",
		Description: "Create an API key for APM agents; the answer holds the key once (encoded is what agents use) and it cannot be read again.",
		Toolset:     "apm",
		Method:      http.MethodPost,
		Path:        "/api/apm/agent_keys",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateAPMAgentKeyInput{},
		Examples: []string{
			`{"name":"checkout-agents","privileges":["event:write"]}`,
			`{"name":"checkout-agents","privileges":["event:write","config_agent:read"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "save_apm_server_schema",
		Title:       "Save APM Server schema",
		Description: "Store the settings schema of a standalone APM Server, which Fleet uses to migrate it to the APM integration.",
		Toolset:     "apm",
		Method:      http.MethodPost,
		Path:        "/api/apm/fleet/apm_server_schema",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       SaveAPMServerSchemaInput{},
		Examples: []string{
			`{"schema":{"apm-server.host":"0.0.0.0:8200"}}`,
			`{"schema":{"apm-server.host":"0.0.0.0:8200","apm-server.rum.enabled":true},"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_apm_sourcemaps",
		Title:       "Find APM source maps",
		Description: "Page through the uploaded RUM source maps (id, service, version, bundle path).",
		Toolset:     "apm",
		Method:      http.MethodGet,
		Path:        "/api/apm/sourcemaps",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindAPMSourceMapsInput{},
		Examples:    []string{`{}`, `{"page":2,"perPage":50,"space_id":"soc"}`},
	},
	{
		Name:        "upload_apm_sourcemap",
		Title:       "Upload APM source map",
		Description: "Upload a source map so RUM errors of one service version show original source lines; only errors after the upload are mapped.",
		Toolset:     "apm",
		Method:      http.MethodPost,
		Path:        "/api/apm/sourcemaps",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       UploadAPMSourceMapInput{},
		Examples: []string{
			`{"service_name":"shop-web","service_version":"1.4.0","bundle_filepath":"/static/js/main.js","sourcemap":{"version":3,"sources":["src/app.js"],"mappings":"AAAA"}}`,
			`{"service_name":"shop-web","service_version":"1.4.0","bundle_filepath":"http://localhost/static/js/main.js","sourcemap":{"version":3,"file":"main.js","sources":["src/app.js","src/cart.js"],"sourcesContent":["const a = 1;","export {};"],"names":["a"],"mappings":"AAAA,IAAMA","sourceRoot":"/"},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_apm_sourcemap",
		Title:       "Delete APM source map",
		Description: "Delete an uploaded source map; later errors of that version show minified lines.",
		Toolset:     "apm",
		Method:      http.MethodDelete,
		Path:        "/api/apm/sourcemaps/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeleteAPMSourceMapInput{},
		Examples: []string{
			`{"id":"apm:shop-web-1.4.0-644fd5a997d1ddd90ee131ba18e2b3d03931d89dd1fe4599143c0b3264b3e456"}`,
			`{"id":"apm:shop-web-1.4.0-644fd5a997d1ddd90ee131ba18e2b3d03931d89dd1fe4599143c0b3264b3e456","space_id":"soc"}`,
		},
	},
}

// SearchAPMAnnotationsInput names a service and a time range. Kibana's
// route requires environment, start and end, though the spec marks them
// optional.
type SearchAPMAnnotationsInput struct {
	ServiceName string `json:"serviceName" in:"path" jsonschema:"required,minLength=1"`
	Environment string `json:"environment" in:"query" jsonschema:"required,minLength=1" jsonschema_description:"An environment, ENVIRONMENT_ALL or ENVIRONMENT_NOT_DEFINED."`
	Start       string `json:"start" in:"query" jsonschema:"required,minLength=1" jsonschema_description:"ISO 8601 time."`
	End         string `json:"end" in:"query" jsonschema:"required,minLength=1" jsonschema_description:"ISO 8601 time."`
}

// CreateAPMAnnotationInput is a deployment marker.
type CreateAPMAnnotationInput struct {
	ServiceName string               `json:"serviceName" in:"path" jsonschema:"required,minLength=1"`
	Timestamp   string               `json:"@timestamp" jsonschema:"required" jsonschema_description:"ISO 8601."`
	Service     APMAnnotationService `json:"service" jsonschema:"required"`
	Message     string               `json:"message,omitempty" jsonschema_description:"Default: the version."`
	Tags        []string             `json:"tags,omitempty"`
}

// APMAnnotationService is the version deployed, and where.
type APMAnnotationService struct {
	Version     string `json:"version" jsonschema:"required,minLength=1"`
	Environment string `json:"environment,omitempty"`
}

// Prepare checks the time.
func (in *CreateAPMAnnotationInput) Prepare() error {
	if _, err := time.Parse(time.RFC3339, in.Timestamp); err != nil {
		return &schema.ArgumentError{Field: "@timestamp", Rule: "must be an ISO 8601 time with offset, e.g. 2025-03-12T10:00:00Z"}
	}
	return nil
}

// FindAPMAgentConfigurationsInput takes nothing.
type FindAPMAgentConfigurationsInput struct{}

// GetAPMAgentConfigurationInput names one stored configuration.
type GetAPMAgentConfigurationInput struct {
	Name        string `json:"name,omitempty" in:"query" jsonschema_description:"Service name."`
	Environment string `json:"environment,omitempty" in:"query"`
}

// APMService names the services an agent configuration applies to.
type APMService struct {
	Name        string `json:"name,omitempty" jsonschema_description:"Omitted: every service."`
	Environment string `json:"environment,omitempty" jsonschema_description:"Omitted: every environment."`
}

// SearchAPMAgentConfigurationInput names the agent to resolve settings for.
// The route's etag and mark_as_applied_by_agent are left out: they record an
// agent's poll, which is the agent's business, and would make this a write.
type SearchAPMAgentConfigurationInput struct {
	Service APMService `json:"service" jsonschema:"required"`
}

// PutAPMAgentConfigurationInput is the configuration of a service and
// environment.
type PutAPMAgentConfigurationInput struct {
	Service   APMService        `json:"service" jsonschema:"required"`
	Settings  map[string]string `json:"settings" jsonschema:"required" jsonschema_description:"Setting to value, as strings, e.g. {\"transaction_sample_rate\":\"0.5\"}."`
	AgentName string            `json:"agent_name,omitempty" jsonschema_description:"From get_apm_agent_name; picks the settings the UI shows."`
	Overwrite bool              `json:"overwrite,omitempty" in:"query" jsonschema_description:"Required to replace an existing configuration."`
}

// Prepare refuses a configuration without settings.
func (in *PutAPMAgentConfigurationInput) Prepare() error {
	if len(in.Settings) == 0 {
		return &schema.ArgumentError{Field: "settings", Rule: `names no setting; give e.g. {"transaction_sample_rate":"0.5"}`}
	}
	return nil
}

// DeleteAPMAgentConfigurationInput names the configuration to delete.
type DeleteAPMAgentConfigurationInput struct {
	Service APMService `json:"service" jsonschema:"required"`
}

// GetAPMAgentNameInput names a service.
type GetAPMAgentNameInput struct {
	ServiceName string `json:"serviceName" in:"query" jsonschema:"required,minLength=1"`
}

// GetAPMEnvironmentsInput optionally names a service.
type GetAPMEnvironmentsInput struct {
	ServiceName string `json:"serviceName,omitempty" in:"query"`
}

// CreateAPMAgentKeyInput is a new agent key.
type CreateAPMAgentKeyInput struct {
	Name       string   `json:"name" jsonschema:"required,minLength=1"`
	Privileges []string `json:"privileges" jsonschema:"required,minItems=1,enum=event:write,enum=config_agent:read" jsonschema_description:"event:write to send data; config_agent:read to fetch agent configuration."`
}

// SaveAPMServerSchemaInput is an APM Server settings schema.
type SaveAPMServerSchemaInput struct {
	Schema map[string]any `json:"schema" jsonschema:"required" jsonschema_description:"apm-server.* settings to values."`
}

// Prepare refuses an empty schema.
func (in *SaveAPMServerSchemaInput) Prepare() error {
	if len(in.Schema) == 0 {
		return &schema.ArgumentError{Field: "schema", Rule: "is empty; give the apm-server.* settings"}
	}
	return nil
}

// FindAPMSourceMapsInput pages through source maps.
type FindAPMSourceMapsInput struct {
	Page    int `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage int `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1" jsonschema_description:"Default 20."`
}

// apmSourceMapsPerPage keeps an unpaged listing small: each entry carries
// its whole source map.
const apmSourceMapsPerPage = 20

// Prepare asks for a small page when the model names no page size.
func (in *FindAPMSourceMapsInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = apmSourceMapsPerPage
	}
	return nil
}

// UploadAPMSourceMapInput is one source map, sent as multipart/form-data
// text fields; the map itself goes as its JSON text, which the route
// accepts as well as a file part.
type UploadAPMSourceMapInput struct {
	ServiceName    string    `json:"service_name" in:"form" jsonschema:"required,minLength=1"`
	ServiceVersion string    `json:"service_version" in:"form" jsonschema:"required,minLength=1"`
	BundleFilepath string    `json:"bundle_filepath" in:"form" jsonschema:"required,minLength=1" jsonschema_description:"Absolute path or URL of the minified bundle as the page loads it."`
	SourceMap      SourceMap `json:"sourcemap" in:"form" jsonschema:"required"`
}

// SourceMap is a source map (revision 3) as JSON.
type SourceMap struct {
	Version        int      `json:"version" jsonschema:"required,enum=3"`
	File           string   `json:"file,omitempty"`
	Sources        []string `json:"sources" jsonschema:"required,minItems=1"`
	SourcesContent []string `json:"sourcesContent,omitempty"`
	Names          []string `json:"names,omitempty"`
	Mappings       string   `json:"mappings" jsonschema:"required"`
	SourceRoot     string   `json:"sourceRoot,omitempty"`
}

// DeleteAPMSourceMapInput names one source map.
type DeleteAPMSourceMapInput struct {
	ID string `json:"id" in:"path" jsonschema:"required" jsonschema_description:"From find_apm_sourcemaps."`
}
