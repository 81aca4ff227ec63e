package tools

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// More of Fleet: cloud connectors and agentless policies (cloud
// integrations run without an agent of the user's), Kubernetes manifests,
// remote integration sync status, permission and Fleet Server health
// checks, and setup (settings, service tokens and the signing key are in
// fleet_admin.go). Routes without an x-state take the fleet toolset's
// availability (toolsets.go).
var fleetExtraOperations = []*operation.Operation{
	// Cloud connectors: x-state "Technical Preview; added in 9.2.0".
	{
		Name:         "find_cloud_connectors",
		Availability: sinceIn("fleet", "9.2.0"),
		Title:        "Find cloud connectors",
		Description:  "List cloud connectors (stored cloud account credentials for agentless deployments) and how often each is used.",
		Toolset:      "fleet",
		Method:       http.MethodGet,
		Path:         "/api/fleet/cloud_connectors",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        FindCloudConnectorsInput{},
		Examples: []string{
			`{}`,
			`{"kuery":"fleet-cloud-connector.attributes.cloudProvider: aws","page":1,"perPage":20,"space_id":"soc"}`,
		},
	},
	{
		Name:         "get_cloud_connector",
		Availability: sinceIn("fleet", "9.2.0"),
		Title:        "Get cloud connector",
		Description:  "Read one cloud connector: provider, variables (secrets as references) and usage count.",
		Toolset:      "fleet",
		Method:       http.MethodGet,
		Path:         "/api/fleet/cloud_connectors/{cloudConnectorId}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Input:        CloudConnectorIDInput{},
		Examples: []string{
			`{"cloudConnectorId":"` + sandboxCloudConnectorID + `"}`,
			`{"cloudConnectorId":"` + sandboxCloudConnectorID + `","space_id":"soc"}`,
		},
	},
	{
		Name:         "create_cloud_connector",
		Availability: sinceIn("fleet", "9.2.0"),
		Title:        "Create cloud connector",
		Description:  "Store cloud account credentials (e.g. a role ARN and external ID) for agentless deployments.",
		Toolset:      "fleet",
		Method:       http.MethodPost,
		Path:         "/api/fleet/cloud_connectors",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Admin:        true,
		Input:        CreateCloudConnectorInput{},
		Examples: []string{
			`{"name":"Security audit role","cloudProvider":"aws","vars":{"role_arn":"arn:aws:iam::123456789012:role/ElasticAudit"}}`,
			`{"name":"Prod subscription","cloudProvider":"azure","vars":{"tenant_id":"2f1c0b7e-0000-4000-8000-1a2b3c4d5e6f","client_id":{"type":"text","value":"9a8b7c6d"},"client_secret":{"type":"password","value":{"isSecretRef":true,"id":"3c0d2e1f-secret"}}},"space_id":"soc"}`,
		},
	},
	{
		Name:         "update_cloud_connector",
		Availability: sinceIn("fleet", "9.2.0"),
		Title:        "Update cloud connector",
		Description:  "Rename a cloud connector or replace its variables; its users get the new credentials.",
		Toolset:      "fleet",
		Method:       http.MethodPut,
		Path:         "/api/fleet/cloud_connectors/{cloudConnectorId}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Idempotent:   true,
		Overwrites:   true,
		Admin:        true,
		Input:        UpdateCloudConnectorInput{},
		Examples: []string{
			`{"cloudConnectorId":"` + sandboxCloudConnectorID + `","name":"Audit role (prod)"}`,
			`{"cloudConnectorId":"` + sandboxCloudConnectorID + `","vars":{"role_arn":"arn:aws:iam::123456789012:role/ElasticAudit2","external_id":{"type":"password","value":{"isSecretRef":true,"id":"5e4d-secret"}}},"space_id":"soc"}`,
		},
	},
	{
		Name:         "delete_cloud_connector",
		Availability: sinceIn("fleet", "9.2.0"),
		Title:        "Delete cloud connector",
		Description:  "Delete a cloud connector; refused while in use unless force. Cannot be undone.",
		Toolset:      "fleet",
		Method:       http.MethodDelete,
		Path:         "/api/fleet/cloud_connectors/{cloudConnectorId}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        DeleteCloudConnectorInput{},
		Examples: []string{
			`{"cloudConnectorId":"` + sandboxSpareCloudConnectorID + `"}`,
			`{"cloudConnectorId":"` + sandboxCloudConnectorID + `","force":true,"space_id":"soc"}`,
		},
	},

	// Agentless policies: x-state "Technical Preview; added in 9.3.0".
	{
		Name:         "create_agentless_policy",
		Availability: sinceIn("fleet", "9.3.0"),
		Title:        "Create agentless policy",
		Description:  "Deploy an installed package agentless: hosted for you, nothing to install. Inputs and vars in simplified form.",
		Toolset:      "fleet",
		Method:       http.MethodPost,
		Path:         "/api/fleet/agentless_policies",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Admin:        true,
		Input:        CreateAgentlessPolicyInput{},
		Examples: []string{
			`{"name":"cspm-aws","package":{"name":"cloud_security_posture","version":"1.13.0"}}`,
			`{"id":"cspm-aws-prod","name":"cspm-aws-prod","description":"Posture of the prod account.","namespace":"prod","package":{"name":"cloud_security_posture","version":"1.13.0"},"inputs":{"cspm-cloudbeat/cis_aws":{"enabled":true,"streams":{"cloud_security_posture.findings":{"enabled":true,"vars":{"role_arn":"arn:aws:iam::123456789012:role/ElasticAudit"}}}}},"vars":{"posture":"cspm","deployment":"aws"},"force":true,"format":"simplified","space_id":"soc"}`,
		},
	},
	{
		Name:         "delete_agentless_policy",
		Availability: sinceIn("fleet", "9.3.0"),
		Title:        "Delete agentless policy",
		Description:  "Delete an agentless policy and stop its hosted agent; force for managed ones. Cannot be undone.",
		Toolset:      "fleet",
		Method:       http.MethodDelete,
		Path:         "/api/fleet/agentless_policies/{policyId}",
		APIVersion:   operation.V20231031,
		Effect:       operation.Deletes,
		Admin:        true,
		Input:        DeleteAgentlessPolicyInput{},
		Examples: []string{
			`{"policyId":"` + sandboxAgentlessPolicyID + `"}`,
			`{"policyId":"` + sandboxAgentlessPolicyID + `","force":true,"space_id":"soc"}`,
		},
	},

	// Kubernetes.
	{
		Name:        "get_kubernetes_manifest",
		Title:       "Get Kubernetes agent manifest",
		Description: "The Kubernetes DaemonSet YAML that enrolls Elastic Agents in Fleet, with a Fleet Server URL and enrollment token filled in.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/kubernetes",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       KubernetesManifestInput{},
		Examples: []string{
			`{}`,
			`{"fleetServer":"https://fleet.example.com:8220","enrolToken":"ZW5yb2xsLXRva2Vu","space_id":"soc"}`,
		},
	},
	{
		Name:        "download_kubernetes_manifest",
		Title:       "Download Kubernetes agent manifest",
		Description: "As get_kubernetes_manifest, answered as the YAML file itself.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/kubernetes/download",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       KubernetesManifestInput{},
		Examples: []string{
			`{}`,
			`{"download":true,"fleetServer":"https://fleet.example.com:8220","enrolToken":"ZW5yb2xsLXRva2Vu"}`,
		},
	},

	// Remote synced integrations: x-state "Generally available; added in 9.1.0".
	{
		Name:         "get_remote_sync_status",
		Availability: sinceIn("fleet", "9.1.0"),
		Title:        "Get synced integrations status",
		Description:  "On a remote cluster: the sync state of what the main cluster replicates to it (completed, synchronizing, failed).",
		Toolset:      "fleet",
		Method:       http.MethodGet,
		Path:         "/api/fleet/remote_synced_integrations/status",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Admin:        true,
		Input:        FleetEmptyInput{},
		Examples:     []string{`{}`, `{"space_id":"soc"}`},
	},
	{
		Name:         "get_remote_output_sync_status",
		Availability: sinceIn("fleet", "9.1.0"),
		Title:        "Get remote output sync status",
		Description:  "For a remote Elasticsearch output with sync on: the sync state of each replicated package on that cluster.",
		Toolset:      "fleet",
		Method:       http.MethodGet,
		Path:         "/api/fleet/remote_synced_integrations/{outputId}/remote_status",
		APIVersion:   operation.V20231031,
		Effect:       operation.Reads,
		Admin:        true,
		Input:        OutputIDInput{},
		Examples: []string{
			`{"outputId":"remote-dr"}`,
			`{"outputId":"remote-dr","space_id":"soc"}`,
		},
	},

	// Settings.

	// Checks, keys, tokens and setup.
	{
		Name:        "get_fleet_permissions",
		Title:       "Get Fleet permissions",
		Description: "Does the caller hold the privileges to manage agents and their policies (fleetServerSetup: also the service account ones)? Names any missing.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/check-permissions",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       CheckFleetPermissionsInput{},
		Examples:    []string{`{}`, `{"fleetServerSetup":true,"space_id":"soc"}`},
	},
	{
		Name:        "ping_fleet_server_host",
		Title:       "Ping Fleet Server host",
		Description: "Ping the server behind one host entry, by id: is it reachable?",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/health_check",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FleetServerHealthInput{},
		Examples:    []string{`{"id":"fleet-prod"}`, `{"id":"fleet-prod","space_id":"soc"}`},
	},
	{
		Name:        "run_fleet_setup",
		Title:       "Run Fleet setup",
		Description: "Initialize Fleet (default outputs, preconfigured policies, package upgrades); safe to repeat. get_fleet_setup_status only reads readiness.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/setup",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       FleetEmptyInput{},
		Examples:    []string{`{}`, `{"space_id":"soc"}`},
	},
}

