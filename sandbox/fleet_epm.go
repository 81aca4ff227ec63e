package sandbox

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
)

// The Elastic Package Manager: the registry's packages and their install
// status, installing (one, in bulk, from an uploaded archive, or a custom
// integration), uninstalling, package files, usage stats, transforms, and
// the data streams installed packages feed.

// fleetInstall is a package installed in a space.
type fleetInstall struct {
	name, version, source string
	previousVersion       string
	installedAt           string
	updatedAt             string
	kibana, es            []fleetAsset
	// Set by update_package_settings; nil is the package's default.
	keepPoliciesUpToDate *bool
	otherSpaces          map[string][]fleetAsset // Kibana assets installed in other spaces, by space id
}

// fleetVerificationKeyID is the id of the key package signatures verify
// with (Elastic's package signing key).
const fleetVerificationKeyID = "d27d666cd88e42b4"

// install installs (or upgrades to) a version.
func (k *Kibana) install(st *fleetState, d *fleetPkgDef, version, source string) *fleetInstall {
	if st.installs == nil {
		st.installs = map[string]*fleetInstall{}
	}
	now := k.now()
	inst := st.installs[d.name]
	if inst == nil {
		inst = &fleetInstall{name: d.name, installedAt: now}
		st.installs[d.name] = inst
	} else if inst.version != version {
		inst.previousVersion = inst.version
	}
	inst.version, inst.source, inst.updatedAt = version, source, now
	inst.kibana, inst.es = d.kibanaAssets(), d.esAssets(version)
	return inst
}

func assetDocs(assets ...[]fleetAsset) []any {
	out := []any{}
	for _, list := range assets {
		for _, a := range list {
			out = append(out, a.doc())
		}
	}
	return out
}

func (inst *fleetInstall) doc() map[string]any {
	verification := "verified"
	if inst.source != "registry" {
		verification = "unverified"
	}
	doc := map[string]any{
		"type":                           "epm-packages",
		"name":                           inst.name,
		"version":                        inst.version,
		"install_status":                 "installed",
		"install_source":                 inst.source,
		"verification_status":            verification,
		"installed_kibana":               assetDocs(inst.kibana),
		"installed_es":                   assetDocs(inst.es),
		"installed_kibana_space_id":      "default",
		"install_format_schema_version":  "1.3.0",
		"created_at":                     inst.installedAt,
		"updated_at":                     inst.updatedAt,
		"namespaces":                     []any{},
		"latest_install_failed_attempts": []any{},
	}
	if verification == "verified" {
		doc["verification_key_id"] = fleetVerificationKeyID
	}
	if inst.previousVersion != "" {
		doc["previous_version"] = inst.previousVersion
	}
	if len(inst.otherSpaces) > 0 {
		other := map[string]any{}
		for id, assets := range inst.otherSpaces {
			other[id] = assetDocs(assets)
		}
		doc["additional_spaces_installed_kibana"] = other
	}
	return doc
}

func varDocs(defs []fleetVarDef) []any {
	out := []any{}
	for _, v := range defs {
		doc := map[string]any{"name": v.name, "type": v.typ, "title": v.title, "multi": v.multi, "required": v.required, "show_user": true}
		if v.def != nil {
			doc["default"] = fleetJSONValue(v.def)
		}
		out = append(out, doc)
	}
	return out
}

func (d *fleetPkgDef) icons(version string) []any {
	return []any{map[string]any{
		"src": "/img/" + d.name + "-logo.png", "path": "/package/" + d.name + "/" + version + "/img/" + d.name + "-logo.png",
		"title": d.title + " logo", "size": "32x32", "type": "image/png",
	}}
}

// status is a package's install status in a space.
func (st *fleetState) status(name string) string {
	if st.installs[name] != nil {
		return "installed"
	}
	return "not_installed"
}

