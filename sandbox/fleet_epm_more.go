package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The rest of the package manager: bulk upgrade, uninstall and rollback
// run as tasks whose status reads give each package's outcome (the sandbox
// does the work at once, so a task is finished when first read), single
// rollback and settings, a package's Kibana, rule and data stream assets,
// custom integration READMEs, categories, limited packages, asset titles
// and input templates. All of it works on the space's installs
// (fleetState.installs) and the registry (fleet_registry.go).

// fleetEPMState is the space's bulk package tasks, seeded on first use.
type fleetEPMState struct {
	seeded bool
	tasks  map[string]*epmTask // by task id
}

// epmTask is a finished bulk package task.
type epmTask struct {
	kind    string // upgrade, uninstall, rollback
	results []any  // {name, success, error?}
}

// The story's past tasks, one of each kind (their ids are the status
// tools' example ids): system was upgraded from 1.58.0, apache was
// uninstalled, and rolling back aws failed as it had never been upgraded.
const (
	seedUpgradeTaskID   = "3f6c2a10-8b1e-4d7a-9c55-0e2b7d4f1a01"
	seedUninstallTaskID = "3f6c2a10-8b1e-4d7a-9c55-0e2b7d4f1a02"
	seedRollbackTaskID  = "3f6c2a10-8b1e-4d7a-9c55-0e2b7d4f1a03"
)

func (c *call) epmTasks() map[string]*epmTask {
	st := &c.space.fleet.epm
	if !st.seeded {
		st.seeded = true
		st.tasks = map[string]*epmTask{
			seedUpgradeTaskID:   {kind: "upgrade", results: []any{epmResult("system", "")}},
			seedUninstallTaskID: {kind: "uninstall", results: []any{epmResult("apache", "")}},
			seedRollbackTaskID:  {kind: "rollback", results: []any{epmResult("aws", "No previous version found for package aws")}},
		}
	}
	return st.tasks
}

func epmResult(name, failure string) map[string]any {
	if failure == "" {
		return map[string]any{"name": name, "success": true}
	}
	return map[string]any{"name": name, "success": false, "error": map[string]any{"message": failure}}
}

func (k *Kibana) fleetEPMMoreRoutes() []route {
	// These come before fleetRoutes: _bulk_*/{taskId} and
	// {pkgName}/rollback would otherwise match {pkgName}/{pkgVersion}.
	return []route{
		newRoute(http.MethodPost, "/api/fleet/epm/bulk_assets", k.bulkGetPackageAssets),
		newRoute(http.MethodGet, "/api/fleet/epm/categories", k.packageCategories),
		newRoute(http.MethodPut, "/api/fleet/epm/custom_integrations/{pkgName}", k.updateCustomIntegration),
		newRoute(http.MethodPost, "/api/fleet/epm/packages/_bulk_upgrade", k.bulkUpgradePackages),
		newRoute(http.MethodGet, "/api/fleet/epm/packages/_bulk_upgrade/{taskId}", k.epmTaskStatus("upgrade")),
		newRoute(http.MethodPost, "/api/fleet/epm/packages/_bulk_uninstall", k.bulkUninstallPackages),
		newRoute(http.MethodGet, "/api/fleet/epm/packages/_bulk_uninstall/{taskId}", k.epmTaskStatus("uninstall")),
		newRoute(http.MethodPost, "/api/fleet/epm/packages/_bulk_rollback", k.bulkRollbackPackages),
		newRoute(http.MethodGet, "/api/fleet/epm/packages/_bulk_rollback/{taskId}", k.epmTaskStatus("rollback")),
		newRoute(http.MethodGet, "/api/fleet/epm/packages/limited", k.limitedPackages),
		newRoute(http.MethodPost, "/api/fleet/epm/packages/{pkgName}/rollback", k.rollbackPackage),
		newRoute(http.MethodPut, "/api/fleet/epm/packages/{pkgName}/{pkgVersion}", k.updatePackageSettings),
		newRoute(http.MethodDelete, "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/datastream_assets", k.deleteDatastreamAssets),
		newRoute(http.MethodPost, "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/kibana_assets", k.installKibanaAssets),
		newRoute(http.MethodDelete, "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/kibana_assets", k.deleteKibanaAssets),
		newRoute(http.MethodPost, "/api/fleet/epm/packages/{pkgName}/{pkgVersion}/rule_assets", k.installRuleAssets),
		newRoute(http.MethodGet, "/api/fleet/epm/templates/{pkgName}/{pkgVersion}/inputs", k.inputsTemplate),
	}
}