// The sandbox's seeded cloud connectors (the first used by the agentless
// policy, the second by nothing) and agentless policy, in every space, so
// that examples reach real objects.
const (
	sandboxCloudConnectorID      = "6b1f0c2e-9d4a-4e3b-8c71-2a5e0f9d3b10"
	sandboxSpareCloudConnectorID = "8d3e2a41-5c6b-4f7a-9e80-1b2c3d4e5f60"
	sandboxAgentlessPolicyID     = "cspm-aws-audit"
)

// FindCloudConnectorsInput pages through cloud connectors.
type FindCloudConnectorsInput struct {
	Kuery   string `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL over fleet-cloud-connector.attributes.*"`
	Page    int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage int    `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1"`
}

// CloudConnectorIDInput names one cloud connector.
type CloudConnectorIDInput struct {
	CloudConnectorID string `json:"cloudConnectorId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"From find_cloud_connectors."`
}

// CloudConnectorVars are a connector's variables: a plain value, or
// {type, value, frozen} whose value may reference a stored secret.
type CloudConnectorVars map[string]any

// CreateCloudConnectorInput is a new cloud connector.
type CreateCloudConnectorInput struct {
	Name          string             `json:"name" jsonschema:"required,minLength=1,maxLength=255"`
	CloudProvider string             `json:"cloudProvider" jsonschema:"required,enum=aws,enum=azure,enum=gcp"`
	Vars          CloudConnectorVars `json:"vars" jsonschema:"required" jsonschema_description:"Name to value, or to {type, value} with value a string or {isSecretRef: true, id}."`
}