// packageInfo is one version of a package as get_package answers it.
func (k *Kibana) packageInfo(st *fleetState, d *fleetPkgDef, version string) map[string]any {
	var templates []any
	for _, t := range d.templates {
		var inputs []any
		for _, in := range t.inputs {
			inputs = append(inputs, map[string]any{"type": in.typ, "title": in.title, "description": in.description, "vars": varDocs(in.vars)})
		}
		templates = append(templates, map[string]any{"name": t.name, "title": t.title, "description": t.description, "inputs": inputs, "multiple": !d.limited()})
	}
	dataStreams := []any{}
	pipelines, templatesES := []any{}, []any{}
	for _, ds := range d.dataStreams {
		var streams []any
		for _, t := range d.templates {
			for _, in := range t.inputs {
				if slices.Contains(in.streams, ds.dataset) {
					streams = append(streams, map[string]any{"input": in.typ, "title": ds.title, "description": "Collect " + strings.ToLower(ds.title), "vars": varDocs(ds.vars), "template_path": "stream.yml.hbs", "enabled": true})
				}
			}
		}
		short := strings.TrimPrefix(ds.dataset, d.name+".")
		doc := map[string]any{
			"type": ds.typ, "dataset": ds.dataset, "title": ds.title, "release": "ga", "package": d.name,
			"path": short, "ingest_pipeline": "default", "streams": streams,
		}
		if streams == nil {
			doc["streams"] = []any{}
		}
		dataStreams = append(dataStreams, doc)
		base := "/package/" + d.name + "/" + version + "/data_stream/" + short
		pipelines = append(pipelines, map[string]any{"path": base + "/elasticsearch/ingest_pipeline/default.yml", "pkgkey": d.name + "-" + version, "service": "elasticsearch", "type": "ingest_pipeline", "file": "default.yml", "dataset": short})
		templatesES = append(templatesES, map[string]any{"path": base + "/fields/fields.yml", "pkgkey": d.name + "-" + version, "service": "elasticsearch", "type": "fields", "file": "fields.yml", "dataset": short})
	}
	var dashboards []any
	for _, db := range d.dashboards {
		dashboards = append(dashboards, map[string]any{"path": "/package/" + d.name + "/" + version + "/kibana/dashboard/" + db[0] + ".json", "pkgkey": d.name + "-" + version, "service": "kibana", "type": "dashboard", "file": db[0] + ".json"})
	}
	assets := map[string]any{"kibana": map[string]any{}, "elasticsearch": map[string]any{}}
	if dashboards != nil {
		assets["kibana"] = map[string]any{"dashboard": dashboards}
	}
	if len(pipelines) > 0 {
		assets["elasticsearch"] = map[string]any{"ingest_pipeline": pipelines, "fields": templatesES}
	}
	item := map[string]any{
		"name": d.name, "version": version, "title": d.title, "description": d.description,
		"format_version": "3.0.0", "categories": fleetStrings(d.categories), "type": d.typeName(), "release": d.releaseOf(version),
		"owner":      map[string]any{"github": d.owner, "type": "elastic"},
		"conditions": map[string]any{"kibana": map[string]any{"version": "^8.13.0 || ^9.0.0"}, "elastic": map[string]any{"subscription": "basic"}},
		"icons":      d.icons(version),
		"readme":     "/package/" + d.name + "/" + version + "/docs/README.md",
		"download":   "/epr/" + d.name + "/" + d.name + "-" + version + ".zip",
		"path":       "/package/" + d.name + "/" + version,
		"source":     map[string]any{"license": "Elastic-2.0"},
		"policy_templates": func() []any {
			if templates == nil {
				return []any{}
			}
			return templates
		}(),
		"data_streams":         dataStreams,
		"vars":                 varDocs(d.vars),
		"assets":               assets,
		"latestVersion":        d.latest(false),
		"keepPoliciesUpToDate": d.keepPoliciesUpToDate(st.installs[d.name]),
		"status":               st.status(d.name),
		"internal":             false,
	}
	if d.source == "" || d.source == "registry" {
		item["signature_path"] = "/epr/" + d.name + "/" + d.name + "-" + version + ".zip.sig"
	}
	if inst := st.installs[d.name]; inst != nil {
		item["installationInfo"] = inst.doc()
		item["savedObject"] = nil
	}
	return item
}

// lookupPackage finds the package and version of the path or answers 404.
func lookupPackage(c *call) (*fleetPkgDef, string) {
	name, version := c.param("pkgName"), c.param("pkgVersion")
	d := resolvePackage(c, name, version)
	return d, version
}

func (k *Kibana) getPackage(c *call) {
	flags, ok := fleetQueryBools(c, "ignoreUnverified", "prerelease", "full", "withMetadata")
	if !ok {
		return
	}
	d, version := lookupPackage(c)
	if d == nil {
		return
	}
	st := &c.space.fleet
	out := map[string]any{"item": k.packageInfo(st, d, version)}
	if flags["withMetadata"] {
		has := slices.ContainsFunc(st.pkgPolicies.all(), func(pp *fleetPkgPolicy) bool { return pp.pkgName == d.name })
		out["metadata"] = map[string]any{"has_policies": has}
	}
	c.ok(out)
}

// installResult is the answer of an install: the assets and where the
// package came from.
func installResult(inst *fleetInstall) map[string]any {
	return map[string]any{
		"items": assetDocs(inst.kibana, inst.es),
		"_meta": map[string]any{"install_source": inst.source, "name": inst.name},
	}
}