// fleetSinglePolicyPackages are the packages whose policy templates allow
// one package policy per agent policy (multiple: false in their manifest).
var fleetSinglePolicyPackages = []string{"endpoint", "fleet_server"}

func (d *fleetPkgDef) limited() bool { return slices.Contains(fleetSinglePolicyPackages, d.name) }

// limitedPackages lists the installed packages an agent policy may hold
// once.
func (k *Kibana) limitedPackages(c *call) {
	st := &c.space.fleet
	items := []string{}
	for name := range st.installs {
		if d := fleetPackageDef(st, name); d != nil && d.limited() {
			items = append(items, name)
		}
	}
	slices.Sort(items)
	c.ok(map[string]any{"items": items})
}

// epmCategoryTitles are the registry's category titles and parents.
var epmCategoryTitles = map[string][2]string{
	"security": {"Security"}, "edr_xdr": {"EDR/XDR", "security"}, "observability": {"Observability"},
	"os_system": {"Operating System"}, "web": {"Web Server"}, "elastic_stack": {"Elastic Stack"},
	"network": {"Network"}, "cloud": {"Cloud"}, "aws": {"AWS", "cloud"}, "custom": {"Custom"},
}

func (k *Kibana) packageCategories(c *call) {
	flags, ok := fleetQueryBools(c, "prerelease", "include_policy_templates")
	if !ok {
		return
	}
	counts := map[string]int{}
	for _, d := range c.space.fleet.allPackages() {
		// Without prerelease, a package released only as a prerelease
		// is not offered, so it does not count.
		if !flags["prerelease"] && strings.Contains(d.latest(false), "-") {
			continue
		}
		n := 1
		if flags["include_policy_templates"] && len(d.templates) > 1 {
			n = len(d.templates)
		}
		for _, cat := range d.categories {
			counts[cat] += n
		}
	}
	ids := make([]string, 0, len(counts))
	for id := range counts {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	items := []any{}
	for _, id := range ids {
		title := epmCategoryTitles[id]
		if title[0] == "" {
			title[0] = strings.ToUpper(id[:1]) + strings.ReplaceAll(id[1:], "_", " ")
		}
		item := map[string]any{"id": id, "title": title[0], "count": counts[id]}
		if parent := title[1]; parent != "" {
			item["parent_id"], item["parent_title"] = parent, epmCategoryTitles[parent][0]
		}
		items = append(items, item)
	}
	c.ok(map[string]any{"items": items})
}

// bulkGetPackageAssets answers the installed Kibana assets asked for, with
// the titles the package gave them.
func (k *Kibana) bulkGetPackageAssets(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"assetIds"})
	if !ok {
		return
	}
	refs := epmObjectList(b, "assetIds", 0, "id", "type")
	if b.failed() {
		return
	}
	st := &c.space.fleet
	items := []any{}
	for _, ref := range refs {
		for name, inst := range st.installs {
			if !slices.Contains(inst.kibana, fleetAsset{ref["id"], ref["type"]}) {
				continue
			}
			d := fleetPackageDef(st, name)
			title, link := ref["id"], ""
			switch ref["type"] {
			case "dashboard":
				link = "/app/dashboards#/view/" + ref["id"]
				for _, db := range d.dashboards {
					if db[0] == ref["id"] {
						title = db[1]
					}
				}
			case "tag":
				title = d.title
				if ref["id"] == "fleet-managed-default" {
					title = "Managed"
				}
			}
			item := map[string]any{"id": ref["id"], "type": ref["type"], "updatedAt": inst.updatedAt,
				"attributes": map[string]any{"title": title, "description": "Installed by the " + d.title + " integration", "service": "kibana"}}
			if link != "" {
				item["appLink"] = link
			}
			items = append(items, item)
			break
		}
	}
	c.ok(map[string]any{"items": items})
}

