package tools

import (
	"fmt"
	"net/http"

	"github.com/kibana-mcp/kibana-mcp/operation"
	"github.com/kibana-mcp/kibana-mcp/schema"
)

// The Fleet API's credentials: enrollment API keys (what a host presents
// to enroll its agent into a policy) and uninstall tokens (what removing
// the agent from a host of a protected policy takes). Both are secrets:
// every tool here is Admin, reads included, and the client logs only
// methods, paths and statuses, never an answer.
var fleetCredentialOperations = []*operation.Operation{
	{
		Name:        "find_enrollment_api_keys",
		Title:       "Find enrollment API keys",
		Description: "List Fleet enrollment API keys with their secret, policy and whether still active; a key lets any host enroll into its policy.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/enrollment_api_keys",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FindEnrollmentAPIKeysInput{},
		Examples: []string{
			`{}`,
			`{"kuery":"policy_id:\"prod-linux\"","page":1,"perPage":20,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_enrollment_api_key",
		Title:       "Get enrollment API key",
		Description: "Read one Fleet enrollment API key, its secret included.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/enrollment_api_keys/{keyId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       EnrollmentAPIKeyIDInput{},
		Examples: []string{
			`{"keyId":"` + sandboxEnrollmentKeyID + `"}`,
			`{"keyId":"` + sandboxEnrollmentKeyID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "create_enrollment_api_key",
		Title:       "Create enrollment API key",
		Description: "Create an enrollment API key for an agent policy, for enrolling new hosts into it; the answer holds the secret.",
		Toolset:     "fleet",
		Method:      http.MethodPost,
		Path:        "/api/fleet/enrollment_api_keys",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Admin:       true,
		Input:       CreateEnrollmentAPIKeyInput{},
		Examples: []string{
			`{"policy_id":"prod-linux"}`,
			`{"policy_id":"prod-linux","name":"Rack B12 rollout","expiration":"7d","space_id":"soc"}`,
		},
	},
	{
		Name:        "revoke_enrollment_api_key",
		Title:       "Revoke enrollment API key",
		Description: "Revoke an enrollment API key: hosts can no longer enroll with it; agents already enrolled keep running. Cannot be undone.",
		Toolset:     "fleet",
		Method:      http.MethodDelete,
		Path:        "/api/fleet/enrollment_api_keys/{keyId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Deletes,
		Admin:       true,
		Input:       EnrollmentAPIKeyIDInput{},
		Examples: []string{
			`{"keyId":"` + sandboxEnrollmentKeyID + `"}`,
			`{"keyId":"` + sandboxEnrollmentKeyID + `","space_id":"soc"}`,
		},
	},
	{
		Name:        "find_uninstall_tokens",
		Title:       "Find uninstall tokens",
		Description: "List the uninstall tokens of agent policies (one per protected policy), without the tokens; get_uninstall_token reveals one.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/uninstall_tokens",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       FindUninstallTokensInput{},
		Examples: []string{
			`{}`,
			`{"policyId":"8a3b2d40","search":"Endpoint","page":1,"perPage":10,"space_id":"soc"}`,
		},
	},
	{
		Name:        "get_uninstall_token",
		Title:       "Get uninstall token",
		Description: "Reveal the token that uninstalls Elastic Agent from hosts of a protected agent policy.",
		Toolset:     "fleet",
		Method:      http.MethodGet,
		Path:        "/api/fleet/uninstall_tokens/{uninstallTokenId}",
		APIVersion:  operation.V20231031,
		Effect:      operation.Reads,
		Admin:       true,
		Input:       UninstallTokenIDInput{},
		Examples: []string{
			`{"uninstallTokenId":"` + sandboxUninstallTokenID + `"}`,
			`{"uninstallTokenId":"` + sandboxUninstallTokenID + `","space_id":"soc"}`,
		},
	},
}

// The sandbox's default enrollment key of prod-linux and the uninstall
// token of its protected endpoint-servers policy, the same in every space.
const (
	sandboxEnrollmentKeyID  = "3f7a9c21-6b4e-4d8a-9e12-5c0b7d3f1a64"
	sandboxUninstallTokenID = "b4e2d9a7-1c3f-4e6b-8a05-9d7c2f1e6b38"
)

// FindEnrollmentAPIKeysInput filters and pages enrollment keys.
type FindEnrollmentAPIKeysInput struct {
	Kuery   string `json:"kuery,omitempty" in:"query" jsonschema_description:"KQL, e.g. policy_id:\"p1\" or active:true."`
	Page    int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage int    `json:"perPage,omitempty" in:"query" jsonschema:"minimum=1,maximum=100" jsonschema_description:"Default 20."`
}

// EnrollmentAPIKeyIDInput names one enrollment key.
type EnrollmentAPIKeyIDInput struct {
	KeyID string `json:"keyId" in:"path" jsonschema:"required" jsonschema_description:"The key's id, not its api_key_id."`
}

// CreateEnrollmentAPIKeyInput is a new enrollment key.
type CreateEnrollmentAPIKeyInput struct {
	PolicyID   string `json:"policy_id" jsonschema:"required,minLength=1"`
	Name       string `json:"name,omitempty" jsonschema_description:"Unique per policy; Kibana appends the key's id."`
	Expiration string `json:"expiration,omitempty" jsonschema_description:"Lifetime, e.g. 7d or 12h; default none."`
}

// Prepare refuses a blank name and an expiration Elasticsearch cannot
// read.
func (in *CreateEnrollmentAPIKeyInput) Prepare() error {
	if in.Name != "" && trimmedEmpty(in.Name) {
		return &schema.ArgumentError{Field: "name", Rule: "must not be blank; leave it out for an id-only name"}
	}
	if in.Expiration != "" && !esDuration.MatchString(in.Expiration) {
		return &schema.ArgumentError{Field: "expiration", Rule: fmt.Sprintf("must be a duration such as 7d, 12h or 30m, got %q", in.Expiration)}
	}
	return nil
}

// FindUninstallTokensInput filters and pages uninstall token metadata.
type FindUninstallTokensInput struct {
	PolicyID string `json:"policyId,omitempty" in:"query" jsonschema:"maxLength=50" jsonschema_description:"Part of a policy id."`
	Search   string `json:"search,omitempty" in:"query" jsonschema:"maxLength=50" jsonschema_description:"Part of a policy id or name."`
	Page     int    `json:"page,omitempty" in:"query" jsonschema:"minimum=1"`
	PerPage  int    `json:"perPage,omitempty" in:"query" jsonschema:"minimum=5,maximum=100" jsonschema_description:"Default 20."`
}

// UninstallTokenIDInput names one uninstall token.
type UninstallTokenIDInput struct {
	UninstallTokenID string `json:"uninstallTokenId" in:"path" jsonschema:"required" jsonschema_description:"From find_uninstall_tokens."`
}