// installVersion installs a version unless a newer one is installed
// (without force), answering the error Kibana does.
func (k *Kibana) installVersion(st *fleetState, d *fleetPkgDef, version string, force bool) (*fleetInstall, int, string) {
	if inst := st.installs[d.name]; inst != nil && !force {
		switch cmp := fleetVersionCompare(version, inst.version); {
		case cmp < 0:
			return nil, http.StatusBadRequest, fmt.Sprintf("%s-%s is out-of-date and cannot be installed or updated", d.name, version)
		case cmp == 0:
			return inst, 0, ""
		}
	}
	return k.install(st, d, version, d.sourceOr("registry")), 0, ""
}

func (k *Kibana) installPackage(c *call) {
	if _, ok := fleetQueryBools(c, "prerelease", "ignoreMappingUpdateErrors", "skipDataStreamRollover"); !ok {
		return
	}
	b, ok := fleetBodyOf(c, true, []string{"force", "ignore_constraints"})
	if !ok {
		return
	}
	force := b.boolean("force")
	b.boolean("ignore_constraints")
	if b.failed() {
		return
	}
	d, version := lookupPackage(c)
	if d == nil {
		return
	}
	inst, status, msg := k.installVersion(&c.space.fleet, d, version, force != nil && *force)
	if inst == nil {
		c.json(status, map[string]any{"statusCode": status, "error": http.StatusText(status), "message": msg})
		return
	}
	c.ok(installResult(inst))
}

func (k *Kibana) uninstallPackage(c *call) {
	flags, ok := fleetQueryBools(c, "force")
	if !ok {
		return
	}
	inst, msg := removeInstall(&c.space.fleet, c.param("pkgName"), flags["force"])
	if inst == nil {
		c.badRequest(msg)
		return
	}
	c.ok(map[string]any{"items": assetDocs(inst.kibana, inst.es)})
}

func (k *Kibana) bulkInstallPackages(c *call) {
	flags, ok := fleetQueryBools(c, "prerelease")
	if !ok {
		return
	}
	b, ok := fleetBodyOf(c, false, []string{"packages", "force"})
	if !ok {
		return
	}
	force := b.boolean("force")
	raw, isArr := b.m["packages"].([]any)
	switch {
	case b.m["packages"] == nil:
		b.typeError("packages", "array", nil, b.has("packages"))
	case !isArr:
		b.typeError("packages", "array", b.m["packages"], true)
	case len(raw) == 0:
		b.fail("packages", "array size is [0], but cannot be smaller than [1]")
	}
	type want struct{ name, version string }
	var wants []want
	for i, e := range raw {
		switch x := e.(type) {
		case string:
			wants = append(wants, want{name: x})
		case map[string]any:
			name, _ := x["name"].(string)
			version, _ := x["version"].(string)
			if name == "" {
				b.typeError(fmt.Sprintf("packages.%d.name", i), "string", x["name"], x["name"] != nil)
			}
			if version == "" {
				b.typeError(fmt.Sprintf("packages.%d.version", i), "string", x["version"], x["version"] != nil)
			}
			wants = append(wants, want{name, version})
		default:
			b.fail(fmt.Sprintf("packages.%d", i), fmt.Sprintf("types that failed validation:\n- [request body.packages.%d.0]: expected value of type [string] but got [%s]\n- [request body.packages.%d.1]: expected a plain object value, but found [%s] instead.", i, fleetKind(e), i, fleetKind(e)))
		}
	}
	if b.failed() {
		return
	}
	st := &c.space.fleet
	items := []any{}
	for _, w := range wants {
		d := fleetPackageDef(st, w.name)
		if d == nil {
			items = append(items, map[string]any{"name": w.name, "statusCode": 404, "error": fmt.Sprintf("[%s] package not found in registry", w.name)})
			continue
		}
		version := w.version
		if version == "" {
			version = d.latest(flags["prerelease"])
		}
		if !d.hasVersion(version) {
			items = append(items, map[string]any{"name": w.name, "statusCode": 404, "error": fmt.Sprintf("%s@%s not found", w.name, version)})
			continue
		}
		prev := st.installs[d.name]
		installType := "install"
		prevVersion := ""
		if prev != nil {
			prevVersion = prev.version
			switch cmp := fleetVersionCompare(version, prev.version); {
			case cmp > 0:
				installType = "update"
			case cmp == 0:
				installType = "reinstall"
			default:
				installType = "rollback"
			}
		}
		if prev != nil && prevVersion == version && (force == nil || !*force) {
			items = append(items, map[string]any{"name": d.name, "version": version, "result": map[string]any{
				"assets": assetDocs(prev.kibana, prev.es), "status": "already_installed", "installType": "unknown", "installSource": prev.source, "error": "",
			}})
			continue
		}
		inst, status, msg := k.installVersion(st, d, version, force != nil && *force)
		if inst == nil {
			items = append(items, map[string]any{"name": d.name, "statusCode": status, "error": msg})
			continue
		}
		items = append(items, map[string]any{"name": d.name, "version": version, "result": map[string]any{
			"assets": assetDocs(inst.kibana, inst.es), "status": "installed", "installType": installType, "installSource": inst.source, "error": "",
		}})
	}
	c.ok(map[string]any{"items": items})
}

