package sandbox

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The Spaces API. Spaces are Kibana-wide: the routes answer the same under
// any /s/{space} prefix. Creating a space adds an empty one (every area
// starts from nothing in it); deleting one drops everything in it. The
// default space is reserved and cannot be deleted.
//
// What the sandbox approximates: an unknown space is a 404 naming the
// saved object (Kibana's route answers a bare "Not Found"); a space
// created without a colour or initials is answered with the ones Kibana's
// UI would derive from its name; the user may do everything in every
// space, so authorizedPurposes are all true.

// spaceMeta is what the spaces API keeps of a space besides its id and
// name.
type spaceMeta struct {
	description, color, initials, imageURL, solution string
	disabledFeatures                                 []string
	reserved                                         bool
}

// spaceMaxSpaces is xpack.spaces.maxSpaces' default.
const spaceMaxSpaces = 1000

var (
	spaceIDPattern    = lazyRegexp(`^[a-z0-9_-]+$`)
	spaceColorPattern = lazyRegexp(`^#[a-zA-Z0-9]{6}$`)
)

// spaceFeatures are the Kibana features a space can hide (those with the
// spaces scope).
var spaceFeatures = []string{
	"actions", "advancedSettings", "aiAssistantManagementSelection", "apm", "canvas", "dashboard", "dashboard_v2",
	"dataQuality", "dev_tools", "discover", "discover_v2", "enterpriseSearch", "filesManagement", "fleetv2",
	"generalCases", "generalCasesV2", "graph", "guidedOnboardingFeature", "indexPatterns", "infrastructure",
	"inventory", "logs", "maintenanceWindow", "maps", "maps_v2", "ml", "monitoring", "observabilityAIAssistant",
	"observabilityCases", "observabilityCasesV2", "osquery", "rulesSettings", "savedObjectsManagement",
	"savedObjectsTagging", "savedQueryManagement", "securitySolutionAssistant", "securitySolutionAttackDiscovery",
	"securitySolutionCases", "securitySolutionCasesV2", "securitySolutionNotes", "securitySolutionTimeline",
	"siem", "siemV2", "slo", "stackAlerts", "streams", "uptime", "visualize", "visualize_v2",
}

// spacePalette is the palette Kibana's UI picks a space's colour from.
var spacePalette = []string{"#54B399", "#6092C0", "#D36086", "#9170B8", "#CA8EAE", "#D6BF57", "#B9A888", "#DA8B45", "#AA6556", "#E7664C"}

// spaceBody is the space schema of create and update, in Kibana's order.
var spaceBody = []cfgField{
	{name: "id", kind: "string", required: true, check: func(v any) string {
		if !spaceIDPattern().MatchString(v.(string)) {
			return "must be lower case, a-z, 0-9, '_', and '-' are allowed"
		}
		return ""
	}},
	{name: "name", kind: "string", required: true, check: platMinLen(1)},
	{name: "description", kind: "string", nullable: true},
	{name: "initials", kind: "string", nullable: true, check: cfgMaxLen(2)},
	{name: "color", kind: "string", nullable: true, check: func(v any) string {
		if !spaceColorPattern().MatchString(v.(string)) {
			return "must be a 6 digit hex color, starting with a #"
		}
		return ""
	}},
	{name: "disabledFeatures", kind: "strings", def: []any{}},
	{name: "_reserved", kind: "boolean"},
	{name: "imageUrl", kind: "string", nullable: true, check: func(v any) string {
		if s := v.(string); s != "" && !strings.HasPrefix(s, "data:image") {
			return "must start with 'data:image'"
		}
		return ""
	}},
	{name: "solution", kind: "string", oneOf: []string{"security", "oblt", "es", "classic"}},
}

func (k *Kibana) spacesRoutes() []route {
	return append([]route{
		newRoute(http.MethodGet, "/api/spaces/space", k.findSpaces),
		newRoute(http.MethodPost, "/api/spaces/space", k.createSpace),
		newRoute(http.MethodGet, "/api/spaces/space/{id}", k.getSpace),
		newRoute(http.MethodPut, "/api/spaces/space/{id}", k.updateSpace),
		newRoute(http.MethodDelete, "/api/spaces/space/{id}", k.deleteSpace),
	}, k.spaceObjectRoutes()...) // spaces_objects.go
}

func (k *Kibana) seedSpaceMeta(sp *space) {
	switch sp.id {
	case "default":
		sp.platform.meta = spaceMeta{description: "This is your default space!", color: "#00bfb3", initials: "D", reserved: true}
	case "soc":
		sp.platform.meta = spaceMeta{description: "Detections, alert triage, cases and response.", color: "#BD271E", initials: "SO", solution: "security", disabledFeatures: []string{"canvas", "maps"}}
	}
}

// spaceInitials are the initials Kibana's UI derives from a name.
func spaceInitials(name string) string {
	words := strings.Fields(name)
	switch {
	case len(words) == 0:
		return ""
	case len(words) == 1:
		r := []rune(words[0])
		return string(r[:min(2, len(r))])
	}
	return string([]rune(words[0])[:1]) + string([]rune(words[1])[:1])
}

// spaceColor is the colour Kibana's UI derives from a name.
func spaceColor(name string) string {
	if name == "" {
		return spacePalette[0]
	}
	return spacePalette[int([]rune(name)[0])%len(spacePalette)]
}

