package sandbox

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
)

// The Actions API: a space's connectors, the connector types Kibana offers
// and running a connector.
//
// What the sandbox does with a run: nothing leaves the machine. Every run
// of a connector that exists (successful or refused) is recorded in the
// space's run log, newest last, with the params it was given; Kibana keeps
// no such log in its API, so the log is served on a route of the sandbox's
// own, GET /api/sandbox/connector_runs (?connector_id= narrows it), and is
// available to Go tests as (*Kibana).ConnectorRuns. Connector documents
// themselves keep Kibana's exact shape. Ticketing connectors (Jira,
// ServiceNow, Resilient, Swimlane, TheHive, cases webhook) remember what
// pushToService created, so a later getIncident finds it.
//
// As in Kibana, a run whose params the connector type refuses answers 200
// with status "error" and a message naming the field ("error validating
// action params: [message]: expected value of type [string] but got
// [undefined]"); only a malformed request body is a 400.

// connectorsState holds a space's connectors and the runs of them.
type connectorsState struct {
	byID map[string]*connector
	runs []ConnectorRun
}

// maxConnectorRuns bounds a space's run log.
const maxConnectorRuns = 500

// connector is one connector saved object (or a preconfigured connector).
type connector struct {
	id, name, typeID string
	config           map[string]any
	secrets          map[string]any // stored, never answered
	preconfigured    bool
	missingSecrets   bool // as for a connector imported without its secrets
	incidents        map[string]map[string]any
	incidentOrder    []string
}

// ConnectorRun is one run of a connector as the sandbox recorded it.
type ConnectorRun struct {
	ConnectorID     string         `json:"connector_id"`
	ConnectorName   string         `json:"connector_name"`
	ConnectorTypeID string         `json:"connector_type_id"`
	Params          map[string]any `json:"params"`
	Status          string         `json:"status"` // ok or error
	Message         string         `json:"message,omitempty"`
	At              string         `json:"at"`
}

// ConnectorRuns returns the run log of a space's connectors, oldest first.
func (k *Kibana) ConnectorRuns(spaceID string) []ConnectorRun {
	k.mu.Lock()
	defer k.mu.Unlock()
	sp := k.spaces[spaceID]
	if sp == nil {
		return nil
	}
	return slices.Clone(sp.connectors.runs)
}

func (k *Kibana) connectorsRoutes() []route {
	return []route{
		newRoute(http.MethodGet, "/api/actions/connectors", k.listConnectors),
		newRoute(http.MethodGet, "/api/actions/connector_types", k.listConnectorTypes),
		newRoute(http.MethodGet, "/api/actions/connector/{id}", k.getConnector),
		newRoute(http.MethodPost, "/api/actions/connector", k.createConnector),
		newRoute(http.MethodPost, "/api/actions/connector/{id}", k.createConnector),
		newRoute(http.MethodPut, "/api/actions/connector/{id}", k.updateConnector),
		newRoute(http.MethodDelete, "/api/actions/connector/{id}", k.deleteConnector),
		newRoute(http.MethodDelete, "/api/actions/action/{id}", k.deleteConnector),
		newRoute(http.MethodPost, "/api/actions/connector/{id}/_execute", k.runConnector),
		newRoute(http.MethodGet, "/api/sandbox/connector_runs", k.listConnectorRuns),
	}
}

// connectorNotFound is Kibana's 404 for a connector id.
func connectorNotFound(c *call, id string) {
	c.notFound(soNotFoundMessage("action", id))
}

// connectorDoc is the connector as Kibana answers it; withCount adds
// referenced_by_count, which only the list carries.
func connectorDoc(sp *space, cn *connector, withCount bool) map[string]any {
	doc := map[string]any{
		"id":                cn.id,
		"name":              cn.name,
		"connector_type_id": cn.typeID,
		"is_preconfigured":  cn.preconfigured,
		"is_deprecated":     connIsDeprecated(cn),
		"is_system_action":  false,
	}
	if !cn.preconfigured {
		doc["config"] = cfgClone(cn.config)
		doc["is_missing_secrets"] = cn.missingSecrets
	}
	if withCount {
		doc["referenced_by_count"] = sp.rules.referencesTo(cn.id)
	}
	return doc
}

// connIsDeprecated follows Kibana: ServiceNow connectors on the table API
// are deprecated.
func connIsDeprecated(cn *connector) bool {
	switch cn.typeID {
	case ".servicenow", ".servicenow-sir":
		b, _ := cn.config["usesTableApi"].(bool)
		return b
	}
	return false
}

func (k *Kibana) listConnectors(c *call) {
	list := make([]*connector, 0, len(c.space.connectors.byID))
	for _, cn := range c.space.connectors.byID {
		list = append(list, cn)
	}
	slices.SortFunc(list, func(a, b *connector) int {
		if n := strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)); n != 0 {
			return n
		}
		return strings.Compare(a.id, b.id)
	})
	out := make([]any, 0, len(list))
	for _, cn := range list {
		out = append(out, connectorDoc(c.space, cn, true))
	}
	c.ok(out)
}

