package sandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kibana-mcp/kibana-mcp/sandbox/es"
)

// Package policies: an integration added to agent policies, with its
// inputs, streams and variables; list, get, create, update, delete, and
// upgrading to the installed package version (with a dry run).

// fleetPkgPolicy is one package policy.
type fleetPkgPolicy struct {
	id, name, description, namespace string
	policyIDs                        []string
	pkgName, pkgTitle, pkgVersion    string
	enabled, isManaged               bool
	inputs                           []*fleetPPInput
	vars                             map[string]any
	outputID                         string
	extraPermissions                 []string // additional_datastreams_permissions
	supportsAgentless                bool
	revision                         int
	createdAt, createdBy             string
	updatedAt, updatedBy             string
}

// fleetPPInput is an input of a package policy, known by
// <policy template>-<input type>.
type fleetPPInput struct {
	id, template, typ string
	enabled           bool
	vars              map[string]any
	streams           []*fleetPPStream
}

type fleetPPStream struct {
	dataset, typ string
	enabled      bool
	vars         map[string]any
}

func (pp *fleetPkgPolicy) namespaceOr(def string) string {
	if pp.namespace != "" {
		return pp.namespace
	}
	return def
}

func (pp *fleetPkgPolicy) input(id string) *fleetPPInput {
	for _, in := range pp.inputs {
		if in.id == id {
			return in
		}
	}
	return nil
}

func (in *fleetPPInput) stream(dataset string) *fleetPPStream {
	for _, s := range in.streams {
		if s.dataset == dataset {
			return s
		}
	}
	return nil
}

// varDefaults is the name-to-value map of variables' defaults.
func varDefaults(defs []fleetVarDef) map[string]any {
	out := map[string]any{}
	for _, v := range defs {
		if v.def != nil {
			out[v.name] = fleetJSONValue(v.def)
		}
	}
	return out
}

// fleetJSONValue turns Go literals of the catalogue into JSON values.
func fleetJSONValue(v any) any {
	switch x := v.(type) {
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []int:
		out := make([]any, len(x))
		for i, n := range x {
			out[i] = n
		}
		return out
	}
	return v
}

// newPkgPolicy is a package policy with the package's defaults: every
// input and stream enabled, variables at their defaults.
func newPkgPolicy(d *fleetPkgDef, version string) *fleetPkgPolicy {
	pp := &fleetPkgPolicy{pkgName: d.name, pkgTitle: d.title, pkgVersion: version, enabled: true, vars: varDefaults(d.vars), revision: 1}
	for _, t := range d.templates {
		for _, in := range t.inputs {
			input := &fleetPPInput{id: t.name + "-" + in.typ, template: t.name, typ: in.typ, enabled: true, vars: varDefaults(in.vars)}
			for _, dataset := range in.streams {
				ds := d.dataStream(dataset)
				if ds == nil {
					continue
				}
				input.streams = append(input.streams, &fleetPPStream{dataset: dataset, typ: ds.typ, enabled: true, vars: varDefaults(ds.vars)})
			}
			pp.inputs = append(pp.inputs, input)
		}
	}
	return pp
}

// nextPackagePolicyName is <package>-<n>, one past the highest in use.
func nextPackagePolicyName(st *fleetState, pkg string) string {
	n := 0
	for _, pp := range st.pkgPolicies.all() {
		if rest, ok := strings.CutPrefix(pp.name, pkg+"-"); ok {
			if i, err := strconv.Atoi(rest); err == nil && i > n {
				n = i
			}
		}
	}
	return fmt.Sprintf("%s-%d", pkg, n+1)
}

