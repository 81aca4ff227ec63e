package tools

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/kibana-mcp/kibana-mcp/kibana"
	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/serve"
)

// TestPackagePolicyArgumentChecks pins the checks on package policy
// arguments (create, update, upgrade and its dry run, delete) with the exact
// message the model reads.
func TestPackagePolicyArgumentChecks(t *testing.T) {
	const pkg = `"package":{"name":"nginx","version":"1.20.0"}`
	const id = `"packagePolicyId":"pp1",`
	for _, c := range []struct{ tool, args, want string }{
		// create_package_policy: name and package are required, the package
		// names a version, and the schema refuses unknown members at every
		// level of inputs.
		{"create_package_policy", `{` + pkg + `}`, `invalid argument "name": is required`},
		{"create_package_policy", `{"name":"web"}`, `invalid argument "package": is required`},
		{"create_package_policy", `{"name":"web","package":{"name":"nginx"}}`, `invalid argument "package.version": is required`},
		{"create_package_policy", `{"name":"  ",` + pkg + `}`, `invalid argument "name": must not be blank`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"additional_datastreams_permissions":["nginx.custom-*"]}`, `invalid argument "additional_datastreams_permissions[0]": must be a data stream name or pattern starting with logs-, metrics-, traces-, synthetics- or profiling-, got "nginx.custom-*"`},
		{"create_package_policy", `{"name":"web","package":{"name":" ","version":"1.20.0"}}`, `invalid argument "package.name": must not be blank`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"inputs":[{"type":"logfile"}]}`, `invalid argument "inputs": must be an object, got an array`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"inputs":{"nginx-logfile":{"enabled":"yes"}}}`, `invalid argument "inputs.nginx-logfile.enabled": must be a boolean, got "yes"`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"inputs":{"nginx-logfile":{"streams":{"nginx.access":{"vars":"paths: /x"}}}}}`, `invalid argument "inputs.nginx-logfile.streams.nginx.access.vars": must be an object, got "paths: /x"`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"inputs":{"nginx-logfile":{"type":"logfile"}}}`, `invalid argument "inputs.nginx-logfile.type": is not a known argument; allowed: enabled, streams, vars`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"inputs":{" ":{"enabled":false}}}`, `invalid argument "inputs": must not have a blank input ID`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"vars":"hosts: x"}`, `invalid argument "vars": must be an object, got "hosts: x"`},
		// Namespaces end up in data stream names: Fleet's rules.
		{"create_package_policy", `{"name":"web",` + pkg + `,"namespace":"Prod"}`, `invalid argument "namespace": must be lowercase`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"namespace":"prod-eu"}`, `invalid argument "namespace": must not contain spaces or any of * \ / ? " < > | , # : - (use _ between words)`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"namespace":"prod eu"}`, `invalid argument "namespace": must not contain spaces or any of * \ / ? " < > | , # : - (use _ between words)`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"namespace":" "}`, `invalid argument "namespace": must not be blank; leave it out for the agent policy's`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"policy_ids":["ap1",""]}`, `invalid argument "policy_ids[1]": must not be blank`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"policy_ids":["ap1","ap1"]}`, `invalid argument "policy_ids[1]": repeats "ap1"`},
		{"create_package_policy", `{"name":"web",` + pkg + `,"format":"full"}`, `invalid argument "format": must be one of "simplified", "legacy", got "full"`},
		// update_package_policy: the same rules, and it names the policy.
		{"update_package_policy", `{"name":"web",` + pkg + `}`, `invalid argument "packagePolicyId": is required`},
		{"update_package_policy", `{` + id + pkg + `}`, `invalid argument "name": is required`},
		{"update_package_policy", `{` + id + `"name":"web",` + pkg + `,"namespace":"a:b"}`, `invalid argument "namespace": must not contain spaces or any of * \ / ? " < > | , # : - (use _ between words)`},
		{"update_package_policy", `{` + id + `"name":"web",` + pkg + `,"id":"x"}`, `invalid argument "id": is not a known argument; allowed: additional_datastreams_permissions, description, force, format, inputs, name, namespace, output_id, package, packagePolicyId, policy_ids, space_id, supports_agentless, vars`},
		// upgrade, its dry run and delete take a non-empty list of IDs.
		{"upgrade_package_policies", `{}`, `invalid argument "packagePolicyIds": is required`},
		{"upgrade_package_policies", `{"packagePolicyIds":[]}`, `invalid argument "packagePolicyIds": must have at least 1 items, got 0`},
		{"upgrade_package_policies", `{"packagePolicyIds":"pp1"}`, `invalid argument "packagePolicyIds": must be an array, got "pp1"`},
		{"upgrade_package_policies", `{"packagePolicyIds":["pp1"," "]}`, `invalid argument "packagePolicyIds[1]": must not be blank`},
		{"upgrade_package_policies", `{"packagePolicyIds":["pp1","pp1"]}`, `invalid argument "packagePolicyIds[1]": repeats "pp1"`},
		{"upgrade_package_policies", `{"packagePolicyIds":["pp1"],"packageVersion":"1.21.0"}`, `invalid argument "packageVersion": is not a known argument; allowed: packagePolicyIds, space_id`},
		{"dry_run_package_policy_upgrade", `{"packagePolicyIds":[""]}`, `invalid argument "packagePolicyIds[0]": must not be blank`},
		{"dry_run_package_policy_upgrade", `{"packagePolicyIds":["pp1"],"packageVersion":""}`, `invalid argument "packageVersion": must not be empty`},
		{"delete_package_policies", `{"packagePolicyIds":[]}`, `invalid argument "packagePolicyIds": must have at least 1 items, got 0`},
		// EPM checks.
		{"bulk_install_packages", `{"packages":["nginx"]}`, `invalid argument "packages[0]": must be an object, got "nginx"`},
		{"bulk_install_packages", `{"packages":[{"name":"nginx"},{"name":"nginx","version":"1.20.0"}]}`, `invalid argument "packages[1].name": repeats package "nginx"; give each package once`},
		{"create_custom_integration", `{"integrationName":"app","datasets":[{"name":"app.a","type":"events"}]}`, `invalid argument "datasets[0].type": must be one of "logs", "metrics", "traces", "synthetics", "profiling", got "events"`},
		{"create_custom_integration", `{"integrationName":"app","datasets":[{"name":"app.a","type":"logs"},{"name":"app.a","type":"metrics"}]}`, `invalid argument "datasets[1].name": repeats dataset "app.a"`},
		{"authorize_package_transforms", `{"pkgName":"endpoint","pkgVersion":"8.14.0","transforms":[{"transformId":" "}]}`, `invalid argument "transforms[0].transformId": must not be blank`},
		{"find_installed_packages", `{"perPage":101}`, `invalid argument "perPage": must be at most 100, got 101`},
		{"find_installed_packages", `{"searchAfter":"nginx"}`, `invalid argument "searchAfter": must be an array, got "nginx"`},
		{"find_installed_packages", `{"searchAfter":[]}`, `invalid argument "searchAfter": must have at least 1 items, got 0`},
		{"find_package_policies", `{"perPage":0}`, `invalid argument "perPage": must be at least 1, got 0`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}
}

