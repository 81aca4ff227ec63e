package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Response actions: what each route accepts (Kibana's kbn-config-schema
// rules and messages), the action documents it creates, how they complete
// and the reads that list and show them.

// The response action commands, as Kibana names them.
const (
	epIsolate          = "isolate"
	epUnisolate        = "unisolate"
	epKillProcess      = "kill-process"
	epSuspendProcess   = "suspend-process"
	epRunningProcesses = "running-processes"
	epGetFile          = "get-file"
	epExecute          = "execute"
	epUpload           = "upload"
	epScan             = "scan"
	epRunscript        = "runscript"
	epCancel           = "cancel"
)

var epCommands = []string{epIsolate, epUnisolate, epKillProcess, epSuspendProcess, epRunningProcesses, epGetFile, epExecute, epUpload, epScan, epRunscript, epCancel}

var epAgentTypes = []string{"endpoint", "sentinel_one", "crowdstrike", "microsoft_defender_endpoint"}

// epSupported lists the agent types each command can be sent to by hand.
var epSupported = map[string][]string{
	epIsolate:          epAgentTypes,
	epUnisolate:        epAgentTypes,
	epUpload:           {"endpoint"},
	epGetFile:          {"endpoint", "sentinel_one"},
	epKillProcess:      {"endpoint", "sentinel_one"},
	epExecute:          {"endpoint"},
	epSuspendProcess:   {"endpoint"},
	epRunningProcesses: {"endpoint", "sentinel_one"},
	epScan:             {"endpoint"},
	epRunscript:        {"sentinel_one", "crowdstrike", "microsoft_defender_endpoint"},
	epCancel:           {"microsoft_defender_endpoint"},
}

// epFileAccess lists the commands (by agent type) whose results are files
// that the file info and download routes serve.
var epFileAccess = map[string][]string{
	epGetFile:          {"endpoint", "sentinel_one"},
	epExecute:          {"endpoint"},
	epRunningProcesses: {"sentinel_one"},
	epRunscript:        {"sentinel_one", "microsoft_defender_endpoint"},
}

// epExpiry is how long an unanswered action stays pending before it
// expires.
const epExpiry = 14 * 24 * time.Hour

// epDefaultExecuteTimeout is the timeout (seconds) execute gets when none is
// given.
const epDefaultExecuteTimeout = 14400

// epMaxUploadBytes is Kibana's default limit on an uploaded file.
const epMaxUploadBytes = 26214400

// epAction is one response action request and, once answered, its results.
type epAction struct {
	id, command, agentType, createdBy, comment string
	agents                                     []string
	hostNames                                  map[string]string
	parameters                                 map[string]any
	alertIDs, caseIDs                          []string
	typ, ruleID, ruleName                      string
	startedAt, dueAt, expiration               time.Time

	seen         bool // a read has shown it pending
	neverAnswers bool // the agent never answers: it expires
	completed    bool
	completedAt  time.Time
	results      map[string]*epResult // by agent id, once completed
	files        map[string]*epFile   // by file id
	upload       []byte               // the file an upload action puts on hosts
}

// epResult is one agent's answer to an action.
type epResult struct {
	ok      bool
	errors  []string
	content map[string]any // nil for no output
}

// epFile is a file an action brought back, as the download serves it.
type epFile struct {
	id, agentID, name string
	data              []byte // the zip
	created           time.Time
}

// epDelay is how long an agent takes to answer.
func epDelay(a *epAction) time.Duration {
	switch a.command {
	case epGetFile, epUpload:
		return 12 * time.Second
	case epExecute:
		return 8 * time.Second
	case epScan:
		return 20 * time.Second
	case epRunscript:
		return 15 * time.Second
	case epRunningProcesses:
		return 5 * time.Second
	}
	return 4 * time.Second
}

// epUser is the user a request is made by: the Basic user, else the owner
// of the API key, which the sandbox calls elastic.
func epUser(c *call) string {
	if s, ok := strings.CutPrefix(c.r.Header.Get("Authorization"), "Basic "); ok {
		if b, err := base64.StdEncoding.DecodeString(s); err == nil {
			if user, _, ok := strings.Cut(string(b), ":"); ok && user != "" {
				return user
			}
		}
	}
	return "elastic"
}

// epRequest is a validated response action request.
type epRequest struct {
	endpointIDs, alertIDs, caseIDs []string
	comment, agentType             string
	parameters                     map[string]any
}

// epStrings checks an array of non-empty, non-blank strings.
func epStrings(body map[string]any, name string, required bool) ([]string, string) {
	at := "request body." + name
	v, present := body[name]
	if !present {
		if required {
			return nil, fmt.Sprintf("[%s]: expected value of type [array] but got [undefined]", at)
		}
		return nil, ""
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Sprintf("[%s]: expected value of type [array] but got [%s]", at, epTypeOf(v))
	}
	if len(list) == 0 {
		return nil, fmt.Sprintf("[%s]: array size is [0], but cannot be smaller than [1]", at)
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Sprintf("[%s.%d]: expected value of type [string] but got [%s]", at, i, epTypeOf(e))
		}
		if s == "" {
			return nil, fmt.Sprintf("[%s.%d]: value has length [0] but it must have a minimum length of [1].", at, i)
		}
		out = append(out, s)
	}
	for _, s := range out {
		if strings.TrimSpace(s) == "" {
			return nil, fmt.Sprintf("[%s]: %s cannot contain empty strings", at, name)
		}
	}
	return out, ""
}