// pkgPolicyDoc is the package policy in Kibana's simplified format.
func (k *Kibana) pkgPolicyDoc(st *fleetState, pp *fleetPkgPolicy, withAgentCount bool) map[string]any {
	inputs := map[string]any{}
	for _, in := range pp.inputs {
		streams := map[string]any{}
		for _, s := range in.streams {
			streams[s.dataset] = map[string]any{"enabled": s.enabled, "vars": fleetMetaOrEmpty(s.vars)}
		}
		input := map[string]any{"enabled": in.enabled, "vars": fleetMetaOrEmpty(in.vars)}
		if len(streams) > 0 {
			input["streams"] = streams
		}
		inputs[in.id] = input
	}
	doc := map[string]any{
		"id":                 pp.id,
		"name":               pp.name,
		"description":        pp.description,
		"namespace":          pp.namespace,
		"policy_ids":         fleetStrings(pp.policyIDs),
		"package":            map[string]any{"name": pp.pkgName, "title": pp.pkgTitle, "version": pp.pkgVersion},
		"enabled":            pp.enabled,
		"inputs":             inputs,
		"vars":               fleetMetaOrEmpty(pp.vars),
		"output_id":          fleetNullable(pp.outputID),
		"is_managed":         pp.isManaged,
		"revision":           pp.revision,
		"created_at":         pp.createdAt,
		"created_by":         pp.createdBy,
		"updated_at":         pp.updatedAt,
		"updated_by":         pp.updatedBy,
		"version":            fleetB64(fmt.Sprintf("[%d,1]", pp.revision)),
		"secret_references":  []any{},
		"supports_agentless": pp.supportsAgentless,
	}
	if pp.extraPermissions != nil {
		doc["additional_datastreams_permissions"] = fleetStrings(pp.extraPermissions)
	}
	if len(pp.policyIDs) > 0 {
		doc["policy_id"] = pp.policyIDs[0]
	}
	if withAgentCount {
		n := 0
		for _, id := range pp.policyIDs {
			n += st.policyAgentCount(id)
		}
		doc["agents"] = n
	}
	return doc
}

// pkgPolicyKQL maps a kuery field on package policies, or refuses it.
var pkgPolicyKQL = kqlPrefixed("ingest-package-policies.", "ingest-package-policies saved object index patterns", func(f string) bool {
	switch f {
	case "name", "description", "namespace", "policy_id", "policy_ids", "enabled", "revision", "created_at", "created_by",
		"updated_at", "updated_by", "is_managed", "output_id", "id", "package.name", "package.version", "package.title":
		return true
	}
	return false
})

// pkgPolicyMapping types what the ingest-package-policies mapping does not
// leave to the values.
var pkgPolicyMapping = map[string]es.Kind{"description": es.Text, "created_at": es.Date, "updated_at": es.Date}

// fleetFormat checks the format query parameter.
func fleetFormat(c *call) bool {
	switch f := c.query("format"); f {
	case "", "simplified", "legacy":
		return true
	default:
		c.badRequest(fmt.Sprintf("[request query.format]: types that failed validation:\n- [request query.format.0]: expected value to equal [simplified]\n- [request query.format.1]: expected value to equal [legacy] (got [%s])", f))
		return false
	}
}

func (k *Kibana) findPackagePolicies(c *call) {
	st := &c.space.fleet
	page, perPage, ok := fleetPaging(c)
	if !ok {
		return
	}
	flags, ok := fleetQueryBools(c, "showUpgradeable", "withAgentCount")
	if !ok {
		return
	}
	order, ok := fleetSortOrder(c, "desc")
	if !ok || !fleetFormat(c) {
		return
	}
	var list []*fleetPkgPolicy
	for _, pp := range st.pkgPolicies.all() {
		if flags["showUpgradeable"] {
			inst := st.installs[pp.pkgName]
			if inst == nil || fleetVersionCompare(inst.version, pp.pkgVersion) <= 0 {
				continue
			}
		}
		list = append(list, pp)
	}
	list, ok = kqlKeep(c, ".kibana_ingest", c.query("kuery"), pkgPolicyKQL, pkgPolicyMapping, list, func(pp *fleetPkgPolicy) map[string]any { return k.pkgPolicyDoc(st, pp, false) })
	if !ok {
		return
	}
	sortField := strings.TrimPrefix(c.query("sortField"), "ingest-package-policies.")
	key := func(pp *fleetPkgPolicy) string {
		switch sortField {
		case "name", "name.keyword":
			return strings.ToLower(pp.name)
		case "created_at":
			return pp.createdAt
		case "package.name":
			return pp.pkgName
		}
		return pp.updatedAt
	}
	slices.SortStableFunc(list, func(a, b *fleetPkgPolicy) int {
		cmp := strings.Compare(key(a), key(b))
		if cmp == 0 {
			cmp = strings.Compare(a.name, b.name)
		}
		if order == "desc" {
			return -cmp
		}
		return cmp
	})
	items := []any{}
	for _, pp := range fleetPageOf(list, page, perPage) {
		items = append(items, k.pkgPolicyDoc(st, pp, flags["withAgentCount"]))
	}
	c.ok(map[string]any{"items": items, "total": len(list), "page": page, "perPage": perPage})
}