// TestPackagePolicyRequests pins what reaches Kibana for package policy
// create, update, upgrade, its dry run and delete.
func TestPackagePolicyRequests(t *testing.T) {
	for _, c := range []struct{ tool, args, method, path, query, body string }{
		{"create_package_policy", `{"name":"web","package":{"name":"nginx","version":"1.20.0"}}`,
			"POST", "/api/fleet/package_policies", "", `{"name":"web","package":{"name":"nginx","version":"1.20.0"}}`},
		{"create_package_policy", `{"name":"web","namespace":"prod_eu","policy_ids":["ap1"],"package":{"name":"nginx","version":"1.20.0"},"inputs":{"nginx-logfile":{"enabled":true,"streams":{"nginx.access":{"vars":{"paths":["/var/log/nginx/access.log*"]}},"nginx.error":{"enabled":false}}}},"vars":{"tags":["web"]},"format":"simplified"}`,
			"POST", "/api/fleet/package_policies", "format=simplified",
			`{"name":"web","namespace":"prod_eu","policy_ids":["ap1"],"package":{"name":"nginx","version":"1.20.0"},"inputs":{"nginx-logfile":{"enabled":true,"streams":{"nginx.access":{"vars":{"paths":["/var/log/nginx/access.log*"]}},"nginx.error":{"enabled":false}}}},"vars":{"tags":["web"]}}`},
		{"update_package_policy", `{"packagePolicyId":"pp/1","name":"web","package":{"name":"nginx","version":"1.21.0"},"force":true}`,
			"PUT", "/api/fleet/package_policies/pp%2F1", "", `{"name":"web","package":{"name":"nginx","version":"1.21.0"},"force":true}`},
		{"upgrade_package_policies", `{"packagePolicyIds":["pp1","pp2"]}`,
			"POST", "/api/fleet/package_policies/upgrade", "", `{"packagePolicyIds":["pp1","pp2"]}`},
		{"dry_run_package_policy_upgrade", `{"packagePolicyIds":["pp1"],"packageVersion":"1.21.0"}`,
			"POST", "/api/fleet/package_policies/upgrade/dryrun", "", `{"packagePolicyIds":["pp1"],"packageVersion":"1.21.0"}`},
		{"delete_package_policies", `{"packagePolicyIds":["pp1"],"force":true}`,
			"POST", "/api/fleet/package_policies/delete", "", `{"packagePolicyIds":["pp1"],"force":true}`},
		// A package without a version goes as its bare name (latest).
		{"bulk_install_packages", `{"packages":[{"name":"nginx"},{"name":"system","version":"1.60.0"}],"prerelease":true}`,
			"POST", "/api/fleet/epm/packages/_bulk", "prerelease=true", `{"packages":["nginx",{"name":"system","version":"1.60.0"}]}`},
		// The install body is always an object, even with nothing in it.
		{"install_package", `{"pkgName":"nginx","pkgVersion":"1.20.0"}`,
			"POST", "/api/fleet/epm/packages/nginx/1.20.0", "", `{}`},
		{"install_package", `{"pkgName":"nginx","pkgVersion":"1.20.0","skipDataStreamRollover":true,"force":true}`,
			"POST", "/api/fleet/epm/packages/nginx/1.20.0", "skipDataStreamRollover=true", `{"force":true}`},
		{"delete_package", `{"pkgName":"nginx","pkgVersion":"1.20.0","force":true}`,
			"DELETE", "/api/fleet/epm/packages/nginx/1.20.0", "force=true", ``},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Fatalf("%s %s: %v", c.tool, c.args, err)
		}
		if req.Method != c.method || req.Path != c.path || req.Query.Encode() != c.query || string(req.Body) != c.body || req.APIVersion != operation.V20231031 {
			t.Errorf("%s %s:\n got  %s %s?%s %s (version %q)\n want %s %s?%s %s", c.tool, c.args, req.Method, req.Path, req.Query.Encode(), req.Body, req.APIVersion, c.method, c.path, c.query, c.body)
		}
	}
}