// Prepare refuses a blank name and variables Kibana's schema refuses.
func (in *CreateCloudConnectorInput) Prepare() error {
	if strings.TrimSpace(in.Name) == "" {
		return &schema.ArgumentError{Field: "name", Rule: "must not be blank"}
	}
	return in.Vars.check("vars")
}

// UpdateCloudConnectorInput renames a connector or replaces its variables.
type UpdateCloudConnectorInput struct {
	CloudConnectorID string             `json:"cloudConnectorId" in:"path" jsonschema:"required,minLength=1"`
	Name             string             `json:"name,omitempty" jsonschema:"minLength=1,maxLength=255"`
	Vars             CloudConnectorVars `json:"vars,omitempty" jsonschema_description:"Replaces all variables; as in create_cloud_connector."`
}

// Prepare refuses an update that changes nothing.
func (in *UpdateCloudConnectorInput) Prepare() error {
	if in.Name == "" && in.Vars == nil {
		return &schema.ArgumentError{Rule: "give name, vars or both"}
	}
	if in.Name != "" && strings.TrimSpace(in.Name) == "" {
		return &schema.ArgumentError{Field: "name", Rule: "must not be blank"}
	}
	return in.Vars.check("vars")
}

// DeleteCloudConnectorInput names the connector to delete.
type DeleteCloudConnectorInput struct {
	CloudConnectorID string `json:"cloudConnectorId" in:"path" jsonschema:"required,minLength=1"`
	Force            bool   `json:"force,omitempty" in:"query" jsonschema_description:"Even while package policies use it."`
}

// check applies Kibana's variable rules: strings of at most 1000
// characters, numbers, booleans, or {type, value[, frozen]} objects whose
// value is such a string or a secret reference.
func (v CloudConnectorVars) check(field string) error {
	for name, val := range v {
		f := fmt.Sprintf("%s.%s", field, name)
		switch x := val.(type) {
		case string:
			if len([]rune(x)) > 1000 {
				return &schema.ArgumentError{Field: f, Rule: "must be at most 1000 characters"}
			}
		case float64, json.Number, bool:
		case map[string]any:
			if err := checkConnectorVarObject(f, x); err != nil {
				return err
			}
		default:
			return &schema.ArgumentError{Field: f, Rule: "must be a string, number, boolean or {type, value} object"}
		}
	}
	return nil
}