func pkgPolicyNotFound(c *call, id string) {
	c.notFound(fmt.Sprintf("Package policy %s not found", id))
}

func (k *Kibana) getPackagePolicy(c *call) {
	if !fleetFormat(c) {
		return
	}
	id := c.param("packagePolicyId")
	pp := c.space.fleet.pkgPolicies.get(id)
	if pp == nil {
		pkgPolicyNotFound(c, id)
		return
	}
	c.ok(map[string]any{"item": k.pkgPolicyDoc(&c.space.fleet, pp, false)})
}

// fleetPkgPolicyMembers are the members Kibana's package policy schema
// takes.
var fleetPkgPolicyMembers = []string{"additional_datastreams_permissions", "description", "force", "id", "inputs", "name", "namespace",
	"output_id", "package", "policy_id", "policy_ids", "supports_agentless", "vars"}

// pkgPolicyRequest is a checked create or update body.
type pkgPolicyRequest struct {
	b                     *fleetBody
	name, description, ns string
	hasDescription, hasNS bool
	policyIDs             []string
	hasPolicyIDs          bool
	pkgName, pkgVersion   string
	outputID              string
	hasOutput, force      bool
	extraPermissions      []string
	hasExtraPermissions   bool
	supportsAgentless     *bool
	inputs                any // map (simplified) or list (legacy); nil when not given
	vars                  map[string]any
	hasVars               bool
}

// dataStreamPermission is a data stream an integration may also write:
// its name or pattern, type first.
var dataStreamPermission = lazyRegexp(`^(logs|metrics|traces|synthetics|profiling)-.+`)

func readPkgPolicyRequest(c *call) (*pkgPolicyRequest, bool) {
	b, ok := fleetBodyOf(c, false, fleetPkgPolicyMembers)
	if !ok {
		return nil, false
	}
	r := &pkgPolicyRequest{b: b}
	r.name = b.str("name", true)
	r.description, r.hasDescription = b.nullableStr("description")
	r.ns, r.hasNS = b.nullableStr("namespace")
	if r.ns != "" {
		if msg := fleetNamespaceError(r.ns); msg != "" {
			b.fail("namespace", msg)
		}
	}
	r.policyIDs, r.hasPolicyIDs = b.strings("policy_ids", false)
	if id, set := b.nullableStr("policy_id"); set && id != "" {
		if !slices.Contains(r.policyIDs, id) {
			r.policyIDs = append([]string{id}, r.policyIDs...)
		}
		r.hasPolicyIDs = true
	}
	pkg, hasPkg := b.object("package")
	switch {
	case !hasPkg && b.err == "":
		b.typeError("package", "Object", nil, false)
	case pkg != nil:
		for key := range pkg {
			if !slices.Contains([]string{"name", "version", "title", "requires_root", "experimental_data_stream_features", "fips_compatible"}, key) {
				b.fail("package."+key, "definition for this key is missing")
			}
		}
		name, nameOK := pkg["name"].(string)
		version, versionOK := pkg["version"].(string)
		if !nameOK {
			b.typeError("package.name", "string", pkg["name"], pkg["name"] != nil)
		}
		if !versionOK {
			b.typeError("package.version", "string", pkg["version"], pkg["version"] != nil)
		}
		r.pkgName, r.pkgVersion = name, version
	}
	r.outputID, r.hasOutput = b.nullableStr("output_id")
	r.extraPermissions, r.hasExtraPermissions = b.strings("additional_datastreams_permissions", false)
	for i, p := range r.extraPermissions {
		if !dataStreamPermission().MatchString(p) {
			b.fail(fmt.Sprintf("additional_datastreams_permissions.%d", i), "Invalid data stream permission "+p+": must start with logs-, metrics-, traces-, synthetics- or profiling-")
		}
	}
	r.supportsAgentless = b.boolean("supports_agentless")
	if f := b.boolean("force"); f != nil {
		r.force = *f
	}
	if v, ok := b.m["inputs"]; ok && v != nil {
		switch v.(type) {
		case map[string]any, []any:
			r.inputs = v
		default:
			b.typeError("inputs", "Object", v, true)
		}
	}
	r.vars, r.hasVars = b.object("vars")
	if b.failed() {
		return nil, false
	}
	return r, true
}