// epField is one member of a parameters object.
type epField struct {
	name     string
	kind     string // string, number, boolean
	required bool
	min      float64 // number minimum, or string minimum length
	max      int     // string maximum length, 0 for none
	label    string  // names the member in the "cannot be an empty string" check
}

// epObject checks a strict object against its members; at is the message
// path of the object.
func epObject(at string, v any, fields []epField) (map[string]any, string) {
	if v == nil {
		v = map[string]any{}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Sprintf("[%s]: expected a plain object value, but found [%s] instead.", at, epTypeOf(v))
	}
	out := map[string]any{}
	for _, f := range fields {
		fv, present := obj[f.name]
		path := at + "." + f.name
		if !present {
			if f.required {
				return nil, fmt.Sprintf("[%s]: expected value of type [%s] but got [undefined]", path, f.kind)
			}
			continue
		}
		switch f.kind {
		case "string":
			s, ok := fv.(string)
			if !ok {
				return nil, fmt.Sprintf("[%s]: expected value of type [string] but got [%s]", path, epTypeOf(fv))
			}
			if len(s) < int(f.min) {
				return nil, fmt.Sprintf("[%s]: value has length [%d] but it must have a minimum length of [%g].", path, len(s), f.min)
			}
			if f.max > 0 && len(s) > f.max {
				return nil, fmt.Sprintf("[%s]: value has length [%d] but it must have a maximum length of [%d].", path, len(s), f.max)
			}
			if f.label != "" && strings.TrimSpace(s) == "" {
				return nil, fmt.Sprintf("[%s]: %s cannot be an empty string", path, f.label)
			}
		case "number":
			n, ok := epNumber(fv)
			if !ok {
				return nil, fmt.Sprintf("[%s]: expected value of type [number] but got [%s]", path, epTypeOf(fv))
			}
			if n < f.min {
				return nil, fmt.Sprintf("[%s]: Value must be equal to or greater than [%g].", path, f.min)
			}
			fv = json.Number(strconv.FormatFloat(n, 'f', -1, 64))
		case "boolean":
			if _, ok := fv.(bool); !ok {
				return nil, fmt.Sprintf("[%s]: expected value of type [boolean] but got [%s]", path, epTypeOf(fv))
			}
		}
		out[f.name] = fv
	}
	var unknown []string
	for key := range obj {
		if !slices.ContainsFunc(fields, func(f epField) bool { return f.name == key }) {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Sprintf("[%s.%s]: definition for this key is missing", at, unknown[0])
	}
	return out, ""
}

// epOneOf checks an object against alternatives, as schema.oneOf does.
func epOneOf(at string, v any, present bool, branches ...[]epField) (map[string]any, string) {
	if !present {
		return nil, fmt.Sprintf("[%s]: expected at least one defined value but got [undefined]", at)
	}
	var msgs []string
	for i, b := range branches {
		out, msg := epObject(fmt.Sprintf("%s.%d", at, i), v, b)
		if msg == "" {
			return out, ""
		}
		msgs = append(msgs, "- "+msg)
	}
	return nil, fmt.Sprintf("[%s]: types that failed validation:\n%s", at, strings.Join(msgs, "\n"))
}

// epNumber reads a JSON number (or a numeric string, which
// kbn-config-schema accepts).
func epNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil && strings.TrimSpace(x) != ""
	}
	return 0, false
}

var (
	epPID           = []epField{{name: "pid", kind: "number", required: true, min: 1}}
	epEntity        = []epField{{name: "entity_id", kind: "string", required: true, min: 1}}
	epByProcessName = []epField{{name: "process_name", kind: "string", required: true, min: 1}}
)

