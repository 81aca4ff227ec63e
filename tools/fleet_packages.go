package tools

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Fleet integrations API: Elastic Package Manager (EPM) packages, the
// data streams they feed, and package policies (an integration added to
// agent policies). Agents, agent policies and outputs are in fleet.go.
// Every route is Fleet's public version 2023-10-31.
var fleetPackagesOperations = []*operation.Operation{
	{
		Name:        "find_data_streams",
		Title:       "Find Fleet data streams",
		Description: "List the data streams Fleet integrations write to, with package, namespace, size, last activity and dashboards.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/data_streams",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FleetPackagesNoInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_epm_data_streams",
		Title:       "Find data stream names",
		Description: "List data stream names (such as logs-nginx.access-default) by type and dataset.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/data_streams",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindEPMDataStreamsInput{},
		Examples: []string{
			`{}`,
			`{"type":"logs","datasetQuery":"nginx","sortOrder":"desc","uncategorisedOnly":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "create_custom_integration",
		Title:       "Create custom integration",
		Description: "Create and install a custom integration package with the given datasets, to ingest data no prebuilt integration covers.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/epm/custom_integrations",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateCustomIntegrationInput{},
		Examples: []string{
			`{"integrationName":"billing_app","datasets":[{"name":"billing_app.invoices","type":"logs"}]}`,
			`{"integrationName":"billing_app","datasets":[{"name":"billing_app.invoices","type":"logs"},{"name":"billing_app.latency","type":"metrics"}],"force":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_install_packages",
		Title:       "Install or upgrade packages",
		Description: "Install integration packages from the package registry; packages already installed are upgraded to the given or latest version, replacing their assets.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/epm/packages/_bulk",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		OpenWorld:   true,
		Admin:       true,
		Input:       BulkInstallPackagesInput{},
		Examples: []string{
			`{"packages":[{"name":"nginx"}]}`,
			`{"packages":[{"name":"nginx"},{"name":"system","version":"1.60.0"}],"force":true,"prerelease":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_installed_packages",
		Title:       "Find installed packages",
		Description: "List installed integrations (packages) with version, status and data streams; for the next page pass the answer's searchAfter.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/packages/installed",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindInstalledPackagesInput{},
		Examples: []string{
			`{}`,
			`{"nameQuery":"nginx","dataStreamType":"logs","showOnlyActiveDataStreams":true,"searchAfter":["elastic_agent"],"perPage":50,"sortOrder":"desc","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_package_stats",
		Title:       "Get package usage",
		Description: "Count how many agent policies use an integration package.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/packages/{pkgName}/stats",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       PackageNameInput{},
		Examples: []string{
			`{"pkgName":"nginx"}`,
			`{"pkgName":"nginx","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_package",
		Title:       "Get package",
		Description: "Fetch one version of an integration package: description, policy templates and their variables, data streams, install status.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/packages/{pkgName}/{pkgVersion}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		OpenWorld:   true,
		Input:       GetPackageInput{},
		Examples: []string{
			`{"pkgName":"nginx","pkgVersion":"1.20.0"}`,
			`{"pkgName":"nginx","pkgVersion":"1.21.0-beta1","ignoreUnverified":true,"prerelease":true,"full":true,"withMetadata":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "install_package",
		Title:       "Install package",
		Description: "Install a version of an integration package from the package registry, with its assets (index templates, ingest pipelines, dashboards).",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/epm/packages/{pkgName}/{pkgVersion}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		OpenWorld:   true,
		Admin:       true,
		Input:       InstallPackageInput{},
		Examples: []string{
			`{"pkgName":"nginx","pkgVersion":"1.20.0"}`,
			`{"pkgName":"nginx","pkgVersion":"1.21.0-beta1","prerelease":true,"ignoreMappingUpdateErrors":true,"skipDataStreamRollover":true,"force":true,"ignore_constraints":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_package",
		Title:       "Uninstall package",
		Description: "Uninstall an integration package, removing its assets (dashboards, index templates, pipelines) from Kibana and Elasticsearch.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/epm/packages/{pkgName}/{pkgVersion}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeletePackageInput{},
		Examples: []string{
			`{"pkgName":"nginx","pkgVersion":"1.20.0"}`,
			`{"pkgName":"nginx","pkgVersion":"1.20.0","force":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "authorize_package_transforms",
		Title:       "Authorize package transforms",
		Description: "Authorize a package's transforms with your own privileges and start them, e.g. when the install left them waiting for a user who may read the source indices.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/transforms/authorize",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       AuthorizePackageTransformsInput{},
		Examples: []string{
			`{"pkgName":"endpoint","pkgVersion":"8.14.0","transforms":[{"transformId":"logs-endpoint.metadata_current-default-8.14.0"}]}`,
			`{"pkgName":"endpoint","pkgVersion":"8.15.0-prerelease.1","prerelease":true,"transforms":[{"transformId":"logs-endpoint.metadata_current-default-8.15.0"},{"transformId":"logs-endpoint.metadata_united-default-8.15.0"}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_package_file",
		Title:       "Get package file",
		Description: "Read one file of an integration package, such as manifest.yml, docs/README.md or an icon: text comes back as text, other files as an attachment.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        getPackageFilePath,
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		OpenWorld:   true,
		Input:       GetPackageFileInput{},
		Examples: []string{
			`{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"manifest.yml"}`,
			`{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"changelog.yml","space_id":"soc"}`,
		},
	},
	{
		Name:        "get_package_verification_key_id",
		Title:       "Get package verification key ID",
		Description: "Get the ID of the GPG key Fleet verifies package signatures with.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/verification_key_id",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FleetPackagesNoInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_packages",
		Title:       "Find packages",
		Description: "List the integrations available from the package registry, with install status; name a category to keep the list short.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/packages",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		OpenWorld:   true,
		Input:       FindPackagesInput{},
		Examples: []string{
			`{}`,
			`{"category":"security","prerelease":true,"excludeInstallStatus":true,"withPackagePoliciesCount":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "upload_package",
		Title:       "Upload package",
		Description: "Install an integration package from its .zip or .tar.gz archive, given in base64 (custom or air-gapped packages).",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        uploadPackagePath,
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       UploadPackageInput{},
		Examples: []string{
			`{"file":"UEsDBBQAAAAIAAAAIQAAAAAAAAAAAAAAAAAIAAAAbWFuaWZlc3Q="}`,
			`{"file":"H4sIAAAAAAAAA+3OMQ6AIBAAwbvKT6wB9TkWFhYWxvx/6Cs=","ignoreMappingUpdateErrors":true,"skipDataStreamRollover":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "find_package_policies",
		Title:       "Find package policies",
		Description: "List package policies (integrations added to agent policies), filtered with KQL.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/package_policies",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FindPackagePoliciesInput{},
		Examples: []string{
			`{}`,
			`{"kuery":"ingest-package-policies.package.name:nginx","page":2,"perPage":50,"sortField":"updated_at","sortOrder":"asc","showUpgradeable":true,"format":"simplified","withAgentCount":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_package_policy",
		Title:       "Get package policy",
		Description: "Fetch one package policy with its package, agent policies, inputs and variables.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/package_policies/{packagePolicyId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       GetPackagePolicyInput{},
		Examples: []string{
			`{"packagePolicyId":"5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01"}`,
			`{"packagePolicyId":"5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01","format":"simplified","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_package_policy",
		Title:       "Create package policy",
		Description: "Add an installed integration to agent policies as a package policy, with its inputs and variables.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/package_policies",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreatePackagePolicyInput{},
		Examples: []string{
			`{"name":"nginx-web","package":{"name":"nginx","version":"1.20.0"}}`,
			`{"name":"nginx-web","description":"Access and error logs of the web tier.","namespace":"prod","policy_ids":["7f2a1c30-73b2-11ee-a5e3-4bca5f3c1e01"],"package":{"name":"nginx","version":"1.20.0"},"inputs":{"nginx-logfile":{"enabled":true,"vars":{},"streams":{"nginx.access":{"enabled":true,"vars":{"paths":["/var/log/nginx/access.log*"]}},"nginx.error":{"enabled":false}}},"nginx-nginx/metrics":{"enabled":false}},"vars":{},"id":"nginx-web-prod","force":true,"format":"simplified","output_id":"es-prod","additional_datastreams_permissions":["logs-nginx.custom-*"],"supports_agentless":false,"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_package_policy",
		Title:       "Update package policy",
		Description: "Replace a package policy's settings, changing what its agents collect; start from get_package_policy with format simplified, as inputs and vars left out can return to package defaults.",
		Toolset:     "fleet",
		Method:      http.MethodPut,
		Path:        "/api/fleet/package_policies/{packagePolicyId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdatePackagePolicyInput{},
		Examples: []string{
			`{"packagePolicyId":"5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01","name":"nginx-web","package":{"name":"nginx","version":"1.20.0"}}`,
			`{"packagePolicyId":"5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01","name":"nginx-web","description":"Access logs only.","namespace":"prod","policy_ids":["7f2a1c30-73b2-11ee-a5e3-4bca5f3c1e01","8a3b2d40-73b2-11ee-a5e3-4bca5f3c1e01"],"package":{"name":"nginx","version":"1.20.0"},"inputs":{"nginx-logfile":{"enabled":true,"streams":{"nginx.access":{"enabled":true,"vars":{"paths":["/var/log/nginx/access.log*"]}},"nginx.error":{"enabled":false}}}},"vars":{},"force":true,"format":"simplified","output_id":"es-prod","additional_datastreams_permissions":["logs-nginx.custom-*","metrics-nginx.custom-*"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_package_policies",
		Title:       "Delete package policies",
		Description: "Delete package policies, removing those integrations from their agent policies so agents stop collecting their data.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/package_policies/delete",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeletePackagePoliciesInput{},
		Examples: []string{
			`{"packagePolicyIds":["5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01"]}`,
			`{"packagePolicyIds":["5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01","6b2c4de0-73b2-11ee-a5e3-4bca5f3c1e01"],"force":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "upgrade_package_policies",
		Title:       "Upgrade package policies",
		Description: "Upgrade package policies to the installed package version, rewriting their inputs and what agents collect; preview with dry_run_package_policy_upgrade.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/package_policies/upgrade",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpgradePackagePoliciesInput{},
		Examples: []string{
			`{"packagePolicyIds":["5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01"]}`,
			`{"packagePolicyIds":["5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01","6b2c4de0-73b2-11ee-a5e3-4bca5f3c1e01"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "dry_run_package_policy_upgrade",
		Title:       "Preview package policy upgrade",
		Description: "Preview upgrading package policies: the upgraded policy, the agent configuration diff and any conflicts; changes nothing.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/package_policies/upgrade/dryrun",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       DryRunPackagePolicyUpgradeInput{},
		Examples: []string{
			`{"packagePolicyIds":["5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01"]}`,
			`{"packagePolicyIds":["5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01","6b2c4de0-73b2-11ee-a5e3-4bca5f3c1e01"],"packageVersion":"1.21.0","space_id":"soc"}`,
		},
	},
}

// fleetListPerPage is the page size of Fleet listings when the model names
// none: a package policy with its inputs is 2 to 5 KB of JSON, so twenty
// stay well inside the result limit.
const fleetListPerPage = 20

// FleetPackagesNoInput is the input of operations without arguments.
type FleetPackagesNoInput struct{}

// FindEPMDataStreamsInput filters data stream names.
type FindEPMDataStreamsInput struct {
	Type              string `json:"type,omitempty" in:"query" jsonschema:"enum=logs,enum=metrics,enum=traces,enum=synthetics,enum=profiling"`
	DatasetQuery      string `json:"datasetQuery,omitempty" in:"query" jsonschema_description:"Part of the dataset name."`
	SortOrder         string `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"Default asc."`
	UncategorisedOnly bool   `json:"uncategorisedOnly,omitempty" in:"query" jsonschema_description:"Only data streams Fleet does not manage."`
}

// CreateCustomIntegrationInput names the integration and its datasets.
type CreateCustomIntegrationInput struct {
	IntegrationName string                     `json:"integrationName" jsonschema:"required,minLength=1"`
	Datasets        []CustomIntegrationDataset `json:"datasets" jsonschema:"required,minItems=1"`
	Force           bool                       `json:"force,omitempty" jsonschema_description:"Replace an integration of the same name."`
}

// CustomIntegrationDataset is one dataset of a custom integration.
type CustomIntegrationDataset struct {
	Name string `json:"name" jsonschema:"required,minLength=1"`
	Type string `json:"type" jsonschema:"required,enum=logs,enum=metrics,enum=traces,enum=synthetics,enum=profiling"`
}

// Prepare refuses blank and repeated names.
func (in *CreateCustomIntegrationInput) Prepare() error {
	if strings.TrimSpace(in.IntegrationName) == "" {
		return &schema.ArgumentError{Field: "integrationName", Rule: "must not be blank"}
	}
	seen := map[string]bool{}
	for i, d := range in.Datasets {
		field := fmt.Sprintf("datasets[%d].name", i)
		if strings.TrimSpace(d.Name) == "" {
			return &schema.ArgumentError{Field: field, Rule: "must not be blank"}
		}
		if seen[d.Name] {
			return &schema.ArgumentError{Field: field, Rule: fmt.Sprintf("repeats dataset %q", d.Name)}
		}
		seen[d.Name] = true
	}
	return nil
}

// BulkInstallPackagesInput lists the packages to install or upgrade.
type BulkInstallPackagesInput struct {
	Prerelease bool          `json:"prerelease,omitempty" in:"query" jsonschema_description:"Let latest include prerelease versions."`
	Packages   []BulkPackage `json:"packages" jsonschema:"required,minItems=1"`
	Force      bool          `json:"force,omitempty" jsonschema_description:"Reinstall, or install unverified packages."`
}

// BulkPackage is one package to install. Kibana takes a bare name for the
// latest version and {name, version} for a given one; the model always
// gives an object, and MarshalJSON sends the form Kibana expects.
type BulkPackage struct {
	Name    string `json:"name" jsonschema:"required,minLength=1"`
	Version string `json:"version,omitempty" jsonschema:"minLength=1" jsonschema_description:"Default latest."`
}

// MarshalJSON sends a package without a version as its bare name.
func (p BulkPackage) MarshalJSON() ([]byte, error) {
	if p.Version == "" {
		return json.Marshal(p.Name)
	}
	type plain BulkPackage
	return json.Marshal(plain(p))
}

// Prepare refuses blank and repeated names.
func (in *BulkInstallPackagesInput) Prepare() error {
	return packageNamesOnce(in.Packages, func(p BulkPackage) string { return p.Name })
}

// FindInstalledPackagesInput filters and pages the installed packages.
type FindInstalledPackagesInput struct {
	NameQuery                 string        `json:"nameQuery,omitempty" in:"query" jsonschema_description:"Part of the package name."`
	DataStreamType            string        `json:"dataStreamType,omitempty" in:"query" jsonschema:"enum=logs,enum=metrics,enum=traces,enum=synthetics,enum=profiling"`
	ShowOnlyActiveDataStreams bool          `json:"showOnlyActiveDataStreams,omitempty" in:"query"`
	SearchAfter               PackageCursor `json:"searchAfter,omitempty" in:"query" jsonschema:"minItems=1" jsonschema_description:"The previous answer's searchAfter, for the next page."`
	PerPage                   int           `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
	SortOrder                 string        `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc" jsonschema_description:"By name; default asc."`
}

// Prepare asks for a small page when the model names no page size.
func (in *FindInstalledPackagesInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = fleetListPerPage
	}
	return nil
}

// PackageCursor is the searchAfter of find_installed_packages: a list of
// strings to the model, one query parameter holding a JSON array to Kibana.
// Kibana reads an array query parameter given once as JSON, so a repeated
// plain value (searchAfter=nginx) would not parse; being a struct, the
// binder sends it through MarshalJSON rather than repeating it.
type PackageCursor struct {
	values []string
}

// JSONSchemaAlias shows the cursor as a list of strings.
func (PackageCursor) JSONSchemaAlias() any { return []string(nil) }

// MarshalJSON is the JSON array Kibana reads.
func (c PackageCursor) MarshalJSON() ([]byte, error) { return json.Marshal(c.values) }

// UnmarshalJSON reads the list; an empty one is no cursor.
func (c *PackageCursor) UnmarshalJSON(data []byte) error {
	var values []string
	if err := json.Unmarshal(data, &values); err != nil {
		return err
	}
	if len(values) == 0 {
		values = nil
	}
	c.values = values
	return nil
}

// PackageNameInput names a package.
type PackageNameInput struct {
	PkgName string `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. nginx."`
}

// GetPackageInput names a package version and what to include.
type GetPackageInput struct {
	PkgName          string `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. nginx."`
	PkgVersion       string `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1"`
	IgnoreUnverified bool   `json:"ignoreUnverified,omitempty" in:"query" jsonschema_description:"Answer even if the signature does not verify."`
	Prerelease       bool   `json:"prerelease,omitempty" in:"query"`
	Full             bool   `json:"full,omitempty" in:"query" jsonschema_description:"Read the whole package archive."`
	WithMetadata     bool   `json:"withMetadata,omitempty" in:"query" jsonschema_description:"Add whether package policies use it."`
}

// InstallPackageInput names the version to install and how.
type InstallPackageInput struct {
	PkgName                   string `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. nginx."`
	PkgVersion                string `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1"`
	Prerelease                bool   `json:"prerelease,omitempty" in:"query"`
	IgnoreMappingUpdateErrors bool   `json:"ignoreMappingUpdateErrors,omitempty" in:"query"`
	SkipDataStreamRollover    bool   `json:"skipDataStreamRollover,omitempty" in:"query" jsonschema_description:"Do not roll over data streams whose mappings change."`
	Force                     bool   `json:"force,omitempty" jsonschema_description:"Reinstall, downgrade, or install unverified."`
	IgnoreConstraints         bool   `json:"ignore_constraints,omitempty" jsonschema_description:"Ignore the package's Kibana version requirement."`
}

// DeletePackageInput names the package version to uninstall.
type DeletePackageInput struct {
	PkgName    string `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. nginx."`
	PkgVersion string `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1"`
	Force      bool   `json:"force,omitempty" in:"query" jsonschema_description:"Uninstall even while package policies use it."`
}

// AuthorizePackageTransformsInput lists the transforms to authorize.
type AuthorizePackageTransformsInput struct {
	PkgName    string                `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. endpoint."`
	PkgVersion string                `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1"`
	Prerelease bool                  `json:"prerelease,omitempty" in:"query"`
	Transforms []PackageTransformRef `json:"transforms" jsonschema:"required,minItems=1"`
}

// PackageTransformRef names one transform.
type PackageTransformRef struct {
	TransformID string `json:"transformId" jsonschema:"required,minLength=1"`
}

// Prepare refuses blank transform IDs.
func (in *AuthorizePackageTransformsInput) Prepare() error {
	for i, t := range in.Transforms {
		if strings.TrimSpace(t.TransformID) == "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("transforms[%d].transformId", i), Rule: "must not be blank"}
		}
	}
	return nil
}

// getPackageFilePath is the package file route; GetPackageFileInput builds
// its request itself.
const getPackageFilePath = "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/{filePath}"

// GetPackageFileInput names a file inside a package.
//
// Kibana's route takes the file path as a wildcard ({filePath*}) that spans
// several segments, so docs/README.md must arrive as docs/README.md: the
// generic binder would escape its slash (docs%2FREADME.md). request keeps
// the slashes, escapes each segment on its own, and refuses empty, "." and
// ".." segments, so the path cannot leave the package.
type GetPackageFileInput struct {
	PkgName    string `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. nginx."`
	PkgVersion string `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1"`
	FilePath   string `json:"filePath" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Path inside the package, e.g. manifest.yml or docs/README.md."`
}

// Request builds GET /api/fleet/epm/packages/{pkgName}/{pkgVersion}/{filePath}.
func (in *GetPackageFileInput) Request() (*kibana.Request, error) {
	var b strings.Builder
	b.WriteString("/api/fleet/epm/packages")
	for _, seg := range []struct{ field, value string }{{"pkgName", in.PkgName}, {"pkgVersion", in.PkgVersion}} {
		if err := checkPackagePathSegment(seg.field, seg.value); err != nil {
			return nil, err
		}
		b.WriteString("/" + url.PathEscape(seg.value))
	}
	if strings.Contains(in.FilePath, `\`) {
		return nil, &schema.ArgumentError{Field: "filePath", Rule: `must separate folders with /, not \`}
	}
	for _, seg := range strings.Split(in.FilePath, "/") {
		if err := checkPackagePathSegment("filePath", seg); err != nil {
			return nil, err
		}
		b.WriteString("/" + url.PathEscape(seg))
	}
	return &kibana.Request{
		Method:     http.MethodGet,
		Path:       b.String(),
		APIVersion: operation.V20231031,
		Retryable:  true,
	}, nil
}

// checkPackagePathSegment refuses a path segment that is empty, a dot
// segment (servers and proxies resolve those, which could leave the
// package's path), or holds control characters.
func checkPackagePathSegment(field, seg string) error {
	switch {
	case seg == "":
		return &schema.ArgumentError{Field: field, Rule: "must not be empty or hold an empty segment (a leading, trailing or doubled /)"}
	case seg == "." || seg == "..":
		return &schema.ArgumentError{Field: field, Rule: `must not hold "." or ".." segments`}
	case strings.ContainsFunc(seg, unicode.IsControl):
		return &schema.ArgumentError{Field: field, Rule: "must not hold control characters"}
	}
	return nil
}

// FindPackagesInput filters the registry's package list.
type FindPackagesInput struct {
	Category                 string `json:"category,omitempty" in:"query" jsonschema_description:"E.g. security, observability, aws."`
	Prerelease               bool   `json:"prerelease,omitempty" in:"query"`
	ExcludeInstallStatus     bool   `json:"excludeInstallStatus,omitempty" in:"query"`
	WithPackagePoliciesCount bool   `json:"withPackagePoliciesCount,omitempty" in:"query"`
}

// uploadPackagePath is the upload route, which UploadPackageInput builds
// its request for.
const uploadPackagePath = "/api/fleet/epm/packages"

// UploadPackageInput is a package archive. Kibana takes the archive as the
// raw request body, typed application/zip or application/gzip (a .tar.gz);
// the type is read from the archive's first bytes, so the model only gives
// the content.
type UploadPackageInput struct {
	File                      string `json:"file" jsonschema:"required,minLength=1" jsonschema_description:"Base64 of the .zip or .tar.gz archive."`
	IgnoreMappingUpdateErrors bool   `json:"ignoreMappingUpdateErrors,omitempty" in:"query"`
	SkipDataStreamRollover    bool   `json:"skipDataStreamRollover,omitempty" in:"query" jsonschema_description:"Do not roll over data streams whose mappings change."`
}

// Request decodes the archive and sends it as the body.
func (in *UploadPackageInput) Request() (*kibana.Request, error) {
	// Models often wrap long base64 across lines; the breaks are not data.
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(in.File), ""))
	if err != nil {
		return nil, &schema.ArgumentError{Field: "file", Rule: "must be standard base64: " + err.Error()}
	}
	var contentType string
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		contentType = "application/zip"
	case bytes.HasPrefix(data, []byte("\x1f\x8b")):
		contentType = "application/gzip"
	default:
		return nil, &schema.ArgumentError{Field: "file", Rule: "must be a .zip or .tar.gz package archive (it starts with neither archive's signature)"}
	}
	var query url.Values
	for _, q := range []struct {
		name string
		set  bool
	}{{"ignoreMappingUpdateErrors", in.IgnoreMappingUpdateErrors}, {"skipDataStreamRollover", in.SkipDataStreamRollover}} {
		if q.set {
			if query == nil {
				query = url.Values{}
			}
			query.Set(q.name, "true")
		}
	}
	return &kibana.Request{
		Method:      http.MethodPost,
		Path:        uploadPackagePath,
		Query:       query,
		Body:        data,
		ContentType: contentType,
		APIVersion:  operation.V20231031,
		Mutates:     true,
	}, nil
}

// FindPackagePoliciesInput filters and pages package policies.
type FindPackagePoliciesInput struct {
	Kuery           string `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL, e.g. ingest-package-policies.package.name:nginx."`
	Page            int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage         int    `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
	SortField       string `json:"sortField,omitempty" in:"query" jsonschema_description:"E.g. name, updated_at."`
	SortOrder       string `json:"sortOrder,omitempty" in:"query" jsonschema:"enum=asc,enum=desc"`
	ShowUpgradeable bool   `json:"showUpgradeable,omitempty" in:"query"`
	Format          string `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy" jsonschema_description:"simplified keys inputs by ID, as create and update take them."`
	WithAgentCount  bool   `json:"withAgentCount,omitempty" in:"query"`
}

// Prepare asks for a small page when the model names no page size.
func (in *FindPackagePoliciesInput) Prepare() error {
	if in.PerPage == 0 {
		in.PerPage = fleetListPerPage
	}
	return nil
}

// GetPackagePolicyInput names a package policy.
type GetPackagePolicyInput struct {
	PackagePolicyID string `json:"packagePolicyId" in:"path" jsonschema:"required,minLength=1"`
	Format          string `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy" jsonschema_description:"simplified keys inputs by ID, as update takes them."`
}

// CreatePackagePolicyInput is a new package policy in Kibana's simplified
// form: inputs keyed by input ID, streams by data stream, variables as
// name-to-value objects. update_package_policy takes the same members.
type CreatePackagePolicyInput struct {
	Name        string                        `json:"name" jsonschema:"required,minLength=1"`
	Description string                        `json:"description,omitempty"`
	Namespace   string                        `json:"namespace,omitempty" jsonschema:"maxLength=100" jsonschema_description:"Data stream namespace: lowercase, no - or spaces. Default the agent policy's."`
	PolicyIDs   []string                      `json:"policy_ids,omitempty" jsonschema_description:"Agent policies to add it to."`
	Package     PackagePolicyPackage          `json:"package" jsonschema:"required"`
	Inputs      map[string]PackagePolicyInput `json:"inputs,omitempty" jsonschema_description:"By input ID, <policy template>-<input type> as in get_package (e.g. nginx-logfile); inputs left out keep package defaults."`
	Vars        json.RawMessage               `json:"vars,omitempty" jsonschema_description:"Package variables, name to value."`
	ID          string                        `json:"id,omitempty" jsonschema:"minLength=1" jsonschema_description:"Default generated."`
	Force       bool                          `json:"force,omitempty" jsonschema_description:"Go ahead with an unverified package or a managed agent policy."`
	Format      string                        `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy" jsonschema_description:"Of the answer."`
	packagePolicyMore
}

// packagePolicyMore are the package policy members beyond its
// configuration, shared by create and update.
type packagePolicyMore struct {
	OutputID                         string   `json:"output_id,omitempty" jsonschema_description:"From find_outputs; default the agent policy's."`
	AdditionalDatastreamsPermissions []string `json:"additional_datastreams_permissions,omitempty" jsonschema:"maxItems=100" jsonschema_description:"More data streams its agents may write, e.g. logs-nginx.custom-*."`
	SupportsAgentless                *bool    `json:"supports_agentless,omitempty"`
}

// check refuses the data streams Kibana refuses: each names its type
// first (logs-, metrics-, traces-, synthetics-, profiling-).
func (m packagePolicyMore) check() error {
	for i, p := range m.AdditionalDatastreamsPermissions {
		typ, rest, _ := strings.Cut(p, "-")
		if rest == "" || !slices.Contains([]string{"logs", "metrics", "traces", "synthetics", "profiling"}, typ) {
			return &schema.ArgumentError{Field: fmt.Sprintf("additional_datastreams_permissions[%d]", i), Rule: fmt.Sprintf("must be a data stream name or pattern starting with logs-, metrics-, traces-, synthetics- or profiling-, got %q", p)}
		}
	}
	return nil
}

// PackagePolicyPackage is the installed package a policy configures.
type PackagePolicyPackage struct {
	Name    string `json:"name" jsonschema:"required,minLength=1"`
	Version string `json:"version" jsonschema:"required,minLength=1"`
}

// PackagePolicyInput configures one input of a package policy.
type PackagePolicyInput struct {
	Enabled *bool                          `json:"enabled,omitempty"`
	Vars    json.RawMessage                `json:"vars,omitempty" jsonschema_description:"Name to value."`
	Streams map[string]PackagePolicyStream `json:"streams,omitempty" jsonschema_description:"By data stream, e.g. nginx.access."`
}

// PackagePolicyStream configures one data stream of an input.
type PackagePolicyStream struct {
	Enabled *bool           `json:"enabled,omitempty"`
	Vars    json.RawMessage `json:"vars,omitempty" jsonschema_description:"Name to value."`
}

// Prepare checks what Kibana would refuse after the schema: blank names and
// IDs, and a namespace that cannot be part of a data stream name.
func (in *CreatePackagePolicyInput) Prepare() error {
	if err := checkPackagePolicy(in.Name, in.Namespace, in.PolicyIDs, in.Package, in.Inputs); err != nil {
		return err
	}
	return in.packagePolicyMore.check()
}

// UpdatePackagePolicyInput replaces a package policy's settings.
type UpdatePackagePolicyInput struct {
	PackagePolicyID string                        `json:"packagePolicyId" in:"path" jsonschema:"required,minLength=1"`
	Name            string                        `json:"name" jsonschema:"required,minLength=1"`
	Description     string                        `json:"description,omitempty"`
	Namespace       string                        `json:"namespace,omitempty" jsonschema:"maxLength=100" jsonschema_description:"Data stream namespace: lowercase, no - or spaces."`
	PolicyIDs       []string                      `json:"policy_ids,omitempty" jsonschema_description:"Agent policies it belongs to."`
	Package         PackagePolicyPackage          `json:"package" jsonschema:"required" jsonschema_description:"A newer installed version upgrades it."`
	Inputs          map[string]PackagePolicyInput `json:"inputs,omitempty" jsonschema_description:"By input ID, as get_package_policy with format simplified shows them."`
	Vars            json.RawMessage               `json:"vars,omitempty" jsonschema_description:"Package variables, name to value."`
	Force           bool                          `json:"force,omitempty" jsonschema_description:"Go ahead with an unverified package or a managed agent policy."`
	Format          string                        `json:"format,omitempty" in:"query" jsonschema:"enum=simplified,enum=legacy" jsonschema_description:"Of the answer."`
	packagePolicyMore
}

// Prepare checks the same rules as for a new package policy.
func (in *UpdatePackagePolicyInput) Prepare() error {
	if err := checkPackagePolicy(in.Name, in.Namespace, in.PolicyIDs, in.Package, in.Inputs); err != nil {
		return err
	}
	return in.packagePolicyMore.check()
}

// checkPackagePolicy enforces the rules the schema cannot state.
func checkPackagePolicy(name, namespace string, policyIDs []string, pkg PackagePolicyPackage, inputs map[string]PackagePolicyInput) error {
	if strings.TrimSpace(name) == "" {
		return &schema.ArgumentError{Field: "name", Rule: "must not be blank"}
	}
	if strings.TrimSpace(pkg.Name) == "" {
		return &schema.ArgumentError{Field: "package.name", Rule: "must not be blank"}
	}
	if strings.TrimSpace(pkg.Version) == "" {
		return &schema.ArgumentError{Field: "package.version", Rule: "must not be blank"}
	}
	if namespace != "" {
		if err := checkFleetNamespace(namespace); err != nil {
			return err
		}
	}
	if err := checkPackagePolicyIDs("policy_ids", policyIDs); err != nil {
		return err
	}
	for id, input := range inputs {
		if strings.TrimSpace(id) == "" {
			return &schema.ArgumentError{Field: "inputs", Rule: "must not have a blank input ID"}
		}
		for stream := range input.Streams {
			if strings.TrimSpace(stream) == "" {
				return &schema.ArgumentError{Field: fmt.Sprintf("inputs[%q].streams", id), Rule: "must not have a blank data stream"}
			}
		}
	}
	return nil
}

// invalidNamespaceChars cannot appear in a namespace, which becomes the
// last part of data stream names (type-dataset-namespace).
const invalidNamespaceChars = `*\/?"<>|,#:-`

// checkFleetNamespace applies Fleet's namespace rules.
func checkFleetNamespace(namespace string) error {
	switch {
	case strings.TrimSpace(namespace) == "":
		return &schema.ArgumentError{Field: "namespace", Rule: "must not be blank; leave it out for the agent policy's"}
	case namespace != strings.ToLower(namespace):
		return &schema.ArgumentError{Field: "namespace", Rule: "must be lowercase"}
	case strings.ContainsAny(namespace, invalidNamespaceChars) || strings.ContainsFunc(namespace, unicode.IsSpace):
		return &schema.ArgumentError{Field: "namespace", Rule: `must not contain spaces or any of * \ / ? " < > | , # : - (use _ between words)`}
	case len(namespace) > 100:
		return &schema.ArgumentError{Field: "namespace", Rule: "must be at most 100 bytes"}
	}
	return nil
}

// checkPackagePolicyIDs refuses blank and repeated IDs.
func checkPackagePolicyIDs(field string, ids []string) error {
	return distinctNames(ids, listEntry(field), "repeats %q")
}

// DeletePackagePoliciesInput names the package policies to delete.
type DeletePackagePoliciesInput struct {
	PackagePolicyIDs []string `json:"packagePolicyIds" jsonschema:"required,minItems=1"`
	Force            bool     `json:"force,omitempty" jsonschema_description:"Also from managed agent policies."`
}

// Prepare refuses blank and repeated IDs.
func (in *DeletePackagePoliciesInput) Prepare() error {
	return checkPackagePolicyIDs("packagePolicyIds", in.PackagePolicyIDs)
}

// UpgradePackagePoliciesInput names the package policies to upgrade.
type UpgradePackagePoliciesInput struct {
	PackagePolicyIDs []string `json:"packagePolicyIds" jsonschema:"required,minItems=1"`
}

// Prepare refuses blank and repeated IDs.
func (in *UpgradePackagePoliciesInput) Prepare() error {
	return checkPackagePolicyIDs("packagePolicyIds", in.PackagePolicyIDs)
}

// DryRunPackagePolicyUpgradeInput names the package policies to preview.
type DryRunPackagePolicyUpgradeInput struct {
	PackagePolicyIDs []string `json:"packagePolicyIds" jsonschema:"required,minItems=1"`
	PackageVersion   string   `json:"packageVersion,omitempty" jsonschema:"minLength=1" jsonschema_description:"Default the installed version."`
}

// Prepare refuses blank and repeated IDs.
func (in *DryRunPackagePolicyUpgradeInput) Prepare() error {
	return checkPackagePolicyIDs("packagePolicyIds", in.PackagePolicyIDs)
}
