package tools

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Fleet API's infrastructure, continued: creating and changing
// proxies, listing, creating and deleting Fleet Server hosts, deleting an
// output and reading its health, and reading several agent policies at
// once.
var fleetInfraOperations = []*operation.Operation{
	{
		Name:        "create_proxy",
		Title:       "Create Fleet proxy",
		Description: "Add a proxy that Fleet outputs, Fleet Server hosts and download sources can connect through.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/proxies",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateProxyInput{},
		Examples: []string{
			`{"name":"DMZ proxy","url":"http://proxy-dmz.example.com:3128"}`,
			`{"id":"dmz-proxy","name":"DMZ proxy","url":"https://proxy-dmz.example.com:3129","proxy_headers":{"X-Team":"soc","X-Retry":2,"X-Audit":true},"certificate_authorities":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----","certificate":"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----","certificate_key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----","space_id":"soc"}`,
		},
	},
	{
		Name:        "update_proxy",
		Title:       "Update Fleet proxy",
		Description: "Change a Fleet proxy's name, URL or headers; its TLS members left out are cleared. Everything using it reconnects.",
		Toolset:     "fleet",
		Method:      http.MethodPut,
		Path:        "/api/fleet/proxies/{itemId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateProxyInput{},
		Examples: []string{
			`{"itemId":"corp-proxy","url":"http://proxy2.example.com:3128"}`,
			`{"itemId":"corp-proxy","name":"Corporate proxy","url":"https://proxy.example.com:3129","proxy_headers":{"X-Team":"soc"},"certificate_authorities":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----","certificate":"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----","certificate_key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----","space_id":"soc"}`,
		},
	},
	{
		Name:        "find_fleet_server_hosts",
		Title:       "Find Fleet Server hosts",
		Description: "List the Fleet Server host entries (the URLs agents reach Fleet Server at), with the default one.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/fleet_server_hosts",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FleetEmptyInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "create_fleet_server_host",
		Title:       "Create Fleet Server host",
		Description: "Add a Fleet Server host entry: URLs agents can reach Fleet Server at, for agent policies to use.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/fleet_server_hosts",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateFleetServerHostInput{},
		Examples: []string{
			`{"name":"DMZ Fleet Server","host_urls":["https://fleet-dmz.example.com:8220"]}`,
			`{"id":"fleet-dmz","name":"DMZ Fleet Server","host_urls":["https://fleet-dmz1.example.com:8220","https://fleet-dmz2.example.com:8220"],"is_default":false,"is_internal":false,"proxy_id":"corp-proxy","ssl":{"certificate_authorities":["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"],"certificate":"-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----","client_auth":"optional"},"secrets":{"ssl":{"key":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----"}},"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_fleet_server_host",
		Title:       "Delete Fleet Server host",
		Description: "Delete a Fleet Server host entry other than the default; policies using it fall back to the default. Cannot be undone.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/fleet_server_hosts/{itemId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       FleetItemIDInput{},
		Examples: []string{
			`{"itemId":"fleet-dr"}`,
			`{"itemId":"fleet-dr","space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_output",
		Title:       "Delete Fleet output",
		Description: "Delete a Fleet output other than the default; agent policies using it send to the default output instead. Cannot be undone.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/outputs/{outputId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       OutputIDInput{},
		Examples: []string{
			`{"outputId":"logstash-dmz"}`,
			`{"outputId":"logstash-dmz","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_output_health",
		Title:       "Get Fleet output health",
		Description: "Read the latest health Fleet Server reported for an output (remote Elasticsearch ones report it): state, message and when.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/outputs/{outputId}/health",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       OutputIDInput{},
		Examples: []string{
			`{"outputId":"fleet-default-output"}`,
			`{"outputId":"fleet-default-output","space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_get_agent_policies",
		Title:       "Get agent policies by ID",
		Description: "Fetch several Fleet agent policies by ID in one call, optionally with their integration policies.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agent_policies/_bulk_get",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       BulkGetAgentPoliciesInput{},
		Examples: []string{
			`{"ids":["prod-linux"]}`,
			`{"ids":["prod-linux","retired-policy"],"ignoreMissing":true,"full":true,"format":"simplified","space_id":"soc"}`,
		},
	},
}

// CreateProxyInput is a new proxy.
type CreateProxyInput struct {
	ID                     string         `json:"id,omitempty" jsonschema_description:"Default: a new UUID."`
	Name                   string         `json:"name" jsonschema:"required,minLength=1"`
	URL                    string         `json:"url" jsonschema:"required" jsonschema_description:"E.g. http://proxy.example.com:3128."`
	ProxyHeaders           map[string]any `json:"proxy_headers,omitempty" jsonschema_description:"Header name to string, number or boolean."`
	CertificateAuthorities string         `json:"certificate_authorities,omitempty" jsonschema_description:"PEM."`
	Certificate            string         `json:"certificate,omitempty" jsonschema_description:"PEM."`
	CertificateKey         string         `json:"certificate_key,omitempty" jsonschema_description:"PEM."`
}

// Prepare checks the URL and headers as Kibana would.
func (in *CreateProxyInput) Prepare() error {
	if err := checkFleetURL("url", in.URL); err != nil {
		return err
	}
	return checkProxyHeaders(in.ProxyHeaders)
}

// UpdateProxyInput changes a proxy. Kibana requires the three TLS members
// on every update; left out, they are sent as null and cleared.
type UpdateProxyInput struct {
	ItemID                 string         `json:"itemId" in:"path" jsonschema:"required"`
	Name                   string         `json:"name,omitempty" jsonschema:"minLength=1"`
	URL                    string         `json:"url,omitempty"`
	ProxyHeaders           map[string]any `json:"proxy_headers,omitempty"`
	CertificateAuthorities *string        `json:"certificate_authorities"`
	Certificate            *string        `json:"certificate"`
	CertificateKey         *string        `json:"certificate_key"`
}

// Prepare checks the URL and headers as Kibana would.
func (in *UpdateProxyInput) Prepare() error {
	if in.URL != "" {
		if err := checkFleetURL("url", in.URL); err != nil {
			return err
		}
	}
	return checkProxyHeaders(in.ProxyHeaders)
}

// checkProxyHeaders refuses header values Kibana's schema does not take.
func checkProxyHeaders(h map[string]any) error {
	for name, v := range h {
		switch v.(type) {
		case string, bool, float64, json.Number:
		default:
			return &schema.ArgumentError{Field: "proxy_headers." + name, Rule: "must be a string, number or boolean"}
		}
	}
	return nil
}

// CreateFleetServerHostInput is a new Fleet Server host entry.
type CreateFleetServerHostInput struct {
	ID         string          `json:"id,omitempty" jsonschema_description:"Default: a new UUID."`
	Name       string          `json:"name" jsonschema:"required,minLength=1"`
	HostURLs   []string        `json:"host_urls" jsonschema:"required,minItems=1,maxItems=10" jsonschema_description:"E.g. https://fleet.example.com:8220."`
	IsDefault  bool            `json:"is_default,omitempty" jsonschema_description:"Make it the default, in place of the current one."`
	IsInternal bool            `json:"is_internal,omitempty" jsonschema_description:"Hide it from the Fleet UI."`
	ProxyID    string          `json:"proxy_id,omitempty" jsonschema_description:"From find_proxies."`
	SSL        json.RawMessage `json:"ssl,omitempty" jsonschema_description:"As in update_fleet_server_host."`
	Secrets    json.RawMessage `json:"secrets,omitempty" jsonschema_description:"As in update_fleet_server_host."`
}

// Prepare checks the URLs and TLS settings as update_fleet_server_host
// does.
func (in *CreateFleetServerHostInput) Prepare() error {
	in.SSL, in.Secrets = nullToNil(in.SSL), nullToNil(in.Secrets)
	for i, u := range in.HostURLs {
		if err := checkFleetURL(fmt.Sprintf("host_urls[%d]", i), u); err != nil {
			return err
		}
		if slices.Contains(in.HostURLs[:i], u) {
			return &schema.ArgumentError{Field: fmt.Sprintf("host_urls[%d]", i), Rule: fmt.Sprintf("repeats %q", u)}
		}
	}
	return checkServerHostTLS(in.SSL, in.Secrets)
}

// BulkGetAgentPoliciesInput names the policies to read.
type BulkGetAgentPoliciesInput struct {
	IDs           []string `json:"ids" jsonschema:"required,minItems=1,maxItems=1000,uniqueItems=true,minLength=1"`
	IgnoreMissing bool     `json:"ignoreMissing,omitempty" jsonschema_description:"Skip unknown IDs instead of failing."`
	Full          bool     `json:"full,omitempty" jsonschema_description:"Include their integration policies."`
	Format        string   `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy" jsonschema_description:"Of integration inputs."`
}