// TestPackageListsPageSmall: listings without a page size ask for 20; a page
// size the model gives wins; searchAfter goes as one JSON array, which is
// how Kibana reads an array query parameter.
func TestPackageListsPageSmall(t *testing.T) {
	for _, c := range []struct{ tool, args, want string }{
		{"find_package_policies", `{}`, "perPage=20"},
		{"find_package_policies", `{"page":3,"perPage":5,"kuery":"ingest-package-policies.package.name:nginx"}`, "kuery=ingest-package-policies.package.name%3Anginx&page=3&perPage=5"},
		{"find_installed_packages", `{}`, "perPage=20"},
		{"find_installed_packages", `{"perPage":100,"sortOrder":"desc"}`, "perPage=100&sortOrder=desc"},
		{"find_installed_packages", `{"searchAfter":["nginx"]}`, "perPage=20&searchAfter=%5B%22nginx%22%5D"},
		{"find_installed_packages", `{"searchAfter":["nginx","a\"b"]}`, "perPage=20&searchAfter=%5B%22nginx%22%2C%22a%5C%22b%22%5D"},
		// Not paged by Kibana: nothing is added.
		{"find_epm_data_streams", `{"type":"logs"}`, "type=logs"},
		{"find_packages", `{}`, ""},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Fatalf("%s %s: %v", c.tool, c.args, err)
		}
		if got := req.Query.Encode(); got != c.want {
			t.Errorf("%s %s: query %q, want %q", c.tool, c.args, got, c.want)
		}
	}
}