// packageRow is a package as the package list shows it.
func (k *Kibana) packageRow(st *fleetState, d *fleetPkgDef, prerelease, withStatus, withCount bool) map[string]any {
	version := d.latest(prerelease)
	row := map[string]any{
		"id": d.name, "name": d.name, "title": d.title, "version": version, "description": d.description,
		"type": d.typeName(), "release": d.releaseOf(version), "categories": fleetStrings(d.categories),
		"icons": d.icons(version), "path": "/package/" + d.name + "/" + version, "download": "/epr/" + d.name + "/" + d.name + "-" + version + ".zip",
		"format_version": "3.0.0", "owner": map[string]any{"github": d.owner, "type": "elastic"},
		"conditions":    map[string]any{"kibana": map[string]any{"version": "^8.13.0 || ^9.0.0"}},
		"latestVersion": version,
	}
	if withStatus {
		row["status"] = st.status(d.name)
		if inst := st.installs[d.name]; inst != nil {
			row["installationInfo"] = inst.doc()
		}
	}
	if withCount {
		n := 0
		for _, pp := range st.pkgPolicies.all() {
			if pp.pkgName == d.name {
				n++
			}
		}
		row["packagePoliciesCount"] = n
	}
	return row
}

// allPackages are the registry's packages and the space's own, by name.
func (st *fleetState) allPackages() []*fleetPkgDef {
	all := slices.Clone(fleetCatalogue)
	for _, d := range st.custom {
		if !slices.ContainsFunc(all, func(o *fleetPkgDef) bool { return o.name == d.name }) {
			all = append(all, d)
		}
	}
	slices.SortFunc(all, func(a, b *fleetPkgDef) int { return strings.Compare(a.name, b.name) })
	return all
}

func (k *Kibana) findPackages(c *call) {
	flags, ok := fleetQueryBools(c, "prerelease", "excludeInstallStatus", "withPackagePoliciesCount")
	if !ok {
		return
	}
	st := &c.space.fleet
	category := c.query("category")
	items := []any{}
	for _, d := range st.allPackages() {
		if category != "" && !slices.Contains(d.categories, category) {
			continue
		}
		items = append(items, k.packageRow(st, d, flags["prerelease"], !flags["excludeInstallStatus"], flags["withPackagePoliciesCount"]))
	}
	c.ok(map[string]any{"items": items})
}

