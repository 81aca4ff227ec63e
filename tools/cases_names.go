package tools

import (
	"context"
	"encoding/json"

	"github.com/kibana-mcp/kibana-mcp/kibana"
)

// Kibana lists a case's assignees by profile uid only. A model that tells
// the user "assigned to u_WHGh6f…_0" has told them nothing, and no public
// API turns an arbitrary uid into a name; but the users Kibana returns with
// cases (author, last editor, closer, comment authors) and the case
// reporters list usually cover the people a team assigns. These name the
// assignees from them, and leave a uid unnamed when neither knows it.

// caseUser is a user as Kibana's Cases API embeds one.
type caseUser struct {
	Username   string  `json:"username"`
	FullName   *string `json:"full_name"`
	ProfileUID string  `json:"profile_uid"`
}

// name is the user's full name, or the username.
func (u *caseUser) name() string {
	if u.FullName != nil && *u.FullName != "" {
		return *u.FullName
	}
	return u.Username
}

// learn adds the users to names.
func learn(names map[string]string, users ...*caseUser) {
	for _, u := range users {
		if u != nil && u.ProfileUID != "" && u.name() != "" {
			names[u.ProfileUID] = u.name()
		}
	}
}

// nameAssignees returns the names of uids, from names and, for those it
// lacks, one read of the case reporters. A failed read names fewer: it is
// never the call's failure.
func nameAssignees(ctx context.Context, k *kibana.Client, space string, names map[string]string, uids []string) map[string]string {
	missing := false
	for _, uid := range uids {
		if names[uid] == "" {
			missing = true
		}
	}
	if missing {
		var reporters []caseUser
		if callJSON(ctx, k, space, "get_case_reporters", map[string]any{}, &reporters) == nil {
			for i := range reporters {
				learn(names, &reporters[i])
			}
		}
	}
	out := map[string]string{}
	for _, uid := range uids {
		if n := names[uid]; n != "" {
			out[uid] = n
		}
	}
	return out
}

// withAssigneeNames adds assigneeNames to a case document: the names of
// its assignees that its own users or the reporters list give. It reports
// whether it named any.
func withAssigneeNames(ctx context.Context, k *kibana.Client, space string, doc map[string]json.RawMessage) bool {
	var c struct {
		Assignees []struct {
			UID string `json:"uid"`
		} `json:"assignees"`
		CreatedBy *caseUser `json:"created_by"`
		UpdatedBy *caseUser `json:"updated_by"`
		ClosedBy  *caseUser `json:"closed_by"`
		Comments  []struct {
			CreatedBy *caseUser `json:"created_by"`
		} `json:"comments"`
	}
	raw, err := json.Marshal(doc)
	if err != nil || json.Unmarshal(raw, &c) != nil || len(c.Assignees) == 0 {
		return false
	}
	names := map[string]string{}
	learn(names, c.CreatedBy, c.UpdatedBy, c.ClosedBy)
	for _, cm := range c.Comments {
		learn(names, cm.CreatedBy)
	}
	uids := make([]string, len(c.Assignees))
	for i, a := range c.Assignees {
		uids[i] = a.UID
	}
	named := nameAssignees(ctx, k, space, names, uids)
	if len(named) == 0 {
		return false
	}
	b, err := json.Marshal(named)
	if err != nil {
		return false
	}
	doc["assigneeNames"] = b
	return true
}