// TestPackagePathsStayInThePackage: names and versions are escaped into one
// segment each; a file path keeps its folders (Kibana's route takes them as
// a wildcard) with each segment escaped, and nothing can step out of the
// package with empty, "." or ".." segments.
func TestPackagePathsStayInThePackage(t *testing.T) {
	for _, c := range []struct{ tool, args, path string }{
		{"get_package", `{"pkgName":"my pkg/x","pkgVersion":"1.0.0?a#b"}`, "/api/fleet/epm/packages/my%20pkg%2Fx/1.0.0%3Fa%23b"},
		{"get_package_stats", `{"pkgName":"../agents"}`, "/api/fleet/epm/packages/..%2Fagents/stats"},
		{"delete_package", `{"pkgName":"nginx","pkgVersion":"../../../agents"}`, "/api/fleet/epm/packages/nginx/..%2F..%2F..%2Fagents"},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"manifest.yml"}`, "/api/fleet/epm/packages/nginx/1.20.0/manifest.yml"},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"docs/README.md"}`, "/api/fleet/epm/packages/nginx/1.20.0/docs/README.md"},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"img/logo nginx?.svg"}`, "/api/fleet/epm/packages/nginx/1.20.0/img/logo%20nginx%3F.svg"},
		{"get_package_file", `{"pkgName":"a/b","pkgVersion":"1.0.0","filePath":"x.md"}`, "/api/fleet/epm/packages/a%2Fb/1.0.0/x.md"},
		// Escaped dots stay literal text: the server decodes them once, to
		// a file name, never to a dot segment.
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"%2e%2e/%2E%2E/api"}`, "/api/fleet/epm/packages/nginx/1.20.0/%252e%252e/%252E%252E/api"},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"...hidden/.env"}`, "/api/fleet/epm/packages/nginx/1.20.0/...hidden/.env"},
	} {
		req, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err != nil {
			t.Fatalf("%s %s: %v", c.tool, c.args, err)
		}
		if req.Path != c.path {
			t.Errorf("%s %s: path %q, want %q", c.tool, c.args, req.Path, c.path)
		}
	}
	const emptySegment = `must not be empty or hold an empty segment (a leading, trailing or doubled /)`
	const dotSegment = `must not hold "." or ".." segments`
	for _, c := range []struct{ tool, args, want string }{
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"../../../agents"}`, `invalid argument "filePath": ` + dotSegment},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"docs/../../1.19.0/manifest.yml"}`, `invalid argument "filePath": ` + dotSegment},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"docs/.."}`, `invalid argument "filePath": ` + dotSegment},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"./manifest.yml"}`, `invalid argument "filePath": ` + dotSegment},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"/etc/passwd"}`, `invalid argument "filePath": ` + emptySegment},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"docs//README.md"}`, `invalid argument "filePath": ` + emptySegment},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"docs/"}`, `invalid argument "filePath": ` + emptySegment},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"docs\\..\\..\\x"}`, `invalid argument "filePath": must separate folders with /, not \`},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"docs/a\nb"}`, `invalid argument "filePath": must not hold control characters`},
		{"get_package_file", `{"pkgName":"..","pkgVersion":"1.20.0","filePath":"manifest.yml"}`, `invalid argument "pkgName": ` + dotSegment},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":".","filePath":"manifest.yml"}`, `invalid argument "pkgVersion": ` + dotSegment},
		{"get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":""}`, `invalid argument "filePath": must not be empty`},
		{"get_package", `{"pkgName":"..","pkgVersion":"1.20.0"}`, `invalid argument "pkgName": must be a non-empty ID (not "." or "..")`},
		{"install_package", `{"pkgName":"nginx","pkgVersion":".."}`, `invalid argument "pkgVersion": must be a non-empty ID (not "." or "..")`},
	} {
		_, err := mustLookup(t, c.tool).Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s %s:\n got  %v\n want %s", c.tool, c.args, err, c.want)
		}
	}

	// On the wire: what Kibana receives is under the package's own path,
	// with the space prefix in front.
	_, seen := call(t, "get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"img/a b.svg","space_id":"soc"}`, 200, "image/svg+xml", "<svg/>")
	if seen == nil || seen.URL.EscapedPath() != "/s/soc/api/fleet/epm/packages/nginx/1.20.0/img/a%20b.svg" || seen.Method != http.MethodGet ||
		seen.Header.Get("elastic-api-version") != operation.V20231031 {
		t.Errorf("Kibana saw %+v", seen)
	}
}

