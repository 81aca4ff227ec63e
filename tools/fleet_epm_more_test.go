package tools

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kibana-mcp/kibana-mcp/internal/sandboxtest"
	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
)

// TestFleetEPMMoreExamplesSucceed runs every example of fleet_epm_more.go
// against a fresh sandbox. Two name things the story lacks (a custom
// integration, an input package): Kibana's 404; TestFleetEPMMoreStory
// makes them and runs the tools on them.
func TestFleetEPMMoreExamplesSucceed(t *testing.T) {
	var names []string
	for _, op := range fleetEPMMoreOperations {
		names = append(names, op.Name)
	}
	if len(names) != 17 {
		t.Fatalf("%d tools, want 17", len(names))
	}
	missing := []string{"update_custom_integration", "delete_package_datastream_assets"}
	examplesSucceed(t, slices.DeleteFunc(names, func(n string) bool { return slices.Contains(missing, n) }), "")
	for _, name := range missing {
		examplesSucceed(t, []string{name}, name)
	}
}

// epmStory calls tools on one sandbox and checks what the model reads.
type epmStory struct {
	t      *testing.T
	client *kibana.Client
}

func (s epmStory) call(name, arguments string, wantErr bool, want ...string) string {
	s.t.Helper()
	isErr, texts := callFlow(s.t, s.client, name, arguments)
	got := strings.Join(texts, "\n")
	if isErr != wantErr {
		s.t.Fatalf("%s %s: error %v, want %v: %s", name, arguments, isErr, wantErr, got)
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			s.t.Errorf("%s %s: want %q in %s", name, arguments, w, got)
		}
	}
	return got
}

// task starts a bulk task and reads its status with the matching tool.
func (s epmStory) task(bulk, status, arguments string, want ...string) string {
	s.t.Helper()
	m := regexp.MustCompile(`"taskId":\s*"([^"]+)"`).FindStringSubmatch(s.call(bulk, arguments, false, `"taskId"`))
	if m == nil {
		s.t.Fatalf("%s: no taskId", bulk)
	}
	return s.call(status, `{"taskId":"`+m[1]+`"}`, false, append([]string{`"status":"success"`}, want...)...)
}

