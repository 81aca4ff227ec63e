package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"time"
)

// The Cases area: cases, their attachments (user comments, alerts, files),
// their activity (user actions) and the case settings of each owner app, kept
// per space the way Kibana's saved objects keep them.

// Saved-object types, as Kibana names them in its not-found messages.
const (
	caseSOType          = "cases"
	caseCommentSOType   = "cases-comments"
	caseConfigureSOType = "cases-configure"
)

// Kibana's limits on cases.
const (
	maxCaseTitle        = 160
	maxCaseDescription  = 30000
	maxCaseTags         = 200
	maxCaseTagLength    = 256
	maxCaseCategory     = 50
	maxCaseAssignees    = 10
	maxCaseCustomFields = 10
	maxCaseComment      = 30000
	maxAlertsPerCase    = 1000
	maxCasesPerPage     = 100
	maxCaseDocs         = 10000
	maxFilesPerCase     = 100
)

var (
	caseOwners         = []string{"cases", "observability", "securitySolution"}
	caseSeverities     = []string{"low", "medium", "high", "critical"}
	caseStatuses       = []string{"open", "in-progress", "closed"}
	caseConnectorTypes = []string{".none", ".jira", ".servicenow", ".servicenow-sir", ".resilient", ".swimlane", ".cases-webhook"}
	caseClosureTypes   = []string{"close-by-user", "close-by-pushing"}
)

// caseConnectorFieldKeys are the members a case connector's fields must
// have, per connector type (each may be null).
var caseConnectorFieldKeys = map[string][]string{
	".jira":           {"issueType", "priority", "parent"},
	".servicenow":     {"impact", "severity", "urgency", "category", "subcategory"},
	".servicenow-sir": {"category", "subcategory", "priority", "destIp", "sourceIp", "malwareHash", "malwareUrl"},
	".swimlane":       {"caseId"},
	".resilient":      {"issueTypes", "severityCode"},
}

// casesState holds a space's cases, attachments, activity and settings.
type casesState struct {
	seq      int // the space's saved-object sequence; versions are drawn from it
	cases    map[string]*caseDoc
	comments map[string]*caseCommentDoc
	actions  []*caseUserAction // in the order they happened
	configs  map[string]*caseConfigDoc
	pushes   int // tickets opened in external systems, for their numbers
}

func (st *casesState) init() {
	if st.cases == nil {
		st.cases = map[string]*caseDoc{}
		st.comments = map[string]*caseCommentDoc{}
		st.configs = map[string]*caseConfigDoc{}
	}
}

// nextVersion returns a saved-object version in Kibana's shape: base64 of
// "[seq_no,primary_term]".
func (st *casesState) nextVersion() string {
	st.seq++
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "[%d,1]", st.seq))
}

// caseUser is a user as cases record them.
type caseUser struct {
	Email      *string `json:"email"`
	FullName   *string `json:"full_name"`
	Username   string  `json:"username"`
	ProfileUID string  `json:"profile_uid,omitempty"`
}

// newCaseUser describes a user; empty full name and email are null.
func newCaseUser(username, fullName, email string) caseUser {
	u := caseUser{Username: username, ProfileUID: caseProfileUID(username)}
	if fullName != "" {
		u.FullName = &fullName
	}
	if email != "" {
		u.Email = &email
	}
	return u
}

// caseProfileUID derives a user profile uid in Kibana's shape from a username.
func caseProfileUID(username string) string {
	sum := sha256.Sum256([]byte("profile:" + username))
	return "u_" + base64.RawURLEncoding.EncodeToString(sum[:])[:43] + "_0"
}

type caseAssignee struct {
	UID string `json:"uid"`
}

type caseConnector struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Fields any    `json:"fields"`
}

var noCaseConnector = caseConnector{ID: "none", Name: "none", Type: ".none"}

type caseSettings struct {
	SyncAlerts bool `json:"syncAlerts"`
}

type caseCustomField struct {
	Key   string `json:"key"`
	Type  string `json:"type"`
	Value any    `json:"value"`
}

type caseExternalService struct {
	ConnectorID   string    `json:"connector_id"`
	ConnectorName string    `json:"connector_name"`
	ExternalID    string    `json:"external_id"`
	ExternalTitle string    `json:"external_title"`
	ExternalURL   string    `json:"external_url"`
	PushedAt      string    `json:"pushed_at"`
	PushedBy      *caseUser `json:"pushed_by"`
}