// TestPackageFileAnswers: a text file (YAML) reaches the model as text, a
// binary one (PNG) as an embedded blob with its MIME type.
func TestPackageFileAnswers(t *testing.T) {
	manifest := "format_version: 3.0.0\nname: nginx\nversion: 1.20.0\n"
	res, seen := call(t, "get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"manifest.yml"}`, 200, "application/yaml", manifest)
	if seen == nil || seen.URL.Path != "/api/fleet/epm/packages/nginx/1.20.0/manifest.yml" {
		t.Fatalf("Kibana saw %+v", seen)
	}
	if res.IsError || len(res.Content) != 1 || text(res) != strings.TrimSpace(manifest) || res.StructuredContent != nil {
		t.Errorf("YAML answer: %+v", res)
	}

	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
	res, seen = call(t, "get_package_file", `{"pkgName":"nginx","pkgVersion":"1.20.0","filePath":"img/logo.png","space_id":"soc"}`, 200, "image/png", png)
	if seen == nil || seen.URL.Path != "/s/soc/api/fleet/epm/packages/nginx/1.20.0/img/logo.png" {
		t.Fatalf("Kibana saw %+v", seen)
	}
	if res.IsError || len(res.Content) != 2 {
		t.Fatalf("PNG answer: %+v", res)
	}
	if want := "Kibana answered with a file: 20 bytes of image/png. It is attached as an embedded resource (base64)."; text(res) != want {
		t.Errorf("text %q, want %q", text(res), want)
	}
	embedded, ok := res.Content[1].(mcp.EmbeddedResource)
	if !ok {
		t.Fatalf("second content is %T, want mcp.EmbeddedResource", res.Content[1])
	}
	blob, ok := embedded.Resource.(mcp.BlobResourceContents)
	if !ok {
		t.Fatalf("resource is %T, want mcp.BlobResourceContents", embedded.Resource)
	}
	if blob.MIMEType != "image/png" || blob.Blob != base64.StdEncoding.EncodeToString([]byte(png)) ||
		blob.URI != "kibana://soc/api/fleet/epm/packages/nginx/1.20.0/img/logo.png" {
		t.Errorf("blob %+v", blob)
	}
}

// TestPackageUploadSendsTheArchive: the archive is the raw body, byte for
// byte, typed from its signature; the query carries only the flags given.
func TestPackageUploadSendsTheArchive(t *testing.T) {
	zip := "PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe\x00manifest.yml"
	gzip := "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xed\xce"
	for _, c := range []struct {
		args, body, contentType, query string
	}{
		{`{"file":"` + base64.StdEncoding.EncodeToString([]byte(zip)) + `"}`, zip, "application/zip", ""},
		// Line breaks in long base64 are not data.
		{`{"file":"` + wrapBase64Lines(base64.StdEncoding.EncodeToString([]byte(gzip)), 8) + `","skipDataStreamRollover":true}`, gzip, "application/gzip", "skipDataStreamRollover=true"},
		{`{"file":"` + base64.StdEncoding.EncodeToString([]byte(zip)) + `","ignoreMappingUpdateErrors":true,"skipDataStreamRollover":true}`, zip, "application/zip", "ignoreMappingUpdateErrors=true&skipDataStreamRollover=true"},
	} {
		req, err := mustLookup(t, "upload_package").Bind(args(t, c.args))
		if err != nil {
			t.Fatalf("%s: %v", c.args, err)
		}
		if string(req.Body) != c.body || req.ContentType != c.contentType || req.Query.Encode() != c.query ||
			req.Method != http.MethodPost || req.Path != "/api/fleet/epm/packages" || req.APIVersion != operation.V20231031 || !req.Mutates || req.Retryable {
			t.Errorf("%s: request %+v", c.args, req)
		}
	}

	// What Kibana receives: the exact bytes, the archive's type, kbn-xsrf,
	// and the space prefix.
	var (
		mu   sync.Mutex
		seen struct {
			path, query, contentType, xsrf, version string
			body                                    []byte
		}
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen.path, seen.query, seen.body = r.URL.Path, r.URL.RawQuery, body
		seen.contentType, seen.xsrf, seen.version = r.Header.Get("Content-Type"), r.Header.Get("kbn-xsrf"), r.Header.Get("elastic-api-version")
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"items":[],"_meta":{"install_source":"upload","name":"nginx"}}`)
	}))
	defer srv.Close()
	client, err := kibana.New(kibana.Config{URL: srv.URL, APIKey: "k", MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var callReq mcp.CallToolRequest
	callReq.Params.Name = "upload_package"
	callReq.Params.Arguments = args(t, `{"file":"`+base64.StdEncoding.EncodeToString([]byte(zip))+`","space_id":"soc"}`)
	res, err := serve.Handler(client, Catalog, mustLookup(t, "upload_package"))(context.Background(), callReq)
	if err != nil || res.IsError {
		t.Fatalf("upload: %v %+v", err, res)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen.path != "/s/soc/api/fleet/epm/packages" || seen.query != "" || string(seen.body) != zip ||
		seen.contentType != "application/zip" || seen.xsrf == "" || seen.version != operation.V20231031 {
		t.Errorf("Kibana saw %+v (body %q)", seen, seen.body)
	}

	for _, c := range []struct{ args, want string }{
		{`{"file":"not base64!"}`, `invalid argument "file": must be standard base64: illegal base64 data at input byte 9`},
		{`{"file":"` + base64.StdEncoding.EncodeToString([]byte("name: nginx\n")) + `"}`, `invalid argument "file": must be a .zip or .tar.gz package archive (it starts with neither archive's signature)`},
		{`{"file":""}`, `invalid argument "file": must not be empty`},
		{`{}`, `invalid argument "file": is required`},
	} {
		_, err := mustLookup(t, "upload_package").Bind(args(t, c.args))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got  %v\n want %s", c.args, err, c.want)
		}
	}
}