// TestFleetEPMMoreStory walks the package manager's state: upgrades move
// installed versions (and policies when asked or kept up to date),
// rollbacks return them, uninstalls remove packages unless policies use
// them, asset tools add and remove what the asset lookup finds.
func TestFleetEPMMoreStory(t *testing.T) {
	_, client := sandboxtest.New(t, nil)
	s := epmStory{t, client}
	const nginxPolicy = `{"packagePolicyId":"5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01"}`

	s.call("find_limited_packages", `{}`, false, `"items":["endpoint","fleet_server"]`)
	s.call("get_package", `{"pkgName":"endpoint","pkgVersion":"8.14.0"}`, false, `"multiple":false`)
	s.call("get_package_categories", `{}`, false, `"id":"security"`, `"id":"edr_xdr"`, `"parent_id":"security"`, `"title":"EDR/XDR"`)

	// Upgrade: the package moves, its policy stays until asked.
	s.task("bulk_upgrade_packages", "get_package_bulk_upgrade_status", `{"packages":[{"name":"nginx"},{"name":"apache"},{"name":"nope"}]}`,
		`{"name":"nginx","success":true}`, `"apache is not installed"`, `"[nope] package not found in registry"`)
	s.call("find_installed_packages", `{"nameQuery":"nginx"}`, false, `"version":"1.21.0"`)
	s.call("get_package_policy", nginxPolicy, false, `"version":"1.20.0"`)
	s.task("bulk_upgrade_packages", "get_package_bulk_upgrade_status", `{"packages":[{"name":"nginx","version":"1.20.0"}]}`,
		`"success":false`, "out-of-date")

	// Rollback returns nginx and its policy stays on 1.20.0; once only.
	s.call("rollback_package", `{"pkgName":"nginx"}`, false, `"version":"1.20.0"`)
	s.call("rollback_package", `{"pkgName":"nginx"}`, true, "No previous version found for package nginx")
	// The seeded system came from 1.58.0: its 1.60.0 policies go back too.
	s.task("bulk_rollback_packages", "get_package_bulk_rollback_status", `{"packages":[{"name":"system"},{"name":"windows"}]}`,
		`{"name":"system","success":true}`, "No previous version found for package windows")
	s.call("find_installed_packages", `{"nameQuery":"system"}`, false, `"version":"1.58.0"`)
	s.call("find_package_policies", `{"kuery":"ingest-package-policies.package.name:system"}`, false, `"version":"1.58.0"`)

	// Keeping policies up to date makes the next upgrade carry them.
	s.call("update_package_settings", `{"pkgName":"nginx","pkgVersion":"1.20.0","keepPoliciesUpToDate":true}`, false, `"keepPoliciesUpToDate":true`)
	s.call("update_package_settings", `{"pkgName":"nginx","pkgVersion":"1.19.1","keepPoliciesUpToDate":true}`, true, "nginx-1.19.1 is not installed")
	s.task("bulk_upgrade_packages", "get_package_bulk_upgrade_status", `{"packages":[{"name":"nginx","version":"1.21.0"}]}`, `"success":true`)
	s.call("get_package_policy", nginxPolicy, false, `"version":"1.21.0"`)

	// A task id is only known to the status tool of its kind.
	got := s.call("bulk_uninstall_packages", `{"packages":[{"name":"elastic_agent","version":"2.1.1"}]}`, false)
	id := regexp.MustCompile(`"taskId":\s*"([^"]+)"`).FindStringSubmatch(got)[1]
	s.call("get_package_bulk_upgrade_status", `{"taskId":"`+id+`"}`, true, "404")
	s.call("get_package_bulk_uninstall_status", `{"taskId":"`+id+`"}`, false, `{"name":"elastic_agent","success":true}`)

	// Uninstall: refused while a policy uses the package, unless forced.
	s.task("bulk_uninstall_packages", "get_package_bulk_uninstall_status", `{"packages":[{"name":"nginx","version":"1.21.0"},{"name":"windows","version":"2.0.0"}]}`,
		"Unable to remove package with existing package policy", "windows-2.0.0 is not installed (version 2.3.6 is)")
	s.task("bulk_uninstall_packages", "get_package_bulk_uninstall_status", `{"packages":[{"name":"nginx","version":"1.21.0"}],"force":true}`, `{"name":"nginx","success":true}`)
	s.call("get_package", `{"pkgName":"nginx","pkgVersion":"1.21.0"}`, false, `"status":"not_installed"`)
	s.call("delete_package_kibana_assets", `{"pkgName":"nginx","pkgVersion":"1.21.0"}`, true, "nginx is not installed")

	// Kibana assets: removed from the space, the lookup no longer finds
	// them; installed again, it does, with the package's title.
	const dash = `{"assetIds":[{"id":"system-Logs-syslog-dashboard","type":"dashboard"}]}`
	s.call("bulk_get_package_assets", dash, false, `"title":"[Logs System] Syslog dashboard"`, `"appLink":"/app/dashboards#/view/system-Logs-syslog-dashboard"`)
	s.call("delete_package_kibana_assets", `{"pkgName":"system","pkgVersion":"1.58.0"}`, false, `"success":true`)
	s.call("bulk_get_package_assets", dash, false, `"items":[]`)
	s.call("install_package_kibana_assets", `{"pkgName":"system","pkgVersion":"1.58.0","space_ids":["default","soc"]}`, false, `"success":true`)
	s.call("bulk_get_package_assets", dash, false, `"title":"[Logs System] Syslog dashboard"`)
	s.call("get_package", `{"pkgName":"system","pkgVersion":"1.58.0"}`, false, `"additional_spaces_installed_kibana":{"soc":`)
	s.call("install_package_kibana_assets", `{"pkgName":"system","pkgVersion":"1.58.0","space_ids":["nowhere"]}`, true, "Space nowhere not found")
	s.call("install_package_rule_assets", `{"pkgName":"system","pkgVersion":"1.58.0"}`, false, `"success":true`)
	s.call("install_package_rule_assets", `{"pkgName":"apache","pkgVersion":"1.24.0"}`, true, "apache is not installed")

	// Input templates: streams with their default variables.
	s.call("get_package_inputs_template", `{"pkgName":"nginx","pkgVersion":"1.20.0"}`, false,
		`"id":"nginx-logfile"`, `"id":"logfile-nginx.access"`, `"/var/log/nginx/access.log*"`, `"dataset":"nginx.stubstatus"`)
	s.call("get_package_inputs_template", `{"pkgName":"nginx","pkgVersion":"1.20.0","format":"yaml"}`, false,
		"inputs:\n  - id: nginx-logfile\n    type: logfile\n", "period: 10s", "paths:\n          - /var/log/nginx/access.log*")
	s.call("get_package_inputs_template", `{"pkgName":"nginx","pkgVersion":"9.9.9"}`, true, "404")

	// A custom integration's README: replaced, reinstalled as 1.0.1.
	s.call("create_custom_integration", `{"integrationName":"billing_app","datasets":[{"name":"billing_app.invoices","type":"logs"}]}`, false)
	s.call("update_custom_integration", `{"pkgName":"billing_app","readMeData":"# Billing\n\nInvoices.","categories":["custom","security"]}`, false)
	s.call("find_installed_packages", `{"nameQuery":"billing_app"}`, false, `"version":"1.0.1"`)
	s.call("get_package_file", `{"pkgName":"billing_app","pkgVersion":"1.0.1","filePath":"docs/README.md"}`, false, "# Billing\n\nInvoices.")
	s.call("get_package_categories", `{}`, false, `{"count":1,"id":"custom","title":"Custom"}`)
	s.call("update_custom_integration", `{"pkgName":"nginx","readMeData":"x"}`, true, "nginx is not a custom integration")
	s.call("rollback_package", `{"pkgName":"billing_app"}`, true, "installed from custom and cannot be rolled back")

	// Input package data stream assets: only an input package's, only
	// for its own policies.
	s.call("upload_package", `{"file":"`+inputPackageZip(t)+`"}`, false)
	got = s.call("create_package_policy", `{"name":"acme-logs-1","package":{"name":"acme_logs","version":"1.0.0"}}`, false)
	var created struct{ Item struct{ ID string } }
	if err := json.Unmarshal([]byte(got), &created); err != nil || created.Item.ID == "" {
		t.Fatalf("create_package_policy answer: %v %s", err, got)
	}
	s.call("get_package", `{"pkgName":"acme_logs","pkgVersion":"1.0.0"}`, false, `"id":"logs-acme_logs.app","type":"index_template"`)
	s.call("delete_package_datastream_assets", `{"pkgName":"acme_logs","pkgVersion":"1.0.0","packagePolicyId":"5e1a3bc0-73b2-11ee-a5e3-4bca5f3c1e01"}`, true, "is a nginx policy")
	s.call("delete_package_datastream_assets", `{"pkgName":"system","pkgVersion":"1.58.0","packagePolicyId":"`+created.Item.ID+`"}`, true, "not an input package")
	s.call("delete_package_datastream_assets", `{"pkgName":"acme_logs","pkgVersion":"1.0.0","packagePolicyId":"`+created.Item.ID+`"}`, false, `"success":true`)
	if got := s.call("get_package", `{"pkgName":"acme_logs","pkgVersion":"1.0.0"}`, false); strings.Contains(got, `"logs-acme_logs.app"`) {
		t.Errorf("the data stream's index template is still installed: %s", got)
	}
}

