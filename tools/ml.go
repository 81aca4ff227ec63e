package tools

import (
	"net/http"

	"github.com/kibana-mcp/kibana-mcp/operation"
)

// The Machine Learning API: keeping the saved objects of jobs and trained
// models in step with Elasticsearch.
var mlOperations = []*operation.Operation{
	{
		// Kibana serves this write as a GET. It is declared a write so that
		// read-only mode refuses it; a dry run (simulate) is refused too, as
		// the declaration cannot tell the two apart.
		Name:        "sync_ml_saved_objects",
		Title:       "Sync ML saved objects",
		Description: "Create the missing saved objects of machine learning jobs and trained models and delete those of ones gone; simulate only reports what would change.",
		Toolset:     "ml",
		Method:      http.MethodGet,
		Path:        "/api/ml/saved_objects/sync",
		APIVersion:  operation.V20231031,
		Effect:      operation.Writes,
		Idempotent:  true,
		Admin:       true,
		Input:       SyncMLSavedObjectsInput{},
		Examples: []string{
			`{}`,
			`{"simulate":true,"space_id":"soc"}`,
		},
	},
}

// SyncMLSavedObjectsInput can ask for a dry run.
type SyncMLSavedObjectsInput struct {
	Simulate bool `json:"simulate,omitempty" in:"query"`
}