// epmObjectList reads an array of objects whose members are all required
// strings; minItems is Kibana's lower bound (0 for none).
func epmObjectList(b *fleetBody, field string, minItems int, members ...string) []map[string]string {
	raw, isArr := b.m[field].([]any)
	if !isArr {
		b.typeError(field, "array", b.m[field], b.has(field))
		return nil
	}
	if len(raw) < minItems {
		b.fail(field, fmt.Sprintf("array size is [%d], but cannot be smaller than [%d]", len(raw), minItems))
	}
	var out []map[string]string
	for i, e := range raw {
		obj, isObj := e.(map[string]any)
		if !isObj {
			b.typeError(fmt.Sprintf("%s.%d", field, i), "Object", e, true)
			continue
		}
		row := map[string]string{}
		for key, v := range obj {
			s, isStr := v.(string)
			switch {
			case !slices.Contains(members, key):
				b.fail(fmt.Sprintf("%s.%d.%s", field, i, key), "definition for this key is missing")
			case !isStr:
				b.typeError(fmt.Sprintf("%s.%d.%s", field, i, key), "string", v, true)
			default:
				row[key] = s
			}
		}
		out = append(out, row)
	}
	return out
}

// epmStrings reads an optional array of strings; nil when absent.
func epmStrings(b *fleetBody, field string, minItems int) []string {
	raw, given := b.m[field]
	if !given || raw == nil {
		return nil
	}
	list, isArr := raw.([]any)
	if !isArr {
		b.typeError(field, "array", raw, true)
	} else if len(list) < minItems {
		b.fail(field, fmt.Sprintf("array size is [%d], but cannot be smaller than [%d]", len(list), minItems))
	}
	out := []string{}
	for i, e := range list {
		s, isStr := e.(string)
		if !isStr {
			b.typeError(fmt.Sprintf("%s.%d", field, i), "string", e, true)
		}
		out = append(out, s)
	}
	return out
}

// epmBulkPackages reads the packages of a bulk request; required are the
// members each entry must have.
func epmBulkPackages(b *fleetBody, required ...string) []map[string]string {
	list := epmObjectList(b, "packages", 1, "name", "version")
	for i, p := range list {
		for _, name := range required {
			if _, ok := p[name]; !ok {
				b.typeError(fmt.Sprintf("packages.%d.%s", i, name), "string", nil, false)
			}
		}
	}
	return list
}

// startTask records a finished task and answers its id.
func (k *Kibana) startTask(c *call, kind string, results []any) {
	id := k.newID()
	c.epmTasks()[id] = &epmTask{kind: kind, results: results}
	c.ok(map[string]any{"taskId": id})
}

// epmTaskStatus reads a task of one kind; another kind's id is unknown
// there, as Kibana keeps them apart.
func (k *Kibana) epmTaskStatus(kind string) func(*call) {
	return func(c *call) {
		id := c.param("taskId")
		task := c.epmTasks()[id]
		if task == nil || task.kind != kind {
			c.notFound(fmt.Sprintf("Task %s not found", id))
			return
		}
		c.ok(map[string]any{"status": "success", "results": task.results})
	}
}

func (k *Kibana) bulkUpgradePackages(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"packages", "prerelease", "force", "upgrade_package_policies"})
	if !ok {
		return
	}
	list := epmBulkPackages(b, "name")
	prerelease, force, withPolicies := b.boolean("prerelease"), b.boolean("force"), b.boolean("upgrade_package_policies")
	if b.failed() {
		return
	}
	var results []any
	for _, p := range list {
		results = append(results, epmResult(p["name"], k.upgradeInstalled(c, p["name"], p["version"], isTrue(prerelease), isTrue(force), isTrue(withPolicies))))
	}
	k.startTask(c, "upgrade", results)
}

func isTrue(b *bool) bool { return b != nil && *b }

// upgradeInstalled upgrades an installed package, and its package
// policies when asked or when the package keeps them up to date; it
// answers why it could not.
func (k *Kibana) upgradeInstalled(c *call, name, version string, prerelease, force, withPolicies bool) string {
	st := &c.space.fleet
	d, inst := fleetPackageDef(st, name), st.installs[name]
	switch {
	case d == nil:
		return fmt.Sprintf("[%s] package not found in registry", name)
	case inst == nil:
		return fmt.Sprintf("%s is not installed", name)
	}
	if version == "" {
		version = d.latest(prerelease)
	}
	if !d.hasVersion(version) {
		return fmt.Sprintf("%s@%s not found", name, version)
	}
	if fleetVersionCompare(version, inst.version) == 0 && !force {
		return "" // already there
	}
	if _, _, msg := k.installVersion(st, d, version, force); msg != "" {
		return msg
	}
	if withPolicies || (inst.keepPoliciesUpToDate != nil && *inst.keepPoliciesUpToDate) {
		k.movePolicies(c, d, version)
	}
	return ""
}