func (k *Kibana) getConnector(c *call) {
	cn := c.space.connectors.byID[c.param("id")]
	if cn == nil {
		connectorNotFound(c, c.param("id"))
		return
	}
	c.ok(connectorDoc(c.space, cn, false))
}

var (
	connCreateBody = []cfgField{
		{name: "name", kind: "string", required: true, check: cfgNotEmpty},
		{name: "connector_type_id", kind: "string", required: true, check: cfgNotEmpty},
		{name: "config", kind: "object", def: map[string]any{}},
		{name: "secrets", kind: "object", def: map[string]any{}},
	}
	connUpdateBody = []cfgField{
		{name: "name", kind: "string", required: true, check: cfgNotEmpty},
		{name: "config", kind: "object", def: map[string]any{}},
		{name: "secrets", kind: "object", def: map[string]any{}},
	}
)

func cfgNotEmpty(v any) string {
	if s, _ := v.(string); strings.TrimSpace(s) == "" {
		return fmt.Sprintf("value '%s' is not valid", s)
	}
	return ""
}

func (k *Kibana) createConnector(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, connCreateBody, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	typeID := body["connector_type_id"].(string)
	ct := connTypeByID(typeID)
	if ct == nil {
		c.badRequest(fmt.Sprintf("Action type \"%s\" is not registered.", typeID))
		return
	}
	config, secrets, msg := ct.checkConfigAndSecrets(body["config"].(map[string]any), body["secrets"].(map[string]any))
	if msg != "" {
		c.badRequest(msg)
		return
	}
	id := c.param("id")
	if id == "" {
		id = k.newID()
	}
	if existing := c.space.connectors.byID[id]; existing != nil {
		if existing.preconfigured {
			c.badRequest(fmt.Sprintf("This %s already exists in a preconfigured action.", id))
			return
		}
		c.conflict(soConflictMessage("action", id))
		return
	}
	cn := &connector{id: id, name: body["name"].(string), typeID: typeID, config: config, secrets: secrets}
	c.space.connectors.add(cn)
	c.ok(connectorDoc(c.space, cn, false))
}

func (st *connectorsState) add(cn *connector) {
	if st.byID == nil {
		st.byID = map[string]*connector{}
	}
	st.byID[cn.id] = cn
}

func (k *Kibana) updateConnector(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, connUpdateBody, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	id := c.param("id")
	cn := c.space.connectors.byID[id]
	if cn == nil {
		connectorNotFound(c, id)
		return
	}
	if cn.preconfigured {
		c.badRequest(fmt.Sprintf("Preconfigured action %s can not be updated.", id))
		return
	}
	config, secrets, msg := connTypeByID(cn.typeID).checkConfigAndSecrets(body["config"].(map[string]any), body["secrets"].(map[string]any))
	if msg != "" {
		c.badRequest(msg)
		return
	}
	cn.name, cn.config, cn.secrets, cn.missingSecrets = body["name"].(string), config, secrets, false
	c.ok(connectorDoc(c.space, cn, false))
}

func (k *Kibana) deleteConnector(c *call) {
	id := c.param("id")
	cn := c.space.connectors.byID[id]
	if cn == nil {
		connectorNotFound(c, id)
		return
	}
	if cn.preconfigured {
		c.badRequest(fmt.Sprintf("Preconfigured action %s is not allowed to delete.", id))
		return
	}
	delete(c.space.connectors.byID, id)
	c.noContent()
}

func (k *Kibana) listConnectorTypes(c *call) {
	feature := c.query("feature_id")
	out := []any{}
	for _, ct := range connTypes {
		if feature != "" && !slices.Contains(ct.features, feature) {
			continue
		}
		out = append(out, map[string]any{
			"id":                       ct.id,
			"name":                     ct.name,
			"enabled":                  true,
			"enabled_in_config":        true,
			"enabled_in_license":       true,
			"minimum_license_required": ct.license,
			"supported_feature_ids":    slices.Clone(ct.features),
			"is_system_action_type":    false,
			"is_deprecated":            false,
		})
	}
	c.ok(out)
}

func (k *Kibana) listConnectorRuns(c *call) {
	id := c.query("connector_id")
	runs := []ConnectorRun{}
	for _, r := range c.space.connectors.runs {
		if id == "" || r.ConnectorID == id {
			runs = append(runs, r)
		}
	}
	c.ok(map[string]any{"total": len(runs), "runs": runs})
}

var connRunBody = []cfgField{{name: "params", kind: "object", required: true}}