// caseDoc is one case.
type caseDoc struct {
	id, version, owner      string
	title, description      string
	status, severity        string
	category                *string
	tags                    []string
	assignees               []caseAssignee
	connector               caseConnector
	settings                caseSettings
	customFields            []caseCustomField
	external                *caseExternalService
	createdAt               time.Time
	createdBy               caseUser
	updatedAt, closedAt     *time.Time
	updatedBy, closedBy     *caseUser
	comments                []string // attachment ids, oldest first
	totalComment, totalAlts int
}

// caseJSON is a case as Kibana answers it.
type caseJSON struct {
	ID              string               `json:"id"`
	Version         string               `json:"version"`
	Owner           string               `json:"owner"`
	Title           string               `json:"title"`
	Description     string               `json:"description"`
	Status          string               `json:"status"`
	Severity        string               `json:"severity"`
	Tags            []string             `json:"tags"`
	Category        *string              `json:"category"`
	Assignees       []caseAssignee       `json:"assignees"`
	Connector       caseConnector        `json:"connector"`
	Settings        caseSettings         `json:"settings"`
	CustomFields    []caseCustomField    `json:"customFields"`
	ExternalService *caseExternalService `json:"external_service"`
	CreatedAt       string               `json:"created_at"`
	CreatedBy       caseUser             `json:"created_by"`
	UpdatedAt       *string              `json:"updated_at"`
	UpdatedBy       *caseUser            `json:"updated_by"`
	ClosedAt        *string              `json:"closed_at"`
	ClosedBy        *caseUser            `json:"closed_by"`
	Duration        *int64               `json:"duration"`
	TotalComment    int                  `json:"totalComment"`
	TotalAlerts     int                  `json:"totalAlerts"`
	Comments        []caseCommentJSON    `json:"comments"`
}

func caseTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func caseTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := caseTime(*t)
	return &s
}

// render answers the case, with its attachments when withComments.
func (st *casesState) render(cs *caseDoc, withComments bool) caseJSON {
	out := caseJSON{
		ID: cs.id, Version: cs.version, Owner: cs.owner, Title: cs.title, Description: cs.description,
		Status: cs.status, Severity: cs.severity, Tags: caseNonNil(cs.tags), Category: cs.category,
		Assignees: caseNonNil(cs.assignees), Connector: cs.connector, Settings: cs.settings,
		CustomFields: caseNonNil(cs.customFields), ExternalService: cs.external,
		CreatedAt: caseTime(cs.createdAt), CreatedBy: cs.createdBy,
		UpdatedAt: caseTimePtr(cs.updatedAt), UpdatedBy: cs.updatedBy,
		ClosedAt: caseTimePtr(cs.closedAt), ClosedBy: cs.closedBy,
		TotalComment: cs.totalComment, TotalAlerts: cs.totalAlts, Comments: []caseCommentJSON{},
	}
	if cs.closedAt != nil {
		d := int64(math.Floor(cs.closedAt.Sub(cs.createdAt).Seconds()))
		out.Duration = &d
	}
	if withComments {
		for _, id := range cs.comments {
			out.Comments = append(out.Comments, st.comments[id].render())
		}
	}
	return out
}

func caseNonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// caseCommentDoc is one attachment of a case: a user comment, alerts, or a file.
type caseCommentDoc struct {
	id, caseID, version, owner, typ string

	comment string // user

	alertIDs, indices []string // alert
	singleAlert       bool     // alertId and index were given as strings
	rule              caseRule

	file *caseFile // externalReference (.files)

	createdAt           time.Time
	createdBy           caseUser
	updatedAt, pushedAt *time.Time
	updatedBy, pushedBy *caseUser
}

type caseRule struct {
	ID   *string `json:"id"`
	Name *string `json:"name"`
}

type caseFile struct {
	ID, Name, Extension, MimeType string
	Size                          int
	Created                       time.Time
}

// caseCommentJSON is an attachment as Kibana answers it; the members present
// depend on its type.
type caseCommentJSON map[string]any

