package tools

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The rest of the Elastic Package Manager (fleet_packages.go has the
// everyday part): bulk upgrade, uninstall and rollback, which Kibana runs
// as background tasks (the POST answers a task id, a status tool reads the
// per-package outcome), single-package rollback and settings, installing
// and removing a package's Kibana, rule and data stream assets, custom
// integration READMEs, and the reads the Integrations UI makes (categories,
// limited packages, asset titles, input templates).
//
// Every write is Admin: managing packages is not triage. The bulk status
// reads are Admin too, since they only make sense after an Admin write.
var fleetEPMMoreOperations = []*operation.Operation{
	{
		Name:        "bulk_get_package_assets",
		Title:       "Get package assets",
		Description: "Look up installed package assets (dashboards, visualizations, saved searches…) by id and type: title, description and a link to open each; unknown ones are left out.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/epm/bulk_assets",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       BulkGetPackageAssetsInput{},
		Examples: []string{
			`{"assetIds":[{"id":"nginx-55a9e6e0-a29e-11e7-928f-5dbe6f6f5519","type":"dashboard"}]}`,
			`{"assetIds":[{"id":"system-Logs-syslog-dashboard","type":"dashboard"},{"id":"fleet-pkg-system-default","type":"tag"}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_package_categories",
		Title:       "Get package categories",
		Description: "List the integration categories (security, observability, cloud…) with how many packages each holds; use an id as find_packages' category.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/categories",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		OpenWorld:   true,
		Input:       GetPackageCategoriesInput{},
		Examples: []string{
			`{}`,
			`{"prerelease":true,"include_policy_templates":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "update_custom_integration",
		Title:       "Update custom integration",
		Description: "Replace a custom integration's README and categories; Kibana installs it again as the next patch version.",
		Toolset:     "fleet",
		Method:      http.MethodPut,
		Path:        "/api/fleet/epm/custom_integrations/{pkgName}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Overwrites:  true,
		Admin:       true,
		Input:       UpdateCustomIntegrationInput{},
		Examples: []string{
			`{"pkgName":"acme_payments","readMeData":"# ACME payments\n\nAudit logs of the payment gateway."}`,
			`{"pkgName":"acme_payments","readMeData":"# ACME payments\n\nAudit and access logs.","categories":["custom","security"],"space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_upgrade_packages",
		Title:       "Upgrade packages",
		Description: "Start upgrading installed packages to the given or latest version, replacing their assets, optionally with their package policies; read the outcome with get_package_bulk_upgrade_status.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/epm/packages/_bulk_upgrade",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		OpenWorld:   true,
		Admin:       true,
		Input:       BulkUpgradePackagesInput{},
		Examples: []string{
			`{"packages":[{"name":"nginx"}]}`,
			`{"packages":[{"name":"nginx","version":"1.21.0"},{"name":"system"}],"prerelease":true,"force":true,"upgrade_package_policies":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_package_bulk_upgrade_status",
		Title:       "Get bulk package upgrade status",
		Description: "Read how a bulk_upgrade_packages task went: pending, success or failed, and each package's result.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/packages/_bulk_upgrade/{taskId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       PackageTaskInput{},
		Examples: []string{
			`{"taskId":"` + sandboxPackageUpgradeTaskID + `"}`,
			`{"taskId":"` + sandboxPackageUpgradeTaskID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_uninstall_packages",
		Title:       "Uninstall packages",
		Description: "Start uninstalling package versions, removing their assets from Kibana and Elasticsearch; read the outcome with get_package_bulk_uninstall_status.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/epm/packages/_bulk_uninstall",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       BulkUninstallPackagesInput{},
		Examples: []string{
			`{"packages":[{"name":"elastic_agent","version":"2.1.1"}]}`,
			`{"packages":[{"name":"nginx","version":"1.20.0"},{"name":"windows","version":"2.3.6"}],"force":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_package_bulk_uninstall_status",
		Title:       "Get bulk package uninstall status",
		Description: "Read how a bulk_uninstall_packages task went: pending, success or failed, and each package's result.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/packages/_bulk_uninstall/{taskId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       PackageTaskInput{},
		Examples: []string{
			`{"taskId":"` + sandboxPackageUninstallTaskID + `"}`,
			`{"taskId":"` + sandboxPackageUninstallTaskID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "bulk_rollback_packages",
		Title:       "Roll back packages",
		Description: "Start returning packages to the version installed before their last upgrade, with their package policies; read the outcome with get_package_bulk_rollback_status.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/epm/packages/_bulk_rollback",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Overwrites:  true,
		Admin:       true,
		Input:       BulkRollbackPackagesInput{},
		Examples: []string{
			`{"packages":[{"name":"system"}]}`,
			`{"packages":[{"name":"system"},{"name":"nginx"}],"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_package_bulk_rollback_status",
		Title:       "Get bulk package rollback status",
		Description: "Read how a bulk_rollback_packages task went: pending, success or failed, and each package's result.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/packages/_bulk_rollback/{taskId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       PackageTaskInput{},
		Examples: []string{
			`{"taskId":"` + sandboxPackageRollbackTaskID + `"}`,
			`{"taskId":"` + sandboxPackageRollbackTaskID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "find_limited_packages",
		Title:       "Find limited packages",
		Description: "List installed packages an agent policy may hold only once (such as Elastic Defend or Fleet Server).",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/packages/limited",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Input:       FleetPackagesNoInput{},
		Examples: []string{
			`{}`,
			`{"space_id":"soc"}`,
		},
	},
	{
		// x-state "Technical Preview; added in 9.1.0".
		Name:         "rollback_package",
		Availability: sinceIn("fleet", "9.1.0"),
		Title:        "Roll back package",
		Description:  "Return a package to the version installed before its last upgrade, with its package policies; answers the version now installed.",
		Toolset:      "fleet",
		Method:       http.MethodPost,
		Path:         "/api/fleet/epm/packages/{pkgName}/rollback",
		APIVersion:   operation.V20231031,
		Effect:       operation.Writes,
		Overwrites:   true,
		Admin:        true,
		Input:        PackageNameInput{},
		Examples: []string{
			`{"pkgName":"system"}`,
			`{"pkgName":"system","space_id":"soc"}`,
		},
	},
	{
		Name:        "update_package_settings",
		Title:       "Update package settings",
		Description: "Turn on or off keeping an installed package's policies up to date: with it on, upgrading the package upgrades its package policies too.",
		Toolset:     "fleet",
		Method:      http.MethodPut,
		Path:        "/api/fleet/epm/packages/{pkgName}/{pkgVersion}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       UpdatePackageSettingsInput{},
		Examples: []string{
			`{"pkgName":"nginx","pkgVersion":"1.20.0","keepPoliciesUpToDate":true}`,
			`{"pkgName":"system","pkgVersion":"1.60.0","keepPoliciesUpToDate":false,"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_package_datastream_assets",
		Title:       "Delete input package data stream assets",
		Description: "Remove the index template and pipelines an input package created for one package policy's data stream, e.g. after that policy changed dataset. Cannot be undone.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/datastream_assets",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       DeletePackageDatastreamAssetsInput{},
		Examples: []string{
			`{"pkgName":"acme_logs","pkgVersion":"1.0.0","packagePolicyId":"5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01"}`,
			`{"pkgName":"acme_logs","pkgVersion":"1.0.0","packagePolicyId":"5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01","space_id":"soc"}`,
		},
	},
	{
		Name:        "install_package_kibana_assets",
		Title:       "Install package Kibana assets",
		Description: "Install an installed package's dashboards and other saved objects again, in this space or the named ones.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/kibana_assets",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       InstallPackageKibanaAssetsInput{},
		Examples: []string{
			`{"pkgName":"nginx","pkgVersion":"1.20.0"}`,
			`{"pkgName":"nginx","pkgVersion":"1.20.0","space_ids":["default","soc"],"force":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "delete_package_kibana_assets",
		Title:       "Delete package Kibana assets",
		Description: "Remove an installed package's dashboards and other saved objects from this space; the package and its Elasticsearch assets stay.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/kibana_assets",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       PackageVersionInput{},
		Examples: []string{
			`{"pkgName":"nginx","pkgVersion":"1.20.0"}`,
			`{"pkgName":"nginx","pkgVersion":"1.20.0","space_id":"soc"}`,
		},
	},
	{
		Name:        "install_package_rule_assets",
		Title:       "Install package alerting rules",
		Description: "Create the alerting rules an installed package ships as templates, in this space.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/rule_assets",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       InstallPackageRuleAssetsInput{},
		Examples: []string{
			`{"pkgName":"nginx","pkgVersion":"1.20.0"}`,
			`{"pkgName":"nginx","pkgVersion":"1.20.0","force":true,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_package_inputs_template",
		Title:       "Get package inputs template",
		Description: "Show a package version's inputs and streams with their default variables, as an agent policy would carry them (JSON or YAML), e.g. to write a standalone agent config.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/epm/templates/{pkgName}/{pkgVersion}/inputs",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		OpenWorld:   true,
		Input:       GetPackageInputsTemplateInput{},
		Examples: []string{
			`{"pkgName":"nginx","pkgVersion":"1.20.0"}`,
			`{"pkgName":"nginx","pkgVersion":"1.21.0-beta1","format":"yml","prerelease":true,"ignoreUnverified":true,"space_id":"soc"}`,
		},
	},
}

// The sandbox story's finished bulk package tasks, one of each kind, so
// the status tools' examples find a task.
const (
	sandboxPackageUpgradeTaskID   = "3f6c2a10-8b1e-4d7a-9c55-0e2b7d4f1a01"
	sandboxPackageUninstallTaskID = "3f6c2a10-8b1e-4d7a-9c55-0e2b7d4f1a02"
	sandboxPackageRollbackTaskID  = "3f6c2a10-8b1e-4d7a-9c55-0e2b7d4f1a03"
)

// BulkGetPackageAssetsInput names the assets to look up.
type BulkGetPackageAssetsInput struct {
	AssetIDs []PackageAssetRef `json:"assetIds" jsonschema:"required,minItems=1"`
}

// PackageAssetRef is one saved object a package installed.
type PackageAssetRef struct {
	ID   string `json:"id" jsonschema:"required,minLength=1"`
	Type string `json:"type" jsonschema:"required,minLength=1" jsonschema_description:"Saved object type, e.g. dashboard, visualization, search, tag."`
}

// Prepare refuses blank and repeated assets.
func (in *BulkGetPackageAssetsInput) Prepare() error {
	seen := map[PackageAssetRef]bool{}
	for i, a := range in.AssetIDs {
		for _, f := range []struct{ name, value string }{{"id", a.ID}, {"type", a.Type}} {
			if strings.TrimSpace(f.value) == "" {
				return &schema.ArgumentError{Field: fmt.Sprintf("assetIds[%d].%s", i, f.name), Rule: "must not be blank"}
			}
		}
		if seen[a] {
			return &schema.ArgumentError{Field: fmt.Sprintf("assetIds[%d]", i), Rule: fmt.Sprintf("repeats %s %q", a.Type, a.ID)}
		}
		seen[a] = true
	}
	return nil
}

// GetPackageCategoriesInput says which packages count.
type GetPackageCategoriesInput struct {
	Prerelease             bool `json:"prerelease,omitempty" in:"query" jsonschema_description:"Count packages only released as prereleases."`
	IncludePolicyTemplates bool `json:"include_policy_templates,omitempty" in:"query" jsonschema_description:"Count each policy template of a package as an integration."`
}

// UpdateCustomIntegrationInput is a custom integration's new README.
type UpdateCustomIntegrationInput struct {
	PkgName    string   `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The custom integration's package name."`
	ReadMeData string   `json:"readMeData" jsonschema:"required" jsonschema_description:"Markdown; replaces the README."`
	Categories []string `json:"categories,omitempty" jsonschema_description:"Replace its categories, e.g. custom, security."`
}

// Prepare refuses an empty README (Kibana would store it and the
// integration page would go blank) and blank or repeated categories.
func (in *UpdateCustomIntegrationInput) Prepare() error {
	if strings.TrimSpace(in.ReadMeData) == "" {
		return &schema.ArgumentError{Field: "readMeData", Rule: "must not be blank; it replaces the whole README"}
	}
	return distinctNames(in.Categories, listEntry("categories"), "repeats %q")
}

// distinctNames refuses blank and repeated entries of a list; at names
// the entry's argument, repeats is the rule's format for a repeat.
func distinctNames(names []string, at func(i int) string, repeats string) error {
	seen := map[string]bool{}
	for i, n := range names {
		if strings.TrimSpace(n) == "" {
			return &schema.ArgumentError{Field: at(i), Rule: "must not be blank"}
		}
		if seen[n] {
			return &schema.ArgumentError{Field: at(i), Rule: fmt.Sprintf(repeats, n)}
		}
		seen[n] = true
	}
	return nil
}

// listEntry names entry i of a list argument.
func listEntry(field string) func(int) string {
	return func(i int) string { return fmt.Sprintf("%s[%d]", field, i) }
}

// BulkUpgradePackagesInput lists the packages to upgrade.
type BulkUpgradePackagesInput struct {
	Packages               []PackageToUpgrade `json:"packages" jsonschema:"required,minItems=1"`
	Prerelease             bool               `json:"prerelease,omitempty" jsonschema_description:"Let latest include prerelease versions."`
	Force                  bool               `json:"force,omitempty" jsonschema_description:"Also reinstall, downgrade or install unverified versions."`
	UpgradePackagePolicies bool               `json:"upgrade_package_policies,omitempty" jsonschema_description:"Upgrade the packages' policies as well."`
}

// PackageToUpgrade names a package and, optionally, its target version.
type PackageToUpgrade struct {
	Name    string `json:"name" jsonschema:"required,minLength=1"`
	Version string `json:"version,omitempty" jsonschema:"minLength=1" jsonschema_description:"Default latest."`
}

// Prepare refuses blank and repeated names: Kibana would run the same
// package twice in one task.
func (in *BulkUpgradePackagesInput) Prepare() error {
	return packageNamesOnce(in.Packages, func(p PackageToUpgrade) string { return p.Name })
}

// packageNamesOnce checks the names of a bulk package request's entries.
func packageNamesOnce[T any](list []T, name func(T) string) error {
	names := make([]string, len(list))
	for i, p := range list {
		names[i] = name(p)
	}
	return distinctNames(names, func(i int) string { return fmt.Sprintf("packages[%d].name", i) }, "repeats package %q; give each package once")
}

// BulkUninstallPackagesInput lists the package versions to uninstall.
type BulkUninstallPackagesInput struct {
	Packages []PackageVersionRef `json:"packages" jsonschema:"required,minItems=1"`
	Force    bool                `json:"force,omitempty" jsonschema_description:"Uninstall even packages that package policies use."`
}

// PackageVersionRef is an installed package version.
type PackageVersionRef struct {
	Name    string `json:"name" jsonschema:"required,minLength=1"`
	Version string `json:"version" jsonschema:"required,minLength=1" jsonschema_description:"The installed version."`
}

// Prepare refuses blank and repeated packages.
func (in *BulkUninstallPackagesInput) Prepare() error {
	for i, p := range in.Packages {
		if strings.TrimSpace(p.Version) == "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("packages[%d].version", i), Rule: "must not be blank"}
		}
	}
	return packageNamesOnce(in.Packages, func(p PackageVersionRef) string { return p.Name })
}

// BulkRollbackPackagesInput lists the packages to roll back.
type BulkRollbackPackagesInput struct {
	Packages []PackageNameRef `json:"packages" jsonschema:"required,minItems=1"`
}

// PackageNameRef names a package.
type PackageNameRef struct {
	Name string `json:"name" jsonschema:"required,minLength=1"`
}

// Prepare refuses blank and repeated names.
func (in *BulkRollbackPackagesInput) Prepare() error {
	return packageNamesOnce(in.Packages, func(p PackageNameRef) string { return p.Name })
}

// PackageTaskInput names a bulk package task.
type PackageTaskInput struct {
	TaskID string `json:"taskId" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The taskId the bulk tool answered."`
}

// Prepare refuses a blank id, which would read the bulk route itself.
func (in *PackageTaskInput) Prepare() error {
	if strings.TrimSpace(in.TaskID) == "" {
		return &schema.ArgumentError{Field: "taskId", Rule: "must not be blank"}
	}
	return nil
}

// UpdatePackageSettingsInput is an installed package's one setting.
type UpdatePackageSettingsInput struct {
	PkgName              string `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. nginx."`
	PkgVersion           string `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The installed version."`
	KeepPoliciesUpToDate bool   `json:"keepPoliciesUpToDate" jsonschema:"required"`
}

// PackageVersionInput names a package version.
type PackageVersionInput struct {
	PkgName    string `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. nginx."`
	PkgVersion string `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The installed version."`
}

// DeletePackageDatastreamAssetsInput names the input package and the
// package policy whose data stream assets go.
type DeletePackageDatastreamAssetsInput struct {
	PkgName         string `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"An input package (type input), e.g. a custom logs package."`
	PkgVersion      string `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The installed version."`
	PackagePolicyID string `json:"packagePolicyId" in:"query" jsonschema:"required,minLength=1" jsonschema_description:"The package policy whose dataset's assets to remove."`
}

// InstallPackageKibanaAssetsInput names where to install the assets.
type InstallPackageKibanaAssetsInput struct {
	PkgName    string   `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. nginx."`
	PkgVersion string   `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The installed version."`
	SpaceIDs   []string `json:"space_ids,omitempty" jsonschema:"minItems=1" jsonschema_description:"Install in these spaces instead of the one the call runs in."`
	Force      bool     `json:"force,omitempty" jsonschema_description:"Overwrite assets already there."`
}

// Prepare refuses blank, repeated and malformed space ids: Kibana would
// fail the whole install on the first.
func (in *InstallPackageKibanaAssetsInput) Prepare() error {
	if err := distinctNames(in.SpaceIDs, listEntry("space_ids"), "repeats %q"); err != nil {
		return err
	}
	for i, id := range in.SpaceIDs {
		if strings.Trim(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") != "" {
			return &schema.ArgumentError{Field: fmt.Sprintf("space_ids[%d]", i), Rule: fmt.Sprintf("must be a space id (lowercase letters, digits, _ and -), got %q", id)}
		}
	}
	return nil
}

// InstallPackageRuleAssetsInput names the package version.
type InstallPackageRuleAssetsInput struct {
	PkgName    string `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. nginx."`
	PkgVersion string `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"The installed version."`
	Force      bool   `json:"force,omitempty" jsonschema_description:"Recreate rules already there."`
}

// GetPackageInputsTemplateInput names the package version and format.
type GetPackageInputsTemplateInput struct {
	PkgName          string `json:"pkgName" in:"path" jsonschema:"required,minLength=1" jsonschema_description:"Package name, e.g. nginx."`
	PkgVersion       string `json:"pkgVersion" in:"path" jsonschema:"required,minLength=1"`
	Format           string `json:"format,omitempty" in:"query" jsonschema:"enum=json,enum=yml,enum=yaml" jsonschema_description:"Default json."`
	Prerelease       bool   `json:"prerelease,omitempty" in:"query"`
	IgnoreUnverified bool   `json:"ignoreUnverified,omitempty" in:"query" jsonschema_description:"Answer even if the signature does not verify."`
}
