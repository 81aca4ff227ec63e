package sandbox

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strconv"
	"strings"
)

// The package registry the sandbox's Fleet installs from: a fixed catalogue
// of integration packages and their versions, the same for every space
// (installations are per space). Uploaded and custom packages are kept by
// the space that made them (fleetState.custom).

// fleetPkgDef is one integration package, whatever its version.
type fleetPkgDef struct {
	name, title, description string
	versions                 []string // oldest first; a prerelease has a "-"
	categories               []string
	owner                    string // GitHub team
	release                  string // ga, beta
	pkgType                  string // integration, input
	dataStreams              []fleetDSDef
	templates                []fleetTemplateDef
	vars                     []fleetVarDef // package-level variables
	transforms               []string      // transform id prefixes
	dashboards               [][2]string   // id, title
	source                   string        // registry, upload, custom
	files                    map[string][]byte
}

// fleetDSDef is a data stream of a package.
type fleetDSDef struct {
	typ, dataset, title string
	vars                []fleetVarDef // the stream's variables
}

// fleetTemplateDef is a policy template: what a package policy configures.
type fleetTemplateDef struct {
	name, title, description string
	inputs                   []fleetInputDef
}

// fleetInputDef is an input of a policy template and the data streams it
// feeds.
type fleetInputDef struct {
	typ, title, description string
	streams                 []string // datasets
	vars                    []fleetVarDef
}

// fleetVarDef is a variable of a package, input or stream.
type fleetVarDef struct {
	name, typ, title string
	def              any
	multi, required  bool
}

func pathsVar(paths ...string) fleetVarDef {
	return fleetVarDef{name: "paths", typ: "text", title: "Paths", def: paths, multi: true, required: true}
}

func tagsVar(tags ...string) fleetVarDef {
	return fleetVarDef{name: "tags", typ: "text", title: "Tags", def: tags, multi: true}
}

func periodVar(p string) fleetVarDef {
	return fleetVarDef{name: "period", typ: "text", title: "Period", def: p, required: true}
}

var preserveVar = fleetVarDef{name: "preserve_original_event", typ: "bool", title: "Preserve original event", def: false, required: true}

func winlogVars() []fleetVarDef {
	return []fleetVarDef{preserveVar, {name: "event_id", typ: "text", title: "Event ID"}, {name: "ignore_older", typ: "text", title: "Ignore events older than", def: "72h"}, tagsVar()}
}