// spaceDoc is a space as the API answers it.
func spaceDoc(sp *space) map[string]any {
	m := sp.platform.meta
	doc := map[string]any{
		"id":               sp.id,
		"name":             sp.name,
		"description":      m.description,
		"color":            m.color,
		"initials":         m.initials,
		"disabledFeatures": cfgStrings(m.disabledFeatures),
	}
	if m.color == "" {
		doc["color"] = spaceColor(sp.name)
	}
	if m.initials == "" {
		doc["initials"] = spaceInitials(sp.name)
	}
	if m.imageURL != "" {
		doc["imageUrl"] = m.imageURL
	}
	if m.solution != "" {
		doc["solution"] = m.solution
	}
	if m.reserved {
		doc["_reserved"] = true
	}
	return doc
}

func spaceNotFound(c *call, id string) {
	c.notFound(soNotFoundMessage("space", id))
}

func (k *Kibana) findSpaces(c *call) {
	purpose := c.query("purpose")
	if purpose != "" && !slices.Contains([]string{"any", "copySavedObjectsIntoSpace", "shareSavedObjectsIntoSpace"}, purpose) {
		c.badRequest(cfgOneOfMessage("request query.purpose", []string{"any", "copySavedObjectsIntoSpace", "shareSavedObjectsIntoSpace"}))
		return
	}
	withPurposes, ok := platQueryBool(c, "include_authorized_purposes")
	if !ok {
		return
	}
	if purpose != "" && withPurposes {
		c.badRequest("[request query.include_authorized_purposes]: expected value to equal [false]")
		return
	}
	list := make([]*space, 0, len(k.spaces))
	for _, sp := range k.spaces {
		list = append(list, sp)
	}
	slices.SortFunc(list, func(a, b *space) int {
		if n := strings.Compare(a.name, b.name); n != 0 {
			return n
		}
		return strings.Compare(a.id, b.id)
	})
	out := make([]any, 0, len(list))
	for _, sp := range list {
		doc := spaceDoc(sp)
		if withPurposes {
			doc["authorizedPurposes"] = map[string]any{"any": true, "copySavedObjectsIntoSpace": true, "findSavedObjects": true, "shareSavedObjectsIntoSpace": true}
		}
		out = append(out, doc)
	}
	c.ok(out)
}

func (k *Kibana) getSpace(c *call) {
	sp := k.spaces[c.param("id")]
	if sp == nil {
		spaceNotFound(c, c.param("id"))
		return
	}
	c.ok(spaceDoc(sp))
}

// checkSpaceBody validates a create or update body and what the spaces
// client checks after the schema; verb is "create" or "update" as the
// client's messages say.
func checkSpaceBody(c *call, verb string) (map[string]any, bool) {
	if !c.requireBody() {
		return nil, false
	}
	body, msg := cfgCheck("request body.", c.body, spaceBody, true)
	if msg != "" {
		c.badRequest(msg)
		return nil, false
	}
	if s, present := body["solution"]; present && s == "" {
		c.badRequest("Unable to " + verb + " Space, solution property cannot be empty")
		return nil, false
	}
	for _, f := range platStrings(body["disabledFeatures"]) {
		if !slices.Contains(spaceFeatures, f) {
			// The spaces client says "create" for both.
			c.badRequest("Unable to create Space, one or more disabledFeatures do not have the required space scope")
			return nil, false
		}
	}
	return body, true
}

func spaceMetaOf(body map[string]any, reserved bool) spaceMeta {
	str := func(key string) string { s, _ := body[key].(string); return s }
	return spaceMeta{
		description:      str("description"),
		color:            str("color"),
		initials:         str("initials"),
		imageURL:         str("imageUrl"),
		solution:         str("solution"),
		disabledFeatures: platStrings(body["disabledFeatures"]),
		reserved:         reserved,
	}
}

func (k *Kibana) createSpace(c *call) {
	body, ok := checkSpaceBody(c, "create")
	if !ok {
		return
	}
	if len(k.spaces) >= spaceMaxSpaces {
		c.badRequest("Unable to create Space, this exceeds the maximum number of spaces set by the xpack.spaces.maxSpaces setting")
		return
	}
	id := body["id"].(string)
	if k.spaces[id] != nil {
		c.conflict(fmt.Sprintf("A space with the identifier %s already exists.", id))
		return
	}
	sp := k.addSpace(id, body["name"].(string))
	sp.platform.meta = spaceMetaOf(body, false)
	c.ok(spaceDoc(sp))
}

func (k *Kibana) updateSpace(c *call) {
	body, ok := checkSpaceBody(c, "update")
	if !ok {
		return
	}
	id := c.param("id")
	sp := k.spaces[id]
	if sp == nil {
		spaceNotFound(c, id)
		return
	}
	if body["id"] != id {
		c.badRequest(fmt.Sprintf("[request body.id]: the space ID in the body [%s] must be the one in the path [%s]; a space's ID cannot change", body["id"], id))
		return
	}
	sp.name = body["name"].(string)
	sp.platform.meta = spaceMetaOf(body, sp.platform.meta.reserved)
	c.ok(spaceDoc(sp))
}

func (k *Kibana) deleteSpace(c *call) {
	id := c.param("id")
	sp := k.spaces[id]
	switch {
	case sp == nil:
		spaceNotFound(c, id)
	case sp.platform.meta.reserved || id == "default":
		c.badRequest(fmt.Sprintf("The %s space cannot be deleted because it is reserved.", id))
	default:
		// Data views shared with other spaces stay there.
		k.removeSpace(id)
		c.noContent()
	}
}