// movePolicies brings the package's policies to version.
func (k *Kibana) movePolicies(c *call, d *fleetPkgDef, version string) {
	for _, pp := range c.space.fleet.pkgPolicies.all() {
		if pp.pkgName != d.name || pp.pkgVersion == version {
			continue
		}
		next := upgraded(d, pp, version)
		next.updatedAt, next.updatedBy = k.now(), fleetUser(c)
		*pp = *next
		k.bumpPolicies(c, pp.policyIDs)
	}
}

func (k *Kibana) bulkUninstallPackages(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"packages", "force"})
	if !ok {
		return
	}
	list := epmBulkPackages(b, "name", "version")
	force := b.boolean("force")
	if b.failed() {
		return
	}
	st := &c.space.fleet
	var results []any
	for _, p := range list {
		msg := ""
		if inst := st.installs[p["name"]]; inst != nil && inst.version != p["version"] {
			msg = fmt.Sprintf("%s-%s is not installed (version %s is)", p["name"], p["version"], inst.version)
		} else {
			_, msg = removeInstall(st, p["name"], isTrue(force))
		}
		results = append(results, epmResult(p["name"], msg))
	}
	k.startTask(c, "uninstall", results)
}

// removeInstall uninstalls a package unless package policies use it
// (without force), answering why it did not.
func removeInstall(st *fleetState, name string, force bool) (*fleetInstall, string) {
	inst := st.installs[name]
	if inst == nil {
		return nil, fmt.Sprintf("%s is not installed", name)
	}
	n := 0
	for _, pp := range st.pkgPolicies.all() {
		if pp.pkgName == name {
			n++
		}
	}
	if n > 0 && !force {
		return nil, fmt.Sprintf("Unable to remove package with existing package policy(s) in use by agent(s): %d package policies use %s", n, name)
	}
	delete(st.installs, name)
	delete(st.custom, name)
	return inst, ""
}

func (k *Kibana) bulkRollbackPackages(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"packages"})
	if !ok {
		return
	}
	list := epmObjectList(b, "packages", 1, "name")
	for i, p := range list {
		if _, ok := p["name"]; !ok {
			b.typeError(fmt.Sprintf("packages.%d.name", i), "string", nil, false)
		}
	}
	if b.failed() {
		return
	}
	var results []any
	for _, p := range list {
		_, msg := k.rollback(c, p["name"])
		results = append(results, epmResult(p["name"], msg))
	}
	k.startTask(c, "rollback", results)
}

// rollback returns a package to the version before its last upgrade, with
// its package policies; only registry installs keep that version.
func (k *Kibana) rollback(c *call, name string) (string, string) {
	st := &c.space.fleet
	inst := st.installs[name]
	switch {
	case inst == nil:
		return "", fmt.Sprintf("Package %s not found", name)
	case inst.source != "registry":
		return "", fmt.Sprintf("%s was installed from %s and cannot be rolled back", name, inst.source)
	case inst.previousVersion == "":
		return "", fmt.Sprintf("No previous version found for package %s", name)
	}
	d, prev := fleetPackageDef(st, name), inst.previousVersion
	k.install(st, d, prev, inst.source)
	inst.previousVersion = "" // one step back only
	k.movePolicies(c, d, prev)
	return prev, ""
}

func (k *Kibana) rollbackPackage(c *call) {
	version, msg := k.rollback(c, c.param("pkgName"))
	if msg != "" {
		c.badRequest(msg)
		return
	}
	c.ok(map[string]any{"version": version, "success": true})
}

// installedAt finds the install of the path's package at the path's
// version, or answers why not.
func installedAt(c *call) (*fleetPkgDef, *fleetInstall) {
	d, version := lookupPackage(c)
	if d == nil {
		return nil, nil
	}
	inst := c.space.fleet.installs[d.name]
	switch {
	case inst == nil:
		c.notFound(fmt.Sprintf("%s is not installed", d.name))
		return nil, nil
	case inst.version != version:
		c.badRequest(fmt.Sprintf("%s-%s is not installed (version %s is)", d.name, version, inst.version))
		return nil, nil
	}
	return d, inst
}

func (k *Kibana) updatePackageSettings(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"keepPoliciesUpToDate"})
	if !ok {
		return
	}
	keep := b.boolean("keepPoliciesUpToDate")
	if keep == nil {
		b.typeError("keepPoliciesUpToDate", "boolean", nil, false)
	}
	if b.failed() {
		return
	}
	d, inst := installedAt(c)
	if inst == nil {
		return
	}
	inst.keepPoliciesUpToDate = keep
	inst.updatedAt = k.now()
	c.ok(map[string]any{"item": k.packageInfo(&c.space.fleet, d, inst.version)})
}