// installedPackages lists installed packages by name, a page at a time;
// searchAfter is the last name of the previous page.
func (k *Kibana) installedPackages(c *call) {
	flags, ok := fleetQueryBools(c, "showOnlyActiveDataStreams")
	if !ok {
		return
	}
	perPage, ok := c.queryInt("perPage", 15, 1, 10000)
	if !ok {
		return
	}
	order, ok := fleetSortOrder(c, "asc")
	if !ok {
		return
	}
	dsType := c.query("dataStreamType")
	if dsType != "" && !slices.Contains([]string{"logs", "metrics", "traces", "synthetics", "profiling"}, dsType) {
		c.badRequest(fmt.Sprintf("[request query.dataStreamType]: types that failed validation: expected one of [logs, metrics, traces, synthetics, profiling] but got [%s]", dsType))
		return
	}
	after := c.queryAll("searchAfter")
	if raw := c.query("searchAfter"); raw != "" && strings.HasPrefix(raw, "[") && len(after) == 1 && after[0] == raw {
		c.badRequest("[request query.searchAfter]: could not parse array value from json input")
		return
	}
	st := &c.space.fleet
	active := map[string]bool{}
	if flags["showOnlyActiveDataStreams"] {
		for _, ds := range k.dataStreams(st) {
			active[ds.typ+"-"+ds.dataset] = true
		}
	}
	nameQuery := strings.ToLower(c.query("nameQuery"))
	var names []string
	for name := range st.installs {
		if nameQuery == "" || strings.Contains(strings.ToLower(name), nameQuery) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if order == "desc" {
		slices.Reverse(names)
	}
	var rows []map[string]any
	for _, name := range names {
		inst := st.installs[name]
		d := fleetPackageDef(st, name)
		if d == nil {
			continue
		}
		streams := []any{}
		for _, ds := range d.dataStreams {
			if dsType != "" && ds.typ != dsType {
				continue
			}
			if flags["showOnlyActiveDataStreams"] && !active[ds.typ+"-"+ds.dataset] {
				continue
			}
			streams = append(streams, map[string]any{"name": ds.typ + "-" + ds.dataset + "-*", "title": ds.title})
		}
		if (dsType != "" || flags["showOnlyActiveDataStreams"]) && len(streams) == 0 {
			continue
		}
		rows = append(rows, map[string]any{"name": name, "version": inst.version, "status": "installed", "title": d.title, "description": d.description, "icons": d.icons(inst.version), "dataStreams": streams})
	}
	total := len(rows)
	if len(after) > 0 {
		last := after[0]
		rows = slices.DeleteFunc(rows, func(r map[string]any) bool {
			cmp := strings.Compare(r["name"].(string), last)
			return (order == "asc" && cmp <= 0) || (order == "desc" && cmp >= 0)
		})
	}
	page := rows[:min(perPage, len(rows))]
	items := make([]any, 0, len(page))
	for _, r := range page {
		items = append(items, r)
	}
	out := map[string]any{"items": items, "total": total}
	if len(page) > 0 && len(page) < len(rows) {
		out["searchAfter"] = []any{page[len(page)-1]["name"]}
	}
	c.ok(out)
}

func (k *Kibana) packageStats(c *call) {
	name := c.param("pkgName")
	st := &c.space.fleet
	var pps int
	var policies []string
	for _, pp := range st.pkgPolicies.all() {
		if pp.pkgName != name {
			continue
		}
		pps++
		for _, id := range pp.policyIDs {
			if !slices.Contains(policies, id) {
				policies = append(policies, id)
			}
		}
	}
	c.ok(map[string]any{"response": map[string]any{"agent_policy_count": len(policies), "package_policy_count": pps}})
}

func (k *Kibana) packageVerificationKey(c *call) {
	c.ok(map[string]any{"id": fleetVerificationKeyID})
}

func (k *Kibana) authorizePackageTransforms(c *call) {
	if _, ok := fleetQueryBools(c, "prerelease"); !ok {
		return
	}
	b, ok := fleetBodyOf(c, false, []string{"transforms"})
	if !ok {
		return
	}
	raw, isArr := b.m["transforms"].([]any)
	if !isArr {
		b.typeError("transforms", "array", b.m["transforms"], b.has("transforms"))
	}
	var ids []string
	for i, e := range raw {
		t, _ := e.(map[string]any)
		id, _ := t["transformId"].(string)
		if id == "" {
			b.typeError(fmt.Sprintf("transforms.%d.transformId", i), "string", t["transformId"], t != nil && t["transformId"] != nil)
		}
		ids = append(ids, id)
	}
	if b.failed() {
		return
	}
	name := c.param("pkgName")
	st := &c.space.fleet
	if st.installs[name] == nil {
		c.notFound(fmt.Sprintf("Package %s is not installed", name))
		return
	}
	d := fleetPackageDef(st, name)
	out := []any{}
	for _, id := range ids {
		known := d != nil && slices.ContainsFunc(d.transforms, func(prefix string) bool { return strings.HasPrefix(id, prefix) })
		res := map[string]any{"transformId": id, "success": known, "error": nil}
		if !known {
			res["error"] = map[string]any{"message": fmt.Sprintf("Transform %s not found in package %s", id, name)}
		}
		out = append(out, res)
	}
	c.ok(out)
}

// packageFile serves one file of a package version.
func (k *Kibana) packageFile(c *call) {
	d, version := lookupPackage(c)
	if d == nil {
		return
	}
	var parts []string
	for i := range fleetMaxFileDepth {
		if p, ok := c.params[fmt.Sprintf("filePath%d", i)]; ok {
			parts = append(parts, p)
		}
	}
	p := strings.Join(parts, "/")
	data, contentType, ok := d.file(version, p)
	if !ok {
		c.notFound(fmt.Sprintf("File %s not found in package %s-%s", p, d.name, version))
		return
	}
	c.answered = true
	c.w.Header().Set("Content-Type", contentType)
	c.w.Header().Set("Cache-Control", "max-age=600")
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(data)
}

// createCustomIntegration installs a custom package with the datasets.
func (k *Kibana) createCustomIntegration(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"integrationName", "datasets", "force"})
	if !ok {
		return
	}
	name := b.str("integrationName", true)
	force := b.boolean("force")
	raw, isArr := b.m["datasets"].([]any)
	if !isArr {
		b.typeError("datasets", "array", b.m["datasets"], b.has("datasets"))
	}
	var streams []fleetDSDef
	for i, e := range raw {
		ds, _ := e.(map[string]any)
		dsName, _ := ds["name"].(string)
		typ, _ := ds["type"].(string)
		at := fmt.Sprintf("datasets.%d", i)
		switch {
		case ds == nil:
			b.typeError(at, "Object", e, true)
		case dsName == "":
			b.typeError(at+".name", "string", ds["name"], ds["name"] != nil)
		case !slices.Contains([]string{"logs", "metrics", "traces", "synthetics", "profiling"}, typ):
			b.fail(at+".type", fmt.Sprintf("types that failed validation: expected one of [logs, metrics, traces, synthetics, profiling] but got [%v]", ds["type"]))
		}
		streams = append(streams, fleetDSDef{typ: typ, dataset: dsName, title: dsName})
	}
	if b.failed() {
		return
	}
	st := &c.space.fleet
	pkg := strings.ToLower(notPackageChars().ReplaceAllString(strings.TrimSpace(name), "_"))
	for _, d := range fleetCatalogue {
		if d.name == pkg {
			c.conflict(fmt.Sprintf("Failed to create the integration as an integration with the name %s already exists in the package registry or as a bundled package.", pkg))
			return
		}
	}
	version := "1.0.0"
	if old := st.custom[pkg]; old != nil {
		if force == nil || !*force {
			c.conflict(fmt.Sprintf("Failed to create the integration as an installation with the name %s already exists.", pkg))
			return
		}
		version = bumpPatch(old.versions[len(old.versions)-1])
	}
	d := &fleetPkgDef{name: pkg, title: name, description: "Collect logs for the datasets: " + datasetNames(streams), versions: []string{version},
		categories: []string{"custom"}, owner: "elastic/custom", pkgType: "integration", source: "custom", dataStreams: streams}
	var datasets []string
	for _, s := range streams {
		datasets = append(datasets, s.dataset)
	}
	d.templates = []fleetTemplateDef{{name: pkg, title: name, description: "Collect logs from custom files", inputs: []fleetInputDef{{typ: "logfile", title: "Collect logs from files", description: "Collecting custom log files", streams: datasets}}}}
	d.files = map[string][]byte{"manifest.yml": []byte(d.manifest(version))}
	if st.custom == nil {
		st.custom = map[string]*fleetPkgDef{}
	}
	st.custom[pkg] = d
	inst := k.install(st, d, version, "custom")
	c.ok(installResult(inst))
}

