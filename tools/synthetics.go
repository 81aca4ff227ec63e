package tools

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Synthetics API: monitors that check a site or host on a schedule
// from Elastic's locations or private ones (an agent policy of yours), the
// parameters their scripts and settings can use (secrets), and private
// locations. Reading monitors and running a test are everyday work;
// changing them is not (Admin).
var syntheticsOperations = []*operation.Operation{
	{
		Name:        "find_synthetics_monitors",
		Title:       "Find Synthetics monitors",
		Description: "List Synthetics monitors with their type, schedule, locations and settings; filter by words, type, tag or location.",
		Toolset:     "synthetics",
		Method:      http.MethodGet,
		Path:        "/api/synthetics/monitors",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindMonitorsInput{},
		Examples: []string{
			`{}`,
			`{"query":"vpn","monitorTypes":["http"],"tags":["dmz"],"sortField":"name","sortOrder":"asc","page":1,"per_page":20,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_synthetics_monitor",
		Title:       "Get Synthetics monitor",
		Description: "Read one monitor's configuration (secrets left out).",
		Toolset:     "synthetics",
		Method:      http.MethodGet,
		Path:        "/api/synthetics/monitors/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       MonitorIDInput{},
		Examples:    []string{`{"id":"` + sandboxMonitorID + `"}`},
	},
	{
		Name:         "test_synthetics_monitor",
		Availability: sinceIn("synthetics", "9.2.0"),
		Title:        "Test Synthetics monitor",
		Description:  "Run a monitor once now from its locations; answers the testRunId, and errors per location that could not run it.",
		Toolset:      "synthetics",
		Method:       http.MethodPost,
		Path:         "/api/synthetics/monitor/test/{monitorId}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Input:        TestMonitorInput{},
		Examples:     []string{`{"monitorId":"` + sandboxMonitorID + `"}`},
	},
	{
		Name:        "create_synthetics_monitor",
		Title:       "Create Synthetics monitor",
		Description: "Create a monitor: http (url), tcp (host:port), icmp (host) or browser (inline_script), run every schedule minutes from locations and/or private_locations.",
		Toolset:     "synthetics",
		Method:      http.MethodPost,
		Path:        "/api/synthetics/monitors",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		TokenBudget: monitorBudget,
		Input:       CreateMonitorInput{},
		Examples: []string{
			`{"type":"http","name":"Intranet home","url":"https://intranet.example.com/","locations":["us_east"]}`,
			`{"type":"tcp","name":"VPN gateway TLS port","host":"vpn-gw-01.example.com:443","schedule":5,"private_locations":["` + sandboxPrivateLocationLabel + `"],"tags":["vpn","dmz"],"timeout":10,"space_id":"soc"}`,
			`{"type":"browser","name":"Portal login journey","inline_script":"step('open login', async () => { await page.goto('https://portal.example.com/login'); });","schedule":10,"locations":["us_east","europe_west"],"screenshots":"only-on-failure","enabled":false}`,
		},
	},
	{
		Name:        "update_synthetics_monitor",
		Title:       "Update Synthetics monitor",
		Description: "Change a monitor; given members replace the stored ones, others stay. Its type cannot change.",
		Toolset:     "synthetics",
		Method:      http.MethodPut,
		Path:        "/api/synthetics/monitors/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		TokenBudget: monitorBudget,
		Input:       UpdateMonitorInput{},
		Examples: []string{
			`{"id":"` + sandboxMonitorID + `","type":"http","name":"VPN portal","url":"https://vpn.example.com/portal","schedule":1}`,
			`{"id":"` + sandboxMonitorID + `","type":"http","name":"VPN portal","url":"https://vpn.example.com/portal","enabled":false,"tags":["vpn","maintenance"]}`,
		},
	},
	{
		Name:        "delete_synthetics_monitor",
		Title:       "Delete Synthetics monitor",
		Description: "Delete a monitor; its past results stay. Cannot be undone.",
		Toolset:     "synthetics",
		Method:      http.MethodDelete,
		Path:        "/api/synthetics/monitors/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       MonitorIDInput{},
		Examples:    []string{`{"id":"` + sandboxMonitorID + `"}`},
	},
	{
		Name:        "delete_synthetics_monitors",
		Title:       "Delete Synthetics monitors",
		Description: "Delete several monitors; answers whether each was deleted. Cannot be undone.",
		Toolset:     "synthetics",
		Method:      http.MethodPost,
		Path:        "/api/synthetics/monitors/_bulk_delete",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       IDsInput{},
		Examples:    []string{`{"ids":["` + sandboxMonitorID + `"]}`},
	},
	{
		Name:         "list_synthetics_params",
		Availability: syntheticsParamsAvailability,
		Title:        "List Synthetics parameters",
		Description:  "List the parameters monitors can use (${key}): key, description, tags; values only with write access.",
		Toolset:      "synthetics",
		Method:       http.MethodGet,
		Path:         "/api/synthetics/params",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        NoPlatformArgs{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "get_synthetics_param",
		Availability: syntheticsParamsAvailability,
		Title:        "Get Synthetics parameter",
		Description:  "Read one parameter.",
		Toolset:      "synthetics",
		Method:       http.MethodGet,
		Path:         "/api/synthetics/params/{id}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        SyntheticsParamIDInput{},
		Examples:     []string{`{"id":"` + sandboxSyntheticsParamID + `"}`},
	},
	{
		Name:         "create_synthetics_param",
		Availability: syntheticsParamsAvailability,
		Title:        "Create Synthetics parameter",
		Description:  "Add a parameter (a URL, a user, a secret) that monitors use as ${key}.",
		Toolset:      "synthetics",
		Method:       http.MethodPost,
		Path:         "/api/synthetics/params",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Admin:        true,
		Input:        CreateSyntheticsParamInput{},
		Examples: []string{
			`{"key":"portal_user","value":"synthetics-probe"}`,
			`{"key":"status_page_url","value":"https://status.example.com","description":"Public status page","tags":["web"],"share_across_spaces":true,"space_id":"soc"}`,
		},
	},
	{
		Name:         "update_synthetics_param",
		Availability: syntheticsParamsAvailability,
		Title:        "Update Synthetics parameter",
		Description:  "Change a parameter's key, value, description or tags; monitors using it pick the change up.",
		Toolset:      "synthetics",
		Method:       http.MethodPut,
		Path:         "/api/synthetics/params/{id}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Overwrites:   true,
		Admin:        true,
		Input:        UpdateSyntheticsParamInput{},
		Examples: []string{
			`{"id":"` + sandboxSyntheticsParamID + `","value":"https://vpn.example.com/portal"}`,
			`{"id":"` + sandboxSyntheticsParamID + `","key":"vpn_portal_url","description":"VPN portal entry page","tags":["vpn"]}`,
		},
	},
	{
		Name:         "delete_synthetics_param",
		Availability: syntheticsParamsAvailability,
		Title:        "Delete Synthetics parameter",
		Description:  "Delete a parameter; monitors that use it fail until it is replaced. Cannot be undone.",
		Toolset:      "synthetics",
		Method:       http.MethodDelete,
		Path:         "/api/synthetics/params/{id}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        SyntheticsParamIDInput{},
		Examples:     []string{`{"id":"` + sandboxSyntheticsParamID + `"}`},
	},
	{
		Name:         "delete_synthetics_params",
		Availability: syntheticsParamsAvailability,
		Title:        "Delete Synthetics parameters",
		Description:  "Delete several parameters; answers whether each was deleted. Cannot be undone.",
		Toolset:      "synthetics",
		Method:       http.MethodDelete,
		Path:         "/api/synthetics/params/_bulk_delete",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        IDsInput{},
		Examples:     []string{`{"ids":["` + sandboxSyntheticsParamID + `"]}`},
	},
	{
		Name:        "list_private_locations",
		Title:       "List private locations",
		Description: "List Synthetics private locations: label, agent policy, geo and whether the policy still exists.",
		Toolset:     "synthetics",
		Method:      http.MethodGet,
		Path:        "/api/synthetics/private_locations",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       NoPlatformArgs{},
		Examples:    []string{`{}`},
	},
	{
		Name:        "get_private_location",
		Title:       "Get private location",
		Description: "Read one private location, by id or label.",
		Toolset:     "synthetics",
		Method:      http.MethodGet,
		Path:        "/api/synthetics/private_locations/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       PrivateLocationIDInput{},
		Examples:    []string{`{"id":"` + sandboxPrivateLocationID + `"}`, `{"id":"` + sandboxPrivateLocationLabel + `"}`},
	},
	{
		Name:        "create_private_location",
		Title:       "Create private location",
		Description: "Make a Fleet agent policy a place monitors can run from; one location per policy, labels unique.",
		Toolset:     "synthetics",
		Method:      http.MethodPost,
		Path:        "/api/synthetics/private_locations",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreatePrivateLocationInput{},
		Examples: []string{
			`{"label":"Frankfurt DC","agentPolicyId":"` + sandboxSyntheticsAgentPolicy + `"}`,
			`{"label":"Frankfurt DC","agentPolicyId":"` + sandboxSyntheticsAgentPolicy + `","geo":{"lat":50.11,"lon":8.68},"tags":["eu"],"spaces":["default","soc"]}`,
		},
	},
	{
		Name:        "update_private_location",
		Title:       "Update private location",
		Description: "Rename a private location; its monitors follow.",
		Toolset:     "synthetics",
		Method:      http.MethodPut,
		Path:        "/api/synthetics/private_locations/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       UpdatePrivateLocationInput{},
		Examples:    []string{`{"id":"` + sandboxPrivateLocationID + `","label":"DMZ probes (Berlin)"}`},
	},
	{
		Name:        "delete_private_location",
		Title:       "Delete private location",
		Description: "Delete a private location; Kibana refuses while monitors use it. Cannot be undone.",
		Toolset:     "synthetics",
		Method:      http.MethodDelete,
		Path:        "/api/synthetics/private_locations/{id}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       PrivateLocationIDInput{},
		Examples:    []string{`{"id":"` + sandboxSparePrivateLocationID + `"}`},
	},
}

// The sandbox objects the examples reach (sandbox synthetics.go): the VPN
// portal monitor, a parameter, the DMZ private location (in use) and a
// spare one, and a Fleet agent policy without a location.
const (
	sandboxMonitorID              = "7c1e5a90-3d2b-4f6e-8a41-vpnportal001"
	sandboxSyntheticsParamID      = "0b6f3c2a-9d8e-4a71-b5c4-param0000001"
	sandboxPrivateLocationID      = "dmz-probes"
	sandboxPrivateLocationLabel   = "DMZ probes"
	sandboxSparePrivateLocationID = "lab-probes"
	sandboxSyntheticsAgentPolicy  = "fleet-server-policy"
)

// monitorBudget is the token budget of the tools that take a whole
// monitor: its four types have some 35 members between them, each type's
// named in its description. The larger, update_synthetics_monitor, is
// about 910.
const monitorBudget = 950

// syntheticsParamsAvailability: the parameters API is in the 8.12 API
// reference (add-parameters-api, get-parameters-api), before monitors and
// private locations (8.14). unverified: the first version of its
// _bulk_delete route; none is declared.
var syntheticsParamsAvailability = sinceIn("synthetics", "8.12.0")

// FindMonitorsInput filters and pages monitors.
type FindMonitorsInput struct {
	Query        string   `json:"query,omitempty" in:"query" jsonschema_description:"Words of the name, URL, host or tags."`
	MonitorTypes []string `json:"monitorTypes,omitempty" in:"query" jsonschema:"uniqueItems=true,enum=http,enum=tcp,enum=icmp,enum=browser"`
	Tags         []string `json:"tags,omitempty" in:"query"`
	Locations    []string `json:"locations,omitempty" in:"query" jsonschema_description:"Location ids or private location labels."`
	SortField    string   `json:"sortField,omitempty" in:"query" jsonschema:"enum=name,enum=createdAt,enum=updatedAt,enum=status"`
	SortOrder    string   `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	Page         int      `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage      int      `json:"per_page,omitempty" in:"query" jsonschema:"minimum=1,maximum=500" jsonschema_description:"Default 50."`
	Status       []string `json:"status,omitempty" in:"query" jsonschema:"uniqueItems=true,enum=up,enum=down,enum=pending,enum=disabled"`
	Schedules    []string `json:"schedules,omitempty" in:"query" jsonschema_description:"Schedules in minutes, e.g. [\"5\"]."`
	Projects     []string `json:"projects,omitempty" in:"query" jsonschema_description:"Project ids of monitors pushed with the synthetics CLI."`
	Filter       string   `json:"filter,omitempty" in:"query" jsonschema_description:"KQL over the monitor saved objects, e.g. synthetics-monitor.attributes.enabled: false."`
	LogicalAnd   []string `json:"useLogicalAndFor,omitempty" in:"query" jsonschema:"uniqueItems=true,enum=tags,enum=locations" jsonschema_description:"Match all the given tags or locations, not any."`
}

// MonitorIDInput names a monitor.
type MonitorIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The monitor's config_id, from find_synthetics_monitors."`
}

// TestMonitorInput names the monitor to run.
type TestMonitorInput struct {
	MonitorID string `json:"monitorId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The monitor's config_id."`
}

// IDsInput lists ids to delete.
type IDsInput struct {
	IDs []string `json:"ids" jsonschema:"required,minItems=1,uniqueItems=true"`
}

// CreateMonitorInput is a new monitor: the members common to every type,
// then each type's own.
type CreateMonitorInput struct {
	Type string `json:"type" jsonschema:"required,enum=http,enum=tcp,enum=icmp,enum=browser"`
	MonitorFields
}

// UpdateMonitorInput changes a monitor.
type UpdateMonitorInput struct {
	ID   string `json:"id" in:"path" jsonschema:"required,minLength=1"`
	Type string `json:"type" jsonschema:"required,enum=http,enum=tcp,enum=icmp,enum=browser" jsonschema_description:"The monitor's type, as stored."`
	MonitorFields
}

// MonitorFields are a monitor's settings.
type MonitorFields struct {
	Name             string            `json:"name" jsonschema:"required,minLength=1"`
	URL              string            `json:"url,omitempty" jsonschema_description:"http: the URL to check."`
	Host             string            `json:"host,omitempty" jsonschema_description:"tcp: host:port; icmp: host."`
	InlineScript     string            `json:"inline_script,omitempty" jsonschema_description:"browser: Playwright journey steps."`
	Schedule         float64           `json:"schedule,omitempty" jsonschema_description:"Minutes: 1, 3, 5, 10, 15, 30, 60, 120 or 240; default 3 (browser 10)."`
	Locations        []string          `json:"locations,omitempty" jsonschema_description:"Elastic's location ids, e.g. us_east."`
	PrivateLocations []string          `json:"private_locations,omitempty" jsonschema_description:"Private location labels or ids; give these, locations or both."`
	Enabled          *bool             `json:"enabled,omitempty"`
	Tags             []string          `json:"tags,omitempty"`
	Labels           map[string]string `json:"labels,omitempty"`
	Timeout          float64           `json:"timeout,omitempty" jsonschema:"minimum=1" jsonschema_description:"Seconds; default 16."`
	Namespace        string            `json:"namespace,omitempty" jsonschema:"pattern=^[a-z0-9_]+$" jsonschema_description:"Data stream namespace; default default."`
	RetestOnFailure  *bool             `json:"retest_on_failure,omitempty" jsonschema_description:"Run again before reporting down; default true."`
	Check            map[string]any    `json:"check,omitempty" jsonschema_description:"http: {request:{method,headers,body}, response:{status:[200],body:{positive:[...]}}}."`
	MaxRedirects     float64           `json:"max_redirects,omitempty" jsonschema_description:"http."`
	SSL              map[string]any    `json:"ssl,omitempty" jsonschema_description:"http, tcp: {verification_mode, certificate_authorities…}."`
	Wait             float64           `json:"wait,omitempty" jsonschema_description:"icmp: seconds between pings."`
	Screenshots      string            `json:"screenshots,omitempty" jsonschema:"enum=on,enum=off,enum=only-on-failure" jsonschema_description:"browser."`
	Alert            *MonitorAlert     `json:"alert,omitempty" jsonschema_description:"Default both on."`
	Params           string            `json:"params,omitempty" jsonschema_description:"JSON object text: values for ${key}, over global parameters."`
	ServiceName      string            `json:"service.name,omitempty" jsonschema_description:"Its APM service."`
	Mode             string            `json:"mode,omitempty" jsonschema:"enum=any,enum=all" jsonschema_description:"http, tcp, icmp: ping one resolved IP or all."`
	IPv4             *bool             `json:"ipv4,omitempty" jsonschema_description:"http, tcp, icmp; default true."`
	IPv6             *bool             `json:"ipv6,omitempty" jsonschema_description:"http, tcp, icmp; default true."`
	Username         string            `json:"username,omitempty" jsonschema_description:"http: basic auth."`
	Password         string            `json:"password,omitempty" jsonschema_description:"http: basic auth; never returned."`
	ProxyURL         string            `json:"proxy_url,omitempty" jsonschema_description:"http: an http(s) proxy; tcp: a socks5:// one."`
	ProxyHeaders     map[string]string `json:"proxy_headers,omitempty" jsonschema_description:"http: CONNECT headers."`
	ProxyLocalDNS    *bool             `json:"proxy_use_local_resolver,omitempty" jsonschema_description:"tcp: resolve names locally."`
	Response         *MonitorResponse  `json:"response,omitempty" jsonschema_description:"http: what of it to index."`
	IgnoreHTTPSErr   *bool             `json:"ignore_https_errors,omitempty" jsonschema_description:"browser."`
	PlaywrightOpts   map[string]any    `json:"playwright_options,omitempty" jsonschema_description:"browser."`
	SyntheticsArgs   []string          `json:"synthetics_args,omitempty" jsonschema_description:"browser: agent arguments."`
}

// MonitorAlert switches a monitor's alerts.
type MonitorAlert struct {
	Status *AlertSwitch `json:"status,omitempty" jsonschema_description:"Down alerts."`
	TLS    *AlertSwitch `json:"tls,omitempty" jsonschema_description:"Certificate alerts."`
}

// AlertSwitch turns one alert on or off.
type AlertSwitch struct {
	Enabled bool `json:"enabled"`
}

// MonitorResponse says what of an http response is indexed.
type MonitorResponse struct {
	IncludeBody         string `json:"include_body,omitempty" jsonschema:"enum=on_error,enum=never,enum=always"`
	IncludeHeaders      *bool  `json:"include_headers,omitempty"`
	IncludeBodyMaxBytes int    `json:"include_body_max_bytes,omitempty" jsonschema:"minimum=1"`
}

// monitorTypeFields are the members only some types take, and which.
var monitorTypeFields = []struct {
	field string
	types []string
	given func(*MonitorFields) bool
}{
	{"url", []string{"http"}, func(m *MonitorFields) bool { return m.URL != "" }},
	{"host", []string{"tcp", "icmp"}, func(m *MonitorFields) bool { return m.Host != "" }},
	{"inline_script", []string{"browser"}, func(m *MonitorFields) bool { return m.InlineScript != "" }},
	{"check", []string{"http"}, func(m *MonitorFields) bool { return m.Check != nil }},
	{"max_redirects", []string{"http"}, func(m *MonitorFields) bool { return m.MaxRedirects != 0 }},
	{"ssl", []string{"http", "tcp"}, func(m *MonitorFields) bool { return m.SSL != nil }},
	{"wait", []string{"icmp"}, func(m *MonitorFields) bool { return m.Wait != 0 }},
	{"screenshots", []string{"browser"}, func(m *MonitorFields) bool { return m.Screenshots != "" }},
	{"mode", []string{"http", "tcp", "icmp"}, func(m *MonitorFields) bool { return m.Mode != "" }},
	{"ipv4", []string{"http", "tcp", "icmp"}, func(m *MonitorFields) bool { return m.IPv4 != nil }},
	{"ipv6", []string{"http", "tcp", "icmp"}, func(m *MonitorFields) bool { return m.IPv6 != nil }},
	{"username", []string{"http"}, func(m *MonitorFields) bool { return m.Username != "" }},
	{"password", []string{"http"}, func(m *MonitorFields) bool { return m.Password != "" }},
	{"proxy_url", []string{"http", "tcp"}, func(m *MonitorFields) bool { return m.ProxyURL != "" }},
	{"proxy_headers", []string{"http"}, func(m *MonitorFields) bool { return m.ProxyHeaders != nil }},
	{"proxy_use_local_resolver", []string{"tcp"}, func(m *MonitorFields) bool { return m.ProxyLocalDNS != nil }},
	{"response", []string{"http"}, func(m *MonitorFields) bool { return m.Response != nil }},
	{"ignore_https_errors", []string{"browser"}, func(m *MonitorFields) bool { return m.IgnoreHTTPSErr != nil }},
	{"playwright_options", []string{"browser"}, func(m *MonitorFields) bool { return m.PlaywrightOpts != nil }},
	{"synthetics_args", []string{"browser"}, func(m *MonitorFields) bool { return m.SyntheticsArgs != nil }},
}

// monitorRequired is what each type cannot do without.
var monitorRequired = map[string]string{"http": "url", "tcp": "host", "icmp": "host", "browser": "inline_script"}

var monitorSchedules = []float64{1, 3, 5, 10, 15, 30, 60, 120, 240}

var tcpHostPort = lazyRegexp(`^[^\s:/]+:[0-9]{1,5}$|^\[[0-9a-fA-F:]+\]:[0-9]{1,5}$`)

// check applies Kibana's monitor rules for the type; create says whether
// a location is needed (an update keeps the stored ones).
func (m *MonitorFields) check(typ string, create bool) error {
	for _, f := range monitorTypeFields {
		if f.given(m) && !slices.Contains(f.types, typ) {
			return &schema.ArgumentError{Field: f.field, Rule: fmt.Sprintf("is for %s monitors, not %s", strings.Join(f.types, " and "), typ)}
		}
	}
	need := monitorRequired[typ]
	if !map[string]bool{"url": m.URL != "", "host": m.Host != "", "inline_script": strings.TrimSpace(m.InlineScript) != ""}[need] {
		return &schema.ArgumentError{Field: need, Rule: "is required for a " + typ + " monitor"}
	}
	switch typ {
	case "http":
		if u, err := url.Parse(m.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &schema.ArgumentError{Field: "url", Rule: "must be an http:// or https:// URL with a host"}
		}
	case "tcp":
		if !tcpHostPort().MatchString(m.Host) {
			return &schema.ArgumentError{Field: "host", Rule: "a tcp monitor needs host:port, e.g. db-01.example.com:5432"}
		}
	case "icmp":
		if strings.ContainsAny(m.Host, ":/ ") && !strings.Contains(m.Host, "::") {
			return &schema.ArgumentError{Field: "host", Rule: "an icmp monitor takes a bare host name or IP, without port or scheme"}
		}
	}
	if m.Schedule != 0 && !slices.Contains(monitorSchedules, m.Schedule) {
		return &schema.ArgumentError{Field: "schedule", Rule: fmt.Sprintf("must be one of 1, 3, 5, 10, 15, 30, 60, 120, 240 minutes, got %v", m.Schedule)}
	}
	if m.Timeout != 0 && m.Schedule != 0 && m.Timeout > m.Schedule*60 {
		return &schema.ArgumentError{Field: "timeout", Rule: fmt.Sprintf("%vs is longer than the %v-minute schedule", m.Timeout, m.Schedule)}
	}
	if err := m.checkExtras(typ); err != nil {
		return err
	}
	if create && len(m.Locations) == 0 && len(m.PrivateLocations) == 0 {
		return &schema.ArgumentError{Field: "locations", Rule: "give at least one of locations or private_locations (list_private_locations)"}
	}
	return nil
}

// checkExtras checks the proxy, the credentials and params: what Kibana
// would refuse or what would fail at every run.
func (m *MonitorFields) checkExtras(typ string) error {
	if m.ProxyURL != "" {
		u, err := url.Parse(m.ProxyURL)
		schemes := map[string][]string{"http": {"http", "https"}, "tcp": {"socks5"}}[typ]
		if err != nil || u.Host == "" || !slices.Contains(schemes, u.Scheme) {
			return &schema.ArgumentError{Field: "proxy_url", Rule: fmt.Sprintf("a %s monitor's proxy is a %s:// URL with a host", typ, strings.Join(schemes, ":// or "))}
		}
	}
	if m.ProxyLocalDNS != nil && m.ProxyURL == "" {
		return &schema.ArgumentError{Field: "proxy_use_local_resolver", Rule: "goes with proxy_url"}
	}
	if m.ProxyHeaders != nil && m.ProxyURL == "" {
		return &schema.ArgumentError{Field: "proxy_headers", Rule: "goes with proxy_url"}
	}
	if m.Password != "" && m.Username == "" {
		return &schema.ArgumentError{Field: "username", Rule: "is required with password"}
	}
	if m.Params != "" {
		var obj map[string]any
		if json.Unmarshal([]byte(m.Params), &obj) != nil {
			return &schema.ArgumentError{Field: "params", Rule: `must be a JSON object as text, e.g. "{\"user\":\"probe\"}"`}
		}
	}
	return nil
}

// Prepare checks the members suit the monitor's type.
func (in *CreateMonitorInput) Prepare() error { return in.check(in.Type, true) }

// Prepare checks the members suit the monitor's type.
func (in *UpdateMonitorInput) Prepare() error { return in.check(in.Type, false) }

// SyntheticsParamIDInput names a parameter.
type SyntheticsParamIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From list_synthetics_params."`
}

// CreateSyntheticsParamInput is a new parameter.
type CreateSyntheticsParamInput struct {
	Key               string   `json:"key" jsonschema:"required,pattern=^[A-Za-z_][A-Za-z0-9_]*$" jsonschema_description:"Used as ${key}."`
	Value             string   `json:"value" jsonschema:"required,minLength=1"`
	Description       string   `json:"description,omitempty"`
	Tags              []string `json:"tags,omitempty"`
	ShareAcrossSpaces bool     `json:"share_across_spaces,omitempty"`
}

// UpdateSyntheticsParamInput changes a parameter.
type UpdateSyntheticsParamInput struct {
	ID          string    `json:"id" in:"path" jsonschema:"required,minLength=1"`
	Key         string    `json:"key,omitempty" jsonschema:"pattern=^[A-Za-z_][A-Za-z0-9_]*$"`
	Value       string    `json:"value,omitempty" jsonschema:"minLength=1"`
	Description *string   `json:"description,omitempty"`
	Tags        *[]string `json:"tags,omitempty"`
}

// Prepare refuses an update that changes nothing.
func (in *UpdateSyntheticsParamInput) Prepare() error {
	if in.Key == "" && in.Value == "" && in.Description == nil && in.Tags == nil {
		return &schema.ArgumentError{Rule: "give at least one of key, value, description, tags"}
	}
	return nil
}

// PrivateLocationIDInput names a private location.
type PrivateLocationIDInput struct {
	ID string `json:"id" in:"path" jsonschema:"required,minLength=1,maxLength=1024" jsonschema_description:"Its id (or, to read, its label)."`
}

// CreatePrivateLocationInput is a new private location.
type CreatePrivateLocationInput struct {
	Label         string   `json:"label" jsonschema:"required,minLength=1"`
	AgentPolicyID string   `json:"agentPolicyId" jsonschema:"required,minLength=1" jsonschema_description:"A Fleet agent policy (find_agent_policies) with no other location."`
	Geo           *GeoAt   `json:"geo,omitempty"`
	Spaces        []string `json:"spaces,omitempty" jsonschema_description:"Spaces that may use it; default all."`
	Tags          []string `json:"tags,omitempty"`
}

// GeoAt is a WGS84 point.
type GeoAt struct {
	Lat float64 `json:"lat" jsonschema:"required,minimum=-90,maximum=90"`
	Lon float64 `json:"lon" jsonschema:"required,minimum=-180,maximum=180"`
}

// Prepare refuses a blank label.
func (in *CreatePrivateLocationInput) Prepare() error {
	if strings.TrimSpace(in.Label) == "" {
		return &schema.ArgumentError{Field: "label", Rule: "must not be blank"}
	}
	return nil
}

// UpdatePrivateLocationInput renames a private location.
type UpdatePrivateLocationInput struct {
	ID    string `json:"id" in:"path" jsonschema:"required,minLength=1"`
	Label string `json:"label" jsonschema:"required,minLength=1"`
}