func (cm *caseCommentDoc) render() caseCommentJSON {
	out := caseCommentJSON{
		"id": cm.id, "version": cm.version, "type": cm.typ, "owner": cm.owner,
		"created_at": caseTime(cm.createdAt), "created_by": cm.createdBy,
		"updated_at": caseTimePtr(cm.updatedAt), "updated_by": cm.updatedBy,
		"pushed_at": caseTimePtr(cm.pushedAt), "pushed_by": cm.pushedBy,
	}
	for k, v := range cm.attributes() {
		out[k] = v
	}
	return out
}

// attributes are the type's own members of the attachment, as a request
// gives them and as user actions record them.
func (cm *caseCommentDoc) attributes() map[string]any {
	switch cm.typ {
	case "user":
		return map[string]any{"type": "user", "comment": cm.comment, "owner": cm.owner}
	case "alert":
		var ids, idx any = slices.Clone(cm.alertIDs), slices.Clone(cm.indices)
		if cm.singleAlert {
			ids, idx = cm.alertIDs[0], cm.indices[0]
		}
		return map[string]any{"type": "alert", "alertId": ids, "index": idx, "rule": cm.rule, "owner": cm.owner}
	default:
		f := cm.file
		return map[string]any{
			"type":                              "externalReference",
			"externalReferenceId":               f.ID,
			"externalReferenceStorage":          map[string]any{"type": "savedObject", "soType": "file"},
			"externalReferenceAttachmentTypeId": ".files",
			"externalReferenceMetadata": map[string]any{"files": []map[string]any{{
				"name": f.Name, "extension": f.Extension, "mimeType": f.MimeType, "created": caseTime(f.Created),
			}}},
			"owner": cm.owner,
		}
	}
}

// caseUserAction is one entry of a case's activity.
type caseUserAction struct {
	ID        string         `json:"id"`
	Version   string         `json:"version"`
	Action    string         `json:"action"`
	Type      string         `json:"type"`
	Payload   map[string]any `json:"payload"`
	CreatedAt string         `json:"created_at"`
	CreatedBy caseUser       `json:"created_by"`
	CommentID *string        `json:"comment_id"`
	Owner     string         `json:"owner"`

	caseID string
}

// caseConfigDoc is the case settings of one owner app in a space.
type caseConfigDoc struct {
	ID              string             `json:"id"`
	Version         string             `json:"version"`
	Owner           string             `json:"owner"`
	ClosureType     string             `json:"closure_type"`
	Connector       caseConnector      `json:"connector"`
	CustomFields    []map[string]any   `json:"customFields"`
	Templates       []map[string]any   `json:"templates"`
	ObservableTypes []any              `json:"observableTypes"`
	Mappings        []caseFieldMapping `json:"mappings"`
	CreatedAt       string             `json:"created_at"`
	CreatedBy       caseUser           `json:"created_by"`
	UpdatedAt       *string            `json:"updated_at"`
	UpdatedBy       *caseUser          `json:"updated_by"`
	Error           *string            `json:"error"`
}

type caseFieldMapping struct {
	Source     string `json:"source"`
	Target     string `json:"target"`
	ActionType string `json:"action_type"`
}

// caseConnectorMappings are the fields a connector type maps a case onto.
func caseConnectorMappings(connectorType string) []caseFieldMapping {
	m := func(title, description, comments, tags string) []caseFieldMapping {
		out := []caseFieldMapping{
			{"title", title, "overwrite"}, {"description", description, "overwrite"}, {"comments", comments, "append"},
		}
		if tags != "" {
			out = append(out, caseFieldMapping{"tags", tags, "overwrite"})
		}
		return out
	}
	switch connectorType {
	case ".jira":
		return m("summary", "description", "comments", "labels")
	case ".servicenow", ".servicenow-sir":
		return m("short_description", "description", "work_notes", "")
	case ".resilient":
		return m("name", "description", "comments", "")
	case ".swimlane":
		return m("caseName", "description", "comments", "")
	}
	return []caseFieldMapping{}
}

// configFor returns the settings of an owner app, nil without any.
func (st *casesState) configFor(owner string) *caseConfigDoc {
	for _, cfg := range st.configs {
		if cfg.Owner == owner {
			return cfg
		}
	}
	return nil
}