func datasetNames(streams []fleetDSDef) string {
	var names []string
	for _, s := range streams {
		names = append(names, s.dataset)
	}
	return strings.Join(names, ", ")
}

func bumpPatch(v string) string {
	var a, b, p int
	fmt.Sscanf(v, "%d.%d.%d", &a, &b, &p)
	return fmt.Sprintf("%d.%d.%d", a, b, p+1)
}

// uploadPackage installs a package from a zip or gzipped tar archive given
// as the raw body.
func (k *Kibana) uploadPackage(c *call) {
	if _, ok := fleetQueryBools(c, "ignoreMappingUpdateErrors", "skipDataStreamRollover"); !ok {
		return
	}
	mt, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if mt != "application/zip" && mt != "application/gzip" {
		c.json(http.StatusUnsupportedMediaType, map[string]any{"statusCode": 415, "error": "Unsupported Media Type",
			"message": fmt.Sprintf("Unsupported Content-Type %q: upload a package as application/zip or application/gzip", c.r.Header.Get("Content-Type"))})
		return
	}
	if len(c.rawBody) == 0 {
		c.badRequest("[request body]: expected a package archive but the body is empty")
		return
	}
	files, err := readArchive(mt, c.rawBody)
	if err != nil {
		c.badRequest("Error during extraction of package: " + err.Error())
		return
	}
	d, err := packageFromFiles(files)
	if err != nil {
		c.badRequest(err.Error())
		return
	}
	st := &c.space.fleet
	if inst := st.installs[d.name]; inst != nil && inst.version == d.versions[0] && inst.source != "upload" {
		c.conflict(fmt.Sprintf("%s-%s is already installed from the %s", d.name, inst.version, inst.source))
		return
	}
	if st.custom == nil {
		st.custom = map[string]*fleetPkgDef{}
	}
	st.custom[d.name] = d
	inst := k.install(st, d, d.versions[0], "upload")
	c.ok(installResult(inst))
}