// epParameters checks a command's parameters.
func epParameters(command, agentType string, body map[string]any) (map[string]any, string) {
	const at = "request body.parameters"
	v, present := body["parameters"]
	switch command {
	case epIsolate, epUnisolate, epRunningProcesses:
		if !present {
			return nil, ""
		}
		return epObject(at, v, nil)
	case epKillProcess:
		p, msg := epOneOf(at, v, present, epPID, epEntity, epByProcessName)
		if msg != "" {
			return nil, msg
		}
		if _, named := p["process_name"]; named && agentType != "sentinel_one" {
			return nil, "[request body]: [parameters.process_name]: is not valid with agent type of " + agentType
		}
		if _, named := p["process_name"]; !named && agentType == "sentinel_one" {
			return nil, "[request body]: [parameters.process_name]: missing parameter for agent type of " + agentType
		}
		return p, ""
	case epSuspendProcess:
		return epOneOf(at, v, present, epPID, epEntity)
	case epGetFile, epScan:
		return epObject(at, v, []epField{{name: "path", kind: "string", required: true, min: 1}})
	case epExecute:
		return epObject(at, v, []epField{
			{name: "command", kind: "string", required: true, min: 1, max: 8192, label: "command"},
			{name: "timeout", kind: "number", min: 1},
		})
	case epUpload:
		return epObject(at, v, []epField{{name: "overwrite", kind: "boolean"}})
	case epCancel:
		return epObject(at, v, []epField{
			{name: "id", kind: "string", required: true, min: 1, label: "id"},
			{name: "comment", kind: "string", min: 1},
		})
	case epRunscript:
		switch agentType {
		case "crowdstrike":
			p, msg := epObject(at, v, []epField{
				{name: "raw", kind: "string", min: 1, label: "Raw"},
				{name: "hostPath", kind: "string", min: 1, label: "HostPath"},
				{name: "cloudFile", kind: "string", min: 1, label: "CloudFile"},
				{name: "commandLine", kind: "string", min: 1, label: "CommandLine"},
				{name: "timeout", kind: "number", min: 1},
			})
			if msg == "" && p["raw"] == nil && p["hostPath"] == nil && p["cloudFile"] == nil {
				msg = "[" + at + "]: At least one of Raw, HostPath, or CloudFile must be provided"
			}
			return p, msg
		case "microsoft_defender_endpoint":
			return epObject(at, v, []epField{
				{name: "scriptName", kind: "string", required: true, min: 1, label: "ScriptName"},
				{name: "args", kind: "string", min: 1, label: "Args"},
			})
		case "sentinel_one":
			p, msg := epObject(at, v, []epField{
				{name: "script", kind: "string", min: 1, label: "Script"},
				{name: "inputParams", kind: "string", min: 1, label: "InputParams"},
				{name: "scriptId", kind: "string", min: 1, label: "ScriptId"},
				{name: "scriptInput", kind: "string", min: 1, label: "ScriptInput"},
			})
			if msg == "" && p["script"] == nil && p["scriptId"] == nil {
				msg = "[" + at + ".script]: expected value of type [string] but got [undefined]"
			}
			return p, msg
		}
		if present {
			return nil, "[" + at + "]: a value wasn't expected to be present"
		}
		return nil, ""
	}
	return nil, ""
}