func checkConnectorVarObject(f string, x map[string]any) error {
	for key := range x {
		if key != "type" && key != "value" && key != "frozen" {
			return &schema.ArgumentError{Field: f + "." + key, Rule: "is not a variable member; use type, value, frozen"}
		}
	}
	typ, ok := x["type"].(string)
	if !ok || len(typ) > 50 {
		return &schema.ArgumentError{Field: f + ".type", Rule: "must be a string of at most 50 characters, e.g. text or password"}
	}
	switch val := x["value"].(type) {
	case string:
		if len([]rune(val)) > 1000 {
			return &schema.ArgumentError{Field: f + ".value", Rule: "must be at most 1000 characters"}
		}
	case map[string]any:
		id, _ := val["id"].(string)
		if ref, _ := val["isSecretRef"].(bool); !ref || id == "" || len(val) != 2 {
			return &schema.ArgumentError{Field: f + ".value", Rule: "must be a string or {isSecretRef: true, id}"}
		}
	default:
		return &schema.ArgumentError{Field: f + ".value", Rule: "must be a string or {isSecretRef: true, id}"}
	}
	if _, has := x["frozen"]; has {
		if _, isBool := x["frozen"].(bool); !isBool {
			return &schema.ArgumentError{Field: f + ".frozen", Rule: "must be a boolean"}
		}
	}
	return nil
}

// CreateAgentlessPolicyInput is an agentless integration, configured as a
// simplified package policy (create_package_policy).
type CreateAgentlessPolicyInput struct {
	Name                             string                        `json:"name" jsonschema:"required,minLength=1"`
	Description                      string                        `json:"description,omitempty"`
	Namespace                        string                        `json:"namespace,omitempty" jsonschema:"maxLength=100" jsonschema_description:"Data stream namespace: lowercase, no - or spaces."`
	Package                          PackagePolicyPackage          `json:"package" jsonschema:"required" jsonschema_description:"An installed package with an agentless deployment mode."`
	Inputs                           map[string]PackagePolicyInput `json:"inputs,omitempty" jsonschema_description:"By input ID, as for create_package_policy."`
	Vars                             json.RawMessage               `json:"vars,omitempty" jsonschema_description:"Package variables, name to value."`
	ID                               string                        `json:"id,omitempty" jsonschema:"minLength=1"`
	Force                            bool                          `json:"force,omitempty" jsonschema_description:"Go ahead with an unverified package."`
	Format                           string                        `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy" jsonschema_description:"Of the answer."`
	AdditionalDatastreamsPermissions []string                      `json:"additional_datastreams_permissions,omitempty" jsonschema_description:"More data streams it may write, e.g. logs-aws.custom-*."`
}

// Prepare applies the package policy rules Kibana applies.
func (in *CreateAgentlessPolicyInput) Prepare() error {
	if err := checkPackagePolicy(in.Name, in.Namespace, nil, in.Package, in.Inputs); err != nil {
		return err
	}
	return packagePolicyMore{AdditionalDatastreamsPermissions: in.AdditionalDatastreamsPermissions}.check()
}

// DeleteAgentlessPolicyInput names the agentless policy to delete.
type DeleteAgentlessPolicyInput struct {
	PolicyID string `json:"policyId" in:"path" jsonschema:"required,minLength=1"`
	Force    bool   `json:"force,omitempty" in:"query"`
}

// KubernetesManifestInput fills in the manifest's enrollment settings.
type KubernetesManifestInput struct {
	Download    bool   `json:"download,omitempty" in:"query"`
	FleetServer string `json:"fleetServer,omitempty" in:"query" jsonschema_description:"Fleet Server URL; default the default Fleet Server host's."`
	EnrolToken  string `json:"enrolToken,omitempty" in:"query" jsonschema_description:"Enrollment API key; credential, shown in the manifest."`
}

// CheckFleetPermissionsInput says what to check.
type CheckFleetPermissionsInput struct {
	FleetServerSetup bool `json:"fleetServerSetup,omitempty" in:"query" jsonschema_description:"Also the privileges to set up Fleet Server."`
}

// FleetServerHealthInput names a Fleet Server host entry.
type FleetServerHealthInput struct {
	ID string `json:"id" jsonschema:"required,minLength=1" jsonschema_description:"Fleet Server host id, e.g. from get_fleet_server_host."`
}