// readArchive lists an archive's files by path, without the top folder
// (<name>-<version>/) packages are built with.
func readArchive(mt string, data []byte) (map[string][]byte, error) {
	files := map[string][]byte{}
	add := func(name string, r io.Reader) error {
		b, err := io.ReadAll(io.LimitReader(r, maxBody))
		if err != nil {
			return err
		}
		files[name] = b
		return nil
	}
	if mt == "application/zip" {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, err
		}
		for _, f := range zr.File {
			if f.FileInfo().IsDir() {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			err = add(f.Name, rc)
			rc.Close()
			if err != nil {
				return nil, err
			}
		}
	} else {
		gz, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, err
			}
			if h.Typeflag == tar.TypeReg {
				if err := add(h.Name, tr); err != nil {
					return nil, err
				}
			}
		}
	}
	// Drop the common top folder.
	top := ""
	for name := range files {
		dir, _, found := strings.Cut(name, "/")
		if !found {
			top = ""
			break
		}
		if top == "" {
			top = dir
		} else if top != dir {
			top = ""
			break
		}
	}
	if top != "" {
		trimmed := map[string][]byte{}
		for name, b := range files {
			trimmed[strings.TrimPrefix(name, top+"/")] = b
		}
		files = trimmed
	}
	return files, nil
}

// yamlField reads a top-level scalar of a manifest.
func yamlField(doc, key string) string {
	for _, line := range strings.Split(doc, "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"'`)
		}
	}
	return ""
}

var (
	packageNamePattern = lazyRegexp(`^[a-z0-9_]+$`)
	notPackageChars    = lazyRegexp(`[^a-zA-Z0-9_]+`)
)

// packageFromFiles reads an uploaded package's manifest and data streams.
func packageFromFiles(files map[string][]byte) (*fleetPkgDef, error) {
	manifest, ok := files["manifest.yml"]
	if !ok {
		return nil, errors.New("Package must contain a top-level manifest.yml file")
	}
	m := string(manifest)
	name, version := yamlField(m, "name"), yamlField(m, "version")
	switch {
	case name == "" || version == "":
		return nil, errors.New("Invalid top-level package manifest: one or more fields missing of name, version")
	case !packageNamePattern().MatchString(name):
		return nil, fmt.Errorf("Invalid top-level package manifest: name %q must be lowercase letters, digits and underscores", name)
	}
	title := yamlField(m, "title")
	if title == "" {
		title = name
	}
	d := &fleetPkgDef{name: name, title: title, description: yamlField(m, "description"), versions: []string{version},
		owner: "community", pkgType: yamlField(m, "type"), source: "upload", files: files, categories: []string{"custom"}}
	var datasets []string
	for path, b := range files {
		rest, ok := strings.CutPrefix(path, "data_stream/")
		if !ok {
			continue
		}
		dir, file, _ := strings.Cut(rest, "/")
		if file != "manifest.yml" {
			continue
		}
		typ := yamlField(string(b), "type")
		if typ == "" {
			typ = "logs"
		}
		dataset := yamlField(string(b), "dataset")
		if dataset == "" {
			dataset = name + "." + dir
		}
		dsTitle := yamlField(string(b), "title")
		if dsTitle == "" {
			dsTitle = dataset
		}
		d.dataStreams = append(d.dataStreams, fleetDSDef{typ: typ, dataset: dataset, title: dsTitle})
		datasets = append(datasets, dataset)
	}
	slices.SortFunc(d.dataStreams, func(a, b fleetDSDef) int { return strings.Compare(a.dataset, b.dataset) })
	slices.Sort(datasets)
	if len(datasets) > 0 {
		d.templates = []fleetTemplateDef{{name: name, title: title, description: d.description, inputs: []fleetInputDef{{typ: "logfile", title: "Collect logs", description: "Collecting logs", streams: datasets}}}}
	}
	return d, nil
}

// fleetDS is a data stream that exists in a space.
type fleetDS struct {
	typ, dataset, namespace string
	pkg, pkgVersion         string
	lastActivity            int64 // ms since the epoch
	size                    int64
	dashboards              [][2]string
}

func (ds *fleetDS) index() string { return ds.typ + "-" + ds.dataset + "-" + ds.namespace }