// epValidate checks a response action body as the route's schema does.
func epValidate(command string, body map[string]any, extraKeys ...string) (*epRequest, string) {
	req := &epRequest{agentType: "endpoint"}
	var msg string
	if req.endpointIDs, msg = epStrings(body, "endpoint_ids", true); msg != "" {
		return nil, msg
	}
	if req.alertIDs, msg = epStrings(body, "alert_ids", false); msg != "" {
		return nil, msg
	}
	if req.caseIDs, msg = epStrings(body, "case_ids", false); msg != "" {
		return nil, msg
	}
	if v, ok := body["comment"]; ok {
		s, isString := v.(string)
		if !isString {
			return nil, fmt.Sprintf("[request body.comment]: expected value of type [string] but got [%s]", epTypeOf(v))
		}
		req.comment = s
	}
	agentTypeMsg := ""
	if v, ok := body["agent_type"]; ok {
		s, _ := v.(string)
		if !slices.Contains(epAgentTypes, s) {
			agentTypeMsg = epOneOfMessage("request body.agent_type", epAgentTypes)
		} else {
			req.agentType = s
		}
	}
	// runscript's parameters depend on agent_type, which comes first there.
	if command == epRunscript && agentTypeMsg != "" {
		return nil, agentTypeMsg
	}
	if req.parameters, msg = epParameters(command, req.agentType, body); msg != "" {
		return nil, msg
	}
	if agentTypeMsg != "" {
		return nil, agentTypeMsg
	}
	known := append([]string{"endpoint_ids", "alert_ids", "case_ids", "comment", "parameters", "agent_type"}, extraKeys...)
	var unknown []string
	for key := range body {
		if !slices.Contains(known, key) {
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return nil, fmt.Sprintf("[request body.%s]: definition for this key is missing", unknown[0])
	}
	return req, ""
}

// epUploadBody reads the upload route's multipart form: text fields, JSON
// where the schema wants an array or object (as Kibana parses them), and
// the file.
func epUploadBody(c *call) (body map[string]any, name string, data []byte, msg string) {
	if c.form == nil {
		return nil, "", nil, "[request body.file]: expected value of type [Stream] but got [undefined]"
	}
	body = map[string]any{}
	for key, vals := range c.form.Value {
		if len(vals) == 0 {
			continue
		}
		v := vals[0]
		var decoded any
		if t := strings.TrimSpace(v); (strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{")) && json.Unmarshal([]byte(t), &decoded) == nil {
			body[key] = epUseNumbers(decoded)
			continue
		}
		body[key] = v
	}
	files := c.form.File["file"]
	if len(files) == 0 {
		return body, "", nil, ""
	}
	f, err := files[0].Open()
	if err != nil {
		return nil, "", nil, "[request body.file]: " + err.Error()
	}
	defer f.Close()
	data, err = io.ReadAll(f)
	if err != nil {
		return nil, "", nil, "[request body.file]: " + err.Error()
	}
	return body, files[0].Filename, data, ""
}

// epUseNumbers turns float64 from json.Unmarshal into json.Number, as the
// sandbox's JSON bodies carry them.
func epUseNumbers(v any) any {
	switch x := v.(type) {
	case float64:
		return json.Number(strconv.FormatFloat(x, 'f', -1, 64))
	case []any:
		for i := range x {
			x[i] = epUseNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = epUseNumbers(x[k])
		}
	}
	return v
}

// epNotFound is Kibana's 404 for an action id.
func epNotFound(c *call, id string) {
	c.notFound(fmt.Sprintf("Action with id '%s' not found.", id))
}

// responseAction answers a response action route: validation, the hosts,
// then the action document, pending.
func (k *Kibana) responseAction(command string) func(*call) {
	return func(c *call) {
		var body map[string]any
		var fileName string
		var fileData []byte
		if command == epUpload {
			if c.form == nil && len(c.rawBody) > 0 {
				c.answered = true
				writeError(c.w, http.StatusUnsupportedMediaType, "Unsupported Media Type")
				return
			}
			var msg string
			if body, fileName, fileData, msg = epUploadBody(c); msg != "" {
				c.badRequest(msg)
				return
			}
		} else {
			if !c.requireBody() {
				return
			}
			body = c.body
		}
		var extra []string
		if command == epUpload {
			extra = []string{"file"}
		}
		req, msg := epValidate(command, body, extra...)
		if msg == "" && command == epUpload && fileData == nil {
			msg = "[request body.file]: expected value of type [Stream] but got [undefined]"
		}
		if msg != "" {
			c.badRequest(msg)
			return
		}
		if command == epUpload && len(fileData) > epMaxUploadBytes {
			c.answered = true
			writeError(c.w, http.StatusRequestEntityTooLarge, fmt.Sprintf("Payload content length greater than maximum allowed: %d", epMaxUploadBytes))
			return
		}
		st := &c.space.endpoint
		k.epTick(c.space, false)
		var original *epAction
		if command == epCancel {
			id := req.parameters["id"].(string)
			if original = st.actions[id]; original == nil {
				epNotFound(c, id)
				return
			}
		}
		var valid, invalid []string
		for _, id := range epUnique(req.endpointIDs) {
			if st.hosts[id] != nil {
				valid = append(valid, id)
			} else {
				invalid = append(invalid, id)
			}
		}
		if len(valid) == 0 {
			b, _ := json.Marshal(invalid)
			c.badRequest(fmt.Sprintf("The host does not have Elastic Defend integration installed: the following agent ids are not valid: %s", b))
			return
		}
		if command == epRunscript && req.agentType == "endpoint" {
			c.badRequest("Elastic Defend runscript operation is not enabled")
			return
		}
		if !slices.Contains(epSupported[command], req.agentType) {
			c.answered = true
			writeError(c.w, http.StatusMethodNotAllowed, fmt.Sprintf("Action [%s] not supported", command))
			return
		}
		user := epUser(c)
		if original != nil {
			if msg := epCheckCancel(original, req); msg != "" {
				c.badRequest(msg)
				return
			}
		}
		now := k.cfg.Now().UTC().Truncate(time.Millisecond)
		a := &epAction{
			id: k.newID(), command: command, agentType: req.agentType, createdBy: user, comment: req.comment,
			agents: valid, hostNames: map[string]string{}, parameters: req.parameters,
			alertIDs: req.alertIDs, caseIDs: req.caseIDs, typ: "manual", startedAt: now, expiration: now.Add(epExpiry),
		}
		for _, id := range valid {
			a.hostNames[id] = st.hosts[id].name
		}
		if len(invalid) > 0 {
			b, _ := json.Marshal(invalid)
			warning := fmt.Sprintf("(WARNING: The following agent ids are not valid: %s and will not be included in action request)", b)
			if a.comment != "" {
				a.comment += ". " + warning
			} else {
				a.comment = warning
			}
		}
		switch command {
		case epExecute:
			if a.parameters["timeout"] == nil {
				a.parameters["timeout"] = epDefaultExecuteTimeout
			}
		case epUpload:
			sum := sha256.Sum256(fileData)
			overwrite, _ := a.parameters["overwrite"].(bool)
			a.parameters = map[string]any{"overwrite": overwrite, "file_id": k.newID(), "file_name": fileName,
				"file_sha256": hex.EncodeToString(sum[:]), "file_size": len(fileData)}
			a.upload = fileData
		}
		a.dueAt = now.Add(epDelay(a))
		st.addAction(a)
		if original != nil {
			k.epCancelAction(c.space, original, a, now)
		}
		out := map[string]any{"data": k.epActionDoc(a, true)}
		if command == epIsolate || command == epUnisolate {
			out["action"] = a.id
		}
		c.ok(out)
	}
}

// epCheckCancel says why an action cannot be cancelled by a request, if it
// cannot.
func epCheckCancel(original *epAction, req *epRequest) string {
	if original.agentType != req.agentType {
		return fmt.Sprintf("Action [%s] was sent to agent type [%s], not [%s]", original.id, original.agentType, req.agentType)
	}
	for _, id := range req.endpointIDs {
		if !slices.Contains(original.agents, id) {
			return fmt.Sprintf("Endpoint ID [%s] is not associated with action [%s]", id, original.id)
		}
	}
	if original.command == epCancel {
		return fmt.Sprintf("Action [%s] is a cancel action and cannot be cancelled", original.id)
	}
	if original.completed {
		return fmt.Sprintf("Action [%s] cannot be cancelled: it has already completed", original.id)
	}
	return ""
}

// epCancelAction stops a pending action: its agents answer with a failure.
func (k *Kibana) epCancelAction(sp *space, original, cancel *epAction, at time.Time) {
	original.completed, original.completedAt = true, at
	original.results = map[string]*epResult{}
	for _, id := range original.agents {
		original.results[id] = &epResult{errors: []string{fmt.Sprintf("Action was cancelled by %s (cancel action %s)", cancel.createdBy, cancel.id)}}
	}
}

// epTick moves a space's actions on before a request that looks at them:
// an action completes when its time has come, or at the second read that
// finds it pending (writes do not count as reads).
func (k *Kibana) epTick(sp *space, read bool) {
	now := k.cfg.Now().UTC()
	st := &sp.endpoint
	for _, id := range st.actionOrder {
		a := st.actions[id]
		if a.completed || a.neverAnswers {
			continue
		}
		switch {
		case !now.Before(a.dueAt):
			k.completeAction(sp, a, a.dueAt)
		case !read:
		case a.seen:
			k.completeAction(sp, a, now.Truncate(time.Millisecond))
		default:
			a.seen = true
		}
	}
}

// completeAction has every agent of an action answer it, at a time.
func (k *Kibana) completeAction(sp *space, a *epAction, at time.Time) {
	a.completed, a.completedAt = true, at
	a.results = map[string]*epResult{}
	for _, agentID := range a.agents {
		h := sp.endpoint.hosts[agentID]
		if h == nil {
			a.results[agentID] = &epResult{errors: []string{"The host does not have Elastic Defend integration installed"}}
			continue
		}
		a.results[agentID] = k.epRun(a, h, at)
	}
}

// epRun is what a host does with an action and answers.
func (k *Kibana) epRun(a *epAction, h *epHost, at time.Time) *epResult {
	p := a.parameters
	switch a.command {
	case epIsolate:
		h.isolated = true
		return &epResult{ok: true}
	case epUnisolate:
		h.isolated = false
		return &epResult{ok: true}
	case epKillProcess, epSuspendProcess:
		return epSignal(a, h)
	case epRunningProcesses:
		var entries []any
		for _, proc := range h.procs {
			entries = append(entries, map[string]any{"command": proc.command, "pid": proc.pid, "entity_id": proc.entityID, "user": proc.user})
		}
		if a.agentType == "sentinel_one" {
			b, _ := json.MarshalIndent(entries, "", "  ")
			f := k.epAddFile(a, h.agentID, "processes.zip", map[string][]byte{"processes.json": b}, at)
			return &epResult{ok: true, content: map[string]any{"code": "ra_get-processes_success", "downloadUri": epDownloadURI(a.id, f.id)}}
		}
		return &epResult{ok: true, content: map[string]any{"code": "ra_get-processes_success", "entries": entries}}
	case epGetFile:
		path := p["path"].(string)
		name := epBaseName(path)
		if name == "" {
			return &epResult{errors: []string{fmt.Sprintf("The path [%s] is a folder, not a file", path)},
				content: map[string]any{"code": "ra_get-file_error_invalid-input"}}
		}
		data := epFileContent(h, path)
		sum := sha256.Sum256(data)
		f := k.epAddFile(a, h.agentID, name+".zip", map[string][]byte{name: data}, at)
		content := map[string]any{
			"code": "ra_get-file_success_done", "zip_size": len(f.data),
			"contents": []any{map[string]any{"path": path, "sha256": hex.EncodeToString(sum[:]), "size": len(data), "file_name": name, "type": "file"}},
		}
		if a.agentType == "sentinel_one" {
			content = map[string]any{"code": "ra_get-file_success", "downloadUri": epDownloadURI(a.id, f.id)}
		}
		return &epResult{ok: true, content: content}
	case epExecute:
		command := p["command"].(string)
		out := epShell(h, command)
		f := k.epAddFile(a, h.agentID, "full-output.zip", map[string][]byte{"output.log": []byte(out.stdout), "error.log": []byte(out.stderr)}, at)
		return &epResult{ok: true, content: map[string]any{
			"code": "ra_execute_success_done", "stdout": out.stdout, "stderr": out.stderr,
			"stdout_truncated": false, "stderr_truncated": false, "shell_code": out.code, "shell": out.shell, "cwd": out.cwd,
			"output_file_id": f.id, "output_file_stdout_truncated": false, "output_file_stderr_truncated": false,
		}}
	case epScan:
		return &epResult{ok: true, content: map[string]any{"code": "ra_scan_success_done"}}
	case epUpload:
		name := p["file_name"].(string)
		overwrite, _ := p["overwrite"].(bool)
		if h.uploads[name] && !overwrite {
			return &epResult{errors: []string{fmt.Sprintf("A file named [%s] already exists on the host; send overwrite to replace it", name)},
				content: map[string]any{"code": "ra_upload_already-exists"}}
		}
		if h.uploads == nil {
			h.uploads = map[string]bool{}
		}
		h.uploads[name] = true
		dir := "/opt/Elastic/Endpoint/state/response_actions/uploads/" + a.id + "/"
		if h.os == "windows" {
			dir = `C:\Program Files\Elastic\Endpoint\state\response_actions\uploads\` + a.id + `\`
		}
		return &epResult{ok: true, content: map[string]any{"code": "ra_upload_file-success", "path": dir + name, "disk_free_space": 48318382080}}
	case epRunscript:
		return k.epRunscript(a, h, at)
	case epCancel:
		return &epResult{ok: true, content: map[string]any{"code": "ra_cancel_success"}}
	}
	return &epResult{ok: true}
}

// epSignal kills or suspends the process the parameters name.
func epSignal(a *epAction, h *epHost) *epResult {
	p := a.parameters
	verb := strings.TrimSuffix(a.command, "-process")
	if name, ok := p["process_name"].(string); ok {
		var kept []*epProcess
		found := false
		for _, proc := range h.procs {
			if strings.EqualFold(epProcessName(proc.command), name) {
				found = true
				continue
			}
			kept = append(kept, proc)
		}
		if !found {
			return &epResult{errors: []string{fmt.Sprintf("No process named [%s] is running on the host", name)}, content: map[string]any{"code": "ra_" + a.command + "_error_not-found", "command": a.command, "process_name": name}}
		}
		h.procs = kept
		return &epResult{ok: true, content: map[string]any{"code": "ok", "command": a.command, "process_name": name}}
	}
	for i, proc := range h.procs {
		pid, byPID := epNumber(p["pid"])
		if (byPID && int(pid) == proc.pid) || (!byPID && p["entity_id"] == proc.entityID) {
			if a.command == epKillProcess {
				h.procs = slices.Delete(h.procs, i, i+1)
			} else {
				proc.suspended = true
			}
			return &epResult{ok: true, content: map[string]any{"code": "ra_" + a.command + "_success", "command": proc.command, "pid": proc.pid, "entity_id": proc.entityID}}
		}
	}
	what := fmt.Sprintf("entity_id [%v]", p["entity_id"])
	if p["pid"] != nil {
		what = fmt.Sprintf("pid [%v]", p["pid"])
	}
	return &epResult{errors: []string{fmt.Sprintf("Unable to %s: no process with %s is running on the host", verb, what)},
		content: map[string]any{"code": "ra_" + a.command + "_error_not-found"}}
}

// epProcessName is the executable's file name in a command line.
func epProcessName(command string) string {
	exe := command
	if rest, ok := strings.CutPrefix(command, `"`); ok {
		exe, _, _ = strings.Cut(rest, `"`)
	} else if fields := strings.Fields(command); len(fields) > 0 {
		exe = fields[0]
	}
	return epBaseName(exe)
}

// epRunscript is a script run through a third-party agent.
func (k *Kibana) epRunscript(a *epAction, h *epHost, at time.Time) *epResult {
	p := a.parameters
	script := ""
	for _, key := range []string{"scriptName", "script", "scriptId", "hostPath", "cloudFile"} {
		if s, ok := p[key].(string); ok {
			script = s
			break
		}
	}
	if script == "" {
		script = "inline script"
	}
	stdout := fmt.Sprintf("Running %s on %s\nCollected 3 items into C:\\ProgramData\\IR\\%s\nDone.\n", script, h.name, a.id)
	if h.os != "windows" {
		stdout = fmt.Sprintf("Running %s on %s\nCollected 3 items into /var/tmp/ir/%s\nDone.\n", script, h.name, a.id)
	}
	switch a.agentType {
	case "sentinel_one", "microsoft_defender_endpoint":
		f := k.epAddFile(a, h.agentID, "script-output.zip", map[string][]byte{"output.txt": []byte(stdout)}, at)
		content := map[string]any{"code": "ra_runscript_success", "downloadUri": epDownloadURI(a.id, f.id)}
		if a.agentType == "microsoft_defender_endpoint" {
			content["stdout"], content["stderr"] = stdout, ""
		}
		return &epResult{ok: true, content: content}
	}
	return &epResult{ok: true, content: map[string]any{"code": "ra_runscript_success", "stdout": stdout, "stderr": ""}}
}

// epDownloadURI is where a file of an action is downloaded (without the
// space prefix).
func epDownloadURI(actionID, fileID string) string {
	return "/api/endpoint/action/" + actionID + "/file/" + fileID + "/download"
}

// epBaseName is the file name of a Windows or POSIX path ("" for a folder).
func epBaseName(path string) string {
	i := strings.LastIndexAny(path, `/\`)
	return path[i+1:]
}

// epActionDoc is an action as Kibana answers it (ActionDetails).
func (k *Kibana) epActionDoc(a *epAction, withOutputs bool) map[string]any {
	now := k.cfg.Now()
	expired := !a.completed && now.After(a.expiration)
	hosts := map[string]any{}
	agentState := map[string]any{}
	outputs := map[string]any{}
	var errs []string
	ok := a.completed
	for _, id := range a.agents {
		hosts[id] = map[string]any{"name": a.hostNames[id]}
		state := map[string]any{"isCompleted": a.completed, "wasSuccessful": false}
		if r := a.results[id]; r != nil {
			state["wasSuccessful"] = r.ok
			state["completedAt"] = epStamp(a.completedAt)
			if len(r.errors) > 0 {
				state["errors"] = r.errors
				errs = append(errs, r.errors...)
			}
			if r.content != nil {
				outputs[id] = map[string]any{"type": "json", "content": r.content}
			}
			ok = ok && r.ok
		}
		agentState[id] = state
	}
	status := "pending"
	switch {
	case expired:
		status = "failed"
		errs = append(errs, "The action was not answered before it expired")
	case a.completed && ok:
		status = "successful"
	case a.completed:
		status = "failed"
	}
	doc := map[string]any{
		"id": a.id, "agents": a.agents, "agentType": a.agentType, "hosts": hosts, "command": a.command,
		"isExpired": expired, "isCompleted": a.completed, "wasSuccessful": a.completed && ok, "status": status,
		"startedAt": epStamp(a.startedAt), "createdBy": a.createdBy, "agentState": agentState,
	}
	if a.completed {
		doc["completedAt"] = epStamp(a.completedAt)
	}
	if len(errs) > 0 {
		doc["errors"] = errs
	}
	if a.comment != "" {
		doc["comment"] = a.comment
	}
	if a.parameters != nil {
		doc["parameters"] = a.parameters
	}
	if len(a.alertIDs) > 0 {
		doc["alertIds"] = a.alertIDs
	}
	if a.typ == "automated" {
		doc["ruleId"], doc["ruleName"] = a.ruleID, a.ruleName
	}
	if withOutputs {
		doc["outputs"] = outputs
	}
	return doc
}

// getEndpointAction answers an action's details. Kibana answers {data};
// the spec's schema is the details themselves, whose required command is
// answered beside data too.
func (k *Kibana) getEndpointAction(c *call) {
	k.epTick(c.space, true)
	id := c.param("action_id")
	a := c.space.endpoint.actions[id]
	if a == nil {
		epNotFound(c, id)
		return
	}
	c.ok(map[string]any{"data": k.epActionDoc(a, true), "command": a.command})
}

// endpointActionState answers whether Kibana can encrypt action data.
// Kibana answers {data}; the spec's {body: {data}} is answered too.
func (k *Kibana) endpointActionState(c *call) {
	data := map[string]any{"canEncrypt": true}
	c.ok(map[string]any{"data": data, "body": map[string]any{"data": data}})
}

// endpointActionStatus counts each agent's pending actions by command.
// Kibana answers {data: [...]}; the spec's {body: {data: {...}}} (one
// agent) is answered too, for the first agent.
func (k *Kibana) endpointActionStatus(c *call) {
	ids := c.queryAll("agent_ids")
	if len(ids) == 0 {
		c.badRequest("[request query.agent_ids]: expected at least one defined value but got [undefined]")
		return
	}
	if len(ids) > 50 {
		c.badRequest(fmt.Sprintf("[request query.agent_ids]: array size is [%d], but cannot be greater than [50]", len(ids)))
		return
	}
	for i, id := range ids {
		if strings.TrimSpace(id) == "" {
			c.badRequest(fmt.Sprintf("[request query.agent_ids.%d]: value has length [0] but it must have a minimum length of [1].", i))
			return
		}
	}
	k.epTick(c.space, true)
	st := &c.space.endpoint
	var data []any
	for _, id := range epUnique(ids) {
		pending := map[string]any{}
		for _, aid := range st.actionOrder {
			a := st.actions[aid]
			if a.completed || !slices.Contains(a.agents, id) || k.cfg.Now().After(a.expiration) {
				continue
			}
			n, _ := pending[a.command].(int)
			pending[a.command] = n + 1
		}
		data = append(data, map[string]any{"agent_id": id, "pending_actions": pending})
	}
	c.ok(map[string]any{"data": data, "body": map[string]any{"data": data[0]}})
}

// findEndpointActions lists actions, newest first, with Kibana's filters.
func (k *Kibana) findEndpointActions(c *call) {
	page, ok := epQueryNumber(c, "page", 1, 1, 0)
	if !ok {
		return
	}
	size, ok := epQueryNumber(c, "pageSize", 10, 1, 10000)
	if !ok {
		return
	}
	commands, ok := epQueryEnum(c, "commands", epCommands, 0)
	if !ok {
		return
	}
	agentTypes, ok := epQueryEnum(c, "agentTypes", epAgentTypes, 0)
	if !ok {
		return
	}
	types, ok := epQueryEnum(c, "types", []string{"automated", "manual"}, 2)
	if !ok {
		return
	}
	agentIDs, ok := epQueryList(c, "agentIds", 50)
	if !ok {
		return
	}
	userIDs, ok := epQueryList(c, "userIds", 0)
	if !ok {
		return
	}
	withOutputs, ok := epQueryList(c, "withOutputs", 0)
	if !ok {
		return
	}
	now := k.cfg.Now().UTC()
	var from, to time.Time
	if s := c.query("startDate"); s != "" {
		if from, ok = dateMath(s, now, false); !ok {
			c.badRequest(fmt.Sprintf("[request query.startDate]: failed to parse date field [%s]", s))
			return
		}
	}
	if s := c.query("endDate"); s != "" {
		if to, ok = dateMath(s, now, true); !ok {
			c.badRequest(fmt.Sprintf("[request query.endDate]: failed to parse date field [%s]", s))
			return
		}
	}
	k.epTick(c.space, true)
	st := &c.space.endpoint
	var matched []*epAction
	for _, id := range st.actionOrder {
		a := st.actions[id]
		switch {
		case len(commands) > 0 && !slices.Contains(commands, a.command),
			len(agentTypes) > 0 && !slices.Contains(agentTypes, a.agentType),
			len(types) > 0 && !slices.Contains(types, a.typ),
			len(userIDs) > 0 && !slices.ContainsFunc(userIDs, func(u string) bool { return epWildcard(u, a.createdBy) }),
			len(agentIDs) > 0 && !slices.ContainsFunc(agentIDs, func(id string) bool { return slices.Contains(a.agents, id) }),
			!from.IsZero() && a.startedAt.Before(from),
			!to.IsZero() && a.startedAt.After(to):
			continue
		}
		matched = append(matched, a)
	}
	sort.SliceStable(matched, func(i, j int) bool { return matched[i].startedAt.After(matched[j].startedAt) })
	data := []any{}
	for i := (page - 1) * size; i < len(matched) && i < page*size; i++ {
		a := matched[i]
		data = append(data, k.epActionDoc(a, slices.Contains(withOutputs, a.id)))
	}
	out := map[string]any{"page": page, "pageSize": size, "data": data, "total": len(matched)}
	for key, v := range map[string][]string{"commands": commands, "agentTypes": agentTypes, "elasticAgentIds": agentIDs, "userIds": userIDs, "types": types} {
		if len(v) > 0 {
			out[key] = v
		}
	}
	for key, name := range map[string]string{"startDate": "startDate", "endDate": "endDate"} {
		if s := c.query(name); s != "" {
			out[key] = s
		}
	}
	c.ok(out)
}

// epWildcard matches a userIds value, which may use * wildcards.
func epWildcard(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	re := "^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*") + "$"
	ok, _ := regexp.MatchString(re, s)
	return ok
}

// epQueryNumber reads a number query parameter as kbn-config-schema does.
func epQueryNumber(c *call, name string, def, min, max int) (int, bool) {
	s := c.query(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		c.badRequest(fmt.Sprintf("[request query.%s]: expected value of type [number] but got [string]", name))
		return 0, false
	}
	if n < min {
		c.badRequest(fmt.Sprintf("[request query.%s]: Value must be equal to or greater than [%d].", name, min))
		return 0, false
	}
	if max > 0 && n > max {
		c.badRequest(fmt.Sprintf("[request query.%s]: Value must be equal to or lower than [%d].", name, max))
		return 0, false
	}
	return n, true
}

// epQueryList reads a string or array of strings query parameter.
func epQueryList(c *call, name string, max int) ([]string, bool) {
	vals := c.queryAll(name)
	for i, v := range vals {
		if v == "" {
			c.badRequest(fmt.Sprintf("[request query.%s.%d]: value has length [0] but it must have a minimum length of [1].", name, i))
			return nil, false
		}
	}
	if max > 0 && len(vals) > max {
		c.badRequest(fmt.Sprintf("[request query.%s]: array size is [%d], but cannot be greater than [%d]", name, len(vals), max))
		return nil, false
	}
	return vals, true
}

// epQueryEnum reads a list query parameter whose values are literals.
func epQueryEnum(c *call, name string, allowed []string, max int) ([]string, bool) {
	vals, ok := epQueryList(c, name, max)
	if !ok {
		return nil, false
	}
	for i, v := range vals {
		if !slices.Contains(allowed, v) {
			c.badRequest(epOneOfMessage(fmt.Sprintf("request query.%s.%d", name, i), allowed))
			return nil, false
		}
	}
	return vals, true
}