// runConnector is POST /api/actions/connector/{id}/_execute.
func (k *Kibana) runConnector(c *call) {
	if !c.requireBody() {
		return
	}
	body, msg := cfgCheck("request body.", c.body, connRunBody, true)
	if msg != "" {
		c.badRequest(msg)
		return
	}
	id := c.param("id")
	cn := c.space.connectors.byID[id]
	if cn == nil {
		connectorNotFound(c, id)
		return
	}
	params := body["params"].(map[string]any)
	ct := connTypeByID(cn.typeID)
	answer := map[string]any{"connector_id": id}
	run := ConnectorRun{ConnectorID: id, ConnectorName: cn.name, ConnectorTypeID: cn.typeID, Params: cfgClone(params), At: k.now()}
	fail := func(message string) {
		answer["status"], answer["message"], answer["retry"], answer["errorSource"] = "error", message, false, "user"
		run.Status, run.Message = "error", message
	}
	switch {
	case cn.missingSecrets:
		fail(fmt.Sprintf("Unable to execute action because no secrets are defined for the \"%s\" connector.", cn.name))
	default:
		checked, msg := ct.checkParams(params)
		if msg != "" {
			fail("error validating action params: " + msg)
			break
		}
		data, serviceMsg := ct.execute(k, cn, checked)
		if serviceMsg != "" {
			fail("an error occurred while running the action")
			answer["service_message"] = serviceMsg
			run.Message += ": " + serviceMsg
			break
		}
		answer["status"], run.Status = "ok", "ok"
		if data != nil {
			answer["data"] = data
		}
	}
	st := &c.space.connectors
	st.runs = append(st.runs, run)
	if len(st.runs) > maxConnectorRuns {
		st.runs = slices.Delete(st.runs, 0, len(st.runs)-maxConnectorRuns)
	}
	c.ok(answer)
}

// connType is a connector type: what Kibana offers and how the sandbox
// checks and runs it. Nil config, secrets or params specs accept any
// object.
type connType struct {
	id, name, license string
	features          []string
	cases             bool // cases can push to it
	config, secrets   []cfgField
	params            []cfgField
	checkRun          func(p map[string]any) string // after params: cross-field rules
	subActions        []string                      // for sub-action types
}

var (
	featAlerting = "alerting"
	featCases    = "cases"
	featUptime   = "uptime"
	featSiem     = "siem"
	featGenAI    = "generativeAIForSecurity"
)

// Shared specs of the ticketing types.
var (
	connSubActionParams = []cfgField{
		{name: "subAction", kind: "string", required: true},
		{name: "subActionParams", kind: "object"},
	}
	connEmailConfig = []cfgField{
		{name: "service", kind: "string", def: "other"},
		{name: "host", kind: "string", nullable: true},
		{name: "port", kind: "number", nullable: true},
		{name: "secure", kind: "boolean", nullable: true},
		{name: "from", kind: "string", required: true},
		{name: "hasAuth", kind: "boolean", def: true},
		{name: "tenantId", kind: "string", nullable: true},
		{name: "clientId", kind: "string", nullable: true},
		{name: "oauthTokenUrl", kind: "string", nullable: true},
	}
	connServiceNowConfig = []cfgField{
		{name: "apiUrl", kind: "string", required: true},
		{name: "usesTableApi", kind: "boolean", def: true},
		{name: "isOAuth", kind: "boolean", def: false},
		{name: "userIdentifierValue", kind: "string", nullable: true},
		{name: "clientId", kind: "string", nullable: true},
		{name: "jwtKeyId", kind: "string", nullable: true},
	}
	connServiceNowSecrets = []cfgField{
		{name: "username", kind: "string", nullable: true},
		{name: "password", kind: "string", nullable: true},
		{name: "clientSecret", kind: "string", nullable: true},
		{name: "privateKey", kind: "string", nullable: true},
		{name: "privateKeyPassword", kind: "string", nullable: true},
	}
	connWebhookSecrets = []cfgField{
		{name: "user", kind: "string", nullable: true},
		{name: "password", kind: "string", nullable: true},
		{name: "crt", kind: "string", nullable: true},
		{name: "key", kind: "string", nullable: true},
		{name: "pfx", kind: "string", nullable: true},
	}
)