// fleetCatalogue is the registry.
var fleetCatalogue = []*fleetPkgDef{
	{
		name: "endpoint", title: "Elastic Defend", description: "Protect your hosts and cloud workloads with threat prevention, detection, and deep security data visibility.",
		versions: []string{"8.14.0", "8.15.0-prerelease.1", "8.16.0", "8.17.0"}, categories: []string{"security", "edr_xdr"}, owner: "elastic/security-defend-workflows",
		dataStreams: []fleetDSDef{
			{typ: "logs", dataset: "endpoint.alerts", title: "Endpoint Alerts"},
			{typ: "logs", dataset: "endpoint.events.process", title: "Endpoint Process Events"},
			{typ: "logs", dataset: "endpoint.events.network", title: "Endpoint Network Events"},
			{typ: "logs", dataset: "endpoint.events.file", title: "Endpoint File Events"},
			{typ: "metrics", dataset: "endpoint.metadata", title: "Endpoint Metadata"},
		},
		templates:  []fleetTemplateDef{{name: "endpoint", title: "Elastic Defend", description: "Elastic Defend", inputs: []fleetInputDef{{typ: "endpoint", title: "Elastic Defend", description: "Protection and telemetry of the host"}}}},
		transforms: []string{"logs-endpoint.metadata_current-default-", "logs-endpoint.metadata_united-default-", "logs-endpoint.heartbeat-default-"},
		dashboards: [][2]string{{"endpoint-f2d0e4b0-1a2b-11ed-8a9a-0b4c9f3e5a10", "[Elastic Defend] Metrics"}},
	},
	{
		name: "system", title: "System", description: "Collect system logs and metrics from your servers with Elastic Agent.",
		versions: []string{"1.58.0", "1.60.0", "1.61.2"}, categories: []string{"observability", "security", "os_system"}, owner: "elastic/elastic-agent-data-plane",
		dataStreams: []fleetDSDef{
			{typ: "logs", dataset: "system.auth", title: "System auth logs", vars: []fleetVarDef{pathsVar("/var/log/auth.log*", "/var/log/secure*"), preserveVar, tagsVar("system-auth")}},
			{typ: "logs", dataset: "system.syslog", title: "System syslog logs", vars: []fleetVarDef{pathsVar("/var/log/messages*", "/var/log/syslog*", "/var/log/system*"), preserveVar, tagsVar()}},
			{typ: "logs", dataset: "system.security", title: "Security logs", vars: winlogVars()},
			{typ: "logs", dataset: "system.application", title: "Application logs", vars: winlogVars()},
			{typ: "logs", dataset: "system.system", title: "System logs", vars: winlogVars()},
			{typ: "metrics", dataset: "system.cpu", title: "System cpu metrics", vars: []fleetVarDef{periodVar("10s"), {name: "cpu.metrics", typ: "text", title: "Cpu metrics", def: []string{"percentages", "normalized_percentages"}, multi: true, required: true}}},
			{typ: "metrics", dataset: "system.memory", title: "System memory metrics", vars: []fleetVarDef{periodVar("10s")}},
			{typ: "metrics", dataset: "system.network", title: "System network metrics", vars: []fleetVarDef{periodVar("10s")}},
			{typ: "metrics", dataset: "system.process", title: "System process metrics", vars: []fleetVarDef{periodVar("10s"), {name: "process.include_top_n.by_cpu", typ: "integer", title: "Process Include Top N By Cpu", def: 5, required: true}}},
			{typ: "metrics", dataset: "system.filesystem", title: "System filesystem metrics", vars: []fleetVarDef{periodVar("1m")}},
		},
		templates: []fleetTemplateDef{{name: "system", title: "System logs and metrics", description: "Collecting System logs and metrics", inputs: []fleetInputDef{
			{typ: "logfile", title: "Collect logs from System instances", description: "Collecting System auth and syslog logs", streams: []string{"system.auth", "system.syslog"}},
			{typ: "winlog", title: "Collect events from the Windows event log", description: "Collecting events from Windows event log", streams: []string{"system.security", "system.application", "system.system"}},
			{typ: "system/metrics", title: "Collect metrics from System instances", description: "Collecting System metrics", streams: []string{"system.cpu", "system.memory", "system.network", "system.process", "system.filesystem"}},
		}}},
		dashboards: [][2]string{{"system-Logs-syslog-dashboard", "[Logs System] Syslog dashboard"}, {"system-79ffd6e0-faa0-11e6-947f-177f697178b8", "[Metrics System] Host overview"}},
	},
	{
		name: "windows", title: "Windows", description: "Collect logs and metrics from Windows OS and services with Elastic Agent.",
		versions: []string{"2.0.0", "2.3.6"}, categories: []string{"os_system", "security"}, owner: "elastic/sec-windows-platform",
		dataStreams: []fleetDSDef{
			{typ: "logs", dataset: "windows.powershell", title: "Windows PowerShell logs", vars: winlogVars()},
			{typ: "logs", dataset: "windows.powershell_operational", title: "Windows PowerShell operational logs", vars: winlogVars()},
			{typ: "logs", dataset: "windows.sysmon_operational", title: "Windows Sysmon operational logs", vars: winlogVars()},
			{typ: "logs", dataset: "windows.forwarded", title: "Windows forwarded events", vars: winlogVars()},
			{typ: "metrics", dataset: "windows.perfmon", title: "Windows perfmon metrics", vars: []fleetVarDef{periodVar("10s"), {name: "perfmon.queries", typ: "yaml", title: "Perfmon queries"}}},
			{typ: "metrics", dataset: "windows.service", title: "Windows service metrics", vars: []fleetVarDef{periodVar("60s")}},
		},
		templates: []fleetTemplateDef{{name: "windows", title: "Windows logs and metrics", description: "Collect logs and metrics from Windows instances", inputs: []fleetInputDef{
			{typ: "winlog", title: "Collect events from the Windows event log", description: "Collecting Windows event log events", streams: []string{"windows.powershell", "windows.powershell_operational", "windows.sysmon_operational", "windows.forwarded"}},
			{typ: "windows/metrics", title: "Collect Windows perfmon and service metrics", description: "Collecting perfmon and service metrics", streams: []string{"windows.perfmon", "windows.service"}},
		}}},
		dashboards: [][2]string{{"windows-bae11b00-9bfc-11ea-87e4-49f31ec44891", "[Windows] Powershell Operational"}, {"windows-f3a2a0c0-1a84-11ec-9d34-5f1c1e8b4fdc", "[Windows] Sysmon Operational Events"}},
	},
	{
		name: "fleet_server", title: "Fleet Server", description: "Centrally manage Elastic Agents with the Fleet Server integration.",
		versions: []string{"1.5.0", "1.6.0"}, categories: []string{"elastic_stack"}, owner: "elastic/fleet",
		templates: []fleetTemplateDef{{name: "fleet_server", title: "Fleet Server", description: "Fleet Server setup", inputs: []fleetInputDef{
			{typ: "fleet-server", title: "Fleet Server", description: "Fleet Server Configuration", vars: []fleetVarDef{
				{name: "host", typ: "text", title: "Host", def: []string{"0.0.0.0"}, multi: true},
				{name: "port", typ: "integer", title: "Port", def: []int{8220}, multi: true},
				{name: "max_agents", typ: "integer", title: "Max agents"},
			}},
		}}},
	},
	{
		name: "elastic_agent", title: "Elastic Agent", description: "Collect logs and metrics from Elastic Agents.",
		versions: []string{"2.1.1", "2.2.0"}, categories: []string{"elastic_stack"}, owner: "elastic/elastic-agent",
		dataStreams: []fleetDSDef{
			{typ: "logs", dataset: "elastic_agent", title: "Elastic Agent logs"},
			{typ: "logs", dataset: "elastic_agent.filebeat", title: "Elastic Agent Filebeat logs"},
			{typ: "logs", dataset: "elastic_agent.metricbeat", title: "Elastic Agent Metricbeat logs"},
			{typ: "metrics", dataset: "elastic_agent.elastic_agent", title: "Elastic Agent metrics"},
			{typ: "metrics", dataset: "elastic_agent.filebeat", title: "Elastic Agent Filebeat metrics"},
		},
		dashboards: [][2]string{{"elastic_agent-a148dc70-6b3c-11ed-98de-67bdecd21824", "[Elastic Agent] Agent metrics"}},
	},
	{
		name: "nginx", title: "Nginx", description: "Collect logs and metrics from Nginx HTTP servers with Elastic Agent.",
		versions: []string{"1.19.1", "1.20.0", "1.21.0-beta1", "1.21.0"}, categories: []string{"web", "observability", "security"}, owner: "elastic/obs-infraobs-integrations",
		dataStreams: []fleetDSDef{
			{typ: "logs", dataset: "nginx.access", title: "Nginx access logs", vars: []fleetVarDef{pathsVar("/var/log/nginx/access.log*"), preserveVar, tagsVar("nginx-access")}},
			{typ: "logs", dataset: "nginx.error", title: "Nginx error logs", vars: []fleetVarDef{pathsVar("/var/log/nginx/error.log*"), preserveVar, tagsVar("nginx-error")}},
			{typ: "metrics", dataset: "nginx.stubstatus", title: "Nginx stubstatus metrics", vars: []fleetVarDef{periodVar("10s"), {name: "server_status_path", typ: "text", title: "Server Status Path", def: "/nginx_status", required: true}}},
		},
		templates: []fleetTemplateDef{{name: "nginx", title: "Nginx logs and metrics", description: "Collect logs and metrics from Nginx instances", inputs: []fleetInputDef{
			{typ: "logfile", title: "Collect logs from Nginx instances", description: "Collecting Nginx access and error logs", streams: []string{"nginx.access", "nginx.error"}},
			{typ: "nginx/metrics", title: "Collect metrics from Nginx instances", description: "Collecting Nginx stub status metrics", streams: []string{"nginx.stubstatus"},
				vars: []fleetVarDef{{name: "hosts", typ: "text", title: "Hosts", def: []string{"http://127.0.0.1:80"}, multi: true, required: true}}},
		}}},
		dashboards: [][2]string{{"nginx-55a9e6e0-a29e-11e7-928f-5dbe6f6f5519", "[Logs Nginx] Access and error logs"}, {"nginx-023d2930-f1a5-11e7-a9ef-93c69af7b129", "[Metrics Nginx] Overview"}},
	},
	{
		name: "apache", title: "Apache HTTP Server", description: "Collect logs and metrics from Apache servers with Elastic Agent.",
		versions: []string{"1.23.0", "1.24.0"}, categories: []string{"web", "observability"}, owner: "elastic/obs-infraobs-integrations",
		dataStreams: []fleetDSDef{
			{typ: "logs", dataset: "apache.access", title: "Apache access logs", vars: []fleetVarDef{pathsVar("/var/log/apache2/access.log*", "/var/log/httpd/access_log*"), tagsVar("apache-access")}},
			{typ: "logs", dataset: "apache.error", title: "Apache error logs", vars: []fleetVarDef{pathsVar("/var/log/apache2/error.log*", "/var/log/httpd/error_log*"), tagsVar("apache-error")}},
			{typ: "metrics", dataset: "apache.status", title: "Apache status metrics", vars: []fleetVarDef{periodVar("30s")}},
		},
		templates: []fleetTemplateDef{{name: "apache", title: "Apache logs and metrics", description: "Collect logs and metrics from Apache instances", inputs: []fleetInputDef{
			{typ: "logfile", title: "Collect logs from Apache instances", description: "Collecting Apache access and error logs", streams: []string{"apache.access", "apache.error"}},
			{typ: "apache/metrics", title: "Collect metrics from Apache instances", description: "Collecting Apache status metrics", streams: []string{"apache.status"},
				vars: []fleetVarDef{{name: "hosts", typ: "text", title: "Hosts", def: []string{"http://127.0.0.1"}, multi: true, required: true}}},
		}}},
	},
	{
		name: "osquery_manager", title: "Osquery Manager", description: "Deploy Osquery with Elastic Agent, then run and schedule queries in Kibana.",
		versions: []string{"1.14.0"}, categories: []string{"security", "os_system"}, owner: "elastic/security-defend-workflows",
		dataStreams: []fleetDSDef{{typ: "logs", dataset: "osquery_manager.result", title: "Osquery Manager queries"}},
		templates:   []fleetTemplateDef{{name: "osquery_manager", title: "Osquery Manager", description: "Send interactive or scheduled queries to the Elastic Agents.", inputs: []fleetInputDef{{typ: "osquery", title: "Osquery Manager", description: "Send interactive or scheduled queries"}}}},
	},
	{
		name: "network_traffic", title: "Network Packet Capture", description: "Capture and analyze network traffic from a host with Elastic Agent.",
		versions: []string{"1.33.0"}, categories: []string{"network", "security"}, owner: "elastic/sec-linux-platform",
		dataStreams: []fleetDSDef{
			{typ: "logs", dataset: "network_traffic.dns", title: "DNS", vars: []fleetVarDef{{name: "port", typ: "text", title: "Ports", def: []string{"53"}, multi: true, required: true}}},
			{typ: "logs", dataset: "network_traffic.http", title: "HTTP", vars: []fleetVarDef{{name: "port", typ: "text", title: "Ports", def: []string{"80", "8080"}, multi: true, required: true}}},
			{typ: "logs", dataset: "network_traffic.tls", title: "TLS", vars: []fleetVarDef{{name: "port", typ: "text", title: "Ports", def: []string{"443"}, multi: true, required: true}}},
			{typ: "logs", dataset: "network_traffic.flow", title: "Flows", vars: []fleetVarDef{periodVar("10s")}},
		},
		templates: []fleetTemplateDef{{name: "network", title: "Network packets", description: "Capturing network traffic", inputs: []fleetInputDef{
			{typ: "packet", title: "Capture network traffic", description: "Capturing network traffic", streams: []string{"network_traffic.dns", "network_traffic.http", "network_traffic.tls", "network_traffic.flow"},
				vars: []fleetVarDef{{name: "interface", typ: "text", title: "Interface", def: "any"}}},
		}}},
	},
	{
		name: "auditd_manager", title: "Auditd Manager", description: "Receive audit events from the Linux Audit Framework.",
		versions: []string{"1.16.3"}, categories: []string{"security", "os_system"}, owner: "elastic/sec-linux-platform",
		dataStreams: []fleetDSDef{{typ: "logs", dataset: "auditd_manager.auditd", title: "Auditd Manager events", vars: []fleetVarDef{
			{name: "audit_rules", typ: "textarea", title: "Audit Rules"}, {name: "failure_mode", typ: "text", title: "Failure Mode", def: "silent"}, preserveVar, tagsVar("auditd_manager-auditd"),
		}}},
		templates: []fleetTemplateDef{{name: "auditd", title: "Auditd Manager", description: "Collect auditd events", inputs: []fleetInputDef{
			{typ: "audit/auditd", title: "Collect auditd events", description: "Collecting auditd events", streams: []string{"auditd_manager.auditd"}},
		}}},
	},
	{
		name: "aws", title: "AWS", description: "Collect logs and metrics from Amazon Web Services (AWS) with Elastic Agent.",
		versions: []string{"2.28.0", "2.30.0"}, categories: []string{"aws", "cloud", "security"}, owner: "elastic/obs-ds-hosted-services",
		dataStreams: []fleetDSDef{
			{typ: "logs", dataset: "aws.cloudtrail", title: "AWS CloudTrail Logs", vars: []fleetVarDef{{name: "bucket_arn", typ: "text", title: "Bucket ARN"}, {name: "queue_url", typ: "text", title: "Queue URL"}, tagsVar("forwarded", "aws-cloudtrail")}},
			{typ: "logs", dataset: "aws.guardduty", title: "Amazon GuardDuty", vars: []fleetVarDef{{name: "interval", typ: "text", title: "Interval", def: "1h"}, tagsVar("forwarded", "aws-guardduty")}},
		},
		templates: []fleetTemplateDef{
			{name: "cloudtrail", title: "AWS CloudTrail", description: "Collect logs from AWS CloudTrail", inputs: []fleetInputDef{{typ: "aws-s3", title: "Collect CloudTrail logs from S3", description: "Collecting logs using aws-s3 input", streams: []string{"aws.cloudtrail"}}}},
			{name: "guardduty", title: "Amazon GuardDuty", description: "Collect findings from Amazon GuardDuty", inputs: []fleetInputDef{{typ: "httpjson", title: "Collect GuardDuty findings via API", description: "Collecting findings using the httpjson input", streams: []string{"aws.guardduty"}}}},
		},
		vars: []fleetVarDef{{name: "access_key_id", typ: "text", title: "Access Key ID"}, {name: "secret_access_key", typ: "password", title: "Secret Access Key"}, {name: "default_region", typ: "text", title: "Default AWS Region"}},
	},
	{
		name: "crowdstrike", title: "CrowdStrike", description: "Collect logs from CrowdStrike with Elastic Agent.",
		versions: []string{"1.40.0"}, categories: []string{"security", "edr_xdr"}, owner: "elastic/security-service-integrations",
		dataStreams: []fleetDSDef{
			{typ: "logs", dataset: "crowdstrike.falcon", title: "Falcon SIEM connector logs", vars: []fleetVarDef{pathsVar("/var/log/crowdstrike/falconhoseclient/output"), tagsVar("crowdstrike-falcon")}},
			{typ: "logs", dataset: "crowdstrike.alert", title: "Falcon alerts", vars: []fleetVarDef{{name: "interval", typ: "text", title: "Interval", def: "5m"}}},
		},
		templates: []fleetTemplateDef{{name: "crowdstrike", title: "CrowdStrike", description: "Collect logs from CrowdStrike", inputs: []fleetInputDef{
			{typ: "logfile", title: "Collect CrowdStrike logs via the Falcon SIEM connector", description: "Collecting logs from files", streams: []string{"crowdstrike.falcon"}},
			{typ: "cel", title: "Collect CrowdStrike alerts via the API", description: "Collecting alerts using the CEL input", streams: []string{"crowdstrike.alert"}},
		}}},
	},
}