// inputPackageZip is an input package with one logs data stream, in
// base64.
func inputPackageZip(t *testing.T) string {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"acme_logs-1.0.0/manifest.yml":                    "name: acme_logs\ntitle: ACME logs\nversion: 1.0.0\ntype: input\n",
		"acme_logs-1.0.0/data_stream/app/manifest.yml":    "title: ACME app logs\ntype: logs\n",
		"acme_logs-1.0.0/data_stream/app/fields/base.yml": "- name: message\n  type: text\n",
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// TestFleetEPMMoreArgumentChecks pins the refusals made before sending.
func TestFleetEPMMoreArgumentChecks(t *testing.T) {
	for _, c := range []struct{ tool, args, want string }{
		{"bulk_get_package_assets", `{"assetIds":[{"id":" ","type":"dashboard"}]}`, `invalid argument "assetIds[0].id": must not be blank`},
		{"bulk_get_package_assets", `{"assetIds":[{"id":"a","type":"tag"},{"id":"a","type":"tag"}]}`, `invalid argument "assetIds[1]": repeats tag "a"`},
		{"update_custom_integration", `{"pkgName":"app","readMeData":"  "}`, `invalid argument "readMeData": must not be blank; it replaces the whole README`},
		{"update_custom_integration", `{"pkgName":"app","readMeData":"x","categories":["custom","custom"]}`, `invalid argument "categories[1]": repeats "custom"`},
		{"bulk_upgrade_packages", `{"packages":[{"name":"nginx"},{"name":"nginx","version":"1.21.0"}]}`, `invalid argument "packages[1].name": repeats package "nginx"; give each package once`},
		{"bulk_uninstall_packages", `{"packages":[{"name":"nginx","version":" "}]}`, `invalid argument "packages[0].version": must not be blank`},
		{"bulk_rollback_packages", `{"packages":[{"name":"  "}]}`, `invalid argument "packages[0].name": must not be blank`},
		{"get_package_bulk_upgrade_status", `{"taskId":" "}`, `invalid argument "taskId": must not be blank`},
		{"install_package_kibana_assets", `{"pkgName":"nginx","pkgVersion":"1.20.0","space_ids":["Default"]}`, `invalid argument "space_ids[0]": must be a space id (lowercase letters, digits, _ and -), got "Default"`},
		{"install_package_kibana_assets", `{"pkgName":"nginx","pkgVersion":"1.20.0","space_ids":["soc","soc"]}`, `invalid argument "space_ids[1]": repeats "soc"`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
	for _, c := range []struct{ tool, args, field string }{
		{"update_package_settings", `{"pkgName":"nginx","pkgVersion":"1.20.0"}`, "keepPoliciesUpToDate"},
		{"delete_package_datastream_assets", `{"pkgName":"p","pkgVersion":"1.0.0"}`, "packagePolicyId"},
		{"get_package_inputs_template", `{"pkgName":"nginx","pkgVersion":"1.20.0","format":"toml"}`, "format"},
		{"bulk_uninstall_packages", `{"packages":[{"name":"nginx"}]}`, "version"},
		{"bulk_upgrade_packages", `{"packages":[]}`, "packages"},
		{"install_package_kibana_assets", `{"pkgName":"nginx","pkgVersion":"1.20.0","space_ids":[]}`, "space_ids"},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%s %s: got %v, want an error naming %s", c.tool, c.args, err, c.field)
		}
	}
}

// TestFleetEPMMoreRequests pins what reaches Kibana: escaped paths, the
// query, and a body only where the route takes one.
func TestFleetEPMMoreRequests(t *testing.T) {
	for _, c := range []struct{ tool, args, method, path, query, body string }{
		{"rollback_package", `{"pkgName":"my pkg/x"}`, "POST", "/api/fleet/epm/packages/my%20pkg%2Fx/rollback", "", ""},
		{"get_package_bulk_rollback_status", `{"taskId":"../x"}`, "GET", "/api/fleet/epm/packages/_bulk_rollback/..%2Fx", "", ""},
		{"update_package_settings", `{"pkgName":"nginx","pkgVersion":"1.20.0","keepPoliciesUpToDate":false}`, "PUT", "/api/fleet/epm/packages/nginx/1.20.0", "", `{"keepPoliciesUpToDate":false}`},
		{"delete_package_datastream_assets", `{"pkgName":"a","pkgVersion":"1.0.0","packagePolicyId":"p 1"}`, "DELETE", "/api/fleet/epm/packages/a/1.0.0/datastream_assets", "packagePolicyId=p+1", ""},
		{"install_package_kibana_assets", `{"pkgName":"nginx","pkgVersion":"1.20.0","space_ids":["soc"]}`, "POST", "/api/fleet/epm/packages/nginx/1.20.0/kibana_assets", "", `{"space_ids":["soc"]}`},
		{"get_package_inputs_template", `{"pkgName":"nginx","pkgVersion":"1.20.0","format":"yml","prerelease":true}`, "GET", "/api/fleet/epm/templates/nginx/1.20.0/inputs", "format=yml&prerelease=true", ""},
		{"get_package_categories", `{"include_policy_templates":true}`, "GET", "/api/fleet/epm/categories", "include_policy_templates=true", ""},
		{"bulk_upgrade_packages", `{"packages":[{"name":"nginx"}],"upgrade_package_policies":true}`, "POST", "/api/fleet/epm/packages/_bulk_upgrade", "", `{"packages":[{"name":"nginx"}],"upgrade_package_policies":true}`},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Errorf("%s: %v", c.tool, err)
			continue
		}
		if req.Method != c.method || req.Path != c.path || req.Query.Encode() != c.query || string(req.Body) != c.body || req.APIVersion != operation.V20231031 {
			t.Errorf("%s: %s %s ?%s %s", c.tool, req.Method, req.Path, req.Query.Encode(), req.Body)
		}
	}
	// The YAML template reaches the model as text.
	res, seen := call(t, "get_package_inputs_template", `{"pkgName":"nginx","pkgVersion":"1.20.0","format":"yml"}`, http.StatusOK, "text/yaml; charset=utf-8", "inputs:\n  - id: nginx-logfile\n")
	if res.IsError || !strings.Contains(text(res), "id: nginx-logfile") || seen.URL.RawQuery != "format=yml" {
		t.Errorf("yaml answer: %v %q %s", res.IsError, text(res), seen.URL)
	}
}

// TestFleetEPMMoreAnnotations: reads are read-only, writes Admin, and
// what uninstalls, rolls back or removes assets asks for confirmation.
func TestFleetEPMMoreAnnotations(t *testing.T) {
	destructive := []string{"bulk_uninstall_packages", "bulk_rollback_packages", "rollback_package", "bulk_upgrade_packages",
		"delete_package_datastream_assets", "delete_package_kibana_assets", "update_custom_integration"}
	for _, op := range fleetEPMMoreOperations {
		if op.Destructive() != slices.Contains(destructive, op.Name) {
			t.Errorf("%s: destructive %v", op.Name, op.Destructive())
		}
		if !op.ReadOnly() && !op.Admin {
			t.Errorf("%s writes but is not Admin", op.Name)
		}
		if op.ReadOnly() != (op.Method == http.MethodGet || op.Name == "bulk_get_package_assets") {
			t.Errorf("%s: read-only %v", op.Name, op.ReadOnly())
		}
	}
}