// connTypes are the connector types the sandbox offers, in Kibana's order.
var connTypes = []*connType{
	{id: ".bedrock", name: "AWS Bedrock", license: "enterprise", features: []string{featGenAI}, subActions: []string{"run", "invokeAI", "invokeStream", "test"}, params: connSubActionParams},
	{id: ".cases-webhook", name: "Webhook - Case Management", license: "gold", features: []string{featCases}, cases: true, subActions: []string{"pushToService", "getIncident"}, params: connSubActionParams,
		config: []cfgField{
			{name: "createIncidentUrl", kind: "string", required: true},
			{name: "createIncidentMethod", kind: "string", oneOf: []string{"post", "put", "patch"}, def: "post"},
			{name: "createIncidentJson", kind: "string", required: true},
			{name: "createIncidentResponseKey", kind: "string", required: true},
			{name: "getIncidentUrl", kind: "string", required: true},
			{name: "getIncidentResponseExternalTitleKey", kind: "string", required: true},
			{name: "viewIncidentUrl", kind: "string", required: true},
			{name: "updateIncidentUrl", kind: "string", required: true},
			{name: "updateIncidentMethod", kind: "string", oneOf: []string{"post", "put", "patch"}, def: "put"},
			{name: "updateIncidentJson", kind: "string", required: true},
			{name: "createCommentUrl", kind: "string", nullable: true},
			{name: "createCommentMethod", kind: "string", nullable: true},
			{name: "createCommentJson", kind: "string", nullable: true},
			{name: "headers", kind: "object", nullable: true},
			{name: "hasAuth", kind: "boolean", def: true},
		}},
	{id: ".d3security", name: "D3 Security", license: "gold", features: []string{featAlerting, featSiem}, subActions: []string{"run", "test"}, params: connSubActionParams},
	{id: ".email", name: "Email", license: "gold", features: []string{featAlerting, featUptime, featSiem},
		config: connEmailConfig,
		secrets: []cfgField{
			{name: "user", kind: "string", nullable: true},
			{name: "password", kind: "string", nullable: true},
			{name: "clientSecret", kind: "string", nullable: true},
		},
		params: []cfgField{
			{name: "to", kind: "strings", def: []any{}},
			{name: "cc", kind: "strings", def: []any{}},
			{name: "bcc", kind: "strings", def: []any{}},
			{name: "subject", kind: "string", required: true},
			{name: "message", kind: "string", required: true},
			{name: "messageHTML", kind: "string", nullable: true},
			{name: "kibanaFooterLink", kind: "object"},
		},
		checkRun: func(p map[string]any) string {
			if len(p["to"].([]any))+len(p["cc"].([]any))+len(p["bcc"].([]any)) == 0 {
				return "no [to], [cc], or [bcc] entries"
			}
			return ""
		}},
	{id: ".gemini", name: "Google Gemini", license: "enterprise", features: []string{featGenAI}, subActions: []string{"run", "invokeAI", "invokeStream", "test"}, params: connSubActionParams},
	{id: ".index", name: "Index", license: "basic", features: []string{featAlerting, featUptime, featSiem},
		config: []cfgField{
			{name: "index", kind: "string", required: true},
			{name: "refresh", kind: "boolean", def: false},
			{name: "executionTimeField", kind: "string", nullable: true, defNull: true},
		},
		secrets: []cfgField{},
		params: []cfgField{
			{name: "documents", kind: "objects", required: true},
			{name: "indexOverride", kind: "string", nullable: true, defNull: true, check: func(v any) string {
				if !strings.HasPrefix(v.(string), "kibana-alert-history-") {
					return `index must start with "kibana-alert-history-"`
				}
				return ""
			}},
		}},
	{id: ".jira", name: "Jira", license: "gold", features: []string{featAlerting, featCases, featUptime, featSiem}, cases: true,
		subActions: []string{"pushToService", "getIncident", "handshake", "issueTypes", "fieldsByIssueType", "issues", "issue", "getFields"}, params: connSubActionParams,
		config:  []cfgField{{name: "apiUrl", kind: "string", required: true}, {name: "projectKey", kind: "string", required: true}},
		secrets: []cfgField{{name: "email", kind: "string", required: true}, {name: "apiToken", kind: "string", required: true}}},
	{id: ".gen-ai", name: "OpenAI", license: "enterprise", features: []string{featGenAI}, subActions: []string{"run", "invokeAI", "invokeStream", "test"}, params: connSubActionParams},
	{id: ".opsgenie", name: "Opsgenie", license: "platinum", features: []string{featAlerting, featUptime, featSiem}, subActions: []string{"createAlert", "closeAlert"}, params: connSubActionParams,
		config:  []cfgField{{name: "apiUrl", kind: "string", required: true}},
		secrets: []cfgField{{name: "apiKey", kind: "string", required: true}}},
	{id: ".pagerduty", name: "PagerDuty", license: "gold", features: []string{featAlerting, featUptime, featSiem},
		config:  []cfgField{{name: "apiUrl", kind: "string", nullable: true, defNull: true}},
		secrets: []cfgField{{name: "routingKey", kind: "string", required: true}},
		params: []cfgField{
			{name: "eventAction", kind: "string", oneOf: []string{"trigger", "resolve", "acknowledge"}, def: "trigger"},
			{name: "dedupKey", kind: "string", nullable: true, check: cfgMaxLen(255)},
			{name: "summary", kind: "string", nullable: true, check: cfgMaxLen(1024)},
			{name: "source", kind: "string", nullable: true},
			{name: "severity", kind: "string", oneOf: []string{"critical", "error", "warning", "info"}, def: "info"},
			{name: "timestamp", kind: "string", nullable: true},
			{name: "component", kind: "string", nullable: true},
			{name: "group", kind: "string", nullable: true},
			{name: "class", kind: "string", nullable: true},
			{name: "links", kind: "objects"},
			{name: "customDetails", kind: "object"},
		},
		checkRun: func(p map[string]any) string {
			if a := p["eventAction"].(string); a != "trigger" {
				if k, _ := p["dedupKey"].(string); k == "" {
					return fmt.Sprintf("DedupKey is required when eventAction is \"%s\"", a)
				}
			}
			return ""
		}},
	{id: ".resilient", name: "IBM Resilient", license: "platinum", features: []string{featAlerting, featCases}, cases: true,
		subActions: []string{"pushToService", "getIncident", "handshake", "incidentTypes", "severity", "getFields"}, params: connSubActionParams,
		config:  []cfgField{{name: "apiUrl", kind: "string", required: true}, {name: "orgId", kind: "string", required: true}},
		secrets: []cfgField{{name: "apiKeyId", kind: "string", required: true}, {name: "apiKeySecret", kind: "string", required: true}}},
	{id: ".sentinelone", name: "Sentinel One", license: "enterprise", features: []string{featSiem}, subActions: []string{"getAgents", "isolateHost", "releaseHost", "executeScript"}, params: connSubActionParams},
	{id: ".server-log", name: "Server log", license: "basic", features: []string{featAlerting, featUptime},
		config: []cfgField{}, secrets: []cfgField{},
		params: []cfgField{
			{name: "message", kind: "string", required: true},
			{name: "level", kind: "string", oneOf: []string{"trace", "debug", "info", "warn", "error", "fatal"}, def: "info"},
		}},
	{id: ".servicenow", name: "ServiceNow ITSM", license: "platinum", features: []string{featAlerting, featCases, featUptime, featSiem}, cases: true,
		subActions: []string{"pushToService", "getFields", "getIncident", "handshake", "getChoices", "closeIncident"}, params: connSubActionParams,
		config: connServiceNowConfig, secrets: connServiceNowSecrets},
	{id: ".servicenow-sir", name: "ServiceNow SecOps", license: "platinum", features: []string{featAlerting, featCases, featUptime, featSiem}, cases: true,
		subActions: []string{"pushToService", "getFields", "getIncident", "handshake", "getChoices"}, params: connSubActionParams,
		config: connServiceNowConfig, secrets: connServiceNowSecrets},
	{id: ".servicenow-itom", name: "ServiceNow ITOM", license: "platinum", features: []string{featAlerting, featSiem},
		subActions: []string{"addEvent", "getChoices"}, params: connSubActionParams,
		config: []cfgField{{name: "apiUrl", kind: "string", required: true}, {name: "isOAuth", kind: "boolean", def: false}}, secrets: connServiceNowSecrets},
	{id: ".slack", name: "Slack", license: "gold", features: []string{featAlerting, featUptime, featSiem},
		config: []cfgField{}, secrets: []cfgField{{name: "webhookUrl", kind: "string", required: true}},
		params: []cfgField{{name: "message", kind: "string", required: true}}},
	{id: ".slack_api", name: "Slack API", license: "gold", features: []string{featAlerting, featUptime, featSiem},
		subActions: []string{"validChannelId", "postMessage", "postBlockkit"}, params: connSubActionParams,
		config:  []cfgField{{name: "allowedChannels", kind: "objects"}},
		secrets: []cfgField{{name: "token", kind: "string", required: true}}},
	{id: ".swimlane", name: "Swimlane", license: "gold", features: []string{featAlerting, featCases, featSiem}, cases: true,
		subActions: []string{"pushToService"}, params: connSubActionParams,
		config: []cfgField{
			{name: "apiUrl", kind: "string", required: true},
			{name: "appId", kind: "string", required: true},
			{name: "connectorType", kind: "string", required: true, oneOf: []string{"all", "alerts", "cases"}},
			{name: "mappings", kind: "object", required: true},
		},
		secrets: []cfgField{{name: "apiToken", kind: "string", required: true}}},
	{id: ".teams", name: "Microsoft Teams", license: "gold", features: []string{featAlerting, featUptime, featSiem},
		config: []cfgField{}, secrets: []cfgField{{name: "webhookUrl", kind: "string", required: true}},
		params: []cfgField{{name: "message", kind: "string", required: true}}},
	{id: ".thehive", name: "TheHive", license: "gold", features: []string{featAlerting, featCases, featSiem}, cases: true,
		subActions: []string{"pushToService", "createAlert", "getIncident"}, params: connSubActionParams,
		config:  []cfgField{{name: "url", kind: "string", required: true}, {name: "organisation", kind: "string", nullable: true}},
		secrets: []cfgField{{name: "apiKey", kind: "string", required: true}}},
	{id: ".tines", name: "Tines", license: "gold", features: []string{featAlerting, featSiem}, subActions: []string{"stories", "webhooks", "run", "test"}, params: connSubActionParams},
	{id: ".torq", name: "Torq", license: "gold", features: []string{featAlerting, featUptime, featSiem},
		params: []cfgField{{name: "body", kind: "string", required: true}}},
	{id: ".webhook", name: "Webhook", license: "gold", features: []string{featAlerting, featUptime, featSiem},
		config: []cfgField{
			{name: "url", kind: "string", required: true},
			{name: "method", kind: "string", oneOf: []string{"post", "put"}, def: "post"},
			{name: "headers", kind: "object", nullable: true, defNull: true},
			{name: "hasAuth", kind: "boolean", def: true},
			{name: "authType", kind: "string", nullable: true},
			{name: "certType", kind: "string", nullable: true},
			{name: "ca", kind: "string", nullable: true},
			{name: "verificationMode", kind: "string", nullable: true},
		},
		secrets: connWebhookSecrets,
		params:  []cfgField{{name: "body", kind: "string", nullable: true}}},
	{id: ".xmatters", name: "xMatters", license: "gold", features: []string{featAlerting, featSiem},
		config: []cfgField{{name: "configUrl", kind: "string", nullable: true}, {name: "usesBasic", kind: "boolean", def: true}},
		secrets: []cfgField{
			{name: "user", kind: "string", nullable: true},
			{name: "password", kind: "string", nullable: true},
			{name: "secretsUrl", kind: "string", nullable: true},
		}},
}