// deleteDatastreamAssets removes the Elasticsearch assets an input
// package made for a package policy's dataset, unless another policy
// still writes there.
func (k *Kibana) deleteDatastreamAssets(c *call) {
	id := c.query("packagePolicyId")
	if id == "" {
		c.badRequest("[request query.packagePolicyId]: expected value of type [string] but got [undefined]")
		return
	}
	d, inst := installedAt(c)
	if inst == nil {
		return
	}
	st := &c.space.fleet
	if d.typeName() != "input" {
		c.badRequest(fmt.Sprintf("Cannot delete data stream assets of %s: it is an %s package, not an input package", d.name, d.typeName()))
		return
	}
	pp := st.pkgPolicies.get(id)
	if pp == nil {
		c.notFound(fmt.Sprintf("Package policy %s not found", id))
		return
	}
	if pp.pkgName != d.name {
		c.badRequest(fmt.Sprintf("Package policy %s is a %s policy, not %s", id, pp.pkgName, d.name))
		return
	}
	for _, base := range ppDataStreams(pp) {
		for _, other := range st.pkgPolicies.all() {
			if other.id != pp.id && slices.Contains(ppDataStreams(other), base) {
				c.badRequest(fmt.Sprintf("Data stream %s is still used by package policy %s", base, other.id))
				return
			}
		}
		inst.es = slices.DeleteFunc(inst.es, func(a fleetAsset) bool {
			return a.id == base || strings.HasPrefix(a.id, base+"-") || strings.HasPrefix(a.id, base+"@")
		})
	}
	c.ok(map[string]any{"success": true})
}

// ppDataStreams are the type-dataset names a package policy writes to.
func ppDataStreams(pp *fleetPkgPolicy) []string {
	var out []string
	for _, in := range pp.inputs {
		for _, s := range in.streams {
			out = append(out, s.typ+"-"+s.dataset)
		}
	}
	return out
}

func (k *Kibana) installKibanaAssets(c *call) {
	b, ok := fleetBodyOf(c, true, []string{"force", "space_ids"})
	if !ok {
		return
	}
	b.boolean("force")
	spaces := epmStrings(b, "space_ids", 1)
	if b.failed() {
		return
	}
	d, inst := installedAt(c)
	if inst == nil {
		return
	}
	for _, id := range spaces {
		if c.k.spaces[id] == nil {
			c.notFound(fmt.Sprintf("Space %s not found", id))
			return
		}
	}
	if len(spaces) == 0 {
		spaces = []string{c.space.id}
	}
	for _, id := range spaces {
		if id == c.space.id {
			inst.kibana = d.kibanaAssets()
			continue
		}
		if inst.otherSpaces == nil {
			inst.otherSpaces = map[string][]fleetAsset{}
		}
		inst.otherSpaces[id] = d.kibanaAssets()
	}
	inst.updatedAt = k.now()
	c.ok(map[string]any{"success": true})
}

func (k *Kibana) deleteKibanaAssets(c *call) {
	_, inst := installedAt(c)
	if inst == nil {
		return
	}
	inst.kibana = nil
	inst.updatedAt = k.now()
	c.ok(map[string]any{"success": true})
}

// installRuleAssets: no package of the catalogue ships alerting rule
// templates, so there is nothing to create once the package checks out.
func (k *Kibana) installRuleAssets(c *call) {
	b, ok := fleetBodyOf(c, true, []string{"force"})
	if !ok {
		return
	}
	b.boolean("force")
	if b.failed() {
		return
	}
	if _, inst := installedAt(c); inst == nil {
		return
	}
	c.ok(map[string]any{"success": true})
}

// updateCustomIntegration replaces a custom integration's README and
// categories and installs it again as the next patch version.
func (k *Kibana) updateCustomIntegration(c *call) {
	b, ok := fleetBodyOf(c, false, []string{"readMeData", "categories"})
	if !ok {
		return
	}
	readme := b.str("readMeData", false)
	if !b.has("readMeData") {
		b.typeError("readMeData", "string", nil, false)
	}
	categories := epmStrings(b, "categories", 0)
	if b.failed() {
		return
	}
	name := c.param("pkgName")
	st := &c.space.fleet
	d := st.custom[name]
	switch {
	case d == nil && fleetPackageDef(st, name) != nil:
		c.badRequest(fmt.Sprintf("%s is not a custom integration", name))
		return
	case d == nil:
		c.notFound(fmt.Sprintf("Custom integration %s not found", name))
		return
	case d.source != "custom":
		c.badRequest(fmt.Sprintf("%s was uploaded, not created as a custom integration", name))
		return
	}
	version := bumpPatch(d.versions[len(d.versions)-1])
	d.versions = append(d.versions, version)
	if categories != nil {
		d.categories = categories
	}
	d.files["manifest.yml"] = []byte(d.manifest(version))
	d.files["docs/README.md"] = []byte(readme)
	k.install(st, d, version, "custom")
	c.ok(map[string]any{})
}

