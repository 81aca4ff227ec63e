package tools

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Fleet API's administration: copying and deleting agent policies,
// one download source, package policies by ID, Fleet's global and space
// settings, service tokens and the key Fleet signs
// policies with.
var fleetAdminOperations = []*operation.Operation{
	{
		Name:        "get_download_source",
		Title:       "Get agent download source",
		Description: "Fetch one agent download source: host, proxy and TLS settings.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/agent_download_sources/{sourceId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       DownloadSourceIDInput{},
		Examples: []string{
			`{"sourceId":"artifacts-mirror"}`,
			`{"sourceId":"artifacts-mirror","space_id":"soc"}`,
		},
	},
	{
		Name:        "copy_agent_policy",
		Title:       "Copy agent policy",
		Description: "Copy an agent policy, its integrations included, under a new name; no agents move to the copy.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agent_policies/{agentPolicyId}/copy",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CopyAgentPolicyInput{},
		Examples: []string{
			`{"agentPolicyId":"prod-linux","name":"Linux servers (canary)"}`,
			`{"agentPolicyId":"prod-linux","name":"Linux servers (canary)","description":"Tries changes before prod.","format":"simplified","space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_agent_policy",
		Title:       "Delete agent policy",
		Description: "Delete an agent policy and its integration policies; Kibana refuses while agents are enrolled in it. Cannot be undone.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/agent_policies/delete",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeleteAgentPolicyInput{},
		Examples: []string{
			`{"agentPolicyId":"staging-linux"}`,
			`{"agentPolicyId":"staging-linux","force":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_get_package_policies",
		Title:       "Get package policies by ID",
		Description: "Fetch several integration (package) policies by ID in one call.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/package_policies/_bulk_get",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       BulkGetPackagePoliciesInput{},
		Examples: []string{
			`{"ids":["5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01"]}`,
			`{"ids":["5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01","retired"],"ignoreMissing":true,"format":"legacy","space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_package_policy",
		Title:       "Delete package policy",
		Description: "Remove one integration from its agent policies: agents stop collecting its data. Cannot be undone.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/package_policies/{packagePolicyId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeletePackagePolicyInput{},
		Examples: []string{
			`{"packagePolicyId":"5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01"}`,
			`{"packagePolicyId":"5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01","force":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_fleet_settings",
		Title:       "Get Fleet settings",
		Description: "Read Fleet's global settings: prerelease integrations, deleting unenrolled agents, secret storage readiness.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/settings",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FleetEmptyInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:        "update_fleet_settings",
		Title:       "Update Fleet settings",
		Description: "Change Fleet's global settings; given members replace the stored ones, others stay.",
		Toolset:     "fleet",
		Method:      http.MethodPut,
		Path:        "/api/fleet/settings",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateFleetSettingsInput{},
		Examples: []string{
			`{"prerelease_integrations_enabled":true}`,
			`{"delete_unenrolled_agents":{"enabled":true,"is_preconfigured":false},"has_seen_add_data_notice":true,"additional_yaml_config":"","kibana_urls":["https://kibana.example.com"],"kibana_ca_sha256":"79f956a0175a7d8bfa9d4b2e1ab5fb8b","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_service_token",
		Title:       "Create Fleet Server service token",
		Description: "Create an Elasticsearch service token for installing Fleet Server (remote: for a remote Elasticsearch output); shown only in this answer.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/service_tokens",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateServiceTokenInput{},
		Examples:    []string{`{}`, `{"remote":true,"space_id":"soc"}`},
	},
	{
		Name:        "rotate_message_signing_key",
		Title:       "Rotate policy signing key",
		Description: "Replace the key pair Fleet signs agent policies with; every policy is re-signed and agents must get their new revision.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/message_signing_service/rotate_key_pair",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       RotateSigningKeyInput{},
		Examples:    []string{`{"acknowledge":true}`, `{"acknowledge":true,"space_id":"soc"}`},
	},
	{
		// x-state of both space settings routes: "Generally available; added in 9.1.0".
		Name:         "get_fleet_space_settings",
		Availability: sinceIn("fleet", "9.1.0"),
		Title:        "Get Fleet space settings",
		Description:  "Read this space's Fleet settings: the namespace prefixes its policies may use.",
		Toolset:      "fleet",
		Method:       http.MethodGet,
		Path:         "/api/fleet/space_settings",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Admin:        true,
		Input:        FleetEmptyInput{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "update_fleet_space_settings",
		Availability: sinceIn("fleet", "9.1.0"),
		Title:        "Update Fleet space settings",
		Description:  "Set the namespace prefixes this space's agent and package policies must use; [] allows any.",
		Toolset:      "fleet",
		Method:       http.MethodPut,
		Path:         "/api/fleet/space_settings",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Overwrites:   true,
		Admin:        true,
		Input:        UpdateFleetSpaceSettingsInput{},
		Examples: []string{
			`{"allowed_namespace_prefixes":["soc"]}`,
			`{"allowed_namespace_prefixes":[],"space_id":"soc"}`,
		},
	},
}

// CopyAgentPolicyInput names the copy.
type CopyAgentPolicyInput struct {
	AgentPolicyID string `json:"agentPolicyId" in:"path" jsonschema:"required"`
	Name          string `json:"name" jsonschema:"required,minLength=1" jsonschema_description:"Unique among policies."`
	Description   string `json:"description,omitempty"`
	Format        string `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy"`
}

// DeleteAgentPolicyInput names the policy to delete.
type DeleteAgentPolicyInput struct {
	AgentPolicyID string `json:"agentPolicyId" jsonschema:"required,minLength=1"`
	Force         bool   `json:"force,omitempty" jsonschema_description:"Also a hosted (managed) policy."`
}

// BulkGetPackagePoliciesInput names the package policies to read.
type BulkGetPackagePoliciesInput struct {
	IDs           []string `json:"ids" jsonschema:"required,minItems=1,maxItems=1000,uniqueItems=true,minLength=1"`
	IgnoreMissing bool     `json:"ignoreMissing,omitempty" jsonschema_description:"Skip unknown IDs instead of failing."`
	Format        string   `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy"`
}

// DeletePackagePolicyInput names one package policy.
type DeletePackagePolicyInput struct {
	PackagePolicyID string `json:"packagePolicyId" in:"path" jsonschema:"required"`
	Force           bool   `json:"force,omitempty" in:"query" jsonschema_description:"Also from hosted policies."`
}

// UpdateFleetSettingsInput changes Fleet's settings.
type UpdateFleetSettingsInput struct {
	PrereleaseIntegrations *bool                  `json:"prerelease_integrations_enabled,omitempty" jsonschema_description:"Offer beta integration versions."`
	DeleteUnenrolled       *FleetDeleteUnenrolled `json:"delete_unenrolled_agents,omitempty"`
	HasSeenAddDataNotice   *bool                  `json:"has_seen_add_data_notice,omitempty"`
	AdditionalYAMLConfig   *string                `json:"additional_yaml_config,omitempty"`
	KibanaURLs             []string               `json:"kibana_urls,omitempty"`
	KibanaCASHA256         *string                `json:"kibana_ca_sha256,omitempty"`
}

// FleetDeleteUnenrolled is whether Fleet deletes unenrolled agents.
type FleetDeleteUnenrolled struct {
	Enabled         bool `json:"enabled"`
	IsPreconfigured bool `json:"is_preconfigured"`
}

// Prepare refuses an update that changes nothing and URLs Kibana would.
func (in *UpdateFleetSettingsInput) Prepare() error {
	if in.PrereleaseIntegrations == nil && in.DeleteUnenrolled == nil && in.HasSeenAddDataNotice == nil && in.AdditionalYAMLConfig == nil && in.KibanaURLs == nil && in.KibanaCASHA256 == nil {
		return &schema.ArgumentError{Rule: "give at least one setting to change"}
	}
	for i, u := range in.KibanaURLs {
		if err := checkFleetURL(fmt.Sprintf("kibana_urls[%d]", i), u); err != nil {
			return err
		}
	}
	return nil
}

// CreateServiceTokenInput says which kind of token.
type CreateServiceTokenInput struct {
	Remote bool `json:"remote,omitempty" jsonschema_description:"For a remote Elasticsearch output."`
}

// RotateSigningKeyInput carries the acknowledgement Kibana requires.
type RotateSigningKeyInput struct {
	Acknowledge bool `json:"acknowledge" in:"query" jsonschema:"required" jsonschema_description:"Must be true: rotating is deliberate."`
}

// Prepare refuses the call Kibana would refuse without acknowledgement.
func (in *RotateSigningKeyInput) Prepare() error {
	if !in.Acknowledge {
		return &schema.ArgumentError{Field: "acknowledge", Rule: "must be true; Kibana rotates the key only when acknowledged"}
	}
	return nil
}

// UpdateFleetSpaceSettingsInput sets a space's namespace prefixes.
type UpdateFleetSpaceSettingsInput struct {
	AllowedNamespacePrefixes []string `json:"allowed_namespace_prefixes" jsonschema:"required,uniqueItems=true"`
}

// Prepare checks each prefix as a namespace: Kibana refuses others.
func (in *UpdateFleetSpaceSettingsInput) Prepare() error {
	for i, p := range in.AllowedNamespacePrefixes {
		if p == "" || p != strings.ToLower(p) || strings.ContainsAny(p, `*\/?"<>|,#:- `) {
			return &schema.ArgumentError{Field: fmt.Sprintf("allowed_namespace_prefixes[%d]", i), Rule: fmt.Sprintf("must be a lowercase namespace prefix without spaces, hyphens or *\\/?\"<>|,#:, got %q", p)}
		}
	}
	return nil
}