func connTypeByID(id string) *connType {
	for _, ct := range connTypes {
		if ct.id == id {
			return ct
		}
	}
	return nil
}

func cfgMaxLen(n int) func(any) string {
	return func(v any) string {
		if s, _ := v.(string); len([]rune(s)) > n {
			return fmt.Sprintf("value has length [%d] but it must have a maximum length of [%d].", len([]rune(s)), n)
		}
		return ""
	}
}

// checkConfigAndSecrets validates a connector's config and secrets as the
// type's schemas do.
func (ct *connType) checkConfigAndSecrets(config, secrets map[string]any) (map[string]any, map[string]any, string) {
	if ct.config != nil {
		var msg string
		if config, msg = cfgCheck("", config, ct.config, true); msg != "" {
			return nil, nil, "error validating action type config: " + msg
		}
	}
	if ct.id == ".email" {
		if svc, _ := config["service"].(string); svc == "" || svc == "other" {
			for _, f := range []string{"host", "port"} {
				if config[f] == nil {
					return nil, nil, fmt.Sprintf("error validating action type config: [%s] is required if [service] is not provided", f)
				}
			}
		}
	}
	if ct.secrets != nil {
		var msg string
		if secrets, msg = cfgCheck("", secrets, ct.secrets, true); msg != "" {
			return nil, nil, "error validating action type secrets: " + msg
		}
	}
	return cfgClone(config), cfgClone(secrets), ""
}