// inputsTemplate answers a package version's inputs with their streams
// and default variables, as JSON or YAML.
func (k *Kibana) inputsTemplate(c *call) {
	if _, ok := fleetQueryBools(c, "prerelease", "ignoreUnverified"); !ok {
		return
	}
	format := c.query("format")
	switch format {
	case "", "json", "yml", "yaml":
	default:
		c.badRequest(fmt.Sprintf("[request query.format]: types that failed validation:\n- [request query.format.0]: expected value to equal [json]\n- [request query.format.1]: expected value to equal [yml]\n- [request query.format.2]: expected value to equal [yaml] (got [%s])", format))
		return
	}
	d, _ := lookupPackage(c)
	if d == nil {
		return
	}
	type stream struct {
		id, dataset, typ string
		vars             []fleetVarDef
	}
	type input struct {
		id, typ string
		streams []stream
	}
	var inputs []input
	for _, t := range d.templates {
		for _, in := range t.inputs {
			x := input{id: t.name + "-" + in.typ, typ: in.typ}
			for _, dataset := range in.streams {
				ds := d.dataStream(dataset)
				if ds == nil {
					continue
				}
				x.streams = append(x.streams, stream{id: in.typ + "-" + dataset, dataset: dataset, typ: ds.typ, vars: append(slices.Clone(in.vars), ds.vars...)})
			}
			inputs = append(inputs, x)
		}
	}
	if format == "yml" || format == "yaml" {
		var y strings.Builder
		y.WriteString("inputs:\n")
		for _, in := range inputs {
			fmt.Fprintf(&y, "  - id: %s\n    type: %s\n", in.id, in.typ)
			if len(in.streams) == 0 {
				continue
			}
			y.WriteString("    streams:\n")
			for _, s := range in.streams {
				fmt.Fprintf(&y, "      - id: %s\n        data_stream:\n          dataset: %s\n          type: %s\n", s.id, s.dataset, s.typ)
				for _, v := range s.vars {
					if v.def != nil {
						writeYAMLVar(&y, "        ", v.name, fleetJSONValue(v.def))
					}
				}
			}
		}
		c.answered = true
		c.w.Header().Set("Content-Type", "text/yaml; charset=utf-8")
		c.w.WriteHeader(http.StatusOK)
		c.w.Write([]byte(y.String()))
		return
	}
	out := []any{}
	for _, in := range inputs {
		streams := []any{}
		for _, s := range in.streams {
			doc := map[string]any{"id": s.id, "data_stream": map[string]any{"dataset": s.dataset, "type": s.typ}}
			for name, v := range varDefaults(s.vars) {
				doc[name] = v
			}
			streams = append(streams, doc)
		}
		out = append(out, map[string]any{"id": in.id, "type": in.typ, "streams": streams})
	}
	c.ok(map[string]any{"inputs": out})
}

// writeYAMLVar writes one variable's default: a scalar inline, a list as
// a block sequence.
func writeYAMLVar(y *strings.Builder, indent, name string, v any) {
	list, isList := v.([]any)
	if !isList {
		fmt.Fprintf(y, "%s%s: %s\n", indent, name, yamlScalar(v))
		return
	}
	fmt.Fprintf(y, "%s%s:\n", indent, name)
	for _, e := range list {
		fmt.Fprintf(y, "%s  - %s\n", indent, yamlScalar(e))
	}
}

// keepPoliciesUpToDate is the install's setting, or the package's default:
// Fleet keeps the policies of its own packages current.
func (d *fleetPkgDef) keepPoliciesUpToDate(inst *fleetInstall) bool {
	if inst != nil && inst.keepPoliciesUpToDate != nil {
		return *inst.keepPoliciesUpToDate
	}
	return d.name == "elastic_agent" || d.name == "fleet_server"
}