// fleetPackageDef finds a package: the space's own uploads and custom
// integrations first, then the registry.
func fleetPackageDef(st *fleetState, name string) *fleetPkgDef {
	if d := st.custom[name]; d != nil {
		return d
	}
	for _, d := range fleetCatalogue {
		if d.name == name {
			return d
		}
	}
	return nil
}

func (d *fleetPkgDef) hasVersion(v string) bool { return slices.Contains(d.versions, v) }

// latest is the newest version, a prerelease only when asked for.
func (d *fleetPkgDef) latest(prerelease bool) string {
	best := ""
	for _, v := range d.versions {
		if !prerelease && strings.Contains(v, "-") {
			continue
		}
		if best == "" || fleetVersionCompare(v, best) > 0 {
			best = v
		}
	}
	if best == "" && len(d.versions) > 0 {
		best = d.versions[len(d.versions)-1]
	}
	return best
}

func (d *fleetPkgDef) dataStream(dataset string) *fleetDSDef {
	for i := range d.dataStreams {
		if d.dataStreams[i].dataset == dataset {
			return &d.dataStreams[i]
		}
	}
	return nil
}

func (d *fleetPkgDef) releaseOf(version string) string {
	switch {
	case strings.Contains(version, "-"):
		return "beta"
	case d.release != "":
		return d.release
	}
	return "ga"
}