// checkParams validates run params; the message lacks Kibana's "error
// validating action params: " prefix.
func (ct *connType) checkParams(p map[string]any) (map[string]any, string) {
	if ct.params == nil {
		return p, ""
	}
	checked, msg := cfgCheck("", p, ct.params, ct.subActions == nil)
	if msg != "" {
		return nil, msg
	}
	if ct.subActions != nil {
		sub := checked["subAction"].(string)
		if !slices.Contains(ct.subActions, sub) {
			return nil, cfgOneOfMessage("subAction", ct.subActions)
		}
		if msg := connCheckSubAction(ct.id, sub, checked); msg != "" {
			return nil, msg
		}
	}
	if ct.checkRun != nil {
		if msg := ct.checkRun(checked); msg != "" {
			return nil, msg
		}
	}
	return checked, ""
}

// connIncidentTitleField is the incident member a ticketing type requires
// on pushToService.
var connIncidentTitleField = map[string]string{
	".jira":            "summary",
	".servicenow":      "short_description",
	".servicenow-sir":  "short_description",
	".resilient":       "name",
	".cases-webhook":   "title",
	".thehive":         "title",
	".swimlane":        "ruleName",
	".servicenow-itom": "",
}

// connCheckSubAction checks the sub-action params the sandbox answers.
func connCheckSubAction(typeID, sub string, p map[string]any) string {
	sp, _ := p["subActionParams"].(map[string]any)
	need := func(field, kind string) string {
		v, ok := sp[field]
		if !ok || v == nil {
			return fmt.Sprintf("[subActionParams.%s]: expected value of type [%s] but got [undefined]", field, kind)
		}
		if !cfgKindOK(kind, v) {
			return fmt.Sprintf("[subActionParams.%s]: expected value of type [%s] but got [%s]", field, kind, cfgTypeOf(v))
		}
		return ""
	}
	switch sub {
	case "pushToService":
		if sp == nil {
			return "[subActionParams]: expected value of type [object] but got [undefined]"
		}
		if msg := need("incident", "object"); msg != "" {
			return msg
		}
		if title := connIncidentTitleField[typeID]; title != "" {
			incident := sp["incident"].(map[string]any)
			if s, ok := incident[title].(string); !ok || s == "" {
				return fmt.Sprintf("[subActionParams.incident.%s]: expected value of type [string] but got [%s]", title, cfgTypeOfMember(incident, title))
			}
		}
		if c, ok := sp["comments"]; ok && c != nil && !cfgKindOK("objects", c) {
			return fmt.Sprintf("[subActionParams.comments]: expected value of type [array] but got [%s]", cfgTypeOf(c))
		}
	case "getIncident":
		return need("externalId", "string")
	case "getChoices":
		return need("fields", "strings")
	case "fieldsByIssueType", "issue":
		return need("id", "string")
	case "issues":
		return need("title", "string")
	case "postMessage":
		if msg := need("text", "string"); msg != "" {
			return msg
		}
		if _, ok := sp["channelIds"]; !ok {
			if _, ok := sp["channels"]; !ok {
				return "[subActionParams.channelIds]: expected value of type [array] but got [undefined]"
			}
		}
	case "validChannelId":
		return need("channelId", "string")
	case "createAlert":
		if typeID == ".opsgenie" {
			return need("message", "string")
		}
	case "closeAlert":
		return need("alias", "string")
	case "run", "invokeAI", "invokeStream", "test":
		if sp == nil {
			return "[subActionParams]: expected value of type [object] but got [undefined]"
		}
	}
	return ""
}