// varsOf reads a vars member: simplified (name to value) or legacy (name
// to {value, type}).
func varsOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	out := map[string]any{}
	for name, val := range m {
		if obj, ok := val.(map[string]any); ok {
			if inner, has := obj["value"]; has {
				out[name] = fleetJSONClone(inner)
				continue
			}
		}
		out[name] = fleetJSONClone(val)
	}
	return out
}

// applyVars sets given variables, refusing names the package does not
// define. where names the place for Kibana's message.
func applyVars(dst map[string]any, given map[string]any, defs []fleetVarDef, where string) error {
	for _, name := range slices.Sorted(mapKeys(given)) {
		if !slices.ContainsFunc(defs, func(d fleetVarDef) bool { return d.name == name }) {
			if where == "" {
				return fmt.Errorf("Variable %s not found", name)
			}
			return fmt.Errorf("Variable %s %s not found", where, name)
		}
		dst[name] = given[name]
	}
	return nil
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// applyInputs configures pp's inputs from a simplified or legacy inputs
// member, checking input, stream and variable names against the package.
func applyInputs(d *fleetPkgDef, pp *fleetPkgPolicy, raw any) error {
	findInput := func(id string) (*fleetPPInput, *fleetInputDef) {
		in := pp.input(id)
		if in == nil {
			return nil, nil
		}
		for _, t := range d.templates {
			for i := range t.inputs {
				if t.name+"-"+t.inputs[i].typ == id {
					return in, &t.inputs[i]
				}
			}
		}
		return in, &fleetInputDef{}
	}
	configure := func(id string, enabled *bool, vars map[string]any, streams map[string]map[string]any) error {
		in, def := findInput(id)
		if in == nil {
			return fmt.Errorf("Input not found: %s", id)
		}
		if enabled != nil {
			in.enabled = *enabled
		}
		if err := applyVars(in.vars, vars, def.vars, id); err != nil {
			return err
		}
		for _, dataset := range slices.Sorted(func(yield func(string) bool) {
			for k := range streams {
				if !yield(k) {
					return
				}
			}
		}) {
			s := in.stream(dataset)
			if s == nil {
				return fmt.Errorf("Stream not found %s: %s", id, dataset)
			}
			cfg := streams[dataset]
			if e, ok := cfg["enabled"].(bool); ok {
				s.enabled = e
			}
			var defs []fleetVarDef
			if ds := d.dataStream(dataset); ds != nil {
				defs = ds.vars
			}
			if err := applyVars(s.vars, varsOf(cfg["vars"]), defs, id+":"+dataset); err != nil {
				return err
			}
		}
		return nil
	}
	boolOf := func(v any) *bool {
		if b, ok := v.(bool); ok {
			return &b
		}
		return nil
	}
	switch x := raw.(type) {
	case map[string]any:
		for _, id := range slices.Sorted(mapKeys(x)) {
			cfg, _ := x[id].(map[string]any)
			streams := map[string]map[string]any{}
			if sm, ok := cfg["streams"].(map[string]any); ok {
				for ds, sc := range sm {
					m, _ := sc.(map[string]any)
					streams[ds] = m
				}
			}
			if err := configure(id, boolOf(cfg["enabled"]), varsOf(cfg["vars"]), streams); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			cfg, _ := e.(map[string]any)
			typ, _ := cfg["type"].(string)
			tmpl, _ := cfg["policy_template"].(string)
			id := ""
			for _, in := range pp.inputs {
				if in.typ == typ && (tmpl == "" || in.template == tmpl) {
					id = in.id
					break
				}
			}
			if id == "" {
				id = tmpl + "-" + typ
			}
			streams := map[string]map[string]any{}
			if list, ok := cfg["streams"].([]any); ok {
				for _, se := range list {
					sc, _ := se.(map[string]any)
					dsm, _ := sc["data_stream"].(map[string]any)
					ds, _ := dsm["dataset"].(string)
					streams[ds] = sc
				}
			}
			if err := configure(id, boolOf(cfg["enabled"]), varsOf(cfg["vars"]), streams); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolvePackage finds the package and version a request names, answering
// 404 when the registry lacks them.
func resolvePackage(c *call, name, version string) *fleetPkgDef {
	d := fleetPackageDef(&c.space.fleet, name)
	if d == nil {
		c.notFound(fmt.Sprintf("[%s] package not found in registry", name))
		return nil
	}
	if !d.hasVersion(version) {
		c.notFound(fmt.Sprintf("%s@%s not found", name, version))
		return nil
	}
	return d
}

// checkPolicyTargets checks the agent policies a package policy goes to.
func checkPolicyTargets(c *call, ids []string, force bool) bool {
	st := &c.space.fleet
	for _, id := range ids {
		p := st.policies.get(id)
		if p == nil {
			c.notFound(fmt.Sprintf("Agent policy %s not found", id))
			return false
		}
		if p.isManaged && !force {
			c.badRequest(fmt.Sprintf("Cannot add integrations to hosted agent policy %s", id))
			return false
		}
	}
	return true
}

// bumpPolicies gives the agent policies a package policy is on new
// revisions.
func (k *Kibana) bumpPolicies(c *call, ids ...[]string) {
	st := &c.space.fleet
	var done []string
	for _, list := range ids {
		for _, id := range list {
			if p := st.policies.get(id); p != nil && !slices.Contains(done, id) {
				done = append(done, id)
				k.bumpPolicy(c, p)
			}
		}
	}
}

func (k *Kibana) createPackagePolicy(c *call) {
	if !fleetFormat(c) {
		return
	}
	r, ok := readPkgPolicyRequest(c)
	if !ok {
		return
	}
	st := &c.space.fleet
	d := resolvePackage(c, r.pkgName, r.pkgVersion)
	if d == nil {
		return
	}
	id, _ := c.body["id"].(string)
	if id != "" && st.pkgPolicies.get(id) != nil {
		c.conflict(soConflictMessage("ingest-package-policies", id))
		return
	}
	for _, other := range st.pkgPolicies.all() {
		if other.name == r.name {
			c.conflict(fmt.Sprintf("An integration policy with the name %s already exists. Please rename it or choose a different name.", r.name))
			return
		}
	}
	if !checkPolicyTargets(c, r.policyIDs, r.force) {
		return
	}
	if r.outputID != "" && st.outputs.get(r.outputID) == nil {
		c.notFound(soNotFoundMessage("ingest-outputs", r.outputID))
		return
	}
	pp := newPkgPolicy(d, r.pkgVersion)
	if r.inputs != nil {
		if err := applyInputs(d, pp, r.inputs); err != nil {
			c.badRequest(err.Error())
			return
		}
	}
	if r.hasVars {
		if err := applyVars(pp.vars, varsOf(r.vars), d.vars, ""); err != nil {
			c.badRequest(err.Error())
			return
		}
	}
	if id == "" {
		id = k.newID()
	}
	pp.id, pp.name, pp.description, pp.namespace = id, r.name, r.description, r.ns
	pp.policyIDs = slices.Clone(r.policyIDs)
	if pp.policyIDs == nil {
		pp.policyIDs = []string{}
	}
	pp.outputID = r.outputID
	pp.extraPermissions = slices.Clone(r.extraPermissions)
	if r.supportsAgentless != nil {
		pp.supportsAgentless = *r.supportsAgentless
	}
	pp.createdAt, pp.createdBy = k.now(), fleetUser(c)
	pp.updatedAt, pp.updatedBy = pp.createdAt, pp.createdBy
	if st.installs[d.name] == nil {
		k.install(st, d, r.pkgVersion, d.sourceOr("registry"))
	}
	st.pkgPolicies.put(id, pp)
	if d.name == "fleet_server" {
		for _, pid := range pp.policyIDs {
			st.policies.get(pid).hasFleetServer = true
		}
	}
	k.bumpPolicies(c, pp.policyIDs)
	c.ok(map[string]any{"item": k.pkgPolicyDoc(st, pp, false)})
}

func (d *fleetPkgDef) sourceOr(def string) string {
	if d.source != "" {
		return d.source
	}
	return def
}

func (k *Kibana) updatePackagePolicy(c *call) {
	if !fleetFormat(c) {
		return
	}
	r, ok := readPkgPolicyRequest(c)
	if !ok {
		return
	}
	st := &c.space.fleet
	id := c.param("packagePolicyId")
	pp := st.pkgPolicies.get(id)
	if pp == nil {
		pkgPolicyNotFound(c, id)
		return
	}
	if r.pkgName != pp.pkgName {
		c.badRequest(fmt.Sprintf("Package policy %s is for package %s; its package cannot change to %s", id, pp.pkgName, r.pkgName))
		return
	}
	d := resolvePackage(c, r.pkgName, r.pkgVersion)
	if d == nil {
		return
	}
	for _, other := range st.pkgPolicies.all() {
		if other != pp && other.name == r.name {
			c.conflict(fmt.Sprintf("An integration policy with the name %s already exists. Please rename it or choose a different name.", r.name))
			return
		}
	}
	targets := pp.policyIDs
	if r.hasPolicyIDs {
		targets = r.policyIDs
	}
	if !checkPolicyTargets(c, targets, r.force) {
		return
	}
	if r.hasOutput && r.outputID != "" && st.outputs.get(r.outputID) == nil {
		c.notFound(soNotFoundMessage("ingest-outputs", r.outputID))
		return
	}
	next := *pp
	next.pkgVersion = r.pkgVersion
	if r.inputs != nil || r.pkgVersion != pp.pkgVersion {
		fresh := newPkgPolicy(d, r.pkgVersion)
		if r.inputs == nil {
			carryInputs(fresh, pp)
		}
		next.inputs = fresh.inputs
		if r.inputs != nil {
			if err := applyInputs(d, &next, r.inputs); err != nil {
				c.badRequest(err.Error())
				return
			}
		}
	}
	if r.hasVars {
		next.vars = varDefaults(d.vars)
		if err := applyVars(next.vars, varsOf(r.vars), d.vars, ""); err != nil {
			c.badRequest(err.Error())
			return
		}
	}
	old := pp.policyIDs
	next.name = r.name
	if r.hasDescription {
		next.description = r.description
	}
	if r.hasNS {
		next.namespace = r.ns
	}
	next.policyIDs = slices.Clone(targets)
	if r.hasOutput {
		next.outputID = r.outputID
	}
	if r.hasExtraPermissions {
		next.extraPermissions = slices.Clone(r.extraPermissions)
	}
	if r.supportsAgentless != nil {
		next.supportsAgentless = *r.supportsAgentless
	}
	next.revision++
	next.updatedAt, next.updatedBy = k.now(), fleetUser(c)
	*pp = next
	k.bumpPolicies(c, old, pp.policyIDs)
	c.ok(map[string]any{"item": k.pkgPolicyDoc(st, pp, false)})
}

// carryInputs keeps the settings of inputs and streams that still exist in
// a new package version.
func carryInputs(fresh, old *fleetPkgPolicy) {
	for _, in := range fresh.inputs {
		prev := old.input(in.id)
		if prev == nil {
			continue
		}
		in.enabled = prev.enabled
		for name, v := range prev.vars {
			in.vars[name] = fleetJSONClone(v)
		}
		for _, s := range in.streams {
			if ps := prev.stream(s.dataset); ps != nil {
				s.enabled = ps.enabled
				for name, v := range ps.vars {
					s.vars[name] = fleetJSONClone(v)
				}
			}
		}
	}
}

// readPolicyIDs reads packagePolicyIds.
func readPolicyIDs(c *call, allowed ...string) (*fleetBody, []string, bool) {
	b, ok := fleetBodyOf(c, false, append([]string{"packagePolicyIds"}, allowed...))
	if !ok {
		return nil, nil, false
	}
	ids, _ := b.strings("packagePolicyIds", true)
	return b, ids, true
}

func (k *Kibana) deletePackagePolicies(c *call) {
	b, ids, ok := readPolicyIDs(c, "force")
	if !ok {
		return
	}
	force := b.boolean("force")
	if b.failed() {
		return
	}
	st := &c.space.fleet
	out := []any{}
	for _, id := range ids {
		pp := st.pkgPolicies.get(id)
		if pp == nil {
			out = append(out, map[string]any{"id": id, "success": false, "statusCode": 404, "body": map[string]any{"message": fmt.Sprintf("Package policy %s not found", id)}})
			continue
		}
		res := map[string]any{
			"id": id, "name": pp.name, "policy_ids": fleetStrings(pp.policyIDs), "output_id": fleetNullable(pp.outputID),
			"package": map[string]any{"name": pp.pkgName, "title": pp.pkgTitle, "version": pp.pkgVersion},
		}
		if len(pp.policyIDs) > 0 {
			res["policy_id"] = pp.policyIDs[0]
		}
		if refused := k.removePackagePolicy(c, pp, force != nil && *force); refused != "" {
			res["success"], res["statusCode"] = false, 400
			res["body"] = map[string]any{"message": refused}
			out = append(out, res)
			continue
		}
		res["success"] = true
		out = append(out, res)
	}
	c.ok(out)
}

// removePackagePolicy deletes a package policy, or says why Kibana will
// not: it belongs to a hosted policy and force is not given.
func (k *Kibana) removePackagePolicy(c *call, pp *fleetPkgPolicy, force bool) (refused string) {
	st := &c.space.fleet
	managed := slices.ContainsFunc(pp.policyIDs, func(pid string) bool { p := st.policies.get(pid); return p != nil && p.isManaged })
	if (managed || pp.isManaged) && !force {
		return fmt.Sprintf("Cannot remove integrations of hosted agent policy %s", pp.policyIDs[0])
	}
	st.pkgPolicies.remove(pp.id)
	if pp.pkgName == "fleet_server" {
		for _, pid := range pp.policyIDs {
			if p := st.policies.get(pid); p != nil {
				p.hasFleetServer = slices.ContainsFunc(st.pkgPolicies.all(), func(o *fleetPkgPolicy) bool {
					return o.pkgName == "fleet_server" && slices.Contains(o.policyIDs, pid)
				})
			}
		}
	}
	k.bumpPolicies(c, pp.policyIDs)
	return ""
}

// upToDate is Kibana's refusal to upgrade a policy already on the
// installed version.
func upToDate(pp *fleetPkgPolicy) string {
	return fmt.Sprintf("Package policy %s's package version %s of package %s is up to date with the installed package. Please install the latest version of %s.", pp.id, pp.pkgVersion, pp.pkgName, pp.pkgName)
}

// upgraded is the policy moved to a version, keeping its settings.
func upgraded(d *fleetPkgDef, pp *fleetPkgPolicy, version string) *fleetPkgPolicy {
	next := *pp
	fresh := newPkgPolicy(d, version)
	carryInputs(fresh, pp)
	next.inputs, next.pkgVersion = fresh.inputs, version
	next.vars = varDefaults(d.vars)
	for name, v := range pp.vars {
		next.vars[name] = fleetJSONClone(v)
	}
	next.revision++
	return &next
}

func (k *Kibana) upgradePackagePolicies(c *call) {
	b, ids, ok := readPolicyIDs(c)
	if !ok || b.failed() {
		return
	}
	st := &c.space.fleet
	out := []any{}
	for _, id := range ids {
		pp := st.pkgPolicies.get(id)
		if pp == nil {
			out = append(out, map[string]any{"id": id, "success": false, "statusCode": 404, "body": map[string]any{"message": fmt.Sprintf("Package policy %s not found", id)}})
			continue
		}
		inst := st.installs[pp.pkgName]
		if inst == nil || fleetVersionCompare(inst.version, pp.pkgVersion) <= 0 {
			out = append(out, map[string]any{"id": id, "name": pp.name, "success": false, "statusCode": 400, "body": map[string]any{"message": upToDate(pp)}})
			continue
		}
		next := upgraded(fleetPackageDef(st, pp.pkgName), pp, inst.version)
		next.updatedAt, next.updatedBy = k.now(), fleetUser(c)
		*pp = *next
		k.bumpPolicies(c, pp.policyIDs)
		out = append(out, map[string]any{"id": id, "name": pp.name, "success": true})
	}
	c.ok(out)
}

func (k *Kibana) dryRunPackagePolicyUpgrade(c *call) {
	b, ids, ok := readPolicyIDs(c, "packageVersion")
	if !ok {
		return
	}
	target := b.str("packageVersion", false)
	if b.failed() {
		return
	}
	st := &c.space.fleet
	out := []any{}
	for _, id := range ids {
		pp := st.pkgPolicies.get(id)
		if pp == nil {
			out = append(out, map[string]any{"hasErrors": true, "statusCode": 404, "body": map[string]any{"message": fmt.Sprintf("Package policy %s not found", id)}})
			continue
		}
		d := fleetPackageDef(st, pp.pkgName)
		version := target
		if version == "" {
			if inst := st.installs[pp.pkgName]; inst != nil {
				version = inst.version
			}
		}
		switch {
		case d == nil || !d.hasVersion(version):
			out = append(out, map[string]any{"name": pp.name, "hasErrors": true, "statusCode": 404, "body": map[string]any{"message": fmt.Sprintf("%s@%s not found", pp.pkgName, version)}})
			continue
		case fleetVersionCompare(version, pp.pkgVersion) <= 0:
			out = append(out, map[string]any{"name": pp.name, "hasErrors": true, "statusCode": 400, "body": map[string]any{"message": upToDate(pp)}})
			continue
		}
		next := upgraded(d, pp, version)
		next.updatedAt, next.updatedBy = k.now(), fleetUser(c)
		proposed := k.pkgPolicyDoc(st, next, false)
		agentDiff := []any{}
		for _, pid := range pp.policyIDs {
			if p := st.policies.get(pid); p != nil {
				agentDiff = append(agentDiff, k.agentInputs(c, p, next))
				break
			}
		}
		out = append(out, map[string]any{
			"name":       pp.name,
			"hasErrors":  false,
			"diff":       []any{k.pkgPolicyDoc(st, pp, false), proposed},
			"agent_diff": agentDiff,
		})
	}
	c.ok(out)
}

// agentInputs are the inputs a package policy gives agents of a policy,
// as in the full agent policy.
func (k *Kibana) agentInputs(c *call, p *fleetPolicy, pp *fleetPkgPolicy) []any {
	st := &c.space.fleet
	useOutput := outputKey(st.outputFor(p, false))
	ns := pp.namespaceOr(p.namespace)
	inputs := []any{}
	for _, in := range pp.inputs {
		if !in.enabled {
			continue
		}
		streams := []any{}
		for _, s := range in.streams {
			if s.enabled {
				stream := map[string]any{"id": in.typ + "-" + s.dataset + "-" + pp.id, "data_stream": map[string]any{"dataset": s.dataset, "type": s.typ}}
				for name, v := range s.vars {
					stream[name] = fleetJSONClone(v)
				}
				streams = append(streams, stream)
			}
		}
		input := map[string]any{
			"id": in.typ + "-" + pp.id, "name": pp.name, "revision": pp.revision, "type": in.typ,
			"data_stream": map[string]any{"namespace": ns}, "use_output": useOutput, "package_policy_id": pp.id,
			"meta":    map[string]any{"package": map[string]any{"name": pp.pkgName, "version": pp.pkgVersion}},
			"streams": streams,
		}
		for name, v := range in.vars {
			input[name] = fleetJSONClone(v)
		}
		inputs = append(inputs, input)
	}
	return inputs
}