func (d *fleetPkgDef) typeName() string {
	if d.pkgType != "" {
		return d.pkgType
	}
	return "integration"
}

// fleetVersionCompare orders semantic versions; a prerelease comes before
// its release.
func fleetVersionCompare(a, b string) int {
	coreA, preA, _ := strings.Cut(a, "-")
	coreB, preB, _ := strings.Cut(b, "-")
	pa, pb := strings.Split(coreA, "."), strings.Split(coreB, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	switch {
	case preA == preB:
		return 0
	case preA == "":
		return 1
	case preB == "":
		return -1
	}
	return strings.Compare(preA, preB)
}

// fleetAsset is an installed Kibana or Elasticsearch asset.
type fleetAsset struct{ id, typ string }

func (a fleetAsset) doc() map[string]any { return map[string]any{"id": a.id, "type": a.typ} }

// kibanaAssets are the saved objects a version installs.
func (d *fleetPkgDef) kibanaAssets() []fleetAsset {
	var out []fleetAsset
	for _, db := range d.dashboards {
		out = append(out, fleetAsset{db[0], "dashboard"})
	}
	if len(d.dashboards) > 0 {
		out = append(out, fleetAsset{"fleet-pkg-" + d.name + "-default", "tag"}, fleetAsset{"fleet-managed-default", "tag"})
	}
	return out
}

// esAssets are the Elasticsearch assets a version installs.
func (d *fleetPkgDef) esAssets(version string) []fleetAsset {
	var out []fleetAsset
	for _, ds := range d.dataStreams {
		base := ds.typ + "-" + ds.dataset
		out = append(out,
			fleetAsset{base + "-" + version, "ingest_pipeline"},
			fleetAsset{base, "index_template"},
			fleetAsset{base + "@package", "component_template"},
			fleetAsset{base + "@custom", "component_template"},
		)
	}
	for _, t := range d.transforms {
		out = append(out, fleetAsset{t + version, "transform"})
	}
	return out
}

// file is one file of a package version, with its content type.
func (d *fleetPkgDef) file(version, p string) ([]byte, string, bool) {
	if d.files != nil {
		b, ok := d.files[p]
		return b, fleetContentType(p), ok
	}
	switch {
	case p == "manifest.yml":
		return []byte(d.manifest(version)), "application/yaml; charset=utf-8", true
	case p == "changelog.yml":
		return []byte(d.changelog(version)), "application/yaml; charset=utf-8", true
	case p == "docs/README.md":
		return []byte(d.readme()), "text/markdown; charset=utf-8", true
	case p == "LICENSE.txt":
		return []byte("Elastic License 2.0\n\nURL: https://www.elastic.co/licensing/elastic-license\n"), "text/plain; charset=utf-8", true
	case p == "img/"+d.name+"-logo.png" || p == "img/icon.png":
		return fleetIcon(d.name), "image/png", true
	}
	if rest, ok := strings.CutPrefix(p, "data_stream/"); ok {
		name, file, _ := strings.Cut(rest, "/")
		if ds := d.dataStream(d.name + "." + name); ds != nil && file == "manifest.yml" {
			return []byte(fmt.Sprintf("title: %s\ntype: %s\nstreams:\n  - input: logfile\n    title: %s\n", ds.title, ds.typ, ds.title)), "application/yaml; charset=utf-8", true
		}
	}
	return nil, "", false
}

// fleetContentType is the type Kibana serves a package file with.
func fleetContentType(p string) string {
	switch {
	case strings.HasSuffix(p, ".yml"), strings.HasSuffix(p, ".yaml"):
		return "application/yaml; charset=utf-8"
	case strings.HasSuffix(p, ".md"):
		return "text/markdown; charset=utf-8"
	case strings.HasSuffix(p, ".json"):
		return "application/json; charset=utf-8"
	case strings.HasSuffix(p, ".png"):
		return "image/png"
	case strings.HasSuffix(p, ".svg"):
		return "image/svg+xml"
	case strings.HasSuffix(p, ".txt"):
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

func (d *fleetPkgDef) manifest(version string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format_version: 3.0.0\nname: %s\ntitle: %s\nversion: %s\ndescription: %s\ntype: %s\n", d.name, d.title, version, d.description, d.typeName())
	b.WriteString("categories:\n")
	for _, c := range d.categories {
		fmt.Fprintf(&b, "  - %s\n", c)
	}
	b.WriteString("conditions:\n  kibana:\n    version: \"^8.13.0 || ^9.0.0\"\n  elastic:\n    subscription: basic\n")
	fmt.Fprintf(&b, "icons:\n  - src: /img/%s-logo.png\n    title: %s logo\n    size: 32x32\n    type: image/png\n", d.name, d.title)
	if len(d.templates) > 0 {
		b.WriteString("policy_templates:\n")
		for _, t := range d.templates {
			fmt.Fprintf(&b, "  - name: %s\n    title: %s\n    description: %s\n    inputs:\n", t.name, t.title, t.description)
			for _, in := range t.inputs {
				fmt.Fprintf(&b, "      - type: %s\n        title: %s\n        description: %s\n", in.typ, in.title, in.description)
			}
		}
	}
	fmt.Fprintf(&b, "owner:\n  github: %s\n  type: elastic\n", d.owner)
	return b.String()
}

func (d *fleetPkgDef) changelog(version string) string {
	var b strings.Builder
	b.WriteString("# newer versions go on top\n")
	for i := len(d.versions) - 1; i >= 0; i-- {
		v := d.versions[i]
		if fleetVersionCompare(v, version) > 0 {
			continue
		}
		kind, what := "enhancement", "Update the package to the latest Elastic Agent features."
		if i == 0 {
			kind, what = "enhancement", "Initial release in this catalogue."
		} else if strings.Contains(v, "-") {
			what = "Prerelease of the next version."
		} else if i%2 == 0 {
			kind, what = "bugfix", "Fix field mappings of "+d.name+" data streams."
		}
		fmt.Fprintf(&b, "- version: \"%s\"\n  changes:\n    - description: %s\n      type: %s\n      link: https://github.com/elastic/integrations/pull/%d\n", v, what, kind, 9000+len(d.name)*37+i)
	}
	return b.String()
}

func (d *fleetPkgDef) readme() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n## Data streams\n\n", d.title, d.description)
	for _, ds := range d.dataStreams {
		fmt.Fprintf(&b, "- `%s-%s-*`: %s\n", ds.typ, ds.dataset, ds.title)
	}
	return b.String()
}

// fleetIcon draws a package's 32x32 logo.
func fleetIcon(name string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	h := uint8(len(name) * 41)
	for y := range 32 {
		for x := range 32 {
			c := color.RGBA{h, uint8(x * 8), uint8(y * 8), 255}
			if (x-16)*(x-16)+(y-16)*(y-16) > 225 {
				c = color.RGBA{0, 0, 0, 0}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}