// execute runs a connector whose params passed: the data Kibana would
// answer, or the message of the external service's refusal.
func (ct *connType) execute(k *Kibana, cn *connector, p map[string]any) (data any, serviceMessage string) {
	switch cn.typeID {
	case ".slack":
		return map[string]any{"text": "ok"}, ""
	case ".email":
		var all []any
		for _, f := range []string{"to", "cc", "bcc"} {
			all = append(all, p[f].([]any)...)
		}
		return map[string]any{
			"accepted":  all,
			"rejected":  []any{},
			"envelope":  map[string]any{"from": cn.config["from"], "to": all},
			"messageId": "<" + k.newID() + "@sandbox.kibana>",
			"response":  "250 2.0.0 OK: queued",
		}, ""
	case ".index":
		index, _ := cn.config["index"].(string)
		if o, _ := p["indexOverride"].(string); o != "" {
			index = o
		}
		docs := p["documents"].([]any)
		items := make([]any, 0, len(docs))
		for i := range docs {
			items = append(items, map[string]any{"create": map[string]any{
				"_index": index, "_id": k.newID(), "_version": 1, "result": "created", "status": 201,
				"_shards": map[string]any{"total": 2, "successful": 1, "failed": 0},
				"_seq_no": i, "_primary_term": 1,
			}})
		}
		return map[string]any{"took": 3 + len(docs), "errors": false, "items": items}, ""
	case ".pagerduty":
		key, _ := p["dedupKey"].(string)
		if key == "" {
			key = k.newID()
		}
		return map[string]any{"status": "success", "message": "Event processed", "dedup_key": key}, ""
	case ".server-log", ".webhook", ".teams", ".torq":
		return nil, ""
	}
	sub, _ := p["subAction"].(string)
	sp, _ := p["subActionParams"].(map[string]any)
	switch sub {
	case "pushToService":
		return connPush(k, cn, sp), ""
	case "getIncident":
		id := sp["externalId"].(string)
		if inc := cn.incidents[id]; inc != nil {
			return cfgClone(inc), ""
		}
		return nil, fmt.Sprintf("Unable to get incident with id %s. Error: Not Found", id)
	case "issueTypes":
		return []any{
			map[string]any{"id": "10006", "name": "Task"},
			map[string]any{"id": "10023", "name": "Bug"},
			map[string]any{"id": "10000", "name": "Epic"},
		}, ""
	case "getChoices":
		out := []any{}
		for _, f := range sp["fields"].([]any) {
			for i, label := range []string{"1 - High", "2 - Medium", "3 - Low"} {
				out = append(out, map[string]any{"label": label, "value": fmt.Sprint(i + 1), "element": f, "dependent_value": ""})
			}
		}
		return out, ""
	case "handshake", "getFields", "fieldsByIssueType", "incidentTypes", "severity", "issues", "issue":
		return map[string]any{}, ""
	case "postMessage":
		text, _ := sp["text"].(string)
		channel := "C0SANDBOX01"
		if ids, _ := sp["channelIds"].([]any); len(ids) > 0 {
			channel = fmt.Sprint(ids[0])
		}
		return map[string]any{"ok": true, "channel": channel, "ts": "1700000000.000100",
			"message": map[string]any{"type": "message", "text": text, "ts": "1700000000.000100"}}, ""
	}
	return nil, ""
}

// connPush creates or updates the external incident of a ticketing
// connector, as pushToService does.
func connPush(k *Kibana, cn *connector, sp map[string]any) map[string]any {
	incident, _ := sp["incident"].(map[string]any)
	if cn.incidents == nil {
		cn.incidents = map[string]map[string]any{}
	}
	id, _ := incident["externalId"].(string)
	existing := cn.incidents[id]
	if existing == nil {
		id = k.newID()
		n := len(cn.incidentOrder) + 1
		var title, url string
		switch cn.typeID {
		case ".jira":
			key, _ := cn.config["projectKey"].(string)
			title = fmt.Sprintf("%s-%d", key, 100+n)
			url = fmt.Sprintf("%s/browse/%s", strings.TrimRight(fmt.Sprint(cn.config["apiUrl"]), "/"), title)
		case ".servicenow", ".servicenow-sir":
			prefix := "INC"
			if cn.typeID == ".servicenow-sir" {
				prefix = "SIR"
			}
			title = fmt.Sprintf("%s%07d", prefix, 10000+n)
			url = fmt.Sprintf("%s/nav_to.do?uri=incident.do?sys_id=%s", strings.TrimRight(fmt.Sprint(cn.config["apiUrl"]), "/"), id)
		default:
			title = fmt.Sprint(2000 + n)
			url = fmt.Sprintf("https://%s.example.com/incidents/%s", strings.TrimPrefix(cn.typeID, "."), title)
		}
		existing = map[string]any{"id": id, "title": title, "url": url, "created": k.now()}
		cn.incidents[id] = existing
		cn.incidentOrder = append(cn.incidentOrder, id)
	}
	for key, v := range incident {
		if key != "externalId" {
			existing[key] = v
		}
	}
	now := k.now()
	existing["updated"] = now
	out := map[string]any{"id": existing["id"], "title": existing["title"], "url": existing["url"], "pushedDate": now}
	if comments, _ := sp["comments"].([]any); len(comments) > 0 {
		var pushed []any
		for _, c := range comments {
			m, _ := c.(map[string]any)
			pushed = append(pushed, map[string]any{"commentId": m["commentId"], "pushedDate": now})
		}
		out["comments"] = pushed
	}
	return out
}