// wrapBase64Lines breaks s into lines of n characters, as models send long base64.
func wrapBase64Lines(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + `\n`)
		s = s[n:]
	}
	b.WriteString(s)
	return b.String()
}

// TestFleetPackageAnnotations pins the hints clients decide confirmation
// by, and which tools are settings work (Admin).
func TestFleetPackageAnnotations(t *testing.T) {
	read := [4]bool{true, false, true, false}
	readRegistry := [4]bool{true, false, true, true}
	for name, want := range map[string][4]bool{ // readOnly, destructive, idempotent, openWorld
		"find_data_streams":               read,
		"find_epm_data_streams":           read,
		"find_installed_packages":         read,
		"get_package_stats":               read,
		"get_package_verification_key_id": read,
		"find_package_policies":           read,
		"get_package_policy":              read,
		"dry_run_package_policy_upgrade":  read,
		"find_packages":                   readRegistry,
		"get_package":                     readRegistry,
		"get_package_file":                readRegistry,
		"install_package":                 {false, false, true, true},
		"bulk_install_packages":           {false, true, true, true},
		"upload_package":                  {false, false, false, false},
		"create_custom_integration":       {false, false, false, false},
		"authorize_package_transforms":    {false, false, true, false},
		"delete_package":                  {false, true, true, false},
		"create_package_policy":           {false, false, false, false},
		"update_package_policy":           {false, true, true, false},
		"delete_package_policies":         {false, true, true, false},
		"upgrade_package_policies":        {false, true, true, false},
	} {
		a := mustLookup(t, name).Annotations()
		got := [4]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
		if got != want {
			t.Errorf("%s: hints (readOnly, destructive, idempotent, openWorld) = %v, want %v", name, got, want)
		}
	}
	admin := map[string]bool{
		"install_package": true, "delete_package": true, "upload_package": true, "bulk_install_packages": true,
		"create_custom_integration": true, "authorize_package_transforms": true, "create_package_policy": true,
		"update_package_policy": true, "delete_package_policies": true, "upgrade_package_policies": true,
	}
	n := 0
	for _, op := range fleetPackagesOperations {
		n++
		if op.Toolset != "fleet" {
			t.Errorf("%s: toolset %q, want fleet", op.Name, op.Toolset)
		}
		if op.Admin != admin[op.Name] {
			t.Errorf("%s: Admin = %v, want %v", op.Name, op.Admin, admin[op.Name])
		}
	}
	if n != 21 {
		t.Errorf("%d package operations, want 21", n)
	}
}

// TestPackagePolicyDryRunPassesReadOnlyMode: the upgrade preview is a POST that reads,
// so the read-only client lets it through; the upgrade itself is refused.
func TestPackagePolicyDryRunPassesReadOnlyMode(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `[]`)
	}))
	defer srv.Close()
	client, err := kibana.New(kibana.Config{URL: srv.URL, ReadOnly: true, ReadRoutes: serve.ReadRoutes(Catalog), MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	send := func(tool string) error {
		req, err := mustLookup(t, tool).Bind(args(t, `{"packagePolicyIds":["pp1"]}`))
		if err != nil {
			t.Fatalf("%s: %v", tool, err)
		}
		_, err = client.Do(context.Background(), req)
		return err
	}
	if err := send("dry_run_package_policy_upgrade"); err != nil {
		t.Errorf("dry run refused by the read-only client: %v", err)
	}
	for _, tool := range []string{"upgrade_package_policies", "delete_package_policies"} {
		if err := send(tool); !errors.Is(err, kibana.ErrReadOnly) {
			t.Errorf("%s: got %v, want kibana.ErrReadOnly", tool, err)
		}
	}
	if hits != 1 {
		t.Errorf("Kibana received %d requests, want 1", hits)
	}
}