// dataStreams are the data streams of the space: one per enabled stream of
// each package policy whose agent policy has agents that send data.
func (k *Kibana) dataStreams(st *fleetState) []*fleetDS {
	var out []*fleetDS
	seen := map[string]bool{}
	now := k.cfg.Now().UTC()
	for _, pp := range st.pkgPolicies.all() {
		if !pp.enabled {
			continue
		}
		var latest int64
		sending := false
		for _, pid := range pp.policyIDs {
			p := st.policies.get(pid)
			if p == nil {
				continue
			}
			for _, a := range st.agents.all() {
				if a.policyID == pid && a.active {
					sending = true
					if ms := k.agentCheckin(a).UnixMilli(); ms > latest {
						latest = ms
					}
				}
			}
		}
		if !sending {
			continue
		}
		d := fleetPackageDef(st, pp.pkgName)
		for _, pid := range pp.policyIDs {
			p := st.policies.get(pid)
			if p == nil {
				continue
			}
			ns := pp.namespaceOr(p.namespace)
			var datasets []fleetDSDef
			for _, in := range pp.inputs {
				if !in.enabled {
					continue
				}
				for _, s := range in.streams {
					if s.enabled {
						datasets = append(datasets, fleetDSDef{typ: s.typ, dataset: s.dataset})
					}
				}
			}
			if pp.pkgName == "endpoint" && d != nil {
				datasets = append(datasets, d.dataStreams...)
			}
			for _, s := range datasets {
				ds := &fleetDS{typ: s.typ, dataset: s.dataset, namespace: ns, pkg: pp.pkgName, pkgVersion: pp.pkgVersion, lastActivity: latest}
				if seen[ds.index()] {
					continue
				}
				seen[ds.index()] = true
				h := 0
				for _, ch := range ds.index() {
					h = h*31 + int(ch)
				}
				ds.size = int64(h%900+100) * 1 << 20
				if d != nil {
					ds.dashboards = d.dashboards
				}
				out = append(out, ds)
			}
		}
	}
	// The agents report their own logs and metrics.
	if len(out) > 0 {
		if inst := st.installs["elastic_agent"]; inst != nil {
			for _, ds := range fleetPackageDef(st, "elastic_agent").dataStreams {
				x := &fleetDS{typ: ds.typ, dataset: ds.dataset, namespace: "default", pkg: "elastic_agent", pkgVersion: inst.version, lastActivity: now.UnixMilli() - 30000, size: 512 << 20}
				if !seen[x.index()] {
					seen[x.index()] = true
					out = append(out, x)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b *fleetDS) int { return strings.Compare(a.index(), b.index()) })
	return out
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1fgb", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1fmb", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1fkb", float64(n)/(1<<10))
}

func (k *Kibana) fleetDataStreams(c *call) {
	list := []any{}
	for _, ds := range k.dataStreams(&c.space.fleet) {
		dashboards := []any{}
		for _, db := range ds.dashboards {
			dashboards = append(dashboards, map[string]any{"id": db[0], "title": db[1]})
		}
		list = append(list, map[string]any{
			"index": ds.index(), "dataset": ds.dataset, "namespace": ds.namespace, "type": ds.typ,
			"package": ds.pkg, "package_version": ds.pkgVersion, "last_activity_ms": ds.lastActivity,
			"size_in_bytes": ds.size, "size_in_bytes_formatted": formatBytes(ds.size), "dashboards": dashboards,
			"serviceDetails": nil,
		})
	}
	c.ok(map[string]any{"data_streams": list})
}

// epmDataStreams lists data stream names, managed ones and those no
// package manages.
func (k *Kibana) epmDataStreams(c *call) {
	flags, ok := fleetQueryBools(c, "uncategorisedOnly")
	if !ok {
		return
	}
	order, ok := fleetSortOrder(c, "asc")
	if !ok {
		return
	}
	typ := c.query("type")
	if typ != "" && !slices.Contains([]string{"logs", "metrics", "traces", "synthetics", "profiling"}, typ) {
		c.badRequest(fmt.Sprintf("[request query.type]: types that failed validation: expected one of [logs, metrics, traces, synthetics, profiling] but got [%s]", typ))
		return
	}
	query := strings.ToLower(c.query("datasetQuery"))
	st := &c.space.fleet
	var names []string
	consider := func(t, dataset, name string) {
		if (typ == "" || t == typ) && (query == "" || strings.Contains(strings.ToLower(dataset), query)) && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if !flags["uncategorisedOnly"] {
		for _, ds := range k.dataStreams(st) {
			consider(ds.typ, ds.dataset, ds.index())
		}
	}
	for _, name := range st.uncategorised {
		parts := strings.SplitN(name, "-", 3)
		if len(parts) == 3 {
			consider(parts[0], parts[1], name)
		}
	}
	slices.Sort(names)
	if order == "desc" {
		slices.Reverse(names)
	}
	items := []any{}
	for _, n := range names {
		items = append(items, map[string]any{"name": n})
	}
	c.ok(map[string]any{"items": items})
}