// preconfiguredConnectors are defined in kibana.yml: every space sees them,
// none can be changed through the API.
var preconfiguredConnectors = []struct {
	id, name, typeID string
	config           map[string]any
}{
	{"elastic-cloud-email", "Elastic-Cloud-SMTP", ".email", map[string]any{"service": "elastic_cloud", "from": "noreply@watcher.elastic.co"}},
	{"preconfigured-server-log", "Kibana server log (preconfigured)", ".server-log", map[string]any{}},
}

// seedConnectors gives each space its connectors, then points the seeded
// rules' actions at them. Case-capable connectors are handed to cases
// through sp.seededConnectors.
func (k *Kibana) seedConnectors(sp *space, rng *rand.Rand) {
	st := &sp.connectors
	st.byID = map[string]*connector{}
	for _, p := range preconfiguredConnectors {
		st.add(&connector{id: p.id, name: p.name, typeID: p.typeID, preconfigured: true, config: cfgClone(p.config)})
	}
	add := func(name, typeID string, config, secrets map[string]any) *connector {
		ct := connTypeByID(typeID)
		cfg, sec, msg := ct.checkConfigAndSecrets(config, secrets)
		if msg != "" {
			panic("sandbox seed: connector " + name + ": " + msg)
		}
		cn := &connector{id: k.newID(), name: name, typeID: typeID, config: cfg, secrets: sec}
		st.add(cn)
		if ct.cases {
			sp.seededConnectors = append(sp.seededConnectors, connectorRef{ID: cn.id, Name: cn.name, Type: cn.typeID})
		}
		return cn
	}
	var chat, mail, log *connector
	switch sp.id {
	case "default":
		chat = add("SOC Slack", ".slack", nil, map[string]any{"webhookUrl": "https://hooks.slack.com/services/T000/B000/sandbox"})
		mail = add("SOC on-call email", ".email",
			map[string]any{"from": "kibana-alerts@example.com", "host": "smtp.example.com", "port": 587, "secure": false},
			map[string]any{"user": "kibana-alerts", "password": "sandbox-secret"})
		add("Jira SEC project", ".jira",
			map[string]any{"apiUrl": "https://example.atlassian.net", "projectKey": "SEC"},
			map[string]any{"email": "soc-bot@example.com", "apiToken": "sandbox-secret"})
		add("ServiceNow ITSM", ".servicenow",
			map[string]any{"apiUrl": "https://example.service-now.com", "usesTableApi": false},
			map[string]any{"username": "kibana", "password": "sandbox-secret"})
		add("Ticket intake webhook", ".webhook",
			map[string]any{"url": "https://hooks.example.com/kibana", "headers": map[string]any{"Content-Type": "application/json"}},
			map[string]any{"user": "kibana", "password": "sandbox-secret"})
		log = add("Kibana server log", ".server-log", nil, nil)
		add("Alert history index", ".index", map[string]any{"index": "soc-alert-history", "executionTimeField": "@timestamp"}, nil)
	default:
		chat = add("#soc-alerts Slack", ".slack", nil, map[string]any{"webhookUrl": "https://hooks.slack.com/services/T111/B111/sandbox"})
		add("SOC Teams channel", ".teams", nil, map[string]any{"webhookUrl": "https://example.webhook.office.com/webhookb2/sandbox"})
		mail = add("Incident response email", ".email",
			map[string]any{"from": "ir@example.com", "service": "other", "host": "smtp.example.com", "port": 465, "secure": true},
			map[string]any{"user": "ir", "password": "sandbox-secret"})
		add("SOC Jira", ".jira",
			map[string]any{"apiUrl": "https://example.atlassian.net", "projectKey": "SOC"},
			map[string]any{"email": "soc-bot@example.com", "apiToken": "sandbox-secret"})
		add("ServiceNow SecOps", ".servicenow-sir",
			map[string]any{"apiUrl": "https://example-secops.service-now.com", "usesTableApi": false},
			map[string]any{"username": "kibana", "password": "sandbox-secret"})
		add("IBM Resilient", ".resilient",
			map[string]any{"apiUrl": "https://resilient.example.com", "orgId": "201"},
			map[string]any{"apiKeyId": "soc-bot", "apiKeySecret": "sandbox-secret"})
		add("PagerDuty SOC", ".pagerduty", nil, map[string]any{"routingKey": "sandbox-routing-key"})
		legacy := add("Legacy PagerDuty (imported)", ".pagerduty", nil, map[string]any{"routingKey": "x"})
		legacy.secrets, legacy.missingSecrets = map[string]any{}, true
		log = add("SOC server log", ".server-log", nil, nil)
		add("Response actions log", ".index", map[string]any{"index": "soc-response-log", "refresh": true}, nil)
	}
	k.wireSeededRuleActions(sp, rng, chat, mail, log)
}
